/*
 * lib/scan/scanner.c - the scanner's lifecycle and the streaming loop: reads a
 * reader in bounded chunks cut at line ends (or, for huge lines, anywhere,
 * with an overlap), sniffs the encoding (wrapping the reader in a decoder
 * for GB18030 and UTF-16; UTF-8 is scanned as stored) and the format, and
 * hands each chunk to scan_chunk.c.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/scan/decode.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/io.h"
#include "util/utf8.h"

const char *shuan_format_name(shuan_format f)
{
	static const char *const names[] = {"auto", "text", "csv", "tsv", "json", "jsonl"};
	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "auto";
}

int shuan_scanner_new(shuan_scanner **out, const shuan_rules *rules, const shuan_scan_options *opts)
{
	shuan_scanner *s = shuan_calloc(1, sizeof(*s));
	int rc = SHUAN_ENOMEM;

	*out = NULL;
	if (opts && (opts->version < 1 || opts->version > SHUAN_SCAN_OPTIONS_VERSION)) {
		shuan_free(s);
		return SHUAN_EINVAL;
	}
	if (!s)
		return rc;
	s->rules = rules;
	s->opt = (shuan_scan_options)SHUAN_SCAN_OPTIONS_INIT;
	if (opts && opts->version == 1)
		memcpy(&s->opt, opts, offsetof(shuan_scan_options, distinct_only)); /* ends there */
	else if (opts && opts->version == 2)
		memcpy(&s->opt, opts, offsetof(shuan_scan_options, fingerprint_only));
	else if (opts && opts->version == 3)
		memcpy(&s->opt, opts, offsetof(shuan_scan_options, counts_only));
	else if (opts)
		s->opt = *opts;
	s->opt.version = SHUAN_SCAN_OPTIONS_VERSION;
	if (s->opt.fingerprint_only) {
		if (!(s->fp_want = shuan_calloc(rules->n + 1, sizeof(bool))))
			goto fail;
		for (const char *const *id = s->opt.fingerprint_only; *id; id++) {
			long i = shuan_rules__index(rules, *id);
			if (i < 0) {
				rc = SHUAN_ENOTFOUND;
				goto fail;
			}
			s->fp_want[i] = true;
		}
	}
	if ((rc = shuan_enc_parse(s->opt.encoding, &s->enc)))
		goto fail;
	rc = SHUAN_ENOMEM;
	if (!s->opt.chunk_size)
		s->opt.chunk_size = SCAN_DEFAULT_CHUNK;
	if (s->opt.chunk_size < SCAN_MIN_CHUNK)
		s->opt.chunk_size = SCAN_MIN_CHUNK;
	if (s->opt.chunk_size > SCAN_MAX_CHUNK)
		s->opt.chunk_size = SCAN_MAX_CHUNK;
	s->vdata = rules->vdata;
	shuan_clock_date_or_today(s->opt.year, s->opt.month, s->opt.day, &s->vdata.scan_year, &s->vdata.scan_month,
	                          &s->vdata.scan_day);
	s->cap = s->opt.chunk_size + SCAN_OVERLAP;
	/* one spare byte before and after for the matcher's newline sentinels */
	shuan_vec_init(&s->cands, sizeof(scan_cand), SCAN_MAX_CANDIDATES);
	shuan_vec_init(&s->hits, sizeof(scan_hit), SCAN_MAX_VALUES);
	shuan_vec_init(&s->order, sizeof(uint32_t), 2 * (size_t)SCAN_MAX_VALUES); /* an index and its merge */
	shuan_vec_init(&s->refused, sizeof(scan_cand), SCAN_MAX_CANDIDATES);
	shuan_vec_init(&s->answered, sizeof(scan_answer), SCAN_MAX_CANDIDATES);
	shuan_vec_init(&s->last_cand, sizeof(uint32_t), 65536);
	shuan_vec_init(&s->pool, 1, 64u << 20);
	if (!(s->buf_base = shuan_malloc(s->cap + 2)) ||
	    shuan_vec_resize(&s->last_cand, rules->n_patterns ? rules->n_patterns : 1))
		goto fail;
	s->buf = s->buf_base + 1;
	if ((rc = shuan_matcher_scratch_alloc(&s->scratch, rules->matcher)))
		goto fail;
	if (s->opt.fingerprint_key && (rc = shuan_fingerprinter_new(&s->fp, s->opt.fingerprint_alg,
								   s->opt.fingerprint_key,
								   s->opt.fingerprint_key_len)))
		goto fail;
	seg_csv_init(&s->csv, ',');
	*out = s;
	return 0;
fail:
	shuan_scanner_free(s);
	return rc;
}

