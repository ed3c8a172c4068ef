/*
 * lib/risk/lattice.c - shuan risk --suggest: the search of the
 * generalisation lattice for the least generalised combination of
 * quasi-identifier levels that reaches k within a suppression budget, and
 * the shuan mask policy that applies it.
 *
 * The table is read once. Each quasi-identifier's distinct values are
 * interned (value -> id), the records aggregated into distinct tuples of
 * ids with counts, and every level of every hierarchy applied once per
 * distinct value with the same functions shuan mask uses (deid's
 * apply_keyless), giving for each column and level an array id -> id of
 * the generalised value. A lattice node (one level per quasi-identifier)
 * is then evaluated by mapping the distinct tuples through those arrays
 * and counting the classes: the records in classes smaller than k are the
 * ones to suppress.
 *
 * k-anonymity with suppression is monotone: a node more general than one
 * that reaches k reaches it too. So nodes are visited by height (the sum of
 * levels) from the bottom, and the first height with a solution holds the
 * least generalised ones; among them the fewest suppressed records win,
 * then the smallest loss (the mean of level / top level), then the order of
 * the levels. The top node (every quasi-identifier "*") is no solution: it
 * would publish nothing.
 *
 * Example: birth date (6 levels) x sex (2) x postcode (6): 72 nodes; with
 * k = 5 on a few thousand records the search typically stops at height 3
 * or 4 after a dozen evaluations.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/deid/internal.h"
#include "lib/risk/internal.h"
#include "util/alloc.h"
#include "util/countmap.h"
#include "util/json.h"
#include "util/text.h"
#include "util/utf8.h"

#define MAX_LEVELS 16
#define MAX_NODES 200000

/* ---- interned strings ---- */

typedef struct strs {
	uint32_t *slots; /* id + 1, 0 = empty */
	size_t cap, n;
	uint64_t *hash;
	size_t *off, *len;
	shuan_buf arena;
} strs;

static void strs_init(strs *s, size_t max_bytes)
{
	memset(s, 0, sizeof(*s));
	shuan_buf_init(&s->arena, max_bytes);
}

static void strs_free(strs *s)
{
	shuan_free(s->slots);
	shuan_free(s->hash);
	shuan_free(s->off);
	shuan_free(s->len);
	shuan_buf_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

static uint64_t hash64(const char *v, size_t n)
{
	shuan_hasher h;
	shuan_hasher_init(&h, 0x1234);
	shuan_hasher_field(&h, v, n);
	return shuan_hasher_final(&h).lo;
}

static const char *strs_get(const strs *s, uint32_t id, size_t *n)
{
	*n = s->len[id];
	return s->arena.p + s->off[id];
}

static int strs_grow(strs *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint32_t *sl = shuan_calloc(cap, sizeof(*sl));
	uint64_t *h = shuan_realloc(s->hash, cap / 2 * sizeof(*h));
	size_t *off = h ? shuan_realloc(s->off, cap / 2 * sizeof(*off)) : NULL;
	size_t *len = off ? shuan_realloc(s->len, cap / 2 * sizeof(*len)) : NULL;
	if (h)
		s->hash = h;
	if (off)
		s->off = off;
	if (len)
		s->len = len;
	if (!sl || !h || !off || !len) {
		shuan_free(sl);
		return SHUAN_ENOMEM;
	}
	for (size_t id = 0; id < s->n; id++) {
		size_t i = (size_t)s->hash[id] & (cap - 1);
		while (sl[i])
			i = (i + 1) & (cap - 1);
		sl[i] = (uint32_t)id + 1;
	}
	shuan_free(s->slots);
	s->slots = sl;
	s->cap = cap;
	return 0;
}

static int strs_intern(strs *s, const char *v, size_t n, uint32_t *id)
{
	int rc;
	if (s->n + 1 > s->cap / 2 && (rc = strs_grow(s)) != 0)
		return rc;
	uint64_t h = hash64(v, n);
	size_t i = (size_t)h & (s->cap - 1);
	while (s->slots[i]) {
		uint32_t x = s->slots[i] - 1;
		if (s->hash[x] == h && s->len[x] == n && !memcmp(s->arena.p + s->off[x], v, n)) {
			*id = x;
			return 0;
		}
		i = (i + 1) & (s->cap - 1);
	}
	size_t off = s->arena.len;
	if ((rc = shuan_buf_add(&s->arena, v, n)) != 0 || (rc = shuan_buf_addc(&s->arena, '\0')) != 0)
		return rc;
	*id = (uint32_t)s->n;
	s->hash[s->n] = h;
	s->off[s->n] = off;
	s->len[s->n] = n;
	s->n++;
	s->slots[i] = *id + 1;
	return 0;
}

/* ---- the suggestion ---- */

struct shuan_risk_suggestion {
	char *input;
	size_t nqi;
	char **qi, **kind, **spec;
	int level[RK_MAX_QI], nlevels[RK_MAX_QI];
	uint64_t k, records, input_suppressed, suppressed, classes, k_after, evaluated, lattice;
	double max_suppression, loss;
	bool found;
	char date[16];
};

void shuan_risk_suggestion_free(shuan_risk_suggestion *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nqi; i++) {
		shuan_free(s->qi[i]);
		shuan_free(s->kind[i]);
		shuan_free(s->spec[i]);
	}
	shuan_free(s->qi);
	shuan_free(s->kind);
	shuan_free(s->spec);
	shuan_free(s->input);
	shuan_free(s);
}

