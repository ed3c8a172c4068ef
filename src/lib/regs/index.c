/*
 * lib/regs/index.c - full-text search over the catalogue with SQLite FTS5
 * and the trigram tokenizer, plus the field filters shared with the timeline.
 *
 * The index lives in a private in-memory database built on the first search
 * (and rebuilt when store additions grew the catalogue). Trigram indexing
 * finds any substring of three or more characters, which suits Chinese
 * titles without a word segmenter: "分类分级" finds "数据分类分级规则".
 * Shorter terms (two-character words such as "数据") cannot use the trigram
 * index, so a query with such a term falls back to LIKE over the same text.
 * A `keys` column holds the normalised title and document-number keys so
 * that "GB/T43697" finds "GB/T 43697-2024". An entry's `keywords:` are
 * indexed with its aliases, and every query term is expanded with the
 * synonym groups of rules/regs/synonyms.yaml: a term containing one word
 * of a group (数据出境) also matches with each other word in its place
 * (数据跨境), so 数据出境 finds 促进和规范数据跨境流动规定.
 */
#include "lib/regs/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/utf8.h"

static int join(char *out, size_t cap, const char *const *v, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(out + o, cap - o, "%s%s", i ? "\n" : "", v[i]);
		if (w < 0 || (size_t)w >= cap - o)
			return SHUAN_ELIMIT;
		o += (size_t)w;
	}
	return 0;
}

/* Appends the item's keywords to the aliases text (one column, one weight). */
static int add_keywords(char *al, size_t cap, const regs_item *it)
{
	size_t o = strlen(al);
	if (!it->nkeywords)
		return 0;
	if (o + 1 >= cap)
		return SHUAN_ELIMIT;
	if (o)
		al[o++] = '\n';
	return join(al + o, cap - o, it->keywords, it->nkeywords);
}

