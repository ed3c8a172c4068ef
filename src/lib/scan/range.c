/*
 * lib/scan/range.c - scanning one line-aligned part of a large file, so that
 * a single 20 GB CSV keeps every core busy. Parts are widened to whole lines
 * (see shuan_scanner__scan_file_range() in scanner.h) so that consecutive
 * parts cover every line exactly once and a value never straddles two parts;
 * CSV parts read the header from the file's first line; the caller numbers
 * lines by adding the newlines of the parts before.
 *
 * Only plain UTF-8 (or ASCII) text is split: archives, Office files, other
 * encodings and single JSON documents are scanned whole, because their
 * meaning at an offset depends on everything before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/scan/decode.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/io.h"
#include "util/magic.h"

#define HEAD_BYTES (64u << 10)


shuan_format shuan_scanner__splittable(shuan_scanner *s, const char *path)
{
	/* Decide as the whole-file path would: the same detection on the same
	 * head (one chunk), so a file is read alike whatever --jobs is. */
	size_t cap = s->opt.chunk_size;
	char *head = s->buf; /* idle between inputs: no scan is in progress */
	shuan_enc enc;
	size_t bom;
	char why[160];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return SHUAN_FORMAT_AUTO;
	n = shuan_io_pread_full(fd, head, cap, 0);
	struct stat st;
	bool more = fstat(fd, &st) == 0 && (uint64_t)st.st_size > (uint64_t)(n > 0 ? n : 0);
	close(fd);
	if (n <= 0 || shuan_magic((const unsigned char *)head, (size_t)n, NULL) != SHUAN_MAGIC_NONE)
		return SHUAN_FORMAT_AUTO;
	if (s->enc.forced)
		enc = s->enc.enc;
	else if (shuan_enc_detect(head, (size_t)n, more, &enc, &bom, why, sizeof(why)) != 0)
		return SHUAN_FORMAT_AUTO;
	if (enc != SHUAN_ENC_UTF8)
		return SHUAN_FORMAT_AUTO;
	shuan_format f = s->opt.format != SHUAN_FORMAT_AUTO ? s->opt.format
							    : shuan_scanner__guess_format(path, head, (size_t)n);
	return f == SHUAN_FORMAT_JSON || f == SHUAN_FORMAT_AUTO ? SHUAN_FORMAT_AUTO : f;
}

static char csv_delim(shuan_format f)
{
	return f == SHUAN_FORMAT_TSV ? '\t' : ',';
}

/* The offset where the part that nominally starts at `at` really starts. */
static int align(int fd, uint64_t at, uint64_t size, uint64_t *out)
{
	char buf[4096];
	if (at == 0 || at >= size) {
		*out = at < size ? at : size;
		return 0;
	}
	for (uint64_t pos = at - 1; pos < size;) {
		ssize_t n = shuan_io_pread_full(fd, buf, sizeof(buf), pos);
		if (n <= 0)
			return n < 0 ? SHUAN_EIO : (*out = size, 0);
		const char *nl = memchr(buf, '\n', (size_t)n);
		if (nl) {
			*out = pos + (uint64_t)(nl - buf) + 1;
			return 0;
		}
		pos += (uint64_t)n;
	}
	*out = size;
	return 0;
}

/* Bytes read at a time, and how far past a nominal split point at most,
 * when looking for a CSV line start the whole file's reading agrees on. */
#define SYNC_BLOCK (256u << 10)
#define SYNC_MAX_DISTANCE (64ull << 20)

/* The first line start at or after `from` (a line start) where a CSV/TSV
 * part may begin (seg_csv_sync), or size when there is none near. */
static int csv_sync_from(int fd, uint64_t from, uint64_t size, char delim, char *buf, uint64_t *out)
{
	seg_csv_sync_state st;
	uint64_t pos = from;
	seg_csv_sync_begin(&st);
	while (pos < size && pos - from <= SYNC_MAX_DISTANCE) {
		ssize_t n = shuan_io_pread_full(fd, buf, SYNC_BLOCK, pos);
		if (n < 0)
			return SHUAN_EIO;
		if (n == 0)
			break;
		size_t at = seg_csv_sync(&st, buf, (size_t)n, pos + (uint64_t)n >= size, delim);
		if (at != SIZE_MAX) {
			*out = pos + at;
			return 0;
		}
		pos += (uint64_t)n;
	}
	*out = size;
	return 0;
}

