/*
 * lib/deid/csv.h - CSV/TSV records as de-identification and the risk
 * analysis read them: the header, record boundaries for cutting a stream
 * into blocks, and cells with their values unquoted.
 *
 * Quotes follow the scanner's segmenter (lib/scan/segment_csv.c), so both
 * agree on where a record ends: a '"' anywhere opens or closes a quoted
 * stretch, and "" inside one is a literal quote. An unterminated quote at
 * the end of the input is an error, never a record silently run together.
 */
#ifndef SHUAN_LIB_DEID_CSV_H
#define SHUAN_LIB_DEID_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define CSV_MAX_COLUMNS 16384

/* Where record boundaries are in a growing buffer (the block splitter). */
typedef struct deid_csv_cut {
	size_t scanned;      /* bytes examined so far */
	bool inq;            /* inside quotes at `scanned` */
	size_t last_end;     /* just past the last record end (newline outside quotes) seen, 0 = none */
	uint64_t newlines;   /* newlines seen up to `scanned` */
	uint64_t last_lines; /* newlines up to last_end */
} deid_csv_cut;

/* Advances the cut state over buf[c->scanned .. len). */
void deid_csv_cut_scan(deid_csv_cut *c, const char *buf, size_t len);
/* The state after removing the first `upto` bytes (upto == c->last_end). */
void deid_csv_cut_shift(deid_csv_cut *c, size_t upto);

/* One cell of a record. */
typedef struct deid_csv_cell {
	size_t start, end; /* raw bytes in the buffer, a record's trailing \r excluded */
	bool quoted;       /* it holds a quote character */
} deid_csv_cell;

/*
 * Reads the cells of the record starting at buf[pos] (up to len): fills
 * cells (at most max), sets *ncells (the real count, which may exceed max)
 * and *next to the start of the next record (past its newline, or len).
 * *eol gets the record's terminator length at its end (0, 1 for \n, 2 for
 * \r\n). Returns false when the record ends inside quotes at len.
 */
bool deid_csv_record(const char *buf, size_t pos, size_t len, char delim, deid_csv_cell *cells, size_t max,
                     size_t *ncells, size_t *next, size_t *eol);

/* Appends the cell's value without its quoting to out. */
int deid_csv_unquote(const char *raw, size_t n, shuan_buf *out);

/* Appends v as a cell: quoted (quotes doubled) when it holds the delimiter,
 * a quote, CR or LF, or when `force`. */
int deid_csv_quote(const char *v, size_t n, char delim, bool force, shuan_buf *out);

#endif