static int build(shuan_regs *r)
{
	static const char *ddl =
	    "CREATE VIRTUAL TABLE regs USING fts5(id UNINDEXED, title, title_en, aliases, "
	    "doc_number, issuers, summary, obligations, keys, tokenize='trigram');";
	sqlite3_stmt *st = NULL;
	char *a = NULL;
	int rc = SHUAN_ESTORE;
	const size_t cap = 65536;

	if (r->fts) {
		sqlite3_close(r->fts);
		r->fts = NULL;
	}
	if (sqlite3_open_v2(":memory:", &r->fts, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	        SQLITE_OK ||
	    sqlite3_exec(r->fts, ddl, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->fts,
	                       "INSERT INTO regs(rowid,id,title,title_en,aliases,doc_number,issuers,"
	                       "summary,obligations,keys) VALUES(?,?,?,?,?,?,?,?,?,?)",
	                       -1, &st, NULL) != SQLITE_OK) {
		shuan_regs__seterr(r, "cannot build the search index: %s",
		                   r->fts ? sqlite3_errmsg(r->fts) : "out of memory");
		goto cleanup;
	}
	a = shuan_malloc(cap * 3);
	if (!a) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	sqlite3_exec(r->fts, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; i < r->nitems; i++) {
		const regs_item *it = r->items[i];
		const shuan_regs_entry *e = &it->e;
		char *al = a, *is = a + cap, *ob = a + 2 * cap, keys[REGS_MAX_KEY * 2];
		if (join(al, cap, e->aliases, e->naliases) || add_keywords(al, cap, it) ||
		    join(is, cap, e->issuers, e->nissuers) ||
		    join(ob, cap, e->obligations, e->nobligations)) {
			shuan_regs__seterr(r, "%s: entry too large to index", e->id);
			rc = SHUAN_ELIMIT;
			goto cleanup;
		}
		{
			char dk[REGS_MAX_KEY] = "";
			if (e->doc_number)
				shuan_regs_title_key(e->doc_number, dk, sizeof(dk));
			snprintf(keys, sizeof(keys), "%s\n%s", it->key, dk);
		}
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		sqlite3_bind_text(st, 2, e->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, e->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, e->title_en, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, al, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, e->doc_number, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, is, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 8, e->summary, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, ob, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 10, keys, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			shuan_regs__seterr(r, "cannot index %s: %s", e->id, sqlite3_errmsg(r->fts));
			goto cleanup;
		}
		sqlite3_reset(st);
	}
	sqlite3_exec(r->fts, "COMMIT", NULL, NULL, NULL);
	r->fts_count = r->nitems;
	rc = 0;
cleanup:
	sqlite3_finalize(st);
	shuan_free(a);
	if (rc && r->fts) {
		sqlite3_close(r->fts);
		r->fts = NULL;
	}
	return rc;
}

static bool has_str(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

bool shuan_regs__filter_ok(const shuan_regs *r, const shuan_regs_entry *e, const shuan_regs_filter *f)
{
	const char *d;
	if (!f)
		return true;
	if (f->sector && *f->sector && !has_str(e->sectors, e->nsectors, f->sector))
		return false;
	if (f->level && *f->level && strcmp(e->level, f->level))
		return false;
	if (f->status && *f->status && strcmp(e->status, f->status))
		return false;
	if (f->issuer && *f->issuer) {
		const char *canon = shuan_regs__authority(r, f->issuer);
		bool ok = false;
		for (size_t i = 0; i < e->nissuers && !ok; i++)
			ok = strstr(e->issuers[i], f->issuer) || (canon && !strcmp(e->issuers[i], canon));
		if (!ok)
			return false;
	}
	d = shuan_regs_entry_date(e);
	if ((f->from && *f->from) || (f->to && *f->to)) {
		if (!d)
			return false;
		/* Compare on the shorter of the two so "2024" bounds a whole year. */
		if (f->from && *f->from && strncmp(d, f->from, strlen(f->from)) < 0 &&
		    strncmp(d, f->from, strlen(d)) < 0)
			return false;
		if (f->to && *f->to && strncmp(d, f->to, strlen(f->to)) > 0)
			return false;
	}
	return true;
}

/* Splits query into terms (by ASCII and ideographic spaces), folded. */
static size_t terms(const char *q, char *buf, size_t cap, const char **out, size_t max, bool *short_term)
{
	size_t n = 0, len = shuan_regs__fold(q, strlen(q), buf, cap);
	*short_term = false;
	for (size_t i = 0; i < len && n < max;) {
		while (i < len && buf[i] == ' ')
			buf[i++] = '\0';
		if (i >= len)
			break;
		out[n++] = buf + i;
		size_t from = i;
		while (i < len && buf[i] != ' ')
			i++;
		size_t chars = shuan_utf8_count(buf + from, i - from);
		if (chars < 3)
			*short_term = true;
	}
	return n;
}

/* The alternatives of a term: itself, then the term with one synonym put
 * in place of another (at most `max`, written into store). */
#define MAX_ALTS 8
static size_t alternatives(const shuan_regs *r, const char *term, char store[][256], const char **alt, size_t max,
			   bool *short_term)
{
	size_t n = 0;
	alt[n++] = term;
	for (size_t g = 0; g < r->nsynonyms && n < max; g++) {
		const regs_synonyms *sy = &r->synonyms[g];
		for (size_t i = 0; i < sy->n && n < max; i++) {
			const char *at = strstr(term, sy->words[i]);
			if (!at)
				continue;
			size_t wl = strlen(sy->words[i]);
			for (size_t j = 0; j < sy->n && n < max; j++) {
				if (j == i)
					continue;
				int w = snprintf(store[n], sizeof(store[n]), "%.*s%s%s", (int)(at - term), term,
						 sy->words[j], at + wl);
				if (w < 0 || (size_t)w >= sizeof(store[n]))
					continue;
				bool dup = false;
				for (size_t k = 0; k < n && !dup; k++)
					dup = !strcmp(alt[k], store[n]);
				if (dup)
					continue;
				if (shuan_utf8_count(store[n], (size_t)w) < 3)
					*short_term = true;
				alt[n] = store[n];
				n++;
			}
		}
	}
	return n;
}

int shuan_regs_search(shuan_regs *r, const char *query, const shuan_regs_filter *f,
                      const shuan_regs_entry ***out, size_t *n)
{
	const shuan_regs_entry **list = NULL;
	sqlite3_stmt *st = NULL;
	char buf[1024], sql[32768], match[8192];
	const char *t[16], *alt[16][MAX_ALTS];
	char (*store)[MAX_ALTS][256] = NULL; /* the alternatives' text */
	size_t nalt[16];
	size_t nt, k = 0;
	bool short_term;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!query || strlen(query) >= sizeof(buf) / 2) {
		shuan_regs__seterr(r, "query missing or too long");
		return SHUAN_EINVAL;
	}
	list = shuan_malloc((r->nitems ? r->nitems : 1) * sizeof(*list));
	if (!list)
		return SHUAN_ENOMEM;
	nt = terms(query, buf, sizeof(buf), t, 16, &short_term);
	if (nt == 0) {
		for (size_t i = 0; i < r->nitems; i++)
			if (shuan_regs__filter_ok(r, &r->items[i]->e, f))
				list[k++] = &r->items[i]->e;
		goto done;
	}
	if ((!r->fts || r->fts_count != r->nitems) && (rc = build(r)) != 0)
		goto cleanup;
	/* every term with its synonym alternatives */
	if (!(store = shuan_malloc(16 * sizeof(*store)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < nt; i++)
		nalt[i] = alternatives(r, t[i], store[i], alt[i], MAX_ALTS, &short_term);
	if (!short_term) {
		/* Each term a group of quoted phrases (its alternatives), all
		 * terms required. */
		size_t o = 0;
		for (size_t i = 0; i < nt; i++) {
			o += (size_t)snprintf(match + o, sizeof(match) - o, "%s(", i ? " AND " : "");
			for (size_t a = 0; a < nalt[i] && o + 8 < sizeof(match); a++) {
				o += (size_t)snprintf(match + o, sizeof(match) - o, "%s\"", a ? " OR " : "");
				for (const char *p = alt[i][a]; *p && o + 4 < sizeof(match); p++) {
					if (*p == '"')
						match[o++] = '"';
					match[o++] = *p;
				}
				if (o + 3 >= sizeof(match))
					break;
				match[o++] = '"';
				match[o] = '\0';
			}
			if (o + 2 >= sizeof(match)) {
				rc = SHUAN_EINVAL;
				shuan_regs__seterr(r, "query too long");
				goto cleanup;
			}
			match[o++] = ')';
			match[o] = '\0';
		}
		snprintf(sql, sizeof(sql),
		         "SELECT rowid FROM regs WHERE regs MATCH ? ORDER BY bm25(regs, 0, 10, 5, 8, 8, 2, "
		         "1, 1, 6)");
	} else {
		size_t o = (size_t)snprintf(sql, sizeof(sql), "SELECT rowid FROM regs WHERE 1"), param = 0;
		for (size_t i = 0; i < nt && o < sizeof(sql); i++) {
			o += (size_t)snprintf(sql + o, sizeof(sql) - o, " AND (0");
			for (size_t a = 0; a < nalt[i] && o < sizeof(sql); a++)
				o += (size_t)snprintf(
				    sql + o, sizeof(sql) - o,
				    " OR (title || ' ' || ifnull(title_en,'') || ' ' || aliases || ' ' || "
				    "ifnull(doc_number,'') || ' ' || issuers || ' ' || summary || ' ' || "
				    "obligations || ' ' || keys) LIKE ?%zu ESCAPE '\\'",
				    ++param);
			if (o < sizeof(sql))
				o += (size_t)snprintf(sql + o, sizeof(sql) - o, ")");
		}
		if (o >= sizeof(sql)) {
			rc = SHUAN_EINVAL;
			goto cleanup;
		}
	}
	if (sqlite3_prepare_v2(r->fts, sql, -1, &st, NULL) != SQLITE_OK) {
		shuan_regs__seterr(r, "search failed: %s", sqlite3_errmsg(r->fts));
		rc = SHUAN_ESTORE;
		goto cleanup;
	}
	if (!short_term) {
		sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT);
	} else {
		int param = 0;
		for (size_t i = 0; i < nt; i++) {
			for (size_t a = 0; a < nalt[i]; a++) {
				char like[600];
				size_t o = 0;
				like[o++] = '%';
				for (const char *p = alt[i][a]; *p && o + 3 < sizeof(like); p++) {
					if (*p == '%' || *p == '_' || *p == '\\')
						like[o++] = '\\';
					like[o++] = *p;
				}
				like[o++] = '%';
				like[o] = '\0';
				sqlite3_bind_text(st, ++param, like, -1, SQLITE_TRANSIENT);
			}
		}
	}
	for (;;) {
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			shuan_regs__seterr(r, "search failed: %s", sqlite3_errmsg(r->fts));
			rc = SHUAN_ESTORE;
			goto cleanup;
		}
		sqlite3_int64 row = sqlite3_column_int64(st, 0);
		if (row >= 0 && (size_t)row < r->nitems && shuan_regs__filter_ok(r, &r->items[row]->e, f))
			list[k++] = &r->items[row]->e;
	}
done:
	*out = list;
	*n = k;
	list = NULL;
cleanup:
	sqlite3_finalize(st);
	shuan_free(store);
	shuan_free(list);
	return rc;
}
