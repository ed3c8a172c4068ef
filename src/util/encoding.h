/*
 * util/encoding.h - the one encoding sniffer and the encoding names (see
 * encoding.c).
 */
#ifndef SHUAN_UTIL_ENCODING_H
#define SHUAN_UTIL_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

typedef enum shuan_enc {
	SHUAN_ENC_UTF8 = 0,
	SHUAN_ENC_GB18030,
	SHUAN_ENC_UTF16LE,
	SHUAN_ENC_UTF16BE,
} shuan_enc;

/* A forced encoding as named by the user. */
typedef struct shuan_enc_choice {
	bool forced;      /* false: detect per input */
	shuan_enc enc;    /* the decoder to use when forced */
	char name[16];    /* the canonical name reported, e.g. "gbk" */
} shuan_enc_choice;

/* Parses an --encoding name: NULL, "" or "auto" (detect), utf-8, gb18030,
 * gbk, gb2312 (the latter two are decoded as GB18030, their superset),
 * utf-16le, utf-16be (case-insensitive; "utf8", "utf16le" also accepted).
 * Returns 0 or SHUAN_EINVAL for an unknown name. */
int shuan_enc_parse(const char *name, shuan_enc_choice *out);

/* "utf-8", "gb18030", "utf-16le" or "utf-16be". */
const char *shuan_enc_name(shuan_enc e);

/*
 * Detects the encoding of an input from its first len bytes (`more`: the
 * input goes on). Order: a BOM (UTF-8, UTF-16LE/BE); UTF-16 without a BOM
 * from NUL bytes in the high half of most ASCII code units; valid UTF-8;
 * GB18030 when the head decodes as GB18030. On success *enc is set and *bom
 * is the number of BOM bytes to skip (0 for UTF-8, whose BOM the segmenters
 * understand). Otherwise returns SHUAN_EBINARY (NUL or control bytes) or
 * SHUAN_EINVAL (text in no encoding we read), with a reason in why[] that
 * never quotes the input.
 */
int shuan_enc_detect(const char *buf, size_t len, bool more, shuan_enc *enc, size_t *bom, char *why,
		     size_t whylen);

/*
 * A name whose bytes are not UTF-8 (a zip member written on Chinese
 * Windows, which stores GBK without the UTF-8 flag) read as GB18030 when the
 * sniffer above takes it for that: writes the UTF-8 form into out (cap
 * bytes, NUL-terminated) and returns 0, or SHUAN_EINVAL when it is not
 * clean GB18030 (the caller keeps the bytes as they are).
 */
int shuan_enc_name_to_utf8(const char *name, size_t n, char *out, size_t cap);

/* iconv's name for e ("GB18030", "UTF-16LE", "UTF-16BE"), NULL for UTF-8. */
const char *shuan_enc_iconv_name(shuan_enc e);

#endif
