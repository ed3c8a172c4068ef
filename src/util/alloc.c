/*
 * util/alloc.c - allocator indirection with a fault-injection hook for tests.
 */
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "shuan/common.h"

/* Set once before threads start (shuan_set_allocator contract); read-only after. */
static shuan_allocator g_alloc = {malloc, realloc, free};
/* Test-only countdown; tests are single-threaded when they use it. */
static long g_fail_countdown;

static int should_fail(void)
{
	if (g_fail_countdown <= 0)
		return 0;
	return --g_fail_countdown == 0;
}

void shuan_set_allocator(const shuan_allocator *a)
{
	if (a && a->malloc_fn && a->realloc_fn && a->free_fn)
		g_alloc = *a;
	else
		g_alloc = (shuan_allocator){malloc, realloc, free};
}

void shuan_alloc_fail_after(long n) { g_fail_countdown = n; }

void *shuan_malloc(size_t size)
{
	if (should_fail())
		return NULL;
	return g_alloc.malloc_fn(size ? size : 1);
}

void *shuan_calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	size_t total = n * size;
	void *p = shuan_malloc(total);
	if (p && total)
		memset(p, 0, total);
	return p;
}

void *shuan_realloc(void *ptr, size_t size)
{
	if (should_fail())
		return NULL;
	return g_alloc.realloc_fn(ptr, size ? size : 1);
}

void shuan_free(void *ptr)
{
	if (ptr)
		g_alloc.free_fn(ptr);
}

char *shuan_strndup(const char *s, size_t n)
{
	char *d = shuan_malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *shuan_strdup(const char *s) { return s ? shuan_strndup(s, strlen(s)) : NULL; }
