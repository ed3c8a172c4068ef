/*
 * tests/unit/test_unescape.c - values hidden by URL percent-encoding and
 * JSON \uXXXX escapes (issue 13): found, with offsets and lengths that point
 * at the stored bytes, the run's key as the field, nothing reported twice,
 * long runs decoded in windows without losing a value at a window edge,
 * chunk edges, GB18030 input, and escapes that decode to nothing readable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>

#include "scan_helpers.h"

static gots g;

/* "%E8%B4%BE…" for s (every byte escaped). */
static void pct(const char *s, char *out)
{
	for (; *s; s++)
		out += sprintf(out, "%%%02X", (unsigned char)*s);
}

/* "\u8d3e…" for the UTF-8 string s (BMP only). */
static void uesc(const char *s, char *out)
{
	while (*s) {
		unsigned char c = (unsigned char)*s;
		unsigned cp;
		if (c < 0x80) {
			cp = c;
			s += 1;
		} else {
			cp = (unsigned)(c & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (unsigned)(s[2] & 0x3F);
			s += 3;
		}
		out += sprintf(out, "\\u%04x", cp);
	}
}

/* The finding of det whose stored bytes are buf[off, off+len). */
static const got *at(const char *det, unsigned long long off, unsigned long long len)
{
	for (size_t i = 0; i < g.n; i++)
		if (!strcmp(g.v[i].det, det) && g.v[i].offset == off && g.v[i].length == len)
			return &g.v[i];
	return NULL;
}

static size_t count(const char *det)
{
	size_t n = 0;
	for (size_t i = 0; i < g.n; i++)
		n += !strcmp(g.v[i].det, det);
	return n;
}

static void test_query_string(void **state)
{
	(void)state;
	char name[128], addr[512], text[1024];
	pct("贾宝玉", name);
	pct("浙江省杭州市萧山区义桥镇陶家村227号", addr);
	snprintf(text, sizeof(text), "203.0.113.9 - - \"GET /reg?name=%s&tel=%%2B8613812345678&addr=%s HTTP/1.1\" 200\n",
		 name, addr);
	scan_with(g_rules, "access.log", text, strlen(text), 0, &g);
	const char *n0 = strstr(text, name), *a0 = strstr(text, addr);
	const got *f = at("person_name", (unsigned long long)(n0 - text), strlen(name));
	assert_non_null(f);
	assert_string_equal(f->value, "贾宝玉"); /* decoded for matching */
	assert_string_equal(f->field, "name");   /* the query key is the field */
	assert_int_equal(f->line, 1);
	assert_int_equal(f->column, (unsigned long long)(n0 - text) + 1);
	f = at("address", (unsigned long long)(a0 - text), strlen(addr));
	assert_non_null(f);
	assert_string_equal(f->value, "浙江省杭州市萧山区义桥镇陶家村227号");
	/* the mobile number: the stored scan sees 8613812345678 after "2B";
	 * the decoded +8613812345678 over the same bytes is not a second one */
	assert_int_equal(count("cn_mobile"), 1);
}

static void test_json_escapes(void **state)
{
	(void)state;
	char name[128], id[256], text[1024];
	uesc("贾宝玉", name);
	uesc("110101199003077774", id);
	snprintf(text, sizeof(text),
		 "{\"seq\":1}\n{\"name\":\"%s\",\"id\":\"%s\",\"note\":\"ok \\ud83d\\ude00 \\ud800x\",\"plain\":\"110101199003077774\"}\n",
		 name, id);
	scan_with(g_rules, "users.jsonl", text, strlen(text), 0, &g);
	const char *n0 = strstr(text, name), *i0 = strstr(text, id), *p0 = strstr(text, "\"110101199003077774\"") + 1;
	const got *f = at("person_name", (unsigned long long)(n0 - text), strlen(name));
	assert_non_null(f);
	assert_string_equal(f->field, "name");
	assert_int_equal(f->line, 2);
	f = at("cn_resident_id", (unsigned long long)(i0 - text), strlen(id));
	assert_non_null(f);
	assert_string_equal(f->value, "110101199003077774");
	assert_non_null(at("cn_resident_id", (unsigned long long)(p0 - text), 18)); /* the plain one, once */
	assert_int_equal(count("cn_resident_id"), 2);
}

static void test_nothing_twice_and_nothing_unreadable(void **state)
{
	(void)state;
	/* a plain query value with an unrelated escape: found once */
	const char *t1 = "GET /a?id=110101199003077774&x=%20 HTTP/1.1\n";
	scan_with(g_rules, "a.log", t1, strlen(t1), 0, &g);
	assert_int_equal(count("cn_resident_id"), 1);
	/* GBK bytes percent-encoded (张三 in GBK) and broken escapes: no crash, no finding */
	const char *t2 = "GET /s?name=%D5%C5%C8%FD&q=%ZZ%E8%B4&r=\\u12 \\uD800 %\n";
	assert_int_equal(scan_with(g_rules, "b.log", t2, strlen(t2), 0, &g), 0);
	/* '+' is a space in a query value: 联系人 张伟 is a cue and a name */
	char cue[64], nm[64], text[256];
	pct("联系人", cue);
	pct("张伟", nm);
	snprintf(text, sizeof(text), "q=%s+%s\n", cue, nm);
	scan_with(g_rules, "c.log", text, strlen(text), 0, &g);
	const got *f = find_det(&g, "person_name", "张伟");
	assert_non_null(f);
	assert_int_equal(f->offset, (unsigned long long)(strstr(text, nm) - text));
}

/* A run longer than a window (SCAN_MAX_VALUE stored bytes): values all
 * along it, one across every window edge, each found once. */
static void test_long_run_windows(void **state)
{
	(void)state;
	static char text[64 << 10];
	char one[256];
	pct("，联系电话13812345678", one);
	size_t o = (size_t)sprintf(text, "data=");
	int n = 0;
	while (o + strlen(one) + 8 < 40000) {
		memcpy(text + o, one, strlen(one));
		o += strlen(one);
		n++;
	}
	text[o++] = '\n';
	text[o] = '\0';
	scan_with(g_rules, "long.log", text, o, 0, &g);
	assert_int_equal(count("cn_mobile"), n);
	/* every finding points at a %31%33… run of the stored text */
	for (size_t i = 0; i < g.n; i++)
		assert_memory_equal(text + g.v[i].offset, "%31%33%38", 9);
	/* the same with small chunks (huge-line overlap): exactly once still */
	scan_with(g_rules, "long.log", text, o, 16 << 10, &g);
	assert_int_equal(count("cn_mobile"), n);
}

/* GB18030 input: the offsets are in the stored (GB18030) bytes. */
static void test_gb18030_offsets(void **state)
{
	(void)state;
	char name[128], utf8[1024], gbk[1024];
	pct("贾宝玉", name);
	snprintf(utf8, sizeof(utf8),
		 "客户资料导出，以下为访问日志中的注册请求记录，请妥善保管。\n用户注册 /reg?name=%s 完成\n", name);
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char *in = utf8, *out = gbk;
	size_t il = strlen(utf8), ol = sizeof(gbk);
	assert_true(iconv(cd, &in, &il, &out, &ol) != (size_t)-1);
	iconv_close(cd);
	size_t glen = (size_t)(out - gbk);
	scan_with(g_rules, "gbk.txt", gbk, glen, 0, &g);
	const char *p = memmem(gbk, glen, name, strlen(name));
	assert_non_null(p);
	const got *f = at("person_name", (unsigned long long)(p - gbk), strlen(name));
	assert_non_null(f);
	assert_int_equal(f->line, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_query_string),
	    cmocka_unit_test(test_json_escapes),
	    cmocka_unit_test(test_nothing_twice_and_nothing_unreadable),
	    cmocka_unit_test(test_long_run_windows),
	    cmocka_unit_test(test_gb18030_offsets),
	};
	return cmocka_run_group_tests(tests, rules_setup, rules_teardown);
}
