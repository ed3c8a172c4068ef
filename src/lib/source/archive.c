/*
 * lib/source/archive.c - walking archives and compressed streams with libarchive.
 *
 * An input whose first bytes say "archive or compressor" (shuan_archive__sniff)
 * is opened with libarchive: tar, zip, 7z, cpio, rar, cab, iso9660 and xar
 * formats, every filter libarchive has (gzip, bzip2, xz, lzma, zstd, lz4, …),
 * and the "raw" format last, so a single compressed stream (app.log.gz) reads
 * as one member named after the file without its suffix (app.log.gz!app.log).
 *
 * Each regular member is read as a stream: its first ARCH_SNIFF bytes are
 * peeked; an archive inside is opened on the parent's stream (no temporary
 * files) up to max_depth levels; an Office document is buffered (bounded) for
 * ooxml.c; anything else goes to the scanner through a shuan_reader, so
 * encoding and format detection apply to members as to files. Members are
 * reported as "outer.zip!dir/member.log".
 *
 * Limits (all per top-level archive, shared by the levels under it):
 * - expanded bytes: every byte decompression produces at any level counts
 *   (a nested archive's bytes count at each level they pass through);
 * - ratio: expanded / bytes read from the top-level file, judged only once
 *   ARCH_RATIO_FLOOR (64 MiB) has been expanded, so a small, very
 *   compressible log is never flagged; a bomb stops after ~64 MiB;
 * - members larger than the member size limit are skipped;
 * - encrypted members are skipped (no password is ever asked for);
 * - names that are absolute or contain ".." are scanned (nothing is ever
 *   written, so they are harmless here) with a warning;
 * - a truncated or corrupt archive: what was read is scanned, then the
 *   error is reported naming the archive.
 * When the expanded or ratio limit trips, the member is reported skipped,
 * the rest of the top-level archive is abandoned and the archive itself is
 * reported with the reason. Members whose data the scanner did not need
 * (binary, skipped) are drained through the same accounting, except in zip
 * where libarchive skips them without decompressing.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/source/archive.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/encoding.h"
#include "util/io.h"
#include "util/magic.h"
#include "util/utf8.h"

#define FILE_BUF (64u << 10)
#define CHILD_BUF (64u << 10)
#define MAX_DISPLAY 4096
#define PULL_MAX (64u << 10)

/* ---- sniffing ---- */

static bool has_suffix(const char *name, const char *suf)
{
	size_t n = name ? strlen(name) : 0, k = strlen(suf);
	return n >= k && !strcasecmp(name + n - k, suf);
}

arch_kind shuan_archive__sniff(const unsigned char *p, size_t n, const char *name)
{
	shuan_magic_kind k = shuan_magic(p, n, NULL);
	if (k == SHUAN_MAGIC_ZIP) {
		if (has_suffix(name, ".xlsx") || has_suffix(name, ".xlsm") || has_suffix(name, ".docx") ||
		    has_suffix(name, ".docm"))
			return ARCH_OOXML;
		/* Office writes [Content_Types].xml first: a zip named otherwise. */
		if (n >= 30 + 19 && p[2] == 3 && !memcmp(p + 30, "[Content_Types].xml", 19))
			return ARCH_OOXML;
		return ARCH_ARCHIVE;
	}
	return shuan_magic_is_container(k) ? ARCH_ARCHIVE : ARCH_PLAIN;
}

/* ---- limits ---- */

bool shuan_archive__account(arch_limits *l, uint64_t n)
{
	l->expanded += n;
	if (l->tripped)
		return true;
	if (l->expanded > l->max_expanded) {
		snprintf(l->reason, sizeof(l->reason), "archive expands beyond max_expanded (%llu MiB): possible zip bomb",
			 (unsigned long long)(l->max_expanded >> 20));
		l->kind = SHUAN_LIMIT_EXPANDED;
		l->tripped = true;
	} else if (l->expanded > ARCH_RATIO_FLOOR &&
		   (double)l->expanded > l->max_ratio * (double)(l->compressed ? l->compressed : 1)) {
		snprintf(l->reason, sizeof(l->reason),
			 "archive expands more than max_ratio %g times (%llu MiB from %llu KiB): possible zip bomb",
			 l->max_ratio, (unsigned long long)(l->expanded >> 20),
			 (unsigned long long)(l->compressed >> 10));
		l->kind = SHUAN_LIMIT_RATIO;
		l->tripped = true;
	}
	return l->tripped;
}

