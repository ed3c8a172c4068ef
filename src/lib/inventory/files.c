/*
 * lib/inventory/files.c - files and directories as inventory sources.
 *
 * Each named path is a source; each file in it is a table. A file is read
 * as rows so every field is a column with value statistics, through the same
 * table scan as database tables:
 *   - CSV/TSV: RFC 4180 records (quoted fields may hold delimiters and line
 *     breaks), the first record naming the columns;
 *   - JSON Lines: each line an object, flattened to key paths
 *     ("user.phones[]" for every element of an array); a first pass finds
 *     the key paths (up to 512), a second reads the rows. SQLite's json_tree
 *     does the parsing;
 *   - text and logs: one column "(text)", each line a row.
 * Files in GB18030/GBK or UTF-16 are decoded (lib/scan/decode.h) first.
 * An SQLite file is read as a database. Anything else the scanner can read
 * (a JSON document, xlsx, docx, archives) is scanned as it is and its
 * findings are grouped by field; there the rates count records (lines or
 * sheet rows), since values are not seen one by one - the basis says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/inventory/collect.h"
#include "lib/scan/decode.h"
#include "lib/scan/internal.h"
#include "lib/source/archive.h"
#include "lib/source/db_source.h"
#include "shuan/walk.h"
#include "util/alloc.h"
#include "util/io.h"

#define MAX_RECORD (16u << 20) /* a CSV record or a line: longer ones are cut */
#define MAX_JSON_COLUMNS 512
#define FB_MAX_FIELDS 1024 /* fields of one file read findings-only */

/* ---- a line reader over a (possibly decoding) reader ---- */

typedef struct lines {
	int fd;
	shuan_reader raw, rd;
	shuan_decoder *dec;
	char *buf;
	size_t len, pos, cap;
	bool eof;
	uint64_t cut; /* lines longer than MAX_RECORD, cut */
} lines;

static long fd_read(void *ctx, char *buf, size_t cap)
{
	ssize_t n = shuan_io_read(*(int *)ctx, buf, cap);
	return n >= 0 ? (long)n : SHUAN_EIO;
}

static int lines_open(lines *l, const char *path, char *why, size_t whylen)
{
	char head[65536];
	ssize_t n;
	shuan_enc enc;
	size_t bom = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	if ((l->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return SHUAN_EIO;
	}
	l->raw.read = fd_read;
	l->raw.ctx = &l->fd;
	l->cap = 1u << 20;
	if (!(l->buf = shuan_malloc(l->cap)))
		return SHUAN_ENOMEM;
	n = shuan_io_read_full(l->fd, head, sizeof(head));
	if (n < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return SHUAN_EIO;
	}
	if ((rc = shuan_enc_detect(head, (size_t)n, (size_t)n == sizeof(head), &enc, &bom, why, whylen)) < 0)
		return rc;
	if (enc == SHUAN_ENC_UTF8) {
		/* UTF-8 as stored: the head first, then the file */
		memcpy(l->buf, head + (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3) ? 3 : 0),
		       (size_t)n - (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3) ? 3 : 0));
		l->len = (size_t)n - (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3) ? 3 : 0);
		l->rd = l->raw;
		l->eof = (size_t)n < sizeof(head);
		return 0;
	}
	if ((rc = shuan_decoder_new(&l->dec, enc, &l->raw, head, (size_t)n, bom, (size_t)n < sizeof(head), 0)) < 0) {
		snprintf(why, whylen, "no decoder for %s", shuan_enc_name(enc));
		return rc;
	}
	l->rd = shuan_decoder_reader(l->dec);
	return 0;
}

static void lines_close(lines *l)
{
	shuan_decoder_free(l->dec);
	shuan_free(l->buf);
	if (l->fd > 0)
		close(l->fd);
}

