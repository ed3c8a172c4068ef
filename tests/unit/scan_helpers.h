/*
 * tests/unit/scan_helpers.h - shared by the engine tests: load the real
 * rules once, scan a buffer, and collect findings (copied, raw value kept
 * only in test memory) for assertions.
 */
#ifndef SHUAN_TEST_SCAN_HELPERS_H
#define SHUAN_TEST_SCAN_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rules/internal.h"
#include "shuan/scanner.h"

typedef struct got {
	char det[32];
	char value[160];
	char evidence[96];
	char field[160];
	char fp[40];
	unsigned long long line, column, offset, length;
	double confidence;
	int sensitive;
	char spi[64];
	int minor;
	int weak;
	unsigned long long distinct;
	char person[40]; /* person_key in hex, "" when NULL */
} got;

typedef struct gots {
	got v[32768];
	size_t n;
} gots;

static inline int collect(const shuan_finding *f, void *ud)
{
	gots *g = ud;
	if (g->n >= sizeof(g->v) / sizeof(g->v[0]))
		return 1;
	got *x = &g->v[g->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->det, sizeof(x->det), "%s", f->detector->id);
	snprintf(x->value, sizeof(x->value), "%.*s", (int)f->value_len, f->value);
	snprintf(x->evidence, sizeof(x->evidence), "%s", f->evidence);
	snprintf(x->field, sizeof(x->field), "%s", f->field ? f->field : "");
	snprintf(x->fp, sizeof(x->fp), "%s", f->fingerprint);
	snprintf(x->spi, sizeof(x->spi), "%s", f->spi_category ? f->spi_category : "");
	x->line = f->line;
	x->column = f->column;
	x->offset = f->offset;
	x->length = f->length;
	x->confidence = f->confidence;
	x->sensitive = f->sensitive;
	x->minor = f->attrs.minor_under_14;
	x->weak = f->attrs.weak_password;
	x->distinct = f->distinct_key;
	for (int i = 0; f->person_key && i < 16; i++)
		snprintf(x->person + 2 * i, 3, "%02x", f->person_key[i]);
	return 0;
}

static const unsigned char TEST_KEY[32] = "0123456789abcdef0123456789abcdef";

static inline shuan_rules *load_rules(shuan_matcher_kind kind)
{
	shuan_rules *r = NULL;
	char err[1024];
	if (shuan_rules__load(&r, SHUAN_TEST_RULES_DIR, NULL, kind, err, sizeof(err)) != 0) {
		fprintf(stderr, "rules: %s\n", err);
		return NULL;
	}
	return r;
}

/* The real rules for a whole group of tests, in g_rules: pass rules_setup
 * and rules_teardown to cmocka_run_group_tests. */
static shuan_rules *g_rules __attribute__((unused));

static inline int rules_setup(void **state)
{
	(void)state;
	g_rules = load_rules(SHUAN_MATCHER_VECTORSCAN);
	return g_rules ? 0 : -1;
}

static inline int rules_teardown(void **state)
{
	(void)state;
	shuan_rules_free(g_rules);
	g_rules = NULL;
	return 0;
}

/* Scans buf as `name` (its extension picks the format) with chunk size
 * `chunk` (0 = default); returns the number of findings. */
static inline size_t scan_with(shuan_rules *r, const char *name, const char *buf, size_t len, size_t chunk, gots *g)
{
	shuan_scanner *s = NULL;
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	shuan_input in = {name, name, SHUAN_FORMAT_AUTO};
	o.year = 2026, o.month = 11, o.day = 22;
	o.fingerprint_key = TEST_KEY;
	o.fingerprint_key_len = sizeof(TEST_KEY);
	o.chunk_size = chunk;
	g->n = 0;
	if (shuan_scanner_new(&s, r, &o) != 0)
		return (size_t)-1;
	shuan_scanner_scan_buffer(s, &in, buf, len, collect, g, NULL);
	shuan_scanner_free(s);
	return g->n;
}

static inline const got *find_det(const gots *g, const char *det, const char *value)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->v[i].det, det) && (!value || !strcmp(g->v[i].value, value)))
			return &g->v[i];
	return NULL;
}

#endif
