/*
 * lib/inventory/record.c - inventories in the store (migration 4 in
 * lib/store/migrate.c): recording a run (per source, per column, with the
 * people counters' state for the duty engines), listing runs, and the diff
 * between two runs of a source: new and removed columns, new sensitive
 * columns, grade changes, people-count jumps.
 *
 * Lists (errors, reasons, basis lines) are stored one per line: they are
 * our own messages and never hold a line break or a value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/inventory/internal.h"
#include "lib/store/internal.h"
#include "util/alloc.h"
#include "util/json.h"

/* A jump: the distinct count changed by this share or more. */
#define PEOPLE_JUMP 0.10

void shuan_inv__bind_texts(sqlite3_stmt *st, int first, const char *const *v, int n)
{
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, first + i, v[i], -1, SQLITE_STATIC);
}

static char *join(const char *const *v, size_t n)
{
	shuan_buf b;
	size_t len;
	shuan_buf_init(&b, 1u << 26);
	for (size_t i = 0; i < n; i++)
		if (shuan_buf_addf(&b, "%s%s", i ? "\n" : "", v[i]) < 0) {
			shuan_buf_free(&b);
			return NULL;
		}
	if (!n)
		shuan_buf_add(&b, "", 0);
	return shuan_buf_take(&b, &len);
}

