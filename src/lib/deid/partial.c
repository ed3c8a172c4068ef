/*
 * lib/deid/partial.c - partial masking (屏蔽): keep the first and last few
 * characters, replace the rest, counting characters, not bytes, so a
 * Chinese name keeps whole characters.
 *
 *   110105194912310021  -> 110105********0021   (ID: first 6, last 4)
 *   13812345678         -> 138****5678          (mobile: 3, 4)
 *   zhangsan@example.com -> z***@example.com    (e-mail: first 1 of the local
 *                                                part, 3 stars, the domain)
 *   张三明 -> 张*明, 张三 -> 张*                   (name: 1, 1; two characters 1, 0)
 *
 * Without first/last the type decides; a value too short for them keeps
 * fewer characters, so at least one character is always masked.
 */
#include <string.h>

#include "lib/deid/internal.h"
#include "util/utf8.h"

size_t deid_u8len(const char *s, size_t n)
{
	uint32_t cp;
	size_t l = shuan_utf8_decode(s, n, &cp);
	return l ? l : 1; /* a stray byte counts as one character */
}

size_t deid_u8count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i += deid_u8len(s + i, n - i))
		k++;
	return k;
}

void deid_trim(const char *v, size_t *s, size_t *e)
{
	while (*s < *e && (v[*s] == ' ' || v[*s] == '\t' || v[*s] == '\r' || v[*s] == '\n'))
		(*s)++;
	while (*e > *s && (v[*e - 1] == ' ' || v[*e - 1] == '\t' || v[*e - 1] == '\r' || v[*e - 1] == '\n'))
		(*e)--;
}

/* Byte offset of the character numbered `chars` (0-based) in v. */
static size_t skip_chars(const char *v, size_t n, size_t chars)
{
	size_t i = 0;
	while (chars-- && i < n)
		i += deid_u8len(v + i, n - i);
	return i;
}

static int masks(const deid_action *a, shuan_buf *out, size_t k)
{
	int rc = 0;
	for (size_t i = 0; i < k && !rc; i++)
		rc = shuan_buf_adds(out, a->mask_char);
	return rc;
}

/* The type's default (first, last) for a value of `chars` characters. */
static void defaults(deid_vtype t, size_t chars, int *first, int *last)
{
	switch (t) {
	case VT_RESIDENT_ID:
		*first = 6, *last = chars == 15 ? 3 : 4;
		return;
	case VT_MOBILE:
		*first = 3, *last = 4;
		return;
	case VT_BANK_CARD:
		*first = 6, *last = 4;
		return;
	case VT_NAME:
		*first = 1, *last = chars >= 3 ? 1 : 0;
		return;
	case VT_ADDRESS:
		*first = 6, *last = 0;
		return;
	default:
		break;
	}
	if (chars >= 15)
		*first = 4, *last = 4;
	else if (chars >= 11)
		*first = 3, *last = 4;
	else if (chars >= 7)
		*first = 2, *last = 2;
	else if (chars >= 3)
		*first = 1, *last = 1;
	else
		*first = 1, *last = 0;
}

static int partial_email(const deid_action *a, const char *v, size_t n, const char *at, shuan_buf *out)
{
	size_t local = (size_t)(at - v), lchars = deid_u8count(v, local);
	size_t first = a->first >= 0 ? (size_t)a->first : 1;
	size_t stars = a->stars >= 0 ? (size_t)a->stars : 3;
	int rc;
	if (first >= lchars)
		first = lchars > 1 ? lchars - 1 : 0;
	size_t keep = skip_chars(v, local, first);
	if ((rc = shuan_buf_add(out, v, keep)) || (rc = masks(a, out, stars)))
		return rc;
	return shuan_buf_add(out, at, n - local);
}

int deid_partial(const deid_action *a, deid_vtype t, const char *v, size_t n, shuan_buf *out)
{
	const char *at = memchr(v, '@', n);
	size_t chars, first, last, hidden;
	int df, dl, rc;

	if (n == 0)
		return 0;
	if (t == VT_EMAIL ||
	    ((t == VT_AUTO || t == VT_OTHER) && at && at > v && at + 1 < v + n && !memchr(v, ' ', n)))
		if (at && at > v)
			return partial_email(a, v, n, at, out);
	/* a secret keeps nothing, not even its length */
	if (t == VT_SECRET)
		return masks(a, out, a->stars >= 0 ? (size_t)a->stars : 8);
	chars = deid_u8count(v, n);
	defaults(t, chars, &df, &dl);
	first = (size_t)(a->first >= 0 ? a->first : df);
	last = (size_t)(a->last >= 0 ? a->last : dl);
	/* never show the whole value: shrink what is kept until one character is hidden */
	while (first + last >= chars && (first || last)) {
		if (last >= first && last)
			last--;
		else
			first--;
	}
	hidden = chars - first - last;
	size_t head = skip_chars(v, n, first), tail = skip_chars(v, n, chars - last);
	if ((rc = shuan_buf_add(out, v, head)) ||
	    (rc = masks(a, out, a->stars >= 0 ? (size_t)a->stars : hidden)))
		return rc;
	return shuan_buf_add(out, v + tail, n - tail);
}
