/*
 * util/alloc.h - the library's allocator. Every allocation in libshuan goes
 * through shuan_malloc & co. so embedders can swap it and tests can fail the
 * Nth allocation (style guide 8).
 */
#ifndef SHUAN_UTIL_ALLOC_H
#define SHUAN_UTIL_ALLOC_H

#include <stddef.h>

void *shuan_malloc(size_t size);
void *shuan_calloc(size_t n, size_t size);
void *shuan_realloc(void *ptr, size_t size);
void shuan_free(void *ptr);
char *shuan_strdup(const char *s);
char *shuan_strndup(const char *s, size_t n);

/* Test hook: make the Nth allocation from now fail (0 disables). */
void shuan_alloc_fail_after(long n);

#endif
