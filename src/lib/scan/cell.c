/*
 * lib/scan/cell.c - scanning values one at a time: spreadsheet cells (the
 * xlsx reader in source/ooxml.c), database values. Each value goes through
 * the same chunk pipeline as a stream (matcher, validators, context,
 * masking) as a record of its own: the header is the field (cue and
 * field-mode detectors see it as they see a CSV column) and findings carry
 * the cell as their location.
 *
 * Offsets and columns count within the cell's text (there is no meaningful
 * file offset in a compressed XML part or a database row); the line is the
 * row.
 */
#include <string.h>

#include "lib/scan/internal.h"

void shuan_scanner__begin_cells(shuan_scanner *s, shuan_cells *cells, const char *path, shuan_finding_fn cb,
				void *ud, shuan_input_result *res)
{
	memset(cells, 0, sizeof(*cells));
	cells->path = path ? path : "-";
	cells->call.cb = cb;
	cells->call.ud = ud;
	cells->call.res = res;
	cells->call.in_cell = true;
	s->path = cells->path;
	s->findings = 0;
	s->format = SHUAN_FORMAT_TEXT;
}

int shuan_scanner__scan_cell(shuan_scanner *s, shuan_cells *cells, uint64_t row, const char *text, size_t len,
			     const char *field, const char *location)
{
	scan_call *c = &cells->call;

	if (len == 0)
		return 0;
	if (shuan_scanner__cancelled(s))
		return SHUAN_EINTR;
	/* The chunk pipeline writes newline sentinels around its buffer, so the
	 * text goes through the scanner's own buffer (a spare byte each side);
	 * a cell longer than a chunk is scanned as its first chunk, and the cut
	 * is said. */
	if (len > s->cap) {
		if (c->res)
			shuan_result__warn(c->res, SHUAN_LIMIT_CELL,
					   "a value of %zu bytes at %s was checked up to %zu bytes only", len,
					   location ? location : "?", s->cap);
		len = s->cap;
	}
	memcpy(s->buf, text, len);
	s->path = cells->path;
	s->format = SHUAN_FORMAT_TEXT;
	s->base_offset = 0;
	s->line = row ? row : 1;
	s->line_chars = 0;
	s->report_from = 0;
	s->report_to = len;
	s->seg_to = len;
	c->cell_field = field && *field ? field : NULL;
	c->cell_location = location;
	return shuan_scanner__chunk(s, c, s->buf, len, true);
}

uint64_t shuan_scanner__end_cells(shuan_scanner *s, shuan_cells *cells)
{
	(void)cells;
	return s->findings;
}
