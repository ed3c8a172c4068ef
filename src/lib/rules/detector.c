/*
 * lib/rules/detector.c - one rules/detectors/<id>.yaml into a detector: its
 * keys (schema in rules/README.md; an unknown key is an error naming
 * file:line:column, so a typo never silently disables a check), its word
 * lists and the {name} placeholders its patterns take from them, and the
 * defaults that follow from the other keys.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rules/internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/yaml.h"

void shuan_strlist__free(shuan_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		shuan_free(l->v[i]);
	shuan_free(l->v);
	l->v = NULL;
	l->n = 0;
}

int shuan_strlist__push(shuan_strlist *l, const char *s, size_t len)
{
	char **v = shuan_realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return SHUAN_ENOMEM;
	l->v = v;
	if (!(v[l->n] = shuan_strndup(s, len)))
		return SHUAN_ENOMEM;
	l->n++;
	return 0;
}

size_t shuan_field_normalise(const char *in, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t')
			continue;
		out[o++] = (char)tolower(c);
	}
	out[o] = '\0';
	return o;
}

bool shuan_detector_has_field(const shuan_detector *d, const char *norm_field)
{
	for (size_t i = 0; i < d->fields.n; i++)
		if (!strcmp(d->fields.v[i], norm_field))
			return true;
	return false;
}

void shuan_detector__free(shuan_detector *d)
{
	shuan_free((char *)d->info.id);
	shuan_free((char *)d->info.label_zh);
	shuan_free((char *)d->info.label_en);
	shuan_free((char *)d->info.pi_category);
	shuan_free((char *)d->info.spi_category);
	shuan_free((char *)d->info.validator);
	shuan_free((char *)d->info.source);
	shuan_free(d->spi_when_precise);
	shuan_free(d->file);
	shuan_strlist__free(&d->patterns);
	shuan_strlist__free(&d->cites);
	shuan_strlist__free(&d->cues);
	shuan_strlist__free(&d->anti_cues);
	shuan_strlist__free(&d->fields);
	shuan_strlist__free(&d->strip_prefixes);
	for (size_t i = 0; i < d->n_wordlists; i++) {
		shuan_free((char *)d->wordlists[i].name);
		shuan_strlist__free(&d->wordstore[i]);
	}
	shuan_free(d->wordlists);
	shuan_free(d->wordstore);
	memset(d, 0, sizeof(*d));
}

/* ---- YAML ------------------------------------------------------------ */

static int get_string(shuan_yaml *y, yaml_node_t *n, const char *key, char **out)
{
	const char *s;
	int rc = shuan_yaml_string(y, n, key, &s);
	if (rc)
		return rc;
	shuan_free(*out);
	*out = shuan_strdup(s);
	return *out ? 0 : SHUAN_ENOMEM;
}

static int get_list(shuan_yaml *y, yaml_node_t *n, const char *key, shuan_strlist *out, bool normalise)
{
	int rc = shuan_yaml_scalar_seq(y, n, key, 100000);
	for (size_t i = 0; !rc && i < shuan_yaml_count(n); i++) {
		const char *s = shuan_yaml_scalar(shuan_yaml_item(y, n, i));
		if (normalise) {
			char buf[256];
			size_t len = shuan_field_normalise(s, strlen(s), buf, sizeof(buf));
			rc = shuan_strlist__push(out, buf, len);
		} else {
			rc = shuan_strlist__push(out, s, strlen(s));
		}
	}
	return rc;
}

