/*
 * lib/inventory/profile.c - grading profiles (rules/inventory/profiles/NAME.yaml
 * or a file the user names): the sub-levels of 一般数据 and the rules that
 * list a source as 重要数据候选. Unknown keys are errors, so a typo never
 * silently changes a grade.
 */
#include <stdio.h>
#include <string.h>

#include "lib/inventory/internal.h"
#include "util/alloc.h"
#include "util/yaml.h"

void shuan_inv__profile_free(inv_profile *p)
{
	if (!p)
		return;
	shuan_free(p->id);
	shuan_free(p->label_zh);
	shuan_free(p->label_en);
	shuan_free(p->note);
	shuan_free(p->file);
	for (size_t i = 0; i < p->nsub; i++) {
		shuan_free(p->sub[i].level);
		shuan_free(p->sub[i].label);
	}
	shuan_free(p->sub);
	shuan_inv__free_strs(p->public_names, p->npublic);
	for (size_t i = 0; i < p->ncand; i++) {
		inv_candidate_rule *r = &p->cand[i];
		shuan_free(r->id);
		shuan_free(r->reason_zh);
		shuan_free(r->reason_en);
		shuan_inv__free_strs(r->classes_any, r->nclasses_any);
	}
	shuan_free(p->cand);
	memset(p, 0, sizeof(*p));
}

static int str(shuan_yaml *y, shuan_yaml_node *m, const char *key, bool required, char **out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	const char *s = "";
	int rc;
	if (!n && required)
		return shuan_yaml_fail(y, m, "%s is required", key);
	if (n && (rc = shuan_yaml_string(y, n, key, &s)) < 0)
		return rc;
	return (*out = shuan_strdup(s)) ? 0 : SHUAN_ENOMEM;
}

static int threshold(shuan_yaml *y, shuan_yaml_node *m, const char *key, uint64_t *out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	int64_t v = 0;
	int rc;
	if (n && (rc = shuan_yaml_int(y, n, key, 1, INT64_MAX, &v)) < 0)
		return rc;
	*out = (uint64_t)v;
	return 0;
}

