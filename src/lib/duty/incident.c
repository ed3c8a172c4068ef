/*
 * lib/duty/incident.c - grading a data security incident and computing its
 * reporting deadlines under the regimes of rules/duty/incident-miit.yaml
 * and incident-cac.yaml.
 *
 * Grading: any one criterion suffices ("符合下列情形之一的"), so every
 * criterion is evaluated and the highest level matched wins; each match is
 * reported with the band and article it rests on. A criterion whose fact
 * was not given is not evaluated (and a note says so) rather than treated
 * as zero. A regime not yet in force on the day of discovery is graded for
 * reference only.
 *
 * Deadlines are absolute instants shown in the discovery's zone. Minute
 * deadlines run from the discovery; working-day and calendar-day ones from
 * the end of the response: the day it ended (China time) is not counted
 * (Civil Code Art. 201) and the period ends at 23:59:59 China time of its
 * last day. Working days come from the PRC calendar (calendar.c); a missing
 * year is an error naming it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/duty/internal.h"

static const char *const LEVEL_NAMES[] = {"general", "significant", "major", "extraordinary"};
static const char *const LEVEL_ZH[] = {"一般", "较大", "重大", "特别重大"};

const char *shuan_incident_level_name(shuan_incident_level l)
{
	return (unsigned)l < 4 ? LEVEL_NAMES[l] : "?";
}

const char *shuan_incident_level_zh(shuan_incident_level l)
{
	return (unsigned)l < 4 ? LEVEL_ZH[l] : "?";
}

int shuan_incident_level_parse(const char *s, shuan_incident_level *out)
{
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, LEVEL_NAMES[i]) || !strcmp(s, LEVEL_ZH[i])) {
			*out = (shuan_incident_level)i;
			return 0;
		}
	return SHUAN_EINVAL;
}

const char *shuan_deadline_status_name(shuan_deadline_status s)
{
	static const char *const names[] = {"open", "due_soon", "overdue", "done", "pending", "unknown"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *const *shuan_incident_event_kinds(void)
{
	static const char *const kinds[] = {
	    "discovered",        "phoned",        "written_report", "level_adjusted", "response_ended",
	    "summary_submitted", "facts_updated", "note",           "closed",         NULL};
	return kinds;
}

static void add_note(shuan_incident_grade *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(shuan_incident_grade *g, const char *fmt, ...)
{
	va_list ap;
	if (g->nnotes == SHUAN_INCIDENT_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(g->notes[g->nnotes++], sizeof(g->notes[0]), fmt, ap);
	va_end(ap);
}

static bool in_list(const int *v, size_t n, int x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Does band b of criterion c match the facts? Writes why into detail. */
static bool band_match(const duty_criterion *c, const duty_band *b, const shuan_incident_facts *f,
                       bool *assumed, char *detail, size_t len)
{
	char x[32], y[32];
	*assumed = false;
	switch (c->test) {
	case ITEST_DATA_GRADE:
		if (!in_list(b->grades, b->ngrades, f->data_grade))
			return false;
		if (f->threat < 0) {
			if (!in_list(b->default_for, b->ndefault_for, f->data_grade))
				return false;
			*assumed = true;
			snprintf(detail, len, "%s data %s (threat not given: taken from the data grade)",
			         shuan_duty__grades[f->data_grade], shuan_duty__types[f->type]);
			return true;
		}
		/* threats are listed strongest first: a smaller index is stronger */
		if (f->threat > b->threat)
			return false;
		snprintf(detail, len, "%s data %s, threat %s (at least %s)",
		         shuan_duty__grades[f->data_grade], shuan_duty__types[f->type],
		         shuan_duty__threats[f->threat], shuan_duty__threats[b->threat]);
		return true;
	case ITEST_PRODUCTION:
		if (f->production_impact < 0 || f->production_impact > b->impact)
			return false;
		snprintf(detail, len, "production impact %s (at least %s)",
		         shuan_duty__impacts[f->production_impact], shuan_duty__impacts[b->impact]);
		return true;
	case ITEST_HOURS:
		if (f->outage_hours < 0 || f->outage_hours < b->at_least)
			return false;
		snprintf(detail, len, "%g h ≥ %g h", f->outage_hours, b->at_least);
		return true;
	case ITEST_LOSS:
		if (f->loss_cny < 0 || f->loss_cny < b->at_least)
			return false;
		shuan_duty__group((int64_t)f->loss_cny, x, sizeof(x));
		shuan_duty__group((int64_t)b->at_least, y, sizeof(y));
		snprintf(detail, len, "direct loss CNY %s ≥ %s", x, y);
		return true;
	case ITEST_PEOPLE:
		if (b->pi_at_least > 0 && f->pi_people >= b->pi_at_least) {
			shuan_duty__group(f->pi_people, x, sizeof(x));
			shuan_duty__group(b->pi_at_least, y, sizeof(y));
			snprintf(detail, len, "%s people's PI ≥ %s", x, y);
			return true;
		}
		if (b->spi_at_least > 0 && f->spi_people >= b->spi_at_least) {
			shuan_duty__group(f->spi_people, x, sizeof(x));
			shuan_duty__group(b->spi_at_least, y, sizeof(y));
			snprintf(detail, len, "%s people's sensitive PI ≥ %s", x, y);
			return true;
		}
		return false;
	case ITEST_CII_OUTAGE: {
		double need = f->outage_scope == 0 ? b->whole_at_least : b->main_at_least;
		if (f->role != 1 /* ciio */ || f->outage_hours < 0 || f->outage_hours < need)
			return false;
		snprintf(detail, len, "CII %s out of service %g h ≥ %g h",
		         f->outage_scope == 0 ? "as a whole" : "main functions", f->outage_hours, need);
		*assumed = f->outage_scope < 0;
		return true;
	}
	}
	return false;
}

