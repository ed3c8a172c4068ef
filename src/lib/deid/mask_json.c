/*
 * lib/deid/mask_json.c - masking JSON and JSON Lines: a streaming tokenizer
 * that copies the text through, keeps the key path of every value
 * ("user.phones[1]"), and rewrites only strings and numbers: a value under
 * a path rule is replaced whole, the findings inside any other string
 * (keys included) are replaced in place. Whitespace, order and every
 * untouched byte stay as they were.
 *
 * The tokenizer is strict (RFC 8259): a document that is not JSON is an
 * error naming the line, never masked by guesswork. It is incremental:
 * deid_json_feed() stops before a token that the buffer cuts off unless
 * told the input is complete, so a document of any size streams through in
 * bounded memory (a single string is bounded by --max-record).
 *
 * A masked number becomes a string ("phone": 13812345678 -> "138****5678").
 */
#include <stdio.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "lib/deid/mask_json.h"
#include "util/alloc.h"
#include "util/utf8.h"

void deid_json_init(deid_json *j, deid_worker *w, bool lines)
{
	memset(j, 0, sizeof(*j));
	j->w = w;
	j->lines = lines;
	j->state = J_VALUE;
}

static int fail(deid_json *j, const char *what)
{
	snprintf(j->w->errmsg, sizeof(j->w->errmsg), "invalid JSON: %s", what);
	return SHUAN_EINVAL;
}

static bool ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The path of the value about to be read ("" at the top). */
static size_t path_of(const deid_json *j, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (int d = 0; d < j->depth && d < JSON_MAX_DEPTH; d++) {
		const deid_json_level *l = &j->stack[d];
		int w = l->array ? snprintf(out + o, cap - o, "[%ld]", l->index)
		                 : snprintf(out + o, cap - o, "%s%.*s", o ? "." : "", (int)l->keylen, l->key);
		if (w < 0 || (size_t)w >= cap - o)
			return o;
		o += (size_t)w;
	}
	return o;
}

/* After a value: what comes next depends on the container. */
static void value_done(deid_json *j)
{
	j->state = j->depth ? J_COMMA_OR_END : J_DONE;
}

static int push(deid_json *j, bool array)
{
	if (j->depth >= JSON_MAX_DEPTH)
		return fail(j, "nested deeper than 128 levels");
	deid_json_level *l = &j->stack[j->depth++];
	l->array = array;
	l->index = 0;
	l->keylen = 0;
	j->state = array ? J_VALUE_OR_END : J_KEY_OR_END;
	return 0;
}

/* ---- escapes ---- */

static int hexv(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

static int put_utf8(shuan_buf *out, uint32_t cp)
{
	char b[4];
	size_t n = shuan_utf8_encode(cp, b);
	if (!n)
		n = shuan_utf8_encode(0xFFFD, b);
	return shuan_buf_add(out, b, n);
}

static bool u4(const char *s, size_t n, size_t i, uint32_t *cp)
{
	if (i + 4 > n)
		return false;
	*cp = 0;
	for (size_t k = 0; k < 4; k++) {
		int h = hexv(s[i + k]);
		if (h < 0)
			return false;
		*cp = *cp << 4 | (uint32_t)h;
	}
	return true;
}

/* Appends the string content s[0..n) (without quotes) unescaped. Returns
 * 0, SHUAN_EINVAL for a bad escape, or a buffer error. */
static int unescape(const char *s, size_t n, shuan_buf *out)
{
	size_t i = 0, run = 0;
	int rc;
	while (i < n) {
		if (s[i] != '\\') {
			i++;
			run++;
			continue;
		}
		if ((rc = shuan_buf_add(out, s + i - run, run)) != 0)
			return rc;
		run = 0;
		if (i + 1 >= n)
			return SHUAN_EINVAL;
		char e = s[i + 1], c;
		uint32_t cp, lo;
		switch (e) {
		case '"':
			c = '"';
			break;
		case '\\':
			c = '\\';
			break;
		case '/':
			c = '/';
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			if (!u4(s, n, i + 2, &cp))
				return SHUAN_EINVAL;
			i += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && s[i] == '\\' && s[i + 1] == 'u' &&
			    u4(s, n, i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				cp = 0xFFFD; /* a lone surrogate */
			}
			if ((rc = put_utf8(out, cp)) != 0)
				return rc;
			continue;
		default:
			return SHUAN_EINVAL;
		}
		if ((rc = shuan_buf_addc(out, c)) != 0)
			return rc;
		i += 2;
	}
	return shuan_buf_add(out, s + i - run, run);
}

/* Appends v[0..n) escaped for a JSON string (no quotes). */
int deid_json_escape(const char *v, size_t n, shuan_buf *out)
{
	size_t run = 0;
	int rc;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		if ((rc = shuan_buf_add(out, v + i - run, run)) != 0)
			return rc;
		run = 0;
		if (c == '"' || c == '\\')
			rc = shuan_buf_addf(out, "\\%c", c);
		else if (c == '\n')
			rc = shuan_buf_adds(out, "\\n");
		else if (c == '\r')
			rc = shuan_buf_adds(out, "\\r");
		else if (c == '\t')
			rc = shuan_buf_adds(out, "\\t");
		else
			rc = shuan_buf_addf(out, "\\u%04x", c);
		if (rc)
			return rc;
	}
	return shuan_buf_add(out, v + n - run, run);
}

