/*
 * lib/regs/ingest.c - extracts candidate instruments from a digest article
 * and matches them against the catalogue.
 *
 * The articles shuan reads come in three shapes, and the extractor handles
 * each line by shape:
 *
 *   prose     "3月21日，全国网安标委发布国家标准GB/T 43697   2024《数据安全技术
 *              数据分类分级规则》，自10月1日实施。"
 *              -> title, doc number GB/T 43697-2024, date 2024-03-21 (year from
 *                 the article), issuer 全国网络安全标准化技术委员会, effective
 *                 2024-10-01 (a date after the title followed by 实施/施行).
 *   table     "| 《工业控制系统网络安全防护指南》 | 1/19 | 工信部 |"
 *              -> a bare M/D cell is a date only inside a table row.
 *   record    "1. 《…应急预案（试行）》" then "发文机关：…", "发布日期：2024.10.29",
 *              "生效日期：…", "时效性：现行有效" lines filling in that title.
 *
 * Section headings (Markdown "#", a line that is all **bold**, or "一、…")
 * set the sector for the titles below them through ingest.yaml's keywords.
 * A title introduced by 根据/依据/按照… is a mention (a reference, not a
 * release): it is matched but not counted as new. Titles with the same
 * match key are merged, the first occurrence giving the line number.
 *
 * Matching: exact key of the title or an alias; then the key without draft
 * words, preferring an entry of the same draftness; then the document
 * number. A matched candidate is a conflict when its date is none of the
 * entry's issue/effective dates, its issuers share nothing with the
 * entry's, or it is a draft where the entry is final (or vice versa).
 */
#include "lib/regs/internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/alloc.h"
#include "util/io.h"

#define MAX_ISSUERS 12
#define MAX_CANDIDATES 5000
#define MAX_LINE 65536
#define MAX_COLUMNS 24

typedef struct cand {
	shuan_regs_candidate c;
	const char *issuers[MAX_ISSUERS];
	char key[REGS_MAX_KEY];
	bool via_alias;
} cand;

typedef struct ingest {
	shuan_regs *r;
	shuan_regs_report *rep;
	regs_arena *a;
	cand *cands;
	size_t n, cap;
	int year;
	const char *sector;
	long record; /* index of the title a record block fills in, or -1 */
	const char *heading_issuers[MAX_ISSUERS]; /* named in the last heading (一、国家网信办) */
	size_t nheading_issuers;
	const char *columns[MAX_COLUMNS]; /* the current table's header: the field of each cell, or NULL */
	size_t ncolumns;
	char *line;  /* MAX_LINE bytes of scratch for the folded line */
	bool oom;
} ingest;

struct report_box {
	shuan_regs_report rep;
	regs_arena arena;
};

/* ---- small string helpers ---- */

static bool starts(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);
	return len >= n && !memcmp(s, w, n);
}

static bool ends(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);
	return len >= n && !memcmp(s + len - n, w, n);
}

static const char *find(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);
	for (size_t i = 0; n && i + n <= len; i++)
		if (!memcmp(s + i, w, n))
			return s + i;
	return NULL;
}

static void trim(const char **s, size_t *len)
{
	while (*len && ((*s)[0] == ' ' || (*s)[0] == '\t' || (*s)[0] == '\r'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

static const char *adup(ingest *g, const char *s, size_t n)
{
	const char *d = shuan_regs__strndup(g->a, s, n);
	if (!d)
		g->oom = true;
	return d;
}

/* ---- vocabulary lookups ---- */

static const char *status_of_text(const shuan_regs *r, const char *s, size_t len)
{
	for (size_t i = 0; i < r->nstatus_words; i++)
		if (find(s, len, r->status_words[i].word))
			return r->status_words[i].value;
	return NULL;
}

static const char *sector_of_heading(const shuan_regs *r, const char *s, size_t len)
{
	char key[REGS_MAX_KEY], tmp[REGS_MAX_KEY];
	size_t n = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	shuan_regs_title_key(tmp, key, sizeof(key));
	for (size_t i = 0; i < r->nsector_words; i++)
		if (strstr(key, r->sector_words[i].word))
			return r->sector_words[i].value;
	return NULL;
}

static bool ignored(const shuan_regs *r, const char *key)
{
	for (size_t i = 0; i < r->nignore; i++)
		if (!strcmp(r->ignore_keys[i], key))
			return true;
	return false;
}

/* ---- candidates ---- */

static void add_issuers(cand *c, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < c->c.nissuers && !dup; j++)
			dup = !strcmp(c->issuers[j], names[i]);
		if (!dup && c->c.nissuers < MAX_ISSUERS)
			c->issuers[c->c.nissuers++] = names[i];
	}
}

/* Returns the index of the candidate for this title (merging duplicates),
 * or -1 (ignored title, limit, or out of memory). */
static long add_title(ingest *g, const char *title, size_t tlen, int line, bool mention)
{
	char key[REGS_MAX_KEY], tmp[REGS_MAX_KEY];
	size_t n = tlen < sizeof(tmp) - 1 ? tlen : sizeof(tmp) - 1;
	cand *c;

	memcpy(tmp, title, n);
	tmp[n] = '\0';
	shuan_regs_title_key(tmp, key, sizeof(key));
	if (!key[0] || ignored(g->r, key))
		return -1;
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->cands[i].key, key)) {
			if (!mention)
				g->cands[i].c.mention = 0;
			return (long)i;
		}
	if (g->n >= MAX_CANDIDATES)
		return -1;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		cand *nc = shuan_realloc(g->cands, cap * sizeof(*nc));
		if (!nc) {
			g->oom = true;
			return -1;
		}
		g->cands = nc;
		g->cap = cap;
	}
	c = &g->cands[g->n];
	memset(c, 0, sizeof(*c));
	memcpy(c->key, key, sizeof(key));
	c->c.title = adup(g, tmp, n);
	c->c.line = line;
	c->c.mention = mention;
	c->c.sector = g->sector;
	return (long)g->n++;
}

