/*
 * lib/regs/additions.c - the user's additions to the catalogue, kept in the
 * store (tables regs_entries and regs_sources), so the bundled YAML stays
 * read-only. `regs ingest --apply` writes here; every command that loads
 * the catalogue with a store sees bundled ∪ store entries, bundled ids
 * winning on a clash.
 *
 * Ingested entries get ids "ingested-<16 hex>" from a 64-bit FNV-1a hash of
 * the title's match key: stable, ASCII, and the same article applied twice
 * adds nothing. Fields an article cannot give (level, summary) get
 * placeholders and an `unverified` note asking for review.
 */
#include "lib/regs/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/store/internal.h"
#include "util/alloc.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Splits a newline-joined column into an arena array. */
static int split(shuan_regs *r, const char *s, const char *const **out, size_t *n)
{
	const char **arr;
	size_t cnt = 1, k = 0;
	*out = NULL;
	*n = 0;
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++)
		cnt += *p == '\n';
	if (cnt > REGS_MAX_LIST)
		cnt = REGS_MAX_LIST;
	arr = shuan_regs__alloc(&r->arena, cnt * sizeof(*arr));
	if (!arr)
		return SHUAN_ENOMEM;
	for (const char *p = s; *p && k < cnt;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if (l && !(arr[k++] = shuan_regs__strndup(&r->arena, p, l)))
			return SHUAN_ENOMEM;
		p = nl ? nl + 1 : p + l;
	}
	*out = arr;
	*n = k;
	return 0;
}

static int one_date(shuan_regs *r, const char *d, const char *src, const shuan_regs_date **out, size_t *n)
{
	shuan_regs_date *x;
	*out = NULL;
	*n = 0;
	if (!d || !*d || !shuan_regs__valid_date(d))
		return 0;
	x = shuan_regs__alloc(&r->arena, sizeof(*x));
	if (!x || !(x->date = shuan_regs__strdup(&r->arena, d)))
		return SHUAN_ENOMEM;
	if (src) {
		const char **s = shuan_regs__alloc(&r->arena, sizeof(*s));
		if (!s || !(s[0] = shuan_regs__strdup(&r->arena, src)))
			return SHUAN_ENOMEM;
		x->sources = s;
		x->nsources = 1;
	}
	*out = x;
	*n = 1;
	return 0;
}

static int load_sources(shuan_regs *r, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db, "SELECT id,title,publisher,date,url FROM regs_sources ORDER BY id", -1,
	                       &st, NULL) != SQLITE_OK)
		return SHUAN_ESTORE;
	while (sqlite3_step(st) == SQLITE_ROW && !rc) {
		shuan_regs_source s = {0};
		if (shuan_regs_source_get(r, col(st, 0)))
			continue;
		if (!(s.id = shuan_regs__strdup(&r->arena, col(st, 0)))) {
			rc = SHUAN_ENOMEM;
			break;
		}
		s.title = shuan_regs__strdup(&r->arena, col(st, 1));
		s.publisher = shuan_regs__strdup(&r->arena, col(st, 2));
		s.date = shuan_regs__strdup(&r->arena, col(st, 3));
		s.url = shuan_regs__strdup(&r->arena, col(st, 4));
		if (r->nsources == r->capsources) {
			size_t cap = r->capsources ? r->capsources * 2 : 16;
			shuan_regs_source *n = shuan_realloc(r->sources, cap * sizeof(*n));
			if (!n) {
				rc = SHUAN_ENOMEM;
				break;
			}
			r->sources = n;
			r->capsources = cap;
		}
		r->sources[r->nsources++] = s;
	}
	sqlite3_finalize(st);
	return rc;
}

int shuan_regs_load_store(shuan_regs *r, shuan_store *s)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	char origin[4200];
	const char *org;
	int rc = 0;

	if (!db) {
		shuan_regs__seterr(r, "cannot prepare the store: no database");
		return SHUAN_ESTORE;
	}
	if ((rc = load_sources(r, db)) != 0) {
		shuan_regs__seterr(r, "cannot read store sources");
		return rc;
	}
	snprintf(origin, sizeof(origin), "store:%s", shuan_store_dir(s));
	if (!(org = shuan_regs__strdup(&r->arena, origin)))
		return SHUAN_ENOMEM;
	if (sqlite3_prepare_v2(
	        db,
	        "SELECT id,title,doc_number,issuers,issued,effective,status,level,sectors,region,"
	        "summary,source FROM regs_entries ORDER BY id",
	        -1, &st, NULL) != SQLITE_OK) {
		shuan_regs__seterr(r, "cannot read the store: %s", sqlite3_errmsg(db));
		return SHUAN_ESTORE;
	}
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		regs_item *it;
		shuan_regs_entry *e;
		const char *src = col(st, 11);
		if (!col(st, 0) || !col(st, 1) || shuan_regs__find(r, col(st, 0)))
			continue;
		if (!shuan_regs__valid_status(col(st, 6)) || !shuan_regs__valid_level(col(st, 7)))
			continue;
		it = shuan_regs__alloc(&r->arena, sizeof(*it));
		if (!it) {
			rc = SHUAN_ENOMEM;
			break;
		}
		e = &it->e;
		e->origin = org;
		if (!(e->id = shuan_regs__strdup(&r->arena, col(st, 0))) ||
		    !(e->title = shuan_regs__strdup(&r->arena, col(st, 1))) ||
		    !(e->status = shuan_regs__strdup(&r->arena, col(st, 6))) ||
		    !(e->level = shuan_regs__strdup(&r->arena, col(st, 7)))) {
			rc = SHUAN_ENOMEM;
			break;
		}
		e->doc_number = shuan_regs__strdup(&r->arena, col(st, 2));
		e->region = shuan_regs__strdup(&r->arena, col(st, 9));
		e->summary = shuan_regs__strdup(&r->arena, col(st, 10));
		if ((rc = split(r, col(st, 3), &e->issuers, &e->nissuers)) ||
		    (rc = split(r, col(st, 8), &e->sectors, &e->nsectors)) ||
		    (rc = one_date(r, col(st, 4), src, &e->issued, &e->nissued)) ||
		    (rc = one_date(r, col(st, 5), src, &e->effective, &e->neffective)) ||
		    (rc = split(r, src, &e->sources, &e->nsources)))
			break;
		{
			static const char *const note[] = {"Added by `shuan regs ingest --apply`: level, "
			                                   "summary and sectors are placeholders to review."};
			e->unverified = note;
			e->nunverified = 1;
		}
		rc = shuan_regs__add(r, it);
	}
	sqlite3_finalize(st);
	if (rc == SHUAN_ENOMEM)
		shuan_regs__seterr(r, "out of memory reading the store");
	return rc;
}

