/*
 * tests/unit/test_decode.c - input encodings: GBK/GB18030 and UTF-16 (with
 * and without a BOM) detected and decoded, forced encodings, invalid bytes,
 * values straddling chunk and read boundaries, and offsets that point into
 * the bytes as stored. Test inputs are encoded with iconv at test time.
 */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/scan/decode.h"
#include "scan_helpers.h"

static gots g_a, g_b;

/* UTF-8 -> `enc` into out (cap bytes); returns the length. */
static size_t encode(const char *enc, const char *utf8, size_t n, char *out, size_t cap)
{
	iconv_t cd = iconv_open(enc, "UTF-8");
	char *ip = (char *)utf8, *op = out;
	size_t il = n, ol = cap;
	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	return (size_t)(op - out);
}

/* A reader that hands out a buffer in small, uneven pieces, so multibyte
 * sequences are cut between reads. */
struct trickle {
	const char *p;
	size_t left, step;
};

static long trickle_read(void *ctx, char *buf, size_t cap)
{
	struct trickle *t = ctx;
	size_t n = t->step % 13 + 1;
	t->step++;
	if (n > cap)
		n = cap;
	if (n > t->left)
		n = t->left;
	memcpy(buf, t->p, n);
	t->p += n;
	t->left -= n;
	return (long)n;
}

/* Scans buf as `name` with a forced encoding (NULL: auto) and chunk size;
 * `trickle` feeds it through the trickle reader. */
static int scan_enc(const char *name, const char *enc, const char *buf, size_t len, size_t chunk, bool trickle,
		    gots *g, shuan_input_result *res)
{
	shuan_scanner *s = NULL;
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	shuan_input in = {name, name, SHUAN_FORMAT_AUTO};
	int rc;
	o.year = 2026, o.month = 11, o.day = 22;
	o.chunk_size = chunk;
	o.encoding = enc;
	g->n = 0;
	if ((rc = shuan_scanner_new(&s, g_rules, &o)) != 0)
		return rc;
	if (trickle) {
		struct trickle t = {buf, len, 0};
		shuan_reader rd = {trickle_read, &t};
		rc = shuan_scanner_scan_reader(s, &in, &rd, collect, g, res);
	} else {
		rc = shuan_scanner_scan_buffer(s, &in, buf, len, collect, g, res);
	}
	shuan_scanner_free(s);
	return rc;
}

/* The finding's offset and length select exactly the value, encoded as the
 * input is, in the stored bytes. */
static void assert_stored(const got *f, const char *enc, const char *stored, size_t stored_len)
{
	char want[256];
	size_t wn = encode(enc, f->value, strlen(f->value), want, sizeof(want));
	assert_int_equal(f->length, wn);
	assert_true(f->offset + f->length <= stored_len);
	assert_memory_equal(stored + f->offset, want, wn);
}

static void test_gbk_csv(void **state)
{
	const char *utf8 = "姓名,手机\n张伟,13812345678\n李娜,13912345678\n";
	char gbk[256];
	size_t n = encode("GBK", utf8, strlen(utf8), gbk, sizeof(gbk));
	shuan_input_result res;

	assert_int_equal(scan_enc("a.csv", NULL, gbk, n, 0, false, &g_a, &res), 0);
	assert_string_equal(res.encoding, "gb18030");
	assert_int_equal(res.bytes, n);
	assert_int_equal(res.invalid_bytes, 0);
	assert_int_equal(res.format, SHUAN_FORMAT_CSV);
	const got *m = find_det(&g_a, "cn_mobile", "13812345678");
	assert_non_null(m);
	assert_string_equal(m->field, "手机"); /* the header was decoded */
	assert_string_equal(m->evidence, "138****5678");
	assert_int_equal(m->line, 2);
	assert_int_equal(m->column, 4); /* characters: 张伟, */
	assert_int_equal(m->offset, 15); /* 姓名,手机\n = 10 bytes, 张伟, = 5 */
	assert_stored(m, "GBK", gbk, n);
	const got *name = find_det(&g_a, "person_name", "李娜");
	assert_non_null(name);
	assert_string_equal(name->field, "姓名");
	assert_int_equal(name->length, 4);
	assert_stored(name, "GBK", gbk, n);
	assert_stored(find_det(&g_a, "cn_mobile", "13912345678"), "GBK", gbk, n);
	/* the same findings as the UTF-8 original, bar the offsets */
	assert_int_equal(scan_with(g_rules, "a.csv", utf8, strlen(utf8), 0, &g_b), g_a.n);
	for (size_t i = 0; i < g_a.n; i++) {
		assert_string_equal(g_a.v[i].det, g_b.v[i].det);
		assert_string_equal(g_a.v[i].field, g_b.v[i].field);
		assert_int_equal(g_a.v[i].column, g_b.v[i].column);
	}
}

