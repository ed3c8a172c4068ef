#!/usr/bin/env bash
# Black-box: the outputs as users meet them (issue 13, "Outputs"): the
# terminal (progress never inside results), a Windows zip's GBK names, SARIF
# that validates against the official schema (aggregation, the cap), the
# gates (--fail-on sensitive with secrets, --fail-on-skip), CSV for Chinese
# Excel, text grouped for people, .shuanignore and --baseline, and what
# `shuan detectors` / `regs show` point at.
. "$(dirname "$0")/lib.sh"
D="$WORK/d"; mkdir -p "$D"
S="$SHUAN scan --no-store --date 2026-11-22"
python3 - "$D" <<'EOF'
import sys, random, zipfile, io
d = sys.argv[1]
r = random.Random(3)
rows = ['姓名,手机,身份证号']
for i in range(400):
    rows.append('%s%s,138%08d,11010519491231002X' % (r.choice('张王李赵'), r.choice('伟芳娜强'), r.randint(0, 99999999)))
open(f'{d}/客户 名单.csv', 'w').write('\n'.join(rows) + '\n')
open(f'{d}/app.yml', 'w').write('spring:\n  datasource:\n    url: jdbc:mysql://db:3306/crm\n    password: "Pr0d-Db-Pa55w0rd!"\n')
# a zip made on Chinese Windows: GBK names without the UTF-8 flag
gbk = '客户信息导出_2024.csv'.encode('gbk'); ph = b'X' * len(gbk)
buf = io.BytesIO(); z = zipfile.ZipFile(buf, 'w')
z.writestr(ph.decode(), '姓名,手机\n张伟,13812345678\n'.encode('gbk'))
bad = b'\xff\xfe\x80raw.txt'
z.writestr('Y' * len(bad), 'tel 13912345678\n')
z.close()
open(f'{d}/windows.zip', 'wb').write(buf.getvalue().replace(ph, gbk).replace(b'Y' * len(bad), bad))
EOF

# --- GBK member names decoded; every JSON writer valid --------------------------
$S --format jsonl "$D/windows.zip" >"$WORK/w.jsonl" 2>/dev/null
check "a GBK member name is decoded" grep -q 'windows.zip!客户信息导出_2024.csv' "$WORK/w.jsonl"
check "every JSONL line parses (json.loads)" python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], "rb")]' "$WORK/w.jsonl"
$S --format json "$D/windows.zip" >"$WORK/w.json" 2>/dev/null
check "the JSON document parses" python3 -c 'import json,sys; json.load(open(sys.argv[1], "rb"))' "$WORK/w.json"

# --- SARIF: the official schema, URIs, aggregation, the cap ---------------------
$S --format sarif "$D" >"$WORK/all.sarif" 2>/dev/null
$S --format sarif --sarif-aggregate "$D" >"$WORK/agg.sarif" 2>/dev/null
$S --format sarif --max-results 10 "$D" >"$WORK/cap.sarif" 2>/dev/null
(cd "$D" && $S --format sarif . >"$WORK/rel.sarif" 2>/dev/null)
check "every SARIF validates against the SARIF 2.1.0 schema" sarif_valid "$WORK/all.sarif" "$WORK/agg.sarif" "$WORK/cap.sarif" "$WORK/rel.sarif"
check "artifact URIs are percent-encoded" jqt 'any(.runs[0].results[]; .locations[0].physicalLocation.artifactLocation.uri | endswith("%E5%AE%A2%E6%88%B7%20%E5%90%8D%E5%8D%95.csv"))' "$WORK/all.sarif"
check "relative URIs stay relative" jqt 'all(.runs[0].results[]; .locations[0].physicalLocation.artifactLocation.uri | startswith("file:") | not)' "$WORK/rel.sarif"
n=$(jq '.runs[0].results | length' "$WORK/all.sarif")
check "aggregated: one result per file and detector" [ "$(jq '.runs[0].results | length' "$WORK/agg.sarif")" -lt "$n" ]
check "aggregated: counts add up to every finding" [ "$(jq '[.runs[0].results[].properties.findings] | add' "$WORK/agg.sarif")" = "$n" ]
check "aggregated: the first locations are kept" jqt 'any(.runs[0].results[]; (.relatedLocations | length) == 4)' "$WORK/agg.sarif"
check "the cap writes at most N results" [ "$(jq '.runs[0].results | length' "$WORK/cap.sarif")" = 10 ]
check "the cap says how many were left out" [ "$(jq '.runs[0].properties.results_omitted' "$WORK/cap.sarif")" = $((n - 10)) ]
check "the gate still counts every finding under the cap" [ "$(jq '.runs[0].properties.findings' "$WORK/cap.sarif")" = "$n" ]

