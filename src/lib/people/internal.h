/*
 * lib/people/internal.h - the parts of the people counter shared by its
 * files: the HyperLogLog sketch (hll.c), the counter's layout (people.c)
 * and its serialisation (serial.c).
 */
#ifndef SHUAN_LIB_PEOPLE_INTERNAL_H
#define SHUAN_LIB_PEOPLE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "shuan/people.h"

/* HyperLogLog at precision 14: 16384 one-byte registers, each holding the
 * rank (1 + leading zeros) of the 50 hash bits below the index, 0..51. */
#define SHUAN_HLL_P 14
#define SHUAN_HLL_M (1u << SHUAN_HLL_P)
#define SHUAN_HLL_MAX_RANK (64 - SHUAN_HLL_P + 1)

typedef struct shuan_hll {
	uint8_t reg[SHUAN_HLL_M];
} shuan_hll;

/* Adds a 64-bit hash (the fingerprint's first 8 bytes: already uniform). */
void shuan_hll__add(shuan_hll *h, uint64_t hash);
/* into = max(into, from) register by register: the sketch of the union. */
void shuan_hll__merge(shuan_hll *into, const shuan_hll *from);
/* The cardinality estimate. */
double shuan_hll__estimate(const shuan_hll *h);
/* The relative standard error: 1.04 / sqrt(m). */
double shuan_hll__error_bound(void);

/* The three sketches of an estimated counter. */
enum { PEOPLE_ALL = 0, PEOPLE_SENSITIVE = 1, PEOPLE_MINORS = 2, PEOPLE_SKETCHES = 3 };

#define PEOPLE_NONE UINT32_MAX

/*
 * The counter. Nodes are identifiers, stored as parallel arrays (no padding:
 * 27 bytes a node, plus 8 to 16 bytes of hash slots).
 */
struct shuan_people {
	size_t max_exact;
	unsigned char (*fp)[16]; /* the identifier */
	uint32_t *parent;        /* union-find parent; a root is its own parent */
	uint32_t *best;          /* on a root: the node representing the set */
	uint8_t *rank;           /* union by rank */
	uint8_t *flags;          /* on a root: SHUAN_PERSON_* of the set */
	uint8_t *strength;       /* how strongly the identifier names a person */
	size_t n, cap;           /* nodes used and allocated */
	uint32_t *slots;         /* open addressing: node index + 1, 0 = empty */
	size_t nslots;           /* a power of two, at least twice n */
	uint64_t sets, sets_sensitive, sets_minors; /* exact counts of linked sets */
	bool estimated;          /* the sketches count; the nodes are frozen */
	shuan_hll *sketch[PEOPLE_SKETCHES];
};

/* The strength of a detector id (0 for NULL or unknown). */
uint8_t shuan_people__strength(const char *detector);
#define PEOPLE_MAX_STRENGTH 6

/* Room for `more` nodes beyond n (capacity and hash slots). Returns 0 or
 * SHUAN_ENOMEM (nothing changed but capacity). */
int shuan_people__reserve(shuan_people *p, size_t more);
/* The node holding fp, or PEOPLE_NONE. */
uint32_t shuan_people__lookup(const shuan_people *p, const unsigned char fp[16]);
/* Appends a node as a set of its own (room must be reserved; fp must be
 * new). Returns its index. */
uint32_t shuan_people__insert(shuan_people *p, const unsigned char fp[16], uint8_t strength);
/* The root of node i without changing the structure (const readers). */
uint32_t shuan_people__root(const shuan_people *p, uint32_t i);
/* Allocates the sketches (zeroed) if missing. Returns 0 or SHUAN_ENOMEM. */
int shuan_people__alloc_sketches(shuan_people *p);
/* An empty counter with the given limit (max_exact already validated). */
int shuan_people__create(shuan_people **out, size_t max_exact);

#endif
