/*
 * lib/inventory/internal.h - the inventory's working state, shared by its
 * files: the column classes and grading profile (rules/inventory), the
 * evidence gathered per column (accumulators: sums that merge), the results
 * computed from them, and the per-table people counters.
 *
 * Everything a result depends on is an accumulator, so partial inventories
 * of split runs merge by adding accumulators and merging people counters,
 * and classification then gives the figures of one run.
 */
#ifndef SHUAN_LIB_INVENTORY_INTERNAL_H
#define SHUAN_LIB_INVENTORY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shuan/inventory.h"
#include "shuan/people.h"
#include "shuan/rules.h"
#include "shuan/source.h"
#include "util/buf.h"
#include "util/dict.h"
#include "util/yaml.h"

/* Decodes 2n hex digits of s into out[0..n); false when s is not that. */
bool shuan_inv__unhex(const char *s, size_t n, unsigned char *out);
/* A YAML sequence of scalars as a new array of copies (normalised names
 * when norm; at most 4096 items); n may be NULL (an empty list) (classes.c). */
int shuan_inv__yaml_strs(shuan_yaml *y, shuan_yaml_node *n, const char *key, bool norm, char ***out,
			 size_t *count);
/* Frees n strings and the array (classes.c). */
void shuan_inv__free_strs(char **v, size_t n);
/* Frees what a column owns (collect.c). */
struct inv_column;
void shuan_inv__column_free(struct inv_column *c);

/* ---- classes (classes.c) ---- */

typedef enum inv_values { INV_VALUES_NONE, INV_VALUES_DATE, INV_VALUES_AGE, INV_VALUES_IMAGE } inv_values;

typedef struct inv_class {
	char *id;
	const char *detector;      /* detector id for a detector class (owned by the rules), else NULL */
	char *label_zh, *label_en; /* value classes; detector classes use the detector's */
	char *category;            /* GB/T 43697 Annex B class */
	bool sensitive;
	char *spi_category;
	shuan_dict *dict;          /* value classes with a dictionary */
	shuan_dict *cue_values;    /* values that count only under a name cue */
	bool icd10;                /* ICD-10 codes count as members */
	inv_values values;
	bool unverified;
	char **names;              /* normalised cues: ASCII lower case without _ - space; Chinese as is */
	size_t nnames;
	char **cites;
	size_t ncites;
} inv_class;

typedef struct inv_classes {
	inv_class *v;
	size_t n;
	char **free_text;          /* normalised free-text name cues */
	size_t nfree_text;
	char **identifiers;        /* detector ids that name a person */
	size_t nidentifiers;
	int rev;
} inv_classes;

/* Loads rules_dir/inventory/classes.yaml and its dictionaries. Detector
 * classes take the detectors' field names as cues too. */
int shuan_inv__classes_load(inv_classes *c, const char *rules_dir, const shuan_rules *rules, char *err,
			    size_t errlen);
void shuan_inv__classes_free(inv_classes *c);
/* The class index whose cue the column name or comment carries, or -1. */
int shuan_inv__name_class(const inv_classes *c, const char *name, const char *comment);
bool shuan_inv__is_free_text_name(const inv_classes *c, const char *name, const char *comment);
/* Normalises a name for cue matching into out (cap >= 2). */
void shuan_inv__norm_name(const char *s, char *out, size_t cap);
bool shuan_inv__is_identifier(const inv_classes *c, const char *detector);
/* Whether the value is a member of class k (its dictionary, ICD-10 codes,
 * or a cue value when cued). */
bool shuan_inv__dict_member(const inv_class *k, const char *v, size_t len, bool cued);
/* Parses a date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, with an optional time
 * after); returns true and the parts. */
bool shuan_inv__parse_date(const char *v, size_t len, int *y, int *m, int *d);
/* Parses an age (an integer 0..150, optional 岁/周岁). */
bool shuan_inv__parse_age(const char *v, size_t len, int *age);

/* ---- profile (profile.c) ---- */

typedef enum inv_when { INV_WHEN_SENSITIVE, INV_WHEN_PI, INV_WHEN_PUBLIC, INV_WHEN_INTERNAL } inv_when;

typedef struct inv_sublevel {
	char *level, *label;
	inv_when when;
} inv_sublevel;

typedef struct inv_candidate_rule {
	char *id, *reason_zh, *reason_en;
	uint64_t people_at_least, sensitive_people_at_least, minors_at_least; /* 0 = no condition */
	char **classes_any;
	size_t nclasses_any;
	bool unverified;
} inv_candidate_rule;

typedef struct inv_profile {
	char *id, *label_zh, *label_en, *note, *file;
	bool unverified;
	int rev;
	inv_sublevel *sub;
	size_t nsub;
	char **public_names;
	size_t npublic;
	inv_candidate_rule *cand;
	size_t ncand;
} inv_profile;

/* Loads a profile: a name (rules_dir/inventory/profiles/NAME.yaml) or a
 * path (anything with a '/' or ending in .yaml). NULL = "default". */
int shuan_inv__profile_load(inv_profile *p, const char *rules_dir, const char *name_or_file, char *err,
			    size_t errlen);
void shuan_inv__profile_free(inv_profile *p);

