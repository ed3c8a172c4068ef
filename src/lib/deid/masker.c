/*
 * lib/deid/masker.c - compiling a policy against a rule set and a key into
 * a masker: which action each detector's findings get, the field rules,
 * and every check that can be made before an input is read (detectors the
 * rules lack, actions that cannot apply to a detector's values, a missing
 * key), so a bad policy never produces half an output.
 */
#include <stdio.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "util/alloc.h"
#include "util/clock.h"

void deid_reference_date(shuan_vdata *vd, int year, int month, int day)
{
	shuan_clock_date_or_today(year, month, day, &vd->scan_year, &vd->scan_month, &vd->scan_day);
}

void deid_scan_options(const shuan_masker *m, shuan_format fmt, shuan_scan_options *so)
{
	*so = (shuan_scan_options)SHUAN_SCAN_OPTIONS_INIT;
	so->year = m->vd.scan_year;
	so->month = m->vd.scan_month;
	so->day = m->vd.scan_day;
	so->format = fmt;
	so->encoding = "utf-8"; /* what the scanner reads is always UTF-8: decoded before it */
	so->cancel = m->opt.cancel;
}

/* What generalize knows how to coarsen, by value type. */
static bool generalize_supported(deid_vtype t)
{
	return t == VT_RESIDENT_ID || t == VT_ADDRESS || t == VT_COORDINATE || t == VT_DATE || t == VT_AGE ||
	       t == VT_POSTCODE;
}

/* Whether action a can apply to the findings of detector d; why not in err.
 * A default action is held to more: it never turns a secret into another
 * secret-looking string (a pseudonym after "password=" is found again). */
static bool fits_detector(const deid_action *a, const shuan_detector *d, bool is_default, char *err,
                          size_t errlen)
{
	deid_vtype t = a->type != VT_AUTO ? a->type : deid_vtype_of_validator(d->info.validator);
	if (is_default && t == VT_SECRET && a->kind != ACT_REDACT && a->kind != ACT_PARTIAL &&
	    a->kind != ACT_KEEP) {
		snprintf(err, errlen, "secrets are redacted by default");
		return false;
	}
	if (a->kind == ACT_SURROGATE && !deid_surrogate_supported(t)) {
		snprintf(err, errlen,
		         "surrogate has no generator for %s values (detector %s); use pseudonymize, "
		         "encrypt, partial or redact",
		         deid_vtype_name(t), d->info.id);
		return false;
	}
	if (a->kind == ACT_GENERALIZE && !generalize_supported(t)) {
		snprintf(err, errlen, "generalize has no hierarchy for %s values (detector %s)",
		         deid_vtype_name(t), d->info.id);
		return false;
	}
	return true;
}

static bool in_scan_list(const shuan_policy *p, const char *id)
{
	for (size_t i = 0; i < p->nscan_ids; i++)
		if (!strcmp(p->scan_ids[i], id))
			return true;
	return false;
}

static int detector_index(const shuan_rules *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->dets[i].info.id, id))
			return (int)i;
	return -1;
}

