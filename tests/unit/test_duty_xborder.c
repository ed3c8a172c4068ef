/*
 * tests/unit/test_duty_xborder.c - the cross-border pathway, table-driven
 * at every threshold boundary (99,999 / 100,000 / 999,999 / 1,000,000
 * people; 9,999 / 10,000 sensitive; 90% warnings), the CIIO rule, each
 * exemption and what voids it (important data voids Art. 5), the Art. 9
 * validity and extension window, the profile and transfer readers (a
 * misspelt key, a negative count, an unknown value), and the ledger:
 * distinct people across transfers and the 1 January reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "duty_fixture.h"
#include "lib/duty/internal.h"
#include "shuan/people.h"
#include "shuan/store.h"
#include "shuan/xborder.h"

static shuan_xborder_result res;

static shuan_org org_of(bool ciio, const char *ftz)
{
	shuan_org o;
	memset(&o, 0, sizeof(o));
	o.name = "Test Co";
	o.ciio = ciio;
	o.ftz = ftz;
	o.pi_people = -1;
	o.important_data = o.large_platform = SHUAN_FACT_UNKNOWN;
	return o;
}

static shuan_transfer transfer_of(const char *purpose, const char *basis, const char *subjects,
                                  bool important)
{
	shuan_transfer t;
	memset(&t, 0, sizeof(t));
	t.path = "t.yaml";
	t.recipient = "R";
	t.country = "DE";
	t.purpose = purpose;
	t.basis = basis;
	t.subjects = subjects;
	t.important_data = important;
	t.on_negative_list = SHUAN_FACT_UNKNOWN;
	t.date.year = 2025;
	t.date.month = 6;
	t.date.day = 1;
	return t;
}

static shuan_xborder_counts counts_of(int64_t pi, int64_t spi, int64_t ytd_pi, int64_t ytd_spi)
{
	shuan_xborder_counts c;
	memset(&c, 0, sizeof(c));
	c.pi = pi;
	c.spi = spi;
	c.ytd_pi = ytd_pi;
	c.ytd_spi = ytd_spi;
	c.year = 2025;
	c.exact = true;
	c.source = "explicit";
	return c;
}

static int assess(const shuan_org *o, const shuan_transfer *t, const shuan_xborder_counts *c)
{
	char err[512];
	shuan_time as_of;
	assert_int_equal(shuan_time_parse("2025-06-30", true, "as-of", &as_of, err, sizeof(err)), 0);
	return shuan_xborder_assess(rules, o, t, c, &as_of, &res, err, sizeof(err));
}

static const shuan_xborder_threshold_result *threshold(const char *rule)
{
	for (size_t i = 0; i < res.nthresholds; i++)
		if (!strcmp(res.thresholds[i].basis.rule, rule))
			return &res.thresholds[i];
	fail_msg("no threshold %s", rule);
	return NULL;
}

/* Volumes of a non-CIIO: the pathway and the rule that set it. */
static void test_volume_boundaries(void **state)
{
	static const struct {
		int64_t pi, spi;
		shuan_xborder_pathway want;
		const char *rule;
	} cases[] = {
	    {1, 0, SHUAN_XBORDER_EXEMPT, "xborder.art5_4"},
	    {99999, 0, SHUAN_XBORDER_EXEMPT, "xborder.art5_4"},
	    {100000, 0, SHUAN_XBORDER_STANDARD_CONTRACT, "xborder.pi_standard_contract"}, /* 以上 includes */
	    {100001, 0, SHUAN_XBORDER_STANDARD_CONTRACT, "xborder.pi_standard_contract"},
	    {999999, 0, SHUAN_XBORDER_STANDARD_CONTRACT, "xborder.pi_standard_contract"},
	    {1000000, 0, SHUAN_XBORDER_ASSESSMENT, "xborder.pi_assessment"},
	    {5000000, 0, SHUAN_XBORDER_ASSESSMENT, "xborder.pi_assessment"},
	    /* sensitive PI has no volume exemption: one person is enough */
	    {50, 1, SHUAN_XBORDER_STANDARD_CONTRACT, "xborder.spi_standard_contract"},
	    {9999, 9999, SHUAN_XBORDER_STANDARD_CONTRACT, "xborder.spi_standard_contract"},
	    {10000, 10000, SHUAN_XBORDER_ASSESSMENT, "xborder.spi_assessment"},
	    {99999, 10000, SHUAN_XBORDER_ASSESSMENT, "xborder.spi_assessment"},
	    {2000000, 9999, SHUAN_XBORDER_ASSESSMENT, "xborder.pi_assessment"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		shuan_org o = org_of(false, NULL);
		shuan_transfer t = transfer_of("other", "none", "customers", false);
		shuan_xborder_counts c = counts_of(cases[i].pi, cases[i].spi, cases[i].pi, cases[i].spi);
		assert_int_equal(assess(&o, &t, &c), 0);
		if (res.pathway != cases[i].want || strcmp(res.pathway_basis.rule, cases[i].rule))
			fail_msg("case %zu (pi %lld, spi %lld): %s by %s, want %s by %s", i,
			         (long long)cases[i].pi, (long long)cases[i].spi,
			         shuan_xborder_pathway_name(res.pathway), res.pathway_basis.rule,
			         shuan_xborder_pathway_name(cases[i].want), cases[i].rule);
	}
}

/* The year-to-date count decides, not the transfer's own. */
static void test_year_to_date_counts(void **state)
{
	shuan_org o = org_of(false, NULL);
	shuan_transfer t = transfer_of("other", "none", "customers", false);
	shuan_xborder_counts c = counts_of(10, 0, 100000, 0);
	(void)state;
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_STANDARD_CONTRACT);
	/* earlier sensitive PI does not make a transfer without it contract-bound */
	c = counts_of(10, 0, 10, 500);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_EXEMPT);
	/* but counts towards the 10,000 when this transfer has some */
	c = counts_of(10, 1, 10, 10000);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_ASSESSMENT);
}

