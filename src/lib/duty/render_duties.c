/*
 * lib/duty/render_duties.c - writes the duties (shuan duties) as text, JSON
 * or Markdown: what applies with its due date, recurrence and citation
 * first (overdue, then due soon, then by date), then what is unknown and
 * what does not apply, each with the conditions that decided it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "util/json.h"

static int rank(shuan_duty_status s)
{
	static const int r[] = {
	    [SHUAN_DUTY_DUE] = 3,      [SHUAN_DUTY_DUE_SOON] = 1,       [SHUAN_DUTY_OVERDUE] = 0,
	    [SHUAN_DUTY_STANDING] = 4, [SHUAN_DUTY_NOT_APPLICABLE] = 6, [SHUAN_DUTY_UNKNOWN] = 5,
	    [SHUAN_DUTY_ERROR] = 2};
	return (unsigned)s < sizeof(r) / sizeof(r[0]) ? r[s] : 7;
}

/* The order items are written in (indexes into r->items). */
static size_t *order(const shuan_duties_result *r)
{
	size_t *ix = malloc((r->nitems + 1) * sizeof(*ix));
	if (!ix)
		return NULL;
	for (size_t i = 0; i < r->nitems; i++)
		ix[i] = i;
	/* insertion sort: stable, and lists are short */
	for (size_t i = 1; i < r->nitems; i++) {
		size_t k = ix[i], j = i;
		const shuan_duty_item *a = &r->items[k];
		while (j > 0) {
			const shuan_duty_item *b = &r->items[ix[j - 1]];
			int ra = rank(a->status), rb = rank(b->status);
			bool before = ra < rb ||
			              (ra == rb && a->has_due && b->has_due &&
			               shuan_date_days(a->due) < shuan_date_days(b->due)) ||
			              (ra == rb && a->has_due && !b->has_due);
			if (!before)
				break;
			ix[j] = ix[j - 1];
			j--;
		}
		ix[j] = k;
	}
	return ix;
}

static const char *label(shuan_duty_status s)
{
	switch (s) {
	case SHUAN_DUTY_OVERDUE:
		return "OVERDUE";
	case SHUAN_DUTY_DUE_SOON:
		return "DUE SOON";
	case SHUAN_DUTY_DUE:
		return "due";
	case SHUAN_DUTY_STANDING:
		return "standing";
	case SHUAN_DUTY_NOT_APPLICABLE:
		return "n/a";
	case SHUAN_DUTY_UNKNOWN:
		return "UNKNOWN";
	case SHUAN_DUTY_ERROR:
		return "ERROR";
	}
	return "?";
}

static void recurrence(const shuan_duty_item *it, char *buf, size_t len)
{
	if (it->every_months <= 0)
		snprintf(buf, len, "once");
	else if (it->every_months % 12 == 0)
		snprintf(buf, len, it->every_months == 12 ? "yearly" : "every %d years",
		         it->every_months / 12);
	else
		snprintf(buf, len, "every %d months", it->every_months);
}

