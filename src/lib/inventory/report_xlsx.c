/*
 * lib/inventory/report_xlsx.c - the 清单 handed to auditors, as an .xlsx
 * workbook written with libxlsxwriter: sheet 清单 with one row per column
 * (数据源, 库/表, 字段, 注释, 数据类型, 分类, 级别, 敏感个人信息类别, 命中率, 样本量,
 * 依据), frozen header and filters; sheet 汇总 with the profile, the sources,
 * their people counts and 重要数据候选 reasons. libxlsxwriter escapes control
 * characters in strings itself.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <xlsxwriter.h>

#include "lib/inventory/internal.h"
#include "util/buf.h"

static void cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
	worksheet_write_string(ws, r, c, s && *s ? s : "", f);
}

int shuan_inv__report_xlsx(const shuan_inventory *inv, const char *path, const shuan_inventory_report *r,
			   char *err, size_t errlen)
{
	static const char *const heads[] = {"数据源", "库/表", "字段", "注释", "数据类型", "分类", "级别",
					    "敏感个人信息类别", "命中率", "样本量", "依据"};
	static const double widths[] = {28, 24, 18, 18, 22, 16, 16, 20, 9, 9, 80};
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws, *sum;
	lxw_format *head, *pct, *wrap, *red, *bold;
	lxw_error e;
	lxw_row_t row = 1;
	shuan_people_counts all;

	if (!wb) {
		snprintf(err, errlen, "%s: cannot create the workbook", path);
		return SHUAN_EIO;
	}
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDCE6F1);
	format_set_border(head, LXW_BORDER_THIN);
	pct = workbook_add_format(wb);
	format_set_num_format(pct, "0.0%");
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	red = workbook_add_format(wb);
	format_set_font_color(red, 0xC00000);
	bold = workbook_add_format(wb);
	format_set_bold(bold);

	ws = workbook_add_worksheet(wb, "清单");
	sum = workbook_add_worksheet(wb, "汇总");
	for (lxw_col_t c = 0; c < sizeof(heads) / sizeof(heads[0]); c++) {
		worksheet_set_column(ws, c, c, widths[c], c == 10 ? wrap : NULL);
		cell(ws, 0, c, heads[c], head);
	}
	for (size_t i = 0; i < inv->cols.n; i++, row++) {
		const shuan_inventory_column *c = &SHUAN_VEC_AT(&inv->cols, inv_column, i).out;
		char grade[96], type[256];
		shuan_buf basis;
		snprintf(grade, sizeof(grade), "%s %s", c->grade, c->sublevel);
		snprintf(type, sizeof(type), "%s%s%s%s", c->pi ? c->label : "非个人信息", c->data_type[0] ? " (" : "",
			 c->data_type, c->data_type[0] ? ")" : "");
		cell(ws, row, 0, c->source, NULL);
		cell(ws, row, 1, c->table, NULL);
		cell(ws, row, 2, c->column, NULL);
		cell(ws, row, 3, c->comment, NULL);
		cell(ws, row, 4, type, c->sensitive ? red : NULL);
		cell(ws, row, 5, c->category, NULL);
		cell(ws, row, 6, grade, c->sensitive ? red : NULL);
		cell(ws, row, 7, c->spi_category, c->sensitive ? red : NULL);
		worksheet_write_number(ws, row, 8, c->hit_rate, pct);
		worksheet_write_number(ws, row, 9, (double)c->sampled, NULL);
		shuan_buf_init(&basis, 32000); /* Excel's cell limit is 32767 characters */
		for (size_t k = 0; k < c->nbasis; k++)
			if (shuan_buf_addf(&basis, "%s%s", k ? "\n" : "", c->basis[k]) < 0)
				break;
		cell(ws, row, 10, shuan_buf_str(&basis), wrap);
		shuan_buf_free(&basis);
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 1, (lxw_col_t)(sizeof(heads) / sizeof(heads[0]) - 1));

	/* the summary */
	shuan_people_counts_get(inv->people, &all);
	worksheet_set_column(sum, 0, 0, 34, NULL);
	worksheet_set_column(sum, 1, 8, 14, NULL);
	worksheet_set_column(sum, 9, 9, 90, wrap);
	row = 0;
	cell(sum, row++, 0, "数据分类分级清单 (GB/T 43697-2024)", bold);
	{
		char line[1024];
		snprintf(line, sizeof(line), "shuan %s%s%s%s", shuan_version(), r->generated ? "  " : "",
			 r->generated ? r->generated : "", "");
		cell(sum, row++, 0, line, NULL);
		snprintf(line, sizeof(line), "分级配置 profile: %s — %s%s", inv->profile.id, inv->profile.label_zh,
			 inv->profile.unverified ? "（可配置的默认值，非标准原文）" : "");
		cell(sum, row++, 0, line, inv->profile.unverified ? red : NULL);
		cell(sum, row++, 0, inv->profile.note, NULL);
		cell(sum, row++, 0, "所有字段均为一般数据；重要数据、核心数据由主管部门认定，本清单只列出重要数据候选及理由。", NULL);
		snprintf(line, sizeof(line), "合计 overall: %llu 人, 敏感个人信息 %llu 人, 未满十四周岁 %llu 人%s",
			 (unsigned long long)all.distinct, (unsigned long long)all.sensitive, (unsigned long long)all.minors,
			 all.exact ? "" : "（估计值）");
		cell(sum, row++, 0, line, bold);
	}
	row++;
	{
		static const char *const sh[] = {"数据源", "类型", "表/文件", "读取行数", "人数", "敏感个人信息人数",
						 "未满十四周岁", "精确/估计", "重要数据候选", "理由 / 错误"};
		lxw_row_t first = row;
		for (lxw_col_t c = 0; c < sizeof(sh) / sizeof(sh[0]); c++)
			cell(sum, row, c, sh[c], head);
		row++;
		for (size_t i = 0; i < inv->sources.n; i++, row++) {
			const shuan_inventory_source *s = &SHUAN_VEC_AT(&inv->sources, inv_source, i).out;
			shuan_buf why;
			cell(sum, row, 0, s->source, NULL);
			cell(sum, row, 1, s->kind, NULL);
			worksheet_write_number(sum, row, 2, (double)s->tables, NULL);
			worksheet_write_number(sum, row, 3, (double)s->rows_read, NULL);
			worksheet_write_number(sum, row, 4, (double)s->people.distinct, NULL);
			worksheet_write_number(sum, row, 5, (double)s->people.sensitive, NULL);
			worksheet_write_number(sum, row, 6, (double)s->people.minors, NULL);
			cell(sum, row, 7, s->people.exact ? (s->sampled ? "精确（抽样）" : "精确") : "估计", NULL);
			cell(sum, row, 8, s->important_candidate ? "是（候选）" : "否", s->important_candidate ? red : NULL);
			shuan_buf_init(&why, 32000);
			for (size_t k = 0; k < s->nreasons; k++)
				shuan_buf_addf(&why, "%s%s", why.len ? "\n" : "", s->reasons[k]);
			for (size_t k = 0; k < s->nerrors; k++)
				shuan_buf_addf(&why, "%s错误: %s", why.len ? "\n" : "", s->errors[k]);
			cell(sum, row, 9, shuan_buf_str(&why), wrap);
			shuan_buf_free(&why);
		}
		worksheet_freeze_panes(sum, first + 1, 0);
	}
	if ((e = workbook_close(wb)) != LXW_NO_ERROR) {
		snprintf(err, errlen, "%s: %s", path, lxw_strerror(e));
		return SHUAN_EIO;
	}
	chmod(path, 0644);
	return 0;
}
