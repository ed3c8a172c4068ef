/*
 * tests/unit/test_inventory_people.c - the inventory's people per source and
 * overall: a source of one table and an inventory of one source count their
 * part's people (borrowed, not copied), a source of several tables and an
 * inventory of several sources link theirs; adding after finish takes the
 * results back, and finishing again counts everything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "shuan/inventory.h"
#include "shuan/people.h"
#include "shuan/rules.h"

static const unsigned char KEY[32] = "0123456789abcdef0123456789abcdef";
static shuan_rules *rules;
static char dir[] = "/tmp/shuan-invppl-XXXXXX";

/* A CSV file of one 手机 column holding the mobiles 1381234567<d> for the
 * digits in ds. */
static void write_phones(const char *path, const char *ds)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("姓名,手机\n", f);
	for (const char *d = ds; *d; d++)
		fprintf(f, "张伟,1381234567%c\n", *d);
	fclose(f);
}

static int setup(void **state)
{
	char err[512], path[256];
	(void)state;
	if (shuan_rules_load(&rules, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)) != 0 || !mkdtemp(dir)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/two", dir);
	if (mkdir(path, 0700) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/two/a.csv", dir);
	write_phones(path, "123");
	snprintf(path, sizeof(path), "%s/two/b.csv", dir);
	write_phones(path, "34");
	snprintf(path, sizeof(path), "%s/one.csv", dir);
	write_phones(path, "45");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	shuan_rules_free(rules);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static shuan_inventory *inventory(void)
{
	static shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	shuan_inventory_options io = SHUAN_INVENTORY_OPTIONS_INIT;
	shuan_inventory *inv = NULL;
	char err[512];
	so.fingerprint_key = KEY;
	so.fingerprint_key_len = sizeof(KEY);
	io.rules_dir = SHUAN_TEST_RULES_DIR;
	io.scan = &so;
	assert_int_equal(shuan_inventory_new(&inv, rules, &io, err, sizeof(err)), 0);
	return inv;
}

static void add(shuan_inventory *inv, const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(shuan_inventory_add(inv, path), 0);
}

static uint64_t overall(const shuan_inventory *inv)
{
	shuan_people_counts c;
	shuan_inventory_people(inv, &c);
	assert_true(c.exact);
	return c.distinct;
}

/* The people of the source whose name ends with tail. */
static uint64_t source_people(const shuan_inventory *inv, const char *tail)
{
	for (size_t i = 0; i < shuan_inventory_source_count(inv); i++) {
		const shuan_inventory_source *s = shuan_inventory_source_at(inv, i);
		size_t n = strlen(s->source), k = strlen(tail);
		if (n >= k && !strcmp(s->source + n - k, tail))
			return s->people.distinct;
	}
	fail_msg("no source ending in %s", tail);
	return 0;
}

static void test_one_source_of_one_table(void **state)
{
	shuan_inventory *inv = inventory();
	shuan_people *into = NULL;
	shuan_people_counts c;
	(void)state;
	add(inv, "one.csv");
	assert_int_equal(shuan_inventory_finish(inv), 0);
	assert_int_equal(shuan_inventory_source_count(inv), 1);
	assert_int_equal(source_people(inv, "one.csv"), 2);
	assert_int_equal(overall(inv), 2);
	/* the borrowed counter merges like an own one */
	assert_int_equal(shuan_people_new(&into, NULL), 0);
	assert_int_equal(shuan_inventory_people_merge_into(inv, into), 0);
	shuan_people_counts_get(into, &c);
	assert_int_equal(c.distinct, 2);
	shuan_people_free(into);
	shuan_inventory_free(inv);
}

static void test_add_after_finish(void **state)
{
	shuan_inventory *inv = inventory();
	shuan_people_counts c;
	(void)state;
	add(inv, "two"); /* a source of two tables sharing 13812345673 */
	assert_int_equal(shuan_inventory_finish(inv), 0);
	assert_int_equal(source_people(inv, "two"), 4);
	assert_int_equal(overall(inv), 4);
	add(inv, "one.csv"); /* shares 13812345674 with two/b.csv */
	assert_int_equal(shuan_inventory_source_count(inv), 0); /* taken back until finish */
	shuan_inventory_people(inv, &c);
	assert_int_equal(c.distinct, 0);
	assert_int_equal(shuan_inventory_people_merge_into(inv, NULL), SHUAN_EINVAL);
	assert_int_equal(shuan_inventory_finish(inv), 0);
	assert_int_equal(shuan_inventory_source_count(inv), 2);
	assert_int_equal(source_people(inv, "two"), 4);
	assert_int_equal(source_people(inv, "one.csv"), 2);
	assert_int_equal(overall(inv), 5);
	shuan_inventory_free(inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_source_of_one_table),
	    cmocka_unit_test(test_add_after_finish),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
