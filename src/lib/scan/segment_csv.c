/*
 * lib/scan/segment_csv.c - CSV/TSV segmentation (RFC 4180 quoting, read the
 * same way in every part of a file) for column names as context and
 * whole-cell validation of watched columns.
 *
 * Worked example: for the chunk
 *     姓名,手机\n"张三",13812345678\n
 * the header gives names {姓名, 手机}; line starts are recorded as
 * {0: col 0}, {14: col 0}; a match at offset 22 is looked up by walking
 * from 14, counting one delimiter, so its field is "手机". Cells of the
 * watched column 姓名 are passed to cell_fn with the quotes stripped.
 *
 * Quoting rules (segment.h): a quote opens a quoted cell only at a cell's
 * start and closes it only before a delimiter, CR, LF or the end, so a
 * stray quote inside a cell (5'11", O"Brien) is just a character; a quoted
 * cell still open at its SEG_CSV_QUOTE_LINES + 1st newline ends there (an
 * unbalanced quote, counted in `recovered`). One transition
 * function, csv_next(), is used by the chunk pass, the lookups and the
 * split-point search, so the three can never read a byte differently.
 */
#include <string.h>

#include "lib/rules/internal.h"
#include "lib/scan/segment.h"
#include "shuan/common.h"
#include "util/alloc.h"
#include "util/swar.h"
#include "util/utf8.h"

void seg_csv_init(seg_csv *c, char delim)
{
	memset(c, 0, sizeof(*c));
	c->delim = delim;
}

void seg_csv_save(const seg_csv *c, seg_csv_carry *out)
{
	*out = (seg_csv_carry){c->have_header, c->ncols,  c->col,       c->header_end,      c->mode,
			       c->pos,         c->qstart, c->recovered, c->recovered_first, c->qlines};
}

void seg_csv_restore(seg_csv *c, const seg_csv_carry *in)
{
	c->have_header = in->have_header;
	c->ncols = in->ncols;
	c->col = in->col;
	c->header_end = in->header_end;
	c->mode = in->mode;
	c->pos = in->pos;
	c->qstart = in->qstart;
	c->recovered = in->recovered;
	c->recovered_first = in->recovered_first;
	c->qlines = in->qlines;
}

void seg_csv_free(seg_csv *c)
{
	shuan_free(c->lines);
	shuan_free(c->names);
	shuan_free(c->watched);
	c->lines = NULL;
	c->names = NULL;
	c->watched = NULL;
}

/*
 * The mode after byte b in `mode`. nx is the byte after b, or -1 at the end
 * of the input, or -2 when it is not known yet (the end of a chunk). A
 * newline is the caller's business in QUOTED (the quote span) and ends the
 * record otherwise; this function only says what the byte does to quoting.
 */
static inline seg_csv_mode csv_next(seg_csv_mode mode, unsigned char b, int nx, char delim)
{
	switch (mode) {
	case SEG_CSV_CELL:
		if (b == '"')
			return SEG_CSV_QUOTED;
		return b == (unsigned char)delim || b == '\n' ? SEG_CSV_CELL : SEG_CSV_BARE;
	case SEG_CSV_BARE:
		return b == (unsigned char)delim || b == '\n' ? SEG_CSV_CELL : SEG_CSV_BARE;
	case SEG_CSV_QUOTED:
		if (b != '"')
			return SEG_CSV_QUOTED;
		if (nx == -2)
			return SEG_CSV_PENDING;
		if (nx == '"')
			return SEG_CSV_ESCAPE;
		if (nx == -1 || nx == (unsigned char)delim || nx == '\r' || nx == '\n')
			return SEG_CSV_BARE; /* the closing quote */
		return SEG_CSV_QUOTED;   /* a quote inside the cell */
	case SEG_CSV_ESCAPE:
		return SEG_CSV_QUOTED; /* b is the second quote of "" */
	case SEG_CSV_PENDING:
		break;
	}
	return SEG_CSV_QUOTED;
}

/* A quote that ended the last chunk, decided by the next chunk's first byte
 * (or the end of the input). */
static seg_csv_mode resolve_pending(seg_csv_mode mode, int first, char delim)
{
	if (mode != SEG_CSV_PENDING)
		return mode;
	return csv_next(SEG_CSV_QUOTED, '"', first, delim);
}

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
	c->lines[c->nlines].mode = c->mode;
	c->nlines++;
	return 0;
}

/* A record ends before off: the next cell is column 0, the header (when this
 * was its record) is complete, and the line start is recorded. */
