/*
 * cli/cmd_detectors.c - `shuan detectors`: the detectors with their labels,
 * PI categories and the regulation catalogue entries they cite.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "util/json.h"
#include "shuan/regs.h"
#include "shuan/rules.h"

enum { OPT_FORMAT = 'f', OPT_HELP = 'h', OPT_RULES = 256 };

static const cli_option det_options[] = {
	{"format", 'f', required_argument, "FMT", "text or json (default: text)", OPT_FORMAT},
	{"rules", 0, required_argument, "DIR", "rules directory (default: $SHUAN_RULES or the installed rules)", OPT_RULES},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};

static const cli_help det_help = {
	"usage: shuan detectors [options]\n列出全部检测器、个人信息类别及其依据的标准与法规\n\n"
	"Lists the detectors, their PI categories and the rules they cite.\n\noptions:\n",
	det_options, CLI_NOPTS(det_options), NULL,
};

/* The catalogue, for citation titles; NULL when it cannot be loaded (the
 * listing still works, with ids only). */
static shuan_regs *g_regs;

static const char *title_of(const char *id)
{
	return g_regs ? shuan_regs_title(g_regs, id) : NULL;
}

int cmd_detectors(int argc, char **argv)
{
	const char *format = "text", *rules_opt = NULL;
	char shortopts[32], errbuf[1024];
	shuan_rules *rules = NULL;
	int c;

	const struct option *longopts = cli_options_build(det_options, CLI_NOPTS(det_options), shortopts, sizeof(shortopts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case OPT_RULES: rules_opt = optarg; break;
		case OPT_HELP:
			cli_help_print(stdout, &det_help);
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_ERROR;
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		fprintf(stderr, "shuan detectors: --format takes text or json\n");
		return CLI_EXIT_ERROR;
	}
	const char *dir = cli_rules_dir(rules_opt);
	if (cli_rules_load(&rules, rules_opt, NULL, false, false, NULL, NULL, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "shuan detectors: cannot load rules: %s\n", errbuf);
		return CLI_EXIT_ERROR;
	}
	char regs_err[512];
	if (shuan_regs_open(&g_regs, dir, regs_err, sizeof(regs_err)) != 0) {
		fprintf(stderr, "shuan detectors: regulation catalogue unavailable (%s); showing ids only\n", regs_err);
		g_regs = NULL;
	}
	bool json = !strcmp(format, "json");
	if (json)
		fputc('[', stdout);
	for (size_t i = 0; i < shuan_rules_count(rules); i++) {
		const shuan_detector_info *d = shuan_rules_detector(rules, i);
		if (json) {
			printf("%s{\"id\":", i ? ",\n" : "\n");
			shuan_json_cstring(stdout, d->id);
			printf(",\"rev\":%d,\"label\":", d->rev);
			shuan_json_cstring(stdout, d->label_zh);
			fputs(",\"label_en\":", stdout);
			shuan_json_cstring(stdout, d->label_en);
			fputs(",\"pi_category\":", stdout);
			shuan_json_cstring(stdout, d->pi_category);
			printf(",\"sensitive\":%s,\"spi_category\":", d->sensitive ? "true" : "false");
			shuan_json_cstring(stdout, d->sensitive ? d->spi_category : NULL);
			fputs(",\"validator\":", stdout);
			shuan_json_cstring(stdout, d->validator);
			fputs(",\"source\":", stdout);
			shuan_json_cstring(stdout, d->source);
			fputs(",\"cites\":[", stdout);
			for (size_t k = 0; k < d->n_cites; k++) {
				fputs(k ? ",{\"id\":" : "{\"id\":", stdout);
				shuan_json_cstring(stdout, d->cites[k]);
				fputs(",\"title\":", stdout);
				shuan_json_cstring(stdout, title_of(d->cites[k]));
				fputc('}', stdout);
			}
			fputs("]}", stdout);
			continue;
		}
		printf("%-22s %s / %s\n", d->id, d->label_zh, d->label_en);
		printf("  PI category 个人信息类别: %s%s%s\n", d->pi_category, d->sensitive ? "  sensitive 敏感: " : "",
		       d->sensitive ? d->spi_category : "");
		if (d->source)
			printf("  basis 依据: %s\n", d->source);
		for (size_t k = 0; k < d->n_cites; k++) {
			const char *t = title_of(d->cites[k]);
			printf("  cites 引用: %s%s%s\n", d->cites[k], t ? "  " : "", t ? t : "");
		}
	}
	if (json)
		fputs("\n]\n", stdout);
	shuan_rules_free(rules);
	shuan_regs_free(g_regs);
	g_regs = NULL;
	return CLI_EXIT_OK;
}
