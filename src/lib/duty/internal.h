/*
 * lib/duty/internal.h - the loaded duty rules and the helpers the duty
 * engines share across files.
 *
 * rules.c reads the files of rules/duty/ into the structures below; every string
 * points into the YAML documents the rules handle keeps, so nothing is
 * copied. calendar.c reads rules/calendar/cn-YYYY.yaml. The engines
 * (xborder.c, incident.c, duties.c) name their condition tests in tables of
 * their own and resolve the names at load time, so a misspelt test fails
 * the load naming the file, line and column.
 */
#ifndef SHUAN_LIB_DUTY_INTERNAL_H
#define SHUAN_LIB_DUTY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shuan/duties.h"
#include "shuan/duty.h"
#include "shuan/incident.h"
#include "shuan/xborder.h"
#include "util/buf.h"
#include "util/yaml.h"

#define DUTY_MAX_CONDS 8
#define DUTY_MAX_VALUES 8
#define DUTY_MAX_OF 4
#define DUTY_MAX_ITEMS 16
#define DUTY_MAX_BANDS 6
#define DUTY_MAX_DUTIES 24
#define DUTY_MAX_DOCS 8

/* One test with its parameters (a leaf of a condition). */
typedef struct duty_leaf {
	int test;         /* index in the engine's table */
	const char *name; /* the test's name, for outputs */
	const char *values[DUTY_MAX_VALUES];
	size_t nvalues;
	const char *value;
	int64_t number;
	bool has_number;
	shuan_duty_basis basis; /* the condition's own article, else its owner's */
} duty_leaf;

/* A condition: a leaf, or any_of a few leaves. */
typedef struct duty_cond {
	duty_leaf leaf;
	duty_leaf of[DUTY_MAX_OF];
	size_t nof; /* > 0: any of `of` */
} duty_cond;

typedef struct duty_conds {
	duty_cond c[DUTY_MAX_CONDS];
	size_t n;
} duty_conds;

/* The engines' test tables: name -> index, and what parameter it takes. */
typedef enum duty_param {
	DUTY_PARAM_NONE,
	DUTY_PARAM_VALUES,
	DUTY_PARAM_VALUE,
	DUTY_PARAM_NUMBER,
	DUTY_PARAM_OF
} duty_param;
typedef struct duty_test_def {
	const char *name;
	duty_param param;
} duty_test_def;

/* ---- cross-border ---- */
typedef struct duty_xrule { /* an exemption or a trigger */
	const char *id, *title;
	shuan_xborder_pathway pathway;
	shuan_duty_basis basis;
	duty_conds all;
} duty_xrule;

typedef struct duty_xthreshold {
	const char *title;
	bool spi; /* counts sensitive PI */
	int64_t at_least;
	shuan_xborder_pathway pathway;
	shuan_duty_basis basis;
} duty_xthreshold;

typedef struct duty_xduty {
	const char *title;
	int pathway; /* -1: whatever the pathway (`always`) */
	duty_conds when;
	int working_days; /* > 0: a period after `from` */
	const char *from; /* "contract_effective" */
	shuan_duty_basis basis;
} duty_xduty;

typedef struct duty_xborder_rules {
	int rev;
	shuan_duty_basis counting;
	double warn_ratio;
	duty_xrule exemptions[DUTY_MAX_ITEMS];
	size_t nexemptions;
	duty_xrule triggers[DUTY_MAX_ITEMS];
	size_t ntriggers;
	duty_xthreshold thresholds[DUTY_MAX_ITEMS];
	size_t nthresholds;
	duty_xduty duties[DUTY_MAX_ITEMS * 2];
	size_t nduties;
	struct {
		int years, extension_working_days, extension_years;
		shuan_duty_basis basis;
	} validity;
} duty_xborder_rules;

/* ---- incidents ---- */
typedef enum duty_itest {
	ITEST_DATA_GRADE,
	ITEST_PRODUCTION,
	ITEST_HOURS,
	ITEST_LOSS,
	ITEST_PEOPLE,
	ITEST_CII_OUTAGE
} duty_itest;

