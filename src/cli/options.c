/*
 * cli/options.c - getopt_long tables and --help from one option table.
 */
#include <stdio.h>
#include <string.h>

#include "cli/options.h"

const struct option *cli_options_build(const cli_option *opts, size_t n, char *shortopts, size_t cap)
{
	static struct option longopts[65];
	size_t k = 0, s = 0;
	for (size_t i = 0; i < n && i < 64; i++) {
		longopts[k].name = opts[i].name;
		longopts[k].has_arg = opts[i].has_arg;
		longopts[k].flag = NULL;
		longopts[k].val = opts[i].id;
		k++;
		if (opts[i].short_name && s + 3 < cap) {
			shortopts[s++] = (char)opts[i].short_name;
			if (opts[i].has_arg == required_argument)
				shortopts[s++] = ':';
		}
	}
	memset(&longopts[k], 0, sizeof(longopts[k]));
	shortopts[s] = '\0';
	return longopts;
}

void cli_options_help(FILE *out, const cli_option *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char left[64];
		if (opts[i].short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", opts[i].short_name, opts[i].name,
				 opts[i].metavar ? " " : "", opts[i].metavar ? opts[i].metavar : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", opts[i].name, opts[i].metavar ? " " : "",
				 opts[i].metavar ? opts[i].metavar : "");
		fprintf(out, "  %-30s %s\n", left, opts[i].help);
	}
}

void cli_help_print(FILE *out, const cli_help *h)
{
	fputs(h->head, out);
	cli_options_help(out, h->opts, h->nopts);
	if (h->tail)
		fputs(h->tail, out);
}
