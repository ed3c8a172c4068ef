#!/usr/bin/env bash
# Black-box: `shuan inventory` and `shuan scan` on files and SQLite: CSV (GBK, quoted line breaks),
# JSON Lines (key paths), a free-text log, an SQLite file found by its header in a directory walk,
# a file that is not SQLite, a corrupt SQLite file, an unknown URL scheme; people linked across
# files; formats and exit codes; the grading profile by name and by file.
. "$(dirname "$0")/lib.sh"
D="$WORK/data"; mkdir -p "$D/nested"
python3 "$TESTDIR/db/fixtures.py" "$WORK/fx" --date 2026-11-22 --huge-bytes 1000 >/dev/null
cp "$WORK/fx/app.db" "$D/nested/shop.bin"   # an SQLite file under any name
ID1=$(python3 -c "import sqlite3;print(sqlite3.connect('$D/nested/shop.bin').execute('select sfzh from customers where id=1').fetchone()[0])")
PH1=$(python3 -c "import sqlite3;print(sqlite3.connect('$D/nested/shop.bin').execute('select sjh from customers where id=1').fetchone()[0])")
# a GBK CSV export with a quoted line break; its phone links to customer 1 of the SQLite file
printf '姓名,手机号,民族,宗教信仰,备注\r\n张伟,%s,汉族,佛教,"第一行\r\n第二行"\r\n李娜,13912345678,回族,伊斯兰教,无\r\n王芳,13712345678,汉族,无,\r\n' "$PH1" | iconv -f UTF-8 -t GBK >"$D/members.csv"
printf '{"user":{"name":"赵敏","mobile":"13612345678","tags":["a","b"]},"blood":"AB型"}\n{"user":{"name":"钱进","mobile":"13512345678"},"blood":"O型"}\n' >"$D/events.jsonl"
printf '2026-11-01 login ok user=13612345678\n2026-11-01 nothing here\n' >"$D/app.log"
S="$SHUAN inventory --no-store --date 2026-11-22"

$S --format json "$D" >"$WORK/inv.json" 2>"$WORK/inv.err"; rc=$?
check "files: exit 1 (PI found, nothing unreadable)" [ "$rc" -eq 1 ]
check "files: json parses" jqt '.type == "inventory"' "$WORK/inv.json"
col() { jq -r --arg t "$1" --arg c "$2" '.columns[] | select((.table | endswith($t)) and .column == $c) | "\(.data_type)|\(.pi)|\(.sensitive)|\(.sublevel)"' "$WORK/inv.json"; }
check "csv GBK: 手机号 column (not sensitive by itself)" [ "$(col members.csv 手机号)" = "cn_mobile|true|false|L3" ]
check "csv GBK: 民族 dictionary" [ "$(col members.csv 民族)" = "ethnicity|true|false|L3" ]
check "csv GBK: 宗教信仰 sensitive" [ "$(col members.csv 宗教信仰)" = "religion|true|true|L4" ]
check "csv: quoted line break kept in one record" jqt '[.columns[] | select(.table | endswith("members.csv")) | .sampled] | all(. == 3)' "$WORK/inv.json"
check "jsonl: key paths are columns" [ "$(col events.jsonl user.mobile)" = "cn_mobile|true|false|L3" ]
check "jsonl: array key path" jqt '[.columns[] | select(.column == "user.tags[]")] | length == 1' "$WORK/inv.json"
check "jsonl: blood type" [ "$(col events.jsonl blood)" = "blood_type|true|false|L3" ]
check "log: one free-text column" jqt '[.columns[] | select(.table | endswith("app.log"))] | length == 1 and .[0].column == "(text)"' "$WORK/inv.json"
check "SQLite found in the walk by its header" jqt --arg p "$D/nested/shop.bin" '[.sources[] | select(.source == $p and .kind == "sqlite")] | length == 1' "$WORK/inv.json"
check "SQLite columns classified" jqt --arg p "$D/nested/shop.bin" '[.columns[] | select(.source == $p and .table == "main.customers" and .column == "sfzh")][0].data_type == "cn_resident_id"' "$WORK/inv.json"
check "SQLite BLOB image" jqt --arg p "$D/nested/shop.bin" '[.columns[] | select(.source == $p and .column == "身份证照片")][0].data_type == "id_card_image"' "$WORK/inv.json"
# people: the SQLite source alone; the directory: the CSV's 张伟 is the SQLite customer 1 by phone, but
# sources are counted apart, and overall links them
sq=$(jq --arg p "$D/nested/shop.bin" '.sources[] | select(.source == $p) | .people.distinct' "$WORK/inv.json")
dir=$(jq --arg p "$D" '.sources[] | select(.source == $p) | .people.distinct' "$WORK/inv.json")
check "directory people: 3 members + 2 users (the log's user is the JSONL's)" [ "$dir" = 5 ]
check "directory: the 3 members have a religion value: sensitive PI" [ "$(jq --arg p "$D" '.sources[] | select(.source == $p) | .people.sensitive' "$WORK/inv.json")" = 3 ]
check "overall links the CSV phone to the SQLite customer" [ "$(jq .people.distinct "$WORK/inv.json")" = $((sq + dir - 1)) ]
check "no raw ID anywhere" lacks "$WORK/inv.json" "$ID1"
check "no raw phone anywhere" lacks "$WORK/inv.json" "$PH1"

