/*
 * tests/unit/test_validate_geo.c - latitude/longitude pairs.
 */
#include <stdio.h>

#include "validate_fixture.h"

static void test_geo_valid(void **state)
{
	(void)state;
	shuan_vresult r = {0};
	assert_true(vok("geo_coordinate", "30.274085,120.155070", &r));
	assert_string_equal(r.kind, "lat_lon");
	assert_int_equal(r.precision, 6);
	assert_true(r.precise);
	assert_true(vok("geo_coordinate", "120.1551, 30.27", &r));
	assert_string_equal(r.kind, "lon_lat");
	assert_int_equal(r.precision, 2);
	assert_false(r.precise);
	assert_true(vok("geo_coordinate", "39.9042，116.4074", &r));
	assert_true(r.precise);
	assert_true(vyes("geo_coordinate", "-33.8688 151.2093"));
	assert_true(vyes("geo_coordinate", "40.7128,-74.0060"));
}

static void test_geo_invalid(void **state)
{
	(void)state;
	assert_false(vyes("geo_coordinate", "1.2,3.4"));      /* version-like */
	assert_false(vyes("geo_coordinate", "30.2,120.155")); /* 1 decimal */
	assert_false(vyes("geo_coordinate", "95.12,190.34")); /* out of range */
	assert_false(vyes("geo_coordinate", "0.00,0.00"));
	assert_false(vyes("geo_coordinate", "30.27;120.15"));
	assert_false(vyes("geo_coordinate", "30.27,120"));
	assert_false(vyes("geo_coordinate", "1234.56,12.34"));
}

static void test_geo_threshold(void **state)
{
	(void)state;
	shuan_vdata d = V;
	d.precise_location_decimals = 6;
	shuan_vresult r = {0};
	const char *t = "30.2741,120.1551";
	assert_true(vspan(&d, "geo_coordinate", t, 0, strlen(t), &r));
	assert_false(r.precise);
	d.precise_location_decimals = 0; /* default 4 */
	assert_true(vspan(&d, "geo_coordinate", t, 0, strlen(t), &r));
	assert_true(r.precise);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_geo_valid),
	    cmocka_unit_test(test_geo_invalid),
	    cmocka_unit_test(test_geo_threshold),
	};
	return cmocka_run_group_tests(tests, setup_tables, teardown_tables);
}
