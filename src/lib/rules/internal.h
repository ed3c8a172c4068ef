/*
 * lib/rules/internal.h - the loaded rule set as the scanner sees it.
 */
#ifndef SHUAN_LIB_RULES_INTERNAL_H
#define SHUAN_LIB_RULES_INTERNAL_H

#include "lib/match/matcher.h"
#include "lib/validate/validate.h"
#include "shuan/rules.h"

typedef enum { BOUNDARY_NONE, BOUNDARY_DIGIT, BOUNDARY_ALNUM } boundary_kind;

/* A bounded detector's pattern P is compiled as D(?:P)D (D = one character
 * outside the boundary class), so that a long digit run does not report
 * every shorter run inside it. These bits say which delimiter character the
 * scanner cuts off a match. */
#define PATTERN_TRIM_START 1
#define PATTERN_TRIM_END 2
/* A detector that requires a cue word is compiled as
 * (?:cue|...)(?:gap D)?(?:P)D: Vectorscan then only wakes up near a cue,
 * instead of reporting every 8- or 15-digit run for the scanner to drop.
 * The value starts where the run of boundary-class characters before the
 * end delimiter starts. */
#define PATTERN_TRIM_CUE 4
/* A pattern that opens with a run of Han characters, [\x{4e00}-\x{9fa5}]{m,n}
 * (an address before its road or village marker), is compiled without it:
 * under SOM_LEFTMOST, Vectorscan tracking where such a run starts took two
 * thirds of its instructions on Chinese text. The scanner puts the run back: it
 * moves each match's start back over up to n Han characters and drops the
 * match when fewer than m precede it (shuan_rules->pattern_lead). */
#define PATTERN_TRIM_LEAD 8
/* A digit run [0-9]{a,b} right after that Han run, before a non-ASCII
 * literal (科技园12号: the number before a unit word), is compiled away with
 * it and put back the same way, digits first: a pattern that opened with
 * digits made Vectorscan track a start at every digit of the input (a
 * quarter of its instructions on a customer table). */
/* A pattern [C]+@R whose class C and rest R hold no @ (the e-mail
 * address) is matched without start tracking: every match's @ is the last
 * one before its end, and its leftmost start is where the run of C before
 * that @ begins, which the scanner walks back to (at_run: C as a bitmap of
 * ASCII bytes). Tracking where such a run starts cost Vectorscan a tenth of
 * its instructions on a table with no e-mail address in it. */
#define PATTERN_TRIM_AT 16
typedef struct pattern_lead {
	unsigned char min, max;         /* Han characters, as in the pattern's {m,n} */
	unsigned char digit_min, digit_max; /* digits after them ({a,b}), 0 when none */
	uint64_t at_run[2];             /* PATTERN_TRIM_AT: the bytes of C */
} pattern_lead;
typedef enum { NORM_RAW, NORM_ALNUM_UPPER, NORM_LOWER } normalize_kind;

typedef struct shuan_strlist {
	char **v;
	size_t n;
} shuan_strlist;

typedef struct shuan_detector {
	shuan_detector_info info;
	const shuan_validator *validator;
	shuan_strlist patterns;
	shuan_strlist cites;
	shuan_strlist cues;
	shuan_strlist anti_cues; /* words that say "this is something else" (订单号, trace_id, 身份证) */
	shuan_strlist fields;         /* normalised: lower case, no spaces/_/- */
	shuan_strlist strip_prefixes; /* removed from the normalised value before fingerprinting */
	char *spi_when_precise;
	bool caseless;
	bool require_cue;
	bool field_mode;
	boundary_kind boundary;
	normalize_kind normalize;
	evidence_style evidence; /* how findings show the value (masked) */
	int window;
	double confidence;
	double cue_boost;
	char *file; /* the YAML file it came from */
	shuan_words words;           /* its named word lists, for patterns and validator */
	shuan_wordlist *wordlists;   /* owned storage behind words */
	shuan_strlist *wordstore;
	size_t n_wordlists;
} shuan_detector;

struct shuan_rules {
	shuan_detector *dets; /* selected detectors, in id order */
	size_t n;
	unsigned *pattern_det; /* matcher pattern index -> detector index */
	unsigned char *pattern_trim; /* PATTERN_TRIM_* bits: delimiters to cut off the match */
	pattern_lead *pattern_lead;  /* PATTERN_TRIM_LEAD: the Han run to put back */
	unsigned *pattern_width;     /* a bounded pattern reported without its start: the
				      * bytes of its value (shuan_matcher_width, copied so
				      * the match callback makes no call for it), else 0 */
	size_t n_patterns;
	shuan_matcher *matcher;
	shuan_vdata vdata;     /* tables owned here (shuan_vdata_load) */
	bool any_field_mode;
	shuan_matcher_cache cache; /* what the compiled-patterns cache did (cache.dir borrowed during load) */
	unsigned char digest[32];  /* SHA-256 of the selected detector files (the cache key's salt) */
};

/* One detector file into *d (detector.c); on failure *d may be partly
 * filled: shuan_detector__free() it either way. */
int shuan_detector__load(const char *path, shuan_detector *d, char *errbuf, size_t errlen);
void shuan_detector__free(shuan_detector *d);
int shuan_strlist__push(shuan_strlist *l, const char *s, size_t len);
void shuan_strlist__free(shuan_strlist *l);

/* Compiles the selected detectors' patterns into r->matcher (compile.c),
 * through the cache in r->cache.dir when it is set. */
int shuan_rules__compile(shuan_rules *r, shuan_matcher_kind kind, char *errbuf, size_t errlen);
/* The index in r->dets of detector `id`, or -1. */
long shuan_rules__index(const shuan_rules *r, const char *id);

/* shuan_rules_load() with a chosen matcher (tests cross-check the reference
 * matcher against Vectorscan). */
int shuan_rules__load(shuan_rules **out, const char *dir, const shuan_rules_options *opts, shuan_matcher_kind kind,
		      char *errbuf, size_t errlen);

/* Normalises a field name for comparison: ASCII lower case, drops ' ', '_',
 * '-', '.'; writes at most cap-1 bytes. Returns the length. */
size_t shuan_field_normalise(const char *in, size_t len, char *out, size_t cap);

/* Whether the detector lists this (already normalised) field name. */
bool shuan_detector_has_field(const shuan_detector *d, const char *norm_field);

#endif
