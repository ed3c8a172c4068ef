/*
 * util/utf8.h - UTF-8, written once: validation with counts, strict
 * decoding and encoding of one character, counting characters, and cutting
 * a byte string without splitting a character. Hand-written because we need
 * the count of invalid sequences and whether the buffer merely ends inside a
 * character, which neither iconv nor mbrtowc report cheaply, and these run
 * on the scanner's hot path.
 */
#ifndef SHUAN_UTIL_UTF8_H
#define SHUAN_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Counts invalid UTF-8 sequences in buf[0..len). A sequence cut off by the
 * end of the buffer is not counted when `partial_ok` (more data follows). */
size_t shuan_utf8_invalid(const char *buf, size_t len, bool partial_ok);

/* Decodes the character at s[0..n) per RFC 3629 (no overlongs, no
 * surrogates, nothing above U+10FFFF): its length in bytes with *cp set, or 0
 * when s does not start with a whole valid character. */
size_t shuan_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Writes cp (at most U+10FFFF, not a surrogate) into out: the length (1-4),
 * or 0 when cp is not encodable. */
size_t shuan_utf8_encode(uint32_t cp, char out[4]);

/* Whether byte c continues a character (10xxxxxx). */
static inline bool shuan_utf8_is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* The length a lead byte announces (1 for ASCII and for stray bytes). */
static inline size_t shuan_utf8_lead_len(unsigned char c)
{
	return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Characters in s[0..n): bytes that are not continuation bytes. */
size_t shuan_utf8_count(const char *s, size_t n);

/* Terminal columns of s[0..n): characters of three or four UTF-8 bytes
 * (CJK and the like) take two, the rest one. For padding tables. */
size_t shuan_utf8_columns(const char *s, size_t n);

/* The longest prefix of s[0..n) of at most `max` bytes that does not end
 * inside a character (s[n] may be read when max < n). */
size_t shuan_utf8_cut(const char *s, size_t n, size_t max);

#endif
