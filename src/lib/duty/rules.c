/*
 * lib/duty/rules.c - loads the duty rules: rules/duty/xborder.yaml,
 * incident-miit.yaml, incident-cac.yaml, duties.yaml, and the calendar
 * (calendar.c).
 *
 * Every mapping is checked against the keys it may have, so a misspelt key
 * ("at_leat") fails the load with file:line:column instead of silently
 * dropping a threshold; numbers, enumerations and test names are checked
 * the same way. Strings are not copied: they point into the YAML documents
 * the handle keeps until shuan_duty_rules_free().
 *
 * The parsers below return at the first problem (nothing to release: the
 * documents are owned by the handle); shuan_duty_rules_load() is the one
 * function with a cleanup exit.
 */
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "util/alloc.h"

#define TRY(x)                                                                                               \
	do {                                                                                                 \
		int rc_ = (x);                                                                               \
		if (rc_ != 0)                                                                                \
			return rc_;                                                                          \
	} while (0)

const char *const shuan_duty__types[] = {"tamper", "destroy", "leak", "illegal_acquire", "illegal_use", NULL};
const char *const shuan_duty__grades[] = {"core", "important", "general", NULL};
const char *const shuan_duty__domains[] = {"industrial", "telecom", "radio", "other", NULL};
const char *const shuan_duty__roles[] = {"processor",
                                         "ciio",
                                         "central_organ",
                                         "support_body",
                                         "local_regulator",
                                         "mechanism",
                                         "provincial_cac",
                                         "protection_department",
                                         NULL};
const char *const shuan_duty__regimes[] = {"miit", "cac", "both", NULL};
/* Ordered from the strongest: a band's `threat` is met by this one or any stronger. */
const char *const shuan_duty__threats[] = {"particularly_serious", "serious", "relatively_serious", "some",
                                           NULL};
const char *const shuan_duty__impacts[] = {"large_scale", "fairly_large", "partial", "minor", NULL};
const char *const shuan_duty__scopes[] = {"whole", "main_function", NULL};

static const char *const LEVELS[] = {"general", "significant", "major", "extraordinary", NULL};
static const char *const PATHWAYS[] = {"exempt", "standard_contract_or_certification", "security_assessment",
                                       NULL};

