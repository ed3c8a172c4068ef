/*
 * lib/regs/norm.c - text normalisation for the regulation catalogue: title
 * match keys, width folding, date parsing and authority lookup.
 *
 * Digest articles write the same title many ways. The match key makes them
 * compare equal by keeping only what carries meaning:
 *
 *   《网络安全标准实践指南——敏感个人信息识别指南》  -> 网络安全标准实践指南敏感个人信息识别指南
 *   网络安全标准实践指南—敏感个人信息识别指南        -> (same)
 *   数字商务三年行动计划（2024   2026年）            -> 数字商务三年行动计划20242026年
 *   数字商务三年行动计划（2024—2026年）              -> (same)
 *
 * Full-width ASCII is folded, ASCII letters lower-cased, and whitespace,
 * dashes, quotes, middle dots, colons and all bracket forms are dropped.
 * Status suffixes stay in the key; callers strip draft words separately
 * (shuan_regs__strip_draft) when a title should also match its final text.
 */
#include "lib/regs/internal.h"

#include <string.h>

#include "util/utf8.h"

static size_t put_utf8(char *out, size_t pos, size_t outlen, unsigned cp)
{
	char b[4];
	size_t n = shuan_utf8_encode(cp, b);
	if (n == 0 || pos + n >= outlen)
		return 0;
	memcpy(out + pos, b, n);
	return n;
}

static bool is_space_cp(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0 || cp == 0x3000 ||
	       (cp >= 0x2000 && cp <= 0x200B) || cp == 0xFEFF;
}

static bool is_dash_cp(unsigned cp)
{
	return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x2E3A || cp == 0x2E3B ||
	       cp == 0xFE58 || cp == 0xFE63 || cp == 0xFF0D || cp == 0x2500 || cp == 0x2501 || cp == '~' ||
	       cp == 0xFF5E || cp == 0x301C;
}

/* Characters dropped from match keys besides spaces and dashes. */
static bool is_key_noise(unsigned cp)
{
	switch (cp) {
	case '"':
	case '\'':
	case '(':
	case ')':
	case '[':
	case ']':
	case '{':
	case '}':
	case '<':
	case '>':
	case '.':
	case ':':
	case '_':
	case 0xB7:
	case 0x30FB:
	case 0x2022:
	case 0x2018:
	case 0x2019:
	case 0x201C:
	case 0x201D: /* ‘ ’ “ ” */
	case 0x300A:
	case 0x300B:
	case 0x3008:
	case 0x3009: /* 《 》 〈 〉 */
	case 0x300C:
	case 0x300D:
	case 0x300E:
	case 0x300F: /* 「 」 『 』 */
	case 0x3010:
	case 0x3011:
	case 0x3014:
	case 0x3015: /* 【 】 〔 〕 */
	case 0x3016:
	case 0x3017:
	case 0xFF08:
	case 0xFF09: /* 〖 〗 （ ） */
		return true;
	default:
		return false;
	}
}

size_t shuan_regs__fold(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0;

	if (outlen == 0)
		return 0;
	while (i < len) {
		uint32_t cp;
		size_t n = shuan_utf8_decode((const char *)s + i, len - i, &cp), w;
		if (n == 0) {
			cp = 0xFFFD;
			n = 1;
		}
		/* Full-width digits, letters and ASCII punctuation other than the
		 * Chinese-looking ones （），：；？！ become ASCII. */
		if (cp >= 0xFF01 && cp <= 0xFF5E && cp != 0xFF08 && cp != 0xFF09 && cp != 0xFF0C &&
		    cp != 0xFF1A && cp != 0xFF1B && cp != 0xFF1F && cp != 0xFF01)
			cp -= 0xFEE0;
		else if (cp == 0x3000 || cp == 0xA0 || cp == 0xFEFF || (cp >= 0x2000 && cp <= 0x200A))
			cp = ' ';
		w = put_utf8(out, o, outlen, cp);
		if (w == 0)
			break;
		o += w;
		i += n;
	}
	out[o] = '\0';
	return o;
}

int shuan_regs_title_key(const char *title, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)(title ? title : "");
	size_t len = strlen((const char *)s), i = 0, o = 0;
	int rc = 0;

	if (outlen == 0)
		return SHUAN_ELIMIT;
	while (i < len) {
		uint32_t cp;
		size_t n = shuan_utf8_decode((const char *)s + i, len - i, &cp), w;
		if (n == 0) {
			i++;
			continue;
		}
		i += n;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if (is_space_cp(cp) || is_dash_cp(cp) || is_key_noise(cp))
			continue;
		w = put_utf8(out, o, outlen, cp);
		if (w == 0) {
			rc = SHUAN_ELIMIT;
			break;
		}
		o += w;
	}
	out[o] = '\0';
	return rc;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);
	return n >= m && !memcmp(s + n - m, suf, m);
}

bool shuan_regs__strip_draft(char *key)
{
	static const char *const suffixes[] = {"公开征求意见稿", "征求意见稿", "草案"};
	bool any = false, again = true;
	size_t n = strlen(key);

	while (again) {
		again = false;
		for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
			if (ends_with(key, n, suffixes[i]) && n > strlen(suffixes[i])) {
				n -= strlen(suffixes[i]);
				key[n] = '\0';
				any = again = true;
				break;
			}
		}
	}
	return any;
}

