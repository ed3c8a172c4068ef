/*
 * lib/deid/mask_csv.c - masking CSV/TSV blocks: the header decides which
 * column rule applies to each cell; a cell without one has the scanner's
 * findings inside it replaced. Cells nothing touches are copied byte for
 * byte (their quoting, spacing and line ends stay as they were); a changed
 * cell is quoted when its new value needs it or the old one was quoted.
 *
 * With a k_anonymity rule, the quasi-identifier cells of every record are
 * hashed after masking: the counting pass collects the hashes, the masking
 * pass replaces the quasi-identifiers of records in classes below k by "*"
 * (kanon.c).
 */
#include <stdio.h>
#include <string.h>

#include "lib/deid/csv.h"
#include "lib/deid/internal.h"
#include "lib/deid/kanon.h"
#include "util/alloc.h"

static void strip_bom(const char **s, size_t *n)
{
	if (*n >= 3 && !memcmp(*s, "\xEF\xBB\xBF", 3)) {
		*s += 3;
		*n -= 3;
	}
}

void deid_csv_ctx_free(deid_csv_ctx *cx)
{
	for (size_t i = 0; i < cx->ncols; i++)
		shuan_free(cx->names[i]);
	shuan_free(cx->names);
	shuan_free(cx->name_len);
	shuan_free(cx->rules);
	shuan_free(cx->qi);
	shuan_free(cx->header);
	memset(cx, 0, sizeof(*cx));
}

/* "a, b, c" for messages, at most cap bytes. */
static void column_list(const deid_csv_ctx *cx, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < cx->ncols && o + 8 < cap; i++) {
		int w = snprintf(out + o, cap - o, "%s%.*s", i ? ", " : "",
		                 (int)(cx->name_len[i] > 40 ? 40 : cx->name_len[i]), cx->names[i]);
		if (w < 0 || (size_t)w >= cap - o) {
			snprintf(out + (o > cap - 5 ? cap - 5 : o), 5, "...");
			return;
		}
		o += (size_t)w;
	}
}

static int find_column(const deid_csv_ctx *cx, const char *name)
{
	size_t l = strlen(name);
	for (size_t i = 0; i < cx->ncols; i++)
		if (cx->name_len[i] == l && !memcmp(cx->names[i], name, l))
			return (int)i;
	return -1;
}

int deid_csv_ctx_init(deid_csv_ctx *cx, const shuan_masker *m, const char *path, char delim, const char *buf,
                      size_t len, char *err, size_t errlen)
{
	deid_csv_cell *cells = NULL;
	size_t nc, next, eol;
	shuan_buf v;
	char list[512];
	int rc = SHUAN_ENOMEM;

	memset(cx, 0, sizeof(*cx));
	cx->delim = delim;
	shuan_buf_init(&v, 1u << 20);
	if (!(cells = shuan_malloc(CSV_MAX_COLUMNS * sizeof(*cells))))
		goto fail;
	if (!deid_csv_record(buf, 0, len, delim, cells, CSV_MAX_COLUMNS, &nc, &next, &eol)) {
		snprintf(err, errlen, "%s: line 1: the header's quoted field is not closed", path);
		rc = SHUAN_EINVAL;
		goto fail;
	}
	if (nc > CSV_MAX_COLUMNS) {
		snprintf(err, errlen, "%s: more than %d columns", path, CSV_MAX_COLUMNS);
		rc = SHUAN_ELIMIT;
		goto fail;
	}
	cx->ncols = nc;
	if (!(cx->names = shuan_calloc(nc, sizeof(char *))) ||
	    !(cx->name_len = shuan_calloc(nc, sizeof(size_t))) ||
	    !(cx->rules = shuan_calloc(nc, sizeof(*cx->rules))) ||
	    !(cx->qi = shuan_malloc(nc * sizeof(int))) || !(cx->header = shuan_malloc(next + 1)))
		goto fail;
	memcpy(cx->header, buf, next);
	cx->header[next] = '\0';
	cx->header_len = next;
	for (size_t i = 0; i < nc; i++) {
		size_t s = cells[i].start, e = cells[i].end;
		shuan_buf_reset(&v);
		if ((rc = deid_csv_unquote(buf + s, e - s, &v)) != 0)
			goto fail;
		const char *name = shuan_buf_str(&v);
		size_t nl = v.len, a = 0, b;
		strip_bom(&name, &nl);
		b = nl;
		deid_trim(name, &a, &b);
		if (!(cx->names[i] = shuan_strndup(name + a, b - a))) {
			rc = SHUAN_ENOMEM;
			goto fail;
		}
		cx->name_len[i] = b - a;
		cx->rules[i] = deid_masker_column_rule(m, cx->names[i], cx->name_len[i]);
		cx->qi[i] = -1;
	}
	/* every column the policy names must be there: a rule that silently
	 * matches nothing would leave the column unmasked */
	rc = SHUAN_EINVAL;
	for (size_t i = 0; i < m->nfields; i++) {
		const deid_field_rule *f = &m->fields[i];
		if (f->kind == RULE_PATH || find_column(cx, f->key) >= 0)
			continue;
		const deid_rule *r = &SHUAN_VEC_AT(&m->policy->rules, deid_rule, f->rule);
		column_list(cx, list, sizeof(list));
		snprintf(err, errlen, "%s: column '%s' is not in %s (its columns: %s)", r->where, f->key,
		         path, list);
		goto fail;
	}
	const deid_kanon *k = &m->policy->kanon;
	for (size_t i = 0; k->on && i < k->nqi; i++) {
		int c = find_column(cx, k->qi[i]);
		if (c < 0) {
			column_list(cx, list, sizeof(list));
			snprintf(err, errlen,
			         "%s: quasi-identifier '%s' is not a column of %s (its columns: %s)",
			         k->where, k->qi[i], path, list);
			goto fail;
		}
		cx->qi[c] = (int)i;
		cx->nqi++;
	}
	rc = 0;
fail:
	if (rc == SHUAN_ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc)
		deid_csv_ctx_free(cx);
	shuan_free(cells);
	shuan_buf_free(&v);
	return rc;
}

