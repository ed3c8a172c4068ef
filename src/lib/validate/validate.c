/*
 * lib/validate/validate.c - the validator registration table and the helpers the
 * validator families share (Luhn, GB 11643 and GB 32100 check characters,
 * date validity, small UTF-8 and digit utilities).
 *
 * The validators themselves live one family per file (validate_id.c,
 * validate_phone.c, ...). A rule names its validator by the `name` column of
 * shuan_validators[]; shuan_validator_find() resolves it when rules load.
 */
#include "lib/validate/validate.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/validate/internal.h"
#include "util/utf8.h"

#define ROW(name, desc, url, evidence, words, field_covers) {#name, desc, url, shuan_validate__##name, evidence, words, field_covers},
const shuan_validator shuan_validators[] = {
	SHUAN_VALIDATOR_TABLE(ROW)
	{NULL, NULL, NULL, NULL, EVIDENCE_GENERIC, NULL, false},
};
#undef ROW

static unsigned lead2_key(const char *s)
{
	return ((unsigned)((unsigned char)s[0] & 0x3F) << 6) | ((unsigned char)s[1] & 0x3F);
}

void shuan_wordlist_index(shuan_wordlist *l)
{
	memset(l->lead2, 0, sizeof(l->lead2));
	memset(l->lead1, 0, sizeof(l->lead1));
	memset(l->first, 0, sizeof(l->first));
	for (size_t i = 0; i < l->n; i++) {
		const char *w = l->v[i];
		if (!w[0])
			continue;
		l->first[(unsigned char)w[0] >> 6] |= 1ull << ((unsigned char)w[0] & 63);
		if (!w[1]) {
			unsigned char b = (unsigned char)w[0];
			l->lead1[b >> 6] |= 1ull << (b & 63);
		} else {
			unsigned k = lead2_key(w);
			l->lead2[k >> 6] |= 1ull << (k & 63);
		}
	}
	l->indexed = true;
}

const shuan_wordlist *shuan_words_get(const shuan_words *w, const char *name)
{
	static const shuan_wordlist empty = {"", NULL, 0, false, {0}, {0}, {0}};
	for (size_t i = 0; w && i < w->n; i++)
		if (w->lists[i].name[0] == name[0] && !strcmp(w->lists[i].name, name))
			return &w->lists[i];
	return &empty;
}

/* Longest first: the first word that fits is the longest. */
static size_t words_at(const shuan_wordlist *l, const char *s, size_t n, int (*cmp)(const char *, const char *, size_t))
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k = strlen(l->v[i]);
		if (k <= n && !cmp(s, l->v[i], k))
			return k;
	}
	return 0;
}

/* Exact bytes: the first byte rules out almost every word before its
 * length is even needed (validators try the lists at many offsets). */