# --- gates ----------------------------------------------------------------------
expect_rc 1 "--fail-on sensitive fails on a production password (a secret)" $S --fail-on sensitive "$D/app.yml"
expect_rc 0 "--fail-on sensitive passes on a phone list" $S --fail-on sensitive --detectors cn_mobile "$D/客户 名单.csv"
expect_rc 2 "--fail-on-skip (default): a named path that is not there" $S "$D/none.csv"

# --- Ctrl-C counts what was done (the file in progress too) ---------------------
yes '手机 13812345678 身份证 11010519491231002X' | head -c 60000000 > "$WORK/big.log"
$S --jobs 1 --format summary "$WORK/big.log" >"$WORK/int.json" 2>/dev/null &
pid=$!
# interrupt once the scan has read into the file (its read position, not a
# fixed sleep: start-up under sanitizers on a loaded machine takes seconds)
for _ in $(seq 600); do
  rd=$(awk '/^rchar:/ {print $2}' "/proc/$pid/io" 2>/dev/null || echo 0)
  [ "${rd:-0}" -gt 8000000 ] && break
  sleep 0.1
done
kill -INT "$pid"; wait "$pid"
check "after Ctrl-C: bytes counted" jqt '.interrupted and .bytes > 0 and .inputs.interrupted == 1 and .findings > 0' "$WORK/int.json"

# --- CSV for Chinese Excel --------------------------------------------------------
$S --format csv "$D/客户 名单.csv" >"$WORK/o.csv" 2>/dev/null
check "csv: UTF-8 BOM" [ "$(head -c3 "$WORK/o.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
check "csv: Excel's reading of it (utf-8-sig) has the labels" python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))); assert r[0]["label"] and r[0]["path"].endswith("名单.csv")' "$WORK/o.csv"

# --- text for people ----------------------------------------------------------------
$S --format text --color never "$D" >"$WORK/o.txt" 2>/dev/null
check "text: one block per file with its count" grep -q '客户 名单.csv  1200 处 findings$' "$WORK/o.txt"
check "text: grouped by field with counts" grep -Eq '身份证号 +400 ' "$WORK/o.txt"
check "text: a few masked examples, not 400 lines" [ "$(grep -c '138\*\*\*\*' "$WORK/o.txt")" -le 3 ]
check "text: what to do next" grep -q 'next 下一步: shuan inventory' "$WORK/o.txt"
check "text: no raw value" lacks "$WORK/o.txt" 11010519491231002X
$S --format lines --color never "$D/客户 名单.csv" >"$WORK/o.lines" 2>/dev/null
check "lines: one line per finding" [ "$(grep -c '名单.csv:' "$WORK/o.lines")" = 1200 ]

# --- progress never inside results on a terminal ----------------------------------
if command -v script >/dev/null; then
  yes '2024-11-08 INFO user phone=13812345678' | head -c 30000000 > "$WORK/t.log"
  script -qfec "$SHUAN scan --no-store --format lines --color never $WORK/t.log" /dev/null >"$WORK/tty.out" 2>&1
  # what the screen shows: after the last "\r ESC[K" of a line (the pty ends
  # lines with \r\n); a result line must show whole, never mixed with the
  # progress line, and every character must be whole UTF-8
  check "on a terminal, progress never lands inside a result line" \
    python3 -c '
import re, sys
bad = results = 0
for raw in open(sys.argv[1], "rb").read().split(b"\n"):
    raw = raw.rstrip(b"\r")
    shown = raw.split(b"\r\x1b[K")[-1]
    text = shown.decode("utf-8", "strict")
    if "t.log:" in text:
        results += 1
        if "files," in text or not re.fullmatch(r".*t\.log:\d+:\d+  \S+ \(cn_mobile\)  138\*\*\*\*5678  置信度=\d\.\d\d", text):
            bad += 1
