/*
 * lib/regs/cites.c - finds the `cites:` of every rule file so that `regs
 * check` can fail on a dangling citation and `regs show` can list what in
 * shuan implements an instrument.
 *
 * Rules are YAML files anywhere under the rules directory (detectors,
 * grading profiles, duties); the catalogue's own directory is skipped. A
 * citation belongs to the nearest enclosing mapping with an `id:` (the rule),
 * or to the file when there is none. A cited value "pipl" or "pipl art. 28"
 * resolves to the leading slug ("pipl").
 */
#include "lib/regs/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/alloc.h"
#include "util/yaml.h"

#define MAX_DEPTH 64
#define MAX_DIR_DEPTH 8

typedef struct walker {
	shuan_regs *r;
	const char *file;
	shuan_yaml *y;
	size_t cap;
	int rc;
} walker;

static const char *scalar_of(yaml_node_t *n)
{
	return shuan_yaml_scalar(n);
}

static void add_cite(walker *w, const char *value, const char *rule, int line)
{
	shuan_regs_citation *c;
	size_t n = 0;

	if (w->rc || !value)
		return;
	while (value[n] && ((value[n] >= 'a' && value[n] <= 'z') || (value[n] >= '0' && value[n] <= '9') ||
	                    value[n] == '-'))
		n++;
	if (n == 0)
		n = strlen(value);
	if (w->r->ncites >= REGS_MAX_CITATIONS) {
		shuan_regs__seterr(w->r, "more than %d citations", REGS_MAX_CITATIONS);
		w->rc = SHUAN_ELIMIT;
		return;
	}
	if (w->r->ncites == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		shuan_regs_citation *nc = shuan_realloc(w->r->cites, cap * sizeof(*nc));
		if (!nc) {
			w->rc = SHUAN_ENOMEM;
			return;
		}
		w->r->cites = nc;
		w->cap = cap;
	}
	c = &w->r->cites[w->r->ncites];
	c->cited = shuan_regs__strndup(&w->r->cite_arena, value, n);
	c->rule = rule;
	c->file = w->file;
	c->line = line;
	if (!c->cited) {
		w->rc = SHUAN_ENOMEM;
		return;
	}
	w->r->ncites++;
}

static yaml_node_t *get(walker *w, yaml_node_t *map, const char *key)
{
	return shuan_yaml_get(w->y, map, key);
}

static void cites_value(walker *w, yaml_node_t *v, const char *rule)
{
	if (!v)
		return;
	if (v->type == YAML_SCALAR_NODE) {
		if (v->data.scalar.length)
			add_cite(w, scalar_of(v), rule, (int)v->start_mark.line + 1);
		return;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *x = yaml_document_get_node(&w->y->doc, *it);
		if (!x)
			continue;
		if (x->type == YAML_SCALAR_NODE) {
			add_cite(w, scalar_of(x), rule, (int)x->start_mark.line + 1);
		} else if (x->type == YAML_MAPPING_NODE) {
			yaml_node_t *id = get(w, x, "id");
			if (!id)
				id = get(w, x, "reg");
			add_cite(w, scalar_of(id), rule, (int)x->start_mark.line + 1);
		}
	}
}

static void walk(walker *w, yaml_node_t *n, const char *rule, int depth)
{
	if (!n || w->rc || depth > MAX_DEPTH)
		return;
	if (n->type == YAML_MAPPING_NODE) {
		const char *id = scalar_of(get(w, n, "id"));
		if (id) {
			rule = shuan_regs__strdup(&w->r->cite_arena, id);
			if (!rule) {
				w->rc = SHUAN_ENOMEM;
				return;
			}
		}
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			const char *k = scalar_of(yaml_document_get_node(&w->y->doc, p->key));
			yaml_node_t *v = yaml_document_get_node(&w->y->doc, p->value);
			if (k && !strcmp(k, "cites"))
				cites_value(w, v, rule);
			else
				walk(w, v, rule, depth + 1);
		}
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
		     it++)
			walk(w, yaml_document_get_node(&w->y->doc, *it), rule, depth + 1);
	}
}

static int scan_file(shuan_regs *r, const char *path, size_t *cap)
{
	walker w = {.r = r, .cap = *cap};
	shuan_yaml y;
	char msg[512];
	const char *base;
	int more;

	if (!(w.file = shuan_regs__strdup(&r->cite_arena, path)))
		return SHUAN_ENOMEM;
	base = strrchr(w.file, '/');
	base = base ? base + 1 : w.file;
	w.y = &y;
	more = shuan_yaml_load_file(&y, path, msg, sizeof(msg));
	more = more ? more : 1;
	/* every document of the file */
	while (more == 1 && !w.rc) {
		yaml_node_t *root = shuan_yaml_root(&y);
		if (!root)
			break;
		walk(&w, root, base, 0);
		if (!w.rc)
			more = shuan_yaml_next(&y);
	}
	if (more < 0 && !w.rc) {
		shuan_regs__seterr(r, "%s", msg);
		w.rc = more == SHUAN_ENOMEM ? SHUAN_ENOMEM : more == SHUAN_ERULES ? SHUAN_ERULES : SHUAN_EIO;
	}
	shuan_yaml_free(&y);
	*cap = w.cap;
	return w.rc;
}

static int scan_dir(shuan_regs *r, const char *dir, const char *skip, int depth, size_t *cap)
{
	struct dirent **names = NULL;
	int n, rc = 0;

	if (depth > MAX_DIR_DEPTH)
		return 0;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return 0; /* a missing rules directory simply has no citations */
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		const char *nm = names[i]->d_name;
		size_t len = strlen(nm);
		if (rc == 0 && nm[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir, nm) < (int)sizeof(path) &&
		    stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				if (strcmp(path, skip))
					rc = scan_dir(r, path, skip, depth + 1, cap);
			} else if (S_ISREG(st.st_mode) && ((len > 5 && !strcmp(nm + len - 5, ".yaml")) ||
			                                   (len > 4 && !strcmp(nm + len - 4, ".yml")))) {
				rc = scan_file(r, path, cap);
			}
		}
		free(names[i]); /* scandir allocates with libc malloc */
	}
	free(names);
	return rc;
}

int shuan_regs_scan_citations(shuan_regs *r, const char *rules_dir)
{
	char skip[4096];
	size_t cap = 0;
	int rc;

	shuan_free(r->cites);
	r->cites = NULL;
	r->ncites = 0;
	shuan_regs__arena_free(&r->cite_arena);
	if (snprintf(skip, sizeof(skip), "%s/regs", rules_dir) >= (int)sizeof(skip))
		return SHUAN_ELIMIT;
	rc = scan_dir(r, rules_dir, skip, 0, &cap);
	return rc;
}
