/*
 * lib/source/ooxml.c - Office Open XML: .xlsx cells and .docx text, read as a zip
 * (libarchive) with streaming XML (expat).
 *
 * xlsx takes two passes over the zip, because Excel usually stores the
 * shared strings after the worksheets. Pass 1 reads xl/workbook.xml (sheet
 * names and relationship ids), xl/_rels/workbook.xml.rels (id -> part) and
 * xl/sharedStrings.xml (every <si>, rich-text runs <r><t> joined, phonetic
 * <rPh> runs left out) into one bounded table. Pass 2 streams every
 * worksheet: each <c> is resolved (t="s" shared, t="inlineStr" <is> text,
 * t="str" a formula's cached value, numbers and the rest as written) and
 * handed to the scanner as one cell (scan_cell.c) with its location
 * ("客户!C17") and the row-1 value of its column as its field.
 *
 * Example: sheet "客户" with A1="姓名", C1="手机", C3 = shared string 7 =
 * "13812345678": the finding has location "客户!C3", field "手机", line 3,
 * column 1 and offset 0 (offsets count within the cell's text).
 *
 * docx reads word/document.xml: <w:t> text, a newline per paragraph and
 * <w:br/>, a tab per <w:tab/>; the text streams to the scanner through a
 * shuan_reader, so offsets count within the extracted text.
 *
 * Bounds: the shared-strings table (SST_MAX_BYTES, SST_MAX_COUNT; beyond,
 * the workbook is skipped with a reason), a cell's text (what the scanner
 * checks of one value, its chunk: 4 MiB by default; the cut of a longer cell
 * is a warning, SHUAN_LIMIT_CELL), header names (SEG_MAX_NAME) for at most
 * MAX_COLUMNS columns, MAX_SHEETS sheets. Every byte decompressed goes
 * through the archive limits (expanded size, ratio).
 *
 * Entities: internal ones (<!ENTITY co "ACME">) are expanded, within expat's
 * amplification limits (XML_AMPLIFICATION, from XML_ACTIVATION bytes on), so
 * a "billion laughs" stops with a reason instead of eating memory. External
 * entities (SYSTEM/PUBLIC) and unparsed ones are refused: nothing is ever
 * fetched, and the part is reported skipped with the reason (the document's
 * other parts are still read). A reference expat had to skip (an entity an
 * unread external DTD would define) leaves a warning: its text is missing.
 */
#include <archive.h>
#include <archive_entry.h>
/* Debian's libexpat is built with DTD support (it has the billion-laughs
 * protection calls); the header declares them only when told so. */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/source/archive.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/utf8.h"

#define SST_MAX_BYTES (64u << 20)
#define SST_MAX_COUNT (4u << 20)
#define MAX_COLUMNS 16384 /* XFD: columns with a header */
#define REF_MAX_LETTERS 7
#define MAX_SHEETS 1024
#define NAME_MAX_LEN 128
#define PART_MAX 256
#define XML_BUF (64u << 10)
/* expat's billion-laughs protection: expansion may add at most this factor
 * over the bytes parsed, judged once this many bytes were produced (expat's
 * own defaults, set here so every build of the library enforces them). */
#define XML_AMPLIFICATION 100.0f
#define XML_ACTIVATION (8ull << 20)

