/*
 * lib/regs/load.c - loads the YAML files of rules/regs/ into a catalogue handle.
 *
 * Files are read in name order with libyaml's document API (which keeps
 * line numbers for messages). A file is recognised by its top-level key:
 * `entries:` (catalogue entries), `sources:`, `authorities:`, `synonyms:`
 * (search), or the ingest vocabulary (`sectors:`, `statuses:`,
 * `ignore_titles:`, `foreign:`, `table_columns:`). Every structural
 * problem fails the load with "file:line: reason": a catalogue that loads is
 * one whose ids, statuses, levels and dates are well-formed. Cross-references
 * (relation targets, source ids) are checked later by shuan_regs_validate(),
 * so that `shuan regs check` can list all of them at once.
 */
#include "lib/regs/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "util/alloc.h"
#include "util/yaml.h"

typedef struct loader {
	shuan_regs *r;
	const char *file; /* arena copy of the path */
	shuan_yaml y;     /* the document; its messages go to msg */
	char msg[512];
} loader;

/* A structural problem: "file:line:column: reason" on the handle. */
static int fail(loader *L, const yaml_node_t *n, const char *fmt, const char *arg)
{
	char what[384];
	snprintf(what, sizeof(what), fmt, arg ? arg : "");
	shuan_yaml_fail(&L->y, n, "%s", what);
	shuan_regs__seterr(L->r, "%s", L->msg);
	return SHUAN_ERULES;
}

static yaml_node_t *map_get(loader *L, yaml_node_t *map, const char *key)
{
	return shuan_yaml_get(&L->y, map, key);
}

/* The scalar's text copied into the arena; NULL for a missing node. An empty
 * scalar (`key:` or `key: ""`) counts as missing. */
static int scalar(loader *L, yaml_node_t *n, const char **out)
{
	*out = NULL;
	if (!n)
		return 0;
	if (n->type != YAML_SCALAR_NODE)
		return fail(L, n, "expected a single value%s", NULL);
	if (n->data.scalar.length == 0)
		return 0;
	*out = shuan_regs__strndup(&L->r->arena, (const char *)n->data.scalar.value, n->data.scalar.length);
	return *out ? 0 : SHUAN_ENOMEM;
}

/* How many values a field holds: none (absent or empty), one (a scalar) or
 * a sequence's length, at most REGS_MAX_LIST. `what` names the expected shape. */
static int list_size(loader *L, yaml_node_t *n, const char *what, size_t *cap)
{
	*cap = 0;
	if (!n || (n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0))
		return 0;
	if (n->type == YAML_SCALAR_NODE)
		*cap = 1;
	else if (n->type == YAML_SEQUENCE_NODE)
		*cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	else
		return fail(L, n, what, NULL);
	return *cap > REGS_MAX_LIST ? fail(L, n, "list longer than the limit%s", NULL) : 0;
}

/* A scalar or a sequence of scalars. */
static int str_list(loader *L, yaml_node_t *n, const char *const **out, size_t *count)
{
	const char **arr;
	size_t k = 0, cap;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = list_size(L, n, "expected a list of values%s", &cap)) != 0 || cap == 0)
		return rc;
	arr = shuan_regs__alloc(&L->r->arena, cap * sizeof(*arr));
	if (!arr)
		return SHUAN_ENOMEM;
	if (n->type == YAML_SCALAR_NODE) {
		if ((rc = scalar(L, n, &arr[0])) != 0)
			return rc;
		k = 1;
	} else {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
		     it++) {
			const char *s;
			if ((rc = scalar(L, yaml_document_get_node(&L->y.doc, *it), &s)) != 0)
				return rc;
			if (s)
				arr[k++] = s;
		}
	}
	*out = arr;
	*count = k;
	return 0;
}

static int check_keys(loader *L, yaml_node_t *map, const char *const *allowed)
{
	if (shuan_yaml_check_keys(&L->y, map, "entry", allowed) == 0)
		return 0;
	shuan_regs__seterr(L->r, "%s", L->msg);
	return SHUAN_ERULES;
}

