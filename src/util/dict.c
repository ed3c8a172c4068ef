/*
 * util/dict.c - the immutable string dictionary behind the rules/data tables.
 *
 * A table file is read whole into one buffer that the dictionary owns. Lines
 * are split in place (the newline, the optional CR and the TAB become NULs),
 * so each entry is two pointers into that buffer plus the key length. The
 * entry array is sorted with qsort (for iteration in key order and to drop
 * duplicate keys) and indexed by an open-addressing hash table for lookups.
 * Nothing is modified after loading, so concurrent lookups need no lock.
 *
 * Limits: a line longer than DICT_MAX_LINE bytes or a file larger than
 * DICT_MAX_FILE bytes is refused with SHUAN_ELIMIT (tables are curated data,
 * not user input, but a corrupt file must not blow up memory).
 */
#include "util/dict.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shuan/common.h"
#include "util/alloc.h"
#include "util/io.h"
#include "util/utf8.h"

#define DICT_MAX_LINE 4096
#define DICT_MAX_FILE (64L * 1024 * 1024)

typedef struct entry {
	const char *key;
	size_t klen;
	const char *value;
} entry;

/* A text some key begins with: its bytes are the first len of key. */
typedef struct prefix {
	const char *key;
	uint32_t len;
	uint32_t kind; /* what shuan_dict_prefix returns: 2 a key itself, 1 only a beginning */
} prefix;

struct shuan_dict {
	char *text;     /* owned file contents (NULL for from_keys) */
	entry *entries; /* sorted by key */
	size_t n;
	uint32_t *slots; /* open-addressing index: entry index + 1, 0 = empty */
	size_t mask;     /* slots - 1 (a power of two, at least twice n) */
	/* every beginning of a key that ends on a whole character, indexed
	 * the same way, built by the first shuan_dict_prefix (most runs never
	 * ask, and the two division tables take milliseconds to index) */
	pthread_once_t prefixes_once;
	prefix *prefixes;
	size_t nprefixes;
	uint32_t *pslots;
	size_t pmask;
};

/* The index's hash: 8 bytes at a time, multiply and fold (the tables are
 * curated data, not chosen by an adversary, so a keyed hash buys nothing).
 * Validators look up several substrings per candidate (an address tries
 * every division-name length), so a lookup must cost one hash and one
 * compare rather than a binary search of memcmp calls. */
static uint64_t key_hash(const char *k, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, k, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		k += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, k, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

/* True when s[0..n) ends with a whole UTF-8 character (by its lead byte;
 * ASCII counts), so that in a valid UTF-8 key the next byte would begin
 * another character. */
static bool ends_on_char(const char *s, size_t n)
{
	size_t j = n;
	while (j > 0 && n - j < 3 && shuan_utf8_is_cont((unsigned char)s[j - 1]))
		j--;
	return j > 0 && j - 1 + shuan_utf8_lead_len((unsigned char)s[j - 1]) == n;
}

/* The lengths of key e at which a prefix is indexed: every length at which
 * a query that ends on a whole character can match it. */
static bool prefix_boundary(const entry *e, size_t l)
{
	return l == e->klen || !shuan_utf8_is_cont((unsigned char)e->key[l]) || ends_on_char(e->key, l);
}

static int index_slots(uint32_t **slots, size_t *mask, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	if (n >= UINT32_MAX || !(*slots = shuan_calloc(cap, sizeof(**slots))))
		return SHUAN_ENOMEM;
	*mask = cap - 1;
	return SHUAN_OK;
}

static void slot_add(uint32_t *slots, size_t mask, const char *key, size_t len, size_t i)
{
	size_t j = (size_t)key_hash(key, len) & mask;
	while (slots[j])
		j = (j + 1) & mask;
	slots[j] = (uint32_t)(i + 1);
}

/* Keys are sorted, so the keys that begin with one text are neighbours: a
 * prefix is new unless the previous key begins with it too, and the first
 * key with a prefix is the prefix itself when that is a key. Passes: 0
 * counts, 1 fills. */
static int build_prefixes(shuan_dict *d)
{
	if (d->n == 0)
		return SHUAN_OK;
	for (int pass = 0; pass < 2; pass++) {
		d->nprefixes = 0;
		for (size_t i = 0; i < d->n; i++) {
			const entry *e = &d->entries[i];
			size_t shared = 0; /* bytes the previous key begins with too */
			if (i)
				while (shared < e->klen && shared < d->entries[i - 1].klen &&
				       d->entries[i - 1].key[shared] == e->key[shared])
					shared++;
			for (size_t l = shared + 1; l <= e->klen; l++) {
				if (!prefix_boundary(e, l))
					continue;
				if (pass) {
					d->prefixes[d->nprefixes] = (prefix){e->key, (uint32_t)l, l == e->klen ? 2u : 1u};
					slot_add(d->pslots, d->pmask, e->key, l, d->nprefixes);
				}
				d->nprefixes++;
			}
		}
		if (pass == 0 && (d->nprefixes >= UINT32_MAX ||
				  !(d->prefixes = shuan_calloc(d->nprefixes ? d->nprefixes : 1, sizeof(prefix))) ||
				  index_slots(&d->pslots, &d->pmask, d->nprefixes)))
			return SHUAN_ENOMEM;
	}
	return SHUAN_OK;
}

static int build_index(shuan_dict *d)
{
	if (index_slots(&d->slots, &d->mask, d->n))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < d->n; i++)
		slot_add(d->slots, d->mask, d->entries[i].key, d->entries[i].klen, i);
	return SHUAN_OK;
}

