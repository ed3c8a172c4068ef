/*
 * lib/store/history.c - past scans read back from the store (`shuan scans`):
 * their summaries, detector rows and skip reasons, and how each ended
 * (scan_outcomes, schema 7). Nothing here is a matched value: the store
 * keeps counts, and names with their PI masked.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/store/internal.h"
#include "util/alloc.h"

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

int shuan_store_scans(shuan_store *s, size_t limit, shuan_scan_info **out, size_t *n)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	shuan_scan_info *v = NULL;
	size_t k = 0, cap = 0;
	int rc = 0, r;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT " SCAN_COLUMNS " FROM scans s LEFT JOIN scan_outcomes o ON o.scan_id = s.id"
			       " ORDER BY s.id DESC LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK) {
		shuan_store__seterr(s, "store read: %s", sqlite3_errmsg(db));
		return SHUAN_ESTORE;
	}
	sqlite3_bind_int64(st, 1, limit ? (sqlite3_int64)limit : -1);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 16;
			shuan_scan_info *nv = shuan_realloc(v, nc * sizeof(*nv));
			if (!nv) {
				rc = SHUAN_ENOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		if ((rc = row_info(st, &v[k])))
			break;
		k++;
	}
	if (!rc && r != SQLITE_DONE) {
		shuan_store__seterr(s, "store read: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
	}
	sqlite3_finalize(st);
	if (rc) {
		shuan_scan_infos_free(v, k);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}

/* The rows of one scan's detector or skip table. */
static int counts(shuan_store *s, const char *sql, int64_t id, bool det, shuan_scan_count **out, size_t *n)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	shuan_scan_count *v = NULL;
	size_t k = 0, cap = 0;
	int rc = 0, r;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		shuan_store__seterr(s, "store read: %s", sqlite3_errmsg(db));
		return SHUAN_ESTORE;
	}
	sqlite3_bind_int64(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 16;
			shuan_scan_count *nv = shuan_realloc(v, nc * sizeof(*nv));
			if (!nv) {
				rc = SHUAN_ENOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		memset(&v[k], 0, sizeof(v[k]));
		if (!(v[k].name = col_text(st, 0))) {
			rc = SHUAN_ENOMEM;
			break;
		}
		v[k].findings = (uint64_t)sqlite3_column_int64(st, 1);
		if (det) {
			v[k].distinct = (uint64_t)sqlite3_column_int64(st, 2);
			v[k].sensitive = (uint64_t)sqlite3_column_int64(st, 3);
		}
		k++;
	}
	if (!rc && r != SQLITE_DONE) {
		shuan_store__seterr(s, "store read: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
	}
	sqlite3_finalize(st);
	if (rc) {
		shuan_scan_counts_free(v, k);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}

int shuan_store_scan_get(shuan_store *s, int64_t id, shuan_scan_info *out, shuan_scan_count **dets, size_t *ndets,
			 shuan_scan_count **skips, size_t *nskips)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	int rc, r;

	*dets = *skips = NULL;
	*ndets = *nskips = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT " SCAN_COLUMNS " FROM scans s LEFT JOIN scan_outcomes o ON o.scan_id = s.id"
			       " WHERE s.id = ?",
			       -1, &st, NULL) != SQLITE_OK) {
		shuan_store__seterr(s, "store read: %s", sqlite3_errmsg(db));
		return SHUAN_ESTORE;
	}
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	rc = r == SQLITE_ROW ? row_info(st, out) : r == SQLITE_DONE ? SHUAN_ENOTFOUND : SHUAN_ESTORE;
	if (rc == SHUAN_ESTORE)
		shuan_store__seterr(s, "store read: %s", sqlite3_errmsg(db));
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
