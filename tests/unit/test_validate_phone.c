/*
 * tests/unit/test_validate_phone.c - mobile and fixed-line numbers.
 */
#include <stdio.h>

#include "validate_fixture.h"

static void test_mobile_valid(void **state)
{
	(void)state;
	assert_true(vyes("cn_mobile", "13812345678"));
	assert_true(vyes("cn_mobile", "+8613812345678"));
	assert_true(vyes("cn_mobile", "+86 13812345678"));
	assert_true(vyes("cn_mobile", "008613812345678"));
	assert_true(vyes("cn_mobile", "8613812345678"));
	assert_true(vyes("cn_mobile", "138 1234 5678"));
	assert_true(vyes("cn_mobile", "138-1234-5678"));
	assert_true(vyes("cn_mobile", "+86-138-1234-5678"));
	assert_true(vyes("cn_mobile", "19212345678")); /* China Broadnet */
	assert_true(vyes("cn_mobile", "16212345678")); /* MVNO */
	assert_true(vyes("cn_mobile", "17051234567")); /* 1705 MVNO */
	assert_true(vyes("cn_mobile", "13401234567")); /* 1340 */
}

static void test_mobile_invalid(void **state)
{
	(void)state;
	assert_false(vyes("cn_mobile", "14012345678"));   /* 140 unallocated (IoT) */
	assert_false(vyes("cn_mobile", "14412345678"));   /* 144 IoT block */
	assert_false(vyes("cn_mobile", "1440123456789")); /* 13-digit IoT */
	assert_false(vyes("cn_mobile", "12012345678"));
	assert_false(vyes("cn_mobile", "1381234567"));    /* 10 digits */
	assert_false(vyes("cn_mobile", "1381 2345678"));  /* separator not 3-4-4 */
	assert_false(vyes("cn_mobile", "138-1234 5678")); /* mixed separators */
	assert_false(vyes("cn_mobile", "138--12345678"));
	/* without the table any 1[3-9] prefix passes */
	assert_true(vbare("cn_mobile", "14012345678"));
}

static void test_landline(void **state)
{
	(void)state;
	assert_true(vyes("cn_landline", "010-12345678"));
	assert_true(vyes("cn_landline", "(0755)1234567"));
	assert_true(vyes("cn_landline", "（0755）12345678"));
	assert_true(vyes("cn_landline", "0571 8765 4321"));
	assert_true(vyes("cn_landline", "0571-87654321"));
	assert_true(vyes("cn_landline", "021-8765432"));
	assert_true(vyes("cn_landline", "02187654321"));
	assert_false(vyes("cn_landline", "026-87654321")); /* 26 not an area code */
	assert_false(vyes("cn_landline", "0000-87654321"));
	assert_false(vyes("cn_landline", "010-02345678")); /* local starts with 0 */
	/* a local number starting with 1 (service block) is accepted, less sure:
	 * the issue's own example is 010-12345678 */
	shuan_vresult r = {0};
	assert_true(vok("cn_landline", "010-12345678", &r));
	double low = r.confidence;
	assert_true(vok("cn_landline", "010-62345678", &r));
	assert_true(low < r.confidence);
	assert_false(vyes("cn_landline", "010-123456"));    /* too short */
	assert_false(vyes("cn_landline", "010-234567890")); /* too long */
	assert_false(vyes("cn_landline", "(0755-1234567"));
	assert_false(vyes("cn_landline", "0420-87654321")); /* 420 not allocated */
	assert_true(vyes("cn_landline", "0999-8765432"));   /* 伊犁 */
	assert_true(vbare("cn_landline", "0420-87654321"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mobile_valid),
	    cmocka_unit_test(test_mobile_invalid),
	    cmocka_unit_test(test_landline),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
