/*
 * lib/source/db.h - reading databases: one small interface over SQLite,
 * PostgreSQL (libpq) and MySQL/MariaDB (MariaDB Connector/C).
 *
 *   shuan_db__open(url)       connect (read-only session, timeouts)
 *   shuan_db__list()          schemas, tables, views, columns with types,
 *                             comments and primary keys
 *   shuan_db__rows_open(t)    a sample of rows (cheap random sampling where
 *                             the engine has it) or every row, streamed
 *   shuan_db__rows_next()     one row of values, each capped at max_cell
 *   shuan_db__rows_close()
 *
 * The row interface is what the scanner (table_scan.c), the inventory and
 * de-identification read tables through: values are bytes with a length,
 * NULL apart from empty, binary columns marked, long cells cut at the cap
 * and flagged, so a caller never needs to know the engine.
 *
 * Errors: every function returns 0 or a negative SHUAN_E* code and leaves a
 * message on the handle (shuan_db__errmsg) naming what failed - the source's
 * display URL, the table - and why, in the engine's words. No message ever
 * holds a password or a value read from a table. One table's failure never
 * closes the connection: the next table can be read.
 *
 * A handle is not thread-safe; open one per thread.
 */
#ifndef SHUAN_LIB_SOURCE_DB_H
#define SHUAN_LIB_SOURCE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/db.h"
#include "util/buf.h"

typedef enum shuan_db_engine {
	SHUAN_DB_SQLITE = 1,
	SHUAN_DB_POSTGRES = 2,
	SHUAN_DB_MYSQL = 3,
} shuan_db_engine;

/* "sqlite", "postgresql", "mysql". */
const char *shuan_db__engine_name(shuan_db_engine e);

typedef struct shuan_db_column {
	char *name;
	char *type;    /* as the engine writes it: "character varying(20)", "varchar(20)", "TEXT" */
	char *comment; /* "" when none */
	bool pk;       /* part of the primary key */
	bool binary;   /* bytea / BLOB types: values are bytes, not text */
	bool capped;   /* values may be long (text, json, arrays...): read up to max_cell */
	bool integer;  /* an integer type (a surrogate key can be shown as it is) */
} shuan_db_column;

typedef struct shuan_db_table {
	char *schema;      /* PostgreSQL schema, MySQL database, "main" for SQLite */
	char *name;
	char *comment;     /* "" when none */
	bool view;
	bool plain;        /* an ordinary table (PostgreSQL relkind r): it can be read in block ranges */
	int64_t est_rows;  /* the engine's estimate, -1 unknown */
	size_t ncols;
	shuan_db_column *cols;
} shuan_db_table;

typedef struct shuan_db_catalog {
	size_t n;
	shuan_db_table *tables; /* in schema, name order */
} shuan_db_catalog;

void shuan_db__catalog_free(shuan_db_catalog *c);

/* One value of a row: bytes (not NUL-terminated) valid until the next
 * rows_next call. */
typedef struct shuan_db_value {
	const char *p;  /* NULL for SQL NULL */
	size_t len;
	bool truncated; /* the cell was longer than max_cell and was cut there */
	bool binary;    /* raw bytes (bytea/BLOB value), not text */
} shuan_db_value;

typedef struct shuan_db shuan_db;
typedef struct shuan_db_rows shuan_db_rows;

/*
 * Connects to `url` (see shuan/db.h). opts may be NULL (defaults). On
 * failure *out is NULL and errbuf holds "DISPLAY-URL: reason". Returns 0,
 * SHUAN_EINVAL (not a database URL, an unknown scheme, a malformed URL),
 * SHUAN_ENOTFOUND (no such SQLite file), SHUAN_EIO (connection or
 * authentication failed, not an SQLite database) or SHUAN_ENOMEM.
 */
int shuan_db__open(shuan_db **out, const char *url, const shuan_db_options *opts, char *errbuf, size_t errlen);
/* The same, writable when `writable` (shuan mask --into: a session that may
 * create and fill a table; never used for reading by scan or inventory). */
int shuan_db__open_rw(shuan_db **out, const char *url, const shuan_db_options *opts, bool writable, char *errbuf,
		      size_t errlen);
void shuan_db__close(shuan_db *db);
shuan_db_engine shuan_db__engine(const shuan_db *db);
/* The URL without its password ("postgresql://scan@db:5432/app"). */
const char *shuan_db__display(const shuan_db *db);
const char *shuan_db__errmsg(const shuan_db *db);
/* The options in force (defaults filled in; the password is not kept). */
const shuan_db_options *shuan_db__options(const shuan_db *db);

