#!/usr/bin/env bash
# Black-box: shuan mask / unmask / keygen on every input format, in every
# encoding the readers handle, with every action; the output scanned again
# has no findings but the surrogates the report lists; --jobs does not change
# a byte; bad input, a bad policy or a wrong key fail before any output.
. "$(dirname "$0")/lib.sh"
D="$WORK/mask"; mkdir -p "$D"; cd "$D" || exit 1
M() { "$SHUAN" mask -q --date 2025-06-01 "$@"; }
not() { ! "$@"; }
SCAN() { "$SHUAN" scan --no-store --date 2025-06-01 --format jsonl "$@" 2>/dev/null | grep '"type":"finding"'; }

python3 - <<'PY'
import random
random.seed(5)
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; M="10X98765432"
def idn(b): return b+M[sum(int(c)*w for c,w in zip(b,W))%11]
rows=["姓名,手机,身份证号,出生日期,年龄,地址,邮箱,备注"]
rows.append('张伟,13812345678,%s,1980-01-01,45,北京市朝阳区建国路88号,zhangwei@example.com,"客户 13912345678, VIP"' % idn("11010519800101123"))
rows.append('李娜,13987654321,%s,1992-07-15,32,广东省深圳市南山区科技园路1号,lina@qq.com,无' % idn("44030519920715234"))
rows.append('王芳,13600000001,%s,2015-03-01,10,上海市浦东新区世纪大道100号,wf@163.com,"多行' % idn("31011520150301126"))
rows.append('备注 13700000002"' + ",,,,,,,")
open('people.csv','w').write("\n".join(rows[:3])+"\n")
# a big CSV for --jobs: many blocks, quoted cells with newlines across block ends
with open('big.csv','w') as f:
    f.write("id,姓名,手机,身份证号,出生日期,备注\n")
    for i in range(60000):
        b="%s%04d%02d%02d%03d"%(random.choice(["110105","440305","310115"]),random.randint(1940,2010),random.randint(1,12),random.randint(1,28),random.randint(0,999))
        note = '"多行\n备注 tel 139%08d"' % i if i % 97 == 0 else 'tel 137%08d' % i
        f.write('%d,%s%s,%s%08d,%s,%s-%s-%s,%s\n'%(i,random.choice("张王李赵刘陈"),random.choice("伟芳娜敏静丽"),random.choice(["138","139","186","150"]),random.randint(0,10**8-1),idn(b),b[6:10],b[10:12],b[12:14],note))
open('app.jsonl','w').write(
 '{"user":{"name":"张伟","phone":"13812345678","ids":["%s"]},"age":35,"note":"邮箱 zhangwei@example.com"}\n'
 '{"user":{"name":"李娜","phone":13987654321},"geo":"39.904211,116.407394"}\n\n' % idn("11010519800101123"))
open('doc.json','w').write('{"meta":{"count":2},"data":[\n {"姓名":"张伟","tel":"13812345678","身份证号":"%s"},\n {"姓名":"李娜","addr":"广东省深圳市南山区科技园路1号","note":"tel\\u003a 13900000000"}\n]}\n' % idn("11010519800101123"))
open('app.log','w').write('2025-05-01 INFO user 13812345678 login from 203.0.113.5\n身份证号 %s 已验证\npassword=hunter2abc\n' % idn("11010519800101123"))
open('people.tsv','w').write("姓名\t手机\n张伟\t13812345678\n")
PY

# ---- keygen ----
"$SHUAN" keygen k.key >check.txt 2>/dev/null
check "keygen writes mode 0600" [ "$(stat -c %a k.key)" = 600 ]
check "keygen prints the check value" grep -qE '^[0-9a-f]{16}$' check.txt
check "the check value is in the file" grep -q "check: $(cat check.txt)" k.key
expect_rc 2 "keygen refuses to overwrite" "$SHUAN" keygen k.key
"$SHUAN" keygen k.key 2>keygen.err >/dev/null
check "refusal says --force" grep -q -- '--force' keygen.err
cp k.key k.keep
expect_rc 0 "keygen --force" "$SHUAN" keygen --force k.key
check "--force made a new key" not cmp -s k.key k.keep
secret=$(sed -n 's/^secret: //p' k.key)
"$SHUAN" keygen k2.key >/dev/null 2>&1

