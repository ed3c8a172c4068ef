/*
 * tests/unit/test_scanner.c - the scan pipeline on the real rules: digit
 * boundaries, chunking and huge lines (exactly-once), CSV and JSON fields,
 * overlap resolution, sensitivity, masking and fingerprints, bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "scan_helpers.h"
#include "lib/scan/fingerprint.h"
#include "shuan/jobs.h"

static gots g_a, g_b;

static size_t scan_str(const char *name, const char *s, gots *g) { return scan_with(g_rules, name, s, strlen(s), 0, g); }

static void test_id_and_mobile_in_prose(void **state)
{
	scan_str("a.txt", "客户张伟的身份证号是11010519491231002X，手机13812345678，请回电。\n", &g_a);
	const got *id = find_det(&g_a, "cn_resident_id", "11010519491231002X");
	assert_non_null(id);
	assert_string_equal(id->evidence, "1101**********002X");
	assert_int_equal(id->line, 1);
	/* column counts characters: 客户张伟的身份证号是 = 10 characters */
	assert_int_equal(id->column, 11);
	assert_int_equal(id->length, 18);
	const got *m = find_det(&g_a, "cn_mobile", "13812345678");
	assert_non_null(m);
	assert_string_equal(m->evidence, "138****5678");
}

static void test_digit_runs_inside_longer_runs(void **state)
{
	/* An 18-digit id inside a 25-digit number, a mobile inside a 20-digit
	 * order number: neither is a finding. */
	scan_str("a.log", "order=1234511010519491231002X99 ref=99913812345678000000 id=8811010519491231002X\n", &g_a);
	assert_null(find_det(&g_a, "cn_resident_id", NULL));
	assert_null(find_det(&g_a, "cn_mobile", NULL));
}

static void test_bad_checksum_and_dates(void **state)
{
	scan_str("a.txt",
		 "身份证 110105194912310021 身份证 110105199902300011 身份证 110105209912310012 "
		 "身份证 990105194912310025\n",
		 &g_a);
	assert_null(find_det(&g_a, "cn_resident_id", NULL));
}

static void test_minor_is_sensitive(void **state)
{
	/* born 2015-06-01: 11 on the scan date 2026-11-22 */
	char id[19] = "11010520150601001";
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (id[i] - '0') * w[i];
	id[17] = "10X98765432"[sum % 11];
	char buf[128];
	snprintf(buf, sizeof(buf), "学生身份证号：%.18s\n", id);
	scan_str("a.txt", buf, &g_a);
	const got *f = find_det(&g_a, "cn_resident_id", NULL);
	assert_non_null(f);
	assert_true(f->minor);
	assert_true(f->sensitive);
	assert_string_equal(f->spi, "不满十四周岁未成年人的个人信息");
}

static void test_csv_fields_and_quotes(void **state)
{
	const char *csv = "\xEF\xBB\xBF姓名,联系电话,地址\n"
			  "张伟,13812345678,\"浙江省杭州市西湖区文三路90号\"\n"
			  "\"李,娜\",\"备注\n13912345678\",北京市朝阳区建国路88号\n";
	scan_str("c.csv", csv, &g_a);
	const got *m1 = find_det(&g_a, "cn_mobile", "13812345678");
	assert_non_null(m1);
	assert_string_equal(m1->field, "联系电话");
	/* a quoted cell spanning lines keeps its column */
	const got *m2 = find_det(&g_a, "cn_mobile", "13912345678");
	assert_non_null(m2);
	assert_string_equal(m2->field, "联系电话");
	assert_int_equal(m2->line, 4);
	const got *name = find_det(&g_a, "person_name", "张伟");
	assert_non_null(name);
	assert_string_equal(name->field, "姓名");
	assert_string_equal(name->evidence, "张*");
}

static void test_json_key_paths(void **state)
{
	const char *json = "{\"user\": {\"name\": \"x\", \"contacts\": [\"a\", {\"phone\": \"13812345678\"}],\n"
			   "  \"email\": \"zhang.wei@example.com\"}}\n";
	scan_str("d.json", json, &g_a);
	const got *m = find_det(&g_a, "cn_mobile", "13812345678");
	assert_non_null(m);
	assert_string_equal(m->field, "user.contacts[1].phone");
	const got *e = find_det(&g_a, "email", NULL);
	assert_non_null(e);
	assert_string_equal(e->field, "user.email");
	assert_string_equal(e->evidence, "z***@example.com");

	const char *jsonl = "{\"a\":1,\"tel\":\"13812345678\"}\n{\"b\":{\"mobile\":\"13912345678\"}}\n";
	scan_str("d.jsonl", jsonl, &g_a);
	assert_non_null(find_det(&g_a, "cn_mobile", "13812345678"));
	assert_string_equal(find_det(&g_a, "cn_mobile", "13812345678")->field, "tel");
	assert_string_equal(find_det(&g_a, "cn_mobile", "13912345678")->field, "b.mobile");
	assert_int_equal(find_det(&g_a, "cn_mobile", "13912345678")->line, 2);
}

