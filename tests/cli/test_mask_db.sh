#!/usr/bin/env bash
# Black-box: shuan mask and shuan risk on database tables - SQLite, and real PostgreSQL and MariaDB
# servers (tests/db/harness.sh). For each engine: a table masked --into a new table (values read
# back with the engine's own client: every row there, NULL still NULL and '' still '', partial
# masks shaped right, nothing of the originals left), the new table scanned again by shuan scan
# (only the surrogate ID numbers are found, one valid ID per row), two runs and --jobs 1/2 give the
# same table and the same file, encrypt + shuan unmask on a table exported to a file gives the
# plain export back, shuan risk on the table gives the JSON of the same rows as CSV, risk
# --suggest on the table gives the CSV's suggestion and its k_anonymity policy applied by mask
# --table makes a k-anonymous table (spooled second pass), unmask --table restores an encrypted
# table into a new one; bad input
# (the --into table exists, a missing table, a policy column the table lacks, a too long value
# part-way, a wrong password, an unreachable server) exits 2 naming the source and table, never
# the password, and leaves no target table behind.
. "$(dirname "$0")/lib.sh"
. "$TESTDIR/db/harness.sh"
D="$WORK/mdb"; mkdir -p "$D"; cd "$D" || exit 1
not() { ! "$@"; }
M() { "$SHUAN" mask -q --date 2025-06-01 "$@"; }
PW=Mask-Pass-41c9
WRONG=WRONG-pw-9e1bQz
printf '%s\n' "$PW" >pw; chmod 600 pw
printf '%s\n' "$WRONG" >wrong; chmod 600 wrong
unset PGPASSWORD MYSQL_PWD PGPASSFILE
"$SHUAN" keygen k.key >/dev/null 2>&1

# ---- the rows: people.csv (NULL as an empty cell), the same rows for each engine ----
python3 - <<'PY'
import random, sqlite3
random.seed(11)
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; C="10X98765432"
def idn(b): return b+C[sum(int(c)*w for c,w in zip(b,W))%11]
cols=["id","姓名","手机","身份证号","出生日期","性别","邮编","备注","可空"]
def gen(n):
  rows=[]
  for i in range(1, n+1):
    y,m,d=random.randint(1950,2005),random.randint(1,12),random.randint(1,28)
    b="%s%04d%02d%02d%03d"%(random.choice(["110105","440305","310115"]),y,m,d,random.randint(0,999))
    note=random.choice(['客户 tel 139%08d, 回访' % i, '无', '多行\n邮箱 u%d@qq.com' % i, 'say "hi"\t139%08d' % i])
    nul=None if i % 3 == 0 else ('' if i % 5 == 0 else '值%d' % i)
    rows.append([i, random.choice("张王李赵刘陈")+random.choice("伟芳娜敏静丽"), "1%s%08d"%(random.choice(["38","39","86","50"]),random.randint(0,10**8-1)),
                 idn(b), "%04d-%02d-%02d"%(y,m,d), random.choice("男女"), random.choice(["100020","518057","200120"]), note, nul])
  return rows
rows=gen(3000)
# big: 20000 longer rows, several masking blocks; a value of 1200 bytes near its end makes
# --max-cell 1000 fail after rows were written
big=gen(20000)
for r in big: r[7] += "，" + "无" * 80
big[19990][7]="长"*400
def csvq(v):
    if v is None: return ""
    v=str(v)
    return '"%s"' % v.replace('"','""') if any(c in v for c in ',"\n\r') else v
with open("people.csv","w") as f:
    f.write(",".join(cols)+"\n")
    for r in rows: f.write(",".join(csvq(v) for v in r)+"\n")
