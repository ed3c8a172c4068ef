/*
 * lib/validate/name_address.c - Chinese personal names (addresses are
 * address.c). Names are free text, so they lean on tables:
 * rules/data/surnames.txt and name_stopwords.txt.
 *
 * Names, pattern mode. The rule's patterns propose a cue plus Han text
 * ("姓名：王小明", "客户张伟先生", "联系王小明女士"). The validator finds the cue,
 * narrows the span to the name and checks it:
 *   - after a leading cue (姓名, 联系人, 客户, 收件人, ...) the Han run is cut at
 *     a trailing title (先生/女士/...) or at a stop word, then 2-3 characters
 *     are kept (3-4 for a compound surname such as 欧阳);
 *   - before a trailing title the 3- then 2-character window ending at the
 *     title is tried;
 *   - the first 1 or 2 characters must be a surname, and the name must not
 *     contain a stop word (公司, 银行, 经理, ...); single-character stop words
 *     (的, 了, 是, ...) are checked in the given name only.
 * Names, field mode: the whole cell is the name: 2-4 Han characters starting
 * with a surname, or a minority name written with a middle dot (买买提·艾力):
 * 2-10 Han characters in parts of at least one, no surname check.
 */
#include <string.h>

#include "lib/validate/internal.h"

/* The cue words live in rules/detectors/person_name.yaml (words.lead: cues
 * before a name, words.trail: titles after one, words.function: function
 * words that are also rare surnames). */

#define MAX_CHARS 8

typedef struct hanrun {
	const char *p[MAX_CHARS + 1]; /* byte position of each char, p[n] = end */
	size_t n;
} hanrun;

static void han_chars(const char *s, size_t len, hanrun *h)
{
	size_t off = 0;
	h->n = 0;
	while (off < len && h->n < MAX_CHARS) {
		uint32_t cp;
		size_t l = shuan_utf8_decode(s + off, len - off, &cp);
		if (l == 0 || !is_han(cp))
			break;
		h->p[h->n++] = s + off;
		off += l;
	}
	h->p[h->n] = s + off;
}


/* Surname length in chars (2 compound, 1 single, 0 none) at h[i]. */
static size_t surname_len(const shuan_vdata *d, const hanrun *h, size_t i, size_t n)
{
	if (!d || !d->surnames)
		return 1;
	if (n >= 3 && i + 2 <= h->n && shuan_dict_has(d->surnames, h->p[i], (size_t)(h->p[i + 2] - h->p[i])))
		return 2;
	if (i + 1 <= h->n && shuan_dict_has(d->surnames, h->p[i], (size_t)(h->p[i + 1] - h->p[i])))
		return 1;
	return 0;
}

/* True when chars [i, i+n) contain a stop word (multi-char anywhere,
 * single-char only in the given name, i.e. after `sur` chars). */
static bool has_stopword(const shuan_vdata *d, const hanrun *h, size_t i, size_t n, size_t sur)
{
	if (!d || !d->name_stopwords)
		return false;
	for (size_t a = i; a < i + n; a++) {
		for (size_t b = a + 1; b <= i + n; b++) {
			if (b - a == 1 && a < i + sur)
				continue;
			if (shuan_dict_has(d->name_stopwords, h->p[a], (size_t)(h->p[b] - h->p[a])))
				return true;
		}
	}
	return false;
}

/* Checks chars [i, i+n) as a name and narrows r to it. */
static bool take_name(const shuan_vdata *d, const char *buf, const hanrun *h, size_t i, size_t n,
                      shuan_vresult *r)
{
	if (n < 2 || n > 4 || i + n > h->n)
		return false;
	size_t sur = surname_len(d, h, i, n);
	if (sur == 0 || (n == 4 && sur != 2) || has_stopword(d, h, i, n, sur))
		return false;
	r->start = (size_t)(h->p[i] - buf);
	r->end = (size_t)(h->p[i + n] - buf);
	return true;
}

/* True when a multi-character stop word starts at char k of the run. */
static bool stopword_at(const shuan_vdata *d, const hanrun *h, size_t k)
{
	if (!d || !d->name_stopwords)
		return false;
	for (size_t b = k + 2; b <= h->n && b <= k + 4; b++)
		if (shuan_dict_has(d->name_stopwords, h->p[k], (size_t)(h->p[b] - h->p[k])))
			return true;
	return false;
}

/* Chars of the multi-character stop word at the start of the run, or 0. */
static size_t stopword_len(const shuan_vdata *d, const hanrun *h)
{
	if (!d || !d->name_stopwords)
		return 0;
	for (size_t b = h->n < 4 ? h->n : 4; b >= 2; b--)
		if (shuan_dict_has(d->name_stopwords, h->p[0], (size_t)(h->p[b] - h->p[0])))
			return b;
	return 0;
}

/* Length of the run to consider after a leading cue: cut at a title or at a
 * stop word ("张三电话" -> "张三"). */
