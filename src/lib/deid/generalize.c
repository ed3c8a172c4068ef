/*
 * lib/deid/generalize.c - generalisation (泛化): replace a value by a coarser
 * one that many people share. The same functions build the hierarchies
 * `shuan risk --suggest` searches, so a suggested policy, applied by
 * `shuan mask`, produces exactly the classes the search counted.
 *
 *   date (birth date)  1990-05-17 -> 1990 (year), 1990-05 (year_month),
 *                      1990-1994 (year_band, band 5), 30-39 (age_band, band 10,
 *                      age on the reference date)
 *   age                37 -> 35-39 (band 5), 30-39 (band 10); top 90: 93 -> 90+
 *   address            广东省深圳市南山区科技园路1号 -> 广东省深圳市 (level city),
 *                      广东省 (province), 广东省深圳市南山区 (county); names
 *                      from the GB/T 2260 table, missing parents filled in
 *                      (深圳市南山区… -> 广东省深圳市)
 *   coordinate         39.904211,116.407394 -> 39.90,116.41 (decimals 2)
 *   resident ID        110105194912310021 -> 110105-1949 (region_year, level
 *                      county), 110100-1949 (city), 1949 (year), 70-79 (age_band)
 *   postcode           100101 -> 100*** (digits 3)
 *
 * A value that does not parse as its type returns 1: the caller applies
 * on_invalid (by default redact), never the value unchanged.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/deid/internal.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Reads 1..max digits at v[*i]. */
static bool digits_at(const char *v, size_t n, size_t *i, size_t max, int *out)
{
	size_t s = *i;
	while (*i < n && *i - s < max && is_digit(v[*i]))
		(*i)++;
	if (*i == s)
		return false;
	*out = num(v + s, *i - s);
	return true;
}

bool deid_parse_date(const char *v, size_t n, int *y, int *mo, int *d)
{
	size_t s = 0, e = n, i;
	deid_trim(v, &s, &e);
	v += s;
	n = e - s;
	if (n >= 8 && is_digit(v[0]) && is_digit(v[7]) && (n == 8 || !is_digit(v[8]))) {
		bool all = true;
		for (i = 0; i < 8; i++)
			all &= is_digit(v[i]);
		if (all) {
			*y = num(v, 4), *mo = num(v + 4, 2), *d = num(v + 6, 2);
			return *y >= 1800 && shuan_date_valid(*y, *mo, *d);
		}
	}
	i = 0;
	if (!digits_at(v, n, &i, 4, y) || i != 4)
		return false;
	bool cjk = n - i >= 3 && !memcmp(v + i, "年", 3);
	if (cjk)
		i += 3;
	else if (i < n && (v[i] == '-' || v[i] == '/' || v[i] == '.'))
		i++;
	else
		return false;
	if (!digits_at(v, n, &i, 2, mo))
		return false;
	if (cjk) {
		if (n - i < 3 || memcmp(v + i, "月", 3))
			return false;
		i += 3;
	} else if (i < n && (v[i] == '-' || v[i] == '/' || v[i] == '.')) {
		i++;
	} else {
		return false;
	}
	if (!digits_at(v, n, &i, 2, d))
		return false;
	if (cjk && n - i >= 3 && !memcmp(v + i, "日", 3))
		i += 3;
	/* a time may follow: "1990-05-17 08:00" or "1990-05-17T08:00:00" */
	if (i < n && v[i] != ' ' && v[i] != 'T')
		return false;
	return *y >= 1800 && shuan_date_valid(*y, *mo, *d);
}

/* Full years from a birth date to the reference date. */
static int age_on(const shuan_vdata *vd, int y, int mo, int d)
{
	int age = vd->scan_year - y;
	if (vd->scan_month < mo || (vd->scan_month == mo && vd->scan_day < d))
		age--;
	return age;
}