/* issued/effective: a date, a list of dates, or a list of {date, sources, note}. */
static int date_list(loader *L, yaml_node_t *n, const shuan_regs_date **out, size_t *count)
{
	static const char *const keys[] = {"date", "sources", "source", "note", NULL};
	shuan_regs_date *arr;
	size_t cap, k = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = list_size(L, n, "expected a date or a list of dates%s", &cap)) != 0 || cap == 0)
		return rc;
	arr = shuan_regs__alloc(&L->r->arena, cap * sizeof(*arr));
	if (!arr)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < cap; i++) {
		yaml_node_t *d = n->type == YAML_SCALAR_NODE
		                     ? n
		                     : yaml_document_get_node(&L->y.doc, n->data.sequence.items.start[i]);
		shuan_regs_date *x = &arr[k];
		if (!d)
			continue;
		if (d->type == YAML_MAPPING_NODE) {
			if ((rc = check_keys(L, d, keys)) != 0 ||
			    (rc = scalar(L, map_get(L, d, "date"), &x->date)) != 0 ||
			    (rc = scalar(L, map_get(L, d, "note"), &x->note)) != 0)
				return rc;
			if ((rc = str_list(L, map_get(L, d, "sources"), &x->sources, &x->nsources)) != 0)
				return rc;
			if (!x->nsources &&
			    (rc = str_list(L, map_get(L, d, "source"), &x->sources, &x->nsources)) != 0)
				return rc;
		} else if ((rc = scalar(L, d, &x->date)) != 0) {
			return rc;
		}
		if (!x->date || !shuan_regs__valid_date(x->date))
			return fail(L, d, "bad date '%s' (want YYYY, YYYY-MM or YYYY-MM-DD)", x->date);
		k++;
	}
	*out = arr;
	*count = k;
	return 0;
}

static int relations(loader *L, yaml_node_t *n, const shuan_regs_relation **out, size_t *count)
{
	static const char *const keys[] = {"type", "target", NULL};
	shuan_regs_relation *arr;
	size_t cap, k = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (!n)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(L, n, "relations must be a list of {type, target}%s", NULL);
	cap = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cap > REGS_MAX_LIST)
		return fail(L, n, "too many relations%s", NULL);
	if (cap == 0)
		return 0;
	arr = shuan_regs__alloc(&L->r->arena, cap * sizeof(*arr));
	if (!arr)
		return SHUAN_ENOMEM;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&L->y.doc, *it);
		if (!m || m->type != YAML_MAPPING_NODE)
			return fail(L, m, "a relation is a mapping {type, target}%s", NULL);
		if ((rc = check_keys(L, m, keys)) != 0 ||
		    (rc = scalar(L, map_get(L, m, "type"), &arr[k].type)) != 0 ||
		    (rc = scalar(L, map_get(L, m, "target"), &arr[k].target)) != 0)
			return rc;
		if (!arr[k].type || !arr[k].target)
			return fail(L, m, "a relation needs type and target%s", NULL);
		k++;
	}
	*out = arr;
	*count = k;
	return 0;
}

