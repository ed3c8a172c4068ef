/*
 * lib/validate/credential.c - secrets in configuration files, logs and code.
 *
 * One validator covers all credential kinds; it recognises the kind from the
 * proposed span:
 *   private_key        "-----BEGIN ... PRIVATE KEY-----"
 *   aliyun_access_key  LTAI + 12-20 letters/digits
 *   aws_access_key     AKIA/ASIA + 16 upper-case letters/digits
 *   tencent_secret_id  AKID + 32 letters/digits
 *   jwt                eyJ... three base64url parts; the header decodes to
 *                      JSON with an "alg" member
 *   connection_string  scheme://user:password@host; span narrowed to the password
 *   password_assignment password=, passwd:, pwd=, 密码：, "password": "..."; span
 *                      narrowed to the value
 * Placeholders are refused: empty values, ****, xxx, ${VAR}, {{var}}, <password>,
 * %(x)s, null/none/nil/undefined, values that read an environment variable, and
 * key ids containing EXAMPLE. For the two password kinds weak_password is set
 * when the value is in common_passwords.txt (compared case-insensitively) or
 * shorter than vdata->weak_password_min_len (default 8).
 */
#include <string.h>
#include <strings.h>

#include "lib/validate/internal.h"

#define MAX_SECRET 128

static bool starts(const char *s, size_t n, const char *p)
{
	size_t l = strlen(p);
	return n >= l && memcmp(s, p, l) == 0;
}

static bool all_alnum(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]))
			return false;
	return n > 0;
}

/* Same character repeated, e.g. xxxxxxxx or 00000000. */
static bool repeated(const char *s, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (s[i] != s[0])
			return false;
	return true;
}

static bool key_id(shuan_vresult *r, const char *s, size_t n, size_t pre, size_t min, size_t max, bool upper,
                   const char *kind)
{
	if (n < pre + min || n > pre + max || !all_alnum(s + pre, n - pre))
		return false;
	if (repeated(s + pre, n - pre) || memmem(s, n, "EXAMPLE", 7))
		return false;
	for (size_t i = pre; upper && i < n; i++)
		if (is_lower(s[i]))
			return false;
	shuan_validate__kind(r, kind);
	r->confidence = 0.9;
	return true;
}

/* ---- JWT ---- */

