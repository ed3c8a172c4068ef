/*
 * shuan/duties.h - the periodic obligations of a data processor (shuan
 * duties): compliance audits, important-data risk assessments, the
 * large-platform report, CII commercial-cryptography assessments (a draft
 * rule, labelled), retention of provision records, export-assessment
 * expiries and extension windows, incident summary reports - each with its
 * due date, recurrence and citation, from rules/duty/duties.yaml.
 *
 * Inputs: the organisation profile (shuan/xborder.h), people counts and
 * important-data candidates when the profile does not state them, and the
 * store's ledger and incidents. Output: a list written as text, JSON,
 * Markdown, or as an iCalendar file (RFC 5545) that calendar programs
 * import.
 *
 * Thread safety: a result is a plain value; a store handle is used by one
 * thread at a time.
 */
#ifndef SHUAN_DUTIES_H
#define SHUAN_DUTIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shuan/common.h"
#include "shuan/duty.h"
#include "shuan/store.h"
#include "shuan/xborder.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum shuan_duty_status {
	SHUAN_DUTY_DUE = 0,        /* a due date lies ahead */
	SHUAN_DUTY_DUE_SOON,       /* within the next 30 days */
	SHUAN_DUTY_OVERDUE,        /* the due date has passed */
	SHUAN_DUTY_STANDING,       /* applies, no date (ongoing or "定期") */
	SHUAN_DUTY_NOT_APPLICABLE, /* its conditions do not hold */
	SHUAN_DUTY_UNKNOWN,        /* a fact it needs is not known */
	SHUAN_DUTY_ERROR,          /* its date could not be computed (see error) */
} shuan_duty_status;

SHUAN_API const char *shuan_duty_status_name(shuan_duty_status s);

/* One duty, or one dated occurrence of a per-item duty (an assessment, an
 * incident, a ledger transfer). Strings are borrowed from the rules or held
 * in the item. */
typedef struct shuan_duty_item {
	const char *id; /* the duty id in rules/duty/duties.yaml */
	const char *title;
	const char *party; /* to whom, or who acts; NULL if not set */
	shuan_duty_status status;
	char why[224];     /* the conditions that made it apply (or not) */
	char subject[128]; /* the item it is about ("assessment CAC-2025-01", "incident #3"), or "" */
	bool has_due;
	shuan_date due;
	bool has_window; /* an extension window: [window_opens, due] */
	shuan_date window_opens;
	int every_months; /* recurrence, 0 = none */
	char detail[512];
	char error[320];
	shuan_duty_basis basis;
} shuan_duty_item;

typedef struct shuan_duties_result {
	shuan_duty_item *items;
	size_t nitems;
	shuan_time as_of;
	const char *org_name;
	int64_t pi_people;            /* the figure used, -1 unknown */
	const char *pi_people_source; /* "profile", "inventory" or NULL */
	char inventory_run[64];       /* which inventory run, when pi_people came from one */
	int important_data;           /* 1, 0 or SHUAN_FACT_UNKNOWN */
	const char *important_data_source;
	bool unverified;
	char error[320];
	int rules_rev;
} shuan_duties_result;

/* What the store's latest inventory says, when the profile is silent. */
typedef struct shuan_duties_inventory {
	int64_t pi_people;        /* -1 unknown */
	int64_t spi_people;       /* of them with sensitive PI; -1 unknown */
	bool sampled;             /* tables were sampled: the counts are a lower bound */
	bool estimate;            /* past the exact counter: an estimate */
	int important_candidates; /* candidate count; -1 unknown */
	char run[64];             /* which inventory run, for the output */
} shuan_duties_inventory;

/*
 * Reads the latest inventory run of store s (the inventory's tables, schema
 * version 4: `shuan inventory`) into *out: its distinct people and how many
 * of its sources are important-data candidates. Returns 0 (found),
 * SHUAN_ENOTFOUND (no inventory yet, or a store without those tables) or
 * SHUAN_ESTORE.
 */
SHUAN_API int shuan_duties_inventory_latest(shuan_store *s, shuan_duties_inventory *out);

/* The same for inventory run `run` (its number in `shuan inventory list`);
 * SHUAN_ENOTFOUND when the store has no such run. */
SHUAN_API int shuan_duties_inventory_run(shuan_store *s, int64_t run, shuan_duties_inventory *out);

/*
 * Works out the duties of `org` as of `as_of`, with the inventory figures
 * `inv` (may be NULL) and the store `s` (may be NULL: no ledger, no
 * incidents). Fills *out; release with shuan_duties_result_free(). Returns
 * 0, SHUAN_ENOMEM, or SHUAN_ENOTFOUND when a date needs a missing calendar
 * year (the item says which; the rest is complete).
 */
SHUAN_API int shuan_duties_compute(const shuan_duty_rules *rules, const shuan_org *org,
                                   const shuan_duties_inventory *inv, shuan_store *s, const shuan_time *as_of,
                                   shuan_duties_result *out, char *errbuf, size_t errlen);
SHUAN_API void shuan_duties_result_free(shuan_duties_result *r);

/* Writes the duties as text (colour when `color`), JSON or Markdown. */
SHUAN_API int shuan_duties_write(FILE *out, const shuan_duties_result *r, shuan_duty_format fmt, bool color);

/*
 * Writes the dated duties as an iCalendar object (RFC 5545): one all-day
 * VEVENT per due date (and per extension window opening), RRULE for
 * recurring duties, a stable UID, DTSTAMP from as_of, CRLF line endings,
 * lines folded at 75 octets and text escaped. Returns 0 or SHUAN_EIO.
 */
SHUAN_API int shuan_duties_write_ics(FILE *out, const shuan_duties_result *r);

#ifdef __cplusplus
}
#endif
#endif
