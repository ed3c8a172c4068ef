/*
 * lib/rules/compile.c - every selected detector's patterns into one
 * matcher. Bounded patterns are wrapped in their delimiters, cue-led ones
 * put behind their cue words (docs/architecture.md, "Matching cost"); a
 * pattern that does not compile is named with its rule file.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/rules/internal.h"
#include "util/alloc.h"

#define ERR(...) snprintf(errbuf, errlen, __VA_ARGS__)

/* A bounded pattern wrapped in its boundary delimiters: D(?:P)D. The scanner
 * puts a newline sentinel before and after every chunk, so a value at the
 * very start or end of the input has its delimiter too. */
static char *bounded(const char *regex, boundary_kind b)
{
	const char *delim = b == BOUNDARY_DIGIT ? "[^0-9]" : "[^0-9A-Za-z]";
	size_t n = strlen(regex) + 2 * strlen(delim) + 8;
	char *v = shuan_malloc(n);
	if (v)
		snprintf(v, n, "%s(?:%s)%s", delim, regex, delim);
	return v;
}

/* A cue-led pattern: (?:cue1|cue2)(?:[^\n]{0,G}D)?(?:P)D, cue words escaped,
 * G so that the gap fits the detector's cue window (Han characters take
 * three bytes). */
static char *cue_led(const shuan_detector *d, const char *regex)
{
	const char *delim = d->boundary == BOUNDARY_DIGIT ? "[^0-9]" : "[^0-9A-Za-z]";
	size_t n = strlen(regex) + 2 * strlen(delim) + 64;
	for (size_t i = 0; i < d->cues.n; i++)
		n += 2 * strlen(d->cues.v[i]) + 1;
	char *v = shuan_malloc(n), *o = v;
	if (!v)
		return NULL;
	o += sprintf(o, "(?:");
	for (size_t i = 0; i < d->cues.n; i++) {
		if (i)
			*o++ = '|';
		for (const char *c = d->cues.v[i]; *c; c++) {
			if (strchr("\\.^$|?*+()[]{}-", *c))
				*o++ = '\\';
			*o++ = *c;
		}
	}
	int gap = d->window / 3 > 1 ? d->window / 3 - 1 : 1;
	snprintf(o, n - (size_t)(o - v), ")(?:[^\n]{0,%d}%s)?(?:%s)%s", gap, delim, regex, delim);
	return v;
}

/* True when '|' occurs in regex outside groups and classes (the pattern
 * is an alternation: its opening run is not in front of every branch). */
static bool top_level_bar(const char *regex)
{
	int depth = 0;
	bool in_class = false;
	for (const char *c = regex; *c; c++) {
		if (*c == '\\' && c[1])
			c++;
		else if (in_class)
			in_class = *c != ']';
		else if (*c == '[')
			in_class = true;
		else if (*c == '(')
			depth++;
		else if (*c == ')')
			depth--;
		else if (*c == '|' && depth == 0)
			return true;
	}
	return false;
}

/* A run `open` m,n} (open ends in '{') at re: what follows it, with its
 * bounds in *m and *n; NULL when re does not open with one. */
static const char *counted_run(const char *re, const char *open, unsigned *m, unsigned *n)
{
	size_t k = strlen(open);
	int used = 0;
	if (strncmp(re, open, k) || sscanf(re + k, "%u,%u}%n", m, n, &used) != 2 || used == 0)
		return NULL;
	return re + k + used;
}

/* The digit run [0-9]{a,b} opening `rest` (PATTERN_TRIM_LEAD): what
 * follows it, and its bounds in *lead; NULL when there is none or what
 * follows could itself start with a digit (only a non-ASCII literal, maybe
 * inside groups, is taken: then the digits before it are exactly the run). */
static const char *strip_digits(const char *rest, pattern_lead *lead)
{
	unsigned a, b;
	const char *after = counted_run(rest, "[0-9]{", &a, &b), *lit = after;
	if (!after)
		return NULL;
	while (!strncmp(lit, "(?:", 3))
		lit += 3;
	if (a < 1 || a > b || b > 255 || (unsigned char)*lit < 0xC0 || top_level_bar(after))
		return NULL;
	lead->digit_min = (unsigned char)a;
	lead->digit_max = (unsigned char)b;
	return after;
}

/* A pattern's opening Han run [\x{4e00}-\x{9fa5}]{m,n} (PATTERN_TRIM_LEAD):
 * the rest of the pattern, copied, and the run's bounds in *lead; NULL when
 * the pattern does not open with one (or the rest would not stand alone). */
static char *strip_lead(const char *regex, pattern_lead *lead, bool *nomem)
{
	unsigned m, n;
	*nomem = false;
	const char *rest = counted_run(regex, "[\\x{4e00}-\\x{9fa5}]{", &m, &n);
	if (!rest)
		return NULL;
	if (m < 1 || m > n || n > 255 || !*rest || strchr("?*+{", *rest) || top_level_bar(rest))
		return NULL;
	lead->min = (unsigned char)m;
	lead->max = (unsigned char)n;
	lead->digit_min = lead->digit_max = 0;
	const char *after = strip_digits(rest, lead);
	char *v = shuan_strdup(after ? after : rest);
	*nomem = v == NULL;
	return v;
}

/* The ASCII bytes of a bracket class "[...]" at re (no negation, ranges
 * and escaped punctuation only) into bits; its length, or 0 when it is
 * anything else. */
