/*
 * lib/duty/profile.c - reads the organisation profile (ORG.yaml) and a
 * transfer (T.yaml), whose keys are a documented contract
 * (docs/duty-engines.md). Every key is checked: a misspelt one is an error
 * naming it with file:line:column, never ignored, and so are a negative
 * count and an unknown enumeration value.
 */
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "util/alloc.h"

#define TRY(x)                                                                                               \
	do {                                                                                                 \
		if ((rc = (x)) != 0)                                                                         \
			goto cleanup;                                                                        \
	} while (0)

static const char *const PURPOSES[] = {"trade",     "transport", "academic", "manufacturing",
                                       "marketing", "other",     NULL};
static const char *const BASES[] = {"contract_with_subject", "hr", "emergency", "none", NULL};
static const char *const SUBJECTS[] = {"customers", "employees", "other", NULL};

/* The largest count a profile may state: more people than have ever lived
 * is a typo. */
#define MAX_PEOPLE 100000000000ll

static int get_date(shuan_yaml *y, const shuan_yaml_node *n, const char *key, shuan_date *out)
{
	const char *s;
	if (shuan_yaml_string(y, n, key, &s) != 0)
		return SHUAN_ERULES;
	if (shuan_date_parse(s, out) != 0)
		return shuan_yaml_fail(y, n, "'%s' must be a date YYYY-MM-DD (got '%s')", key, s);
	return 0;
}

static int get_count(shuan_yaml *y, const shuan_yaml_node *n, const char *key, int64_t *out)
{
	const char *s = shuan_yaml_scalar(n);
	if (s && s[0] == '-')
		return shuan_yaml_fail(y, n, "'%s' must not be negative (got %s)", key, s);
	return shuan_yaml_int(y, n, key, 0, MAX_PEOPLE, out);
}

/* A string, or NULL for null / false (used by ftz). */
static int get_opt_name(shuan_yaml *y, const shuan_yaml_node *n, const char *key, const char **out)
{
	const char *s = shuan_yaml_scalar(n);
	if (shuan_yaml_is_null(n) || (s && (!strcmp(s, "false") || !strcmp(s, "no")))) {
		*out = NULL;
		return 0;
	}
	return shuan_yaml_string(y, n, key, out);
}

static int load_root(shuan_yaml *y, const char *path, const char *what, char *err, size_t errlen,
                     shuan_yaml_node **root)
{
	int rc = shuan_yaml_load_file(y, path, err, errlen);
	if (rc == SHUAN_ENOTFOUND) {
		snprintf(err, errlen, "%s: no such file", path);
		return rc;
	}
	if (rc != 0)
		return rc == SHUAN_ERULES ? SHUAN_EINVAL : rc;
	*root = shuan_yaml_root(y);
	if (!*root || !shuan_yaml_is_map(*root))
		return shuan_yaml_fail(y, *root, "%s must be a YAML mapping of keys", what) ? SHUAN_EINVAL
		                                                                            : 0;
	return 0;
}

/* The profile and its negative list file. */
typedef struct org_docs {
	shuan_yaml profile, list;
} org_docs;

#define MAX_LIST_ITEMS 4096

