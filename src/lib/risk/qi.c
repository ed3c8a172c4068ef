/*
 * lib/risk/qi.c - the quasi-identifier rules: kinds of quasi-identifiers,
 * the column names that are taken for each, and each kind's generalisation
 * hierarchy (rules/deid/quasi_identifiers.yaml). Every level must parse as
 * a shuan mask action here, so a broken hierarchy fails when it loads.
 */
#include <stdio.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "lib/risk/internal.h"
#include "lib/rules/internal.h"
#include "util/alloc.h"
#include "util/yaml.h"

void rk_qi_rules_free(rk_qi_rules *q)
{
	for (size_t i = 0; i < q->n; i++) {
		rk_kind *k = &q->kinds[i];
		shuan_free(k->name);
		for (size_t j = 0; j < k->nfields; j++)
			shuan_free(k->fields[j]);
		for (size_t j = 0; j < k->nlevels; j++)
			shuan_free(k->levels[j]);
		shuan_free(k->fields);
		shuan_free(k->levels);
	}
	shuan_free(q->kinds);
	memset(q, 0, sizeof(*q));
}

static int strings(shuan_yaml *y, const shuan_yaml_node *n, const char *key, char ***out, size_t *count,
                   bool norm)
{
	if (shuan_yaml_scalar_seq(y, n, key, 4096))
		return SHUAN_ERULES;
	size_t c = shuan_yaml_count(n);
	if (!(*out = shuan_calloc(c + 1, sizeof(char *))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < c; i++) {
		const char *s = shuan_yaml_scalar(shuan_yaml_item(y, n, i));
		char tmp[256];
		if (norm) {
			shuan_field_normalise(s, strlen(s), tmp, sizeof(tmp));
			s = tmp;
		}
		if (!((*out)[i] = shuan_strdup(s)))
			return SHUAN_ENOMEM;
		(*count)++;
	}
	return 0;
}

int rk_qi_rules_load(rk_qi_rules *q, const char *rules_dir, char *err, size_t errlen)
{
	static const char *const top[] = {"cites", "source", "kinds", NULL};
	static const char *const kkeys[] = {"fields", "levels", NULL};
	char path[4096];
	shuan_yaml y;
	int rc;

	memset(q, 0, sizeof(*q));
	memset(&y, 0, sizeof(y));
	snprintf(path, sizeof(path), "%s/deid/quasi_identifiers.yaml", rules_dir ? rules_dir : ".");
	if ((rc = shuan_yaml_load_file(&y, path, err, errlen)) != 0)
		goto cleanup;
	shuan_yaml_node *root = shuan_yaml_root(&y), *kinds;
	if ((rc = shuan_yaml_check_keys(&y, root, "quasi-identifier rules", top)) != 0)
		goto cleanup;
	kinds = shuan_yaml_get(&y, root, "kinds");
	if (!shuan_yaml_is_map(kinds)) {
		rc = shuan_yaml_fail(&y, root, "'kinds' must be a mapping");
		goto cleanup;
	}
	if (!(q->kinds = shuan_calloc(shuan_yaml_count(kinds) + 1, sizeof(*q->kinds)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < shuan_yaml_count(kinds); i++) {
		shuan_yaml_node *kn, *kv = shuan_yaml_pair(&y, kinds, i, &kn);
		rk_kind *k = &q->kinds[q->n++];
		if (!(k->name = shuan_strdup(shuan_yaml_scalar(kn)))) {
			rc = SHUAN_ENOMEM;
			goto cleanup;
		}
		if ((rc = shuan_yaml_check_keys(&y, kv, "kind", kkeys)) != 0 ||
		    (rc = strings(&y, shuan_yaml_get(&y, kv, "fields"), "fields", &k->fields, &k->nfields,
		                  true)) != 0 ||
		    (rc = strings(&y, shuan_yaml_get(&y, kv, "levels"), "levels", &k->levels, &k->nlevels,
		                  false)) != 0)
			goto cleanup;
		if (k->nlevels < 2) {
			rc = shuan_yaml_fail(&y, kv, "kind %s: at least two levels (keep and a suppression)",
			                     k->name);
			goto cleanup;
		}
		for (size_t l = 0; l < k->nlevels; l++) {
			deid_action a;
			char why[256];
			if (deid_action_parse_spec(&a, k->levels[l], why, sizeof(why)) != 0) {
				rc = shuan_yaml_fail(&y, kv, "kind %s, level %zu: %s", k->name, l, why);
				goto cleanup;
			}
			bool generalizing =
			    a.kind == ACT_KEEP || a.kind == ACT_REDACT || a.kind == ACT_GENERALIZE;
			deid_action_free(&a);
			if (!generalizing) {
				rc = shuan_yaml_fail(
				    &y, kv, "kind %s, level %zu: a level keeps, generalizes or redacts",
				    k->name, l);
				goto cleanup;
			}
		}
	}
	rc = 0;
cleanup:
	if (rc == SHUAN_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	if (rc)
		rk_qi_rules_free(q);
	shuan_yaml_free(&y);
	return rc;
}

const rk_kind *rk_kind_named(const rk_qi_rules *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->kinds[i].name, name))
			return &q->kinds[i];
	return NULL;
}

const rk_kind *rk_kind_for_column(const rk_qi_rules *q, const char *column)
{
	char norm[256];
	shuan_field_normalise(column, strlen(column), norm, sizeof(norm));
	for (size_t i = 0; i < q->n; i++)
		for (size_t f = 0; f < q->kinds[i].nfields; f++)
			if (!strcmp(q->kinds[i].fields[f], norm))
				return &q->kinds[i];
	return NULL;
}

int rk_resolve_qi(const rk_table *t, const rk_qi_rules *q, const shuan_risk_options *o, int *cols,
                  const rk_kind **kinds, char **names, size_t *n, char *err, size_t errlen)
{
	char list[512];
	size_t o_ = 0;
	*n = 0;
	list[0] = '\0';
	for (size_t i = 0; i < t->ncols && o_ + 8 < sizeof(list); i++)
		o_ += (size_t)snprintf(list + o_, sizeof(list) - o_, "%s%.40s", i ? ", " : "", t->names[i]);
	if (o->qi) {
		for (size_t i = 0; o->qi[i]; i++) {
			char name[256];
			const char *colon = strrchr(o->qi[i], ':');
			size_t nl = colon ? (size_t)(colon - o->qi[i]) : strlen(o->qi[i]);
			if (*n == RK_MAX_QI) {
				snprintf(err, errlen, "at most %d quasi-identifiers", RK_MAX_QI);
				return SHUAN_ELIMIT;
			}
			snprintf(name, sizeof(name), "%.*s", (int)nl, o->qi[i]);
			int c = rk_table_column(t, name);
			if (c < 0) {
				snprintf(err, errlen,
				         "%s: quasi-identifier '%.60s' is not a column (its columns: %s)",
				         t->path, name, list);
				return SHUAN_EINVAL;
			}
			const rk_kind *k = colon ? rk_kind_named(q, colon + 1) : rk_kind_for_column(q, name);
			if (colon && !k) {
				snprintf(err, errlen,
				         "quasi-identifier %.60s: unknown kind '%.40s' (see "
				         "rules/deid/quasi_identifiers.yaml)",
				         name, colon + 1);
				return SHUAN_EINVAL;
			}
			if (!k && !(k = rk_kind_named(q, "category"))) {
				snprintf(err, errlen, "the quasi-identifier rules have no 'category' kind");
				return SHUAN_ERULES;
			}
			cols[*n] = c;
			kinds[*n] = k;
			names[*n] = t->names[c];
			(*n)++;
		}
		return 0;
	}
	/* none given: the columns the rules name */
	for (size_t c = 0; c < t->ncols && *n < RK_MAX_QI; c++) {
		const rk_kind *k = rk_kind_for_column(q, t->names[c]);
		if (!k)
			continue;
		cols[*n] = (int)c;
		kinds[*n] = k;
		names[*n] = t->names[c];
		(*n)++;
	}
	if (!*n) {
		snprintf(err, errlen,
		         "%s: no column is a known quasi-identifier (its columns: %s); name them with --qi",
		         t->path, list);
		return SHUAN_EINVAL;
	}
	return 0;
}
