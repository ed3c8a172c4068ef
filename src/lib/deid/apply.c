/*
 * lib/deid/apply.c - masking one value: choosing the action (a field rule,
 * else the finding's detector), its value type, running it, falling back
 * when the value does not fit (on_invalid), and counting it for the report.
 * Also the per-thread worker and unmasking (decrypting tokens in a value).
 *
 * Surrounding whitespace stays where it was: " 13812345678 " becomes
 * " 138****5678 ". An empty value stays empty and is not counted.
 */
#include <stdio.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "lib/deid/mask_json.h"
#include "lib/scan/evidence.h"
#include "lib/scan/internal.h"
#include "util/alloc.h"

#define COUNTS_MAX 10000

int deid_worker_init(deid_worker *w, shuan_masker *m)
{
	memset(w, 0, sizeof(*w));
	w->m = m;
	w->enc.cd = (iconv_t)-1;
	/* a value or record is bounded by --max-record; buffers by twice that
	 * (a masked value may be longer than the original) */
	size_t max = m->opt.max_record * 4 + (16u << 20);
	shuan_vec_init(&w->finds, sizeof(deid_find), 1u << 26);
	shuan_vec_init(&w->cellfinds, sizeof(deid_find), 1u << 26);
	shuan_vec_init(&w->tuples, sizeof(shuan_hash128), 1u << 26);
	shuan_buf_init(&w->scratch, max);
	shuan_buf_init(&w->scratch2, max);
	shuan_buf_init(&w->value, max);
	deid_counts_init(&w->counts);
	if (!(w->cells = shuan_malloc(CSV_MAX_COLUMNS * sizeof(*w->cells))) ||
	    !(w->qs = shuan_malloc(CSV_MAX_COLUMNS * sizeof(size_t))) ||
	    !(w->qe = shuan_malloc(CSV_MAX_COLUMNS * sizeof(size_t))) ||
	    !(w->json = shuan_malloc(sizeof(deid_json)))) {
		deid_worker_free(w);
		return SHUAN_ENOMEM;
	}
	if (m->key) {
		if (deid_crypto_init(&w->crypto, m->key) != 0) {
			deid_worker_free(w);
			return SHUAN_ERROR;
		}
		w->have_crypto = true;
	}
	return 0;
}

void deid_worker_free(deid_worker *w)
{
	if (w->have_crypto)
		deid_crypto_free(&w->crypto);
	deid_encoder_free(&w->enc);
	shuan_scanner_free(w->scanner);
	shuan_vec_free(&w->finds);
	shuan_vec_free(&w->cellfinds);
	shuan_vec_free(&w->tuples);
	shuan_buf_free(&w->scratch);
	shuan_buf_free(&w->scratch2);
	shuan_buf_free(&w->value);
	deid_counts_free(&w->counts);
	shuan_free(w->cells);
	shuan_free(w->qs);
	shuan_free(w->qe);
	shuan_free(w->json);
	memset(w, 0, sizeof(*w));
}

/* ---- counts ---- */

void deid_counts_init(deid_counts *c)
{
	shuan_vec_init(&c->v, sizeof(deid_count), COUNTS_MAX + 1);
}

void deid_counts_free(deid_counts *c)
{
	for (size_t i = 0; i < c->v.n; i++)
		shuan_free(SHUAN_VEC_AT(&c->v, deid_count, i).field);
	shuan_vec_free(&c->v);
}

/* The field as the report shows it: array indices folded ("items[3].tel" ->
 * "items[].tel") so a document does not make one entry per element. */
static size_t fold_field(const char *f, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (f[i] == '[') {
			size_t k = i + 1;
			while (k < n && f[k] >= '0' && f[k] <= '9')
				k++;
			if (k < n && f[k] == ']' && k > i + 1) {
				if (o + 3 >= cap)
					break;
				out[o++] = '[';
				out[o++] = ']';
				i = k;
				continue;
			}
		}
		out[o++] = f[i];
	}
	out[o] = '\0';
	return o;
}

static int counts_add_n(deid_counts *c, const char *field, int det, int rule, uint64_t count,
                        uint64_t invalid)
{
	deid_count *x;
	for (size_t i = 0; i < c->v.n; i++) {
		x = &SHUAN_VEC_AT(&c->v, deid_count, i);
		if (x->det == det && x->rule == rule && !strcmp(x->field, field)) {
			x->count += count;
			x->invalid += invalid;
			return 0;
		}
	}
	if (c->v.n >= COUNTS_MAX && strcmp(field, "(other fields)") != 0)
		return counts_add_n(c, "(other fields)", det, rule, count, invalid);
	char *f = shuan_strdup(field);
	if (!f || shuan_vec_add(&c->v, (void **)&x) != 0) {
		shuan_free(f);
		return SHUAN_ENOMEM;
	}
	*x = (deid_count){.field = f, .det = det, .rule = rule, .count = count, .invalid = invalid};
	return 0;
}

