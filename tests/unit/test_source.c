/*
 * tests/unit/test_source.c - shuan_scan_source() on containers built here
 * with libarchive's writer: member paths, an xlsx cell's location and
 * header field, stopping from the callback; and the private pieces the
 * dispatcher relies on: content sniffing and the bomb limits' ratio floor.
 */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/source/archive.h"
#include "shuan/source.h"

static shuan_rules *g_rules;
static shuan_scanner *g_scanner;
static char g_dir[64];

typedef struct seen {
	char path[32][128];
	char loc[32][64];
	char field[32][64];
	char det[32][32];
	size_t n;
	char inputs[16][256];
	size_t ni;
	int stop_after;
} seen;

static int on_finding(const shuan_finding *f, void *ud)
{
	seen *s = ud;
	if (s->n < 32) {
		snprintf(s->path[s->n], sizeof(s->path[0]), "%s", f->path);
		snprintf(s->loc[s->n], sizeof(s->loc[0]), "%s", f->location ? f->location : "");
		snprintf(s->field[s->n], sizeof(s->field[0]), "%s", f->field ? f->field : "");
		snprintf(s->det[s->n], sizeof(s->det[0]), "%s", f->detector->id);
		s->n++;
	}
	return s->stop_after && (int)s->n >= s->stop_after;
}

static void on_input(const char *path, const shuan_input_result *r, void *ud)
{
	seen *s = ud;
	if (s->ni < 16)
		snprintf(s->inputs[s->ni++], sizeof(s->inputs[0]), "%s|%d|%s|%s", path, r->skipped,
			 r->skipped ? r->reason : r->warning, shuan_limit_name(r->limit));
}