int shuan_duty__index(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

int shuan_duty__regime_index(const char *id)
{
	return !id ? -1 : !strcmp(id, "miit") ? 0 : !strcmp(id, "cac") ? 1 : -1;
}

static int opt_string(shuan_yaml *y, const shuan_yaml_node *m, const char *key, const char **out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	if (!n)
		return 0;
	return shuan_yaml_string(y, n, key, out);
}

static int req_string(shuan_yaml *y, const shuan_yaml_node *m, const char *key, const char **out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	if (!n)
		return shuan_yaml_fail(y, m, "'%s' is required", key);
	return shuan_yaml_string(y, n, key, out);
}

static int req_int(shuan_yaml *y, const shuan_yaml_node *m, const char *key, int64_t lo, int64_t hi,
                   int64_t *out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	if (!n)
		return shuan_yaml_fail(y, m, "'%s' is required", key);
	return shuan_yaml_int(y, n, key, lo, hi, out);
}

static int opt_int(shuan_yaml *y, const shuan_yaml_node *m, const char *key, int64_t lo, int64_t hi,
                   int64_t *out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	if (!n)
		return 0;
	return shuan_yaml_int(y, n, key, lo, hi, out);
}

static int opt_number(shuan_yaml *y, const shuan_yaml_node *m, const char *key, double *out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	if (!n)
		return 0;
	return shuan_yaml_number(y, n, key, 0, 1e15, out);
}

static int opt_enum(shuan_yaml *y, const shuan_yaml_node *m, const char *key, const char *const *names,
                    int *out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	if (!n)
		return 0;
	return shuan_yaml_enum(y, n, key, names, out);
}

static int req_enum(shuan_yaml *y, const shuan_yaml_node *m, const char *key, const char *const *names,
                    int *out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	if (!n)
		return shuan_yaml_fail(y, m, "'%s' is required", key);
	return shuan_yaml_enum(y, n, key, names, out);
}

static int opt_bool(shuan_yaml *y, const shuan_yaml_node *m, const char *key, bool *out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	if (!n)
		return 0;
	return shuan_yaml_bool(y, n, key, out);
}

/* A list of scalars, each an index into `names` (or kept as strings when names is NULL). */
static int enum_list(shuan_yaml *y, const shuan_yaml_node *m, const char *key, const char *const *names,
                     int *idx, const char **strs, size_t max, size_t *n)
{
	shuan_yaml_node *seq = shuan_yaml_get(y, m, key);
	*n = 0;
	if (!seq)
		return 0;
	TRY(shuan_yaml_scalar_seq(y, seq, key, max));
	for (size_t i = 0; i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *it = shuan_yaml_item(y, seq, i);
		if (names) {
			int k;
			TRY(shuan_yaml_enum(y, it, key, names, &k));
			idx[i] = k;
		} else {
			strs[i] = shuan_yaml_scalar(it);
		}
		(*n)++;
	}
	return 0;
}

int shuan_duty__basis_parse(shuan_yaml *y, const shuan_yaml_node *m, shuan_duty_basis *b)
{
	TRY(opt_string(y, m, "rule", &b->rule));
	TRY(opt_string(y, m, "article", &b->article));
	TRY(opt_string(y, m, "cites", &b->cites));
	TRY(opt_string(y, m, "note", &b->note));
	TRY(opt_bool(y, m, "unverified", &b->unverified));
	return 0;
}

static int leaf_parse(shuan_yaml *y, const shuan_yaml_node *m, const duty_test_def *tests,
                      const shuan_duty_basis *owner, bool allow_of, duty_leaf *leaf, duty_cond *cond)
{
	static const char *const keys[] = {"test",    "values", "value", "number",     "of",
	                                   "article", "cites",  "note",  "unverified", NULL};
	const char *name;
	int k = -1;
	TRY(shuan_yaml_check_keys(y, m, "condition", keys));
	TRY(req_string(y, m, "test", &name));
	for (int i = 0; tests[i].name; i++)
		if (!strcmp(tests[i].name, name))
			k = i;
	if (k < 0) {
		char list[512];
		size_t o = 0;
		list[0] = '\0';
		for (int i = 0; tests[i].name && o < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
			                      tests[i].name);
		return shuan_yaml_fail(y, shuan_yaml_get(y, m, "test"), "unknown test '%s' (one of: %s)",
		                       name, list);
	}
	leaf->test = k;
	leaf->name = tests[k].name;
	leaf->basis = *owner;
	/* a condition naming its own article stands on its own: it does not
	 * inherit the owner's note or unverified mark */
	if (shuan_yaml_get(y, m, "article")) {
		leaf->basis.note = NULL;
		leaf->basis.unverified = false;
	}
	TRY(shuan_duty__basis_parse(y, m, &leaf->basis));
	switch (tests[k].param) {
	case DUTY_PARAM_VALUES:
		TRY(enum_list(y, m, "values", NULL, NULL, leaf->values, DUTY_MAX_VALUES, &leaf->nvalues));
		if (!leaf->nvalues)
			return shuan_yaml_fail(y, m, "test '%s' needs 'values'", name);
		break;
	case DUTY_PARAM_VALUE:
		TRY(req_string(y, m, "value", &leaf->value));
		break;
	case DUTY_PARAM_NUMBER:
		TRY(req_int(y, m, "number", 0, INT64_MAX / 2, &leaf->number));
		leaf->has_number = true;
		break;
	case DUTY_PARAM_OF: {
		shuan_yaml_node *of = shuan_yaml_get(y, m, "of");
		if (!allow_of || !cond)
			return shuan_yaml_fail(y, m, "'%s' cannot be nested", name);
		if (!of || !shuan_yaml_is_seq(of) || !shuan_yaml_count(of))
			return shuan_yaml_fail(y, m, "test '%s' needs a list 'of' conditions", name);
		if (shuan_yaml_count(of) > DUTY_MAX_OF)
			return shuan_yaml_fail(y, of, "'of' has more than %d conditions", DUTY_MAX_OF);
		for (size_t i = 0; i < shuan_yaml_count(of); i++)
			TRY(leaf_parse(y, shuan_yaml_item(y, of, i), tests, owner, false, &cond->of[i],
			               NULL));
		cond->nof = shuan_yaml_count(of);
		break;
	}
	case DUTY_PARAM_NONE:
		break;
	}
	return 0;
}

int shuan_duty__conds_parse(shuan_yaml *y, const shuan_yaml_node *seq, const char *key,
                            const duty_test_def *tests, const shuan_duty_basis *owner, duty_conds *out)
{
	out->n = 0;
	if (!seq)
		return 0;
	if (!shuan_yaml_is_seq(seq))
		return shuan_yaml_fail(y, seq, "'%s' must be a list of conditions", key);
	if (shuan_yaml_count(seq) > DUTY_MAX_CONDS)
		return shuan_yaml_fail(y, seq, "'%s' has more than %d conditions", key, DUTY_MAX_CONDS);
	for (size_t i = 0; i < shuan_yaml_count(seq); i++) {
		duty_cond *c = &out->c[out->n];
		memset(c, 0, sizeof(*c));
		TRY(leaf_parse(y, shuan_yaml_item(y, seq, i), tests, owner, true, &c->leaf, c));
		out->n++;
	}
	return 0;
}

/* A list under `key` whose items are mappings; *seq set (NULL when absent). */
static int map_list(shuan_yaml *y, const shuan_yaml_node *m, const char *key, size_t max, bool required,
                    shuan_yaml_node **seq)
{
	*seq = shuan_yaml_get(y, m, key);
	if (!*seq)
		return required ? shuan_yaml_fail(y, m, "'%s' is required", key) : 0;
	if (!shuan_yaml_is_seq(*seq))
		return shuan_yaml_fail(y, *seq, "'%s' must be a list", key);
	if (shuan_yaml_count(*seq) > max)
		return shuan_yaml_fail(y, *seq, "'%s' has %zu items, more than the limit of %zu", key,
		                       shuan_yaml_count(*seq), max);
	for (size_t i = 0; i < shuan_yaml_count(*seq); i++)
		if (!shuan_yaml_is_map(shuan_yaml_item(y, *seq, i)))
			return shuan_yaml_fail(y, shuan_yaml_item(y, *seq, i),
			                       "items of '%s' must be mappings", key);
	return 0;
}

/* ---- xborder.yaml ---- */

static int xrule_parse(shuan_yaml *y, const shuan_yaml_node *m, bool exemption, duty_xrule *x)
{
	static const char *const ekeys[] = {"id",   "rule",       "title", "article", "cites",
	                                    "note", "unverified", "all",   NULL};
	static const char *const tkeys[] = {"rule", "title",      "pathway", "article", "cites",
	                                    "note", "unverified", "all",     NULL};
	int p = SHUAN_XBORDER_EXEMPT;
	TRY(shuan_yaml_check_keys(y, m, exemption ? "exemption" : "trigger", exemption ? ekeys : tkeys));
	if (exemption)
		TRY(req_string(y, m, "id", &x->id));
	else
		TRY(req_enum(y, m, "pathway", PATHWAYS, &p));
	x->pathway = (shuan_xborder_pathway)p;
	TRY(req_string(y, m, "title", &x->title));
	TRY(shuan_duty__basis_parse(y, m, &x->basis));
	if (!x->basis.rule || !x->basis.article)
		return shuan_yaml_fail(y, m, "'rule' and 'article' are required");
	if (!exemption)
		x->id = x->basis.rule;
	if (!shuan_yaml_get(y, m, "all"))
		return shuan_yaml_fail(y, m, "'all' is required (its conditions)");
	return shuan_duty__conds_parse(y, shuan_yaml_get(y, m, "all"), "all", shuan_duty__xborder_tests,
	                               &x->basis, &x->all);
}

static int xborder_parse(shuan_yaml *y, duty_xborder_rules *xb)
{
	static const char *const keys[] = {
	    "id",       "rev",        "cites",  "counting",       "warn_ratio", "exemptions",
	    "triggers", "thresholds", "always", "pathway_duties", "validity",   NULL};
	static const char *const thkeys[] = {"rule",    "title", "count", "at_least",   "pathway",
	                                     "article", "cites", "note",  "unverified", NULL};
	static const char *const akeys[] = {"rule",  "title", "when",       "article",
	                                    "cites", "note",  "unverified", NULL};
	static const char *const pkeys[] = {"rule",    "pathway", "title", "working_days", "from",
	                                    "article", "cites",   "note",  "unverified",   NULL};
	static const char *const vkeys[] = {
	    "rule",       "years", "extension_working_days", "extension_years", "article", "cites", "note",
	    "unverified", NULL};
	static const char *const counts[] = {"pi", "spi", NULL};
	shuan_yaml_node *root = shuan_yaml_root(y), *seq, *n;
	int64_t v;

	if (!shuan_yaml_is_map(root))
		return shuan_yaml_fail(y, root, "the top level must be a mapping");
	TRY(shuan_yaml_check_keys(y, root, "xborder rules", keys));
	TRY(req_int(y, root, "rev", 1, 1000000, &v));
	xb->rev = (int)v;
	if (!(n = shuan_yaml_get(y, root, "counting")) || !shuan_yaml_is_map(n))
		return shuan_yaml_fail(y, n ? n : root, "'counting' must be a mapping");
	{
		static const char *const ckeys[] = {"rule", "article", "cites", "note", "unverified", NULL};
		TRY(shuan_yaml_check_keys(y, n, "counting", ckeys));
		TRY(shuan_duty__basis_parse(y, n, &xb->counting));
	}
	xb->warn_ratio = 0.9;
	if ((n = shuan_yaml_get(y, root, "warn_ratio")))
		TRY(shuan_yaml_number(y, n, "warn_ratio", 0.01, 1, &xb->warn_ratio));

	TRY(map_list(y, root, "exemptions", DUTY_MAX_ITEMS, true, &seq));
	for (size_t i = 0; i < shuan_yaml_count(seq); i++)
		TRY(xrule_parse(y, shuan_yaml_item(y, seq, i), true, &xb->exemptions[xb->nexemptions++]));
	TRY(map_list(y, root, "triggers", DUTY_MAX_ITEMS, true, &seq));
	for (size_t i = 0; i < shuan_yaml_count(seq); i++)
		TRY(xrule_parse(y, shuan_yaml_item(y, seq, i), false, &xb->triggers[xb->ntriggers++]));

	TRY(map_list(y, root, "thresholds", DUTY_MAX_ITEMS, true, &seq));
	for (size_t i = 0; i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, seq, i);
		duty_xthreshold *t = &xb->thresholds[xb->nthresholds++];
		int c, p;
		TRY(shuan_yaml_check_keys(y, m, "threshold", thkeys));
		TRY(req_string(y, m, "title", &t->title));
		TRY(req_enum(y, m, "count", counts, &c));
		TRY(req_int(y, m, "at_least", 1, INT64_MAX / 2, &t->at_least));
		TRY(req_enum(y, m, "pathway", PATHWAYS, &p));
		if (p == SHUAN_XBORDER_EXEMPT)
			return shuan_yaml_fail(
			    y, m, "a threshold leads to a contract or an assessment, not 'exempt'");
		t->spi = c == 1;
		t->pathway = (shuan_xborder_pathway)p;
		TRY(shuan_duty__basis_parse(y, m, &t->basis));
	}

	TRY(map_list(y, root, "always", DUTY_MAX_ITEMS, false, &seq));
	for (size_t i = 0; seq && i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, seq, i);
		duty_xduty *d = &xb->duties[xb->nduties++];
		TRY(shuan_yaml_check_keys(y, m, "duty", akeys));
		TRY(req_string(y, m, "title", &d->title));
		d->pathway = -1;
		TRY(shuan_duty__basis_parse(y, m, &d->basis));
		TRY(shuan_duty__conds_parse(y, shuan_yaml_get(y, m, "when"), "when",
		                            shuan_duty__xborder_tests, &d->basis, &d->when));
	}
	TRY(map_list(y, root, "pathway_duties", DUTY_MAX_ITEMS, false, &seq));
	for (size_t i = 0; seq && i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, seq, i);
		duty_xduty *d = &xb->duties[xb->nduties++];
		int p;
		TRY(shuan_yaml_check_keys(y, m, "pathway duty", pkeys));
		TRY(req_string(y, m, "title", &d->title));
		TRY(req_enum(y, m, "pathway", PATHWAYS, &p));
		d->pathway = p;
		v = 0;
		TRY(opt_int(y, m, "working_days", 1, 1000, &v));
		d->working_days = (int)v;
		TRY(opt_string(y, m, "from", &d->from));
		if (d->working_days && (!d->from || strcmp(d->from, "contract_effective")))
			return shuan_yaml_fail(y, m, "'working_days' needs 'from: contract_effective'");
		TRY(shuan_duty__basis_parse(y, m, &d->basis));
	}

	if (!(n = shuan_yaml_get(y, root, "validity")) || !shuan_yaml_is_map(n))
		return shuan_yaml_fail(y, n ? n : root, "'validity' must be a mapping");
	TRY(shuan_yaml_check_keys(y, n, "validity", vkeys));
	TRY(req_int(y, n, "years", 1, 50, &v));
	xb->validity.years = (int)v;
	TRY(req_int(y, n, "extension_working_days", 1, 1000, &v));
	xb->validity.extension_working_days = (int)v;
	TRY(req_int(y, n, "extension_years", 1, 50, &v));
	xb->validity.extension_years = (int)v;
	TRY(shuan_duty__basis_parse(y, n, &xb->validity.basis));
	return 0;
}

