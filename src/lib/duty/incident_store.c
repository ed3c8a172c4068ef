/*
 * lib/duty/incident_store.c - stored incidents (tables incidents and
 * incident_events, migration 5).
 *
 * An incident is its creation row and an append-only timeline: the facts
 * at discovery are the `discovered` event's detail (YAML facts text, the
 * format shuan_incident_facts_parse() reads), later corrections are
 * `facts_updated` events applied in order, and every report sent, level
 * adjusted, response ended or summary submitted is an event with the time
 * it happened and the time it was recorded. The store's triggers refuse
 * any UPDATE or DELETE, so the record of what was known when cannot be
 * rewritten.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/duty/internal.h"
#include "lib/store/internal.h"
#include "util/alloc.h"

#define MAX_EVENTS 10000
#define MAX_INCIDENTS 1000000
#define MAX_DETAIL (64u << 10)

static bool known_kind(const char *kind)
{
	return shuan_duty__index(shuan_incident_event_kinds(), kind) >= 0;
}

static int insert_event(sqlite3 *db, int64_t id, const shuan_time *at, const char *kind, const char *detail,
                        const shuan_time *now, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char rec[SHUAN_TIME_TEXT];
	int rc = 0;
	shuan_time_format(now, rec);
	if ((rc = shuan_duty__prepare(
	         db,
	         "INSERT INTO incident_events(incident_id, at_utc, at_offset, kind, detail, recorded)"
	         " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	         &st, err, errlen)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at->utc);
	sqlite3_bind_int(st, 3, at->offset_min);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, detail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, rec, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		snprintf(err, errlen, "store: cannot add the event: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
	}
	sqlite3_finalize(st);
	return rc;
}

int shuan_incident_create(shuan_store *s, const shuan_incident_facts *facts, const shuan_time *now,
                          int64_t *id, char *err, size_t errlen)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	shuan_buf yaml;
	char created[SHUAN_TIME_TEXT];
	int rc;

	if (errlen)
		err[0] = '\0';
	if ((rc = shuan_incident_facts_check(facts, now, err, errlen)) != 0)
		return rc;
	shuan_buf_init(&yaml, MAX_DETAIL);
	if ((rc = shuan_duty__facts_yaml(facts, &yaml)) != 0) {
		snprintf(err, errlen, "the facts are too long to store (more than %u bytes)", MAX_DETAIL);
		goto cleanup;
	}
	shuan_time_format(now, created);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
		goto cleanup;
	}
	if ((rc = shuan_duty__prepare(db, "INSERT INTO incidents(created, title) VALUES(?1, ?2)", &st, err,
	                              errlen)) != 0)
		goto rollback;
	sqlite3_bind_text(st, 1, created, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, facts->title, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		snprintf(err, errlen, "store: cannot add the incident: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
		goto rollback;
	}
	*id = sqlite3_last_insert_rowid(db);
	if ((rc = insert_event(db, *id, &facts->discovered, "discovered", shuan_buf_str(&yaml), now, err,
	                       errlen)) != 0)
		goto rollback;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
		goto rollback;
	}
	goto cleanup;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
	sqlite3_finalize(st);
	shuan_buf_free(&yaml);
	return rc;
}

static void free_events(shuan_incident *inc)
{
	for (size_t i = 0; inc->events && i < inc->nevents; i++)
		shuan_free((char *)inc->events[i].detail);
	shuan_free(inc->events);
	inc->events = NULL;
	inc->nevents = 0;
}

int shuan_incident_read(shuan_store *s, int64_t id, shuan_incident *inc, char *err, size_t errlen)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	shuan_vec events;
	int rc = 0, step;

	memset(inc, 0, sizeof(*inc));
	shuan_vec_init(&events, sizeof(shuan_incident_event), MAX_EVENTS);
	shuan_incident_facts_init(&inc->facts);
	if (errlen)
		err[0] = '\0';
	inc->id = id;
	if ((rc = shuan_duty__prepare(db, "SELECT created FROM incidents WHERE id = ?1", &st, err, errlen)) !=
	    0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "no incident #%lld in the store", (long long)id);
		sqlite3_finalize(st);
		return SHUAN_ENOTFOUND;
	}
	snprintf(inc->created, sizeof(inc->created), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = shuan_duty__prepare(
	         db,
	         "SELECT id, at_utc, at_offset, kind, detail, recorded FROM incident_events"
	         " WHERE incident_id = ?1 ORDER BY id",
	         &st, err, errlen)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		shuan_incident_event *e;
		const char *kind = (const char *)sqlite3_column_text(st, 3);
		const char *detail = (const char *)sqlite3_column_text(st, 4);
		const char *const *kinds = shuan_incident_event_kinds();
		int k = shuan_duty__index(kinds, kind);
		if (k < 0) {
			snprintf(err, errlen,
			         "incident #%lld: event of unknown kind '%s' (written by a newer shuan?)",
			         (long long)id, kind ? kind : "");
			rc = SHUAN_ESTORE;
			break;
		}
		if ((rc = shuan_vec_add(&events, (void **)&e)) != 0) {
			if (rc == SHUAN_ELIMIT)
				snprintf(err, errlen, "incident #%lld has more than %d events", (long long)id,
				         MAX_EVENTS);
			break;
		}
		/* the events array may have moved: the incident sees it as it is now */
		inc->events = events.v;
		e->id = sqlite3_column_int64(st, 0);
		e->at.utc = sqlite3_column_int64(st, 1);
		e->at.offset_min = sqlite3_column_int(st, 2);
		e->kind = kinds[k];
		snprintf(e->recorded, sizeof(e->recorded), "%s", (const char *)sqlite3_column_text(st, 5));
		if (detail && !(e->detail = shuan_strdup(detail))) {
			rc = SHUAN_ENOMEM;
			inc->nevents = events.n;
			break;
		}
		inc->nevents = events.n;
		if (!strcmp(e->kind, "discovered") || !strcmp(e->kind, "facts_updated")) {
			char name[64];
			snprintf(name, sizeof(name), "incident #%lld event %lld", (long long)id,
			         (long long)e->id);
			if ((rc = shuan_incident_facts_parse(&inc->facts, name, e->detail ? e->detail : "",
			                                     e->detail ? strlen(e->detail) : 0, err,
			                                     errlen)) != 0)
				break;
		}
		if (!strcmp(e->kind, "closed"))
			inc->closed = true;
	}
	if (rc == 0 && step != SQLITE_DONE) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
	}
	sqlite3_finalize(st);
	if (rc == 0 && (!inc->nevents || strcmp(inc->events[0].kind, "discovered"))) {
		snprintf(err, errlen, "incident #%lld has no discovery event", (long long)id);
		rc = SHUAN_ESTORE;
	}
	if (rc != 0)
		shuan_incident_free(inc);
	return rc;
}

