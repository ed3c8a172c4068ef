/*
 * util/encoding.c - the one encoding sniffer: which encoding a text's first
 * bytes are in (BOM, UTF-16 by its NUL bytes, UTF-8, GB18030 through glibc's
 * iconv), the names users give encodings, and iconv's names for them. The
 * scanner's decoder (lib/scan/decode.c) and the regulation ingester
 * (lib/regs/article_text.c) both decide with it, so a file is read the same
 * way wherever it is read.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "shuan/common.h"
#include "util/encoding.h"
#include "util/utf8.h"

#define DETECT_GB_BYTES (64u << 10)
#define DETECT_U16_BYTES 8000u

/* ---- names ---- */

static const struct {
	const char *name;
	shuan_enc enc;
} enc_names[] = {
	{"utf-8", SHUAN_ENC_UTF8},       {"utf8", SHUAN_ENC_UTF8},         {"gb18030", SHUAN_ENC_GB18030},
	{"gbk", SHUAN_ENC_GB18030},      {"gb2312", SHUAN_ENC_GB18030},    {"cp936", SHUAN_ENC_GB18030},
	{"utf-16le", SHUAN_ENC_UTF16LE}, {"utf16le", SHUAN_ENC_UTF16LE},   {"utf-16be", SHUAN_ENC_UTF16BE},
	{"utf16be", SHUAN_ENC_UTF16BE},
};

const char *shuan_enc_name(shuan_enc e)
{
	switch (e) {
	case SHUAN_ENC_GB18030: return "gb18030";
	case SHUAN_ENC_UTF16LE: return "utf-16le";
	case SHUAN_ENC_UTF16BE: return "utf-16be";
	default: return "utf-8";
	}
}

int shuan_enc_parse(const char *name, shuan_enc_choice *out)
{
	memset(out, 0, sizeof(*out));
	if (!name || !*name || !strcasecmp(name, "auto"))
		return 0;
	for (size_t i = 0; i < sizeof(enc_names) / sizeof(enc_names[0]); i++)
		if (!strcasecmp(name, enc_names[i].name)) {
			out->forced = true;
			out->enc = enc_names[i].enc;
			/* Report the name the user chose, in its canonical spelling. */
			const char *canon = enc_names[i].name;
			if (!strcmp(canon, "utf8") || !strcmp(canon, "utf16le") || !strcmp(canon, "utf16be"))
				canon = shuan_enc_name(out->enc);
			snprintf(out->name, sizeof(out->name), "%s", canon);
			return 0;
		}
	return SHUAN_EINVAL;
}

const char *shuan_enc_iconv_name(shuan_enc e)
{
	switch (e) {
	case SHUAN_ENC_GB18030: return "GB18030";
	case SHUAN_ENC_UTF16LE: return "UTF-16LE";
	case SHUAN_ENC_UTF16BE: return "UTF-16BE";
	default: return NULL;
	}
}

/* ---- detection ---- */

/* Control bytes that do not occur in text (tab, LF, VT, FF, CR and ESC do). */
static bool is_binary_ctrl(unsigned c)
{
	return c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1B;
}

/* Whether buf looks like UTF-16 without a BOM in the given byte order: the
 * high byte of a quarter or more of the code units is NUL (ASCII characters:
 * Chinese-only UTF-16 without a BOM is not recognised), few low bytes are,
 * surrogates pair up and no unit is a control character. */
static bool looks_utf16(const unsigned char *b, size_t n, bool le)
{
	size_t hi_nul = 0, lo_nul = 0, units = n / 2;
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned lo = le ? b[i] : b[i + 1], hi = le ? b[i + 1] : b[i];
		unsigned u = lo | hi << 8;
		hi_nul += hi == 0;
		lo_nul += lo == 0;
		if (u < 0x20 && is_binary_ctrl(u))
			return false;
		if (u == 0 || u == 0xFFFE || u == 0xFFFF)
			return false;
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (i + 3 >= n)
				break; /* a pair cut by the end of the head */
			unsigned lo2 = le ? b[i + 2] : b[i + 3], hi2 = le ? b[i + 3] : b[i + 2];
			unsigned u2 = lo2 | hi2 << 8;
			if (u2 < 0xDC00 || u2 > 0xDFFF)
				return false;
			i += 2;
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			return false;
		}
	}
	/* At least a quarter of the units ASCII-like, and NULs on one side. */
	return units > 0 && hi_nul * 4 >= units && hi_nul >= 8 * lo_nul;
}

