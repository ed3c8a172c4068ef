/*
 * lib/deid/surrogate.c - surrogates (假名替换): realistic values that are still
 * valid, drawn deterministically under the key, so the same original gives
 * the same surrogate in every file and run and joins keep working.
 *
 * Every candidate is checked by the project's own validator (the one the
 * scanner uses) and redrawn until it passes and differs from the original;
 * a surrogate is therefore always found again by `shuan scan`, which the
 * mask report marks as "valid by design".
 *
 *   cn_resident_id  a real GB/T 2260 county code (any, or in the original's
 *                   province/city with keep_region), a real past birth date in
 *                   the original's age band (age_band, default 10 years, on the
 *                   reference date; a child under 14 stays under 14 and an
 *                   adult at least 14), the original's sex digit (keep_sex) and
 *                   the GB 11643 MOD 11-2 check character; 15-digit IDs stay
 *                   15 digits, residence permits keep 810000/820000/830000
 *   cn_uscc         the original's authority and type characters, a real
 *                   division code, a GB 11714 organisation code with its check
 *                   character, and the GB 32100 check character
 *   bank_card       the original's issuer prefix (6 digits) and length, random
 *                   account digits and the Luhn check digit
 *   cn_mobile       an allocated prefix (mobile_prefixes.tsv) and random digits;
 *                   +86 and separators stay where they were
 *   cn_landline     the original's area code, a random local number
 *   person_name     a surname from surnames.txt (compound when the original's
 *                   is) and given-name characters, same length
 *   email           random local part at example.com (or `domain`)
 *   ipv4            an address in the documentation ranges (RFC 5737)
 *   imei            the original's type allocation code, random serial, Luhn
 *
 * The seed is HMAC-SM3(k_surrogate, type || 0 || normalised value), the
 * stream HMAC-SM3 in counter mode on it (crypto.c).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib/deid/internal.h"

#define ATTEMPTS 64
#define NO_DAY LONG_MIN

bool deid_surrogate_supported(deid_vtype t)
{
	switch (t) {
	case VT_RESIDENT_ID:
	case VT_USCC:
	case VT_BANK_CARD:
	case VT_MOBILE:
	case VT_LANDLINE:
	case VT_NAME:
	case VT_EMAIL:
	case VT_IPV4:
	case VT_IMEI:
		return true;
	default:
		return false;
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Runs the named validator on the whole of s[0..n); r receives what it derived. */
static bool valid(const shuan_vdata *vd, const char *validator, const char *s, size_t n, bool field_mode,
                  shuan_vresult *r)
{
	const shuan_validator *v = shuan_validator_find(validator);
	shuan_vresult tmp;
	if (!r)
		r = &tmp;
	memset(r, 0, sizeof(*r));
	r->start = 0;
	r->end = n;
	r->field_mode = field_mode;
	r->age = -1;
	return v && v->fn(vd, s, n, r) && r->start == 0 && r->end == n;
}

/* ---- days and dates (proleptic Gregorian, days since 1970-01-01) ---- */

static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

/* The same month and day `years` earlier, Feb 29 becoming Feb 28. */
static long years_before(const shuan_vdata *vd, int years)
{
	int y = vd->scan_year - years, m = vd->scan_month, d = vd->scan_day;
	if (!shuan_date_valid(y, m, d))
		d = 28;
	return days_from_civil(y, m, d);
}

/* A random birth day: aged within [lo, hi] on the reference date, and within
 * [first, last] as days. */
static long draw_birth(deid_drbg *g, const shuan_vdata *vd, int lo, int hi, long first, long last)
{
	long today = days_from_civil(vd->scan_year, vd->scan_month, vd->scan_day);
	long from = years_before(vd, hi + 1) + 1, to = years_before(vd, lo);
	if (to > today)
		to = today;
	if (from < first)
		from = first;
	if (to > last)
		to = last;
	if (to < from)
		return NO_DAY;
	return from + (long)deid_drbg_below(g, (uint32_t)(to - from + 1));
}

