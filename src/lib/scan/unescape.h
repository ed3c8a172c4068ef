/*
 * lib/scan/unescape.h - values hidden by an encoding inside the text:
 * URL-encoded query strings (name=%E8%B4%BE%E5%AE%9D%E7%8E%89,
 * tel=%2B8613812345678) and JSON \uXXXX escapes ("\u8d3e\u5b9d\u7389").
 *
 * After a chunk has been scanned as stored, each escaped run in it (a query
 * value, a URL path segment, a JSON string holding \u escapes) is decoded
 * into a side buffer with a map from every decoded byte to the stored byte
 * it came from, and the decoded run goes through the same chunk pipeline as
 * a cell whose field is the run's key (name=…, "name": "…"), so field-mode
 * detectors see it as they see a column. Its findings are mapped back:
 * offsets, lengths, lines and columns point at the stored bytes; one the
 * stored scan already made (the same detector over the same bytes) is not
 * reported twice. A chunk with no '%' and no "\u" costs two memchr passes.
 */
#ifndef SHUAN_LIB_SCAN_UNESCAPE_H
#define SHUAN_LIB_SCAN_UNESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/scanner.h"

struct shuan_scanner;
struct scan_call;
struct shuan_decoder;

/* A decoded run being scanned: what report() needs to map its findings. */
typedef struct unescape_run {
	const size_t *map;          /* decoded byte i came from chunk offset map[i]; map[n] = run end */
	size_t n;                   /* decoded bytes */
	const char *outer;          /* the chunk as stored */
	uint64_t line0, line_chars0; /* the chunk's first line and the characters before it */
	uint64_t base_offset;       /* of outer[0] in the stream (decoded stream with dec) */
	const struct shuan_decoder *dec;
	const struct unescape_seen *seen; /* the stored scan's hits in this chunk */
	size_t nseen;
	/* line cursor over outer (findings come in increasing order per run) */
	size_t cur_pos, cur_line_start;
	uint64_t cur_line;
} unescape_run;

typedef struct unescape_seen {
	unsigned det;
	size_t start, end;
} unescape_seen;

/* The scanner's side buffers (allocated at the first escaped run). */
typedef struct shuan_unescape shuan_unescape;
void shuan_unescape__free(shuan_unescape *u);

/*
 * Scans the escaped runs of buf[0..len), the chunk shuan_scanner__chunk has
 * just scanned and reported (its hits are still on the scanner), reporting
 * findings through c. Only runs that reach into [s->report_from,
 * s->report_to) are decoded, and only findings that start there are
 * reported. Returns 0, SHUAN_ENOMEM, SHUAN_ESTOP or a chunk error.
 */
int shuan_unescape__chunk(struct shuan_scanner *s, struct scan_call *c, const char *buf, size_t len);

/*
 * For report(): fills f's line, column, offset and length for the decoded
 * span [start, end) of run u. Returns false when the stored scan already
 * has a hit of detector det over those stored bytes (not reported twice).
 */
bool shuan_unescape__locate(unescape_run *u, unsigned det, size_t start, size_t end, shuan_finding *f);

#endif