/* ---- pieces of a line ---- */

/* A standard number written just before 《: "GB/T 43697-2024", "GB/T 43697   2024",
 * "TC260 003". Returns an arena string or NULL. */
static const char *std_before(ingest *g, const char *line, size_t pos)
{
	static const char *const codes[] = {"GB/T", "GB/Z", "GA/T", "JR/T", "YD/T", "GB", "GA", "TC260"};
	size_t from = pos > 48 ? pos - 48 : 0;
	for (size_t c = 0; c < sizeof(codes) / sizeof(*codes); c++) {
		const char *hit = NULL, *p = line + from;
		size_t cl = strlen(codes[c]);
		while ((p = find(p, (size_t)(line + pos - p), codes[c]))) {
			hit = p;
			p += cl;
		}
		if (!hit)
			continue;
		const char *q = hit + cl, *end = line + pos;
		char num[32], year[8] = "";
		size_t nn = 0, yn = 0;
		while (q < end && (*q == ' ' || *q == '-'))
			q++;
		while (q < end && ((*q >= '0' && *q <= '9') || *q == '.') && nn < sizeof(num) - 1)
			num[nn++] = *q++;
		num[nn] = '\0';
		if (!nn)
			continue;
		while (q < end && (*q == ' ' || *q == '-'))
			q++;
		if (end - q >= 3 && !memcmp(q, "—", 3))
			q += 3;
		while (q < end && *q == ' ')
			q++;
		while (q < end && *q >= '0' && *q <= '9' && yn < 4)
			year[yn++] = *q++;
		year[yn] = '\0';
		while (q < end && *q == ' ')
			q++;
		if (q != end)
			continue;
		char out[64];
		if (!strcmp(codes[c], "TC260"))
			snprintf(out, sizeof(out), "TC260-%s", num);
		else if (yn == 4)
			snprintf(out, sizeof(out), "%s %s-%s", codes[c], num, year);
		else
			snprintf(out, sizeof(out), "%s %s", codes[c], num);
		return adup(g, out, strlen(out));
	}
	return NULL;
}

static bool is_mention_prefix(const char *line, size_t pos)
{
	static const char *const words[] = {"根据", "依据", "按照", "遵照", "参照", "落实", "贯彻",
	                                    "对照", "加强", "违反", "违反了", "依照", "符合", "适用", "参考"};
	size_t p = pos;
	while (p && line[p - 1] == ' ')
		p--;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (ends(line, p, words[i]))
			return true;
	return false;
}

typedef struct span {
	size_t start, end;   /* 《 .. 》 inclusive of the brackets */
	size_t tstart, tend; /* the title inside */
	size_t after;        /* first byte after trailing status/doc groups */
	long idx;            /* candidate */
	bool mention;
} span;

#define MAX_SPANS 64

/* Finds 《…》 spans (with nesting) in a line. */
static size_t find_spans(const char *s, size_t len, span *sp, size_t cap)
{
	size_t n = 0, i = 0;
	while (i + 3 <= len && n < cap) {
		if (memcmp(s + i, "《", 3)) {
			i++;
			continue;
		}
		size_t j = i + 3;
		int depth = 1;
		while (j + 3 <= len && depth > 0) {
			if (!memcmp(s + j, "《", 3))
				depth++;
			else if (!memcmp(s + j, "》", 3))
				depth--;
			if (depth > 0)
				j++;
		}
		if (depth != 0)
			break;
		sp[n].start = i;
		sp[n].tstart = i + 3;
		sp[n].tend = j;
		sp[n].end = j + 3;
		n++;
		i = j + 3;
	}
	return n;
}

/* Reads bracket groups right after a title: status groups like （征求意见稿）
 * are appended to the title, a group holding 〔YYYY〕…号 becomes the
 * document number. Returns the title (arena) and advances *pos. */