/* ---- reporting ---- */

static void report_limit(arch_ctx *c, const char *path, int code, shuan_limit limit, const char *reason)
{
	shuan_input_result r;
	shuan_result__reset(&r);
	if (code)
		shuan_result__skip(&r, code, limit, "%s", reason);
	else
		shuan_result__warn(&r, limit, "%s", reason);
	if (c->icb)
		c->icb(path, &r, c->ud);
}

static void report(arch_ctx *c, const char *path, int code, const char *reason)
{
	report_limit(c, path, code, SHUAN_LIMIT_NONE, reason);
}

/* "outer!name" with control characters shown as '?', at most MAX_DISPLAY bytes. */
static char *member_path(const char *outer, const char *name)
{
	size_t lo = strlen(outer), ln = strlen(name);
	if (lo + 1 + ln >= MAX_DISPLAY)
		ln = lo + 1 < MAX_DISPLAY - 1 ? MAX_DISPLAY - 2 - lo : 0;
	char *p = shuan_malloc(lo + ln + 2);
	if (!p)
		return NULL;
	memcpy(p, outer, lo);
	p[lo] = '!';
	for (size_t i = 0; i < ln; i++)
		p[lo + 1 + i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
	p[lo + 1 + ln] = '\0';
	return p;
}

/* The member name of a single compressed stream: the outer name without its
 * compressor suffix ("a.zip!app.log.gz" -> "app.log"). */
static void raw_name(const char *outer, char *out, size_t cap)
{
	static const char *const sufs[] = {".gz", ".bz2", ".xz", ".zst", ".zstd", ".lz4", ".lzma", ".Z", ".z", ".lz"};
	const char *b = strrchr(outer, '!'), *sl;
	b = b ? b + 1 : outer;
	if ((sl = strrchr(b, '/')))
		b = sl + 1;
	snprintf(out, cap, "%s", b);
	for (size_t i = 0; i < sizeof(sufs) / sizeof(sufs[0]); i++)
		if (has_suffix(out, sufs[i]) && strlen(out) > strlen(sufs[i])) {
			out[strlen(out) - strlen(sufs[i])] = '\0';
			return;
		}
	if (!out[0] || !strcmp(out, "-"))
		snprintf(out, cap, "stdin");
}

/* A member's name as UTF-8 where it can be had: as stored when it is UTF-8
 * (or flagged so), else libarchive's conversion, else - the usual case, a
 * zip made on Chinese Windows, GBK without the UTF-8 flag - read as GB18030
 * when the one sniffer (util/encoding) takes it for that. Anything else is
 * kept as bytes (the JSON writers then escape them). */
static const char *member_name(struct archive_entry *e, char *buf, size_t cap)
{
	const char *raw = archive_entry_pathname(e), *u8;
	if (raw && shuan_utf8_invalid(raw, strlen(raw), false) == 0)
		return *raw ? raw : "?";
	u8 = archive_entry_pathname_utf8(e);
	if (u8 && *u8 && shuan_utf8_invalid(u8, strlen(u8), false) == 0)
		return u8;
	if (!raw || !*raw)
		return "?";
	if (shuan_enc_name_to_utf8(raw, strlen(raw), buf, cap) == 0)
		return buf;
	return raw;
}

/* Absolute paths, drive letters and ".." components. */
static bool unsafe_name(const char *n)
{
	if (n[0] == '/' || n[0] == '\\' || (isalpha((unsigned char)n[0]) && n[1] == ':'))
		return true;
	for (const char *p = n; *p;) {
		size_t k = strcspn(p, "/\\");
		if (k == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += k;
		if (*p)
			p++;
	}
	return false;
}

/* ---- libarchive readers ---- */

static struct archive *new_reader(void)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_raw(a);
	return a;
}

/* The top-level file; counts the compressed bytes read for the ratio. */
struct file_src {
	int fd;
	arch_limits *lim;
	char *buf;
};

/* One read of fd into buf for libarchive, counted as compressed bytes (the
 * top-level file and standard input read alike). */
static la_ssize_t counted_read(struct archive *a, int fd, char *buf, arch_limits *lim, const void **out)
{
	ssize_t n = shuan_io_read(fd, buf, FILE_BUF);
	if (n < 0) {
		archive_set_error(a, errno, "read error");
		return ARCHIVE_FATAL;
	}
	lim->compressed += (uint64_t)n;
	*out = buf;
	return n;
}

static la_ssize_t file_read(struct archive *a, void *cd, const void **out)
{
	struct file_src *f = cd;
	return counted_read(a, f->fd, f->buf, f->lim, out);
}

static la_int64_t file_seek(struct archive *a, void *cd, la_int64_t off, int whence)
{
	struct file_src *f = cd;
	off_t r = lseek(f->fd, (off_t)off, whence);
	(void)a;
	return r < 0 ? ARCHIVE_FATAL : (la_int64_t)r;
}

static la_int64_t file_skip(struct archive *a, void *cd, la_int64_t req)
{
	struct file_src *f = cd;
	off_t cur = lseek(f->fd, 0, SEEK_CUR);
	(void)a;
	if (cur < 0 || lseek(f->fd, (off_t)req, SEEK_CUR) < 0)
		return 0;
	return req;
}

/* One member being read. */
struct member {
	arch_ctx *c;
	struct archive *a;
	unsigned char peek[ARCH_SNIFF];
	size_t npeek;
	shuan_peeked pk; /* the peeked bytes, served again to the scanner or a nested archive */
	uint64_t bytes;
	uint64_t max;   /* member size limit, 0 = none */
	bool eof;
	int err;        /* 0, SHUAN_ELIMIT or SHUAN_EIO */
	shuan_limit limit; /* the limit behind SHUAN_ELIMIT */
	char errmsg[160];
	char *cbuf;     /* read buffer when an archive is opened on this member */
};

/* Decompressed bytes of the member, with the limits applied. */
static long pull(struct member *m, void *buf, size_t cap)
{
	if (m->err)
		return m->err;
	if (m->eof)
		return 0;
	/* archive_read_data() drops what it copied in a call that meets an
	 * error: small calls keep the loss of a damaged archive small. */
	if (cap > PULL_MAX)
		cap = PULL_MAX;
	la_ssize_t n = archive_read_data(m->a, buf, cap);
	if (n == 0) {
		m->eof = true;
		return 0;
	}
	if (n < 0) {
		const char *e = archive_error_string(m->a);
		m->err = SHUAN_EIO;
		snprintf(m->errmsg, sizeof(m->errmsg), "truncated or corrupt archive (%s)", e ? e : "read error");
		return m->err;
	}
	m->bytes += (uint64_t)n;
	if (shuan_archive__account(&m->c->lim, (uint64_t)n)) {
		m->err = SHUAN_ELIMIT;
		m->limit = m->c->lim.kind;
		snprintf(m->errmsg, sizeof(m->errmsg), "%s", m->c->lim.reason);
		return m->err;
	}
	if (m->max && m->bytes > m->max) {
		m->err = SHUAN_ELIMIT;
		m->limit = SHUAN_LIMIT_FILE_SIZE;
		snprintf(m->errmsg, sizeof(m->errmsg), "larger than max_file_size (%llu bytes)", (unsigned long long)m->max);
		return m->err;
	}
	return (long)n;
}

/* The shuan_reader over a member: the peeked bytes, then the rest. A
 * damaged archive ends the stream (what was read is scanned; the walk
 * reports the damage), a limit fails it. */
static long member_read(void *ctx, char *buf, size_t cap)
{
	struct member *m = ctx;
	size_t k = shuan_peeked_copy(&m->pk, buf, cap);
	if (k)
		return (long)k;
	long n = pull(m, buf, cap);
	return n == SHUAN_EIO ? 0 : n;
}

/* The libarchive read callback of an archive nested in a member. */
static la_ssize_t child_read(struct archive *a, void *cd, const void **out)
{
	struct member *m = cd;
	size_t k = shuan_peeked_rest(&m->pk, out);
	if (k)
		return (la_ssize_t)k;
	long n = pull(m, m->cbuf, CHILD_BUF);
	if (n < 0) {
		archive_set_error(a, EINVAL, "%s", m->errmsg);
		return ARCHIVE_FATAL;
	}
	*out = m->cbuf;
	return n;
}

/* Reads what is left of a member through the accounting (see the top). */
static void drain(struct member *m)
{
	char buf[16384];
	if ((archive_format(m->a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP)
		return;
	m->pk.pos = m->pk.n;
	while (pull(m, buf, sizeof(buf)) > 0)
		if (shuan_scanner__cancelled(m->c->s))
			break;
}

static int walk(arch_ctx *c, struct archive *a, const char *apath, int depth);

/* An archive inside a member, read from the member's stream. */
static int member_archive(arch_ctx *c, struct member *m, const char *mpath, int depth)
{
	struct archive *ca = new_reader();
	int rc = 0;
	if (!ca || !(m->cbuf = shuan_malloc(CHILD_BUF))) {
		report(c, mpath, SHUAN_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (archive_read_open(ca, m, NULL, child_read, NULL) != ARCHIVE_OK) {
		char msg[160];
		const char *e = archive_error_string(ca);
		snprintf(msg, sizeof(msg), "%s", m->err ? m->errmsg : "binary file: unreadable archive");
		if (!m->err && e)
			snprintf(msg, sizeof(msg), "binary file: truncated, corrupt or unsupported archive (%s)", e);
		report(c, mpath, m->err && m->err != SHUAN_EIO ? m->err : SHUAN_EINVAL, msg);
		goto cleanup;
	}
	rc = walk(c, ca, mpath, depth);
cleanup:
	archive_read_free(ca);
	shuan_free(m->cbuf);
	m->cbuf = NULL;
	return rc;
}

/* An Office document inside an archive: its zip needs random access, so
 * it is buffered, up to ARCH_MAX_BUFFERED bytes. */
static int member_ooxml(arch_ctx *c, struct member *m, const char *mpath, int depth)
{
	size_t cap = 1u << 20, len = m->npeek;
	char *buf = shuan_malloc(cap);
	int rc = 0;
	if (!buf) {
		report(c, mpath, SHUAN_ENOMEM, "out of memory");
		return 0;
	}
	memcpy(buf, m->peek, m->npeek);
	m->pk.pos = m->pk.n;
	for (;;) {
		if (len == cap) {
			if (cap >= ARCH_MAX_BUFFERED) {
				report(c, mpath, SHUAN_ELIMIT, "Office document in an archive larger than 64 MiB (not read)");
				drain(m);
				goto cleanup;
			}
			char *nb = shuan_realloc(buf, cap * 2);
			if (!nb) {
				report(c, mpath, SHUAN_ENOMEM, "out of memory");
				goto cleanup;
			}
			buf = nb;
			cap *= 2;
		}
		long n = pull(m, buf + len, cap - len);
		if (n < 0) {
			report(c, mpath, m->err == SHUAN_EIO ? SHUAN_EINVAL : m->err, m->errmsg);
			goto cleanup;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = shuan_ooxml__scan(c, NULL, buf, len, mpath);
	if (rc == SHUAN_ENOTFOUND) {
		struct archive *za = new_reader();
		rc = 0;
		if (za && archive_read_open_memory(za, buf, len) == ARCHIVE_OK)
			rc = walk(c, za, mpath, depth);
		else
			report(c, mpath, SHUAN_EINVAL, "unreadable archive");
		archive_read_free(za);
	}
cleanup:
	shuan_free(buf);
	return rc;
}

/* One regular member: peek, then nest, read as Office, or scan. */
static int member(arch_ctx *c, struct archive *a, struct archive_entry *e, const char *mpath, const char *hint,
		  int depth, bool unsafe)
{
	struct member m;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	m.c = c;
	m.a = a;
	m.max = c->lim.max_member;
	if (archive_entry_is_encrypted(e)) {
		report(c, mpath, SHUAN_EINVAL, "encrypted member (no password; not read)");
		return 0;
	}
	if (m.max && archive_entry_size_is_set(e) && (uint64_t)archive_entry_size(e) > m.max) {
		char msg[96];
		snprintf(msg, sizeof(msg), "larger than max_file_size (%llu bytes)", (unsigned long long)m.max);
		report_limit(c, mpath, SHUAN_ELIMIT, SHUAN_LIMIT_FILE_SIZE, msg);
		return 0;
	}
	while (m.npeek < ARCH_SNIFF) {
		long n = pull(&m, m.peek + m.npeek, ARCH_SNIFF - m.npeek);
		if (n <= 0)
			break;
		m.npeek += (size_t)n;
	}
	m.pk = (shuan_peeked){m.peek, m.npeek, 0};
	arch_kind kind = m.err == SHUAN_ELIMIT ? ARCH_PLAIN : shuan_archive__sniff(m.peek, m.npeek, hint);
	if (kind != ARCH_PLAIN) {
		if (depth >= c->lim.max_depth) {
			char msg[160];
			snprintf(msg, sizeof(msg), "archive nested deeper than max_depth %d (not opened)",
				 c->lim.max_depth);
			report_limit(c, mpath, SHUAN_ELIMIT, SHUAN_LIMIT_DEPTH, msg);
			drain(&m);
			return 0;
		}
		rc = kind == ARCH_OOXML ? member_ooxml(c, &m, mpath, depth + 1)
					: member_archive(c, &m, mpath, depth + 1);
		if (!SHUAN_STOPPED(rc) && !c->lim.tripped)
			drain(&m);
		return rc;
	}

	shuan_input in = {mpath, hint, SHUAN_FORMAT_AUTO};
	shuan_reader rd = {member_read, &m};
	shuan_input_result res;
	rc = shuan_scanner_scan_reader(c->s, &in, &rd, c->fcb, c->ud, &res);
	if (SHUAN_STOPPED(rc)) {
		c->stop = true;
		if (rc == SHUAN_EINTR && c->icb)
			c->icb(mpath, &res, c->ud); /* what was scanned of it counts */
		return rc;
	}
	if (m.err == SHUAN_ELIMIT)
		shuan_result__skip(&res, SHUAN_ELIMIT, m.limit, "%s", m.errmsg);
	else if (!res.skipped && unsafe)
		shuan_result__warn(&res, SHUAN_LIMIT_NONE,
				   "unsafe member name (absolute or '..'): scanned; nothing is ever extracted");
	if (c->icb)
		c->icb(mpath, &res, c->ud);
	if (!m.err)
		drain(&m);
	return m.err == SHUAN_EIO ? SHUAN_EIO : 0;
}

/* Walks the members of an open archive. */
static int walk(arch_ctx *c, struct archive *a, const char *apath, int depth)
{
	struct archive_entry *e;
	unsigned long n = 0;
	int rc = 0;

	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			/* No member at all (an empty archive, or a compressed stream
			 * whose data begins with zero blocks, which libarchive reads as
			 * an empty tar): still one input, accounted for. */
			if (n == 0)
				report(c, apath, 0, "archive with no members (empty)");
			break;
		}
		if (r < ARCHIVE_WARN) {
			if (!c->lim.tripped) {
				char msg[160];
				const char *es = archive_error_string(a);
				/* Nothing readable at all: a binary file that looks like an archive. */
				snprintf(msg, sizeof(msg), "%struncated or corrupt archive (%s)%s", n ? "" : "binary file: ",
					 es ? es : "?", n ? "; members before the damage were scanned" : "");
				report(c, apath, SHUAN_EINVAL, msg); /* damaged content, not an I/O failure */
			}
			break;
		}
		int type = (int)archive_entry_filetype(e);
		if (type && type != AE_IFREG)
			continue;
		n++;
		char hint[1024];
		const char *name;
		if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
			raw_name(apath, hint, sizeof(hint));
			name = hint;
		} else {
			name = member_name(e, hint, sizeof(hint));
		}
		char *mpath = member_path(apath, name);
		if (!mpath) {
			report(c, apath, SHUAN_ENOMEM, "out of memory");
			break;
		}
		rc = member(c, a, e, mpath, name, depth, unsafe_name(name));
		if (rc == SHUAN_EIO) {
			/* The member's data was damaged: what was read is scanned. */
			char msg[160];
			const char *es = archive_error_string(a);
			snprintf(msg, sizeof(msg), "truncated or corrupt archive (%s); what was read before was scanned",
				 es ? es : "?");
			report(c, apath, SHUAN_EINVAL, msg);
			rc = 0;
			shuan_free(mpath);
			break;
		}
		shuan_free(mpath);
		if (SHUAN_STOPPED(rc) || c->lim.tripped)
			break;
		if (shuan_scanner__cancelled(c->s)) {
			rc = SHUAN_EINTR;
			break;
		}
	}
	return rc;
}

/* After archive_read_open*(): reports an archive that cannot be opened,
 * walks one that can, and reports a tripped limit (the rest of the archive
 * is then not read). */
static int walk_opened(arch_ctx *c, struct archive *a, int open_rc, const char *display)
{
	char msg[160];
	if (open_rc != ARCHIVE_OK) {
		const char *es = archive_error_string(a);
		snprintf(msg, sizeof(msg), "binary file: truncated, corrupt or unsupported archive (%s)", es ? es : "?");
		report(c, display, SHUAN_EINVAL, msg);
		return 0;
	}
	int rc = walk(c, a, display, 1);
	if (c->lim.tripped) {
		snprintf(msg, sizeof(msg), "rest not read: %.140s", c->lim.reason);
		report_limit(c, display, SHUAN_ELIMIT, c->lim.kind, msg);
	}
	return rc;
}

/* ---- data after the archive ---- */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Where a zip file's archive ends: just past its end-of-central-directory
 * record (and comment), found searching back from the end of the file; 0
 * when none is found (libarchive then read it as a stream: nothing after it
 * can be told apart). */
static uint64_t zip_end(int fd, uint64_t size)
{
	unsigned char buf[65536 + 22];
	uint64_t hi = size;
	while (hi >= 22) {
		uint64_t lo = hi > sizeof(buf) ? hi - sizeof(buf) : 0;
		ssize_t n = shuan_io_pread_full(fd, buf, (size_t)(hi - lo), lo);
		if (n < 22)
			return 0;
		for (ssize_t i = n - 22; i >= 0; i--) {
			const unsigned char *r = buf + i;
			if (r[0] != 'P' || r[1] != 'K' || r[2] != 5 || r[3] != 6)
				continue;
			uint64_t at = lo + (uint64_t)i, cd_size = le32(r + 12), cd_off = le32(r + 16);
			uint64_t end = at + 22 + ((uint64_t)r[20] | (uint64_t)r[21] << 8);
			/* a real record: its central directory lies before it (zip64 marks
			 * the fields 0xFFFFFFFF) and its comment inside the file */
			if (end <= size && (cd_off == 0xFFFFFFFFu || cd_size == 0xFFFFFFFFu || cd_off + cd_size <= at))
				return end;
		}
		if (lo == 0)
			break;
		hi = lo + 21; /* records straddling the block edge are seen in the next */
	}
	return 0;
}

/* Reads the bytes [pos, end) of the top-level file. */
struct tail_src {
	int fd;
	uint64_t pos, end;
};

static long tail_read(void *ctx, char *buf, size_t cap)
{
	struct tail_src *t = ctx;
	ssize_t n = shuan_io_pread_range(t->fd, buf, cap, &t->pos, t->end);
	return n < 0 ? SHUAN_EIO : (long)n;
}

/*
 * Text appended after an archive (a zip, a tar, a single compressed stream)
 * is no part of it, and libarchive stops before it: it is scanned as an
 * input of its own, "x.zip!(appended data)", with offsets in the file. The
 * end is known exactly for zip (its end record), a raw compressed stream
 * (what the decompressor consumed) and an uncompressed tar (then the zero
 * blocks that pad it are skipped); other formats keep their index at the end
 * or are read out of order, so there is nothing to tell apart.
 */
static int scan_appended(arch_ctx *c, struct archive *a, int fd, const char *display)
{
	struct stat sb;
	uint64_t end = 0;
	int fmt = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK, rc;
	char name[MAX_DISPLAY];

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;
	if (fmt == ARCHIVE_FORMAT_ZIP)
		end = zip_end(fd, (uint64_t)sb.st_size);
	else if ((fmt == ARCHIVE_FORMAT_RAW && archive_filter_count(a) > 1) ||
		 (fmt == ARCHIVE_FORMAT_TAR && archive_filter_count(a) == 1))
		end = (uint64_t)archive_filter_bytes(a, -1);
	if (end == 0 || end >= (uint64_t)sb.st_size)
		return 0;
	/* the padding of a tar (or of anything written in blocks) is not data */
	for (;;) {
		char blk[4096];
		ssize_t n = shuan_io_pread_full(fd, blk, sizeof(blk), end);
		ssize_t k = 0;
		if (n <= 0)
			return 0;
		while (k < n && blk[k] == '\0')
			k++;
		end += (uint64_t)k;
		if (k < n)
			break;
	}
	snprintf(name, sizeof(name), "%.*s!(appended data)", MAX_DISPLAY - 20, display);
	struct tail_src t = {fd, end, (uint64_t)sb.st_size};
	shuan_reader rd = {tail_read, &t};
	shuan_input in = {name, NULL, SHUAN_FORMAT_AUTO};
	shuan_input_result res;
	scan_call call = {.cb = c->fcb, .ud = c->ud, .range_base = end};
	rc = shuan_scanner__scan_stream(c->s, &call, &in, &rd, &res);
	if (rc == SHUAN_ESTOP)
		return rc;
	if (!res.skipped)
		shuan_result__warn(&res, SHUAN_LIMIT_NONE,
				   "%llu bytes after the end of the archive (from byte %llu) were scanned as a file of "
				   "their own",
				   (unsigned long long)((uint64_t)sb.st_size - end), (unsigned long long)end);
	if (c->icb)
		c->icb(name, &res, c->ud);
	return rc == SHUAN_EINTR ? rc : 0;
}

int shuan_archive__scan_file(arch_ctx *c, const char *path, const char *display)
{
	struct file_src f = {-1, &c->lim, NULL};
	struct archive *a = NULL;
	int rc = 0;

	if ((f.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		report(c, display, errno == ENOENT ? SHUAN_ENOTFOUND : SHUAN_EIO, strerror(errno));
		return 0;
	}
	if (!(f.buf = shuan_malloc(FILE_BUF)) || !(a = new_reader())) {
		report(c, display, SHUAN_ENOMEM, "out of memory");
		goto cleanup;
	}
	archive_read_set_callback_data(a, &f);
	archive_read_set_read_callback(a, file_read);
	archive_read_set_seek_callback(a, file_seek);
	archive_read_set_skip_callback(a, file_skip);
	rc = walk_opened(c, a, archive_read_open1(a), display);
	if (rc == 0 && !c->lim.tripped && !c->stop)
		rc = scan_appended(c, a, f.fd, display);
cleanup:
	archive_read_free(a);
	shuan_free(f.buf);
	close(f.fd);
	return SHUAN_STOPPED(rc) ? rc : 0;
}

int shuan_archive__scan_memory(arch_ctx *c, const void *mem, size_t len, const char *display)
{
	struct archive *a = new_reader();
	int rc = 0;

	c->lim.compressed += len;
	if (!a) {
		report(c, display, SHUAN_ENOMEM, "out of memory");
		return 0;
	}
	rc = walk_opened(c, a, archive_read_open_memory(a, mem, len), display);
	archive_read_free(a);
	return SHUAN_STOPPED(rc) ? rc : 0;
}

/* Standard input: the bytes already peeked, then the rest of fd 0. */
struct stdin_src {
	shuan_peeked pk;
	arch_limits *lim;
	char *buf;
};

static la_ssize_t stdin_read(struct archive *a, void *cd, const void **out)
{
	struct stdin_src *f = cd;
	size_t k = shuan_peeked_rest(&f->pk, out);
	if (k) {
		f->lim->compressed += k;
		return (la_ssize_t)k;
	}
	return counted_read(a, STDIN_FILENO, f->buf, f->lim, out);
}

int shuan_archive__scan_stdin(arch_ctx *c, const unsigned char *peek, size_t npeek, const char *display)
{
	struct stdin_src f = {{peek, npeek, 0}, &c->lim, NULL};
	struct archive *a = NULL;
	int rc = 0;

	if (!(f.buf = shuan_malloc(FILE_BUF)) || !(a = new_reader())) {
		report(c, display, SHUAN_ENOMEM, "out of memory");
		goto cleanup;
	}
	rc = walk_opened(c, a, archive_read_open(a, &f, NULL, stdin_read, NULL), display);
cleanup:
	archive_read_free(a);
	shuan_free(f.buf);
	return SHUAN_STOPPED(rc) ? rc : 0;
}
