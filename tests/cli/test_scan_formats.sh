#!/usr/bin/env bash
# Black-box: output formats, masking, field names, exit codes, SARIF shape.
. "$(dirname "$0")/lib.sh"
D="$WORK/data"; mkdir -p "$D"
printf '姓名,手机,身份证号,银行卡号\n张伟,13812345678,11010519491231002X,6217000000000000004\n' > "$D/people.csv"
printf '{"user":{"email":"zhang.wei@example.com","tel":"13912345678"}}\n' > "$D/app.jsonl"
printf 'nothing personal here: order 20241108000123 at 2024-11-08 10:00:00\n' > "$D/clean.log"
RAW="13812345678 11010519491231002X 6217000000000000004 zhang.wei@example.com 13912345678"
S="$SHUAN scan --no-store --date 2026-11-22"

# every format, masked by default: no raw value anywhere in stdout or stderr
for fmt in text jsonl json sarif csv; do
  $S --format "$fmt" "$D" >"$WORK/out.$fmt" 2>"$WORK/err.$fmt"; rc=$?
  check "$fmt exits 1 on findings" [ "$rc" -eq 1 ]
  for v in $RAW; do
    check "$fmt masks $v" lacks "$WORK/out.$fmt" "$v"
    check "$fmt stderr masks $v" lacks "$WORK/err.$fmt" "$v"
  done
done
check "masked id evidence" contains "$WORK/out.jsonl" '"evidence":"1101**********002X"'
check "masked mobile evidence" contains "$WORK/out.jsonl" '"evidence":"138****5678"'
check "masked email evidence" contains "$WORK/out.jsonl" '"evidence":"z***@example.com"'
check "text shows Chinese labels" contains "$WORK/out.text" "居民身份证号"

# JSONL: one summary last, finding count agrees, field names
n=$(jq -s '[.[] | select(.type=="finding")] | length' "$WORK/out.jsonl")
check "jsonl summary last" [ "$(tail -n1 "$WORK/out.jsonl" | jq -r .type)" = summary ]
check "jsonl count matches summary" [ "$n" = "$(tail -n1 "$WORK/out.jsonl" | jq .findings)" ]
check "csv column as field" [ "$(jq -r 'select(.detector=="cn_mobile" and (.path|endswith("people.csv"))) | .field' "$WORK/out.jsonl")" = "手机" ]
check "json key path as field" [ "$(jq -r 'select(.detector=="email") | .field' "$WORK/out.jsonl")" = "user.email" ]
check "bank card is sensitive" [ "$(jq -r 'select(.detector=="bank_card") | .sensitive' "$WORK/out.jsonl")" = true ]
check "bare id number is not sensitive" [ "$(jq -r 'select(.detector=="cn_resident_id") | .sensitive' "$WORK/out.jsonl")" = false ]
check "finding cites rules" [ "$(jq -r 'select(.detector=="cn_resident_id") | .rule.cites | length' "$WORK/out.jsonl")" -ge 1 ]
check "offset and length are bytes as stored" [ "$(jq -r 'select(.detector=="cn_resident_id") | "\(.offset) \(.length)"' "$WORK/out.jsonl")" = "59 18" ]
check "summary counts files" [ "$(tail -n1 "$WORK/out.jsonl" | jq .inputs.scanned)" = 3 ]
check "summary has distinct per detector" [ "$(tail -n1 "$WORK/out.jsonl" | jq '[.by_detector[] | select(.detector=="cn_mobile")][0].distinct')" = 2 ]

# JSON document parses and holds the same findings
check "json parses" jqt '.schema_version == "2.1" and (.findings | length) == '"$n" "$WORK/out.json"

# SARIF 2.1.0 as GitHub code scanning reads it
check "sarif version" jqt '.version == "2.1.0" and (."$schema" | test("sarif"))' "$WORK/out.sarif"
check "sarif driver" jqt '.runs[0].tool.driver.name == "shuan" and (.runs[0].tool.driver.rules | length) >= 19' "$WORK/out.sarif"
check "sarif results" jqt '(.runs[0].results | length) == '"$n"' and all(.runs[0].results[]; .message.text != "" and .locations[0].physicalLocation.region.startLine >= 1 and (.locations[0].physicalLocation.artifactLocation.uri | startswith("file:///")))' "$WORK/out.sarif"
(cd "$D" && $S --format sarif people.csv >"$WORK/rel.sarif" 2>/dev/null)
check "sarif relative uri" jqt '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri == "people.csv"' "$WORK/rel.sarif"
check "sarif ruleIndex consistent" jqt '.runs[0] as $r | all($r.results[]; $r.tool.driver.rules[.ruleIndex].id == .ruleId)' "$WORK/out.sarif"
check "sarif levels" jqt 'all(.runs[0].results[]; .level == "error" or .level == "warning")' "$WORK/out.sarif"