static const char *title_with_suffix(ingest *g, const char *s, size_t len, size_t tstart, size_t tend,
                                     size_t *pos, const char **status, const char **docno)
{
	char buf[2048];
	size_t bn = 0, p = *pos;
	size_t tl = tend - tstart;
	const char *t = s + tstart;

	trim(&t, &tl);
	if (tl >= sizeof(buf) - 64)
		tl = sizeof(buf) - 64;
	memcpy(buf, t, tl);
	bn = tl;
	for (;;) {
		size_t q = p, open = 0;
		while (q < len && s[q] == ' ')
			q++;
		if (starts(s + q, len - q, "（"))
			open = 3;
		else if (q < len && s[q] == '(')
			open = 1;
		if (!open) {
			/* a bare 征求意见稿 right after 》 */
			if (starts(s + q, len - q, "征求意见稿")) {
				if (bn + 20 < sizeof(buf)) {
					memcpy(buf + bn, "（征求意见稿）", strlen("（征求意见稿）"));
					bn += strlen("（征求意见稿）");
				}
				*status = "征求意见稿";
				p = q + strlen("征求意见稿");
			}
			break;
		}
		size_t c = q + open, e = c;
		while (e < len && !starts(s + e, len - e, "）") && s[e] != ')' && e - c < 120)
			e++;
		if (e >= len || e - c >= 120)
			break;
		size_t close = s[e] == ')' ? 1 : 3;
		const char *st = status_of_text(g->r, s + c, e - c);
		if ((find(s + c, e - c, "〔") || find(s + c, e - c, "令第")) && find(s + c, e - c, "号")) {
			/* the number ends at its 号: "财会〔2024〕6号，以下简称《暂行办法》" */
			const char *mark = find(s + c, e - c, "〔");
			if (!mark)
				mark = find(s + c, e - c, "令第");
			const char *hao = find(mark, (size_t)(s + e - mark), "号");
			*docno = hao ? adup(g, s + c, (size_t)(hao + 3 - (s + c))) : NULL;
		} else if (st && e - c <= 24) {
			if (bn + (e - c) + 8 < sizeof(buf)) {
				memcpy(buf + bn, "（", 3);
				memcpy(buf + bn + 3, s + c, e - c);
				memcpy(buf + bn + 3 + (e - c), "）", 3);
				bn += (e - c) + 6;
			}
			*status = st;
		} else {
			break;
		}
		p = e + close;
	}
	*pos = p;
	return adup(g, buf, bn);
}

/* The status a title's own words give (（试行）, （征求意见稿） inside it). */
static const char *status_in_title(const shuan_regs *r, const char *t)
{
	size_t n = strlen(t);
	const char *best = NULL;
	/* Only bracketed words count: 暂行 in 暂行办法 is part of the name, but
	 * also a status word the issue asks to report. */
	for (size_t i = 0; i < r->nstatus_words; i++) {
		char br[64];
		snprintf(br, sizeof(br), "（%s）", r->status_words[i].word);
		if (find(t, n, br) && (!best || shuan_regs__is_draft_status(r->status_words[i].value)))
			best = r->status_words[i].value;
	}
	if (!best && find(t, n, "暂行"))
		best = status_of_text(r, "暂行", strlen("暂行"));
	return best;
}

static void set_date(ingest *g, const char **dst, const char *d)
{
	if (!*dst)
		*dst = adup(g, d, 10);
}

/* Processes a "发文机关：…" style line for the current record. Returns true
 * when the line was a record field. */
static bool record_line(ingest *g, const char *s, size_t len)
{
	static const char *const fields[] = {"发文机关", "发布机关", "发布单位", "发布日期",
	                                     "印发日期", "成文日期", "生效日期", "施行日期",
	                                     "实施日期", "时效性",   "效力状态"};
	size_t f, p;
	cand *c;

	for (f = 0; f < sizeof(fields) / sizeof(*fields); f++)
		if (starts(s, len, fields[f]))
			break;
	if (f == sizeof(fields) / sizeof(*fields))
		return false;
	p = strlen(fields[f]);
	while (p < len && s[p] == ' ')
		p++;
	if (starts(s + p, len - p, "："))
		p += 3;
	else if (p < len && s[p] == ':')
		p++;
	else
		return false;
	if (g->record < 0)
		return true;
	c = &g->cands[g->record];
	while (p < len && s[p] == ' ')
		p++;
	if (f <= 2) {
		const char *names[MAX_ISSUERS];
		size_t n = shuan_regs__find_authorities(g->r, s + p, len - p, names, 0, MAX_ISSUERS);
		add_issuers(c, names, n);
	} else if (f <= 8) {
		char d[11];
		size_t used;
		if (shuan_regs__parse_date(s + p, len - p, g->year, false, d, &used)) {
			if (f <= 5)
				c->c.date = adup(g, d, 10);
			else
				c->c.effective = adup(g, d, 10);
		}
	} else {
		const char *st = status_of_text(g->r, s + p, len - p);
		if (st)
			c->c.status = st;
	}
	return true;
}

/* Decorations WeChat and web exports put before a heading: ▌一、工业领域. */
static size_t decoration(const char *s, size_t len)
{
	static const char *const marks[] = {"▌", "▍", "▎", "■", "◆", "●", "★", "☆", "▶", "►", "◼"};
	size_t p = 0;
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++)
			if (starts(s + p, len - p, marks[i])) {
				p += strlen(marks[i]);
				more = true;
			}
		while (p < len && s[p] == ' ')
			p++;
	}
	return p;
}

