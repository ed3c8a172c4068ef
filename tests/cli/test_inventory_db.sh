#!/usr/bin/env bash
# Black-box against real servers: `shuan inventory` and `shuan scan` on throwaway PostgreSQL and
# MariaDB servers (tests/db/harness.sh) loaded with the synthetic fixtures of tests/db/fixtures.py.
# Asserts every fixture column's class and grade, the people counts (including the linkage across
# tables) against the fixture's own reference count, sampling labels, the bad-input cases
# (permission denied, wrong password, unreachable server, statement timeout, a table dropped while
# the scan runs), that no password appears in any output or in the store, partial + merge, the
# store's list and diff, the XLSX read back and the HTML rendered by headless Chromium (the
# screenshot is kept in $ARTEFACTS).
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/db/harness.sh"
db_harness_init
pg_start
my_start

FX="$WORK/fx"
python3 "$TESTDIR/db/fixtures.py" "$FX" --date 2026-11-22 >/dev/null || { echo "fixtures failed"; exit 1; }
pg_admin -c "CREATE DATABASE app" >/dev/null
PG_DB=app pg_admin -f "$FX/pg.sql" >"$WORK/pgload.log" 2>&1 || { cat "$WORK/pgload.log"; exit 1; }
my_admin <"$FX/my.sql" >"$WORK/myload.log" 2>&1 || { cat "$WORK/myload.log"; exit 1; }

PW=Scan-Pass-8c1f
WRONG=WRONG-pw-7d2e9Qx
PGURL="postgresql://scan@127.0.0.1:$PG_PORT/app"
MYURL="mysql://scan@127.0.0.1:$MY_PORT/shop"
STORE="$WORK/store"
I="$SHUAN inventory --store $STORE --date 2026-11-22"
printf '%s\n' "$PW" >"$WORK/pw"; chmod 600 "$WORK/pw"
unset PGPASSWORD MYSQL_PWD PGPASSFILE
mkdir -p "${ARTEFACTS:-$WORK/artefacts}"; ART=${ARTEFACTS:-$WORK/artefacts}

# ---- PostgreSQL, every row, password from a file ----
$I --full --password-file "$WORK/pw" --format json --out "$WORK/pg.json" "$PGURL" 2>"$WORK/pg.err"; rc=$?
check "pg: exit 3 (a table could not be read)" [ "$rc" -eq 3 ]
check "pg json parses" jqt '.type == "inventory" and .schema_version == "1.0" and (.run_id | type) == "number"' "$WORK/pg.json"
check "pg: permission denied reported, named" contains "$WORK/pg.err" "public.secret_salary: permission denied for table secret_salary"
check "pg: error in the report" jqt '.sources[0].errors | any(test("secret_salary: permission denied"))' "$WORK/pg.json"
check "pg: source named without password" jqt --arg u "$PGURL" '.sources[0].source == $u and .sources[0].kind == "postgresql"' "$WORK/pg.json"
check "pg: profile labelled a configurable default" jqt '.profile.id == "default" and .profile.unverified == true' "$WORK/pg.json"
# every fixture column: class, pi, sensitive, sub-level
while IFS='|' read -r t c dt pi sens sub; do
  got=$(jq -r --arg t "public.$t" --arg c "$c" '.columns[] | select(.table == $t and .column == $c) | "\(.data_type)|\(.pi)|\(.sensitive)|\(.sublevel)"' "$WORK/pg.json")
  check "pg column $t.$c = $dt|$pi|$sens|$sub (got $got)" [ "$got" = "$dt|$pi|$sens|$sub" ]