# ---- default: every finding redacted ----
M people.csv -o out.csv
check "header kept" [ "$(head -1 out.csv)" = "姓名,手机,身份证号,出生日期,年龄,地址,邮箱,备注" ]
check "mobile redacted" grep -q '<cn_mobile>' out.csv
check "no original value left" not grep -qE '13812345678|张伟|zhangwei@|建国路' out.csv
check "cell inside quotes masked, quoting kept" grep -q '"客户 <cn_mobile>, VIP"' out.csv
check "unmasked columns untouched" grep -q ',1980-01-01,45,' out.csv
check "re-scan: no findings" [ -z "$(SCAN out.csv)" ]

# ---- every action, on columns and detectors ----
M --key-file k.key --report r.json --default-action partial \
  --action 身份证号=surrogate --action 出生日期=generalize:to=age_band --action 年龄=generalize:band=5 \
  --action 地址=generalize:level=city --action 邮箱=pseudonymize --action 备注=encrypt people.csv -o act.csv
check "partial mobile" grep -q '138\*\*\*\*5678' act.csv
check "partial name" grep -q '^张\*,' act.csv
check "age band from birth date" grep -q ',40-49,' act.csv
check "age band 5" grep -q ',45-49,' act.csv
check "address to city" grep -q ',北京市,' act.csv && grep -q ',广东省深圳市,' act.csv
check "pseudonym is base32" grep -qE ',[a-z2-7]{16},SM4:' act.csv
check "encrypted note" grep -q '"SM4:' act.csv || grep -q ',SM4:' act.csv
check "report: surrogate field listed" jqt '.inputs[0].fields[] | select(.field=="身份证号" and .surrogate and .count==2)' r.json
check "report: per field action" jqt '.inputs[0].fields[] | select(.field=="出生日期" and .action=="generalize:to=age_band" and .rule=="field")' r.json
check "report: default rule" jqt '.inputs[0].fields[] | select(.field=="手机" and .detector=="cn_mobile" and .rule=="default" and .action=="partial")' r.json
check "report: key check, no secret" jqt --arg c "$(sed -n 's/^check: //p' k.key)" '.key_check == $c' r.json
check "report holds no value" not grep -qE "13812345678|张伟|$secret" r.json
# the masked output scanned again: the only findings are the surrogates
SCAN act.csv >rescan.jsonl
check "re-scan finds the surrogates" [ "$(grep -c cn_resident_id rescan.jsonl)" = 2 ]
bad=$(jq -r --slurpfile r r.json '. as $f | select(([$r[0].inputs[0].fields[] | select(.surrogate) | .field] | index($f.field)) == null) | .detector' rescan.jsonl)
check "re-scan: nothing but surrogates ($bad)" [ -z "$bad" ]
# surrogates: valid, same sex, deterministic under the key, different under another
jq -r 'select(.detector=="cn_resident_id") | .evidence' rescan.jsonl >/dev/null
M --key-file k.key --action 身份证号=surrogate --no-scan people.csv -o s1.csv
M --key-file k.key --action 身份证号=surrogate --no-scan people.csv -o s2.csv
M --key-file k2.key --action 身份证号=surrogate --no-scan people.csv -o s3.csv
check "surrogates deterministic" cmp -s s1.csv s2.csv
check "another key, other surrogates" not cmp -s s1.csv s3.csv
orig_sex=$(cut -d, -f3 people.csv | tail -n +2 | cut -c17 | tr '0-9' 'FMFMFMFMFM' | tr -d '\n')
sur_sex=$(cut -d, -f3 s1.csv | tail -n +2 | cut -c17 | tr '0-9' 'FMFMFMFMFM' | tr -d '\n')
check "surrogates keep the sex digit ($orig_sex/$sur_sex)" [ "$orig_sex" = "$sur_sex" ]
check "--no-scan leaves other columns" grep -q '^张伟,13812345678,' s1.csv

