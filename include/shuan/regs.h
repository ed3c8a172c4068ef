/*
 * shuan/regs.h - the regulation knowledge base: the catalogue of laws, rules
 * and standards (the YAML files in rules/regs/ plus the user's additions in the store),
 * full-text search, timeline and monthly digests, the citation check that
 * ties rules to catalogue ids, and ingestion of digest articles.
 *
 * Lifecycle: shuan_regs_open() loads the bundled catalogue from a rules
 * directory; shuan_regs_load_store() optionally merges the entries a user
 * added with `regs ingest --apply`; shuan_regs_free() releases everything.
 * Entries, strings and arrays returned by accessors are borrowed from the
 * handle and stay valid until shuan_regs_free() (or the next
 * shuan_regs_load_store(), which may add entries).
 *
 * Thread safety: a loaded handle may be read (get, title, check_ids, at,
 * count) from several threads at once. Search, timeline, digest, ingest,
 * load_store and scan_citations mutate internal state (the lazily built
 * search index, the error message): call them from one thread at a time.
 *
 * Errors: functions return 0 or a negative SHUAN_E* code and keep a message
 * on the handle (shuan_regs_errmsg()).
 */
#ifndef SHUAN_REGS_H
#define SHUAN_REGS_H

#include <stddef.h>

#include "shuan/common.h"
#include "shuan/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shuan_regs shuan_regs;

/* One dated fact. Sources may disagree: an entry then carries one date per
 * claim, each with the sources that reported it. */
typedef struct shuan_regs_date {
	const char *date;           /* "YYYY-MM-DD", "YYYY-MM" or "YYYY" */
	const char *const *sources; /* source ids (sources.yaml or the store) */
	size_t nsources;
	const char *note; /* e.g. "公布", "成文日期"; NULL if none */
} shuan_regs_date;

/* A typed link to another entry. Types: draft_of, final_of, supersedes,
 * superseded_by, implements, amends, related. */
typedef struct shuan_regs_relation {
	const char *type;
	const char *target; /* a catalogue id */
} shuan_regs_relation;

/* One instrument. Optional strings are NULL when unknown. */
typedef struct shuan_regs_entry {
	const char *id;         /* stable lowercase ASCII slug */
	const char *title;      /* official Chinese title (or English for foreign texts) */
	const char *title_en;   /* optional English title */
	const char *doc_number; /* 文号 or standard number, optional */
	const char *status; /* 现行有效, 征求意见稿, 试行, 草案, 已废止, 已被替代, 立项 */
	const char *level;   /* 法律, 行政法规, 部门规章, 规范性文件, 国家标准, ... */
	const char *region;  /* 全国, a province or city, 国际 */
	const char *summary; /* our own words */
	const char *notes;   /* optional */
	const char *const *aliases;
	size_t naliases;
	const char *const *issuers;
	size_t nissuers;
	const shuan_regs_date *issued;
	size_t nissued;
	const shuan_regs_date *effective;
	size_t neffective;
	const char *const *sectors;
	size_t nsectors;
	const char *const *obligations;
	size_t nobligations;
	const shuan_regs_relation *relations;
	size_t nrelations;
	const char *const *sources;
	size_t nsources;
	const char *const *unverified;
	size_t nunverified; /* facts not checked against the official text */
	const char *origin; /* path of the YAML file, or "store:<dir>" */
	int line;           /* line in the YAML file (0 for store entries) */
} shuan_regs_entry;

/* A source (article, official page) that reported entries. */
typedef struct shuan_regs_source {
	const char *id, *title, *publisher, *date, *url; /* all but id optional */
} shuan_regs_source;

/*
 * Loads the catalogue from rules_dir/regs/: every .yaml file holding `entries:`,
 * plus sources.yaml, authorities.yaml and ingest.yaml. Structural errors
 * (bad YAML, duplicate or malformed id, unknown status or level, bad date)
 * fail the load with SHUAN_ERULES and a "file:line: reason" message written
 * to errbuf. On success *out owns the handle (free with shuan_regs_free()).
 * Returns 0, SHUAN_ENOTFOUND (no regs directory), SHUAN_ERULES, SHUAN_ENOMEM,
 * SHUAN_ELIMIT (catalogue larger than the built-in limits) or SHUAN_EIO.
 */
SHUAN_API int shuan_regs_open(shuan_regs **out, const char *rules_dir, char *errbuf, size_t errlen);

/* Frees the handle and everything borrowed from it. NULL is a no-op. */
SHUAN_API void shuan_regs_free(shuan_regs *r);

/* The message of the last failure on this handle ("" if none). Never NULL. */
SHUAN_API const char *shuan_regs_errmsg(const shuan_regs *r);

/*
 * Merges the entries and sources stored by shuan_regs_apply() in store s
 * into the catalogue (bundled ids win on a clash). Creates the store tables
 * if needed. Returns 0, SHUAN_ESTORE or SHUAN_ENOMEM. The store is only
 * borrowed for the call.
 */
