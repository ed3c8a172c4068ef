/*
 * fuzz/fuzz_json.c - the streaming JSON key-path tracker
 * (src/lib/segment_json.c) on arbitrary bytes cut into tiny chunks.
 *
 * Byte 0: bit 0 selects JSON Lines, bits 1-6 the chunk size (1..64 bytes);
 * byte 1 seeds which keys are "wanted" (as field-mode detectors want 姓名).
 * Each chunk goes first through seg_json_cells() (the field-mode pass) and
 * then through seg_json_advance()/seg_json_path() at every offset, as the
 * scanner names the field of each finding, then seg_json_chunk_done().
 * Cells must lie inside the chunk; paths must fit their buffer.
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

static bool want_key(const char *norm, void *ud)
{
	struct ctx *c = ud;
	return ((strlen(norm) + c->seed) & 1) == 0;
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
	seg_json j;
	struct ctx c = {0};
	char path[SEG_MAX_PATH];
	char small[8];
	size_t chunk, pos = 0;

	if (size < 2)
		return 0;
	seg_json_init(&j, data[0] & 1);
	chunk = ((data[0] >> 1) & 63) + 1;
	c.seed = data[1];
	data += 2;
	size -= 2;
	while (pos < size) {
		const char *buf = (const char *)data + pos;
		size_t left = size - pos, len = left < chunk ? left : chunk;
		if (len < left) {
			const char *nl = memrchr(buf, '\n', len);
			if (nl)
				len = (size_t)(nl - buf) + 1;
		}
		char *copy = malloc(len);
		if (!copy)
			break;
		memcpy(copy, buf, len);
		c.len = len;
		seg_json_cells(&j, copy, len, want_key, on_cell, &c);
		for (size_t off = 0; off <= len; off++) {
			seg_json_advance(&j, copy, off);
			size_t n = seg_json_path(&j, path, sizeof(path));
			if (n >= sizeof(path) || strlen(path) != n)
				__builtin_trap();
			n = seg_json_path(&j, small, sizeof(small));
			if (n >= sizeof(small))
				__builtin_trap();
		}
		seg_json_chunk_done(&j);
		free(copy);
		pos += len;
	}
	return 0;
}
