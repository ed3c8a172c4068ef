/*
 * lib/jobs/jobs.c - the worker pool behind shuan_jobs_run() (`shuan scan
 * --jobs N`, the server's scans).
 *
 * Ordering protocol (one mutex `mu`, one condition `turn`):
 *   - items are taken in order from a shared cursor;
 *   - `next_emit` is the first item whose findings are not all written yet;
 *   - a worker whose item is `next_emit` when it takes it writes its
 *     findings directly;
 *   - a worker whose item is not `next_emit` keeps its findings as compact
 *     records in its own buffer; past BUFFER_CAP bytes it waits on `turn`;
 *   - when its item becomes `next_emit` it writes its buffer and from then on
 *     writes findings directly;
 *   - whoever completes the `next_emit` item advances `next_emit` over every
 *     completed item, writing their buffers, and broadcasts `turn`.
 * A waiting worker's item is always after `next_emit`, whose worker never
 * waits, so the pool cannot deadlock. Memory is bounded by jobs x BUFFER_CAP.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/scan/internal.h"
#include "shuan/jobs.h"
#include "util/alloc.h"

#define BUFFER_CAP (32u << 20)
#define DEFAULT_PART_SIZE (16ull << 20)
#define ARENA_BLOCK (1u << 20)

/* A finding kept for later writing: strings live in the item's arena. */
typedef struct rec {
	const shuan_detector_info *det;
	const char *path, *field, *location, *evidence, *fingerprint, *value, *spi, *kind, *row;
	const unsigned char *person_key;
	size_t value_len;
	uint64_t line, column, offset, length, distinct_key;
	double confidence;
	bool sensitive, context;
	shuan_finding_attrs attrs;
} rec;

typedef struct arena_block {
	struct arena_block *next;
	size_t used;
	char data[];
} arena_block;

typedef struct item {
	const char *path;   /* borrowed from the caller */
	bool part;          /* a part of a split file */
	bool last_part;
	shuan_format format;
	uint64_t start, end;
	size_t file;        /* index of the first part of this file */
	/* filled by the worker */
	rec *recs;
	size_t nrecs, caprecs;
	arena_block *arena;
	size_t bytes;       /* buffered bytes (records + strings) */
	uint64_t newlines;
	uint64_t line_base; /* set when the item becomes next_emit */
	bool done;
	shuan_input_result res;
	/* first part of a split file only, guarded by mu: */
	size_t parts_left;
	shuan_input_result agg;
	const struct item *warn_part; /* the part agg.warning comes from */
} item;

typedef struct pool {
	shuan_jobs *j;
	const shuan_jobs_sink *sink;
	item *items;
	size_t n;
	pthread_mutex_t mu;
	pthread_cond_t turn;
	size_t next_item;   /* guarded by mu */
	size_t next_emit;   /* guarded by mu */
	bool oom;           /* guarded by mu */
} pool;

typedef struct worker {
	pool *p;
	pthread_t thread;
	shuan_scanner *scanner;
	shuan_stats *stats;
	size_t cur;          /* the item being scanned */
	bool direct;         /* writing the current item straight to the output */
	bool interrupted;
	bool failed;
} worker;

struct shuan_jobs {
	shuan_jobs_options opt;
	const shuan_source_options *source;
	worker *ws;          /* opt.jobs workers, each with its scanner */
	/* progress of the current run: written by workers, read by anyone */
	atomic_ullong bytes_done, bytes_total;
	atomic_size_t files_done, files_total;
	uint64_t max_file_size; /* the scan options': such files are not split */
};

static void *arena_copy(item *it, const void *src, size_t n)
{
	arena_block *b = it->arena;
	if (!b || b->used + n > ARENA_BLOCK) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		arena_block *nb = shuan_malloc(sizeof(*nb) + cap);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->used = 0;
		it->arena = b = nb;
		it->bytes += sizeof(*nb) + cap;
	}
	void *dst = b->data + b->used;
	memcpy(dst, src, n);
	b->used += n;
	return dst;
}