void shuan_incident_free(shuan_incident *inc)
{
	if (!inc)
		return;
	free_events(inc);
	shuan_incident_facts_free(&inc->facts);
}

int shuan_incident_append(shuan_store *s, int64_t id, const char *kind, const shuan_time *at,
                          const char *detail, const shuan_time *now, char *err, size_t errlen)
{
	shuan_incident inc;
	int rc;
	char a[SHUAN_TIME_TEXT], b[SHUAN_TIME_TEXT];

	if (errlen)
		err[0] = '\0';
	if (!kind || !known_kind(kind) || !strcmp(kind, "discovered")) {
		snprintf(err, errlen,
		         "unknown event '%s' (phoned, written_report, level_adjusted, response_ended, "
		         "summary_submitted, facts_updated, note, closed)",
		         kind ? kind : "");
		return SHUAN_EINVAL;
	}
	if (detail && strlen(detail) > MAX_DETAIL) {
		snprintf(err, errlen, "the event detail is longer than %u bytes", MAX_DETAIL);
		return SHUAN_ELIMIT;
	}
	if ((rc = shuan_incident_read(s, id, &inc, err, errlen)) != 0)
		return rc;
	if (inc.closed) {
		snprintf(err, errlen, "incident #%lld is closed: its timeline takes no more events",
		         (long long)id);
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	if (at->utc > now->utc) {
		shuan_time_format(at, a);
		shuan_time_format(now, b);
		snprintf(err, errlen, "--at: %s is in the future (as of %s)", a, b);
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	if (inc.facts.has_discovered && at->utc < inc.facts.discovered.utc) {
		shuan_time_format(at, a);
		shuan_time_format(&inc.facts.discovered, b);
		snprintf(err, errlen, "--at: %s is before the discovery (%s)", a, b);
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	if (!strcmp(kind, "level_adjusted")) {
		shuan_incident_level lv;
		if (!detail || shuan_incident_level_parse(detail, &lv) != 0) {
			snprintf(err, errlen,
			         "level_adjusted needs a level: general, significant, major, extraordinary "
			         "(or 一般, 较大, 重大, 特别重大)");
			rc = SHUAN_EINVAL;
			goto cleanup;
		}
	}
	if (!strcmp(kind, "facts_updated")) {
		/* the update must read and leave consistent facts */
		if (!detail ||
		    (rc = shuan_incident_facts_parse(&inc.facts, "the update", detail, strlen(detail), err,
		                                     errlen)) != 0 ||
		    (rc = shuan_incident_facts_check(&inc.facts, now, err, errlen)) != 0) {
			if (!rc) {
				snprintf(err, errlen, "facts_updated needs the changed facts");
				rc = SHUAN_EINVAL;
			}
			goto cleanup;
		}
	}
	rc = insert_event(shuan_store__db(s), id, at, kind, detail, now, err, errlen);
cleanup:
	shuan_incident_free(&inc);
	return rc;
}

int shuan_incident_ids(shuan_store *s, bool all, int64_t **ids, size_t *n, char *err, size_t errlen)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	shuan_vec v;
	int rc = 0, step;
	*ids = NULL;
	*n = 0;
	shuan_vec_init(&v, sizeof(int64_t), MAX_INCIDENTS);
	if ((rc = shuan_duty__prepare(
	         db,
	         all ? "SELECT id FROM incidents ORDER BY id"
	             : "SELECT id FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM incident_events e"
	               " WHERE e.incident_id = i.id AND e.kind = 'closed') ORDER BY id",
	         &st, err, errlen)) != 0)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if ((rc = shuan_vec_push(&v, &id)) != 0) {
			if (rc == SHUAN_ELIMIT)
				snprintf(err, errlen, "more than %d incidents in the store", MAX_INCIDENTS);
			break;
		}
	}
	if (rc == 0 && step != SQLITE_DONE) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
	}
	sqlite3_finalize(st);
	if (rc != 0) {
		shuan_vec_free(&v);
		return rc;
	}
	*ids = v.v;
	*n = v.n;
	return 0;
}

void shuan_incident_ids_free(int64_t *ids)
{
	shuan_free(ids);
}