/* Makes room and reads more; returns bytes added, 0 at the end, < 0. */
static long fill(lines *l)
{
	long n;
	if (l->eof)
		return 0;
	if (l->pos) {
		memmove(l->buf, l->buf + l->pos, l->len - l->pos);
		l->len -= l->pos;
		l->pos = 0;
	}
	if (l->len == l->cap) {
		size_t cap = l->cap * 2;
		char *b;
		if (cap > MAX_RECORD + (1u << 20))
			return 0; /* a line over the cap: the caller cuts it */
		if (!(b = shuan_realloc(l->buf, cap)))
			return SHUAN_ENOMEM;
		l->buf = b;
		l->cap = cap;
	}
	n = l->rd.read(l->rd.ctx, l->buf + l->len, l->cap - l->len);
	if (n < 0)
		return n;
	if (n == 0)
		l->eof = true;
	l->len += (size_t)n;
	return n;
}

/* The next line [*p, *p + *n) without its line break: 1, 0 at the end, < 0. */
static int next_line(lines *l, const char **p, size_t *n)
{
	for (size_t scan = l->pos;;) {
		char *nl = memchr(l->buf + scan, '\n', l->len - scan);
		if (nl || (l->eof && l->len > l->pos) || l->len - l->pos > MAX_RECORD) {
			size_t end = nl ? (size_t)(nl - l->buf) : l->len;
			if (!nl && l->len - l->pos > MAX_RECORD) {
				end = l->pos + MAX_RECORD;
				l->cut++;
			}
			*p = l->buf + l->pos;
			*n = end - l->pos;
			if (*n && (*p)[*n - 1] == '\r')
				(*n)--;
			l->pos = nl ? end + 1 : end;
			return 1;
		}
		if (l->eof)
			return 0;
		size_t off = l->len - l->pos;
		long r = fill(l);
		if (r < 0)
			return (int)r;
		scan = l->pos + off;
	}
}

/* ---- rows of a file ---- */

typedef enum { FILE_CSV, FILE_TSV, FILE_JSONL, FILE_TEXT } file_kind;

typedef struct file_rows {
	lines l;
	file_kind kind;
	char delim;
	size_t ncols;
	shuan_db_column *cols;
	shuan_db_value *vals;
	shuan_buf rec;   /* the current record, unescaped cells */
	size_t *off;     /* cell offsets in rec (SIZE_MAX: absent) */
	size_t *len;
	sqlite3 *json;
	sqlite3_stmt *tree;
	int rc;          /* a read error */
} file_rows;

/* Splits one CSV record, which may span lines (quoted line breaks), into
 * rec/off/len; returns the number of fields, 0 at the end, < 0. */
static int csv_record(file_rows *f, size_t maxf, size_t *nf)
{
	const char *p;
	size_t n, k = 0;
	bool inq = false;
	int rc;

	shuan_buf_reset(&f->rec);
	*nf = 0;
	if ((rc = next_line(&f->l, &p, &n)) <= 0)
		return rc;
	if (k < maxf) {
		f->off[k] = 0;
		f->len[k] = 0;
	}
	for (;;) {
		for (size_t i = 0; i < n; i++) {
			char c = p[i];
			if (inq) {
				if (c == '"' && i + 1 < n && p[i + 1] == '"') {
					shuan_buf_addc(&f->rec, '"');
					i++;
				} else if (c == '"') {
					inq = false;
				} else {
					shuan_buf_addc(&f->rec, c);
				}
			} else if (c == '"') {
				inq = true;
			} else if (c == f->delim) {
				if (k < maxf)
					f->len[k] = f->rec.len - f->off[k];
				k++;
				if (k < maxf) {
					f->off[k] = f->rec.len;
					f->len[k] = 0;
				}
			} else {
				shuan_buf_addc(&f->rec, c);
			}
		}
		if (!inq || f->rec.len > MAX_RECORD)
			break;
		/* a quoted line break: the record goes on */
		shuan_buf_addc(&f->rec, '\n');
		if ((rc = next_line(&f->l, &p, &n)) < 0)
			return rc;
		if (rc == 0)
			break;
	}
	if (k < maxf)
		f->len[k] = f->rec.len - f->off[k];
	*nf = k + 1;
	return 1;
}

