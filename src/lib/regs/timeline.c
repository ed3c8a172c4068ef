/*
 * lib/regs/timeline.c - the catalogue in time: a chronological list for
 * `regs timeline` and the monthly digest for `regs digest`, written like the
 * source articles (grouped by sector, then level) in Markdown or HTML.
 *
 * The digest is built in a bounded growable buffer (1 MiB); going past it
 * returns SHUAN_ELIMIT rather than growing without end.
 */
#include "lib/regs/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"

#define DIGEST_MAX ((size_t)1 << 20)

static int by_date(const void *a, const void *b)
{
	const shuan_regs_entry *x = *(const shuan_regs_entry *const *)a,
	                       *y = *(const shuan_regs_entry *const *)b;
	int c = strcmp(shuan_regs_entry_date(x), shuan_regs_entry_date(y));
	return c ? c : strcmp(x->id, y->id);
}

int shuan_regs_timeline(shuan_regs *r, const shuan_regs_filter *f, const shuan_regs_entry ***out, size_t *n)
{
	const shuan_regs_entry **list = shuan_malloc((r->nitems ? r->nitems : 1) * sizeof(*list));
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!list)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < r->nitems; i++) {
		const shuan_regs_entry *e = &r->items[i]->e;
		if (shuan_regs_entry_date(e) && shuan_regs__filter_ok(r, e, f))
			list[k++] = e;
	}
	qsort(list, k, sizeof(*list), by_date);
	*out = list;
	*n = k;
	return 0;
}

typedef shuan_buf sbuf;
#define sb_printf(b, ...) ((void)shuan_buf_addf((b), __VA_ARGS__))

/* Appends s escaped for HTML (or as is for Markdown). */
static void sb_text(sbuf *b, const char *s, bool html)
{
	if (!s)
		return;
	if (!html) {
		sb_printf(b, "%s", s);
		return;
	}
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '<':
			sb_printf(b, "&lt;");
			break;
		case '>':
			sb_printf(b, "&gt;");
			break;
		case '&':
			sb_printf(b, "&amp;");
			break;
		case '"':
			sb_printf(b, "&quot;");
			break;
		default:
			sb_printf(b, "%c", *p);
			break;
		}
	}
}

static bool dated_in(const shuan_regs_date *d, size_t n, const char *month)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(d[i].date, month, 7))
			return true;
	return false;
}

static const char *date_in(const shuan_regs_date *d, size_t n, const char *month)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(d[i].date, month, 7))
			return d[i].date;
	return "";
}

static void item(sbuf *b, const shuan_regs_entry *e, const char *date, bool html)
{
	if (html)
		sb_printf(b, "<li><b>");
	else
		sb_printf(b, "- **");
	sb_text(b, date, html);
	sb_printf(b, html ? "</b> 《" : "** 《");
	sb_text(b, e->title, html);
	sb_printf(b, "》");
	if (e->doc_number) {
		sb_printf(b, "（");
		sb_text(b, e->doc_number, html);
		sb_printf(b, "）");
	}
	sb_printf(b, " — ");
	for (size_t i = 0; i < e->nissuers; i++) {
		sb_printf(b, "%s", i ? "、" : "");
		sb_text(b, e->issuers[i], html);
	}
	sb_printf(b, " · %s · ", e->status);
	sb_text(b, e->summary, html);
	sb_printf(b, html ? " <code>%s</code></li>\n" : " `%s`\n", e->id);
}

/* A digest row: an entry and whether it was printed already. */
typedef struct drow {
	const shuan_regs_entry *e;
	bool done;
} drow;

static int by_row_date(const void *a, const void *b)
{
	const shuan_regs_entry *x = ((const drow *)a)->e, *y = ((const drow *)b)->e;
	const char *dx = shuan_regs_entry_date(x), *dy = shuan_regs_entry_date(y);
	int c = strcmp(dx ? dx : "", dy ? dy : "");
	return c ? c : strcmp(x->id, y->id);
}

