/*
 * lib/source/db_sqlite.c - SQLite files as database sources.
 *
 * Opened read-only (SQLITE_OPEN_READONLY: nothing is ever written, not even
 * a journal), with a busy timeout for a file another process holds, and a
 * statement timeout through the progress handler. The file must really be
 * an SQLite database: the schema is read at connect time, so "file is not
 * a database" and "database disk image is malformed" are reported there.
 *
 * SQLite has no column comments and types are only declarations, so a BLOB
 * is recognised per value (storage class), and every column is read as
 * substr(col, 1, cap + 1) - characters for text, bytes for blobs.
 *
 * Sampling: SQLite has no TABLESAMPLE. A rowid table larger than twice the
 * sample is sampled as rowid IN (SELECT rowid ... ORDER BY random() LIMIT n)
 * (the sort holds only rowids); smaller tables, views and WITHOUT ROWID
 * tables are read with LIMIT.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/source/db.h"
#include "util/alloc.h"

typedef struct lite {
	sqlite3 *db;
	struct timespec deadline; /* of the running statement; tv_sec 0 = none */
} lite;

static int on_progress(void *ud)
{
	lite *l = ud;
	struct timespec now;
	if (!l->deadline.tv_sec)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > l->deadline.tv_sec ||
	       (now.tv_sec == l->deadline.tv_sec && now.tv_nsec >= l->deadline.tv_nsec);
}

static void arm(shuan_db *db)
{
	lite *l = db->conn;
	l->deadline.tv_sec = 0;
	if (db->opt.statement_timeout) {
		clock_gettime(CLOCK_MONOTONIC, &l->deadline);
		l->deadline.tv_sec += db->opt.statement_timeout;
	}
}

static int lite_err(shuan_db *db, const char *what, int code)
{
	lite *l = db->conn;
	int e = sqlite3_errcode(l->db);
	return shuan_db__seterr(db, code, "%s: %s%s", what, sqlite3_errmsg(l->db),
				e == SQLITE_INTERRUPT ? " (statement timeout)" : "");
}

