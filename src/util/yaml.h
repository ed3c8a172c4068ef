/*
 * util/yaml.h - the one YAML reader every part of shuan uses (detectors, the
 * regulation catalogue, dictionaries, grading profiles, policies, duty facts).
 *
 * A thin layer over libyaml's document API: it loads a whole document (files
 * are small, and the document API keeps each node's position), then offers
 * lookups and typed getters that write every problem as
 * "file:line:column: reason" into the caller's error buffer. Unknown keys
 * are errors wherever a caller lists the allowed ones, so a typo never
 * silently disables a setting.
 *
 * Values are never copied: strings returned point into the document and live
 * until shuan_yaml_free().
 */
#ifndef SHUAN_UTIL_YAML_H
#define SHUAN_UTIL_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

/* Files larger than this are refused (SHUAN_ELIMIT): rules are small. */
#define SHUAN_YAML_MAX_FILE (16u << 20)

typedef yaml_node_t shuan_yaml_node;

typedef struct shuan_yaml {
	yaml_document_t doc;
	yaml_parser_t parser; /* kept for the documents after the first */
	char *text;           /* a file's bytes, owned while the parser reads them */
	char file[512];       /* the name used in messages */
	char *err;            /* the caller's buffer for the first failure, or NULL */
	size_t errlen;
	bool loaded, parsing;
} shuan_yaml;

/*
 * Loads the document in `path` (the name in messages is the path). Returns 0,
 * SHUAN_ENOTFOUND, SHUAN_EIO, SHUAN_ELIMIT (too large), SHUAN_ERULES (not
 * YAML: the message says where) or SHUAN_ENOMEM. An empty file loads as a
 * document without a root. Call shuan_yaml_free() whatever the result.
 */
int shuan_yaml_load_file(shuan_yaml *y, const char *path, char *err, size_t errlen);

/* The same for bytes in memory, named `name` in messages. */
int shuan_yaml_load_buffer(shuan_yaml *y, const char *name, const char *buf, size_t len, char *err,
			   size_t errlen);

/* Moves to the next document of a multi-document stream ("---"): 1 when
 * there is one (the previous document is released), 0 at the end, or a
 * negative code (SHUAN_ERULES with the position, SHUAN_ENOMEM). The buffer
 * given to shuan_yaml_load_buffer must still be there. */
int shuan_yaml_next(shuan_yaml *y);

/* Releases the document. Safe on a zeroed or failed shuan_yaml. */
void shuan_yaml_free(shuan_yaml *y);

/* The root node, or NULL for an empty document. */
shuan_yaml_node *shuan_yaml_root(shuan_yaml *y);

/*
 * Writes "file:line:column: <message>" for node n (file only when n is NULL)
 * into the error buffer and returns SHUAN_ERULES, so a caller can write
 * `return shuan_yaml_fail(y, n, "...", ...)`.
 */
int shuan_yaml_fail(shuan_yaml *y, const shuan_yaml_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Shapes. */
bool shuan_yaml_is_map(const shuan_yaml_node *n);
bool shuan_yaml_is_seq(const shuan_yaml_node *n);
/* The text of a scalar node (never NULL for a scalar), else NULL. */
const char *shuan_yaml_scalar(const shuan_yaml_node *n);
/* A scalar that is empty, "~" or "null". */
bool shuan_yaml_is_null(const shuan_yaml_node *n);

/* Items of a sequence / pairs of a mapping (0 for other nodes). */
size_t shuan_yaml_count(const shuan_yaml_node *n);
shuan_yaml_node *shuan_yaml_item(shuan_yaml *y, const shuan_yaml_node *seq, size_t i);
/* The i-th pair of a mapping: its value, and its key node through *key. */
shuan_yaml_node *shuan_yaml_pair(shuan_yaml *y, const shuan_yaml_node *map, size_t i, shuan_yaml_node **key);

/* The value under `key` in a mapping, or NULL (absent, or n not a mapping). */
shuan_yaml_node *shuan_yaml_get(shuan_yaml *y, const shuan_yaml_node *map, const char *key);

/*
 * Fails (SHUAN_ERULES, naming the key and where it is) when the mapping has a
 * key not in the NULL-terminated `allowed` list, a key that is not a plain
 * scalar, or the same key twice. `what` names the mapping in the message
 * ("detector", "transfer").
 */
int shuan_yaml_check_keys(shuan_yaml *y, const shuan_yaml_node *map, const char *what,
			  const char *const *allowed);

/*
 * Typed getters: each checks n's shape and value and fails with a message
 * naming `key` and the position. They return 0 or SHUAN_ERULES.
 */
int shuan_yaml_string(shuan_yaml *y, const shuan_yaml_node *n, const char *key, const char **out);
int shuan_yaml_bool(shuan_yaml *y, const shuan_yaml_node *n, const char *key, bool *out);
int shuan_yaml_number(shuan_yaml *y, const shuan_yaml_node *n, const char *key, double lo, double hi,
		      double *out);
int shuan_yaml_int(shuan_yaml *y, const shuan_yaml_node *n, const char *key, int64_t lo, int64_t hi,
		   int64_t *out);
/* One of the NULL-terminated names; *out is its index. */
int shuan_yaml_enum(shuan_yaml *y, const shuan_yaml_node *n, const char *key, const char *const *names,
		    int *out);
/* A sequence whose items are all scalars (`max` items at most). */
int shuan_yaml_scalar_seq(shuan_yaml *y, const shuan_yaml_node *n, const char *key, size_t max);

struct shuan_buf;
/*
 * Appends s as a YAML double-quoted scalar that reads back as exactly s:
 * quote, backslash and control characters escaped, and the characters YAML
 * takes as line breaks inside a scalar (U+0085, U+2028, U+2029) and the BOM
 * escaped too. Returns 0, SHUAN_ELIMIT or SHUAN_ENOMEM (from the buffer).
 */
int shuan_yaml_quoted(struct shuan_buf *b, const char *s);

#endif