static int b64url(char c)
{
	if (is_upper(c))
		return c - 'A';
	if (is_lower(c))
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* Decodes up to outmax bytes of base64url; returns the decoded length or -1. */
static long b64url_decode(const char *s, size_t n, char *out, size_t outmax)
{
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n && o < outmax; i++) {
		int v = b64url(s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	return (long)o;
}

static bool jwt(shuan_vresult *r, const char *s, size_t n)
{
	const char *dot1 = memchr(s, '.', n);
	if (!dot1)
		return false;
	size_t h = (size_t)(dot1 - s);
	const char *dot2 = memchr(dot1 + 1, '.', n - h - 1);
	if (!dot2 || dot2 == dot1 + 1 || dot2 + 1 >= s + n)
		return false;
	for (const char *p = dot1 + 1; p < s + n; p++)
		if (p != dot2 && b64url(*p) < 0)
			return false;
	char head[256];
	long hl = b64url_decode(s, h, head, sizeof(head) - 1);
	if (hl < 2 || head[0] != '{')
		return false;
	head[hl] = '\0';
	if (!strstr(head, "\"alg\""))
		return false;
	shuan_validate__kind(r, "jwt");
	r->confidence = 0.95;
	return true;
}

/* ---- passwords ---- */

static bool placeholder(const char *v, size_t n)
{
	static const char *const words[] = {"null",         "none",          "nil",      "undefined",
	                                    "empty",        "true",          "false",    "your_password",
	                                    "yourpassword", "password_here", "redacted", "masked",
	                                    "hidden",       "secret_here",   NULL};
	if (n == 0 || repeated(v, n))
		return true;
	if (v[0] == '$' || v[0] == '<' || v[0] == '%' || starts(v, n, "{{") || starts(v, n, "os.environ") ||
	    starts(v, n, "process.env") || starts(v, n, "getenv"))
		return true;
	for (int i = 0; words[i]; i++)
		if (strlen(words[i]) == n && strncasecmp(words[i], v, n) == 0)
			return true;
	return false;
}

static void weak(const shuan_vdata *d, shuan_vresult *r, const char *v, size_t n)
{
	int min = d && d->weak_password_min_len > 0 ? d->weak_password_min_len : 8;
	char low[MAX_SECRET + 1];
	for (size_t i = 0; i < n; i++)
		low[i] = is_upper(v[i]) ? (char)(v[i] + 32) : v[i];
	r->weak_password =
	    (long)n < min ||
	    (d && d->weak_passwords &&
	     (shuan_dict_has(d->weak_passwords, v, n) || shuan_dict_has(d->weak_passwords, low, n)));
}

/* Accepts v[0..n) as a password value and narrows the span to it. */
static bool take_password(const shuan_vdata *d, const char *buf, shuan_vresult *r, const char *v, size_t n,
                          const char *kind, double conf)
{
	if (n > MAX_SECRET || placeholder(v, n))
		return false;
	weak(d, r, v, n);
	r->start = (size_t)(v - buf);
	r->end = r->start + n;
	shuan_validate__kind(r, kind);
	r->confidence = conf;
	return true;
}

static bool value_end(char c, char quote)
{
	if (quote)
		return c == quote;
	return c == ' ' || c == '\t' || c == ';' || c == ',' || c == '&' || c == '"' || c == '\'' ||
	       c == '\r' || c == '\n' || c == '<' || c == '}' || c == ')';
}

/* After the key: [quote] spaces (= | : | ：) spaces [quote] value [quote]. */
static bool assignment(const shuan_vdata *d, const char *buf, shuan_vresult *r, const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '"' || s[i] == '\''))
		i++;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && (s[i] == '=' || s[i] == ':'))
		i++;
	else if (n - i >= 3 && memcmp(s + i, "\xEF\xBC\x9A", 3) == 0)
		i += 3;
	else
		return false;
	while (i < n && s[i] == ' ')
		i++;
	char quote = (i < n && (s[i] == '"' || s[i] == '\'')) ? s[i++] : 0;
	size_t st = i;
	while (i < n && !value_end(s[i], quote))
		i++;
	return take_password(d, buf, r, s + st, i - st, "password_assignment", quote ? 0.85 : 0.75);
}

/* The keys that name a password are the rule's words.password_keys. */
static bool password_assignment(const shuan_vdata *d, const char *buf, shuan_vresult *r, const char *s,
                                size_t n)
{
	const shuan_wordlist *keys = shuan_words_get(r->words, "password_keys");
	for (size_t i = 0; i < n; i++) {
		size_t l = shuan_words_at_icase(keys, s + i, n - i);
		if (l && assignment(d, buf, r, s + i + l, n - i - l))
			return true;
	}
	return false;
}

/* scheme://[user]:password@host... ; the password ends at the last '@'
 * before the first '/' after the authority starts. */
static bool connection_string(const shuan_vdata *d, const char *buf, shuan_vresult *r, const char *s,
                              size_t n)
{
	long sl = shuan_validate__find(s, n, "://");
	if (sl < 0)
		return false;
	const char *a = s + sl + 3, *end = s + n;
	const char *slash = memchr(a, '/', (size_t)(end - a));
	if (slash)
		end = slash;
	const char *at = NULL;
	for (const char *p = a; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return false;
	const char *colon = memchr(a, ':', (size_t)(at - a));
	if (!colon)
		return false;
	return take_password(d, buf, r, colon + 1, (size_t)(at - colon - 1), "connection_string", 0.9);
}

bool shuan_validate__credential(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	if (starts(s, n, "-----BEGIN ")) {
		if (!memmem(s, n, "PRIVATE KEY-----", 16))
			return false;
		shuan_validate__kind(r, "private_key");
		r->confidence = 0.95;
		return true;
	}
	if (starts(s, n, "LTAI"))
		return key_id(r, s, n, 4, 12, 20, false, "aliyun_access_key");
	if (starts(s, n, "AKIA") || starts(s, n, "ASIA"))
		return key_id(r, s, n, 4, 16, 16, true, "aws_access_key");
	if (starts(s, n, "AKID"))
		return key_id(r, s, n, 4, 32, 32, false, "tencent_secret_id");
	if (starts(s, n, "eyJ"))
		return jwt(r, s, n);
	if (shuan_validate__find(s, n, "://") >= 0)
		return connection_string(d, buf, r, s, n);
	return password_assignment(d, buf, r, s, n);
}
