/*
 * tests/unit/test_dict.c - the rules/data dictionary: loading (comments,
 * blanks, CRLF, values), lookup, iteration, errors and allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/validate/validate.h"
#include "shuan/common.h"
#include "util/alloc.h"
#include "util/dict.h"

static char tmp_path[64];

static void write_tmp(const char *content)
{
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/shuan_dict_XXXXXX");
	int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

static void test_load_lookup(void **state)
{
	(void)state;
	write_tmp("# comment\n\nbeta\t2\r\nalpha\t1\n# another\ngamma\ndelta\tx\ty\nalpha\t9\n");
	shuan_dict *d = NULL;
	char err[128];
	assert_int_equal(shuan_dict_load(&d, tmp_path, err, sizeof(err)), 0);
	assert_int_equal(shuan_dict_size(d), 4);
	assert_string_equal(shuan_dict_get(d, "beta", 4), "2"); /* CR stripped */
	assert_non_null(shuan_dict_get(d, "alpha", 5));
	assert_string_equal(shuan_dict_get(d, "gamma", 5), "");
	assert_string_equal(shuan_dict_get(d, "delta", 5), "x\ty");
	assert_null(shuan_dict_get(d, "alph", 4));
	assert_null(shuan_dict_get(d, "alphax", 6));
	assert_true(shuan_dict_has(d, "gammaray", 5)); /* length-bounded key */
	assert_false(shuan_dict_has(NULL, "gamma", 5));
	assert_string_equal(shuan_dict_key(d, 0), "alpha");
	assert_string_equal(shuan_dict_key(d, 3), "gamma");
	assert_null(shuan_dict_key(d, 4));
	shuan_dict_free(d);
	unlink(tmp_path);
}

static void test_empty_and_missing(void **state)
{
	(void)state;
	write_tmp("# only a comment\n\n");
	shuan_dict *d = NULL;
	assert_int_equal(shuan_dict_load(&d, tmp_path, NULL, 0), 0);
	assert_int_equal(shuan_dict_size(d), 0);
	assert_null(shuan_dict_get(d, "a", 1));
	shuan_dict_free(d);
	unlink(tmp_path);
	char err[128] = "";
	d = (shuan_dict *)1;
	assert_int_equal(shuan_dict_load(&d, "/nonexistent/shuan.tsv", err, sizeof(err)), SHUAN_ENOTFOUND);
	assert_null(d);
	assert_non_null(strstr(err, "/nonexistent/shuan.tsv"));
	shuan_dict_free(NULL);
}

static void test_long_line(void **state)
{
	(void)state;
	char *big = malloc(6000);
	assert_non_null(big);
	memcpy(big, "ok\n", 3);
	memset(big + 3, 'a', 5000);
	memcpy(big + 5003, "\n", 2);
	write_tmp(big);
	free(big);
	shuan_dict *d = NULL;
	char err[128] = "";
	assert_int_equal(shuan_dict_load(&d, tmp_path, err, sizeof(err)), SHUAN_ELIMIT);
	assert_null(d);
	assert_non_null(strstr(err, ":2:"));
	unlink(tmp_path);
}

static void test_from_keys(void **state)
{
	(void)state;
	const char *keys[] = {"欧阳", "王", NULL, "", "张", "王"};
	shuan_dict *d = NULL;
	assert_int_equal(shuan_dict_from_keys(&d, keys, 6), 0);
	assert_int_equal(shuan_dict_size(d), 3);
	assert_true(shuan_dict_has(d, "欧阳", strlen("欧阳")));
	assert_string_equal(shuan_dict_get(d, "王", strlen("王")), "");
	assert_false(shuan_dict_has(d, "欧", strlen("欧")));
	shuan_dict_free(d);
}

