/*
 * lib/deid/run.c - shuan_mask_file(): one input from opening to the renamed
 * output. Blocks are masked by a pool of workers and written by the calling
 * thread strictly in input order; a JSON document streams through one
 * worker; xlsx goes to xlsx.c. A k_anonymity policy runs the block pass
 * twice (counting, then masking): a file is opened again, a stream of
 * table rows is replayed from its spool (spool.h).
 *
 * Nothing reaches the output before the checks that can fail early (the
 * key, the policy's columns against the header), and a failure later
 * removes the temporary output, so a bad run leaves nothing behind.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/deid/internal.h"
#include "lib/deid/mask_json.h"
#include "lib/deid/spool.h"
#include "lib/deid/stream.h"
#include "lib/deid/xlsx.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/io.h"
#include "util/magic.h"

enum { B_FREE = 0, B_READY, B_BUSY, B_DONE };

#define MAX_CLASSES ((size_t)64 << 20)
#define WINDOW_FLUSH_BYTES (1u << 20)
#define SNIFF_BYTES (64u << 10)

int deid_worker_begin(deid_worker *w, const deid_stream *st)
{
	deid_encoder_free(&w->enc);
	if (deid_encoder_init(&w->enc, st->oenc) != 0) {
		snprintf(w->errmsg, sizeof(w->errmsg), "no converter to %s", deid_out_enc_name(st->oenc));
		return SHUAN_EINVAL;
	}
	w->path = st->path;
	return 0;
}

void deid_worker_end(deid_worker *w)
{
	/* the scanner was made for one format: the next input may differ */
	shuan_scanner_free(w->scanner);
	w->scanner = NULL;
}

/* ---- the block pool ---- */

typedef struct pool {
	deid_stream *st;
	deid_block *blocks;
	size_t nblocks;
	deid_worker *workers;
	int nworkers;
	pthread_t *threads;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
} pool;

