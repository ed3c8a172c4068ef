/*
 * lib/validate/phone.c - mainland telephone numbers: mobile numbers (11
 * digits, allocated 3- or 4-digit prefixes from rules/data/mobile_prefixes.tsv)
 * and fixed-line numbers (long-distance area code from
 * rules/data/area_codes.tsv plus a 7-8 digit local number).
 *
 * Accepted mobile spellings: 13812345678, +8613812345678, 0086 138 1234 5678,
 * 86-138-1234-5678. Separators (one space or dash) may only sit between the
 * 3-4-4 groups and must be the same character, so "1381 2345678" and
 * "138-1234 5678" are refused.
 */
#include <string.h>

#include "lib/validate/internal.h"

/* Skips an international prefix (+86, 0086, 86) and one separator after it. */
static size_t skip_country(const char *s, size_t n)
{
	size_t i = 0;
	if (n > 3 && s[0] == '+' && s[1] == '8' && s[2] == '6')
		i = 3;
	else if (n > 4 && memcmp(s, "0086", 4) == 0)
		i = 4;
	else if (n >= 13 && s[0] == '8' && s[1] == '6')
		i = 2;
	if (i && i < n && (s[i] == ' ' || s[i] == '-'))
		i++;
	return i;
}

/* Collects 11 digits allowing one consistent separator after digits 3 and 7. */
static bool collect_mobile(const char *s, size_t n, char out[12])
{
	return shuan_validate__collect_digits(s, n, out, 11, 1u << 3 | 1u << 7) == 11;
}

bool shuan_validate__cn_mobile(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	size_t i = skip_country(s, n);
	char num[12];
	if (!collect_mobile(s + i, n - i, num) || num[0] != '1' || num[1] < '3')
		return false;
	if (d && d->mobile_prefixes) {
		const char *carrier = shuan_dict_get(d->mobile_prefixes, num, 4);
		if (!carrier)
			carrier = shuan_dict_get(d->mobile_prefixes, num, 3);
		if (!carrier)
			return false;
		r->confidence = 0.9;
	} else {
		r->confidence = 0.8;
	}
	shuan_validate__kind(r, i ? "mobile_intl" : "mobile");
	return true;
}

/* Area code digits after the trunk 0: 10 and 2x are two digits, others three. */
static size_t area_len(const char *s, size_t n)
{
	if (n < 2)
		return 0;
	return (s[0] == '1' || s[0] == '2') ? 2 : 3;
}

/* Local number: 7-8 digits, first not 0, at most one inner separator. A
 * leading 1 (the short-code block) is tolerated with lower confidence because
 * placeholder numbers such as 010-12345678 are common in real data. */
static bool local_ok(const char *s, size_t n)
{
	size_t digits = 0, seps = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_digit(s[i]))
			digits++;
		else if ((s[i] == ' ' || s[i] == '-') && i > 0 && i + 1 < n && is_digit(s[i + 1]))
			seps++;
		else
			return false;
	}
	return digits >= 7 && digits <= 8 && seps <= 1 && s[0] >= '1';
}

/* Parses "(0755)", "（0755）", "0755-", "0755 " or "0755"; returns the bytes used. */
static size_t parse_area(const char *s, size_t n, const char **code, size_t *clen, bool *sep)
{
	size_t i = 0;
	bool paren = false;
	if (i < n && s[i] == '(') {
		i++;
		paren = true;
	} else if (n >= 3 && memcmp(s, "\xEF\xBC\x88", 3) == 0) {
		i += 3;
		paren = true;
	}
	if (i >= n || s[i] != '0')
		return 0;
	i++;
	*code = s + i;
	*clen = area_len(s + i, n - i);
	if (*clen == 0 || i + *clen > n || !shuan_validate__all_digits(s + i, *clen))
		return 0;
	i += *clen;
	*sep = paren;
	if (paren) {
		if (i < n && s[i] == ')')
			i++;
		else if (n - i >= 3 && memcmp(s + i, "\xEF\xBC\x89", 3) == 0)
			i += 3;
		else
			return 0;
	}
	if (i < n && (s[i] == '-' || s[i] == ' ')) {
		i++;
		*sep = true;
	}
	return i;
}

bool shuan_validate__cn_landline(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r), *code = NULL;
	size_t n = SPAN_N(r), clen = 0;
	bool sep = false;
	size_t i = parse_area(s, n, &code, &clen, &sep);
	if (i == 0 || !local_ok(s + i, n - i))
		return false;
	if (d && d->area_codes && !shuan_dict_has(d->area_codes, code, clen))
		return false;
	r->confidence = sep ? 0.85 : 0.6;
	if (s[i] == '1')
		r->confidence -= 0.25;
	shuan_validate__kind(r, "landline");
	return true;
}
