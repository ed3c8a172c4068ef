/*
 * tests/unit/test_duty_calendar.c - instants with zones, calendar dates and
 * the PRC working-day calendar the duty engines count in: weekends, public
 * holidays, weekend days worked in exchange (调休), periods across them, a
 * missing year named in the error, years not yet published, and calendar
 * files that contradict themselves or carry a misspelt key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "duty_fixture.h"
#include "lib/duty/internal.h"
#include "shuan/duty.h"

static shuan_date D(int y, int m, int d)
{
	shuan_date x = {y, m, d};
	return x;
}

static void assert_date(shuan_date got, int y, int m, int d)
{
	char a[16], b[16];
	shuan_date_format(got, a, sizeof(a));
	snprintf(b, sizeof(b), "%04d-%02d-%02d", y, m, d);
	assert_string_equal(a, b);
}

static void test_time_parse_and_zones(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
	    {"2025-03-01T09:30:00+08:00", "2025-03-01T09:30:00+08:00"},
	    {"2025-03-01T01:30Z", "2025-03-01T01:30:00Z"},
	    {"2025-03-01 09:30+0800", "2025-03-01T09:30:00+08:00"},
	    {"2025-03-01T09:30:15.250-05:30", "2025-03-01T09:30:15-05:30"},
	    {"2024-12-31T23:59:59+14:00", "2024-12-31T23:59:59+14:00"},
	};
	static const char *const bad[] = {"2025-03-01T09:30",
	                                  "2025-02-30T09:30+08:00",
	                                  "2025-03-01T24:00+08:00",
	                                  "yesterday",
	                                  "2025-03-01T09:30+15:00",
	                                  "2025-03-01T09:30+08:00x",
	                                  ""};
	char err[256], buf[SHUAN_TIME_TEXT];
	shuan_time t, u;
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(shuan_time_parse(ok[i].in, false, "t", &t, err, sizeof(err)), 0);
		shuan_time_format(&t, buf);
		assert_string_equal(buf, ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(shuan_time_parse(bad[i], false, "discovered", &t, err, sizeof(err)),
		                 SHUAN_EINVAL);
	/* the message names the field and says what is missing */
	assert_int_equal(shuan_time_parse("2025-03-01T09:30", false, "discovered", &t, err, sizeof(err)),
	                 SHUAN_EINVAL);
	assert_non_null(strstr(err, "discovered"));
	assert_non_null(strstr(err, "time zone"));
	/* the same instant in two zones compares equal */
	assert_int_equal(shuan_time_parse("2025-03-01T09:30+08:00", false, "t", &t, err, sizeof(err)), 0);
	assert_int_equal(shuan_time_parse("2025-03-01T01:30Z", false, "t", &u, err, sizeof(err)), 0);
	assert_true(t.utc == u.utc);
	/* a date alone is midnight China time only where allowed */
	assert_int_equal(shuan_time_parse("2025-03-01", false, "t", &t, err, sizeof(err)), SHUAN_EINVAL);
	assert_int_equal(shuan_time_parse("2025-03-01", true, "t", &t, err, sizeof(err)), 0);
	shuan_time_format(&t, buf);
	assert_string_equal(buf, "2025-03-01T00:00:00+08:00");
	/* the China date of an instant late in the UTC day */
	assert_int_equal(shuan_time_parse("2025-03-01T20:00Z", false, "t", &t, err, sizeof(err)), 0);
	assert_date(shuan_time_date(&t, SHUAN_CHINA_OFFSET_MIN), 2025, 3, 2);
	assert_date(shuan_time_date(&t, 0), 2025, 3, 1);
}

static void test_dates(void **state)
{
	(void)state;
	assert_int_equal(shuan_date_days(D(1970, 1, 1)), 0);
	assert_int_equal(shuan_date_days(D(2000, 3, 1)), 11017);
	for (int64_t z = -800000; z < 800000; z += 997)
		assert_int_equal(shuan_date_days(shuan_date_from_days(z)), z);
	/* Civil Code Art. 202: the corresponding day, else the end of the month */
	assert_date(shuan_date_add_months(D(2025, 3, 10), 36), 2028, 3, 10);
	assert_date(shuan_date_add_months(D(2024, 2, 29), 12), 2025, 2, 28);
	assert_date(shuan_date_add_months(D(2024, 2, 29), 48), 2028, 2, 29);
	assert_date(shuan_date_add_months(D(2025, 1, 31), 1), 2025, 2, 28);
	assert_date(shuan_date_add_months(D(2025, 1, 15), -12), 2024, 1, 15);
	assert_int_equal(shuan_date_parse("2025-02-29", &(shuan_date){0}), SHUAN_EINVAL);
	assert_int_equal(shuan_date_parse("2024-02-29", &(shuan_date){0}), 0);
}

