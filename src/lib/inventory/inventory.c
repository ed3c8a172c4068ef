/*
 * lib/inventory/inventory.c - the public inventory API: lifecycle, adding
 * sources and partials, finishing, and reading the results.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "lib/inventory/internal.h"
#include "util/alloc.h"
#include "util/clock.h"

void shuan_inventory_free(shuan_inventory *inv)
{
	if (!inv)
		return;
	shuan_free(inv->fp_ids);
	for (size_t i = 0; i < inv->cols.n; i++) {
		shuan_inv__column_free(&SHUAN_VEC_AT(&inv->cols, inv_column, i));
	}
	for (size_t i = 0; i < inv->tables.n; i++) {
		inv_table *t = &SHUAN_VEC_AT(&inv->tables, inv_table, i);
		shuan_free(t->source);
		shuan_free(t->name);
		shuan_people_free(t->people);
	}
	for (size_t i = 0; i < inv->sources.n; i++) {
		inv_source *s = &SHUAN_VEC_AT(&inv->sources, inv_source, i);
		shuan_free(s->source);
		shuan_free(s->kind);
		shuan_inv__free_strs(s->errors, s->nerrors);
		shuan_inv__free_strs(s->reasons, s->nreasons);
		shuan_people_free(s->own_people);
	}
	shuan_vec_free(&inv->cols);
	shuan_vec_free(&inv->tables);
	shuan_vec_free(&inv->sources);
	shuan_people_free(inv->own_people);
	shuan_inv__classes_free(&inv->classes);
	shuan_inv__profile_free(&inv->profile);
	shuan_free(inv);
}

int shuan_inventory_new(shuan_inventory **out, const shuan_rules *rules, const shuan_inventory_options *o,
			char *err, size_t errlen)
{
	shuan_inventory *inv;
	int rc;
	size_t outlen = 0;
	unsigned char mac[32];

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (!o || o->version != SHUAN_INVENTORY_OPTIONS_VERSION || !o->scan || !o->rules_dir) {
		snprintf(err, errlen, "inventory options: version, rules_dir and scan options are required");
		return SHUAN_EINVAL;
	}
	if (!o->scan->fingerprint_key || !o->scan->fingerprint_key_len) {
		snprintf(err, errlen, "inventory: people are counted by keyed fingerprints: a key is required");
		return SHUAN_EINVAL;
	}
	if (o->db && o->db->version != SHUAN_DB_OPTIONS_VERSION && o->db->version != 1) {
		snprintf(err, errlen, "database options: unknown version %u", o->db->version);
		return SHUAN_EINVAL;
	}
	if (!(inv = shuan_calloc(1, sizeof(*inv)))) {
		snprintf(err, errlen, "out of memory");
		return SHUAN_ENOMEM;
	}
	inv->rules = rules;
	inv->scan = *o->scan;
	if (!inv->scan.year)
		shuan_clock_today(&inv->scan.year, &inv->scan.month, &inv->scan.day);
	inv->db = (shuan_db_options)SHUAN_DB_OPTIONS_INIT;
	if (o->db && o->db->version == 1) /* without connections */
		memcpy(&inv->db, o->db, offsetof(shuan_db_options, connections));
	else if (o->db)
		inv->db = *o->db;
	inv->db.version = SHUAN_DB_OPTIONS_VERSION;
	inv->source = (shuan_source_options)SHUAN_SOURCE_OPTIONS_INIT;
	inv->source.db = &inv->db;
	inv->max_exact = o->max_exact;
	inv->adopt_key = o->adopt_partial_key;
	inv->ev = o->event;
	inv->ev_ud = o->event_ud;
	shuan_vec_init(&inv->cols, sizeof(inv_column), (size_t)1 << 24);
	shuan_vec_init(&inv->tables, sizeof(inv_table), (size_t)1 << 22);
	shuan_vec_init(&inv->sources, sizeof(inv_source), (size_t)1 << 20);
	/* a name for the key (not the key): partials must share it to merge */
	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, o->scan->fingerprint_key, o->scan->fingerprint_key_len,
		       (const unsigned char *)"shuan inventory key id", 22, mac, sizeof(mac), &outlen)) {
		snprintf(err, errlen, "inventory: HMAC-SHA256 unavailable");
		shuan_inventory_free(inv);
		return SHUAN_ERROR;
	}
	memcpy(inv->key_id, mac, sizeof(inv->key_id));
	if ((rc = shuan_inv__classes_load(&inv->classes, o->rules_dir, rules, err, errlen)) < 0 ||
	    (rc = shuan_inv__profile_load(&inv->profile, o->rules_dir, o->profile, err, errlen)) < 0) {
		shuan_inventory_free(inv);
		return rc;
	}
	/* people are linked by their identifiers only: no other finding needs
	 * the HMAC fingerprint (a third of a dense table's findings or more) */
	if (!(inv->fp_ids = shuan_calloc(inv->classes.nidentifiers + 1, sizeof(char *)))) {
		snprintf(err, errlen, "out of memory");
		shuan_inventory_free(inv);
		return SHUAN_ENOMEM;
	}
	size_t nfp = 0;
	for (size_t i = 0; i < inv->classes.nidentifiers; i++)
		if (shuan_rules_find(rules, inv->classes.identifiers[i]))
			inv->fp_ids[nfp++] = inv->classes.identifiers[i];
	inv->scan.version = SHUAN_SCAN_OPTIONS_VERSION;
	inv->scan.fingerprint_only = inv->fp_ids;
	inv->scan.counts_only = true; /* no evidence is shown, no value counted */
	*out = inv;
	return 0;
}