int shuan_inventory_record(const shuan_inventory *inv, shuan_store *store, const char *started,
			   const char *finished, int64_t *run_id)
{
	sqlite3 *db = shuan_store__db(store);
	sqlite3_stmt *st = NULL;
	shuan_people_counts pc;
	char sampling[64];
	int rc = SHUAN_ESTORE;
	int64_t id;

	if (!inv->finished) {
		shuan_store__seterr(store, "inventory: finish it before recording");
		return SHUAN_EINVAL;
	}
	shuan_people_counts_get(inv->people, &pc);
	if (inv->db.full)
		snprintf(sampling, sizeof(sampling), "full");
	else
		snprintf(sampling, sizeof(sampling), "sample %llu",
			 (unsigned long long)(inv->db.sample ? inv->db.sample : SHUAN_DB_DEFAULT_SAMPLE));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto failed;
	if (sqlite3_prepare_v2(db, "INSERT INTO inventory_runs(started, finished, shuan_version, profile, profile_unverified,"
				   " sampling, people_distinct, people_sensitive, people_minors, people_exact,"
				   " people_error_bound, errors) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto failed;
	sqlite3_bind_text(st, 1, started, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, finished, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, shuan_version(), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, inv->profile.id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, inv->profile.unverified);
	sqlite3_bind_text(st, 6, sampling, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)pc.distinct);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)pc.sensitive);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)pc.minors);
	sqlite3_bind_int(st, 10, pc.exact);
	sqlite3_bind_double(st, 11, pc.error_bound);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)inv->errors);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto failed;
	sqlite3_finalize(st);
	st = NULL;
	id = sqlite3_last_insert_rowid(db);
	if (sqlite3_prepare_v2(db, "INSERT INTO inventory_sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st,
			       NULL) != SQLITE_OK)
		goto failed;
	for (size_t i = 0; i < inv->sources.n; i++) {
		const inv_source *s = &SHUAN_VEC_AT(&inv->sources, inv_source, i);
		const shuan_inventory_source *o = &s->out;
		char *errors = join(o->errors, o->nerrors), *reasons = join(o->reasons, o->nreasons);
		unsigned char *blob = NULL;
		size_t len = 0;
		int step;
		if (!errors || !reasons || shuan_people_save(s->people, &blob, &len) < 0) {
			shuan_free(errors);
			shuan_free(reasons);
			shuan_store__seterr(store, "out of memory recording the inventory");
			rc = SHUAN_ENOMEM;
			goto rollback;
		}
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, o->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, o->kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)o->tables);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)o->rows_read);
		sqlite3_bind_int(st, 6, o->sampled);
		sqlite3_bind_text(st, 7, errors, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)o->people.distinct);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)o->people.sensitive);
		sqlite3_bind_int64(st, 10, (sqlite3_int64)o->people.minors);
		sqlite3_bind_int(st, 11, o->people.exact);
		sqlite3_bind_double(st, 12, o->people.error_bound);
		sqlite3_bind_int(st, 13, o->important_candidate);
		sqlite3_bind_text(st, 14, reasons, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob64(st, 15, blob, len, SQLITE_TRANSIENT);
		step = sqlite3_step(st);
		sqlite3_reset(st);
		shuan_free(errors);
		shuan_free(reasons);
		shuan_people_buffer_free(blob);
		if (step != SQLITE_DONE)
			goto failed;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO inventory_columns VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
			       &st, NULL) != SQLITE_OK)
		goto failed;
	for (size_t i = 0; i < inv->cols.n; i++) {
		const shuan_inventory_column *c = &SHUAN_VEC_AT(&inv->cols, inv_column, i).out;
		char *basis = join(c->basis, c->nbasis);
		int step;
		if (!basis) {
			rc = SHUAN_ENOMEM;
			goto rollback;
		}
		sqlite3_bind_int64(st, 1, id);
		shuan_inv__bind_texts(st, 2,
		                      (const char *const[]){c->source, c->table, c->column, c->comment,
		                                            c->type, c->data_type, c->label},
		                      7);
		sqlite3_bind_double(st, 9, c->hit_rate);
		sqlite3_bind_int64(st, 10, (sqlite3_int64)c->sampled);
		sqlite3_bind_int64(st, 11, (sqlite3_int64)c->non_empty);
		sqlite3_bind_double(st, 12, c->confidence);
		sqlite3_bind_text(st, 13, c->category, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 14, c->pi);
		sqlite3_bind_int(st, 15, c->sensitive);
		sqlite3_bind_text(st, 16, c->spi_category, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 17, c->grade, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 18, c->sublevel, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 19, basis, -1, SQLITE_TRANSIENT);
		step = sqlite3_step(st);
		sqlite3_reset(st);
		shuan_free(basis);
		if (step != SQLITE_DONE)
			goto failed;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto failed;
	if (run_id)
		*run_id = id;
	return 0;
failed:
	shuan_store__seterr(store, "cannot record the inventory: %s", sqlite3_errmsg(db));
	rc = SHUAN_ESTORE;
rollback:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static const char *txt(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

int shuan_inventory_list(shuan_store *store, const char *format, FILE *out)
{
	sqlite3 *db = shuan_store__db(store);
	sqlite3_stmt *st = NULL, *ss = NULL;
	bool json = !strcmp(format, "json");
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, started, finished, profile, profile_unverified, sampling, people_distinct,"
				   " people_sensitive, people_minors, people_exact, people_error_bound, errors"
				   " FROM inventory_runs ORDER BY id DESC", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT source, kind, tables, rows_read, people_distinct, people_exact,"
				   " important_candidate FROM inventory_sources WHERE run_id = ? ORDER BY source",
			       -1, &ss, NULL) != SQLITE_OK) {
		shuan_store__seterr(store, "cannot list inventories: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return SHUAN_ESTORE;
	}
	if (json)
		fprintf(out, "{\"type\":\"inventory_runs\",\"schema_version\":\"%s\",\"runs\":[", SHUAN_INVENTORY_SCHEMA_VERSION);
	else
		fputs("run  started               profile   sampling     people   sources\n", out);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int k = 0;
		if (json) {
			const shuan_json_pair run[] = {
				{"run_id", SHUAN_JSON_COUNT, .i = id},
				{"started", SHUAN_JSON_STR, .s = txt(st, 1)},
				{"finished", SHUAN_JSON_STR, .s = txt(st, 2)},
				{"profile", SHUAN_JSON_STR, .s = txt(st, 3)},
				{"profile_unverified", SHUAN_JSON_BOOL, .b = sqlite3_column_int(st, 4)},
				{"sampling", SHUAN_JSON_STR, .s = txt(st, 5)},
			};
			fputs(n ? ",{" : "{", out);
			SHUAN_JSON_PAIRS(out, run);
			fprintf(out, ",\"people\":{\"distinct\":%lld,\"sensitive\":%lld,\"minors\":%lld,\"exact\":%s,"
				     "\"error_bound\":%.4f},\"errors\":%lld,\"sources\":[",
				(long long)sqlite3_column_int64(st, 6), (long long)sqlite3_column_int64(st, 7),
				(long long)sqlite3_column_int64(st, 8), sqlite3_column_int(st, 9) ? "true" : "false",
				sqlite3_column_double(st, 10), (long long)sqlite3_column_int64(st, 11));
		} else {
			fprintf(out, "#%-3lld %-21s %-9s %-12s %-8lld", (long long)id, txt(st, 1), txt(st, 3), txt(st, 5),
				(long long)sqlite3_column_int64(st, 6));
		}
		sqlite3_bind_int64(ss, 1, id);
		while (sqlite3_step(ss) == SQLITE_ROW) {
			if (json) {
				fprintf(out, "%s{\"source\":", k ? "," : "");
				shuan_json_cstring(out, txt(ss, 0));
				shuan_json_field(out, ",\"kind\":", txt(ss, 1));
				fprintf(out, ",\"tables\":%lld,\"rows_read\":%lld,\"people_distinct\":%lld,\"exact\":%s,"
					     "\"important_candidate\":%s}",
					(long long)sqlite3_column_int64(ss, 2), (long long)sqlite3_column_int64(ss, 3),
					(long long)sqlite3_column_int64(ss, 4), sqlite3_column_int(ss, 5) ? "true" : "false",
					sqlite3_column_int(ss, 6) ? "true" : "false");
			} else {
				fprintf(out, "%s%s%s", k ? ", " : " ", txt(ss, 0), sqlite3_column_int(ss, 6) ? " [重要数据候选]" : "");
			}
			k++;
		}
		sqlite3_reset(ss);
		fputs(json ? "]}" : "\n", out);
		n++;
	}
	if (json)
		fputs("]}\n", out);
	else if (!n)
		fputs("(no inventory recorded yet: run `shuan inventory SOURCE...`)\n", out);
	sqlite3_finalize(st);
	sqlite3_finalize(ss);
	return 0;
}

