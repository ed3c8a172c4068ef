/*
 * shuan/deid.h - de-identification (去标识化): masking personal information in
 * files with 商用密码 algorithms (HMAC-SM3, SM4), and reversing encryption.
 *
 * Three objects:
 *   shuan_key     a secret key file (shuan keygen): pseudonyms, surrogates and
 *                 encryption are keyed by it, so the same value gives the same
 *                 output across files and runs under the same key;
 *   shuan_policy  what to mask and how: actions for detector findings in any
 *                 text, for whole columns (CSV/TSV/xlsx headers, table columns)
 *                 and JSON key paths (a YAML file and/or KEY=ACTION strings);
 *   shuan_masker  the policy compiled against a rule set and a key; masks
 *                 files (streaming, bounded memory, N threads with output
 *                 byte-identical to one) and keeps the counts for the report.
 *
 * Actions: keep, redact, partial, generalize, pseudonymize, encrypt,
 * surrogate (see docs/masking.md for each one's parameters and output).
 *
 * Secrets: a key's bytes are never written anywhere but its key file, and no
 * message of this API ever contains a key or an input value.
 */
#ifndef SHUAN_DEID_H
#define SHUAN_DEID_H

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

/* ---- keys ---- */

typedef struct shuan_key shuan_key;

/* Characters of a key check value (hex) including the NUL. */
#define SHUAN_KEY_CHECK_LEN 17

/*
 * Writes a new key file at `path` with 256 random bits from the OS CSPRNG,
 * created with mode 0600. An existing file is refused (SHUAN_EINVAL) unless
 * `overwrite`. check_out (SHUAN_KEY_CHECK_LEN bytes, may be NULL) receives
 * the key check value, which identifies the key without revealing it.
 * Returns 0, SHUAN_EINVAL, SHUAN_EIO or SHUAN_ERROR (no random bytes), with
 * a message in err.
 */
SHUAN_API int shuan_key_generate(const char *path, bool overwrite, char *check_out, char *err, size_t errlen);

/*
 * Loads a key file. Refuses a file others may read (group or world
 * permission bits: "chmod 600"), a malformed one, and one whose check value
 * does not match its secret (damaged). Returns 0, SHUAN_ENOTFOUND,
 * SHUAN_EIO, SHUAN_EINVAL or SHUAN_ENOMEM with a message in err (never the
 * secret). The key is immutable and may be shared by threads.
 */
SHUAN_API int shuan_key_load(shuan_key **out, const char *path, char *err, size_t errlen);

/* Wipes and frees the key. NULL is a no-op. */
SHUAN_API void shuan_key_free(shuan_key *k);

/* The key's check value: 16 hex digits, safe to show and to log. */
SHUAN_API const char *shuan_key_check(const shuan_key *k);

/* ---- policies ---- */

typedef struct shuan_policy shuan_policy;

/* An empty policy: every detector finding is redacted (action "redact"),
 * no field rules. Returns 0 or SHUAN_ENOMEM. */
SHUAN_API int shuan_policy_new(shuan_policy **out);
SHUAN_API void shuan_policy_free(shuan_policy *p);

/*
 * Adds the rules of a policy file (YAML; see docs/masking.md): `scan`,
 * `default`, `detectors`, `columns`, `paths` and `k_anonymity`. Unknown
 * keys, unknown actions or parameters and bad values are errors naming
 * file:line:column. Later rules for the same key replace earlier ones.
 * Returns 0, SHUAN_ERULES, SHUAN_ENOTFOUND, SHUAN_EIO or SHUAN_ENOMEM.
 */
SHUAN_API int shuan_policy_load_file(shuan_policy *p, const char *path, char *err, size_t errlen);

/*
 * Adds one rule from the command line: "KEY=ACTION[:PARAM=VALUE,...]",
 * e.g. "cn_mobile=partial:first=3,last=4" or "出生日期=generalize:to=year".
 * KEY is a detector id when `rules` has a detector of that id, else a field
 * name (a column and a JSON path alike). Returns 0 or SHUAN_EINVAL with a
 * message naming the problem.
 */
SHUAN_API int shuan_policy_add_rule(shuan_policy *p, const shuan_rules *rules, const char *spec, char *err,
				    size_t errlen);

/* Sets the action for findings of detectors without a rule ("ACTION[:...]").
 * Returns 0 or SHUAN_EINVAL. */
SHUAN_API int shuan_policy_set_default(shuan_policy *p, const char *action, char *err, size_t errlen);

/* Whether detectors look for values in free text and cells without a field
 * rule (true by default; a policy's `scan: none` turns it off). */
SHUAN_API void shuan_policy_set_scan(shuan_policy *p, bool on);

/* Whether any rule needs a key (pseudonymize, encrypt, surrogate). */
SHUAN_API bool shuan_policy_needs_key(const shuan_policy *p);

/* ---- masking ---- */

