/*
 * shuan/jobs.h - scanning a list of paths with N worker threads, findings
 * delivered in input order.
 *
 * Work items are whole paths (files, archives, Office documents, stdin), or
 * line-aligned parts of a large plain UTF-8 file (shuan_scanner__splittable).
 * Each worker owns a scanner and a stats aggregate; the aggregates are
 * merged into the caller's at the end. The sink sees findings in item order
 * and line numbers of a part continue those of the parts before it, so what
 * a sink receives is the same for any number of jobs.
 *
 * Memory: a worker whose item is not yet due keeps its findings as compact
 * records, up to 32 MiB, then waits for its turn; total memory is bounded by
 * jobs x 32 MiB plus the scanners' chunks.
 */
#ifndef SHUAN_JOBS_H
#define SHUAN_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/scanner.h"
#include "shuan/source.h"
#include "shuan/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shuan_jobs shuan_jobs;

#define SHUAN_JOBS_OPTIONS_VERSION 1
typedef struct shuan_jobs_options {
	unsigned version;      /* SHUAN_JOBS_OPTIONS_VERSION */
	int jobs;              /* worker threads; 0 = 1 */
	uint64_t split_min;    /* files at least this large are split into parts; 0 = never split */
	uint64_t part_size;    /* target size of a part; 0 = 16 MiB */
	bool keep_values;      /* buffered findings keep their raw value (for a sink that reveals) */
} shuan_jobs_options;
#define SHUAN_JOBS_OPTIONS_INIT {SHUAN_JOBS_OPTIONS_VERSION, 1, 0, 0, false}

/*
 * Where a run's results go. Both callbacks are serialised by the pool (never
 * two at once, so a sink needs no lock of its own) and may be called from any
 * worker thread. `finding` sees findings in input order; `input` sees every
 * input once it is finished (a file, each archive member, a split file once
 * all its parts are done) - in completion order, not input order. Either may
 * be NULL.
 */
typedef struct shuan_jobs_sink {
	void (*finding)(const shuan_finding *f, void *userdata);
	void (*input)(const char *path, const shuan_input_result *result, void *userdata);
	void *userdata;
} shuan_jobs_sink;

/* A snapshot of a run's progress (shuan_jobs_progress). */
typedef struct shuan_jobs_progress {
	uint64_t bytes_done, bytes_total; /* of the named regular files */
	size_t files_done, files_total;
} shuan_jobs_progress;

typedef struct shuan_jobs_result {
	bool interrupted; /* the scan options' cancel flag stopped the run */
	int error;        /* 0, or why results are incomplete: SHUAN_ENOMEM, SHUAN_ERROR (no thread) */
} shuan_jobs_result;

/*
 * Creates a pool of opts->jobs scanners on `rules` (which must outlive the
 * pool) with the scan options `scan` and, for archives, `source` (may be
 * NULL). Returns 0, SHUAN_EINVAL (an option a scanner refuses) or
 * SHUAN_ENOMEM.
 */
SHUAN_API int shuan_jobs_new(shuan_jobs **out, const shuan_rules *rules, const shuan_scan_options *scan,
			     const shuan_source_options *source, const shuan_jobs_options *opts);
SHUAN_API void shuan_jobs_free(shuan_jobs *j);

/*
 * Scans paths[0..n) (regular files or "-") and adds every worker's stats to
 * `stats`. What was completed before an interruption or a failure is still
 * delivered, in order. Returns 0 (see result for interruption and errors) or
 * SHUAN_ENOMEM before anything was scanned. One run at a time per pool.
 */
SHUAN_API int shuan_jobs_run(shuan_jobs *j, const char *const *paths, size_t n, const shuan_jobs_sink *sink,
			     shuan_stats *stats, shuan_jobs_result *result);

/* The progress of the current (or last) run. Thread-safe: meant to be
 * called from another thread while shuan_jobs_run works. */
SHUAN_API void shuan_jobs_progress_get(const shuan_jobs *j, shuan_jobs_progress *out);

#ifdef __cplusplus
}
#endif
#endif
