/*
 * lib/inventory/collect.h - the table sink shared by database and file
 * collection (collect.c, files.c): column accumulators and people records
 * from a table scan.
 */
#ifndef SHUAN_LIB_INVENTORY_COLLECT_H
#define SHUAN_LIB_INVENTORY_COLLECT_H

#include "lib/inventory/internal.h"
#include "lib/source/table_scan.h"

typedef struct inv_sink {
	shuan_inventory *inv;
	size_t table;      /* index in inv->tables */
	int *cue;          /* per column: the class its name cues, or -1 */
	bool *cue_dict;    /* per column: the cued class has values to look up (a dictionary, cue-only values or ICD-10) */
	bool *identifier;  /* per rules detector: it names a person */
	/* where the counts go: the table's columns, people and minors flag,
	 * or a part's own (collect.c reads a table in parts at once) */
	inv_column *cols;
	shuan_people *people;
	bool *minors;
	shuan_vec ids;     /* shuan_person_id of queued rows */
	shuan_vec queue;   /* rows with findings not yet done */
	size_t head;
	int failed;        /* out of memory */
} inv_sink;

int shuan_inv__sink_begin(inv_sink *k, shuan_inventory *inv, size_t table);
void shuan_inv__sink_end(inv_sink *k);
/* The three table_sink callbacks (ud = inv_sink). */
int shuan_inv__sink_finding(void *ud, const shuan_finding *f, uint64_t row, size_t col);
unsigned shuan_inv__sink_value(void *ud, uint64_t row, size_t col, const shuan_db_value *v);
void shuan_inv__sink_row_done(void *ud, uint64_t row, unsigned flags);

#endif
