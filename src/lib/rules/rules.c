/*
 * lib/rules/rules.c - loads rules/detectors/<id>.yaml and rules/data/ tables, selects
 * detectors and compiles all their patterns into one matcher.
 *
 * Each detector file is one YAML mapping (schema in rules/README.md). Unknown
 * keys are errors so that a typo never silently disables a check.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rules/internal.h"
#include "util/alloc.h"
#include "util/yaml.h"

#define ERR(...) snprintf(errbuf, errlen, __VA_ARGS__)

static void strlist_free(shuan_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		shuan_free(l->v[i]);
	shuan_free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int strlist_push(shuan_strlist *l, const char *s, size_t len)
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

static void detector_free(shuan_detector *d)
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
	strlist_free(&d->patterns);
	strlist_free(&d->cites);
	strlist_free(&d->cues);
	strlist_free(&d->anti_cues);
	strlist_free(&d->fields);
	strlist_free(&d->strip_prefixes);
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
			rc = strlist_push(out, buf, len);
		} else {
			rc = strlist_push(out, s, strlen(s));
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

static int load_detector(const char *path, shuan_detector *d, char *errbuf, size_t errlen)
{
	static const char *const keys[] = {"id", "rev", "label_zh", "label_en", "pi_category", "sensitive",
					   "spi_category", "spi_when_precise", "validator", "source", "confidence",
					   "caseless", "field_mode", "cites", "fields", "patterns", "strip_prefixes",
					   "context", "boundary", "normalize", "evidence", NULL};
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
	apply_defaults(d, shuan_yaml_get(&y, root, "normalize") != NULL, shuan_yaml_get(&y, root, "evidence") != NULL);
	d->info.cites = (const char *const *)d->cites.v;
	d->info.n_cites = d->cites.n;
	d->info.n_patterns = d->patterns.n;
	rc = 0;
cleanup:
	shuan_yaml_free(&y);
	return rc;
}

/* ---- the rule set ------------------------------------------------------ */

static bool in_list(const char *const *list, const char *id)
{
	for (; list && *list; list++)
		if (!strcmp(*list, id))
			return true;
	return false;
}

static int cmp_det(const void *a, const void *b)
{
	return strcmp(((const shuan_detector *)a)->info.id, ((const shuan_detector *)b)->info.id);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_detectors(shuan_rules *r, const char *dir, const shuan_rules_options *o, char *errbuf,
			  size_t errlen)
{
	char path[4096];
	shuan_strlist files = {0};
	DIR *dp;
	struct dirent *de;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/detectors", dir);
	if (!(dp = opendir(path))) {
		ERR("%s: %s", path, strerror(errno));
		return SHUAN_ENOTFOUND;
	}
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (len > 5 && !strcmp(de->d_name + len - 5, ".yaml") && (rc = strlist_push(&files, de->d_name, len)))
			break;
	}
	closedir(dp);
	if (!rc && files.n)
		qsort(files.v, files.n, sizeof(char *), cmp_str);
	if (!rc && !(r->dets = shuan_calloc(files.n ? files.n : 1, sizeof(*r->dets))))
		rc = SHUAN_ENOMEM;
	for (size_t i = 0; !rc && i < files.n; i++) {
		shuan_detector d;
		snprintf(path, sizeof(path), "%s/detectors/%s", dir, files.v[i]);
		if ((rc = load_detector(path, &d, errbuf, errlen))) {
			detector_free(&d);
			break;
		}
		/* --detectors finds a detector by its file name: they must agree */
		size_t fl = strlen(files.v[i]) - 5;
		if (strlen(d.info.id) != fl || strncmp(d.info.id, files.v[i], fl)) {
			ERR("%s: id '%s' does not match the file name", path, d.info.id);
			rc = SHUAN_ERULES;
		}
		for (size_t k = 0; k < r->n; k++)
			if (!strcmp(r->dets[k].info.id, d.info.id)) {
				ERR("%s: duplicate detector id '%s'", path, d.info.id);
				rc = SHUAN_ERULES;
			}
		bool wanted = (!o || !o->only || in_list(o->only, d.info.id)) &&
			      !(o && in_list(o->exclude, d.info.id));
		if (rc || !wanted)
			detector_free(&d);
		else
			r->dets[r->n++] = d;
	}
	strlist_free(&files);
	if (!rc && r->n > 1)
		qsort(r->dets, r->n, sizeof(*r->dets), cmp_det);
	return rc;
}

