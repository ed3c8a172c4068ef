/*
 * lib/scan/segment.h - segmenters: they tell which field (CSV column, JSON key
 * path) a byte offset of the input belongs to, and enumerate whole cells of
 * columns/keys that field-mode detectors watch (e.g. every cell under 姓名).
 *
 * Both work on the scanner's line-aligned chunks and carry their state from
 * one chunk to the next, so a quoted CSV cell or a JSON document may span
 * chunks. State is bounded: at most SEG_MAX_COLUMNS header names and
 * SEG_MAX_DEPTH JSON levels, each name at most SEG_MAX_NAME bytes; an input
 * past either bound is flagged (columns_cut, depth_cut) for its result.
 */
#ifndef SHUAN_LIB_SEGMENT_H
#define SHUAN_LIB_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Header names kept (Excel's own column limit); columns past it are still
 * scanned, without a field name, and the input says so. */
#define SEG_MAX_COLUMNS 16384
/* JSON nesting tracked; deeper levels are still scanned, the key path is
 * that of the deepest tracked level, and the input says so. */
#define SEG_MAX_DEPTH 256
#define SEG_MAX_NAME 96
#define SEG_MAX_PATH 512

/* A cell offered to field-mode detectors. */
typedef struct seg_cell {
	size_t start, end; /* value span in the chunk (quotes excluded) */
	int column;        /* CSV column index, or -1 for JSON */
	char field[SEG_MAX_PATH];
} seg_cell;

/* Called per cell; `norm` is the normalised last field name (see
 * shuan_field_normalise) for matching detector `fields`. */
typedef int (*seg_cell_fn)(const seg_cell *c, const char *norm, void *ud);

/* ---- CSV / TSV ---- */

/*
 * Quoting (RFC 4180, read leniently but the same way everywhere): a quote
 * opens a quoted cell only at the start of a cell; inside, "" is a quote,
 * and a quote ends the cell only when a delimiter, CR, LF or the end
 * follows (any other quote is literal). A quoted cell may hold up to
 * SEG_CSV_QUOTE_LINES newlines; one still open at the next is taken as an
 * unbalanced quote and that newline ends the record (`recovered`), so one
 * stray quote never swallows more than that many lines. Because of that
 * bound, the state at a line start is decided by the lines around it, which
 * is what seg_csv_sync() uses to split a file into parts that read exactly
 * as the whole file does.
 */
#define SEG_CSV_QUOTE_LINES 64

typedef enum seg_csv_mode {
	SEG_CSV_CELL = 0, /* at the start of a cell */
	SEG_CSV_BARE,     /* in an unquoted cell (or after a closing quote) */
	SEG_CSV_QUOTED,   /* in a quoted cell */
	SEG_CSV_ESCAPE,   /* at the second quote of a "" pair */
	SEG_CSV_PENDING,  /* a quote in a quoted cell ended the chunk: the next byte decides */
} seg_csv_mode;

typedef struct seg_csv_line {
	size_t off;
	int col;
	unsigned char mode; /* seg_csv_mode at off */
} seg_csv_line;

typedef struct seg_csv {
	char delim;
	bool have_header;
	int ncols;
	size_t header_end; /* offset just past the header row in the first chunk */
	char (*names)[SEG_MAX_NAME]; /* ncols header names */
	bool *watched;
	int capcols;
	bool columns_cut;  /* the header had more than SEG_MAX_COLUMNS columns */
	/* carried across chunks */
	unsigned char mode;
	int col;
	uint64_t pos;      /* bytes of the input consumed before this chunk */
	uint64_t qstart;   /* where the open quoted cell began (input offset) */
	unsigned qlines;   /* newlines in it so far */
	uint64_t recovered;       /* unbalanced quotes ended at a newline */
	uint64_t recovered_first; /* input offset of the first one's quote */
	/* per chunk: physical line starts with the state at that point */
	seg_csv_line *lines;
	size_t nlines, caplines;
	/* the last lookup, so a long line is walked once for its values in order */
	size_t lookup_line, lookup_pos;
	int lookup_col;
	unsigned char lookup_mode;
	uint64_t walked;    /* bytes lookups walked (tests: linear work) */
} seg_csv;

