/*
 * lib/duty/datascan.c - counting natural persons in data sources for the
 * duty engines (`--data`): the scanner's findings, grouped per record, into
 * the people counter.
 *
 * A record is what one person's data usually sits in: a line of a log or a
 * JSON Lines file, a row of a CSV, a row of a sheet (findings of one row
 * share the path, the sheet and the line). Findings arrive in input order
 * (shuan_jobs), so a record ends when the key changes. The record's
 * identifiers - the detectors rules/duty/people.yaml lists - go to
 * shuan_people_add_record() as one person; the counter links records that
 * share one. A record with personal information but no identifier is
 * counted and reported, not guessed into a person.
 *
 * Only person keys (shuan_finding.person_key, keyed) reach the counter; a
 * value never leaves the scanner, which is asked for nothing else: no
 * masked evidence, no HMAC, no distinct-value hash (scan option
 * counts_only), and person keys of the identifiers only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "shuan/jobs.h"
#include "shuan/people.h"
#include "shuan/walk.h"
#include "util/alloc.h"

/* Identifiers fed per record; a record with more is fed in parts. */
#define MAX_IDS 512
#define MAX_KEY 4096

typedef struct group {
	const shuan_duty_rules *rules;
	shuan_people *people;
	shuan_duty_data_result *res;
	shuan_duty_skip_fn on_skip;
	void *ud;
	char key[MAX_KEY];
	bool open; /* a record is being collected */
	bool any_pi, sensitive, minor;
	shuan_person_id ids[MAX_IDS];
	size_t nids;
	int error; /* first failure of the counter (ENOMEM) */
} group;

static bool is_identifier(const duty_people_rules *p, const char *detector)
{
	for (size_t i = 0; i < p->nidentifiers; i++)
		if (!strcmp(p->identifiers[i], detector))
			return true;
	return false;
}

static void flush(group *g)
{
	int rc;
	if (!g->open)
		return;
	if (g->nids) {
		rc = shuan_people_add_record(g->people, g->ids, g->nids,
		                             (g->sensitive ? SHUAN_PERSON_SENSITIVE : 0u) |
		                                 (g->minor ? SHUAN_PERSON_MINOR : 0u));
		if (rc && !g->error)
			g->error = rc;
		g->res->records++;
	} else if (g->any_pi) {
		g->res->records_without_identifier++;
	}
	g->open = g->any_pi = g->sensitive = g->minor = false;
	g->nids = 0;
}

/* path \x1f sheet \x1f line: one row of one sheet, or one line. */
static void record_key(const shuan_finding *f, char *key, size_t len)
{
	size_t sheet = 0;
	if (f->location) {
		const char *bang = strrchr(f->location, '!');
		sheet = bang ? (size_t)(bang - f->location) : 0;
	}
	snprintf(key, len, "%s\x1f%.*s\x1f%llu", f->path ? f->path : "", (int)sheet,
	         f->location ? f->location : "", (unsigned long long)f->line);
}

static void on_finding(const shuan_finding *f, void *ud)
{
	group *g = ud;
	char key[MAX_KEY];
	record_key(f, key, sizeof(key));
	g->res->findings++;
	if (!g->open || strcmp(key, g->key)) {
		flush(g);
		memcpy(g->key, key, sizeof(key));
		g->open = true;
	}
	g->any_pi = true;
	g->sensitive = g->sensitive || f->sensitive;
	g->minor = g->minor || f->attrs.minor_under_14;
	if (!f->detector || !is_identifier(&g->rules->people, f->detector->id) ||
	    !f->person_key)
		return;
	if (g->nids == MAX_IDS) {
		/* feeding the rest as a record of its own can only count more people, never fewer */
		g->res->records_split++;
		flush(g);
		memcpy(g->key, key, sizeof(key));
		g->open = true;
		g->any_pi = true;
	}
	memcpy(g->ids[g->nids].fp, f->person_key, sizeof(g->ids[g->nids].fp));
	g->ids[g->nids].detector = f->detector->id;
	g->nids++;
}

static void on_input(const char *path, const shuan_input_result *r, void *ud)
{
	group *g = ud;
	if (r->skipped) {
		g->res->skipped++;
		if (g->on_skip)
			g->on_skip(path, r->reason, g->ud);
	} else {
		g->res->inputs++;
	}
}

