/*
 * lib/source/table_csv.c - a table's rows as a CSV stream (see table_csv.h).
 */
#include "lib/source/table_csv.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/utf8.h"

/* Rows are encoded in runs of about this many bytes, then handed out. */
#define RUN_BYTES ((size_t)64 << 10)

void shuan_table_csv_init(shuan_table_csv *c, shuan_db_rows *rows, const shuan_db_table *t, size_t max_cell)
{
	memset(c, 0, sizeof(*c));
	c->rows = rows;
	c->t = t;
	c->max_cell = max_cell;
	/* one row of cells up to the cap, every byte a doubled quote at worst */
	shuan_buf_init(&c->pend, RUN_BYTES + (t->ncols + 1) * (2 * max_cell + 4));
}

void shuan_table_csv_free(shuan_table_csv *c)
{
	shuan_buf_free(&c->pend);
}

static int quoted(shuan_buf *b, const char *p, size_t n)
{
	int rc = shuan_buf_addc(b, '"');
	while (!rc && n) {
		const char *q = memchr(p, '"', n);
		size_t k = q ? (size_t)(q - p) + 1 : n;
		rc = shuan_buf_add(b, p, k);
		if (!rc && q)
			rc = shuan_buf_addc(b, '"');
		p += k;
		n -= k;
	}
	return rc ? rc : shuan_buf_addc(b, '"');
}

static int fail(shuan_table_csv *c, int code, const char *fmt, const char *col)
{
	char what[400];
	snprintf(what, sizeof(what), fmt, col);
	snprintf(c->err, sizeof(c->err), "%s.%s: row %llu: %s", c->t->schema, c->t->name,
	         (unsigned long long)c->rows_read, what);
	return c->error = code;
}

/* Encodes the header or the next row into pend; 0 at the end of the rows. */
static int encode_next(shuan_table_csv *c)
{
	const shuan_db_value *v;
	int rc;
	if (!c->header_done) {
		c->header_done = true;
		for (size_t i = 0; i < c->t->ncols; i++) {
			if (i && (rc = shuan_buf_addc(&c->pend, ',')) != 0)
				return c->error = rc;
			if ((rc = quoted(&c->pend, c->t->cols[i].name, strlen(c->t->cols[i].name))) != 0)
				return c->error = rc;
		}
		return (rc = shuan_buf_addc(&c->pend, '\n')) ? (c->error = rc) : 1;
	}
	rc = shuan_db__rows_next(c->rows, &v);
	if (rc <= 0) {
		if (rc < 0) {
			snprintf(c->err, sizeof(c->err), "%s", shuan_db__errmsg(c->rows->db));
			c->error = rc;
		}
		return rc;
	}
	c->rows_read++;
	for (size_t i = 0; i < c->t->ncols; i++) {
		const shuan_db_value *x = &v[i];
		if (i && (rc = shuan_buf_addc(&c->pend, ',')) != 0)
			return c->error = rc;
		if (!x->p)
			continue;
		if (x->truncated)
			return fail(c, SHUAN_ELIMIT, "column %s has a value longer than --max-cell",
			            c->t->cols[i].name);
		/* bytes the masker cannot read as text are not copied */
		if ((x->binary || memchr(x->p, '\0', x->len)) &&
		    (memchr(x->p, '\0', x->len) || shuan_utf8_invalid(x->p, x->len, false))) {
			c->binary_dropped++;
			continue;
		}
		if ((rc = quoted(&c->pend, x->p, x->len)) != 0)
			return c->error = rc;
	}
	return (rc = shuan_buf_addc(&c->pend, '\n')) ? (c->error = rc) : 1;
}

static long table_read(void *ctx, char *buf, size_t cap)
{
	shuan_table_csv *c = ctx;
	if (c->error)
		return c->error;
	if (c->pos == c->pend.len) {
		shuan_buf_reset(&c->pend);
		c->pos = 0;
		while (!c->eof && c->pend.len < RUN_BYTES) {
			int rc = encode_next(c);
			if (rc < 0) {
				if (rc == SHUAN_ELIMIT && !c->err[0])
					fail(c, rc, "a row longer than %s allows", "--max-cell");
				return rc;
			}
			if (rc == 0)
				c->eof = true;
		}
	}
	size_t n = c->pend.len - c->pos;
	if (n > cap)
		n = cap;
	memcpy(buf, c->pend.p + c->pos, n);
	c->pos += n;
	return (long)n;
}

shuan_reader shuan_table_csv_reader(shuan_table_csv *c)
{
	shuan_reader r = {table_read, c};
	return r;
}

const shuan_db_table *shuan_db__find_table(const shuan_db_catalog *cat, const char *display, const char *name,
                                           char *err, size_t errlen)
{
	const char *dot = strchr(name, '.');
	const shuan_db_table *hit = NULL;
	size_t hits = 0;
	/* "schema.table" first, then a bare name (which may itself hold a dot) */
	for (size_t i = 0; dot && i < cat->n; i++) {
		const shuan_db_table *t = &cat->tables[i];
		size_t sl = strlen(t->schema);
		if (sl == (size_t)(dot - name) && !strncmp(t->schema, name, sl) && !strcmp(t->name, dot + 1))
			return t;
	}
	for (size_t i = 0; i < cat->n; i++)
		if (!strcmp(cat->tables[i].name, name)) {
			hit = hit ? hit : &cat->tables[i];
			hits++;
		}
	if (hits == 1)
		return hit;
	if (hits > 1)
		snprintf(err, errlen, "%s: table '%s' is in %zu schemas: name it as schema.table", display,
		         name, hits);
	else
		snprintf(err, errlen, "%s: no table or view '%s' (the session sees %zu)", display, name,
		         cat->n);
	return NULL;
}
