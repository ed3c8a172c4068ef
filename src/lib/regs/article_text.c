/*
 * lib/regs/article_text.c - turns the bytes of a digest article into UTF-8 text for
 * ingestion: encoding detection (UTF-8, else GBK/GB18030 through glibc's
 * iconv), binary rejection, and a small hand-written HTML-to-text pass.
 *
 * The HTML pass is deliberately simple (no libxml2): drop <script>/<style>,
 * turn block tags into line breaks, headings into "# " lines, table rows
 * into "| a | b |" lines (so the Markdown-table logic of the extractor
 * applies), and decode the common entities. Digest pages are flat enough
 * that this keeps titles, dates and section headings on their own lines.
 */
#include "lib/regs/internal.h"

#include "util/encoding.h"
#include "util/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "util/buf.h"

/* The text being built: bounded (an article's text is at most four times
 * its bytes), the first failure remembered. */
typedef shuan_buf obuf;
#define OBUF_MAX (REGS_MAX_INPUT * 4)

static void put(obuf *b, const char *s, size_t n) { (void)shuan_buf_add(b, s, n); }
static void puts_(obuf *b, const char *s) { (void)shuan_buf_adds(b, s); }

/* UTF-8 as it is, a stray invalid byte as U+FFFD (the sniffer reads a
 * mostly-UTF-8 text as UTF-8). */
static void copy_utf8(obuf *b, const char *s, size_t len)
{
	size_t i = 0, run = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = shuan_utf8_decode(s + i, len - i, &cp);
		if (n) {
			i += n;
			continue;
		}
		put(b, s + run, i - run);
		put(b, "\xEF\xBF\xBD", 3);
		run = ++i;
	}
	put(b, s + run, len - run);
}

static int from_charset(const char *charset, const char *in, size_t len, obuf *out)
{
	iconv_t cd = iconv_open("UTF-8", charset);
	char *src = (char *)in;
	size_t left = len;
	int rc = 0;

	if (cd == (iconv_t)-1)
		return SHUAN_EBINARY;
	while (left > 0) {
		char tmp[4096], *dst = tmp;
		size_t room = sizeof(tmp);
		size_t r = iconv(cd, &src, &left, &dst, &room);
		put(out, tmp, (size_t)(dst - tmp));
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = SHUAN_EBINARY;
			break;
		}
	}
	iconv_close(cd);
	if (out->err)
		rc = SHUAN_ENOMEM;
	return rc;
}

static bool looks_html(const char *s, size_t len)
{
	static const char *const marks[] = {"<html", "<!doctype html", "<body", "<p>",
	                                    "<div",  "<table",         "<br"};
	size_t n = len < 2048 ? len : 2048;
	for (size_t i = 0; i < n; i++)
		for (size_t m = 0; m < sizeof(marks) / sizeof(*marks); m++)
			if (n - i >= strlen(marks[m]) && !strncasecmp(s + i, marks[m], strlen(marks[m])))
				return true;
	return false;
}

static void put_cp(obuf *b, uint32_t cp)
{
	char u[4];
	size_t n = cp ? shuan_utf8_encode(cp, u) : 0;
	if (n == 0)
		n = shuan_utf8_encode(0xFFFD, u);
	put(b, u, n);
}

/* Decodes an entity at s[0] == '&'; returns bytes consumed (0 = not one). */
static size_t entity(const char *s, size_t len, obuf *b)
{
	static const struct {
		const char *name;
		unsigned cp;
	} names[] = {{"amp", '&'},      {"lt", '<'},     {"gt", '>'},       {"quot", '"'},
	             {"apos", '\''},    {"nbsp", ' '},   {"mdash", 0x2014}, {"ldquo", 0x201C},
	             {"rdquo", 0x201D}, {"middot", 0xB7}};
	size_t end = 1;
	while (end < len && end < 12 && s[end] != ';')
		end++;
	if (end >= len || s[end] != ';')
		return 0;
	if (s[1] == '#') {
		unsigned cp = 0;
		bool hex = end > 2 && (s[2] == 'x' || s[2] == 'X');
		for (size_t i = hex ? 3 : 2; i < end; i++) {
			int c = (unsigned char)s[i];
			if (hex && isxdigit(c))
				cp = cp * 16 + (unsigned)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
			else if (!hex && isdigit(c))
				cp = cp * 10 + (unsigned)(c - '0');
			else
				return 0;
			if (cp > 0x10FFFF)
				return 0;
		}
		put_cp(b, cp);
		return end + 1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i].name) == end - 1 && !strncmp(s + 1, names[i].name, end - 1)) {
			put_cp(b, names[i].cp);
			return end + 1;
		}
	return 0;
}

static bool tag_is(const char *name, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && !strncasecmp(name, list[i], n))
			return true;
	return false;
}

