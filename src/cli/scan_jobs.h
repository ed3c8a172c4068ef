/*
 * cli/scan_jobs.h - scanning a list of files with N worker threads.
 *
 * Work items are whole files, or line-aligned parts of a large UTF-8 file.
 * Each worker owns a scanner and a stats aggregate (merged at the end).
 * Findings are written in item order, so the output is the same whatever
 * the number of jobs: a worker buffers the findings of an item that is not
 * yet due (up to a cap, then it waits) and writes directly once its item is
 * the next one due.
 */
#ifndef SHUAN_CLI_SCAN_JOBS_H
#define SHUAN_CLI_SCAN_JOBS_H

#include <stdbool.h>

#include "cli/report.h"
#include "shuan/scanner.h"
#include "shuan/source.h"
#include "shuan/stats.h"

typedef struct jobs_config {
	int jobs;                       /* worker threads, >= 1 */
	const shuan_rules *rules;
	const shuan_scan_options *scan; /* copied into each worker's scanner */
	const shuan_source_options *source;
	report *rep;                    /* the output; only ever written in item order */
	int fail_on;                    /* 0 none, 1 any, 2 sensitive */
	bool quiet;                     /* no per-input messages */
	bool progress;                  /* a progress line on stderr */
	uint64_t split_min;             /* files at least this large are split (0 = never) */
	uint64_t part_size;             /* target part size */
} jobs_config;

typedef struct jobs_result {
	unsigned long long gate_hits;   /* findings at or above --fail-on */
	bool interrupted;
	bool error;                     /* out of memory or a thread failed */
} jobs_result;

/* Scans paths[0..n) (regular files or "-") and merges every worker's stats
 * into `stats`. */
int jobs_run(const jobs_config *c, char *const *paths, size_t n, shuan_stats *stats, jobs_result *out);

#endif
