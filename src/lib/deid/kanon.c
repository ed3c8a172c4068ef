/*
 * lib/deid/kanon.c - k-anonymity suppression (see kanon.h): hashing or
 * suppressing one record's quasi-identifiers.
 */
#include <string.h>

#include "lib/deid/internal.h"
#include "util/alloc.h"

/* The quasi-identifier value of an output cell: unquoted and trimmed, as
 * shuan risk reads it. */
static int qi_value(deid_worker *w, const char *cell, size_t n, const char **v, size_t *vn)
{
	size_t a = 0, b;
	shuan_buf_reset(&w->value);
	int rc = deid_csv_unquote(cell, n, &w->value);
	if (rc)
		return rc;
	b = w->value.len;
	deid_trim(shuan_buf_str(&w->value), &a, &b);
	*v = shuan_buf_str(&w->value) + a;
	*vn = b - a;
	return 0;
}

int deid_kanon_record(deid_worker *w, const deid_csv_ctx *cx, shuan_buf *out, size_t rec, const size_t *qs,
                      const size_t *qe)
{
	shuan_hasher h;
	int rc;
	shuan_hasher_init(&h, 0);
	/* fields in the policy's order of quasi-identifiers */
	for (size_t q = 0; q < cx->nqi; q++)
		for (size_t i = 0; i < cx->ncols; i++) {
			if (cx->qi[i] != (int)q)
				continue;
			const char *v = "";
			size_t vn = 0;
			if (qs[i] != SIZE_MAX &&
			    (rc = qi_value(w, out->p + qs[i], qe[i] - qs[i], &v, &vn)) != 0)
				return rc;
			shuan_hasher_field(&h, v, vn);
		}
	shuan_hash128 t = shuan_hasher_final(&h);
	if (w->kmode == KANON_COUNT)
		return shuan_vec_push(&w->tuples, &t);
	if (!w->rare || !shuan_countmap_get(w->rare, &t))
		return 0;
	/* a class below k: its quasi-identifiers become "*" */
	shuan_buf *tmp = &w->scratch2;
	size_t pos = rec;
	shuan_buf_reset(tmp);
	for (size_t i = 0; i < cx->ncols; i++) {
		if (cx->qi[i] < 0 || qs[i] == SIZE_MAX)
			continue;
		if ((rc = shuan_buf_add(tmp, out->p + pos, qs[i] - pos)) != 0 ||
		    (rc = shuan_buf_addc(tmp, '*')) != 0)
			return rc;
		pos = qe[i];
	}
	if ((rc = shuan_buf_add(tmp, out->p + pos, out->len - pos)) != 0)
		return rc;
	out->len = rec;
	w->suppressed++;
	return shuan_buf_add(out, tmp->p, tmp->len);
}
