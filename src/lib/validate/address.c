/*
 * lib/validate/address.c - Chinese postal addresses. Free text, so the
 * validator leans on the division tables: an address is anchored on real
 * divisions (rules/data/division_names.txt: provinces, prefectures and
 * counties, full or unambiguous short names; townships.tsv: 乡, 镇, 苏木,
 * 街道) and has the structure that follows them in a postal address.
 *
 * Two structures are accepted:
 *  - street: a division name before a road marker (words.road: 路 街 巷 …)
 *    that is later followed by "<number>号" (浙江省杭州市西湖区文三路90号);
 *  - division chain: consecutive leading levels that are real divisions,
 *    then a tail of place names ending in a village marker (words.village:
 *    村, 社区, 嘎查 …) and numbers with a unit (words.unit: 号, 组, 栋,
 *    单元, 室, 弄 …), ending in one of them: 隆化县太平庄满族乡孟家村3组,
 *    萧山区义桥镇陶家村227号, 鼓楼区莫愁湖小区3栋2单元501室. A name in the
 *    tail may not contain a word of words.not_in_name (的, 有, 个 …), so a
 *    sentence that only mentions divisions (隆化县有很多村) is no address, and
 *    a number may follow the chain directly only after a township
 *    (萧山区3号线 is a metro line).
 * In prose (pattern mode) the chain needs two levels (茶山镇洪源村 alone is a
 * shape ordinary sentences have); an address column or key (field mode)
 * accepts one. Pattern mode narrows the span to the address (from the first
 * division to the last village or numbered unit); field mode keeps the
 * whole cell. Without tables (unit tests) only the street
 * structure is checked.
 */
#include <string.h>

#include "lib/validate/internal.h"

/* Longest division or township name, in characters (积石山保安族东乡族撒拉族自治县). */
#define NAME_MAX_CHARS 16
/* Levels of a chain (province, prefecture, county, township and one spare)
 * and segments of its tail (村, 组, 号, or 小区, 栋, 单元, 室). */
#define MAX_LEVELS 6
#define MAX_SEGMENTS 6
/* Characters of a place name in the tail, and of a number before a unit. */
#define TAIL_NAME_MAX 10
#define NUMBER_MAX 8

static const char *const CN_NUMERALS = "〇零一二三四五六七八九十百千甲乙丙";

/* The detector's word lists, looked up by name once per validation. */
typedef struct addr_words {
	const shuan_wordlist *road, *village, *unit, *estate, *building, *stop;
} addr_words;

/* True when the char ending at s+j (exclusive) is a digit or a Chinese numeral. */
static bool number_before(const char *s, size_t j, size_t min)
{
	if (j > min && is_digit(s[j - 1]))
		return true;
	if (j < min + 3)
		return false;
	char ch[4] = {s[j - 3], s[j - 2], s[j - 1], 0};
	return strstr(CN_NUMERALS, ch) != NULL;
}

/* Offset of the first road marker followed later by "<number>号", or -1;
 * *num is where that number starts. */
static long road_structure(const shuan_wordlist *road, const char *s, size_t n, size_t *num)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = shuan_words_at(road, s + i, n - i);
		if (!l)
			continue;
		for (size_t j = i + l; j + 3 <= n; j++)
			if (memcmp(s + j, "号", 3) == 0 && number_before(s, j, i + l)) {
				size_t k = j;
				while (k > i + l && number_before(s, k, i + l))
					k -= is_digit(s[k - 1]) ? 1 : 3;
				*num = k;
				return (long)i;
			}
	}
	return -1;
}

/* Bytes of the longest division or township name at s (2 characters or
 * more), or 0; *township tells which table had it. Lengths grow a
 * character at a time while some name begins with the text, so most
 * positions cost one lookup (both tables under one hash). */
