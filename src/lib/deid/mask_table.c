/*
 * lib/deid/mask_table.c - shuan_mask_table(): a database table masked as
 * the CSV file of its rows would be. The rows become a CSV stream
 * (source/table_csv.c) read by the one masking run (run.c: blocks, workers,
 * output in input order, so --jobs changes nothing); each masked block,
 * whole records, is parsed back into rows here and written to the new
 * table (source/db_write.c) or to a CSV / JSON Lines file.
 *
 * Nothing is created before the run has checked the policy against the
 * columns: the target table is made when the first block arrives, and
 * dropped when anything fails after that.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/deid/internal.h"
#include "lib/deid/mask_json.h"
#include "lib/deid/stream.h"
#include "lib/source/db_source.h"
#include "lib/source/table_csv.h"
#include "util/alloc.h"

typedef struct tsink {
	const shuan_db_table *t;
	bool header_seen;
	deid_csv_cell *cells;
	shuan_buf vals;      /* this row's unquoted values */
	size_t *off;         /* per column: offset in vals, SIZE_MAX for NULL */
	shuan_db_value *row; /* per column */
	/* a table */
	shuan_db *wdb;
	const char *schema, *name;
	shuan_db_writer *w;
	/* or a file */
	deid_out *out;
	bool jsonl;
	shuan_buf line;
} tsink;

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcasecmp(s + n - k, suffix);
}

/* Ends the line in k->line (rc: how building it went) and writes it out. */
static int end_line(tsink *k, int rc, char *err, size_t errlen)
{
	shuan_buf *b = &k->line;
	if (!rc)
		rc = shuan_buf_addc(b, '\n');
	if (rc) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	return deid_out_write(k->out, b->p, b->len, err, errlen);
}

/* A file row: CSV (NULL and '' both empty) or a JSON object (null). */
static int file_row(tsink *k, char *err, size_t errlen)
{
	const shuan_db_table *t = k->t;
	shuan_buf *b = &k->line;
	int rc = 0;
	shuan_buf_reset(b);
	if (k->jsonl)
		rc = shuan_buf_addc(b, '{');
	for (size_t i = 0; i < t->ncols && !rc; i++) {
		const shuan_db_value *v = &k->row[i];
		if (i)
			rc = shuan_buf_addc(b, ',');
		if (!rc && k->jsonl) {
			rc = shuan_buf_addc(b, '"');
			if (!rc)
				rc = deid_json_escape(t->cols[i].name, strlen(t->cols[i].name), b);
			if (!rc)
				rc = shuan_buf_adds(b, "\":");
			if (!rc && !v->p)
				rc = shuan_buf_adds(b, "null");
			else if (!rc) {
				rc = shuan_buf_addc(b, '"');
				if (!rc)
					rc = deid_json_escape(v->p, v->len, b);
				if (!rc)
					rc = shuan_buf_addc(b, '"');
			}
		} else if (!rc && v->p) {
			rc = deid_csv_quote(v->p, v->len, ',', false, b);
		}
	}
	if (!rc && k->jsonl)
		rc = shuan_buf_addc(b, '}');
	return end_line(k, rc, err, errlen);
}

static int file_header(tsink *k, char *err, size_t errlen)
{
	shuan_buf *b = &k->line;
	int rc = 0;
	if (k->jsonl)
		return 0;
	shuan_buf_reset(b);
	for (size_t i = 0; i < k->t->ncols && !rc; i++) {
		if (i)
			rc = shuan_buf_addc(b, ',');
		if (!rc)
			rc = deid_csv_quote(k->t->cols[i].name, strlen(k->t->cols[i].name), ',', false, b);
	}
	return end_line(k, rc, err, errlen);
}

/* The target table, made when the first block (the run's checks passed) arrives. */
static int create_target(tsink *k, char *err, size_t errlen)
{
	const shuan_db_table *t = k->t;
	const char **names = shuan_calloc(t->ncols ? t->ncols : 1, sizeof(char *));
	bool *bin = shuan_calloc(t->ncols ? t->ncols : 1, sizeof(bool));
	int rc = SHUAN_ENOMEM;
	if (names && bin) {
		for (size_t i = 0; i < t->ncols; i++) {
			names[i] = t->cols[i].name;
			bin[i] = t->cols[i].binary;
		}
		rc = shuan_db__writer_open(&k->w, k->wdb, k->schema, k->name, names, bin, t->ncols);
		if (rc < 0)
			snprintf(err, errlen, "%s", shuan_db__errmsg(k->wdb));
	} else {
		snprintf(err, errlen, "out of memory");
	}
	shuan_free(names);
	shuan_free(bin);
	return rc;
}