static int load_entry(loader *L, yaml_node_t *m)
{
	static const char *const keys[] = {"id",      "title",      "title_en",  "aliases",     "doc_number",
	                                   "issuers", "issued",     "effective", "status",      "level",
	                                   "sectors", "region",     "summary",   "obligations", "relations",
	                                   "sources", "unverified", "notes",     "keywords", NULL};
	regs_item *it;
	shuan_regs_entry *e;
	int rc;

	if (!m || m->type != YAML_MAPPING_NODE)
		return fail(L, m, "an entry is a mapping%s", NULL);
	if ((rc = check_keys(L, m, keys)) != 0)
		return rc;
	it = shuan_regs__alloc(&L->r->arena, sizeof(*it));
	if (!it)
		return SHUAN_ENOMEM;
	e = &it->e;
	e->origin = L->file;
	e->line = (int)m->start_mark.line + 1;
	if ((rc = scalar(L, map_get(L, m, "id"), &e->id)) ||
	    (rc = scalar(L, map_get(L, m, "title"), &e->title)) ||
	    (rc = scalar(L, map_get(L, m, "title_en"), &e->title_en)) ||
	    (rc = scalar(L, map_get(L, m, "doc_number"), &e->doc_number)) ||
	    (rc = scalar(L, map_get(L, m, "status"), &e->status)) ||
	    (rc = scalar(L, map_get(L, m, "level"), &e->level)) ||
	    (rc = scalar(L, map_get(L, m, "region"), &e->region)) ||
	    (rc = scalar(L, map_get(L, m, "summary"), &e->summary)) ||
	    (rc = scalar(L, map_get(L, m, "notes"), &e->notes)) ||
	    (rc = str_list(L, map_get(L, m, "aliases"), &e->aliases, &e->naliases)) ||
	    (rc = str_list(L, map_get(L, m, "keywords"), &it->keywords, &it->nkeywords)) ||
	    (rc = str_list(L, map_get(L, m, "issuers"), &e->issuers, &e->nissuers)) ||
	    (rc = str_list(L, map_get(L, m, "sectors"), &e->sectors, &e->nsectors)) ||
	    (rc = str_list(L, map_get(L, m, "obligations"), &e->obligations, &e->nobligations)) ||
	    (rc = str_list(L, map_get(L, m, "sources"), &e->sources, &e->nsources)) ||
	    (rc = str_list(L, map_get(L, m, "unverified"), &e->unverified, &e->nunverified)) ||
	    (rc = date_list(L, map_get(L, m, "issued"), &e->issued, &e->nissued)) ||
	    (rc = date_list(L, map_get(L, m, "effective"), &e->effective, &e->neffective)) ||
	    (rc = relations(L, map_get(L, m, "relations"), &e->relations, &e->nrelations)))
		return rc;
	if (!e->id || !shuan_regs__valid_slug(e->id))
		return fail(L, m, "id '%s' is not a lowercase ASCII slug", e->id);
	if (!e->title)
		return fail(L, m, "entry %s has no title", e->id);
	if (!e->status || !shuan_regs__valid_status(e->status))
		return fail(L, m, "unknown status '%s'", e->status);
	if (!e->level || !shuan_regs__valid_level(e->level))
		return fail(L, m, "unknown level '%s'", e->level);
	if (!e->summary)
		return fail(L, m, "entry %s has no summary", e->id);
	if (!e->nsectors)
		return fail(L, m, "entry %s has no sectors", e->id);
	rc = shuan_regs__add(L->r, it);
	if (rc == SHUAN_EINVAL)
		return SHUAN_ERULES; /* the message is on the handle */
	return rc;
}

static int load_sources(loader *L, yaml_node_t *seq)
{
	static const char *const keys[] = {"id", "title", "publisher", "date", "url", NULL};
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail(L, seq, "sources must be a list%s", NULL);
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&L->y.doc, *it);
		shuan_regs_source s = {0};
		int rc;
		if (!m || m->type != YAML_MAPPING_NODE)
			return fail(L, m, "a source is a mapping%s", NULL);
		if ((rc = check_keys(L, m, keys)) || (rc = scalar(L, map_get(L, m, "id"), &s.id)) ||
		    (rc = scalar(L, map_get(L, m, "title"), &s.title)) ||
		    (rc = scalar(L, map_get(L, m, "publisher"), &s.publisher)) ||
		    (rc = scalar(L, map_get(L, m, "date"), &s.date)) ||
		    (rc = scalar(L, map_get(L, m, "url"), &s.url)))
			return rc;
		if (!s.id || !shuan_regs__valid_slug(s.id))
			return fail(L, m, "source id '%s' is not a lowercase ASCII slug", s.id);
		if (shuan_regs_source_get(L->r, s.id))
			return fail(L, m, "duplicate source id '%s'", s.id);
		if (L->r->nsources == L->r->capsources) {
			size_t cap = L->r->capsources ? L->r->capsources * 2 : 16;
			shuan_regs_source *n;
			if (cap > REGS_MAX_ENTRIES)
				return fail(L, m, "too many sources%s", NULL);
			n = shuan_realloc(L->r->sources, cap * sizeof(*n));
			if (!n)
				return SHUAN_ENOMEM;
			L->r->sources = n;
			L->r->capsources = cap;
		}
		L->r->sources[L->r->nsources++] = s;
	}
	return 0;
}