sys.exit(1 if bad or results == 0 else 0)' "$WORK/tty.out"
fi

# --- .shuanignore and --baseline ---------------------------------------------------
ST="$WORK/store"
(cd "$D" && $SHUAN scan --store "$ST" --format jsonl . >"$WORK/base.jsonl" 2>/dev/null)
printf '新客户 13912345678\n' > "$D/new.txt"
(cd "$D" && $SHUAN scan --store "$ST" --baseline "$WORK/base.jsonl" --format jsonl . >"$WORK/b2.jsonl" 2>/dev/null); rc=$?
check "baseline: only the new finding is written" [ "$(jq -r 'select(.type=="finding") | .path' "$WORK/b2.jsonl")" = ./new.txt ]
check "baseline: the known ones are counted as accepted" [ "$(tail -n1 "$WORK/b2.jsonl" | jq '.suppressed.baseline')" = "$(jq -s '[.[] | select(.type=="finding")] | length' "$WORK/base.jsonl")" ]
check "baseline: the new finding fails the gate" [ "$rc" -eq 1 ]
rm "$D/new.txt"
(cd "$D" && $SHUAN scan --store "$ST" --baseline "$WORK/base.jsonl" --format jsonl . >/dev/null 2>&1); rc=$?
check "baseline: nothing new passes the gate" [ "$rc" -eq 0 ]
(cd "$D" && $SHUAN scan --no-store --baseline "$WORK/base.jsonl" --format jsonl . >/dev/null 2>"$WORK/b3.err")
check "baseline with a throwaway key: warned" grep -q 'cannot match' "$WORK/b3.err"
cat > "$D/.shuanignore" <<'EOF'
# accepted findings, each with its reason
path:*名单.csv detector:cn_mobile   合成测试数据 synthetic test data
detector:credential                 the demo config in the README
EOF
(cd "$D" && $S --format jsonl . >"$WORK/ig.jsonl" 2>/dev/null); rc=$?
check "ignore: the matched findings are not written" [ "$(jq -r 'select(.type=="finding" and .detector=="cn_mobile" and (.path|endswith("名单.csv"))) | .path' "$WORK/ig.jsonl" | wc -l)" = 0 ]
check "ignore: the rest still is" grep -q '"detector":"cn_resident_id"' "$WORK/ig.jsonl"
check "ignore: counted, never silently dropped" [ "$(tail -n1 "$WORK/ig.jsonl" | jq '.suppressed.ignore_file')" = 401 ]
check "ignore: the total still counts them" [ "$(tail -n1 "$WORK/ig.jsonl" | jq '.findings')" -ge 1201 ]
(cd "$D" && $S --show-suppressed --format jsonl . >"$WORK/ig2.jsonl" 2>/dev/null)
check "--show-suppressed writes them" [ "$(jq -r 'select(.type=="finding" and .detector=="cn_mobile" and (.path|endswith("名单.csv"))) | .path' "$WORK/ig2.jsonl" | wc -l)" = 400 ]
printf 'detector:ipv4\n' > "$WORK/bad.ignore"
expect_rc 2 "an ignore rule without a reason is an error" $S --ignore-file "$WORK/bad.ignore" "$D"
$S --ignore-file "$WORK/bad.ignore" "$D" 2>"$WORK/bad.err" >/dev/null
check "the error names file:line" grep -q 'bad.ignore:1: a reason is required' "$WORK/bad.err"
rm "$D/.shuanignore"

# --- shuan detectors / regs show point at what a user has -------------------------
$SHUAN detectors >"$WORK/det.txt"
check "detectors: no reference to notes users do not have" lacks "$WORK/det.txt" regulations.md
$SHUAN regs show gb-t-43697-2024 >"$WORK/show.txt"
check "regs show: no absolute YAML paths" lacks "$WORK/show.txt" "$SRCDIR"
check "regs show: rules named from the rules directory" grep -q '(rules/detectors/cn_mobile.yaml:' "$WORK/show.txt"
$SHUAN scan --help >"$WORK/help.txt"
check "--format summary is described as what it is" grep -q 'summary (only the JSON summary line)' "$WORK/help.txt"
finish
