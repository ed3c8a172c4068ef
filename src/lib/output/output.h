/*
 * lib/output/output.h - the findings writers (private; used by the CLI and the
 * server through the static library): text, jsonl, json, sarif,
 * csv. Every writer shows masked evidence unless `reveal` is set, and never
 * writes a raw value anywhere else.
 */
#ifndef SHUAN_LIB_OUTPUT_H
#define SHUAN_LIB_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "shuan/finding.h"
#include "shuan/rules.h"
#include "shuan/stats.h"
#include "util/json.h"

#define FINDINGS_SCHEMA_VERSION "1.2"

typedef struct shuan_output_summary {
	const char *started;   /* ISO 8601 UTC */
	double elapsed;        /* seconds */
	const char *store_dir; /* NULL with --no-store */
	long long scan_id;     /* 0 when not recorded */
	bool interrupted;
	const char *fingerprint_alg; /* "hmac-sm3" or "hmac-sha256" */
	bool fingerprint_ephemeral;
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
	unsigned long long count;
};

/* The writer for a format name, or NULL when unknown. */
const shuan_output_ops *shuan_output_ops_for(const char *format);

/* Shared by the writers. */
void shuan_output__finding_fields(FILE *out, const shuan_finding *f, bool reveal); /* "key":value,... (no braces) */
void shuan_output__summary_fields(FILE *out, const shuan_stats *st, const shuan_output_summary *sum,
			 const shuan_rules *rules);
void shuan_output_text_summary(FILE *out, const shuan_stats *st, const shuan_output_summary *sum, const shuan_rules *rules);

#endif
