/*
 * lib/duty/report.c - the report documents of a stored incident: the
 * initial report (数据安全事件上报, the MIIT plan's 附件2) and the summary
 * report (数据安全事件应急处置工作总结报告, 附件3), in Markdown or HTML.
 *
 * The official templates' field lists are not known to shuan
 * (shared/reference/regulations.md §2.4, [UNVERIFIED]), so each document
 * says it follows shuan's own template. Its fields are what the plan's text
 * requires a report to say (§4.2: 事件发生时间、初步判定的影响范围和危害、已采取的
 * 应急处置措施和有关建议; §5.1: 起因、经过、责任、影响和损失、经验教训、处理意见和改进措施)
 * and what the CAC measures require (§5.6), filled from the facts, the
 * grade and the timeline; anything not known is marked 待填写 (to fill in)
 * rather than guessed. No document holds a personal value: facts are
 * counts and the user's own text.
 *
 * DOCX is not written: no Debian-packaged C library writes Word documents
 * well (libreoffice or pandoc would be whole programs as dependencies). The
 * HTML opens in Word and WPS, which save it as .docx.
 */
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"

static const char *const TYPE_ZH[] = {"篡改", "破坏", "泄露", "非法获取", "非法利用"};
static const char *const GRADE_ZH[] = {"核心数据", "重要数据", "一般数据"};
static const char *const DOMAIN_ZH[] = {"工业", "电信", "无线电", "其他"};

typedef struct doc {
	FILE *f;
	shuan_report_format fmt;
	bool in_table;
} doc;

static void esc(doc *d, const char *s)
{
	if (d->fmt == SHUAN_REPORT_HTML)
		shuan_duty__html(d->f, s);
	else
		shuan_duty__md(d->f, s);
}

static void heading(doc *d, int level, const char *text)
{
	if (d->in_table) {
		fputs(d->fmt == SHUAN_REPORT_HTML ? "</table>\n" : "\n", d->f);
		d->in_table = false;
	}
	if (d->fmt == SHUAN_REPORT_HTML) {
		fprintf(d->f, "<h%d>", level);
		esc(d, text);
		fprintf(d->f, "</h%d>\n", level);
	} else {
		fprintf(d->f, "%.*s ", level, "######");
		esc(d, text);
		fputs("\n\n", d->f);
	}
}

static void para(doc *d, const char *text)
{
	if (d->in_table) {
		fputs(d->fmt == SHUAN_REPORT_HTML ? "</table>\n" : "\n", d->f);
		d->in_table = false;
	}
	fputs(d->fmt == SHUAN_REPORT_HTML ? "<p>" : "", d->f);
	esc(d, text);
	fputs(d->fmt == SHUAN_REPORT_HTML ? "</p>\n" : "\n\n", d->f);
}

/* One field row; value NULL or "" is shown as to fill in. */
static void row(doc *d, const char *label, const char *value)
{
	bool empty = !value || !*value;
	if (!d->in_table) {
		fputs(d->fmt == SHUAN_REPORT_HTML ? "<table>\n" : "| 项目 | 内容 |\n|---|---|\n", d->f);
		d->in_table = true;
	}
	if (d->fmt == SHUAN_REPORT_HTML) {
		fputs("<tr><th>", d->f);
		esc(d, label);
		fputs(empty ? "</th><td class=\"todo\">" : "</th><td>", d->f);
		esc(d, empty ? "（待填写）" : value);
		fputs("</td></tr>\n", d->f);
	} else {
		fputs("| ", d->f);
		esc(d, label);
		fputs(" | ", d->f);
		if (empty)
			fputs("**（待填写）**", d->f);
		else
			esc(d, value);
		fputs(" |\n", d->f);
	}
}

static const char *enum_zh(const char *const *zh, int v)
{
	return v >= 0 ? zh[v] : NULL;
}

static void people_text(const shuan_incident_facts *x, char *buf, size_t len)
{
	char a[32], b[32];
	if (x->pi_people < 0 && x->spi_people < 0) {
		buf[0] = '\0';
		return;
	}
	shuan_duty__group(x->pi_people < 0 ? 0 : x->pi_people, a, sizeof(a));
	shuan_duty__group(x->spi_people < 0 ? 0 : x->spi_people, b, sizeof(b));
	snprintf(buf, len, "涉及 %s 人的个人信息，其中 %s 人的敏感个人信息", a, b);
}

