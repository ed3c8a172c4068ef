/*
 * lib/match/reference.c - the reference matcher: PCRE2's DFA matcher run anchored
 * at every start offset. pcre2_dfa_match() returns every match length from a
 * start, so for each end offset we keep the leftmost start that reaches it -
 * exactly Vectorscan's SOM_LEFTMOST semantics, in O(n * patterns) time. Used
 * only by tests to cross-check the Vectorscan path; never in production.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "lib/match/internal.h"
#include "util/alloc.h"
#include "util/utf8.h"

#define REF_MAX_MATCHES 512

static int ref_compile(shuan_matcher *m, const shuan_pattern_def *pats, size_t n, shuan_matcher_cache *cache,
		       size_t *bad, char *errbuf, size_t errlen)
{
	m->pcre = shuan_calloc(n ? n : 1, sizeof(void *));
	if (!m->pcre)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int ec;
		PCRE2_SIZE eo;
		uint32_t opts = PCRE2_UTF | (pats[i].caseless ? PCRE2_CASELESS : 0);
		m->pcre[i] = pcre2_compile((PCRE2_SPTR)pats[i].regex, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
		if (!m->pcre[i]) {
			PCRE2_UCHAR msg[128];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			*bad = i;
			if (errbuf)
				snprintf(errbuf, errlen, "at offset %zu: %s", (size_t)eo, (char *)msg);
			return SHUAN_ERULES;
		}
	}
	return 0;
}

static int ref_scratch(shuan_matcher_scratch *sc, const shuan_matcher *m)
{
	sc->pcre_md = pcre2_match_data_create(REF_MAX_MATCHES, NULL);
	sc->ws_len = 4096;
	sc->workspace = shuan_calloc(sc->ws_len, sizeof(int));
	return sc->pcre_md && sc->workspace ? 0 : SHUAN_ENOMEM;
}

static int ref_scan(const shuan_matcher *m, shuan_matcher_scratch *sc, const char *buf, size_t len,
		    shuan_match_fn cb, void *ud)
{
	/* leftmost[e] = 1 once some start reached end e for this pattern. */
	unsigned char *seen = shuan_calloc(len + 1, 1);
	int rc = 0;

	if (!seen)
		return SHUAN_ENOMEM;
	for (size_t p = 0; p < m->n && rc == 0; p++) {
		memset(seen, 0, len + 1);
		for (size_t s = 0; s < len && rc == 0; s++) {
			if (shuan_utf8_is_cont((unsigned char)buf[s]))
				continue; /* not a character boundary */
			int r = pcre2_dfa_match(m->pcre[p], (PCRE2_SPTR)buf, len, s, PCRE2_ANCHORED,
						sc->pcre_md, NULL, sc->workspace, sc->ws_len);
			if (r == PCRE2_ERROR_NOMATCH)
				continue;
			if (r < 0 && r != 0) {
				rc = SHUAN_EINVAL; /* invalid UTF-8 or workspace too small */
				break;
			}
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->pcre_md);
			int count = r == 0 ? REF_MAX_MATCHES : r;
			for (int k = 0; k < count; k++) {
				size_t e = ov[2 * k + 1];
				if (e == s || seen[e])
					continue; /* empty matches are never reported */
				seen[e] = 1;
				if (cb((unsigned)p, s, e, ud)) {
					rc = SHUAN_ESTOP;
					break;
				}
			}
		}
	}
	shuan_free(seen);
	return rc;
}

static void ref_free(shuan_matcher *m)
{
	for (size_t i = 0; m->pcre && i < m->n; i++)
		pcre2_code_free(m->pcre[i]);
	shuan_free(m->pcre);
}

static void ref_scratch_free(shuan_matcher_scratch *sc)
{
	pcre2_match_data_free(sc->pcre_md);
	shuan_free(sc->workspace);
}

const matcher_ops shuan__reference_ops = {ref_compile, ref_scratch, ref_scan, ref_free, ref_scratch_free};