static int setup(void **state)
{
	char err[512];
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	so.year = 2024;
	so.month = 6;
	so.day = 1;
	snprintf(g_dir, sizeof(g_dir), "/tmp/shuan-src-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	if (shuan_rules_load(&g_rules, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)) ||
	    shuan_scanner_new(&g_scanner, g_rules, &so))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	shuan_scanner_free(g_scanner);
	shuan_rules_free(g_rules);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes an archive (zip, or the format set by `fmt`) of (name, text) pairs
 * to g_dir/file and returns its path. */
static const char *write_archive(const char *file, const char *const *parts, size_t n, int (*fmt)(struct archive *))
{
	static char path[128];
	struct archive *a = archive_write_new();
	snprintf(path, sizeof(path), "%s/%s", g_dir, file);
	fmt(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = strlen(parts[2 * i + 1]);
		archive_entry_set_pathname(e, parts[2 * i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_write_header(a, e);
		archive_write_data(a, parts[2 * i + 1], len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

static const char *write_zip(const char *file, const char *const *parts, size_t n)
{
	return write_archive(file, parts, n, archive_write_set_format_zip);
}

/* 7-Zip (written by libarchive: no 7z tool needed) with a zip inside, and
 * --max-depth 1 stopping at the inner zip. */
static void test_7z_nested(void **state)
{
	static const char *const inner_parts[] = {"in.log", "phone 13812345678\n"};
	const char *zp = write_zip("in.zip", inner_parts, 1);
	FILE *f = fopen(zp, "rb");
	static char zipdata[4096];
	size_t zn = fread(zipdata, 1, sizeof(zipdata), f);
	fclose(f);
	const char *parts[] = {"a.txt", "手机 13912345678\n", "in.zip", zipdata};
	/* write_archive takes NUL-terminated texts: the zip has NULs, so write by hand. */
	static char path[128];
	struct archive *a = archive_write_new();
	snprintf(path, sizeof(path), "%s/t.7z", g_dir);
	archive_write_set_format_7zip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (int i = 0; i < 2; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = i ? zn : strlen(parts[1]);
		archive_entry_set_pathname(e, parts[2 * i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_write_header(a, e);
		archive_write_data(a, parts[2 * i + 1], len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);

	seen s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(shuan_scan_source(g_scanner, path, NULL, on_finding, on_input, &s), 0);
	assert_int_equal(s.n, 2);
	assert_non_null(strstr(s.path[0], "t.7z!a.txt"));
	assert_non_null(strstr(s.path[1], "t.7z!in.zip!in.log"));
	shuan_source_options o = {SHUAN_SOURCE_OPTIONS_VERSION, 1, 0, 0, 0, NULL};
	memset(&s, 0, sizeof(s));
	assert_int_equal(shuan_scan_source(g_scanner, path, &o, on_finding, on_input, &s), 0);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(s.inputs[1], "in.zip|"));
	assert_non_null(strstr(s.inputs[1], "max_depth 1"));
	assert_non_null(strstr(s.inputs[1], "|max_depth"));
}

static void test_sniff(void **state)
{
	unsigned char tar[512] = {0};
	memcpy(tar + 257, "ustar", 5);
	assert_int_equal(shuan_archive__sniff((const unsigned char *)"\x1f\x8b\x08", 3, "x"), ARCH_ARCHIVE);
	assert_int_equal(shuan_archive__sniff((const unsigned char *)"PK\3\4....", 8, "a.xlsx"), ARCH_OOXML);
	assert_int_equal(shuan_archive__sniff((const unsigned char *)"PK\3\4....", 8, "a.bin"), ARCH_ARCHIVE);
	assert_int_equal(shuan_archive__sniff(tar, sizeof(tar), "noext"), ARCH_ARCHIVE);
	assert_int_equal(shuan_archive__sniff((const unsigned char *)"PK is text", 10, "a.txt"), ARCH_PLAIN);
	assert_int_equal(shuan_archive__sniff((const unsigned char *)"hello", 5, "a.gz"), ARCH_PLAIN);
}

static void test_ratio_floor(void **state)
{
	arch_limits l;
	memset(&l, 0, sizeof(l));
	l.max_expanded = 1ull << 40;
	l.max_ratio = 200;
	l.compressed = 1024;
	/* 32 MiB out of 1 KiB is a ratio of 32768, but below the floor: fine. */
	assert_false(shuan_archive__account(&l, 32u << 20));
	/* Past the floor the ratio counts. */
	assert_true(shuan_archive__account(&l, 40u << 20));
	assert_non_null(strstr(l.reason, "max_ratio"));
	assert_int_equal(l.kind, SHUAN_LIMIT_RATIO);
	memset(&l, 0, sizeof(l));
	l.max_expanded = 1u << 20;
	l.max_ratio = 200;
	l.compressed = 1u << 30;
	assert_true(shuan_archive__account(&l, 2u << 20));
	assert_non_null(strstr(l.reason, "max_expanded"));
	assert_int_equal(l.kind, SHUAN_LIMIT_EXPANDED);
}

static void test_zip_members(void **state)
{
	static const char *const parts[] = {"2024/app.log", "login phone=13812345678\n", "../x.log",
					    "手机 13912345678\n"};
	const char *p = write_zip("logs.zip", parts, 2);
	seen s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(shuan_scan_source(g_scanner, p, NULL, on_finding, on_input, &s), 0);
	assert_int_equal(s.n, 2);
	assert_non_null(strstr(s.path[0], "logs.zip!2024/app.log"));
	assert_non_null(strstr(s.path[1], "logs.zip!../x.log"));
	assert_string_equal(s.loc[0], "");
	assert_int_equal(s.ni, 2);
	assert_non_null(strstr(s.inputs[1], "|0|unsafe member name"));
	/* A callback that asks to stop stops the whole source. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	assert_int_equal(shuan_scan_source(g_scanner, p, NULL, on_finding, on_input, &s), SHUAN_ESTOP);
	assert_int_equal(s.n, 1);
}

static void test_xlsx_cells(void **state)
{
	static const char *const parts[] = {
		"xl/workbook.xml",
		"<workbook xmlns:r=\"r\"><sheets><sheet name=\"客户\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
		"xl/_rels/workbook.xml.rels",
		"<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
		"xl/worksheets/sheet1.xml",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"inlineStr\">"
		"<is><t>手机</t></is></c></row><row r=\"3\"><c r=\"C3\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>",
		"xl/sharedStrings.xml", "<sst><si><t>姓名</t></si><si><r><t>1381234</t></r><r><t>5678</t></r></si></sst>",
	};
	const char *p = write_zip("book.xlsx", parts, 4);
	seen s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(shuan_scan_source(g_scanner, p, NULL, on_finding, on_input, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.det[0], "cn_mobile");
	assert_string_equal(s.loc[0], "客户!C3");
	assert_string_equal(s.field[0], "手机");
	assert_int_equal(s.ni, 1);
}

/* Internal entities are read (issue 12: a harmless DOCTYPE hid a whole
 * workbook), in a sheet and in the shared strings; the sheet's guard once
 * wrote through the wrong context (found by fuzz_xlsx). */
static void test_xlsx_internal_entities_read(void **state)
{
	static const char *const parts[] = {
		"xl/workbook.xml", "<workbook><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>",
		"xl/worksheets/sheet1.xml",
		"<!DOCTYPE w [<!ENTITY a \"13812345678\">]><worksheet><sheetData><row r=\"2\"><c r=\"A2\" "
		"t=\"inlineStr\"><is><t>&a;</t></is></c><c r=\"B2\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
		"xl/sharedStrings.xml", "<!DOCTYPE s [<!ENTITY b \"13912345678\">]><sst><si><t>tel &b;</t></si></sst>",
	};
	const char *p = write_zip("ent.xlsx", parts, 3);
	seen s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(shuan_scan_source(g_scanner, p, NULL, on_finding, on_input, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.loc[0], "sheet1!A2"); /* no relationships part: the part name */
	assert_string_equal(s.loc[1], "sheet1!B2");
	assert_int_equal(s.ni, 1);
	assert_non_null(strstr(s.inputs[0], "ent.xlsx|0||none"));
}

/* External entities are refused, as a skip that names the part (the CLI
 * test runs an entity bomb). */
static void test_xlsx_external_entities_refused(void **state)
{
	static const char *const ext[] = {
		"xl/workbook.xml", "<workbook><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>",
		"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
		"xl/sharedStrings.xml", "<!DOCTYPE s [<!ENTITY b SYSTEM \"file:///etc/hostname\">]><sst><si><t>&b;</t></si></sst>",
	};
	seen s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(shuan_scan_source(g_scanner, write_zip("ext.xlsx", ext, 3), NULL, on_finding, on_input, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.ni, 1);
	assert_non_null(strstr(s.inputs[0], "|-4|external entity declared in xl/sharedStrings.xml: refused"));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_ratio_floor),
		cmocka_unit_test(test_zip_members),
		cmocka_unit_test(test_xlsx_cells),
		cmocka_unit_test(test_7z_nested),
		cmocka_unit_test(test_xlsx_internal_entities_read),
		cmocka_unit_test(test_xlsx_external_entities_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
