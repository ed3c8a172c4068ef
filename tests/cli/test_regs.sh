#!/usr/bin/env bash
# Black-box tests of `shuan regs`. Env: SHUAN (binary), SHUAN_RULES, SRCDIR, TESTDIR.
# Every store is a fresh temporary directory, never the user's store.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
STORE="$TMP/store"
SEEDS="$TESTDIR/data/seeds"

# help
"$SHUAN" regs --help | grep -q 'ingest FILE' || fail "regs --help"
for sub in search show timeline digest ingest check; do
	"$SHUAN" regs $sub --help | grep -q "usage: shuan regs $sub" || fail "$sub --help"
done
"$SHUAN" regs frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown subcommand must exit 2"

# check: the bundled catalogue is clean
out=$("$SHUAN" regs check) || fail "regs check on bundled rules: $out"
echo "$out" | grep -q ' 0 dangling' || fail "check summary: $out"

# check on a rules dir with a dangling citation -> exit 1, names file and id
mkdir -p "$TMP/rules/detectors"
cp -r "$SRCDIR/rules/regs" "$TMP/rules/regs"
cp "$TESTDIR/data/rules-fixture/detectors/"*.yaml "$TMP/rules/detectors/"
out=$("$SHUAN" regs check --rules "$TMP/rules"); rc=$?
[ $rc -eq 1 ] || fail "dangling citation must exit 1 (got $rc)"
echo "$out" | grep -q "sample.yaml:.*sample_broken cites 'no-such-regulation'" || fail "dangling report: $out"
echo "$out" | grep -q '1 dangling' || fail "dangling count: $out"

# show: entry, relations, implemented-by from the fixture rules
out=$("$SHUAN" regs show gb-t-43697-2024 --rules "$TMP/rules" --no-store) || fail "show"
echo "$out" | grep -q 'GB/T 43697-2024' || fail "show doc number"
echo "$out" | grep -q '2024-03-21 (发布公告)' || fail "show keeps both dates"
echo "$out" | grep -q 'grading_profile_demo' || fail "show implemented by: $out"
out=$("$SHUAN" regs show tc260-pg-20244a --rules "$TMP/rules" --no-store)
echo "$out" | grep -q 'superseded_by *gb-t-45574-2025' || fail "show relations"
echo "$out" | grep -q 'cn_resident_id' || fail "show implemented by cn_resident_id"
echo "$out" | grep -q '\[UNVERIFIED\]' || fail "show unverified label"
"$SHUAN" regs show no-such-id --no-store >/dev/null 2>&1; [ $? -eq 2 ] || fail "show unknown id exits 2"

# search: Chinese, English, filters, json
"$SHUAN" regs search 敏感个人信息 --no-store | grep -q tc260-pg-20244a || fail "search chinese"
# synonyms and keywords (rules/regs/synonyms.yaml): 数据出境 finds 跨境 titles and the SCC measures
out=$("$SHUAN" regs search 数据出境 --no-store)
echo "$out" | grep -q cross-border-data-provisions-2024 || fail "search 数据出境 -> 促进和规范数据跨境流动规定"
echo "$out" | grep -q cac-standard-contract-measures-2023 || fail "search 数据出境 -> 个人信息出境标准合同办法"
"$SHUAN" regs search "incident" --no-store | grep -q miit-data-incident-plan-2024 || fail "search english"
out=$("$SHUAN" regs search 办法 --status 征求意见稿 --sector 金融 --no-store)
echo "$out" | grep -q banking-insurance-data-security-measures-draft-2024 || fail "search filters"
echo "$out" | grep -q 'banking-insurance-data-security-measures-2024 ' && fail "status filter leaked the final text"
"$SHUAN" regs search 数据分类分级 --format json --no-store | python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(e["id"]=="gb-t-43697-2024" for e in d)' \
	|| fail "search json"

out=$("$SHUAN" regs search 数据 出境 --no-store)
echo "$out" | grep -q cac-export-assessment-guide-2nd-2024 || fail "unquoted words form one query"
"$SHUAN" regs search x --format xml --no-store >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --format exits 2"

# timeline and digest
out=$("$SHUAN" regs timeline --year 2024 --sector 人工智能 --no-store)
echo "$out" | grep -q '^## 2024-01' || fail "timeline month header"
echo "$out" | grep -q 'aigc-labelling-measures-draft-2024' || fail "timeline entry"
# --format json is honoured by timeline too, as its --help says
"$SHUAN" regs timeline --year 2024 --sector 人工智能 --format json --no-store |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(e["id"]=="aigc-labelling-measures-draft-2024" for e in d)' ||
	fail "timeline json"
# every --help opens with a Chinese summary line under its usage
for sub in search show timeline digest ingest check; do
	"$SHUAN" regs "$sub" --help | head -n 3 | grep -qP '\p{Han}' || fail "regs $sub --help has a Chinese summary"
