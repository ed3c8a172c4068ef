/*
 * lib/source/table_csv.h - a table's rows as a CSV stream (a shuan_reader):
 * a header of column names, then one record per row, so that `shuan mask`
 * and `shuan risk` read a database table with the very code they read a CSV
 * file with - same columns, same cells, same figures.
 *
 * Every non-NULL value is quoted (quotes doubled) and a NULL is an empty
 * unquoted cell, so NULL and '' stay apart through masking: the masker
 * keeps a quoted cell quoted. A binary value that is not UTF-8 text (an
 * image, a key) has nothing the masker can read: it comes out as NULL and is
 * counted. A value cut at the cell cap would be written back cut: that is
 * an error (raise --max-cell), never a silently shortened value.
 */
#ifndef SHUAN_LIB_SOURCE_TABLE_CSV_H
#define SHUAN_LIB_SOURCE_TABLE_CSV_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/source/db.h"
#include "shuan/scanner.h"

typedef struct shuan_table_csv {
	shuan_db_rows *rows; /* borrowed, open */
	const shuan_db_table *t;
	size_t max_cell; /* for the message */
	shuan_buf pend;  /* encoded and not yet read */
	size_t pos;
	bool header_done, eof;
	uint64_t rows_read;
	uint64_t binary_dropped; /* binary values written as NULL */
	int error;               /* the failure that ended the stream */
	char err[600];           /* its message (names the table, never a value) */
} shuan_table_csv;

void shuan_table_csv_init(shuan_table_csv *c, shuan_db_rows *rows, const shuan_db_table *t, size_t max_cell);
void shuan_table_csv_free(shuan_table_csv *c);
/* The reader: CSV bytes, 0 at the end, or c->error with c->err set. */
shuan_reader shuan_table_csv_reader(shuan_table_csv *c);

/* Finds table `name` ("schema.table", or "table" when one schema has it)
 * in cat. Returns it, or NULL with err naming the table (and, when the
 * name is in several schemas, saying so). */
const shuan_db_table *shuan_db__find_table(const shuan_db_catalog *cat, const char *display, const char *name,
                                           char *err, size_t errlen);

#endif
