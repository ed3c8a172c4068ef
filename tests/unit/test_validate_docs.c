/*
 * tests/unit/test_validate_docs.c - passports, travel permits, vehicle plates.
 */
#include <stdio.h>

#include "validate_fixture.h"

static void test_passport(void **state)
{
	(void)state;
	assert_true(vyes("cn_passport", "E12345678"));
	assert_true(vyes("cn_passport", "EA1234567"));
	assert_true(vyes("cn_passport", "G12345678"));
	assert_true(vyes("cn_passport", "DE1234567"));
	assert_true(vyes("cn_passport", "141234567"));
	assert_true(vyes("cn_passport", "KJ1234567"));
	assert_true(vyes("cn_passport", "MA1234567"));
	assert_false(vyes("cn_passport", "EI1234567")); /* no I */
	assert_false(vyes("cn_passport", "EO1234567"));
	assert_false(vyes("cn_passport", "E1234567"));
	assert_false(vyes("cn_passport", "X12345678"));
	assert_false(vyes("cn_passport", "161234567"));
	assert_false(vyes("cn_passport", "e12345678"));
}

static void test_permits(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	assert_true(vok("hk_macao_permit", "H12345678", &r));
	assert_string_equal(r.kind, "hong_kong");
	assert_true(vyes("hk_macao_permit", "M1234567801"));
	assert_false(vyes("hk_macao_permit", "C12345678"));
	assert_false(vyes("hk_macao_permit", "H123456789"));
	assert_true(vyes("tw_permit", "12345678"));
	assert_true(vyes("tw_permit", "1234567801"));
	assert_false(vyes("tw_permit", "123456789"));
	assert_false(vyes("tw_permit", "1234567A"));
	assert_true(vyes("cn_exit_entry_permit", "C12345678"));
	assert_true(vyes("cn_exit_entry_permit", "CA1234567"));
	assert_true(vyes("cn_exit_entry_permit", "W12345678"));
	assert_false(vyes("cn_exit_entry_permit", "CI1234567"));
	assert_false(vyes("cn_exit_entry_permit", "H12345678"));
	assert_false(vyes("cn_exit_entry_permit", "C1234567"));
}

/* HKID: MOD 11 over weights 9..2, a lone letter preceded by a space (36),
 * A..Z = 10..35, check A = 10. A123456(3): 324 + 80 + 77 = 481, 481 % 11 = 8,
 * so the check is 3. */
static void test_hk_id(void **state)
{
	shuan_vresult r = {0};
	(void)state;
	assert_true(vok("hk_id", "A123456(3)", &r));
	assert_string_equal(r.kind, "one_letter_prefix");
	assert_true(vyes("hk_id", "A1234563"));
	assert_true(vok("hk_id", "AB9876543", &r));
	assert_string_equal(r.kind, "two_letter_prefix");
	assert_false(vyes("hk_id", "A123456(4)")); /* wrong check */
	assert_false(vyes("hk_id", "A1234564"));
	assert_false(vyes("hk_id", "A123456(3"));  /* unbalanced */
	assert_false(vyes("hk_id", "123456(3)"));  /* no letter */
	assert_false(vyes("hk_id", "ABC123456(3)"));
	assert_false(vyes("hk_id", "A12345(3)"));
}

static void test_plate(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	assert_true(vok("cn_plate", "京A12345", &r));
	assert_string_equal(r.kind, "ordinary");
	assert_true(vyes("cn_plate", "粤B8K9Z2"));
	assert_true(vyes("cn_plate", "沪A·B1234"));
	assert_true(vok("cn_plate", "京AD12345", &r));
	assert_string_equal(r.kind, "new_energy_small");
	assert_true(vok("cn_plate", "粤B12345F", &r));
	assert_string_equal(r.kind, "new_energy_large");
	assert_true(vok("cn_plate", "粤B1234学", &r));
	assert_string_equal(r.kind, "special");
	assert_false(vyes("cn_plate", "京I12345")); /* authority I */
	assert_false(vyes("cn_plate", "京A1234O")); /* serial O */
	assert_false(vyes("cn_plate", "京ABCDEF")); /* all letters */
	assert_false(vyes("cn_plate", "京ABCD1"));  /* 4 letters */
	assert_false(vyes("cn_plate", "港A12345")); /* not a province */
	assert_false(vyes("cn_plate", "京A1234"));
	assert_false(vyes("cn_plate", "京AX12345")); /* X is no energy letter */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_passport),
	    cmocka_unit_test(test_permits),
	    cmocka_unit_test(test_hk_id),
	    cmocka_unit_test(test_plate),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