int deid_counts_add(deid_counts *c, const char *field, size_t flen, int det, int rule, bool invalid)
{
	char f[512];
	fold_field(field ? field : "", field ? flen : 0, f, sizeof(f));
	return counts_add_n(c, f, det, rule, 1, invalid ? 1 : 0);
}

int deid_counts_merge(deid_counts *into, const deid_counts *from)
{
	for (size_t i = 0; i < from->v.n; i++) {
		const deid_count *x = &SHUAN_VEC_AT(&from->v, deid_count, i);
		int rc = counts_add_n(into, x->field, x->det, x->rule, x->count, x->invalid);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- one value ---- */

static void buf_truncate(shuan_buf *b, size_t len)
{
	if (b->p && len <= b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

static int pseudonym(deid_worker *w, const deid_action *a, int det, const char *v, size_t n, shuan_buf *out)
{
	static const char B32[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char mac[DEID_MAC_LEN];
	char norm[SCAN_MAX_VALUE + 1], tok[64];
	const char *dom = a->domain ? a->domain : "";
	const char *src = v;
	size_t sn = n, len = (size_t)(a->length > 51 ? 51 : a->length);
	int rc;

	/* a finding is normalised as the scanner fingerprints it ("138 1234
	 * 5678" and "13812345678" are one number), so joins hold across
	 * columns and free text */
	if (det >= 0 && n <= SCAN_MAX_VALUE) {
		sn = shuan_normalise_value(&w->m->rules->dets[det], v, n, norm, sizeof(norm));
		src = norm;
	}
	if ((rc = deid_mac_run(&w->crypto.pseudo, dom, strlen(dom) + 1, src, sn, NULL, 0, mac)) != 0)
		return rc;
	/* base32: no all-digit token, so a pseudonym is never read as a number */
	for (size_t i = 0; i < len; i++) {
		size_t bit = i * 5, byte = bit / 8, sh = bit % 8;
		unsigned x = (unsigned)mac[byte] << 8 | (byte + 1 < DEID_MAC_LEN ? mac[byte + 1] : 0);
		tok[i] = B32[(x >> (11 - sh)) & 31];
	}
	if (a->prefix && (rc = shuan_buf_adds(out, a->prefix)) != 0)
		return rc;
	return shuan_buf_add(out, tok, len);
}

static int redact_tag(const shuan_masker *m, const deid_action *a, int det, bool field_rule, shuan_buf *out)
{
	if (a->tag)
		return shuan_buf_adds(out, a->tag);
	if (det >= 0 && !field_rule)
		return shuan_buf_addf(out, "<%s>", m->rules->dets[det].info.id);
	return shuan_buf_adds(out, "<redacted>");
}

int deid_apply_keyless(const deid_tables *tabs, const shuan_vdata *vd, const deid_action *a, deid_vtype t,
                       const char *v, size_t n, shuan_buf *out)
{
	switch (a->kind) {
	case ACT_KEEP:
		return shuan_buf_add(out, v, n);
	case ACT_REDACT:
		return shuan_buf_adds(out, a->tag ? a->tag : "<redacted>");
	case ACT_PARTIAL:
		return deid_partial(a, t, v, n, out);
	case ACT_GENERALIZE:
		return deid_generalize(tabs, vd, a, t, v, n, out);
	default:
		return SHUAN_EINVAL;
	}
}

int deid_apply_invalid(const deid_action *a, const char *v, size_t n, shuan_buf *out)
{
	if (a->on_invalid == INVALID_KEEP)
		return shuan_buf_add(out, v, n);
	return shuan_buf_adds(out, a->tag ? a->tag : "<redacted>");
}

int deid_mask_value(deid_worker *w, const deid_field_rule *fr, int det, const char *field, size_t flen,
                    const char *v, size_t n, shuan_buf *out)
{
	const shuan_masker *m = w->m;
	const deid_action *a = fr ? fr->act : m->det_act[det];
	int rule = fr ? fr->rule : m->det_rule[det], rc = 0;
	deid_vtype t = a->type;
	size_t s = 0, e = n, mark;
	bool invalid = false;

	if (t == VT_AUTO && det >= 0)
		t = deid_vtype_of_validator(m->rules->dets[det].info.validator);
	deid_trim(v, &s, &e);
	if (s == e)
		return shuan_buf_add(out, v, n);
	if ((rc = shuan_buf_add(out, v, s)) != 0)
		return rc;
	mark = out->len;
	const char *core = v + s;
	size_t cn = e - s;
	switch (a->kind) {
	case ACT_KEEP:
	case ACT_PARTIAL:
	case ACT_GENERALIZE:
		rc = deid_apply_keyless(&m->tabs, &m->vd, a, t, core, cn, out);
		break;
	case ACT_REDACT:
		rc = redact_tag(m, a, det, fr != NULL, out);
		break;
	case ACT_PSEUDONYMIZE:
		rc = pseudonym(w, a, det, core, cn, out);
		break;
	case ACT_ENCRYPT:
		rc = deid_encrypt(&w->crypto, a->deterministic, core, cn, out);
		break;
	case ACT_SURROGATE:
		if (t == VT_AUTO) {
			rc = 1; /* a field rule without a type, and no finding says what the value is */
			break;
		}
		rc = deid_surrogate(&m->tabs, &m->vd, &w->crypto, a, t, core, cn, out);
		break;
	}
	if (rc == 1) {
		/* the value is not what the action needs: never pass it on silently */
		invalid = true;
		buf_truncate(out, mark);
		if (a->on_invalid == INVALID_ERROR) {
			snprintf(w->errmsg, sizeof(w->errmsg),
			         "%.*s%sa value is not a valid %s for %s (on_invalid: error)",
			         (int)(flen > 120 ? 120 : flen), field ? field : "", flen ? ": " : "",
			         deid_vtype_name(t == VT_AUTO ? a->type : t), a->spec);
			return SHUAN_EINVAL;
		} else {
			rc = deid_apply_invalid(a, core, cn, out);
		}
	}
	if (rc)
		return rc;
	if ((rc = shuan_buf_add(out, v + e, n - e)) != 0)
		return rc;
	w->masked++;
	w->invalid += invalid;
	return deid_counts_add(&w->counts, field, flen, det, rule, invalid);
}

int deid_unmask_value(deid_worker *w, const char *field, size_t flen, const char *v, size_t n, shuan_buf *out,
                      bool *changed)
{
	size_t i = 0;
	int rc = 0;
	*changed = false;
	while (i < n) {
		const char *p = memmem(v + i, n - i, DEID_TOKEN_PREFIX, DEID_TOKEN_PREFIX_LEN);
		if (!p)
			break;
		size_t at = (size_t)(p - v), body = at + DEID_TOKEN_PREFIX_LEN;
		size_t bl = deid_token_body_len(v + body, n - body);
		const char *why = NULL;
		size_t mark = out->len;
		if ((rc = shuan_buf_add(out, v + i, at - i)) != 0)
			return rc;
		mark = out->len;
		rc = deid_decrypt(&w->crypto, v + body, bl, out, &why);
		if (rc == 1) {
			/* text that only looks like a token: keep it */
			buf_truncate(out, mark);
			if ((rc = shuan_buf_add(out, v + at, DEID_TOKEN_PREFIX_LEN + bl)) != 0)
				return rc;
		} else if (rc == SHUAN_EINVAL) {
			snprintf(w->errmsg, sizeof(w->errmsg), "%.*s%sa token cannot be decrypted: %s",
			         (int)(flen > 120 ? 120 : flen), field ? field : "", flen ? ": " : "", why);
			return rc;
		} else if (rc) {
			return rc;
		} else {
			*changed = true;
			w->masked++;
			if ((rc = deid_counts_add(&w->counts, field, flen, -1, -1, false)) != 0)
				return rc;
		}
		i = body + bl;
	}
	return shuan_buf_add(out, v + i, n - i);
}

int deid_rewrite_spans(deid_worker *w, const char *field, size_t flen, const char *v, size_t n, uint64_t base,
                       const deid_find *f, size_t nf, shuan_buf *out)
{
	size_t pos = 0, i = 0;
	int rc;
	while (i < nf) {
		/* findings the policy leaves alone (they may still tell a field
		 * rule what its value is) */
		if (f[i].end <= base || f[i].start >= base + n || !w->m->det_act[f[i].det]) {
			i++;
			continue;
		}
		size_t s = f[i].start > base ? (size_t)(f[i].start - base) : 0;
		size_t e = (f[i].end < base + n ? (size_t)(f[i].end - base) : n);
		int det = f[i].det;
		size_t j = i + 1;
		/* partly overlapping values (rare): one span, the first one's action */
		while (j < nf && f[j].start < base + e) {
			if (!w->m->det_act[f[j].det]) {
				j++;
				continue;
			}
			size_t ej = f[j].end < base + n ? (size_t)(f[j].end - base) : n;
			if (ej > e)
				e = ej;
			j++;
		}
		if (s < pos)
			s = pos;
		if ((rc = shuan_buf_add(out, v + pos, s - pos)) != 0)
			return rc;
		if (e > s && (rc = deid_mask_value(w, NULL, det, field, flen, v + s, e - s, out)) != 0)
			return rc;
		pos = e > s ? e : s;
		i = j;
	}
	return shuan_buf_add(out, v + pos, n - pos);
}

int deid_finds_in(const deid_worker *w, const deid_find *f, size_t nf, size_t *fi, uint64_t s, uint64_t e,
                  bool all, shuan_vec *into)
{
	into->n = 0;
	while (*fi < nf && f[*fi].end <= s)
		(*fi)++;
	for (size_t k = *fi; k < nf && f[k].start < e; k++) {
		deid_find x = f[k];
		if (x.end <= s || (!all && !w->m->det_act[x.det]))
			continue;
		x.start = (x.start > s ? x.start : s) - s;
		x.end = (x.end < e ? x.end : e) - s;
		int rc = shuan_vec_push(into, &x);
		if (rc)
			return rc;
	}
	return 0;
}
