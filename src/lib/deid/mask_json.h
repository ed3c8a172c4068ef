/*
 * lib/deid/mask_json.h - the JSON / JSON Lines masking tokenizer (mask_json.c).
 */
#ifndef SHUAN_LIB_DEID_MASK_JSON_H
#define SHUAN_LIB_DEID_MASK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/deid/internal.h"

#define JSON_MAX_DEPTH 128
#define JSON_MAX_KEY 128
#define JSON_MAX_PATH 1024

typedef enum deid_json_state {
	J_VALUE = 0,    /* a value (top level, after ':' or ',' in an array) */
	J_VALUE_OR_END, /* after '[' */
	J_KEY,          /* after ',' in an object */
	J_KEY_OR_END,   /* after '{' */
	J_COLON,
	J_COMMA_OR_END,
	J_DONE, /* the top-level value is complete */
} deid_json_state;

typedef struct deid_json_level {
	bool array;
	long index;
	char key[JSON_MAX_KEY]; /* as written (escapes kept), cut at JSON_MAX_KEY - 1 bytes */
	size_t keylen;
} deid_json_level;

typedef struct deid_json {
	deid_worker *w;
	bool lines; /* JSON Lines: one value per line */
	bool empty_ok;
	bool matched_rule; /* some path rule matched a value */
	deid_json_state state;
	int depth;
	uint64_t line; /* newlines consumed (for messages) */
	deid_json_level stack[JSON_MAX_DEPTH];
} deid_json;

void deid_json_init(deid_json *j, deid_worker *w, bool lines);

/*
 * Masks buf[0..len), whose first byte is at stream offset `base` (findings
 * f[0..nf) are in stream offsets, sorted; *fi is the first not yet passed).
 * Appends the output and sets *consumed to the bytes used: everything when
 * `final`, else up to the start of a token the buffer may cut off. Returns
 * 0, or SHUAN_EINVAL (w->errmsg says what is wrong; j->line where) or
 * SHUAN_ELIMIT.
 */
int deid_json_feed(deid_json *j, const char *buf, size_t len, uint64_t base, bool final, const deid_find *f,
                   size_t nf, size_t *fi, shuan_buf *out, size_t *consumed);

/* Appends v[0..n) escaped for a JSON string (without the quotes). */
int deid_json_escape(const char *v, size_t n, shuan_buf *out);

#endif
