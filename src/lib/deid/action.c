/*
 * lib/deid/action.c - the de-identification actions and their parameters,
 * parsed from a policy's YAML or the command line's "ACTION[:p=v,...]".
 *
 *   keep                                  leave the value (an explicit exception)
 *   redact        tag                     replace by a tag ("" removes the value)
 *   partial       first last char stars type
 *   generalize    type to band level decimals digits top on_invalid
 *   pseudonymize  length prefix domain    keyed HMAC-SM3 token
 *   encrypt       deterministic           SM4 token, reversible with shuan unmask
 *   surrogate     type keep_sex age_band keep_region domain on_invalid
 *
 * Every parameter is checked here, so a typo in a policy is an error when
 * it loads, never a silently ignored setting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "util/alloc.h"

static const char *const P_KEEP[] = {NULL};
static const char *const P_REDACT[] = {"tag", NULL};
static const char *const P_PARTIAL[] = {"first", "last", "char", "stars", "type", NULL};
static const char *const P_GENERALIZE[] = {"type",   "to",  "band",       "level", "decimals",
                                           "digits", "top", "on_invalid", NULL};
static const char *const P_PSEUDO[] = {"length", "prefix", "domain", NULL};
static const char *const P_ENCRYPT[] = {"deterministic", NULL};
static const char *const P_SURROGATE[] = {"type",   "keep_sex",   "age_band", "keep_region",
                                          "domain", "on_invalid", NULL};

static const struct {
	const char *name;
	deid_kind kind;
	const char *const *params;
} ACTIONS[] = {
    {"keep", ACT_KEEP, P_KEEP},
    {"redact", ACT_REDACT, P_REDACT},
    {"partial", ACT_PARTIAL, P_PARTIAL},
    {"generalize", ACT_GENERALIZE, P_GENERALIZE},
    {"pseudonymize", ACT_PSEUDONYMIZE, P_PSEUDO},
    {"encrypt", ACT_ENCRYPT, P_ENCRYPT},
    {"surrogate", ACT_SURROGATE, P_SURROGATE},
};
#define N_ACTIONS (sizeof(ACTIONS) / sizeof(ACTIONS[0]))

/* Value types by name: the validators' names, plus kinds no detector has. */
static const struct {
	const char *name;
	deid_vtype t;
} VTYPES[] = {
    {"cn_resident_id", VT_RESIDENT_ID},
    {"cn_mobile", VT_MOBILE},
    {"cn_landline", VT_LANDLINE},
    {"email", VT_EMAIL},
    {"bank_card", VT_BANK_CARD},
    {"cn_uscc", VT_USCC},
    {"person_name", VT_NAME},
    {"address", VT_ADDRESS},
    {"geo_coordinate", VT_COORDINATE},
    {"ipv4", VT_IPV4},
    {"imei", VT_IMEI},
    {"date", VT_DATE},
    {"birth_date", VT_DATE},
    {"age", VT_AGE},
    {"postcode", VT_POSTCODE},
    {"text", VT_TEXT},
    {"credential", VT_SECRET},
};
#define N_VTYPES (sizeof(VTYPES) / sizeof(VTYPES[0]))

deid_vtype deid_vtype_of_validator(const char *validator)
{
	for (size_t i = 0; validator && i < N_VTYPES; i++)
		if (!strcmp(VTYPES[i].name, validator))
			return VTYPES[i].t;
	return VT_OTHER;
}

int deid_vtype_parse(const char *name, deid_vtype *out)
{
	for (size_t i = 0; i < N_VTYPES; i++)
		if (!strcmp(VTYPES[i].name, name)) {
			*out = VTYPES[i].t;
			return 0;
		}
	return -1;
}

const char *deid_vtype_name(deid_vtype t)
{
	for (size_t i = 0; i < N_VTYPES; i++)
		if (VTYPES[i].t == t)
			return VTYPES[i].name;
	return t == VT_AUTO ? "auto" : "other";
}

const char *const *deid_action_params(const char *name)
{
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (!strcmp(ACTIONS[i].name, name))
			return ACTIONS[i].params;
	return NULL;
}

static bool get_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

static bool get_bool(const char *s, bool *out)
{
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "1"))
		*out = true;
	else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "0"))
		*out = false;
	else
		return false;
	return true;
}

static int choose(const char *s, const char *const *names, int *out)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

void deid_action_free(deid_action *a)
{
	shuan_free(a->tag);
	shuan_free(a->prefix);
	shuan_free(a->domain);
	shuan_free(a->email_domain);
	memset(a, 0, sizeof(*a));
}

