/*
 * fuzz/fuzz_scan.c - shuan_scanner_scan_buffer on arbitrary bytes with the
 * real rules from rules/.
 *
 * The first byte selects how the rest is scanned: its low three bits the
 * format (auto, text, csv, tsv, json, jsonl), bit 3 the smallest chunk size
 * (16 KiB, so inputs longer than that exercise the chunk cut, the huge-line
 * overlap and segmenter state carried across chunks) instead of the
 * default, bit 4 a fingerprint key, bit 5 a ".csv" name hint. Every finding
 * must point inside the input at the bytes it reports (fuzz_common.h).
 *
 * The four scanners (chunk size x key) are created once and reused for
 * every input, as the CLI reuses one scanner for all files: that is much
 * faster, and it also checks that no state leaks from one input to the next.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "shuan/rules.h"
#include "shuan/scanner.h"

static shuan_rules *rules;
static shuan_scanner *scanners[4]; /* [small chunk][fingerprint key] */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];
	if (shuan_rules_load(&rules, fuzz_rules_dir(), NULL, err, sizeof(err))) {
		fprintf(stderr, "fuzz_scan: cannot load rules: %s\n", err);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const shuan_format formats[8] = {SHUAN_FORMAT_AUTO, SHUAN_FORMAT_TEXT, SHUAN_FORMAT_CSV,
						SHUAN_FORMAT_TSV,  SHUAN_FORMAT_JSON, SHUAN_FORMAT_JSONL,
						SHUAN_FORMAT_CSV,  SHUAN_FORMAT_JSONL};
	static const unsigned char key[16] = "fuzz-fingerprint";
	shuan_input_result res;
	uint8_t sel;
	unsigned k;

	if (!rules)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	k = ((sel & 8) ? 2u : 0u) | ((sel & 16) ? 1u : 0u);
	if (!scanners[k]) {
		shuan_scan_options o = {.version = SHUAN_SCAN_OPTIONS_VERSION, .year = 2025, .month = 6, .day = 1};
		o.chunk_size = (sel & 8) ? 16u << 10 : 0;
		o.fingerprint_key = (sel & 16) ? key : NULL;
		o.fingerprint_key_len = sizeof(key);
		if (shuan_scanner_new(&scanners[k], rules, &o))
			abort();
	}
	shuan_input in = {"fuzz", (sel & 32) ? "fuzz.csv" : NULL, formats[sel & 7]};
	struct fuzz_span sp = {data, size, 0};
	shuan_scanner_scan_buffer(scanners[k], &in, (const char *)data, size, fuzz_on_finding, &sp, &res);
	if (res.bytes != size && res.skipped == 0)
		__builtin_trap();
	return 0;
}
