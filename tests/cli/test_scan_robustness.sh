#!/usr/bin/env bash
# Black-box: bad inputs are skipped with a message naming the input and the
# reason, the run goes on, and the summary counts them; store behaviour.
. "$(dirname "$0")/lib.sh"
D="$WORK/bad"; mkdir -p "$D/sub"
printf '手机 13812345678\n' > "$D/good.txt"
printf 'PK\003\004\000\000\000binary 13912345678' > "$D/blob.bin"
printf '\xc4\xe3\xba\xc3 13712345678\n' > "$D/gbk.txt"                 # GBK: decoded
printf '\x80\x80\xff abc \xff\x80 13312345678\n' > "$D/junk.txt"       # neither UTF-8 nor GB18030
printf '\xef\xbb\xbf手机 13612345678\n' > "$D/bom.txt"                  # UTF-8 with BOM
: > "$D/empty.txt"
ln -s "$D" "$D/sub/loop"                                               # directory symlink loop
ln -s "$D/nowhere" "$D/dangling"
head -c 20000000 /dev/zero | tr '\0' 'a' > "$D/hugeline.txt"              # one 20 MB line …
printf ' 手机13512345678 \n' >> "$D/hugeline.txt"                        # … ending in a value
S="$SHUAN scan --no-store --format jsonl"

$S "$D" >"$WORK/out.jsonl" 2>"$WORK/err.txt"; rc=$?
check "run goes on and finds values (exit 1)" [ "$rc" -eq 1 ]
check "good file found" [ "$(jq -r 'select(.type=="finding" and (.path|endswith("good.txt"))) | .evidence' "$WORK/out.jsonl")" = "138****5678" ]
check "BOM file found" contains "$WORK/out.jsonl" '"evidence":"136****5678"'
check "huge line value found once" [ "$(grep -c '"evidence":"135\*\*\*\*5678"' "$WORK/out.jsonl")" = 1 ]
check "binary named" contains "$WORK/err.txt" "blob.bin: skipped: binary"
check "GBK file found" contains "$WORK/out.jsonl" '"evidence":"137****5678"'
check "undecodable named" contains "$WORK/err.txt" "junk.txt: skipped: undecodable"
check "loop named" grep -q "loop: skipped: .*symlink loop" "$WORK/err.txt"
check "dangling named" contains "$WORK/err.txt" "dangling: skipped: dangling symlink"
check "no value in messages" lacks "$WORK/err.txt" "1391234"
check "summary counts skipped" [ "$(tail -n1 "$WORK/out.jsonl" | jq .inputs.skipped)" -ge 4 ]
check "summary has reasons" [ "$(tail -n1 "$WORK/out.jsonl" | jq '.inputs.skipped_reasons | length')" -ge 3 ]
check "empty file scanned" [ "$(tail -n1 "$WORK/out.jsonl" | jq .inputs.scanned)" -ge 4 ]

if [ "$(id -u)" -ne 0 ]; then
  printf 'x' > "$D/secret.txt"; chmod 000 "$D/secret.txt"
  $S "$D" >/dev/null 2>"$WORK/err2.txt"
  check "permission denied named" contains "$WORK/err2.txt" "secret.txt: skipped: Permission denied"
  chmod 600 "$D/secret.txt"
fi

# --max-file-size skips big inputs
$S --max-file-size 1M "$D/hugeline.txt" >"$WORK/max.jsonl" 2>"$WORK/max.err"
check "max-file-size named" contains "$WORK/max.err" "larger than max_file_size (1048576 bytes) (--max-file-size)"

# store: summary recorded, key private, same value -> same fingerprint across runs
ST="$WORK/store"
$SHUAN scan --store "$ST" --format jsonl "$D/good.txt" >"$WORK/s1.jsonl" 2>/dev/null
$SHUAN scan --store "$ST" --format jsonl "$D/good.txt" >"$WORK/s2.jsonl" 2>/dev/null
check "store db" [ -f "$ST/shuan.db" ]
check "key mode 0600" [ "$(stat -c %a "$ST/fingerprint.key")" = 600 ]
f1=$(jq -r 'select(.type=="finding") | .fingerprint' "$WORK/s1.jsonl")
f2=$(jq -r 'select(.type=="finding") | .fingerprint' "$WORK/s2.jsonl")
check "stable fingerprint" [ -n "$f1" ] && [ "$f1" = "$f2" ]
check "scan id recorded" [ "$(tail -n1 "$WORK/s2.jsonl" | jq .scan_id)" = 2 ]
# SHUAN_STORE chooses the store too
SHUAN_STORE="$WORK/store2" $SHUAN scan --format jsonl "$D/good.txt" >/dev/null 2>&1
check "SHUAN_STORE used" [ -f "$WORK/store2/shuan.db" ]
# --no-store writes nothing at all (the scans above, with a store, may have
# left the compiled-patterns cache under HOME: nothing may be added or changed)
before=$(find "$HOME" -printf '%p %s %T@\n' | sort)
$SHUAN scan --no-store "$D/good.txt" >/dev/null 2>&1
check "no-store writes nothing" [ "$(find "$HOME" -printf '%p %s %T@\n' | sort)" = "$before" ]
rm -rf "$HOME/.cache"
$SHUAN scan --no-store "$D/good.txt" >/dev/null 2>&1
check "no-store writes nothing in an empty HOME" [ -z "$(ls -A "$HOME")" ]
finish
