/*
 * lib/deid/stream.c - masking one input: opening it, choosing encoding and
 * format, cutting it into blocks, masking the blocks on N threads and
 * writing them in input order, into a temporary file renamed into place
 * only when everything succeeded.
 *
 * Blocks. CSV/TSV, JSON Lines and text are cut into blocks of whole
 * records: the last record end at or before BLOCK_TARGET bytes, else the
 * first one after it (a record longer than --max-record is an error). The
 * cut depends only on the bytes, never on how reads return them or on the
 * number of threads, and each block is masked on its own (a CSV block's
 * scanner is primed with the header), so the output is byte-identical for
 * any --jobs. Memory: at most 2 x jobs + 1 blocks in flight.
 *
 * A JSON document is one value that may span gigabytes, so it is masked
 * as a stream on one thread: the scanner reads it through a tee that keeps
 * a window of the text, and the tokenizer rewrites the window up to the
 * offset before which the scanner has delivered every finding
 * (shuan_scanner__settled); the window never holds more than the scanner's
 * chunk plus one unfinished token.
 *
 * Encodings. UTF-8 input is read as stored (invalid sequences pass through
 * untouched and are counted); GB18030/GBK and UTF-16 are decoded with the
 * scanner's decoder, masked as UTF-8 and encoded back (encode.c), unless
 * --output-encoding says otherwise. Bytes the decoder had to replace make
 * the run fail: the output would not give them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/deid/encode.h"
#include "lib/deid/internal.h"
#include "lib/deid/mask_json.h"
#include "lib/deid/stream.h"
#include "lib/scan/decode.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/io.h"
#include "util/utf8.h"

#define BLOCK_TARGET (1u << 20)
#define HEAD_BYTES (64u << 10)
#define WINDOW_FLUSH (1u << 20)

/* ---- input ---- */

static long fd_read(void *ctx, char *buf, size_t cap)
{
	deid_in *in = ctx;
	if (in->head_pos < in->head_len) {
		size_t n = in->head_len - in->head_pos < cap ? in->head_len - in->head_pos : cap;
		memcpy(buf, in->head + in->head_pos, n);
		in->head_pos += n;
		return (long)n;
	}
	if (in->src.read) {
		long r = in->src.read(in->src.ctx, buf, cap);
		if (r > 0)
			in->raw_bytes += (uint64_t)r;
		return r;
	}
	ssize_t n = shuan_io_read(in->fd, buf, cap);
	if (n < 0)
		return SHUAN_EIO;
	in->raw_bytes += (uint64_t)n;
	return (long)n;
}

/* After the head: the descriptor only (the decoder got the head itself). */
static long fd_read_tail(void *ctx, char *buf, size_t cap)
{
	deid_in *in = ctx;
	ssize_t n = shuan_io_read(in->fd, buf, cap);
	if (n < 0)
		return SHUAN_EIO;
	in->raw_bytes += (uint64_t)n;
	return (long)n;
}

static long utf8_read(void *ctx, char *buf, size_t cap)
{
	deid_in *in = ctx;
	long n = in->dec ? in->dec_rd.read(in->dec_rd.ctx, buf, cap) : fd_read(in, buf, cap);
	if (n > 0 && in->dec)
		shuan_decoder_forget(in->dec, in->utf8_bytes + (uint64_t)n);
	if (n > 0)
		in->utf8_bytes += (uint64_t)n;
	return n;
}

void deid_in_close(deid_in *in)
{
	shuan_decoder_free(in->dec);
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	shuan_free(in->head);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}