static int load(inv_profile *p, shuan_yaml *y)
{
	static const char *const top[] = {"id", "rev", "label_zh", "label_en", "unverified", "note", "cites",
					  "sublevels", "public_names", "important_candidates", NULL};
	static const char *const subkeys[] = {"level", "label", "when", NULL};
	static const char *const whens[] = {"sensitive", "pi", "public", "internal", NULL};
	static const char *const candkeys[] = {"id", "reason_zh", "reason_en", "people_at_least",
					       "sensitive_people_at_least", "minors_at_least", "classes_any",
					       "unverified", "cites", NULL};
	shuan_yaml_node *root = shuan_yaml_root(y), *n;
	int64_t rev = 1;
	int rc;

	if (!shuan_yaml_is_map(root))
		return shuan_yaml_fail(y, root, "a profile is a mapping");
	if ((rc = shuan_yaml_check_keys(y, root, "profile", top)) < 0 || (rc = str(y, root, "id", true, &p->id)) < 0 ||
	    (rc = str(y, root, "label_zh", true, &p->label_zh)) < 0 ||
	    (rc = str(y, root, "label_en", false, &p->label_en)) < 0 || (rc = str(y, root, "note", false, &p->note)) < 0)
		return rc;
	if ((n = shuan_yaml_get(y, root, "rev")) && (rc = shuan_yaml_int(y, n, "rev", 1, 1000000, &rev)) < 0)
		return rc;
	p->rev = (int)rev;
	if ((n = shuan_yaml_get(y, root, "unverified")) && (rc = shuan_yaml_bool(y, n, "unverified", &p->unverified)) < 0)
		return rc;
	n = shuan_yaml_get(y, root, "sublevels");
	if (!shuan_yaml_is_seq(n) || !shuan_yaml_count(n))
		return shuan_yaml_fail(y, n ? n : root, "sublevels: a non-empty list");
	if (!(p->sub = shuan_calloc(shuan_yaml_count(n), sizeof(*p->sub))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < shuan_yaml_count(n); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, n, i), *w;
		int e;
		if (!shuan_yaml_is_map(m) || (rc = shuan_yaml_check_keys(y, m, "sublevel", subkeys)) < 0)
			return shuan_yaml_is_map(m) ? rc : shuan_yaml_fail(y, m, "a sublevel is a mapping");
		p->nsub++;
		if ((rc = str(y, m, "level", true, &p->sub[i].level)) < 0 || (rc = str(y, m, "label", true, &p->sub[i].label)) < 0)
			return rc;
		if (!(w = shuan_yaml_get(y, m, "when")))
			return shuan_yaml_fail(y, m, "when is required");
		if ((rc = shuan_yaml_enum(y, w, "when", whens, &e)) < 0)
			return rc;
		p->sub[i].when = (inv_when)e;
	}
	if ((rc = shuan_inv__yaml_strs(y, shuan_yaml_get(y, root, "public_names"), "public_names", true, &p->public_names,
		       &p->npublic)) < 0)
		return rc;
	if ((n = shuan_yaml_get(y, root, "important_candidates"))) {
		if (!shuan_yaml_is_seq(n))
			return shuan_yaml_fail(y, n, "important_candidates: a list");
		if (!(p->cand = shuan_calloc(shuan_yaml_count(n) + 1, sizeof(*p->cand))))
			return SHUAN_ENOMEM;
		for (size_t i = 0; i < shuan_yaml_count(n); i++) {
			shuan_yaml_node *m = shuan_yaml_item(y, n, i), *u;
			inv_candidate_rule *r = &p->cand[i];
			if (!shuan_yaml_is_map(m))
				return shuan_yaml_fail(y, m, "a candidate rule is a mapping");
			p->ncand++;
			if ((rc = shuan_yaml_check_keys(y, m, "candidate rule", candkeys)) < 0 ||
			    (rc = str(y, m, "id", true, &r->id)) < 0 || (rc = str(y, m, "reason_zh", true, &r->reason_zh)) < 0 ||
			    (rc = str(y, m, "reason_en", false, &r->reason_en)) < 0 ||
			    (rc = threshold(y, m, "people_at_least", &r->people_at_least)) < 0 ||
			    (rc = threshold(y, m, "sensitive_people_at_least", &r->sensitive_people_at_least)) < 0 ||
			    (rc = threshold(y, m, "minors_at_least", &r->minors_at_least)) < 0 ||
			    (rc = shuan_inv__yaml_strs(y, shuan_yaml_get(y, m, "classes_any"), "classes_any", false, &r->classes_any,
				       &r->nclasses_any)) < 0)
				return rc;
			if ((u = shuan_yaml_get(y, m, "unverified")) && (rc = shuan_yaml_bool(y, u, "unverified", &r->unverified)) < 0)
				return rc;
			if (!r->people_at_least && !r->sensitive_people_at_least && !r->minors_at_least && !r->nclasses_any)
				return shuan_yaml_fail(y, m, "candidate rule %s has no condition", r->id);
		}
	}
	return 0;
}

int shuan_inv__profile_load(inv_profile *p, const char *rules_dir, const char *name_or_file, char *err,
			    size_t errlen)
{
	shuan_yaml y;
	char path[1200];
	const char *name = name_or_file && *name_or_file ? name_or_file : "default";
	size_t nl = strlen(name);
	int rc;

	memset(p, 0, sizeof(*p));
	memset(&y, 0, sizeof(y));
	if (strchr(name, '/') || (nl > 5 && !strcmp(name + nl - 5, ".yaml")))
		snprintf(path, sizeof(path), "%s", name);
	else {
		for (const char *c = name; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')) {
				snprintf(err, errlen, "profile '%s': a name is [a-z0-9_-] (or give a file path)", name);
				return SHUAN_EINVAL;
			}
		snprintf(path, sizeof(path), "%s/inventory/profiles/%s.yaml", rules_dir, name);
	}
	rc = shuan_yaml_load_file(&y, path, err, errlen);
	if (rc == SHUAN_ENOTFOUND)
		snprintf(err, errlen, "no grading profile '%s' (%s)", name, path);
	if (rc == 0)
		rc = load(p, &y);
	if (rc == 0 && !(p->file = shuan_strdup(path)))
		rc = SHUAN_ENOMEM;
	if (rc == SHUAN_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	shuan_yaml_free(&y);
	if (rc < 0)
		shuan_inv__profile_free(p);
	return rc;
}