/* Is criterion c's fact given? */
static bool fact_given(const duty_criterion *c, const shuan_incident_facts *f)
{
	switch (c->test) {
	case ITEST_DATA_GRADE:
		return f->data_grade >= 0;
	case ITEST_PRODUCTION:
		return f->production_impact >= 0;
	case ITEST_HOURS:
	case ITEST_CII_OUTAGE:
		return f->outage_hours >= 0;
	case ITEST_LOSS:
		return f->loss_cny >= 0;
	case ITEST_PEOPLE:
		return f->pi_people >= 0 || f->spi_people >= 0;
	}
	return false;
}

/* Which regimes apply: the facts' choice, else by domain and date. */
static void choose_regimes(const shuan_duty_rules *r, const shuan_incident_facts *f, bool use[2],
                           bool *defaulted)
{
	int reg = f->regime;
	*defaulted = reg < 0;
	if (reg < 0) {
		bool miit_domain =
		    f->domain >= 0 && in_list(r->regimes[0].domains, r->regimes[0].ndomains, f->domain);
		shuan_date d = shuan_time_date(&f->discovered, SHUAN_CHINA_OFFSET_MIN);
		bool cac_in_force = shuan_date_days(d) >= shuan_date_days(r->regimes[1].effective);
		use[0] = miit_domain;
		use[1] = !miit_domain || cac_in_force;
	} else {
		use[0] = reg == 0 || reg == 2;
		use[1] = reg == 1 || reg == 2;
	}
}

