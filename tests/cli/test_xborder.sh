#!/usr/bin/env bash
# Black-box tests of `shuan xborder`: pathways and their exit codes (0 exempt, 3 standard contract,
# 4 security assessment, 2 error), JSON and Markdown output, bad input naming the field, the ledger
# with --data (distinct people across transfers, the 1 January reset) and --help.
# Env: SHUAN (binary), SHUAN_RULES, TESTDIR.
. "$(dirname "$0")/lib.sh"
export SHUAN_STORE="$WORK/store"
D="$WORK/d"
mkdir -p "$D"

cat > "$D/org.yaml" <<'EOF'
name: 示例科技有限公司
ciio: false
industry: telecom
EOF
cat > "$D/ciio.yaml" <<'EOF'
name: 某运营商
ciio: true
EOF
transfer() { # transfer FILE pi spi [extra lines]
  local f=$1 pi=$2 spi=$3; shift 3
  { printf 'recipient: Example GmbH\ncountry: DE\npurpose: marketing\nbasis: none\nsubjects: customers\n'
    printf 'important_data: false\ndate: 2025-06-01\npi_people: %s\nspi_people: %s\n' "$pi" "$spi"
    for l in "$@"; do printf '%s\n' "$l"; done; } > "$f"
}
X() { "$SHUAN" xborder "$@"; }
A() { X assess --no-store --org "$D/org.yaml" --as-of 2025-06-30 --transfer "$@"; }

# pathways and exit codes at the boundaries
transfer "$D/t99999.yaml" 99999 0
transfer "$D/t100000.yaml" 100000 0
transfer "$D/t999999.yaml" 999999 0
transfer "$D/t1000000.yaml" 1000000 0
transfer "$D/tspi1.yaml" 50 1
transfer "$D/tspi9999.yaml" 9999 9999
transfer "$D/tspi10000.yaml" 10000 10000
expect_rc 0 "99,999 people: exempt" A "$D/t99999.yaml"
expect_rc 3 "100,000 people: standard contract" A "$D/t100000.yaml"
expect_rc 3 "999,999 people: standard contract" A "$D/t999999.yaml"
expect_rc 4 "1,000,000 people: assessment" A "$D/t1000000.yaml"
expect_rc 3 "one person's sensitive PI: standard contract" A "$D/tspi1.yaml"
expect_rc 3 "9,999 sensitive: standard contract" A "$D/tspi9999.yaml"
expect_rc 4 "10,000 sensitive: assessment" A "$D/tspi10000.yaml"
expect_rc 4 "a CIIO: assessment" X assess --no-store --org "$D/ciio.yaml" --transfer "$D/t99999.yaml"
transfer "$D/tid.yaml" 10 0 ; sed -i 's/important_data: false/important_data: true/' "$D/tid.yaml"
sed 's/basis: none/basis: contract_with_subject/' "$D/tid.yaml" > "$D/tid51.yaml"
expect_rc 4 "important data voids Art. 5(1)" A "$D/tid51.yaml"
sed 's/basis: none/basis: contract_with_subject/' "$D/t1000000.yaml" > "$D/t51.yaml"
expect_rc 0 "Art. 5(1) at any volume" A "$D/t51.yaml"

# the text names the pathway, the exemption and the article; the warning at 90%
A "$D/t99999.yaml" > "$D/out.txt"
check "text: pathway" contains "$D/out.txt" "PATHWAY: exempt"
check "text: exemption and article" contains "$D/out.txt" "exemption art5_4 xborder.art5_4 — 促进和规范数据跨境流动规定 第五条第（四）项"
check "text: warning at 90%" contains "$D/out.txt" "warning: 99,999 people with PI since 1 January 2025"
check "text: Art. 10 duties" contains "$D/out.txt" "个人信息保护影响评估"

