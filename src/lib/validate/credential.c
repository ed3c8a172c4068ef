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
 *   secret_assignment  access-key-secret:, secret-key=, jwt.secret=, client_secret:
 *                      (words.secret_keys); token_assignment: token:, access_token=
 *                      (words.token_keys, random-looking values only). Next to a
 *                      cloud key id the kind names the pair: aliyun_access_key_secret,
 *                      aws_secret_access_key, tencent_secret_key
 * Placeholders are refused: empty values, ****, xxx, ${VAR}, {{var}}, <password>,
 * %(x)s, null/none/nil/undefined, values that read an environment variable, and
 * key ids containing EXAMPLE; secrets that are a path, URL, ENC(...) or vault
 * reference. For passwords and secrets weak_password is set when the value is
 * in common_passwords.txt (compared case-insensitively), shorter than
 * vdata->weak_password_min_len (default 8), a word of password_words.txt
 * plus digits (redis123456, admin@123, welcome2024) or a keyboard walk of
 * the rule's words.keyboard rows (qwerty, 1qaz2wsx).
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

/* A keyboard walk: the letters (at least 4), or the whole value (at least
 * 6), are a run of one of the rule's words.keyboard rows read forwards or
 * backwards (qwerty, asdfgh, 1qaz2wsx, qazwsx, 0987654321); trailing digits
 * and symbols after the letters do not save it (qwer1234, asdf!@#). */
static bool keyboard_walk(const shuan_wordlist *rows, const char *low, size_t n)
{
	size_t core = n;
	while (core > 0 && !is_lower(low[core - 1]))
		core--;
	for (int whole = 0; whole < 2; whole++) {
		size_t k = whole ? n : core;
		if (k < (whole ? 6u : 4u))
			continue;
		for (size_t r = 0; r < rows->n; r++) {
			const char *row = rows->v[r];
			size_t rl = strlen(row);
			if (memmem(row, rl, low, k))
				return true;
			/* backwards: the value reversed is a run of the row */
			char rev[MAX_SECRET + 1];
			for (size_t i = 0; i < k; i++)
				rev[i] = low[k - 1 - i];
			if (memmem(row, rl, rev, k))
				return true;
		}
	}
	return false;
}

/* A word of rules/data/password_words.txt (a service, product, account or
 * dictionary word), an optional separator, digits and optional symbols:
 * redis123456, admin@123, welcome2024, Root2024!. */
static bool word_and_digits(const shuan_dict *words, const char *low, size_t n)
{
	size_t i = 0;
	while (i < n && is_lower(low[i]))
		i++;
	if (i < 2 || !shuan_dict_has(words, low, i))
		return false;
	if (i < n && strchr("@#_.!-*", low[i]))
		i++;
	size_t d = i;
	while (i < n && is_digit(low[i]))
		i++;
	if (i == d)
		return false;
	while (i < n && !is_alnum(low[i]))
		i++;
	return i == n;
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
	     (shuan_dict_has(d->weak_passwords, v, n) || shuan_dict_has(d->weak_passwords, low, n))) ||
	    (d && d->password_words && word_and_digits(d->password_words, low, n)) ||
	    keyboard_walk(shuan_words_get(r->words, "keyboard"), low, n);
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

/* The cloud whose access key id (LTAI…, AKIA…/ASIA…, AKID…) is on the
 * secret's line or the PAIR_LINES lines before or after it (as a config
 * file writes an id and its secret), at most PAIR_BYTES away: the secret is
 * that key id's pair. Returns the pair's kind, or NULL. */
