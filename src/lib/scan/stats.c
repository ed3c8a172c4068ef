/*
 * lib/scan/stats.c - scan aggregates. Distinct values are kept as 64-bit keys
 * (the findings' distinct_key, else a prefix of the keyed fingerprint) in
 * one open-addressing set per aggregate (a flat
 * uint64 array: the smallest structure that bounds memory exactly; no Debian
 * library offers a capped integer set).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shuan/stats.h"
#include "util/alloc.h"

/* A set of 64-bit fingerprint prefixes, open addressing, 0 = empty slot. */
typedef struct fpset {
	uint64_t *v;
	size_t cap, n;
} fpset;

typedef struct det_row {
	shuan_stats_detector pub;
	char id[64];
	fpset set;
} det_row;

typedef struct skip_row {
	char reason[160];
	uint64_t count;
} skip_row;

struct shuan_stats {
	uint64_t scanned, skipped, bytes, findings, sensitive, invalid_utf8, invalid_bytes;
	det_row *dets;
	size_t ndets;
	skip_row *skips;
	size_t nskips;
	size_t held;  /* fingerprints held over all rows (bounded by the cap) */
	uint64_t limits[SHUAN_LIMIT_MAX + 1]; /* inputs each limit stopped, wholly or in part */
	uint64_t warned;                      /* scanned inputs with a warning */
	uint64_t interrupted;                 /* inputs the cancel flag stopped part-way */
	size_t last_row; /* findings come in runs of one detector: the row found last */
	bool capped;
};

int shuan_stats_new(shuan_stats **out)
{
	*out = shuan_calloc(1, sizeof(**out));
	if (!*out)
		return SHUAN_ENOMEM;
	(*out)->last_row = SIZE_MAX;
	return 0;
}

void shuan_stats_free(shuan_stats *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->ndets; i++)
		shuan_free(st->dets[i].set.v);
	shuan_free(st->dets);
	shuan_free(st->skips);
	shuan_free(st);
}

static det_row *det_get(shuan_stats *st, const char *id)
{
	/* The last row is checked by name, not by the id's pointer: rules that
	 * were freed and loaded again may reuse the address for another id. */
	if (st->last_row < st->ndets && !strcmp(st->dets[st->last_row].id, id))
		return &st->dets[st->last_row];
	for (size_t i = 0; i < st->ndets; i++)
		if (!strcmp(st->dets[i].id, id)) {
			st->last_row = i;
			return &st->dets[i];
		}
	st->last_row = SIZE_MAX; /* a new row re-sorts the rows below */
	det_row *v = shuan_realloc(st->dets, (st->ndets + 1) * sizeof(*v));
	if (!v)
		return NULL;
	st->dets = v;
	det_row *r = &v[st->ndets];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	/* keep id order; fix up pub.id pointers after the move */
	st->ndets++;
	for (size_t i = st->ndets - 1; i > 0 && strcmp(v[i - 1].id, v[i].id) > 0; i--) {
		det_row t = v[i - 1];
		v[i - 1] = v[i];
		v[i] = t;
		r = &v[i - 1];
	}
	for (size_t i = 0; i < st->ndets; i++)
		v[i].pub.id = v[i].id;
	return r;
}

static size_t slot(uint64_t key, size_t cap) { return (size_t)(key * 0x9E3779B97F4A7C15ull) & (cap - 1); }

static int fpset_grow(fpset *f)
{
	size_t cap = f->cap ? f->cap * 2 : 256;
	uint64_t *n = shuan_calloc(cap, sizeof(uint64_t));
	if (!n)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < f->cap; i++) {
		if (!f->v[i])
			continue;
		size_t j = slot(f->v[i], cap);
		while (n[j])
			j = (j + 1) & (cap - 1);
		n[j] = f->v[i];
	}
	shuan_free(f->v);
	f->v = n;
	f->cap = cap;
	return 0;
}

/* Inserts key into the row's set; returns 1 when it is new. Past the cap (or
 * out of memory) new keys are not held and the stats are marked capped. */
static int set_insert(shuan_stats *st, fpset *f, uint64_t key)
{
	if (key == 0)
		key = 1;
	if (f->cap) {
		for (size_t j = slot(key, f->cap); f->v[j]; j = (j + 1) & (f->cap - 1))
			if (f->v[j] == key)
				return 0;
	}
	if (st->held >= SHUAN_STATS_DISTINCT_CAP || ((f->n + 1) * 2 > f->cap && fpset_grow(f))) {
		st->capped = true;
		return 0;
	}
	size_t j = slot(key, f->cap);
	while (f->v[j])
		j = (j + 1) & (f->cap - 1);
	f->v[j] = key;
	f->n++;
	st->held++;
	return 1;
}

