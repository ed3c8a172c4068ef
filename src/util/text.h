/*
 * util/text.h - text from inputs made safe to show: file names, member
 * names, sheet names and CSV headers come from the input, and a terminal
 * obeys what they contain (ESC [2J clears the screen, OSC sets its title, a
 * newline forges a message line, a right-to-left override reorders what
 * follows). One escaper for every place that prints such text to a terminal
 * or a text file (text output, CSV cells, every stderr message).
 */
#ifndef SHUAN_UTIL_TEXT_H
#define SHUAN_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The bytes shuan_escape_display() may need for n input bytes, NUL included. */
#define SHUAN_ESCAPE_MAX(n) ((n) * 6 + 1)

/*
 * Copies s[0..n) into out (cap bytes, always NUL-terminated) with what a
 * terminal would act on made visible: C0 controls and DEL as \n \r \t or
 * \xNN, C1 controls (U+0080-U+009F), bidirectional overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069) as \u202e, and bytes that are not UTF-8 as
 * \xNN. Everything else, Chinese text included, is copied as it is. A result
 * longer than cap is cut at a character boundary and ends in "...". Returns
 * out. Thread-safe.
 */
char *shuan_escape_display(const char *s, size_t n, char *out, size_t cap);

/* Writes s (NULL: nothing) escaped as shuan_escape_display() does, whatever
 * its length. */
void shuan_fputs_safe(FILE *out, const char *s);

/* Whether s[0..n) holds anything shuan_escape_display() would change. */
bool shuan_escape_needed(const char *s, size_t n);

/* Copies a database server's message into out (cap > 0, always
 * NUL-terminated) with every '...' quoted part replaced by '…': MySQL
 * quotes the statement near an error and the values of a failed row, which
 * must never reach a log. */
void shuan_redact_quoted(const char *msg, char *out, size_t cap);

#endif