/* One column of a run, for the diff. */
typedef struct dcol {
	char *key; /* "table\x1fcolumn" */
	char *table, *column, *data_type, *sublevel, *grade;
	bool sensitive, pi;
} dcol;

static int cmp_dcol(const void *a, const void *b) { return strcmp(((const dcol *)a)->key, ((const dcol *)b)->key); }

static void free_cols(dcol *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		shuan_free(v[i].key);
		shuan_free(v[i].table);
		shuan_free(v[i].column);
		shuan_free(v[i].data_type);
		shuan_free(v[i].sublevel);
		shuan_free(v[i].grade);
	}
	shuan_free(v);
}

static int load_cols(sqlite3 *db, int64_t run, const char *source, dcol **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	shuan_vec v;
	int rc = 0;
	shuan_vec_init(&v, sizeof(dcol), (size_t)1 << 24);
	if (sqlite3_prepare_v2(db, "SELECT tbl, col, data_type, sublevel, grade, sensitive, pi FROM inventory_columns"
				   " WHERE run_id = ? AND source = ?", -1, &st, NULL) != SQLITE_OK)
		return SHUAN_ESTORE;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		dcol *c;
		char key[2048];
		if ((rc = shuan_vec_add(&v, (void **)&c)) < 0)
			break;
		snprintf(key, sizeof(key), "%s\x1f%s", txt(st, 0), txt(st, 1));
		c->key = shuan_strdup(key);
		c->table = shuan_strdup(txt(st, 0));
		c->column = shuan_strdup(txt(st, 1));
		c->data_type = shuan_strdup(txt(st, 2));
		c->sublevel = shuan_strdup(txt(st, 3));
		c->grade = shuan_strdup(txt(st, 4));
		c->sensitive = sqlite3_column_int(st, 5);
		c->pi = sqlite3_column_int(st, 6);
		if (!c->key || !c->table || !c->column || !c->data_type || !c->sublevel || !c->grade) {
			rc = SHUAN_ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc < 0) {
		free_cols(v.v, v.n);
		return rc;
	}
	if (v.n)
		qsort(v.v, v.n, sizeof(dcol), cmp_dcol);
	*out = v.v;
	*n = v.n;
	return 0;
}

static bool people_of(sqlite3 *db, int64_t run, const char *source, int64_t *distinct, bool *exact)
{
	sqlite3_stmt *st = NULL;
	bool ok = false;
	if (sqlite3_prepare_v2(db, "SELECT people_distinct, people_exact FROM inventory_sources WHERE run_id = ? AND source = ?",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*distinct = sqlite3_column_int64(st, 0);
			*exact = sqlite3_column_int(st, 1);
			ok = true;
		}
	}
	sqlite3_finalize(st);
	return ok;
}

/* One entry of a diff's lists, after a comma unless it is the first. */
static void json_entry(FILE *out, const shuan_json_pair *p, size_t n, bool *first)
{
	if (!*first)
		fputc(',', out);
	shuan_json_object(out, p, n);
	*first = false;
}

