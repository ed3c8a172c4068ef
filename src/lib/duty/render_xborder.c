/*
 * lib/duty/render_xborder.c - writes a cross-border assessment and a ledger
 * year as text, JSON or Markdown. The JSON keys are a contract
 * (docs/duty-engines.md): pathway, exemption, basis, counts, exemptions,
 * triggers, thresholds, warnings, duties, validity, notes, unverified.
 */
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "util/json.h"

static const char *pathway_label(shuan_xborder_pathway p)
{
	switch (p) {
	case SHUAN_XBORDER_EXEMPT:
		return "exempt (no assessment, standard contract or certification needed)";
	case SHUAN_XBORDER_STANDARD_CONTRACT:
		return "standard contract or PI protection certification";
	case SHUAN_XBORDER_ASSESSMENT:
		return "CAC security assessment";
	}
	return "?";
}

static void date_str(shuan_date d, char *buf)
{
	shuan_date_format(d, buf, 16);
}

static void json_date_or_null(FILE *f, bool has, shuan_date d)
{
	char b[16];
	if (!has) {
		fputs("null", f);
		return;
	}
	date_str(d, b);
	shuan_json_cstring(f, b);
}

static void json_rule_list(FILE *f, const shuan_xborder_result *r, const shuan_xborder_rule_result *v,
                           size_t n, bool exemption)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{" : "{", f);
		fputs(exemption ? "\"exemption\":" : "\"pathway\":", f);
		shuan_json_cstring(f, exemption ? v[i].id : shuan_xborder_pathway_name(v[i].pathway));
		shuan_json_field(f, ",\"title\":", v[i].title);
		fprintf(f, ",\"applies\":%s,\"basis\":{", v[i].applies ? "true" : "false");
		shuan_duty__json_basis(f, &v[i].basis);
		fputs("},\"conditions\":[", f);
		for (size_t k = 0; k < v[i].nchecks; k++) {
			const shuan_xborder_check *c = &r->checks[v[i].first_check + k];
			fputs(k ? ",{\"test\":" : "{\"test\":", f);
			shuan_json_cstring(f, c->test);
			fprintf(f, ",\"met\":%s,\"detail\":", c->met ? "true" : "false");
			shuan_json_cstring(f, c->detail);
			fputs(",\"basis\":{", f);
			shuan_duty__json_basis(f, &c->basis);
			fputs("}}", f);
		}
		fputs("]}", f);
	}
	fputc(']', f);
}

/* A threshold's count, the threshold and what remains, grouped in thousands
 * (buffers of GROUP_TEXT bytes): the text, the Markdown and the warning show
 * all three. */
#define GROUP_TEXT 32
static void threshold_groups(const shuan_xborder_threshold_result *th, char *v, char *a, char *rem)
{
	shuan_duty__group(th->value, v, GROUP_TEXT);
	shuan_duty__group(th->at_least, a, GROUP_TEXT);
	shuan_duty__group(th->remaining, rem, GROUP_TEXT);
}

/* The transfer's four people counts grouped (GROUP_TEXT bytes each), and the
 * words for where they came from. */
static const char *people_groups(const shuan_xborder_result *r, char *pi, char *spi, char *ytd_pi,
                                 char *ytd_spi)
{
	shuan_duty__group(r->counts.pi, pi, GROUP_TEXT);
	shuan_duty__group(r->counts.spi, spi, GROUP_TEXT);
	shuan_duty__group(r->counts.ytd_pi, ytd_pi, GROUP_TEXT);
	shuan_duty__group(r->counts.ytd_spi, ytd_spi, GROUP_TEXT);
	return r->counts.source && !strcmp(r->counts.source, "data") ? "counted from the data"
	                                                             : "explicit counts";
}

static void warning_text(const shuan_xborder_threshold_result *th, int year, char *buf, size_t len)
{
	char v[GROUP_TEXT], a[GROUP_TEXT], rem[GROUP_TEXT];
	threshold_groups(th, v, a, rem);
	snprintf(buf, len,
	         "%s people with %s since 1 January %d: %.0f%% of the %s threshold (%s to go) for %s", v,
	         strcmp(th->count, "spi") ? "PI" : "sensitive PI", year, th->ratio * 100, a, rem,
	         shuan_xborder_pathway_name(th->pathway));
}

