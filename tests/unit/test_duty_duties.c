/*
 * tests/unit/test_duty_duties.c - the periodic duties: which apply and
 * when they are due (the 10,000,000-person audit boundary, "超过" strict;
 * annual duties anchored on the last completion; draft rules labelled;
 * unknown facts; export-assessment extension windows; incident summaries
 * from the store), and the iCalendar writer checked against RFC 5545's
 * rules (CRLF, 75-octet folding without splitting UTF-8, UID and DTSTAMP,
 * escaped text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "duty_fixture.h"
#include "lib/duty/internal.h"
#include "lib/store/internal.h"
#include "shuan/duties.h"
#include "shuan/incident.h"

static shuan_org org_base(void)
{
	shuan_org o;
	memset(&o, 0, sizeof(o));
	o.name = "示例科技, \"Ltd\"; 测试";
	o.path = "org.yaml";
	o.pi_people = -1;
	o.important_data = o.large_platform = SHUAN_FACT_UNKNOWN;
	return o;
}

static const shuan_duty_item *item(const shuan_duties_result *r, const char *id)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (!strcmp(r->items[i].id, id))
			return &r->items[i];
	fail_msg("no duty %s", id);
	return NULL;
}

static void compute(const shuan_org *o, const char *as_of, shuan_duties_result *r, int want_rc)
{
	char err[512];
	shuan_time a = T(as_of);
	assert_int_equal(shuan_duties_compute(rules, o, NULL, NULL, &a, r, err, sizeof(err)), want_rc);
}

static void test_audit_boundary(void **state)
{
	shuan_org o = org_base();
	shuan_duties_result r;
	(void)state;
	/* exactly 10,000,000 is not "超过": periodic, no interval */
	o.pi_people = 10000000;
	compute(&o, "2025-06-01", &r, 0);
	assert_int_equal(item(&r, "pi_audit")->status, SHUAN_DUTY_NOT_APPLICABLE);
	assert_int_equal(item(&r, "pi_audit_periodic")->status, SHUAN_DUTY_STANDING);
	/* but the Art. 28 duties start at 10,000,000 ("以上") */
	assert_int_equal(item(&r, "data_security_officer")->status, SHUAN_DUTY_STANDING);
	shuan_duties_result_free(&r);
	o.pi_people = 9999999;
	compute(&o, "2025-06-01", &r, 0);
	assert_int_equal(item(&r, "data_security_officer")->status,
	                 SHUAN_DUTY_UNKNOWN); /* important data unknown */
	shuan_duties_result_free(&r);
	/* 10,000,001: every two years from the last audit */
	o.pi_people = 10000001;
	o.done[0].duty = "pi_audit";
	o.done[0].date = (shuan_date){2024, 5, 10};
	o.ndone = 1;
	compute(&o, "2025-06-01", &r, 0);
	assert_int_equal(item(&r, "pi_audit")->status, SHUAN_DUTY_DUE);
	assert_date_text(item(&r, "pi_audit")->due, "2026-05-10");
	assert_int_equal(item(&r, "pi_audit")->every_months, 24);
	shuan_duties_result_free(&r);
	compute(&o, "2026-05-11", &r, 0);
	assert_int_equal(item(&r, "pi_audit")->status, SHUAN_DUTY_OVERDUE);
	shuan_duties_result_free(&r);
	compute(&o, "2026-04-20", &r, 0);
	assert_int_equal(item(&r, "pi_audit")->status, SHUAN_DUTY_DUE_SOON);
	shuan_duties_result_free(&r);
	/* never done: due now */
	o.ndone = 0;
	compute(&o, "2025-06-01", &r, 0);
	assert_date_text(item(&r, "pi_audit")->due, "2025-06-01");
	shuan_duties_result_free(&r);
}

static void test_important_data_and_platforms(void **state)
{
	shuan_org o = org_base();
	shuan_duties_result r;
	(void)state;
	compute(&o, "2025-06-01", &r, 0);
	/* not known: unknown, never silently absent */
	assert_int_equal(item(&r, "important_data_risk_assessment")->status, SHUAN_DUTY_UNKNOWN);
	assert_int_equal(item(&r, "large_platform_report")->status, SHUAN_DUTY_UNKNOWN);
	assert_int_equal(item(&r, "pi_audit")->status, SHUAN_DUTY_UNKNOWN);
	shuan_duties_result_free(&r);
	o.important_data = 1;
	o.large_platform = 1;
	o.industry = "telecom";
	o.done[0].duty = "important_data_risk_assessment";
	o.done[0].date = (shuan_date){2025, 1, 15};
	o.ndone = 1;
	compute(&o, "2025-06-01", &r, 0);
	assert_int_equal(item(&r, "important_data_risk_assessment")->status, SHUAN_DUTY_DUE);
	assert_date_text(item(&r, "important_data_risk_assessment")->due, "2026-01-15");
	assert_non_null(strstr(item(&r, "important_data_risk_assessment")->basis.article, "第三十三条"));
	assert_int_not_equal(item(&r, "miit_risk_assessment")->status, SHUAN_DUTY_NOT_APPLICABLE);
	assert_int_not_equal(item(&r, "large_platform_report")->status, SHUAN_DUTY_NOT_APPLICABLE);
	assert_false(r.unverified); /* nothing draft applies */
	shuan_duties_result_free(&r);
	o.industry = "finance";
	compute(&o, "2025-06-01", &r, 0);
	assert_int_equal(item(&r, "miit_risk_assessment")->status, SHUAN_DUTY_NOT_APPLICABLE);
	shuan_duties_result_free(&r);
}

