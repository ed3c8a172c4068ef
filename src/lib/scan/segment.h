/*
 * lib/scan/segment.h - segmenters: they tell which field (CSV column, JSON key
 * path) a byte offset of the input belongs to, and enumerate whole cells of
 * columns/keys that field-mode detectors watch (e.g. every cell under 姓名).
 *
 * Both work on the scanner's line-aligned chunks and carry their state from
 * one chunk to the next, so a quoted CSV cell or a JSON document may span
 * chunks. State is bounded: at most SEG_MAX_COLUMNS header names and
 * SEG_MAX_DEPTH JSON levels, each name at most SEG_MAX_NAME bytes.
 */
#ifndef SHUAN_LIB_SEGMENT_H
#define SHUAN_LIB_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEG_MAX_COLUMNS 512
#define SEG_MAX_DEPTH 32
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
typedef struct seg_csv {
	char delim;
	bool have_header;
	int ncols;
	size_t header_end; /* offset just past the header row in the first chunk */
	char names[SEG_MAX_COLUMNS][SEG_MAX_NAME];
	bool watched[SEG_MAX_COLUMNS];
	/* carried across chunks */
	bool inq;
	int col;
	/* per chunk: physical line starts with the state at that point */
	struct {
		size_t off;
		int col;
		bool inq;
	} *lines;
	size_t nlines, caplines;
	size_t lookup_line; /* cursor for monotone lookups: its line, */
	size_t lookup_pos;  /* the offset it reached (SIZE_MAX: none yet), */
	int lookup_col;     /* the column there */
	bool lookup_inq;    /* and whether that is inside quotes */
	uint64_t walked;    /* bytes lookups walked (tests: linear work) */
} seg_csv;

void seg_csv_init(seg_csv *c, char delim);
void seg_csv_free(seg_csv *c);
/* Processes one chunk: reads the header (first row of the input; columns for
 * which want_column(normalised name) is true are watched), records line
 * starts for lookups, and calls cell_fn for every non-header cell of a
 * watched column. Returns 0, SHUAN_ENOMEM, or the callback's non-zero value. */
int seg_csv_chunk(seg_csv *c, const char *buf, size_t len, bool first_chunk,
		  bool (*want_column)(const char *norm, void *ud), seg_cell_fn cell_fn, void *ud);
/* The header name of the column containing offset `off` of the last chunk, or
 * NULL (header row itself, unknown column). Offsets must be queried in
 * non-decreasing order within a chunk. */
const char *seg_csv_field_at(seg_csv *c, const char *buf, size_t off, bool *is_header);

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
