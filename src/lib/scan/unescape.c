/*
 * lib/scan/unescape.c - finding URL-encoded and JSON-escaped runs in a
 * chunk, decoding them with an offset map and scanning the decoded text as
 * cells (see unescape.h). No library decodes into a caller's buffer while
 * keeping a per-byte origin map, which the findings' offsets need, so the
 * two small decoders (RFC 3986 percent-encoding, RFC 8259 string escapes)
 * are written here.
 *
 * Long runs are decoded in windows of at most SCAN_MAX_VALUE stored bytes
 * that overlap by WINDOW_TAIL bytes; each window reports only the findings
 * that start in the part it owns, so a value across a window edge is seen
 * whole by the next one.
 */
#include "lib/scan/unescape.h"

#include <string.h>

#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/hex.h"
#include "util/utf8.h"

/* Window ownership: a window keeps WINDOW_CTX bytes of context before the
 * part it reports, and leaves its last WINDOW_TAIL bytes to the next. */
#define WINDOW_TAIL 512
#define WINDOW_CTX 128
/* How far back a run's start or key is looked for. */
#define LOOK_BACK 4096

struct shuan_unescape {
	char *dec_base;    /* decoded window: a spare byte before and after (sentinels) */
	size_t *map;       /* SCAN_MAX_VALUE + 1 entries */
	shuan_vec seen;    /* unescape_seen of the chunk's stored hits */
};

void shuan_unescape__free(shuan_unescape *u)
{
	if (!u)
		return;
	shuan_free(u->dec_base);
	shuan_free(u->map);
	shuan_vec_free(&u->seen);
	shuan_free(u);
}

static bool pct_at(const char *b, size_t len, size_t i)
{
	return i + 2 < len && b[i] == '%' && shuan_hex_digit((unsigned char)b[i + 1]) >= 0 &&
	       shuan_hex_digit((unsigned char)b[i + 2]) >= 0;
}

static bool uesc_at(const char *b, size_t len, size_t i)
{
	if (i + 5 >= len || b[i] != '\\' || b[i + 1] != 'u')
		return false;
	for (size_t k = 2; k < 6; k++)
		if (shuan_hex_digit((unsigned char)b[i + k]) < 0)
			return false;
	return true;
}

static unsigned hex4(const char *p)
{
	return (unsigned)(shuan_hex_digit((unsigned char)p[0]) << 12 |
	                  shuan_hex_digit((unsigned char)p[1]) << 8 |
	                  shuan_hex_digit((unsigned char)p[2]) << 4 | shuan_hex_digit((unsigned char)p[3]));
}

/* ---- decoders: raw[from, to) -> out, map[k] = raw offset of out[k] ---- */

typedef enum { RUN_URL, RUN_URL_QUERY, RUN_JSON } run_kind;

static size_t put_utf8(char *out, size_t o, size_t *map, size_t at, uint32_t cp)
{
	char tmp[4];
	size_t l = shuan_utf8_encode(cp, tmp);
	for (size_t k = 0; k < l; k++) {
		out[o + k] = tmp[k];
		if (map)
			map[o + k] = at;
	}
	return l;
}

static size_t decode(run_kind kind, const char *raw, size_t from, size_t to, char *out, size_t *map)
{
	size_t o = 0;
	for (size_t i = from; i < to;) {
		size_t at = i;
		if (kind != RUN_JSON && pct_at(raw, to, i)) {
			out[o] = (char)(shuan_hex_digit((unsigned char)raw[i + 1]) << 4 |
			                shuan_hex_digit((unsigned char)raw[i + 2]));
			i += 3;
		} else if (kind == RUN_URL_QUERY && raw[i] == '+') {
			out[o] = ' ';
			i++;
		} else if (kind == RUN_JSON && uesc_at(raw, to, i)) {
			uint32_t cp = hex4(raw + i + 2);
			i += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF && uesc_at(raw, to, i)) {
				uint32_t lo = hex4(raw + i + 2);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 6;
				}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD; /* a lone surrogate */
			o += put_utf8(out, o, map, at, cp);
			continue;
		} else if (kind == RUN_JSON && raw[i] == '\\' && i + 1 < to && strchr("\"\\/bfnrt", raw[i + 1])) {
			static const char from_c[] = "\"\\/bfnrt", to_c[] = "\"\\/\b\f\n\r\t";
			out[o] = to_c[strchr(from_c, raw[i + 1]) - from_c];
			i += 2;
		} else {
			out[o] = raw[i++];
		}
		if (map)
			map[o] = at;
		o++;
	}
	if (map)
		map[o] = to;
	return o;
}

