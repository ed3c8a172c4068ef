/*
 * lib/deid/policy.c - mask policies: what to mask and how, from YAML files
 * and command-line rules.
 *
 *   version: 1
 *   scan: all                  # detectors that look at every value: all | none | [ids]
 *   default: redact            # action for their findings without a rule below
 *   detectors:                 # per detector id
 *     cn_resident_id: {action: surrogate, age_band: 5}
 *     cn_mobile: partial:first=3,last=4
 *   columns:                   # CSV/TSV and xlsx headers, table columns: whole values
 *     出生日期: {action: generalize, to: year}
 *   paths:                     # JSON key paths (a[*].b; a rule covers what is below it)
 *     user.phone: pseudonymize
 *   k_anonymity:               # written by shuan risk --suggest
 *     k: 5
 *     quasi_identifiers: [出生日期, 性别, 地址]
 *     max_suppression: 0.05
 *
 * An action is a name, "name:param=value,...", or a mapping with `action:`
 * and the parameters. Every unknown key, action or parameter is an error
 * naming file:line:column; a later rule for the same key replaces an
 * earlier one. Which detectors exist is checked when the policy is compiled
 * against a rule set (masker.c).
 */
#include <stdio.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "util/alloc.h"
#include "util/yaml.h"

#define MAX_RULES 100000
#define MAX_QI 64

int shuan_policy_new(shuan_policy **out)
{
	shuan_policy *p = shuan_calloc(1, sizeof(*p));
	char err[64];
	*out = NULL;
	if (!p)
		return SHUAN_ENOMEM;
	shuan_vec_init(&p->rules, sizeof(deid_rule), MAX_RULES);
	p->scan = true;
	if (deid_action_parse(&p->def, "redact", NULL, 0, err, sizeof(err)) != 0) {
		shuan_free(p);
		return SHUAN_ENOMEM;
	}
	*out = p;
	return 0;
}

static void kanon_free(deid_kanon *k)
{
	for (size_t i = 0; i < k->nqi; i++)
		shuan_free(k->qi[i]);
	shuan_free(k->qi);
	memset(k, 0, sizeof(*k));
}

void shuan_policy_free(shuan_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->rules.n; i++) {
		deid_rule *r = &SHUAN_VEC_AT(&p->rules, deid_rule, i);
		shuan_free(r->key);
		deid_action_free(&r->act);
	}
	shuan_vec_free(&p->rules);
	for (size_t i = 0; i < p->nscan_ids; i++)
		shuan_free(p->scan_ids[i]);
	shuan_free(p->scan_ids);
	deid_action_free(&p->def);
	kanon_free(&p->kanon);
	shuan_free(p);
}

/* Adds (or replaces) the rule for key; takes ownership of *act. */
static int add_rule(shuan_policy *p, deid_rule_kind kind, const char *key, deid_action *act,
                    const char *where)
{
	deid_rule *r = NULL;
	int rc;
	for (size_t i = 0; i < p->rules.n; i++) {
		deid_rule *x = &SHUAN_VEC_AT(&p->rules, deid_rule, i);
		if (x->kind == kind && !strcmp(x->key, key)) {
			deid_action_free(&x->act);
			r = x;
		}
	}
	if (!r) {
		char *k = shuan_strdup(key);
		if (!k || (rc = shuan_vec_add(&p->rules, (void **)&r)) != 0) {
			shuan_free(k);
			deid_action_free(act);
			return k ? rc : SHUAN_ENOMEM;
		}
		r->kind = kind;
		r->key = k;
	}
	r->act = *act;
	memset(act, 0, sizeof(*act));
	snprintf(r->where, sizeof(r->where), "%.159s", where);
	return 0;
}

static void where_of(shuan_yaml *y, const shuan_yaml_node *n, char *out, size_t cap)
{
	snprintf(out, cap, "%.120s:%lu:%lu", y->file, (unsigned long)n->start_mark.line + 1,
	         (unsigned long)n->start_mark.column + 1);
}