static size_t division_at(const shuan_vdata *d, const char *s, size_t n, bool *township)
{
	const shuan_dict *tables[2] = {d->division_names, d->townships};
	size_t best = 0, at = shuan_validate__han_run(s, n, 1, NULL);
	for (size_t c = 2; at && c <= NAME_MAX_CHARS; c++) {
		size_t l = shuan_validate__han_run(s + at, n - at, 1, NULL);
		if (!l)
			break;
		at += l;
		int in[2];
		shuan_dict_prefix_n(tables, 2, s, at, in);
		if (!in[0] && !in[1])
			break;
		if (in[0] == 2 || in[1] == 2) {
			best = at;
			*township = in[0] != 2;
		}
		/* a table no name of which begins with the text is not asked again */
		tables[0] = in[0] ? tables[0] : NULL;
		tables[1] = in[1] ? tables[1] : NULL;
	}
	return best;
}

/* True when a word of `stop` occurs in s[0..n). */
static bool has_word(const shuan_wordlist *stop, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (shuan_words_at(stop, s + i, n - i))
			return true;
	return false;
}

/* Offset of the first division name before limit from which the text up
 * to limit has no stop word (street structure: 罗平的居住地址是辽宁省… starts
 * at 辽宁省, not at the county 罗平), or -1. */
static long first_division(const shuan_vdata *d, const shuan_wordlist *stop, const char *s, size_t limit)
{
	for (size_t i = 0; i < limit;) {
		bool t;
		size_t j = i, k;
		while (j < limit && (k = division_at(d, s + j, limit - j, &t)) > 0)
			j += k; /* the names themselves may hold a stop word (都昌县) */
		if (j > i && !has_word(stop, s + j, limit - j))
			return (long)i;
		uint32_t cp;
		size_t l = shuan_utf8_decode(s + i, limit - i, &cp);
		i += l ? l : 1;
	}
	return -1;
}

/* "227号", "3组", "2单元", "A座", "十一组": a number (digits, Chinese
 * numerals, letters, hyphens; at least one digit or numeral) and a unit.
 * Returns the bytes taken, or 0. */
static size_t number_unit(const shuan_wordlist *unit, const char *s, size_t n)
{
	size_t i = 0, chars = 0;
	bool numeral = false;
	while (i < n && chars < NUMBER_MAX) {
		if (is_digit(s[i])) {
			numeral = true;
			i++;
		} else if (is_alpha(s[i]) || s[i] == '-') {
			i++;
		} else if (n - i >= 3) {
			char ch[4] = {s[i], s[i + 1], s[i + 2], 0};
			if (!((unsigned char)s[i] & 0x80) || !strstr(CN_NUMERALS, ch))
				break;
			numeral = true;
			i += 3;
		} else {
			break;
		}
		chars++;
	}
	if (!numeral)
		return 0;
	size_t u = shuan_words_at(unit, s + i, n - i);
	return u ? i + u : 0;
}

/* "孟家村", "科技园社区": a name of 1..TAIL_NAME_MAX Han characters, then a
 * village marker, no stop word in either (召开乡村 is a meeting). The
 * shortest such name is taken (洪源村村民 is 洪源村). Returns the bytes
 * taken, or 0. */
static size_t place_name(const addr_words *w, const char *s, size_t n)
{
	size_t p[TAIL_NAME_MAX + 2];
	size_t k = shuan_validate__han_offsets(s, n, p, TAIL_NAME_MAX + 1);
	for (size_t c = 1; c < k; c++) {
		size_t m = shuan_words_at(w->village, s + p[c], n - p[c]);
		if (!m)
			continue;
		return has_word(w->stop, s, p[c] + m) ? 0 : p[c] + m;
	}
	return 0;
}

/* True when s[0..n) ends with a word of l. */
static bool ends_with(const shuan_wordlist *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k = strlen(l->v[i]);
		if (k <= n && !memcmp(s + n - k, l->v[i], k))
			return true;
	}
	return false;
}

/* "莫愁湖小区3栋", "人民医院2号楼": a name of 2..TAIL_NAME_MAX Han
 * characters free of stop words directly followed by a number and a unit.
 * Unless the name ends in an estate word (words.estate: 小区, 花园 …) the
 * unit must mark a building (words.building: 栋, 单元, 号楼 …): 发布43号
 * is a typhoon, 地铁3号 a metro line. Returns the name's bytes (the number
 * is the next segment), or 0. */