static size_t ascii_class(const char *re, uint64_t bits[2])
{
	size_t i = 1;
	bits[0] = bits[1] = 0;
	if (re[0] != '[' || re[1] == '^' || re[1] == ']')
		return 0;
	while (re[i] && re[i] != ']') {
		unsigned char a = (unsigned char)re[i], b;
		if (a == '\\') {
			a = (unsigned char)re[++i];
			if (!a || isalnum(a)) /* \d, \w, \x{..}: not plain bytes */
				return 0;
		}
		if (a >= 0x80 || a == '[')
			return 0;
		b = a;
		if (re[i + 1] == '-' && re[i + 2] && re[i + 2] != ']') {
			b = (unsigned char)re[i + 2];
			if (b == '\\' || b >= 0x80 || b < a)
				return 0;
			i += 2;
		}
		for (unsigned c = a; c <= b; c++)
			bits[c >> 6] |= 1ull << (c & 63);
		i++;
	}
	return re[i] == ']' ? i + 1 : 0;
}

/* [C]+@R with no @ in C, and R made only of ASCII letters and digits,
 * escaped punctuation other than @, classes without @ or negation,
 * groups, alternation and quantifiers (so that nothing in R matches an
 * @): C's bits in lead->at_run, and true (PATTERN_TRIM_AT). */
static bool at_walk(const char *re, pattern_lead *lead)
{
	uint64_t bits[2], rest[2];
	size_t n = ascii_class(re, bits);
	if (!n || re[n] != '+' || re[n + 1] != '@' || (bits[1] & (1ull << ('@' - 64))))
		return false;
	for (const char *c = re + n + 2; *c;) {
		size_t k;
		if (*c == '[') {
			if (!(k = ascii_class(c, rest)) || (rest[1] & (1ull << ('@' - 64))))
				return false;
			c += k;
		} else if (*c == '\\') {
			if (!c[1] || isalnum((unsigned char)c[1]) || c[1] == '@')
				return false;
			c += 2;
		} else if (isalnum((unsigned char)*c) || strchr("()?:|+*{},", *c)) {
			c++;
		} else {
			return false; /* '.', '^', '$', '@', anything non-ASCII */
		}
	}
	lead->at_run[0] = bits[0];
	lead->at_run[1] = bits[1];
	return true;
}

int shuan_rules__compile(shuan_rules *r, shuan_matcher_kind kind, char *errbuf, size_t errlen)
{
	shuan_pattern_def *defs;
	size_t n = 0, k = 0;
	char msg[512];
	int rc = SHUAN_ENOMEM;

	for (size_t i = 0; i < r->n; i++)
		n += r->dets[i].patterns.n;
	if (n > 65535 || r->n > 65535) {
		ERR("too many patterns (%zu) or detectors (%zu): at most 65535 each", n, r->n);
		return SHUAN_ERULES;
	}
	defs = shuan_calloc(n ? n : 1, sizeof(*defs));
	r->pattern_det = shuan_calloc(n ? n : 1, sizeof(*r->pattern_det));
	r->pattern_trim = shuan_calloc(n ? n : 1, 1);
	r->pattern_lead = shuan_calloc(n ? n : 1, sizeof(*r->pattern_lead));
	r->pattern_width = shuan_calloc(n ? n : 1, sizeof(*r->pattern_width));
	if (!defs || !r->pattern_det || !r->pattern_trim || !r->pattern_lead || !r->pattern_width)
		goto cleanup;
	for (size_t i = 0; i < r->n; i++) {
		const shuan_detector *d = &r->dets[i];
		for (size_t j = 0; j < d->patterns.n; j++, k++) {
			defs[k].caseless = d->caseless;
			r->pattern_det[k] = (unsigned)i;
			if (d->boundary == BOUNDARY_NONE) {
				bool nomem;
				char *rest = strip_lead(d->patterns.v[j], &r->pattern_lead[k], &nomem);
				if (nomem)
					goto cleanup;
				defs[k].regex = rest ? rest : d->patterns.v[j];
				r->pattern_trim[k] = rest ? PATTERN_TRIM_LEAD : 0;
				if (!rest && at_walk(d->patterns.v[j], &r->pattern_lead[k])) {
					defs[k].no_start = true;
					r->pattern_trim[k] = PATTERN_TRIM_AT;
				}
				continue;
			}
			if (d->require_cue && d->cues.n) {
				/* cue words are stored lower-case: match them caselessly */
				if (!(defs[k].regex = cue_led(d, d->patterns.v[j])))
					goto cleanup;
				defs[k].caseless = true;
				r->pattern_trim[k] = PATTERN_TRIM_CUE | PATTERN_TRIM_END;
				continue;
			}
			if (!(defs[k].regex = bounded(d->patterns.v[j], d->boundary)))
				goto cleanup;
			/* the value between the delimiters: of one length, its start
			 * is its end less that (shuan_matcher_width) */
			defs[k].value = d->patterns.v[j];
			r->pattern_trim[k] = PATTERN_TRIM_START | PATTERN_TRIM_END;
		}
	}
	r->n_patterns = n;
	size_t bad;
	r->cache.salt = r->digest;
	r->cache.salt_len = sizeof(r->digest);
	rc = shuan_matcher_compile(&r->matcher, kind, defs, n, &r->cache, &bad, msg, sizeof(msg));
	for (size_t i = 0; rc == 0 && i < n; i++)
		r->pattern_width[i] = shuan_matcher_width(r->matcher, i);
	r->cache.dir = NULL; /* borrowed from the caller's options */
	r->cache.salt = NULL;
	if (rc == SHUAN_ERULES && bad < n)
		ERR("%s: pattern '%s': %s", r->dets[r->pattern_det[bad]].file, defs[bad].regex, msg);
	else if (rc)
		ERR("compiling patterns: %s", rc == SHUAN_ENOMEM ? "out of memory" : msg);
cleanup:
	for (size_t i = 0; defs && i < k; i++)
		if (r->pattern_trim[i] & ~PATTERN_TRIM_AT) /* the rewritten ones */
			shuan_free((char *)defs[i].regex);
	shuan_free(defs);
	return rc;
}

