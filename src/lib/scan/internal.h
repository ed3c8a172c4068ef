/*
 * lib/scan/internal.h - the scanner's per-thread state.
 */
#ifndef SHUAN_LIB_SCANNER_INTERNAL_H
#define SHUAN_LIB_SCANNER_INTERNAL_H

#include "lib/scan/decode.h"
#include "lib/scan/fingerprint.h"
#include "lib/rules/internal.h"
#include "lib/scan/segment.h"
#include "lib/scan/unescape.h"
#include "shuan/scanner.h"
#include "util/buf.h"

/* A huge line is cut into chunks that overlap by SCAN_OVERLAP bytes; the first
 * SCAN_CTX bytes of the overlap are context only (boundary and cue checks).
 * No candidate may be longer than SCAN_MAX_VALUE. */
#define SCAN_OVERLAP 4096
#define SCAN_CTX 256
#define SCAN_MAX_VALUE (SCAN_OVERLAP - SCAN_CTX)
#define SCAN_DEFAULT_CHUNK (4u << 20)
#define SCAN_MIN_CHUNK (16u << 10)
#define SCAN_MAX_CHUNK (1u << 30)
/* Per-chunk caps (memory: 12 bytes a candidate, ~130 a value); a chunk
 * that would need more is scanned in smaller pieces. */
#define SCAN_MAX_CANDIDATES (1u << 20)
#define SCAN_MAX_VALUES (1u << 17)
/* A crowded chunk is scanned again in halves down to this size; only a
 * piece this small that still overflows a cap stops work (and says so). */
#define SCAN_MIN_PIECE (2 * SCAN_OVERLAP)
/* shuan_scanner__chunk's "cut me smaller": nothing was reported or changed. */
#define SCAN_CROWDED 1

/* A pattern match, 12 bytes: chunks are far below 4 GiB (SCAN_MAX_CHUNK)
 * and rules far below 65,536 patterns (shuan_rules__compile checks). */
typedef struct scan_cand {
	uint16_t det;
	uint16_t pattern;
	uint32_t start, end;
} scan_cand;

/* A field-mode cell whose validator said what its pattern mode would
 * answer for exactly [from, to) (shuan_vresult.as_pattern): the answer is
 * the cell's hit with that span. */
typedef struct scan_answer {
	uint16_t det;
	uint32_t from, to;
	uint32_t hit; /* index in hits */
} scan_answer;

typedef struct scan_hit {
	unsigned det;
	bool by_field;
	size_t field;     /* by_field hits: offset of the field name in the scanner's pool */
	shuan_vresult v;
} scan_hit;

/* Which detectors name a field (chunk.c's watchers() cache). */
#define SCAN_WATCH_SLOTS 64
typedef struct watch_entry {
	char key[SEG_MAX_NAME];
	uint16_t det[7];  /* detector indexes, in order */
	uint8_t n;
	bool field_mode;  /* one of them is a field-mode detector */
	bool many;        /* more than det holds: look the name up afresh */
	bool valid;
} watch_entry;

struct shuan_scanner {
	const shuan_rules *rules;
	shuan_scan_options opt;
	shuan_enc_choice enc;     /* opt.encoding parsed */
	shuan_vdata vdata; /* the rules' tables with this scan's date */
	shuan_matcher_scratch *scratch;
	shuan_fingerprinter *fp;
	bool *fp_want;            /* per detector: fingerprint its findings (NULL: all) */
	char *buf_base;   /* allocation: buf - 1 */
	char *buf;        /* chunk data, with one spare byte on each side */
	size_t cap;
	shuan_vec cands, hits;
	shuan_vec order;   /* uint32 indexes of hits, in report order */
	shuan_vec refused; /* scan_cand: field-mode cells refused by a validator that covers its pattern mode */
	shuan_vec answered; /* scan_answer: field-mode cells accepted with their pattern mode's answer */
	shuan_vec last_cand; /* per pattern: 1 + index of its last candidate in this chunk, or 0 */
	shuan_vec pool;    /* field names of this chunk's by_field hits (NUL-separated) */
	size_t last_field; /* offset of the last name added to pool, or SIZE_MAX */
	/* per input */
	shuan_format format;
	seg_csv csv;
	seg_json json;
	const char *path;
	shuan_decoder *dec;       /* decoding this input, or NULL: UTF-8 read as stored */
	uint64_t base_offset;     /* offset of buf[0] in the stream read (decoded, with dec) */
	uint64_t line;            /* line number of buf[0] */
	uint64_t line_chars;      /* characters of the current line before buf[0] */
	size_t report_from;       /* candidates starting before this were reported already */
	size_t report_to;         /* candidates starting at or after this are left to the next chunk */
	size_t seg_to;            /* segmenters consume up to here */
	const char *match_buf;    /* what the matcher sees: sentinel + chunk + sentinel */
	size_t match_len;         /* the chunk's length */
	size_t piece;             /* 0, or the smaller chunk a crowded one was cut to (grows back) */
	uint64_t crowded;         /* chunks cut smaller because they were crowded (tests) */
	uint64_t walked;          /* bytes walked for lines, columns and fields (tests: linear work) */
	uint64_t findings;
	shuan_unescape *unesc;    /* side buffers for escaped runs (unescape.c), or NULL */
	watch_entry watch[2][SCAN_WATCH_SLOTS]; /* [0] by normalised name, [1] by raw key */
	unsigned watch_next[2];                 /* the way a miss replaces next */
};