void seg_csv_init(seg_csv *c, char delim);
/* What seg_csv_chunk carries from one chunk to the next, saved so that a
 * chunk handed back (too crowded, scanned again in halves) leaves the
 * segmenter as it was. */
typedef struct seg_csv_carry {
	bool have_header;
	int ncols, col;
	size_t header_end;
	unsigned char mode;
	uint64_t pos, qstart, recovered, recovered_first;
	unsigned qlines;
} seg_csv_carry;
void seg_csv_save(const seg_csv *c, seg_csv_carry *out);
void seg_csv_restore(seg_csv *c, const seg_csv_carry *in);
void seg_csv_free(seg_csv *c);
/* Processes one chunk: reads the header (first row of the input; columns for
 * which want_column(normalised name) is true are watched), records line
 * starts for lookups, and calls cell_fn for every non-header cell of a
 * watched column. Returns 0, SHUAN_ENOMEM, or the callback's non-zero value. */
int seg_csv_chunk(seg_csv *c, const char *buf, size_t len, bool first_chunk,
		  bool (*want_column)(const char *norm, void *ud), seg_cell_fn cell_fn, void *ud);
/* The header name of the column containing offset `off` of the last chunk, or
 * NULL (header row itself, unknown column). Offsets must be queried in
 * non-decreasing order within a chunk; buf[off] must be part of the chunk. */
const char *seg_csv_field_at(seg_csv *c, const char *buf, size_t off, bool *is_header);

/*
 * Where a part of a CSV/TSV file may start. The search reads the file from
 * a line start on, in blocks, following every reading the bytes before it
 * allow (outside quotes, or inside a quoted cell opened at most
 * SEG_CSV_QUOTE_LINES lines before); the first line start at which all of
 * them are at the start of a record is where the whole file's reading is
 * too, whatever came before.
 */
typedef struct seg_csv_sync_group {
	bool live;
	unsigned lmin, lmax; /* newlines since its quote opened */
} seg_csv_sync_group;

typedef struct seg_csv_sync_state {
	bool cell, bare;              /* outside readings */
	seg_csv_sync_group in[2];     /* inside readings: [0] QUOTED, [1] ESCAPE */
	bool quote_at_end;            /* the last block ended in a quote whose successor decides */
} seg_csv_sync_state;

/* The state at a line start of the file. */
void seg_csv_sync_begin(seg_csv_sync_state *st);
/* Goes on over the next buf[0..len) (eof: the file ends there). Returns the
 * offset in buf just past the newline where all readings agree, or
 * SIZE_MAX when they do not yet (call again with the following bytes). */
size_t seg_csv_sync(seg_csv_sync_state *st, const char *buf, size_t len, bool eof, char delim);

/* ---- JSON / JSON Lines ---- */
typedef struct seg_json_level {
	bool is_array;
	long index;
	char key[SEG_MAX_NAME];
	bool key_truncated;
} seg_json_level;

typedef struct seg_json {
	bool lines; /* JSON Lines: reset at every newline */
	int depth;
	seg_json_level stack[SEG_MAX_DEPTH];
	int overflow;       /* levels deeper than SEG_MAX_DEPTH */
	bool depth_cut;     /* some were: the input says so */
	bool in_string, escape, string_is_key, expect_key;
	size_t string_start;
	size_t keylen;
	size_t pos; /* next offset to process in the current chunk */
} seg_json;

void seg_json_init(seg_json *j, bool lines);
/* Advances the tracker over buf[j->pos .. upto). */
void seg_json_advance(seg_json *j, const char *buf, size_t upto);
/* Writes the current key path ("user.phones[1]") into out; returns its length. */
size_t seg_json_path(const seg_json *j, char *out, size_t cap);
/* A full pass over one chunk calling cell_fn for every string value whose
 * key is wanted (want_key on the normalised key). Uses its own copy of the
 * state; call before the lookup tracker advances through the chunk. */
int seg_json_cells(const seg_json *start_state, const char *buf, size_t len,
		   bool (*want_key)(const char *norm, void *ud), seg_cell_fn cell_fn, void *ud);
/* Call at the end of a chunk so the next chunk starts at offset 0. */
void seg_json_chunk_done(seg_json *j);

#endif
