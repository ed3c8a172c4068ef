/*
 * tests/unit/test_deid.c - de-identification actions on single values:
 * partial masking, generalisation, pseudonyms, SM4 tokens, surrogates (each
 * checked by the project's own validators), keys and policy errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/deid/csv.h"
#include "lib/deid/internal.h"
#include "util/alloc.h"

static shuan_rules *g_rules;
static shuan_vdata g_vd;
static deid_tables g_tabs;
static shuan_key *g_key, *g_key2;
static char g_dir[256];

static int setup(void **state)
{
	char err[512];
	(void)state;
	assert_int_equal(shuan_rules_load(&g_rules, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)), 0);
	g_vd = g_rules->vdata;
	g_vd.scan_year = 2025, g_vd.scan_month = 6, g_vd.scan_day = 1;
	assert_int_equal(deid_tables_load(&g_tabs, &g_vd, SHUAN_TEST_RULES_DIR, err, sizeof(err)), 0);
	snprintf(g_dir, sizeof(g_dir), "/tmp/shuan-test-deid-XXXXXX");
	assert_non_null(mkdtemp(g_dir));
	char p[300];
	snprintf(p, sizeof(p), "%s/a.key", g_dir);
	assert_int_equal(shuan_key_generate(p, false, NULL, err, sizeof(err)), 0);
	assert_int_equal(shuan_key_load(&g_key, p, err, sizeof(err)), 0);
	snprintf(p, sizeof(p), "%s/b.key", g_dir);
	assert_int_equal(shuan_key_generate(p, false, NULL, err, sizeof(err)), 0);
	assert_int_equal(shuan_key_load(&g_key2, p, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	deid_tables_free(&g_tabs);
	shuan_rules_free(g_rules);
	shuan_key_free(g_key);
	shuan_key_free(g_key2);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static deid_action act(const char *spec)
{
	deid_action a;
	char err[256];
	int rc = deid_action_parse_spec(&a, spec, err, sizeof(err));
	if (rc)
		fail_msg("%s: %s", spec, err);
	return a;
}

/* Runs a value action and returns its output (static buffer) or NULL for "does not fit". */
static const char *run(const char *spec, deid_vtype t, const char *v)
{
	static char res[512];
	shuan_buf out;
	deid_action a = act(spec);
	int rc;
	shuan_buf_init(&out, 1u << 20);
	if (a.kind == ACT_PARTIAL)
		rc = deid_partial(&a, t, v, strlen(v), &out);
	else
		rc = deid_generalize(&g_tabs, &g_vd, &a, t, v, strlen(v), &out);
	assert_true(rc == 0 || rc == 1);
	snprintf(res, sizeof(res), "%s", shuan_buf_str(&out));
	shuan_buf_free(&out);
	deid_action_free(&a);
	return rc == 1 ? NULL : res;
}

static void test_partial(void **state)
{
	(void)state;
	/* the issue's examples */
	assert_string_equal(run("partial", VT_RESIDENT_ID, "11010519491231002X"), "110105********002X");
	assert_string_equal(run("partial", VT_MOBILE, "13812345678"), "138****5678");
	assert_string_equal(run("partial", VT_EMAIL, "zhangsan@example.com"), "z***@example.com");
	assert_string_equal(run("partial", VT_NAME, "张三明"), "张*明");
	assert_string_equal(run("partial", VT_NAME, "张三"), "张*");
	assert_string_equal(run("partial", VT_NAME, "欧阳明月"), "欧**月");
	/* explicit ends, another mask character, characters not bytes */
	assert_string_equal(run("partial:first=2,last=1,char=#", VT_AUTO, "上海市浦东新区"), "上海####区");
	assert_string_equal(run("partial:first=3,last=4", VT_AUTO, "6222021234567890"), "622*********7890");
	assert_string_equal(run("partial:first=1,last=1,stars=3", VT_AUTO, "abcdefgh"), "a***h");
	/* too short for what is kept: at least one character is hidden */
	assert_string_equal(run("partial:first=5,last=5", VT_AUTO, "abc"), "a*c");
	assert_string_equal(run("partial", VT_AUTO, "a"), "*");
	assert_string_equal(run("partial", VT_AUTO, "ab"), "a*");
	/* an e-mail is recognised by shape when the type is not known */
	assert_string_equal(run("partial", VT_AUTO, "li.na@qq.com"), "l***@qq.com");
	/* secrets keep nothing */
	assert_string_equal(run("partial", VT_SECRET, "hunter2abc"), "********");
}

