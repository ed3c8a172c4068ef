#!/usr/bin/env bash
# Black-box tests of `shuan duties`: what applies with due dates, recurrence and citations, unknown
# facts, the draft CII rule labelled, exit 1 when something is overdue, the store's incidents, bad
# profiles (exit 2, naming the key), and the iCalendar file read back by a strict RFC 5545 check.
# Env: SHUAN (binary), SHUAN_RULES, TESTDIR.
. "$(dirname "$0")/lib.sh"
export SHUAN_STORE="$WORK/store"
D="$WORK/d"
mkdir -p "$D"
U() { "$SHUAN" duties "$@"; }

cat > "$D/org.yaml" <<'EOF'
name: 示例科技有限公司, "Shili"; 测试
ciio: true
industry: telecom
pi_people: 12000000
important_data: true
large_platform: false
last_audit: 2024-05-10
done:
  important_data_risk_assessment: 2025-01-15
  cii_crypto_report: 2025-01-20
assessments:
  - {ref: CAC-2023-0007, issued: 2023-03-10}
EOF
U --org "$D/org.yaml" --as-of 2025-06-01 -f json --ics "$D/d.ics" > "$D/d.json"; rc=$?
check "nothing overdue: exit 0" test "$rc" -eq 0
check "json: audit every two years from the last" jqt '[.duties[] | select(.id == "pi_audit")][0] | .status == "due" and .due == "2026-05-10" and .recurrence == "every 2 years" and .rule == "duties.pi_audit"' "$D/d.json"
check "json: risk assessment, Art. 33" jqt '[.duties[] | select(.id == "important_data_risk_assessment")][0] | .due == "2026-01-15" and (.article | test("第三十三条"))' "$D/d.json"
check "json: the draft CII rule labelled" jqt '[.duties[] | select(.id == "cii_crypto_assessment")][0].unverified == true and .unverified == true' "$D/d.json"
check "json: CII report next January" jqt '[.duties[] | select(.id == "cii_crypto_report")][0].due == "2026-01-31"' "$D/d.json"
check "json: assessment expiry and window" jqt '[.duties[] | select(.id == "xborder_assessment")][0] | .due == "2026-03-10" and .window_opens == "2025-12-10"' "$D/d.json"
check "json: large platform not applicable" jqt '[.duties[] | select(.id == "large_platform_report")][0].status == "not_applicable"' "$D/d.json"
check "json: provision records standing" jqt '[.duties[] | select(.id == "provision_records")][0].status == "standing"' "$D/d.json"
U --org "$D/org.yaml" --as-of 2025-06-01 > "$D/d.txt"
check "text: [UNVERIFIED] visible" contains "$D/d.txt" "[UNVERIFIED]"
check "text: not applicable section" contains "$D/d.txt" "not applicable:"
U --org "$D/org.yaml" --as-of 2025-06-01 -f md > "$D/d.md"
check "md: table" contains "$D/d.md" "| Status | Due | Recurrence | Duty | Detail | Basis |"

# the iCalendar file, read back strictly
python3 - "$D/d.ics" <<'EOF' && ok || bad "ics does not pass the RFC 5545 check"
import re, sys
data = open(sys.argv[1], 'rb').read()
assert data.endswith(b'\r\n'), 'ends with CRLF'
assert b'\n' not in data.replace(b'\r\n', b''), 'bare LF'
phys = data.split(b'\r\n')[:-1]
for p in phys:
    assert len(p) <= 75, ('longer than 75 octets', len(p))
    p.decode('utf-8')  # a fold never splits a UTF-8 sequence
lines = []
for p in phys:
    if p.startswith(b' '): lines[-1] += p[1:]
    else: lines.append(p)
lines = [l.decode('utf-8') for l in lines]
assert lines[0] == 'BEGIN:VCALENDAR' and lines[-1] == 'END:VCALENDAR'
assert 'VERSION:2.0' in lines and any(l.startswith('PRODID:') for l in lines)
events, cur, stack = [], None, []
for l in lines:
    name = re.match(r'[A-Z-]+', l).group(0)
    if l.startswith('BEGIN:'): stack.append(l[6:]); cur = {} if l == 'BEGIN:VEVENT' else cur; continue
    if l.startswith('END:'):
        assert stack.pop() == l[4:], 'nesting'
        if l == 'END:VEVENT': events.append(cur); cur = None
        continue
    if cur is not None: cur.setdefault(name, []).append(l)
    if name in ('SUMMARY', 'DESCRIPTION', 'X-WR-CALNAME'):
        v = l.split(':', 1)[1]
        assert not re.search(r'(?<!\\)[,;]', re.sub(r'\\\\', '', v)), ('unescaped', v)
        assert not re.search(r'\\[^\\;,nN]', v), ('bad escape', v)
