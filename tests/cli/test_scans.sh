#!/usr/bin/env bash
# Black-box: `shuan scans` lists the scans the store keeps, shows one and
# compares two; names in the store have their PI masked.
. "$(dirname "$0")/lib.sh"
ST="$WORK/store"; D="$WORK/d"; mkdir -p "$D"
printf '手机 13812345678\n' > "$D/a.txt"
printf '身份证 11010519491231002X\n' > "$D/客户_11010519491231002X.txt"
S="$SHUAN scan --store $ST --date 2026-11-22 --format jsonl"
$SHUAN scans --store "$ST" >"$WORK/empty.txt"
check "no scans yet" grep -q 'no scans recorded' "$WORK/empty.txt"
$S "$D/a.txt" >/dev/null 2>&1
$S "$D/a.txt" "$D/客户_11010519491231002X.txt" >/dev/null 2>&1
printf 'nothing here\n' > "$WORK/clean.txt"
$S "$WORK/clean.txt" >/dev/null 2>&1
$SHUAN scans --store "$ST" >"$WORK/list.txt"
check "three scans, newest first" [ "$(awk 'NR>1 {print $1}' "$WORK/list.txt" | tr '\n' ' ')" = "3 2 1 " ]
check "outcomes named" [ "$(awk 'NR==2 {print $7}' "$WORK/list.txt")" = clean ]
$SHUAN scans --store "$ST" --format json >"$WORK/list.json"
check "json list" jqt 'length == 3 and .[0].outcome.exit_code == 0 and .[1].findings == 2' "$WORK/list.json"
$SHUAN scans --store "$ST" show 2 >"$WORK/show.txt"
check "show: per detector" grep -q 'cn_resident_id' "$WORK/show.txt"
$SHUAN scans --store "$ST" diff 1 2 >"$WORK/diff.txt"
check "diff: findings changed" grep -Eq 'findings +1 -> 2 +\(\+1\)' "$WORK/diff.txt"
check "diff: the new detector" grep -q 'cn_resident_id  *0 -> 1' "$WORK/diff.txt"
$SHUAN scans --store "$ST" diff 2 --format json >"$WORK/diff.json"
check "diff B compares with the scan before" jqt '.a.id == 1 and .b.id == 2' "$WORK/diff.json"
check "the store never keeps the ID number of a file name" [ "$(jq -r '.[].targets' "$WORK/list.json" | grep -c 11010519491231002X)" = 0 ]
check "the masked name is kept" grep -qF '客户_1101**********002X.txt' <(jq -r '.[].targets' "$WORK/list.json")
expect_rc 2 "unknown scan" $SHUAN scans --store "$ST" show 99
expect_rc 2 "bad usage" $SHUAN scans --store "$ST" diff x
finish
