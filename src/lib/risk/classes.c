/*
 * lib/risk/classes.c - counting equivalence classes in bounded memory.
 *
 * A record is a pair (class, sensitive value), both as 128-bit hashes
 * (util/hash.h): the table never holds a value, only 40 bytes per distinct
 * pair, in an open-addressing table of at most the memory budget.
 *
 * When the table is full, every entry is written to one of 64 partition
 * files chosen by 6 bits of the class hash, and counting goes on in the
 * emptied table; a class's pairs therefore all land in one partition. At
 * the end each partition is read back alone (aggregating the same pair seen
 * in several spills) and its classes reported; a partition still too large
 * is partitioned again on the next 6 bits (up to 8 levels: 48 bits).
 * Within a table, classes are found by sorting the entries by class hash.
 *
 * Worked example (budget 4 entries): pairs (A,x) (A,y) (B,x) (C,z) fill the
 * table; the fifth pair (A,x) spills all four to partitions P(A), P(B),
 * P(C) and starts again; at the end P(A) holds (A,x),(A,y),(A,x) and reads
 * back as class A: size 3, 2 distinct values.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/risk/internal.h"
#include "util/alloc.h"

#define NPARTS 64
#define MAX_DEPTH 8

int rk_counter_init(rk_counter *c, size_t max_bytes, const char *tmpdir, int depth)
{
	memset(c, 0, sizeof(*c));
	c->tmpdir = tmpdir;
	c->depth = depth;
	/* half full at most: two slots per entry */
	c->max = max_bytes / (2 * sizeof(rk_entry));
	if (c->max < 64)
		c->max = 64;
	return 0;
}

void rk_counter_free(rk_counter *c)
{
	shuan_free(c->v);
	for (int i = 0; i < NPARTS; i++)
		if (c->parts[i])
			fclose(c->parts[i]);
	memset(c, 0, sizeof(*c));
}

static size_t slot(const rk_counter *c, shuan_hash128 pair)
{
	size_t i = (size_t)(pair.lo ^ (pair.hi >> 7)) & (c->cap - 1);
	while (c->v[i].count && (c->v[i].pair.lo != pair.lo || c->v[i].pair.hi != pair.hi))
		i = (i + 1) & (c->cap - 1);
	return i;
}

static int grow(rk_counter *c)
{
	size_t cap = c->cap ? c->cap * 2 : 4096;
	rk_entry *nv = shuan_calloc(cap, sizeof(*nv));
	if (!nv)
		return SHUAN_ENOMEM;
	rk_entry *old = c->v;
	size_t oldcap = c->cap;
	c->v = nv;
	c->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].count)
			c->v[slot(c, old[i].pair)] = old[i];
	shuan_free(old);
	return 0;
}

static int part_of(const rk_counter *c, shuan_hash128 cls)
{
	return (int)((cls.hi >> (58 - 6 * c->depth)) & (NPARTS - 1));
}

/* Writes every entry to its partition and empties the table. */
static int spill(rk_counter *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->v[i].count)
			continue;
		int p = part_of(c, c->v[i].cls);
		if (!c->parts[p]) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/shuan-risk-XXXXXX", c->tmpdir ? c->tmpdir : "/tmp");
			int fd = mkstemp(path);
			if (fd < 0)
				return SHUAN_EIO;
			unlink(path); /* gone when closed, whatever happens */
			if (!(c->parts[p] = fdopen(fd, "w+b"))) {
				close(fd);
				return SHUAN_EIO;
			}
			setvbuf(c->parts[p], NULL, _IOFBF, 1u << 16);
			c->partitions++;
		}
		if (fwrite(&c->v[i], sizeof(rk_entry), 1, c->parts[p]) != 1)
			return SHUAN_EIO;
	}
	memset(c->v, 0, c->cap * sizeof(*c->v));
	c->n = 0;
	c->spilled = true;
	return 0;
}

int rk_counter_add(rk_counter *c, shuan_hash128 cls, shuan_hash128 pair, uint64_t count)
{
	int rc;
	if (c->n + 1 > c->cap / 2) {
		if (c->cap / 2 >= c->max) {
			if ((rc = spill(c)) != 0)
				return rc;
		} else if ((rc = grow(c)) != 0) {
			/* no memory for a larger table: spill instead */
			if (!c->cap || (rc = spill(c)) != 0)
				return rc;
		}
	}
	size_t i = slot(c, pair);
	if (!c->v[i].count) {
		c->v[i].cls = cls;
		c->v[i].pair = pair;
		c->n++;
	}
	c->v[i].count += count;
	return 0;
}

static int cmp_cls(const void *a, const void *b)
{
	const rk_entry *x = a, *y = b;
	if (x->cls.hi != y->cls.hi)
		return x->cls.hi < y->cls.hi ? -1 : 1;
	if (x->cls.lo != y->cls.lo)
		return x->cls.lo < y->cls.lo ? -1 : 1;
	return 0;
}

/* Reports the classes of the entries in memory. */
static int report(rk_counter *c, rk_class_fn fn, void *ud)
{
	size_t n = 0;
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i].count)
			c->v[n++] = c->v[i];
	if (n > 1)
		qsort(c->v, n, sizeof(rk_entry), cmp_cls);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		rk_class k = {0, 0, 0};
		while (j < n && c->v[j].cls.hi == c->v[i].cls.hi && c->v[j].cls.lo == c->v[i].cls.lo) {
			k.size += c->v[j].count;
			k.distinct++;
			j++;
		}
		for (size_t x = i; x < j; x++) {
			double p = (double)c->v[x].count / (double)k.size;
			k.entropy -= p * log(p);
		}
		int rc = fn(ud, &k);
		if (rc)
			return rc;
		i = j;
	}
	memset(c->v, 0, c->cap * sizeof(*c->v));
	c->n = 0;
	return 0;
}

int rk_counter_finish(rk_counter *c, rk_class_fn fn, void *ud)
{
	int rc;
	if (!c->spilled)
		return c->cap ? report(c, fn, ud) : 0;
	if ((rc = spill(c)) != 0)
		return rc;
	/* the table's memory goes to reading the partitions back */
	size_t budget = c->max * 2 * sizeof(rk_entry);
	shuan_free(c->v);
	c->v = NULL;
	c->cap = 0;
	for (int p = 0; p < NPARTS; p++) {
		FILE *f = c->parts[p];
		if (!f)
			continue;
		rk_counter sub;
		rk_entry e[256];
		size_t got;
		if (c->depth + 1 >= MAX_DEPTH)
			return SHUAN_ELIMIT; /* 2^48 partitions' worth of classes */
		rk_counter_init(&sub, budget, c->tmpdir, c->depth + 1);
		if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) {
			rk_counter_free(&sub);
			return SHUAN_EIO;
		}
		rc = 0;
		while (!rc && (got = fread(e, sizeof(rk_entry), 256, f)) > 0)
			for (size_t i = 0; i < got && !rc; i++)
				rc = rk_counter_add(&sub, e[i].cls, e[i].pair, e[i].count);
		if (!rc && ferror(f))
			rc = SHUAN_EIO;
		fclose(f);
		c->parts[p] = NULL;
		if (!rc)
			rc = rk_counter_finish(&sub, fn, ud);
		c->partitions += sub.partitions;
		rk_counter_free(&sub);
		if (rc)
			return rc;
	}
	return 0;
}
