/*
 * lib/deid/kanon.c - k-anonymity suppression (see kanon.h): the class map,
 * and hashing or suppressing one record's quasi-identifiers.
 */
#include <string.h>

#include "lib/deid/internal.h"
#include "util/alloc.h"

void deid_classmap_init(deid_classmap *c, size_t max)
{
	memset(c, 0, sizeof(*c));
	c->max = max;
}

void deid_classmap_free(deid_classmap *c)
{
	shuan_free(c->keys);
	shuan_free(c->counts);
	memset(c, 0, sizeof(*c));
}

static size_t slot_of(const deid_classmap *c, shuan_hash128 h)
{
	size_t i = (size_t)h.lo & (c->cap - 1);
	while (c->counts[i] && (c->keys[i].lo != h.lo || c->keys[i].hi != h.hi))
		i = (i + 1) & (c->cap - 1);
	return i;
}

static int grow(deid_classmap *c)
{
	size_t cap = c->cap ? c->cap * 2 : 1024;
	shuan_hash128 *keys = shuan_malloc(cap * sizeof(*keys));
	uint64_t *counts = shuan_calloc(cap, sizeof(*counts));
	if (!keys || !counts) {
		shuan_free(keys);
		shuan_free(counts);
		return SHUAN_ENOMEM;
	}
	deid_classmap old = *c;
	c->keys = keys;
	c->counts = counts;
	c->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.counts[i]) {
			size_t s = slot_of(c, old.keys[i]);
			c->keys[s] = old.keys[i];
			c->counts[s] = old.counts[i];
		}
	shuan_free(old.keys);
	shuan_free(old.counts);
	return 0;
}

int deid_classmap_add(deid_classmap *c, shuan_hash128 h, uint64_t count)
{
	if (c->n + 1 > c->cap / 2) {
		if (c->n >= c->max)
			return SHUAN_ELIMIT;
		int rc = grow(c);
		if (rc)
			return rc;
	}
	size_t s = slot_of(c, h);
	if (!c->counts[s]) {
		if (c->n >= c->max)
			return SHUAN_ELIMIT;
		c->keys[s] = h;
		c->n++;
	}
	c->counts[s] += count;
	return 0;
}

uint64_t deid_classmap_get(const deid_classmap *c, shuan_hash128 h)
{
	if (!c->cap)
		return 0;
	return c->counts[slot_of(c, h)];
}

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
	if (!w->rare || !deid_classmap_get(w->rare, t))
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
