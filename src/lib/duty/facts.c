/*
 * lib/duty/facts.c - incident facts: read from YAML (a --facts file, or the
 * text the store keeps for each discovery and update), checked before
 * grading, and written back as YAML for the store.
 *
 * The same reader serves files and the store, so a stored incident is
 * re-read with the checks a new one gets. Each document read stays loaded
 * (its strings are the facts' strings) until shuan_incident_facts_free().
 * Facts hold counts and the user's own narrative, never a matched value.
 */
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "util/alloc.h"

#define MAX_DOCS 256
#define MAX_PEOPLE 100000000000ll

static const char *const REPORT_FIELDS[SHUAN_INCIDENT_REPORT_FIELDS] = {
    "reporting_unit", "contact",        "contact_phone", "system_name", "occurred",         "impact_scope",
    "measures_taken", "cause_analysis", "next_steps",    "root_cause",  "handling_process", "damage",
    "accountability", "rectification",  "lessons",       "notes"};

const char *shuan_incident_report_field(size_t i)
{
	return i < SHUAN_INCIDENT_REPORT_FIELDS ? REPORT_FIELDS[i] : NULL;
}

const char *const *shuan_incident_enum(const char *key)
{
	static const struct {
		const char *key;
		const char *const *names;
	} map[] = {{"type", shuan_duty__types},
	           {"data_grade", shuan_duty__grades},
	           {"domain", shuan_duty__domains},
	           {"role", shuan_duty__roles},
	           {"regime", shuan_duty__regimes},
	           {"threat", shuan_duty__threats},
	           {"production_impact", shuan_duty__impacts},
	           {"outage_scope", shuan_duty__scopes}};
	for (size_t i = 0; key && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].key, key))
			return map[i].names;
	return NULL;
}

typedef struct facts_docs {
	shuan_yaml *docs[MAX_DOCS];
	size_t n;
} facts_docs;

void shuan_incident_facts_init(shuan_incident_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->type = f->data_grade = f->domain = f->role = f->regime = -1;
	f->threat = f->production_impact = f->outage_scope = -1;
	f->pi_people = f->spi_people = -1;
	f->loss_cny = f->outage_hours = -1;
}

static int set_enum(shuan_yaml *y, const shuan_yaml_node *n, const char *key, int *out)
{
	if (shuan_yaml_is_null(n)) {
		*out = -1;
		return 0;
	}
	return shuan_yaml_enum(y, n, key, shuan_incident_enum(key), out);
}

static int set_count(shuan_yaml *y, const shuan_yaml_node *n, const char *key, int64_t *out)
{
	const char *s = shuan_yaml_scalar(n);
	if (shuan_yaml_is_null(n)) {
		*out = -1;
		return 0;
	}
	if (s && s[0] == '-')
		return shuan_yaml_fail(y, n, "'%s' must not be negative (got %s)", key, s);
	return shuan_yaml_int(y, n, key, 0, MAX_PEOPLE, out);
}

static int set_amount(shuan_yaml *y, const shuan_yaml_node *n, const char *key, double hi, double *out)
{
	const char *s = shuan_yaml_scalar(n);
	if (shuan_yaml_is_null(n)) {
		*out = -1;
		return 0;
	}
	if (s && s[0] == '-')
		return shuan_yaml_fail(y, n, "'%s' must not be negative (got %s)", key, s);
	return shuan_yaml_number(y, n, key, 0, hi, out);
}

static int set_time(shuan_yaml *y, const shuan_yaml_node *n, const char *key, bool *has, shuan_time *out)
{
	const char *s;
	char msg[256];
	if (shuan_yaml_is_null(n)) {
		*has = false;
		return 0;
	}
	if (shuan_yaml_string(y, n, key, &s) != 0)
		return SHUAN_ERULES;
	if (shuan_time_parse(s, false, key, out, msg, sizeof(msg)) != 0)
		return shuan_yaml_fail(y, n, "%s", msg);
	*has = true;
	return 0;
}

