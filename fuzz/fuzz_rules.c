/*
 * fuzz/fuzz_rules.c - the detector YAML loader and pattern compiler
 * (shuan_rules_load, src/lib/rules.c) on arbitrary bytes.
 *
 * The loader reads a directory, so the input is written to
 * <tmp>/detectors/fuzz.yaml in a private temporary rules directory (made
 * once, removed at exit) whose data/ is a symbolic link to the bundled
 * tables (the loader requires them).
 * Inputs over 16 KiB are ignored: a detector file is small, and larger
 * inputs only slow the pattern compiler down. When the load succeeds the
 * rule set is also exercised once on a short text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "shuan/rules.h"
#include "shuan/scanner.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], detdir[96], file[128], datalink[96];
static int ready;

static void cleanup_dir(void)
{
	unlink(file);
	unlink(datalink);
	rmdir(detdir);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	if (ready)
		return 0;
	snprintf(dir, sizeof(dir), "%s/shuan-fuzz-rules-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(detdir, sizeof(detdir), "%s/detectors", dir);
	snprintf(file, sizeof(file), "%s/fuzz.yaml", detdir);
	snprintf(datalink, sizeof(datalink), "%s/data", dir);
	if (mkdir(detdir, 0700) != 0)
		abort();
	char target[4096];
	snprintf(target, sizeof(target), "%s/data", fuzz_rules_dir());
	if (symlink(target, datalink) != 0)
		abort();
	atexit(cleanup_dir);
	ready = 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "姓名: 张三, 手机 13812345678, 身份证 11010519491231002X\n";
	shuan_rules *r = NULL;
	shuan_scanner *s = NULL;
	char err[512];
	FILE *f;

	if (size > 16384)
		return 0;
	LLVMFuzzerInitialize(NULL, NULL);
	if (!(f = fopen(file, "wb")))
		abort();
	if (fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (shuan_rules_load(&r, dir, NULL, err, sizeof(err)) == 0) {
		struct fuzz_span sp = {(const uint8_t *)text, sizeof(text) - 1, 0};
		for (size_t i = 0; i < shuan_rules_count(r); i++) {
			const shuan_detector_info *d = shuan_rules_detector(r, i);
			if (!d || !d->id || !d->label_zh || !d->validator)
				__builtin_trap();
		}
		if (shuan_scanner_new(&s, r, NULL) == 0)
			shuan_scanner_scan_buffer(s, NULL, text, sizeof(text) - 1, fuzz_on_finding, &sp, NULL);
		shuan_scanner_free(s);
		shuan_rules_free(r);
	} else if (r != NULL || strnlen(err, sizeof(err)) == sizeof(err)) {
		__builtin_trap();
	}
	return 0;
}
