/*
 * tests/unit/test_risk.c - re-identification risk figures against tables
 * small enough to compute by hand, the same figures when the classes
 * spill to disk, and the lattice search's choice on a table whose answer
 * is worked out below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/risk/internal.h"
#include "shuan/risk.h"

static char g_dir[256];
static shuan_rules *g_rules;

static int setup(void **state)
{
	char err[512];
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/shuan-test-risk-XXXXXX");
	assert_non_null(mkdtemp(g_dir));
	assert_int_equal(shuan_rules_load(&g_rules, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	shuan_rules_free(g_rules);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_table(const char *name, const char *text)
{
	static char p[300];
	snprintf(p, sizeof(p), "%s/%s", g_dir, name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static shuan_risk_options opts(const char *const *qi, const char *sensitive, uint64_t k)
{
	shuan_risk_options o = SHUAN_RISK_OPTIONS_INIT;
	o.rules = g_rules;
	o.rules_dir = SHUAN_TEST_RULES_DIR;
	o.qi = qi;
	o.sensitive = sensitive;
	o.k = k;
	o.year = 2025, o.month = 6, o.day = 1;
	return o;
}

/*
 * band,sex | disease           classes: {A,M} 3 (flu 2, cold 1)
 * A,M      | flu                        {B,F} 2 (flu, hiv)
 * A,M      | flu                        {C,M} 1 (flu)
 * A,M      | cold             records 6, classes 3, k 1
 * B,F      | flu              below k=2: the 1 record of {C,M}, share 1/6
 * B,F      | hiv              l_distinct min(2, 2, 1) = 1
 * C,M      | flu              entropy: {A,M} H = -(2/3 ln 2/3 + 1/3 ln 1/3) = 0.6365,
 *          |                  exp 1.8899; {B,F} exp(ln 2) = 2; {C,M} exp 0 = 1 -> 1
 * *,*      | flu              suppressed (all quasi-identifiers "*"), left out
 * prosecutor max 1/k = 1, average |C|/n = 3/6; journalist max = 1, marketer = 3/6
 */
static void test_hand_computed(void **state)
{
	static const char *const qi[] = {"band", "sex", NULL};
	shuan_risk_result r;
	(void)state;
	const char *p = write_table("t1.csv", "band,sex,disease\nA,M,flu\nA,M,flu\nA,M,cold\nB,F,flu\nB,F,hiv\n"
					      "C,M,flu\n*,*,flu\n");
	shuan_risk_options o = opts(qi, "disease", 2);
	assert_int_equal(shuan_risk_file(p, &o, &r), 0);
	assert_int_equal(r.records, 6);
	assert_int_equal(r.suppressed, 1);
	assert_int_equal(r.classes, 3);
	assert_int_equal(r.k, 1);
	assert_int_equal(r.below_k, 1);
	assert_true(fabs(r.below_k_share - 1.0 / 6) < 1e-12);
	assert_int_equal(r.l_distinct, 1);
	assert_true(fabs(r.l_entropy - 1.0) < 1e-12);
	assert_true(fabs(r.prosecutor_max - 1.0) < 1e-12);
	assert_true(fabs(r.prosecutor_avg - 0.5) < 1e-12);
	assert_true(fabs(r.journalist_max - 1.0) < 1e-12);
	assert_true(fabs(r.marketer - 0.5) < 1e-12);
	assert_int_equal(r.nbuckets, 3); /* sizes 1, 2, 3: one class each */
	assert_int_equal(r.buckets[0].min, 1);
	assert_int_equal(r.buckets[2].records, 3);
	shuan_risk_result_free(&r);

	/* without {C,M}: k 2, nothing below 2, l_distinct 2, entropy l = 1.8899 */
	p = write_table("t2.csv", "band,sex,disease\nA,M,flu\nA,M,flu\nA,M,cold\nB,F,flu\nB,F,hiv\n");
	assert_int_equal(shuan_risk_file(p, &o, &r), 0);
	assert_int_equal(r.records, 5);
	assert_int_equal(r.k, 2);
	assert_int_equal(r.below_k, 0);
	assert_int_equal(r.l_distinct, 2);
	double h = -(2.0 / 3 * log(2.0 / 3) + 1.0 / 3 * log(1.0 / 3));
	assert_true(fabs(r.l_entropy - exp(h)) < 1e-9);
	assert_true(fabs(r.l_entropy - 1.889882) < 1e-5);
	assert_true(fabs(r.prosecutor_max - 0.5) < 1e-12);
	assert_true(fabs(r.prosecutor_avg - 0.4) < 1e-12);
	shuan_risk_result_free(&r);

	/* no sensitive attribute: no l; quoted and padded values are the same value */
	p = write_table("t3.csv", "band,sex\n\"A\",M\n A ,M\nB,\"F\"\n");
	shuan_risk_options o2 = opts(qi, NULL, 2);
	assert_int_equal(shuan_risk_file(p, &o2, &r), 0);
	assert_false(r.have_sensitive);
	assert_int_equal(r.classes, 2);
	assert_int_equal(r.k, 1);
	shuan_risk_result_free(&r);
}

