/*
 * lib/scan/decode.c - encoding detection and the decoding reader (glibc iconv).
 *
 * The decoder converts in bulk with iconv and then walks what it converted
 * twice in lockstep, once in the stored encoding and once in UTF-8, to learn
 * each character's two widths. This is exact because every valid GB18030 or
 * UTF-16 sequence is one code point, and the structure of a valid sequence
 * gives its length (GB18030: byte < 0x80 is one byte, a lead byte followed by
 * 0x30..0x39 starts four, any other lead two; UTF-16: a high surrogate starts
 * four bytes, anything else two). If the two walks ever disagree the input
 * fails with an error instead of reporting wrong offsets.
 *
 * The widths are kept as an offset map of blocks: a block holds the decoded
 * and stored offsets of its first character and one nibble per character
 * (decoded width - 1 in the low two bits, stored width - 1 in the high two)
 * for up to 128 characters; a block of 1:1 characters (ASCII in GB18030)
 * just counts them and may grow without limit. Example: GBK "张伟,138" is
 * D5 C5 CE B0 2C 31 33 38 and decodes to E5 BC A0 E4 BC 9F 2C 31 33 38; one
 * block {d 0, r 0, nibbles 6 6 0 0 0 0}. The decoded offset 6 (the comma)
 * walks two characters of width 3 and maps to stored offset 4. A block
 * covers at least 128 decoded bytes once closed, so the map is at most about
 * 0.7 bytes per decoded byte the consumer keeps, and it is trimmed as the
 * consumer forgets. Invalid bytes become U+FFFD (one per GB18030 byte, one
 * per UTF-16 code unit) and are counted.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/scan/decode.h"
#include "util/alloc.h"
#include "util/utf8.h"

#define DEC_IN_MIN (64u << 10) /* stored bytes read from the inner reader at a time */
#define DEC_SEQ_MAX 4          /* longest sequence in any stored encoding we read */
#define DMAP_CHARS 128         /* characters per (non-identity) map block */


/* ---- the offset map ---- */

typedef struct dmap_block {
	uint64_t d, r; /* decoded and stored offsets of the first character */
	uint32_t n;    /* characters */
	bool ident;    /* all characters so far are 1:1 (their nibbles are 0) */
	uint8_t w[DMAP_CHARS / 2];
} dmap_block;

struct shuan_decoder {
	shuan_enc enc;
	iconv_t cd;
	shuan_reader inner;
	bool inner_eof;
	char *in; /* stored bytes not yet converted: in[in_pos..in_len) */
	size_t in_cap, in_pos, in_len;
	uint64_t bytes_in, invalid;
	uint64_t out_pos; /* decoded bytes produced (pending ones included) */
	uint64_t r_end;   /* stored offset after the last mapped character */
	char pend[8];     /* a character that did not fit the caller's buffer */
	unsigned pend_pos, pend_len;
	dmap_block *b; /* live blocks: b[b0..nb) */
	size_t b0, nb, bcap, bmax;
};

static int map_push(shuan_decoder *d, unsigned dw, unsigned rw)
{
	bool id = dw == 1 && rw == 1;
	dmap_block *t = d->nb > d->b0 ? &d->b[d->nb - 1] : NULL;

	if (t && t->ident && id && t->n < UINT32_MAX) {
		t->n++;
	} else if (t && t->n < DMAP_CHARS) {
		t->ident = t->ident && id;
		t->w[t->n / 2] |= (uint8_t)(((dw - 1) | (rw - 1) << 2) << (t->n % 2 * 4));
		t->n++;
	} else {
		if (d->nb == d->bcap) {
			if (d->b0 == 0 && d->bcap < d->bmax) {
				size_t cap = d->bcap ? d->bcap * 2 : 64;
				if (cap > d->bmax)
					cap = d->bmax;
				dmap_block *nbv = shuan_realloc(d->b, cap * sizeof(*nbv));
				if (!nbv)
					return SHUAN_ENOMEM;
				d->b = nbv;
				d->bcap = cap;
			} else {
				/* Full at its bound: the oldest block goes even if not
				 * forgotten (a consumer that keeps more than `window`). */
				if (d->b0 == 0)
					d->b0 = 1;
				memmove(d->b, d->b + d->b0, (d->nb - d->b0) * sizeof(*d->b));
				d->nb -= d->b0;
				d->b0 = 0;
			}
		}
		t = &d->b[d->nb++];
		memset(t, 0, sizeof(*t));
		t->d = d->out_pos;
		t->r = d->r_end;
		t->n = 1;
		t->ident = id;
		t->w[0] = (uint8_t)((dw - 1) | (rw - 1) << 2);
	}
	d->out_pos += dw;
	d->r_end += rw;
	return 0;
}

