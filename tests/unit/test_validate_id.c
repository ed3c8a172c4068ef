/*
 * tests/unit/test_validate_id.c - citizen ID numbers (18/15 digits,
 * residence permits) and Unified Social Credit Codes, plus the shared
 * check-character helpers.
 */
#include <stdio.h>

#include "validate_fixture.h"

static void test_check_chars(void **state)
{
	(void)state;
	assert_int_equal(shuan_id_check_char("11010519491231002"), 'X');
	assert_int_equal(shuan_id_check_char("44052418800101001"), '4');
	assert_int_equal(shuan_id_check_char("44030420000101123"), '9');
	assert_int_equal(shuan_id_check_char("4403042000010112A"), -1);
	assert_int_equal(shuan_uscc_check_char("91440300708461136"), 'T');
	assert_int_equal(shuan_uscc_check_char("91110108MA0100000"), 'W');
	assert_int_equal(shuan_uscc_check_char("9144030070846113I"), -1);
	assert_true(shuan_date_valid(2000, 2, 29));
	assert_false(shuan_date_valid(1900, 2, 29));
	assert_false(shuan_date_valid(1999, 2, 30));
	assert_false(shuan_date_valid(2001, 13, 1));
	assert_true(shuan_luhn_ok("6217000000000000004", 19));
	assert_false(shuan_luhn_ok("6217000000000000005", 19));
	assert_false(shuan_luhn_ok("62170000a0000000004", 19));
}

static void test_resident_id_valid(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	assert_true(vok("cn_resident_id", "11010519491231002X", &r));
	assert_int_equal(r.birth_year, 1949);
	assert_int_equal(r.birth_month, 12);
	assert_int_equal(r.birth_day, 31);
	assert_int_equal(r.sex, 'F');
	assert_int_equal(r.age, 76);
	assert_false(r.minor_under_14);
	assert_string_equal(r.kind, "resident_id");
	/* lowercase x accepted */
	assert_true(vyes("cn_resident_id", "11010519491231002x"));
	/* 440304 福田区, born 2000-01-01, sequence 123 odd: male */
	assert_true(vok("cn_resident_id", "440304200001011239", &r));
	assert_int_equal(r.sex, 'M');
	assert_int_equal(r.age, 26);
}

static void test_resident_id_minor(void **state)
{
	(void)state;
	/* born 2015-06-01 in 110105: 11 on the scan date 2026-11-22 */
	char id[19] = "11010520150601001";
	id[17] = (char)shuan_id_check_char(id);
	id[18] = '\0';
	shuan_vresult r = {0};
	assert_true(vok("cn_resident_id", id, &r));
	assert_int_equal(r.age, 11);
	assert_true(r.minor_under_14);
	/* the day before the 14th birthday is still under 14 */
	char id2[19] = "11010520121123001";
	id2[17] = (char)shuan_id_check_char(id2);
	id2[18] = '\0';
	assert_true(vok("cn_resident_id", id2, &r));
	assert_int_equal(r.age, 13);
	assert_true(r.minor_under_14);
}

/* Builds an 18-digit number with a correct check char from a 17-char body. */
static const char *with_check(const char *body17)
{
	static char id[19];
	memcpy(id, body17, 17);
	id[17] = (char)shuan_id_check_char(body17);
	id[18] = '\0';
	return id;
}

static void test_resident_id_invalid(void **state)
{
	(void)state;
	assert_false(vyes("cn_resident_id", "110105194912310021"));            /* bad check */
	assert_false(vyes("cn_resident_id", with_check("11010519990230001"))); /* 1999-02-30 */
	assert_false(vyes("cn_resident_id", with_check("11010520301231001"))); /* future */
	assert_false(vyes("cn_resident_id", with_check("11010520261123001"))); /* tomorrow */
	assert_false(vyes("cn_resident_id", with_check("11010518991231001"))); /* before 1900 */
	assert_false(vyes("cn_resident_id", with_check("99010519491231001"))); /* no province 99 */
	assert_false(vyes("cn_resident_id", with_check("11019919491231001"))); /* unknown division */
	assert_true(vbare("cn_resident_id", with_check("11019919491231001"))); /* ...without the table */
	assert_false(vyes("cn_resident_id", "1101051949123100"));
	assert_false(vyes("cn_resident_id", "11010519491231002Y"));
}

static void test_resident_id_historic_and_permits(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	/* 110103 崇文区 was abolished in 2010; its numbers stay valid */
	assert_true(vyes("cn_resident_id", with_check("11010319800101001")));
	assert_true(vok("cn_resident_id", "810000199001010019", &r));
	assert_string_equal(r.kind, "hmt_residence_permit");
	assert_true(vyes("cn_resident_id", with_check("83000019850707002")));
	assert_true(vyes("cn_resident_id", with_check("82000020000202003")));
}

static void test_resident_id_legacy(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	assert_true(vok("cn_resident_id", "110105491231002", &r));
	assert_string_equal(r.kind, "legacy_15");
	assert_int_equal(r.birth_year, 1949);
	assert_int_equal(r.sex, 'F');
	assert_false(vyes("cn_resident_id", "110105490230002")); /* Feb 30 */
	assert_false(vyes("cn_resident_id", "110199491231002")); /* unknown division */
	assert_false(vyes("cn_resident_id", "000000491231002"));
}

static void test_uscc(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	assert_true(vok("cn_uscc", "91440300708461136T", &r));
	assert_string_equal(r.kind, "uscc");
	double full = r.confidence;
	/* the embedded org code of this one fails GB 11714: accepted, less sure */
	assert_true(vok("cn_uscc", "91110108MA0100000W", &r));
	assert_string_equal(r.kind, "uscc_org_unchecked");
	assert_true(r.confidence < full);
	assert_false(vyes("cn_uscc", "91440300708461136U")); /* bad check */
	assert_false(vyes("cn_uscc", "91440300708461137T")); /* one digit changed */
	assert_false(vyes("cn_uscc", "9I440300708461136T")); /* forbidden I */
	assert_false(vyes("cn_uscc", "91440300708461136O"));
	assert_false(vyes("cn_uscc", "B1440300708461136T")); /* authority B */
	assert_false(vyes("cn_uscc", "914403007084611361"));
	assert_false(vyes("cn_uscc", "91440300708461136"));
	/* forbidden S/V/Z anywhere, even with a recomputed check char */
	assert_int_equal(shuan_uscc_check_char("91440300S08461136"), -1);
	assert_int_equal(shuan_uscc_check_char("91440300V08461136"), -1);
	assert_int_equal(shuan_uscc_check_char("91440300Z08461136"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_chars),
	    cmocka_unit_test(test_resident_id_valid),
	    cmocka_unit_test(test_resident_id_minor),
	    cmocka_unit_test(test_resident_id_invalid),
	    cmocka_unit_test(test_resident_id_historic_and_permits),
	    cmocka_unit_test(test_resident_id_legacy),
	    cmocka_unit_test(test_uscc),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