/* The detector of a finding covering all of content c[0..n), or -1. */
static int whole_det(const char *c, size_t n, const shuan_vec *finds)
{
	size_t s = 0, e = n;
	deid_trim(c, &s, &e);
	for (size_t i = 0; i < finds->n; i++) {
		const deid_find *x = &SHUAN_VEC_AT(finds, deid_find, i);
		if (x->start <= s && x->end >= e)
			return x->det;
	}
	return -1;
}

/*
 * One scalar token: a string's content c[0..n) (quoted true) or a number or
 * literal's text. Writes its replacement, or the token as it was.
 */
static int scalar(deid_json *j, const char *tok, size_t toklen, const char *c, size_t n, bool quoted,
                  bool is_key, uint64_t cstart, const deid_find *f, size_t nf, size_t *fi, shuan_buf *out)
{
	deid_worker *w = j->w;
	const shuan_masker *m = w->m;
	char path[JSON_MAX_PATH];
	size_t pl = 0;
	const deid_field_rule *fr = NULL;
	int rc;

	bool literal = !quoted && (toklen == 4 && (!memcmp(tok, "true", 4) || !memcmp(tok, "null", 4)));
	literal |= !quoted && toklen == 5 && !memcmp(tok, "false", 5);
	if (!is_key && m->nfields && !(literal && tok[0] == 'n')) {
		pl = path_of(j, path, sizeof(path));
		fr = deid_masker_path_rule(m, path);
		if (fr)
			j->matched_rule = true;
	}
	if ((rc = deid_finds_in(w, f, nf, fi, cstart, cstart + n, fr != NULL, &w->cellfinds)) != 0)
		return rc;
	if (!fr && !w->cellfinds.n &&
	    !(m->opt.unmask && quoted && memmem(c, n, DEID_TOKEN_PREFIX, DEID_TOKEN_PREFIX_LEN)))
		return shuan_buf_add(out, tok, toklen);
	if (!pl && !fr)
		pl = is_key ? 0 : path_of(j, path, sizeof(path));
	/* the value as text: strings unescaped, numbers as written */
	shuan_buf *val = &w->value;
	shuan_buf_reset(val);
	bool escaped = quoted && memchr(c, '\\', n);
	if (escaped) {
		if (unescape(c, n, val) != 0)
			return fail(j, "a bad escape in a string");
	} else if ((rc = shuan_buf_add(val, c, n)) != 0) {
		return rc;
	}
	shuan_buf *res = &w->scratch;
	shuan_buf_reset(res);
	bool changed = true;
	const char *v = shuan_buf_str(val);
	if (m->opt.unmask) {
		rc = deid_unmask_value(w, path, pl, v, val->len, res, &changed);
	} else if (fr) {
		rc = deid_mask_value(w, fr, escaped ? -1 : whole_det(c, n, &w->cellfinds), path, pl, v,
		                     val->len, res);
	} else if (!escaped) {
		rc = deid_rewrite_spans(w, path, pl, v, val->len, 0, w->cellfinds.v, w->cellfinds.n, res);
	} else {
		/* escapes shift offsets: mask the findings' raw text piece by piece */
		size_t pos = 0;
		shuan_buf *piece = &w->scratch2;
		for (size_t i = 0; i < w->cellfinds.n && !rc; i++) {
			const deid_find *x = &SHUAN_VEC_AT(&w->cellfinds, deid_find, i);
			size_t s = x->start < pos ? pos : (size_t)x->start, e = (size_t)x->end;
			if (e <= s)
				continue;
			shuan_buf_reset(piece);
			if ((rc = unescape(c + pos, s - pos, res)) != 0 ||
			    (rc = unescape(c + s, e - s, piece)) != 0) {
				rc = fail(j, "a bad escape in a string");
				break;
			}
			rc =
			    deid_mask_value(w, NULL, x->det, path, pl, shuan_buf_str(piece), piece->len, res);
			pos = e;
		}
		if (!rc && (rc = unescape(c + pos, n - pos, res)) != 0)
			rc = fail(j, "a bad escape in a string");
	}
	if (rc)
		return rc;
	if (!changed)
		return shuan_buf_add(out, tok, toklen);
	if ((rc = shuan_buf_addc(out, '"')) != 0 || (rc = deid_json_escape(res->p ? res->p : "", res->len, out)) != 0)
		return rc;
	return shuan_buf_addc(out, '"');
}