static void test_mobile_inside_email_is_one_finding(void **state)
{
	scan_str("a.txt", "mail: 13812345678@163.com\n", &g_a);
	assert_non_null(find_det(&g_a, "email", NULL));
	assert_null(find_det(&g_a, "cn_mobile", NULL));
}

static void test_fingerprint_normalises_formatting(void **state)
{
	scan_str("a.txt", "手机 13812345678 和 +86 138-1234-5678 和 0086 13812345678\n", &g_a);
	assert_true(g_a.n >= 2);
	for (size_t i = 1; i < g_a.n; i++)
		assert_string_equal(g_a.v[i].fp, g_a.v[0].fp);
	assert_int_equal(strlen(g_a.v[0].fp), 32);
}

/* Builds a corpus with values at many places, including one huge line. */
static char *corpus(size_t *len)
{
	size_t cap = 3u << 20, o = 0;
	char *b = malloc(cap);
	for (int i = 0; i < 4000; i++)
		o += (size_t)snprintf(b + o, cap - o, "%d 用户 手机13812345%03d 邮箱 u%d@example.com ip 10.%d.%d.1\n",
				      i, i % 1000, i, i % 250, (i / 250) % 250);
	/* one ~1 MB line with ids spread through it */
	for (int i = 0; i < 20000; i++)
		o += (size_t)snprintf(b + o, cap - o, "%s", i % 97 == 0 ? " 11010519491231002X " : "abcdefghijklmnopqrstuvwxyz-_=+/;:.,");
	b[o++] = '\n';
	*len = o;
	return b;
}

static void test_chunking_is_exactly_once(void **state)
{
	size_t len;
	char *b = corpus(&len);
	size_t big = scan_with(g_rules, "c.txt", b, len, 64u << 20, &g_a);
	size_t small = scan_with(g_rules, "c.txt", b, len, 16u << 10, &g_b);
	assert_true(big > 8000);
	assert_int_equal(big, small);
	for (size_t i = 0; i < big; i++) {
		assert_string_equal(g_a.v[i].det, g_b.v[i].det);
		assert_int_equal(g_a.v[i].offset, g_b.v[i].offset);
		assert_int_equal(g_a.v[i].length, g_b.v[i].length);
		assert_int_equal(g_a.v[i].line, g_b.v[i].line);
		assert_int_equal(g_a.v[i].column, g_b.v[i].column);
	}
	free(b);
}

static void test_reference_matcher_agrees(void **state)
{
	shuan_rules *ref = load_rules(SHUAN_MATCHER_REFERENCE);
	assert_non_null(ref);
	const char *text =
		"张先生 13812345678, +86 139 1234 5678, 010-12345678, (0755)1234567, zhang@example.com\n"
		"身份证 11010519491231002X 卡号 6217000000000000004 信用代码 91440300708461136T\n"
		"ip 192.168.1.10 fe80::1 mac 00:1A:2B:3C:4D:5E 车牌 京A12345 坐标 39.9042,116.4074\n"
		"password=Hunter2 jdbc:mysql://root:s3cret@db:3306/x AKIAIOSFODNN7EXAMPLE\n"
		"姓名：王小明 地址：浙江省杭州市西湖区文三路90号 护照 E12345678\n";
	size_t a = scan_with(g_rules, "x.txt", text, strlen(text), 0, &g_a);
	size_t b = scan_with(ref, "x.txt", text, strlen(text), 0, &g_b);
	assert_true(a >= 12);
	assert_int_equal(a, b);
	for (size_t i = 0; i < a; i++) {
		assert_string_equal(g_a.v[i].det, g_b.v[i].det);
		assert_int_equal(g_a.v[i].offset, g_b.v[i].offset);
		assert_int_equal(g_a.v[i].length, g_b.v[i].length);
	}
	shuan_rules_free(ref);
}

/* The index of detector `id`'s first pattern in r's matcher. */
static size_t first_pattern(const shuan_rules *r, const char *id)
{
	size_t d = 0, k = 0;
	while (d < r->n && strcmp(r->dets[d].info.id, id))
		d++;
	assert_true(d < r->n);
	while (k < r->n_patterns && r->pattern_det[k] != d)
		k++;
	assert_true(k < r->n_patterns);
	return k;
}

/* Scans text with rules a and b and fails, naming `what` b is, unless
 * both report the same values (offset, length, confidence, and detector
 * when same_det); returns how many. */
static size_t same_findings(shuan_rules *a, shuan_rules *b, const char *text, size_t n, bool same_det,
			    const char *what)
{
	size_t x = scan_with(a, "x.txt", text, n, 0, &g_a), y = scan_with(b, "x.txt", text, n, 0, &g_b);
	if (x != y)
		fail_msg("'%s': %zu findings, %zu %s", text, x, y, what);
	for (size_t i = 0; i < x; i++)
		if ((same_det && strcmp(g_a.v[i].det, g_b.v[i].det)) || g_a.v[i].offset != g_b.v[i].offset ||
		    g_a.v[i].length != g_b.v[i].length || g_a.v[i].confidence != g_b.v[i].confidence)
			fail_msg("'%s': '%s' against '%s' %s", text, g_a.v[i].value, g_b.v[i].value, what);
	return x;
}

