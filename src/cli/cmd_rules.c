/*
 * cli/cmd_rules.c - `shuan rules compile`: compiles the detectors' patterns
 * into the compiled-patterns cache ahead of time, so that scans start
 * without compiling (an installation whose users cannot write a cache, a
 * container image, a CI runner's warm-up step).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "shuan/rules.h"

enum { OPT_HELP = 'h', OPT_RULES = 256, OPT_CACHE, OPT_DETECTORS, OPT_EXCLUDE_DETECTORS };

static const cli_option compile_options[] = {
	{"cache", 0, required_argument, "DIR", "cache directory (default: $SHUAN_CACHE_DIR, else $XDG_CACHE_HOME/shuan, else ~/.cache/shuan)", OPT_CACHE},
	{"rules", 0, required_argument, "DIR", "rules directory (default: $SHUAN_RULES or the installed rules)", OPT_RULES},
	{"detectors", 0, required_argument, "IDS", "only these detectors, as 'shuan scan --detectors IDS' will ask", OPT_DETECTORS},
	{"exclude-detectors", 0, required_argument, "IDS", "all detectors but these", OPT_EXCLUDE_DETECTORS},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};

static const cli_help rules_help = {
	"usage: shuan rules compile [options]\n\n"
	"Compiles the detectors' patterns once and writes them to the compiled-patterns\n"
	"cache, where 'shuan scan' finds them instead of compiling at every start. The\n"
	"cache is keyed by the rule files, the patterns, the shuan and Vectorscan versions\n"
	"and the CPU; a scan whose rules or machine differ compiles again. Pre-build it for\n"
	"a read-only installation and point scans at it with SHUAN_CACHE_DIR or --cache.\n\n"
	"options:\n",
	compile_options, CLI_NOPTS(compile_options),
	"\nexit status: 0 the cache holds the compiled patterns, 2 usage error, rules that\n"
	"do not load, or a cache directory that cannot be written.\n",
};

static int cmd_rules_compile(int argc, char **argv)
{
	const char *rules_opt = NULL, *cache_opt = NULL;
	const char **only = NULL, **exclude = NULL;
	char shortopts[32], errbuf[1024], cache_dir[4096];
	shuan_rules_options ro = SHUAN_RULES_OPTIONS_INIT;
	shuan_rules *rules = NULL;
	shuan_rules_cache_info ci;
	int c, exit_code = CLI_EXIT_ERROR;

	const struct option *longopts =
		cli_options_build(compile_options, CLI_NOPTS(compile_options), shortopts, sizeof(shortopts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CACHE: cache_opt = optarg; break;
		case OPT_RULES: rules_opt = optarg; break;
		case OPT_DETECTORS: free(only); only = cli_split_ids(optarg); break;
		case OPT_EXCLUDE_DETECTORS: free(exclude); exclude = cli_split_ids(optarg); break;
		case OPT_HELP:
			cli_help_print(stdout, &rules_help);
			exit_code = CLI_EXIT_OK;
			goto cleanup;
		default:
			cli_help_print(stderr, &rules_help);
			goto cleanup;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "shuan rules compile: unexpected argument '%s'\n", argv[optind]);
		goto cleanup;
	}
	if (cli_cache_dir(cache_opt, false, cache_dir, sizeof(cache_dir)) == NULL) {
		fprintf(stderr, "shuan rules compile: no cache directory: pass --cache DIR or set SHUAN_CACHE_DIR, "
				"XDG_CACHE_HOME or HOME\n");
		goto cleanup;
	}
	ro.only = only;
	ro.exclude = exclude;
	ro.cache_dir = cache_dir;
	if (shuan_rules_load(&rules, cli_rules_dir(rules_opt), &ro, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "shuan rules compile: cannot load rules: %s\n", errbuf);
		goto cleanup;
	}
	shuan_rules_cache_get(rules, &ci);
	if (ci.note[0])
		fprintf(stderr, "shuan rules compile: %s\n", ci.note);
	switch (ci.state) {
	case SHUAN_RULES_CACHE_HIT:
		printf("up to date: %s (%zu detectors)\n", ci.path, shuan_rules_count(rules));
		exit_code = CLI_EXIT_OK;
		break;
	case SHUAN_RULES_CACHE_STORED:
		printf("compiled: %s (%zu detectors)\n", ci.path, shuan_rules_count(rules));
		exit_code = CLI_EXIT_OK;
		break;
	default:
		fprintf(stderr, "shuan rules compile: the cache in %s was not written\n", cache_dir);
		break;
	}
cleanup:
	shuan_rules_free(rules);
	free(only);
	free(exclude);
	return exit_code;
}

int cmd_rules(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "compile"))
		return cmd_rules_compile(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
		cli_help_print(stdout, &rules_help);
		return CLI_EXIT_OK;
	}
	if (argc >= 2)
		fprintf(stderr, "shuan rules: unknown subcommand '%s'\n", argv[1]);
	cli_help_print(stderr, &rules_help);
	return CLI_EXIT_ERROR;
}
