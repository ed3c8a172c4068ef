/*
 * lib/validate/internal.h - small helpers shared by the validator families
 * (the validate_<family>.c files). Semi-private: shuan_validate__ prefix, not exported API.
 */
#ifndef SHUAN_LIB_VALIDATE_INTERNAL_H
#define SHUAN_LIB_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/validate/validate.h"
#include "util/utf8.h"

/* A validator's view of its candidate: p = buf + r->start, n = span length. */
#define SPAN_P(buf, r) ((buf) + (r)->start)
#define SPAN_N(r) ((r)->end - (r)->start)

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}
static inline bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}
static inline bool is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}
static inline bool is_alpha(int c)
{
	return is_upper(c) || is_lower(c);
}
static inline bool is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}
static inline bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* True when n chars at s are all ASCII digits (n > 0). */
bool shuan_validate__all_digits(const char *s, size_t n);

/*
 * Copies the digits of s[0..n) to out (room for max + 1; NUL-terminated) and
 * returns how many, or 0 when s holds more than max digits or anything but
 * digits and separators. A separator is one ' ' or '-' between two digits,
 * the same one throughout, allowed only after the k-th digit where bit k of
 * sep_after is set (k < 32): a card number's groups and a mobile's 3-4-4.
 */
size_t shuan_validate__collect_digits(const char *s, size_t n, char *out, size_t max, uint32_t sep_after);

/* Parses exactly n digits at s (n <= 9). */
int shuan_validate__num(const char *s, size_t n);


/* True for CJK unified ideographs U+4E00..U+9FA5 (the span patterns use). */
static inline bool is_han(uint32_t cp)
{
	return cp >= 0x4E00 && cp <= 0x9FA5;
}

/* Byte length of the run of Han characters starting at s (at most max chars). */
size_t shuan_validate__han_run(const char *s, size_t n, size_t max_chars, size_t *nchars);

/* The same run, with the byte offset of each character: p[k] is where char
 * k starts, p[count] where the run ends (p holds max + 1). Returns the count. */
size_t shuan_validate__han_offsets(const char *s, size_t n, size_t *p, size_t max);

/* Length of s[0..n) without leading blanks and trailing blanks and line
 * ends; *lead receives the leading blanks' length (field-mode cells). */
size_t shuan_validate__trim(const char *s, size_t n, size_t *lead);

/* Finds needle in s[0..n); returns its offset or -1. */
long shuan_validate__find(const char *s, size_t n, const char *needle);

/* The scan date as yyyymmdd (0 when the vdata carries none). */
long shuan_validate__today(const shuan_vdata *d);

/* Copies kind into r->kind. */
void shuan_validate__kind(shuan_vresult *r, const char *kind);

#define STD "https://openstd.samr.gov.cn/bzgk/gb/"

/*
 * The registration table, written once: each row gives the validator's name
 * (its rules' `validator:` value and, as shuan_validate__<name>, its C
 * function in one of the validate/<family>.c files), a one-line
 * description, the standard or page it implements, the default evidence
 * mask of its findings, the word lists its rule must define, and whether
 * its field mode accepts every span its pattern mode accepts (then a
 * pattern candidate on exactly a cell the field mode refused is not
 * validated again: the scanner, chunk.c). Adding a
 * validator is writing its function and adding its row here
 * (docs/adding-a-detector.md); validate.c builds shuan_validators[] from it.
 */
