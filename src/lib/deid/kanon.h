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
 * count each (util/countmap.h); the set of small classes is what the
 * masking pass consults.
 */
#ifndef SHUAN_LIB_DEID_KANON_H
#define SHUAN_LIB_DEID_KANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/countmap.h"
#include "util/hash.h"

typedef enum deid_kanon_mode { KANON_OFF = 0, KANON_COUNT, KANON_SUPPRESS } deid_kanon_mode;

/* The class map: a count per 128-bit tuple hash (util/countmap.h). */
typedef shuan_countmap deid_classmap;

/* max: the most classes it may hold (SHUAN_ELIMIT beyond). */
static inline void deid_classmap_init(deid_classmap *c, size_t max)
{
	shuan_countmap_init(c, sizeof(shuan_hash128), max);
}

#endif
