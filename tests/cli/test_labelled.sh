#!/usr/bin/env bash
# Black-box: precision and recall on the labelled sets in tests/labelled/
# (issue 13's targets). The generated files must be what their generators
# write from the committed tables (deterministic), then each set is scanned
# and tests/labelled/score.py computes and asserts the figures.
. "$(dirname "$0")/lib.sh"
L="$SRCDIR/tests/labelled"

# the committed sets are what the generators write
mkdir -p "$WORK/gen"
python3 "$L/gen_addresses.py" "$SRCDIR/rules" "$WORK/gen"
for f in addresses.csv addresses_prose.txt addresses.labels.tsv; do
  check "$f is what gen_addresses.py writes" cmp -s "$L/$f" "$WORK/gen/$f"
done
python3 "$L/gen_logs.py" "$WORK/gen"
for f in access.log app.jsonl logs.labels.tsv; do
  check "$f is what gen_logs.py writes" cmp -s "$L/$f" "$WORK/gen/$f"
done
for src in "$L"/*.src.txt; do
  base=$(basename "$src" .src.txt)
  python3 "$L/gen_hard.py" "$src" "$WORK/gen" "$(awk -F'\t' '!/^#/ {print $5; exit}' "$L/$base.labels.tsv")"
  check "$base.txt is what gen_hard.py writes" cmp -s "$L/$base.txt" "$WORK/gen/$base.txt"
  check "$base.labels.tsv is what gen_hard.py writes" cmp -s "$L/$base.labels.tsv" "$WORK/gen/$base.labels.tsv"
done

score() { # score LABELS DETECTOR FILES... -- TARGETS...
  local labels=$1 det=$2; shift 2
  local files=()
  while [ "$1" != "--" ]; do files+=("$L/$1"); shift; done
  shift
  $SHUAN scan --no-store --date 2026-11-22 --format jsonl "${files[@]}" >"$WORK/f.jsonl" 2>"$WORK/f.err"
  check "$det: scan ran (exit 0 or 1)" [ $? -le 1 ]
  if python3 "$L/score.py" "$L/$labels" "$det" "$WORK/f.jsonl" "$@" >"$WORK/score.txt"; then ok; else
    bad "$det: a target missed"; fi
  grep -E '^[a-z_0-9]+ (recall|precision)' "$WORK/score.txt"
  grep -E '^  (missed|false positive)' "$WORK/score.txt" | head -n 20
}

# addresses: recall >= 0.9 in address columns and after cues, precision >= 0.9 in prose
score addresses.labels.tsv address addresses.csv addresses_prose.txt -- \
  'recall:column>=0.9' 'recall:cue>=0.9' 'precision:addresses_prose.txt>=0.9' 'precision:addresses.csv>=0.9'
score addresses_hard.labels.tsv address addresses_hard.txt -- \
  'recall:cue>=0.9' 'precision:addresses_hard.txt>=0.9'
# IPv4: precision >= 0.97 on access and JSON logs with real user agents,
# while the client, proxy and upstream addresses are still found
score logs.labels.tsv ipv4 access.log app.jsonl -- \
  'recall:ip>=0.99' 'precision:access.log>=0.97' 'precision:app.jsonl>=0.97'
finish
