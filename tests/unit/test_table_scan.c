/*
 * tests/unit/test_table_scan.c - a table's rows through the scanner
 * (lib/source/table_scan.c): cells with tabs, newlines, quotes, DEL and
 * multi-byte characters before a value still give the value's row, column
 * and place within its cell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/source/table_scan.h"
#include "scan_helpers.h"

#define ROWS 48
#define COLS 5

typedef struct rows {
	char cell[ROWS][COLS][128];
	shuan_db_value v[COLS];
	size_t next;
} rows;

static int rows_next(void *ctx, const shuan_db_value **vals)
{
	rows *r = ctx;
	if (r->next == ROWS)
		return 0;
	for (size_t c = 0; c < COLS; c++) {
		r->v[c].p = r->cell[r->next][c];
		r->v[c].len = strlen(r->cell[r->next][c]);
	}
	r->next++;
	*vals = r->v;
	return 1;
}

typedef struct seen {
	uint64_t row[ROWS];
	size_t col[ROWS];
	uint64_t offset[ROWS], column[ROWS];
	char field[ROWS][16];
	size_t n;
	size_t names; /* person_name findings in the column xm */
} seen;

static int on_finding(void *ud, const shuan_finding *f, uint64_t row, size_t col)
{
	seen *s = ud;
	s->names += !strcmp(f->detector->id, "person_name") && col == 3;
	if (strcmp(f->detector->id, "cn_mobile") || s->n == ROWS)
		return 0;
	s->row[s->n] = row;
	s->col[s->n] = col;
	s->offset[s->n] = f->offset;
	s->column[s->n] = f->column;
	snprintf(s->field[s->n], sizeof(s->field[s->n]), "%s", f->field ? f->field : "");
	s->n++;
	return 0;
}

/* Row i's note is a prefix of up to 15 pieces (a tab, a newline, a quote,
 * DEL, é, 中, plain letters) then a mobile number, after a name of i % 9
 * Chinese characters: every prefix length and mix crosses the eight-byte
 * steps of the cell copy differently, and the characters of the cells
 * before the note decide the finding's column within it. */
static void test_cells_with_special_bytes(void **state)
{
	(void)state;
	static const char *const pieces[] = {"\t", "\n", "\"", "\x7f", "é", "中", "ab", "\"abcdefgh", "\r", "xyz12"};
	static rows r;
	size_t want_off[ROWS], want_col[ROWS];
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < ROWS; i++) {
		char *c = r.cell[i][2];
		size_t chars = 0;
		for (size_t k = 0; k < i % 16; k++) {
			const char *p = pieces[(i * 7 + k * 3) % (sizeof(pieces) / sizeof(pieces[0]))];
			strcat(c, p);
			for (const char *q = p; *q; q++)
				chars += ((unsigned char)*q & 0xC0) != 0x80;
		}
		strcat(c, " ");
		want_off[i] = strlen(c);
		want_col[i] = chars + 2;
		strcat(c, "13812345678 备注\t");
		snprintf(r.cell[i][0], sizeof(r.cell[i][0]), "%zu", i + 1);
		for (size_t k = 0; k < i % 9; k++)
			strcat(r.cell[i][1], "客户名");
		snprintf(r.cell[i][3], sizeof(r.cell[i][3]), "王芳");
		snprintf(r.cell[i][4], sizeof(r.cell[i][4]), "\"quoted\"\x01 tail");
	}
	shuan_db_column cols[COLS] = {{"id", "integer", "", true, false, false, true},
				      {"name", "text", "", false, false, true, false},
				      {"note", "text", "", false, false, true, false},
				      {"xm", "text", "", false, false, true, false},
				      {"extra", "text", "", false, false, true, false}};
	shuan_row_source src = {"db", "public.t", COLS, cols, rows_next, &r};
	static seen s;
	memset(&s, 0, sizeof(s));
	shuan_table_sink sink = {on_finding, NULL, NULL, &s, false};
	shuan_scan_options o = SHUAN_SCAN_OPTIONS_INIT;
	shuan_scanner *sc = NULL;
	assert_int_equal(shuan_scanner_new(&sc, g_rules, &o), 0);
	shuan_table_column_stats stats[COLS];
	shuan_table_result res = {0};
	res.cols = stats;
	assert_int_equal(shuan_table__scan(sc, &src, &sink, &res), 0);
	shuan_scanner_free(sc);
	assert_int_equal(s.n, ROWS);
	/* a quote opening a note would, left as it is, swallow the cells after it */
	assert_int_equal(s.names, ROWS);
	for (size_t i = 0; i < ROWS; i++) {
		assert_true(s.row[i] == i + 1);
		assert_int_equal(s.col[i], 2);
		assert_string_equal(s.field[i], "note");
		if (s.offset[i] != want_off[i] || s.column[i] != want_col[i])
			fail_msg("row %zu: offset %llu column %llu, want %zu %zu", i + 1,
				 (unsigned long long)s.offset[i], (unsigned long long)s.column[i], want_off[i],
				 want_col[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cells_with_special_bytes),
	};
	return cmocka_run_group_tests(tests, rules_setup, rules_teardown);
}
