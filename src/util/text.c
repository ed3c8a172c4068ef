/*
 * util/text.c - untrusted text made safe for terminals (see text.h).
 * Hand-written because the rules are ours: which code points a terminal acts
 * on (C0, DEL, C1, bidi controls) and how to show them; UTF-8 decoding is
 * util/utf8's.
 */
#include <stdio.h>
#include <string.h>

#include "util/text.h"
#include "util/utf8.h"

/* The escape for the character at s (len bytes, code point cp, or cp ==
 * UINT32_MAX for a byte that is not UTF-8), or "" when it is shown as is. */
static size_t escape_of(uint32_t cp, unsigned char byte, char esc[8])
{
	if (cp == UINT32_MAX)
		return (size_t)snprintf(esc, 8, "\\x%02x", byte);
	if (cp < 0x20 || cp == 0x7f) {
		switch (cp) {
		case '\n': memcpy(esc, "\\n", 3); return 2;
		case '\r': memcpy(esc, "\\r", 3); return 2;
		case '\t': memcpy(esc, "\\t", 3); return 2;
		default: return (size_t)snprintf(esc, 8, "\\x%02x", (unsigned)cp);
		}
	}
	if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return (size_t)snprintf(esc, 8, "\\u%04x", (unsigned)cp);
	return 0;
}

/* Decodes one character: its byte length; *cp = UINT32_MAX for a stray byte. */
static size_t next_char(const char *s, size_t n, uint32_t *cp)
{
	if ((unsigned char)s[0] < 0x80) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	size_t k = shuan_utf8_decode(s, n, cp);
	if (k)
		return k;
	*cp = UINT32_MAX;
	return 1;
}

bool shuan_escape_needed(const char *s, size_t n)
{
	char esc[8];
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = next_char(s + i, n - i, &cp);
		if (escape_of(cp, (unsigned char)s[i], esc))
			return true;
		i += k;
	}
	return false;
}

/* Writes the escaped form of s[0..n) into out while it fits in `room`
 * bytes (no NUL); returns the full escaped length and, in *used, how much
 * was written. */
static size_t escape_into(const char *s, size_t n, char *out, size_t room, size_t *used)
{
	size_t total = 0;
	bool full = false;
	*used = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		char esc[8];
		size_t k = next_char(s + i, n - i, &cp);
		size_t e = escape_of(cp, (unsigned char)s[i], esc);
		size_t len = e ? e : k;
		if (!full && total + len <= room) {
			memcpy(out + total, e ? esc : s + i, len);
			*used = total + len;
		} else {
			full = true;
		}
		total += len;
		i += k;
	}
	return total;
}

char *shuan_escape_display(const char *s, size_t n, char *out, size_t cap)
{
	static const char ellipsis[] = "...";
	size_t used;
	if (cap == 0)
		return out;
	if (escape_into(s, n, out, cap - 1, &used) > cap - 1) {
		/* cut: leave room for the ellipsis, at a piece boundary */
		size_t room = cap > sizeof(ellipsis) ? cap - sizeof(ellipsis) : 0;
		escape_into(s, n, out, room, &used);
		memcpy(out + used, ellipsis, cap - 1 - used < sizeof(ellipsis) - 1 ? cap - 1 - used : sizeof(ellipsis) - 1);
		used += cap - 1 - used < sizeof(ellipsis) - 1 ? cap - 1 - used : sizeof(ellipsis) - 1;
	}
	out[used] = '\0';
	return out;
}

void shuan_fputs_safe(FILE *out, const char *s)
{
	char esc[8];
	size_t n = s ? strlen(s) : 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = next_char(s + i, n - i, &cp);
		size_t e = escape_of(cp, (unsigned char)s[i], esc);
		fwrite(e ? esc : s + i, 1, e ? e : k, out);
		i += k;
	}
}

void shuan_redact_quoted(const char *msg, char *out, size_t cap)
{
	size_t o = 0;
	bool quoted = false;
	for (const char *p = msg; *p && o + 1 < cap; p++) {
		if (*p == '\'') {
			if (!quoted) {
				out[o++] = '\'';
				/* "…" in UTF-8, then the closing quote when it comes */
				for (const char *e = "\xe2\x80\xa6"; *e && o + 1 < cap; e++)
					out[o++] = *e;
			} else if (o + 1 < cap) {
				out[o++] = '\'';
			}
			quoted = !quoted;
		} else if (!quoted) {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}
