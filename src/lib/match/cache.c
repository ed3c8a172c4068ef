/*
 * lib/match/cache.c - the compiled Vectorscan database kept on disk between
 * runs, so a scan of one small file does not spend half a second compiling
 * the same patterns again.
 *
 * The key is a SHA-256 over everything the database depends on: this file's
 * format, the library and Vectorscan versions, the CPU platform Vectorscan
 * compiles for (hs_populate_platform: tuning and instruction-set features),
 * the scan mode, every pattern string with its flags, id and value part
 * (vectorscan.c), and the caller's salt (the rules' content: every selected
 * detector file). The key names the file (vectorscan-<48 hex>.hsdb) and is
 * written inside it too, so a file copied or renamed onto another key's name
 * is refused.
 *
 * File layout (little-endian, native sizes):
 *   8  magic "SHUANHS\0"
 *   4  format version (CACHE_FORMAT)
 *   4  reserved, 0
 *   32 key
 *   8  payload length
 *   32 SHA-256 of the payload
 *   .. payload: 4 the pattern count n, n x 4 each pattern's fixed width (0:
 *      compiled with SOM; vectorscan.c), then hs_serialize_database() bytes
 * A file whose magic, version, key, length or checksum is wrong, or that
 * Vectorscan refuses to deserialise, is never used: the patterns are
 * compiled again and the file replaced. Writes go to a temporary file in the
 * same directory that is renamed over the final name, so a reader (another
 * process) sees the old file or the new one, never half of one; two
 * processes writing at once both rename complete, identical files. A
 * directory that cannot be created or written is not an error: the caller
 * compiled in memory and reports the note.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hs/hs.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/match/internal.h"
#include "shuan/common.h"
#include "util/alloc.h"
#include "util/io.h"

#define CACHE_MAGIC "SHUANHS"
#define CACHE_FORMAT 2u /* 2: the fixed widths before the database */
#define CACHE_HEADER (8 + 4 + 4 + 32 + 8 + 32)
#define CACHE_MAX_FILE (256u << 20) /* a database of ~30 patterns is a few MiB */
#define CACHE_KEEP 8                /* entries kept per directory (rule selections, versions) */
#define CACHE_TMP_AGE 600           /* seconds after which a leftover temporary file is removed */

__attribute__((format(printf, 2, 3))) static void note(shuan_matcher_cache *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->note, sizeof(c->note), fmt, ap);
	va_end(ap);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int sha256(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 0;
	return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32 ? 0 : SHUAN_ERROR;
}

/* Hashes one length-prefixed field, so ("ab","c") and ("a","bc") differ. */
static int add_field(EVP_MD_CTX *h, const void *p, size_t n)
{
	unsigned char len[8];
	put_u64(len, n);
	return EVP_DigestUpdate(h, len, 8) == 1 && EVP_DigestUpdate(h, p, n) == 1 ? 0 : SHUAN_ERROR;
}

int shuan_match__cache_key(shuan_matcher_cache *c, const char *const *exprs, const char *const *values,
			   const unsigned *flags, size_t n)
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	hs_platform_info_t plat;
	unsigned char num[8];
	unsigned int len = 0;
	int rc = SHUAN_ERROR;

	if (!h)
		return SHUAN_ENOMEM;
	memset(&plat, 0, sizeof(plat));
	if (hs_populate_platform(&plat) != HS_SUCCESS)
		goto cleanup;
	const char *ver = hs_version(), *lib = shuan_version();
	if (EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1 || add_field(h, CACHE_MAGIC, 8) ||
	    add_field(h, lib, strlen(lib)) || add_field(h, ver, strlen(ver)))
		goto cleanup;
	put_u64(num, plat.tune);
	if (add_field(h, num, 8))
		goto cleanup;
	put_u64(num, plat.cpu_features);
	if (add_field(h, num, 8))
		goto cleanup;
	put_u64(num, HS_MODE_BLOCK);
	if (add_field(h, num, 8))
		goto cleanup;
	put_u64(num, n);
	if (add_field(h, num, 8))
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		put_u64(num, (uint64_t)flags[i] << 32 | i);
		const char *v = values[i] ? values[i] : "";
		if (add_field(h, num, 8) || add_field(h, exprs[i], strlen(exprs[i])) || add_field(h, v, strlen(v)))
			goto cleanup;
	}
	if (add_field(h, c->salt ? (const void *)c->salt : "", c->salt ? c->salt_len : 0) ||
	    EVP_DigestFinal_ex(h, c->key, &len) != 1 || len != 32)
		goto cleanup;
	char hex[49];
	for (int i = 0; i < 24; i++)
		snprintf(hex + 2 * i, 3, "%02x", c->key[i]);
	if (snprintf(c->path, sizeof(c->path), "%s/vectorscan-%s.hsdb", c->dir, hex) >= (int)sizeof(c->path)) {
		note(c, "the rules cache directory name is too long");
		goto cleanup;
	}
	rc = 0;