db=sqlite3.connect("app.db")
db.execute('CREATE TABLE people (id INTEGER PRIMARY KEY, "姓名" TEXT, "手机" TEXT, "身份证号" TEXT, "出生日期" TEXT, "性别" TEXT, "邮编" TEXT, "备注" TEXT, "可空" TEXT)')
db.executemany("INSERT INTO people VALUES (?,?,?,?,?,?,?,?,?)", rows)
db.execute('CREATE TABLE big (id INTEGER PRIMARY KEY, "姓名" TEXT, "手机" TEXT, "身份证号" TEXT, "出生日期" TEXT, "性别" TEXT, "邮编" TEXT, "备注" TEXT, "可空" TEXT)')
db.executemany("INSERT INTO big VALUES (?,?,?,?,?,?,?,?,?)", big)
db.execute('CREATE TABLE taken (a TEXT)'); db.execute("INSERT INTO taken VALUES ('keep me')")
db.commit()
def sq(v): return "NULL" if v is None else ("'%s'" % str(v).replace("\\","\\\\").replace("'","''") if not isinstance(v,int) else str(v))
def inserts(q, esc_bs, rows=rows, table="people"):
    out=[]
    for k in range(0, len(rows), 500):
        vals=",".join("("+",".join(("NULL" if v is None else str(v) if isinstance(v,int) else "'"+(str(v).replace("\\","\\\\") if esc_bs else str(v)).replace("'","''")+"'") for v in r)+")" for r in rows[k:k+500])
        out.append("INSERT INTO %s VALUES %s;" % (table, vals))
    return "\n".join(out)
pgcols=", ".join('"%s" %s' % (c, "integer PRIMARY KEY" if c=="id" else "text") for c in cols)
open("pg.sql","w").write("CREATE TABLE people (%s);\nCREATE TABLE big (%s);\nCREATE TABLE taken (a text);\nINSERT INTO taken VALUES ('keep me');\n%s\n%s\n" % (pgcols, pgcols, inserts('"', False), inserts('"', False, big, "big")))
mycols=", ".join('`%s` %s' % (c, "INT PRIMARY KEY" if c=="id" else "TEXT") for c in cols)
open("my.sql","w").write("CREATE TABLE people (%s) DEFAULT CHARSET=utf8mb4;\nCREATE TABLE big (%s) DEFAULT CHARSET=utf8mb4;\nCREATE TABLE taken (a TEXT);\nINSERT INTO taken VALUES ('keep me');\n%s\n%s\n" % (mycols, mycols, inserts('`', True), inserts('`', True, big, "big")))
PY
[ -s app.db ] || { echo "fixture failed"; exit 1; }

POLICY=(--key-file k.key --action 身份证号=surrogate --action 手机=partial --action 姓名=pseudonymize
        --action 出生日期=generalize:to=year)

# dump ENGINE TABLE: the rows as id|姓名|手机|身份证号|出生日期|备注-length|可空 with NULL as \N, by id
dump() {
  local e=$1 t=$2 sel
  case $e in
    sqlite) python3 - "$t" <<'PY'
import sqlite3, sys
for r in sqlite3.connect("app.db").execute('SELECT id, "姓名", "手机", "身份证号", "出生日期", length("备注"), "可空" FROM "%s" ORDER BY CAST(id AS INTEGER)' % sys.argv[1]):
    print("|".join("\\N" if v is None else str(v) for v in r))
PY
    ;;
    pg) PG_DB=mk pg_admin -A -t -F '|' -P null='\N' -c "SELECT id, \"姓名\", \"手机\", \"身份证号\", \"出生日期\", length(\"备注\"), \"可空\" FROM \"$t\" ORDER BY id::int" ;;
    my) my_admin -N -B -e "SELECT id, \`姓名\`, \`手机\`, \`身份证号\`, \`出生日期\`, char_length(\`备注\`), \`可空\` FROM mk.\`$t\` ORDER BY CAST(id AS SIGNED)" |
          awk -F'\t' -v OFS='|' '{ $1 = $1; for (i = 1; i <= NF; i++) if ($i == "NULL") $i = "\\N"; print }' ;;
  esac
}
exists() { # exists ENGINE TABLE
  case $1 in
    sqlite) [ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect('app.db').execute(\"SELECT count(*) FROM sqlite_master WHERE name=?\", (sys.argv[1],)).fetchone()[0])" "$2")" = 1 ] ;;
    pg) [ "$(PG_DB=mk pg_admin -A -t -c "SELECT count(*) FROM pg_tables WHERE tablename = '$2'")" = 1 ] ;;
    my) [ "$(my_admin -N -B -e "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='mk' AND TABLE_NAME='$2'")" = 1 ] ;;
  esac
}