/* Cue words are matched ASCII case-insensitively against a lower-cased window. */
static void lower_all(shuan_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (char *p = l->v[i]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
}

static int parse_context(shuan_yaml *y, yaml_node_t *map, shuan_detector *d)
{
	static const char *const keys[] = {"window", "cue_boost", "require_cue", "cues", "anti_cues", NULL};
	int rc = shuan_yaml_check_keys(y, map, "context", keys);
	for (size_t i = 0; !rc && i < shuan_yaml_count(map); i++) {
		yaml_node_t *k, *v = shuan_yaml_pair(y, map, i, &k);
		const char *key = shuan_yaml_scalar(k);
		double num;
		if (!strcmp(key, "window")) {
			if (!(rc = shuan_yaml_number(y, v, key, 0, 4096, &num)))
				d->window = (int)num;
		} else if (!strcmp(key, "cue_boost")) {
			rc = shuan_yaml_number(y, v, key, 0, 1, &d->cue_boost);
		} else if (!strcmp(key, "require_cue")) {
			rc = shuan_yaml_bool(y, v, key, &d->require_cue);
		} else if (!strcmp(key, "cues")) {
			rc = get_list(y, v, key, &d->cues, false);
			lower_all(&d->cues);
		} else {
			rc = get_list(y, v, key, &d->anti_cues, false);
			lower_all(&d->anti_cues);
		}
	}
	return rc;
}

static int cmp_longest_first(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
	return x > y ? -1 : x < y;
}

/* words: {name: [w1, w2, ...], ...} - named word lists for the patterns'
 * {name} placeholders and the validator. */
static int parse_words(shuan_yaml *y, yaml_node_t *map, shuan_detector *d)
{
	size_t n = shuan_yaml_count(map);
	int rc = 0;
	if (!shuan_yaml_is_map(map))
		return shuan_yaml_fail(y, map, "'words' must be a mapping of names to lists");
	if (!(d->wordlists = shuan_calloc(n ? n : 1, sizeof(*d->wordlists))) ||
	    !(d->wordstore = shuan_calloc(n ? n : 1, sizeof(*d->wordstore))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		yaml_node_t *k, *v = shuan_yaml_pair(y, map, i, &k);
		const char *name = shuan_yaml_scalar(k);
		if (!name || !*name || strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name))
			return shuan_yaml_fail(y, k, "word list names are lower-case words (a-z, _)");
		if ((rc = get_list(y, v, name, &d->wordstore[i], false)))
			break;
		if (d->wordstore[i].n == 0)
			return shuan_yaml_fail(y, v, "word list '%s' is empty", name);
		qsort(d->wordstore[i].v, d->wordstore[i].n, sizeof(char *), cmp_longest_first);
		if (!(d->wordlists[i].name = shuan_strdup(name)))
			return SHUAN_ENOMEM;
		d->wordlists[i].v = (const char *const *)d->wordstore[i].v;
		d->wordlists[i].n = d->wordstore[i].n;
		shuan_wordlist_index(&d->wordlists[i]);
		d->n_wordlists = i + 1;
	}
	d->words.lists = d->wordlists;
	d->words.n = d->n_wordlists;
	return rc;
}

/* A pattern's {name} placeholders replaced by (?:w1|w2|...) of that word
 * list, regex metacharacters escaped. Quantifiers like {2,6} are digits and
 * stay as they are. */
static int expand_pattern(shuan_yaml *y, yaml_node_t *at, shuan_detector *d, char **pat)
{
	shuan_buf b;
	const char *p = *pat;
	int rc = 0;
	if (!strchr(p, '{'))
		return 0;
	shuan_buf_init(&b, 1u << 20);
	while (*p && !rc) {
		size_t idlen = p[0] == '{' ? strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_") : 0;
		if (!idlen || p[1 + idlen] != '}') {
			rc = shuan_buf_addc(&b, *p++);
			continue;
		}
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)idlen, p + 1);
		const shuan_wordlist *l = shuan_words_get(&d->words, name);
		if (!l->n) {
			shuan_buf_free(&b);
			return shuan_yaml_fail(y, at, "pattern uses {%s}, but 'words' has no such list", name);
		}
		rc = shuan_buf_adds(&b, "(?:");
		for (size_t i = 0; i < l->n && !rc; i++) {
			if (i)
				rc = shuan_buf_addc(&b, '|');
			for (const char *c = l->v[i]; *c && !rc; c++)
				rc = (strchr("\\.^$|?*+()[]{}-/", *c) ? shuan_buf_addc(&b, '\\') : 0) ||
				     shuan_buf_addc(&b, *c);
		}
		if (!rc)
			rc = shuan_buf_addc(&b, ')');
		p += idlen + 2;
	}
	if (rc) {
		shuan_buf_free(&b);
		return rc == SHUAN_ELIMIT ? shuan_yaml_fail(y, at, "pattern longer than 1 MiB once expanded") : rc;
	}
	shuan_free(*pat);
	*pat = shuan_buf_take(&b, NULL);
	return 0;
}

