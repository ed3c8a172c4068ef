/*
 * lib/duty/xborder.c - the cross-border pathway decision (数据出境路径).
 *
 * The rules are data (rules/duty/xborder.yaml): exemptions and triggers
 * are lists of conditions, thresholds are numbers with their articles. This
 * file implements the condition tests (TESTS[], named in the YAML) and the
 * order of the decision, which the Provisions fix:
 *
 *   1. Arts. 7 and 8 both end "属于本规定第三条、第四条、第五条、第六条规定情形的，
 *      从其规定": an exemption that applies wins, even for a CIIO. The first
 *      exemption in rule order is named; every one is reported.
 *   2. Otherwise the strictest pathway any trigger (CIIO, important data) or
 *      volume threshold reaches applies. Thresholds compare the year-to-date
 *      count (since 1 January, this transfer included) with `at_least`
 *      ("以上" includes the number, "不满" excludes it) and only count the
 *      kind of PI this transfer carries.
 *
 * Worked example: a non-CIIO sends 95,000 customers' PI, 3,000 of them with
 * sensitive PI. Art. 5(4) fails on no_spi; the spi threshold at_least 1 is
 * met -> standard contract or certification (Art. 8), with a note that the
 * non-sensitive part alone would have been exempt, and a warning that the
 * PI count is at 95% of 100,000.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"

enum {
	T_PURPOSE_IN,
	T_NO_PI,
	T_NO_SPI,
	T_NO_IMPORTANT_DATA,
	T_COLLECTED_ABROAD,
	T_NO_DOMESTIC_PI_ADDED,
	T_BASIS_IS,
	T_SUBJECTS_IS,
	T_NOT_CIIO,
	T_YTD_PI_BELOW,
	T_IN_FTZ,
	T_NOT_ON_NEGATIVE_LIST,
	T_CIIO,
	T_IMPORTANT_DATA,
	T_SENDS_PI_OR_ID,
	T_SENDS_PI,
};

/* The order must match the enum above. */
const duty_test_def shuan_duty__xborder_tests[] = {
    {"purpose_in", DUTY_PARAM_VALUES},
    {"no_pi", DUTY_PARAM_NONE},
    {"no_spi", DUTY_PARAM_NONE},
    {"no_important_data", DUTY_PARAM_NONE},
    {"collected_abroad", DUTY_PARAM_NONE},
    {"no_domestic_pi_added", DUTY_PARAM_NONE},
    {"basis_is", DUTY_PARAM_VALUE},
    {"subjects_is", DUTY_PARAM_VALUE},
    {"not_ciio", DUTY_PARAM_NONE},
    {"ytd_pi_below", DUTY_PARAM_NUMBER},
    {"in_ftz", DUTY_PARAM_NONE},
    {"not_on_negative_list", DUTY_PARAM_NONE},
    {"ciio", DUTY_PARAM_NONE},
    {"important_data", DUTY_PARAM_NONE},
    {"sends_pi_or_important_data", DUTY_PARAM_NONE},
    {"sends_pi", DUTY_PARAM_NONE},
    {NULL, DUTY_PARAM_NONE},
};

const char *shuan_xborder_pathway_name(shuan_xborder_pathway p)
{
	switch (p) {
	case SHUAN_XBORDER_EXEMPT:
		return "exempt";
	case SHUAN_XBORDER_STANDARD_CONTRACT:
		return "standard_contract_or_certification";
	case SHUAN_XBORDER_ASSESSMENT:
		return "security_assessment";
	}
	return "?";
}

typedef struct xctx {
	const shuan_org *org;
	const shuan_transfer *t;
	const shuan_xborder_counts *c;
	int on_list;        /* the data is on the zone's negative list: 1, 0, or -1 (no zone) */
	char list_why[224]; /* how that was decided */
} xctx;