# JSON: the contract keys
A "$D/tspi1.yaml" -f json > "$D/out.json"
check "json: pathway" jqt '.pathway == "standard_contract_or_certification"' "$D/out.json"
check "json: exemption null" jqt '.exemption == null' "$D/out.json"
check "json: basis names the rule and article" jqt '.basis.rule == "xborder.spi_standard_contract" and (.basis.article | test("第八条"))' "$D/out.json"
check "json: every exemption with its conditions" jqt '[.exemptions[].exemption] == ["art3","art4","art5_1","art5_2","art5_3","art5_4","art6","no_pi_no_important_data"] and all(.exemptions[]; (.conditions | length) > 0)' "$D/out.json"
check "json: counts" jqt '.counts.pi_people == 50 and .counts.spi_people == 1 and .counts.ytd_pi_people == 50 and .counts.since == "2025-01-01"' "$D/out.json"
check "json: thresholds with remaining" jqt '[.thresholds[] | select(.rule == "xborder.spi_assessment")][0].remaining == 9999' "$D/out.json"
check "json: the partial-exemption note" jqt '.notes | any(test("art5_4"))' "$D/out.json"
check "json: duties" jqt '[.duties[].rule] | index("xborder.pipia") != null' "$D/out.json"
check "json: validity null without an assessment" jqt '.validity == null' "$D/out.json"
# the unverified filing period is labelled
transfer "$D/tc.yaml" 150000 0 "contract_effective: 2025-04-25"
A "$D/tc.yaml" -f json > "$D/c.json"
check "json: unverified filing period labelled" jqt '.unverified == true and ([.duties[] | select(.rule == "xborder.contract_filing")][0] | .unverified == true and .due == "2025-05-13")' "$D/c.json"
A "$D/tc.yaml" > "$D/c.txt"
check "text: [UNVERIFIED] visible" contains "$D/c.txt" "[UNVERIFIED]"
A "$D/tc.yaml" -f md > "$D/c.md"
check "md: [UNVERIFIED] visible" contains "$D/c.md" "**[UNVERIFIED]**"
check "md: heading" contains "$D/c.md" "# 数据出境路径: standard contract or PI protection certification"

# an assessment: validity, the extension window in working days
transfer "$D/ta.yaml" 1500000 0 "assessment_issued: 2023-03-10"
A "$D/ta.yaml" -f json > "$D/a.json"; rc=$?
check "assessment exit 4" test "$rc" -eq 4
check "json: validity dates" jqt '.validity.expires == "2026-03-10" and .validity.extension_window.opens == "2025-12-10"' "$D/a.json"
transfer "$D/ta2.yaml" 1500000 0 "assessment_issued: 2025-03-10"
A "$D/ta2.yaml" -f json > "$D/a2.json"; rc=$?
check "a window in a year not yet published: still exit 4" test "$rc" -eq 4
check "json: window pending with the reason" jqt '.validity.expires == "2028-03-10" and .validity.extension_window == null and (.validity.window_note | test("2028"))' "$D/a2.json"
# a year that should be there but is missing: an error naming it, exit 2
mkdir -p "$WORK/rules"; cp -r "$SHUAN_RULES/duty" "$WORK/rules/"; mkdir -p "$WORK/rules/calendar"
cp "$SHUAN_RULES"/calendar/cn-2023.yaml "$SHUAN_RULES"/calendar/cn-2024.yaml "$SHUAN_RULES"/calendar/cn-2025.yaml "$WORK/rules/calendar/"
A "$D/ta.yaml" --rules "$WORK/rules" > /dev/null 2> "$D/err"; rc=$?
check "missing 2026 calendar as of 2025-06: pending, not an error" test "$rc" -eq 4
X assess --no-store --org "$D/org.yaml" --as-of 2026-01-10 --transfer "$D/ta.yaml" --rules "$WORK/rules" > /dev/null 2> "$D/err"; rc=$?
check "missing 2026 calendar as of 2026: exit 2" test "$rc" -eq 2
check "missing calendar year named" contains "$D/err" "no working-day calendar for 2026"

