/*
 * lib/inventory/collect.c - gathering the evidence: sources, tables and
 * columns, and the sink that turns a table scan (lib/source/table_scan.c)
 * into column accumulators and people records.
 *
 * A row's findings arrive before the scanner moves past it, but the table
 * scan only says a row is done when it asks for more input, so findings of
 * several rows come before their row_done calls. The sink queues the rows
 * that have identifiers or flags (a row, where its identifiers start, its
 * flags) and hands each to the table's people counter when its row_done
 * comes: identifiers in one row are one person.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/inventory/collect.h"
#include "lib/rules/internal.h"
#include "lib/source/db_source.h"
#include "util/alloc.h"

static inv_source *source_at(shuan_inventory *inv, size_t i) { return &SHUAN_VEC_AT(&inv->sources, inv_source, i); }
static inv_table *table_at(shuan_inventory *inv, size_t i) { return &SHUAN_VEC_AT(&inv->tables, inv_table, i); }
static inv_column *col_at(shuan_inventory *inv, size_t i) { return &SHUAN_VEC_AT(&inv->cols, inv_column, i); }

void shuan_inv__column_free(inv_column *c)
{
	shuan_free(c->source);
	shuan_free(c->table);
	shuan_free(c->column);
	shuan_free(c->comment);
	shuan_free(c->type);
	shuan_free(c->det);
	shuan_free(c->dict);
	shuan_buf_free(&c->basis);
	shuan_free(c->basis_v);
	memset(c, 0, sizeof(*c));
}

inv_source *shuan_inv__source(shuan_inventory *inv, const char *source, const char *kind)
{
	inv_source *s;
	for (size_t i = 0; i < inv->sources.n; i++)
		if (!strcmp(source_at(inv, i)->source, source))
			return source_at(inv, i);
	if (shuan_vec_add(&inv->sources, (void **)&s) < 0)
		return NULL;
	s->source = shuan_strdup(source);
	s->kind = shuan_strdup(kind);
	if (!s->source || !s->kind) {
		shuan_free(s->source);
		shuan_free(s->kind);
		inv->sources.n--;
		return NULL;
	}
	return s;
}

inv_table *shuan_inv__table(shuan_inventory *inv, const char *source, const char *name)
{
	inv_table *t;
	shuan_people_options po = SHUAN_PEOPLE_OPTIONS_INIT;
	for (size_t i = 0; i < inv->tables.n; i++)
		if (!strcmp(table_at(inv, i)->source, source) && !strcmp(table_at(inv, i)->name, name))
			return table_at(inv, i);
	if (shuan_vec_add(&inv->tables, (void **)&t) < 0)
		return NULL;
	po.max_exact = inv->max_exact;
	t->est_rows = -1;
	t->source = shuan_strdup(source);
	t->name = shuan_strdup(name);
	t->first_col = inv->cols.n;
	if (!t->source || !t->name || shuan_people_new(&t->people, &po) < 0) {
		shuan_free(t->source);
		shuan_free(t->name);
		inv->tables.n--;
		return NULL;
	}
	return t;
}

inv_column *shuan_inv__column(shuan_inventory *inv, size_t table, const char *name, const char *comment,
			      const char *type, bool pk)
{
	inv_table *t = table_at(inv, table);
	inv_column *c;
	/* a table's columns are contiguous: a known one is among them */
	for (size_t i = t->first_col; i < t->first_col + t->ncols; i++)
		if (!strcmp(col_at(inv, i)->column, name))
			return col_at(inv, i);
	if (t->first_col + t->ncols != inv->cols.n)
		return NULL; /* columns of an earlier table cannot grow (never happens when reading) */
	if (shuan_vec_add(&inv->cols, (void **)&c) < 0)
		return NULL;
	c->source = shuan_strdup(t->source);
	c->table = shuan_strdup(t->name);
	c->column = shuan_strdup(name);
	c->comment = shuan_strdup(comment ? comment : "");
	c->type = shuan_strdup(type ? type : "");
	c->pk = pk;
	c->det = shuan_calloc(shuan_rules_count(inv->rules) + 1, sizeof(*c->det));
	c->dict = shuan_calloc(inv->classes.n + 1, sizeof(*c->dict));
	shuan_buf_init(&c->basis, 64u << 10);
	if (!c->source || !c->table || !c->column || !c->comment || !c->type || !c->det || !c->dict) {
		shuan_inv__column_free(c);
		inv->cols.n--;
		return NULL;
	}
	t->ncols++;
	return c;
}

