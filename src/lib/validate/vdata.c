/*
 * lib/validate/vdata.c - loading the validators' read-only tables from rules/data.
 *
 * The file names live here, next to the validators that read them, so the
 * engine only needs the rules directory. Tables are loaded once before any
 * scan and shared read-only by all worker threads.
 */
#include <stddef.h>
#include <stdio.h>

#include "lib/validate/validate.h"
#include "shuan/common.h"
#include "util/dict.h"
#include "util/yaml.h"

typedef struct table {
	const char *file;
	size_t offset; /* of the const shuan_dict * member in shuan_vdata */
} table;

static const table TABLES[] = {
    {"gb2260.tsv", offsetof(shuan_vdata, divisions)},
    {"division_names.txt", offsetof(shuan_vdata, division_names)},
    {"townships.tsv", offsetof(shuan_vdata, townships)},
    {"mobile_prefixes.tsv", offsetof(shuan_vdata, mobile_prefixes)},
    {"area_codes.tsv", offsetof(shuan_vdata, area_codes)},
    {"bank_iin.tsv", offsetof(shuan_vdata, iins)},
    {"surnames.txt", offsetof(shuan_vdata, surnames)},
    {"common_passwords.txt", offsetof(shuan_vdata, weak_passwords)},
    {"password_words.txt", offsetof(shuan_vdata, password_words)},
    {"name_stopwords.txt", offsetof(shuan_vdata, name_stopwords)},
};

#define NTABLES (sizeof(TABLES) / sizeof(TABLES[0]))

static const shuan_dict **slot(shuan_vdata *d, size_t i)
{
	return (const shuan_dict **)(void *)((char *)d + TABLES[i].offset);
}

/* rules/sensitivity.yaml: every key is required, so a threshold is never a
 * silent default in C. */
static int load_thresholds(shuan_vdata *d, const char *rules_dir, char *errbuf, size_t errlen)
{
	static const char *const top[] = {"minors", "precise_location", "weak_password", NULL};
	static const char *const minors[] = {"under_age", "spi_category", "cites", NULL};
	static const char *const precise[] = {"decimals", "cites", NULL};
	static const char *const weak[] = {"min_length", "cites", NULL};
	char path[4096];
	shuan_yaml y;
	int64_t v;
	const char *cat;
	int rc;

	snprintf(path, sizeof(path), "%s/sensitivity.yaml", rules_dir);
	if ((rc = shuan_yaml_load_file(&y, path, errbuf, errlen)))
		goto cleanup;
	yaml_node_t *root = shuan_yaml_root(&y), *m, *p, *w;
	if ((rc = shuan_yaml_check_keys(&y, root, "sensitivity", top)))
		goto cleanup;
	m = shuan_yaml_get(&y, root, "minors");
	p = shuan_yaml_get(&y, root, "precise_location");
	w = shuan_yaml_get(&y, root, "weak_password");
	if (!m || !p || !w) {
		rc = shuan_yaml_fail(&y, root, "minors, precise_location and weak_password are required");
		goto cleanup;
	}
	if ((rc = shuan_yaml_check_keys(&y, m, "minors", minors)) ||
	    (rc = shuan_yaml_check_keys(&y, p, "precise_location", precise)) ||
	    (rc = shuan_yaml_check_keys(&y, w, "weak_password", weak)))
		goto cleanup;
	if ((rc = shuan_yaml_int(&y, shuan_yaml_get(&y, m, "under_age"), "under_age", 1, 30, &v)))
		goto cleanup;
	d->minor_age = (int)v;
	if ((rc = shuan_yaml_string(&y, shuan_yaml_get(&y, m, "spi_category"), "spi_category", &cat)))
		goto cleanup;
	snprintf(d->minor_spi_category, sizeof(d->minor_spi_category), "%s", cat);
	if ((rc = shuan_yaml_int(&y, shuan_yaml_get(&y, p, "decimals"), "decimals", 1, 12, &v)))
		goto cleanup;
	d->precise_location_decimals = (int)v;
	if ((rc = shuan_yaml_int(&y, shuan_yaml_get(&y, w, "min_length"), "min_length", 1, 256, &v)))
		goto cleanup;
	d->weak_password_min_len = (int)v;
cleanup:
	shuan_yaml_free(&y);
	return rc;
}

int shuan_vdata_load(shuan_vdata *d, const char *rules_dir, char *errbuf, size_t errlen)
{
	int rc = SHUAN_OK;
	for (size_t i = 0; i < NTABLES; i++)
		*slot(d, i) = NULL;
	for (size_t i = 0; i < NTABLES && rc == SHUAN_OK; i++) {
		char path[4096];
		shuan_dict *t = NULL;
		if (snprintf(path, sizeof(path), "%s/data/%s", rules_dir, TABLES[i].file) >=
		    (int)sizeof(path)) {
			rc = SHUAN_ELIMIT;
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "%s: path too long", rules_dir);
			break;
		}
		rc = shuan_dict_load(&t, path, errbuf, errlen);
		*slot(d, i) = t;
	}
	if (rc != SHUAN_OK) {
		shuan_vdata_free(d);
		return rc;
	}
	if ((rc = load_thresholds(d, rules_dir, errbuf, errlen))) {
		shuan_vdata_free(d);
		return rc;
	}
	return SHUAN_OK;
}

void shuan_vdata_free(shuan_vdata *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < NTABLES; i++) {
		/* the tables are const for validators; the owner frees them */
		shuan_dict_free((shuan_dict *)(void *)*slot(d, i));
		*slot(d, i) = NULL;
	}
}
