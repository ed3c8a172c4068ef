/*
 * cli/cmd_inventory.c - `shuan inventory`: the 数据分类分级清单 of files and
 * databases (build, list, diff, merge), its reports, and its record in the
 * store.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/db_cli.h"
#include "cli/options.h"
#include "shuan/inventory.h"
#include "shuan/rules.h"
#include "shuan/store.h"
#include "util/clock.h"
#include "util/text.h"

enum {
	OPT_FORMAT = 'f', OPT_OUT = 'o', OPT_QUIET = 'q', OPT_HELP = 'h',
	OPT_PARTIAL = 256, OPT_PROFILE, OPT_STORE, OPT_NO_STORE, OPT_RULES, OPT_DATE, OPT_FINGERPRINT, OPT_MAX_EXACT,
	OPT_JOBS = 'j',
};

static const cli_option inv_options[] = {
	{"format", 'f', required_argument, "FMT", "text, json, csv, xlsx or html (default: text on a terminal, else json)", OPT_FORMAT},
	{"out", 'o', required_argument, "FILE", "write the report to FILE (required for xlsx)", OPT_OUT},
	{"partial", 0, required_argument, "FILE", "also write what was gathered to FILE, for `shuan inventory merge`", OPT_PARTIAL},
	{"profile", 0, required_argument, "NAME|FILE", "grading profile: a name in rules/inventory/profiles or a file (default: default)", OPT_PROFILE},
	{"store", 0, required_argument, "DIR", "store directory (default: $SHUAN_STORE or ~/.local/share/shuan)", OPT_STORE},
	{"no-store", 0, no_argument, NULL, "record nothing (the compiled-patterns cache is read, not written); fingerprints use a throwaway key (partials then merge only with each other's runs)", OPT_NO_STORE},
	{"rules", 0, required_argument, "DIR", "rules directory (default: $SHUAN_RULES or the installed rules)", OPT_RULES},
	{"date", 0, required_argument, "YYYY-MM-DD", "the date ages are counted on (default: today)", OPT_DATE},
	{"fingerprint", 0, required_argument, "ALG", "fingerprint HMAC: sm3 or sha256 (default: sm3)", OPT_FINGERPRINT},
	{"max-exact", 0, required_argument, "N", "count people exactly up to N identifiers per table, then estimate (default: 4194304)", OPT_MAX_EXACT},
	CLI_DB_OPTION_ROWS,
	{"jobs", 'j', required_argument, "N", "with --full, read a large PostgreSQL table in N parts at once, over N connections in one snapshot; the inventory is the same for any N (default: the number of cores; at most 16 are used)", OPT_JOBS},
	{"quiet", 'q', no_argument, NULL, "no messages about unreadable sources on stderr", OPT_QUIET},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};

static const cli_help inv_help = {
	"usage: shuan inventory [options] SOURCE...      the inventory of files, directories, databases\n"
	"       shuan inventory merge [options] PARTIAL...   combine partial inventories of split runs\n"
	"       shuan inventory list [--format text|json]    the recorded runs\n"
	"       shuan inventory diff [RUN_A RUN_B] [--format text|json]\n"
	"                                                    what changed (default: each source's last two runs)\n\n"
	"Builds the 数据分类分级清单 (GB/T 43697-2024): for every table column or file field, what it\n"
	"holds (detector or dictionary class: 民族, 宗教信仰, 婚姻状况, 性别, 学历, 政治面貌, 血型,\n"
	"疾病/诊断, 职业, birth dates, ages), its Annex B category, whether it is (sensitive)\n"
	"personal information, its grade (一般数据 with the profile's sub-level), and the basis.\n"
	"People are counted per table, per source and overall (identifiers in one record are one\n"
	"person; exact up to --max-exact, then an estimate with its error). shuan never says data\n"
	"is important or core data: it lists 重要数据候选 with the reason.\n\n"
	"SOURCE: a file or directory (CSV/TSV, JSON Lines, text; JSON, xlsx, docx and archives by\n"
	"their findings), an SQLite file, sqlite:///path, postgresql://user@host:port/db?sslmode=...,\n"
	"mysql://user@host:port/db. Tables are sampled (--sample N, default 1000 rows) unless --full.\n\n"
	"options:\n",
	inv_options, CLI_NOPTS(inv_options),
	"\nexit status: 0 no personal information found, 1 personal information found, 2 usage or\n"
	"runtime error, 3 some source or table could not be read (the inventory is incomplete;\n"
	"the report lists what and why).\n",
};

static atomic_int g_cancel;

static void on_sigint(int sig)
{
	(void)sig;
	atomic_store(&g_cancel, 1);
}

static void on_event(const char *where, const char *message, bool error, void *ud)
{
	bool quiet = *(bool *)ud;
	if (quiet)
		return;
	fputs("shuan inventory: ", stderr);
	shuan_fputs_safe(stderr, where);
	fputs(error ? ": error: " : ": warning: ", stderr);
	shuan_fputs_safe(stderr, message);
	fputc('\n', stderr);
}

static int list_or_diff(int argc, char **argv, bool diff)
{
	const char *format = "text", *store_opt = NULL;
	char store_dir[4096], err[1024];
	shuan_store *store = NULL;
	int64_t a = 0, b = 0;
	int rc = CLI_EXIT_ERROR, npos = 0;
	uint64_t changes = 0;

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) && i + 1 < argc)
			format = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			format = argv[i] + 9;
		else if (!strcmp(argv[i], "--store") && i + 1 < argc)
			store_opt = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_help_print(stdout, &inv_help);
			return CLI_EXIT_OK;
		} else if (diff && argv[i][0] != '-' && npos < 2) {
			char *end;
			long long v = strtoll(argv[i][0] == '#' ? argv[i] + 1 : argv[i], &end, 10);
			if (*end || v <= 0) {
				fprintf(stderr, "shuan inventory diff: a run is a number (see `shuan inventory list`)\n");
				return CLI_EXIT_ERROR;
			}
			if (npos++ == 0)
				a = v;
			else
				b = v;
		} else {
			fprintf(stderr, "shuan inventory %s: unexpected argument '%s'\n", diff ? "diff" : "list", argv[i]);
			return CLI_EXIT_ERROR;
		}
	}
	if (npos == 1) {
		fprintf(stderr, "shuan inventory diff: name two runs, or none (each source's last two)\n");
		return CLI_EXIT_ERROR;
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		fprintf(stderr, "shuan inventory: --format for list and diff is text or json\n");
		return CLI_EXIT_ERROR;
	}
	if (cli_store_dir(store_opt, store_dir, sizeof(store_dir)) != 0)
		return CLI_EXIT_ERROR;
	if (shuan_store_open(&store, store_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan inventory: store: %s\n", err);
		return CLI_EXIT_ERROR;
	}
	if (!diff) {
		rc = shuan_inventory_list(store, format, stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
		if (rc)
			fprintf(stderr, "shuan inventory list: %s\n", shuan_store_errmsg(store));
	} else {
		int r = shuan_inventory_diff(store, a, b, format, stdout, &changes, err, sizeof(err));
		if (r < 0)
			fprintf(stderr, "shuan inventory diff: %s\n", err);
		/* like diff(1): 0 no change, 1 changes, 2 trouble */
		rc = r < 0 ? CLI_EXIT_ERROR : changes ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	}
	shuan_store_free(store);
	return rc;
}

