#!/usr/bin/env bash
# Black-box: hostile and unusual inputs (issue 12, points 3-10). Nothing
# lost, nothing leaked, no hang: each case below once went wrong silently.
. "$(dirname "$0")/lib.sh"
D="$WORK/h"; mkdir -p "$D"
S="$SHUAN scan --no-store --date 2026-11-22"

# --- 3. entity declarations in Office XML -------------------------------------
python3 - "$D" <<'EOF'
import sys, zipfile
d = sys.argv[1]
def xlsx(name, sst_dtd, sheet_dtd):
    z = zipfile.ZipFile(f'{d}/{name}', 'w')
    z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types/>')
    z.writestr('xl/workbook.xml', '<workbook xmlns:r="r"><sheets><sheet name="客户" r:id="rId1"/></sheets></workbook>')
    z.writestr('xl/_rels/workbook.xml.rels', '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr('xl/sharedStrings.xml', f'<?xml version="1.0"?>{sst_dtd}<sst><si><t>手机</t></si><si><t>13812345678 &co;</t></si></sst>')
    z.writestr('xl/worksheets/sheet1.xml', f'<?xml version="1.0"?>{sheet_dtd}<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="inlineStr"><is><t>11010519491231002X &co;</t></is></c></row></sheetData></worksheet>')
    z.close()
internal = '<!DOCTYPE x [<!ENTITY co "ACME">]>'
external = '<!DOCTYPE x [<!ENTITY co SYSTEM "file:///etc/hostname">]>'
bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + ''.join('<!ENTITY %s "%s">' % (chr(98 + i), ('&%s;' % chr(97 + i)) * 10) for i in range(9)) + '<!ENTITY co "&j;">]>'
xlsx('internal.xlsx', internal, internal)
xlsx('external_sst.xlsx', external, internal)
xlsx('external_sheet.xlsx', internal, external)
xlsx('bomb.xlsx', bomb, internal)
z = zipfile.ZipFile(f'{d}/external.docx', 'w')
z.writestr('[Content_Types].xml', '<Types/>')
z.writestr('word/document.xml', '<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/hostname">]><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>手机 13812345678 &e;</w:t></w:r></w:p></w:body></w:document>')
z.close()
z = zipfile.ZipFile(f'{d}/internal.docx', 'w')
z.writestr('[Content_Types].xml', '<Types/>')
z.writestr('word/document.xml', '<!DOCTYPE d [<!ENTITY e "ACME">]><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>&e; 手机 13812345678</w:t></w:r></w:p></w:body></w:document>')
z.close()
EOF
$S --format jsonl "$D/internal.xlsx" >"$WORK/ent.jsonl" 2>"$WORK/ent.err"; rc=$?
check "internal entities: the workbook is read (exit 1)" [ "$rc" -eq 1 ]
check "internal entities: the shared string's value" [ "$(jq -r 'select(.type=="finding" and .location=="客户!A2") | .evidence' "$WORK/ent.jsonl")" = "138****5678" ]
check "internal entities: the inline string's value" [ "$(jq -r 'select(.type=="finding" and .location=="客户!B2") | .evidence' "$WORK/ent.jsonl")" = "1101**********002X" ]
check "internal entities: no message" [ ! -s "$WORK/ent.err" ]
for f in external_sst external_sheet; do
  $S --format jsonl "$D/$f.xlsx" >"$WORK/$f.jsonl" 2>"$WORK/$f.err"; rc=$?
  check "$f: skipped visibly (exit 2, a named input not read)" [ "$rc" -eq 2 ]
  check "$f: the reason names the refusal" grep -q "$f.xlsx: skipped: external entity declared in xl/.*: refused" "$WORK/$f.err"
  check "$f: counted in the summary" [ "$(tail -n1 "$WORK/$f.jsonl" | jq '.inputs.skipped')" = 1 ]
  check "$f: nothing read from the entity" lacks "$WORK/$f.jsonl" "$(cat /etc/hostname)"
done
$S --format jsonl "$D/bomb.xlsx" >"$WORK/bomb.jsonl" 2>"$WORK/bomb.err"
check "entity bomb: stopped with its reason" grep -q 'amplification limit (an entity bomb): refused' "$WORK/bomb.err"
$S --format jsonl "$D/external.docx" >"$WORK/docx.jsonl" 2>"$WORK/docx.err"
check "docx external entity: refused, not 'malformed XML'" grep -q 'external.docx: skipped: external entity declared in word/document.xml: refused' "$WORK/docx.err"
check "docx: the summary counts the skip" [ "$(tail -n1 "$WORK/docx.jsonl" | jq '.inputs.skipped')" = 1 ]
$S --format jsonl "$D/internal.docx" >"$WORK/idocx.jsonl" 2>/dev/null
check "docx internal entity: read" [ "$(jq -r 'select(.type=="finding") | .evidence' "$WORK/idocx.jsonl")" = "138****5678" ]

# --- 4. SIGTERM and SIGHUP end like SIGINT -------------------------------------
yes '2024-11-08 10:00:00 INFO user login phone=13812345678 ok' | head -c 80000000 > "$WORK/big.log"
for sig in TERM HUP INT; do
  $S --jobs 2 --format jsonl "$WORK/big.log" >"$WORK/sig.jsonl" 2>"$WORK/sig.err" &
  pid=$!
  for _ in $(seq 1 600); do [ -s "$WORK/sig.jsonl" ] && break; sleep 0.1; done
  kill -"$sig" "$pid"; wait "$pid"; rc=$?
  check "SIG$sig: exit 2" [ "$rc" -eq 2 ]
  check "SIG$sig: every line is whole JSON" jqt -s 'length > 1' "$WORK/sig.jsonl"
  check "SIG$sig: summary last, marked interrupted" [ "$(tail -n1 "$WORK/sig.jsonl" | jq -r '"\(.type) \(.interrupted)"')" = "summary true" ]
  check "SIG$sig: the file in progress is counted" [ "$(tail -n1 "$WORK/sig.jsonl" | jq '.inputs.interrupted')" = 1 ]
  check "SIG$sig: bytes done are counted" [ "$(tail -n1 "$WORK/sig.jsonl" | jq '.bytes > 0')" = true ]
  n=$(grep -c '"type":"finding"' "$WORK/sig.jsonl")
  check "SIG$sig: findings match the summary" [ "$(tail -n1 "$WORK/sig.jsonl" | jq .findings)" -ge "$n" ]
done

# --- 5. file names: terminals, JSON, CSV, PI in names --------------------------
N="$WORK/names"; mkdir -p "$N"
printf '手机 13812345678\n' > "$N/$(printf 'evil\033[2J\033]0;owned\007\nshuan: fake.txt')"
printf '手机 13912345678\n' > "$N/$(printf 'gbk_\xc4\xe3\xba\xc3.txt')"
printf '手机 13712345678\n' > "$N/=HYPERLINK(1).txt"
printf '手机 13612345678\n' > "$N/客户_11010519491231002X.txt"
for fmt in text lines csv; do
  $S --format "$fmt" --color never "$N" >"$WORK/n.$fmt" 2>"$WORK/n.$fmt.err"
  check "$fmt: no ESC byte reaches the terminal" lacks "$WORK/n.$fmt" "$(printf '\033')"
  check "$fmt: no BEL byte" lacks "$WORK/n.$fmt" "$(printf '\007')"
  check "$fmt: the escape is shown" grep -q 'evil\\x1b\[2J' "$WORK/n.$fmt"
  check "$fmt: no forged message line" [ "$(grep -c '^shuan: fake.txt' "$WORK/n.$fmt" "$WORK/n.$fmt.err" | awk -F: '{s+=$2} END {print s}')" = 0 ]
  check "$fmt: the ID number in a file name is masked" lacks "$WORK/n.$fmt" 11010519491231002X
done
(cd "$N" && $S --format csv '=HYPERLINK(1).txt' >"$WORK/f.csv" 2>/dev/null)
check "csv: a cell that would be a formula starts with an apostrophe" grep -q "^\"'=HYPERLINK(1).txt\"," "$WORK/f.csv"
check "csv: no cell starts with =" lacks "$WORK/n.csv" '"=HYPERLINK'
$S --format jsonl "$N" >"$WORK/n.jsonl" 2>"$WORK/n.err"
check "jsonl: valid JSON for every line despite a GBK name" python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$WORK/n.jsonl"
check "jsonl: the masked name" grep -q '客户_1101\*\*\*\*\*\*\*\*\*\*002X.txt' "$WORK/n.jsonl"
check "jsonl: no raw ID number in names" lacks "$WORK/n.jsonl" 11010519491231002X
check "stderr messages are escaped too" lacks "$WORK/n.err" "$(printf '\033')"
$S --format json "$N" >"$WORK/n.json" 2>/dev/null
check "json: valid" python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$WORK/n.json"
$S --format sarif "$N" >"$WORK/n.sarif" 2>/dev/null
check "sarif: valid against the SARIF 2.1.0 schema" sarif_valid "$WORK/n.sarif"
$S --reveal --format jsonl "$N" >"$WORK/nr.jsonl" 2>/dev/null
check "--reveal shows names as they are" grep -q '客户_11010519491231002X.txt' "$WORK/nr.jsonl"
ST="$WORK/store"
$SHUAN scan --store "$ST" --reveal --format jsonl "$N/客户_11010519491231002X.txt" >/dev/null 2>&1
check "the store keeps scan targets masked, even with --reveal" [ "$(sqlite3 "$ST/shuan.db" 'select count(*) from scans where targets like "%11010519491231002X%"' 2>/dev/null || python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from scans where targets like ?", ("%11010519491231002X%",)).fetchone()[0])' "$ST/shuan.db")" = 0 ]

