/*
 * lib/store/migrate.c - the store's schema history: one ordered list of
 * migrations, applied on open.
 *
 * The schema version is SQLite's `PRAGMA user_version` (0 for a new file and
 * for stores written before migrations existed, whose tables were made with
 * CREATE TABLE IF NOT EXISTS - so the early migrations keep IF NOT EXISTS
 * and upgrade those stores in place). Each migration runs in its own
 * IMMEDIATE transaction together with the version bump, so a failure leaves
 * the store at the last good version, and two processes opening an old store
 * at once serialise on the write lock (the second finds the work done).
 * A store whose version is newer than this build knows is refused: an old
 * shuan must not write into tables it does not understand.
 *
 * A subsystem that needs tables appends a migration here; never edit or
 * reorder a migration that has shipped.
 */
#include <stdio.h>

#include "lib/store/internal.h"

static const shuan_store_migration MIGRATIONS[] = {
	{1, "store metadata",
	 "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"},
	{2, "scan summaries",
	 "CREATE TABLE IF NOT EXISTS scans("
	 " id INTEGER PRIMARY KEY, started TEXT, finished TEXT, elapsed REAL, targets TEXT,"
	 " version TEXT, inputs_scanned INTEGER, inputs_skipped INTEGER, bytes INTEGER,"
	 " findings INTEGER, sensitive INTEGER, distinct_exact INTEGER);"
	 "CREATE TABLE IF NOT EXISTS scan_detectors("
	 " scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE, detector TEXT,"
	 " findings INTEGER, distinct_values INTEGER, sensitive INTEGER, PRIMARY KEY(scan_id, detector));"
	 "CREATE TABLE IF NOT EXISTS scan_skips("
	 " scan_id INTEGER REFERENCES scans(id) ON DELETE CASCADE, reason TEXT, count INTEGER);"},
	{3, "regulation catalogue additions",
	 "CREATE TABLE IF NOT EXISTS regs_sources(id TEXT PRIMARY KEY, title TEXT, publisher TEXT, date TEXT,"
	 " url TEXT, path TEXT, added TEXT);"
	 "CREATE TABLE IF NOT EXISTS regs_entries(id TEXT PRIMARY KEY, title TEXT NOT NULL, doc_number TEXT,"
	 " issuers TEXT, issued TEXT, effective TEXT, status TEXT NOT NULL, level TEXT NOT NULL, sectors TEXT,"
	 " region TEXT, summary TEXT, source TEXT, line INTEGER, added TEXT);"},
	{4, "inventory runs",
	 "CREATE TABLE inventory_runs(id INTEGER PRIMARY KEY, started TEXT, finished TEXT, shuan_version TEXT,"
	 " profile TEXT, profile_unverified INTEGER, sampling TEXT, people_distinct INTEGER, people_sensitive INTEGER,"
	 " people_minors INTEGER, people_exact INTEGER, people_error_bound REAL, errors INTEGER);"
	 "CREATE TABLE inventory_sources(run_id INTEGER REFERENCES inventory_runs(id) ON DELETE CASCADE,"
	 " source TEXT, kind TEXT, tables INTEGER, rows_read INTEGER, sampled INTEGER, errors TEXT,"
	 " people_distinct INTEGER, people_sensitive INTEGER, people_minors INTEGER, people_exact INTEGER,"
	 " people_error_bound REAL, important_candidate INTEGER, reasons TEXT, people_state BLOB,"
	 " PRIMARY KEY(run_id, source));"
	 "CREATE INDEX inventory_sources_by_source ON inventory_sources(source, run_id);"
	 "CREATE TABLE inventory_columns(run_id INTEGER REFERENCES inventory_runs(id) ON DELETE CASCADE,"
	 " source TEXT, tbl TEXT, col TEXT, comment TEXT, type TEXT, data_type TEXT, label TEXT, hit_rate REAL,"
	 " sampled INTEGER, non_empty INTEGER, confidence REAL, category TEXT, pi INTEGER, sensitive INTEGER,"
	 " spi_category TEXT, grade TEXT, sublevel TEXT, basis TEXT);"
	 "CREATE INDEX inventory_columns_by_run ON inventory_columns(run_id, source);"},
	/* 5: the duty engines (lib/duty/). The ledger keeps each cross-border
	 * transfer with the people counter of the people it covered (keyed
	 * fingerprints, shuan_people_save(); NULL for explicit counts), so the
	 * year's count is of distinct people. Incidents and their timeline are
	 * append-only: triggers refuse any change or deletion. */
	{5, "cross-border ledger and incidents",
	 "CREATE TABLE xborder_transfers("
	 " id INTEGER PRIMARY KEY, recorded TEXT NOT NULL, date TEXT NOT NULL, year INTEGER NOT NULL,"
	 " org TEXT, recipient TEXT, country TEXT, purpose TEXT NOT NULL, basis TEXT NOT NULL,"
	 " subjects TEXT NOT NULL, important_data INTEGER NOT NULL, pi_people INTEGER NOT NULL,"
	 " spi_people INTEGER NOT NULL, counts_source TEXT NOT NULL, people BLOB,"
	 " pathway TEXT NOT NULL, exemption TEXT, rules_rev INTEGER);"
	 "CREATE INDEX xborder_transfers_year ON xborder_transfers(year, date);"
	 "CREATE TABLE incidents(id INTEGER PRIMARY KEY, created TEXT NOT NULL, title TEXT);"
	 "CREATE TABLE incident_events("
	 " id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL REFERENCES incidents(id),"
	 " at_utc INTEGER NOT NULL, at_offset INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT,"
	 " recorded TEXT NOT NULL);"
	 "CREATE INDEX incident_events_incident ON incident_events(incident_id, id);"
	 "CREATE TRIGGER incidents_no_update BEFORE UPDATE ON incidents"
	 " BEGIN SELECT RAISE(ABORT, 'incidents are append-only'); END;"
	 "CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents"
	 " BEGIN SELECT RAISE(ABORT, 'incidents are append-only'); END;"
	 "CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events"
	 " BEGIN SELECT RAISE(ABORT, 'the incident timeline is append-only'); END;"
	 "CREATE TRIGGER incident_events_no_delete BEFORE DELETE ON incident_events"
	 " BEGIN SELECT RAISE(ABORT, 'the incident timeline is append-only'); END;"},
	{7, "scan outcomes",
	 "CREATE TABLE scan_outcomes("
	 " scan_id INTEGER PRIMARY KEY REFERENCES scans(id) ON DELETE CASCADE, interrupted INTEGER,"
	 " inputs_interrupted INTEGER, unreadable INTEGER, suppressed_ignore INTEGER, suppressed_baseline INTEGER,"
	 " gated INTEGER, exit_code INTEGER);"},
};

