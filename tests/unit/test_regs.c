/*
 * tests/unit/test_regs.c - the regulation catalogue: title normalisation,
 * date parsing, FTS5 search in Chinese and English, the dangling-citation
 * check, ingestion of the three seed articles against hand-checked lists,
 * conflicts against a minimal catalogue, and bad input.
 */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/regs/internal.h"
#include "shuan/regs.h"
#include "util/alloc.h"

static shuan_regs *g_regs;

static int setup(void **state)
{
	char err[512];
	(void)state;
	assert_int_equal(shuan_regs_open(&g_regs, SHUAN_TEST_RULES_DIR, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	shuan_regs_free(g_regs);
	return 0;
}

static void key_eq(const char *a, const char *b)
{
	char ka[1024], kb[1024];
	assert_int_equal(shuan_regs_title_key(a, ka, sizeof(ka)), 0);
	assert_int_equal(shuan_regs_title_key(b, kb, sizeof(kb)), 0);
	assert_string_equal(ka, kb);
}

static void test_title_key(void **state)
{
	char k[64];
	(void)state;
	key_eq("《网络安全标准实践指南——敏感个人信息识别指南》", "网络安全标准实践指南—敏感个人信息识别指南");
	key_eq("网络安全标准实践指南--网络安全产品互联互通 资产信息格式",
	       "网络安全标准实践指南——网络安全产品互联互通资产信息格式");
	key_eq("数字商务三年行动计划（2024   2026年）", "数字商务三年行动计划（2024—2026年）");
	key_eq("ＧＢ／Ｔ　４３６９７－２０２４", "GB/T 43697-2024");
	key_eq("GB/T 43697   2024", "gb/t43697-2024");
	key_eq("工业和信息化领域数据安全事件应急预案(试行)", "工业和信息化领域数据安全事件应急预案（试行）");
	key_eq("“数据要素×”三年行动计划", "\"数据要素×\"三年行动计划");
	key_eq("修改〈中国人民银行关于进一步加强征信信息安全管理的通知〉",
	       "修改《中国人民银行关于进一步加强征信信息安全管理的通知》");
	key_eq("信息技术安全评估准则 第 1 部分：简介", "信息技术安全评估准则 第1部分:简介");
	shuan_regs_title_key("数据安全技术 数据分类分级规则", k, sizeof(k));
	assert_string_equal(k, "数据安全技术数据分类分级规则");
	/* A buffer too small is reported and stays a valid string. */
	assert_int_equal(shuan_regs_title_key("数据安全技术数据分类分级规则", k, 8), SHUAN_ELIMIT);
	assert_true(strlen(k) <= 7);
	/* Draft words are kept in the key but strippable. */
	snprintf(k, sizeof(k), "%s", "江苏省数据条例草案征求意见稿");
	assert_true(shuan_regs__strip_draft(k));
	assert_string_equal(k, "江苏省数据条例");
	snprintf(k, sizeof(k), "%s", "草案");
	assert_false(shuan_regs__strip_draft(k)); /* never strips to nothing */
}

static void date_ok(const char *in, int year, bool table, const char *want)
{
	char out[11];
	size_t used = 0;
	assert_true(shuan_regs__parse_date(in, strlen(in), year, table, out, &used));
	assert_string_equal(out, want);
}

static void date_bad(const char *in, int year, bool table)
{
	char out[11];
	size_t used = 0;
	assert_false(shuan_regs__parse_date(in, strlen(in), year, table, out, &used));
}

static void test_dates(void **state)
{
	(void)state;
	date_ok("3月21日，全国网安标委", 2024, false, "2024-03-21");
	date_ok("2024.11.08", 1999, false, "2024-11-08");
	date_ok("2024年10月29日", 2020, false, "2024-10-29");
	date_ok("2024 年 11 月 1 日起实施", 2020, false, "2024-11-01");
	date_ok("2024-03-15", 2020, false, "2024-03-15");
	date_ok("2024/3/21", 2020, false, "2024-03-21");
	date_ok("1/19 | 工信部", 2024, true, "2024-01-19");
	date_ok("12/30", 2024, true, "2024-12-30");
	date_bad("1/19", 2024, false); /* M/D only inside tables */
	date_bad("2024-2026年", 2024, false);
	date_bad("2024   2026年", 2024, false);
	date_bad("13月1日", 2024, false);
	date_bad("2月30日", 2024, false);
	date_ok("2月29日", 2024, false, "2024-02-29");
	date_bad("2月29日", 2023, false);
	date_bad("2024年工作要点", 2024, false);
}

static bool has_id(const shuan_regs_entry **l, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i]->id, id))
			return true;
	return false;
}