static void test_utf16(void **state)
{
	const char *utf8 = "客户张伟的身份证号是11010519491231002X，手机13812345678。\r\nemail zhang.wei@example.com\r\n";
	static const struct {
		const char *iconv, *bom, *want;
	} cases[] = {
		{"UTF-16LE", "\xFF\xFE", "utf-16le"},
		{"UTF-16BE", "\xFE\xFF", "utf-16be"},
		{"UTF-16LE", "", "utf-16le"},
		{"UTF-16BE", "", "utf-16be"},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		char buf[512];
		size_t bl = strlen(cases[c].bom);
		memcpy(buf, cases[c].bom, bl);
		size_t n = bl + encode(cases[c].iconv, utf8, strlen(utf8), buf + bl, sizeof(buf) - bl);
		shuan_input_result res;
		assert_int_equal(scan_enc("a.txt", NULL, buf, n, 0, false, &g_a, &res), 0);
		assert_string_equal(res.encoding, cases[c].want);
		const got *id = find_det(&g_a, "cn_resident_id", "11010519491231002X");
		assert_non_null(id);
		assert_int_equal(id->column, 11);
		assert_int_equal(id->offset, bl + 2 * 10);
		assert_stored(id, cases[c].iconv, buf, n);
		const got *m = find_det(&g_a, "cn_mobile", "13812345678");
		assert_non_null(m);
		assert_stored(m, cases[c].iconv, buf, n);
		const got *e = find_det(&g_a, "email", "zhang.wei@example.com");
		assert_non_null(e);
		assert_int_equal(e->line, 2);
		assert_stored(e, cases[c].iconv, buf, n);
	}
}

static void test_forced_encoding(void **state)
{
	/* --encoding gbk: decoded as GB18030 (its superset), reported as gbk. */
	const char *utf8 = "联系人手机 13812345678\n";
	char gbk[128];
	size_t n = encode("GBK", utf8, strlen(utf8), gbk, sizeof(gbk));
	shuan_input_result res;
	shuan_scanner *s = NULL;
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;

	assert_int_equal(scan_enc("a.txt", "gbk", gbk, n, 0, false, &g_a, &res), 0);
	assert_string_equal(res.encoding, "gbk");
	const got *m = find_det(&g_a, "cn_mobile", "13812345678");
	assert_non_null(m);
	assert_int_equal(m->offset, 11);
	assert_int_equal(m->column, 7);
	/* forced UTF-8 on GBK: scanned as stored, invalid sequences counted */
	assert_int_equal(scan_enc("a.txt", "UTF-8", gbk, n, 0, false, &g_a, &res), 0);
	assert_string_equal(res.encoding, "utf-8");
	assert_non_null(find_det(&g_a, "cn_mobile", "13812345678"));
	/* forced UTF-16 on a head without a BOM */
	char u16[128];
	size_t un = encode("UTF-16LE", utf8, strlen(utf8), u16, sizeof(u16));
	assert_int_equal(scan_enc("a.txt", "utf-16le", u16, un, 0, false, &g_a, &res), 0);
	m = find_det(&g_a, "cn_mobile", "13812345678");
	assert_non_null(m);
	assert_int_equal(m->offset, 12);
	/* an unknown name fails at create time */
	o.encoding = "ebcdic";
	assert_int_equal(shuan_scanner_new(&s, g_rules, &o), SHUAN_EINVAL);
	assert_null(s);
	o.encoding = "auto";
	assert_int_equal(shuan_scanner_new(&s, g_rules, &o), 0);
	shuan_scanner_free(s);
}

