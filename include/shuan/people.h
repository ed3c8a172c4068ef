/*
 * shuan/people.h - counting natural persons, not findings.
 *
 * Cross-border and incident thresholds count people. Identifiers that occur
 * in the same record (a row, a JSON object, a line) belong to the same
 * person: union-find over keyed fingerprints, so a customer row with an ID
 * and a phone and an order row with the phone only count that person once.
 *
 * Exact up to a memory limit (`max_exact` identifiers, about 40 bytes each),
 * then an estimate: HyperLogLog with HLL++'s 64-bit hashing (Heule, Nunkesser
 * and Hall 2013) at precision 14, whose raw-estimate bias is corrected with
 * Ertl's improved estimator (2017) instead of HLL++'s empirical tables. Each
 * person enters the sketch once through a representative: the fingerprint
 * of the strongest identifier of its linked set (ID card > passport and
 * permits > mobile > e-mail > bank card > anything else; the smallest
 * fingerprint on a tie). The relative standard error is 1.04 / sqrt(2^14),
 * about 0.81%; counts_get() states it.
 *
 * After the switch the linked sets already known stay in memory, frozen:
 * a later record with any of their identifiers is counted as that person.
 * Records whose identifiers are all new are counted by their strongest
 * identifier, so a person first seen after the switch under a phone and
 * later under an ID card can be counted twice; that bias comes on top of the
 * stated error. The frozen sets are not saved.
 *
 * Mergeable: merging counters of split runs gives the figures of one run,
 * exactly while the union fits in `into`'s exact limit. Save/load carry a
 * counter between processes (partial inventories, the ledger).
 *
 * Fingerprints are the scanner's person keys (shuan_finding.person_key: a
 * 128-bit SipHash under a key derived from the store's fingerprint key):
 * never a raw value, and only comparable between counters fed under the same
 * key (the caller checks). Counters saved before person keys (format 1, of
 * HMAC fingerprints) cannot be linked with these and do not load.
 *
 * Thread-safety: a counter is not thread-safe; use one per thread and merge.
 */
#ifndef SHUAN_PEOPLE_H
#define SHUAN_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shuan_people shuan_people;

/* Identifiers kept exactly by default before switching to the estimate
 * (about 170 MiB). */
#define SHUAN_PEOPLE_DEFAULT_MAX_EXACT ((size_t)1 << 22)
/* The largest max_exact accepted. */
#define SHUAN_PEOPLE_MAX_EXACT_LIMIT ((size_t)1 << 30)

#define SHUAN_PEOPLE_OPTIONS_VERSION 1
typedef struct shuan_people_options {
	unsigned version; /* SHUAN_PEOPLE_OPTIONS_VERSION */
	size_t max_exact; /* identifiers kept exactly before switching to an estimate;
			   * 0 = SHUAN_PEOPLE_DEFAULT_MAX_EXACT */
} shuan_people_options;
#define SHUAN_PEOPLE_OPTIONS_INIT {SHUAN_PEOPLE_OPTIONS_VERSION, 0}

/* One identifier of a record: the 16-byte keyed fingerprint of its
 * normalised value and the detector id that found it (only its strength is
 * kept; NULL or an unknown id ranks lowest). */
typedef struct shuan_person_id {
	unsigned char fp[16];
	const char *detector; /* "cn_resident_id", "cn_mobile", "email", "cn_passport", ... */
} shuan_person_id;

#define SHUAN_PERSON_SENSITIVE 1u /* the record holds sensitive PI */
#define SHUAN_PERSON_MINOR 2u     /* the record is of a child under 14 */

typedef struct shuan_people_counts {
	uint64_t distinct;  /* persons with any PI */
	uint64_t sensitive; /* persons with sensitive PI */
	uint64_t minors;    /* persons under 14 */
	bool exact;         /* false: an estimate */
	double error_bound; /* relative standard error of the estimate (0 when exact) */
} shuan_people_counts;

/*
 * Creates an empty, exact counter. opts may be NULL (defaults); else
 * opts->version must be SHUAN_PEOPLE_OPTIONS_VERSION. Returns 0, SHUAN_EINVAL
 * (unknown options version, max_exact above SHUAN_PEOPLE_MAX_EXACT_LIMIT) or
 * SHUAN_ENOMEM. On failure *out is NULL.
 */
SHUAN_API int shuan_people_new(shuan_people **out, const shuan_people_options *opts);

/* Frees the counter. NULL is a no-op. */
SHUAN_API void shuan_people_free(shuan_people *p);

/*
 * Adds one record: its n identifiers (any order, duplicates allowed) are one
 * person, linked with every person already holding one of them; flags
 * (SHUAN_PERSON_*) mark that person. n == 0 is a no-op (a record without an
 * identifier cannot be told apart from others). Adding the identifier that
 * would pass max_exact switches the counter to the estimate first. The
 * detector strings are not kept. Returns 0, SHUAN_EINVAL (ids NULL with
 * n > 0) or SHUAN_ENOMEM (the counter is unchanged).
 */
SHUAN_API int shuan_people_add_record(shuan_people *p, const shuan_person_id *ids, size_t n,
				      unsigned flags);

/*
 * Adds everything `from` counted to `into` (from is not changed). Each
 * linked set of an exact `from` enters as one record, so split runs merged
 * give exactly the counts of one run while `into` stays exact; an estimated
 * `from` turns `into` into an estimate and their sketches combine. Returns
 * 0 or SHUAN_ENOMEM (into may then hold part of from: discard it).
 */
SHUAN_API int shuan_people_merge(shuan_people *into, const shuan_people *from);

/* The counts so far. Never fails. */
SHUAN_API void shuan_people_counts_get(const shuan_people *p, shuan_people_counts *out);

/*
 * Serialises the counter (binary, versioned, with a SHA-256 checksum; 22
 * bytes per identifier when exact, 48 KiB when estimated) into a new buffer
 * the caller owns and releases with shuan_people_buffer_free(). The format
 * is described in src/lib/people/README.md. Returns 0 or SHUAN_ENOMEM (then
 * *buf is NULL).
 */
SHUAN_API int shuan_people_save(const shuan_people *p, unsigned char **buf, size_t *len);

/* Frees a buffer from shuan_people_save(). NULL is a no-op. */
SHUAN_API void shuan_people_buffer_free(unsigned char *buf);

/*
 * Rebuilds a counter from shuan_people_save() output. Refuses anything else:
 * a wrong magic, version, checksum or length, a truncated buffer, structure
 * that does not hold together (links out of range, duplicate identifiers,
 * register values out of range): SHUAN_EINVAL, and *out is NULL. Also
 * SHUAN_ENOMEM. The loaded counter keeps the saved max_exact.
 */
SHUAN_API int shuan_people_load(shuan_people **out, const unsigned char *buf, size_t len);

/* The format shuan_people_save() writes (src/lib/people/README.md). */
#define SHUAN_PEOPLE_FORMAT 2

/* The format number a saved counter names, 0 when buf is no saved counter:
 * for telling a counter saved by an older shuan (a format below
 * SHUAN_PEOPLE_FORMAT, which load refuses) from a damaged one. */
SHUAN_API unsigned shuan_people_saved_format(const unsigned char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