static void test_warnings_at_90_percent(void **state)
{
	shuan_org o = org_of(false, NULL);
	shuan_transfer t = transfer_of("other", "none", "customers", false);
	shuan_xborder_counts c = counts_of(89999, 0, 89999, 0);
	(void)state;
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_false(threshold("xborder.pi_standard_contract")->warning);
	assert_int_equal(threshold("xborder.pi_standard_contract")->remaining, 10001);
	c = counts_of(90000, 0, 90000, 0);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_true(threshold("xborder.pi_standard_contract")->warning);
	assert_int_equal(threshold("xborder.pi_standard_contract")->remaining, 10000);
	assert_int_equal(res.pathway, SHUAN_XBORDER_EXEMPT);
	c = counts_of(900000, 9000, 900000, 9000);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_true(threshold("xborder.pi_assessment")->warning);
	assert_true(threshold("xborder.spi_assessment")->warning);
	assert_true(threshold("xborder.pi_standard_contract")->met);
	assert_false(threshold("xborder.pi_standard_contract")->warning);
	c = counts_of(899999, 8999, 899999, 8999);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_false(threshold("xborder.pi_assessment")->warning);
	assert_false(threshold("xborder.spi_assessment")->warning);
}

static void test_ciio(void **state)
{
	shuan_org o = org_of(true, NULL);
	shuan_transfer t = transfer_of("other", "none", "customers", false);
	shuan_xborder_counts c = counts_of(1, 0, 1, 0);
	(void)state;
	/* any PI of a CIIO: assessment, whatever the volume */
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_ASSESSMENT);
	assert_string_equal(res.pathway_basis.rule, "xborder.ciio");
	assert_non_null(strstr(res.pathway_basis.article, "第七条第（一）项"));
	/* the exemptions still prevail for a CIIO ("从其规定") */
	t = transfer_of("other", "contract_with_subject", "customers", false);
	c = counts_of(2000000, 50000, 2000000, 50000);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_EXEMPT);
	assert_string_equal(res.exemption, "art5_1");
	/* but not Art. 5(4), which is for non-CIIOs only */
	t = transfer_of("other", "none", "customers", false);
	c = counts_of(10, 0, 10, 0);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_ASSESSMENT);
	/* a CIIO sending neither PI nor important data needs nothing */
	c = counts_of(0, 0, 0, 0);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_EXEMPT);
	assert_string_equal(res.exemption, "no_pi_no_important_data");
}

