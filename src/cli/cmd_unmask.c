/*
 * cli/cmd_unmask.c - `shuan unmask`: decrypts the SM4 tokens `shuan mask
 * --action X=encrypt` wrote, with the key; a wrong key or an altered token
 * is an error before anything is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/db_cli.h"
#include "cli/mask_common.h"

static const cli_option unmask_options[] = {
	{"out", 'o', required_argument, "FILE", "write the decrypted data to FILE, mode 0600 (default: standard output)", OPT_OUT},
	{"table", 0, required_argument, "NAME", "INPUT is a database (sqlite:///path, postgresql://, mysql://, an SQLite file): decrypt its table NAME (schema.table or table), every row", OPT_TABLE},
	{"into", 0, required_argument, "TABLE", "with --table: write a new table TABLE (or schema.table) in the same database instead of a file", OPT_INTO},
	{"key-file", 0, required_argument, "FILE", "the key the data was encrypted with (default: $SHUAN_KEY_FILE)", OPT_KEY},
	{"report", 0, required_argument, "FILE", "write the JSON report (fields and counts of decrypted values)", OPT_REPORT},
	{"input-format", 0, required_argument, "FMT", "read the input as auto, text, csv, tsv, json or jsonl (default: auto)", OPT_INPUT_FORMAT},
	{"encoding", 0, required_argument, "NAME", "the input's encoding (default: auto)", OPT_ENCODING},
	{"output-encoding", 0, required_argument, "NAME", "write utf-8, gb18030, gbk, utf-16le or utf-16be (default: the input's)", OPT_OUTPUT_ENCODING},
	{"jobs", 'j', required_argument, "N", "decrypt with N threads (default: the number of cores)", OPT_JOBS},
	{"max-record", 0, required_argument, "SIZE", "the longest line, CSV row or JSON string accepted (default: 64M)", OPT_MAX_RECORD},
	{"allow-ragged", 0, no_argument, NULL, "accept CSV rows with more or fewer fields than the header", OPT_ALLOW_RAGGED},
	{"rules", 0, required_argument, "DIR", "rules directory (default: $SHUAN_RULES or the installed rules)", OPT_RULES},
	CLI_DB_READ_OPTION_ROWS,
	{"quiet", 'q', no_argument, NULL, "no summary line on standard error", OPT_QUIET},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};
#define N_UNMASK_OPTIONS (sizeof(unmask_options) / sizeof(unmask_options[0]))

static void unmask_usage(FILE *out)
{
	fprintf(out, "usage: shuan unmask --key-file FILE [options] INPUT [-o OUTPUT]\n"
		     "       shuan unmask --key-file FILE [options] DATABASE --table TABLE (--into NEW_TABLE | -o OUTPUT)\n\n"
		     "Reverses 'encrypt': every SM4: token in INPUT (any format shuan mask writes) is\n"
		     "decrypted with the key and checked (SM4-CTR with an HMAC-SM3 tag, or SIV for\n"
		     "deterministic tokens). A token made with another key, or altered, is an error and\n"
		     "nothing is written. Pseudonyms, surrogates, partial masks and generalisations cannot\n"
		     "be reversed. OUTPUT holds personal information again: it is created with mode 0600.\n"
		     "A database table (--table), e.g. one shuan mask --into wrote, is decrypted row by row\n"
		     "into a new table of the same database (--into) or into OUTPUT as CSV (JSON Lines for\n"
		     ".jsonl); NULL stays NULL.\n\n"
		     "example:\n"
		     "  shuan unmask --key-file k.key masked.csv -o original.csv\n"
		     "  shuan unmask --key-file k.key --table customers_masked --into customers_back app.db\n\n"
		     "options:\n");
	cli_options_help(out, unmask_options, N_UNMASK_OPTIONS);
	fprintf(out, "\nexit status: 0 done, 2 usage or runtime error (wrong key, damaged token).\n");
}

int cmd_unmask(int argc, char **argv)
{
	cli_mask_args a;
	memset(&a, 0, sizeof(a));
	a.unmask = true;
	int rc = cli_mask_parse(argc, argv, unmask_options, N_UNMASK_OPTIONS, &a, unmask_usage);
	if (rc < 0 && !a.key_file && !getenv("SHUAN_KEY_FILE")) {
		fprintf(stderr, "shuan unmask: name the key: --key-file FILE (or set SHUAN_KEY_FILE)\n");
		rc = CLI_EXIT_ERROR;
	}
	if (rc < 0)
		rc = cli_mask_run(&a);
	cli_db_clear(&a.db);
	return rc;
}