/* Counts GB18030 sequences iconv rejects in buf (a sequence cut by the end
 * of buf counts only when !more), the valid multibyte characters, and
 * binary control bytes. */
static int gb_check(const char *buf, size_t n, bool more, size_t *bad, size_t *mb, size_t *ctrl)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	char out[4096];
	char *in = (char *)buf;
	size_t left = n;

	*bad = *mb = *ctrl = 0;
	if (cd == (iconv_t)-1)
		return SHUAN_EINVAL;
	for (size_t i = 0; i < n; i++)
		*ctrl += is_binary_ctrl((unsigned char)buf[i]);
	while (left > 0) {
		char *op = out;
		size_t ol = sizeof(out);
		size_t r = iconv(cd, &in, &left, &op, &ol);
		int err = errno;
		for (char *p = out; p < op; p++)
			*mb += (unsigned char)*p >= 0xC0;
		if (r != (size_t)-1)
			break;
		errno = err;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && more)
			break;
		(*bad)++; /* EILSEQ, or EINVAL at the very end of the input */
		in++;
		left--;
	}
	iconv_close(cd);
	return 0;
}

int shuan_enc_detect(const char *buf, size_t len, bool more, shuan_enc *enc, size_t *bom, char *why,
		     size_t whylen)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t n = len < DETECT_U16_BYTES ? len : DETECT_U16_BYTES;

	*enc = SHUAN_ENC_UTF8;
	*bom = 0;
	if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		return 0;
	if (len >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0) {
		snprintf(why, whylen, "UTF-32 text (not supported)");
		return SHUAN_EINVAL;
	}
	if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		*enc = SHUAN_ENC_UTF16LE;
		*bom = 2;
		return 0;
	}
	if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		*enc = SHUAN_ENC_UTF16BE;
		*bom = 2;
		return 0;
	}
	if (memchr(buf, '\0', n)) {
		if (looks_utf16(b, n & ~(size_t)1, true)) {
			*enc = SHUAN_ENC_UTF16LE;
			return 0;
		}
		if (looks_utf16(b, n & ~(size_t)1, false)) {
			*enc = SHUAN_ENC_UTF16BE;
			return 0;
		}
		snprintf(why, whylen, "binary file (NUL bytes)");
		return SHUAN_EBINARY;
	}
	size_t bad_utf8 = shuan_utf8_invalid(buf, len, more);
	if (bad_utf8 == 0)
		return 0;
	/* Not UTF-8: GB18030 (GBK, GB2312) when the head decodes as such. */
	size_t gn = len < DETECT_GB_BYTES ? len : DETECT_GB_BYTES, bad, mb, ctrl;
	if (gb_check(buf, gn, more || gn < len, &bad, &mb, &ctrl) == 0) {
		if (ctrl * 100 > gn) {
			snprintf(why, whylen, "binary file (control bytes)");
			return SHUAN_EBINARY;
		}
		/* Some Chinese, and no more bad bytes than good characters (a
		 * damaged export is still worth reading; binary input without NUL
		 * bytes was caught by its control bytes). */
		if (mb > 0 && bad <= mb) {
			*enc = SHUAN_ENC_GB18030;
			return 0;
		}
	}
	/* Mostly UTF-8 with a few damaged sequences (a cut character, a stray
	 * Latin-1 byte): read as UTF-8 and count them rather than lose the
	 * file - at most one bad sequence per 1000 bytes. */
	if (bad_utf8 * 1000 <= len)
		return 0;
	/* A fixed reason: the summary groups skips by their reason. */
	snprintf(why, whylen, "undecodable text (neither UTF-8 nor GB18030; try --encoding)");
	return SHUAN_EINVAL;
}

int shuan_enc_name_to_utf8(const char *name, size_t n, char *out, size_t cap)
{
	shuan_enc enc;
	size_t bom;
	char why[96];
	if (cap == 0 || shuan_enc_detect(name, n, false, &enc, &bom, why, sizeof(why)) != 0 ||
	    enc != SHUAN_ENC_GB18030)
		return SHUAN_EINVAL;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return SHUAN_EINVAL;
	char *in = (char *)name, *op = out;
	size_t left = n, ol = cap - 1;
	size_t r = iconv(cd, &in, &left, &op, &ol);
	iconv_close(cd);
	if (r == (size_t)-1 || left)
		return SHUAN_EINVAL; /* not a clean GB18030 name (or too long): keep the bytes */
	*op = '\0';
	return 0;
}
