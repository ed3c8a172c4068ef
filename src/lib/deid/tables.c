/*
 * lib/deid/tables.c - the lookup structures de-identification builds once
 * per masker from the rules' data tables (rules/data): the county-level
 * division codes surrogates draw from, a name index of GB/T 2260 divisions
 * for reading addresses, and flat arrays of mobile prefixes, surnames,
 * given-name characters and area codes for drawing uniformly.
 *
 * Nothing here copies a table: entries point into the rules' dictionaries,
 * which outlive the masker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "util/alloc.h"

/* Pseudo-divisions of the table that are no place (city-level placeholders). */
static bool placeholder(const char *name)
{
	return !strcmp(name, "市辖区") || !strcmp(name, "县") || !strcmp(name, "省直辖县级行政区划") ||
	       !strcmp(name, "自治区直辖县级行政区划") || !strcmp(name, "省直辖行政单位") ||
	       !strcmp(name, "郊区") || !strcmp(name, "矿区");
}

static int cmp_name(const void *a, const void *b)
{
	const deid_name_ix *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

/* The short form of a province or city name: 广东省 -> 广东, 深圳市 -> 深圳,
 * 广西壮族自治区 -> 广西. 0 when there is none of at least two characters. */
static size_t short_len(const char *name, size_t len)
{
	static const char *const SUFFIX[] = {"维吾尔自治区", "壮族自治区", "回族自治区", "自治区",
	                                     "特别行政区",   "省",         "市",         "地区",
	                                     "盟",           NULL};
	for (size_t i = 0; SUFFIX[i]; i++) {
		size_t sl = strlen(SUFFIX[i]);
		if (len > sl && !memcmp(name + len - sl, SUFFIX[i], sl))
			return deid_u8count(name, len - sl) >= 2 ? len - sl : 0;
	}
	return 0;
}

static int push_name(deid_tables *t, size_t *cap, const char *name, size_t len, uint32_t code,
                     bool short_form)
{
	if (t->nnames == *cap) {
		size_t nc = *cap ? *cap * 2 : 8192;
		deid_name_ix *v = shuan_realloc(t->names, nc * sizeof(*v));
		if (!v)
			return SHUAN_ENOMEM;
		t->names = v;
		*cap = nc;
	}
	t->names[t->nnames++] = (deid_name_ix){name, len, code, short_form};
	if (len > t->max_name_len)
		t->max_name_len = len;
	return 0;
}

/* The keys of a dictionary as an array (borrowed strings). */
static int keys_of(const shuan_dict *d, const char ***out, size_t *n, size_t want_len)
{
	size_t total = shuan_dict_size(d), k = 0;
	*out = NULL;
	*n = 0;
	if (!total)
		return 0;
	if (!(*out = shuan_malloc(total * sizeof(**out))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < total; i++) {
		const char *key = shuan_dict_key(d, i);
		if (!want_len || strlen(key) == want_len)
			(*out)[k++] = key;
	}
	*n = k;
	return 0;
}

int deid_tables_load(deid_tables *t, const shuan_vdata *vd, const char *rules_dir, char *err, size_t errlen)
{
	char path[4096];
	size_t capnames = 0, ndiv;
	int rc;

	memset(t, 0, sizeof(*t));
	t->vd = vd;
	if (!vd->divisions || !vd->mobile_prefixes || !vd->surnames || !vd->area_codes) {
		snprintf(err, errlen, "the rules' data tables are not loaded");
		return SHUAN_ENOTFOUND;
	}
	if (!rules_dir) {
		snprintf(err, errlen, "no rules directory for the de-identification tables");
		return SHUAN_EINVAL;
	}
	snprintf(path, sizeof(path), "%s/data/given_name_chars.txt", rules_dir);
	if ((rc = shuan_dict_load(&t->given, path, err, errlen)) != 0)
		return rc;
	rc = SHUAN_ENOMEM;
	ndiv = shuan_dict_size(vd->divisions);
	if (!(t->counties = shuan_malloc((ndiv ? ndiv : 1) * sizeof(*t->counties))))
		goto fail;
	for (size_t i = 0; i < ndiv; i++) {
		const char *code = shuan_dict_key(vd->divisions, i);
		const char *name = shuan_dict_get(vd->divisions, code, strlen(code));
		if (strlen(code) != 6 || !name || !*name)
			continue;
		uint32_t c = (uint32_t)strtoul(code, NULL, 10);
		size_t nl = strlen(name);
		int prov = (int)(c / 10000);
		if (placeholder(name))
			continue;
		/* address names: every level, short forms for provinces and cities */
		if ((rc = push_name(t, &capnames, name, nl, c, false)) != 0)
			goto fail;
		if (c % 100 == 0) {
			size_t sl = short_len(name, nl);
			if (sl && (rc = push_name(t, &capnames, name, sl, c, true)) != 0)
				goto fail;
		}
		/* surrogate regions: county level, mainland provinces only */
		if (c % 100 != 0 && prov >= 11 && prov <= 65) {
			deid_division *d = &t->counties[t->ncounties++];
			memcpy(d->code, code, 7);
			d->name = name;
			d->name_len = nl;
		}
	}
	rc = SHUAN_ENOMEM;
	if (t->nnames)
		qsort(t->names, t->nnames, sizeof(*t->names), cmp_name);
	if (keys_of(vd->mobile_prefixes, &t->mobile_prefixes, &t->nmobile, 0) ||
	    keys_of(vd->surnames, &t->surnames1, &t->nsurnames1, 3) ||
	    keys_of(vd->surnames, &t->surnames2, &t->nsurnames2, 6) ||
	    keys_of(t->given, &t->given_chars, &t->ngiven, 3) ||
	    keys_of(vd->area_codes, &t->area_codes, &t->nareas, 0))
		goto fail;
	if (!t->ncounties || !t->nmobile || !t->nsurnames1 || !t->ngiven) {
		snprintf(
		    err, errlen,
		    "a data table for surrogates is empty (gb2260, mobile prefixes, surnames, given names)");
		rc = SHUAN_EINVAL;
		goto fail;
	}
	return 0;
fail:
	if (rc == SHUAN_ENOMEM)
		snprintf(err, errlen, "out of memory");
	deid_tables_free(t);
	return rc;
}

void deid_tables_free(deid_tables *t)
{
	shuan_dict_free(t->given);
	shuan_free(t->counties);
	shuan_free(t->names);
	shuan_free(t->mobile_prefixes);
	shuan_free(t->surnames1);
	shuan_free(t->surnames2);
	shuan_free(t->given_chars);
	shuan_free(t->area_codes);
	memset(t, 0, sizeof(*t));
}

const char *deid_division_name(const deid_tables *t, uint32_t code, size_t *len)
{
	char key[8];
	snprintf(key, sizeof(key), "%06u", code);
	const char *name = shuan_dict_get(t->vd->divisions, key, 6);
	if (!name || placeholder(name))
		return NULL;
	if (len)
		*len = strlen(name);
	return name;
}
