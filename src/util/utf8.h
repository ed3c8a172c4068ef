/*
 * util/utf8.h - UTF-8 validation. Hand-written because we need the count of
 * invalid sequences and whether the buffer merely ends inside a character,
 * which neither iconv nor mbrtowc report cheaply.
 */
#ifndef SHUAN_UTIL_UTF8_H
#define SHUAN_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Counts invalid UTF-8 sequences in buf[0..len). A sequence cut off by the
 * end of the buffer is not counted when `partial_ok` (more data follows). */
size_t shuan_utf8_invalid(const char *buf, size_t len, bool partial_ok);

#endif