static int lite_connect(shuan_db *db, const shuan_db_url *u, const char *password)
{
	struct stat st;
	lite *l;
	int rc;

	(void)password;
	if (stat(u->path, &st) != 0)
		return shuan_db__seterr(db, errno == ENOENT ? SHUAN_ENOTFOUND : SHUAN_EIO, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return shuan_db__seterr(db, SHUAN_EIO, "not a regular file");
	if (!(l = shuan_calloc(1, sizeof(*l))))
		return shuan_db__seterr(db, SHUAN_ENOMEM, "out of memory");
	db->conn = l;
	rc = sqlite3_open_v2(u->path, &l->db,
			     (db->writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return lite_err(db, "cannot open", SHUAN_EIO);
	sqlite3_busy_timeout(l->db, 5000);
	sqlite3_progress_handler(l->db, 4096, on_progress, l);
	/* reading the schema proves the file is an SQLite database */
	arm(db);
	rc = sqlite3_exec(l->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return lite_err(db, "not a readable SQLite database", SHUAN_EIO);
	return 0;
}

static void lite_close(shuan_db *db)
{
	lite *l = db->conn;
	if (l)
		sqlite3_close(l->db);
	shuan_free(l);
	db->conn = NULL;
}

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return shuan_strdup(t ? (const char *)t : "");
}

/* Whether a declared type names an integer (SQLite's affinity rule 1). */
static bool int_type(const char *t)
{
	for (const char *c = t; *c; c++)
		if ((c[0] == 'I' || c[0] == 'i') && (c[1] == 'N' || c[1] == 'n') && (c[2] == 'T' || c[2] == 't'))
			return true;
	return false;
}

static bool blob_type(const char *t)
{
	return !*t || strcasestr(t, "blob") != NULL;
}

static int lite_list(shuan_db *db, shuan_db_catalog *out)
{
	lite *l = db->conn;
	sqlite3_stmt *st = NULL, *ci = NULL;
	shuan_vec tables;
	int rc = 0, s;

	shuan_vec_init(&tables, sizeof(shuan_db_table), 1u << 20);
	arm(db);
	if (sqlite3_prepare_v2(l->db,
			       "SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view') "
			       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db, "SELECT name, type, pk FROM pragma_table_xinfo(?) WHERE hidden != 1", -1, &ci,
			       NULL) != SQLITE_OK) {
		rc = lite_err(db, "cannot list tables", SHUAN_EIO);
		goto cleanup;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		shuan_db_table *t;
		shuan_vec cols;
		if ((rc = shuan_vec_add(&tables, (void **)&t)) < 0)
			break;
		t->schema = shuan_strdup("main");
		t->view = !strcmp((const char *)sqlite3_column_text(st, 0), "view");
		t->name = col_text(st, 1);
		t->comment = shuan_strdup("");
		t->est_rows = -1;
		if (!t->schema || !t->name || !t->comment) {
			rc = SHUAN_ENOMEM;
			break;
		}
		shuan_vec_init(&cols, sizeof(shuan_db_column), 1u << 16);
		sqlite3_bind_text(ci, 1, t->name, -1, SQLITE_STATIC);
		while ((s = sqlite3_step(ci)) == SQLITE_ROW) {
			shuan_db_column *c;
			if ((rc = shuan_vec_add(&cols, (void **)&c)) < 0)
				break;
			c->name = col_text(ci, 0);
			c->type = col_text(ci, 1);
			c->comment = shuan_strdup("");
			c->pk = sqlite3_column_int(ci, 2) > 0;
			if (!c->name || !c->type || !c->comment) {
				rc = SHUAN_ENOMEM;
				break;
			}
			c->integer = int_type(c->type);
			c->binary = blob_type(c->type) && *c->type;
			c->capped = true;
		}
		t->cols = cols.v;
		t->ncols = cols.n;
		if (rc == 0 && s != SQLITE_DONE)
			rc = lite_err(db, "cannot read the columns", SHUAN_EIO);
		sqlite3_reset(ci);
		if (rc < 0)
			break;
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = lite_err(db, "cannot list tables", SHUAN_EIO);
	else if (rc == SHUAN_ENOMEM)
		shuan_db__seterr(db, rc, "out of memory listing tables");
cleanup:
	sqlite3_finalize(st);
	sqlite3_finalize(ci);
	out->tables = tables.v;
	out->n = tables.n;
	return rc;
}

static int add_table_name(shuan_buf *b, const shuan_db_table *t)
{
	int rc = shuan_db__quote_ident(b, t->schema, '"');
	if (!rc)
		rc = shuan_buf_addc(b, '.');
	return rc ? rc : shuan_db__quote_ident(b, t->name, '"');
}

static int build_select(shuan_db_rows *r, bool by_rowid)
{
	const shuan_db_table *t = r->t;
	const shuan_db_options *o = &r->db->opt;
	shuan_buf *b = &r->sql;
	int rc;

	shuan_buf_reset(b);
	rc = shuan_buf_adds(b, "SELECT ");
	for (size_t i = 0; i < t->ncols && !rc; i++) {
		if (i)
			rc = shuan_buf_adds(b, ", ");
		if (!rc)
			rc = shuan_buf_adds(b, "substr(");
		if (!rc)
			rc = shuan_db__quote_ident(b, t->cols[i].name, '"');
		if (!rc)
			rc = shuan_buf_addf(b, ", 1, %zu)", o->max_cell + 1);
	}
	if (!rc && t->ncols == 0)
		rc = shuan_buf_adds(b, "NULL");
	if (!rc)
		rc = shuan_buf_adds(b, " FROM ");
	if (!rc)
		rc = add_table_name(b, t);
	if (!rc && !o->full && by_rowid) {
		/* the outer LIMIT (from end_select) repeats the inner one */
		rc = shuan_buf_adds(b, " WHERE rowid IN (SELECT rowid FROM ");
		if (!rc)
			rc = add_table_name(b, t);
		if (!rc)
			rc = shuan_buf_addf(b, " ORDER BY random() LIMIT %llu)", (unsigned long long)o->sample);
	}
	if (!rc)
		rc = shuan_db__end_select(r, by_rowid ? "random() sample" : NULL);
	return rc;
}

static int lite_rows_open(shuan_db_rows *r)
{
	shuan_db *db = r->db;
	lite *l = db->conn;
	sqlite3_stmt *st = NULL;
	bool by_rowid = false;
	char what[600];

	snprintf(what, sizeof(what), "%s.%s", r->t->schema, r->t->name);
	arm(db);
	if (!db->opt.full && !r->t->view) {
		/* is it large enough to sample, and does it have rowids? */
		shuan_buf cnt;
		int rc;
		shuan_buf_init(&cnt, 4096);
		rc = shuan_buf_adds(&cnt, "SELECT count(*) FROM ");
		if (!rc)
			rc = add_table_name(&cnt, r->t);
		if (rc == 0 && sqlite3_prepare_v2(l->db, shuan_buf_str(&cnt), -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			by_rowid = (uint64_t)sqlite3_column_int64(st, 0) > 2 * db->opt.sample;
		sqlite3_finalize(st);
		st = NULL;
		shuan_buf_free(&cnt);
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		if (build_select(r, by_rowid) < 0)
			return shuan_db__seterr(db, SHUAN_ELIMIT, "%s: statement too long", what);
		if (sqlite3_prepare_v2(l->db, shuan_buf_str(&r->sql), -1, &st, NULL) == SQLITE_OK)
			break;
		/* a WITHOUT ROWID table: no rowid to sample by */
		if (!by_rowid)
			return lite_err(db, what, SHUAN_EIO);
		by_rowid = false;
	}
	r->impl = st;
	return 0;
}

static int lite_rows_next(shuan_db_rows *r)
{
	shuan_db *db = r->db;
	sqlite3_stmt *st = r->impl;
	const size_t cap = db->opt.max_cell;
	int s;

	arm(db);
	s = sqlite3_step(st);
	if (s == SQLITE_DONE)
		return 0;
	if (s != SQLITE_ROW) {
		char what[600];
		snprintf(what, sizeof(what), "%s.%s", r->t->schema, r->t->name);
		return lite_err(db, what, SHUAN_EIO);
	}
	for (size_t i = 0; i < r->t->ncols; i++) {
		shuan_db_value *v = &r->vals[i];
		int type = sqlite3_column_type(st, (int)i);
		v->truncated = false;
		v->binary = type == SQLITE_BLOB;
		if (type == SQLITE_NULL) {
			v->p = NULL;
			v->len = 0;
			continue;
		}
		if (v->binary) {
			v->p = sqlite3_column_blob(st, (int)i);
			v->len = (size_t)sqlite3_column_bytes(st, (int)i);
			if (!v->p)
				v->p = "";
			if (v->len > cap) {
				v->len = cap;
				v->truncated = true;
			}
		} else {
			v->p = (const char *)sqlite3_column_text(st, (int)i);
			v->len = (size_t)sqlite3_column_bytes(st, (int)i);
			if (!v->p)
				return shuan_db__seterr(db, SHUAN_ENOMEM, "%s.%s: out of memory", r->t->schema,
							r->t->name);
			v->len = shuan_db__cap_text(v->p, v->len, cap, &v->truncated);
		}
	}
	return 1;
}

static void lite_rows_close(shuan_db_rows *r)
{
	sqlite3_finalize(r->impl);
	r->impl = NULL;
}

/* ---- writing: a prepared INSERT, a transaction per batch ---- */

static int lite_exec(shuan_db *db, const char *sql)
{
	lite *l = db->conn;
	char *msg = NULL;
	arm(db);
	if (sqlite3_exec(l->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = shuan_db__seterr(db, SHUAN_EIO, "%s", msg ? msg : sqlite3_errmsg(l->db));
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static const char *lite_column_type(bool binary) { return binary ? "BLOB" : "TEXT"; }

static int lite_put_begin(shuan_db_writer *w)
{
	lite *l = w->db->conn;
	sqlite3_stmt *st = w->impl;
	int rc;
	if (!st) {
		shuan_buf_reset(&w->sql);
		rc = shuan_buf_adds(&w->sql, "INSERT INTO ");
		if (!rc)
			rc = shuan_db__writer_qname(w, &w->sql);
		if (!rc)
			rc = shuan_buf_adds(&w->sql, " VALUES (");
		for (size_t i = 0; i < w->ncols && !rc; i++)
			rc = shuan_buf_adds(&w->sql, i ? ", ?" : "?");
		if (!rc)
			rc = shuan_buf_addc(&w->sql, ')');
		if (rc)
			return shuan_db__seterr(w->db, rc, "%s: statement too long", w->qname);
		if (sqlite3_prepare_v2(l->db, shuan_buf_str(&w->sql), -1, &st, NULL) != SQLITE_OK)
			return lite_err(w->db, w->qname, SHUAN_EIO);
		w->impl = st;
	}
	return lite_exec(w->db, "BEGIN");
}

static int lite_put_row(shuan_db_writer *w, const shuan_db_value *vals)
{
	sqlite3_stmt *st = w->impl;
	int s;
	for (size_t i = 0; i < w->ncols; i++) {
		const shuan_db_value *v = &vals[i];
		int col = (int)i + 1;
		if (!v->p)
			s = sqlite3_bind_null(st, col);
		else if (w->binary[i])
			s = sqlite3_bind_blob64(st, col, v->p, v->len, SQLITE_STATIC);
		else
			s = sqlite3_bind_text64(st, col, v->p, v->len, SQLITE_STATIC, SQLITE_UTF8);
		if (s != SQLITE_OK)
			return lite_err(w->db, w->qname, SHUAN_EIO);
	}
	arm(w->db);
	s = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return s == SQLITE_DONE ? 0 : lite_err(w->db, w->qname, SHUAN_EIO);
}

static int lite_put_end(shuan_db_writer *w, bool commit)
{
	/* prepared again per batch: the writer holds nothing between them */
	sqlite3_finalize(w->impl);
	w->impl = NULL;
	return lite_exec(w->db, commit ? "COMMIT" : "ROLLBACK");
}

const shuan_db_ops shuan_db__sqlite_ops = {
	SHUAN_DB_SQLITE, lite_connect, lite_close,	 lite_list,	lite_rows_open, lite_rows_next,
	lite_rows_close, lite_exec,    lite_column_type, lite_put_begin, lite_put_row,	 lite_put_end,
	'"',		 NULL, /* no parts: read whole */
};