/* Every id named in only/exclude must exist among all detector files. */
static int check_selection(const char *dir, const shuan_rules_options *o, char *errbuf, size_t errlen)
{
	const char *const *lists[2] = {o ? o->only : NULL, o ? o->exclude : NULL};
	char path[4096];
	for (int l = 0; l < 2; l++)
		for (const char *const *p = lists[l]; p && *p; p++) {
			snprintf(path, sizeof(path), "%s/detectors/%s.yaml", dir, *p);
			FILE *f = fopen(path, "rb");
			if (!f) {
				ERR("unknown detector '%s' (see 'shuan detectors')", *p);
				return SHUAN_ENOTFOUND;
			}
			fclose(f);
		}
	return 0;
}

static int load_tables(shuan_rules *r, const char *dir, char *errbuf, size_t errlen)
{
	return shuan_vdata_load(&r->vdata, dir, errbuf, errlen);
}

/* A bounded pattern wrapped in its boundary delimiters: D(?:P)D. The scanner
 * puts a newline sentinel before and after every chunk, so a value at the
 * very start or end of the input has its delimiter too. */
static char *bounded(const char *regex, boundary_kind b)
{
	const char *delim = b == BOUNDARY_DIGIT ? "[^0-9]" : "[^0-9A-Za-z]";
	size_t n = strlen(regex) + 2 * strlen(delim) + 8;
	char *v = shuan_malloc(n);
	if (v)
		snprintf(v, n, "%s(?:%s)%s", delim, regex, delim);
	return v;
}

/* A cue-led pattern: (?:cue1|cue2)(?:[^\n]{0,G}D)?(?:P)D, cue words escaped,
 * G so that the gap fits the detector's cue window (Han characters take
 * three bytes). */
static char *cue_led(const shuan_detector *d, const char *regex)
{
	const char *delim = d->boundary == BOUNDARY_DIGIT ? "[^0-9]" : "[^0-9A-Za-z]";
	size_t n = strlen(regex) + 2 * strlen(delim) + 64;
	for (size_t i = 0; i < d->cues.n; i++)
		n += 2 * strlen(d->cues.v[i]) + 1;
	char *v = shuan_malloc(n), *o = v;
	if (!v)
		return NULL;
	o += sprintf(o, "(?:");
	for (size_t i = 0; i < d->cues.n; i++) {
		if (i)
			*o++ = '|';
		for (const char *c = d->cues.v[i]; *c; c++) {
			if (strchr("\\.^$|?*+()[]{}-", *c))
				*o++ = '\\';
			*o++ = *c;
		}
	}
	int gap = d->window / 3 > 1 ? d->window / 3 - 1 : 1;
	snprintf(o, n - (size_t)(o - v), ")(?:[^\n]{0,%d}%s)?(?:%s)%s", gap, delim, regex, delim);
	return v;
}

