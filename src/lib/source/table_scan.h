/*
 * lib/source/table_scan.h - scanning a table's rows for personal
 * information, with every finding located in its row and column.
 *
 * A table (database rows, or any row source with named columns) is turned
 * into a TSV stream - a header of column names, then one line per row - and
 * read by the scanner like a TSV file, so column names are the fields that
 * cue and field-mode detectors see, and the whole pipeline (matching,
 * validation, context, masking, fingerprints) is the one files get, at
 * stream speed. Cell text is made safe for the segmenter without changing
 * its length: tabs, line breaks and other control bytes become spaces and
 * '"' becomes '\'' (the CSV segmenter would read a quote as the start of a
 * quoted field). A finding's byte offset is mapped back to its row and
 * column through the offsets recorded while the row was written; rows are
 * retired once the scanner has consumed them, so memory stays bounded by
 * the scanner's chunk whatever the table size.
 *
 * Binary values (bytea/BLOB) are scanned as text when they are valid UTF-8
 * without NUL bytes (text stored in a blob); otherwise they are left out
 * and counted, with what their first bytes say they are (PNG image, PDF,
 * zip...).
 *
 * Row references: a table whose primary key is all integer columns (and
 * holds no finding) names rows by it ("id=42"); any other primary key is
 * itself possibly personal information and names the row by its keyed
 * fingerprint ("fp:<32 hex>"); no primary key: the row's ordinal in the
 * read ("row:17"). Primary-key columns are written first in the stream so
 * a finding in them is known before the row's other findings.
 */
#ifndef SHUAN_LIB_SOURCE_TABLE_SCAN_H
#define SHUAN_LIB_SOURCE_TABLE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/source/db.h"
#include "shuan/scanner.h"

/* A table to scan: its columns and where its rows come from. */
typedef struct shuan_row_source {
	const char *path;     /* the finding's path: the source's display name */
	const char *table;    /* "schema.table" for locations */
	size_t ncols;
	const shuan_db_column *cols; /* names, pk and integer flags */
	/* the next row: 1 (vals point at ncols values), 0 at the end, < 0 error */
	int (*next)(void *ctx, const shuan_db_value **vals);
	void *ctx;
} shuan_row_source;

/* What the caller hears. Any callback may be NULL. */
typedef struct shuan_table_sink {
	/* A finding; f->path, f->field (the column), f->location
	 * ("schema.table.column") and f->row are set, line is the row's
	 * ordinal (1-based), column/offset/length count within the cell.
	 * Return non-zero to stop (the scan then returns SHUAN_ESTOP). */
	int (*finding)(void *ud, const shuan_finding *f, uint64_t row, size_t col);
	/* Every non-NULL value as read (raw bytes, before sanitising; binary
	 * values too): the returned flags are kept for the row and handed to
	 * row_done. Must not keep the pointer. */
	unsigned (*value)(void *ud, uint64_t row, size_t col, const shuan_db_value *v);
	/* Row `row` is finished: every finding in it was delivered. */
	void (*row_done)(void *ud, uint64_t row, unsigned flags);
	void *ud;
	/* The sink reads neither f->location nor f->row (the inventory counts,
	 * it does not locate): they are left NULL and not built, which spares
	 * two formatted strings a finding, and an HMAC when the key is a
	 * fingerprint. */
	bool no_locations;
} shuan_table_sink;

typedef struct shuan_table_column_stats {
	uint64_t values;       /* non-NULL values */
	uint64_t non_empty;    /* values with something other than white space */
	uint64_t truncated;    /* values cut at the cell cap */
	uint64_t binary_skipped;  /* binary values not scanned (not text) */
	uint64_t binary_as_text;  /* binary values scanned as text */
	uint64_t findings;
	char binary_kind[32];  /* what the first skipped binary value looked like */
} shuan_table_column_stats;

typedef struct shuan_table_result {
	uint64_t rows;
	uint64_t findings;
	uint64_t bytes;        /* of the TSV stream */
	shuan_table_column_stats *cols; /* ncols, owned by the caller (may be NULL) */
	shuan_input_result scan; /* the scanner's result for the stream */
} shuan_table_result;

/*
 * Scans the rows of src with scanner s (which keeps its options; its
 * encoding is forced to UTF-8 and its file-size limit lifted for the
 * duration). res->cols, when non-NULL, must have src->ncols entries; they
 * are zeroed first. Returns 0 when every row was read; the row source's
 * negative code when reading failed part-way (what was read is counted and
 * its findings delivered); SHUAN_ESTOP when the sink stopped it, SHUAN_EINTR
 * when the cancel flag did; SHUAN_ENOMEM.
 */
int shuan_table__scan(shuan_scanner *s, const shuan_row_source *src, const shuan_table_sink *sink,
		      shuan_table_result *res);

/* A short name for what binary bytes are ("PNG image", "JPEG image", "PDF
 * document", "zip archive", "gzip data", "binary data"). */
const char *shuan_table__binary_kind(const unsigned char *p, size_t len);

#endif
