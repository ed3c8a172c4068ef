/*
 * tests/unit/duty_fixture.h - what the duty engines' unit tests share: the
 * bundled duty rules loaded once per test group, instants and dates from
 * text, and date assertions.
 */
#ifndef SHUAN_TEST_DUTY_FIXTURE_H
#define SHUAN_TEST_DUTY_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "shuan/duty.h"

static shuan_duty_rules *rules;

static int setup(void **state)
{
	char err[1024];
	(void)state;
	if (shuan_duty_rules_load(&rules, SHUAN_TEST_RULES_DIR, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	shuan_duty_rules_free(rules);
	return 0;
}

/* An instant from text ("2025-03-01T09:30+08:00", or a date: 00:00 China time). */
static inline shuan_time T(const char *s)
{
	char err[256];
	shuan_time t;
	assert_int_equal(shuan_time_parse(s, true, "t", &t, err, sizeof(err)), 0);
	return t;
}

static inline void assert_date_text(shuan_date d, const char *want)
{
	char b[16];
	shuan_date_format(d, b, sizeof(b));
	assert_string_equal(b, want);
}

#endif