int deid_action_copy(deid_action *dst, const deid_action *src)
{
	*dst = *src;
	dst->tag = src->tag ? shuan_strdup(src->tag) : NULL;
	dst->prefix = src->prefix ? shuan_strdup(src->prefix) : NULL;
	dst->domain = src->domain ? shuan_strdup(src->domain) : NULL;
	dst->email_domain = src->email_domain ? shuan_strdup(src->email_domain) : NULL;
	if ((src->tag && !dst->tag) || (src->prefix && !dst->prefix) || (src->domain && !dst->domain) ||
	    (src->email_domain && !dst->email_domain)) {
		deid_action_free(dst);
		return SHUAN_ENOMEM;
	}
	return 0;
}

bool deid_action_needs_key(const deid_action *a)
{
	return a->kind == ACT_PSEUDONYMIZE || a->kind == ACT_ENCRYPT || a->kind == ACT_SURROGATE;
}

static int set_string(char **dst, const char *v)
{
	shuan_free(*dst);
	return (*dst = shuan_strdup(v)) ? 0 : SHUAN_ENOMEM;
}

/* One parameter of action a. Returns 0, SHUAN_EINVAL (err set) or SHUAN_ENOMEM. */
static int set_param(deid_action *a, const char *action, const char *name, const char *v, char *err,
                     size_t errlen)
{
	static const char *const TO[] = {"",         "year",   "year_month",  "year_band",
	                                 "age_band", "region", "region_year", NULL};
	static const char *const LEVELS[] = {"county", "city", "province", NULL};
	static const char *const KEEP_REGION[] = {"none", "province", "city", NULL};
	static const char *const ON_INVALID[] = {"redact", "keep", "error", NULL};
	int x;

	if (!strcmp(name, "tag"))
		return set_string(&a->tag, v);
	if (!strcmp(name, "first") || !strcmp(name, "last")) {
		if (!get_int(v, 0, 64, &x))
			goto bad_int;
		*(name[0] == 'f' ? &a->first : &a->last) = x;
		return 0;
	}
	if (!strcmp(name, "char")) {
		size_t l = strlen(v);
		if (l == 0 || l >= sizeof(a->mask_char) || deid_u8len(v, l) != l) {
			snprintf(err, errlen, "%s: 'char' takes one character", action);
			return SHUAN_EINVAL;
		}
		memcpy(a->mask_char, v, l + 1);
		return 0;
	}
	if (!strcmp(name, "stars")) {
		if (!get_int(v, 1, 64, &a->stars))
			goto bad_int;
		return 0;
	}
	if (!strcmp(name, "type")) {
		if (deid_vtype_parse(v, &a->type) != 0) {
			snprintf(
			    err, errlen,
			    "%s: unknown type '%s' (cn_resident_id, cn_mobile, cn_landline, email, "
			    "bank_card, cn_uscc, "
			    "person_name, address, geo_coordinate, ipv4, imei, date, age, postcode, text)",
			    action, v);
			return SHUAN_EINVAL;
		}
		return 0;
	}
	if (!strcmp(name, "to")) {
		if (choose(v, TO + 1, &x) != 0) {
			snprintf(
			    err, errlen,
			    "%s: 'to' takes year, year_month, year_band, age_band, region or region_year",
			    action);
			return SHUAN_EINVAL;
		}
		a->to = (deid_gen)(x + 1);
		return 0;
	}
	if (!strcmp(name, "band")) {
		if (!get_int(v, 1, 100, &a->band))
			goto bad_int;
		return 0;
	}
	if (!strcmp(name, "level")) {
		if (choose(v, LEVELS, &x) != 0) {
			snprintf(err, errlen, "%s: 'level' takes county, city or province", action);
			return SHUAN_EINVAL;
		}
		a->level = (deid_level)(x + 1);
		return 0;
	}
	if (!strcmp(name, "decimals")) {
		if (!get_int(v, 0, 12, &a->decimals))
			goto bad_int;
		return 0;
	}
	if (!strcmp(name, "digits")) {
		if (!get_int(v, 0, 6, &a->digits))
			goto bad_int;
		return 0;
	}
	if (!strcmp(name, "top")) {
		if (!get_int(v, 1, 200, &a->top))
			goto bad_int;
		return 0;
	}
	if (!strcmp(name, "length")) {
		if (!get_int(v, 8, 52, &a->length))
			goto bad_int;
		return 0;
	}
	if (!strcmp(name, "prefix"))
		return set_string(&a->prefix, v);
	if (!strcmp(name, "domain"))
		return set_string(a->kind == ACT_SURROGATE ? &a->email_domain : &a->domain, v);
	if (!strcmp(name, "deterministic") || !strcmp(name, "keep_sex")) {
		if (!get_bool(v, name[0] == 'd' ? &a->deterministic : &a->keep_sex)) {
			snprintf(err, errlen, "%s: '%s' takes true or false", action, name);
			return SHUAN_EINVAL;
		}
		return 0;
	}
	if (!strcmp(name, "age_band")) {
		if (!get_int(v, 0, 100, &a->age_band))
			goto bad_int;
		return 0;
	}
	if (!strcmp(name, "keep_region")) {
		if (choose(v, KEEP_REGION, &x) != 0) {
			snprintf(err, errlen, "%s: 'keep_region' takes none, province or city", action);
			return SHUAN_EINVAL;
		}
		a->keep_region = (deid_region_keep)x;
		return 0;
	}
	if (!strcmp(name, "on_invalid")) {
		if (choose(v, ON_INVALID, &x) != 0) {
			snprintf(err, errlen, "%s: 'on_invalid' takes redact, keep or error", action);
			return SHUAN_EINVAL;
		}
		a->on_invalid = (deid_on_invalid)x;
		return 0;
	}
	snprintf(err, errlen, "%s: unknown parameter '%s'", action, name);
	return SHUAN_EINVAL;
bad_int:
	snprintf(err, errlen, "%s: '%s' takes a whole number in range (got '%s')", action, name, v);
	return SHUAN_EINVAL;
}

