/*
 * cli/cmd_risk.c - `shuan risk`: the re-identification risk of a table (k,
 * classes, ℓ-diversity, prosecutor / journalist / marketer risk) and, with
 * --suggest, the least generalised shuan mask policy that reaches k.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/db_cli.h"
#include "cli/options.h"
#include "shuan/risk.h"
#include "util/json.h"

enum {
	OPT_HELP = 'h', OPT_OUT = 'o',
	OPT_QI = 256, OPT_SENSITIVE, OPT_K, OPT_FORMAT, OPT_SUGGEST, OPT_MAX_SUPP, OPT_POLICY_OUT, OPT_MEMORY,
	OPT_TMPDIR, OPT_INPUT_FORMAT, OPT_ENCODING, OPT_ALLOW_RAGGED, OPT_DATE, OPT_RULES, OPT_TABLE,
};

static const cli_option risk_options[] = {
	{"qi", 0, required_argument, "COLS", "quasi-identifier columns, comma-separated, each NAME or NAME:KIND (default: the columns named like one)", OPT_QI},
	{"sensitive", 0, required_argument, "COL", "the sensitive attribute, for l-diversity", OPT_SENSITIVE},
	{"k", 0, required_argument, "K", "the target k: records in smaller classes are below k (default: 5)", OPT_K},
	{"format", 'f', required_argument, "FMT", "text or json (default: text)", OPT_FORMAT},
	{"out", 'o', required_argument, "FILE", "write the figures to FILE instead of standard output", OPT_OUT},
	{"suggest", 0, no_argument, NULL, "search the generalisation lattice for the least generalised way to reach k", OPT_SUGGEST},
	{"max-suppression", 0, required_argument, "S", "with --suggest: the share of records that may be suppressed, 0..1 (default: 0.05)", OPT_MAX_SUPP},
	{"policy-out", 0, required_argument, "FILE", "with --suggest: write the shuan mask policy to FILE (default: with the figures)", OPT_POLICY_OUT},
	{"memory", 0, required_argument, "SIZE", "memory for the classes before they spill to disk (default: 512M)", OPT_MEMORY},
	{"tmpdir", 0, required_argument, "DIR", "where spilled partitions go (default: $TMPDIR or /tmp)", OPT_TMPDIR},
	{"input-format", 0, required_argument, "FMT", "read the table as auto, csv or tsv (default: auto)", OPT_INPUT_FORMAT},
	{"encoding", 0, required_argument, "NAME", "the table's encoding (default: auto)", OPT_ENCODING},
	{"allow-ragged", 0, no_argument, NULL, "leave out rows with another number of fields than the header instead of failing", OPT_ALLOW_RAGGED},
	{"date", 0, required_argument, "YYYY-MM-DD", "the reference date for age bands (default: today)", OPT_DATE},
	{"rules", 0, required_argument, "DIR", "rules directory (default: $SHUAN_RULES or the installed rules)", OPT_RULES},
	{"table", 0, required_argument, "NAME", "TABLE is a database (sqlite:///path, postgresql://, mysql://, an SQLite file): analyse its table NAME (schema.table or table), every row", OPT_TABLE},
	CLI_DB_READ_OPTION_ROWS,
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};

static const cli_help risk_help = {
	"usage: shuan risk [options] TABLE\n"
	"       shuan risk [options] DATABASE --table NAME\n\n"
	"Re-identification risk (重识别风险) of a CSV/TSV table ('-' = standard input): the classes of\n"
	"records sharing their quasi-identifiers, k (the smallest class), the records in classes\n"
	"below the target k, distinct and entropy l-diversity of a sensitive attribute, and the\n"
	"prosecutor, journalist and marketer risks as ARX computes them. Records whose\n"
	"quasi-identifiers are all \"*\" are suppressed and left out. Tables larger than memory\n"
	"are counted partition by partition on disk.\n"
	"--suggest searches the generalisation lattice (birth dates, ages, GB/T 2260 address\n"
	"levels, postcode prefixes, suppression) for the least generalised combination reaching\n"
	"k with at most --max-suppression of the records suppressed, and writes it as a\n"
	"shuan mask policy.\n"
	"A database table (--table) is read in full as the CSV of its rows would be (a NULL is an\n"
	"empty value) and gives the same figures and the same --suggest policy, which shuan mask\n"
	"--table applies to it (--into a new table).\n\n"
	"examples:\n"
	"  shuan risk --qi 出生日期,性别,邮编 --sensitive 诊断 --k 5 patients.csv\n"
	"  shuan risk --suggest --k 5 --max-suppression 0.02 --policy-out k5.yaml patients.csv\n"
	"  shuan mask --policy k5.yaml patients.csv -o patients.k5.csv\n"
	"  shuan risk --qi birth_date,sex,postcode --table public.patients postgresql://app@db:5432/his\n"
	"  shuan risk --suggest --k 5 --policy-out k5.yaml --table public.patients postgresql://app@db:5432/his\n\n"
	"options:\n",
	risk_options, CLI_NOPTS(risk_options),
	"\nexit status: 0 k reached (or a suggestion found), 1 k not reached (or none found), 2 error.\n",
};

static atomic_int g_cancel;

static void on_sigint(int sig)
{
	(void)sig;
	atomic_store(&g_cancel, 1);
}

static void write_json(FILE *f, const shuan_risk_result *r, const char *sensitive)
{
	fputs("{\"quasi_identifiers\":[", f);
	for (size_t i = 0; i < r->nqi; i++) {
		fputs(i ? ",{\"column\":" : "{\"column\":", f);
		shuan_json_cstring(f, r->qi[i]);
		fputs(",\"kind\":", f);
		shuan_json_cstring(f, r->qi_kind[i]);
		fputc('}', f);
	}
	fputs("],\"sensitive\":", f);
	shuan_json_cstring(f, sensitive);
	fprintf(f,
		",\"records\":%llu,\"suppressed\":%llu,\"skipped\":%llu,\"k\":%llu,\"target_k\":%llu,\"classes\":%llu,"
		"\"below_k\":%llu,\"below_k_share\":%.6g,",
		(unsigned long long)r->records, (unsigned long long)r->suppressed, (unsigned long long)r->skipped,
		(unsigned long long)r->k, (unsigned long long)r->target_k, (unsigned long long)r->classes,
		(unsigned long long)r->below_k, r->below_k_share);
	if (r->have_sensitive)
		fprintf(f, "\"l_distinct\":%llu,\"l_entropy\":%.6g,", (unsigned long long)r->l_distinct, r->l_entropy);
	else
		fputs("\"l_distinct\":null,\"l_entropy\":null,", f);
	fprintf(f,
		"\"prosecutor_max\":%.6g,\"prosecutor_avg\":%.6g,\"journalist_max\":%.6g,\"marketer\":%.6g,"
		"\"population\":\"the data set itself\",\"partitions\":%llu,\"class_sizes\":[",
		r->prosecutor_max, r->prosecutor_avg, r->journalist_max, r->marketer, (unsigned long long)r->partitions);
	for (size_t i = 0; i < r->nbuckets; i++)
		fprintf(f, "%s{\"min\":%llu,\"max\":%llu,\"classes\":%llu,\"records\":%llu}", i ? "," : "",
			(unsigned long long)r->buckets[i].min, (unsigned long long)r->buckets[i].max,
			(unsigned long long)r->buckets[i].classes, (unsigned long long)r->buckets[i].records);
	fputs("]}\n", f);
}

static void write_text(FILE *f, const char *path, const shuan_risk_result *r, const char *sensitive)
{
	fprintf(f, "%s: %llu records", path, (unsigned long long)r->records);
	if (r->suppressed)
		fprintf(f, " (+%llu suppressed)", (unsigned long long)r->suppressed);
	fputs("; quasi-identifiers:", f);
	for (size_t i = 0; i < r->nqi; i++)
		fprintf(f, "%s %s (%s)", i ? "," : "", r->qi[i], r->qi_kind[i]);
	fprintf(f, "\n  k (smallest class)       %llu%s\n", (unsigned long long)r->k,
		r->k >= r->target_k ? "" : "   below the target");
	fprintf(f, "  classes                  %llu\n", (unsigned long long)r->classes);
	fprintf(f, "  records below k=%-8llu %llu (%.2f%%)\n", (unsigned long long)r->target_k,
		(unsigned long long)r->below_k, 100 * r->below_k_share);
	if (r->have_sensitive)
		fprintf(f, "  l-diversity of %s       distinct %llu, entropy %.3f\n", sensitive,
			(unsigned long long)r->l_distinct, r->l_entropy);
	fprintf(f, "  prosecutor risk          max %.4f, average %.4f\n", r->prosecutor_max, r->prosecutor_avg);
	fprintf(f, "  journalist risk          max %.4f (the data set is its own population)\n", r->journalist_max);
	fprintf(f, "  marketer risk            %.4f\n", r->marketer);
	fputs("  class sizes             ", f);
	for (size_t i = 0; i < r->nbuckets && i < 12; i++) {
		if (r->buckets[i].min == r->buckets[i].max)
			fprintf(f, " %llu:%llu", (unsigned long long)r->buckets[i].min, (unsigned long long)r->buckets[i].classes);
		else
			fprintf(f, " %llu-%llu:%llu", (unsigned long long)r->buckets[i].min,
				(unsigned long long)r->buckets[i].max, (unsigned long long)r->buckets[i].classes);
	}
	fprintf(f, "%s (size:classes)\n", r->nbuckets > 12 ? " ..." : "");
	if (r->partitions)
		fprintf(f, "  counted in %llu partitions on disk\n", (unsigned long long)r->partitions);
}

int cmd_risk(int argc, char **argv)
{
	shuan_risk_options o = SHUAN_RISK_OPTIONS_INIT;
	shuan_risk_result r;
	shuan_rules *rules = NULL;
	shuan_risk_suggestion *sg = NULL;
	const char *format = "text", *out_path = NULL, *policy_out = NULL, *rules_opt = NULL;
	const char **qi = NULL;
	char shortopts[32], err[512];
	bool suggest = false;
	double max_supp = 0.05;
	int c, exit_code = CLI_EXIT_ERROR;
	FILE *out = stdout;
	uint64_t v;
	const char *table = NULL;
	char name[1024];
	cli_db db;

	memset(&r, 0, sizeof(r));
	cli_db_init(&db);
	const struct option *longopts = cli_options_build(risk_options, CLI_NOPTS(risk_options), shortopts, sizeof(shortopts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_QI: free(qi); qi = cli_split_ids(optarg); break;
		case OPT_SENSITIVE: o.sensitive = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_OUT: out_path = optarg; break;
		case OPT_SUGGEST: suggest = true; break;
		case OPT_POLICY_OUT: policy_out = optarg; break;
		case OPT_TMPDIR: o.tmpdir = optarg; break;
		case OPT_ENCODING: o.encoding = optarg; break;
		case OPT_ALLOW_RAGGED: o.allow_ragged = true; break;
		case OPT_RULES: rules_opt = optarg; break;
		case OPT_TABLE: table = optarg; break;
		case OPT_K: {
			char *end;
			long long k = strtoll(optarg, &end, 10);
			if (*end || k < 2 || k > 1000000000) {
				fprintf(stderr, "shuan risk: --k takes a number of at least 2\n");
				goto cleanup;
			}
			o.k = (uint64_t)k;
			break;
		}
		case OPT_MAX_SUPP: {
			char *end;
			max_supp = strtod(optarg, &end);
			if (*end || end == optarg || !(max_supp >= 0 && max_supp <= 1)) {
				fprintf(stderr, "shuan risk: --max-suppression takes a share from 0 to 1 (0.05 = 5%%)\n");
				goto cleanup;
			}
			break;
		}
		case OPT_MEMORY:
			if (cli_parse_size(optarg, &v) || v < (64u << 10)) {
				fprintf(stderr, "shuan risk: --memory takes a size of at least 64K\n");
				goto cleanup;
			}
			o.memory = (size_t)v;
			break;
		case OPT_INPUT_FORMAT:
			if (cli_parse_format(optarg, &o.format) ||
			    (o.format != SHUAN_FORMAT_AUTO && o.format != SHUAN_FORMAT_CSV && o.format != SHUAN_FORMAT_TSV)) {
				fprintf(stderr, "shuan risk: --input-format takes auto, csv or tsv\n");
				goto cleanup;
			}
			break;
		case OPT_DATE:
			if (cli_parse_date(optarg, &o.year, &o.month, &o.day)) {
				fprintf(stderr, "shuan risk: --date takes YYYY-MM-DD\n");
				goto cleanup;
			}
			break;
		case OPT_HELP:
			cli_help_print(stdout, &risk_help);
			exit_code = CLI_EXIT_OK;
			goto cleanup;
		default: {
			int d = cli_db_option(&db, c, optarg, "risk");
			if (d == 1)
				break;
			if (d == 0)
				cli_help_print(stderr, &risk_help);
			goto cleanup;
		}
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		fprintf(stderr, "shuan risk: --format takes text or json\n");
		goto cleanup;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "shuan risk: name one table ('-' for standard input)\n");
		cli_help_print(stderr, &risk_help);
		goto cleanup;
	}
	const char *path = argv[optind];
	if (!table && shuan_db_is_url(path)) {
		fprintf(stderr, "shuan risk: a database: name the table with --table SCHEMA.TABLE\n");
		goto cleanup;
	}
	if (table && (o.encoding || o.format != SHUAN_FORMAT_AUTO || o.allow_ragged)) {
		fprintf(stderr, "shuan risk: --encoding, --input-format and --allow-ragged are for CSV/TSV "
			"files, not database tables\n");
		goto cleanup;
	}
	/* what the text output names: a URL without its password */
	if (table) {
		if (shuan_db_display_url(path, name, sizeof(name) - 300) != 0 && !shuan_db_looks_like_url(path))
			snprintf(name, sizeof(name) - 300, "%s", path);
		size_t l = strlen(name);
		snprintf(name + l, sizeof(name) - l, "!%s", table);
	} else {
		snprintf(name, sizeof(name), "%s", path);
	}
	o.qi = qi;
	o.rules_dir = cli_rules_dir(rules_opt);
	o.cancel = &g_cancel;
	signal(SIGINT, on_sigint);
	if (suggest && cli_rules_load(&rules, rules_opt, NULL, false, false, NULL, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan risk: cannot load rules: %s\n", err);
		goto cleanup;
	}
	o.rules = rules;
	if (out_path && !(out = fopen(out_path, "w"))) {
		fprintf(stderr, "shuan risk: cannot write %s\n", out_path);
		out = stdout;
		goto cleanup;
	}
	if (suggest) {
		if (!strcmp(path, "-")) {
			fprintf(stderr, "shuan risk: --suggest reads a file or a --table (the policy is checked against it)\n");
			goto cleanup;
		}
		if ((table ? shuan_risk_suggest_table(path, table, &db.opt, &o, max_supp, &sg, err, sizeof(err))
		           : shuan_risk_suggest(path, &o, max_supp, &sg, err, sizeof(err))) != 0) {
			fprintf(stderr, "shuan risk: %s\n", err);
			goto cleanup;
		}
		if (!strcmp(format, "json"))
			shuan_risk_suggestion_write_json(sg, out);
		else
			shuan_risk_suggestion_write_text(sg, out);
		FILE *pf = policy_out ? fopen(policy_out, "w") : NULL;
		if (policy_out && !pf) {
			fprintf(stderr, "shuan risk: cannot write %s\n", policy_out);
			goto cleanup;
		}
		if (pf) {
			int prc = shuan_risk_suggestion_write_policy(sg, pf);
			if (fclose(pf) != 0 || prc) {
				fprintf(stderr, "shuan risk: cannot write %s\n", policy_out);
				goto cleanup;
			}
		} else if (strcmp(format, "json")) {
			fputs("\n", out);
			shuan_risk_suggestion_write_policy(sg, out);
		}
		exit_code = shuan_risk_suggestion_found(sg) ? CLI_EXIT_OK : CLI_EXIT_FOUND;
		goto cleanup;
	}
	if ((table ? shuan_risk_table(path, table, &db.opt, &o, &r) : shuan_risk_file(path, &o, &r)) != 0) {
		fprintf(stderr, "shuan risk: %s\n", r.error);
		goto cleanup;
	}
	if (!strcmp(format, "json"))
		write_json(out, &r, o.sensitive);
	else
		write_text(out, name, &r, o.sensitive);
	exit_code = r.records && r.k < r.target_k ? CLI_EXIT_FOUND : CLI_EXIT_OK;
cleanup:
	if (out != stdout && fclose(out) != 0)
		exit_code = CLI_EXIT_ERROR;
	shuan_risk_result_free(&r);
	shuan_risk_suggestion_free(sg);
	shuan_rules_free(rules);
	free(qi);
	cli_db_clear(&db);
	return exit_code;
}
