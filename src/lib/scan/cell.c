/*
 * lib/scan/cell.c - scanning spreadsheet cells one at a time. The xlsx
 * reader (ooxml.c) hands each cell's text here with its column header and
 * its cell reference; the text goes through the same chunk pipeline as a
 * stream (matcher, validators, context, masking), as a record of its own:
 * the header is the field (cue and field-mode detectors see it as they see
 * a CSV column) and findings carry the cell as their location.
 *
 * Offsets and columns count within the cell's text (there is no meaningful
 * file offset in a compressed XML part); the line is the sheet row.
 */
#include <string.h>

#include "lib/scan/internal.h"

void shuan_scanner__begin_cells(shuan_scanner *s, const char *path, shuan_finding_fn cb, void *ud)
{
	s->path = path ? path : "-";
	s->cb = cb;
	s->ud = ud;
	s->findings = 0;
	s->cb_stop = 0;
	s->format = SHUAN_FORMAT_TEXT;
}

int shuan_scanner__scan_cell(shuan_scanner *s, uint64_t row, const char *text, size_t len, const char *field,
			     const char *location)
{
	int rc;

	if (len == 0)
		return 0;
	if (shuan_scanner__cancelled(s))
		return SHUAN_EINTR;
	/* The chunk pipeline writes newline sentinels around its buffer, so the
	 * text goes through the scanner's own buffer (a spare byte each side);
	 * a cell longer than a chunk is scanned as its first chunk. */
	if (len > s->cap)
		len = s->cap;
	memcpy(s->buf, text, len);
	text = s->buf;
	s->format = SHUAN_FORMAT_TEXT;
	s->base_offset = 0;
	s->line = row ? row : 1;
	s->line_chars = 0;
	s->report_from = 0;
	s->report_to = len;
	s->seg_to = len;
	s->in_cell = true;
	s->cell_field = field && *field ? field : NULL;
	s->cell_location = location;
	rc = shuan_scanner__chunk(s, text, len, true);
	s->in_cell = false;
	s->cell_field = NULL;
	s->cell_location = NULL;
	return rc;
}

uint64_t shuan_scanner__end_cells(shuan_scanner *s)
{
	return s->findings;
}
