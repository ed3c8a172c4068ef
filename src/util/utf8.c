/*
 * util/utf8.c - UTF-8 validation per RFC 3629 (no overlongs, no surrogates,
 * nothing above U+10FFFF).
 */
#include "util/utf8.h"

#include <string.h>

#include "util/swar.h"

size_t shuan_utf8_invalid(const char *buf, size_t len, bool partial_ok)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t bad = 0, i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t need;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c < 0x80) {
			/* ASCII runs eight bytes at a time (most of any log or CSV) */
			i++;
			while (i + 8 <= len) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ull)
					break;
				i += 8;
			}
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			bad++;
			i++;
			continue;
		}
		size_t k = 1;
		for (; k <= need && i + k < len; k++) {
			unsigned char b = s[i + k];
			if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
				break;
		}
		if (k == need + 1) {
			i += need + 1;
		} else if (i + k == len && partial_ok) {
			return bad; /* cut by the end of the buffer: the next one completes it */
		} else {
			bad++;
			i += k;
		}
	}
	return bad;
}

size_t shuan_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t v;
	size_t len;
	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	len = u[0] >= 0xC2 && u[0] <= 0xDF ? 2 : u[0] >= 0xE0 && u[0] <= 0xEF ? 3 : u[0] >= 0xF0 && u[0] <= 0xF4 ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	v = u[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if (!shuan_utf8_is_cont(u[i]))
			return 0;
		v = (v << 6) | (u[i] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

size_t shuan_utf8_encode(uint32_t cp, char out[4])
{
	unsigned char *b = (unsigned char *)out;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		return 0;
	b[0] = (unsigned char)(0xF0 | (cp >> 18));
	b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	b[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t shuan_utf8_count(const char *s, size_t n)
{
	/* characters = bytes that are not continuation bytes (10xxxxxx),
	 * counted eight at a time */
	size_t k = 0, i = 0;
	for (; i + 8 <= n; i += 8)
		k += 8 - shuan_swar_continuations(shuan_swar_load(s + i));
	for (; i < n; i++)
		k += !shuan_utf8_is_cont((unsigned char)s[i]);
	return k;
}

size_t shuan_utf8_cut(const char *s, size_t n, size_t max)
{
	size_t k = n < max ? n : max;
	/* back off while the byte after the cut continues a character */
	while (k > 0 && k < n && shuan_utf8_is_cont((unsigned char)s[k]))
		k--;
	return k;
}

size_t shuan_utf8_columns(const char *s, size_t n)
{
	size_t cols = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!shuan_utf8_is_cont(c))
			cols += c >= 0xE0 ? 2 : 1;
	}
	return cols;
}