int shuan_inv__source_error(shuan_inventory *inv, inv_source *s, const char *what, const char *reason)
{
	char line[1400];
	char **v;
	inv->errors++;
	snprintf(line, sizeof(line), "%s%s%s", what ? what : "", what && *what ? ": " : "", reason);
	if (inv->ev)
		inv->ev(s ? s->source : "", line, true, inv->ev_ud);
	if (!s)
		return 0;
	if (!(v = shuan_realloc(s->errors, (s->nerrors + 1) * sizeof(*v))))
		return SHUAN_ENOMEM;
	s->errors = v;
	if (!(s->errors[s->nerrors] = shuan_strdup(line)))
		return SHUAN_ENOMEM;
	s->nerrors++;
	return 0;
}

/* ---- the table sink ---- */

typedef struct queued_row {
	uint64_t row;
	size_t first_id, nids;
	unsigned flags;
} queued_row;

int shuan_inv__sink_begin(inv_sink *k, shuan_inventory *inv, size_t table)
{
	inv_table *t = table_at(inv, table);
	memset(k, 0, sizeof(*k));
	k->inv = inv;
	k->table = table;
	shuan_vec_init(&k->ids, sizeof(shuan_person_id), (size_t)1 << 26);
	shuan_vec_init(&k->queue, sizeof(queued_row), (size_t)1 << 26);
	if (!(k->cue = shuan_calloc(t->ncols + 1, sizeof(*k->cue))) ||
	    !(k->cue_dict = shuan_calloc(t->ncols + 1, sizeof(*k->cue_dict))) ||
	    !(k->identifier = shuan_calloc(shuan_rules_count(inv->rules) + 1, sizeof(*k->identifier))))
		return SHUAN_ENOMEM;
	for (size_t d = 0; d < shuan_rules_count(inv->rules); d++)
		k->identifier[d] = shuan_inv__is_identifier(&inv->classes, inv->rules->dets[d].info.id);
	k->cols = col_at(inv, t->first_col);
	k->people = t->people;
	k->minors = &t->minors;
	for (size_t i = 0; i < t->ncols; i++) {
		const inv_column *c = col_at(inv, t->first_col + i);
		const inv_class *cl;
		k->cue[i] = shuan_inv__name_class(&inv->classes, c->column, c->comment);
		cl = k->cue[i] >= 0 ? &inv->classes.v[k->cue[i]] : NULL;
		k->cue_dict[i] = cl && (cl->dict || cl->cue_values || cl->icd10);
	}
	return 0;
}

void shuan_inv__sink_end(inv_sink *k)
{
	shuan_vec_free(&k->ids);
	shuan_vec_free(&k->queue);
	shuan_free(k->cue);
	shuan_free(k->cue_dict);
	shuan_free(k->identifier);
}

#define DICT_PROBE 1000

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static queued_row *queue_row(inv_sink *k, uint64_t row)
{
	queued_row *q;
	if (k->queue.n > k->head) {
		q = &SHUAN_VEC_AT(&k->queue, queued_row, k->queue.n - 1);
		if (q->row == row)
			return q;
	}
	if (shuan_vec_add(&k->queue, (void **)&q) < 0)
		return NULL;
	q->row = row;
	q->first_id = k->ids.n;
	return q;
}

static bool minor_on(const shuan_inventory *inv, int y, int m, int d)
{
	/* under 14 on the scan date: born after the date 14 years before it */
	int sy = inv->scan.year, sm = inv->scan.month, sd = inv->scan.day;
	if (y + 14 != sy)
		return y + 14 > sy;
	return m > sm || (m == sm && d > sd);
}