static bool is_heading(const char *s, size_t len, const char **text, size_t *tlen)
{
	size_t deco = decoration(s, len);
	if (deco) {
		s += deco;
		len -= deco;
	}
	/* 【工业领域】 */
	if (starts(s, len, "【") && ends(s, len, "】") && len < 60 && !find(s, len, "《")) {
		*text = s + 3;
		*tlen = len - 6;
		return true;
	}
	if (len && s[0] == '#') {
		size_t i = 0;
		while (i < len && s[i] == '#')
			i++;
		*text = s + i;
		*tlen = len - i;
		trim(text, tlen);
		return true;
	}
	if (len > 4 && starts(s, len, "**") && ends(s, len, "**") && !find(s + 2, len - 4, "**")) {
		*text = s + 2;
		*tlen = len - 4;
		trim(text, tlen);
		return true;
	}
	static const char *const nums[] = {"一、", "二、", "三、", "四、", "五、",
	                                   "六、", "七、", "八、", "九、", "十、"};
	for (size_t i = 0; i < sizeof(nums) / sizeof(*nums); i++)
		if (starts(s, len, nums[i]) && len < 60 && !find(s, len, "《")) {
			*text = s;
			*tlen = len;
			return true;
		}
	/* （一）工业和信息化部 */
	static const char *const sub[] = {"（一）", "（二）", "（三）", "（四）", "（五）",
	                                  "（六）", "（七）", "（八）", "（九）", "（十）"};
	for (size_t i = 0; i < sizeof(sub) / sizeof(*sub); i++)
		if (starts(s, len, sub[i]) && len < 60 && !find(s, len, "《")) {
			*text = s;
			*tlen = len;
			return true;
		}
	return deco > 0 && len < 60 && !find(s, len, "《") && !find(s, len, "，") && !find(s, len, "。") &&
	       (*text = s, *tlen = len, true);
}

/* Scans dates outside title spans. kind: 0 = before the first title (issue
 * date), 1 = an effective date (自…起施行 / …实施 / …生效 after a title). */
static void line_dates(ingest *g, const char *s, size_t len, const span *sp, size_t ns, bool table,
                       char issue[11], char eff[11])
{
	size_t i = 0, k = 0;
	issue[0] = eff[0] = '\0';
	while (i < len) {
		char d[11];
		size_t used;
		if (k < ns && i >= sp[k].start) {
			i = sp[k].end > i ? sp[k].end : i + 1;
			k++;
			continue;
		}
		if (i > 0 && ((s[i - 1] >= '0' && s[i - 1] <= '9') || s[i - 1] == '.' || s[i - 1] == '/' ||
		              s[i - 1] == '-')) {
			i++;
			continue;
		}
		if (shuan_regs__parse_date(s + i, len - i, g->year, table, d, &used)) {
			const char *rest = s + i + used;
			size_t rl = len - i - used;
			bool effective = (i >= 3 && !memcmp(s + i - 3, "自", 3)) ||
			                 starts(rest, rl, "起施行") || starts(rest, rl, "起实施") ||
			                 starts(rest, rl, "实施") || starts(rest, rl, "施行") ||
			                 starts(rest, rl, "正式实施") || starts(rest, rl, "起生效") ||
			                 starts(rest, rl, "生效") || starts(rest, rl, "起正式实施");
			/* "于 2024 年 3 月 22 日公布并施行": issued and in force that day */
			bool both = starts(rest, rl, "公布并施行") || starts(rest, rl, "发布并施行") ||
			            starts(rest, rl, "印发并施行") || starts(rest, rl, "公布施行") ||
			            starts(rest, rl, "发布并实施") || starts(rest, rl, "公布并实施");
			if (both) {
				if (!issue[0])
					memcpy(issue, d, 11);
				if (!eff[0])
					memcpy(eff, d, 11);
			} else if (effective && !eff[0] && (ns == 0 || i > sp[0].start))
				memcpy(eff, d, 11);
			else if (!effective && !issue[0] && (ns <= 1 || i < sp[0].start || table))
				memcpy(issue, d, 11); /* one title: "《X》于2024年3月1日发布" too */
			i += used;
			continue;
		}
		i++;
	}
}

/* The cells of a table row: [start, end) of each between '|'. */
static size_t table_split(const char *s, size_t len, size_t *cs, size_t *ce, size_t cap)
{
	size_t n = 0, i = s[0] == '|' ? 1 : 0;
	while (i < len && n < cap) {
		size_t e = i;
		while (e < len && s[e] != '|')
			e++;
		if (e >= len && (e == i || s[len - 1] == '|'))
			break;
		size_t a = i, b = e;
		while (a < b && s[a] == ' ')
			a++;
		while (b > a && s[b - 1] == ' ')
			b--;
		cs[n] = a;
		ce[n] = b;
		n++;
		i = e + 1;
	}
	return n;
}