static const char *local_name(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(local_name(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

/* ---- shared state ---- */

typedef struct sheet_ref {
	char name[NAME_MAX_LEN];
	char rid[64];
	char part[PART_MAX];
} sheet_ref;

typedef struct rel {
	char id[64];
	char part[PART_MAX];
} rel;

typedef struct sst {
	char *arena;   /* NUL-terminated strings */
	size_t len, cap;
	uint32_t *off; /* start of each string */
	size_t n, capn;
	bool in_si, in_t, in_rph;
	bool over;
} sst;

typedef struct book {
	struct book *self; /* first, like sheet_state's `b`: handlers shared by both find the book */
	arch_ctx *c;
	shuan_vec sheets; /* sheet_ref */
	shuan_vec rels;   /* rel */
	sst sst;
	int stop;      /* a handler stopped the parser: SHUAN_* code */
	XML_Parser p;
	char warn[160];
	const shuan_ooxml_cells *cells; /* set: cells go to this sink instead of the scanner */
	char refused[160]; /* why a part was refused (an external entity, an entity bomb) */
	const char *part;  /* the part being parsed */
} book;

/* Entity declarations: internal ones are fine (expat expands them within
 * the amplification limit); an external or unparsed entity is refused. */
static bool entity_refused(const XML_Char *sys, const XML_Char *pub, const XML_Char *notation)
{
	return sys || pub || notation;
}

#define WHY_EXTERNAL "external entity declared in %s: refused (nothing is ever fetched)"
#define WHY_BOMB "entity expansion in %s beyond the amplification limit (an entity bomb): refused"

static void refuse(char *out, size_t cap, const char *part, const char *fmt)
{
	if (!out[0])
		snprintf(out, cap, fmt, part);
}

/* The reason when a parse error is expat's entity amplification limit. */
static bool amplification_error(XML_Parser p)
{
	return XML_GetErrorCode(p) == XML_ERROR_AMPLIFICATION_LIMIT_BREACH;
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int param, const XML_Char *value, int vlen,
			      const XML_Char *base, const XML_Char *sys, const XML_Char *pub, const XML_Char *notation)
{
	book *b = *(book **)ud; /* ud is the book or a sheet_state, both starting with the book */
	if (!entity_refused(sys, pub, notation))
		return;
	refuse(b->refused, sizeof(b->refused), b->part, WHY_EXTERNAL);
	b->stop = SHUAN_EINVAL;
	XML_StopParser(b->p, XML_FALSE);
}

/* A reference expat could not expand (declared in an external DTD it does
 * not read): the text is missing, which the result says. */
static void XMLCALL on_skipped(void *ud, const XML_Char *name, int param)
{
	book *b = *(book **)ud;
	if (!b->warn[0])
		snprintf(b->warn, sizeof(b->warn), "an undefined entity in %s was left out (an external DTD is never read)",
			 b->part);
}

/* A parser with the entity rules above. */
static XML_Parser new_parser(void)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (p) {
		XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, XML_AMPLIFICATION);
		XML_SetBillionLaughsAttackProtectionActivationThreshold(p, XML_ACTIVATION);
	}
	return p;
}

/* Feeds the current archive entry to a fresh parser set up by `setup`. Returns
 * 0, a handler's stop code, SHUAN_EINVAL for malformed XML, SHUAN_EIO for a
 * damaged archive, SHUAN_ELIMIT for an archive limit. */
static int parse_entry(book *b, struct archive *a, const char *part, void (*setup)(XML_Parser, book *), void *ud)
{
	char *buf = shuan_malloc(XML_BUF);
	XML_Parser p = new_parser();
	int rc = 0;

	if (!buf || !p) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	b->p = p;
	b->stop = 0;
	b->part = part;
	XML_SetUserData(p, ud);
	XML_SetEntityDeclHandler(p, on_entity);
	XML_SetSkippedEntityHandler(p, on_skipped);
	setup(p, b);
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, XML_BUF);
		if (n < 0) {
			rc = SHUAN_EIO;
			break;
		}
		if (n > 0 && shuan_archive__account(&b->c->lim, (uint64_t)n)) {
			rc = SHUAN_ELIMIT;
			break;
		}
		if (XML_Parse(p, buf, (int)n, n == 0) != XML_STATUS_OK) {
			rc = b->stop ? b->stop : SHUAN_EINVAL;
			if (!b->stop && amplification_error(p))
				refuse(b->refused, sizeof(b->refused), part,
				       WHY_BOMB);
			else if (!b->stop && !b->warn[0])
				snprintf(b->warn, sizeof(b->warn), "malformed XML in %s (line %lu): %s", part,
					 (unsigned long)XML_GetCurrentLineNumber(p),
					 XML_ErrorString(XML_GetErrorCode(p)));
			break;
		}
		if (b->stop) {
			rc = b->stop;
			break;
		}
		if (n == 0)
			break;
	}
cleanup:
	if (p)
		XML_ParserFree(p);
	b->p = NULL;
	shuan_free(buf);
	return rc;
}

/* ---- workbook.xml and its relationships ---- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	book *b = ud;
	const char *n = local_name(name), *v;
	sheet_ref *sh;
	if (strcmp(n, "sheet"))
		return;
	if (shuan_vec_add(&b->sheets, (void **)&sh)) {
		if (!b->warn[0])
			snprintf(b->warn, sizeof(b->warn), "more than %d sheets (or out of memory): the rest were not read",
				 MAX_SHEETS);
		return;
	}
	snprintf(sh->name, sizeof(sh->name), "%s", (v = attr(atts, "name")) ? v : "?");
	snprintf(sh->rid, sizeof(sh->rid), "%s", (v = attr(atts, "id")) ? v : "");
	sh->part[0] = '\0';
}

static void wb_setup(XML_Parser p, book *b)
{
	XML_SetStartElementHandler(p, wb_start);
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	book *b = ud;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
	rel *r;
	if (strcmp(local_name(name), "Relationship") || !id || !target)
		return;
	if (shuan_vec_add(&b->rels, (void **)&r)) {
		if (!b->warn[0])
			snprintf(b->warn, sizeof(b->warn),
				 "more than %d relationships (or out of memory): some sheets may not be read", MAX_SHEETS * 4);
		return;
	}
	snprintf(r->id, sizeof(r->id), "%s", id);
	/* Targets are relative to xl/, or absolute from the package root. */
	if (target[0] == '/')
		snprintf(r->part, sizeof(r->part), "%s", target + 1);
	else
		snprintf(r->part, sizeof(r->part), "xl/%s", target);
}

