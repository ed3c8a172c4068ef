/*
 * tests/unit/test_accuracy.c - recall and precision of the checksum-validated
 * detectors (cn_resident_id, bank_card, cn_uscc, imei, cn_mobile) on a
 * deterministic generated corpus: valid values embedded in CSV rows, JSON
 * lines, log lines and Chinese prose, mixed with hard negatives (order
 * numbers, timestamps, snowflake ids, bad checksums, impossible dates,
 * values inside longer digit runs). The bar: recall >= 0.99 and
 * precision >= 0.99 for each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scan_helpers.h"

#define N_POS 600

static uint64_t rng = 0x5eed2026ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static int rnd(int n) { return (int)(next() % (uint64_t)n); }
static char digit(void) { return (char)('0' + rnd(10)); }

static char codes[8000][7];
static size_t ncodes;

static void load_codes(void)
{
	char line[512];
	FILE *f = fopen(SHUAN_TEST_RULES_DIR "/data/gb2260.tsv", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && ncodes < 8000)
		if (line[0] >= '1' && line[0] <= '9' && line[6] == '\t' && memcmp(line + 4, "00", 2))
			memcpy(codes[ncodes++], line, 6);
	fclose(f);
	assert_true(ncodes > 2000);
}

static const int W[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

static void make_id(char *out, bool valid)
{
	int y = 1950 + rnd(70), m = 1 + rnd(12), d = 1 + rnd(28), s = 0;
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%s%04d%02d%02d%03d", codes[rnd((int)ncodes)], y, m, d, rnd(1000));
	memcpy(out, tmp, 17);
	for (int i = 0; i < 17; i++)
		s += (out[i] - '0') * W[i];
	char c = "10X98765432"[s % 11];
	out[17] = valid ? c : (c == '0' ? '1' : '0');
	out[18] = '\0';
}

static int luhn_digit(const char *body, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int v = body[n - 1 - i] - '0';
		if (i % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (10 - sum % 10) % 10;
}

static void make_card(char *out, bool valid)
{
	static const char *const iin[] = {"622202", "621226", "622848", "436742", "622588", "621700", "625965"};
	int which = rnd(7);
	/* UnionPay cards are 16-19 digits; Visa (436742) only 16 or 19 */
	size_t n = which == 3 ? (rnd(2) ? 16 : 19) : 16 + (size_t)rnd(4);
	strcpy(out, iin[which]);
	for (size_t i = 6; i < n - 1; i++)
		out[i] = digit();
	int c = luhn_digit(out, n - 1);
	out[n - 1] = (char)('0' + (valid ? c : (c + 1) % 10));
	out[n] = '\0';
}

static void make_imei(char *out, bool valid)
{
	static const char *const tac[] = {"35", "86", "99", "01"};
	strcpy(out, tac[rnd(4)]);
	for (int i = 2; i < 14; i++)
		out[i] = digit();
	int c = luhn_digit(out, 14);
	out[14] = (char)('0' + (valid ? c : (c + 3) % 10));
	out[15] = '\0';
}

