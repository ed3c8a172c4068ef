/*
 * shuan/incident.h - data security incidents (数据安全事件): grading,
 * reporting deadlines, stored incidents with an append-only timeline, and
 * the report documents.
 *
 * shuan_incident_grade() applies the regimes of rules/duty/incident-miit.yaml and incident-cac.yaml:
 * the MIIT plan (工业和信息化领域数据安全事件应急预案（试行）) and the CAC's
 * 国家网络安全事件报告管理办法 (from 2025-11-01), or both. It gives the level
 * (特别重大/重大/较大/一般) with every criterion matched (the highest wins), the
 * response level I-IV and warning colour, and every deadline as an absolute
 * time in the zone of the discovery, with the party to report to and the
 * article it rests on.
 *
 * Facts are read from YAML (keys: discovered, type, data_grade, pi_people,
 * spi_people, loss_cny, outage_hours, domain, role, regime, response_ended,
 * and shuan's additions title, threat, production_impact, outage_scope and
 * report: {...} for the report documents) or set field by field. Facts hold
 * counts, never a personal value.
 *
 * Thread safety: facts and grades are plain values; a store handle is used
 * by one thread at a time.
 */
#ifndef SHUAN_INCIDENT_H
#define SHUAN_INCIDENT_H

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

typedef enum shuan_incident_level {
	SHUAN_INCIDENT_GENERAL = 0,       /* 一般, response IV, blue */
	SHUAN_INCIDENT_SIGNIFICANT = 1,   /* 较大, response III, yellow */
	SHUAN_INCIDENT_MAJOR = 2,         /* 重大, response II, orange */
	SHUAN_INCIDENT_EXTRAORDINARY = 3, /* 特别重大, response I, red */
} shuan_incident_level;

/* "general", "significant", "major", "extraordinary" and their Chinese names. */
SHUAN_API const char *shuan_incident_level_name(shuan_incident_level l);
SHUAN_API const char *shuan_incident_level_zh(shuan_incident_level l);
/* Parses an English or Chinese level name; returns 0 or SHUAN_EINVAL. */
SHUAN_API int shuan_incident_level_parse(const char *s, shuan_incident_level *out);

/*
 * The enumerations of the facts, each a NULL-terminated list of the names
 * the YAML and the command line accept; a fact holds the index, or -1 when
 * not given.
 */
SHUAN_API const char *const *shuan_incident_enum(const char *key);

/* The narrative fields of the report documents (facts key `report:`). */
#define SHUAN_INCIDENT_REPORT_FIELDS 16
/* Their names, in document order: reporting_unit, contact, contact_phone,
 * system_name, occurred, impact_scope, measures_taken, cause_analysis,
 * next_steps, root_cause, handling_process, damage, accountability,
 * rectification, lessons, notes. */
SHUAN_API const char *shuan_incident_report_field(size_t i);

typedef struct shuan_incident_facts {
	bool has_discovered;
	shuan_time discovered; /* with its zone: deadlines are shown in it */
	int type;              /* tamper, destroy, leak, illegal_acquire, illegal_use */
	int data_grade;        /* core, important, general */
	int64_t pi_people;     /* people whose PI is affected; -1 not given */
	int64_t spi_people;    /* of them, with sensitive PI; -1 not given */
	double loss_cny;       /* direct economic loss; -1 not given */
	double outage_hours;   /* outage or interference; -1 not given */
	int domain;            /* industrial, telecom, radio, other */
	int role;              /* processor, ciio, central_organ, support_body, local_regulator,
	                        * mechanism, provincial_cac, protection_department */
	int regime;            /* miit, cac, both; -1: by domain and date */
	int threat;            /* particularly_serious, serious, relatively_serious, some */
	int production_impact; /* large_scale, fairly_large, partial, minor */
	int outage_scope;      /* whole, main_function */
	bool has_response_ended;
	shuan_time response_ended;
	const char *title;
	const char *report[SHUAN_INCIDENT_REPORT_FIELDS];
	void *internal; /* the documents the strings come from */
} shuan_incident_facts;

/* Empty facts (every field "not given"). */
SHUAN_API void shuan_incident_facts_init(shuan_incident_facts *f);