int shuan_inv__sink_finding(void *ud, const shuan_finding *f, uint64_t row, size_t col)
{
	inv_sink *k = ud;
	shuan_inventory *inv = k->inv;
	inv_column *c = &k->cols[col];
	size_t d = (size_t)((const shuan_detector *)((const char *)f->detector - offsetof(shuan_detector, info)) -
			    inv->rules->dets);
	inv_det_acc *a;
	queued_row *q;
	shuan_person_id id;
	unsigned flags = 0;

	if (d >= shuan_rules_count(inv->rules))
		return 0;
	a = &c->det[d];
	a->findings++;
	a->confidence += f->confidence;
	a->sensitive += f->sensitive;
	a->minors += f->attrs.minor_under_14;
	if (a->last_row != row) {
		a->hits++;
		a->last_row = row;
	}
	if (f->sensitive)
		flags |= SHUAN_PERSON_SENSITIVE;
	if (f->attrs.minor_under_14)
		flags |= SHUAN_PERSON_MINOR | SHUAN_PERSON_SENSITIVE;
	if (!(q = queue_row(k, row)))
		return k->failed = 1;
	q->flags |= flags;
	if (k->identifier[d] && f->person_key) {
		memcpy(id.fp, f->person_key, sizeof(id.fp));
		id.detector = f->detector->id;
		if (shuan_vec_push(&k->ids, &id) < 0)
			return k->failed = 1;
		q->nids++;
	}
	return 0;
}

/* Whether no dictionary covers a tenth of the column's values looked up.
 * Then nothing more is looked up or counted, so the answer holds for as
 * long as dict_checked stays where it was (a part's counts added move it):
 * kept, rather than found again over every class for every value (7% of a
 * --full read of a sparse table). */
static bool dict_off(const shuan_inventory *inv, inv_column *c)
{
	uint64_t best = 0;
	if (c->dict_off_at == c->dict_checked)
		return true;
	for (size_t i = 0; i < inv->classes.n; i++)
		if (c->dict[i] > best)
			best = c->dict[i];
	if (best * 10 >= c->dict_checked)
		return false;
	c->dict_off_at = c->dict_checked;
	return true;
}

unsigned shuan_inv__sink_value(void *ud, uint64_t row, size_t col, const shuan_db_value *v)
{
	inv_sink *k = ud;
	shuan_inventory *inv = k->inv;
	inv_column *c = &k->cols[col];
	int cue = k->cue[col];
	unsigned flags = 0;
	(void)row;
	if (v->binary) {
		const char *kind = shuan_table__binary_kind((const unsigned char *)v->p, v->len);
		if (strstr(kind, "image"))
			c->images++;
		return 0;
	}
	if (v->len >= 64)
		c->long_values++;
	if (blank(v->p, v->len))
		return 0;
	/* Closed vocabularies: a column is looked up for its first DICT_PROBE
	 * values, then only while some dictionary covers a tenth of them (or
	 * under the name cue of a class with a dictionary): a column of phone
	 * numbers or amounts, named so or not, stops costing lookups, and rates
	 * count the values looked up. */
	if (c->dict_checked >= DICT_PROBE && !k->cue_dict[col] && dict_off(inv, c))
		goto dates;
	c->dict_checked++;
	if (v->len <= 96)
		for (size_t i = 0; i < inv->classes.n; i++) {
			const inv_class *cl = &inv->classes.v[i];
			if (!cl->dict && !cl->icd10)
				continue;
			if (shuan_inv__dict_member(cl, v->p, v->len, cue == (int)i)) {
				c->dict[i]++;
				if (cue == (int)i && cl->sensitive)
					flags |= SHUAN_PERSON_SENSITIVE;
			}
		}
dates:
	if (cue >= 0 && inv->classes.v[cue].values == INV_VALUES_DATE) {
		int y, m, d;
		if (shuan_inv__parse_date(v->p, v->len, &y, &m, &d)) {
			c->dates++;
			if (minor_on(inv, y, m, d)) {
				c->minor_dates++;
				flags |= SHUAN_PERSON_MINOR | SHUAN_PERSON_SENSITIVE;
			}
		}
	} else if (cue >= 0 && inv->classes.v[cue].values == INV_VALUES_AGE) {
		int age;
		if (shuan_inv__parse_age(v->p, v->len, &age)) {
			c->ages++;
			if (age < 14) {
				c->minor_ages++;
				flags |= SHUAN_PERSON_MINOR | SHUAN_PERSON_SENSITIVE;
			}
		}
	}
	return flags;
}

