/*
 * lib/source/archive.h - the container readers behind shuan_scan_source(): archive
 * walking over libarchive (archive.c) and Office Open XML (ooxml.c), with the
 * limits that keep a hostile archive from costing unbounded time or memory.
 */
#ifndef SHUAN_LIB_ARCHIVE_H
#define SHUAN_LIB_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/source.h"
#include "util/magic.h"

#define ARCH_DEFAULT_DEPTH 3
#define ARCH_DEFAULT_EXPANDED (16ull << 30)
#define ARCH_DEFAULT_RATIO 200.0
/* The ratio is only judged once this much has been expanded, so a small,
 * very compressible log never counts as a bomb. */
#define ARCH_RATIO_FLOOR (64ull << 20)
/* An Office document inside an archive is buffered (its zip needs two
 * passes); larger ones are skipped. */
#define ARCH_MAX_BUFFERED (64u << 20)

/* What a stream's first bytes say it is. */
typedef enum arch_kind {
	ARCH_PLAIN = 0, /* scan as a stream */
	ARCH_ARCHIVE,   /* an archive or a compressed stream */
	ARCH_OOXML,     /* a zip that is (probably) an Office Open XML document */
} arch_kind;

#define ARCH_SNIFF SHUAN_MAGIC_BYTES /* bytes arch_sniff wants to see */

arch_kind shuan_archive__sniff(const unsigned char *p, size_t n, const char *name);

/* The limits of one top-level archive, shared by every level under it. */
typedef struct arch_limits {
	uint64_t max_expanded;
	double max_ratio;
	uint64_t max_member;
	int max_depth;
	uint64_t expanded;   /* bytes produced by decompression at any level */
	uint64_t compressed; /* bytes read from the top-level file */
	bool tripped;
	shuan_limit kind;    /* which one tripped */
	char reason[160];
} arch_limits;

/* Adds n expanded bytes; true (with l->reason set) once a limit is exceeded. */
bool shuan_archive__account(arch_limits *l, uint64_t n);

/* Everything a reader needs to report. */
typedef struct arch_ctx {
	shuan_scanner *s;
	shuan_finding_fn fcb;
	shuan_input_fn icb;
	void *ud;
	arch_limits lim;
	bool stop; /* SHUAN_EINTR or SHUAN_ESTOP seen */
} arch_ctx;

/* Walks the archive file at path (display path `display`). Returns 0,
 * SHUAN_EINTR or SHUAN_ESTOP. */
int shuan_archive__scan_file(arch_ctx *c, const char *path, const char *display);

/* The same over standard input, whose first npeek bytes were read already
 * into peek (an Office file on stdin is walked as a zip). */
int shuan_archive__scan_stdin(arch_ctx *c, const unsigned char *peek, size_t npeek, const char *display);

/* The same over an archive in memory (fuzzing, tests). */
int shuan_archive__scan_memory(arch_ctx *c, const void *mem, size_t len, const char *display);

/* Fills c's limits from opts (NULL or zero fields: the defaults). */
void shuan_archive__limits(arch_ctx *c, const shuan_source_options *opts);

/*
 * Reads an Office Open XML document, from the file `path` (when mem is NULL)
 * or from mem[0..len). Returns 0 when it was read as xlsx or docx (results
 * reported through c->icb), SHUAN_ENOTFOUND when the zip is neither (the
 * caller walks it as a plain zip), SHUAN_EINTR or SHUAN_ESTOP.
 */
int shuan_ooxml__scan(arch_ctx *c, const char *path, const void *mem, size_t len, const char *display);

/*
 * Reading a workbook's cells for rewriting it (de-identification's xlsx
 * writer). `sheets` gets the sheet names in workbook order before any
 * cell; `cell` gets every non-empty cell in document order: its sheet's
 * name, row (1-based), column (0-based), type attribute ("s" shared string,
 * "inlineStr", "str" formula text, "n" number, "b", "e", "d") and text
 * (shared strings resolved), with `truncated` when the cell was longer
 * than the reader's 256 KiB cell limit. A callback returning non-zero
 * stops the reading (return SHUAN_ESTOP and keep the reason yourself).
 */
typedef struct shuan_ooxml_cells {
	int (*sheets)(void *ud, const char *const *names, size_t n);
	int (*cell)(void *ud, const char *sheet, uint64_t row, long col, const char *type, const char *text, size_t len,
		    bool truncated);
	void *ud;
} shuan_ooxml_cells;

/* The letters of a 0-based column: 0 -> "A", 27 -> "AB" (out: 8 bytes). */
void shuan_ooxml__col_name(long col, char *out);

/* Returns 0, SHUAN_ESTOP (a callback stopped), or another negative code
 * with err saying why (not a workbook, damaged, a limit): then cells were
 * missed and the caller must not write a partial copy. */
int shuan_ooxml__read_cells(const char *path, const shuan_ooxml_cells *cells, char *err, size_t errlen);

#endif
