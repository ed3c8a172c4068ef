/*
 * tests/unit/test_hostile.c - the pieces behind issue 12's fixes, one by
 * one: JSON strings valid for any bytes, the terminal escaper, the CSV
 * quoting machine (stray quotes, the 64-line bound, split points that read
 * as the whole file does), masking PI in names, interrupted inputs in the
 * stats, and the CSV writer's BOM and formula guard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/output/output.h"
#include "lib/scan/internal.h"
#include "lib/scan/segment.h"
#include "scan_helpers.h"
#include "shuan/stats.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/text.h"

/* What shuan_json_string writes for s[0..n). */
static char *json_of(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	shuan_json_string(f, s, n);
	fclose(f);
	return buf;
}

static void test_json_any_bytes(void **state)
{
	(void)state;
	char *j = json_of("a\"b\\\n\x01", 6);
	assert_string_equal(j, "\"a\\\"b\\\\\\n\\u0001\"");
	free(j);
	j = json_of("客户_\xc4\xe3.csv", strlen("客户_\xc4\xe3.csv")); /* GBK bytes: not UTF-8 */
	assert_string_equal(j, "\"客户_\\ufffd\\ufffd.csv\"");
	free(j);
	j = json_of("\xe5\xae", 2); /* a character cut short */
	assert_string_equal(j, "\"\\ufffd\\ufffd\"");
	free(j);
	j = json_of("\xed\xa0\x80", 3); /* a surrogate is not UTF-8 either */
	assert_string_equal(j, "\"\\ufffd\\ufffd\\ufffd\"");
	free(j);
}

static void test_terminal_escape(void **state)
{
	char out[256];
	(void)state;
	shuan_escape_display("evil\033[2J\033]0;t\007\nshuan: fake", strlen("evil\033[2J\033]0;t\007\nshuan: fake"), out, sizeof(out));
	assert_string_equal(out, "evil\\x1b[2J\\x1b]0;t\\x07\\nshuan: fake");
	/* C1 CSI (U+009B), a right-to-left override and a stray byte */
	shuan_escape_display("a\xc2\x9b" "b\xe2\x80\xae" "c\xff", 9, out, sizeof(out));
	assert_string_equal(out, "a\\u009bb\\u202ec\\xff");
	assert_false(shuan_escape_needed("客户名单.csv", strlen("客户名单.csv")));
	assert_true(shuan_escape_needed("a\tb", 3));
	/* cut at a character, never inside one, and said */
	shuan_escape_display("客户客户客户", 18, out, 12);
	assert_string_equal(out, "客户...");
}

/* Parses buf as one chunk; the field of the value at `at`. */
static const char *field_of(seg_csv *c, const char *buf, const char *needle)
{
	bool hdr;
	const char *at = strstr(buf, needle);
	return seg_csv_field_at(c, buf, (size_t)(at - buf), &hdr);
}

static void test_redact_quoted(void **state)
{
	char out[128];
	(void)state;
	shuan_redact_quoted("You have an error in your SQL syntax near '13812345678','张伟') at line 1", out, sizeof(out));
	assert_string_equal(out, "You have an error in your SQL syntax near '…','…') at line 1");
	shuan_redact_quoted("Incorrect string value: '\\xF0\\x9F' for column 'a'", out, sizeof(out));
	assert_string_equal(out, "Incorrect string value: '…' for column '…'");
	/* an unclosed quote hides the rest; a small buffer cuts, always terminated */
	shuan_redact_quoted("near '1381234", out, sizeof(out));
	assert_string_equal(out, "near '…");
	shuan_redact_quoted("abcdef", out, 4);
	assert_string_equal(out, "abc");
}

static void test_csv_quotes(void **state)
{
	/* quotes inside a cell are characters; "" is a quote; a quoted cell may
	 * hold newlines and delimiters */
	static const char text[] = "名,高,注\n王芳,5'11\",O\"Brien x1\n\"a,\nb\",\"x\"\"y\",z2\n";
	seg_csv c;
	(void)state;
	seg_csv_init(&c, ',');
	assert_int_equal(seg_csv_chunk(&c, text, strlen(text), true, NULL, NULL, NULL), 0);
	assert_string_equal(field_of(&c, text, "x1"), "注");
	assert_string_equal(field_of(&c, text, "z2"), "注");
	assert_int_equal(c.recovered, 0);
	seg_csv_free(&c);
}

