#!/usr/bin/env bash
# Black-box: shuan risk figures (the JSON keys are a contract), the same
# figures when the classes spill to disk, and --suggest end to end: the
# suggested policy, applied by shuan mask, really makes the table
# k-anonymous, suppressing what the search predicted.
. "$(dirname "$0")/lib.sh"
D="$WORK/risk"; mkdir -p "$D"; cd "$D" || exit 1
R() { "$SHUAN" risk --date 2025-06-01 "$@"; }
not() { ! "$@"; }

printf 'band,sex,disease\nA,M,flu\nA,M,flu\nA,M,cold\nB,F,flu\nB,F,hiv\nC,M,flu\n*,*,flu\n' >t.csv
R --qi band,sex --sensitive disease --k 2 --format json t.csv >t.json; rc=$?
check "k below target: exit 1 ($rc)" [ "$rc" = 1 ]
check "json keys" jqt 'has("records") and has("k") and has("classes") and has("below_k") and has("below_k_share") and has("l_distinct") and has("l_entropy") and has("prosecutor_max") and has("prosecutor_avg") and has("journalist_max") and has("marketer")' t.json
check "hand-computed figures" jqt '.records == 6 and .suppressed == 1 and .classes == 3 and .k == 1 and .below_k == 1 and .l_distinct == 1 and .l_entropy == 1 and .prosecutor_max == 1 and .prosecutor_avg == 0.5 and .journalist_max == 1 and .marketer == 0.5' t.json
check "below_k_share" jqt '(.below_k_share - (1/6)) | fabs < 1e-5' t.json
check "class sizes" jqt '[.class_sizes[] | [.min, .classes]] == [[1,1],[2,1],[3,1]]' t.json
R --qi band,sex --k 1 t.csv >/dev/null 2>&1 || true
expect_rc 0 "k reached: exit 0" "$SHUAN" risk --qi band,sex --k 2 --format json /dev/stdin <<<$'band,sex\nA,M\nA,M\n'
R --qi band,sex --sensitive disease t.csv >t.txt
check "text output" grep -q 'k (smallest class)       1' t.txt
iconv -f UTF-8 -t GBK <<<$'年龄,性别\n30,男\n30,男\n31,女\n' >gbk.csv
R --format json gbk.csv >gbk.json
check "GBK table, quasi-identifiers found by name" jqt '.records == 3 and .classes == 2 and ([.quasi_identifiers[].kind] == ["age","sex"])' gbk.json

# a larger table: the same figures with classes spilled to disk
python3 - <<'PY'
import random
random.seed(3)
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; M="10X98765432"
def idn(b): return b+M[sum(int(c)*w for c,w in zip(b,W))%11]
prov=[("110105","北京市朝阳区","100020"),("310115","上海市浦东新区","200120"),("440305","广东省深圳市南山区","518052"),("330106","浙江省杭州市西湖区","310012")]
with open('people.csv','w') as f:
    f.write("姓名,身份证号,出生日期,性别,邮编,地址,诊断\n")
    for i in range(6000):
        code,addr,pc=random.choice(prov)
        y=random.randint(1950,2005); m=random.randint(1,12); d=random.randint(1,28)
        sex=random.choice("男女")
        seq="%02d%d"%(random.randint(0,99), random.choice([1,3,5,7,9]) if sex=="男" else random.choice([0,2,4,6,8]))
        f.write("%s%s,%s,%04d-%02d-%02d,%s,%s%02d,%s%d号,%s\n"%(random.choice("张王李赵"),random.choice("伟芳娜敏"),idn("%s%04d%02d%02d%s"%(code,y,m,d,seq)),y,m,d,sex,pc[:4],random.randint(10,60),addr,random.randint(1,999),random.choice(["感冒","高血压","糖尿病","骨折"])))
