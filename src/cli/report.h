/*
 * cli/report.h - output formats of `shuan scan`: text, jsonl, json, sarif,
 * csv. Every writer shows masked evidence unless `reveal` is set, and never
 * writes a raw value anywhere else.
 */
#ifndef SHUAN_CLI_REPORT_H
#define SHUAN_CLI_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "shuan/finding.h"
#include "shuan/rules.h"
#include "shuan/stats.h"

#define FINDINGS_SCHEMA_VERSION "1.1"

typedef struct report_summary {
	const char *started;   /* ISO 8601 UTC */
	double elapsed;        /* seconds */
	const char *store_dir; /* NULL with --no-store */
	long long scan_id;     /* 0 when not recorded */
	bool interrupted;
	const char *fingerprint_alg; /* "hmac-sm3" or "hmac-sha256" */
	bool fingerprint_ephemeral;
} report_summary;

typedef struct report report;

typedef struct report_ops {
	void (*begin)(report *r);
	void (*finding)(report *r, const shuan_finding *f);
	void (*end)(report *r, const shuan_stats *st, const report_summary *sum);
} report_ops;

struct report {
	FILE *out;
	bool reveal;
	bool color;
	const shuan_rules *rules;
	const report_ops *ops;
	unsigned long long count;
};

/* The writer for a format name, or NULL when unknown. */
const report_ops *report_ops_for(const char *format);

/* Shared by the writers. */
void json_string(FILE *out, const char *s, size_t n);       /* a quoted, escaped JSON string */
void json_cstring(FILE *out, const char *s);                /* NULL -> null */
void json_finding_fields(FILE *out, const shuan_finding *f, bool reveal); /* "key":value,... (no braces) */
void json_summary_fields(FILE *out, const shuan_stats *st, const report_summary *sum,
			 const shuan_rules *rules);
void text_summary(FILE *out, const shuan_stats *st, const report_summary *sum, const shuan_rules *rules);

#endif
