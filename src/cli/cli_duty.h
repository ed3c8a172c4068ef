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
#include "shuan/db.h"
#include "shuan/duty.h"
#include "shuan/store.h"

struct shuan_people;

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
