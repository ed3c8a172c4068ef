/*
 * lib/validate/docs.c - travel documents and vehicle plates. None of these
 * has a public check digit outside the MRZ, so the validators check the
 * format precisely (regulations.md 6.5-6.7) and leave the rest to cue words:
 * the rules for passports and permits set require_cue.
 *
 * Plate decision: an ordinary 5-character serial holds at most 3 letters
 * (serials are mostly digits; "京ABCDE" is a word, not a plate), and the
 * letters I and O never appear. Special-use plates end in one of
 * 学 警 挂 港 澳 领 试 超 after 4 serial characters.
 */
#include <string.h>

#include "lib/validate/internal.h"

static bool letter_no_io(char c)
{
	return is_upper(c) && c != 'I' && c != 'O';
}

static bool span_is(const char *s, size_t n, const char *fmt)
{
	/* fmt: '@' upper letter without I/O, '#' digit, other chars literal */
	if (strlen(fmt) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char f = fmt[i];
		if ((f == '@' && !letter_no_io(s[i])) || (f == '#' && !is_digit(s[i])) ||
		    (f != '@' && f != '#' && f != s[i]))
			return false;
	}
	return true;
}

static bool match_any(const char *s, size_t n, const char *const *fmts)
{
	for (int i = 0; fmts[i]; i++)
		if (span_is(s, n, fmts[i]))
			return true;
	return false;
}

static bool accept(shuan_vresult *r, const char *kind, double conf)
{
	shuan_validate__kind(r, kind);
	r->confidence = conf;
	return true;
}

bool shuan_validate__cn_passport(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	static const char *const fmts[] = {"E########", "E@#######", "G########", "DE#######",
	                                   "SE#######", "PE#######", "1########", "K########",
	                                   "KJ#######", "MA#######", NULL};
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	if (!match_any(s, n, fmts))
		return false;
	if (s[0] == '1' && s[1] != '4' && s[1] != '5')
		return false;
	return accept(r, "passport", 0.6);
}

bool shuan_validate__hk_macao_permit(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	if ((n != 9 && n != 11) || (s[0] != 'H' && s[0] != 'M') || !shuan_validate__all_digits(s + 1, n - 1))
		return false;
	return accept(r, s[0] == 'H' ? "hong_kong" : "macao", 0.6);
}

/* Hong Kong identity card (香港身份证): one or two letters, six digits and a
 * check character, often in brackets: A123456(3). The check makes the
 * weighted sum (weights 9..2 over the two letter places - a lone letter is
 * preceded by a space worth 36, letters are worth A=10..Z=35 - and the six
 * digits, plus the check, A meaning 10) a multiple of 11. */
bool shuan_validate__hk_id(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r), letters = 0, sum = 0, w = 9;
	while (letters < n && letters < 2 && is_upper(s[letters]))
		letters++;
	if (letters == 0 || n < letters + 7 || !shuan_validate__all_digits(s + letters, 6))
		return false;
	const char *c = s + letters + 6;
	size_t rest = n - letters - 6;
	bool bracket = rest == 3 && c[0] == '(' && c[2] == ')';
	if (!(rest == 1 || bracket))
		return false;
	char check = bracket ? c[1] : c[0];
	if (letters == 1)
		sum += 36 * w--;
	for (size_t i = 0; i < letters; i++)
		sum += (size_t)(s[i] - 'A' + 10) * w--;
	for (size_t i = 0; i < 6; i++)
		sum += (size_t)(s[letters + i] - '0') * w--;
	if (check == 'A')
		sum += 10;
	else if (is_digit(check))
		sum += (size_t)(check - '0');
	else
		return false;
	if (sum % 11)
		return false;
	return accept(r, letters == 2 ? "two_letter_prefix" : "one_letter_prefix", 0.6);
}

bool shuan_validate__tw_permit(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	if ((n != 8 && n != 10) || !shuan_validate__all_digits(s, n))
		return false;
	return accept(r, n == 8 ? "card" : "card_with_issue_count", 0.5);
}

bool shuan_validate__cn_exit_entry_permit(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	static const char *const fmts[] = {"C########", "C@#######", "W########", NULL};
	if (!match_any(SPAN_P(buf, r), SPAN_N(r), fmts))
		return false;
	return accept(r, SPAN_P(buf, r)[0] == 'W' ? "booklet" : "card", 0.6);
}

/* ---- vehicle plates ---- */

/* The province characters and the special-use suffixes are the rule's
 * words.provinces and words.special (rules/detectors/cn_plate.yaml). */

static bool serial_char(char c)
{
	return is_digit(c) || letter_no_io(c);
}
static bool energy(char c)
{
	return c && strchr("DABCEFGHJK", c) != NULL;
}

/* Serial after "省A" (and an optional separator): returns the kind or NULL. */
static const char *serial_kind(const shuan_wordlist *special, const char *s, size_t n)
{
	int letters = 0;
	for (size_t i = 0; i < n && i < 6; i++) {
		if (!serial_char(s[i]))
			break;
		letters += is_upper(s[i]);
	}
	if (n == 5 && serial_char(s[0]) && serial_char(s[1]) && serial_char(s[2]) && serial_char(s[3]) &&
	    serial_char(s[4]))
		return letters <= 3 ? "ordinary" : NULL;
	if (n == 6 && energy(s[0]) && serial_char(s[1]) && shuan_validate__all_digits(s + 2, 4))
		return "new_energy_small";
	if (n == 6 && shuan_validate__all_digits(s, 5) && energy(s[5]))
		return "new_energy_large";
	if (n > 4 && serial_char(s[0]) && serial_char(s[1]) && serial_char(s[2]) && serial_char(s[3]) &&
	    letters <= 2 && shuan_words_at(special, s + 4, n - 4) == n - 4)
		return "special";
	return NULL;
}

static size_t separator(const char *s, size_t n)
{
	if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xB7)
		return 2; /* U+00B7 middle dot */
	if (n >= 3 && memcmp(s, "\xE2\x80\xA2", 3) == 0)
		return 3; /* U+2022 bullet */
	if (n >= 1 && (s[0] == ' ' || s[0] == '-' || s[0] == '.'))
		return 1;
	return 0;
}

bool shuan_validate__cn_plate(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	size_t i = shuan_words_at(shuan_words_get(r->words, "provinces"), s, n);
	if (i == 0 || i >= n || !letter_no_io(s[i]))
		return false;
	i++;
	i += separator(s + i, n - i);
	const char *kind = serial_kind(shuan_words_get(r->words, "special"), s + i, n - i);
	if (!kind)
		return false;
	return accept(r, kind, 0.85);
}