/* The value offset of raw offset `at` in a quoted cell raw[0..n). */
static size_t value_offset(const char *raw, size_t n, size_t at)
{
	size_t v = 0;
	bool inq = false;
	for (size_t i = 0; i < n && i < at; i++) {
		if (raw[i] == '"') {
			if (inq && i + 1 < n && raw[i + 1] == '"') {
				v++;
				i++;
				continue;
			}
			inq = !inq;
			continue;
		}
		v++;
	}
	return v;
}

/* The findings in a cell, in its value's coordinates: a quoted cell's
 * offsets move by its quote characters. */
static int cell_finds(deid_worker *w, const char *buf, const deid_csv_cell *c, const deid_find *f, size_t nf,
                      size_t *fi, bool all, shuan_vec *into)
{
	int rc = deid_finds_in(w, f, nf, fi, c->start, c->end, all, into);
	if (rc || !c->quoted)
		return rc;
	size_t k = 0;
	for (size_t i = 0; i < into->n; i++) {
		deid_find x = SHUAN_VEC_AT(into, deid_find, i);
		x.start = value_offset(buf + c->start, c->end - c->start, (size_t)x.start);
		x.end = value_offset(buf + c->start, c->end - c->start, (size_t)x.end);
		if (x.end > x.start)
			SHUAN_VEC_AT(into, deid_find, k++) = x;
	}
	into->n = k;
	return 0;
}

/* The detector of a finding that covers the whole (trimmed) value, or -1. */
static int whole_value_det(const char *v, size_t n, const shuan_vec *finds)
{
	size_t s = 0, e = n;
	deid_trim(v, &s, &e);
	for (size_t i = 0; i < finds->n; i++) {
		const deid_find *x = &SHUAN_VEC_AT(finds, deid_find, i);
		if (x->start <= s && x->end >= e)
			return x->det;
	}
	return -1;
}