static void seed_for(deid_crypto *c, deid_drbg *g, const char *type, const char *v, size_t n)
{
	unsigned char seed[DEID_MAC_LEN];
	if (deid_mac_run(&c->surrogate, type, strlen(type) + 1, v, n, NULL, 0, seed) != 0)
		memset(seed, 0, sizeof(seed));
	deid_drbg_init(g, &c->surrogate, seed);
}

static char rand_digit(deid_drbg *g)
{
	return (char)('0' + deid_drbg_below(g, 10));
}

/* A county code: any, or under the original's province (2 digits) or city (4). */
static const char *draw_region(const deid_tables *t, deid_drbg *g, const char *orig, deid_region_keep keep)
{
	size_t lo = 0, hi = t->ncounties,
	       plen = keep == KEEP_REGION_CITY       ? 4
	              : keep == KEEP_REGION_PROVINCE ? 2
	                                             : 0;
	if (plen && orig) {
		/* counties are sorted by code: find the run with the same prefix */
		size_t a = 0, b = t->ncounties;
		while (a < b) {
			size_t mid = (a + b) / 2;
			if (memcmp(t->counties[mid].code, orig, plen) < 0)
				a = mid + 1;
			else
				b = mid;
		}
		size_t e = a;
		while (e < t->ncounties && !memcmp(t->counties[e].code, orig, plen))
			e++;
		if (e > a)
			lo = a, hi = e;
		else if (keep == KEEP_REGION_CITY)
			return draw_region(t, g, orig, KEEP_REGION_PROVINCE);
	}
	return t->counties[lo + deid_drbg_below(g, (uint32_t)(hi - lo))].code;
}

/* ---- the generators: each writes a NUL-terminated candidate into buf ---- */

static int sur_resident_id(const deid_tables *t, const shuan_vdata *vd, deid_drbg *g, const deid_action *a,
                           const char *v, size_t n, shuan_buf *out)
{
	char orig[19], cand[19];
	shuan_vresult r;
	if (n != 18 && n != 15)
		return 1;
	memcpy(orig, v, n);
	orig[n] = '\0';
	if (n == 18 && orig[17] == 'x')
		orig[17] = 'X';
	if (!valid(vd, "cn_resident_id", orig, n, false, &r) || r.age < 0)
		return 1;
	bool permit = n == 18 && (!memcmp(orig, "810000", 6) || !memcmp(orig, "820000", 6) ||
	                          !memcmp(orig, "830000", 6));
	int band = a->age_band, lo = 0, hi = 95;
	if (band > 0) {
		lo = r.age / band * band;
		hi = lo + band - 1;
	}
	/* a child under 14 stays one (all of its PI is sensitive, PIPL Art. 28),
	 * and an adult never becomes one */
	if (r.age < 14 && hi > 13)
		hi = 13;
	else if (r.age >= 14 && lo < 14)
		lo = 14;
	/* 15-digit numbers were issued to people born in the 1900s */
	long first = days_from_civil(1900, 1, 1);
	long last = n == 15 ? days_from_civil(1999, 12, 31) : days_from_civil(9999, 12, 31);
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		int y, m, d;
		long day = draw_birth(g, vd, lo, hi, first, last);
		if (day == NO_DAY)
			return 1;
		civil_from_days(day, &y, &m, &d);
		const char *region = permit ? orig : draw_region(t, g, orig, a->keep_region);
		char seq3;
		memcpy(cand, region, 6);
		char *p = cand + 6;
		if (n == 18) {
			*p++ = (char)('0' + y / 1000 % 10);
			*p++ = (char)('0' + y / 100 % 10);
		}
		const int parts[3] = {y % 100, m, d};
		for (int i = 0; i < 3; i++) {
			*p++ = (char)('0' + parts[i] / 10);
			*p++ = (char)('0' + parts[i] % 10);
		}
		size_t sp = n == 18 ? 14 : 12;
		cand[sp] = rand_digit(g);
		cand[sp + 1] = rand_digit(g);
		/* the third sequence digit is odd for men, even for women */
		seq3 = a->keep_sex ? (char)('0' + 2 * deid_drbg_below(g, 5) + (r.sex == 'M')) : rand_digit(g);
		cand[sp + 2] = seq3;
		if (n == 18) {
			int ck = shuan_id_check_char(cand);
			if (ck < 0)
				continue;
			cand[17] = (char)ck;
		}
		cand[n] = '\0';
		if (strcmp(cand, orig) != 0 && valid(vd, "cn_resident_id", cand, n, false, NULL))
			return shuan_buf_add(out, cand, n);
	}
	return 1;
}