/* A new, removed or newly sensitive column. */
static void json_col(FILE *out, const dcol *c, bool *first)
{
	const shuan_json_pair m[] = {
		{"table", SHUAN_JSON_STR, .s = c->table},
		{"column", SHUAN_JSON_STR, .s = c->column},
		{"data_type", SHUAN_JSON_STR, .s = c->data_type},
		{"sensitive", SHUAN_JSON_BOOL, .b = c->sensitive},
		{"sublevel", SHUAN_JSON_STR, .s = c->sublevel},
	};
	json_entry(out, m, sizeof(m) / sizeof(m[0]), first);
}

/* A column whose grade or data type changed from run x to run y. */
static void json_change(FILE *out, const dcol *x, const dcol *y, bool *first)
{
	const shuan_json_pair m[] = {
		{"table", SHUAN_JSON_STR, .s = y->table},
		{"column", SHUAN_JSON_STR, .s = y->column},
		{"from", SHUAN_JSON_STR, .s = x->sublevel},
		{"to", SHUAN_JSON_STR, .s = y->sublevel},
		{"data_type_from", SHUAN_JSON_STR, .s = x->data_type},
		{"data_type_to", SHUAN_JSON_STR, .s = y->data_type},
	};
	json_entry(out, m, sizeof(m) / sizeof(m[0]), first);
}

/* Compares one source between two runs; writes its part and adds its changes. */
static int diff_source(sqlite3 *db, const char *source, int64_t a, int64_t b, bool json, bool first_pair, FILE *out,
		       uint64_t *changes)
{
	dcol *ca = NULL, *cb = NULL;
	size_t na = 0, nb = 0;
	int64_t pa = 0, pb = 0;
	bool ea = true, eb = true, first;
	int rc;

	if ((rc = load_cols(db, a, source, &ca, &na)) < 0 || (rc = load_cols(db, b, source, &cb, &nb)) < 0) {
		free_cols(ca, na);
		return rc;
	}
	people_of(db, a, source, &pa, &ea);
	people_of(db, b, source, &pb, &eb);
	if (json) {
		fprintf(out, "%s{\"source\":", first_pair ? "" : ",");
		shuan_json_cstring(out, source);
		fprintf(out, ",\"run_a\":%lld,\"run_b\":%lld", (long long)a, (long long)b);
	} else {
		fprintf(out, "== %s: run #%lld -> #%lld ==\n", source, (long long)a, (long long)b);
	}
	/* the four column lists: walk both sorted runs once per list */
	for (int pass = 0; pass < 4; pass++) {
		static const char *const names[] = {"new_columns", "removed_columns", "new_sensitive", "grade_changes"};
		static const char *const titles[] = {"new columns 新增字段", "removed columns 删除字段",
						     "new sensitive columns 新增敏感字段", "grade changes 级别变化"};
		size_t i = 0, k = 0, count = 0;
		first = true;
		if (json)
			fprintf(out, ",\"%s\":[", names[pass]);
		while (i < na || k < nb) {
			int c = i >= na ? 1 : k >= nb ? -1 : strcmp(ca[i].key, cb[k].key);
			const dcol *x = NULL, *y = NULL;
			if (c < 0)
				x = &ca[i++];
			else if (c > 0)
				y = &cb[k++];
			else {
				x = &ca[i++];
				y = &cb[k++];
			}
			bool hit = (pass == 0 && !x && y) || (pass == 1 && x && !y) ||
				   (pass == 2 && y && y->sensitive && (!x || !x->sensitive)) ||
				   (pass == 3 && x && y && (strcmp(x->sublevel, y->sublevel) || strcmp(x->grade, y->grade) ||
							    strcmp(x->data_type, y->data_type)));
			if (!hit)
				continue;
			count++;
			if (json && pass == 3) {
				json_change(out, x, y, &first);
			} else if (json) {
				json_col(out, y ? y : x, &first);
			} else {
				if (count == 1)
					fprintf(out, "%s:\n", titles[pass]);
				if (pass == 3)
					fprintf(out, "  %s.%s  %s %s -> %s %s\n", y->table, y->column, x->sublevel,
						x->data_type[0] ? x->data_type : "-", y->sublevel,
						y->data_type[0] ? y->data_type : "-");
				else
					fprintf(out, "  %s.%s  %s%s%s\n", (y ? y : x)->table, (y ? y : x)->column,
						(y ? y : x)->data_type[0] ? (y ? y : x)->data_type : "-",
						(y ? y : x)->sensitive ? " [敏感]" : "",
						(y ? y : x)->sublevel[0] ? "" : "");
			}
		}
		*changes += count;
		if (json)
			fputc(']', out);
	}
	{
		double change = pa ? ((double)pb - (double)pa) / (double)pa : (pb ? 1.0 : 0.0);
		bool jump = change >= PEOPLE_JUMP || change <= -PEOPLE_JUMP;
		if (jump)
			(*changes)++;
		if (json)
			fprintf(out, ",\"people\":{\"from\":%lld,\"to\":%lld,\"exact\":%s,\"change\":%.4f,\"jump\":%s}}",
				(long long)pa, (long long)pb, ea && eb ? "true" : "false", change, jump ? "true" : "false");
		else
			fprintf(out, "people 人数: %lld -> %lld (%+.1f%%)%s%s\n", (long long)pa, (long long)pb, 100 * change,
				jump ? "  [jump 跳变]" : "", ea && eb ? "" : " (estimates)");
	}
	free_cols(ca, na);
	free_cols(cb, nb);
	return 0;
}

