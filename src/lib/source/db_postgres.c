/*
 * lib/source/db_postgres.c - PostgreSQL through libpq.
 *
 * The URL goes to libpq as it is (PQconnectdbParams with expand_dbname), so
 * every libpq parameter passes through: sslmode, sslrootcert, host=/socket,
 * options... libpq itself reads PGPASSWORD and ~/.pgpass. The session is
 * made read-only (default_transaction_read_only), gets a statement and a
 * lock timeout, hex bytea output, ISO dates, and search_path pg_catalog so
 * the functions we call are the built-in ones.
 *
 * Rows come through COPY (SELECT ...) TO STDOUT: the server streams text
 * rows and libpq hands them over one by one (PQgetCopyData), which is both
 * the fastest way out of PostgreSQL and bounded in memory whatever the
 * table size. COPY TO is allowed in a read-only transaction. Each row is
 * split on tabs and unescaped (\N is NULL; \t \n \\ \ooo \xHH); bytea comes
 * as \x hex and is decoded to bytes. Long text is cut on the server:
 * left(col::text, cap + 1) characters, then to cap bytes here, so a huge
 * cell never crosses the wire whole.
 *
 * Sampling: TABLESAMPLE SYSTEM (pages at random; cheap, clustered) sized
 * from reltuples to about three times the rows wanted, with LIMIT; small
 * tables, views and tables never analysed are read with LIMIT alone.
 */
#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/source/db.h"
#include "util/alloc.h"
#include "util/hex.h"

/* libpq's message without "ERROR:  " and the trailing newline. */
static const char *pq_message(PGconn *c, PGresult *res)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!m || !*m)
		m = res ? PQresultErrorMessage(res) : NULL;
	if (!m || !*m)
		m = PQerrorMessage(c);
	if (!strncmp(m, "ERROR:  ", 8))
		m += 8;
	return m;
}

static bool is_timeout(PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return state && !strcmp(state, "57014"); /* query_canceled: statement_timeout */
}

static PGconn *pg_connect_once(shuan_db *db, const shuan_db_url *u, const char *password)
{
	const char *keys[8], *vals[8];
	char timeout[16];
	int n = 0;

	snprintf(timeout, sizeof(timeout), "%u", db->opt.connect_timeout);
	keys[n] = "dbname", vals[n++] = u->raw;
	keys[n] = "connect_timeout", vals[n++] = timeout;
	keys[n] = "fallback_application_name", vals[n++] = "shuan";
	keys[n] = "client_encoding", vals[n++] = "UTF8";
	if (password)
		keys[n] = "password", vals[n++] = password;
	keys[n] = NULL, vals[n] = NULL;
	return PQconnectdbParams(keys, vals, 1);
}

/* The session every connection gets: read-only unless writing, timeouts,
 * hex bytea, ISO dates, the built-in functions. */
static int pg_setup(shuan_db *db, PGconn *c)
{
	char set[256];
	PGresult *res;
	snprintf(set, sizeof(set),
		 "SET default_transaction_read_only = %s; SET statement_timeout = %u; SET lock_timeout = 5000; "
		 "SET idle_in_transaction_session_timeout = 60000; SET bytea_output = 'hex'; SET DateStyle = 'ISO'; "
		 "SET search_path = pg_catalog",
		 db->writable ? "off" : "on", db->opt.statement_timeout * 1000u);
	res = PQexec(c, set);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		shuan_db__seterr(db, SHUAN_EIO, "cannot set up a read-only session: %s", pq_message(c, res));
		PQclear(res);
		return SHUAN_EIO;
	}
	PQclear(res);
	return 0;
}

/* Connections for reading a table in parts, opened while the password
 * that worked is at hand. One the server refuses (max_connections) only
 * means fewer parts. */
static void pg_open_spares(shuan_db *db, const shuan_db_url *u, const char *password)
{
	unsigned want = db->opt.connections > 1 ? db->opt.connections - 1 : 0;
	if (!db->opt.full || db->writable)
		return;
	while (db->nspare < want) {
		PGconn *c = pg_connect_once(db, u, password);
		if (!c || PQstatus(c) != CONNECTION_OK || pg_setup(db, c) < 0) {
			PQfinish(c);
			db->err[0] = '\0';
			return;
		}
		db->spare[db->nspare++] = c;
	}
}

