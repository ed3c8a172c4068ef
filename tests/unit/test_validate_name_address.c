/*
 * tests/unit/test_validate_name_address.c - personal names (cue narrowing,
 * field mode, stop words) and addresses (division name + road structure).
 */
#include <stdio.h>

#include "validate_fixture.h"

static const char *name_of(const char *text)
{
	shuan_vresult r = {0};
	if (!vok("person_name", text, &r))
		return NULL;
	return narrowed(text, &r);
}

static const char *field_name(const char *text)
{
	shuan_vresult r = {0};
	r.field_mode = true;
	if (!vok("person_name", text, &r))
		return NULL;
	return narrowed(text, &r);
}

static void test_name_cues(void **state)
{
	(void)state;
	assert_string_equal(name_of("姓名：王小明"), "王小明");
	assert_string_equal(name_of("姓名:张伟"), "张伟");
	assert_string_equal(name_of("客户张伟先生"), "张伟");
	assert_string_equal(name_of("联系人 李娜"), "李娜");
	assert_string_equal(name_of("收件人张三电话"), "张三");
	assert_string_equal(name_of("持卡人欧阳娜娜"), "欧阳娜娜");
	assert_string_equal(name_of("诸葛亮先生"), "诸葛亮");
	assert_string_equal(name_of("找王小明女士"), "王小明");
	assert_string_equal(name_of("请联系张伟先生"), "张伟");
	assert_string_equal(name_of("客户经理王小明"), "王小明");
	assert_string_equal(name_of("客户的张伟先生"), "张伟");
}

static void test_name_rejects(void **state)
{
	(void)state;
	assert_null(name_of("客户经理")); /* stop word */
	assert_null(name_of("客户服务中心"));
	assert_null(name_of("姓名：公司名称"));
	assert_null(name_of("联系人和电话"));
	assert_null(name_of("客户的"));
	assert_null(name_of("致王先生")); /* surname only */
	assert_null(name_of("这位先生"));
	assert_null(name_of("今天天气很好")); /* no cue */
}

static void test_name_field(void **state)
{
	(void)state;
	assert_string_equal(field_name("张伟"), "张伟");
	assert_string_equal(field_name(" 王小明 "), "王小明");
	assert_string_equal(field_name("欧阳娜娜"), "欧阳娜娜");
	assert_string_equal(field_name("买买提·艾力"), "买买提·艾力");
	assert_null(field_name("银行"));
	assert_null(field_name("中国银行"));
	assert_null(field_name("有限公司"));
	assert_null(field_name("张"));
	assert_null(field_name("王小明明明")); /* 5 chars */
	assert_null(field_name("Zhang Wei"));
	assert_null(field_name("啊啊啊"));
	assert_null(field_name("王经理"));
}

static const char *addr_of(const char *text)
{
	shuan_vresult r = {0};
	if (!vok("address", text, &r))
		return NULL;
	return narrowed(text, &r);
}

static void test_address(void **state)
{
	(void)state;
	assert_string_equal(addr_of("浙江省杭州市西湖区文三路90号东部软件园1号楼301室"),
	                    "浙江省杭州市西湖区文三路90号东部软件园1号楼301室");
	assert_string_equal(addr_of("寄到杭州市西湖区文三路90号"), "杭州市西湖区文三路90号");
	assert_string_equal(addr_of("住在西湖区文三路90号"), "西湖区文三路90号");
	assert_string_equal(addr_of("北京市东城区东四十条胡同3号"), "北京市东城区东四十条胡同3号");
	assert_null(addr_of("我家住在幸福路90号")); /* no division name */
	assert_null(addr_of("浙江省杭州市西湖区")); /* no road + number */
	assert_null(addr_of("杭州市文三路"));
	shuan_vresult r = {0};
	r.field_mode = true;
	const char *cell = " 上海市浦东新区世纪大道100号 ";
	assert_true(vok("address", cell, &r));
	assert_string_equal(narrowed(cell, &r), "上海市浦东新区世纪大道100号");
	assert_true(vbare("address", "我家住在幸福路90号"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_cues),
	    cmocka_unit_test(test_name_rejects),
	    cmocka_unit_test(test_name_field),
	    cmocka_unit_test(test_address),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