bool shuan_risk_suggestion_found(const shuan_risk_suggestion *s)
{
	return s && s->found;
}

/* What one node gives. */
typedef struct node_eval {
	uint64_t suppressed, classes, k_after;
} node_eval;

typedef struct search {
	size_t nqi;
	shuan_countmap base, work; /* distinct tuples of nqi value ids, with counts */
	uint32_t *gen[RK_MAX_QI][MAX_LEVELS]; /* base value id -> generalised id */
	int top[RK_MAX_QI];
	uint64_t k, records;
} search;

static int evaluate(search *s, const int *lv, node_eval *e)
{
	uint32_t key[RK_MAX_QI];
	int rc;
	shuan_countmap_clear(&s->work);
	for (size_t i = 0; i < s->base.cap; i++) {
		if (!s->base.counts[i])
			continue;
		const uint32_t *b = shuan_countmap_key(&s->base, i);
		for (size_t q = 0; q < s->nqi; q++)
			key[q] = s->gen[q][lv[q]][b[q]];
		if ((rc = shuan_countmap_add(&s->work, key, s->base.counts[i])) != 0)
			return rc;
	}
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < s->work.cap; i++) {
		uint64_t c = s->work.counts[i];
		if (!c)
			continue;
		if (c < s->k) {
			e->suppressed += c;
		} else {
			e->classes++;
			if (!e->k_after || c < e->k_after)
				e->k_after = c;
		}
	}
	return 0;
}

/* Calls fn for every level vector with sum h (levels within 0..top). */
static int each_node(search *s, int *lv, size_t q, int left, int (*fn)(search *, const int *, void *),
                     void *ud)
{
	if (q == s->nqi)
		return left == 0 ? fn(s, lv, ud) : 0;
	for (int l = 0; l <= s->top[q] && l <= left; l++) {
		lv[q] = l;
		int rc = each_node(s, lv, q + 1, left - l, fn, ud);
		if (rc)
			return rc;
	}
	return 0;
}

typedef struct best {
	shuan_risk_suggestion *out;
	double budget;
	int lv[RK_MAX_QI];
	node_eval e;
	double loss;
	bool have;
	uint64_t evaluated;
} best;