/* "issued …, valid through …; extension window … to …" (or why not). */
static void validity_dates(const shuan_xborder_result *r, char *buf, size_t len)
{
	char i1[16], e1[16], w1[16];
	if (!r->validity.has_expiry) {
		snprintf(buf, len,
		         "(give assessment_issued in the transfer to compute the expiry and the window)");
		return;
	}
	date_str(r->validity.issued, i1);
	date_str(r->validity.expires, e1);
	date_str(r->validity.window_opens, w1);
	if (r->validity.has_window)
		snprintf(buf, len, "issued %s, valid through %s; extension window %s to %s", i1, e1, w1, e1);
	else
		snprintf(buf, len, "issued %s, valid through %s; extension window: %.300s", i1, e1,
		         r->validity.window_note[0] ? r->validity.window_note
		                                    : "not computed (see the error)");
}

static void write_json(FILE *f, const shuan_xborder_result *r, const shuan_org *org, const shuan_transfer *t)
{
	char at[SHUAN_TIME_TEXT], b[16];
	shuan_time_format(&r->as_of, at);
	shuan_json_field(f, "{\"type\":\"xborder_assessment\",\"schema_version\":1,\"as_of\":", at);
	fprintf(f, ",\"rules_rev\":%d,\"pathway\":", r->rules_rev);
	shuan_json_cstring(f, shuan_xborder_pathway_name(r->pathway));
	shuan_json_field(f, ",\"exemption\":", r->exemption);
	fputs(",\"basis\":{", f);
	shuan_duty__json_basis(f, &r->pathway_basis);
	shuan_json_field(f, "},\"organisation\":{\"name\":", org->name);
	fprintf(f, ",\"ciio\":%s,\"ftz\":", org->ciio ? "true" : "false");
	shuan_json_cstring(f, org->ftz);
	shuan_json_field(f, ",\"industry\":", org->industry);
	date_str(t->date, b);
	shuan_json_field(f, "},\"transfer\":{\"date\":", b);
	shuan_json_field(f, ",\"recipient\":", t->recipient);
	shuan_json_field(f, ",\"country\":", t->country);
	shuan_json_field(f, ",\"purpose\":", t->purpose);
	shuan_json_field(f, ",\"basis\":", t->basis);
	shuan_json_field(f, ",\"subjects\":", t->subjects);
	fprintf(f,
	        ",\"collected_abroad\":%s,\"domestic_pi_added\":%s,\"important_data\":%s,\"on_negative_"
	        "list\":%s",
	        t->collected_abroad ? "true" : "false", t->domestic_pi_added ? "true" : "false",
	        t->important_data ? "true" : "false",
	        t->on_negative_list < 0 ? "null"
	        : t->on_negative_list   ? "true"
	                                : "false");
	fputs(",\"data_categories\":[", f);
	for (size_t i = 0; i < t->ndata_categories; i++) {
		fputs(i ? "," : "", f);
		shuan_json_cstring(f, t->data_categories[i]);
	}
	fputs("]}", f);
	fprintf(
	    f,
	    ",\"counts\":{\"source\":\"%s\",\"pi_people\":%lld,\"spi_people\":%lld,\"ytd_pi_people\":%lld,"
	    "\"ytd_spi_people\":%lld,\"year\":%d,\"since\":\"%04d-01-01\",\"prior_transfers\":%zu,"
	    "\"prior_without_people\":%zu,\"exact\":%s,\"error_bound\":%g,\"basis\":{",
	    r->counts.source ? r->counts.source : "explicit", (long long)r->counts.pi,
	    (long long)r->counts.spi, (long long)r->counts.ytd_pi, (long long)r->counts.ytd_spi,
	    r->counts.year, r->counts.year, r->counts.prior_transfers, r->counts.prior_without_people,
	    r->counts.exact ? "true" : "false", r->counts.error_bound);
	shuan_duty__json_basis(f, &r->counting_basis);
	fputs("}},\"exemptions\":", f);
	json_rule_list(f, r, r->exemptions, r->nexemptions, true);
	fputs(",\"triggers\":", f);
	json_rule_list(f, r, r->triggers, r->ntriggers, false);
	fputs(",\"thresholds\":[", f);
	for (size_t i = 0; i < r->nthresholds; i++) {
		const shuan_xborder_threshold_result *th = &r->thresholds[i];
		fprintf(f, "%s{\"rule\":", i ? "," : "");
		shuan_json_cstring(f, th->basis.rule);
		shuan_json_field(f, ",\"title\":", th->title);
		fprintf(f,
		        ",\"count\":\"%s\",\"value\":%lld,\"at_least\":%lld,\"relevant\":%s,\"met\":%s,"
		        "\"remaining\":%lld,"
		        "\"ratio\":%.4f,\"warning\":%s,\"pathway\":\"%s\",\"basis\":{",
		        th->count, (long long)th->value, (long long)th->at_least,
		        th->relevant ? "true" : "false", th->met ? "true" : "false", (long long)th->remaining,
		        th->ratio, th->warning ? "true" : "false", shuan_xborder_pathway_name(th->pathway));
		shuan_duty__json_basis(f, &th->basis);
		fputs("}}", f);
	}
	fprintf(f, "],\"warn_ratio\":%g,\"warnings\":[", r->warn_ratio);
	for (size_t i = 0, k = 0; i < r->nthresholds; i++)
		if (r->thresholds[i].warning) {
			char w[256];
			warning_text(&r->thresholds[i], r->counts.year, w, sizeof(w));
			fputs(k++ ? "," : "", f);
			shuan_json_cstring(f, w);
		}
	fputs("],\"duties\":[", f);
	for (size_t i = 0; i < r->nduties; i++) {
		const shuan_xborder_duty *d = &r->duties[i];
		fputs(i ? ",{\"title\":" : "{\"title\":", f);
		shuan_json_cstring(f, d->title);
		fputs(",\"due\":", f);
		json_date_or_null(f, d->has_due, d->due);
		shuan_json_field(f, ",\"detail\":", d->detail[0] ? d->detail : NULL);
		fputc(',', f);
		shuan_duty__json_basis(f, &d->basis);
		fputc('}', f);
	}
	fputs("],\"validity\":", f);
	if (!r->validity.applies) {
		fputs("null", f);
	} else {
		fprintf(f, "{\"years\":%d,\"extension_working_days\":%d,\"extension_years\":%d,\"issued\":",
		        r->validity.years, r->validity.extension_working_days, r->validity.extension_years);
		json_date_or_null(f, r->validity.has_expiry, r->validity.issued);
		fputs(",\"expires\":", f);
		json_date_or_null(f, r->validity.has_expiry, r->validity.expires);
		shuan_json_field(
		    f, ",\"window_note\":", r->validity.window_note[0] ? r->validity.window_note : NULL);
		fputs(",\"extension_window\":", f);
		if (r->validity.has_window) {
			fputs("{\"opens\":", f);
			json_date_or_null(f, true, r->validity.window_opens);
			fputs(",\"closes\":", f);
			json_date_or_null(f, true, r->validity.expires);
			fputc('}', f);
		} else {
			fputs("null", f);
		}
		fputs(",\"basis\":{", f);
		shuan_duty__json_basis(f, &r->validity.basis);
		fputs("}}", f);
	}
	fputs(",\"notes\":[", f);
	for (size_t i = 0; i < r->nnotes; i++) {
		fputs(i ? "," : "", f);
		shuan_json_cstring(f, r->notes[i]);
	}
	fprintf(f, "],\"unverified\":%s,\"error\":", r->unverified ? "true" : "false");
	shuan_json_cstring(f, r->error[0] ? r->error : NULL);
	fputs("}\n", f);
}

