/*
 * lib/source/db_source.c - a database as an input of shuan_scan_source():
 * connect, list the tables, scan each one (table_scan.c) and report each
 * table as an input of its own ("SOURCE!schema.table"), so `shuan scan`
 * counts, explains and summarises tables as it does files and archive
 * members. A source that cannot be opened or listed is one skipped input
 * named by its display URL; a table that fails is skipped with the
 * engine's reason and the next table is read.
 */
#include <stdio.h>
#include <string.h>

#include "lib/source/db_source.h"
#include "lib/source/table_scan.h"
#include "util/alloc.h"

/* The engine's message without the "DISPLAY: " prefix (the input's path
 * names the source already). */
static const char *reason_of(const shuan_db *db)
{
	const char *m = shuan_db__errmsg(db), *d = shuan_db__display(db);
	size_t n = strlen(d);
	return !strncmp(m, d, n) && !strncmp(m + n, ": ", 2) ? m + n + 2 : m;
}

/* A table's message without its "schema.table: " prefix (the input names the table). */
static const char *table_reason(const char *m, const char *table)
{
	size_t n = strlen(table);
	return !strncmp(m, table, n) && !strncmp(m + n, ": ", 2) ? m + n + 2 : m;
}

static void report(shuan_input_fn icb, void *ud, const char *path, int code, const char *reason)
{
	shuan_input_result res;
	memset(&res, 0, sizeof(res));
	res.skipped = code;
	/* a reason is one line of the input result: cut to its size */
	snprintf(res.reason, sizeof(res.reason), "%.*s", (int)sizeof(res.reason) - 1, reason);
	if (icb)
		icb(path, &res, ud);
}

int shuan_db__open_source(shuan_db **out, const char *path, const shuan_db_options *opts, char *err, size_t errlen)
{
	return shuan_db__open_source_rw(out, path, opts, false, err, errlen);
}

int shuan_db__open_source_rw(shuan_db **out, const char *path, const shuan_db_options *opts, bool writable,
			     char *err, size_t errlen)
{
	int rc;
	if (shuan_db_looks_like_url(path)) /* a database URL, or an unknown scheme refused there */
		return shuan_db__open_rw(out, path, opts, writable, err, errlen);
	/* an SQLite file met in a walk: read it as sqlite://PATH, named by its path */
	{
		size_t n = strlen(path) + 16;
		char *url = shuan_malloc(n);
		if (!url) {
			snprintf(err, errlen, "%s: out of memory", path);
			return SHUAN_ENOMEM;
		}
		snprintf(url, n, "sqlite://%s", path);
		rc = shuan_db__open_rw(out, url, opts, writable, err, errlen);
		shuan_free(url);
		if (rc == 0)
			snprintf((*out)->display, sizeof((*out)->display), "%s", path);
		else {
			/* the message names the URL we built: name the file */
			const char *colon = strstr(err, ": ");
			char tmp[1024];
			snprintf(tmp, sizeof(tmp), "%s%s", path, colon ? colon : "");
			snprintf(err, errlen, "%s", tmp);
		}
	}
	return rc;
}

struct relay {
	shuan_finding_fn fcb;
	void *ud;
};

static int relay_finding(void *ud, const shuan_finding *f, uint64_t row, size_t col)
{
	struct relay *r = ud;
	(void)row;
	(void)col;
	return r->fcb ? r->fcb(f, r->ud) : 0;
}

static int rows_next(void *ctx, const shuan_db_value **vals) { return shuan_db__rows_next(ctx, vals); }

