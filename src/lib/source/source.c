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
#include "lib/source/db_source.h"
#include "util/io.h"
#include "lib/scan/internal.h"
#include "shuan/source.h"
#include "util/alloc.h"

void shuan_archive__limits(arch_ctx *c, const shuan_source_options *opts)
{
	c->lim.max_depth = opts && opts->max_depth > 0 ? opts->max_depth : ARCH_DEFAULT_DEPTH;
	c->lim.max_expanded = opts && opts->max_expanded ? opts->max_expanded : ARCH_DEFAULT_EXPANDED;
	c->lim.max_ratio = opts && opts->max_ratio > 0 ? opts->max_ratio : ARCH_DEFAULT_RATIO;
	c->lim.max_member = opts && opts->max_member_size ? opts->max_member_size : c->s->opt.max_file_size;
}

/* Standard input after a peek: the peeked bytes, then the rest. */
static long stdin_read(void *ctx, char *buf, size_t cap)
{
	size_t k = shuan_peeked_copy(ctx, buf, cap);
	if (k)
		return (long)k;
	ssize_t n = shuan_io_read(STDIN_FILENO, buf, cap);
	return n >= 0 ? (long)n : SHUAN_EIO;
}

static size_t peek_stdin(unsigned char *buf, size_t cap)
{
	ssize_t n = shuan_io_read_full(STDIN_FILENO, buf, cap);
	return n > 0 ? (size_t)n : 0;
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
	ssize_t k = shuan_io_read_full(STDIN_FILENO, buf + len, cap - len);
	if (k > 0)
		len += (size_t)k;
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
	size_t nhead;
	int rc;

	if (opts && opts->version != SHUAN_SOURCE_OPTIONS_VERSION && opts->version != 1)
		return SHUAN_EINVAL;
	if (!is_stdin && shuan_db_looks_like_url(path)) {
		/* a database; any other scheme is refused by name, not looked up as a file */
		const shuan_db_options *dbo = opts && opts->version >= 2 ? opts->db : NULL;
		return shuan_db__scan_source(s, path, dbo, fcb, icb, ud);
	}
	nhead = is_stdin ? peek_stdin(head, sizeof(head)) : shuan_io_peek_file(path, head, sizeof(head));
	if (!is_stdin && shuan_db__is_sqlite_header(head, nhead))
		return shuan_db__scan_source(s, path, opts && opts->version >= 2 ? opts->db : NULL, fcb, icb, ud);

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
		return SHUAN_STOPPED(rc) ? rc : 0;
	}

	shuan_input_result res;
	shuan_input in = {path, path, SHUAN_FORMAT_AUTO};
	if (is_stdin) {
		shuan_peeked r = {head, nhead, 0};
		shuan_reader rd = {stdin_read, &r};
		in.name_hint = NULL;
		rc = shuan_scanner_scan_reader(s, &in, &rd, fcb, ud, &res);
	} else {
		rc = shuan_scanner_scan_file(s, path, &in, fcb, ud, &res);
	}
	if (rc == SHUAN_ESTOP)
		return rc;
	/* An interrupted input is still reported: the summary counts what was
	 * scanned of it. */
	if (icb)
		icb(path, &res, ud);
	return rc == SHUAN_EINTR ? rc : 0;
}