static void strip_html(const char *s, size_t len, obuf *b)
{
	static const char *const block[] = {"p",     "div",     "br",      "li",    "ul",         "ol",
	                                    "table", "section", "article", "title", "blockquote", "pre",
	                                    "hr",    "header",  "footer",  NULL};
	static const char *const heads[] = {"h1", "h2", "h3", "h4", "h5", "h6", NULL};
	size_t i = 0;

	while (i < len) {
		if (s[i] == '&') {
			size_t n = entity(s + i, len - i, b);
			if (n) {
				i += n;
				continue;
			}
		}
		if (s[i] != '<') {
			put(b, s + i, 1);
			i++;
			continue;
		}
		/* A tag, comment or declaration. */
		size_t j = i + 1, nstart, nlen;
		bool closing = false;
		if (len - i >= 4 && !strncmp(s + i, "<!--", 4)) {
			const char *e = NULL;
			for (size_t k = i + 4; k + 3 <= len; k++)
				if (!strncmp(s + k, "-->", 3)) {
					e = s + k;
					break;
				}
			i = e ? (size_t)(e - s) + 3 : len;
			continue;
		}
		if (j < len && s[j] == '/') {
			closing = true;
			j++;
		}
		nstart = j;
		while (j < len && (isalnum((unsigned char)s[j])))
			j++;
		nlen = j - nstart;
		while (j < len && s[j] != '>')
			j++;
		i = j < len ? j + 1 : len;
		if (nlen == 0)
			continue;
		if (!closing && (tag_is(s + nstart, nlen, (const char *const[]){"script", "style", NULL}))) {
			/* Skip to the matching close tag. */
			char close[16];
			size_t cl = (size_t)snprintf(close, sizeof(close), "</%.*s", (int)nlen, s + nstart);
			size_t k = i;
			while (k + cl <= len && strncasecmp(s + k, close, cl))
				k++;
			i = k;
			continue;
		}
		if (tag_is(s + nstart, nlen, heads))
			puts_(b, closing ? "\n" : "\n# ");
		else if (tag_is(s + nstart, nlen, (const char *const[]){"tr", NULL}))
			puts_(b, closing ? "\n" : "\n| ");
		else if (closing && tag_is(s + nstart, nlen, (const char *const[]){"td", "th", NULL}))
			puts_(b, " | ");
		else if (tag_is(s + nstart, nlen, (const char *const[]){"strong", "b", NULL}))
			puts_(b, "**"); /* a paragraph that is all bold reads as a heading */
		else if (tag_is(s + nstart, nlen, block))
			puts_(b, "\n");
	}
}

int shuan_regs__decode(const char *buf, size_t len, regs_text *out)
{
	obuf u, h;
	size_t ctl = 0;
	int rc = 0;
	shuan_enc enc;
	size_t bom;
	char why[160];

	memset(out, 0, sizeof(*out));
	shuan_buf_init(&u, OBUF_MAX);
	shuan_buf_init(&h, OBUF_MAX);
	if (len == 0)
		return SHUAN_EINVAL;
	/* the same decision the scanner makes for a file */
	if ((rc = shuan_enc_detect(buf, len, false, &enc, &bom, why, sizeof(why))))
		return rc == SHUAN_EINVAL ? SHUAN_EBINARY : rc;
	if (enc == SHUAN_ENC_UTF8 && len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		bom = 3;
	buf += bom;
	len -= bom;
	if (enc == SHUAN_ENC_UTF8) {
		copy_utf8(&u, buf, len);
		out->encoding = "UTF-8";
		if (u.err)
			rc = SHUAN_ENOMEM;
	} else {
		rc = from_charset(shuan_enc_iconv_name(enc), buf, len, &u);
		out->encoding = enc == SHUAN_ENC_GB18030 ? "GB18030" : shuan_enc_iconv_name(enc);
	}
	if (rc)
		goto cleanup;
	/* Control characters other than tab, CR, LF and FF mean binary. */
	for (size_t i = 0; i < u.len; i++) {
		unsigned char c = (unsigned char)u.p[i];
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f') || c == 0x7F)
			ctl++;
	}
	if (ctl * 20 > u.len || !u.p) {
		rc = SHUAN_EBINARY;
		goto cleanup;
	}
	if (looks_html(u.p, u.len)) {
		strip_html(u.p, u.len, &h);
		if (h.err) {
			rc = SHUAN_ENOMEM;
			goto cleanup;
		}
		if (!h.p)
			put(&h, "", 0);
		shuan_buf_free(&u);
		u = h;
		shuan_buf_init(&h, OBUF_MAX);
		out->format = "html";
	} else if ((u.len >= 4 && !strncmp(u.p, "---\n", 4)) || strstr(u.p, "\n# ") || strstr(u.p, "| --- |") ||
	           (u.len >= 2 && !strncmp(u.p, "# ", 2))) {
		out->format = "markdown";
	} else {
		out->format = "text";
	}
	if (u.err || !u.p) {
		rc = u.err ? u.err : SHUAN_ENOMEM;
		goto cleanup;
	}
	out->len = u.len;
	out->text = shuan_buf_take(&u, NULL);
cleanup:
	shuan_buf_free(&u);
	shuan_buf_free(&h);
	return rc;
}
