#!/usr/bin/env bash
# Black-box: GBK and UTF-16 inputs are decoded, findings name the decoded
# column header, and offset/length point into the file as stored; --encoding
# forces a decoder; binary input is still skipped.
. "$(dirname "$0")/lib.sh"
D="$WORK/enc"; mkdir -p "$D"
printf '姓名,手机\n张伟,13812345678\n' | iconv -f UTF-8 -t GBK > "$D/gbk.csv"
{ printf '\xff\xfe'; printf '手机 13912345678\r\n' | iconv -f UTF-8 -t UTF-16LE; } > "$D/u16le.txt"
{ printf '\xfe\xff'; printf '手机 13712345678\r\n' | iconv -f UTF-8 -t UTF-16BE; } > "$D/u16be.txt"
printf 'phone 13612345678\n' | iconv -f UTF-8 -t UTF-16LE > "$D/u16nobom.txt"
printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00 13512345678' > "$D/blob.bin"
S="$SHUAN scan --no-store --format jsonl"

# The stored bytes at a finding's offset, re-encoded as UTF-8.
stored() { # stored FILE OFFSET LENGTH ENCODING
  tail -c +$(($2 + 1)) "$1" | head -c "$3" | iconv -f "$4" -t UTF-8
}
sel() { jq -c "select(.type==\"finding\" and (.path|endswith(\"$1\")))" "$WORK/out.jsonl"; }

$S --reveal "$D" >"$WORK/out.jsonl" 2>"$WORK/err.txt"
check "findings (exit 1)" [ $? -eq 1 ]
g=$(sel gbk.csv | jq -c 'select(.detector=="cn_mobile")')
check "gbk field decoded" [ "$(jq -r .field <<<"$g")" = "手机" ]
check "gbk evidence" [ "$(jq -r .evidence <<<"$g")" = "138****5678" ]
check "gbk offset" [ "$(jq -r .offset <<<"$g")" = 15 ]
check "gbk stored bytes" [ "$(stored "$D/gbk.csv" "$(jq .offset <<<"$g")" "$(jq .length <<<"$g")" GBK)" = 13812345678 ]
n=$(sel gbk.csv | jq -c 'select(.detector=="person_name")')
check "gbk name field" [ "$(jq -r .field <<<"$n")" = "姓名" ]
check "gbk name stored" [ "$(stored "$D/gbk.csv" "$(jq .offset <<<"$n")" "$(jq .length <<<"$n")" GBK)" = "张伟" ]
check "gbk revealed value is UTF-8" [ "$(jq -r .value <<<"$n")" = "张伟" ]
u=$(sel u16le.txt)
check "utf-16le offset" [ "$(jq .offset <<<"$u"),$(jq .length <<<"$u")" = "8,22" ]
check "utf-16le stored" [ "$(stored "$D/u16le.txt" "$(jq .offset <<<"$u")" 22 UTF-16LE)" = 13912345678 ]
u=$(sel u16be.txt)
check "utf-16be stored" [ "$(stored "$D/u16be.txt" "$(jq .offset <<<"$u")" "$(jq .length <<<"$u")" UTF-16BE)" = 13712345678 ]
u=$(sel u16nobom.txt)
check "utf-16le without BOM" [ "$(jq .offset <<<"$u")" = 12 ]
check "binary skipped" contains "$WORK/err.txt" "blob.bin: skipped: binary"
check "no value in messages" lacks "$WORK/err.txt" "1351234"

# --encoding forces a decoder; gbk is reported as given
$S --encoding gbk "$D/gbk.csv" >"$WORK/f.jsonl" 2>/dev/null
check "forced gbk" [ "$(jq -r 'select(.type=="finding" and .detector=="cn_mobile") | .offset' "$WORK/f.jsonl")" = 15 ]
$S --encoding utf-16le "$D/u16nobom.txt" >"$WORK/f2.jsonl" 2>/dev/null
check "forced utf-16le" contains "$WORK/f2.jsonl" '"evidence":"136****5678"'
expect_rc 2 "unknown encoding is a usage error" $S --encoding ebcdic "$D/gbk.csv"
$S --encoding ebcdic "$D/gbk.csv" >/dev/null 2>"$WORK/e.txt"
check "unknown encoding named" contains "$WORK/e.txt" "unknown --encoding 'ebcdic'"
check "help lists --encoding" grep -q -- "--encoding NAME" <($SHUAN scan --help)

# invalid GBK bytes are replaced, counted in the summary and warned about
{ printf '\x80'; printf '手机 13812345678\n' | iconv -f UTF-8 -t GBK; } > "$D/bad.txt"
$S "$D/bad.txt" >"$WORK/b.jsonl" 2>"$WORK/b.err"
check "invalid bytes counted" [ "$(tail -n1 "$WORK/b.jsonl" | jq .invalid_bytes)" = 1 ]
check "invalid bytes warned" contains "$WORK/b.err" "1 invalid gb18030 bytes replaced"
check "offset after invalid byte" [ "$(jq -r 'select(.type=="finding") | .offset' "$WORK/b.jsonl")" = 6 ]

# a GBK file through stdin is decoded too
$S - <"$D/gbk.csv" >"$WORK/s.jsonl" 2>/dev/null
check "stdin gbk" [ "$(jq -r 'select(.type=="finding" and .detector=="cn_mobile") | .offset' "$WORK/s.jsonl")" = 15 ]
finish
