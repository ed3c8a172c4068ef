/*
 * cli/cli_duty.c - what the three duty commands (xborder, incident, duties)
 * share: --as-of, --format and --color, loading the duty rules, opening the
 * store, and counting people in --data sources.
 */
#include <errno.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_duty.h"
#include "shuan/db.h"
#include "shuan/inventory.h"
#include "shuan/people.h"
#include "shuan/rules.h"
#include "util/text.h"

static atomic_int g_cancel;

static void on_sigint(int sig)
{
	(void)sig;
	atomic_store(&g_cancel, 1);
}

void cli_duty_opts_init(cli_duty_opts *o)
{
	memset(o, 0, sizeof(*o));
	cli_db_init(&o->db);
}

void cli_duty_opts_clear(cli_duty_opts *o)
{
	free(o->data);
	o->data = NULL;
	o->ndata = 0;
	cli_db_clear(&o->db);
}

int cli_duty_option(cli_duty_opts *o, int id, const char *arg, const char *cmd)
{
	long v;
	switch (id) {
	case CLI_DUTY_AS_OF:
		o->as_of = arg;
		return 1;
	case CLI_DUTY_FORMAT:
		o->format = arg;
		return 1;
	case CLI_DUTY_STORE:
		o->store = arg;
		return 1;
	case CLI_DUTY_NO_STORE:
		o->no_store = true;
		return 1;
	case CLI_DUTY_RULES:
		o->rules = arg;
		return 1;
	case CLI_DUTY_COLOR:
		o->color = arg;
		return 1;
	case CLI_DUTY_QUIET:
		o->quiet = true;
		return 1;
	case CLI_DUTY_DATA:
		if (cli_push_arg(&o->data, &o->ndata, arg) == 0)
			return 1;
		fprintf(stderr, "shuan %s: out of memory\n", cmd);
		return -1;
	case CLI_DUTY_JOBS:
		if (cli_parse_jobs(arg, &v) == 0) {
			o->jobs = (int)v;
			return 1;
		}
		fprintf(stderr, "shuan %s: --jobs takes a number from 1 to 256\n", cmd);
		return -1;
	default:
		return cli_db_option(&o->db, id, arg, cmd);
	}
}

int cli_duty_as_of(const char *cmd, const char *s, shuan_time *out)
{
	char err[256];
	if (!s) {
		*out = shuan_time_now();
		return 0;
	}
	if (shuan_time_parse(s, true, "--as-of", out, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		return CLI_EXIT_ERROR;
	}
	return 0;
}

int cli_duty_format(const char *cmd, const char *s, shuan_duty_format *out)
{
	if (!s) {
		*out = SHUAN_DUTY_TEXT;
		return 0;
	}
	if (shuan_duty_format_parse(s, out) != 0) {
		fprintf(stderr, "shuan %s: unknown --format '%s' (text, json or md)\n", cmd, s);
		return CLI_EXIT_ERROR;
	}
	return 0;
}

bool cli_duty_color(const char *when, FILE *f, shuan_duty_format fmt)
{
	if (fmt != SHUAN_DUTY_TEXT)
		return false;
	if (when && !strcmp(when, "always"))
		return true;
	if (when && !strcmp(when, "never"))
		return false;
	return isatty(fileno(f)) && !getenv("NO_COLOR");
}

int cli_duty_rules(const char *cmd, const char *rules_opt, shuan_duty_rules **out)
{
	char err[1024];
	int rc = shuan_duty_rules_load(out, cli_rules_dir(rules_opt), err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "shuan %s: cannot load the duty rules: %s\n", cmd,
		        err[0] ? err : shuan_strerror(rc));
		return CLI_EXIT_ERROR;
	}
	return 0;
}