/*
 * A bounded pattern whose value has one length (the bare mobile number) is
 * matched without start tracking and its start taken as the end less that
 * length (lib/match/matcher.h, SHUAN_MATCH_NO_START): against the reference
 * matcher, which reports real starts, the same findings next to delimiters
 * of one to four bytes, at the edges of the input and inside longer runs.
 */
static void test_fixed_width_value(void **state)
{
	(void)state;
	shuan_rules *ref = load_rules(SHUAN_MATCHER_REFERENCE);
	assert_non_null(ref);
	size_t k = first_pattern(g_rules, "cn_mobile");
	assert_int_equal(g_rules->pattern_width[k], 11);     /* 1[3-9][0-9]{9} */
	assert_int_equal(g_rules->pattern_width[k + 1], 0);  /* with +86: two lengths */
	assert_int_equal(ref->pattern_width[k], 0);          /* PCRE2 reports starts */
	static const char *const before[] = {"", " ", "电话", "：", "\xF0\x9F\x93\x9E", "\xC2\xB7", "+86", "86", "9", "a"};
	static const char *const after[] = {"", "\n", "。", "号", "\xF0\x9F\x98\x80", "\xC2\xB7", "0", "x"};
	size_t found = 0;
	for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
		for (size_t a = 0; a < sizeof(after) / sizeof(after[0]); a++) {
			char text[128];
			int n = snprintf(text, sizeof(text), "%s13812345678%s", before[b], after[a]);
			found += same_findings(g_rules, ref, text, (size_t)n, true, "by the reference matcher");
		}
	assert_true(found >= 40);
	shuan_rules_free(ref);
}

/*
 * The e-mail pattern [C]+@R is matched without start tracking and its start
 * walked back from the last @ (rules/internal.h, PATTERN_TRIM_AT): against
 * the reference matcher, the same findings with several @, local parts
 * that run into other text, one too long to be a value, and at the edges.
 */
static void test_email_start_walked_back(void **state)
{
	(void)state;
	shuan_rules *ref = load_rules(SHUAN_MATCHER_REFERENCE);
	assert_non_null(ref);
	size_t k = first_pattern(g_rules, "email");
	assert_int_equal(g_rules->pattern_trim[k], PATTERN_TRIM_AT);
	char longrun[200];
	memset(longrun, 'a', 150);
	longrun[150] = '\0';
	const char *before[] = {"", " ", "邮箱", "邮箱：", "a.b", "x@y", "+", "@", "%_-", longrun, "\xF0\x9F\x93\xA7"};
	static const char *const mail[] = {"user@example.com", "a@b@example.com", "first.last+tag@mail.example.co",
					   "x@y.z", "li.na@example.com.", "@example.com", "u@-x.cn"};
	static const char *const after[] = {"", "。", "\n", ".", "@q", " 谢谢", "\xC2\xB7"};
	size_t found = 0;
	for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
		for (size_t m = 0; m < sizeof(mail) / sizeof(mail[0]); m++)
			for (size_t a = 0; a < sizeof(after) / sizeof(after[0]); a++) {
				char text[512];
				int n = snprintf(text, sizeof(text), "%s%s%s", before[b], mail[m], after[a]);
				found += same_findings(g_rules, ref, text, (size_t)n, true, "by the reference matcher");
			}
	assert_true(found >= 200);
	shuan_rules_free(ref);
}

static void test_bad_input_is_skipped_with_reason(void **state)
{
	shuan_scanner *s;
	shuan_input_result res;
	shuan_input in = {"bin", "bin", SHUAN_FORMAT_AUTO};
	assert_int_equal(shuan_scanner_new(&s, g_rules, NULL), 0);
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, "ab\0cd 13812345678", 17, collect, &g_a, &res),
			 SHUAN_EBINARY);
	assert_int_equal(res.skipped, SHUAN_EBINARY);
	assert_non_null(strstr(res.reason, "binary"));
	g_a.n = 0;
	/* neither UTF-8 nor GB18030 (0x80 and 0xFF are never valid in GB18030) */
	assert_int_not_equal(shuan_scanner_scan_buffer(s, &in, "\x80\x80\xff ab \xff\x80 13812345678", 21, collect,
						       &g_a, &res), 0);
	assert_non_null(strstr(res.reason, "undecodable"));
	/* the reason never carries input bytes */
	assert_null(strstr(res.reason, "138"));
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, "", 0, collect, &g_a, &res), 0);
	assert_int_equal(res.findings, 0);
	shuan_scanner_free(s);
}

/* Regression: an input that stops inside a huge line (here: the callback
 * stops it) must not leave its overlap offsets to the next input, which
 * used to lose the findings in its first 256 bytes. */