/* Each exemption, and what voids it. */
static void test_exemptions(void **state)
{
	static const struct {
		const char *purpose, *basis, *subjects;
		bool important, abroad, domestic_added, ciio;
		const char *ftz;
		int negative;
		int64_t pi, spi;
		shuan_xborder_pathway want;
		const char *exemption; /* NULL: none */
	} cases[] = {
	    /* Art. 3: trade data without PI or important data */
	    {"trade", "none", "other", false, false, false, false, NULL, -1, 0, 0, SHUAN_XBORDER_EXEMPT,
	     "art3"},
	    {"marketing", "none", "other", false, false, false, true, NULL, -1, 0, 0, SHUAN_XBORDER_EXEMPT,
	     "art3"},
	    {"trade", "none", "other", true, false, false, false, NULL, -1, 0, 0, SHUAN_XBORDER_ASSESSMENT,
	     NULL},
	    {"trade", "none", "customers", false, false, false, true, NULL, -1, 5, 0,
	     SHUAN_XBORDER_ASSESSMENT, NULL},
	    /* Art. 4: collected abroad and sent back */
	    {"other", "none", "customers", false, true, false, false, NULL, -1, 2000000, 20000,
	     SHUAN_XBORDER_EXEMPT, "art4"},
	    {"other", "none", "customers", false, true, true, false, NULL, -1, 2000000, 0,
	     SHUAN_XBORDER_ASSESSMENT, NULL},
	    {"other", "none", "customers", true, true, false, false, NULL, -1, 2000000, 0,
	     SHUAN_XBORDER_ASSESSMENT, NULL},
	    /* Art. 5(1)-(3) at any volume, voided by important data (Art. 5 last paragraph) */
	    {"other", "contract_with_subject", "customers", false, false, false, false, NULL, -1, 3000000,
	     30000, SHUAN_XBORDER_EXEMPT, "art5_1"},
	    {"other", "contract_with_subject", "customers", true, false, false, false, NULL, -1, 10, 0,
	     SHUAN_XBORDER_ASSESSMENT, NULL},
	    {"other", "hr", "employees", false, false, false, false, NULL, -1, 150000, 20000,
	     SHUAN_XBORDER_EXEMPT, "art5_2"},
	    {"other", "hr", "customers", false, false, false, false, NULL, -1, 150000, 0,
	     SHUAN_XBORDER_STANDARD_CONTRACT, NULL},
	    {"other", "hr", "employees", true, false, false, false, NULL, -1, 150, 0,
	     SHUAN_XBORDER_ASSESSMENT, NULL},
	    {"other", "emergency", "other", false, false, false, false, NULL, -1, 5000000, 5000,
	     SHUAN_XBORDER_EXEMPT, "art5_3"},
	    {"other", "emergency", "other", true, false, false, false, NULL, -1, 5, 0,
	     SHUAN_XBORDER_ASSESSMENT, NULL},
	    /* Art. 5(4) voided by important data, and not a CIIO's */
	    {"other", "none", "customers", true, false, false, false, NULL, -1, 10, 0,
	     SHUAN_XBORDER_ASSESSMENT, NULL},
	    /* Art. 6: an FTZ, data not on its negative list */
	    {"other", "none", "customers", false, false, false, false, "天津自贸试验区", 0, 5000000, 50000,
	     SHUAN_XBORDER_EXEMPT, "art6"},
	    {"other", "none", "customers", false, false, false, false, "天津自贸试验区", 1, 5000000, 0,
	     SHUAN_XBORDER_ASSESSMENT, NULL},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		shuan_org o = org_of(cases[i].ciio, cases[i].ftz);
		shuan_transfer t =
		    transfer_of(cases[i].purpose, cases[i].basis, cases[i].subjects, cases[i].important);
		shuan_xborder_counts c = counts_of(cases[i].pi, cases[i].spi, cases[i].pi, cases[i].spi);
		t.collected_abroad = cases[i].abroad;
		t.domestic_pi_added = cases[i].domestic_added;
		t.on_negative_list = cases[i].negative;
		assert_int_equal(assess(&o, &t, &c), 0);
		if (res.pathway != cases[i].want ||
		    (cases[i].exemption ? !res.exemption || strcmp(res.exemption, cases[i].exemption)
		                        : res.exemption != NULL))
			fail_msg("case %zu: %s (%s), want %s (%s)", i,
			         shuan_xborder_pathway_name(res.pathway), res.exemption ? res.exemption : "-",
			         shuan_xborder_pathway_name(cases[i].want),
			         cases[i].exemption ? cases[i].exemption : "-");
	}
}