SHUAN_API int shuan_regs_load_store(shuan_regs *r, shuan_store *s);

/* Number of entries, and the i-th entry (0 <= i < count) in load order. */
SHUAN_API size_t shuan_regs_count(const shuan_regs *r);
SHUAN_API const shuan_regs_entry *shuan_regs_at(const shuan_regs *r, size_t i);

/* The entry with this id, or NULL. */
SHUAN_API const shuan_regs_entry *shuan_regs_get(const shuan_regs *r, const char *id);

/*
 * Resolves a citation id to its title, for scan reports and `shuan
 * detectors`. Returns the borrowed title, or NULL when the id is dangling.
 * Thread-safe on a loaded handle.
 */
SHUAN_API const char *shuan_regs_title(const shuan_regs *r, const char *id);

/*
 * Checks n citation ids against the catalogue. Writes the indexes of the
 * dangling ones into bad[] (at most badcap of them) and returns how many
 * ids are dangling in total (0 = all resolve). Thread-safe.
 */
SHUAN_API size_t shuan_regs_check_ids(const shuan_regs *r, const char *const *ids, size_t n, size_t *bad,
                                      size_t badcap);

/* The source with this id, or NULL. */
SHUAN_API const shuan_regs_source *shuan_regs_source_get(const shuan_regs *r, const char *id);

/* The date an entry is filed under in timelines: its first issue date, else
 * its first effective date, else NULL. */
SHUAN_API const char *shuan_regs_entry_date(const shuan_regs_entry *e);

/* ---- validation and citations ---------------------------------------- */

/* Called once per problem: where (file, line; line 0 if unknown) and what. */
typedef void (*shuan_regs_problem_fn)(void *ud, const char *file, int line, const char *msg);

/*
 * Cross-checks the loaded catalogue: relation targets and source ids must
 * exist, draft_of/final_of should be mirrored. Calls cb for each problem and
 * returns the number of problems (0 = clean).
 */
SHUAN_API size_t shuan_regs_validate(const shuan_regs *r, shuan_regs_problem_fn cb, void *ud);

/* One `cites:` item found in a rule file. */
typedef struct shuan_regs_citation {
	const char *cited; /* the catalogue id cited */
	const char *rule;  /* the citing rule's `id:` (or the file name) */
	const char *file;
	int line;
} shuan_regs_citation;

/*
 * Scans every .yaml file under rules_dir (recursively, skipping rules_dir/regs)
 * for `cites:` keys (a scalar, a list of scalars, or a list of mappings with
 * `id:`), and records each citation on the handle, replacing earlier scans.
 * Returns 0, SHUAN_ERULES (a rule file is not valid YAML; see errmsg),
 * SHUAN_ELIMIT or SHUAN_ENOMEM. A missing directory is not an error.
 */
SHUAN_API int shuan_regs_scan_citations(shuan_regs *r, const char *rules_dir);

/* The citations recorded by the last scan (borrowed). */
SHUAN_API const shuan_regs_citation *shuan_regs_citations(const shuan_regs *r, size_t *n);

/* ---- search, timeline, digest ---------------------------------------- */

/* Filters; NULL or "" fields are ignored. Dates compare on the entry's
 * timeline date (shuan_regs_entry_date) by prefix, so "2024" and "2024-11"
 * work as bounds. issuer matches a canonical name or any alias in
 * authorities.yaml. */
typedef struct shuan_regs_filter {
	const char *sector, *level, *status, *issuer;
	const char *from, *to; /* inclusive */
} shuan_regs_filter;

/*
 * Full-text search with SQLite FTS5 and the trigram tokenizer over titles,
 * aliases, document numbers, issuers, summaries and obligations, so Chinese
 * needs no segmenter. Whitespace separates terms, all of which must match;
 * terms shorter than three characters fall back to substring matching. An
 * empty query lists every entry that passes the filter. On success *out is a
 * shuan_malloc'ed array of borrowed entries (free it with
 * shuan_regs_list_free()) and *n its length, best match first.
 * Returns 0, SHUAN_EINVAL, SHUAN_ESTORE (SQLite failed) or SHUAN_ENOMEM.
 */
SHUAN_API int shuan_regs_search(shuan_regs *r, const char *query, const shuan_regs_filter *f,
                                const shuan_regs_entry ***out, size_t *n);

/* Entries that pass the filter and have a date, oldest first. Same
 * ownership as shuan_regs_search(). */
SHUAN_API int shuan_regs_timeline(shuan_regs *r, const shuan_regs_filter *f, const shuan_regs_entry ***out,
                                  size_t *n);

/* Frees an array returned by search or timeline. NULL is a no-op. */
SHUAN_API void shuan_regs_list_free(const shuan_regs_entry **list);