/* GB 11714 check character over an 8-character organisation code body. */
static int org_check(const char *body)
{
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = body[i];
		int x = is_digit(c) ? c - '0' : (c >= 'A' && c <= 'Z') ? c - 'A' + 10 : -1;
		if (x < 0)
			return -1;
		sum += x * w[i];
	}
	int c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : '0' + c;
}

static int sur_uscc(const deid_tables *t, const shuan_vdata *vd, deid_drbg *g, const deid_action *a,
                    const char *v, size_t n, shuan_buf *out)
{
	static const char BODY[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char orig[19], cand[19];
	if (n != 18)
		return 1;
	memcpy(orig, v, 18);
	orig[18] = '\0';
	if (!valid(vd, "cn_uscc", orig, 18, false, NULL))
		return 1;
	bool national = !memcmp(orig + 2, "100000", 6);
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		cand[0] = orig[0];
		cand[1] = orig[1];
		memcpy(cand + 2, national ? orig + 2 : draw_region(t, g, orig + 2, a->keep_region), 6);
		/* organisation codes are mostly digits; a letter now and then */
		for (int i = 8; i < 16; i++)
			cand[i] = deid_drbg_below(g, 4) ? rand_digit(g) : BODY[10 + deid_drbg_below(g, 21)];
		int oc = org_check(cand + 8);
		if (oc < 0)
			continue;
		cand[16] = (char)oc;
		int ck = shuan_uscc_check_char(cand);
		if (ck < 0)
			continue;
		cand[17] = (char)ck;
		cand[18] = '\0';
		if (strcmp(cand, orig) != 0 && valid(vd, "cn_uscc", cand, 18, false, NULL))
			return shuan_buf_add(out, cand, 18);
	}
	return 1;
}

/* Values written with separators ("6222 0212 3456 7890", "+86 138-1234-5678")
 * keep them: new digits go where the old ones were. */
typedef struct digitpos {
	char d[32];
	size_t pos[32];
	size_t n;
} digitpos;

static bool collect_digits(const char *v, size_t n, digitpos *dp)
{
	dp->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_digit(v[i])) {
			if (dp->n == sizeof(dp->d) - 1)
				return false;
			dp->pos[dp->n] = i;
			dp->d[dp->n++] = v[i];
		}
	}
	dp->d[dp->n] = '\0';
	return true;
}

/* v with its last k digits replaced by nd[0..k). */
static void put_digits(const char *v, size_t n, const digitpos *dp, const char *nd, size_t k, char *out)
{
	memcpy(out, v, n);
	out[n] = '\0';
	for (size_t i = 0; i < k; i++)
		out[dp->pos[dp->n - k + i]] = nd[i];
}

static bool luhn_complete(char *d, size_t n)
{
	for (char c = '0'; c <= '9'; c++) {
		d[n - 1] = c;
		if (shuan_luhn_ok(d, n))
			return true;
	}
	return false;
}

