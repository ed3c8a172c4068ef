/*
 * cli/cli_common.c - option helpers shared by the subcommands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "shuan/scanner.h"
#include "shuan/rules.h"
#include "shuan/store.h"

int cli_store_dir(const char *explicit_dir, char *buf, size_t len)
{
	if (explicit_dir) {
		if (snprintf(buf, len, "%s", explicit_dir) >= (int)len) {
			fprintf(stderr, "shuan: store path too long\n");
			return CLI_EXIT_ERROR;
		}
		return 0;
	}
	if (shuan_store_default_dir(buf, len) != 0) {
		fprintf(stderr, "shuan: cannot find a store directory: set SHUAN_STORE or HOME, "
				"or pass --store DIR or --no-store\n");
		return CLI_EXIT_ERROR;
	}
	return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1024 * 1024; end++; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	default: break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

const char *cli_rules_dir(const char *explicit_dir)
{
	const char *env = getenv("SHUAN_RULES");
	if (explicit_dir)
		return explicit_dir;
	if (env && *env)
		return env;
	if (access(SHUAN_INSTALL_RULES_DIR "/detectors", R_OK) == 0)
		return SHUAN_INSTALL_RULES_DIR;
	return SHUAN_SOURCE_RULES_DIR;
}

int cli_parse_date(const char *s, int *y, int *m, int *d)
{
	char tail;
	if (sscanf(s, "%d-%d-%d%c", y, m, d, &tail) != 3 || *y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > 31)
		return -1;
	return 0;
}

int cli_push_arg(const char ***v, size_t *n, const char *s)
{
	const char **g = realloc(*v, (*n + 1) * sizeof(*g));
	if (!g)
		return -1;
	g[(*n)++] = s;
	*v = g;
	return 0;
}

int cli_parse_jobs(const char *s, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || end == s || v < 1 || v > 256)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_format(const char *s, shuan_format *f)
{
	static const char *const names[] = {"auto", "text", "csv", "tsv", "json", "jsonl"};
	for (int i = 0; i < 6; i++)
		if (!strcmp(s, names[i])) {
			*f = (shuan_format)i;
			return 0;
		}
	return -1;
}

const char *cli_cache_dir(const char *explicit_dir, bool disabled, char *buf, size_t len)
{
	if (disabled)
		return NULL;
	if (explicit_dir)
		return snprintf(buf, len, "%s", explicit_dir) < (int)len ? buf : NULL;
	return shuan_rules_cache_default_dir(buf, len) == 0 ? buf : NULL;
}

int cli_rules_load(shuan_rules **out, const char *rules_opt, const char *cache_opt, bool no_cache, bool read_only,
                   const char *const *only, const char *const *exclude, char *err, size_t errlen)
{
	shuan_rules_options ro = SHUAN_RULES_OPTIONS_INIT;
	char cache_dir[4096];
	ro.only = only;
	ro.exclude = exclude;
	ro.cache_dir = cli_cache_dir(cache_opt, no_cache, cache_dir, sizeof(cache_dir));
	ro.cache_read_only = read_only;
	return shuan_rules_load(out, cli_rules_dir(rules_opt), &ro, err, errlen);
}

const char **cli_split_ids(char *s)
{
	size_t n = 1;
	for (char *p = s; *p; p++)
		n += *p == ',';
	const char **v = calloc(n + 1, sizeof(*v));
	size_t k = 0;
	if (!v)
		return NULL;
	for (char *tok = s, *next; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (*tok)
			v[k++] = tok;
	}
	return v;
}
