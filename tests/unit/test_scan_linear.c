/*
 * tests/unit/test_scan_linear.c - hostile shapes of ordinary data (issue 12,
 * points 1 and 2), asserted on behaviour and on counted work, never on time:
 *   - one long line full of values (text, CSV, minified JSON) gives every
 *     finding its right column and field while the bytes walked for them
 *     stay a small multiple of the input (counting each column from the line
 *     start made this quadratic);
 *   - a chunk crowded with bogus candidates (a:a:a: lines read as IPv6) is
 *     scanned again in smaller pieces, so the real values after them are
 *     found and no limit is reported; lowered caps give exactly the findings
 *     of the normal ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/scan/internal.h"
#include "scan_helpers.h"

static gots g_a, g_b;

static shuan_scanner *new_scanner(size_t chunk)
{
	shuan_scanner *s = NULL;
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	o.year = 2026, o.month = 11, o.day = 22;
	o.fingerprint_key = TEST_KEY;
	o.fingerprint_key_len = sizeof(TEST_KEY);
	o.chunk_size = chunk;
	assert_int_equal(shuan_scanner_new(&s, g_rules, &o), 0);
	return s;
}

static void scan(shuan_scanner *s, const char *name, const char *buf, size_t len, gots *g,
		 shuan_input_result *res)
{
	shuan_input in = {name, name, SHUAN_FORMAT_AUTO};
	g->n = 0;
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, buf, len, collect, g, res), 0);
}

/* A mobile number that passes the prefix table: 138 + 8 digits. */
static int mobile(char *out, size_t cap, int i)
{
	return snprintf(out, cap, "138%08d", 10000000 + i * 7);
}

static void test_long_line_columns(void **state)
{
	enum { N = 20000 };
	size_t cap = (size_t)N * 20 + 16, len = 0;
	char *buf = malloc(cap);
	shuan_input_result res;
	(void)state;
	/* "张 13810000000 张 13810000007 ...": 14 characters per record */
	for (int i = 0; i < N; i++) {
		len += (size_t)snprintf(buf + len, cap - len, "张 ");
		len += (size_t)mobile(buf + len, cap - len, i);
		buf[len++] = ' ';
	}
	buf[len++] = '\n';
	for (size_t chunk = 0; chunk <= 16384; chunk += 16384) { /* whole, then cut with overlaps */
		shuan_scanner *s = new_scanner(chunk);
		scan(s, "long.txt", buf, len, &g_a, &res);
		assert_int_equal(res.limit, SHUAN_LIMIT_NONE);
		assert_int_equal(g_a.n, N);
		for (size_t k = 0; k < g_a.n; k++) {
			assert_string_equal(g_a.v[k].det, "cn_mobile");
			assert_int_equal(g_a.v[k].line, 1);
			assert_int_equal(g_a.v[k].column, k * 14 + 3);
			assert_int_equal(g_a.v[k].offset, k * 16 + 4); /* 张 is three bytes */
		}
		if (shuan_scanner__walked(s) > 2 * len)
			fail_msg("walked %llu bytes for a %zu-byte line", (unsigned long long)shuan_scanner__walked(s),
				 len);
		shuan_scanner_free(s);
	}
	free(buf);
}

static void test_long_csv_row_fields(void **state)
{
	enum { N = 20000 };
	size_t cap = (size_t)N * 16 + 64, len = 0;
	char *buf = malloc(cap);
	shuan_input_result res;
	(void)state;
	len += (size_t)snprintf(buf, cap, "编号,手机\n1");
	for (int i = 0; i < N; i++) {
		buf[len++] = ',';
		len += (size_t)mobile(buf + len, cap - len, i);
	}
	buf[len++] = '\n';
	shuan_scanner *s = new_scanner(0);
	scan(s, "wide.csv", buf, len, &g_a, &res);
	assert_int_equal(g_a.n, N);
	assert_string_equal(g_a.v[0].field, "手机");
	assert_string_equal(g_a.v[1].field, ""); /* past the header's columns */
	assert_int_equal(g_a.v[N - 1].column, 3 + (size_t)(N - 1) * 12);
	if (shuan_scanner__walked(s) > 3 * len)
		fail_msg("walked %llu bytes for a %zu-byte row", (unsigned long long)shuan_scanner__walked(s), len);
	shuan_scanner_free(s);
	free(buf);
}

static void test_minified_json_paths(void **state)
{
	enum { N = 5000 };
	size_t cap = (size_t)N * 48 + 16, len = 0;
	char *buf = malloc(cap);
	char want[32];
	shuan_input_result res;
	(void)state;
	buf[len++] = '[';
	for (int i = 0; i < N; i++) {
		len += (size_t)snprintf(buf + len, cap - len, "%s{\"id\":%d,\"tel\":\"", i ? "," : "", i);
		len += (size_t)mobile(buf + len, cap - len, i);
		len += (size_t)snprintf(buf + len, cap - len, "\"}");
	}
	buf[len++] = ']';
	for (size_t chunk = 0; chunk <= 16384; chunk += 16384) {
		shuan_scanner *s = new_scanner(chunk);
		scan(s, "min.json", buf, len, &g_a, &res);
		assert_int_equal(g_a.n, N);
		for (size_t k = 0; k < g_a.n; k += 499) {
			snprintf(want, sizeof(want), "[%zu].tel", k);
			assert_string_equal(g_a.v[k].field, want);
		}
		if (shuan_scanner__walked(s) > 3 * len)
			fail_msg("walked %llu bytes for %zu bytes of JSON", (unsigned long long)shuan_scanner__walked(s),
				 len);
		shuan_scanner_free(s);
	}
	free(buf);
}