static int sur_card(const shuan_vdata *vd, deid_drbg *g, const char *validator, size_t keep, const char *v,
                    size_t n, shuan_buf *out)
{
	digitpos dp;
	char nd[32], cand[128];
	if (n >= sizeof(cand) || !collect_digits(v, n, &dp) || dp.n <= keep + 1 ||
	    !valid(vd, validator, v, n, false, NULL))
		return 1;
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		memcpy(nd, dp.d, keep);
		for (size_t i = keep; i < dp.n; i++)
			nd[i] = rand_digit(g);
		if (!luhn_complete(nd, dp.n))
			continue;
		put_digits(v, n, &dp, nd, dp.n, cand);
		if (memcmp(nd, dp.d, dp.n) != 0 && valid(vd, validator, cand, n, false, NULL))
			return shuan_buf_add(out, cand, n);
	}
	return 1;
}

static int sur_mobile(const deid_tables *t, const shuan_vdata *vd, deid_drbg *g, const char *v, size_t n,
                      shuan_buf *out)
{
	digitpos dp;
	char nd[12], cand[128];
	if (n >= sizeof(cand) || !collect_digits(v, n, &dp) || dp.n < 11 || dp.d[dp.n - 11] != '1' ||
	    !valid(vd, "cn_mobile", v, n, false, NULL))
		return 1;
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		const char *p = t->mobile_prefixes[deid_drbg_below(g, (uint32_t)t->nmobile)];
		size_t pl = strlen(p);
		if (pl > 11)
			continue;
		memcpy(nd, p, pl);
		for (size_t i = pl; i < 11; i++)
			nd[i] = rand_digit(g);
		put_digits(v, n, &dp, nd, 11, cand);
		if (memcmp(nd, dp.d + dp.n - 11, 11) != 0 && valid(vd, "cn_mobile", cand, n, false, NULL))
			return shuan_buf_add(out, cand, n);
	}
	return 1;
}

static int sur_landline(const shuan_vdata *vd, deid_drbg *g, const char *v, size_t n, shuan_buf *out)
{
	digitpos dp;
	char nd[32], cand[128];
	size_t area = 0;
	if (n >= sizeof(cand) || !collect_digits(v, n, &dp) || dp.n < 9 || dp.d[0] != '0' ||
	    !valid(vd, "cn_landline", v, n, false, NULL))
		return 1;
	/* the area code: "0" and 2 or 3 digits from the table */
	for (size_t l = 3; l >= 2 && !area; l--)
		if (shuan_dict_has(vd->area_codes, dp.d + 1, l))
			area = l + 1;
	if (!area)
		return 1;
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		memcpy(nd, dp.d, area);
		nd[area] = (char)('2' + deid_drbg_below(g, 7)); /* local numbers start with 2-8 */
		for (size_t i = area + 1; i < dp.n; i++)
			nd[i] = rand_digit(g);
		put_digits(v, n, &dp, nd, dp.n, cand);
		if (memcmp(nd, dp.d, dp.n) != 0 && valid(vd, "cn_landline", cand, n, false, NULL))
			return shuan_buf_add(out, cand, n);
	}
	return 1;
}

static int sur_name(const deid_tables *t, const shuan_vdata *vd, deid_drbg *g, const char *v, size_t n,
                    shuan_buf *out)
{
	char cand[64];
	size_t chars = deid_u8count(v, n);
	bool compound = chars >= 3 && n >= 6 && shuan_dict_has(vd->surnames, v, 6);
	if (chars < 2 || chars > 10)
		return 1;
	if (chars > 4)
		chars = 4; /* a minority name written with a dot becomes a Han name of four */
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		size_t o = 0, given;
		const char *s;
		if (compound && t->nsurnames2) {
			s = t->surnames2[deid_drbg_below(g, (uint32_t)t->nsurnames2)];
			given = chars - 2;
		} else {
			s = t->surnames1[deid_drbg_below(g, (uint32_t)t->nsurnames1)];
			given = chars - 1;
		}
		o = strlen(s);
		memcpy(cand, s, o);
		for (size_t i = 0; i < given; i++) {
			const char *c = t->given_chars[deid_drbg_below(g, (uint32_t)t->ngiven)];
			memcpy(cand + o, c, 3);
			o += 3;
		}
		cand[o] = '\0';
		if ((o != n || memcmp(cand, v, n) != 0) && valid(vd, "person_name", cand, o, true, NULL))
			return shuan_buf_add(out, cand, o);
	}
	return 1;
}