/* "| 序号 | 名称 | 发文机关 | 文号 | 发布日期 | 施行日期 |": the field of each
 * column, from ingest.yaml's table_columns (a header names at least two). */
static void table_header(ingest *g, const char *s, size_t len)
{
	size_t cs[MAX_COLUMNS], ce[MAX_COLUMNS], n = table_split(s, len, cs, ce, MAX_COLUMNS), known = 0;
	const char *cols[MAX_COLUMNS];
	for (size_t i = 0; i < n; i++) {
		cols[i] = NULL;
		for (size_t w = 0; w < g->r->ncolumn_words && !cols[i]; w++)
			if (ce[i] - cs[i] == strlen(g->r->column_words[w].word) &&
			    !memcmp(s + cs[i], g->r->column_words[w].word, ce[i] - cs[i]))
				cols[i] = g->r->column_words[w].value;
		known += cols[i] != NULL;
	}
	if (known < 2)
		return;
	memcpy(g->columns, cols, n * sizeof(*cols));
	g->ncolumns = n;
}

/* Fills a row's candidate from the cells under the header's columns. */
static void table_cells(ingest *g, cand *c, const char *s, size_t len)
{
	size_t cs[MAX_COLUMNS], ce[MAX_COLUMNS], n = table_split(s, len, cs, ce, MAX_COLUMNS);
	for (size_t i = 0; i < n && i < g->ncolumns; i++) {
		const char *f = g->columns[i], *v = s + cs[i];
		size_t vl = ce[i] - cs[i];
		char d[11];
		size_t used;
		if (!f || !vl || (vl == 1 && (v[0] == '-' || v[0] == '/')))
			continue;
		if (!strcmp(f, "doc_number") && !c->c.doc_number) {
			c->c.doc_number = adup(g, v, vl);
		} else if (!strcmp(f, "date") || !strcmp(f, "effective")) {
			if (!shuan_regs__parse_date(v, vl, g->year, true, d, &used))
				continue;
			const char **dst = !strcmp(f, "date") ? &c->c.date : &c->c.effective;
			/* the column says which date it is: it wins over a guess */
			*dst = adup(g, d, 10);
		} else if (!strcmp(f, "issuers")) {
			const char *names[MAX_ISSUERS];
			size_t k = shuan_regs__find_authorities(g->r, v, vl, names, 0, MAX_ISSUERS);
			add_issuers(c, names, k);
		} else if (!strcmp(f, "status")) {
			const char *st = status_of_text(g->r, v, vl);
			if (st)
				c->c.status = st;
		}
	}
}

