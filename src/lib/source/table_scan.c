/*
 * lib/source/table_scan.c - a table's rows through the scanner as a TSV
 * stream, findings mapped back to row and column (see table_scan.h).
 *
 * Worked example. Columns (id PK integer, 姓名, 手机); row 7 is
 * (7, 张三, 13812345678). The stream gets the header "id\t姓名\t手机\n", then
 * the line "7\t张三\t13812345678\n" at stream offset 5000; the pending-row
 * record says: row 7, starts at 5000, cells at +0, +2, +9 (bytes) and 0, 2,
 * 5 (characters), key "id=7". The scanner reports a mobile number at
 * offset 5009, column 6 (characters in the line): the row is found by
 * binary search on starts, the cell by its offsets, and the finding goes
 * out as location "public.t.手机", row "id=7", offset 0 and column 1 within
 * the cell. When the scanner asks for more input, every row that ends
 * before the start of what it still holds is finished: row_done() is
 * called and the record dropped.
 */
#include "lib/source/table_scan.h"

#include <stdio.h>
#include <string.h>

#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/swar.h"
#include "util/utf8.h"

/* A row written to the stream whose findings may still come. */
typedef struct pending {
	uint64_t row;     /* 1-based ordinal */
	uint64_t start;   /* stream offset of the line */
	uint64_t end;     /* stream offset just past its newline */
	size_t cells;     /* index of its first cell in ts->cell_byte / cell_char */
	size_t key;       /* offset of its key text in ts->keys */
	unsigned flags;   /* from the value callback */
	bool key_is_pi;   /* a finding in a primary-key cell */
} pending;

typedef struct tscan {
	shuan_scanner *s;
	const shuan_row_source *src;
	const shuan_table_sink *sink;
	shuan_table_result *res;
	size_t *order;     /* stream column -> table column: key columns first */
	size_t nkey;       /* key columns (the first nkey of order) */
	bool key_integer;  /* every key column is an integer */
	shuan_vec rows;    /* pending, in stream order */
	size_t row_hint;   /* the pending row of the last finding: findings come in stream order */
	shuan_vec cell_byte, cell_char; /* uint32 per cell of pending rows */
	shuan_buf keys;    /* key texts of pending rows, NUL-separated */
	shuan_buf line;    /* the line being handed to the scanner */
	size_t line_pos;   /* bytes of line already handed over */
	uint64_t written;  /* stream bytes handed over */
	uint64_t header_end;
	uint64_t nrows;
	bool eof;
	int src_rc;        /* the row source's error */
	int sink_stop;
	char location[1024];
	char ref[64];
} tscan;