# ---- encrypt and unmask ----
M --key-file k.key --action 备注=encrypt --action 手机=encrypt:deterministic=true people.csv -o enc.csv
"$SHUAN" unmask -q --key-file k.key enc.csv -o dec.csv
check "unmask restores the encrypted columns" [ "$(cut -d, -f2 dec.csv)" = "$(cut -d, -f2 people.csv)" ]
check "unmask restores quoted cells" grep -q '"客户 13912345678, VIP"' dec.csv
check "unmask output is 0600" [ "$(stat -c %a dec.csv)" = 600 ]
M --key-file k.key --action 手机=encrypt:deterministic=true people.csv -o enc2.csv
check "deterministic tokens repeat (joins)" [ "$(cut -d, -f2 enc.csv)" = "$(cut -d, -f2 enc2.csv)" ]
expect_rc 2 "unmask with another key fails" "$SHUAN" unmask -q --key-file k2.key enc.csv -o dec2.csv
check "nothing written on a wrong key" [ ! -e dec2.csv ]
"$SHUAN" unmask -q --key-file k2.key enc.csv -o dec2.csv 2>wk.err
check "wrong key named" grep -q 'another key' wk.err
python3 -c "
s=open('enc.csv').read(); i=s.index('SM4:')+25; s=s[:i]+('A' if s[i]!='A' else 'B')+s[i+1:]; open('tampered.csv','w').write(s)"
"$SHUAN" unmask -q --key-file k.key tampered.csv -o dec3.csv 2>tp.err; rc=$?
check "altered token fails ($rc)" [ "$rc" = 2 ] && grep -q 'altered' tp.err && [ ! -e dec3.csv ]
expect_rc 2 "unmask needs a key" env -u SHUAN_KEY_FILE "$SHUAN" unmask -q enc.csv
M --key-file k.key --default-action encrypt app.log -o enc.log
"$SHUAN" unmask -q --key-file k.key enc.log -o dec.log
check "text round trip (the secret stays redacted)" cmp -s <(head -2 dec.log) <(head -2 app.log)
check "secrets are never encrypted by default" grep -q 'password=<credential>' dec.log
M --key-file k.key --default-action encrypt app.jsonl -o enc.jsonl
"$SHUAN" unmask -q --key-file k.key enc.jsonl -o dec.jsonl
check "jsonl round trip (strings)" [ "$(jq -c .user.name dec.jsonl | head -1)" = '"张伟"' ]

# ---- a key is needed, and a good one ----
M --action 手机=pseudonymize people.csv -o nokey.csv 2>nokey.err; rc=$?
check "missing key: error ($rc)" [ "$rc" = 2 ] && grep -q 'needs a key' nokey.err && [ ! -e nokey.csv ]
cp k.key open.key; chmod 644 open.key
M --key-file open.key --action 手机=pseudonymize people.csv -o open.csv 2>open.err; rc=$?
check "group-readable key refused ($rc)" [ "$rc" = 2 ] && grep -q 'chmod 600' open.err && [ ! -e open.csv ]
sed 's/^secret: ./secret: 0/' k.key >bad.key; chmod 600 bad.key
if ! cmp -s bad.key k.key; then
  M --key-file bad.key --action 手机=pseudonymize people.csv -o badk.csv 2>badk.err
  check "damaged key refused" grep -q 'check value does not match' badk.err && [ ! -e badk.csv ]
  check "the secret is never printed" not grep -q "$secret" badk.err nokey.err open.err wk.err
fi

# ---- JSON Lines, JSON documents, text, TSV ----
M --key-file k.key --action user.phone=pseudonymize --action age=generalize:band=5 --action geo=generalize:decimals=2 app.jsonl -o out.jsonl
check "jsonl: path rule" jqt -s '.[0].user.phone | test("^[a-z2-7]{16}$")' out.jsonl
check "jsonl: a number under a rule becomes a string" jqt -s '.[0].age == "35-39"' out.jsonl
check "jsonl: number finding masked" jqt -s '.[1].user.phone | test("^[a-z2-7]{16}$")' out.jsonl
check "jsonl: findings in strings" jqt -s '.[0].note == "邮箱 <email>" and .[0].user.name == "<person_name>"' out.jsonl
check "jsonl: array element" jqt -s '.[0].user.ids[0] == "<cn_resident_id>"' out.jsonl
check "jsonl: coordinates" jqt -s '.[1].geo == "39.90,116.41"' out.jsonl
check "jsonl: blank line kept" [ "$(wc -l < out.jsonl)" = 3 ]
M doc.json -o out.json
check "json document stays JSON" jqt '.meta.count == 2 and (.data|length) == 2' out.json
check "json document masked" jqt '.data[0]."姓名" == "<person_name>" and .data[0].tel == "<cn_mobile>" and .data[1].addr == "<address>"' out.json
check "json layout kept" [ "$(wc -l < out.json)" = "$(wc -l < doc.json)" ]
check "re-scan json: no findings" [ -z "$(SCAN out.json)" ]
# a JSON document larger than the scanner's 4 MiB chunk streams through the
# tee: the same values as the same records masked as JSON Lines
python3 - <<'PY'
import json
recs = [{"id": i, "name": ["张伟", "李娜", "王芳"][i % 3], "tel": "138%08d" % i,
         "note": "客户邮箱 u%d@example.com 电话 139%08d" % (i, i)} for i in range(45000)]
