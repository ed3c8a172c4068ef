/*
 * cli/suppress.c - the ignore file and the baseline (see suppress.h). The
 * baseline is read with jansson, one JSON value a line; its findings are
 * kept as 64-bit hashes of (shown path, detector, fingerprint) in a sorted
 * array, so a baseline of millions of findings costs 8 bytes each.
 */
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/suppress.h"
#include "util/utf8.h"

#define RULE_MAX 1024
#define LINE_MAX_BYTES (1u << 20)
#define BASELINE_MAX (16u << 20)

typedef struct rule {
	char *path;        /* glob, or NULL */
	char *detector;    /* id, or NULL */
	char fingerprint[33];
} rule;

struct cli_suppress {
	rule *rules;
	size_t nrules;
	uint64_t *keys; /* sorted */
	size_t nkeys, capkeys;
	bool baseline_loaded, baseline_kept_key;
	char baseline_alg[16];
};

cli_suppress *cli_suppress_new(void)
{
	return calloc(1, sizeof(cli_suppress));
}

void cli_suppress_free(cli_suppress *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nrules; i++) {
		free(s->rules[i].path);
		free(s->rules[i].detector);
	}
	free(s->rules);
	free(s->keys);
	free(s);
}

size_t cli_suppress_rules(const cli_suppress *s) { return s ? s->nrules : 0; }
size_t cli_suppress_baseline_size(const cli_suppress *s) { return s ? s->nkeys : 0; }

static bool is_hex32(const char *v, size_t n)
{
	if (n != 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return false;
	return true;
}

/* Parses one rule line into r; returns NULL or the reason it is wrong. */
static const char *parse_rule(char *line, rule *r)
{
	char *p = line;
	bool any = false;
	memset(r, 0, sizeof(*r));
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, " \t");
		char *colon = memchr(p, ':', n);
		if (!colon)
			break; /* not a selector: the reason begins */
		size_t klen = (size_t)(colon - p), vlen = n - klen - 1;
		const char *v = colon + 1;
		if (vlen == 0)
			return "a selector needs a value (path:GLOB, detector:ID, fingerprint:HEX)";
		if (klen == 4 && !strncmp(p, "path", 4)) {
			if (r->path)
				return "two path: selectors in one rule";
			r->path = strndup(v, vlen);
		} else if (klen == 8 && !strncmp(p, "detector", 8)) {
			if (r->detector)
				return "two detector: selectors in one rule";
			r->detector = strndup(v, vlen);
		} else if (klen == 11 && !strncmp(p, "fingerprint", 11)) {
			if (!is_hex32(v, vlen))
				return "a fingerprint is 32 lower-case hex digits, as findings show it";
			memcpy(r->fingerprint, v, 32);
			r->fingerprint[32] = '\0';
		} else {
			return "unknown selector (path:, detector: or fingerprint:)";
		}
		any = true;
		p += n;
	}
	if (!any)
		return "a rule starts with path:GLOB, detector:ID or fingerprint:HEX";
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return "a reason is required after the selectors (why these findings are accepted)";
	return NULL;
}

