/*
 * lib/source/db_mysql.c - MySQL and MariaDB through MariaDB Connector/C.
 *
 * mysql://user@host:port/db?ssl-mode=REQUIRED&ssl-ca=/path&socket=/path.
 * Without a database in the URL every non-system schema is listed. The
 * connector reads MYSQL_PWD when no password is given. The session is
 * utf8mb4, read-only (SET SESSION TRANSACTION READ ONLY) and has a statement
 * timeout (MariaDB max_statement_time, MySQL max_execution_time).
 *
 * Rows are streamed with mysql_use_result: the server sends rows as they
 * are fetched and the client holds one at a time. Long text and blobs are
 * cut on the server with LEFT(col, cap + 1) (characters for text, bytes for
 * binary strings), then to cap bytes here.
 *
 * Sampling: MySQL has no TABLESAMPLE. Tables of up to twice the sample
 * (TABLE_ROWS estimate) and views are read with LIMIT; larger ones with
 * WHERE RAND() < p LIMIT n, p sized for about three times the rows wanted,
 * which stops as soon as enough rows are found but may read a large part of
 * a big table.
 */
#include <mysql.h>
#include <openssl/crypto.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/source/db.h"
#include "util/alloc.h"
#include "util/hex.h"
#include "util/text.h"

/* A new handle with the URL's options; connects with password. */
static MYSQL *my_connect_once(shuan_db *db, const shuan_db_url *u, const char *password)
{
	MYSQL *m = mysql_init(NULL);
	char sock[1024], mode[64], ca[1024], cert[1024], key[1024];
	const char *sockp, *modep, *cap_, *certp, *keyp;
	unsigned timeout = db->opt.connect_timeout, port = u->port ? (unsigned)strtoul(u->port, NULL, 10) : 0;
	const char *host = u->host && *u->host ? u->host : "localhost";

	if (!m)
		return NULL;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	sockp = shuan_db__url_param(u, "socket", sock, sizeof(sock));
	modep = shuan_db__url_param(u, "ssl-mode", mode, sizeof(mode));
	if (!modep)
		modep = shuan_db__url_param(u, "sslmode", mode, sizeof(mode));
	cap_ = shuan_db__url_param(u, "ssl-ca", ca, sizeof(ca));
	certp = shuan_db__url_param(u, "ssl-cert", cert, sizeof(cert));
	keyp = shuan_db__url_param(u, "ssl-key", key, sizeof(key));
	if (cap_ || certp || keyp)
		mysql_ssl_set(m, keyp, certp, cap_, NULL, NULL);
	if (modep) {
		my_bool on = 1, off = 0;
		bool verify = !strcasecmp(modep, "verify_ca") || !strcasecmp(modep, "verify_identity") ||
			      !strcasecmp(modep, "verify-full") || !strcasecmp(modep, "verify-ca");
		if (verify || !strcasecmp(modep, "required") || !strcasecmp(modep, "require"))
			mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, verify ? &on : &off);
	}
	mysql_real_connect(m, host, u->user, password, u->dbname, port, sockp, 0);
	return m;
}

static int my_connect(shuan_db *db, const shuan_db_url *u, const char *password)
{
	char set[128], asked[256];
	MYSQL *m = my_connect_once(db, u, password);

	if (!m)
		return shuan_db__seterr(db, SHUAN_ENOMEM, "out of memory");
	/* access denied without any password: ask, as the mysql client does with -p */
	if (mysql_errno(m) == 1045 && !password && !getenv("MYSQL_PWD") && db->opt.ask_password &&
	    db->opt.ask_password(db->display, asked, sizeof(asked), db->opt.ask_ud) == 0) {
		mysql_close(m);
		m = my_connect_once(db, u, asked);
		OPENSSL_cleanse(asked, sizeof(asked));
		if (!m)
			return shuan_db__seterr(db, SHUAN_ENOMEM, "out of memory");
	}
	db->conn = m;
	if (mysql_errno(m))
		return shuan_db__seterr(db, SHUAN_EIO, "cannot connect: %s", mysql_error(m));
	db->mariadb = strstr(mysql_get_server_info(m), "MariaDB") != NULL;
	if (!db->writable && mysql_query(m, "SET SESSION TRANSACTION READ ONLY"))
		return shuan_db__seterr(db, SHUAN_EIO, "cannot set up a read-only session: %s", mysql_error(m));
	if (db->mariadb)
		snprintf(set, sizeof(set), "SET SESSION max_statement_time = %u", db->opt.statement_timeout);
	else
		snprintf(set, sizeof(set), "SET SESSION max_execution_time = %u", db->opt.statement_timeout * 1000u);
	if (mysql_query(m, set))
		return shuan_db__seterr(db, SHUAN_EIO, "cannot set the statement timeout: %s", mysql_error(m));
	return 0;
}

