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

static void enum_or_dash(FILE *f, const char *key, int v)
{
	const char *const *names = shuan_incident_enum(key);
	fputs(v >= 0 && names ? names[v] : "-", f);
}

/* The member ,"key": with the name of value v of enum key (null when unset). */
static void json_enum(FILE *f, const char *key, int v)
{
	const char *const *names = shuan_incident_enum(key);
	fprintf(f, ",\"%s\":", key);
	shuan_json_cstring(f, v >= 0 && names ? names[v] : NULL);
}

static void json_flat_basis(FILE *f, const shuan_duty_basis *b)
{
	shuan_json_field(f, "\"basis\":", b->article);
	shuan_json_field(f, ",\"rule\":", b->rule);
	shuan_json_field(f, ",\"cites\":", b->cites);
	fprintf(f, ",\"unverified\":%s,\"note\":", b->unverified ? "true" : "false");
	shuan_json_cstring(f, b->note);
}

static void json_time(FILE *f, bool has, const shuan_time *t)
{
	char b[SHUAN_TIME_TEXT];
	if (!has) {
		fputs("null", f);
		return;
	}
	shuan_time_format(t, b);
	shuan_json_cstring(f, b);
}

static void json_facts(FILE *f, const shuan_incident_facts *x)
{
	fputs("{\"discovered\":", f);
	json_time(f, x->has_discovered, &x->discovered);
	json_enum(f, "type", x->type);
	json_enum(f, "data_grade", x->data_grade);
	shuan_duty__json_count(f, "pi_people", x->pi_people);
	shuan_duty__json_count(f, "spi_people", x->spi_people);
	shuan_duty__json_amount(f, "loss_cny", x->loss_cny);
	shuan_duty__json_amount(f, "outage_hours", x->outage_hours);
	json_enum(f, "domain", x->domain);
	json_enum(f, "role", x->role);
	json_enum(f, "regime", x->regime);
	json_enum(f, "threat", x->threat);
	json_enum(f, "production_impact", x->production_impact);
	json_enum(f, "outage_scope", x->outage_scope);
	fputs(",\"response_ended\":", f);
	json_time(f, x->has_response_ended, &x->response_ended);
	shuan_json_field(f, ",\"title\":", x->title);
	fputc('}', f);
}

static void json_grade_body(FILE *f, const shuan_incident_grade *g)
{
	char at[SHUAN_TIME_TEXT];
	shuan_time_format(&g->as_of, at);
	shuan_json_field(f, "\"as_of\":", at);
	shuan_json_field(f, ",\"level\":", shuan_incident_level_name(g->level));
	shuan_json_field(f, ",\"level_zh\":", shuan_incident_level_zh(g->level));
	shuan_json_field(f, ",\"response\":", g->response);
	shuan_json_field(f, ",\"warning\":", g->warning);
	fprintf(f, ",\"adjusted\":%s,\"regimes\":[", g->adjusted ? "true" : "false");
	for (size_t i = 0; i < g->nregimes; i++) {
		fprintf(f, "%s{\"regime\":", i ? "," : "");
		shuan_json_cstring(f, g->regimes[i].regime);
		shuan_json_field(f, ",\"title\":", g->regimes[i].title);
		fprintf(f, ",\"in_force\":%s,\"level\":", g->regimes[i].in_force ? "true" : "false");
		shuan_json_cstring(f, shuan_incident_level_name(g->regimes[i].level));
		fputc('}', f);
	}
	fputs("],\"criteria\":[", f);
	for (size_t i = 0; i < g->ncriteria; i++) {
		const shuan_incident_criterion *c = &g->criteria[i];
		fprintf(f, "%s{\"criterion\":", i ? "," : "");
		shuan_json_cstring(f, c->rule);
		shuan_json_field(f, ",\"regime\":", c->regime);
		shuan_json_field(f, ",\"level\":", shuan_incident_level_name(c->level));
		shuan_json_field(f, ",\"level_zh\":", shuan_incident_level_zh(c->level));
		shuan_json_field(f, ",\"title\":", c->title);
		shuan_json_field(f, ",\"detail\":", c->detail);
		fprintf(f, ",\"assumed\":%s,\"reference\":%s,", c->assumed ? "true" : "false",
		        c->reference ? "true" : "false");
		json_flat_basis(f, &c->basis);
		fputc('}', f);
	}
	fputs("],\"deadlines\":[", f);
	for (size_t i = 0; i < g->ndeadlines; i++) {
		const shuan_incident_deadline *d = &g->deadlines[i];
		fprintf(f, "%s{\"step\":", i ? "," : "");
		shuan_json_cstring(f, d->step);
		shuan_json_field(f, ",\"regime\":", d->regime);
		shuan_json_field(f, ",\"title\":", d->title);
		shuan_json_field(f, ",\"party\":", d->party);
		shuan_json_field(f, ",\"actors\":", d->actors);
		fprintf(f, ",\"yours\":%s,\"due\":", d->yours ? "true" : "false");
		json_time(f, d->has_due, &d->due);
		fprintf(f, ",\"immediate\":%s,\"end_of_day\":%s,\"status\":\"%s\",\"done_at\":",
		        d->immediate ? "true" : "false", d->end_of_day ? "true" : "false",
		        shuan_deadline_status_name(d->status));
		json_time(f, d->has_done, &d->done_at);
		shuan_json_field(f, ",\"reason\":", d->reason[0] ? d->reason : NULL);
		fputc(',', f);
		json_flat_basis(f, &d->basis);
		fputc('}', f);
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
			const shuan_incident_event *e = &inc->events[i];
			fprintf(f, "%s{\"id\":%lld,\"kind\":\"%s\",\"at\":", i ? "," : "", (long long)e->id,
			        e->kind);
			json_time(f, true, &e->at);
			shuan_json_field(f, ",\"recorded\":", e->recorded);
			shuan_json_field(f, ",\"detail\":", e->detail);
			fputc('}', f);
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
