/*
 * lib/regs/regs.c - the regulation catalogue handle: its arena, lifecycle,
 * lookups (by id, citation titles, dangling-id checks) and the
 * cross-reference validation behind `shuan regs check`.
 *
 * Entries live in one bump arena (regs_arena) so that loading a catalogue of
 * a few hundred entries costs a handful of allocations and freeing it is a
 * walk over the blocks. Lookups by id are linear: the catalogue is small
 * (hundreds of entries) and lookups are rare outside `regs check`.
 */
#include "lib/regs/internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

struct regs_block {
	regs_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

void *shuan_regs__alloc(regs_arena *a, size_t n)
{
	regs_block *b = a->head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	if (a->total + n > REGS_MAX_ARENA)
		return NULL;
	if (!b || b->size - b->used < n) {
		size_t sz = n > 65536 ? n : 65536;
		b = shuan_malloc(sizeof(*b) + sz);
		if (!b)
			return NULL;
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += n;
	a->total += n;
	memset(p, 0, n);
	return p;
}

char *shuan_regs__strndup(regs_arena *a, const char *s, size_t n)
{
	char *d = shuan_regs__alloc(a, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *shuan_regs__strdup(regs_arena *a, const char *s)
{
	return s ? shuan_regs__strndup(a, s, strlen(s)) : NULL;
}

void shuan_regs__arena_free(regs_arena *a)
{
	regs_block *b = a->head;
	while (b) {
		regs_block *next = b->next;
		shuan_free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void shuan_regs__seterr(shuan_regs *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
}

const char *shuan_regs_errmsg(const shuan_regs *r)
{
	return r ? r->errmsg : "no catalogue";
}

int shuan_regs_open(shuan_regs **out, const char *rules_dir, char *errbuf, size_t errlen)
{
	char dir[4096];
	shuan_regs *r = NULL;
	int rc;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!rules_dir || snprintf(dir, sizeof(dir), "%s/regs", rules_dir) >= (int)sizeof(dir)) {
		if (errbuf)
			snprintf(errbuf, errlen, "bad rules directory");
		return SHUAN_EINVAL;
	}
	r = shuan_calloc(1, sizeof(*r));
	if (!r)
		return SHUAN_ENOMEM;
	rc = shuan_regs__load_dir(r, dir, errbuf, errlen);
	if (rc != 0)
		goto cleanup;
	*out = r;
	r = NULL;
cleanup:
	shuan_regs_free(r);
	return rc;
}

void shuan_regs_free(shuan_regs *r)
{
	if (!r)
		return;
	if (r->fts)
		sqlite3_close(r->fts);
	shuan_free(r->items);
	shuan_free(r->sources);
	shuan_free(r->cites);
	shuan_regs__arena_free(&r->cite_arena);
	shuan_regs__arena_free(&r->arena);
	shuan_free(r);
}

size_t shuan_regs_count(const shuan_regs *r)
{
	return r ? r->nitems : 0;
}

const shuan_regs_entry *shuan_regs_at(const shuan_regs *r, size_t i)
{
	return (r && i < r->nitems) ? &r->items[i]->e : NULL;
}

const regs_item *shuan_regs__find(const shuan_regs *r, const char *id)
{
	if (!r || !id)
		return NULL;
	for (size_t i = 0; i < r->nitems; i++)
		if (!strcmp(r->items[i]->e.id, id))
			return r->items[i];
	return NULL;
}

const shuan_regs_entry *shuan_regs_get(const shuan_regs *r, const char *id)
{
	const regs_item *it = shuan_regs__find(r, id);
	return it ? &it->e : NULL;
}

const char *shuan_regs_title(const shuan_regs *r, const char *id)
{
	const regs_item *it = shuan_regs__find(r, id);
	return it ? it->e.title : NULL;
}

size_t shuan_regs_check_ids(const shuan_regs *r, const char *const *ids, size_t n, size_t *bad, size_t badcap)
{
	size_t nbad = 0;
	for (size_t i = 0; i < n; i++) {
		if (ids[i] && shuan_regs__find(r, ids[i]))
			continue;
		if (bad && nbad < badcap)
			bad[nbad] = i;
		nbad++;
	}
	return nbad;
}

const shuan_regs_source *shuan_regs_source_get(const shuan_regs *r, const char *id)
{
	if (!r || !id)
		return NULL;
	for (size_t i = 0; i < r->nsources; i++)
		if (!strcmp(r->sources[i].id, id))
			return &r->sources[i];
	return NULL;
}

const char *shuan_regs_entry_date(const shuan_regs_entry *e)
{
	if (!e)
		return NULL;
	if (e->nissued)
		return e->issued[0].date;
	if (e->neffective)
		return e->effective[0].date;
	return NULL;
}

int shuan_regs__add(shuan_regs *r, regs_item *it)
{
	if (shuan_regs__find(r, it->e.id)) {
		shuan_regs__seterr(r, "%s:%d: duplicate id '%s'", it->e.origin ? it->e.origin : "?",
		                   it->e.line, it->e.id);
		return SHUAN_EINVAL;
	}
	if (r->nitems >= REGS_MAX_ENTRIES) {
		shuan_regs__seterr(r, "more than %d catalogue entries", REGS_MAX_ENTRIES);
		return SHUAN_ELIMIT;
	}
	if (r->nitems == r->capitems) {
		size_t cap = r->capitems ? r->capitems * 2 : 256;
		regs_item **n = shuan_realloc(r->items, cap * sizeof(*n));
		if (!n)
			return SHUAN_ENOMEM;
		r->items = n;
		r->capitems = cap;
	}
	if (shuan_regs__item_keys(r, it) != 0)
		return SHUAN_ENOMEM;
	r->items[r->nitems++] = it;
	return 0;
}

int shuan_regs__item_keys(shuan_regs *r, regs_item *it)
{
	char key[REGS_MAX_KEY];

	shuan_regs_title_key(it->e.title, key, sizeof(key));
	if (!(it->key = shuan_regs__strdup(&r->arena, key)))
		return SHUAN_ENOMEM;
	it->draft = shuan_regs__strip_draft(key) || shuan_regs__is_draft_status(it->e.status);
	if (!(it->base = shuan_regs__strdup(&r->arena, key)))
		return SHUAN_ENOMEM;
	if (it->e.naliases) {
		it->alias_keys = shuan_regs__alloc(&r->arena, it->e.naliases * sizeof(char *));
		if (!it->alias_keys)
			return SHUAN_ENOMEM;
		for (size_t i = 0; i < it->e.naliases; i++) {
			shuan_regs_title_key(it->e.aliases[i], key, sizeof(key));
			if (!(it->alias_keys[i] = shuan_regs__strdup(&r->arena, key)))
				return SHUAN_ENOMEM;
		}
	}
	return 0;
}

static const char *const STATUSES[] = {"现行有效", "征求意见稿", "试行", "草案",
                                       "已废止",   "已被替代",   "立项"};
static const char *const LEVELS[] = {"法律",         "行政法规", "部门规章", "规范性文件",
                                     "国家标准",     "行业标准", "实践指南", "地方性法规",
                                     "地方政府规章", "地方标准", "团体标准", "境外"};
static const char *const RELATIONS[] = {"draft_of",   "final_of", "supersedes", "superseded_by",
                                        "implements", "amends",   "related"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

bool shuan_regs__valid_status(const char *s)
{
	return in_list(s, STATUSES, sizeof(STATUSES) / sizeof(*STATUSES));
}
bool shuan_regs__valid_level(const char *s)
{
	return in_list(s, LEVELS, sizeof(LEVELS) / sizeof(*LEVELS));
}

bool shuan_regs__is_draft_status(const char *s)
{
	return s && (!strcmp(s, "征求意见稿") || !strcmp(s, "草案") || !strcmp(s, "立项"));
}

bool shuan_regs__valid_slug(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 80 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
		if (c == '-' && s[i + 1] == '-')
			return false;
	}
	return true;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool shuan_regs__valid_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t n = s ? strlen(s) : 0;
	int m, d;

	if (!(n == 4 || n == 7 || n == 10) || !digits(s, 4))
		return false;
	if (n == 4)
		return true;
	if (s[4] != '-' || !digits(s + 5, 2))
		return false;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12)
		return false;
	if (n == 7)
		return true;
	if (s[7] != '-' || !digits(s + 8, 2))
		return false;
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29) {
		int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	}
	return true;
}

static const char *inverse_relation(const char *t)
{
	if (!strcmp(t, "draft_of"))
		return "final_of";
	if (!strcmp(t, "final_of"))
		return "draft_of";
	if (!strcmp(t, "supersedes"))
		return "superseded_by";
	if (!strcmp(t, "superseded_by"))
		return "supersedes";
	return NULL;
}

static void problem(shuan_regs_problem_fn cb, void *ud, const shuan_regs_entry *e, size_t *n, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));
static void problem(shuan_regs_problem_fn cb, void *ud, const shuan_regs_entry *e, size_t *n, const char *fmt,
                    ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(*n)++;
	if (cb)
		cb(ud, e ? e->origin : NULL, e ? e->line : 0, msg);
}

static void check_date_sources(const shuan_regs *r, const shuan_regs_entry *e, const shuan_regs_date *d,
                               size_t nd, shuan_regs_problem_fn cb, void *ud, size_t *n)
{
	for (size_t i = 0; i < nd; i++)
		for (size_t j = 0; j < d[i].nsources; j++)
			if (!shuan_regs_source_get(r, d[i].sources[j]))
				problem(cb, ud, e, n, "%s: date %s cites unknown source '%s'", e->id,
				        d[i].date, d[i].sources[j]);
}

size_t shuan_regs_validate(const shuan_regs *r, shuan_regs_problem_fn cb, void *ud)
{
	size_t n = 0;

	for (size_t i = 0; r && i < r->nitems; i++) {
		const shuan_regs_entry *e = &r->items[i]->e;
		for (size_t j = 0; j < e->nrelations; j++) {
			const shuan_regs_relation *rel = &e->relations[j];
			const shuan_regs_entry *t = shuan_regs_get(r, rel->target);
			const char *inv;
			if (!in_list(rel->type, RELATIONS, sizeof(RELATIONS) / sizeof(*RELATIONS)))
				problem(cb, ud, e, &n, "%s: unknown relation type '%s'", e->id, rel->type);
			if (!t) {
				problem(cb, ud, e, &n, "%s: relation %s points at unknown id '%s'", e->id,
				        rel->type, rel->target);
				continue;
			}
			inv = inverse_relation(rel->type);
			if (inv) {
				bool found = false;
				for (size_t k = 0; k < t->nrelations && !found; k++)
					found = !strcmp(t->relations[k].type, inv) &&
					        !strcmp(t->relations[k].target, e->id);
				if (!found)
					problem(cb, ud, e, &n, "%s: %s %s is not mirrored by %s %s", e->id,
					        rel->type, t->id, inv, e->id);
			}
		}
		for (size_t j = 0; j < e->nsources; j++)
			if (!shuan_regs_source_get(r, e->sources[j]))
				problem(cb, ud, e, &n, "%s: unknown source '%s'", e->id, e->sources[j]);
		check_date_sources(r, e, e->issued, e->nissued, cb, ud, &n);
		check_date_sources(r, e, e->effective, e->neffective, cb, ud, &n);
		/* Two entries sharing a match key would make ingestion ambiguous. */
		for (size_t k = i + 1; k < r->nitems; k++)
			if (!strcmp(r->items[i]->key, r->items[k]->key))
				problem(cb, ud, e, &n, "%s and %s have the same normalised title", e->id,
				        r->items[k]->e.id);
	}
	return n;
}

void shuan_regs_list_free(const shuan_regs_entry **list)
{
	shuan_free((void *)list);
}
void shuan_regs_string_free(char *s)
{
	shuan_free(s);
}

const shuan_regs_citation *shuan_regs_citations(const shuan_regs *r, size_t *n)
{
	*n = r ? r->ncites : 0;
	return r ? r->cites : NULL;
}
