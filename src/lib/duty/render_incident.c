/*
 * lib/duty/render_incident.c - writes an incident grading (shuan incident
 * grade), a stored incident with its timeline (show) as text, JSON or
 * Markdown. JSON keys are a contract (docs/duty-engines.md): level,
 * response, warning, criteria [{criterion, level, basis}], deadlines
 * [{step, party, due, basis, unverified}], with further keys beside them.
 * On a terminal, overdue deadlines are red and those due soon yellow.
 */
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "util/json.h"

static const char *status_label(shuan_deadline_status s)
{
	switch (s) {
	case SHUAN_DEADLINE_OVERDUE:
		return "OVERDUE";
	case SHUAN_DEADLINE_DUE_SOON:
		return "DUE SOON";
	case SHUAN_DEADLINE_DONE:
		return "done";
	case SHUAN_DEADLINE_PENDING:
		return "pending";
	case SHUAN_DEADLINE_UNKNOWN:
		return "UNKNOWN";
	case SHUAN_DEADLINE_OPEN:
		return "open";
	}
	return "?";
}

/* The name of value v of enum key, NULL (JSON null) when unset. */
static const char *enum_name(const char *key, int v)
{
	const char *const *names = shuan_incident_enum(key);
	return v >= 0 && names ? names[v] : NULL;
}

static void enum_or_dash(FILE *f, const char *key, int v)
{
	const char *name = enum_name(key, v);
	fputs(name ? name : "-", f);
}

/* t as text in b, or NULL (JSON null) when there is none. */
static const char *time_text(bool has, const shuan_time *t, char b[SHUAN_TIME_TEXT])
{
	if (!has)
		return NULL;
	shuan_time_format(t, b);
	return b;
}

/* The members basis, rule, cites, unverified and note of one criterion or deadline. */
static void json_flat_basis(FILE *f, const shuan_duty_basis *b)
{
	const shuan_json_pair m[] = {
	    {"basis", SHUAN_JSON_STR, .s = b->article}, {"rule", SHUAN_JSON_STR, .s = b->rule},
	    {"cites", SHUAN_JSON_STR, .s = b->cites},   {"unverified", SHUAN_JSON_BOOL, .b = b->unverified},
	    {"note", SHUAN_JSON_STR, .s = b->note},
	};
	SHUAN_JSON_PAIRS(f, m);
}

static void json_facts(FILE *f, const shuan_incident_facts *x)
{
	char disc[SHUAN_TIME_TEXT], ended[SHUAN_TIME_TEXT];
	const shuan_json_pair m[] = {
	    {"discovered", SHUAN_JSON_STR, .s = time_text(x->has_discovered, &x->discovered, disc)},
	    {"type", SHUAN_JSON_STR, .s = enum_name("type", x->type)},
	    {"data_grade", SHUAN_JSON_STR, .s = enum_name("data_grade", x->data_grade)},
	    {"pi_people", SHUAN_JSON_COUNT, .i = x->pi_people},
	    {"spi_people", SHUAN_JSON_COUNT, .i = x->spi_people},
	    {"loss_cny", SHUAN_JSON_AMOUNT, .d = x->loss_cny},
	    {"outage_hours", SHUAN_JSON_AMOUNT, .d = x->outage_hours},
	    {"domain", SHUAN_JSON_STR, .s = enum_name("domain", x->domain)},
	    {"role", SHUAN_JSON_STR, .s = enum_name("role", x->role)},
	    {"regime", SHUAN_JSON_STR, .s = enum_name("regime", x->regime)},
	    {"threat", SHUAN_JSON_STR, .s = enum_name("threat", x->threat)},
	    {"production_impact", SHUAN_JSON_STR, .s = enum_name("production_impact", x->production_impact)},
	    {"outage_scope", SHUAN_JSON_STR, .s = enum_name("outage_scope", x->outage_scope)},
	    {"response_ended", SHUAN_JSON_STR,
	     .s = time_text(x->has_response_ended, &x->response_ended, ended)},
	    {"title", SHUAN_JSON_STR, .s = x->title},
	};
	SHUAN_JSON_OBJECT(f, m);
}