# formats
$S --format csv "$D" >"$WORK/inv.csv" 2>/dev/null
check "csv header" [ "$(head -n1 "$WORK/inv.csv")" = "source,table,column,comment,type,data_type,label,category,pi,sensitive,spi_category,grade,sublevel,hit_rate,sampled,non_empty,confidence,basis" ]
check "csv: a row per column" [ "$(python3 -c "import csv,sys;print(sum(1 for _ in csv.reader(open(sys.argv[1])))-1)" "$WORK/inv.csv")" = "$(jq '.columns | length' "$WORK/inv.json")" ]
$S --format text "$D" >"$WORK/inv.txt" 2>/dev/null
check "text: configurable default shown" contains "$WORK/inv.txt" "configurable default"
check "text: candidates explained" contains "$WORK/inv.txt" "重要数据候选"
expect_rc 2 "xlsx needs --out" $S --format xlsx "$D"
expect_rc 2 "unknown format" $S --format pdf "$D"
expect_rc 2 "no source" $S
$S --format json --profile health "$D" >"$WORK/health.json" 2>/dev/null
check "profile by name" jqt '.profile.id == "health"' "$WORK/health.json"
cat >"$WORK/mine.yaml" <<'EOF'
id: mine
label_zh: 本单位分级
unverified: false
sublevels:
  - {level: S3, label: 敏感级, when: sensitive}
  - {level: S2, label: 个人级, when: pi}
  - {level: S1, label: 内部级, when: internal}
important_candidates:
  - {id: two-people, reason_zh: 测试规则：两人以上, people_at_least: 2}
EOF
$S --format json --profile "$WORK/mine.yaml" "$D" >"$WORK/mine.json" 2>/dev/null
check "profile by file: its levels" jqt '[.columns[] | .sublevel] | unique == ["S1","S2","S3"]' "$WORK/mine.json"
check "profile by file: its candidate rule" jqt '.sources | all(.important_candidate.candidate == true and (.important_candidate.reasons[0] | test("测试规则")))' "$WORK/mine.json"
printf 'id: bad\nlabel_zh: x\nsublevels: []\ntypo: 1\n' >"$WORK/bad.yaml"
$S --profile "$WORK/bad.yaml" "$D" >/dev/null 2>"$WORK/bad.err"; rc=$?
check "bad profile: exit 2" [ "$rc" -eq 2 ]
check "bad profile: names file and line" contains "$WORK/bad.err" "bad.yaml:4"
expect_rc 2 "unknown profile name" $S --profile nosuch "$D"

# bad input: not SQLite, corrupt SQLite, unknown scheme, missing path; the rest goes on
printf 'just text, not a database\n' >"$WORK/not.db"
cp "$WORK/fx/app.db" "$WORK/corrupt.db"
python3 - "$WORK/corrupt.db" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
for i in range(1024, len(b)):      # keep the header, ruin every page after the first
    b[i] = (i * 131) & 0xFF