/* Reads the negative list named by the profile (a path relative to it). */
static int load_negative_list(shuan_org *org, org_docs *d, const shuan_yaml_node *at, char *err,
                              size_t errlen)
{
	static const char *const keys[] = {"zone", "cites", "published", "unverified", "items", NULL};
	static const char *const ikeys[] = {"id", "name", "note", NULL};
	char path[4096];
	const char *slash = strrchr(org->path, '/');
	shuan_yaml_node *root, *items, *n;
	int rc;
	if (org->ftz_list[0] == '/' || !slash)
		snprintf(path, sizeof(path), "%s", org->ftz_list);
	else
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - org->path), org->path, org->ftz_list);
	if ((rc = shuan_yaml_load_file(&d->list, path, err, errlen)) != 0) {
		if (rc == SHUAN_ENOTFOUND)
			return shuan_yaml_fail(&d->profile, at, "ftz_negative_list: %s: no such file", path);
		return rc;
	}
	root = shuan_yaml_root(&d->list);
	if (!shuan_yaml_is_map(root))
		return shuan_yaml_fail(&d->list, root,
		                       "a negative list is a mapping with 'zone' and 'items'");
	if ((rc = shuan_yaml_check_keys(&d->list, root, "the negative list", keys)) != 0)
		return rc;
	if ((n = shuan_yaml_get(&d->list, root, "zone")) &&
	    (rc = shuan_yaml_string(&d->list, n, "zone", &org->ftz_list_zone)))
		return rc;
	items = shuan_yaml_get(&d->list, root, "items");
	if (!items || !shuan_yaml_is_seq(items))
		return shuan_yaml_fail(&d->list, items ? items : root,
		                       "'items' must be a list of {id, name}");
	if (shuan_yaml_count(items) > MAX_LIST_ITEMS)
		return shuan_yaml_fail(&d->list, items, "more than %d items", MAX_LIST_ITEMS);
	if (!(org->ftz_items = shuan_calloc(shuan_yaml_count(items) + 1, sizeof(*org->ftz_items))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < shuan_yaml_count(items); i++) {
		shuan_yaml_node *m = shuan_yaml_item(&d->list, items, i), *v;
		if ((rc = shuan_yaml_check_keys(&d->list, m, "a negative list item", ikeys)) != 0)
			return rc;
		if (!(v = shuan_yaml_get(&d->list, m, "id")))
			return shuan_yaml_fail(&d->list, m, "an item needs an 'id'");
		if ((rc = shuan_yaml_string(&d->list, v, "id", &org->ftz_items[i].id)) != 0)
			return rc;
		if ((v = shuan_yaml_get(&d->list, m, "name")) &&
		    (rc = shuan_yaml_string(&d->list, v, "name", &org->ftz_items[i].name)))
			return rc;
		org->nftz_items++;
	}
	return 0;
}

