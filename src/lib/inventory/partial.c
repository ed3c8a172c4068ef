/*
 * lib/inventory/partial.c - partial inventories (`--partial FILE`,
 * `shuan inventory merge`): what a run gathered, as an SQLite file, so split
 * runs (per table, per shard, per machine) combine into the figures of one
 * run. The file holds accumulators and the people counters' state
 * (shuan_people_save), never a value.
 *
 * Format 1 (PRAGMA user_version = 1): meta(key, value) with format
 * 'shuan-inventory-partial' and key_id (names the fingerprint key: merging
 * needs the same key); sources, tables (with the people blob), columns, and
 * per column the detector and dictionary counts by id. A newer format is
 * refused. Merging adds every count, ORs flags, and merges people counters.
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/inventory/internal.h"
#include "lib/rules/internal.h"
#include "util/alloc.h"
#include "util/hex.h"

#define PARTIAL_FORMAT 1

static const char schema[] =
	"PRAGMA user_version = 1;"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE sources(source TEXT PRIMARY KEY, kind TEXT, tables INTEGER, rows_read INTEGER, sampled INTEGER,"
	" errors TEXT);"
	"CREATE TABLE tables(source TEXT, name TEXT, rows INTEGER, est_rows INTEGER, method TEXT, minors INTEGER,"
	" people BLOB, PRIMARY KEY(source, name));"
	"CREATE TABLE columns(source TEXT, tbl TEXT, col TEXT, comment TEXT, type TEXT, pk INTEGER, sampled INTEGER,"
	" n_values INTEGER, non_empty INTEGER, truncated INTEGER, binary_skipped INTEGER, binary_as_text INTEGER,"
	" long_values INTEGER, dates INTEGER, minor_dates INTEGER, ages INTEGER, minor_ages INTEGER, images INTEGER,"
	" binary_kind TEXT, ord INTEGER, dict_checked INTEGER, PRIMARY KEY(source, tbl, col));"
	"CREATE TABLE column_detectors(source TEXT, tbl TEXT, col TEXT, detector TEXT, hits INTEGER, findings INTEGER,"
	" sensitive INTEGER, minors INTEGER, confidence REAL);"
	"CREATE TABLE column_classes(source TEXT, tbl TEXT, col TEXT, class TEXT, members INTEGER);";

static int fail(sqlite3 *db, char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "cannot open");
	return SHUAN_EIO;
}

int shuan_inv__partial_write(const shuan_inventory *inv, const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char kid[17];
	int rc = SHUAN_EIO, fd;

	/* a fresh private file (it counts people): 0600, replacing any old one */
	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "%s: cannot create the partial inventory", path);
		return SHUAN_EIO;
	}
	close(fd);
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fail(db, err, errlen, path, "cannot open");
		sqlite3_close(db);
		return SHUAN_EIO;
	}
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK || sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		fail(db, err, errlen, path, "cannot write");
		goto cleanup;
	}
	shuan_hex_encode(inv->key_id, sizeof(inv->key_id), kid);
	sqlite3_prepare_v2(db, "INSERT INTO meta VALUES (?, ?)", -1, &st, NULL);
	{
		const char *kv[][2] = {{"format", "shuan-inventory-partial"}, {"key_id", kid}, {"profile", inv->profile.id},
				       {"shuan_version", shuan_version()}};
		for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
			sqlite3_bind_text(st, 1, kv[i][0], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, kv[i][1], -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				goto write_failed;
			sqlite3_reset(st);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_prepare_v2(db, "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL);
	for (size_t i = 0; i < inv->sources.n; i++) {
		const inv_source *s = &SHUAN_VEC_AT(&inv->sources, inv_source, i);
		shuan_buf e;
		shuan_buf_init(&e, 1u << 24);
		for (size_t k = 0; k < s->nerrors; k++)
			shuan_buf_addf(&e, "%s%s", k ? "\n" : "", s->errors[k]);
		sqlite3_bind_text(st, 1, s->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s->kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)s->tables);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)s->rows_read);
		sqlite3_bind_int(st, 5, s->sampled);
		sqlite3_bind_text(st, 6, shuan_buf_str(&e), -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		shuan_buf_free(&e);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			goto write_failed;
	}
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_prepare_v2(db, "INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL);
	for (size_t i = 0; i < inv->tables.n; i++) {
		const inv_table *t = &SHUAN_VEC_AT(&inv->tables, inv_table, i);
		unsigned char *blob = NULL;
		size_t len = 0;
		if (shuan_people_save(t->people, &blob, &len) < 0) {
			snprintf(err, errlen, "%s: out of memory", path);
			rc = SHUAN_ENOMEM;
			goto cleanup;
		}
		sqlite3_bind_text(st, 1, t->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, t->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)t->rows);
		sqlite3_bind_int64(st, 4, t->est_rows);
		sqlite3_bind_text(st, 5, t->method, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, t->minors);
		sqlite3_bind_blob64(st, 7, blob, len, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		shuan_people_buffer_free(blob);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			goto write_failed;
	}
	sqlite3_finalize(st);
	st = NULL;
	{
		sqlite3_stmt *cd = NULL, *cc = NULL;
		sqlite3_prepare_v2(db, "INSERT INTO columns VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL);
		sqlite3_prepare_v2(db, "INSERT INTO column_detectors VALUES (?,?,?,?,?,?,?,?,?)", -1, &cd, NULL);
		sqlite3_prepare_v2(db, "INSERT INTO column_classes VALUES (?,?,?,?,?)", -1, &cc, NULL);
		for (size_t i = 0; i < inv->cols.n; i++) {
			const inv_column *c = &SHUAN_VEC_AT(&inv->cols, inv_column, i);
			const uint64_t nums[] = {c->sampled, c->values, c->non_empty, c->truncated, c->binary_skipped,
						 c->binary_as_text, c->long_values, c->dates, c->minor_dates, c->ages,
						 c->minor_ages, c->images};
			shuan_inv__bind_texts(
			    st, 1, (const char *const[]){c->source, c->table, c->column, c->comment, c->type},
			    5);
			sqlite3_bind_int(st, 6, c->pk);
			for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
				sqlite3_bind_int64(st, 7 + (int)k, (sqlite3_int64)nums[k]);
			sqlite3_bind_text(st, 19, c->binary_kind, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 20, (sqlite3_int64)i);
			sqlite3_bind_int64(st, 21, (sqlite3_int64)c->dict_checked);
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			for (size_t d = 0; rc == SQLITE_DONE && d < shuan_rules_count(inv->rules); d++) {
				const inv_det_acc *a = &c->det[d];
				if (!a->findings && !a->hits)
					continue;
				sqlite3_bind_text(cd, 1, c->source, -1, SQLITE_STATIC);
				sqlite3_bind_text(cd, 2, c->table, -1, SQLITE_STATIC);
				sqlite3_bind_text(cd, 3, c->column, -1, SQLITE_STATIC);
				sqlite3_bind_text(cd, 4, inv->rules->dets[d].info.id, -1, SQLITE_STATIC);
				sqlite3_bind_int64(cd, 5, (sqlite3_int64)a->hits);
				sqlite3_bind_int64(cd, 6, (sqlite3_int64)a->findings);
				sqlite3_bind_int64(cd, 7, (sqlite3_int64)a->sensitive);
				sqlite3_bind_int64(cd, 8, (sqlite3_int64)a->minors);
				sqlite3_bind_double(cd, 9, a->confidence);
				rc = sqlite3_step(cd);
				sqlite3_reset(cd);
			}
			for (size_t k = 0; rc == SQLITE_DONE && k < inv->classes.n; k++) {
				if (!c->dict[k])
					continue;
				sqlite3_bind_text(cc, 1, c->source, -1, SQLITE_STATIC);
				sqlite3_bind_text(cc, 2, c->table, -1, SQLITE_STATIC);
				sqlite3_bind_text(cc, 3, c->column, -1, SQLITE_STATIC);
				sqlite3_bind_text(cc, 4, inv->classes.v[k].id, -1, SQLITE_STATIC);
				sqlite3_bind_int64(cc, 5, (sqlite3_int64)c->dict[k]);
				rc = sqlite3_step(cc);
				sqlite3_reset(cc);
			}
			if (rc != SQLITE_DONE)
				break;
		}
		sqlite3_finalize(cd);
		sqlite3_finalize(cc);
		if (rc != SQLITE_DONE)
			goto write_failed;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto write_failed;
	rc = 0;
	goto cleanup;
write_failed:
	fail(db, err, errlen, path, "cannot write");
	rc = SHUAN_EIO;
cleanup:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

static const char *col_s(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static uint64_t col_u(sqlite3_stmt *st, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(st, i);
	return v > 0 ? (uint64_t)v : 0;
}

/* The table of (source, name) in inv, or -1. */
static long find_table(shuan_inventory *inv, const char *source, const char *name)
{
	for (size_t i = 0; i < inv->tables.n; i++) {
		inv_table *t = &SHUAN_VEC_AT(&inv->tables, inv_table, i);
		if (!strcmp(t->source, source) && !strcmp(t->name, name))
			return (long)i;
	}
	return -1;
}

static inv_column *find_column(shuan_inventory *inv, const char *source, const char *table, const char *col)
{
	long t = find_table(inv, source, table);
	inv_table *tb;
	if (t < 0)
		return NULL;
	tb = &SHUAN_VEC_AT(&inv->tables, inv_table, (size_t)t);
	for (size_t i = tb->first_col; i < tb->first_col + tb->ncols; i++) {
		inv_column *c = &SHUAN_VEC_AT(&inv->cols, inv_column, i);
		if (!strcmp(c->column, col))
			return c;
	}
	return NULL;
}

int shuan_inv__partial_read(shuan_inventory *inv, const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = SHUAN_EINVAL, version = -1;
	char kid[17];
	bool format_ok = false, key_ok = false;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fail(db, err, errlen, path, "cannot open");
		sqlite3_close(db);
		return SHUAN_EIO;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: not a partial inventory (%s)", path, sqlite3_errmsg(db));
		goto cleanup;
	}
	shuan_hex_encode(inv->key_id, sizeof(inv->key_id), kid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!strcmp(col_s(st, 0), "format") && !strcmp(col_s(st, 1), "shuan-inventory-partial"))
			format_ok = true;
		if (!strcmp(col_s(st, 0), "key_id")) {
			const char *k = col_s(st, 1);
			/* the first partial of a merge names the key */
			if (inv->adopt_key && shuan_inv__unhex(k, sizeof(inv->key_id), inv->key_id)) {
				shuan_hex_encode(inv->key_id, sizeof(inv->key_id), kid);
				inv->adopt_key = false;
			}
			key_ok = !strcmp(k, kid);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!format_ok) {
		snprintf(err, errlen, "%s: not a partial inventory", path);
		goto cleanup;
	}
	if (version > PARTIAL_FORMAT) {
		snprintf(err, errlen, "%s: written by a newer shuan (partial format %d): upgrade shuan", path, version);
		goto cleanup;
	}
	if (!key_ok) {
		snprintf(err, errlen, "%s: made with another fingerprint key: people cannot be linked across keys "
				      "(run every part with the same store key)", path);
		goto cleanup;
	}
	rc = SHUAN_ENOMEM;
	/* sources */
	if (sqlite3_prepare_v2(db, "SELECT source, kind, tables, rows_read, sampled, errors FROM sources", -1, &st,
			       NULL) != SQLITE_OK)
		goto bad;
	while (sqlite3_step(st) == SQLITE_ROW) {
		inv_source *s = shuan_inv__source(inv, col_s(st, 0), col_s(st, 1));
		const char *e = col_s(st, 5);
		if (!s)
			goto cleanup;
		s->tables += col_u(st, 2);
		s->rows_read += col_u(st, 3);
		s->sampled |= sqlite3_column_int(st, 4) != 0;
		while (*e) {
			size_t n = strcspn(e, "\n");
			char line[1400];
			char **v;
			snprintf(line, sizeof(line), "%.*s", (int)n, e);
			if (!(v = shuan_realloc(s->errors, (s->nerrors + 1) * sizeof(*v))) || !(v[s->nerrors] = shuan_strdup(line))) {
				if (v)
					s->errors = v;
				goto cleanup;
			}
			s->errors = v;
			s->nerrors++;
			inv->errors++;
			e += n;
			if (*e)
				e++;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	/* tables and their columns, in the order they were read: a table's columns
	 * are added right after it, so they stay together */
	{
		sqlite3_stmt *cs = NULL;
		if (sqlite3_prepare_v2(db,
				       "SELECT t.source, t.name, t.rows, t.est_rows, t.method, t.minors, t.people FROM tables t "
				       "ORDER BY (SELECT min(ord) FROM columns c WHERE c.source = t.source AND c.tbl = t.name)",
				       -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, "SELECT * FROM columns WHERE source = ? AND tbl = ? ORDER BY ord", -1, &cs,
				       NULL) != SQLITE_OK) {
			sqlite3_finalize(cs);
			goto bad;
		}
		while (sqlite3_step(st) == SQLITE_ROW) {
			inv_table *t = shuan_inv__table(inv, col_s(st, 0), col_s(st, 1));
			shuan_people *p = NULL;
			size_t ti;
			int lrc;
			if (!t) {
				sqlite3_finalize(cs);
				goto cleanup;
			}
			ti = (size_t)(t - (inv_table *)inv->tables.v);
			t->rows += col_u(st, 2);
			if (sqlite3_column_int64(st, 3) > t->est_rows)
				t->est_rows = sqlite3_column_int64(st, 3);
			if (!t->method[0])
				snprintf(t->method, sizeof(t->method), "%s", col_s(st, 4));
			t->minors |= sqlite3_column_int(st, 5) != 0;
			const unsigned char *blob = sqlite3_column_blob(st, 6);
			size_t blen = (size_t)sqlite3_column_bytes(st, 6);
			lrc = shuan_people_load(&p, blob, blen);
			if (lrc == SHUAN_EINVAL) {
				unsigned format = shuan_people_saved_format(blob, blen);
				if (format && format < SHUAN_PEOPLE_FORMAT)
					snprintf(err, errlen, "%s: table %s: saved by an older shuan whose people "
						 "fingerprints this one cannot link: make the partial again", path,
						 col_s(st, 1));
				else
					snprintf(err, errlen, "%s: table %s: the people counter is damaged", path,
						 col_s(st, 1));
				rc = SHUAN_EINVAL;
				sqlite3_finalize(cs);
				goto cleanup;
			}
			if (lrc < 0 || shuan_people_merge(t->people, p) < 0) {
				shuan_people_free(p);
				sqlite3_finalize(cs);
				goto cleanup;
			}
			shuan_people_free(p);
			sqlite3_bind_text(cs, 1, col_s(st, 0), -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(cs, 2, col_s(st, 1), -1, SQLITE_TRANSIENT);
			while (sqlite3_step(cs) == SQLITE_ROW) {
				inv_column *c = shuan_inv__column(inv, ti, col_s(cs, 2), col_s(cs, 3), col_s(cs, 4),
								  sqlite3_column_int(cs, 5) != 0);
				if (!c) {
					/* a column this table did not have, when the table was not the last one read */
					if (inv->ev)
						inv->ev(path, "a column only this part has was left out (its table was read "
							      "earlier without it)",
							false, inv->ev_ud);
					continue;
				}
				c->sampled += col_u(cs, 6);
				c->values += col_u(cs, 7);
				c->non_empty += col_u(cs, 8);
				c->truncated += col_u(cs, 9);
				c->binary_skipped += col_u(cs, 10);
				c->binary_as_text += col_u(cs, 11);
				c->long_values += col_u(cs, 12);
				c->dates += col_u(cs, 13);
				c->minor_dates += col_u(cs, 14);
				c->ages += col_u(cs, 15);
				c->minor_ages += col_u(cs, 16);
				c->images += col_u(cs, 17);
				c->dict_checked += col_u(cs, 20);
				if (!c->binary_kind[0])
					snprintf(c->binary_kind, sizeof(c->binary_kind), "%s", col_s(cs, 18));
			}
			sqlite3_reset(cs);
		}
		sqlite3_finalize(cs);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT source, tbl, col, detector, hits, findings, sensitive, minors, confidence "
				   "FROM column_detectors", -1, &st, NULL) != SQLITE_OK)
		goto bad;
	while (sqlite3_step(st) == SQLITE_ROW) {
		inv_column *c = find_column(inv, col_s(st, 0), col_s(st, 1), col_s(st, 2));
		const shuan_detector_info *d = shuan_rules_find(inv->rules, col_s(st, 3));
		inv_det_acc *a;
		if (!c || !d)
			continue; /* a detector this run did not select */
		a = &c->det[(const shuan_detector *)((const char *)d - offsetof(shuan_detector, info)) - inv->rules->dets];
		a->hits += col_u(st, 4);
		a->findings += col_u(st, 5);
		a->sensitive += col_u(st, 6);
		a->minors += col_u(st, 7);
		a->confidence += sqlite3_column_double(st, 8);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT source, tbl, col, class, members FROM column_classes", -1, &st, NULL) != SQLITE_OK)
		goto bad;
	while (sqlite3_step(st) == SQLITE_ROW) {
		inv_column *c = find_column(inv, col_s(st, 0), col_s(st, 1), col_s(st, 2));
		for (size_t k = 0; c && k < inv->classes.n; k++)
			if (!strcmp(inv->classes.v[k].id, col_s(st, 3)))
				c->dict[k] += col_u(st, 4);
	}
	rc = 0;
	goto cleanup;
bad:
	snprintf(err, errlen, "%s: not a readable partial inventory: %s", path, sqlite3_errmsg(db));
	rc = SHUAN_EINVAL;
cleanup:
	if (rc == SHUAN_ENOMEM && errlen && !err[0])
		snprintf(err, errlen, "%s: out of memory", path);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