static void test_search(void **state)
{
	const shuan_regs_entry **l;
	size_t n;
	shuan_regs_filter f = {0};
	(void)state;

	assert_int_equal(shuan_regs_search(g_regs, "分类分级", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "gb-t-43697-2024"));
	assert_true(has_id(l, n, "lingang-cross-border-classification-measures-2024"));
	assert_false(has_id(l, n, "pipl"));
	shuan_regs_list_free(l);

	assert_int_equal(shuan_regs_search(g_regs, "cross-border", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "cross-border-data-provisions-2024"));
	shuan_regs_list_free(l);

	/* Two terms, both required; the English title is indexed too. */
	assert_int_equal(shuan_regs_search(g_regs, "Personal Information Protection Law", NULL, &l, &n), 0);
	assert_true(n >= 1);
	assert_string_equal(l[0]->id, "pipl");
	shuan_regs_list_free(l);

	/* Standard numbers with or without spaces. */
	assert_int_equal(shuan_regs_search(g_regs, "GB/T43697", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "gb-t-43697-2024"));
	shuan_regs_list_free(l);

	/* Two-character Chinese term: substring fallback, plus a filter. */
	f.sector = "金融";
	assert_int_equal(shuan_regs_search(g_regs, "数据", &f, &l, &n), 0);
	assert_true(n >= 3);
	for (size_t i = 0; i < n; i++) {
		bool fin = false;
		for (size_t k = 0; k < l[i]->nsectors; k++)
			fin |= !strcmp(l[i]->sectors[k], "金融");
		assert_true(fin);
	}
	assert_true(has_id(l, n, "banking-insurance-data-security-measures-2024"));
	shuan_regs_list_free(l);

	/* Filters by level, status, issuer alias and date range. */
	memset(&f, 0, sizeof(f));
	f.level = "国家标准";
	f.status = "征求意见稿";
	f.issuer = "网安标委";
	f.from = "2024-04";
	f.to = "2024-04";
	assert_int_equal(shuan_regs_search(g_regs, "", &f, &l, &n), 0);
	assert_int_equal(n, 3); /* 4/3 x2 and 4/8 */
	assert_true(has_id(l, n, "genai-annotation-security-draft-2024"));
	assert_true(has_id(l, n, "tc260-gov-data-processing-draft-2024"));
	shuan_regs_list_free(l);

	assert_int_equal(shuan_regs_search(g_regs, "zzzz-nothing-like-this", NULL, &l, &n), 0);
	assert_int_equal(n, 0);
	shuan_regs_list_free(l);
}

/* Issue 13: keywords on entries and synonym groups (rules/regs/synonyms.yaml). */
static void test_search_synonyms(void **state)
{
	const shuan_regs_entry **l;
	size_t n;
	(void)state;
	/* 数据出境 finds the cross-border provisions (跨境 in the title) and the
	 * standard contract measures (a keyword) */
	assert_int_equal(shuan_regs_search(g_regs, "数据出境", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "cross-border-data-provisions-2024"));
	assert_true(has_id(l, n, "cac-standard-contract-measures-2023"));
	assert_true(has_id(l, n, "cac-export-assessment-measures-2022"));
	assert_false(has_id(l, n, "gb-t-43697-2024"));
	shuan_regs_list_free(l);
	/* the other way round */
	assert_int_equal(shuan_regs_search(g_regs, "数据跨境", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "cac-export-assessment-measures-2022"));
	shuan_regs_list_free(l);
	/* abbreviations, short (LIKE) and long (FTS) */
	assert_int_equal(shuan_regs_search(g_regs, "个保法", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "pipl"));
	shuan_regs_list_free(l);
	assert_int_equal(shuan_regs_search(g_regs, "个保", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "pipl"));
	shuan_regs_list_free(l);
	assert_int_equal(shuan_regs_search(g_regs, "网信办 出境", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "cross-border-data-provisions-2024"));
	assert_false(has_id(l, n, "gb-t-43697-2024"));
	shuan_regs_list_free(l);
	assert_int_equal(shuan_regs_search(g_regs, "SCC", NULL, &l, &n), 0);
	assert_true(has_id(l, n, "cac-standard-contract-measures-2023"));
	shuan_regs_list_free(l);
}

static void test_lookup_and_dangling(void **state)
{
	const char *ids[] = {"pipl", "no-such-id", "gb-t-43697-2024", NULL};
	size_t bad[4];
	const shuan_regs_citation *c;
	size_t nc, dangling = 0;
	(void)state;

	assert_string_equal(shuan_regs_title(g_regs, "pipl"), "中华人民共和国个人信息保护法");
	assert_null(shuan_regs_title(g_regs, "no-such-id"));
	assert_int_equal(shuan_regs_check_ids(g_regs, ids, 4, bad, 4), 2);
	assert_int_equal(bad[0], 1);
	assert_int_equal(bad[1], 3);
	assert_int_equal(shuan_regs_validate(g_regs, NULL, NULL), 0);

	/* Every id the shipped rules cite must exist in the catalogue: read
	 * from the rules themselves, not from a list kept by hand. */
	{
		shuan_regs *all = NULL;
		char err[512];
		const shuan_regs_citation *rc;
		size_t nrc = 0, distinct = 0;
		assert_int_equal(shuan_regs_open(&all, SHUAN_TEST_RULES_DIR, err, sizeof(err)), 0);
		assert_int_equal(shuan_regs_scan_citations(all, SHUAN_TEST_RULES_DIR), 0);
		rc = shuan_regs_citations(all, &nrc);
		for (size_t i = 0; i < nrc; i++) {
			bool first = true;
			if (!shuan_regs_title(all, rc[i].cited))
				print_error("%s cites %s, missing from the catalogue\n", rc[i].rule, rc[i].cited);
			assert_non_null(shuan_regs_title(all, rc[i].cited));
			for (size_t k = 0; k < i && first; k++)
				first = strcmp(rc[k].cited, rc[i].cited) != 0;
			distinct += first;
		}
		assert_true(distinct >= 25);
		shuan_regs_free(all);
	}

	assert_int_equal(shuan_regs_scan_citations(g_regs, SHUAN_TEST_DATA_DIR "/data/rules-fixture"), 0);
	c = shuan_regs_citations(g_regs, &nc);
	assert_int_equal(nc, 7);
	for (size_t i = 0; i < nc; i++)
		if (!shuan_regs_title(g_regs, c[i].cited)) {
			assert_string_equal(c[i].cited, "no-such-regulation");
			assert_string_equal(c[i].rule, "sample_broken");
			dangling++;
		}
	assert_int_equal(dangling, 1);
	/* The article suffix is cut off: "miit-data-incident-plan-2024 §2.1". */
	bool found = false;
	for (size_t i = 0; i < nc; i++)
		found |= !strcmp(c[i].cited, "miit-data-incident-plan-2024") &&
		         !strcmp(c[i].rule, "grading_profile_demo");
	assert_true(found);
}