static int end_record(seg_csv *c, bool *in_header, size_t off)
{
	c->col = 0;
	if (*in_header) {
		*in_header = false;
		c->have_header = true;
		c->header_end = off;
	}
	return push_line(c, off);
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

/* Room for one more header column; false past SEG_MAX_COLUMNS (flagged). */
static int grow_columns(seg_csv *c)
{
	if (c->ncols < c->capcols)
		return 0;
	if (c->ncols >= SEG_MAX_COLUMNS) {
		c->columns_cut = true;
		return SHUAN_ELIMIT;
	}
	int cap = c->capcols ? c->capcols * 2 : 64;
	if (cap > SEG_MAX_COLUMNS)
		cap = SEG_MAX_COLUMNS;
	void *n = shuan_realloc(c->names, (size_t)cap * sizeof(*c->names));
	if (!n)
		return SHUAN_ENOMEM;
	c->names = n;
	void *w = shuan_realloc(c->watched, (size_t)cap * sizeof(*c->watched));
	if (!w)
		return SHUAN_ENOMEM;
	c->watched = w;
	c->capcols = cap;
	return 0;
}

static int header_cell(seg_csv *c, const char *buf, size_t s, size_t e,
		       bool (*want_column)(const char *norm, void *ud), void *ud)
{
	char norm[SEG_MAX_NAME];
	size_t n;
	int rc = grow_columns(c);
	if (rc)
		return rc == SHUAN_ELIMIT ? 0 : rc;
	trim_cell(buf, &s, &e);
	n = shuan_utf8_cut(buf + s, e - s, SEG_MAX_NAME - 1); /* never half a character */
	memcpy(c->names[c->ncols], buf + s, n);
	c->names[c->ncols][n] = '\0';
	shuan_field_normalise(buf + s, e - s, norm, sizeof(norm));
	c->watched[c->ncols] = want_column && want_column(norm, ud);
	c->ncols++;
	return 0;
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

	if (first_chunk && c->have_header) {
		/* a later part after its header was primed: it starts at a record */
		c->pos = 0;
		c->mode = SEG_CSV_CELL;
		c->col = 0;
	}
	c->nlines = 0;
	c->lookup_line = 0;
	c->lookup_pos = SIZE_MAX;
	if (!in_header)
		c->header_end = 0;
	if (len)
		c->mode = resolve_pending((seg_csv_mode)c->mode, (unsigned char)buf[0], c->delim);
	if ((rc = push_line(c, 0)))
		return rc;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		seg_csv_mode m = (seg_csv_mode)c->mode;
		if (m == SEG_CSV_QUOTED || m == SEG_CSV_ESCAPE) {
			if (ch == '\n') {
				if (++c->qlines > SEG_CSV_QUOTE_LINES) {
					/* an unbalanced quote: the record ends here */
					if (!c->recovered++)
						c->recovered_first = c->qstart;
					c->mode = SEG_CSV_CELL;
					cell_start = i + 1;
					rc = end_record(c, &in_header, i + 1);
				} else {
					rc = push_line(c, i + 1);
				}
				if (rc)
					return rc;
				continue;
			}
			c->mode = csv_next(m, ch, i + 1 < len ? (unsigned char)buf[i + 1] : -2, c->delim);
			continue;
		}
		if (m == SEG_CSV_BARE && ch != (unsigned char)c->delim && ch != '\n') {
			/* inside an unquoted cell only a delimiter or a newline
			 * matters: skip to it, eight bytes at a time */
			size_t j = i + 1;
			while (j + 8 <= len && !(shuan_swar_has(shuan_swar_load(buf + j), (unsigned char)c->delim) |
						 shuan_swar_has(shuan_swar_load(buf + j), '\n')))
				j += 8;
			while (j < len && buf[j] != c->delim && buf[j] != '\n')
				j++;
			i = j - 1; /* the loop steps onto it */
			continue;
		}
		if (m == SEG_CSV_CELL && ch == '"') {
			c->mode = SEG_CSV_QUOTED;
			c->qstart = c->pos + i;
			c->qlines = 0;
			continue;
		}
		if (ch != (unsigned char)c->delim && ch != '\n') {
			c->mode = SEG_CSV_BARE;
			continue;
		}
		if (in_header) {
			if ((rc = header_cell(c, buf, cell_start, i, want_column, ud)))
				return rc;
		} else if ((rc = data_cell(c, buf, cell_start, i, cell_fn, ud))) {
			return rc;
		}
		cell_start = i + 1;
		c->mode = SEG_CSV_CELL;
		if (ch == (unsigned char)c->delim) {
			c->col++;
			continue;
		}
		if ((rc = end_record(c, &in_header, i + 1)))
			return rc;
	}
	/* The chunk ends at a newline unless it is the last one or a cut huge
	 * line; a trailing partial cell is still a cell. */
	if (cell_start < len && c->mode != SEG_CSV_QUOTED && c->mode != SEG_CSV_ESCAPE) {
		if (in_header) {
			if ((rc = header_cell(c, buf, cell_start, len, want_column, ud)))
				return rc;
			c->have_header = true;
			c->header_end = len;
		} else if ((rc = data_cell(c, buf, cell_start, len, cell_fn, ud))) {
			return rc;
		}
	} else if (in_header && cell_start < len) {
		/* a header cut inside a quoted name: what there is names the column */
		if ((rc = header_cell(c, buf, cell_start, len, want_column, ud)))
			return rc;
		c->have_header = true;
		c->header_end = len;
	}
	c->pos += len;
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
		c->lookup_mode = c->lines[li].mode;
	}
	c->lookup_line = li;
	int col = c->lookup_col;
	seg_csv_mode m = (seg_csv_mode)c->lookup_mode;
	c->walked += off - c->lookup_pos;
	/* buf[off] is in the chunk, so every byte walked has its successor */
	for (size_t i = c->lookup_pos; i < off; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if ((m == SEG_CSV_CELL || m == SEG_CSV_BARE) && ch == (unsigned char)c->delim)
			col++;
		m = csv_next(m, ch, (unsigned char)buf[i + 1], c->delim);
	}
	c->lookup_pos = off;
	c->lookup_col = col;
	c->lookup_mode = m;
	if (c->header_end && off < c->header_end && c->lines[li].off == 0 && c->lookup_line == 0) {
		*is_header = true;
		return NULL;
	}
	return col < c->ncols ? c->names[col] : NULL;
}