/* Whether c may appear in a number or literal token. */
static bool bare_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' ||
	       (c >= 'a' && c <= 'z');
}

static bool bare_ok(const char *t, size_t n)
{
	if ((n == 4 && (!memcmp(t, "true", 4) || !memcmp(t, "null", 4))) ||
	    (n == 5 && !memcmp(t, "false", 5)))
		return true;
	/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	size_t i = 0;
	if (i < n && t[i] == '-')
		i++;
	if (i < n && t[i] == '0')
		i++;
	else if (i < n && t[i] >= '1' && t[i] <= '9')
		while (i < n && t[i] >= '0' && t[i] <= '9')
			i++;
	else
		return false;
	if (i < n && t[i] == '.') {
		size_t s = ++i;
		while (i < n && t[i] >= '0' && t[i] <= '9')
			i++;
		if (i == s)
			return false;
	}
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			i++;
		size_t s = i;
		while (i < n && t[i] >= '0' && t[i] <= '9')
			i++;
		if (i == s)
			return false;
	}
	return i == n;
}

int deid_json_feed(deid_json *j, const char *buf, size_t len, uint64_t base, bool final, const deid_find *f,
                   size_t nf, size_t *fi, shuan_buf *out, size_t *consumed)
{
	size_t i = 0;
	int rc = 0;

	while (i < len) {
		char ch = buf[i];
		if (ws(ch)) {
			size_t s = i;
			while (i < len && ws(buf[i])) {
				if (buf[i] == '\n') {
					j->line++;
					if (j->lines) {
						if (j->state != J_DONE && j->state != J_VALUE) {
							*consumed = i;
							return fail(j, "a JSON Lines record ends before its "
							               "value is complete");
						}
						j->state = J_VALUE; /* the next line is the next record */
					}
				}
				i++;
			}
			if ((rc = shuan_buf_add(out, buf + s, i - s)) != 0)
				break;
			continue;
		}
		if (j->state == J_DONE) {
			rc = fail(j,
			          j->lines ? "two values on one line" : "text after the end of the document");
			break;
		}
		if (ch == '"') {
			/* the string's end: the next quote not escaped */
			size_t k = i + 1;
			bool done = false;
			while (k < len) {
				const char *q = memchr(buf + k, '"', len - k);
				const char *bs = memchr(buf + k, '\\', q ? (size_t)(q - (buf + k)) : len - k);
				if (bs) {
					k = (size_t)(bs - buf) + 2;
					continue;
				}
				if (!q) {
					k = len;
					break;
				}
				k = (size_t)(q - buf) + 1;
				done = true;
				break;
			}
			if (!done) {
				if (!final && len - i <= j->w->m->opt.max_record)
					break; /* wait for the rest */
				rc = final ? fail(j, "a string is not closed") : SHUAN_ELIMIT;
				if (rc == SHUAN_ELIMIT)
					snprintf(j->w->errmsg, sizeof(j->w->errmsg),
					         "a string longer than --max-record");
				break;
			}
			const char *c = buf + i + 1;
			size_t n = k - i - 2;
			if (memchr(c, '\n', n)) {
				rc = fail(j, "a raw newline inside a string");
				break;
			}
			bool key = j->state == J_KEY || j->state == J_KEY_OR_END;
			if (!key && j->state != J_VALUE && j->state != J_VALUE_OR_END) {
				rc = fail(j, "a string where ',', ':' or a closing bracket belongs");
				break;
			}
			if ((rc = scalar(j, buf + i, k - i, c, n, true, key, base + i + 1, f, nf, fi, out)) !=
			    0)
				break;
			if (key) {
				deid_json_level *l = &j->stack[j->depth - 1];
				l->keylen = n < sizeof(l->key) ? n : sizeof(l->key) - 1;
				memcpy(l->key, c, l->keylen);
				j->state = J_COLON;
			} else {
				value_done(j);
			}
			i = k;
			continue;
		}
		if (bare_char(ch)) {
			size_t k = i;
			while (k < len && bare_char(buf[k]))
				k++;
			if (k == len && !final)
				break; /* the token may go on */
			if (j->state != J_VALUE && j->state != J_VALUE_OR_END) {
				rc = fail(j, "a value where a key, ',', ':' or a closing bracket belongs");
				break;
			}
			if (!bare_ok(buf + i, k - i)) {
				rc = fail(j, "not a number, true, false or null");
				break;
			}
			if ((rc = scalar(j, buf + i, k - i, buf + i, k - i, false, false, base + i, f, nf, fi,
			                 out)) != 0)
				break;
			value_done(j);
			i = k;
			continue;
		}
		switch (ch) {
		case '{':
		case '[':
			if (j->state != J_VALUE && j->state != J_VALUE_OR_END) {
				rc = fail(j, "a value where a key, ',', ':' or a closing bracket belongs");
				break;
			}
			rc = push(j, ch == '[');
			break;
		case '}':
		case ']':
			if (!j->depth || j->stack[j->depth - 1].array != (ch == ']') ||
			    !(j->state == J_COMMA_OR_END ||
			      j->state == (ch == ']' ? J_VALUE_OR_END : J_KEY_OR_END))) {
				rc = fail(j, "a closing bracket that does not match");
				break;
			}
			j->depth--;
			value_done(j);
			break;
		case ':':
			if (j->state != J_COLON) {
				rc = fail(j, "a ':' out of place");
				break;
			}
			j->state = J_VALUE;
			break;
		case ',':
			if (j->state != J_COMMA_OR_END) {
				rc = fail(j, "a ',' out of place");
				break;
			}
			if (j->stack[j->depth - 1].array) {
				j->stack[j->depth - 1].index++;
				j->state = J_VALUE;
			} else {
				j->state = J_KEY;
			}
			break;
		default:
			rc = fail(j, "an unexpected character");
			break;
		}
		if (rc)
			break;
		if ((rc = shuan_buf_addc(out, ch)) != 0)
			break;
		i++;
	}
	*consumed = i;
	if (!rc && final && i == len && j->state != J_DONE && !(j->lines && j->state == J_VALUE) &&
	    !(j->state == J_VALUE && j->empty_ok))
		rc = fail(j, j->depth ? "the input ends inside an object or array" : "no value");
	return rc;
}
