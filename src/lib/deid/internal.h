/*
 * lib/deid/internal.h - de-identification internals shared by the files of
 * lib/deid/: actions and their parameters, the policy, the compiled
 * masker, the per-thread worker with its crypto contexts, and the
 * interfaces between the stream pipeline and the format rewriters.
 *
 * Data flow of one input (stream.c): bytes -> (decoder to UTF-8) -> blocks
 * of whole records -> per block, in a worker: the scanner's findings, then
 * the format's rewriter (csv.c, json.c, text in stream.c) which asks
 * apply.c for the replacement of each value -> output blocks in input order
 * -> (encoder back to the input's encoding) -> temporary file -> rename.
 */
#ifndef SHUAN_LIB_DEID_INTERNAL_H
#define SHUAN_LIB_DEID_INTERNAL_H

#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/deid/csv.h"
#include "lib/deid/encode.h"
#include "lib/deid/kanon.h"
#include "lib/rules/internal.h"
#include "lib/validate/validate.h"
#include "shuan/deid.h"
#include "util/buf.h"
#include "util/dict.h"

/* ---- actions ---- */

typedef enum deid_kind {
	ACT_KEEP = 0,
	ACT_REDACT,
	ACT_PARTIAL,
	ACT_GENERALIZE,
	ACT_PSEUDONYMIZE,
	ACT_ENCRYPT,
	ACT_SURROGATE,
} deid_kind;

/* What a value is, for the actions whose output depends on it. Named in a
 * policy's `type:` by the validator names (and date, age, postcode, text). */
typedef enum deid_vtype {
	VT_AUTO = 0, /* from a finding covering the value, else the action's generic form */
	VT_RESIDENT_ID,
	VT_MOBILE,
	VT_LANDLINE,
	VT_EMAIL,
	VT_BANK_CARD,
	VT_USCC,
	VT_NAME,
	VT_ADDRESS,
	VT_COORDINATE,
	VT_IPV4,
	VT_IMEI,
	VT_DATE,
	VT_AGE,
	VT_POSTCODE,
	VT_TEXT,
	VT_SECRET, /* passwords, keys, tokens: nothing of them may stay */
	VT_OTHER,  /* a detector of a kind no action knows specifically */
} deid_vtype;

/* generalize targets */
typedef enum deid_gen {
	GEN_DEFAULT = 0,
	GEN_YEAR,        /* date -> 1990 */
	GEN_YEAR_MONTH,  /* date -> 1990-05 */
	GEN_YEAR_BAND,   /* date -> 1985-1989 (band years) */
	GEN_AGE_BAND,    /* date or age -> 30-34 (band years, on the reference date) */
	GEN_REGION,      /* address or ID -> province/city/county (level) */
	GEN_REGION_YEAR, /* ID -> 110105-1990 */
	GEN_DECIMALS,    /* coordinate -> N decimals */
	GEN_PREFIX,      /* postcode -> first N digits, rest '*' */
} deid_gen;

typedef enum deid_level { LEVEL_DEFAULT = 0, LEVEL_COUNTY, LEVEL_CITY, LEVEL_PROVINCE } deid_level;
typedef enum deid_region_keep {
	KEEP_REGION_NONE = 0,
	KEEP_REGION_PROVINCE,
	KEEP_REGION_CITY
} deid_region_keep;
typedef enum deid_on_invalid { INVALID_REDACT = 0, INVALID_KEEP, INVALID_ERROR } deid_on_invalid;

typedef struct deid_action {
	deid_kind kind;
	deid_vtype type;
	/* redact */
	char *tag; /* NULL: the default tag "[<detector id>]" or "[redacted]" */
	/* partial */
	int first, last;   /* characters kept at each end; -1 = the type's default */
	char mask_char[8]; /* one UTF-8 character, default "*" */
	int stars;         /* fixed number of mask characters; -1 = one per hidden character */
	/* generalize */
	deid_gen to;
	int band, decimals, digits, top;
	deid_level level;
	/* pseudonymize */
	int length; /* hex digits */
	char *prefix, *domain;
	/* encrypt */
	bool deterministic;
	/* surrogate */
	bool keep_sex;
	int age_band;
	deid_region_keep keep_region;
	char *email_domain;
	deid_on_invalid on_invalid;
	char spec[96]; /* as written, for the report ("partial:first=3,last=4") */
} deid_action;