static void test_generalize_dates_ages(void **state)
{
	(void)state;
	assert_string_equal(run("generalize:to=year", VT_DATE, "1990-05-17"), "1990");
	assert_string_equal(run("generalize:to=year", VT_DATE, "1990/5/7"), "1990");
	assert_string_equal(run("generalize:to=year_month", VT_DATE, "19900517"), "1990-05");
	assert_string_equal(run("generalize:to=year", VT_DATE, "1990年5月17日"), "1990");
	assert_string_equal(run("generalize:to=year", VT_DATE, "1990-05-17 08:30:00"), "1990");
	assert_string_equal(run("generalize:to=year_band", VT_DATE, "1987-01-01"), "1985-1989");
	assert_string_equal(run("generalize:to=year_band,band=10", VT_DATE, "1987-01-01"), "1980-1989");
	/* ages on the reference date 2025-06-01 */
	assert_string_equal(run("generalize:to=age_band", VT_DATE, "1990-06-01"), "30-39");
	assert_string_equal(run("generalize:to=age_band,band=5", VT_DATE, "1990-06-02"), "30-34");
	assert_string_equal(run("generalize:to=age_band,band=5", VT_DATE, "1990-06-01"), "35-39");
	assert_string_equal(run("generalize:band=5", VT_AGE, "37"), "35-39");
	assert_string_equal(run("generalize", VT_AGE, "37岁"), "30-39");
	assert_string_equal(run("generalize:band=10,top=90", VT_AGE, "93"), "90+");
	assert_string_equal(run("generalize:band=10,top=90", VT_AGE, "89"), "80-89");
	/* the type follows from the value when nothing says */
	assert_string_equal(run("generalize:band=5", VT_AUTO, "42"), "40-44");
	assert_string_equal(run("generalize", VT_AUTO, "2001-02-03"), "2001");
	/* invalid values do not fit */
	assert_null(run("generalize:to=year", VT_DATE, "1990-02-30"));
	assert_null(run("generalize:to=year", VT_DATE, "unknown"));
	assert_null(run("generalize:to=age_band", VT_DATE, "2030-01-01"));
	assert_null(run("generalize", VT_AGE, "-3"));
	assert_null(run("generalize", VT_AGE, "200"));
	assert_null(run("generalize", VT_AUTO, "abc"));
}