# bad input: a clear error naming the field, exit 2
transfer "$D/bad1.yaml" 10 0 "pi_peple: 5"
expect_rc 2 "misspelt key exits 2" A "$D/bad1.yaml"
A "$D/bad1.yaml" 2> "$D/err" > /dev/null
check "misspelt key named with its line" grep -q "bad1.yaml:10:1: unknown key 'pi_peple' in the transfer" "$D/err"
transfer "$D/bad2.yaml" -5 0
A "$D/bad2.yaml" 2> "$D/err" > /dev/null; rc=$?
check "negative count exits 2" test "$rc" -eq 2
check "negative count named" grep -q "'pi_people' must not be negative" "$D/err"
transfer "$D/bad3.yaml" 10 0 ; sed -i 's/purpose: marketing/purpose: tourism/' "$D/bad3.yaml"
A "$D/bad3.yaml" 2> "$D/err" > /dev/null; rc=$?
check "unknown enum exits 2" test "$rc" -eq 2
check "unknown enum named" grep -q "unknown purpose 'tourism'" "$D/err"
transfer "$D/bad4.yaml" 10 20
A "$D/bad4.yaml" 2> "$D/err" > /dev/null; rc=$?
check "spi above pi exits 2" test "$rc" -eq 2
check "spi above pi named" grep -q "spi_people" "$D/err"
printf 'name: X\nciio: false\nftz: 天津自贸试验区\n' > "$D/ftz.yaml"
X assess --no-store --org "$D/ftz.yaml" --transfer "$D/t99999.yaml" 2> "$D/err" > /dev/null; rc=$?
check "FTZ without on_negative_list exits 2" test "$rc" -eq 2
check "on_negative_list named" grep -q "on_negative_list" "$D/err"
transfer "$D/tftz.yaml" 2000000 0 "on_negative_list: false"
expect_rc 0 "FTZ, not on the negative list: exempt (Art. 6)" X assess --no-store --org "$D/ftz.yaml" --transfer "$D/tftz.yaml"
printf 'name: X\nciio: maybe\n' > "$D/badorg.yaml"
X assess --no-store --org "$D/badorg.yaml" --transfer "$D/t99999.yaml" 2> "$D/err" > /dev/null; rc=$?
check "bad bool exits 2" test "$rc" -eq 2
check "bad bool named" grep -q "'ciio' must be true or false" "$D/err"
expect_rc 2 "missing --org" X assess --no-store --transfer "$D/t99999.yaml"
expect_rc 2 "no such file" X assess --no-store --org "$D/nope.yaml" --transfer "$D/t99999.yaml"
expect_rc 2 "bad --as-of" A "$D/t99999.yaml" --as-of yesterday
expect_rc 2 "bad --format" A "$D/t99999.yaml" --format xml
expect_rc 2 "unknown subcommand" X frobnicate
expect_rc 2 "missing --data source" X assess --no-store --org "$D/org.yaml" --transfer "$D/t99999.yaml" --data "$D/nope.csv"

# a free trade zone's negative list kept as data: the transfer's data categories are matched against it
mkdir -p "$D/zone"
cat > "$D/zone/list.yaml" <<'EOL'
zone: 测试自贸区
items:
  - {id: Z-01, name: 车辆轨迹}
  - {id: Z-02, name: 基因数据}
EOL
printf 'name: X\nciio: false\nftz: 测试自贸区\nftz_negative_list: zone/list.yaml\n' > "$D/ftzorg.yaml"
transfer "$D/tz1.yaml" 2000000 0 "data_categories: [Z-02, other]"
transfer "$D/tz0.yaml" 2000000 0 "data_categories: [orders, other]"
X assess --no-store --org "$D/ftzorg.yaml" --transfer "$D/tz1.yaml" -f json > "$D/z1.json"; rc=$?
check "on the negative list: Art. 6 does not apply, assessment" test "$rc" -eq 4
check "negative list: the item named" jqt '[.exemptions[] | select(.exemption == "art6")][0].conditions | any(.detail | test("Z-02"))' "$D/z1.json"
X assess --no-store --org "$D/ftzorg.yaml" --transfer "$D/tz0.yaml" -f json > "$D/z0.json"; rc=$?
check "not on the negative list: exempt" test "$rc" -eq 0
check "not on the list: art6" jqt '.exemption == "art6" and .transfer.data_categories == ["orders","other"]' "$D/z0.json"
transfer "$D/tzc.yaml" 10 0 "data_categories: [Z-01]" "on_negative_list: false"
X assess --no-store --org "$D/ftzorg.yaml" --transfer "$D/tzc.yaml" 2> "$D/err" > /dev/null; rc=$?
check "contradiction: exit 2" test "$rc" -eq 2
check "contradiction named" grep -q "on_negative_list: false contradicts data_categories" "$D/err"
printf 'zone: x\nitems:\n  - {id: A, nmae: y}\n' > "$D/zone/bad.yaml"
printf 'name: X\nciio: false\nftz: x\nftz_negative_list: zone/bad.yaml\n' > "$D/ftzbad.yaml"
X assess --no-store --org "$D/ftzbad.yaml" --transfer "$D/tz0.yaml" 2> "$D/err" > /dev/null; rc=$?
check "bad negative list: exit 2" test "$rc" -eq 2
check "bad negative list: key named" grep -q "bad.yaml:3:.*'nmae'" "$D/err"
printf 'name: X\nciio: false\nftz: x\nftz_negative_list: zone/none.yaml\n' > "$D/ftznone.yaml"
X assess --no-store --org "$D/ftznone.yaml" --transfer "$D/tz0.yaml" 2> "$D/err" > /dev/null; rc=$?
check "missing negative list: exit 2" test "$rc" -eq 2
check "missing negative list named" grep -q "zone/none.yaml: no such file" "$D/err"