int cmd_inventory(int argc, char **argv)
{
	const char *format = NULL, *out_path = NULL, *partial = NULL, *profile = NULL, *store_opt = NULL,
		   *rules_opt = NULL;
	bool no_store = false, quiet = false, merge = false;
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	shuan_inventory_options io = SHUAN_INVENTORY_OPTIONS_INIT;
	shuan_inventory_report rep = SHUAN_INVENTORY_REPORT_INIT;
	shuan_rules *rules = NULL;
	shuan_store *store = NULL;
	shuan_inventory *inv = NULL;
	unsigned char key[32];
	char err[1024], store_dir[4096], started[32], finished[32], shortopts[64];
	int exit_code = CLI_EXIT_ERROR, c, rc;
	int64_t run_id = 0;
	FILE *out = stdout;
	cli_db dbc;
	unsigned long long max_exact = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);

	if (argc >= 2 && (!strcmp(argv[1], "list") || !strcmp(argv[1], "diff")))
		return list_or_diff(argc - 1, argv + 1, !strcmp(argv[1], "diff"));
	if (argc >= 2 && !strcmp(argv[1], "merge")) {
		merge = true;
		argc--;
		argv++;
	}
	cli_db_init(&dbc);
	so.fingerprint_alg = SHUAN_FP_HMAC_SM3;
	const struct option *longopts = cli_options_build(inv_options, CLI_NOPTS(inv_options), shortopts, sizeof(shortopts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case OPT_OUT: out_path = optarg; break;
		case OPT_PARTIAL: partial = optarg; break;
		case OPT_PROFILE: profile = optarg; break;
		case OPT_STORE: store_opt = optarg; break;
		case OPT_NO_STORE: no_store = true; break;
		case OPT_RULES: rules_opt = optarg; break;
		case OPT_QUIET: quiet = true; break;
		case OPT_DATE:
			if (sscanf(optarg, "%d-%d-%d", &so.year, &so.month, &so.day) != 3 || so.year < 1900 || so.month < 1 ||
			    so.month > 12 || so.day < 1 || so.day > 31) {
				fprintf(stderr, "shuan inventory: --date takes YYYY-MM-DD\n");
				goto cleanup;
			}
			break;
		case OPT_FINGERPRINT:
			if (!strcmp(optarg, "sm3")) so.fingerprint_alg = SHUAN_FP_HMAC_SM3;
			else if (!strcmp(optarg, "sha256")) so.fingerprint_alg = SHUAN_FP_HMAC_SHA256;
			else { fprintf(stderr, "shuan inventory: --fingerprint takes sm3 or sha256\n"); goto cleanup; }
			break;
		case OPT_MAX_EXACT: {
			char *end;
			errno = 0;
			max_exact = strtoull(optarg, &end, 10);
			if (errno || *end || max_exact < 16 || max_exact > ((size_t)1 << 30)) {
				fprintf(stderr, "shuan inventory: --max-exact takes a number from 16 to 1073741824\n");
				goto cleanup;
			}
			break;
		}
		case OPT_JOBS: {
			long v;
			if (cli_parse_jobs(optarg, &v) != 0) {
				fprintf(stderr, "shuan inventory: --jobs takes a number from 1 to 256\n");
				goto cleanup;
			}
			jobs = v;
			break;
		}
		case OPT_HELP:
			cli_help_print(stdout, &inv_help);
			exit_code = CLI_EXIT_OK;
			goto cleanup;
		default: {
			int r = cli_db_option(&dbc, c, optarg, "inventory");
			if (r < 0)
				goto cleanup;
			if (r == 0) {
				cli_help_print(stderr, &inv_help);
				goto cleanup;
			}
		}
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "shuan inventory: name the %s\n", merge ? "partial inventories to merge" : "sources (files, directories, database URLs)");
		cli_help_print(stderr, &inv_help);
		goto cleanup;
	}
	if (!format)
		format = (!out_path && isatty(STDOUT_FILENO)) ? "text" : "json";
	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "xlsx") &&
	    strcmp(format, "html")) {
		fprintf(stderr, "shuan inventory: unknown --format '%s' (text, json, csv, xlsx, html)\n", format);
		goto cleanup;
	}
	if (!strcmp(format, "xlsx") && !out_path) {
		fprintf(stderr, "shuan inventory: xlsx is a file: give --out FILE.xlsx\n");
		goto cleanup;
	}
	if (cli_rules_load(&rules, rules_opt, NULL, false, no_store, NULL, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan inventory: cannot load rules: %s\n", err);
		goto cleanup;
	}
	if (!no_store) {
		if (cli_store_dir(store_opt, store_dir, sizeof(store_dir)) != 0)
			goto cleanup;
		if (shuan_store_open(&store, store_dir, err, sizeof(err)) != 0) {
			fprintf(stderr, "shuan inventory: store: %s (use --no-store to run without one)\n", err);
			goto cleanup;
		}
		if (shuan_store_fingerprint_key(store, key) != 0) {
			fprintf(stderr, "shuan inventory: store: %s\n", shuan_store_errmsg(store));
			goto cleanup;
		}
	} else if (shuan_random_bytes(key, sizeof(key)) != 0) {
		fprintf(stderr, "shuan inventory: no random bytes for a throwaway fingerprint key\n");
		goto cleanup;
	}
	if (no_store && partial && !quiet)
		fprintf(stderr, "shuan inventory: warning: --no-store uses a throwaway key: this partial merges with no other "
				"run's (use a shared --store)\n");
	so.fingerprint_key = key;
	so.fingerprint_key_len = sizeof(key);
	so.cancel = &g_cancel;
	io.rules_dir = cli_rules_dir(rules_opt);
	io.profile = profile;
	io.scan = &so;
	if (jobs < 1)
		jobs = 1;
	dbc.opt.connections = jobs > SHUAN_DB_MAX_CONNECTIONS ? SHUAN_DB_MAX_CONNECTIONS : (unsigned)jobs;
	io.db = &dbc.opt;
	io.max_exact = (size_t)max_exact;
	io.event = on_event;
	io.event_ud = &quiet;
	io.adopt_partial_key = merge && no_store;
	if ((rc = shuan_inventory_new(&inv, rules, &io, err, sizeof(err))) != 0) {
		fprintf(stderr, "shuan inventory: %s\n", err);
		goto cleanup;
	}
	signal(SIGINT, on_sigint);
	shuan_clock_iso_utc(started, sizeof(started));
	for (int i = optind; i < argc && !atomic_load(&g_cancel); i++) {
		if (merge) {
			if ((rc = shuan_inventory_add_partial(inv, argv[i], err, sizeof(err))) != 0) {
				fprintf(stderr, "shuan inventory merge: %s\n", err);
				goto cleanup;
			}
			continue;
		}
		rc = shuan_inventory_add(inv, argv[i]);
		if (rc == SHUAN_ENOMEM) {
			fprintf(stderr, "shuan inventory: out of memory\n");
			goto cleanup;
		}
		if (rc == SHUAN_EINTR)
			break;
	}
	if (atomic_load(&g_cancel)) {
		fprintf(stderr, "shuan inventory: interrupted; nothing recorded\n");
		goto cleanup;
	}
	if (partial && (rc = shuan_inventory_write_partial(inv, partial, err, sizeof(err))) != 0) {
		fprintf(stderr, "shuan inventory: --partial: %s\n", err);
		goto cleanup;
	}
	if (shuan_inventory_finish(inv) != 0) {
		fprintf(stderr, "shuan inventory: out of memory\n");
		goto cleanup;
	}
	shuan_clock_iso_utc(finished, sizeof(finished));
	if (store && shuan_inventory_record(inv, store, started, finished, &run_id) != 0) {
		fprintf(stderr, "shuan inventory: store: %s\n", shuan_store_errmsg(store));
		goto cleanup;
	}
	rep.run_id = run_id;
	rep.generated = finished;
	if (out_path && strcmp(format, "xlsx")) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || !(out = fdopen(fd, "w"))) {
			fprintf(stderr, "shuan inventory: cannot write %s: %s\n", out_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			out = stdout;
			goto cleanup;
		}
	}
	rep.color = !out_path && !strcmp(format, "text") && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	if (shuan_inventory_write(inv, format, out, out_path, &rep, err, sizeof(err)) != 0 || fflush(out) != 0) {
		fprintf(stderr, "shuan inventory: writing the report failed: %s\n", err[0] ? err : strerror(errno));
		goto cleanup;
	}
	if (!quiet && run_id)
		fprintf(stderr, "shuan inventory: recorded as run #%lld (`shuan inventory diff` compares runs)\n",
			(long long)run_id);
	{
		bool pi = false;
		for (size_t i = 0; i < shuan_inventory_column_count(inv); i++)
			pi |= shuan_inventory_column_at(inv, i)->pi;
		if (shuan_inventory_errors(inv)) {
			if (!quiet)
				fprintf(stderr, "shuan inventory: %llu source(s) or table(s) could not be read: the inventory is "
						"incomplete (see the errors above and in the report)\n",
					(unsigned long long)shuan_inventory_errors(inv));
			exit_code = 3;
		} else {
			exit_code = pi ? CLI_EXIT_FOUND : CLI_EXIT_OK;
		}
	}
cleanup:
	if (out != stdout)
		fclose(out);
	shuan_inventory_free(inv);
	shuan_store_free(store);
	shuan_rules_free(rules);
	cli_db_clear(&dbc);
	return exit_code;
}