static int visit(search *s, const int *lv, void *ud)
{
	best *b = ud;
	node_eval e;
	bool top = true;
	for (size_t q = 0; q < s->nqi; q++)
		top &= lv[q] == s->top[q];
	if (top)
		return 0; /* all "*": publishes nothing */
	if (b->evaluated >= MAX_NODES)
		return SHUAN_ELIMIT;
	int rc = evaluate(s, lv, &e);
	if (rc)
		return rc;
	b->evaluated++;
	if ((double)e.suppressed > b->budget * (double)s->records || !e.classes)
		return 0;
	double loss = 0;
	for (size_t q = 0; q < s->nqi; q++)
		loss += (double)lv[q] / (double)s->top[q];
	loss /= (double)s->nqi;
	/* visited in lexicographic order: a tie keeps the first */
	if (!b->have || e.suppressed < b->e.suppressed ||
	    (e.suppressed == b->e.suppressed && loss < b->loss - 1e-12)) {
		memcpy(b->lv, lv, s->nqi * sizeof(int));
		b->e = e;
		b->loss = loss;
		b->have = true;
	}
	return 0;
}

/* The generalised ids of every distinct value of column q at every level. */
static int build_levels(search *s, size_t q, const rk_kind *k, const strs *vals, strs *out,
                        const deid_tables *tabs, const shuan_vdata *vd, char *err, size_t errlen)
{
	shuan_buf b;
	int rc = 0;
	shuan_buf_init(&b, 64u << 20);
	for (size_t l = 0; l < k->nlevels && !rc; l++) {
		deid_action a;
		char why[256];
		if ((rc = deid_action_parse_spec(&a, k->levels[l], why, sizeof(why))) != 0) {
			snprintf(err, errlen, "kind %s, level %zu: %s", k->name, l, why);
			break;
		}
		if (!(s->gen[q][l] = shuan_malloc((vals->n ? vals->n : 1) * sizeof(uint32_t)))) {
			rc = SHUAN_ENOMEM;
			deid_action_free(&a);
			break;
		}
		for (uint32_t id = 0; id < vals->n && !rc; id++) {
			size_t n;
			const char *v = strs_get(vals, id, &n);
			shuan_buf_reset(&b);
			/* as mask does: an empty value stays empty */
			if (n) {
				rc = deid_apply_keyless(tabs, vd, &a, a.type, v, n, &b);
				if (rc == 1) {
					shuan_buf_reset(&b);
					rc = deid_apply_invalid(&a, v, n, &b);
				}
			}
			if (!rc)
				rc = strs_intern(out, b.p ? b.p : "", b.len, &s->gen[q][l][id]);
		}
		deid_action_free(&a);
	}
	shuan_buf_free(&b);
	return rc;
}

int shuan_risk_suggest(const char *path, const shuan_risk_options *o, double max_suppression,
                       shuan_risk_suggestion **out, char *err, size_t errlen)
{
	return rk_suggest_run(path, NULL, o, max_suppression, out, err, errlen);
}