static int band_out(shuan_buf *out, int value, int band, int top)
{
	if (top > 0 && value >= top)
		return shuan_buf_addf(out, "%d+", top);
	int lo = value / band * band;
	if (band == 1)
		return shuan_buf_addf(out, "%d", value);
	return shuan_buf_addf(out, "%d-%d", lo, lo + band - 1);
}

static int gen_date(const shuan_vdata *vd, const deid_action *a, const char *v, size_t n, shuan_buf *out)
{
	int y, mo, d;
	if (!deid_parse_date(v, n, &y, &mo, &d))
		return 1;
	switch (a->to) {
	case GEN_YEAR_MONTH:
		return shuan_buf_addf(out, "%04d-%02d", y, mo);
	case GEN_YEAR_BAND:
		return band_out(out, y, a->band ? a->band : 5, 0);
	case GEN_AGE_BAND: {
		int age = age_on(vd, y, mo, d);
		if (age < 0)
			return 1; /* a birth date after the reference date */
		return band_out(out, age, a->band ? a->band : 10, a->top);
	}
	case GEN_DEFAULT:
	case GEN_YEAR:
		return shuan_buf_addf(out, "%04d", y);
	default:
		return 1;
	}
}

/* An age: digits, optionally "岁" or "y" after them, or an integral "37.0". */
static bool parse_age(const char *v, size_t n, int *age)
{
	size_t s = 0, e = n, i;
	deid_trim(v, &s, &e);
	i = s;
	if (!digits_at(v, e, &i, 3, age))
		return false;
	if (i + 2 <= e && v[i] == '.' && v[i + 1] == '0') {
		i += 2;
		while (i < e && v[i] == '0')
			i++;
	}
	if (e - i == 3 && !memcmp(v + i, "岁", 3))
		i = e;
	else if (e - i == 1 && (v[i] == 'y' || v[i] == 'Y'))
		i = e;
	return i == e && *age <= 150;
}

static int gen_age(const deid_action *a, const char *v, size_t n, shuan_buf *out)
{
	int age;
	if (!parse_age(v, n, &age))
		return 1;
	return band_out(out, age, a->band ? a->band : 10, a->top);
}

/* ---- addresses ---- */

static int level_of(uint32_t code)
{
	return code % 10000 == 0 ? 0 : code % 100 == 0 ? 1 : 2;
}

static bool compatible(const deid_place *p, uint32_t code)
{
	if (p->province && code / 10000 != p->province / 10000)
		return false;
	if (p->city && code / 100 != p->city / 100)
		return false;
	return true;
}

/* The entries of the name index equal to v[0..len): [*lo, *hi). */
static void name_range(const deid_tables *t, const char *v, size_t len, size_t *lo, size_t *hi)
{
	size_t a = 0, b = t->nnames;
	while (a < b) {
		size_t mid = (a + b) / 2;
		const deid_name_ix *x = &t->names[mid];
		size_t m = x->len < len ? x->len : len;
		int c = memcmp(x->name, v, m);
		if (c < 0 || (c == 0 && x->len < len))
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < t->nnames && t->names[a].len == len && !memcmp(t->names[a].name, v, len))
		a++;
	*hi = a;
}

/*
 * Reads divisions from the start of an address, most general first: at each
 * position the longest name that is a division below the last one read and
 * inside it. A name several divisions share (朝阳区 in Beijing and in
 * Changchun) is taken only when what was read before decides, or when all
 * of them lie in one province.
 */