size_t shuan_words__at(const shuan_wordlist *l, const char *s, size_t n)
{
	if (!n)
		return 0;
	if (l->indexed) {
		unsigned char b = (unsigned char)s[0];
		bool one = (l->lead1[b >> 6] >> (b & 63)) & 1;
		if (n < 2 && !one)
			return 0;
		if (n >= 2 && !one) {
			unsigned k = lead2_key(s);
			if (!((l->lead2[k >> 6] >> (k & 63)) & 1))
				return 0;
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		const char *w = l->v[i];
		/* two bytes first: the words of a list often share the lead byte
		 * of their Han characters */
		if (w[0] != s[0] || (w[1] && (n < 2 || w[1] != s[1])))
			continue;
		size_t k = 1; /* one pass, no strlen: most words are a few bytes */
		while (w[k] && k < n && w[k] == s[k])
			k++;
		if (!w[k])
			return k;
	}
	return 0;
}

size_t shuan_words_at_icase(const shuan_wordlist *l, const char *s, size_t n)
{
	return words_at(l, s, n, strncasecmp);
}

const shuan_validator *shuan_validator_find(const char *name)
{
	if (!name)
		return NULL;
	for (const shuan_validator *v = shuan_validators; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

/* ISO/IEC 7812 Luhn: doubling every second digit from the right. */
bool shuan_luhn_ok(const char *digits, size_t n)
{
	if (n == 0)
		return false;
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		char c = digits[n - 1 - i];
		if (!is_digit(c))
			return false;
		int v = c - '0';
		if (i & 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/* GB 11643 / ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, map "10X98765432".
 * Returns -1 when one of the 17 characters is not a digit. */
int shuan_id_check_char(const char *first17)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return -1;
		sum += (first17[i] - '0') * w[i];
	}
	return map[sum % 11];
}

static const char USCC_ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Value 0..30 of a GB 32100 character, -1 for I, O, S, V, Z and the rest. */
static int uscc_value(char c)
{
	const char *p = c ? strchr(USCC_ALPHABET, c) : NULL;
	return p ? (int)(p - USCC_ALPHABET) : -1;
}

/* GB 32100: weights 3^(i-1) mod 31, check = (31 - sum mod 31) mod 31. */
int shuan_uscc_check_char(const char *first17)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(first17[i]);
		if (v < 0)
			return -1;
		sum += v * w[i];
	}
	return USCC_ALPHABET[(31 - sum % 31) % 31];
}

bool shuan_date_valid(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	int max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

bool shuan_validate__all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

size_t shuan_validate__collect_digits(const char *s, size_t n, char *out, size_t max, uint32_t sep_after)
{
	size_t k = 0;
	char sep = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (is_digit(c)) {
			if (k == max)
				return 0;
			out[k++] = c;
			continue;
		}
		if ((c != ' ' && c != '-') || k >= 32 || !(sep_after >> k & 1) || i + 1 >= n ||
		    !is_digit(s[i + 1]))
			return 0;
		if (sep && sep != c)
			return 0;
		sep = c;
	}
	out[k] = '\0';
	return k;
}

int shuan_validate__num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* The Han run at s: up to max characters, recording where each starts in
 * p (when not NULL; p[count] is the run's end). Returns the count and sets
 * *end to the run's bytes. */
static size_t han_scan(const char *s, size_t n, size_t max, size_t *p, size_t *end)
{
	size_t off = 0, k = 0;
	while (off < n && k < max) {
		uint32_t cp;
		size_t l = shuan_utf8_decode(s + off, n - off, &cp);
		if (l == 0 || !is_han(cp))
			break;
		if (p)
			p[k] = off;
		k++;
		off += l;
	}
	if (p)
		p[k] = off;
	*end = off;
	return k;
}

size_t shuan_validate__han_run(const char *s, size_t n, size_t max_chars, size_t *nchars)
{
	size_t end, k = han_scan(s, n, max_chars, NULL, &end);
	if (nchars)
		*nchars = k;
	return end;
}

size_t shuan_validate__han_offsets(const char *s, size_t n, size_t *p, size_t max)
{
	size_t end;
	return han_scan(s, n, max, p, &end);
}

size_t shuan_validate__trim(const char *s, size_t n, size_t *lead)
{
	size_t a = 0;
	while (a < n && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	*lead = a;
	return n - a;
}

long shuan_validate__find(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0 || m > n)
		return -1;
	const char *p = memmem(s, n, needle, m);
	return p ? (long)(p - s) : -1;
}

long shuan_validate__today(const shuan_vdata *d)
{
	if (!d || d->scan_year <= 0)
		return 0;
	return (long)d->scan_year * 10000 + d->scan_month * 100 + d->scan_day;
}

void shuan_validate__kind(shuan_vresult *r, const char *kind)
{
	/* once per candidate: a bounded copy, not a formatted print */
	size_t n = strnlen(kind, sizeof(r->kind) - 1);
	memcpy(r->kind, kind, n);
	r->kind[n] = '\0';
}
