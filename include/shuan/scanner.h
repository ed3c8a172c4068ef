/*
 * shuan/scanner.h - scanning bytes for personal information.
 *
 * The pipeline: reader -> (decoder) -> segmenter -> matcher -> validators ->
 * context -> finding callback. A scanner holds per-thread state (matcher
 * scratch, buffers, segmenter state): create one per thread from a shared,
 * read-only shuan_rules. A scanner is not thread-safe; distinct scanners are.
 *
 * Input that is not UTF-8 (GB18030/GBK, UTF-16) is decoded to UTF-8 on the
 * fly; findings' offset and length still count the bytes as stored.
 *
 * Memory is bounded: a stream is read in chunks of `chunk_size` bytes (lines
 * longer than that are split with an overlap so a value straddling the cut is
 * still found exactly once).
 */
#ifndef SHUAN_SCANNER_H
#define SHUAN_SCANNER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "shuan/finding.h"
#include "shuan/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shuan_scanner shuan_scanner;

/* How the input is segmented into fields. AUTO looks at the name hint's
 * extension (.csv .tsv .json .jsonl .ndjson .log .txt) and then the content. */
typedef enum shuan_format {
	SHUAN_FORMAT_AUTO = 0,
	SHUAN_FORMAT_TEXT,
	SHUAN_FORMAT_CSV,
	SHUAN_FORMAT_TSV,
	SHUAN_FORMAT_JSON,  /* one JSON document (may span many lines) */
	SHUAN_FORMAT_JSONL, /* one JSON value per line */
} shuan_format;

/* Returns "text", "csv", "tsv", "json", "jsonl" or "auto". */
SHUAN_API const char *shuan_format_name(shuan_format f);

typedef enum shuan_fingerprint_alg {
	SHUAN_FP_HMAC_SM3 = 0,    /* HMAC with SM3 (GB/T 32905), the default */
	SHUAN_FP_HMAC_SHA256 = 1,
} shuan_fingerprint_alg;

#define SHUAN_SCAN_OPTIONS_VERSION 4
typedef struct shuan_scan_options {
	unsigned version;              /* SHUAN_SCAN_OPTIONS_VERSION */
	int year, month, day;          /* the scan date for ages and future dates; 0 = today */
	const unsigned char *fingerprint_key; /* NULL: findings carry no fingerprint */
	size_t fingerprint_key_len;
	shuan_fingerprint_alg fingerprint_alg;
	size_t chunk_size;             /* bytes per read, 0 = 4 MiB; minimum 4 KiB */
	uint64_t max_file_size;        /* 0 = unlimited; larger inputs are skipped (SHUAN_ELIMIT) */
	double min_confidence;         /* findings below are dropped; 0 = keep all */
	/* When non-NULL and set non-zero (from any thread or a signal handler),
	 * scans stop between chunks with SHUAN_EINTR. */
	const atomic_int *cancel;
	shuan_format format;           /* AUTO: per input (extension, content); else forced for all inputs */
	/* NULL or "auto": detect per input (UTF-8 with or without BOM, UTF-16LE/BE
	 * with a BOM or by its NUL bytes, else GB18030 when the head decodes);
	 * else forced for all inputs: utf-8, gb18030, gbk, gb2312 (both decoded
	 * as GB18030, their superset), utf-16le, utf-16be. An unknown name makes
	 * shuan_scanner_new fail with SHUAN_EINVAL. */
	const char *encoding;
	/* Version 2. With fingerprint_key: findings carry only `distinct_key`
	 * (what shuan_stats counts distinct values by) and an empty
	 * `fingerprint`, for callers that neither show nor store fingerprints
	 * (counts only, text output): the HMAC per finding is much of the cost
	 * of dense data. */
	bool distinct_only;
	/* Version 3. With fingerprint_key: a NULL-terminated list of detector
	 * ids whose findings get a fingerprint; the others' carry an empty
	 * one (their distinct_key stays). NULL: every detector. For callers
	 * that link only some findings (the inventory links people by their
	 * identifiers): the HMAC is much of a dense scan's cost. Read when the
	 * scanner is made. */
	const char *const *fingerprint_only;
	/* Version 4. Findings carry an empty evidence, an empty fingerprint
	 * and a distinct_key of 0, but a person_key where a fingerprint would
	 * be made (as above; only then), for callers that count findings and
	 * people and neither show nor count their values (the inventory,
	 * `--data`): masking, the HMAC and the distinct-value hash are then
	 * skipped. */
	bool counts_only;
} shuan_scan_options;
#define SHUAN_SCAN_OPTIONS_INIT {SHUAN_SCAN_OPTIONS_VERSION, 0, 0, 0, NULL, 0, SHUAN_FP_HMAC_SM3, 0, 0, 0, NULL, SHUAN_FORMAT_AUTO, NULL, false, NULL, false}

/* Called for each finding, in input order. Return 0 to go on, non-zero to
 * stop the scan (which then returns SHUAN_ESTOP). */
typedef int (*shuan_finding_fn)(const shuan_finding *f, void *userdata);

/*
 * The reader interface: any byte stream (a file, stdin, an archive member, a
 * decoder wrapping another reader). read() fills at most cap bytes and
 * returns the count, 0 at the end, or a negative SHUAN_E* code.
 */
typedef struct shuan_reader {
	long (*read)(void *ctx, char *buf, size_t cap);
	void *ctx;
} shuan_reader;