/* Lists the tables and views the session can see, with their columns.
 * *out is owned by the caller (shuan_db__catalog_free). */
int shuan_db__list(shuan_db *db, shuan_db_catalog *out);

/*
 * Starts reading table t (from this connection's catalog): a sample of
 * opts->sample rows, or every row with opts->full. Column order is the
 * table's. Returns 0 or a negative code with the message on db (permission
 * denied, the table no longer exists, statement timeout).
 */
int shuan_db__rows_open(shuan_db *db, const shuan_db_table *t, shuan_db_rows **out);
/* The next row: 1 with *vals pointing at t->ncols values, 0 at the end, or
 * a negative code (message on the db handle; the table is then done). */
int shuan_db__rows_next(shuan_db_rows *r, const shuan_db_value **vals);
/* How the rows were chosen: "full", "tablesample system (0.5%)", "first
 * 1000 rows", "random() sample"... static or owned by r. */
const char *shuan_db__rows_method(const shuan_db_rows *r);
/* Ends the read (a streamed read is cancelled). NULL is a no-op. */
void shuan_db__rows_close(shuan_db_rows *r);

/*
 * Starts reading every row of t in parts, one per connection, for threads
 * to read at once: with full and options.connections > 1, a PostgreSQL
 * ordinary table of some size on a server with TID range scans (14+) is
 * split into block ranges, all read in one snapshot (exported by db's
 * connection, imported by the others, as pg_dump -j does). Otherwise, or
 * when the split cannot be set up, one part: shuan_db__rows_open. Fills
 * parts[0..*n) (room for SHUAN_DB_MAX_CONNECTIONS); a part's messages are
 * on shuan_db__rows_db(part). Returns 0 or a negative code (message on db).
 */
int shuan_db__rows_open_parts(shuan_db *db, const shuan_db_table *t, shuan_db_rows **parts, unsigned *n);
/* The handle a read's messages are on (a part's own, or the db it was opened on). */
shuan_db *shuan_db__rows_db(const shuan_db_rows *r);

/* ---- for the engines (db_*.c) ---- */

/* A parsed URL; strings owned by the struct, the password wiped on free. */
typedef struct shuan_db_url {
	shuan_db_engine engine;
	char *raw;      /* the URL as given (the libpq URI passes through) */
	char *user, *password, *host, *port, *dbname, *path;
	char *query;    /* after '?', raw ("" when none) */
	char display[512];
} shuan_db_url;

int shuan_db__parse_url(shuan_db_url *u, const char *url, char *err, size_t errlen);
void shuan_db__url_free(shuan_db_url *u);
/* The value of query parameter `key` (percent-decoded into buf), or NULL. */
const char *shuan_db__url_param(const shuan_db_url *u, const char *key, char *buf, size_t cap);

typedef struct shuan_db_writer shuan_db_writer;

typedef struct shuan_db_ops {
	shuan_db_engine engine;
	/* Connects; password may be NULL. Message via shuan_db__seterr. */
	int (*connect)(shuan_db *db, const shuan_db_url *u, const char *password);
	void (*close)(shuan_db *db);
	int (*list)(shuan_db *db, shuan_db_catalog *out);
	/* Starts r (r->db, r->t, r->sql set up by the engine). */
	int (*rows_open)(shuan_db_rows *r);
	/* Fills r->vals; 1, 0 at the end, or < 0. */
	int (*rows_next)(shuan_db_rows *r);
	void (*rows_close)(shuan_db_rows *r);
	/* ---- writing (db_write.c), on a writable connection ---- */
	/* Runs one statement without results (DDL, BEGIN, COMMIT, ROLLBACK). */
	int (*exec)(shuan_db *db, const char *sql);
	/* The column type of a new table's column: text or bytes. */
	const char *(*column_type)(bool binary);
	/* A batch: begin (a transaction and the engine's bulk insert), rows,
	 * end (flush and commit; with commit false, roll back). */
	int (*put_begin)(shuan_db_writer *w);
	int (*put_row)(shuan_db_writer *w, const shuan_db_value *vals);
	int (*put_end)(shuan_db_writer *w, bool commit);
	char quote; /* the identifier quote: " or ` */
	/* shuan_db__rows_open_parts on db->spare connections, or NULL; *n = 0
	 * when the table is not split (then read whole). */
	int (*open_parts)(shuan_db *db, const shuan_db_table *t, shuan_db_rows **parts, unsigned *n);
} shuan_db_ops;

/* A read's buffers for t on db, before the engine's rows_open; NULL when
 * out of memory. */
