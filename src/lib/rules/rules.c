/*
 * lib/rules/rules.c - the rule set: every rules/detectors/<id>.yaml (read by
 * detector.c), the selection a caller asked for, the validators' tables
 * from rules/data/, and one matcher over all selected patterns
 * (compile.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/rules/internal.h"
#include "util/alloc.h"
#include "util/io.h"
#include "util/yaml.h"

#define ERR(...) snprintf(errbuf, errlen, __VA_ARGS__)

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

/* Adds one selected detector file (its name and bytes) to the digest that
 * salts the compiled-patterns cache key: any edit of a rule file, its word
 * lists included, makes a new key. */
static int digest_file(EVP_MD_CTX *h, const char *path, const char *name)
{
	char *text = NULL;
	size_t len = 0;
	int rc = shuan_io_read_file(path, 16u << 20, &text, &len);
	if (rc)
		return rc;
	if (EVP_DigestUpdate(h, name, strlen(name) + 1) != 1 || EVP_DigestUpdate(h, &len, sizeof(len)) != 1 ||
	    EVP_DigestUpdate(h, text, len) != 1)
		rc = SHUAN_ERROR;
	shuan_free(text);
	return rc;
}

static int load_detectors(shuan_rules *r, const char *dir, const shuan_rules_options *o, const char *cache_dir,
			  char *errbuf, size_t errlen)
{
	EVP_MD_CTX *h = NULL;
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
		if (len > 5 && !strcmp(de->d_name + len - 5, ".yaml") && (rc = shuan_strlist__push(&files, de->d_name, len)))
			break;
	}
	closedir(dp);
	if (!rc && files.n)
		qsort(files.v, files.n, sizeof(char *), cmp_str);
	if (!rc && !(r->dets = shuan_calloc(files.n ? files.n : 1, sizeof(*r->dets))))
		rc = SHUAN_ENOMEM;
	if (!rc && cache_dir && (!(h = EVP_MD_CTX_new()) || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1))
		rc = SHUAN_ENOMEM;
	for (size_t i = 0; !rc && i < files.n; i++) {
		shuan_detector d;
		snprintf(path, sizeof(path), "%s/detectors/%s", dir, files.v[i]);
		if ((rc = shuan_detector__load(path, &d, errbuf, errlen))) {
			shuan_detector__free(&d);
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
		if (!rc && wanted && h && (rc = digest_file(h, path, files.v[i])) != 0)
			ERR("%s: cannot read it again for the rules cache", path);
		if (rc || !wanted)
			shuan_detector__free(&d);
		else
			r->dets[r->n++] = d;
	}
	unsigned int dl = 0;
	if (!rc && h && (EVP_DigestFinal_ex(h, r->digest, &dl) != 1 || dl != sizeof(r->digest)))
		rc = SHUAN_ERROR;
	EVP_MD_CTX_free(h);
	shuan_strlist__free(&files);
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
	if (opts && opts->version != 1 && opts->version != SHUAN_RULES_OPTIONS_VERSION) {
		ERR("rules options version %u is not 1 or %d", opts->version, SHUAN_RULES_OPTIONS_VERSION);
		return SHUAN_EINVAL;
	}
	/* version 1 ends before cache_dir */
	const char *cache_dir = opts && opts->version >= 2 && opts->cache_dir && *opts->cache_dir ? opts->cache_dir
												    : NULL;
	if (!(r = shuan_calloc(1, sizeof(*r))))
		return SHUAN_ENOMEM;
	r->cache.dir = kind == SHUAN_MATCHER_VECTORSCAN ? cache_dir : NULL;
	r->cache.read_only = cache_dir && opts->cache_read_only;
	if ((rc = check_selection(dir, opts, errbuf, errlen)) ||
	    (rc = load_detectors(r, dir, opts, r->cache.dir, errbuf, errlen)) ||
	    (rc = load_tables(r, dir, errbuf, errlen)) ||
	    (rc = shuan_rules__compile(r, kind, errbuf, errlen))) {
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
		shuan_detector__free(&r->dets[i]);
	shuan_free(r->dets);
	shuan_free(r->pattern_det);
	shuan_free(r->pattern_trim);
	shuan_free(r->pattern_lead);
	shuan_free(r->pattern_width);
	shuan_matcher_free(r->matcher);
	shuan_vdata_free(&r->vdata);
	shuan_free(r);
}

size_t shuan_rules_count(const shuan_rules *r) { return r ? r->n : 0; }

const shuan_detector_info *shuan_rules_detector(const shuan_rules *r, size_t i)
{
	return r && i < r->n ? &r->dets[i].info : NULL;
}

void shuan_rules_cache_get(const shuan_rules *r, shuan_rules_cache_info *out)
{
	static const shuan_rules_cache_state states[] = {SHUAN_RULES_CACHE_OFF, SHUAN_RULES_CACHE_HIT,
							 SHUAN_RULES_CACHE_STORED, SHUAN_RULES_CACHE_UNWRITABLE,
							 SHUAN_RULES_CACHE_MISS};
	out->state = r && (unsigned)r->cache.state < 5 ? states[r->cache.state] : SHUAN_RULES_CACHE_OFF;
	out->path = r ? r->cache.path : "";
	out->note = r ? r->cache.note : "";
}

int shuan_rules_cache_default_dir(char *buf, size_t len)
{
	const char *own = getenv("SHUAN_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;
	/* XDG Base Directory: a relative XDG_CACHE_HOME is invalid and ignored */
	if (own && *own)
		n = snprintf(buf, len, "%s", own);
	else if (xdg && *xdg == '/')
		n = snprintf(buf, len, "%s/shuan", xdg);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.cache/shuan", home);
	else
		return SHUAN_ENOTFOUND;
	return n < 0 || (size_t)n >= len ? SHUAN_ELIMIT : 0;
}

long shuan_rules__index(const shuan_rules *r, const char *id)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (!strcmp(r->dets[i].info.id, id))
			return (long)i;
	return -1;
}

const shuan_detector_info *shuan_rules_find(const shuan_rules *r, const char *id)
{
	long i = shuan_rules__index(r, id);
	return i < 0 ? NULL : &r->dets[i].info;
}