/* ---- incident-miit.yaml and incident-cac.yaml ---- */

static int band_parse(shuan_yaml *y, const shuan_yaml_node *m, duty_itest test, duty_band *b)
{
	static const char *const keys[] = {
	    "level",       "grades",       "default_for",    "threat",        "impact",     "at_least",
	    "pi_at_least", "spi_at_least", "whole_at_least", "main_at_least", "unverified", "note",
	    NULL};
	int lv;
	bool any = false;
	TRY(shuan_yaml_check_keys(y, m, "band", keys));
	TRY(req_enum(y, m, "level", LEVELS, &lv));
	b->level = (shuan_incident_level)lv;
	b->threat = b->impact = -1;
	b->at_least = b->whole_at_least = b->main_at_least = -1;
	b->pi_at_least = b->spi_at_least = -1;
	TRY(enum_list(y, m, "grades", shuan_duty__grades, b->grades, NULL, 4, &b->ngrades));
	TRY(enum_list(y, m, "default_for", shuan_duty__grades, b->default_for, NULL, 4, &b->ndefault_for));
	TRY(opt_enum(y, m, "threat", shuan_duty__threats, &b->threat));
	TRY(opt_enum(y, m, "impact", shuan_duty__impacts, &b->impact));
	TRY(opt_number(y, m, "at_least", &b->at_least));
	TRY(opt_int(y, m, "pi_at_least", 1, INT64_MAX / 2, &b->pi_at_least));
	TRY(opt_int(y, m, "spi_at_least", 1, INT64_MAX / 2, &b->spi_at_least));
	TRY(opt_number(y, m, "whole_at_least", &b->whole_at_least));
	TRY(opt_number(y, m, "main_at_least", &b->main_at_least));
	TRY(opt_bool(y, m, "unverified", &b->unverified));
	TRY(opt_string(y, m, "note", &b->note));
	/* each test needs its own parameters */
	switch (test) {
	case ITEST_DATA_GRADE:
		any = b->ngrades && b->threat >= 0;
		break;
	case ITEST_PRODUCTION:
		any = b->impact >= 0;
		break;
	case ITEST_HOURS:
	case ITEST_LOSS:
		any = b->at_least >= 0;
		break;
	case ITEST_PEOPLE:
		any = b->pi_at_least > 0 || b->spi_at_least > 0;
		break;
	case ITEST_CII_OUTAGE:
		any = b->whole_at_least >= 0 && b->main_at_least >= 0;
		break;
	}
	if (!any)
		return shuan_yaml_fail(y, m, "this band lacks the parameters of its criterion's test");
	return 0;
}

