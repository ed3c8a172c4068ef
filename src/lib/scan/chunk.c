/*
 * lib/scan/chunk.c - one chunk through the pipeline: matcher candidates ->
 * boundary check -> validator -> field-mode cells -> overlap resolution ->
 * line/column/field -> context -> masking and fingerprint -> callback.
 *
 * Overlap resolution: when one accepted value lies inside another (a mobile
 * number inside an e-mail address, the same 18 digits read as an ID number
 * and as a card number), only the enclosing or more confident one is kept.
 * Values that merely touch or partly overlap are both kept.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/scan/evidence.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"
#include "util/utf8.h"

static bool is_boundary_char(boundary_kind b, unsigned char c)
{
	if (b == BOUNDARY_DIGIT)
		return c >= '0' && c <= '9';
	if (b == BOUNDARY_ALNUM)
		return isalnum(c);
	return false;
}


/* True when the three bytes before b[at] are one character of
 * [\x{4e00}-\x{9fa5}] (the sentinel before a chunk is not). */
static bool han_before(const unsigned char *b, size_t at)
{
	const unsigned char *c = b + at - 3;
	if (c[0] < 0xE4 || c[0] > 0xE9 || (c[1] & 0xC0) != 0x80 || (c[2] & 0xC0) != 0x80)
		return false;
	unsigned cp = (unsigned)(c[0] & 0x0F) << 12 | (unsigned)(c[1] & 0x3F) << 6 | (c[2] & 0x3F);
	return cp >= 0x4E00 && cp <= 0x9FA5;
}

/* What the matcher callback needs: the scanner and the call whose chunk it is. */
struct match_ctx {
	shuan_scanner *s;
	scan_call *c;
};

static int on_match(unsigned pattern, size_t start, size_t end, void *ud)
{
	struct match_ctx *m = ud;
	shuan_scanner *s = m->s;
	int rc;
	const unsigned char *b = (const unsigned char *)s->match_buf; /* includes the leading sentinel */
	unsigned trim = s->rules->pattern_trim[pattern];
	scan_cand c;
	/* Cut off the boundary delimiters the pattern consumed. A pattern
	 * whose value has one length comes without its start: the value is
	 * that many bytes before the end delimiter. */
	bool no_start = start == SHUAN_MATCH_NO_START;
	if ((trim & PATTERN_TRIM_START) && !no_start)
		start += shuan_utf8_lead_len(b[start]);
	if (trim & PATTERN_TRIM_END) {
		size_t back = 1, low = no_start ? 0 : start;
		while (back < 4 && end - back > low && shuan_utf8_is_cont(b[end - back]))
			back++;
		end -= back;
	}
	if (no_start && (trim & PATTERN_TRIM_AT)) {
		/* back to the last @, then over the run before it; a run longer
		 * than a value may be is dropped below, as with its start known */
		const pattern_lead *lead = &s->rules->pattern_lead[pattern];
		size_t from = end > SCAN_MAX_VALUE + 2 ? end - SCAN_MAX_VALUE - 2 : 0;
		const unsigned char *at = memrchr(b + from, '@', end - from);
		if (!at)
			return 0; /* the run and the @ are too long together */
		start = (size_t)(at - b);
		while (start > from && b[start - 1] < 0x80 && ((lead->at_run[b[start - 1] >> 6] >> (b[start - 1] & 63)) & 1))
			start--;
	} else if (no_start) {
		unsigned w = s->rules->pattern_width[pattern];
		if (!w || end < (size_t)w + 1)
			return 0; /* cannot happen: a delimiter precedes every value */
		start = end - w;
	}
	if (trim & PATTERN_TRIM_LEAD) {
		/* put back the opening digits and Han run the pattern was compiled without */
		const pattern_lead *lead = &s->rules->pattern_lead[pattern];
		unsigned k = 0;
		while (k < lead->digit_max && start > 0 && b[start - 1] >= '0' && b[start - 1] <= '9') {
			start--;
			k++;
		}
		if (k < lead->digit_min)
			return 0;
		k = 0;
		while (k < lead->max && start >= 3 && han_before(b, start)) {
			start -= 3;
			k++;
		}
		if (k < lead->min)
			return 0;
	}
	if (trim & PATTERN_TRIM_CUE) {
		/* the value is the run of boundary-class characters before the end */
		const shuan_detector *d = &s->rules->dets[s->rules->pattern_det[pattern]];
		size_t v = end;
		while (v > start && is_boundary_char(d->boundary, b[v - 1]))
			v--;
		start = v;
	}
	/* back to chunk offsets: the matcher saw one sentinel byte first */
	if (end <= start || start < 1 || end - 1 > s->match_len)
		return 0;
	start--;
	end--;
	if (start < s->report_from || start >= s->report_to || end - start > SCAN_MAX_VALUE)
		return 0;
	/* The same start again for this pattern (a longer match of it): keep
	 * only the longer, so one start does not hold a candidate per end. */
	uint32_t *last = s->last_cand.v;
	if (last[pattern]) {
		scan_cand *p = (scan_cand *)s->cands.v + last[pattern] - 1;
		if (p->start == start) {
			if (end > p->end)
				p->end = (uint32_t)end;
			return 0;
		}
	}
	c.pattern = (uint16_t)pattern;
	c.det = (uint16_t)s->rules->pattern_det[pattern];
	c.start = (uint32_t)start;
	c.end = (uint32_t)end;
	/* A full candidate list means pathological input: stop collecting
	 * rather than grow without bound, check what was collected, and say
	 * that the rest of the chunk was not checked. */
	if ((rc = shuan_vec_push(&s->cands, &c)) != 0) {
		if (rc != SHUAN_ELIMIT)
			m->c->err = rc;
		else if (m->c->can_shrink)
			m->c->crowded = true; /* the stream loop cuts the chunk smaller */
		else
			m->c->limit = SHUAN_LIMIT_CANDIDATES;
		return 1;
	}
	last[pattern] = (uint32_t)s->cands.n;
	return 0;
}

