/*
 * cli/options.h - options are declared once, as data: the same table builds
 * the getopt_long array and the --help text (style guide 12).
 */
#ifndef SHUAN_CLI_OPTIONS_H
#define SHUAN_CLI_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

typedef struct cli_option {
	const char *name;    /* long name without dashes */
	int short_name;      /* 0 = none */
	int has_arg;         /* no_argument / required_argument */
	const char *metavar; /* e.g. "FILE" */
	const char *help;    /* one line; may hold a "(default: …)" */
	int id;              /* returned by getopt_long */
} cli_option;

/* Builds a getopt_long table and short-option string from opts[0..n). The
 * returned array is static storage sized for 64 options. */
const struct option *cli_options_build(const cli_option *opts, size_t n, char *shortopts, size_t cap);

/* Prints "  -x, --name METAVAR   help" lines. */
void cli_options_help(FILE *out, const cli_option *opts, size_t n);

#endif