static int stop_at_first(const shuan_finding *f, void *ud)
{
	(void)f;
	(void)ud;
	return 1;
}

static void test_state_does_not_leak_between_inputs(void **state)
{
	shuan_scanner *s;
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	shuan_input in = {"a.txt", "a.txt", SHUAN_FORMAT_AUTO};
	size_t n = 3u << 20;
	char *huge = malloc(n);
	o.chunk_size = 16u << 10;
	memset(huge, 'a', n);
	/* values only after the first chunk, so the stop happens in a later,
	 * overlapping piece of the huge line */
	for (size_t at = 100000; at + 20 < n; at += 50000)
		memcpy(huge + at, " 13812345678 ", 13);
	assert_int_equal(shuan_scanner_new(&s, g_rules, &o), 0);
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, huge, n, stop_at_first, NULL, NULL), SHUAN_ESTOP);
	g_a.n = 0;
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, "tel 13912345678\n", 16, collect, &g_a, NULL), 0);
	assert_int_equal(g_a.n, 1);
	assert_string_equal(g_a.v[0].value, "13912345678");
	shuan_scanner_free(s);
	free(huge);
}

/* A detector file's id must match its file name (--detectors relies on it). */
static void test_rule_id_must_match_file_name(void **state)
{
	char dir[] = "/tmp/shuan-rules-XXXXXX", path[512], err[512];
	shuan_rules *r = NULL;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/detectors", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/data", dir);
	assert_int_equal(symlink(SHUAN_TEST_RULES_DIR "/data", path), 0);
	snprintf(path, sizeof(path), "%s/detectors/cn_mobile.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("id: mobile_cn\nlabel_zh: x\nlabel_en: x\npi_category: x\nvalidator: cn_mobile\n"
	      "cites: [pipl]\npatterns: ['1[3-9][0-9]{9}']\n", f);
	fclose(f);
	assert_int_equal(shuan_rules_load(&r, dir, NULL, err, sizeof(err)), SHUAN_ERULES);
	assert_null(r);
	assert_non_null(strstr(err, "does not match the file name"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/data", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/detectors", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_detector_selection(void **state)
{
	shuan_rules *r = NULL;
	const char *only[] = {"cn_mobile", NULL};
	const char *bogus[] = {"no_such_detector", NULL};
	shuan_rules_options o = {SHUAN_RULES_OPTIONS_VERSION, only, NULL, NULL, false};
	char err[256];
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, err, sizeof(err)), 0);
	assert_int_equal(shuan_rules_count(r), 1);
	shuan_rules_free(r);
	o.only = bogus;
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, err, sizeof(err)), SHUAN_ENOTFOUND);
	assert_null(r);
	assert_non_null(strstr(err, "no_such_detector"));
}

/* Candidates strictly inside a cell that a field-mode detector accepted
 * are not validated (chunk.c): they would be hidden by the cell's finding.
 * When the cell's finding is itself filtered (below --min-confidence), what
 * it would have hidden is validated and reported. */
static size_t scan_csv_min(const char *csv, double min_confidence, gots *g)
{
	shuan_scanner *s = NULL;
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	shuan_input in = {"c.csv", "c.csv", SHUAN_FORMAT_AUTO};
	o.fingerprint_key = TEST_KEY;
	o.fingerprint_key_len = sizeof(TEST_KEY);
	o.min_confidence = min_confidence;
	g->n = 0;
	assert_int_equal(shuan_scanner_new(&s, g_rules, &o), 0);
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, csv, strlen(csv), collect, g, NULL), 0);
	shuan_scanner_free(s);
	return g->n;
}

static void test_inside_an_accepted_cell(void **state)
{
	const char *csv = "地址,备注\n北京市朝阳区建国路12号 电话13812345678,x\n";
	(void)state;
	/* the address cell's finding hides the phone number inside it */
	assert_int_equal(scan_csv_min(csv, 0, &g_a), 1);
	assert_non_null(find_det(&g_a, "address", NULL));
	assert_null(find_det(&g_a, "cn_mobile", NULL));
	/* the cell's finding (0.85) is filtered at 0.9: the narrower address
	 * with its cue boost and the phone number come out instead */
	assert_int_equal(scan_csv_min(csv, 0.9, &g_b), 2);
	assert_non_null(find_det(&g_b, "cn_mobile", "13812345678"));
	assert_non_null(find_det(&g_b, "address", "北京市朝阳区建国路12号"));
}

/* A pattern candidate on exactly an address cell the field mode accepted
 * takes the cell's answer for prose (shuan_vresult.as_pattern): the span
 * from the first division, as validating it again would give. */
static void test_answered_cell(void **state)
{
	(void)state;
	/* the cell's own hit (0.85) is filtered at 0.9; the prose hit with the
	 * column's cue comes out */
	assert_int_equal(scan_csv_min("地址\n家住北京市朝阳区建国路12号\n", 0.9, &g_a), 1);
	assert_non_null(find_det(&g_a, "address", "北京市朝阳区建国路12号"));
	assert_int_equal(scan_csv_min("备注\n家住北京市朝阳区建国路12号\n", 0, &g_b), 1);
	assert_string_equal(g_b.v[0].value, g_a.v[0].value);
	assert_true(g_b.v[0].offset == g_a.v[0].offset);
}

