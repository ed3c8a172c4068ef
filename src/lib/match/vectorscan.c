/*
 * lib/match/vectorscan.c - the Vectorscan matcher: all patterns of all selected
 * detectors in one block-mode database, compiled once, with SOM_LEFTMOST so
 * every report carries its start offset. Each thread clones scratch. The
 * compiled database may come from, and go to, the on-disk cache (cache.c).
 *
 * A pattern whose value part has matches of one length only
 * (hs_expression_info: min_width == max_width, a mobile number between its
 * delimiters) is compiled without SOM and reported without a start
 * (SHUAN_MATCH_NO_START): the caller takes the value as that many bytes
 * before its end. Tracking starts for the mobile pattern alone was a tenth
 * of Vectorscan's instructions on a table of numbers. A pattern the caller
 * marks no_start (it finds the start itself) is compiled without SOM too.
 */
#include <hs/hs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/match/internal.h"
#include "util/alloc.h"

static int hs_compile_all(shuan_matcher *m, const shuan_pattern_def *pats, size_t n, shuan_matcher_cache *cache,
			  size_t *bad, char *errbuf, size_t errlen)
{
	const char **exprs = shuan_calloc(n, sizeof(*exprs)), **values = shuan_calloc(n, sizeof(*values));
	unsigned *flags = shuan_calloc(n, sizeof(*flags));
	unsigned *ids = shuan_calloc(n, sizeof(*ids));
	hs_compile_error_t *err = NULL;
	int rc = SHUAN_ENOMEM;

	if (!exprs || !values || !flags || !ids)
		goto cleanup;
	if (!(m->width = shuan_calloc(n ? n : 1, sizeof(*m->width))) ||
	    !(m->no_start = shuan_calloc(n ? n : 1, sizeof(*m->no_start))))
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		exprs[i] = pats[i].regex;
		values[i] = pats[i].value;
		flags[i] = HS_FLAG_UTF8 | (pats[i].caseless ? HS_FLAG_CASELESS : 0) |
			   (pats[i].no_start ? 0 : HS_FLAG_SOM_LEFTMOST);
		ids[i] = (unsigned)i;
	}
	/* A usable cached database is the same database: compiling it again
	 * is half a second of start-up for every small scan. It is keyed by
	 * the patterns as given and keeps the widths found for them, which
	 * take a tenth of a fast start-up to find again. */
	if (cache && (rc = shuan_match__cache_key(cache, exprs, values, flags, n)) != 0) {
		if (rc == SHUAN_ENOMEM)
			goto cleanup;
		cache = NULL; /* no key, no cache: compile as without one */
	}
	if (cache) {
		rc = shuan_match__cache_load(cache, &m->hs_db, m->width, n);
		if (rc == 0) {
			cache->state = SHUAN_MATCHER_CACHE_HIT;
			goto widths_known;
		}
		if (rc == SHUAN_ENOMEM)
			goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		hs_expr_info_t *info = NULL;
		unsigned vf = flags[i] & ~(unsigned)HS_FLAG_SOM_LEFTMOST;
		/* a value it cannot analyse keeps SOM (an error in it is the
		 * pattern's, which hs_compile_multi names) */
		m->width[i] = 0;
		if (values[i] && !pats[i].no_start && hs_expression_info(values[i], vf, &info, &err) == HS_SUCCESS &&
		    info->min_width == info->max_width && info->max_width > 0 && info->max_width != UINT_MAX) {
			m->width[i] = info->max_width;
			flags[i] = vf;
		}
		hs_free_compile_error(err);
		err = NULL;
		free(info); /* allocated by Vectorscan's default allocator, plain malloc */
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK,
			     NULL, &m->hs_db, &err) != HS_SUCCESS) {
		if (err && err->expression >= 0)
			*bad = (size_t)err->expression;
		if (errbuf)
			snprintf(errbuf, errlen, "%s", err && err->message ? err->message : "compile failed");
		hs_free_compile_error(err);
		rc = SHUAN_ERULES;
		goto cleanup;
	}
	rc = 0;
	if (cache && cache->read_only) {
		cache->state = SHUAN_MATCHER_CACHE_MISS;
	} else if (cache) {
		/* keep the note of a refused file; a write failure adds its own */
		char refused[sizeof(cache->note)];
		memcpy(refused, cache->note, sizeof(refused));
		cache->note[0] = '\0';
		cache->state = shuan_match__cache_store(cache, m->hs_db, m->width, n) == 0 ? SHUAN_MATCHER_CACHE_STORED
									       : SHUAN_MATCHER_CACHE_UNWRITABLE;
		size_t a = strlen(refused), b = strlen(cache->note);
		if (!b || a + 2 + b < sizeof(refused)) {
			/* both notes when they fit; else the write failure, which says what to do */
			if (b) {
				memcpy(refused + a, "; ", 2);
				memcpy(refused + a + 2, cache->note, b + 1);
			}
			memcpy(cache->note, refused, sizeof(refused));
		}
	}
widths_known:
	for (size_t i = 0; rc == 0 && i < n; i++)
		m->no_start[i] = pats[i].no_start || m->width[i];
cleanup:
	shuan_free(exprs);
	shuan_free(values);
	shuan_free(flags);
	shuan_free(ids);
	return rc;
}

static int hs_scratch_new(shuan_matcher_scratch *sc, const shuan_matcher *m)
{
	return hs_alloc_scratch(m->hs_db, &sc->hs_scratch) == HS_SUCCESS ? 0 : SHUAN_ENOMEM;
}

struct hs_ctx {
	shuan_match_fn cb;
	void *ud;
	const bool *no_start;
};

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	struct hs_ctx *c = ctx;
	(void)flags;
	if (c->no_start[id])
		from = SHUAN_MATCH_NO_START; /* not tracked (0 here) */
	return c->cb(id, (size_t)from, (size_t)to, c->ud);
}

static int hs_scan_block(const shuan_matcher *m, shuan_matcher_scratch *sc, const char *buf, size_t len,
			 shuan_match_fn cb, void *ud)
{
	struct hs_ctx c = {cb, ud, m->no_start};
	/* hs_scan takes an unsigned int length: feed huge buffers in parts with an
	 * overlap the caller never needs, because the scanner's chunks are small. */
	if (len > 0xffffffffu)
		return SHUAN_ELIMIT;
	hs_error_t e = hs_scan(m->hs_db, buf, (unsigned)len, 0, sc->hs_scratch, on_match, &c);
	if (e == HS_SCAN_TERMINATED)
		return SHUAN_ESTOP;
	return e == HS_SUCCESS ? 0 : SHUAN_ERROR;
}

static void hs_db_free(shuan_matcher *m)
{
	hs_free_database(m->hs_db);
	shuan_free(m->width);
	shuan_free(m->no_start);
}
static void hs_scratch_release(shuan_matcher_scratch *sc) { hs_free_scratch(sc->hs_scratch); }

const matcher_ops shuan__vectorscan_ops = {hs_compile_all, hs_scratch_new, hs_scan_block, hs_db_free,
					   hs_scratch_release};
