/*
 * tests/unit/test_inventory_classes.c - the inventory's column classes as
 * loaded from rules/inventory/classes.yaml: name and comment cues (pinyin
 * abbreviations, English names, Chinese names and comments, suffixes, and
 * names that must not match), dictionary membership with cue-only values,
 * ICD-10 codes, birth dates and ages; the grading profiles; and the binder
 * of a column's names that the partial and the store share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "lib/inventory/internal.h"

static shuan_rules *rules;
static inv_classes cl;

static int setup(void **state)
{
	char err[512];
	(void)state;
	if (shuan_rules_load(&rules, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)) != 0 ||
	    shuan_inv__classes_load(&cl, SHUAN_TEST_RULES_DIR, rules, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	shuan_inv__classes_free(&cl);
	shuan_rules_free(rules);
	return 0;
}

static const char *cls(const char *name, const char *comment)
{
	int k = shuan_inv__name_class(&cl, name, comment);
	return k < 0 ? "" : cl.v[k].id;
}

static void test_name_cues(void **state)
{
	(void)state;
	assert_string_equal(cls("sfzh", NULL), "cn_resident_id");
	assert_string_equal(cls("ID_Card", NULL), "cn_resident_id");
	assert_string_equal(cls("sjh", NULL), "cn_mobile");
	assert_string_equal(cls("customer_mobile", NULL), "cn_mobile"); /* a suffix of 5+ letters */
	assert_string_equal(cls("xm", NULL), "person_name");
	assert_string_equal(cls("客户手机号", NULL), "cn_mobile");     /* a Chinese cue inside */
	assert_string_equal(cls("c1", "身份证号码"), "cn_resident_id");  /* the comment */
	assert_string_equal(cls("mz", NULL), "ethnicity");
	assert_string_equal(cls("zjxy", NULL), "religion");
	assert_string_equal(cls("hyzk", NULL), "marital_status");
	assert_string_equal(cls("xb", NULL), "gender");
	assert_string_equal(cls("zzmm", NULL), "political_status");
	assert_string_equal(cls("血型", NULL), "blood_type");
	assert_string_equal(cls("诊断", NULL), "diagnosis");
	assert_string_equal(cls("csrq", NULL), "birth_date");
	assert_string_equal(cls("nl", NULL), "age");
	assert_string_equal(cls("身份证照片", NULL), "id_card_image");
	/* not cues: a short word at the end of another name, unrelated names */
	assert_string_equal(cls("file_name", NULL), "");
	assert_string_equal(cls("order_no", NULL), "");
	assert_string_equal(cls("amount", NULL), "");
	assert_string_equal(cls("created_at", NULL), "");
	assert_true(shuan_inv__is_free_text_name(&cl, "备注 说明", NULL));
	assert_true(shuan_inv__is_free_text_name(&cl, "remarks", NULL));
	assert_false(shuan_inv__is_free_text_name(&cl, "sjh", NULL));
	assert_true(shuan_inv__is_identifier(&cl, "cn_resident_id"));
	assert_true(shuan_inv__is_identifier(&cl, "cn_mobile"));
	assert_false(shuan_inv__is_identifier(&cl, "person_name")); /* names are shared by many people */
}

static const inv_class *by_id(const char *id)
{
	for (size_t i = 0; i < cl.n; i++)
		if (!strcmp(cl.v[i].id, id))
			return &cl.v[i];
	fail_msg("no class %s", id);
	return NULL;
}

#define MEMBER(k, v, cued) shuan_inv__dict_member(by_id(k), v, strlen(v), cued)

static void test_dictionaries(void **state)
{
	(void)state;
	assert_true(MEMBER("ethnicity", "汉族", false));
	assert_true(MEMBER("ethnicity", " 维吾尔族 ", false)); /* trimmed */
	assert_true(MEMBER("ethnicity", "\xE3\x80\x80回族", false)); /* ideographic space */
	assert_false(MEMBER("ethnicity", "汉族人", false));
	assert_true(MEMBER("religion", "伊斯兰教", false));
	assert_false(MEMBER("religion", "无", false)); /* "none" counts only under a religion name */
	assert_true(MEMBER("religion", "无", true));
	assert_true(MEMBER("gender", "女", false));
	assert_false(MEMBER("gender", "F", false));
	assert_true(MEMBER("gender", "F", true));
	assert_true(MEMBER("blood_type", "AB型", false));
	assert_false(MEMBER("blood_type", "AB", false));
	assert_true(MEMBER("blood_type", "AB", true));
	assert_true(MEMBER("diagnosis", "2型糖尿病", false));
	assert_true(MEMBER("diagnosis", "E11.9", false));   /* ICD-10 */
	assert_true(MEMBER("diagnosis", "I10", false));
	assert_true(MEMBER("diagnosis", "J45.901", false));
	assert_false(MEMBER("diagnosis", "E1", false));
	assert_false(MEMBER("diagnosis", "AB12.x9x9x", false));
	assert_false(MEMBER("diagnosis", "U07.1", false)); /* U codes are reserved */
	assert_true(MEMBER("education", "硕士研究生", false));
	assert_true(MEMBER("political_status", "中共党员", false));
	assert_true(MEMBER("marital_status", "已婚", false));
	assert_true(MEMBER("marital_status", "20", true));
	assert_false(MEMBER("marital_status", "20", false));
	assert_true(MEMBER("occupation", "教师", false));
	assert_false(MEMBER("occupation", "", false));
}

