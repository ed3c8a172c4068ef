/*
 * shuan/walk.h - walking the paths a user names: files, directories
 * (recursively, following symlinks with loop detection), include/exclude
 * globs. Nothing is opened for reading here; the callbacks decide.
 */
#ifndef SHUAN_WALK_H
#define SHUAN_WALK_H

#include <stdbool.h>

#include "shuan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SHUAN_WALK_OPTIONS_VERSION 1
typedef struct shuan_walk_options {
	unsigned version; /* SHUAN_WALK_OPTIONS_VERSION */
	/* NULL-terminated fnmatch(3) globs. A glob without '/' matches the base
	 * name, one with '/' the path below the root. A file is taken when it
	 * matches an include glob (or there are none) and no exclude glob; an
	 * excluded directory is not entered. */
	const char *const *include;
	const char *const *exclude;
	int max_depth; /* 0 = 64 */
} shuan_walk_options;
#define SHUAN_WALK_OPTIONS_INIT {SHUAN_WALK_OPTIONS_VERSION, NULL, NULL, 0}

/* Called per regular file; return non-zero to stop the walk. */
typedef int (*shuan_walk_file_fn)(const char *path, void *userdata);
/* Called per path that cannot be walked (permission denied, symlink loop,
 * dangling link, special file); return non-zero to stop. */
typedef int (*shuan_walk_skip_fn)(const char *path, const char *reason, void *userdata);

/*
 * Walks `root` (a file or a directory). Entries of a directory are visited
 * in byte order of their names, so runs are reproducible. Returns 0, or
 * SHUAN_ESTOP when a callback stopped the walk. Problems with individual
 * paths go to skip_fn and do not stop the walk.
 */
SHUAN_API int shuan_walk(const char *root, const shuan_walk_options *opts, shuan_walk_file_fn file_fn,
			 shuan_walk_skip_fn skip_fn, void *userdata);

#ifdef __cplusplus
}
#endif
#endif