/* One parameter as text (from YAML or "a=b,c=d"). */
typedef struct deid_param {
	const char *name;
	const char *value;
} deid_param;

/* Parses an action name and its parameters into *a (freed with
 * deid_action_free). err gets "unknown action 'x'" or "parameter 'y' ...". */
int deid_action_parse(deid_action *a, const char *name, const deid_param *params, size_t n, char *err,
                      size_t errlen);
/* The parameter names `name` accepts (NULL-terminated), NULL for an unknown action. */
const char *const *deid_action_params(const char *name);
/* Parses "ACTION[:p=v,p=v]" (the command-line form). */
int deid_action_parse_spec(deid_action *a, const char *spec, char *err, size_t errlen);
void deid_action_free(deid_action *a);
/* Deep copy. Returns 0 or SHUAN_ENOMEM. */
int deid_action_copy(deid_action *dst, const deid_action *src);
bool deid_action_needs_key(const deid_action *a);
/* The vtype a validator's findings have (VT_OTHER for unknown ones). */
deid_vtype deid_vtype_of_validator(const char *validator);
/* A policy `type:` name; VT_AUTO when unknown (returns -1). */
int deid_vtype_parse(const char *name, deid_vtype *out);
const char *deid_vtype_name(deid_vtype t);

/* ---- policy ---- */

typedef enum deid_rule_kind { RULE_DETECTOR = 0, RULE_COLUMN, RULE_PATH, RULE_FIELD } deid_rule_kind;

typedef struct deid_rule {
	deid_rule_kind kind;
	char *key; /* detector id, column name or JSON path */
	deid_action act;
	char where[160]; /* "policy.yaml:12:5" or "--action" */
} deid_rule;

typedef struct deid_kanon {
	bool on;
	uint64_t k;
	double max_suppression; /* 0..1; only reported against */
	char **qi;              /* column names */
	size_t nqi;
	char where[160];
} deid_kanon;

struct shuan_policy {
	shuan_vec rules; /* deid_rule */
	deid_action def; /* for findings of detectors without a rule */
	bool scan;       /* every detector's findings are masked (else only the listed ones) */
	char **scan_ids; /* `scan: [ids]`: the detectors whose findings are masked */
	size_t nscan_ids;
	char scan_where[160];
	deid_kanon kanon;
};

/* ---- keys and crypto ---- */

struct shuan_key {
	unsigned char secret[32];
	unsigned char k_pseudo[32], k_surrogate[32], k_mac[32], k_enc[16];
	unsigned char check_bytes[8];
	char check[SHUAN_KEY_CHECK_LEN];
};

/* HMAC-SM3 with one key, re-initialised per message (one per thread). */
typedef struct deid_mac {
	EVP_MAC_CTX *ctx;
	unsigned char key[32];
	bool keyed;
} deid_mac;

typedef struct deid_crypto {
	EVP_MAC *mac;
	EVP_CIPHER *sm4ctr;
	EVP_CIPHER_CTX *cctx;
	bool cipher_keyed;
	deid_mac pseudo, surrogate, auth;
	const shuan_key *key;
} deid_crypto;

#define DEID_MAC_LEN 32

int deid_crypto_init(deid_crypto *c, const shuan_key *key);
void deid_crypto_free(deid_crypto *c);
/* HMAC-SM3 over the concatenation of up to three parts (b, c may be NULL). */
int deid_mac_run(deid_mac *m, const void *a, size_t an, const void *b, size_t bn, const void *c, size_t cn,
                 unsigned char out[DEID_MAC_LEN]);
/* HMAC-SM3 with an ad-hoc key (key derivation, the DRBG). */
int deid_hmac_once(const unsigned char *key, size_t keylen, const void *a, size_t an, const void *b,
                   size_t bn, unsigned char out[DEID_MAC_LEN]);

/* Encryption tokens: "SM4:" + base64url(header || body). */
#define DEID_TOKEN_PREFIX "SM4:"
#define DEID_TOKEN_PREFIX_LEN 4
/* Appends the token for v[0..n) to out. */
int deid_encrypt(deid_crypto *c, bool deterministic, const char *v, size_t n, shuan_buf *out);
/*
 * Decrypts the token text t[0..n) (without the prefix) into out. Returns 0,
 * 1 when t is not a token at all (leave it), SHUAN_EINVAL with *why set
 * ("another key" / "damaged or altered") for a token that fails.
 */