static void test_invalid_gbk_bytes(void **state)
{
	/* A stray 0x80 and a lead byte followed by a space: each replaced by
	 * U+FFFD, counted, and the offsets after them still exact. */
	char buf[256];
	size_t n = 0;
	n += encode("GBK", "客户", strlen("客户"), buf + n, sizeof(buf) - n);
	buf[n++] = (char)0x80;
	n += encode("GBK", "张伟 手机", strlen("张伟 手机"), buf + n, sizeof(buf) - n);
	buf[n++] = (char)0xC4;
	n += encode("GBK", " 13812345678 身份证 11010519491231002X\n",
		    strlen(" 13812345678 身份证 11010519491231002X\n"), buf + n, sizeof(buf) - n);
	shuan_input_result res;
	assert_int_equal(scan_enc("a.txt", NULL, buf, n, 0, false, &g_a, &res), 0);
	assert_string_equal(res.encoding, "gb18030");
	assert_int_equal(res.invalid_bytes, 2);
	const got *m = find_det(&g_a, "cn_mobile", "13812345678");
	assert_non_null(m);
	assert_int_equal(m->offset, 4 + 1 + 9 + 1 + 1);
	assert_int_equal(m->column, 11); /* 客户�张伟 手机� + space */
	assert_stored(m, "GBK", buf, n);
	const got *id = find_det(&g_a, "cn_resident_id", "11010519491231002X");
	assert_non_null(id);
	assert_stored(id, "GBK", buf, n);
}

/* One huge GBK line of Chinese text with values every few hundred
 * characters: with a 16 KiB chunk (values straddle cuts) and a trickling
 * reader (sequences straddle reads) every value is found exactly once,
 * at the same stored offset as with one big chunk. */
static void test_straddling_chunks(void **state)
{
	size_t cap = 1 << 20, un = 0;
	char *utf8 = malloc(cap), *gbk = malloc(cap);
	assert_non_null(utf8);
	assert_non_null(gbk);
	for (int i = 0; un + 64 < cap / 2 && i < 3000; i++) {
		for (int k = 0; k < 40 + i % 37; k++) {
			memcpy(utf8 + un, "张", 3);
			un += 3;
		}
		un += (size_t)snprintf(utf8 + un, cap - un, "手机%s", i % 3 ? "13812345678" : "13912345678");
		if (i % 5 == 0)
			utf8[un++] = 'x';
	}
	utf8[un++] = '\n';
	size_t n = encode("GB18030", utf8, un, gbk, cap);
	shuan_input_result ra, rb;
	assert_int_equal(scan_enc("a.txt", NULL, gbk, n, 0, false, &g_a, &ra), 0);
	assert_int_equal(scan_enc("a.txt", NULL, gbk, n, 16 << 10, true, &g_b, &rb), 0);
	assert_string_equal(rb.encoding, "gb18030");
	assert_int_equal(ra.bytes, n);
	assert_int_equal(rb.bytes, n);
	assert_true(g_a.n > 500);
	assert_int_equal(g_a.n, g_b.n);
	for (size_t i = 0; i < g_a.n; i++) {
		assert_string_equal(g_a.v[i].det, g_b.v[i].det);
		assert_int_equal(g_a.v[i].offset, g_b.v[i].offset);
		assert_int_equal(g_a.v[i].length, g_b.v[i].length);
		assert_int_equal(g_a.v[i].column, g_b.v[i].column);
		assert_stored(&g_b.v[i], "GB18030", gbk, n);
	}
	free(utf8);
	free(gbk);
}