static void my_close(shuan_db *db)
{
	mysql_close(db->conn);
	db->conn = NULL;
}

static bool is_type(const char *t, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(t, *list))
			return true;
	return false;
}

static int my_list(shuan_db *db, shuan_db_catalog *out)
{
	static const char *const binary[] = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", NULL};
	static const char *const integer[] = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", NULL};
	static const char *const plain[] = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint",
					    "decimal", "numeric", "float", "double", "bit", "date", "datetime",
					    "timestamp", "time", "year", "boolean", NULL};
	MYSQL *m = db->conn;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	shuan_buf sql;
	shuan_vec tables;
	shuan_db_table *t = NULL;
	shuan_vec cols;
	int rc = 0;
	char cur_schema[256] = "", cur_name[256] = "";

	shuan_buf_init(&sql, 8192);
	shuan_vec_init(&tables, sizeof(shuan_db_table), 1u << 20);
	shuan_vec_init(&cols, sizeof(shuan_db_column), 1u << 16);
	rc = shuan_buf_adds(&sql,
			    "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, t.TABLE_TYPE, t.TABLE_COMMENT, t.TABLE_ROWS, "
			    "c.COLUMN_NAME, c.COLUMN_TYPE, c.COLUMN_COMMENT, c.COLUMN_KEY, c.DATA_TYPE "
			    "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t "
			    "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME WHERE ");
	{
		const char *dbname = NULL;
		/* the connection's database, if the URL named one */
		if (!rc && !mysql_query(m, "SELECT DATABASE()") && (res = mysql_store_result(m))) {
			MYSQL_ROW r0 = mysql_fetch_row(res);
			if (r0 && r0[0]) {
				char esc[520];
				size_t n = strlen(r0[0]);
				if (n < 256) {
					mysql_real_escape_string(m, esc, r0[0], n);
					rc = shuan_buf_addf(&sql, "c.TABLE_SCHEMA = '%s'", esc);
					dbname = r0[0];
				}
			}
			if (!dbname && !rc)
				rc = shuan_buf_adds(&sql, "c.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', "
							  "'performance_schema', 'sys')");
			mysql_free_result(res);
			res = NULL;
		} else if (!rc) {
			rc = shuan_db__seterr(db, SHUAN_EIO, "cannot list tables: %s", mysql_error(m));
			goto cleanup;
		}
	}
	if (!rc)
		rc = shuan_buf_adds(&sql, " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION");
	if (rc < 0)
		goto cleanup;
	if (mysql_query(m, shuan_buf_str(&sql)) || !(res = mysql_use_result(m))) {
		rc = shuan_db__seterr(db, SHUAN_EIO, "cannot list tables: %s", mysql_error(m));
		goto cleanup;
	}
	while ((row = mysql_fetch_row(res))) {
		shuan_db_column *c;
		const char *schema = row[0] ? row[0] : "", *name = row[1] ? row[1] : "";
		if (!t || strcmp(cur_schema, schema) || strcmp(cur_name, name)) {
			if (t) {
				t->ncols = cols.n;
				t->cols = cols.v;
				shuan_vec_init(&cols, sizeof(shuan_db_column), 1u << 16);
			}
			if ((rc = shuan_vec_add(&tables, (void **)&t)) < 0)
				break;
			snprintf(cur_schema, sizeof(cur_schema), "%s", schema);
			snprintf(cur_name, sizeof(cur_name), "%s", name);
			t->schema = shuan_strdup(schema);
			t->name = shuan_strdup(name);
			t->view = row[2] && !strcmp(row[2], "VIEW");
			t->comment = shuan_strdup(t->view || !row[3] ? "" : row[3]);
			t->est_rows = t->view || !row[4] ? -1 : strtoll(row[4], NULL, 10);
			if (!t->schema || !t->name || !t->comment) {
				rc = SHUAN_ENOMEM;
				break;
			}
		}
		if ((rc = shuan_vec_add(&cols, (void **)&c)) < 0)
			break;
		c->name = shuan_strdup(row[5] ? row[5] : "");
		c->type = shuan_strdup(row[6] ? row[6] : "");
		c->comment = shuan_strdup(row[7] ? row[7] : "");
		c->pk = row[8] && !strcmp(row[8], "PRI");
		c->binary = row[9] && is_type(row[9], binary);
		c->integer = row[9] && is_type(row[9], integer);
		c->capped = !c->binary && !(row[9] && is_type(row[9], plain));
		if (!c->name || !c->type || !c->comment) {
			rc = SHUAN_ENOMEM;
			break;
		}
	}
	if (t) {
		t->ncols = cols.n;
		t->cols = cols.v;
		shuan_vec_init(&cols, sizeof(shuan_db_column), 1u << 16);
	}
	if (rc == 0 && mysql_errno(m))
		rc = shuan_db__seterr(db, SHUAN_EIO, "cannot list tables: %s", mysql_error(m));
	else if (rc < 0)
		shuan_db__seterr(db, rc, "out of memory listing tables");