static void test_cii_draft_rules_labelled(void **state)
{
	shuan_org o = org_base();
	shuan_duties_result r;
	const shuan_duty_item *it;
	(void)state;
	o.ciio = true;
	o.done[0].duty = "cii_crypto_report";
	o.done[0].date = (shuan_date){2025, 1, 20};
	o.ndone = 1;
	compute(&o, "2025-06-01", &r, 0);
	it = item(&r, "cii_crypto_assessment");
	assert_true(it->basis.unverified);
	assert_true(r.unverified);
	it = item(&r, "cii_crypto_report");
	assert_true(it->basis.unverified);
	assert_date_text(it->due, "2026-01-31"); /* done for this year: next January */
	shuan_duties_result_free(&r);
	/* the report for last year missed */
	o.done[0].date = (shuan_date){2023, 1, 20};
	compute(&o, "2025-06-01", &r, 0);
	assert_int_equal(item(&r, "cii_crypto_report")->status, SHUAN_DUTY_OVERDUE);
	assert_date_text(item(&r, "cii_crypto_report")->due, "2025-01-31");
	shuan_duties_result_free(&r);
}

static void test_assessments(void **state)
{
	shuan_org o = org_base();
	shuan_duties_result r;
	const shuan_duty_item *it;
	(void)state;
	o.assessments[0].ref = "CAC-2023-7";
	o.assessments[0].issued = (shuan_date){2023, 3, 10};
	o.assessments[1].ref = "CAC-2025-1";
	o.assessments[1].issued = (shuan_date){2025, 3, 10};
	o.nassessments = 2;
	compute(&o, "2025-12-15", &r, 0);
	it = &r.items[0];
	for (size_t i = 0; i < r.nitems; i++)
		if (!strcmp(r.items[i].subject, "assessment CAC-2023-7"))
			it = &r.items[i];
	assert_string_equal(it->subject, "assessment CAC-2023-7");
	assert_true(it->has_window);
	assert_date_text(it->due, "2026-03-10");
	assert_date_text(it->window_opens, "2025-12-10");
	assert_int_equal(it->status, SHUAN_DUTY_DUE_SOON); /* the window is open */
	for (size_t i = 0; i < r.nitems; i++)
		if (!strcmp(r.items[i].subject, "assessment CAC-2025-1")) {
			/* 2028's holidays are not out: the expiry is known, the window pending */
			assert_false(r.items[i].has_window);
			assert_date_text(r.items[i].due, "2028-03-10");
			assert_non_null(strstr(r.items[i].detail, "not published yet"));
		}
	shuan_duties_result_free(&r);
	/* an expected year missing is an error naming it */
	o.assessments[0].issued = (shuan_date){2028, 3, 10};
	o.nassessments = 1;
	compute(&o, "2031-01-10", &r, SHUAN_ENOTFOUND);
	assert_non_null(strstr(r.error, "2031"));
	shuan_duties_result_free(&r);
}

static void test_unknown_done_id(void **state)
{
	shuan_org o = org_base();
	shuan_duties_result r;
	char err[512];
	shuan_time a = T("2025-06-01");
	(void)state;
	o.done[0].duty = "pi_audti";
	o.done[0].date = (shuan_date){2024, 1, 1};
	o.ndone = 1;
	assert_int_equal(shuan_duties_compute(rules, &o, NULL, NULL, &a, &r, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "'pi_audti'"));
	assert_non_null(strstr(err, "pi_audit"));
}

