/*
 * tests/unit/test_validate_finance.c - payment card numbers: Luhn plus issuer
 * prefix, and the hard negatives (snowflake ids, order numbers).
 */
#include <stdio.h>

#include "validate_fixture.h"

#include "lib/validate/internal.h"

/* Completes a body with the Luhn check digit (static buffer). */
static const char *luhn(const char *body)
{
	static char out[32];
	size_t n = strlen(body);
	memcpy(out, body, n);
	for (char c = '0'; c <= '9'; c++) {
		out[n] = c;
		if (shuan_luhn_ok(out, n + 1))
			break;
	}
	out[n + 1] = '\0';
	return out;
}

static void test_card_valid(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	assert_true(vok("bank_card", "6217000000000000004", &r));
	assert_string_equal(r.kind, "unionpay");
	assert_true(vok("bank_card", luhn("622202123456789012"), &r)); /* ICBC 622202, 19 digits */
	assert_true(r.confidence > 0.9);
	assert_true(vyes("bank_card", "4111111111111111")); /* Visa test card */
	assert_true(vyes("bank_card", "5500000000000004")); /* Mastercard */
	assert_true(vyes("bank_card", "2223000048400011")); /* Mastercard 2-series */
	assert_true(vyes("bank_card", "3530111333300000")); /* JCB */
	assert_true(vyes("bank_card", "6217 0000 0000 0000 004"));
	assert_true(vyes("bank_card", "4111-1111-1111-1111"));
	/* an IIN in the table raises confidence over the bare 62 rule */
	assert_true(vok("bank_card", luhn("622848000000000000"), &r)); /* ABC */
	double known = r.confidence;
	assert_true(vok("bank_card", luhn("629999000000000000"), &r));
	assert_true(r.confidence < known);
}

static void test_card_invalid(void **state)
{
	(void)state;
	assert_false(vyes("bank_card", "6217000000000000005"));  /* Luhn */
	assert_false(vyes("bank_card", "4111 1111-1111 1111"));  /* mixed separators */
	assert_false(vyes("bank_card", "4111  1111 1111 1111")); /* double space */
	assert_false(vyes("bank_card", "378282246310005"));      /* Amex 15: out of scope */
	/* Luhn-valid snowflake ids and order numbers */
	assert_false(vyes("bank_card", luhn("180000000000000000"))); /* 19 digits, 18... */
	assert_false(vyes("bank_card", luhn("123456789012345678")));
	assert_false(vyes("bank_card", luhn("298765432109876543")));
	assert_false(vyes("bank_card", luhn("312345678901234567")));
	assert_false(vyes("bank_card", luhn("70000000000000000"))); /* 18 digits, 7... */
	assert_false(vyes("bank_card", luhn("80000000000000000")));
	assert_false(vyes("bank_card", luhn("90000000000000000")));
	assert_false(vyes("bank_card", luhn("955880000000000000"))); /* old 9558, dropped */
	assert_false(vyes("bank_card", luhn("202311220000000")));    /* 16-digit date-like id */
	assert_false(vyes("bank_card", luhn("555500000000000000"))); /* Mastercard is 16 only */
	assert_false(vyes("bank_card", luhn("412345678901234567"))); /* Visa 19 not in table */
}

/* The digit collector bank cards and mobile numbers share: the limit, where
 * a separator may stand, and one kind of separator throughout. */
static void test_collect_digits(void **state)
{
	(void)state;
	char out[20];
	const uint32_t any = ~(uint32_t)1, mobile = 1u << 3 | 1u << 7;
	assert_int_equal(shuan_validate__collect_digits("6222 0200 1234", 14, out, 19, any), 12);
	assert_string_equal(out, "622202001234");
	assert_int_equal(shuan_validate__collect_digits("1-2-3", 5, out, 19, any), 3);
	assert_int_equal(shuan_validate__collect_digits("1-2 3", 5, out, 19, any), 0); /* two kinds */
	assert_int_equal(shuan_validate__collect_digits(" 123", 4, out, 19, any), 0);  /* before a digit */
	assert_int_equal(shuan_validate__collect_digits("123 ", 4, out, 19, any), 0);  /* at the end */
	assert_int_equal(shuan_validate__collect_digits("12  3", 5, out, 19, any), 0); /* doubled */
	assert_int_equal(shuan_validate__collect_digits("12a3", 4, out, 19, any), 0);
	assert_int_equal(shuan_validate__collect_digits("1234", 4, out, 3, any), 0); /* over max */
	assert_int_equal(shuan_validate__collect_digits("123", 3, out, 3, any), 3);
	assert_int_equal(shuan_validate__collect_digits("", 0, out, 3, any), 0);
	assert_int_equal(shuan_validate__collect_digits("138 0013 8000", 13, out, 11, mobile), 11);
	assert_string_equal(out, "13800138000");
	assert_int_equal(shuan_validate__collect_digits("1380 013 8000", 13, out, 11, mobile), 0);
	assert_int_equal(shuan_validate__collect_digits("138-0013-8000", 13, out, 11, mobile), 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_card_valid),
	    cmocka_unit_test(test_card_invalid),
	    cmocka_unit_test(test_collect_digits),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
