/*
 * lib/deid/spool.c - the copy of a stream for a second pass (spool.h).
 */
#include "lib/deid/spool.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shuan/common.h"
#include "util/io.h"

int deid_spool_open(deid_spool *s, shuan_reader src, const char *dir, const char *name, char *err,
                    size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->src = src;
	if ((s->fd = shuan_io_temp_fd(dir, "shuan-mask-spool")) < 0) {
		s->error = errno;
		deid_spool_message(s, name, err, errlen);
		return SHUAN_EIO;
	}
	return 0;
}

static long tee_read(void *ctx, char *buf, size_t cap)
{
	deid_spool *s = ctx;
	long n = s->src.read(s->src.ctx, buf, cap);
	if (n > 0 && shuan_io_write_full(s->fd, buf, (size_t)n) != 0) {
		s->error = errno;
		return SHUAN_EIO;
	}
	return n;
}

shuan_reader deid_spool_tee(deid_spool *s)
{
	shuan_reader r = {tee_read, s};
	return r;
}

static long replay_read(void *ctx, char *buf, size_t cap)
{
	deid_spool *s = ctx;
	ssize_t n = shuan_io_read(s->fd, buf, cap);
	if (n < 0) {
		s->error = errno;
		return SHUAN_EIO;
	}
	return (long)n;
}

int deid_spool_replay(deid_spool *s, shuan_reader *out)
{
	if (lseek(s->fd, 0, SEEK_SET) != 0) {
		s->error = errno;
		return SHUAN_EIO;
	}
	out->read = replay_read;
	out->ctx = s;
	return 0;
}

void deid_spool_message(const deid_spool *s, const char *name, char *err, size_t errlen)
{
	snprintf(err, errlen,
	         "%.200s%scannot keep the temporary copy of the rows that k_anonymity reads twice "
	         "(--tmpdir / $TMPDIR): %s",
	         name ? name : "", name ? ": " : "", strerror(s->error ? s->error : EIO));
}

void deid_spool_close(deid_spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