cleanup:
	if (res)
		mysql_free_result(res);
	for (size_t i = 0; i < cols.n; i++) {
		shuan_db_column *c = &SHUAN_VEC_AT(&cols, shuan_db_column, i);
		shuan_free(c->name);
		shuan_free(c->type);
		shuan_free(c->comment);
	}
	shuan_vec_free(&cols);
	shuan_buf_free(&sql);
	out->tables = tables.v;
	out->n = tables.n;
	return rc;
}

static int build_select(shuan_db_rows *r)
{
	const shuan_db_table *t = r->t;
	const shuan_db_options *o = &r->db->opt;
	shuan_buf *b = &r->sql;
	char how[64] = "";
	int rc = shuan_buf_adds(b, "SELECT ");

	for (size_t i = 0; i < t->ncols && !rc; i++) {
		const shuan_db_column *c = &t->cols[i];
		if (i)
			rc = shuan_buf_adds(b, ", ");
		if (!rc && (c->binary || c->capped))
			rc = shuan_buf_adds(b, "LEFT(");
		if (!rc)
			rc = shuan_db__quote_ident(b, c->name, '`');
		if (!rc && (c->binary || c->capped))
			rc = shuan_buf_addf(b, ", %zu)", o->max_cell + 1);
	}
	if (!rc && t->ncols == 0)
		rc = shuan_buf_adds(b, "NULL");
	if (!rc)
		rc = shuan_buf_adds(b, " FROM ");
	if (!rc)
		rc = shuan_db__quote_ident(b, t->schema, '`');
	if (!rc)
		rc = shuan_buf_addc(b, '.');
	if (!rc)
		rc = shuan_db__quote_ident(b, t->name, '`');
	if (!rc && !o->full && t->est_rows > (int64_t)(2 * o->sample)) {
		double p = 3.0 * (double)o->sample / (double)t->est_rows;
		rc = shuan_buf_addf(b, " WHERE RAND() < %.9f", p > 1 ? 1.0 : p);
		snprintf(how, sizeof(how), "rand() sample (p = %.4g)", p > 1 ? 1.0 : p);
	}
	if (!rc)
		rc = shuan_db__end_select(r, how[0] ? how : NULL);
	return rc;
}

static int my_rows_open(shuan_db_rows *r)
{
	shuan_db *db = r->db;
	MYSQL *m = db->conn;
	MYSQL_RES *res;
	int rc;

	if ((rc = build_select(r)) < 0)
		return shuan_db__seterr(db, rc, "%s.%s: statement too long", r->t->schema, r->t->name);
	if (mysql_real_query(m, r->sql.p, r->sql.len) || !(res = mysql_use_result(m))) {
		unsigned e = mysql_errno(m);
		return shuan_db__seterr(db, SHUAN_EIO, "%s.%s: %s%s", r->t->schema, r->t->name, mysql_error(m),
					e == 1969 || e == 3024 ? " (statement timeout)" : "");
	}
	if (mysql_num_fields(res) != r->t->ncols && r->t->ncols) {
		mysql_free_result(res);
		return shuan_db__seterr(db, SHUAN_EIO, "%s.%s: the table changed while it was read", r->t->schema,
					r->t->name);
	}
	r->impl = res;
	return 0;
}

static int my_rows_next(shuan_db_rows *r)
{
	shuan_db *db = r->db;
	MYSQL_RES *res = r->impl;
	MYSQL_ROW row = mysql_fetch_row(res);
	unsigned long *lens;
	const size_t cap = db->opt.max_cell;

	if (!row) {
		MYSQL *m = db->conn;
		unsigned e = mysql_errno(m);
		if (e)
			return shuan_db__seterr(db, SHUAN_EIO, "%s.%s: %s%s", r->t->schema, r->t->name, mysql_error(m),
						e == 1969 || e == 3024 ? " (statement timeout)" : "");
		return 0;
	}
	lens = mysql_fetch_lengths(res);
	for (size_t i = 0; i < r->t->ncols; i++) {
		shuan_db_value *v = &r->vals[i];
		v->p = row[i];
		v->binary = r->t->cols[i].binary;
		v->truncated = false;
		v->len = row[i] ? lens[i] : 0;
		if (!row[i])
			continue;
		if (v->binary) {
			if (v->len > cap) {
				v->len = cap;
				v->truncated = true;
			}
		} else {
			v->len = shuan_db__cap_text(v->p, v->len, cap, &v->truncated);
		}
	}
	return 1;
}

