/*
 * tests/unit/test_validate_robust.c - every validator on hostile input: random
 * bytes, digit soup, truncated UTF-8 and real samples cut at every offset,
 * each in a heap buffer of exactly its length (no NUL terminator), so ASan
 * catches any read outside [0, len). Checks the contract on acceptance: the
 * span only narrows and the confidence is in (0, 1].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_fixture.h"

static const char *const SAMPLES[] = {
    "11010519491231002X",
    "+86 138 1234 5678",
    "(0755)1234567",
    "zhang@example.com",
    "202.96.128.86",
    "2001:db8::8a2e:370:7334",
    "00:1A:2B:3C:4D:5E",
    "490154203237518",
    "6217 0000 0000 0000 004",
    "91440300708461136T",
    "EA1234567",
    "M1234567801",
    "京AD12345",
    "30.274085，120.155070",
    "客户张伟先生",
    "姓名：欧阳娜娜",
    "买买提·艾力",
    "浙江省杭州市西湖区文三路90号1号楼301室",
    "password = 'hunter2'",
    "jdbc:mysql://root:pw@h/x",
    "eyJhbGciOiJIUzI1NiJ9.eyJzIjoxfQ.c2lnbmF0dXJl",
    "-----BEGIN EC PRIVATE KEY-----",
    "AKIAZ7QW3ERTYUIOP4SD",
    "\xE4\xB8",
    "\xFF\xFE\x80",
};

static void run_all(const char *data, size_t len, size_t start, size_t end, bool field)
{
	char *buf = malloc(len ? len : 1);
	assert_non_null(buf);
	memcpy(buf, data, len);
	for (const shuan_validator *v = shuan_validators; v->name; v++) {
		for (int t = 0; t < 2; t++) {
			shuan_vresult r = {0};
			r.start = start;
			r.end = end;
			r.field_mode = field;
			if (v->fn(t ? &V : &NOTABLES, buf, len, &r)) {
				assert_true(r.start >= start && r.end <= end && r.start < r.end);
				assert_true(r.confidence > 0 && r.confidence <= 1);
			}
		}
	}
	free(buf);
}

/* The first word of l (in list order) that s[0..n) begins with: what
 * shuan_words_at must return, by the plainest comparison. */
static size_t words_at_by_memcmp(const shuan_wordlist *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i]) <= n && !memcmp(s, l->v[i], strlen(l->v[i])))
			return strlen(l->v[i]);
	return 0;
}

/* The lead-byte index and the two-byte pre-check only rule words out: an
 * indexed list and a plain one find exactly what comparing every word
 * finds, at every offset, for one-byte, ASCII and Han words (some sharing
 * their first two bytes), and at the end of the text. */
static void test_words_index(void **state)
{
	(void)state;
	static const char *const words[] = {"号院", "号", "栋", "ab", "x", "\xE9\x99\x84", "\xE9\x99\x85", "a"};
	shuan_wordlist plain = {"t", words, sizeof(words) / sizeof(words[0]), false, {0}, {0}, {0}};
	shuan_wordlist idx = plain;
	shuan_wordlist_index(&idx);
	assert_true(idx.indexed);
	const char *text = "3号院2栋xab号a\xE9\x99\x84" "b楼x";
	size_t n = strlen(text), found = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t m = 1; m <= n - i; m++) {
			size_t a = shuan_words_at(&plain, text + i, m), b = shuan_words_at(&idx, text + i, m);
			assert_int_equal(a, b);
			assert_int_equal(a, words_at_by_memcmp(&plain, text + i, m));
			found += a > 0;
		}
	assert_true(found > 0);
	assert_int_equal(shuan_words_at(&idx, "号院", strlen("号院")), strlen("号院"));
	assert_int_equal(shuan_words_at(&idx, "x", 1), 1);
	assert_int_equal(shuan_words_at(&idx, "y", 1), 0);
	assert_int_equal(shuan_words_at(&idx, "楼", strlen("楼")), 0);
}

static void test_sample_cuts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(SAMPLES) / sizeof(SAMPLES[0]); i++) {
		const char *s = SAMPLES[i];
		size_t n = strlen(s);
		for (size_t a = 0; a <= n; a++)
			for (size_t b = a + 1; b <= n; b++) {
				run_all(s, n, a, b, false);
				run_all(s + a, b - a, 0, b - a, true);
			}
	}
}

static void test_random(void **state)
{
	(void)state;
	static const char alphabet[] = "0123456789Xx.:-@ ,/=\"'AaKIeyJ\xE4\xB8\xAD\xEF\xBC\x9A";
	unsigned seed = 12345;
	char text[64];
	for (int round = 0; round < 20000; round++) {
		seed = seed * 1103515245u + 12345u;
		size_t n = 1 + (seed >> 16) % sizeof(text);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		seed = seed * 1103515245u + 12345u;
		size_t a = (seed >> 16) % n;
		size_t b = a + 1 + (seed >> 8) % (n - a);
		run_all(text, n, a, b, round & 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_index),
	    cmocka_unit_test(test_sample_cuts),
	    cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
