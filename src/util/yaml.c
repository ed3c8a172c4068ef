/*
 * util/yaml.c - the YAML document reader (see yaml.h).
 *
 * The file is read whole (bounded by SHUAN_YAML_MAX_FILE) and parsed from
 * memory, so a read error and a syntax error are told apart and both name
 * the file. libyaml's marks are 0-based; messages count from 1.
 */
#include "util/yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shuan/common.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/io.h"

static void set_name(shuan_yaml *y, const char *name, char *err, size_t errlen)
{
	memset(y, 0, sizeof(*y));
	snprintf(y->file, sizeof(y->file), "%s", name ? name : "(yaml)");
	y->err = err;
	y->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
}

static void put_err(shuan_yaml *y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_err(shuan_yaml *y, const char *fmt, ...)
{
	va_list ap;
	if (!y->err || !y->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(y->err, y->errlen, fmt, ap);
	va_end(ap);
}

/* Parses the next document into y->doc. */
static int load_next(shuan_yaml *y)
{
	if (!yaml_parser_load(&y->parser, &y->doc)) {
		if (y->parser.error == YAML_MEMORY_ERROR) {
			put_err(y, "%s: out of memory", y->file);
			return SHUAN_ENOMEM;
		}
		put_err(y, "%s:%zu:%zu: %s", y->file, y->parser.problem_mark.line + 1,
			y->parser.problem_mark.column + 1, y->parser.problem ? y->parser.problem : "not valid YAML");
		return SHUAN_ERULES;
	}
	y->loaded = true;
	return 0;
}

int shuan_yaml_load_buffer(shuan_yaml *y, const char *name, const char *buf, size_t len, char *err,
			   size_t errlen)
{
	set_name(y, name, err, errlen);
	if (!yaml_parser_initialize(&y->parser)) {
		put_err(y, "%s: out of memory", y->file);
		return SHUAN_ENOMEM;
	}
	y->parsing = true;
	yaml_parser_set_input_string(&y->parser, (const unsigned char *)buf, len);
	return load_next(y);
}

int shuan_yaml_next(shuan_yaml *y)
{
	int rc;
	if (!y->parsing)
		return 0;
	if (y->loaded) {
		yaml_document_delete(&y->doc);
		y->loaded = false;
	}
	if ((rc = load_next(y)))
		return rc;
	if (!yaml_document_get_root_node(&y->doc)) { /* the stream's end */
		yaml_document_delete(&y->doc);
		y->loaded = false;
		return 0;
	}
	return 1;
}

int shuan_yaml_load_file(shuan_yaml *y, const char *path, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = shuan_io_read_file(path, SHUAN_YAML_MAX_FILE, &buf, &len);

	if (rc) {
		set_name(y, path, err, errlen);
		if (rc == SHUAN_ELIMIT)
			put_err(y, "%s: larger than %u MiB", path, SHUAN_YAML_MAX_FILE >> 20);
		else if (rc == SHUAN_ENOMEM)
			put_err(y, "%s: out of memory", path);
		else
			put_err(y, "%s: %s", path, strerror(errno ? errno : EIO));
		return rc;
	}
	rc = shuan_yaml_load_buffer(y, path, buf, len, err, errlen);
	y->text = buf; /* the parser may read it again for later documents */
	return rc;
}

void shuan_yaml_free(shuan_yaml *y)
{
	if (!y)
		return;
	if (y->loaded) {
		yaml_document_delete(&y->doc);
		y->loaded = false;
	}
	if (y->parsing) {
		yaml_parser_delete(&y->parser);
		y->parsing = false;
	}
	shuan_free(y->text);
	y->text = NULL;
}

shuan_yaml_node *shuan_yaml_root(shuan_yaml *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

int shuan_yaml_fail(shuan_yaml *y, const shuan_yaml_node *n, const char *fmt, ...)
{
	char msg[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n)
		put_err(y, "%s:%zu:%zu: %s", y->file, n->start_mark.line + 1, n->start_mark.column + 1, msg);
	else
		put_err(y, "%s: %s", y->file, msg);
	return SHUAN_ERULES;
}

bool shuan_yaml_is_map(const shuan_yaml_node *n) { return n && n->type == YAML_MAPPING_NODE; }
bool shuan_yaml_is_seq(const shuan_yaml_node *n) { return n && n->type == YAML_SEQUENCE_NODE; }

const char *shuan_yaml_scalar(const shuan_yaml_node *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool shuan_yaml_is_null(const shuan_yaml_node *n)
{
	const char *s = shuan_yaml_scalar(n);
	/* a quoted "" is a value, an unquoted empty scalar is null */
	if (!s)
		return false;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null");
}

size_t shuan_yaml_count(const shuan_yaml_node *n)
{
	if (shuan_yaml_is_seq(n))
		return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (shuan_yaml_is_map(n))
		return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	return 0;
}

shuan_yaml_node *shuan_yaml_item(shuan_yaml *y, const shuan_yaml_node *seq, size_t i)
{
	if (i >= shuan_yaml_count(seq) || !shuan_yaml_is_seq(seq))
		return NULL;
	return yaml_document_get_node(&y->doc, seq->data.sequence.items.start[i]);
}

shuan_yaml_node *shuan_yaml_pair(shuan_yaml *y, const shuan_yaml_node *map, size_t i, shuan_yaml_node **key)
{
	if (key)
		*key = NULL;
	if (!shuan_yaml_is_map(map) || i >= shuan_yaml_count(map))
		return NULL;
	const yaml_node_pair_t *p = &map->data.mapping.pairs.start[i];
	if (key)
		*key = yaml_document_get_node(&y->doc, p->key);
	return yaml_document_get_node(&y->doc, p->value);
}

shuan_yaml_node *shuan_yaml_get(shuan_yaml *y, const shuan_yaml_node *map, const char *key)
{
	size_t n = shuan_yaml_count(map);
	if (!shuan_yaml_is_map(map))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		shuan_yaml_node *k, *v = shuan_yaml_pair(y, map, i, &k);
		const char *ks = shuan_yaml_scalar(k);
		if (ks && !strcmp(ks, key))
			return v;
	}
	return NULL;
}

int shuan_yaml_check_keys(shuan_yaml *y, const shuan_yaml_node *map, const char *what,
			  const char *const *allowed)
{
	size_t n = shuan_yaml_count(map);
	if (!shuan_yaml_is_map(map))
		return shuan_yaml_fail(y, map, "%s must be a mapping", what);
	for (size_t i = 0; i < n; i++) {
		shuan_yaml_node *k;
		shuan_yaml_pair(y, map, i, &k);
		const char *ks = shuan_yaml_scalar(k);
		bool ok = false;
		if (!ks)
			return shuan_yaml_fail(y, k, "%s: keys must be plain words", what);
		for (size_t a = 0; allowed[a] && !ok; a++)
			ok = !strcmp(ks, allowed[a]);
		if (!ok)
			return shuan_yaml_fail(y, k, "unknown key '%s' in %s", ks, what);
		for (size_t j = 0; j < i; j++) {
			shuan_yaml_node *kj;
			shuan_yaml_pair(y, map, j, &kj);
			if (!strcmp(shuan_yaml_scalar(kj) ? shuan_yaml_scalar(kj) : "", ks))
				return shuan_yaml_fail(y, k, "key '%s' appears twice in %s", ks, what);
		}
	}
	return 0;
}

int shuan_yaml_string(shuan_yaml *y, const shuan_yaml_node *n, const char *key, const char **out)
{
	const char *s = shuan_yaml_scalar(n);
	if (!s)
		return shuan_yaml_fail(y, n, "'%s' must be a single value", key);
	*out = s;
	return 0;
}

int shuan_yaml_bool(shuan_yaml *y, const shuan_yaml_node *n, const char *key, bool *out)
{
	const char *s = shuan_yaml_scalar(n);
	if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
		*out = true;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
		*out = false;
	else
		return shuan_yaml_fail(y, n, "'%s' must be true or false", key);
	return 0;
}

int shuan_yaml_number(shuan_yaml *y, const shuan_yaml_node *n, const char *key, double lo, double hi,
		      double *out)
{
	const char *s = shuan_yaml_scalar(n);
	char *end;
	double v;
	if (!s)
		return shuan_yaml_fail(y, n, "'%s' must be a number", key);
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return shuan_yaml_fail(y, n, "'%s' must be a number in [%g, %g]", key, lo, hi);
	*out = v;
	return 0;
}

int shuan_yaml_int(shuan_yaml *y, const shuan_yaml_node *n, const char *key, int64_t lo, int64_t hi,
		   int64_t *out)
{
	const char *s = shuan_yaml_scalar(n);
	char *end;
	long long v;
	if (!s)
		return shuan_yaml_fail(y, n, "'%s' must be a whole number", key);
	errno = 0;
	/* "10_000_000" and "10,000,000" are not accepted: ambiguous across locales */
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return shuan_yaml_fail(y, n, "'%s' must be a whole number from %lld to %lld", key, (long long)lo,
				       (long long)hi);
	*out = (int64_t)v;
	return 0;
}

int shuan_yaml_enum(shuan_yaml *y, const shuan_yaml_node *n, const char *key, const char *const *names,
		    int *out)
{
	const char *s = shuan_yaml_scalar(n);
	char list[256];
	size_t o = 0;
	if (s)
		for (int i = 0; names[i]; i++)
			if (!strcmp(s, names[i])) {
				*out = i;
				return 0;
			}
	list[0] = '\0';
	for (int i = 0; names[i] && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", names[i]);
	if (!s)
		return shuan_yaml_fail(y, n, "'%s' must be one of: %s", key, list);
	return shuan_yaml_fail(y, n, "unknown %s '%s' (one of: %s)", key, s, list);
}

int shuan_yaml_scalar_seq(shuan_yaml *y, const shuan_yaml_node *n, const char *key, size_t max)
{
	size_t c = shuan_yaml_count(n);
	if (!shuan_yaml_is_seq(n))
		return shuan_yaml_fail(y, n, "'%s' must be a list", key);
	if (c > max)
		return shuan_yaml_fail(y, n, "'%s' has %zu items, more than the limit of %zu", key, c, max);
	for (size_t i = 0; i < c; i++) {
		shuan_yaml_node *it = shuan_yaml_item(y, n, i);
		if (!shuan_yaml_scalar(it))
			return shuan_yaml_fail(y, it, "'%s' must be a list of single values", key);
	}
	return 0;
}

int shuan_yaml_quoted(shuan_buf *b, const char *s)
{
	int rc = shuan_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; rc == 0 && *p; p++) {
		if (*p == '"' || *p == '\\')
			rc = shuan_buf_addf(b, "\\%c", *p);
		else if (*p == '\n')
			rc = shuan_buf_adds(b, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			rc = shuan_buf_addf(b, "\\x%02x", *p);
		else if (p[0] == 0xC2 && p[1] == 0x85) /* NEL */
			rc = shuan_buf_adds(b, "\\N"), p++;
		else if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) /* LS, PS */
			rc = shuan_buf_adds(b, p[2] == 0xA8 ? "\\L" : "\\P"), p += 2;
		else if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) /* BOM */
			rc = shuan_buf_adds(b, "\\uFEFF"), p += 2;
		else
			rc = shuan_buf_addc(b, (char)*p);
	}
	return rc ? rc : shuan_buf_addc(b, '"');
}