static void test_errors(void **state)
{
	static const char *const qi[] = {"band", "nope", NULL};
	static const char *const qi1[] = {"band", NULL};
	shuan_risk_result r;
	(void)state;
	const char *p = write_table("e.csv", "band,sex\nA,M\nB,F,x\n");
	shuan_risk_options o = opts(qi, NULL, 2);
	assert_int_equal(shuan_risk_file(p, &o, &r), SHUAN_EINVAL);
	assert_non_null(strstr(r.error, "'nope' is not a column"));
	shuan_risk_result_free(&r);
	o = opts(qi1, NULL, 2);
	assert_int_equal(shuan_risk_file(p, &o, &r), SHUAN_EINVAL);
	assert_non_null(strstr(r.error, "line 3"));
	shuan_risk_result_free(&r);
	o.allow_ragged = true;
	assert_int_equal(shuan_risk_file(p, &o, &r), 0);
	assert_int_equal(r.skipped, 1);
	shuan_risk_result_free(&r);
	o = opts(qi1, "band", 2);
	assert_int_equal(shuan_risk_file(p, &o, &r), SHUAN_EINVAL);
	shuan_risk_result_free(&r);
	/* no --qi and no column named like a quasi-identifier */
	p = write_table("e2.csv", "band,flag\nA,1\n");
	o = opts(NULL, NULL, 2);
	assert_int_equal(shuan_risk_file(p, &o, &r), SHUAN_EINVAL);
	assert_non_null(strstr(r.error, "--qi"));
	shuan_risk_result_free(&r);
}

/* 3000 classes, class i of 1 + i % 7 records, sensitive values (i + j) % 3. */
static void test_spill(void **state)
{
	static const char *const qi[] = {"a", "b", NULL};
	shuan_risk_result mem, disk;
	char p[300];
	uint64_t records = 0, below = 0;
	(void)state;
	snprintf(p, sizeof(p), "%s/big.csv", g_dir);
	FILE *f = fopen(p, "w");
	fputs("a,b,s\n", f);
	for (int i = 0; i < 3000; i++) {
		int size = 1 + i % 7;
		for (int j = 0; j < size; j++)
			fprintf(f, "v%d,w%d,s%d\n", i / 10, i % 10, (i + j) % 3);
		records += (uint64_t)size;
		if (size < 5)
			below += (uint64_t)size;
	}
	fclose(f);
	shuan_risk_options o = opts(qi, "s", 5);
	assert_int_equal(shuan_risk_file(p, &o, &mem), 0);
	assert_int_equal(mem.partitions, 0);
	o.memory = 64u << 10; /* a few hundred entries: spills many times */
	o.tmpdir = g_dir;
	assert_int_equal(shuan_risk_file(p, &o, &disk), 0);
	assert_true(disk.partitions > 0);
	const shuan_risk_result *rs[2] = {&mem, &disk};
	for (int i = 0; i < 2; i++) {
		const shuan_risk_result *r = rs[i];
		assert_int_equal(r->records, records);
		assert_int_equal(r->classes, 3000);
		assert_int_equal(r->k, 1);
		assert_int_equal(r->below_k, below);
		assert_int_equal(r->l_distinct, 1);
		assert_true(fabs(r->prosecutor_avg - 3000.0 / (double)records) < 1e-12);
		assert_int_equal(r->nbuckets, 7);
		for (size_t b = 0; b < 7; b++) {
			assert_int_equal(r->buckets[b].min, b + 1);
			assert_int_equal(r->buckets[b].classes, b < 4 ? 429 : 428);
		}
	}
	assert_true(fabs(mem.l_entropy - disk.l_entropy) < 1e-12);
	shuan_risk_result_free(&mem);
	shuan_risk_result_free(&disk);
}

