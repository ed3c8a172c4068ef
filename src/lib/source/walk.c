/*
 * lib/source/walk.c - recursive directory walk. Directory symlinks are followed;
 * every directory entered is remembered by (device, inode) so a loop, or a
 * second link to a tree already walked, is reported once and not re-entered.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shuan/walk.h"
#include "util/alloc.h"

typedef struct walk {
	const shuan_walk_options *o;
	shuan_walk_file_fn file_fn;
	shuan_walk_skip_fn skip_fn;
	void *ud;
	struct {
		dev_t dev;
		ino_t ino;
	} *seen;
	size_t nseen, capseen;
	size_t root_len;
	int max_depth;
} walk;

static bool glob_hit(const char *const *globs, const char *rel, const char *base)
{
	for (; globs && *globs; globs++) {
		const char *subject = strchr(*globs, '/') ? rel : base;
		if (fnmatch(*globs, subject, 0) == 0)
			return true;
	}
	return false;
}

static int skip(walk *w, const char *path, const char *reason)
{
	return w->skip_fn && w->skip_fn(path, reason, w->ud) ? SHUAN_ESTOP : 0;
}

/* Returns 1 when (dev, ino) was seen before, else remembers it. */
static int seen_before(walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return 1;
	if (w->nseen == w->capseen) {
		size_t cap = w->capseen ? w->capseen * 2 : 64;
		void *p = shuan_realloc(w->seen, cap * sizeof(*w->seen));
		if (!p)
			return -1;
		w->seen = p;
		w->capseen = cap;
	}
	w->seen[w->nseen].dev = st->st_dev;
	w->seen[w->nseen].ino = st->st_ino;
	w->nseen++;
	return 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int walk_path(walk *w, const char *path, int depth, bool is_root);

static int walk_dir(walk *w, const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d)
		return skip(w, path, strerror(errno));
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **p = shuan_realloc(names, cap * sizeof(*names));
			if (!p) {
				rc = SHUAN_ENOMEM;
				break;
			}
			names = p;
		}
		if (!(names[n] = shuan_strdup(de->d_name))) {
			rc = SHUAN_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc && n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (!rc) {
			size_t len = strlen(path) + strlen(names[i]) + 2;
			char *child = shuan_malloc(len);
			if (!child) {
				rc = SHUAN_ENOMEM;
			} else {
				snprintf(child, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
					 names[i]);
				rc = walk_path(w, child, depth + 1, false);
				shuan_free(child);
			}
		}
		shuan_free(names[i]);
	}
	shuan_free(names);
	return rc;
}

static int walk_path(walk *w, const char *path, int depth, bool is_root)
{
	struct stat st, lst;
	const char *base = strrchr(path, '/');
	const char *rel = path + (strlen(path) > w->root_len ? w->root_len + 1 : 0);
	base = base && base[1] ? base + 1 : path;

	if (stat(path, &st) != 0) {
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			return skip(w, path, errno == ELOOP ? "symlink loop" : "dangling symlink");
		return skip(w, path, strerror(errno));
	}
	if (!is_root && glob_hit(w->o ? w->o->exclude : NULL, rel, base))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		int seen = seen_before(w, &st);
		if (seen < 0)
			return SHUAN_ENOMEM;
		if (seen)
			return skip(w, path, "directory already walked (symlink loop or second link)");
		if (depth >= w->max_depth)
			return skip(w, path, "directory nesting deeper than the walk limit");
		return walk_dir(w, path, depth);
	}
	if (!S_ISREG(st.st_mode))
		return is_root ? skip(w, path, "not a regular file") : 0;
	if (!is_root && w->o && w->o->include && w->o->include[0] && !glob_hit(w->o->include, rel, base))
		return 0;
	return w->file_fn(path, w->ud) ? SHUAN_ESTOP : 0;
}

int shuan_walk(const char *root, const shuan_walk_options *opts, shuan_walk_file_fn file_fn,
	       shuan_walk_skip_fn skip_fn, void *userdata)
{
	walk w = {opts, file_fn, skip_fn, userdata, NULL, 0, 0, strlen(root), 64};
	int rc;
	if (opts && opts->version != SHUAN_WALK_OPTIONS_VERSION)
		return SHUAN_EINVAL;
	if (opts && opts->max_depth > 0)
		w.max_depth = opts->max_depth;
	while (w.root_len > 1 && root[w.root_len - 1] == '/')
		w.root_len--;
	rc = walk_path(&w, root, 0, true);
	shuan_free(w.seen);
	return rc;
}