/* `mib` MiB of "a:a:...:a" lines (bogus IPv6 candidates at every colon),
 * then a resident ID and a mobile in the same chunk. */
static char *crowded(size_t mib, size_t *len)
{
	size_t cap = (mib << 20) + 256, n = 0;
	char *b = malloc(cap);
	while (n + 70 < (mib << 20)) {
		for (int i = 0; i < 31; i++) {
			b[n++] = 'a';
			b[n++] = ':';
		}
		b[n++] = 'a';
		b[n++] = '\n';
	}
	n += (size_t)snprintf(b + n, cap - n, "身份证 11010519491231002X 手机 13812345678\n");
	*len = n;
	return b;
}

/* Every finding but the bogus IPv6 ones. */
static int collect_not_ipv6(const shuan_finding *f, void *ud)
{
	return strcmp(f->detector->id, "ipv6") ? collect(f, ud) : 0;
}

static void test_crowded_chunk_hides_nothing(void **state)
{
	size_t len;
	char *buf = crowded(3, &len);
	shuan_input_result res;
	(void)state;
	shuan_scanner *s = new_scanner(0);
	shuan_input in = {"colons.log", "colons.log", SHUAN_FORMAT_AUTO};
	g_a.n = 0;
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, buf, len, collect_not_ipv6, &g_a, &res), 0);
	assert_true(s->crowded > 0); /* the normal caps were reached: the pieces path ran */
	assert_int_equal(res.limit, SHUAN_LIMIT_NONE);
	assert_string_equal(res.warning, "");
	assert_non_null(find_det(&g_a, "cn_resident_id", "11010519491231002X"));
	assert_non_null(find_det(&g_a, "cn_mobile", "13812345678"));
	const got *m = find_det(&g_a, "cn_mobile", "13812345678");
	assert_int_equal(m->offset, len - 12);
	assert_int_equal(m->line, (len - 1) / 64 + 1);
	shuan_scanner_free(s);
	free(buf);
}

static void same(const gots *a, const gots *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		const got *x = &a->v[i], *y = &b->v[i];
		if (strcmp(x->det, y->det) || x->offset != y->offset || x->length != y->length || x->line != y->line ||
		    x->column != y->column || strcmp(x->field, y->field) || strcmp(x->fp, y->fp))
			fail_msg("finding %zu differs: %s@%llu:%llu line %llu col %llu '%s' vs %s@%llu:%llu line %llu col "
				 "%llu '%s'",
				 i, x->det, x->offset, x->length, x->line, x->column, x->field, y->det, y->offset, y->length,
				 y->line, y->column, y->field);
	}
	assert_int_equal(a->n, b->n);
}

/* Lowered caps make ordinary inputs crowded: the pieces they are cut into
 * must give exactly the findings of one pass (lines, columns, fields,
 * CSV header and quoted cells carried across the pieces). */
static void test_pieces_equal_one_pass(void **state)
{
	size_t cap = 400000, n = 0;
	char *csv = malloc(cap), *txt = malloc(cap);
	shuan_input_result ra, rb;
	(void)state;
	n += (size_t)snprintf(csv, cap, "姓名,手机,身份证号,备注\n");
	for (int i = 0; i < 3000 && n + 200 < cap; i++) {
		n += (size_t)snprintf(csv + n, cap - n, "张伟,");
		n += (size_t)mobile(csv + n, cap - n, i);
		n += (size_t)snprintf(csv + n, cap - n, ",11010519491231002X,\"第%d行\n续\"\n", i);
	}
	size_t ncsv = n;
	n = 0;
	for (int i = 0; i < 3000 && n + 200 < cap; i++) {
		n += (size_t)snprintf(txt + n, cap - n, i % 500 == 0 ? "联系 " : "tel ");
		n += (size_t)mobile(txt + n, cap - n, i);
		/* every 700th record: a long line of values */
		for (int k = 0; i % 700 == 0 && k < 800; k++) {
			txt[n++] = ' ';
			n += (size_t)mobile(txt + n, cap - n, k);
		}
		txt[n++] = '\n';
	}
	size_t ntxt = n;
	const struct {
		const char *name, *buf;
		size_t len;
	} inputs[] = {{"p.csv", csv, ncsv}, {"p.log", txt, ntxt}};
	for (size_t i = 0; i < 2; i++) {
		shuan_scanner *one = new_scanner(0), *pieces = new_scanner(0);
		scan(one, inputs[i].name, inputs[i].buf, inputs[i].len, &g_a, &ra);
		shuan_scanner__set_limits(pieces, 6000, 1500);
		scan(pieces, inputs[i].name, inputs[i].buf, inputs[i].len, &g_b, &rb);
		assert_true(pieces->crowded > 0);
		assert_int_equal(one->crowded, 0);
		assert_int_equal(rb.limit, SHUAN_LIMIT_NONE);
		assert_int_equal(ra.limit, SHUAN_LIMIT_NONE);
		assert_true(g_a.n > 3000);
		same(&g_a, &g_b);
		shuan_scanner_free(one);
		shuan_scanner_free(pieces);
	}
	free(csv);
	free(txt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_line_columns),
		cmocka_unit_test(test_long_csv_row_fields),
		cmocka_unit_test(test_minified_json_paths),
		cmocka_unit_test(test_crowded_chunk_hides_nothing),
		cmocka_unit_test(test_pieces_equal_one_pass),
	};
	return cmocka_run_group_tests(tests, rules_setup, rules_teardown);
}
