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
			for (size_t off = 0; off <= len; off++) {
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
	return 0;
}
