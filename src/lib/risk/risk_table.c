/*
 * lib/risk/risk_table.c - shuan_risk_table() and shuan_risk_suggest_table():
 * a database table's rows, all of them, read as the CSV stream of
 * table_csv.c by the same analysis as a CSV file, so both give the same
 * figures and the same suggested policy.
 */
#include <stdio.h>
#include <string.h>

#include "lib/risk/internal.h"
#include "lib/source/db_source.h"
#include "lib/source/table_csv.h"

/* What runs on the table's stream: the analysis or the lattice search. */
typedef struct table_job {
	const shuan_risk_options *o;
	shuan_risk_result *r;          /* the analysis, or */
	shuan_risk_suggestion **sg;    /* the search */
	double max_suppression;
} table_job;

static int run_job(const table_job *j, const char *name, const shuan_reader *rd, char *err, size_t errlen)
{
	if (j->r) {
		int rc = rk_risk_run(name, rd, j->o, j->r);
		if (rc)
			snprintf(err, errlen, "%s", j->r->error);
		return rc;
	}
	return rk_suggest_run(name, rd, j->o, j->max_suppression, j->sg, err, errlen);
}

/* Opens source, finds table, runs j on its rows. err names the source and
 * the table (the reader's own words for a row that failed), never a
 * password or a value. */
static int on_table(const char *source, const char *table, const shuan_db_options *dbo, const table_job *j,
                    char *err, size_t errlen)
{
	shuan_db_options opt = dbo ? *dbo : (shuan_db_options)SHUAN_DB_OPTIONS_INIT;
	shuan_db *db = NULL;
	shuan_db_catalog cat;
	shuan_db_rows *rows = NULL;
	shuan_table_csv tc;
	const shuan_db_table *t;
	char msg[1024], name[1200];
	int rc;

	memset(&cat, 0, sizeof(cat));
	memset(&tc, 0, sizeof(tc));
	opt.full = true; /* the figures are of every row, never a sample */
	if ((rc = shuan_db__open_source(&db, source, &opt, msg, sizeof(msg))) < 0) {
		snprintf(err, errlen, "%.250s", msg);
		return rc;
	}
	if ((rc = shuan_db__list(db, &cat)) < 0) {
		snprintf(err, errlen, "%s", shuan_db__errmsg(db));
		goto cleanup;
	}
	if (!(t = shuan_db__find_table(&cat, shuan_db__display(db), table, msg, sizeof(msg)))) {
		snprintf(err, errlen, "%.250s", msg);
		rc = SHUAN_ENOTFOUND;
		goto cleanup;
	}
	if ((rc = shuan_db__rows_open(db, t, &rows)) < 0) {
		snprintf(err, errlen, "%s", shuan_db__errmsg(db));
		goto cleanup;
	}
	snprintf(name, sizeof(name), "%s!%s.%s", shuan_db__display(db), t->schema, t->name);
	shuan_table_csv_init(&tc, rows, t, shuan_db__options(db)->max_cell);
	{
		shuan_reader rd = shuan_table_csv_reader(&tc);
		rc = run_job(j, name, &rd, err, errlen);
	}
	if (rc && tc.error)
		snprintf(err, errlen, "%.100s: %.150s", shuan_db__display(db), tc.err);
cleanup:
	shuan_table_csv_free(&tc);
	shuan_db__rows_close(rows);
	shuan_db__catalog_free(&cat);
	shuan_db__close(db);
	return rc;
}

int shuan_risk_table(const char *source, const char *table, const shuan_db_options *dbo,
                     const shuan_risk_options *o, shuan_risk_result *r)
{
	char err[sizeof(r->error)];
	table_job j = {o, r, NULL, 0};
	memset(r, 0, sizeof(*r));
	err[0] = '\0';
	int rc = on_table(source, table, dbo, &j, err, sizeof(err));
	if (rc)
		snprintf(r->error, sizeof(r->error), "%s", err);
	return rc;
}

int shuan_risk_suggest_table(const char *source, const char *table, const shuan_db_options *dbo,
                             const shuan_risk_options *o, double max_suppression, shuan_risk_suggestion **out,
                             char *err, size_t errlen)
{
	table_job j = {o, NULL, out, max_suppression};
	*out = NULL;
	return on_table(source, table, dbo, &j, err, errlen);
}
