/*
 * lib/inventory/classes.c - the column classes of rules/inventory/classes.yaml:
 * loading them with their dictionaries, matching column names and comments
 * against their cues, and telling whether a value belongs to a class
 * (dictionary member, ICD-10 code, date, age).
 *
 * Name cues: ASCII cues are compared with the whole normalised name
 * (lower case, '_', '-', ' ' and '.' dropped: ID_Card -> idcard), or with its
 * end when the cue has five letters or more (customer_mobile ends with
 * mobile; "name" is too short to match file_name). Chinese cues match
 * anywhere in the name or the comment. The best match wins: a whole ASCII
 * name, then an ASCII suffix, then the longest Chinese cue in the name, then
 * in the comment.
 */
#include <stdio.h>
#include <string.h>

#include "lib/inventory/internal.h"
#include "lib/rules/internal.h"
#include "util/alloc.h"
#include "util/hex.h"
#include "util/yaml.h"

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

void shuan_inv__norm_name(const char *s, char *out, size_t cap)
{
	size_t w = 0;
	for (; s && *s && w + 1 < cap; s++) {
		char c = *s;
		if (c == '_' || c == '-' || c == ' ' || c == '.' || c == '\t')
			continue;
		out[w++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[w] = '\0';
}

bool shuan_inv__unhex(const char *s, size_t n, unsigned char *out)
{
	return shuan_hex_decode(s, n, out) && s[2 * n] == '\0';
}

void shuan_inv__free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		shuan_free(v[i]);
	shuan_free(v);
}

void shuan_inv__classes_free(inv_classes *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		inv_class *k = &c->v[i];
		shuan_free(k->id);
		shuan_free(k->label_zh);
		shuan_free(k->label_en);
		shuan_free(k->category);
		shuan_free(k->spi_category);
		shuan_dict_free(k->dict);
		shuan_dict_free(k->cue_values);
		shuan_inv__free_strs(k->names, k->nnames);
		shuan_inv__free_strs(k->cites, k->ncites);
	}
	shuan_free(c->v);
	shuan_inv__free_strs(c->free_text, c->nfree_text);
	shuan_inv__free_strs(c->identifiers, c->nidentifiers);
	memset(c, 0, sizeof(*c));
}

int shuan_inv__yaml_strs(shuan_yaml *y, shuan_yaml_node *n, const char *key, bool norm, char ***out, size_t *count)
{
	size_t k;
	int rc;
	*out = NULL;
	*count = 0;
	if (!n)
		return 0;
	if ((rc = shuan_yaml_scalar_seq(y, n, key, 4096)) < 0)
		return rc;
	k = shuan_yaml_count(n);
	if (!(*out = shuan_calloc(k ? k : 1, sizeof(char *))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < k; i++) {
		const char *s = shuan_yaml_scalar(shuan_yaml_item(y, n, i));
		char buf[256];
		if (norm)
			shuan_inv__norm_name(s, buf, sizeof(buf));
		if (!((*out)[i] = shuan_strdup(norm ? buf : s)))
			return SHUAN_ENOMEM;
		(*count)++;
	}
	return 0;
}

/* Appends the detector's field names (normalised by the rules already). */
static int add_detector_fields(inv_class *k, const shuan_rules *rules)
{
	const shuan_detector *d = NULL;
	char **v;
	for (size_t i = 0; i < rules->n; i++)
		if (!strcmp(rules->dets[i].info.id, k->detector))
			d = &rules->dets[i];
	if (!d || !d->fields.n)
		return 0;
	if (!(v = shuan_realloc(k->names, (k->nnames + d->fields.n) * sizeof(char *))))
		return SHUAN_ENOMEM;
	k->names = v;
	for (size_t i = 0; i < d->fields.n; i++) {
		char buf[256];
		shuan_inv__norm_name(d->fields.v[i], buf, sizeof(buf));
		if (!(k->names[k->nnames] = shuan_strdup(buf)))
			return SHUAN_ENOMEM;
		k->nnames++;
	}
	return 0;
}

static int opt_string(shuan_yaml *y, shuan_yaml_node *map, const char *key, char **out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, map, key);
	const char *s = "";
	int rc;
	if (n && (rc = shuan_yaml_string(y, n, key, &s)) < 0)
		return rc;
	return (*out = shuan_strdup(s)) ? 0 : SHUAN_ENOMEM;
}

