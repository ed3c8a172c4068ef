/*
 * cli/scan_jobs.c - the worker pool behind `shuan scan --jobs N`.
 *
 * Ordering protocol (one mutex `mu`, one condition `turn`):
 *   - items are taken in order from a shared cursor;
 *   - `next_emit` is the first item whose findings are not all written yet;
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

#include "cli/scan_jobs.h"

#define BUFFER_CAP (32u << 20)
#define ARENA_BLOCK (1u << 20)

/* A finding kept for later writing: strings live in the item's arena. */
typedef struct rec {
	const shuan_detector_info *det;
	const char *path, *field, *location, *evidence, *fingerprint, *value, *spi, *kind;
	size_t value_len;
	uint64_t line, column, offset, length;
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
	char *path;         /* borrowed from the caller */
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
} item;

typedef struct pool {
	const jobs_config *c;
	item *items;
	size_t n;
	size_t files_total;
	uint64_t bytes_total;
	pthread_mutex_t mu;
	pthread_cond_t turn;
	size_t next_item;   /* guarded by mu */
	size_t next_emit;   /* guarded by mu */
	atomic_ullong bytes_done;
	atomic_size_t files_done;
	atomic_int stop_progress;
	bool oom;           /* guarded by mu */
} pool;

typedef struct worker {
	pool *p;
	pthread_t thread;
	shuan_scanner *scanner;
	shuan_stats *stats;
	unsigned long long gate_hits;
	size_t cur;          /* the item being scanned */
	bool direct;         /* writing the current item straight to the output */
	bool interrupted;
	bool failed;
} worker;

static void *arena_copy(item *it, const void *src, size_t n)
{
	arena_block *b = it->arena;
	if (!b || b->used + n > ARENA_BLOCK) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		arena_block *nb = malloc(sizeof(*nb) + cap);
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
		free(b);
	}
	it->arena = NULL;
	free(it->recs);
	it->recs = NULL;
	it->nrecs = it->caprecs = 0;
	it->bytes = 0;
}

/* Writes one finding to the output; the caller holds mu. */
static void write_finding(pool *p, const shuan_finding *f)
{
	report *r = p->c->rep;
	r->ops->finding(r, f);
	r->count++;
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
		f.value = x->value;
		f.value_len = x->value_len;
		f.attrs = x->attrs;
		f.attrs.kind = x->kind;
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
		rec *v = realloc(it->recs, cap * sizeof(*v));
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
	x->value = w->p->c->rep->reveal ? arena_copy(it, f->value, f->value_len) : NULL;
	x->value_len = w->p->c->rep->reveal ? f->value_len : 0;
	x->spi = f->spi_category; /* owned by the rules or static */
	x->kind = arena_str(it, f->attrs.kind);
	x->line = f->line;
	x->column = f->column;
	x->offset = f->offset;
	x->length = f->length;
	x->confidence = f->confidence;
	x->sensitive = f->sensitive;
	x->context = f->context;
	x->attrs = f->attrs;
	if (!x->path || (f->field && !x->field) || (f->location && !x->location) || !x->evidence || !x->fingerprint || (f->attrs.kind && !x->kind) ||
	    (w->p->c->rep->reveal && f->value_len && !x->value))
		return -1;
	it->nrecs++;
	return 0;
}