static const char *arena_str(item *it, const char *s)
{
	return s ? arena_copy(it, s, strlen(s) + 1) : NULL;
}

static void item_release(item *it)
{
	for (arena_block *b = it->arena, *n; b; b = n) {
		n = b->next;
		shuan_free(b);
	}
	it->arena = NULL;
	shuan_free(it->recs);
	it->recs = NULL;
	it->nrecs = it->caprecs = 0;
	it->bytes = 0;
}

/* Hands one finding to the sink; the caller holds mu. */
static void write_finding(pool *p, const shuan_finding *f)
{
	if (p->sink->finding)
		p->sink->finding(f, p->sink->userdata);
}

/* Writes an item's buffered records; the caller holds mu. */
static void flush_item(pool *p, item *it)
{
	for (size_t i = 0; i < it->nrecs; i++) {
		const rec *x = &it->recs[i];
		shuan_finding f = {0};
		f.path = x->path;
		f.line = x->line + it->line_base;
		f.column = x->column;
		f.offset = x->offset;
		f.length = x->length;
		f.field = x->field;
		f.location = x->location;
		f.detector = x->det;
		f.confidence = x->confidence;
		f.sensitive = x->sensitive;
		f.spi_category = x->spi;
		f.context = x->context;
		f.evidence = x->evidence;
		f.fingerprint = x->fingerprint;
		f.person_key = x->person_key;
		f.distinct_key = x->distinct_key;
		f.value = x->value;
		f.value_len = x->value_len;
		f.attrs = x->attrs;
		f.attrs.kind = x->kind;
		f.row = x->row;
		write_finding(p, &f);
	}
	item_release(it);
}

/* Advances next_emit over completed items; the caller holds mu. */
static void advance(pool *p)
{
	while (p->next_emit < p->n && p->items[p->next_emit].done) {
		flush_item(p, &p->items[p->next_emit]);
		p->next_emit++;
		if (p->next_emit < p->n) {
			item *nx = &p->items[p->next_emit], *prev = &p->items[p->next_emit - 1];
			nx->line_base = nx->part && nx->file == prev->file ? prev->line_base + prev->newlines : 0;
		}
	}
	pthread_cond_broadcast(&p->turn);
}

static int buffer_finding(worker *w, item *it, const shuan_finding *f)
{
	if (it->nrecs == it->caprecs) {
		size_t cap = it->caprecs ? it->caprecs * 2 : 256;
		rec *v = shuan_realloc(it->recs, cap * sizeof(*v));
		if (!v)
			return -1;
		it->bytes += (cap - it->caprecs) * sizeof(*v);
		it->recs = v;
		it->caprecs = cap;
	}
	rec *x = &it->recs[it->nrecs];
	x->det = f->detector;
	/* the path of an archive member changes within an item: intern it */
	x->path = it->nrecs && !strcmp(it->recs[it->nrecs - 1].path, f->path) ? it->recs[it->nrecs - 1].path
									       : arena_str(it, f->path);
	x->field = arena_str(it, f->field);
	x->location = arena_str(it, f->location);
	x->evidence = arena_str(it, f->evidence);
	x->fingerprint = arena_str(it, f->fingerprint);
	x->person_key = f->person_key ? arena_copy(it, f->person_key, 16) : NULL;
	x->distinct_key = f->distinct_key;
	bool keep = w->p->j->opt.keep_values;
	x->value = keep ? arena_copy(it, f->value, f->value_len) : NULL;
	x->value_len = keep ? f->value_len : 0;
	x->spi = f->spi_category; /* owned by the rules or static */
	x->kind = arena_str(it, f->attrs.kind);
	x->row = arena_str(it, f->row);
	x->line = f->line;
	x->column = f->column;
	x->offset = f->offset;
	x->length = f->length;
	x->confidence = f->confidence;
	x->sensitive = f->sensitive;
	x->context = f->context;
	x->attrs = f->attrs;
	if (!x->path || (f->field && !x->field) || (f->location && !x->location) || !x->evidence || !x->fingerprint || (f->attrs.kind && !x->kind) ||
	    (f->row && !x->row) ||
	    (keep && f->value_len && !x->value))
		return -1;
	it->nrecs++;
	return 0;
}

