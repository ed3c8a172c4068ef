/*
 * util/json.c - JSON string writing shared by every JSON producer (findings,
 * inventories, regs, detectors): quoting and escaping in one place.
 *
 * The output is valid JSON (RFC 8259, which requires UTF-8) for any input
 * bytes: '"', '\\' and control characters are escaped, and a byte that does
 * not belong to a valid UTF-8 sequence (a GBK file name, a cut character)
 * is written as U+FFFD, so one odd name can never make a whole JSON Lines
 * file unreadable. Writers that must keep such bytes recoverable (a path)
 * say so beside the string (see output/json.c, `path_bytes`).
 */
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"

void shuan_json_string(FILE *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0; /* start of the pending run of bytes that need no escape */
	putc_unlocked('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t k = shuan_utf8_decode(s + i, n - i, &cp);
			if (k) {
				i += k - 1;
				continue;
			}
			fwrite_unlocked(s + run, 1, i - run, out);
			run = i + 1;
			fputs_unlocked("\\ufffd", out);
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		fwrite_unlocked(s + run, 1, i - run, out);
		run = i + 1;
		switch (c) {
		case '"': fputs_unlocked("\\\"", out); break;
		case '\\': fputs_unlocked("\\\\", out); break;
		case '\n': fputs_unlocked("\\n", out); break;
		case '\r': fputs_unlocked("\\r", out); break;
		case '\t': fputs_unlocked("\\t", out); break;
		default:
			fputs_unlocked("\\u00", out);
			putc_unlocked(hex[c >> 4], out);
			putc_unlocked(hex[c & 15], out);
		}
	}
	fwrite_unlocked(s + run, 1, n - run, out);
	putc_unlocked('"', out);
}

void shuan_json_cstring(FILE *out, const char *s)
{
	if (s)
		shuan_json_string(out, s, strlen(s));
	else
		fputs("null", out);
}

void shuan_json_field(FILE *out, const char *prefix, const char *s)
{
	fputs(prefix, out);
	shuan_json_cstring(out, s);
}

void shuan_json_strings(FILE *out, const char *const *v, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		shuan_json_cstring(out, v[i]);
	}
	fputc(']', out);
}

/* A count or amount below zero is the callers' "not known". */
static void pair_value(FILE *out, const shuan_json_pair *p)
{
	switch (p->kind) {
	case SHUAN_JSON_STR:
		shuan_json_cstring(out, p->s);
		break;
	case SHUAN_JSON_TEXT:
		shuan_json_cstring(out, p->s ? p->s : "");
		break;
	case SHUAN_JSON_BOOL:
		fputs(p->b ? "true" : "false", out);
		break;
	case SHUAN_JSON_COUNT:
		if (p->i >= 0)
			fprintf(out, "%lld", (long long)p->i);
		else
			fputs("null", out);
		break;
	case SHUAN_JSON_AMOUNT:
		if (p->d >= 0)
			fprintf(out, "%.17g", p->d);
		else
			fputs("null", out);
		break;
	}
}

void shuan_json_pairs(FILE *out, const shuan_json_pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s\"%s\":", i ? "," : "", p[i].key);
		pair_value(out, &p[i]);
	}
}

void shuan_json_object(FILE *out, const shuan_json_pair *p, size_t n)
{
	fputc('{', out);
	shuan_json_pairs(out, p, n);
	fputc('}', out);
}