static void rels_setup(XML_Parser p, book *b)
{
	XML_SetStartElementHandler(p, rels_start);
}

/* ---- sharedStrings.xml ---- */

static int sst_append(sst *t, const char *s, size_t n)
{
	if (t->len + n + 1 > SST_MAX_BYTES) {
		t->over = true;
		return SHUAN_ELIMIT;
	}
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 1u << 16;
		while (cap < t->len + n + 1)
			cap *= 2;
		if (cap > SST_MAX_BYTES)
			cap = SST_MAX_BYTES;
		char *a = shuan_realloc(t->arena, cap);
		if (!a)
			return SHUAN_ENOMEM;
		t->arena = a;
		t->cap = cap;
	}
	memcpy(t->arena + t->len, s, n);
	t->len += n;
	return 0;
}

/* Ends the current string (every indexed string is NUL-terminated). */
static void sst_close(book *b)
{
	sst *t = &b->sst;
	t->in_si = false;
	if (sst_append(t, "", 1)) {
		t->n--; /* the unterminated string is dropped */
		b->stop = t->over ? SHUAN_ELIMIT : SHUAN_ENOMEM;
		XML_StopParser(b->p, XML_FALSE);
	}
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	book *b = ud;
	sst *t = &b->sst;
	const char *n = local_name(name);
	if (!strcmp(n, "si")) {
		if (t->in_si)
			sst_close(b); /* an <si> inside an unclosed one */
		if (b->stop)
			return;
		if (t->n == t->capn) {
			size_t capn = t->capn ? t->capn * 2 : 1024;
			uint32_t *o = capn <= SST_MAX_COUNT ? shuan_realloc(t->off, capn * sizeof(*o)) : NULL;
			if (!o) {
				t->over = capn > SST_MAX_COUNT;
				b->stop = t->over ? SHUAN_ELIMIT : SHUAN_ENOMEM;
				XML_StopParser(b->p, XML_FALSE);
				return;
			}
			t->off = o;
			t->capn = capn;
		}
		t->off[t->n++] = (uint32_t)t->len;
		t->in_si = true;
	} else if (!strcmp(n, "rPh")) {
		t->in_rph = true;
	} else if (!strcmp(n, "t") && t->in_si && !t->in_rph) {
		t->in_t = true;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	book *b = ud;
	sst *t = &b->sst;
	const char *n = local_name(name);
	if (!strcmp(n, "si") && t->in_si) {
		sst_close(b);
	} else if (!strcmp(n, "rPh")) {
		t->in_rph = false;
	} else if (!strcmp(n, "t")) {
		t->in_t = false;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	book *b = ud;
	if (b->sst.in_t && sst_append(&b->sst, s, (size_t)len)) {
		b->stop = b->sst.over ? SHUAN_ELIMIT : SHUAN_ENOMEM;
		XML_StopParser(b->p, XML_FALSE);
	}
}

static void sst_setup(XML_Parser p, book *b)
{
	XML_SetElementHandler(p, sst_start, sst_end);
	XML_SetCharacterDataHandler(p, sst_text);
}

/* ---- worksheets ---- */

typedef char header_name[SEG_MAX_NAME];

typedef struct sheet_state {
	book *b; /* first (see on_entity) */
	const char *sheet;
	uint64_t row;
	long col;
	char type[16];
	bool in_c, in_v, in_is, in_t, in_rph;
	char *text;
	size_t tlen;
	size_t tcap;
	uint64_t cut;      /* bytes of the current cell beyond cell_max() */
	shuan_vec headers; /* header_name: row-1 values by column */
	uint64_t bytes;
	shuan_cells cells; /* the scanner's cell run for this workbook */
} sheet_state;

/* "C17" -> column 2 (0-based) and row 17; false when not a reference.
 * Columns past XFD (Excel's last) are kept as written, so a cell there is
 * still scanned and named where it is; they just have no header. */
static bool parse_ref(const char *r, long *col, uint64_t *row)
{
	long c = 0;
	size_t i = 0;
	while (r[i] >= 'A' && r[i] <= 'Z' && i < REF_MAX_LETTERS)
		c = c * 26 + (r[i++] - 'A' + 1);
	if (i == 0 || (r[i] >= 'A' && r[i] <= 'Z'))
		return false;
	*col = c - 1;
	if (r[i] >= '1' && r[i] <= '9')
		*row = strtoull(r + i, NULL, 10);
	return true;
}

void shuan_ooxml__col_name(long col, char *out)
{
	char tmp[8];
	size_t n = 0;
	for (long c = col + 1; c > 0 && n < sizeof(tmp); c = (c - 1) / 26)
		tmp[n++] = (char)('A' + (c - 1) % 26);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	sheet_state *st = ud;
	const char *n = local_name(name), *v;
	if (!strcmp(n, "row")) {
		v = attr(atts, "r");
		st->row = v ? strtoull(v, NULL, 10) : st->row + 1;
		st->col = -1;
	} else if (!strcmp(n, "c")) {
		st->in_c = true;
		st->tlen = 0;
		st->cut = 0;
		if (!(v = attr(atts, "r")) || !parse_ref(v, &st->col, &st->row))
			st->col++;
		snprintf(st->type, sizeof(st->type), "%s", (v = attr(atts, "t")) ? v : "n");
	} else if (st->in_c && !strcmp(n, "v")) {
		st->in_v = true;
	} else if (st->in_c && !strcmp(n, "is")) {
		st->in_is = true;
	} else if (st->in_is && !strcmp(n, "rPh")) {
		st->in_rph = true;
	} else if (st->in_is && !st->in_rph && !strcmp(n, "t")) {
		st->in_t = true;
	}
}

/* The most of one cell's text that is kept: what the scanner checks of one
 * value (its chunk, 4 MiB by default), or for a cell sink (no scanner) the
 * same 4 MiB; Excel itself stops at 32,767 characters. */
#define SINK_CELL_MAX (4u << 20)
static size_t cell_max(const sheet_state *st)
{
	return st->b->c->s ? st->b->c->s->cap : SINK_CELL_MAX;
}

static void XMLCALL sh_text(void *ud, const XML_Char *s, int len)
{
	sheet_state *st = ud;
	if (!st->in_v && !st->in_t)
		return;
	size_t n = (size_t)len, max = cell_max(st);
	if (st->tlen + n > max) {
		/* more than the scanner checks in one value: kept up to that, the
		 * cut said in the result (cell_done) */
		st->cut += st->tlen + n - max;
		n = max - st->tlen;
	}
	if (st->tlen + n > st->tcap) {
		size_t nc = st->tcap ? st->tcap : 4096;
		while (nc < st->tlen + n)
			nc *= 2;
		if (nc > max)
			nc = max;
		char *t = shuan_realloc(st->text, nc);
		if (!t) {
			st->b->stop = SHUAN_ENOMEM;
			XML_StopParser(st->b->p, XML_FALSE);
			return;
		}
		st->text = t;
		st->tcap = nc;
	}
	memcpy(st->text + st->tlen, s, n);
	st->tlen += n;
}

/* A complete cell: resolve, remember row-1 headers, scan. */
static void cell_done(sheet_state *st)
{
	book *b = st->b;
	const char *txt = st->text;
	size_t len = st->tlen;
	char ref[16], loc[NAME_MAX_LEN + 24];

	if (st->col < 0 || st->tlen == 0)
		return;
	if (!strcmp(st->type, "s")) {
		char num[24];
		size_t k = len < sizeof(num) - 1 ? len : sizeof(num) - 1;
		memcpy(num, st->text, k);
		num[k] = '\0';
		char *end;
		unsigned long idx = strtoul(num, &end, 10);
		if (end == num || idx >= b->sst.n)
			return;
		txt = b->sst.arena + b->sst.off[idx];
		len = strlen(txt);
	}
	if (len == 0)
		return;
	if (b->cells) {
		int src = b->cells->cell(b->cells->ud, st->sheet, st->row, st->col, st->type, txt, len, st->cut != 0);
		if (src) {
			b->stop = src;
			XML_StopParser(b->p, XML_FALSE);
		}
		return;
	}
	if (st->row == 1 && st->col < MAX_COLUMNS && shuan_vec_resize(&st->headers, (size_t)st->col + 1) == 0) {
		char *h = SHUAN_VEC_AT(&st->headers, header_name, st->col);
		size_t k = shuan_utf8_cut(txt, len, SEG_MAX_NAME - 1); /* never half a character */
		memcpy(h, txt, k);
		h[k] = '\0';
	}
	shuan_ooxml__col_name(st->col, ref);
	snprintf(loc, sizeof(loc), "%s!%s%llu", st->sheet, ref, (unsigned long long)st->row);
	if (st->cut)
		shuan_result__warn(st->cells.call.res, SHUAN_LIMIT_CELL,
				   "a value of %llu bytes at %s was checked up to %zu bytes only",
				   (unsigned long long)(st->tlen + st->cut), loc, st->tlen);
	st->bytes += len;
	int rc = shuan_scanner__scan_cell(b->c->s, &st->cells, st->row, txt, len,
					  st->row > 1 && (size_t)st->col < st->headers.n &&
							  SHUAN_VEC_AT(&st->headers, header_name, st->col)[0]
						  ? SHUAN_VEC_AT(&st->headers, header_name, st->col)
						  : NULL,
					  loc);
	if (rc) {
		b->stop = rc;
		XML_StopParser(b->p, XML_FALSE);
	}
}

static void XMLCALL sh_end(void *ud, const XML_Char *name)
{
	sheet_state *st = ud;
	const char *n = local_name(name);
	if (!strcmp(n, "c") && st->in_c) {
		st->in_c = st->in_v = st->in_is = st->in_t = st->in_rph = false;
		cell_done(st);
	} else if (!strcmp(n, "v")) {
		st->in_v = false;
	} else if (!strcmp(n, "is")) {
		st->in_is = false;
	} else if (!strcmp(n, "rPh")) {
		st->in_rph = false;
	} else if (!strcmp(n, "t")) {
		st->in_t = false;
	}
}

static void sheet_setup(XML_Parser p, book *b)
{
	XML_SetElementHandler(p, sh_start, sh_end);
	XML_SetCharacterDataHandler(p, sh_text);
}

/* ---- docx ---- */

typedef struct docx {
	book *b;
	struct archive *a;
	XML_Parser p;
	char *in;
	char *out;
	size_t olen, opos;
	bool in_t, done;
	int err;
	char refused[160];
} docx;

#define DOCX_OUT (2 * XML_BUF + 16)

static void dx_put(docx *d, const char *s, size_t n)
{
	if (d->olen + n > DOCX_OUT)
		n = DOCX_OUT - d->olen; /* cannot happen: text is shorter than its XML */
	memcpy(d->out + d->olen, s, n);
	d->olen += n;
}

static void XMLCALL dx_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	docx *d = ud;
	const char *n = local_name(name);
	if (!strcmp(n, "t"))
		d->in_t = true;
	else if (!strcmp(n, "tab"))
		dx_put(d, "\t", 1);
	else if (!strcmp(n, "br") || !strcmp(n, "cr"))
		dx_put(d, "\n", 1);
}

static void XMLCALL dx_end(void *ud, const XML_Char *name)
{
	docx *d = ud;
	const char *n = local_name(name);
	if (!strcmp(n, "t"))
		d->in_t = false;
	else if (!strcmp(n, "p"))
		dx_put(d, "\n", 1);
}

static void XMLCALL dx_text(void *ud, const XML_Char *s, int len)
{
	docx *d = ud;
	if (d->in_t)
		dx_put(d, s, (size_t)len);
}

static void XMLCALL dx_entity(void *ud, const XML_Char *name, int param, const XML_Char *value, int vlen,
			      const XML_Char *base, const XML_Char *sys, const XML_Char *pub, const XML_Char *notation)
{
	docx *d = ud;
	if (!entity_refused(sys, pub, notation))
		return;
	refuse(d->refused, sizeof(d->refused), "word/document.xml", WHY_EXTERNAL);
	d->err = SHUAN_EINVAL;
	XML_StopParser(d->p, XML_FALSE);
}

static void XMLCALL dx_skipped(void *ud, const XML_Char *name, int param)
{
	docx *d = ud;
	if (!d->b->warn[0])
		snprintf(d->b->warn, sizeof(d->b->warn),
			 "an undefined entity in word/document.xml was left out (an external DTD is never read)");
}

/* The shuan_reader over the document's text. */
static long dx_read(void *ctx, char *buf, size_t cap)
{
	docx *d = ctx;
	while (d->opos == d->olen && !d->done) {
		d->olen = d->opos = 0;
		la_ssize_t n = archive_read_data(d->a, d->in, XML_BUF);
		if (n < 0) {
			d->err = SHUAN_EIO;
			d->done = true;
			break;
		}
		if (n > 0 && shuan_archive__account(&d->b->c->lim, (uint64_t)n)) {
			d->err = SHUAN_ELIMIT;
			return SHUAN_ELIMIT;
		}
		if (XML_Parse(d->p, d->in, (int)n, n == 0) != XML_STATUS_OK) {
			if (!d->err && amplification_error(d->p))
				refuse(d->refused, sizeof(d->refused), "word/document.xml",
				       WHY_BOMB);
			if (!d->err)
				d->err = SHUAN_EINVAL;
			d->done = true;
		}
		if (n == 0)
			d->done = true;
	}
	size_t k = d->olen - d->opos < cap ? d->olen - d->opos : cap;
	memcpy(buf, d->out + d->opos, k);
	d->opos += k;
	return (long)k;
}

static int scan_docx(book *b, struct archive *a, const char *display)
{
	arch_ctx *c = b->c;
	docx d;
	shuan_input_result res;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	shuan_result__reset(&res);
	d.b = b;
	d.a = a;
	d.in = shuan_malloc(XML_BUF);
	d.out = shuan_malloc(DOCX_OUT);
	d.p = new_parser();
	if (!d.in || !d.out || !d.p) {
		shuan_result__skip(&res, SHUAN_ENOMEM, SHUAN_LIMIT_NONE, "out of memory");
		goto cleanup;
	}
	XML_SetUserData(d.p, &d);
	XML_SetElementHandler(d.p, dx_start, dx_end);
	XML_SetCharacterDataHandler(d.p, dx_text);
	XML_SetEntityDeclHandler(d.p, dx_entity);
	XML_SetSkippedEntityHandler(d.p, dx_skipped);
	shuan_input in = {display, "document.txt", SHUAN_FORMAT_AUTO};
	shuan_reader rd = {dx_read, &d};
	rc = shuan_scanner_scan_reader(c->s, &in, &rd, c->fcb, c->ud, &res);
	if (SHUAN_STOPPED(rc))
		goto cleanup;
	rc = 0;
	if (d.err == SHUAN_ELIMIT)
		shuan_result__skip(&res, SHUAN_ELIMIT, c->lim.kind, "%s", c->lim.reason);
	else if (d.err == SHUAN_EIO)
		shuan_result__skip(&res, res.skipped ? res.skipped : SHUAN_EINVAL, SHUAN_LIMIT_NONE,
				   "truncated or corrupt document; the text before was scanned");
	else if (d.refused[0])
		shuan_result__skip(&res, SHUAN_EINVAL, SHUAN_LIMIT_NONE, "%s", d.refused);
	else if (d.err && !res.skipped)
		shuan_result__warn(&res, SHUAN_LIMIT_NONE,
				   "malformed XML in word/document.xml (line %lu); the text before was scanned",
				   (unsigned long)XML_GetCurrentLineNumber(d.p));
	if (!res.skipped && b->warn[0])
		shuan_result__warn(&res, SHUAN_LIMIT_NONE, "%s", b->warn);
cleanup:
	if (rc != SHUAN_ESTOP && c->icb)
		c->icb(display, &res, c->ud); /* an interrupted one too: what was scanned counts */
	if (d.p)
		XML_ParserFree(d.p);
	shuan_free(d.in);
	shuan_free(d.out);
	return rc;
}

/* ---- the document ---- */

struct zsrc {
	const char *path;
	const void *mem;
	size_t len;
};

static struct archive *zopen(const struct zsrc *z)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_format_zip(a);
	int r = z->mem ? archive_read_open_memory(a, z->mem, z->len) : archive_read_open_filename(a, z->path, 65536);
	if (r != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static void book_free(book *b)
{
	shuan_vec_free(&b->sheets);
	shuan_vec_free(&b->rels);
	shuan_free(b->sst.arena);
	shuan_free(b->sst.off);
}

/* Pass 2: every worksheet part, as one input. */
static int scan_sheets(book *b, const struct zsrc *z, const char *display)
{
	arch_ctx *c = b->c;
	shuan_input_result res;
	sheet_state st;
	struct archive *a = zopen(z);
	struct archive_entry *e;
	int rc = 0;

	shuan_result__reset(&res);
	memset(&st, 0, sizeof(st));
	shuan_vec_init(&st.headers, SEG_MAX_NAME, MAX_COLUMNS);
	st.b = b;
	if (!a) {
		shuan_result__skip(&res, SHUAN_EINVAL, SHUAN_LIMIT_NONE, "unreadable workbook");
		goto report;
	}
	res.format = SHUAN_FORMAT_TEXT;
	if (!b->cells)
		shuan_scanner__begin_cells(c->s, &st.cells, display, c->fcb, c->ud, &res);
	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			shuan_result__skip(&res, SHUAN_EINVAL, SHUAN_LIMIT_NONE, "truncated or corrupt workbook (%s)",
					   archive_error_string(a) ? archive_error_string(a) : "?");
			break;
		}
		const char *part = archive_entry_pathname(e), *name = NULL;
		char fallback[NAME_MAX_LEN];
		if (!part || strncmp(part, "xl/worksheets/", 14) || !strchr(part + 14, '.') || strchr(part + 14, '/'))
			continue;
		for (size_t i = 0; i < b->sheets.n && !name; i++)
			if (!strcmp(SHUAN_VEC_AT(&b->sheets, sheet_ref, i).part, part))
				name = SHUAN_VEC_AT(&b->sheets, sheet_ref, i).name;
		if (!name) {
			snprintf(fallback, sizeof(fallback), "%s", part + 14);
			*strrchr(fallback, '.') = '\0';
			name = fallback;
		}
		st.sheet = name;
		st.row = 0;
		st.col = -1;
		st.in_c = st.in_v = st.in_is = st.in_t = st.in_rph = false;
		if (st.headers.n)
			memset(st.headers.v, 0, st.headers.n * st.headers.elem);
		rc = parse_entry(b, a, part, sheet_setup, &st);
		if (SHUAN_STOPPED(rc))
			break;
		if (rc == SHUAN_ENOMEM) {
			shuan_result__skip(&res, SHUAN_ENOMEM, SHUAN_LIMIT_NONE, "out of memory");
			break;
		}
		if (rc == SHUAN_ELIMIT) {
			shuan_result__skip(&res, SHUAN_ELIMIT, c->lim.kind, "%s", c->lim.reason);
			break;
		}
		if (rc == SHUAN_EIO) {
			shuan_result__skip(&res, SHUAN_EINVAL, SHUAN_LIMIT_NONE,
					   "truncated or corrupt workbook in %s; cells before were scanned", part);
			break;
		}
		rc = 0;
	}
	res.bytes = st.bytes;
	res.findings = b->cells ? 0 : shuan_scanner__end_cells(c->s, &st.cells);
	if (rc == SHUAN_EINTR)
		shuan_result__interrupted(&res);
	else if (!res.skipped && b->refused[0])
		shuan_result__skip(&res, SHUAN_EINVAL, SHUAN_LIMIT_NONE, "%.100s; other sheets were scanned", b->refused);
	else if (!res.skipped && b->warn[0])
		shuan_result__warn(&res, SHUAN_LIMIT_NONE, "%s", b->warn);
report:
	if (rc != SHUAN_ESTOP && c->icb)
		c->icb(display, &res, c->ud);
	archive_read_free(a);
	shuan_free(st.text);
	shuan_vec_free(&st.headers);
	return SHUAN_STOPPED(rc) ? rc : 0;
}