static void write_json(FILE *f, const shuan_duties_result *r, const size_t *ix)
{
	char at[SHUAN_TIME_TEXT];
	shuan_time_format(&r->as_of, at);
	shuan_json_field(f, "{\"type\":\"duties\",\"schema_version\":1,\"as_of\":", at);
	fprintf(f, ",\"rules_rev\":%d,\"organisation\":", r->rules_rev);
	shuan_json_cstring(f, r->org_name);
	if (r->pi_people >= 0)
		fprintf(f, ",\"pi_people\":%lld", (long long)r->pi_people);
	else
		fputs(",\"pi_people\":null", f);
	shuan_json_field(f, ",\"pi_people_source\":", r->pi_people_source);
	shuan_json_field(f, ",\"inventory_run\":", r->inventory_run[0] ? r->inventory_run : NULL);
	fprintf(f, ",\"important_data\":%s,\"duties\":[",
	        r->important_data < 0 ? "null"
	        : r->important_data   ? "true"
	                              : "false");
	for (size_t n = 0; n < r->nitems; n++) {
		const shuan_duty_item *it = &r->items[ix[n]];
		char d[16], rec[32];
		fprintf(f, "%s{\"id\":", n ? "," : "");
		shuan_json_cstring(f, it->id);
		shuan_json_field(f, ",\"title\":", it->title);
		shuan_json_field(f, ",\"subject\":", it->subject[0] ? it->subject : NULL);
		shuan_json_field(f, ",\"status\":", shuan_duty_status_name(it->status));
		fputs(",\"due\":", f);
		if (it->has_due) {
			shuan_date_format(it->due, d, sizeof(d));
			shuan_json_cstring(f, d);
		} else {
			fputs("null", f);
		}
		fputs(",\"window_opens\":", f);
		if (it->has_window) {
			shuan_date_format(it->window_opens, d, sizeof(d));
			shuan_json_cstring(f, d);
		} else {
			fputs("null", f);
		}
		recurrence(it, rec, sizeof(rec));
		fprintf(f, ",\"every_months\":%d,\"recurrence\":", it->every_months);
		shuan_json_cstring(f, it->has_due ? rec : NULL);
		shuan_json_field(f, ",\"party\":", it->party);
		shuan_json_field(f, ",\"why\":", it->why[0] ? it->why : NULL);
		shuan_json_field(f, ",\"detail\":", it->detail[0] ? it->detail : NULL);
		shuan_json_field(f, ",\"error\":", it->error[0] ? it->error : NULL);
		fputc(',', f);
		shuan_duty__json_basis(f, &it->basis);
		fputc('}', f);
	}
	fprintf(f, "],\"unverified\":%s,\"error\":", r->unverified ? "true" : "false");
	shuan_json_cstring(f, r->error[0] ? r->error : NULL);
	fputs("}\n", f);
}

static void write_text(FILE *f, const shuan_duties_result *r, const size_t *ix, bool color)
{
	char at[SHUAN_TIME_TEXT], a[32];
	size_t na = 0;
	shuan_time_format(&r->as_of, at);
	fputs("shuan duties: ", f);
	shuan_duty__text(f, r->org_name ? r->org_name : "(unnamed organisation)");
	fprintf(f, " (as of %s)\n", at);
	shuan_duty__group(r->pi_people, a, sizeof(a));
	fprintf(f, "PI of %s people%s%s%s; important data: %s\n\n", r->pi_people >= 0 ? a : "? (unknown)",
	        r->pi_people_source ? " (from the " : "",
	        r->inventory_run[0]   ? r->inventory_run
	        : r->pi_people_source ? r->pi_people_source
	                              : "",
	        r->pi_people_source ? ")" : "",
	        r->important_data < 0 ? "not stated"
	        : r->important_data   ? "yes"
	                              : "no");
	for (size_t n = 0; n < r->nitems; n++) {
		const shuan_duty_item *it = &r->items[ix[n]];
		const char *c = it->status == SHUAN_DUTY_OVERDUE || it->status == SHUAN_DUTY_ERROR ? DUTY_RED
		                : it->status == SHUAN_DUTY_DUE_SOON || it->status == SHUAN_DUTY_UNKNOWN
		                    ? DUTY_YELLOW
		                    : "";
		char d[16] = "", rec[32] = "";
		if (it->status == SHUAN_DUTY_NOT_APPLICABLE) {
			na++;
			continue;
		}
		if (it->has_due) {
			shuan_date_format(it->due, d, sizeof(d));
			recurrence(it, rec, sizeof(rec));
		}
		fprintf(f, "%s%-9s%s %-10s %-14s ", color ? c : "", label(it->status),
		        color && *c ? DUTY_RESET : "", it->has_due ? d : "-", rec);
		shuan_duty__text(f, it->title);
		if (it->subject[0]) {
			fputs(" (", f);
			shuan_duty__text(f, it->subject);
			fputc(')', f);
		}
		fputc('\n', f);
		if (it->detail[0] || it->error[0]) {
			fputs("                                    ", f);
			shuan_duty__text(f, it->error[0] ? it->error : it->detail);
			fputc('\n', f);
		}
		fputs("                                   ", f);
		shuan_duty__text_basis(f, &it->basis);
		if (it->why[0]) {
			fputs("; ", f);
			shuan_duty__text(f, it->why);
		}
		fputc('\n', f);
	}
	if (na) {
		fputs("\nnot applicable:\n", f);
		for (size_t n = 0; n < r->nitems; n++) {
			const shuan_duty_item *it = &r->items[ix[n]];
			if (it->status != SHUAN_DUTY_NOT_APPLICABLE)
				continue;
			fprintf(f, "  %-30s ", it->id);
			shuan_duty__text(f, it->why);
			fputc('\n', f);
		}
	}
	if (r->unverified)
		fputs("\n[UNVERIFIED] marks a duty resting on a draft or on a fact not checked against the "
		      "official text: "
		      "a configurable default in rules/duty/, not law.\n",
		      f);
	if (r->error[0])
		fprintf(f, "%serror:%s %s\n", color ? DUTY_RED : "", color ? DUTY_RESET : "", r->error);
}