done < <(jq -r '.columns[] | [.table, .column, .data_type, (.pi|tostring), (.sensitive|tostring), .sublevel] | join("|")' "$FX/expected.json")
check "pg: grade is always 一般数据" jqt 'all(.columns[]; .grade == "一般数据")' "$WORK/pg.json"
check "pg: Chinese schema and quoted names read" jqt '[.columns[] | select(.table == "人事.员工" and .column == "手机号" and .data_type == "cn_mobile")] | length == 1' "$WORK/pg.json"
check "pg: comment carried" jqt '[.columns[] | select(.table == "public.customers" and .column == "sfzh" and .comment == "身份证号码")] | length == 1' "$WORK/pg.json"
check "pg: type carried" jqt '[.columns[] | select(.column == "sfzh" and .table == "public.customers" and .type == "character varying(18)")] | length == 1' "$WORK/pg.json"
check "pg: huge cell cut at the cap, reported" jqt '.columns[] | select(.column == "病历描述") | .basis | any(test("read up to the 1048576-byte cell cap"))' "$WORK/pg.json"
check "pg: bytea image sniffed" jqt '.columns[] | select(.column == "身份证照片") | .basis | any(test("PNG image"))' "$WORK/pg.json"
check "pg: text in bytea scanned" jqt '.columns[] | select(.table == "public.attachments" and .column == "note") | .basis | any(test("held text and were scanned"))' "$WORK/pg.json"
check "pg: empty table classified by name" jqt '.columns[] | select(.table == "public.empty_table" and .column == "sfzh") | .basis | any(test("by its name alone"))' "$WORK/pg.json"
check "pg: view listed" jqt '[.columns[] | select(.table == "public.v_customer_contact")] | length == 2' "$WORK/pg.json"
# people: the fixture's own union-find over the generated identifiers
want=$(jq -c '.people' "$FX/expected.json")
got=$(jq -c '.sources[0].people | {distinct, sensitive, minors}' "$WORK/pg.json")
check "pg people $got = reference $want (cross-table linkage)" [ "$got" = "$want" ]
check "pg people exact with --full" jqt '.sources[0].people.exact == true and .sources[0].sampled == false' "$WORK/pg.json"
check "pg: no candidate below 10,000,000 people" jqt '.sources[0].important_candidate.candidate == false' "$WORK/pg.json"

# ---- sampling: labelled, TABLESAMPLE on a table larger than twice the sample ----
PGPASSWORD=$PW $I --no-store --sample 20 --format json "$PGURL" >"$WORK/pgs.json" 2>/dev/null
check "sample: labelled sample-based" jqt '.sources[0].sampled == true' "$WORK/pgs.json"
check "sample: at most 20 rows per table" jqt '[.columns[] | .sampled] | max <= 20' "$WORK/pgs.json"
check "sample: still classifies" jqt '.columns[] | select(.table == "public.customers" and .column == "sfzh") | .data_type == "cn_resident_id"' "$WORK/pgs.json"
PGPASSWORD=$PW $I --no-store --sample 20 --format text "$PGURL" >"$WORK/pgs.txt" 2>/dev/null
check "sample: text says how rows were chosen" contains "$WORK/pgs.txt" "tablesample system"
check "sample: text labels counts" contains "$WORK/pgs.txt" "sample-based"

# ---- MariaDB ----
MYSQL_PWD=$PW $I --full --format json --out "$WORK/my.json" "$MYURL" 2>"$WORK/my.err"; rc=$?
check "mysql: exit 3 (a view the user may not read)" [ "$rc" -eq 3 ]
check "mysql: the unreadable view named" contains "$WORK/my.err" "shop.v_secret"
while IFS='|' read -r t c dt pi sens sub; do
  got=$(jq -r --arg t "shop.$t" --arg c "$c" '.columns[] | select(.table == $t and .column == $c) | "\(.data_type)|\(.pi)|\(.sensitive)|\(.sublevel)"' "$WORK/my.json")
  check "mysql column $t.$c = $dt|$pi|$sens|$sub (got $got)" [ "$got" = "$dt|$pi|$sens|$sub" ]
done < <(jq -r '.columns[] | [.table, .column, .data_type, (.pi|tostring), (.sensitive|tostring), .sublevel] | join("|")' "$FX/expected.json")
# MariaDB has no 人事 schema in the fixture: the 20 staff are not there
want_my=$(jq -c '.people | .distinct -= 20' "$FX/expected.json")
got=$(jq -c '.sources[0].people | {distinct, sensitive, minors}' "$WORK/my.json")
check "mysql people $got = reference $want_my" [ "$got" = "$want_my" ]
check "mysql: column comment" jqt '[.columns[] | select(.table == "shop.customers" and .column == "zjxy" and .comment == "宗教信仰")] | length == 1' "$WORK/my.json"

