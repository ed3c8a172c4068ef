/*
 * util/text.h - text from inputs (column names, table names, paths) shown
 * on a terminal: control characters escaped as \xNN so a name can neither
 * move the cursor nor hide what follows.
 */
#ifndef SHUAN_UTIL_TEXT_H
#define SHUAN_UTIL_TEXT_H

#include <stdio.h>

/* Writes s (NULL: nothing) with bytes below 0x20 and 0x7f as \xNN. */
void shuan_fputs_safe(FILE *out, const char *s);

#endif
