/*
 * lib/store/internal.h - semi-private access to the store for library modules
 * that keep their own tables (scans, regs, ...). Each module creates its
 * tables with CREATE TABLE IF NOT EXISTS in its own code.
 */
#ifndef SHUAN_LIB_STORE_INTERNAL_H
#define SHUAN_LIB_STORE_INTERNAL_H

#include <sqlite3.h>

#include "shuan/store.h"

/* The open database handle, borrowed from the store. */
sqlite3 *shuan_store__db(shuan_store *s);

/* Records a failure message on the handle (printf-style). */
void shuan_store__seterr(shuan_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