# ---- --full --jobs: a large table read in block ranges over several connections, one snapshot ----
# 60,000 rows (about 4 MiB): people link across the parts (row g shares its phone with row g+25000
# and its e-mail with row g+30000), some are under 14; the inventory must be the one of a single read.
pg_admin -c "CREATE DATABASE parts OWNER scan" >/dev/null
PG_DB=parts pg_admin >/dev/null <<'SQL'
CREATE TABLE big AS SELECT g AS id, (ARRAY['张伟','李娜','王芳'])[1 + g % 3] AS 姓名,
  '138' || lpad((g % 25000)::text, 8, '0') AS 手机号, 'u' || (g % 30000) || '@example.com' AS email,
  (ARRAY['汉族','回族','满族'])[1 + g % 3] AS 民族,
  CASE WHEN g % 1000 = 0 THEN date '2020-03-01' ELSE date '1980-01-01' + (g % 9000) END AS 出生日期,
  repeat('备注', 10) AS 备注 FROM generate_series(1, 60000) g;
ALTER TABLE big OWNER TO scan;
CREATE TABLE small AS SELECT g AS id, '139' || lpad(g::text, 8, '0') AS sjh FROM generate_series(1, 100) g;
ALTER TABLE small OWNER TO scan;
ANALYZE;
SQL
PARTSURL="postgresql://scan@127.0.0.1:$PG_PORT/parts"
P="$SHUAN inventory --no-store --date 2026-11-22 --full --password-file $WORK/pw"
$P --jobs 1 --format json "$PARTSURL" >"$WORK/parts1.json" 2>"$WORK/parts1.err"; rc1=$?
$P --jobs 3 --format json "$PARTSURL" >"$WORK/parts3.json" 2>"$WORK/parts3.err"; rc3=$?
check "parts: both runs exit 1 (rc $rc1 $rc3)" [ "$rc1$rc3" = "11" ]
check "parts: every row read" jqt '.sources[0].rows_read == 60100 and .sources[0].errors == []' "$WORK/parts3.json"
check "parts: people linked across the parts, minors found" jqt '.people.distinct > 0 and .people.distinct < 30000 and .people.minors > 0 and .people.exact' "$WORK/parts3.json"
jq -S 'del(.generated, .run_id)' "$WORK/parts1.json" >"$WORK/parts1.n"
jq -S 'del(.generated, .run_id)' "$WORK/parts3.json" >"$WORK/parts3.n"
check "parts: --jobs 3 gives the inventory of --jobs 1" cmp -s "$WORK/parts1.n" "$WORK/parts3.n"
$P --jobs 3 --format text "$PARTSURL" >"$WORK/parts3.txt" 2>&1
check "parts: the text says the big table was read in 3 parts" contains "$WORK/parts3.txt" "60000 rows, full (3 parts in one snapshot)"
check "parts: a small table is read whole" contains "$WORK/parts3.txt" "100 rows, full)"
$P --jobs 1 --format text "$PARTSURL" >"$WORK/parts1.txt" 2>&1
check "parts: --jobs 1 reads whole" lacks "$WORK/parts1.txt" "parts in one snapshot"
$SHUAN inventory --no-store --sample 50 --jobs 3 --password-file "$WORK/pw" --format text "$PARTSURL" >"$WORK/partss.txt" 2>&1
check "parts: a sample is never split" lacks "$WORK/partss.txt" "parts in one snapshot"

