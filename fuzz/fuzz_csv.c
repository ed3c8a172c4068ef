/*
 * fuzz/fuzz_csv.c - the CSV/TSV segmenter (src/lib/segment_csv.c) on
 * arbitrary bytes cut into tiny chunks.
 *
 * Byte 0 picks the delimiter (bit 0: tab or comma) and the chunk size
 * (bits 1-6: 1..64 bytes); byte 1 seeds which header columns are watched.
 * The rest is cut into chunks the way the scanner cuts them (after the last
 * newline, or anywhere for a line longer than a chunk), and each chunk goes
 * through seg_csv_chunk() and then seg_csv_field_at() at every offset in
 * order, as the scanner queries it. Cells handed to the callback must lie
 * inside the chunk and the field names must be NUL-terminated.
 *
 * Then the split-point search (seg_csv_sync), fed in blocks of the same
 * size: where it says a part may start, a parse that starts there must
 * agree with the parse of the whole input at every later line start (the
 * promise behind --jobs N reading as --jobs 1).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/scan/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	uint8_t seed;
	size_t len;
	size_t sum;
};

static bool want_column(const char *norm, void *ud)
{
	struct ctx *c = ud;
	size_t n = strlen(norm);
	return ((n + c->seed) & 3) == 0;
}

static int on_cell(const seg_cell *cell, const char *norm, void *ud)
{
	struct ctx *c = ud;
	if (cell->start > cell->end || cell->end > c->len)
		__builtin_trap();
	c->sum += strlen(cell->field) + strlen(norm);
	return 0;
}

/* The line starts of one parse of buf[0..n) as one chunk. */
static void parse_lines(seg_csv *c, const char *buf, size_t n, char delim)
{
	seg_csv_init(c, delim);
	c->have_header = true; /* data rows only: the split is about records */
	seg_csv_chunk(c, buf, n, false, NULL, NULL, NULL);
}

static void check_sync(const uint8_t *data, size_t size, char delim, size_t block)
{
	seg_csv_sync_state st;
	size_t at = SIZE_MAX;
	seg_csv_sync_begin(&st);
	for (size_t pos = 0; pos < size && at == SIZE_MAX;) {
		size_t n = size - pos < block ? size - pos : block;
		char *copy = malloc(n ? n : 1);
		if (!copy)
			return;
		memcpy(copy, data + pos, n);
		size_t k = seg_csv_sync(&st, copy, n, pos + n >= size, delim);
		free(copy);
		if (k != SIZE_MAX) {
			if (k == 0 || k > n || data[pos + k - 1] != '\n')
				__builtin_trap(); /* a sync point is just past a newline */
			at = pos + k;
		}
		pos += n;
	}
	if (at == SIZE_MAX || at >= size)
		return;
	seg_csv whole, part;
	parse_lines(&whole, (const char *)data, size, delim);
	parse_lines(&part, (const char *)data + at, size - at, delim);
	size_t w = 0;
	for (size_t i = 0; i < part.nlines; i++) {
		size_t off = part.lines[i].off + at;
		while (w < whole.nlines && whole.lines[w].off < off)
			w++;
		if (w == whole.nlines || whole.lines[w].off != off || whole.lines[w].col != part.lines[i].col ||
		    whole.lines[w].mode != part.lines[i].mode)
			__builtin_trap(); /* the part reads this line differently */
	}
	seg_csv_free(&whole);
	seg_csv_free(&part);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	seg_csv csv;
	struct ctx c = {0};
	size_t chunk, pos = 0;
	bool first = true;

	if (size < 2)
		return 0;
	seg_csv_init(&csv, (data[0] & 1) ? '\t' : ',');
	chunk = ((data[0] >> 1) & 63) + 1;
	c.seed = data[1];
	data += 2;
	size -= 2;
	while (pos < size || first) {
		const char *buf = (const char *)data + pos;
		size_t left = size - pos, len = left < chunk ? left : chunk;
		if (len < left) {
			/* Cut after the last newline in the chunk, as the scanner does. */
			const char *nl = memrchr(buf, '\n', len);
			if (nl)
				len = (size_t)(nl - buf) + 1;
		}
		/* Copy so the sanitizers see reads past the chunk. */
		char *copy = malloc(len ? len : 1);
		if (!copy)
			break;
		memcpy(copy, buf, len);
		c.len = len;
		if (seg_csv_chunk(&csv, copy, len, first, want_column, on_cell, &c) == 0) {
			for (size_t off = 0; off < len; off++) { /* buf[off] in the chunk (segment.h) */
				bool hdr;
				const char *name = seg_csv_field_at(&csv, copy, off, &hdr);
				if (name)
					c.sum += strlen(name);
			}
		}
		free(copy);
		pos += len;
		first = false;
		if (len == 0)
			break;
	}
	seg_csv_free(&csv);
	check_sync(data, size, (data[-2] & 1) ? '\t' : ',', chunk);
	return 0;
}
