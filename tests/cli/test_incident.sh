#!/usr/bin/env bash
# Black-box tests of `shuan incident`: stateless grading (levels, criteria, deadlines as absolute
# times in the discovery's zone, the JSON contract), bad facts naming the field (exit 2), flags,
# --data, the stored lifecycle (new, update, list with overdue first, show, close) and the report
# documents (Markdown and HTML, the template notice, no raw values).
# Env: SHUAN (binary), SHUAN_RULES, TESTDIR.
. "$(dirname "$0")/lib.sh"
export SHUAN_STORE="$WORK/store"
D="$WORK/d"
mkdir -p "$D"
I() { "$SHUAN" incident "$@"; }

cat > "$D/leak.yaml" <<'EOF'
discovered: 2025-09-30T16:00:00+08:00
type: leak
data_grade: general
threat: some
pi_people: 12000000
spi_people: 50000
outage_hours: 9
domain: telecom
role: processor
regime: miit
response_ended: 2025-09-30T20:00:00+08:00
title: 客户库泄露
EOF
I grade --facts "$D/leak.yaml" --as-of 2025-10-01T12:00+08:00 -f json > "$D/g.json"; rc=$?
check "grade: an overdue step of yours exits 1" test "$rc" -eq 1
check "json: level, response, warning" jqt '.level == "major" and .level_zh == "重大" and .response == "II" and .warning == "orange"' "$D/g.json"
check "json: criteria with criterion, level, basis" jqt '.criteria[0] | .criterion == "miit.people" and .level == "major" and (.basis | test("附件1"))' "$D/g.json"
check "json: every matched criterion" jqt '[.criteria[].criterion] | index("miit.telecom_outage") != null' "$D/g.json"
check "json: deadlines with step, party, due, basis, unverified" jqt 'all(.deadlines[]; has("step") and has("party") and has("due") and has("basis") and has("unverified"))' "$D/g.json"
check "json: immediate report due at discovery, overdue, yours" jqt '[.deadlines[] | select(.step == "immediate_report")][0] | .due == "2025-09-30T16:00:00+08:00" and .status == "overdue" and .yours' "$D/g.json"
check "json: 10-minute phone report" jqt '[.deadlines[] | select(.step == "regulator_phone_report")][0].due == "2025-09-30T16:10:00+08:00"' "$D/g.json"
check "json: 40-minute written report" jqt '[.deadlines[] | select(.step == "mechanism_written_report")][0].due == "2025-09-30T16:40:00+08:00"' "$D/g.json"
check "json: 5 working days across National Day" jqt '[.deadlines[] | select(.step == "summary_report")][0].due == "2025-10-14T23:59:59+08:00"' "$D/g.json"
check "json: 10 working days" jqt '[.deadlines[] | select(.step == "regulator_summary_report")][0].due == "2025-10-21T23:59:59+08:00"' "$D/g.json"
I grade --facts "$D/leak.yaml" --as-of 2025-10-01T12:00+08:00 > "$D/g.txt"
check "text: level" contains "$D/g.txt" "LEVEL: 重大 (major) · response II · warning orange"
check "text: overdue first" sh -c "grep -A1 '^deadlines' '$D/g.txt' | tail -1 | grep -q OVERDUE"
I grade --facts "$D/leak.yaml" --as-of 2025-10-01T12:00+08:00 -f md > "$D/g.md"
check "md: deadlines table" contains "$D/g.md" "| Status | Due | Step | To | Who | Article |"
I grade --facts "$D/leak.yaml" --as-of 2025-10-01T12:00+08:00 --color always > "$D/gc.txt"
check "colour: red for overdue" grep -q $'\033\[31mOVERDUE' "$D/gc.txt"

# a discovery abroad: deadlines shown in its zone
sed 's/2025-09-30T16:00:00+08:00/2025-09-30T10:00:00+02:00/' "$D/leak.yaml" > "$D/leak2.yaml"
I grade --facts "$D/leak2.yaml" --as-of 2025-10-01 -f json > "$D/g2.json"
check "zone: minute deadlines in the discovery's zone" jqt '[.deadlines[] | select(.step == "regulator_phone_report")][0].due == "2025-09-30T10:10:00+02:00"' "$D/g2.json"
check "zone: the working-day deadline, end of the China day, shown in +02:00" jqt '[.deadlines[] | select(.step == "summary_report")][0].due == "2025-10-14T17:59:59+02:00"' "$D/g2.json"

# flags give the same facts
I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --threat some --pi-people 12000000 \
  --domain telecom --regime miit --as-of 2025-10-01T12:00+08:00 -f json > "$D/gf.json"