static int on_finding(const shuan_finding *f, void *ud)
{
	worker *w = ud;
	pool *p = w->p;
	item *it = &p->items[w->cur];

	shuan_stats_add_finding(w->stats, f);
	if (!w->direct && buffer_finding(w, it, f) != 0) {
		w->failed = true;
		return 1;
	}
	if (w->direct || it->bytes > BUFFER_CAP) {
		pthread_mutex_lock(&p->mu);
		while (!w->direct && p->next_emit != w->cur)
			pthread_cond_wait(&p->turn, &p->mu);
		if (!w->direct) {
			flush_item(p, it); /* our turn: the buffer first, then straight out */
			w->direct = true;
		} else {
			shuan_finding g = *f;
			g.line += it->line_base;
			write_finding(p, &g);
		}
		pthread_mutex_unlock(&p->mu);
	}
	return 0;
}

/* Hands a finished input to the sink, serialised like the findings. */
static void report_input(pool *p, const char *path, const shuan_input_result *res)
{
	if (!p->sink->input)
		return;
	pthread_mutex_lock(&p->mu);
	p->sink->input(path, res, p->sink->userdata);
	pthread_mutex_unlock(&p->mu);
}

static void on_input(const char *path, const shuan_input_result *res, void *ud)
{
	worker *w = ud;
	shuan_stats_add_input(w->stats, res);
	report_input(w->p, path, res);
}

/* A split file counts as one input: its parts' results are summed under the
 * lock, and the worker that finishes the last part reports it. */
static void part_done(worker *w, item *it)
{
	pool *p = w->p;
	item *first = &p->items[it->file];
	shuan_input_result total;
	pthread_mutex_lock(&p->mu);
	first->agg.bytes += it->res.bytes;
	first->agg.findings += it->res.findings;
	first->agg.invalid_utf8 += it->res.invalid_utf8;
	if (it->res.skipped && !first->agg.skipped) {
		first->agg.skipped = it->res.skipped;
		memcpy(first->agg.reason, it->res.reason, sizeof(first->agg.reason));
	}
	/* parts finish in any order: keep the first part's warning, so the
	 * message is the same whatever the number of jobs */
	if (it->res.warning[0] && (!first->agg.warning[0] || it < first->warn_part)) {
		memcpy(first->agg.warning, it->res.warning, sizeof(first->agg.warning));
		first->agg.limit = it->res.limit;
		first->warn_part = it;
	}
	bool last = --first->parts_left == 0;
	if (last && first->agg.skipped == SHUAN_EINTR)
		shuan_result__interrupted(&first->agg); /* the reason names the whole file's bytes */
	total = first->agg;
	pthread_mutex_unlock(&p->mu);
	if (last) {
		shuan_stats_add_input(w->stats, &total);
		report_input(p, it->path, &total);
	}
}

/* After a run that stopped early: a split file some of whose parts were
 * scanned and others never started is reported once, as interrupted, with
 * the bytes and findings of the parts that ran. */