static void text_people(FILE *f, const shuan_xborder_result *r)
{
	char a[GROUP_TEXT], b[GROUP_TEXT], c[GROUP_TEXT], d[GROUP_TEXT];
	const char *from = people_groups(r, a, b, c, d);
	fprintf(f, "people        this transfer: %s with PI, %s with sensitive PI (%s)\n", a, b, from);
	fprintf(
	    f,
	    "              since 1 January %d: %s with PI, %s with sensitive PI (%zu earlier transfer%s%s)\n",
	    r->counts.year, c, d, r->counts.prior_transfers, r->counts.prior_transfers == 1 ? "" : "s",
	    r->counts.exact ? "" : "; not exact");
}

static void write_text(FILE *f, const shuan_xborder_result *r, const shuan_org *org, const shuan_transfer *t,
                       bool color)
{
	char at[SHUAN_TIME_TEXT], b[16], vd[512];
	const char *pc = r->pathway == SHUAN_XBORDER_ASSESSMENT          ? DUTY_RED
	                 : r->pathway == SHUAN_XBORDER_STANDARD_CONTRACT ? DUTY_YELLOW
	                                                                 : DUTY_GREEN;
	shuan_time_format(&r->as_of, at);
	date_str(t->date, b);
	fprintf(f, "shuan xborder: 数据出境路径 (as of %s)\n\n", at);
	fputs("organisation  ", f);
	shuan_duty__text(f, org->name ? org->name : "(unnamed)");
	fprintf(f, " (%s%s%s)\n", org->ciio ? "a CIIO" : "not a CIIO",
	        org->ftz ? ", in the free trade zone " : "", org->ftz ? org->ftz : "");
	fprintf(f, "transfer      %s to ", b);
	shuan_duty__text(f, t->recipient ? t->recipient : "(recipient not named)");
	if (t->country) {
		fputs(" (", f);
		shuan_duty__text(f, t->country);
		fputc(')', f);
	}
	fprintf(f, ": purpose %s, basis %s, subjects %s%s\n", t->purpose, t->basis, t->subjects,
	        t->important_data ? ", important data" : "");
	text_people(f, r);
	fprintf(f, "\n%sPATHWAY: %s%s\n", color ? pc : "", pathway_label(r->pathway),
	        color ? DUTY_RESET : "");
	if (r->exemption)
		fprintf(f, "  exemption %s", r->exemption);
	else
		fputs("  set by", f);
	fputs(" ", f);
	shuan_duty__text(f, r->pathway_basis.rule);
	shuan_duty__text_basis(f, &r->pathway_basis);
	fputc('\n', f);

	fputs("\nexemptions (every condition must hold):\n", f);
	for (size_t i = 0; i < r->nexemptions; i++) {
		const shuan_xborder_rule_result *e = &r->exemptions[i];
		fprintf(f, "  %-24s %s  ", e->id, e->applies ? "APPLIES" : "no     ");
		shuan_duty__text(f, e->title);
		shuan_duty__text_basis(f, &e->basis);
		fputc('\n', f);
		for (size_t k = 0; k < e->nchecks; k++) {
			const shuan_xborder_check *c = &r->checks[e->first_check + k];
			fprintf(f, "      %s %s", c->met ? "[x]" : "[ ]", c->detail);
			if (c->basis.article && e->basis.article &&
			    strcmp(c->basis.article, e->basis.article))
				shuan_duty__text_basis(f, &c->basis);
			fputc('\n', f);
		}
	}
	fputs("\ntriggers (whatever the volume):\n", f);
	for (size_t i = 0; i < r->ntriggers; i++) {
		const shuan_xborder_rule_result *g = &r->triggers[i];
		fprintf(f, "  %-24s %s  ", g->id, g->applies ? "MET" : "no ");
		shuan_duty__text(f, g->title);
		fprintf(f, " -> %s", shuan_xborder_pathway_name(g->pathway));
		shuan_duty__text_basis(f, &g->basis);
		fputc('\n', f);
	}
	fprintf(f, "\nthresholds (people since 1 January %d; 以上 includes the number, 不满 excludes it):\n",
	        r->counts.year);
	for (size_t i = 0; i < r->nthresholds; i++) {
		const shuan_xborder_threshold_result *th = &r->thresholds[i];
		char v[GROUP_TEXT], a[GROUP_TEXT], rem[GROUP_TEXT];
		const char *mark = th->met ? "MET " : th->warning ? "WARN" : !th->relevant ? "n/a " : "    ";
		threshold_groups(th, v, a, rem);
		fprintf(f, "  %s%s%s %-3s %12s / %-10s",
		        color && th->warning ? DUTY_YELLOW
		        : color && th->met   ? pc
		                             : "",
		        mark, color && (th->warning || th->met) ? DUTY_RESET : "", th->count, v, a);
		if (th->met)
			fputs("  reached     ", f);
		else
			fprintf(f, "  %s to go", rem);
		fprintf(f, " -> %s", shuan_xborder_pathway_name(th->pathway));
		shuan_duty__text_basis(f, &th->basis);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->nthresholds; i++)
		if (r->thresholds[i].warning) {
			char w[256];
			warning_text(&r->thresholds[i], r->counts.year, w, sizeof(w));
			fprintf(f, "%swarning:%s %s\n", color ? DUTY_YELLOW : "", color ? DUTY_RESET : "", w);
		}
	if (r->nduties) {
		fputs("\nduties:\n", f);
		for (size_t i = 0; i < r->nduties; i++) {
			fputs("  - ", f);
			shuan_duty__text(f, r->duties[i].title);
			shuan_duty__text_basis(f, &r->duties[i].basis);
			fputc('\n', f);
			if (r->duties[i].detail[0])
				fprintf(f, "      %s\n", r->duties[i].detail);
		}
	}
	if (r->validity.applies) {
		fprintf(f,
		        "\nvalidity: %d years from the day the result is issued; extension by %d years "
		        "applied for within "
		        "the %d working days before expiry",
		        r->validity.years, r->validity.extension_years, r->validity.extension_working_days);
		shuan_duty__text_basis(f, &r->validity.basis);
		fputc('\n', f);
		validity_dates(r, vd, sizeof(vd));
		fprintf(f, "  %s\n", vd);
	}
	shuan_duty__text_footer(f, r->notes, r->nnotes, r->unverified, r->error, color);
}