static void test_generalize_places(void **state)
{
	(void)state;
	assert_string_equal(run("generalize:level=city", VT_ADDRESS, "广东省深圳市南山区科技园路1号"), "广东省深圳市");
	assert_string_equal(run("generalize:level=province", VT_ADDRESS, "广东省深圳市南山区科技园路1号"), "广东省");
	assert_string_equal(run("generalize:level=county", VT_ADDRESS, "广东省深圳市南山区科技园路1号"), "广东省深圳市南山区");
	/* missing parents are filled in from the codes */
	assert_string_equal(run("generalize:level=city", VT_ADDRESS, "深圳市南山区科技园路1号"), "广东省深圳市");
	assert_string_equal(run("generalize:level=city", VT_ADDRESS, "广东深圳南山区"), "广东省深圳市");
	/* a municipality's city level is the municipality */
	assert_string_equal(run("generalize:level=city", VT_ADDRESS, "北京市朝阳区建国路88号"), "北京市");
	assert_string_equal(run("generalize:level=county", VT_ADDRESS, "北京市朝阳区建国路88号"), "北京市朝阳区");
	/* 朝阳区 alone is ambiguous (Beijing, Changchun): not guessed */
	assert_null(run("generalize:level=city", VT_ADDRESS, "朝阳区建国路88号"));
	assert_string_equal(run("generalize", VT_ADDRESS, "吉林省长春市朝阳区"), "吉林省长春市");
	assert_null(run("generalize:level=city", VT_ADDRESS, "某某路1号"));
	/* coordinates, ID numbers, postcodes */
	assert_string_equal(run("generalize:decimals=2", VT_COORDINATE, "39.904211,116.407394"), "39.90,116.41");
	assert_string_equal(run("generalize:decimals=1", VT_COORDINATE, "lat -33.8688 lon 151.2093"),
			    "lat -33.9 lon 151.2");
	assert_string_equal(run("generalize", VT_RESIDENT_ID, "11010519491231002X"), "110105-1949");
	assert_string_equal(run("generalize:level=city", VT_RESIDENT_ID, "11010519491231002X"), "110100-1949");
	assert_string_equal(run("generalize:to=region,level=province", VT_RESIDENT_ID, "11010519491231002X"), "110000");
	assert_string_equal(run("generalize:to=age_band", VT_RESIDENT_ID, "11010519491231002X"), "70-79");
	assert_null(run("generalize", VT_RESIDENT_ID, "110105194912310021")); /* bad check character */
	assert_string_equal(run("generalize:digits=3", VT_POSTCODE, "100101"), "100***");
	assert_null(run("generalize:digits=3", VT_POSTCODE, "10010"));
}

/* ---- pseudonyms and tokens ---- */

static void test_tokens(void **state)
{
	deid_crypto c, c2;
	shuan_buf t1, t2, p;
	const char *why;
	(void)state;
	assert_int_equal(deid_crypto_init(&c, g_key), 0);
	assert_int_equal(deid_crypto_init(&c2, g_key2), 0);
	shuan_buf_init(&t1, 1u << 20);
	shuan_buf_init(&t2, 1u << 20);
	shuan_buf_init(&p, 1u << 20);
	const char *v = "13812345678";
	/* random mode: two tokens differ, both decrypt */
	assert_int_equal(deid_encrypt(&c, false, v, strlen(v), &t1), 0);
	assert_int_equal(deid_encrypt(&c, false, v, strlen(v), &t2), 0);
	assert_string_not_equal(shuan_buf_str(&t1), shuan_buf_str(&t2));
	assert_int_equal(strncmp(shuan_buf_str(&t1), "SM4:", 4), 0);
	assert_int_equal(deid_decrypt(&c, t1.p + 4, t1.len - 4, &p, &why), 0);
	assert_string_equal(shuan_buf_str(&p), v);
	/* deterministic mode: the same token every time */
	shuan_buf_reset(&t1);
	shuan_buf_reset(&t2);
	shuan_buf_reset(&p);
	assert_int_equal(deid_encrypt(&c, true, v, strlen(v), &t1), 0);
	assert_int_equal(deid_encrypt(&c, true, v, strlen(v), &t2), 0);
	assert_string_equal(shuan_buf_str(&t1), shuan_buf_str(&t2));
	assert_int_equal(deid_decrypt(&c, t1.p + 4, t1.len - 4, &p, &why), 0);
	assert_string_equal(shuan_buf_str(&p), v);
	/* another key: told apart from damage */
	shuan_buf_reset(&p);
	assert_int_equal(deid_decrypt(&c2, t1.p + 4, t1.len - 4, &p, &why), SHUAN_EINVAL);
	assert_non_null(strstr(why, "another key"));
	/* every single altered character is caught */
	for (size_t i = 4; i < t1.len; i++) {
		char save = t1.p[i];
		t1.p[i] = save == 'A' ? 'B' : 'A';
		shuan_buf_reset(&p);
		int rc = deid_decrypt(&c, t1.p + 4, t1.len - 4, &p, &why);
		assert_true(rc != 0);
		t1.p[i] = save;
	}
	/* text that only looks like a token is left alone */
	assert_int_equal(deid_decrypt(&c, "abc", 3, &p, &why), 1);
	/* empty and long values */
	char big[5000];
	memset(big, 'x', sizeof(big));
	shuan_buf_reset(&t2);
	shuan_buf_reset(&p);
	assert_int_equal(deid_encrypt(&c, false, big, sizeof(big), &t2), 0);
	assert_int_equal(deid_decrypt(&c, t2.p + 4, t2.len - 4, &p, &why), 0);
	assert_int_equal(p.len, sizeof(big));
	shuan_buf_free(&t1);
	shuan_buf_free(&t2);
	shuan_buf_free(&p);
	deid_crypto_free(&c);
	deid_crypto_free(&c2);
}