static void process_line(ingest *g, const char *raw, size_t rawlen, int lineno)
{
	char *s = g->line;
	span sp[MAX_SPANS];
	size_t len, ns;
	const char *ht;
	size_t hl;
	bool table;
	char issue[11], eff[11];
	bool prev_mention = false;

	len = shuan_regs__fold(raw, rawlen < MAX_LINE / 2 ? rawlen : MAX_LINE / 2, s, MAX_LINE);
	{
		const char *t = s;
		size_t tl = len;
		trim(&t, &tl);
		memmove(s, t, tl);
		len = tl;
		s[len] = '\0';
	}
	if (!len)
		return;
	if (is_heading(s, len, &ht, &hl) && !find(ht, hl, "《")) {
		const char *sector = sector_of_heading(g->r, ht, hl);
		/* a sub-heading without a sector keeps its section's */
		if (sector || !starts(ht, hl, "（"))
			g->sector = sector;
		/* "一、国家网信办": the titles below are its */
		g->nheading_issuers =
		    shuan_regs__find_authorities(g->r, ht, hl, g->heading_issuers, 0, MAX_ISSUERS);
		g->record = -1;
		g->ncolumns = 0;
		return;
	}
	if (record_line(g, s, len))
		return;
	table = s[0] == '|';
	if (!table)
		g->ncolumns = 0;
	if (table && !find(s, len, "《") && !find(s, len, "---"))
		table_header(g, s, len);
	if (table && (find(s, len, "---") || !find(s, len, "《")) && !find(s, len, "修改"))
		return;
	ns = find_spans(s, len, sp, MAX_SPANS);
	if (ns == 0)
		return;
	line_dates(g, s, len, sp, ns, table, issue, eff);
	for (size_t k = 0; k < ns; k++) {
		const char *status = NULL, *docno = NULL, *title;
		size_t after = sp[k].end, pre = sp[k].start;
		bool mention;
		long idx;
		char tb[2300];

		/* Hundreds of characters between 《 and 》 are not a title. */
		if (sp[k].tend - sp[k].tstart > 600) {
			sp[k].idx = -1;
			continue;
		}
		/* "（以下简称《X》）" defines an abbreviation, not a title. */
		if (pre >= 12 &&
		    find(s + (pre > 24 ? pre - 24 : 0), pre - (pre > 24 ? pre - 24 : 0), "简称")) {
			sp[k].idx = -1;
			sp[k].mention = true;
			continue;
		}
		title = title_with_suffix(g, s, len, sp[k].tstart, sp[k].tend, &after, &status, &docno);
		if (!title)
			return;
		/* 修改《X》: the amendment, not X. */
		if (pre >= 6 && !memcmp(s + pre - 6, "修改", 6) && strlen(title) + 16 < sizeof(tb)) {
			snprintf(tb, sizeof(tb), "修改《%s》", title);
			title = adup(g, tb, strlen(tb));
			if (!title)
				return;
		}
		mention = is_mention_prefix(s, pre) ||
		          (prev_mention && k > 0 &&
		           (pre == sp[k - 1].end || (pre - sp[k - 1].end <= 3 &&
		                                     (find(s + sp[k - 1].end, pre - sp[k - 1].end, "、") ||
		                                      find(s + sp[k - 1].end, pre - sp[k - 1].end, "和") ||
		                                      find(s + sp[k - 1].end, pre - sp[k - 1].end, "及")))));
		if (starts(s + after, len - after, "等"))
			mention = true;
		prev_mention = mention;
		sp[k].mention = mention;
		idx = add_title(g, title, strlen(title), lineno, mention);
		sp[k].idx = idx;
		if (idx < 0)
			continue;
		cand *c = &g->cands[idx];
		if (!status)
			status = status_in_title(g->r, title);
		if (status && !c->c.status)
			c->c.status = status;
		if (!c->c.doc_number)
			c->c.doc_number = docno ? docno : std_before(g, s, sp[k].start);
		if (!c->c.sector)
			c->c.sector = g->sector;
		/* A line that is only this title starts a record block. */
		{
			size_t lead = 0;
			while (lead < sp[k].start && ((s[lead] >= '0' && s[lead] <= '9') || s[lead] == '.' ||
			                              s[lead] == ' ' || s[lead] == '\t'))
				lead++;
			if (ns == 1 && lead == sp[k].start && !table)
				g->record = idx;
		}
		if (mention)
			continue;
		if (issue[0])
			set_date(g, &c->c.date, issue);
		if (eff[0])
			set_date(g, &c->c.effective, eff);
		if (!c->c.status && !table && (find(s, len, "征求意见") || find(s, len, "征集意见")))
			c->c.status = "征求意见稿";
		/* Issuers: between the previous title and this one, else from the
		 * line start; in a table, the cells without titles. */
		{
			const char *names[MAX_ISSUERS];
			size_t n = 0;
			if (table) {
				n = shuan_regs__find_authorities(g->r, s + sp[ns - 1].end,
				                                 len - sp[ns - 1].end, names, 0, MAX_ISSUERS);
			} else {
				size_t from = k > 0 ? sp[k - 1].end : 0;
				n = shuan_regs__find_authorities(g->r, s + from, sp[k].start - from, names, 0,
				                                 MAX_ISSUERS);
				/* "X按照《法》…发布了《办法》": the issuer precedes a mention. */
				if (n == 0 && k > 0 && sp[k - 1].mention)
					n = shuan_regs__find_authorities(g->r, s, sp[k].start, names, 0,
					                                 MAX_ISSUERS);
				/* "《X》于3月22日由网信办发布": the only title, issuer after it. */
				if (n == 0 && ns == 1)
					n = shuan_regs__find_authorities(g->r, s + sp[k].end, len - sp[k].end,
					                                 names, 0, MAX_ISSUERS);
			}
			if (n == 0 && !table) {
				/* none on the line: the heading's (一、国家网信办) */
				for (size_t h = 0; h < g->nheading_issuers && n < MAX_ISSUERS; h++)
					names[n++] = g->heading_issuers[h];
			}
			add_issuers(c, names, n);
		}
		if (table && g->ncolumns && k == 0)
			table_cells(g, c, s, len);
	}
}

/* ---- front matter and year ---- */

static const char *front_value(ingest *g, const char *text, size_t len, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;
	while (p < text + len) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		if (ll > kl + 1 && !memcmp(p, key, kl) && p[kl] == ':') {
			const char *v = p + kl + 1;
			size_t vl = ll - kl - 1;
			trim(&v, &vl);
			return vl ? adup(g, v, vl) : NULL;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

/* The article's year: the first "YYYY年" or "YYYY 年" in its opening text,
 * else the front-matter date's year, else this year. */
static int article_year(const char *text, size_t len, const char *fm_date)
{
	size_t n = len < 4096 ? len : 4096;
	for (size_t i = 0; i + 4 < n; i++) {
		if ((text[i] == '1' || text[i] == '2') &&
		    (i == 0 || text[i - 1] < '0' || text[i - 1] > '9')) {
			size_t j = i;
			int y = 0;
			while (j < n && j - i < 4 && text[j] >= '0' && text[j] <= '9')
				y = y * 10 + (text[j++] - '0');
			if (j - i != 4 || (j < n && text[j] >= '0' && text[j] <= '9'))
				continue;
			while (j < n && text[j] == ' ')
				j++;
			if (n - j >= 3 && !memcmp(text + j, "年", 3) && y >= 1990 && y <= 2100)
				return y;
		}
	}
	if (fm_date && strlen(fm_date) >= 4 && fm_date[0] >= '1' && fm_date[0] <= '2') {
		int y = 0;
		for (int i = 0; i < 4 && fm_date[i] >= '0' && fm_date[i] <= '9'; i++)
			y = y * 10 + (fm_date[i] - '0');
		if (y >= 1990 && y <= 2100)
			return y;
	}
	{
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		return tm.tm_year + 1900;
	}
}

/* ---- matching ---- */

static bool date_known(const shuan_regs_date *d, size_t n, const char *date)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(d[i].date, date, strlen(d[i].date)))
			return true;
	return false;
}

