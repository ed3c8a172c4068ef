/*
 * util/buf.c - bounded growable buffers (see buf.h). Capacity doubles from
 * a small start, clamped to the maximum.
 */
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "shuan/common.h"
#include "util/alloc.h"

void shuan_buf_init(shuan_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static int buf_room(shuan_buf *b, size_t n)
{
	size_t need, cap;
	if (b->err)
		return b->err;
	if (n > b->max - b->len)
		return b->err = SHUAN_ELIMIT;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = shuan_realloc(b->p, cap);
	if (!p)
		return b->err = SHUAN_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int shuan_buf__add_grow(shuan_buf *b, const void *data, size_t n)
{
	int rc = buf_room(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int shuan_buf_reserve(shuan_buf *b, size_t n) { return buf_room(b, n); }

int shuan_buf_adds(shuan_buf *b, const char *s) { return shuan_buf_add(b, s, strlen(s)); }

int shuan_buf_vaddf(shuan_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	char small[256];
	int n, rc;
	if (b->err)
		return b->err;
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return b->err = SHUAN_ERROR;
	}
	if ((size_t)n < sizeof(small)) {
		va_end(ap2);
		return shuan_buf_add(b, small, (size_t)n);
	}
	if ((rc = buf_room(b, (size_t)n))) {
		va_end(ap2);
		return rc;
	}
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
	return 0;
}

int shuan_buf_addf(shuan_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = shuan_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *shuan_buf_str(const shuan_buf *b) { return b->p ? b->p : ""; }

void shuan_buf_reset(shuan_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->p)
		b->p[0] = '\0';
}

char *shuan_buf_take(shuan_buf *b, size_t *len)
{
	char *p = b->p;
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	b->err = 0;
	return p;
}

void shuan_buf_free(shuan_buf *b)
{
	shuan_free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

void shuan_vec_init(shuan_vec *v, size_t elem, size_t max)
{
	memset(v, 0, sizeof(*v));
	v->elem = elem;
	v->max = max;
}

int shuan_vec_reserve(shuan_vec *v, size_t more)
{
	size_t cap;
	void *p;
	if (v->n > v->max || more > v->max - v->n)
		return SHUAN_ELIMIT;
	if (v->n + more <= v->cap)
		return 0;
	cap = v->cap ? v->cap : 16;
	while (cap < v->n + more)
		cap *= 2;
	if (cap > v->max)
		cap = v->max;
	if (cap > SIZE_MAX / v->elem)
		return SHUAN_ENOMEM;
	if (!(p = shuan_realloc(v->v, cap * v->elem)))
		return SHUAN_ENOMEM;
	v->v = p;
	v->cap = cap;
	return 0;
}

int shuan_vec__push_grow(shuan_vec *v, const void *e)
{
	int rc = v->n >= v->max ? SHUAN_ELIMIT : v->n < v->cap ? 0 : shuan_vec_reserve(v, 1);
	if (rc)
		return rc;
	memcpy((char *)v->v + v->n * v->elem, e, v->elem);
	v->n++;
	return 0;
}

int shuan_vec_add(shuan_vec *v, void **out)
{
	int rc = v->n >= v->max ? SHUAN_ELIMIT : v->n < v->cap ? 0 : shuan_vec_reserve(v, 1);
	*out = NULL;
	if (rc)
		return rc;
	*out = (char *)v->v + v->n * v->elem;
	memset(*out, 0, v->elem);
	v->n++;
	return 0;
}

int shuan_vec_resize(shuan_vec *v, size_t n)
{
	int rc;
	if (n <= v->n)
		return 0;
	if ((rc = shuan_vec_reserve(v, n - v->n)))
		return rc;
	memset((char *)v->v + v->n * v->elem, 0, (n - v->n) * v->elem);
	v->n = n;
	return 0;
}

void shuan_vec_free(shuan_vec *v)
{
	shuan_free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}
