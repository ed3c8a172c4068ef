/*
 * tests/unit/validate_fixture.h - shared set-up for the validator tests: loads
 * the real tables from rules/data into a shuan_vdata (scan date 2026-11-22)
 * and the real rules (for each detector's word lists), and runs a validator
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
static shuan_dict *tables[8];
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

static inline const shuan_dict *load_one(int i, const char *file)
{
	char path[512], err[256];
	snprintf(path, sizeof(path), "%s/data/%s", SHUAN_TEST_RULES_DIR, file);
	int rc = shuan_dict_load(&tables[i], path, err, sizeof(err));
	if (rc != 0)
		fail_msg("%s", err);
	return tables[i];
}

static inline int setup_tables(void **state)
{
	(void)state;
	V.divisions = load_one(0, "gb2260.tsv");
	V.division_names = load_one(1, "division_names.txt");
	V.mobile_prefixes = load_one(2, "mobile_prefixes.tsv");
	V.area_codes = load_one(3, "area_codes.tsv");
	V.iins = load_one(4, "bank_iin.tsv");
	V.surnames = load_one(5, "surnames.txt");
	V.weak_passwords = load_one(6, "common_passwords.txt");
	V.name_stopwords = load_one(7, "name_stopwords.txt");
	V.scan_year = 2026;
	V.scan_month = 11;
	V.scan_day = 22;
	char err[1024];
	if (shuan_rules_load(&fixture_rules, SHUAN_TEST_RULES_DIR, NULL, err, sizeof(err)) != 0)
		fail_msg("rules: %s", err);
	/* the thresholds as rules/sensitivity.yaml sets them */
	V.weak_password_min_len = fixture_rules->vdata.weak_password_min_len;
	V.precise_location_decimals = fixture_rules->vdata.precise_location_decimals;
	V.minor_age = fixture_rules->vdata.minor_age;
	assert_int_equal(V.weak_password_min_len, 8);
	assert_int_equal(V.precise_location_decimals, 4);
	assert_int_equal(V.minor_age, 14);
	return 0;
}

static inline int teardown_tables(void **state)
{
	(void)state;
	for (int i = 0; i < 8; i++) {
		shuan_dict_free(tables[i]);
		tables[i] = NULL;
	}
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
