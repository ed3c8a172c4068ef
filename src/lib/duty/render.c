/*
 * lib/duty/render.c - the pieces every duty writer shares: numbers with
 * thousands separators, escaping for Markdown, HTML and the terminal, and
 * how a basis (rule, article, citation, unverified mark) is written in each
 * format. JSON strings go through util/json.
 */
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "util/json.h"

void shuan_duty__group(int64_t n, char *buf, size_t len)
{
	char tmp[32];
	int k = snprintf(tmp, sizeof(tmp), "%lld", (long long)(n < 0 ? -n : n));
	size_t o = 0;
	if (n < 0 && o + 1 < len)
		buf[o++] = '-';
	for (int i = 0; i < k && o + 1 < len; i++) {
		if (i && (k - i) % 3 == 0 && o + 1 < len)
			buf[o++] = ',';
		if (o + 1 < len)
			buf[o++] = tmp[i];
	}
	buf[o < len ? o : len - 1] = '\0';
}

void shuan_duty__md(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '|')
			fputs("\\|", f);
		else if (c == '\n' || c == '\r')
			fputs("<br>", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', f);
		else
			fputc(c, f);
	}
}

void shuan_duty__html(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		case '\n':
			fputs("<br>", f);
			break;
		default:
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				fputc('?', f);
			else
				fputc(c, f);
		}
	}
}

void shuan_duty__text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : c, f);
	}
}

void shuan_duty__json_basis(FILE *f, const shuan_duty_basis *b)
{
	shuan_json_field(f, "\"rule\":", b->rule);
	shuan_json_field(f, ",\"article\":", b->article);
	shuan_json_field(f, ",\"cites\":", b->cites);
	fprintf(f, ",\"unverified\":%s,\"note\":", b->unverified ? "true" : "false");
	shuan_json_cstring(f, b->note);
}

void shuan_duty__text_basis(FILE *f, const shuan_duty_basis *b)
{
	if (b->article) {
		fputs(" — ", f);
		shuan_duty__text(f, b->article);
	}
	if (b->cites) {
		fputs(" [", f);
		shuan_duty__text(f, b->cites);
		fputc(']', f);
	}
	if (b->unverified)
		fputs(" [UNVERIFIED]", f);
}

void shuan_duty__md_basis(FILE *f, const shuan_duty_basis *b, bool with_note)
{
	shuan_duty__md(f, b->article);
	if (b->cites) {
		fputs(" (`", f);
		shuan_duty__md(f, b->cites);
		fputs("`)", f);
	}
	if (b->unverified)
		fputs(" **[UNVERIFIED]**", f);
	if (with_note && b->note) {
		fputs(" — ", f);
		shuan_duty__md(f, b->note);
	}
}

static const char UNVERIFIED_LEGEND[] =
    "marks a rule resting on a fact not checked against the official text: a "
    "configurable default in rules/duty/, not law.";

void shuan_duty__text_footer(FILE *f, const char (*notes)[SHUAN_DUTY_NOTE], size_t n, bool unverified,
                             const char *error, bool color)
{
	for (size_t i = 0; i < n; i++) {
		fputs("note: ", f);
		shuan_duty__text(f, notes[i]);
		fputc('\n', f);
	}
	if (unverified)
		fprintf(f, "[UNVERIFIED] %s\n", UNVERIFIED_LEGEND);
	if (error && error[0]) {
		fprintf(f, "%serror:%s ", color ? DUTY_RED : "", color ? DUTY_RESET : "");
		shuan_duty__text(f, error);
		fputc('\n', f);
	}
}

void shuan_duty__md_notes(FILE *f, const char (*notes)[SHUAN_DUTY_NOTE], size_t n, bool unverified,
                          const char *error)
{
	for (size_t i = 0; i < n; i++) {
		fputs("- ", f);
		shuan_duty__md(f, notes[i]);
		fputc('\n', f);
	}
	if (unverified)
		fprintf(f, "- **[UNVERIFIED]** %s\n", UNVERIFIED_LEGEND);
	if (error && error[0]) {
		fputs("- **Error**: ", f);
		shuan_duty__md(f, error);
		fputc('\n', f);
	}
}
