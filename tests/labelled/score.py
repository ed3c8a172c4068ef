#!/usr/bin/env python3
"""Scores one detector's findings against a labelled set and asserts the
targets.

  score.py LABELS DETECTOR FINDINGS.jsonl TARGET...

LABELS lines: file<TAB>line<TAB>byte offset<TAB>byte length<TAB>kind ('#'
lines are comments). FINDINGS is `shuan scan --format jsonl` of the labelled
files. A finding of DETECTOR is a true positive when it covers at least 80%
of a labelled span's bytes and is at most 25% longer than it (a whole cell
or a narrowed value, never a sentence); every other finding of DETECTOR in
a labelled file is a false positive.

TARGET is recall:KIND>=X (the share of labels of that kind found) or
precision:FILE>=X (true findings among all findings in that file). Prints
every figure, then exits 1 when a target is missed.
"""
import json
import os
import sys

labels_path, detector, findings_path = sys.argv[1:4]
targets = sys.argv[4:]

labels = []
with open(labels_path, encoding='utf-8') as f:
    for line in f:
        if line.startswith('#') or not line.strip():
            continue
        name, ln, off, length, kind = line.rstrip('\n').split('\t')
        labels.append({'file': name, 'line': int(ln), 'off': int(off), 'len': int(length), 'kind': kind,
                       'found': False})

files = {l['file'] for l in labels}
found = {}
with open(findings_path, encoding='utf-8') as f:
    for line in f:
        rec = json.loads(line)
        if rec.get('type') != 'finding' or rec.get('detector') != detector:
            continue
        name = os.path.basename(rec['path'])
        if name not in files and not any(name.endswith(x) for x in files):
            continue
        found.setdefault(name, []).append(rec)

stats = {}
for name, recs in found.items():
    for rec in recs:
        a, b = rec['offset'], rec['offset'] + rec['length']
        hit = None
        for l in labels:
            if l['file'] != name:
                continue
            inter = min(b, l['off'] + l['len']) - max(a, l['off'])
            if inter >= 0.8 * l['len'] and (b - a) <= 1.25 * l['len']:
                hit = l
                break
        s = stats.setdefault(name, {'tp': 0, 'fp': 0})
        if hit:
            hit['found'] = True
            s['tp'] += 1
        else:
            s['fp'] += 1
            print('  false positive: %s:%d offset %d length %d' % (name, rec['line'], a, rec['length']))

for l in labels:
    if not l['found']:
        print('  missed: %s:%d offset %d length %d (%s)' % (l['file'], l['line'], l['off'], l['len'], l['kind']))

ok = True
for t in targets:
    what, bar = t.split('>=')
    metric, arg = what.split(':')
    bar = float(bar)
    if metric == 'recall':
        sel = [l for l in labels if l['kind'] == arg]
        val = sum(l['found'] for l in sel) / len(sel) if sel else 0.0
        detail = '%d/%d' % (sum(l['found'] for l in sel), len(sel))
    elif metric == 'precision':
        s = stats.get(arg, {'tp': 0, 'fp': 0})
        tot = s['tp'] + s['fp']
        val = s['tp'] / tot if tot else 0.0
        detail = '%d/%d' % (s['tp'], tot)
    else:
        raise SystemExit('unknown metric ' + metric)
    good = val >= bar
    ok = ok and good
    print('%s %s: %s = %.3f (target >= %.2f) %s' % (detector, what, detail, val, bar, 'ok' if good else 'MISSED'))
sys.exit(0 if ok else 1)
