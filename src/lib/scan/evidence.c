/*
 * lib/scan/evidence.c - evidence masking and value normalisation.
 *
 * Masking keeps just enough for a person to recognise which value is meant
 * without disclosing it: the first and last few characters of identifiers
 * (GB/T 35273-2020 shows the same "keep head and tail" de-identification
 * style), the first letter and the domain of an e-mail, the surname of a
 * name, nothing at all of a secret.
 */
#include <ctype.h>
#include <string.h>

#include "lib/scan/evidence.h"

/* Length in bytes of the UTF-8 character starting at s (1 on bad bytes). */
static size_t u8len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t l = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
	return l <= n ? l : 1;
}

static size_t count_chars(const char *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i += u8len(v + i, n - i))
		k++;
	return k;
}

size_t shuan_normalise_value(const shuan_detector *d, const char *v, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)v[i];
		switch (d->normalize) {
		case NORM_ALNUM_UPPER:
			/* drop formatting only: "+86 138-1234-5678" -> "8613812345678";
			 * dots, colons and non-ASCII characters (浙A…) stay */
			if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '+' && c != '\t')
				out[o++] = (char)toupper(c);
			break;
		case NORM_LOWER:
			out[o++] = (char)tolower(c);
			break;
		default:
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	/* e.g. "+86 138…" and "0086138…" are the same number as "138…". */
	for (size_t p = 0; p < d->strip_prefixes.n; p++) {
		size_t pl = strlen(d->strip_prefixes.v[p]);
		if (o > pl + 6 && !memcmp(out, d->strip_prefixes.v[p], pl)) {
			memmove(out, out + pl, o - pl + 1);
			o -= pl;
			break;
		}
	}
	return o;
}

/* Appends k stars. */
static size_t stars(char *out, size_t o, size_t cap, size_t k)
{
	while (k-- && o + 1 < cap)
		out[o++] = '*';
	return o;
}

/* Copies the first `chars` characters of v. */
static size_t head(char *out, size_t o, size_t cap, const char *v, size_t n, size_t chars, size_t *used)
{
	size_t i = 0;
	while (chars-- && i < n) {
		size_t l = u8len(v + i, n - i);
		if (o + l + 1 >= cap)
			break;
		memcpy(out + o, v + i, l);
		o += l;
		i += l;
	}
	*used = i;
	return o;
}

static void mask_generic(const char *v, size_t n, char *out, size_t cap)
{
	size_t chars = count_chars(v, n), h, t, used, o;
	if (chars >= 15) {
		h = 4, t = 4;
	} else if (chars >= 11) {
		h = 3, t = 4;
	} else if (chars >= 7) {
		h = 2, t = 2;
	} else {
		h = 1, t = 0;
	}
	o = head(out, 0, cap, v, n, h, &used);
	o = stars(out, o, cap, chars - h - t);
	/* the tail: skip to the last t characters */
	size_t skip = chars - t, i = 0;
	while (skip-- && i < n)
		i += u8len(v + i, n - i);
	if (o + (n - i) + 1 < cap) {
		memcpy(out + o, v + i, n - i);
		o += n - i;
	}
	out[o] = '\0';
}

static void mask_email(const char *v, size_t n, char *out, size_t cap)
{
	const char *at = memchr(v, '@', n);
	size_t o = 0, used;
	if (!at) {
		mask_generic(v, n, out, cap);
		return;
	}
	o = head(out, 0, cap, v, (size_t)(at - v), 1, &used);
	o = stars(out, o, cap, 3);
	size_t dl = n - (size_t)(at - v);
	if (o + dl + 1 < cap) {
		memcpy(out + o, at, dl);
		o += dl;
	}
	out[o] = '\0';
}

static void mask_name(const char *v, size_t n, char *out, size_t cap)
{
	size_t used, chars = count_chars(v, n);
	size_t o = head(out, 0, cap, v, n, 1, &used);
	o = stars(out, o, cap, chars > 1 ? chars - 1 : 1);
	out[o] = '\0';
}

/* Addresses keep the leading division (up to the first 省/市/区/县) only. */
static void mask_address(const char *v, size_t n, char *out, size_t cap)
{
	static const char *const ends[] = {"省", "自治区", "市", "区", "县"};
	size_t keep = 0, used, o;
	for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
		const char *p = memmem(v, n, ends[e], strlen(ends[e]));
		if (p && (size_t)(p - v) <= 30) {
			keep = (size_t)(p - v) + strlen(ends[e]);
			break;
		}
	}
	o = head(out, 0, cap, v, keep, (size_t)-1, &used);
	o = stars(out, o, cap, 6);
	out[o] = '\0';
}

void shuan_evidence_mask(evidence_style kind, const char *v, size_t n, char *out, size_t cap)
{
	if (cap == 0)
		return;
	switch (kind) {
	case EVIDENCE_EMAIL:
		mask_email(v, n, out, cap);
		break;
	case EVIDENCE_NAME:
		mask_name(v, n, out, cap);
		break;
	case EVIDENCE_ADDRESS:
		mask_address(v, n, out, cap);
		break;
	case EVIDENCE_SECRET:
		out[stars(out, 0, cap, 8)] = '\0';
		break;
	default:
		mask_generic(v, n, out, cap);
	}
}