check "flags: same level" jqt '.level == "major"' "$D/gf.json"
# each of the 15 facts flags sets its facts key ('-' for '_'): the same grading as the YAML of all of them
cat > "$D/all.yaml" <<'EOF'
discovered: 2025-09-30T16:00:00+08:00
type: leak
data_grade: general
pi_people: 12000000
spi_people: 50000
loss_cny: 1000
outage_hours: 9
domain: industrial
role: processor
regime: miit
threat: some
production_impact: minor
outage_scope: main_function
response_ended: 2025-09-30T20:00:00+08:00
title: 客户库泄露
EOF
I grade --facts "$D/all.yaml" --as-of 2025-10-01T12:00+08:00 -f json > "$D/ga.json"
I grade --discovered 2025-09-30T16:00:00+08:00 --type leak --data-grade general --pi-people 12000000 \
  --spi-people 50000 --loss-cny 1000 --outage-hours 9 --domain industrial --role processor --regime miit \
  --threat some --production-impact minor --outage-scope main_function \
  --response-ended 2025-09-30T20:00:00+08:00 --title 客户库泄露 --as-of 2025-10-01T12:00+08:00 -f json > "$D/gb.json"
check "flags: all 15 facts set" jqt '.facts | length == 15 and all(.[]; . != null)' "$D/gb.json"
check "flags: the same grading as the YAML facts" cmp -s "$D/ga.json" "$D/gb.json"
# 一般: nothing to report, exit 0
I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --threat some --pi-people 10 \
  --domain telecom --regime miit --as-of 2025-10-01 -f json > "$D/g3.json"; rc=$?
check "一般: exit 0" test "$rc" -eq 0
check "一般: no deadlines" jqt '.level == "general" and .response == "IV" and .warning == "blue" and (.deadlines | length) == 0' "$D/g3.json"

# bad facts: a clear error naming the field, exit 2
badfacts() { # badfacts "description" "pattern" facts-lines...
  local what=$1 pat=$2; shift 2
  printf '%s\n' "$@" > "$D/bad.yaml"
  I grade --facts "$D/bad.yaml" --as-of 2025-10-01 > /dev/null 2> "$D/err"; local rc=$?
  check "$what: exit 2" test "$rc" -eq 2
  check "$what: names the field" grep -q -- "$pat" "$D/err"
}
ok='discovered: 2025-09-30T16:00+08:00'
badfacts "misspelt key" "unknown key 'pi_peopel'" "$ok" "type: leak" "data_grade: general" "pi_peopel: 5"
badfacts "negative count" "'pi_people' must not be negative" "$ok" "type: leak" "data_grade: general" "pi_people: -5"
badfacts "unknown type" "unknown type 'leek'" "$ok" "type: leek" "data_grade: general"
badfacts "unknown grade" "unknown data_grade 'secret'" "$ok" "type: leak" "data_grade: secret"
badfacts "discovery in the future" "discovered: 2026-01-01T00:00:00+08:00 is in the future" "discovered: 2026-01-01T00:00+08:00" "type: leak" "data_grade: general"
badfacts "discovery without a zone" "has no time zone" "discovered: 2025-09-30T16:00" "type: leak" "data_grade: general"
badfacts "missing type" "type: required" "$ok" "data_grade: general"
badfacts "spi above pi" "spi_people" "$ok" "type: leak" "data_grade: general" "pi_people: 5" "spi_people: 9"
I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --pi-people -3 2> "$D/err" > /dev/null; rc=$?
check "negative flag: exit 2" test "$rc" -eq 2
check "negative flag named" grep -q "pi_people" "$D/err"
expect_rc 2 "grade without facts" I grade
expect_rc 2 "no such facts file" I grade --facts "$D/none.yaml"
expect_rc 2 "unknown subcommand" I frobnicate

# --data counts the people of the leaked files
printf 'name,mobile\n张三,13800000001\n李四,13800000002\n王五,13800000001\n' > "$D/leaked.csv"
I grade -q --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --regime miit --domain telecom \
  --data "$D/leaked.csv" --as-of 2025-10-01 -f json > "$D/gd.json"
check "--data: 2 distinct people" jqt '.facts.pi_people == 2' "$D/gd.json"

# --data on a database table: every row read; a person in the table and in a leaked file counts once
python3 - "$D/leak.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE customers(id INTEGER, 姓名 TEXT, 手机号 TEXT, 银行卡号 TEXT)")
rows = [(1, "张三", "13800000001", None), (2, "赵六", "13800000003", "6222020200112233446"),
        (3, "钱七", "13800000004", None), (4, "赵六", "13800000003", None)]
rows += [(10 + i, "孙八", "139%08d" % i, None) for i in range(2000)]  # more rows than a sample reads
db.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)", rows)
db.commit()
PY
I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --regime miit --domain telecom \
  --data "sqlite://$D/leak.db" --data "$D/leaked.csv" --as-of 2025-10-01 -f json > "$D/gdb.json" 2> "$D/gdb.err"; rc=$?
