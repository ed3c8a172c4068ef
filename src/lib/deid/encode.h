/*
 * lib/deid/encode.h - writing UTF-8 out in another encoding (iconv), the
 * reverse of lib/scan/decode.h.
 */
#ifndef SHUAN_LIB_DEID_ENCODE_H
#define SHUAN_LIB_DEID_ENCODE_H

#include <iconv.h>
#include <stddef.h>

#include "util/buf.h"

typedef enum deid_out_enc { OUT_UTF8 = 0, OUT_GB18030, OUT_GBK, OUT_UTF16LE, OUT_UTF16BE } deid_out_enc;

/* Parses utf-8, gb18030, gbk (gb2312 is written as gbk), utf-16le,
 * utf-16be (case-insensitive). Returns 0 or SHUAN_EINVAL. */
int deid_out_enc_parse(const char *name, deid_out_enc *out);
const char *deid_out_enc_name(deid_out_enc e);

typedef struct deid_encoder {
	deid_out_enc enc;
	iconv_t cd; /* (iconv_t)-1 for UTF-8 */
} deid_encoder;

/* Returns 0 or SHUAN_EINVAL (no converter). UTF-8 needs none. */
int deid_encoder_init(deid_encoder *c, deid_out_enc e);
void deid_encoder_free(deid_encoder *c);
/* Appends in[0..n) (UTF-8, whole characters) converted to out. Returns 0,
 * SHUAN_EINVAL with err naming the problem, or a buffer error. */
int deid_encode(deid_encoder *c, const char *in, size_t n, shuan_buf *out, char *err, size_t errlen);

#endif