/* fingerprint_only: the named detectors' findings carry a fingerprint, the
 * others an empty one (and nothing else changes); an unknown id is an
 * error; version 2 options (without the field) fingerprint everything. */
static int scan_fp(const shuan_scan_options *o, const char *text, gots *g)
{
	shuan_scanner *s = NULL;
	shuan_input in = {"a.txt", "a.txt", SHUAN_FORMAT_AUTO};
	shuan_input_result res;
	int rc = shuan_scanner_new(&s, g_rules, o);
	if (rc)
		return rc;
	g->n = 0;
	rc = shuan_scanner_scan_buffer(s, &in, text, strlen(text), collect, g, &res);
	shuan_scanner_free(s);
	return rc;
}

/* The person key the scanner should give value under TEST_KEY, in hex. */
static void expected_person(const char *detector, const char *value, char hex[40])
{
	shuan_fingerprinter *fp = NULL;
	unsigned char k[16];
	assert_int_equal(shuan_fingerprinter_new(&fp, SHUAN_FP_HMAC_SM3, TEST_KEY, sizeof(TEST_KEY)), 0);
	shuan_fingerprint_person(fp, detector, value, strlen(value), k);
	shuan_fingerprinter_free(fp);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", k[i]);
}

static void test_fingerprint_only(void **state)
{
	(void)state;
	static const char *const only[] = {"cn_mobile", NULL};
	static const char *const unknown[] = {"no_such_detector", NULL};
	const char *text = "手机13812345678 邮箱 li.na@example.com\n";
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	o.fingerprint_key = TEST_KEY;
	o.fingerprint_key_len = sizeof(TEST_KEY);
	assert_int_equal(scan_fp(&o, text, &g_a), 0);
	o.fingerprint_only = only;
	assert_int_equal(scan_fp(&o, text, &g_b), 0);
	assert_int_equal(g_a.n, 2);
	assert_int_equal(g_b.n, 2);
	const got *m = find_det(&g_b, "cn_mobile", "13812345678"), *e = find_det(&g_b, "email", "li.na@example.com");
	assert_non_null(m);
	assert_non_null(e);
	assert_string_equal(m->fp, find_det(&g_a, "cn_mobile", "13812345678")->fp);
	assert_true(strlen(m->fp) > 0);
	assert_string_equal(m->person, ""); /* person keys only for counting callers (counts_only) */
	assert_string_equal(e->fp, "");
	assert_string_equal(e->person, "");
	assert_string_equal(e->evidence, find_det(&g_a, "email", "li.na@example.com")->evidence);
	o.fingerprint_only = unknown;
	shuan_scanner *s = NULL;
	assert_int_equal(shuan_scanner_new(&s, g_rules, &o), SHUAN_ENOTFOUND);
	assert_null(s);
	o.version = 2; /* the field is not read */
	assert_int_equal(scan_fp(&o, text, &g_b), 0);
	assert_true(strlen(find_det(&g_b, "email", "li.na@example.com")->fp) > 0);
}

/* counts_only: the same findings, with person keys as fingerprint_only
 * says (and only then), but an empty evidence, no fingerprint and no
 * distinct key; version
 * 3 options (without the field) mask and hash as before. */
static void test_counts_only(void **state)
{
	(void)state;
	static const char *const only[] = {"cn_mobile", NULL};
	const char *text = "手机13812345678 邮箱 li.na@example.com 身份证 11010519491231002X\n";
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	o.fingerprint_key = TEST_KEY;
	o.fingerprint_key_len = sizeof(TEST_KEY);
	o.fingerprint_only = only;
	assert_int_equal(scan_fp(&o, text, &g_a), 0);
	o.counts_only = true;
	assert_int_equal(scan_fp(&o, text, &g_b), 0);
	assert_int_equal(g_a.n, 3);
	assert_int_equal(g_b.n, g_a.n);
	for (size_t i = 0; i < g_a.n; i++) {
		const got *a = &g_a.v[i], *b = &g_b.v[i];
		assert_string_equal(b->det, a->det);
		assert_string_equal(b->value, a->value);
		assert_true(a->offset == b->offset && a->length == b->length && a->line == b->line);
		assert_true(a->confidence == b->confidence && a->sensitive == b->sensitive);
		assert_string_equal(a->person, ""); /* none for a caller that shows findings */
		assert_true(strlen(a->evidence) > 0 && a->distinct != 0);
		assert_string_equal(b->evidence, "");
		assert_string_equal(b->fp, "");
		assert_true(b->distinct == 0);
	}
	assert_true(strlen(find_det(&g_a, "cn_mobile", "13812345678")->fp) > 0);
	char want[40];
	expected_person("cn_mobile", "13812345678", want);
	assert_string_equal(find_det(&g_b, "cn_mobile", "13812345678")->person, want);
	assert_string_not_equal(want, find_det(&g_a, "cn_mobile", "13812345678")->fp);
	assert_string_equal(find_det(&g_b, "email", "li.na@example.com")->person, ""); /* not in fingerprint_only */
	o.version = 3; /* the field is not read */
	assert_int_equal(scan_fp(&o, text, &g_b), 0);
	assert_string_equal(find_det(&g_b, "email", "li.na@example.com")->evidence,
			    find_det(&g_a, "email", "li.na@example.com")->evidence);
	o.version = SHUAN_SCAN_OPTIONS_VERSION + 1;
	shuan_scanner *s = NULL;
	assert_int_equal(shuan_scanner_new(&s, g_rules, &o), SHUAN_EINVAL);
	assert_null(s);
}

