/*
 * lib/validate/validate.h - the validator contract.
 *
 * Patterns (rules/detectors/<id>.yaml) only propose candidates; a validator, a C
 * function named by the rule's `validator:` key, decides. Validators are
 * listed in one registration table (validate.c, shuan_validators[]), each
 * with a name, a one-line description and a doc URL (style guide 11).
 *
 * A validator receives the whole buffer being scanned plus a candidate span
 * [r->start, r->end) that the matcher proposed. It may NARROW the span (e.g.
 * "password=hunter2" -> "hunter2", "客户张伟先生" -> "张伟") but never widen
 * it beyond the proposed span. It returns true to accept, false to reject,
 * and sets r->confidence (0..1, before the engine adds context) and any
 * attributes it derived. Digit/alnum boundary checks ("an 18-digit id inside
 * a 25-digit number is not an id") are done by the engine before the
 * validator is called, on the proposed span; validators that narrow a span
 * re-check boundaries themselves if it matters.
 *
 * Validators are pure functions of their inputs and the read-only tables in
 * shuan_vdata: thread-safe, no allocation, no I/O, never print.
 */
#ifndef SHUAN_LIB_VALIDATE_H
#define SHUAN_LIB_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/dict.h"

/* Read-only data tables the validators consult; loaded from rules/data/. Any
 * table may be NULL (e.g. in a unit test), in which case the check that needs
 * it is skipped, never failed. */
typedef struct shuan_vdata {
	const shuan_dict *divisions;       /* gb2260.tsv: 6-digit code -> name (current + historic) */
	const shuan_dict *division_names;  /* division_names.txt: province/city/county names, with and without suffix */
	const shuan_dict *townships;       /* townships.tsv: township names (乡/镇/苏木/街道) -> county codes */
	const shuan_dict *mobile_prefixes; /* mobile_prefixes.tsv: 3- or 4-digit prefix -> carrier */
	const shuan_dict *area_codes;      /* area_codes.tsv: "10", "21", "755", "571"… (no leading 0) -> city */
	const shuan_dict *iins;            /* bank_iin.tsv: 6-digit (or shorter) IIN prefix -> issuer */
	const shuan_dict *surnames;        /* surnames.txt: single and compound surnames */
	const shuan_dict *weak_passwords;  /* common_passwords.txt */
	const shuan_dict *password_words;  /* password_words.txt: service, product and dictionary words */
	const shuan_dict *name_stopwords;  /* name_stopwords.txt: words/chars a person name never contains */
	int scan_year, scan_month, scan_day; /* "today" for age / future-date checks */
	/* from rules/sensitivity.yaml */
	int weak_password_min_len;         /* shorter passwords are weak */
	int precise_location_decimals;     /* >= this many decimals is precise */
	int minor_age;                     /* holders younger than this are minors */
	char minor_spi_category[96];       /* the sensitive-PI category a minor's findings get */
} shuan_vdata;

/* Loads the tables of <rules_dir>/data into *d (gb2260.tsv, division_names.txt,
 * townships.tsv, mobile_prefixes.tsv, area_codes.tsv, bank_iin.tsv, surnames.txt,
 * common_passwords.txt, password_words.txt, name_stopwords.txt) and the thresholds of
 * <rules_dir>/sensitivity.yaml. The scan date is left to the caller. Every table must exist: a missing one returns SHUAN_ENOTFOUND
 * (a silently absent table would loosen validation). On failure the tables
 * already loaded are freed, *d's table pointers are NULL and errbuf names the
 * file. The loaded tables are owned by *d until shuan_vdata_free(). */
int shuan_vdata_load(shuan_vdata *d, const char *rules_dir, char *errbuf, size_t errlen);

/* Frees the tables loaded by shuan_vdata_load and sets them to NULL. NULL is a no-op. */
void shuan_vdata_free(shuan_vdata *d);

/*
 * A detector's named word lists (its rule file's `words:` mapping): cue
 * words, titles, markers, the letters of a format. They live in the rule so
 * each fact is written once; the rule's patterns use them as {name} and its
 * validator reads them here. Words are kept longest first.
 */
typedef struct shuan_wordlist {
	const char *name;
	const char *const *v;
	size_t n;
	/* Set by shuan_wordlist_index(): the words' first two bytes, 6 low bits
	 * each (exact for the 3-byte UTF-8 of Han characters), and the first
	 * bytes of one-byte words, so that the many offsets no word starts at
	 * are ruled out by one bit. */
	bool indexed;
	uint64_t lead2[64];
	uint64_t lead1[4];
	uint64_t first[4]; /* every word's first byte */
} shuan_wordlist;

typedef struct shuan_words {
	const shuan_wordlist *lists;
	size_t n;
} shuan_words;