/* Finds the candidate with this title in a report. */
static const shuan_regs_candidate *cand(const shuan_regs_report *rep, const char *title)
{
	for (size_t i = 0; i < rep->ncandidates; i++)
		if (!strcmp(rep->candidates[i].title, title))
			return &rep->candidates[i];
	print_error("no candidate 《%s》\n", title);
	return NULL;
}

static bool has_issuer(const shuan_regs_candidate *c, const char *name)
{
	for (size_t i = 0; i < c->nissuers; i++)
		if (!strcmp(c->issuers[i], name))
			return true;
	return false;
}

/* One hand-checked expectation: title, date, first issuer, status (NULL = none
 * stated), matched id. */
typedef struct expect {
	const char *title, *date, *issuer, *status, *id;
} expect;

static void check_expect(const shuan_regs_report *rep, const expect *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const shuan_regs_candidate *c = cand(rep, e[i].title);
		assert_non_null(c);
		if (e[i].date)
			assert_string_equal(c->date, e[i].date);
		else
			assert_null(c->date);
		if (e[i].issuer)
			assert_true(has_issuer(c, e[i].issuer));
		if (e[i].status)
			assert_string_equal(c->status, e[i].status);
		else
			assert_null(c->status);
		assert_string_equal(c->matched_id, e[i].id);
		assert_int_equal(c->mention, 0);
	}
}

static shuan_regs_report *ingest_seed(shuan_regs *r, const char *name)
{
	char path[1024];
	shuan_regs_report *rep = NULL;
	snprintf(path, sizeof(path), "%s/data/seeds/%s", SHUAN_TEST_DATA_DIR, name);
	assert_int_equal(shuan_regs_ingest_file(r, path, &rep), 0);
	assert_non_null(rep);
	return rep;
}

/* Every extracted field of one candidate (NULL = must be absent; issuers
 * exactly, in any order). */
typedef struct fields {
	const char *title, *date, *effective, *doc_number, *status, *sector;
	const char *issuers[4];
} fields;

static void check_fields(const shuan_regs_report *rep, const fields *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const shuan_regs_candidate *c = cand(rep, f[i].title);
		assert_non_null(c);
#define FIELD(x)                                                                                           \
	do {                                                                                               \
		if (f[i].x ? !c->x || strcmp(c->x, f[i].x) : c->x != NULL)                                 \
			fail_msg("《%s》 " #x ": got %s, want %s", f[i].title, c->x ? c->x : "(none)",     \
				 f[i].x ? f[i].x : "(none)");                                              \
	} while (0)
		FIELD(date);
		FIELD(effective);
		FIELD(doc_number);
		FIELD(status);
		FIELD(sector);
#undef FIELD
		size_t want = 0;
		while (want < 4 && f[i].issuers[want])
			want++;
		if (c->nissuers != want)
			fail_msg("《%s》: %zu issuers, want %zu", f[i].title, c->nissuers, want);
		for (size_t k = 0; k < want; k++)
			if (!has_issuer(c, f[i].issuers[k]))
				fail_msg("《%s》: issuer %s missing", f[i].title, f[i].issuers[k]);
	}
}

static shuan_regs_report *ingest_digest(const char *name)
{
	char path[1024];
	shuan_regs_report *rep = NULL;
	snprintf(path, sizeof(path), "%s/data/digests/%s", SHUAN_TEST_DATA_DIR, name);
	assert_int_equal(shuan_regs_ingest_file(g_regs, path, &rep), 0);
	assert_non_null(rep);
	return rep;
}

/* Issue 13: digests in layouts the seeds do not have. */
static void test_ingest_layouts(void **state)
{
	(void)state;
	/* WeChat export: titles first met in a table of contents get the date a
	 * later paragraph gives ("2 月 23 日", spaces); a 文号 ends at its 号; a
	 * foreign body (美国国务院) is not 国务院 */
	static const fields wechat[] = {
	    {"工业领域数据安全能力提升实施方案（2024—2026年）", "2024-02-23", NULL, NULL, NULL, "工业",
	     {"工业和信息化部"}},
	    {"会计师事务所数据安全管理暂行办法", "2024-02-28", "2024-10-01", "财会〔2024〕6号", "试行", "金融",
	     {"财政部", "国家互联网信息办公室"}},
	    {"关于加强人工智能安全治理的行政命令", "2024-02-29", NULL, NULL, NULL, NULL, {NULL}},
	};
	shuan_regs_report *rep = ingest_digest("wechat_toc.md");
	assert_int_equal(rep->year, 2024);
	assert_int_equal(rep->ncandidates, 3);
	check_fields(rep, wechat, sizeof(wechat) / sizeof(*wechat));
	assert_int_equal(cand(rep, "工业领域数据安全能力提升实施方案（2024—2026年）")->line, 6); /* first met */
	shuan_regs_report_free(rep);

	/* a table with a header row: the columns say which cell is what */
	static const fields table[] = {
	    {"网络安全标准实践指南——敏感个人信息识别指南", "2024-01-05", "2024-01-05", "TC260-PG-20244A", NULL, NULL,
	     {"全国网络安全标准化技术委员会"}},
	    {"促进和规范数据跨境流动规定", "2024-03-22", "2024-03-22", "国家互联网信息办公室令第16号", NULL, NULL,
	     {"国家互联网信息办公室"}},
	    {"会计师事务所数据安全管理暂行办法", "2024-02-28", "2024-10-01", "财会〔2024〕6号", "试行", NULL,
	     {"财政部", "国家互联网信息办公室"}},
	};
	rep = ingest_digest("table.md");
	assert_int_equal(rep->ncandidates, 3);
	check_fields(rep, table, sizeof(table) / sizeof(*table));
	shuan_regs_report_free(rep);

	/* numbered headings naming the issuer before its titles */
	static const fields numbered[] = {
	    {"促进和规范数据跨境流动规定", "2024-03-22", "2024-03-22", NULL, NULL, NULL, {"国家互联网信息办公室"}},
	    {"网络数据安全管理条例", "2024-09-30", NULL, NULL, NULL, NULL, {"国家互联网信息办公室"}},
	    {"工业和信息化领域数据安全事件应急预案（试行）", "2024-10-29", NULL, "工信部网安〔2024〕214号", "试行",
	     "工业", {"工业和信息化部"}},
	    {"人工智能法", "2024-05-21", NULL, NULL, NULL, NULL, {NULL}}, /* 欧盟理事会: foreign */
	};
	rep = ingest_digest("numbered.md");
	assert_int_equal(rep->ncandidates, 4);
	check_fields(rep, numbered, sizeof(numbered) / sizeof(*numbered));
	shuan_regs_report_free(rep);
}