/* One masked block: whole CSV records, the first block led by the header. */
static int emit(void *ud, const char *p, size_t n, char *err, size_t errlen)
{
	tsink *k = ud;
	const shuan_db_table *t = k->t;
	size_t pos = 0;
	int rc;

	while (pos < n) {
		size_t nc, next, eol;
		if (!deid_csv_record(p, pos, n, ',', k->cells, CSV_MAX_COLUMNS, &nc, &next, &eol)) {
			snprintf(err, errlen, "internal error: a masked record is not whole");
			return SHUAN_ERROR;
		}
		pos = next;
		if (!k->header_seen) {
			k->header_seen = true;
			rc = k->out ? file_header(k, err, errlen) : create_target(k, err, errlen);
			if (rc)
				return rc;
			continue;
		}
		if (nc != (t->ncols ? t->ncols : 1)) {
			snprintf(err, errlen, "internal error: a masked row has %zu cells for %zu columns",
			         nc, t->ncols);
			return SHUAN_ERROR;
		}
		shuan_buf_reset(&k->vals);
		for (size_t i = 0; i < t->ncols; i++) {
			const deid_csv_cell *c = &k->cells[i];
			/* an unquoted empty cell is a NULL: every value went in quoted */
			if (!c->quoted && c->end == c->start) {
				k->off[i] = SIZE_MAX;
				continue;
			}
			k->off[i] = k->vals.len;
			rc = c->quoted ? deid_csv_unquote(p + c->start, c->end - c->start, &k->vals)
			               : shuan_buf_add(&k->vals, p + c->start, c->end - c->start);
			if (rc) {
				snprintf(err, errlen, "out of memory");
				return rc;
			}
			k->row[i].len = k->vals.len - k->off[i];
		}
		for (size_t i = 0; i < t->ncols; i++) {
			k->row[i].p = k->off[i] == SIZE_MAX ? NULL : (k->vals.p ? k->vals.p : "") + k->off[i];
			if (!k->row[i].p)
				k->row[i].len = 0;
		}
		if (k->out) {
			if ((rc = file_row(k, err, errlen)) != 0)
				return rc;
		} else if ((rc = shuan_db__writer_row(k->w, k->row)) < 0) {
			snprintf(err, errlen, "%s", shuan_db__errmsg(k->wdb));
			return rc;
		}
	}
	return 0;
}

static bool is_sqlite(const char *source)
{
	return !shuan_db_looks_like_url(source) || !strncasecmp(source, "sqlite:", 7);
}