int shuan_org_load(shuan_org *org, const char *path, char *err, size_t errlen)
{
	/* clang-format off */
	static const char *const keys[] = {"name", "ciio", "ftz", "ftz_negative_list", "industry",
	                                   "pi_people", "important_data", "large_platform", "last_audit",
	                                   "done", "assessments", NULL};
	/* clang-format on */
	static const char *const akeys[] = {"ref", "issued", NULL};
	shuan_yaml *y;
	shuan_yaml_node *root = NULL, *n;
	int rc = 0;

	org_docs *d;

	memset(org, 0, sizeof(*org));
	org->path = path;
	org->pi_people = -1;
	org->important_data = org->large_platform = SHUAN_FACT_UNKNOWN;
	if (!(d = shuan_calloc(1, sizeof(*d))))
		return SHUAN_ENOMEM;
	org->internal = d;
	y = &d->profile;
	TRY(load_root(y, path, "the organisation profile", err, errlen, &root));
	TRY(shuan_yaml_check_keys(y, root, "the organisation profile", keys));
	if ((n = shuan_yaml_get(y, root, "name")))
		TRY(shuan_yaml_string(y, n, "name", &org->name));
	if (!(n = shuan_yaml_get(y, root, "ciio")))
		TRY(shuan_yaml_fail(y, root,
		                    "'ciio' is required: true if the organisation is a critical information "
		                    "infrastructure operator (关键信息基础设施运营者), else false"));
	TRY(shuan_yaml_bool(y, n, "ciio", &org->ciio));
	if ((n = shuan_yaml_get(y, root, "ftz")))
		TRY(get_opt_name(y, n, "ftz", &org->ftz));
	if ((n = shuan_yaml_get(y, root, "ftz_negative_list")) && !shuan_yaml_is_null(n)) {
		TRY(shuan_yaml_string(y, n, "ftz_negative_list", &org->ftz_list));
		if (!org->ftz)
			TRY(shuan_yaml_fail(y, n,
			                    "'ftz_negative_list' needs 'ftz' (the zone it belongs to)"));
		TRY(load_negative_list(org, d, n, err, errlen));
	}
	if ((n = shuan_yaml_get(y, root, "industry")))
		TRY(shuan_yaml_string(y, n, "industry", &org->industry));
	if ((n = shuan_yaml_get(y, root, "pi_people")) && !shuan_yaml_is_null(n))
		TRY(get_count(y, n, "pi_people", &org->pi_people));
	if ((n = shuan_yaml_get(y, root, "important_data")) && !shuan_yaml_is_null(n)) {
		bool b;
		TRY(shuan_yaml_bool(y, n, "important_data", &b));
		org->important_data = b;
	}
	if ((n = shuan_yaml_get(y, root, "large_platform")) && !shuan_yaml_is_null(n)) {
		bool b;
		TRY(shuan_yaml_bool(y, n, "large_platform", &b));
		org->large_platform = b;
	}
	if ((n = shuan_yaml_get(y, root, "last_audit")) && !shuan_yaml_is_null(n)) {
		org->done[0].duty = "pi_audit";
		TRY(get_date(y, n, "last_audit", &org->done[0].date));
		org->ndone = 1;
	}
	if ((n = shuan_yaml_get(y, root, "done"))) {
		if (!shuan_yaml_is_map(n))
			TRY(shuan_yaml_fail(y, n, "'done' must map duty ids to the date each was last done"));
		if (shuan_yaml_count(n) + org->ndone > SHUAN_ORG_MAX_DONE)
			TRY(shuan_yaml_fail(y, n, "'done' has more than %d entries", SHUAN_ORG_MAX_DONE));
		for (size_t i = 0; i < shuan_yaml_count(n); i++) {
			shuan_yaml_node *k, *v = shuan_yaml_pair(y, n, i, &k);
			const char *duty = shuan_yaml_scalar(k);
			if (!duty)
				TRY(shuan_yaml_fail(y, k, "'done': keys must be duty ids"));
			if (org->ndone && !strcmp(duty, "pi_audit") && !strcmp(org->done[0].duty, "pi_audit"))
				TRY(shuan_yaml_fail(
				    y, k, "'done: pi_audit' repeats 'last_audit': give one of them"));
			org->done[org->ndone].duty = duty;
			TRY(get_date(y, v, duty, &org->done[org->ndone].date));
			org->ndone++;
		}
	}
	if ((n = shuan_yaml_get(y, root, "assessments"))) {
		if (!shuan_yaml_is_seq(n))
			TRY(shuan_yaml_fail(y, n, "'assessments' must be a list of {ref, issued}"));
		if (shuan_yaml_count(n) > SHUAN_ORG_MAX_ASSESSMENTS)
			TRY(shuan_yaml_fail(y, n, "'assessments' has more than %d entries",
			                    SHUAN_ORG_MAX_ASSESSMENTS));
		for (size_t i = 0; i < shuan_yaml_count(n); i++) {
			shuan_yaml_node *m = shuan_yaml_item(y, n, i), *v;
			TRY(shuan_yaml_check_keys(y, m, "an assessment", akeys));
			if (!(v = shuan_yaml_get(y, m, "ref")))
				TRY(shuan_yaml_fail(y, m, "an assessment needs 'ref' (its reference)"));
			TRY(shuan_yaml_string(y, v, "ref", &org->assessments[i].ref));
			if (!(v = shuan_yaml_get(y, m, "issued")))
				TRY(shuan_yaml_fail(
				    y, m, "an assessment needs 'issued' (the day the result was issued)"));
			TRY(get_date(y, v, "issued", &org->assessments[i].issued));
			org->nassessments++;
		}
	}
cleanup:
	return rc == SHUAN_ERULES ? SHUAN_EINVAL : rc;
}

void shuan_org_free(shuan_org *org)
{
	org_docs *d;
	if (!org || !(d = org->internal))
		return;
	shuan_yaml_free(&d->profile);
	shuan_yaml_free(&d->list);
	shuan_free(d);
	shuan_free(org->ftz_items);
	org->ftz_items = NULL;
	org->internal = NULL;
}

static int req(shuan_yaml *y, const shuan_yaml_node *root, const char *key, const char *why,
               shuan_yaml_node **n)
{
	if ((*n = shuan_yaml_get(y, root, key)) != NULL)
		return 0;
	return shuan_yaml_fail(y, root, "'%s' is required: %s", key, why);
}

