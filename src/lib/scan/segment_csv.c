/*
 * lib/scan/segment_csv.c - CSV/TSV segmentation (RFC 4180 quoting) for column
 * names as context and whole-cell validation of watched columns.
 *
 * Worked example: for the chunk
 *     姓名,手机\n"张三",13812345678\n
 * the header gives names {姓名, 手机}; line starts are recorded as
 * {0: col 0}, {14: col 0}; a match at offset 22 is looked up by scanning
 * from 14, counting one delimiter, so its field is "手机". Cells of the
 * watched column 姓名 are passed to cell_fn with the quotes stripped.
 */
#include <string.h>

#include "lib/rules/internal.h"
#include "lib/scan/segment.h"
#include "shuan/common.h"
#include "util/alloc.h"
#include "util/utf8.h"

void seg_csv_init(seg_csv *c, char delim)
{
	memset(c, 0, sizeof(*c));
	c->delim = delim;
}

void seg_csv_free(seg_csv *c) { shuan_free(c->lines); }

static int push_line(seg_csv *c, size_t off)
{
	if (c->nlines == c->caplines) {
		size_t cap = c->caplines ? c->caplines * 2 : 1024;
		void *p = shuan_realloc(c->lines, cap * sizeof(*c->lines));
		if (!p)
			return SHUAN_ENOMEM;
		c->lines = p;
		c->caplines = cap;
	}
	c->lines[c->nlines].off = off;
	c->lines[c->nlines].col = c->col;
	c->lines[c->nlines].inq = c->inq;
	c->nlines++;
	return 0;
}

/* Trims spaces, CR, a UTF-8 BOM and surrounding quotes from [*s, *e). */
static void trim_cell(const char *buf, size_t *s, size_t *e)
{
	if (*e - *s >= 3 && !memcmp(buf + *s, "\xEF\xBB\xBF", 3))
		*s += 3;
	while (*s < *e && (buf[*s] == ' ' || buf[*s] == '\t'))
		(*s)++;
	while (*e > *s && (buf[*e - 1] == ' ' || buf[*e - 1] == '\t' || buf[*e - 1] == '\r'))
		(*e)--;
	if (*e - *s >= 2 && buf[*s] == '"' && buf[*e - 1] == '"') {
		(*s)++;
		(*e)--;
	}
}

static void header_cell(seg_csv *c, const char *buf, size_t s, size_t e,
			bool (*want_column)(const char *norm, void *ud), void *ud)
{
	char norm[SEG_MAX_NAME];
	size_t n;
	if (c->ncols >= SEG_MAX_COLUMNS)
		return;
	trim_cell(buf, &s, &e);
	n = shuan_utf8_cut(buf + s, e - s, SEG_MAX_NAME - 1); /* never half a character */
	memcpy(c->names[c->ncols], buf + s, n);
	c->names[c->ncols][n] = '\0';
	shuan_field_normalise(buf + s, e - s, norm, sizeof(norm));
	c->watched[c->ncols] = want_column && want_column(norm, ud);
	c->ncols++;
}

static int data_cell(seg_csv *c, const char *buf, size_t s, size_t e, seg_cell_fn cell_fn, void *ud)
{
	seg_cell cell;
	char norm[SEG_MAX_NAME];
	if (c->col >= c->ncols || !c->watched[c->col] || !cell_fn)
		return 0;
	trim_cell(buf, &s, &e);
	if (e <= s)
		return 0;
	cell.start = s;
	cell.end = e;
	cell.column = c->col;
	strcpy(cell.field, c->names[c->col]);
	shuan_field_normalise(c->names[c->col], strlen(c->names[c->col]), norm, sizeof(norm));
	return cell_fn(&cell, norm, ud);
}

int seg_csv_chunk(seg_csv *c, const char *buf, size_t len, bool first_chunk,
		  bool (*want_column)(const char *norm, void *ud), seg_cell_fn cell_fn, void *ud)
{
	size_t cell_start = 0;
	bool in_header = first_chunk && !c->have_header;
	int rc;

	c->nlines = 0;
	c->lookup_line = 0;
	c->lookup_pos = SIZE_MAX;
	if (!in_header)
		c->header_end = 0;
	if ((rc = push_line(c, 0)))
		return rc;
	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];
		if (c->inq) {
			if (ch == '"') {
				if (i + 1 < len && buf[i + 1] == '"')
					i++;
				else
					c->inq = false;
			} else if (ch == '\n' && (rc = push_line(c, i + 1))) {
				return rc;
			}
			continue;
		}
		if (ch == '"') {
			c->inq = true;
		} else if (ch == c->delim || ch == '\n') {
			if (in_header)
				header_cell(c, buf, cell_start, i, want_column, ud);
			else if ((rc = data_cell(c, buf, cell_start, i, cell_fn, ud)))
				return rc;
			cell_start = i + 1;
			if (ch == c->delim) {
				c->col++;
				continue;
			}
			c->col = 0;
			if (in_header) {
				in_header = false;
				c->have_header = true;
				c->header_end = i + 1;
			}
			if ((rc = push_line(c, i + 1)))
				return rc;
		}
	}
	/* The chunk ends at a newline unless it is the last one or a cut huge
	 * line; a trailing partial cell is still a cell. */
	if (cell_start < len) {
		if (in_header) {
			header_cell(c, buf, cell_start, len, want_column, ud);
			c->have_header = true;
			c->header_end = len;
		} else if ((rc = data_cell(c, buf, cell_start, len, cell_fn, ud))) {
			return rc;
		}
	}
	return 0;
}

const char *seg_csv_field_at(seg_csv *c, const char *buf, size_t off, bool *is_header)
{
	size_t li = c->lookup_line;
	*is_header = false;
	if (c->nlines == 0)
		return NULL;
	if (li >= c->nlines || c->lines[li].off > off)
		li = 0;
	while (li + 1 < c->nlines && c->lines[li + 1].off <= off)
		li++;
	/* Go on from the last lookup when it was on this line and before off:
	 * lookups come in order, so a long line is walked once, not once per
	 * value on it. */
	if (li != c->lookup_line || c->lookup_pos < c->lines[li].off || c->lookup_pos > off) {
		c->lookup_pos = c->lines[li].off;
		c->lookup_col = c->lines[li].col;
		c->lookup_inq = c->lines[li].inq;
	}
	c->lookup_line = li;
	int col = c->lookup_col;
	bool inq = c->lookup_inq;
	c->walked += off - c->lookup_pos;
	for (size_t i = c->lookup_pos; i < off; i++) {
		if (buf[i] == '"')
			inq = !inq; /* a doubled quote toggles twice: net no change */
		else if (!inq && buf[i] == c->delim)
			col++;
	}
	c->lookup_pos = off;
	c->lookup_col = col;
	c->lookup_inq = inq;
	if (c->header_end && off < c->header_end && c->lines[li].off == 0 && c->lookup_line == 0) {
		*is_header = true;
		return NULL;
	}
	return col < c->ncols ? c->names[col] : NULL;
}