void shuan_inv__sink_row_done(void *ud, uint64_t row, unsigned flags)
{
	inv_sink *k = ud;
	unsigned all = flags;
	size_t first = 0, n = 0;

	if (k->head < k->queue.n && SHUAN_VEC_AT(&k->queue, queued_row, k->head).row == row) {
		queued_row *q = &SHUAN_VEC_AT(&k->queue, queued_row, k->head);
		all |= q->flags;
		first = q->first_id;
		n = q->nids;
		k->head++;
	}
	if (all & SHUAN_PERSON_MINOR)
		*k->minors = true;
	if (n && shuan_people_add_record(k->people, &SHUAN_VEC_AT(&k->ids, shuan_person_id, first), n, all) < 0)
		k->failed = 1;
	if (k->head == k->queue.n) {
		/* every queued row is done: start the buffers over */
		k->queue.n = 0;
		k->ids.n = 0;
		k->head = 0;
	}
}

/* ---- databases ---- */

static int rows_next(void *ctx, const shuan_db_value **vals) { return shuan_db__rows_next(ctx, vals); }

/*
 * One part of a table read (shuan_db__rows_open_parts). Part 0 is read on
 * the calling thread into the table's own columns and people counter; the
 * others each on a thread of their own, with a scanner, column counts and
 * a people counter of their own, added to the table's when all are done
 * (the same sums and the same merge as `shuan inventory merge`).
 */
typedef struct db_part {
	pthread_t thread;           /* parts > 0, when threaded */
	bool threaded;
	shuan_inventory *inv;
	const char *source, *name;
	const shuan_db_table *t;
	shuan_db_rows *rows;
	shuan_scanner *s;
	inv_sink k;
	bool sink_ok;
	inv_column *own;            /* t->ncols, parts > 0 */
	shuan_people *people;       /* parts > 0 */
	bool minors;
	shuan_table_column_stats *stats;
	shuan_table_result res;
	int rc;
} db_part;

static void *read_part(void *arg)
{
	db_part *p = arg;
	shuan_row_source rs = {p->source, p->name, p->t->ncols, p->t->cols, rows_next, p->rows};
	shuan_table_sink sink = {shuan_inv__sink_finding, shuan_inv__sink_value, shuan_inv__sink_row_done, &p->k, true};
	memset(&p->res, 0, sizeof(p->res));
	p->res.cols = p->stats;
	p->rc = shuan_table__scan(p->s, &rs, &sink, &p->res);
	if (p->k.failed && p->rc >= 0)
		p->rc = SHUAN_ENOMEM;
	return NULL;
}

/* A part's own counts: a column's accumulators, nothing else. */
static int part_setup(db_part *p, shuan_inventory *inv, size_t ti, bool own)
{
	const size_t ncols = p->t->ncols;
	shuan_people_options po = SHUAN_PEOPLE_OPTIONS_INIT;
	if (!(p->stats = shuan_calloc(ncols + 1, sizeof(*p->stats))))
		return SHUAN_ENOMEM;
	if (shuan_inv__sink_begin(&p->k, inv, ti) < 0)
		return SHUAN_ENOMEM;
	p->sink_ok = true;
	if (!own)
		return 0;
	po.max_exact = inv->max_exact;
	if (!(p->own = shuan_calloc(ncols + 1, sizeof(*p->own))) || shuan_people_new(&p->people, &po) < 0 ||
	    shuan_scanner_new(&p->s, inv->rules, &inv->scan) < 0)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < ncols; i++)
		if (!(p->own[i].det = shuan_calloc(shuan_rules_count(inv->rules) + 1, sizeof(*p->own[i].det))) ||
		    !(p->own[i].dict = shuan_calloc(inv->classes.n + 1, sizeof(*p->own[i].dict))))
			return SHUAN_ENOMEM;
	p->k.cols = p->own;
	p->k.people = p->people;
	p->k.minors = &p->minors;
	return 0;
}

static void part_free(db_part *p)
{
	if (p->sink_ok)
		shuan_inv__sink_end(&p->k);
	if (p->own)
		for (size_t i = 0; i < p->t->ncols; i++) {
			shuan_free(p->own[i].det);
			shuan_free(p->own[i].dict);
		}
	shuan_free(p->own);
	shuan_people_free(p->people);
	shuan_scanner_free(p->s);
	shuan_free(p->stats);
	shuan_db__rows_close(p->rows);
}