int shuan_transfer_load(shuan_transfer *t, const char *path, char *err, size_t errlen)
{
	/* clang-format off */
	static const char *const keys[] = {"recipient", "country", "purpose", "basis", "subjects",
	                                   "collected_abroad", "domestic_pi_added", "important_data",
	                                   "on_negative_list", "date", "pi_people", "spi_people",
	                                   "contract_effective", "assessment_issued", "data_categories",
	                                   NULL};
	/* clang-format on */
	shuan_yaml *y;
	shuan_yaml_node *root = NULL, *n;
	int rc = 0, k;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->pi_people = t->spi_people = -1;
	t->on_negative_list = SHUAN_FACT_UNKNOWN;
	if (!(y = shuan_calloc(1, sizeof(*y))))
		return SHUAN_ENOMEM;
	t->internal = y;
	TRY(load_root(y, path, "the transfer", err, errlen, &root));
	TRY(shuan_yaml_check_keys(y, root, "the transfer", keys));
	if ((n = shuan_yaml_get(y, root, "recipient")))
		TRY(shuan_yaml_string(y, n, "recipient", &t->recipient));
	if ((n = shuan_yaml_get(y, root, "country")))
		TRY(shuan_yaml_string(y, n, "country", &t->country));
	TRY(req(y, root, "date",
	        "the day of the transfer, YYYY-MM-DD (it opens the year counted since 1 January)", &n));
	TRY(get_date(y, n, "date", &t->date));
	TRY(req(y, root, "purpose", "trade, transport, academic, manufacturing, marketing or other", &n));
	TRY(shuan_yaml_enum(y, n, "purpose", PURPOSES, &k));
	t->purpose = PURPOSES[k];
	TRY(req(y, root, "basis", "contract_with_subject, hr, emergency or none", &n));
	TRY(shuan_yaml_enum(y, n, "basis", BASES, &k));
	t->basis = BASES[k];
	TRY(req(y, root, "subjects", "whose data: customers, employees or other", &n));
	TRY(shuan_yaml_enum(y, n, "subjects", SUBJECTS, &k));
	t->subjects = SUBJECTS[k];
	TRY(req(y, root, "important_data",
	        "true if the data includes data notified or published as important data", &n));
	TRY(shuan_yaml_bool(y, n, "important_data", &t->important_data));
	if ((n = shuan_yaml_get(y, root, "collected_abroad")))
		TRY(shuan_yaml_bool(y, n, "collected_abroad", &t->collected_abroad));
	if ((n = shuan_yaml_get(y, root, "domestic_pi_added")))
		TRY(shuan_yaml_bool(y, n, "domestic_pi_added", &t->domestic_pi_added));
	if ((n = shuan_yaml_get(y, root, "on_negative_list")) && !shuan_yaml_is_null(n)) {
		bool b;
		TRY(shuan_yaml_bool(y, n, "on_negative_list", &b));
		t->on_negative_list = b;
	}
	if ((n = shuan_yaml_get(y, root, "pi_people")) && !shuan_yaml_is_null(n))
		TRY(get_count(y, n, "pi_people", &t->pi_people));
	if ((n = shuan_yaml_get(y, root, "spi_people")) && !shuan_yaml_is_null(n))
		TRY(get_count(y, n, "spi_people", &t->spi_people));
	if (t->spi_people > 0 && t->pi_people >= 0 && t->spi_people > t->pi_people)
		TRY(shuan_yaml_fail(
		    y, n,
		    "'spi_people' (%lld) exceeds 'pi_people' (%lld): everyone whose sensitive PI "
		    "is sent is among the people whose PI is sent",
		    (long long)t->spi_people, (long long)t->pi_people));
	if ((n = shuan_yaml_get(y, root, "data_categories"))) {
		TRY(shuan_yaml_scalar_seq(y, n, "data_categories", 64));
		for (size_t i = 0; i < shuan_yaml_count(n); i++)
			t->data_categories[t->ndata_categories++] =
			    shuan_yaml_scalar(shuan_yaml_item(y, n, i));
	}
	if ((n = shuan_yaml_get(y, root, "contract_effective")) && !shuan_yaml_is_null(n)) {
		TRY(get_date(y, n, "contract_effective", &t->contract_effective));
		t->has_contract_effective = true;
	}
	if ((n = shuan_yaml_get(y, root, "assessment_issued")) && !shuan_yaml_is_null(n)) {
		TRY(get_date(y, n, "assessment_issued", &t->assessment_issued));
		t->has_assessment_issued = true;
	}
cleanup:
	return rc == SHUAN_ERULES ? SHUAN_EINVAL : rc;
}

void shuan_transfer_free(shuan_transfer *t)
{
	if (!t || !t->internal)
		return;
	shuan_yaml_free(t->internal);
	shuan_free(t->internal);
	t->internal = NULL;
}
