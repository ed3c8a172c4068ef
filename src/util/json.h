/*
 * util/json.h - JSON string writing: one escaper for every JSON output.
 */
#ifndef SHUAN_UTIL_JSON_H
#define SHUAN_UTIL_JSON_H

#include <stddef.h>
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

#endif