static int pg_connect(shuan_db *db, const shuan_db_url *u, const char *password)
{
	char asked[256];
	PGconn *c = pg_connect_once(db, u, password);
	bool was_asked = false;

	if (!c)
		return shuan_db__seterr(db, SHUAN_ENOMEM, "out of memory");
	/* as psql does: ask only when the server wants a password we lack */
	if (PQstatus(c) != CONNECTION_OK && !password && PQconnectionNeedsPassword(c) && db->opt.ask_password &&
	    db->opt.ask_password(db->display, asked, sizeof(asked), db->opt.ask_ud) == 0) {
		PQfinish(c);
		c = pg_connect_once(db, u, asked);
		was_asked = true;
		if (!c) {
			OPENSSL_cleanse(asked, sizeof(asked));
			return shuan_db__seterr(db, SHUAN_ENOMEM, "out of memory");
		}
	}
	if (PQstatus(c) != CONNECTION_OK) {
		if (was_asked)
			OPENSSL_cleanse(asked, sizeof(asked));
		shuan_db__seterr(db, SHUAN_EIO, "cannot connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return SHUAN_EIO;
	}
	db->conn = c;
	if (pg_setup(db, c) < 0) {
		if (was_asked)
			OPENSSL_cleanse(asked, sizeof(asked));
		return SHUAN_EIO;
	}
	pg_open_spares(db, u, was_asked ? asked : password);
	if (was_asked)
		OPENSSL_cleanse(asked, sizeof(asked));
	return 0;
}

static void pg_close(shuan_db *db)
{
	PQfinish(db->conn);
	db->conn = NULL;
	for (unsigned i = 0; i < db->nspare; i++)
		PQfinish(db->spare[i]);
	db->nspare = 0;
}

static char *dup_field(PGresult *res, int row, int col)
{
	return shuan_strdup(PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

static int pg_list(shuan_db *db, shuan_db_catalog *out)
{
	/* Partitions are read through their parent; TOAST, temporary and the
	 * system schemas are left out. */
	static const char sql[] =
		"SELECT n.nspname, c.relname, c.relkind::text, coalesce(obj_description(c.oid, 'pg_class'), ''), "
		"c.reltuples::bigint, a.attname, format_type(a.atttypid, a.atttypmod), "
		"coalesce(col_description(c.oid, a.attnum), ''), t.typcategory::text, t.typname, "
		"EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary "
		"AND a.attnum = ANY (i.indkey)) "
		"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
		"JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
		"JOIN pg_type t ON t.oid = a.atttypid "
		"WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND NOT c.relispartition "
		"AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
		"AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
		"ORDER BY n.nspname, c.relname, a.attnum";
	PGresult *res = PQexec(db->conn, sql);
	shuan_vec tables;
	int rc = 0, rows;

	shuan_vec_init(&tables, sizeof(shuan_db_table), 1u << 20);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = shuan_db__seterr(db, SHUAN_EIO, "cannot list tables: %s", pq_message(db->conn, res));
		goto cleanup;
	}
	rows = PQntuples(res);
	for (int i = 0; i < rows && rc == 0;) {
		shuan_db_table *t;
		int k = i;
		while (k < rows && !strcmp(PQgetvalue(res, k, 0), PQgetvalue(res, i, 0)) &&
		       !strcmp(PQgetvalue(res, k, 1), PQgetvalue(res, i, 1)))
			k++;
		if ((rc = shuan_vec_add(&tables, (void **)&t)) < 0)
			break;
		t->schema = dup_field(res, i, 0);
		t->name = dup_field(res, i, 1);
		t->view = PQgetvalue(res, i, 2)[0] == 'v';
		t->plain = PQgetvalue(res, i, 2)[0] == 'r';
		t->comment = dup_field(res, i, 3);
		t->est_rows = strtoll(PQgetvalue(res, i, 4), NULL, 10);
		if (t->est_rows < 0)
			t->est_rows = -1; /* never analysed */
		if (t->view || PQgetvalue(res, i, 2)[0] == 'f')
			t->est_rows = -1;
		t->ncols = (size_t)(k - i);
		t->cols = shuan_calloc(t->ncols, sizeof(*t->cols));
		if (!t->schema || !t->name || !t->comment || !t->cols) {
			rc = SHUAN_ENOMEM;
			break;
		}
		for (int r = i; r < k; r++) {
			shuan_db_column *col = &t->cols[r - i];
			const char *cat = PQgetvalue(res, r, 8), *typ = PQgetvalue(res, r, 9);
			col->name = dup_field(res, r, 5);
			col->type = dup_field(res, r, 6);
			col->comment = dup_field(res, r, 7);
			col->pk = PQgetvalue(res, r, 10)[0] == 't';
			col->binary = !strcmp(typ, "bytea");
			col->integer = !strcmp(typ, "int2") || !strcmp(typ, "int4") || !strcmp(typ, "int8");
			col->capped = !col->binary && !strchr("NBD", cat[0]);
			if (!col->name || !col->type || !col->comment) {
				rc = SHUAN_ENOMEM;
				break;
			}
		}
		i = k;
	}
	if (rc == SHUAN_ENOMEM)
		shuan_db__seterr(db, rc, "out of memory listing tables");
cleanup:
	PQclear(res);
	out->tables = tables.v;
	out->n = tables.n;
	return rc;
}

/* The COPY cursor. */
typedef struct pg_rows {
	bool copying; /* COPY OUT in progress */
	bool done;
} pg_rows;

static int build_select(shuan_db_rows *r)
{
	const shuan_db_table *t = r->t;
	const shuan_db_options *o = &r->db->opt;
	shuan_buf *b = &r->sql;
	char how[64] = "";
	int rc = shuan_buf_adds(b, "COPY (SELECT ");

	for (size_t i = 0; i < t->ncols && !rc; i++) {
		const shuan_db_column *c = &t->cols[i];
		if (i)
			rc = shuan_buf_adds(b, ", ");
		if (!rc && c->binary)
			rc = shuan_buf_adds(b, "substring(");
		else if (!rc && c->capped)
			rc = shuan_buf_adds(b, "left((");
		if (!rc)
			rc = shuan_db__quote_ident(b, c->name, '"');
		if (!rc && c->binary)
			rc = shuan_buf_addf(b, " from 1 for %zu)", o->max_cell + 1);
		else if (!rc && c->capped)
			rc = shuan_buf_addf(b, ")::text, %zu)", o->max_cell + 1);
	}
	if (!rc && t->ncols == 0)
		rc = shuan_buf_adds(b, "NULL");
	if (!rc)
		rc = shuan_buf_adds(b, " FROM ");
	if (!rc)
		rc = shuan_db__quote_ident(b, t->schema, '"');
	if (!rc)
		rc = shuan_buf_addc(b, '.');
	if (!rc)
		rc = shuan_db__quote_ident(b, t->name, '"');
	if (!rc && o->full && r->part) {
		/* a TID range scan reads just these blocks (PostgreSQL 14+) */
		rc = shuan_buf_addf(b, " WHERE ctid >= '(%llu,0)'::tid", (unsigned long long)r->from_block);
		if (!rc && r->to_block)
			rc = shuan_buf_addf(b, " AND ctid < '(%llu,0)'::tid", (unsigned long long)r->to_block);
	} else if (!rc && !o->full && t->est_rows > (int64_t)(2 * o->sample)) {
		double pct = 300.0 * (double)o->sample / (double)t->est_rows;
		if (pct > 100)
			pct = 100;
		rc = shuan_buf_addf(b, " TABLESAMPLE SYSTEM (%.6f)", pct);
		snprintf(how, sizeof(how), "tablesample system (%.4g%%)", pct);
	}
	if (!rc)
		rc = shuan_db__end_select(r, how[0] ? how : NULL);
	if (!rc)
		rc = shuan_buf_adds(b, ") TO STDOUT");
	return rc;
}

static int pg_rows_open(shuan_db_rows *r)
{
	shuan_db *db = r->db;
	pg_rows *pr;
	PGresult *res;
	int rc;

	if ((rc = build_select(r)) < 0)
		return shuan_db__seterr(db, rc, "%s.%s: statement too long", r->t->schema, r->t->name);
	if (!(pr = shuan_calloc(1, sizeof(*pr))))
		return shuan_db__seterr(db, SHUAN_ENOMEM, "out of memory");
	r->impl = pr;
	if (!PQsendQuery(db->conn, shuan_buf_str(&r->sql)))
		return shuan_db__seterr(db, SHUAN_EIO, "%s.%s: %s", r->t->schema, r->t->name,
					pq_message(db->conn, NULL));
	res = PQgetResult(db->conn);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = shuan_db__seterr(db, SHUAN_EIO, "%s.%s: %s%s", r->t->schema, r->t->name,
				      pq_message(db->conn, res), is_timeout(res) ? " (statement timeout)" : "");
		PQclear(res);
		while ((res = PQgetResult(db->conn)))
			PQclear(res);
		return rc;
	}
	PQclear(res);
	pr->copying = true;
	return 0;
}

/* Unescapes one COPY text field [p, e) into r->cell. */
static int unescape_field(shuan_buf *out, const char *p, const char *e)
{
	int rc = 0;
	while (p < e && !rc) {
		const char *bs = memchr(p, '\\', (size_t)(e - p));
		if (!bs) {
			rc = shuan_buf_add(out, p, (size_t)(e - p));
			break;
		}
		if (bs > p && (rc = shuan_buf_add(out, p, (size_t)(bs - p))))
			break;
		p = bs + 1;
		if (p >= e)
			break;
		char c = *p++;
		switch (c) {
		case 'b': rc = shuan_buf_addc(out, '\b'); break;
		case 'f': rc = shuan_buf_addc(out, '\f'); break;
		case 'n': rc = shuan_buf_addc(out, '\n'); break;
		case 'r': rc = shuan_buf_addc(out, '\r'); break;
		case 't': rc = shuan_buf_addc(out, '\t'); break;
		case 'v': rc = shuan_buf_addc(out, '\v'); break;
		case 'x': {
			int v = 0, k = 0;
			while (k < 2 && p < e && shuan_hex_digit(*p) >= 0)
				v = v * 16 + shuan_hex_digit(*p++), k++;
			rc = shuan_buf_addc(out, (char)v);
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				int v = c - '0', k = 1;
				while (k < 3 && p < e && *p >= '0' && *p <= '7')
					v = v * 8 + (*p++ - '0'), k++;
				rc = shuan_buf_addc(out, (char)v);
			} else {
				rc = shuan_buf_addc(out, c);
			}
		}
	}
	return rc;
}

/* Decodes bytea's "\x4142..." in place at [off, len) of the cell buffer. */
static size_t unhex_bytea(char *p, size_t len)
{
	size_t w = 0;
	if (len < 2 || p[0] != '\\' || p[1] != 'x')
		return len; /* escape format: left as it is */
	for (size_t i = 2; i + 1 < len; i += 2)
		p[w++] = (char)(shuan_hex_digit(p[i]) * 16 + shuan_hex_digit(p[i + 1]));
	return w;
}

static int pg_rows_next(shuan_db_rows *r)
{
	shuan_db *db = r->db;
	pg_rows *pr = r->impl;
	const shuan_db_table *t = r->t;
	const size_t cap = db->opt.max_cell;
	char *line = NULL;
	int n, rc = 0;

	if (pr->done)
		return 0;
	n = PQgetCopyData(db->conn, &line, 0);
	if (n < 0) {
		PGresult *res;
		pr->copying = false;
		pr->done = true;
		while ((res = PQgetResult(db->conn))) {
			if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
				rc = shuan_db__seterr(db, SHUAN_EIO, "%s.%s: %s%s", t->schema, t->name,
						      pq_message(db->conn, res),
						      is_timeout(res) ? " (statement timeout)" : "");
			PQclear(res);
		}
		if (n == -2 && rc == 0)
			rc = shuan_db__seterr(db, SHUAN_EIO, "%s.%s: %s", t->schema, t->name,
					      pq_message(db->conn, NULL));
		return rc;
	}
	shuan_buf_reset(&r->cell);
	{
		const char *p = line, *end = line + n;
		if (end > p && end[-1] == '\n')
			end--;
		for (size_t i = 0; i < t->ncols; i++) {
			const char *tab = memchr(p, '\t', (size_t)(end - p)), *fe = tab ? tab : end;
			bool null = fe - p == 2 && p[0] == '\\' && p[1] == 'N';
			/* SIZE_MAX marks NULL until the buffer stops moving */
			r->cell_off[i] = null ? SIZE_MAX : r->cell.len;
			if (!null && (rc = unescape_field(&r->cell, p, fe)) < 0)
				break;
			r->vals[i].len = null ? 0 : r->cell.len - r->cell_off[i];
			p = tab ? tab + 1 : end;
		}
		PQfreemem(line);
		if (rc < 0)
			return shuan_db__seterr(db, rc, "%s.%s: a row is larger than the cell cap allows", t->schema,
						t->name);
		/* a NUL keeps the buffer's text terminated even when empty */
		if ((rc = shuan_buf_addc(&r->cell, '\0')) < 0)
			return shuan_db__seterr(db, rc, "%s.%s: out of memory", t->schema, t->name);
		for (size_t i = 0; i < t->ncols; i++) {
			shuan_db_value *v = &r->vals[i];
			bool null = r->cell_off[i] == SIZE_MAX;
			char *vp = null ? NULL : r->cell.p + r->cell_off[i];
			v->p = vp;
			v->binary = t->cols[i].binary;
			v->truncated = false;
			if (null) {
				v->len = 0;
			} else if (v->binary) {
				v->len = unhex_bytea(vp, v->len);
				if (v->len > cap) {
					v->len = cap;
					v->truncated = true;
				}
			} else {
				v->len = shuan_db__cap_text(vp, v->len, cap, &v->truncated);
			}
		}
	}
	return 1;
}

static void pg_rows_close(shuan_db_rows *r)
{
	pg_rows *pr = r->impl;
	shuan_db *db = r->db;
	if (pr && pr->copying) {
		/* Stop the server, then drain what is in flight. */
		PGcancel *cancel = PQgetCancel(db->conn);
		char buf[256];
		char *line;
		PGresult *res;
		if (cancel) {
			PQcancel(cancel, buf, sizeof(buf));
			PQfreeCancel(cancel);
		}
		while (PQgetCopyData(db->conn, &line, 0) >= 0)
			PQfreemem(line);
		while ((res = PQgetResult(db->conn)))
			PQclear(res);
	}
	if (r->in_snapshot)
		PQclear(PQexec(db->conn, "ROLLBACK")); /* read only: nothing to keep */
	shuan_free(pr);
	r->impl = NULL;
}

/* ---- reading a table in parts ---- */

/* Parts of at least 128 blocks (1 MiB): a smaller table is read whole
 * (a part costs a connection, a thread and a scanner). */
#define PART_MIN_BLOCKS 128

static bool exec_ok(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok;
}

/* pg_export_snapshot() gives hex digits and dashes; anything else is not
 * put into a statement. */
static bool snapshot_id_ok(const char *id)
{
	if (!*id || strlen(id) > 60)
		return false;
	for (; *id; id++)
		if (!strchr("0123456789ABCDEFabcdef-", *id))
			return false;
	return true;
}

/* The snapshot of a REPEATABLE READ transaction begun on db->conn, and
 * the table's size in blocks; false (transaction rolled back) if either
 * is not to be had. */
static bool export_snapshot(shuan_db *db, const shuan_db_table *t, char *snap, size_t cap, uint64_t *blocks)
{
	static const char sql[] =
		"SELECT pg_export_snapshot(), pg_relation_size(c.oid) / current_setting('block_size')::bigint "
		"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2";
	const char *params[2] = {t->schema, t->name};
	PGresult *res;
	bool ok;
	if (!exec_ok(db->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
		return false;
	res = PQexecParams(db->conn, sql, 2, NULL, params, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	if (ok) {
		snprintf(snap, cap, "%s", PQgetvalue(res, 0, 0));
		*blocks = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
		ok = snapshot_id_ok(snap);
	}
	PQclear(res);
	if (!ok)
		PQclear(PQexec(db->conn, "ROLLBACK"));
	return ok;
}

static int pg_open_parts(shuan_db *db, const shuan_db_table *t, shuan_db_rows **parts, unsigned *n)
{
	char snap[64], sql[128];
	uint64_t blocks = 0;
	unsigned k = 1, opened = 0;
	int rc = 0;

	*n = 0;
	if (PQserverVersion(db->conn) < 140000 || !export_snapshot(db, t, snap, sizeof(snap), &blocks))
		return 0;
	/* the other connections join the snapshot: every part sees the table
	 * as of one moment, as a single read would */
	snprintf(sql, sizeof(sql), "SET TRANSACTION SNAPSHOT '%s'", snap);
	while (k - 1 < db->nspare && k < blocks / PART_MIN_BLOCKS) {
		PGconn *c = db->spare[k - 1];
		if (!exec_ok(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
			break;
		if (!exec_ok(c, sql)) {
			PQclear(PQexec(c, "ROLLBACK"));
			break;
		}
		k++;
	}
	if (k < 2) {
		PQclear(PQexec(db->conn, "ROLLBACK"));
		return 0;
	}
	for (; opened < k; opened++) {
		shuan_db *h = db;
		shuan_db_rows *r;
		if (opened) {
			/* a handle of its own: a thread's messages never mix with another's */
			if (!(h = shuan_calloc(1, sizeof(*h)))) {
				rc = shuan_db__seterr(db, SHUAN_ENOMEM, "%s.%s: out of memory", t->schema, t->name);
				break;
			}
			h->ops = db->ops;
			h->opt = db->opt;
			h->conn = db->spare[opened - 1];
			h->borrowed = true;
			memcpy(h->display, db->display, sizeof(h->display));
		}
		if (!(r = shuan_db__rows_new(h, t))) {
			if (opened)
				shuan_free(h);
			rc = shuan_db__seterr(db, SHUAN_ENOMEM, "%s.%s: out of memory", t->schema, t->name);
			break;
		}
		r->own = opened ? h : NULL;
		r->part = true;
		r->in_snapshot = true;
		r->from_block = blocks * opened / k;
		r->to_block = opened + 1 < k ? blocks * (opened + 1) / k : 0;
		if ((rc = pg_rows_open(r)) < 0) {
			if (opened)
				shuan_db__seterr(db, rc, "%s", h->err);
			shuan_db__rows_close(r);
			break;
		}
		parts[opened] = r;
	}
	if (rc < 0) {
		/* undo: the parts opened end their transactions; the rest too */
		for (unsigned i = 0; i < opened; i++)
			shuan_db__rows_close(parts[i]);
		for (unsigned i = opened; i < k; i++)
			PQclear(PQexec(i ? db->spare[i - 1] : db->conn, "ROLLBACK"));
		return rc;
	}
	*n = k;
	return 0;
}

/* ---- writing: COPY ... FROM STDIN, one transaction per batch ---- */

static int pg_exec(shuan_db *db, const char *sql)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = shuan_db__seterr(db, SHUAN_EIO, "%s", pq_message(db->conn, res));
	PQclear(res);
	return rc;
}

static const char *pg_column_type(bool binary) { return binary ? "bytea" : "text"; }

static int pg_put_begin(shuan_db_writer *w)
{
	shuan_db *db = w->db;
	PGresult *res;
	int rc = pg_exec(db, "BEGIN");
	if (rc < 0)
		return rc;
	shuan_buf_reset(&w->sql);
	rc = shuan_buf_adds(&w->sql, "COPY ");
	if (!rc)
		rc = shuan_db__writer_qname(w, &w->sql);
	if (!rc)
		rc = shuan_buf_adds(&w->sql, " FROM STDIN");
	if (rc)
		return shuan_db__seterr(db, rc, "%s: statement too long", w->qname);
	res = PQexec(db->conn, shuan_buf_str(&w->sql));
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = shuan_db__seterr(db, SHUAN_EIO, "%s: %s", w->qname, pq_message(db->conn, res));
		PQclear(res);
		return rc;
	}
	PQclear(res);
	w->impl = w; /* COPY IN in progress */
	return 0;
}

/* COPY's text format: \N for NULL, backslash escapes, bytea as \\x hex. */
static int copy_field(shuan_buf *b, const shuan_db_value *v, bool binary)
{
	int rc = 0;
	if (!v->p)
		return shuan_buf_adds(b, "\\N");
	if (binary) {
		rc = shuan_buf_adds(b, "\\\\x");
		return rc ? rc : shuan_hex_append(b, v->p, v->len);
	}
	for (size_t i = 0; i < v->len && !rc; i++) {
		char c = v->p[i];
		switch (c) {
		case '\\': rc = shuan_buf_adds(b, "\\\\"); break;
		case '\t': rc = shuan_buf_adds(b, "\\t"); break;
		case '\n': rc = shuan_buf_adds(b, "\\n"); break;
		case '\r': rc = shuan_buf_adds(b, "\\r"); break;
		default: rc = shuan_buf_addc(b, c);
		}
	}
	return rc;
}

static int pg_put_row(shuan_db_writer *w, const shuan_db_value *vals)
{
	shuan_db *db = w->db;
	int rc = 0;
	shuan_buf_reset(&w->line);
	for (size_t i = 0; i < w->ncols && !rc; i++) {
		if (i)
			rc = shuan_buf_addc(&w->line, '\t');
		if (!rc)
			rc = copy_field(&w->line, &vals[i], w->binary[i]);
	}
	if (!rc)
		rc = shuan_buf_addc(&w->line, '\n');
	if (rc)
		return shuan_db__seterr(db, rc, "%s: a row is too large", w->qname);
	if (PQputCopyData(db->conn, w->line.p, (int)w->line.len) != 1)
		return shuan_db__seterr(db, SHUAN_EIO, "%s: %s", w->qname, pq_message(db->conn, NULL));
	return 0;
}

static int pg_put_end(shuan_db_writer *w, bool commit)
{
	shuan_db *db = w->db;
	PGresult *res;
	int rc = 0;
	if (w->impl) {
		w->impl = NULL;
		if (PQputCopyEnd(db->conn, commit ? NULL : "cancelled") != 1)
			rc = shuan_db__seterr(db, SHUAN_EIO, "%s: %s", w->qname, pq_message(db->conn, NULL));
		while ((res = PQgetResult(db->conn))) {
			if (commit && rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
				rc = shuan_db__seterr(db, SHUAN_EIO, "%s: %s", w->qname, pq_message(db->conn, res));
			PQclear(res);
		}
	}
	if (commit && rc == 0)
		return pg_exec(db, "COMMIT");
	{
		/* keep the message of what failed, not ROLLBACK's */
		char keep[sizeof(db->err)];
		snprintf(keep, sizeof(keep), "%s", db->err);
		pg_exec(db, "ROLLBACK");
		snprintf(db->err, sizeof(db->err), "%s", keep);
	}
	return rc;
}

const shuan_db_ops shuan_db__postgres_ops = {
	SHUAN_DB_POSTGRES, pg_connect,	 pg_close,     pg_list,	    pg_rows_open, pg_rows_next,
	pg_rows_close,	   pg_exec,	 pg_column_type, pg_put_begin, pg_put_row,   pg_put_end,
	'"',		   pg_open_parts,
};