int rk_suggest_run(const char *path, const shuan_reader *src, const shuan_risk_options *o,
                   double max_suppression, shuan_risk_suggestion **out, char *err, size_t errlen)
{
	rk_qi_rules q;
	rk_table t;
	search s;
	strs vals[RK_MAX_QI], gvals[RK_MAX_QI];
	deid_tables tabs;
	shuan_vdata vd;
	int cols[RK_MAX_QI];
	const rk_kind *kinds[RK_MAX_QI];
	char *names[RK_MAX_QI];
	const char *v[RK_MAX_QI];
	size_t vl[RK_MAX_QI], nqi = 0;
	shuan_risk_suggestion *sg = NULL;
	int rc;

	*out = NULL;
	memset(&q, 0, sizeof(q));
	memset(&t, 0, sizeof(t));
	memset(&s, 0, sizeof(s));
	memset(&tabs, 0, sizeof(tabs));
	for (size_t i = 0; i < RK_MAX_QI; i++) {
		strs_init(&vals[i], 1u << 30);
		strs_init(&gvals[i], 1u << 30);
	}
	if (!o || o->version != SHUAN_RISK_OPTIONS_VERSION || !o->rules) {
		snprintf(err, errlen, "risk options of an unknown version, or no rules");
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	size_t memory = o->memory ? o->memory : (512u << 20);
	vd = o->rules->vdata;
	deid_reference_date(&vd, o->year, o->month, o->day);
	if ((rc = rk_qi_rules_load(&q, o->rules_dir, err, errlen)) != 0 ||
	    (rc = deid_tables_load(&tabs, &vd, o->rules_dir, err, errlen)) != 0 ||
	    (rc = rk_table_open(&t, path, src, o, err, errlen)) != 0 ||
	    (rc = rk_resolve_qi(&t, &q, o, cols, kinds, names, &nqi, err, errlen)) != 0)
		goto cleanup;
	if (!(sg = shuan_calloc(1, sizeof(*sg))) || !(sg->qi = shuan_calloc(nqi, sizeof(char *))) ||
	    !(sg->kind = shuan_calloc(nqi, sizeof(char *))) ||
	    !(sg->spec = shuan_calloc(nqi, sizeof(char *))) || !(sg->input = shuan_strdup(path))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	s.nqi = nqi;
	s.k = o->k ? o->k : 5;
	/* a tuple costs its ids and a count, four times over at most in the map
	 * (util/countmap.h); base and work share two thirds of --memory */
	size_t per = 4 * (nqi * sizeof(uint32_t) + sizeof(uint64_t));
	shuan_countmap_init(&s.base, nqi * sizeof(uint32_t), memory / 3 / per);
	shuan_countmap_init(&s.work, nqi * sizeof(uint32_t), memory / 3 / per);
	uint32_t key[RK_MAX_QI];
	while ((rc = rk_table_next(&t, cols, nqi, v, vl, err, errlen)) == 1) {
		if (rk_suppressed(v, vl, nqi)) {
			sg->input_suppressed++;
			continue;
		}
		rc = 0;
		for (size_t i = 0; i < nqi && !rc; i++)
			rc = strs_intern(&vals[i], v[i], vl[i], &key[i]);
		if (!rc)
			rc = shuan_countmap_add(&s.base, key, 1);
		if (rc)
			break;
		s.records++;
	}
	if (rc == SHUAN_ELIMIT) {
		snprintf(err, errlen,
		         "%s: more distinct quasi-identifier combinations than --memory holds for --suggest "
		         "(raise --memory)",
		         path);
		goto cleanup;
	}
	if (rc < 0)
		goto cleanup;
	for (size_t i = 0; i < nqi; i++) {
		if (kinds[i]->nlevels > MAX_LEVELS) {
			snprintf(err, errlen, "kind %s: more than %d levels", kinds[i]->name, MAX_LEVELS);
			rc = SHUAN_ELIMIT;
			goto cleanup;
		}
		s.top[i] = (int)kinds[i]->nlevels - 1;
		if ((rc = build_levels(&s, i, kinds[i], &vals[i], &gvals[i], &tabs, &vd, err, errlen)) != 0)
			goto cleanup;
	}
	best b;
	memset(&b, 0, sizeof(b));
	b.out = sg;
	b.budget = max_suppression;
	int lv[RK_MAX_QI], maxh = 0;
	uint64_t lattice = 1;
	for (size_t i = 0; i < nqi; i++) {
		maxh += s.top[i];
		lattice *= (uint64_t)(s.top[i] + 1);
	}
	for (int h = 0; h <= maxh && !b.have; h++)
		if ((rc = each_node(&s, lv, 0, h, visit, &b)) != 0) {
			if (rc == SHUAN_ELIMIT)
				snprintf(
				    err, errlen,
				    "the lattice is larger than %d evaluations; name fewer quasi-identifiers",
				    MAX_NODES);
			goto cleanup;
		}
	sg->nqi = nqi;
	for (size_t i = 0; i < nqi; i++) {
		sg->qi[i] = shuan_strdup(names[i]);
		sg->kind[i] = shuan_strdup(kinds[i]->name);
		sg->level[i] = b.have ? b.lv[i] : s.top[i];
		sg->nlevels[i] = (int)kinds[i]->nlevels;
		sg->spec[i] = shuan_strdup(kinds[i]->levels[sg->level[i]]);
		if (!sg->qi[i] || !sg->kind[i] || !sg->spec[i]) {
			rc = SHUAN_ENOMEM;
			goto cleanup;
		}
	}
	sg->found = b.have;
	sg->k = s.k;
	sg->records = s.records;
	sg->suppressed = b.e.suppressed;
	sg->classes = b.e.classes;
	sg->k_after = b.e.k_after;
	sg->loss = b.loss;
	sg->max_suppression = max_suppression;
	sg->evaluated = b.evaluated;
	sg->lattice = lattice;
	snprintf(sg->date, sizeof(sg->date), "%04d-%02d-%02d", vd.scan_year % 10000, vd.scan_month % 100,
	         vd.scan_day % 100);
	*out = sg;
	sg = NULL;
	rc = 0;
cleanup:
	if (rc == SHUAN_ENOMEM && !err[0])
		snprintf(err, errlen, "%s: out of memory", path);
	shuan_risk_suggestion_free(sg);
	for (size_t i = 0; i < RK_MAX_QI; i++) {
		for (size_t l = 0; l < MAX_LEVELS; l++)
			shuan_free(s.gen[i][l]);
		strs_free(&vals[i]);
		strs_free(&gvals[i]);
	}
	shuan_countmap_free(&s.base);
	shuan_countmap_free(&s.work);
	deid_tables_free(&tabs);
	rk_table_close(&t);
	rk_qi_rules_free(&q);
	return rc;
}

/* ---- writing it out ---- */

int shuan_risk_suggestion_write_policy(const shuan_risk_suggestion *s, FILE *out)
{
	fprintf(out, "# shuan mask policy written by shuan risk --suggest on %s\n", s->date);
	/* a file or table name may hold a newline: escaped, it stays in the comment */
	fputs("# input: ", out);
	shuan_fputs_safe(out, s->input);
	fprintf(out,
	        ", %llu records; target k = %llu with at most %.4g%% of the records suppressed\n",
	        (unsigned long long)s->records, (unsigned long long)s->k, s->max_suppression * 100);
	if (!s->found) {
		fprintf(out,
		        "# NO generalisation of these quasi-identifiers reaches k within the budget: raise\n"
		        "# --max-suppression, lower --k or add coarser levels; this policy suppresses them "
		        "all.\n");
	} else {
		fprintf(out, "# chosen (level of levels):");
		for (size_t i = 0; i < s->nqi; i++)
			fprintf(out, "%s %s %d/%d", i ? "," : "", s->qi[i], s->level[i], s->nlevels[i] - 1);
		fprintf(out,
		        "\n# %llu classes, the smallest of %llu records, after suppressing %llu records "
		        "(%.2f%%);\n"
		        "# %llu of %llu generalisations evaluated. Applying this policy with shuan mask "
		        "suppresses\n"
		        "# the quasi-identifiers of every record in a class smaller than k (they become "
		        "\"*\").\n",
		        (unsigned long long)s->classes, (unsigned long long)s->k_after,
		        (unsigned long long)s->suppressed,
		        s->records ? 100.0 * (double)s->suppressed / (double)s->records : 0.0,
		        (unsigned long long)s->evaluated, (unsigned long long)s->lattice);
	}
	fputs("version: 1\ncolumns:\n", out);
	for (size_t i = 0; i < s->nqi; i++) {
		fputs("  ", out);
		shuan_json_cstring(out, s->qi[i]);
		fputs(": ", out);
		shuan_json_cstring(out, s->spec[i]);
		fputc('\n', out);
	}
	fprintf(out, "k_anonymity:\n  k: %llu\n  quasi_identifiers: [", (unsigned long long)s->k);
	for (size_t i = 0; i < s->nqi; i++) {
		if (i)
			fputs(", ", out);
		shuan_json_cstring(out, s->qi[i]);
	}
	fprintf(out, "]\n  max_suppression: %.6g\n", s->max_suppression);
	return ferror(out) ? SHUAN_EIO : 0;
}

int shuan_risk_suggestion_write_json(const shuan_risk_suggestion *s, FILE *out)
{
	fputs("{\"input\":", out);
	shuan_json_cstring(out, s->input);
	fprintf(
	    out,
	    ",\"found\":%s,\"k\":%llu,\"max_suppression\":%.6g,\"records\":%llu,\"input_suppressed\":%llu,"
	    "\"suppressed\":%llu,\"suppressed_share\":%.6g,\"classes\":%llu,\"k_after\":%llu,\"loss\":%.6g,"
	    "\"evaluated\":%llu,\"lattice\":%llu,\"quasi_identifiers\":[",
	    s->found ? "true" : "false", (unsigned long long)s->k, s->max_suppression,
	    (unsigned long long)s->records, (unsigned long long)s->input_suppressed,
	    (unsigned long long)s->suppressed, s->records ? (double)s->suppressed / (double)s->records : 0.0,
	    (unsigned long long)s->classes, (unsigned long long)s->k_after, s->loss,
	    (unsigned long long)s->evaluated, (unsigned long long)s->lattice);
	for (size_t i = 0; i < s->nqi; i++) {
		fputs(i ? ",{\"column\":" : "{\"column\":", out);
		shuan_json_cstring(out, s->qi[i]);
		fputs(",\"kind\":", out);
		shuan_json_cstring(out, s->kind[i]);
		fprintf(out, ",\"level\":%d,\"levels\":%d,\"action\":", s->level[i], s->nlevels[i]);
		shuan_json_cstring(out, s->spec[i]);
		fputc('}', out);
	}
	fputs("]}\n", out);
	return ferror(out) ? SHUAN_EIO : 0;
}

int shuan_risk_suggestion_write_text(const shuan_risk_suggestion *s, FILE *out)
{
	if (!s->found)
		fprintf(out,
		        "no generalisation reaches k=%llu with at most %.4g%% suppressed (%llu records, %llu "
		        "of %llu "
		        "generalisations evaluated)\n",
		        (unsigned long long)s->k, s->max_suppression * 100, (unsigned long long)s->records,
		        (unsigned long long)s->evaluated, (unsigned long long)s->lattice);
	else
		fprintf(out,
		        "k=%llu reached: %llu classes, the smallest %llu; %llu of %llu records suppressed "
		        "(%.2f%%); "
		        "loss %.3f; %llu of %llu generalisations evaluated\n",
		        (unsigned long long)s->k, (unsigned long long)s->classes,
		        (unsigned long long)s->k_after, (unsigned long long)s->suppressed,
		        (unsigned long long)s->records,
		        s->records ? 100.0 * (double)s->suppressed / (double)s->records : 0.0, s->loss,
		        (unsigned long long)s->evaluated, (unsigned long long)s->lattice);
	for (size_t i = 0; i < s->nqi; i++) {
		size_t w = shuan_utf8_columns(s->qi[i], strlen(s->qi[i]));
		fprintf(out, "  %s%*s %-10s level %d of %d: %s\n", s->qi[i], w < 16 ? (int)(16 - w) : 0, "", s->kind[i],
			s->level[i], s->nlevels[i] - 1, s->spec[i]);
	}
	return ferror(out) ? SHUAN_EIO : 0;
}