static int fill_vals(file_rows *f, size_t nf)
{
	/* the buffer moved while it grew: point the values now */
	for (size_t i = 0; i < f->ncols; i++) {
		shuan_db_value *v = &f->vals[i];
		v->binary = v->truncated = false;
		if (i >= nf) {
			v->p = NULL;
			v->len = 0;
		} else {
			v->p = f->rec.p ? f->rec.p + f->off[i] : "";
			v->len = f->len[i];
		}
	}
	return 1;
}

/* JSON: the key paths of one object line, by json_tree ("$.a.b[0]" -> "a.b[]"). */
static void json_key(const char *full, char *out, size_t cap)
{
	size_t w = 0;
	if (full[0] == '$')
		full++;
	if (full[0] == '.')
		full++;
	for (; *full && w + 3 < cap; full++) {
		if (*full == '[') {
			out[w++] = '[';
			out[w++] = ']';
			while (*full && *full != ']')
				full++;
			if (!*full)
				break;
			continue;
		}
		out[w++] = *full;
	}
	out[w] = '\0';
	if (!w)
		snprintf(out, cap, "(value)");
}

static int json_column(file_rows *f, const char *key)
{
	for (size_t i = 0; i < f->ncols; i++)
		if (!strcmp(f->cols[i].name, key))
			return (int)i;
	return -1;
}

static int json_rows_next(file_rows *f)
{
	const char *p;
	size_t n;
	int rc;
	for (;;) {
		if ((rc = next_line(&f->l, &p, &n)) <= 0)
			return rc;
		if (n)
			break;
	}
	shuan_buf_reset(&f->rec);
	for (size_t i = 0; i < f->ncols; i++)
		f->off[i] = SIZE_MAX;
	sqlite3_reset(f->tree);
	sqlite3_bind_text(f->tree, 1, p, (int)n, SQLITE_TRANSIENT);
	while (sqlite3_step(f->tree) == SQLITE_ROW) {
		char key[256];
		const char *v = (const char *)sqlite3_column_text(f->tree, 1);
		int vl = sqlite3_column_bytes(f->tree, 1), c;
		json_key((const char *)sqlite3_column_text(f->tree, 0), key, sizeof(key));
		if (!v || (c = json_column(f, key)) < 0)
			continue;
		if (f->off[c] == SIZE_MAX) {
			f->off[c] = f->rec.len;
			f->len[c] = 0;
		} else if (f->off[c] + f->len[c] == f->rec.len) {
			shuan_buf_addc(&f->rec, ' '); /* array elements of one key: one cell */
			f->len[c]++;
		} else {
			continue; /* (keys interleave only in odd documents) */
		}
		shuan_buf_add(&f->rec, v, (size_t)vl);
		f->len[c] += (size_t)vl;
	}
	for (size_t i = 0; i < f->ncols; i++) {
		shuan_db_value *v = &f->vals[i];
		v->binary = v->truncated = false;
		v->p = f->off[i] == SIZE_MAX ? NULL : f->rec.p + f->off[i];
		v->len = f->off[i] == SIZE_MAX ? 0 : f->len[i];
	}
	return 1;
}

static int file_next(void *ctx, const shuan_db_value **vals)
{
	file_rows *f = ctx;
	int rc;
	size_t nf;
	*vals = f->vals;
	switch (f->kind) {
	case FILE_CSV:
	case FILE_TSV:
		for (;;) {
			if ((rc = csv_record(f, f->ncols, &nf)) <= 0)
				return rc;
			if (!(nf == 1 && f->len[0] == 0))
				break; /* skip blank lines */
		}
		return fill_vals(f, nf);
	case FILE_JSONL:
		return json_rows_next(f);
	case FILE_TEXT: {
		const char *p;
		size_t n;
		if ((rc = next_line(&f->l, &p, &n)) <= 0)
			return rc;
		f->vals[0].p = p;
		f->vals[0].len = n;
		f->vals[0].binary = f->vals[0].truncated = false;
		return 1;
	}
	}
	return 0;
}

static void file_rows_free(file_rows *f)
{
	for (size_t i = 0; i < f->ncols; i++)
		shuan_free(f->cols[i].name);
	shuan_free(f->cols);
	shuan_free(f->vals);
	shuan_free(f->off);
	shuan_free(f->len);
	shuan_buf_free(&f->rec);
	sqlite3_finalize(f->tree);
	sqlite3_close(f->json);
	lines_close(&f->l);
}

