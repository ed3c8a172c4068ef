/*
 * lib/match/internal.h - the two matcher implementations' shared state.
 */
#ifndef SHUAN_LIB_MATCHER_INTERNAL_H
#define SHUAN_LIB_MATCHER_INTERNAL_H

#include "lib/match/matcher.h"

struct hs_database;
struct hs_scratch;

struct shuan_matcher {
	shuan_matcher_kind kind;
	struct hs_database *hs_db; /* VECTORSCAN */
	void **pcre;               /* REFERENCE: pcre2_code* per pattern */
	size_t n;
};

struct shuan_matcher_scratch {
	shuan_matcher_kind kind;
	struct hs_scratch *hs_scratch;
	void *pcre_md;    /* pcre2_match_data* */
	int *workspace;   /* pcre2_dfa_match workspace */
	size_t ws_len;
};

int shuan__hs_compile(shuan_matcher *m, const shuan_pattern_def *pats, size_t n, char *errbuf, size_t errlen);
int shuan__hs_scratch(shuan_matcher_scratch *sc, const shuan_matcher *m);
int shuan__hs_scan(const shuan_matcher *m, shuan_matcher_scratch *sc, const char *buf, size_t len,
		   shuan_match_fn cb, void *ud);
void shuan__hs_free(shuan_matcher *m);
void shuan__hs_scratch_free(shuan_matcher_scratch *sc);

int shuan__ref_compile(shuan_matcher *m, const shuan_pattern_def *pats, size_t n, char *errbuf, size_t errlen);
int shuan__ref_scratch(shuan_matcher_scratch *sc, const shuan_matcher *m);
int shuan__ref_scan(const shuan_matcher *m, shuan_matcher_scratch *sc, const char *buf, size_t len,
		    shuan_match_fn cb, void *ud);
void shuan__ref_free(shuan_matcher *m);
void shuan__ref_scratch_free(shuan_matcher_scratch *sc);

#endif
