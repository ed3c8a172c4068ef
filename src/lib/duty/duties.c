/*
 * lib/duty/duties.c - the periodic obligations (shuan duties) from
 * rules/duty/duties.yaml, the organisation profile, the latest inventory
 * and the store.
 *
 * Each duty's `when:` conditions are tri-state: a fact the profile does not
 * give (and the inventory cannot supply) makes the duty "unknown" instead
 * of silently absent. Whether data is important data is never inferred:
 * only the authorities designate it (Provisions Art. 2, Regulation Art. 37),
 * so inventory candidates are mentioned, not counted as important data.
 *
 * Dates: `every_months` runs from the last completion in the profile
 * (`done:`; never done on record means due now); `yearly_on` is a fixed day
 * each year; export assessments expire `validity.years` after issue with an
 * extension window counted in PRC working days; incident summaries come from
 * grading each open incident (incident.c). A duty is "due soon" within 30
 * days.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/duty/internal.h"
#include "lib/store/internal.h"
#include "util/alloc.h"

#define DUE_SOON_DAYS 30
#define MAX_ITEMS 4096

enum {
	D_PI_OVER,
	D_PI_AT_LEAST,
	D_PI_AT_MOST,
	D_IMPORTANT_DATA,
	D_LARGE_PLATFORM,
	D_CIIO,
	D_INDUSTRY_IN,
	D_ANY_OF
};

/* The order must match the enum above. */
const duty_test_def shuan_duty__duties_tests[] = {
    {"pi_people_over", DUTY_PARAM_NUMBER},
    {"pi_people_at_least", DUTY_PARAM_NUMBER},
    {"pi_people_at_most", DUTY_PARAM_NUMBER},
    {"important_data", DUTY_PARAM_NONE},
    {"large_platform", DUTY_PARAM_NONE},
    {"ciio", DUTY_PARAM_NONE},
    {"industry_in", DUTY_PARAM_VALUES},
    {"any_of", DUTY_PARAM_OF},
    {NULL, DUTY_PARAM_NONE},
};