static int on_finding(const shuan_finding *f, void *ud)
{
	worker *w = ud;
	pool *p = w->p;
	item *it = &p->items[w->cur];
	int c = p->c->fail_on;

	shuan_stats_add_finding(w->stats, f);
	if (c == 1 || (c == 2 && f->sensitive))
		w->gate_hits++;
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

static void print_input(const jobs_config *c, const char *path, const shuan_input_result *res)
{
	if (c->quiet)
		return;
	if (res->skipped)
		fprintf(stderr, "shuan: %s: skipped: %s\n", path, res->reason);
	else if (res->reason[0])
		fprintf(stderr, "shuan: %s: warning: %s\n", path, res->reason);
	if (res->skipped)
		return;
	if (res->invalid_utf8)
		fprintf(stderr, "shuan: %s: warning: %llu invalid UTF-8 sequences (scanned anyway)\n", path,
			(unsigned long long)res->invalid_utf8);
	else if (res->invalid_bytes)
		fprintf(stderr, "shuan: %s: warning: %llu invalid %s bytes replaced by U+FFFD (scanned anyway)\n", path,
			(unsigned long long)res->invalid_bytes, res->encoding);
}

static void on_input(const char *path, const shuan_input_result *res, void *ud)
{
	worker *w = ud;
	shuan_stats_add_input(w->stats, res);
	print_input(w->p->c, path, res);
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
	bool last = --first->parts_left == 0;
	total = first->agg;
	pthread_mutex_unlock(&p->mu);
	if (last) {
		shuan_stats_add_input(w->stats, &total);
		print_input(p->c, it->path, &total);
	}
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t k = p->next_item < p->n && !p->oom ? p->next_item++ : p->n;
		pthread_mutex_unlock(&p->mu);
		if (k >= p->n || w->interrupted || w->failed)
			break;
		item *it = &p->items[k];
		int rc;
		w->cur = k;
		w->direct = false;
		if (it->part) {
			shuan_input in = {it->path, it->path, it->format};
			rc = shuan_scanner_scan_file_range(w->scanner, it->path, &in, it->start, it->end, on_finding, w,
							   &it->res, &it->newlines);
		} else {
			rc = shuan_scan_source(w->scanner, it->path, p->c->source, on_finding, on_input, w);
		}
		if (rc == SHUAN_EINTR)
			w->interrupted = !w->failed;
		if (it->part && rc != SHUAN_EINTR)
			part_done(w, it);
		atomic_fetch_add(&p->bytes_done, it->part ? it->end - it->start : (unsigned long long)it->end);
		if (!it->part || it->last_part)
			atomic_fetch_add(&p->files_done, 1);
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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One status line on stderr, rewritten in place: files, bytes, speed, ETA. */
static void *progress_main(void *arg)
{
	pool *p = arg;
	double t0 = now();
	while (!atomic_load(&p->stop_progress)) {
		struct timespec ts = {0, 250 * 1000 * 1000};
		nanosleep(&ts, NULL);
		double el = now() - t0, done = (double)atomic_load(&p->bytes_done);
		double rate = el > 0 ? done / el : 0;
		char eta[32] = "";
		if (rate > 0 && p->bytes_total > done)
			snprintf(eta, sizeof(eta), ", ETA %.0f s", ((double)p->bytes_total - done) / rate);
		fprintf(stderr, "\r\033[Kshuan: %zu/%zu files, %.1f/%.1f MB, %.1f MB/s%s", atomic_load(&p->files_done),
			p->files_total, done / 1e6, (double)p->bytes_total / 1e6, rate / 1e6, eta);
	}
	fputs("\r\033[K", stderr);
	return NULL;
}

/* Builds the item list: whole files, or parts of large splittable files. */
static int plan(pool *p, shuan_scanner *probe, char *const *paths, size_t n)
{
	const jobs_config *c = p->c;
	size_t cap = n + 16;
	p->items = calloc(cap, sizeof(item));
	if (!p->items)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		uint64_t size = 0;
		shuan_format f = SHUAN_FORMAT_AUTO;
		if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode))
			size = (uint64_t)st.st_size;
		p->bytes_total += size;
		p->files_total++;
		bool too_big = c->scan->max_file_size && size > c->scan->max_file_size;
		if (c->split_min && size >= c->split_min && !too_big)
			f = shuan_scanner_splittable(probe, paths[i]);
		size_t parts = 1;
		if (f != SHUAN_FORMAT_AUTO)
			parts = (size_t)((size + c->part_size - 1) / c->part_size);
		if (p->n + parts > cap) {
			cap = (p->n + parts) * 2;
			item *v = realloc(p->items, cap * sizeof(item));
			if (!v)
				return -1;
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
			it->start = it->part ? k * c->part_size : 0;
			it->end = it->part ? (k + 1 == parts ? size : (k + 1) * c->part_size) : size;
			it->parts_left = k == 0 ? parts : 0;
			p->n++;
		}
	}
	return 0;
}

int jobs_run(const jobs_config *c, char *const *paths, size_t n, shuan_stats *stats, jobs_result *out)
{
	pool p = {0};
	worker *ws = NULL;
	pthread_t prog;
	bool prog_started = false;
	int nw = c->jobs > 0 ? c->jobs : 1, started = 0, rc = -1;

	memset(out, 0, sizeof(*out));
	p.c = c;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.turn, NULL);
	if (!(ws = calloc((size_t)nw, sizeof(*ws))))
		goto cleanup;
	for (int i = 0; i < nw; i++) {
		ws[i].p = &p;
		if (shuan_scanner_create(&ws[i].scanner, c->rules, c->scan) || shuan_stats_new(&ws[i].stats))
			goto cleanup;
	}
	if (plan(&p, ws[0].scanner, paths, n))
		goto cleanup;
	if ((size_t)nw > p.n)
		nw = p.n ? (int)p.n : 1;
	if (c->progress && pthread_create(&prog, NULL, progress_main, &p) == 0)
		prog_started = true;
	for (; started < nw; started++)
		if (pthread_create(&ws[started].thread, NULL, worker_main, &ws[started]) != 0)
			break;
	if (started == 0)
		worker_main(&ws[0]); /* no threads available: scan in this one */
	for (int i = 0; i < started; i++)
		pthread_join(ws[i].thread, NULL);
	if (prog_started) {
		atomic_store(&p.stop_progress, 1);
		pthread_join(prog, NULL);
	}
	/* Interrupted or failed: still write what was completed, in order. */
	pthread_mutex_lock(&p.mu);
	for (size_t i = p.next_emit; i < p.n; i++)
		if (p.items[i].done)
			flush_item(&p, &p.items[i]);
	pthread_mutex_unlock(&p.mu);
	for (int i = 0; i < (started ? started : 1); i++) {
		out->gate_hits += ws[i].gate_hits;
		out->interrupted |= ws[i].interrupted;
		out->error |= ws[i].failed;
	}
	rc = 0;
cleanup:
	for (int i = 0; ws && i < (c->jobs > 0 ? c->jobs : 1); i++) {
		if (ws[i].stats && shuan_stats_merge(stats, ws[i].stats) != 0)
			out->error = true;
		shuan_stats_free(ws[i].stats);
		shuan_scanner_destroy(ws[i].scanner);
	}
	for (size_t i = 0; i < p.n; i++)
		item_release(&p.items[i]);
	free(p.items);
	free(ws);
	pthread_cond_destroy(&p.turn);
	pthread_mutex_destroy(&p.mu);
	if (rc)
		out->error = true;
	return rc;
}
