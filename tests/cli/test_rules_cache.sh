#!/usr/bin/env bash
# Black-box: the compiled-patterns cache. `shuan rules compile` fills it and
# says so; a scan uses it (same findings as without it); a cache directory
# that cannot be written only adds a note to a scan, while `rules compile`
# fails on it; the default location follows SHUAN_CACHE_DIR, XDG_CACHE_HOME
# and HOME; --no-cache reads and writes nothing; inventory, mask and detectors share the cache.
. "$(dirname "$0")/lib.sh"
C="$WORK/cache"
printf '联系电话 13812345678 邮箱 li.na@example.com\n' > "$WORK/a.txt"
scan() { "$SHUAN" scan --store "$WORK/store" --date 2026-11-22 --format jsonl "$@" "$WORK/a.txt"; }

"$SHUAN" rules compile --cache "$C" >"$WORK/c1.out" 2>"$WORK/c1.err"; rc=$?
check "compile exits 0" [ "$rc" -eq 0 ]
check "compile says it compiled" grep -q "^compiled: $C/vectorscan-.*\.hsdb (20 detectors)$" "$WORK/c1.out"
check "one cache file" [ "$(ls "$C" | grep -c '^vectorscan-.*\.hsdb$')" = 1 ]
"$SHUAN" rules compile --cache "$C" >"$WORK/c2.out" 2>&1
check "second compile is up to date" grep -q "^up to date: $C/vectorscan-" "$WORK/c2.out"
"$SHUAN" rules compile --cache "$C" --detectors email,cn_mobile >"$WORK/c3.out" 2>&1
check "a selection has its own file" grep -q "^compiled: .* (2 detectors)$" "$WORK/c3.out"

scan --no-cache 2>/dev/null | grep '"type":"finding"' > "$WORK/plain.jsonl"
before=$(stat -c %Y:%i "$C"/vectorscan-*.hsdb | sort)
scan --cache "$C" 2>"$WORK/s.err" | grep '"type":"finding"' > "$WORK/cached.jsonl"
check "findings with the cache are the same" cmp -s "$WORK/plain.jsonl" "$WORK/cached.jsonl"
check "two findings" [ "$(wc -l < "$WORK/plain.jsonl")" = 2 ]
check "a hit writes nothing" [ "$before" = "$(stat -c %Y:%i "$C"/vectorscan-*.hsdb | sort)" ]
check "a hit says nothing" [ ! -s "$WORK/s.err" ]

# a damaged file: a note, the same findings, and the file is replaced
f=$(ls "$C"/vectorscan-*.hsdb | head -1)
for x in "$C"/vectorscan-*.hsdb; do printf 'garbage' | dd of="$x" bs=1 seek=200 conv=notrunc 2>/dev/null; done
scan --cache "$C" 2>"$WORK/d.err" | grep '"type":"finding"' > "$WORK/damaged.jsonl"
check "damaged: same findings" cmp -s "$WORK/plain.jsonl" "$WORK/damaged.jsonl"
check "damaged: a note" grep -q "^shuan scan: note: the rules cache .* was damaged (checksum mismatch); compiled the patterns again$" "$WORK/d.err"
scan --cache "$C" 2>"$WORK/d2.err" >/dev/null
check "damaged: replaced, then silent" [ ! -s "$WORK/d2.err" ]

# a cache directory that cannot be created: the scan works and says so once
: > "$WORK/file"
scan --cache "$WORK/file/cache" 2>"$WORK/u.err" | grep '"type":"finding"' > "$WORK/unwritable.jsonl"
check "unwritable: same findings" cmp -s "$WORK/plain.jsonl" "$WORK/unwritable.jsonl"
check "unwritable: one note" [ "$(grep -c 'cannot be written' "$WORK/u.err")" = 1 ]
check "unwritable: the note says what to do" grep -q "shuan rules compile --cache DIR" "$WORK/u.err"
expect_rc 1 "unwritable: still exit 1 for findings" scan --cache "$WORK/file/cache"
scan --quiet --cache "$WORK/file/cache" 2>"$WORK/uq.err" >/dev/null
check "--quiet: no note" [ ! -s "$WORK/uq.err" ]
expect_rc 2 "rules compile fails on an unwritable cache" "$SHUAN" rules compile --cache "$WORK/file/cache"
"$SHUAN" rules compile --cache "$WORK/file/cache" 2>"$WORK/ce.err" >/dev/null
check "rules compile says why" grep -q "cannot be written (Not a directory)" "$WORK/ce.err"