const char *shuan_duty_status_name(shuan_duty_status s)
{
	static const char *const names[] = {"due",     "due_soon", "overdue", "standing", "not_applicable",
	                                    "unknown", "error"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

typedef struct dctx {
	const shuan_org *org;
	int64_t pi_people;
	int important_data;
} dctx;

/* 1 met, 0 not met, -1 unknown; why in detail. */
static int eval_leaf(const dctx *x, const duty_leaf *l, char *detail, size_t len)
{
	char a[32], b[32];
	switch (l->test) {
	case D_PI_OVER:
	case D_PI_AT_LEAST:
	case D_PI_AT_MOST: {
		static const char *const ops[] = {">", "≥", "≤"};
		bool met;
		shuan_duty__group(l->number, b, sizeof(b));
		if (x->pi_people < 0) {
			snprintf(detail, len, "people whose PI is processed: not known (is it %s %s?)",
			         ops[l->test], b);
			return -1;
		}
		shuan_duty__group(x->pi_people, a, sizeof(a));
		met = l->test == D_PI_OVER       ? x->pi_people > l->number
		      : l->test == D_PI_AT_LEAST ? x->pi_people >= l->number
		                                 : x->pi_people <= l->number;
		if (met)
			snprintf(detail, len, "PI of %s people %s %s", a, ops[l->test], b);
		else
			snprintf(detail, len, "PI of %s people (not %s %s)", a, ops[l->test], b);
		return met;
	}
	case D_IMPORTANT_DATA:
		if (x->important_data < 0) {
			snprintf(detail, len, "important data: not stated in the profile");
			return -1;
		}
		snprintf(detail, len, x->important_data ? "processes important data" : "no important data");
		return x->important_data;
	case D_LARGE_PLATFORM:
		if (x->org->large_platform < 0) {
			snprintf(detail, len, "large network platform: not stated in the profile");
			return -1;
		}
		snprintf(detail, len,
		         x->org->large_platform ? "a large network platform"
		                                : "not a large network platform");
		return x->org->large_platform;
	case D_CIIO:
		snprintf(detail, len, x->org->ciio ? "a CIIO" : "not a CIIO");
		return x->org->ciio;
	case D_INDUSTRY_IN:
		if (!x->org->industry) {
			snprintf(detail, len, "industry: not stated in the profile");
			return -1;
		}
		for (size_t i = 0; i < l->nvalues; i++)
			if (!strcmp(l->values[i], x->org->industry)) {
				snprintf(detail, len, "industry %s", x->org->industry);
				return 1;
			}
		snprintf(detail, len, "industry %s (not industrial, telecom or radio)", x->org->industry);
		return 0;
	}
	snprintf(detail, len, "?");
	return -1;
}

/* All conditions: 0 if any fails, -1 if any is unknown, else 1. */
static int eval_when(const dctx *x, const duty_conds *w, char *why, size_t len)
{
	int all = 1;
	size_t o = 0;
	why[0] = '\0';
	if (!w->n) {
		snprintf(why, len, "applies to every processor");
		return 1;
	}
	for (size_t i = 0; i < w->n; i++) {
		const duty_cond *c = &w->c[i];
		char d[224];
		int v;
		if (c->nof) {
			size_t od = 0;
			v = 0;
			d[0] = '\0';
			for (size_t k = 0; k < c->nof; k++) {
				char e[160];
				int r = eval_leaf(x, &c->of[k], e, sizeof(e));
				v = r == 1 || v == 1 ? 1 : (r < 0 || v < 0) ? -1 : 0;
				od += (size_t)snprintf(d + od, od < sizeof(d) ? sizeof(d) - od : 0, "%s%s",
				                       k ? " or " : "", e);
			}
		} else {
			v = eval_leaf(x, &c->leaf, d, sizeof(d));
		}
		o += (size_t)snprintf(why + o, o < len ? len - o : 0, "%s%s", i ? "; " : "", d);
		if (v == 0)
			all = 0;
		else if (v < 0 && all)
			all = -1;
	}
	return all;
}

static const shuan_date *done_date(const shuan_org *org, const char *id)
{
	for (size_t i = 0; i < org->ndone; i++)
		if (!strcmp(org->done[i].duty, id))
			return &org->done[i].date;
	return NULL;
}

static shuan_duty_status date_status(shuan_date due, shuan_date today)
{
	int64_t d = shuan_date_days(due) - shuan_date_days(today);
	return d < 0 ? SHUAN_DUTY_OVERDUE : d <= DUE_SOON_DAYS ? SHUAN_DUTY_DUE_SOON : SHUAN_DUTY_DUE;
}

static int add_item(shuan_vec *v, const duty_periodic *d, shuan_duty_item **out)
{
	void *p;
	int rc = shuan_vec_add(v, &p);
	if (rc)
		return rc;
	*out = p;
	(*out)->id = d->id;
	(*out)->title = d->title;
	(*out)->party = d->party;
	(*out)->basis = d->basis;
	return 0;
}

static void dfmt(shuan_date d, char *b)
{
	shuan_date_format(d, b, 16);
}

static int item_every(const dctx *x, const duty_periodic *d, shuan_date today, shuan_duty_item *it)
{
	const shuan_date *last = done_date(x->org, d->id);
	char a[16], b[16];
	it->every_months = d->months;
	it->has_due = true;
	if (last) {
		it->due = shuan_date_add_months(*last, d->months);
		dfmt(*last, a);
		dfmt(it->due, b);
		snprintf(it->detail, sizeof(it->detail), "last done %s; every %d months: next by %s", a,
		         d->months, b);
	} else {
		it->due = today;
		snprintf(it->detail, sizeof(it->detail),
		         "no completion on record: due now (give done: {%s: YYYY-MM-DD} in the profile)",
		         d->id);
	}
	it->status = date_status(it->due, today);
	return 0;
}

static int item_yearly(const dctx *x, const duty_periodic *d, shuan_date today, shuan_duty_item *it)
{
	const shuan_date *last = done_date(x->org, d->id);
	shuan_date c = {today.year, d->on_month, d->on_day}, p;
	char a[16], b[16];
	if (shuan_date_days(c) < shuan_date_days(today))
		c = shuan_date_add_months(c, 12);
	p = shuan_date_add_months(c, -12);
	it->every_months = 12;
	it->has_due = true;
	if (!last) {
		it->due = c;
		dfmt(c, b);
		snprintf(it->detail, sizeof(it->detail),
		         "each year by %02d-%02d; next %s (no completion on record)", d->on_month, d->on_day,
		         b);
	} else if (shuan_date_days(*last) > shuan_date_days(p)) {
		it->due = shuan_date_add_months(c, 12);
		dfmt(*last, a);
		dfmt(it->due, b);
		snprintf(it->detail, sizeof(it->detail), "done %s for this year; next by %s", a, b);
	} else if (shuan_date_days(*last) > shuan_date_days(shuan_date_add_months(p, -12))) {
		it->due = c;
		dfmt(*last, a);
		dfmt(c, b);
		snprintf(it->detail, sizeof(it->detail), "last done %s; next by %s", a, b);
	} else {
		it->due = p;
		dfmt(*last, a);
		dfmt(p, b);
		snprintf(it->detail, sizeof(it->detail), "last done %s: the one due %s was missed", a, b);
	}
	it->status = date_status(it->due, today);
	return 0;
}

static int items_assessments(const shuan_duty_rules *r, const dctx *x, const duty_periodic *d,
                             shuan_date today, const shuan_time *as_of, shuan_vec *v, int *rc_out)
{
	const duty_xborder_rules *xb = &r->xb;
	int rc;
	shuan_duty_item *it;
	if (!x->org->nassessments) {
		if ((rc = add_item(v, d, &it)) != 0)
			return rc;
		it->status = SHUAN_DUTY_NOT_APPLICABLE;
		snprintf(it->why, sizeof(it->why),
		         "no export security assessment listed in the profile (assessments:)");
		return 0;
	}
	for (size_t i = 0; i < x->org->nassessments; i++) {
		char a[16], b[16], c[16];
		bool pending;
		int wrc;
		if ((rc = add_item(v, d, &it)) != 0)
			return rc;
		it->basis = xb->validity.basis;
		snprintf(it->subject, sizeof(it->subject), "assessment %s", x->org->assessments[i].ref);
		snprintf(it->why, sizeof(it->why), "security assessment result issued");
		it->due = shuan_date_add_months(x->org->assessments[i].issued, 12 * xb->validity.years);
		it->has_due = true;
		wrc = shuan_duty__extension_window(r, it->due, xb->validity.extension_working_days, as_of,
		                                   &it->window_opens, &pending, it->error, sizeof(it->error));
		dfmt(x->org->assessments[i].issued, a);
		dfmt(it->due, b);
		if (wrc != 0) {
			it->status = SHUAN_DUTY_ERROR;
			snprintf(it->detail, sizeof(it->detail),
			         "issued %s, valid through %s; extension window not computed", a, b);
			*rc_out = wrc;
			continue;
		}
		if (pending) {
			snprintf(it->detail, sizeof(it->detail),
			         "issued %s, valid through %s; extension window: %.300s", a, b, it->error);
			it->error[0] = '\0';
		} else {
			it->has_window = true;
			dfmt(it->window_opens, c);
			snprintf(it->detail, sizeof(it->detail),
			         "issued %s, valid through %s; apply for a %d-year extension from %s (%d "
			         "working days before)",
			         a, b, xb->validity.extension_years, c, xb->validity.extension_working_days);
		}
		if (shuan_date_days(today) > shuan_date_days(it->due))
			it->status = SHUAN_DUTY_OVERDUE;
		else if (it->has_window && shuan_date_days(today) >= shuan_date_days(it->window_opens))
			it->status = SHUAN_DUTY_DUE_SOON;
		else
			it->status = date_status(it->due, today);
	}
	return 0;
}

/* Whether the incident's response has ended (facts or timeline). */
static bool f_has_end(const shuan_incident *inc)
{
	if (inc->facts.has_response_ended)
		return true;
	for (size_t i = 0; i < inc->nevents; i++)
		if (!strcmp(inc->events[i].kind, "response_ended"))
			return true;
	return false;
}

static int items_incidents(const shuan_duty_rules *r, const duty_periodic *d, shuan_store *s,
                           const shuan_time *as_of, shuan_vec *v, int *rc_out, char *err, size_t errlen)
{
	int64_t *ids = NULL;
	size_t n = 0, added = 0;
	int rc = 0;
	shuan_incident_grade *g = NULL;
	shuan_duty_item *it;
	if (s && (rc = shuan_incident_ids(s, false, &ids, &n, err, errlen)) != 0)
		return rc;
	if (n && !(g = shuan_malloc(sizeof(*g)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		shuan_incident inc;
		char e2[288];
		int grc;
		if ((rc = shuan_incident_read(s, ids[i], &inc, err, errlen)) != 0)
			break;
		grc = shuan_incident_grade_facts(r, &inc.facts, inc.events, inc.nevents, as_of, g, e2,
		                                 sizeof(e2));
		if (grc != 0 && grc != SHUAN_ENOTFOUND) {
			snprintf(err, errlen, "incident #%lld: %s", (long long)ids[i], e2);
			shuan_incident_free(&inc);
			rc = grc;
			break;
		}
		for (size_t k = 0; k < g->ndeadlines && rc == 0; k++) {
			const shuan_incident_deadline *dl = &g->deadlines[k];
			if (!dl->yours || (strstr(dl->step, "summary") == NULL) ||
			    dl->status == SHUAN_DEADLINE_DONE)
				continue;
			if ((rc = add_item(v, d, &it)) != 0)
				break;
			added++;
			it->basis = dl->basis;
			it->title = dl->title;
			it->party = dl->party;
			snprintf(it->subject, sizeof(it->subject), "incident #%lld%s%.100s",
			         (long long)ids[i], inc.facts.title ? " " : "",
			         inc.facts.title ? inc.facts.title : "");
			snprintf(it->why, sizeof(it->why), "%s incident (%s)",
			         shuan_incident_level_zh(g->level), dl->regime);
			if (dl->status == SHUAN_DEADLINE_PENDING) {
				it->status = SHUAN_DUTY_STANDING;
				snprintf(it->detail, sizeof(it->detail), "%s",
				         f_has_end(&inc)
				             ? dl->reason
				             : "due when the response ends (record response_ended)");
			} else if (dl->status == SHUAN_DEADLINE_UNKNOWN) {
				it->status = SHUAN_DUTY_ERROR;
				snprintf(it->error, sizeof(it->error), "%s", dl->reason);
				*rc_out = SHUAN_ENOTFOUND;
			} else {
				char t[SHUAN_TIME_TEXT];
				it->has_due = true;
				it->due = shuan_time_date(&dl->due, SHUAN_CHINA_OFFSET_MIN);
				it->status =
				    dl->status == SHUAN_DEADLINE_OVERDUE ? SHUAN_DUTY_OVERDUE
				    : dl->status == SHUAN_DEADLINE_DUE_SOON
				        ? SHUAN_DUTY_DUE_SOON
				        : date_status(it->due,
				                      shuan_time_date(as_of, SHUAN_CHINA_OFFSET_MIN));
				shuan_time_format(&dl->due, t);
				snprintf(it->detail, sizeof(it->detail), "by %s", t);
			}
		}
		shuan_incident_free(&inc);
	}
	if (rc == 0 && !added) {
		if ((rc = add_item(v, d, &it)) == 0) {
			it->status = SHUAN_DUTY_NOT_APPLICABLE;
			snprintf(it->why, sizeof(it->why),
			         s ? "no open incident awaits a summary report"
			           : "no store: stored incidents not consulted");
		}
	}
cleanup:
	shuan_free(g);
	shuan_incident_ids_free(ids);
	return rc;
}

static int item_records(const duty_periodic *d, shuan_store *s, int year, shuan_duty_item *it, char *err,
                        size_t errlen)
{
	shuan_xborder_ledger l;
	shuan_date oldest = {0, 0, 0};
	size_t count = 0;
	int rc = 0;
	it->status = SHUAN_DUTY_STANDING;
	if (!s) {
		snprintf(
		    it->detail, sizeof(it->detail),
		    "keep a record of each provision (shuan xborder record keeps the cross-border ones)");
		return 0;
	}
	/* the ledger's transfers of the retention period: this year and the ones before */
	for (int y = year - (d->months + 11) / 12; y <= year; y++) {
		if ((rc = shuan_xborder_ledger_read(s, y, &l, err, errlen)) != 0)
			return rc;
		if (l.nentries && !oldest.year)
			oldest = l.entries[0].date;
		count += l.nentries;
		shuan_xborder_ledger_free(&l);
	}
	if (count) {
		char a[16], b[16];
		dfmt(oldest, a);
		dfmt(shuan_date_add_months(oldest, d->months), b);
		snprintf(it->detail, sizeof(it->detail),
		         "%zu cross-border transfers in the ledger within the period; the oldest (%s) is "
		         "kept until at least %s",
		         count, a, b);
	} else {
		snprintf(it->detail, sizeof(it->detail),
		         "keep a record of each provision (the ledger holds no transfer yet)");
	}
	return 0;
}

/* The inventory module (migration 4) owns these tables; this reads the two
 * figures the duties need and nothing else, and treats a store without them
 * as one without an inventory. */
/* Run `run`, or the latest when run is 0. */
static int inventory_run(shuan_store *s, int64_t run, shuan_duties_inventory *out)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	int rc = SHUAN_ENOTFOUND;
	memset(out, 0, sizeof(*out));
	out->pi_people = -1;
	out->spi_people = -1;
	out->important_candidates = -1;
	if (!db)
		return SHUAN_ENOTFOUND;
	if (sqlite3_prepare_v2(
	        db,
	        "SELECT r.id, r.finished, r.sampling, r.people_distinct, r.people_exact, r.people_sensitive,"
	        " (SELECT count(*) FROM inventory_sources s WHERE s.run_id = r.id AND s.important_candidate)"
	        " FROM inventory_runs r WHERE ?1 = 0 OR r.id = ?1 ORDER BY r.id DESC LIMIT 1",
	        -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return SHUAN_ENOTFOUND; /* no inventory tables in this store */
	}
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *fin = sqlite3_column_text(st, 1), *samp = sqlite3_column_text(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			out->pi_people = sqlite3_column_int64(st, 3);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			out->spi_people = sqlite3_column_int64(st, 5);
		out->important_candidates = sqlite3_column_int(st, 6);
		out->sampled = samp && strcmp((const char *)samp, "full");
		out->estimate = !sqlite3_column_int(st, 4);
		snprintf(out->run, sizeof(out->run), "inventory #%lld %.20s%s%s",
		         (long long)sqlite3_column_int64(st, 0), fin ? (const char *)fin : "",
		         out->sampled ? ", sample-based" : "", out->estimate ? ", estimate" : "");
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int shuan_duties_inventory_latest(shuan_store *s, shuan_duties_inventory *out)
{
	return inventory_run(s, 0, out);
}

int shuan_duties_inventory_run(shuan_store *s, int64_t run, shuan_duties_inventory *out)
{
	if (run < 1) {
		inventory_run(NULL, 0, out);
		return SHUAN_ENOTFOUND;
	}
	return inventory_run(s, run, out);
}

int shuan_duties_compute(const shuan_duty_rules *r, const shuan_org *org, const shuan_duties_inventory *inv,
                         shuan_store *s, const shuan_time *as_of, shuan_duties_result *out, char *err,
                         size_t errlen)
{
	shuan_vec v;
	dctx x = {org, -1, SHUAN_FACT_UNKNOWN};
	shuan_date today = shuan_time_date(as_of, SHUAN_CHINA_OFFSET_MIN);
	int rc = 0, soft = 0;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	out->as_of = *as_of;
	out->org_name = org->name;
	out->rules_rev = r->duties_rev;
	/* every done: entry must name a duty */
	for (size_t i = 0; i < org->ndone; i++) {
		bool known = false;
		for (size_t k = 0; k < r->nduties; k++)
			known = known || !strcmp(r->duties[k].id, org->done[i].duty);
		if (!known) {
			char list[512];
			size_t o = 0;
			for (size_t k = 0; k < r->nduties && o < sizeof(list); k++)
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", k ? ", " : "",
				                      r->duties[k].id);
			snprintf(err, errlen, "%s: done: unknown duty '%s' (one of: %s)",
			         org->path ? org->path : "profile", org->done[i].duty, list);
			return SHUAN_EINVAL;
		}
	}
	if (org->pi_people >= 0) {
		x.pi_people = org->pi_people;
		out->pi_people_source = "profile";
	} else if (inv && inv->pi_people >= 0) {
		x.pi_people = inv->pi_people;
		out->pi_people_source = "inventory";
		snprintf(out->inventory_run, sizeof(out->inventory_run), "%s", inv->run);
	}
	out->pi_people = x.pi_people;
	x.important_data = org->important_data;
	out->important_data = x.important_data;
	out->important_data_source = org->important_data >= 0 ? "profile" : NULL;

	shuan_vec_init(&v, sizeof(shuan_duty_item), MAX_ITEMS);
	for (size_t i = 0; i < r->nduties && rc == 0; i++) {
		const duty_periodic *d = &r->duties[i];
		char why[224];
		int applies = eval_when(&x, &d->when, why, sizeof(why));
		shuan_duty_item *it = NULL;
		if (applies != 1 ||
		    (d->schedule != SCHED_ASSESSMENTS && d->schedule != SCHED_INCIDENT_SUMMARIES)) {
			if ((rc = add_item(&v, d, &it)) != 0)
				break;
			snprintf(it->why, sizeof(it->why), "%s", why);
			if (applies == 0) {
				it->status = SHUAN_DUTY_NOT_APPLICABLE;
				continue;
			}
			if (applies < 0) {
				it->status = SHUAN_DUTY_UNKNOWN;
				if (inv && inv->important_candidates > 0 && strstr(why, "important data"))
					snprintf(it->detail, sizeof(it->detail),
					         "the latest inventory (%s) lists %d important-data "
					         "candidates: only the "
					         "authorities designate important data; state important_data "
					         "in the profile",
					         inv->run, inv->important_candidates);
				continue;
			}
		}
		switch (d->schedule) {
		case SCHED_EVERY_MONTHS:
			rc = item_every(&x, d, today, it);
			break;
		case SCHED_YEARLY_ON:
			rc = item_yearly(&x, d, today, it);
			break;
		case SCHED_ONGOING:
			it->status = SHUAN_DUTY_STANDING;
			snprintf(it->detail, sizeof(it->detail), "a standing duty");
			break;
		case SCHED_PERIODIC:
			it->status = SHUAN_DUTY_STANDING;
			snprintf(it->detail, sizeof(it->detail), "periodically (定期): no interval is set");
			break;
		case SCHED_PROVISION_RECORDS:
			rc = item_records(d, s, today.year, it, err, errlen);
			break;
		case SCHED_ASSESSMENTS:
			rc = items_assessments(r, &x, d, today, as_of, &v, &soft);
			break;
		case SCHED_INCIDENT_SUMMARIES:
			rc = items_incidents(r, d, s, as_of, &v, &soft, err, errlen);
			break;
		}
	}
	if (rc == SHUAN_ELIMIT)
		snprintf(err, errlen, "more than %d duty items", MAX_ITEMS);
	out->items = v.v;
	out->nitems = v.n;
	for (size_t i = 0; i < out->nitems; i++) {
		const shuan_duty_item *it = &out->items[i];
		if (it->basis.unverified && it->status != SHUAN_DUTY_NOT_APPLICABLE)
			out->unverified = true;
		if (it->status == SHUAN_DUTY_ERROR && !out->error[0])
			snprintf(out->error, sizeof(out->error), "%s", it->error);
	}
	if (rc != 0) {
		shuan_duties_result_free(out);
		return rc;
	}
	if (soft && errlen)
		snprintf(err, errlen, "%s", out->error);
	return soft;
}

void shuan_duties_result_free(shuan_duties_result *r)
{
	if (!r)
		return;
	shuan_free(r->items);
	r->items = NULL;
	r->nitems = 0;
}