static void test_csv_unbalanced_quote_is_bounded(void **state)
{
	char *text = malloc(1 << 16);
	size_t o = (size_t)sprintf(text, "名,手机\n");
	(void)state;
	o += (size_t)sprintf(text + o, "\"never closed,1\n");
	for (int i = 0; i < 100; i++)
		o += (size_t)sprintf(text + o, "张伟,138%08d\n", i);
	seg_csv c;
	seg_csv_init(&c, ',');
	assert_int_equal(seg_csv_chunk(&c, text, o, true, NULL, NULL, NULL), 0);
	assert_int_equal(c.recovered, 1);
	assert_int_equal(c.recovered_first, strlen("名,手机\n"));
	/* 64 lines are taken by the open cell, the rest are records again */
	assert_string_equal(field_of(&c, text, "13800000010"), "名"); /* inside the open cell: column 0 */
	assert_string_equal(field_of(&c, text, "13800000090"), "手机");
	seg_csv_free(&c);
	free(text);
}

/* The split point's promise, on a sample that has every kind of quote. */
static void test_csv_sync_point(void **state)
{
	static const char text[] = "a,\"x\ny\",1\n\"p\",\"q\"\nb,5'11\",2\nc,3\n";
	seg_csv_sync_state st;
	(void)state;
	seg_csv_sync_begin(&st);
	size_t at = seg_csv_sync(&st, text, strlen(text), true, ',');
	assert_true(at != SIZE_MAX);
	assert_int_equal(text[at - 1], '\n');
	/* a line inside the quoted cell ("y\",1") is never a sync point */
	assert_true(at > (size_t)(strstr(text, "y\",1") - text));
	/* a block edge inside the data does not change the answer */
	seg_csv_sync_begin(&st);
	size_t k = seg_csv_sync(&st, text, 5, false, ',');
	assert_int_equal(k, SIZE_MAX);
	k = seg_csv_sync(&st, text + 5, strlen(text) - 5, true, ',');
	assert_int_equal(k + 5, at);
}

static void test_split_points(void **state)
{
	char path[] = "/tmp/shuan-split-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	(void)state;
	fprintf(f, "姓名,手机,注\n");
	for (int i = 0; i < 20000; i++)
		fprintf(f, "张伟,138%08d,%s\n", i, i % 50 == 0 ? "\"两行\n备注\"" : "ok");
	fclose(f);
	shuan_scanner *s = NULL;
	assert_int_equal(shuan_scanner_new(&s, g_rules, NULL), 0);
	uint64_t *starts, size;
	size_t n;
	FILE *g = fopen(path, "rb");
	fseek(g, 0, SEEK_END);
	size = (uint64_t)ftell(g);
	char *all = malloc(size);
	fseek(g, 0, SEEK_SET);
	assert_int_equal(fread(all, 1, size, g), size);
	fclose(g);
	assert_int_equal(shuan_scanner__split(s, path, SHUAN_FORMAT_CSV, size, 16 << 10, &starts, &n), 0);
	assert_true(n > 10);
	assert_int_equal(starts[0], 0);
	for (size_t i = 1; i < n; i++) {
		assert_true(starts[i] > starts[i - 1]);
		assert_int_equal(all[starts[i] - 1], '\n');
		assert_true(strncmp(all + starts[i], "备注", 6) != 0); /* never inside a quoted cell */
	}
	shuan_free(starts);
	free(all);
	shuan_scanner_free(s);
	unlink(path);
}

/* A part planned on the file's size when it was split, opened after the
 * file shrank: not reported as read in full (the CLI test of a file cut
 * while --jobs read it failed when a later part opened after the cut). */
static int count_finding(const shuan_finding *f, void *ud)
{
	(void)f;
	++*(int *)ud;
	return 0;
}