/* ---- surrogates ---- */

static void idnum(char *out, const char *body17)
{
	memcpy(out, body17, 17);
	out[17] = (char)shuan_id_check_char(body17);
	out[18] = '\0';
}

static bool validator_ok(const char *name, const char *v, bool field_mode, shuan_vresult *r)
{
	const shuan_validator *val = shuan_validator_find(name);
	memset(r, 0, sizeof(*r));
	r->start = 0;
	r->end = strlen(v);
	r->field_mode = field_mode;
	r->age = -1;
	return val && val->fn(&g_vd, v, strlen(v), r) && r->start == 0 && r->end == strlen(v);
}

static const char *sur(deid_crypto *c, const char *spec, deid_vtype t, const char *v)
{
	static char res[256];
	shuan_buf out;
	deid_action a = act(spec);
	shuan_buf_init(&out, 4096);
	int rc = deid_surrogate(&g_tabs, &g_vd, c, &a, t, v, strlen(v), &out);
	snprintf(res, sizeof(res), "%s", shuan_buf_str(&out));
	shuan_buf_free(&out);
	deid_action_free(&a);
	return rc == 0 ? res : NULL;
}

static void test_surrogate_ids(void **state)
{
	deid_crypto c, c2;
	char body[32], id[19], first[19];
	(void)state;
	assert_int_equal(deid_crypto_init(&c, g_key), 0);
	assert_int_equal(deid_crypto_init(&c2, g_key2), 0);
	srand(7);
	for (int i = 0; i < 300; i++) {
		int y = 1935 + rand() % 85, m = 1 + rand() % 12, d = 1 + rand() % 28, seq = rand() % 1000;
		snprintf(body, sizeof(body), "%s%04d%02d%02d%03d", i % 2 ? "440305" : "110105", y, m, d, seq);
		idnum(id, body);
		shuan_vresult ro, rs;
		assert_true(validator_ok("cn_resident_id", id, false, &ro));
		const char *s = sur(&c, "surrogate", VT_RESIDENT_ID, id);
		if (!s)
			fail_msg("no surrogate for %s (age %d)", id, ro.age);
		/* valid by the scanner's own validator: check digit, real code, real past date */
		assert_true(validator_ok("cn_resident_id", s, false, &rs));
		assert_string_not_equal(s, id);
		assert_true(shuan_dict_has(g_vd.divisions, s, 6));
		/* the same sex, the same 10-year age band */
		assert_int_equal(rs.sex, ro.sex);
		assert_int_equal(rs.age / 10, ro.age / 10);
		/* deterministic under the key, different under another */
		snprintf(first, sizeof(first), "%s", s);
		assert_string_equal(sur(&c, "surrogate", VT_RESIDENT_ID, id), first);
		assert_string_not_equal(sur(&c2, "surrogate", VT_RESIDENT_ID, id), first);
		/* keep_region keeps the province or the city */
		s = sur(&c, "surrogate:keep_region=province,age_band=5", VT_RESIDENT_ID, id);
		assert_non_null(s);
		assert_true(validator_ok("cn_resident_id", s, false, &rs));
		assert_memory_equal(s, id, 2);
		assert_int_equal(rs.age / 5, ro.age / 5);
		s = sur(&c, "surrogate:keep_region=city", VT_RESIDENT_ID, id);
		assert_memory_equal(s, id, 4);
	}
	/* a minor stays a minor (the age band), and stays sensitive */
	idnum(id, "11010520150301123");
	shuan_vresult rs;
	assert_true(validator_ok("cn_resident_id", sur(&c, "surrogate", VT_RESIDENT_ID, id), false, &rs));
	assert_true(rs.minor_under_14);
	/* legacy 15 digits stay 15, in the 1900s */
	const char *s15 = sur(&c, "surrogate", VT_RESIDENT_ID, "110105800101123");
	assert_non_null(s15);
	assert_int_equal(strlen(s15), 15);
	assert_true(validator_ok("cn_resident_id", s15, false, &rs));
	/* invalid originals do not get a surrogate */
	assert_null(sur(&c, "surrogate", VT_RESIDENT_ID, "110105198001011230"));
	assert_null(sur(&c, "surrogate", VT_RESIDENT_ID, "12345"));
	deid_crypto_free(&c);
	deid_crypto_free(&c2);
}