# run_engine ENGINE URL [db options...]
run_engine() {
  local e=$1 url=$2; shift 2
  local -a o=("$@")
  local t=masked_$e

  # -- into a new table --
  M "${o[@]}" "${POLICY[@]}" --jobs 2 --report "$e.report.json" --table people --into "$t" "$url" 2>"$e.err"
  check "$e: --into exits 0 ($(head -c 300 "$e.err"))" [ $? -eq 0 ]
  dump "$e" people >"$e.src"
  dump "$e" "$t" >"$e.dst"
  check "$e: every row in the new table" [ "$(wc -l <"$e.dst")" = 3000 ]
  check "$e: the same ids in the same order" \
    [ "$(cut -d'|' -f1 "$e.src")" = "$(cut -d'|' -f1 "$e.dst")" ]
  check "$e: NULL stays NULL, '' stays '', values stay" [ "$(cut -d'|' -f7 "$e.src")" = "$(cut -d'|' -f7 "$e.dst")" ]
  check "$e: 1000 NULLs in the nullable column" [ "$(cut -d'|' -f7 "$e.dst" | grep -cx '\\N')" = 1000 ]
  check "$e: 手机 partial on every row" [ "$(cut -d'|' -f3 "$e.dst" | grep -cE '^1[0-9]{2}\*{4}[0-9]{4}$')" = 3000 ]
  check "$e: 出生日期 generalised to the year" [ "$(cut -d'|' -f5 "$e.dst" | grep -cE '^(19|20)[0-9]{2}$')" = 3000 ]
  check "$e: 姓名 pseudonymised" [ "$(cut -d'|' -f2 "$e.dst" | grep -cE '^[0-9a-z]{16}$')" = 3000 ]
  check "$e: no ID number kept" [ -z "$(comm -12 <(cut -d'|' -f4 "$e.src" | sort) <(cut -d'|' -f4 "$e.dst" | sort))" ]
  check "$e: no mobile left in free text" [ "$(cut -d'|' -f3 "$e.src" | sort -u | grep -cFf - "$e.dst")" = 0 ]
  check "$e: report counts the surrogates" jqt '.inputs[0].ok and .inputs[0].records == 3000 and ([.inputs[0].fields[] | select(.field == "身份证号" and .surrogate)] | .[0].count == 3000)' "$e.report.json"
  check "$e: report names the table, no password" jqt --arg pw "$PW" '(.inputs[0].input | endswith("people")) and (tostring | contains($pw) | not)' "$e.report.json"
  # free text: the detectors' findings replaced inside the cell
  case $e in
    sqlite) python3 -c "import sqlite3; print('\n'.join(r[0] for r in sqlite3.connect('app.db').execute('SELECT \"备注\" FROM masked_sqlite')))" >"$e.notes" ;;
    pg) PG_DB=mk pg_admin -A -t -c "SELECT \"备注\" FROM $t" >"$e.notes" ;;
    my) my_admin -N -B -r -e "SELECT \`备注\` FROM mk.$t" >"$e.notes" ;;
  esac
  check "$e: findings in free text replaced, the rest kept" contains "$e.notes" "客户 tel <cn_mobile>, 回访"
  check "$e: quotes and tabs kept in free text" grep -qP 'say "hi"\t<cn_mobile>' "$e.notes"
  check "$e: no e-mail left" not grep -q '@qq.com' "$e.notes"

  # -- the new table scanned again: only the surrogate IDs, all valid --
  "$SHUAN" scan --no-store --full --date 2025-06-01 --format jsonl "${o[@]}" "$url" 2>/dev/null |
    jq -c --arg t "$t" 'select(.type == "finding" and (.location | split(".")[1]) == $t)' >"$e.rescan"
  check "$e: re-scan finds only surrogate ID numbers in 身份证号 ($(jq -r '.field + ":" + .detector' "$e.rescan" | sort | uniq -c | tr '\n' ' '))" \
    [ -z "$(jq -r 'select(.field != "身份证号" or .detector != "cn_resident_id") | .detector' "$e.rescan")" ]
  check "$e: every surrogate ID is valid (found by the validator): 3000" [ "$(jq -r 'select(.detector == "cn_resident_id") | .row' "$e.rescan" | sort -u | wc -l)" = 3000 ]

  # -- deterministic: a second run, one job, into another table --
  M "${o[@]}" "${POLICY[@]}" --jobs 1 --table people --into "${t}_2" "$url" 2>/dev/null
  dump "$e" "${t}_2" >"$e.dst2"
  check "$e: two runs and --jobs 1 / 2 give the same table" cmp -s "$e.dst" "$e.dst2"

  # -- to a file: CSV and JSON Lines; a table of several blocks, --jobs does not change a byte --
  M "${o[@]}" "${POLICY[@]}" --jobs 1 --table big -o "$e.j1.csv" "$url" 2>"$e.j1.err"
  M "${o[@]}" "${POLICY[@]}" --jobs 2 --table big -o "$e.j2.csv" "$url" 2>/dev/null
  check "$e: -o CSV has the header ($(head -c 200 "$e.j1.err"))" [ "$(head -1 "$e.j1.csv")" = "id,姓名,手机,身份证号,出生日期,性别,邮编,备注,可空" ]
  check "$e: -o CSV of 20000 rows: --jobs 1 = --jobs 2" sh -c "cmp -s '$e.j1.csv' '$e.j2.csv' && [ \$(grep -c '^[0-9]*,' '$e.j1.csv') -ge 20000 ]"
  # -- encrypt, export (JSON Lines), unmask: the plain export comes back --
  M "${o[@]}" --no-scan --table people -o "$e.plain.jsonl" "$url" 2>/dev/null
  check "$e: -o JSON Lines: 3000 objects, NULL as null, '' as ''" jqt -s 'length == 3000 and ([.[] | select(.["可空"] == null)] | length) == 1000 and ([.[] | select(.["可空"] == "")] | length) == 400' "$e.plain.jsonl"
  check "$e: the plain export has the source's values" jqt -s --arg v "$(sed -n 1p "$e.src" | cut -d'|' -f4)" '.[0]["身份证号"] == $v' "$e.plain.jsonl"
  M "${o[@]}" --no-scan --key-file k.key --action 身份证号=encrypt --action 备注=encrypt --table people -o "$e.enc.jsonl" "$url" 2>/dev/null
  check "$e: encrypted export has SM4 tokens" [ "$(grep -o 'SM4:' "$e.enc.jsonl" | wc -l)" -eq 6000 ]
  check "$e: no ID number in the encrypted export" not grep -qF "$(sed -n 1p "$e.src" | cut -d'|' -f4)" "$e.enc.jsonl"
  "$SHUAN" unmask -q --key-file k.key "$e.enc.jsonl" -o "$e.dec.jsonl" 2>/dev/null
  check "$e: unmask gives the plain export back" cmp -s "$e.dec.jsonl" "$e.plain.jsonl"

  # -- risk: the table and the CSV of the same rows give the same figures --
  "$SHUAN" risk --format json --qi 出生日期,性别,邮编 --sensitive 可空 --k 2 "${o[@]}" --table people "$url" >"$e.risk.json" 2>"$e.risk.err"
  "$SHUAN" risk --format json --qi 出生日期,性别,邮编 --sensitive 可空 --k 2 people.csv >"$e.risk.csv.json" 2>/dev/null
  check "$e: risk on the table = risk on the CSV ($(head -c 200 "$e.risk.err"))" cmp -s "$e.risk.json" "$e.risk.csv.json"
  check "$e: risk read every row" jqt '.records == 3000' "$e.risk.json"

  # -- risk --suggest on the table = on the CSV; its policy applied by mask --table reaches k --
  "$SHUAN" risk --suggest --format json --date 2025-06-01 --qi 出生日期,性别,邮编 --k 5 "${o[@]}" \
    --policy-out "$e.k5.yaml" --table people "$url" >"$e.sg.json" 2>"$e.sg.err"
  check "$e: risk --suggest on a table exits 0 ($(head -c 200 "$e.sg.err"))" [ $? -eq 0 ]
  "$SHUAN" risk --suggest --format json --date 2025-06-01 --qi 出生日期,性别,邮编 --k 5 people.csv >"$e.sg.csv.json" 2>/dev/null
  check "$e: ... the same suggestion as on the CSV of its rows" \
    [ "$(jq -cS 'del(.input)' "$e.sg.json")" = "$(jq -cS 'del(.input)' "$e.sg.csv.json")" ]
  check "$e: ... found, naming the table" jqt '.found and (.input | endswith("people"))' "$e.sg.json"
  check "$e: ... the policy has k_anonymity" grep -q '^k_anonymity:' "$e.k5.yaml"
  M "${o[@]}" --no-scan --policy "$e.k5.yaml" --jobs 2 --table people --into "${t}_k5" "$url" 2>"$e.k5.err"
  check "$e: mask --table with a k_anonymity policy exits 0 ($(head -c 200 "$e.k5.err"))" [ $? -eq 0 ]
  "$SHUAN" risk --format json --qi 出生日期,性别,邮编 --k 5 "${o[@]}" --table "${t}_k5" "$url" >"$e.k5.risk.json" 2>/dev/null
  check "$e: ... the new table is 5-anonymous ($(jq -c '{k, records, suppressed}' "$e.k5.risk.json" 2>/dev/null))" \
    jqt '.k >= 5 and .records + .suppressed == 3000' "$e.k5.risk.json"
  M --no-scan --policy "$e.k5.yaml" people.csv -o "$e.k5.file.csv" 2>/dev/null
  "$SHUAN" risk --format json --qi 出生日期,性别,邮编 --k 5 "$e.k5.file.csv" >"$e.k5.file.json" 2>/dev/null
  check "$e: ... the same classes as the CSV masked with the policy" \
    [ "$(jq -cS 'del(.input)' "$e.k5.risk.json")" = "$(jq -cS 'del(.input)' "$e.k5.file.json")" ]
  M "${o[@]}" --no-scan --policy "$e.k5.yaml" --jobs 1 --table people -o "$e.k5.j1.csv" "$url" 2>/dev/null
  M "${o[@]}" --no-scan --policy "$e.k5.yaml" --jobs 2 --table people -o "$e.k5.j2.csv" "$url" 2>/dev/null
  check "$e: ... --jobs 1 = --jobs 2 with k_anonymity" sh -c "[ -s '$e.k5.j1.csv' ] && cmp -s '$e.k5.j1.csv' '$e.k5.j2.csv'"
  M "${o[@]}" --no-scan --policy "$e.k5.yaml" --tmpdir "$D/no/such/dir" --table people --into "${t}_notmp" "$url" 2>"$e.notmp.err"
  check "$e: k_anonymity without a usable --tmpdir exits 2" [ $? -eq 2 ]
  check "$e: ... naming the table and the reason" sh -c "grep -q 'people: cannot keep the temporary copy' '$e.notmp.err'"
  check "$e: ... and never creates the target" not exists "$e" "${t}_notmp"

  # the copy cannot grow (the file size limit hits it part-way): exit 2, named, nothing written
  (trap '' XFSZ; ulimit -f 1000; M "${o[@]}" --no-scan --policy "$e.k5.yaml" --jobs 1 --table big -o "$e.k5.full.csv" "$url") 2>"$e.full.err"
  check "$e: a spool that cannot grow exits 2" [ $? -eq 2 ]
  check "$e: ... naming the table and the reason ($(head -c 200 "$e.full.err"))" \
    sh -c "grep -q 'big: cannot keep the temporary copy .*File too large' '$e.full.err'"
  check "$e: ... and writes no output" [ ! -e "$e.k5.full.csv" ]
  "$SHUAN" risk --suggest --qi 出生日期,性别 "${o[@]}" --table nosuch "$url" >/dev/null 2>"$e.sgm.err"
  check "$e: risk --suggest on a missing table exits 2" [ $? -eq 2 ]
  check "$e: ... naming it" grep -q "no table or view 'nosuch'" "$e.sgm.err"

  # -- encrypt into a table, unmask --table into another: the rows come back --
  M "${o[@]}" --no-scan --key-file k.key --action 身份证号=encrypt --action 可空=encrypt --table people --into "${t}_enc" "$url" 2>/dev/null
  "$SHUAN" unmask -q --key-file k.key "${o[@]}" --table "${t}_enc" --into "${t}_back" "$url" 2>"$e.um.err"
  check "$e: unmask --table --into exits 0 ($(head -c 200 "$e.um.err"))" [ $? -eq 0 ]
  check "$e: ... the encrypted table holds tokens, not the IDs" [ "$(dump "$e" "${t}_enc" | cut -d'|' -f4 | grep -c '^SM4:')" = 3000 ]
  dump "$e" "${t}_back" >"$e.back"
  check "$e: ... the decrypted table equals the source, NULL still NULL" cmp -s "$e.src" "$e.back"
  "$SHUAN" unmask -q --key-file k.key "${o[@]}" --table "${t}_enc" -o "$e.back.jsonl" "$url" 2>/dev/null
  # (the rows of a table without a key come in no set order: compared sorted)
  check "$e: unmask --table -o JSON Lines = the plain export" \
    [ "$(sort "$e.back.jsonl" | md5sum)" = "$(sort "$e.plain.jsonl" | md5sum)" ]
  "$SHUAN" keygen "$e.other.key" >/dev/null 2>&1
  "$SHUAN" unmask -q --key-file "$e.other.key" "${o[@]}" --table "${t}_enc" --into "${t}_wrong" "$url" 2>"$e.umk.err"
  check "$e: unmask --table with another key exits 2" [ $? -eq 2 ]
  check "$e: ... saying so" grep -q 'encrypted with another key' "$e.umk.err"
  check "$e: ... and leaves no table behind" not exists "$e" "${t}_wrong"
  "$SHUAN" unmask -q --key-file k.key "${o[@]}" --table nosuch -o "$e.nosuch.csv" "$url" 2>"$e.umn.err"
  check "$e: unmask on a missing table exits 2" [ $? -eq 2 ]
  check "$e: ... naming it, writing nothing" sh -c "grep -q \"no table or view 'nosuch'\" '$e.umn.err' && [ ! -e '$e.nosuch.csv' ]"

  # -- bad input: exit 2, named, nothing left behind --
  M "${o[@]}" --table people --into taken "$url" 2>"$e.exists.err"
  check "$e: --into an existing table exits 2" [ $? -eq 2 ]
  check "$e: ... saying it exists" grep -q 'taken already exists' "$e.exists.err"
  check "$e: ... and leaves it alone" [ "$(case $e in sqlite) python3 -c "import sqlite3; print(sqlite3.connect('app.db').execute('SELECT count(*) FROM taken').fetchone()[0])";; pg) PG_DB=mk pg_admin -A -t -c 'SELECT count(*) FROM taken';; my) my_admin -N -B -e 'SELECT count(*) FROM mk.taken';; esac)" = 1 ]
  M "${o[@]}" --table nosuch --into x_$e "$url" 2>"$e.missing.err"
  check "$e: a missing table exits 2" [ $? -eq 2 ]
  check "$e: ... naming it" grep -q "no table or view 'nosuch'" "$e.missing.err"
  M "${o[@]}" --action 不存在=redact --table people --into "${t}_bad" "$url" 2>"$e.col.err"
  check "$e: a policy column the table lacks exits 2" [ $? -eq 2 ]
  check "$e: ... naming the column and the table" sh -c "grep -q \"column '不存在' is not in\" '$e.col.err' && grep -q 'people' '$e.col.err'"
  check "$e: ... and never creates the target" not exists "$e" "${t}_bad"
  M "${o[@]}" --max-cell 1000 --jobs 1 --table big --into "${t}_long" "$url" 2>"$e.long.err"
  check "$e: a value longer than --max-cell part-way exits 2" [ $? -eq 2 ]
  check "$e: ... naming the table, row and column" grep -q 'big: row 19991: column 备注 has a value longer than --max-cell' "$e.long.err"
  check "$e: ... says the target was dropped" grep -q "was dropped" "$e.long.err"
  check "$e: ... and it is gone" not exists "$e" "${t}_long"
  check "$e: no message carries the password" not grep -qF "$PW" "$e".*.err
}

