/*
 * lib/risk/table.c - reading a CSV/TSV table record by record for the risk
 * analysis, with the readers shuan mask uses (any encoding they handle,
 * blocks of whole records, the same quoting), so risk counts exactly the
 * values mask writes: unquoted and trimmed.
 */
#include <stdio.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "lib/risk/internal.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"

#define SNIFF (64u << 10)

void rk_table_close(rk_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		shuan_free(t->names[i]);
	shuan_free(t->names);
	shuan_free(t->cells);
	for (size_t i = 0; i < t->nvals; i++)
		shuan_buf_free(&t->vals[i]);
	shuan_free(t->vals);
	deid_split_free(&t->sp);
	if (t->opened)
		deid_in_close(&t->in);
	memset(t, 0, sizeof(*t));
}

int rk_table_open(rk_table *t, const char *path, const shuan_reader *src, const shuan_risk_options *o, char *err,
                  size_t errlen)
{
	int rc;
	memset(t, 0, sizeof(*t));
	t->path = path;
	t->allow_ragged = o->allow_ragged;
	t->cancel = o->cancel;
	if ((rc = src ? deid_in_open_reader(&t->in, path, *src, err, errlen)
	              : deid_in_open(&t->in, path, o->encoding, err, errlen)) != 0)
		return rc;
	t->opened = true;
	deid_split_init(&t->sp, &t->in.rd, SHUAN_FORMAT_AUTO, 64u << 20);
	if ((rc = deid_split_fill(&t->sp, SNIFF)) != 0) {
		snprintf(err, errlen, "%s: read error", path);
		return rc;
	}
	shuan_format f = src ? SHUAN_FORMAT_CSV : o->format;
	if (f == SHUAN_FORMAT_AUTO)
		f = shuan_scanner__guess_format(strcmp(path, "-") ? path : NULL, t->sp.buf ? t->sp.buf : "",
		                                t->sp.len);
	if (f != SHUAN_FORMAT_CSV && f != SHUAN_FORMAT_TSV) {
		snprintf(err, errlen, "%s: not a table (read as %s); risk reads CSV or TSV (--input-format)",
		         path, shuan_format_name(f));
		return SHUAN_EINVAL;
	}
	t->sp.fmt = f;
	t->delim = f == SHUAN_FORMAT_TSV ? '\t' : ',';
	if (!(t->cells = shuan_malloc(CSV_MAX_COLUMNS * sizeof(*t->cells))))
		return SHUAN_ENOMEM;
	/* the header: the first record of the first block */
	uint64_t line;
	if ((rc = deid_split_next(&t->sp, &t->blk, &t->blen, &line, err, errlen)) != 0)
		return rc;
	size_t nc, next, eol;
	if (!t->blen ||
	    !deid_csv_record(t->blk, 0, t->blen, t->delim, t->cells, CSV_MAX_COLUMNS, &nc, &next, &eol)) {
		snprintf(err, errlen, "%s: no header row", path);
		return SHUAN_EINVAL;
	}
	if (nc > CSV_MAX_COLUMNS) {
		snprintf(err, errlen, "%s: more than %d columns", path, CSV_MAX_COLUMNS);
		return SHUAN_ELIMIT;
	}
	if (!(t->names = shuan_calloc(nc, sizeof(char *))))
		return SHUAN_ENOMEM;
	shuan_buf b;
	shuan_buf_init(&b, 1u << 20);
	for (size_t i = 0; i < nc; i++) {
		shuan_buf_reset(&b);
		if ((rc = deid_csv_unquote(t->blk + t->cells[i].start, t->cells[i].end - t->cells[i].start,
		                           &b)) != 0)
			break;
		const char *s = shuan_buf_str(&b);
		size_t a = 0, e = b.len;
		if (e >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
			a = 3;
		deid_trim(s, &a, &e);
		if (!(t->names[i] = shuan_strndup(s + a, e - a))) {
			rc = SHUAN_ENOMEM;
			break;
		}
		t->ncols++;
	}
	shuan_buf_free(&b);
	t->pos = next;
	t->line = 1;
	return rc;
}

int rk_table_column(const rk_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->names[i], name))
			return (int)i;
	return -1;
}

int rk_table_next(rk_table *t, const int *cols, size_t nc, const char **v, size_t *vl, char *err,
                  size_t errlen)
{
	int rc;
	if (nc > t->nvals) {
		shuan_buf *nv = shuan_realloc(t->vals, nc * sizeof(*nv));
		if (!nv)
			return SHUAN_ENOMEM;
		t->vals = nv;
		for (size_t i = t->nvals; i < nc; i++)
			shuan_buf_init(&t->vals[i], 64u << 20);
		t->nvals = nc;
	}
	for (;;) {
		if (t->pos >= t->blen) {
			uint64_t line;
			if (t->cancel && atomic_load(t->cancel)) {
				snprintf(err, errlen, "%s: interrupted", t->path);
				return SHUAN_EINTR;
			}
			if ((rc = deid_split_next(&t->sp, &t->blk, &t->blen, &line, err, errlen)) != 0) {
				char tmp[200];
				snprintf(tmp, sizeof(tmp), "%s", err);
				snprintf(err, errlen, "%.50s: %s", t->path, tmp);
				return rc;
			}
			t->pos = 0;
			if (!t->blen)
				return 0;
		}
		size_t n, next, eol, start = t->pos;
		if (!deid_csv_record(t->blk, t->pos, t->blen, t->delim, t->cells, CSV_MAX_COLUMNS, &n, &next,
		                     &eol)) {
			snprintf(err, errlen, "%s: line %llu: a quoted field is not closed", t->path,
			         (unsigned long long)t->line + 1);
			return SHUAN_EINVAL;
		}
		t->pos = next;
		uint64_t here = t->line;
		for (size_t i = start; i < next; i++)
			t->line += t->blk[i] == '\n';
		if (n == 1 && t->cells[0].start == t->cells[0].end)
			continue; /* a blank line */
		if (n != t->ncols) {
			if (t->allow_ragged) {
				t->skipped++;
				continue;
			}
			snprintf(err, errlen,
			         "%s: line %llu: %zu fields where the header has %zu (--allow-ragged skips "
			         "such rows)",
			         t->path, (unsigned long long)here + 1, n, t->ncols);
			return SHUAN_EINVAL;
		}
		for (size_t i = 0; i < nc; i++) {
			const deid_csv_cell *c = &t->cells[cols[i]];
			const char *s = t->blk + c->start;
			size_t len = c->end - c->start, a = 0;
			if (c->quoted) {
				shuan_buf_reset(&t->vals[i]);
				if ((rc = deid_csv_unquote(s, len, &t->vals[i])) != 0)
					return rc;
				s = shuan_buf_str(&t->vals[i]);
				len = t->vals[i].len;
			}
			deid_trim(s, &a, &len);
			v[i] = s + a;
			vl[i] = len - a;
		}
		return 1;
	}
}
