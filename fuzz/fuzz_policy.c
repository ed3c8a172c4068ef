/*
 * fuzz/fuzz_policy.c - the mask policy loader (shuan_policy_load_file,
 * src/lib/deid/policy.c: YAML, actions and their parameters) and the
 * compile against the bundled rules (shuan_masker_new) on arbitrary bytes;
 * the same bytes as a command-line action (KEY=ACTION:PARAM=VALUE,...).
 *
 * The input is written to a private temporary file (made once, removed at
 * exit); inputs over 64 KiB are ignored (a policy is small).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "shuan/deid.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char file[96];
static shuan_rules *rules;

static void cleanup(void)
{
	unlink(file);
	shuan_rules_free(rules);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];
	const char *tmp = getenv("TMPDIR");
	(void)argc, (void)argv;
	if (rules)
		return 0;
	snprintf(file, sizeof(file), "%s/shuan-fuzz-policy-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	int fd = mkstemp(file);
	if (fd < 0)
		abort();
	close(fd);
	if (shuan_rules_load(&rules, fuzz_rules_dir(), NULL, err, sizeof(err)) != 0)
		abort();
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024], spec[512];
	shuan_policy *p = NULL;
	shuan_masker *m = NULL;
	shuan_mask_options mo = SHUAN_MASK_OPTIONS_INIT;

	LLVMFuzzerInitialize(NULL, NULL);
	if (size > 65536)
		return 0;
	FILE *f = fopen(file, "wb");
	if (!f)
		abort();
	if (fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (shuan_policy_new(&p) != 0)
		return 0;
	err[0] = '\0';
	if (shuan_policy_load_file(p, file, err, sizeof(err)) == 0) {
		mo.rules_dir = fuzz_rules_dir();
		if (shuan_masker_new(&m, rules, p, NULL, &mo, err, sizeof(err)) == 0)
			shuan_masker_free(m);
	}
	/* a message is always a terminated string */
	if (strlen(err) >= sizeof(err))
		abort();
	/* the bytes as one --action */
	size_t n = size < sizeof(spec) - 1 ? size : sizeof(spec) - 1;
	memcpy(spec, data, n);
	spec[n] = '\0';
	shuan_policy_add_rule(p, rules, spec, err, sizeof(err));
	shuan_policy_set_default(p, spec, err, sizeof(err));
	shuan_policy_free(p);
	return 0;
}