static int apply(shuan_incident_facts *f, shuan_yaml *y)
{
	/* clang-format off */
	static const char *const keys[] = {"discovered", "type", "data_grade", "pi_people", "spi_people",
	                                   "loss_cny", "outage_hours", "domain", "role", "regime",
	                                   "response_ended", "title", "threat", "production_impact",
	                                   "outage_scope", "report", NULL};
	/* clang-format on */
	shuan_yaml_node *root = shuan_yaml_root(y), *n;
	int rc;
	if (!root)
		return 0;
	if (!shuan_yaml_is_map(root))
		return shuan_yaml_fail(y, root, "incident facts must be a YAML mapping of keys");
	if ((rc = shuan_yaml_check_keys(y, root, "the incident facts", keys)) != 0)
		return rc;
	if ((n = shuan_yaml_get(y, root, "discovered")) &&
	    (rc = set_time(y, n, "discovered", &f->has_discovered, &f->discovered)))
		return rc;
	if ((n = shuan_yaml_get(y, root, "response_ended")) &&
	    (rc = set_time(y, n, "response_ended", &f->has_response_ended, &f->response_ended)))
		return rc;
	{
		static const char *const ekeys[] = {
		    "type",   "data_grade",        "domain",      "role", "regime",
		    "threat", "production_impact", "outage_scope"};
		int *slots[] = {&f->type,   &f->data_grade,        &f->domain,      &f->role, &f->regime,
		                &f->threat, &f->production_impact, &f->outage_scope};
		for (size_t i = 0; i < sizeof(ekeys) / sizeof(ekeys[0]); i++)
			if ((n = shuan_yaml_get(y, root, ekeys[i])) &&
			    (rc = set_enum(y, n, ekeys[i], slots[i])))
				return rc;
	}
	if ((n = shuan_yaml_get(y, root, "pi_people")) && (rc = set_count(y, n, "pi_people", &f->pi_people)))
		return rc;
	if ((n = shuan_yaml_get(y, root, "spi_people")) &&
	    (rc = set_count(y, n, "spi_people", &f->spi_people)))
		return rc;
	if ((n = shuan_yaml_get(y, root, "loss_cny")) &&
	    (rc = set_amount(y, n, "loss_cny", 1e16, &f->loss_cny)))
		return rc;
	if ((n = shuan_yaml_get(y, root, "outage_hours")) &&
	    (rc = set_amount(y, n, "outage_hours", 1e6, &f->outage_hours)))
		return rc;
	if ((n = shuan_yaml_get(y, root, "title")) && (rc = shuan_yaml_string(y, n, "title", &f->title)))
		return rc;
	if ((n = shuan_yaml_get(y, root, "report"))) {
		const char *allowed[SHUAN_INCIDENT_REPORT_FIELDS + 1];
		memcpy(allowed, REPORT_FIELDS, sizeof(REPORT_FIELDS));
		allowed[SHUAN_INCIDENT_REPORT_FIELDS] = NULL;
		if (!shuan_yaml_is_map(n))
			return shuan_yaml_fail(y, n, "'report' must map report fields to text");
		if ((rc = shuan_yaml_check_keys(y, n, "report", allowed)) != 0)
			return rc;
		for (size_t i = 0; i < SHUAN_INCIDENT_REPORT_FIELDS; i++) {
			shuan_yaml_node *v = shuan_yaml_get(y, n, REPORT_FIELDS[i]);
			if (v && (rc = shuan_yaml_string(y, v, REPORT_FIELDS[i], &f->report[i])))
				return rc;
		}
	}
	return 0;
}

/* Takes a loaded document into f (which keeps it) and applies it. */
static int adopt(shuan_incident_facts *f, shuan_yaml *y)
{
	facts_docs *d = f->internal;
	int rc;
	if (!d && !(d = f->internal = shuan_calloc(1, sizeof(*d)))) {
		shuan_yaml_free(y);
		shuan_free(y);
		return SHUAN_ENOMEM;
	}
	if (d->n == MAX_DOCS) {
		shuan_yaml_fail(y, NULL, "more than %d facts documents for one incident", MAX_DOCS);
		shuan_yaml_free(y);
		shuan_free(y);
		return SHUAN_ELIMIT;
	}
	d->docs[d->n++] = y;
	rc = apply(f, y);
	return rc == SHUAN_ERULES ? SHUAN_EINVAL : rc;
}

int shuan_incident_facts_load(shuan_incident_facts *f, const char *path, char *err, size_t errlen)
{
	shuan_yaml *y = shuan_calloc(1, sizeof(*y));
	int rc;
	if (!y)
		return SHUAN_ENOMEM;
	if ((rc = shuan_yaml_load_file(y, path, err, errlen)) != 0) {
		if (rc == SHUAN_ENOTFOUND)
			snprintf(err, errlen, "%s: no such file", path);
		shuan_yaml_free(y);
		shuan_free(y);
		return rc == SHUAN_ERULES ? SHUAN_EINVAL : rc;
	}
	return adopt(f, y);
}

int shuan_incident_facts_parse(shuan_incident_facts *f, const char *name, const char *text, size_t len,
                               char *err, size_t errlen)
{
	shuan_yaml *y = shuan_calloc(1, sizeof(*y));
	int rc;
	if (!y)
		return SHUAN_ENOMEM;
	if ((rc = shuan_yaml_load_buffer(y, name, text, len, err, errlen)) != 0) {
		shuan_yaml_free(y);
		shuan_free(y);
		return rc == SHUAN_ERULES ? SHUAN_EINVAL : rc;
	}
	return adopt(f, y);
}