# the ledger: --data counts distinct people across transfers; 1 January starts again
python3 - "$D" <<'EOF'
import sys
d=sys.argv[1]
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; M="10X98765432"
def rid(i):
    base="110101"+"1990%02d%02d"%(1+i%12,1+i%28)+"%03d"%(i%1000)
    return base+M[sum(int(c)*w for c,w in zip(base,W))%11]
with open(d+'/cust.csv','w') as f:
    f.write("name,id_card,mobile\n")
    for i in range(300): f.write("张三,%s,138%08d\n"%(rid(i),i))
with open(d+'/orders.csv','w') as f:
    f.write("order,mobile\n")
    for i in range(100,400): f.write("O%d,138%08d\n"%(i,i))
EOF
grep -v _people "$D/t99999.yaml" > "$D/tdata.yaml"
X record -q --org "$D/org.yaml" --transfer "$D/tdata.yaml" --data "$D/cust.csv" --as-of 2025-06-30 -f json > "$D/r1.json"; rc=$?
check "record exit 0 (exempt)" test "$rc" -eq 0
check "record: 300 people from the data" jqt '.counts.source == "data" and .counts.pi_people == 300 and (.notes | any(test("transfer #1")))' "$D/r1.json"
# the same orders as a database table: its people merge with the ledger's, counted from files
python3 - "$D" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/orders.db")
db.execute("CREATE TABLE orders(order_no TEXT, mobile TEXT)")
db.executemany("INSERT INTO orders VALUES (?, ?)", [("O%d" % i, "138%08d" % i) for i in range(100, 400)])
db.commit()
EOF
X assess -q --org "$D/org.yaml" --transfer "$D/tdata.yaml" --data "sqlite://$D/orders.db" --as-of 2025-06-30 -f json > "$D/rdb.json"
check "--data table: 300 people, 400 distinct with the ledger's file-counted transfer" jqt '.counts.source == "data" and .counts.pi_people == 300 and .counts.ytd_pi_people == 400' "$D/rdb.json"
X record -q --org "$D/org.yaml" --transfer "$D/tdata.yaml" --data "$D/orders.csv" --as-of 2025-06-30 -f json > "$D/r2.json"
check "second transfer: 400 distinct people since 1 January, not 600" jqt '.counts.pi_people == 300 and .counts.ytd_pi_people == 400 and .counts.exact == true and .counts.prior_transfers == 1' "$D/r2.json"
X ledger --year 2025 -f json > "$D/l.json"
check "ledger: two transfers, 400 distinct" jqt '.transfers == 2 and .ytd_pi_people == 400 and .exact == true and (.entries | all(.deduplicated))' "$D/l.json"
X ledger --year 2025 > "$D/l.txt"
check "ledger text" contains "$D/l.txt" "since 1 January: 400 people with PI"
sed 's/date: 2025-06-01/date: 2026-01-02/' "$D/tdata.yaml" > "$D/tdata26.yaml"
X assess -q --org "$D/org.yaml" --transfer "$D/tdata26.yaml" --data "$D/orders.csv" --as-of 2026-01-05 -f json > "$D/r3.json"
check "1 January: the count starts again" jqt '.counts.year == 2026 and .counts.ytd_pi_people == 300 and .counts.prior_transfers == 0' "$D/r3.json"
X ledger --year 2026 -f json > "$D/l26.json"
check "ledger 2026 empty" jqt '.transfers == 0 and .ytd_pi_people == 0' "$D/l26.json"
# a data record without an identifier is reported, not counted
printf 'name,address\n张三,北京市朝阳区建国路1号\n' > "$D/names.csv"
X assess --no-store --org "$D/org.yaml" --transfer "$D/tdata.yaml" --data "$D/names.csv" -f json > "$D/n.json" 2> "$D/n.err"
check "records without identifiers noted" jqt '.counts.pi_people == 0 and (.notes | any(test("no identifier")))' "$D/n.json"
check "records without identifiers on stderr" grep -q "nothing that tells people apart" "$D/n.err"
expect_rc 2 "record needs the store" X record --no-store --org "$D/org.yaml" --transfer "$D/t99999.yaml"

# help tells the truth about the options and the exit codes
X --help > "$D/help"
for opt in --org --transfer --data --as-of --year --format --store --no-store --rules --color --jobs --quiet; do
  check "help lists $opt" grep -q -- "$opt" "$D/help"
done
check "help: exit codes" grep -q "0 exempt, 3 standard contract or certification, 4 security assessment" "$D/help"
expect_rc 0 "assess --help" X assess --help
finish
