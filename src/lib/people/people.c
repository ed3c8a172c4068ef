/*
 * lib/people/people.c - the people counter: union-find over 16-byte keyed
 * fingerprints, exact up to max_exact identifiers, then the HyperLogLog
 * estimate (hll.c). See include/shuan/people.h for the contract.
 *
 * Worked example. Records {id:A, phone:P}, {phone:P}, {email:E, phone:P},
 * {id:B}: the first makes nodes A and P and links them; the second finds P
 * and changes nothing; the third adds E to P's set; the fourth makes B.
 * Two sets: two people. Each set remembers its flags (sensitive, minor) and
 * its representative (A: an ID card outranks a phone), which is what enters
 * the sketch if the counter switches to the estimate.
 *
 * Records are added through an accessor so that public records (detector
 * names) and the sets of another counter (already ranked) share one path.
 */
#include <string.h>

#include "lib/people/internal.h"
#include "util/alloc.h"
#include "util/swar.h"

/* How strongly an identifier names one person. Identity documents name
 * exactly one; a mobile number or an e-mail address mostly one; a bank card
 * one account. Unknown detectors rank lowest. */
static const struct {
	const char *detector;
	uint8_t strength;
} strengths[] = {
	{"cn_resident_id", 6},
	{"cn_passport", 5},
	{"hk_macao_permit", 5},
	{"tw_permit", 5},
	{"cn_exit_entry_permit", 5},
	{"cn_mobile", 4},
	{"email", 3},
	{"bank_card", 2},
	{"imei", 1},
};

uint8_t shuan_people__strength(const char *detector)
{
	if (!detector)
		return 0;
	/* asked for every identifier of every record: the first byte rules most out */
	for (size_t i = 0; i < sizeof(strengths) / sizeof(strengths[0]); i++)
		if (strengths[i].detector[0] == detector[0] && strcmp(strengths[i].detector, detector) == 0)
			return strengths[i].strength;
	return 0;
}

/* The slot hash: both halves through splitmix64's finaliser (the sketch
 * uses the first half raw, so the table must not depend on it alone). */
static uint64_t slot_hash(const unsigned char fp[16])
{
	uint64_t x = shuan_swar_load_le(fp) ^ (shuan_swar_load_le(fp + 8) * 0x9e3779b97f4a7c15ULL);
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int shuan_people__create(shuan_people **out, size_t max_exact)
{
	shuan_people *p = shuan_calloc(1, sizeof(*p));
	*out = NULL;
	if (!p)
		return SHUAN_ENOMEM;
	p->max_exact = max_exact;
	*out = p;
	return 0;
}

int shuan_people_new(shuan_people **out, const shuan_people_options *opts)
{
	size_t max_exact = SHUAN_PEOPLE_DEFAULT_MAX_EXACT;
	if (!out)
		return SHUAN_EINVAL;
	*out = NULL;
	if (opts) {
		if (opts->version != SHUAN_PEOPLE_OPTIONS_VERSION || opts->max_exact > SHUAN_PEOPLE_MAX_EXACT_LIMIT)
			return SHUAN_EINVAL;
		if (opts->max_exact)
			max_exact = opts->max_exact;
	}
	return shuan_people__create(out, max_exact);
}

void shuan_people_free(shuan_people *p)
{
	if (!p)
		return;
	shuan_free(p->fp);
	shuan_free(p->parent);
	shuan_free(p->best);
	shuan_free(p->rank);
	shuan_free(p->flags);
	shuan_free(p->strength);
	shuan_free(p->slots);
	for (int i = 0; i < PEOPLE_SKETCHES; i++)
		shuan_free(p->sketch[i]);
	shuan_free(p);
}

int shuan_people__alloc_sketches(shuan_people *p)
{
	for (int i = 0; i < PEOPLE_SKETCHES; i++)
		if (!p->sketch[i] && !(p->sketch[i] = shuan_calloc(1, sizeof(shuan_hll))))
			return SHUAN_ENOMEM;
	return 0;
}

/* Grows one parallel array to cap elements of elem bytes. */
static int grow(void *arrp, size_t cap, size_t elem)
{
	void **arr = arrp;
	void *q = shuan_realloc(*arr, cap * elem);
	if (!q)
		return SHUAN_ENOMEM;
	*arr = q;
	return 0;
}

static int rehash(shuan_people *p, size_t nslots)
{
	uint32_t *slots = shuan_calloc(nslots, sizeof(*slots));
	if (!slots)
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		size_t s = slot_hash(p->fp[i]) & (nslots - 1);
		while (slots[s])
			s = (s + 1) & (nslots - 1);
		slots[s] = (uint32_t)i + 1;
	}
	shuan_free(p->slots);
	p->slots = slots;
	p->nslots = nslots;
	return 0;
}