static int add_col(file_rows *f, const char *name)
{
	shuan_db_column *c;
	void *v = shuan_realloc(f->cols, (f->ncols + 1) * sizeof(*f->cols));
	if (!v)
		return SHUAN_ENOMEM;
	f->cols = v;
	c = &f->cols[f->ncols];
	memset(c, 0, sizeof(*c));
	c->type = (char *)"";
	c->comment = (char *)"";
	c->capped = true;
	if (!(c->name = shuan_strdup(name)))
		return SHUAN_ENOMEM;
	f->ncols++;
	return 0;
}

static int alloc_vals(file_rows *f)
{
	f->vals = shuan_calloc(f->ncols + 1, sizeof(*f->vals));
	f->off = shuan_calloc(f->ncols + 1, sizeof(*f->off));
	f->len = shuan_calloc(f->ncols + 1, sizeof(*f->len));
	return f->vals && f->off && f->len ? 0 : SHUAN_ENOMEM;
}

/* The header record names the columns (empty or repeated names get their position). */
static int csv_header(file_rows *f)
{
	size_t nf, max = SEG_MAX_COLUMNS * 4;
	int rc;
	f->off = shuan_calloc(max, sizeof(*f->off));
	f->len = shuan_calloc(max, sizeof(*f->len));
	if (!f->off || !f->len)
		return SHUAN_ENOMEM;
	if ((rc = csv_record(f, max, &nf)) <= 0)
		return rc < 0 ? rc : 0;
	if (nf > max)
		nf = max;
	for (size_t i = 0; i < nf; i++) {
		char name[256];
		size_t n = f->len[i] < sizeof(name) - 1 ? f->len[i] : sizeof(name) - 1;
		memcpy(name, f->rec.p ? f->rec.p + f->off[i] : "", n);
		name[n] = '\0';
		if (!name[0] || json_column(f, name) >= 0)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "#%zu", i + 1);
		if ((rc = add_col(f, name)) < 0)
			return rc;
	}
	shuan_free(f->off);
	shuan_free(f->len);
	f->off = f->len = NULL;
	return alloc_vals(f);
}

/* First pass over a JSON Lines file: its key paths. */
static int json_columns(file_rows *f, const char *path, char *why, size_t whylen)
{
	const char *p;
	size_t n;
	int rc;
	if (sqlite3_open_v2(":memory:", &f->json, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->json,
			       "SELECT fullkey, atom FROM json_tree(?) WHERE type NOT IN ('object', 'array', 'null')",
			       -1, &f->tree, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "no JSON parser (SQLite json_tree)");
		return SHUAN_ERROR;
	}
	while ((rc = next_line(&f->l, &p, &n)) == 1) {
		if (!n)
			continue;
		sqlite3_reset(f->tree);
		sqlite3_bind_text(f->tree, 1, p, (int)n, SQLITE_TRANSIENT);
		while (sqlite3_step(f->tree) == SQLITE_ROW) {
			char key[256];
			json_key((const char *)sqlite3_column_text(f->tree, 0), key, sizeof(key));
			if (json_column(f, key) < 0 && f->ncols < MAX_JSON_COLUMNS && (rc = add_col(f, key)) < 0)
				return rc;
		}
	}
	if (rc < 0)
		return rc;
	/* second pass: from the start */
	lines_close(&f->l);
	if ((rc = lines_open(&f->l, path, why, whylen)) < 0)
		return rc;
	return alloc_vals(f);
}

/* ---- findings only (formats read as they are) ---- */

typedef struct fallback {
	shuan_inventory *inv;
	inv_source *src;
	size_t si;
	const char *top;       /* the path named */
	size_t table;          /* current table (a file or member path) */
	char cur[1200];
	inv_sink sink;
	bool sink_open;
	uint64_t line;         /* current record */
	uint64_t max_line;
	int failed;
} fallback;

