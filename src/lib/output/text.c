/*
 * lib/output/text.c - the formats for people. `text` (the default on a
 * terminal) groups the findings of each file by detector and field, with
 * counts and a few masked examples, instead of one scrolling line per
 * finding; `lines` is one line per finding (for grep). Both end with the
 * summary and a line that says what to do next.
 *
 * Example (text):
 *   data/客户.csv  1002 findings, 1000 sensitive
 *     居民身份证号 cn_resident_id  字段 身份证号   1000  1101**********002X 2:5, 3201**********1234 3:5, ...
 *     手机号 cn_mobile             字段 手机          2  138****5678 2:25, 139****5678 3:25
 *
 * The findings of one input arrive together (the jobs pool keeps input
 * order), so a file's groups are written when the next file begins and at
 * the end. Everything taken from the input - paths, fields, sheet names,
 * revealed values - is escaped for the terminal (util/text).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/output/output.h"
#include "shuan/common.h"
#include "util/alloc.h"
#include "util/text.h"
#include "util/utf8.h"

#define GROUPS_MAX 64  /* (detector, field) groups per file; the rest are counted */
#define EXAMPLES 3
#define NAME_MAX_BYTES 160

typedef struct example {
	char evidence[96];
	char where[NAME_MAX_BYTES]; /* "12:5" or the cell */
} example;

typedef struct group {
	const shuan_detector_info *det;
	char field[NAME_MAX_BYTES]; /* array indexes folded: a[1].tel and a[2].tel are one group */
	unsigned long long count, sensitive, weak;
	example ex[EXAMPLES];
	size_t nex;
} group;

typedef struct text_state {
	char path[4096];
	bool have_path;
	group g[GROUPS_MAX];
	size_t ng;
	unsigned long long total, sensitive, more;
} text_state;

void shuan_output__text(FILE *out, const char *s)
{
	shuan_fputs_safe(out, s);
}

bool shuan_output_is_secret(const shuan_finding *f)
{
	return f->detector && f->detector->validator && !strcmp(f->detector->validator, "credential");
}

/* "user.phones[3]" -> "user.phones[]" into out. */
static void fold_field(const char *f, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = f ? f : ""; *p && o + 1 < cap; p++) {
		out[o++] = *p;
		if (*p == '[') {
			while (p[1] >= '0' && p[1] <= '9')
				p++;
		}
	}
	out[o] = '\0';
}

static void pad(FILE *out, const char *s, int width);

static void flush_file(shuan_output *r, text_state *t)
{
	const char *bold = r->color ? "\033[1m" : "", *red = r->color ? "\033[31m" : "",
		   *dim = r->color ? "\033[2m" : "", *off = r->color ? "\033[0m" : "";
	FILE *o = r->out;
	if (!t->have_path || !t->total)
		return;
	fputs(bold, o);
	shuan_output__text(o, t->path);
	fprintf(o, "%s  %llu 处 findings", off, t->total);
	if (t->sensitive)
		fprintf(o, ", %s%llu 敏感 sensitive%s", red, t->sensitive, off);
	fputc('\n', o);
	for (size_t i = 0; i < t->ng; i++) {
		const group *g = &t->g[i];
		char label[256];
		fputs("  ", o);
		snprintf(label, sizeof(label), "%s %s", g->det->label_zh, g->det->id);
		fputs(g->sensitive ? red : "", o);
		pad(o, label, 32);
		fputs(off, o);
		if (g->field[0]) {
			fprintf(o, " %s字段%s ", dim, off);
			char esc[NAME_MAX_BYTES * 4];
			shuan_escape_display(g->field, strlen(g->field), esc, 40);
			pad(o, esc, 20);
		} else {
			pad(o, "", 26);
		}
		fprintf(o, " %7llu  ", g->count);
		for (size_t k = 0; k < g->nex; k++) {
			fputs(k ? ", " : "", o);
			shuan_output__text(o, g->ex[k].evidence);
			fprintf(o, " %s", dim);
			shuan_output__text(o, g->ex[k].where);
			fputs(off, o);
		}
		if (g->count > g->nex)
			fputs(", …", o);
		if (g->weak)
			fprintf(o, "  %s[%llu 弱口令 weak]%s", red, g->weak, off);
		fputc('\n', o);
	}
	if (t->more)
		fprintf(o, "  … %llu more in other fields (--format lines or jsonl lists every one)\n", t->more);
	t->ng = 0;
	t->total = t->sensitive = t->more = 0;
}

