/*
 * cli/cli_duty.c - what the three duty commands (xborder, incident, duties)
 * share: --as-of, --format and --color, loading the duty rules, opening the
 * store, and counting people in --data sources.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_duty.h"
#include "shuan/people.h"
#include "shuan/rules.h"

static atomic_int g_cancel;

static void on_sigint(int sig)
{
	(void)sig;
	atomic_store(&g_cancel, 1);
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

int cli_duty_count(const char *cmd, const shuan_duty_rules *dr, const char *rules_opt,
                   const char *const *paths, size_t n, shuan_store *store, int jobs, bool quiet,
                   shuan_people **out, shuan_duty_data_result *res)
{
	shuan_rules *detectors = NULL;
	unsigned char key[32];
	char err[1024];
	int rc, exit_code = CLI_EXIT_ERROR;
	void (*old)(int);

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") && stat(paths[i], &st) != 0) {
			fprintf(stderr, "shuan %s: --data %s: %s\n", cmd, paths[i], strerror(errno));
			return CLI_EXIT_ERROR;
		}
	}
	if (store) {
		if (shuan_store_fingerprint_key(store, key) != 0) {
			fprintf(stderr, "shuan %s: store: %s\n", cmd, shuan_store_errmsg(store));
			return CLI_EXIT_ERROR;
		}
	} else if (shuan_random_bytes(key, sizeof(key)) != 0) {
		fprintf(stderr, "shuan %s: no random bytes for a throwaway fingerprint key\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if ((rc = shuan_rules_load(&detectors, cli_rules_dir(rules_opt), NULL, err, sizeof(err))) != 0) {
		fprintf(stderr, "shuan %s: cannot load the detectors: %s\n", cmd, err);
		return CLI_EXIT_ERROR;
	}
	if ((rc = shuan_people_new(out, NULL)) != 0) {
		fprintf(stderr, "shuan %s: out of memory\n", cmd);
		goto cleanup;
	}
	old = signal(SIGINT, on_sigint);
	rc = shuan_duty_count_people(dr, detectors, paths, n, key, sizeof(key), jobs, &g_cancel, *out, res,
	                             on_skip, &quiet);
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
