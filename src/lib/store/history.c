/*
 * lib/store/history.c - past scans read back from the store (`shuan scans`):
 * their summaries, detector rows and skip reasons, and how each ended
 * (scan_outcomes, schema 7). Nothing here is a matched value: the store
 * keeps counts, and names with their PI masked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/store/internal.h"
#include "util/alloc.h"
#include "util/buf.h"

#define SCAN_COLUMNS                                                                                               \
	"s.id, s.started, s.finished, s.elapsed, s.targets, s.version, s.inputs_scanned, s.inputs_skipped, s.bytes," \
	" s.findings, s.sensitive, s.distinct_exact, o.scan_id, o.interrupted, o.inputs_interrupted, o.unreadable,"   \
	" o.suppressed_ignore, o.suppressed_baseline, o.gated, o.exit_code"

int shuan_store_record_outcome(shuan_store *s, int64_t scan_id, const shuan_scan_outcome *o)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	int rc = SHUAN_ESTORE;
	if (!o || o->version != SHUAN_SCAN_OUTCOME_VERSION)
		return SHUAN_EINVAL;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO scan_outcomes VALUES(?,?,?,?,?,?,?,?)", -1, &st, NULL) !=
	    SQLITE_OK) {
		shuan_store__seterr(s, "store prepare: %s", sqlite3_errmsg(db));
		return SHUAN_ESTORE;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_int(st, 2, o->interrupted);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)o->inputs_interrupted);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)o->unreadable);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)o->suppressed_ignore);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)o->suppressed_baseline);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)o->gated);
	sqlite3_bind_int(st, 8, o->exit_code);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	else
		shuan_store__seterr(s, "store write failed: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return shuan_strdup(t ? (const char *)t : "");
}

static int row_info(sqlite3_stmt *st, shuan_scan_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->started = col_text(st, 1);
	out->finished = col_text(st, 2);
	out->elapsed = sqlite3_column_double(st, 3);
	out->targets = col_text(st, 4);
	out->version = col_text(st, 5);
	out->inputs_scanned = (uint64_t)sqlite3_column_int64(st, 6);
	out->inputs_skipped = (uint64_t)sqlite3_column_int64(st, 7);
	out->bytes = (uint64_t)sqlite3_column_int64(st, 8);
	out->findings = (uint64_t)sqlite3_column_int64(st, 9);
	out->sensitive = (uint64_t)sqlite3_column_int64(st, 10);
	out->distinct_exact = sqlite3_column_int(st, 11) != 0;
	out->has_outcome = sqlite3_column_type(st, 12) != SQLITE_NULL;
	out->outcome = (shuan_scan_outcome)SHUAN_SCAN_OUTCOME_INIT;
	if (out->has_outcome) {
		out->outcome.interrupted = sqlite3_column_int(st, 13) != 0;
		out->outcome.inputs_interrupted = (uint64_t)sqlite3_column_int64(st, 14);
		out->outcome.unreadable = (uint64_t)sqlite3_column_int64(st, 15);
		out->outcome.suppressed_ignore = (uint64_t)sqlite3_column_int64(st, 16);
		out->outcome.suppressed_baseline = (uint64_t)sqlite3_column_int64(st, 17);
		out->outcome.gated = (uint64_t)sqlite3_column_int64(st, 18);
		out->outcome.exit_code = sqlite3_column_int(st, 19);
	}
	if (!out->started || !out->finished || !out->targets || !out->version) {
		shuan_scan_info_clear(out);
		return SHUAN_ENOMEM;
	}
	return 0;
}

void shuan_scan_info_clear(shuan_scan_info *i)
{
	if (!i)
		return;
	shuan_free(i->started);
	shuan_free(i->finished);
	shuan_free(i->targets);
	shuan_free(i->version);
	i->started = i->finished = i->targets = i->version = NULL;
}

void shuan_scan_infos_free(shuan_scan_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		shuan_scan_info_clear(&v[i]);
	shuan_free(v);
}

void shuan_scan_counts_free(shuan_scan_count *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		shuan_free(v[i].name);
	shuan_free(v);
}

/* The store's error for a failed read: SHUAN_ESTORE. */
static int read_failed(shuan_store *s)
{
	shuan_store__seterr(s, "store read: %s", sqlite3_errmsg(shuan_store__db(s)));
	return SHUAN_ESTORE;
}

/* Prepares a read, its failure the store's error. */
static int prepare_read(shuan_store *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(shuan_store__db(s), sql, -1, st, NULL) == SQLITE_OK ? 0 : read_failed(s);
}

