/*
 * shuan/stats.h - scan aggregates: inputs scanned and skipped (with reasons),
 * bytes, findings and distinct values per detector. Aggregates are mergeable
 * so that per-thread (or per-machine) scans can be combined.
 *
 * Distinct values are counted by fingerprint, exactly up to a memory cap of
 * SHUAN_STATS_DISTINCT_CAP fingerprints per aggregate; past it the count is a
 * lower bound and shuan_stats_distinct_exact() returns false.
 * A shuan_stats is not thread-safe: use one per thread and merge.
 */
#ifndef SHUAN_STATS_H
#define SHUAN_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "shuan/finding.h"
#include "shuan/scanner.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SHUAN_STATS_DISTINCT_CAP (1u << 21)

typedef struct shuan_stats shuan_stats;

typedef struct shuan_stats_detector {
	const char *id;       /* detector id (owned by the stats) */
	uint64_t findings;
	uint64_t distinct;    /* distinct fingerprints */
	uint64_t sensitive;   /* findings that are sensitive PI */
} shuan_stats_detector;

SHUAN_API int shuan_stats_new(shuan_stats **out);
SHUAN_API void shuan_stats_free(shuan_stats *st);

/* Counts one finding (its fingerprint feeds the distinct count). */
SHUAN_API int shuan_stats_add_finding(shuan_stats *st, const shuan_finding *f);

/* Counts one input: scanned when res->skipped == 0, interrupted (partly
 * scanned: its bytes count) when res->skipped == SHUAN_EINTR, else skipped
 * under res->reason. */
SHUAN_API int shuan_stats_add_input(shuan_stats *st, const shuan_input_result *res);

/* Counts an input skipped before it was opened (a walk error, a loop). */
SHUAN_API int shuan_stats_add_skip(shuan_stats *st, const char *reason);

/* Adds everything in `from` to `into`. */
SHUAN_API int shuan_stats_merge(shuan_stats *into, const shuan_stats *from);

SHUAN_API uint64_t shuan_stats_inputs_scanned(const shuan_stats *st);
SHUAN_API uint64_t shuan_stats_inputs_skipped(const shuan_stats *st);
SHUAN_API uint64_t shuan_stats_bytes(const shuan_stats *st);
SHUAN_API uint64_t shuan_stats_findings(const shuan_stats *st);
SHUAN_API uint64_t shuan_stats_sensitive(const shuan_stats *st);
SHUAN_API uint64_t shuan_stats_invalid_utf8(const shuan_stats *st);
/* Stored bytes decoders replaced with U+FFFD (GB18030, UTF-16 inputs). */
SHUAN_API uint64_t shuan_stats_invalid_bytes(const shuan_stats *st);
SHUAN_API bool shuan_stats_distinct_exact(const shuan_stats *st);
/* Inputs the cancel flag stopped part-way (results with skipped ==
 * SHUAN_EINTR): neither scanned nor skipped. */
SHUAN_API uint64_t shuan_stats_inputs_interrupted(const shuan_stats *st);
/* Scanned inputs whose result carried a warning. */
SHUAN_API uint64_t shuan_stats_warned(const shuan_stats *st);
/* Inputs a limit stopped, wholly (skipped) or in part (a warning). */
SHUAN_API uint64_t shuan_stats_limit_hits(const shuan_stats *st, shuan_limit l);

/* Per-detector rows in id order; i < shuan_stats_detector_count(). */
SHUAN_API size_t shuan_stats_detector_count(const shuan_stats *st);
SHUAN_API const shuan_stats_detector *shuan_stats_detector_at(const shuan_stats *st, size_t i);

/* Skip reasons with their counts, in first-seen order. */
SHUAN_API size_t shuan_stats_skip_count(const shuan_stats *st);
SHUAN_API const char *shuan_stats_skip_reason(const shuan_stats *st, size_t i, uint64_t *count);

#ifdef __cplusplus
}
#endif
#endif