# --- 6. one unbalanced quote; --jobs 1 equals --jobs N -------------------------
python3 - "$WORK/q.csv" <<'EOF'
import random, sys
r = random.Random(7)
rows = ['姓名,手机,备注']
for i in range(30000):
    note = 'ok'
    if i == 5: note = '"unbalanced, never closed'
    if i % 997 == 0: note = '"多行\n备注 13912345678\n结束"'
    if i % 1301 == 0: note = '5\'11" tall'
    rows.append('%s%s,138%08d,%s' % (r.choice('张王李赵刘陈'), r.choice(['伟', '芳', '娜', '强']), r.randint(0, 99999999), note))
open(sys.argv[1], 'w').write('\n'.join(rows) + '\n')
EOF
$S --jobs 1 --format jsonl "$WORK/q.csv" >"$WORK/q1.jsonl" 2>"$WORK/q1.err"
$S --jobs 2 --part-size 16K --format jsonl "$WORK/q.csv" >"$WORK/q2.jsonl" 2>"$WORK/q2.err"
$S --jobs 3 --part-size 4K --format jsonl "$WORK/q.csv" >"$WORK/q3.jsonl" 2>/dev/null
findings() { jq -c 'select(.type=="finding") | [.line,.column,.offset,.detector,.field]' "$1"; }
check "--jobs 2 finds exactly what --jobs 1 does" [ "$(findings "$WORK/q1.jsonl" | md5sum)" = "$(findings "$WORK/q2.jsonl" | md5sum)" ]
check "--jobs 3 finds exactly what --jobs 1 does" [ "$(findings "$WORK/q1.jsonl" | md5sum)" = "$(findings "$WORK/q3.jsonl" | md5sum)" ]
names=$(jq -r 'select(.type=="finding" and .detector=="person_name") | .line' "$WORK/q1.jsonl" | wc -l)
check "the quote swallows at most 64 rows of names" [ "$names" -ge $((30000 - 64)) ]
check "the unbalanced quote is warned, with where" grep -q 'q.csv: warning: unbalanced quote at byte [0-9]*: the quoted cell was ended after 64 lines' "$WORK/q1.err"
check "the same warning with parts" [ "$(grep -o 'unbalanced quote at byte [0-9]*' "$WORK/q1.err")" = "$(grep -o 'unbalanced quote at byte [0-9]*' "$WORK/q2.err")" ]
check "a multi-line quoted cell keeps its field" [ "$(jq -r 'select(.type=="finding" and .evidence=="139****5678") | .field' "$WORK/q1.jsonl" | sort -u)" = 备注 ]

