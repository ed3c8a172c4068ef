/*
 * util/text.c - terminal-safe text (see text.h).
 */
#include "util/text.h"

void shuan_fputs_safe(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}