static int compile_patterns(shuan_rules *r, shuan_matcher_kind kind, char *errbuf, size_t errlen)
{
	shuan_pattern_def *defs;
	size_t n = 0, k = 0;
	char msg[512];
	int rc = SHUAN_ENOMEM;

	for (size_t i = 0; i < r->n; i++)
		n += r->dets[i].patterns.n;
	defs = shuan_calloc(n ? n : 1, sizeof(*defs));
	r->pattern_det = shuan_calloc(n ? n : 1, sizeof(*r->pattern_det));
	r->pattern_trim = shuan_calloc(n ? n : 1, 1);
	if (!defs || !r->pattern_det || !r->pattern_trim)
		goto cleanup;
	for (size_t i = 0; i < r->n; i++) {
		const shuan_detector *d = &r->dets[i];
		for (size_t j = 0; j < d->patterns.n; j++, k++) {
			defs[k].caseless = d->caseless;
			r->pattern_det[k] = (unsigned)i;
			if (d->boundary == BOUNDARY_NONE) {
				defs[k].regex = d->patterns.v[j];
				continue;
			}
			if (d->require_cue && d->cues.n) {
				/* cue words are stored lower-case: match them caselessly */
				if (!(defs[k].regex = cue_led(d, d->patterns.v[j])))
					goto cleanup;
				defs[k].caseless = true;
				r->pattern_trim[k] = PATTERN_TRIM_CUE | PATTERN_TRIM_END;
				continue;
			}
			if (!(defs[k].regex = bounded(d->patterns.v[j], d->boundary)))
				goto cleanup;
			r->pattern_trim[k] = PATTERN_TRIM_START | PATTERN_TRIM_END;
		}
	}
	r->n_patterns = n;
	size_t bad;
	rc = shuan_matcher_compile(&r->matcher, kind, defs, n, &bad, msg, sizeof(msg));
	if (rc == SHUAN_ERULES && bad < n)
		ERR("%s: pattern '%s': %s", r->dets[r->pattern_det[bad]].file, defs[bad].regex, msg);
	else if (rc)
		ERR("compiling patterns: %s", rc == SHUAN_ENOMEM ? "out of memory" : msg);
cleanup:
	for (size_t i = 0; defs && i < k; i++)
		if (r->pattern_trim[i])
			shuan_free((char *)defs[i].regex);
	shuan_free(defs);
	return rc;
}

int shuan_rules_load(shuan_rules **out, const char *dir, const shuan_rules_options *opts, char *errbuf,
		     size_t errlen)
{
	return shuan_rules__load(out, dir, opts, SHUAN_MATCHER_VECTORSCAN, errbuf, errlen);
}

int shuan_rules__load(shuan_rules **out, const char *dir, const shuan_rules_options *opts, shuan_matcher_kind kind,
		      char *errbuf, size_t errlen)
{
	char dummy[8];
	shuan_rules *r;
	int rc;

	if (!errbuf) {
		errbuf = dummy;
		errlen = sizeof(dummy);
	}
	errbuf[0] = '\0';
	*out = NULL;
	if (opts && opts->version != SHUAN_RULES_OPTIONS_VERSION) {
		ERR("rules options version %u is not %d", opts->version, SHUAN_RULES_OPTIONS_VERSION);
		return SHUAN_EINVAL;
	}
	if (!(r = shuan_calloc(1, sizeof(*r))))
		return SHUAN_ENOMEM;
	if ((rc = check_selection(dir, opts, errbuf, errlen)) || (rc = load_detectors(r, dir, opts, errbuf, errlen)) ||
	    (rc = load_tables(r, dir, errbuf, errlen)) ||
	    (rc = compile_patterns(r, kind, errbuf, errlen))) {
		shuan_rules_free(r);
		return rc;
	}
	for (size_t i = 0; i < r->n; i++)
		r->any_field_mode |= r->dets[i].field_mode;
	*out = r;
	return 0;
}

void shuan_rules_free(shuan_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		detector_free(&r->dets[i]);
	shuan_free(r->dets);
	shuan_free(r->pattern_det);
	shuan_free(r->pattern_trim);
	shuan_matcher_free(r->matcher);
	shuan_vdata_free(&r->vdata);
	shuan_free(r);
}

size_t shuan_rules_count(const shuan_rules *r) { return r ? r->n : 0; }

const shuan_detector_info *shuan_rules_detector(const shuan_rules *r, size_t i)
{
	return r && i < r->n ? &r->dets[i].info : NULL;
}

const shuan_detector_info *shuan_rules_find(const shuan_rules *r, const char *id)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (!strcmp(r->dets[i].info.id, id))
			return &r->dets[i].info;
	return NULL;
}
