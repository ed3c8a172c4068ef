/*
 * util/swar.h - tests on eight bytes at once in one 64-bit word (the
 * haszero / hasless idioms of Sean Anderson's Bit Twiddling Hacks), for
 * the loops that pass every byte of a table or a CSV file: they skip runs
 * of ordinary bytes and fall back to a byte loop where something matters.
 * The tests say whether such a byte is there, exactly; which one it is the
 * byte loop finds.
 */
#ifndef SHUAN_UTIL_SWAR_H
#define SHUAN_UTIL_SWAR_H

#include <stdint.h>
#include <string.h>

#define SHUAN_SWAR_1 0x0101010101010101ULL
#define SHUAN_SWAR_80 0x8080808080808080ULL

/* The eight bytes at p (no alignment needed). */
static inline uint64_t shuan_swar_load(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}

/* The eight bytes at p as a little-endian number, whatever the host's byte
 * order (hashes of stored bytes must not depend on it): one load. */
static inline uint64_t shuan_swar_load_le(const void *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* Non-zero when some byte of x is below n (1 <= n <= 128). */
static inline uint64_t shuan_swar_below(uint64_t x, unsigned n)
{
	return (x - SHUAN_SWAR_1 * n) & ~x & SHUAN_SWAR_80;
}

/* Non-zero when some byte of x is b. */
static inline uint64_t shuan_swar_has(uint64_t x, unsigned char b)
{
	return shuan_swar_below(x ^ (SHUAN_SWAR_1 * b), 1);
}

/* How many bytes of m have their top bit set, m having no other bits: a
 * multiply adds the eight bits up in the top byte (__builtin_popcountll
 * is a libgcc call on the x86-64 baseline, which has no POPCNT). */
static inline unsigned shuan_swar_count80(uint64_t m)
{
	return (unsigned)(((m >> 7) * SHUAN_SWAR_1) >> 56);
}

/* How many bytes of x are UTF-8 continuation bytes (10xxxxxx). */
static inline unsigned shuan_swar_continuations(uint64_t x)
{
	return shuan_swar_count80(x & ~(x << 1) & SHUAN_SWAR_80);
}

#endif
