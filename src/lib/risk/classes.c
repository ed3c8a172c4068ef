/*
 * lib/risk/classes.c - counting equivalence classes in bounded memory.
 *
 * A record is a pair (class, sensitive value), both as 128-bit hashes
 * (util/hash.h): nothing here holds a value, only 40 bytes per entry.
 *
 * Partitioned hash aggregation, in two phases:
 *
 *  1. Records go into a small front table (open addressing by pair, about
 *     10 MB, so it stays in cache). Repeated pairs are counted there; when it
 *     is half full its entries are appended to one of 256 partition buffers
 *     chosen by 8 bits of the class hash, and it starts empty again. When
 *     the buffers together exceed the memory budget they are appended to one
 *     temporary file per partition (unlinked at once, so nothing is left
 *     behind whatever happens) and emptied.
 *  2. Each partition is then aggregated alone: a pair seen in several
 *     flushes is one entry again, and a class's figures are sums over its
 *     pairs (records, distinct values, sum c ln c for the entropy). All of a
 *     class's pairs are in one partition, and a partition's table is about a
 *     256th of the whole, which keeps its accesses in cache. A partition
 *     still larger than the budget is partitioned again on the next 8 bits.
 *
 * Few classes never leave the front table; many (a nearly unique table)
 * cost two sequential passes over the entries instead of random accesses
 * into one huge table, which is what makes 10^7 records fast.
 *
 * Worked example (front table of 4 slots: flushed at 2 entries): pairs
 * (A,x) (A,x) (A,y) fill it with {(A,x):2, (A,y):1}; (B,x) flushes both to
 * partition P(A) and starts a new front; at the end P(A) reads back as class
 * A: 3 records, 2 distinct values, H = ln 3 - (2 ln 2 + 0) / 3.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/risk/internal.h"
#include "util/alloc.h"
#include "util/io.h"

#define FRONT_SLOTS (1u << 15) /* 1.25 MiB of entries: stays in the L2 cache */
#define MAX_DEPTH 7            /* 8 bits of the class hash per level: 56 bits */
#define READ_BATCH 4096

int rk_counter_init(rk_counter *c, size_t max_bytes, const char *tmpdir, int depth)
{
	memset(c, 0, sizeof(*c));
	c->tmpdir = tmpdir;
	c->depth = depth;
	c->budget = max_bytes;
	/* the front table takes at most a quarter of the budget */
	c->fcap = FRONT_SLOTS;
	while (c->fcap > 64 && c->fcap * sizeof(rk_entry) > max_bytes / 4)
		c->fcap /= 2;
	c->max_buffered = (max_bytes - c->fcap * sizeof(rk_entry)) / sizeof(rk_entry);
	if (c->max_buffered < 256)
		c->max_buffered = 256;
	return 0;
}

void rk_counter_free(rk_counter *c)
{
	shuan_free(c->front);
	shuan_free(c->t);
	for (int i = 0; i < RK_PARTS; i++) {
		shuan_free(c->parts[i].v);
		if (c->parts[i].f)
			fclose(c->parts[i].f);
	}
	memset(c, 0, sizeof(*c));
}

static size_t slot(const rk_entry *t, size_t cap, shuan_hash128 pair)
{
	size_t i = (size_t)(pair.lo ^ (pair.hi >> 7)) & (cap - 1);
	while (t[i].count && (t[i].pair.lo != pair.lo || t[i].pair.hi != pair.hi))
		i = (i + 1) & (cap - 1);
	return i;
}

static int part_of(const rk_counter *c, shuan_hash128 cls)
{
	return (int)((cls.hi >> (56 - 8 * c->depth)) & (RK_PARTS - 1));
}

/* Appends every partition buffer to its file and empties them. */
static int spill(rk_counter *c)
{
	for (int p = 0; p < RK_PARTS; p++) {
		rk_part *pt = &c->parts[p];
		if (!pt->n)
			continue;
		if (!pt->f) {
			int fd = shuan_io_temp_fd(c->tmpdir, "shuan-risk"); /* gone when closed */
			if (fd < 0)
				return SHUAN_EIO;
			if (!(pt->f = fdopen(fd, "w+b"))) {
				close(fd);
				return SHUAN_EIO;
			}
			c->partitions++;
		}
		if (fwrite(pt->v, sizeof(rk_entry), pt->n, pt->f) != pt->n)
			return SHUAN_EIO;
		pt->on_disk += pt->n;
		pt->n = 0;
	}
	c->buffered = 0;
	return 0;
}