static bool work(int y, int m, int d)
{
	char err[256];
	bool w = false;
	assert_int_equal(shuan_duty_working_day(rules, D(y, m, d), &w, err, sizeof(err)), 0);
	return w;
}

static void test_working_days(void **state)
{
	(void)state;
	assert_true(work(2025, 3, 3));   /* a Monday */
	assert_false(work(2025, 3, 1));  /* a Saturday */
	assert_false(work(2025, 10, 1)); /* 国庆节 */
	assert_false(work(2025, 10, 8)); /* 国庆节、中秋节, a Wednesday */
	assert_true(work(2025, 9, 28));  /* a Sunday worked in exchange */
	assert_true(work(2025, 10, 11)); /* a Saturday worked in exchange */
	assert_false(work(2025, 1, 28)); /* 除夕 is a holiday from 2025 */
	assert_true(work(2024, 2, 9));   /* 2024: 除夕 was a working day */
	assert_true(work(2024, 2, 18));  /* a Sunday worked in exchange */
	assert_false(work(2026, 2, 23)); /* 2026 Spring Festival, nine days */
	assert_true(work(2026, 1, 4));   /* a Sunday worked in exchange */
	assert_false(work(2023, 1, 2));  /* 元旦 2023 */
}

static void assert_add(shuan_date from, int n, int y, int m, int d)
{
	char err[256];
	shuan_date out;
	assert_int_equal(shuan_duty_add_working_days(rules, from, n, &out, err, sizeof(err)), 0);
	assert_date(out, y, m, d);
}

static void test_periods(void **state)
{
	(void)state;
	/* a weekend: Friday + 5 = the next Friday */
	assert_add(D(2025, 3, 7), 5, 2025, 3, 14);
	/* National Day: the holiday does not count, the exchange Saturday does */
	assert_add(D(2025, 9, 30), 5, 2025, 10, 14);
	assert_add(D(2025, 9, 30), 10, 2025, 10, 21);
	/* the exchange Sunday before National Day counts */
	assert_add(D(2025, 9, 26), 5, 2025, 10, 10);
	/* Spring Festival 2025 and its exchange Sunday */
	assert_add(D(2025, 1, 24), 5, 2025, 2, 7);
	/* 2024: 除夕 a working day, then the holiday, then an exchange Sunday */
	assert_add(D(2024, 2, 8), 5, 2024, 2, 21);
	/* 2026: exchange Saturday, nine-day holiday */
	assert_add(D(2026, 2, 13), 5, 2026, 2, 27);
	/* across the new year */
	assert_add(D(2025, 12, 30), 3, 2026, 1, 5);
	/* counting back */
	assert_add(D(2025, 10, 14), -5, 2025, 9, 30);
}

static void test_missing_year(void **state)
{
	char err[512];
	shuan_date out;
	bool w, pending;
	shuan_time as_of;
	(void)state;
	assert_int_equal(shuan_duty_working_day(rules, D(2031, 5, 5), &w, err, sizeof(err)), SHUAN_ENOTFOUND);
	assert_non_null(strstr(err, "2031"));
	assert_non_null(strstr(err, "cn-2031.yaml"));
	/* never a guess from weekdays: a period running into a missing year fails naming it */
	assert_int_equal(shuan_duty_add_working_days(rules, D(2026, 12, 28), 10, &out, err, sizeof(err)),
	                 SHUAN_ENOTFOUND);
	assert_non_null(strstr(err, "2027"));
	/* expected years: this year, and next year from December */
	assert_int_equal(shuan_time_parse("2026-11-30", true, "t", &as_of, err, sizeof(err)), 0);
	assert_true(shuan_duty_calendar_expected(2026, &as_of));
	assert_false(shuan_duty_calendar_expected(2027, &as_of));
	assert_int_equal(shuan_time_parse("2026-12-01", true, "t", &as_of, err, sizeof(err)), 0);
	assert_true(shuan_duty_calendar_expected(2027, &as_of));
	/* as of 2026-06 the 2027 holidays cannot be known: pending, with the reason */
	assert_int_equal(shuan_time_parse("2026-06-01", true, "t", &as_of, err, sizeof(err)), 0);
	assert_int_equal(
	    shuan_duty__working_days(rules, D(2026, 12, 28), 10, &as_of, &out, &pending, err, sizeof(err)),
	    0);
	assert_true(pending);
	assert_non_null(strstr(err, "not published yet"));
	/* as of 2027-01 the 2027 calendar should be there: an error */
	assert_int_equal(shuan_time_parse("2027-01-05", true, "t", &as_of, err, sizeof(err)), 0);
	assert_int_equal(
	    shuan_duty__working_days(rules, D(2026, 12, 28), 10, &as_of, &out, &pending, err, sizeof(err)),
	    SHUAN_ENOTFOUND);
	assert_false(pending);
}

