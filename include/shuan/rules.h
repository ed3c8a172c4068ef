/*
 * shuan/rules.h - the compiled rule set: detectors loaded from rules/ and
 * their patterns compiled once into one matcher database.
 *
 * A shuan_rules is immutable after shuan_rules_load() returns and may be
 * shared read-only by any number of threads, each with its own scanner
 * (scanner.h). Destroy it only after every scanner using it is destroyed.
 */
#ifndef SHUAN_RULES_H
#define SHUAN_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "shuan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shuan_rules shuan_rules;

/* One detector as described by its rules/detectors/<id>.yaml. All strings are
 * owned by the rule set and live as long as it does. */
typedef struct shuan_detector_info {
	const char *id;           /* stable id, e.g. "cn_resident_id" */
	int rev;                  /* revision of the rule file */
	const char *label_zh;     /* e.g. "居民身份证号" */
	const char *label_en;     /* e.g. "Resident identity card number" */
	const char *pi_category;  /* GB/T 43697-2024 Annex B class */
	bool sensitive;           /* sensitive PI by itself (TC260-PG-20244A) */
	const char *spi_category; /* its sensitive-PI category, "" when not sensitive */
	const char *validator;    /* name of the C validator */
	const char *source;       /* one line on what the rule rests on */
	const char *const *cites; /* regulation catalogue ids */
	size_t n_cites;
	size_t n_patterns;
} shuan_detector_info;

#define SHUAN_RULES_OPTIONS_VERSION 2
typedef struct shuan_rules_options {
	unsigned version; /* SHUAN_RULES_OPTIONS_VERSION (1 is still accepted: no cache_dir) */
	/* NULL-terminated lists of detector ids; NULL = all. A detector named in
	 * `only` or `exclude` that does not exist is an error (SHUAN_ENOTFOUND). */
	const char *const *only;
	const char *const *exclude;
	/* Version 2. A directory for the compiled-patterns cache (created when
	 * missing), or NULL to compile in memory every time. See
	 * shuan_rules_cache_get(). */
	const char *cache_dir;
	/* Version 2. Read the cache but never write it (a caller that promised
	 * to write nothing to disk). */
	bool cache_read_only;
} shuan_rules_options;
#define SHUAN_RULES_OPTIONS_INIT {SHUAN_RULES_OPTIONS_VERSION, NULL, NULL, NULL, false}

/*
 * Loads rules_dir/detectors/ (*.yaml) and rules_dir/data/ tables, and
 * compiles the selected detectors' patterns with Vectorscan. opts may be NULL
 * (all detectors, no cache); else opts->version must be 1 or 2.
 *
 * With opts->cache_dir, the compiled database is read from that directory
 * when a file there was compiled from exactly these patterns (the key covers
 * every selected detector file, the pattern strings and flags, the library
 * and Vectorscan versions and the CPU platform), and written there after a
 * compile. A missing, stale or damaged file, or a directory that cannot be
 * written, never fails the load: the patterns are compiled in memory and
 * shuan_rules_cache_get() says what happened. Several processes may share
 * one directory (files are replaced atomically).
 *
 * On failure *out is NULL and errbuf holds "file:line:column: reason".
 * Returns 0, SHUAN_ERULES, SHUAN_ENOTFOUND, SHUAN_EIO, SHUAN_EINVAL or
 * SHUAN_ENOMEM.
 */
SHUAN_API int shuan_rules_load(shuan_rules **out, const char *rules_dir, const shuan_rules_options *opts,
			       char *errbuf, size_t errlen);

/* What the compiled-patterns cache did for a loaded rule set. */
typedef enum shuan_rules_cache_state {
	SHUAN_RULES_CACHE_OFF = 0,     /* no cache directory: compiled in memory */
	SHUAN_RULES_CACHE_HIT,         /* read from the cache, not compiled */
	SHUAN_RULES_CACHE_STORED,      /* compiled and written to the cache for the next run */
	SHUAN_RULES_CACHE_UNWRITABLE,  /* compiled; the cache could not be written (note says why) */
	SHUAN_RULES_CACHE_MISS,        /* compiled; not written (cache_read_only) */
} shuan_rules_cache_state;

typedef struct shuan_rules_cache_info {
	shuan_rules_cache_state state;
	const char *path; /* the cache file for these rules; "" when off */
	/* "" or one message: a stale or damaged file that was refused and
	 * replaced, or why the directory could not be written (with what to do) */
	const char *note;
} shuan_rules_cache_info;

/* Fills *out for r; the strings live as long as r. */
SHUAN_API void shuan_rules_cache_get(const shuan_rules *r, shuan_rules_cache_info *out);

/*
 * The default cache directory: $SHUAN_CACHE_DIR, else $XDG_CACHE_HOME/shuan,
 * else $HOME/.cache/shuan. Returns 0, SHUAN_ENOTFOUND when none of the three
 * is set, or SHUAN_ELIMIT when buf (len bytes) is too small.
 */
SHUAN_API int shuan_rules_cache_default_dir(char *buf, size_t len);

/* Frees the rule set. NULL is a no-op. */
SHUAN_API void shuan_rules_free(shuan_rules *r);

/* Number of selected (compiled) detectors, and the i-th of them. */
SHUAN_API size_t shuan_rules_count(const shuan_rules *r);
SHUAN_API const shuan_detector_info *shuan_rules_detector(const shuan_rules *r, size_t i);

/* The detector with this id, or NULL. */
SHUAN_API const shuan_detector_info *shuan_rules_find(const shuan_rules *r, const char *id);

#ifdef __cplusplus
}
#endif
#endif