static int load_authorities(loader *L, yaml_node_t *seq)
{
	static const char *const keys[] = {"name", "aliases", NULL};
	size_t n;
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail(L, seq, "authorities must be a list%s", NULL);
	n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	if (n > REGS_MAX_ENTRIES)
		return fail(L, seq, "too many authorities%s", NULL);
	L->r->auths = shuan_regs__alloc(&L->r->arena, (n ? n : 1) * sizeof(regs_authority));
	if (!L->r->auths)
		return SHUAN_ENOMEM;
	L->r->nauths = 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&L->y.doc, *it);
		regs_authority *a = &L->r->auths[L->r->nauths];
		const char *const *al;
		size_t nal;
		int rc;
		if (!m || m->type != YAML_MAPPING_NODE)
			return fail(L, m, "an authority is a mapping {name, aliases}%s", NULL);
		if ((rc = check_keys(L, m, keys)) || (rc = scalar(L, map_get(L, m, "name"), &a->name)) ||
		    (rc = str_list(L, map_get(L, m, "aliases"), &al, &nal)))
			return rc;
		if (!a->name)
			return fail(L, m, "an authority needs a name%s", NULL);
		a->keys = shuan_regs__alloc(&L->r->arena, (nal + 1) * sizeof(char *));
		if (!a->keys)
			return SHUAN_ENOMEM;
		a->keys[0] = (char *)a->name;
		for (size_t i = 0; i < nal; i++)
			a->keys[i + 1] = (char *)al[i];
		a->nkeys = nal + 1;
		L->r->nauths++;
	}
	return 0;
}

static int load_words(loader *L, yaml_node_t *seq, const char *k1, const char *k2, regs_word **out, size_t *n)
{
	const char *keys[] = {k1, k2, NULL};
	size_t cap;
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail(L, seq, "expected a list of {%s, ...}", k1);
	cap = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	if (cap > REGS_MAX_ENTRIES)
		return fail(L, seq, "list too long%s", NULL);
	*out = shuan_regs__alloc(&L->r->arena, (cap ? cap : 1) * sizeof(regs_word));
	if (!*out)
		return SHUAN_ENOMEM;
	*n = 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&L->y.doc, *it);
		regs_word *w = &(*out)[*n];
		int rc;
		if (!m || m->type != YAML_MAPPING_NODE)
			return fail(L, m, "expected a mapping with %s", k1);
		if ((rc = check_keys(L, m, keys)) || (rc = scalar(L, map_get(L, m, k1), &w->word)) ||
		    (rc = scalar(L, map_get(L, m, k2), &w->value)))
			return rc;
		if (!w->word || !w->value)
			return fail(L, m, "both %s and its value are needed", k1);
		(*n)++;
	}
	return 0;
}

static int load_ignore(loader *L, yaml_node_t *n)
{
	const char *const *list;
	size_t cnt;
	int rc = str_list(L, n, &list, &cnt);
	char key[REGS_MAX_KEY];
	if (rc)
		return rc;
	L->r->ignore_keys = shuan_regs__alloc(&L->r->arena, (cnt ? cnt : 1) * sizeof(char *));
	if (!L->r->ignore_keys)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		shuan_regs_title_key(list[i], key, sizeof(key));
		if (!(L->r->ignore_keys[i] = shuan_regs__strdup(&L->r->arena, key)))
			return SHUAN_ENOMEM;
	}
	L->r->nignore = cnt;
	return 0;
}

/* synonyms: a list of word groups, each a list of at least two words a
 * search treats as the same. Words are folded as query terms are. */
static int load_synonyms(loader *L, yaml_node_t *n)
{
	shuan_regs *r = L->r;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(L, n, "synonyms must be a list of word lists%s", NULL);
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	regs_synonyms *g = shuan_regs__alloc(&r->arena, (r->nsynonyms + cnt + 1) * sizeof(*g));
	if (!g)
		return SHUAN_ENOMEM;
	if (r->nsynonyms)
		memcpy(g, r->synonyms, r->nsynonyms * sizeof(*g));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *grp = yaml_document_get_node(&L->y.doc, *it);
		const char *const *list;
		size_t k;
		int rc = str_list(L, grp, &list, &k);
		if (rc)
			return rc;
		if (k < 2)
			return fail(L, grp, "a synonym group needs two words or more%s", NULL);
		const char **w = shuan_regs__alloc(&r->arena, k * sizeof(char *));
		if (!w)
			return SHUAN_ENOMEM;
		for (size_t i = 0; i < k; i++) {
			char buf[REGS_MAX_KEY];
			size_t l = shuan_regs__fold(list[i], strlen(list[i]), buf, sizeof(buf));
			if (!l || !(w[i] = shuan_regs__strndup(&r->arena, buf, l)))
				return l ? SHUAN_ENOMEM : fail(L, grp, "an empty synonym%s", NULL);
		}
		g[r->nsynonyms].words = w;
		g[r->nsynonyms].n = k;
		r->nsynonyms++;
	}
	r->synonyms = g;
	return 0;
}