static void test_ingest_seed_000(void **state)
{
	/* Checked by hand against the article (安全客, 2024年度网络安全政策法规一览). */
	static const expect want[] = {
	    {"“数据要素×”三年行动计划（2024—2026年）", "2024-01-04", "国家数据局", NULL,
	     "data-elements-x-action-plan-2024"},
	    {"寄递服务用户个人信息安全管理办法（征求意见稿）", "2024-02-05", "国家邮政局", "征求意见稿",
	     "postal-pi-security-measures-draft-2024"},
	    {"关于加强行政事业单位数据资产管理的通知", "2024-02-08", "财政部", NULL,
	     "mof-admin-data-assets-notice-2024"},
	    {"数据安全技术 数据分类分级规则", "2024-03-21", "全国网络安全标准化技术委员会", NULL,
	     "gb-t-43697-2024"},
	    {"网络数据安全管理条例（草案）", "2024-08-30", "国务院", "草案",
	     "network-data-security-regulation"},
	    {"公共数据资源授权运营实施规范（试行）（公开征求意见稿）", "2024-10-12", "国家数据局",
	     "征求意见稿", "public-data-authorised-operation-spec-draft-2024"},
	    {"工业和信息化领域数据安全事件应急预案（试行）", "2024-10-31", "工业和信息化部", "试行",
	     "miit-data-incident-plan-2024"},
	    {"关于完善数据流通安全治理 更好促进数据要素市场化价值化的实施方案", "2024-11-29", "国家数据局",
	     "征求意见稿", "data-circulation-security-plan-draft-2024"},
	    {"山西省数据工作管理办法（征求意见稿）", "2024-04-29", "山西省数据局", "征求意见稿",
	     "shanxi-data-work-measures-draft-2024"},
	    {"个人信息授权运营管理办法（试行）", "2024-08-09", "北京国际大数据交易所", "试行",
	     "bjidex-pi-authorised-operation-measures-2024"},
	    {"促进和规范数据跨境流动规定", "2024-03-22", "国家互联网信息办公室", NULL,
	     "cross-border-data-provisions-2024"},
	    {"生成式人工智能服务安全基本要求", "2024-02-29", "全国网络安全标准化技术委员会", NULL,
	     "tc260-003-genai-basic-security-2024"},
	    {"会计师事务所数据安全管理暂行办法", "2024-05-10", "财政部", "试行",
	     "cpa-firm-data-security-measures-2024"},
	    {"反保险欺诈工作办法（征求意见稿）", "2024-04-11", "国家金融监督管理总局", "征求意见稿",
	     "anti-insurance-fraud-measures-draft-2024"},
	};
	shuan_regs_report *rep = ingest_seed(g_regs, "000_79399eb568c06098.txt");
	const shuan_regs_candidate *c;
	(void)state;

	assert_int_equal(rep->year, 2024);
	assert_string_equal(rep->encoding, "UTF-8");
	assert_string_equal(rep->source_title, "2024年度网络安全政策法规一览");
	check_expect(rep, want, sizeof(want) / sizeof(*want));
	c = cand(rep, "数据安全技术 数据分类分级规则");
	assert_string_equal(c->doc_number, "GB/T 43697-2024");
	assert_string_equal(c->effective, "2024-10-01");
	c = cand(rep, "工业和信息化领域数据安全事件应急预案（试行）");
	assert_string_equal(c->doc_number, "工信部网安〔2024〕214号");
	c = cand(rep, "贵州省数据流通交易促进条例");
	assert_string_equal(c->date, "2024-07-31");
	assert_string_equal(c->effective, "2024-08-28");
	c = cand(rep, "公共数据安全评估方法");
	assert_string_equal(c->effective, "2024-05-01");
	assert_string_equal(c->sector, "地方");
	/* "为贯彻落实党中央、国务院关于…" does not make 国务院 an issuer. */
	c = cand(rep, "贵州省公共数据授权运营管理办法（试行）（征求意见稿）");
	assert_int_equal(c->nissuers, 1);
	assert_string_equal(c->issuers[0], "贵州省大数据发展管理局");
	c = cand(rep, "银行业数据资产估值指南");
	assert_string_equal(c->sector, "金融");
	c = cand(rep, "中华人民共和国个人信息保护法"); /* 按照《…》的框架 */
	assert_int_equal(c->mention, 1);
	assert_null(c->date);
	c = cand(rep, "生成式人工智能服务安全基本要求");
	assert_string_equal(c->doc_number, "TC260-003");
	assert_int_equal(rep->nnew, 0);
	assert_int_equal(rep->nmatched, 61);
	assert_int_equal(rep->nconflicts, 0);
	assert_int_equal(rep->nmentions, 1);
	shuan_regs_report_free(rep);
}

