/*
 * util/io.h - the few system-call loops every reader needs, written once:
 * reads that retry on EINTR, a read of up to n bytes that only stops at the
 * end, a write of all n bytes, a bounded whole-file read, a peek at a
 * regular file's first bytes, and an anonymous temporary file.
 */
#ifndef SHUAN_UTIL_IO_H
#define SHUAN_UTIL_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One read(2), retried on EINTR: the count, 0 at the end, -1 on error
 * (errno set). */
ssize_t shuan_io_read(int fd, void *buf, size_t cap);

/* Reads until buf holds n bytes or the input ends: the count, or -1 on
 * error (errno set). */
ssize_t shuan_io_read_full(int fd, void *buf, size_t n);

/* write(2) until all n bytes are written, retried on EINTR: 0, or -1 on
 * error (errno set; EIO when the device took nothing). */
int shuan_io_write_full(int fd, const void *buf, size_t n);

/* A new temporary file in dir (NULL or "": $TMPDIR, else /tmp), mode 0600,
 * already unlinked: nobody else can open it and it is gone when fd closes,
 * however the process ends. prefix names it while it exists ("shuan-risk").
 * Returns the fd open for reading and writing, or -1 (errno set). */
int shuan_io_temp_fd(const char *dir, const char *prefix);

/* pread(2) until n bytes from off are read or the file ends: the count, or
 * -1 on error (errno set). */
ssize_t shuan_io_pread_full(int fd, void *buf, size_t n, uint64_t off);

/* The next piece of the byte range [*pos, end) of fd: up to cap bytes from
 * *pos, read as shuan_io_pread_full() does, *pos moved past them (a reader
 * of one part of a file). Returns the count, 0 once *pos reaches end, or -1
 * on error (errno set, *pos unchanged). */
ssize_t shuan_io_pread_range(int fd, void *buf, size_t cap, uint64_t *pos, uint64_t end);

/*
 * Reads the regular file at path into a NUL-terminated buffer owned by the
 * caller (shuan_free). Returns 0; SHUAN_ENOTFOUND (no such file), SHUAN_EIO
 * (unreadable, not a regular file: errno says why), SHUAN_ELIMIT (larger
 * than max bytes) or SHUAN_ENOMEM.
 */
int shuan_io_read_file(const char *path, size_t max, char **out, size_t *len);

/* The first cap bytes of a regular file (0 when it cannot be opened or is
 * not a regular file: a pipe's bytes would be gone once peeked). */
size_t shuan_io_peek_file(const char *path, void *buf, size_t cap);

/*
 * Bytes read ahead of a stream (to sniff what it is) and served again before
 * the stream's own bytes: every reader that peeks uses this.
 */
typedef struct shuan_peeked {
	const unsigned char *p;
	size_t n, pos;
} shuan_peeked;

/* Copies up to cap of the bytes not yet served into buf: the count, 0 once
 * all were served. */
size_t shuan_peeked_copy(shuan_peeked *k, void *buf, size_t cap);

/* Points *out at all the bytes not yet served and marks them served: the
 * count, 0 once all were served (for zero-copy readers). */
size_t shuan_peeked_rest(shuan_peeked *k, const void **out);

#endif
