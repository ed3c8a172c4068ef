/*
 * lib/inventory/report_html.c - the inventory as one self-contained HTML
 * page that opens offline: inline CSS, inline SVG bar charts of the grades
 * and categories, the summary per source, and the table of columns. No
 * script, font, image or style is fetched from anywhere. Every string from a
 * source is escaped.
 */
#include <stdio.h>
#include <string.h>

#include "lib/inventory/internal.h"

static void esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "&#x%x;", c == 0 ? 0xfffd : 0x2400 + (c == 0x7f ? 0x21 : c));
			else
				fputc(c, out);
		}
	}
}

/* Ends the table cell before and writes s, escaped, into the next. */
static void next_cell(FILE *out, const char *s)
{
	fputs("</td><td>", out);
	esc(out, s);
}

typedef struct bar {
	const char *name;
	size_t n;
} bar;

static size_t tally(bar *bars, size_t nb, size_t cap, const char *name)
{
	for (size_t i = 0; i < nb; i++)
		if (!strcmp(bars[i].name, name)) {
			bars[i].n++;
			return nb;
		}
	if (nb < cap) {
		bars[nb].name = name;
		bars[nb].n = 1;
		nb++;
	}
	return nb;
}

static void chart(FILE *out, const char *title, bar *bars, size_t nb, const char *id)
{
	size_t max = 1, h = 26 * nb + 10;
	for (size_t i = 0; i < nb; i++)
		if (bars[i].n > max)
			max = bars[i].n;
	fprintf(out, "<figure><figcaption>%s</figcaption><svg id=\"%s\" role=\"img\" width=\"520\" height=\"%zu\" "
		     "viewBox=\"0 0 520 %zu\">",
		title, id, h, h);
	for (size_t i = 0; i < nb; i++) {
		double w = 300.0 * (double)bars[i].n / (double)max;
		fprintf(out, "<text x=\"0\" y=\"%zu\" class=\"lbl\">", 26 * i + 22);
		esc(out, bars[i].name);
		fprintf(out, "</text><rect x=\"170\" y=\"%zu\" width=\"%.1f\" height=\"18\" class=\"bar%s\"/>"
			     "<text x=\"%.1f\" y=\"%zu\" class=\"num\">%zu</text>",
			26 * i + 8, w < 1 ? 1 : w, strstr(bars[i].name, "L4") ? " hot" : "", 176 + w, 26 * i + 22, bars[i].n);
	}
	fputs("</svg></figure>", out);
}