int shuan_people__reserve(shuan_people *p, size_t more)
{
	size_t need = p->n + more, cap, nslots;
	if (need > p->max_exact)
		need = p->max_exact;
	if (need > p->cap) {
		cap = p->cap ? p->cap : 64;
		while (cap < need)
			cap *= 2;
		if (cap > p->max_exact)
			cap = p->max_exact;
		/* Each array only ever grows, so a failure half-way leaves a
		 * consistent counter with some spare room. */
		if (grow(&p->fp, cap, sizeof(*p->fp)) || grow(&p->parent, cap, sizeof(*p->parent)) ||
		    grow(&p->best, cap, sizeof(*p->best)) || grow(&p->rank, cap, 1) || grow(&p->flags, cap, 1) ||
		    grow(&p->strength, cap, 1))
			return SHUAN_ENOMEM;
		p->cap = cap;
	}
	nslots = p->nslots ? p->nslots : 128;
	while (nslots < 2 * need)
		nslots *= 2;
	if (nslots != p->nslots)
		return rehash(p, nslots);
	return 0;
}

uint32_t shuan_people__lookup(const shuan_people *p, const unsigned char fp[16])
{
	if (!p->nslots)
		return PEOPLE_NONE;
	for (size_t s = slot_hash(fp) & (p->nslots - 1);; s = (s + 1) & (p->nslots - 1)) {
		uint32_t v = p->slots[s];
		if (!v)
			return PEOPLE_NONE;
		if (memcmp(p->fp[v - 1], fp, 16) == 0)
			return v - 1;
	}
}

uint32_t shuan_people__insert(shuan_people *p, const unsigned char fp[16], uint8_t strength)
{
	uint32_t i = (uint32_t)p->n++;
	size_t s = slot_hash(fp) & (p->nslots - 1);
	memcpy(p->fp[i], fp, 16);
	p->parent[i] = i;
	p->best[i] = i;
	p->rank[i] = 0;
	p->flags[i] = 0;
	p->strength[i] = strength;
	while (p->slots[s])
		s = (s + 1) & (p->nslots - 1);
	p->slots[s] = i + 1;
	p->sets++;
	return i;
}

uint32_t shuan_people__root(const shuan_people *p, uint32_t i)
{
	while (p->parent[i] != i)
		i = p->parent[i];
	return i;
}

/* find with path halving */
static uint32_t find(shuan_people *p, uint32_t i)
{
	while (p->parent[i] != i) {
		p->parent[i] = p->parent[p->parent[i]];
		i = p->parent[i];
	}
	return i;
}

/* Is node a a better representative than node b? */
static bool better(const shuan_people *p, uint32_t a, uint32_t b)
{
	if (p->strength[a] != p->strength[b])
		return p->strength[a] > p->strength[b];
	return memcmp(p->fp[a], p->fp[b], 16) < 0;
}

static void set_flags(shuan_people *p, uint32_t root, unsigned flags)
{
	unsigned add = flags & ~(unsigned)p->flags[root] & (SHUAN_PERSON_SENSITIVE | SHUAN_PERSON_MINOR);
	if (add & SHUAN_PERSON_SENSITIVE)
		p->sets_sensitive++;
	if (add & SHUAN_PERSON_MINOR)
		p->sets_minors++;
	p->flags[root] |= (uint8_t)add;
}

/* Links the sets of roots a and b; returns the new root. */
static uint32_t link_sets(shuan_people *p, uint32_t a, uint32_t b)
{
	uint32_t best;
	unsigned fa, fb;
	if (a == b)
		return a;
	if (p->rank[a] < p->rank[b]) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	fa = p->flags[a];
	fb = p->flags[b];
	best = better(p, p->best[a], p->best[b]) ? p->best[a] : p->best[b];
	p->parent[b] = a;
	if (p->rank[a] == p->rank[b])
		p->rank[a]++;
	p->best[a] = best;
	p->sets--;
	if (fa & fb & SHUAN_PERSON_SENSITIVE)
		p->sets_sensitive--;
	if (fa & fb & SHUAN_PERSON_MINOR)
		p->sets_minors--;
	p->flags[a] = (uint8_t)(fa | fb);
	return a;
}

/* The sketch entry of a set or an identifier: its first 8 bytes. */
static void sketch_add(shuan_people *p, const unsigned char fp[16], unsigned flags)
{
	uint64_t h = shuan_swar_load_le(fp);
	/* the load is little-endian; use the bytes as a big-endian number so the
	 * register index comes from fp[0], which is as uniform as any. */
	h = __builtin_bswap64(h);
	shuan_hll__add(p->sketch[PEOPLE_ALL], h);
	if (flags & SHUAN_PERSON_SENSITIVE)
		shuan_hll__add(p->sketch[PEOPLE_SENSITIVE], h);
	if (flags & SHUAN_PERSON_MINOR)
		shuan_hll__add(p->sketch[PEOPLE_MINORS], h);
}