/* An action from a YAML node: "name", "name:p=v,..." or {action: name, p: v}. */
static int yaml_action(shuan_yaml *y, const shuan_yaml_node *n, const char *what, deid_action *a)
{
	char err[256];
	const char *s = shuan_yaml_scalar(n);
	if (s) {
		if (deid_action_parse_spec(a, s, err, sizeof(err)) != 0)
			return shuan_yaml_fail(y, n, "%s: %s", what, err);
		return 0;
	}
	if (!shuan_yaml_is_map(n))
		return shuan_yaml_fail(y, n, "%s: an action (a name, or a mapping with 'action:')", what);
	const char *name = NULL;
	shuan_yaml_node *an = shuan_yaml_get(y, n, "action");
	if (!an)
		return shuan_yaml_fail(y, n, "%s: missing 'action:'", what);
	if (shuan_yaml_string(y, an, "action", &name))
		return SHUAN_ERULES;
	const char *const *params = deid_action_params(name);
	if (!params)
		return shuan_yaml_fail(
		    y, an,
		    "%s: unknown action '%s' (keep, redact, partial, generalize, pseudonymize, "
		    "encrypt, surrogate)",
		    what, name);
	const char *allowed[16] = {"action"};
	size_t na = 1;
	for (size_t i = 0; params[i] && na < 15; i++)
		allowed[na++] = params[i];
	allowed[na] = NULL;
	if (shuan_yaml_check_keys(y, n, what, allowed))
		return SHUAN_ERULES;
	deid_param ps[16];
	size_t np = 0;
	for (size_t i = 0; i < shuan_yaml_count(n) && np < 16; i++) {
		shuan_yaml_node *k, *v = shuan_yaml_pair(y, n, i, &k);
		const char *kn = shuan_yaml_scalar(k);
		if (!strcmp(kn, "action"))
			continue;
		const char *vs = shuan_yaml_scalar(v);
		if (!vs)
			return shuan_yaml_fail(y, v, "%s: parameter '%s' takes a single value", what, kn);
		ps[np].name = kn;
		ps[np].value = vs;
		np++;
	}
	if (deid_action_parse(a, name, ps, np, err, sizeof(err)) != 0)
		return shuan_yaml_fail(y, n, "%s: %s", what, err);
	return 0;
}

static int yaml_rules(shuan_policy *p, shuan_yaml *y, const shuan_yaml_node *map, const char *section,
                      deid_rule_kind kind)
{
	char where[160], what[160];
	if (!map)
		return 0;
	if (!shuan_yaml_is_map(map))
		return shuan_yaml_fail(y, map, "'%s' takes a mapping of names to actions", section);
	for (size_t i = 0; i < shuan_yaml_count(map); i++) {
		shuan_yaml_node *k, *v = shuan_yaml_pair(y, map, i, &k);
		const char *key = shuan_yaml_scalar(k);
		deid_action a;
		int rc;
		if (!key || !*key)
			return shuan_yaml_fail(y, k, "%s: a name must be a non-empty string", section);
		snprintf(what, sizeof(what), "%s '%s'", section, key);
		if ((rc = yaml_action(y, v, what, &a)) != 0)
			return rc;
		where_of(y, k, where, sizeof(where));
		if ((rc = add_rule(p, kind, key, &a, where)) != 0)
			return rc;
	}
	return 0;
}