static void test_ingest_seed_001(void **state)
{
	/* Checked by hand against the tables of 威努特's 2024 summary. */
	static const expect want[] = {
	    {"工业控制系统网络安全防护指南", "2024-01-19", "工业和信息化部", NULL,
	     "ics-cybersecurity-protection-guide-2024"},
	    {"工业和信息化领域数据安全事件应急预案（试行）", "2024-10-29", "工业和信息化部", "试行",
	     "miit-data-incident-plan-2024"},
	    {"工业和信息化领域数据安全合规指引", "2024-11-19", "工信联盟", NULL,
	     "miit-data-compliance-guide-2024"},
	    {"物联网标准体系建设指南（2024版）", "2024-08-26", "国家标准化管理委员会", NULL,
	     "iot-standards-guide-2024"},
	    {"电力监控系统安全防护规定", "2024-12-12", "国家发展和改革委员会", NULL,
	     "power-monitoring-system-protection-2024"},
	    {"民航数据管理办法（征求意见稿）", "2024-06-04", "中国民用航空局", "征求意见稿",
	     "caac-data-management-draft-2024"},
	    {"反保险欺诈工作办法", "2024-07-22", "国家金融监督管理总局", NULL,
	     "anti-insurance-fraud-measures-2024"},
	    {"银行保险机构数据安全管理办法", "2024-12-27", "国家金融监督管理总局", NULL,
	     "banking-insurance-data-security-measures-2024"},
	    {"修改《中国人民银行关于进一步加强征信信息安全管理的通知》", "2024-12-30", "中国人民银行", NULL,
	     "pboc-credit-info-security-amendment-2024"},
	    {"数据安全技术 数据分类分级规则", "2024-03-21", "全国网络安全标准化技术委员会", NULL,
	     "gb-t-43697-2024"},
	    {"网络数据安全管理条例", "2024-09-24", "国务院", NULL, "network-data-security-regulation"},
	    {"中医医院信息与数字化建设规范（2024版）", "2024-12-05", "国家中医药管理局", NULL,
	     "tcm-hospital-digital-spec-2024"},
	    {"中华人民共和国保守国家秘密法", "2024-05-01", "全国人民代表大会常务委员会", NULL,
	     "state-secrets-law-2024"},
	    {"推动数字金融高质量发展行动方案", "2024-11-27", "中国人民银行", NULL,
	     "digital-finance-action-plan-2024"},
	};
	shuan_regs_report *rep = ingest_seed(g_regs, "001_5d727febb8e089db.txt");
	const shuan_regs_candidate *c;
	(void)state;

	assert_int_equal(rep->year, 2024);
	check_expect(rep, want, sizeof(want) / sizeof(*want));
	assert_string_equal(cand(rep, "工业控制系统网络安全防护指南")->sector, "工业");
	assert_string_equal(cand(rep, "电力监控系统安全防护规定")->sector, "能源");
	assert_string_equal(cand(rep, "民航数据管理办法（征求意见稿）")->sector, "交通");
	assert_string_equal(cand(rep, "中医医院信息与数字化建设规范（2024版）")->sector, "医疗");
	assert_string_equal(cand(rep, "数据安全技术 数据分类分级规则")->doc_number, "GB/T 43697-2024");
	/* 001 says 网信办, the catalogue 中央网信办: reported, not hidden. */
	c = cand(rep, "互联网政务应用安全管理规定");
	assert_int_equal(c->match, SHUAN_REGS_CONFLICT);
	assert_non_null(strstr(c->conflict, "issuer"));
	assert_int_equal(rep->nnew, 0);
	assert_int_equal(rep->nmatched, 75);
	assert_int_equal(rep->nconflicts, 1);
	shuan_regs_report_free(rep);
}

static void test_ingest_seed_003(void **state)
{
	/* Checked by hand against the 发文机关/发布日期/时效性 blocks of the newsletter. */
	static const expect want[] = {
	    {"工业和信息化领域数据安全事件应急预案（试行）", "2024-10-29", "工业和信息化部", "现行有效",
	     "miit-data-incident-plan-2024"},
	    {"推动数字金融高质量发展行动方案", "2024-11-21", "国家外汇管理局", "现行有效",
	     "digital-finance-action-plan-2024"},
	    {"关于开展“清朗·网络平台算法典型问题治理”专项行动的通知", "2024-11-12", "公安部", "现行有效",
	     "qinglang-algorithm-governance-notice-2024"},
	    {"上海市数据产品知识产权登记存证暂行办法", "2024-11-08", "上海市数据局", "现行有效",
	     "shanghai-data-product-ip-registration-2024"},
	    {"国家数据基础设施建设指引（征求意见稿）", "2024-11-22", "国家数据局", "征求意见稿",
	     "national-data-infrastructure-guide-draft-2024"},
	    {"关键信息基础设施商用密码使用管理规定（征求意见稿）", "2024-11-15", "国家密码管理局",
	     "征求意见稿", "cii-commercial-crypto-rules-draft-2024"},
	    {"数据 术语", NULL, NULL, NULL, "tc609-plan-data-terminology"},
	    {"公共数据 授权运营 第 4 部分：绩效评估要求", NULL, NULL, NULL,
	     "tc609-plan-public-data-operation-part4"},
	};
	shuan_regs_report *rep = ingest_seed(g_regs, "003_05371c1a2a590865.txt");
	const shuan_regs_candidate *c;
	(void)state;

	assert_int_equal(rep->year, 2024);
	assert_string_equal(rep->format, "text");
	check_expect(rep, want, sizeof(want) / sizeof(*want));
	c = cand(rep, "工业和信息化领域数据安全事件应急预案（试行）");
	assert_string_equal(c->effective, "2024-11-01");
	assert_int_equal(c->line, 11); /* the table of contents comes first */
	c = cand(rep, "推动数字金融高质量发展行动方案");
	assert_int_equal(c->nissuers, 7);
	assert_string_equal(cand(rep, "上海市数据产品知识产权登记存证暂行办法")->effective, "2024-12-08");
	/* The renamed project is also named, and resolves to the same entry. */
	assert_string_equal(cand(rep, "公共数据 授权运营 第 4 部分：监测评估要求")->matched_id,
	                    "tc609-plan-public-data-operation-part4");
	/* 《网络安全审查办法》 is cited by 按照, a mention. */
	assert_int_equal(cand(rep, "网络安全审查办法")->mention, 1);
	/* Ignored: a radio programme and an abbreviation. */
	for (size_t i = 0; i < rep->ncandidates; i++) {
		assert_string_not_equal(rep->candidates[i].title, "中国之声");
		assert_string_not_equal(rep->candidates[i].title, "指导意见");
	}
	assert_int_equal(rep->nnew, 0);
	assert_int_equal(rep->nmatched, 62);
	assert_int_equal(rep->nconflicts, 0);
	assert_int_equal(rep->nmentions, 20);
	shuan_regs_report_free(rep);
}

