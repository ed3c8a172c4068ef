/*
 * cli/cli.h - the subcommands of the `shuan` command. Each lives in its own
 * cmd_*.c file, parses its own options and returns the process exit code
 * (0 ok/nothing found, 1 findings at or above the threshold, 2 usage or
 * runtime error).
 */
#ifndef SHUAN_CLI_H
#define SHUAN_CLI_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#include "shuan/rules.h"
#include "shuan/scanner.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FOUND 1
#define CLI_EXIT_ERROR 2

int cmd_scan(int argc, char **argv);
int cmd_detectors(int argc, char **argv);
int cmd_regs(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_mask(int argc, char **argv);
int cmd_unmask(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_risk(int argc, char **argv);
int cmd_scans(int argc, char **argv);
int cmd_xborder(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_duties(int argc, char **argv);
int cmd_rules(int argc, char **argv);

/* Resolves the store directory: explicit (from --store) if non-NULL, else the
 * library default. Returns 0 or prints an error and returns CLI_EXIT_ERROR. */
int cli_store_dir(const char *explicit_dir, char *buf, size_t len);

/* Resolves the rules directory: explicit if non-NULL, else $SHUAN_RULES, else
 * the installed copy, else the source tree. */
const char *cli_rules_dir(const char *explicit_dir);

/* "500M", "2G", "4096" -> bytes. Returns 0 or -1. */
int cli_parse_size(const char *s, uint64_t *out);

/* "YYYY-MM-DD". Returns 0 or -1. */
int cli_parse_date(const char *s, int *y, int *m, int *d);

/* auto, text, csv, tsv, json or jsonl. Returns 0 or -1. */
int cli_parse_format(const char *s, shuan_format *f);

/* "a,b,c" -> a NULL-terminated array pointing into s (which it modifies);
 * free() the array. NULL when out of memory. */
const char **cli_split_ids(char *s);

/* A --jobs value from 1 to 256. Returns 0 or -1. */
int cli_parse_jobs(const char *s, long *out);
/* Appends s to a growable argument list *v of *n (release with free());
 * -1 when out of memory. */
int cli_push_arg(const char ***v, size_t *n, const char *s);

/* Resolves the compiled-patterns cache directory: NULL when disabled
 * (--no-cache) or when no default exists; else explicit (from --cache) if
 * non-NULL, else the library default, written into buf. */
const char *cli_cache_dir(const char *explicit_dir, bool disabled, char *buf, size_t len);

/* Loads the detectors of the rules directory (--rules, see cli_rules_dir)
 * for a command that scans, through the compiled-patterns cache that
 * `shuan rules compile` and `shuan scan` share, so start-up reads the
 * compiled patterns instead of compiling them: cache_opt (--cache) or the
 * default directory, none when no_cache; read but never written when
 * read_only (a command told to write nothing). only / exclude: detector
 * ids (NULL: all). Returns 0 or the error code with err set. */
int cli_rules_load(shuan_rules **out, const char *rules_opt, const char *cache_opt, bool no_cache, bool read_only,
                   const char *const *only, const char *const *exclude, char *err, size_t errlen);

#endif
