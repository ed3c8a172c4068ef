/*
 * lib/duty/ledger.c - the cross-border ledger in the store (table
 * xborder_transfers, migration 5): each recorded transfer with its counts
 * and, when the people were counted by scanning, the people counter of the
 * people it covered (shuan_people_save(): keyed fingerprints, never values).
 *
 * The year-to-date figure the thresholds need is of distinct natural
 * persons since 1 January (Arts. 5, 7, 8 of the Provisions): the counters
 * of the year's transfers are merged, so the same person sent twice counts
 * once, and a new year starts from zero. A transfer recorded with explicit
 * counts cannot be de-duplicated: its counts are added, and the total is
 * marked as an upper bound rather than exact. So is one recorded by an
 * older shuan, whose counter (format 1) held HMAC fingerprints that today's
 * person keys cannot be linked with.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/duty/internal.h"
#include "lib/store/internal.h"
#include "shuan/people.h"
#include "util/alloc.h"
#include "util/json.h"

/* The ledger's two statements on xborder_transfers: a transfer recorded, and
 * a year's transfers read back in date order. */
#define TRANSFER_INSERT                                                                                      \
	"INSERT INTO xborder_transfers(recorded, date, year, org, recipient, country, purpose,"              \
	" basis, subjects, important_data, pi_people, spi_people, counts_source, people, pathway,"           \
	" exemption, rules_rev) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)"
#define TRANSFERS_OF_YEAR                                                                                    \
	"SELECT id, recorded, date, org, recipient, country, purpose, basis, subjects,"                      \
	" important_data, pi_people, spi_people, people, pathway, exemption"                                 \
	" FROM xborder_transfers WHERE year = ?1 ORDER BY date, id"

int shuan_duty__prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err, size_t errlen)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
	return SHUAN_ESTORE;
}

/* Transfers read for one year of the ledger, at most. */
#define MAX_ENTRIES 1000000

/* Merges the year's transfers (dated up to `until`, when given) into *acc. */
typedef struct ledger_acc {
	shuan_people *people; /* union of the counters */
	size_t with_people, without_people;
	int64_t extra_pi, extra_spi; /* explicit counts, added */
} ledger_acc;

static int acc_row(ledger_acc *a, sqlite3_stmt *st, int pi_col, int blob_col, int64_t id, char *err,
                   size_t errlen)
{
	const void *blob = sqlite3_column_blob(st, blob_col);
	int len = sqlite3_column_bytes(st, blob_col);
	shuan_people *p = NULL;
	int rc;
	if (!blob || len <= 0) {
		a->extra_pi += sqlite3_column_int64(st, pi_col);
		a->extra_spi += sqlite3_column_int64(st, pi_col + 1);
		a->without_people++;
		return 0;
	}
	if ((rc = shuan_people_load(&p, blob, (size_t)len)) != 0) {
		unsigned format = shuan_people_saved_format(blob, (size_t)len);
		if (rc == SHUAN_EINVAL && format && format < SHUAN_PEOPLE_FORMAT) {
			/* recorded by an older shuan, whose counters held HMAC
			 * fingerprints that cannot be linked with today's person
			 * keys: its recorded counts are added, as explicit ones are */
			a->extra_pi += sqlite3_column_int64(st, pi_col);
			a->extra_spi += sqlite3_column_int64(st, pi_col + 1);
			a->without_people++;
			return 0;
		}
		snprintf(err, errlen, "the ledger's transfer #%lld has an unreadable people counter (%s)",
		         (long long)id, shuan_strerror(rc));
		return rc == SHUAN_ENOMEM ? rc : SHUAN_ESTORE;
	}
	rc = shuan_people_merge(a->people, p);
	shuan_people_free(p);
	if (rc != 0) {
		snprintf(err, errlen, "out of memory merging the ledger's people counters");
		return rc;
	}
	a->with_people++;
	return 0;
}

