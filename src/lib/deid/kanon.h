/*
 * lib/deid/kanon.h - k-anonymity suppression in shuan mask: a policy's
 * k_anonymity rule makes mask read a table twice. The counting pass masks
 * every record without writing it and counts the classes of its masked
 * quasi-identifier values; the masking pass replaces the quasi-identifiers
 * of every record in a class smaller than k by "*" (ARX's record
 * suppression), so the output really is k-anonymous: `shuan risk` on it
 * counts the suppressed records apart and finds k or more in every class.
 *
 * Classes are kept as 128-bit hashes of the tuples (util/hash.h), with a
 * count each; the set of small classes is what the masking pass consults.
 */
#ifndef SHUAN_LIB_DEID_KANON_H
#define SHUAN_LIB_DEID_KANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/hash.h"

typedef enum deid_kanon_mode { KANON_OFF = 0, KANON_COUNT, KANON_SUPPRESS } deid_kanon_mode;

/* An open-addressing map from tuple hash to count (a set when counts are 1). */
typedef struct deid_classmap {
	shuan_hash128 *keys;
	uint64_t *counts;
	size_t cap, n, max;
} deid_classmap;

/* max: the most classes it may hold (SHUAN_ELIMIT beyond). */
void deid_classmap_init(deid_classmap *c, size_t max);
void deid_classmap_free(deid_classmap *c);
int deid_classmap_add(deid_classmap *c, shuan_hash128 h, uint64_t count);
uint64_t deid_classmap_get(const deid_classmap *c, shuan_hash128 h);

#endif
