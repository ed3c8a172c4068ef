/*
 * tests/unit/test_failures.c - failures on the scan path are visible, never
 * silent: a limit reached in a chunk is named in the input's result and
 * counted by the stats; an allocation failure anywhere in a scan fails that
 * input with SHUAN_ENOMEM (never a "successful" scan with values missing);
 * a callback's stop, the cancel flag and an allocation failure give three
 * different codes; a bad pattern is named by file; the stats cache is keyed
 * by the detector's name, not by its address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "lib/scan/internal.h"
#include "scan_helpers.h"
#include "shuan/stats.h"
#include "util/alloc.h"

static gots g_a;

static shuan_scanner *new_scanner(void)
{
	shuan_scanner *s = NULL;
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	o.year = 2026, o.month = 11, o.day = 22;
	o.fingerprint_key = TEST_KEY;
	o.fingerprint_key_len = sizeof(TEST_KEY);
	assert_int_equal(shuan_scanner_new(&s, g_rules, &o), 0);
	return s;
}

/* 2,000 bogus mobile-like candidates, then a real ID number. */
static char *crowded(size_t *len)
{
	size_t cap = 64u << 10, n = 0;
	char *b = malloc(cap);
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(b + n, cap - n, "x 14012345%03d\n", i % 1000);
	n += (size_t)snprintf(b + n, cap - n, "身份证 11010519491231002X\n");
	*len = n;
	return b;
}

static void test_candidate_limit_is_reported(void **state)
{
	shuan_scanner *s = new_scanner();
	shuan_input in = {"c.log", "c.log", SHUAN_FORMAT_AUTO};
	shuan_input_result res;
	shuan_stats *st = NULL;
	size_t len;
	char *buf = crowded(&len);
	(void)state;

	shuan_scanner__set_limits(s, 100, 1u << 20);
	g_a.n = 0;
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, buf, len, collect, &g_a, &res), 0);
	assert_int_equal(res.skipped, 0);
	assert_int_equal(res.limit, SHUAN_LIMIT_CANDIDATES);
	assert_non_null(strstr(res.warning, "candidates_per_chunk reached"));
	assert_non_null(strstr(res.warning, "were not checked"));
	assert_int_equal(shuan_stats_new(&st), 0);
	assert_int_equal(shuan_stats_add_input(st, &res), 0);
	assert_int_equal(shuan_stats_limit_hits(st, SHUAN_LIMIT_CANDIDATES), 1);
	assert_int_equal(shuan_stats_warned(st), 1);
	shuan_stats_free(st);

	/* With the normal limits the same input is complete and says nothing. */
	shuan_scanner__set_limits(s, 1u << 24, 1u << 20);
	g_a.n = 0;
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, buf, len, collect, &g_a, &res), 0);
	assert_int_equal(res.limit, SHUAN_LIMIT_NONE);
	assert_string_equal(res.warning, "");
	assert_non_null(find_det(&g_a, "cn_resident_id", "11010519491231002X"));
	shuan_scanner_free(s);
	free(buf);
}

static void test_value_limit_is_reported(void **state)
{
	shuan_scanner *s = new_scanner();
	shuan_input in = {"m.log", "m.log", SHUAN_FORMAT_AUTO};
	shuan_input_result res;
	char buf[4096];
	size_t n = 0;
	(void)state;
	for (int i = 0; i < 50; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "tel 138%08d\n", 10000000 + i);
	shuan_scanner__set_limits(s, 1u << 24, 10);
	g_a.n = 0;
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, buf, n, collect, &g_a, &res), 0);
	assert_int_equal(res.limit, SHUAN_LIMIT_VALUES);
	assert_non_null(strstr(res.warning, "values_per_chunk reached"));
	assert_true(g_a.n <= 10);
	shuan_scanner_free(s);
}

/* Every allocation of a scan failed in turn: the scan either completes with
 * every finding, or fails with SHUAN_ENOMEM and says so. Never a short
 * result that looks complete. */