static int deadline_parse(shuan_yaml *y, const shuan_yaml_node *m, duty_ideadline *d)
{
	static const char *const keys[] = {
	    "rule",         "step", "title",   "actors",  "chain", "party", "min_level",  "from", "minutes",
	    "working_days", "days", "done_by", "article", "cites", "note",  "unverified", NULL};
	static const char *const froms[] = {"discovered", "response_ended", NULL};
	static const char *const *kinds;
	int lv, from;
	int64_t v;
	size_t o = 0;
	kinds = shuan_incident_event_kinds();
	TRY(shuan_yaml_check_keys(y, m, "deadline", keys));
	TRY(shuan_duty__basis_parse(y, m, &d->basis));
	d->rule = d->basis.rule;
	if (!d->rule || !d->basis.article)
		return shuan_yaml_fail(y, m, "'rule' and 'article' are required");
	TRY(req_string(y, m, "step", &d->step));
	TRY(req_string(y, m, "title", &d->title));
	TRY(req_string(y, m, "party", &d->party));
	TRY(enum_list(y, m, "actors", shuan_duty__roles, d->actors, NULL, 8, &d->nactors));
	if (!d->nactors)
		return shuan_yaml_fail(y, m, "'actors' is required");
	for (size_t i = 0; i < d->nactors && o < sizeof(d->actor_list); i++)
		o += (size_t)snprintf(d->actor_list + o, sizeof(d->actor_list) - o, "%s%s", i ? ", " : "",
		                      shuan_duty__roles[d->actors[i]]);
	TRY(enum_list(y, m, "chain", shuan_duty__roles, d->chain, NULL, 8, &d->nchain));
	TRY(req_enum(y, m, "min_level", LEVELS, &lv));
	d->min_level = (shuan_incident_level)lv;
	TRY(req_enum(y, m, "from", froms, &from));
	d->from_response_end = from == 1;
	d->minutes = d->working_days = d->days = -1;
	v = -1;
	TRY(opt_int(y, m, "minutes", 0, 100000, &v));
	d->minutes = (int)v;
	v = -1;
	TRY(opt_int(y, m, "working_days", 1, 1000, &v));
	d->working_days = (int)v;
	v = -1;
	TRY(opt_int(y, m, "days", 1, 10000, &v));
	d->days = (int)v;
	if ((d->minutes >= 0) + (d->working_days >= 0) + (d->days >= 0) != 1)
		return shuan_yaml_fail(y, m,
		                       "a deadline needs exactly one of 'minutes', 'working_days', 'days'");
	{
		shuan_yaml_node *seq = shuan_yaml_get(y, m, "done_by");
		if (seq) {
			TRY(shuan_yaml_scalar_seq(y, seq, "done_by", 4));
			for (size_t i = 0; i < shuan_yaml_count(seq); i++) {
				shuan_yaml_node *it = shuan_yaml_item(y, seq, i);
				int k;
				TRY(shuan_yaml_enum(y, it, "done_by", kinds, &k));
				d->done_by[d->ndone_by++] = kinds[k];
			}
		}
	}
	return 0;
}

