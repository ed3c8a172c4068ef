/*
 * util/dict.h - an immutable string dictionary loaded from a rules/data table.
 *
 * Table format (UTF-8 text): one entry per line, "key" or "key<TAB>value";
 * lines starting with '#' and blank lines are ignored. Keys are looked up
 * exactly (byte comparison). Built once, then read-only: safe to share
 * between threads without locking.
 */
#ifndef SHUAN_UTIL_DICT_H
#define SHUAN_UTIL_DICT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct shuan_dict shuan_dict;

/* Loads path into *out. Returns 0, SHUAN_ENOTFOUND, SHUAN_EIO, SHUAN_ENOMEM, or
 * SHUAN_ELIMIT for a line longer than 4096 bytes or a file over 64 MiB.
 * On failure *out is NULL and, if errbuf is given, a message is written. */
int shuan_dict_load(shuan_dict **out, const char *path, char *errbuf, size_t errlen);

/* Builds a dictionary from an in-memory array of keys (values ""). The keys
 * are copied; NULL and empty keys are skipped. */
int shuan_dict_from_keys(shuan_dict **out, const char *const *keys, size_t n);

void shuan_dict_free(shuan_dict *d);

/* Exact lookup of key[0..len). Returns the value ("" when the line had no
 * value) or NULL when absent. The pointer is owned by the dictionary. */
const char *shuan_dict_get(const shuan_dict *d, const char *key, size_t len);

static inline bool shuan_dict_has(const shuan_dict *d, const char *key, size_t len)
{
	return d && shuan_dict_get(d, key, len) != NULL;
}

/* Prefix lookup of key[0..len): 2 when it is a key, 1 when it is not but
 * some key begins with it, 0 otherwise; lets a caller find the longest key
 * at a position by growing the length until 0. One hash probe when key
 * ends on a whole UTF-8 character (every such beginning of a key is
 * indexed, by the first prefix lookup), else one binary search. */
int shuan_dict_prefix(const shuan_dict *d, const char *key, size_t len);

/* shuan_dict_prefix of one text in n tables at once, hashed once: out[i]
 * is table i's answer (0 for a NULL table). */
void shuan_dict_prefix_n(const shuan_dict *const *d, size_t n, const char *key, size_t len, int *out);

size_t shuan_dict_size(const shuan_dict *d);

/* The i-th key in sorted order (0 <= i < size), for iteration. */
const char *shuan_dict_key(const shuan_dict *d, size_t i);

#endif