/* Adds a part's own column counts and people into the table's. */
static int part_add(shuan_inventory *inv, inv_table *it, const db_part *p)
{
	size_t ndet = shuan_rules_count(inv->rules);
	for (size_t i = 0; i < p->t->ncols; i++) {
		inv_column *c = col_at(inv, it->first_col + i);
		const inv_column *o = &p->own[i];
		for (size_t d = 0; d < ndet; d++) {
			c->det[d].hits += o->det[d].hits;
			c->det[d].findings += o->det[d].findings;
			c->det[d].sensitive += o->det[d].sensitive;
			c->det[d].minors += o->det[d].minors;
			c->det[d].confidence += o->det[d].confidence;
		}
		for (size_t j = 0; j < inv->classes.n; j++)
			c->dict[j] += o->dict[j];
		c->dict_checked += o->dict_checked;
		c->long_values += o->long_values;
		c->images += o->images;
		c->dates += o->dates;
		c->minor_dates += o->minor_dates;
		c->ages += o->ages;
		c->minor_ages += o->minor_ages;
	}
	it->minors |= p->minors;
	return shuan_people_merge(it->people, p->people);
}

/* The engine's message for a failed read of db, without the source's
 * display name that opens it. */
static const char *db_reason(shuan_db *db, const char *display)
{
	const char *m = shuan_db__errmsg(db);
	size_t dl = strlen(display);
	if (!strncmp(m, display, dl) && !strncmp(m + dl, ": ", 2))
		m += dl + 2;
	return m;
}

/* Reads one table of db into the inventory. */
static int add_db_table(shuan_inventory *inv, shuan_scanner *s, shuan_db *db, inv_source *src, size_t si,
			const shuan_db_table *t)
{
	char name[600];
	inv_table *it;
	size_t ti;
	shuan_db_rows *rows[SHUAN_DB_MAX_CONNECTIONS];
	db_part parts[SHUAN_DB_MAX_CONNECTIONS];
	unsigned np = 0;
	uint64_t nrows = 0;
	int rc = 0, failed = 0;
	shuan_db *failed_db = db;

	snprintf(name, sizeof(name), "%s.%s", t->schema, t->name);
	if (!(it = shuan_inv__table(inv, src->source, name)))
		return SHUAN_ENOMEM;
	ti = (size_t)(it - (inv_table *)inv->tables.v);
	for (size_t i = 0; i < t->ncols; i++)
		if (!shuan_inv__column(inv, ti, t->cols[i].name, t->cols[i].comment, t->cols[i].type, t->cols[i].pk))
			return SHUAN_ENOMEM;
	src = &SHUAN_VEC_AT(&inv->sources, inv_source, si);
	src->tables++;
	if (t->est_rows > table_at(inv, ti)->est_rows)
		table_at(inv, ti)->est_rows = t->est_rows;
	if (shuan_db__rows_open_parts(db, t, rows, &np) < 0)
		return shuan_inv__source_error(inv, src, "", db_reason(db, shuan_db__display(db)));
	if (np > 1)
		snprintf(table_at(inv, ti)->method, sizeof(table_at(inv, ti)->method), "%s (%u parts in one snapshot)",
			 shuan_db__rows_method(rows[0]), np);
	else
		snprintf(table_at(inv, ti)->method, sizeof(table_at(inv, ti)->method), "%s",
			 shuan_db__rows_method(rows[0]));
	memset(parts, 0, sizeof(parts));
	for (unsigned i = 0; i < np; i++) {
		parts[i].inv = inv;
		parts[i].source = src->source;
		parts[i].name = name;
		parts[i].t = t;
		parts[i].rows = rows[i];
		parts[i].s = i ? NULL : s;
	}
	for (unsigned i = 0; i < np && rc == 0; i++)
		rc = part_setup(&parts[i], inv, ti, i > 0);
	/* parts 1.. on threads of their own; one that cannot start is read
	 * after part 0 (its connection simply waits) */
	for (unsigned i = 1; i < np && rc == 0; i++)
		parts[i].threaded = pthread_create(&parts[i].thread, NULL, read_part, &parts[i]) == 0;
	if (rc == 0)
		read_part(&parts[0]);
	for (unsigned i = 1; i < np && rc == 0; i++) {
		if (parts[i].threaded)
			pthread_join(parts[i].thread, NULL);
		else
			read_part(&parts[i]);
	}
	parts[0].s = NULL; /* the caller's */
	it = table_at(inv, ti);
	for (unsigned i = 0; i < np && rc == 0; i++) {
		db_part *p = &parts[i];
		nrows += p->res.rows;
		for (size_t c = 0; c < t->ncols; c++) {
			inv_column *col = col_at(inv, it->first_col + c);
			const shuan_table_column_stats *st = &p->stats[c];
			col->sampled += p->res.rows;
			col->values += st->values;
			col->non_empty += st->non_empty;
			col->truncated += st->truncated;
			col->binary_skipped += st->binary_skipped;
			col->binary_as_text += st->binary_as_text;
			if (st->binary_skipped && !col->binary_kind[0])
				snprintf(col->binary_kind, sizeof(col->binary_kind), "%s", st->binary_kind);
		}
		if (i && part_add(inv, it, p) < 0)
			p->rc = SHUAN_ENOMEM;
		if (p->rc < 0 && !failed) {
			failed = p->rc;
			failed_db = shuan_db__rows_db(p->rows);
		}
	}
	it->rows += nrows;
	src = &SHUAN_VEC_AT(&inv->sources, inv_source, si);
	src->rows_read += nrows;
	src->sampled |= !shuan_db__options(db)->full;
	if (rc == 0)
		rc = failed;
	if (rc < 0 && rc != SHUAN_EINTR && rc != SHUAN_ENOMEM) {
		char why[1200];
		const char *m = db_reason(failed_db, shuan_db__display(db));
		if (nrows)
			snprintf(why, sizeof(why), "%s (after %llu rows)", m, (unsigned long long)nrows);
		else
			snprintf(why, sizeof(why), "%s", m);
		rc = shuan_inv__source_error(inv, src, "", why);
	}
	for (unsigned i = 0; i < np; i++)
		part_free(&parts[i]);
	return rc;
}