/*
 * age,sex: 31 M, 32 M, 33 F, 34 F, 36 M, 37 F; k = 2, age levels keep / 5 / 10 /
 * 20 / *, sex keep / *.
 *   height 0, 1: every node leaves singletons: (1,0) gives 30-34 M 2, 30-34 F 2,
 *     35-39 M 1, 35-39 F 1 (2 records, 1/3, to suppress); (0,1) all ages differ.
 *   height 2: (2,0) 30-39 M 3, F 3, and (1,1) 30-34 4, 35-39 2 both reach k with
 *     nothing suppressed; loss (2/4 + 0)/2 = 0.25 beats (1/4 + 1)/2 = 0.625.
 * With a budget of 34% the height-1 node (1,0) is enough.
 */
static void test_lattice(void **state)
{
	static const char *const qi[] = {"age", "sex", NULL};
	shuan_risk_suggestion *s = NULL;
	char err[512], buf[8192];
	(void)state;
	const char *p = write_table("l.csv", "age,sex\n31,M\n32,M\n33,F\n34,F\n36,M\n37,F\n");
	shuan_risk_options o = opts(qi, NULL, 2);
	assert_int_equal(shuan_risk_suggest(p, &o, 0, &s, err, sizeof(err)), 0);
	assert_true(shuan_risk_suggestion_found(s));
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	shuan_risk_suggestion_write_json(s, f);
	fclose(f);
	assert_non_null(strstr(buf, "\"column\":\"age\",\"kind\":\"age\",\"level\":2"));
	assert_non_null(strstr(buf, "\"column\":\"sex\",\"kind\":\"sex\",\"level\":0"));
	assert_non_null(strstr(buf, "\"suppressed\":0,"));
	assert_non_null(strstr(buf, "\"k_after\":3,"));
	f = fmemopen(buf, sizeof(buf), "w");
	shuan_risk_suggestion_write_policy(s, f);
	fclose(f);
	assert_non_null(strstr(buf, "\"age\": \"generalize:type=age,band=10\""));
	assert_non_null(strstr(buf, "\"sex\": \"keep\""));
	assert_non_null(strstr(buf, "k_anonymity:\n  k: 2\n"));
	shuan_risk_suggestion_free(s);

	assert_int_equal(shuan_risk_suggest(p, &o, 0.34, &s, err, sizeof(err)), 0);
	f = fmemopen(buf, sizeof(buf), "w");
	shuan_risk_suggestion_write_json(s, f);
	fclose(f);
	assert_non_null(strstr(buf, "\"column\":\"age\",\"kind\":\"age\",\"level\":1"));
	assert_non_null(strstr(buf, "\"suppressed\":2,"));
	shuan_risk_suggestion_free(s);

	/* k larger than the table: nothing but the top node would do, which is no answer */
	o = opts(qi, NULL, 7);
	assert_int_equal(shuan_risk_suggest(p, &o, 0, &s, err, sizeof(err)), 0);
	assert_false(shuan_risk_suggestion_found(s));
	shuan_risk_suggestion_free(s);
}

static void test_counter(void **state)
{
	rk_counter c;
	(void)state;
	/* a budget of a few entries: the front table flushes and the buffers spill at once */
	shuan_hash128 A = {1, 1ull << 60}, B = {2, 2ull << 60}, C = {3, 3ull << 60};
	shuan_hash128 x = {11, 11}, y = {12, 12}, z = {13, 13};
	rk_measures m;
	rk_counter_init(&c, 64 * sizeof(rk_entry), g_dir, 0);
	rk_measures_init(&m, 2, true);
	assert_int_equal(rk_counter_add(&c, A, rk_pair_hash(A, "x", 1), 1), 0);
	assert_int_equal(rk_counter_add(&c, A, rk_pair_hash(A, "y", 1), 1), 0);
	assert_int_equal(rk_counter_add(&c, B, rk_pair_hash(B, "x", 1), 1), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(rk_counter_add(&c, C, rk_pair_hash(C, "z", 1), 1), 0);
	assert_int_equal(rk_counter_add(&c, A, rk_pair_hash(A, "x", 1), 1), 0);
	(void)x, (void)y, (void)z;
	assert_int_equal(rk_counter_finish(&c, rk_measures_class, &m), 0);
	assert_int_equal(m.classes, 3);
	assert_int_equal(m.records, 104);
	assert_int_equal(m.k, 1);
	assert_int_equal(m.below_k, 1);
	assert_int_equal(m.l_distinct, 1);
	rk_counter_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_computed),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_spill),
		cmocka_unit_test(test_lattice),
		cmocka_unit_test(test_counter),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
