/*
 * util/hex.c - hex digits (util/hex.h).
 */
#include "util/hex.h"

#include "util/buf.h"

static const char DIGITS[] = "0123456789abcdef";

int shuan_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool shuan_hex_decode(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		/* the low digit is read only after the high one, which stops at a NUL */
		int hi = shuan_hex_digit((unsigned char)s[2 * i]),
		    lo = hi < 0 ? -1 : shuan_hex_digit((unsigned char)s[2 * i + 1]);
		if (lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

void shuan_hex_encode(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = DIGITS[b[i] >> 4];
		out[2 * i + 1] = DIGITS[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int shuan_hex_append(struct shuan_buf *buf, const void *p, size_t n)
{
	const unsigned char *b = p;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		char two[2] = {DIGITS[b[i] >> 4], DIGITS[b[i] & 15]};
		rc = shuan_buf_add(buf, two, 2);
	}
	return rc;
}