/* Grades one regime, appending matched criteria. */
static shuan_incident_level grade_regime(const duty_regime *rg, const shuan_incident_facts *f,
                                         shuan_incident_grade *g, bool *ambiguous_scope)
{
	shuan_incident_level best = rg->default_level;
	bool matched = false;
	for (size_t i = 0; i < rg->ncriteria; i++) {
		const duty_criterion *c = &rg->criteria[i];
		const duty_band *hit = NULL;
		char detail[224] = "";
		bool assumed = false;
		if (c->ndomains && !in_list(c->domains, c->ndomains, f->domain))
			continue;
		if (c->ntypes && !in_list(c->types, c->ntypes, f->type))
			continue;
		if (!fact_given(c, f))
			continue;
		for (size_t k = 0; k < c->nbands; k++) {
			char d[224];
			bool a;
			if (band_match(c, &c->bands[k], f, &a, d, sizeof(d)) &&
			    (!hit || c->bands[k].level > hit->level)) {
				hit = &c->bands[k];
				assumed = a;
				memcpy(detail, d, sizeof(detail));
			}
		}
		if (c->test == ITEST_CII_OUTAGE && f->outage_scope < 0 && f->role == 1 &&
		    f->outage_hours >= 0)
			for (size_t k = 0; k < c->nbands; k++)
				if (f->outage_hours >= c->bands[k].whole_at_least &&
				    f->outage_hours < c->bands[k].main_at_least)
					*ambiguous_scope = true;
		if (!hit)
			continue;
		if (g->ncriteria < SHUAN_INCIDENT_MAX_CRITERIA) {
			shuan_incident_criterion *o = &g->criteria[g->ncriteria++];
			o->regime = rg->id;
			o->rule = c->rule;
			o->title = c->title;
			o->level = hit->level;
			o->assumed = assumed;
			snprintf(o->detail, sizeof(o->detail), "%s", detail);
			o->basis = c->basis;
			if (hit->unverified)
				o->basis.unverified = true;
			if (hit->note)
				o->basis.note = hit->note;
		}
		matched = true;
		if (hit->level > best)
			best = hit->level;
	}
	if (!matched || best == rg->default_level) {
		/* say what set the level when no criterion lifted it */
		bool any_at_default = false;
		for (size_t i = 0; i < g->ncriteria; i++)
			any_at_default = any_at_default ||
			                 (g->criteria[i].regime == rg->id && g->criteria[i].level == best);
		if (!any_at_default && g->ncriteria < SHUAN_INCIDENT_MAX_CRITERIA) {
			shuan_incident_criterion *o = &g->criteria[g->ncriteria++];
			o->regime = rg->id;
			o->rule = rg->default_basis.rule;
			o->title = "No criterion reaches a higher level";
			o->level = rg->default_level;
			snprintf(o->detail, sizeof(o->detail), "below every criterion of the higher levels");
			o->basis = rg->default_basis;
		}
	}
	return best;
}

static bool role_in(const duty_ideadline *d, int role)
{
	return in_list(d->actors, d->nactors, role < 0 ? 0 : role);
}

/* The first event of a kind completing d, at or after the discovery. */
static const shuan_incident_event *done_event(const duty_ideadline *d, const shuan_incident_event *ev,
                                              size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < d->ndone_by; k++)
			if (!strcmp(ev[i].kind, d->done_by[k]))
				return &ev[i];
	return NULL;
}

static int status_rank(shuan_deadline_status s)
{
	switch (s) {
	case SHUAN_DEADLINE_OVERDUE:
		return 0;
	case SHUAN_DEADLINE_DUE_SOON:
		return 1;
	case SHUAN_DEADLINE_UNKNOWN:
		return 2;
	case SHUAN_DEADLINE_OPEN:
		return 3;
	case SHUAN_DEADLINE_PENDING:
		return 4;
	case SHUAN_DEADLINE_DONE:
		return 5;
	}
	return 6;
}

