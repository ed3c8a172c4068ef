/*
 * lib/output/output.h - the findings writers (private; used by the CLI and the
 * server through the static library): text (grouped for people), lines (one
 * per finding), jsonl, json, sarif, csv and summary. Every writer shows
 * masked evidence unless `reveal` is set, never writes a raw value anywhere
 * else, escapes what a terminal would act on in text and CSV (util/text),
 * and writes valid JSON for any bytes (util/json). Names (paths, fields) are
 * written as the caller gives them: the CLI masks PI in them first.
 */
#ifndef SHUAN_LIB_OUTPUT_H
#define SHUAN_LIB_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shuan/finding.h"
#include "shuan/rules.h"
#include "shuan/stats.h"
#include "util/json.h"

#define FINDINGS_SCHEMA_VERSION "2.1"

/* An input the run could not read, or read with a warning (SARIF
 * toolExecutionNotifications). The path is shown as the caller gives it
 * (masked, unless revealing). */
typedef struct shuan_output_notice {
	const char *path;
	const char *text;
	bool error; /* skipped (not read), else a warning */
} shuan_output_notice;

typedef struct shuan_output_summary {
	const char *started;   /* ISO 8601 UTC */
	double elapsed;        /* seconds */
	const char *store_dir; /* NULL with --no-store */
	long long scan_id;     /* 0 when not recorded */
	bool interrupted;
	bool incomplete;       /* an input could not be read or the run failed: not every input was checked */
	const char *fingerprint_alg; /* "hmac-sm3" or "hmac-sha256" */
	bool fingerprint_ephemeral;
	uint64_t unreadable;   /* inputs that could not be read (open or read failed) */
	uint64_t suppressed_ignore, suppressed_baseline; /* findings the ignore file or the baseline accepted */
	const shuan_output_notice *notices;
	size_t nnotices;
	uint64_t notices_dropped; /* beyond the ones kept */
	const char *targets;   /* what was scanned, for the next-step hint (text); may be NULL */
} shuan_output_summary;

typedef struct shuan_output shuan_output;

typedef struct shuan_output_ops {
	void (*begin)(shuan_output *r);
	void (*finding)(shuan_output *r, const shuan_finding *f);
	void (*end)(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum);
} shuan_output_ops;

struct shuan_output {
	FILE *out;
	bool reveal;
	bool color;
	const shuan_rules *rules;
	const shuan_output_ops *ops;
	unsigned long long count;       /* findings handed to the writer */
	bool bom;                       /* csv: a UTF-8 byte order mark first (what Excel needs) */
	bool aggregate;                 /* sarif: one result per file and detector */
	unsigned long long max_results; /* sarif: results written at most; 0 = no cap */
	unsigned long long results;     /* sarif: results written */
	unsigned long long omitted;     /* sarif: findings left out by the cap */
	void *state;                    /* the writer's own (text groups, SARIF aggregates), freed by end */
};

/* The writer for a format name, or NULL when unknown. */
const shuan_output_ops *shuan_output_ops_for(const char *format);

/* Shared by the writers. */
void shuan_output__finding_fields(FILE *out, const shuan_finding *f, bool reveal); /* "key":value,... (no braces) */
void shuan_output__summary_fields(FILE *out, const shuan_stats *st, const shuan_output_summary *sum,
			 const shuan_rules *rules);
void shuan_output_text_summary(FILE *out, const shuan_stats *st, const shuan_output_summary *sum, const shuan_rules *rules);
/* Writes s for a terminal or a text file: escaped (util/text), NULL as "". */
void shuan_output__text(FILE *out, const char *s);
/* Whether a finding is a secret (a credential): --fail-on sensitive counts
 * those as at least as serious as sensitive PI. */
bool shuan_output_is_secret(const shuan_finding *f);

#endif
