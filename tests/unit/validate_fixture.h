/*
 * tests/unit/validate_fixture.h - shared set-up for the validator tests: loads
 * the real rules (every table of rules/data, the thresholds, each detector's
 * word lists) and uses their shuan_vdata with scan date 2026-11-22, and runs a validator
 * by name over a whole string or a sub-span, with the word lists of the
 * detector of the same name.
 */
#ifndef SHUAN_TEST_VALIDATE_FIXTURE_H
#define SHUAN_TEST_VALIDATE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/rules/internal.h"
#include "lib/validate/validate.h"
#include "shuan/rules.h"
#include "util/dict.h"

static shuan_vdata V; /* with the real tables */
static const shuan_vdata NOTABLES = {.scan_year = 2026, .scan_month = 11, .scan_day = 22};
static shuan_rules *fixture_rules; /* the shipped rules: word lists */

/* The word lists of the detector named like the validator (the shipped rules
 * name each detector after its validator). */
static inline const shuan_words *words_for(const char *validator)
{
	for (size_t i = 0; fixture_rules && i < fixture_rules->n; i++)
		if (!strcmp(fixture_rules->dets[i].info.validator, validator))
			return &fixture_rules->dets[i].words;
	return NULL;
}

static inline int setup_tables(void **state)
{
	(void)state;
	char err[1024];
	if (shuan_rules_load(&fixture_rules, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)) != 0)
		fail_msg("rules: %s", err);
	/* every table of rules/data and the thresholds of rules/sensitivity.yaml,
	 * as the engine loads them (owned by fixture_rules) */
	V = fixture_rules->vdata;
	V.scan_year = 2026;
	V.scan_month = 11;
	V.scan_day = 22;
	assert_non_null(V.divisions);
	assert_non_null(V.townships);
	assert_int_equal(V.weak_password_min_len, 8);
	assert_int_equal(V.precise_location_decimals, 4);
	assert_int_equal(V.minor_age, 14);
	return 0;
}

static inline int teardown_tables(void **state)
{
	(void)state;
	shuan_rules_free(fixture_rules);
	fixture_rules = NULL;
	return 0;
}

/* Runs validator `name` over text[start, end) with the given tables. */
static inline bool vspan(const shuan_vdata *d, const char *name, const char *text, size_t start, size_t end,
                         shuan_vresult *r)
{
	const shuan_validator *v = shuan_validator_find(name);
	assert_non_null(v);
	bool fm = r->field_mode;
	memset(r, 0, sizeof(*r));
	r->field_mode = fm;
	r->start = start;
	r->end = end;
	r->words = words_for(name);
	bool ok = v->fn(d, text, strlen(text), r);
	if (ok) {
		assert_true(r->start >= start);
		assert_true(r->end <= end);
		assert_true(r->start < r->end);
		assert_true(r->confidence > 0 && r->confidence <= 1);
	}
	return ok;
}

/* Whole string, real tables. */
static inline bool vok(const char *name, const char *text, shuan_vresult *r)
{
	return vspan(&V, name, text, 0, strlen(text), r);
}

static inline bool vyes(const char *name, const char *text)
{
	shuan_vresult r = {0};
	return vok(name, text, &r);
}

/* Whole string, no tables. */
static inline bool vbare(const char *name, const char *text)
{
	shuan_vresult r = {0};
	return vspan(&NOTABLES, name, text, 0, strlen(text), &r);
}

/* The narrowed span as a string (static buffer). */
static inline const char *narrowed(const char *text, const shuan_vresult *r)
{
	static char out[256];
	size_t n = r->end - r->start;
	if (n >= sizeof(out))
		n = sizeof(out) - 1;
	memcpy(out, text + r->start, n);
	out[n] = '\0';
	return out;
}

#endif