static void my_rows_close(shuan_db_rows *r)
{
	/* mysql_free_result reads what the server still sends: the connection
	 * stays usable for the next table. */
	mysql_free_result(r->impl);
	r->impl = NULL;
}

/* ---- writing: multi-row INSERTs of up to FLUSH_BYTES, a transaction per batch ---- */

#define FLUSH_BYTES ((size_t)1 << 20)

static int my_exec(shuan_db *db, const char *sql)
{
	MYSQL *m = db->conn;
	if (mysql_query(m, sql))
		return shuan_db__seterr(db, SHUAN_EIO, "%s", mysql_error(m));
	return 0;
}

static const char *my_column_type(bool binary) { return binary ? "LONGBLOB" : "LONGTEXT"; }

static int my_flush(shuan_db_writer *w)
{
	MYSQL *m = w->db->conn;
	if (!w->impl)
		return 0;
	w->impl = NULL;
	if (mysql_real_query(m, w->sql.p, w->sql.len)) {
		/* the server quotes the rows near the error: values, not for a log */
		char why[512];
		shuan_redact_quoted(mysql_error(m), why, sizeof(why));
		return shuan_db__seterr(w->db, SHUAN_EIO, "%s: %s", w->qname, why);
	}
	return 0;
}

static int my_put_begin(shuan_db_writer *w) { return my_exec(w->db, "START TRANSACTION"); }

static int my_put_row(shuan_db_writer *w, const shuan_db_value *vals)
{
	MYSQL *m = w->db->conn;
	shuan_buf *b = &w->sql;
	int rc = 0;

	if (!w->impl) {
		/* impl marks a statement being built */
		shuan_buf_reset(b);
		rc = shuan_buf_adds(b, "INSERT INTO ");
		if (!rc)
			rc = shuan_db__writer_qname(w, b);
		if (!rc)
			rc = shuan_buf_adds(b, " VALUES ");
		w->impl = w;
	} else {
		rc = shuan_buf_addc(b, ',');
	}
	if (!rc)
		rc = shuan_buf_addc(b, '(');
	for (size_t i = 0; i < w->ncols && !rc; i++) {
		const shuan_db_value *v = &vals[i];
		if (i)
			rc = shuan_buf_addc(b, ',');
		if (rc)
			break;
		if (!v->p) {
			rc = shuan_buf_adds(b, "NULL");
		} else if (w->binary[i]) {
			rc = shuan_buf_adds(b, "X'");
			if (!rc)
				rc = shuan_hex_append(b, v->p, v->len);
			if (!rc)
				rc = shuan_buf_addc(b, '\'');
		} else {
			/* escaped into the buffer's spare room: at most 2n + 1 bytes */
			if (!(rc = shuan_buf_addc(b, '\'')) && !(rc = shuan_buf_reserve(b, 2 * v->len + 2))) {
				unsigned long n = mysql_real_escape_string(m, b->p + b->len, v->p, (unsigned long)v->len);
				b->len += n;
				rc = shuan_buf_addc(b, '\'');
			}
		}
	}
	if (!rc)
		rc = shuan_buf_addc(b, ')');
	if (rc)
		return shuan_db__seterr(w->db, rc, "%s: a row is too large", w->qname);
	return b->len >= FLUSH_BYTES ? my_flush(w) : 0;
}

static int my_put_end(shuan_db_writer *w, bool commit)
{
	int rc = commit ? my_flush(w) : 0;
	w->impl = NULL;
	if (commit && rc == 0)
		return my_exec(w->db, "COMMIT");
	char keep[sizeof(w->db->err)];
	snprintf(keep, sizeof(keep), "%s", w->db->err);
	my_exec(w->db, "ROLLBACK");
	snprintf(w->db->err, sizeof(w->db->err), "%s", keep);
	return rc;
}

const shuan_db_ops shuan_db__mysql_ops = {
	SHUAN_DB_MYSQL, my_connect, my_close,	    my_list,	  my_rows_open, my_rows_next,
	my_rows_close,	my_exec,    my_column_type, my_put_begin, my_put_row,	my_put_end,
	'`',		NULL, /* no parts: read whole */
};
