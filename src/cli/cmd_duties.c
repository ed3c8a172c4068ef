/*
 * cli/cmd_duties.c - `shuan duties`: the periodic obligations of the
 * organisation with their due dates, recurrence and citations, from the
 * profile, the latest inventory and the store (ledger, incidents); --ics
 * writes them as an iCalendar file for calendar programs.
 *
 * Exit: 0 ok, 1 a duty is overdue, 2 error (bad input, a missing calendar
 * year, the store).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_duty.h"
#include "cli/options.h"
#include "shuan/duties.h"

enum { O_HELP = 'h', O_ORG = 256, O_ICS };

static const cli_option duties_options[] = {
    {"org", 0, required_argument, "ORG.yaml", "the organisation profile (required)", O_ORG},
    {"ics", 0, required_argument, "FILE", "also write the dated duties as an iCalendar file (RFC 5545)",
     O_ICS},
    {"format", 'f', required_argument, "FMT", "text, json or md (default: text)", CLI_DUTY_FORMAT},
    {"store", 0, required_argument, "DIR",
     "store with the ledger and incidents (default: $SHUAN_STORE or ~/.local/share/shuan)", CLI_DUTY_STORE},
    {"no-store", 0, no_argument, NULL, "ignore the store (no ledger, incidents or inventory)",
     CLI_DUTY_NO_STORE},
    CLI_DUTY_COMMON_ROWS,
    {"help", 'h', no_argument, NULL, "show this help", O_HELP},
};

static const cli_help duties_help = {
    "usage: shuan duties --org ORG.yaml [--ics FILE] [options]\n\n"
    "Lists the periodic obligations from rules/duty/duties.yaml that apply to the organisation: "
    "the PI\n"
    "protection compliance audit (every two years above 10,000,000 people), important-data "
    "processors'\n"
    "annual risk assessment (网络数据安全管理条例 Art. 33), records of provision kept 3 years "
    "(Art. 12),\n"
    "the large-platform annual PI report (Art. 44), CII commercial-cryptography assessments (a "
    "draft\n"
    "rule, labelled [UNVERIFIED]), export-assessment expiries and extension windows (Provisions "
    "Art. 9)\n"
    "and summary reports of stored incidents - each with its due date, recurrence and citation.\n"
    "People counts and important data come from the profile (else the latest inventory in the "
    "store);\n"
    "a fact that is not known makes a duty UNKNOWN rather than absent.\n\n"
    "options:\n",
    duties_options,
    CLI_NOPTS(duties_options),
    "\nexit status: 0 ok, 1 a duty is overdue, 2 usage or runtime error (bad input, a missing\n"
    "calendar year, the store).\n"
    "example: shuan duties --org org.yaml --ics duties.ics\n",
};

int cmd_duties(int argc, char **argv)
{
	const char *org_path = NULL, *ics = NULL;
	bool overdue = false;
	cli_duty_opts d;
	shuan_duty_rules *dr = NULL;
	shuan_store *store = NULL;
	shuan_org org = {0};
	shuan_duties_result res = {0};
	shuan_duty_format fmt;
	shuan_time as_of;
	char err[1024], shortopts[64];
	int exit_code = CLI_EXIT_ERROR, rc, c;
	const struct option *lo =
	    cli_options_build(duties_options, CLI_NOPTS(duties_options), shortopts, sizeof(shortopts));

	cli_duty_opts_init(&d);
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		switch (c) {
		case O_ORG:
			org_path = optarg;
			break;
		case O_ICS:
			ics = optarg;
			break;
		case O_HELP:
			cli_help_print(stdout, &duties_help);
			return CLI_EXIT_OK;
		default:
			/* --data, --jobs and the database rows are not in this table */
			if (cli_duty_option(&d, c, optarg, "duties") == 1)
				break;
			cli_help_print(stderr, &duties_help);
			return CLI_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "shuan duties: unexpected argument '%s'\n", argv[optind]);
		return CLI_EXIT_ERROR;
	}
	if (!org_path) {
		fprintf(stderr, "shuan duties: --org ORG.yaml is required\n");
		cli_help_print(stderr, &duties_help);
		return CLI_EXIT_ERROR;
	}
	if (cli_duty_format("duties", d.format, &fmt) || cli_duty_as_of("duties", d.as_of, &as_of) ||
	    cli_duty_rules("duties", d.rules, &dr) ||
	    cli_duty_store("duties", d.store, d.no_store, false, &store))
		goto cleanup;
	if (shuan_org_load(&org, org_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan duties: %s\n", err);
		goto cleanup;
	}
	{
		shuan_duties_inventory inv;
		bool have_inv = store && shuan_duties_inventory_latest(store, &inv) == 0;
		rc = shuan_duties_compute(dr, &org, have_inv ? &inv : NULL, store, &as_of, &res, err,
		                          sizeof(err));
	}
	if (rc != 0 && rc != SHUAN_ENOTFOUND) {
		fprintf(stderr, "shuan duties: %s\n", err);
		goto cleanup;
	}
	if (shuan_duties_write(stdout, &res, fmt, cli_duty_color(d.color, stdout, fmt)) != 0 ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "shuan duties: writing the output failed\n");
		goto cleanup;
	}
	if (ics) {
		FILE *f;
		if (cli_duty_write_file("duties", ics, &f))
			goto cleanup;
		if (shuan_duties_write_ics(f, &res) != 0 || fclose(f) != 0) {
			fprintf(stderr, "shuan duties: writing %s failed\n", ics);
			goto cleanup;
		}
	}
	if (rc == SHUAN_ENOTFOUND) {
		fprintf(stderr, "shuan duties: %s\n", err);
		goto cleanup;
	}
	for (size_t i = 0; i < res.nitems; i++)
		overdue = overdue || res.items[i].status == SHUAN_DUTY_OVERDUE;
	exit_code = overdue ? CLI_EXIT_FOUND : CLI_EXIT_OK;
cleanup:
	shuan_duties_result_free(&res);
	shuan_org_free(&org);
	shuan_store_free(store);
	shuan_duty_rules_free(dr);
	return exit_code;
}