static int load_class(inv_classes *c, shuan_yaml *y, shuan_yaml_node *m, const char *rules_dir,
		      const shuan_rules *rules, bool *skip, char *err, size_t errlen)
{
	static const char *const keys[] = {"id", "detector", "names", "label_zh", "label_en", "category",
					   "sensitive", "spi_category", "dictionary", "cue_values", "icd10",
					   "values", "unverified", "cites", NULL};
	static const char *const values[] = {"none", "date", "age", "image", NULL};
	inv_class *k = &c->v[c->n];
	shuan_yaml_node *n;
	const char *s;
	int rc, e;

	*skip = false;
	memset(k, 0, sizeof(*k));
	if ((rc = shuan_yaml_check_keys(y, m, "class", keys)) < 0)
		return rc;
	if (!(n = shuan_yaml_get(y, m, "id")))
		return shuan_yaml_fail(y, m, "class without an id");
	if ((rc = shuan_yaml_string(y, n, "id", &s)) < 0 || !(k->id = shuan_strdup(s)))
		return rc < 0 ? rc : SHUAN_ENOMEM;
	if ((rc = shuan_inv__yaml_strs(y, shuan_yaml_get(y, m, "names"), "names", true, &k->names, &k->nnames)) < 0 ||
	    (rc = shuan_inv__yaml_strs(y, shuan_yaml_get(y, m, "cites"), "cites", false, &k->cites, &k->ncites)) < 0)
		return rc;
	if ((n = shuan_yaml_get(y, m, "detector"))) {
		const shuan_detector_info *d;
		char path[1200];
		if ((rc = shuan_yaml_string(y, n, "detector", &s)) < 0)
			return rc;
		if (!(d = shuan_rules_find(rules, s))) {
			FILE *f;
			/* a detector left out with --detectors: no class; one that does not exist: an error */
			snprintf(path, sizeof(path), "%s/detectors/%s.yaml", rules_dir, s);
			if (!(f = fopen(path, "r")))
				return shuan_yaml_fail(y, n, "no detector '%s' (rules/detectors/%s.yaml)", s, s);
			fclose(f);
			*skip = true;
			return 0;
		}
		k->detector = d->id;
		k->category = shuan_strdup(d->pi_category);
		k->spi_category = shuan_strdup(d->spi_category);
		k->label_zh = shuan_strdup(d->label_zh);
		k->label_en = shuan_strdup(d->label_en);
		k->sensitive = d->sensitive;
		if (!k->category || !k->spi_category || !k->label_zh || !k->label_en)
			return SHUAN_ENOMEM;
		return add_detector_fields(k, rules);
	}
	if ((rc = opt_string(y, m, "label_zh", &k->label_zh)) < 0 || (rc = opt_string(y, m, "label_en", &k->label_en)) < 0 ||
	    (rc = opt_string(y, m, "category", &k->category)) < 0 ||
	    (rc = opt_string(y, m, "spi_category", &k->spi_category)) < 0)
		return rc;
	if ((n = shuan_yaml_get(y, m, "sensitive")) && (rc = shuan_yaml_bool(y, n, "sensitive", &k->sensitive)) < 0)
		return rc;
	if ((n = shuan_yaml_get(y, m, "unverified")) && (rc = shuan_yaml_bool(y, n, "unverified", &k->unverified)) < 0)
		return rc;
	if ((n = shuan_yaml_get(y, m, "icd10")) && (rc = shuan_yaml_bool(y, n, "icd10", &k->icd10)) < 0)
		return rc;
	if ((n = shuan_yaml_get(y, m, "values"))) {
		if ((rc = shuan_yaml_enum(y, n, "values", values, &e)) < 0)
			return rc;
		k->values = (inv_values)e;
	}
	if (k->sensitive && !k->spi_category[0])
		return shuan_yaml_fail(y, m, "class %s is sensitive but has no spi_category", k->id);
	if ((n = shuan_yaml_get(y, m, "dictionary"))) {
		char path[1200];
		if ((rc = shuan_yaml_string(y, n, "dictionary", &s)) < 0)
			return rc;
		if (strchr(s, '/'))
			return shuan_yaml_fail(y, n, "dictionary: a file name in rules/data, not a path");
		snprintf(path, sizeof(path), "%s/data/%s", rules_dir, s);
		if ((rc = shuan_dict_load(&k->dict, path, err, errlen)) < 0)
			return rc;
	}
	if ((n = shuan_yaml_get(y, m, "cue_values"))) {
		char **v;
		size_t nv;
		if ((rc = shuan_inv__yaml_strs(y, n, "cue_values", false, &v, &nv)) < 0)
			return rc;
		rc = shuan_dict_from_keys(&k->cue_values, (const char *const *)v, nv);
		shuan_inv__free_strs(v, nv);
		if (rc < 0)
			return rc;
	}
	if (!k->dict && !k->icd10 && k->values == INV_VALUES_NONE)
		return shuan_yaml_fail(y, m, "class %s needs a detector, a dictionary or values", k->id);
	return 0;
}