/*
 * Reads facts from a YAML file, or from YAML text named `name`, on top of
 * what *f already holds (keys present replace earlier values). Returns 0 or
 * SHUAN_EINVAL / SHUAN_ENOTFOUND / SHUAN_EIO with "file:line:column: reason"
 * in errbuf: an unknown key, an unknown enum value, a negative count.
 */
SHUAN_API int shuan_incident_facts_load(shuan_incident_facts *f, const char *path, char *errbuf,
                                        size_t errlen);
SHUAN_API int shuan_incident_facts_parse(shuan_incident_facts *f, const char *name, const char *text,
                                         size_t len, char *errbuf, size_t errlen);
SHUAN_API void shuan_incident_facts_free(shuan_incident_facts *f);

/*
 * Checks facts before grading: discovery time given and not after `as_of`,
 * type and data grade given, spi_people <= pi_people, the response not
 * ending before the discovery. Returns 0 or SHUAN_EINVAL naming the field.
 */
SHUAN_API int shuan_incident_facts_check(const shuan_incident_facts *f, const shuan_time *as_of, char *errbuf,
                                         size_t errlen);

/* A timeline event of a stored incident. Kinds: discovered, phoned,
 * written_report, level_adjusted, response_ended, summary_submitted,
 * facts_updated, note, closed. */
typedef struct shuan_incident_event {
	int64_t id;
	shuan_time at;                  /* when it happened */
	char recorded[SHUAN_TIME_TEXT]; /* when it was written to the store */
	const char *kind;
	const char *detail; /* free text, a level name, or the facts it changed (YAML) */
} shuan_incident_event;

SHUAN_API const char *const *shuan_incident_event_kinds(void);

/* Limits of one grading (the rules loader refuses more). */
#define SHUAN_INCIDENT_MAX_CRITERIA 32
#define SHUAN_INCIDENT_MAX_DEADLINES 32
#define SHUAN_INCIDENT_MAX_NOTES 8

typedef struct shuan_incident_criterion {
	const char *regime; /* "miit", "cac" */
	const char *rule;
	const char *title;
	shuan_incident_level level;
	char detail[224]; /* "10,500,000 people's PI >= 10,000,000" */
	bool assumed;     /* taken from the data grade alone (no threat given) */
	bool reference;   /* its regime was not in force at the discovery: shown for reference */
	shuan_duty_basis basis;
} shuan_incident_criterion;

typedef enum shuan_deadline_status {
	SHUAN_DEADLINE_OPEN = 0, /* due later */
	SHUAN_DEADLINE_DUE_SOON, /* due within the next 24 hours */
	SHUAN_DEADLINE_OVERDUE,  /* due and not done */
	SHUAN_DEADLINE_DONE,     /* a timeline event completed it */
	SHUAN_DEADLINE_PENDING,  /* starts later (when the response ends), or needs holidays not published yet
	                          */
	SHUAN_DEADLINE_UNKNOWN,  /* could not be computed (see reason) */
} shuan_deadline_status;

SHUAN_API const char *shuan_deadline_status_name(shuan_deadline_status s);

typedef struct shuan_incident_deadline {
	const char *regime, *rule, *step, *title, *party;
	const char *actors; /* "processor, ciio" */
	bool yours;         /* the facts' role is one of the actors */
	bool has_due;
	shuan_time due;  /* absolute, in the discovery's zone */
	bool immediate;  /* "立即": due at once */
	bool end_of_day; /* a working-day or calendar-day period: due at the end of that day (China time) */
	shuan_deadline_status status;
	bool has_done;
	shuan_time done_at;
	char reason[320]; /* why it is pending or could not be computed, or "" */
	shuan_duty_basis basis;
} shuan_incident_deadline;

typedef struct shuan_incident_regime_result {
	const char *regime; /* "miit", "cac" */
	const char *title;
	bool in_force; /* the discovery is on or after its effective date */
	shuan_incident_level level;
	shuan_duty_basis level_basis;
} shuan_incident_regime_result;