static void json_regime(FILE *f, const shuan_incident_regime_result *r)
{
	const shuan_json_pair m[] = {
	    {"regime", SHUAN_JSON_STR, .s = r->regime},
	    {"title", SHUAN_JSON_STR, .s = r->title},
	    {"in_force", SHUAN_JSON_BOOL, .b = r->in_force},
	    {"level", SHUAN_JSON_STR, .s = shuan_incident_level_name(r->level)},
	};
	SHUAN_JSON_OBJECT(f, m);
}

/* The object of members m[0..n) followed by the basis members of b. */
static void json_with_basis(FILE *f, const shuan_json_pair *m, size_t n, const shuan_duty_basis *b)
{
	fputc('{', f);
	shuan_json_pairs(f, m, n);
	fputc(',', f);
	json_flat_basis(f, b);
	fputc('}', f);
}

static void json_criterion(FILE *f, const shuan_incident_criterion *c)
{
	const shuan_json_pair m[] = {
	    {"criterion", SHUAN_JSON_STR, .s = c->rule},
	    {"regime", SHUAN_JSON_STR, .s = c->regime},
	    {"level", SHUAN_JSON_STR, .s = shuan_incident_level_name(c->level)},
	    {"level_zh", SHUAN_JSON_STR, .s = shuan_incident_level_zh(c->level)},
	    {"title", SHUAN_JSON_STR, .s = c->title},
	    {"detail", SHUAN_JSON_STR, .s = c->detail},
	    {"assumed", SHUAN_JSON_BOOL, .b = c->assumed},
	    {"reference", SHUAN_JSON_BOOL, .b = c->reference},
	};
	json_with_basis(f, m, sizeof(m) / sizeof(m[0]), &c->basis);
}

static void json_deadline(FILE *f, const shuan_incident_deadline *d)
{
	char due[SHUAN_TIME_TEXT], done[SHUAN_TIME_TEXT];
	const shuan_json_pair m[] = {
	    {"step", SHUAN_JSON_STR, .s = d->step},
	    {"regime", SHUAN_JSON_STR, .s = d->regime},
	    {"title", SHUAN_JSON_STR, .s = d->title},
	    {"party", SHUAN_JSON_STR, .s = d->party},
	    {"actors", SHUAN_JSON_STR, .s = d->actors},
	    {"yours", SHUAN_JSON_BOOL, .b = d->yours},
	    {"due", SHUAN_JSON_STR, .s = time_text(d->has_due, &d->due, due)},
	    {"immediate", SHUAN_JSON_BOOL, .b = d->immediate},
	    {"end_of_day", SHUAN_JSON_BOOL, .b = d->end_of_day},
	    {"status", SHUAN_JSON_STR, .s = shuan_deadline_status_name(d->status)},
	    {"done_at", SHUAN_JSON_STR, .s = time_text(d->has_done, &d->done_at, done)},
	    {"reason", SHUAN_JSON_STR, .s = d->reason[0] ? d->reason : NULL},
	};
	json_with_basis(f, m, sizeof(m) / sizeof(m[0]), &d->basis);
}

static void json_event(FILE *f, const shuan_incident_event *e)
{
	char at[SHUAN_TIME_TEXT];
	const shuan_json_pair m[] = {
	    {"id", SHUAN_JSON_COUNT, .i = e->id},
	    {"kind", SHUAN_JSON_STR, .s = e->kind},
	    {"at", SHUAN_JSON_STR, .s = time_text(true, &e->at, at)},
	    {"recorded", SHUAN_JSON_STR, .s = e->recorded},
	    {"detail", SHUAN_JSON_STR, .s = e->detail},
	};
	SHUAN_JSON_OBJECT(f, m);
}

