/*
 * lib/validate/id.c - identity and organisation numbers with check
 * characters: the citizen ID number (GB 11643-1999) incl. the legacy 15-digit
 * form and the HK/Macao/Taiwan residence permit, and the Unified Social Credit
 * Code (GB 32100-2015) with its embedded organisation code (GB 11714).
 * USCC decision: the GB 32100 check character is the hard check; the GB 11714
 * check of positions 9-17 only moves confidence (0.97 when it holds, 0.85
 * otherwise), because the reference vector 91110108MA0100000W fails it.
 *
 * Worked example, 11010519491231002X: address code 110105 (Beijing Chaoyang),
 * born 1949-12-31, sequence 002 (even: female), check X because the weighted
 * sum of the first 17 digits is 2 mod 11 and "10X98765432"[2] = 'X'.
 */
#include <string.h>

#include "lib/validate/internal.h"

/* Province prefixes of GB/T 2260 plus 71 (Taiwan), 81/82 (HK/Macao). */
static bool province_ok(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
	       (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82;
}

static bool is_hmt_permit(const char *s)
{
	return memcmp(s, "810000", 6) == 0 || memcmp(s, "820000", 6) == 0 || memcmp(s, "830000", 6) == 0;
}

/* Full years between birth and the scan date. */
static int age_on(long today, int y, int m, int d)
{
	int ty = (int)(today / 10000), tm = (int)(today / 100 % 100), td = (int)(today % 100);
	int age = ty - y;
	if (tm < m || (tm == m && td < d))
		age--;
	return age;
}

/* Date, "not in the future" and the derived attributes. */
static bool set_birth(const shuan_vdata *d, shuan_vresult *r, int y, int m, int day, char seq)
{
	if (y < 1900 || !shuan_date_valid(y, m, day))
		return false;
	long today = shuan_validate__today(d);
	if (today && (long)y * 10000 + m * 100 + day > today)
		return false;
	r->birth_year = y;
	r->birth_month = m;
	r->birth_day = day;
	r->sex = ((seq - '0') & 1) ? 'M' : 'F';
	r->age = today ? age_on(today, y, m, day) : -1;
	r->minor_under_14 = today && r->age < (d && d->minor_age > 0 ? d->minor_age : 14);
	return true;
}

/* The address code: the province prefix always, the division table when loaded. */
static bool address_ok(const shuan_vdata *d, const char *s)
{
	if (!province_ok(shuan_validate__num(s, 2)))
		return false;
	return !d || !d->divisions || shuan_dict_has(d->divisions, s, 6);
}

static bool id18(const shuan_vdata *d, const char *s, shuan_vresult *r)
{
	if (!shuan_validate__all_digits(s, 17))
		return false;
	char last = s[17] == 'x' ? 'X' : s[17];
	if (shuan_id_check_char(s) != last)
		return false;
	bool hmt = is_hmt_permit(s);
	if (!hmt && !address_ok(d, s))
		return false;
	if (!set_birth(d, r, shuan_validate__num(s + 6, 4), shuan_validate__num(s + 10, 2),
	               shuan_validate__num(s + 12, 2), s[16]))
		return false;
	shuan_validate__kind(r, hmt ? "hmt_residence_permit" : "resident_id");
	r->confidence = (hmt || (d && d->divisions)) ? 0.97 : 0.93;
	return true;
}

/* Pre-1999 cards: no check digit, so the date and the address code carry it. */
static bool id15(const shuan_vdata *d, const char *s, shuan_vresult *r)
{
	if (!shuan_validate__all_digits(s, 15) || !address_ok(d, s))
		return false;
	if (!set_birth(d, r, 1900 + shuan_validate__num(s + 6, 2), shuan_validate__num(s + 8, 2),
	               shuan_validate__num(s + 10, 2), s[14]))
		return false;
	shuan_validate__kind(r, "legacy_15");
	r->confidence = (d && d->divisions) ? 0.8 : 0.6;
	return true;
}

bool shuan_validate__cn_resident_id(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	r->age = -1;
	if (n == 18)
		return id18(d, s, r);
	if (n == 15)
		return id15(d, s, r);
	return false;
}

/* GB 11714 organisation code check over an 8-character body. */
static int org_check_char(const char *body)
{
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = body[i];
		int v = is_digit(c) ? c - '0' : is_upper(c) ? c - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		sum += v * w[i];
	}
	int c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : '0' + c;
}

static bool uscc_authority_ok(char c)
{
	return (c >= '1' && c <= '9') || c == 'A' || c == 'N' || c == 'Y';
}

bool shuan_validate__cn_uscc(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	if (SPAN_N(r) != 18 || !uscc_authority_ok(s[0]))
		return false;
	if (!shuan_validate__all_digits(s + 2, 6))
		return false;
	int region = shuan_validate__num(s + 2, 2);
	if (region != 10 && !province_ok(region))
		return false;
	if (shuan_uscc_check_char(s) != s[17])
		return false;
	/* Positions 3-8 are the registering authority's division code (GB/T 2260):
	 * with the table loaded, an unknown code is not a USCC. */
	if (region == 10 ? memcmp(s + 2, "100000", 6) != 0
			 : d->divisions && !shuan_dict_has(d->divisions, s + 2, 6))
		return false;
	/* Enterprises (authority 9) are typed 1 企业, 2 个体工商户, 3 农民专业合作社. */
	if (s[0] == '9' && (s[1] < '1' || s[1] > '3'))
		return false;
	/* ID-shaped: a division code then a plausible birth date. A mistyped ID
	 * number passes the 1-in-31 USCC check often enough to matter. */
	if (d->divisions && shuan_dict_has(d->divisions, s, 6) && shuan_validate__all_digits(s + 6, 8)) {
		int y = shuan_validate__num(s + 6, 4), m = shuan_validate__num(s + 10, 2), dd = shuan_validate__num(s + 12, 2);
		if (y >= 1900 && y <= 2030 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31)
			return false;
	}
	/* The embedded organisation code is a soft signal: codes assigned since
	 * 2015 (e.g. the MA... block of 91110108MA0100000W) do not all carry a
	 * GB 11714 check, so a mismatch lowers confidence instead of rejecting. */
	bool org_ok = org_check_char(s + 8) == s[16];
	/* An all-digit 18-character run is far more often an order or account
	 * number that passes the 1-in-31 check by chance: demand the org check. */
	if (!org_ok && shuan_validate__all_digits(s, 18))
		return false;
	/* Card-shaped: all digits behind a known bank IIN (622202…). */
	if (d->iins && shuan_validate__all_digits(s, 18) && shuan_dict_has(d->iins, s, 6))
		return false;
	shuan_validate__kind(r, org_ok ? "uscc" : "uscc_org_unchecked");
	r->confidence = org_ok ? 0.97 : 0.85;
	return true;
}
