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

#define SHUAN_RULES_OPTIONS_VERSION 1
typedef struct shuan_rules_options {
	unsigned version; /* SHUAN_RULES_OPTIONS_VERSION */
	/* NULL-terminated lists of detector ids; NULL = all. A detector named in
	 * `only` or `exclude` that does not exist is an error (SHUAN_ENOTFOUND). */
	const char *const *only;
	const char *const *exclude;
} shuan_rules_options;
#define SHUAN_RULES_OPTIONS_INIT {SHUAN_RULES_OPTIONS_VERSION, NULL, NULL}

/*
 * Loads rules_dir/detectors/ (*.yaml) and rules_dir/data/ tables, and
 * compiles the selected detectors' patterns with Vectorscan. opts may be NULL
 * (all detectors); else opts->version must be SHUAN_RULES_OPTIONS_VERSION.
 * On failure *out is NULL and errbuf holds "file:line:column: reason".
 * Returns 0, SHUAN_ERULES, SHUAN_ENOTFOUND, SHUAN_EIO, SHUAN_EINVAL or
 * SHUAN_ENOMEM.
 */
SHUAN_API int shuan_rules_load(shuan_rules **out, const char *rules_dir, const shuan_rules_options *opts,
			       char *errbuf, size_t errlen);

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