bool deid_parse_address(const deid_tables *t, const char *v, size_t n, deid_place *out)
{
	size_t pos = 0, s = 0, e = n;
	int last = -1;

	memset(out, 0, sizeof(*out));
	deid_trim(v, &s, &e);
	pos = s;
	while (pos < e && last < 2) {
		size_t maxl = e - pos < t->max_name_len ? e - pos : t->max_name_len, took = 0;
		uint32_t pick = 0;
		for (size_t len = maxl; len >= 6 && !took; len--) {
			size_t lo, hi;
			if (pos + len < e && ((unsigned char)v[pos + len] & 0xC0) == 0x80)
				continue; /* not a character boundary */
			name_range(t, v + pos, len, &lo, &hi);
			int best_level = 3;
			uint32_t best = 0;
			bool ambiguous = false;
			for (size_t k = lo; k < hi; k++) {
				uint32_t c = t->names[k].code;
				int lv = level_of(c);
				if (lv <= last || !compatible(out, c))
					continue;
				if (lv < best_level) {
					best_level = lv, best = c, ambiguous = false;
				} else if (lv == best_level && c / 10000 != best / 10000) {
					ambiguous = true;
				}
			}
			if (best && !ambiguous) {
				pick = best;
				took = len;
			} else if (best) {
				break; /* the longest name is ambiguous: stop rather than guess */
			}
		}
		if (!took)
			break;
		int lv = level_of(pick);
		if (lv == 0)
			out->province = pick;
		else if (lv == 1)
			out->city = pick;
		else
			out->county = pick;
		last = lv;
		pos += took;
	}
	if (out->county && !out->city && deid_division_name(t, out->county / 100 * 100, NULL))
		out->city = out->county / 100 * 100;
	if ((out->county || out->city) && !out->province)
		out->province = (out->county ? out->county : out->city) / 10000 * 10000;
	return out->province || out->city || out->county;
}

int deid_place_write(const deid_tables *t, const deid_place *p, deid_level level, shuan_buf *out)
{
	const char *pn, *cn, *kn;
	size_t pl = 0, cl = 0, kl = 0;
	int rc = 0;

	pn = p->province ? deid_division_name(t, p->province, &pl) : NULL;
	cn = p->city ? deid_division_name(t, p->city, &cl) : NULL;
	kn = p->county ? deid_division_name(t, p->county, &kl) : NULL;
	if (pn)
		rc = shuan_buf_add(out, pn, pl);
	if (!rc && (level == LEVEL_COUNTY || level == LEVEL_CITY) && cn &&
	    !(pn && pl == cl && !memcmp(pn, cn, cl)))
		rc = shuan_buf_add(out, cn, cl);
	if (!rc && level == LEVEL_COUNTY && kn)
		rc = shuan_buf_add(out, kn, kl);
	return rc;
}

static int gen_address(const deid_tables *t, const deid_action *a, const char *v, size_t n, shuan_buf *out)
{
	deid_place p;
	if (!deid_parse_address(t, v, n, &p))
		return 1;
	return deid_place_write(t, &p, a->level ? a->level : LEVEL_CITY, out);
}

/* ---- coordinates ---- */

/* Every decimal number in the value gets `decimals` places, rounded; the
 * separators between them stay. */
static int gen_coordinate(const deid_action *a, const char *v, size_t n, shuan_buf *out)
{
	int decimals = a->decimals, found = 0, rc = 0;
	size_t i = 0;
	if (!a->decimals && a->to == GEN_DEFAULT)
		decimals = 2;
	while (i < n && !rc) {
		size_t s = i;
		if (v[i] == '-' || v[i] == '+')
			i++;
		size_t ds = i;
		while (i < n && is_digit(v[i]))
			i++;
		if (i > ds && i < n && v[i] == '.' && i + 1 < n && is_digit(v[i + 1])) {
			i++;
			while (i < n && is_digit(v[i]))
				i++;
			char tmp[64];
			size_t l = i - s < sizeof(tmp) - 1 ? i - s : sizeof(tmp) - 1;
			memcpy(tmp, v + s, l);
			tmp[l] = '\0';
			double x = strtod(tmp, NULL);
			double scale = pow(10, decimals);
			x = round(x * scale) / scale;
			rc = shuan_buf_addf(out, "%.*f", decimals, x);
			found++;
			continue;
		}
		if (i == s)
			i++;
		rc = shuan_buf_add(out, v + s, i - s);
	}
	return rc ? rc : found ? 0 : 1;
}

/* ---- resident ID ---- */