static int cmp_deadline(const void *a, const void *b)
{
	const shuan_incident_deadline *x = a, *y = b;
	int rx = status_rank(x->status), ry = status_rank(y->status);
	if (rx != ry)
		return rx - ry;
	if (x->has_due != y->has_due)
		return x->has_due ? -1 : 1;
	if (x->has_due && x->due.utc != y->due.utc)
		return x->due.utc < y->due.utc ? -1 : 1;
	if (x->yours != y->yours)
		return x->yours ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

static int cmp_criterion(const void *a, const void *b)
{
	const shuan_incident_criterion *x = a, *y = b;
	if (x->reference != y->reference)
		return x->reference ? 1 : -1;
	if (x->level != y->level)
		return (int)y->level - (int)x->level;
	return strcmp(x->regime, y->regime);
}

/* The deadlines of one regime at level lv. */
static int regime_deadlines(const shuan_duty_rules *r, const duty_regime *rg, shuan_incident_level lv,
                            const shuan_incident_facts *f, const shuan_incident_event *ev, size_t nev,
                            const shuan_time *as_of, shuan_incident_grade *g)
{
	int rc = 0;
	for (size_t i = 0; i < rg->ndeadlines && g->ndeadlines < SHUAN_INCIDENT_MAX_DEADLINES; i++) {
		const duty_ideadline *d = &rg->deadlines[i];
		shuan_incident_deadline *o;
		const shuan_incident_event *done;
		int role = f->role < 0 ? 0 : f->role;
		if (lv < d->min_level)
			continue;
		if (d->nchain && !in_list(d->chain, d->nchain, role))
			continue;
		o = &g->deadlines[g->ndeadlines++];
		memset(o, 0, sizeof(*o));
		o->regime = rg->id;
		o->rule = d->rule;
		o->step = d->step;
		o->title = d->title;
		o->party = d->party;
		o->actors = d->actor_list;
		o->yours = role_in(d, role);
		o->basis = d->basis;
		if (!d->from_response_end) {
			o->has_due = true;
			o->due.utc = f->discovered.utc + (int64_t)d->minutes * 60;
			o->due.offset_min = f->discovered.offset_min;
			o->immediate = d->minutes == 0;
		} else if (!f->has_response_ended) {
			o->status = SHUAN_DEADLINE_PENDING;
			snprintf(o->reason, sizeof(o->reason),
			         "counted from the end of the response (response_ended)");
		} else {
			shuan_date end = shuan_time_date(&f->response_ended, SHUAN_CHINA_OFFSET_MIN), due;
			bool pending = false;
			int wrc = 0;
			if (d->working_days > 0)
				wrc = shuan_duty__working_days(r, end, d->working_days, as_of, &due, &pending,
				                               o->reason, sizeof(o->reason));
			else
				due = shuan_date_from_days(shuan_date_days(end) + d->days);
			if (wrc != 0) {
				o->status = SHUAN_DEADLINE_UNKNOWN;
				snprintf(g->error, sizeof(g->error), "%s", o->reason);
				rc = wrc;
			} else if (pending) {
				o->status = SHUAN_DEADLINE_PENDING;
			} else {
				o->has_due = true;
				o->end_of_day = true;
				o->due.utc = (shuan_date_days(due) + 1) * 86400 - 1 -
				             (int64_t)SHUAN_CHINA_OFFSET_MIN * 60;
				o->due.offset_min = f->discovered.offset_min;
			}
		}
		done = o->yours ? done_event(d, ev, nev) : NULL;
		if (done) {
			o->status = SHUAN_DEADLINE_DONE;
			o->has_done = true;
			o->done_at = done->at;
		} else if (o->has_due) {
			if (as_of->utc > o->due.utc)
				o->status = SHUAN_DEADLINE_OVERDUE;
			else if (o->due.utc - as_of->utc <= 24 * 3600)
				o->status = SHUAN_DEADLINE_DUE_SOON;
			else
				o->status = SHUAN_DEADLINE_OPEN;
		}
	}
	return rc;
}

int shuan_incident_grade_facts(const shuan_duty_rules *r, const shuan_incident_facts *facts,
                               const shuan_incident_event *ev, size_t nev, const shuan_time *as_of,
                               shuan_incident_grade *g, char *err, size_t errlen)
{
	shuan_incident_facts f = *facts;
	bool use[2], defaulted, any_in_force = false, ambiguous = false, in_force[2] = {false, false};
	shuan_incident_level levels[2] = {SHUAN_INCIDENT_GENERAL, SHUAN_INCIDENT_GENERAL};
	shuan_incident_level overall = SHUAN_INCIDENT_GENERAL;
	int rc = 0;

	memset(g, 0, sizeof(*g));
	if (errlen)
		err[0] = '\0';
	g->as_of = *as_of;
	/* the timeline's response_ended wins over the facts' */
	for (size_t i = 0; i < nev; i++)
		if (!strcmp(ev[i].kind, "response_ended")) {
			f.has_response_ended = true;
			f.response_ended = ev[i].at;
		}
	if ((rc = shuan_incident_facts_check(&f, as_of, err, errlen)) != 0)
		return rc;
	if (f.role < 0)
		f.role = 0;
	if (f.domain < 0)
		f.domain = 3; /* other */
	choose_regimes(r, &f, use, &defaulted);
	for (int k = 0; k < 2; k++) {
		const duty_regime *rg = &r->regimes[k];
		shuan_incident_regime_result *o;
		shuan_date d = shuan_time_date(&f.discovered, SHUAN_CHINA_OFFSET_MIN);
		if (!use[k])
			continue;
		o = &g->regimes[g->nregimes++];
		o->regime = rg->id;
		o->title = rg->title;
		o->in_force = in_force[k] = shuan_date_days(d) >= shuan_date_days(rg->effective);
		{
			size_t first = g->ncriteria;
			o->level = levels[k] = grade_regime(rg, &f, g, &ambiguous);
			for (size_t i = first; i < g->ncriteria; i++)
				g->criteria[i].reference = !o->in_force;
		}
		o->level_basis = rg->default_basis;
		if (o->in_force) {
			any_in_force = true;
			if (levels[k] > overall)
				overall = levels[k];
		} else {
			char e[16];
			shuan_date_format(rg->effective, e, sizeof(e));
			add_note(g,
			         "%s (%s) takes effect %s, after the discovery: graded for reference, no "
			         "deadlines.",
			         rg->title, rg->id, e);
		}
	}
	if (!any_in_force)
		for (int k = 0; k < 2; k++)
			if (use[k] && levels[k] > overall)
				overall = levels[k];
	g->level = overall;
	/* a level_adjusted event (the regulator's decision, plan 4.4.5) overrides the computed level */
	for (size_t i = 0; i < nev; i++) {
		shuan_incident_level adj;
		if (!strcmp(ev[i].kind, "level_adjusted") && ev[i].detail &&
		    shuan_incident_level_parse(ev[i].detail, &adj) == 0) {
			g->level = adj;
			g->adjusted = true;
		}
	}
	if (use[0]) {
		const duty_regime *m = &r->regimes[0];
		g->response = m->levels[g->level].response;
		g->warning = m->levels[g->level].warning;
	}
	qsort(g->criteria, g->ncriteria, sizeof(g->criteria[0]), cmp_criterion);

	for (int k = 0; k < 2; k++) {
		int drc;
		/* a regime not in force at the discovery sets no deadlines */
		if (!use[k] || !in_force[k])
			continue;
		drc = regime_deadlines(r, &r->regimes[k], g->adjusted ? g->level : levels[k], &f, ev, nev,
		                       as_of, g);
		if (drc && !rc)
			rc = drc;
	}
	qsort(g->deadlines, g->ndeadlines, sizeof(g->deadlines[0]), cmp_deadline);

	/* notes on what the grade could not see */
	if (defaulted)
		add_note(g, "regime not given: %s%s%s (by the domain%s).", use[0] ? "miit" : "",
		         use[0] && use[1] ? " and " : "", use[1] ? "cac" : "",
		         use[1] ? " and the CAC measures' effective date" : "");
	if (use[0] && f.domain == 3)
		add_note(
		    g,
		    "domain other: the MIIT plan covers 工业和信息化领域 (industrial, telecom, radio data); "
		    "check your sector's own plan.");
	if (f.threat < 0)
		add_note(
		    g,
		    "threat not given: criterion (1) is taken from the data grade alone (core -> 特别重大, "
		    "important -> 重大, general -> 一般); give threat to grade by the annex's wording.");
	if (f.pi_people < 0 && f.spi_people < 0)
		add_note(g, "pi_people and spi_people not given: the personal-information criteria were not "
		            "evaluated.");
	if (f.loss_cny < 0)
		add_note(g, "loss_cny not given: the economic-loss criteria were not evaluated.");
	if ((f.domain == 1 || f.domain == 2 || f.role == 1) && f.outage_hours < 0)
		add_note(g, "outage_hours not given: the outage criteria were not evaluated.");
	if (ambiguous)
		add_note(g, "outage_scope not given: the CII outage was judged as a main-function outage (24 "
		            "h); a whole "
		            "outage counts from 6 h.");
	if (use[1] && levels[1] < SHUAN_INCIDENT_SIGNIFICANT && !g->adjusted)
		add_note(g, "Under the CAC measures only incidents of 较大 or above must be reported.");
	if (g->adjusted)
		add_note(g, "The level was adjusted on the timeline (level_adjusted); the criteria show the "
		            "computed grade.");
	g->unverified = false;
	/* the grade rests on the criteria at its level; a lower match that is unverified
	 * is labelled on its own line but does not make the grade unverified */
	for (size_t i = 0; i < g->ncriteria; i++)
		g->unverified =
		    g->unverified || (g->criteria[i].basis.unverified && g->criteria[i].level == g->level &&
		                      !g->criteria[i].reference);
	for (size_t i = 0; i < g->ndeadlines; i++)
		g->unverified = g->unverified || g->deadlines[i].basis.unverified;
	if (rc && errlen)
		snprintf(err, errlen, "%s", g->error);
	return rc;
}