/* pthread_once passes no argument: the dictionary being indexed, per
 * thread (one once-call runs at a time per dictionary, in its caller's
 * thread). */
static _Thread_local shuan_dict *indexing;

static void index_prefixes(void)
{
	shuan_dict *d = indexing;
	if (build_prefixes(d)) { /* out of memory: lookups fall back to the binary search */
		shuan_free(d->pslots);
		shuan_free(d->prefixes);
		d->pslots = NULL;
		d->prefixes = NULL;
	}
}

static int cmp_entry(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	return (x->klen > y->klen) - (x->klen < y->klen);
}

static shuan_dict *new_dict(void)
{
	static const pthread_once_t once = PTHREAD_ONCE_INIT;
	shuan_dict *d = shuan_calloc(1, sizeof(*d));
	if (d)
		d->prefixes_once = once;
	return d;
}

/* Writes "path:line: msg" (or "path: msg" when line is 0) into errbuf. */
static void set_err(char *errbuf, size_t errlen, const char *path, long line, const char *msg)
{
	if (!errbuf || !errlen)
		return;
	if (line > 0)
		snprintf(errbuf, errlen, "%s:%ld: %s", path, line, msg);
	else
		snprintf(errbuf, errlen, "%s: %s", path, msg);
}

/* Sorts and drops duplicate keys. qsort is not stable, so which duplicate's
 * value survives is unspecified; the tables should not hold duplicates. */
static void sort_unique(shuan_dict *d)
{
	if (d->n == 0)
		return;
	qsort(d->entries, d->n, sizeof(entry), cmp_entry);
	size_t w = 1;
	for (size_t i = 1; i < d->n; i++)
		if (cmp_entry(&d->entries[w - 1], &d->entries[i]) != 0)
			d->entries[w++] = d->entries[i];
	d->n = w;
}

/* Reads the whole file into a NUL-terminated buffer. */
static int read_file(char **out, size_t *outlen, const char *path, char *errbuf, size_t errlen)
{
	int rc = shuan_io_read_file(path, DICT_MAX_FILE, out, outlen);
	if (rc == SHUAN_ELIMIT)
		set_err(errbuf, errlen, path, 0, "table larger than 64 MiB");
	else if (rc == SHUAN_ENOTFOUND || rc == SHUAN_EIO)
		set_err(errbuf, errlen, path, 0, strerror(errno));
	return rc;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* Splits one line in place into an entry; returns false for comments/blanks. */
static bool parse_line(char *line, size_t len, entry *e)
{
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0 || line[0] == '#')
		return false;
	char *tab = memchr(line, '\t', len);
	e->key = line;
	e->value = "";
	e->klen = len;
	if (tab) {
		*tab = '\0';
		e->klen = (size_t)(tab - line);
		e->value = tab + 1;
	}
	return e->klen > 0;
}

static int split_lines(shuan_dict *d, size_t len, const char *path, char *errbuf, size_t errlen)
{
	char *p = d->text, *end = d->text + len;
	long lineno = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (l > DICT_MAX_LINE) {
			set_err(errbuf, errlen, path, lineno, "line longer than 4096 bytes");
			return SHUAN_ELIMIT;
		}
		p[l] = '\0';
		if (parse_line(p, l, &d->entries[d->n]))
			d->n++;
		p += l + 1;
	}
	return SHUAN_OK;
}

