/*
 * cli/cmd_xborder.c - `shuan xborder assess|record|ledger`: the
 * cross-border pathway of a transfer (数据出境路径) and the ledger of
 * transfers since 1 January. Argument parsing, the store, printing and the
 * exit code; the decision is shuan_xborder_assess() (shuan/xborder.h).
 *
 * Exit: 0 exempt, 3 standard contract or certification, 4 security
 * assessment, 2 error (bad input, a missing calendar year, the store).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_duty.h"
#include "cli/db_cli.h"
#include "cli/options.h"
#include "shuan/people.h"
#include "shuan/xborder.h"
#include "util/alloc.h"

#define EXIT_CONTRACT 3
#define EXIT_ASSESSMENT 4

enum { O_HELP = 'h', O_ORG = 256, O_TRANSFER, O_YEAR };

static const cli_option xborder_options[] = {
    {"org", 0, required_argument, "ORG.yaml", "the organisation profile (assess, record)", O_ORG},
    {"transfer", 0, required_argument, "T.yaml", "the transfer (assess, record)", O_TRANSFER},
    {"data", 0, required_argument, "SOURCE",
     "count the people in the data sent by scanning SOURCE: files, directories, or a database URL read in "
     "full (repeatable; further PATHs after the options count too)",
     CLI_DUTY_DATA},
    CLI_DUTY_DATA_ROWS,
    {"year", 0, required_argument, "YYYY", "(ledger) the year to list (default: the year of --as-of)",
     O_YEAR},
    {"format", 'f', required_argument, "FMT", "text, json or md (default: text)", CLI_DUTY_FORMAT},
    {"store", 0, required_argument, "DIR",
     "store holding the ledger (default: $SHUAN_STORE or ~/.local/share/shuan)", CLI_DUTY_STORE},
    {"no-store", 0, no_argument, NULL, "(assess) no ledger: judge this transfer alone", CLI_DUTY_NO_STORE},
    CLI_DUTY_COMMON_ROWS,
    {"help", 'h', no_argument, NULL, "show this help", O_HELP},
};

static const cli_help xborder_help = {
    "usage: shuan xborder assess --org ORG.yaml --transfer T.yaml [--data SOURCE...] [options]\n"
    "       shuan xborder record --org ORG.yaml --transfer T.yaml [--data SOURCE...] [options]\n"
    "       shuan xborder ledger [--year YYYY] [options]\n\n"
    "Decides the pathway of a cross-border transfer (数据出境) under the 促进和规范数据跨境流动规定\n"
    "and 网络数据安全管理条例 Art. 35: exempt (Arts. 3-6), standard contract or certification (Art. "
    "8)\n"
    "or CAC security assessment (Art. 7), with every condition checked and its article, the people\n"
    "since 1 January and how far each count is from the next threshold (warning at 90%), the duties\n"
    "that apply whatever the pathway (Art. 10) and an assessment's validity (Art. 9).\n\n"
    "  assess  judges the transfer; people already sent this year come from the ledger\n"
    "  record  judges it and adds it to the ledger (with the fingerprints of the people it covers)\n"
    "  ledger  lists a year's transfers and the distinct people since 1 January\n\n"
    "People: pi_people and spi_people in the transfer, or --data SOURCE... (files, directories,\n"
    "archives) that shuan scans to count distinct people with PI and with sensitive PI.\n"
    "Keys of ORG.yaml and T.yaml: docs/duty-engines.md. An unknown key is an error.\n\n"
    "options:\n",
    xborder_options,
    CLI_NOPTS(xborder_options),
    "\nexit status: 0 exempt, 3 standard contract or certification, 4 security assessment,\n"
    "2 usage or runtime error (bad input, a missing calendar year, the store); ledger: 0 or 2.\n"
    "example: shuan xborder assess --org org.yaml --transfer t.yaml --as-of 2025-06-30\n",
};

typedef struct xopts {
	const char *org, *transfer, *year;
	cli_duty_opts d;
} xopts;

static int parse(int argc, char **argv, xopts *o)
{
	char shortopts[64];
	const struct option *lo =
	    cli_options_build(xborder_options, CLI_NOPTS(xborder_options), shortopts, sizeof(shortopts));
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		switch (c) {
		case O_ORG:
			o->org = optarg;
			break;
		case O_TRANSFER:
			o->transfer = optarg;
			break;
		case O_YEAR:
			o->year = optarg;
			break;
		case O_HELP:
			cli_help_print(stdout, &xborder_help);
			return -1;
		default: {
			int r = cli_duty_option(&o->d, c, optarg, "xborder");
			if (r == 1)
				break;
			if (r == 0)
				cli_help_print(stderr, &xborder_help);
			return CLI_EXIT_ERROR;
		}
		}
	}
	/* further paths after the options are data sources too */
	for (int i = optind; i < argc; i++)
		if (cli_push_arg(&o->d.data, &o->d.ndata, argv[i]))
			return CLI_EXIT_ERROR;
	return 0;
}