static const char *guess_level(const shuan_regs_candidate *c)
{
	const char *t = c->title;
	if ((c->doc_number && !strncmp(c->doc_number, "GB", 2)) || !strncmp(t, "信息安全技术", 18) ||
	    !strncmp(t, "网络安全技术", 18) || !strncmp(t, "数据安全技术", 18))
		return "国家标准";
	if (strstr(t, "实践指南"))
		return "实践指南";
	if (!strncmp(t, "中华人民共和国", 21) && strstr(t, "法"))
		return "法律";
	return "规范性文件";
}

int shuan_regs_apply(shuan_regs *r, shuan_store *s, const shuan_regs_report *rep, size_t *added)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL, *ss = NULL;
	char src_id[64], now[32];
	size_t n = 0;
	int rc = SHUAN_ESTORE;
	bool in_tx = false;
	time_t t = time(NULL);
	struct tm tm;

	if (added)
		*added = 0;
	if (!db)
		goto cleanup;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(src_id, sizeof(src_id), "article-%016llx",
	         (unsigned long long)fnv1a(rep->source_url     ? rep->source_url
	                                   : rep->source_title ? rep->source_title
	                                                       : rep->path));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto cleanup;
	in_tx = true;
	if (sqlite3_prepare_v2(db,
	                       "INSERT OR IGNORE INTO regs_sources(id,title,publisher,date,url,path,added) "
	                       "VALUES(?,?,?,?,?,?,?)",
	                       -1, &ss, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	        db,
	        "INSERT OR IGNORE INTO regs_entries(id,title,doc_number,issuers,issued,effective,"
	        "status,level,sectors,region,summary,source,line,added) "
	        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	        -1, &st, NULL) != SQLITE_OK)
		goto cleanup;
	sqlite3_bind_text(ss, 1, src_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(ss, 2, rep->source_title ? rep->source_title : rep->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(ss, 3, rep->source_publisher, -1, SQLITE_STATIC);
	sqlite3_bind_text(ss, 4, rep->source_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(ss, 5, rep->source_url, -1, SQLITE_STATIC);
	sqlite3_bind_text(ss, 6, rep->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(ss, 7, now, -1, SQLITE_STATIC);
	if (sqlite3_step(ss) != SQLITE_DONE)
		goto cleanup;
	for (size_t i = 0; i < rep->ncandidates; i++) {
		const shuan_regs_candidate *c = &rep->candidates[i];
		char key[REGS_MAX_KEY], id[40], iss[1024] = "", summary[512];
		size_t o = 0;
		if (c->match != SHUAN_REGS_NEW || c->mention)
			continue;
		shuan_regs_title_key(c->title, key, sizeof(key));
		snprintf(id, sizeof(id), "ingested-%016llx", (unsigned long long)fnv1a(key));
		for (size_t k = 0; k < c->nissuers && o < sizeof(iss); k++)
			o += (size_t)snprintf(iss + o, sizeof(iss) - o, "%s%s", k ? "\n" : "", c->issuers[k]);
		snprintf(summary, sizeof(summary), "Reported by %s (line %d); summary to be written.",
		         rep->source_title ? rep->source_title : rep->path, c->line);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, c->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c->doc_number, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, iss, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, c->date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, c->effective, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7,
		                  c->status && shuan_regs__valid_status(c->status) ? c->status : "现行有效",
		                  -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, guess_level(c), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, c->sector && strcmp(c->sector, "地方") ? c->sector : "通用", -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(st, 10, c->sector && !strcmp(c->sector, "地方") ? "地方" : "全国", -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(st, 11, summary, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 12, src_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 13, c->line);
		sqlite3_bind_text(st, 14, now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto cleanup;
		n += (size_t)sqlite3_changes(db);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto cleanup;
	in_tx = false;
	rc = 0;
cleanup:
	if (rc)
		shuan_regs__seterr(r, "cannot write to the store: %s",
		                   db ? sqlite3_errmsg(db) : "no database");
	if (in_tx)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(st);
	sqlite3_finalize(ss);
	if (rc == 0) {
		rc = shuan_regs_load_store(r, s);
		if (added)
			*added = n;
	}
	return rc;
}