static int append(rk_counter *c, const rk_entry *e)
{
	rk_part *pt = &c->parts[part_of(c, e->cls)];
	int rc;
	if (c->buffered >= c->max_buffered && (rc = spill(c)) != 0)
		return rc;
	if (pt->n == pt->cap) {
		size_t nc = pt->cap ? pt->cap * 2 : 1024;
		rk_entry *v = shuan_realloc(pt->v, nc * sizeof(*v));
		if (!v) {
			/* no memory for a larger buffer: make room on disk */
			if (!c->buffered || (rc = spill(c)) != 0)
				return SHUAN_ENOMEM;
			return append(c, e);
		}
		pt->v = v;
		pt->cap = nc;
	}
	pt->v[pt->n++] = *e;
	c->buffered++;
	return 0;
}

/* Moves the front table's entries to the partition buffers. */
static int flush_front(rk_counter *c)
{
	int rc;
	for (size_t i = 0; i < c->fcap && c->fn; i++) {
		if (!c->front[i].count)
			continue;
		if ((rc = append(c, &c->front[i])) != 0)
			return rc;
		c->front[i].count = 0;
		c->fn--;
	}
	c->fn = 0;
	return 0;
}

int rk_counter_add(rk_counter *c, shuan_hash128 cls, shuan_hash128 pair, uint64_t count)
{
	int rc;
	if (!c->front && !(c->front = shuan_calloc(c->fcap, sizeof(rk_entry))))
		return SHUAN_ENOMEM;
	size_t i = slot(c->front, c->fcap, pair);
	if (c->front[i].count) {
		c->front[i].count += count;
		return 0;
	}
	if (c->fn + 1 > c->fcap / 2) {
		if ((rc = flush_front(c)) != 0)
			return rc;
		i = slot(c->front, c->fcap, pair);
	}
	c->front[i] = (rk_entry){cls, pair, count};
	c->fn++;
	return 0;
}

/* A class being gathered from its pairs: records, distinct values, and
 * sum c ln c, from which H = ln n - (sum c ln c) / n. */
typedef struct cls_acc {
	shuan_hash128 cls;
	uint64_t size, distinct;
	double clnc;
} cls_acc;

static size_t cls_slot(const cls_acc *t, size_t cap, shuan_hash128 cls)
{
	size_t i = (size_t)(cls.lo ^ (cls.hi >> 11)) & (cap - 1);
	while (t[i].size && (t[i].cls.lo != cls.lo || t[i].cls.hi != cls.hi))
		i = (i + 1) & (cap - 1);
	return i;
}

/* Reports the classes of the distinct pairs in t[0..cap). */
static int report(rk_counter *c, const rk_entry *t, size_t cap, size_t n, rk_class_fn fn, void *ud)
{
	int rc = 0;
	if (c->pairs_are_classes) {
		/* no sensitive attribute: every entry is a class of its own */
		for (size_t i = 0; i < cap && !rc; i++)
			if (t[i].count) {
				rk_class k = {t[i].count, 1, 0};
				rc = fn(ud, &k);
			}
		return rc;
	}
	size_t ccap = 16;
	while (ccap < n * 2)
		ccap *= 2;
	cls_acc *a = shuan_calloc(ccap, sizeof(*a));
	if (!a)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < cap; i++) {
		if (!t[i].count)
			continue;
		cls_acc *x = &a[cls_slot(a, ccap, t[i].cls)];
		x->cls = t[i].cls;
		x->size += t[i].count;
		x->distinct++;
		x->clnc += (double)t[i].count * log((double)t[i].count);
	}
	for (size_t i = 0; i < ccap && !rc; i++)
		if (a[i].size) {
			double sz = (double)a[i].size, h = log(sz) - a[i].clnc / sz;
			rk_class k = {a[i].size, a[i].distinct, h > 0 ? h : 0};
			rc = fn(ud, &k);
		}
	shuan_free(a);
	return rc;
}