# ---- the duty engines count the people of tables: every row; a table they cannot read is an error ----
pg_admin -c "CREATE DATABASE leak OWNER scan" >/dev/null
PG_DB=leak pg_admin -c "CREATE TABLE leaked(姓名 text, 手机号 text); INSERT INTO leaked SELECT '张三', '138' || lpad(g::text, 8, '0') FROM generate_series(1, 3000) g; ALTER TABLE leaked OWNER TO scan" >/dev/null
LEAKURL="postgresql://scan@127.0.0.1:$PG_PORT/leak"
G="$SHUAN incident grade --store $STORE --discovered 2025-09-30T16:00+08:00 --type leak --data-grade general --regime miit --domain telecom --as-of 2025-10-01 -f json"
$G --data "$LEAKURL" --password-file "$WORK/pw" >"$WORK/inc.json" 2>"$WORK/inc.err"; rc=$?
check "incident --data pg: exit 0 (rc $rc)" [ "$rc" -eq 0 ]
check "incident --data pg: 3000 people, every row read (not a 1000-row sample)" jqt '.facts.pi_people == 3000' "$WORK/inc.json"
$G --data "$PGURL" --password-file "$WORK/pw" >/dev/null 2>"$WORK/inc2.err"; rc=$?
check "incident --data pg: an unreadable table is an error (exit 2, rc $rc)" [ "$rc" -eq 2 ]
check "incident --data pg: the table named, no count" sh -c "grep -q 'secret_salary: permission denied' '$WORK/inc2.err' && grep -q 'no count' '$WORK/inc2.err'"
printf 'name: X\nciio: false\n' >"$WORK/org.yaml"
printf 'recipient: R\ncountry: SG\npurpose: trade\nbasis: none\nsubjects: customers\ncollected_abroad: false\nimportant_data: false\ndate: 2025-06-01\n' >"$WORK/t.yaml"
MYSQL_PWD=$PW $SHUAN xborder assess --no-store --org "$WORK/org.yaml" --transfer "$WORK/t.yaml" --as-of 2025-06-30 --data "$MYURL" >/dev/null 2>"$WORK/xb.err"; rc=$?
check "xborder --data mysql: the unreadable view is an error (exit 2, rc $rc)" [ "$rc" -eq 2 ]
check "xborder --data mysql: the view named" contains "$WORK/xb.err" "shop.v_secret"
for f in "$WORK/inc.err" "$WORK/inc2.err" "$WORK/xb.err" "$WORK/inc.json"; do
  check "duty --data: no password in $(basename "$f")" lacks "$f" "$PW"
done