void shuan_scanner_free(shuan_scanner *s)
{
	if (!s)
		return;
	shuan_matcher_scratch_free(s->scratch);
	shuan_fingerprinter_free(s->fp);
	shuan_free(s->fp_want);
	shuan_decoder_free(s->dec);
	seg_csv_free(&s->csv);
	shuan_vec_free(&s->cands);
	shuan_vec_free(&s->hits);
	shuan_vec_free(&s->order);
	shuan_vec_free(&s->refused);
	shuan_vec_free(&s->answered);
	shuan_vec_free(&s->last_cand);
	shuan_vec_free(&s->pool);
	shuan_unescape__free(s->unesc);
	shuan_free(s->buf_base);
	shuan_free(s);
}

void shuan_scanner__set_limits(shuan_scanner *s, size_t max_candidates, size_t max_values)
{
	s->cands.max = max_candidates;
	s->hits.max = max_values;
}

static shuan_format format_from_name(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	if (!dot)
		return SHUAN_FORMAT_AUTO;
	if (!strcasecmp(dot, ".csv"))
		return SHUAN_FORMAT_CSV;
	if (!strcasecmp(dot, ".tsv") || !strcasecmp(dot, ".tab"))
		return SHUAN_FORMAT_TSV;
	if (!strcasecmp(dot, ".json"))
		return SHUAN_FORMAT_JSON;
	if (!strcasecmp(dot, ".jsonl") || !strcasecmp(dot, ".ndjson"))
		return SHUAN_FORMAT_JSONL;
	if (!strcasecmp(dot, ".log") || !strcasecmp(dot, ".txt") || !strcasecmp(dot, ".md"))
		return SHUAN_FORMAT_TEXT;
	return SHUAN_FORMAT_AUTO;
}

static size_t count_byte(const char *p, size_t n, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == c;
	return k;
}

/* Content sniffing: JSON when it starts with { or [ (JSON Lines when the
 * first line closes by itself and another object follows); CSV/TSV when the
 * first two lines have the same, non-zero number of delimiters. */
static shuan_format format_from_content(const char *buf, size_t len)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	const char *l1 = buf + i, *nl1 = memchr(l1, '\n', len - i);
	size_t n1 = nl1 ? (size_t)(nl1 - l1) : len - i;
	if (i < len && (buf[i] == '{' || buf[i] == '[')) {
		size_t e = n1;
		while (e > 0 && (l1[e - 1] == '\r' || l1[e - 1] == ' '))
			e--;
		if (nl1 && e > 0 && (l1[e - 1] == '}' || l1[e - 1] == ']') && nl1 + 1 < buf + len &&
		    (nl1[1] == '{' || nl1[1] == '['))
			return SHUAN_FORMAT_JSONL;
		return SHUAN_FORMAT_JSON;
	}
	if (!nl1)
		return SHUAN_FORMAT_TEXT;
	const char *l2 = nl1 + 1, *nl2 = memchr(l2, '\n', (size_t)(buf + len - l2));
	size_t n2 = nl2 ? (size_t)(nl2 - l2) : (size_t)(buf + len - l2);
	size_t t1 = count_byte(l1, n1, '\t'), t2 = count_byte(l2, n2, '\t');
	size_t c1 = count_byte(l1, n1, ','), c2 = count_byte(l2, n2, ',');
	if (t1 > 0 && t1 == t2)
		return SHUAN_FORMAT_TSV;
	if (c1 > 0 && c1 == c2)
		return SHUAN_FORMAT_CSV;
	return SHUAN_FORMAT_TEXT;
}

shuan_format shuan_scanner__guess_format(const char *name, const char *head, size_t len)
{
	shuan_format f = format_from_name(name);
	return f != SHUAN_FORMAT_AUTO ? f : format_from_content(head, len);
}

static void begin_input(shuan_scanner *s, const scan_call *c, const shuan_input *in, shuan_format f)
{
	s->format = f;
	s->path = in && in->path ? in->path : "-";
	s->base_offset = c->range_base;
	s->line = 1;
	s->line_chars = 0;
	/* an input that stopped inside a huge line left its overlap offsets:
	 * everything about the previous input's chunking starts afresh */
	s->report_from = 0;
	s->report_to = 0;
	s->seg_to = 0;
	s->findings = 0;
	s->piece = 0;
	s->walked = 0;
	seg_csv_free(&s->csv);
	seg_csv_init(&s->csv, f == SHUAN_FORMAT_TSV ? '\t' : ',');
	seg_json_init(&s->json, f == SHUAN_FORMAT_JSONL);
}