static void test_part_after_shrink(void **state)
{
	char path[] = "/tmp/shuan-shrink-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	shuan_scanner *s = NULL;
	shuan_input in = {path, path, SHUAN_FORMAT_TEXT};
	shuan_input_result res;
	uint64_t nl;
	int found = 0;
	(void)state;
	for (int i = 0; i < 100; i++)
		fprintf(f, "tel 13812345678\n");
	fclose(f);
	assert_int_equal(shuan_scanner_new(&s, g_rules, NULL), 0);
	/* planned when the file had 3200 bytes; it has 1600 now */
	assert_int_equal(shuan_scanner__scan_file_range(s, path, &in, 0, 3200, count_finding, &found, &res, &nl), 0);
	assert_int_equal(found, 100);
	assert_non_null(strstr(res.warning, "the file shrank while it was read"));
	assert_int_equal(shuan_scanner__scan_file_range(s, path, &in, 1600, 3200, count_finding, &found, &res, &nl), 0);
	assert_int_equal(found, 100);
	assert_non_null(strstr(res.warning, "the file shrank while it was read"));
	/* a part within the file as it is: no warning */
	assert_int_equal(shuan_scanner__scan_file_range(s, path, &in, 0, 1600, count_finding, &found, &res, &nl), 0);
	assert_null(strstr(res.warning, "shrank"));
	shuan_scanner_free(s);
	unlink(path);
}

static void test_mask_names(void **state)
{
	shuan_scanner *s = NULL;
	char out[256];
	size_t found;
	(void)state;
	assert_int_equal(shuan_scanner_new(&s, g_rules, NULL), 0);
	const char *name = "导出/客户_11010519491231002X_13812345678.csv";
	assert_int_equal(shuan_scanner_mask_text(s, name, strlen(name), out, sizeof(out), &found), 0);
	assert_int_equal(found, 2);
	assert_string_equal(out, "导出/客户_1101**********002X_138****5678.csv");
	assert_int_equal(shuan_scanner_mask_text(s, "logs/app.log", 12, out, sizeof(out), &found), 0);
	assert_int_equal(found, 0);
	assert_string_equal(out, "logs/app.log");
	/* too small: cut before the value, never inside it */
	assert_int_equal(shuan_scanner_mask_text(s, name, strlen(name), out, 20, &found), 0);
	assert_null(strstr(out, "1101051949"));
	shuan_scanner_free(s);
}

static void test_interrupted_inputs_count(void **state)
{
	shuan_stats *st;
	shuan_input_result r;
	(void)state;
	assert_int_equal(shuan_stats_new(&st), 0);
	shuan_result__reset(&r);
	r.bytes = 4096;
	shuan_result__interrupted(&r);
	assert_int_equal(r.skipped, SHUAN_EINTR);
	assert_string_equal(r.reason, "interrupted: scanned in part (4096 bytes)");
	assert_int_equal(shuan_stats_add_input(st, &r), 0);
	assert_int_equal(shuan_stats_inputs_interrupted(st), 1);
	assert_int_equal(shuan_stats_inputs_skipped(st), 0);
	assert_int_equal(shuan_stats_inputs_scanned(st), 0);
	assert_int_equal(shuan_stats_bytes(st), 4096);
	shuan_stats_free(st);
}

static void test_csv_writer(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	shuan_output r = {0};
	shuan_detector_info det = {0};
	shuan_finding f = {0};
	(void)state;
	r.out = open_memstream(&buf, &len);
	r.ops = shuan_output_ops_for("csv");
	r.bom = true;
	det.id = "cn_mobile";
	det.label_zh = "手机号码";
	det.pi_category = "个人基本资料";
	det.validator = "phone";
	f.path = "=cmd|' /C calc'!A0";
	f.field = "+tel\x1b[2J";
	f.detector = &det;
	f.evidence = "138****5678";
	f.fingerprint = "";
	f.spi_category = "";
	r.ops->begin(&r);
	r.ops->finding(&r, &f);
	fclose(r.out);
	assert_memory_equal(buf, "\xEF\xBB\xBF" "path,", 8);
	assert_non_null(strstr(buf, "\n\"'=cmd|' /C calc'!A0\","));
	assert_non_null(strstr(buf, ",\"'+tel\\x1b[2J\","));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_any_bytes),
		cmocka_unit_test(test_terminal_escape),
		cmocka_unit_test(test_csv_quotes),
		cmocka_unit_test(test_csv_unbalanced_quote_is_bounded),
		cmocka_unit_test(test_csv_sync_point),
		cmocka_unit_test(test_split_points),
		cmocka_unit_test(test_part_after_shrink),
		cmocka_unit_test(test_redact_quoted),
		cmocka_unit_test(test_mask_names),
		cmocka_unit_test(test_interrupted_inputs_count),
		cmocka_unit_test(test_csv_writer),
	};
	return cmocka_run_group_tests(tests, rules_setup, rules_teardown);
}