/* ---- finding runs ---- */

/* Bytes that end a URL-encoded value: blanks, quotes, brackets and the
 * query's own delimiters. */
static bool url_stop(unsigned char c)
{
	return c <= ' ' || strchr("\"'<>&=?#\\,;{}()[]|`", c) != NULL;
}

static bool key_char(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       strchr("_.-%[]", c) != NULL;
}

/* The quote at q (buf[q] == '"') is not escaped by backslashes before it. */
static bool unescaped_quote(const char *b, size_t q)
{
	size_t k = 0;
	while (k < q && b[q - 1 - k] == '\\')
		k++;
	return b[q] == '"' && k % 2 == 0;
}

typedef struct run {
	run_kind kind;
	size_t start, end;           /* chunk offsets of the escaped text */
	char key[SEG_MAX_NAME];      /* decoded key ("" when none) */
} run;

static void set_key(run *r, run_kind kind, const char *b, size_t from, size_t to)
{
	char tmp[SEG_MAX_NAME * 4];
	r->key[0] = '\0';
	if (to <= from || to - from >= sizeof(tmp))
		return;
	size_t n = decode(kind, b, from, to, tmp, NULL);
	if (n >= sizeof(r->key) || shuan_utf8_invalid(tmp, n, false) != 0)
		return;
	memcpy(r->key, tmp, n);
	r->key[n] = '\0';
}

/* The URL-encoded run around the escape at p: [start, end) and its key
 * (the name before '='). */
static void url_run(const char *b, size_t len, size_t p, run *r)
{
	size_t s = p, e = p;
	while (s > 0 && p - s < LOOK_BACK && !url_stop((unsigned char)b[s - 1]))
		s--;
	while (e < len && !url_stop((unsigned char)b[e]))
		e++;
	r->start = s;
	r->end = e;
	r->kind = RUN_URL;
	r->key[0] = '\0';
	if (s >= 2 && b[s - 1] == '=') {
		size_t k = s - 1;
		while (k > 0 && s - 1 - k < SEG_MAX_NAME && key_char((unsigned char)b[k - 1]))
			k--;
		r->kind = RUN_URL_QUERY;
		set_key(r, RUN_URL, b, k, s - 1);
	}
}

/* The JSON string holding the escape at p: its content and, when it is a
 * member's value, the member's name. */
static void json_run(const char *b, size_t len, size_t p, run *r)
{
	size_t s = p, e = p;
	while (s > 0 && p - s < LOOK_BACK && b[s - 1] != '\n' && !unescaped_quote(b, s - 1))
		s--;
	while (e < len && b[e] != '\n' && !unescaped_quote(b, e))
		e++;
	r->start = s;
	r->end = e;
	r->kind = RUN_JSON;
	r->key[0] = '\0';
	if (s < 2 || b[s - 1] != '"')
		return;
	size_t k = s - 1; /* the opening quote */
	while (k > 0 && (b[k - 1] == ' ' || b[k - 1] == '\t'))
		k--;
	if (k == 0 || b[k - 1] != ':')
		return;
	k--;
	while (k > 0 && (b[k - 1] == ' ' || b[k - 1] == '\t'))
		k--;
	if (k < 2 || !unescaped_quote(b, k - 1))
		return;
	size_t ke = k - 1, ks = ke;
	while (ks > 0 && ke - ks < SEG_MAX_NAME * 4 && !unescaped_quote(b, ks - 1))
		ks--;
	if (ks > 0)
		set_key(r, RUN_JSON, b, ks, ke);
}

/* The next escape (a %XX or a \uXXXX) at or after from, or len. */
static size_t next_escape(const char *b, size_t from, size_t len, bool *json)
{
	for (size_t i = from; i < len; i++) {
		const char *pc = memchr(b + i, '%', len - i), *bs = memchr(b + i, '\\', len - i);
		size_t a = pc ? (size_t)(pc - b) : len, c = bs ? (size_t)(bs - b) : len;
		if (a == len && c == len)
			return len;
		if (a < c) {
			if (pct_at(b, len, a)) {
				*json = false;
				return a;
			}
			i = a;
		} else {
			if (uesc_at(b, len, c)) {
				*json = true;
				return c;
			}
			i = c;
		}
	}
	return len;
}

