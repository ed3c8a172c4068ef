#!/usr/bin/env bash
# Black-box: archives and compressed streams (members as outer!inner, nesting,
# content detection), their limits (zip bomb, depth, member size, encrypted,
# traversal names, truncation), and Office files (xlsx cells with location
# and header field, docx text). Inputs are made here with python3's zipfile,
# tarfile, gzip, bz2 and lzma, and the zstd tool when installed.
. "$(dirname "$0")/lib.sh"
: "${SRCDIR:?}"
D="$WORK/in"; mkdir -p "$D"
cd "$D" || exit 1
python3 - "$SRCDIR/tools" <<'PY' || { echo "fixture generation failed"; exit 1; }
import bz2, gzip, io, lzma, sys, tarfile, zipfile
sys.path.insert(0, sys.argv[1])
import ooxml_fixture as ox

def tar_bytes(members, mode='w'):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 0
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()

# logs.zip!2024/app.log, plus traversal and absolute member names
with zipfile.ZipFile('logs.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('2024/app.log', '2024-01-01 login ok phone=13812345678\n')
    z.writestr('2024/empty/', '')
    z.writestr('../../etc/evil.log', '手机 13912340001\n')
    z.writestr('/abs/path.log', '手机 13912340002\n')
# a tar.gz holding a log and a zip holding a csv (nested)
inner = io.BytesIO()
with zipfile.ZipFile(inner, 'w') as z:
    z.writestr('deep/people.csv', 'name,phone\n张三,13612345678\n')
open('nested.tar.gz', 'wb').write(gzip.compress(tar_bytes([('a.log', b'phone 13512345678\n'),
                                                           ('inner.zip', inner.getvalue())])))
# single compressed streams; a zip named .dat (content decides)
open('c.log.gz', 'wb').write(gzip.compress(b'tel 13800000001\n'))
open('c.log.bz2', 'wb').write(bz2.compress(b'tel 13800000002\n'))
open('c.log.xz', 'wb').write(lzma.compress(b'tel 13800000003\n'))
open('renamed.dat', 'wb').write(open('logs.zip', 'rb').read())
# a truncated .gz: the part before the damage is still scanned
body = ''.join(f'{i} id{i * 7919 % 100003:06d} tel 137{i * 104729 % 10**8:08d}\n' for i in range(20000)).encode()
gz = gzip.compress(body)
open('trunc.log.gz', 'wb').write(gz[:len(gz) * 3 // 4])
# an encrypted member (the traditional PKWARE flag set on a stored entry) beside a clear one
with zipfile.ZipFile('enc.zip', 'w') as z:
    z.writestr('secret.txt', '手机 13700000001\n')
    z.writestr('clear.txt', '手机 13700000002\n')
b = bytearray(open('enc.zip', 'rb').read())
b[6] |= 1                                   # local header of the first entry
cd = b.find(b'PK\x01\x02'); b[cd + 8] |= 1  # its central directory entry
open('enc.zip', 'wb').write(bytes(b))
# bombs: 2 GiB in a tar.gz of ~2 MB (one gzip member repeated) and in a single
# .gz stream; the scanner skips the binary data at once, and the rest is drained
# through the limits, so the ratio stops both after 64 MiB
blk = b'\0\xff' * (8 << 20)
one = gzip.compress(blk, 9)
hdr = tarfile.TarInfo('huge.bin'); hdr.size = len(blk) * 128
with open('bomb.tar.gz', 'wb') as f:
    f.write(gzip.compress(hdr.tobuf(format=tarfile.GNU_FORMAT)))
    for _ in range(128):
        f.write(one)
    f.write(gzip.compress(b'\0' * 1024))
open('bin.gz', 'wb').write(one * 128)
# a zip of 256 MiB of zeros: binary, and zip members are skipped without inflating
with zipfile.ZipFile('zeros.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    with z.open('zeros.dat', 'w') as f:
        for _ in range(256):
            f.write(bytes(1 << 20))
# a big-ish member for --max-file-size and --max-expanded
with zipfile.ZipFile('big.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('big.log', 'x' * 200000 + '\n手机 13600000009\n')
    z.writestr('small.log', '手机 13600000008\n')
# xlsx: shared strings (one with rich-text runs), inline strings, a formula string, numbers
ox.write_xlsx('t.xlsx', {'sheets': [
    {'name': '客户', 'rows': [['姓名', '备注', '手机', '身份证号'],
                             ['张伟', {'inline': '无'}, '13812345678', None],
                             ['李娜', {'str': '回访'}, {'inline': '13912345678'}, 13700000005],
                             [None, {'rich': ['电话 ', '13600000006']}, None, None]]},
    {'name': 'Sheet2', 'rows': [['email'], ['a.b@example.com']]}]})
ox.write_docx('t.docx', ['联系人：杨欣平', '手机 13657141757，邮箱 a.b@example.com'])
PY
if command -v zstd >/dev/null; then printf 'tel 13800000004\n' | zstd -q > c.log.zst; fi

S="$SHUAN scan --no-store --format jsonl"
start=$(date +%s)
$S "$D" >"$WORK/out.jsonl" 2>"$WORK/err.txt"
elapsed=$(( $(date +%s) - start ))
F() { jq -r 'select(.type=="finding") | '"$1" "$WORK/out.jsonl"; }
check "zip member path" [ "$(F 'select(.path|endswith("logs.zip!2024/app.log")) | .evidence')" = "138****5678" ]
check "content-detected zip" [ -n "$(F 'select(.path|endswith("renamed.dat!2024/app.log")) | .path')" ]
check "tar.gz member" [ "$(F 'select(.path|endswith("nested.tar.gz!a.log")) | .evidence')" = "135****5678" ]
check "zip in tar.gz" [ "$(F 'select((.path|endswith("nested.tar.gz!inner.zip!deep/people.csv")) and .detector=="cn_mobile") | .field')" = "phone" ]
check "gz stream" [ "$(F 'select(.path|endswith("c.log.gz!c.log")) | .evidence')" = "138****0001" ]
check "bz2 stream" [ "$(F 'select(.path|endswith("c.log.bz2!c.log")) | .evidence')" = "138****0002" ]
check "xz stream" [ "$(F 'select(.path|endswith("c.log.xz!c.log")) | .evidence')" = "138****0003" ]
if [ -f c.log.zst ]; then
  check "zst stream" [ "$(F 'select(.path|endswith("c.log.zst!c.log")) | .evidence')" = "138****0004" ]
fi
check "traversal name scanned" [ -n "$(F 'select(.path|endswith("logs.zip!../../etc/evil.log")) | .path')" ]
check "traversal name warned" grep -q 'logs.zip!../../etc/evil.log: warning: unsafe member name' "$WORK/err.txt"
check "absolute name warned" grep -q 'logs.zip!/abs/path.log: warning: unsafe member name' "$WORK/err.txt"
check "nothing extracted" [ ! -e "$WORK/etc" ] && [ ! -e /abs/path.log ]
check "encrypted skipped" grep -q 'enc.zip!secret.txt: skipped: encrypted member' "$WORK/err.txt"
check "clear member beside it" [ "$(F 'select(.path|endswith("enc.zip!clear.txt")) | .evidence')" = "137****0002" ]
check "truncated gz named" grep -q 'trunc.log.gz: skipped: truncated or corrupt archive' "$WORK/err.txt"
n=$(F 'select(.path|endswith("trunc.log.gz!trunc.log")) | .path' | wc -l)
check "truncated gz: part before the damage scanned ($n)" [ "$n" -ge 1000 ]
# \0\xff repeated is valid UTF-16BE text (U+00FF): decoded and scanned until the
# ratio limit stops it; either way the member is skipped with a reason
check "bomb member skipped" grep -q 'bomb.tar.gz!huge.bin: skipped: ' "$WORK/err.txt"
check "bomb archive stopped" grep -q 'bomb.tar.gz: skipped: rest not read: archive expands more than max_ratio 200 times .*possible zip bomb (--max-ratio)$' "$WORK/err.txt"
check "zip of zeros skipped" grep -q 'zeros.zip!zeros.dat: skipped: binary' "$WORK/err.txt"
check "binary bomb stopped" grep -q 'bin.gz: skipped: rest not read: archive expands more than max_ratio .* (--max-ratio)$' "$WORK/err.txt"
check "bombs stop quickly (${elapsed}s)" [ "$elapsed" -lt 60 ]
# xlsx: location names the sheet and cell, field is the row-1 header
X() { F 'select(.path|endswith("t.xlsx")) | '"$1"; }
check "xlsx shared string cell" [ "$(X 'select(.evidence=="138****5678") | "\(.location) \(.field) \(.line) \(.offset)"')" = "客户!C2 手机 2 0" ]
check "xlsx inline string cell" [ "$(X 'select(.evidence=="139****5678") | "\(.location) \(.field)"')" = "客户!C3 手机" ]
check "xlsx number cell" [ "$(X 'select(.evidence=="137****0005") | "\(.location) \(.field)"')" = "客户!D3 身份证号" ]
check "xlsx rich text run" [ "$(X 'select(.evidence=="136****0006") | "\(.location) \(.field) \(.offset)"')" = "客户!B4 备注 7" ]
check "xlsx name by header" [ "$(X 'select(.location=="客户!A2") | .detector')" = "person_name" ]
check "xlsx second sheet" [ "$(X 'select(.detector=="email") | "\(.location) \(.field)"')" = "Sheet2!A2 email" ]
check "docx text" [ "$(F 'select((.path|endswith("t.docx")) and .detector=="cn_mobile") | "\(.line) \(.location)"')" = "2 null" ]
check "no value in messages" lacks "$WORK/err.txt" "1381234"
check "summary counts members" [ "$(tail -n1 "$WORK/out.jsonl" | jq .inputs.scanned)" -ge 15 ]

# CSV and text outputs carry the location
$SHUAN scan --no-store --format csv "$D/t.xlsx" >"$WORK/out.csv" 2>/dev/null
check "csv location column" grep -q '"客户!C2"' "$WORK/out.csv"
$SHUAN scan --no-store --format lines --color never "$D/t.xlsx" >"$WORK/out.txt" 2>/dev/null
check "lines shows the cell" grep -q 't.xlsx:客户!C2' "$WORK/out.txt"
$SHUAN scan --no-store --format text --color never "$D/t.xlsx" >"$WORK/out.txt" 2>/dev/null
check "text shows the cell as an example" grep -q '客户!C2' "$WORK/out.txt"

# standard input: archives, compressed streams and workbooks are recognised by content too
$S - <"$D/logs.zip" >"$WORK/in1.jsonl" 2>/dev/null
check "zip on stdin" [ "$(jq -r 'select(.type=="finding" and .path=="-!2024/app.log") | .evidence' "$WORK/in1.jsonl")" = "138****5678" ]
$S <"$D/c.log.gz" >"$WORK/in2.jsonl" 2>/dev/null
check "gz on stdin" [ "$(jq -r 'select(.type=="finding") | .path' "$WORK/in2.jsonl")" = "-!stdin" ]
$S <"$D/t.xlsx" >"$WORK/in3.jsonl" 2>/dev/null
check "xlsx on stdin" [ "$(jq -r 'select(.type=="finding" and .evidence=="138****5678") | .location' "$WORK/in3.jsonl")" = "客户!C2" ]
printf 'tel 13812345678\n' | $S >"$WORK/in4.jsonl" 2>/dev/null
check "plain stdin unchanged" [ "$(jq -r 'select(.type=="finding") | .path' "$WORK/in4.jsonl")" = "-" ]

# --max-depth 1: the zip inside the tar.gz is not opened; --max-file-size per member
$S --max-depth 1 --max-file-size 100K "$D/nested.tar.gz" "$D/big.zip" >"$WORK/d.jsonl" 2>"$WORK/d.err"
check "depth limit named" grep -q 'nested.tar.gz!inner.zip: skipped: archive nested deeper than max_depth 1 (not opened) (--max-depth)$' "$WORK/d.err"
check "depth 1 still scans the log" grep -q '135\*\*\*\*5678' "$WORK/d.jsonl"
check "member size limit" grep -q 'big.zip!big.log: skipped: larger than max_file_size (102400 bytes) (--max-file-size)$' "$WORK/d.err"
check "small member scanned" grep -q '136\*\*\*\*0008' "$WORK/d.jsonl"
# --max-expanded stops an archive; --max-ratio is validated
$S --max-expanded 100K "$D/big.zip" >/dev/null 2>"$WORK/e.err"
check "expanded limit named" grep -q 'big.zip: skipped: rest not read: archive expands beyond max_expanded .*(--max-expanded)$' "$WORK/e.err"
expect_rc 2 "bad --max-ratio" $S --max-ratio x "$D/big.zip"
expect_rc 2 "bad --max-depth" $S --max-depth 0 "$D/big.zip"
# a compressed stream of zeros reads as an empty tar: still reported, never lost
head -c 3000000 /dev/zero | gzip > "$WORK/zeros.gz"
$S "$WORK/zeros.gz" >"$WORK/z.jsonl" 2>"$WORK/z.err"
check "empty archive counted" [ "$(tail -n1 "$WORK/z.jsonl" | jq '.inputs.scanned + .inputs.skipped')" = 1 ]
check "empty archive named" grep -q 'zeros.gz: warning: archive with no members' "$WORK/z.err"
finish