static const regs_item *match_item(const shuan_regs *r, cand *c)
{
	char base[REGS_MAX_KEY];
	bool draft;
	const regs_item *fallback = NULL;

	for (size_t i = 0; i < r->nitems; i++) {
		const regs_item *it = r->items[i];
		if (!strcmp(it->key, c->key))
			return it;
	}
	for (size_t i = 0; i < r->nitems; i++) {
		const regs_item *it = r->items[i];
		for (size_t k = 0; k < it->e.naliases; k++)
			if (!strcmp(it->alias_keys[k], c->key)) {
				c->via_alias = true;
				return it;
			}
	}
	memcpy(base, c->key, sizeof(base));
	draft = shuan_regs__strip_draft(base) || shuan_regs__is_draft_status(c->c.status);
	for (size_t i = 0; i < r->nitems; i++) {
		const regs_item *it = r->items[i];
		if (strcmp(it->base, base))
			continue;
		if (it->draft == draft)
			return it;
		if (!fallback)
			fallback = it;
	}
	if (fallback)
		return fallback;
	if (c->c.doc_number) {
		char k1[REGS_MAX_KEY], k2[REGS_MAX_KEY];
		shuan_regs_title_key(c->c.doc_number, k1, sizeof(k1));
		for (size_t i = 0; i < r->nitems; i++) {
			if (!r->items[i]->e.doc_number)
				continue;
			shuan_regs_title_key(r->items[i]->e.doc_number, k2, sizeof(k2));
			if (!strcmp(k1, k2))
				return r->items[i];
		}
	}
	return NULL;
}

static void match_all(ingest *g)
{
	shuan_regs_report *rep = g->rep;
	for (size_t i = 0; i < g->n && !g->oom; i++) {
		cand *c = &g->cands[i];
		const regs_item *it = match_item(g->r, c);
		char why[1024] = "";
		size_t wl = 0;

		c->c.issuers = c->issuers;
		if (!it) {
			c->c.match = SHUAN_REGS_NEW;
		} else {
			const shuan_regs_entry *e = &it->e;
			c->c.matched_id = e->id;
			if (c->c.date && (e->nissued || e->neffective) &&
			    !date_known(e->issued, e->nissued, c->c.date) &&
			    !date_known(e->effective, e->neffective, c->c.date))
				wl += (size_t)snprintf(why + wl, sizeof(why) - wl,
				                       "date %s not in catalogue (%s); ", c->c.date,
				                       shuan_regs_entry_date(e));
			if (wl < sizeof(why) && c->c.effective && e->neffective &&
			    !date_known(e->effective, e->neffective, c->c.effective))
				wl += (size_t)snprintf(why + wl, sizeof(why) - wl,
				                       "effective %s not in catalogue (%s); ", c->c.effective,
				                       e->effective[0].date);
			if (wl < sizeof(why) && c->c.status && !c->via_alias &&
			    shuan_regs__is_draft_status(c->c.status) !=
			        shuan_regs__is_draft_status(e->status))
				wl += (size_t)snprintf(why + wl, sizeof(why) - wl,
				                       "status %s vs catalogue %s; ", c->c.status, e->status);
			if (wl < sizeof(why) && c->c.nissuers && e->nissuers) {
				bool shared = false;
				for (size_t a = 0; a < c->c.nissuers && !shared; a++)
					for (size_t b = 0; b < e->nissuers && !shared; b++)
						shared = !strcmp(c->issuers[a], e->issuers[b]) ||
						         (shuan_regs__authority(g->r, e->issuers[b]) &&
						          !strcmp(shuan_regs__authority(g->r, e->issuers[b]),
						                  c->issuers[a]));
				if (!shared)
					wl += (size_t)snprintf(why + wl, sizeof(why) - wl,
					                       "issuer %s not in catalogue (%s); ",
					                       c->issuers[0], e->issuers[0]);
			}
			if (wl >= sizeof(why))
				wl = sizeof(why) - 1;
			if (wl >= 2) {
				why[wl - 2] = '\0';
				c->c.conflict = adup(g, why, strlen(why));
				c->c.match = SHUAN_REGS_CONFLICT;
			} else {
				c->c.match = SHUAN_REGS_MATCHED;
			}
		}
		if (c->c.mention)
			rep->nmentions++;
		else if (c->c.match == SHUAN_REGS_NEW)
			rep->nnew++;
		else if (c->c.match == SHUAN_REGS_MATCHED)
			rep->nmatched++;
		else
			rep->nconflicts++;
	}
}