check "--data table: exit 0 (rc $rc)" test "$rc" -eq 0
# table: 13800000001 (also in the file), ...03 (twice, once with a bank card: sensitive), ...04, 2000 more; file adds ...02
check "--data table + file: 2004 distinct people, 1 with sensitive PI" jqt '.facts.pi_people == 2004 and .facts.spi_people == 1' "$D/gdb.json"
check "--data table: rows read in full" contains "$D/gdb.err" "1 tables, 2004 rows read in full"
I grade -q --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --regime miit --domain telecom \
  --data "sqlite://$D/none.db" --as-of 2025-10-01 -f json > /dev/null 2> "$D/gdb2.err"; rc=$?
check "--data unreadable database: exit 2" test "$rc" -eq 2
check "--data unreadable database: named, no count" sh -c "grep -q 'sqlite://$D/none.db' '$D/gdb2.err' && grep -q 'could not be read in full: no count' '$D/gdb2.err'"
expect_rc 2 "--data unknown scheme" I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --data "ftp://x/y"

# --from-scan takes the people of a stored inventory run (of the leaked tables)
"$SHUAN" inventory -q --full --format json "sqlite://$D/leak.db" > "$D/inv.json" 2>/dev/null
run=$(jq -r .run_id "$D/inv.json")
want=$(jq -c '.sources[0].people | [.distinct, .sensitive]' "$D/inv.json")
for r in "$run" latest; do
  I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --regime miit --domain telecom \
    --pi-people 7 --from-scan "$r" --as-of 2025-10-01 -f json > "$D/fs.json" 2> "$D/fs.err"
  check "--from-scan $r: the run's counts $want replace the flags'" jqt --argjson w "$want" '[.facts.pi_people, .facts.spi_people] == $w and .facts.pi_people == 2003' "$D/fs.json"
  check "--from-scan $r: says which run" contains "$D/fs.err" "inventory #$run"
done
expect_rc 2 "--from-scan a missing run" I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --from-scan 999
expect_rc 2 "--from-scan not a number" I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --from-scan abc
expect_rc 2 "--from-scan and --data together" I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --from-scan latest --data "$D/leaked.csv"
SHUAN_STORE="$D/empty-store" I grade --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --from-scan latest > /dev/null 2> "$D/fs2.err"; rc=$?
check "--from-scan without an inventory: exit 2, says what to run" sh -c "[ $rc -eq 2 ] && grep -q 'shuan inventory' '$D/fs2.err'"

# the stored lifecycle
I new --facts "$D/leak.yaml" --as-of 2025-10-01T12:00+08:00 > "$D/new.txt"; rc=$?
check "new: exit 0" test "$rc" -eq 0
check "new: recorded" contains "$D/new.txt" "incident #1 recorded"
I new --discovered 2025-10-02T09:00+08:00 --type tamper --data-grade important --threat serious --domain industrial \
  --regime miit --title "配方被篡改" --as-of 2025-10-02T09:30+08:00 > /dev/null
check "new from flags" test $? -eq 0
I list --as-of 2025-10-02T10:00+08:00 > "$D/list.txt"; rc=$?
check "list: exit 1 with an overdue step" test "$rc" -eq 1
check "list: both incidents" sh -c "grep -c '^#' '$D/list.txt' | grep -qx 2"
I update 1 --event phoned --at 2025-09-30T16:05+08:00 --note "省通信管理局" --as-of 2025-10-01T12:00+08:00 > /dev/null
check "update phoned" test $? -eq 0
I update 1 --event written_report --at 2025-09-30T16:25+08:00 --as-of 2025-10-01T12:00+08:00 > /dev/null
I update 1 --event level_adjusted --level 特别重大 --as-of 2025-10-01T12:00+08:00 > /dev/null
check "update level_adjusted" test $? -eq 0
I update 1 --pi-people 13000000 --as-of 2025-10-01T12:00+08:00 > /dev/null
check "update facts from flags" test $? -eq 0
I show 1 --as-of 2025-10-01T13:00+08:00 -f json > "$D/show.json"
check "show: adjusted level" jqt '.level == "extraordinary" and .adjusted == true and .response == "I" and .warning == "red"' "$D/show.json"
check "show: the immediate report done" jqt '[.deadlines[] | select(.step == "immediate_report")][0] | .status == "done" and .done_at == "2025-09-30T16:05:00+08:00"' "$D/show.json"
check "show: facts updated" jqt '.facts.pi_people == 13000000' "$D/show.json"
check "show: timeline in order" jqt '[.timeline[].kind] == ["discovered","phoned","written_report","level_adjusted","facts_updated"]' "$D/show.json"
I show 1 --as-of 2025-10-01T13:00+08:00 > "$D/show.txt"
check "show text: timeline" contains "$D/show.txt" "timeline (append-only):"
# bad updates
expect_rc 2 "update: event in the future" I update 1 --event phoned --at 2030-01-01T00:00+08:00
expect_rc 2 "update: event before the discovery" I update 1 --event phoned --at 2025-09-01T00:00+08:00 --as-of 2025-10-01T12:00+08:00
expect_rc 2 "update: unknown event" I update 1 --event emailed
expect_rc 2 "update: bad level" I update 1 --event level_adjusted --level huge
expect_rc 2 "update: unknown incident" I update 42 --event note --note x
expect_rc 2 "update: not a number" I update abc --event note
expect_rc 2 "update: negative count" I update 1 --pi-people -1
I update 1 --event summary_submitted --at 2025-10-10T10:00+08:00 --as-of 2025-10-10T12:00+08:00 > /dev/null
I show 1 --as-of 2025-10-10T12:00+08:00 -f json > "$D/show2.json"
check "summary submitted: done" jqt '[.deadlines[] | select(.step == "summary_report")][0].status == "done"' "$D/show2.json"