done
for cmd in scan detectors; do
	"$SHUAN" "$cmd" --help | head -n 3 | grep -qP '\p{Han}' || fail "$cmd --help has a Chinese summary"
done
echo "$out" | grep -q 'aigc-labelling-measures-2025' && fail "timeline --year leaked 2025"
"$SHUAN" regs digest --month 2024-11 --no-store | grep -q '## 金融' || fail "digest md"
"$SHUAN" regs digest --month 2024-11 --format html --no-store | grep -q '<h2>' || fail "digest html"
"$SHUAN" regs digest --no-store >/dev/null 2>&1; [ $? -eq 2 ] || fail "digest without --month exits 2"

# ingest: seeds all match the bundled catalogue
for f in "$SEEDS"/000_*.txt "$SEEDS"/003_*.txt; do
	out=$("$SHUAN" regs ingest --no-store "$f") || fail "ingest $f: $out"
	echo "$out" | tail -1 | grep -q '^0 new' || fail "ingest $f new: $(echo "$out" | tail -1)"
done
"$SHUAN" regs ingest --no-store "$SEEDS"/001_*.txt >/dev/null; [ $? -eq 1 ] || fail "001 has one conflict -> exit 1"

# json output parses and carries the hand-checked fields
"$SHUAN" regs ingest --no-store --format json "$SEEDS"/003_*.txt | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["new"] == 0 and d["conflicts"] == 0, d
c = [x for x in d["candidates"] if x["title"] == "上海市数据产品知识产权登记存证暂行办法"][0]
assert c["date"] == "2024-11-08" and c["effective"] == "2024-12-08", c
assert c["issuers"] == ["上海市知识产权局", "上海市数据局"], c
' || fail "ingest json"
"$SHUAN" regs show pipl --format json --no-store | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["id"]=="pipl" and d["level"]=="法律"' \
	|| fail "show json"

# ingest --apply into a fresh store, against a catalogue that lacks most entries
mkdir -p "$TMP/mini/regs"
cp "$SRCDIR/rules/regs/authorities.yaml" "$SRCDIR/rules/regs/ingest.yaml" "$SRCDIR/rules/regs/sources.yaml" "$TMP/mini/regs/"
cat > "$TMP/mini/regs/mini.yaml" <<'YAML'
entries:
  - id: pipl
    title: 中华人民共和国个人信息保护法
    status: 现行有效
    level: 法律
    sectors: [通用]
    summary: test
YAML
out=$("$SHUAN" regs ingest --rules "$TMP/mini" --store "$STORE" --apply "$SEEDS"/000_*.txt 2>"$TMP/err") || fail "apply: $out"
grep -q 'added 61 entries' "$TMP/err" || fail "apply count: $(cat "$TMP/err")"
[ -f "$STORE/shuan.db" ] || fail "store not created"
out=$("$SHUAN" regs ingest --rules "$TMP/mini" --store "$STORE" --apply "$SEEDS"/000_*.txt 2>"$TMP/err")
grep -q 'added 0 entries' "$TMP/err" || fail "apply is idempotent: $(cat "$TMP/err")"
echo "$out" | tail -1 | grep -q '^0 new, 61 matched' || fail "after apply all match: $(echo "$out" | tail -1)"
"$SHUAN" regs search 成都市数据条例 --rules "$TMP/mini" --store "$STORE" | grep -q 'ingested-' || fail "store entries searchable"
"$SHUAN" regs search 成都市数据条例 --rules "$TMP/mini" --no-store 2>/dev/null | grep -q 'ingested-' && fail "--no-store must hide store entries"
ls "$TMP/mini/regs" | grep -qv -e mini.yaml -e authorities.yaml -e ingest.yaml -e sources.yaml && fail "apply wrote into rules/regs"

# bad input
: > "$TMP/empty.md"
"$SHUAN" regs ingest --no-store "$TMP/empty.md" 2>"$TMP/err"; [ $? -eq 2 ] || fail "empty file exits 2"
grep -q 'empty' "$TMP/err" || fail "empty message"
head -c 2000 "$SHUAN" > "$TMP/bin.dat"
"$SHUAN" regs ingest --no-store "$TMP/bin.dat" 2>"$TMP/err"; [ $? -eq 2 ] || fail "binary exits 2"
grep -q 'binary' "$TMP/err" || fail "binary message"
printf '今天没有法规。\n' > "$TMP/none.md"
out=$("$SHUAN" regs ingest --no-store "$TMP/none.md" 2>"$TMP/err"); [ $? -eq 0 ] || fail "no titles is not an error exit"
grep -q 'no 《titles》' "$TMP/err" || fail "no titles message"
echo ok
