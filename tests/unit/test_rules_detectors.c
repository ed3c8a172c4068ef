/*
 * tests/unit/test_rules_detectors.c - the shipped detector rules against the
 * validators, without the engine.
 *
 * Loads every rules/detectors/<id>.yaml with util/yaml, checks the schema
 * keys this branch relies on (id = file name, validator registered, every
 * citation an entry of the regulation catalogue in rules/regs/, boundary
 * value), checks the library loads exactly the detector files there are,
 * compiles every pattern with
 * Vectorscan (HS_FLAG_SOM_LEFTMOST | HS_FLAG_UTF8 [| HS_FLAG_CASELESS]) and
 * PCRE2 (PCRE2_UTF), then runs a miniature scan: each pattern match is
 * boundary-checked and handed to the validator with the real tables, and the
 * accepted (detector, value) pairs are compared with expectations. Cue words
 * are not applied here; that is the engine's job.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <hs/hs.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

#include "shuan/regs.h"
#include "shuan/rules.h"
#include "util/yaml.h"
#include "validate_fixture.h"

#define MAX_DET 64
#define MAX_PAT 16
#define MAX_HITS 64

typedef struct det {
	char id[64], validator[64], boundary[16];
	bool caseless;
	char *pats[MAX_PAT];
	size_t npats;
	hs_database_t *db[MAX_PAT];
} det;

static det dets[MAX_DET];
static size_t ndets;

typedef struct hit {
	char det[64];
	char value[256];
} hit;

static hit hits[MAX_HITS];
static size_t nhits;

static shuan_regs *catalogue;

static const char *scalar_at(shuan_yaml *y, yaml_node_t *map, const char *key)
{
	const char *v = shuan_yaml_scalar(shuan_yaml_get(y, map, key));
	if (!v)
		fail_msg("%s: '%s' missing or not a single value", y->file, key);
	return v;
}

static void check_cites(shuan_yaml *y, yaml_node_t *root, const char *id)
{
	yaml_node_t *c = shuan_yaml_get(y, root, "cites");
	assert_true(shuan_yaml_is_seq(c));
	assert_true(shuan_yaml_count(c) > 0);
	for (size_t i = 0; i < shuan_yaml_count(c); i++) {
		const char *cite = shuan_yaml_scalar(shuan_yaml_item(y, c, i));
		assert_non_null(cite);
		if (!shuan_regs_get(catalogue, cite))
			fail_msg("%s cites '%s', which is not in the catalogue (rules/regs/)", id, cite);
	}
}

static void compile_pattern(det *d, const char *p)
{
	hs_compile_error_t *ce = NULL;
	unsigned fl = HS_FLAG_SOM_LEFTMOST | HS_FLAG_UTF8 | (d->caseless ? HS_FLAG_CASELESS : 0);
	if (hs_compile(p, fl, HS_MODE_BLOCK, NULL, &d->db[d->npats], &ce) != HS_SUCCESS)
		fail_msg("%s: vectorscan: %s: %s", d->id, ce->message, p);
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED,
	                               PCRE2_UTF | (d->caseless ? PCRE2_CASELESS : 0), &ec, &eo, NULL);
	if (!re)
		fail_msg("%s: pcre2 error %d at %zu: %s", d->id, ec, (size_t)eo, p);
	pcre2_code_free(re);
	d->pats[d->npats++] = strdup(p);
}

static void load_detector(const char *path, const char *fname)
{
	shuan_yaml y;
	char err[512];
	if (shuan_yaml_load_file(&y, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	yaml_node_t *root = shuan_yaml_root(&y);
	det *d = &dets[ndets++];
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "%s", scalar_at(&y, root, "id"));
	snprintf(d->validator, sizeof(d->validator), "%s", scalar_at(&y, root, "validator"));
	snprintf(d->boundary, sizeof(d->boundary), "%s", scalar_at(&y, root, "boundary"));
	d->caseless = strcmp(scalar_at(&y, root, "caseless"), "true") == 0;
	char expect[80];
	snprintf(expect, sizeof(expect), "%s.yaml", d->id);
	assert_string_equal(fname, expect);
	assert_non_null(shuan_validator_find(d->validator));
	assert_true(strcmp(d->boundary, "none") == 0 || strcmp(d->boundary, "digit") == 0 ||
	            strcmp(d->boundary, "alnum") == 0);
	for (const char *k = "rev\0label_zh\0label_en\0pi_category\0sensitive\0spi_category\0"
	                     "confidence\0source\0context\0fields\0field_mode\0";
	     *k; k += strlen(k) + 1)
		if (!shuan_yaml_get(&y, root, k))
			fail_msg("%s: missing key %s", d->id, k);
	check_cites(&y, root, d->id);
	yaml_node_t *pats = shuan_yaml_get(&y, root, "patterns");
	assert_true(shuan_yaml_is_seq(pats));
	/* the patterns as the library expands them ({name} -> its word list) */
	const shuan_detector *ld = NULL;
	for (size_t i = 0; i < fixture_rules->n; i++)
		if (!strcmp(fixture_rules->dets[i].info.id, d->id))
			ld = &fixture_rules->dets[i];
	assert_non_null(ld);
	assert_int_equal(ld->patterns.n, shuan_yaml_count(pats));
	for (size_t i = 0; i < ld->patterns.n; i++)
		compile_pattern(d, ld->patterns.v[i]);
	shuan_yaml_free(&y);
}

