/*
 * tests/unit/test_duty_incident.c - incident grading and deadlines: every
 * criterion at every level boundary (highest matched wins), the response
 * level and warning colour, minute deadlines in the discovery's zone,
 * working-day deadlines across weekends, holidays and exchange days, a
 * missing calendar year, the CAC regime and its effective date, bad facts,
 * and stored incidents: an append-only timeline that completes steps and
 * adjusts the level.
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
#include "shuan/incident.h"
#include "shuan/store.h"

static shuan_incident_grade g;

/* Facts of a general-data leak in the telecom domain under the MIIT plan. */
static shuan_incident_facts base(void)
{
	shuan_incident_facts f;
	shuan_incident_facts_init(&f);
	f.has_discovered = true;
	f.discovered = T("2025-03-03T09:00+08:00");
	f.type = 2;       /* leak */
	f.data_grade = 2; /* general */
	f.threat = 3;     /* some */
	f.domain = 1;     /* telecom */
	f.role = 0;       /* processor */
	f.regime = 0;     /* miit */
	return f;
}

static int grade(const shuan_incident_facts *f, const char *as_of)
{
	char err[512];
	shuan_time a = T(as_of);
	return shuan_incident_grade_facts(rules, f, NULL, 0, &a, &g, err, sizeof(err));
}

static const shuan_incident_criterion *criterion(const char *rule)
{
	for (size_t i = 0; i < g.ncriteria; i++)
		if (!strcmp(g.criteria[i].rule, rule))
			return &g.criteria[i];
	return NULL;
}

static const shuan_incident_deadline *deadline(const char *regime, const char *step)
{
	for (size_t i = 0; i < g.ndeadlines; i++)
		if (!strcmp(g.deadlines[i].step, step) && !strcmp(g.deadlines[i].regime, regime))
			return &g.deadlines[i];
	return NULL;
}

typedef struct icase {
	int64_t pi, spi;
	double loss, hours;
	int domain;
	shuan_incident_level want;
	const char *rule; /* the criterion that sets the level (NULL: the default) */
} icase;

static void run_cases(const icase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		shuan_incident_facts f = base();
		f.pi_people = cases[i].pi;
		f.spi_people = cases[i].spi;
		f.loss_cny = cases[i].loss;
		f.outage_hours = cases[i].hours;
		f.domain = cases[i].domain;
		assert_int_equal(grade(&f, "2025-03-03T09:05+08:00"), 0);
		if (g.level != cases[i].want)
			fail_msg("case %zu: %s, want %s", i, shuan_incident_level_name(g.level),
			         shuan_incident_level_name(cases[i].want));
		if (cases[i].rule) {
			const shuan_incident_criterion *c = criterion(cases[i].rule);
			if (!c || c->level != cases[i].want)
				fail_msg("case %zu: criterion %s %s", i, cases[i].rule,
				         c ? "at another level" : "not matched");
		}
	}
}