int shuan_regs_digest(shuan_regs *r, const char *month, shuan_regs_format fmt, char **out)
{
	static const char *const sectors[] = {"通用", "数据要素", "数据跨境", "人工智能", "工业", "能源",
	                                      "交通", "金融",     "政务",     "智慧城市", "医疗", "地方"};
	static const char *const levels[] = {"法律",       "行政法规",     "部门规章", "规范性文件",
	                                     "地方性法规", "地方政府规章", "国家标准", "行业标准",
	                                     "地方标准",   "团体标准",     "实践指南", "境外"};
	const size_t nsec = sizeof(sectors) / sizeof(*sectors), nlev = sizeof(levels) / sizeof(*levels);
	bool html = fmt == SHUAN_REGS_HTML;
	sbuf b;
	drow *rows = NULL;
	size_t total = 0;
	int rc = 0;

	shuan_buf_init(&b, DIGEST_MAX);

	*out = NULL;
	if (!month || strlen(month) != 7 || !shuan_regs__valid_date(month)) {
		shuan_regs__seterr(r, "month must be YYYY-MM");
		return SHUAN_EINVAL;
	}
	/* rows[] lists the entries by date, so every group comes out in order;
	 * rows[i].done marks an entry printed under an earlier sector. */
	rows = shuan_malloc((r->nitems ? r->nitems : 1) * sizeof(*rows));
	if (!rows) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < r->nitems; i++) {
		rows[i].e = &r->items[i]->e;
		rows[i].done = false;
	}
	qsort(rows, r->nitems, sizeof(*rows), by_row_date);
	if (html)
		sb_printf(
		    &b,
		    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>shuan regs digest %s</title>"
		    "</head><body>\n<h1>法规动态 %s</h1>\n",
		    month, month);
	else
		sb_printf(&b, "# 法规动态 %s\n\n", month);
	/* Each entry appears once, under the first of its sectors in our order
	 * (entries with an unlisted sector go under 其他). */
	for (size_t s = 0; s <= nsec; s++) {
		bool sec_header = false;
		for (size_t l = 0; l <= nlev; l++) {
			bool lev_header = false;
			for (size_t i = 0; i < r->nitems; i++) {
				const shuan_regs_entry *e = rows[i].e;
				bool in_sec = false, known_level = false;
				if (rows[i].done || !dated_in(e->issued, e->nissued, month))
					continue;
				for (size_t k = 0; k < nlev; k++)
					known_level |= !strcmp(e->level, levels[k]);
				if (l < nlev ? strcmp(e->level, levels[l]) != 0 : known_level)
					continue;
				if (s < nsec) {
					for (size_t k = 0; k < e->nsectors; k++)
						in_sec |= !strcmp(e->sectors[k], sectors[s]);
				} else {
					in_sec = true;
				}
				if (!in_sec)
					continue;
				if (!sec_header) {
					sb_printf(&b, html ? "<h2>%s</h2>\n" : "## %s\n\n",
					          s < nsec ? sectors[s] : "其他");
					sec_header = true;
				}
				if (!lev_header) {
					sb_printf(&b, html ? "<h3>%s</h3>\n<ul>\n" : "### %s\n\n",
					          l < nlev ? levels[l] : "其他");
					lev_header = true;
				}
				item(&b, e, date_in(e->issued, e->nissued, month), html);
				rows[i].done = true;
				total++;
			}
			if (lev_header)
				sb_printf(&b, html ? "</ul>\n" : "\n");
		}
	}
	if (total == 0)
		sb_printf(&b, html ? "<p>本月无新发布条目 (no entries issued this month).</p>\n"
		                   : "本月无新发布条目 (no entries issued this month).\n\n");
	{
		bool header = false;
		for (size_t i = 0; i < r->nitems; i++) {
			const shuan_regs_entry *e = rows[i].e;
			if (!dated_in(e->effective, e->neffective, month))
				continue;
			if (!header) {
				sb_printf(&b, html ? "<h2>本月施行 (taking effect)</h2>\n<ul>\n"
				                   : "## 本月施行 (taking effect)\n\n");
				header = true;
			}
			item(&b, e, date_in(e->effective, e->neffective, month), html);
		}
		if (header)
			sb_printf(&b, html ? "</ul>\n" : "\n");
	}
	if (html)
		sb_printf(&b, "</body></html>\n");
	if (b.err) {
		rc = b.err;
		shuan_regs__seterr(r, rc == SHUAN_ELIMIT ? "digest larger than 1 MiB" : "out of memory");
		goto cleanup;
	}
	*out = shuan_buf_take(&b, NULL);
cleanup:
	shuan_buf_free(&b);
	shuan_free(rows);
	return rc;
}
