/*
 * lib/validate/finance.c - payment card numbers (ISO/IEC 7812).
 *
 * Luhn alone accepts one random number in ten, and logs are full of 16-19
 * digit ids (snowflake ids, order numbers). A card must therefore pass Luhn
 * AND carry a plausible issuer prefix:
 *   62 UnionPay (16-19 digits), 4 Visa (16; 19 only when the issuer table
 *   knows the IIN), 51-55 and 2221-2720 Mastercard (16), 3528-3589 JCB
 *   (16-19), or an issuer prefix listed in rules/data/bank_iin.tsv with this
 *   card length.
 * A Luhn-valid 19-digit snowflake id such as 1234567890123456789... starts
 * with 1 and matches none of these. Amex (34/37, 15 digits) is out of scope.
 */
#include <string.h>

#include "lib/validate/internal.h"

/* Collects up to 19 digits; groups may be split by one consistent ' ' or '-'
 * after any digit. */
static size_t collect_digits(const char *s, size_t n, char out[20])
{
	return shuan_validate__collect_digits(s, n, out, 19, ~(uint32_t)1);
}

/* The brand by prefix rules, or NULL when no rule fits this length. */
static const char *brand(const char *num, size_t n, bool in_table)
{
	int p2 = shuan_validate__num(num, 2), p4 = shuan_validate__num(num, 4);
	if (p2 == 62)
		return "unionpay";
	if (num[0] == '4' && (n == 16 || (n == 19 && in_table)))
		return "visa";
	if (n == 16 && ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)))
		return "mastercard";
	if (p4 >= 3528 && p4 <= 3589)
		return "jcb";
	return NULL;
}

/* True when the table value "name|code|type|16,19" allows length n (a value
 * without a length list allows any length). */
static bool length_listed(const char *v, size_t n)
{
	const char *bar = strrchr(v, '|');
	if (!bar || !is_digit(bar[1]))
		return true;
	for (const char *p = bar + 1; *p;) {
		size_t l = 0;
		while (is_digit(*p))
			l = l * 10 + (size_t)(*p++ - '0');
		if (l == n)
			return true;
		if (*p != ',')
			break;
		p++;
	}
	return false;
}

/* Longest issuer prefix (10 down to 5 digits) in the IIN table that allows
 * this card length. */
static bool iin_known(const shuan_vdata *d, const char *num, size_t n)
{
	if (!d || !d->iins)
		return false;
	for (size_t l = 10; l >= 5; l--) {
		const char *v = shuan_dict_get(d->iins, num, l);
		if (v)
			return length_listed(v, n);
	}
	return false;
}

bool shuan_validate__bank_card(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	char num[20];
	size_t n = collect_digits(SPAN_P(buf, r), SPAN_N(r), num);
	if (n < 16 || n > 19 || !shuan_luhn_ok(num, n))
		return false;
	bool known = iin_known(d, num, n);
	const char *b = brand(num, n, known);
	if (!b && !known)
		return false;
	shuan_validate__kind(r, b ? b : "issuer_table");
	r->confidence = known ? 0.95 : 0.75;
	return true;
}
