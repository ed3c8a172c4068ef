/*
 * lib/validate/net.c - network and device identifiers: e-mail addresses,
 * IPv4 and IPv6 addresses, MAC addresses and IMEIs.
 *
 * Decisions where the standards leave room for noise:
 *  - ipv4: a dotted quad is a version, not an address, when it is preceded
 *    by 'v'/'V' ("v1.2.3.4") or '.', by a product token and '/'
 *    ("Chrome/119.0.0.0", "Version/17.1.2.3"), by a word of the rule's
 *    words.version (version, build, 版本 ...) within 16 bytes, or followed by
 *    ".<letter or digit>" (OIDs such as 1.3.6.1.4.1.311, five-part
 *    versions, file names such as client-5.2.0.1.exe);
 *    0.0.0.0 and 255.255.255.255 are refused, loopback and private ranges
 *    get a lower confidence.
 *  - email: the TLD must be alphabetic and is not a common file extension, so
 *    "logo@2x.png" is not an address.
 *  - ipv6: needs at least three hex groups when "::" is used, so C++ scopes
 *    such as "a::b" are not addresses; "::" and "::1" are refused.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "lib/validate/internal.h"

static bool local_char(char c)
{
	return is_alnum(c) || strchr("._%+-!#$&'*/=?^`{|}~", c) != NULL;
}

static bool local_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!local_char(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
			return false;
	return true;
}

static bool file_ext(const char *t, size_t n)
{
	static const char *const ext[] = {"png", "jpg", "jpeg", "gif", "svg", "webp", "js",
	                                  "css", "ico", "bmp",  "tif", "mp4", "pdf",  NULL};
	for (int i = 0; ext[i]; i++)
		if (strlen(ext[i]) == n && strncasecmp(ext[i], t, n) == 0)
			return true;
	return false;
}

/* Labels of letters, digits and inner hyphens; >= 2 labels; alphabetic TLD. */
static bool domain_ok(const char *s, size_t n)
{
	size_t labels = 0, start = 0;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!is_alnum(s[i]) && s[i] != '-')
				return false;
			continue;
		}
		size_t l = i - start;
		if (l == 0 || l > 63 || s[start] == '-' || s[i - 1] == '-')
			return false;
		labels++;
		start = i + 1;
	}
	size_t t = n;
	while (t > 0 && s[t - 1] != '.')
		t--;
	size_t tlen = n - t;
	if (labels < 2 || tlen < 2 || file_ext(s + t, tlen))
		return false;
	if (tlen > 4 && strncasecmp(s + t, "xn--", 4) == 0)
		return true;
	for (size_t i = t; i < n; i++)
		if (!is_alpha(s[i]))
			return false;
	return true;
}

/* Whether the text before `start` makes it the user-info of a URL
 * ("postgresql://app:PASSWORD@db", "ftp://user@host"): then "x@host" is a
 * login, and the password in it the credential detector's, never an
 * e-mail address (whose evidence would show part of the password). */
static bool in_url_userinfo(const char *buf, size_t start)
{
	for (size_t i = start; i >= 3; i--) {
		char c = buf[i - 1];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '(')
			return false;
		if (c == '/' && buf[i - 2] == '/' && buf[i - 3] == ':')
			return true;
		if (start - i > 512)
			return false;
	}
	return false;
}

bool shuan_validate__email(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	const char *at = memchr(s, '@', n);
	if (!at || n > 254 || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
		return false;
	if (in_url_userinfo(buf, r->start))
		return false;
	size_t l = (size_t)(at - s);
	if (!local_ok(s, l) || !domain_ok(at + 1, n - l - 1))
		return false;
	r->confidence = 0.9;
	shuan_validate__kind(r, "email");
	return true;
}

/* Parses a dotted quad exactly; octets 0-255, no leading zeros. */
static bool quad(const char *s, size_t n, int o[4])
{
	size_t i = 0;
	for (int k = 0; k < 4; k++) {
		size_t st = i;
		int v = 0;
		while (i < n && is_digit(s[i]) && i - st < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == st || v > 255 || (i - st > 1 && s[st] == '0'))
			return false;
		o[k] = v;
		if (k < 3) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

/* True when the version cue at buf[i] starts a word: "app_version",
 * "sdkVer", "版本" are cues, "server" is not. */
static bool word_start(const char *buf, size_t i)
{
	return i == 0 || !is_lower(buf[i - 1]) || is_upper(buf[i]);
}

static bool version_context(const shuan_wordlist *cues, const char *buf, size_t len, size_t start, size_t end)
{
	if (start > 0) {
		char p = buf[start - 1];
		if (p == 'v' || p == 'V' || p == '.')
			return true;
		/* a product token: Chrome/119.0.0.0, Version/17.1.2.3, Java/17.0.8.1
		 * (a URL's //1.2.3.4 is an address) */
		if (p == '/' && start > 1 && (is_alnum(buf[start - 2]) || buf[start - 2] == '_' || buf[start - 2] == '-'))
			return true;
	}
	/* "version 1.2.3.4", "app_version":"1.2.3.4", "build: 1.2.3.4",
	 * "版本 1.2.3.4": a cue of the rule's words.version within 16 bytes
	 * before */
	size_t w = start < 16 ? start : 16;
	for (size_t i = start - w; i < start; i++)
		if (shuan_words_at_icase(cues, buf + i, start - i) && word_start(buf, i))
			return true;
	/* OIDs and five-part versions (1.3.6.1.4.1.311), file names
	 * (client-5.2.0.1.exe, app.3.2.1.0.js) */
	return end + 1 < len && buf[end] == '.' && is_alnum(buf[end + 1]);
}

bool shuan_validate__ipv4(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	int o[4];
	if (!quad(SPAN_P(buf, r), SPAN_N(r), o) ||
	    version_context(shuan_words_get(r->words, "version"), buf, len, r->start, r->end))
		return false;
	if ((o[0] | o[1] | o[2] | o[3]) == 0 || (o[0] & o[1] & o[2] & o[3]) == 255)
		return false;
	bool internal = o[0] == 10 || o[0] == 127 || (o[0] == 192 && o[1] == 168) ||
	                (o[0] == 172 && o[1] >= 16 && o[1] <= 31) || o[0] == 0;
	r->confidence = internal ? 0.6 : 0.8;
	shuan_validate__kind(r, internal ? "ipv4_private" : "ipv4");
	return true;
}

bool shuan_validate__ipv6(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	char tmp[INET6_ADDRSTRLEN + 1];
	unsigned char out[16];
	if (n < 3 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, out) != 1)
		return false;
	size_t groups = 0;
	for (size_t i = 0; i < n; i++)
		if (is_hex(s[i]) && (i == 0 || s[i - 1] == ':'))
			groups++;
	if (strstr(tmp, "::") && groups < 3)
		return false;
	static const unsigned char zero[16];
	if (memcmp(out, zero, 15) == 0 && out[15] <= 1)
		return false;
	r->confidence = 0.85;
	shuan_validate__kind(r, "ipv6");
	return true;
}

bool shuan_validate__mac_address(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	if (SPAN_N(r) != 17)
		return false;
	char sep = s[2];
	if (sep != ':' && sep != '-')
		return false;
	bool zero = true, ff = true;
	for (int g = 0; g < 6; g++) {
		const char *p = s + g * 3;
		if (!is_hex(p[0]) || !is_hex(p[1]) || (g < 5 && p[2] != sep))
			return false;
		zero = zero && p[0] == '0' && p[1] == '0';
		ff = ff && (p[0] | 0x20) == 'f' && (p[1] | 0x20) == 'f';
	}
	if (zero || ff)
		return false;
	r->confidence = 0.8;
	shuan_validate__kind(r, "mac");
	return true;
}

bool shuan_validate__imei(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	if (SPAN_N(r) != 15 || !shuan_validate__all_digits(s, 15) || (s[0] == '0' && s[1] == '0'))
		return false;
	if (!shuan_luhn_ok(s, 15))
		return false;
	r->confidence = 0.6;
	shuan_validate__kind(r, "imei");
	return true;
}
