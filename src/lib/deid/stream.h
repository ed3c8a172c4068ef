/*
 * lib/deid/stream.h - one input's masking run (stream.c, run.c): the input
 * and output files, the blocks, and the state every worker shares.
 */
#ifndef SHUAN_LIB_DEID_STREAM_H
#define SHUAN_LIB_DEID_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "lib/deid/encode.h"
#include "lib/deid/internal.h"
#include "lib/scan/decode.h"

/* The input, read as UTF-8 (decoded when stored otherwise). */
typedef struct deid_in {
	const char *path;
	int fd;
	struct stat st;
	char *head; /* the first bytes, read to sniff, replayed */
	size_t head_len, head_pos;
	bool more; /* the input goes on after the head */
	shuan_enc enc;
	char enc_name[16];
	size_t bom; /* BOM bytes the decoder skips */
	shuan_decoder *dec;
	shuan_reader tail, dec_rd;
	shuan_reader rd; /* UTF-8 out */
	uint64_t raw_bytes, utf8_bytes;
	shuan_reader src; /* deid_in_open_reader: the bytes come from here, not fd */
} deid_in;

int deid_in_open(deid_in *in, const char *path, const char *forced_encoding, char *err, size_t errlen);
/* An input read from src (UTF-8, e.g. a database table as CSV), named path. */
int deid_in_open_reader(deid_in *in, const char *path, shuan_reader src, char *err, size_t errlen);
void deid_in_close(deid_in *in);
uint64_t deid_in_bytes(const deid_in *in);

/* The output: standard output, or a temporary file renamed on commit. */
typedef struct deid_out {
	int fd;
	bool is_stdout;
	char *tmp_path, *final_path;
	uint64_t bytes;
} deid_out;

/* private_mode: 0600 (the output reveals values). Refuses to write over the input. */
int deid_out_open(deid_out *o, const char *path, const deid_in *in, bool private_mode, char *err,
                  size_t errlen);
int deid_out_write(deid_out *o, const void *p, size_t n, char *err, size_t errlen);
int deid_out_commit(deid_out *o, char *err, size_t errlen);
/* Closes; removes the temporary file unless committed. */
void deid_out_close(deid_out *o);

/* Cuts the UTF-8 stream into blocks of whole records (stream.c). */
typedef struct deid_split {
	shuan_reader *rd;
	char *buf;
	size_t len, cap, done; /* done: the previous block's length, dropped on the next call */
	bool eof;
	shuan_format fmt;
	deid_csv_cut cut;
	size_t max_record;
	uint64_t line; /* lines before buf[0] */
} deid_split;

void deid_split_init(deid_split *sp, shuan_reader *rd, shuan_format fmt, size_t max_record);
void deid_split_free(deid_split *sp);
/* Reads until the buffer holds `want` bytes or the input ends (sniffing). */
int deid_split_fill(deid_split *sp, size_t want);
/* The next block, borrowed until the next call; *n == 0 at the end. Returns
 * 0, SHUAN_ELIMIT (a record longer than max_record), SHUAN_EINVAL (an
 * unterminated quote) or a read error, with err naming the line. */
int deid_split_next(deid_split *sp, const char **blk, size_t *n, uint64_t *first_line, char *err,
                    size_t errlen);

/* A block of whole records and what masking it produced. */
typedef struct deid_block {
	char *in;
	size_t len, cap;
	bool first;
	uint64_t seq, first_line;
	shuan_buf raw, out; /* UTF-8 output, and the output as written */
	uint64_t records, invalid_utf8, err_line;
	int rc;
	char err[256];
	int state; /* run.c */
} deid_block;

/* What the workers of one input share (read-only while they run). */
typedef struct deid_stream {
	shuan_masker *m;
	const char *path;
	deid_in *in;
	shuan_format fmt;
	deid_out_enc oenc;
	bool need_scan;
	deid_csv_ctx csv;
	deid_kanon_mode kmode;
	const deid_classmap *rare;
} deid_stream;

/* Where masked blocks go instead of an output file (a table's writer):
 * fn gets each block's output, whole records in input order, the first
 * one starting with the header. Non-zero stops the run (err set). */
typedef struct deid_emit {
	int (*fn)(void *ud, const char *p, size_t n, char *err, size_t errlen);
	void *ud;
} deid_emit;

/* shuan_mask_file(), reading src (CSV, UTF-8) instead of in_path when src
 * is non-NULL (in_path names it), and handing the output to emit instead of
 * out_path when emit is non-NULL (out_path names it in the report). */
int deid_mask_run(shuan_masker *m, const char *in_path, const shuan_reader *src, const char *out_path,
                  const deid_emit *emit, shuan_mask_result *res);

/* Masks block b with worker w (any thread). Returns 0 or a negative code
 * with w->errmsg set; b->out is what to write. */
int deid_mask_block(deid_stream *st, deid_worker *w, deid_block *b);

/* The scanner's finding callback for a worker (userdata): records the span. */
int deid_on_finding(const shuan_finding *f, void *ud);

/* Prepares worker w for stream st (scanner, encoder, JSON state). */
int deid_worker_begin(deid_worker *w, const deid_stream *st);
void deid_worker_end(deid_worker *w);

#endif
