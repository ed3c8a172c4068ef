/*
 * util/hex.h - hexadecimal digits read in one place: percent-escapes and
 * \uXXXX in scanned text, %XX in database URLs, PostgreSQL bytea, and
 * stored fingerprints and key ids all decode through these.
 */
#ifndef SHUAN_UTIL_HEX_H
#define SHUAN_UTIL_HEX_H

#include <stdbool.h>
#include <stddef.h>

/* The value of one hex digit (either case), or -1 for any other byte. */
int shuan_hex_digit(int c);

/* Decodes the 2n hex digits at s into n bytes at out. Returns false at the
 * first byte that is not a hex digit (a NUL included, so a shorter string
 * is never read past its end); out may then be partly written. What
 * follows the 2n digits is not looked at: callers that want exactly 2n
 * check s[2 * n] themselves. */
bool shuan_hex_decode(const char *s, size_t n, unsigned char *out);

/* Writes the n bytes at b as 2n lower-case hex digits and a NUL into out
 * (2n + 1 bytes). */
void shuan_hex_encode(const unsigned char *b, size_t n, char *out);

/* Appends the n bytes at p to buf as 2n lower-case hex digits; 0 or the
 * buffer's error (SHUAN_ENOMEM, SHUAN_ELIMIT). */
struct shuan_buf;
int shuan_hex_append(struct shuan_buf *buf, const void *p, size_t n);

#endif
