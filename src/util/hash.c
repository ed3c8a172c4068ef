/*
 * util/hash.c - the 128-bit grouping hash (see hash.h).
 */
#include <string.h>

#include "util/hash.h"

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0xD6E8FEB86659FD93ull

static inline uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t fmix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xFF51AFD7ED558CCDull;
	x ^= x >> 33;
	x *= 0xC4CEB9FE1A85EC53ull;
	x ^= x >> 33;
	return x;
}

void shuan_hasher_init(shuan_hasher *h, uint64_t seed)
{
	h->a = seed ^ P1;
	h->b = rotl(seed, 17) ^ P2;
	h->len = 0;
}

static inline void word(shuan_hasher *h, uint64_t w)
{
	h->a = rotl((h->a ^ (w * P2)), 31) * P1;
	h->b = rotl((h->b ^ (w * P4)), 29) * P3 + h->a;
}

void shuan_hasher_add(shuan_hasher *h, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t w;
	h->len += n;
	while (n >= 8) {
		memcpy(&w, s, 8);
		word(h, w);
		s += 8;
		n -= 8;
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		/* the tail's length goes in, so "a" and "a\0" differ */
		word(h, w ^ ((uint64_t)n << 56));
	}
}

void shuan_hasher_field(shuan_hasher *h, const void *p, size_t n)
{
	shuan_hasher_add(h, p, n);
	word(h, (uint64_t)n ^ 0xA5A5A5A5A5A5A5A5ull);
}

shuan_hash128 shuan_hasher_final(const shuan_hasher *h)
{
	shuan_hash128 r;
	uint64_t a = h->a ^ h->len, b = h->b ^ rotl(h->len, 32);
	a += b;
	b += a;
	r.lo = fmix(a);
	r.hi = fmix(b ^ r.lo);
	return r;
}