PY
R --qi 出生日期,性别,邮编 --sensitive 诊断 --format json people.csv >mem.json
R --qi 出生日期,性别,邮编 --sensitive 诊断 --format json --memory 64K --tmpdir "$D" people.csv >disk.json
check "spilled to disk" jqt '.partitions > 0' disk.json
check "in memory" jqt '.partitions == 0' mem.json
check "the same figures either way" [ "$(jq -c 'del(.partitions)' mem.json)" = "$(jq -c 'del(.partitions)' disk.json)" ]
check "no spill files left" [ -z "$(ls "$D" | grep shuan-risk)" ]
check "6000 records" jqt '.records == 6000' mem.json

# --suggest: the policy reaches k when applied
R --suggest --k 5 --max-suppression 0.05 --qi 出生日期,性别,邮编,地址 --format json --policy-out k5.yaml people.csv >sug.json; rc=$?
check "suggestion found ($rc)" [ "$rc" = 0 ] && jqt '.found' sug.json
check "policy written" grep -q '^k_anonymity:' k5.yaml && grep -q '  k: 5' k5.yaml
check "policy names every quasi-identifier" [ "$(grep -c '^  "' k5.yaml)" = 4 ]
pred=$(jq .suppressed sug.json)
"$SHUAN" mask -q --date 2025-06-01 --policy k5.yaml people.csv -o masked.csv --report mrep.json
check "mask suppressed what the search predicted ($pred)" jqt --argjson p "$pred" '.inputs[0].suppressed == $p' mrep.json
R --qi 出生日期,性别,邮编,地址 --k 5 --format json masked.csv >after.json; rc=$?
check "the masked table is 5-anonymous ($rc)" [ "$rc" = 0 ] && jqt '.k >= 5 and .below_k == 0' after.json
check "suppressed records are counted apart" jqt --argjson p "$pred" '.suppressed == $p and .records + .suppressed == 6000' after.json
check "within the budget" jqt '.suppressed <= 300' after.json
check "direct identifiers masked by the detectors" not grep -qE '[0-9]{17}[0-9X]' masked.csv
jq -r '.quasi_identifiers[] | select(.column=="出生日期") | .action' sug.json >act.txt
check "a generalisation was chosen, not suppression of everything" [ "$(jq '[.quasi_identifiers[] | select(.level < .levels - 1)] | length' sug.json)" -ge 1 ]
# the default quasi-identifiers come from the column names
R --suggest --k 3 --format json people.csv >sug2.json
check "default quasi-identifiers by name" jqt '[.quasi_identifiers[].column] == ["出生日期","性别","邮编","地址"]' sug2.json
# an impossible target: exit 1, and the policy says so
R --suggest --k 100000 --qi 性别 --policy-out none.yaml people.csv >/dev/null; rc=$?
check "no suggestion: exit 1 ($rc)" [ "$rc" = 1 ] && grep -q 'NO generalisation' none.yaml

# bad input
R --qi 出生日期,nope people.csv 2>e1.err; rc=$?
check "missing column: error naming it ($rc)" [ "$rc" = 2 ] && grep -q "'nope' is not a column" e1.err
printf 'a,b\n1,2\n3,4,5\n' >rag.csv
R --qi a rag.csv 2>e2.err; rc=$?
check "ragged row: error naming line 3 ($rc)" [ "$rc" = 2 ] && grep -q 'line 3' e2.err
R --qi a:nosuchkind rag.csv 2>e3.err; rc=$?
check "unknown kind named ($rc)" [ "$rc" = 2 ] && grep -q "unknown kind 'nosuchkind'" e3.err
printf '{"a":1}\n' >j.json
expect_rc 2 "not a table" "$SHUAN" risk --qi a j.json
"$SHUAN" risk --help >help.txt
for o in qi sensitive k format suggest max-suppression policy-out memory tmpdir input-format encoding allow-ragged date; do
  check "risk --help lists --$o" grep -q -- "--$o" help.txt
done
finish