static void *worker_main(void *arg)
{
	deid_worker *w = arg;
	pool *p = (pool *)w->pool;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		deid_block *b = NULL;
		while (!p->stop) {
			for (size_t i = 0; i < p->nblocks; i++)
				if (p->blocks[i].state == B_READY && (!b || p->blocks[i].seq < b->seq))
					b = &p->blocks[i];
			if (b)
				break;
			pthread_cond_wait(&p->cv, &p->mu);
		}
		if (p->stop)
			break;
		b->state = B_BUSY;
		pthread_mutex_unlock(&p->mu);
		b->rc = deid_mask_block(p->st, w, b);
		if (b->rc)
			snprintf(b->err, sizeof(b->err), "%s", w->errmsg);
		pthread_mutex_lock(&p->mu);
		b->state = B_DONE;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int block_fill(deid_block *b, const char *p, size_t n)
{
	if (n > b->cap) {
		char *x = shuan_realloc(b->in, n);
		if (!x)
			return SHUAN_ENOMEM;
		b->in = x;
		b->cap = n;
	}
	memcpy(b->in, p, n);
	b->len = n;
	return 0;
}

/* What the run produced, gathered by the writing thread. */
typedef struct sink {
	deid_out *out;
	const deid_emit *emit;  /* instead of out: a table's writer */
	deid_classmap *classes; /* the counting pass */
	shuan_mask_result *res;
	char *err;
	size_t errlen;
} sink;

static int take(pool *p, deid_block *b, sink *k)
{
	deid_stream *st = p->st;
	if (b->rc) {
		if (b->rc == SHUAN_EINTR)
			snprintf(k->err, k->errlen, "%s: interrupted", st->path);
		else
			snprintf(k->err, k->errlen, "%.100s: line %llu: %.120s", st->path,
			         (unsigned long long)(b->first_line + b->err_line + 1), b->err);
		return b->rc;
	}
	k->res->records += b->records;
	k->res->invalid_utf8 += b->invalid_utf8;
	if (k->classes) {
		const shuan_hash128 *h = (const shuan_hash128 *)b->out.p;
		for (size_t i = 0; i < b->out.len / sizeof(*h); i++) {
			int rc = shuan_countmap_add(k->classes, &h[i], 1);
			if (rc) {
				snprintf(k->err, k->errlen, "%s: more than %zu classes of quasi-identifiers",
				         st->path, MAX_CLASSES);
				return rc;
			}
		}
		return 0;
	}
	if (k->emit) {
		k->res->bytes_out += b->out.len;
		return k->emit->fn(k->emit->ud, b->out.p ? b->out.p : "", b->out.len, k->err, k->errlen);
	}
	return deid_out_write(k->out, b->out.p ? b->out.p : "", b->out.len, k->err, k->errlen);
}

/* Masks every block of sp (whose first block is [first, first+nfirst)). */
static int run_blocks(deid_stream *st, deid_worker *workers, int nworkers, deid_split *sp, sink *k)
{
	pool p;
	int rc = 0;
	uint64_t seq = 0, next = 0;
	bool eof = false, failed = false;

	memset(&p, 0, sizeof(p));
	p.st = st;
	p.nworkers = nworkers;
	p.workers = workers;
	p.nblocks = (size_t)nworkers * 2 + 1;
	if (!(p.blocks = shuan_calloc(p.nblocks, sizeof(*p.blocks))) ||
	    !(p.threads = shuan_calloc((size_t)nworkers, sizeof(*p.threads)))) {
		shuan_free(p.blocks);
		snprintf(k->err, k->errlen, "out of memory");
		return SHUAN_ENOMEM;
	}
	for (size_t i = 0; i < p.nblocks; i++) {
		shuan_buf_init(&p.blocks[i].raw, st->m->opt.max_record * 8 + (64u << 20));
		shuan_buf_init(&p.blocks[i].out, st->m->opt.max_record * 8 + (64u << 20));
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (int i = 0; i < nworkers; i++) {
		workers[i].pool = &p;
		if (pthread_create(&p.threads[i], NULL, worker_main, &workers[i]) != 0)
			break;
		p.started++;
	}
	if (!p.started) {
		snprintf(k->err, k->errlen, "cannot start a thread");
		rc = SHUAN_ERROR;
		goto cleanup;
	}
	pthread_mutex_lock(&p.mu);
	for (;;) {
		/* read into every free block */
		while (!eof && !failed) {
			deid_block *b = NULL;
			for (size_t i = 0; i < p.nblocks && !b; i++)
				if (p.blocks[i].state == B_FREE)
					b = &p.blocks[i];
			if (!b)
				break;
			pthread_mutex_unlock(&p.mu);
			const char *blk;
			size_t n = 0;
			uint64_t line = 0;
			int r = st->m->opt.cancel && atomic_load(st->m->opt.cancel)
			            ? SHUAN_EINTR
			            : deid_split_next(sp, &blk, &n, &line, k->err, k->errlen);
			if (r == 0 && n)
				r = block_fill(b, blk, n);
			pthread_mutex_lock(&p.mu);
			if (r) {
				if (r == SHUAN_EINTR)
					snprintf(k->err, k->errlen, "%s: interrupted", st->path);
				else if (r == SHUAN_ENOMEM)
					snprintf(k->err, k->errlen, "%s: out of memory", st->path);
				else {
					char tmp[256];
					snprintf(tmp, sizeof(tmp), "%.140s", k->err);
					snprintf(k->err, k->errlen, "%.100s: %s", st->path, tmp);
				}
				rc = r;
				failed = true;
				break;
			}
			if (!n) {
				eof = true;
				break;
			}
			b->seq = seq++;
			b->first = b->seq == 0;
			b->first_line = line;
			b->state = B_READY;
			pthread_cond_broadcast(&p.cv);
		}
		/* write what is due, in order */
		bool freed = false;
		for (;;) {
			deid_block *b = NULL;
			for (size_t i = 0; i < p.nblocks && !b; i++)
				if (p.blocks[i].state == B_DONE && p.blocks[i].seq == next)
					b = &p.blocks[i];
			if (!b)
				break;
			if (!failed) {
				pthread_mutex_unlock(&p.mu);
				int r = take(&p, b, k);
				pthread_mutex_lock(&p.mu);
				if (r) {
					rc = r;
					failed = true;
				}
			}
			b->state = B_FREE;
			next++;
			freed = true;
		}
		/* after a failure nothing more is written: the workers finish
		 * what they hold and stop */
		if (failed || (eof && next == seq))
			break;
		/* a block just freed can be read into at once; otherwise wait for
		 * a worker to finish one (every dispatched block will) */
		if (!freed)
			pthread_cond_wait(&p.cv, &p.mu);
	}
	p.stop = true;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
cleanup:
	for (int i = 0; i < p.started; i++)
		pthread_join(p.threads[i], NULL);
	for (size_t i = 0; i < p.nblocks; i++) {
		shuan_free(p.blocks[i].in);
		shuan_buf_free(&p.blocks[i].raw);
		shuan_buf_free(&p.blocks[i].out);
	}
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	shuan_free(p.blocks);
	shuan_free(p.threads);
	return rc;
}

/* ---- a JSON document, streamed ---- */

/* The bytes the splitter read to sniff, then the rest of the input. */
typedef struct replay {
	deid_split *sp;
	size_t pos;
} replay;

static long replay_read(void *ctx, char *buf, size_t cap)
{
	replay *r = ctx;
	if (r->pos < r->sp->len) {
		size_t n = r->sp->len - r->pos < cap ? r->sp->len - r->pos : cap;
		memcpy(buf, r->sp->buf + r->pos, n);
		r->pos += n;
		return (long)n;
	}
	if (r->sp->eof)
		return 0;
	return r->sp->rd->read(r->sp->rd->ctx, buf, cap);
}

typedef struct tee {
	deid_stream *st;
	deid_worker *w;
	deid_json *j;
	shuan_reader *inner;
	shuan_buf win; /* the text from win_base on */
	uint64_t win_base;
	size_t done; /* bytes of win already masked */
	size_t fi;   /* first finding not yet passed */
	shuan_buf out, enc;
	deid_out *o;
	bool enc_first; /* a leading UTF-8 BOM is dropped when encoding */
	int rc;
	char *err;
	size_t errlen;
} tee;

static int tee_flush(tee *t, bool force)
{
	int rc;
	if (!force && t->out.len < WINDOW_FLUSH_BYTES)
		return 0;
	const char *p = t->out.p ? t->out.p : "";
	size_t n = t->out.len;
	if (t->st->oenc != OUT_UTF8) {
		shuan_buf_reset(&t->enc);
		if (t->win_base == 0 && t->enc_first && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
			p += 3, n -= 3;
		if ((rc = deid_encode(&t->w->enc, p, n, &t->enc, t->w->errmsg, sizeof(t->w->errmsg))) != 0)
			return rc;
		p = t->enc.p ? t->enc.p : "";
		n = t->enc.len;
	}
	t->enc_first = false;
	if ((rc = deid_out_write(t->o, p, n, t->err, t->errlen)) != 0)
		return rc;
	shuan_buf_reset(&t->out);
	return 0;
}

/* Masks the window up to stream offset `upto` (all of it when final). */
static int tee_advance(tee *t, uint64_t upto, bool final)
{
	deid_worker *w = t->w;
	size_t avail = (size_t)(upto - t->win_base);
	size_t used = 0;
	int rc;
	if (avail > t->win.len)
		avail = t->win.len;
	if (avail <= t->done && !final)
		return 0;
	rc = deid_json_feed(t->j, t->win.p + t->done, avail - t->done, t->win_base + t->done, final,
	                    w->finds.v, w->finds.n, &t->fi, &t->out, &used);
	if (rc)
		return rc;
	t->done += used;
	if ((rc = tee_flush(t, final)) != 0)
		return rc;
	/* drop what is masked, and the findings before it */
	if (t->done >= WINDOW_FLUSH_BYTES || final) {
		memmove(t->win.p, t->win.p + t->done, t->win.len - t->done);
		t->win.len -= t->done;
		t->win_base += t->done;
		t->done = 0;
		size_t keep = t->fi;
		while (keep > 0 && SHUAN_VEC_AT(&w->finds, deid_find, keep - 1).end > t->win_base)
			keep--;
		memmove(w->finds.v, (deid_find *)w->finds.v + keep, (w->finds.n - keep) * sizeof(deid_find));
		w->finds.n -= keep;
		t->fi -= keep;
	}
	return 0;
}

static long tee_read(void *ctx, char *buf, size_t cap)
{
	tee *t = ctx;
	if (t->rc)
		return t->rc;
	/* the scanner asks for more: everything before `settled` is reported */
	if (t->w->scanner && (t->rc = tee_advance(t, shuan_scanner__settled(t->w->scanner), false)) != 0)
		return t->rc;
	long n = t->inner->read(t->inner->ctx, buf, cap);
	if (n > 0 && (t->rc = shuan_buf_add(&t->win, buf, (size_t)n)) != 0) {
		if (t->rc == SHUAN_ELIMIT)
			snprintf(t->w->errmsg, sizeof(t->w->errmsg),
			         "a JSON string longer than --max-record");
		return t->rc;
	}
	if (!t->w->scanner && n >= 0 && (t->rc = tee_advance(t, t->win_base + t->win.len, false)) != 0)
		return t->rc;
	return n;
}

static int run_document(deid_stream *st, deid_worker *w, deid_split *sp, deid_out *o, shuan_mask_result *res,
                        char *err, size_t errlen)
{
	tee t;
	char buf[65536];
	replay rp = {sp, 0};
	shuan_reader inner = {replay_read, &rp};
	int rc = 0;

	memset(&t, 0, sizeof(t));
	t.st = st;
	t.w = w;
	t.j = w->json;
	t.inner = &inner;
	t.o = o;
	t.err = err;
	t.errlen = errlen;
	t.enc_first = true;
	shuan_buf_init(&t.win, st->m->opt.max_record + (16u << 20));
	shuan_buf_init(&t.out, (size_t)WINDOW_FLUSH_BYTES * 2 + st->m->opt.max_record * 4);
	shuan_buf_init(&t.enc, (size_t)WINDOW_FLUSH_BYTES * 8 + st->m->opt.max_record * 8);
	deid_json_init(t.j, w, false);
	w->finds.n = 0;
	shuan_reader rd = {tee_read, &t};
	if (st->need_scan) {
		shuan_scan_options so;
		shuan_input in = {st->path, NULL, SHUAN_FORMAT_JSON};
		shuan_input_result r;
		deid_scan_options(st->m, SHUAN_FORMAT_JSON, &so);
		if ((rc = shuan_scanner_new(&w->scanner, st->m->rules, &so)) != 0)
			goto cleanup;
		/* findings arrive in stream order: the tee masks behind them */
		rc = shuan_scanner_scan_reader(w->scanner, &in, &rd, deid_on_finding, w, &r);
		if (!rc && r.skipped)
			rc = r.skipped;
		if (!rc && r.limit) {
			snprintf(w->errmsg, sizeof(w->errmsg), "the scanner reached a limit (%s): %.180s",
			         shuan_limit_name(r.limit), r.warning);
			rc = SHUAN_ELIMIT;
		}
		if (rc && !t.rc && !w->errmsg[0])
			snprintf(w->errmsg, sizeof(w->errmsg), "%s",
			         rc == SHUAN_EINTR ? "interrupted" : r.reason);
		if (t.rc)
			rc = t.rc;
	} else {
		long n;
		while ((n = rd.read(rd.ctx, buf, sizeof(buf))) > 0)
			;
		rc = n < 0 ? (int)n : 0;
	}
	if (!rc && (t.win_base + t.win.len > 0))
		rc = tee_advance(&t, t.win_base + t.win.len, true);
	if (rc && !err[0])
		snprintf(err, errlen, "%.100s: line %llu: %.120s", st->path,
		         (unsigned long long)t.j->line + 1, w->errmsg[0] ? w->errmsg : shuan_strerror(rc));
	res->records = t.win_base + t.win.len > 0 ? 1 : 0;
cleanup:
	shuan_scanner_free(w->scanner);
	w->scanner = NULL;
	shuan_buf_free(&t.win);
	shuan_buf_free(&t.out);
	shuan_buf_free(&t.enc);
	return rc;
}

/* ---- one input ---- */

static deid_out_enc default_out_enc(shuan_enc e)
{
	switch (e) {
	case SHUAN_ENC_GB18030:
		return OUT_GB18030;
	case SHUAN_ENC_UTF16LE:
		return OUT_UTF16LE;
	case SHUAN_ENC_UTF16BE:
		return OUT_UTF16BE;
	default:
		return OUT_UTF8;
	}
}

/* Whether any rule needs the scanner's findings: a detector's action, or a
 * field rule that learns the value's type from a finding. */
static bool needs_scan(const shuan_masker *m)
{
	if (m->opt.unmask)
		return false;
	for (size_t i = 0; i < m->rules->n; i++)
		if (m->det_act[i])
			return true;
	for (size_t i = 0; i < m->nfields; i++) {
		const deid_action *a = m->fields[i].act;
		if (a->type == VT_AUTO && a->kind != ACT_KEEP && a->kind != ACT_REDACT &&
		    a->kind != ACT_ENCRYPT)
			return true;
	}
	return false;
}

/* Opens the input and reads enough to know its format; a CSV's header too. */
static int open_stream(shuan_masker *m, deid_stream *st, deid_in *in, deid_split *sp, const char *path,
                       const shuan_reader *src, char *err, size_t errlen)
{
	int rc = src ? deid_in_open_reader(in, path, *src, err, errlen)
	             : deid_in_open(in, path, m->opt.encoding, err, errlen);
	if (rc)
		return rc;
	deid_split_init(sp, &in->rd, SHUAN_FORMAT_AUTO, m->opt.max_record);
	if ((rc = deid_split_fill(sp, SNIFF_BYTES)) != 0) {
		snprintf(err, errlen, "%s: %s", path, rc == SHUAN_ENOMEM ? "out of memory" : "read error");
		return rc;
	}
	shuan_format f = src ? SHUAN_FORMAT_CSV : m->opt.format;
	if (f == SHUAN_FORMAT_AUTO)
		f = shuan_scanner__guess_format(strcmp(path, "-") ? path : NULL, sp->buf ? sp->buf : "",
		                                sp->len);
	sp->fmt = f;
	st->fmt = f;
	if (f == SHUAN_FORMAT_CSV || f == SHUAN_FORMAT_TSV) {
		/* the header is the first record: read until it is complete */
		deid_csv_cut c;
		memset(&c, 0, sizeof(c));
		for (;;) {
			deid_csv_cut_scan(&c, sp->buf ? sp->buf : "", sp->len);
			if (c.last_end || sp->eof)
				break;
			if (sp->len > m->opt.max_record) {
				snprintf(err, errlen, "%s: the header is longer than --max-record", path);
				return SHUAN_ELIMIT;
			}
			if ((rc = deid_split_fill(sp, sp->len * 2)) != 0) {
				snprintf(err, errlen, "%s: read error", path);
				return rc;
			}
		}
		if ((rc = deid_csv_ctx_init(&st->csv, m, path, f == SHUAN_FORMAT_TSV ? '\t' : ',',
		                            sp->buf ? sp->buf : "", c.last_end ? c.last_end : sp->len, err,
		                            errlen)) != 0)
			return rc;
	} else if (m->nfields) {
		/* columns named by the policy need a table */
		for (size_t i = 0; i < m->nfields; i++)
			if (m->fields[i].kind == RULE_COLUMN) {
				const deid_rule *r =
				    &SHUAN_VEC_AT(&m->policy->rules, deid_rule, m->fields[i].rule);
				snprintf(
				    err, errlen,
				    "%s: column '%s': %s is %s, which has no columns (use paths: for JSON)",
				    r->where, m->fields[i].key, path, shuan_format_name(f));
				return SHUAN_EINVAL;
			}
	}
	return 0;
}

static int record_input(shuan_masker *m, const char *in_path, const char *out_path,
                        const shuan_mask_result *res, deid_worker *workers, int nworkers)
{
	deid_input_report *ir;
	int rc;
	if ((rc = shuan_vec_add(&m->inputs, (void **)&ir)) != 0)
		return rc;
	ir->path = shuan_strdup(in_path);
	ir->output = shuan_strdup(out_path);
	ir->res = *res;
	deid_counts_init(&ir->counts);
	for (int i = 0; i < nworkers; i++)
		if ((rc = deid_counts_merge(&ir->counts, &workers[i].counts)) != 0)
			return rc;
	return ir->path && ir->output ? 0 : SHUAN_ENOMEM;
}

int shuan_mask_file(shuan_masker *m, const char *in_path, const char *out_path, shuan_mask_result *res)
{
	return deid_mask_run(m, in_path, NULL, out_path, NULL, res);
}

int deid_mask_run(shuan_masker *m, const char *in_path, const shuan_reader *src, const char *out_path,
                  const deid_emit *emit, shuan_mask_result *res)
{
	deid_stream st;
	deid_in in;
	deid_split sp;
	deid_out out;
	deid_worker *workers = NULL;
	deid_classmap classes, rare;
	char *err = res->error;
	size_t errlen = sizeof(res->error);
	int nworkers = m->opt.jobs, rc;
	unsigned char magic[SHUAN_MAGIC_BYTES];
	deid_spool spool;
	shuan_reader rows_rd; /* the tee, then the replay of the spool */
	bool spooled = false;

	memset(res, 0, sizeof(*res));
	memset(&st, 0, sizeof(st));
	memset(&out, 0, sizeof(out));
	memset(&sp, 0, sizeof(sp));
	in.fd = -1;
	in.dec = NULL;
	in.head = NULL;
	out.fd = -1;
	deid_classmap_init(&classes, MAX_CLASSES);
	deid_classmap_init(&rare, MAX_CLASSES);
	/* an Office workbook is rewritten cell by cell */
	size_t nm = !src && strcmp(in_path, "-") ? shuan_io_peek_file(in_path, magic, sizeof(magic)) : 0;
	if (nm && shuan_magic(magic, nm, NULL) == SHUAN_MAGIC_ZIP)
		return deid_mask_xlsx(m, in_path, out_path, res);
	/* a table's rows arrive once: k_anonymity keeps them for its second pass */
	if (src && m->policy && m->policy->kanon.on && !m->opt.unmask) {
		if ((rc = deid_spool_open(&spool, *src, m->opt.tmpdir, in_path, err, errlen)) != 0)
			goto cleanup;
		spooled = true;
		rows_rd = deid_spool_tee(&spool);
		src = &rows_rd;
	}
	if ((rc = open_stream(m, &st, &in, &sp, in_path, src, err, errlen)) != 0)
		goto cleanup;
	const char *mname = NULL;
	shuan_magic_kind mk = shuan_magic((const unsigned char *)in.head, in.head_len, &mname);
	if (shuan_magic_is_container(mk) || mk == SHUAN_MAGIC_OLE || mk == SHUAN_MAGIC_SQLITE) {
		snprintf(err, errlen,
		         "%s: %s %s; mask reads text, CSV/TSV, JSON and xlsx (extract or export it first)",
		         in_path, mk == SHUAN_MAGIC_SQLITE ? "an SQLite database" : "a",
		         mk == SHUAN_MAGIC_SQLITE ? "file"
		         : mname                  ? mname
		                                  : "binary");
		rc = SHUAN_EBINARY;
		goto cleanup;
	}
	st.m = m;
	st.path = in_path;
	st.in = &in;
	st.need_scan = needs_scan(m);
	st.oenc = default_out_enc(in.enc);
	if (m->opt.output_encoding && !emit && deid_out_enc_parse(m->opt.output_encoding, &st.oenc) != 0) {
		snprintf(err, errlen,
		         "unknown --output-encoding '%s' (utf-8, gb18030, gbk, utf-16le, utf-16be)",
		         m->opt.output_encoding);
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	const deid_kanon *k = &m->policy->kanon;
	if (k->on && !m->opt.unmask && st.fmt != SHUAN_FORMAT_CSV && st.fmt != SHUAN_FORMAT_TSV) {
		snprintf(err, errlen, "%s: k_anonymity applies to tables (CSV, TSV, xlsx); %s is %s",
		         k->where, in_path, shuan_format_name(st.fmt));
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	if (k->on && !m->opt.unmask && !spooled && (!strcmp(in_path, "-") || !S_ISREG(in.st.st_mode))) {
		snprintf(err, errlen, "%s: k_anonymity reads the table twice: give a file, not a pipe",
		         in_path);
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	if (!(workers = shuan_calloc((size_t)nworkers, sizeof(*workers)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < nworkers; i++)
		if ((rc = deid_worker_init(&workers[i], m)) != 0 ||
		    (rc = deid_worker_begin(&workers[i], &st)) != 0) {
			snprintf(err, errlen, "%.100s: %.140s", in_path,
			         workers[i].errmsg[0] ? workers[i].errmsg : "out of memory");
			nworkers = i + 1;
			goto cleanup;
		}
	if (k->on && !m->opt.unmask) {
		/* pass 1: the classes of the masked quasi-identifiers */
		sink ks = {NULL, NULL, &classes, res, err, errlen};
		st.kmode = KANON_COUNT;
		if ((rc = run_blocks(&st, workers, nworkers, &sp, &ks)) != 0)
			goto cleanup;
		for (size_t i = 0; i < classes.cap; i++)
			if (classes.counts[i] && classes.counts[i] < k->k &&
			    (rc = shuan_countmap_add(&rare, shuan_countmap_key(&classes, i), 1)))
				goto cleanup;
		shuan_countmap_free(&classes);
		for (int i = 0; i < nworkers; i++) {
			deid_counts_free(&workers[i].counts);
			deid_counts_init(&workers[i].counts);
			workers[i].masked = workers[i].invalid = workers[i].suppressed = 0;
		}
		res->records = res->invalid_utf8 = 0;
		/* pass 2 reads the file again, or the table's rows from the spool */
		deid_split_free(&sp);
		deid_in_close(&in);
		deid_csv_ctx_free(&st.csv);
		if (spooled && (rc = deid_spool_replay(&spool, &rows_rd)) != 0)
			goto cleanup;
		if ((rc = open_stream(m, &st, &in, &sp, in_path, spooled ? &rows_rd : NULL, err, errlen)) != 0)
			goto cleanup;
		st.kmode = KANON_SUPPRESS;
		st.rare = &rare;
	}
	if (!emit && (rc = deid_out_open(&out, out_path, &in, m->opt.unmask, err, errlen)) != 0)
		goto cleanup;
	bool utf16 = !emit && (st.oenc == OUT_UTF16LE || st.oenc == OUT_UTF16BE);
	if (utf16 && (in.bom || (in.enc != SHUAN_ENC_UTF16LE && in.enc != SHUAN_ENC_UTF16BE))) {
		const char *bom = st.oenc == OUT_UTF16LE ? "\xFF\xFE" : "\xFE\xFF";
		if ((rc = deid_out_write(&out, bom, 2, err, errlen)) != 0)
			goto cleanup;
	}
	if (st.fmt == SHUAN_FORMAT_JSON) {
		/* the tee reads the sniffed bytes first, then the rest */
		rc = run_document(&st, &workers[0], &sp, &out, res, err, errlen);
	} else {
		sink ks = {&out, emit, NULL, res, err, errlen};
		rc = run_blocks(&st, workers, nworkers, &sp, &ks);
	}
	if (rc)
		goto cleanup;
	if (in.dec && shuan_decoder_invalid(in.dec)) {
		snprintf(err, errlen,
		         "%s: %llu bytes are not valid %s; masking would change them (is --encoding right?)",
		         in_path, (unsigned long long)shuan_decoder_invalid(in.dec), in.enc_name);
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	if (!emit && (rc = deid_out_commit(&out, err, errlen)) != 0)
		goto cleanup;
cleanup:
	res->format = st.fmt;
	snprintf(res->encoding, sizeof(res->encoding), "%s", in.enc_name[0] ? in.enc_name : "utf-8");
	snprintf(res->output_encoding, sizeof(res->output_encoding), "%s", deid_out_enc_name(st.oenc));
	res->bytes_in = in.head ? deid_in_bytes(&in) : 0;
	if (!emit)
		res->bytes_out = out.bytes;
	for (int i = 0; workers && i < nworkers; i++) {
		res->masked += workers[i].masked;
		res->invalid += workers[i].invalid;
		res->suppressed += workers[i].suppressed;
	}
	if (rc == SHUAN_ENOMEM && !err[0])
		snprintf(err, errlen, "%s: out of memory", in_path);
	if (rc && spooled && spool.error)
		deid_spool_message(&spool, in_path, err, errlen);
	if (spooled)
		deid_spool_close(&spool);
	if (workers && record_input(m, in_path, out_path, res, workers, nworkers) != 0 && !rc)
		rc = SHUAN_ENOMEM;
	for (int i = 0; workers && i < nworkers; i++)
		deid_worker_free(&workers[i]);
	shuan_free(workers);
	shuan_countmap_free(&classes);
	shuan_countmap_free(&rare);
	deid_csv_ctx_free(&st.csv);
	deid_split_free(&sp);
	if (in.head)
		deid_in_close(&in);
	deid_out_close(&out);
	return rc;
}
