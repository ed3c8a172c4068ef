/*
 * shuan/store.h - the embedded store: one directory holding an SQLite file
 * (shuan.db) and the fingerprint key (fingerprint.key, mode 0600).
 *
 * The store keeps scan summaries and findings without raw values, and later
 * the inventory, cross-border ledger, incidents and the user's additions to
 * the regulation catalogue. A store handle is not thread-safe: use one per
 * thread, or guard it.
 */
#ifndef SHUAN_STORE_H
#define SHUAN_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "shuan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shuan_store shuan_store;

/*
 * Writes the default store directory into buf: $SHUAN_STORE if set, else
 * $XDG_DATA_HOME/shuan, else $HOME/.local/share/shuan. Returns 0, or
 * SHUAN_ELIMIT when buf is too small, SHUAN_ENOTFOUND when no HOME is known.
 */
SHUAN_API int shuan_store_default_dir(char *buf, size_t len);

/*
 * Opens (creating if needed, mode 0700) the store directory `dir` and its
 * database, and applies the schema. On success *out owns the handle; close it
 * with shuan_store_free(). On failure *out is NULL and, when errbuf is given,
 * the reason is written there.
 */
SHUAN_API int shuan_store_open(shuan_store **out, const char *dir, char *errbuf, size_t errlen);

/* Closes the store. NULL is a no-op. */
SHUAN_API void shuan_store_free(shuan_store *s);

/* The message of the last failure on this handle ("" if none). */
SHUAN_API const char *shuan_store_errmsg(const shuan_store *s);

/* The store directory path, owned by the handle. */
SHUAN_API const char *shuan_store_dir(const shuan_store *s);

/*
 * Copies the 32-byte fingerprint key into key, creating it (from the OS CSPRNG,
 * file mode 0600) on first use. Returns 0 or a negative code.
 */
SHUAN_API int shuan_store_fingerprint_key(shuan_store *s, unsigned char key[32]);

/* What a scan was, for its record in the store. */
typedef struct shuan_scan_record {
	const char *started;   /* ISO 8601 UTC, e.g. "2026-11-22T02:00:00Z" */
	const char *finished;
	double elapsed_seconds;
	const char *targets;   /* the paths scanned, joined by '\n' */
	const char *rules_version; /* shuan version that scanned */
} shuan_scan_record;

struct shuan_stats;

/*
 * Records a finished scan's summary (inputs, bytes, findings, per-detector
 * findings and distinct values, skip reasons) in the store. Never stores a
 * matched value. Writes the new scan's id into *scan_id when non-NULL.
 */
SHUAN_API int shuan_store_record_scan(shuan_store *s, const shuan_scan_record *rec,
				      const struct shuan_stats *stats, int64_t *scan_id);

/* How a recorded scan ended, beside its summary (store schema 7). */
#define SHUAN_SCAN_OUTCOME_VERSION 1
typedef struct shuan_scan_outcome {
	unsigned version;             /* SHUAN_SCAN_OUTCOME_VERSION */
	bool interrupted;             /* a signal or the cancel flag stopped it */
	uint64_t inputs_interrupted;  /* inputs scanned in part */
	uint64_t unreadable;          /* inputs that could not be read */
	uint64_t suppressed_ignore;   /* findings an ignore file accepted */
	uint64_t suppressed_baseline; /* findings a baseline accepted */
	uint64_t gated;               /* findings at or above the gate */
	int exit_code;                /* what the command returned */
} shuan_scan_outcome;
#define SHUAN_SCAN_OUTCOME_INIT {SHUAN_SCAN_OUTCOME_VERSION, false, 0, 0, 0, 0, 0, 0}

/* Records how scan `scan_id` ended. Returns 0, SHUAN_EINVAL (unknown
 * version) or SHUAN_ESTORE. */
SHUAN_API int shuan_store_record_outcome(shuan_store *s, int64_t scan_id, const shuan_scan_outcome *o);

/* A recorded scan, as `shuan scans` shows it. Strings are owned by the
 * struct (shuan_scan_info_clear frees them). */
typedef struct shuan_scan_info {
	int64_t id;
	char *started, *finished, *targets, *version;
	double elapsed;
	uint64_t inputs_scanned, inputs_skipped, bytes, findings, sensitive;
	bool distinct_exact;
	bool has_outcome;          /* written by a shuan that records outcomes */
	shuan_scan_outcome outcome;
} shuan_scan_info;

/* One detector's or one skip reason's row of a recorded scan. */
typedef struct shuan_scan_count {
	char *name;                /* detector id, or skip reason */
	uint64_t findings;         /* findings; for a skip reason, its count */
	uint64_t distinct, sensitive;
} shuan_scan_count;

/* The most recent `limit` scans (0: all), newest first, into *out (an
 * array of *n; free with shuan_scan_infos_free). Returns 0 or SHUAN_ESTORE
 * / SHUAN_ENOMEM. */
SHUAN_API int shuan_store_scans(shuan_store *s, size_t limit, shuan_scan_info **out, size_t *n);

/* Scan `id` with its detector rows and skip reasons (each array freed with
 * shuan_scan_counts_free). Returns 0, SHUAN_ENOTFOUND, SHUAN_ESTORE or
 * SHUAN_ENOMEM. */
SHUAN_API int shuan_store_scan_get(shuan_store *s, int64_t id, shuan_scan_info *out, shuan_scan_count **dets,
				   size_t *ndets, shuan_scan_count **skips, size_t *nskips);

SHUAN_API void shuan_scan_info_clear(shuan_scan_info *i);
SHUAN_API void shuan_scan_infos_free(shuan_scan_info *v, size_t n);
SHUAN_API void shuan_scan_counts_free(shuan_scan_count *v, size_t n);

#ifdef __cplusplus
}
#endif
#endif