static int setup_all(void **state)
{
	char err[512];
	setup_tables(state);
	if (shuan_regs_open(&catalogue, SHUAN_TEST_RULES_DIR, err, sizeof(err)) != 0)
		fail_msg("catalogue: %s", err);
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/detectors", SHUAN_TEST_RULES_DIR);
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".yaml") != 0)
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		load_detector(path, e->d_name);
	}
	closedir(dp);
	return 0;
}

static int teardown_all(void **state)
{
	for (size_t i = 0; i < ndets; i++)
		for (size_t j = 0; j < dets[i].npats; j++) {
			hs_free_database(dets[i].db[j]);
			free(dets[i].pats[j]);
		}
	shuan_regs_free(catalogue);
	return teardown_tables(state);
}

/* The library loads one detector per file in rules/detectors/, and every
 * file was read above: no list of ids to keep in step by hand. */
static void test_all_detectors_present(void **state)
{
	shuan_rules *r = NULL;
	char err[1024];
	(void)state;
	assert_true(ndets >= 19);
	if (shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)) != 0)
		fail_msg("rules: %s", err);
	assert_int_equal(shuan_rules_count(r), ndets);
	for (size_t j = 0; j < ndets; j++)
		if (!shuan_rules_find(r, dets[j].id))
			fail_msg("detector file %s.yaml not loaded by the library", dets[j].id);
	shuan_rules_free(r);
}

/* ---- miniature scan ---- */

typedef struct scanctx {
	const det *d;
	const char *text;
	size_t len;
} scanctx;

static bool touches(const det *d, unsigned char c)
{
	if (strcmp(d->boundary, "digit") == 0)
		return c >= '0' && c <= '9';
	if (strcmp(d->boundary, "alnum") == 0)
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	return false;
}

static void add_hit(const char *id, const char *v, size_t n)
{
	for (size_t i = 0; i < nhits; i++)
		if (strcmp(hits[i].det, id) == 0 && strlen(hits[i].value) == n &&
		    memcmp(hits[i].value, v, n) == 0)
			return;
	if (nhits == MAX_HITS || n >= sizeof(hits[0].value))
		return;
	snprintf(hits[nhits].det, sizeof(hits[nhits].det), "%s", id);
	memcpy(hits[nhits].value, v, n);
	hits[nhits].value[n] = '\0';
	nhits++;
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                    void *ctx)
{
	(void)id;
	(void)flags;
	scanctx *c = ctx;
	if ((from > 0 && touches(c->d, (unsigned char)c->text[from - 1])) ||
	    (to < c->len && touches(c->d, (unsigned char)c->text[to])))
		return 0;
	shuan_vresult r = {0};
	r.start = (size_t)from;
	r.end = (size_t)to;
	r.words = words_for(c->d->validator);
	const shuan_validator *v = shuan_validator_find(c->d->validator);
	if (v->fn(&V, c->text, c->len, &r))
		add_hit(c->d->id, c->text + r.start, r.end - r.start);
	return 0;
}

static void scan(const char *text)
{
	nhits = 0;
	for (size_t i = 0; i < ndets; i++) {
		for (size_t j = 0; j < dets[i].npats; j++) {
			hs_scratch_t *sc = NULL;
			assert_int_equal(hs_alloc_scratch(dets[i].db[j], &sc), HS_SUCCESS);
			scanctx c = {&dets[i], text, strlen(text)};
			hs_scan(dets[i].db[j], text, (unsigned)c.len, 0, sc, on_match, &c);
			hs_free_scratch(sc);
		}
	}
}

static bool has(const char *id, const char *value)
{
	for (size_t i = 0; i < nhits; i++)
		if (strcmp(hits[i].det, id) == 0 && strcmp(hits[i].value, value) == 0)
			return true;
	return false;
}