/* ---- scanning a run ---- */

/* The first decoded index whose stored offset is at or after raw. */
static size_t dec_index(const size_t *map, size_t n, size_t raw)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (map[mid] < raw)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* pos moved back (not below lo) to the start of a decoded character: not
 * inside an escape, not at an escape that decodes to a UTF-8 continuation
 * byte (%B4 of 贾), not at the low half of a surrogate pair. */
static size_t align(const char *b, size_t len, size_t lo, size_t pos, run_kind kind)
{
	if (kind != RUN_JSON) {
		for (size_t k = 1; k <= 2 && pos - k >= lo + 0 && pos >= k; k++)
			if (pct_at(b, len, pos - k)) {
				pos -= k;
				break;
			}
		while (pos >= lo + 3 && pct_at(b, len, pos) &&
		       (shuan_hex_digit((unsigned char)b[pos + 1]) & 0xC) == 0x8 && pct_at(b, len, pos - 3))
			pos -= 3;
		return pos;
	}
	for (size_t k = 1; k <= 5 && pos >= lo + k; k++)
		if (uesc_at(b, len, pos - k)) {
			pos -= k;
			break;
		}
	if (pos >= lo + 6 && uesc_at(b, len, pos) && uesc_at(b, len, pos - 6)) {
		unsigned cp = hex4(b + pos + 2), hi = hex4(b + pos - 4);
		if (cp >= 0xDC00 && cp <= 0xDFFF && hi >= 0xD800 && hi <= 0xDBFF)
			pos -= 6;
	}
	if (pos > lo && b[pos - 1] == '\\' && !unescaped_quote(b, pos - 1)) {
		size_t k = 0; /* an odd run of backslashes before pos: pos is an escaped char */
		while (k < pos - lo && b[pos - 1 - k] == '\\')
			k++;
		if (k % 2)
			pos--;
	}
	return pos;
}

static int scan_window(shuan_scanner *s, scan_call *c, shuan_unescape *u, const run *r, size_t ws, size_t we,
		       size_t own_from, size_t own_to, const char *buf, size_t from, size_t to)
{
	char *dec = u->dec_base + 1;
	size_t n = decode(r->kind, buf, ws, we, dec, u->map);
	/* what is not UTF-8 once decoded (a GBK-encoded URL, a run cut by the
	 * chunk's start) is read as '?', byte for byte, so the map still holds */
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = shuan_utf8_decode(dec + i, n - i, &cp);
		if (l == 0) {
			dec[i++] = '?';
			continue;
		}
		i += l;
	}
	if (n == 0)
		return 0;
	size_t a = own_from > from ? own_from : from, b = own_to < to ? own_to : to;
	if (a >= b)
		return 0;
	unescape_run ur = {
	    .map = u->map,
	    .n = n,
	    .outer = buf,
	    .line0 = s->line,
	    .line_chars0 = s->line_chars,
	    .base_offset = s->base_offset,
	    .dec = s->dec,
	    .seen = u->seen.v,
	    .nseen = u->seen.n,
	};
	scan_call sub = {
	    .cb = c->cb,
	    .ud = c->ud,
	    .res = c->res,
	    .in_cell = true,
	    .cell_field = r->key[0] ? r->key : NULL,
	    .cell_location = c->cell_location,
	    .decoded = &ur,
	};
	/* the decoded window is a text record of its own */
	shuan_format format = s->format;
	size_t report_from = s->report_from, report_to = s->report_to, seg_to = s->seg_to;
	s->format = SHUAN_FORMAT_TEXT;
	s->report_from = dec_index(u->map, n, a);
	s->report_to = dec_index(u->map, n, b);
	s->seg_to = n;
	int rc = s->report_from < s->report_to ? shuan_scanner__chunk(s, &sub, dec, n, true) : 0;
	s->format = format;
	s->report_from = report_from;
	s->report_to = report_to;
	s->seg_to = seg_to;
	return rc;
}