int shuan_store__schema_version(sqlite3 *db, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = SHUAN_ESTORE;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int shuan_store__latest_version(void)
{
	return MIGRATIONS[sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]) - 1].version;
}

int shuan_store__migrate_list(sqlite3 *db, const shuan_store_migration *list, size_t n, char *errbuf,
			      size_t errlen)
{
	int have, latest = n ? list[n - 1].version : 0;
	char sql[64];

	if (shuan_store__schema_version(db, &have) != 0) {
		snprintf(errbuf, errlen, "cannot read the schema version: %s", sqlite3_errmsg(db));
		return SHUAN_ESTORE;
	}
	if (have > latest) {
		snprintf(errbuf, errlen,
			 "written by a newer shuan (schema version %d; this shuan knows up to %d): upgrade shuan "
			 "or use another --store",
			 have, latest);
		return SHUAN_ESTORE;
	}
	for (size_t i = 0; i < n; i++) {
		const shuan_store_migration *m = &list[i];
		char *err = NULL;
		if (m->version <= have)
			continue;
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK)
			goto failed;
		/* another process may have migrated while we waited for the lock */
		if (shuan_store__schema_version(db, &have) != 0)
			goto rollback;
		if (m->version <= have) {
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
			continue;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", m->version);
		if (sqlite3_exec(db, m->sql, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK)
			goto rollback;
		have = m->version;
		continue;
	rollback:
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	failed:
		snprintf(errbuf, errlen, "cannot migrate to schema version %d (%s): %s", m->version, m->what,
			 err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return SHUAN_ESTORE;
	}
	return 0;
}

int shuan_store__migrate(sqlite3 *db, char *errbuf, size_t errlen)
{
	return shuan_store__migrate_list(db, MIGRATIONS, sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]), errbuf,
					 errlen);
}
