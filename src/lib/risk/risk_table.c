/*
 * lib/risk/risk_table.c - shuan_risk_table(): a database table's rows,
 * all of them, read as the CSV stream of table_csv.c by the same analysis
 * as a CSV file, so both give the same figures.
 */
#include <stdio.h>
#include <string.h>

#include "lib/risk/internal.h"
#include "lib/source/db_source.h"
#include "lib/source/table_csv.h"

int shuan_risk_table(const char *source, const char *table, const shuan_db_options *dbo,
                     const shuan_risk_options *o, shuan_risk_result *r)
{
	shuan_db_options opt = dbo ? *dbo : (shuan_db_options)SHUAN_DB_OPTIONS_INIT;
	shuan_db *db = NULL;
	shuan_db_catalog cat;
	shuan_db_rows *rows = NULL;
	shuan_table_csv tc;
	const shuan_db_table *t;
	char err[1024], name[1200];
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&cat, 0, sizeof(cat));
	memset(&tc, 0, sizeof(tc));
	opt.full = true; /* the figures are of every row, never a sample */
	if ((rc = shuan_db__open_source(&db, source, &opt, err, sizeof(err))) < 0) {
		snprintf(r->error, sizeof(r->error), "%.250s", err);
		return rc;
	}
	if ((rc = shuan_db__list(db, &cat)) < 0) {
		snprintf(r->error, sizeof(r->error), "%s", shuan_db__errmsg(db));
		goto cleanup;
	}
	if (!(t = shuan_db__find_table(&cat, shuan_db__display(db), table, err, sizeof(err)))) {
		snprintf(r->error, sizeof(r->error), "%.250s", err);
		rc = SHUAN_ENOTFOUND;
		goto cleanup;
	}
	if ((rc = shuan_db__rows_open(db, t, &rows)) < 0) {
		snprintf(r->error, sizeof(r->error), "%s", shuan_db__errmsg(db));
		goto cleanup;
	}
	snprintf(name, sizeof(name), "%s!%s.%s", shuan_db__display(db), t->schema, t->name);
	shuan_table_csv_init(&tc, rows, t, shuan_db__options(db)->max_cell);
	{
		shuan_reader rd = shuan_table_csv_reader(&tc);
		rc = rk_risk_run(name, &rd, o, r);
	}
	if (rc && tc.error)
		snprintf(r->error, sizeof(r->error), "%.100s: %.150s", shuan_db__display(db), tc.err);
cleanup:
	shuan_table_csv_free(&tc);
	shuan_db__rows_close(rows);
	shuan_db__catalog_free(&cat);
	shuan_db__close(db);
	return rc;
}
