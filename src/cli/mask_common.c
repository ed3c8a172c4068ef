/*
 * cli/mask_common.c - the run shared by `shuan mask` and `shuan unmask`:
 * options (one table for both) and --help, rules, policy, key, the masker,
 * the report and the summary line.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/mask_common.h"
#include "shuan/deid.h"

static atomic_int g_cancel;

static void on_sigint(int sig)
{
	(void)sig;
	atomic_store(&g_cancel, 1);
}

/* The --help text of each command around its option lines. */
static const struct mask_usage {
	const char *head, *tail;
} mask_usage[2] = {
	{/* mask */
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
		"options:\n",
		"\nexit status: 0 masked, 2 usage or runtime error (nothing is written to OUTPUT).\n"},
	{/* unmask */
		"usage: shuan unmask --key-file FILE [options] INPUT [-o OUTPUT]\n"
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
		"options:\n",
		"\nexit status: 0 done, 2 usage or runtime error (wrong key, damaged token).\n"},
};

/* The options of both commands in one table, in the order --help lists
 * them. Each row holds mask's help line; unmask_help is unmask's (NULL: an
 * option of mask only, "": the same line as mask's). */
typedef struct mask_option {
	cli_option opt;
	const char *unmask_help;
} mask_option;

static const mask_option mask_options[] = {
	{{"out", 'o', required_argument, "FILE", "write the masked data to FILE (default: standard output; xlsx needs a file)", OPT_OUT},
	 "write the decrypted data to FILE, mode 0600 (default: standard output)"},
	{{"table", 0, required_argument, "NAME", "INPUT is a database (sqlite:///path, postgresql://, mysql://, an SQLite file): mask its table NAME (schema.table or table), every row", OPT_TABLE},
	 "INPUT is a database (sqlite:///path, postgresql://, mysql://, an SQLite file): decrypt its table NAME (schema.table or table), every row"},
	{{"into", 0, required_argument, "TABLE", "with --table: write a new table TABLE (or schema.table) in the same database instead of a file", OPT_INTO}, ""},
	{{"policy", 0, required_argument, "FILE", "the mask policy (YAML: scan, default, detectors, columns, paths, k_anonymity)", OPT_POLICY}, NULL},
	{{"action", 0, required_argument, "KEY=ACTION", "mask KEY (a detector id, or a column / JSON key) with ACTION[:PARAM=VALUE,...] (repeatable)", OPT_ACTION}, NULL},
	{{"default-action", 0, required_argument, "ACTION", "the action for findings of detectors without a rule (default: redact)", OPT_DEFAULT}, NULL},
	{{"no-scan", 0, no_argument, NULL, "mask only what the rules name: no detector looks at the other values", OPT_NO_SCAN}, NULL},
	{{"key-file", 0, required_argument, "FILE", "the key for pseudonymize, encrypt and surrogate (default: $SHUAN_KEY_FILE)", OPT_KEY},
	 "the key the data was encrypted with (default: $SHUAN_KEY_FILE)"},
	{{"report", 0, required_argument, "FILE", "write the JSON report: per field and detector the action and the count, which outputs are surrogates", OPT_REPORT},
	 "write the JSON report (fields and counts of decrypted values)"},
	{{"detectors", 0, required_argument, "IDS", "only these detectors (comma-separated ids; see 'shuan detectors')", OPT_DETECTORS}, NULL},
	{{"exclude-detectors", 0, required_argument, "IDS", "all detectors but these", OPT_EXCLUDE_DETECTORS}, NULL},
	{{"input-format", 0, required_argument, "FMT", "read the input as auto, text, csv, tsv, json or jsonl (default: auto)", OPT_INPUT_FORMAT}, ""},
	{{"encoding", 0, required_argument, "NAME", "the input's encoding: auto, utf-8, gb18030, gbk, gb2312, utf-16le, utf-16be (default: auto)", OPT_ENCODING},
	 "the input's encoding (default: auto)"},
	{{"output-encoding", 0, required_argument, "NAME", "write utf-8, gb18030, gbk, utf-16le or utf-16be (default: the input's)", OPT_OUTPUT_ENCODING}, ""},
	{{"date", 0, required_argument, "YYYY-MM-DD", "the reference date for ages and age bands (default: today)", OPT_DATE}, NULL},
	{{"jobs", 'j', required_argument, "N", "mask with N threads; the output is the same for any N (default: the number of cores)", OPT_JOBS},
	 "decrypt with N threads (default: the number of cores)"},
	{{"max-record", 0, required_argument, "SIZE", "the longest line, CSV row or JSON string accepted (default: 64M)", OPT_MAX_RECORD}, ""},
	{{"allow-ragged", 0, no_argument, NULL, "mask CSV rows with more or fewer fields than the header by their findings instead of failing", OPT_ALLOW_RAGGED},
	 "accept CSV rows with more or fewer fields than the header"},
	{{"rules", 0, required_argument, "DIR", "rules directory (default: $SHUAN_RULES or the installed rules)", OPT_RULES}, ""},
	{{"tmpdir", 0, required_argument, "DIR", "where k_anonymity on a --table keeps the rows it reads twice, mode 0600, removed at once (default: $TMPDIR or /tmp)", OPT_TMPDIR}, NULL},
};