/* Every condition is reported with its article; the Art. 5 exclusion names the second paragraph. */
static void test_conditions_are_reported(void **state)
{
	shuan_org o = org_of(false, NULL);
	shuan_transfer t = transfer_of("other", "contract_with_subject", "customers", true);
	shuan_xborder_counts c = counts_of(10, 0, 10, 0);
	bool seen = false;
	(void)state;
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_ASSESSMENT);
	assert_string_equal(res.pathway_basis.rule, "xborder.important_data");
	for (size_t i = 0; i < res.nexemptions; i++) {
		const shuan_xborder_rule_result *e = &res.exemptions[i];
		assert_false(e->applies);
		assert_non_null(e->basis.article);
		if (strcmp(e->id, "art5_1"))
			continue;
		for (size_t k = e->first_check; k < e->first_check + e->nchecks; k++)
			if (!strcmp(res.checks[k].test, "no_important_data")) {
				assert_false(res.checks[k].met);
				assert_non_null(strstr(res.checks[k].basis.article, "第五条第二款"));
				seen = true;
			} else {
				assert_true(
				    res.checks[k].met); /* the basis is right: only important data voids it */
			}
	}
	assert_true(seen);
	/* the duties of Art. 10 apply whatever the pathway */
	seen = false;
	for (size_t i = 0; i < res.nduties; i++)
		seen = seen || !strcmp(res.duties[i].basis.rule, "xborder.pipia");
	assert_true(seen);
	/* the assessment carries its validity */
	assert_true(res.validity.applies);
	assert_int_equal(res.validity.years, 3);
	assert_int_equal(res.validity.extension_working_days, 60);
}

static void test_partial_exemption_note(void **state)
{
	shuan_org o = org_of(false, NULL);
	shuan_transfer t = transfer_of("other", "none", "customers", false);
	shuan_xborder_counts c = counts_of(95000, 3000, 95000, 3000);
	(void)state;
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_STANDARD_CONTRACT);
	assert_int_equal(res.nnotes, 1);
	assert_non_null(strstr(res.notes[0], "art5_4"));
	assert_non_null(strstr(res.notes[0], "3,000"));
	assert_true(threshold("xborder.pi_standard_contract")->warning);
}

static void test_important_data_candidate(void **state)
{
	shuan_org o = org_of(false, NULL);
	shuan_transfer t = transfer_of("other", "none", "customers", false);
	shuan_xborder_counts c = counts_of(10000000, 0, 10000000, 0);
	bool seen = false;
	(void)state;
	assert_int_equal(assess(&o, &t, &c), 0);
	for (size_t i = 0; i < res.nnotes; i++)
		seen = seen || strstr(res.notes[i], "重要数据候选") != NULL;
	assert_true(seen);
	/* one fewer: no candidate */
	c = counts_of(9999999, 0, 9999999, 0);
	assert_int_equal(assess(&o, &t, &c), 0);
	for (size_t i = 0; i < res.nnotes; i++)
		assert_null(strstr(res.notes[i], "重要数据候选"));
	/* stated important data: nothing to suggest */
	t.important_data = true;
	c = counts_of(20000000, 0, 20000000, 0);
	assert_int_equal(assess(&o, &t, &c), 0);
	for (size_t i = 0; i < res.nnotes; i++)
		assert_null(strstr(res.notes[i], "重要数据候选"));
}

static void test_validity_and_filing(void **state)
{
	shuan_org o = org_of(false, NULL);
	shuan_transfer t = transfer_of("other", "none", "customers", true);
	shuan_xborder_counts c = counts_of(10, 0, 10, 0);
	char b[16];
	(void)state;
	t.has_assessment_issued = true;
	t.assessment_issued = (shuan_date){2023, 3, 10};
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_true(res.validity.has_expiry && res.validity.has_window);
	shuan_date_format(res.validity.expires, b, sizeof(b));
	assert_string_equal(b, "2026-03-10");
	shuan_date_format(res.validity.window_opens, b, sizeof(b));
	assert_string_equal(b, "2025-12-10");
	/* an expiry whose holidays are not published yet: expiry given, window pending, no error */
	t.assessment_issued = (shuan_date){2025, 3, 10};
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_true(res.validity.has_expiry);
	assert_false(res.validity.has_window);
	assert_non_null(strstr(res.validity.window_note, "2028"));
	/* the standard contract filing period ([UNVERIFIED]) is labelled */
	t = transfer_of("other", "none", "customers", false);
	t.has_contract_effective = true;
	t.contract_effective = (shuan_date){2025, 4, 25};
	c = counts_of(150000, 0, 150000, 0);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_true(res.unverified);
	for (size_t i = 0; i < res.nduties; i++)
		if (!strcmp(res.duties[i].basis.rule, "xborder.contract_filing")) {
			assert_true(res.duties[i].basis.unverified);
			assert_true(res.duties[i].has_due);
			shuan_date_format(res.duties[i].due, b, sizeof(b));
			assert_string_equal(b, "2025-05-13"); /* 10 working days across the May Day holiday */
			return;
		}
	fail_msg("no contract filing duty");
}