int shuan_inv__classes_load(inv_classes *c, const char *rules_dir, const shuan_rules *rules, char *err,
			    size_t errlen)
{
	static const char *const top[] = {"rev", "cites", "person_identifiers", "free_text_names", "classes", NULL};
	shuan_yaml y;
	shuan_yaml_node *root, *list, *n;
	char path[1200];
	int rc;
	int64_t rev = 0;

	memset(c, 0, sizeof(*c));
	memset(&y, 0, sizeof(y));
	snprintf(path, sizeof(path), "%s/inventory/classes.yaml", rules_dir);
	if ((rc = shuan_yaml_load_file(&y, path, err, errlen)) < 0)
		goto cleanup;
	root = shuan_yaml_root(&y);
	if (!shuan_yaml_is_map(root)) {
		rc = shuan_yaml_fail(&y, root, "expected a mapping with classes:");
		goto cleanup;
	}
	if ((rc = shuan_yaml_check_keys(&y, root, "classes file", top)) < 0)
		goto cleanup;
	if ((n = shuan_yaml_get(&y, root, "rev")) && (rc = shuan_yaml_int(&y, n, "rev", 1, 1000000, &rev)) < 0)
		goto cleanup;
	c->rev = (int)rev;
	if ((rc = shuan_inv__yaml_strs(&y, shuan_yaml_get(&y, root, "free_text_names"), "free_text_names", true, &c->free_text,
			   &c->nfree_text)) < 0 ||
	    (rc = shuan_inv__yaml_strs(&y, shuan_yaml_get(&y, root, "person_identifiers"), "person_identifiers", false,
			   &c->identifiers, &c->nidentifiers)) < 0)
		goto cleanup;
	list = shuan_yaml_get(&y, root, "classes");
	if (!shuan_yaml_is_seq(list)) {
		rc = shuan_yaml_fail(&y, list ? list : root, "classes: expected a list");
		goto cleanup;
	}
	if (!(c->v = shuan_calloc(shuan_yaml_count(list) + 1, sizeof(*c->v)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < shuan_yaml_count(list); i++) {
		shuan_yaml_node *m = shuan_yaml_item(&y, list, i);
		bool skip;
		if (!shuan_yaml_is_map(m)) {
			rc = shuan_yaml_fail(&y, m, "a class is a mapping");
			goto cleanup;
		}
		rc = load_class(c, &y, m, rules_dir, rules, &skip, err, errlen);
		c->n++; /* counted even when failing half-way, so free() releases it */
		if (rc < 0)
			goto cleanup;
		if (skip) {
			inv_class *k = &c->v[--c->n];
			shuan_free(k->id);
			shuan_inv__free_strs(k->names, k->nnames);
			shuan_inv__free_strs(k->cites, k->ncites);
			memset(k, 0, sizeof(*k));
		}
	}
cleanup:
	if (rc == SHUAN_ENOMEM && errlen)
		snprintf(err, errlen, "%s: out of memory", path);
	shuan_yaml_free(&y);
	if (rc < 0)
		shuan_inv__classes_free(c);
	return rc;
}

/* How well cue matches name/comment (0 = not at all). */
static int cue_score(const char *cue, const char *name, const char *comment)
{
	size_t cl = strlen(cue), nl = strlen(name);
	if (!cl)
		return 0;
	if (ascii(cue)) {
		if (!strcmp(cue, name))
			return 1000;
		if (cl >= 5 && nl > cl && !strcmp(name + nl - cl, cue))
			return 500 + (int)cl;
		return 0;
	}
	if (strstr(name, cue))
		return 300 + (int)cl;
	if (comment && strstr(comment, cue))
		return 200 + (int)cl;
	return 0;
}

int shuan_inv__name_class(const inv_classes *c, const char *name, const char *comment)
{
	char n[256], cm[1024];
	int best = -1, score = 0;
	shuan_inv__norm_name(name, n, sizeof(n));
	shuan_inv__norm_name(comment ? comment : "", cm, sizeof(cm));
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->v[i].nnames; k++) {
			int s = cue_score(c->v[i].names[k], n, cm);
			if (s > score) {
				score = s;
				best = (int)i;
			}
		}
	return best;
}

bool shuan_inv__is_free_text_name(const inv_classes *c, const char *name, const char *comment)
{
	char n[256], cm[1024];
	shuan_inv__norm_name(name, n, sizeof(n));
	shuan_inv__norm_name(comment ? comment : "", cm, sizeof(cm));
	for (size_t i = 0; i < c->nfree_text; i++)
		if (cue_score(c->free_text[i], n, cm))
			return true;
	return false;
}

bool shuan_inv__is_identifier(const inv_classes *c, const char *detector)
{
	for (size_t i = 0; i < c->nidentifiers; i++)
		if (!strcmp(c->identifiers[i], detector))
			return true;
	return false;
}

/* [start, end) without surrounding white space (ASCII and U+3000). */
static void trim(const char **p, size_t *len)
{
	const char *s = *p, *e = s + *len;
	for (;;) {
		if (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
			s++;
		else if (e - s >= 3 && !memcmp(s, "\xE3\x80\x80", 3))
			s += 3;
		else
			break;
	}
	for (;;) {
		if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
			e--;
		else if (e - s >= 3 && !memcmp(e - 3, "\xE3\x80\x80", 3))
			e -= 3;
		else
			break;
	}
	*p = s;
	*len = (size_t)(e - s);
}

/* ICD-10: a letter, two digits, optionally '.' and 1-4 more (E11.9, I10, J45.901). */
static bool icd10(const char *v, size_t n)
{
	size_t i = 3;
	if (n < 3 || v[0] < 'A' || v[0] > 'Z' || v[0] == 'U' || v[1] < '0' || v[1] > '9' || v[2] < '0' || v[2] > '9')
		return false;
	if (n == 3)
		return true;
	if (v[3] != '.' || n < 5 || n > 8)
		return false;
	for (i = 4; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || v[i] == 'x' || v[i] == 'X'))
			return false;
	return true;
}

bool shuan_inv__dict_member(const inv_class *k, const char *v, size_t len, bool cued)
{
	trim(&v, &len);
	if (!len)
		return false;
	if (k->dict && shuan_dict_has(k->dict, v, len))
		return true;
	if (cued && k->cue_values && shuan_dict_has(k->cue_values, v, len))
		return true;
	return k->icd10 && icd10(v, len);
}

static int digits(const char *p, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 1;
}

static bool valid_date(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

bool shuan_inv__parse_date(const char *v, size_t len, int *y, int *m, int *d)
{
	trim(&v, &len);
	/* YYYYMMDD */
	if (len == 8 && digits(v, 4, y) && digits(v + 4, 2, m) && digits(v + 6, 2, d))
		return valid_date(*y, *m, *d);
	/* YYYY-M-D, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日, with anything after (a time) */
	if (len >= 8 && digits(v, 4, y)) {
		size_t i = 4, k;
		size_t sep = 1;
		if (v[i] != '-' && v[i] != '/' && v[i] != '.') {
			if (len >= 7 && !memcmp(v + 4, "年", 3))
				sep = 3;
			else
				return false;
		}
		i += sep;
		for (k = i; k < len && k - i < 2 && v[k] >= '0' && v[k] <= '9'; k++)
			;
		if (k == i || !digits(v + i, k - i, m))
			return false;
		i = k;
		if (i >= len)
			return false;
		if (sep == 3) {
			if (len - i < 3 || memcmp(v + i, "月", 3))
				return false;
			i += 3;
		} else if (v[i] != v[4]) {
			return false;
		} else {
			i++;
		}
		for (k = i; k < len && k - i < 2 && v[k] >= '0' && v[k] <= '9'; k++)
			;
		if (k == i || !digits(v + i, k - i, d))
			return false;
		if (k < len && !(v[k] == ' ' || v[k] == 'T' || (len - k >= 3 && !memcmp(v + k, "日", 3))))
			return false;
		return valid_date(*y, *m, *d);
	}
	return false;
}

bool shuan_inv__parse_age(const char *v, size_t len, int *age)
{
	size_t k = 0;
	trim(&v, &len);
	while (k < len && k < 3 && v[k] >= '0' && v[k] <= '9')
		k++;
	if (k == 0 || !digits(v, k, age) || *age > 150)
		return false;
	if (k == len)
		return true;
	return (len - k == 3 && !memcmp(v + k, "岁", 3)) || (len - k == 6 && !memcmp(v + k, "周岁", 6));
}