const char *shuan_table__binary_kind(const unsigned char *p, size_t len)
{
	static const struct {
		const char *magic;
		size_t n;
		const char *kind;
	} kinds[] = {
		{"\x89PNG", 4, "PNG image"},       {"\xFF\xD8\xFF", 3, "JPEG image"},  {"GIF8", 4, "GIF image"},
		{"%PDF", 4, "PDF document"},      {"PK\x03\x04", 4, "zip archive"},   {"\x1F\x8B", 2, "gzip data"},
		{"BM", 2, "BMP image"},           {"II*\0", 4, "TIFF image"},         {"MM\0*", 4, "TIFF image"},
		{"RIFF", 4, "RIFF media"},        {"\xD0\xCF\x11\xE0", 4, "OLE document"},
		{"SQLite format 3", 15, "SQLite database"},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (len >= kinds[i].n && !memcmp(p, kinds[i].magic, kinds[i].n))
			return kinds[i].kind;
	if (len >= 12 && !memcmp(p + 4, "ftyp", 4))
		return "MP4/HEIF media";
	return "binary data";
}

/* Text stored as bytes: valid UTF-8 without NUL. */
static bool text_like(const char *p, size_t len)
{
	return !memchr(p, '\0', len) && shuan_utf8_invalid(p, len, false) == 0;
}

static bool blank(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' && p[i] != '\f' && p[i] != '\v')
			return false;
	return true;
}

/* Appends a cell's text made safe for the TSV segmenter, same length;
 * returns its length in characters through *chars. */
static int add_cell(shuan_buf *b, const char *p, size_t len, uint64_t *chars)
{
	size_t at = b->len;
	int rc = shuan_buf_add(b, p, len);
	uint64_t n = 0;
	if (rc)
		return rc;
	/* every cell byte of a table passes here: eight at a time while none
	 * needs replacing */
	for (char *c = b->p + at, *e = b->p + at + len; c < e;) {
		uint64_t w = e - c >= 8 ? shuan_swar_load(c) : 0;
		if (e - c >= 8 && !(shuan_swar_below(w, 0x20) | shuan_swar_has(w, 0x7f) | shuan_swar_has(w, '"'))) {
			n += 8 - shuan_swar_continuations(w);
			c += 8;
			continue;
		}
		unsigned char u = (unsigned char)*c;
		if (u < 0x20 || u == 0x7f)
			*c = ' ';
		else if (u == '"')
			*c = '\'';
		n += (u & 0xC0) != 0x80;
		c++;
	}
	*chars = n;
	return 0;
}

static void drop_front(shuan_vec *v, size_t k)
{
	if (k == 0)
		return;
	memmove(v->v, (char *)v->v + k * v->elem, (v->n - k) * v->elem);
	v->n -= k;
}

/* Finishes the rows that end before `consumed` (all of them at the end). */
static void retire(tscan *ts, uint64_t consumed, bool all)
{
	size_t k = 0;
	while (k < ts->rows.n) {
		pending *p = &SHUAN_VEC_AT(&ts->rows, pending, k);
		if (!all && p->end > consumed)
			break;
		if (ts->sink && ts->sink->row_done)
			ts->sink->row_done(ts->sink->ud, p->row, p->flags);
		k++;
	}
	if (k == 0)
		return;
	/* move the rows still pending (the scanner's carried tail) to the front */
	{
		size_t cells = k < ts->rows.n ? SHUAN_VEC_AT(&ts->rows, pending, k).cells : ts->cell_byte.n;
		size_t key = k < ts->rows.n ? SHUAN_VEC_AT(&ts->rows, pending, k).key : ts->keys.len;
		drop_front(&ts->rows, k);
		ts->row_hint = 0;
		drop_front(&ts->cell_byte, cells);
		drop_front(&ts->cell_char, cells);
		if (key) {
			memmove(ts->keys.p, ts->keys.p + key, ts->keys.len - key);
			ts->keys.len -= key;
			if (ts->keys.p)
				ts->keys.p[ts->keys.len] = '\0';
		}
		for (size_t i = 0; i < ts->rows.n; i++) {
			pending *p = &SHUAN_VEC_AT(&ts->rows, pending, i);
			p->cells -= cells;
			p->key -= key;
		}
	}
}

/* The key text of a row: "id=7" or "a=1,b=x". */
static int add_key(tscan *ts, const shuan_db_value *vals)
{
	int rc = 0;
	for (size_t i = 0; i < ts->nkey && !rc; i++) {
		const shuan_db_value *v = &vals[ts->order[i]];
		if (i)
			rc = shuan_buf_addc(&ts->keys, ',');
		if (!rc)
			rc = shuan_buf_adds(&ts->keys, ts->src->cols[ts->order[i]].name);
		if (!rc)
			rc = shuan_buf_addc(&ts->keys, '=');
		if (!rc && v->p)
			rc = shuan_buf_add(&ts->keys, v->p, v->len > 128 ? 128 : v->len);
		else if (!rc)
			rc = shuan_buf_adds(&ts->keys, "NULL");
	}
	return rc ? rc : shuan_buf_addc(&ts->keys, '\0');
}

/* Writes the next row into ts->line, recording where its cells are. */
static int next_line(tscan *ts)
{
	const shuan_row_source *src = ts->src;
	const shuan_db_value *vals;
	pending *p;
	uint64_t chars = 0;
	int rc;

	shuan_buf_reset(&ts->line);
	ts->line_pos = 0;
	rc = src->next(src->ctx, &vals);
	if (rc <= 0) {
		ts->eof = true;
		if (rc < 0)
			ts->src_rc = rc;
		return 0;
	}
	if ((rc = shuan_vec_add(&ts->rows, (void **)&p)) < 0)
		return rc;
	p->row = ++ts->nrows;
	p->start = ts->written;
	p->cells = ts->cell_byte.n;
	p->key = ts->keys.len;
	if ((rc = shuan_vec_reserve(&ts->cell_byte, src->ncols)) < 0 ||
	    (rc = shuan_vec_reserve(&ts->cell_char, src->ncols)) < 0 || (ts->nkey && (rc = add_key(ts, vals)) < 0))
		return rc;
	for (size_t k = 0; k < src->ncols; k++) {
		size_t c = ts->order[k];
		const shuan_db_value *v = &vals[c];
		shuan_table_column_stats *st = ts->res->cols ? &ts->res->cols[c] : NULL;
		uint32_t byte_at = (uint32_t)ts->line.len, char_at = (uint32_t)chars;
		uint64_t n = 0;
		if (k && (rc = shuan_buf_addc(&ts->line, '\t')) < 0)
			return rc;
		if (k) {
			byte_at++;
			char_at++;
			chars++;
		}
		shuan_vec_push(&ts->cell_byte, &byte_at);
		shuan_vec_push(&ts->cell_char, &char_at);
		if (!v->p)
			continue;
		if (ts->sink && ts->sink->value)
			SHUAN_VEC_AT(&ts->rows, pending, ts->rows.n - 1).flags |=
				ts->sink->value(ts->sink->ud, p->row, c, v);
		if (st) {
			st->values++;
			st->non_empty += !blank(v->p, v->len);
			st->truncated += v->truncated;
		}
		if (v->binary && !text_like(v->p, v->len)) {
			if (st) {
				if (!st->binary_skipped)
					snprintf(st->binary_kind, sizeof(st->binary_kind), "%s",
						 shuan_table__binary_kind((const unsigned char *)v->p, v->len));
				st->binary_skipped++;
			}
			continue;
		}
		if (v->binary && st)
			st->binary_as_text++;
		if ((rc = add_cell(&ts->line, v->p, v->len, &n)) < 0)
			return rc;
		chars += n;
	}
	if ((rc = shuan_buf_addc(&ts->line, '\n')) < 0)
		return rc;
	p = &SHUAN_VEC_AT(&ts->rows, pending, ts->rows.n - 1);
	p->end = ts->written + ts->line.len;
	return 0;
}

static long stream_read(void *ctx, char *buf, size_t cap)
{
	tscan *ts = ctx;
	size_t n = 0;
	int rc;

	/* everything before the scanner's unconsumed tail is finished */
	retire(ts, ts->s->base_offset, false);
	while (n < cap) {
		if (ts->line_pos == ts->line.len) {
			if (ts->eof)
				break;
			/* A failing source ends the stream, so the scanner still
			 * scans what it holds; the error is reported after. */
			if ((rc = next_line(ts)) < 0) {
				ts->src_rc = rc;
				ts->eof = true;
				break;
			}
			if (ts->eof)
				break;
		}
		size_t k = ts->line.len - ts->line_pos;
		if (k > cap - n)
			k = cap - n;
		memcpy(buf + n, ts->line.p + ts->line_pos, k);
		ts->line_pos += k;
		n += k;
		ts->written += k;
	}
	return (long)n;
}

/* The pending row holding stream offset off, or -1. Findings come in
 * stream order, so the row of the last one (hint) or the next usually is
 * it; else a binary search. */
static int by_start(uint64_t off, const pending *rows, size_t n, size_t *hint)
{
	for (size_t i = *hint; i < n && i < *hint + 2; i++)
		if (rows[i].start <= off && off < rows[i].end) {
			*hint = i;
			return (int)i;
		}
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (rows[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (!n || rows[lo].start > off || off >= rows[lo].end)
		return -1;
	*hint = lo;
	return (int)lo;
}

static const char *row_ref(tscan *ts, const pending *p)
{
	const char *key = ts->keys.p ? ts->keys.p + p->key : "";
	if (!ts->nkey) {
		snprintf(ts->ref, sizeof(ts->ref), "row:%llu", (unsigned long long)p->row);
		return ts->ref;
	}
	if (ts->key_integer && !p->key_is_pi && strlen(key) < sizeof(ts->ref)) {
		snprintf(ts->ref, sizeof(ts->ref), "%s", key);
		return ts->ref;
	}
	/* a key that may itself be personal information: its fingerprint */
	if (ts->s->fp) {
		char hex[33];
		if (shuan_fingerprint(ts->s->fp, "row_key", key, strlen(key), hex, sizeof(hex)) == 0) {
			snprintf(ts->ref, sizeof(ts->ref), "fp:%s", hex);
			return ts->ref;
		}
	}
	snprintf(ts->ref, sizeof(ts->ref), "row:%llu", (unsigned long long)p->row);
	return ts->ref;
}

static int on_finding(const shuan_finding *f, void *ud)
{
	tscan *ts = ud;
	const pending *rows = ts->rows.v;
	shuan_finding g;
	size_t ncols = ts->src->ncols, k = 0, c;
	pending *p;
	int i;

	if (f->offset < ts->header_end)
		return 0; /* a column name, not a value */
	if ((i = by_start(f->offset, rows, ts->rows.n, &ts->row_hint)) < 0)
		return 0; /* cannot happen: every line is recorded until consumed */
	p = &SHUAN_VEC_AT(&ts->rows, pending, (size_t)i);
	{
		const uint32_t *cb = &SHUAN_VEC_AT(&ts->cell_byte, uint32_t, p->cells);
		uint64_t rel = f->offset - p->start;
		while (k + 1 < ncols && cb[k + 1] <= rel)
			k++;
		c = ts->order[k];
		g = *f;
		g.offset = rel - cb[k];
		g.column = f->column > SHUAN_VEC_AT(&ts->cell_char, uint32_t, p->cells + k)
				   ? f->column - SHUAN_VEC_AT(&ts->cell_char, uint32_t, p->cells + k)
				   : 1;
	}
	if (k < ts->nkey)
		p->key_is_pi = true;
	g.path = ts->src->path;
	g.line = p->row;
	g.field = ts->src->cols[c].name;
	g.location = NULL;
	g.row = NULL;
	if (!ts->sink || !ts->sink->no_locations) {
		snprintf(ts->location, sizeof(ts->location), "%s.%s", ts->src->table, ts->src->cols[c].name);
		g.location = ts->location;
		g.row = row_ref(ts, p);
	}
	ts->res->findings++;
	if (ts->res->cols)
		ts->res->cols[c].findings++;
	if (ts->sink && ts->sink->finding && ts->sink->finding(ts->sink->ud, &g, p->row, c)) {
		ts->sink_stop = 1;
		return 1;
	}
	return 0;
}

int shuan_table__scan(shuan_scanner *s, const shuan_row_source *src, const shuan_table_sink *sink,
		      shuan_table_result *res)
{
	tscan ts;
	shuan_enc_choice saved_enc = s->enc;
	uint64_t saved_max = s->opt.max_file_size;
	shuan_table_column_stats *cols = res->cols;
	shuan_input in = {src->path, NULL, SHUAN_FORMAT_TSV};
	shuan_reader rd;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	res->cols = cols;
	if (cols)
		memset(cols, 0, src->ncols * sizeof(*cols));
	memset(&ts, 0, sizeof(ts));
	ts.s = s;
	ts.src = src;
	ts.sink = sink;
	ts.res = res;
	shuan_vec_init(&ts.rows, sizeof(pending), (size_t)1 << 26);
	shuan_vec_init(&ts.cell_byte, sizeof(uint32_t), (size_t)1 << 28);
	shuan_vec_init(&ts.cell_char, sizeof(uint32_t), (size_t)1 << 28);
	shuan_buf_init(&ts.keys, (size_t)1 << 30);
	/* a line holds every cell as the source capped it, tabs and the newline */
	shuan_buf_init(&ts.line, (size_t)1 << 31);
	if (!(ts.order = shuan_calloc(src->ncols ? src->ncols : 1, sizeof(*ts.order)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	ts.key_integer = true;
	for (size_t i = 0; i < src->ncols; i++)
		if (src->cols[i].pk) {
			ts.order[ts.nkey++] = i;
			ts.key_integer &= src->cols[i].integer;
		}
	for (size_t i = 0, k = ts.nkey; i < src->ncols; i++)
		if (!src->cols[i].pk)
			ts.order[k++] = i;
	/* the header: column names, safe like cells */
	for (size_t k = 0; k < src->ncols && rc == 0; k++) {
		const char *name = src->cols[ts.order[k]].name;
		uint64_t chars;
		if (k)
			rc = shuan_buf_addc(&ts.line, '\t');
		if (!rc)
			rc = add_cell(&ts.line, name, strlen(name), &chars);
	}
	if (rc == 0)
		rc = shuan_buf_addc(&ts.line, '\n');
	if (rc < 0)
		goto cleanup;
	ts.header_end = ts.line.len;
	/* the table stream is UTF-8 we wrote ourselves, and as long as the table */
	s->enc.forced = true;
	s->enc.enc = SHUAN_ENC_UTF8;
	snprintf(s->enc.name, sizeof(s->enc.name), "utf-8");
	s->opt.max_file_size = 0;
	rd.read = stream_read;
	rd.ctx = &ts;
	rc = shuan_scanner_scan_reader(s, &in, &rd, on_finding, &ts, &res->scan);
	s->enc = saved_enc;
	s->opt.max_file_size = saved_max;
	if (rc == 0)
		retire(&ts, 0, true);
	res->rows = ts.nrows;
	res->bytes = ts.written;
	if (ts.src_rc < 0)
		rc = ts.src_rc;
	else if (ts.sink_stop)
		rc = SHUAN_ESTOP;
cleanup:
	shuan_free(ts.order);
	shuan_vec_free(&ts.rows);
	shuan_vec_free(&ts.cell_byte);
	shuan_vec_free(&ts.cell_char);
	shuan_buf_free(&ts.keys);
	shuan_buf_free(&ts.line);
	return rc;
}