static void write_md(FILE *f, const shuan_xborder_result *r, const shuan_org *org, const shuan_transfer *t)
{
	char at[SHUAN_TIME_TEXT], b[16], a1[GROUP_TEXT], a2[GROUP_TEXT], a3[GROUP_TEXT], a4[GROUP_TEXT],
	    vd[512];
	shuan_time_format(&r->as_of, at);
	date_str(t->date, b);
	fprintf(f, "# 数据出境路径: %s\n\n", pathway_label(r->pathway));
	fprintf(f, "As of %s. Rule: `", at);
	shuan_duty__md(f, r->pathway_basis.rule);
	fputs("` — ", f);
	shuan_duty__md_basis(f, &r->pathway_basis, false);
	fputs("\n\n", f);
	fputs("| | |\n|---|---|\n| Organisation | ", f);
	shuan_duty__md(f, org->name ? org->name : "(unnamed)");
	fprintf(f, " (%s%s", org->ciio ? "a CIIO" : "not a CIIO", org->ftz ? ", free trade zone " : "");
	shuan_duty__md(f, org->ftz);
	fprintf(f, ") |\n| Transfer | %s to ", b);
	shuan_duty__md(f, t->recipient ? t->recipient : "(not named)");
	fputs(" (", f);
	shuan_duty__md(f, t->country ? t->country : "?");
	fprintf(f, "), purpose %s, basis %s, subjects %s%s |\n", t->purpose, t->basis, t->subjects,
	        t->important_data ? ", important data" : "");
	const char *from = people_groups(r, a1, a2, a3, a4);
	fprintf(f, "| People (this transfer) | %s with PI, %s with sensitive PI (%s) |\n", a1, a2, from);
	fprintf(
	    f,
	    "| People since 1 January %d | %s with PI, %s with sensitive PI (%zu earlier transfers%s) |\n\n",
	    r->counts.year, a3, a4, r->counts.prior_transfers, r->counts.exact ? "" : ", not exact");

	fputs("## Exemptions\n\n| Exemption | Applies | Conditions | Article |\n|---|---|---|---|\n", f);
	for (size_t i = 0; i < r->nexemptions; i++) {
		const shuan_xborder_rule_result *e = &r->exemptions[i];
		fprintf(f, "| `%s` | %s | ", e->id, e->applies ? "**yes**" : "no");
		for (size_t k = 0; k < e->nchecks; k++) {
			const shuan_xborder_check *c = &r->checks[e->first_check + k];
			fprintf(f, "%s%s ", k ? "<br>" : "", c->met ? "☑" : "☐");
			shuan_duty__md(f, c->detail);
		}
		fputs(" | ", f);
		shuan_duty__md_basis(f, &e->basis, false);
		fputs(" |\n", f);
	}
	fputs("\n## Triggers\n\n| Rule | Met | Leads to | Article |\n|---|---|---|---|\n", f);
	for (size_t i = 0; i < r->ntriggers; i++) {
		const shuan_xborder_rule_result *g = &r->triggers[i];
		fprintf(f, "| `%s` %s | %s | %s | ", g->id, g->title, g->applies ? "**yes**" : "no",
		        shuan_xborder_pathway_name(g->pathway));
		shuan_duty__md_basis(f, &g->basis, false);
		fputs(" |\n", f);
	}
	fputs("\n## Thresholds (since 1 January; 以上 includes the number)\n\n"
	      "| Count | Value | Threshold | Status | Leads to | Article |\n|---|---|---|---|---|---|\n",
	      f);
	for (size_t i = 0; i < r->nthresholds; i++) {
		const shuan_xborder_threshold_result *th = &r->thresholds[i];
		char v[GROUP_TEXT], a[GROUP_TEXT], rem[GROUP_TEXT];
		threshold_groups(th, v, a, rem);
		fprintf(f, "| %s | %s | %s | %s%s%s | %s | ", th->count, v, a,
		        th->met         ? "**reached**"
		        : th->warning   ? "**warning**: "
		        : !th->relevant ? "not carried; "
		                        : "",
		        th->met ? "" : rem, th->met ? "" : " to go", shuan_xborder_pathway_name(th->pathway));
		shuan_duty__md_basis(f, &th->basis, false);
		fputs(" |\n", f);
	}
	if (r->nduties) {
		fputs("\n## Duties\n\n", f);
		for (size_t i = 0; i < r->nduties; i++) {
			fputs("- ", f);
			shuan_duty__md(f, r->duties[i].title);
			fputs(" — ", f);
			shuan_duty__md_basis(f, &r->duties[i].basis, false);
			if (r->duties[i].detail[0]) {
				fputs(". ", f);
				shuan_duty__md(f, r->duties[i].detail);
			}
			fputc('\n', f);
		}
	}
	if (r->validity.applies) {
		fprintf(f,
		        "\n## Validity\n\n%d years from the day the result is issued; apply for a %d-year "
		        "extension within "
		        "the %d working days before expiry — ",
		        r->validity.years, r->validity.extension_years, r->validity.extension_working_days);
		shuan_duty__md_basis(f, &r->validity.basis, false);
		fputs(".\n", f);
		validity_dates(r, vd, sizeof(vd));
		shuan_duty__md(f, vd);
		fputc('\n', f);
	}
	if (r->nnotes || r->unverified || r->error[0]) {
		fputs("\n## Notes\n\n", f);
		for (size_t i = 0; i < r->nthresholds; i++)
			if (r->thresholds[i].warning) {
				char w[256];
				warning_text(&r->thresholds[i], r->counts.year, w, sizeof(w));
				fputs("- **Warning**: ", f);
				shuan_duty__md(f, w);
				fputc('\n', f);
			}
		shuan_duty__md_notes(f, r->notes, r->nnotes, r->unverified, r->error);
	}
}

int shuan_xborder_write(FILE *out, const shuan_xborder_result *res, const shuan_org *org,
                        const shuan_transfer *t, shuan_duty_format fmt, bool color)
{
	switch (fmt) {
	case SHUAN_DUTY_JSON:
		write_json(out, res, org, t);
		break;
	case SHUAN_DUTY_MD:
		write_md(out, res, org, t);
		break;
	default:
		write_text(out, res, org, t, color);
		break;
	}
	return ferror(out) ? SHUAN_EIO : 0;
}