int shuan_dict_load(shuan_dict **out, const char *path, char *errbuf, size_t errlen)
{
	*out = NULL;
	size_t len = 0;
	shuan_dict *d = new_dict();
	if (!d)
		return SHUAN_ENOMEM;
	int rc = read_file(&d->text, &len, path, errbuf, errlen);
	if (rc)
		goto cleanup;
	d->entries = shuan_calloc(count_lines(d->text, len), sizeof(entry));
	if (!d->entries) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	rc = split_lines(d, len, path, errbuf, errlen);
	if (rc)
		goto cleanup;
	sort_unique(d);
	if ((rc = build_index(d)))
		goto cleanup;
	*out = d;
	d = NULL;
cleanup:
	shuan_dict_free(d);
	return rc;
}

int shuan_dict_from_keys(shuan_dict **out, const char *const *keys, size_t n)
{
	*out = NULL;
	shuan_dict *d = new_dict();
	if (!d)
		return SHUAN_ENOMEM;
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		total += keys[i] ? strlen(keys[i]) + 1 : 0;
	d->text = shuan_malloc(total);
	d->entries = shuan_calloc(n ? n : 1, sizeof(entry));
	if (!d->text || !d->entries) {
		shuan_dict_free(d);
		return SHUAN_ENOMEM;
	}
	char *p = d->text;
	for (size_t i = 0; i < n; i++) {
		if (!keys[i] || !keys[i][0])
			continue;
		size_t l = strlen(keys[i]);
		memcpy(p, keys[i], l + 1);
		d->entries[d->n++] = (entry){p, l, ""};
		p += l + 1;
	}
	sort_unique(d);
	if (build_index(d)) {
		shuan_dict_free(d);
		return SHUAN_ENOMEM;
	}
	*out = d;
	return SHUAN_OK;
}

void shuan_dict_free(shuan_dict *d)
{
	if (!d)
		return;
	shuan_free(d->slots);
	shuan_free(d->pslots);
	shuan_free(d->prefixes);
	shuan_free(d->entries);
	shuan_free(d->text);
	shuan_free(d);
}

const char *shuan_dict_get(const shuan_dict *d, const char *key, size_t len)
{
	if (!d || !key || d->n == 0)
		return NULL;
	for (size_t j = (size_t)key_hash(key, len) & d->mask; d->slots[j]; j = (j + 1) & d->mask) {
		const entry *e = &d->entries[d->slots[j] - 1];
		if (e->klen == len && !memcmp(e->key, key, len))
			return e->value;
	}
	return NULL;
}

/* shuan_dict_prefix with the caller's share done: h is key_hash(key, len)
 * and whole whether key ends on a whole character. */
static int prefix_in(const shuan_dict *d, const char *key, size_t len, uint64_t h, bool whole)
{
	if (!d || !key || d->n == 0)
		return 0;
	indexing = (shuan_dict *)d; /* the index is built once, behind the const view */
	pthread_once(&((shuan_dict *)d)->prefixes_once, index_prefixes);
	if (d->pslots && whole) {
		/* one probe: every such beginning of a key is indexed */
		for (size_t j = (size_t)h & d->pmask; d->pslots[j]; j = (j + 1) & d->pmask) {
			const prefix *p = &d->prefixes[d->pslots[j] - 1];
			if (p->len == len && !memcmp(p->key, key, len))
				return (int)p->kind;
		}
		return 0;
	}
	/* a query cut inside a character: the first key not below it */
	entry k = {key, len, NULL};
	size_t lo = 0, hi = d->n;
	while (lo < hi) { /* the first entry not below key */
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_entry(&d->entries[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == d->n || d->entries[lo].klen < len || memcmp(d->entries[lo].key, key, len))
		return 0;
	return d->entries[lo].klen == len ? 2 : 1;
}

int shuan_dict_prefix(const shuan_dict *d, const char *key, size_t len)
{
	bool whole = key && len && ends_on_char(key, len);
	return prefix_in(d, key, len, whole ? key_hash(key, len) : 0, whole);
}

void shuan_dict_prefix_n(const shuan_dict *const *d, size_t n, const char *key, size_t len, int *out)
{
	bool whole = key && len && ends_on_char(key, len);
	uint64_t h = whole ? key_hash(key, len) : 0;
	for (size_t i = 0; i < n; i++)
		out[i] = d[i] ? prefix_in(d[i], key, len, h, whole) : 0;
}

size_t shuan_dict_size(const shuan_dict *d)
{
	return d ? d->n : 0;
}

const char *shuan_dict_key(const shuan_dict *d, size_t i)
{
	return (d && i < d->n) ? d->entries[i].key : NULL;
}