static const char ALPHA[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static void make_uscc(char *out, bool valid)
{
	static const int ow[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	char org[10];
	int s = 0;
	for (int i = 0; i < 8; i++) {
		org[i] = digit();
		s += (org[i] - '0') * ow[i];
	}
	int oc = 11 - s % 11;
	org[8] = oc == 10 ? 'X' : oc == 11 ? '0' : (char)('0' + oc);
	org[9] = '\0';
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "91%s%s", codes[rnd((int)ncodes)], org);
	memcpy(out, tmp, 17);
	int sum = 0, p = 1;
	for (int i = 0; i < 17; i++) {
		sum += (int)(strchr(ALPHA, out[i]) - ALPHA) * p;
		p = p * 3 % 31;
	}
	int c = (31 - sum % 31) % 31;
	out[17] = valid ? ALPHA[c] : ALPHA[(c + 1) % 31];
	out[18] = '\0';
}

static void make_mobile(char *out)
{
	static const char *const pre[] = {"138", "139", "150", "186", "133", "177", "199", "166", "195", "147"};
	strcpy(out, pre[rnd(10)]);
	for (int i = 3; i < 11; i++)
		out[i] = digit();
	out[11] = '\0';
}

typedef void (*gen_fn)(char *, bool);
static void mobile_gen(char *o, bool v)
{
	(void)v;
	make_mobile(o);
}

static struct {
	const char *det;
	gen_fn gen;
	const char *cue;
	char pos[N_POS][24];
} kinds[] = {
	{"cn_resident_id", make_id, "身份证号", {{0}}},
	{"bank_card", make_card, "银行卡号", {{0}}},
	{"cn_uscc", make_uscc, "统一社会信用代码", {{0}}},
	{"imei", make_imei, "IMEI", {{0}}},
	{"cn_mobile", mobile_gen, "手机", {{0}}},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Writes one value in one of four surroundings. */
static size_t embed(char *b, size_t o, size_t cap, int style, const char *cue, const char *v)
{
	switch (style) {
	case 0:
		return o + (size_t)snprintf(b + o, cap - o, "C%06d,张三,%s %s,2024-11-08 10:00:00\n", rnd(999999), cue, v);
	case 1:
		return o + (size_t)snprintf(b + o, cap - o, "{\"ts\":1731031200123,\"uid\":%d,\"%s\":\"%s\"}\n", rnd(99999), cue, v);
	case 2:
		return o + (size_t)snprintf(b + o, cap - o, "2024-11-08T10:00:00.123Z INFO req=%d %s=%s ok\n", rnd(99999), cue, v);
	default:
		return o + (size_t)snprintf(b + o, cap - o, "经核实，客户的%s为%s，已登记。\n", cue, v);
	}
}

/* Hard negatives: numbers that look like identifiers but are not. */
static size_t negatives(char *b, size_t o, size_t cap)
{
	char v[64];
	for (int i = 0; i < 3000; i++) {
		switch (i % 10) {
		case 0: /* order number: date + sequence, 18-20 digits */
			o += (size_t)snprintf(b + o, cap - o, "订单号 2024%02d%02d%010d%d\n", 1 + rnd(12), 1 + rnd(28), rnd(1000000000), rnd(100));
			break;
		case 1: /* millisecond and compact timestamps */
			o += (size_t)snprintf(b + o, cap - o, "ts=17310%08d t2=20241108%06d%03d\n", rnd(99999999), rnd(999999), rnd(999));
			break;
		case 2: { /* snowflake id: 41-bit ms since 2010 << 22 | worker | seq */
			uint64_t ms = 400000000000ull + (next() % 100000000000ull);
			uint64_t id = (ms << 22) | ((next() % 1024) << 12) | (next() % 4096);
			o += (size_t)snprintf(b + o, cap - o, "trace_id=%llu span=%llu\n", (unsigned long long)id,
					      (unsigned long long)(id + 7));
			break;
		}
		case 3:
			make_id(v, false);
			o += (size_t)snprintf(b + o, cap - o, "身份证号 %s\n", v);
			break;
		case 4:
			make_card(v, false);
			o += (size_t)snprintf(b + o, cap - o, "卡号 %s\n", v);
			break;
		case 5:
			make_uscc(v, false);
			o += (size_t)snprintf(b + o, cap - o, "信用代码 %s\n", v);
			break;
		case 6: /* a valid id inside a longer digit run */
			make_id(v, true);
			if (v[17] != 'X')
				o += (size_t)snprintf(b + o, cap - o, "serial 9%s7\n", v);
			break;
		case 7: /* impossible date with a correct check digit */
			make_id(v, true);
			memcpy(v + 10, "0230", 4);
			{
				int s = 0;
				for (int k = 0; k < 17; k++)
					s += (v[k] - '0') * W[k];
				v[17] = "10X98765432"[s % 11];
			}
			o += (size_t)snprintf(b + o, cap - o, "身份证 %s\n", v);
			break;
		case 8:
			make_imei(v, false);
			o += (size_t)snprintf(b + o, cap - o, "IMEI %s\n", v);
			break;
		default: /* phone-like but unallocated, and too long */
			o += (size_t)snprintf(b + o, cap - o, "tel 140%08d 1381234567890\n", rnd(99999999));
		}
	}
	return o;
}

static gots g;

static void test_recall_and_precision(void **state)
{
	size_t cap = 8u << 20, o = 0;
	char *b = malloc(cap);
	shuan_rules *r = load_rules(SHUAN_MATCHER_VECTORSCAN);
	assert_non_null(r);
	load_codes();
	for (int i = 0; i < N_POS; i++)
		for (size_t k = 0; k < NKINDS; k++) {
			kinds[k].gen(kinds[k].pos[i], true);
			o = embed(b, o, cap, (i + (int)k) % 4, kinds[k].cue, kinds[k].pos[i]);
			if (i % 100 == 0 && k == 0)
				o = negatives(b, o, cap); /* interleave 6 × 3000 hard negatives */
		}
	assert_true(o < cap - 4096);
	scan_with(r, "mixed.txt", b, o, 0, &g);
	for (size_t k = 0; k < NKINDS; k++) {
		size_t tp = 0, fp = 0, found = 0;
		for (size_t i = 0; i < g.n; i++) {
			if (strcmp(g.v[i].det, kinds[k].det))
				continue;
			bool is_pos = false;
			for (int j = 0; j < N_POS && !is_pos; j++)
				is_pos = !strcmp(g.v[i].value, kinds[k].pos[j]);
			if (is_pos) {
				tp++;
			} else {
				fp++;
				if (getenv("SHUAN_TEST_VERBOSE"))
					printf("#   false positive %s\n", g.v[i].value);
			}
		}
		for (int j = 0; j < N_POS; j++) {
			if (find_det(&g, kinds[k].det, kinds[k].pos[j]))
				found++;
			else if (getenv("SHUAN_TEST_VERBOSE"))
				printf("#   missed %s\n", kinds[k].pos[j]);
		}
		double recall = (double)found / N_POS, precision = tp + fp ? (double)tp / (double)(tp + fp) : 0;
		if (getenv("SHUAN_TEST_VERBOSE"))
			for (size_t i = 0; i < g.n; i++)
				if (!strcmp(g.v[i].det, kinds[k].det))
					printf("#   found %s\n", g.v[i].value);
		printf("# %-16s recall %.4f (%zu/%d)  precision %.4f (%zu false positives)\n", kinds[k].det, recall, found,
		       N_POS, precision, fp);
		assert_true(recall >= 0.99);
		assert_true(precision >= 0.99);
	}
	shuan_rules_free(r);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_recall_and_precision)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