open('bigdoc.json', 'w').write(json.dumps(recs, ensure_ascii=False, indent=1))
open('bigdoc.jsonl', 'w').write("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n")
PY
M bigdoc.json -o bigdoc.out.json
M --jobs 3 bigdoc.jsonl -o bigdoc.out.jsonl
check "big document larger than a chunk" [ "$(stat -c %s bigdoc.json)" -gt 5000000 ]
check "streamed document = JSON Lines masked" python3 -c "
import json,sys
a=json.load(open('bigdoc.out.json')); b=[json.loads(l) for l in open('bigdoc.out.jsonl')]
sys.exit(0 if a == b and len(a) == 45000 else 1)"
check "no mobile left in the document" not grep -qE '13[89][0-9]{8}' bigdoc.out.json
M app.log -o out.log
check "log masked" grep -q 'user <cn_mobile> login from <ipv4>' out.log
check "secret redacted as a placeholder" grep -q 'password=<credential>' out.log
check "re-scan log: no findings" [ -z "$(SCAN out.log)" ]
M people.tsv -o out.tsv
check "tsv" [ "$(tail -1 out.tsv)" = "$(printf '<person_name>\t<cn_mobile>')" ]
cat people.csv | M --input-format csv - >stdout.csv
check "stdin to stdout" cmp -s stdout.csv out.csv

# ---- encodings: the output is in the input's encoding ----
iconv -f UTF-8 -t GBK people.csv >gbk.csv
M gbk.csv -o gbk.out.csv
check "GBK in, GBK out" cmp -s <(iconv -f GBK -t UTF-8 gbk.out.csv) out.csv
M --output-encoding utf-8 gbk.csv -o gbk.utf8.csv
check "--output-encoding utf-8" cmp -s gbk.utf8.csv out.csv
iconv -f UTF-8 -t UTF-16 people.csv >u16.csv
M u16.csv -o u16.out.csv
check "UTF-16 with BOM in, UTF-16 with BOM out" [ "$(head -c 2 u16.out.csv | od -An -tx1 | tr -d ' ')" = fffe ] && cmp -s <(iconv -f UTF-16 -t UTF-8 u16.out.csv) out.csv
M --output-encoding gb18030 people.csv -o conv.csv
check "UTF-8 to GB18030" cmp -s <(iconv -f GB18030 -t UTF-8 conv.csv) out.csv
printf '\xef\xbb\xbf' | cat - people.csv >bom.csv
M bom.csv -o bom.out.csv
check "UTF-8 BOM kept" [ "$(head -c 3 bom.out.csv | od -An -tx1 | tr -d ' ')" = efbbbf ]
M --encoding gbk people.csv -o wrongenc.csv 2>wrongenc.err; rc=$?
check "wrong encoding: error, no output ($rc)" [ "$rc" = 2 ] && grep -q 'not valid gbk' wrongenc.err && [ ! -e wrongenc.csv ]
{ echo 'a,b'; for i in $(seq 1 300); do echo "行$i,值$i"; done; printf 'bad\xff\xfe,2\n'; } >badutf8.csv
M badutf8.csv -o badutf8.out.csv
check "invalid UTF-8 passed through unchanged" cmp -s badutf8.csv badutf8.out.csv

# ---- xlsx: cells masked, written back with libxlsxwriter ----
python3 - "$SRCDIR/tools" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import ooxml_fixture as ox
ox.write_xlsx('t.xlsx', {'sheets': [
    {'name': '客户', 'rows': [['姓名', '备注', '手机', '身份证号', '年龄'],
                             ['张伟', {'inline': '无'}, '13812345678', '11010519491231002X', 35],
                             ['李娜', {'str': '回访'}, {'inline': '13912345678'}, None, 61],
                             [None, {'rich': ['电话 ', '13600000006']}, None, None, None]]},
    {'name': 'Sheet2', 'rows': [['email'], ['a.b@example.com']]}]})