static void text_begin(shuan_output *r)
{
	r->state = shuan_calloc(1, sizeof(text_state));
}

static void text_finding(shuan_output *r, const shuan_finding *f)
{
	text_state *t = r->state;
	char field[NAME_MAX_BYTES];
	group *g = NULL;
	if (!t)
		return; /* out of memory at begin: the summary still counts */
	if (!t->have_path || strcmp(t->path, f->path)) {
		flush_file(r, t);
		snprintf(t->path, sizeof(t->path), "%s", f->path);
		t->have_path = true;
	}
	fold_field(f->field, field, sizeof(field));
	for (size_t i = 0; i < t->ng && !g; i++)
		if (t->g[i].det == f->detector && !strcmp(t->g[i].field, field))
			g = &t->g[i];
	if (!g && t->ng == GROUPS_MAX) {
		t->more++; /* past the groups kept: counted in the file's line */
		t->total++;
		t->sensitive += f->sensitive;
		return;
	}
	if (!g) {
		g = &t->g[t->ng++];
		memset(g, 0, sizeof(*g));
		g->det = f->detector;
		snprintf(g->field, sizeof(g->field), "%s", field);
	}
	g->count++;
	g->sensitive += f->sensitive;
	g->weak += f->attrs.weak_password;
	t->total++;
	t->sensitive += f->sensitive;
	if (g->nex < EXAMPLES) {
		example *e = &g->ex[g->nex++];
		if (r->reveal)
			snprintf(e->evidence, sizeof(e->evidence), "%.*s", (int)shuan_utf8_cut(f->value, f->value_len, 90),
				 f->value);
		else
			snprintf(e->evidence, sizeof(e->evidence), "%s", f->evidence);
		if (f->location)
			snprintf(e->where, sizeof(e->where), "%s%s%s", f->location, f->row ? " " : "", f->row ? f->row : "");
		else
			snprintf(e->where, sizeof(e->where), "%llu:%llu", (unsigned long long)f->line,
				 (unsigned long long)f->column);
	}
}

