/*
 * cli/mask_common.c - the run shared by `shuan mask` and `shuan unmask`:
 * options, rules, policy, key, the masker, the report and the summary line.
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

/* Parses the options both commands share; `opts` is the command's table. */
int cli_mask_parse(int argc, char **argv, const cli_option *opts, size_t nopts, cli_mask_args *a,
		   void (*usage)(FILE *))
{
	char shortopts[64];
	const char *cmd = a->unmask ? "shuan unmask" : "shuan mask";
	int c;
	a->jobs = sysconf(_SC_NPROCESSORS_ONLN);
	if (a->jobs < 1)
		a->jobs = 1;
	a->output = "-";
	cli_db_init(&a->db);
	const struct option *longopts = cli_options_build(opts, nopts, shortopts, sizeof(shortopts));
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
			usage(stdout);
			return CLI_EXIT_OK;
		default: {
			int d = cli_db_option(&a->db, c, optarg, cmd + 6);
			if (d == 1)
				break;
			if (d == 0)
				usage(stderr);
			return CLI_EXIT_ERROR;
		}
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "%s: name one input file ('-' for standard input)\n", cmd);
		usage(stderr);
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
	return -1; /* parsed: go on */
}