# ---- passwords never shown: wrong one, one in the URL, one from a file ----
PGPASSWORD=$WRONG $I --format json "$PGURL" >"$WORK/wrong.out" 2>"$WORK/wrong.err"; rc=$?
check "wrong password: exit 3" [ "$rc" -eq 3 ]
check "wrong password: says why" contains "$WORK/wrong.err" "password authentication failed"
PGPASSWORD=$WRONG $SHUAN scan --store "$STORE" --format jsonl "$PGURL" >"$WORK/wrong.scan" 2>"$WORK/wrong.scan.err"; rc=$?
check "wrong password: scan exits 2" [ "$rc" -eq 2 ]
MYSQL_PWD=$WRONG $I --format json "$MYURL" >"$WORK/wrong.my" 2>"$WORK/wrong.my.err"
check "mysql wrong password: says why" contains "$WORK/wrong.my.err" "Access denied for user"
$I --format text "postgresql://scan:$PW@127.0.0.1:$PG_PORT/app?sslmode=disable" >"$WORK/inurl.out" 2>"$WORK/inurl.err"; rc=$?
check "password in the URL works (exit 3: secret_salary)" [ "$rc" -eq 3 ]
check "password in the URL: source shown without it" contains "$WORK/inurl.out" "postgresql://scan@127.0.0.1:$PG_PORT/app?sslmode=disable"
$SHUAN scan --store "$STORE" --format jsonl --password-file "$WORK/pw" "$PGURL" >"$WORK/scan.jsonl" 2>"$WORK/scan.err"
for f in "$WORK"/*.json "$WORK"/*.out "$WORK"/*.err "$WORK"/*.scan* "$WORK"/*.jsonl "$WORK"/wrong.*; do
  check "no wrong password in $(basename "$f")" lacks "$f" "$WRONG"
  check "no password in $(basename "$f")" lacks "$f" "$PW"
done
check "no password anywhere in the store" sh -c "! grep -raqF -e '$WRONG' -e '$PW' '$STORE'"

# ~/.pgpass, read by libpq itself
printf '127.0.0.1:%s:app:scan:%s\n' "$PG_PORT" "$PW" >"$HOME/.pgpass"; chmod 600 "$HOME/.pgpass"
$SHUAN inventory --no-store --format json "$PGURL" >"$WORK/pgpass.json" 2>/dev/null; rc=$?
check "~/.pgpass: connects (exit 3: secret_salary)" [ "$rc" -eq 3 ]
check "~/.pgpass: tables read" jqt '.sources[0].tables >= 10 and (.sources[0].errors | length) == 1' "$WORK/pgpass.json"
rm -f "$HOME/.pgpass"

# ---- shuan scan on a database: locations and row references ----
check "scan: location schema.table.column" jqt -s '[.[] | select(.type == "finding" and .location == "public.customers.sfzh")] | length == 60' "$WORK/scan.jsonl"
check "scan: integer key shown as the row" jqt -s '[.[] | select(.location == "public.customers.sfzh") | .row] | all(test("^id=[0-9]+$"))' "$WORK/scan.jsonl"
check "scan: text key (may be PI) shown as its fingerprint" jqt -s '[.[] | select(.location == "public.orders.sjh") | .row] | all(test("^fp:[0-9a-f]{32}$"))' "$WORK/scan.jsonl"
check "scan: no key: ordinal" jqt -s '[.[] | select(.location == "public.v_customer_contact.sjh") | .row] | all(test("^row:[0-9]+$"))' "$WORK/scan.jsonl"
check "scan: masked evidence only" jqt -s '[.[] | select(.detector == "cn_resident_id") | .evidence] | all(test("\\*"))' "$WORK/scan.jsonl"
check "scan: each table an input" jqt -s '.[-1].inputs.scanned >= 10 and .[-1].inputs.skipped == 1' "$WORK/scan.jsonl"
check "scan: permission denied on stderr" contains "$WORK/scan.err" "public.secret_salary: skipped: permission denied for table secret_salary"
first_id=$(PG_DB=app pg_admin -At -c "SELECT sfzh FROM customers WHERE id = 1")
check "scan: no raw ID in output" lacks "$WORK/scan.jsonl" "$first_id"
check "inventory: no raw ID in the report" lacks "$WORK/pg.json" "$first_id"
check "no raw ID in the store" sh -c "! grep -raqF '$first_id' '$STORE'"

# ---- statement timeout, unreachable server ----
PGPASSWORD=$PW $I --no-store --statement-timeout 1 --format json "$PGURL" >"$WORK/to.json" 2>"$WORK/to.err"; rc=$?
check "timeout: exit 3" [ "$rc" -eq 3 ]
check "timeout: named and explained" contains "$WORK/to.err" "public.a_slow: canceling statement due to statement timeout"
check "timeout: the other tables still read" jqt '([.columns[] | select(.table == "public.customers")] | length == 17) and ([.columns[] | select(.table == "public.customers" and .column == "sjh")][0].data_type == "cn_mobile")' "$WORK/to.json"
MYSQL_PWD=$PW $I --no-store --statement-timeout 1 --format json "$MYURL" >"$WORK/myto.json" 2>"$WORK/myto.err"
check "mysql timeout named" contains "$WORK/myto.err" "shop.a_slow"
check "mysql timeout explained" contains "$WORK/myto.err" "statement timeout"
$I --no-store --format json "postgresql://scan@127.0.0.1:1/app?connect_timeout=3" >"$WORK/unreach.json" 2>"$WORK/unreach.err"; rc=$?
check "unreachable: exit 3" [ "$rc" -eq 3 ]
check "unreachable: says so" grep -qi "connection refused\|could not connect\|cannot connect" "$WORK/unreach.err"
check "unreachable: listed with its error" jqt '.sources[0].errors | length == 1' "$WORK/unreach.json"
$SHUAN scan --no-store "mysql://scan@127.0.0.1:1/shop" >/dev/null 2>"$WORK/unreach2.err"; rc=$?
check "scan unreachable mysql: exit 2" [ "$rc" -eq 2 ]
check "scan unreachable mysql: named" contains "$WORK/unreach2.err" "mysql://scan@127.0.0.1:1/shop: skipped:"

# ---- XLSX read back, HTML in Chromium ----
$I --no-store --password-file "$WORK/pw" --full --format xlsx --out "$WORK/inv.xlsx" "$PGURL" 2>/dev/null
python3 - "$WORK/inv.xlsx" >"$WORK/xlsx.txt" 2>&1 <<'PY'
import sys, zipfile, xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
wb = ET.fromstring(z.read("xl/workbook.xml"))
print("sheets", ",".join(s.get("name") for s in wb.find("m:sheets", ns)))
sst = ["".join(t.text or "" for t in si.iter("{%s}t" % ns["m"]))
       for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
sh = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
rows = []
for r in sh.find("m:sheetData", ns):
    vals = []
    for c in r:
        v = c.find("m:v", ns)
        vals.append(sst[int(v.text)] if c.get("t") == "s" and v is not None else (v.text if v is not None else ""))
    rows.append(vals)
print("header", "|".join(rows[0]))
for r in rows[1:]:
    if len(r) > 6 and r[1] == "public.customers" and r[2] == "sfzh":
        print("sfzh", r[4], "|", r[6], "|", r[7])
pane = sh.find(".//m:pane", ns)
print("frozen", pane is not None and pane.get("ySplit") == "1")
print("filter", sh.find("m:autoFilter", ns) is not None)
print("rows", len(rows) - 1)
PY
check "xlsx: two sheets" contains "$WORK/xlsx.txt" "sheets 清单,汇总"
check "xlsx: the auditors' header" contains "$WORK/xlsx.txt" "header 数据源|库/表|字段|注释|数据类型|分类|级别|敏感个人信息类别|命中率|样本量|依据"
check "xlsx: a column's row" contains "$WORK/xlsx.txt" "sfzh 居民身份证号码 (cn_resident_id) | 一般数据 L4 | 不满十四周岁未成年人的个人信息"
check "xlsx: frozen header" contains "$WORK/xlsx.txt" "frozen True"
check "xlsx: filters" contains "$WORK/xlsx.txt" "filter True"
check "xlsx: one row per column" [ "$(sed -n 's/^rows //p' "$WORK/xlsx.txt")" = "$(jq '.columns | length' "$WORK/pg.json")" ]
$I --no-store --password-file "$WORK/pw" --full --format html --out "$WORK/inv.html" "$PGURL" 2>/dev/null
check "html: self-contained (nothing fetched)" sh -c "! grep -Eq '(src|href)=\"(https?:)?//' '$WORK/inv.html'"
check "html: no raw ID" lacks "$WORK/inv.html" "$first_id"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  if [ "${CI:-}" = true ]; then bad "chromium is not installed (CI=true)"; else echo "SKIP html render: no chromium"; fi
else
  prof=$(mktemp -d)
  CH="$CHROME --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --user-data-dir=$prof"
  timeout 120 $CH --window-size=1400,1800 --screenshot="$ART/inventory.png" "file://$WORK/inv.html" >/dev/null 2>&1
  timeout 120 $CH --dump-dom "file://$WORK/inv.html" >"$WORK/dom.html" 2>/dev/null
  rm -rf "$prof"
  check "html: screenshot taken (kept as $ART/inventory.png)" [ "$(stat -c %s "$ART/inventory.png" 2>/dev/null || echo 0)" -gt 20000 ]
  check "html: rendered DOM has the grade chart" contains "$WORK/dom.html" 'id="chart-grades"'
  check "html: rendered DOM has a row per column" [ "$(grep -o "<tr" "$WORK/dom.html" | wc -l)" -gt "$(jq ".columns | length" "$WORK/pg.json")" ]
  check "html: the profile caveat shows" contains "$WORK/dom.html" "configurable default"
fi

# ---- partial + merge: two sources merged = one run over both (linkage across sources) ----
$I --no-store --password-file "$WORK/pw" --full --format json "$PGURL" "$FX/app.db" >"$WORK/both.json" 2>/dev/null
$I --password-file "$WORK/pw" --full --partial "$WORK/p1.part" --format json "$PGURL" >/dev/null 2>&1
$I --full --partial "$WORK/p2.part" --format json "$FX/app.db" >/dev/null 2>&1
check "partial file is private" [ "$(stat -c %a "$WORK/p1.part")" = 600 ]
$SHUAN inventory merge --store "$STORE" --format json "$WORK/p2.part" "$WORK/p1.part" >"$WORK/merged.json" 2>/dev/null; rc=$?
check "merge: exit 3 (the pg part had an unreadable table)" [ "$rc" -eq 3 ]
check "merge: overall people equal one run" [ "$(jq -c .people "$WORK/merged.json")" = "$(jq -c .people "$WORK/both.json")" ]
check "merge: the same sources" [ "$(jq -c '[.sources[] | {source, people, tables}] | sort_by(.source)' "$WORK/merged.json")" = "$(jq -c '[.sources[] | {source, people, tables}] | sort_by(.source)' "$WORK/both.json")" ]
check "merge: the same columns and grades" [ "$(jq -c '[.columns[] | {source, table, column, data_type, hit_rate, sublevel}] | sort_by(.source, .table, .column)' "$WORK/merged.json")" = "$(jq -c '[.columns[] | {source, table, column, data_type, hit_rate, sublevel}] | sort_by(.source, .table, .column)' "$WORK/both.json")" ]
check "merge: SQLite customers link to the same people" jqt '.people.distinct == (.sources | map(.people.distinct) | max)' "$WORK/merged.json"
$SHUAN inventory merge --store "$WORK/other-store" --format json "$WORK/p1.part" >/dev/null 2>"$WORK/otherkey.err"; rc=$?
check "merge: another store's key refused" [ "$rc" -eq 2 ]
check "merge: says why" contains "$WORK/otherkey.err" "another fingerprint key"

# ---- the store: list, then a change and the diff ----
PG_DB=app pg_admin >/dev/null <<'SQL'
ALTER TABLE orders ADD COLUMN zjxy text;
UPDATE orders SET zjxy = CASE WHEN amount > 250 THEN '佛教' ELSE '无' END;
INSERT INTO orders SELECT 'EX' || g, '159' || lpad(g::text, 8, '0'), '北京市海淀区中关村大街1号', 1 FROM generate_series(1, 40) g;
GRANT SELECT ON orders TO scan;
SQL
$I --password-file "$WORK/pw" --full --format json "$PGURL" >"$WORK/pg2.json" 2>/dev/null
$SHUAN inventory list --store "$STORE" --format json >"$WORK/list.json"
check "list: runs recorded" jqt '(.runs | length) >= 4 and .runs[0].run_id > .runs[-1].run_id' "$WORK/list.json"
$SHUAN inventory diff --store "$STORE" --format json >"$WORK/diff.json"; rc=$?
check "diff: exit 1 (changes)" [ "$rc" -eq 1 ]
check "diff: the new column" jqt '.pairs[] | select(.source | startswith("postgresql")) | .new_columns | any(.table == "public.orders" and .column == "zjxy")' "$WORK/diff.json"
check "diff: a new sensitive column" jqt '.pairs[] | select(.source | startswith("postgresql")) | .new_sensitive | any(.column == "zjxy" and .sensitive)' "$WORK/diff.json"
check "diff: the people jump" jqt '.pairs[] | select(.source | startswith("postgresql")) | .people.to == (.people.from + 40) and .people.jump == true' "$WORK/diff.json"
$SHUAN inventory diff --store "$STORE" >"$WORK/diff.txt"
check "diff text: new sensitive" contains "$WORK/diff.txt" "new sensitive columns"
runs=$(jq -r '.runs[] | select(.sources | any(.source | startswith("postgresql"))) | .run_id' "$WORK/list.json" | head -2 | sort -n | tr '\n' ' ')
$SHUAN inventory diff --store "$STORE" $runs --format json >"$WORK/diff2.json"
check "diff of named runs" jqt '.changes >= 3' "$WORK/diff2.json"
expect_rc 2 "diff of a run that does not exist" $SHUAN inventory diff --store "$STORE" 9998 9999

# ---- a table dropped while the scan runs ----
( PGPASSWORD=$PW $I --no-store --full --format json "$PGURL" >"$WORK/drop.json" 2>"$WORK/drop.err"; echo $? >"$WORK/drop.rc" ) &
bg=$!
# wait until the scan reads the slow view (3 s, read first): the table list is taken by then
for _ in $(seq 1 200); do
  [ "$(PG_DB=app pg_admin -At -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%a_slow%' AND pid <> pg_backend_pid()")" -ge 1 ] && break
  sleep 0.1
done
PG_DB=app pg_admin -c "DROP TABLE z_dropme" >/dev/null
wait $bg
check "dropped mid-scan: exit 3" [ "$(cat "$WORK/drop.rc")" = 3 ]
check "dropped mid-scan: named" contains "$WORK/drop.err" "public.z_dropme"
check "dropped mid-scan: explained" contains "$WORK/drop.err" "does not exist"
check "dropped mid-scan: the rest read" jqt '[.columns[] | select(.table == "人事.员工")] | length == 5' "$WORK/drop.json"
finish