static int regime_parse(shuan_yaml *y, duty_regime *g)
{
	static const char *const keys[] = {"id",        "rev",       "regime", "title",       "cites",
	                                   "effective", "domains",   "levels", "level_basis", "criteria",
	                                   "default",   "deadlines", NULL};
	static const char *const ckeys[] = {"rule",  "title", "test",       "domains", "types", "article",
	                                    "cites", "note",  "unverified", "bands",   NULL};
	static const char *const lkeys[] = {"level", "zh", "response", "warning", NULL};
	static const char *const dkeys[] = {"level", "rule", "article", "cites", "note", "unverified", NULL};
	static const char *const tests[] = {"data_grade", "production", "hours", "loss",
	                                    "people",     "cii_outage", NULL};
	shuan_yaml_node *root = shuan_yaml_root(y), *seq, *n;
	const char *eff;
	int64_t v;
	int lv;

	if (!shuan_yaml_is_map(root))
		return shuan_yaml_fail(y, root, "the top level must be a mapping");
	TRY(shuan_yaml_check_keys(y, root, "incident rules", keys));
	TRY(req_int(y, root, "rev", 1, 1000000, &v));
	g->rev = (int)v;
	TRY(req_string(y, root, "regime", &g->id));
	TRY(req_string(y, root, "title", &g->title));
	TRY(req_string(y, root, "effective", &eff));
	if (shuan_date_parse(eff, &g->effective) != 0)
		return shuan_yaml_fail(y, shuan_yaml_get(y, root, "effective"),
		                       "'effective' must be a date YYYY-MM-DD");
	TRY(enum_list(y, root, "domains", shuan_duty__domains, g->domains, NULL, 4, &g->ndomains));

	TRY(map_list(y, root, "levels", 4, false, &seq));
	for (size_t i = 0; seq && i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, seq, i);
		TRY(shuan_yaml_check_keys(y, m, "level", lkeys));
		TRY(req_enum(y, m, "level", LEVELS, &lv));
		TRY(req_string(y, m, "zh", &g->levels[lv].zh));
		TRY(req_string(y, m, "response", &g->levels[lv].response));
		TRY(req_string(y, m, "warning", &g->levels[lv].warning));
		g->has_levels = true;
	}
	if (g->has_levels)
		for (int i = 0; i < 4; i++)
			if (!g->levels[i].zh)
				return shuan_yaml_fail(y, seq, "'levels' must list all four levels");
	if ((n = shuan_yaml_get(y, root, "level_basis"))) {
		static const char *const bkeys[] = {"rule", "article", "cites", "note", "unverified", NULL};
		TRY(shuan_yaml_check_keys(y, n, "level_basis", bkeys));
		TRY(shuan_duty__basis_parse(y, n, &g->level_basis));
	}

	TRY(map_list(y, root, "criteria", DUTY_MAX_ITEMS, true, &seq));
	for (size_t i = 0; i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, seq, i), *bands;
		duty_criterion *c = &g->criteria[g->ncriteria++];
		int t;
		TRY(shuan_yaml_check_keys(y, m, "criterion", ckeys));
		TRY(shuan_duty__basis_parse(y, m, &c->basis));
		c->rule = c->basis.rule;
		if (!c->rule || !c->basis.article)
			return shuan_yaml_fail(y, m, "'rule' and 'article' are required");
		TRY(req_string(y, m, "title", &c->title));
		TRY(req_enum(y, m, "test", tests, &t));
		c->test = (duty_itest)t;
		TRY(enum_list(y, m, "domains", shuan_duty__domains, c->domains, NULL, 4, &c->ndomains));
		TRY(enum_list(y, m, "types", shuan_duty__types, c->types, NULL, 6, &c->ntypes));
		TRY(map_list(y, m, "bands", DUTY_MAX_BANDS, true, &bands));
		for (size_t k = 0; k < shuan_yaml_count(bands); k++)
			TRY(band_parse(y, shuan_yaml_item(y, bands, k), c->test, &c->bands[c->nbands++]));
	}
	if (!(n = shuan_yaml_get(y, root, "default")) || !shuan_yaml_is_map(n))
		return shuan_yaml_fail(y, n ? n : root, "'default' must be a mapping");
	TRY(shuan_yaml_check_keys(y, n, "default", dkeys));
	TRY(req_enum(y, n, "level", LEVELS, &lv));
	g->default_level = (shuan_incident_level)lv;
	TRY(shuan_duty__basis_parse(y, n, &g->default_basis));

	TRY(map_list(y, root, "deadlines", DUTY_MAX_ITEMS, true, &seq));
	for (size_t i = 0; i < shuan_yaml_count(seq); i++)
		TRY(deadline_parse(y, shuan_yaml_item(y, seq, i), &g->deadlines[g->ndeadlines++]));
	return 0;
}

