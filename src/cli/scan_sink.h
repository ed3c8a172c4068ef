/*
 * cli/scan_sink.h - where `shuan scan` sends what the jobs pool delivers:
 * each finding (names masked, suppression, the --fail-on gate, the writer)
 * and each finished input (messages, the --fail-on-skip gate, SARIF
 * notices), and the terminal they share with the progress line.
 */
#ifndef SHUAN_CLI_SCAN_SINK_H
#define SHUAN_CLI_SCAN_SINK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli/suppress.h"
#include "lib/output/output.h"
#include "shuan/scanner.h"

#define SINK_NOTICES_MAX 1000

typedef enum sink_fail_on { FAIL_ON_NONE, FAIL_ON_ANY, FAIL_ON_SENSITIVE } sink_fail_on;
typedef enum sink_fail_on_skip { FAIL_SKIP_NONE, FAIL_SKIP_NAMED, FAIL_SKIP_ANY } sink_fail_on_skip;

/* Masks PI in names with a scanner of its own; remembers the last few. */
typedef struct name_masker {
	shuan_scanner *s;  /* NULL: names are shown as they are (--reveal) */
	struct {
		char *raw, *shown;
	} cache[8];
	unsigned next;
} name_masker;

/* The shown form of a name: PI masked (unless revealing). Borrowed until
 * the masker has masked 8 other names. NULL stays NULL. */
const char *name_mask(name_masker *m, const char *raw);
void name_masker_clear(name_masker *m);

typedef struct scan_sink {
	shuan_output *rep;
	sink_fail_on fail_on;
	sink_fail_on_skip fail_on_skip;
	bool quiet;
	bool show_suppressed;
	const cli_suppress *sup;
	/* one masker per name kind: a finding's field and location are both
	 * borrowed at once, so they must not evict each other's cache slot */
	name_masker names, fields, locations;
	const char *const *named; /* the paths named on the command line */
	size_t nnamed;
	char (*dbs)[512];          /* display forms of the databases named: they and their tables count as named */
	size_t ndbs;
	/* the terminal shared with the progress line (progress.c) */
	pthread_mutex_t *term;
	bool *progress_shown;      /* a progress line is on stderr now */
	bool flush_each;           /* stdout is a terminal: write whole lines, then flush */
	/* what the run counts */
	unsigned long long gate_hits;
	uint64_t suppressed_ignore, suppressed_baseline;
	uint64_t unreadable;
	uint64_t skip_failures;    /* skips that make --fail-on-skip fail the run */
	shuan_output_notice *notices;
	size_t nnotices;
	uint64_t notices_dropped;
} scan_sink;

void sink_finding(const shuan_finding *f, void *ud);
void sink_input(const char *path, const shuan_input_result *res, void *ud);
/* A path the directory walk could not enter or read. */
void sink_walk_skip(scan_sink *k, const char *path, const char *reason, bool unreadable);
/* A message about a path on stderr, the path masked and escaped, the
 * progress line cleared first. fmt is printed after "shuan: PATH: ". */
void sink_message(scan_sink *k, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sink_free(scan_sink *k);

#endif
