/*
 * util/io.c - read loops (see io.h).
 */
#include "util/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shuan/common.h"
#include "util/alloc.h"

ssize_t shuan_io_read(int fd, void *buf, size_t cap)
{
	for (;;) {
		ssize_t n = read(fd, buf, cap);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

ssize_t shuan_io_read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = shuan_io_read(fd, (char *)buf + got, n - got);
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

int shuan_io_write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int shuan_io_temp_fd(const char *dir, const char *prefix)
{
	char path[4096];
	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s-XXXXXX", dir, prefix) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(path); /* mode 0600 */
	if (fd >= 0)
		unlink(path);
	return fd;
}

ssize_t shuan_io_pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

ssize_t shuan_io_pread_range(int fd, void *buf, size_t cap, uint64_t *pos, uint64_t end)
{
	size_t want = *pos >= end ? 0 : end - *pos < cap ? (size_t)(end - *pos) : cap;
	ssize_t n = want ? shuan_io_pread_full(fd, buf, want, *pos) : 0;
	if (n > 0)
		*pos += (uint64_t)n;
	return n;
}

int shuan_io_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd, rc = SHUAN_EIO, e;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? SHUAN_ENOTFOUND : SHUAN_EIO;
	if (fstat(fd, &st) != 0)
		goto cleanup;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto cleanup;
	}
	if ((uint64_t)st.st_size > max) {
		rc = SHUAN_ELIMIT;
		goto cleanup;
	}
	/* one spare byte also tells a file that grew since fstat */
	if (!(buf = shuan_malloc((size_t)st.st_size + 2))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	n = shuan_io_read_full(fd, buf, (size_t)st.st_size + 1);
	if (n < 0)
		goto cleanup;
	if ((size_t)n > max) {
		rc = SHUAN_ELIMIT;
		goto cleanup;
	}
	buf[n] = '\0';
	*out = buf;
	*len = (size_t)n;
	buf = NULL;
	rc = 0;
cleanup:
	e = errno;
	shuan_free(buf);
	close(fd);
	errno = e;
	return rc;
}

size_t shuan_io_peek_file(const char *path, void *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	ssize_t n = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = shuan_io_read_full(fd, buf, cap);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

size_t shuan_peeked_copy(shuan_peeked *k, void *buf, size_t cap)
{
	size_t n = k->n - k->pos < cap ? k->n - k->pos : cap;
	if (n)
		memcpy(buf, k->p + k->pos, n);
	k->pos += n;
	return n;
}

size_t shuan_peeked_rest(shuan_peeked *k, const void **out)
{
	size_t n = k->n - k->pos;
	*out = k->p + k->pos;
	k->pos = k->n;
	return n;
}
