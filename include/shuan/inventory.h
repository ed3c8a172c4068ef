/*
 * shuan/inventory.h - the data classification and grading inventory
 * (数据分类分级清单, GB/T 43697-2024) of files and databases, counted in
 * people.
 *
 * For every table column or file field: what it holds (a detector or a
 * dictionary class), the evidence (hit rate over sampled non-empty values,
 * column names and comments, types), the GB/T 43697 Annex B category,
 * whether it is (sensitive) personal information, and a grade. Per table,
 * per source and overall: the distinct people behind the records
 * (shuan/people.h), those with sensitive PI and those under 14.
 *
 * Grades: every column is 一般数据 with a sub-level from the grading
 * profile (rules/inventory/profiles/; the default's levels are labelled as
 * a configurable default). shuan never says data *is* important or core
 * data - only the authorities designate that: a source meeting a profile's
 * rule (e.g. PI of >= 10,000,000 people) is listed as 重要数据候选 with the
 * reason.
 *
 * No result, partial file, store row or event message holds a value read
 * from a source.
 *
 * Lifecycle: new -> add (sources, partials) ... -> finish -> read results,
 * write reports, record in the store -> free. Adding after finish takes the
 * results back until the next finish. A handle is not thread-safe.
 */
#ifndef SHUAN_INVENTORY_H
#define SHUAN_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shuan/common.h"
#include "shuan/db.h"
#include "shuan/people.h"
#include "shuan/rules.h"
#include "shuan/scanner.h"
#include "shuan/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the JSON inventory document (docs/inventory-schema.md). */
#define SHUAN_INVENTORY_SCHEMA_VERSION "1.0"

typedef struct shuan_inventory shuan_inventory;

/* Told about each problem and warning while sources are read: `where` is
 * the source or "source!table", `message` the reason (never a value);
 * error is false for a warning. */
typedef void (*shuan_inventory_event_fn)(const char *where, const char *message, bool error, void *ud);

#define SHUAN_INVENTORY_OPTIONS_VERSION 1
typedef struct shuan_inventory_options {
	unsigned version;               /* SHUAN_INVENTORY_OPTIONS_VERSION */
	const char *rules_dir;          /* rules/ (inventory/ classes and profiles, data/ dictionaries) */
	const char *profile;            /* grading profile: a name in rules/inventory/profiles or a
					 * file; NULL = "default" */
	const shuan_scan_options *scan; /* scanner options; a fingerprint key is required (people are
					 * counted by keyed fingerprints); borrowed until free */
	const shuan_db_options *db;     /* how databases are read; NULL = defaults (sample 1000) */
	size_t max_exact;               /* people counters: identifiers kept exactly; 0 = default */
	shuan_inventory_event_fn event; /* may be NULL */
	void *event_ud;
	/* merging only: take the fingerprint key's name from the first partial
	 * added (no source is read, so no key is needed; later partials must
	 * still share it) */
	bool adopt_partial_key;
} shuan_inventory_options;
#define SHUAN_INVENTORY_OPTIONS_INIT {SHUAN_INVENTORY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, NULL, NULL, false}

/*
 * Creates an empty inventory on `rules` (which must outlive it). Loads the
 * column classes and dictionaries (rules/inventory/classes.yaml,
 * rules/data/dict_*.txt) and the profile. Returns 0, SHUAN_EINVAL (options
 * version, no fingerprint key), SHUAN_ENOTFOUND (no such profile),
 * SHUAN_ERULES (a malformed rule file: file:line:column in errbuf) or
 * SHUAN_ENOMEM.
 */
SHUAN_API int shuan_inventory_new(shuan_inventory **out, const shuan_rules *rules,
				  const shuan_inventory_options *opts, char *errbuf, size_t errlen);
SHUAN_API void shuan_inventory_free(shuan_inventory *inv);

/*
 * Adds a source: a database URL, an SQLite file, a file, or a directory
 * (walked; SQLite files in it are read as databases). A source or table that
 * cannot be read is reported through the event callback, counted
 * (shuan_inventory_errors) and listed in the source's errors; the rest goes
 * on. Returns 0, SHUAN_EINTR (the scan options' cancel flag) or
 * SHUAN_ENOMEM.
 */
SHUAN_API int shuan_inventory_add(shuan_inventory *inv, const char *path_or_url);

/* Adds a partial inventory written by shuan_inventory_write_partial (of a
 * split run: another table, shard or machine). The two must share the
 * fingerprint key. Returns 0, SHUAN_EINVAL (not a partial, another key, a
 * newer format: reason in errbuf), SHUAN_EIO or SHUAN_ENOMEM. */
SHUAN_API int shuan_inventory_add_partial(shuan_inventory *inv, const char *path, char *errbuf, size_t errlen);

/* Writes what was gathered (evidence and people counters, no values) to
 * path (an SQLite file, mode 0600, replaced). Before or after finish. */
SHUAN_API int shuan_inventory_write_partial(const shuan_inventory *inv, const char *path, char *errbuf,
					    size_t errlen);

/* Classifies and grades every column, counts people per source and overall
 * and applies the profile's candidate rules. Call once, after the adds.
 * Returns 0 or SHUAN_ENOMEM. */
SHUAN_API int shuan_inventory_finish(shuan_inventory *inv);

/* One column of the inventory (after finish). Strings are owned by the
 * inventory. */