/* The rows both commands end with, the same for both. */
static const cli_option mask_tail_options[] = {
	CLI_DB_READ_OPTION_ROWS,
	{"quiet", 'q', no_argument, NULL, "no summary line on standard error", OPT_QUIET},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};

#define N_MASK_ROWS (CLI_NOPTS(mask_options) + CLI_NOPTS(mask_tail_options))

/* Fills opts (room for N_MASK_ROWS) with the command's option table and
 * returns its length. */
static size_t mask_option_table(bool unmask, cli_option *opts)
{
	size_t n = 0;
	for (size_t i = 0; i < CLI_NOPTS(mask_options); i++) {
		const mask_option *r = &mask_options[i];
		if (unmask && !r->unmask_help)
			continue;
		opts[n] = r->opt;
		if (unmask && *r->unmask_help)
			opts[n].help = r->unmask_help;
		n++;
	}
	memcpy(opts + n, mask_tail_options, sizeof(mask_tail_options));
	return n + CLI_NOPTS(mask_tail_options);
}

int cli_mask_run(const cli_mask_args *a)
{
	shuan_rules *rules = NULL;
	shuan_policy *policy = NULL;
	shuan_key *key = NULL;
	shuan_masker *m = NULL;
	shuan_mask_options mo = SHUAN_MASK_OPTIONS_INIT;
	shuan_mask_result res;
	char err[1024];
	int exit_code = CLI_EXIT_ERROR, rc;
	const char *cmd = a->unmask ? "shuan unmask" : "shuan mask";
	const char *rules_dir = cli_rules_dir(a->rules_dir);
	const char *key_file = a->key_file ? a->key_file : getenv("SHUAN_KEY_FILE");

	char in_name[1024];

	if (key_file && !*key_file)
		key_file = NULL;
	/* a URL is named without its password, in every message */
	if (a->table) {
		if (shuan_db_display_url(a->input, in_name, sizeof(in_name) - 300) != 0 &&
		    !shuan_db_looks_like_url(a->input))
			snprintf(in_name, sizeof(in_name) - 300, "%s", a->input);
		size_t l = strlen(in_name);
		snprintf(in_name + l, sizeof(in_name) - l, "!%s", a->table);
	} else {
		snprintf(in_name, sizeof(in_name), "%s", a->input);
	}
	if (cli_rules_load(&rules, a->rules_dir, NULL, false, false, a->only, a->exclude, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: cannot load rules: %s\n", cmd, err);
		goto cleanup;
	}
	if (!a->unmask) {
		if (shuan_policy_new(&policy) != 0) {
			fprintf(stderr, "%s: out of memory\n", cmd);
			goto cleanup;
		}
		if (a->policy && shuan_policy_load_file(policy, a->policy, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", cmd, err);
			goto cleanup;
		}
		for (size_t i = 0; i < a->nactions; i++)
			if (shuan_policy_add_rule(policy, rules, a->actions[i], err, sizeof(err)) != 0) {
				fprintf(stderr, "%s: %s\n", cmd, err);
				goto cleanup;
			}
		if (a->default_action && shuan_policy_set_default(policy, a->default_action, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", cmd, err);
			goto cleanup;
		}
		if (a->no_scan)
			shuan_policy_set_scan(policy, false);
	}
	/* the key is read only when something needs it; a wrong one stops here */
	if (key_file && (a->unmask || shuan_policy_needs_key(policy)) &&
	    shuan_key_load(&key, key_file, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		goto cleanup;
	}
	mo.rules_dir = rules_dir;
	mo.jobs = (int)a->jobs;
	mo.format = a->format;
	mo.encoding = a->encoding;
	mo.output_encoding = a->output_encoding;
	mo.year = a->year;
	mo.month = a->month;
	mo.day = a->day;
	mo.max_record = (size_t)a->max_record;
	mo.allow_ragged = a->allow_ragged;
	mo.cancel = &g_cancel;
	mo.unmask = a->unmask;
	mo.tmpdir = a->tmpdir;
	if (shuan_masker_new(&m, rules, policy, key, &mo, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		goto cleanup;
	}
	signal(SIGINT, on_sigint);
	if (a->table)
		rc = shuan_mask_table(m, a->input, a->table, &a->db.opt, a->into, a->into ? NULL : a->output, &res);
	else
		rc = shuan_mask_file(m, a->input, a->output, &res);
	if (a->report) {
		/* the report names fields and counts, never values */
		FILE *rf = fopen(a->report, "w");
		if (!rf || shuan_masker_report_json(m, rf) != 0 || fclose(rf) != 0) {
			fprintf(stderr, "%s: cannot write the report %s\n", cmd, a->report);
			rc = rc ? rc : -1;
		}
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n", cmd, res.error[0] ? res.error : shuan_strerror(rc));
		if (!a->into && strcmp(a->output, "-"))
			fprintf(stderr, "%s: %s was not written\n", cmd, a->output);
		goto cleanup;
	}
	if (res.dropped)
		fprintf(stderr, "%s: warning: %llu binary values that are not text were written as NULL\n", cmd,
			(unsigned long long)res.dropped);
	if (!a->quiet)
		fprintf(stderr, "%s: %s -> %s: %llu records, %llu values %s%s%s\n", cmd, in_name,
			a->into ? a->into : strcmp(a->output, "-") ? a->output : "standard output", (unsigned long long)res.records,
			(unsigned long long)res.masked, a->unmask ? "decrypted" : "masked",
			res.invalid ? " (some did not fit their action and were redacted; see the report)" : "",
			res.invalid_utf8 ? ", invalid UTF-8 passed through unchanged" : "");
	exit_code = CLI_EXIT_OK;
cleanup:
	shuan_masker_free(m);
	shuan_key_free(key);
	shuan_policy_free(policy);
	shuan_rules_free(rules);
	return exit_code;
}

/* Parses the options of mask, or of unmask when a->unmask. */
int cli_mask_parse(int argc, char **argv, cli_mask_args *a)
{
	const struct mask_usage *u = &mask_usage[a->unmask];
	cli_option opts[N_MASK_ROWS];
	const cli_help help = {u->head, opts, mask_option_table(a->unmask, opts), u->tail};
	char shortopts[64];
	const char *cmd = a->unmask ? "shuan unmask" : "shuan mask";
	int c;
	a->jobs = sysconf(_SC_NPROCESSORS_ONLN);
	if (a->jobs < 1)
		a->jobs = 1;
	a->output = "-";
	cli_db_init(&a->db);
	const struct option *longopts = cli_options_build(help.opts, help.nopts, shortopts, sizeof(shortopts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUT: a->output = optarg; break;
		case OPT_QUIET: a->quiet = true; break;
		case OPT_POLICY: a->policy = optarg; break;
		case OPT_ACTION:
			if (a->nactions == sizeof(a->actions) / sizeof(a->actions[0])) {
				fprintf(stderr, "%s: too many --action options\n", cmd);
				return CLI_EXIT_ERROR;
			}
			a->actions[a->nactions++] = optarg;
			break;
		case OPT_DEFAULT: a->default_action = optarg; break;
		case OPT_NO_SCAN: a->no_scan = true; break;
		case OPT_KEY: a->key_file = optarg; break;
		case OPT_REPORT: a->report = optarg; break;
		case OPT_DETECTORS: free(a->only); a->only = cli_split_ids(optarg); break;
		case OPT_EXCLUDE_DETECTORS: free(a->exclude); a->exclude = cli_split_ids(optarg); break;
		case OPT_ENCODING: a->encoding = optarg; break;
		case OPT_OUTPUT_ENCODING: a->output_encoding = optarg; break;
		case OPT_RULES: a->rules_dir = optarg; break;
		case OPT_ALLOW_RAGGED: a->allow_ragged = true; break;
		case OPT_TABLE: a->table = optarg; break;
		case OPT_INTO: a->into = optarg; break;
		case OPT_TMPDIR: a->tmpdir = optarg; break;
		case OPT_INPUT_FORMAT:
			if (cli_parse_format(optarg, &a->format)) {
				fprintf(stderr, "%s: --input-format takes auto, text, csv, tsv, json or jsonl\n", cmd);
				return CLI_EXIT_ERROR;
			}
			break;
		case OPT_DATE:
			if (cli_parse_date(optarg, &a->year, &a->month, &a->day)) {
				fprintf(stderr, "%s: --date takes YYYY-MM-DD\n", cmd);
				return CLI_EXIT_ERROR;
			}
			break;
		case OPT_JOBS:
			if (cli_parse_jobs(optarg, &a->jobs)) {
				fprintf(stderr, "%s: --jobs takes a number from 1 to 256\n", cmd);
				return CLI_EXIT_ERROR;
			}
			break;
		case OPT_MAX_RECORD:
			if (cli_parse_size(optarg, &a->max_record) || a->max_record < 4096 || a->max_record > (4ull << 30)) {
				fprintf(stderr, "%s: --max-record takes a size from 4K to 4G\n", cmd);
				return CLI_EXIT_ERROR;
			}
			break;
		case OPT_HELP:
			cli_help_print(stdout, &help);
			return CLI_EXIT_OK;
		default: {
			int d = cli_db_option(&a->db, c, optarg, cmd + 6);
			if (d == 1)
				break;
			if (d == 0)
				cli_help_print(stderr, &help);
			return CLI_EXIT_ERROR;
		}
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "%s: name one input file ('-' for standard input)\n", cmd);
		cli_help_print(stderr, &help);
		return CLI_EXIT_ERROR;
	}
	a->input = argv[optind];
	if (!a->table && shuan_db_is_url(a->input)) {
		fprintf(stderr, "%s: a database: name the table with --table SCHEMA.TABLE\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (a->into && !a->table) {
		fprintf(stderr, "%s: --into writes a database table: name the source table with --table\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (a->into && strcmp(a->output, "-")) {
		fprintf(stderr, "%s: --into and -o: write the masked table to one place\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (a->table && (a->encoding || a->output_encoding || a->format != SHUAN_FORMAT_AUTO || a->allow_ragged)) {
		fprintf(stderr, "%s: --encoding, --output-encoding, --input-format and --allow-ragged are for files, "
			"not database tables\n", cmd);
		return CLI_EXIT_ERROR;
	}
	/* decrypting needs the key; masking only for the actions that use one */
	if (a->unmask && !a->key_file && !getenv("SHUAN_KEY_FILE")) {
		fprintf(stderr, "%s: name the key: --key-file FILE (or set SHUAN_KEY_FILE)\n", cmd);
		return CLI_EXIT_ERROR;
	}
	return -1; /* parsed: go on */
}

int cli_mask_main(int argc, char **argv, bool unmask)
{
	cli_mask_args a;
	memset(&a, 0, sizeof(a));
	a.unmask = unmask;
	int rc = cli_mask_parse(argc, argv, &a);
	if (rc < 0)
		rc = cli_mask_run(&a);
	cli_db_clear(&a.db);
	free(a.only);
	free(a.exclude);
	return rc;
}