/* Evaluates one leaf; writes why into detail. */
static bool eval_leaf(const xctx *x, const duty_leaf *l, char *detail, size_t len)
{
	const shuan_transfer *t = x->t;
	char a[32], b[32];
	bool met = false;

	switch (l->test) {
	case T_PURPOSE_IN: {
		size_t o = 0;
		char list[160] = "";
		for (size_t i = 0; i < l->nvalues; i++) {
			met = met || !strcmp(t->purpose, l->values[i]);
			o += (size_t)snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0, "%s%s",
			                      i ? ", " : "", l->values[i]);
		}
		snprintf(detail, len, "purpose is %s (%s %s)", t->purpose, met ? "one of" : "not one of",
		         list);
		break;
	}
	case T_NO_PI:
		met = x->c->pi == 0;
		shuan_duty__group(x->c->pi, a, sizeof(a));
		snprintf(
		    detail, len,
		    met ? "no personal information is sent" : "personal information of %s people is sent", a);
		break;
	case T_NO_SPI:
		met = x->c->spi == 0;
		shuan_duty__group(x->c->spi, a, sizeof(a));
		snprintf(detail, len,
		         met ? "no sensitive personal information is sent"
		             : "sensitive personal information of %s people is sent",
		         a);
		break;
	case T_NO_IMPORTANT_DATA:
		met = !t->important_data;
		snprintf(detail, len, met ? "no important data" : "the data includes important data");
		break;
	case T_IMPORTANT_DATA:
		met = t->important_data;
		snprintf(detail, len, met ? "the data includes important data" : "no important data");
		break;
	case T_COLLECTED_ABROAD:
		met = t->collected_abroad;
		snprintf(detail, len, met ? "collected and generated abroad" : "not collected abroad");
		break;
	case T_NO_DOMESTIC_PI_ADDED:
		met = !t->domestic_pi_added;
		snprintf(detail, len,
		         met ? "no domestic personal information or important data added in processing"
		             : "domestic personal information was added in processing");
		break;
	case T_BASIS_IS:
		met = !strcmp(t->basis, l->value);
		snprintf(detail, len, "basis is %s (%s %s)", t->basis, met ? "=" : "not", l->value);
		break;
	case T_SUBJECTS_IS:
		met = !strcmp(t->subjects, l->value);
		snprintf(detail, len, "the data is of %s (%s %s)", t->subjects, met ? "=" : "not", l->value);
		break;
	case T_NOT_CIIO:
		met = !x->org->ciio;
		snprintf(detail, len, met ? "not a CIIO" : "a CIIO (关键信息基础设施运营者)");
		break;
	case T_CIIO:
		met = x->org->ciio;
		snprintf(detail, len, met ? "a CIIO (关键信息基础设施运营者)" : "not a CIIO");
		break;
	case T_YTD_PI_BELOW:
		met = x->c->ytd_pi < l->number;
		shuan_duty__group(x->c->ytd_pi, a, sizeof(a));
		shuan_duty__group(l->number, b, sizeof(b));
		snprintf(detail, len, "%s people's PI since 1 January %d %s %s (不满 excludes the number)", a,
		         x->c->year, met ? "<" : "≥", b);
		break;
	case T_IN_FTZ:
		met = x->org->ftz != NULL;
		if (met)
			snprintf(detail, len, "in the free trade zone %s", x->org->ftz);
		else
			snprintf(detail, len, "not in a free trade zone");
		break;
	case T_NOT_ON_NEGATIVE_LIST:
		met = x->org->ftz && x->on_list == 0;
		if (!x->org->ftz)
			snprintf(detail, len, "no free trade zone negative list applies");
		else
			snprintf(detail, len, "%s", x->list_why);
		break;
	case T_SENDS_PI_OR_ID:
		met = x->c->pi > 0 || t->important_data;
		snprintf(detail, len,
		         met ? "personal information or important data is sent"
		             : "neither personal information nor important data is sent");
		break;
	case T_SENDS_PI:
		met = x->c->pi > 0;
		snprintf(detail, len,
		         met ? "personal information is sent" : "no personal information is sent");
		break;
	default:
		snprintf(detail, len, "unknown test");
		break;
	}
	return met;
}

/* Evaluates a condition list, recording every check; true when all hold. */
static bool eval_all(const xctx *x, const duty_conds *conds, const char *owner, shuan_xborder_result *out,
                     size_t *first, size_t *n)
{
	bool all = true;
	*first = out->nchecks;
	*n = 0;
	for (size_t i = 0; i < conds->n; i++) {
		const duty_cond *c = &conds->c[i];
		bool met = false;
		shuan_xborder_check *ck;
		if (out->nchecks == SHUAN_XBORDER_MAX_CHECKS)
			return false;
		ck = &out->checks[out->nchecks++];
		(*n)++;
		ck->owner = owner;
		ck->test = c->leaf.name;
		ck->basis = c->leaf.basis;
		if (c->nof) {
			size_t o = 0;
			for (size_t k = 0; k < c->nof; k++) {
				char d[160];
				bool m = eval_leaf(x, &c->of[k], d, sizeof(d));
				met = met || m;
				o += (size_t)snprintf(ck->detail + o,
				                      o < sizeof(ck->detail) ? sizeof(ck->detail) - o : 0,
				                      "%s%s", k ? "; or " : "", d);
			}
		} else {
			met = eval_leaf(x, &c->leaf, ck->detail, sizeof(ck->detail));
		}
		ck->met = met;
		all = all && met;
	}
	return all;
}

