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

typedef struct table {
	const char *file;
	size_t offset; /* of the const shuan_dict * member in shuan_vdata */
} table;

static const table TABLES[] = {
    {"gb2260.tsv", offsetof(shuan_vdata, divisions)},
    {"division_names.txt", offsetof(shuan_vdata, division_names)},
    {"mobile_prefixes.tsv", offsetof(shuan_vdata, mobile_prefixes)},
    {"area_codes.tsv", offsetof(shuan_vdata, area_codes)},
    {"bank_iin.tsv", offsetof(shuan_vdata, iins)},
    {"surnames.txt", offsetof(shuan_vdata, surnames)},
    {"common_passwords.txt", offsetof(shuan_vdata, weak_passwords)},
    {"name_stopwords.txt", offsetof(shuan_vdata, name_stopwords)},
};

#define NTABLES (sizeof(TABLES) / sizeof(TABLES[0]))

static const shuan_dict **slot(shuan_vdata *d, size_t i)
{
	return (const shuan_dict **)(void *)((char *)d + TABLES[i].offset);
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
	if (d->weak_password_min_len <= 0)
		d->weak_password_min_len = 8;
	if (d->precise_location_decimals <= 0)
		d->precise_location_decimals = 4;
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