static size_t count(const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < nhits; i++)
		n += strcmp(hits[i].det, id) == 0;
	return n;
}

static void expect(const char *text, const char *id, const char *value)
{
	scan(text);
	if (!has(id, value)) {
		for (size_t i = 0; i < nhits; i++)
			print_message("  got %s [%s]\n", hits[i].det, hits[i].value);
		fail_msg("%s did not find [%s] in: %s", id, value, text);
	}
}

static void test_positive_samples(void **state)
{
	(void)state;
	expect("身份证号：11010519491231002X，", "cn_resident_id", "11010519491231002X");
	expect("老证件 110105491231002 已过期", "cn_resident_id", "110105491231002");
	expect("居住证 810000199001010019", "cn_resident_id", "810000199001010019");
	expect("电话: +86 138 1234 5678。", "cn_mobile", "+86 138 1234 5678");
	expect("手机13812345678", "cn_mobile", "13812345678");
	expect("call 138-1234-5678 now", "cn_mobile", "138-1234-5678");
	expect("座机(0755)1234567转8", "cn_landline", "(0755)1234567");
	expect("tel 0571 8765 4321", "cn_landline", "0571 8765 4321");
	expect("mail: zhang.san@example.com.", "email", "zhang.san@example.com");
	expect("client=202.96.128.86 port", "ipv4", "202.96.128.86");
	expect("addr 2001:db8::8a2e:370:7334 up", "ipv6", "2001:db8::8a2e:370:7334");
	expect("mac=00:1A:2B:3C:4D:5E;", "mac_address", "00:1A:2B:3C:4D:5E");
	expect("imei:490154203237518", "imei", "490154203237518");
	expect("卡号6217000000000000004。", "bank_card", "6217000000000000004");
	expect("card 6217 0000 0000 0000 004 ok", "bank_card", "6217 0000 0000 0000 004");
	expect("信用代码91440300708461136T", "cn_uscc", "91440300708461136T");
	expect("护照号E12345678", "cn_passport", "E12345678");
	expect("回乡证H12345678", "hk_macao_permit", "H12345678");
	expect("台胞证号码 12345678", "tw_permit", "12345678");
	expect("港澳通行证C12345678", "cn_exit_entry_permit", "C12345678");
	expect("车牌粤B12345F停在", "cn_plate", "粤B12345F");
	expect("车牌京A12345。", "cn_plate", "京A12345");
	expect("定位 30.274085,120.155070 附近", "geo_coordinate", "30.274085,120.155070");
	expect("客户张伟先生来电", "person_name", "张伟");
	expect("姓名：王小明，", "person_name", "王小明");
	expect("收货地址：浙江省杭州市西湖区文三路90号东部软件园1号楼301室，电话", "address",
	       "浙江省杭州市西湖区文三路90号东部软件园1号楼301室");
	expect("spring.datasource.password=S3cure!Pw#2024\n", "credential", "S3cure!Pw#2024");
	expect("url: jdbc:mysql://root:Zx9kLm2@10.0.0.5:3306/app", "credential", "Zx9kLm2");
	expect("{\"password\": \"Admin@123\"}", "credential", "Admin@123");
	expect("DSN=mysql://root:p@ss!w0rd@db.local/app", "credential", "p@ss!w0rd");
	expect("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "credential", "-----BEGIN RSA PRIVATE KEY-----");
	expect("key=LTAI5tBcDeFgHiJkLmNoPq12 ", "credential", "LTAI5tBcDeFgHiJkLmNoPq12");
}

/* Hard negatives: none of the checksum-validated detectors may fire. */
static void test_hard_negatives(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "order_id=1234567890123456789 ts=1732233600000 trace=7234981029384756102",
	    "snowflake 1859302745193029632 and 1859302745193029633",
	    "id 110105194912310021 has a bad check digit",
	    "born 1101051999023000 19990230 invalid",
	    "long 1101051949123100211234567 number",
	    "uscc 91440300708461136U wrong",
	    "amount 6217000000000000005 bad luhn",
	    "version 1.2.3.4 and v10.0.0.1",
	    "ratio 1.5, 2.5 and pi 3.14",
	    "phone 14012345678 unallocated",
	};
	static const char *const checked[] = {"cn_resident_id", "bank_card", "cn_uscc",        "imei",
	                                      "cn_mobile",      "ipv4",      "geo_coordinate", NULL};
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		scan(texts[t]);
		for (int k = 0; checked[k]; k++)
			if (count(checked[k]))
				fail_msg("%s fired on: %s", checked[k], texts[t]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_detectors_present),
	    cmocka_unit_test(test_positive_samples),
	    cmocka_unit_test(test_hard_negatives),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