/* Steps st to its end, each row appended to v by fill (which leaves its
 * element clear when it fails); finalizes st. A failing step is the store's
 * error. */
static int collect_rows(shuan_store *s, sqlite3_stmt *st, shuan_vec *v,
                        int (*fill)(sqlite3_stmt *st, void *row, const void *ud), const void *ud)
{
	int rc = 0, r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = shuan_vec_reserve(v, 1)) || (rc = fill(st, (char *)v->v + v->n * v->elem, ud)))
			break;
		v->n++;
	}
	if (!rc && r != SQLITE_DONE)
		rc = read_failed(s);
	sqlite3_finalize(st);
	return rc;
}

static int info_row(sqlite3_stmt *st, void *row, const void *ud)
{
	(void)ud;
	return row_info(st, row);
}

int shuan_store_scans(shuan_store *s, size_t limit, shuan_scan_info **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	shuan_vec v;
	int rc;

	*out = NULL;
	*n = 0;
	shuan_vec_init(&v, sizeof(shuan_scan_info), SIZE_MAX / sizeof(shuan_scan_info));
	if ((rc = prepare_read(s,
	                       "SELECT " SCAN_COLUMNS
	                       " FROM scans s LEFT JOIN scan_outcomes o ON o.scan_id = s.id"
	                       " ORDER BY s.id DESC LIMIT ?",
	                       &st)))
		return rc;
	sqlite3_bind_int64(st, 1, limit ? (sqlite3_int64)limit : -1);
	if ((rc = collect_rows(s, st, &v, info_row, NULL))) {
		shuan_scan_infos_free(v.v, v.n);
		return rc;
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

/* One row of a detector (det: with distinct and sensitive counts) or skip table. */
static int count_row(sqlite3_stmt *st, void *row, const void *det)
{
	shuan_scan_count *c = row;
	memset(c, 0, sizeof(*c));
	if (!(c->name = col_text(st, 0)))
		return SHUAN_ENOMEM;
	c->findings = (uint64_t)sqlite3_column_int64(st, 1);
	if (*(const bool *)det) {
		c->distinct = (uint64_t)sqlite3_column_int64(st, 2);
		c->sensitive = (uint64_t)sqlite3_column_int64(st, 3);
	}
	return 0;
}

/* The rows of one scan's detector or skip table. */
static int counts(shuan_store *s, const char *sql, int64_t id, bool det, shuan_scan_count **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	shuan_vec v;
	int rc;
	*out = NULL;
	*n = 0;
	shuan_vec_init(&v, sizeof(shuan_scan_count), SIZE_MAX / sizeof(shuan_scan_count));
	if ((rc = prepare_read(s, sql, &st)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = collect_rows(s, st, &v, count_row, &det))) {
		shuan_scan_counts_free(v.v, v.n);
		return rc;
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

int shuan_store_scan_get(shuan_store *s, int64_t id, shuan_scan_info *out, shuan_scan_count **dets, size_t *ndets,
			 shuan_scan_count **skips, size_t *nskips)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	*dets = *skips = NULL;
	*ndets = *nskips = 0;
	if ((rc = prepare_read(s,
	                       "SELECT " SCAN_COLUMNS
	                       " FROM scans s LEFT JOIN scan_outcomes o ON o.scan_id = s.id"
	                       " WHERE s.id = ?",
	                       &st)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	rc = r == SQLITE_ROW ? row_info(st, out) : r == SQLITE_DONE ? SHUAN_ENOTFOUND : SHUAN_ESTORE;
	if (rc == SHUAN_ESTORE)
		read_failed(s);
	else if (rc == SHUAN_ENOTFOUND)
		shuan_store__seterr(s, "no scan %lld in the store", (long long)id);
	sqlite3_finalize(st);
	if (rc)
		return rc;
	rc = counts(s, "SELECT detector, findings, distinct_values, sensitive FROM scan_detectors WHERE scan_id = ?"
		       " ORDER BY detector",
		    id, true, dets, ndets);
	if (!rc)
		rc = counts(s, "SELECT reason, count FROM scan_skips WHERE scan_id = ? ORDER BY rowid", id, false, skips,
			    nskips);
	if (rc) {
		shuan_scan_info_clear(out);
		shuan_scan_counts_free(*dets, *ndets);
		*dets = NULL;
		*ndets = 0;
	}
	return rc;
}