/* Builds l's lead-byte index (after its words are final). */
void shuan_wordlist_index(shuan_wordlist *l);

/* The list called `name`, or an empty list (never NULL; words may be NULL). */
const shuan_wordlist *shuan_words_get(const shuan_words *w, const char *name);
/* shuan_words_at() past the first-byte test. */
size_t shuan_words__at(const shuan_wordlist *l, const char *s, size_t n);

/* Bytes of the longest word of l that s[0..n) starts with, or 0. Validators
 * ask at every byte of a span, and no word starts at most of them (inside a
 * character, or with a byte no word has first): that is answered here,
 * without a call. */
static inline size_t shuan_words_at(const shuan_wordlist *l, const char *s, size_t n)
{
	unsigned char b = n ? (unsigned char)s[0] : 0;
	if (!n || (l->indexed && !((l->first[b >> 6] >> (b & 63)) & 1)))
		return 0;
	return shuan_words__at(l, s, n);
}
/* The same, ASCII letters compared case-insensitively. */
size_t shuan_words_at_icase(const shuan_wordlist *l, const char *s, size_t n);

/* Attributes a validator may derive. Zero-initialised by the engine. */
typedef struct shuan_vresult {
	size_t start, end;          /* in/out: the value's span within the buffer */
	const shuan_words *words;   /* in: the detector's word lists */
	bool field_mode;            /* in: true when [start,end) is a whole CSV cell / JSON
	                             * value whose column or key is named like one of the
	                             * detector's `fields` (e.g. a bare "张三" under 姓名),
	                             * false when a pattern proposed the span */
	double confidence;          /* out: 0..1 before context is applied */
	/* cn_resident_id */
	int birth_year, birth_month, birth_day; /* 0 when unknown */
	char sex;                   /* 'M', 'F' or 0 */
	int age;                    /* on the scan date; -1 unknown */
	bool minor_under_14;
	/* credential */
	bool weak_password;
	/* geo_coordinate */
	int precision;              /* decimal places of the less precise coordinate */
	bool precise;               /* precision >= precise_location_decimals */
	/* free-form sub-kind, e.g. "legacy_15", "hk_macao_tw_residence_permit",
	 * "aws_access_key", "jdbc_url", "private_key", "jwt", "unionpay", "visa". */
	char kind[32];
	/* out, field mode: what the pattern mode would answer for exactly
	 * [from, to) (the cell without its white space), when the validator
	 * knows it without asking again: accepted, with the span [start, end)
	 * and this result's kind, confidence and attributes. to == 0: not
	 * known. The scanner reuses it for a candidate on exactly that span
	 * (chunk.c), which spares the second validation of an accepted cell. */
	struct {
		size_t from, to, start, end;
	} as_pattern;
} shuan_vresult;

typedef bool (*shuan_validate_fn)(const shuan_vdata *d, const char *buf, size_t len,
				  shuan_vresult *r);

/* How a finding shows its value when not revealed (scan/evidence.c): the
 * validator's row gives the default, a rule's `evidence:` key overrides it. */
typedef enum { EVIDENCE_GENERIC, EVIDENCE_EMAIL, EVIDENCE_SECRET, EVIDENCE_NAME, EVIDENCE_ADDRESS } evidence_style;

typedef struct shuan_validator {
	const char *name;    /* the rules' `validator:` value */
	const char *desc;    /* one line, English */
	const char *doc_url; /* the standard or docs page it implements */
	shuan_validate_fn fn;
	evidence_style evidence; /* the default evidence mask of its findings */
	const char *words;       /* the word lists its rule must define, space-separated, or NULL */
	/* A span it refuses in field mode it refuses in pattern mode too (the
	 * address: the same street check, a chain of one level or more
	 * instead of two), so the scanner need not ask twice. */
	bool field_covers_pattern;
} shuan_validator;

/* The registration table, terminated by an entry with name == NULL. */
extern const shuan_validator shuan_validators[];

/* Looks a validator up by name; NULL when unknown. */
const shuan_validator *shuan_validator_find(const char *name);

/*
 * Field validators: used when a CSV column or JSON key is named like the
 * detector's field cues (e.g. a column "姓名"), the whole cell value is offered
 * to the detector's validator with the span set to the trimmed cell. Same
 * contract as above.
 */

/* Helpers shared by validators and tests. */
bool shuan_luhn_ok(const char *digits, size_t n);          /* all chars must be digits */
int shuan_id_check_char(const char *first17);              /* GB 11643 MOD 11-2: returns '0'..'9' or 'X' */
int shuan_uscc_check_char(const char *first17);            /* GB 32100: returns the check char, or -1 on a bad char */
bool shuan_date_valid(int y, int m, int d);                 /* a real Gregorian date */

#endif