/*
 * The split-point search keeps the "outside" readings (at a cell's start, in
 * an unquoted cell) as two flags and the "inside a quoted cell" readings as
 * up to two groups (one per mode, QUOTED or ESCAPE), each with the range of
 * newlines seen since its quote opened, which decides when the quote bound
 * ends it. Keeping a range, not each count, may keep a reading that cannot
 * happen; that only delays the sync point, never makes it wrong.
 */
static void group_add(seg_csv_sync_group *g, unsigned lmin, unsigned lmax)
{
	if (!g->live) {
		g->live = true;
		g->lmin = lmin;
		g->lmax = lmax;
		return;
	}
	if (lmin < g->lmin)
		g->lmin = lmin;
	if (lmax > g->lmax)
		g->lmax = lmax;
}

void seg_csv_sync_begin(seg_csv_sync_state *st)
{
	/* at a line start: at a record's start, or inside a quoted cell that
	 * has seen 1 to SEG_CSV_QUOTE_LINES newlines (more would have ended it) */
	memset(st, 0, sizeof(*st));
	st->cell = true;
	st->in[0] = (seg_csv_sync_group){true, 1, SEG_CSV_QUOTE_LINES};
}

/* One byte b (successor nx, -1 at the end) for every reading. */
static void sync_step(seg_csv_sync_state *st, unsigned char b, int nx, char delim)
{
	seg_csv_sync_state n;
	memset(&n, 0, sizeof(n));
	if (st->cell) {
		seg_csv_mode m = csv_next(SEG_CSV_CELL, b, nx, delim);
		if (m == SEG_CSV_QUOTED)
			group_add(&n.in[0], 0, 0);
		else
			*(m == SEG_CSV_CELL ? &n.cell : &n.bare) = true;
	}
	if (st->bare)
		*(csv_next(SEG_CSV_BARE, b, nx, delim) == SEG_CSV_CELL ? &n.cell : &n.bare) = true;
	for (int g = 0; g < 2; g++) {
		const seg_csv_sync_group *sg = &st->in[g];
		if (!sg->live)
			continue;
		if (b == '\n') {
			/* readings past the quote bound end here; the rest go on */
			if (sg->lmax + 1 > SEG_CSV_QUOTE_LINES)
				n.cell = true;
			if (sg->lmin + 1 <= SEG_CSV_QUOTE_LINES)
				group_add(&n.in[g], sg->lmin + 1,
					  sg->lmax + 1 < SEG_CSV_QUOTE_LINES ? sg->lmax + 1 : SEG_CSV_QUOTE_LINES);
			continue;
		}
		seg_csv_mode m = csv_next(g ? SEG_CSV_ESCAPE : SEG_CSV_QUOTED, b, nx, delim);
		if (m == SEG_CSV_BARE)
			n.bare = true;
		else
			group_add(&n.in[m == SEG_CSV_ESCAPE], sg->lmin, sg->lmax);
	}
	*st = n;
}

size_t seg_csv_sync(seg_csv_sync_state *st, const char *buf, size_t len, bool eof, char delim)
{
	if (st->quote_at_end && len) {
		/* the quote that ended the last block, now that its successor is known */
		st->quote_at_end = false;
		sync_step(st, '"', (unsigned char)buf[0], delim);
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (i + 1 == len && !eof && ch == '"') {
			st->quote_at_end = true;
			return SIZE_MAX;
		}
		sync_step(st, ch, i + 1 < len ? (unsigned char)buf[i + 1] : -1, delim);
		if (ch == '\n' && st->cell && !st->bare && !st->in[0].live && !st->in[1].live)
			return i + 1;
	}
	return SIZE_MAX;
}
