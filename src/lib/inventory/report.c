/*
 * lib/inventory/report.c - the inventory as JSON (docs/inventory-schema.md),
 * text for a terminal and CSV. Column names, comments and table names come
 * from the sources: text output escapes control characters in them, JSON
 * and CSV quote them. No value read from a source is ever written (the
 * inventory holds none).
 */
#include <stdio.h>
#include <string.h>

#include "lib/inventory/internal.h"
#include "util/json.h"
#include "util/text.h"

static void json_people(FILE *out, const shuan_people_counts *p)
{
	fprintf(out, "{\"distinct\":%llu,\"sensitive\":%llu,\"minors\":%llu,\"exact\":%s,\"error_bound\":%.4f}",
		(unsigned long long)p->distinct, (unsigned long long)p->sensitive, (unsigned long long)p->minors,
		p->exact ? "true" : "false", p->error_bound);
}

/* The inventory's strings are "" when missing, never null (docs/inventory-schema.md). */
static void json_source(FILE *out, const shuan_inventory_source *s)
{
	const shuan_json_pair names[] = {
		{"source", SHUAN_JSON_TEXT, .s = s->source},
		{"kind", SHUAN_JSON_TEXT, .s = s->kind},
	};
	fputc('{', out);
	SHUAN_JSON_PAIRS(out, names);
	fprintf(out, ",\"tables\":%llu,\"rows_read\":%llu,\"sampled\":%s,\"errors\":", (unsigned long long)s->tables,
		(unsigned long long)s->rows_read, s->sampled ? "true" : "false");
	shuan_json_strings(out, s->errors, s->nerrors);
	fputs(",\"people\":", out);
	json_people(out, &s->people);
	fprintf(out, ",\"important_candidate\":{\"candidate\":%s,\"reasons\":", s->important_candidate ? "true" : "false");
	shuan_json_strings(out, s->reasons, s->nreasons);
	fputs("}}", out);
}

static void json_column(FILE *out, const shuan_inventory_column *c)
{
	const shuan_json_pair names[] = {
		{"source", SHUAN_JSON_TEXT, .s = c->source},
		{"table", SHUAN_JSON_TEXT, .s = c->table},
		{"column", SHUAN_JSON_TEXT, .s = c->column},
		{"comment", SHUAN_JSON_TEXT, .s = c->comment},
		{"type", SHUAN_JSON_TEXT, .s = c->type},
		{"data_type", SHUAN_JSON_TEXT, .s = c->data_type},
		{"label", SHUAN_JSON_TEXT, .s = c->label},
	};
	const shuan_json_pair grading[] = {
		{"category", SHUAN_JSON_TEXT, .s = c->category},
		{"pi", SHUAN_JSON_BOOL, .b = c->pi},
		{"sensitive", SHUAN_JSON_BOOL, .b = c->sensitive},
		{"spi_category", SHUAN_JSON_TEXT, .s = c->spi_category},
		{"grade", SHUAN_JSON_TEXT, .s = c->grade},
		{"sublevel", SHUAN_JSON_TEXT, .s = c->sublevel},
	};
	fputc('{', out);
	SHUAN_JSON_PAIRS(out, names);
	fprintf(out, ",\"hit_rate\":%.4f,\"sampled\":%llu,\"non_empty\":%llu,\"confidence\":%.2f,", c->hit_rate,
		(unsigned long long)c->sampled, (unsigned long long)c->non_empty, c->confidence);
	SHUAN_JSON_PAIRS(out, grading);
	fputs(",\"basis\":", out);
	shuan_json_strings(out, c->basis, c->nbasis);
	fputc('}', out);
}

int shuan_inv__report_json(const shuan_inventory *inv, FILE *out, const shuan_inventory_report *r)
{
	shuan_people_counts all;
	const shuan_json_pair head[] = {
		{"shuan_version", SHUAN_JSON_TEXT, .s = shuan_version()},
		{"generated", SHUAN_JSON_STR, .s = r->generated},
	};
	const shuan_json_pair profile[] = {
		{"id", SHUAN_JSON_TEXT, .s = inv->profile.id},
		{"label", SHUAN_JSON_TEXT, .s = inv->profile.label_zh},
		{"unverified", SHUAN_JSON_BOOL, .b = inv->profile.unverified},
		{"note", SHUAN_JSON_TEXT, .s = inv->profile.note},
	};
	shuan_people_counts_get(inv->people, &all);
	fprintf(out, "{\"type\":\"inventory\",\"schema_version\":\"%s\",\"run_id\":", SHUAN_INVENTORY_SCHEMA_VERSION);
	if (r->run_id)
		fprintf(out, "%lld,", (long long)r->run_id);
	else
		fputs("null,", out);
	SHUAN_JSON_PAIRS(out, head);
	fputs(",\"profile\":{", out);
	SHUAN_JSON_PAIRS(out, profile);
	fputs("},\"people\":", out);
	json_people(out, &all);
	fputs(",\"sources\":[", out);
	for (size_t i = 0; i < inv->sources.n; i++) {
		fputs(i ? "," : "", out);
		json_source(out, &SHUAN_VEC_AT(&inv->sources, inv_source, i).out);
	}
	fputs("],\"columns\":[", out);
	for (size_t i = 0; i < inv->cols.n; i++) {
		fputs(i ? "," : "", out);
		json_column(out, &SHUAN_VEC_AT(&inv->cols, inv_column, i).out);
	}
	fputs("]}\n", out);
	return ferror(out) ? SHUAN_EIO : 0;
}