/* By start, then detector, then end: the longest candidate of a (detector,
 * start) comes last in its run, and one start's ends already arrive in
 * this order. */
static int cmp_cand(const void *a, const void *b)
{
	const scan_cand *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->det != y->det)
		return (int)x->det - (int)y->det;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Hits in report order: by start, the longest first, then the more
 * confident, then by detector, then a pattern's hit before a field-mode
 * cell's on the same span (it carries the cue boost); equal ones keep the
 * order they were found in. */
static int cmp_hit_at(const void *a, const void *b, void *ud)
{
	const scan_hit *hv = ud;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const scan_hit *x = &hv[i], *y = &hv[j];
	if (x->v.start != y->v.start)
		return x->v.start < y->v.start ? -1 : 1;
	if (x->v.end != y->v.end)
		return x->v.end > y->v.end ? -1 : 1;
	if (x->v.confidence != y->v.confidence)
		return x->v.confidence > y->v.confidence ? -1 : 1;
	if (x->det != y->det)
		return (int)x->det - (int)y->det;
	if (x->by_field != y->by_field)
		return x->by_field ? 1 : -1;
	return i < j ? -1 : i > j;
}

static int cmp_cand_r(const void *a, const void *b, void *ud)
{
	(void)ud;
	return cmp_cand(a, b);
}

/*
 * Sorts data that is nearly in order already: candidates arrive in order of
 * their end, so by start they are out of place only by the few shorter
 * matches that end inside a longer one; hits come in candidate order. An
 * insertion sort moves each element past those few (linear in practice,
 * where a general sort was 7% of a dense scan); past a budget of moves -
 * input built to be out of order - it hands over to qsort_r, so the worst
 * case stays n log n. Equal elements keep their order (both comparators
 * break every tie).
 */
static void sort_nearly(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *), void *ud)
{
	char *v = base, tmp[16];
	size_t budget = 16 * n + 64;
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		if (cmp(v + (j - 1) * size, v + j * size, ud) <= 0)
			continue;
		memcpy(tmp, v + i * size, size);
		while (j > 0 && cmp(v + (j - 1) * size, tmp, ud) > 0) {
			if (budget-- == 0) {
				/* nothing moved yet for this element: the array is whole */
				qsort_r(base, n, size, cmp, ud);
				return;
			}
			j--;
		}
		memmove(v + (j + 1) * size, v + j * size, (i - j) * size);
		memcpy(v + j * size, tmp, size);
	}
}


/* Validates one candidate; an accepted one becomes a hit. Returns 0,
 * SHUAN_ELIMIT when the hit list is full (the caller stops validating and
 * says so) or SHUAN_ENOMEM. */