int cli_duty_store(const char *cmd, const char *store_opt, bool no_store, bool create, shuan_store **out)
{
	char dir[4096], db[4200], err[1024];
	struct stat st;
	*out = NULL;
	if (no_store)
		return 0;
	if (cli_store_dir(store_opt, dir, sizeof(dir)) != 0)
		return CLI_EXIT_ERROR;
	/* a command that only reads uses the default store if it exists, and never creates one */
	snprintf(db, sizeof(db), "%s/shuan.db", dir);
	if (!create && !store_opt && stat(db, &st) != 0)
		return 0;
	if (shuan_store_open(out, dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan %s: store %s: %s\n", cmd, dir, err);
		return CLI_EXIT_ERROR;
	}
	return 0;
}

static void on_skip(const char *path, const char *reason, void *ud)
{
	const bool *quiet = ud;
	if (!*quiet)
		fprintf(stderr, "shuan: %s: skipped: %s\n", path, reason);
}

typedef struct db_events {
	const char *cmd;
	bool quiet;
	uint64_t errors;
} db_events;

/* What the inventory says while reading a database: an error (an unreachable
 * server, a table it cannot read) is always shown, a warning unless quiet. */
static void on_db_event(const char *where, const char *message, bool error, void *ud)
{
	db_events *e = ud;
	e->errors += error;
	if (e->quiet && !error)
		return;
	fprintf(stderr, "shuan %s: --data ", e->cmd);
	shuan_fputs_safe(stderr, where);
	fputs(error ? ": error: " : ": warning: ", stderr);
	shuan_fputs_safe(stderr, message);
	fputc('\n', stderr);
}

/* Counts the people of the database sources among paths (every row read, as
 * `shuan inventory --full` does) into `into`, under the same key as the
 * files, so that a person in a table and in a file counts once. A source that
 * cannot be read in full is an error: a count missing a table is no count. */
static int count_databases(const char *cmd, const shuan_rules *detectors, const char *rules_opt,
                           const char *const *paths, size_t n, const unsigned char *key, size_t keylen,
                           const shuan_db_options *db, bool quiet, shuan_people *into,
                           shuan_duty_data_result *res)
{
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	shuan_inventory_options io = SHUAN_INVENTORY_OPTIONS_INIT;
	shuan_db_options dbo = SHUAN_DB_OPTIONS_INIT;
	shuan_inventory *inv = NULL;
	db_events ev = {cmd, quiet, 0};
	char err[1024];
	int rc, exit_code = CLI_EXIT_ERROR;

	if (db)
		dbo = *db;
	dbo.full = true;
	so.fingerprint_key = key;
	so.fingerprint_key_len = keylen;
	so.cancel = &g_cancel;
	io.rules_dir = cli_rules_dir(rules_opt);
	io.scan = &so;
	io.db = &dbo;
	io.event = on_db_event;
	io.event_ud = &ev;
	if ((rc = shuan_inventory_new(&inv, detectors, &io, err, sizeof(err))) != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		return CLI_EXIT_ERROR;
	}
	for (size_t i = 0; i < n && !atomic_load(&g_cancel); i++) {
		if (!shuan_db_looks_like_url(paths[i]))
			continue;
		if ((rc = shuan_inventory_add(inv, paths[i])) == SHUAN_ENOMEM) {
			fprintf(stderr, "shuan %s: out of memory\n", cmd);
			goto cleanup;
		}
	}
	if (atomic_load(&g_cancel)) {
		res->interrupted = true;
		exit_code = 0;
		goto cleanup;
	}
	if (shuan_inventory_finish(inv) != 0 || shuan_inventory_people_merge_into(inv, into) != 0) {
		fprintf(stderr, "shuan %s: out of memory\n", cmd);
		goto cleanup;
	}
	if (ev.errors || shuan_inventory_errors(inv)) {
		fprintf(stderr, "shuan %s: --data: a database source could not be read in full: no count\n",
		        cmd);
		goto cleanup;
	}
	for (size_t i = 0; i < shuan_inventory_source_count(inv); i++) {
		const shuan_inventory_source *src = shuan_inventory_source_at(inv, i);
		res->inputs += src->tables;
		if (!quiet) {
			fprintf(stderr, "shuan %s: --data ", cmd);
			shuan_fputs_safe(stderr, src->source);
			fprintf(stderr, ": %llu tables, %llu rows read in full\n",
			        (unsigned long long)src->tables, (unsigned long long)src->rows_read);
		}
	}
	exit_code = 0;
cleanup:
	shuan_inventory_free(inv);
	return exit_code;
}

int cli_duty_count(const char *cmd, const shuan_duty_rules *dr, const char *rules_opt,
                   const char *const *paths, size_t n, const shuan_db_options *db, shuan_store *store,
                   int jobs, bool quiet, shuan_people **out, shuan_duty_data_result *res)
{
	shuan_rules *detectors = NULL;
	unsigned char key[32];
	char err[1024];
	int rc, exit_code = CLI_EXIT_ERROR;
	void (*old)(int);
	const char **files = NULL;
	size_t nfiles = 0, ndbs = 0;

	*out = NULL;
	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (shuan_db_looks_like_url(paths[i])) {
			if (!shuan_db_is_url(paths[i])) {
				fprintf(
				    stderr,
				    "shuan %s: --data: unknown database scheme (sqlite://, postgresql://, "
				    "mysql:// or mariadb://)\n",
				    cmd);
				return CLI_EXIT_ERROR;
			}
			ndbs++;
			continue;
		}
		if (strcmp(paths[i], "-") && stat(paths[i], &st) != 0) {
			fprintf(stderr, "shuan %s: --data %s: %s\n", cmd, paths[i], strerror(errno));
			return CLI_EXIT_ERROR;
		}
	}
	if (!(files = calloc(n ? n : 1, sizeof(*files)))) {
		fprintf(stderr, "shuan %s: out of memory\n", cmd);
		return CLI_EXIT_ERROR;
	}
	for (size_t i = 0; i < n; i++)
		if (!shuan_db_looks_like_url(paths[i]))
			files[nfiles++] = paths[i];
	if (store) {
		if (shuan_store_fingerprint_key(store, key) != 0) {
			fprintf(stderr, "shuan %s: store: %s\n", cmd, shuan_store_errmsg(store));
			free(files);
			return CLI_EXIT_ERROR;
		}
	} else if (shuan_random_bytes(key, sizeof(key)) != 0) {
		fprintf(stderr, "shuan %s: no random bytes for a throwaway fingerprint key\n", cmd);
		free(files);
		return CLI_EXIT_ERROR;
	}
	if ((rc = cli_rules_load(&detectors, rules_opt, NULL, false, !store, NULL, NULL, err, sizeof(err))) != 0) {
		fprintf(stderr, "shuan %s: cannot load the detectors: %s\n", cmd, err);
		free(files);
		return CLI_EXIT_ERROR;
	}
	if ((rc = shuan_people_new(out, NULL)) != 0) {
		fprintf(stderr, "shuan %s: out of memory\n", cmd);
		goto cleanup;
	}
	old = signal(SIGINT, on_sigint);
	rc = 0;
	if (nfiles)
		rc = shuan_duty_count_people(dr, detectors, files, nfiles, key, sizeof(key), jobs, &g_cancel,
		                             *out, res, on_skip, &quiet);
	if (rc == 0 && ndbs && !res->interrupted &&
	    count_databases(cmd, detectors, rules_opt, paths, n, key, sizeof(key), db, quiet, *out, res)) {
		signal(SIGINT, old);
		goto cleanup;
	}
	signal(SIGINT, old);
	if (rc != 0) {
		fprintf(stderr, "shuan %s: counting people in --data failed: %s\n", cmd, shuan_strerror(rc));
		goto cleanup;
	}
	if (res->interrupted) {
		fprintf(stderr, "shuan %s: interrupted while counting people: no result\n", cmd);
		goto cleanup;
	}
	if (!quiet) {
		shuan_people_counts pc;
		shuan_people_counts_get(*out, &pc);
		fprintf(stderr,
		        "shuan %s: --data: %llu inputs, %llu skipped, %llu records with identifiers: %llu "
		        "people with PI, "
		        "%llu with sensitive PI%s\n",
		        cmd, (unsigned long long)res->inputs, (unsigned long long)res->skipped,
		        (unsigned long long)res->records, (unsigned long long)pc.distinct,
		        (unsigned long long)pc.sensitive, pc.exact ? "" : " (estimate)");
		if (res->records_without_identifier)
			fprintf(stderr,
			        "shuan %s: --data: %llu records hold personal information but nothing that "
			        "tells people "
			        "apart (names, addresses...): not counted; check them by hand\n",
			        cmd, (unsigned long long)res->records_without_identifier);
	}
	exit_code = 0;
cleanup:
	if (exit_code != 0) {
		shuan_people_free(*out);
		*out = NULL;
	}
	shuan_rules_free(detectors);
	OPENSSL_cleanse(key, sizeof(key));
	free(files);
	return exit_code;
}

int cli_duty_write_file(const char *cmd, const char *path, FILE **out)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	*out = NULL;
	if (fd < 0 || !(*out = fdopen(fd, "w"))) {
		fprintf(stderr, "shuan %s: cannot write %s: %s\n", cmd, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return CLI_EXIT_ERROR;
	}
	return 0;
}