static void skip_book(arch_ctx *c, const char *display, int code, shuan_limit limit, const char *reason)
{
	shuan_input_result res;
	shuan_result__reset(&res);
	shuan_result__skip(&res, code, limit, "%s", reason);
	if (c->icb)
		c->icb(display, &res, c->ud);
}

/* Reads a document: cells to the scanner, or to `cells` when set. */
static int read_book(arch_ctx *c, const char *path, const void *mem, size_t len, const char *display,
		     const shuan_ooxml_cells *cells)
{
	struct zsrc z = {path, mem, len};
	struct archive *a;
	struct archive_entry *e;
	book b;
	bool workbook = false, docx_done = false;
	int rc = 0;

	memset(&b, 0, sizeof(b));
	shuan_vec_init(&b.sheets, sizeof(sheet_ref), MAX_SHEETS);
	shuan_vec_init(&b.rels, sizeof(rel), MAX_SHEETS * 4);
	b.self = &b;
	b.c = c;
	b.cells = cells;
	if (!mem) {
		/* A top-level document: the ratio is against its size on disk. */
		struct stat sb;
		if (stat(path, &sb) == 0)
			c->lim.compressed += (uint64_t)sb.st_size;
	}
	if (!(a = zopen(&z)))
		return SHUAN_ENOTFOUND;
	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (!workbook && !docx_done) {
				rc = SHUAN_ENOTFOUND; /* let the archive walker say what is wrong */
				goto cleanup;
			}
			break;
		}
		const char *part = archive_entry_pathname(e);
		if (!part)
			continue;
		if (!strcmp(part, "xl/workbook.xml")) {
			workbook = true;
			rc = parse_entry(&b, a, part, wb_setup, &b);
		} else if (!strcmp(part, "xl/_rels/workbook.xml.rels")) {
			rc = parse_entry(&b, a, part, rels_setup, &b);
		} else if (!strcmp(part, "xl/sharedStrings.xml")) {
			rc = parse_entry(&b, a, part, sst_setup, &b);
			if (b.sst.in_si) {
				/* Malformed or cut short: end the last string. */
				if (sst_append(&b.sst, "", 1))
					b.sst.n--;
				b.sst.in_si = false;
			}
			if (b.sst.over) {
				char msg[160];
				snprintf(msg, sizeof(msg), "shared strings table larger than %u MiB (workbook not read)",
					 SST_MAX_BYTES >> 20);
				skip_book(c, display, SHUAN_ELIMIT, SHUAN_LIMIT_OFFICE, msg);
				rc = 0;
				goto cleanup;
			}
		} else if (!strcmp(part, "word/document.xml") && !docx_done && !cells) {
			docx_done = true;
			rc = scan_docx(&b, a, display);
			if (SHUAN_STOPPED(rc))
				goto cleanup;
		}
		if (rc == SHUAN_ELIMIT) {
			skip_book(c, display, SHUAN_ELIMIT, c->lim.kind, c->lim.reason);
			rc = 0;
			goto cleanup;
		}
		if (b.refused[0] && !docx_done) {
			/* the workbook's own parts: without them no cell can be read */
			char msg[200];
			snprintf(msg, sizeof(msg), "%.150s (workbook not read)", b.refused);
			skip_book(c, display, SHUAN_EINVAL, SHUAN_LIMIT_NONE, msg);
			rc = 0;
			goto cleanup;
		}
		if (rc == SHUAN_ENOMEM)
			goto cleanup;
		rc = 0; /* a malformed part: b.warn says so */
	}
	if (docx_done)
		goto cleanup;
	if (!workbook) {
		rc = SHUAN_ENOTFOUND;
		goto cleanup;
	}
	for (size_t i = 0; i < b.sheets.n; i++) {
		sheet_ref *sh = &SHUAN_VEC_AT(&b.sheets, sheet_ref, i);
		for (size_t k = 0; k < b.rels.n; k++)
			if (!strcmp(sh->rid, SHUAN_VEC_AT(&b.rels, rel, k).id))
				snprintf(sh->part, sizeof(sh->part), "%s", SHUAN_VEC_AT(&b.rels, rel, k).part);
	}
	archive_read_free(a);
	a = NULL;
	if (cells && cells->sheets) {
		/* the sink learns the sheets in workbook order before any cell */
		const char **names = shuan_calloc(b.sheets.n + 1, sizeof(*names));
		if (!names) {
			rc = SHUAN_ENOMEM;
			goto cleanup;
		}
		for (size_t i = 0; i < b.sheets.n; i++)
			names[i] = SHUAN_VEC_AT(&b.sheets, sheet_ref, i).name;
		rc = cells->sheets(cells->ud, names, b.sheets.n);
		shuan_free(names);
		if (rc)
			goto cleanup;
	}
	rc = scan_sheets(&b, &z, display);