/* Against a catalogue holding only the MIIT plan dated 10/29, seed 000
 * reports 60 new entries and one date conflict (it says 10/31). */
static void test_ingest_conflict_and_new(void **state)
{
	char dir[] = "/tmp/shuan-regs-test-XXXXXX", path[512], err[512];
	shuan_regs *r = NULL;
	shuan_regs_report *rep = NULL;
	const shuan_regs_candidate *c;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/regs", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/regs/mini.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("entries:\n"
	      "  - id: miit-data-incident-plan-2024\n"
	      "    title: 工业和信息化领域数据安全事件应急预案（试行）\n"
	      "    issuers: [工业和信息化部]\n"
	      "    issued: [{date: 2024-10-29}]\n"
	      "    status: 试行\n    level: 规范性文件\n    sectors: [工业]\n"
	      "    summary: test entry\n"
	      "authorities:\n  - {name: 工业和信息化部, aliases: [工信部]}\n  - {name: 国家数据局}\n",
	      f);
	fclose(f);
	assert_int_equal(shuan_regs_open(&r, dir, err, sizeof(err)), 0);
	rep = ingest_seed(r, "000_79399eb568c06098.txt");
	c = cand(rep, "工业和信息化领域数据安全事件应急预案（试行）");
	assert_int_equal(c->match, SHUAN_REGS_CONFLICT);
	assert_non_null(strstr(c->conflict, "2024-10-31"));
	assert_int_equal(rep->nconflicts, 1);
	assert_int_equal(rep->nmatched, 0);
	assert_int_equal(rep->nnew, 60);
	assert_int_equal(cand(rep, "成都市数据条例")->match, SHUAN_REGS_NEW);
	shuan_regs_report_free(rep);
	shuan_regs_free(r);
	unlink(path);
	snprintf(path, sizeof(path), "%s/regs", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_ingest_bad_input(void **state)
{
	shuan_regs_report *rep = NULL;
	static const char binary[] = "\x7f"
	                             "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0";
	const char *plain = "今天天气很好，没有任何法规标题。\n第二行也没有。\n";
	(void)state;

	assert_int_equal(shuan_regs_ingest_buffer(g_regs, "", 0, "empty.txt", &rep), SHUAN_EINVAL);
	assert_null(rep);
	assert_non_null(strstr(shuan_regs_errmsg(g_regs), "empty"));
	assert_int_equal(shuan_regs_ingest_buffer(g_regs, binary, sizeof(binary) - 1, "a.out", &rep),
	                 SHUAN_EBINARY);
	assert_null(rep);
	/* bytes that are text in no encoding (FF FE alone would be a UTF-16 BOM,
	 * which articles, like scanned files, may now start with) */
	assert_int_equal(shuan_regs_ingest_buffer(g_regs, "\x80\x81\xff\x01\x02\x03\x04\x05", 8, "junk", &rep),
	                 SHUAN_EBINARY);
	assert_null(rep);
	/* a UTF-16LE article (BOM) is read like a UTF-8 one */
	{
		static const char u16[] = "\xff\xfe" "\x0a\x30" "\x70\x65\x6e\x63\x89\x5b\x68\x51\xd5\x6c" "\x0b\x30" "\x0a\x00";
		assert_int_equal(shuan_regs_ingest_buffer(g_regs, u16, sizeof(u16) - 1, "u16.txt", &rep), 0);
		assert_non_null(rep);
		assert_string_equal(rep->encoding, "UTF-16LE");
		assert_true(rep->ncandidates >= 1);
		shuan_regs_report_free(rep);
		rep = NULL;
	}
	assert_int_equal(shuan_regs_ingest_buffer(g_regs, plain, strlen(plain), "none.txt", &rep),
	                 SHUAN_EINVAL);
	assert_non_null(rep);
	assert_int_equal(rep->ncandidates, 0);
	assert_non_null(strstr(shuan_regs_errmsg(g_regs), "no 《titles》"));
	shuan_regs_report_free(rep);
	assert_int_equal(shuan_regs_ingest_file(g_regs, "/nonexistent/x.md", &rep), SHUAN_ENOTFOUND);
}

static void test_ingest_gbk_and_html(void **state)
{
	const char *utf8 =
	    "# 2024年金融\n\n3月22日，金融监管总局发布《银行保险机构数据安全管理办法（征求意见稿）》。\n";
	char gbk[512], *in = (char *)utf8, *out = gbk;
	size_t inl = strlen(utf8), outl = sizeof(gbk);
	shuan_regs_report *rep = NULL;
	iconv_t cd = iconv_open("GBK", "UTF-8");
	const char *html = "<html><head><title>x</title><style>p{color:red}</style></head><body>"
	                   "<h1>2024年动态</h1><p><strong>人工智能</strong></p><h2>金 融 领 域</h2>"
	                   "<p>7月22日，金融监管总局发布&lt;通知&gt;《反保险欺诈工作办法》</p>"
	                   "<table><tr><th>政策</th><th>日期</th><th>发布单位</th></tr>"
	                   "<tr><td>《会计信息化工作规范》</td><td>8/7</td><td>财政部</td></tr></table>"
	                   "<script>var a = '《假标题》';</script></body></html>";
	(void)state;

	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &in, &inl, &out, &outl) != (size_t)-1);
	iconv_close(cd);
	assert_int_equal(shuan_regs_ingest_buffer(g_regs, gbk, (size_t)(out - gbk), "gbk.md", &rep), 0);
	assert_string_equal(rep->encoding, "GB18030");
	assert_int_equal(rep->ncandidates, 1);
	assert_string_equal(rep->candidates[0].title, "银行保险机构数据安全管理办法（征求意见稿）");
	assert_string_equal(rep->candidates[0].date, "2024-03-22");
	assert_string_equal(rep->candidates[0].matched_id,
	                    "banking-insurance-data-security-measures-draft-2024");
	assert_string_equal(rep->candidates[0].sector, "金融");
	shuan_regs_report_free(rep);

	assert_int_equal(shuan_regs_ingest_buffer(g_regs, html, strlen(html), "page.html", &rep), 0);
	assert_int_equal(rep->year, 2024);
	assert_string_equal(rep->format, "html");
	assert_int_equal(rep->ncandidates, 2);
	assert_string_equal(rep->candidates[0].title, "反保险欺诈工作办法");
	assert_string_equal(rep->candidates[0].date, "2024-07-22");
	assert_string_equal(rep->candidates[0].sector, "金融");
	assert_string_equal(rep->candidates[0].matched_id, "anti-insurance-fraud-measures-2024");
	assert_string_equal(rep->candidates[1].title, "会计信息化工作规范");
	assert_string_equal(rep->candidates[1].sector, "金融");
	assert_string_equal(rep->candidates[1].date, "2024-08-07");
	assert_true(has_issuer(&rep->candidates[1], "财政部"));
	shuan_regs_report_free(rep);

	/* A date after the only title of a line is its issue date. */
	const char *after = "2024年\n《数据出境安全评估申报指南（第二版）》于3月22日由网信办发布。\n";
	assert_int_equal(shuan_regs_ingest_buffer(g_regs, after, strlen(after), "after.txt", &rep), 0);
	assert_string_equal(rep->candidates[0].date, "2024-03-22");
	assert_true(has_issuer(&rep->candidates[0], "国家互联网信息办公室"));
	assert_int_equal(rep->candidates[0].match, SHUAN_REGS_MATCHED);
	shuan_regs_report_free(rep);

	/* <p><strong>…</strong></p> is a section heading too. */
	const char *bold = "<html><body><p>2024年</p><p><strong>人工智能领域</strong></p>"
	                   "<p>9月10日，网安标委发布《人工智能安全治理框架》1.0版</p></body></html>";
	assert_int_equal(shuan_regs_ingest_buffer(g_regs, bold, strlen(bold), "bold.html", &rep), 0);
	assert_int_equal(rep->ncandidates, 1);
	assert_string_equal(rep->candidates[0].sector, "人工智能");
	assert_string_equal(rep->candidates[0].date, "2024-09-10");
	assert_string_equal(rep->candidates[0].matched_id, "ai-safety-governance-framework-2024");
	shuan_regs_report_free(rep);
}