typedef struct shuan_input {
	const char *path;      /* display path used in findings */
	const char *name_hint; /* a file name for format detection; may be NULL */
	shuan_format format;   /* AUTO to detect */
} shuan_input;

/*
 * The limits that can stop work on an input. A limit that skips an input
 * gives skipped == SHUAN_ELIMIT; one that cut part of the work on an input
 * that was otherwise scanned leaves skipped == 0 and says what was not done
 * in `warning`. Either way `limit` names it, and the summary counts it.
 */
typedef enum shuan_limit {
	SHUAN_LIMIT_NONE = 0,
	SHUAN_LIMIT_FILE_SIZE,    /* scan options' max_file_size (or a member's max_member_size) */
	SHUAN_LIMIT_DEPTH,        /* source options' max_depth: archive nesting */
	SHUAN_LIMIT_EXPANDED,     /* source options' max_expanded: bytes expanded from one archive */
	SHUAN_LIMIT_RATIO,        /* source options' max_ratio: expansion ratio of one archive */
	SHUAN_LIMIT_CANDIDATES,   /* pattern candidates held for one chunk */
	SHUAN_LIMIT_VALUES,       /* validated values held for one chunk */
	SHUAN_LIMIT_OFFICE,       /* an Office document's parts, shared strings or buffering caps */
	SHUAN_LIMIT_CELL,         /* a cell or field longer than the scanner's chunk */
	SHUAN_LIMIT_COLUMNS,      /* CSV/TSV columns past the 16384th have no field name */
	SHUAN_LIMIT_NESTING,      /* JSON nested deeper than 256 levels: paths name the 256th */
} shuan_limit;
#define SHUAN_LIMIT_MAX SHUAN_LIMIT_NESTING

/* "max_file_size", "candidates_per_chunk", ...: a stable name for outputs. */
SHUAN_API const char *shuan_limit_name(shuan_limit l);

/* What scanning one input produced. */
typedef struct shuan_input_result {
	uint64_t bytes;            /* bytes read */
	uint64_t findings;         /* findings reported */
	shuan_format format;       /* the format used */
	uint64_t invalid_utf8;     /* invalid UTF-8 sequences seen (after the first chunk) */
	uint64_t invalid_bytes;    /* stored bytes a decoder replaced with U+FFFD (GB18030, UTF-16) */
	char encoding[16];         /* "utf-8", "gb18030", "utf-16le", "utf-16be" or the forced name; "" when skipped before */
	int skipped;               /* 0, or the SHUAN_E* code why the input was skipped */
	char reason[160];          /* why it was skipped or failed; never contains input data */
	shuan_limit limit;         /* the limit behind a skip or a warning, else SHUAN_LIMIT_NONE */
	char warning[160];         /* for a scanned input: what was unusual or left undone (an unsafe
				    * archive member name, a limit that cut part of the work); "" if
				    * nothing; never contains input data */
} shuan_input_result;

/* Creates a scanner on `rules`, which must outlive it. opts may be NULL (the
 * defaults); else opts->version must be 1 (no distinct_only), 2 (no
 * fingerprint_only), 3 (no counts_only) or SHUAN_SCAN_OPTIONS_VERSION. Returns 0, SHUAN_EINVAL
 * (an unknown encoding, an options version this library does not know),
 * SHUAN_ENOTFOUND (fingerprint_only names a detector the rules lack) or
 * SHUAN_ENOMEM. */
SHUAN_API int shuan_scanner_new(shuan_scanner **out, const shuan_rules *rules,
				   const shuan_scan_options *opts);
SHUAN_API void shuan_scanner_free(shuan_scanner *s);

/*
 * Scans a stream. Returns 0 when the input was scanned (result->skipped == 0),
 * a negative code when it was skipped or failed (result->reason says why),
 * SHUAN_ESTOP when the callback stopped it or SHUAN_EINTR when the cancel
 * flag did. A limit that cut part of the work still returns 0, with
 * result->limit and result->warning set.
 */
SHUAN_API int shuan_scanner_scan_reader(shuan_scanner *s, const shuan_input *in, shuan_reader *rd,
					shuan_finding_fn cb, void *userdata, shuan_input_result *result);

/* Scans an in-memory buffer (same contract). */
SHUAN_API int shuan_scanner_scan_buffer(shuan_scanner *s, const shuan_input *in, const char *buf,
					size_t len, shuan_finding_fn cb, void *userdata,
					shuan_input_result *result);

/* Opens and scans a regular file ("-" = stdin). in->path defaults to path. */
SHUAN_API int shuan_scanner_scan_file(shuan_scanner *s, const char *path, const shuan_input *in,
				      shuan_finding_fn cb, void *userdata, shuan_input_result *result);

/*
 * Masks personal information in a short text that names an input rather
 * than being one (a file or member name, a sheet or column name): the text
 * is scanned as one value with this scanner's detectors and every finding
 * in it is replaced by its masked evidence ("客户_11010519491231002X.csv" ->
 * "客户_1101**********002X.csv"). Writes the result into out (cap bytes,
 * NUL-terminated; a longer result is cut) and the number of values masked
 * into *found (may be NULL). Returns 0; SHUAN_ELIMIT when the text could
 * not be checked whole (out then says "(name withheld)"); SHUAN_EINVAL
 * when cap is 0. Not to be called on a scanner while it scans an input.
 */
SHUAN_API int shuan_scanner_mask_text(shuan_scanner *s, const char *text, size_t len, char *out, size_t cap,
				      size_t *found);

#ifdef __cplusplus
}
#endif
#endif