assert not stack
uids = set()
for e in events:
    for k in ('UID', 'DTSTAMP', 'DTSTART', 'SUMMARY'): assert k in e, (k, e)
    assert re.fullmatch(r'DTSTAMP:\d{8}T\d{6}Z', e['DTSTAMP'][0])
    assert re.fullmatch(r'DTSTART;VALUE=DATE:\d{8}', e['DTSTART'][0])
    uids.add(e['UID'][0])
assert len(uids) == len(events), 'UIDs unique'
assert len(events) == 7, len(events)  # audit, risk (Art. 33), MIIT risk, CII crypto x2, expiry, window
starts = sorted(e['DTSTART'][0][-8:] for e in events)
assert '20260510' in starts and '20251210' in starts and '20260310' in starts, starts
assert any(e.get('RRULE') == ['RRULE:FREQ=YEARLY;INTERVAL=2'] for e in events)
assert any('[UNVERIFIED]' in e['SUMMARY'][0] for e in events)
cal = [l for l in lines if l.startswith('X-WR-CALNAME:')][0]
assert '示例科技有限公司\\, "Shili"\\; 测试' in cal, cal
EOF
U --org "$D/org.yaml" --as-of 2025-06-01 --ics "$D/d2.ics" > /dev/null
check "the same run writes the same file" cmp -s "$D/d.ics" "$D/d2.ics"

# overdue: exit 1
U --org "$D/org.yaml" --as-of 2026-06-01 > "$D/o.txt"; rc=$?
check "overdue: exit 1" test "$rc" -eq 1
check "overdue shown" contains "$D/o.txt" "OVERDUE"

# unknown facts: UNKNOWN, never silently absent
printf 'name: X\nciio: false\n' > "$D/min.yaml"
U --org "$D/min.yaml" --as-of 2025-06-01 -f json --no-store > "$D/m.json"
check "unknown facts" jqt '[.duties[] | select(.id == "pi_audit" or .id == "important_data_risk_assessment" or .id == "large_platform_report")] | all(.status == "unknown")' "$D/m.json"
check "pi_people unknown" jqt '.pi_people == null' "$D/m.json"

# incidents in the store give their summary reports
"$SHUAN" incident new --discovered 2025-09-29T09:00+08:00 --type leak --data-grade general --pi-people 30000000 \
  --domain telecom --regime miit --title 泄露 --as-of 2025-09-29T10:00+08:00 > /dev/null
"$SHUAN" incident update 1 --event response_ended --at 2025-09-30T18:00+08:00 --as-of 2025-10-09 > /dev/null
U --org "$D/min.yaml" --as-of 2025-10-09 -f json > "$D/i.json"
check "incident summary due" jqt '[.duties[] | select(.id == "incident_summary" and .due != null)][0] | .due == "2025-10-14" and .subject == "incident #1 泄露" and .status == "due_soon"' "$D/i.json"

# bad input: exit 2 naming the key
printf 'name: X\nciio: false\npi_poeple: 5\n' > "$D/bad.yaml"
U --org "$D/bad.yaml" 2> "$D/err" > /dev/null; rc=$?
check "misspelt key: exit 2" test "$rc" -eq 2
check "misspelt key named" grep -q "unknown key 'pi_poeple'" "$D/err"
printf 'name: X\nciio: false\ndone: {pi_audti: 2024-01-01}\n' > "$D/bad2.yaml"
U --org "$D/bad2.yaml" 2> "$D/err" > /dev/null; rc=$?
check "unknown duty id: exit 2" test "$rc" -eq 2
check "unknown duty id named" grep -q "unknown duty 'pi_audti'" "$D/err"
printf 'name: X\nciio: false\npi_people: -1\n' > "$D/bad3.yaml"
expect_rc 2 "negative pi_people" U --org "$D/bad3.yaml"
printf 'name: X\nciio: false\nlast_audit: 2024-13-01\n' > "$D/bad4.yaml"
expect_rc 2 "bad date" U --org "$D/bad4.yaml"
expect_rc 2 "no --org" U
expect_rc 2 "unwritable --ics" U --org "$D/min.yaml" --ics /nonexistent/dir/x.ics
# a missing calendar year that should be there: exit 2 naming it
mkdir -p "$WORK/rules/calendar"; cp -r "$SHUAN_RULES/duty" "$WORK/rules/"
cp "$SHUAN_RULES"/calendar/cn-2025.yaml "$WORK/rules/calendar/"
U --org "$D/org.yaml" --as-of 2026-02-01 --rules "$WORK/rules" --no-store > /dev/null 2> "$D/err"; rc=$?
check "missing calendar year: exit 2" test "$rc" -eq 2
check "missing year named" grep -q "no working-day calendar for 2026" "$D/err"

U --help > "$D/help"
for opt in --org --ics --as-of --format --store --no-store --rules --color; do
  check "help lists $opt" grep -q -- "$opt" "$D/help"
done
check "help: exit codes" grep -q "0 ok, 1 a duty is overdue" "$D/help"
finish