int deid_decrypt(deid_crypto *c, const char *t, size_t n, shuan_buf *out, const char **why);
/* Length of the base64url run at t (the body of a token). */
size_t deid_token_body_len(const char *t, size_t n);

/* A deterministic random stream from a seed (HMAC-SM3 in counter mode). */
typedef struct deid_drbg {
	deid_mac *mac;
	unsigned char seed[DEID_MAC_LEN];
	unsigned char block[DEID_MAC_LEN];
	uint32_t counter;
	size_t used;
} deid_drbg;
void deid_drbg_init(deid_drbg *d, deid_mac *mac, const unsigned char seed[DEID_MAC_LEN]);
/* Uniform in [0, n) (n > 0), by rejection sampling. */
uint32_t deid_drbg_below(deid_drbg *d, uint32_t n);

/* ---- tables (built once per masker from rules/data) ---- */

typedef struct deid_division {
	char code[7];
	const char *name; /* owned by the rules' gb2260 dict */
	size_t name_len;
} deid_division;

typedef struct deid_name_ix {
	const char *name; /* a division's full or short name */
	size_t len;
	uint32_t code; /* numeric 6-digit code */
	bool short_form;
} deid_name_ix;

typedef struct deid_tables {
	const shuan_vdata *vd;   /* the rules' tables (divisions, prefixes, IINs, surnames, stop words) */
	shuan_dict *given;       /* given_name_chars.txt */
	deid_division *counties; /* current-looking county-level codes (surrogate ID and USCC regions) */
	size_t ncounties;
	deid_name_ix *names; /* division names sorted by bytes, for address parsing */
	size_t nnames;
	size_t max_name_len;
	const char **mobile_prefixes; /* keys of mobile_prefixes.tsv */
	size_t nmobile;
	const char **surnames1, **surnames2; /* single and compound surnames */
	size_t nsurnames1, nsurnames2;
	const char **given_chars;
	size_t ngiven;
	const char **area_codes;
	size_t nareas;
} deid_tables;

int deid_tables_load(deid_tables *t, const shuan_vdata *vd, const char *rules_dir, char *err, size_t errlen);
void deid_tables_free(deid_tables *t);
/* The name of a 6-digit division code, or NULL. */
const char *deid_division_name(const deid_tables *t, uint32_t code, size_t *len);

/* ---- report counts ---- */

typedef struct deid_count {
	char *field; /* column, path (array indices as []) or "" for free text */
	int det;     /* detector index, -1 for a field rule without a finding */
	int rule;    /* index into the masker's rules, -1 = the default action */
	uint64_t count, invalid;
} deid_count;

typedef struct deid_counts {
	shuan_vec v; /* deid_count, unsorted, small */
} deid_counts;

void deid_counts_init(deid_counts *c);
void deid_counts_free(deid_counts *c);
int deid_counts_add(deid_counts *c, const char *field, size_t flen, int det, int rule, bool invalid);
int deid_counts_merge(deid_counts *into, const deid_counts *from);

/* ---- the compiled masker ---- */

typedef struct deid_field_rule {
	const char *key; /* borrowed from the policy */
	const deid_action *act;
	int rule; /* rule index (report) */
	deid_rule_kind
	    kind; /* RULE_COLUMN, RULE_PATH, or RULE_FIELD (--action: a column and a JSON key alike) */
} deid_field_rule;

/* One input's record in the report. */
typedef struct deid_input_report {
	char *path, *output;
	shuan_mask_result res;
	deid_counts counts;
	char **unmatched; /* policy columns/paths this input never matched */
	size_t nunmatched;
} deid_input_report;

