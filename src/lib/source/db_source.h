/*
 * lib/source/db_source.h - databases as inputs of shuan_scan_source()
 * (db_source.c): a database URL or an SQLite file, table by table.
 */
#ifndef SHUAN_LIB_SOURCE_DB_SOURCE_H
#define SHUAN_LIB_SOURCE_DB_SOURCE_H

#include "lib/scan/internal.h"
#include "lib/source/db.h"
#include "shuan/source.h"

/* Whether the first bytes of a file are an SQLite database header. */
static inline bool shuan_db__is_sqlite_header(const unsigned char *head, size_t n)
{
	return n >= 16 && !memcmp(head, "SQLite format 3", 16);
}

/* Opens a database URL, or an SQLite file by its path (then named by the
 * path, not a URL). Same returns as shuan_db__open. */
int shuan_db__open_source(shuan_db **out, const char *path, const shuan_db_options *opts, char *err,
			  size_t errlen);

int shuan_db__open_source_rw(shuan_db **out, const char *path, const shuan_db_options *opts, bool writable,
			     char *err, size_t errlen);

/* Scans every table of the database at path (a URL or an SQLite file):
 * findings to fcb, one input result per table (or one for a source that
 * cannot be opened or listed) to icb. Returns 0, or the code of what stopped it: a
 * callback (SHUAN_ESTOP) or the cancel flag (SHUAN_EINTR) stopped it. */
int shuan_db__scan_source(shuan_scanner *s, const char *path, const shuan_db_options *opts, shuan_finding_fn fcb,
			  shuan_input_fn icb, void *ud);

#endif