# ---- SQLite (a file path, and a sqlite:// URL) ----
run_engine sqlite "$D/app.db"
# an altered token in a table: unmask refuses it, names the row, never prints the token
python3 - <<'PY'
import sqlite3
c = sqlite3.connect("app.db")
c.execute('CREATE TABLE altered AS SELECT * FROM masked_sqlite_enc')
t = c.execute('SELECT "身份证号" FROM altered WHERE id = 7').fetchone()[0]
bad = t[:-3] + ("A" if t[-3] != "A" else "B") + t[-2:]
c.execute('UPDATE altered SET "身份证号" = ? WHERE id = 7', (bad,))
c.commit()
open("altered.token", "w").write(bad)
PY
"$SHUAN" unmask -q --key-file k.key --table altered --into altered_back "$D/app.db" 2>altered.err
check "sqlite: unmask of an altered token in a table exits 2" [ $? -eq 2 ]
check "... saying it cannot be decrypted" grep -q 'cannot be decrypted' altered.err
check "... without the token" not grep -qF "$(cat altered.token)" altered.err
check "... and leaves no table behind" not exists sqlite altered_back
# a table name with a newline: the suggested policy's comment stays one comment line
python3 -c "
import sqlite3; c = sqlite3.connect('app.db')
c.execute('CREATE TABLE \"two\nlines\" AS SELECT * FROM people'); c.commit()"
"$SHUAN" risk --suggest --date 2025-06-01 --qi 出生日期,性别,邮编 --k 5 --policy-out nl.yaml --table $'two\nlines' "$D/app.db" >/dev/null 2>nl.err
check "sqlite: --suggest on a table named with a newline ($(head -c 200 nl.err))" [ -s nl.yaml ]
check "... every line of the policy is a comment or YAML" sh -c "! grep -vE '^(#|version:|columns:|k_anonymity:|  )' nl.yaml"
check "... and the policy loads" sh -c "'$SHUAN' mask -q --no-scan --policy nl.yaml people.csv -o nl.csv"
M --table people --into via_url "sqlite://$D/app.db" 2>/dev/null
check "sqlite: sqlite:// URL works too" exists sqlite via_url
M --table people -o gone.csv "$D/nosuch.db" 2>nodb.err
check "sqlite: a missing database file exits 2" [ $? -eq 2 ]
check "... named" grep -q nosuch.db nodb.err
check "sqlite: a database URL without --table is refused" not "$SHUAN" mask "sqlite://$D/app.db" -o x.csv
check "sqlite: --into without --table is refused" not "$SHUAN" mask --into x people.csv