static int validate(shuan_scanner *s, unsigned det, const char *buf, size_t len, size_t start, size_t end,
		    bool by_field, const char *field)
{
	const shuan_detector *d = &s->rules->dets[det];
	scan_hit h;
	memset(&h, 0, sizeof(h));
	h.det = det;
	h.by_field = by_field;
	h.v.start = start;
	h.v.end = end;
	h.v.field_mode = by_field;
	h.v.age = -1;
	h.v.words = &d->words;
	if (!d->validator->fn(&s->vdata, buf, len, &h.v))
		return 0;
	/* A validator may narrow the span, never widen it. */
	if (h.v.start < start || h.v.end > end || h.v.start >= h.v.end)
		return 0;
	if (h.v.confidence <= 0)
		h.v.confidence = d->confidence;
	if (field) {
		/* the same cell field repeats row after row: reuse the last copy */
		size_t fl = strlen(field) + 1;
		const char *pool = s->pool.v;
		if (s->last_field != (size_t)-1 && !strcmp(pool + s->last_field, field)) {
			h.field = s->last_field;
		} else {
			int rc = shuan_vec_reserve(&s->pool, fl);
			if (rc)
				return rc;
			h.field = s->pool.n;
			memcpy((char *)s->pool.v + s->pool.n, field, fl);
			s->pool.n += fl;
			s->last_field = h.field;
		}
	}
	return shuan_vec_push(&s->hits, &h);
}

/* ---- field-mode cells ---- */

struct cell_ctx {
	shuan_scanner *s;
	scan_call *c;
	const char *buf;
	size_t len;
};

/* ---- which detectors name a field ---- */

/*
 * The detectors whose `fields` hold a normalised field name. The same few
 * names (a CSV file's columns, a JSON file's keys) are asked about for
 * every cell and every finding, so the answer is kept in a small
 * direct-mapped cache per scanner (the rules never change under it),
 * keyed by the name as given: normalised for cells (raw == false), or the
 * raw last component of a key path (raw == true, normalised here).
 */
static const watch_entry *watchers(shuan_scanner *s, const char *name, bool raw)
{
	size_t len = strlen(name);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	/* four ways per set: a file's handful of names never evict each other */
	watch_entry *set = &s->watch[raw][(h % (SCAN_WATCH_SLOTS / 4)) * 4], *e;
	for (int w = 0; w < 4; w++)
		if (set[w].valid && !strcmp(set[w].key, name))
			return &set[w];
	e = &set[s->watch_next[raw]++ % 4];
	char norm[SEG_MAX_NAME];
	const char *n = name;
	if (raw) {
		shuan_field_normalise(name, len, norm, sizeof(norm));
		char *br = strchr(norm, '['); /* a trailing array index: phones[1] -> phones */
		if (br)
			*br = '\0';
		n = norm;
	}
	const shuan_rules *r = s->rules;
	e->n = 0;
	e->many = false;
	for (size_t i = 0; i < r->n; i++) {
		if (!shuan_detector_has_field(&r->dets[i], n))
			continue;
		if (e->n == sizeof(e->det) / sizeof(e->det[0]))
			e->many = true;
		else
			e->det[e->n++] = (uint16_t)i;
	}
	e->field_mode = false;
	for (unsigned k = 0; k < e->n; k++)
		e->field_mode |= r->dets[e->det[k]].field_mode;
	/* a name too long to keep, or watched by more detectors than an
	 * entry holds, is looked up afresh every time */
	e->valid = len < sizeof(e->key) && !e->many;
	if (e->valid)
		memcpy(e->key, name, len + 1);
	return e;
}

static bool has_field_slow(const shuan_rules *r, const char *norm, bool field_mode_only, size_t i)
{
	return (!field_mode_only || r->dets[i].field_mode) && shuan_detector_has_field(&r->dets[i], norm);
}

static bool want_field(const char *norm, void *ud)
{
	shuan_scanner *s = ((struct cell_ctx *)ud)->s;
	const watch_entry *e = watchers(s, norm, false);
	if (!e->many)
		return e->field_mode;
	for (size_t i = 0; i < s->rules->n; i++)
		if (has_field_slow(s->rules, norm, true, i))
			return true;
	return false;
}

