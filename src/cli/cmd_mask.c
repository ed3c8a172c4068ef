/*
 * cli/cmd_mask.c - `shuan mask`: de-identifies one file (CSV/TSV, JSON,
 * JSON Lines, text and logs in any encoding the readers handle, xlsx) into
 * another, by detector findings and a policy, and writes the report.
 * The option handling and the run itself are shared with `shuan unmask`
 * (cli/mask_common.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/db_cli.h"
#include "cli/mask_common.h"
#include "cli/options.h"
#include "shuan/deid.h"

static const cli_option mask_options[] = {
	{"out", 'o', required_argument, "FILE", "write the masked data to FILE (default: standard output; xlsx needs a file)", OPT_OUT},
	{"table", 0, required_argument, "NAME", "INPUT is a database (sqlite:///path, postgresql://, mysql://, an SQLite file): mask its table NAME (schema.table or table), every row", OPT_TABLE},
	{"into", 0, required_argument, "TABLE", "with --table: write a new table TABLE (or schema.table) in the same database instead of a file", OPT_INTO},
	{"policy", 0, required_argument, "FILE", "the mask policy (YAML: scan, default, detectors, columns, paths, k_anonymity)", OPT_POLICY},
	{"action", 0, required_argument, "KEY=ACTION", "mask KEY (a detector id, or a column / JSON key) with ACTION[:PARAM=VALUE,...] (repeatable)", OPT_ACTION},
	{"default-action", 0, required_argument, "ACTION", "the action for findings of detectors without a rule (default: redact)", OPT_DEFAULT},
	{"no-scan", 0, no_argument, NULL, "mask only what the rules name: no detector looks at the other values", OPT_NO_SCAN},
	{"key-file", 0, required_argument, "FILE", "the key for pseudonymize, encrypt and surrogate (default: $SHUAN_KEY_FILE)", OPT_KEY},
	{"report", 0, required_argument, "FILE", "write the JSON report: per field and detector the action and the count, which outputs are surrogates", OPT_REPORT},
	{"detectors", 0, required_argument, "IDS", "only these detectors (comma-separated ids; see 'shuan detectors')", OPT_DETECTORS},
	{"exclude-detectors", 0, required_argument, "IDS", "all detectors but these", OPT_EXCLUDE_DETECTORS},
	{"input-format", 0, required_argument, "FMT", "read the input as auto, text, csv, tsv, json or jsonl (default: auto)", OPT_INPUT_FORMAT},
	{"encoding", 0, required_argument, "NAME", "the input's encoding: auto, utf-8, gb18030, gbk, gb2312, utf-16le, utf-16be (default: auto)", OPT_ENCODING},
	{"output-encoding", 0, required_argument, "NAME", "write utf-8, gb18030, gbk, utf-16le or utf-16be (default: the input's)", OPT_OUTPUT_ENCODING},
	{"date", 0, required_argument, "YYYY-MM-DD", "the reference date for ages and age bands (default: today)", OPT_DATE},
	{"jobs", 'j', required_argument, "N", "mask with N threads; the output is the same for any N (default: the number of cores)", OPT_JOBS},
	{"max-record", 0, required_argument, "SIZE", "the longest line, CSV row or JSON string accepted (default: 64M)", OPT_MAX_RECORD},
	{"allow-ragged", 0, no_argument, NULL, "mask CSV rows with more or fewer fields than the header by their findings instead of failing", OPT_ALLOW_RAGGED},
	{"rules", 0, required_argument, "DIR", "rules directory (default: $SHUAN_RULES or the installed rules)", OPT_RULES},
	{"tmpdir", 0, required_argument, "DIR", "where k_anonymity on a --table keeps the rows it reads twice, mode 0600, removed at once (default: $TMPDIR or /tmp)", OPT_TMPDIR},
	CLI_DB_READ_OPTION_ROWS,
	{"quiet", 'q', no_argument, NULL, "no summary line on standard error", OPT_QUIET},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};
#define N_MASK_OPTIONS (sizeof(mask_options) / sizeof(mask_options[0]))

static void mask_usage(FILE *out)
{
	fprintf(out,
		"usage: shuan mask [options] INPUT [-o OUTPUT]\n"
		"       shuan mask [options] DATABASE --table TABLE (--into NEW_TABLE | -o OUTPUT)\n\n"
		"De-identifies (去标识化) INPUT ('-' = standard input): CSV/TSV, JSON, JSON Lines, text and\n"
		"logs in UTF-8, GB18030/GBK or UTF-16 (written back in the same encoding), and xlsx\n"
		"(values only). Every detector finding is masked (default: redact) unless --no-scan;\n"
		"a policy or --action names columns, JSON paths and detectors with an action:\n"
		"  keep, redact[:tag=T], partial[:first=N,last=N], generalize[:to=year|year_band|age_band|\n"
		"  region|region_year,band=N,level=county|city|province,decimals=N,digits=N],\n"
		"  pseudonymize (HMAC-SM3), encrypt[:deterministic=true] (SM4, reversible with shuan unmask),\n"
		"  surrogate (valid fake values: ID numbers, USCC, cards, mobiles, names...).\n"
		"The output replaces OUTPUT only when the whole input was masked.\n"
		"A database table (--table) is masked row by row like the CSV of its rows (policy columns\n"
		"by name, findings in every other cell, NULL stays NULL) into a new table of the same\n"
		"database (--into: text columns, created once the policy fits the table, refused if it\n"
		"exists, dropped again on any failure) or into OUTPUT as CSV (JSON Lines for .jsonl).\n"
		"A k_anonymity policy reads its input twice: a file is read again, a table's rows are\n"
		"read once and kept for the second pass in an unlinked temporary file (--tmpdir).\n\n"
		"examples:\n"
		"  shuan mask customers.csv -o masked.csv\n"
		"  shuan mask --key-file k.key --action 身份证号=surrogate --action 手机=partial customers.csv -o out.csv\n"
		"  shuan mask --policy policy.yaml --key-file k.key --report report.json app.jsonl -o app.masked.jsonl\n"
		"  shuan mask --key-file k.key --action 身份证号=surrogate --table public.customers \\\n"
		"             --into customers_masked postgresql://app@db:5432/crm\n\n"
		"options:\n");
	cli_options_help(out, mask_options, N_MASK_OPTIONS);
	fprintf(out, "\nexit status: 0 masked, 2 usage or runtime error (nothing is written to OUTPUT).\n");
}

int cmd_mask(int argc, char **argv)
{
	cli_mask_args a;
	memset(&a, 0, sizeof(a));
	int rc = cli_mask_parse(argc, argv, mask_options, N_MASK_OPTIONS, &a, mask_usage);
	if (rc < 0)
		rc = cli_mask_run(&a);
	cli_db_clear(&a.db);
	free(a.only);
	free(a.exclude);
	return rc;
}
