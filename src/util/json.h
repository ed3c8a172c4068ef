/*
 * util/json.h - JSON string writing: one escaper for every JSON output.
 */
#ifndef SHUAN_UTIL_JSON_H
#define SHUAN_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s[0..n) as a quoted JSON string: '"', '\\' and control characters
 * escaped, and every byte that is not part of valid UTF-8 written as
 * \ufffd, so the result is valid JSON for any bytes. */
void shuan_json_string(FILE *out, const char *s, size_t n);

/* Writes a NUL-terminated string, or null for NULL. */
void shuan_json_cstring(FILE *out, const char *s);

/* Writes prefix as it is (the JSON before the value, such as ",\"name\":")
 * and then s as shuan_json_cstring() does: one member of an object. */
void shuan_json_field(FILE *out, const char *prefix, const char *s);

/* Writes v[0..n) as a JSON array of strings (null for a NULL one). */
void shuan_json_strings(FILE *out, const char *const *v, size_t n);

/* How a shuan_json_pair's value is written. */
typedef enum {
	SHUAN_JSON_STR,    /* .s as shuan_json_cstring(): null for NULL */
	SHUAN_JSON_TEXT,   /* .s, "" for NULL: a name the schema never makes null */
	SHUAN_JSON_BOOL,   /* .b: true or false */
	SHUAN_JSON_COUNT,  /* .i, null when negative (not known) */
	SHUAN_JSON_AMOUNT, /* .d as %.17g, null when negative (not known) */
} shuan_json_kind;

/* One member of an object: its key (written as it is, so our own ASCII
 * name) and a value of kind, borrowed for the call. Writers list their
 * members in a table of these, so each key stands once beside its value. */
typedef struct {
	const char *key;
	shuan_json_kind kind;
	union {
		const char *s;
		bool b;
		int64_t i;
		double d;
	};
} shuan_json_pair;

/* Writes the members p[0..n) as "key":value, separated by commas: the
 * inside of an object, with no brace and no comma before the first. */
void shuan_json_pairs(FILE *out, const shuan_json_pair *p, size_t n);

/* shuan_json_pairs() over a whole array (not a pointer). */
#define SHUAN_JSON_PAIRS(out, array) shuan_json_pairs(out, array, sizeof(array) / sizeof((array)[0]))

/* The object {members p[0..n)}. */
void shuan_json_object(FILE *out, const shuan_json_pair *p, size_t n);

/* shuan_json_object() over a whole array (not a pointer). */
#define SHUAN_JSON_OBJECT(out, array) shuan_json_object(out, array, sizeof(array) / sizeof((array)[0]))

#endif
