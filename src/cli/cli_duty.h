/*
 * cli/cli_duty.h - helpers shared by `shuan xborder`, `shuan incident` and
 * `shuan duties` (cli_duty.c). Each prints its own error and returns
 * CLI_EXIT_ERROR, or 0.
 */
#ifndef SHUAN_CLI_DUTY_H
#define SHUAN_CLI_DUTY_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/db_cli.h"
#include "cli/options.h"
#include "shuan/db.h"
#include "shuan/duty.h"
#include "shuan/store.h"

struct shuan_people;

/* Option ids the duty commands share (their own ids stay below 900). */
enum {
	CLI_DUTY_FORMAT = 'f',
	CLI_DUTY_JOBS = 'j',
	CLI_DUTY_QUIET = 'q',
	CLI_DUTY_AS_OF = 920,
	CLI_DUTY_STORE,
	CLI_DUTY_NO_STORE,
	CLI_DUTY_RULES,
	CLI_DUTY_COLOR,
	CLI_DUTY_DATA,
};

/* Rows every duty command shows the same way. */
#define CLI_DUTY_COMMON_ROWS                                                                                   \
	{"as-of", 0, required_argument, "DATETIME",                                                              \
	 "judge as of this time, e.g. 2025-06-30 or 2025-06-30T18:00+08:00 (default: now)", CLI_DUTY_AS_OF},       \
	    {"rules", 0, required_argument, "DIR",                                                               \
	     "rules directory (default: $SHUAN_RULES or the installed rules)", CLI_DUTY_RULES},                    \
	    {"color", 0, required_argument, "WHEN", "auto, always or never (text format)", CLI_DUTY_COLOR}

/* The rows of --data and how its sources are read (after a command's own
 * --data row, whose help says what the people are). */
#define CLI_DUTY_DATA_ROWS                                                                                     \
	CLI_DB_READ_OPTION_ROWS,                                                                                 \
	    {"jobs", 'j', required_argument, "N", "scan --data with N threads (default: 1)", CLI_DUTY_JOBS},       \
	    {"quiet", 'q', no_argument, NULL, "no summary of the --data scan on stderr", CLI_DUTY_QUIET}

/* What the shared options set. */
typedef struct cli_duty_opts {
	const char *as_of, *format, *store, *rules, *color;
	bool no_store, quiet;
	const char **data; /* --data sources and further arguments; free() */
	size_t ndata;
	int jobs;
	cli_db db;
} cli_duty_opts;

void cli_duty_opts_init(cli_duty_opts *o);
/* Handles shared option `id`: 1 handled, 0 not a shared option, -1 after
 * printing an error (prefixed with cmd). */
int cli_duty_option(cli_duty_opts *o, int id, const char *arg, const char *cmd);
/* Frees the data list and wipes the database password. */
void cli_duty_opts_clear(cli_duty_opts *o);

/* --as-of DATETIME (a date alone is 00:00 China time); now when s is NULL. */
int cli_duty_as_of(const char *cmd, const char *s, shuan_time *out);
/* --format text|json|md (text when s is NULL). */
int cli_duty_format(const char *cmd, const char *s, shuan_duty_format *out);
/* --color auto|always|never: colour for text on a terminal without NO_COLOR. */
bool cli_duty_color(const char *when, FILE *f, shuan_duty_format fmt);
/* Loads the duty rules from --rules, $SHUAN_RULES or the installed rules. */
int cli_duty_rules(const char *cmd, const char *rules_opt, shuan_duty_rules **out);
/* Opens the store (--store, else the default). Without `create`, a missing
 * default store is no error: *out stays NULL. --no-store: NULL. */
int cli_duty_store(const char *cmd, const char *store_opt, bool no_store, bool create, shuan_store **out);
/* Counts the people in --data sources (files, directories, archives, and
 * database URLs, whose tables are read in full with `db`, NULL = defaults)
 * with the store's fingerprint key (a throwaway key without a store);
 * prints a one-line summary unless quiet. */
int cli_duty_count(const char *cmd, const shuan_duty_rules *dr, const char *rules_opt,
                   const char *const *paths, size_t n, const shuan_db_options *db, shuan_store *store,
                   int jobs, bool quiet, struct shuan_people **out, shuan_duty_data_result *res);
/* Creates an output file (mode 0600). */
int cli_duty_write_file(const char *cmd, const char *path, FILE **out);

#endif
