/*
 * util/countmap.c - the counting hash map (see countmap.h). Linear probing
 * at most half full; grown by doubling.
 */
#include "util/countmap.h"

#include <string.h>

#include "shuan/common.h"
#include "util/alloc.h"

#define FIRST_CAP 1024

void shuan_countmap_init(shuan_countmap *m, size_t ksize, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->ksize = ksize;
	m->max = max;
}

void shuan_countmap_free(shuan_countmap *m)
{
	shuan_free(m->keys);
	shuan_free(m->counts);
	size_t ksize = m->ksize, max = m->max;
	shuan_countmap_init(m, ksize, max);
}

/* 4 bytes at a time, mixed so that tuples of small ids spread. */
static uint64_t key_hash(const unsigned char *k, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull;
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		uint32_t w;
		memcpy(&w, k + i, 4);
		h ^= w + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
		h *= 0xFF51AFD7ED558CCDull;
	}
	for (; i < n; i++) {
		h ^= k[i] + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
		h *= 0xFF51AFD7ED558CCDull;
	}
	return h ^ (h >> 31);
}

static size_t slot_of(const shuan_countmap *m, const void *key)
{
	size_t i = (size_t)key_hash(key, m->ksize) & (m->cap - 1);
	while (m->counts[i] && memcmp(m->keys + i * m->ksize, key, m->ksize))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int grow(shuan_countmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : FIRST_CAP;
	unsigned char *keys = shuan_malloc(cap * m->ksize);
	uint64_t *counts = shuan_calloc(cap, sizeof(*counts));
	if (!keys || !counts) {
		shuan_free(keys);
		shuan_free(counts);
		return SHUAN_ENOMEM;
	}
	shuan_countmap old = *m;
	m->keys = keys;
	m->counts = counts;
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.counts[i]) {
			size_t s = slot_of(m, shuan_countmap_key(&old, i));
			memcpy(m->keys + s * m->ksize, shuan_countmap_key(&old, i), m->ksize);
			m->counts[s] = old.counts[i];
		}
	shuan_free(old.keys);
	shuan_free(old.counts);
	return 0;
}

int shuan_countmap_add(shuan_countmap *m, const void *key, uint64_t count)
{
	int rc;
	size_t s = 0;
	if (m->cap && m->counts[s = slot_of(m, key)]) {
		m->counts[s] += count;
		return 0;
	}
	if (m->n >= m->max)
		return SHUAN_ELIMIT;
	if (m->n + 1 > m->cap / 2) {
		if ((rc = grow(m)) != 0)
			return rc;
		s = slot_of(m, key);
	}
	memcpy(m->keys + s * m->ksize, key, m->ksize);
	m->counts[s] = count;
	m->n++;
	return 0;
}

uint64_t shuan_countmap_get(const shuan_countmap *m, const void *key)
{
	return m->cap ? m->counts[slot_of(m, key)] : 0;
}

void shuan_countmap_clear(shuan_countmap *m)
{
	if (m->counts)
		memset(m->counts, 0, m->cap * sizeof(*m->counts));
	m->n = 0;
}