static void test_extension_window(void **state)
{
	char err[512];
	shuan_date opens;
	bool pending;
	shuan_time as_of;
	(void)state;
	assert_int_equal(shuan_time_parse("2025-06-01", true, "t", &as_of, err, sizeof(err)), 0);
	/* 2026-03-10 is a working day: the 60 working days end on it */
	assert_int_equal(shuan_duty__extension_window(rules, D(2026, 3, 10), 60, &as_of, &opens, &pending,
	                                              err, sizeof(err)),
	                 0);
	assert_false(pending);
	assert_date(opens, 2025, 12, 10);
	assert_int_equal(shuan_duty__extension_window(rules, D(2026, 10, 8), 60, &as_of, &opens, &pending,
	                                              err, sizeof(err)),
	                 0);
	assert_date(opens, 2026, 7, 10);
}

/* A rules directory holding a copy of the real rules and one calendar file. */
static int calendar_load_with(const char *file, const char *text, char *err, size_t errlen)
{
	char dir[] = "/tmp/shuan_cal_XXXXXX", cmd[512], path[256];
	shuan_duty_rules *r = NULL;
	FILE *f;
	int rc;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/calendar' && cp -r '%s/duty' '%s/'", dir,
	         SHUAN_TEST_RULES_DIR, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/calendar/%s", dir, file);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	rc = shuan_duty_rules_load(&r, dir, err, errlen);
	shuan_duty_rules_free(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return rc;
}

static void test_bad_calendar_files(void **state)
{
	char err[1024];
	(void)state;
	assert_int_equal(
	    calendar_load_with("cn-2030.yaml",
	                       "year: 2030\nholidays:\n  - {name: 元旦, from: 2030-01-01, to: 2030-01-01}\n",
	                       err, sizeof(err)),
	    0);
	/* a misspelt key names the key and where it is */
	assert_int_equal(
	    calendar_load_with("cn-2030.yaml",
	                       "year: 2030\nholidays:\n  - {name: 元旦, form: 2030-01-01, to: 2030-01-01}\n",
	                       err, sizeof(err)),
	    SHUAN_ERULES);
	assert_non_null(strstr(err, "cn-2030.yaml:3:"));
	assert_non_null(strstr(err, "'form'"));
	/* an exchange day on a weekday */
	assert_int_equal(
	    calendar_load_with("cn-2030.yaml",
	                       "year: 2030\nholidays: []\nworking_days:\n  - {date: 2030-01-02, for: x}\n",
	                       err, sizeof(err)),
	    SHUAN_ERULES);
	assert_non_null(strstr(err, "weekday"));
	/* the year does not match the file name */
	assert_int_equal(calendar_load_with("cn-2030.yaml", "year: 2031\nholidays: []\n", err, sizeof(err)),
	                 SHUAN_ERULES);
	assert_non_null(strstr(err, "file name"));
	/* a date outside the year */
	assert_int_equal(
	    calendar_load_with("cn-2030.yaml",
	                       "year: 2030\nholidays:\n  - {name: x, from: 2029-12-31, to: 2030-01-01}\n",
	                       err, sizeof(err)),
	    SHUAN_ERULES);
	assert_non_null(strstr(err, "not in 2030"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time_parse_and_zones), cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_working_days),         cmocka_unit_test(test_periods),
	    cmocka_unit_test(test_missing_year),         cmocka_unit_test(test_extension_window),
	    cmocka_unit_test(test_bad_calendar_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