# `new` on a terminal with neither facts nor flags asks; a bad answer is asked again
if command -v script > /dev/null; then
  printf '2025-09-30T16:00+08:00\nleek\nleak\ngeneral\n12000000\n50000\n\n9\ntelecom\n\nmiit\n问答事件\n' |
    SHUAN_STORE="$WORK/store-tty" timeout 60 script -qec "$SHUAN incident new --as-of 2025-10-01T12:00+08:00 --color never" /dev/null > "$D/tty.txt" 2>&1
  check "questions: recorded" grep -q "incident #1 recorded" "$D/tty.txt"
  check "questions: a bad answer named and asked again" grep -q "unknown type 'leek'" "$D/tty.txt"
  SHUAN_STORE="$WORK/store-tty" I show 1 -f json --as-of 2025-10-01T12:00+08:00 > "$D/tty.json"
  check "questions: the answers are the facts" jqt '.facts.type == "leak" and .facts.pi_people == 12000000 and .facts.title == "问答事件" and .level == "major"' "$D/tty.json"
fi

# the report documents
I report 1 --out-dir "$D" --as-of 2025-10-10T12:00+08:00 > "$D/paths"
check "report: two files" test "$(wc -l < "$D/paths")" -eq 2
check "report md exists" test -s "$D/incident-1-report.md"
check "report html exists" test -s "$D/incident-1-report.html"
check "report: shuan's own template said" contains "$D/incident-1-report.md" "本报告按 shuan 自有模板生成"
check "report: official template not known" contains "$D/incident-1-report.md" "official template's fields are not known"
check "report: level and criterion" contains "$D/incident-1-report.md" "特别重大"
check "report: fields to fill in" contains "$D/incident-1-report.md" "（待填写）"
check "report: people counts" contains "$D/incident-1-report.md" "13,000,000"
check "report files are private" test "$(stat -c %a "$D/incident-1-report.md")" = 600
python3 - "$D/incident-1-report.html" <<'EOF' && ok || bad "report html does not parse"
import sys, html.parser
class P(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.stack=[]; s.tags=set()
    def handle_starttag(s, t, a):
        s.tags.add(t)
        if t not in ('meta','br'): s.stack.append(t)
    def handle_endtag(s, t):
        assert s.stack and s.stack[-1] == t, (t, s.stack[-5:])
        s.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read()); p.close()
assert not p.stack, p.stack
assert {'html','head','body','table','title'} <= p.tags
EOF
I report 1 --summary --format md --out-dir "$D" --as-of 2025-10-10T12:00+08:00 > /dev/null
check "summary report" contains "$D/incident-1-summary.md" "事件起因"
check "summary report: timeline" contains "$D/incident-1-summary.md" "电话报告"
check "summary only md" test ! -e "$D/incident-1-summary.html"
expect_rc 2 "report: bad format" I report 1 --format docx

# close: no more events, not listed
I close 1 --as-of 2025-10-11 > /dev/null
check "close" test $? -eq 0
expect_rc 2 "closed takes no events" I update 1 --event note --note x
I list --as-of 2025-10-11 > "$D/list2.txt"
check "list: the closed one is gone" sh -c "! grep -q '^#1 ' '$D/list2.txt'"
I list --all --as-of 2025-10-11 -f json > "$D/list3.json"
check "list --all: closed too" jqt '[.incidents[] | select(.id == 1)][0].closed == true' "$D/list3.json"

I --help > "$D/help"
for opt in --facts --discovered --type --data-grade --pi-people --spi-people --loss-cny --outage-hours --domain \
  --role --regime --response-ended --data --from-scan --password-file --event --at --note --level --summary --out-dir --all --as-of --format; do
  check "help lists $opt" grep -q -- "$opt" "$D/help"
done
check "help: exit codes" grep -q "1 (grade, show, list) one of your deadlines is overdue" "$D/help"
finish