/* ---- duties.yaml ---- */

static int schedule_parse(shuan_yaml *y, const shuan_yaml_node *n, duty_periodic *d)
{
	static const char *const words[] = {"ongoing", "periodic", "assessments", "incident_summaries", NULL};
	static const char *const keys[] = {"every_months", "yearly_on", "provision_records", NULL};
	int64_t v;
	if (!n)
		return shuan_yaml_fail(y, n, "'schedule' is required");
	if (shuan_yaml_scalar(n)) {
		int k;
		static const duty_schedule map[] = {SCHED_ONGOING, SCHED_PERIODIC, SCHED_ASSESSMENTS,
		                                    SCHED_INCIDENT_SUMMARIES};
		TRY(shuan_yaml_enum(y, n, "schedule", words, &k));
		d->schedule = map[k];
		return 0;
	}
	TRY(shuan_yaml_check_keys(y, n, "schedule", keys));
	if (shuan_yaml_count(n) != 1)
		return shuan_yaml_fail(y, n,
		                       "'schedule' takes one of every_months, yearly_on, provision_records");
	if (shuan_yaml_get(y, n, "every_months")) {
		TRY(req_int(y, n, "every_months", 1, 1200, &v));
		d->schedule = SCHED_EVERY_MONTHS;
		d->months = (int)v;
	} else if (shuan_yaml_get(y, n, "provision_records")) {
		TRY(req_int(y, n, "provision_records", 1, 1200, &v));
		d->schedule = SCHED_PROVISION_RECORDS;
		d->months = (int)v;
	} else {
		const char *s;
		shuan_date probe;
		char buf[16];
		TRY(req_string(y, n, "yearly_on", &s));
		/* MM-DD, checked as a day of a leap year */
		if (strlen(s) != 5 || snprintf(buf, sizeof(buf), "2024-%s", s) != 10 ||
		    shuan_date_parse(buf, &probe))
			return shuan_yaml_fail(y, shuan_yaml_get(y, n, "yearly_on"),
			                       "'yearly_on' must be MM-DD");
		d->schedule = SCHED_YEARLY_ON;
		d->on_month = probe.month;
		d->on_day = probe.day;
	}
	return 0;
}