void shuan_incident_facts_free(shuan_incident_facts *f)
{
	facts_docs *d;
	if (!f || !(d = f->internal))
		return;
	for (size_t i = 0; i < d->n; i++) {
		shuan_yaml_free(d->docs[i]);
		shuan_free(d->docs[i]);
	}
	shuan_free(d);
	f->internal = NULL;
}

int shuan_incident_facts_check(const shuan_incident_facts *f, const shuan_time *as_of, char *err,
                               size_t errlen)
{
	char a[SHUAN_TIME_TEXT], b[SHUAN_TIME_TEXT];
	if (!f->has_discovered) {
		snprintf(err, errlen,
		         "discovered: required (when the incident was discovered, with its time zone, e.g. "
		         "2025-03-01T09:30+08:00)");
		return SHUAN_EINVAL;
	}
	if (f->discovered.utc > as_of->utc) {
		shuan_time_format(&f->discovered, a);
		shuan_time_format(as_of, b);
		snprintf(err, errlen, "discovered: %s is in the future (as of %s)", a, b);
		return SHUAN_EINVAL;
	}
	if (f->type < 0) {
		snprintf(err, errlen,
		         "type: required (tamper, destroy, leak, illegal_acquire or illegal_use)");
		return SHUAN_EINVAL;
	}
	if (f->data_grade < 0) {
		snprintf(err, errlen, "data_grade: required (core, important or general)");
		return SHUAN_EINVAL;
	}
	if (f->pi_people >= 0 && f->spi_people > f->pi_people) {
		snprintf(err, errlen,
		         "spi_people (%lld) exceeds pi_people (%lld): everyone with sensitive PI affected is "
		         "among the "
		         "people with PI affected",
		         (long long)f->spi_people, (long long)f->pi_people);
		return SHUAN_EINVAL;
	}
	if (f->has_response_ended && f->response_ended.utc < f->discovered.utc) {
		shuan_time_format(&f->response_ended, a);
		shuan_time_format(&f->discovered, b);
		snprintf(err, errlen, "response_ended: %s is before the discovery (%s)", a, b);
		return SHUAN_EINVAL;
	}
	if (f->has_response_ended && f->response_ended.utc > as_of->utc) {
		shuan_time_format(&f->response_ended, a);
		shuan_time_format(as_of, b);
		snprintf(err, errlen, "response_ended: %s is in the future (as of %s)", a, b);
		return SHUAN_EINVAL;
	}
	return 0;
}

int shuan_duty__facts_yaml(const shuan_incident_facts *f, shuan_buf *b)
{
	static const char *const ekeys[] = {"type",   "data_grade",        "domain",      "role", "regime",
	                                    "threat", "production_impact", "outage_scope"};
	const int vals[] = {f->type,   f->data_grade,        f->domain,      f->role, f->regime,
	                    f->threat, f->production_impact, f->outage_scope};
	char t[SHUAN_TIME_TEXT];
	int rc = 0;
	if (f->has_discovered) {
		shuan_time_format(&f->discovered, t);
		rc = shuan_buf_addf(b, "discovered: \"%s\"\n", t);
	}
	if (rc == 0 && f->has_response_ended) {
		shuan_time_format(&f->response_ended, t);
		rc = shuan_buf_addf(b, "response_ended: \"%s\"\n", t);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(ekeys) / sizeof(ekeys[0]); i++)
		if (vals[i] >= 0)
			rc = shuan_buf_addf(b, "%s: %s\n", ekeys[i], shuan_incident_enum(ekeys[i])[vals[i]]);
	if (rc == 0 && f->pi_people >= 0)
		rc = shuan_buf_addf(b, "pi_people: %lld\n", (long long)f->pi_people);
	if (rc == 0 && f->spi_people >= 0)
		rc = shuan_buf_addf(b, "spi_people: %lld\n", (long long)f->spi_people);
	if (rc == 0 && f->loss_cny >= 0)
		rc = shuan_buf_addf(b, "loss_cny: %.17g\n", f->loss_cny);
	if (rc == 0 && f->outage_hours >= 0)
		rc = shuan_buf_addf(b, "outage_hours: %.17g\n", f->outage_hours);
	if (rc == 0 && f->title) {
		rc = shuan_buf_adds(b, "title: ");
		if (rc == 0)
			rc = shuan_yaml_quoted(b, f->title);
		if (rc == 0)
			rc = shuan_buf_addc(b, '\n');
	}
	for (size_t i = 0, first = 1; rc == 0 && i < SHUAN_INCIDENT_REPORT_FIELDS; i++) {
		if (!f->report[i])
			continue;
		if (first)
			rc = shuan_buf_adds(b, "report:\n");
		first = 0;
		if (rc == 0)
			rc = shuan_buf_addf(b, "  %s: ", REPORT_FIELDS[i]);
		if (rc == 0)
			rc = shuan_yaml_quoted(b, f->report[i]);
		if (rc == 0)
			rc = shuan_buf_addc(b, '\n');
	}
	return rc;
}
