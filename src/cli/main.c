/*
 * cli/main.c - the `shuan` command: dispatches to a subcommand. Kept thin:
 * every subcommand is a client of libshuan's public API.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "shuan/common.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{"scan", cmd_scan, "find personal and sensitive personal information in files"},
	{"detectors", cmd_detectors, "list the detectors and the rules they cite"},
	{"regs", cmd_regs, "search and maintain the regulation catalogue"},
	{"rules", cmd_rules, "compile the detectors' patterns into the cache ahead of scans"},
};

static void usage(FILE *f)
{
	fprintf(f, "shuan %s - data-security compliance, offline (数安)\n\n"
		   "usage: shuan <command> [options]\n\ncommands:\n",
		shuan_version());
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'shuan <command> --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("shuan %s\n", shuan_version());
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "shuan: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_EXIT_ERROR;
}