uint64_t shuan_decoder_raw_offset(const shuan_decoder *d, uint64_t q)
{
	size_t lo = d->b0, hi = d->nb;
	if (lo == hi)
		return d->r_end;
	if (q < d->b[lo].d)
		return d->b[lo].r; /* forgotten: the oldest offset we know */
	if (q >= d->out_pos)
		return d->r_end;
	while (hi - lo > 1) { /* the last block with d <= q */
		size_t mid = lo + (hi - lo) / 2;
		if (d->b[mid].d <= q)
			lo = mid;
		else
			hi = mid;
	}
	const dmap_block *t = &d->b[lo];
	if (t->ident)
		return t->r + (q - t->d);
	uint64_t dd = t->d, rr = t->r;
	for (uint32_t i = 0; i < t->n; i++) {
		unsigned nib = t->w[i / 2] >> (i % 2 * 4) & 0xF;
		unsigned dw = (nib & 3) + 1, rw = (nib >> 2) + 1;
		if (q < dd + dw)
			return rr;
		dd += dw;
		rr += rw;
	}
	return rr;
}

void shuan_decoder_forget(shuan_decoder *d, uint64_t decoded)
{
	while (d->nb - d->b0 >= 2 && d->b[d->b0 + 1].d <= decoded)
		d->b0++;
}

/* ---- decoding ---- */

/* Multibyte GB18030 text handed to iconv in one call, at most. */
#define GB_WALK_MAX 256

/* The stored length of the valid sequence at p (n > 0 bytes available). */
static unsigned raw_len(shuan_enc enc, const unsigned char *p, size_t n)
{
	if (enc == SHUAN_ENC_GB18030) {
		if (p[0] < 0x81 || p[0] == 0xFF)
			return 1;
		return n >= 2 && p[1] >= 0x30 && p[1] <= 0x39 ? 4 : 2;
	}
	if (n < 2)
		return 2;
	unsigned hi = enc == SHUAN_ENC_UTF16LE ? p[1] : p[0];
	return hi >= 0xD8 && hi <= 0xDB ? 4 : 2;
}


/* Records k characters of one stored byte and one decoded byte each (an
 * ASCII run in GB18030): a count in an identity block, zero nibbles (which
 * mean 1:1) in a block that has room. */
static int map_ident(shuan_decoder *d, size_t k)
{
	int rc;
	while (k > 0) {
		dmap_block *t = d->nb > d->b0 ? &d->b[d->nb - 1] : NULL;
		size_t room = !t ? 0 : t->ident ? UINT32_MAX - t->n : t->n < DMAP_CHARS ? DMAP_CHARS - t->n : 0;
		if (room == 0) {
			if ((rc = map_push(d, 1, 1)))
				return rc;
			k--;
			continue;
		}
		size_t m = k < room ? k : room;
		t->n += (uint32_t)m;
		d->out_pos += m;
		d->r_end += m;
		k -= m;
	}
	return 0;
}

/* Records the widths of what one iconv call converted. */
static int map_segment(shuan_decoder *d, const unsigned char *raw, size_t rn, const unsigned char *out,
		       size_t on)
{
	size_t i = 0, j = 0;
	int rc;
	while (i < rn && j < on) {
		if (d->enc == SHUAN_ENC_GB18030 && raw[i] < 0x80) {
			size_t k = 1;
			while (i + k < rn && j + k < on && raw[i + k] < 0x80)
				k++;
			if ((rc = map_ident(d, k)))
				return rc;
			i += k;
			j += k;
			continue;
		}
		unsigned rw = raw_len(d->enc, raw + i, rn - i), dw = (unsigned)shuan_utf8_lead_len(out[j]);
		if (i + rw > rn || j + dw > on)
			break;
		if ((rc = map_push(d, dw, rw)))
			return rc;
		i += rw;
		j += dw;
	}
	/* Never expected: the walks disagree. Fail rather than misreport. */
	return i == rn && j == on ? 0 : SHUAN_EINVAL;
}

/* Replaces `rw` stored bytes with U+FFFD into out (room >= 3). */
static int replace(shuan_decoder *d, char *out, unsigned rw)
{
	memcpy(out, "\xEF\xBF\xBD", 3);
	d->in_pos += rw;
	d->invalid += rw;
	return map_push(d, 3, rw);
}

/* Converts from in[in_pos..] into out[0..room) (room >= 4); returns the
 * bytes produced (> 0) or a negative code. */