/* Every exact set enters the sketches through its representative; the
 * nodes stay, frozen, for later records to find. */
static void switch_to_estimate(shuan_people *p)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (p->parent[i] == i)
			sketch_add(p, p->fp[p->best[i]], p->flags[i]);
	p->estimated = true;
}

/* One identifier of a record, however the record is given. */
typedef void (*id_at_fn)(const void *ctx, size_t i, const unsigned char **fp, uint8_t *strength);

/* An estimated counter's record: counted as the frozen set it touches (the
 * best such set's representative), else by its strongest identifier. */
static void estimate_record(shuan_people *p, id_at_fn at, const void *ctx, size_t n, unsigned flags)
{
	const unsigned char *best_fp = NULL;
	uint8_t best_strength = 0;
	bool best_frozen = false;

	for (size_t i = 0; i < n; i++) {
		const unsigned char *fp;
		uint8_t strength;
		bool frozen = false;
		uint32_t j;
		at(ctx, i, &fp, &strength);
		if ((j = shuan_people__lookup(p, fp)) != PEOPLE_NONE) {
			uint32_t b = p->best[shuan_people__root(p, j)];
			fp = p->fp[b];
			strength = p->strength[b];
			frozen = true;
		}
		if (!best_fp || (frozen && !best_frozen) ||
		    (frozen == best_frozen &&
		     (strength > best_strength || (strength == best_strength && memcmp(fp, best_fp, 16) < 0)))) {
			best_fp = fp;
			best_strength = strength;
			best_frozen = frozen;
		}
	}
	sketch_add(p, best_fp, flags);
}

static int add_ids(shuan_people *p, id_at_fn at, const void *ctx, size_t n, unsigned flags)
{
	size_t missing = 0;
	uint32_t root = PEOPLE_NONE;
	/* The first pass's answers for the record's first identifiers: each
	 * look-up is a cache miss in a large counter. One that found a node
	 * stays true (nodes never move); one that found none, only until this
	 * record inserts something (the same identifier twice in a record). */
	uint32_t found[8];
	bool overflow = false, inserted = false;
	int rc;

	if (n == 0)
		return 0;
	if (!p->estimated) {
		for (size_t i = 0; i < n; i++) {
			const unsigned char *fp;
			uint8_t strength;
			at(ctx, i, &fp, &strength);
			uint32_t j = shuan_people__lookup(p, fp);
			if (i < sizeof(found) / sizeof(found[0]))
				found[i] = j;
			missing += j == PEOPLE_NONE;
		}
		/* Everything that can fail is allocated before anything changes. */
		if ((rc = shuan_people__reserve(p, missing)) < 0)
			return rc;
		if (p->n + missing > p->max_exact && (rc = shuan_people__alloc_sketches(p)) < 0)
			return rc;
		for (size_t i = 0; i < n; i++) {
			const unsigned char *fp;
			uint8_t strength;
			uint32_t j;
			at(ctx, i, &fp, &strength);
			bool known = i < sizeof(found) / sizeof(found[0]) && (found[i] != PEOPLE_NONE || !inserted);
			if ((j = known ? found[i] : shuan_people__lookup(p, fp)) == PEOPLE_NONE) {
				if (p->n >= p->max_exact) {
					overflow = true;
					break;
				}
				j = shuan_people__insert(p, fp, strength);
				inserted = true;
			}
			j = find(p, j);
			root = root == PEOPLE_NONE ? j : link_sets(p, root, j);
		}
		if (root != PEOPLE_NONE)
			set_flags(p, root, flags);
		if (!overflow)
			return 0;
		/* The part of the record that fitted is a frozen set now; the
		 * whole record then finds it and counts as that person. */
		switch_to_estimate(p);
	}
	estimate_record(p, at, ctx, n, flags);
	return 0;
}

static void public_id_at(const void *ctx, size_t i, const unsigned char **fp, uint8_t *strength)
{
	const shuan_person_id *ids = ctx;
	*fp = ids[i].fp;
	*strength = shuan_people__strength(ids[i].detector);
}

int shuan_people_add_record(shuan_people *p, const shuan_person_id *ids, size_t n, unsigned flags)
{
	if (!p || (n && !ids))
		return SHUAN_EINVAL;
	return add_ids(p, public_id_at, ids, n, flags);
}

/* How many identifiers ahead a merge fetches the slots it will look up. */
#define MERGE_PREFETCH 16

/* One linked set of another counter, as a record. */
struct set_view {
	const shuan_people *from;
	const uint32_t *members;
};

static void set_id_at(const void *ctx, size_t i, const unsigned char **fp, uint8_t *strength)
{
	const struct set_view *v = ctx;
	*fp = v->from->fp[v->members[i]];
	*strength = v->from->strength[v->members[i]];
}