typedef struct duty_band {
	shuan_incident_level level;
	int grades[4];
	size_t ngrades;
	int default_for[4];
	size_t ndefault_for;
	int threat;                           /* -1: none */
	int impact;                           /* -1: none */
	double at_least;                      /* -1: none */
	int64_t pi_at_least, spi_at_least;    /* -1: none */
	double whole_at_least, main_at_least; /* -1: none */
	bool unverified;
	const char *note;
} duty_band;

typedef struct duty_criterion {
	const char *rule, *title;
	duty_itest test;
	int domains[4];
	size_t ndomains; /* 0: any domain */
	int types[6];
	size_t ntypes; /* 0: any type */
	shuan_duty_basis basis;
	duty_band bands[DUTY_MAX_BANDS];
	size_t nbands;
} duty_criterion;

typedef struct duty_ideadline {
	const char *rule, *step, *title, *party;
	int actors[8];
	size_t nactors;
	char actor_list[128];
	int chain[8];  /* the step exists only when the facts' role is one of these */
	size_t nchain; /* 0: in every reporting chain */
	shuan_incident_level min_level;
	bool from_response_end;          /* else from discovery */
	int minutes, working_days, days; /* one of them >= 0 */
	const char *done_by[4];
	size_t ndone_by;
	shuan_duty_basis basis;
} duty_ideadline;

typedef struct duty_regime {
	const char *id, *title;
	int rev;
	shuan_date effective;
	int domains[4];
	size_t ndomains;
	struct {
		const char *zh, *response, *warning;
	} levels[4]; /* by shuan_incident_level */
	bool has_levels;
	shuan_duty_basis level_basis;
	duty_criterion criteria[DUTY_MAX_ITEMS];
	size_t ncriteria;
	shuan_incident_level default_level;
	shuan_duty_basis default_basis;
	duty_ideadline deadlines[DUTY_MAX_ITEMS];
	size_t ndeadlines;
} duty_regime;

/* ---- periodic duties ---- */
typedef enum duty_schedule {
	SCHED_EVERY_MONTHS,
	SCHED_YEARLY_ON,
	SCHED_ONGOING,
	SCHED_PERIODIC,
	SCHED_ASSESSMENTS,
	SCHED_INCIDENT_SUMMARIES,
	SCHED_PROVISION_RECORDS,
} duty_schedule;

typedef struct duty_periodic {
	const char *id, *title, *party;
	duty_conds when;
	duty_schedule schedule;
	int months;           /* every_months / provision_records */
	int on_month, on_day; /* yearly_on */
	shuan_duty_basis basis;
} duty_periodic;

/* ---- calendar ---- */
typedef struct duty_cal_year {
	int year;
	bool unverified;
	unsigned char holiday[366], working[366]; /* by day of year, 0-based */
	char file[512];
} duty_cal_year;

typedef struct duty_people_rules {
	const char *identifiers[32];
	size_t nidentifiers;
	int64_t candidate_at_least;
	shuan_duty_basis candidate;
} duty_people_rules;

struct shuan_duty_rules {
	shuan_yaml docs[DUTY_MAX_DOCS];
	size_t ndocs;
	char dir[4096]; /* the rules directory */
	duty_xborder_rules xb;
	duty_people_rules people;
	duty_regime regimes[2]; /* [0] miit, [1] cac */
	duty_periodic duties[DUTY_MAX_DUTIES];
	size_t nduties;
	int duties_rev;
	duty_cal_year *years; /* sorted by year */
	size_t nyears;
};

/* Index of a regime by id ("miit", "cac"), or -1. */
int shuan_duty__regime_index(const char *id);

/* Loads rules/calendar/ into r (calendar.c). */
int shuan_duty__calendar_load(shuan_duty_rules *r, const char *dir, char *err, size_t errlen);
void shuan_duty__calendar_free(shuan_duty_rules *r);

/* shuan_duty_add_working_days() that names the year it missed in *missing. */
int shuan_duty__add_wd(const shuan_duty_rules *r, shuan_date d, int n, shuan_date *out, int *missing,
                       char *err, size_t errlen);
/* The same for a deadline judged as of `as_of`: a missing year whose
 * holidays cannot be published yet (shuan_duty_calendar_expected() false)
 * is not an error: returns 0 with *pending set and the reason in err. */
