#!/usr/bin/env bash
# Data-driven rule tests: every tests/rules/<case>/ holds one input file
# (input.*) and expected.tsv with lines "line<TAB>detector<TAB>evidence"
# (masked). The scan's findings must equal the expected set exactly: a
# missing line is a miss, an extra one a false positive.
set -u
: "${SHUAN:?}" "${TESTDIR:?}"
pass=0 fail=0
# the compiled-patterns cache of these runs, not the user's
SHUAN_CACHE_DIR=$(mktemp -d)
export SHUAN_CACHE_DIR
trap 'rm -rf "$SHUAN_CACHE_DIR"' EXIT
for dir in "$TESTDIR"/*/; do
  case=$(basename "$dir")
  input=$(ls "$dir"input.* 2>/dev/null | head -n1)
  [ -n "$input" ] && [ -f "$dir/expected.tsv" ] || continue
  got=$("$SHUAN" scan --no-store --date 2026-11-22 --format jsonl "$input" 2>/dev/null |
        jq -r 'select(.type=="finding") | "\(.line)\t\(.detector)\t\(.evidence)"' | sort)
  want=$(grep -v '^#' "$dir/expected.tsv" | grep -v '^$' | sort)
  if [ "$got" = "$want" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: rule case $case"
    diff <(echo "$want") <(echo "$got") | sed 's/^/  /'
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
