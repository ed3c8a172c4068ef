/*
 * cli/mask_common.h - what `shuan mask` and `shuan unmask` share: the option
 * ids, the parsed arguments, parsing (one option table and the --help text
 * of both, in mask_common.c) and the run.
 */
#ifndef SHUAN_CLI_MASK_COMMON_H
#define SHUAN_CLI_MASK_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/db_cli.h"
#include "cli/options.h"
#include "shuan/scanner.h"

enum {
	OPT_OUT = 'o', OPT_QUIET = 'q', OPT_HELP = 'h', OPT_JOBS = 'j',
	OPT_POLICY = 256, OPT_ACTION, OPT_DEFAULT, OPT_NO_SCAN, OPT_KEY, OPT_REPORT, OPT_INPUT_FORMAT, OPT_ENCODING,
	OPT_OUTPUT_ENCODING, OPT_DATE, OPT_MAX_RECORD, OPT_ALLOW_RAGGED, OPT_RULES, OPT_DETECTORS,
	OPT_EXCLUDE_DETECTORS, OPT_TABLE, OPT_INTO, OPT_TMPDIR,
};

typedef struct cli_mask_args {
	bool unmask, quiet, no_scan, allow_ragged;
	const char *input, *output, *policy, *default_action, *key_file, *report, *encoding, *output_encoding,
		*rules_dir, *tmpdir;
	const char *actions[256];
	size_t nactions;
	const char **only, **exclude; /* malloc'd, NULL-terminated */
	const char *table, *into;     /* a database table, and the new table to write */
	cli_db db;                    /* the database options (password wiped by cli_db_clear) */
	shuan_format format;
	int year, month, day;
	long jobs;
	uint64_t max_record;
} cli_mask_args;

/* Parses argv with mask's options, or unmask's when a->unmask is set.
 * Returns -1 when the command should run, else the exit code (help, usage
 * error). */
int cli_mask_parse(int argc, char **argv, cli_mask_args *a);

/* Loads rules, policy and key, masks (or unmasks) a->input into a->output,
 * writes the report. Returns the exit code. */
int cli_mask_run(const cli_mask_args *a);

/* The whole command: parses argv (as mask, or as unmask when `unmask`),
 * runs, and releases the arguments. Returns the exit code. */
int cli_mask_main(int argc, char **argv, bool unmask);

#endif