static void write_md(FILE *f, const shuan_duties_result *r, const size_t *ix)
{
	char at[SHUAN_TIME_TEXT];
	shuan_time_format(&r->as_of, at);
	fputs("# Duties: ", f);
	shuan_duty__md(f, r->org_name ? r->org_name : "(unnamed organisation)");
	fprintf(f,
	        "\n\nAs of %s.\n\n| Status | Due | Recurrence | Duty | Detail | Basis "
	        "|\n|---|---|---|---|---|---|\n",
	        at);
	for (size_t n = 0; n < r->nitems; n++) {
		const shuan_duty_item *it = &r->items[ix[n]];
		char d[16] = "-", rec[32] = "-";
		if (it->has_due) {
			shuan_date_format(it->due, d, sizeof(d));
			recurrence(it, rec, sizeof(rec));
		}
		fprintf(f, "| %s%s%s | %s | %s | ", it->status == SHUAN_DUTY_OVERDUE ? "**" : "",
		        label(it->status), it->status == SHUAN_DUTY_OVERDUE ? "**" : "", d, rec);
		shuan_duty__md(f, it->title);
		if (it->subject[0]) {
			fputs(" (", f);
			shuan_duty__md(f, it->subject);
			fputc(')', f);
		}
		fputs(" | ", f);
		shuan_duty__md(f, it->error[0] ? it->error : it->detail[0] ? it->detail : it->why);
		fputs(" | ", f);
		shuan_duty__md(f, it->basis.article);
		if (it->basis.cites) {
			fputs(" (`", f);
			shuan_duty__md(f, it->basis.cites);
			fputs("`)", f);
		}
		if (it->basis.unverified)
			fputs(" **[UNVERIFIED]**", f);
		fputs(" |\n", f);
	}
	if (r->unverified)
		fputs("\n**[UNVERIFIED]** marks a duty resting on a draft or on a fact not checked against "
		      "the official "
		      "text: a configurable default in `rules/duty/`, not law.\n",
		      f);
}

int shuan_duties_write(FILE *f, const shuan_duties_result *r, shuan_duty_format fmt, bool color)
{
	size_t *ix = order(r);
	if (!ix)
		return SHUAN_ENOMEM;
	if (fmt == SHUAN_DUTY_JSON)
		write_json(f, r, ix);
	else if (fmt == SHUAN_DUTY_MD)
		write_md(f, r, ix);
	else
		write_text(f, r, ix, color);
	free(ix);
	return ferror(f) ? SHUAN_EIO : 0;
}
