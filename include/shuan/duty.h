/*
 * shuan/duty.h - what the duty engines share: the rules they apply
 * (rules/duty/ and the PRC working-day calendar rules/calendar/), the
 * instants and dates they compute with, the citation every conclusion
 * carries, and the output formats.
 *
 * The three engines are declared in their own headers: cross-border
 * pathways and the ledger (shuan/xborder.h), incident grading, deadlines,
 * stored incidents and report documents (shuan/incident.h), periodic
 * obligations and iCalendar (shuan/duties.h).
 *
 * Facts marked [UNVERIFIED] in the project's reference are loaded as
 * configurable defaults: every conclusion that rests on one carries
 * `unverified = true`, and every writer labels it.
 *
 * Thread safety: a loaded shuan_duty_rules is immutable and may be shared by
 * any number of threads; everything else here is a plain value.
 */
#ifndef SHUAN_DUTY_H
#define SHUAN_DUTY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A calendar date (proleptic Gregorian). */
typedef struct shuan_date {
	int year, month, day;
} shuan_date;

/*
 * An instant with the zone it is shown in: `utc` seconds since
 * 1970-01-01T00:00:00Z and the UTC offset of the zone, in minutes (+480 for
 * China Standard Time). Two instants compare by `utc` alone.
 */
typedef struct shuan_time {
	int64_t utc;
	int offset_min;
} shuan_time;

/* The zone the PRC working-day calendar is kept in (UTC+8). */
#define SHUAN_CHINA_OFFSET_MIN 480

/* Room for "2025-03-01T09:30:00+08:00" and its NUL. */
#define SHUAN_TIME_TEXT 32

/*
 * Parses an ISO 8601 instant with a zone: "2025-03-01T09:30:00+08:00",
 * "2025-03-01T01:30Z", "2025-03-01 09:30+0800" (seconds optional, a space
 * may replace the T). A date alone ("2025-03-01") means 00:00 China time
 * when `date_ok` is true and is refused otherwise; a time without a zone is
 * refused, because a deadline needs to know where "09:30" was. Returns 0 or
 * SHUAN_EINVAL with the reason in errbuf (which names `what`).
 */
SHUAN_API int shuan_time_parse(const char *s, bool date_ok, const char *what, shuan_time *out, char *errbuf,
                               size_t errlen);

/* Writes t in its own zone as "YYYY-MM-DDTHH:MM:SS+HH:MM" ("Z" for UTC). */
SHUAN_API void shuan_time_format(const shuan_time *t, char buf[SHUAN_TIME_TEXT]);

/* The current time, shown in China time. */
SHUAN_API shuan_time shuan_time_now(void);

/* The calendar date of t in the zone `offset_min`. */
SHUAN_API shuan_date shuan_time_date(const shuan_time *t, int offset_min);

/* Parses "YYYY-MM-DD" (a real date). Returns 0 or SHUAN_EINVAL. */
SHUAN_API int shuan_date_parse(const char *s, shuan_date *out);

/* Writes "YYYY-MM-DD" into buf (at least 11 bytes). */
SHUAN_API void shuan_date_format(shuan_date d, char *buf, size_t len);

/* Days from 1970-01-01 (negative before), and back. */
SHUAN_API int64_t shuan_date_days(shuan_date d);
SHUAN_API shuan_date shuan_date_from_days(int64_t days);

/*
 * The date `years` years (and `months` months) after d, counted as the
 * Civil Code (Art. 202) counts a period: the corresponding day of the end
 * month, or its last day when it has none (2024-02-29 + 1 year =
 * 2025-02-28).
 */
SHUAN_API shuan_date shuan_date_add_months(shuan_date d, int months);

/* The rules the duty engines apply, loaded once from a rules directory. */
typedef struct shuan_duty_rules shuan_duty_rules;

/*
 * Loads the YAML files of rules/duty/ (cross-border pathway, incident regimes, periodic
 * duties) and every rules/calendar/cn-YYYY.yaml under `rules_dir`. A
 * misspelt key, a value of the wrong kind or a calendar that contradicts
 * itself fails the load with "file:line:column: reason" in errbuf
 * (SHUAN_ERULES); a missing duty file is SHUAN_ENOTFOUND naming it.
 * On success *out owns the rules; release them with shuan_duty_rules_free().
 */
SHUAN_API int shuan_duty_rules_load(shuan_duty_rules **out, const char *rules_dir, char *errbuf,
                                    size_t errlen);
SHUAN_API void shuan_duty_rules_free(shuan_duty_rules *r);

