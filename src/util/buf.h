/*
 * util/buf.h - bounded growable buffers (curl's dynbuf): every buffer is
 * created with a maximum, and growing past it is an error the caller sees
 * (SHUAN_ELIMIT), never unbounded memory and never silent truncation.
 *
 *   shuan_buf  bytes, always NUL-terminated (text, SQL, documents)
 *   shuan_vec  an array of fixed-size elements (candidates, rows, names)
 *
 * Both start empty without allocating; free() returns them to that state.
 * A shuan_buf remembers its first failure (err), so a writer may add many
 * pieces and check once at the end.
 */
#ifndef SHUAN_UTIL_BUF_H
#define SHUAN_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct shuan_buf {
	char *p;    /* the bytes, NUL-terminated once anything was added; NULL when empty */
	size_t len; /* bytes held, without the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* the most len may reach */
	int err;    /* sticky: the first failure; later adds do nothing and return it */
} shuan_buf;

void shuan_buf_init(shuan_buf *b, size_t max);
/* shuan_buf_add() when the buffer must grow, or fails. */
int shuan_buf__add_grow(shuan_buf *b, const void *data, size_t n);
/* Appends n bytes. Returns 0, SHUAN_ELIMIT (nothing appended) or SHUAN_ENOMEM.
 * A table's rows add a few pieces per cell: while there is room that costs
 * no call. */
static inline int shuan_buf_add(shuan_buf *b, const void *data, size_t n)
{
	if (b->err || n >= b->cap - b->len || n > b->max - b->len)
		return shuan_buf__add_grow(b, data, n);
	if (n) /* data may be NULL when n is 0 */
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}
int shuan_buf_adds(shuan_buf *b, const char *s);
/* Makes room for n more bytes (and the NUL) so a caller can write them at
 * p + len itself, then add to len. Returns 0, SHUAN_ELIMIT or SHUAN_ENOMEM. */
int shuan_buf_reserve(shuan_buf *b, size_t n);
static inline int shuan_buf_addc(shuan_buf *b, char c)
{
	return shuan_buf_add(b, &c, 1);
}
int shuan_buf_addf(shuan_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int shuan_buf_vaddf(shuan_buf *b, const char *fmt, va_list ap);
/* The text ("" when empty). */
const char *shuan_buf_str(const shuan_buf *b);
/* Empties the buffer, keeping its memory. */
void shuan_buf_reset(shuan_buf *b);
/* Hands the bytes to the caller (shuan_free them; NULL when empty) and
 * empties the buffer. */
char *shuan_buf_take(shuan_buf *b, size_t *len);
void shuan_buf_free(shuan_buf *b);

typedef struct shuan_vec {
	void *v;     /* n elements of `elem` bytes */
	size_t n, cap;
	size_t elem; /* element size */
	size_t max;  /* the most elements n may reach */
} shuan_vec;

void shuan_vec_init(shuan_vec *v, size_t elem, size_t max);
/* shuan_vec_push() when the vector must grow, or is full. */
int shuan_vec__push_grow(shuan_vec *v, const void *e);
/* Appends a copy of *e. Returns 0, SHUAN_ELIMIT (full) or SHUAN_ENOMEM.
 * Without a call while there is room (the scanner pushes every candidate
 * and hit, a table scan every cell's offsets). */
static inline int shuan_vec_push(shuan_vec *v, const void *e)
{
	if (v->n >= v->cap || v->n >= v->max)
		return shuan_vec__push_grow(v, e);
	memcpy((char *)v->v + v->n * v->elem, e, v->elem);
	v->n++;
	return 0;
}
/* Appends a zeroed element and points *out at it. Same returns. */
int shuan_vec_add(shuan_vec *v, void **out);
/* Grows the vector to at least n elements, the new ones zeroed (a sparse
 * index). Same returns. */
int shuan_vec_resize(shuan_vec *v, size_t n);
/* Makes room for `more` elements beyond n. Same returns. */
int shuan_vec_reserve(shuan_vec *v, size_t more);
void shuan_vec_free(shuan_vec *v);

#define SHUAN_VEC_AT(vec, type, i) (((type *)(vec)->v)[i])

#endif