typedef enum shuan_regs_format {
	SHUAN_REGS_MD = 0,
	SHUAN_REGS_HTML = 1,
} shuan_regs_format;

/*
 * Writes a digest of month ("YYYY-MM") like the source articles: entries
 * issued that month grouped by sector, then level, and a list of entries
 * taking effect that month. *out is a NUL-terminated shuan_malloc'ed string
 * owned by the caller (free with shuan_regs_string_free()). HTML output is
 * escaped. Returns 0, SHUAN_EINVAL (bad month), SHUAN_ELIMIT or SHUAN_ENOMEM.
 */
SHUAN_API int shuan_regs_digest(shuan_regs *r, const char *month, shuan_regs_format fmt, char **out);

SHUAN_API void shuan_regs_string_free(char *s);

/* ---- ingestion ------------------------------------------------------- */

typedef enum shuan_regs_match {
	SHUAN_REGS_NEW = 0,      /* not in the catalogue */
	SHUAN_REGS_MATCHED = 1,  /* in the catalogue and consistent */
	SHUAN_REGS_CONFLICT = 2, /* in the catalogue, but a date, issuer or status disagrees */
} shuan_regs_match;

/* One candidate instrument found in an article. Optional fields are NULL. */
typedef struct shuan_regs_candidate {
	const char *title;      /* the title as written (trimmed, width-folded) */
	const char *doc_number; /* e.g. "GB/T 43697-2024" or "工信部网安〔2024〕214号" */
	const char *date;       /* issue date, YYYY-MM-DD */
	const char *effective;  /* effective date, YYYY-MM-DD */
	const char *status;     /* catalogue status word, from the title or the text */
	const char *sector;     /* from the section heading it sits under */
	const char *const *issuers;
	size_t nissuers; /* canonical authority names */
	int line;        /* 1-based line in the decoded text */
	int mention;     /* 1 if only referred to (根据《…》), not reported */
	shuan_regs_match match;
	const char *matched_id; /* MATCHED/CONFLICT: the catalogue id */
	const char *conflict;   /* CONFLICT: what disagrees, in words */
} shuan_regs_candidate;

typedef struct shuan_regs_report {
	const char *path;     /* the input name */
	const char *encoding; /* "UTF-8" or "GB18030" */
	const char *format;   /* "markdown", "text" or "html" */
	const char *source_title, *source_date, *source_url,
	    *source_publisher; /* from front matter, may be NULL */
	int year;              /* the year used for dates without one */
	const shuan_regs_candidate *candidates;
	size_t ncandidates;
	size_t nnew, nmatched, nconflicts, nmentions;
} shuan_regs_report;

/*
 * Reads a digest article (Markdown, text or HTML; UTF-8 or GBK/GB18030) and
 * extracts candidate instruments, matched against the catalogue. Candidates
 * with the same normalised title are merged. On success *out owns a report
 * (free with shuan_regs_report_free()). Returns 0, SHUAN_ENOTFOUND/EIO (file),
 * SHUAN_EINVAL (empty input, or no 《title》 found: the report is still
 * returned), SHUAN_EBINARY (binary or undecodable input), SHUAN_ELIMIT (over
 * 16 MiB) or SHUAN_ENOMEM.
 */
SHUAN_API int shuan_regs_ingest_file(shuan_regs *r, const char *path, shuan_regs_report **out);

/* The same on a buffer; name is used as the report's path. */
SHUAN_API int shuan_regs_ingest_buffer(shuan_regs *r, const char *buf, size_t len, const char *name,
                                       shuan_regs_report **out);

SHUAN_API void shuan_regs_report_free(shuan_regs_report *rep);

/*
 * Stores the report's NEW, non-mention candidates in store s as catalogue
 * additions, with the article as their source, and merges them into r.
 * Ids are "ingested-" plus a hash of the normalised title, so applying the
 * same article twice adds nothing. *added (optional) receives the number of
 * entries added. Returns 0, SHUAN_ESTORE or SHUAN_ENOMEM.
 */
SHUAN_API int shuan_regs_apply(shuan_regs *r, shuan_store *s, const shuan_regs_report *rep, size_t *added);

/* ---- text helpers (also used by ingest) ------------------------------ */

/*
 * Writes the match key of a title into out: full-width ASCII folded to
 * half width, letters lower-cased, and whitespace, dashes, quotes, dots and
 * every bracket form (《》〈〉（）()【】〔〕[]) removed, so "GB/T 43697   2024"
 * and "gb/t43697—2024" compare equal. Trailing status suffixes such as
 * （征求意见稿） are kept (drafts and finals are different entries).
 * Returns 0, or SHUAN_ELIMIT when out is too small (out is then truncated
 * at a character boundary).
 */
SHUAN_API int shuan_regs_title_key(const char *title, char *out, size_t outlen);

#ifdef __cplusplus
}
#endif
#endif
