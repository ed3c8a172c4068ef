/*
 * lib/regs/internal.h - what the regs_*.c files share: the handle layout, a
 * bump arena that owns every string of the catalogue, and the text helpers
 * (normalisation, dates, authorities) that ingestion and search both use.
 *
 * Ownership: everything reachable from a shuan_regs handle lives in its
 * arena and is released at once by shuan_regs_free(). Reports from ingestion
 * have their own arena, so a report can outlive later searches.
 */
#ifndef SHUAN_LIB_REGS_INTERNAL_H
#define SHUAN_LIB_REGS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "shuan/regs.h"

/* Limits on what a catalogue or an article may grow to (style guide 9). */
#define REGS_MAX_ENTRIES 20000
#define REGS_MAX_ARENA ((size_t)64 << 20)
#define REGS_MAX_INPUT ((size_t)16 << 20)
#define REGS_MAX_KEY 1024
#define REGS_MAX_CITATIONS 100000
#define REGS_MAX_LIST 64 /* items in one YAML list field */

typedef struct regs_block regs_block;
typedef struct regs_arena {
	regs_block *head;
	size_t total; /* bytes handed out; bounded by REGS_MAX_ARENA */
} regs_arena;

void *shuan_regs__alloc(regs_arena *a, size_t n);
char *shuan_regs__strndup(regs_arena *a, const char *s, size_t n);
char *shuan_regs__strdup(regs_arena *a, const char *s);
void shuan_regs__arena_free(regs_arena *a);

/* An entry plus the match keys ingestion compares titles on. */
typedef struct regs_item {
	shuan_regs_entry e; /* first, so a shuan_regs_entry* converts back */
	char *key;          /* shuan_regs_title_key(title) */
	char *base;         /* key without trailing draft words */
	char **alias_keys;  /* keys of the aliases (e.naliases of them) */
	bool draft;         /* status 征求意见稿/草案/立项 or a draft suffix */
	const char *const *keywords; /* search keywords (the entry's `keywords:`) */
	size_t nkeywords;
} regs_item;

/* Words a search treats as the same (rules/regs/synonyms.yaml): 出境/跨境. */
typedef struct regs_synonyms {
	const char *const *words; /* folded */
	size_t n;
} regs_synonyms;

typedef struct regs_authority {
	const char *name;
	char **keys; /* normalised name and aliases */
	size_t nkeys;
} regs_authority;

typedef struct regs_word {
	const char *word, *value; /* sector keyword -> sector; status word -> status */
} regs_word;

struct shuan_regs {
	regs_arena arena;
	regs_item **items;
	size_t nitems, capitems;
	shuan_regs_source *sources;
	size_t nsources, capsources;
	regs_authority *auths;
	size_t nauths;
	regs_word *sector_words;
	size_t nsector_words;
	regs_word *status_words;
	size_t nstatus_words;
	const char **ignore_keys;
	size_t nignore;
	regs_synonyms *synonyms;
	size_t nsynonyms;
	const char *const *foreign; /* words before an authority's name that make it a foreign body (美国) */
	size_t nforeign;
	regs_word *column_words;    /* table header word -> field (文号 -> doc_number) */
	size_t ncolumn_words;
	shuan_regs_citation *cites;
	size_t ncites;
	regs_arena cite_arena;
	sqlite3 *fts;     /* in-memory FTS5 index, built on first search */
	size_t fts_count; /* entries indexed; rebuilt when items grow */
	char errmsg[512];
};

void shuan_regs__seterr(shuan_regs *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds an item (the arena owns it); computes its keys. Fails with
 * SHUAN_EINVAL on a duplicate id when replace is false. */
int shuan_regs__add(shuan_regs *r, regs_item *it);
/* Computes key/base/alias_keys/draft of an item. */
int shuan_regs__item_keys(shuan_regs *r, regs_item *it);
const regs_item *shuan_regs__find(const shuan_regs *r, const char *id);

/* True when status is a draft-like status (征求意见稿, 草案, 立项). */
bool shuan_regs__is_draft_status(const char *status);
bool shuan_regs__valid_status(const char *s);
bool shuan_regs__valid_level(const char *s);
bool shuan_regs__valid_slug(const char *s);
/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" with a real month/day. */
bool shuan_regs__valid_date(const char *s);

/* ---- norm.c ---- */

/* Folds full-width ASCII and U+3000 to half width and maps dash, bracket and
 * space variants to one form, keeping the text readable (for display and
 * extraction): "（" -> "（" kept, "－" -> "-", NBSP -> space. Writes at most
 * outlen-1 bytes. Returns the bytes written. */
size_t shuan_regs__fold(const char *in, size_t len, char *out, size_t outlen);

/* Strips a trailing draft suffix from a key in place: 征求意见稿,
 * 公开征求意见稿, 草案. Returns true if one was removed. */
bool shuan_regs__strip_draft(char *key);

/*
 * Parses a date starting exactly at s. Accepted: 2024年10月29日 (spaces
 * allowed between parts), 2024.11.08, 2024-03-15, 2024/3/21, 10月29日 and
 * 2 月 23 日 (year = ctx_year), and when allow_md_slash is true a bare M/D (a table cell like
 * "1/19"). Writes "YYYY-MM-DD" into out and the bytes consumed into *used.
 * Returns true on a real date.
 */
bool shuan_regs__parse_date(const char *s, size_t len, int ctx_year, bool allow_md_slash, char out[11],
                            size_t *used);

/* Finds authorities in text[0..len) (longest alias first, non-overlapping)
 * and appends canonical names to names[] (deduplicated, at most cap).
 * Returns the new count. */
size_t shuan_regs__find_authorities(const shuan_regs *r, const char *text, size_t len, const char **names,
                                    size_t n, size_t cap);

/* The canonical authority for a name or alias, or NULL. */
const char *shuan_regs__authority(const shuan_regs *r, const char *name);

/* ---- regs_index.c ---- */
/* Does e pass f? (NULL f passes everything.) Shared with the timeline. */
bool shuan_regs__filter_ok(const shuan_regs *r, const shuan_regs_entry *e, const shuan_regs_filter *f);

/* ---- regs_load.c ---- */
int shuan_regs__load_dir(shuan_regs *r, const char *regs_dir, char *errbuf, size_t errlen);

/* ---- regs_text.c ---- */
typedef struct regs_text {
	char *text; /* UTF-8, NUL-terminated, shuan_malloc'ed */
	size_t len;
	const char *encoding;
	const char *format;
} regs_text;

/* Decodes raw bytes to UTF-8 text (UTF-8, else GB18030 via iconv) and, for
 * HTML, strips tags (block tags become newlines, <td> a " | ") and decodes
 * entities. Returns 0, SHUAN_EINVAL (empty), SHUAN_EBINARY or SHUAN_ENOMEM. */
int shuan_regs__decode(const char *buf, size_t len, regs_text *out);

#endif
