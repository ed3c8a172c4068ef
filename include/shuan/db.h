/*
 * shuan/db.h - databases as sources: what a caller says about reading them.
 *
 * A database is named by a URL:
 *
 *   sqlite:///var/lib/app/app.db        (an SQLite file; also found by its
 *                                        header in a directory walk)
 *   postgresql://user@host:5432/db?sslmode=verify-full   (libpq's own URI
 *                                        syntax: every libpq parameter passes
 *                                        through, host=/run/postgresql for a
 *                                        socket directory)
 *   mysql://user@host:3306/db?ssl-mode=REQUIRED   (MariaDB Connector/C;
 *                                        also mariadb://; socket=/path for a
 *                                        local socket)
 *
 * Passwords: libpq reads PGPASSWORD and ~/.pgpass itself; MariaDB
 * Connector/C reads MYSQL_PWD; a caller may pass one in the options (the CLI
 * reads --password-file or prompts without echo). A password written into
 * the URL works but is never shown: every message and output names the
 * source by its display form, the URL without the password.
 *
 * Sessions are read-only (PostgreSQL default_transaction_read_only, MariaDB
 * SET SESSION TRANSACTION READ ONLY, SQLite opened read-only), with a
 * statement timeout; identifiers are always quoted. The one exception is
 * shuan_mask_table() with a target table: it opens a writable session to
 * create and fill that new table (SQLite: the reading connection itself).
 */
#ifndef SHUAN_DB_H
#define SHUAN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rows read per table by default when sampling. */
#define SHUAN_DB_DEFAULT_SAMPLE 1000
/* Bytes read of one cell by default; longer cells are cut there and counted. */
#define SHUAN_DB_DEFAULT_MAX_CELL ((size_t)1 << 20)

#define SHUAN_DB_OPTIONS_VERSION 2
typedef struct shuan_db_options {
	unsigned version;            /* SHUAN_DB_OPTIONS_VERSION */
	const char *password;        /* NULL: the engine's own sources (PGPASSWORD, ~/.pgpass,
				      * MYSQL_PWD) or none. Borrowed; never copied into messages. */
	bool full;                   /* read every row (streamed) instead of a sample */
	uint64_t sample;             /* rows per table when not full; 0 = SHUAN_DB_DEFAULT_SAMPLE */
	size_t max_cell;             /* bytes kept of one cell; 0 = SHUAN_DB_DEFAULT_MAX_CELL */
	unsigned statement_timeout;  /* seconds per statement; 0 = 30 when sampling, none with full */
	unsigned connect_timeout;    /* seconds; 0 = 10 */
	/* Called when the server asks for a password and none was given (in
	 * these options, the URL, or the engine's own sources): writes it into
	 * buf, NUL-terminated, and returns 0, or non-zero to give up. The
	 * library wipes buf after use. NULL: never ask. */
	int (*ask_password)(const char *source, char *buf, size_t cap, void *ud);
	void *ask_ud;
	/* Version 2. With full: connections that may read one table in parts
	 * at once (PostgreSQL ordinary tables: block ranges in one snapshot);
	 * 0 or 1 = one, at most SHUAN_DB_MAX_CONNECTIONS. */
	unsigned connections;
} shuan_db_options;
#define SHUAN_DB_OPTIONS_INIT {SHUAN_DB_OPTIONS_VERSION, NULL, false, 0, 0, 0, 0, NULL, NULL, 0}
#define SHUAN_DB_MAX_CONNECTIONS 16

/* Whether s names a database (sqlite://, postgresql://, postgres://,
 * mysql://, mariadb://) rather than a path. */
SHUAN_API bool shuan_db_is_url(const char *s);

/* Whether s looks like a URL of any scheme ("name://..."), so a caller can
 * refuse an unknown scheme instead of treating it as a file name. */
SHUAN_API bool shuan_db_looks_like_url(const char *s);

/*
 * Writes the display form of a URL into out: the URL with any password
 * removed ("postgresql://scan@db:5432/app"), and with a password= query
 * parameter dropped. Works for any scheme, so an unknown one can be named
 * safely. Returns 0, SHUAN_EINVAL (not a URL) or
 * SHUAN_ELIMIT (out too small; out then holds a truncated, still
 * password-free, text).
 */
SHUAN_API int shuan_db_display_url(const char *url, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
