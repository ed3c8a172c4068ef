/*
 * cli/suppress.h - findings a CI gate accepts as known: an ignore file
 * (.shuanignore) of rules with reasons, and a baseline (a previous JSON
 * Lines run) whose findings are not new. Suppressed findings are counted in
 * the summary (never silently dropped), and shown with --show-suppressed.
 *
 * Ignore file: one rule a line, '#' starts a comment line. A rule is one or
 * more selectors followed by the reason, which is required:
 *     path:fixtures*                   合成测试数据 synthetic test data
 *     detector:ipv4                    internal addresses are not PI here
 *     fingerprint:3fa2…(32 hex)        the demo customer shown in the README
 *     path:*.log detector:ipv4         both must match
 * `path:` is a glob (fnmatch, '*' also matches '/') on the path as shown in
 * findings (archive members as a.zip!x.csv); `detector:` a detector id;
 * `fingerprint:` a finding's fingerprint (stable within one store).
 *
 * Baseline: a JSONL file written by `shuan scan --format jsonl` with a store;
 * a finding is known when one with the same path (PI masked), detector and
 * fingerprint is in it. Line numbers do not count, so edits above a known
 * value do not make it new.
 */
#ifndef SHUAN_CLI_SUPPRESS_H
#define SHUAN_CLI_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "shuan/finding.h"

typedef struct cli_suppress cli_suppress;

typedef enum cli_suppressed {
	CLI_NOT_SUPPRESSED = 0,
	CLI_SUPPRESSED_IGNORE,   /* a rule of the ignore file */
	CLI_SUPPRESSED_BASELINE, /* in the baseline */
} cli_suppressed;

/* Masks PI in a name (the CLI's path masker), for baseline keys. */
typedef const char *(*cli_mask_fn)(const char *name, void *ud);

cli_suppress *cli_suppress_new(void);
void cli_suppress_free(cli_suppress *s);

/* Reads an ignore file. A missing file is fine when !must_exist. Returns 0,
 * or -1 with "FILE:LINE: reason" in err. */
int cli_suppress_load_ignore(cli_suppress *s, const char *path, bool must_exist, char *err, size_t errlen);

/* Reads a baseline. mask gives the shown form of its paths. Returns 0 or -1
 * with the reason in err; *warn gets a note when the baseline's
 * fingerprints cannot match ("" otherwise). */
int cli_suppress_load_baseline(cli_suppress *s, const char *path, cli_mask_fn mask, void *mask_ud, char *err,
			       size_t errlen, char *warn, size_t warnlen);

/* Whether the baseline was written with the fingerprint algorithm `alg`
 * under a kept key; false when it cannot be told or it was not. */
bool cli_suppress_baseline_key_ok(const cli_suppress *s, const char *alg);

/* Whether f is accepted: raw_path is the path as scanned (for path rules),
 * shown_path as written (for the baseline). */
cli_suppressed cli_suppress_check(const cli_suppress *s, const shuan_finding *f, const char *raw_path,
				  const char *shown_path);

/* Rules loaded (for messages). */
size_t cli_suppress_rules(const cli_suppress *s);
size_t cli_suppress_baseline_size(const cli_suppress *s);

#endif