static void test_allocation_failures_are_never_silent(void **state)
{
	static const char text[] = "姓名,身份证号,手机\n张伟,11010519491231002X,13812345678\n"
				   "王芳,110105194912310021,13912345678\n";
	shuan_input in = {"p.csv", "p.csv", SHUAN_FORMAT_AUTO};
	size_t complete;
	(void)state;
	shuan_scanner *s = new_scanner();
	g_a.n = 0;
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, text, sizeof(text) - 1, collect, &g_a, NULL), 0);
	complete = g_a.n;
	assert_true(complete >= 4);
	shuan_scanner_free(s);
	for (long k = 1; k < 400; k++) {
		shuan_input_result res;
		shuan_scanner *t = NULL;
		shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
		o.year = 2026, o.month = 11, o.day = 22;
		shuan_alloc_fail_after(k);
		int rc = shuan_scanner_new(&t, g_rules, &o);
		if (rc == 0) {
			g_a.n = 0;
			rc = shuan_scanner_scan_buffer(t, &in, text, sizeof(text) - 1, collect, &g_a, &res);
			if (rc == 0) {
				assert_int_equal(res.skipped, 0);
				assert_int_equal(g_a.n, complete);
			} else {
				assert_int_equal(rc, SHUAN_ENOMEM);
				assert_int_equal(res.skipped, SHUAN_ENOMEM);
				assert_string_equal(res.reason, "out of memory");
			}
		} else {
			assert_int_equal(rc, SHUAN_ENOMEM);
			assert_null(t);
		}
		shuan_alloc_fail_after(0);
		shuan_scanner_free(t);
	}
}

static int stop_now(const shuan_finding *f, void *ud)
{
	(void)f;
	(void)ud;
	return 1;
}

static void test_stop_cancel_and_nomem_differ(void **state)
{
	static const char text[] = "tel 13812345678\n";
	shuan_input in = {"a.txt", "a.txt", SHUAN_FORMAT_AUTO};
	shuan_input_result res;
	atomic_int cancel = 1;
	shuan_scanner *s = new_scanner(), *c = NULL;
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	(void)state;
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, text, sizeof(text) - 1, stop_now, NULL, &res), SHUAN_ESTOP);
	o.cancel = &cancel;
	assert_int_equal(shuan_scanner_new(&c, g_rules, &o), 0);
	assert_int_equal(shuan_scanner_scan_buffer(c, &in, text, sizeof(text) - 1, collect, &g_a, &res), SHUAN_EINTR);
	/* an interrupted input is reported with what was scanned of it */
	assert_int_equal(res.skipped, SHUAN_EINTR);
	assert_int_equal(res.bytes, sizeof(text) - 1);
	assert_string_equal(res.reason, "interrupted: scanned in part (16 bytes)");
	assert_true(SHUAN_ESTOP != SHUAN_EINTR && SHUAN_ESTOP != SHUAN_ENOMEM && SHUAN_EINTR != SHUAN_ENOMEM);
	assert_true(SHUAN_STOPPED(SHUAN_ESTOP) && SHUAN_STOPPED(SHUAN_EINTR) && !SHUAN_STOPPED(SHUAN_ENOMEM));
	shuan_scanner_free(s);
	shuan_scanner_free(c);
}

/* A freed rule set's id strings may come back at the same address holding
 * another id: the stats must count by name. */
static void test_stats_cache_survives_reused_id_pointer(void **state)
{
	char id[32] = "cn_mobile";
	shuan_detector_info info = {0};
	shuan_finding f = {0};
	shuan_stats *st = NULL;
	(void)state;
	info.id = id;
	f.detector = &info;
	f.fingerprint = "00112233445566778899aabbccddeeff";
	assert_int_equal(shuan_stats_new(&st), 0);
	assert_int_equal(shuan_stats_add_finding(st, &f), 0);
	strcpy(id, "email"); /* same address, another detector */
	assert_int_equal(shuan_stats_add_finding(st, &f), 0);
	assert_int_equal(shuan_stats_add_finding(st, &f), 0);
	assert_int_equal(shuan_stats_detector_count(st), 2);
	for (size_t i = 0; i < 2; i++) {
		const shuan_stats_detector *d = shuan_stats_detector_at(st, i);
		if (!strcmp(d->id, "cn_mobile"))
			assert_int_equal(d->findings, 1);
		else
			assert_true(!strcmp(d->id, "email") && d->findings == 2);
	}
	shuan_stats_free(st);
}