static int duties_parse(shuan_yaml *y, shuan_duty_rules *r)
{
	static const char *const keys[] = {"id", "rev", "cites", "duties", NULL};
	static const char *const dkeys[] = {"id",      "rule",  "title", "when",       "schedule", "party",
	                                    "article", "cites", "note",  "unverified", NULL};
	shuan_yaml_node *root = shuan_yaml_root(y), *seq;
	int64_t v;
	if (!shuan_yaml_is_map(root))
		return shuan_yaml_fail(y, root, "the top level must be a mapping");
	TRY(shuan_yaml_check_keys(y, root, "duties rules", keys));
	TRY(req_int(y, root, "rev", 1, 1000000, &v));
	r->duties_rev = (int)v;
	TRY(map_list(y, root, "duties", DUTY_MAX_DUTIES, true, &seq));
	for (size_t i = 0; i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, seq, i);
		duty_periodic *d = &r->duties[r->nduties];
		TRY(shuan_yaml_check_keys(y, m, "duty", dkeys));
		TRY(req_string(y, m, "id", &d->id));
		for (size_t k = 0; k < r->nduties; k++)
			if (!strcmp(r->duties[k].id, d->id))
				return shuan_yaml_fail(y, m, "duty id '%s' appears twice", d->id);
		TRY(req_string(y, m, "title", &d->title));
		TRY(opt_string(y, m, "party", &d->party));
		TRY(shuan_duty__basis_parse(y, m, &d->basis));
		if (!d->basis.rule || !d->basis.article)
			return shuan_yaml_fail(y, m, "'rule' and 'article' are required");
		TRY(shuan_duty__conds_parse(y, shuan_yaml_get(y, m, "when"), "when", shuan_duty__duties_tests,
		                            &d->basis, &d->when));
		TRY(schedule_parse(y, shuan_yaml_get(y, m, "schedule"), d));
		r->nduties++;
	}
	return 0;
}

/* ---- people.yaml ---- */

