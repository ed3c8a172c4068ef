/*
 * lib/risk/internal.h - the parts of the re-identification risk analysis:
 * the quasi-identifier rules (qi.c), reading a table (table.c), counting
 * classes in bounded memory (classes.c), the measures (measures.c) and the
 * generalisation lattice (lattice.c).
 */
#ifndef SHUAN_LIB_RISK_INTERNAL_H
#define SHUAN_LIB_RISK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/deid/csv.h"
#include "lib/deid/stream.h"
#include "shuan/risk.h"
#include "util/buf.h"
#include "util/hash.h"

#define RK_MAX_QI 32

/* ---- quasi-identifier rules (rules/deid/quasi_identifiers.yaml) ---- */

typedef struct rk_kind {
	char *name;
	char **fields; /* normalised names */
	size_t nfields;
	char **levels; /* mask action specs, level 0 first */
	size_t nlevels;
} rk_kind;

typedef struct rk_qi_rules {
	rk_kind *kinds;
	size_t n;
} rk_qi_rules;

int rk_qi_rules_load(rk_qi_rules *q, const char *rules_dir, char *err, size_t errlen);
void rk_qi_rules_free(rk_qi_rules *q);
const rk_kind *rk_kind_named(const rk_qi_rules *q, const char *name);
/* The kind whose fields list this column name (normalised), or NULL. */
const rk_kind *rk_kind_for_column(const rk_qi_rules *q, const char *column);

/* ---- tables ---- */

typedef struct rk_table {
	const char *path;
	deid_in in;
	deid_split sp;
	char delim;
	char **names;
	size_t ncols;
	deid_csv_cell *cells;
	const char *blk; /* the current block */
	size_t blen, pos;
	uint64_t line;    /* lines before the current record */
	uint64_t skipped; /* ragged rows left out */
	bool allow_ragged, opened;
	shuan_buf *vals; /* per wanted column: its unquoted value when quoted */
	size_t nvals;
	const atomic_int *cancel;
} rk_table;

/* Opens the CSV/TSV at path, or reads src (CSV, UTF-8; a database table)
 * named path when src is non-NULL. */
int rk_table_open(rk_table *t, const char *path, const shuan_reader *src, const shuan_risk_options *o, char *err,
                  size_t errlen);
/* shuan_risk_file() on path or on src (as rk_table_open takes them). */
int rk_risk_run(const char *path, const shuan_reader *src, const shuan_risk_options *o, shuan_risk_result *r);
/* shuan_risk_suggest() on path or on src. */
int rk_suggest_run(const char *path, const shuan_reader *src, const shuan_risk_options *o,
                   double max_suppression, shuan_risk_suggestion **out, char *err, size_t errlen);
void rk_table_close(rk_table *t);
int rk_table_column(const rk_table *t, const char *name);
/* The next record's values of cols[0..nc) (trimmed, unquoted; valid until
 * the next call). Returns 1, 0 at the end, or a negative code with err. */
int rk_table_next(rk_table *t, const int *cols, size_t nc, const char **v, size_t *vl, char *err,
                  size_t errlen);

/* ---- counting classes in bounded memory ---- */

/* One (class, sensitive value) pair and its records. */
typedef struct rk_entry {
	shuan_hash128 cls, pair;
	uint64_t count;
} rk_entry;

/* A class as the measures see it. */
typedef struct rk_class {
	uint64_t size;     /* records */
	uint64_t distinct; /* distinct sensitive values */
	double entropy;    /* H of the sensitive values, natural log */
} rk_class;

typedef int (*rk_class_fn)(void *ud, const rk_class *c);

#define RK_PARTS 256

/* One partition of the counter: a buffer of entries, and what was spilled. */
typedef struct rk_part {
	rk_entry *v;
	size_t n, cap;
	FILE *f; /* spilled entries (unlinked temporary file), or NULL */
	uint64_t on_disk;
} rk_part;

typedef struct rk_counter {
	rk_entry *front; /* open addressing by pair, count 0 = empty */
	size_t fcap, fn;
	rk_part parts[RK_PARTS];
	rk_entry *t; /* phase 2: one partition's table, reused */
	size_t tcap;
	size_t buffered, max_buffered; /* entries in the partition buffers */
	size_t budget;                 /* bytes */
	const char *tmpdir;
	int depth;              /* partitioning level (8 hash bits each) */
	bool pairs_are_classes; /* no sensitive attribute: pair == class */
	uint64_t partitions;    /* partitions spilled to disk */
} rk_counter;

/* max_bytes: the memory for the table. */
int rk_counter_init(rk_counter *c, size_t max_bytes, const char *tmpdir, int depth);
void rk_counter_free(rk_counter *c);
int rk_counter_add(rk_counter *c, shuan_hash128 cls, shuan_hash128 pair, uint64_t count);
/* Calls fn for every class (in no particular order), spilled partitions
 * included. Returns 0, fn's non-zero value, or SHUAN_EIO/SHUAN_ENOMEM. */
int rk_counter_finish(rk_counter *c, rk_class_fn fn, void *ud);

/* ---- measures ---- */

typedef struct rk_measures {
	uint64_t records, classes, k, target_k, below_k, l_distinct;
	double l_entropy;
	bool sensitive;
	uint64_t small[1025]; /* classes of size 1..1024 */
	uint64_t big[64];     /* classes of size 2^i+1 .. 2^(i+1), i >= 10 */
	uint64_t big_records[64];
} rk_measures;

void rk_measures_init(rk_measures *m, uint64_t target_k, bool sensitive);
int rk_measures_class(void *m, const rk_class *c);
/* Fills the result's figures and class-size distribution. */
int rk_measures_result(const rk_measures *m, shuan_risk_result *r);

/* The tuple hash of quasi-identifier values, and with a sensitive value. */
shuan_hash128 rk_tuple_hash(const char *const *v, const size_t *vl, size_t n);
shuan_hash128 rk_pair_hash(shuan_hash128 cls, const char *s, size_t sl);
/* Whether every quasi-identifier is "*" (a suppressed record). */
bool rk_suppressed(const char *const *v, const size_t *vl, size_t n);

/* Resolves o->qi (or the rules' names) against the header: columns and kinds. */
int rk_resolve_qi(const rk_table *t, const rk_qi_rules *q, const shuan_risk_options *o, int *cols,
                  const rk_kind **kinds, char **names, size_t *n, char *err, size_t errlen);

#endif
