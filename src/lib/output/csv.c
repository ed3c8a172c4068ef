/*
 * lib/output/csv.c - findings as RFC 4180 CSV, one row per finding (no
 * summary row: the summary goes to stderr so the file stays a clean table).
 *
 * Written for Excel, where most of these files are opened: UTF-8 with a
 * byte order mark unless told not to (without it Chinese Excel reads the
 * file as GBK), and every text cell guarded against formula injection - a
 * cell that would start with = + - @ (or a tab or CR) gets a leading
 * apostrophe, which Excel shows as text (OWASP's advice). Text from the
 * input (paths, fields) has its control characters escaped (util/text).
 */
#include <string.h>

#include "lib/output/output.h"
#include "util/text.h"

static void csv_field(FILE *out, const char *s, size_t n)
{
	char esc[SHUAN_ESCAPE_MAX(1024)];
	if (shuan_escape_needed(s, n)) {
		/* control characters never reach a spreadsheet or a terminal */
		shuan_escape_display(s, n < 1024 ? n : 1024, esc, sizeof(esc));
		s = esc;
		n = strlen(esc);
	}
	fputc('"', out);
	if (n && strchr("=+-@\t\r", s[0]))
		fputc('\'', out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', out);
		fputc(s[i], out);
	}
	fputc('"', out);
}

static void csv_cstr(FILE *out, const char *s) { csv_field(out, s ? s : "", s ? strlen(s) : 0); }

static void csv_begin(shuan_output *r)
{
	if (r->bom)
		fputs("\xEF\xBB\xBF", r->out);
	fputs("path,line,column,offset,length,detector,label,pi_category,sensitive,spi_category,confidence,field,"
	      "location,evidence,fingerprint,row",
	      r->out);
	fputs(r->reveal ? ",value\n" : "\n", r->out);
}

static void csv_finding(shuan_output *r, const shuan_finding *f)
{
	csv_cstr(r->out, f->path);
	fprintf(r->out, ",%llu,%llu,%llu,%llu,", (unsigned long long)f->line, (unsigned long long)f->column,
		(unsigned long long)f->offset, (unsigned long long)f->length);
	csv_cstr(r->out, f->detector->id);
	fputc(',', r->out);
	csv_cstr(r->out, f->detector->label_zh);
	fputc(',', r->out);
	csv_cstr(r->out, f->detector->pi_category);
	fprintf(r->out, ",%s,", f->sensitive ? "true" : "false");
	csv_cstr(r->out, f->sensitive ? f->spi_category : "");
	fprintf(r->out, ",%.2f,", f->confidence);
	csv_cstr(r->out, f->field);
	fputc(',', r->out);
	csv_cstr(r->out, f->location);
	fputc(',', r->out);
	csv_cstr(r->out, f->evidence);
	fputc(',', r->out);
	csv_cstr(r->out, f->fingerprint);
	fputc(',', r->out);
	csv_cstr(r->out, f->row);
	if (r->reveal) {
		fputc(',', r->out);
		csv_field(r->out, f->value, f->value_len);
	}
	fputc('\n', r->out);
}

static void csv_end(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum)
{
	shuan_output_text_summary(stderr, st, sum, r->rules);
}

const shuan_output_ops shuan_output_csv = {csv_begin, csv_finding, csv_end};