static long convert(shuan_decoder *d, char *out, size_t room)
{
	char *ip = d->in + d->in_pos, *op = out;
	size_t il = d->in_len - d->in_pos, ol = room;
	int rc;

	if (d->enc == SHUAN_ENC_GB18030) {
		/* ASCII is ASCII in GB18030: copy runs of it, and give iconv only
		 * the multibyte text up to the next ASCII byte between characters. */
		const unsigned char *p = (const unsigned char *)ip, *e = p + il;
		if (*p < 0x80) {
			size_t k = 1, max = il < room ? il : room;
			while (k < max && p[k] < 0x80)
				k++;
			memcpy(out, ip, k);
			d->in_pos += k;
			return (rc = map_ident(d, k)) ? rc : (long)k;
		}
		/* The walk goes at most GB_WALK_MAX bytes: after an invalid byte
		 * the next call walks again from the byte after it, and an
		 * unbounded walk made a long run of high bytes quadratic (found by
		 * fuzz_archive: 220 KB took 1.4 s). */
		const unsigned char *cap = p + (il < GB_WALK_MAX ? il : GB_WALK_MAX);
		while (p < cap && *p >= 0x80) {
			unsigned w = raw_len(d->enc, p, (size_t)(e - p));
			if (w > (size_t)(e - p))
				break;
			p += w;
		}
		if (p < e && (p >= cap || *p < 0x80))
			il = (size_t)(p - (const unsigned char *)ip);
	}
	size_t r = iconv(d->cd, &ip, &il, &op, &ol);
	int err = r == (size_t)-1 ? errno : 0;
	size_t used = (size_t)(ip - (d->in + d->in_pos)), made = (size_t)(op - out);

	if ((rc = map_segment(d, (const unsigned char *)d->in + d->in_pos, used, (const unsigned char *)out, made)))
		return rc;
	d->in_pos += used;
	if (err == EILSEQ || (err == EINVAL && d->inner_eof)) {
		if (room - made < 3)
			return (long)made; /* replaced on the next call */
		size_t left = d->in_len - d->in_pos;
		unsigned rw = d->enc == SHUAN_ENC_GB18030 || left < 2 ? 1 : 2;
		if ((rc = replace(d, out + made, rw)))
			return rc;
		made += 3;
	} else if (err && err != E2BIG && err != EINVAL) {
		return SHUAN_EINVAL;
	}
	return made > 0 ? (long)made : SHUAN_EINVAL; /* no progress is a bug: fail, never spin */
}

static int refill(shuan_decoder *d)
{
	size_t avail = d->in_len - d->in_pos;
	memmove(d->in, d->in + d->in_pos, avail);
	d->in_pos = 0;
	d->in_len = avail;
	long n = d->inner.read(d->inner.ctx, d->in + d->in_len, d->in_cap - d->in_len);
	if (n < 0)
		return (int)n;
	if (n == 0)
		d->inner_eof = true;
	d->in_len += (size_t)n;
	d->bytes_in += (uint64_t)n;
	return 0;
}

static long dec_read(void *ctx, char *buf, size_t cap)
{
	shuan_decoder *d = ctx;
	size_t got = 0;
	int rc;

	while (got < cap) {
		if (d->pend_pos < d->pend_len) {
			buf[got++] = d->pend[d->pend_pos++];
			continue;
		}
		size_t avail = d->in_len - d->in_pos;
		if (avail < DEC_SEQ_MAX && !d->inner_eof) {
			if ((rc = refill(d)))
				return rc;
			continue;
		}
		if (avail == 0)
			break;
		if (cap - got < DEC_SEQ_MAX) {
			/* Too little room for a whole character: decode one aside. */
			long n = convert(d, d->pend, DEC_SEQ_MAX);
			if (n < 0)
				return n;
			d->pend_pos = 0;
			d->pend_len = (unsigned)n;
			continue;
		}
		long n = convert(d, buf + got, cap - got);
		if (n < 0)
			return n;
		got += (size_t)n;
	}
	return (long)got;
}

shuan_reader shuan_decoder_reader(shuan_decoder *d)
{
	shuan_reader rd = {dec_read, d};
	return rd;
}

int shuan_decoder_new(shuan_decoder **out, shuan_enc enc, shuan_reader *inner, const char *head,
			 size_t head_len, size_t skip, bool inner_eof, size_t window)
{
	shuan_decoder *d;
	const char *name = shuan_enc_iconv_name(enc);

	*out = NULL;
	if (!name)
		return SHUAN_EINVAL;
	if (!(d = shuan_calloc(1, sizeof(*d))))
		return SHUAN_ENOMEM;
	d->enc = enc;
	d->inner = *inner;
	d->inner_eof = inner_eof;
	if (skip > head_len)
		skip = head_len;
	d->in_cap = head_len - skip > DEC_IN_MIN ? head_len - skip : DEC_IN_MIN;
	d->bmax = (window ? window : (4u << 20)) / DMAP_CHARS + 64;
	d->bytes_in = head_len;
	d->r_end = skip;
	if ((d->cd = iconv_open("UTF-8", name)) == (iconv_t)-1) {
		shuan_free(d);
		return SHUAN_EINVAL;
	}
	if (!(d->in = shuan_malloc(d->in_cap))) {
		shuan_decoder_free(d);
		return SHUAN_ENOMEM;
	}
	if (head_len > skip)
		memcpy(d->in, head + skip, head_len - skip);
	d->in_len = head_len - skip;
	*out = d;
	return 0;
}

void shuan_decoder_free(shuan_decoder *d)
{
	if (!d)
		return;
	if (d->cd != (iconv_t)-1 && d->cd)
		iconv_close(d->cd);
	shuan_free(d->in);
	shuan_free(d->b);
	shuan_free(d);
}

uint64_t shuan_decoder_bytes_in(const shuan_decoder *d) { return d->bytes_in; }
uint64_t shuan_decoder_invalid(const shuan_decoder *d) { return d->invalid; }
