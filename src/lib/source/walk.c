/*
 * lib/source/walk.c - recursive directory walk. Directory symlinks are followed;
 * every directory entered is remembered by (device, inode) so a loop, or a
 * second link to a tree already walked, is reported once and not re-entered.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shuan/walk.h"
#include "util/alloc.h"
#include "util/buf.h"

/* A directory entered, by device and inode (a loop through links is seen). */
typedef struct dir_id {
	dev_t dev;
	ino_t ino;
} dir_id;

typedef struct walk {
	const shuan_walk_options *o;
	shuan_walk_file_fn file_fn;
	shuan_walk_skip_fn skip_fn;
	void *ud;
	shuan_vec seen; /* dir_id */
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
	const dir_id id = {st->st_dev, st->st_ino};
	for (size_t i = 0; i < w->seen.n; i++)
		if (SHUAN_VEC_AT(&w->seen, dir_id, i).dev == id.dev &&
		    SHUAN_VEC_AT(&w->seen, dir_id, i).ino == id.ino)
			return 1;
	return shuan_vec_push(&w->seen, &id) ? -1 : 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int walk_path(walk *w, const char *path, int depth, bool is_root);

static int walk_dir(walk *w, const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *de;
	shuan_vec list;
	char **names;
	size_t n;
	int rc = 0;

	if (!d)
		return skip(w, path, strerror(errno));
	shuan_vec_init(&list, sizeof(char *), SIZE_MAX / sizeof(char *));
	while ((de = readdir(d))) {
		char *name;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!(name = shuan_strdup(de->d_name))) {
			rc = SHUAN_ENOMEM;
			break;
		}
		if ((rc = shuan_vec_push(&list, &name))) {
			shuan_free(name);
			break;
		}
	}
	closedir(d);
	names = list.v;
	n = list.n;
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
	shuan_vec_free(&list);
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
	walk w = {.o = opts,
	          .file_fn = file_fn,
	          .skip_fn = skip_fn,
	          .ud = userdata,
	          .root_len = strlen(root),
	          .max_depth = 64};
	int rc;
	shuan_vec_init(&w.seen, sizeof(dir_id), SIZE_MAX / sizeof(dir_id));
	if (opts && opts->version != SHUAN_WALK_OPTIONS_VERSION)
		return SHUAN_EINVAL;
	if (opts && opts->max_depth > 0)
		w.max_depth = opts->max_depth;
	while (w.root_len > 1 && root[w.root_len - 1] == '/')
		w.root_len--;
	rc = walk_path(&w, root, 0, true);
	shuan_vec_free(&w.seen);
	return rc;
}