static void add_note(shuan_xborder_result *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(shuan_xborder_result *out, const char *fmt, ...)
{
	va_list ap;
	if (out->nnotes == SHUAN_XBORDER_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(out->notes[out->nnotes++], sizeof(out->notes[0]), fmt, ap);
	va_end(ap);
}

/* Inputs a decision cannot rest on. */
static int check_input(const shuan_transfer *t, const shuan_xborder_counts *c, char *err, size_t errlen)
{
	if (c->pi < 0 || c->spi < 0 || c->ytd_pi < 0 || c->ytd_spi < 0) {
		snprintf(err, errlen, "%s: pi_people and spi_people: counts must not be negative",
		         t->path ? t->path : "transfer");
		return SHUAN_EINVAL;
	}
	if (c->spi > c->pi) {
		snprintf(err, errlen,
		         "%s: spi_people (%lld) exceeds pi_people (%lld): everyone whose sensitive PI is "
		         "sent is among "
		         "the people whose PI is sent",
		         t->path ? t->path : "transfer", (long long)c->spi, (long long)c->pi);
		return SHUAN_EINVAL;
	}
	if (c->ytd_pi < c->pi || c->ytd_spi < c->spi) {
		snprintf(err, errlen, "the year-to-date counts must include this transfer");
		return SHUAN_EINVAL;
	}
	return 0;
}

/*
 * Whether the transfer's data is on the zone's negative list (Art. 6): from
 * the list kept as data (the transfer's data_categories against the
 * profile's ftz_negative_list), else the transfer's own on_negative_list.
 * Both given and disagreeing, or neither given in a zone, is an error.
 */
static int negative_list(xctx *x, char *err, size_t errlen)
{
	const shuan_org *org = x->org;
	const shuan_transfer *t = x->t;
	const char *tp = t->path ? t->path : "transfer";
	x->on_list = -1;
	if (!org->ftz)
		return 0;
	if (org->nftz_items && t->ndata_categories) {
		x->on_list = 0;
		for (size_t i = 0; i < t->ndata_categories && !x->on_list; i++)
			for (size_t k = 0; k < org->nftz_items; k++)
				if (!strcmp(t->data_categories[i], org->ftz_items[k].id)) {
					x->on_list = 1;
					snprintf(
					    x->list_why, sizeof(x->list_why),
					    "data category %s (%.80s) is on the negative list of %s (%s)",
					    org->ftz_items[k].id,
					    org->ftz_items[k].name ? org->ftz_items[k].name : "",
					    org->ftz_list_zone ? org->ftz_list_zone : org->ftz,
					    org->ftz_list);
					break;
				}
		if (!x->on_list)
			snprintf(
			    x->list_why, sizeof(x->list_why),
			    "none of the %zu data categories is on the negative list of %s (%zu items, %s)",
			    t->ndata_categories, org->ftz_list_zone ? org->ftz_list_zone : org->ftz,
			    org->nftz_items, org->ftz_list);
		if (t->on_negative_list >= 0 && t->on_negative_list != x->on_list) {
			snprintf(err, errlen, "%s: on_negative_list: %s contradicts data_categories: %s", tp,
			         t->on_negative_list ? "true" : "false", x->list_why);
			return SHUAN_EINVAL;
		}
		return 0;
	}
	if (t->on_negative_list >= 0) {
		x->on_list = t->on_negative_list;
		snprintf(x->list_why, sizeof(x->list_why),
		         "%s the zone's negative list (as the transfer states)",
		         x->on_list ? "on" : "not on");
		return 0;
	}
	snprintf(err, errlen,
	         "%s: on_negative_list: required because %s names a free trade zone (ftz: %s): is the data "
	         "on the zone's "
	         "negative list (true or false)? Or give data_categories%s",
	         tp, org->path ? org->path : "the profile", org->ftz,
	         org->nftz_items ? " to match against its ftz_negative_list"
	                         : " and the profile's ftz_negative_list");
	return SHUAN_EINVAL;
}

static void mark_unverified(shuan_xborder_result *out)
{
	bool u = out->pathway_basis.unverified || out->validity.basis.unverified;
	for (size_t i = 0; i < out->nchecks; i++)
		u = u || out->checks[i].basis.unverified;
	for (size_t i = 0; i < out->nduties; i++)
		u = u || out->duties[i].basis.unverified;
	for (size_t i = 0; i < out->nthresholds; i++)
		u = u || out->thresholds[i].basis.unverified;
	out->unverified = u;
}

int shuan_xborder_assess(const shuan_duty_rules *rules, const shuan_org *org, const shuan_transfer *t,
                         const shuan_xborder_counts *counts, const shuan_time *as_of,
                         shuan_xborder_result *out, char *err, size_t errlen)
{
	const duty_xborder_rules *xb = &rules->xb;
	xctx x = {org, t, counts, -1, ""};
	int rc = 0, best = -1;
	const shuan_duty_basis *best_basis = NULL;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	out->counts = *counts;
	out->counting_basis = xb->counting;
	out->warn_ratio = xb->warn_ratio;
	out->as_of = *as_of;
	out->rules_rev = xb->rev;
	if ((rc = check_input(t, counts, err, errlen)) != 0 || (rc = negative_list(&x, err, errlen)) != 0)
		return rc;

	/* 1. exemptions: every one evaluated, the first that applies named */
	for (size_t i = 0; i < xb->nexemptions; i++) {
		const duty_xrule *e = &xb->exemptions[i];
		shuan_xborder_rule_result *r = &out->exemptions[out->nexemptions++];
		r->id = e->id;
		r->title = e->title;
		r->basis = e->basis;
		r->pathway = SHUAN_XBORDER_EXEMPT;
		r->applies = eval_all(&x, &e->all, e->basis.rule, out, &r->first_check, &r->nchecks);
		if (r->applies && !out->exemption) {
			out->exemption = e->id;
			out->pathway_basis = e->basis;
		}
	}
	/* 2. triggers and thresholds, reported whether or not an exemption won */
	for (size_t i = 0; i < xb->ntriggers; i++) {
		const duty_xrule *g = &xb->triggers[i];
		shuan_xborder_rule_result *r = &out->triggers[out->ntriggers++];
		r->id = g->id;
		r->title = g->title;
		r->basis = g->basis;
		r->pathway = g->pathway;
		r->applies = eval_all(&x, &g->all, g->basis.rule, out, &r->first_check, &r->nchecks);
		if (r->applies && (int)g->pathway > best) {
			best = (int)g->pathway;
			best_basis = &g->basis;
		}
	}
	for (size_t i = 0; i < xb->nthresholds; i++) {
		const duty_xthreshold *th = &xb->thresholds[i];
		shuan_xborder_threshold_result *r = &out->thresholds[out->nthresholds++];
		r->title = th->title;
		r->count = th->spi ? "spi" : "pi";
		r->value = th->spi ? counts->ytd_spi : counts->ytd_pi;
		r->at_least = th->at_least;
		r->relevant = th->spi ? counts->spi > 0 : counts->pi > 0;
		r->met = r->relevant && r->value >= r->at_least;
		r->remaining = r->value >= r->at_least ? 0 : r->at_least - r->value;
		r->ratio = (double)r->value / (double)r->at_least;
		r->warning = !(r->value >= r->at_least) && r->at_least > 1 && r->ratio >= xb->warn_ratio;
		r->pathway = th->pathway;
		r->basis = th->basis;
		if (r->met && (int)th->pathway > best) {
			best = (int)th->pathway;
			best_basis = &th->basis;
		}
	}
	if (out->exemption) {
		out->pathway = SHUAN_XBORDER_EXEMPT;
	} else if (best >= 0) {
		out->pathway = (shuan_xborder_pathway)best;
		out->pathway_basis = *best_basis;
	} else {
		snprintf(
		    err, errlen,
		    "no rule of rules/duty/xborder.yaml decided this transfer: the rules are incomplete");
		return SHUAN_ERULES;
	}

	/* Art. 5(4) covers non-sensitive PI only: say so when sensitive PI is
	 * all that kept it from applying. */
	for (size_t i = 0; i < out->nexemptions && !out->exemption; i++) {
		const shuan_xborder_rule_result *r = &out->exemptions[i];
		size_t unmet = 0, spi_unmet = 0;
		for (size_t k = r->first_check; k < r->first_check + r->nchecks; k++)
			if (!out->checks[k].met) {
				unmet++;
				spi_unmet += !strcmp(out->checks[k].test, "no_spi");
			}
		if (unmet == 1 && spi_unmet == 1) {
			char a[32], b[32];
			shuan_duty__group(counts->ytd_pi, a, sizeof(a));
			shuan_duty__group(counts->spi, b, sizeof(b));
			add_note(out,
			         "%s (%s) alone would exempt the non-sensitive PI (%s people since 1 "
			         "January); the sensitive "
			         "PI of %s people is what needs the %s pathway.",
			         r->id, r->basis.article, a, b, shuan_xborder_pathway_name(out->pathway));
		}
	}
	/* a volume that makes the data a candidate: only the authorities designate important data (Art. 2) */
	if (!t->important_data && rules->people.candidate_at_least > 0 && counts->pi >= rules->people.candidate_at_least) {
		char a[32];
		shuan_duty__group(counts->pi, a, sizeof(a));
		add_note(out,
		         "PI of %s people: an important-data candidate (重要数据候选, %s); only data notified or published "
		         "by the authorities is important data: ask the regulator, and set important_data: true if it is.",
		         a, rules->people.candidate.article);
	}
	if (!counts->exact)
		add_note(out, "The counts are %s; treat a figure near a threshold as reaching it.",
		         counts->prior_without_people
		             ? "an upper bound (earlier transfers recorded with explicit counts, or by an "
		               "older shuan whose people counters cannot be linked, were added without "
		               "de-duplication)"
		             : "an estimate");

	/* 3. duties */
	for (size_t i = 0; i < xb->nduties && out->nduties < SHUAN_XBORDER_MAX_ITEMS * 2; i++) {
		const duty_xduty *d = &xb->duties[i];
		size_t first, n, keep = out->nchecks;
		shuan_xborder_duty *o;
		if (d->pathway >= 0 && d->pathway != (int)out->pathway)
			continue;
		if (!eval_all(&x, &d->when, d->basis.rule, out, &first, &n)) {
			out->nchecks = keep;
			continue;
		}
		out->nchecks = keep; /* a duty's conditions are not part of the decision */
		o = &out->duties[out->nduties++];
		o->title = d->title;
		o->basis = d->basis;
		if (d->working_days > 0 && t->has_contract_effective) {
			char buf[16], e2[288];
			bool pending;
			int wrc = shuan_duty__working_days(rules, t->contract_effective, d->working_days,
			                                   as_of, &o->due, &pending, e2, sizeof(e2));
			shuan_date_format(t->contract_effective, buf, sizeof(buf));
			if (wrc == 0 && !pending) {
				char due[16];
				o->has_due = true;
				shuan_date_format(o->due, due, sizeof(due));
				snprintf(o->detail, sizeof(o->detail),
				         "%d working days after %s (contract_effective): by %s",
				         d->working_days, buf, due);
			} else if (wrc == 0) {
				snprintf(o->detail, sizeof(o->detail), "%d working days after %s: %.300s",
				         d->working_days, buf, e2);
			} else {
				snprintf(out->error, sizeof(out->error), "%s", e2);
				snprintf(o->detail, sizeof(o->detail),
				         "%d working days after %s: not computed (%s)", d->working_days, buf,
				         "calendar year missing");
				rc = wrc;
			}
		} else if (d->working_days > 0) {
			snprintf(o->detail, sizeof(o->detail),
			         "within %d working days of the contract taking effect (give "
			         "contract_effective to compute the date)",
			         d->working_days);
		}
	}

	/* 4. Art. 9: validity of an assessment and the extension window */
	if (out->pathway == SHUAN_XBORDER_ASSESSMENT) {
		out->validity.applies = true;
		out->validity.years = xb->validity.years;
		out->validity.extension_working_days = xb->validity.extension_working_days;
		out->validity.extension_years = xb->validity.extension_years;
		out->validity.basis = xb->validity.basis;
		if (t->has_assessment_issued) {
			char e2[288];
			bool pending;
			int wrc;
			out->validity.issued = t->assessment_issued;
			out->validity.expires =
			    shuan_date_add_months(t->assessment_issued, 12 * xb->validity.years);
			out->validity.has_expiry = true;
			wrc = shuan_duty__extension_window(
			    rules, out->validity.expires, xb->validity.extension_working_days, as_of,
			    &out->validity.window_opens, &pending, e2, sizeof(e2));
			if (wrc == 0 && !pending) {
				out->validity.has_window = true;
			} else if (wrc == 0) {
				snprintf(out->validity.window_note, sizeof(out->validity.window_note), "%s",
				         e2);
			} else {
				snprintf(out->error, sizeof(out->error), "%s", e2);
				rc = wrc;
			}
		}
	}
	mark_unverified(out);
	if (rc != 0 && errlen)
		snprintf(err, errlen, "%s", out->error);
	return rc;
}
