/*
 * cli/db_cli.h - the database options `shuan scan`, `shuan inventory`,
 * `shuan mask` and `shuan risk` share: one block of option rows, one handler, the password file and the
 * no-echo prompt.
 */
#ifndef SHUAN_CLI_DB_CLI_H
#define SHUAN_CLI_DB_CLI_H

#include <stdbool.h>

#include "cli/options.h"
#include "shuan/db.h"

/* Option ids of the block (commands keep their own ids below 900). */
enum { CLI_DB_SAMPLE = 900, CLI_DB_FULL, CLI_DB_PASSWORD_FILE, CLI_DB_MAX_CELL, CLI_DB_TIMEOUT };

/* The rows to put in a command's option table. */
#define CLI_DB_OPTION_ROWS                                                                                      \
	{"sample", 0, required_argument, "N", "database tables: read N rows per table, sampled (default: 1000)",  \
	 CLI_DB_SAMPLE},                                                                                          \
	{"full", 0, no_argument, NULL, "database tables: read every row, streamed (exact people counts)",          \
	 CLI_DB_FULL},                                                                                            \
	CLI_DB_READ_OPTION_ROWS

/* How to reach and read a database, for commands that always read every row
 * (mask, risk, the duty engines' --data): no --sample/--full. */
#define CLI_DB_READ_OPTION_ROWS                                                                                 \
	{"password-file", 0, required_argument, "FILE",                                                           \
	 "database password from the first line of FILE (else PGPASSWORD/~/.pgpass, MYSQL_PWD, or a prompt)",    \
	 CLI_DB_PASSWORD_FILE},                                                                                   \
	{"max-cell", 0, required_argument, "SIZE", "read a database cell up to SIZE bytes (default: 1M)",          \
	 CLI_DB_MAX_CELL},                                                                                        \
	{"statement-timeout", 0, required_argument, "SECONDS",                                                    \
	 "database statement timeout (default: none when every row is read, else 30)", CLI_DB_TIMEOUT}

typedef struct cli_db {
	shuan_db_options opt;
	char password[256]; /* from --password-file; wiped by cli_db_clear */
} cli_db;

void cli_db_init(cli_db *d);
/* Handles option `id` with its argument. Returns 1 when it was a database
 * option, 0 when not, -1 after printing an error (prefixed with cmd). */
int cli_db_option(cli_db *d, int id, const char *arg, const char *cmd);
/* Wipes the password. */
void cli_db_clear(cli_db *d);

#endif
