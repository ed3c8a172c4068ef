/*
 * fuzz/fuzz_people.c - shuan_people_load (src/lib/people/serial.c) on
 * arbitrary bytes.
 *
 * Byte 0, bit 0 set: the rest gets a fresh SHA-256 trailer before loading,
 * so the structure checks behind the checksum are reached; clear: the rest
 * is loaded as it is. A buffer that loads must count without trouble, save
 * back to the very same bytes (the format is canonical), and merge into an
 * empty counter with the same counts.
 */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shuan/people.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	shuan_people *p = NULL, *q = NULL;
	shuan_people_counts a, b;
	unsigned char *in, *out = NULL;
	size_t len, outlen = 0;

	if (size < 1 || size > (1u << 20))
		return 0;
	len = size - 1;
	if (!(in = malloc(len ? len : 1)))
		return 0;
	memcpy(in, data + 1, len);
	if ((data[0] & 1) && len >= 32) {
		unsigned int n = 0;
		EVP_Digest(in, len - 32, in + len - 32, &n, EVP_sha256(), NULL);
	}
	if (shuan_people_load(&p, in, len) == 0) {
		shuan_people_counts_get(p, &a);
		if (shuan_people_save(p, &out, &outlen) != 0 || outlen != len || memcmp(out, in, len) != 0)
			__builtin_trap();
		if (shuan_people_new(&q, NULL) != 0 || shuan_people_merge(q, p) != 0)
			__builtin_trap();
		shuan_people_counts_get(q, &b);
		if (a.exact && (!b.exact || a.distinct != b.distinct || a.sensitive != b.sensitive ||
				a.minors != b.minors))
			__builtin_trap();
	} else if (p) {
		__builtin_trap();
	}
	shuan_people_buffer_free(out);
	shuan_people_free(p);
	shuan_people_free(q);
	free(in);
	return 0;
}
