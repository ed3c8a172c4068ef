/*
 * util/countmap.h - an open-addressing hash map from a fixed-size key (a
 * few bytes: a 128-bit hash, a tuple of ids) to a count, bounded by the
 * number of distinct keys it may hold. k-anonymity suppression in shuan
 * mask counts its equivalence classes with it, the risk lattice its
 * distinct quasi-identifier tuples.
 */
#ifndef SHUAN_UTIL_COUNTMAP_H
#define SHUAN_UTIL_COUNTMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct shuan_countmap {
	unsigned char *keys; /* cap x ksize */
	uint64_t *counts;    /* per slot; 0 = empty */
	size_t ksize, cap, n, max;
} shuan_countmap;

/* ksize: the bytes of a key (a multiple of 4 keeps keys of uint32_t
 * aligned). max: the most distinct keys it holds; its slots stay below
 * 4 x max (beyond the first 1024), so its memory below
 * 4 x max x (ksize + 8) bytes. */
void shuan_countmap_init(shuan_countmap *m, size_t ksize, size_t max);
void shuan_countmap_free(shuan_countmap *m);
/* Adds count (> 0) to key's count. Returns 0, SHUAN_ELIMIT (no room for a
 * new key, see max) or SHUAN_ENOMEM; the map is unchanged on failure. */
int shuan_countmap_add(shuan_countmap *m, const void *key, uint64_t count);
/* key's count, 0 when absent. */
uint64_t shuan_countmap_get(const shuan_countmap *m, const void *key);
/* Empties the map, keeping its slots. */
void shuan_countmap_clear(shuan_countmap *m);
/* The key in slot i (i < m->cap, m->counts[i] != 0), to walk the map. */
static inline const void *shuan_countmap_key(const shuan_countmap *m, size_t i)
{
	return m->keys + i * m->ksize;
}

#endif