static const char *kind_of(shuan_db *db)
{
	return shuan_db__engine_name(shuan_db__engine(db));
}

int shuan_inv__add_database(shuan_inventory *inv, const char *path)
{
	shuan_db *db = NULL;
	shuan_db_catalog cat = {0};
	shuan_scanner *s = NULL;
	inv_source *src;
	size_t si;
	char err[1024];
	int rc;

	if ((rc = shuan_db__open_source(&db, path, &inv->db, err, sizeof(err))) < 0) {
		char display[512];
		const char *colon = strstr(err, ": ");
		if (shuan_db_display_url(path, display, sizeof(display)) != 0)
			snprintf(display, sizeof(display), "%s", path);
		if (!(src = shuan_inv__source(inv, display, shuan_db_is_url(path) ? "database" : "sqlite")))
			return SHUAN_ENOMEM;
		return shuan_inv__source_error(inv, src, "", colon ? colon + 2 : err);
	}
	if (!(src = shuan_inv__source(inv, shuan_db__display(db), kind_of(db)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	si = (size_t)(src - (inv_source *)inv->sources.v);
	if ((rc = shuan_db__list(db, &cat)) < 0) {
		const char *m = shuan_db__errmsg(db), *d = shuan_db__display(db);
		size_t dl = strlen(d);
		if (!strncmp(m, d, dl) && !strncmp(m + dl, ": ", 2))
			m += dl + 2;
		rc = shuan_inv__source_error(inv, src, "", m);
		goto cleanup;
	}
	if ((rc = shuan_scanner_new(&s, inv->rules, &inv->scan)) < 0)
		goto cleanup;
	for (size_t i = 0; i < cat.n && rc == 0; i++) {
		if (shuan_scanner__cancelled(s)) {
			rc = SHUAN_EINTR;
			break;
		}
		rc = add_db_table(inv, s, db, &SHUAN_VEC_AT(&inv->sources, inv_source, si), si, &cat.tables[i]);
	}
cleanup:
	shuan_scanner_free(s);
	shuan_db__catalog_free(&cat);
	shuan_db__close(db);
	return rc;
}