int deid_action_parse(deid_action *a, const char *name, const deid_param *params, size_t n, char *err,
                      size_t errlen)
{
	const char *const *allowed = NULL;
	size_t used;
	int rc;

	memset(a, 0, sizeof(*a));
	a->first = a->last = a->stars = -1;
	a->keep_sex = true;
	a->age_band = 10;
	a->length = 16;
	strcpy(a->mask_char, "*");
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (!strcmp(ACTIONS[i].name, name)) {
			a->kind = ACTIONS[i].kind;
			allowed = ACTIONS[i].params;
		}
	if (!allowed) {
		snprintf(err, errlen,
		         "unknown action '%s' (keep, redact, partial, generalize, pseudonymize, encrypt, "
		         "surrogate)",
		         name);
		return SHUAN_EINVAL;
	}
	used = (size_t)snprintf(a->spec, sizeof(a->spec), "%s", name);
	for (size_t i = 0; i < n; i++) {
		bool ok = false;
		for (size_t k = 0; allowed[k]; k++)
			ok |= !strcmp(allowed[k], params[i].name);
		if (!ok) {
			snprintf(err, errlen, "%s: unknown parameter '%s'%s", name, params[i].name,
			         allowed[0] ? "" : " (it takes none)");
			deid_action_free(a);
			return SHUAN_EINVAL;
		}
		if ((rc = set_param(a, name, params[i].name, params[i].value, err, errlen)) != 0) {
			deid_action_free(a);
			return rc;
		}
		/* the spec names the action as written, for the report */
		if (used < sizeof(a->spec))
			used += (size_t)snprintf(a->spec + used, sizeof(a->spec) - used, "%s%s=%s",
			                         i ? "," : ":", params[i].name, params[i].value);
	}
	if (a->kind == ACT_SURROGATE && a->type != VT_AUTO && !deid_surrogate_supported(a->type)) {
		snprintf(err, errlen,
		         "surrogate: no generator for type '%s' (cn_resident_id, cn_uscc, bank_card, "
		         "cn_mobile, cn_landline, person_name, email, ipv4, imei)",
		         deid_vtype_name(a->type));
		deid_action_free(a);
		return SHUAN_EINVAL;
	}
	return 0;
}

int deid_action_parse_spec(deid_action *a, const char *spec, char *err, size_t errlen)
{
	char buf[512], name[64];
	deid_param params[16];
	size_t n = 0;
	const char *colon = strchr(spec, ':');
	size_t nl = colon ? (size_t)(colon - spec) : strlen(spec);

	if (nl == 0 || nl >= sizeof(name)) {
		snprintf(err, errlen, "'%s' is not an action (ACTION or ACTION:PARAM=VALUE,...)", spec);
		return SHUAN_EINVAL;
	}
	memcpy(name, spec, nl);
	name[nl] = '\0';
	if (colon) {
		if (strlen(colon + 1) >= sizeof(buf)) {
			snprintf(err, errlen, "%s: parameters too long", name);
			return SHUAN_EINVAL;
		}
		strcpy(buf, colon + 1);
		for (char *tok = buf, *next; tok && *tok; tok = next) {
			next = strchr(tok, ',');
			if (next)
				*next++ = '\0';
			char *eq = strchr(tok, '=');
			if (!eq || eq == tok || n == sizeof(params) / sizeof(params[0])) {
				snprintf(err, errlen, "%s: '%s' is not PARAM=VALUE", name, tok);
				return SHUAN_EINVAL;
			}
			*eq = '\0';
			params[n].name = tok;
			params[n].value = eq + 1;
			n++;
		}
	}
	return deid_action_parse(a, name, params, n, err, errlen);
}
