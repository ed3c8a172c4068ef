/*
 * lib/validate/internal.h - small helpers shared by the validator families
 * (the validate_<family>.c files). Semi-private: shuan_validate__ prefix, not exported API.
 */
#ifndef SHUAN_LIB_VALIDATE_INTERNAL_H
#define SHUAN_LIB_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/validate/validate.h"
#include "util/utf8.h"

/* A validator's view of its candidate: p = buf + r->start, n = span length. */
#define SPAN_P(buf, r) ((buf) + (r)->start)
#define SPAN_N(r) ((r)->end - (r)->start)

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}
static inline bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}
static inline bool is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}
static inline bool is_alpha(int c)
{
	return is_upper(c) || is_lower(c);
}
static inline bool is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}
static inline bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* True when n chars at s are all ASCII digits (n > 0). */
bool shuan_validate__all_digits(const char *s, size_t n);

/* Parses exactly n digits at s (n <= 9). */
int shuan_validate__num(const char *s, size_t n);


/* True for CJK unified ideographs U+4E00..U+9FA5 (the span patterns use). */
static inline bool is_han(uint32_t cp)
{
	return cp >= 0x4E00 && cp <= 0x9FA5;
}

/* Byte length of the run of Han characters starting at s (at most max chars). */
size_t shuan_validate__han_run(const char *s, size_t n, size_t max_chars, size_t *nchars);

/* Finds needle in s[0..n); returns its offset or -1. */
long shuan_validate__find(const char *s, size_t n, const char *needle);

/* The scan date as yyyymmdd (0 when the vdata carries none). */
long shuan_validate__today(const shuan_vdata *d);

/* Copies kind into r->kind. */
void shuan_validate__kind(shuan_vresult *r, const char *kind);

/* Family entry points registered in validate.c. */
bool shuan_validate__resident_id(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__mobile(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__landline(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__email(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__ipv4(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__ipv6(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__mac(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__imei(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__bank_card(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__uscc(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__passport(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__hk_macao_permit(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__tw_permit(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__exit_entry_permit(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__plate(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__geo(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__person_name(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__address(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
bool shuan_validate__credential(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);

#endif
