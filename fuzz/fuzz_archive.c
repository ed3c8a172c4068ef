/*
 * fuzz/fuzz_archive.c - archive walking (src/lib/archive.c, and ooxml.c for
 * Office documents met inside) on arbitrary bytes: libarchive's format and
 * filter detection, member peeking, nested archives read from the parent
 * stream, the limits, and every member scanned through the reader wrapper.
 *
 * Limits are small (4 MiB expanded, depth 3) so a run stays fast; every
 * finding is read in full so the sanitizers see a bad pointer, and every
 * input result must carry a NUL-terminated reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/source/archive.h"
#include "shuan/scanner.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static shuan_rules *g_rules;     /* set once in LLVMFuzzerInitialize; read-only after */
static shuan_scanner *g_scanner; /* the fuzzer is single-threaded */

static int on_finding(const shuan_finding *f, void *ud)
{
	size_t *sum = ud;
	const char *strs[] = {f->path, f->field, f->location, f->evidence, f->fingerprint};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i])
			*sum += strlen(strs[i]);
	for (size_t i = 0; i < f->value_len; i++)
		*sum += (unsigned char)f->value[i];
	return 0;
}

static void on_input(const char *path, const shuan_input_result *r, void *ud)
{
	size_t *sum = ud;
	if (!memchr(r->reason, '\0', sizeof(r->reason)))
		__builtin_trap();
	*sum += strlen(path) + strlen(r->reason);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("SHUAN_RULES");
	char err[512];
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	(void)argc;
	(void)argv;
	so.year = 2024;
	so.month = 6;
	so.day = 1;
	so.chunk_size = 64u << 10;
	if (shuan_rules_load(&g_rules, dir && *dir ? dir : SHUAN_SOURCE_RULES_DIR, NULL, err, sizeof(err)) ||
	    shuan_scanner_new(&g_scanner, g_rules, &so))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t sum = 0;
	shuan_source_options so = {SHUAN_SOURCE_OPTIONS_VERSION, 3, 4u << 20, 200, 1u << 20, NULL};
	arch_ctx c;

	if (!g_scanner)
		LLVMFuzzerInitialize(NULL, NULL);
	memset(&c, 0, sizeof(c));
	c.s = g_scanner;
	c.fcb = on_finding;
	c.icb = on_input;
	c.ud = &sum;
	shuan_archive__limits(&c, &so);
	shuan_archive__scan_memory(&c, data, size, "fuzz.bin");
	return 0;
}