#define SHUAN_MASK_OPTIONS_VERSION 1
typedef struct shuan_mask_options {
	unsigned version;            /* SHUAN_MASK_OPTIONS_VERSION */
	const char *rules_dir;       /* for the tables surrogates draw from (rules/data); required */
	int jobs;                    /* worker threads; 0 = 1. Output is the same for any number */
	shuan_format format;         /* AUTO: by extension, then content */
	const char *encoding;        /* the input's encoding; NULL or "auto" = detect */
	const char *output_encoding; /* NULL = the input's: utf-8, gb18030, gbk, utf-16le, utf-16be */
	int year, month, day;        /* the reference date for ages (age bands, surrogate dates); 0 = today */
	size_t max_record;           /* longest record (line, CSV row, JSON string) in bytes; 0 = 64 MiB */
	bool allow_ragged;           /* CSV rows with more or fewer cells than the header: mask, don't fail */
	const atomic_int *cancel;    /* set non-zero to stop (SHUAN_EINTR) */
	bool unmask;                 /* reverse: decrypt every encrypt token instead of masking */
	const char *tmpdir;          /* where k_anonymity on a table keeps its rows for the second pass
	                                (NULL: $TMPDIR, else /tmp) */
} shuan_mask_options;
#define SHUAN_MASK_OPTIONS_INIT {SHUAN_MASK_OPTIONS_VERSION, NULL, 1, SHUAN_FORMAT_AUTO, NULL, NULL, 0, 0, 0, 0, false, NULL, false, NULL}

typedef struct shuan_masker shuan_masker;

/*
 * Compiles `policy` against `rules` (both must outlive the masker) and `key`
 * (may be NULL when the policy needs none; else it must outlive the masker).
 * A rule naming a detector the rule set lacks, an action that cannot apply
 * to its detector (a surrogate for a detector without a generator), or a
 * missing key is an error here, before any input is read. With
 * opts->unmask the policy may be NULL and the key is required. Returns 0,
 * SHUAN_EINVAL, SHUAN_ENOTFOUND (a table) or SHUAN_ENOMEM, with a message
 * in err.
 */
SHUAN_API int shuan_masker_new(shuan_masker **out, const shuan_rules *rules, const shuan_policy *policy,
			       const shuan_key *key, const shuan_mask_options *opts, char *err, size_t errlen);
SHUAN_API void shuan_masker_free(shuan_masker *m);

/* What masking one input did. */
typedef struct shuan_mask_result {
	shuan_format format;        /* the format read */
	char encoding[16];          /* the input's encoding */
	char output_encoding[16];
	uint64_t bytes_in, bytes_out;
	uint64_t records;           /* rows, lines or JSON values */
	uint64_t masked;            /* values replaced */
	uint64_t invalid;           /* values an action could not apply to (fallback used) */
	uint64_t invalid_utf8;      /* invalid UTF-8 sequences passed through unchanged */
	uint64_t suppressed;        /* records whose quasi-identifiers were suppressed (k_anonymity) */
	uint64_t dropped;           /* database values not text (binary) written as NULL (shuan_mask_table) */
	char error[256];            /* why it failed; never contains input data */
} shuan_mask_result;

/*
 * Masks (or with opts->unmask, unmasks) the input at in_path ("-" = standard
 * input) into out_path ("-" = standard output; xlsx needs a file). A file
 * output is written to a temporary file beside it and renamed into place
 * on success, so a failure (bad input, wrong key, interruption) leaves no
 * partial output; created with mode 0600 when unmasking. Rows are written
 * as they are read; memory is bounded by jobs x blocks of a few MiB plus
 * opts->max_record. Returns 0, or a negative code with res->error naming
 * the input and the reason: SHUAN_EINVAL (malformed input, wrong encoding,
 * a policy column the input lacks, a wrong key), SHUAN_EBINARY, SHUAN_EIO,
 * SHUAN_ELIMIT (a record longer than max_record), SHUAN_EINTR, SHUAN_ENOMEM.
 * Not thread-safe on one masker (it starts its own threads).
 */
SHUAN_API int shuan_mask_file(shuan_masker *m, const char *in_path, const char *out_path, shuan_mask_result *res);

/*
 * Masks every row of database table `table` ("schema.table", or "table"
 * when one schema has it) of `source` (a database URL, or an SQLite file;
 * see shuan/db.h; every row is read, db->full is implied) exactly as the
 * same rows in a CSV file would be: policy columns by column name, detector
 * findings inside any other cell; a NULL stays NULL. The output is either
 * `into`, a new table in the same database (NULL: none) - created with the
 * source's column names as text (bytes for binary columns) only once the
 * policy was checked against the columns, refused when it exists, filled
 * in transactions of 10,000 rows and dropped again when anything fails - or
 * the file out_path ("-" = standard output) as CSV, or JSON Lines when it
 * ends in .jsonl or .ndjson, written to a temporary file and renamed. A
 * binary value that is not text is written as NULL (counted in
 * res->dropped); a value longer than db->max_cell is an error. Returns 0
 * or a negative code with res->error naming the source and table (never a
 * password): SHUAN_EIO (connection, authentication, a statement failed),
 * SHUAN_ENOTFOUND (no such table), SHUAN_EINVAL (into exists, a policy
 * column the table lacks), SHUAN_ELIMIT, SHUAN_EINTR, SHUAN_ENOMEM.
 */
SHUAN_API int shuan_mask_table(shuan_masker *m, const char *source, const char *table,
			       const shuan_db_options *db, const char *into, const char *out_path,
			       shuan_mask_result *res);

/*
 * Writes the JSON report of every input masked so far: per input, per field
 * and detector the action and the count, and which outputs are surrogates
 * (valid by design, so a later scan finds them). Returns 0 or SHUAN_EIO.
 */
SHUAN_API int shuan_masker_report_json(const shuan_masker *m, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