shuan_db_rows *shuan_db__rows_new(shuan_db *db, const shuan_db_table *t);

extern const shuan_db_ops shuan_db__sqlite_ops;
extern const shuan_db_ops shuan_db__postgres_ops;
extern const shuan_db_ops shuan_db__mysql_ops;

struct shuan_db {
	const shuan_db_ops *ops;
	void *conn;              /* the engine's connection */
	shuan_db_options opt;    /* password cleared */
	char display[512];
	char err[1024];
	bool mariadb;            /* MySQL engine: the server is MariaDB */
	bool writable;           /* opened by shuan_db__open_rw(writable): no read-only session */
	/* more connections for reading in parts (opened by connect when
	 * opt.full and opt.connections > 1, closed by close) */
	void *spare[SHUAN_DB_MAX_CONNECTIONS - 1];
	unsigned nspare;
	bool borrowed;           /* a part's handle: conn belongs to the parent */
};

struct shuan_db_rows {
	shuan_db *db;
	const shuan_db_table *t;
	shuan_db_value *vals;    /* t->ncols */
	shuan_buf sql;           /* the statement, for the engine */
	shuan_buf cell;          /* decoded cells of the current row (engines that decode) */
	size_t *cell_off;        /* per column: offset into cell (engines that decode) */
	char method[96];
	void *impl;              /* the engine's cursor */
	uint64_t rows;           /* rows returned so far */
	/* a part (shuan_db__rows_open_parts): blocks [from, to), to 0 = to the
	 * end; in_snapshot: the part ends its transaction when closed */
	bool part;
	uint64_t from_block, to_block;
	bool in_snapshot;
	shuan_db *own;           /* a part's handle on a spare connection, freed with it */
};

/*
 * Writing a new table (shuan mask --into, db_write.c): created with the
 * given column names (text, or bytes for binary columns: masked values need
 * not fit the source's types), filled in batches of one transaction each,
 * and dropped again by shuan_db__writer_abort, so a failure leaves nothing.
 */
struct shuan_db_writer {
	shuan_db *db;         /* writable; borrowed */
	char *schema, *name;
	char qname[1100];     /* "schema.table" for messages */
	size_t ncols;
	bool *binary;         /* per column */
	shuan_buf sql;        /* the engine's statement / bulk buffer */
	shuan_buf line;       /* one row being encoded */
	void *impl;           /* the engine's insert state */
	uint64_t rows, batch; /* rows written, rows in the open batch */
	uint64_t batch_rows;  /* rows per transaction */
	bool created, in_batch;
};

/* Appends the quoted, qualified name of w's table. */
int shuan_db__writer_qname(shuan_db_writer *w, shuan_buf *b);

/*
 * Creates table schema.name (schema NULL: the engine's default - main,
 * public, the URL's database) with columns names[0..n) on writable db.
 * A table that already exists is refused (SHUAN_EINVAL). Returns 0 with
 * *out, or a negative code with the message on db.
 */
int shuan_db__writer_open(shuan_db_writer **out, shuan_db *db, const char *schema, const char *name,
			  const char *const *names, const bool *binary, size_t n);
/* Writes one row (ncols values, NULL p for NULL). */
int shuan_db__writer_row(shuan_db_writer *w, const shuan_db_value *vals);
/* Commits the last batch. */
int shuan_db__writer_finish(shuan_db_writer *w);
/* Rolls back the open batch and drops the table it created. */
void shuan_db__writer_abort(shuan_db_writer *w);
void shuan_db__writer_free(shuan_db_writer *w);

/* Sets db->err to "DISPLAY: " + formatted text; returns code. The text must
 * never contain a password or a value. */
int shuan_db__seterr(shuan_db *db, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends identifier `name` quoted with q (" or `), the quote doubled. */
int shuan_db__quote_ident(shuan_buf *b, const char *name, char q);

/* Ends every engine's row query the same way: nothing more with full,
 * else LIMIT the sample size; records in r->method how the rows were
 * chosen. `how` names a random clause the engine wrote before (NULL: none,
 * the first rows). */
int shuan_db__end_select(shuan_db_rows *r, const char *how);

/* Cuts a text value at max_cell bytes on a UTF-8 boundary: returns the new
 * length and sets *truncated when it cut. */
size_t shuan_db__cap_text(const char *p, size_t len, size_t max_cell, bool *truncated);

/* Removes every occurrence of secret (when non-empty) from msg in place,
 * replacing it with "****" (a driver message must not echo a password). */
void shuan_db__scrub(char *msg, size_t cap, const char *secret);

#endif