static void report_unfinished(pool *p, shuan_stats *stats)
{
	for (size_t i = 0; i < p->n; i++) {
		item *first = &p->items[i];
		bool ran = false;
		if (!first->part || first->file != i || first->parts_left == 0)
			continue;
		for (size_t k = i; k < p->n && p->items[k].file == i && p->items[k].part; k++)
			ran |= p->items[k].done;
		if (!ran)
			continue;
		if (!first->agg.skipped || first->agg.skipped == SHUAN_EINTR)
			shuan_result__interrupted(&first->agg);
		first->parts_left = 0;
		shuan_stats_add_input(stats, &first->agg);
		report_input(p, first->path, &first->agg);
	}
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t k = p->next_item < p->n && !p->oom ? p->next_item++ : p->n;
		/* the first item not yet written: its findings go straight out,
		 * never through the buffer (always so with one job) */
		bool in_turn = k < p->n && p->next_emit == k;
		pthread_mutex_unlock(&p->mu);
		if (k >= p->n || w->interrupted || w->failed)
			break;
		item *it = &p->items[k];
		int rc;
		w->cur = k;
		w->direct = in_turn;
		if (it->part) {
			shuan_input in = {it->path, it->path, it->format};
			rc = shuan_scanner__scan_file_range(w->scanner, it->path, &in, it->start, it->end, on_finding, w,
							   &it->res, &it->newlines);
		} else {
			rc = shuan_scan_source(w->scanner, it->path, p->j->source, on_finding, on_input, w);
		}
		if (SHUAN_STOPPED(rc))
			w->interrupted = !w->failed;
		if (it->part && rc != SHUAN_ESTOP)
			part_done(w, it); /* an interrupted part too: its bytes count */
		atomic_fetch_add(&p->j->bytes_done, it->part ? it->end - it->start : (unsigned long long)it->end);
		if (!it->part || it->last_part)
			atomic_fetch_add(&p->j->files_done, 1);
		pthread_mutex_lock(&p->mu);
		it->done = true;
		if (w->failed)
			p->oom = true;
		if (p->next_emit == k || w->direct)
			advance(p);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* Builds the item list: whole files, or parts of large splittable files. */
static int plan(pool *p, shuan_scanner *probe, const char *const *paths, size_t n)
{
	const shuan_jobs *j = p->j;
	const shuan_jobs_options *o = &j->opt;
	size_t cap = n + 16;
	p->items = shuan_calloc(cap, sizeof(item));
	if (!p->items)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		uint64_t size = 0;
		shuan_format f = SHUAN_FORMAT_AUTO;
		if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode))
			size = (uint64_t)st.st_size;
		atomic_fetch_add(&p->j->bytes_total, size);
		atomic_fetch_add(&p->j->files_total, 1);
		bool too_big = j->max_file_size && size > j->max_file_size;
		if (o->split_min && size >= o->split_min && !too_big)
			f = shuan_scanner__splittable(probe, paths[i]);
		size_t parts = 1;
		uint64_t *starts = NULL;
		if (f != SHUAN_FORMAT_AUTO && shuan_scanner__split(probe, paths[i], f, size, o->part_size, &starts, &parts))
			return SHUAN_ENOMEM;
		if (p->n + parts > cap) {
			cap = (p->n + parts) * 2;
			item *v = shuan_realloc(p->items, cap * sizeof(item));
			if (!v) {
				shuan_free(starts);
				return SHUAN_ENOMEM;
			}
			p->items = v;
		}
		for (size_t k = 0; k < parts; k++) {
			item *it = &p->items[p->n];
			memset(it, 0, sizeof(*it));
			it->path = paths[i];
			it->part = parts > 1;
			it->last_part = k + 1 == parts;
			it->format = f;
			it->file = p->n - k;
			it->start = it->part ? starts[k] : 0;
			it->end = it->part ? (k + 1 == parts ? size : starts[k + 1]) : size;
			it->parts_left = k == 0 ? parts : 0;
			p->n++;
		}
		shuan_free(starts);
	}
	return 0;
}

int shuan_jobs_new(shuan_jobs **out, const shuan_rules *rules, const shuan_scan_options *scan,
		   const shuan_source_options *source, const shuan_jobs_options *opts)
{
	shuan_jobs_options def = SHUAN_JOBS_OPTIONS_INIT;
	shuan_jobs *j;
	int rc = SHUAN_ENOMEM;

	*out = NULL;
	if (!opts)
		opts = &def;
	if (!(j = shuan_calloc(1, sizeof(*j))))
		return SHUAN_ENOMEM;
	j->opt = *opts;
	if (j->opt.jobs < 1)
		j->opt.jobs = 1;
	if (!j->opt.part_size)
		j->opt.part_size = DEFAULT_PART_SIZE;
	j->source = source;
	j->max_file_size = scan ? scan->max_file_size : 0;
	if (!(j->ws = shuan_calloc((size_t)j->opt.jobs, sizeof(*j->ws))))
		goto fail;
	for (int i = 0; i < j->opt.jobs; i++)
		if ((rc = shuan_scanner_new(&j->ws[i].scanner, rules, scan)))
			goto fail;
	*out = j;
	return 0;
fail:
	shuan_jobs_free(j);
	return rc;
}