static int scan_run(shuan_scanner *s, scan_call *c, shuan_unescape *u, const run *r, const char *buf, size_t from,
		    size_t to)
{
	for (size_t ws = r->start;;) {
		size_t we = r->end - ws <= SCAN_MAX_VALUE ? r->end : align(buf, r->end, ws, ws + SCAN_MAX_VALUE, r->kind);
		bool last = we == r->end;
		size_t own_from = ws == r->start ? r->start : ws + WINDOW_CTX;
		size_t own_to = last ? r->end : we - WINDOW_TAIL;
		int rc = scan_window(s, c, u, r, ws, we, own_from, own_to, buf, from, to);
		if (rc || last)
			return rc;
		ws = align(buf, r->end, r->start, own_to - WINDOW_CTX, r->kind);
	}
}

static int prepare(shuan_scanner *s)
{
	if (s->unesc)
		return 0;
	shuan_unescape *u = shuan_calloc(1, sizeof(*u));
	if (!u)
		return SHUAN_ENOMEM;
	u->dec_base = shuan_malloc(SCAN_MAX_VALUE + 2);
	u->map = shuan_malloc((SCAN_MAX_VALUE + 1) * sizeof(size_t));
	shuan_vec_init(&u->seen, sizeof(unescape_seen), 1u << 20);
	if (!u->dec_base || !u->map) {
		shuan_unescape__free(u);
		return SHUAN_ENOMEM;
	}
	s->unesc = u;
	return 0;
}

/* The stored scan's hits, to report nothing twice (hits are sorted by start). */
static int remember_hits(shuan_scanner *s, shuan_unescape *u)
{
	const scan_hit *h = s->hits.v;
	u->seen.n = 0;
	for (size_t i = 0; i < s->hits.n; i++) {
		unescape_seen e = {h[i].det, h[i].v.start, h[i].v.end};
		int rc = shuan_vec_push(&u->seen, &e);
		if (rc == SHUAN_ELIMIT)
			break; /* a duplicate may then be reported; nothing is lost */
		if (rc)
			return rc;
	}
	return 0;
}

int shuan_unescape__chunk(shuan_scanner *s, scan_call *c, const char *buf, size_t len)
{
	size_t from = s->report_from, to = s->report_to;
	bool json = false, prepared = false;
	if (c->decoded)
		return 0; /* a decoded run is not decoded again */
	for (size_t p = next_escape(buf, 0, len, &json); p < len; p = next_escape(buf, p, len, &json)) {
		run r;
		if (json)
			json_run(buf, len, p, &r);
		else
			url_run(buf, len, p, &r);
		if (r.end <= from) {
			p = r.end > p ? r.end : p + 1;
			continue;
		}
		if (r.start >= to)
			break;
		int rc;
		if (!prepared) {
			if ((rc = prepare(s)) || (rc = remember_hits(s, s->unesc)))
				return rc;
			prepared = true;
		}
		if ((rc = scan_run(s, c, s->unesc, &r, buf, from, to)))
			return rc;
		p = r.end > p ? r.end : p + 1;
	}
	return 0;
}

bool shuan_unescape__locate(unescape_run *u, unsigned det, size_t start, size_t end, shuan_finding *f)
{
	size_t a = u->map[start], b = u->map[end];
	/* the stored scan's hit of the same detector over these bytes wins */
	size_t lo = 0, hi = u->nseen, from = a > SCAN_MAX_VALUE ? a - SCAN_MAX_VALUE : 0;
	while (lo < hi) { /* no hit is longer than SCAN_MAX_VALUE */
		size_t mid = lo + (hi - lo) / 2;
		if (u->seen[mid].start < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < u->nseen && u->seen[i].start < b; i++)
		if (u->seen[i].det == det && u->seen[i].end > a)
			return false;
	const char *o = u->outer;
	if (a < u->cur_pos) {
		u->cur_pos = 0;
		u->cur_line = 0;
		u->cur_line_start = 0;
	}
	for (const char *p = o + u->cur_pos, *e = o + a; p < e && (p = memchr(p, '\n', (size_t)(e - p))); p++) {
		u->cur_line++;
		u->cur_line_start = (size_t)(p - o) + 1;
	}
	u->cur_pos = a;
	f->line = u->line0 + u->cur_line;
	f->column = shuan_utf8_count(o + u->cur_line_start, a - u->cur_line_start) + 1 +
		    (u->cur_line == 0 ? u->line_chars0 : 0);
	if (u->dec) {
		f->offset = shuan_decoder_raw_offset(u->dec, u->base_offset + a);
		f->length = shuan_decoder_raw_offset(u->dec, u->base_offset + b) - f->offset;
	} else {
		f->offset = u->base_offset + a;
		f->length = b - a;
	}
	return true;
}
