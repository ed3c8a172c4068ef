/*
 * lib/match/matcher.c - dispatch between the Vectorscan and reference matchers.
 */
#include "lib/match/internal.h"
#include "util/alloc.h"

int shuan_matcher_compile(shuan_matcher **out, shuan_matcher_kind kind, const shuan_pattern_def *pats,
			  size_t n, char *errbuf, size_t errlen)
{
	shuan_matcher *m = shuan_calloc(1, sizeof(*m));
	int rc;

	*out = NULL;
	if (!m)
		return SHUAN_ENOMEM;
	m->kind = kind;
	m->n = n;
	if (n == 0) { /* an empty selection is valid: it matches nothing */
		*out = m;
		return 0;
	}
	rc = kind == SHUAN_MATCHER_REFERENCE ? shuan__ref_compile(m, pats, n, errbuf, errlen)
					     : shuan__hs_compile(m, pats, n, errbuf, errlen);
	if (rc) {
		shuan_matcher_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void shuan_matcher_free(shuan_matcher *m)
{
	if (!m)
		return;
	if (m->kind == SHUAN_MATCHER_REFERENCE)
		shuan__ref_free(m);
	else
		shuan__hs_free(m);
	shuan_free(m);
}

int shuan_matcher_scratch_alloc(shuan_matcher_scratch **out, const shuan_matcher *m)
{
	shuan_matcher_scratch *sc = shuan_calloc(1, sizeof(*sc));
	int rc;

	*out = NULL;
	if (!sc)
		return SHUAN_ENOMEM;
	sc->kind = m->kind;
	if (m->n == 0) {
		*out = sc;
		return 0;
	}
	rc = m->kind == SHUAN_MATCHER_REFERENCE ? shuan__ref_scratch(sc, m) : shuan__hs_scratch(sc, m);
	if (rc) {
		shuan_matcher_scratch_free(sc);
		return rc;
	}
	*out = sc;
	return 0;
}

void shuan_matcher_scratch_free(shuan_matcher_scratch *sc)
{
	if (!sc)
		return;
	if (sc->kind == SHUAN_MATCHER_REFERENCE)
		shuan__ref_scratch_free(sc);
	else
		shuan__hs_scratch_free(sc);
	shuan_free(sc);
}

int shuan_matcher_scan(const shuan_matcher *m, shuan_matcher_scratch *sc, const char *buf, size_t len,
		       shuan_match_fn cb, void *ud)
{
	if (m->n == 0 || len == 0)
		return 0;
	return m->kind == SHUAN_MATCHER_REFERENCE ? shuan__ref_scan(m, sc, buf, len, cb, ud)
						  : shuan__hs_scan(m, sc, buf, len, cb, ud);
}
