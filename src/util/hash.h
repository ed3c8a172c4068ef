/*
 * util/hash.h - a fast non-cryptographic 128-bit hash for grouping records
 * (equivalence classes of quasi-identifiers, hash partitions on disk).
 * Not a MAC: never use it where an adversary chooses inputs to collide and
 * that matters; keyed hashing of values is HMAC-SM3 (lib/deid/crypto.c).
 *
 * Two independent 64-bit lanes of multiply-rotate mixing with a final
 * avalanche (the structure of MurmurHash3/xxHash finalisers, written here
 * because no Debian library exposes a 128-bit streaming hash in C). A
 * collision between two distinct tuples has probability about 2^-128 per
 * pair, which lets the class counters keep hashes instead of the tuples.
 */
#ifndef SHUAN_UTIL_HASH_H
#define SHUAN_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct shuan_hash128 {
	uint64_t lo, hi;
} shuan_hash128;

typedef struct shuan_hasher {
	uint64_t a, b;
	uint64_t len;
} shuan_hasher;

void shuan_hasher_init(shuan_hasher *h, uint64_t seed);
/* Adds n bytes. */
void shuan_hasher_add(shuan_hasher *h, const void *p, size_t n);
/* Adds one field of a tuple: its bytes and its length, so that ("ab","c")
 * and ("a","bc") differ. */
void shuan_hasher_field(shuan_hasher *h, const void *p, size_t n);
shuan_hash128 shuan_hasher_final(const shuan_hasher *h);

#endif