static void test_people_boundaries(void **state)
{
	static const icase cases[] = {
	    {999999, 0, -1, -1, 1, SHUAN_INCIDENT_GENERAL, NULL},
	    {1000000, 0, -1, -1, 1, SHUAN_INCIDENT_SIGNIFICANT, "miit.people"},
	    {9999999, 0, -1, -1, 1, SHUAN_INCIDENT_SIGNIFICANT, "miit.people"},
	    {10000000, 0, -1, -1, 1, SHUAN_INCIDENT_MAJOR, "miit.people"},
	    {99999999, 0, -1, -1, 1, SHUAN_INCIDENT_MAJOR, "miit.people"},
	    {100000000, 0, -1, -1, 1, SHUAN_INCIDENT_EXTRAORDINARY, "miit.people"},
	    {99999, 99999, -1, -1, 1, SHUAN_INCIDENT_GENERAL, NULL},
	    {100000, 100000, -1, -1, 1, SHUAN_INCIDENT_SIGNIFICANT, "miit.people"},
	    {999999, 999999, -1, -1, 1, SHUAN_INCIDENT_SIGNIFICANT, "miit.people"},
	    {1000000, 1000000, -1, -1, 1, SHUAN_INCIDENT_MAJOR, "miit.people"},
	    {9999999, 9999999, -1, -1, 1, SHUAN_INCIDENT_MAJOR, "miit.people"},
	    {10000000, 10000000, -1, -1, 1, SHUAN_INCIDENT_EXTRAORDINARY, "miit.people"},
	};
	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_loss_boundaries(void **state)
{
	static const icase cases[] = {
	    {-1, -1, 49999999, -1, 1, SHUAN_INCIDENT_GENERAL, NULL},
	    {-1, -1, 50000000, -1, 1, SHUAN_INCIDENT_SIGNIFICANT, "miit.loss"},
	    {-1, -1, 99999999, -1, 1, SHUAN_INCIDENT_SIGNIFICANT, "miit.loss"},
	    {-1, -1, 100000000, -1, 1, SHUAN_INCIDENT_MAJOR, "miit.loss"},
	    {-1, -1, 999999999, -1, 1, SHUAN_INCIDENT_MAJOR, "miit.loss"},
	    {-1, -1, 1000000000, -1, 1, SHUAN_INCIDENT_EXTRAORDINARY, "miit.loss"},
	};
	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_outage_boundaries(void **state)
{
	static const icase cases[] = {
	    {-1, -1, -1, 7.9, 1, SHUAN_INCIDENT_GENERAL, NULL},
	    {-1, -1, -1, 8, 1, SHUAN_INCIDENT_SIGNIFICANT, "miit.telecom_outage"},
	    {-1, -1, -1, 11.99, 1, SHUAN_INCIDENT_SIGNIFICANT, "miit.telecom_outage"},
	    {-1, -1, -1, 12, 1, SHUAN_INCIDENT_MAJOR, "miit.telecom_outage"},
	    {-1, -1, -1, 23.5, 1, SHUAN_INCIDENT_MAJOR, "miit.telecom_outage"},
	    {-1, -1, -1, 24, 1, SHUAN_INCIDENT_EXTRAORDINARY, "miit.telecom_outage"},
	    {-1, -1, -1, 8, 2, SHUAN_INCIDENT_SIGNIFICANT, "miit.radio_interference"},
	    {-1, -1, -1, 12, 2, SHUAN_INCIDENT_MAJOR, "miit.radio_interference"},
	    {-1, -1, -1, 24, 2, SHUAN_INCIDENT_EXTRAORDINARY, "miit.radio_interference"},
	    /* outage hours grade telecom and radio data only */
	    {-1, -1, -1, 48, 0, SHUAN_INCIDENT_GENERAL, NULL},
	    {-1, -1, -1, 48, 3, SHUAN_INCIDENT_GENERAL, NULL},
	};
	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Several criteria: the highest wins, every match is reported. */
static void test_highest_wins(void **state)
{
	shuan_incident_facts f = base();
	(void)state;
	f.pi_people = 2000000; /* 较大 */
	f.spi_people = 0;
	f.outage_hours = 13;   /* 重大 */
	f.loss_cny = 60000000; /* 较大 */
	assert_int_equal(grade(&f, "2025-03-03T10:00+08:00"), 0);
	assert_int_equal(g.level, SHUAN_INCIDENT_MAJOR);
	assert_string_equal(g.response, "II");
	assert_string_equal(g.warning, "orange");
	assert_int_equal(criterion("miit.people")->level, SHUAN_INCIDENT_SIGNIFICANT);
	assert_int_equal(criterion("miit.loss")->level, SHUAN_INCIDENT_SIGNIFICANT);
	assert_int_equal(criterion("miit.telecom_outage")->level, SHUAN_INCIDENT_MAJOR);
	assert_int_equal(g.criteria[0].level, SHUAN_INCIDENT_MAJOR); /* sorted highest first */
	assert_non_null(strstr(criterion("miit.telecom_outage")->basis.article, "附件1"));
}

static void test_data_grade_and_threat(void **state)
{
	static const struct {
		int grade, threat;
		shuan_incident_level want;
		bool unverified, assumed;
	} cases[] = {
	    {0, 0, SHUAN_INCIDENT_EXTRAORDINARY, true,
	     false}, /* core, particularly serious: wording unverified */
	    {0, 1, SHUAN_INCIDENT_MAJOR, false, false},
	    {1, 0, SHUAN_INCIDENT_MAJOR, false, false}, /* important data tops out at 重大 */
	    {1, 1, SHUAN_INCIDENT_MAJOR, false, false},
	    {1, 2, SHUAN_INCIDENT_SIGNIFICANT, false, false},
	    {2, 2, SHUAN_INCIDENT_SIGNIFICANT, false, false},
	    {2, 3, SHUAN_INCIDENT_GENERAL, true, false},
	    /* without a threat: from the data grade, said to be assumed */
	    {0, -1, SHUAN_INCIDENT_EXTRAORDINARY, true, true},
	    {1, -1, SHUAN_INCIDENT_MAJOR, false, true},
	    {2, -1, SHUAN_INCIDENT_GENERAL, true, true},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		shuan_incident_facts f = base();
		const shuan_incident_criterion *c;
		f.data_grade = cases[i].grade;
		f.threat = cases[i].threat;
		assert_int_equal(grade(&f, "2025-03-03T10:00+08:00"), 0);
		c = criterion("miit.data_grade");
		if (g.level != cases[i].want || !c || c->level != cases[i].want ||
		    c->basis.unverified != cases[i].unverified || c->assumed != cases[i].assumed)
			fail_msg("case %zu: level %s", i, shuan_incident_level_name(g.level));
		if (cases[i].unverified)
			assert_true(g.unverified);
	}
}

static void test_production_impact(void **state)
{
	static const struct {
		int impact;
		shuan_incident_level want;
	} cases[] = {{0, SHUAN_INCIDENT_EXTRAORDINARY},
	             {1, SHUAN_INCIDENT_MAJOR},
	             {2, SHUAN_INCIDENT_SIGNIFICANT},
	             {3, SHUAN_INCIDENT_GENERAL}};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		shuan_incident_facts f = base();
		f.domain = 0; /* industrial */
		f.production_impact = cases[i].impact;
		assert_int_equal(grade(&f, "2025-03-03T10:00+08:00"), 0);
		assert_int_equal(g.level, cases[i].want);
	}
}

static void test_levels_response_warning(void **state)
{
	static const struct {
		int64_t pi;
		const char *response, *warning;
	} cases[] = {{10, "IV", "blue"},
	             {1000000, "III", "yellow"},
	             {10000000, "II", "orange"},
	             {100000000, "I", "red"}};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		shuan_incident_facts f = base();
		f.pi_people = cases[i].pi;
		assert_int_equal(grade(&f, "2025-03-03T10:00+08:00"), 0);
		assert_string_equal(g.response, cases[i].response);
		assert_string_equal(g.warning, cases[i].warning);
	}
}

static void assert_time(const shuan_time *t, const char *want)
{
	char b[SHUAN_TIME_TEXT];
	shuan_time_format(t, b);
	assert_string_equal(b, want);
}

static void test_minute_deadlines_and_zones(void **state)
{
	shuan_incident_facts f = base();
	const shuan_incident_deadline *d;
	(void)state;
	f.pi_people = 20000000;                     /* 重大 */
	f.discovered = T("2025-03-03T02:00+01:00"); /* discovered in Europe */
	assert_int_equal(grade(&f, "2025-03-03T02:05+01:00"), 0);
	assert_non_null(d = deadline("miit", "immediate_report"));
	assert_true(d->yours && d->immediate);
	assert_time(&d->due, "2025-03-03T02:00:00+01:00");
	assert_int_equal(d->status, SHUAN_DEADLINE_OVERDUE); /* immediately means now */
	assert_non_null(d = deadline("miit", "regulator_phone_report"));
	assert_false(d->yours);
	assert_time(&d->due, "2025-03-03T02:10:00+01:00");
	assert_int_equal(d->status, SHUAN_DEADLINE_DUE_SOON);
	assert_time(&deadline("miit", "regulator_written_report")->due, "2025-03-03T02:30:00+01:00");
	assert_time(&deadline("miit", "mechanism_phone_report")->due, "2025-03-03T02:20:00+01:00");
	assert_time(&deadline("miit", "mechanism_written_report")->due, "2025-03-03T02:40:00+01:00");
	assert_int_equal(deadline("miit", "summary_report")->status, SHUAN_DEADLINE_PENDING);
	/* overdue deadlines come first */
	assert_int_equal(g.deadlines[0].status, SHUAN_DEADLINE_OVERDUE);
	/* 较大: the immediate report, but none of the 重大 steps */
	f.pi_people = 2000000;
	assert_int_equal(grade(&f, "2025-03-03T02:05+01:00"), 0);
	assert_non_null(deadline("miit", "immediate_report"));
	assert_null(deadline("miit", "regulator_phone_report"));
	assert_null(deadline("miit", "summary_report"));
	/* 一般: nothing to report */
	f.pi_people = 20;
	assert_int_equal(grade(&f, "2025-03-03T02:05+01:00"), 0);
	assert_int_equal(g.ndeadlines, 0);
}

static void test_summary_deadlines(void **state)
{
	static const struct {
		const char *ended, *due5, *due10;
	} cases[] = {
	    /* a weekend */
	    {"2025-03-07T18:00+08:00", "2025-03-14T23:59:59+08:00", "2025-03-21T23:59:59+08:00"},
	    /* National Day and its exchange Saturday (10-11) */
	    {"2025-09-30T20:00+08:00", "2025-10-14T23:59:59+08:00", "2025-10-21T23:59:59+08:00"},
	    /* the exchange Sunday 2025-09-28 counts */
	    {"2025-09-26T20:00+08:00", "2025-10-10T23:59:59+08:00", "2025-10-16T23:59:59+08:00"},
	    /* the end time in UTC falls on the next China day */
	    {"2025-03-06T17:00Z", "2025-03-14T23:59:59+08:00", "2025-03-21T23:59:59+08:00"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		shuan_incident_facts f = base();
		f.discovered = T("2025-03-01T09:00+08:00");
		f.pi_people = 20000000;
		f.has_response_ended = true;
		f.response_ended = T(cases[i].ended);
		if (f.response_ended.utc < f.discovered.utc)
			f.discovered = f.response_ended;
		assert_int_equal(grade(&f, "2025-12-01"), 0);
		assert_true(deadline("miit", "summary_report")->end_of_day);
		assert_time(&deadline("miit", "summary_report")->due, cases[i].due5);
		assert_time(&deadline("miit", "regulator_summary_report")->due, cases[i].due10);
	}
}

static void test_missing_calendar_year(void **state)
{
	shuan_incident_facts f = base();
	char err[512];
	shuan_time a = T("2031-06-20T10:00+08:00");
	(void)state;
	f.discovered = T("2031-06-10T09:00+08:00");
	f.pi_people = 20000000;
	f.has_response_ended = true;
	f.response_ended = T("2031-06-12T09:00+08:00");
	assert_int_equal(shuan_incident_grade_facts(rules, &f, NULL, 0, &a, &g, err, sizeof(err)),
	                 SHUAN_ENOTFOUND);
	assert_non_null(strstr(err, "2031"));
	assert_non_null(strstr(g.error, "cn-2031.yaml"));
	assert_int_equal(deadline("miit", "summary_report")->status, SHUAN_DEADLINE_UNKNOWN);
	/* the minute deadlines are still there */
	assert_true(deadline("miit", "immediate_report")->has_due);
}

static void test_cac_regime(void **state)
{
	shuan_incident_facts f = base();
	const shuan_incident_deadline *d;
	(void)state;
	f.regime = 1;
	f.discovered = T("2025-11-03T09:00+08:00");
	f.pi_people = 1000000;
	assert_int_equal(grade(&f, "2025-11-03T09:30+08:00"), 0);
	assert_int_equal(g.level, SHUAN_INCIDENT_SIGNIFICANT);
	assert_null(g.response); /* the response levels are the MIIT plan's */
	assert_non_null(d = deadline("cac", "cac_report"));
	assert_string_equal(d->rule, "cac.operator_report");
	assert_time(&d->due, "2025-11-03T13:00:00+08:00"); /* 4 hours */
	/* an operator's chain: no protection department step; a 较大 incident: no province step */
	assert_null(deadline("cac", "cac_protection_department_report"));
	assert_null(deadline("cac", "cac_province_report"));
	/* a CIIO reports within 1 hour to its protection department */
	f.role = 1;
	assert_int_equal(grade(&f, "2025-11-03T09:30+08:00"), 0);
	assert_non_null(d = deadline("cac", "cac_report"));
	assert_string_equal(d->rule, "cac.ciio_report");
	assert_time(&d->due, "2025-11-03T10:00:00+08:00");
	/* 重大 at a CIIO: the protection department's 30 minutes ([UNVERIFIED], one source), not the
	 * province's */
	f.pi_people = 10000000;
	assert_int_equal(grade(&f, "2025-11-03T09:30+08:00"), 0);
	assert_non_null(d = deadline("cac", "cac_protection_department_report"));
	assert_true(d->basis.unverified && !d->yours);
	assert_time(&d->due, "2025-11-03T09:30:00+08:00");
	assert_null(deadline("cac", "cac_province_report"));
	assert_true(g.unverified);
	f.pi_people = 1000000;
	/* only leaks count in the PI criterion */
	f.role = 0;
	f.type = 0; /* tamper */
	assert_int_equal(grade(&f, "2025-11-03T09:30+08:00"), 0);
	assert_int_equal(g.level, SHUAN_INCIDENT_GENERAL);
	assert_int_equal(g.ndeadlines, 0);
	/* 999,999 is below 较大 */
	f.type = 2;
	f.pi_people = 999999;
	assert_int_equal(grade(&f, "2025-11-03T09:30+08:00"), 0);
	assert_int_equal(g.level, SHUAN_INCIDENT_GENERAL);
	/* CII outage: main functions 24 h, the whole CII 6 h */
	f.role = 1;
	f.pi_people = 0;
	f.outage_hours = 10;
	assert_int_equal(grade(&f, "2025-11-03T09:30+08:00"), 0);
	assert_int_equal(g.level, SHUAN_INCIDENT_GENERAL);
	f.outage_scope = 0;
	assert_int_equal(grade(&f, "2025-11-03T09:30+08:00"), 0);
	assert_int_equal(g.level, SHUAN_INCIDENT_EXTRAORDINARY);
	/* before 2025-11-01 the CAC measures are not in force: no deadlines */
	f.discovered = T("2025-10-20T09:00+08:00");
	assert_int_equal(grade(&f, "2025-10-20T09:30+08:00"), 0);
	assert_false(g.regimes[0].in_force);
	assert_int_equal(g.ndeadlines, 0);
	/* both regimes: the highest level, deadlines of each */
	f = base();
	f.regime = 2;
	f.discovered = T("2025-11-03T09:00+08:00");
	f.pi_people = 12000000;
	assert_int_equal(grade(&f, "2025-11-03T09:30+08:00"), 0);
	assert_int_equal(g.nregimes, 2);
	assert_int_equal(g.level, SHUAN_INCIDENT_MAJOR);
	assert_non_null(deadline("miit", "immediate_report"));
	assert_non_null(deadline("cac", "cac_report"));
	assert_non_null(deadline("cac", "cac_province_report"));
}

static void test_bad_facts(void **state)
{
	shuan_incident_facts f = base();
	char err[512];
	shuan_time a = T("2025-03-03T08:00+08:00");
	(void)state;
	/* discovery in the future */
	assert_int_equal(shuan_incident_grade_facts(rules, &f, NULL, 0, &a, &g, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "discovered"));
	assert_non_null(strstr(err, "future"));
	a = T("2025-03-04");
	f.pi_people = 5;
	f.spi_people = 6;
	assert_int_equal(shuan_incident_grade_facts(rules, &f, NULL, 0, &a, &g, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "spi_people"));
	f = base();
	f.type = -1;
	assert_int_equal(shuan_incident_grade_facts(rules, &f, NULL, 0, &a, &g, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "type"));
	f = base();
	f.has_response_ended = true;
	f.response_ended = T("2025-03-02T09:00+08:00");
	assert_int_equal(shuan_incident_grade_facts(rules, &f, NULL, 0, &a, &g, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "response_ended"));
}

static int parse_facts(const char *text, char *err, size_t errlen)
{
	shuan_incident_facts f;
	int rc;
	shuan_incident_facts_init(&f);
	rc = shuan_incident_facts_parse(&f, "facts.yaml", text, strlen(text), err, errlen);
	shuan_incident_facts_free(&f);
	return rc;
}

static void test_facts_reader(void **state)
{
	char err[512];
	shuan_incident_facts f;
	static const char *good =
	    "discovered: 2025-03-01T09:30+08:00\ntype: leak\ndata_grade: important\n"
	    "pi_people: 12000\nspi_people: 300\nloss_cny: 1500000.5\ndomain: industrial\n"
	    "report: {reporting_unit: 某公司, measures_taken: 已隔离}\n";
	(void)state;
	shuan_incident_facts_init(&f);
	assert_int_equal(shuan_incident_facts_parse(&f, "facts.yaml", good, strlen(good), err, sizeof(err)),
	                 0);
	assert_int_equal(f.type, 2);
	assert_int_equal(f.data_grade, 1);
	assert_int_equal(f.pi_people, 12000);
	assert_string_equal(f.report[0], "某公司");
	/* a later document changes only what it names */
	assert_int_equal(shuan_incident_facts_parse(&f, "update", "pi_people: 13000\n", 17, err, sizeof(err)),
	                 0);
	assert_int_equal(f.pi_people, 13000);
	assert_int_equal(f.spi_people, 300);
	shuan_incident_facts_free(&f);

	assert_int_equal(parse_facts("discoverd: 2025-03-01T09:30+08:00\n", err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "facts.yaml:1:1: unknown key 'discoverd'"));
	assert_int_equal(parse_facts("type: leek\n", err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "type"));
	assert_non_null(strstr(err, "leek"));
	assert_int_equal(parse_facts("pi_people: -3\n", err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "pi_people"));
	assert_int_equal(parse_facts("discovered: 2025-03-01T09:30\n", err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "time zone"));
	assert_int_equal(parse_facts("report: {root_caus: x}\n", err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "'root_caus'"));
	assert_int_equal(parse_facts("regime: eu\n", err, sizeof(err)), SHUAN_EINVAL);
}

static void test_stored_incident(void **state)
{
	char dir[] = "/tmp/shuan_inc_XXXXXX", err[1024], cmd[128];
	shuan_store *s = NULL;
	shuan_incident_facts f = base();
	shuan_incident inc;
	shuan_time now = T("2025-03-03T09:30+08:00");
	int64_t id, *ids;
	size_t n;
	const shuan_incident_deadline *d;
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(shuan_store_open(&s, dir, err, sizeof(err)), 0);
	f.pi_people = 20000000;
	f.title = "客户库泄露 \"test\"";
	assert_int_equal(shuan_incident_create(s, &f, &now, &id, err, sizeof(err)), 0);
	assert_int_equal(id, 1);
	/* the processor phoned at 09:04: the immediate report is done */
	{
		shuan_time at = T("2025-03-03T09:04+08:00");
		assert_int_equal(
		    shuan_incident_append(s, id, "phoned", &at, "省通信管理局", &now, err, sizeof(err)), 0);
	}
	/* events cannot be dated in the future, before the discovery, or be of an unknown kind */
	{
		shuan_time late = T("2025-03-03T10:00+08:00"), early = T("2025-03-03T08:00+08:00");
		assert_int_equal(shuan_incident_append(s, id, "phoned", &late, NULL, &now, err, sizeof(err)),
		                 SHUAN_EINVAL);
		assert_non_null(strstr(err, "future"));
		assert_int_equal(shuan_incident_append(s, id, "phoned", &early, NULL, &now, err, sizeof(err)),
		                 SHUAN_EINVAL);
		assert_non_null(strstr(err, "before the discovery"));
		assert_int_equal(shuan_incident_append(s, id, "emailed", &now, NULL, &now, err, sizeof(err)),
		                 SHUAN_EINVAL);
		assert_int_equal(
		    shuan_incident_append(s, id, "level_adjusted", &now, "huge", &now, err, sizeof(err)),
		    SHUAN_EINVAL);
		assert_int_equal(shuan_incident_append(s, id, "facts_updated", &now, "pi_people: -1\n", &now,
		                                       err, sizeof(err)),
		                 SHUAN_EINVAL);
		assert_int_equal(shuan_incident_append(s, 99, "note", &now, "x", &now, err, sizeof(err)),
		                 SHUAN_ENOTFOUND);
	}
	assert_int_equal(shuan_incident_read(s, id, &inc, err, sizeof(err)), 0);
	assert_int_equal(inc.nevents, 2);
	assert_string_equal(inc.facts.title, "客户库泄露 \"test\"");
	assert_int_equal(inc.facts.pi_people, 20000000);
	assert_int_equal(shuan_incident_grade_facts(rules, &inc.facts, inc.events, inc.nevents, &now, &g, err,
	                                            sizeof(err)),
	                 0);
	assert_non_null(d = deadline("miit", "immediate_report"));
	assert_int_equal(d->status, SHUAN_DEADLINE_DONE);
	assert_time(&d->done_at, "2025-03-03T09:04:00+08:00");
	/* the regulator's steps are not the processor's to tick */
	assert_int_not_equal(deadline("miit", "regulator_phone_report")->status, SHUAN_DEADLINE_DONE);
	shuan_incident_free(&inc);

	/* facts corrected, the level adjusted, the response ended */
	now = T("2025-03-05T10:00+08:00");
	assert_int_equal(shuan_incident_append(s, id, "facts_updated", &now, "pi_people: 2000000\n", &now,
	                                       err, sizeof(err)),
	                 0);
	assert_int_equal(shuan_incident_append(s, id, "level_adjusted", &now, "重大", &now, err, sizeof(err)),
	                 0);
	{
		shuan_time ended = T("2025-03-07T18:00+08:00");
		now = T("2025-03-10T09:00+08:00");
		assert_int_equal(
		    shuan_incident_append(s, id, "response_ended", &ended, NULL, &now, err, sizeof(err)), 0);
	}
	assert_int_equal(shuan_incident_read(s, id, &inc, err, sizeof(err)), 0);
	assert_int_equal(inc.facts.pi_people, 2000000);
	assert_int_equal(shuan_incident_grade_facts(rules, &inc.facts, inc.events, inc.nevents, &now, &g, err,
	                                            sizeof(err)),
	                 0);
	assert_true(g.adjusted);
	assert_int_equal(g.level, SHUAN_INCIDENT_MAJOR); /* computed 较大, adjusted to 重大 */
	assert_non_null(d = deadline("miit", "summary_report"));
	assert_time(&d->due, "2025-03-14T23:59:59+08:00");
	assert_int_equal(d->status, SHUAN_DEADLINE_OPEN);
	shuan_incident_free(&inc);

	/* the timeline is append-only: the store refuses changes and deletions */
	{
		sqlite3 *db = shuan_store__db(s);
		assert_int_not_equal(
		    sqlite3_exec(db, "UPDATE incident_events SET kind = 'note'", NULL, NULL, NULL),
		    SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db, "DELETE FROM incident_events", NULL, NULL, NULL),
		                     SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db, "DELETE FROM incidents", NULL, NULL, NULL), SQLITE_OK);
	}
	/* closing ends it: no more events, not listed as open */
	assert_int_equal(shuan_incident_append(s, id, "closed", &now, NULL, &now, err, sizeof(err)), 0);
	assert_int_equal(shuan_incident_append(s, id, "note", &now, "x", &now, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "closed"));
	assert_int_equal(shuan_incident_ids(s, false, &ids, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	shuan_incident_ids_free(ids);
	assert_int_equal(shuan_incident_ids(s, true, &ids, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	shuan_incident_ids_free(ids);

	/* a new incident is checked like a graded one */
	f = base();
	f.discovered = T("2025-04-01T09:00+08:00");
	assert_int_equal(shuan_incident_create(s, &f, &now, &id, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "future"));

	shuan_store_free(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_people_boundaries),
	    cmocka_unit_test(test_loss_boundaries),
	    cmocka_unit_test(test_outage_boundaries),
	    cmocka_unit_test(test_highest_wins),
	    cmocka_unit_test(test_data_grade_and_threat),
	    cmocka_unit_test(test_production_impact),
	    cmocka_unit_test(test_levels_response_warning),
	    cmocka_unit_test(test_minute_deadlines_and_zones),
	    cmocka_unit_test(test_summary_deadlines),
	    cmocka_unit_test(test_missing_calendar_year),
	    cmocka_unit_test(test_cac_regime),
	    cmocka_unit_test(test_bad_facts),
	    cmocka_unit_test(test_facts_reader),
	    cmocka_unit_test(test_stored_incident),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