/*
 * What one scan call (a stream, a part of a file, a run of spreadsheet
 * cells) needs in the chunks it feeds. It lives on the caller's stack and is
 * passed down: nothing of one call is left on the scanner for the next.
 */
typedef struct scan_call {
	shuan_finding_fn cb;
	void *ud;
	shuan_input_result *res;   /* where limits and warnings go */
	/* a part of a split file (range.c) */
	uint64_t range_base;       /* where the part starts in the file */
	const char *prime_header;  /* the file's first line, to read CSV field names from */
	size_t prime_len;
	bool skip_sniff;           /* a later part: the file's head was sniffed already */
	/* a spreadsheet cell (cell.c) */
	bool in_cell;
	const char *cell_field;    /* the column header, or NULL */
	const char *cell_location; /* "Sheet!C3" */
	/* a decoded run (unescape.c): its findings are mapped to the stored bytes */
	unescape_run *decoded;
	/* why the matcher callback or the validator loop stopped early */
	int err;                   /* SHUAN_ENOMEM, or 0 */
	shuan_limit limit;         /* a limit that cut this chunk's work, or SHUAN_LIMIT_NONE */
	bool can_shrink;           /* a crowded chunk may return SCAN_CROWDED (the stream loop cuts it) */
	bool crowded;              /* a cap filled while can_shrink: give the chunk back */
} scan_call;

/* Builds an input's result (result.c): the one place that fills reasons,
 * warnings and limits. skip() returns `code`. */