cleanup:
	if (rc == SHUAN_ENOMEM) {
		shuan_input_result res;
		shuan_result__reset(&res);
		shuan_result__skip(&res, SHUAN_ENOMEM, SHUAN_LIMIT_NONE, "out of memory");
		if (c->icb)
			c->icb(display, &res, c->ud);
		rc = 0;
	}
	archive_read_free(a);
	book_free(&b);
	return rc;
}

int shuan_ooxml__scan(arch_ctx *c, const char *path, const void *mem, size_t len, const char *display)
{
	return read_book(c, path, mem, len, display, NULL);
}

/* What read_cells saw of the workbook as a whole (damage, limits). */
struct cells_result {
	shuan_input_result res;
	bool seen;
};

static void cells_icb(const char *path, const shuan_input_result *res, void *ud)
{
	struct cells_result *r = ud;
	(void)path;
	if (!r->seen || res->skipped) {
		r->res = *res;
		r->seen = true;
	}
}

int shuan_ooxml__read_cells(const char *path, const shuan_ooxml_cells *cells, char *err, size_t errlen)
{
	arch_ctx c;
	struct cells_result r;
	int rc;

	shuan_source_options so = SHUAN_SOURCE_OPTIONS_INIT;
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	so.max_member_size = UINT64_MAX; /* no scanner here to take the file-size limit from */
	shuan_archive__limits(&c, &so);
	c.icb = cells_icb;
	c.ud = &r;
	rc = read_book(&c, path, NULL, 0, path, cells);
	if (rc == SHUAN_ENOTFOUND) {
		snprintf(err, errlen, "not an xlsx workbook (no xl/workbook.xml)");
		return SHUAN_EINVAL;
	}
	if (rc)
		return rc;
	/* a skipped workbook, a damaged sheet or a malformed part: cells are
	 * missing, and a rewrite without them would lose data */
	if (r.res.skipped || r.res.reason[0] || r.res.warning[0]) {
		snprintf(err, errlen, "%s", r.res.reason[0] ? r.res.reason : r.res.warning[0] ? r.res.warning : "unreadable workbook");
		return r.res.skipped ? r.res.skipped : SHUAN_EINVAL;
	}
	return 0;
}