int deid_in_open(deid_in *in, const char *path, const char *forced, char *err, size_t errlen)
{
	shuan_enc_choice ch;
	char why[160];
	struct stat st;
	ssize_t n;

	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->path = path;
	if (shuan_enc_parse(forced, &ch) != 0) {
		snprintf(err, errlen,
		         "unknown --encoding '%s' (auto, utf-8, gb18030, gbk, gb2312, utf-16le, utf-16be)",
		         forced);
		return SHUAN_EINVAL;
	}
	if (!strcmp(path, "-")) {
		in->fd = STDIN_FILENO;
	} else if ((in->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? SHUAN_ENOTFOUND : SHUAN_EIO;
	}
	if (fstat(in->fd, &st) == 0) {
		in->st = st;
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: is a directory (mask takes one file at a time)", path);
			return SHUAN_EINVAL;
		}
	}
	if (!(in->head = shuan_malloc(HEAD_BYTES)))
		return SHUAN_ENOMEM;
	n = shuan_io_read_full(in->fd, in->head, HEAD_BYTES);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return SHUAN_EIO;
	}
	in->head_len = (size_t)n;
	in->raw_bytes = (uint64_t)n;
	in->more = (size_t)n == HEAD_BYTES;
	if (ch.forced) {
		in->enc = ch.enc;
		const unsigned char *b = (const unsigned char *)in->head;
		if ((in->enc == SHUAN_ENC_UTF16LE && n >= 2 && b[0] == 0xFF && b[1] == 0xFE) ||
		    (in->enc == SHUAN_ENC_UTF16BE && n >= 2 && b[0] == 0xFE && b[1] == 0xFF))
			in->bom = 2;
	} else if (in->head_len) {
		int rc =
		    shuan_enc_detect(in->head, in->head_len, in->more, &in->enc, &in->bom, why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "%s: %s", path, why);
			return rc;
		}
	}
	if (in->enc != SHUAN_ENC_UTF8 && in->enc != SHUAN_ENC_UTF16LE && in->enc != SHUAN_ENC_UTF16BE &&
	    memchr(in->head, '\0', in->head_len)) {
		snprintf(err, errlen, "%s: binary file (NUL bytes)", path);
		return SHUAN_EBINARY;
	}
	if (in->enc == SHUAN_ENC_UTF8 && memchr(in->head, '\0', in->head_len)) {
		snprintf(err, errlen, "%s: binary file (NUL bytes); mask reads text, CSV/TSV, JSON and xlsx",
		         path);
		return SHUAN_EBINARY;
	}
	snprintf(in->enc_name, sizeof(in->enc_name), "%s", ch.forced ? ch.name : shuan_enc_name(in->enc));
	if (in->enc != SHUAN_ENC_UTF8) {
		shuan_reader tail = {fd_read_tail, in};
		in->tail = tail;
		int rc = shuan_decoder_new(&in->dec, in->enc, &in->tail, in->head, in->head_len, in->bom,
		                           !in->more, 4u << 20);
		if (rc) {
			snprintf(err, errlen, "%s: no converter from %s", path, in->enc_name);
			return rc;
		}
		in->dec_rd = shuan_decoder_reader(in->dec);
	}
	in->rd.read = utf8_read;
	in->rd.ctx = in;
	return 0;
}

int deid_in_open_reader(deid_in *in, const char *path, shuan_reader src, char *err, size_t errlen)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->path = path;
	in->src = src;
	if (!(in->head = shuan_malloc(HEAD_BYTES)))
		return SHUAN_ENOMEM;
	/* the head as a file's would be: as much as the reader gives up to HEAD_BYTES */
	while (in->head_len < HEAD_BYTES) {
		long n = src.read(src.ctx, in->head + in->head_len, HEAD_BYTES - in->head_len);
		if (n < 0) {
			snprintf(err, errlen, "%s: read error", path);
			return (int)n;
		}
		if (n == 0)
			break;
		in->head_len += (size_t)n;
	}
	in->raw_bytes = in->head_len;
	in->more = in->head_len == HEAD_BYTES;
	in->enc = SHUAN_ENC_UTF8;
	snprintf(in->enc_name, sizeof(in->enc_name), "utf-8");
	in->rd.read = utf8_read;
	in->rd.ctx = in;
	return 0;
}

uint64_t deid_in_bytes(const deid_in *in)
{
	return in->dec ? shuan_decoder_bytes_in(in->dec) : in->raw_bytes;
}

/* ---- output ---- */