# default locations
scan >/dev/null 2>&1
check "default: under HOME/.cache/shuan" [ -n "$(ls "$HOME/.cache/shuan" 2>/dev/null | grep '^vectorscan-')" ]
XDG_CACHE_HOME="$WORK/xdg" scan >/dev/null 2>&1
check "XDG_CACHE_HOME/shuan" [ -n "$(ls "$WORK/xdg/shuan" 2>/dev/null)" ]
SHUAN_CACHE_DIR="$WORK/own" XDG_CACHE_HOME="$WORK/xdg2" scan >/dev/null 2>&1
check "SHUAN_CACHE_DIR first" [ -n "$(ls "$WORK/own" 2>/dev/null)" ] && check "and not XDG" [ ! -e "$WORK/xdg2" ]
SHUAN_CACHE_DIR="$WORK/none" scan --no-cache >/dev/null 2>&1
check "--no-cache writes nothing" [ ! -e "$WORK/none" ]
# --no-store writes nothing it was not asked to: the cache is read, not written
SHUAN_CACHE_DIR="$WORK/ns" "$SHUAN" scan --no-store "$WORK/a.txt" >/dev/null 2>"$WORK/ns.err"
check "--no-store: no cache written" [ ! -e "$WORK/ns" ]
check "--no-store: no note" [ ! -s "$WORK/ns.err" ]
"$SHUAN" rules compile --cache "$WORK/ns" >/dev/null
before=$(stat -c %Y:%i "$WORK"/ns/vectorscan-*.hsdb)
SHUAN_CACHE_DIR="$WORK/ns" "$SHUAN" scan --no-store "$WORK/a.txt" >/dev/null 2>"$WORK/ns2.err"
check "--no-store: pre-built cache read, untouched" [ "$before" = "$(stat -c %Y:%i "$WORK"/ns/vectorscan-*.hsdb)" ]
"$SHUAN" scan --no-store --cache "$WORK/asked" "$WORK/a.txt" >/dev/null 2>&1
check "--no-store --cache DIR writes DIR" [ -n "$(ls "$WORK/asked" 2>/dev/null)" ]
# the other commands that scan share the cache: they write it as scan does, read it (a damaged
# file is replaced, the output unchanged), and --no-store keeps them from writing it
printf 'id,手机\n1,13812345678\n' > "$WORK/t.csv"
SHUAN_CACHE_DIR="$WORK/inv" "$SHUAN" inventory --store "$WORK/store" --format json "$WORK/t.csv" >"$WORK/inv1.json" 2>/dev/null
check "inventory writes the cache" [ -n "$(ls "$WORK/inv" 2>/dev/null | grep '^vectorscan-')" ]
for x in "$WORK"/inv/vectorscan-*.hsdb; do printf 'garbage' | dd of="$x" bs=1 seek=200 conv=notrunc 2>/dev/null; done
before=$(stat -c %i:%s "$WORK"/inv/vectorscan-*.hsdb)
SHUAN_CACHE_DIR="$WORK/inv" "$SHUAN" inventory --store "$WORK/store" --format json "$WORK/t.csv" >"$WORK/inv2.json" 2>/dev/null
check "inventory reads the cache: the damaged file is replaced" [ "$before" != "$(stat -c %i:%s "$WORK"/inv/vectorscan-*.hsdb)" ]
check "... and the inventory is the same" [ "$(jq -c '.columns' "$WORK/inv1.json")" = "$(jq -c '.columns' "$WORK/inv2.json")" ]
SHUAN_CACHE_DIR="$WORK/inv_ns" "$SHUAN" inventory --no-store "$WORK/t.csv" >/dev/null 2>&1
check "inventory --no-store writes no cache" [ ! -e "$WORK/inv_ns" ]
SHUAN_CACHE_DIR="$WORK/mk" "$SHUAN" mask -q "$WORK/t.csv" >"$WORK/t.masked" 2>/dev/null
check "mask writes the cache" [ -n "$(ls "$WORK/mk" 2>/dev/null | grep '^vectorscan-')" ]
check "... and masks as before" grep -qx '1,<cn_mobile>' "$WORK/t.masked"
SHUAN_CACHE_DIR="$WORK/det" "$SHUAN" detectors >/dev/null 2>&1
check "detectors writes the cache" [ -n "$(ls "$WORK/det" 2>/dev/null | grep '^vectorscan-')" ]
check "scan --help names the cache" sh -c "'$SHUAN' scan --help | grep -q -- '--cache DIR'"
check "rules --help" sh -c "'$SHUAN' rules compile --help | grep -q 'read-only installation'"
expect_rc 2 "rules without a subcommand" "$SHUAN" rules
expect_rc 2 "rules compile with an argument" "$SHUAN" rules compile extra
finish