static void test_surrogate_others(void **state)
{
	deid_crypto c;
	shuan_vresult r;
	char v[64];
	(void)state;
	assert_int_equal(deid_crypto_init(&c, g_key), 0);
	/* USCC: GB 32100 check character and the GB 11714 organisation code */
	const char *u = sur(&c, "surrogate", VT_USCC, "91350100M000100Y43");
	assert_non_null(u);
	assert_true(validator_ok("cn_uscc", u, false, &r));
	assert_string_equal(r.kind, "uscc");
	assert_memory_equal(u, "91", 2);
	assert_int_equal(shuan_uscc_check_char(u), u[17]);
	/* cards: Luhn, the issuer prefix and the length kept, separators too */
	const char *cards[] = {"6222021234567890123", "6228480402564890018", "4392268316000116", NULL};
	for (int i = 0; cards[i]; i++) {
		if (!validator_ok("bank_card", cards[i], false, &r))
			continue;
		const char *s = sur(&c, "surrogate", VT_BANK_CARD, cards[i]);
		assert_non_null(s);
		assert_true(shuan_luhn_ok(s, strlen(s)));
		assert_int_equal(strlen(s), strlen(cards[i]));
		assert_memory_equal(s, cards[i], 6);
		assert_true(validator_ok("bank_card", s, false, &r));
	}
	/* mobiles: an allocated prefix, +86 and separators where they were */
	for (int i = 0; i < 200; i++) {
		snprintf(v, sizeof(v), "138%08d", i * 4999);
		const char *s = sur(&c, "surrogate", VT_MOBILE, v);
		assert_non_null(s);
		assert_true(validator_ok("cn_mobile", s, false, &r));
		char p3[4] = {s[0], s[1], s[2], 0}, p4[5] = {s[0], s[1], s[2], s[3], 0};
		assert_true(shuan_dict_has(g_vd.mobile_prefixes, p3, 3) || shuan_dict_has(g_vd.mobile_prefixes, p4, 4));
	}
	const char *f = sur(&c, "surrogate", VT_MOBILE, "+86 138-1234-5678");
	assert_non_null(f);
	assert_int_equal(strncmp(f, "+86 ", 4), 0);
	assert_int_equal(f[7], '-');
	assert_int_equal(f[12], '-');
	assert_true(validator_ok("cn_mobile", f, false, &r));
	/* landlines keep the area code */
	const char *l = sur(&c, "surrogate", VT_LANDLINE, "010-62345678");
	assert_non_null(l);
	assert_int_equal(strncmp(l, "010-", 4), 0);
	assert_true(validator_ok("cn_landline", l, false, &r));
	/* names: surnames from the table, the same length, a compound stays compound */
	const char *names[] = {"张伟", "李小龙", "欧阳明月", "诸葛亮", NULL};
	for (int i = 0; names[i]; i++) {
		const char *s = sur(&c, "surrogate", VT_NAME, names[i]);
		assert_non_null(s);
		assert_int_equal(deid_u8count(s, strlen(s)), deid_u8count(names[i], strlen(names[i])));
		assert_true(validator_ok("person_name", s, true, &r));
		bool compound = shuan_dict_has(g_vd.surnames, names[i], 6);
		assert_int_equal(shuan_dict_has(g_vd.surnames, s, 6), compound);
	}
	/* e-mail, IPv4, IMEI */
	const char *e = sur(&c, "surrogate", VT_EMAIL, "zhang.wei@company.cn");
	assert_non_null(e);
	assert_non_null(strstr(e, "@example.com"));
	assert_true(validator_ok("email", e, false, &r));
	const char *ip = sur(&c, "surrogate", VT_IPV4, "10.1.2.3");
	assert_non_null(ip);
	assert_true(!strncmp(ip, "192.0.2.", 8) || !strncmp(ip, "198.51.100.", 11) || !strncmp(ip, "203.0.113.", 10));
	const char *im = sur(&c, "surrogate", VT_IMEI, "490154203237518");
	assert_non_null(im);
	assert_true(shuan_luhn_ok(im, 15));
	assert_memory_equal(im, "49015420", 8);
	/* not of the type: no surrogate */
	assert_null(sur(&c, "surrogate", VT_MOBILE, "12345"));
	assert_null(sur(&c, "surrogate", VT_EMAIL, "no at sign"));
	deid_crypto_free(&c);
}