/* The worker pool keeps a later file's findings until the files before it
 * are written: what it hands on carries the person key too. A
 * large first file keeps the first worker busy while the second finishes
 * the small one, whose finding is then kept. */
static void jobs_collect(const shuan_finding *f, void *ud) { (void)collect(f, ud); }

static void test_jobs_keep_person_key(void **state)
{
	(void)state;
	char dir[] = "/tmp/shuan-jobs-XXXXXX", big[64], small[64];
	assert_non_null(mkdtemp(dir));
	snprintf(big, sizeof(big), "%s/big.txt", dir);
	snprintf(small, sizeof(small), "%s/small.txt", dir);
	FILE *f = fopen(big, "w");
	assert_non_null(f);
	for (int i = 0; i < 200000; i++)
		fputs("nothing personal in this line at all\n", f);
	fclose(f);
	assert_non_null(f = fopen(small, "w"));
	fputs("手机13812345678\n", f);
	fclose(f);
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	so.fingerprint_key = TEST_KEY;
	so.fingerprint_key_len = sizeof(TEST_KEY);
	so.counts_only = true;
	shuan_jobs_options jo = SHUAN_JOBS_OPTIONS_INIT;
	jo.jobs = 2;
	shuan_jobs *j = NULL;
	assert_int_equal(shuan_jobs_new(&j, g_rules, &so, NULL, &jo), 0);
	const char *paths[] = {big, small};
	shuan_jobs_sink sink = {jobs_collect, NULL, &g_a};
	shuan_jobs_result res;
	shuan_stats *st = NULL;
	assert_int_equal(shuan_stats_new(&st), 0);
	g_a.n = 0;
	assert_int_equal(shuan_jobs_run(j, paths, 2, &sink, st, &res), 0);
	shuan_jobs_free(j);
	shuan_stats_free(st);
	assert_int_equal(g_a.n, 1);
	assert_string_equal(g_a.v[0].fp, "");
	char want[40];
	expected_person("cn_mobile", "13812345678", want);
	assert_string_equal(g_a.v[0].person, want);
	unlink(big);
	unlink(small);
	rmdir(dir);
}

/* Writes a rules directory at dir holding the tables and two address
 * detectors that differ only in how their pattern opens: `lead` with the
 * Han run the compiler strips (PATTERN_TRIM_LEAD, put back by the scanner),
 * `plain` with the same run in a group, which Vectorscan matches itself. */
static void write_lead_rules(const char *dir, const char *run, const char *rest)
{
	char path[512], cmd[1200];
	static const char *const ids[2] = {"lead", "plain"};
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s/detectors && cp -r %s/data %s/sensitivity.yaml %s/", dir, dir,
		 SHUAN_TEST_RULES_DIR, SHUAN_TEST_RULES_DIR, dir);
	assert_int_equal(system(cmd), 0);
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/detectors/%s.yaml", dir, ids[k]);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f,
			"id: %s\nrev: 1\nlabel_zh: 地址\nlabel_en: Address\npi_category: 个人基本资料\ncites: [pipl]\n"
			"validator: address\nboundary: none\nconfidence: 0.75\n"
			"words:\n  road: [路, 街, 道]\n  village: [村]\n  unit: [号, 室]\n  estate: [小区]\n"
			"  building: [室]\n  not_in_name: [的, 是]\n"
			"patterns:\n  - '%s%s%s%s'\n",
			ids[k], k ? "(?:" : "", run, k ? ")" : "", rest);
		fclose(f);
	}
}

/* The `lead` and `plain` detectors of write_lead_rules()'s directory, each
 * loaded alone with matcher kind mk. */
static void load_lead_pair(const char *dir, shuan_matcher_kind mk, shuan_rules **lead, shuan_rules **plain)
{
	static const char *const lead_only[] = {"lead", NULL}, *const plain_only[] = {"plain", NULL};
	shuan_rules_options lo = {0}, po = {0};
	char err[1024];
	lo.version = po.version = SHUAN_RULES_OPTIONS_VERSION;
	lo.only = lead_only;
	po.only = plain_only;
	assert_int_equal(shuan_rules__load(lead, dir, &lo, mk, err, sizeof(err)), 0);
	assert_int_equal(shuan_rules__load(plain, dir, &po, mk, err, sizeof(err)), 0);
}

