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

#include <yaml.h>

#include "util/alloc.h"

#define MAX_DEPTH 64
#define MAX_DIR_DEPTH 8

typedef struct walker {
	shuan_regs *r;
	const char *file;
	yaml_document_t *doc;
	size_t cap;
	int rc;
} walker;

static const char *scalar_of(yaml_node_t *n)
{
	return (n && n->type == YAML_SCALAR_NODE) ? (const char *)n->data.scalar.value : NULL;
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
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar_of(yaml_document_get_node(w->doc, p->key));
		if (k && !strcmp(k, key))
			return yaml_document_get_node(w->doc, p->value);
	}
	return NULL;
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
		yaml_node_t *x = yaml_document_get_node(w->doc, *it);
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
			const char *k = scalar_of(yaml_document_get_node(w->doc, p->key));
			yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
			if (k && !strcmp(k, "cites"))
				cites_value(w, v, rule);
			else
				walk(w, v, rule, depth + 1);
		}
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
		     it++)
			walk(w, yaml_document_get_node(w->doc, *it), rule, depth + 1);
	}
}

static int scan_file(shuan_regs *r, const char *path, size_t *cap)
{
	walker w = {.r = r, .cap = *cap};
	yaml_parser_t parser;
	FILE *f = fopen(path, "rb");
	const char *base;

	if (!f) {
		shuan_regs__seterr(r, "cannot open %s: %s", path, strerror(errno));
		return SHUAN_EIO;
	}
	if (!(w.file = shuan_regs__strdup(&r->cite_arena, path))) {
		fclose(f);
		return SHUAN_ENOMEM;
	}
	base = strrchr(w.file, '/');
	base = base ? base + 1 : w.file;
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return SHUAN_ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	for (;;) {
		yaml_document_t doc;
		yaml_node_t *root;
		if (!yaml_parser_load(&parser, &doc)) {
			shuan_regs__seterr(r, "%s:%lu: %s", path, (unsigned long)parser.problem_mark.line + 1,
			                   parser.problem ? parser.problem : "invalid YAML");
			w.rc = SHUAN_ERULES;
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		w.doc = &doc;
		walk(&w, root, base, 0);
		yaml_document_delete(&doc);
		if (w.rc)
			break;
	}
	yaml_parser_delete(&parser);
	fclose(f);
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