open(p, "wb").write(bytes(b))
PY
$S --format json "sqlite://$WORK/not.db" "$WORK/corrupt.db" "ftp://user:secret@example.org/x" "$WORK/missing.csv" "$D/members.csv" >"$WORK/bad.json" 2>"$WORK/bad2.err"; rc=$?
check "bad input: exit 3" [ "$rc" -eq 3 ]
check "not SQLite: named, why" contains "$WORK/bad2.err" "sqlite://$WORK/not.db: error: not a readable SQLite database: file is not a database"
check "corrupt SQLite: named, why" grep -q "corrupt.db: error: .*malformed" "$WORK/bad2.err"
check "unknown scheme: named without password" contains "$WORK/bad2.err" "ftp://user@example.org/x: error: unknown database URL scheme"
check "unknown scheme: password never shown" lacks "$WORK/bad2.err" "secret"
check "missing file named" contains "$WORK/bad2.err" "missing.csv: error: No such file or directory"
check "the rest goes on" jqt '[.columns[] | select(.table | endswith("members.csv"))] | length == 5' "$WORK/bad.json"
check "errors listed per source" jqt '[.sources[] | select(.errors | length > 0)] | length == 4' "$WORK/bad.json"
$SHUAN scan --no-store "sqlite://$WORK/not.db" >/dev/null 2>"$WORK/scan.err"; rc=$?
check "scan not-SQLite: exit 2" [ "$rc" -eq 2 ]
check "scan not-SQLite: reason" contains "$WORK/scan.err" "file is not a database"
$SHUAN scan --no-store "nosuch://x" >/dev/null 2>"$WORK/scan2.err"; rc=$?
check "scan unknown scheme: exit 2" [ "$rc" -eq 2 ]
check "scan unknown scheme: reason" contains "$WORK/scan2.err" "unknown database URL scheme"
# scan of a directory with an SQLite file inside: its tables are inputs (was "binary (NUL bytes)")
$SHUAN scan --no-store --format jsonl "$D/nested" >"$WORK/scan.jsonl" 2>/dev/null; rc=$?
check "scan: SQLite in a walk is read (exit 1)" [ "$rc" -eq 1 ]
check "scan: SQLite findings located" jqt -s '[.[] | select(.location == "main.customers.sfzh")] | length == 60' "$WORK/scan.jsonl"
check "scan: SQLite tables are inputs" jqt -s '.[-1].inputs.scanned == 5' "$WORK/scan.jsonl"

# the store: a run recorded, listed; --partial of a file run merges to the same report
ST="$SHUAN inventory --store $WORK/store --date 2026-11-22"
$ST --format json --partial "$WORK/a.part" "$D/members.csv" >/dev/null 2>&1
$ST --format json --partial "$WORK/b.part" "$D/events.jsonl" "$D/app.log" >/dev/null 2>&1
$ST --format json "$D/members.csv" "$D/events.jsonl" "$D/app.log" >"$WORK/one.json" 2>/dev/null
$SHUAN inventory merge --store "$WORK/store" --format json "$WORK/a.part" "$WORK/b.part" >"$WORK/merged.json" 2>/dev/null
check "merge of file runs = one run" [ "$(jq -c '[.people, ([.columns[] | {table, column, data_type, hit_rate}] | sort_by(.table, .column))]' "$WORK/merged.json")" = "$(jq -c '[.people, ([.columns[] | {table, column, data_type, hit_rate}] | sort_by(.table, .column))]' "$WORK/one.json")" ]
$SHUAN inventory list --store "$WORK/store" >"$WORK/list.txt"
check "list shows the runs" [ "$(grep -c '^#' "$WORK/list.txt")" -eq 4 ]
# a partial whose people counters an older shuan saved (format 1: HMAC fingerprints) is refused,
# saying so, not merged into counts it cannot be linked with
cp "$WORK/a.part" "$WORK/old.part"
python3 - "$WORK/old.part" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for rowid, blob in db.execute("SELECT rowid, people FROM tables").fetchall():
    b = bytearray(blob)
    b[8:12] = (1).to_bytes(4, "little")
    b[-32:] = hashlib.sha256(bytes(b[:-32])).digest()
    db.execute("UPDATE tables SET people = ? WHERE rowid = ?", (bytes(b), rowid))
db.commit()
PY
$SHUAN inventory merge --store "$WORK/store" "$WORK/old.part" >/dev/null 2>"$WORK/old.err"
check "merge refuses a partial of an older shuan" [ $? -eq 2 ]
check "the refusal says why" contains "$WORK/old.err" "saved by an older shuan whose people fingerprints this one cannot link"
printf 'not a partial\n' >"$WORK/junk.part"
expect_rc 2 "merge refuses a non-partial" $SHUAN inventory merge --store "$WORK/store" "$WORK/junk.part"
$SHUAN inventory --help >"$WORK/help.txt"
check "help lists the subcommands" contains "$WORK/help.txt" "shuan inventory diff [RUN_A RUN_B]"
check "help lists --partial" contains "$WORK/help.txt" "--partial FILE"
check "help: exit 3 documented" contains "$WORK/help.txt" "3 some source or table could not be read"
finish
