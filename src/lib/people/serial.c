/*
 * lib/people/serial.c - saving and loading a people counter.
 *
 * Little-endian, versioned, checksummed (layout in README.md):
 *
 *   "SHUANPPL"  u32 format 2  u32 mode (0 exact, 1 estimate)  u64 max_exact
 *   exact:     u64 n, then n nodes of fp[16] strength(u8) flags(u8) root(u32)
 *   estimate:  u8 precision (14), then 3 x 16384 registers (all, sensitive, minors)
 *   SHA-256 of everything before it (32 bytes)
 *
 * Sets are saved flattened (each node names its root, a root itself), with
 * the set's flags on the root only, so load can check the structure in one
 * pass and rebuild the union-find without trusting anything in the buffer.
 */
#include <openssl/evp.h>
#include <string.h>

#include "lib/people/internal.h"
#include "util/alloc.h"

#define MAGIC "SHUANPPL"
/* 2: identifiers are person keys (SipHash-2-4-128); 1 held HMAC
 * fingerprints, which no counter of today can be linked with */
#define FORMAT SHUAN_PEOPLE_FORMAT
#define HEADER (8 + 4 + 4 + 8)
#define NODE (16 + 1 + 1 + 4)
#define DIGEST 32

static void put32(unsigned char *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t get64(const unsigned char *b)
{
	return (uint64_t)get32(b) | (uint64_t)get32(b + 4) << 32;
}

static int sha256(const unsigned char *b, size_t n, unsigned char out[DIGEST])
{
	unsigned int len = 0;
	return EVP_Digest(b, n, out, &len, EVP_sha256(), NULL) == 1 && len == DIGEST ? 0 : SHUAN_ERROR;
}

void shuan_people_buffer_free(unsigned char *buf) { shuan_free(buf); }

int shuan_people_save(const shuan_people *p, unsigned char **buf, size_t *len)
{
	size_t body = p->estimated ? 1 + PEOPLE_SKETCHES * (size_t)SHUAN_HLL_M : 8 + p->n * NODE;
	size_t total = HEADER + body + DIGEST;
	unsigned char *b, *w;
	int rc;

	*buf = NULL;
	*len = 0;
	if (!(b = shuan_malloc(total)))
		return SHUAN_ENOMEM;
	memcpy(b, MAGIC, 8);
	put32(b + 8, FORMAT);
	put32(b + 12, p->estimated ? 1 : 0);
	put64(b + 16, p->max_exact);
	w = b + HEADER;
	if (p->estimated) {
		*w++ = SHUAN_HLL_P;
		for (int i = 0; i < PEOPLE_SKETCHES; i++, w += SHUAN_HLL_M)
			memcpy(w, p->sketch[i]->reg, SHUAN_HLL_M);
	} else {
		put64(w, p->n);
		w += 8;
		for (uint32_t i = 0; i < p->n; i++, w += NODE) {
			uint32_t r = shuan_people__root(p, i);
			memcpy(w, p->fp[i], 16);
			w[16] = p->strength[i];
			w[17] = r == i ? p->flags[i] : 0;
			put32(w + 18, r);
		}
	}
	if ((rc = sha256(b, total - DIGEST, w)) < 0) {
		shuan_free(b);
		return rc;
	}
	*buf = b;
	*len = total;
	return 0;
}

static int load_exact(shuan_people *p, const unsigned char *b, size_t len)
{
	uint64_t n;
	int rc;

	if (len < 8)
		return SHUAN_EINVAL;
	n = get64(b);
	if (n > p->max_exact || (len - 8) / NODE != n || (len - 8) % NODE)
		return SHUAN_EINVAL;
	b += 8;
	if ((rc = shuan_people__reserve(p, (size_t)n)) < 0)
		return rc;
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *e = b + i * NODE;
		uint32_t r = get32(e + 18);
		if (e[16] > PEOPLE_MAX_STRENGTH || (e[17] & ~(SHUAN_PERSON_SENSITIVE | SHUAN_PERSON_MINOR)) || r >= n)
			return SHUAN_EINVAL;
		/* a root names itself; a member names a root and carries no flags */
		if (r != i && (get32(b + (size_t)r * NODE + 18) != r || e[17]))
			return SHUAN_EINVAL;
		if (shuan_people__lookup(p, e) != PEOPLE_NONE)
			return SHUAN_EINVAL; /* the same identifier twice */
		shuan_people__insert(p, e, e[16]);
	}
	/* Link: every node hangs off its root (a flat tree of height one). */
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *e = b + (size_t)i * NODE;
		uint32_t r = get32(e + 18);
		if (r == i) {
			unsigned f = e[17];
			p->flags[i] = (uint8_t)f;
			p->sets_sensitive += (f & SHUAN_PERSON_SENSITIVE) != 0;
			p->sets_minors += (f & SHUAN_PERSON_MINOR) != 0;
			continue;
		}
		p->parent[i] = r;
		p->rank[r] = 1;
		p->sets--;
		if (p->strength[i] > p->strength[p->best[r]] ||
		    (p->strength[i] == p->strength[p->best[r]] && memcmp(p->fp[i], p->fp[p->best[r]], 16) < 0))
			p->best[r] = i;
	}
	return 0;
}

static int load_estimate(shuan_people *p, const unsigned char *b, size_t len)
{
	int rc;
	if (len != 1 + PEOPLE_SKETCHES * (size_t)SHUAN_HLL_M || b[0] != SHUAN_HLL_P)
		return SHUAN_EINVAL;
	b++;
	for (size_t i = 0; i < PEOPLE_SKETCHES * (size_t)SHUAN_HLL_M; i++)
		if (b[i] > SHUAN_HLL_MAX_RANK)
			return SHUAN_EINVAL;
	if ((rc = shuan_people__alloc_sketches(p)) < 0)
		return rc;
	for (int i = 0; i < PEOPLE_SKETCHES; i++)
		memcpy(p->sketch[i]->reg, b + (size_t)i * SHUAN_HLL_M, SHUAN_HLL_M);
	p->estimated = true;
	return 0;
}

unsigned shuan_people_saved_format(const unsigned char *buf, size_t len)
{
	return buf && len >= HEADER && !memcmp(buf, MAGIC, 8) ? get32(buf + 8) : 0;
}

int shuan_people_load(shuan_people **out, const unsigned char *buf, size_t len)
{
	unsigned char digest[DIGEST];
	shuan_people *p = NULL;
	uint64_t max_exact;
	uint32_t mode;
	int rc;

	if (!out)
		return SHUAN_EINVAL;
	*out = NULL;
	if (!buf || len < HEADER + DIGEST || memcmp(buf, MAGIC, 8) != 0 || get32(buf + 8) != FORMAT)
		return SHUAN_EINVAL;
	if ((rc = sha256(buf, len - DIGEST, digest)) < 0)
		return rc;
	if (memcmp(digest, buf + len - DIGEST, DIGEST) != 0)
		return SHUAN_EINVAL;
	mode = get32(buf + 12);
	max_exact = get64(buf + 16);
	if (mode > 1 || max_exact == 0 || max_exact > SHUAN_PEOPLE_MAX_EXACT_LIMIT)
		return SHUAN_EINVAL;
	if ((rc = shuan_people__create(&p, (size_t)max_exact)) < 0)
		return rc;
	rc = mode ? load_estimate(p, buf + HEADER, len - HEADER - DIGEST)
		  : load_exact(p, buf + HEADER, len - HEADER - DIGEST);
	if (rc < 0) {
		shuan_people_free(p);
		return rc;
	}
	*out = p;
	return 0;
}