int shuan_masker_new(shuan_masker **out, const shuan_rules *rules, const shuan_policy *policy,
                     const shuan_key *key, const shuan_mask_options *opts, char *err, size_t errlen)
{
	shuan_masker *m = NULL;
	shuan_policy *own = NULL;
	int rc = SHUAN_EINVAL;

	*out = NULL;
	if (!opts || opts->version != SHUAN_MASK_OPTIONS_VERSION) {
		snprintf(err, errlen, "mask options of an unknown version");
		return SHUAN_EINVAL;
	}
	if (opts->unmask && !key) {
		snprintf(err, errlen, "unmask needs the key the data was encrypted with: --key-file FILE");
		return SHUAN_EINVAL;
	}
	if (!policy) {
		if ((rc = shuan_policy_new(&own)) != 0)
			return rc;
		policy = own;
	}
	if (!(m = shuan_calloc(1, sizeof(*m)))) {
		rc = SHUAN_ENOMEM;
		goto fail;
	}
	m->rules = rules;
	m->policy = policy;
	m->own_policy = own;
	own = NULL;
	m->key = key;
	m->opt = *opts;
	if (m->opt.jobs < 1)
		m->opt.jobs = 1;
	if (!m->opt.max_record)
		m->opt.max_record = 64u << 20;
	shuan_vec_init(&m->inputs, sizeof(deid_input_report), 1u << 20);
	m->vd = rules->vdata;
	deid_reference_date(&m->vd, opts->year, opts->month, opts->day);
	if ((rc = deid_tables_load(&m->tabs, &m->vd, opts->rules_dir, err, errlen)) != 0)
		goto fail;
	rc = SHUAN_ENOMEM;
	if (!(m->det_act = shuan_calloc(rules->n ? rules->n : 1, sizeof(*m->det_act))) ||
	    !(m->det_rule = shuan_calloc(rules->n ? rules->n : 1, sizeof(*m->det_rule))))
		goto fail;
	rc = SHUAN_EINVAL;
	/* detector rules first: each must name a loaded detector and fit it */
	for (size_t i = 0; i < rules->n; i++)
		m->det_rule[i] = -1;
	for (size_t i = 0; i < policy->rules.n; i++) {
		const deid_rule *r = &SHUAN_VEC_AT(&policy->rules, deid_rule, i);
		char why[256];
		if (r->kind != RULE_DETECTOR)
			continue;
		int d = detector_index(rules, r->key);
		if (d < 0) {
			snprintf(err, errlen,
			         "%s: detector '%s' is not loaded (see shuan detectors, and --detectors)",
			         r->where, r->key);
			goto fail;
		}
		if (!fits_detector(&r->act, &rules->dets[d], false, why, sizeof(why))) {
			snprintf(err, errlen, "%s: %s", r->where, why);
			goto fail;
		}
		m->det_act[d] = &r->act;
		m->det_rule[d] = (int)i;
	}
	for (size_t i = 0; i < policy->nscan_ids; i++)
		if (detector_index(rules, policy->scan_ids[i]) < 0) {
			snprintf(err, errlen, "%s: scan names detector '%s', which is not loaded",
			         policy->scan_where, policy->scan_ids[i]);
			goto fail;
		}
	/* the others get the default action, when they are scanned for; a
	 * default that cannot apply to a detector (surrogate for an IPv6
	 * address) redacts that detector's findings instead */
	if ((rc = deid_action_parse(&m->fallback, "redact", NULL, 0, err, errlen)) != 0)
		goto fail;
	rc = SHUAN_EINVAL;
	for (size_t i = 0; i < rules->n && !opts->unmask; i++) {
		char why[256];
		if (m->det_act[i] || !(policy->scan || in_scan_list(policy, rules->dets[i].info.id)))
			continue;
		m->det_act[i] = fits_detector(&policy->def, &rules->dets[i], true, why, sizeof(why))
		                    ? &policy->def
		                    : &m->fallback;
	}
	/* field rules */
	size_t nf = 0;
	for (size_t i = 0; i < policy->rules.n; i++)
		nf += SHUAN_VEC_AT(&policy->rules, deid_rule, i).kind != RULE_DETECTOR;
	if (nf && !(m->fields = shuan_calloc(nf, sizeof(*m->fields)))) {
		rc = SHUAN_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < policy->rules.n; i++) {
		const deid_rule *r = &SHUAN_VEC_AT(&policy->rules, deid_rule, i);
		if (r->kind == RULE_DETECTOR)
			continue;
		if (r->act.kind == ACT_GENERALIZE && r->act.type != VT_AUTO &&
		    !generalize_supported(r->act.type)) {
			snprintf(err, errlen, "%s: generalize has no hierarchy for %s values", r->where,
			         deid_vtype_name(r->act.type));
			goto fail;
		}
		deid_field_rule *f = &m->fields[m->nfields++];
		f->key = r->key;
		f->act = &r->act;
		f->rule = (int)i;
		f->kind = r->kind;
	}
	/* a key is needed before anything is read */
	if (!key && !opts->unmask) {
		for (size_t i = 0; i < rules->n; i++)
			if (m->det_act[i] && deid_action_needs_key(m->det_act[i])) {
				snprintf(err, errlen,
				         "%s for detector %s needs a key: --key-file FILE (shuan keygen "
				         "makes one)",
				         m->det_act[i]->spec, rules->dets[i].info.id);
				goto fail;
			}
		for (size_t i = 0; i < m->nfields; i++)
			if (deid_action_needs_key(m->fields[i].act)) {
				snprintf(err, errlen,
				         "%s for '%s' needs a key: --key-file FILE (shuan keygen makes one)",
				         m->fields[i].act->spec, m->fields[i].key);
				goto fail;
			}
	}
	*out = m;
	return 0;
fail:
	if (rc == SHUAN_ENOMEM)
		snprintf(err, errlen, "out of memory");
	shuan_policy_free(own);
	shuan_masker_free(m);
	return rc;
}