/* The word lists the validator needs are in the rule, and every pattern's
 * placeholders are expanded. */
static int finish_words(shuan_yaml *y, yaml_node_t *root, shuan_detector *d)
{
	const char *need = d->validator->words;
	int rc = 0;
	while (need && *need) {
		size_t l = strcspn(need, " ");
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)l, need);
		if (!shuan_words_get(&d->words, name)->n)
			return shuan_yaml_fail(y, root, "validator '%s' needs the word list words.%s", d->info.validator, name);
		need += l + (need[l] == ' ');
	}
	yaml_node_t *pats = shuan_yaml_get(y, root, "patterns");
	for (size_t i = 0; i < d->patterns.n && !rc; i++)
		rc = expand_pattern(y, shuan_yaml_item(y, pats, i), d, &d->patterns.v[i]);
	return rc;
}

static const char *const BOUNDARY_NAMES[] = {"none", "digit", "alnum", NULL};
static const char *const NORMALIZE_NAMES[] = {"raw", "alnum_upper", "lower", NULL};
static const char *const EVIDENCE_NAMES[] = {"generic", "email", "secret", "name", "address", NULL};

static int parse_key(shuan_yaml *y, const char *key, yaml_node_t *v, shuan_detector *d)
{
	int64_t num;
	int e, rc;

	if (!strcmp(key, "id"))
		return get_string(y, v, key, (char **)&d->info.id);
	if (!strcmp(key, "rev")) {
		if (!(rc = shuan_yaml_int(y, v, key, 1, 1000000, &num)))
			d->info.rev = (int)num;
		return rc;
	}
	if (!strcmp(key, "label_zh"))
		return get_string(y, v, key, (char **)&d->info.label_zh);
	if (!strcmp(key, "label_en"))
		return get_string(y, v, key, (char **)&d->info.label_en);
	if (!strcmp(key, "pi_category"))
		return get_string(y, v, key, (char **)&d->info.pi_category);
	if (!strcmp(key, "sensitive"))
		return shuan_yaml_bool(y, v, key, &d->info.sensitive);
	if (!strcmp(key, "spi_category"))
		return get_string(y, v, key, (char **)&d->info.spi_category);
	if (!strcmp(key, "spi_when_precise"))
		return get_string(y, v, key, &d->spi_when_precise);
	if (!strcmp(key, "validator"))
		return get_string(y, v, key, (char **)&d->info.validator);
	if (!strcmp(key, "source"))
		return get_string(y, v, key, (char **)&d->info.source);
	if (!strcmp(key, "confidence"))
		return shuan_yaml_number(y, v, key, 0, 1, &d->confidence);
	if (!strcmp(key, "caseless"))
		return shuan_yaml_bool(y, v, key, &d->caseless);
	if (!strcmp(key, "field_mode"))
		return shuan_yaml_bool(y, v, key, &d->field_mode);
	if (!strcmp(key, "cites"))
		return get_list(y, v, key, &d->cites, false);
	if (!strcmp(key, "fields"))
		return get_list(y, v, key, &d->fields, true);
	if (!strcmp(key, "patterns"))
		return get_list(y, v, key, &d->patterns, false);
	if (!strcmp(key, "strip_prefixes"))
		return get_list(y, v, key, &d->strip_prefixes, false);
	if (!strcmp(key, "context"))
		return parse_context(y, v, d);
	if (!strcmp(key, "words"))
		return parse_words(y, v, d);
	if (!strcmp(key, "boundary")) {
		if (!(rc = shuan_yaml_enum(y, v, key, BOUNDARY_NAMES, &e)))
			d->boundary = (boundary_kind)e;
		return rc;
	}
	if (!strcmp(key, "normalize")) {
		if (!(rc = shuan_yaml_enum(y, v, key, NORMALIZE_NAMES, &e)))
			d->normalize = (normalize_kind)e;
		return rc;
	}
	if (!strcmp(key, "evidence")) {
		if (!(rc = shuan_yaml_enum(y, v, key, EVIDENCE_NAMES, &e)))
			d->evidence = (evidence_style)e;
		return rc;
	}
	return shuan_yaml_fail(y, v, "unknown key '%s'", key);
}