static void test_prefix(void **state)
{
	(void)state;
	const char *keys[] = {"杭州市", "杭州", "萧山区", "义桥镇", "z"};
	shuan_dict *d = NULL;
	assert_int_equal(shuan_dict_from_keys(&d, keys, 5), 0);
	assert_int_equal(shuan_dict_prefix(d, "杭", strlen("杭")), 1);
	assert_int_equal(shuan_dict_prefix(d, "杭州", strlen("杭州")), 2);
	assert_int_equal(shuan_dict_prefix(d, "杭州市", strlen("杭州市")), 2);
	assert_int_equal(shuan_dict_prefix(d, "杭州市萧", strlen("杭州市萧")), 0);
	assert_int_equal(shuan_dict_prefix(d, "萧山区义桥镇", strlen("萧山")), 1); /* only len bytes count */
	assert_int_equal(shuan_dict_prefix(d, "zz", 2), 0);                    /* past the last key */
	assert_int_equal(shuan_dict_prefix(d, "a", 1), 0);                     /* before the first */
	assert_int_equal(shuan_dict_prefix(NULL, "a", 1), 0);
	shuan_dict_free(d);
}

/* What shuan_dict_prefix must say, by looking at every key. */
static int prefix_by_scan(const shuan_dict *d, const char *q, size_t len)
{
	int best = 0;
	for (size_t i = 0; i < shuan_dict_size(d); i++) {
		const char *k = shuan_dict_key(d, i);
		size_t kl = strlen(k);
		if (kl >= len && !memcmp(k, q, len))
			best = kl == len ? 2 : best > 1 ? best : 1;
	}
	return best;
}

/* The hashed prefix index against a scan of every key, on the two tables
 * the address validator walks: every byte length of texts that begin with
 * a key, run past it, or stop inside a character. */
static void test_prefix_index_real(void **state)
{
	(void)state;
	static const char *const files[] = {"division_names.txt", "townships.tsv"};
	static const char *const tails[] = {"", "区", "路90号", "镇陶家村", "\xe6", "x"};
	for (size_t f = 0; f < 2; f++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/data/%s", SHUAN_TEST_RULES_DIR, files[f]);
		shuan_dict *d = NULL;
		assert_int_equal(shuan_dict_load(&d, path, NULL, 0), 0);
		size_t checked = 0;
		for (size_t i = 0; i < shuan_dict_size(d); i += shuan_dict_size(d) / 32 + 1)
			for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
				char q[256];
				snprintf(q, sizeof(q), "%s%s", shuan_dict_key(d, i), tails[t]);
				for (size_t l = 1; l <= strlen(q); l++, checked++)
					if (shuan_dict_prefix(d, q, l) != prefix_by_scan(d, q, l))
						fail_msg("%s: prefix of %zu bytes of key %zu: %d, expected %d", files[f], l, i,
							 shuan_dict_prefix(d, q, l), prefix_by_scan(d, q, l));
			}
		assert_true(checked > 1000);
		shuan_dict_free(d);
	}
}

/* Two tables under one hash answer as each would alone, a NULL table 0. */
static void test_prefix_n(void **state)
{
	(void)state;
	const char *a_keys[] = {"杭州市", "杭州", "萧山区"}, *b_keys[] = {"义桥镇", "杭州湾街道", "x"};
	shuan_dict *a = NULL, *b = NULL;
	assert_int_equal(shuan_dict_from_keys(&a, a_keys, 3), 0);
	assert_int_equal(shuan_dict_from_keys(&b, b_keys, 3), 0);
	const shuan_dict *both[3] = {a, b, NULL};
	static const char *const q[] = {"杭", "杭州", "杭州湾", "杭州市", "义桥", "萧山区义桥镇", "xy", "\xe6\x9d"};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		int out[3] = {-1, -1, -1};
		shuan_dict_prefix_n(both, 3, q[i], strlen(q[i]), out);
		assert_int_equal(out[0], shuan_dict_prefix(a, q[i], strlen(q[i])));
		assert_int_equal(out[1], shuan_dict_prefix(b, q[i], strlen(q[i])));
		assert_int_equal(out[2], 0);
	}
	int out[2];
	shuan_dict_prefix_n(both, 2, "杭州湾", strlen("杭州湾"), out);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 1);
	shuan_dict_free(a);
	shuan_dict_free(b);
}

/* The index is built on the first prefix lookup; when that runs out of
 * memory the lookups still answer (by binary search). */