static int yaml_kanon(shuan_policy *p, shuan_yaml *y, const shuan_yaml_node *n)
{
	static const char *const keys[] = {"k", "quasi_identifiers", "max_suppression", NULL};
	shuan_yaml_node *qi;
	int64_t k = 0;
	double ms = 0;
	if (!n)
		return 0;
	if (!shuan_yaml_is_map(n))
		return shuan_yaml_fail(y, n,
		                       "k_anonymity takes a mapping (k, quasi_identifiers, max_suppression)");
	if (shuan_yaml_check_keys(y, n, "k_anonymity", keys) ||
	    shuan_yaml_int(y, shuan_yaml_get(y, n, "k"), "k", 2, 1000000, &k))
		return SHUAN_ERULES;
	if (shuan_yaml_get(y, n, "max_suppression") &&
	    shuan_yaml_number(y, shuan_yaml_get(y, n, "max_suppression"), "max_suppression", 0, 1, &ms))
		return SHUAN_ERULES;
	qi = shuan_yaml_get(y, n, "quasi_identifiers");
	if (!qi)
		return shuan_yaml_fail(y, n, "k_anonymity: missing quasi_identifiers");
	if (shuan_yaml_scalar_seq(y, qi, "quasi_identifiers", MAX_QI))
		return SHUAN_ERULES;
	if (shuan_yaml_count(qi) == 0)
		return shuan_yaml_fail(y, qi, "k_anonymity: quasi_identifiers is empty");
	kanon_free(&p->kanon);
	if (!(p->kanon.qi = shuan_calloc(shuan_yaml_count(qi), sizeof(char *))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < shuan_yaml_count(qi); i++) {
		if (!(p->kanon.qi[i] = shuan_strdup(shuan_yaml_scalar(shuan_yaml_item(y, qi, i)))))
			return SHUAN_ENOMEM;
		p->kanon.nqi++;
	}
	p->kanon.on = true;
	p->kanon.k = (uint64_t)k;
	p->kanon.max_suppression = ms;
	where_of(y, n, p->kanon.where, sizeof(p->kanon.where));
	return 0;
}

static int set_scan_ids(shuan_policy *p, shuan_yaml *y, const shuan_yaml_node *n)
{
	const char *s = shuan_yaml_scalar(n);
	if (s) {
		if (!strcmp(s, "all"))
			p->scan = true;
		else if (!strcmp(s, "none"))
			p->scan = false;
		else
			return shuan_yaml_fail(y, n, "scan takes all, none or a list of detector ids");
		return 0;
	}
	if (shuan_yaml_scalar_seq(y, n, "scan", 1024))
		return SHUAN_ERULES;
	for (size_t i = 0; i < p->nscan_ids; i++)
		shuan_free(p->scan_ids[i]);
	shuan_free(p->scan_ids);
	p->nscan_ids = 0;
	if (!(p->scan_ids = shuan_calloc(shuan_yaml_count(n) + 1, sizeof(char *))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < shuan_yaml_count(n); i++) {
		if (!(p->scan_ids[i] = shuan_strdup(shuan_yaml_scalar(shuan_yaml_item(y, n, i)))))
			return SHUAN_ENOMEM;
		p->nscan_ids++;
	}
	p->scan = false; /* only the listed ones (and detectors with a rule) */
	where_of(y, n, p->scan_where, sizeof(p->scan_where));
	return 0;
}

int shuan_policy_load_file(shuan_policy *p, const char *path, char *err, size_t errlen)
{
	static const char *const keys[] = {"version", "scan",  "default",     "detectors",
	                                   "columns", "paths", "k_anonymity", NULL};
	shuan_yaml y;
	shuan_yaml_node *root, *n;
	int rc;

	memset(&y, 0, sizeof(y));
	if ((rc = shuan_yaml_load_file(&y, path, err, errlen)) != 0)
		goto cleanup;
	root = shuan_yaml_root(&y);
	if (!root) {
		rc = shuan_yaml_fail(&y, NULL, "empty policy");
		goto cleanup;
	}
	if (!shuan_yaml_is_map(root)) {
		rc = shuan_yaml_fail(
		    &y, root,
		    "a policy is a mapping (scan, default, detectors, columns, paths, k_anonymity)");
		goto cleanup;
	}
	if ((rc = shuan_yaml_check_keys(&y, root, "policy", keys)) != 0)
		goto cleanup;
	if ((n = shuan_yaml_get(&y, root, "version"))) {
		int64_t v;
		if ((rc = shuan_yaml_int(&y, n, "version", 1, 1, &v)) != 0)
			goto cleanup;
	}
	if ((n = shuan_yaml_get(&y, root, "scan")) && (rc = set_scan_ids(p, &y, n)) != 0)
		goto cleanup;
	if ((n = shuan_yaml_get(&y, root, "default"))) {
		deid_action a;
		if ((rc = yaml_action(&y, n, "default", &a)) != 0)
			goto cleanup;
		deid_action_free(&p->def);
		p->def = a;
	}
	if ((rc = yaml_rules(p, &y, shuan_yaml_get(&y, root, "detectors"), "detectors", RULE_DETECTOR)) !=
	        0 ||
	    (rc = yaml_rules(p, &y, shuan_yaml_get(&y, root, "columns"), "columns", RULE_COLUMN)) != 0 ||
	    (rc = yaml_rules(p, &y, shuan_yaml_get(&y, root, "paths"), "paths", RULE_PATH)) != 0 ||
	    (rc = yaml_kanon(p, &y, shuan_yaml_get(&y, root, "k_anonymity"))) != 0)
		goto cleanup;
cleanup:
	if (rc == SHUAN_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	shuan_yaml_free(&y);
	return rc;
}

int shuan_policy_add_rule(shuan_policy *p, const shuan_rules *rules, const char *spec, char *err,
                          size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char key[512], msg[256];
	deid_action a;
	int rc;
	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(key)) {
		snprintf(err, errlen,
		         "--action takes KEY=ACTION (a detector id or a field name, then an action)");
		return SHUAN_EINVAL;
	}
	memcpy(key, spec, (size_t)(eq - spec));
	key[eq - spec] = '\0';
	if ((rc = deid_action_parse_spec(&a, eq + 1, msg, sizeof(msg))) != 0) {
		snprintf(err, errlen, "--action %s: %s", key, msg);
		return rc;
	}
	/* a detector id when the rules have one, else a column and a path alike */
	deid_rule_kind kind = rules && shuan_rules_find(rules, key) ? RULE_DETECTOR : RULE_FIELD;
	if ((rc = add_rule(p, kind, key, &a, "--action")) != 0)
		snprintf(err, errlen, "out of memory");
	return rc;
}

int shuan_policy_set_default(shuan_policy *p, const char *action, char *err, size_t errlen)
{
	deid_action a;
	char msg[256];
	int rc = deid_action_parse_spec(&a, action, msg, sizeof(msg));
	if (rc) {
		snprintf(err, errlen, "default action: %s", msg);
		return rc;
	}
	deid_action_free(&p->def);
	p->def = a;
	return 0;
}

void shuan_policy_set_scan(shuan_policy *p, bool on)
{
	p->scan = on;
}

bool shuan_policy_needs_key(const shuan_policy *p)
{
	if (!p)
		return false;
	if (p->scan && deid_action_needs_key(&p->def))
		return true;
	for (size_t i = 0; i < p->rules.n; i++)
		if (deid_action_needs_key(&SHUAN_VEC_AT(&p->rules, deid_rule, i).act))
			return true;
	return false;
}
