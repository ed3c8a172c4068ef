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

/* Issue 13: rural, township and estate addresses, anchored on real divisions
 * (division_names.txt, townships.tsv) and ending in 村/组/社区/号/栋/单元/室. */
static void test_address_division_chain(void **state)
{
	(void)state;
	assert_string_equal(addr_of("住址：河北省承德市隆化县太平庄满族乡孟家村3组"),
	                    "河北省承德市隆化县太平庄满族乡孟家村3组");
	assert_string_equal(addr_of("浙江省杭州市萧山区义桥镇陶家村227号，电话"), "浙江省杭州市萧山区义桥镇陶家村227号");
	assert_string_equal(addr_of("我家住在湖南省株洲市醴陵市茶山镇洪源村205号"), "湖南省株洲市醴陵市茶山镇洪源村205号");
	assert_string_equal(addr_of("醴陵市茶山镇洪源村村民"), "醴陵市茶山镇洪源村"); /* the shortest village name */
	assert_string_equal(addr_of("南京市鼓楼区莫愁湖小区3栋2单元501室"), "南京市鼓楼区莫愁湖小区3栋2单元501室");
	assert_string_equal(addr_of("成都市双流区黄甲街道黄龙村十一组"), "成都市双流区黄甲街道黄龙村十一组");
	assert_string_equal(addr_of("深圳市南山区粤海街道科技园社区3栋201室"), "深圳市南山区粤海街道科技园社区3栋201室");
	/* each way a tail can open: an estate word before a house number, a
	 * building unit, a number right after a township */
	assert_string_equal(addr_of("家住南京市鼓楼区莫愁湖花园3号。"), "南京市鼓楼区莫愁湖花园3号");
	assert_string_equal(addr_of("家住南京市玄武区长江科技楼3栋。"), "南京市玄武区长江科技楼3栋");
	assert_string_equal(addr_of("家住杭州市萧山区义桥镇227号。"), "杭州市萧山区义桥镇227号");
	/* a county named like a short form (罗平) before the sentence's address */
	assert_string_equal(addr_of("罗平的居住地址是辽宁省沈阳市大东区上园街道武冲村177号"),
	                    "辽宁省沈阳市大东区上园街道武冲村177号");
	/* 都昌县 holds a stop character; the street structure skips division names */
	assert_string_equal(addr_of("九江市都昌县育才街429号"), "九江市都昌县育才街429号");
	/* divisions without an address structure */
	assert_null(addr_of("隆化县共有25个乡镇、350个行政村"));
	assert_null(addr_of("醴陵市茶山镇的村民正在抢收早稻"));
	assert_null(addr_of("隆化县太平庄满族乡召开乡村振兴推进会"));
	assert_null(addr_of("杭州市萧山区地铁5号线"));
	assert_null(addr_of("湖南省株洲市发布3号暴雨预警"));
	assert_null(addr_of("萧山区义桥镇各村都建了垃圾分类站"));
	assert_null(addr_of("茶山镇洪源村205号")); /* one level is not enough in prose */
	/* ... but is in an address column */
	shuan_vresult r = {0};
	r.field_mode = true;
	assert_true(vok("address", "茶山镇洪源村205号", &r));
	/* a cell longer than the chain search's memo (512 bytes) is searched all the same */
	char long_cell[1024] = "";
	for (int i = 0; i < 200; i++)
		strcat(long_cell, "无");
	strcat(long_cell, "茶山镇洪源村205号");
	r.field_mode = true;
	assert_true(vok("address", long_cell, &r));
	r.field_mode = true;
	assert_false(vok("address", "不详", &r));
	r.field_mode = true;
	assert_false(vok("address", "浙江省杭州市", &r));
	/* without tables only the street structure is checked */
	assert_false(vbare("address", "浙江省杭州市萧山区义桥镇陶家村227号"));
}

typedef void (*span_fn)(const char *line, size_t i, size_t j, void *ud);

/* fn(line, i, j, ud) for every span [i, j) of line of up to 45 bytes that
 * starts and ends on a character boundary. */
static void spans_of(const char *line, span_fn fn, void *ud)
{
	size_t n = strlen(line);
	for (size_t i = 0; i < n; i++) {
		if (((unsigned char)line[i] & 0xC0) == 0x80)
			continue;
		for (size_t j = i + 1; j <= n && j <= i + 45; j++)
			if (j == n || ((unsigned char)line[j] & 0xC0) != 0x80)
				fn(line, i, j, ud);
	}
}