/*
 * An opening Han run [\x{4e00}-\x{9fa5}]{m,n} is compiled away and put back
 * by the scanner (rules/internal.h, PATTERN_TRIM_LEAD). Against the same
 * pattern that Vectorscan (and the reference matcher) match whole, over
 * texts with 0 to 11 Han characters, ASCII and digits before the road: the
 * same findings, and the run is no longer than n (a division further back
 * is outside the span) and no shorter than m.
 */
static void test_opening_han_run(void **state)
{
	(void)state;
	const char *dir = "/tmp/shuan_test_lead_rules";
	static const char *const before[] = {"", "我", "住在", "我住在", "客户说住在", "客户地址是：", "A", "3",
					     "北京", "北京市", "朝阳区", "北京市朝阳区", "北京市朝阳区东", "北京市朝阳区的东",
					     "北京市，朝阳区", "北京市朝阳区东三环中心"};
	static const char *const road[] = {"建国路12号", "路12号", "道3号501室", "东街8号", "三里屯村", "号"};
	write_lead_rules(dir, "[\\x{4e00}-\\x{9fa5}]{4,6}", "(?:路|街|道)[0-9]{1,5}号(?:[0-9]{1,4}室)?");
	for (int kind = 0; kind < 2; kind++) {
		shuan_rules *lead = NULL, *plain = NULL;
		load_lead_pair(dir, kind ? SHUAN_MATCHER_REFERENCE : SHUAN_MATCHER_VECTORSCAN, &lead, &plain);
		assert_int_equal(lead->pattern_trim[0], PATTERN_TRIM_LEAD);
		assert_int_equal(lead->pattern_lead[0].min, 4);
		assert_int_equal(lead->pattern_lead[0].max, 6);
		assert_int_equal(plain->pattern_trim[0], 0);
		size_t found = 0;
		for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
			for (size_t d = 0; d < sizeof(road) / sizeof(road[0]); d++) {
				char text[256];
				snprintf(text, sizeof(text), "备注：%s%s，谢谢。\n", before[b], road[d]);
				found += same_findings(lead, plain, text, strlen(text), false, "with the run matched");
			}
		assert_true(found >= 10);
		/* the run is 4 to 6 characters: a division 7 back is outside, one
		 * with 3 before the road is too short */
		const char *far = "北京市朝阳区东三环中心大厦路12号\n", *near = "在朝阳区东路12号\n", *short_run = "：朝阳区路12号\n";
		scan_with(lead, "a.txt", short_run, strlen(short_run), 0, &g_a);
		assert_null(find_det(&g_a, "lead", NULL));
		scan_with(lead, "a.txt", far, strlen(far), 0, &g_a);
		assert_null(find_det(&g_a, "lead", NULL));
		scan_with(lead, "a.txt", near, strlen(near), 0, &g_a);
		assert_non_null(find_det(&g_a, "lead", "朝阳区东路12号"));
		shuan_rules_free(lead);
		shuan_rules_free(plain);
	}
	/* not stripped, and compiled whole: an alternation, a run that may be
	 * empty, an exact count, an open bound, bounds out of order or past
	 * 255, a rest that is a quantifier */
	static const char *const kept[][2] = {
	    {"[\\x{4e00}-\\x{9fa5}]{2,5}", "路[0-9]号|[0-9]{3}室"}, {"[\\x{4e00}-\\x{9fa5}]{0,5}", "路[0-9]号"},
	    {"[\\x{4e00}-\\x{9fa5}]{3}", "路[0-9]号"},            {"[\\x{4e00}-\\x{9fa5}]{2,}", "路[0-9]号"},
	    {"[\\x{4e00}-\\x{9fa5}]{2,300}", "路[0-9]号"},       {"[\\x{4e00}-\\x{9fa5}]{2,5}", "?路[0-9]号"},
	};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		write_lead_rules(dir, kept[i][0], kept[i][1]);
		shuan_rules *r = NULL;
		char err[1024];
		int rc = shuan_rules__load(&r, dir, NULL, SHUAN_MATCHER_VECTORSCAN, err, sizeof(err));
		if (rc == 0) {
			assert_int_equal(r->pattern_trim[0], 0);
			shuan_rules_free(r);
		} else { /* a pattern Vectorscan refuses is named with its file, whole */
			assert_int_equal(rc, SHUAN_ERULES);
			assert_non_null(strstr(err, "lead.yaml: pattern '[\\x{4e00}-\\x{9fa5}]{"));
		}
	}
	/* bounds out of order: the whole pattern goes to Vectorscan, which refuses it */
	write_lead_rules(dir, "[\\x{4e00}-\\x{9fa5}]{5,2}", "路[0-9]号");
	shuan_rules *bad = NULL;
	char err[1024];
	assert_int_equal(shuan_rules__load(&bad, dir, NULL, SHUAN_MATCHER_VECTORSCAN, err, sizeof(err)), SHUAN_ERULES);
	assert_null(bad);
	assert_non_null(strstr(err, "lead.yaml: pattern '[\\x{4e00}-\\x{9fa5}]{5,2}"));
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * A digit run [0-9]{a,b} after the opening Han run, before a unit word, is
 * compiled away with it and put back digits first (rules/internal.h): over
 * texts with 0 to 5 digits (and letters, numerals) between 0 to 11 Han
 * characters and a unit, the same findings as the pattern matched whole.
 * Digits before anything that could itself start with a digit stay in the
 * pattern.
 */