typedef struct shuan_incident_grade {
	shuan_incident_level level; /* the highest of the regimes (or as adjusted) */
	const char *response;       /* "I".."IV" (MIIT plan 4.1), NULL when only the CAC regime applies */
	const char *warning;        /* "red".."blue" (MIIT plan 3.2), NULL likewise */
	bool adjusted;              /* set by a level_adjusted event */
	shuan_incident_regime_result regimes[2];
	size_t nregimes;
	shuan_incident_criterion criteria[SHUAN_INCIDENT_MAX_CRITERIA];
	size_t ncriteria;
	shuan_incident_deadline deadlines[SHUAN_INCIDENT_MAX_DEADLINES];
	size_t ndeadlines;
	char notes[SHUAN_INCIDENT_MAX_NOTES][288];
	size_t nnotes;
	bool unverified;
	char error[320]; /* a deadline that could not be computed, or "" */
	shuan_time as_of;
} shuan_incident_grade;

/*
 * Grades the facts as of `as_of`; `events` (may be NULL) is the timeline of
 * a stored incident, which marks steps done and may adjust the level.
 * Fills *out (large: allocate it). Returns 0; SHUAN_EINVAL from
 * shuan_incident_facts_check(); SHUAN_ENOTFOUND when a working-day deadline
 * needs a calendar year that is missing (the rest is filled, out->error
 * names the year).
 */
SHUAN_API int shuan_incident_grade_facts(const shuan_duty_rules *rules, const shuan_incident_facts *facts,
                                         const shuan_incident_event *events, size_t nevents,
                                         const shuan_time *as_of, shuan_incident_grade *out, char *errbuf,
                                         size_t errlen);

/* Writes a grading as text (colour when `color`), JSON or Markdown. */
SHUAN_API int shuan_incident_grade_write(FILE *out, const shuan_incident_grade *g,
                                         const shuan_incident_facts *f, shuan_duty_format fmt, bool color);

/* A stored incident: its current facts (the discovery merged with every
 * facts_updated event) and its timeline. */
typedef struct shuan_incident {
	int64_t id;
	char created[SHUAN_TIME_TEXT];
	bool closed;
	shuan_incident_facts facts;
	shuan_incident_event *events;
	size_t nevents;
	void *internal;
} shuan_incident;

/* Stores a new incident with its facts (checked as of `now`) and a
 * `discovered` event; writes its id into *id. */
SHUAN_API int shuan_incident_create(shuan_store *s, const shuan_incident_facts *facts, const shuan_time *now,
                                    int64_t *id, char *errbuf, size_t errlen);

/*
 * Appends an event to incident `id`'s timeline. `kind` is one of
 * shuan_incident_event_kinds(); `detail` is free text (for level_adjusted,
 * a level name; for facts_updated, YAML facts, checked). The timeline is
 * append-only: the store refuses to change or delete an event. A closed
 * incident takes no more events.
 */
SHUAN_API int shuan_incident_append(shuan_store *s, int64_t id, const char *kind, const shuan_time *at,
                                    const char *detail, const shuan_time *now, char *errbuf, size_t errlen);

/* Reads incident `id` (SHUAN_ENOTFOUND when there is none). Release with
 * shuan_incident_free(). */
SHUAN_API int shuan_incident_read(shuan_store *s, int64_t id, shuan_incident *out, char *errbuf,
                                  size_t errlen);
SHUAN_API void shuan_incident_free(shuan_incident *inc);

/* The ids of the stored incidents (open ones only unless `all`), oldest
 * first; release the array with shuan_incident_ids_free(). */
SHUAN_API int shuan_incident_ids(shuan_store *s, bool all, int64_t **ids, size_t *n, char *errbuf,
                                 size_t errlen);
SHUAN_API void shuan_incident_ids_free(int64_t *ids);

/* Writes a stored incident: facts, grade, deadlines and timeline. */
SHUAN_API int shuan_incident_show_write(FILE *out, const shuan_incident *inc, const shuan_incident_grade *g,
                                        shuan_duty_format fmt, bool color);

typedef enum shuan_report_format {
	SHUAN_REPORT_MD = 0,
	SHUAN_REPORT_HTML = 1,
} shuan_report_format;

/*
 * Writes the report document of a stored incident: the initial report
 * (数据安全事件上报, the plan's 附件2) or, with `summary`, the summary report
 * (应急处置工作总结报告, 附件3). The official templates' fields are not
 * known to shuan: the document says it follows shuan's own template, fills
 * what the facts and timeline know, and leaves the rest marked to fill in.
 */
SHUAN_API int shuan_incident_report_write(FILE *out, const shuan_incident *inc, const shuan_incident_grade *g,
                                          bool summary, shuan_report_format fmt);

#ifdef __cplusplus
}
#endif
#endif