static int skip(shuan_input_result *res, int code, const char *reason)
{
	return shuan_result__skip(res, code, SHUAN_LIMIT_NONE, "%s", reason);
}

static int skip_too_large(shuan_input_result *res, uint64_t max)
{
	return shuan_result__skip(res, SHUAN_ELIMIT, SHUAN_LIMIT_FILE_SIZE, "larger than max_file_size (%llu bytes)",
				  (unsigned long long)max);
}

/* Sniffs the first chunk: which encoding (or the forced one), or why the
 * input is skipped (binary, undecodable). UTF-16 is recognised before the
 * NUL-byte test for binary input. */
static int sniff(shuan_scanner *s, const char *buf, size_t len, bool more, shuan_enc *enc, size_t *bom,
		 shuan_input_result *res)
{
	char why[sizeof(res->reason)];
	const unsigned char *b = (const unsigned char *)buf;
	int rc;

	*bom = 0;
	if (s->enc.forced) {
		*enc = s->enc.enc;
		snprintf(res->encoding, sizeof(res->encoding), "%s", s->enc.name);
		if (*enc == SHUAN_ENC_UTF16LE && len >= 2 && b[0] == 0xFF && b[1] == 0xFE)
			*bom = 2;
		else if (*enc == SHUAN_ENC_UTF16BE && len >= 2 && b[0] == 0xFE && b[1] == 0xFF)
			*bom = 2;
		else if (*enc != SHUAN_ENC_UTF16LE && *enc != SHUAN_ENC_UTF16BE &&
			 memchr(buf, '\0', len < 8000 ? len : 8000))
			return skip(res, SHUAN_EBINARY, "binary file (NUL bytes)");
		return 0;
	}
	if ((rc = shuan_enc_detect(buf, len, more, enc, bom, why, sizeof(why))))
		return skip(res, rc, why);
	snprintf(res->encoding, sizeof(res->encoding), "%s", shuan_enc_name(*enc));
	return 0;
}

/* Invalid UTF-8 sequences in the bytes this chunk consumes, each byte counted
 * once: up to the cut, or for a piece of a huge line up to where the carried
 * overlap begins (the next piece counts that, skipping the continuation
 * bytes of a character the cut split). */
static uint64_t invalid_in_consumed(const shuan_scanner *s, size_t cut, bool huge)
{
	size_t from = 0, upto = huge ? cut - SCAN_OVERLAP : cut;
	if (s->report_from)
		while (from < upto && from < 3 && shuan_utf8_is_cont((unsigned char)s->buf[from]))
			from++;
	return shuan_utf8_invalid(s->buf + from, upto - from, huge);
}

/* What the segmenters could not do as asked, for the input's result: an
 * unbalanced quote they recovered from, columns or levels past their bounds.
 * Offsets are the input's (a part adds where it starts). */
static void note_segmenter(const shuan_scanner *s, const scan_call *c, shuan_input_result *res)
{
	if (s->format == SHUAN_FORMAT_CSV || s->format == SHUAN_FORMAT_TSV) {
		if (s->csv.recovered)
			shuan_result__warn(res, SHUAN_LIMIT_NONE,
					   "unbalanced quote at byte %llu: the quoted cell was ended after %d lines",
					   (unsigned long long)(c->range_base + s->csv.recovered_first),
					   SEG_CSV_QUOTE_LINES);
		if (s->csv.columns_cut)
			shuan_result__warn(res, SHUAN_LIMIT_COLUMNS,
					   "more than %d columns: values past column %d were scanned without a field "
					   "name",
					   SEG_MAX_COLUMNS, SEG_MAX_COLUMNS);
	} else if ((s->format == SHUAN_FORMAT_JSON || s->format == SHUAN_FORMAT_JSONL) && s->json.depth_cut) {
		shuan_result__warn(res, SHUAN_LIMIT_NESTING,
				   "JSON nested deeper than %d levels: deeper values were scanned with the key path "
				   "of level %d",
				   SEG_MAX_DEPTH, SEG_MAX_DEPTH);
	}
}

int shuan_scanner_scan_reader(shuan_scanner *s, const shuan_input *in, shuan_reader *rd, shuan_finding_fn cb,
			      void *ud, shuan_input_result *res)
{
	scan_call c = {.cb = cb, .ud = ud};
	return shuan_scanner__scan_stream(s, &c, in, rd, res);
}