static size_t cut_run(const shuan_vdata *d, const shuan_wordlist *trail, const hanrun *h)
{
	for (size_t k = 1; k < h->n; k++)
		if (shuan_words_at(trail, h->p[k], (size_t)(h->p[h->n] - h->p[k])) || stopword_at(d, h, k))
			return k;
	return h->n;
}

static bool after_lead(const shuan_vdata *d, const char *buf, const char *s, size_t n, shuan_vresult *r)
{
	size_t i = 0;
	if (i < n && s[i] == ':')
		i++;
	else if (n >= 3 && memcmp(s, "\xEF\xBC\x9A", 3) == 0)
		i += 3;
	while (i < n && s[i] == ' ')
		i++;
	hanrun h;
	han_chars(s + i, n - i, &h);
	/* "客户经理王小明": skip stop words right after the cue */
	while (h.n >= 2 && stopword_len(d, &h) > 0) {
		size_t skip = stopword_len(d, &h);
		const char *from = h.p[skip];
		han_chars(from, (size_t)(s + n - from), &h);
	}
	size_t L = cut_run(d, shuan_words_get(r->words, "trail"), &h);
	/* the longest window that passes: 4 only with a compound surname
	 * (take_name checks), otherwise 3, then 2 */
	for (size_t want = L < 4 ? L : 4; want >= 2; want--)
		if (take_name(d, buf, &h, 0, want, r))
			return true;
	return false;
}

/* Han chars immediately before the title at s+t (s is the span start). */
static bool before_trail(const shuan_vdata *d, const char *buf, const char *s, size_t t, shuan_vresult *r)
{
	for (size_t want = 3; want >= 2; want--) {
		/* walk back `want` chars of 3 bytes (Han chars are 3 bytes in UTF-8) */
		if (t < want * 3)
			continue;
		hanrun h;
		han_chars(s + t - want * 3, want * 3, &h);
		if (h.n != want)
			continue;
		if (want == 3 && d && d->name_stopwords &&
		    shuan_dict_has(d->name_stopwords, h.p[0], (size_t)(h.p[1] - h.p[0])))
			continue;
		/* "向李明先生", "请王芳女士": a function word that is also a rare
		 * surname, before a common surname, is read as the function word. */
		if (want == 3 && shuan_words_at(shuan_words_get(r->words, "function"), h.p[0], 3) && d && d->surnames &&
		    shuan_dict_has(d->surnames, h.p[1], (size_t)(h.p[2] - h.p[1])))
			continue;
		if (take_name(d, buf, &h, 0, want, r))
			return true;
	}
	return false;
}

static bool name_pattern(const shuan_vdata *d, const char *buf, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	for (size_t i = 0; i < n; i++) {
		size_t l = shuan_words_at(shuan_words_get(r->words, "lead"), s + i, n - i);
		if (l && after_lead(d, buf, s + i + l, n - i - l, r))
			return true;
		if (l)
			break;
	}
	for (size_t i = 0; i < n; i++)
		if (shuan_words_at(shuan_words_get(r->words, "trail"), s + i, n - i))
			return before_trail(d, buf, s, i, r);
	return false;
}

static size_t middle_dot(const char *s, size_t n)
{
	if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xB7)
		return 2;
	if (n >= 3 && (memcmp(s, "\xE2\x80\xA2", 3) == 0 || memcmp(s, "\xE3\x83\xBB", 3) == 0))
		return 3;
	return 0;
}

/* Minority name: Han parts of >= 1 char joined by middle dots, 2-10 chars. */
static bool dotted_name(const shuan_vdata *d, const char *s, size_t n)
{
	size_t i = 0, total = 0, parts = 0;
	while (i < n) {
		size_t k;
		size_t l = shuan_validate__han_run(s + i, n - i, 10, &k);
		if (k == 0)
			return false;
		hanrun h;
		han_chars(s + i, l, &h);
		if (has_stopword(d, &h, 0, h.n, 0))
			return false;
		total += k;
		parts++;
		i += l;
		if (i < n) {
			size_t dl = middle_dot(s + i, n - i);
			if (dl == 0)
				return false;
			i += dl;
			if (i == n)
				return false;
		}
	}
	return parts >= 2 && total >= 2 && total <= 10;
}

static bool name_field(const shuan_vdata *d, const char *buf, shuan_vresult *r)
{
	size_t lead;
	size_t n = shuan_validate__trim(SPAN_P(buf, r), SPAN_N(r), &lead);
	const char *s = SPAN_P(buf, r) + lead;
	if (dotted_name(d, s, n)) {
		r->start += lead;
		r->end = r->start + n;
		shuan_validate__kind(r, "minority_name");
		return true;
	}
	hanrun h;
	han_chars(s, n, &h);
	if (h.p[h.n] != s + n)
		return false;
	return take_name(d, buf, &h, 0, h.n, r);
}

bool shuan_validate__person_name(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	bool ok = r->field_mode ? name_field(d, buf, r) : name_pattern(d, buf, r);
	if (!ok)
		return false;
	if (!r->kind[0])
		shuan_validate__kind(r, r->field_mode ? "field" : "cue");
	r->confidence = (d && d->surnames) ? 0.8 : 0.5;
	return true;
}