cleanup:
	EVP_MD_CTX_free(h);
	return rc;
}

/* Why a cache file is refused, or NULL when it is sound: header, key,
 * length and checksum. */
static const char *check_file(const shuan_matcher_cache *c, const unsigned char *b, size_t len)
{
	unsigned char sum[32];
	if (len < CACHE_HEADER || memcmp(b, CACHE_MAGIC, 8) != 0)
		return "not a rules cache file";
	if (get_u32(b + 8) != CACHE_FORMAT)
		return "written by another version of the cache format";
	if (memcmp(b + 16, c->key, 32) != 0)
		return "compiled from other rules";
	if (get_u64(b + 48) != len - CACHE_HEADER)
		return "truncated";
	if (sha256(b + CACHE_HEADER, len - CACHE_HEADER, sum) || memcmp(sum, b + 56, 32) != 0)
		return "damaged (checksum mismatch)";
	return NULL;
}

/* The payload's widths, when they are n of them: its bytes, else 0. */
static size_t read_widths(const unsigned char *p, size_t len, unsigned *width, size_t n)
{
	if (len < 4 || get_u32(p) != n || (len - 4) / 4 < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		width[i] = get_u32(p + 4 + 4 * i);
	return 4 + 4 * n;
}

int shuan_match__cache_load(shuan_matcher_cache *c, struct hs_database **db, unsigned *width, size_t n)
{
	char *b = NULL;
	size_t len = 0, w;
	const char *why;
	int rc = shuan_io_read_file(c->path, CACHE_MAX_FILE, &b, &len);

	*db = NULL;
	if (rc == SHUAN_ENOTFOUND)
		return rc; /* the usual miss: nothing to say */
	if (rc == SHUAN_ENOMEM)
		return rc;
	if (rc) {
		note(c, "the rules cache %s could not be read (%s); compiled the patterns again", c->path,
		     rc == SHUAN_ELIMIT ? "too large" : strerror(errno));
		return rc;
	}
	if ((why = check_file(c, (const unsigned char *)b, len))) {
		note(c, "the rules cache %s was %s; compiled the patterns again%s", c->path, why,
		     c->read_only ? " (not replaced: the cache is read-only here)" : "");
		rc = SHUAN_EINVAL;
	} else if (!(w = read_widths((const unsigned char *)b + CACHE_HEADER, len - CACHE_HEADER, width, n))) {
		note(c, "the rules cache %s was compiled from another number of patterns; compiled the patterns again%s",
		     c->path, c->read_only ? " (not replaced: the cache is read-only here)" : "");
		rc = SHUAN_EINVAL;
	} else if (hs_deserialize_database(b + CACHE_HEADER + w, len - CACHE_HEADER - w, db) != HS_SUCCESS) {
		*db = NULL;
		note(c, "the rules cache %s was refused by Vectorscan; compiled the patterns again%s", c->path,
		     c->read_only ? " (not replaced: the cache is read-only here)" : "");
		rc = SHUAN_EINVAL;
	}
	shuan_free(b);
	return rc;
}

/* Removes leftover temporary files and all but the newest CACHE_KEEP
 * entries (other rule selections, older versions); never the file just
 * written. Best effort: a directory with more than CACHE_SCAN entries is
 * pruned over the first CACHE_SCAN it lists. */
#define CACHE_SCAN 256
typedef struct cache_entry {
	char name[64];
	time_t mtime;
} cache_entry;

static int newest_first(const void *a, const void *b)
{
	const cache_entry *x = a, *y = b;
	return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : strcmp(x->name, y->name);
}

static void prune(const shuan_matcher_cache *c)
{
	cache_entry *v = shuan_calloc(CACHE_SCAN, sizeof(*v));
	size_t n = 0;
	time_t now = time(NULL);
	const char *self = strrchr(c->path, '/');
	char path[sizeof(c->path) + 80];
	DIR *d = v ? opendir(c->dir) : NULL;
	struct dirent *de;

	while (d && n < CACHE_SCAN && (de = readdir(d))) {
		struct stat st;
		size_t l = strlen(de->d_name);
		bool tmp = !strncmp(de->d_name, ".vectorscan-", 12);
		bool db = !strncmp(de->d_name, "vectorscan-", 11) && l > 5 && !strcmp(de->d_name + l - 5, ".hsdb");
		if ((!tmp && !db) || l >= sizeof(v[0].name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->dir, de->d_name);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (tmp) {
			if (now - st.st_mtime > CACHE_TMP_AGE)
				unlink(path);
			continue;
		}
		if (self && !strcmp(self + 1, de->d_name))
			continue;
		memcpy(v[n].name, de->d_name, l + 1);
		v[n++].mtime = st.st_mtime;
	}
	if (d)
		closedir(d);
	if (n > CACHE_KEEP - 1) {
		qsort(v, n, sizeof(*v), newest_first);
		for (size_t i = CACHE_KEEP - 1; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s", c->dir, v[i].name);
			unlink(path);
		}
	}
	shuan_free(v);
}

/* mkdir -p of the cache directory (mode 0755: it holds compiled public
 * patterns, nothing from scanned data). */
static int make_dirs(const char *dir)
{
	char p[4096];
	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

int shuan_match__cache_store(shuan_matcher_cache *c, const struct hs_database *db, const unsigned *width, size_t n)
{
	unsigned char head[CACHE_HEADER], *widths = NULL;
	char *bytes = NULL, tmp[sizeof(c->path) + 32];
	size_t len = 0, wlen = 4 + 4 * n;
	int fd = -1, rc = SHUAN_EIO, err = 0;
	EVP_MD_CTX *h = NULL;
	unsigned int hl = 0;

	tmp[0] = '\0';
	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) {
		note(c, "could not serialise the compiled patterns for the rules cache");
		return SHUAN_ERROR;
	}
	if (!(widths = shuan_malloc(wlen))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	put_u32(widths, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		put_u32(widths + 4 + 4 * i, width[i]);
	memset(head, 0, sizeof(head));
	memcpy(head, CACHE_MAGIC, 8);
	put_u32(head + 8, CACHE_FORMAT);
	memcpy(head + 16, c->key, 32);
	put_u64(head + 48, wlen + len);
	if (!(h = EVP_MD_CTX_new()) || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(h, widths, wlen) != 1 || EVP_DigestUpdate(h, bytes, len) != 1 ||
	    EVP_DigestFinal_ex(h, head + 56, &hl) != 1 || hl != 32) {
		rc = SHUAN_ERROR;
		goto cleanup;
	}
	if (make_dirs(c->dir) != 0) {
		err = errno;
		goto cleanup;
	}
	snprintf(tmp, sizeof(tmp), "%s/.vectorscan-XXXXXX", c->dir);
	if ((fd = mkstemp(tmp)) < 0) {
		err = errno;
		tmp[0] = '\0';
		goto cleanup;
	}
	if (fchmod(fd, 0644) != 0 || shuan_io_write_full(fd, head, sizeof(head)) != 0 ||
	    shuan_io_write_full(fd, widths, wlen) != 0 || shuan_io_write_full(fd, bytes, len) != 0) {
		err = errno ? errno : EIO;
		goto cleanup;
	}
	if (close(fd) != 0) {
		fd = -1;
		err = errno;
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, c->path) != 0) {
		err = errno;
		goto cleanup;
	}
	tmp[0] = '\0';
	rc = 0;
	prune(c);
cleanup:
	if (fd >= 0)
		close(fd);
	if (rc && tmp[0])
		unlink(tmp);
	if (rc && err)
		note(c, "the rules cache directory %s cannot be written (%s); compiled the patterns in memory "
			"(run 'shuan rules compile --cache DIR' where it can be written, or use --no-cache)",
		     c->dir, strerror(err));
	EVP_MD_CTX_free(h);
	shuan_free(widths);
	free(bytes); /* Vectorscan's misc allocator: malloc */
	return rc;
}