int shuan_scanner__scan_stream(shuan_scanner *s, scan_call *c, const shuan_input *in, shuan_reader *rd,
			       shuan_input_result *res)
{
	shuan_input_result dummy;
	shuan_reader dec_rd;
	size_t len = 0, chunk = s->opt.chunk_size;
	bool eof = false, first = true;
	int rc = 0;

	if (!res)
		res = &dummy;
	shuan_result__reset(res);
	c->res = res;
	begin_input(s, c, in, SHUAN_FORMAT_AUTO);
	for (;;) {
		while (len < chunk && !eof) {
			long n = rd->read(rd->ctx, s->buf + len, chunk - len);
			if (n < 0) {
				rc = skip(res, (int)n, s->dec && n == SHUAN_EINVAL ? "decoding failed" : "read error");
				goto done;
			}
			if (n == 0)
				eof = true;
			len += (size_t)n;
			/* bytes as stored: a decoder counts what it took in */
			res->bytes = s->dec ? shuan_decoder_bytes_in(s->dec) : res->bytes + (uint64_t)n;
			if (s->opt.max_file_size && res->bytes > s->opt.max_file_size) {
				rc = skip_too_large(res, s->opt.max_file_size);
				goto done;
			}
			if (shuan_scanner__cancelled(s)) {
				rc = SHUAN_EINTR;
				goto done;
			}
		}
		if (first && !s->dec) {
			/* a later part of a split file: its head was sniffed as UTF-8 */
			shuan_enc enc = SHUAN_ENC_UTF8;
			size_t bom = 0;
			if (!c->skip_sniff && (rc = sniff(s, s->buf, len, !eof, &enc, &bom, res)))
				goto done;
			if (enc != SHUAN_ENC_UTF8) {
				/* Re-read the head and the rest through a decoder. */
				rc = shuan_decoder_new(&s->dec, enc, rd, s->buf, len, bom, eof, s->cap);
				if (rc) {
					rc = skip(res, rc, rc == SHUAN_ENOMEM ? "out of memory" : "no iconv converter");
					goto done;
				}
				dec_rd = shuan_decoder_reader(s->dec);
				rd = &dec_rd;
				len = 0;
				eof = false;
				continue;
			}
		}
		if (first) {
			shuan_format f = in && in->format != SHUAN_FORMAT_AUTO ? in->format
					 : s->opt.format != SHUAN_FORMAT_AUTO ? s->opt.format
									      : format_from_name(in ? in->name_hint : NULL);
			if (f == SHUAN_FORMAT_AUTO)
				f = format_from_content(s->buf, len);
			begin_input(s, c, in, f);
			res->format = f;
			if (c->prime_header && (f == SHUAN_FORMAT_CSV || f == SHUAN_FORMAT_TSV) &&
			    (rc = shuan_scanner__prime_csv(s, c, c->prime_header, c->prime_len)))
				goto done;
		}
		/* Cut after the last newline; a chunk without one is a huge line.
		 * A crowded chunk (more candidates or values than the per-chunk
		 * caps hold) is cut smaller and scanned again, down to
		 * SCAN_MIN_PIECE; the next chunks start at the size that fitted
		 * and grow back (shrink_to). */
		size_t lim = s->piece && s->piece < len ? s->piece : len, cut;
		bool huge;
		for (;;) {
			bool whole = eof && lim == len; /* the rest of the input */
			const char *nl = whole ? NULL : memrchr(s->buf, '\n', lim);
			cut = whole ? len : nl ? (size_t)(nl - s->buf) + 1 : lim;
			huge = !whole && !nl;
			s->report_to = huge ? cut - SCAN_OVERLAP + SCAN_CTX : cut;
			s->seg_to = huge ? cut - SCAN_OVERLAP : cut;
			c->can_shrink = cut / 2 >= SCAN_MIN_PIECE;
			if (len == 0 || (rc = shuan_scanner__chunk(s, c, s->buf, cut, first)) != SCAN_CROWDED)
				break;
			lim = cut / 2; /* nothing was reported: the same bytes, in a smaller piece */
			s->piece = lim;
			s->crowded++;
		}
		if (rc)
			goto done;
		/* grow back once a piece used well under the caps */
		if (s->piece && s->cands.n < s->cands.max / 4 && s->hits.n < s->hits.max / 4 && (s->piece *= 2) >= chunk)
			s->piece = 0;
		if (!s->dec)
			res->invalid_utf8 += invalid_in_consumed(s, cut, huge);
		if (huge) {
			/* Carry the overlap; this line goes on in the next chunk. */
			size_t keep = cut - SCAN_OVERLAP;
			s->line_chars += shuan_utf8_count(s->buf, keep);
			memmove(s->buf, s->buf + keep, len - keep);
			s->base_offset += keep;
			len -= keep;
			s->report_from = SCAN_CTX;
		} else {
			s->line += count_byte(s->buf, cut, '\n');
			s->line_chars = 0;
			memmove(s->buf, s->buf + cut, len - cut);
			s->base_offset += cut;
			len -= cut;
			s->report_from = 0;
		}
		if (s->dec)
			shuan_decoder_forget(s->dec, s->base_offset);
		first = false;
		if (eof && len == 0)
			break;
		if (shuan_scanner__cancelled(s)) {
			rc = SHUAN_EINTR;
			goto done;
		}
	}
done:
	if (!res->skipped)
		note_segmenter(s, c, res);
	res->findings = s->findings;
	if (s->dec) {
		res->invalid_bytes = shuan_decoder_invalid(s->dec);
		shuan_decoder_free(s->dec);
		s->dec = NULL;
	}
	if (rc == SHUAN_EINTR)
		shuan_result__interrupted(res);
	else if (rc == SHUAN_ESTOP && !res->reason[0])
		snprintf(res->reason, sizeof(res->reason), "stopped");
	else if (rc == SHUAN_ENOMEM && !res->skipped)
		skip(res, rc, "out of memory");
	else if (rc < 0 && !res->skipped) {
		/* never a file cut short that passes for scanned */
		char why[96];
		snprintf(why, sizeof(why), "scanning stopped after %llu bytes: %s", (unsigned long long)res->bytes,
			 shuan_strerror(rc));
		skip(res, rc, why);
	}
	c->res = NULL;
	return rc;
}

