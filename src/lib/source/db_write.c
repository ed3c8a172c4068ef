/*
 * lib/source/db_write.c - a new table filled row by row (shuan mask
 * --into): what the three engines share. The engine does the bulk insert
 * (prepared INSERT for SQLite, COPY FROM STDIN for PostgreSQL, multi-row
 * INSERT for MySQL); here are the existence check, CREATE TABLE, the
 * batches (one transaction per batch_rows rows, so a huge table is never
 * one transaction and memory stays one batch's statement at most) and the
 * DROP that undoes a failed run.
 */
#include <stdio.h>
#include <string.h>

#include "lib/source/db.h"
#include "util/alloc.h"

#define BATCH_ROWS 10000

int shuan_db__writer_qname(shuan_db_writer *w, shuan_buf *b)
{
	char q = w->db->ops->quote;
	int rc = 0;
	if (w->schema) {
		rc = shuan_db__quote_ident(b, w->schema, q);
		if (!rc)
			rc = shuan_buf_addc(b, '.');
	}
	return rc ? rc : shuan_db__quote_ident(b, w->name, q);
}

/* Whether the catalog has schema.name (schema NULL: any schema's default). */
static int exists(shuan_db *db, const char *schema, const char *name, bool *found)
{
	shuan_db_catalog cat;
	int rc = shuan_db__list(db, &cat);
	*found = false;
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < cat.n && !*found; i++)
		*found =
		    !strcmp(cat.tables[i].name, name) && (!schema || !strcmp(cat.tables[i].schema, schema));
	shuan_db__catalog_free(&cat);
	return 0;
}

void shuan_db__writer_free(shuan_db_writer *w)
{
	if (!w)
		return;
	shuan_free(w->schema);
	shuan_free(w->name);
	shuan_free(w->binary);
	shuan_buf_free(&w->sql);
	shuan_buf_free(&w->line);
	shuan_free(w);
}

int shuan_db__writer_open(shuan_db_writer **out, shuan_db *db, const char *schema, const char *name,
                          const char *const *names, const bool *binary, size_t n)
{
	const shuan_db_ops *ops = db->ops;
	shuan_db_writer *w;
	shuan_buf ddl;
	bool found;
	int rc;

	*out = NULL;
	db->err[0] = '\0';
	if (!ops->exec)
		return shuan_db__seterr(db, SHUAN_EINVAL, "writing tables is not supported");
	if (!(w = shuan_calloc(1, sizeof(*w))))
		return shuan_db__seterr(db, SHUAN_ENOMEM, "out of memory");
	w->db = db;
	w->ncols = n;
	w->batch_rows = BATCH_ROWS;
	snprintf(w->qname, sizeof(w->qname), "%s%s%s", schema ? schema : "", schema ? "." : "", name);
	shuan_buf_init(&w->sql, (size_t)256 << 20);
	shuan_buf_init(&w->line, (size_t)1 << 31);
	if ((schema && !(w->schema = shuan_strdup(schema))) || !(w->name = shuan_strdup(name)) ||
	    !(w->binary = shuan_calloc(n ? n : 1, sizeof(bool)))) {
		shuan_db__writer_free(w);
		return shuan_db__seterr(db, SHUAN_ENOMEM, "out of memory");
	}
	memcpy(w->binary, binary, n * sizeof(bool));
	if ((rc = exists(db, schema, name, &found)) < 0) {
		shuan_db__writer_free(w);
		return rc;
	}
	if (found) {
		shuan_db__writer_free(w);
		return shuan_db__seterr(
		    db, SHUAN_EINVAL,
		    "table %s already exists (--into creates a new table; drop it or name another)",
		    w->qname);
	}
	shuan_buf_init(&ddl, (size_t)1 << 24);
	rc = shuan_buf_adds(&ddl, "CREATE TABLE ");
	if (!rc)
		rc = shuan_db__writer_qname(w, &ddl);
	if (!rc)
		rc = shuan_buf_adds(&ddl, " (");
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = shuan_buf_adds(&ddl, ", ");
		if (!rc)
			rc = shuan_db__quote_ident(&ddl, names[i], ops->quote);
		if (!rc)
			rc = shuan_buf_addf(&ddl, " %s", ops->column_type(binary[i]));
	}
	if (!rc)
		rc = shuan_buf_adds(&ddl, ops->engine == SHUAN_DB_MYSQL ? ") DEFAULT CHARSET=utf8mb4" : ")");
	if (rc) {
		shuan_buf_free(&ddl);
		shuan_db__writer_free(w);
		return shuan_db__seterr(db, rc, "%s: statement too long", name);
	}
	rc = ops->exec(db, shuan_buf_str(&ddl));
	shuan_buf_free(&ddl);
	if (rc < 0) {
		shuan_db__writer_free(w);
		return rc;
	}
	w->created = true;
	*out = w;
	return 0;
}

int shuan_db__writer_row(shuan_db_writer *w, const shuan_db_value *vals)
{
	const shuan_db_ops *ops = w->db->ops;
	int rc;
	if (!w->in_batch) {
		if ((rc = ops->put_begin(w)) < 0)
			return rc;
		w->in_batch = true;
		w->batch = 0;
	}
	if ((rc = ops->put_row(w, vals)) < 0)
		return rc;
	w->rows++;
	if (++w->batch >= w->batch_rows) {
		w->in_batch = false;
		return ops->put_end(w, true);
	}
	return 0;
}

int shuan_db__writer_finish(shuan_db_writer *w)
{
	if (!w->in_batch)
		return 0;
	w->in_batch = false;
	return w->db->ops->put_end(w, true);
}

void shuan_db__writer_abort(shuan_db_writer *w)
{
	shuan_db *db = w->db;
	char keep[sizeof(db->err)];
	shuan_buf sql;

	/* the message that made the caller give up is the one to show */
	snprintf(keep, sizeof(keep), "%s", db->err);
	if (w->in_batch) {
		w->in_batch = false;
		db->ops->put_end(w, false);
	}
	if (w->created) {
		shuan_buf_init(&sql, (size_t)1 << 16);
		if (shuan_buf_adds(&sql, "DROP TABLE ") == 0 && shuan_db__writer_qname(w, &sql) == 0 &&
		    db->ops->exec(db, shuan_buf_str(&sql)) == 0)
			w->created = false;
		shuan_buf_free(&sql);
	}
	snprintf(db->err, sizeof(db->err), "%s", keep);
}