static void test_timeline_digest(void **state)
{
	const shuan_regs_entry **l;
	size_t n;
	shuan_regs_filter f = {.from = "2024-11", .to = "2024-11", .sector = "金融"};
	char *md = NULL, *html = NULL;
	(void)state;

	assert_int_equal(shuan_regs_timeline(g_regs, &f, &l, &n), 0);
	assert_true(n >= 1);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(shuan_regs_entry_date(l[i - 1]), shuan_regs_entry_date(l[i])) <= 0);
	assert_true(has_id(l, n, "digital-finance-action-plan-2024"));
	shuan_regs_list_free(l);

	assert_int_equal(shuan_regs_digest(g_regs, "2024-11", SHUAN_REGS_MD, &md), 0);
	assert_non_null(strstr(md, "# 法规动态 2024-11"));
	assert_non_null(strstr(md, "## 金融"));
	assert_non_null(strstr(md, "推动数字金融高质量发展行动方案"));
	assert_non_null(strstr(md, "## 本月施行"));
	assert_non_null(strstr(md, "工业和信息化领域数据安全事件应急预案")); /* effective 2024-11-01 */
	assert_null(strstr(md, "促进和规范数据跨境流动规定"));               /* March */
	shuan_regs_string_free(md);
	assert_int_equal(shuan_regs_digest(g_regs, "2024-10", SHUAN_REGS_HTML, &html), 0);
	assert_non_null(strstr(html, "<h2>工业</h2>"));
	assert_non_null(strstr(html, "<!DOCTYPE html>"));
	shuan_regs_string_free(html);
	assert_int_equal(shuan_regs_digest(g_regs, "2024-13", SHUAN_REGS_MD, &md), SHUAN_EINVAL);
	assert_int_equal(shuan_regs_digest(g_regs, "nope", SHUAN_REGS_MD, &md), SHUAN_EINVAL);
}

