/*
 * lib/output/text.c - the human format: one line per finding with Chinese
 * labels, then a summary. Default on a terminal.
 */
#include <string.h>

#include "lib/output/output.h"
#include "util/utf8.h"

static void text_begin(shuan_output *r) { (void)r; }

static void text_finding(shuan_output *r, const shuan_finding *f)
{
	const char *bold = r->color ? "\033[1m" : "", *red = r->color ? "\033[31m" : "",
		   *dim = r->color ? "\033[2m" : "", *off = r->color ? "\033[0m" : "";
	if (f->location) /* a cell or a database column: its name says where, not line:column */
		fprintf(r->out, "%s%s:%s%s%s%s  %s%s%s (%s)  ", bold, f->path, f->location, f->row ? " " : "",
			f->row ? f->row : "", off, f->sensitive ? red : "", f->detector->label_zh, off, f->detector->id);
	else
		fprintf(r->out, "%s%s:%llu:%llu%s  %s%s%s (%s)  ", bold, f->path, (unsigned long long)f->line,
			(unsigned long long)f->column, off, f->sensitive ? red : "", f->detector->label_zh, off,
			f->detector->id);
	if (r->reveal)
		fprintf(r->out, "%.*s", (int)f->value_len, f->value);
	else
		fputs(f->evidence, r->out);
	if (f->field)
		fprintf(r->out, "  %s字段=%s%s", dim, f->field, off);
	fprintf(r->out, "  %s置信度=%.2f%s", dim, f->confidence, off);
	if (f->sensitive)
		fprintf(r->out, "  %s[敏感: %s]%s", red, f->spi_category, off);
	if (f->attrs.weak_password)
		fprintf(r->out, "  %s[弱口令 weak password]%s", red, off);
	fputc('\n', r->out);
}

/* Prints s padded to `width` terminal columns: CJK characters (3 UTF-8
 * bytes) take two columns, so byte-based printf padding would misalign. */
static void pad(FILE *out, const char *s, int width)
{
	int cols = (int)shuan_utf8_columns(s, strlen(s));
	fputs(s, out);
	for (; cols < width; cols++)
		fputc(' ', out);
}

void shuan_output_text_summary(FILE *out, const shuan_stats *st, const shuan_output_summary *sum, const shuan_rules *rules)
{
	double mb = (double)shuan_stats_bytes(st) / 1e6;
	fprintf(out, "\n== shuan scan summary / 扫描摘要 ==\n");
	fprintf(out, "inputs scanned 已扫描: %llu   skipped 已跳过: %llu   bytes 字节: %llu   elapsed 用时: %.2f s",
		(unsigned long long)shuan_stats_inputs_scanned(st), (unsigned long long)shuan_stats_inputs_skipped(st),
		(unsigned long long)shuan_stats_bytes(st), sum->elapsed);
	if (sum->elapsed > 0)
		fprintf(out, " (%.1f MB/s)", mb / sum->elapsed);
	fputc('\n', out);
	for (size_t i = 0; i < shuan_stats_skip_count(st); i++) {
		uint64_t n;
		const char *reason = shuan_stats_skip_reason(st, i, &n);
		fprintf(out, "  skipped %llu × %s\n", (unsigned long long)n, reason);
	}
	for (int l = SHUAN_LIMIT_NONE + 1; l <= SHUAN_LIMIT_MAX; l++)
		if (shuan_stats_limit_hits(st, (shuan_limit)l))
			fprintf(out, "  limit 限制 %s stopped work on %llu input(s)\n", shuan_limit_name((shuan_limit)l),
				(unsigned long long)shuan_stats_limit_hits(st, (shuan_limit)l));
	fprintf(out, "findings 发现: %llu   sensitive PI 敏感个人信息: %llu%s\n",
		(unsigned long long)shuan_stats_findings(st), (unsigned long long)shuan_stats_sensitive(st),
		sum->interrupted ? "   (interrupted 已中断: partial results)" : "");
	for (size_t i = 0; i < shuan_stats_detector_count(st); i++) {
		const shuan_stats_detector *d = shuan_stats_detector_at(st, i);
		const shuan_detector_info *info = shuan_rules_find(rules, d->id);
		fprintf(out, "  %-22s ", d->id);
		pad(out, info ? info->label_zh : "", 18);
		fprintf(out, " %8llu findings  %8llu distinct%s\n", (unsigned long long)d->findings,
			(unsigned long long)d->distinct, shuan_stats_distinct_exact(st) ? "" : "+");
	}
	if (sum->store_dir)
		fprintf(out, "recorded in store 已记录: %s (scan %lld)\n", sum->store_dir, sum->scan_id);
}

static void text_end(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum)
{
	shuan_output_text_summary(r->out, st, sum, r->rules);
}

const shuan_output_ops shuan_output_text = {text_begin, text_finding, text_end};