typedef struct shuan_inventory_column {
	const char *source;      /* display name: URL without password, or the file path */
	const char *table;       /* "schema.table", or the file (a sheet/member path) */
	const char *column;      /* column name, JSON key path, or "(text)" for a free-text file */
	const char *comment;     /* "" when none */
	const char *type;        /* the engine's type, "" for files */
	const char *data_type;   /* detector id ("cn_mobile"), class id ("religion", "birth_date"),
				  * "free_text", or "" (nothing personal found) */
	const char *label;       /* Chinese label of data_type, "" when none */
	double hit_rate;         /* share of the non-empty sampled values that are data_type */
	uint64_t sampled;        /* rows (records) read */
	uint64_t non_empty;      /* of them, non-empty values in this column */
	double confidence;       /* 0..1 */
	const char *category;    /* GB/T 43697-2024 Annex B class, "" when not PI */
	bool pi, sensitive;
	const char *spi_category; /* sensitive-PI category, "" when not sensitive */
	const char *grade;       /* "一般数据" (never 重要/核心: see the header) */
	const char *sublevel;    /* the profile's sub-level: "L4" ... */
	const char *sublevel_label; /* "一般数据4级" */
	const char *const *basis; /* the rules and evidence that set the above */
	size_t nbasis;
} shuan_inventory_column;

typedef struct shuan_inventory_source {
	const char *source;      /* display name */
	const char *kind;        /* "postgresql", "mysql", "sqlite", "file" */
	uint64_t tables;         /* tables, or files, read */
	uint64_t rows_read;
	const char *const *errors; /* "table: reason" for what could not be read */
	size_t nerrors;
	shuan_people_counts people;
	bool sampled;            /* rows were sampled: counts are of the sample */
	bool important_candidate;
	const char *const *reasons; /* why it is a 重要数据候选 */
	size_t nreasons;
} shuan_inventory_source;

SHUAN_API size_t shuan_inventory_source_count(const shuan_inventory *inv);
SHUAN_API const shuan_inventory_source *shuan_inventory_source_at(const shuan_inventory *inv, size_t i);
SHUAN_API size_t shuan_inventory_column_count(const shuan_inventory *inv);
SHUAN_API const shuan_inventory_column *shuan_inventory_column_at(const shuan_inventory *inv, size_t i);
/* People over every source (after finish). */
SHUAN_API void shuan_inventory_people(const shuan_inventory *inv, shuan_people_counts *out);
/* Sources and tables that could not be read (or read only in part). */
SHUAN_API uint64_t shuan_inventory_errors(const shuan_inventory *inv);
/* Merges the inventory's overall people counter (after finish) into `into`,
 * which must count under the same fingerprint key (the duty engines add the
 * people of database tables to those of files this way). Returns 0,
 * SHUAN_EINVAL (not finished) or SHUAN_ENOMEM. */
SHUAN_API int shuan_inventory_people_merge_into(const shuan_inventory *inv, shuan_people *into);

/* The grading profile in use. */
typedef struct shuan_inventory_profile_info {
	const char *id, *label, *note;
	bool unverified; /* its levels are a configurable default, not the standard's text */
} shuan_inventory_profile_info;
SHUAN_API void shuan_inventory_profile(const shuan_inventory *inv, shuan_inventory_profile_info *out);

/* What a report says about the run. */
#define SHUAN_INVENTORY_REPORT_VERSION 1
typedef struct shuan_inventory_report {
	unsigned version;     /* SHUAN_INVENTORY_REPORT_VERSION */
	int64_t run_id;       /* the store's run id, 0 when not recorded */
	const char *generated; /* ISO 8601 UTC */
	bool color;           /* text: ANSI colours */
} shuan_inventory_report;
#define SHUAN_INVENTORY_REPORT_INIT {SHUAN_INVENTORY_REPORT_VERSION, 0, NULL, false}

/*
 * Writes the inventory (after finish) as "text", "json" or "csv" to out,
 * "html" (one self-contained page) to out, or "xlsx" to path (out unused;
 * the 清单 for auditors: one row per column, a summary sheet). Returns 0,
 * SHUAN_EINVAL (unknown format), SHUAN_EIO (errbuf says why).
 */
SHUAN_API int shuan_inventory_write(const shuan_inventory *inv, const char *format, FILE *out, const char *path,
				    const shuan_inventory_report *r, char *errbuf, size_t errlen);

/* Records the inventory (after finish) as a run in the store: per source,
 * per column, with the people counters' state. *run_id gets its id. */
SHUAN_API int shuan_inventory_record(const shuan_inventory *inv, shuan_store *store, const char *started,
				     const char *finished, int64_t *run_id);

/* Lists the recorded runs (newest first) as "text" or "json". */
SHUAN_API int shuan_inventory_list(shuan_store *store, const char *format, FILE *out);

/*
 * Compares two runs (run_a older, run_b newer); 0 and 0: for every source of
 * the newest run, its last two runs. Reports new and removed columns, new
 * sensitive columns, grade and sub-level changes, and people-count jumps
 * (a change of 10% or more), as "text" or "json". *changes (may be NULL)
 * gets the number of changes. Returns 0, SHUAN_ENOTFOUND (no such run, or
 * fewer than two runs) or SHUAN_ESTORE.
 */
SHUAN_API int shuan_inventory_diff(shuan_store *store, int64_t run_a, int64_t run_b, const char *format,
				   FILE *out, uint64_t *changes, char *errbuf, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