/* ---- keys ---- */

static void test_keys(void **state)
{
	char p[300], err[512], check[SHUAN_KEY_CHECK_LEN], check2[SHUAN_KEY_CHECK_LEN];
	struct stat st;
	shuan_key *k = NULL;
	(void)state;
	snprintf(p, sizeof(p), "%s/k.key", g_dir);
	assert_int_equal(shuan_key_generate(p, false, check, err, sizeof(err)), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* never overwritten by accident */
	assert_int_equal(shuan_key_generate(p, false, check2, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "--force"));
	assert_int_equal(shuan_key_load(&k, p, err, sizeof(err)), 0);
	assert_string_equal(shuan_key_check(k), check);
	shuan_key_free(k);
	k = NULL;
	/* the secret never appears in a message */
	FILE *f = fopen(p, "r");
	char text[1024];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char *sec = strstr(text, "secret: ");
	assert_non_null(sec);
	char secret[65];
	memcpy(secret, sec + 8, 64);
	secret[64] = '\0';
	/* readable by others: refused */
	chmod(p, 0644);
	assert_int_equal(shuan_key_load(&k, p, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "chmod 600"));
	chmod(p, 0600);
	/* an edited secret no longer matches its check value */
	sec[8] = sec[8] == 'a' ? 'b' : 'a';
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	assert_int_equal(shuan_key_load(&k, p, err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "check value"));
	assert_null(strstr(err, secret));
	assert_null(strstr(err, secret + 1));
	/* --force replaces it, with a new check value */
	assert_int_equal(shuan_key_generate(p, true, check2, err, sizeof(err)), 0);
	assert_string_not_equal(check, check2);
	assert_int_equal(shuan_key_load(&k, "/nonexistent/x.key", err, sizeof(err)), SHUAN_ENOTFOUND);
}

/* ---- policies ---- */

static int load_policy(const char *text, char *err, size_t errlen)
{
	char p[300];
	shuan_policy *pol;
	snprintf(p, sizeof(p), "%s/p.yaml", g_dir);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	assert_int_equal(shuan_policy_new(&pol), 0);
	int rc = shuan_policy_load_file(pol, p, err, errlen);
	shuan_policy_free(pol);
	return rc;
}

static void test_policy_errors(void **state)
{
	char err[512];
	(void)state;
	assert_int_equal(load_policy("version: 1\ndefault: partial\ncolumns:\n  手机: {action: partial, first: 3}\n"
				     "paths:\n  user.id: surrogate\ndetectors:\n  email: pseudonymize:length=20\n",
				     err, sizeof(err)),
			 0);
	assert_int_equal(load_policy("scan: all\ncolums:\n  a: redact\n", err, sizeof(err)), SHUAN_ERULES);
	assert_non_null(strstr(err, "p.yaml:2:1"));
	assert_non_null(strstr(err, "colums"));
	assert_int_equal(load_policy("columns:\n  a: scramble\n", err, sizeof(err)), SHUAN_ERULES);
	assert_non_null(strstr(err, "p.yaml:2:6"));
	assert_non_null(strstr(err, "unknown action 'scramble'"));
	assert_int_equal(load_policy("columns:\n  a: {action: partial, frist: 3}\n", err, sizeof(err)), SHUAN_ERULES);
	assert_non_null(strstr(err, "frist"));
	assert_non_null(strstr(err, "p.yaml:2:"));
	assert_int_equal(load_policy("columns:\n  a: generalize:band=abc\n", err, sizeof(err)), SHUAN_ERULES);
	assert_non_null(strstr(err, "band"));
	assert_int_equal(load_policy("columns:\n  a: surrogate:type=age\n", err, sizeof(err)), SHUAN_ERULES);
	assert_non_null(strstr(err, "no generator"));
	assert_int_equal(load_policy("k_anonymity: {k: 1, quasi_identifiers: [a]}\n", err, sizeof(err)), SHUAN_ERULES);
	assert_int_equal(load_policy("version: 2\n", err, sizeof(err)), SHUAN_ERULES);
	assert_int_equal(load_policy("- a\n", err, sizeof(err)), SHUAN_ERULES);
}

static void test_paths_and_csv(void **state)
{
	(void)state;
	assert_true(deid_path_match("user.phone", "user.phone"));
	assert_true(deid_path_match("$.user.phone", "user.phone"));
	assert_true(deid_path_match("user", "user.phone"));
	assert_true(deid_path_match("items[*].tel", "items[3].tel"));
	assert_true(deid_path_match("items[2]", "items[2].tel"));
	assert_true(deid_path_match("*.tel", "a.tel"));
	assert_false(deid_path_match("user.phone", "user.phones"));
	assert_false(deid_path_match("items[*].tel", "items.tel"));
	assert_false(deid_path_match("user.phone.x", "user.phone"));

	deid_csv_cell cells[8];
	size_t nc, next, eol;
	const char *rec = "a,\"b,\"\"c\"\"\",d\r\nx";
	assert_true(deid_csv_record(rec, 0, strlen(rec), ',', cells, 8, &nc, &next, &eol));
	assert_int_equal(nc, 3);
	assert_int_equal(eol, 2);
	assert_int_equal(next, strlen(rec) - 1);
	assert_true(cells[1].quoted);
	shuan_buf b;
	shuan_buf_init(&b, 1024);
	assert_int_equal(deid_csv_unquote(rec + cells[1].start, cells[1].end - cells[1].start, &b), 0);
	assert_string_equal(shuan_buf_str(&b), "b,\"c\"");
	shuan_buf_reset(&b);
	assert_int_equal(deid_csv_quote("x,\"y\"", 5, ',', false, &b), 0);
	assert_string_equal(shuan_buf_str(&b), "\"x,\"\"y\"\"\"");
	shuan_buf_reset(&b);
	assert_int_equal(deid_csv_quote("plain", 5, ',', false, &b), 0);
	assert_string_equal(shuan_buf_str(&b), "plain");
	shuan_buf_free(&b);
	/* an unterminated quote is not a record */
	assert_false(deid_csv_record("a,\"b\n", 0, 5, ',', cells, 8, &nc, &next, &eol));
	/* record ends: newlines inside quotes are data */
	deid_csv_cut cut;
	memset(&cut, 0, sizeof(cut));
	const char *s = "h1,h2\n\"a\nb\",c\nd,e";
	deid_csv_cut_scan(&cut, s, strlen(s));
	assert_int_equal(cut.last_end, 14);
	assert_int_equal(cut.newlines, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_generalize_dates_ages),
		cmocka_unit_test(test_generalize_places),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_surrogate_ids),
		cmocka_unit_test(test_surrogate_others),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_policy_errors),
		cmocka_unit_test(test_paths_and_csv),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