static int sur_email(const shuan_vdata *vd, deid_drbg *g, const deid_action *a, const char *v, size_t n,
                     shuan_buf *out)
{
	static const char AL[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	const char *domain = a->email_domain ? a->email_domain : "example.com";
	char cand[320];
	if (!valid(vd, "email", v, n, false, NULL) || strlen(domain) > 200)
		return 1;
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		size_t o = 0;
		cand[o++] = AL[deid_drbg_below(g, 26)];
		for (int i = 0; i < 7; i++)
			cand[o++] = AL[deid_drbg_below(g, 36)];
		o += (size_t)snprintf(cand + o, sizeof(cand) - o, "@%s", domain);
		if ((o != n || memcmp(cand, v, n) != 0) && valid(vd, "email", cand, o, false, NULL))
			return shuan_buf_add(out, cand, o);
	}
	return 1;
}

static int sur_ipv4(const shuan_vdata *vd, deid_drbg *g, const char *v, size_t n, shuan_buf *out)
{
	static const char *const NETS[] = {"192.0.2", "198.51.100", "203.0.113"};
	char cand[32];
	if (!valid(vd, "ipv4", v, n, false, NULL))
		return 1;
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		int l = snprintf(cand, sizeof(cand), "%s.%u", NETS[deid_drbg_below(g, 3)],
		                 1 + deid_drbg_below(g, 254));
		if (((size_t)l != n || memcmp(cand, v, n) != 0) &&
		    valid(vd, "ipv4", cand, (size_t)l, false, NULL))
			return shuan_buf_add(out, cand, (size_t)l);
	}
	return 1;
}

int deid_surrogate(const deid_tables *tabs, const shuan_vdata *vd, deid_crypto *c, const deid_action *a,
                   deid_vtype t, const char *v, size_t n, shuan_buf *out)
{
	deid_drbg g;
	char norm[128];
	size_t nl = 0, s = 0, e = n;

	deid_trim(v, &s, &e);
	v += s;
	n = e - s;
	if (n == 0 || n >= sizeof(norm))
		return 1;
	/* the seed sees the value without formatting, so "138 1234 5678" and
	 * "13812345678" get the same surrogate digits */
	for (size_t i = 0; i < n; i++) {
		char ch = v[i];
		if (t == VT_NAME || t == VT_EMAIL || is_digit(ch) || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= 'a' && ch <= 'z'))
			norm[nl++] = (char)(t == VT_EMAIL && ch >= 'A' && ch <= 'Z' ? ch + 32
			                    : ch == 'x' && t == VT_RESIDENT_ID      ? 'X'
			                                                            : ch);
	}
	if (t == VT_MOBILE && nl > 11)
		memmove(norm, norm + nl - 11, 11), nl = 11;
	seed_for(c, &g, deid_vtype_name(t), norm, nl);
	switch (t) {
	case VT_RESIDENT_ID:
		return sur_resident_id(tabs, vd, &g, a, v, n, out);
	case VT_USCC:
		return sur_uscc(tabs, vd, &g, a, v, n, out);
	case VT_BANK_CARD:
		return sur_card(vd, &g, "bank_card", 6, v, n, out);
	case VT_IMEI:
		return sur_card(vd, &g, "imei", 8, v, n, out);
	case VT_MOBILE:
		return sur_mobile(tabs, vd, &g, v, n, out);
	case VT_LANDLINE:
		return sur_landline(vd, &g, v, n, out);
	case VT_NAME:
		return sur_name(tabs, vd, &g, v, n, out);
	case VT_EMAIL:
		return sur_email(vd, &g, a, v, n, out);
	case VT_IPV4:
		return sur_ipv4(vd, &g, v, n, out);
	default:
		return 1;
	}
}