PY
M --key-file k.key --action 年龄=generalize:band=10 --action 身份证号=surrogate t.xlsx -o t.out.xlsx --report x.json
check "xlsx written" [ -s t.out.xlsx ]
SCAN t.out.xlsx >x.scan
check "xlsx re-scan: only the surrogate" [ "$(jq -r .detector x.scan | sort -u | tr -d '\n')" = cn_resident_id ] && [ "$(jq -r .location x.scan)" = '客户!D2' ]
python3 - <<'PY' >x.cells
import zipfile, re
z = zipfile.ZipFile('t.out.xlsx')
print(z.read('xl/workbook.xml').decode())
for n in sorted(z.namelist()):
    if n.startswith('xl/worksheets/sheet'):
        print(z.read(n).decode())
PY
check "xlsx: sheets kept in order" grep -q 'name="客户".*name="Sheet2"' x.cells
check "xlsx: age band" grep -q '<t>30-39</t>' x.cells && grep -q '<t>60-69</t>' x.cells
check "xlsx: findings redacted in cells" grep -q '<t>&lt;cn_mobile&gt;</t>' x.cells && grep -q '电话 &lt;cn_mobile&gt;' x.cells
check "xlsx: untouched text kept" grep -q '<t>回访</t>' x.cells
check "xlsx: no original value" not grep -qE '13812345678|张伟|a\.b@example' x.cells
check "xlsx report" jqt '.inputs[0].format == "xlsx" and (.inputs[0].fields[] | select(.field=="身份证号" and .surrogate))' x.json
M t.xlsx -o t.out.csv 2>x.err; rc=$?
check "xlsx to a .csv name refused ($rc)" [ "$rc" = 2 ] && grep -q 'name the output .xlsx' x.err
M t.xlsx 2>x2.err; rc=$?
check "xlsx needs an output file ($rc)" [ "$rc" = 2 ] && grep -q 'needs a file' x2.err
M --key-file k.key --action 手机=encrypt t.xlsx -o te.xlsx
"$SHUAN" unmask -q --key-file k.key te.xlsx -o td.xlsx
check "xlsx encrypt/unmask round trip" [ "$(SCAN td.xlsx | jq -r 'select(.detector=="cn_mobile") | .location' | head -1)" = '客户!C2' ]

# ---- --jobs: byte-identical ----
M --jobs 1 big.csv -o j1.csv
M --jobs 2 big.csv -o j2.csv
M --jobs 3 big.csv -o j3.csv
check "big input spans many blocks" [ "$(stat -c %s big.csv)" -gt 3000000 ]
check "--jobs 2 identical" cmp -s j1.csv j2.csv
check "--jobs 3 identical" cmp -s j1.csv j3.csv
check "rows kept" [ "$(python3 -c "import csv;print(sum(1 for _ in csv.reader(open('j1.csv'))))")" = 60001 ]
check "quoted multi-line cells masked" grep -q '备注 tel <cn_mobile>"' j1.csv
check "big: no original mobile left" not grep -qE '(138|139|186|150)[0-9]{8}' j1.csv
for f in app.jsonl app.log; do
  M --jobs 1 "$f" -o "j1.$f"; M --jobs 3 "$f" -o "j3.$f"
  check "--jobs identical on $f" cmp -s "j1.$f" "j3.$f"
done
M --key-file k.key --action 身份证号=surrogate --action 手机=pseudonymize --jobs 1 big.csv -o ks1.csv
M --key-file k.key --action 身份证号=surrogate --action 手机=pseudonymize --jobs 2 big.csv -o ks2.csv
check "keyed actions identical across --jobs and runs" cmp -s ks1.csv ks2.csv

# many blocks that mask faster than they are read: the writer must never
# wait for a worker that has nothing left to do (a deadlock once)
head -c 24000000 /dev/zero | tr '\0' 'x' | fold -w 99 >many.log
timeout 120 "$SHUAN" mask -q --no-scan --jobs 1 many.log -o many.out; rc=$?
check "many fast blocks, one job ($rc)" [ "$rc" = 0 ] && cmp -s many.log many.out
timeout 120 "$SHUAN" mask -q --no-scan --jobs 3 many.log -o many3.out; rc=$?
check "many fast blocks, three jobs ($rc)" [ "$rc" = 0 ] && cmp -s many.log many3.out
rm -f many.log many.out many3.out