#define PAIR_LINES 2
#define PAIR_BYTES 512
static const char *paired_cloud(const char *buf, size_t len, size_t at)
{
	static const struct {
		const char *prefix;
		size_t min;
		const char *kind;
	} IDS[] = {{"LTAI", 12, "aliyun_access_key_secret"},
	           {"AKIA", 16, "aws_secret_access_key"},
	           {"ASIA", 16, "aws_secret_access_key"},
	           {"AKID", 32, "tencent_secret_key"}};
	size_t from = at, to = at;
	for (int nl = 0; from > 0 && at - from < PAIR_BYTES && nl <= PAIR_LINES; from--)
		nl += buf[from - 1] == '\n';
	for (int nl = 0; to < len && to - at < PAIR_BYTES && nl <= PAIR_LINES; to++)
		nl += buf[to] == '\n';
	for (size_t i = from; i + 4 <= to; i++) {
		if (buf[i] != 'L' && buf[i] != 'A')
			continue;
		if (i > 0 && is_alnum(buf[i - 1]))
			continue;
		for (size_t k = 0; k < sizeof(IDS) / sizeof(IDS[0]); k++) {
			if (memcmp(buf + i, IDS[k].prefix, 4))
				continue;
			size_t j = i + 4;
			while (j < len && is_alnum(buf[j]))
				j++;
			if (j - i - 4 >= IDS[k].min)
				return IDS[k].kind;
		}
	}
	return NULL;
}

/* Not a secret but where one is kept: a file path, a URL, an encrypted
 * value (Jasypt ENC(...)), a secret manager reference. */
static bool reference(const char *v, size_t n)
{
	return v[0] == '/' || v[0] == '.' || v[0] == '~' || starts(v, n, "ENC(") || starts(v, n, "file:") ||
	       starts(v, n, "classpath:") || starts(v, n, "http://") || starts(v, n, "https://") ||
	       starts(v, n, "vault:") || starts(v, n, "arn:");
}

/* Character classes (lower, upper, digit, other) in v. */
static int classes(const char *v, size_t n)
{
	bool lo = false, up = false, di = false, ot = false;
	for (size_t i = 0; i < n; i++) {
		lo |= is_lower(v[i]);
		up |= is_upper(v[i]);
		di |= is_digit(v[i]);
		ot |= !is_alnum(v[i]);
	}
	return lo + up + di + ot;
}

/* A Kubernetes-style resource name (my-app-secret-2): lower-case letters
 * and digits in parts joined by hyphens. Under a bare `secret:` key it
 * names a Secret object rather than holding one. */
static bool dns_name(const char *v, size_t n)
{
	bool hyphen = false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '-' && i > 0 && i + 1 < n && v[i - 1] != '-')
			hyphen = true;
		else if (!is_lower(v[i]) && !is_digit(v[i]))
			return false;
	}
	return hyphen;
}

/* access-key-secret: …, jwt.secret=…, client_secret: …, token: … (the rule's
 * words.secret_keys; words.token_keys are the generic token and secret keys,
 * whose values must look random: 16 characters or more of two classes, not
 * a resource name). The
 * secret is paired with a cloud access key id next to it. */
static bool secret_assignment(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r, const char *s,
                              size_t n)
{
	const shuan_wordlist *keys = shuan_words_get(r->words, "secret_keys");
	const shuan_wordlist *tokens = shuan_words_get(r->words, "token_keys");
	for (size_t i = 0; i < n; i++) {
		size_t l = shuan_words_at_icase(keys, s + i, n - i);
		bool token = false;
		if (!l && (l = shuan_words_at_icase(tokens, s + i, n - i)) > 0)
			token = true;
		if (!l || !assignment(d, buf, r, s + i + l, n - i - l))
			continue;
		const char *v = SPAN_P(buf, r);
		size_t vn = SPAN_N(r);
		if (vn < 6 || reference(v, vn) || (token && (vn < 16 || classes(v, vn) < 2 || dns_name(v, vn))))
			return false;
		const char *pair = paired_cloud(buf, len, r->start);
		shuan_validate__kind(r, pair ? pair : token ? "token_assignment" : "secret_assignment");
		r->confidence = pair ? 0.95 : 0.8;
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
	if (password_assignment(d, buf, r, s, n))
		return true;
	return secret_assignment(d, buf, len, r, s, n);
}