# CSV header
check "csv starts with a UTF-8 BOM (Chinese Excel)" [ "$(head -c3 "$WORK/out.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
check "csv header" [ "$(head -n1 "$WORK/out.csv" | sed 's/^\xef\xbb\xbf//')" = "path,line,column,offset,length,detector,label,pi_category,sensitive,spi_category,confidence,field,location,evidence,fingerprint,row" ]
$S --format csv --no-bom "$D/people.csv" >"$WORK/nobom.csv" 2>/dev/null
check "csv --no-bom" [ "$(head -c4 "$WORK/nobom.csv")" = path ]

# --reveal shows values, with a value field
$S --reveal --format jsonl "$D/people.csv" >"$WORK/rev.jsonl" 2>/dev/null
check "reveal shows raw value" contains "$WORK/rev.jsonl" '"value":"11010519491231002X"'
check "reveal shows birth date" contains "$WORK/rev.jsonl" '"birth_date":"1949-12-31"'
check "no birth date without reveal" lacks "$WORK/out.jsonl" 'birth_date'

# exit codes
expect_rc 0 "clean input exits 0" $S "$D/clean.log"
expect_rc 1 "findings exit 1" $S "$D/people.csv"
expect_rc 0 "--fail-on none" $S --fail-on none "$D/people.csv"
expect_rc 0 "--fail-on sensitive without sensitive" $S --fail-on sensitive --detectors cn_mobile "$D/people.csv"
expect_rc 1 "--fail-on sensitive with a card" $S --fail-on sensitive "$D/people.csv"
expect_rc 2 "unknown option" $S --bogus "$D"
expect_rc 2 "unknown format" $S --format xml "$D"
expect_rc 2 "unknown detector" $S --detectors nope "$D"
expect_rc 2 "missing path" $S "$D/does-not-exist"
expect_rc 0 "help" $SHUAN scan --help

# detector selection
$S --detectors cn_mobile --format jsonl "$D" >"$WORK/sel.jsonl" 2>/dev/null
check "only selected detector" [ "$(jq -r 'select(.type=="finding") | .detector' "$WORK/sel.jsonl" | sort -u)" = cn_mobile ]
$S --exclude-detectors cn_mobile,email --format jsonl "$D" >"$WORK/ex.jsonl" 2>/dev/null
check "excluded detectors absent" lacks "$WORK/ex.jsonl" '"detector":"cn_mobile"'

# stdin
printf '手机 13812345678\n' | $S --format jsonl >"$WORK/stdin.jsonl" 2>/dev/null
check "stdin path is -" [ "$(jq -r 'select(.type=="finding") | .path' "$WORK/stdin.jsonl")" = "-" ]

# include / exclude globs
$S --include '*.csv' --format jsonl "$D" >"$WORK/inc.jsonl" 2>/dev/null
check "include glob" [ "$(tail -n1 "$WORK/inc.jsonl" | jq .inputs.scanned)" = 1 ]
$S --exclude '*.csv' --format jsonl "$D" >"$WORK/exc.jsonl" 2>/dev/null
check "exclude glob" [ "$(tail -n1 "$WORK/exc.jsonl" | jq .inputs.scanned)" = 2 ]

# --input-format forces a format: a .dat file holding CSV gets field names
cp "$D/people.csv" "$WORK/export.dat"
$S --format jsonl "$WORK/export.dat" >"$WORK/dat1.jsonl" 2>/dev/null
$S --input-format text --format jsonl "$WORK/export.dat" >"$WORK/dat2.jsonl" 2>/dev/null
check "auto detects CSV content" [ "$(jq -r 'select(.detector=="cn_mobile") | .field' "$WORK/dat1.jsonl")" = "手机" ]
check "forced text has no fields" [ "$(jq -r 'select(.detector=="cn_mobile") | .field' "$WORK/dat2.jsonl")" = null ]

# --format summary prints only the counts
$S --format summary "$D" >"$WORK/sum.json" 2>/dev/null
check "summary only" [ "$(wc -l < "$WORK/sum.json")" = 1 ]
check "summary counts" jqt '.type == "summary" and .findings > 0' "$WORK/sum.json"

# --out writes the file
$S --format json --out "$WORK/o.json" "$D" 2>/dev/null
check "--out file" jqt '.findings | length > 0' "$WORK/o.json"
finish