/* Aggregates one partition (its file, then its buffer) and reports it. */
static int finish_part(rk_counter *c, rk_part *pt, rk_class_fn fn, void *ud)
{
	uint64_t total = pt->on_disk + pt->n;
	rk_entry batch[READ_BATCH];
	int rc = 0;
	if (!total)
		return 0;
	if (pt->f && (fflush(pt->f) != 0 || fseek(pt->f, 0, SEEK_SET) != 0))
		return SHUAN_EIO;
	size_t cap = 16;
	while (cap < total * 2)
		cap *= 2;
	if (cap * sizeof(rk_entry) <= c->budget || c->depth + 1 >= MAX_DEPTH) {
		/* fits: one table for the partition, reused from the last one */
		size_t n = 0, got;
		if (cap > c->tcap) {
			shuan_free(c->t);
			c->tcap = 0;
			if (!(c->t = shuan_malloc(cap * sizeof(rk_entry))))
				return SHUAN_ENOMEM;
			c->tcap = cap;
		}
		rk_entry *t = c->t;
		memset(t, 0, cap * sizeof(rk_entry));
		while (pt->f && (got = fread(batch, sizeof(rk_entry), READ_BATCH, pt->f)) > 0)
			for (size_t i = 0; i < got; i++) {
				size_t s = slot(t, cap, batch[i].pair);
				n += !t[s].count;
				if (!t[s].count)
					t[s] = batch[i];
				else
					t[s].count += batch[i].count;
			}
		if (pt->f && ferror(pt->f))
			rc = SHUAN_EIO;
		for (size_t i = 0; i < pt->n && !rc; i++) {
			size_t s = slot(t, cap, pt->v[i].pair);
			n += !t[s].count;
			if (!t[s].count)
				t[s] = pt->v[i];
			else
				t[s].count += pt->v[i].count;
		}
		if (!rc)
			rc = report(c, t, cap, n, fn, ud);
		return rc;
	}
	/* too large: partition it again on the next bits */
	rk_counter sub;
	size_t got;
	rk_counter_init(&sub, c->budget, c->tmpdir, c->depth + 1);
	sub.pairs_are_classes = c->pairs_are_classes;
	while (!rc && pt->f && (got = fread(batch, sizeof(rk_entry), READ_BATCH, pt->f)) > 0)
		for (size_t i = 0; i < got && !rc; i++)
			rc = rk_counter_add(&sub, batch[i].cls, batch[i].pair, batch[i].count);
	if (!rc && pt->f && ferror(pt->f))
		rc = SHUAN_EIO;
	for (size_t i = 0; i < pt->n && !rc; i++)
		rc = rk_counter_add(&sub, pt->v[i].cls, pt->v[i].pair, pt->v[i].count);
	/* this partition's memory goes to the next level */
	shuan_free(pt->v);
	pt->v = NULL;
	pt->n = pt->cap = 0;
	if (!rc)
		rc = rk_counter_finish(&sub, fn, ud);
	c->partitions += sub.partitions;
	rk_counter_free(&sub);
	return rc;
}

int rk_counter_finish(rk_counter *c, rk_class_fn fn, void *ud)
{
	int rc;
	if (!c->partitions && !c->buffered && c->front) {
		/* everything is still in the front table */
		rc = report(c, c->front, c->fcap, c->fn, fn, ud);
		shuan_free(c->front);
		c->front = NULL;
		c->fn = 0;
		return rc;
	}
	if (c->front && (rc = flush_front(c)) != 0)
		return rc;
	shuan_free(c->front);
	c->front = NULL;
	for (int p = 0; p < RK_PARTS; p++) {
		rk_part *pt = &c->parts[p];
		rc = finish_part(c, pt, fn, ud);
		shuan_free(pt->v);
		pt->v = NULL;
		pt->n = pt->cap = 0;
		if (pt->f) {
			fclose(pt->f);
			pt->f = NULL;
		}
		if (rc)
			return rc;
	}
	return 0;
}