static void level_text(const shuan_incident_grade *g, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "%s", shuan_incident_level_zh(g->level));
	if (g->response && o < len)
		o += (size_t)snprintf(buf + o, len - o, "（%s级响应，%s预警）", g->response,
		                      !strcmp(g->warning, "red")      ? "红色"
		                      : !strcmp(g->warning, "orange") ? "橙色"
		                      : !strcmp(g->warning, "yellow") ? "黄色"
		                                                      : "蓝色");
	if (g->adjusted && o < len)
		o += (size_t)snprintf(buf + o, len - o, "，经调整");
	for (size_t i = 0; i < g->ncriteria && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s：%s（%s）", i ? "；" : "。依据：",
		                      shuan_incident_level_zh(g->criteria[i].level), g->criteria[i].detail,
		                      g->criteria[i].basis.article ? g->criteria[i].basis.article : "");
}

/* The timeline as one text: "时间 事件 说明" per line. */
static void timeline_text(const shuan_incident *inc, char *buf, size_t len)
{
	static const struct {
		const char *kind, *zh;
	} names[] = {{"discovered", "发现事件"},
	             {"phoned", "电话报告"},
	             {"written_report", "书面报告"},
	             {"level_adjusted", "调整级别"},
	             {"response_ended", "应急工作结束"},
	             {"summary_submitted", "提交总结报告"},
	             {"facts_updated", "更新事件信息"},
	             {"note", "记录"},
	             {"closed", "关闭"}};
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < inc->nevents && o < len; i++) {
		const shuan_incident_event *e = &inc->events[i];
		const char *zh = e->kind;
		char t[SHUAN_TIME_TEXT];
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (!strcmp(names[k].kind, e->kind))
				zh = names[k].zh;
		shuan_time_format(&e->at, t);
		o += (size_t)snprintf(buf + o, len - o, "%s%s %s", o ? "\n" : "", t, zh);
		if (o < len && e->detail && strcmp(e->kind, "discovered") && strcmp(e->kind, "facts_updated"))
			o += (size_t)snprintf(buf + o, len - o, "：%s", e->detail);
	}
}

static void deadlines_text(const shuan_incident_grade *g, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < g->ndeadlines && o < len; i++) {
		const shuan_incident_deadline *d = &g->deadlines[i];
		char t[SHUAN_TIME_TEXT] = "";
		if (!d->yours)
			continue;
		if (d->has_due)
			shuan_time_format(&d->due, t);
		o += (size_t)snprintf(buf + o, len - o, "%s%s → %s：%s（%s）%s", o ? "\n" : "", d->title,
		                      d->party, d->has_due ? t : "应急工作结束后计算",
		                      d->basis.article ? d->basis.article : "",
		                      d->status == SHUAN_DEADLINE_DONE ? " 已完成" : "");
	}
}