struct shuan_masker {
	const shuan_rules *rules;
	const shuan_policy *policy;
	shuan_policy *own_policy; /* the empty policy made when none was given */
	deid_action fallback;     /* redact, for detectors the default action cannot apply to */
	const shuan_key *key;
	shuan_mask_options opt;
	shuan_vdata vd; /* the rules' tables with the reference date */
	deid_tables tabs;
	const deid_action **det_act; /* per detector index: its action, or NULL (not masked) */
	int *det_rule;               /* per detector index: rule index or -1 (default) */
	deid_field_rule *fields;
	size_t nfields;
	shuan_vec inputs; /* deid_input_report */
	char tmpdir[512];
};

/* The reference date for ages: the given one, or today (local time). */
void deid_reference_date(shuan_vdata *vd, int year, int month, int day);
/* The scan options of a masker's scanners (reference date, format, UTF-8, cancel). */
void deid_scan_options(const shuan_masker *m, shuan_format fmt, shuan_scan_options *so);

/* Which field rule applies to a column name / a JSON path; NULL when none. */
const deid_field_rule *deid_masker_column_rule(const shuan_masker *m, const char *name, size_t len);
const deid_field_rule *deid_masker_path_rule(const shuan_masker *m, const char *path);
/* JSON path matching: rule "a.b[*].c" against "a.b[3].c"; a rule also
 * matches everything below it ("address" matches "address.city"). */
bool deid_path_match(const char *rule, const char *path);

/* A finding of the scanner, as the rewriters need it. */
typedef struct deid_find {
	uint64_t start, end; /* offsets within the block (or the stream for JSON documents) */
	int det;             /* detector index in the rules */
} deid_find;

/* Per thread: a scanner, crypto contexts, scratch buffers, local counts. */
typedef struct deid_worker {
	shuan_masker *m;
	shuan_scanner *scanner;
	deid_crypto crypto;
	bool have_crypto;
	shuan_vec finds; /* deid_find, this block's */
	shuan_buf scratch, scratch2, value;
	deid_counts counts;
	uint64_t masked, invalid, suppressed;
	int error; /* first failure (e.g. on_invalid: error, wrong key) */
	char errmsg[256];
	const char *path;       /* the input's display path */
	shuan_vec cellfinds;    /* deid_find: one cell's findings in its value's coordinates */
	deid_csv_cell *cells;   /* CSV_MAX_COLUMNS cells of the record being masked */
	size_t *qs, *qe;        /* per column: the quasi-identifier cell's span in the output */
	deid_encoder enc;       /* UTF-8 to the output's encoding */
	struct deid_json *json; /* JSON Lines tokenizer state */
	/* k-anonymity (kanon.c) */
	deid_kanon_mode kmode;
	shuan_vec tuples;          /* KANON_COUNT: shuan_hash128 of this block's records */
	const deid_classmap *rare; /* KANON_SUPPRESS: the classes below k */
	void *pool;                /* run.c's pool while a run uses this worker */
} deid_worker;

/* A CSV/TSV input's header as masking uses it. */
typedef struct deid_csv_ctx {
	char delim;
	size_t ncols;
	char **names; /* unquoted, trimmed, without a BOM */
	size_t *name_len;
	const deid_field_rule **rules; /* per column, or NULL */
	int *qi;                       /* per column: its place among the quasi-identifiers, or -1 */
	size_t nqi;
	char *header; /* the header record as read, with its line end (scanner priming) */
	size_t header_len;
} deid_csv_ctx;

/* Reads the header from the first record of buf and checks that every
 * column the policy names is there. err names the input and the column. */
int deid_csv_ctx_init(deid_csv_ctx *cx, const shuan_masker *m, const char *path, char delim, const char *buf,
                      size_t len, char *err, size_t errlen);
void deid_csv_ctx_free(deid_csv_ctx *cx);
/* Masks a block of whole records (the first block starts with the header).
 * *records counts data records; on failure *err_line is the line (0-based
 * within the block) and w->errmsg says what. */
int deid_csv_mask_block(deid_worker *w, const deid_csv_ctx *cx, const char *buf, size_t len, bool first,
                        const deid_find *f, size_t nf, shuan_buf *out, uint64_t *records, uint64_t *err_line);
/* k-anonymity for one record whose output is out[rec..]: qs/qe give each
 * quasi-identifier cell's span (SIZE_MAX for none). */
int deid_kanon_record(deid_worker *w, const deid_csv_ctx *cx, shuan_buf *out, size_t rec, const size_t *qs,
                      const size_t *qe);