static void json_grade_body(FILE *f, const shuan_incident_grade *g)
{
	char at[SHUAN_TIME_TEXT];
	const shuan_json_pair m[] = {
	    {"as_of", SHUAN_JSON_STR, .s = time_text(true, &g->as_of, at)},
	    {"level", SHUAN_JSON_STR, .s = shuan_incident_level_name(g->level)},
	    {"level_zh", SHUAN_JSON_STR, .s = shuan_incident_level_zh(g->level)},
	    {"response", SHUAN_JSON_STR, .s = g->response},
	    {"warning", SHUAN_JSON_STR, .s = g->warning},
	    {"adjusted", SHUAN_JSON_BOOL, .b = g->adjusted},
	};
	SHUAN_JSON_PAIRS(f, m);
	fputs(",\"regimes\":[", f);
	for (size_t i = 0; i < g->nregimes; i++) {
		fputs(i ? "," : "", f);
		json_regime(f, &g->regimes[i]);
	}
	fputs("],\"criteria\":[", f);
	for (size_t i = 0; i < g->ncriteria; i++) {
		fputs(i ? "," : "", f);
		json_criterion(f, &g->criteria[i]);
	}
	fputs("],\"deadlines\":[", f);
	for (size_t i = 0; i < g->ndeadlines; i++) {
		fputs(i ? "," : "", f);
		json_deadline(f, &g->deadlines[i]);
	}
	fputs("],\"notes\":[", f);
	for (size_t i = 0; i < g->nnotes; i++) {
		fputs(i ? "," : "", f);
		shuan_json_cstring(f, g->notes[i]);
	}
	fprintf(f, "],\"unverified\":%s,\"error\":", g->unverified ? "true" : "false");
	shuan_json_cstring(f, g->error[0] ? g->error : NULL);
}

static void text_due(FILE *f, const shuan_incident_deadline *d)
{
	char t[SHUAN_TIME_TEXT];
	if (!d->has_due) {
		fprintf(f, "%-25s",
		        d->status == SHUAN_DEADLINE_PENDING ? "when the response ends" : "not computed");
		return;
	}
	shuan_time_format(&d->due, t);
	fprintf(f, "%-25s", t);
}

static void text_facts(FILE *f, const shuan_incident_facts *x)
{
	char t[SHUAN_TIME_TEXT], a[32], b[32];
	shuan_time_format(&x->discovered, t);
	fprintf(f, "discovered  %s  type ", t);
	enum_or_dash(f, "type", x->type);
	fputs("  data grade ", f);
	enum_or_dash(f, "data_grade", x->data_grade);
	fputs("  domain ", f);
	enum_or_dash(f, "domain", x->domain);
	fputs("  role ", f);
	enum_or_dash(f, "role", x->role);
	fputc('\n', f);
	shuan_duty__group(x->pi_people, a, sizeof(a));
	shuan_duty__group(x->spi_people, b, sizeof(b));
	fprintf(f, "people      %s with PI, %s with sensitive PI", x->pi_people >= 0 ? a : "-",
	        x->spi_people >= 0 ? b : "-");
	if (x->loss_cny >= 0) {
		shuan_duty__group((int64_t)x->loss_cny, a, sizeof(a));
		fprintf(f, "   loss CNY %s", a);
	}
	if (x->outage_hours >= 0)
		fprintf(f, "   outage %g h", x->outage_hours);
	if (x->has_response_ended) {
		shuan_time_format(&x->response_ended, t);
		fprintf(f, "   response ended %s", t);
	}
	fputc('\n', f);
}