int shuan_duty__working_days(const shuan_duty_rules *r, shuan_date d, int n, const shuan_time *as_of,
                             shuan_date *out, bool *pending, char *err, size_t errlen);

/* The day an extension window of n working days before `last` (the last
 * valid day, counted when it is a working day) opens; pending as above. */
int shuan_duty__extension_window(const shuan_duty_rules *r, shuan_date last, int n, const shuan_time *as_of,
                                 shuan_date *opens, bool *pending, char *err, size_t errlen);

/* Parses a `when:`/`all:` list of conditions with the engine's tests;
 * `owner` is the basis a condition inherits. */
int shuan_duty__conds_parse(shuan_yaml *y, const shuan_yaml_node *seq, const char *key,
                            const duty_test_def *tests, const shuan_duty_basis *owner, duty_conds *out);

/* Parses rule:/article:/cites:/unverified:/note: of map m into *b. */
int shuan_duty__basis_parse(shuan_yaml *y, const shuan_yaml_node *m, shuan_duty_basis *b);

/* The engines' test tables (terminated by a NULL name). */
extern const duty_test_def shuan_duty__xborder_tests[];
extern const duty_test_def shuan_duty__duties_tests[];

/* Names of the incident enumerations (NULL-terminated). */
extern const char *const shuan_duty__types[],
    *const shuan_duty__grades[], *const shuan_duty__domains[], *const shuan_duty__roles[],
                                                                   *const shuan_duty__regimes[],
                                                                       *const shuan_duty__threats[],
                                                                           *const shuan_duty__impacts[],
                                                                               *const shuan_duty__scopes[];

/* Index of s in a NULL-terminated list, or -1. */
int shuan_duty__index(const char *const *names, const char *s);

/* Writes n with thousands separators ("1,000,000"). */
void shuan_duty__group(int64_t n, char *buf, size_t len);

/* Escapers shared by the writers. */
void shuan_duty__md(FILE *f, const char *s);   /* Markdown table cell: | and newlines */
void shuan_duty__html(FILE *f, const char *s); /* HTML text */
/* Text for a terminal: control characters shown as '?' (values are the
 * user's own, but a stray escape must not reach the terminal). */
void shuan_duty__text(FILE *f, const char *s);

/* The size of a note of a result (xborder, incident). */
#define SHUAN_DUTY_NOTE 288

/* A basis in Markdown: the article, (`cites`), **[UNVERIFIED]**, and the note when asked. */
void shuan_duty__md_basis(FILE *f, const shuan_duty_basis *b, bool with_note);
/* The end of a text / Markdown result: its notes, the [UNVERIFIED] legend when
 * something rests on an unverified fact, and the error. */
void shuan_duty__text_footer(FILE *f, const char (*notes)[SHUAN_DUTY_NOTE], size_t n, bool unverified,
                             const char *error, bool color);
void shuan_duty__md_notes(FILE *f, const char (*notes)[SHUAN_DUTY_NOTE], size_t n, bool unverified,
                          const char *error);
/* ANSI colours of the text writers (only on a terminal that wants them). */
#define DUTY_RED "\033[31m"
#define DUTY_YELLOW "\033[33m"
#define DUTY_GREEN "\033[32m"
#define DUTY_BOLD "\033[1m"
#define DUTY_RESET "\033[0m"

/* Writes a basis as JSON fields ("rule":…,"article":…,"cites":…,"unverified":…,"note":…). */
void shuan_duty__json_basis(FILE *f, const shuan_duty_basis *b);
/* " (规定 第八条) [UNVERIFIED]" style suffix for text and Markdown. */
void shuan_duty__text_basis(FILE *f, const shuan_duty_basis *b);

/* Prepares sql on the store's database; on failure writes "store: reason"
 * into err and returns SHUAN_ESTORE. */
struct sqlite3;
struct sqlite3_stmt;
int shuan_duty__prepare(struct sqlite3 *db, const char *sql, struct sqlite3_stmt **st, char *err,
                        size_t errlen);

/* Facts in the store: writes f as YAML facts text (parseable by
 * shuan_incident_facts_parse) into b. */
int shuan_duty__facts_yaml(const shuan_incident_facts *f, shuan_buf *b);

#endif
