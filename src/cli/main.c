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
	{"scan", cmd_scan, "find personal and sensitive personal information in files and databases (扫描个人信息)"},
	{"scans", cmd_scans, "list past scans from the store and compare two (历次扫描)"},
	{"detectors", cmd_detectors, "list the detectors and the rules they cite (检测器及其依据)"},
	{"regs", cmd_regs, "search and maintain the regulation catalogue (法规目录)"},
	{"inventory", cmd_inventory, "the data classification and grading inventory of files and databases (数据分类分级清单)"},
	{"mask", cmd_mask, "de-identify a file: redact, generalise, pseudonymise, encrypt (SM4), surrogates (去标识化)"},
	{"unmask", cmd_unmask, "decrypt the values shuan mask encrypted, with the key (还原加密值)"},
	{"keygen", cmd_keygen, "make a de-identification key file, mode 0600 (生成密钥)"},
	{"risk", cmd_risk, "re-identification risk of a table: k, l-diversity, ARX's risks; --suggest a policy (重识别风险)"},
	{"xborder", cmd_xborder, "cross-border transfers: pathway (exempt, contract, assessment) and ledger (数据出境)"},
	{"incident", cmd_incident, "data security incidents: grading, deadlines, timeline, reports (安全事件)"},
	{"duties", cmd_duties, "periodic obligations with due dates and an iCalendar export (定期义务)"},
	{"rules", cmd_rules, "compile the detectors' patterns into the cache ahead of scans (预编译规则)"},
};

static void usage(FILE *f)
{
	fprintf(f, "shuan %s - data-security compliance, offline (数安)\n\n"
		   "usage: shuan <command> [options]\n\ncommands:\n",
		shuan_version());
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'shuan <command> --help' for the options of a command.\n"
		   "运行 'shuan <命令> --help' 查看各命令的选项。\n");
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