static int load_file(shuan_regs *r, const char *path, char *errbuf, size_t errlen)
{
	loader L = {.r = r};
	yaml_node_t *root, *n;
	bool known = false;
	int rc = 0;

	if (!(L.file = shuan_regs__strdup(&r->arena, path)))
		return SHUAN_ENOMEM;
	if ((rc = shuan_yaml_load_file(&L.y, path, L.msg, sizeof(L.msg)))) {
		shuan_regs__seterr(r, "%s", L.msg);
		goto cleanup;
	}
	root = shuan_yaml_root(&L.y);
	if (!root) /* an empty file */
		goto cleanup;
	if (root->type != YAML_MAPPING_NODE) {
		rc = fail(&L, root, "the top level must be a mapping%s", NULL);
		goto cleanup;
	}
	if ((n = map_get(&L, root, "entries"))) {
		known = true;
		if (n->type != YAML_SEQUENCE_NODE) {
			rc = fail(&L, n, "entries must be a list%s", NULL);
			goto cleanup;
		}
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top && !rc; it++)
			rc = load_entry(&L, yaml_document_get_node(&L.y.doc, *it));
		if (rc)
			goto cleanup;
	}
	if ((n = map_get(&L, root, "sources"))) {
		known = true;
		if ((rc = load_sources(&L, n)))
			goto cleanup;
	}
	if ((n = map_get(&L, root, "authorities"))) {
		known = true;
		if ((rc = load_authorities(&L, n)))
			goto cleanup;
	}
	if ((n = map_get(&L, root, "sectors"))) {
		known = true;
		if ((rc = load_words(&L, n, "keyword", "sector", &r->sector_words, &r->nsector_words)))
			goto cleanup;
	}
	if ((n = map_get(&L, root, "statuses"))) {
		known = true;
		if ((rc = load_words(&L, n, "word", "status", &r->status_words, &r->nstatus_words)))
			goto cleanup;
	}
	if ((n = map_get(&L, root, "ignore_titles"))) {
		known = true;
		if ((rc = load_ignore(&L, n)))
			goto cleanup;
	}
	if ((n = map_get(&L, root, "foreign"))) {
		known = true;
		if ((rc = str_list(&L, n, &r->foreign, &r->nforeign)))
			goto cleanup;
	}
	if ((n = map_get(&L, root, "table_columns"))) {
		known = true;
		if ((rc = load_words(&L, n, "header", "field", &r->column_words, &r->ncolumn_words)))
			goto cleanup;
		for (size_t i = 0; i < r->ncolumn_words; i++) {
			static const char *const fields[] = {"doc_number", "date", "effective", "issuers", "status", "title", NULL};
			bool ok = false;
			for (size_t k = 0; fields[k] && !ok; k++)
				ok = !strcmp(fields[k], r->column_words[i].value);
			if (!ok) {
				rc = fail(&L, n, "table_columns: unknown field '%s'", r->column_words[i].value);
				goto cleanup;
			}
		}
	}
	if ((n = map_get(&L, root, "synonyms"))) {
		known = true;
		if ((rc = load_synonyms(&L, n)))
			goto cleanup;
	}
	if (!known)
		rc = fail(&L, root, "no entries, sources, authorities, synonyms or ingest vocabulary here%s", NULL);
cleanup:
	if (rc == SHUAN_ENOMEM)
		shuan_regs__seterr(r, "out of memory loading %s", path);
	if (rc && errbuf)
		snprintf(errbuf, errlen, "%s", r->errmsg);
	shuan_yaml_free(&L.y);
	return rc;
}

static int yaml_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".yaml");
}

int shuan_regs__load_dir(shuan_regs *r, const char *regs_dir, char *errbuf, size_t errlen)
{
	struct dirent **names = NULL;
	int n = scandir(regs_dir, &names, yaml_filter, alphasort), rc = 0;

	if (n < 0) {
		shuan_regs__seterr(r, "cannot read %s: %s", regs_dir, strerror(errno));
		if (errbuf)
			snprintf(errbuf, errlen, "%s", r->errmsg);
		return errno == ENOENT ? SHUAN_ENOTFOUND : SHUAN_EIO;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		if (rc == 0) {
			if (snprintf(path, sizeof(path), "%s/%s", regs_dir, names[i]->d_name) >=
			    (int)sizeof(path))
				rc = SHUAN_ELIMIT;
			else
				rc = load_file(r, path, errbuf, errlen);
		}
		free(names[i]); /* allocated by scandir with libc malloc */
	}
	free(names);
	return rc;
}