/* Loads a rules directory holding the real tables and one detector file
 * with the given body; returns the load's code, the message in err. */
static int load_one_rule(const char *body, shuan_matcher_kind kind, char *err, size_t errlen)
{
	char dir[] = "/tmp/shuan-rule-XXXXXX", path[512], cmd[600];
	shuan_rules *r = NULL;
	FILE *f;
	int rc;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/detectors", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(cmd, sizeof(cmd), "cp -r %s/data %s/sensitivity.yaml %s/", SHUAN_TEST_RULES_DIR, SHUAN_TEST_RULES_DIR, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/detectors/broken.yaml", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(body, f);
	fclose(f);
	err[0] = '\0';
	rc = shuan_rules__load(&r, dir, NULL, kind, err, errlen);
	if (rc)
		assert_null(r);
	shuan_rules_free(r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return rc;
}

#define RULE_HEAD "id: broken\nrev: 1\nlabel_zh: 坏\nlabel_en: Broken\npi_category: x\ncites: [pipl]\n"

static void test_bad_pattern_names_its_file(void **state)
{
	char err[1024];
	(void)state;
	for (int k = 0; k < 2; k++) {
		assert_int_equal(load_one_rule(RULE_HEAD "validator: email\npatterns:\n  - 'ok[a-z]+'\n  - 'bad(unclosed'\n",
					       k ? SHUAN_MATCHER_REFERENCE : SHUAN_MATCHER_VECTORSCAN, err, sizeof(err)),
				 SHUAN_ERULES);
		assert_non_null(strstr(err, "broken.yaml: pattern 'bad(unclosed'"));
	}
}

/* Word lists: a validator's lists must be in its rule, a placeholder must
 * name a list, and words are escaped when a pattern takes them. */
static void test_word_lists(void **state)
{
	char err[1024];
	(void)state;
	assert_int_equal(load_one_rule(RULE_HEAD "validator: person_name\nwords:\n  lead: [姓名]\n  trail: [先生]\n"
				       "patterns:\n  - '(?:{lead}).{2}'\n",
				       SHUAN_MATCHER_VECTORSCAN, err, sizeof(err)),
			 SHUAN_ERULES);
	assert_non_null(strstr(err, "needs the word list words.function"));
	assert_int_equal(load_one_rule(RULE_HEAD "validator: email\nwords:\n  a: [x]\npatterns:\n  - '{nope}[a-z]{2,3}'\n",
				       SHUAN_MATCHER_VECTORSCAN, err, sizeof(err)),
			 SHUAN_ERULES);
	assert_non_null(strstr(err, "broken.yaml:11:5: pattern uses {nope}"));
	/* "a.b" and "c+" are literal words: the pattern still compiles */
	assert_int_equal(load_one_rule(RULE_HEAD "validator: email\nwords:\n  w: ['a.b', 'c+', '(x']\n"
				       "patterns:\n  - '(?:{w})@[a-z]{2,3}'\n",
				       SHUAN_MATCHER_VECTORSCAN, err, sizeof(err)),
			 0);
	assert_int_equal(load_one_rule(RULE_HEAD "validator: email\nwords: [x]\npatterns:\n  - 'x'\n",
				       SHUAN_MATCHER_VECTORSCAN, err, sizeof(err)),
			 SHUAN_ERULES);
	assert_non_null(strstr(err, "'words' must be a mapping"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_candidate_limit_is_reported),
		cmocka_unit_test(test_value_limit_is_reported),
		cmocka_unit_test(test_allocation_failures_are_never_silent),
		cmocka_unit_test(test_stop_cancel_and_nomem_differ),
		cmocka_unit_test(test_stats_cache_survives_reused_id_pointer),
		cmocka_unit_test(test_bad_pattern_names_its_file),
		cmocka_unit_test(test_word_lists),
	};
	return cmocka_run_group_tests(tests, rules_setup, rules_teardown);
}
