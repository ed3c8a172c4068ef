/*
 * shuan/risk.h - re-identification risk of a table (重识别风险): equivalence
 * classes of quasi-identifiers, k-anonymity, ℓ-diversity of a sensitive
 * attribute, and the prosecutor, journalist and marketer risks as ARX
 * computes them (El Emam's model, RiskModelSampleSummary), plus the search
 * of the generalisation lattice for the least generalised combination that
 * reaches k (shuan risk --suggest), written as a shuan mask policy.
 *
 * Definitions (n records, classes C with sizes |c|, suppressed records -
 * those whose quasi-identifiers are all "*" - left out, as ARX does):
 *   k               min |c|
 *   below_k         records in classes smaller than the target k; share = below_k / n
 *   l_distinct      min over classes of the number of distinct sensitive values
 *   l_entropy       min over classes of exp(H), H = -sum p log p of the sensitive
 *                   values in the class (entropy ℓ-diversity: H >= log ℓ)
 *   prosecutor_max  1 / k: the risk of the most exposed record
 *   prosecutor_avg  |C| / n: the share of records re-identified on average
 *   journalist_max  1 / min |C_population| over the sample's classes; with no
 *                   population table the data is its own population and it
 *                   equals prosecutor_max (ARX without a research subset)
 *   marketer        sum |c| / |C_population| / n, likewise |C| / n without one
 *
 * Memory is bounded: classes are counted in a hash table of 128-bit tuple
 * hashes up to the memory budget, then hash-partitioned to temporary files
 * and counted partition by partition, so a table larger than RAM works.
 */
#ifndef SHUAN_RISK_H
#define SHUAN_RISK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shuan/db.h"
#include "shuan/rules.h"
#include "shuan/scanner.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SHUAN_RISK_OPTIONS_VERSION 1
typedef struct shuan_risk_options {
	unsigned version;          /* SHUAN_RISK_OPTIONS_VERSION */
	const shuan_rules *rules;  /* the data tables (GB/T 2260 for address levels); required for --suggest */
	const char *rules_dir;     /* for rules/deid/quasi_identifiers.yaml; required */
	/* quasi-identifier columns, NULL-terminated, each "name" or "name:kind"
	 * (kinds from quasi_identifiers.yaml: date, age, address, postcode, sex,
	 * ...); NULL: the columns whose names the rules list */
	const char *const *qi;
	const char *sensitive;     /* the sensitive attribute's column, or NULL (no ℓ) */
	uint64_t k;                /* the target k for below_k (and --suggest); 0 = 5 */
	size_t memory;             /* bytes for classes before spilling to disk; 0 = 512 MiB */
	const char *tmpdir;        /* where partitions spill; NULL = $TMPDIR or /tmp */
	shuan_format format;       /* CSV or TSV; AUTO by name and content */
	const char *encoding;      /* NULL = detect */
	bool allow_ragged;         /* rows with another number of fields than the header: skip, don't fail */
	int year, month, day;      /* the reference date for age bands (--suggest); 0 = today */
	const atomic_int *cancel;
} shuan_risk_options;
#define SHUAN_RISK_OPTIONS_INIT {SHUAN_RISK_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0, NULL, SHUAN_FORMAT_AUTO, NULL, false, 0, 0, 0, NULL}

/* Classes of sizes [min, max]: how many, with how many records. */
typedef struct shuan_risk_bucket {
	uint64_t min, max, classes, records;
} shuan_risk_bucket;

typedef struct shuan_risk_result {
	uint64_t records;          /* analysed (suppressed ones left out) */
	uint64_t suppressed;       /* records whose quasi-identifiers are all "*" */
	uint64_t skipped;          /* ragged rows left out (allow_ragged) */
	uint64_t classes, k, target_k, below_k;
	double below_k_share;
	bool have_sensitive;
	uint64_t l_distinct;
	double l_entropy;
	double prosecutor_max, prosecutor_avg, journalist_max, marketer;
	shuan_risk_bucket *buckets; /* the class-size distribution, ascending */
	size_t nbuckets;
	char **qi;                 /* the quasi-identifiers used, "name" (kind in qi_kind) */
	char **qi_kind;
	size_t nqi;
	uint64_t partitions;       /* partitions spilled to disk (0: all in memory) */
	char error[256];           /* why it failed; never contains data */
} shuan_risk_result;

/*
 * Analyses the table at path ("-" = standard input). Returns 0, or a
 * negative code with r->error naming the input and the reason (a missing
 * column, a ragged row, a broken quote, an encoding problem, SHUAN_EIO on
 * the spill files). Free r with shuan_risk_result_free() in every case.
 */
SHUAN_API int shuan_risk_file(const char *path, const shuan_risk_options *o, shuan_risk_result *r);
SHUAN_API void shuan_risk_result_free(shuan_risk_result *r);

/*
 * The same analysis on every row of database table `table` ("schema.table"
 * or "table") of `source` (a database URL or an SQLite file, shuan/db.h),
 * read as the CSV of its rows would be (a NULL counts as an empty value;
 * a binary value that is not text, too), so the figures equal those of that
 * CSV. o->format and o->encoding do not apply. r->error names the source
 * and table, never a password.
 */
SHUAN_API int shuan_risk_table(const char *source, const char *table, const shuan_db_options *db,
			       const shuan_risk_options *o, shuan_risk_result *r);

/* The result of the lattice search. */
typedef struct shuan_risk_suggestion shuan_risk_suggestion;

/*
 * Searches the generalisation lattice of the quasi-identifiers' hierarchies
 * (rules/deid/quasi_identifiers.yaml) for the least generalised combination
 * whose classes smaller than k hold at most max_suppression of the records
 * (those are suppressed). Least generalised: the lowest sum of levels,
 * then the fewest suppressed records, then the smallest loss (the mean of
 * level / top level). The distinct combinations of quasi-identifier values
 * must fit in o->memory. Returns 0 (found or not: see
 * shuan_risk_suggestion_found), or a negative code with err set.
 */
SHUAN_API int shuan_risk_suggest(const char *path, const shuan_risk_options *o, double max_suppression,
				 shuan_risk_suggestion **out, char *err, size_t errlen);
/* The same search on every row of a database table (as shuan_risk_table
 * reads it). */
SHUAN_API int shuan_risk_suggest_table(const char *source, const char *table, const shuan_db_options *db,
				       const shuan_risk_options *o, double max_suppression,
				       shuan_risk_suggestion **out, char *err, size_t errlen);
SHUAN_API void shuan_risk_suggestion_free(shuan_risk_suggestion *s);
SHUAN_API bool shuan_risk_suggestion_found(const shuan_risk_suggestion *s);

/* Writes the suggestion as a shuan mask policy (YAML: columns and a
 * k_anonymity rule) / as a JSON report. Return 0 or SHUAN_EIO. */
SHUAN_API int shuan_risk_suggestion_write_policy(const shuan_risk_suggestion *s, FILE *out);
SHUAN_API int shuan_risk_suggestion_write_json(const shuan_risk_suggestion *s, FILE *out);
/* A human summary (several lines). */
SHUAN_API int shuan_risk_suggestion_write_text(const shuan_risk_suggestion *s, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