static void test_opening_digit_run(void **state)
{
	(void)state;
	const char *dir = "/tmp/shuan_test_digit_lead_rules";
	static const char *const before[] = {"", "我", "住在", "客户说住在", "A", "北京", "北京市朝阳区",
					     "北京市朝阳区东三环中心", "北京市，朝阳区", "3号楼"};
	static const char *const number[] = {"", "1", "12", "123", "1234", "12345", "A1", "一2", "2-"};
	static const char *const unit[] = {"号", "室", "号院", "栋2单元", "号，"};
	write_lead_rules(dir, "[\\x{4e00}-\\x{9fa5}]{3,12}",
			 "[0-9]{1,3}(?:(?:号院|号|室|栋))(?:[0-9A-Za-z\\-]|[\\x{4e00}-\\x{9fa5}]){0,4}");
	for (int kind = 0; kind < 2; kind++) {
		shuan_rules *lead = NULL, *plain = NULL;
		load_lead_pair(dir, kind ? SHUAN_MATCHER_REFERENCE : SHUAN_MATCHER_VECTORSCAN, &lead, &plain);
		assert_int_equal(lead->pattern_trim[0], PATTERN_TRIM_LEAD);
		assert_int_equal(lead->pattern_lead[0].digit_min, 1);
		assert_int_equal(lead->pattern_lead[0].digit_max, 3);
		assert_int_equal(plain->pattern_trim[0], 0);
		size_t found = 0;
		for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
			for (size_t d = 0; d < sizeof(number) / sizeof(number[0]); d++)
				for (size_t u = 0; u < sizeof(unit) / sizeof(unit[0]); u++) {
					char text[256];
					snprintf(text, sizeof(text), "备注：%s阳光小区%s%s，谢谢。\n", before[b], number[d],
						 unit[u]);
					found += same_findings(lead, plain, text, strlen(text), false,
							       "with the digits matched");
				}
		assert_true(found >= 10); /* only the texts with a division before the estate */
		shuan_rules_free(lead);
		shuan_rules_free(plain);
	}
	/* kept: what follows could start with a digit, or is an alternation */
	static const char *const kept[] = {"[0-9]{1,3}[0-9]号", "[0-9]{1,3}(?:[A-Z]号)", "[0-9]{1,3}号|室",
					   "[0-9]{0,3}号", "[0-9]{1,3}?号"};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		write_lead_rules(dir, "[\\x{4e00}-\\x{9fa5}]{3,5}", kept[i]);
		shuan_rules *r = NULL;
		char err[1024];
		int rc = shuan_rules__load(&r, dir, NULL, SHUAN_MATCHER_VECTORSCAN, err, sizeof(err));
		assert_int_equal(rc, 0);
		for (size_t k = 0; k < r->n_patterns; k++)
			assert_int_equal(r->pattern_lead[k].digit_max, 0);
		shuan_rules_free(r);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_and_mobile_in_prose),
		cmocka_unit_test(test_digit_runs_inside_longer_runs),
		cmocka_unit_test(test_bad_checksum_and_dates),
		cmocka_unit_test(test_minor_is_sensitive),
		cmocka_unit_test(test_csv_fields_and_quotes),
		cmocka_unit_test(test_json_key_paths),
		cmocka_unit_test(test_mobile_inside_email_is_one_finding),
		cmocka_unit_test(test_fingerprint_normalises_formatting),
		cmocka_unit_test(test_chunking_is_exactly_once),
		cmocka_unit_test(test_reference_matcher_agrees),
		cmocka_unit_test(test_fixed_width_value),
		cmocka_unit_test(test_email_start_walked_back),
		cmocka_unit_test(test_bad_input_is_skipped_with_reason),
		cmocka_unit_test(test_state_does_not_leak_between_inputs),
		cmocka_unit_test(test_rule_id_must_match_file_name),
		cmocka_unit_test(test_detector_selection),
		cmocka_unit_test(test_fingerprint_only),
		cmocka_unit_test(test_counts_only),
		cmocka_unit_test(test_jobs_keep_person_key),
		cmocka_unit_test(test_inside_an_accepted_cell),
		cmocka_unit_test(test_answered_cell),
		cmocka_unit_test(test_opening_han_run),
		cmocka_unit_test(test_opening_digit_run),
	};
	return cmocka_run_group_tests(tests, rules_setup, rules_teardown);
}