/* ---- evidence (accumulators) ---- */

/* Per detector, within one column. */
typedef struct inv_det_acc {
	uint64_t hits;        /* values with at least one finding of the detector */
	uint64_t findings;
	uint64_t sensitive;   /* findings that were sensitive (raised or by nature) */
	uint64_t minors;      /* findings of a child under 14 */
	double confidence;    /* sum over findings */
	uint64_t last_row;    /* the row of the last hit (hits counts rows once) */
} inv_det_acc;

typedef struct inv_column {
	char *source, *table, *column, *comment, *type;
	bool pk;
	uint64_t sampled;       /* rows read of the column's table */
	uint64_t values, non_empty, truncated, binary_skipped, binary_as_text, long_values;
	uint64_t dates, minor_dates, ages, minor_ages, images;
	char binary_kind[32];
	inv_det_acc *det;       /* per rules detector (rules order) */
	uint64_t *dict;         /* per class: members among the values looked up */
	uint64_t dict_checked;  /* non-blank values looked up in the dictionaries */
	uint64_t dict_off_at;   /* collect.c: dict_checked when the look-ups were found not to pay */
	/* results (classify.c) */
	shuan_inventory_column out;
	shuan_buf basis;        /* NUL-separated basis lines, pointed at by out.basis */
	const char **basis_v;
	char label_buf[128];
	bool table_has_minors;  /* a record of the table is of a child under 14 */
} inv_column;

typedef struct inv_table {
	char *source, *name;    /* name: "schema.table", or the file path */
	uint64_t rows;
	int64_t est_rows;       /* the engine's row estimate (databases), -1 unknown */
	char method[96];
	shuan_people *people;
	size_t first_col, ncols; /* its columns in inv->cols */
	bool minors;            /* a record was of a child under 14 */
} inv_table;

typedef struct inv_source {
	char *source, *kind;
	uint64_t tables, rows_read;
	char **errors;
	size_t nerrors;
	bool sampled;           /* rows were sampled (counts are sample-based) */
	/* results */
	const shuan_people *people; /* its one table's, or own_people */
	shuan_people *own_people;   /* its tables' merged, when more than one */
	shuan_inventory_source out;
	char **reasons;
	size_t nreasons;
} inv_source;

struct shuan_inventory {
	const shuan_rules *rules;
	inv_classes classes;
	inv_profile profile;
	shuan_scan_options scan;    /* the caller's, with key; fingerprints for identifiers only */
	const char **fp_ids;        /* behind scan.fingerprint_only: the person identifiers */
	shuan_db_options db;
	shuan_source_options source;
	size_t max_exact;
	unsigned char key_id[8];    /* names the fingerprint key (partials must share it) */
	bool adopt_key;             /* merge: the first partial names the key */
	shuan_vec cols;             /* inv_column */
	shuan_vec tables;           /* inv_table */
	shuan_vec sources;          /* inv_source */
	const shuan_people *people; /* overall, after finish: the one source's, or own_people */
	shuan_people *own_people;   /* the sources' merged, when more than one */
	bool finished;
	char err[1024];
	/* events */
	shuan_inventory_event_fn ev;
	void *ev_ud;
	uint64_t errors;            /* sources or tables that could not be read */
};

/* Finds or adds the source / table / column (collect.c). */
inv_source *shuan_inv__source(shuan_inventory *inv, const char *source, const char *kind);
inv_table *shuan_inv__table(shuan_inventory *inv, const char *source, const char *name);
inv_column *shuan_inv__column(shuan_inventory *inv, size_t table, const char *name, const char *comment,
			      const char *type, bool pk);
int shuan_inv__source_error(shuan_inventory *inv, inv_source *s, const char *what, const char *reason);

/* Collection (collect.c, files.c). */
int shuan_inv__add_database(shuan_inventory *inv, const char *path);
int shuan_inv__add_file(shuan_inventory *inv, const char *path);

/* Results (classify.c). */
int shuan_inv__classify(shuan_inventory *inv);

/* Partials (partial.c). */
int shuan_inv__partial_write(const shuan_inventory *inv, const char *path, char *err, size_t errlen);
int shuan_inv__partial_read(shuan_inventory *inv, const char *path, char *err, size_t errlen);

/* Binds the n texts v (which outlive the statement's step) to parameters
 * first, first + 1, ...: the names of a column, as the partial and the
 * store both write them. */
struct sqlite3_stmt;
void shuan_inv__bind_texts(struct sqlite3_stmt *st, int first, const char *const *v, int n);

/* Writers (report_*.c). */
int shuan_inv__report_text(const shuan_inventory *inv, FILE *out, const shuan_inventory_report *r);
int shuan_inv__report_json(const shuan_inventory *inv, FILE *out, const shuan_inventory_report *r);
int shuan_inv__report_csv(const shuan_inventory *inv, FILE *out, const shuan_inventory_report *r);
int shuan_inv__report_html(const shuan_inventory *inv, FILE *out, const shuan_inventory_report *r);
int shuan_inv__report_xlsx(const shuan_inventory *inv, const char *path, const shuan_inventory_report *r,
			   char *err, size_t errlen);

#endif