/* Merging into an empty counter gives a copy of from: the same sets, flags
 * and representatives. Copying the arrays skips replaying every set (a
 * source of one big table merged into the empty totals took a tenth of an
 * inventory's time). */
static int copy_into_empty(shuan_people *into, const shuan_people *from)
{
	size_t n = from->n;
	int rc;
	if ((rc = shuan_people__reserve(into, n)) < 0)
		return rc;
	memcpy(into->fp, from->fp, n * sizeof(*from->fp));
	memcpy(into->parent, from->parent, n * sizeof(*from->parent));
	memcpy(into->best, from->best, n * sizeof(*from->best));
	memcpy(into->rank, from->rank, n);
	memcpy(into->flags, from->flags, n);
	memcpy(into->strength, from->strength, n);
	into->n = n;
	into->sets = from->sets;
	into->sets_sensitive = from->sets_sensitive;
	into->sets_minors = from->sets_minors;
	if (into->nslots == from->nslots) {
		memcpy(into->slots, from->slots, from->nslots * sizeof(*from->slots));
		return 0;
	}
	return rehash(into, into->nslots);
}

int shuan_people_merge(shuan_people *into, const shuan_people *from)
{
	uint32_t *root_of = NULL, *start = NULL, *members = NULL;
	size_t n = from ? from->n : 0;
	int rc = 0;

	if (!into || !from)
		return SHUAN_EINVAL;
	if (into == from)
		return 0;
	if (from->estimated) {
		if ((rc = shuan_people__alloc_sketches(into)) < 0)
			return rc;
		if (!into->estimated)
			switch_to_estimate(into);
		for (int i = 0; i < PEOPLE_SKETCHES; i++)
			shuan_hll__merge(into->sketch[i], from->sketch[i]);
		return 0;
	}
	if (n == 0)
		return 0;
	if (into->n == 0 && !into->estimated && n <= into->max_exact)
		return copy_into_empty(into, from);
	/* Group from's nodes by set (a counting sort on the root), then add
	 * each set as one record. */
	root_of = shuan_malloc(n * sizeof(*root_of));
	start = shuan_calloc(n + 1, sizeof(*start));
	members = shuan_malloc(n * sizeof(*members));
	if (!root_of || !start || !members) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	for (uint32_t i = 0; i < n; i++) {
		root_of[i] = shuan_people__root(from, i);
		start[root_of[i] + 1]++;
	}
	/* start[r + 1] becomes the end of set r's run in members; filling each
	 * run from its end moves it back to the run's first member, so set r
	 * occupies members[start[r + 1] .. start[r + 2]) (.. n for the last). */
	for (size_t r = 0; r < n; r++)
		start[r + 1] += start[r];
	for (size_t i = n; i-- > 0;)
		members[--start[root_of[i] + 1]] = (uint32_t)i;
	/* Room for all first, so the slots stay where they are; then each
	 * identifier's slot is fetched a few sets ahead of its look-up (a
	 * cache miss each: merging a part of a large table was most of the
	 * time after its scan). */
	if ((rc = shuan_people__reserve(into, n)) < 0)
		goto cleanup;
	size_t ahead = 0;
	for (uint32_t r = 0; r < n && rc == 0; r++) {
		struct set_view v = {from, members + start[r + 1]};
		size_t count;
		if (from->parent[r] != r)
			continue;
		count = (r + 1 < n ? start[r + 2] : n) - start[r + 1];
		for (; ahead < n && ahead < start[r + 1] + count + MERGE_PREFETCH; ahead++)
			__builtin_prefetch(&into->slots[slot_hash(from->fp[members[ahead]]) & (into->nslots - 1)]);
		rc = add_ids(into, set_id_at, &v, count, from->flags[r]);
	}
cleanup:
	shuan_free(root_of);
	shuan_free(start);
	shuan_free(members);
	return rc;
}

void shuan_people_counts_get(const shuan_people *p, shuan_people_counts *out)
{
	memset(out, 0, sizeof(*out));
	if (!p) {
		out->exact = true;
		return;
	}
	if (!p->estimated) {
		out->distinct = p->sets;
		out->sensitive = p->sets_sensitive;
		out->minors = p->sets_minors;
		out->exact = true;
		return;
	}
	out->distinct = (uint64_t)(shuan_hll__estimate(p->sketch[PEOPLE_ALL]) + 0.5);
	out->sensitive = (uint64_t)(shuan_hll__estimate(p->sketch[PEOPLE_SENSITIVE]) + 0.5);
	out->minors = (uint64_t)(shuan_hll__estimate(p->sketch[PEOPLE_MINORS]) + 0.5);
	out->exact = false;
	out->error_bound = shuan_hll__error_bound();
}