static int acc_year(shuan_store *s, int year, const shuan_date *until, ledger_acc *a, char *err,
                    size_t errlen)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	char last[16] = "9999-12-31";
	int rc = 0, step;
	if (until)
		shuan_date_format(*until, last, sizeof(last));
	if (sqlite3_prepare_v2(db,
	                       "SELECT id, pi_people, spi_people, people FROM xborder_transfers"
	                       " WHERE year = ?1 AND date <= ?2 ORDER BY date, id",
	                       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		return SHUAN_ESTORE;
	}
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, last, -1, SQLITE_TRANSIENT);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = acc_row(a, st, 1, 3, sqlite3_column_int64(st, 0), err, errlen);
	if (rc == 0 && step != SQLITE_DONE) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Fills the totals of an accumulation into out. */
static void acc_totals(const ledger_acc *a, bool this_has_people, bool has_this, shuan_xborder_counts *out)
{
	shuan_people_counts pc;
	size_t explicit_sources = a->without_people + (has_this && !this_has_people);
	size_t sketch_sources = a->with_people + (has_this && this_has_people);
	shuan_people_counts_get(a->people, &pc);
	out->ytd_pi = (int64_t)pc.distinct + a->extra_pi;
	out->ytd_spi = (int64_t)pc.sensitive + a->extra_spi;
	out->exact = pc.exact && (explicit_sources == 0 || (explicit_sources == 1 && sketch_sources == 0));
	out->error_bound = pc.error_bound;
}

int shuan_xborder_ledger_counts(shuan_store *s, const shuan_transfer *t, const shuan_people *people,
                                shuan_xborder_counts *out, char *err, size_t errlen)
{
	ledger_acc a = {0};
	int rc;
	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	out->year = t->date.year;
	out->source = people ? "data" : "explicit";
	if (!people && (t->pi_people < 0 || t->spi_people < 0)) {
		snprintf(err, errlen, "%s: %s: required unless --data counts the people from the data sent",
		         t->path ? t->path : "transfer", t->pi_people < 0 ? "pi_people" : "spi_people");
		return SHUAN_EINVAL;
	}
	if ((rc = shuan_people_new(&a.people, NULL)) != 0)
		return rc;
	if (s && (rc = acc_year(s, out->year, &t->date, &a, err, errlen)) != 0)
		goto cleanup;
	out->prior_transfers = a.with_people + a.without_people;
	out->prior_without_people = a.without_people;
	if (people) {
		shuan_people_counts pc;
		shuan_people_counts_get(people, &pc);
		out->pi = (int64_t)pc.distinct;
		out->spi = (int64_t)pc.sensitive;
		if ((rc = shuan_people_merge(a.people, people)) != 0) {
			snprintf(err, errlen, "out of memory merging people counters");
			goto cleanup;
		}
		if (!pc.exact)
			out->error_bound = pc.error_bound;
	} else {
		out->pi = t->pi_people;
		out->spi = t->spi_people;
		a.extra_pi += t->pi_people;
		a.extra_spi += t->spi_people;
	}
	acc_totals(&a, people != NULL, true, out);
cleanup:
	shuan_people_free(a.people);
	return rc;
}

int shuan_xborder_ledger_record(shuan_store *s, const shuan_org *org, const shuan_transfer *t,
                                const shuan_people *people, const shuan_xborder_result *res, int64_t *id,
                                char *err, size_t errlen)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	unsigned char *blob = NULL;
	size_t blen = 0;
	char date[16], now[SHUAN_TIME_TEXT];
	shuan_time tn = shuan_time_now();
	int rc = 0;

	shuan_time_format(&tn, now);
	shuan_date_format(t->date, date, sizeof(date));
	if (people && (rc = shuan_people_save(people, &blob, &blen)) != 0)
		return rc;
	if ((rc = shuan_duty__prepare(db, TRANSFER_INSERT, &st, err, errlen)) != 0)
		goto cleanup;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, t->date.year);
	sqlite3_bind_text(st, 4, org ? org->name : NULL, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, t->recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, t->country, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, t->purpose, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, t->basis, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, t->subjects, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 10, t->important_data);
	sqlite3_bind_int64(st, 11, res->counts.pi);
	sqlite3_bind_int64(st, 12, res->counts.spi);
	sqlite3_bind_text(st, 13, people ? "data" : "explicit", -1, SQLITE_STATIC);
	if (blob)
		sqlite3_bind_blob(st, 14, blob, (int)blen, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 14);
	sqlite3_bind_text(st, 15, shuan_xborder_pathway_name(res->pathway), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, res->exemption, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 17, res->rules_rev);
	if (sqlite3_step(st) != SQLITE_DONE) {
		snprintf(err, errlen, "store: cannot record the transfer: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
		goto cleanup;
	}
	if (id)
		*id = sqlite3_last_insert_rowid(db);
cleanup:
	sqlite3_finalize(st);
	shuan_people_buffer_free(blob);
	return rc;
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(buf, len, "%s", s ? (const char *)s : "");
}