/* Reads 1..maxd ASCII digits at s[*i]; returns the value or -1. */
static int read_num(const char *s, size_t len, size_t *i, int maxd)
{
	int v = 0, d = 0;
	while (*i < len && d < maxd && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		d++;
	}
	if (d == 0 || (*i < len && s[*i] >= '0' && s[*i] <= '9'))
		return -1;
	return v;
}

static void skip_spaces(const char *s, size_t len, size_t *i)
{
	while (*i < len && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
}

static bool lit(const char *s, size_t len, size_t *i, const char *w)
{
	size_t n = strlen(w);
	if (*i + n <= len && !memcmp(s + *i, w, n)) {
		*i += n;
		return true;
	}
	return false;
}

static bool make_date(int y, int m, int d, char out[11])
{
	char buf[16];
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	if (!shuan_regs__valid_date(buf))
		return false;
	memcpy(out, buf, 11);
	return true;
}

bool shuan_regs__parse_date(const char *s, size_t len, int ctx_year, bool allow_md_slash, char out[11],
                            size_t *used)
{
	size_t i = 0;
	int y, m, d;

	if (len == 0 || s[0] < '0' || s[0] > '9')
		return false;
	/* Full dates: 2024年10月29日, 2024.11.08, 2024-03-15, 2024/3/21. */
	if (len >= 4 && (s[0] == '1' || s[0] == '2')) {
		size_t j = 0;
		y = read_num(s, len, &j, 4);
		if (y >= 1900 && j == 4) {
			skip_spaces(s, len, &j);
			if (lit(s, len, &j, "年")) {
				skip_spaces(s, len, &j);
				m = read_num(s, len, &j, 2);
				skip_spaces(s, len, &j);
				if (m > 0 && lit(s, len, &j, "月")) {
					skip_spaces(s, len, &j);
					d = read_num(s, len, &j, 2);
					skip_spaces(s, len, &j);
					if (d > 0 && lit(s, len, &j, "日") && make_date(y, m, d, out)) {
						*used = j;
						return true;
					}
				}
				return false;
			}
			if (j < len && (s[j] == '.' || s[j] == '-' || s[j] == '/')) {
				char sep = s[j++];
				m = read_num(s, len, &j, 2);
				if (m > 0 && j < len && s[j] == sep) {
					j++;
					d = read_num(s, len, &j, 2);
					if (d > 0 && make_date(y, m, d, out)) {
						*used = j;
						return true;
					}
				}
			}
			return false;
		}
	}
	/* 3月21日 and, in tables, 1/19. */
	i = 0;
	m = read_num(s, len, &i, 2);
	if (m <= 0)
		return false;
	size_t before_month = i;
	skip_spaces(s, len, &i); /* "2 月 23 日" */
	if (lit(s, len, &i, "月")) {
		skip_spaces(s, len, &i);
		d = read_num(s, len, &i, 2);
		skip_spaces(s, len, &i);
		if (d > 0 && lit(s, len, &i, "日") && make_date(ctx_year, m, d, out)) {
			*used = i;
			return true;
		}
		return false;
	}
	i = before_month;
	if (allow_md_slash && i < len && s[i] == '/') {
		i++;
		d = read_num(s, len, &i, 2);
		if (d > 0 && (i >= len || s[i] == ' ' || s[i] == '|') && make_date(ctx_year, m, d, out)) {
			*used = i;
			return true;
		}
	}
	return false;
}

size_t shuan_regs__find_authorities(const shuan_regs *r, const char *text, size_t len, const char **names,
                                    size_t n, size_t cap)
{
	size_t i = 0;
	while (i < len) {
		const char *best = NULL;
		size_t bestlen = 0;
		for (size_t a = 0; a < r->nauths; a++)
			for (size_t k = 0; k < r->auths[a].nkeys; k++) {
				size_t kl = strlen(r->auths[a].keys[k]);
				if (kl > bestlen && kl <= len - i &&
				    !memcmp(text + i, r->auths[a].keys[k], kl)) {
					best = r->auths[a].name;
					bestlen = kl;
				}
			}
		if (!best) {
			i++;
			continue;
		}
		/* "美国国务院" is a foreign body, not 国务院 (ingest.yaml foreign:). */
		bool foreign = false;
		for (size_t f = 0; f < r->nforeign && !foreign; f++) {
			size_t fl = strlen(r->foreign[f]);
			foreign = fl <= i && !memcmp(text + i - fl, r->foreign[f], fl);
		}
		if (foreign) {
			i += bestlen;
			continue;
		}
		/* "国务院关于…的决策部署" names a decision, not the issuer here. */
		if (len - i - bestlen >= 6 && !memcmp(text + i + bestlen, "关于", 6)) {
			i += bestlen;
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = !strcmp(names[j], best);
		if (!dup && n < cap)
			names[n++] = best;
		i += bestlen;
	}
	return n;
}

const char *shuan_regs__authority(const shuan_regs *r, const char *name)
{
	for (size_t a = 0; name && a < r->nauths; a++)
		for (size_t k = 0; k < r->auths[a].nkeys; k++)
			if (!strcmp(r->auths[a].keys[k], name))
				return r->auths[a].name;
	return NULL;
}