static void fb_close_table(fallback *fb)
{
	if (!fb->sink_open)
		return;
	shuan_inv__sink_row_done(&fb->sink, fb->line, 0);
	{
		inv_table *t = &SHUAN_VEC_AT(&fb->inv->tables, inv_table, fb->table);
		t->rows += fb->max_line;
		for (size_t i = t->first_col; i < t->first_col + t->ncols; i++) {
			inv_column *c = &SHUAN_VEC_AT(&fb->inv->cols, inv_column, i);
			/* record-based: every record counts as a value of each field */
			c->sampled = c->non_empty = c->values = t->rows;
		}
		SHUAN_VEC_AT(&fb->inv->sources, inv_source, fb->si).rows_read += fb->max_line;
	}
	if (fb->sink.failed)
		fb->failed = 1;
	shuan_inv__sink_end(&fb->sink);
	fb->sink_open = false;
}

static int fb_finding(const shuan_finding *f, void *ud)
{
	fallback *fb = ud;
	shuan_inventory *inv = fb->inv;
	const char *field = f->field ? f->field : "(text)";
	inv_table *t;
	inv_column *c;
	size_t col;

	if (!fb->sink_open || strcmp(fb->cur, f->path)) {
		fb_close_table(fb);
		if (!(t = shuan_inv__table(inv, SHUAN_VEC_AT(&inv->sources, inv_source, fb->si).source, f->path)))
			return fb->failed = 1;
		fb->table = (size_t)(t - (inv_table *)inv->tables.v);
		snprintf(t->method, sizeof(t->method), "findings only (%s)", f->location ? "cells" : "records");
		snprintf(fb->cur, sizeof(fb->cur), "%s", f->path);
		SHUAN_VEC_AT(&inv->sources, inv_source, fb->si).tables++;
		fb->line = f->line;
		fb->max_line = 0;
		if (shuan_inv__sink_begin(&fb->sink, inv, fb->table) < 0)
			return fb->failed = 1;
		fb->sink_open = true;
		/* columns appear as findings name them: room for all of them */
		shuan_free(fb->sink.cue);
		if (!(fb->sink.cue = shuan_calloc(FB_MAX_FIELDS + 2, sizeof(int))))
			return fb->failed = 1;
	}
	t = &SHUAN_VEC_AT(&inv->tables, inv_table, fb->table);
	/* a field seen for the first time in this table is a new column (tables
	 * are read one at a time, so its columns stay together); past
	 * FB_MAX_FIELDS distinct fields, the rest share one column */
	if (t->ncols >= FB_MAX_FIELDS) {
		bool known = false;
		for (size_t i = t->first_col; i < t->first_col + t->ncols && !known; i++)
			known = !strcmp(SHUAN_VEC_AT(&inv->cols, inv_column, i).column, field);
		if (!known)
			field = "(other fields)";
	}
	if (!(c = shuan_inv__column(inv, fb->table, field, "", "", false)))
		return fb->failed = 1;
	col = (size_t)(c - (inv_column *)inv->cols.v) - t->first_col;
	if (col >= FB_MAX_FIELDS + 1)
		return 0;
	fb->sink.cue[col] = shuan_inv__name_class(&inv->classes, field, "");
	if (f->line != fb->line) {
		shuan_inv__sink_row_done(&fb->sink, fb->line, 0);
		fb->line = f->line;
	}
	if (f->line > fb->max_line)
		fb->max_line = f->line;
	{
		shuan_finding g = *f;
		shuan_inv__sink_finding(&fb->sink, &g, f->line, col);
	}
	return fb->sink.failed ? 1 : 0;
}

static void fb_input(const char *path, const shuan_input_result *res, void *ud)
{
	fallback *fb = ud;
	if (res->skipped && fb->inv->ev)
		fb->inv->ev(path, res->reason, false, fb->inv->ev_ud);
}

static int add_findings_only(shuan_inventory *inv, size_t si, const char *path)
{
	shuan_scanner *s = NULL;
	fallback fb;
	int rc;
	memset(&fb, 0, sizeof(fb));
	fb.inv = inv;
	fb.si = si;
	fb.top = path;
	if ((rc = shuan_scanner_new(&s, inv->rules, &inv->scan)) < 0)
		return rc;
	rc = shuan_scan_source(s, path, &inv->source, fb_finding, fb_input, &fb);
	fb_close_table(&fb);
	shuan_scanner_free(s);
	if (fb.failed)
		return SHUAN_ENOMEM;
	return rc;
}