static void test_binary_still_skipped(void **state)
{
	static const char bin[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0 13812345678";
	shuan_input_result res;
	assert_int_equal(scan_enc("a.bin", NULL, bin, sizeof(bin) - 1, 0, false, &g_a, &res), SHUAN_EBINARY);
	assert_non_null(strstr(res.reason, "binary"));
	assert_int_equal(g_a.n, 0);
	/* control bytes without NULs, not UTF-8 */
	static const char ctl[] = "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x81\x82\x83\x84 13812345678";
	assert_int_equal(scan_enc("a.bin", NULL, ctl, sizeof(ctl) - 1, 0, false, &g_a, &res), SHUAN_EBINARY);
	/* plain UTF-8 is not decoded */
	assert_int_equal(scan_enc("a.txt", NULL, "手机 13812345678\n", strlen("手机 13812345678\n"), 0, false, &g_a,
			      &res),
			 0);
	assert_string_equal(res.encoding, "utf-8");
}

/* The decoder alone: every byte value through detection and decoding, and
 * the map's answers for a mixed buffer. */
static void test_decoder_map(void **state)
{
	const char *utf8 = "a张b伟𠀀c\n";
	char gb[64];
	size_t n = encode("GB18030", utf8, strlen(utf8), gb, sizeof(gb));
	struct trickle t = {gb, n, 0};
	shuan_reader in = {trickle_read, &t};
	shuan_decoder *d;
	char out[64];
	size_t on = 0;
	long k;
	assert_int_equal(shuan_decoder_new(&d, SHUAN_ENC_GB18030, &in, NULL, 0, 0, false, 0), 0);
	shuan_reader rd = shuan_decoder_reader(d);
	while ((k = rd.read(rd.ctx, out + on, 3)) > 0) /* a buffer smaller than a character */
		on += (size_t)k;
	assert_int_equal(k, 0);
	assert_int_equal(on, strlen(utf8));
	assert_memory_equal(out, utf8, on);
	/* a(1) 张(2) b(1) 伟(2) 𠀀(4) c(1) \n(1) */
	static const uint64_t dec[] = {0, 1, 4, 5, 8, 12, 13, 14}, raw[] = {0, 1, 3, 4, 6, 10, 11, 12};
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(shuan_decoder_raw_offset(d, dec[i]), raw[i]);
	assert_int_equal(shuan_decoder_raw_offset(d, 2), 1); /* inside 张 */
	assert_int_equal(shuan_decoder_bytes_in(d), n);
	shuan_decoder_free(d);
}

static void test_long_invalid_run(void **state)
{
	/* 1 MiB of bytes that are never valid in GB18030, then a mobile: each
	 * byte replaced and counted, the mobile found at its stored offset.
	 * The decoder once walked the whole rest of such a run again after
	 * each replaced byte (quadratic: found by fuzz_archive); ctest's
	 * timeout for this test is what catches that. */
	const size_t run = 1u << 20;
	const char *tail = " 13812345678\n";
	size_t n = run + strlen(tail);
	char *buf = malloc(n);
	shuan_input_result res;
	assert_non_null(buf);
	memset(buf, 0x80, run);
	memcpy(buf + run, tail, strlen(tail));
	assert_int_equal(scan_enc("a.txt", "gb18030", buf, n, 0, false, &g_a, &res), 0);
	assert_int_equal(res.invalid_bytes, run);
	const got *m = find_det(&g_a, "cn_mobile", "13812345678");
	assert_non_null(m);
	assert_int_equal(m->offset, run + 1);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gbk_csv),
	    cmocka_unit_test(test_utf16),
	    cmocka_unit_test(test_forced_encoding),
	    cmocka_unit_test(test_invalid_gbk_bytes),
	    cmocka_unit_test(test_long_invalid_run),
	    cmocka_unit_test(test_straddling_chunks),
	    cmocka_unit_test(test_binary_still_skipped),
	    cmocka_unit_test(test_decoder_map),
	};
	return cmocka_run_group_tests(tests, rules_setup, rules_teardown);
}