static int gen_resident_id(const shuan_vdata *vd, const deid_action *a, const char *v, size_t n,
                           shuan_buf *out)
{
	size_t s = 0, e = n;
	int y, mo, d;
	deid_trim(v, &s, &e);
	v += s;
	n = e - s;
	if (n != 18 && n != 15)
		return 1;
	for (size_t i = 0; i < (n == 18 ? 17 : 15); i++)
		if (!is_digit(v[i]))
			return 1;
	if (n == 18) {
		char last = v[17] == 'x' ? 'X' : v[17];
		if (!is_digit(last) && last != 'X')
			return 1;
		if (shuan_id_check_char(v) != last)
			return 1;
		y = num(v + 6, 4), mo = num(v + 10, 2), d = num(v + 12, 2);
	} else {
		y = 1900 + num(v + 6, 2), mo = num(v + 8, 2), d = num(v + 10, 2);
	}
	if (!shuan_date_valid(y, mo, d))
		return 1;
	uint32_t code = (uint32_t)num(v, 6);
	if (a->level == LEVEL_CITY)
		code = code / 100 * 100;
	else if (a->level == LEVEL_PROVINCE)
		code = code / 10000 * 10000;
	switch (a->to) {
	case GEN_YEAR:
		return shuan_buf_addf(out, "%04d", y);
	case GEN_YEAR_BAND:
		return band_out(out, y, a->band ? a->band : 5, 0);
	case GEN_AGE_BAND: {
		int age = age_on(vd, y, mo, d);
		return age < 0 ? 1 : band_out(out, age, a->band ? a->band : 10, a->top);
	}
	case GEN_REGION:
		return shuan_buf_addf(out, "%06u", code);
	case GEN_DEFAULT:
	case GEN_REGION_YEAR:
		return shuan_buf_addf(out, "%06u-%04d", code, y);
	default:
		return 1;
	}
}

static int gen_postcode(const deid_action *a, const char *v, size_t n, shuan_buf *out)
{
	size_t s = 0, e = n;
	int keep = a->digits ? a->digits : 3, rc = 0;
	deid_trim(v, &s, &e);
	if (e - s != 6)
		return 1;
	for (size_t i = s; i < e; i++)
		if (!is_digit(v[i]))
			return 1;
	if ((rc = shuan_buf_add(out, v + s, (size_t)keep)))
		return rc;
	for (int i = keep; i < 6 && !rc; i++)
		rc = shuan_buf_addc(out, '*');
	return rc;
}

/* The type the parameters imply when neither the rule nor a finding says. */
static deid_vtype implied_type(const deid_action *a, const char *v, size_t n)
{
	int y, mo, d, age;
	if (a->to == GEN_REGION_YEAR)
		return VT_RESIDENT_ID;
	if (a->to == GEN_REGION || a->level)
		return VT_ADDRESS;
	if (a->decimals)
		return VT_COORDINATE;
	if (a->digits)
		return VT_POSTCODE;
	if (a->to == GEN_YEAR || a->to == GEN_YEAR_MONTH || a->to == GEN_YEAR_BAND)
		return VT_DATE;
	if (deid_parse_date(v, n, &y, &mo, &d))
		return VT_DATE;
	if (parse_age(v, n, &age))
		return VT_AGE;
	return VT_AUTO;
}

int deid_generalize(const deid_tables *tabs, const shuan_vdata *vd, const deid_action *a, deid_vtype t,
                    const char *v, size_t n, shuan_buf *out)
{
	if (t == VT_AUTO || t == VT_OTHER || t == VT_TEXT)
		t = implied_type(a, v, n);
	switch (t) {
	case VT_DATE:
		return gen_date(vd, a, v, n, out);
	case VT_AGE:
		return gen_age(a, v, n, out);
	case VT_ADDRESS:
		return gen_address(tabs, a, v, n, out);
	case VT_COORDINATE:
		return gen_coordinate(a, v, n, out);
	case VT_RESIDENT_ID:
		return gen_resident_id(vd, a, v, n, out);
	case VT_POSTCODE:
		return gen_postcode(a, v, n, out);
	default:
		return 1;
	}
}