static void test_bad_counts(void **state)
{
	shuan_org o = org_of(false, "某自贸区");
	shuan_transfer t = transfer_of("other", "none", "customers", false);
	shuan_xborder_counts c = counts_of(10, 20, 10, 20);
	char err[512];
	shuan_time as_of = shuan_time_now();
	(void)state;
	assert_int_equal(shuan_xborder_assess(rules, &o, &t, &c, &as_of, &res, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "spi_people"));
	c = counts_of(-1, 0, -1, 0);
	assert_int_equal(shuan_xborder_assess(rules, &o, &t, &c, &as_of, &res, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "negative"));
	/* in an FTZ, whether the data is on the negative list must be said */
	c = counts_of(10, 0, 10, 0);
	assert_int_equal(shuan_xborder_assess(rules, &o, &t, &c, &as_of, &res, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "on_negative_list"));
}

static char *write_tmp(const char *text)
{
	static char path[64];
	FILE *f;
	snprintf(path, sizeof(path), "/tmp/shuan_xb_XXXXXX");
	assert_int_not_equal(mkstemp(path), -1);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

static int load_transfer(const char *text, char *err, size_t errlen)
{
	shuan_transfer t;
	char *p = write_tmp(text);
	int rc = shuan_transfer_load(&t, p, err, errlen);
	shuan_transfer_free(&t);
	remove(p);
	return rc;
}

static void test_readers(void **state)
{
	static const char *const good =
	    "recipient: R\ncountry: DE\npurpose: trade\nbasis: none\nsubjects: customers\n"
	    "important_data: false\ndate: 2025-06-01\npi_people: 10\nspi_people: 0\n";
	char err[1024], text[1024];
	shuan_org org;
	char *p;
	(void)state;
	assert_int_equal(load_transfer(good, err, sizeof(err)), 0);
	/* a misspelt key: an error naming the key and the line */
	snprintf(text, sizeof(text), "%spi_peple: 5\n", good);
	assert_int_equal(load_transfer(text, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "'pi_peple'"));
	assert_non_null(strstr(err, ":10:"));
	/* negative counts */
	assert_int_equal(
	    load_transfer("purpose: trade\nbasis: none\nsubjects: customers\nimportant_data: false\n"
	                  "date: 2025-06-01\npi_people: -5\n",
	                  err, sizeof(err)),
	    SHUAN_EINVAL);
	assert_non_null(strstr(err, "pi_people"));
	assert_non_null(strstr(err, "negative"));
	/* an unknown enum value names the key and the choices */
	assert_int_equal(
	    load_transfer("purpose: tourism\nbasis: none\nsubjects: customers\nimportant_data: false\n"
	                  "date: 2025-06-01\n",
	                  err, sizeof(err)),
	    SHUAN_EINVAL);
	assert_non_null(strstr(err, "purpose"));
	assert_non_null(strstr(err, "tourism"));
	/* spi above pi */
	assert_int_equal(
	    load_transfer("purpose: trade\nbasis: none\nsubjects: customers\nimportant_data: false\n"
	                  "date: 2025-06-01\npi_people: 5\nspi_people: 6\n",
	                  err, sizeof(err)),
	    SHUAN_EINVAL);
	assert_non_null(strstr(err, "spi_people"));
	/* a missing required key */
	assert_int_equal(load_transfer("purpose: trade\nbasis: none\nsubjects: customers\ndate: 2025-06-01\n",
	                               err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "important_data"));
	/* the profile: ciio is required, keys checked */
	p = write_tmp("name: X\nindustry: telecom\n");
	assert_int_equal(shuan_org_load(&org, p, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "ciio"));
	shuan_org_free(&org);
	remove(p);
	p = write_tmp("name: X\nciio: false\nlarge_platfrom: true\n");
	assert_int_equal(shuan_org_load(&org, p, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "'large_platfrom'"));
	shuan_org_free(&org);
	remove(p);
	p = write_tmp(
	    "name: X\nciio: false\npi_people: 12000000\nlast_audit: 2024-05-01\n"
	    "assessments: [{ref: A-1, issued: 2025-03-10}]\ndone: {large_platform_report: 2025-01-20}\n");
	assert_int_equal(shuan_org_load(&org, p, err, sizeof(err)), 0);
	assert_int_equal(org.pi_people, 12000000);
	assert_int_equal(org.ndone, 2);
	assert_string_equal(org.done[0].duty, "pi_audit");
	assert_int_equal(org.nassessments, 1);
	shuan_org_free(&org);
	remove(p);
}

/* A people counter of persons first..last (phone fingerprints), the ones
 * from sens_from on with sensitive PI. */
static shuan_people *people_range(int first, int last, int sens_from)
{
	shuan_people *p = NULL;
	assert_int_equal(shuan_people_new(&p, NULL), 0);
	for (int i = first; i <= last; i++) {
		shuan_person_id id;
		memset(&id, 0, sizeof(id));
		memcpy(id.fp, &i, sizeof(i));
		id.fp[15] = 0x5a;
		id.detector = "cn_mobile";
		assert_int_equal(
		    shuan_people_add_record(p, &id, 1, i >= sens_from ? SHUAN_PERSON_SENSITIVE : 0), 0);
	}
	return p;
}

static void test_ledger(void **state)
{
	char dir[] = "/tmp/shuan_ledger_XXXXXX", err[1024], cmd[128];
	shuan_store *s = NULL;
	shuan_org o = org_of(false, NULL);
	shuan_transfer t = transfer_of("other", "none", "customers", false);
	shuan_xborder_counts c;
	shuan_people *a = people_range(1, 60000, 59001), *b = people_range(30001, 90000, 1 << 30),
	             *y2 = people_range(1, 10, 1 << 30);
	shuan_xborder_ledger l;
	int64_t id;
	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(shuan_store_open(&s, dir, err, sizeof(err)), 0);

	/* transfer A: 60,000 people, 1,000 with sensitive PI */
	assert_int_equal(shuan_xborder_ledger_counts(s, &t, a, &c, err, sizeof(err)), 0);
	assert_int_equal(c.pi, 60000);
	assert_int_equal(c.spi, 1000);
	assert_int_equal(c.ytd_pi, 60000);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(shuan_xborder_ledger_record(s, &o, &t, a, &res, &id, err, sizeof(err)), 0);

	/* transfer B: 60,000 people, 30,000 of them already sent in A: 90,000 distinct, not 120,000 */
	t.date.month = 7;
	assert_int_equal(shuan_xborder_ledger_counts(s, &t, b, &c, err, sizeof(err)), 0);
	assert_int_equal(c.pi, 60000);
	assert_int_equal(c.ytd_pi, 90000);
	assert_int_equal(c.ytd_spi, 1000); /* B's people include A's sensitive ones: still counted once */
	assert_true(c.exact);
	assert_int_equal(c.prior_transfers, 1);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_EXEMPT);
	assert_int_equal(shuan_xborder_ledger_record(s, &o, &t, b, &res, &id, err, sizeof(err)), 0);

	/* the same people again: still 90,000 */
	t.date.month = 8;
	assert_int_equal(shuan_xborder_ledger_counts(s, &t, b, &c, err, sizeof(err)), 0);
	assert_int_equal(c.ytd_pi, 90000);

	/* a transfer dated before B sees only A */
	t.date.month = 6;
	t.date.day = 30;
	assert_int_equal(shuan_xborder_ledger_counts(s, &t, y2, &c, err, sizeof(err)), 0);
	assert_int_equal(c.ytd_pi, 60000);
	assert_int_equal(c.prior_transfers, 1);

	/* explicit counts cannot be de-duplicated: added, and the total is not exact */
	t.date.month = 9;
	t.pi_people = 15000;
	t.spi_people = 0;
	assert_int_equal(shuan_xborder_ledger_counts(s, &t, NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c.ytd_pi, 105000);
	assert_false(c.exact);
	assert_int_equal(assess(&o, &t, &c), 0);
	assert_int_equal(res.pathway, SHUAN_XBORDER_STANDARD_CONTRACT);

	/* 1 January: a new count */
	t.date = (shuan_date){2026, 1, 1};
	assert_int_equal(shuan_xborder_ledger_counts(s, &t, y2, &c, err, sizeof(err)), 0);
	assert_int_equal(c.year, 2026);
	assert_int_equal(c.ytd_pi, 10);
	assert_int_equal(c.prior_transfers, 0);

	/* the ledger of 2025 */
	assert_int_equal(shuan_xborder_ledger_read(s, 2025, &l, err, sizeof(err)), 0);
	assert_int_equal(l.nentries, 2);
	assert_int_equal(l.totals.ytd_pi, 90000);
	assert_int_equal(l.totals.ytd_spi, 1000);
	assert_true(l.totals.exact);
	assert_true(l.entries[0].has_people);
	shuan_xborder_ledger_free(&l);
	assert_int_equal(shuan_xborder_ledger_read(s, 2026, &l, err, sizeof(err)), 0);
	assert_int_equal(l.nentries, 0);
	shuan_xborder_ledger_free(&l);

	/* a counter recorded by an older shuan (format 1, HMAC fingerprints)
	 * cannot be linked with today's: its recorded counts are added as
	 * explicit ones are, and the total is an upper bound */
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char path[128];
	snprintf(path, sizeof(path), "%s/shuan.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT people FROM xborder_transfers WHERE id = 1", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	size_t blen = (size_t)sqlite3_column_bytes(st, 0);
	unsigned char *old = malloc(blen);
	unsigned int dl = 0;
	assert_non_null(old);
	memcpy(old, sqlite3_column_blob(st, 0), blen);
	sqlite3_finalize(st);
	old[8] = 1;
	assert_int_equal(EVP_Digest(old, blen - 32, old + blen - 32, &dl, EVP_sha256(), NULL), 1);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE xborder_transfers SET people = ? WHERE id = 1", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, old, (int)blen, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(old);
	t.date = (shuan_date){2025, 10, 1};
	assert_int_equal(shuan_xborder_ledger_counts(s, &t, y2, &c, err, sizeof(err)), 0);
	assert_int_equal(c.ytd_pi, 60000 + 60000 + 10); /* A added, B's and these linked */
	assert_int_equal(c.ytd_spi, 1000);
	assert_false(c.exact);
	assert_int_equal(c.prior_transfers, 2);
	assert_int_equal(c.prior_without_people, 1);

	/* a transfer without counts or data is refused, naming the key */
	t.pi_people = -1;
	assert_int_equal(shuan_xborder_ledger_counts(s, &t, NULL, &c, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "pi_people"));

	shuan_people_free(a);
	shuan_people_free(b);
	shuan_people_free(y2);
	shuan_store_free(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A misspelt key in the rules themselves fails the load. */
static void test_rules_misspelt_key(void **state)
{
	char dir[] = "/tmp/shuan_xbr_XXXXXX", cmd[600], err[1024];
	shuan_duty_rules *r = NULL;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
	         "cp -r '%s/duty' '%s/' && sed -i 's/^    at_least: 100000$/    at_leest: 100000/' "
	         "'%s/duty/xborder.yaml'",
	         SHUAN_TEST_RULES_DIR, dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(shuan_duty_rules_load(&r, dir, err, sizeof(err)), SHUAN_ERULES);
	assert_null(r);
	assert_non_null(strstr(err, "xborder.yaml:"));
	assert_non_null(strstr(err, "'at_leest'"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_volume_boundaries),
	    cmocka_unit_test(test_year_to_date_counts),
	    cmocka_unit_test(test_warnings_at_90_percent),
	    cmocka_unit_test(test_ciio),
	    cmocka_unit_test(test_exemptions),
	    cmocka_unit_test(test_conditions_are_reported),
	    cmocka_unit_test(test_partial_exemption_note),
	    cmocka_unit_test(test_validity_and_filing),
	    cmocka_unit_test(test_bad_counts),
	    cmocka_unit_test(test_important_data_candidate),
	    cmocka_unit_test(test_readers),
	    cmocka_unit_test(test_ledger),
	    cmocka_unit_test(test_rules_misspelt_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
