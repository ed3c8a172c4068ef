/*
 * shuan/source.h - scanning what a path holds: a plain file, or (with the
 * readers for them) an archive whose members may be archives again, or an
 * Office document. Every input that is scanned or skipped - the file itself
 * or each member - is reported once through the input callback, so callers
 * can count and explain every one.
 *
 * Member paths are written "outer.zip!dir/inner.log", nested ones
 * "a.zip!b.tar.gz!c.csv". Member names are only ever used as labels:
 * nothing is written to disk.
 */
#ifndef SHUAN_SOURCE_H
#define SHUAN_SOURCE_H

#include <stdint.h>

#include "shuan/scanner.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SHUAN_SOURCE_OPTIONS_VERSION 1
typedef struct shuan_source_options {
	unsigned version;          /* SHUAN_SOURCE_OPTIONS_VERSION */
	int max_depth;             /* archive nesting, 0 = default 3 */
	uint64_t max_expanded;     /* bytes expanded from one top-level archive, 0 = default 16 GiB */
	double max_ratio;          /* expanded/compressed ratio before an archive counts as a bomb, 0 = default 200 */
	uint64_t max_member_size;  /* 0 = the scanner's max_file_size */
} shuan_source_options;
#define SHUAN_SOURCE_OPTIONS_INIT {SHUAN_SOURCE_OPTIONS_VERSION, 0, 0, 0, 0}

/* Called once per input (file or member) with its display path and result
 * (result->skipped != 0 when skipped; result->reason says why). */
typedef void (*shuan_input_fn)(const char *path, const shuan_input_result *result, void *userdata);

/*
 * Scans the file at `path` ("-" = standard input) and, where it is a
 * container, what it contains. What a file is comes from its first bytes:
 * archives and compressed streams (zip, tar, 7z, rar, cpio, cab, iso, xar;
 * gzip, bzip2, xz, zstd, lz4, lzma…) are walked member by member, nested up
 * to max_depth; .xlsx and .docx are read as cells / document text (findings
 * from cells carry `location`); anything else is scanned as a stream.
 * Findings go to fcb, per-input results to icb: one per file or member, plus
 * one for an archive that is damaged or exceeds a limit (skipped != 0), and
 * a warning (skipped == 0, reason set) for an unsafe member name. Returns 0,
 * SHUAN_ESTOP when a callback stopped the scan or SHUAN_EINTR when the cancel
 * flag did.
 * Problems with the file or a member do not fail the call. Nothing is ever
 * written to disk. Thread-safety: as the scanner (one per thread).
 */
/* opts may be NULL (the defaults); else opts->version must be
 * SHUAN_SOURCE_OPTIONS_VERSION (SHUAN_EINVAL otherwise). */
SHUAN_API int shuan_scan_source(shuan_scanner *s, const char *path, const shuan_source_options *opts,
				shuan_finding_fn fcb, shuan_input_fn icb, void *userdata);

#ifdef __cplusplus
}
#endif
#endif