int shuan_inv__report_html(const shuan_inventory *inv, FILE *out, const shuan_inventory_report *r)
{
	bar grades[16], cats[32];
	size_t ng = 0, nc = 0, pi = 0, sens = 0;
	shuan_people_counts all;

	shuan_people_counts_get(inv->people, &all);
	for (size_t i = 0; i < inv->cols.n; i++) {
		const shuan_inventory_column *c = &SHUAN_VEC_AT(&inv->cols, inv_column, i).out;
		ng = tally(grades, ng, 16, c->sublevel_label && c->sublevel_label[0] ? c->sublevel_label : "-");
		nc = tally(cats, nc, 32, c->pi ? c->category : "非个人信息");
		pi += c->pi;
		sens += c->sensitive;
	}
	/* grades high to low */
	for (size_t i = 0; i < ng; i++)
		for (size_t k = i + 1; k < ng; k++)
			if (strcmp(grades[k].name, grades[i].name) > 0) {
				bar t = grades[i];
				grades[i] = grades[k];
				grades[k] = t;
			}
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	      "<title>数据分类分级清单 - shuan</title><style>"
	      "body{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:24px;color:#222;background:#fff}"
	      "h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
	      ".note{background:#fff8e1;border-left:4px solid #f0b400;padding:8px 12px;margin:12px 0}"
	      ".cand{background:#fdecea;border-left:4px solid #c62828;padding:6px 12px;margin:6px 0}"
	      ".cards{display:flex;gap:16px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:10px 16px}"
	      ".card b{display:block;font-size:22px}"
	      "figure{display:inline-block;vertical-align:top;margin:8px 24px 8px 0}figcaption{font-weight:bold;margin-bottom:4px}"
	      ".lbl{font-size:12px}.num{font-size:12px}.bar{fill:#4a7bd0}.bar.hot{fill:#c62828}"
	      "table{border-collapse:collapse;font-size:12px;width:100%}th,td{border:1px solid #ccc;padding:3px 6px;"
	      "text-align:left;vertical-align:top}th{background:#eef2f8;position:sticky;top:0}"
	      "tr.s td{background:#fff0f0}td.basis{color:#555;max-width:420px}"
	      "</style></head><body>\n",
	      out);
	fputs("<h1>数据分类分级清单 <small>data classification and grading inventory (GB/T 43697-2024)</small></h1>", out);
	fprintf(out, "<p>shuan %s", shuan_version());
	if (r->generated) {
		fputs(" · ", out);
		esc(out, r->generated);
	}
	if (r->run_id)
		fprintf(out, " · run #%lld", (long long)r->run_id);
	fputs("</p>", out);
	fputs("<div class=\"note\">分级配置 profile: <b>", out);
	esc(out, inv->profile.id);
	fputs("</b> ", out);
	esc(out, inv->profile.label_zh);
	if (inv->profile.unverified)
		fputs(" — <b>可配置的默认值 (configurable default, not the standard's table)</b>: ", out);
	esc(out, inv->profile.note);
	fputs("<br>所有字段均为一般数据；重要数据、核心数据由主管部门认定，shuan 只列出重要数据候选及理由。</div>", out);
	fprintf(out, "<div class=\"cards\"><div class=\"card\"><b>%zu</b>字段 columns</div>"
		     "<div class=\"card\"><b>%zu</b>个人信息字段 PI</div><div class=\"card\"><b>%zu</b>敏感字段 sensitive</div>"
		     "<div class=\"card\"><b>%llu</b>人 people%s</div><div class=\"card\"><b>%llu</b>敏感个人信息主体</div>"
		     "<div class=\"card\"><b>%llu</b>未满十四周岁</div></div>",
		inv->cols.n, pi, sens, (unsigned long long)all.distinct, all.exact ? "" : " (估计)",
		(unsigned long long)all.sensitive, (unsigned long long)all.minors);
	chart(out, "级别 grades", grades, ng, "chart-grades");
	chart(out, "分类 categories", cats, nc, "chart-categories");
	fputs("<h2>数据源 sources</h2><table><tr><th>数据源</th><th>类型</th><th>表/文件</th><th>读取行数</th>"
	      "<th>人数</th><th>敏感</th><th>未满14</th><th>重要数据候选</th><th>错误</th></tr>",
	      out);
	for (size_t i = 0; i < inv->sources.n; i++) {
		const shuan_inventory_source *s = &SHUAN_VEC_AT(&inv->sources, inv_source, i).out;
		fputs("<tr><td>", out);
		esc(out, s->source);
		next_cell(out, s->kind);
		fprintf(out, "</td><td>%llu</td><td>%llu</td><td>%llu%s%s</td><td>%llu</td><td>%llu</td><td>",
			(unsigned long long)s->tables, (unsigned long long)s->rows_read,
			(unsigned long long)s->people.distinct, s->people.exact ? "" : " (估计)", s->sampled ? " (抽样)" : "",
			(unsigned long long)s->people.sensitive, (unsigned long long)s->people.minors);
		for (size_t k = 0; k < s->nreasons; k++) {
			fputs("<div class=\"cand\">", out);
			esc(out, s->reasons[k]);
			fputs("</div>", out);
		}
		fputs("</td><td>", out);
		for (size_t k = 0; k < s->nerrors; k++) {
			esc(out, s->errors[k]);
			fputs("<br>", out);
		}
		fputs("</td></tr>", out);
	}
	fputs("</table><h2>清单 columns</h2><table id=\"columns\"><tr><th>数据源</th><th>库/表</th><th>字段</th><th>注释</th>"
	      "<th>数据类型</th><th>分类</th><th>级别</th><th>敏感个人信息类别</th><th>命中率</th><th>样本量</th>"
	      "<th>依据</th></tr>\n",
	      out);
	for (size_t i = 0; i < inv->cols.n; i++) {
		const shuan_inventory_column *c = &SHUAN_VEC_AT(&inv->cols, inv_column, i).out;
		fprintf(out, "<tr%s><td>", c->sensitive ? " class=\"s\"" : "");
		esc(out, c->source);
		next_cell(out, c->table);
		next_cell(out, c->column);
		next_cell(out, c->comment);
		next_cell(out, c->pi ? c->label : "-");
		if (c->data_type[0]) {
			fputs(" <small>", out);
			esc(out, c->data_type);
			fputs("</small>", out);
		}
		next_cell(out, c->category);
		next_cell(out, c->grade);
		fputc(' ', out);
		esc(out, c->sublevel);
		next_cell(out, c->spi_category);
		fprintf(out, "</td><td>%.1f%%</td><td>%llu</td><td class=\"basis\">", 100 * c->hit_rate,
			(unsigned long long)c->sampled);
		for (size_t k = 0; k < c->nbasis; k++) {
			if (k)
				fputs("<br>", out);
			esc(out, c->basis[k]);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</table></body></html>\n", out);
	return ferror(out) ? SHUAN_EIO : 0;
}