/*
 * Collects into `into` the findings of f[0..nf) (sorted by start) that
 * overlap [s, e), clipped to it and counted from s; *fi moves past those
 * that end before s (the next call starts there). Findings of detectors the
 * policy does not mask are left out unless `all` (a field rule may still
 * learn its value's type from them).
 */
int deid_finds_in(const deid_worker *w, const deid_find *f, size_t nf, size_t *fi, uint64_t s, uint64_t e,
                  bool all, shuan_vec *into);

/*
 * Rewrites v[0..n): each finding's span (findings in v's coordinates plus
 * base, sorted by start) is replaced by its detector's action; findings
 * that overlap are merged and the first one's action applies to the union.
 */
int deid_rewrite_spans(deid_worker *w, const char *field, size_t flen, const char *v, size_t n, uint64_t base,
                       const deid_find *f, size_t nf, shuan_buf *out);

int deid_worker_init(deid_worker *w, shuan_masker *m);
void deid_worker_free(deid_worker *w);

/*
 * Masks one value: a whole field under a field rule `fr` (det = the
 * detector of a finding covering the whole value, or -1), or a finding's
 * span (fr NULL, det its detector). Appends the replacement (UTF-8, not
 * escaped for any format) to out and counts it under `field`. Returns 0, or
 * a negative code with w->errmsg set (on_invalid: error, a crypto failure).
 */
int deid_mask_value(deid_worker *w, const deid_field_rule *fr, int det, const char *field, size_t flen,
                    const char *v, size_t n, shuan_buf *out);
/*
 * The actions that need no key (keep, redact, partial, generalize) on a
 * trimmed, non-empty value, as deid_mask_value applies them to a field:
 * 0, 1 when the value does not fit (then deid_apply_invalid gives what
 * on_invalid redact or keep writes), or a negative code. The risk
 * lattice uses the same two functions, so its classes are mask's.
 */
int deid_apply_keyless(const deid_tables *tabs, const shuan_vdata *vd, const deid_action *a, deid_vtype t,
                       const char *v, size_t n, shuan_buf *out);
int deid_apply_invalid(const deid_action *a, const char *v, size_t n, shuan_buf *out);

/* Unmask: replaces every encryption token in v[0..n) (appending to out);
 * *changed is set when any was. Returns 0 or SHUAN_EINVAL (another key, damaged). */
int deid_unmask_value(deid_worker *w, const char *field, size_t flen, const char *v, size_t n, shuan_buf *out,
                      bool *changed);

/* ---- actions on values (apply.c, partial.c, generalize.c, surrogate.c) ---- */

/* Result of one action: 0 applied, 1 the value did not fit the action (the
 * caller applies on_invalid), negative on failure. */
int deid_partial(const deid_action *a, deid_vtype t, const char *v, size_t n, shuan_buf *out);
int deid_generalize(const deid_tables *tabs, const shuan_vdata *vd, const deid_action *a, deid_vtype t,
                    const char *v, size_t n, shuan_buf *out);
int deid_surrogate(const deid_tables *tabs, const shuan_vdata *vd, deid_crypto *c, const deid_action *a,
                   deid_vtype t, const char *v, size_t n, shuan_buf *out);
/* Whether surrogate has a generator for this type. */
bool deid_surrogate_supported(deid_vtype t);

/* Address parsing shared by generalize and the risk hierarchies: the
 * province, city and county codes an address names (0 when absent). */
typedef struct deid_place {
	uint32_t province, city, county;
} deid_place;
bool deid_parse_address(const deid_tables *t, const char *v, size_t n, deid_place *out);
/* Appends the place at `level` ("广东省深圳市"). */
int deid_place_write(const deid_tables *t, const deid_place *p, deid_level level, shuan_buf *out);

/* Date parsing: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYYY年M月D日
 * (a time after the date is ignored). */
bool deid_parse_date(const char *v, size_t n, int *y, int *mo, int *d);

/* UTF-8: bytes of the character at s (1 for a stray byte), and character count. */
size_t deid_u8len(const char *s, size_t n);
size_t deid_u8count(const char *s, size_t n);

/* Trims ASCII spaces, tabs and CR at both ends: [*s, *e). */
void deid_trim(const char *v, size_t *s, size_t *e);

#endif
