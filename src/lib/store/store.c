/*
 * lib/store/store.c - the store directory, its SQLite database and fingerprint key.
 */
#include "lib/store/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "util/alloc.h"

struct shuan_store {
	char *dir;
	sqlite3 *db;
	char errmsg[512];
};


void shuan_store__seterr(shuan_store *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
	va_end(ap);
}

sqlite3 *shuan_store__db(shuan_store *s) { return s ? s->db : NULL; }
const char *shuan_store_errmsg(const shuan_store *s) { return s ? s->errmsg : "no store"; }
const char *shuan_store_dir(const shuan_store *s) { return s ? s->dir : NULL; }

int shuan_store_default_dir(char *buf, size_t len)
{
	const char *env = getenv("SHUAN_STORE");
	int n;
	if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if ((env = getenv("XDG_DATA_HOME")) && *env)
		n = snprintf(buf, len, "%s/shuan", env);
	else if ((env = getenv("HOME")) && *env)
		n = snprintf(buf, len, "%s/.local/share/shuan", env);
	else
		return SHUAN_ENOTFOUND;
	return (n < 0 || (size_t)n >= len) ? SHUAN_ELIMIT : 0;
}

/* mkdir -p with mode 0700 for the directories we create. */
static int make_dirs(const char *path)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* WAL mode and foreign keys. Switching a new file to WAL needs a lock that
 * SQLite's busy handler does not always wait for, so two processes opening
 * a new store at once retry here for a while instead of failing. */
static int set_wal(sqlite3 *db, char **err)
{
	int rc = SQLITE_BUSY;
	for (int tries = 0; tries < 100 && (rc == SQLITE_BUSY || rc == SQLITE_LOCKED); tries++) {
		if (tries) {
			struct timespec ts = {0, 50 * 1000 * 1000};
			sqlite3_free(*err);
			*err = NULL;
			nanosleep(&ts, NULL);
		}
		rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON", NULL, NULL, err);
	}
	return rc;
}

int shuan_store_open(shuan_store **out, const char *dir, char *errbuf, size_t errlen)
{
	char path[4096], msg[400];
	char *err = NULL;
	shuan_store *s = NULL;
	int rc = SHUAN_ESTORE;

	*out = NULL;
	if (!dir || !*dir) {
		rc = SHUAN_EINVAL;
		if (errbuf)
			snprintf(errbuf, errlen, "no store directory given");
		return rc;
	}
	if (make_dirs(dir) != 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot create store directory %s: %s", dir, strerror(errno));
		return SHUAN_EIO;
	}
	if (snprintf(path, sizeof(path), "%s/shuan.db", dir) >= (int)sizeof(path))
		return SHUAN_ELIMIT;
	s = shuan_calloc(1, sizeof(*s));
	if (!s || !(s->dir = shuan_strdup(dir))) {
		rc = SHUAN_ENOMEM;
		goto fail;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot open %s: %s", path,
				 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	chmod(path, 0600);
	sqlite3_busy_timeout(s->db, 5000);
	if (set_wal(s->db, &err) != SQLITE_OK) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot initialise %s: %s", path, err ? err : "?");
		sqlite3_free(err);
		goto fail;
	}
	if (shuan_store__migrate(s->db, msg, sizeof(msg)) != 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "store %s: %s", path, msg);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (rc == SHUAN_ENOMEM && errbuf)
		snprintf(errbuf, errlen, "out of memory");
	shuan_store_free(s);
	return rc;
}

void shuan_store_free(shuan_store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	shuan_free(s->dir);
	shuan_free(s);
}

int shuan_store_fingerprint_key(shuan_store *s, unsigned char key[32])
{
	char path[4096];
	int fd;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/fingerprint.key", s->dir) >= (int)sizeof(path))
		return SHUAN_ELIMIT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, key, 32);
		close(fd);
		if (n == 32)
			return 0;
		shuan_store__seterr(s, "fingerprint key %s is damaged (expected 32 bytes)", path);
		return SHUAN_ESTORE;
	}
	if (RAND_bytes(key, 32) != 1) {
		shuan_store__seterr(s, "no random bytes for the fingerprint key");
		return SHUAN_ERROR;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* Another process may have created it first: read theirs. */
		if (errno == EEXIST)
			return shuan_store_fingerprint_key(s, key);
		shuan_store__seterr(s, "cannot create %s: %s", path, strerror(errno));
		return SHUAN_EIO;
	}
	n = write(fd, key, 32);
	close(fd);
	if (n != 32) {
		shuan_store__seterr(s, "cannot write %s", path);
		return SHUAN_EIO;
	}
	return 0;
}