int deid_csv_mask_block(deid_worker *w, const deid_csv_ctx *cx, const char *buf, size_t len, bool first,
                        const deid_find *f, size_t nf, shuan_buf *out, uint64_t *records, uint64_t *err_line)
{
	const shuan_masker *m = w->m;
	deid_csv_cell *cells = w->cells;
	size_t pos = 0, fi = 0, *qs = w->qs, *qe = w->qe;
	uint64_t line = 0;
	bool header = first;
	int rc = 0;

	*records = 0;
	while (pos < len) {
		size_t nc, next, eol, rec_out = out->len;
		if (!deid_csv_record(buf, pos, len, cx->delim, cells, CSV_MAX_COLUMNS, &nc, &next, &eol)) {
			*err_line = line;
			snprintf(w->errmsg, sizeof(w->errmsg),
			         "a quoted field is not closed before the end of the input");
			return SHUAN_EINVAL;
		}
		/* a blank line is copied as it is */
		if (nc == 1 && cells[0].end == cells[0].start) {
			if ((rc = shuan_buf_add(out, buf + pos, next - pos)) != 0)
				return rc;
			goto next_record;
		}
		if (!header && nc != cx->ncols && !m->opt.allow_ragged) {
			*err_line = line;
			snprintf(w->errmsg, sizeof(w->errmsg),
			         "%zu fields where the header has %zu (a ragged row; --allow-ragged masks "
			         "such rows by their "
			         "findings)",
			         nc, cx->ncols);
			return SHUAN_EINVAL;
		}
		if (nc > CSV_MAX_COLUMNS) {
			*err_line = line;
			snprintf(w->errmsg, sizeof(w->errmsg), "more than %d fields", CSV_MAX_COLUMNS);
			return SHUAN_ELIMIT;
		}
		bool hashing = !header && cx->nqi && w->kmode != KANON_OFF;
		if (hashing)
			for (size_t i = 0; i < cx->ncols; i++)
				qs[i] = qe[i] = SIZE_MAX;
		size_t prev = pos;
		for (size_t i = 0; i < nc; i++) {
			const deid_csv_cell *c = &cells[i];
			const char *name = i < cx->ncols && !header ? cx->names[i] : NULL;
			size_t nl = name ? cx->name_len[i] : 0;
			const deid_field_rule *fr = !header && i < cx->ncols ? cx->rules[i] : NULL;
			/* the delimiter (and nothing else) lies between cells */
			if ((rc = shuan_buf_add(out, buf + prev, c->start - prev)) != 0)
				return rc;
			size_t cell_out = out->len;
			if ((rc = cell_finds(w, buf, c, f, nf, &fi, fr != NULL, &w->cellfinds)) != 0)
				return rc;
			if (fr || w->cellfinds.n ||
			    (m->opt.unmask && memmem(buf + c->start, c->end - c->start, "SM4:", 4))) {
				const char *v = buf + c->start;
				size_t vn = c->end - c->start;
				if (c->quoted) {
					shuan_buf_reset(&w->value);
					if ((rc = deid_csv_unquote(v, vn, &w->value)) != 0)
						return rc;
					v = shuan_buf_str(&w->value);
					vn = w->value.len;
				}
				shuan_buf_reset(&w->scratch);
				bool changed = true;
				if (m->opt.unmask)
					rc = deid_unmask_value(w, name, nl, v, vn, &w->scratch, &changed);
				else if (fr)
					rc = deid_mask_value(w, fr, whole_value_det(v, vn, &w->cellfinds),
					                     name, nl, v, vn, &w->scratch);
				else
					rc = deid_rewrite_spans(w, name, nl, v, vn, 0, w->cellfinds.v,
					                        w->cellfinds.n, &w->scratch);
				if (rc) {
					*err_line = line;
					return rc;
				}
				if (changed)
					rc = deid_csv_quote(w->scratch.p ? w->scratch.p : "", w->scratch.len,
					                    cx->delim, c->quoted, out);
				else
					rc = shuan_buf_add(out, buf + c->start, c->end - c->start);
			} else {
				rc = shuan_buf_add(out, buf + c->start, c->end - c->start);
			}
			if (rc)
				return rc;
			if (hashing && i < cx->ncols && cx->qi[i] >= 0) {
				qs[i] = cell_out;
				qe[i] = out->len;
			}
			prev = c->end;
		}
		if ((rc = shuan_buf_add(out, buf + prev, next - prev)) != 0)
			return rc;
		if (hashing && (rc = deid_kanon_record(w, cx, out, rec_out, qs, qe)) != 0)
			return rc;
		if (!header)
			(*records)++;
	next_record:
		for (size_t i = pos; i < next; i++)
			line += buf[i] == '\n';
		pos = next;
		header = false;
	}
	return 0;
}
