/*
 * shuan/xborder.h - the cross-border data pathway (数据出境路径) and the
 * transfer ledger.
 *
 * shuan_xborder_assess() decides which pathway a transfer takes under the
 * 促进和规范数据跨境流动规定 (CAC Order No. 16) and 网络数据安全管理条例
 * Art. 35: exempt (naming the exemption, Arts. 3-6), standard contract or
 * certification (Art. 8) or security assessment (Art. 7), with every
 * condition it checked, the counts that drove it, how far each count is from
 * the next threshold, the duties that apply whatever the pathway (Art. 10)
 * and, for an assessment, its validity and extension window (Art. 9).
 * The rules come from rules/duty/xborder.yaml (shuan/duty.h).
 *
 * Counts are of natural persons since 1 January of the transfer's year
 * (Arts. 5, 7, 8). The ledger in the store keeps each recorded transfer with
 * the people counter of the people it covered (keyed fingerprints, never a
 * value), so the year-to-date count is of distinct people across transfers.
 *
 * Profiles and transfers are read from YAML whose keys are a documented
 * contract (docs/duty-engines.md); an unknown key is an error naming it.
 *
 * Thread safety: a loaded org or transfer is read-only and may be shared;
 * a store handle is used by one thread at a time (shuan/store.h).
 */
#ifndef SHUAN_XBORDER_H
#define SHUAN_XBORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shuan/common.h"
#include "shuan/duty.h"
#include "shuan/store.h"