static void test_dates_and_ages(void **state)
{
	int y, m, d, a;
	(void)state;
	assert_true(shuan_inv__parse_date("2016-02-29", 10, &y, &m, &d));
	assert_int_equal(y * 10000 + m * 100 + d, 20160229);
	assert_false(shuan_inv__parse_date("2015-02-29", 10, &y, &m, &d)); /* not a leap year */
	assert_true(shuan_inv__parse_date("1990/1/5", 8, &y, &m, &d));
	assert_true(shuan_inv__parse_date("19900105", 8, &y, &m, &d));
	assert_true(shuan_inv__parse_date("1990-01-05 00:00:00", 19, &y, &m, &d));
	assert_true(shuan_inv__parse_date("1990年1月5日", strlen("1990年1月5日"), &y, &m, &d));
	assert_int_equal(d, 5);
	assert_false(shuan_inv__parse_date("1990-13-05", 10, &y, &m, &d));
	assert_false(shuan_inv__parse_date("1990-01/05", 10, &y, &m, &d));
	assert_false(shuan_inv__parse_date("12345678", 8, &y, &m, &d));
	assert_false(shuan_inv__parse_date("hello", 5, &y, &m, &d));
	assert_true(shuan_inv__parse_age("13", 2, &a));
	assert_int_equal(a, 13);
	assert_true(shuan_inv__parse_age("35岁", strlen("35岁"), &a));
	assert_true(shuan_inv__parse_age("8周岁", strlen("8周岁"), &a));
	assert_false(shuan_inv__parse_age("151", 3, &a));
	assert_false(shuan_inv__parse_age("3.5", 3, &a));
	assert_false(shuan_inv__parse_age("", 0, &a));
}

static void test_profiles(void **state)
{
	inv_profile p;
	char err[512];
	(void)state;
	assert_int_equal(shuan_inv__profile_load(&p, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)), 0);
	assert_string_equal(p.id, "default");
	assert_true(p.unverified); /* the standard's table is not confirmed */
	assert_int_equal(p.nsub, 4);
	assert_string_equal(p.sub[0].level, "L4");
	assert_int_equal(p.sub[0].when, INV_WHEN_SENSITIVE);
	assert_int_equal(p.ncand, 1);
	assert_int_equal(p.cand[0].people_at_least, 10000000);
	shuan_inv__profile_free(&p);
	assert_int_equal(shuan_inv__profile_load(&p, SHUAN_TEST_RULES_DIR, "health", err, sizeof(err)), 0);
	assert_int_equal(p.ncand, 2);
	assert_true(p.cand[1].unverified);
	shuan_inv__profile_free(&p);
	assert_int_equal(shuan_inv__profile_load(&p, SHUAN_TEST_RULES_DIR, "nosuch", err, sizeof(err)), SHUAN_ENOTFOUND);
	assert_non_null(strstr(err, "no grading profile 'nosuch'"));
	assert_int_equal(shuan_inv__profile_load(&p, SHUAN_TEST_RULES_DIR, "../x", err, sizeof(err)), SHUAN_ENOTFOUND);
	assert_int_equal(shuan_inv__profile_load(&p, SHUAN_TEST_RULES_DIR, "Bad Name", err, sizeof(err)), SHUAN_EINVAL);
	shuan_inv__profile_free(NULL);
}

/* shuan_inv__bind_texts: n texts to parameters first.., NULL as SQL NULL. */
static void test_bind_texts(void **state)
{
	(void)state;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT ?1, ?2, ?3, ?4", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int(st, 1, 7);
	shuan_inv__bind_texts(st, 2, (const char *const[]){"表", NULL, "c"}, 3);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 7);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "表");
	assert_int_equal(sqlite3_column_type(st, 2), SQLITE_NULL);
	assert_string_equal((const char *)sqlite3_column_text(st, 3), "c");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_cues),
		cmocka_unit_test(test_dictionaries),
		cmocka_unit_test(test_dates_and_ages),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_bind_texts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