static void test_load_errors(void **state)
{
	char dir[] = "/tmp/shuan-regs-bad-XXXXXX", path[512], err[512];
	shuan_regs *r = NULL;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/regs", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/regs/bad.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("entries:\n  - id: Bad_Id\n    title: x\n    status: 现行有效\n    level: 法律\n    sectors: "
	      "[通用]\n"
	      "    summary: s\n",
	      f);
	fclose(f);
	assert_int_equal(shuan_regs_open(&r, dir, err, sizeof(err)), SHUAN_ERULES);
	assert_null(r);
	assert_non_null(strstr(err, "bad.yaml:2"));
	assert_non_null(strstr(err, "slug"));
	f = fopen(path, "w");
	fputs(
	    "entries:\n  - id: ok-id\n    title: x\n    status: 生效\n    level: 法律\n    sectors: [通用]\n"
	    "    summary: s\n",
	    f);
	fclose(f);
	assert_int_equal(shuan_regs_open(&r, dir, err, sizeof(err)), SHUAN_ERULES);
	assert_non_null(strstr(err, "status"));
	f = fopen(path, "w");
	fputs("synonyms:\n  - [出境]\n", f);
	fclose(f);
	assert_int_equal(shuan_regs_open(&r, dir, err, sizeof(err)), SHUAN_ERULES);
	assert_non_null(strstr(err, "two words"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/regs", dir);
	rmdir(path);
	assert_int_equal(shuan_regs_open(&r, dir, err, sizeof(err)), SHUAN_ENOTFOUND);
	rmdir(dir);
}

/* Fails the Nth allocation, for every N, until open + search + ingest
 * succeed: each failure must come back as SHUAN_ENOMEM (or, for ingest, a
 * report-less error), never a crash or a leak (ASan checks the leaks). */
static void test_alloc_failures(void **state)
{
	char err[512], path[1024];
	long n;
	(void)state;
	snprintf(path, sizeof(path), "%s/data/seeds/003_05371c1a2a590865.txt", SHUAN_TEST_DATA_DIR);
	for (n = 1; n < 100000; n++) {
		shuan_regs *r = NULL;
		shuan_regs_report *rep = NULL;
		const shuan_regs_entry **l = NULL;
		size_t cnt;
		int rc;
		shuan_alloc_fail_after(n);
		rc = shuan_regs_open(&r, SHUAN_TEST_RULES_DIR, err, sizeof(err));
		if (rc) {
			shuan_alloc_fail_after(0);
			assert_int_equal(rc, SHUAN_ENOMEM);
			assert_null(r);
			continue;
		}
		int src = shuan_regs_search(r, "分类分级", NULL, &l, &cnt);
		if (src == 0)
			shuan_regs_list_free(l);
		else
			assert_true(src == SHUAN_ENOMEM || src == SHUAN_ESTORE);
		rc = shuan_regs_ingest_file(r, path, &rep);
		shuan_alloc_fail_after(0);
		shuan_regs_report_free(rep);
		shuan_regs_free(r);
		if (rc == 0 && src == 0)
			break;
		if (rc)
			assert_int_equal(rc, SHUAN_ENOMEM);
	}
	assert_true(n < 100000);
	assert_true(n > 10); /* the loop really failed allocations on the way */
}

/* Truncated and byte-flipped versions of a seed never crash ingestion. */
static void test_ingest_mutations(void **state)
{
	char path[1024];
	FILE *f;
	char *buf, *mut;
	long len;
	unsigned seed = 12345;
	(void)state;
	snprintf(path, sizeof(path), "%s/data/seeds/000_79399eb568c06098.txt", SHUAN_TEST_DATA_DIR);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len);
	mut = malloc((size_t)len);
	assert_non_null(buf);
	assert_non_null(mut);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (int round = 0; round < 300; round++) {
		shuan_regs_report *rep = NULL;
		size_t n = (size_t)len;
		int rc;
		memcpy(mut, buf, (size_t)len);
		seed = seed * 1103515245u + 12345u;
		if (round % 3 == 0)
			n = (seed >> 8) % (size_t)len;    /* cut anywhere, even mid-character */
		for (int k = 0; k < 1 + round % 7; k++) { /* flip a few bytes */
			seed = seed * 1103515245u + 12345u;
			mut[(seed >> 8) % (size_t)len] = (char)(seed >> 3);
		}
		rc = shuan_regs_ingest_buffer(g_regs, mut, n, "mutant", &rep);
		assert_true(rc == 0 || rc == SHUAN_EINVAL || rc == SHUAN_EBINARY);
		shuan_regs_report_free(rep);
	}
	free(buf);
	free(mut);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_title_key),        cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_search),           cmocka_unit_test(test_search_synonyms),
	    cmocka_unit_test(test_lookup_and_dangling),
	    cmocka_unit_test(test_ingest_seed_000),  cmocka_unit_test(test_ingest_seed_001),
	    cmocka_unit_test(test_ingest_seed_003),  cmocka_unit_test(test_ingest_conflict_and_new),
	    cmocka_unit_test(test_ingest_bad_input), cmocka_unit_test(test_ingest_gbk_and_html),
	    cmocka_unit_test(test_timeline_digest),  cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_alloc_failures),   cmocka_unit_test(test_ingest_mutations),
	    cmocka_unit_test(test_ingest_layouts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
