/*
 * lib/scan/fingerprint.h - keyed fingerprints of values: the same value gives the
 * same fingerprint under the same store key, so it can be matched across
 * files and scans without keeping the value itself.
 */
#ifndef SHUAN_LIB_FINGERPRINT_H
#define SHUAN_LIB_FINGERPRINT_H

#include <stddef.h>

#include "shuan/scanner.h"

typedef struct shuan_fingerprinter shuan_fingerprinter;

int shuan_fingerprinter_new(shuan_fingerprinter **out, shuan_fingerprint_alg alg, const unsigned char *key,
			    size_t keylen);
void shuan_fingerprinter_free(shuan_fingerprinter *f);

/* HMAC(key, detector_id || 0x00 || value) as lower-case hex, truncated to
 * 32 hex characters (128 bits) into out (cap >= 33). Returns 0 or an error. */
int shuan_fingerprint(shuan_fingerprinter *f, const char *detector_id, const char *value, size_t n, char *out,
		      size_t cap);

/* SipHash-2-4(k', detector_id || 0x00 || value), never 0, where k' is the
 * first 16 bytes of HMAC-SHA-256(key, "shuan distinct-value key v1"): as
 * good as the fingerprint for telling values apart within one key, at a
 * small part of its cost; for counts, never shown or stored. */
uint64_t shuan_fingerprint_distinct(const shuan_fingerprinter *f, const char *detector_id, const char *value,
				    size_t n);

/* SipHash-2-4-128(k'', detector_id || 0x00 || value) into out, where k'' is
 * the first 16 bytes of HMAC-SHA-256(key, "shuan person key v1"): the
 * person key people counters link records by and save (shuan/people.h).
 * Never shown; like the fingerprint, it tells nothing without the key. */
void shuan_fingerprint_person(const shuan_fingerprinter *f, const char *detector_id, const char *value, size_t n,
			      unsigned char out[16]);

#endif