int shuan_inventory_add(shuan_inventory *inv, const char *path)
{
	inv->finished = false; /* the results borrow the tables' people counters */
	inv->adopt_key = false; /* a source read under our key: partials must match it */
	if (shuan_db_looks_like_url(path))
		return shuan_inv__add_database(inv, path);
	return shuan_inv__add_file(inv, path);
}

int shuan_inventory_add_partial(shuan_inventory *inv, const char *path, char *err, size_t errlen)
{
	inv->finished = false;
	return shuan_inv__partial_read(inv, path, err, errlen);
}

int shuan_inventory_write_partial(const shuan_inventory *inv, const char *path, char *err, size_t errlen)
{
	return shuan_inv__partial_write(inv, path, err, errlen);
}

int shuan_inventory_finish(shuan_inventory *inv)
{
	int rc = shuan_inv__classify(inv);
	inv->finished = rc == 0;
	return rc;
}

size_t shuan_inventory_source_count(const shuan_inventory *inv) { return inv->finished ? inv->sources.n : 0; }

const shuan_inventory_source *shuan_inventory_source_at(const shuan_inventory *inv, size_t i)
{
	return inv->finished && i < inv->sources.n ? &SHUAN_VEC_AT(&inv->sources, inv_source, i).out : NULL;
}

size_t shuan_inventory_column_count(const shuan_inventory *inv) { return inv->finished ? inv->cols.n : 0; }

const shuan_inventory_column *shuan_inventory_column_at(const shuan_inventory *inv, size_t i)
{
	return inv->finished && i < inv->cols.n ? &SHUAN_VEC_AT(&inv->cols, inv_column, i).out : NULL;
}

void shuan_inventory_people(const shuan_inventory *inv, shuan_people_counts *out)
{
	shuan_people_counts_get(inv->finished ? inv->people : NULL, out);
}

uint64_t shuan_inventory_errors(const shuan_inventory *inv) { return inv->errors; }

int shuan_inventory_people_merge_into(const shuan_inventory *inv, shuan_people *into)
{
	if (!inv->finished || !inv->people || !into)
		return SHUAN_EINVAL;
	return shuan_people_merge(into, inv->people);
}

void shuan_inventory_profile(const shuan_inventory *inv, shuan_inventory_profile_info *out)
{
	out->id = inv->profile.id;
	out->label = inv->profile.label_zh;
	out->note = inv->profile.note;
	out->unverified = inv->profile.unverified;
}

int shuan_inventory_write(const shuan_inventory *inv, const char *format, FILE *out, const char *path,
			  const shuan_inventory_report *r, char *err, size_t errlen)
{
	shuan_inventory_report def = SHUAN_INVENTORY_REPORT_INIT;
	if (!r)
		r = &def;
	if (errlen)
		err[0] = '\0';
	if (!inv->finished) {
		snprintf(err, errlen, "inventory: finish it before writing");
		return SHUAN_EINVAL;
	}
	if (!strcmp(format, "text"))
		return shuan_inv__report_text(inv, out, r);
	if (!strcmp(format, "json"))
		return shuan_inv__report_json(inv, out, r);
	if (!strcmp(format, "csv"))
		return shuan_inv__report_csv(inv, out, r);
	if (!strcmp(format, "html"))
		return shuan_inv__report_html(inv, out, r);
	if (!strcmp(format, "xlsx")) {
		if (!path) {
			snprintf(err, errlen, "xlsx is written to a file: give --out FILE");
			return SHUAN_EINVAL;
		}
		return shuan_inv__report_xlsx(inv, path, r, err, errlen);
	}
	snprintf(err, errlen, "unknown format '%s' (text, json, csv, xlsx, html)", format);
	return SHUAN_EINVAL;
}
