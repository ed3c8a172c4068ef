/*
 * lib/match/matcher.c - the matcher interface over its ops table: an empty
 * pattern set is handled here once, the rest goes to the implementation.
 */
#include "lib/match/internal.h"
#include "util/alloc.h"

int shuan_matcher_compile(shuan_matcher **out, shuan_matcher_kind kind, const shuan_pattern_def *pats,
			  size_t n, shuan_matcher_cache *cache, size_t *bad_pattern, char *errbuf, size_t errlen)
{
	shuan_matcher *m = shuan_calloc(1, sizeof(*m));
	size_t bad = SIZE_MAX;
	int rc = 0;

	*out = NULL;
	if (cache) {
		cache->state = SHUAN_MATCHER_CACHE_OFF;
		cache->path[0] = cache->note[0] = '\0';
		if (kind == SHUAN_MATCHER_REFERENCE || !cache->dir || !*cache->dir || !n)
			cache = NULL;
	}
	if (!m)
		return SHUAN_ENOMEM;
	m->ops = kind == SHUAN_MATCHER_REFERENCE ? &shuan__reference_ops : &shuan__vectorscan_ops;
	m->n = n;
	/* an empty selection is valid: it matches nothing */
	if (n && (rc = m->ops->compile(m, pats, n, cache, &bad, errbuf, errlen))) {
		shuan_matcher_free(m);
		m = NULL;
	}
	if (bad_pattern)
		*bad_pattern = bad;
	*out = m;
	return rc;
}

void shuan_matcher_free(shuan_matcher *m)
{
	if (!m)
		return;
	m->ops->free(m);
	shuan_free(m);
}

unsigned shuan_matcher_width(const shuan_matcher *m, size_t i)
{
	return m && m->width && i < m->n ? m->width[i] : 0;
}

int shuan_matcher_scratch_alloc(shuan_matcher_scratch **out, const shuan_matcher *m)
{
	shuan_matcher_scratch *sc = shuan_calloc(1, sizeof(*sc));
	int rc = 0;

	*out = NULL;
	if (!sc)
		return SHUAN_ENOMEM;
	sc->ops = m->ops;
	if (m->n && (rc = m->ops->scratch(sc, m))) {
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
	sc->ops->scratch_free(sc);
	shuan_free(sc);
}

int shuan_matcher_scan(const shuan_matcher *m, shuan_matcher_scratch *sc, const char *buf, size_t len,
		       shuan_match_fn cb, void *ud)
{
	if (m->n == 0 || len == 0)
		return 0;
	return m->ops->scan(m, sc, buf, len, cb, ud);
}