int deid_out_open(deid_out *o, const char *path, const deid_in *in, bool private_mode, char *err,
                  size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (!strcmp(path, "-")) {
		o->fd = STDOUT_FILENO;
		o->is_stdout = true;
		return 0;
	}
	struct stat st;
	if (in && in->fd > STDIN_FILENO && stat(path, &st) == 0 && st.st_dev == in->st.st_dev &&
	    st.st_ino == in->st.st_ino) {
		snprintf(err, errlen, "%s: the output would replace the input; write to another file", path);
		return SHUAN_EINVAL;
	}
	size_t pl = strlen(path);
	if (!(o->final_path = shuan_strdup(path)) || !(o->tmp_path = shuan_malloc(pl + 32)))
		return SHUAN_ENOMEM;
	/* beside the target, so the rename stays on one file system */
	char *dir = shuan_strdup(path), *base = shuan_strdup(path);
	if (!dir || !base) {
		shuan_free(dir);
		shuan_free(base);
		return SHUAN_ENOMEM;
	}
	for (int attempt = 0; attempt < 16; attempt++) {
		unsigned char r[6];
		if (shuan_random_bytes(r, sizeof(r)) != 0)
			break;
		snprintf(o->tmp_path, pl + 32, "%s/.%s.%02x%02x%02x%02x%02x%02x.tmp", dirname(dir),
		         basename(base), r[0], r[1], r[2], r[3], r[4], r[5]);
		strcpy(dir, path);
		strcpy(base, path);
		/* 0666 less the umask for masked data; 0600 when it reveals values */
		o->fd =
		    open(o->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, private_mode ? 0600 : 0666);
		if (o->fd >= 0 || errno != EEXIST)
			break;
	}
	shuan_free(dir);
	shuan_free(base);
	if (o->fd < 0) {
		snprintf(err, errlen, "%s: cannot create the output: %s", path, strerror(errno));
		return SHUAN_EIO;
	}
	return 0;
}

int deid_out_write(deid_out *o, const void *p, size_t n, char *err, size_t errlen)
{
	if (shuan_io_write_full(o->fd, p, n) != 0) {
		snprintf(err, errlen, "%s: write failed: %s", o->is_stdout ? "standard output" : o->final_path,
		         strerror(errno));
		return SHUAN_EIO;
	}
	o->bytes += n;
	return 0;
}

int deid_out_commit(deid_out *o, char *err, size_t errlen)
{
	if (o->is_stdout)
		return 0;
	if (fsync(o->fd) != 0 || close(o->fd) != 0) {
		o->fd = -1;
		snprintf(err, errlen, "%s: write failed: %s", o->final_path, strerror(errno));
		return SHUAN_EIO;
	}
	o->fd = -1;
	if (rename(o->tmp_path, o->final_path) != 0) {
		snprintf(err, errlen, "%s: %s", o->final_path, strerror(errno));
		return SHUAN_EIO;
	}
	shuan_free(o->tmp_path);
	o->tmp_path = NULL;
	return 0;
}