# --- 7. --reveal -o onto an existing file --------------------------------------
printf 'old\n' > "$WORK/rev.jsonl"; chmod 644 "$WORK/rev.jsonl"
$S --reveal --format jsonl -o "$WORK/rev.jsonl" "$N/客户_11010519491231002X.txt" 2>/dev/null
check "revealed output on an existing file is 0600" [ "$(stat -c %a "$WORK/rev.jsonl")" = 600 ]
$S --reveal --format jsonl -o "$WORK/rev2.jsonl" "$N/客户_11010519491231002X.txt" 2>/dev/null
check "revealed output on a new file is 0600" [ "$(stat -c %a "$WORK/rev2.jsonl")" = 600 ]

# --- 8. ordinary inputs past the old bounds; limits said -----------------------
python3 - "$WORK" <<'EOF'
import sys, zipfile, json
w = sys.argv[1]
# a 300 KiB cell with an ID number at its end
cell = 'x' * (300 << 10) + ' 11010519491231002X'
z = zipfile.ZipFile(f'{w}/bigcell.xlsx', 'w')
z.writestr('[Content_Types].xml', '<Types/>')
z.writestr('xl/workbook.xml', '<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>')
z.writestr('xl/_rels/workbook.xml.rels', '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
z.writestr('xl/worksheets/sheet1.xml', '<worksheet><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>%s</t></is></c><c r="XFE2" t="inlineStr"><is><t>13812345678</t></is></c></row></sheetData></worksheet>' % cell)
z.close()
# 600 columns, a name column at 550
hdr = ['c%d' % i for i in range(600)]; hdr[550] = '姓名'
row = ['v'] * 600; row[550] = '张伟'
open(f'{w}/wide.csv', 'w').write(','.join(hdr) + '\n' + ','.join(row) + '\n')
# JSON 40 levels deep with a name key at the bottom
doc = {'姓名': '王芳'}
for i in range(40):
    doc = {'k%d' % i: doc}
open(f'{w}/deep.json', 'w').write(json.dumps(doc, ensure_ascii=False))
EOF
$S --format jsonl "$WORK/bigcell.xlsx" >"$WORK/bc.jsonl" 2>"$WORK/bc.err"
check "a 300 KiB cell is scanned to its end" [ "$(jq -r 'select(.type=="finding" and .location=="S!A2") | .evidence' "$WORK/bc.jsonl")" = "1101**********002X" ]
check "a column past XFD is located where it is, not at A" [ "$(jq -r 'select(.type=="finding" and .detector=="cn_mobile") | .location' "$WORK/bc.jsonl")" = "S!XFE2" ]
$S --format jsonl "$WORK/wide.csv" >"$WORK/wide.jsonl" 2>/dev/null
check "column 551 of 600 is a named field" [ "$(jq -r 'select(.type=="finding" and .detector=="person_name") | .field' "$WORK/wide.jsonl")" = 姓名 ]
$S --format jsonl "$WORK/deep.json" >"$WORK/deep.jsonl" 2>/dev/null
check "a key 41 levels deep is a named field" [ "$(jq -r 'select(.type=="finding" and .detector=="person_name") | .field | endswith("k0.姓名")' "$WORK/deep.jsonl")" = true ]
python3 -c "
import json
d = {'手机': '13812345678'}
for i in range(300): d = {'a': d}
open('$WORK/deeper.json', 'w').write(json.dumps(d, ensure_ascii=False))"
$S --format jsonl "$WORK/deeper.json" >"$WORK/deeper.jsonl" 2>"$WORK/deeper.err"
check "past 256 levels the value is still found" [ "$(jq -r 'select(.type=="finding") | .evidence' "$WORK/deeper.jsonl")" = "138****5678" ]
check "past 256 levels the limit is said" grep -q 'warning: JSON nested deeper than 256 levels' "$WORK/deeper.err"
check "past 256 levels the summary counts it" [ "$(tail -n1 "$WORK/deeper.jsonl" | jq -r '.limits[0].limit')" = json_depth ]
# data after an archive
printf 'hello 13812345678\n' > "$WORK/a.txt"
(cd "$WORK" && gzip -c a.txt > app.log.gz && printf 'appended 13912345678\n' >> app.log.gz && python3 -c "
import zipfile; z = zipfile.ZipFile('z.zip', 'w'); z.write('a.txt'); z.close()" && printf 'after zip 13712345678\n' >> z.zip)
$S --format jsonl "$WORK/app.log.gz" "$WORK/z.zip" >"$WORK/tail.jsonl" 2>"$WORK/tail.err"
check "text after a gzip stream is scanned" [ "$(jq -r 'select(.type=="finding" and (.path|endswith("app.log.gz!(appended data)"))) | .evidence' "$WORK/tail.jsonl")" = "139****5678" ]
check "text after a zip is scanned" [ "$(jq -r 'select(.type=="finding" and (.path|endswith("z.zip!(appended data)"))) | .evidence' "$WORK/tail.jsonl")" = "137****5678" ]
check "its offset is the file's" [ "$(jq -r 'select(.type=="finding" and (.path|endswith("app.log.gz!(appended data)"))) | .offset' "$WORK/tail.jsonl")" = "$(( $(stat -c %s "$WORK/app.log.gz") - 12 ))" ]
check "and it is warned" grep -q 'bytes after the end of the archive' "$WORK/tail.err"
# a file where every 16 bytes hold a mobile: its halved chunks hold exactly the hit cap (2^17);
# the hit index once asked for two slots more than its cap and the whole file after the first
# chunk was lost, reported as complete
python3 -c "open('$WORK/crowded.log', 'w').write(''.join('tel 138%08d\\n' % i for i in range(300000)))"
$S --jobs 1 --format summary "$WORK/crowded.log" >"$WORK/crowded.json" 2>"$WORK/crowded.err"
check "a crowded file is scanned in full: every byte" [ "$(tail -n1 "$WORK/crowded.json" | jq .bytes)" = "$(stat -c %s "$WORK/crowded.log")" ]
check "a crowded file is scanned in full: every mobile" [ "$(tail -n1 "$WORK/crowded.json" | jq .findings)" = 300000 ]
# a file that shrinks while it is read
python3 -c "open('$WORK/shrink.log', 'w').write('tel 13812345678\n' * 2000000)"
$S --format jsonl "$WORK/shrink.log" >"$WORK/shrink.jsonl" 2>"$WORK/shrink.err" &
pid=$!
for _ in $(seq 1 200); do [ -s "$WORK/shrink.jsonl" ] && break; sleep 0.05; done
truncate -s 1000 "$WORK/shrink.log"
wait "$pid"
if grep -q '"type":"summary"' "$WORK/shrink.jsonl" && [ "$(tail -n1 "$WORK/shrink.jsonl" | jq .bytes)" -lt 32000000 ]; then
  check "a file that shrank is not reported as fully scanned" grep -q 'the file shrank while it was read' "$WORK/shrink.err"
fi

# --- 9. named inputs that could not be read make the exit code say so ----------
chmod 755 "$WORK"
U="$WORK/unread"; mkdir -p "$U"; printf '手机 13812345678\n' > "$U/a.txt"; printf '手机 13812345678\n' > "$U/b.txt"
chmod 000 "$U/a.txt" "$U/b.txt"; chmod 755 "$U"
as_nobody $S --format jsonl "$U/a.txt" "$U/b.txt" >"$WORK/u.jsonl" 2>"$WORK/u.err"; rc=$?
check "every named input unreadable: exit 2" [ "$rc" -eq 2 ]
check "the reason is named" grep -q 'a.txt: skipped: Permission denied' "$WORK/u.err"
check "the summary counts them unreadable" [ "$(tail -n1 "$WORK/u.jsonl" | jq '.inputs.unreadable')" = 2 ]
check "the summary says it is not complete" [ "$(tail -n1 "$WORK/u.jsonl" | jq '.complete')" = false ]
as_nobody $S --format jsonl "$U" >/dev/null 2>&1; rc=$?
check "unreadable files inside a named directory: exit 2" [ "$rc" -eq 2 ]
as_nobody $S --fail-on-skip none --format jsonl "$U" >/dev/null 2>&1; rc=$?
check "--fail-on-skip none: exit 0" [ "$rc" -eq 0 ]
as_nobody $S --format sarif "$U/a.txt" >"$WORK/u.sarif" 2>/dev/null
check "sarif: executionSuccessful false" jqt '.runs[0].invocations[0].executionSuccessful == false' "$WORK/u.sarif"
check "sarif: a notification names the input" jqt '.runs[0].invocations[0].toolExecutionNotifications[0].level == "error"' "$WORK/u.sarif"
check "sarif of an unreadable run validates" sarif_valid "$WORK/u.sarif"
chmod 644 "$U/a.txt" "$U/b.txt"
printf '\x00\x01binary' > "$WORK/photo.bin"
expect_rc 2 "a named binary input is not checked: exit 2" $S "$WORK/photo.bin"
mkdir -p "$WORK/mixed"; cp "$WORK/photo.bin" "$WORK/mixed/"; printf 'nothing\n' > "$WORK/mixed/ok.txt"
expect_rc 0 "a binary file inside a named directory: exit 0" $S "$WORK/mixed"
expect_rc 2 "--fail-on-skip any: exit 2 for it" $S --fail-on-skip any "$WORK/mixed"

# --- 10. a password in a URL is a credential, never an e-mail ------------------
printf 'DATABASE_URL=postgresql://app:Hx7kP9qLw2zR@db.internal/crm\n' > "$WORK/app.env"
$S --format jsonl "$WORK/app.env" >"$WORK/url.jsonl" 2>/dev/null
check "a credential finding" [ "$(jq -r 'select(.type=="finding") | .detector' "$WORK/url.jsonl")" = credential ]
check "no e-mail finding" lacks "$WORK/url.jsonl" '"detector":"email"'
check "no part of the password anywhere" lacks "$WORK/url.jsonl" Hx7
finish