static size_t name_before_number(const addr_words *w, const char *s, size_t n)
{
	size_t p[TAIL_NAME_MAX + 1];
	size_t k = shuan_validate__han_offsets(s, n, p, TAIL_NAME_MAX);
	for (size_t c = k; c >= 2; c--) {
		size_t u = number_unit(w->unit, s + p[c], n - p[c]);
		if (!u)
			continue;
		if (has_word(w->stop, s, p[c]))
			return 0;
		if (ends_with(w->estate, s, p[c]) || number_unit(w->building, s + p[c], n - p[c]))
			return p[c];
		return 0;
	}
	return 0;
}

/* The tail after a chain: bytes up to the end of its last village or
 * numbered segment, or 0 when there is none. */
static size_t tail(const addr_words *w, const char *s, size_t n, bool after_township)
{
	size_t i = 0, end = 0;
	bool named = after_township;
	for (size_t seg = 0; seg < MAX_SEGMENTS && i < n; seg++) {
		size_t l;
		if ((l = number_unit(w->unit, s + i, n - i))) {
			if (!named)
				break;
			i += l;
			end = i;
		} else if ((l = place_name(w, s + i, n - i))) {
			i += l;
			end = i;
			named = true;
		} else if ((l = name_before_number(w, s + i, n - i))) {
			i += l; /* the number follows: the next segment ends it */
			named = true;
		} else {
			break;
		}
	}
	return end;
}

/* Bytes of the memo below: the text a chain search remembers division
 * names for; a longer text is searched without it. */
#define CHAIN_MEMO 512
#define DIV_UNKNOWN 0xFF

/* One search for a division chain in s[0..n). The search starts a chain at
 * every character, so the same division name and the same tail come up
 * again from several starts: the names found are remembered by offset. */
typedef struct chain_search {
	const shuan_vdata *d;
	const addr_words *w;
	const char *s;
	size_t n;
	/* The last offset at which a village, estate or building word starts,
	 * or -1: a tail that does not open with a number after a township
	 * needs one of them at or after its start (place_name needs a village
	 * word, name_before_number an estate or a building word), so a tail
	 * starting after it is refused without being looked at. */
	long naming_last;
	uint8_t div[CHAIN_MEMO]; /* division_at's bytes at an offset, or DIV_UNKNOWN */
	bool town[CHAIN_MEMO];   /* and whether a township table had it */
} chain_search;

static void chain_search_init(chain_search *cs, const shuan_vdata *d, const addr_words *w, const char *s, size_t n)
{
	cs->d = d;
	cs->w = w;
	cs->s = s;
	cs->n = n;
	cs->naming_last = -1;
	for (size_t i = 0; i < n; i++)
		if (shuan_words_at(w->village, s + i, n - i) || shuan_words_at(w->estate, s + i, n - i) ||
		    shuan_words_at(w->building, s + i, n - i))
			cs->naming_last = (long)i;
	if (n <= CHAIN_MEMO)
		memset(cs->div, DIV_UNKNOWN, n);
}

/* division_at() at offset `at` of the search's text, remembered. */
static size_t division_at_memo(chain_search *cs, size_t at, bool *township)
{
	if (cs->n > CHAIN_MEMO)
		return division_at(cs->d, cs->s + at, cs->n - at, township);
	if (cs->div[at] == DIV_UNKNOWN) {
		bool t = false;
		size_t l = division_at(cs->d, cs->s + at, cs->n - at, &t);
		cs->div[at] = (uint8_t)l; /* at most NAME_MAX_CHARS characters */
		cs->town[at] = t;
	}
	*township = cs->town[at];
	return cs->div[at];
}