int shuan_inventory_diff(shuan_store *store, int64_t run_a, int64_t run_b, const char *format, FILE *out,
			 uint64_t *changes, char *err, size_t errlen)
{
	sqlite3 *db = shuan_store__db(store);
	sqlite3_stmt *st = NULL;
	bool json = !strcmp(format, "json"), first = true;
	uint64_t n = 0;
	int rc = 0, pairs = 0;

	if (errlen)
		err[0] = '\0';
	if (json)
		fprintf(out, "{\"type\":\"inventory_diff\",\"schema_version\":\"%s\",\"pairs\":[", SHUAN_INVENTORY_SCHEMA_VERSION);
	if (run_a || run_b) {
		/* every source of the two runs, by name */
		if (sqlite3_prepare_v2(db, "SELECT DISTINCT source FROM inventory_sources WHERE run_id IN (?, ?) ORDER BY source",
				       -1, &st, NULL) != SQLITE_OK)
			goto failed;
		sqlite3_bind_int64(st, 1, run_a);
		sqlite3_bind_int64(st, 2, run_b);
		{
			bool have_a = false, have_b = false;
			sqlite3_stmt *chk = NULL;
			if (sqlite3_prepare_v2(db, "SELECT id FROM inventory_runs WHERE id IN (?, ?)", -1, &chk, NULL) == SQLITE_OK) {
				sqlite3_bind_int64(chk, 1, run_a);
				sqlite3_bind_int64(chk, 2, run_b);
				while (sqlite3_step(chk) == SQLITE_ROW) {
					have_a |= sqlite3_column_int64(chk, 0) == run_a;
					have_b |= sqlite3_column_int64(chk, 0) == run_b;
				}
			}
			sqlite3_finalize(chk);
			if (!have_a || !have_b) {
				snprintf(err, errlen, "no inventory run #%lld (see `shuan inventory list`)",
					 (long long)(have_a ? run_b : run_a));
				rc = SHUAN_ENOTFOUND;
				goto cleanup;
			}
		}
		while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
			rc = diff_source(db, txt(st, 0), run_a, run_b, json, first, out, &n);
			first = false;
			pairs++;
		}
	} else {
		/* for each source of the newest run: its previous run */
		if (sqlite3_prepare_v2(db, "SELECT s.source, s.run_id, (SELECT max(p.run_id) FROM inventory_sources p"
					   " WHERE p.source = s.source AND p.run_id < s.run_id) FROM inventory_sources s"
					   " WHERE s.run_id = (SELECT max(id) FROM inventory_runs) ORDER BY s.source",
				       -1, &st, NULL) != SQLITE_OK)
			goto failed;
		while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
			if (sqlite3_column_type(st, 2) == SQLITE_NULL)
				continue;
			rc = diff_source(db, txt(st, 0), sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 1), json, first,
					 out, &n);
			first = false;
			pairs++;
		}
		if (rc == 0 && pairs == 0) {
			snprintf(err, errlen, "no source has two recorded inventories yet (run `shuan inventory` again, or "
					      "name two runs)");
			rc = SHUAN_ENOTFOUND;
		}
	}
	goto cleanup;
failed:
	snprintf(err, errlen, "cannot read inventories: %s", sqlite3_errmsg(db));
	rc = SHUAN_ESTORE;
cleanup:
	sqlite3_finalize(st);
	if (json)
		fprintf(out, "],\"changes\":%llu}\n", (unsigned long long)n);
	else if (rc == 0)
		fprintf(out, "%llu change%s\n", (unsigned long long)n, n == 1 ? "" : "s");
	if (changes)
		*changes = n;
	return rc;
}
