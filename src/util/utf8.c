/*
 * util/utf8.c - UTF-8 validation per RFC 3629 (no overlongs, no surrogates,
 * nothing above U+10FFFF).
 */
#include "util/utf8.h"

size_t shuan_utf8_invalid(const char *buf, size_t len, bool partial_ok)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t bad = 0, i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t need;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c < 0x80) {
			i++;
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