int shuan_incident_report_write(FILE *f, const shuan_incident *inc, const shuan_incident_grade *g,
                                bool summary, shuan_report_format fmt)
{
	const shuan_incident_facts *x = &inc->facts;
	doc d = {f, fmt, false};
	char title[160], t1[SHUAN_TIME_TEXT], t2[SHUAN_TIME_TEXT], buf[4096], num[64];
	const char *r[SHUAN_INCIDENT_REPORT_FIELDS];

	for (size_t i = 0; i < SHUAN_INCIDENT_REPORT_FIELDS; i++)
		r[i] = x->report[i];
	snprintf(title, sizeof(title), "%s（事件 #%lld）",
	         summary ? "数据安全事件应急处置工作总结报告" : "数据安全事件上报", (long long)inc->id);
	if (fmt == SHUAN_REPORT_HTML) {
		fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>", f);
		esc(&d, title);
		fputs(
		    "</title>\n<style>body{font-family:sans-serif;max-width:52em;margin:2em "
		    "auto;line-height:1.5}"
		    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3em .5em;"
		    "text-align:left;vertical-align:top}th{width:12em;background:#f3f3f3}.todo{color:#a00}"
		    ".note{font-size:.9em;color:#444;border-left:3px solid #c90;padding-left:.6em}</style>\n"
		    "</head><body>\n",
		    f);
	}
	heading(&d, 1, title);
	if (fmt == SHUAN_REPORT_HTML)
		fputs("<p class=\"note\">", f);
	esc(&d,
	    summary
	        ? "本报告按 shuan "
	          "自有模板生成。《工业和信息化领域数据安全事件应急预案（试行）》附件3（总结报告模板）的官方"
	          "字段"
	          "shuan 尚未核实；以下栏目依据预案 5.1 "
	          "的要求（事件起因、经过、责任，影响和损失，经验教训，处理意见和改进措施）。"
	          "应急工作结束后 5 个工作日内报地方行业监管部门（重大及以上事件）。"
	        : "本报告按 shuan "
	          "自有模板生成。《工业和信息化领域数据安全事件应急预案（试行）》附件2（上报模板）的官方字段"
	          "shuan 尚未核实；以下栏目依据预案 4.2 "
	          "的要求（事件发生时间、初步判定的影响范围和危害、已采取的应急处置措施和有关建议）"
	          "及《国家网络安全事件报告管理办法》规定的报告内容。");
	esc(&d, " This document follows shuan's own template: the official template's fields are not known "
	        "to shuan "
	        "(marked unverified); fields marked （待填写） are to be filled in.");
	fputs(fmt == SHUAN_REPORT_HTML ? "</p>\n" : "\n\n", f);

	heading(&d, 2, "一、基本情况");
	row(&d, "报告单位", r[0]);
	row(&d, "联系人", r[1]);
	row(&d, "联系电话", r[2]);
	row(&d, "涉事系统", r[3]);
	row(&d, "事件名称", x->title);
	heading(&d, 2, "二、事件情况");
	shuan_time_format(&x->discovered, t1);
	row(&d, "发现时间", t1);
	row(&d, "发生时间", r[4]);
	row(&d, "事件类型", enum_zh(TYPE_ZH, x->type));
	row(&d, "数据领域", enum_zh(DOMAIN_ZH, x->domain));
	row(&d, "涉及数据级别", enum_zh(GRADE_ZH, x->data_grade));
	people_text(x, buf, sizeof(buf));
	row(&d, "涉及数据规模", buf);
	row(&d, "影响范围", r[5]);
	if (x->loss_cny >= 0) {
		shuan_duty__group((int64_t)x->loss_cny, num, sizeof(num));
		snprintf(buf, sizeof(buf), "人民币 %s 元", num);
	} else {
		buf[0] = '\0';
	}
	row(&d, "直接经济损失", buf);
	if (x->outage_hours >= 0)
		snprintf(buf, sizeof(buf), "%g 小时", x->outage_hours);
	else
		buf[0] = '\0';
	row(&d, "中断或异常持续时间", buf);
	level_text(g, buf, sizeof(buf));
	row(&d, summary ? "事件级别" : "初步判定级别", buf);
	heading(&d, 2, summary ? "三、处置情况" : "三、处置与建议");
	row(&d, "已采取的应急处置措施", r[6]);
	row(&d, "原因分析", r[7]);
	row(&d, "下一步工作及有关建议", r[8]);
	if (summary) {
		if (x->has_response_ended) {
			shuan_time_format(&x->response_ended, t2);
			row(&d, "应急工作结束时间", t2);
		} else {
			row(&d, "应急工作结束时间", NULL);
		}
		heading(&d, 2, "四、调查与总结");
		row(&d, "事件起因", r[9]);
		timeline_text(inc, buf, sizeof(buf));
		row(&d, "事件经过（时间线）", buf);
		row(&d, "处置经过", r[10]);
		row(&d, "影响和损失评估", r[11]);
		row(&d, "责任认定", r[12]);
		row(&d, "处理意见和改进措施", r[13]);
		row(&d, "经验教训", r[14]);
	}
	heading(&d, 2, summary ? "五、报告时限" : "四、报告时限");
	deadlines_text(g, buf, sizeof(buf));
	row(&d, "本单位的报告时限", buf);
	if (!summary) {
		timeline_text(inc, buf, sizeof(buf));
		row(&d, "已有记录（时间线）", buf);
	}
	if (r[15])
		row(&d, "备注", r[15]);
	if (g->unverified)
		para(&d, "[UNVERIFIED] 事件级别或时限所依据的部分规则未与官方文本核对（见 "
		         "rules/duty/），仅为可配置的默认值。");
	shuan_time_format(&g->as_of, t2);
	snprintf(buf, sizeof(buf), "生成时间 %s（shuan %s）", t2, shuan_version());
	para(&d, buf);
	if (fmt == SHUAN_REPORT_HTML)
		fputs("</body></html>\n", f);
	return ferror(f) ? SHUAN_EIO : 0;
}