void shuan_masker_free(shuan_masker *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->inputs.n; i++) {
		deid_input_report *ir = &SHUAN_VEC_AT(&m->inputs, deid_input_report, i);
		shuan_free(ir->path);
		shuan_free(ir->output);
		deid_counts_free(&ir->counts);
		for (size_t k = 0; k < ir->nunmatched; k++)
			shuan_free(ir->unmatched[k]);
		shuan_free(ir->unmatched);
	}
	shuan_vec_free(&m->inputs);
	deid_tables_free(&m->tabs);
	deid_action_free(&m->fallback);
	shuan_free(m->det_act);
	shuan_free(m->det_rule);
	shuan_free(m->fields);
	shuan_policy_free(m->own_policy);
	shuan_free(m);
}

const deid_field_rule *deid_masker_column_rule(const shuan_masker *m, const char *name, size_t len)
{
	const deid_field_rule *hit = NULL;
	for (size_t i = 0; i < m->nfields; i++) {
		const deid_field_rule *f = &m->fields[i];
		if ((f->kind == RULE_COLUMN || f->kind == RULE_FIELD) && strlen(f->key) == len &&
		    !memcmp(f->key, name, len))
			hit = f; /* the last rule wins, as when the policy was read */
	}
	return hit;
}

/* One path component of a rule against one of the path: "*" matches any
 * key, "[*]" any index. */
static bool comp_match(const char *r, size_t rl, const char *p, size_t pl)
{
	if (rl == 1 && r[0] == '*' && (pl == 0 || p[0] != '['))
		return true;
	if (rl == 3 && !memcmp(r, "[*]", 3) && pl > 0 && p[0] == '[')
		return true;
	return rl == pl && !memcmp(r, p, rl);
}

/* The next component of a path at *i: "key" or "[3]". */
static size_t next_comp(const char *s, size_t *i)
{
	size_t st = *i;
	if (s[st] == '.')
		st++;
	size_t e = st;
	if (s[e] == '[') {
		while (s[e] && s[e] != ']')
			e++;
		if (s[e] == ']')
			e++;
	} else {
		while (s[e] && s[e] != '.' && s[e] != '[')
			e++;
	}
	*i = e;
	return st;
}

bool deid_path_match(const char *rule, const char *path)
{
	size_t ri = 0, pi = 0;
	if (!strncmp(rule, "$.", 2))
		rule += 2;
	while (rule[ri]) {
		if (!path[pi])
			return false;
		size_t rs = next_comp(rule, &ri), ps = next_comp(path, &pi);
		if (!comp_match(rule + rs, ri - rs, path + ps, pi - ps))
			return false;
	}
	return true; /* the rule is the path or a prefix of it */
}

/* Whether the last key of path (array indices after it ignored) is key. */
static bool last_key_is(const char *path, const char *key)
{
	size_t n = strlen(path);
	while (n > 0 && path[n - 1] == ']') {
		while (n > 0 && path[n - 1] != '[')
			n--;
		if (n > 0)
			n--;
	}
	size_t s = n;
	while (s > 0 && path[s - 1] != '.' && path[s - 1] != ']')
		s--;
	return n - s == strlen(key) && !memcmp(path + s, key, n - s);
}

const deid_field_rule *deid_masker_path_rule(const shuan_masker *m, const char *path)
{
	const deid_field_rule *hit = NULL;
	for (size_t i = 0; i < m->nfields; i++) {
		const deid_field_rule *f = &m->fields[i];
		if (f->kind == RULE_PATH && deid_path_match(f->key, path))
			hit = f;
		/* a field named on the command line is a key anywhere, as the
		 * scanner's field names are: "phone" matches "user.phone" */
		if (f->kind == RULE_FIELD && (deid_path_match(f->key, path) || last_key_is(path, f->key)))
			hit = f;
	}
	return hit;
}