static void people_line(FILE *out, const shuan_people_counts *p, bool sampled)
{
	fprintf(out, "%llu people 人 (sensitive PI 敏感个人信息 %llu, under 14 未满十四周岁 %llu)",
		(unsigned long long)p->distinct, (unsigned long long)p->sensitive, (unsigned long long)p->minors);
	if (!p->exact)
		fprintf(out, " [estimate 估计值, ±%.1f%% (1 s.e.)]", 100 * p->error_bound);
	if (sampled)
		fputs(" [sample-based 抽样所得: run --full for exact counts]", out);
}

int shuan_inv__report_text(const shuan_inventory *inv, FILE *out, const shuan_inventory_report *r)
{
	const char *bold = r->color ? "\033[1m" : "", *red = r->color ? "\033[31m" : "", *off = r->color ? "\033[0m" : "";
	shuan_people_counts all;
	shuan_people_counts_get(inv->people, &all);
	fprintf(out, "%s== 数据分类分级清单 / data inventory ==%s\n", bold, off);
	fprintf(out, "profile 分级配置: %s (%s)%s\n", inv->profile.id, inv->profile.label_zh,
		inv->profile.unverified ? "  [configurable default 可配置默认值]" : "");
	fputs("grades 级别: every column is 一般数据; 重要数据/核心数据 are designated by the authorities only, shuan lists "
	      "重要数据候选 (candidates) with reasons.\n",
	      out);
	for (size_t i = 0; i < inv->sources.n; i++) {
		const inv_source *is = &SHUAN_VEC_AT(&inv->sources, inv_source, i);
		const shuan_inventory_source *s = &is->out;
		fprintf(out, "\n%ssource 数据源: ", bold);
		shuan_fputs_safe(out, s->source);
		fprintf(out, "%s (%s, %llu tables/files, %llu rows read)\n  ", off, s->kind, (unsigned long long)s->tables,
			(unsigned long long)s->rows_read);
		people_line(out, &s->people, s->sampled);
		fputc('\n', out);
		for (size_t k = 0; k < s->nreasons; k++)
			fprintf(out, "  %s重要数据候选 candidate:%s %s\n", red, off, s->reasons[k]);
		for (size_t k = 0; k < s->nerrors; k++) {
			fputs("  error 错误: ", out);
			shuan_fputs_safe(out, s->errors[k]);
			fputc('\n', out);
		}
		for (size_t t = 0; t < inv->tables.n; t++) {
			const inv_table *tb = &SHUAN_VEC_AT(&inv->tables, inv_table, t);
			if (strcmp(tb->source, s->source))
				continue;
			fputs("  table 表: ", out);
			shuan_fputs_safe(out, tb->name);
			fprintf(out, "  (%llu rows, %s)\n", (unsigned long long)tb->rows, tb->method[0] ? tb->method : "-");
			for (size_t c = tb->first_col; c < tb->first_col + tb->ncols; c++) {
				const shuan_inventory_column *col = &SHUAN_VEC_AT(&inv->cols, inv_column, c).out;
				fputs("    ", out);
				shuan_fputs_safe(out, col->column);
				if (col->comment[0]) {
					fputs(" (", out);
					shuan_fputs_safe(out, col->comment);
					fputc(')', out);
				}
				if (col->pi)
					fprintf(out, "  %s%s%s %s  %s  %s %s", col->sensitive ? red : "", col->label, off,
						col->data_type, col->category, col->grade, col->sublevel);
				else
					fprintf(out, "  -  %s %s", col->grade, col->sublevel);
				if (col->sensitive)
					fprintf(out, "  %s[敏感: %s]%s", red, col->spi_category, off);
				fprintf(out, "  hit %.0f%% of %llu, conf %.2f\n", 100 * col->hit_rate,
					(unsigned long long)col->non_empty, col->confidence);
			}
		}
	}
	fprintf(out, "\n%soverall 合计:%s ", bold, off);
	people_line(out, &all, false);
	fputc('\n', out);
	return ferror(out) ? SHUAN_EIO : 0;
}

static void csv_cell(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int shuan_inv__report_csv(const shuan_inventory *inv, FILE *out, const shuan_inventory_report *r)
{
	(void)r;
	fputs("source,table,column,comment,type,data_type,label,category,pi,sensitive,spi_category,grade,sublevel,"
	      "hit_rate,sampled,non_empty,confidence,basis\n",
	      out);
	for (size_t i = 0; i < inv->cols.n; i++) {
		const shuan_inventory_column *c = &SHUAN_VEC_AT(&inv->cols, inv_column, i).out;
		const char *strs[] = {c->source, c->table, c->column, c->comment, c->type, c->data_type, c->label, c->category};
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++) {
			csv_cell(out, strs[k]);
			fputc(',', out);
		}
		fprintf(out, "%s,%s,", c->pi ? "true" : "false", c->sensitive ? "true" : "false");
		csv_cell(out, c->spi_category);
		fputc(',', out);
		csv_cell(out, c->grade);
		fputc(',', out);
		csv_cell(out, c->sublevel);
		fprintf(out, ",%.4f,%llu,%llu,%.2f,\"", c->hit_rate, (unsigned long long)c->sampled,
			(unsigned long long)c->non_empty, c->confidence);
		for (size_t k = 0; k < c->nbasis; k++) {
			if (k)
				fputs("; ", out);
			for (const char *s = c->basis[k]; *s; s++) {
				if (*s == '"')
					fputc('"', out);
				fputc(*s, out);
			}
		}
		fputs("\"\n", out);
	}
	return ferror(out) ? SHUAN_EIO : 0;
}