static void text_grade(FILE *f, const shuan_incident_grade *g, bool color)
{
	const char *lc = g->level >= SHUAN_INCIDENT_MAJOR         ? DUTY_RED
	                 : g->level == SHUAN_INCIDENT_SIGNIFICANT ? DUTY_YELLOW
	                                                          : "";
	fprintf(f, "\n%s%sLEVEL: %s (%s)%s", color ? DUTY_BOLD : "", color ? lc : "",
	        shuan_incident_level_zh(g->level), shuan_incident_level_name(g->level),
	        color ? DUTY_RESET : "");
	if (g->response)
		fprintf(f, " · response %s · warning %s", g->response, g->warning);
	if (g->adjusted)
		fputs(" (adjusted on the timeline)", f);
	fputc('\n', f);
	for (size_t i = 0; i < g->nregimes; i++)
		fprintf(f, "  %-5s %s%s  ", g->regimes[i].regime,
		        shuan_incident_level_zh(g->regimes[i].level),
		        g->regimes[i].in_force ? "" : " (not in force at discovery)");
	fputs("\n\ncriteria matched (any one suffices; the highest wins):\n", f);
	for (size_t i = 0; i < g->ncriteria; i++) {
		const shuan_incident_criterion *c = &g->criteria[i];
		fprintf(f, "  %-8s %-5s %-24s ", shuan_incident_level_zh(c->level), c->regime, c->rule);
		if (c->reference)
			fputs("(not in force: for reference) ", f);
		shuan_duty__text(f, c->detail);
		shuan_duty__text_basis(f, &c->basis);
		if (c->basis.note) {
			fputs(" (", f);
			shuan_duty__text(f, c->basis.note);
			fputc(')', f);
		}
		fputc('\n', f);
	}
	fputs("\ndeadlines (overdue first; times in the discovery's zone; working days per the PRC "
	      "calendar):\n",
	      f);
	if (!g->ndeadlines)
		fputs("  none at this level\n", f);
	for (size_t i = 0; i < g->ndeadlines; i++) {
		const shuan_incident_deadline *d = &g->deadlines[i];
		/* colour marks what you must act on: your own overdue or due-soon steps */
		const char *c = !d->yours                              ? ""
		                : d->status == SHUAN_DEADLINE_OVERDUE  ? DUTY_RED
		                : d->status == SHUAN_DEADLINE_DUE_SOON ? DUTY_YELLOW
		                                                       : "";
		fprintf(f, "  %s%-8s%s ", color ? c : "", status_label(d->status),
		        color && *c ? DUTY_RESET : "");
		text_due(f, d);
		fprintf(f, " %s%-5s %s -> ",
		        d->immediate    ? "immediately "
		        : d->end_of_day ? "end of day "
		                        : "",
		        d->regime, d->step);
		shuan_duty__text(f, d->party);
		fprintf(f, " %s", d->yours ? "[yours]" : "[");
		if (!d->yours) {
			fputs(d->actors, f);
			fputc(']', f);
		}
		shuan_duty__text_basis(f, &d->basis);
		fputc('\n', f);
		if (d->has_done) {
			char t[SHUAN_TIME_TEXT];
			shuan_time_format(&d->done_at, t);
			fprintf(f, "           done %s\n", t);
		}
		if (d->reason[0] && d->status != SHUAN_DEADLINE_DONE)
			fprintf(f, "           %s\n", d->reason);
	}
	if (g->nnotes)
		fputc('\n', f);
	shuan_duty__text_footer(f, g->notes, g->nnotes, g->unverified, g->error, color);
}

static void md_grade(FILE *f, const shuan_incident_grade *g)
{
	char at[SHUAN_TIME_TEXT];
	shuan_time_format(&g->as_of, at);
	fprintf(f, "**Level: %s (%s)**", shuan_incident_level_zh(g->level),
	        shuan_incident_level_name(g->level));
	if (g->response)
		fprintf(f, " · response %s · warning %s", g->response, g->warning);
	fprintf(f, "%s. As of %s.\n\n", g->adjusted ? " (adjusted on the timeline)" : "", at);
	fputs(
	    "## Criteria matched\n\n| Level | Regime | Criterion | Why | Article |\n|---|---|---|---|---|\n",
	    f);
	for (size_t i = 0; i < g->ncriteria; i++) {
		const shuan_incident_criterion *c = &g->criteria[i];
		fprintf(f, "| %s | %s | `%s` | ", shuan_incident_level_zh(c->level), c->regime, c->rule);
		shuan_duty__md(f, c->detail);
		fputs(" | ", f);
		shuan_duty__md_basis(f, &c->basis, true);
		fputs(" |\n", f);
	}
	fputs("\n## Deadlines\n\n| Status | Due | Step | To | Who | Article |\n|---|---|---|---|---|---|\n",
	      f);
	for (size_t i = 0; i < g->ndeadlines; i++) {
		const shuan_incident_deadline *d = &g->deadlines[i];
		char t[SHUAN_TIME_TEXT] = "";
		if (d->has_due)
			shuan_time_format(&d->due, t);
		fprintf(f, "| %s | %s%s | %s: ",
		        d->status == SHUAN_DEADLINE_OVERDUE ? "**OVERDUE**" : status_label(d->status),
		        d->has_due                            ? t
		        : d->status == SHUAN_DEADLINE_PENDING ? "when the response ends"
		                                              : "not computed",
		        d->immediate ? " (immediately)" : "", d->regime);
		shuan_duty__md(f, d->title);
		fputs(" | ", f);
		shuan_duty__md(f, d->party);
		fprintf(f, " | %s%s | ", d->yours ? "**you**: " : "", d->actors);
		shuan_duty__md_basis(f, &d->basis, true);
		fputs(" |\n", f);
	}
	if (g->nnotes || g->unverified || g->error[0]) {
		fputs("\n## Notes\n\n", f);
		shuan_duty__md_notes(f, g->notes, g->nnotes, g->unverified, g->error);
	}
}