int shuan_scanner__split(shuan_scanner *s, const char *path, shuan_format f, uint64_t size, uint64_t part_size,
			 uint64_t **starts, size_t *n)
{
	size_t cap = (size_t)(size / (part_size ? part_size : 1)) + 1, k = 0;
	uint64_t *v = shuan_malloc(cap * sizeof(*v)), prev = 0;
	char *buf = NULL;
	bool csv = f == SHUAN_FORMAT_CSV || f == SHUAN_FORMAT_TSV;
	int fd = -1, rc = 0;

	(void)s;
	*starts = NULL;
	*n = 0;
	if (!v || (csv && !(buf = shuan_malloc(SYNC_BLOCK)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	v[k++] = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		goto cleanup; /* one part: the scan says why it cannot be read */
	for (uint64_t at = part_size; part_size && at < size && k < cap; at += part_size) {
		uint64_t p;
		if (at <= prev)
			continue;
		if (align(fd, at, size, &p) || (csv && p < size && csv_sync_from(fd, p, size, csv_delim(f), buf, &p)))
			break; /* a read error: no more split points (the parts before still cover the file) */
		if (p >= size)
			break;
		if (p <= prev)
			continue;
		v[k++] = p;
		prev = p;
	}
cleanup:
	if (fd >= 0)
		close(fd);
	shuan_free(buf);
	if (rc) {
		shuan_free(v);
		return rc;
	}
	*starts = v;
	*n = k;
	return 0;
}

struct part_reader {
	int fd;
	uint64_t pos, end, newlines;
};

static long part_read(void *ctx, char *buf, size_t cap)
{
	struct part_reader *p = ctx;
	ssize_t n = shuan_io_pread_range(p->fd, buf, cap, &p->pos, p->end);
	if (n < 0)
		return SHUAN_EIO;
	for (const char *q = buf, *e = buf + n; (q = memchr(q, '\n', (size_t)(e - q))); q++)
		p->newlines++;
	return (long)n;
}

int shuan_scanner__scan_file_range(shuan_scanner *s, const char *path, const shuan_input *in, uint64_t start,
				  uint64_t end, shuan_finding_fn cb, void *ud, shuan_input_result *res,
				  uint64_t *newlines)
{
	shuan_input_result dummy;
	char header[HEAD_BYTES];
	struct stat st;
	struct part_reader pr = {-1, 0, 0, 0};
	int rc;

	if (!res)
		res = &dummy;
	shuan_result__reset(res);
	if (newlines)
		*newlines = 0;
	if ((pr.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(pr.fd, &st) != 0) {
		int e = errno;
		if (pr.fd >= 0)
			close(pr.fd);
		return shuan_result__skip(res, SHUAN_EIO, SHUAN_LIMIT_NONE, "%s", strerror(e));
	}
	uint64_t size = (uint64_t)st.st_size;
	/* The part was planned on the size the file had when it was split: a
	 * part opened after the file shrank below its end cannot be read in
	 * full, even when it reads every byte now there (the test of a file cut
	 * while --jobs read it failed when a later part opened after the cut). */
	bool cut = size < end;
	if ((rc = align(pr.fd, start, size, &pr.pos)) || (rc = align(pr.fd, end, size, &pr.end))) {
		close(pr.fd);
		return shuan_result__skip(res, rc, SHUAN_LIMIT_NONE, "read error");
	}
	scan_call c = {.cb = cb, .ud = ud, .range_base = pr.pos, .skip_sniff = pr.pos > 0};
	/* A CSV part after the first needs the header row for field names. */
	if (pr.pos > 0 && in && (in->format == SHUAN_FORMAT_CSV || in->format == SHUAN_FORMAT_TSV)) {
		ssize_t n = shuan_io_pread_full(pr.fd, header, sizeof(header), 0);
		const char *nl = n > 0 ? memchr(header, '\n', (size_t)n) : NULL;
		if (nl) {
			c.prime_header = header;
			c.prime_len = (size_t)(nl - header) + 1;
		}
	}
	shuan_reader rd = {part_read, &pr};
	rc = shuan_scanner__scan_stream(s, &c, in, &rd, res);
	if (rc == 0 && (pr.pos < pr.end || cut))
		shuan_result__warn(res, SHUAN_LIMIT_NONE, "the file shrank while it was read: bytes from %llu on were not scanned",
				   (unsigned long long)pr.pos);
	close(pr.fd);
	if (newlines)
		*newlines = pr.newlines;
	return rc;
}