#define SHUAN_VALIDATOR_TABLE(X) \
	X(cn_resident_id, "GB 11643 citizen ID (18/15 digits, HK/Macao/Taiwan residence permit): MOD 11-2, date, GB/T 2260 code", STD "index", EVIDENCE_GENERIC, NULL, false) \
	X(cn_mobile, "Mainland mobile number: +86/0086 prefixes, 3-4-4 separators, allocated prefix table", "https://www.miit.gov.cn/", EVIDENCE_GENERIC, NULL, false) \
	X(cn_landline, "Mainland fixed-line number: long-distance area code table, 7-8 digit local number", "https://www.miit.gov.cn/", EVIDENCE_GENERIC, NULL, false) \
	X(email, "E-mail address: RFC 5322 dot-atom local part, DNS domain with alphabetic TLD", "https://www.rfc-editor.org/rfc/rfc5322", EVIDENCE_EMAIL, NULL, false) \
	X(ipv4, "IPv4 dotted quad: octets 0-255 without leading zeros, not a version number, product token or OID", "https://www.rfc-editor.org/rfc/rfc791", EVIDENCE_GENERIC, "version", false) \
	X(ipv6, "IPv6 address, full or :: compressed (inet_pton semantics)", "https://www.rfc-editor.org/rfc/rfc4291", EVIDENCE_GENERIC, NULL, false) \
	X(mac_address, "EUI-48 MAC address, six hex pairs with one consistent separator", "https://standards.ieee.org/products-programs/regauth/", EVIDENCE_GENERIC, NULL, false) \
	X(imei, "IMEI: 15 digits, Luhn check digit, non-zero reporting body", "https://www.3gpp.org/dynareport/23003.htm", EVIDENCE_GENERIC, NULL, false) \
	X(bank_card, "Payment card number: 16-19 digits, Luhn and a plausible IIN (UnionPay, Visa, Mastercard, JCB, issuer " "table)", "https://www.iso.org/standard/70484.html", EVIDENCE_GENERIC, NULL, false) \
	X(cn_uscc, "Unified Social Credit Code: GB 32100 alphabet and check character, embedded GB 11714 code", STD "index", EVIDENCE_GENERIC, NULL, false) \
	X(cn_passport, "PRC passport number formats (E/EA/G/DE/SE/PE/14/15/K/KJ/MA)", "https://www.nia.gov.cn/", EVIDENCE_GENERIC, NULL, false) \
	X(hk_macao_permit, "Mainland travel permit for HK/Macao residents (回乡证): H/M + 8 or 10 digits", "https://www.nia.gov.cn/", EVIDENCE_GENERIC, NULL, false) \
	X(hk_id, "Hong Kong identity card (香港身份证): 1-2 letters, 6 digits, MOD 11 check character (A = 10)", "https://www.immd.gov.hk/", EVIDENCE_GENERIC, NULL, false) \
	X(tw_permit, "Mainland travel permit for Taiwan residents (台胞证): 8 or 10 digits, cue required", "https://www.nia.gov.cn/", EVIDENCE_GENERIC, NULL, false) \
	X(cn_exit_entry_permit, "Exit-entry permit to HK/Macao (往来港澳通行证): C+8, C+letter+7, W+8", "https://www.nia.gov.cn/", EVIDENCE_GENERIC, NULL, false) \
	X(cn_plate, "Vehicle plate (GA 36-2018): province, authority letter, 5 serial or 6 new-energy characters", "https://www.mps.gov.cn/", EVIDENCE_GENERIC, "provinces special", false) \
	X(geo_coordinate, "Latitude/longitude pair: ranges, decimal places, precise when >= the configured decimals", "https://www.tc260.org.cn/", EVIDENCE_GENERIC, NULL, false) \
	X(person_name, "Chinese personal name: surname table, cue narrowing, stop words", "https://www.tc260.org.cn/", EVIDENCE_NAME, "lead trail function", false) \
	X(address, "Chinese postal address: GB/T 2260 division name plus road and number structure", "https://www.mca.gov.cn/", EVIDENCE_ADDRESS, "road", true) \
	X(credential, "Secrets: password and secret-key assignments (paired with cloud key ids), connection-string passwords, private keys, cloud access keys, JWTs", "https://www.rfc-editor.org/rfc/rfc7519", EVIDENCE_SECRET, "password_keys secret_keys token_keys keyboard", false) \
	/* end */

/* Every validator's prototype, from the table: a family file's definition
 * that does not match fails to compile. */
#define SHUAN_VALIDATOR_DECLARE(name, desc, url, evidence, words, field_covers) \
	bool shuan_validate__##name(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r);
SHUAN_VALIDATOR_TABLE(SHUAN_VALIDATOR_DECLARE)
#undef SHUAN_VALIDATOR_DECLARE

#endif
