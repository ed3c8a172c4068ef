/*
 * lib/deid/spool.h - a copy of a stream kept for a second pass. A
 * k_anonymity policy reads its table twice (count the classes, then mask);
 * a file is simply opened again, but a database table's rows arrive once,
 * as a stream. The spool tees that stream into an anonymous temporary file
 * (mode 0600, unlinked at once: util/io shuan_io_temp_fd) while the first
 * pass reads it, and replays the same bytes to the second pass, so both
 * passes see the very same rows even if the table changes meanwhile, and
 * the server is read once. The file holds the rows as read, unmasked: it
 * lives in --tmpdir / $TMPDIR only for the run and nobody else can open it.
 */
#ifndef SHUAN_LIB_DEID_SPOOL_H
#define SHUAN_LIB_DEID_SPOOL_H

#include <stddef.h>

#include "shuan/scanner.h"

typedef struct deid_spool {
	shuan_reader src; /* the stream being copied */
	int fd;
	int error;        /* errno of a failed write or read of the copy, 0 */
} deid_spool;

/* Opens the copy in dir (NULL: $TMPDIR, else /tmp). Returns 0, or SHUAN_EIO
 * with err naming the input (name) and why. */
int deid_spool_open(deid_spool *s, shuan_reader src, const char *dir, const char *name, char *err,
                    size_t errlen);
/* The reader for the first pass: src's bytes, copied as they go by. */
shuan_reader deid_spool_tee(deid_spool *s);
/* The reader for the second pass: the copy from its first byte. Returns 0
 * or SHUAN_EIO. */
int deid_spool_replay(deid_spool *s, shuan_reader *out);
/* The message for s->error (the copy's directory could not take it). */
void deid_spool_message(const deid_spool *s, const char *name, char *err, size_t errlen);
void deid_spool_close(deid_spool *s);

#endif