static void test_prefix_index_no_memory(void **state)
{
	(void)state;
	const char *keys[] = {"杭州市", "杭州", "萧山区", "义桥镇"};
	shuan_dict *d = NULL;
	assert_int_equal(shuan_dict_from_keys(&d, keys, 4), 0);
	shuan_alloc_fail_after(1);
	assert_int_equal(shuan_dict_prefix(d, "杭州", strlen("杭州")), 2);
	shuan_alloc_fail_after(0);
	assert_int_equal(shuan_dict_prefix(d, "杭", strlen("杭")), 1);
	assert_int_equal(shuan_dict_prefix(d, "萧山区义", strlen("萧山区义")), 0);
	shuan_dict_free(d);
}

static void test_alloc_failures(void **state)
{
	(void)state;
	write_tmp("a\t1\nb\t2\n");
	for (long n = 1; n < 10; n++) {
		shuan_dict *d = NULL;
		shuan_alloc_fail_after(n);
		int rc = shuan_dict_load(&d, tmp_path, NULL, 0);
		shuan_alloc_fail_after(0);
		if (rc == 0) {
			assert_int_equal(shuan_dict_size(d), 2);
			shuan_dict_free(d);
			break;
		}
		assert_int_equal(rc, SHUAN_ENOMEM);
		assert_null(d);
	}
	unlink(tmp_path);
}

static void test_real_tables(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "gb2260.tsv",   "division_names.txt", "mobile_prefixes.tsv", "area_codes.tsv",
	    "bank_iin.tsv", "surnames.txt",       "name_stopwords.txt",  "common_passwords.txt",
	    "townships.tsv", "password_words.txt"};
	static const size_t min[] = {7000, 5000, 60, 300, 1000, 500, 100, 500, 30000, 100};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/data/%s", SHUAN_TEST_RULES_DIR, files[i]);
		shuan_dict *d = NULL;
		assert_int_equal(shuan_dict_load(&d, path, NULL, 0), 0);
		assert_true(shuan_dict_size(d) >= min[i]);
		shuan_dict_free(d);
	}
}

static void test_vdata_load(void **state)
{
	(void)state;
	shuan_vdata d = {0};
	char err[256] = "";
	assert_int_equal(shuan_vdata_load(&d, SHUAN_TEST_RULES_DIR, err, sizeof(err)), 0);
	assert_non_null(d.divisions);
	assert_non_null(d.name_stopwords);
	assert_int_equal(d.weak_password_min_len, 8);
	assert_int_equal(d.precise_location_decimals, 4);
	assert_int_equal(d.minor_age, 14);
	assert_string_equal(d.minor_spi_category, "不满十四周岁未成年人的个人信息");
	assert_true(shuan_dict_has(d.divisions, "110105", 6));
	shuan_vdata_free(&d);
	assert_null(d.divisions);
	shuan_vdata_free(NULL);
	assert_int_equal(shuan_vdata_load(&d, "/nonexistent", err, sizeof(err)), SHUAN_ENOTFOUND);
	assert_non_null(strstr(err, "gb2260.tsv"));
	assert_null(d.divisions);
	/* every allocation failure is reported and leaks nothing */
	for (long n = 1; n < 40; n++) {
		shuan_alloc_fail_after(n);
		int rc = shuan_vdata_load(&d, SHUAN_TEST_RULES_DIR, NULL, 0);
		shuan_alloc_fail_after(0);
		if (rc == 0) {
			shuan_vdata_free(&d);
			break;
		}
		assert_int_equal(rc, SHUAN_ENOMEM);
		assert_null(d.divisions);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_lookup),    cmocka_unit_test(test_empty_and_missing),
	    cmocka_unit_test(test_long_line),      cmocka_unit_test(test_from_keys),
	    cmocka_unit_test(test_alloc_failures), cmocka_unit_test(test_real_tables),
	    cmocka_unit_test(test_prefix),         cmocka_unit_test(test_prefix_index_real),
	    cmocka_unit_test(test_prefix_index_no_memory), cmocka_unit_test(test_prefix_n),
	    cmocka_unit_test(test_vdata_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
