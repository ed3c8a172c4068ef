#!/usr/bin/env bash
# Black-box: findings are identical whatever --jobs is, including when large
# files are split into parts across workers (--part-size forces splitting).
. "$(dirname "$0")/lib.sh"
D="$WORK/jobs"; mkdir -p "$D/sub"
W=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
idn() { # GB 11643 check character for a 17-digit body
  local b=$1 s=0 i; for i in $(seq 0 16); do s=$((s + ${b:$i:1} * ${W[$i]})); done
  local m=10X98765432; echo "$b${m:$((s % 11)):1}"; }
ID=$(idn 11010519800101123)
{
  echo "姓名,手机,身份证号,备注"
  for i in $(seq 1 4000); do
    printf '张伟,138%08d,%s,"订单 %d"\n' "$i" "$ID" "$((i * 7919))"
  done
} > "$D/big.csv"
for i in $(seq 1 3000); do printf '{"ts":%d,"user":{"phone":"139%08d"},"msg":"login ok"}\n' "$i" "$i"; done > "$D/sub/app.jsonl"
for i in $(seq 1 2000); do printf '2024-11-08 INFO user %d email u%d@example.com from 203.0.113.%d\n' "$i" "$i" $((i % 250)); done > "$D/sub/app.log"
printf '手机 13712345678\n' > "$D/small.txt"
ST="$WORK/store"
run() { "$SHUAN" scan --store "$ST" --date 2026-11-22 --format jsonl "$@" "$D" 2>/dev/null | grep '"type":"finding"'; }
run --jobs 1 > "$WORK/j1.jsonl"
run --jobs 2 > "$WORK/j2.jsonl"
run --jobs 3 --part-size 16K > "$WORK/j3.jsonl"
run --jobs 2 --part-size 4K > "$WORK/j2s.jsonl"
n=$(wc -l < "$WORK/j1.jsonl")
check "many findings" [ "$n" -gt 15000 ]
check "jobs 2 identical" cmp -s "$WORK/j1.jsonl" "$WORK/j2.jsonl"
check "jobs 3 split identical" cmp -s "$WORK/j1.jsonl" "$WORK/j3.jsonl"
check "jobs 2 tiny parts identical" cmp -s "$WORK/j1.jsonl" "$WORK/j2s.jsonl"
# split CSV parts still name their column, and line numbers run on
check "field in a later part" jqt -s 'map(select(.path|endswith("big.csv"))) | last | .field == "备注" or .field == "身份证号" or .field == "手机" or .field == "姓名"' "$WORK/j3.jsonl"
check "last csv line number" [ "$(jq -r 'select(.path|endswith("big.csv")) | .line' "$WORK/j3.jsonl" | sort -n | tail -1)" = 4001 ]
# summaries agree on counts
s1=$("$SHUAN" scan --store "$ST" --jobs 1 --format jsonl "$D" 2>/dev/null | tail -n1 | jq -c '[.inputs.scanned, .findings, .bytes, .by_detector]')
s3=$("$SHUAN" scan --store "$ST" --jobs 3 --part-size 16K --format jsonl "$D" 2>/dev/null | tail -n1 | jq -c '[.inputs.scanned, .findings, .bytes, .by_detector]')
check "summary identical" [ "$s1" = "$s3" ]
# bad input on the split path: a 300 KB line spanning many 4 KiB parts, and
# invalid UTF-8 in a later part (counted, scanned anyway) - same as one job
B="$WORK/bad"; mkdir -p "$B"
{
  for i in $(seq 1 200); do printf 'line %d tel 138%08d\n' "$i" "$i"; done
  head -c 300000 /dev/zero | tr '\0' 'x'; printf ' 13912345678 '; head -c 300000 /dev/zero | tr '\0' 'y'; printf '\n'
  for i in $(seq 1 200); do printf 'bad \xff\xfe byte, tel 137%08d\n' "$i"; done
} > "$B/mixed.log"
"$SHUAN" scan --store "$ST" --format jsonl --jobs 1 "$B" >"$WORK/b1.jsonl" 2>"$WORK/b1.err"
"$SHUAN" scan --store "$ST" --format jsonl --jobs 2 --part-size 4K "$B" >"$WORK/b2.jsonl" 2>"$WORK/b2.err"
check "huge line and bad bytes: findings identical" cmp -s <(grep '"type":"finding"' "$WORK/b1.jsonl") <(grep '"type":"finding"' "$WORK/b2.jsonl")
check "value in the huge line found once" [ "$(grep -c '"evidence":"139\*\*\*\*5678"' "$WORK/b2.jsonl")" = 1 ]
check "all 401 values" [ "$(grep -c '"type":"finding"' "$WORK/b2.jsonl")" = 401 ]
check "invalid bytes counted alike" [ "$(tail -n1 "$WORK/b1.jsonl" | jq .invalid_utf8_sequences)" = "$(tail -n1 "$WORK/b2.jsonl" | jq .invalid_utf8_sequences)" ]
check "invalid bytes warned" contains "$WORK/b2.err" "invalid UTF-8 sequences"
expect_rc 2 "bad --jobs" "$SHUAN" scan --no-store --jobs 0 "$D"
finish
