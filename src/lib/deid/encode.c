/*
 * lib/deid/encode.c - the encoding direction the scanner never needs: UTF-8
 * back to the input's encoding (GB18030, GBK, UTF-16LE/BE) with glibc iconv,
 * so a masked GBK export stays GBK for the program that reads it.
 *
 * Each worker converts its own blocks (blocks end at line ends, so at a
 * character boundary, and these encodings carry no shift state), which
 * keeps the output identical whatever the number of threads.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/deid/encode.h"
#include "shuan/common.h"
#include "util/alloc.h"
#include "util/encoding.h"

int deid_out_enc_parse(const char *name, deid_out_enc *out)
{
	shuan_enc_choice ch;
	/* the input's names; GBK (and GB2312) are written as GBK, which cannot
	 * hold every character, GB18030 can */
	if (!name || !*name || !strcasecmp(name, "auto") || shuan_enc_parse(name, &ch) != 0)
		return SHUAN_EINVAL;
	if (!strcmp(ch.name, "gbk") || !strcmp(ch.name, "gb2312"))
		*out = OUT_GBK;
	else
		*out = ch.enc == SHUAN_ENC_GB18030   ? OUT_GB18030
		       : ch.enc == SHUAN_ENC_UTF16LE ? OUT_UTF16LE
		       : ch.enc == SHUAN_ENC_UTF16BE ? OUT_UTF16BE
		                                     : OUT_UTF8;
	return 0;
}

const char *deid_out_enc_name(deid_out_enc e)
{
	switch (e) {
	case OUT_GB18030:
		return "gb18030";
	case OUT_GBK:
		return "gbk";
	case OUT_UTF16LE:
		return "utf-16le";
	case OUT_UTF16BE:
		return "utf-16be";
	default:
		return "utf-8";
	}
}

static const char *iconv_name(deid_out_enc e)
{
	switch (e) {
	case OUT_GB18030:
		return shuan_enc_iconv_name(SHUAN_ENC_GB18030);
	case OUT_GBK:
		return "GBK";
	case OUT_UTF16LE:
		return shuan_enc_iconv_name(SHUAN_ENC_UTF16LE);
	case OUT_UTF16BE:
		return shuan_enc_iconv_name(SHUAN_ENC_UTF16BE);
	default:
		return "UTF-8";
	}
}

int deid_encoder_init(deid_encoder *c, deid_out_enc e)
{
	c->enc = e;
	c->cd = (iconv_t)-1;
	if (e == OUT_UTF8)
		return 0;
	c->cd = iconv_open(iconv_name(e), "UTF-8");
	return c->cd == (iconv_t)-1 ? SHUAN_EINVAL : 0;
}

void deid_encoder_free(deid_encoder *c)
{
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	c->cd = (iconv_t)-1;
}

int deid_encode(deid_encoder *c, const char *in, size_t n, shuan_buf *out, char *err, size_t errlen)
{
	char tmp[16384];
	char *ip = (char *)in;
	size_t il = n;
	int rc;

	iconv(c->cd, NULL, NULL, NULL, NULL);
	while (il > 0) {
		char *op = tmp;
		size_t ol = sizeof(tmp);
		size_t r = iconv(c->cd, &ip, &il, &op, &ol);
		int e = errno;
		if ((rc = shuan_buf_add(out, tmp, sizeof(tmp) - ol)) != 0)
			return rc;
		if (r == (size_t)-1 && e != E2BIG) {
			/* EILSEQ: a character the target cannot hold (GBK has no emoji)
			 * or invalid UTF-8 from the input; EINVAL: a cut sequence */
			snprintf(err, errlen, "a character at output byte %zu cannot be written in %s%s",
			         (size_t)(ip - in), deid_out_enc_name(c->enc),
			         c->enc == OUT_GBK ? " (gb18030 can hold every character)"
			                           : " (invalid UTF-8 in the input?)");
			return SHUAN_EINVAL;
		}
	}
	return 0;
}
