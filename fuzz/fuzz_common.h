/*
 * fuzz/fuzz_common.h - helpers shared by the fuzz targets: where the rules
 * live, and a finding callback that reads every field of a finding so the
 * sanitizers see any out-of-bounds pointer or unterminated string.
 */
#ifndef SHUAN_FUZZ_COMMON_H
#define SHUAN_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shuan/scanner.h"

/* The bundled rules: $SHUAN_RULES, else the source tree (compiled in). */
static inline const char *fuzz_rules_dir(void)
{
	const char *d = getenv("SHUAN_RULES");
	return d && *d ? d : SHUAN_SOURCE_RULES_DIR;
}

/* Touches every byte a finding points at and checks the span lies within
 * the scanned buffer [base, base+len). A violation traps, so libFuzzer
 * and the standalone driver both report it. */
struct fuzz_span {
	const uint8_t *base;
	size_t len;
	uint64_t sum;
};

static inline int fuzz_on_finding(const shuan_finding *f, void *ud)
{
	struct fuzz_span *sp = ud;
	const char *strs[] = {f->path, f->field, f->spi_category, f->evidence, f->fingerprint,
			      f->attrs.kind, f->detector ? f->detector->id : NULL};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i])
			sp->sum += strlen(strs[i]);
	for (size_t i = 0; i < f->value_len; i++)
		sp->sum += (unsigned char)f->value[i];
	if (sp->base && (f->offset > sp->len || f->length > sp->len - f->offset))
		__builtin_trap();
	/* When the stored bytes are plain ASCII, any decoder leaves them as
	 * they are, so the reported value must be exactly those bytes. */
	if (sp->base && f->value_len == f->length) {
		const uint8_t *p = sp->base + f->offset;
		size_t i = 0;
		while (i < f->length && p[i] > 0 && p[i] < 0x80)
			i++;
		if (i == f->length && memcmp(f->value, p, f->value_len) != 0)
			__builtin_trap();
	}
	if (f->confidence < 0 || f->confidence > 1.0001)
		__builtin_trap();
	return 0;
}

#endif