# ---- bad input: clear errors naming it, nothing written ----
printf 'a,b\n1,2\n3,4,5\n' >ragged.csv
M ragged.csv -o ragged.out 2>ragged.err; rc=$?
check "ragged row: error naming line 3 ($rc)" [ "$rc" = 2 ] && grep -q 'ragged.csv: line 3: 3 fields where the header has 2' ragged.err && [ ! -e ragged.out ]
M --allow-ragged ragged.csv -o ragged.out
check "--allow-ragged" [ -e ragged.out ]
M --action 不存在=redact people.csv -o miss.csv 2>miss.err; rc=$?
check "missing column: error naming it ($rc)" [ "$rc" = 2 ] && grep -q "column '不存在' is not in people.csv" miss.err && [ ! -e miss.csv ]
M --action 手机=scramble people.csv 2>act.err; rc=$?
check "unknown action: error naming it" [ "$rc" = 2 ] && grep -q "unknown action 'scramble'" act.err
M --action 手机=partial:frist=3 people.csv 2>par.err
check "unknown parameter named" grep -q "unknown parameter 'frist'" par.err
cat >pol.yaml <<'YAML'
version: 1
columns:
  手机: {action: partial, first: 3, last: 4}
  身份证: surrogate
YAML
M --key-file k.key --policy pol.yaml people.csv -o pol.csv 2>pol.err; rc=$?
check "policy column missing: file:line:column ($rc)" [ "$rc" = 2 ] && grep -q "pol.yaml:4:3: column '身份证' is not in people.csv" pol.err
printf 'columns:\n  手机: {action: partial, last: x}\n' >pol2.yaml
M --policy pol2.yaml people.csv 2>pol2.err
check "bad parameter value: file:line:column" grep -q 'pol2.yaml:2:' pol2.err
printf 'colunms: {}\n' >pol3.yaml
M --policy pol3.yaml people.csv 2>pol3.err
check "unknown policy key" grep -q "pol3.yaml:1:1: unknown key 'colunms'" pol3.err
printf '"a,b\n1,2\n' >openq.csv
M --input-format csv openq.csv -o openq.out 2>openq.err; rc=$?
check "unterminated quote: error ($rc)" [ "$rc" = 2 ] && grep -q 'not closed' openq.err && [ ! -e openq.out ]
printf '{"a": [1, 2}\n' >bad.json
M bad.json -o bad.out 2>bad.err; rc=$?
check "broken JSON: error naming the line ($rc)" [ "$rc" = 2 ] && grep -q 'bad.json: line 1: invalid JSON' bad.err && [ ! -e bad.out ]
head -c 3000 /dev/zero | tr '\0' '\1' >bin.dat; printf '\0\0\0\2\3' >>bin.dat
expect_rc 2 "binary input refused" M bin.dat -o bin.out
gzip -c people.csv >people.csv.gz
M people.csv.gz -o gz.out 2>gz.err; rc=$?
check "compressed input refused with a reason" [ "$rc" = 2 ] && grep -q 'extract' gz.err
expect_rc 2 "output over the input refused" M people.csv -o people.csv
check "input untouched" grep -q 13812345678 people.csv
expect_rc 2 "missing input" M nosuch.csv -o x.csv
expect_rc 2 "generalize on a detector without a hierarchy" M --action email=generalize people.csv
M --action 手机=surrogate:on_invalid=error --key-file k.key --no-scan people.csv -o oninv.csv
check "on_invalid=error passes valid values" [ -e oninv.csv ]
printf '手机\n13812345678\nnot-a-phone\n' >mixed.csv
M --key-file k.key --action 手机=surrogate mixed.csv -o mixed.out --report mixed.json
check "a value that does not fit is redacted, not kept" [ "$(tail -1 mixed.out)" = '<redacted>' ]
check "report counts it invalid" jqt '.inputs[0].invalid == 1' mixed.json
M --key-file k.key --action 手机=surrogate:on_invalid=error mixed.csv -o mixed2.out 2>mixed.err; rc=$?
check "on_invalid=error stops ($rc)" [ "$rc" = 2 ] && grep -q 'line 3' mixed.err && [ ! -e mixed2.out ]
check "no temporary files left" [ -z "$(ls -a | grep '\.tmp$')" ]

# ---- --help is the option table ----
"$SHUAN" mask --help >help.txt
for o in out policy action default-action no-scan key-file report input-format encoding output-encoding date jobs max-record allow-ragged; do
  check "mask --help lists --$o" grep -q -- "--$o" help.txt
done
expect_rc 0 "unmask --help" "$SHUAN" unmask --help
expect_rc 0 "keygen --help" "$SHUAN" keygen --help
finish
