/*
 * lib/match/matcher.h - the pattern matcher behind one interface, with two
 * implementations: Vectorscan (production) and a PCRE2 DFA reference matcher
 * (tests cross-check the two on the same inputs).
 *
 * Semantics both implement: for every pattern p and every end offset e at
 * which some match of p ends, report (p, s, e) where s is the leftmost start
 * of a match of p ending at e (Vectorscan's HS_FLAG_SOM_LEFTMOST). Reports
 * may come in any order and may repeat; the caller sorts and de-duplicates.
 * One exception: a pattern whose `value` has matches of one length only
 * (shuan_matcher_width() > 0), or marked `no_start`, may be reported with
 * s = SHUAN_MATCH_NO_START; the caller then finds the start from the end
 * (Vectorscan compiles such a pattern without start tracking, which is the
 * expensive part).
 *
 * A compiled matcher is immutable and shared by threads; each thread owns a
 * shuan_matcher_scratch.
 */
#ifndef SHUAN_LIB_MATCHER_H
#define SHUAN_LIB_MATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/rules.h"

/* Which implementation compiles the patterns (the reference one is for the
 * cross-check tests only). */
typedef enum shuan_matcher_kind {
	SHUAN_MATCHER_VECTORSCAN = 0, /* the production matcher */
	SHUAN_MATCHER_REFERENCE = 1,  /* PCRE2 DFA, slow; cross-checks Vectorscan in tests */
} shuan_matcher_kind;

typedef struct shuan_matcher shuan_matcher;
typedef struct shuan_matcher_scratch shuan_matcher_scratch;

typedef struct shuan_pattern_def {
	const char *regex;
	bool caseless;
	/* NULL, or the part of regex the caller takes the value from (the
	 * pattern between its boundary delimiters): when all its matches have
	 * one length, starts need not be tracked */
	const char *value;
	/* the caller finds every match's start itself (the e-mail address's
	 * local part, walked back from its @): reported with
	 * SHUAN_MATCH_NO_START by Vectorscan, compiled without SOM */
	bool no_start;
} shuan_pattern_def;

#define SHUAN_MATCH_NO_START SIZE_MAX

/* Called per match; return non-zero to stop scanning. */
typedef int (*shuan_match_fn)(unsigned pattern, size_t start, size_t end, void *ud);

/*
 * Where a compiled Vectorscan database is kept between runs (cache.c). The
 * caller sets dir (NULL: no cache) and salt (more key material: the rules'
 * content); compile fills the rest. A cache that cannot be read, is stale or
 * damaged, or cannot be written never fails the compile: the patterns are
 * compiled in memory and `note` says what happened.
 */
typedef enum shuan_matcher_cache_state {
	SHUAN_MATCHER_CACHE_OFF = 0,     /* no directory, or the reference matcher */
	SHUAN_MATCHER_CACHE_HIT,         /* read from the cache */
	SHUAN_MATCHER_CACHE_STORED,      /* compiled and written */
	SHUAN_MATCHER_CACHE_UNWRITABLE,  /* compiled; could not be written (note) */
	SHUAN_MATCHER_CACHE_MISS,        /* compiled; not written (read_only) */
} shuan_matcher_cache_state;

typedef struct shuan_matcher_cache {
	const char *dir;
	bool read_only;   /* read a cached database, never write one */
	const unsigned char *salt;
	size_t salt_len;
	/* filled by shuan_matcher_compile */
	shuan_matcher_cache_state state;
	unsigned char key[32];
	char path[4096];  /* the cache file for this key ("" when off) */
	char note[640];   /* "" or what was refused or could not be written, and why */
} shuan_matcher_cache;

/* Compiles n patterns, through `cache` when it is non-NULL and names a
 * directory (Vectorscan only). On a pattern error returns SHUAN_ERULES with
 * the failing pattern's index in *bad_pattern (else SIZE_MAX) and the reason
 * in errbuf; SHUAN_ENOMEM otherwise. */
int shuan_matcher_compile(shuan_matcher **out, shuan_matcher_kind kind, const shuan_pattern_def *pats,
			  size_t n, shuan_matcher_cache *cache, size_t *bad_pattern, char *errbuf, size_t errlen);
void shuan_matcher_free(shuan_matcher *m);
/* Bytes of every match of pattern i's `value` when they all have one
 * length and its matches are reported without a start; 0 otherwise. */
unsigned shuan_matcher_width(const shuan_matcher *m, size_t i);

int shuan_matcher_scratch_alloc(shuan_matcher_scratch **out, const shuan_matcher *m);
void shuan_matcher_scratch_free(shuan_matcher_scratch *sc);

/* Scans buf[0..len). Returns 0, SHUAN_ESTOP when cb stopped it, or an error. */
int shuan_matcher_scan(const shuan_matcher *m, shuan_matcher_scratch *sc, const char *buf, size_t len,
		       shuan_match_fn cb, void *ud);

#endif