int shuan_xborder_ledger_read(shuan_store *s, int year, shuan_xborder_ledger *out, char *err, size_t errlen)
{
	sqlite3 *db = shuan_store__db(s);
	sqlite3_stmt *st = NULL;
	ledger_acc a = {0};
	shuan_vec entries;
	int rc = 0, step;

	memset(out, 0, sizeof(*out));
	shuan_vec_init(&entries, sizeof(shuan_xborder_entry), MAX_ENTRIES);
	if (errlen)
		err[0] = '\0';
	out->year = year;
	out->totals.year = year;
	if ((rc = shuan_people_new(&a.people, NULL)) != 0)
		return rc;
	if ((rc = shuan_duty__prepare(db, TRANSFERS_OF_YEAR, &st, err, errlen)) != 0)
		goto cleanup;
	sqlite3_bind_int(st, 1, year);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		shuan_xborder_entry *e;
		char date[16];
		if ((rc = shuan_vec_add(&entries, (void **)&e)) != 0) {
			if (rc == SHUAN_ELIMIT)
				snprintf(err, errlen, "the ledger holds more than %d transfers in %d",
				         MAX_ENTRIES, year);
			break;
		}
		e->id = sqlite3_column_int64(st, 0);
		col_text(st, 1, e->recorded, sizeof(e->recorded));
		col_text(st, 2, date, sizeof(date));
		if (shuan_date_parse(date, &e->date) != 0) {
			snprintf(err, errlen, "the ledger's transfer #%lld has a bad date", (long long)e->id);
			rc = SHUAN_ESTORE;
			break;
		}
		col_text(st, 3, e->org, sizeof(e->org));
		col_text(st, 4, e->recipient, sizeof(e->recipient));
		col_text(st, 5, e->country, sizeof(e->country));
		col_text(st, 6, e->purpose, sizeof(e->purpose));
		col_text(st, 7, e->basis, sizeof(e->basis));
		col_text(st, 8, e->subjects, sizeof(e->subjects));
		e->important_data = sqlite3_column_int(st, 9) != 0;
		e->pi_people = sqlite3_column_int64(st, 10);
		e->spi_people = sqlite3_column_int64(st, 11);
		e->has_people = sqlite3_column_bytes(st, 12) > 0;
		col_text(st, 13, e->pathway, sizeof(e->pathway));
		col_text(st, 14, e->exemption, sizeof(e->exemption));
		rc = acc_row(&a, st, 10, 12, e->id, err, errlen);
	}
	if (rc == 0 && step != SQLITE_DONE) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		rc = SHUAN_ESTORE;
	}
	out->totals.prior_transfers = a.with_people + a.without_people;
	out->totals.prior_without_people = a.without_people;
	out->totals.source = "ledger";
	acc_totals(&a, false, false, &out->totals);
cleanup:
	sqlite3_finalize(st);
	shuan_people_free(a.people);
	if (rc != 0) {
		shuan_vec_free(&entries);
	} else {
		out->entries = entries.v;
		out->nentries = entries.n;
	}
	return rc;
}

void shuan_xborder_ledger_free(shuan_xborder_ledger *l)
{
	if (!l)
		return;
	shuan_free(l->entries);
	l->entries = NULL;
	l->nentries = 0;
}

/* A ledger line's date and people counts, as the Markdown and text views print them. */
typedef struct entry_cells {
	char date[16], pi[32], spi[32];
} entry_cells;

static void entry_cells_of(const shuan_xborder_entry *e, entry_cells *c)
{
	shuan_date_format(e->date, c->date, sizeof(c->date));
	shuan_duty__group(e->pi_people, c->pi, sizeof(c->pi));
	shuan_duty__group(e->spi_people, c->spi, sizeof(c->spi));
}