int cli_suppress_load_ignore(cli_suppress *s, const char *path, bool must_exist, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;
	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		rule r;
		const char *why = parse_rule(p, &r);
		if (!why && s->nrules == RULE_MAX)
			why = "too many rules (1024 at most)";
		if (!why) {
			rule *v = realloc(s->rules, (s->nrules + 1) * sizeof(*v));
			if (!v)
				why = "out of memory";
			else {
				s->rules = v;
				s->rules[s->nrules++] = r;
			}
		}
		if (why) {
			free(r.path);
			free(r.detector);
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			rc = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* FNV-1a over the three fields with separators. The path is taken as the
 * JSON output wrote it: a byte that is not UTF-8 counts as U+FFFD, so a
 * name with a stray byte matches its line in the baseline. */
static uint64_t key_of(const char *path, const char *detector, const char *fp)
{
	static const unsigned char fffd[3] = {0xEF, 0xBF, 0xBD};
	uint64_t h = 1469598103934665603ull;
	size_t n = strlen(path);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = (unsigned char)path[i] < 0x80 ? 1 : shuan_utf8_decode(path + i, n - i, &cp);
		h = k ? fnv(h, (const unsigned char *)path + i, k) : fnv(h, fffd, 3);
		i += k ? k : 1;
	}
	h = fnv(h, (const unsigned char *)"\xff", 1);
	h = fnv(h, (const unsigned char *)detector, strlen(detector));
	h = fnv(h, (const unsigned char *)"\xff", 1);
	return fnv(h, (const unsigned char *)fp, strlen(fp));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int cli_suppress_load_baseline(cli_suppress *s, const char *path, cli_mask_fn mask, void *mask_ud, char *err,
			       size_t errlen, char *warn, size_t warnlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;
	bool summary = false;
	warn[0] = '\0';
	if (!f) {
		snprintf(err, errlen, "--baseline %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		json_error_t je;
		lineno++;
		if (n > (ssize_t)LINE_MAX_BYTES) {
			snprintf(err, errlen, "--baseline %s:%zu: line longer than 1 MiB", path, lineno);
			rc = -1;
			break;
		}
		if (n <= 1)
			continue;
		json_t *o = json_loadb(line, (size_t)n, JSON_DECODE_ANY, &je);
		const char *type = o ? json_string_value(json_object_get(o, "type")) : NULL;
		if (!o || !json_is_object(o) || !type) {
			snprintf(err, errlen,
				 "--baseline %s:%zu: not a line of `shuan scan --format jsonl` output%s%s", path, lineno,
				 o ? "" : ": ", o ? "" : je.text);
			json_decref(o);
			rc = -1;
			break;
		}
		if (!strcmp(type, "summary")) {
			json_t *fp = json_object_get(o, "fingerprint");
			const char *alg = json_string_value(json_object_get(fp, "alg"));
			summary = true;
			s->baseline_kept_key = json_is_false(json_object_get(fp, "ephemeral_key"));
			snprintf(s->baseline_alg, sizeof(s->baseline_alg), "%s", alg ? alg : "");
		} else if (!strcmp(type, "finding")) {
			const char *p = json_string_value(json_object_get(o, "path"));
			const char *d = json_string_value(json_object_get(o, "detector"));
			const char *fp = json_string_value(json_object_get(o, "fingerprint"));
			if (p && d && fp) {
				if (s->nkeys == s->capkeys) {
					size_t nc = s->capkeys ? s->capkeys * 2 : 1024;
					uint64_t *v = nc <= BASELINE_MAX ? realloc(s->keys, nc * sizeof(*v)) : NULL;
					if (!v) {
						snprintf(err, errlen, "--baseline %s: more than %u findings (or out of memory)",
							 path, BASELINE_MAX);
						json_decref(o);
						rc = -1;
						break;
					}
					s->keys = v;
					s->capkeys = nc;
				}
				s->keys[s->nkeys++] = key_of(mask ? mask(p, mask_ud) : p, d, fp);
			}
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (rc)
		return rc;
	qsort(s->keys, s->nkeys, sizeof(*s->keys), cmp_u64);
	s->baseline_loaded = true;
	if (!summary)
		snprintf(warn, warnlen, "--baseline %s has no summary line (cut short?): its findings are used as they are",
			 path);
	else if (!s->baseline_kept_key)
		snprintf(warn, warnlen,
			 "--baseline %s was written with --no-store: its fingerprints came from a throwaway key and "
			 "match nothing; write the baseline with a store (--store DIR)",
			 path);
	return 0;
}

bool cli_suppress_baseline_key_ok(const cli_suppress *s, const char *alg)
{
	return s && s->baseline_loaded && s->baseline_kept_key && alg && !strcmp(s->baseline_alg, alg);
}

static bool rule_matches(const rule *r, const shuan_finding *f, const char *raw_path)
{
	if (r->detector && strcmp(r->detector, f->detector->id))
		return false;
	if (r->fingerprint[0] && (!f->fingerprint || strcmp(r->fingerprint, f->fingerprint)))
		return false;
	if (r->path) {
		const char *p = raw_path;
		while (p[0] == '.' && p[1] == '/')
			p += 2;
		if (fnmatch(r->path, p, 0) != 0 && fnmatch(r->path, raw_path, 0) != 0)
			return false;
	}
	return true;
}

cli_suppressed cli_suppress_check(const cli_suppress *s, const shuan_finding *f, const char *raw_path,
				  const char *shown_path)
{
	if (!s)
		return CLI_NOT_SUPPRESSED;
	for (size_t i = 0; i < s->nrules; i++)
		if (rule_matches(&s->rules[i], f, raw_path))
			return CLI_SUPPRESSED_IGNORE;
	if (s->nkeys && f->fingerprint && f->fingerprint[0]) {
		uint64_t k = key_of(shown_path, f->detector->id, f->fingerprint);
		if (bsearch(&k, s->keys, s->nkeys, sizeof(k), cmp_u64))
			return CLI_SUPPRESSED_BASELINE;
	}
	return CLI_NOT_SUPPRESSED;
}
