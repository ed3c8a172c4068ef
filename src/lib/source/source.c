/*
 * lib/source/source.c - dispatch of a path to the reader that understands it.
 * The first bytes decide (not the name alone): an archive or compressed
 * stream goes to archive.c, a zip that is an Office document to ooxml.c
 * (a zip that turns out not to be one is walked as an archive), anything
 * else straight to the scanner. Standard input is always read as a stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/source/archive.h"
#include "lib/scan/internal.h"
#include "shuan/source.h"
#include "util/alloc.h"

/* The first bytes of a regular file, or 0 when it cannot be read (the
 * scanner then reports why) or is not a regular file (a pipe's bytes would
 * be gone once peeked). */
static size_t peek_file(const char *path, unsigned char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	size_t n = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	while (n < cap) {
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	return n;
}

void shuan_archive__limits(arch_ctx *c, const shuan_source_options *opts)
{
	c->lim.max_depth = opts && opts->max_depth > 0 ? opts->max_depth : ARCH_DEFAULT_DEPTH;
	c->lim.max_expanded = opts && opts->max_expanded ? opts->max_expanded : ARCH_DEFAULT_EXPANDED;
	c->lim.max_ratio = opts && opts->max_ratio > 0 ? opts->max_ratio : ARCH_DEFAULT_RATIO;
	c->lim.max_member = opts && opts->max_member_size ? opts->max_member_size : c->s->opt.max_file_size;
}

/* Standard input after a peek: the peeked bytes, then the rest. */
struct stdin_rd {
	const unsigned char *peek;
	size_t npeek, pos;
};

static long stdin_read(void *ctx, char *buf, size_t cap)
{
	struct stdin_rd *r = ctx;
	if (r->pos < r->npeek) {
		size_t n = r->npeek - r->pos < cap ? r->npeek - r->pos : cap;
		memcpy(buf, r->peek + r->pos, n);
		r->pos += n;
		return (long)n;
	}
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, cap);
		if (n >= 0)
			return (long)n;
		if (errno != EINTR)
			return SHUAN_EIO;
	}
}

static size_t peek_stdin(unsigned char *buf, size_t cap)
{
	size_t n = 0;
	while (n < cap) {
		ssize_t k = read(STDIN_FILENO, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	return n;
}

/* An Office document on standard input: buffered (its zip needs two passes,
 * up to ARCH_MAX_BUFFERED bytes), then read as one; larger ones are walked
 * as a zip stream. Returns what shuan_ooxml__scan returns, or
 * SHUAN_ENOTFOUND when it was not buffered (nothing consumed beyond head). */
static int stdin_ooxml(arch_ctx *c, const unsigned char *head, size_t nhead, const char *path)
{
	size_t cap = ARCH_MAX_BUFFERED, len = nhead;
	char *buf = shuan_malloc(cap);
	int rc;
	if (!buf)
		return SHUAN_ENOMEM;
	memcpy(buf, head, nhead);
	while (len < cap) {
		ssize_t k = read(STDIN_FILENO, buf + len, cap - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	if (len == cap) {
		/* Too large to buffer: walk what we have plus the rest as a zip. */
		rc = shuan_archive__scan_stdin(c, (const unsigned char *)buf, len, path);
	} else {
		c->lim.compressed += len;
		rc = shuan_ooxml__scan(c, NULL, buf, len, path);
		if (rc == SHUAN_ENOTFOUND)
			rc = shuan_archive__scan_memory(c, buf, len, path);
	}
	shuan_free(buf);
	return rc;
}

int shuan_scan_source(shuan_scanner *s, const char *path, const shuan_source_options *opts, shuan_finding_fn fcb,
		      shuan_input_fn icb, void *ud)
{
	unsigned char head[ARCH_SNIFF];
	arch_kind kind = ARCH_PLAIN;
	bool is_stdin = !strcmp(path, "-");
	size_t nhead = is_stdin ? peek_stdin(head, sizeof(head)) : peek_file(path, head, sizeof(head));
	int rc;

	kind = shuan_archive__sniff(head, nhead, is_stdin ? NULL : path);
	if (kind != ARCH_PLAIN) {
		arch_ctx c;
		memset(&c, 0, sizeof(c));
		c.s = s;
		c.fcb = fcb;
		c.icb = icb;
		c.ud = ud;
		shuan_archive__limits(&c, opts);
		rc = SHUAN_ENOTFOUND;
		if (is_stdin && kind == ARCH_OOXML)
			rc = stdin_ooxml(&c, head, nhead, path);
		else if (is_stdin)
			rc = shuan_archive__scan_stdin(&c, head, nhead, path);
		else if (kind == ARCH_OOXML)
			rc = shuan_ooxml__scan(&c, path, NULL, 0, path);
		if (rc == SHUAN_ENOTFOUND) {
			memset(&c.lim.expanded, 0, sizeof(c.lim) - offsetof(arch_limits, expanded));
			rc = shuan_archive__scan_file(&c, path, path);
		}
		return rc == SHUAN_EINTR ? rc : 0;
	}

	shuan_input_result res;
	shuan_input in = {path, path, SHUAN_FORMAT_AUTO};
	if (is_stdin) {
		struct stdin_rd r = {head, nhead, 0};
		shuan_reader rd = {stdin_read, &r};
		in.name_hint = NULL;
		rc = shuan_scanner_scan_reader(s, &in, &rd, fcb, ud, &res);
	} else {
		rc = shuan_scanner_scan_file(s, path, &in, fcb, ud, &res);
	}
	if (rc == SHUAN_EINTR)
		return rc;
	if (icb)
		icb(path, &res, ud);
	return 0;
}
