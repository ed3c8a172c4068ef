/*
 * lib/scan/evidence.h - masking of values for evidence, and value normalisation for
 * fingerprints. Outputs show only masked evidence unless the user reveals.
 */
#ifndef SHUAN_LIB_MASK_H
#define SHUAN_LIB_MASK_H

#include <stddef.h>

#include "lib/rules/internal.h"

#define SHUAN_EVIDENCE_MAX 256

/* Normalises value for fingerprinting/masking per the detector's rule;
 * writes at most cap-1 bytes plus NUL and returns the length. */
size_t shuan_normalise_value(const shuan_detector *d, const char *v, size_t n, char *out, size_t cap);

/* Masks a normalised value into out (NUL-terminated, at most cap-1 bytes).
 * Examples: 1101**********123X, 138****5678, z***@example.com, 张*, ********. */
void shuan_evidence_mask(evidence_style kind, const char *v, size_t n, char *out, size_t cap);

#endif