/* spans_of() every `every`-th line of the labelled address sets, then of
 * each extra text. */
static void address_spans(size_t every, const char *const *extra, size_t nextra, span_fn fn, void *ud)
{
	static const char *const files[] = {"labelled/addresses_prose.txt", "labelled/addresses_hard.txt",
					    "labelled/addresses.csv"};
	size_t lines = 0;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[512], line[2048];
		snprintf(path, sizeof(path), "%s/%s", SHUAN_TEST_DATA_DIR, files[f]);
		FILE *in = fopen(path, "r");
		assert_non_null(in);
		while (fgets(line, sizeof(line), in)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (lines++ % every == 0)
				spans_of(line, fn, ud);
		}
		fclose(in);
	}
	for (size_t x = 0; x < nextra; x++)
		spans_of(extra[x], fn, ud);
}

struct covers {
	size_t both_refused, both_accepted;
};

static void covers_span(const char *line, size_t i, size_t j, void *ud)
{
	struct covers *c = ud;
	shuan_vresult r = {0};
	r.field_mode = true;
	bool field = vspan(&V, "address", line, i, j, &r);
	r.field_mode = false;
	bool pattern = vspan(&V, "address", line, i, j, &r);
	if (pattern && !field)
		fail_msg("'%.*s': refused as a cell, accepted in prose", (int)(j - i), line + i);
	c->both_refused += !field;
	c->both_accepted += pattern;
}

/* The claim behind shuan_validator.field_covers_pattern for the address
 * (the scanner then skips a pattern candidate on exactly a cell the field
 * mode refused): over every span of up to 45 bytes of a third of the
 * labelled address sets and of texts that are not addresses, one the field
 * mode refuses the pattern mode refuses too. */
static void test_address_field_covers_pattern(void **state)
{
	(void)state;
	static const char *const extra[] = {"深圳市南山区科技园12号", "隆化县有很多村，萧山区3号线", "北京市朝阳区的建国路12号",
					    "上海市徐汇区漕溪北路12号", "茶山镇洪源村205号", "召开乡村振兴会议"};
	const shuan_validator *v = shuan_validator_find("address");
	assert_non_null(v);
	assert_true(v->field_covers_pattern);
	struct covers c = {0, 0};
	address_spans(3, extra, sizeof(extra) / sizeof(extra[0]), covers_span, &c);
	assert_true(c.both_refused > 1000);
	assert_true(c.both_accepted > 100);
}

struct answers {
	size_t answered, narrowed;
};

static void answers_span(const char *line, size_t i, size_t j, void *ud)
{
	struct answers *a = ud;
	shuan_vresult cell = {0}, prose = {0};
	cell.field_mode = true;
	if (!vspan(&V, "address", line, i, j, &cell) || !cell.as_pattern.to)
		return;
	a->answered++;
	assert_true(cell.as_pattern.from >= i && cell.as_pattern.to <= j);
	if (!vspan(&V, "address", line, cell.as_pattern.from, cell.as_pattern.to, &prose))
		fail_msg("'%.*s': answered for prose, refused there", (int)(j - i), line + i);
	if (prose.start != cell.as_pattern.start || prose.end != cell.as_pattern.end || strcmp(prose.kind, cell.kind) ||
	    prose.confidence != cell.confidence)
		fail_msg("'%.*s': prose gets another answer", (int)(j - i), line + i);
	a->narrowed += prose.start > cell.as_pattern.from || prose.end < cell.as_pattern.to;
}

/* The claim behind shuan_vresult.as_pattern for the address (the scanner
 * then takes it instead of validating a pattern candidate on exactly the
 * cell again): over every span of up to 45 bytes of the labelled address
 * sets, a cell the field mode accepts with an answer for prose is accepted
 * in prose, given exactly the trimmed cell, with that span, kind and
 * confidence. */
static void test_address_answers_pattern(void **state)
{
	(void)state;
	struct answers a = {0, 0};
	address_spans(1, NULL, 0, answers_span, &a);
	assert_true(a.answered > 1000);
	assert_true(a.narrowed > 100); /* prose narrows to the address: the answer is not the cell */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_cues),
	    cmocka_unit_test(test_name_rejects),
	    cmocka_unit_test(test_name_field),
	    cmocka_unit_test(test_address),
	    cmocka_unit_test(test_address_division_chain),
	    cmocka_unit_test(test_address_field_covers_pattern),
	    cmocka_unit_test(test_address_answers_pattern),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
