/*
 * lib/store/internal.h - semi-private access to the store for library modules
 * that keep their own tables (scans, regs, inventories, ...). Tables are
 * created by the ordered migrations in migrate.c, applied when the store is
 * opened; a module only reads and writes them.
 */
#ifndef SHUAN_LIB_STORE_INTERNAL_H
#define SHUAN_LIB_STORE_INTERNAL_H

#include <sqlite3.h>

#include "shuan/store.h"

/* One step of the schema history: `sql` takes the store from version-1 to
 * `version`. */
typedef struct shuan_store_migration {
	int version;
	const char *what; /* for messages: "scan summaries" */
	const char *sql;
} shuan_store_migration;

/* Applies every migration newer than the store's version, each in its own
 * transaction. Fails (SHUAN_ESTORE, message in errbuf) on a store newer than
 * the list or a migration that fails; the store then stays at the last
 * version that applied. */
int shuan_store__migrate(sqlite3 *db, char *errbuf, size_t errlen);
/* The same with another list (tests). */
int shuan_store__migrate_list(sqlite3 *db, const shuan_store_migration *list, size_t n, char *errbuf,
			      size_t errlen);
/* PRAGMA user_version of db. */
int shuan_store__schema_version(sqlite3 *db, int *out);
/* The version the last migration of this build reaches. */
int shuan_store__latest_version(void);

/* The open database handle, borrowed from the store. */
sqlite3 *shuan_store__db(shuan_store *s);

/* Records a failure message on the handle (printf-style). */
void shuan_store__seterr(shuan_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