static uint64_t fp_key(const char *fp)
{
	uint64_t k = 0;
	for (int i = 0; i < 16 && fp[i]; i++) {
		char c = fp[i];
		k = (k << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return k;
}

int shuan_stats_add_finding(shuan_stats *st, const shuan_finding *f)
{
	det_row *r = det_get(st, f->detector->id);
	if (!r)
		return SHUAN_ENOMEM;
	r->pub.findings++;
	st->findings++;
	if (f->sensitive) {
		r->pub.sensitive++;
		st->sensitive++;
	}
	/* the distinct key when the scanner gave one (a SipHash, cheap); else
	 * the fingerprint's first 64 bits */
	if (f->distinct_key)
		r->pub.distinct += (uint64_t)set_insert(st, &r->set, f->distinct_key);
	else if (f->fingerprint && f->fingerprint[0])
		r->pub.distinct += (uint64_t)set_insert(st, &r->set, fp_key(f->fingerprint));
	return 0;
}

int shuan_stats_add_skip(shuan_stats *st, const char *reason)
{
	st->skipped++;
	for (size_t i = 0; i < st->nskips; i++)
		if (!strcmp(st->skips[i].reason, reason)) {
			st->skips[i].count++;
			return 0;
		}
	skip_row *v = shuan_realloc(st->skips, (st->nskips + 1) * sizeof(*v));
	if (!v)
		return SHUAN_ENOMEM;
	st->skips = v;
	snprintf(v[st->nskips].reason, sizeof(v[st->nskips].reason), "%s", reason);
	v[st->nskips].count = 1;
	st->nskips++;
	return 0;
}

int shuan_stats_add_input(shuan_stats *st, const shuan_input_result *res)
{
	st->bytes += res->bytes;
	st->invalid_utf8 += res->invalid_utf8;
	st->invalid_bytes += res->invalid_bytes;
	if (res->limit > SHUAN_LIMIT_NONE && res->limit <= SHUAN_LIMIT_MAX)
		st->limits[res->limit]++;
	if (res->skipped == SHUAN_EINTR) {
		st->interrupted++; /* partly scanned: its bytes and findings count */
		return 0;
	}
	if (res->skipped)
		return shuan_stats_add_skip(st, res->reason[0] ? res->reason : "skipped");
	st->warned += res->warning[0] != '\0';
	st->scanned++;
	return 0;
}

int shuan_stats_merge(shuan_stats *into, const shuan_stats *from)
{
	into->scanned += from->scanned;
	into->bytes += from->bytes;
	into->findings += from->findings;
	into->sensitive += from->sensitive;
	into->invalid_utf8 += from->invalid_utf8;
	into->invalid_bytes += from->invalid_bytes;
	into->warned += from->warned;
	into->interrupted += from->interrupted;
	for (int l = 0; l <= SHUAN_LIMIT_MAX; l++)
		into->limits[l] += from->limits[l];
	for (size_t i = 0; i < from->nskips; i++)
		for (uint64_t k = 0; k < from->skips[i].count; k++)
			if (shuan_stats_add_skip(into, from->skips[i].reason))
				return SHUAN_ENOMEM;
	for (size_t i = 0; i < from->ndets; i++) {
		const det_row *fr = &from->dets[i];
		det_row *r = det_get(into, fr->id);
		if (!r)
			return SHUAN_ENOMEM;
		r->pub.findings += fr->pub.findings;
		r->pub.sensitive += fr->pub.sensitive;
		for (size_t k = 0; k < fr->set.cap; k++)
			if (fr->set.v[k])
				r->pub.distinct += (uint64_t)set_insert(into, &r->set, fr->set.v[k]);
	}
	into->capped |= from->capped;
	return 0;
}

uint64_t shuan_stats_inputs_scanned(const shuan_stats *st) { return st->scanned; }
uint64_t shuan_stats_inputs_skipped(const shuan_stats *st) { return st->skipped; }
uint64_t shuan_stats_bytes(const shuan_stats *st) { return st->bytes; }
uint64_t shuan_stats_findings(const shuan_stats *st) { return st->findings; }
uint64_t shuan_stats_sensitive(const shuan_stats *st) { return st->sensitive; }
uint64_t shuan_stats_invalid_utf8(const shuan_stats *st) { return st->invalid_utf8; }
uint64_t shuan_stats_invalid_bytes(const shuan_stats *st) { return st->invalid_bytes; }
bool shuan_stats_distinct_exact(const shuan_stats *st) { return !st->capped; }
uint64_t shuan_stats_warned(const shuan_stats *st) { return st->warned; }
uint64_t shuan_stats_inputs_interrupted(const shuan_stats *st) { return st->interrupted; }
uint64_t shuan_stats_limit_hits(const shuan_stats *st, shuan_limit l)
{
	return l > SHUAN_LIMIT_NONE && l <= SHUAN_LIMIT_MAX ? st->limits[l] : 0;
}
size_t shuan_stats_detector_count(const shuan_stats *st) { return st->ndets; }
const shuan_stats_detector *shuan_stats_detector_at(const shuan_stats *st, size_t i)
{
	return i < st->ndets ? &st->dets[i].pub : NULL;
}
size_t shuan_stats_skip_count(const shuan_stats *st) { return st->nskips; }
const char *shuan_stats_skip_reason(const shuan_stats *st, size_t i, uint64_t *count)
{
	if (i >= st->nskips)
		return NULL;
	if (count)
		*count = st->skips[i].count;
	return st->skips[i].reason;
}