/* The one line per finding of --format lines. */
static void lines_finding(shuan_output *r, const shuan_finding *f)
{
	const char *bold = r->color ? "\033[1m" : "", *red = r->color ? "\033[31m" : "",
		   *dim = r->color ? "\033[2m" : "", *off = r->color ? "\033[0m" : "";
	FILE *o = r->out;
	fputs(bold, o);
	shuan_output__text(o, f->path);
	if (f->location) { /* a cell or a database column: its name says where, not line:column */
		fputc(':', o);
		shuan_output__text(o, f->location);
		if (f->row) {
			fputc(' ', o);
			shuan_output__text(o, f->row);
		}
	} else {
		fprintf(o, ":%llu:%llu", (unsigned long long)f->line, (unsigned long long)f->column);
	}
	fprintf(o, "%s  %s%s%s (%s)  ", off, f->sensitive ? red : "", f->detector->label_zh, off, f->detector->id);
	if (r->reveal) {
		char esc[SHUAN_ESCAPE_MAX(512)];
		size_t n = f->value_len < 512 ? f->value_len : 512;
		shuan_escape_display(f->value, n, esc, sizeof(esc));
		fputs(esc, o);
	} else {
		shuan_output__text(o, f->evidence);
	}
	if (f->field) {
		fprintf(o, "  %s字段=", dim);
		shuan_output__text(o, f->field);
		fputs(off, o);
	}
	fprintf(o, "  %s置信度=%.2f%s", dim, f->confidence, off);
	if (f->sensitive)
		fprintf(o, "  %s[敏感: %s]%s", red, f->spi_category, off);
	if (f->attrs.weak_password)
		fprintf(o, "  %s[弱口令 weak password]%s", red, off);
	fputc('\n', o);
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

/* What to do next, by what the run found. */
static void next_steps(FILE *out, const shuan_stats *st, const shuan_output_summary *sum)
{
	const char *t = sum->targets && *sum->targets ? sum->targets : "PATH";
	if (sum->unreadable || shuan_stats_inputs_skipped(st))
		fprintf(out, "注意 note: %llu input(s) not read (see the messages above): their content was not checked\n",
			(unsigned long long)(shuan_stats_inputs_skipped(st)));
	if (!shuan_stats_findings(st)) {
		fputs("next 下一步: nothing found at this confidence; nothing to do\n", out);
		return;
	}
	fputs("next 下一步: shuan inventory ", out);
	shuan_output__text(out, t);
	fputs("   登记个人信息清单: classify, grade and count the people (PIPL Art. 51, 54)\n", out);
	fputs("             shuan mask FILE -o OUT   脱敏: de-identify a file before it is shared or kept\n", out);
	if (sum->suppressed_ignore + sum->suppressed_baseline == 0)
		fputs("             known and accepted? list it in .shuanignore with a reason, or --baseline a previous "
		      "run\n",
		      out);
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
	if (shuan_stats_inputs_interrupted(st))
		fprintf(out, "  interrupted 中断于: %llu input(s), scanned in part (counted above in bytes)\n",
			(unsigned long long)shuan_stats_inputs_interrupted(st));
	if (sum->unreadable)
		fprintf(out, "  unreadable 无法读取: %llu input(s)\n", (unsigned long long)sum->unreadable);
	for (size_t i = 0; i < shuan_stats_skip_count(st); i++) {
		uint64_t n;
		const char *reason = shuan_stats_skip_reason(st, i, &n);
		fprintf(out, "  skipped %llu × ", (unsigned long long)n);
		shuan_output__text(out, reason);
		fputc('\n', out);
	}
	for (int l = SHUAN_LIMIT_NONE + 1; l <= SHUAN_LIMIT_MAX; l++)
		if (shuan_stats_limit_hits(st, (shuan_limit)l))
			fprintf(out, "  limit 限制 %s stopped work on %llu input(s)\n", shuan_limit_name((shuan_limit)l),
				(unsigned long long)shuan_stats_limit_hits(st, (shuan_limit)l));
	fprintf(out, "findings 发现: %llu   sensitive PI 敏感个人信息: %llu%s\n",
		(unsigned long long)shuan_stats_findings(st), (unsigned long long)shuan_stats_sensitive(st),
		sum->interrupted ? "   (interrupted 已中断: partial results)" : "");
	if (sum->suppressed_ignore || sum->suppressed_baseline)
		fprintf(out, "  accepted 已接受: %llu by .shuanignore, %llu by the baseline (counted above, not gated)\n",
			(unsigned long long)sum->suppressed_ignore, (unsigned long long)sum->suppressed_baseline);
	for (size_t i = 0; i < shuan_stats_detector_count(st); i++) {
		const shuan_stats_detector *d = shuan_stats_detector_at(st, i);
		const shuan_detector_info *info = shuan_rules_find(rules, d->id);
		fprintf(out, "  %-22s ", d->id);
		pad(out, info ? info->label_zh : "", 18);
		fprintf(out, " %8llu findings  %8llu distinct%s\n", (unsigned long long)d->findings,
			(unsigned long long)d->distinct, shuan_stats_distinct_exact(st) ? "" : "+");
	}
	if (sum->store_dir) {
		fputs("recorded in store 已记录: ", out);
		shuan_output__text(out, sum->store_dir);
		fprintf(out, " (scan %lld; shuan scans lists them)\n", sum->scan_id);
	}
}

static void text_end(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum)
{
	if (r->state)
		flush_file(r, r->state);
	shuan_free(r->state);
	r->state = NULL;
	shuan_output_text_summary(r->out, st, sum, r->rules);
	next_steps(r->out, st, sum);
}

static void lines_begin(shuan_output *r) { (void)r; }

const shuan_output_ops shuan_output_text = {text_begin, text_finding, text_end};
const shuan_output_ops shuan_output_lines = {lines_begin, lines_finding, text_end};