static void test_incident_summaries(void **state)
{
	char dir[] = "/tmp/shuan_dut_XXXXXX", err[1024], cmd[128];
	shuan_store *s = NULL;
	shuan_incident_facts f;
	shuan_org o = org_base();
	shuan_duties_result r;
	shuan_time now = T("2025-10-09T10:00+08:00"), at = T("2025-09-30T18:00+08:00");
	int64_t id;
	bool found = false;
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(shuan_store_open(&s, dir, err, sizeof(err)), 0);
	shuan_incident_facts_init(&f);
	f.has_discovered = true;
	f.discovered = T("2025-09-29T09:00+08:00");
	f.type = 2;
	f.data_grade = 2;
	f.domain = 1;
	f.regime = 0;
	f.pi_people = 30000000;
	f.title = "泄露";
	assert_int_equal(shuan_incident_create(s, &f, &now, &id, err, sizeof(err)), 0);
	assert_int_equal(shuan_incident_append(s, id, "response_ended", &at, NULL, &now, err, sizeof(err)),
	                 0);
	assert_int_equal(shuan_duties_compute(rules, &o, NULL, s, &now, &r, err, sizeof(err)), 0);
	for (size_t i = 0; i < r.nitems; i++)
		if (!strcmp(r.items[i].id, "incident_summary") && r.items[i].has_due) {
			assert_string_equal(r.items[i].subject, "incident #1 泄露");
			assert_date_text(r.items[i].due, "2025-10-14");
			assert_int_equal(r.items[i].status, SHUAN_DUTY_DUE_SOON);
			found = true;
		}
	assert_true(found);
	shuan_duties_result_free(&r);
	shuan_store_free(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The latest inventory supplies the people count when the profile is silent;
 * its important-data candidates are mentioned, never counted as important data. */
static void test_inventory_fallback(void **state)
{
	char dir[] = "/tmp/shuan_inv_XXXXXX", err[1024], cmd[128];
	shuan_store *s = NULL;
	shuan_duties_inventory inv;
	shuan_org o = org_base();
	shuan_duties_result r;
	shuan_time a = T("2025-06-01");
	sqlite3 *db;
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(shuan_store_open(&s, dir, err, sizeof(err)), 0);
	/* a store without an inventory */
	assert_int_equal(shuan_duties_inventory_latest(s, &inv), SHUAN_ENOTFOUND);
	/* the inventory's tables (migration 4) as `shuan inventory` writes them */
	db = shuan_store__db(s);
	assert_int_equal(
	    sqlite3_exec(
	        db,
	        "CREATE TABLE IF NOT EXISTS inventory_runs(id INTEGER PRIMARY KEY, started TEXT, finished "
	        "TEXT,"
	        " shuan_version TEXT, profile TEXT, profile_unverified INTEGER, sampling TEXT,"
	        " people_distinct INTEGER, people_sensitive INTEGER, people_minors INTEGER,"
	        " people_exact INTEGER, people_error_bound REAL, errors INTEGER);"
	        "CREATE TABLE IF NOT EXISTS inventory_sources(run_id INTEGER, source TEXT, kind TEXT,"
	        " tables INTEGER, rows_read INTEGER, sampled INTEGER, errors TEXT, people_distinct INTEGER,"
	        " people_sensitive INTEGER, people_minors INTEGER, people_exact INTEGER,"
	        " people_error_bound REAL, important_candidate INTEGER, reasons TEXT, people_state BLOB,"
	        " PRIMARY KEY(run_id, source));",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(shuan_duties_inventory_latest(s, &inv), SHUAN_ENOTFOUND);
	assert_int_equal(
	    sqlite3_exec(db,
	                 "INSERT INTO inventory_runs(id, finished, sampling, people_distinct, people_exact)"
	                 " VALUES(1, '2025-01-01T00:00:00Z', 'full', 500, 1), (2, '2025-05-01T00:00:00Z', "
	                 "'full', 15000000, 1);"
	                 "INSERT INTO inventory_sources(run_id, source, important_candidate)"
	                 " VALUES(2, 'postgresql://db/crm', 1), (2, 'logs/', 0);",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(shuan_duties_inventory_latest(s, &inv), 0);
	assert_int_equal(inv.pi_people, 15000000);
	assert_int_equal(inv.important_candidates, 1);
	assert_non_null(strstr(inv.run, "inventory #2"));
	assert_int_equal(shuan_duties_compute(rules, &o, &inv, s, &a, &r, err, sizeof(err)), 0);
	assert_string_equal(r.pi_people_source, "inventory");
	assert_int_equal(item(&r, "pi_audit")->status, SHUAN_DUTY_DUE_SOON); /* never done: due now */
	assert_int_equal(item(&r, "important_data_risk_assessment")->status, SHUAN_DUTY_UNKNOWN);
	assert_non_null(
	    strstr(item(&r, "important_data_risk_assessment")->detail, "1 important-data candidates"));
	shuan_duties_result_free(&r);
	/* the profile's own figure wins */
	o.pi_people = 100;
	assert_int_equal(shuan_duties_compute(rules, &o, &inv, s, &a, &r, err, sizeof(err)), 0);
	assert_string_equal(r.pi_people_source, "profile");
	assert_int_equal(item(&r, "pi_audit")->status, SHUAN_DUTY_NOT_APPLICABLE);
	shuan_duties_result_free(&r);
	shuan_store_free(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A strict reading of the iCalendar text: returns the number of VEVENTs. */
static int check_ics(const char *text, size_t len)
{
	char logical[8192];
	size_t ll = 0, events = 0, depth = 0;
	bool in_event = false, uid = false, stamp = false, start = false;
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && text[e] != '\r' && text[e] != '\n')
			e++;
		/* every line ends with CRLF, never a bare LF */
		assert_true(e + 1 < len + 1 && text[e] == '\r' && text[e + 1] == '\n');
		/* at most 75 octets, and a fold never splits a UTF-8 sequence */
		assert_true(e - i <= 75);
		if (e + 2 < len && text[e + 2] == ' ')
			assert_true(((unsigned char)text[e + 3] & 0xC0) != 0x80);
		if (text[i] == ' ') {
			memcpy(logical + ll, text + i + 1, e - i - 1);
			ll += e - i - 1;
		} else {
			memcpy(logical + ll, text + i, e - i);
			ll += e - i;
		}
		i = e + 2;
		if (i < len && text[i] == ' ')
			continue; /* the logical line goes on */
		logical[ll] = '\0';
		ll = 0;
		if (!strcmp(logical, "BEGIN:VCALENDAR") || !strcmp(logical, "BEGIN:VEVENT")) {
			depth++;
			if (!strcmp(logical, "BEGIN:VEVENT")) {
				in_event = true;
				uid = stamp = start = false;
			}
		} else if (!strcmp(logical, "END:VEVENT")) {
			assert_true(in_event && uid && stamp && start);
			in_event = false;
			events++;
			depth--;
		} else if (!strcmp(logical, "END:VCALENDAR")) {
			depth--;
		} else if (in_event) {
			if (!strncmp(logical, "UID:", 4))
				uid = strlen(logical) > 10;
			if (!strncmp(logical, "DTSTAMP:", 8))
				stamp = strlen(logical) == 8 + 16 && logical[8 + 15] == 'Z';
			if (!strncmp(logical, "DTSTART;VALUE=DATE:", 19))
				start = strlen(logical) == 19 + 8;
			/* TEXT values: no unescaped comma or semicolon */
			if (!strncmp(logical, "SUMMARY:", 8) || !strncmp(logical, "DESCRIPTION:", 12))
				for (const char *p = strchr(logical, ':') + 1; *p; p++) {
					if (*p == '\\') {
						p++;
						assert_non_null(strchr("\\;,nN", *p));
					} else {
						assert_true(*p != ',' && *p != ';');
					}
				}
		}
	}
	assert_int_equal(depth, 0);
	return (int)events;
}

static void test_ics(void **state)
{
	shuan_org o = org_base();
	shuan_duties_result r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	(void)state;
	o.pi_people = 20000000;
	o.ciio = true;
	o.important_data = 1;
	o.assessments[0].ref = "CAC-2023-7";
	o.assessments[0].issued = (shuan_date){2023, 3, 10};
	o.nassessments = 1;
	compute(&o, "2025-06-01", &r, 0);
	assert_non_null(f = open_memstream(&buf, &len));
	assert_int_equal(shuan_duties_write_ics(f, &r), 0);
	fclose(f);
	/* audit, risk assessment, crypto assessment and report, assessment expiry + window */
	assert_int_equal(check_ics(buf, len), 6);
	assert_non_null(strstr(buf, "DTSTAMP:20250531T160000Z\r\n"));
	assert_non_null(strstr(buf, "RRULE:FREQ=YEARLY;INTERVAL=2\r\n"));
	assert_non_null(strstr(buf, "SUMMARY:[UNVERIFIED] "));
	assert_non_null(strstr(buf, "X-WR-CALNAME:shuan duties - 示例科技\\, \"Ltd\"\\; 测试\r\n"));
	/* the same run writes the same file (UIDs do not depend on the time) */
	{
		char *buf2 = NULL;
		size_t len2 = 0;
		FILE *f2 = open_memstream(&buf2, &len2);
		shuan_duties_write_ics(f2, &r);
		fclose(f2);
		assert_int_equal(len, len2);
		assert_memory_equal(buf, buf2, len);
		free(buf2);
	}
	free(buf);
	shuan_duties_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_audit_boundary),
	    cmocka_unit_test(test_important_data_and_platforms),
	    cmocka_unit_test(test_cii_draft_rules_labelled),
	    cmocka_unit_test(test_assessments),
	    cmocka_unit_test(test_unknown_done_id),
	    cmocka_unit_test(test_incident_summaries),
	    cmocka_unit_test(test_inventory_fallback),
	    cmocka_unit_test(test_ics),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
