/*
 * util/siphash.h - SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed
 * 64-bit hash, fast on short inputs, for which the key makes collisions
 * unpredictable to whoever chose the inputs. Used where values must be told
 * apart cheaply but never shown (the distinct-value counts of a scan); keyed
 * fingerprints that are printed or stored stay HMAC-SM3
 * (lib/scan/fingerprint.c).
 */
#ifndef SHUAN_UTIL_SIPHASH_H
#define SHUAN_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of p[0..n) under the 16-byte key k (read little-endian as
 * k0, k1, as in the reference implementation). */
uint64_t shuan_siphash(const unsigned char key[16], const void *p, size_t n);

/* The same over the concatenation a || b, without copying them together. */
uint64_t shuan_siphash2(const unsigned char key[16], const void *a, size_t na, const void *b, size_t nb);

/* SipHash-2-4-128, the authors' 128-bit-output variant, of a || b: the
 * first 64-bit half then the second, each little-endian, into out. */
void shuan_siphash128_2(const unsigned char key[16], const void *a, size_t na, const void *b, size_t nb,
			unsigned char out[16]);

#endif