static int people_parse(shuan_yaml *y, duty_people_rules *p)
{
	static const char *const keys[] = {"id", "rev", "cites", "identifiers", "important_data_candidate",
	                                   NULL};
	static const char *const ckeys[] = {"rule", "pi_people_at_least", "article", "cites",
	                                    "note", "unverified",         NULL};
	shuan_yaml_node *root = shuan_yaml_root(y), *n;
	if (!shuan_yaml_is_map(root))
		return shuan_yaml_fail(y, root, "the top level must be a mapping");
	TRY(shuan_yaml_check_keys(y, root, "people rules", keys));
	TRY(enum_list(y, root, "identifiers", NULL, NULL, p->identifiers, 32, &p->nidentifiers));
	if (!p->nidentifiers)
		return shuan_yaml_fail(y, root, "'identifiers' must list at least one detector");
	if (!(n = shuan_yaml_get(y, root, "important_data_candidate")) || !shuan_yaml_is_map(n))
		return shuan_yaml_fail(y, n ? n : root, "'important_data_candidate' must be a mapping");
	TRY(shuan_yaml_check_keys(y, n, "important_data_candidate", ckeys));
	TRY(req_int(y, n, "pi_people_at_least", 1, INT64_MAX / 2, &p->candidate_at_least));
	return shuan_duty__basis_parse(y, n, &p->candidate);
}

/* Loads rules_dir/duty/<name> into the next document slot. */
static int load_doc(shuan_duty_rules *r, const char *name, shuan_yaml **out, char *err, size_t errlen)
{
	char path[4200];
	shuan_yaml *y;
	int rc;
	if (r->ndocs == DUTY_MAX_DOCS) {
		snprintf(err, errlen, "too many duty rule files");
		return SHUAN_ELIMIT;
	}
	y = &r->docs[r->ndocs++];
	snprintf(path, sizeof(path), "%s/duty/%s", r->dir, name);
	rc = shuan_yaml_load_file(y, path, err, errlen);
	if (rc == SHUAN_ENOTFOUND)
		snprintf(err, errlen,
		         "%s: missing (the duty rules ship in rules/duty/; check --rules or SHUAN_RULES)",
		         path);
	if (rc == 0 && !shuan_yaml_root(y)) {
		snprintf(err, errlen, "%s: empty file", path);
		rc = SHUAN_ERULES;
	}
	*out = y;
	return rc;
}

int shuan_duty_rules_load(shuan_duty_rules **out, const char *rules_dir, char *err, size_t errlen)
{
	static const char *const regime_files[2] = {"incident-miit.yaml", "incident-cac.yaml"};
	shuan_duty_rules *r = NULL;
	shuan_yaml *y;
	char caldir[4200];
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (!(r = shuan_calloc(1, sizeof(*r))))
		return SHUAN_ENOMEM;
	if (snprintf(r->dir, sizeof(r->dir), "%s", rules_dir) >= (int)sizeof(r->dir)) {
		snprintf(err, errlen, "rules directory path too long");
		rc = SHUAN_ELIMIT;
		goto cleanup;
	}
	if ((rc = load_doc(r, "xborder.yaml", &y, err, errlen)) != 0 || (rc = xborder_parse(y, &r->xb)) != 0)
		goto cleanup;
	for (int i = 0; i < 2; i++) {
		if ((rc = load_doc(r, regime_files[i], &y, err, errlen)) != 0 ||
		    (rc = regime_parse(y, &r->regimes[i])) != 0)
			goto cleanup;
		if (shuan_duty__regime_index(r->regimes[i].id) != i) {
			rc = shuan_yaml_fail(y, shuan_yaml_get(y, shuan_yaml_root(y), "regime"),
			                     "this file must hold regime '%s'", i ? "cac" : "miit");
			goto cleanup;
		}
	}
	if (!r->regimes[0].has_levels) {
		rc = shuan_yaml_fail(&r->docs[1], shuan_yaml_root(&r->docs[1]),
		                     "the MIIT rules must define 'levels'");
		goto cleanup;
	}
	if ((rc = load_doc(r, "duties.yaml", &y, err, errlen)) != 0 || (rc = duties_parse(y, r)) != 0)
		goto cleanup;
	if ((rc = load_doc(r, "people.yaml", &y, err, errlen)) != 0 ||
	    (rc = people_parse(y, &r->people)) != 0)
		goto cleanup;
	snprintf(caldir, sizeof(caldir), "%s/calendar", r->dir);
	if ((rc = shuan_duty__calendar_load(r, caldir, err, errlen)) != 0)
		goto cleanup;
	*out = r;
	r = NULL;
cleanup:
	if (rc == SHUAN_ERULES || rc == SHUAN_EINVAL)
		rc = SHUAN_ERULES;
	shuan_duty_rules_free(r);
	return rc;
}

void shuan_duty_rules_free(shuan_duty_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ndocs; i++)
		shuan_yaml_free(&r->docs[i]);
	shuan_duty__calendar_free(r);
	shuan_free(r);
}