/* Warnings for a table that was read: cut cells, skipped binary values. */
static void warnings(char *out, size_t cap, const shuan_db_table *t, const shuan_table_column_stats *cols,
		     size_t max_cell)
{
	uint64_t cut = 0, bin = 0;
	const char *bin_col = NULL, *kind = NULL;
	out[0] = '\0';
	for (size_t i = 0; i < t->ncols; i++) {
		cut += cols[i].truncated;
		if (cols[i].binary_skipped && !bin_col) {
			bin_col = t->cols[i].name;
			kind = cols[i].binary_kind;
		}
		bin += cols[i].binary_skipped;
	}
	if (cut && bin)
		snprintf(out, cap, "%llu cells read up to the %zu-byte cap; %llu binary values not scanned (%s in %s)",
			 (unsigned long long)cut, max_cell, (unsigned long long)bin, kind, bin_col);
	else if (cut)
		snprintf(out, cap, "%llu cells read up to the %zu-byte cap", (unsigned long long)cut, max_cell);
	else if (bin)
		snprintf(out, cap, "%llu binary values not scanned (%s in %s)", (unsigned long long)bin, kind, bin_col);
}

int shuan_db__scan_source(shuan_scanner *s, const char *path, const shuan_db_options *opts, shuan_finding_fn fcb,
			  shuan_input_fn icb, void *ud)
{
	shuan_db *db = NULL;
	shuan_db_catalog cat = {0};
	char err[1024];
	int rc;

	if ((rc = shuan_db__open_source(&db, path, opts, err, sizeof(err))) < 0) {
		const char *colon = strstr(err, ": ");
		char display[512];
		if (shuan_db_display_url(path, display, sizeof(display)) != 0)
			snprintf(display, sizeof(display), "%s", path);
		report(icb, ud, display, rc, colon ? colon + 2 : err);
		return 0;
	}
	if ((rc = shuan_db__list(db, &cat)) < 0) {
		report(icb, ud, shuan_db__display(db), rc, reason_of(db));
		goto cleanup;
	}
	for (size_t i = 0; i < cat.n; i++) {
		const shuan_db_table *t = &cat.tables[i];
		shuan_db_rows *rows = NULL;
		shuan_table_result res;
		shuan_table_column_stats *cols;
		struct relay relay = {fcb, ud};
		shuan_table_sink sink = {relay_finding, NULL, NULL, &relay, false};
		char input[1200], table[600];
		int trc;

		snprintf(table, sizeof(table), "%s.%s", t->schema, t->name);
		snprintf(input, sizeof(input), "%s!%s", shuan_db__display(db), table);
		if (shuan_scanner__cancelled(s)) {
			rc = SHUAN_EINTR;
			break;
		}
		if (shuan_db__rows_open(db, t, &rows) < 0) {
			report(icb, ud, input, SHUAN_EIO, table_reason(reason_of(db), table));
			continue;
		}
		cols = shuan_calloc(t->ncols ? t->ncols : 1, sizeof(*cols));
		if (!cols) {
			shuan_db__rows_close(rows);
			report(icb, ud, input, SHUAN_ENOMEM, "out of memory");
			continue;
		}
		{
			shuan_row_source src = {shuan_db__display(db), table, t->ncols, t->cols, rows_next, rows};
			res.cols = cols;
			trc = shuan_table__scan(s, &src, &sink, &res);
		}
		shuan_db__rows_close(rows);
		if (SHUAN_STOPPED(trc)) {
			shuan_free(cols);
			rc = trc;
			break;
		}
		res.scan.findings = res.findings;
		res.scan.bytes = res.bytes;
		res.scan.format = SHUAN_FORMAT_TSV;
		if (trc < 0) {
			/* what was read before the failure counts; the input says why it stopped */
			res.scan.skipped = trc;
			snprintf(res.scan.reason, sizeof(res.scan.reason), "%s",
				 reason_of(db)[0] ? table_reason(reason_of(db), table) : shuan_strerror(trc));
		} else {
			warnings(res.scan.reason, sizeof(res.scan.reason), t, cols, shuan_db__options(db)->max_cell);
		}
		if (icb)
			icb(input, &res.scan, ud);
		shuan_free(cols);
	}
cleanup:
	shuan_db__catalog_free(&cat);
	shuan_db__close(db);
	return SHUAN_STOPPED(rc) ? rc : 0;
}
