#!/usr/bin/env bash
# Black-box: `shuan detectors` lists every detector with its citations
# resolved to catalogue titles (no dangling citation).
. "$(dirname "$0")/lib.sh"
$SHUAN detectors --format json >"$WORK/d.json" 2>"$WORK/d.err"
check "exit 0" [ $? -eq 0 ]
# one detector per rules/detectors/<id>.yaml, each listed
n=0
for f in "$SRCDIR"/rules/detectors/*.yaml; do
  id=$(basename "$f" .yaml); n=$((n + 1))
  check "$id listed" jqt --arg id "$id" 'any(.[]; .id == $id)' "$WORK/d.json"
done
check "at least the 19 shipped detectors" [ "$n" -ge 19 ]
check "as many detectors as files ($n)" jqt --argjson n "$n" 'length == $n' "$WORK/d.json"
check "every citation resolves to a title" jqt 'all(.[]; all(.cites[]; .title != null and .title != ""))' "$WORK/d.json"
check "labels in both languages" jqt 'all(.[]; .label != "" and .label_en != "")' "$WORK/d.json"
check "bank card is sensitive financial account info" jqt '.[] | select(.id=="bank_card") | .sensitive and .spi_category == "金融账户信息"' "$WORK/d.json"
$SHUAN detectors >"$WORK/d.txt"
check "text shows a cited title" contains "$WORK/d.txt" "公民身份号码"
expect_rc 2 "unknown format" $SHUAN detectors --format xml
finish
