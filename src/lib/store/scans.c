/*
 * lib/store/scans.c - scan summaries in the store: one row per scan, one per
 * (scan, detector) and one per (scan, skip reason). Later duties (inventory,
 * cross-border ledger) build on these rows.
 */
#include <stdio.h>

#include "lib/store/internal.h"
#include "shuan/stats.h"

static int exec_bound(shuan_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		shuan_store__seterr(s, "store write failed: %s", sqlite3_errmsg(shuan_store__db(s)));
		return SHUAN_ESTORE;
	}
	return 0;
}

int shuan_store_record_scan(shuan_store *s, const shuan_scan_record *rec, const struct shuan_stats *stats,
			    int64_t *scan_id)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *ins = NULL, *det = NULL, *skp = NULL;
	char *err = NULL;
	int rc = SHUAN_ESTORE;

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, &err) != SQLITE_OK) {
		shuan_store__seterr(s, "store schema: %s", err ? err : "?");
		sqlite3_free(err);
		return SHUAN_ESTORE;
	}
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO scans(started, finished, elapsed, targets, version, inputs_scanned,"
			       " inputs_skipped, bytes, findings, sensitive, distinct_exact)"
			       " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO scan_detectors VALUES(?,?,?,?,?)", -1, &det, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO scan_skips VALUES(?,?,?)", -1, &skp, NULL) != SQLITE_OK) {
		shuan_store__seterr(s, "store prepare: %s", sqlite3_errmsg(db));
		goto cleanup;
	}
	sqlite3_bind_text(ins, 1, rec->started, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, rec->finished, -1, SQLITE_STATIC);
	sqlite3_bind_double(ins, 3, rec->elapsed_seconds);
	sqlite3_bind_text(ins, 4, rec->targets, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 5, rec->rules_version, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 6, (sqlite3_int64)shuan_stats_inputs_scanned(stats));
	sqlite3_bind_int64(ins, 7, (sqlite3_int64)shuan_stats_inputs_skipped(stats));
	sqlite3_bind_int64(ins, 8, (sqlite3_int64)shuan_stats_bytes(stats));
	sqlite3_bind_int64(ins, 9, (sqlite3_int64)shuan_stats_findings(stats));
	sqlite3_bind_int64(ins, 10, (sqlite3_int64)shuan_stats_sensitive(stats));
	sqlite3_bind_int(ins, 11, shuan_stats_distinct_exact(stats));
	if ((rc = exec_bound(s, ins)))
		goto cleanup;
	sqlite3_int64 id = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; i < shuan_stats_detector_count(stats); i++) {
		const shuan_stats_detector *d = shuan_stats_detector_at(stats, i);
		sqlite3_bind_int64(det, 1, id);
		sqlite3_bind_text(det, 2, d->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(det, 3, (sqlite3_int64)d->findings);
		sqlite3_bind_int64(det, 4, (sqlite3_int64)d->distinct);
		sqlite3_bind_int64(det, 5, (sqlite3_int64)d->sensitive);
		if ((rc = exec_bound(s, det)))
			goto cleanup;
	}
	for (size_t i = 0; i < shuan_stats_skip_count(stats); i++) {
		uint64_t n;
		const char *reason = shuan_stats_skip_reason(stats, i, &n);
		sqlite3_bind_int64(skp, 1, id);
		sqlite3_bind_text(skp, 2, reason, -1, SQLITE_STATIC);
		sqlite3_bind_int64(skp, 3, (sqlite3_int64)n);
		if ((rc = exec_bound(s, skp)))
			goto cleanup;
	}
	if (scan_id)
		*scan_id = id;
	rc = 0;
cleanup:
	sqlite3_finalize(ins);
	sqlite3_finalize(det);
	sqlite3_finalize(skp);
	sqlite3_exec(db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	return rc;
}