/* ---- entry points ---- */

int shuan_regs_ingest_buffer(shuan_regs *r, const char *buf, size_t len, const char *name,
                             shuan_regs_report **out)
{
	struct report_box *box = NULL;
	regs_text t = {0};
	ingest g = {.r = r, .record = -1};
	shuan_regs_candidate *arr;
	const char *p, *end, *body;
	int rc, lineno = 0;

	*out = NULL;
	if (len > REGS_MAX_INPUT) {
		shuan_regs__seterr(r, "%s: larger than %zu bytes", name, REGS_MAX_INPUT);
		return SHUAN_ELIMIT;
	}
	box = shuan_calloc(1, sizeof(*box));
	g.line = shuan_malloc(MAX_LINE);
	if (!box || !g.line) {
		shuan_free(box);
		shuan_free(g.line);
		return SHUAN_ENOMEM;
	}
	g.rep = &box->rep;
	g.a = &box->arena;
	box->rep.path = adup(&g, name ? name : "-", strlen(name ? name : "-"));
	rc = shuan_regs__decode(buf, len, &t);
	if (rc == SHUAN_EINVAL) {
		shuan_regs__seterr(r, "%s: empty input", box->rep.path ? box->rep.path : "-");
		goto cleanup;
	}
	if (rc == SHUAN_EBINARY) {
		shuan_regs__seterr(r, "%s: binary or undecodable input (neither UTF-8 nor GBK)",
		                   box->rep.path ? box->rep.path : "-");
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	box->rep.encoding = t.encoding;
	box->rep.format = t.format;
	body = t.text;
	end = t.text + t.len;
	if (t.len >= 4 && !strncmp(t.text, "---\n", 4)) {
		const char *close = strstr(t.text + 4, "\n---");
		if (close) {
			size_t fl = (size_t)(close - t.text);
			box->rep.source_title = front_value(&g, t.text + 4, fl - 4, "title");
			box->rep.source_date = front_value(&g, t.text + 4, fl - 4, "date");
			box->rep.source_url = front_value(&g, t.text + 4, fl - 4, "url");
			box->rep.source_publisher = front_value(&g, t.text + 4, fl - 4, "source");
			body = close + 4;
			for (const char *q = t.text; q < body; q++)
				lineno += *q == '\n';
		}
	}
	g.year = article_year(body, (size_t)(end - body), box->rep.source_date);
	box->rep.year = g.year;
	for (p = body; p < end && !g.oom;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		process_line(&g, p, ll, lineno);
		p = nl ? nl + 1 : end;
	}
	if (!g.oom)
		match_all(&g);
	if (g.oom) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	arr = shuan_regs__alloc(&box->arena, (g.n ? g.n : 1) * sizeof(*arr));
	if (!arr) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	/* The issuer arrays point into g.cands: copy them into the arena. */
	for (size_t i = 0; i < g.n; i++) {
		arr[i] = g.cands[i].c;
		if (arr[i].nissuers) {
			const char **is = shuan_regs__alloc(&box->arena, arr[i].nissuers * sizeof(char *));
			if (!is) {
				rc = SHUAN_ENOMEM;
				goto cleanup;
			}
			memcpy(is, g.cands[i].issuers, arr[i].nissuers * sizeof(char *));
			arr[i].issuers = is;
		} else {
			arr[i].issuers = NULL;
		}
	}
	box->rep.candidates = arr;
	box->rep.ncandidates = g.n;
	if (g.n == 0) {
		shuan_regs__seterr(r, "%s: no 《titles》 found", box->rep.path);
		rc = SHUAN_EINVAL;
	}
	*out = &box->rep;
	box = NULL;
cleanup:
	shuan_free(g.cands);
	shuan_free(g.line);
	shuan_free(t.text);
	if (box) {
		shuan_regs__arena_free(&box->arena);
		shuan_free(box);
	}
	return rc;
}

int shuan_regs_ingest_file(shuan_regs *r, const char *path, shuan_regs_report **out)
{
	char *buf = NULL;
	size_t n;
	int rc;

	*out = NULL;
	rc = shuan_io_read_file(path, REGS_MAX_INPUT, &buf, &n);
	if (rc == SHUAN_ELIMIT)
		shuan_regs__seterr(r, "%s: larger than %zu bytes", path, REGS_MAX_INPUT);
	else if (rc == SHUAN_ENOTFOUND || rc == SHUAN_EIO)
		shuan_regs__seterr(r, "cannot read %s: %s", path, strerror(errno));
	if (!rc)
		rc = shuan_regs_ingest_buffer(r, buf, n, path, out);
	shuan_free(buf);
	return rc;
}

void shuan_regs_report_free(shuan_regs_report *rep)
{
	struct report_box *box = (struct report_box *)rep;
	if (!box)
		return;
	shuan_regs__arena_free(&box->arena);
	shuan_free(box);
}