#ifdef __cplusplus
extern "C" {
#endif

struct shuan_people;

/* Limits of a profile (larger lists are an error naming the key). */
#define SHUAN_ORG_MAX_DONE 32
#define SHUAN_ORG_MAX_ASSESSMENTS 32

/* A yes/no fact that may not be known. */
#define SHUAN_FACT_UNKNOWN (-1)

/*
 * The organisation profile (ORG.yaml). Keys: name, ciio (required), ftz,
 * industry, pi_people, important_data, large_platform, last_audit, and
 * shuan's additions done ({duty id: date}), assessments ([{ref, issued}])
 * and ftz_negative_list (a file holding the zone's negative list as data:
 * {zone, cites, items: [{id, name}]}, relative to the profile). Strings are borrowed from the loaded
 * document.
 */
typedef struct shuan_org {
	const char *path; /* the file it was read from */
	const char *name;
	bool ciio;            /* 关键信息基础设施运营者 */
	const char *ftz;      /* the free trade zone the processor is in, or NULL */
	const char *ftz_list; /* the negative list file as named in the profile, or NULL */
	const char *ftz_list_zone;
	struct {
		const char *id, *name;
	} * ftz_items; /* the negative list's items */
	size_t nftz_items;
	const char *industry; /* industrial, telecom, radio, finance... or NULL */
	int64_t pi_people;    /* people whose PI it processes; -1 unknown */
	int important_data;   /* 1, 0 or SHUAN_FACT_UNKNOWN */
	int large_platform;   /* 1, 0 or SHUAN_FACT_UNKNOWN */
	struct {
		const char *duty; /* a duty id of rules/duty/duties.yaml */
		shuan_date date;
	} done[SHUAN_ORG_MAX_DONE];
	size_t ndone; /* last_audit is done[] "pi_audit" */
	struct {
		const char *ref;   /* the assessment's reference */
		shuan_date issued; /* the day the result was issued */
	} assessments[SHUAN_ORG_MAX_ASSESSMENTS];
	size_t nassessments;
	void *internal; /* the loaded document */
} shuan_org;

/*
 * Reads a profile. Returns 0, SHUAN_ENOTFOUND, SHUAN_EIO or SHUAN_EINVAL
 * with "file:line:column: reason" in errbuf (an unknown or misspelt key, a
 * negative count, a value of the wrong kind). Call shuan_org_free()
 * whatever the result.
 */
SHUAN_API int shuan_org_load(shuan_org *org, const char *path, char *errbuf, size_t errlen);
SHUAN_API void shuan_org_free(shuan_org *org);

typedef enum shuan_xborder_pathway {
	SHUAN_XBORDER_EXEMPT = 0,
	SHUAN_XBORDER_STANDARD_CONTRACT = 1, /* standard contract or PI protection certification (Art. 8) */
	SHUAN_XBORDER_ASSESSMENT = 2,        /* CAC security assessment (Art. 7) */
} shuan_xborder_pathway;

/* "exempt", "standard_contract_or_certification", "security_assessment". */
SHUAN_API const char *shuan_xborder_pathway_name(shuan_xborder_pathway p);

/*
 * One transfer (T.yaml). Keys: recipient, country, purpose (trade /
 * transport / academic / manufacturing / marketing / other), basis
 * (contract_with_subject / hr / emergency / none), subjects (customers /
 * employees / other), collected_abroad, domestic_pi_added, important_data,
 * on_negative_list, date, pi_people, spi_people, and shuan's additions
 * contract_effective and assessment_issued (dates) and data_categories
 * (ids matched against the profile's ftz_negative_list).
 */
typedef struct shuan_transfer {
	const char *path;
	const char *recipient, *country;
	const char *purpose, *basis, *subjects; /* the enum names above */
	bool collected_abroad, domestic_pi_added, important_data;
	int on_negative_list; /* 1, 0 or SHUAN_FACT_UNKNOWN */
	const char *data_categories[64];
	size_t ndata_categories;
	shuan_date date;    /* the day of the transfer (required) */
	int64_t pi_people;  /* people whose PI is sent; -1 when not given */
	int64_t spi_people; /* of them, people whose sensitive PI is sent; -1 when not given */
	bool has_contract_effective, has_assessment_issued;
	shuan_date contract_effective; /* the standard contract took effect */
	shuan_date assessment_issued;  /* an assessment result for this transfer was issued */
	void *internal;
} shuan_transfer;

/* Reads a transfer; same contract as shuan_org_load(). Counts must be
 * consistent (spi_people <= pi_people). */
SHUAN_API int shuan_transfer_load(shuan_transfer *t, const char *path, char *errbuf, size_t errlen);
SHUAN_API void shuan_transfer_free(shuan_transfer *t);

/* The people counts an assessment rests on. */
typedef struct shuan_xborder_counts {
	int64_t pi, spi;         /* this transfer */
	int64_t ytd_pi, ytd_spi; /* since 1 January of its year, this transfer included */
	int year;
	size_t prior_transfers; /* ledger transfers of that year counted in */
	size_t
	    prior_without_people; /* of them, recorded with explicit counts only (added, not de-duplicated) */
	bool exact;               /* false: an estimate (the people counter's) or an upper bound */
	double error_bound;       /* relative standard error of an estimate, 0 when exact */
	const char *source;       /* "explicit" (the transfer's counts) or "data" (counted by scanning) */
} shuan_xborder_counts;

/* Limits of one assessment (the rules loader refuses more). */
#define SHUAN_XBORDER_MAX_CHECKS 96
#define SHUAN_XBORDER_MAX_ITEMS 16
#define SHUAN_XBORDER_MAX_NOTES 8

/* One condition checked: its rule, the test, whether it is met and why. */
typedef struct shuan_xborder_check {
	const char *owner; /* the rule it belongs to: "xborder.art5_4", "xborder.ciio" */
	const char *test;  /* "ytd_pi_below" */
	bool met;
	char detail[224]; /* "95,000 people since 1 January < 100,000" */
	shuan_duty_basis basis;
} shuan_xborder_check;

/* A rule with conditions (an exemption or a trigger) and its verdict. */
typedef struct shuan_xborder_rule_result {
	const char *id; /* exemption id ("art5_4") or the trigger's rule */
	const char *title;
	bool applies;
	shuan_xborder_pathway pathway; /* what it leads to */
	size_t first_check, nchecks;   /* its conditions in checks[] */
	shuan_duty_basis basis;
} shuan_xborder_rule_result;

/* A volume threshold and how far the count is from it. */
typedef struct shuan_xborder_threshold_result {
	const char *title;
	const char *count; /* "pi" or "spi" */
	int64_t value;     /* the year-to-date count */
	int64_t at_least;  /* the threshold ("以上": reached at this number) */
	bool relevant;     /* the transfer carries that kind of PI */
	bool met;
	int64_t remaining; /* people until the threshold, 0 when met */
	double ratio;      /* value / at_least */
	bool warning;      /* not met, but at or above warn_ratio of it */
	shuan_xborder_pathway pathway;
	shuan_duty_basis basis;
} shuan_xborder_threshold_result;

/* A duty that applies to this transfer. */
typedef struct shuan_xborder_duty {
	const char *title;
	bool has_due;
	shuan_date due; /* when the rule sets a period and its start is known */
	char detail[512];
	shuan_duty_basis basis;
} shuan_xborder_duty;

typedef struct shuan_xborder_result {
	shuan_xborder_pathway pathway;
	const char *exemption;          /* the exemption that applies (first in rule order), or NULL */
	shuan_duty_basis pathway_basis; /* the rule that set the pathway */
	shuan_xborder_check checks[SHUAN_XBORDER_MAX_CHECKS];
	size_t nchecks;
	shuan_xborder_rule_result exemptions[SHUAN_XBORDER_MAX_ITEMS];
	size_t nexemptions;
	shuan_xborder_rule_result triggers[SHUAN_XBORDER_MAX_ITEMS];
	size_t ntriggers;
	shuan_xborder_threshold_result thresholds[SHUAN_XBORDER_MAX_ITEMS];
	size_t nthresholds;
	shuan_xborder_duty duties[SHUAN_XBORDER_MAX_ITEMS * 2];
	size_t nduties;
	shuan_xborder_counts counts;
	shuan_duty_basis counting_basis;
	double warn_ratio;
	struct {
		bool applies; /* the pathway is a security assessment */
		int years, extension_working_days, extension_years;
		bool has_expiry; /* the transfer names assessment_issued */
		bool has_window; /* the extension window could be computed */
		shuan_date issued, expires, window_opens;
		char window_note[288]; /* why the window is not computed yet (a year not published) */
		shuan_duty_basis basis;
	} validity;
	char notes[SHUAN_XBORDER_MAX_NOTES][288];
	size_t nnotes;
	bool unverified; /* some conclusion rests on an unverified fact */
	char error[288]; /* a part that could not be computed (a calendar year), or "" */
	shuan_time as_of;
	int rules_rev;
} shuan_xborder_result;

/*
 * Assesses transfer t of organisation org with the counts in `counts`
 * (from shuan_xborder_ledger_counts(), or filled by the caller) as of
 * `as_of`. Fills *out (a large struct: allocate it, do not put it on a small
 * stack). Returns 0; SHUAN_EINVAL for inconsistent input (errbuf says which
 * field); SHUAN_ENOTFOUND when a date needs a calendar year that is missing
 * - then *out is complete except that date, and out->error names the year.
 */
SHUAN_API int shuan_xborder_assess(const shuan_duty_rules *rules, const shuan_org *org,
                                   const shuan_transfer *t, const shuan_xborder_counts *counts,
                                   const shuan_time *as_of, shuan_xborder_result *out, char *errbuf,
                                   size_t errlen);

/* Writes the assessment as text (colour when `color`), JSON or Markdown. */
SHUAN_API int shuan_xborder_write(FILE *out, const shuan_xborder_result *res, const shuan_org *org,
                                  const shuan_transfer *t, shuan_duty_format fmt, bool color);

/*
 * The year-to-date counts for t from the ledger in store s (NULL: no
 * ledger, this transfer alone), adding this transfer's people: `people`
 * when it was counted by scanning (distinct people merged with those of
 * earlier transfers of the year), else the transfer's explicit counts.
 * Only transfers dated from 1 January to t's date of the same year count.
 */
SHUAN_API int shuan_xborder_ledger_counts(shuan_store *s, const shuan_transfer *t,
                                          const struct shuan_people *people, shuan_xborder_counts *out,
                                          char *errbuf, size_t errlen);

/* Adds the assessed transfer to the ledger (with its people counter when
 * given) and writes its id into *id. */
SHUAN_API int shuan_xborder_ledger_record(shuan_store *s, const shuan_org *org, const shuan_transfer *t,
                                          const struct shuan_people *people, const shuan_xborder_result *res,
                                          int64_t *id, char *errbuf, size_t errlen);

/* One ledger row. */
typedef struct shuan_xborder_entry {
	int64_t id;
	char recorded[SHUAN_TIME_TEXT];
	shuan_date date;
	char org[128], recipient[128], country[64], purpose[24], basis[24], subjects[24];
	int64_t pi_people, spi_people;
	bool has_people; /* recorded with a people counter (de-duplicated) */
	bool important_data;
	char pathway[40], exemption[32];
} shuan_xborder_entry;

/* A year of the ledger: its transfers and the distinct people across them. */
typedef struct shuan_xborder_ledger {
	int year;
	shuan_xborder_entry *entries;
	size_t nentries;
	shuan_xborder_counts totals; /* ytd_pi, ytd_spi over the year; pi/spi = 0 */
} shuan_xborder_ledger;

/* Reads the transfers of `year` (all years when 0: totals are then for the
 * latest year) into *out. Release with shuan_xborder_ledger_free(). */
SHUAN_API int shuan_xborder_ledger_read(shuan_store *s, int year, shuan_xborder_ledger *out, char *errbuf,
                                        size_t errlen);
SHUAN_API void shuan_xborder_ledger_free(shuan_xborder_ledger *l);

/* Writes a ledger year as text, JSON or Markdown. */
SHUAN_API int shuan_xborder_ledger_write(FILE *out, const shuan_xborder_ledger *l,
                                         const shuan_duty_rules *rules, shuan_duty_format fmt);

#ifdef __cplusplus
}
#endif
#endif
