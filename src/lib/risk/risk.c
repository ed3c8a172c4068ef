/*
 * lib/risk/risk.c - shuan_risk_file(): reads the table once, counts the
 * classes of its quasi-identifiers (and the sensitive values in each) in
 * bounded memory, and turns them into the figures of shuan/risk.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/risk/internal.h"
#include "util/alloc.h"

#define DEFAULT_MEMORY (512u << 20)

void shuan_risk_result_free(shuan_risk_result *r)
{
	if (!r)
		return;
	shuan_free(r->buckets);
	for (size_t i = 0; i < r->nqi; i++) {
		shuan_free(r->qi[i]);
		shuan_free(r->qi_kind[i]);
	}
	shuan_free(r->qi);
	shuan_free(r->qi_kind);
	r->buckets = NULL;
	r->qi = r->qi_kind = NULL;
	r->nbuckets = r->nqi = 0;
}

int shuan_risk_file(const char *path, const shuan_risk_options *o, shuan_risk_result *r)
{
	return rk_risk_run(path, NULL, o, r);
}

int rk_risk_run(const char *path, const shuan_reader *src, const shuan_risk_options *o, shuan_risk_result *r)
{
	rk_qi_rules q;
	rk_table t;
	rk_counter c;
	rk_measures m;
	int cols[RK_MAX_QI + 1];
	const rk_kind *kinds[RK_MAX_QI];
	char *names[RK_MAX_QI];
	const char *v[RK_MAX_QI + 1];
	size_t vl[RK_MAX_QI + 1], nqi = 0;
	char *err = r->error;
	size_t errlen = sizeof(r->error);
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&q, 0, sizeof(q));
	memset(&t, 0, sizeof(t));
	memset(&c, 0, sizeof(c));
	if (!o || o->version != SHUAN_RISK_OPTIONS_VERSION) {
		snprintf(err, errlen, "risk options of an unknown version");
		return SHUAN_EINVAL;
	}
	if ((rc = rk_qi_rules_load(&q, o->rules_dir, err, errlen)) != 0)
		return rc;
	if ((rc = rk_table_open(&t, path, src, o, err, errlen)) != 0)
		goto cleanup;
	if ((rc = rk_resolve_qi(&t, &q, o, cols, kinds, names, &nqi, err, errlen)) != 0)
		goto cleanup;
	int scol = -1;
	if (o->sensitive && (scol = rk_table_column(&t, o->sensitive)) < 0) {
		snprintf(err, errlen, "%s: sensitive attribute '%.60s' is not a column", path, o->sensitive);
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	for (size_t i = 0; i < nqi; i++)
		if (cols[i] == scol) {
			snprintf(err, errlen,
			         "'%.60s' is both a quasi-identifier and the sensitive attribute",
			         o->sensitive);
			rc = SHUAN_EINVAL;
			goto cleanup;
		}
	if (!(r->qi = shuan_calloc(nqi, sizeof(char *))) ||
	    !(r->qi_kind = shuan_calloc(nqi, sizeof(char *)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < nqi; i++) {
		r->qi[i] = shuan_strdup(names[i]);
		r->qi_kind[i] = shuan_strdup(kinds[i]->name);
		r->nqi++;
		if (!r->qi[i] || !r->qi_kind[i]) {
			rc = SHUAN_ENOMEM;
			goto cleanup;
		}
	}
	size_t ncols = nqi;
	if (scol >= 0)
		cols[ncols++] = scol;
	rk_counter_init(&c, o->memory ? o->memory : DEFAULT_MEMORY, o->tmpdir ? o->tmpdir : getenv("TMPDIR"),
	                0);
	c.pairs_are_classes = scol < 0;
	rk_measures_init(&m, o->k ? o->k : 5, scol >= 0);
	while ((rc = rk_table_next(&t, cols, ncols, v, vl, err, errlen)) == 1) {
		if (rk_suppressed(v, vl, nqi)) {
			r->suppressed++;
			continue;
		}
		shuan_hash128 cls = rk_tuple_hash(v, vl, nqi);
		shuan_hash128 pair = scol >= 0 ? rk_pair_hash(cls, v[nqi], vl[nqi]) : cls;
		if ((rc = rk_counter_add(&c, cls, pair, 1)) != 0)
			break;
	}
	if (rc < 0) {
		if (!err[0])
			snprintf(err, errlen, "%s: %s", path,
			         rc == SHUAN_EIO ? "cannot write the spill files (--tmpdir)"
			                         : shuan_strerror(rc));
		goto cleanup;
	}
	if ((rc = rk_counter_finish(&c, rk_measures_class, &m)) != 0) {
		snprintf(err, errlen, "%s: %s", path,
		         rc == SHUAN_EIO ? "cannot write the spill files (--tmpdir)" : shuan_strerror(rc));
		goto cleanup;
	}
	r->partitions = c.partitions;
	r->skipped = t.skipped;
	uint64_t suppressed = r->suppressed;
	rc = rk_measures_result(&m, r);
	r->suppressed = suppressed;
cleanup:
	rk_counter_free(&c);
	rk_table_close(&t);
	rk_qi_rules_free(&q);
	return rc;
}