static int on_cell(const seg_cell *c, const char *norm, void *ud)
{
	struct cell_ctx *cc = ud;
	const shuan_rules *r = cc->s->rules;
	if (c->start < cc->s->report_from || c->start >= cc->s->report_to)
		return 0;
	if (c->end - c->start > SCAN_MAX_VALUE)
		return 0;
	const watch_entry *e = watchers(cc->s, norm, false);
	if (!e->many && !e->field_mode)
		return 0;
	/* in detector order, as the full loop below */
	uint16_t list[sizeof(e->det) / sizeof(e->det[0])];
	size_t nl = e->many ? r->n : e->n;
	if (!e->many)
		memcpy(list, e->det, e->n * sizeof(list[0]));
	for (size_t k = 0; k < nl; k++) {
		size_t i = e->many ? k : list[k];
		if (e->many ? !has_field_slow(r, norm, true, i) : !r->dets[i].field_mode)
			continue;
		size_t had = cc->s->hits.n;
		int rc = validate(cc->s, (unsigned)i, cc->buf, cc->len, c->start, c->end, true, c->field);
		if (rc == 0 && cc->s->hits.n == had && r->dets[i].validator->field_covers_pattern) {
			/* a full list only costs the second validation it would spare */
			scan_cand no = {(uint16_t)i, 0, (uint32_t)c->start, (uint32_t)c->end};
			(void)shuan_vec_push(&cc->s->refused, &no);
		}
		const scan_hit *h = rc == 0 && cc->s->hits.n == had + 1 ? &SHUAN_VEC_AT(&cc->s->hits, scan_hit, had) : NULL;
		if (h && h->v.as_pattern.to) {
			/* the validator said what prose on exactly this cell gets */
			scan_answer a = {(uint16_t)i, (uint32_t)h->v.as_pattern.from, (uint32_t)h->v.as_pattern.to,
					 (uint32_t)had};
			(void)shuan_vec_push(&cc->s->answered, &a); /* as above */
		}
		if (rc == SHUAN_ELIMIT && cc->c->can_shrink) {
			cc->c->crowded = true;
			return SCAN_CROWDED; /* stops the segmenter; its state is restored */
		}
		if (rc == SHUAN_ELIMIT) {
			cc->c->limit = SHUAN_LIMIT_VALUES;
			return 0;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* A spreadsheet cell under a watched column header is one field-mode cell. */
static int whole_cell(struct cell_ctx *cc, size_t len)
{
	const char *field = cc->c->cell_field;
	char norm[SEG_MAX_NAME];
	seg_cell c;
	shuan_field_normalise(field, strlen(field), norm, sizeof(norm));
	if (!want_field(norm, cc))
		return 0;
	c.start = 0;
	c.end = len;
	c.column = -1;
	snprintf(c.field, sizeof(c.field), "%s", field);
	return on_cell(&c, norm, cc);
}

/* ---- context ---- */

/* Whether any of `cues` (stored lower-case) occurs in the `window` bytes
 * before start on the same line, ASCII case-insensitively. */
static bool cue_before(const shuan_detector *d, const shuan_strlist *cues, const char *buf, size_t start)
{
	char low[4096];
	size_t from = start > (size_t)d->window ? start - (size_t)d->window : 0, n = 0;
	if (!cues->n)
		return false;
	/* Cues belong to the same line as the value. */
	const char *nl = memrchr(buf + from, '\n', start - from);
	if (nl)
		from = (size_t)(nl - buf) + 1;
	for (size_t i = from; i < start && n < sizeof(low); i++)
		low[n++] = (char)tolower((unsigned char)buf[i]);
	for (size_t c = 0; c < cues->n; c++)
		if (memmem(low, n, cues->v[c], strlen(cues->v[c])))
			return true;
	return false;
}

/* Whether the field name contains an anti-cue (a column "订单号", a key "trace_id"). */
static bool field_has_anti(const shuan_detector *d, const char *field)
{
	for (size_t c = 0; field && c < d->anti_cues.n; c++)
		if (strcasestr(field, d->anti_cues.v[c]))
			return true;
	return false;
}

static bool field_is_cue(shuan_scanner *s, const shuan_detector *d, const char *field)
{
	const char *last;
	if (!field || !*field)
		return false;
	last = strrchr(field, '.');
	last = last ? last + 1 : field;
	const watch_entry *e = watchers(s, last, true);
	unsigned di = (unsigned)(d - s->rules->dets);
	if (e->many) {
		char norm[SEG_MAX_NAME];
		shuan_field_normalise(last, strlen(last), norm, sizeof(norm));
		char *br = strchr(norm, '[');
		if (br)
			*br = '\0';
		return shuan_detector_has_field(d, norm);
	}
	for (unsigned k = 0; k < e->n; k++)
		if (e->det[k] == di)
			return true;
	return false;
}

/* ---- reporting ---- */


/* Where reporting has got to in the chunk. Findings are reported in order
 * of their start, so lines and columns are counted incrementally: every
 * byte of the chunk is looked at once, however many findings share a line
 * (counting each column from its line start made one long line full of
 * values quadratic). */
struct cursor {
	size_t pos;        /* offset processed so far */
	uint64_t line;     /* line number at pos */
	size_t line_start; /* offset of that line's start in the chunk */
	uint64_t col;      /* characters from line_start to pos */
};

static void advance_lines(shuan_scanner *s, struct cursor *c, const char *buf, size_t to)
{
	const char *p = buf + c->pos, *end = buf + to, *nl;
	if (to <= c->pos)
		return;
	s->walked += to - c->pos;
	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		c->line++;
		c->line_start = (size_t)(nl - buf) + 1;
		c->col = 0;
		p = nl + 1;
	}
	c->col += shuan_utf8_count(p, (size_t)(end - p));
	c->pos = to;
}

static const char *field_at(shuan_scanner *s, const scan_call *c, const char *buf, size_t off, char *tmp,
			    size_t cap)
{
	bool hdr;
	if (c->in_cell)
		return c->cell_field;
	if (s->format == SHUAN_FORMAT_CSV || s->format == SHUAN_FORMAT_TSV)
		return seg_csv_field_at(&s->csv, buf, off, &hdr);
	if (s->format == SHUAN_FORMAT_JSON || s->format == SHUAN_FORMAT_JSONL) {
		size_t was = s->json.pos;
		if (off <= s->seg_to) {
			seg_json_advance(&s->json, buf, off);
			seg_json_path(&s->json, tmp, cap);
		} else {
			/* Beyond what this chunk owns: look, don't move - from the end
			 * of what it owns, so a probe walks at most the overlap. */
			seg_json_advance(&s->json, buf, s->seg_to);
			seg_json probe = s->json;
			seg_json_advance(&probe, buf, off);
			seg_json_path(&probe, tmp, cap);
			s->walked += off - s->json.pos;
		}
		s->walked += s->json.pos - was;
		return tmp[0] ? tmp : NULL;
	}
	return NULL;
}

static int report(shuan_scanner *s, scan_call *c, const scan_hit *h, const char *buf, struct cursor *cur)
{
	const shuan_detector *d = &s->rules->dets[h->det];
	shuan_finding f;
	char fieldbuf[SEG_MAX_PATH], norm[SCAN_MAX_VALUE + 1], evidence[SHUAN_EVIDENCE_MAX], fp[40];
	unsigned char person_key[16];
	size_t start = h->v.start, n = h->v.end - h->v.start, nl;

	memset(&f, 0, sizeof(f));
	advance_lines(s, cur, buf, start);
	f.field = h->by_field ? (const char *)s->pool.v + h->field : field_at(s, c, buf, start, fieldbuf, sizeof(fieldbuf));
	f.context = h->by_field || field_is_cue(s, d, f.field) || cue_before(d, &d->cues, buf, start);
	if (d->require_cue && !f.context)
		return 0; /* not reported */
	/* An anti-cue ("订单号 6222…", "trace_id=…", "身份证 …" before a card-like
	 * number) vetoes a finding that no positive cue supports. */
	if (!f.context && d->anti_cues.n &&
	    (field_has_anti(d, f.field) || cue_before(d, &d->anti_cues, buf, start)))
		return 0;
	f.confidence = h->v.confidence + (f.context && !h->by_field ? d->cue_boost : 0);
	if (f.confidence > 1)
		f.confidence = 1;
	if (f.confidence < s->opt.min_confidence)
		return 0;
	f.path = s->path;
	f.location = c->in_cell ? c->cell_location : NULL;
	f.line = s->line + cur->line;
	f.column = cur->col + 1 + (cur->line == 0 ? s->line_chars : 0);
	if (s->dec) {
		/* Decoded input: offsets in the bytes as stored (GBK, UTF-16). */
		f.offset = shuan_decoder_raw_offset(s->dec, s->base_offset + start);
		f.length = shuan_decoder_raw_offset(s->dec, s->base_offset + start + n) - f.offset;
	} else {
		f.offset = s->base_offset + start;
		f.length = n;
	}
	/* a decoded run's findings point at the stored bytes (unescape.c) */
	if (c->decoded && !shuan_unescape__locate(c->decoded, h->det, start, start + n, &f))
		return 0;
	f.detector = &d->info;
	f.sensitive = d->info.sensitive;
	f.spi_category = d->info.spi_category;
	if (h->v.minor_under_14) {
		/* PIPL Art. 28: all PI of a minor under 14 is sensitive (the
		 * category is rules/sensitivity.yaml's). */
		f.sensitive = true;
		f.spi_category = s->rules->vdata.minor_spi_category;
	} else if (h->v.precise && d->spi_when_precise && *d->spi_when_precise) {
		f.sensitive = true;
		f.spi_category = d->spi_when_precise;
	}
	/* the normalised value is what evidence, distinct key, fingerprint and
	 * person key are made of; a counting caller (counts_only) needs only
	 * the person keys, a showing one never reads them */
	bool want_fp = s->fp && !s->opt.distinct_only && (!s->fp_want || s->fp_want[h->det]);
	fp[0] = evidence[0] = '\0';
	if (want_fp || !s->opt.counts_only) {
		nl = shuan_normalise_value(d, buf + start, n, norm, sizeof(norm));
		if (!s->opt.counts_only) {
			shuan_evidence_mask(d->evidence, norm, nl, evidence, sizeof(evidence));
			if (s->fp)
				f.distinct_key = shuan_fingerprint_distinct(s->fp, d->info.id, norm, nl);
			if (want_fp && shuan_fingerprint(s->fp, d->info.id, norm, nl, fp, sizeof(fp)) != 0)
				fp[0] = '\0';
		}
		if (want_fp && s->opt.counts_only) {
			shuan_fingerprint_person(s->fp, d->info.id, norm, nl, person_key);
			f.person_key = person_key;
		}
	}
	f.evidence = evidence;
	f.fingerprint = fp;
	f.value = buf + start;
	f.value_len = n;
	f.attrs.kind = h->v.kind;
	f.attrs.birth_year = h->v.birth_year;
	f.attrs.birth_month = h->v.birth_month;
	f.attrs.birth_day = h->v.birth_day;
	f.attrs.sex = h->v.sex;
	f.attrs.age = h->v.age;
	f.attrs.minor_under_14 = h->v.minor_under_14;
	f.attrs.weak_password = h->v.weak_password;
	f.attrs.precision = h->v.precision;
	f.attrs.precise = h->v.precise;
	s->findings++;
	if (c->cb && c->cb(&f, c->ud))
		return SHUAN_ESTOP;
	return 1;
}

/*
 * A candidate strictly inside a cell that a field-mode detector accepted
 * needs no validation: validators only narrow a span, so its hit would
 * start after the cell's or end before it, come later in report order and
 * be skipped there as inside a value already kept. That holds when the
 * cell's hit is surely reported: confident enough, and not in a chunk with
 * escapes (unescape.c compares decoded hits with every stored one) or a
 * decoded run. A candidate on exactly the cell's span is validated: it
 * ties with the cell's hit and wins (report order above).
 */
typedef struct inside_cell {
	const shuan_scanner *s;
	const uint32_t *order; /* the cells' hits by start */
	size_t n;              /* how many are left to pass */
	bool on;               /* cells_cover() */
	size_t end_before;     /* the furthest end of a passed cell's hit */
} inside_cell;

static bool cells_cover(const scan_call *c, const char *buf, size_t len)
{
	return !c->decoded && !memchr(buf, '%', len) && !memchr(buf, '\\', len);
}

/* Candidates come by start, so one pass over the cells by start serves
 * them all; for each, the cells starting at or before it are looked at. */
static bool in_accepted_cell(inside_cell *in, size_t start, size_t end)
{
	const scan_hit *hv = in->s->hits.v;
	double min = in->s->opt.min_confidence;
	if (!in->on)
		return false;
	while (in->n && hv[in->order[0]].v.start < start) {
		const scan_hit *h = &hv[in->order[0]];
		if (h->v.end > in->end_before && h->v.confidence >= min)
			in->end_before = h->v.end;
		in->order++;
		in->n--;
	}
	if (in->end_before >= end)
		return true;
	for (size_t i = 0; i < in->n && hv[in->order[i]].v.start == start; i++)
		if (hv[in->order[i]].v.end > end && hv[in->order[i]].v.confidence >= min)
			return true;
	return false;
}

/* A candidate on exactly a field-mode cell that its detector's validator
 * refused, when that validator's field mode accepts all its pattern mode
 * does (shuan_validator.field_covers_pattern): validating it again would
 * refuse it again. Cells come in input order and candidates by start, so
 * one pass serves them all. */
static bool on_refused_cell(const shuan_scanner *s, size_t *at, const scan_cand *k)
{
	const scan_cand *v = s->refused.v;
	while (*at < s->refused.n && v[*at].start < k->start)
		(*at)++;
	for (size_t i = *at; i < s->refused.n && v[i].start == k->start; i++)
		if (v[i].det == k->det && v[i].end == k->end)
			return true;
	return false;
}

/* A candidate on exactly a field-mode cell whose validator said what its
 * pattern mode would answer there (shuan_vresult.as_pattern): that answer
 * is pushed as validate() would push it, and true returned. One pass, as
 * on_refused_cell(). */
static int on_answered_cell(shuan_scanner *s, size_t *at, const scan_cand *k, bool *done)
{
	const scan_answer *v = s->answered.v;
	*done = false;
	while (*at < s->answered.n && v[*at].from < k->start)
		(*at)++;
	for (size_t i = *at; i < s->answered.n && v[i].from == k->start; i++) {
		if (v[i].det != k->det || v[i].to != k->end)
			continue;
		scan_hit h = SHUAN_VEC_AT(&s->hits, scan_hit, v[i].hit);
		h.by_field = false;
		h.field = 0;
		h.v.field_mode = false;
		h.v.start = h.v.as_pattern.start;
		h.v.end = h.v.as_pattern.end;
		memset(&h.v.as_pattern, 0, sizeof(h.v.as_pattern));
		*done = true;
		return shuan_vec_push(&s->hits, &h);
	}
	return 0;
}

/* Says in the input's result which limit cut this chunk's work, and from
 * where on values were not checked. */
static void note_limit(shuan_scanner *s, scan_call *c, size_t checked_to, size_t len)
{
	if (!c->res)
		return;
	shuan_result__warn(c->res, c->limit,
			   "%s reached in the %zu bytes from offset %llu: values after offset %llu there were not "
			   "checked",
			   shuan_limit_name(c->limit), len, (unsigned long long)s->base_offset,
			   (unsigned long long)(s->base_offset + checked_to));
}

int shuan_scanner__chunk(shuan_scanner *s, scan_call *c, char *buf, size_t len, bool first)
{
	const shuan_rules *r = s->rules;
	struct cell_ctx cc = {s, c, buf, len};
	struct match_ctx mc = {s, c};
	struct cursor cur = {0, 0, 0, 0};
	int rc;

	s->cands.n = 0;
	memset(s->last_cand.v, 0, s->last_cand.n * sizeof(uint32_t));
	s->hits.n = 0;
	s->refused.n = 0;
	s->answered.n = 0;
	s->pool.n = 0;
	s->last_field = (size_t)-1;
	c->err = 0;
	c->limit = SHUAN_LIMIT_NONE;
	c->crowded = false;
	/* Newline sentinels around the chunk give a value at either edge its
	 * boundary delimiter (the scanner's buffer has a spare byte before and
	 * after every chunk; see scanner.c). */
	char before = buf[-1], after = buf[len];
	buf[-1] = '\n';
	buf[len] = '\n';
	s->match_buf = buf - 1;
	s->match_len = len;
	rc = shuan_matcher_scan(r->matcher, s->scratch, buf - 1, len + 2, on_match, &mc);
	buf[-1] = before;
	buf[len] = after;
	if (rc == SHUAN_ESTOP && c->err)
		return c->err;
	if (rc == SHUAN_ESTOP && c->crowded)
		return SCAN_CROWDED;
	if (rc && rc != SHUAN_ESTOP)
		return rc;
	rc = 0; /* a stop at the candidate limit: c->limit says so */
	sort_nearly(s->cands.v, s->cands.n, sizeof(scan_cand), cmp_cand_r, NULL);
	/* SOM_LEFTMOST reports every end offset a pattern reaches, so one start
	 * comes with truncated views of the same text ("客户张伟先" beside
	 * "客户张伟先生"). Only the longest candidate per (detector, start) goes
	 * to the validator: leftmost-longest semantics. Boundaries need no check
	 * here: bounded patterns carry their delimiters (rules.c). */
	const scan_cand *cv = s->cands.v;
	/* Vectorscan reports matches in order of their end: when the candidate
	 * list filled, everything ending after the last one held is unchecked. */
	size_t checked_to = c->limit != SHUAN_LIMIT_NONE ? 0 : len;
	if (c->limit != SHUAN_LIMIT_NONE)
		for (size_t i = 0; i < s->cands.n; i++)
			if (cv[i].end > checked_to)
				checked_to = cv[i].end;
	/* Field-mode cells first (CSV columns and JSON keys named like
	 * 姓名/address), so that the candidates inside a cell they accepted
	 * need no validation (below). What the CSV segmenter carries from chunk
	 * to chunk is kept, so that a crowded chunk handed back leaves it as it
	 * was. */
	seg_csv_carry carry;
	seg_csv_save(&s->csv, &carry);
	if (s->format == SHUAN_FORMAT_CSV || s->format == SHUAN_FORMAT_TSV)
		rc = seg_csv_chunk(&s->csv, buf, s->seg_to, first, r->any_field_mode ? want_field : NULL,
				   on_cell, &cc);
	else if ((s->format == SHUAN_FORMAT_JSON || s->format == SHUAN_FORMAT_JSONL) && r->any_field_mode)
		rc = seg_json_cells(&s->json, buf, s->seg_to, want_field, on_cell, &cc);
	else if (c->in_cell && c->cell_field && r->any_field_mode)
		rc = whole_cell(&cc, len);
	if (rc == SCAN_CROWDED || c->crowded) {
		seg_csv_restore(&s->csv, &carry);
		return SCAN_CROWDED;
	}
	if (rc)
		return rc;
	size_t nf = s->hits.n; /* the field-mode cells' hits; the pattern hits follow */
	uint32_t *order, *merged;
	s->order.n = 0;
	/* at least one slot: never NULL, so order + n is defined with no hits
	 * (and never more than 2n: the vector's cap is twice the hit cap) */
	if ((rc = shuan_vec_reserve(&s->order, nf ? 2 * nf : 1)))
		return rc;
	order = s->order.v;
	for (size_t i = 0; i < nf; i++)
		order[i] = (uint32_t)i;
	sort_nearly(order, nf, sizeof(uint32_t), cmp_hit_at, s->hits.v);
	inside_cell in = {s, order, nf, nf && cells_cover(c, buf, len), 0};
	size_t refused_at = 0, answered_at = 0;
	for (size_t i = 0; i < s->cands.n; i++) {
		const scan_cand *k = &cv[i];
		bool answered;
		if (i + 1 < s->cands.n && cv[i + 1].det == k->det && cv[i + 1].start == k->start)
			continue; /* a longer one of the same (detector, start) follows */
		if (in_accepted_cell(&in, k->start, k->end) || on_refused_cell(s, &refused_at, k))
			continue;
		rc = on_answered_cell(s, &answered_at, k, &answered);
		if (!answered)
			rc = validate(s, k->det, buf, len, k->start, k->end, false, NULL);
		if (rc == SHUAN_ELIMIT && c->can_shrink) {
			seg_csv_restore(&s->csv, &carry);
			return SCAN_CROWDED;
		}
		if (rc == SHUAN_ELIMIT) {
			c->limit = SHUAN_LIMIT_VALUES;
			if (k->start < checked_to)
				checked_to = k->start;
			break;
		}
		if (rc)
			return rc;
	}
	rc = 0;
	if (c->limit != SHUAN_LIMIT_NONE)
		note_limit(s, c, checked_to, len);

	/* The hits stay where they are (about 130 bytes each): an index is
	 * sorted. Field-mode cells' [0, nf) come in input order and pattern
	 * hits [nf, n) in candidate order: each run is nearly sorted by itself,
	 * then the two are merged. */
	scan_hit *hv = s->hits.v;
	size_t n = s->hits.n;
	if ((rc = shuan_vec_reserve(&s->order, n ? 2 * n : 1)))
		return rc;
	order = s->order.v; /* the cells' run [0, nf) moved with it */
	merged = order + n;
	for (size_t i = nf; i < n; i++)
		order[i] = (uint32_t)i;
	sort_nearly(order + nf, n - nf, sizeof(uint32_t), cmp_hit_at, hv);
	if (nf && nf < n) {
		size_t a = 0, b = nf, o = 0;
		while (a < nf && b < n)
			merged[o++] = cmp_hit_at(&order[a], &order[b], hv) <= 0 ? order[a++] : order[b++];
		while (a < nf)
			merged[o++] = order[a++];
		while (b < n)
			merged[o++] = order[b++];
		order = merged;
	}
	size_t max_end = 0;
	bool any = false;
	for (size_t k = 0; k < n; k++) {
		const scan_hit *h = &hv[order[k]];
		if (any && h->v.end <= max_end)
			continue; /* inside a value already kept */
		if ((rc = report(s, c, h, buf, &cur)) < 0)
			return rc;
		if (rc == 0)
			continue; /* filtered out: it must not hide what it contains */
		if (!any || h->v.end > max_end)
			max_end = h->v.end;
		any = true;
	}
	if (s->format == SHUAN_FORMAT_JSON || s->format == SHUAN_FORMAT_JSONL) {
		seg_json_advance(&s->json, buf, s->seg_to);
		seg_json_chunk_done(&s->json);
	}
	/* values hidden by %XX or \uXXXX escapes */
	return shuan_unescape__chunk(s, c, buf, len);
}

int shuan_scanner__prime_csv(shuan_scanner *s, scan_call *c, const char *line, size_t len)
{
	struct cell_ctx cc = {s, c, line, len};
	return seg_csv_chunk(&s->csv, line, len, true, s->rules->any_field_mode ? want_field : NULL, NULL, &cc);
}