int shuan_mask_table(shuan_masker *m, const char *source, const char *table, const shuan_db_options *dbo,
                     const char *into, const char *out_path, shuan_mask_result *res)
{
	shuan_db_options o = dbo ? *dbo : (shuan_db_options)SHUAN_DB_OPTIONS_INIT;
	shuan_db *db = NULL, *wdb = NULL;
	shuan_db_catalog cat;
	shuan_db_rows *rows = NULL;
	shuan_table_csv tc;
	deid_out out;
	tsink k;
	char err[1024], in_name[1200], out_name[1200], schema[256];
	const shuan_db_table *t;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&cat, 0, sizeof(cat));
	memset(&tc, 0, sizeof(tc));
	memset(&out, 0, sizeof(out));
	memset(&k, 0, sizeof(k));
	out.fd = -1;
	shuan_buf_init(&k.vals, (size_t)1 << 31);
	shuan_buf_init(&k.line, (size_t)1 << 31);
	if (!into == !out_path) {
		snprintf(res->error, sizeof(res->error),
		         "mask a table into a new table or into a file, not both");
		return SHUAN_EINVAL;
	}
	o.full = true; /* every row: a sample would mask part of the table */
	/* SQLite reads and writes on one connection: a second one could not
	 * commit while the first holds its read lock */
	bool same = into && is_sqlite(source);
	if ((rc = shuan_db__open_source_rw(&db, source, &o, same, err, sizeof(err))) < 0) {
		snprintf(res->error, sizeof(res->error), "%.250s", err);
		return rc;
	}
	if ((rc = shuan_db__list(db, &cat)) < 0) {
		snprintf(res->error, sizeof(res->error), "%s", shuan_db__errmsg(db));
		goto cleanup;
	}
	if (!(t = shuan_db__find_table(&cat, shuan_db__display(db), table, err, sizeof(err)))) {
		snprintf(res->error, sizeof(res->error), "%.250s", err);
		rc = SHUAN_ENOTFOUND;
		goto cleanup;
	}
	snprintf(in_name, sizeof(in_name), "%s!%s.%s", shuan_db__display(db), t->schema, t->name);
	k.t = t;
	if (!(k.cells = shuan_malloc(CSV_MAX_COLUMNS * sizeof(*k.cells))) ||
	    !(k.off = shuan_calloc(t->ncols + 1, sizeof(size_t))) ||
	    !(k.row = shuan_calloc(t->ncols + 1, sizeof(*k.row)))) {
		rc = SHUAN_ENOMEM;
		snprintf(res->error, sizeof(res->error), "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < t->ncols; i++)
		k.row[i].binary = t->cols[i].binary;
	if (into) {
		const char *dot = strchr(into, '.');
		snprintf(schema, sizeof(schema), "%.*s", dot ? (int)(dot - into) : 255,
		         dot ? into : t->schema);
		k.schema = schema;
		k.name = dot ? dot + 1 : into;
		if (!*k.name || (dot && !*schema)) {
			snprintf(res->error, sizeof(res->error),
			         "--into '%s': name a table (NAME or SCHEMA.NAME)", into);
			rc = SHUAN_EINVAL;
			goto cleanup;
		}
		snprintf(out_name, sizeof(out_name), "%s!%s.%s", shuan_db__display(db), k.schema, k.name);
		/* refused before a row is read: the source lists the same database */
		for (size_t i = 0; i < cat.n; i++)
			if (!strcmp(cat.tables[i].schema, k.schema) && !strcmp(cat.tables[i].name, k.name)) {
				snprintf(res->error, sizeof(res->error),
				         "%s: table %s.%s already exists (--into creates a new table; drop "
				         "it or name "
				         "another)",
				         shuan_db__display(db), k.schema, k.name);
				rc = SHUAN_EINVAL;
				goto cleanup;
			}
		if (same) {
			wdb = db;
		} else if ((rc = shuan_db__open_source_rw(&wdb, source, &o, true, err, sizeof(err))) < 0) {
			snprintf(res->error, sizeof(res->error), "%.250s", err);
			goto cleanup;
		}
		k.wdb = wdb;
	} else {
		snprintf(out_name, sizeof(out_name), "%s", out_path);
		k.jsonl = ends_with(out_path, ".jsonl") || ends_with(out_path, ".ndjson");
		if ((rc = deid_out_open(&out, out_path, NULL, m->opt.unmask, res->error,
		                        sizeof(res->error))) != 0)
			goto cleanup;
		k.out = &out;
	}
	if ((rc = shuan_db__rows_open(db, t, &rows)) < 0) {
		snprintf(res->error, sizeof(res->error), "%s", shuan_db__errmsg(db));
		goto cleanup;
	}
	shuan_table_csv_init(&tc, rows, t, shuan_db__options(db)->max_cell);
	{
		shuan_reader rd = shuan_table_csv_reader(&tc);
		deid_emit e = {emit, &k};
		rc = deid_mask_run(m, in_name, &rd, out_name, &e, res);
	}
	res->dropped = tc.binary_dropped;
	if (rc && tc.error) /* the reader's own words name the row and column */
		snprintf(res->error, sizeof(res->error), "%.100s: %.150s", shuan_db__display(db), tc.err);
	if (!rc && k.out)
		rc = deid_out_commit(&out, res->error, sizeof(res->error));
	if (!rc && into && !k.w) /* no block at all: an empty stream never reached emit */
		rc = create_target(&k, res->error, sizeof(res->error));
	if (!rc && k.w && (rc = shuan_db__writer_finish(k.w)) < 0)
		snprintf(res->error, sizeof(res->error), "%s", shuan_db__errmsg(wdb));
cleanup:
	/* SQLite drops no table while a read of the same connection is open */
	shuan_db__rows_close(rows);
	rows = NULL;
	if (rc && k.w) {
		size_t l = strlen(res->error);
		shuan_db__writer_abort(k.w);
		snprintf(res->error + l, sizeof(res->error) - l,
		         k.w->created ? "; table %s was left partly written (DROP TABLE failed)"
		                      : "; table %s was dropped",
		         k.w->qname);
	}
	if (k.w)
		shuan_db__writer_free(k.w);
	shuan_table_csv_free(&tc);
	shuan_db__rows_close(rows);
	if (wdb && wdb != db)
		shuan_db__close(wdb);
	shuan_db__catalog_free(&cat);
	shuan_db__close(db);
	if (k.out)
		deid_out_close(&out);
	shuan_free(k.cells);
	shuan_free(k.off);
	shuan_free(k.row);
	shuan_buf_free(&k.vals);
	shuan_buf_free(&k.line);
	return rc;
}