/* The years the loaded calendar covers (first and last; 0 when none). */
SHUAN_API void shuan_duty_calendar_years(const shuan_duty_rules *r, int *first, int *last);

/*
 * Whether d is a PRC working day: a Monday to Friday that is not a public
 * holiday, or a weekend day the State Council made a working day (调休上班).
 * Returns 0, or SHUAN_ENOTFOUND when the calendar has no file for d's year
 * (errbuf names the year and the file to add: never a guess from weekdays).
 */
SHUAN_API int shuan_duty_working_day(const shuan_duty_rules *r, shuan_date d, bool *out, char *errbuf,
                                     size_t errlen);

/*
 * The n-th working day after d (n > 0; d itself is not counted, as the
 * Civil Code Art. 201 counts a period) or before d (n < 0). Same errors as
 * shuan_duty_working_day for any year the count passes through.
 */
SHUAN_API int shuan_duty_add_working_days(const shuan_duty_rules *r, shuan_date d, int n, shuan_date *out,
                                          char *errbuf, size_t errlen);

/*
 * Whether the holidays of `year` should be known as of `as_of`: the State
 * Council publishes a year's notice between late October and early December
 * of the year before, so this year's and (from December) next year's are
 * expected, later years are not. The engines report a date that needs an
 * expected but missing year as an error naming it, and one that needs a
 * year not yet published as pending with the reason - never a guess from
 * weekdays.
 */
SHUAN_API bool shuan_duty_calendar_expected(int year, const shuan_time *as_of);

/*
 * What a conclusion rests on. All strings are borrowed from the rules (or
 * from the result that holds the basis) and live as long as they do.
 */
typedef struct shuan_duty_basis {
	const char *rule; /* the rule's id in rules/, e.g. "xborder.art5_4" */
	const char *article; /* the article applied, e.g. "促进和规范数据跨境流动规定 第五条第（四）项" */
	const char *cites; /* the regulation catalogue id (shuan regs show ID) */
	bool unverified;   /* rests on a fact not checked against the official text */
	const char *note;  /* why it is unverified, or a reading shuan chose; NULL if none */
} shuan_duty_basis;

struct shuan_rules;
struct shuan_people;

/* What counting people in data sources saw. */
typedef struct shuan_duty_data_result {
	uint64_t inputs;   /* inputs scanned (files, archive members) */
	uint64_t skipped;  /* inputs skipped (unreadable, binary...): reported through on_skip */
	uint64_t findings; /* findings of the detectors */
	uint64_t records;  /* records with at least one identifier, fed to the counter */
	uint64_t records_without_identifier; /* records with PI but nothing that tells people apart */
	uint64_t records_split; /* records with more identifiers than one record holds (fed in parts) */
	bool interrupted;
} shuan_duty_data_result;

/* Called for each input that could not be read, with the reason (never a
 * value from the input). */
typedef void (*shuan_duty_skip_fn)(const char *path, const char *reason, void *userdata);

/*
 * Counts the natural persons in the data sources `paths` (files,
 * directories walked recursively, archives; "-" for standard input): scans
 * them with `detectors` (shuan/rules.h) using the fingerprint key `key`
 * (the store's, so counts of different runs can be merged), groups the
 * findings of each record (a line; a CSV or sheet row) and adds the record's
 * identifiers (the detectors listed in rules/duty/people.yaml) to `into`
 * (shuan/people.h), flagging records with sensitive PI or a child's data.
 * `jobs` threads scan (0 = 1). Unreadable inputs are reported through
 * on_skip and counted; the count goes on. Returns 0, SHUAN_ENOMEM, or
 * SHUAN_EINVAL (no key); `cancel` (may be NULL) stops the scan between
 * chunks (then res->interrupted).
 */
SHUAN_API int shuan_duty_count_people(const shuan_duty_rules *rules, const struct shuan_rules *detectors,
                                      const char *const *paths, size_t n, const unsigned char *key,
                                      size_t keylen, int jobs, const atomic_int *cancel,
                                      struct shuan_people *into, shuan_duty_data_result *res,
                                      shuan_duty_skip_fn on_skip, void *userdata);

/* Output formats of the duty writers. */
typedef enum shuan_duty_format {
	SHUAN_DUTY_TEXT = 0, /* for a terminal */
	SHUAN_DUTY_JSON,     /* one JSON document */
	SHUAN_DUTY_MD,       /* Markdown */
} shuan_duty_format;

/* "text", "json" or "md" to a format; returns 0 or SHUAN_EINVAL. */
SHUAN_API int shuan_duty_format_parse(const char *s, shuan_duty_format *out);

#ifdef __cplusplus
}
#endif
#endif