/* tail() at offset `at`, refused at once when it cannot succeed. */
static size_t tail_at(const chain_search *cs, size_t at, bool after_township)
{
	const char *s = cs->s + at;
	size_t n = cs->n - at;
	if ((long)at > cs->naming_last && !(after_township && number_unit(cs->w->unit, s, n)))
		return 0;
	return tail(cs->w, s, n, after_township);
}

/* A division chain and its tail starting at offset i: the address's length
 * in bytes, or 0. Shorter chains are tried when the longest leaves no tail
 * (a village named like a township). */
static size_t chain_address(chain_search *cs, size_t i, size_t min_levels)
{
	size_t end[MAX_LEVELS];
	bool township[MAX_LEVELS];
	size_t levels = 0, at = i;
	while (levels < MAX_LEVELS && at < cs->n) {
		size_t l = division_at_memo(cs, at, &township[levels]);
		if (!l)
			break;
		at += l;
		end[levels++] = at;
	}
	for (size_t k = levels; k >= min_levels && k > 0; k--) {
		size_t t = tail_at(cs, end[k - 1], township[k - 1]);
		if (t)
			return end[k - 1] - i + t;
	}
	return 0;
}

/* The first division-chain address in s[0..n): sets *at and returns its
 * length, or 0. */
static size_t find_chain(const shuan_vdata *d, const addr_words *w, const char *s, size_t n, size_t min_levels,
			 size_t *at)
{
	chain_search cs;
	chain_search_init(&cs, d, w, s, n);
	for (size_t i = 0; i < n;) {
		size_t l = chain_address(&cs, i, min_levels);
		if (l) {
			*at = i;
			return l;
		}
		uint32_t cp;
		size_t c = shuan_utf8_decode(s + i, n - i, &cp);
		i += c ? c : 1;
	}
	return 0;
}

/* The street structure in s[0..n): sets *at to its first division (0
 * without tables) and *end to the end of its house number and the units
 * after it (90号东部软件园1号楼301室), and returns true. */
static bool street(const shuan_vdata *d, const addr_words *w, const char *s, size_t n, bool tables, size_t *at,
		   size_t *end)
{
	size_t num = 0;
	long road = road_structure(w->road, s, n, &num);
	if (road < 0)
		return false;
	long div = tables ? first_division(d, w->stop, s, (size_t)road) : 0;
	if (div < 0)
		return false;
	*at = (size_t)div;
	size_t t = tail(w, s + num, n - num, true);
	*end = t ? num + t : n;
	return true;
}

bool shuan_validate__address(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	size_t lead = 0, at = 0, l = 0;
	size_t n = SPAN_N(r);
	(void)len;
	if (r->field_mode)
		n = shuan_validate__trim(SPAN_P(buf, r), n, &lead);
	const char *s = SPAN_P(buf, r) + lead;
	bool tables = d && (d->division_names || d->townships);
	const addr_words w = {shuan_words_get(r->words, "road"),   shuan_words_get(r->words, "village"),
			      shuan_words_get(r->words, "unit"),   shuan_words_get(r->words, "estate"),
			      shuan_words_get(r->words, "building"), shuan_words_get(r->words, "not_in_name")};
	/* the cheap street check first, then the division chain */
	size_t end = 0;
	if (street(d, &w, s, n, tables, &at, &end)) {
		l = end - at;
		shuan_validate__kind(r, "address");
		if (r->field_mode) {
			/* the street check is the same in both modes: prose that is
			 * exactly this cell gets the span from its first division */
			size_t from = r->start + lead;
			r->as_pattern.from = from;
			r->as_pattern.to = from + n;
			r->as_pattern.start = from + at;
			r->as_pattern.end = from + end;
		}
	} else if (tables && (l = find_chain(d, &w, s, n, r->field_mode ? 1 : 2, &at)) > 0) {
		shuan_validate__kind(r, "division_chain");
	} else {
		return false;
	}
	if (r->field_mode) {
		r->start += lead;
		r->end = r->start + n;
	} else {
		r->start += lead + at;
		r->end = r->start + l;
	}
	r->confidence = tables ? 0.85 : 0.6;
	return true;
}