int shuan_xborder_ledger_write(FILE *f, const shuan_xborder_ledger *l, const shuan_duty_rules *rules,
                               shuan_duty_format fmt)
{
	char a[32], b[32];
	const duty_xborder_rules *xb = &rules->xb;
	shuan_duty__group(l->totals.ytd_pi, a, sizeof(a));
	shuan_duty__group(l->totals.ytd_spi, b, sizeof(b));
	if (fmt == SHUAN_DUTY_JSON) {
		fprintf(
		    f,
		    "{\"type\":\"xborder_ledger\",\"schema_version\":1,\"year\":%d,\"since\":\"%04d-01-01\","
		    "\"transfers\":%zu,\"ytd_pi_people\":%lld,\"ytd_spi_people\":%lld,\"exact\":%s,"
		    "\"without_people\":%zu,\"error_bound\":%g,\"thresholds\":[",
		    l->year, l->year, l->nentries, (long long)l->totals.ytd_pi, (long long)l->totals.ytd_spi,
		    l->totals.exact ? "true" : "false", l->totals.prior_without_people,
		    l->totals.error_bound);
		for (size_t i = 0; i < xb->nthresholds; i++) {
			const duty_xthreshold *th = &xb->thresholds[i];
			int64_t v = th->spi ? l->totals.ytd_spi : l->totals.ytd_pi;
			fprintf(f, "%s{\"rule\":", i ? "," : "");
			shuan_json_cstring(f, th->basis.rule);
			fprintf(f,
			        ",\"count\":\"%s\",\"value\":%lld,\"at_least\":%lld,\"reached\":%s,"
			        "\"remaining\":%lld,"
			        "\"warning\":%s,\"pathway\":\"%s\",",
			        th->spi ? "spi" : "pi", (long long)v, (long long)th->at_least,
			        v >= th->at_least ? "true" : "false",
			        (long long)(v >= th->at_least ? 0 : th->at_least - v),
			        v < th->at_least && th->at_least > 1 &&
			                (double)v >= xb->warn_ratio * (double)th->at_least
			            ? "true"
			            : "false",
			        shuan_xborder_pathway_name(th->pathway));
			shuan_duty__json_basis(f, &th->basis);
			fputc('}', f);
		}
		fputs("],\"entries\":[", f);
		for (size_t i = 0; i < l->nentries; i++) {
			const shuan_xborder_entry *e = &l->entries[i];
			char d[16];
			shuan_date_format(e->date, d, sizeof(d));
			fprintf(f, "%s{\"id\":%lld,\"date\":\"%s\",\"recorded\":", i ? "," : "",
			        (long long)e->id, d);
			shuan_json_cstring(f, e->recorded);
			shuan_json_field(f, ",\"org\":", e->org);
			shuan_json_field(f, ",\"recipient\":", e->recipient);
			shuan_json_field(f, ",\"country\":", e->country);
			fprintf(
			    f,
			    ",\"purpose\":\"%s\",\"basis\":\"%s\",\"subjects\":\"%s\",\"important_data\":%s,"
			    "\"pi_people\":%lld,\"spi_people\":%lld,\"deduplicated\":%s,\"pathway\":\"%s\","
			    "\"exemption\":",
			    e->purpose, e->basis, e->subjects, e->important_data ? "true" : "false",
			    (long long)e->pi_people, (long long)e->spi_people,
			    e->has_people ? "true" : "false", e->pathway);
			shuan_json_cstring(f, e->exemption[0] ? e->exemption : NULL);
			fputc('}', f);
		}
		fputs("]}\n", f);
		return ferror(f) ? SHUAN_EIO : 0;
	}
	if (fmt == SHUAN_DUTY_MD) {
		fprintf(f,
		        "# Cross-border ledger %d\n\nSince 1 January %d: **%s** people with PI, **%s** with "
		        "sensitive PI "
		        "across %zu transfers (%s).\n\n",
		        l->year, l->year, a, b, l->nentries,
		        l->totals.exact ? "distinct people"
		                        : "not exact: transfers with explicit counts are added");
		fputs("| # | Date | Recipient | Country | Purpose | PI | Sensitive PI | De-duplicated | "
		      "Pathway |\n"
		      "|---|---|---|---|---|---|---|---|---|\n",
		      f);
		for (size_t i = 0; i < l->nentries; i++) {
			const shuan_xborder_entry *e = &l->entries[i];
			entry_cells c;
			entry_cells_of(e, &c);
			fprintf(f, "| %lld | %s | ", (long long)e->id, c.date);
			shuan_duty__md(f, e->recipient);
			fputs(" | ", f);
			shuan_duty__md(f, e->country);
			fprintf(f, " | %s | %s | %s | %s | %s%s%s |\n", e->purpose, c.pi, c.spi,
			        e->has_people ? "yes" : "no", e->pathway, e->exemption[0] ? " " : "",
			        e->exemption);
		}
		fputs("\n| Threshold | Since 1 January | Reached | Leads to | Article "
		      "|\n|---|---|---|---|---|\n",
		      f);
		for (size_t i = 0; i < xb->nthresholds; i++) {
			const duty_xthreshold *th = &xb->thresholds[i];
			int64_t v = th->spi ? l->totals.ytd_spi : l->totals.ytd_pi;
			char vv[32], at[32];
			shuan_duty__group(v, vv, sizeof(vv));
			shuan_duty__group(th->at_least, at, sizeof(at));
			fprintf(f, "| %s ≥ %s | %s | %s | %s | ", th->spi ? "sensitive PI" : "PI", at, vv,
			        v >= th->at_least ? "**yes**" : "no",
			        shuan_xborder_pathway_name(th->pathway));
			shuan_duty__md(f, th->basis.article);
			fputs(" |\n", f);
		}
		return ferror(f) ? SHUAN_EIO : 0;
	}
	fprintf(f,
	        "cross-border ledger %d: %zu transfer%s; since 1 January: %s people with PI, %s with "
	        "sensitive PI (%s)\n",
	        l->year, l->nentries, l->nentries == 1 ? "" : "s", a, b,
	        l->totals.exact ? "distinct"
	                        : "not exact: transfers with explicit counts are added, not de-duplicated");
	for (size_t i = 0; i < l->nentries; i++) {
		const shuan_xborder_entry *e = &l->entries[i];
		entry_cells c;
		entry_cells_of(e, &c);
		fprintf(f, "  #%-4lld %s  %12s PI %10s SPI  %-3s  %s%s%s  ", (long long)e->id, c.date, c.pi, c.spi,
		        e->has_people ? "dd" : "sum", e->pathway, e->exemption[0] ? " " : "", e->exemption);
		shuan_duty__text(f, e->recipient);
		if (e->country[0]) {
			fputs(" (", f);
			shuan_duty__text(f, e->country);
			fputc(')', f);
		}
		fputc('\n', f);
	}
	fputs("thresholds since 1 January:\n", f);
	for (size_t i = 0; i < xb->nthresholds; i++) {
		const duty_xthreshold *th = &xb->thresholds[i];
		int64_t v = th->spi ? l->totals.ytd_spi : l->totals.ytd_pi;
		char vv[32], at[32], rem[32];
		bool warn = v < th->at_least && th->at_least > 1 &&
		            (double)v >= xb->warn_ratio * (double)th->at_least;
		shuan_duty__group(v, vv, sizeof(vv));
		shuan_duty__group(th->at_least, at, sizeof(at));
		shuan_duty__group(v >= th->at_least ? 0 : th->at_least - v, rem, sizeof(rem));
		fprintf(f, "  %s %-3s %12s / %-10s %s -> %s",
		        v >= th->at_least ? "REACHED"
		        : warn            ? "WARN   "
		                          : "       ",
		        th->spi ? "spi" : "pi", vv, at, v >= th->at_least ? "" : rem,
		        shuan_xborder_pathway_name(th->pathway));
		shuan_duty__text_basis(f, &th->basis);
		fputc('\n', f);
	}
	if (l->nentries)
		fputs("(dd: people de-duplicated through the stored counter; sum: explicit counts, added)\n",
		      f);
	return ferror(f) ? SHUAN_EIO : 0;
}