static int assess(xopts *o, bool record)
{
	const char *cmd = record ? "xborder record" : "xborder assess";
	shuan_duty_rules *dr = NULL;
	shuan_store *store = NULL;
	shuan_people *people = NULL;
	shuan_xborder_result *res = NULL;
	shuan_xborder_counts counts;
	shuan_duty_data_result dres;
	shuan_org org = {0};
	shuan_transfer t = {0};
	shuan_duty_format fmt;
	shuan_time as_of;
	char err[1024];
	int exit_code = CLI_EXIT_ERROR, rc;

	if (!o->org || !o->transfer) {
		fprintf(stderr, "shuan %s: --org ORG.yaml and --transfer T.yaml are required\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (record && o->d.no_store) {
		fprintf(stderr, "shuan %s: --no-store: the ledger lives in the store\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (cli_duty_format(cmd, o->d.format, &fmt) || cli_duty_as_of(cmd, o->d.as_of, &as_of) ||
	    cli_duty_rules(cmd, o->d.rules, &dr))
		goto cleanup;
	if ((rc = shuan_org_load(&org, o->org, err, sizeof(err))) != 0 ||
	    (rc = shuan_transfer_load(&t, o->transfer, err, sizeof(err))) != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	if (shuan_date_days(t.date) > shuan_date_days(shuan_time_date(&as_of, SHUAN_CHINA_OFFSET_MIN)) &&
	    record) {
		fprintf(
		    stderr,
		    "shuan %s: %s: date: the transfer is dated after --as-of; record it once it happens\n",
		    cmd, o->transfer);
		goto cleanup;
	}
	/* --data needs the store's key so that counts merge across transfers */
	if (cli_duty_store(cmd, o->d.store, o->d.no_store, record || o->d.ndata > 0, &store))
		goto cleanup;
	if (o->d.ndata) {
		if (t.pi_people >= 0 || t.spi_people >= 0)
			fprintf(stderr,
			        "shuan %s: --data given: the counts in %s are ignored, the data's are used\n",
			        cmd, o->transfer);
		if (cli_duty_count(cmd, dr, o->d.rules, o->d.data, o->d.ndata, &o->d.db.opt, store, o->d.jobs,
		                   o->d.quiet, &people, &dres))
			goto cleanup;
	}
	if ((rc = shuan_xborder_ledger_counts(store, &t, people, &counts, err, sizeof(err))) != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	if (!(res = shuan_malloc(sizeof(*res)))) {
		fprintf(stderr, "shuan %s: out of memory\n", cmd);
		goto cleanup;
	}
	rc = shuan_xborder_assess(dr, &org, &t, &counts, &as_of, res, err, sizeof(err));
	if (rc != 0 && rc != SHUAN_ENOTFOUND) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	if (o->d.ndata && dres.records_without_identifier && res->nnotes < SHUAN_XBORDER_MAX_NOTES)
		snprintf(res->notes[res->nnotes++], sizeof(res->notes[0]),
		         "%llu records of the data hold personal information but no identifier (names, "
		         "addresses...): "
		         "they are not in the counts; check them by hand.",
		         (unsigned long long)dres.records_without_identifier);
	if (record && rc == 0) {
		int64_t id;
		if (shuan_xborder_ledger_record(store, &org, &t, people, res, &id, err, sizeof(err)) != 0) {
			fprintf(stderr, "shuan %s: %s\n", cmd, err);
			goto cleanup;
		}
		if (res->nnotes < SHUAN_XBORDER_MAX_NOTES)
			snprintf(res->notes[res->nnotes++], sizeof(res->notes[0]),
			         "Recorded in the ledger as transfer #%lld.", (long long)id);
	}
	if (shuan_xborder_write(stdout, res, &org, &t, fmt, cli_duty_color(o->d.color, stdout, fmt)) != 0 ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "shuan %s: writing the output failed\n", cmd);
		goto cleanup;
	}
	if (rc == SHUAN_ENOTFOUND) {
		fprintf(stderr, "shuan %s: %s%s\n", cmd, err,
		        record ? " (the transfer was not recorded)" : "");
		goto cleanup;
	}
	exit_code = res->pathway == SHUAN_XBORDER_ASSESSMENT          ? EXIT_ASSESSMENT
	            : res->pathway == SHUAN_XBORDER_STANDARD_CONTRACT ? EXIT_CONTRACT
	                                                              : CLI_EXIT_OK;
cleanup:
	shuan_free(res);
	shuan_people_free(people);
	shuan_transfer_free(&t);
	shuan_org_free(&org);
	shuan_store_free(store);
	shuan_duty_rules_free(dr);
	return exit_code;
}

static int ledger(xopts *o)
{
	const char *cmd = "xborder ledger";
	shuan_duty_rules *dr = NULL;
	shuan_store *store = NULL;
	shuan_xborder_ledger l = {0};
	shuan_duty_format fmt;
	shuan_time as_of;
	char err[1024];
	int exit_code = CLI_EXIT_ERROR, year;

	if (cli_duty_format(cmd, o->d.format, &fmt) || cli_duty_as_of(cmd, o->d.as_of, &as_of) ||
	    cli_duty_rules(cmd, o->d.rules, &dr))
		goto cleanup;
	year = shuan_time_date(&as_of, SHUAN_CHINA_OFFSET_MIN).year;
	if (o->year) {
		char *end;
		long y = strtol(o->year, &end, 10);
		if (*end || y < 1900 || y > 9999) {
			fprintf(stderr, "shuan %s: --year takes a year such as 2025\n", cmd);
			goto cleanup;
		}
		year = (int)y;
	}
	if (o->d.no_store) {
		fprintf(stderr, "shuan %s: --no-store: the ledger lives in the store\n", cmd);
		goto cleanup;
	}
	if (cli_duty_store(cmd, o->d.store, false, false, &store))
		goto cleanup;
	if (store && shuan_xborder_ledger_read(store, year, &l, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	l.year = year;
	l.totals.year = year;
	if (!store)
		l.totals.exact = true;
	if (shuan_xborder_ledger_write(stdout, &l, dr, fmt) != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "shuan %s: writing the output failed\n", cmd);
		goto cleanup;
	}
	exit_code = CLI_EXIT_OK;
cleanup:
	shuan_xborder_ledger_free(&l);
	shuan_store_free(store);
	shuan_duty_rules_free(dr);
	return exit_code;
}

int cmd_xborder(int argc, char **argv)
{
	xopts o = {0};
	int rc;
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		cli_help_print(sub ? stdout : stderr, &xborder_help);
		return sub ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	if (strcmp(sub, "assess") && strcmp(sub, "record") && strcmp(sub, "ledger")) {
		fprintf(stderr, "shuan xborder: unknown subcommand '%s' (assess, record, ledger)\n", sub);
		return CLI_EXIT_ERROR;
	}
	cli_duty_opts_init(&o.d);
	rc = parse(argc - 1, argv + 1, &o);
	if (rc == -1) {
		cli_duty_opts_clear(&o.d);
		return CLI_EXIT_OK;
	}
	if (rc == 0) {
		if (!strcmp(sub, "ledger")) {
			if (o.d.ndata || o.org || o.transfer) {
				fprintf(stderr,
				        "shuan xborder ledger: takes no --org, --transfer or data sources\n");
				rc = CLI_EXIT_ERROR;
			} else {
				rc = ledger(&o);
			}
		} else {
			rc = assess(&o, !strcmp(sub, "record"));
		}
	}
	cli_duty_opts_clear(&o.d);
	return rc;
}