typedef struct walk_list {
	shuan_vec paths; /* char * */
	int error;
	group *g;
} walk_list;

/* Files one count takes at most. */
#define MAX_FILES (1u << 24)

static int on_file(const char *path, void *ud)
{
	walk_list *w = ud;
	char *copy = shuan_strdup(path);
	int rc = copy ? shuan_vec_push(&w->paths, &copy) : SHUAN_ENOMEM;
	if (rc != 0) {
		shuan_free(copy);
		w->error = rc;
		return 1;
	}
	return 0;
}

static int on_walk_skip(const char *path, const char *reason, void *ud)
{
	walk_list *w = ud;
	w->g->res->skipped++;
	if (w->g->on_skip)
		w->g->on_skip(path, reason, w->g->ud);
	return 0;
}

int shuan_duty_count_people(const shuan_duty_rules *rules, const shuan_rules *detectors,
                            const char *const *paths, size_t n, const unsigned char *key, size_t keylen,
                            int jobs, const atomic_int *cancel, shuan_people *into,
                            shuan_duty_data_result *res, shuan_duty_skip_fn on_skip, void *ud)
{
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	shuan_jobs_options jo = SHUAN_JOBS_OPTIONS_INIT;
	shuan_walk_options wo = SHUAN_WALK_OPTIONS_INIT;
	shuan_jobs_result jr = {0};
	shuan_jobs *pool = NULL;
	shuan_stats *stats = NULL;
	const char *ids[sizeof(rules->people.identifiers) / sizeof(rules->people.identifiers[0]) + 1];
	size_t nids = 0;
	group *g = NULL;
	walk_list w = {0};
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (!key || !keylen)
		return SHUAN_EINVAL;
	if (!(g = shuan_calloc(1, sizeof(*g))))
		return SHUAN_ENOMEM;
	g->rules = rules;
	g->people = into;
	g->res = res;
	g->on_skip = on_skip;
	g->ud = ud;
	w.g = g;
	shuan_vec_init(&w.paths, sizeof(char *), MAX_FILES);
	for (size_t i = 0; i < n && !w.error; i++) {
		if (!strcmp(paths[i], "-"))
			on_file("-", &w);
		else if (shuan_walk(paths[i], &wo, on_file, on_walk_skip, &w) == SHUAN_EINTR && !w.error)
			w.error = SHUAN_ENOMEM;
	}
	if ((rc = w.error) != 0)
		goto cleanup;
	so.fingerprint_key = key;
	so.fingerprint_key_len = keylen;
	so.cancel = cancel;
	/* identifiers the detectors lack cannot be found: the scanner would
	 * refuse to fingerprint them */
	for (size_t i = 0; i < rules->people.nidentifiers; i++)
		if (shuan_rules_find(detectors, rules->people.identifiers[i]))
			ids[nids++] = rules->people.identifiers[i];
	ids[nids] = NULL;
	so.fingerprint_only = ids;
	so.counts_only = true;
	jo.jobs = jobs > 0 ? jobs : 1;
	if ((rc = shuan_stats_new(&stats)) != 0 ||
	    (rc = shuan_jobs_new(&pool, detectors, &so, NULL, &jo)) != 0)
		goto cleanup;
	{
		shuan_jobs_sink sink = {on_finding, on_input, g};
		if ((rc = shuan_jobs_run(pool, (const char *const *)w.paths.v, w.paths.n, &sink, stats,
		                         &jr)) != 0)
			goto cleanup;
	}
	flush(g);
	res->interrupted = jr.interrupted;
	if (jr.error)
		rc = jr.error == SHUAN_ENOMEM ? SHUAN_ENOMEM : SHUAN_ERROR;
	if (!rc && g->error)
		rc = g->error;
cleanup:
	shuan_jobs_free(pool);
	shuan_stats_free(stats);
	for (size_t i = 0; i < w.paths.n; i++)
		shuan_free(SHUAN_VEC_AT(&w.paths, char *, i));
	shuan_vec_free(&w.paths);
	shuan_free(g);
	return rc;
}