void deid_out_close(deid_out *o)
{
	if (o->fd >= 0 && !o->is_stdout)
		close(o->fd);
	if (o->tmp_path)
		unlink(o->tmp_path); /* failed: no partial output stays behind */
	shuan_free(o->tmp_path);
	shuan_free(o->final_path);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

/* ---- the splitter ---- */

void deid_split_init(deid_split *sp, shuan_reader *rd, shuan_format fmt, size_t max_record)
{
	memset(sp, 0, sizeof(*sp));
	sp->rd = rd;
	sp->fmt = fmt;
	sp->max_record = max_record;
}

void deid_split_free(deid_split *sp)
{
	shuan_free(sp->buf);
	memset(sp, 0, sizeof(*sp));
}

int deid_split_fill(deid_split *sp, size_t want)
{
	while (!sp->eof && sp->len < want) {
		if (sp->cap - sp->len < 65536 || sp->cap < want) {
			size_t nc = sp->cap ? sp->cap * 2 : BLOCK_TARGET + 65536;
			while (nc < want)
				nc *= 2;
			char *b = shuan_realloc(sp->buf, nc);
			if (!b)
				return SHUAN_ENOMEM;
			sp->buf = b;
			sp->cap = nc;
		}
		long r = sp->rd->read(sp->rd->ctx, sp->buf + sp->len, sp->cap - sp->len);
		if (r < 0)
			return (int)r;
		if (r == 0)
			sp->eof = true;
		sp->len += (size_t)r;
	}
	return 0;
}

/* Where the block ends in buf[0..len), or 0 when more input is needed. */
static size_t find_cut(deid_split *sp)
{
	size_t lim = sp->len < BLOCK_TARGET ? sp->len : BLOCK_TARGET;
	if (sp->fmt == SHUAN_FORMAT_CSV || sp->fmt == SHUAN_FORMAT_TSV) {
		/* the last record end within the target, else the first one after */
		if (sp->cut.scanned < lim)
			deid_csv_cut_scan(&sp->cut, sp->buf, lim);
		if (sp->cut.last_end)
			return sp->cut.last_end;
		while (sp->cut.scanned < sp->len && !sp->cut.last_end) {
			size_t step = sp->cut.scanned + 65536 < sp->len ? sp->cut.scanned + 65536 : sp->len;
			deid_csv_cut_scan(&sp->cut, sp->buf, step);
		}
		if (sp->cut.last_end)
			return sp->cut.last_end;
		return sp->eof && !sp->cut.inq ? sp->len : 0;
	}
	const char *nl = memrchr(sp->buf, '\n', lim);
	if (nl)
		return (size_t)(nl - sp->buf) + 1;
	nl = memchr(sp->buf + lim, '\n', sp->len - lim);
	if (nl)
		return (size_t)(nl - sp->buf) + 1;
	return sp->eof ? sp->len : 0;
}

/* The next block (borrowed until the next call), 0 bytes at the end.
 * Returns 0, SHUAN_ELIMIT (a record longer than max_record), SHUAN_EINVAL
 * (an unterminated quote), or a read error. */
int deid_split_next(deid_split *sp, const char **blk, size_t *n, uint64_t *first_line, char *err,
                    size_t errlen)
{
	if (sp->done) {
		for (size_t i = 0; i < sp->done;) {
			const char *p = memchr(sp->buf + i, '\n', sp->done - i);
			if (!p)
				break;
			sp->line++;
			i = (size_t)(p - sp->buf) + 1;
		}
		memmove(sp->buf, sp->buf + sp->done, sp->len - sp->done);
		sp->len -= sp->done;
		if (sp->fmt == SHUAN_FORMAT_CSV || sp->fmt == SHUAN_FORMAT_TSV)
			deid_csv_cut_shift(&sp->cut, sp->done);
		sp->done = 0;
	}
	for (;;) {
		size_t cut = 0;
		if (sp->len >= BLOCK_TARGET || sp->eof) {
			cut = sp->len ? find_cut(sp) : 0;
			if (cut || (sp->eof && !sp->len)) {
				if (!cut && sp->eof && sp->len) {
					snprintf(err, errlen,
					         "line %llu: a quoted field is not closed before the end of "
					         "the input",
					         (unsigned long long)sp->line + 1);
					return SHUAN_EINVAL;
				}
				*blk = sp->buf;
				*n = cut;
				*first_line = sp->line;
				sp->done = cut;
				return 0;
			}
			if (sp->eof) {
				snprintf(
				    err, errlen,
				    "line %llu: a quoted field is not closed before the end of the input",
				    (unsigned long long)sp->line + 1);
				return SHUAN_EINVAL;
			}
		}
		if (sp->len >= BLOCK_TARGET + sp->max_record) {
			snprintf(err, errlen, "line %llu: a record longer than --max-record (%zu MiB)",
			         (unsigned long long)sp->line + 1, sp->max_record >> 20);
			return SHUAN_ELIMIT;
		}
		int rc = deid_split_fill(sp, sp->len + 65536);
		if (rc) {
			snprintf(err, errlen, "%s", rc == SHUAN_ENOMEM ? "out of memory" : "read error");
			return rc;
		}
	}
}

/* ---- masking one block ---- */

int deid_on_finding(const shuan_finding *f, void *ud)
{
	deid_worker *w = ud;
	const shuan_detector *d =
	    (const shuan_detector *)((const char *)f->detector - offsetof(shuan_detector, info));
	deid_find x = {f->offset, f->offset + f->length, (int)(d - w->m->rules->dets)};
	/* a full list means pathological input; masking cannot drop a value */
	if (shuan_vec_push(&w->finds, &x) != 0) {
		w->error = SHUAN_ELIMIT;
		snprintf(w->errmsg, sizeof(w->errmsg), "too many findings in one block");
		return 1;
	}
	return 0;
}

static int cmp_find(const void *a, const void *b)
{
	const deid_find *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end > y->end ? -1 : x->end < y->end;
}

/* Findings come sorted per chunk; a block is one chunk or more, and a
 * finding of a later chunk never starts before one of an earlier one, but
 * sorting keeps the rewriters' contract whatever the scanner does. */
static void sort_finds(deid_worker *w)
{
	if (w->finds.n > 1)
		qsort(w->finds.v, w->finds.n, sizeof(deid_find), cmp_find);
}

static int worker_scanner(deid_worker *w, shuan_format fmt)
{
	shuan_scan_options so;
	if (w->scanner)
		return 0;
	deid_scan_options(w->m, fmt, &so);
	return shuan_scanner_new(&w->scanner, w->m->rules, &so);
}

int deid_mask_block(deid_stream *st, deid_worker *w, deid_block *b)
{
	const shuan_masker *m = st->m;
	shuan_input_result res;
	shuan_input in = {st->path, NULL, st->fmt};
	int rc = 0;

	w->finds.n = 0;
	w->errmsg[0] = '\0';
	w->kmode = st->kmode;
	w->rare = st->rare;
	w->tuples.n = 0;
	shuan_buf_reset(&b->raw);
	shuan_buf_reset(&b->out);
	b->err_line = 0;
	b->records = 0;
	if (st->need_scan) {
		if ((rc = worker_scanner(w, st->fmt)) != 0) {
			snprintf(w->errmsg, sizeof(w->errmsg), "out of memory");
			return rc;
		}
		bool csv = st->fmt == SHUAN_FORMAT_CSV || st->fmt == SHUAN_FORMAT_TSV;
		rc = shuan_scanner__scan_block(
		    w->scanner, &in, b->in, b->len, csv && !b->first ? st->csv.header : NULL,
		    csv && !b->first ? st->csv.header_len : 0, deid_on_finding, w, &res);
		if (w->error)
			return w->error;
		if (rc) {
			snprintf(w->errmsg, sizeof(w->errmsg), "%s",
			         rc == SHUAN_EINTR ? "interrupted" : res.reason);
			return rc;
		}
		if (res.limit) {
			/* part of the block was not examined: masking it would let values through */
			snprintf(w->errmsg, sizeof(w->errmsg), "the scanner reached a limit (%s): %.180s",
			         shuan_limit_name(res.limit), res.warning);
			return SHUAN_ELIMIT;
		}
		sort_finds(w);
	}
	const deid_find *f = w->finds.v;
	size_t nf = w->finds.n;
	b->invalid_utf8 = st->in->dec ? 0 : shuan_utf8_invalid(b->in, b->len, false);
	switch (st->fmt) {
	case SHUAN_FORMAT_CSV:
	case SHUAN_FORMAT_TSV:
		rc = deid_csv_mask_block(w, &st->csv, b->in, b->len, b->first, f, nf, &b->raw, &b->records,
		                         &b->err_line);
		break;
	case SHUAN_FORMAT_JSONL: {
		deid_json *j = w->json;
		size_t fi = 0, used = 0;
		deid_json_init(j, w, true);
		rc = deid_json_feed(j, b->in, b->len, 0, true, f, nf, &fi, &b->raw, &used);
		b->err_line = j->line;
		for (size_t i = 0; i < b->len; i++)
			b->records += b->in[i] == '\n';
		break;
	}
	default: {
		bool changed;
		if (m->opt.unmask)
			rc = deid_unmask_value(w, NULL, 0, b->in, b->len, &b->raw, &changed);
		else
			rc = deid_rewrite_spans(w, NULL, 0, b->in, b->len, 0, f, nf, &b->raw);
		for (size_t i = 0; i < b->len; i++)
			b->records += b->in[i] == '\n';
		break;
	}
	}
	if (rc) {
		if (!w->errmsg[0])
			snprintf(w->errmsg, sizeof(w->errmsg), "%s", shuan_strerror(rc));
		return rc;
	}
	if (st->kmode == KANON_COUNT) {
		if ((rc = shuan_buf_add(&b->out, w->tuples.v, w->tuples.n * sizeof(shuan_hash128))) != 0)
			return rc;
		return 0;
	}
	if (st->oenc != OUT_UTF8) {
		const char *p = b->raw.p ? b->raw.p : "";
		size_t n = b->raw.len;
		/* a UTF-8 BOM is no character of another encoding */
		if (b->first && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
			p += 3, n -= 3;
		rc = deid_encode(&w->enc, p, n, &b->out, w->errmsg, sizeof(w->errmsg));
		return rc;
	}
	/* UTF-8 out: hand over the raw buffer */
	shuan_buf tmp = b->out;
	b->out = b->raw;
	b->raw = tmp;
	return 0;
}
