/*
 * lib/match/internal.h - the matcher's ops table and the state its two
 * implementations (vectorscan.c, reference.c) keep.
 */
#ifndef SHUAN_LIB_MATCHER_INTERNAL_H
#define SHUAN_LIB_MATCHER_INTERNAL_H

#include "lib/match/matcher.h"

struct hs_database;
struct hs_scratch;

/* One implementation. compile() fills m (and *bad with the failing
 * pattern's index on a pattern error); scratch() fills sc; scan() follows
 * shuan_matcher_scan's contract; the frees release what compile/scratch
 * made (never the structs themselves). */
typedef struct matcher_ops {
	int (*compile)(shuan_matcher *m, const shuan_pattern_def *pats, size_t n, shuan_matcher_cache *cache,
		       size_t *bad, char *errbuf, size_t errlen);
	int (*scratch)(shuan_matcher_scratch *sc, const shuan_matcher *m);
	int (*scan)(const shuan_matcher *m, shuan_matcher_scratch *sc, const char *buf, size_t len,
		    shuan_match_fn cb, void *ud);
	void (*free)(shuan_matcher *m);
	void (*scratch_free)(shuan_matcher_scratch *sc);
} matcher_ops;

extern const matcher_ops shuan__vectorscan_ops;

/* The on-disk database cache (cache.c). key() fills cache->key and
 * cache->path from the compile inputs; load() returns 0 with *db and the
 * n patterns' fixed widths set, or SHUAN_ENOTFOUND (no file), another
 * negative code (refused: cache->note says why); store() writes db and the
 * widths, or returns a negative code with the note. */
int shuan_match__cache_key(shuan_matcher_cache *c, const char *const *exprs, const char *const *values,
			   const unsigned *flags, size_t n);
int shuan_match__cache_load(shuan_matcher_cache *c, struct hs_database **db, unsigned *width, size_t n);
int shuan_match__cache_store(shuan_matcher_cache *c, const struct hs_database *db, const unsigned *width, size_t n);
extern const matcher_ops shuan__reference_ops;

struct shuan_matcher {
	const matcher_ops *ops;
	struct hs_database *hs_db; /* Vectorscan */
	unsigned *width;           /* Vectorscan: the bytes of a pattern's fixed-width value,
				    * compiled without SOM (shuan_matcher_width); 0 else */
	bool *no_start;            /* Vectorscan: reported without a start (width or no_start) */
	void **pcre;               /* reference: pcre2_code* per pattern */
	size_t n;
};

struct shuan_matcher_scratch {
	const matcher_ops *ops;
	struct hs_scratch *hs_scratch;
	void *pcre_md;    /* pcre2_match_data* */
	int *workspace;   /* pcre2_dfa_match workspace */
	size_t ws_len;
};

#endif