/* ---- one file ---- */

static int add_rows(shuan_inventory *inv, size_t si, const char *path, file_kind kind, lines *l0, char *why,
		    size_t whylen)
{
	file_rows f;
	shuan_scanner *s = NULL;
	shuan_table_result res;
	shuan_table_column_stats *stats = NULL;
	inv_table *t;
	size_t ti;
	inv_sink k;
	int rc;

	memset(&f, 0, sizeof(f));
	f.l = *l0;
	f.kind = kind;
	f.delim = kind == FILE_TSV ? '\t' : ',';
	shuan_buf_init(&f.rec, MAX_RECORD + 64);
	if (kind == FILE_CSV || kind == FILE_TSV)
		rc = csv_header(&f);
	else if (kind == FILE_JSONL)
		rc = json_columns(&f, path, why, whylen);
	else
		rc = add_col(&f, "(text)") < 0 ? SHUAN_ENOMEM : alloc_vals(&f);
	if (rc < 0)
		goto cleanup;
	if (!(t = shuan_inv__table(inv, SHUAN_VEC_AT(&inv->sources, inv_source, si).source, path))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	ti = (size_t)(t - (inv_table *)inv->tables.v);
	snprintf(t->method, sizeof(t->method), "%s, every record",
		 kind == FILE_CSV ? "csv" : kind == FILE_TSV ? "tsv" : kind == FILE_JSONL ? "jsonl" : "text lines");
	for (size_t i = 0; i < f.ncols; i++)
		if (!shuan_inv__column(inv, ti, f.cols[i].name, "", "", false)) {
			rc = SHUAN_ENOMEM;
			goto cleanup;
		}
	SHUAN_VEC_AT(&inv->sources, inv_source, si).tables++;
	if (!(stats = shuan_calloc(f.ncols + 1, sizeof(*stats))) || (rc = shuan_scanner_new(&s, inv->rules, &inv->scan)) < 0 ||
	    (rc = shuan_inv__sink_begin(&k, inv, ti)) < 0) {
		rc = rc < 0 ? rc : SHUAN_ENOMEM;
		goto cleanup;
	}
	{
		shuan_row_source rs = {SHUAN_VEC_AT(&inv->sources, inv_source, si).source, path, f.ncols, f.cols, file_next,
				       &f};
		shuan_table_sink sink = {shuan_inv__sink_finding, shuan_inv__sink_value, shuan_inv__sink_row_done, &k, true};
		res.cols = stats;
		rc = shuan_table__scan(s, &rs, &sink, &res);
	}
	if (k.failed)
		rc = SHUAN_ENOMEM;
	shuan_inv__sink_end(&k);
	t = &SHUAN_VEC_AT(&inv->tables, inv_table, ti);
	t->rows += res.rows;
	SHUAN_VEC_AT(&inv->sources, inv_source, si).rows_read += res.rows;
	for (size_t i = 0; i < f.ncols; i++) {
		inv_column *c = &SHUAN_VEC_AT(&inv->cols, inv_column, t->first_col + i);
		c->sampled += res.rows;
		c->values += stats[i].values;
		c->non_empty += stats[i].non_empty;
	}
	if (f.l.cut && inv->ev) {
		char m[160];
		snprintf(m, sizeof(m), "%llu lines longer than %u bytes were read up to that length",
			 (unsigned long long)f.l.cut, MAX_RECORD);
		inv->ev(path, m, false, inv->ev_ud);
	}
	if (rc < 0 && rc != SHUAN_ENOMEM && rc != SHUAN_EINTR)
		snprintf(why, whylen, "read error after %llu records", (unsigned long long)res.rows);
cleanup:
	shuan_scanner_free(s);
	shuan_free(stats);
	*l0 = f.l; /* closed by the caller */
	memset(&f.l, 0, sizeof(f.l));
	f.l.fd = -1;
	file_rows_free(&f);
	return rc;
}

static int add_one_file(shuan_inventory *inv, size_t si, const char *path)
{
	unsigned char head[ARCH_SNIFF];
	size_t n = shuan_io_peek_file(path, head, sizeof(head));
	char why[256] = "";
	lines l;
	file_kind kind;
	shuan_format fmt;
	int rc;

	if (shuan_db__is_sqlite_header(head, n))
		return shuan_inv__add_database(inv, path);
	if (shuan_archive__sniff(head, n, path) != ARCH_PLAIN)
		return add_findings_only(inv, si, path);
	if ((rc = lines_open(&l, path, why, sizeof(why))) < 0) {
		lines_close(&l);
		if (rc == SHUAN_ENOMEM)
			return rc;
		if (rc == SHUAN_EBINARY || rc == SHUAN_EINVAL) {
			/* not text: nothing to inventory, said once */
			if (inv->ev)
				inv->ev(path, why, false, inv->ev_ud);
			return 0;
		}
		return shuan_inv__source_error(inv, &SHUAN_VEC_AT(&inv->sources, inv_source, si), path, why);
	}
	/* the format from the name, else the first decoded bytes */
	if (l.len == 0 && !l.eof)
		fill(&l);
	fmt = shuan_scanner__guess_format(path, l.buf, l.len < 65536 ? l.len : 65536);
	if (fmt == SHUAN_FORMAT_JSON) {
		lines_close(&l);
		return add_findings_only(inv, si, path);
	}
	kind = fmt == SHUAN_FORMAT_CSV ? FILE_CSV : fmt == SHUAN_FORMAT_TSV ? FILE_TSV
		   : fmt == SHUAN_FORMAT_JSONL ? FILE_JSONL : FILE_TEXT;
	rc = add_rows(inv, si, path, kind, &l, why, sizeof(why));
	lines_close(&l);
	if (rc < 0 && rc != SHUAN_ENOMEM && rc != SHUAN_EINTR)
		rc = shuan_inv__source_error(inv, &SHUAN_VEC_AT(&inv->sources, inv_source, si), path,
					     why[0] ? why : shuan_strerror(rc));
	return rc;
}

struct walk_ctx {
	shuan_inventory *inv;
	size_t si;
	int rc;
};

static int on_file(const char *path, void *ud)
{
	struct walk_ctx *w = ud;
	int rc = add_one_file(w->inv, w->si, path);
	if (rc == SHUAN_ENOMEM || rc == SHUAN_EINTR) {
		w->rc = rc;
		return 1;
	}
	return 0;
}

static int on_skip(const char *path, const char *reason, void *ud)
{
	struct walk_ctx *w = ud;
	if (w->inv->ev)
		w->inv->ev(path, reason, false, w->inv->ev_ud);
	return 0;
}

int shuan_inv__add_file(shuan_inventory *inv, const char *path)
{
	struct stat st;
	unsigned char head[16];
	inv_source *src;
	struct walk_ctx w = {inv, 0, 0};
	shuan_walk_options wo = SHUAN_WALK_OPTIONS_INIT;

	if (stat(path, &st) != 0) {
		char why[256];
		snprintf(why, sizeof(why), "%s", strerror(errno));
		if (!(src = shuan_inv__source(inv, path, "file")))
			return SHUAN_ENOMEM;
		return shuan_inv__source_error(inv, src, "", why);
	}
	/* a named SQLite file is a database source of its own */
	if (S_ISREG(st.st_mode) && shuan_db__is_sqlite_header(head, shuan_io_peek_file(path, head, sizeof(head))))
		return shuan_inv__add_database(inv, path);
	if (!(src = shuan_inv__source(inv, path, S_ISDIR(st.st_mode) ? "directory" : "file")))
		return SHUAN_ENOMEM;
	w.si = (size_t)(src - (inv_source *)inv->sources.v);
	{
		int rc = shuan_walk(path, &wo, on_file, on_skip, &w); /* SHUAN_STOPPED reads its argument twice */
		if (SHUAN_STOPPED(rc) && !w.rc)
			w.rc = SHUAN_EINTR;
	}
	return w.rc;
}