/* Defaults that follow from the other keys when the file does not say. */
static void apply_defaults(shuan_detector *d, bool has_normalize, bool has_evidence)
{
	if (!has_normalize)
		d->normalize = d->boundary != BOUNDARY_NONE ? NORM_ALNUM_UPPER : NORM_RAW;
	if (!has_evidence)
		d->evidence = d->validator->evidence;
	if (!d->info.spi_category) {
		d->info.spi_category = shuan_strdup("");
	}
	if (d->window == 0)
		d->window = 48;
	/* A detector that needs a cue takes a column or key named like one of
	 * its fields as the cue: cells under such names go to its validator. */
	if (d->require_cue && d->fields.n)
		d->field_mode = true;
}

int shuan_detector__load(const char *path, shuan_detector *d, char *errbuf, size_t errlen)
{
	static const char *const keys[] = {"id", "rev", "label_zh", "label_en", "pi_category", "sensitive",
					   "spi_category", "spi_when_precise", "validator", "source", "confidence",
					   "caseless", "field_mode", "cites", "fields", "patterns", "strip_prefixes",
					   "context", "words", "boundary", "normalize", "evidence", NULL};
	shuan_yaml y;
	yaml_node_t *root;
	int rc;

	memset(d, 0, sizeof(*d));
	d->confidence = 0.8;
	d->cue_boost = 0.1;
	if ((rc = shuan_yaml_load_file(&y, path, errbuf, errlen)))
		goto cleanup;
	root = shuan_yaml_root(&y);
	if (!shuan_yaml_is_map(root)) {
		rc = shuan_yaml_fail(&y, root, "a detector file must be one YAML mapping");
		goto cleanup;
	}
	if ((rc = shuan_yaml_check_keys(&y, root, "detector", keys)))
		goto cleanup;
	if (!(d->file = shuan_strdup(path))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < shuan_yaml_count(root); i++) {
		yaml_node_t *k, *v = shuan_yaml_pair(&y, root, i, &k);
		if ((rc = parse_key(&y, shuan_yaml_scalar(k), v, d)))
			goto cleanup;
	}
	rc = SHUAN_ERULES;
	if (!d->info.id || !d->info.label_zh || !d->info.label_en || !d->info.pi_category ||
	    !d->info.validator || d->patterns.n == 0) {
		shuan_yaml_fail(&y, NULL, "id, label_zh, label_en, pi_category, validator and patterns are required");
		goto cleanup;
	}
	if (d->cites.n == 0) {
		shuan_yaml_fail(&y, NULL, "every detector must cite at least one catalogue id");
		goto cleanup;
	}
	if (!(d->validator = shuan_validator_find(d->info.validator))) {
		shuan_yaml_fail(&y, shuan_yaml_get(&y, root, "validator"), "unknown validator '%s'", d->info.validator);
		goto cleanup;
	}
	if ((rc = finish_words(&y, root, d)))
		goto cleanup;
	rc = SHUAN_ERULES;
	apply_defaults(d, shuan_yaml_get(&y, root, "normalize") != NULL, shuan_yaml_get(&y, root, "evidence") != NULL);
	d->info.cites = (const char *const *)d->cites.v;
	d->info.n_cites = d->cites.n;
	d->info.n_patterns = d->patterns.n;
	rc = 0;
cleanup:
	shuan_yaml_free(&y);
	return rc;
}