struct mem_reader {
	const char *p;
	size_t left;
};

static long mem_read(void *ctx, char *buf, size_t cap)
{
	struct mem_reader *m = ctx;
	size_t n = m->left < cap ? m->left : cap;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (long)n;
}

int shuan_scanner_scan_buffer(shuan_scanner *s, const shuan_input *in, const char *buf, size_t len,
			      shuan_finding_fn cb, void *ud, shuan_input_result *res)
{
	struct mem_reader m = {buf, len};
	shuan_reader rd = {mem_read, &m};
	return shuan_scanner_scan_reader(s, in, &rd, cb, ud, res);
}

int shuan_scanner__scan_block(shuan_scanner *s, const shuan_input *in, const char *buf, size_t len,
			      const char *header, size_t header_len, shuan_finding_fn cb, void *ud,
			      shuan_input_result *res)
{
	shuan_input_result dummy;
	struct mem_reader m = {buf, len};
	shuan_reader rd = {mem_read, &m};
	scan_call c = {.cb = cb, .ud = ud, .prime_header = header, .prime_len = header_len, .skip_sniff = true};
	return shuan_scanner__scan_stream(s, &c, in, &rd, res ? res : &dummy);
}

uint64_t shuan_scanner__settled(const shuan_scanner *s)
{
	/* asked between chunks: candidates starting before report_from of the
	 * carried bytes were reported with the previous chunk */
	return s->base_offset + s->report_from;
}

static long fd_read(void *ctx, char *buf, size_t cap)
{
	ssize_t n = shuan_io_read(*(int *)ctx, buf, cap);
	return n >= 0 ? (long)n : SHUAN_EIO;
}

int shuan_scanner_scan_file(shuan_scanner *s, const char *path, const shuan_input *in, shuan_finding_fn cb,
			    void *ud, shuan_input_result *res)
{
	shuan_input_result dummy;
	shuan_input local = {path, path, SHUAN_FORMAT_AUTO};
	struct stat st;
	int fd, rc;

	if (!res)
		res = &dummy;
	shuan_result__reset(res);
	if (in) {
		local = *in;
		if (!local.path)
			local.path = path;
		if (!local.name_hint)
			local.name_hint = path;
	}
	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;
		return skip(res, e == ENOENT ? SHUAN_ENOTFOUND : SHUAN_EIO, strerror(e));
	}
	memset(&st, 0, sizeof(st));
	if (fd != STDIN_FILENO && fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return skip(res, SHUAN_EINVAL, "is a directory");
		}
		if (s->opt.max_file_size && S_ISREG(st.st_mode) && (uint64_t)st.st_size > s->opt.max_file_size) {
			close(fd);
			return skip_too_large(res, s->opt.max_file_size);
		}
	}
	shuan_reader rd = {fd_read, &fd};
	rc = shuan_scanner_scan_reader(s, &local, &rd, cb, ud, res);
	/* A file cut while it was read must not pass for scanned in full. */
	if (rc == 0 && fd != STDIN_FILENO && S_ISREG(st.st_mode) && res->bytes < (uint64_t)st.st_size)
		shuan_result__warn(res, SHUAN_LIMIT_NONE, "the file shrank while it was read: %llu of %llu bytes scanned",
				   (unsigned long long)res->bytes, (unsigned long long)st.st_size);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}