void shuan_result__reset(shuan_input_result *r);
int shuan_result__skip(shuan_input_result *r, int code, shuan_limit limit, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Adds a warning to a scanned input; the first limit and the first words of
 * every warning are kept ("; " between them). */
void shuan_result__warn(shuan_input_result *r, shuan_limit limit, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Marks an input the cancel flag stopped part-way: skipped = SHUAN_EINTR,
 * which the stats count as interrupted (its bytes and findings count), not
 * as skipped. Call once res->bytes is final. */
void shuan_result__interrupted(shuan_input_result *r);

/* The stream loop behind every public scan function (scanner.c). */
int shuan_scanner__scan_stream(shuan_scanner *s, scan_call *c, const shuan_input *in, shuan_reader *rd,
			       shuan_input_result *res);

/* Splitting one file across threads (the jobs pool; scan/range.c). */
/*
 * Scans the bytes [start, end) of a regular file as one part of a file split
 * across threads. The part is widened to whole lines: it begins at `start`
 * when start is 0 or byte start-1 is a newline, else just after the next
 * newline; it ends just after the first newline at or after `end` (or at the
 * end of the file). Consecutive parts [0,a) [a,b) [b,c) ... therefore cover
 * every line exactly once. Offsets in findings are file offsets; line numbers
 * count from 1 at the part's first line: the caller adds the newlines of the
 * parts before it. *newlines (when non-NULL) receives this part's number of
 * newline bytes. CSV/TSV parts read their header from the file's first line.
 * in->format must be the whole file's format as decided by
 * shuan_scanner__splittable().
 */
int shuan_scanner__scan_file_range(shuan_scanner *s, const char *path, const shuan_input *in,
				    uint64_t start, uint64_t end, shuan_finding_fn cb, void *userdata,
				    shuan_input_result *result, uint64_t *newlines);

/*
 * Where the parts of a file split for parallel scanning start: *starts gets
 * (from shuan_malloc; the caller frees it) *n increasing offsets, the first
 * 0, each a line start near a multiple of part_size; part k is [starts[k],
 * starts[k+1]) and the last ends at size. CSV/TSV parts start only where
 * the whole file's reading is at a record start whatever came before
 * (seg_csv_sync), so any number of parts reads exactly as one does; where
 * none is found within 64 MiB, the rest of the file is one part. f is the
 * format shuan_scanner__splittable() gave. Returns 0 or SHUAN_ENOMEM.
 */
int shuan_scanner__split(shuan_scanner *s, const char *path, shuan_format f, uint64_t size, uint64_t part_size,
			 uint64_t **starts, size_t *n);

/*
 * Decides how a regular file may be split for parallel scanning: returns the
 * format to pass to shuan_scanner__scan_file_range() (CSV, TSV, JSONL or
 * TEXT), or SHUAN_FORMAT_AUTO when the file must be scanned whole (not
 * UTF-8, a JSON document, an archive or Office file, unreadable).
 */
shuan_format shuan_scanner__splittable(shuan_scanner *s, const char *path);

/*
 * Scans buf[0..len), one block of whole records cut from a larger UTF-8
 * input (de-identification masks a stream block by block): in->format is
 * used as given and the encoding is not sniffed; a CSV/TSV block after the
 * first reads its field names from `header` (the input's first record,
 * with its line end; NULL for the first block). Offsets count from buf.
 * Same returns as shuan_scanner_scan_buffer().
 */
int shuan_scanner__scan_block(shuan_scanner *s, const shuan_input *in, const char *buf, size_t len,
			      const char *header, size_t header_len, shuan_finding_fn cb, void *userdata,
			      shuan_input_result *result);

/*
 * Called by a reader while the scanner asks it for more input: every
 * finding that starts before the returned offset of the current input has
 * been delivered (a consumer rewriting the stream may emit up to there).
 */
uint64_t shuan_scanner__settled(const shuan_scanner *s);

/* Lowers the per-chunk caps on candidates and validated values (tests:
 * reaching a limit must be reported, never silent). */
void shuan_scanner__set_limits(shuan_scanner *s, size_t max_candidates, size_t max_values);

/* Bytes walked to give the last input's findings their line, column and
 * field: at most a few times the input, whatever it holds (tests: one long
 * line full of values must stay linear). */
static inline uint64_t shuan_scanner__walked(const shuan_scanner *s)
{
	return s->walked + s->csv.walked;
}

/* Whether the caller's cancel flag is set. */
static inline bool shuan_scanner__cancelled(const shuan_scanner *s)
{
	return s->opt.cancel && atomic_load(s->opt.cancel);
}

/* Scans buf[0..len) of the current input (one chunk). buf must be the
 * scanner's own buffer (or lie inside it): the matcher needs a writable
 * spare byte before buf and after buf[len - 1] for its newline sentinels.
 * When c->can_shrink and the chunk holds more candidates or values than
 * the caps, returns SCAN_CROWDED having reported nothing and left the
 * segmenters as they were: the caller scans the same bytes again in
 * smaller pieces. Else a cap that fills stops that part of the work and is
 * named in the input's result. */
int shuan_scanner__chunk(shuan_scanner *s, scan_call *c, char *buf, size_t len, bool first);

/* The format a name or, failing that, content suggests (scanner.c). */
shuan_format shuan_scanner__guess_format(const char *name, const char *head, size_t len);

/* Reads the CSV/TSV header from a file's first line (for a range scan). */
int shuan_scanner__prime_csv(shuan_scanner *s, scan_call *c, const char *line, size_t len);
/*
 * Cell-wise scanning (cell.c): spreadsheet cells, database values. begin
 * starts one input (findings count from zero; path is borrowed until end);
 * each cell's text is scanned as a record of its own: field is the column
 * header (may be NULL; field-mode detectors watching it see the whole cell),
 * location where the cell is ("Sheet!C3", "schema.table.column"), row its
 * row (the finding's line). Offsets and columns count within the cell text.
 * A cell longer than the scanner's chunk is scanned up to the chunk and the
 * cut is recorded in res (SHUAN_LIMIT_CELL). scan_cell returns 0,
 * SHUAN_ESTOP (the callback stopped), SHUAN_EINTR (the cancel flag) or
 * another negative code; end returns the findings reported.
 */
typedef struct shuan_cells {
	scan_call call;
	const char *path;
} shuan_cells;

void shuan_scanner__begin_cells(shuan_scanner *s, shuan_cells *cells, const char *path, shuan_finding_fn cb,
				void *ud, shuan_input_result *res);
int shuan_scanner__scan_cell(shuan_scanner *s, shuan_cells *cells, uint64_t row, const char *text, size_t len,
			     const char *field, const char *location);
uint64_t shuan_scanner__end_cells(shuan_scanner *s, shuan_cells *cells);

#endif