int shuan_incident_grade_write(FILE *f, const shuan_incident_grade *g, const shuan_incident_facts *x,
                               shuan_duty_format fmt, bool color)
{
	char at[SHUAN_TIME_TEXT];
	switch (fmt) {
	case SHUAN_DUTY_JSON:
		fputs("{\"type\":\"incident_grade\",\"schema_version\":1,\"facts\":", f);
		json_facts(f, x);
		fputc(',', f);
		json_grade_body(f, g);
		fputs("}\n", f);
		break;
	case SHUAN_DUTY_MD:
		fputs("# 数据安全事件 grading\n\n", f);
		md_grade(f, g);
		break;
	default:
		shuan_time_format(&g->as_of, at);
		fprintf(f, "shuan incident: 数据安全事件 grading (as of %s)\n", at);
		text_facts(f, x);
		text_grade(f, g, color);
		break;
	}
	return ferror(f) ? SHUAN_EIO : 0;
}

int shuan_incident_show_write(FILE *f, const shuan_incident *inc, const shuan_incident_grade *g,
                              shuan_duty_format fmt, bool color)
{
	switch (fmt) {
	case SHUAN_DUTY_JSON:
		fprintf(f, "{\"type\":\"incident\",\"schema_version\":1,\"id\":%lld,\"created\":",
		        (long long)inc->id);
		shuan_json_cstring(f, inc->created);
		fprintf(f, ",\"closed\":%s,\"facts\":", inc->closed ? "true" : "false");
		json_facts(f, &inc->facts);
		fputc(',', f);
		json_grade_body(f, g);
		fputs(",\"timeline\":[", f);
		for (size_t i = 0; i < inc->nevents; i++) {
			fputs(i ? "," : "", f);
			json_event(f, &inc->events[i]);
		}
		fputs("]}\n", f);
		break;
	case SHUAN_DUTY_MD:
		fprintf(f, "# Incident #%lld", (long long)inc->id);
		if (inc->facts.title) {
			fputs(": ", f);
			shuan_duty__md(f, inc->facts.title);
		}
		fprintf(f, "%s\n\n", inc->closed ? " (closed)" : "");
		md_grade(f, g);
		fputs("\n## Timeline\n\n| At | Event | Detail | Recorded |\n|---|---|---|---|\n", f);
		for (size_t i = 0; i < inc->nevents; i++) {
			const shuan_incident_event *e = &inc->events[i];
			char t[SHUAN_TIME_TEXT];
			shuan_time_format(&e->at, t);
			fprintf(f, "| %s | %s | ", t, e->kind);
			shuan_duty__md(f,
			               !strcmp(e->kind, "discovered") ? "(facts at discovery)" : e->detail);
			fprintf(f, " | %s |\n", e->recorded);
		}
		break;
	default:
		fprintf(f, "incident #%lld%s  ", (long long)inc->id, inc->closed ? " (closed)" : "");
		shuan_duty__text(f, inc->facts.title ? inc->facts.title : "");
		fprintf(f, "\ncreated     %s\n", inc->created);
		text_facts(f, &inc->facts);
		text_grade(f, g, color);
		fputs("\ntimeline (append-only):\n", f);
		for (size_t i = 0; i < inc->nevents; i++) {
			const shuan_incident_event *e = &inc->events[i];
			char t[SHUAN_TIME_TEXT];
			shuan_time_format(&e->at, t);
			fprintf(f, "  %s  %-17s ", t, e->kind);
			if (e->detail && strcmp(e->kind, "discovered") && strcmp(e->kind, "facts_updated"))
				shuan_duty__text(f, e->detail);
			else if (!strcmp(e->kind, "facts_updated"))
				fputs("(facts changed)", f);
			fprintf(f, "  (recorded %s)\n", e->recorded);
		}
		break;
	}
	return ferror(f) ? SHUAN_EIO : 0;
}