# ---- PostgreSQL and MariaDB ----
db_harness_init
pg_start
my_start
pg_admin -c "CREATE DATABASE mk" >/dev/null
PG_DB=mk pg_admin -f pg.sql >pgload.log 2>&1 || { cat pgload.log; exit 1; }
PG_DB=mk pg_admin -c "CREATE ROLE masker LOGIN PASSWORD '$PW'; GRANT USAGE, CREATE ON SCHEMA public TO masker; GRANT SELECT ON people, big, taken TO masker" >/dev/null
my_admin -e "CREATE DATABASE mk CHARACTER SET utf8mb4" || exit 1
my_admin mk <my.sql >myload.log 2>&1 || { cat myload.log; exit 1; }
my_admin -e "CREATE USER 'masker'@'%' IDENTIFIED BY '$PW'; GRANT SELECT, CREATE, INSERT, DROP ON mk.* TO 'masker'@'%'" || exit 1
PGURL="postgresql://masker@127.0.0.1:$PG_PORT/mk"
MYURL="mysql://masker@127.0.0.1:$MY_PORT/mk"
run_engine pg "$PGURL" --password-file pw
run_engine my "$MYURL" --password-file pw

"$SHUAN" risk --format text --qi 出生日期,性别 --password-file pw --table people "$PGURL" >risk.txt 2>&1
check "pg: risk text names the table, not the password" sh -c "grep -qF '$PGURL!people' risk.txt && ! grep -qF '$PW' risk.txt"
for e in pg my; do
  url=$PGURL; [ $e = my ] && url=$MYURL
  M --password-file wrong --table people --into never "$url" 2>"$e.pw.err" </dev/null
  check "$e: a wrong password exits 2" [ $? -eq 2 ]
  check "$e: ... names the server, not the password" sh -c "grep -qF '$url' '$e.pw.err' && ! grep -qF '$WRONG' '$e.pw.err'"
  "$SHUAN" risk --qi 性别 --password-file wrong --table people "$url" 2>"$e.rpw.err" >/dev/null </dev/null
  check "$e: risk with a wrong password exits 2" [ $? -eq 2 ]
  check "$e: ... without the password" sh -c "[ -s '$e.rpw.err' ] && ! grep -qF '$WRONG' '$e.rpw.err'"
done
M --table nosuch -o x.csv "postgresql://masker:$WRONG@127.0.0.1:$PG_PORT/mk" 2>pwurl.err
check "pg: a password in the URL never shows" sh -c "! grep -qF '$WRONG' pwurl.err && grep -q 'masker@127.0.0.1' pwurl.err"
DEAD=$(db_free_port)
M --table people --into never "postgresql://masker@127.0.0.1:$DEAD/mk" 2>dead.err </dev/null
check "unreachable server exits 2" [ $? -eq 2 ]
check "... naming it" grep -qF "postgresql://masker@127.0.0.1:$DEAD/mk" dead.err
M --table people --into never "mysql://masker@127.0.0.1:$DEAD/mk" 2>dead_my.err </dev/null
check "unreachable MySQL server exits 2" [ $? -eq 2 ]
check "... named" grep -qF "127.0.0.1:$DEAD" dead_my.err
finish