void shuan_jobs_free(shuan_jobs *j)
{
	if (!j)
		return;
	for (int i = 0; j->ws && i < j->opt.jobs; i++)
		shuan_scanner_free(j->ws[i].scanner);
	shuan_free(j->ws);
	shuan_free(j);
}

void shuan_jobs_progress_get(const shuan_jobs *j, shuan_jobs_progress *out)
{
	shuan_jobs *m = (shuan_jobs *)j; /* atomics are read, never written */
	out->bytes_done = atomic_load(&m->bytes_done);
	out->bytes_total = atomic_load(&m->bytes_total);
	out->files_done = atomic_load(&m->files_done);
	out->files_total = atomic_load(&m->files_total);
}

int shuan_jobs_run(shuan_jobs *j, const char *const *paths, size_t n, const shuan_jobs_sink *sink,
		   shuan_stats *stats, shuan_jobs_result *out)
{
	static const shuan_jobs_sink no_sink = {NULL, NULL, NULL};
	pool p = {0};
	worker *ws = j->ws;
	int nw = j->opt.jobs, started = 0, rc;

	memset(out, 0, sizeof(*out));
	p.j = j;
	p.sink = sink ? sink : &no_sink;
	atomic_store(&j->bytes_done, 0);
	atomic_store(&j->bytes_total, 0);
	atomic_store(&j->files_done, 0);
	atomic_store(&j->files_total, 0);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.turn, NULL);
	for (int i = 0; i < nw; i++) {
		ws[i].p = &p;
		ws[i].interrupted = ws[i].failed = false;
		ws[i].direct = false;
		if ((rc = shuan_stats_new(&ws[i].stats)))
			goto cleanup;
	}
	if ((rc = plan(&p, ws[0].scanner, paths, n)))
		goto cleanup;
	if ((size_t)nw > p.n)
		nw = p.n ? (int)p.n : 1;
	for (; started < nw; started++)
		if (pthread_create(&ws[started].thread, NULL, worker_main, &ws[started]) != 0)
			break;
	if (started == 0)
		worker_main(&ws[0]); /* no threads available: scan in this one */
	for (int i = 0; i < started; i++)
		pthread_join(ws[i].thread, NULL);
	if (started < nw)
		out->error = SHUAN_ERROR;
	/* Interrupted or failed: still deliver what was completed, in order. */
	pthread_mutex_lock(&p.mu);
	for (size_t i = p.next_emit; i < p.n; i++)
		if (p.items[i].done)
			flush_item(&p, &p.items[i]);
	pthread_mutex_unlock(&p.mu);
	report_unfinished(&p, ws[0].stats);
	for (int i = 0; i < (started ? started : 1); i++) {
		out->interrupted |= ws[i].interrupted;
		if (ws[i].failed)
			out->error = SHUAN_ENOMEM;
	}
	rc = 0;
cleanup:
	for (int i = 0; i < j->opt.jobs; i++) {
		if (ws[i].stats && shuan_stats_merge(stats, ws[i].stats) != 0)
			out->error = SHUAN_ENOMEM;
		shuan_stats_free(ws[i].stats);
		ws[i].stats = NULL;
	}
	for (size_t i = 0; i < p.n; i++)
		item_release(&p.items[i]);
	shuan_free(p.items);
	pthread_cond_destroy(&p.turn);
	pthread_mutex_destroy(&p.mu);
	return rc;
}
