/*
 * cli/options.h - options are declared once, as data: the same table builds
 * the getopt_long array and the --help text (style guide 12), which
 * cli_help_print writes for every command.
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

/* The number of rows of an option table (an array, not a pointer). */
#define CLI_NOPTS(table) (sizeof(table) / sizeof((table)[0]))

/* A command's --help as data, so every command prints it the same way:
 * head (the usage lines and the description, ending in "options:\n"), the
 * lines of the option table, then tail (exit status, examples; NULL: none). */
typedef struct cli_help {
	const char *head;
	const cli_option *opts;
	size_t nopts;
	const char *tail;
} cli_help;

/* Prints h to out: head, the option lines, tail. */
void cli_help_print(FILE *out, const cli_help *h);

#endif
