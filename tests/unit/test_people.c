/*
 * tests/unit/test_people.c - the people counter (include/shuan/people.h):
 * linkage of identifiers across records, flags following the linked set,
 * split counters merged equal one run (also through save/load), the switch
 * from exact to the estimate and its error bound, estimated counters
 * merging, the save/load round trip, and corrupt or truncated input refused.
 * Fingerprints come from a fixed-seed generator, so every run is the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "shuan/people.h"
#include "util/alloc.h"

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The fingerprint of identifier `k` of kind `kind` (stands in for the HMAC). */
static void fp_of(unsigned char fp[16], unsigned kind, uint64_t k)
{
	uint64_t s = k * 7919 + kind * 0x100000001ULL, a = splitmix(&s), b = splitmix(&s);
	memcpy(fp, &a, 8);
	memcpy(fp + 8, &b, 8);
}

enum { ID = 1, PHONE = 2, EMAIL = 3 };
static const char *det_of[] = {"", "cn_resident_id", "cn_mobile", "email"};

static shuan_person_id pid(unsigned kind, uint64_t k)
{
	shuan_person_id p;
	fp_of(p.fp, kind, k);
	p.detector = det_of[kind];
	return p;
}

static shuan_people *counter(size_t max_exact)
{
	shuan_people_options o = SHUAN_PEOPLE_OPTIONS_INIT;
	shuan_people *p = NULL;
	o.max_exact = max_exact;
	assert_int_equal(shuan_people_new(&p, &o), 0);
	assert_non_null(p);
	return p;
}

static shuan_people_counts counts(const shuan_people *p)
{
	shuan_people_counts c;
	shuan_people_counts_get(p, &c);
	return c;
}

static void add(shuan_people *p, unsigned flags, int n, ...)
{
	shuan_person_id ids[8];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		unsigned kind = va_arg(ap, unsigned);
		ids[i] = pid(kind, va_arg(ap, uint64_t));
	}
	va_end(ap);
	assert_int_equal(shuan_people_add_record(p, ids, (size_t)n, flags), 0);
}

static void test_linkage_across_records(void **state)
{
	shuan_people *p = counter(0);
	(void)state;
	/* customers: ID + phone; orders: phone only; contacts: e-mail + phone */
	add(p, 0, 2, ID, (uint64_t)1, PHONE, (uint64_t)1);
	add(p, 0, 1, PHONE, (uint64_t)1);
	add(p, 0, 2, EMAIL, (uint64_t)1, PHONE, (uint64_t)1);
	assert_int_equal(counts(p).distinct, 1);
	add(p, 0, 1, ID, (uint64_t)2);
	assert_int_equal(counts(p).distinct, 2);
	/* two people known apart, then one record shows they are one */
	add(p, 0, 1, EMAIL, (uint64_t)3);
	add(p, 0, 1, PHONE, (uint64_t)3);
	assert_int_equal(counts(p).distinct, 4);
	add(p, 0, 2, PHONE, (uint64_t)3, EMAIL, (uint64_t)3);
	assert_int_equal(counts(p).distinct, 3);
	/* duplicates inside a record and an empty record change nothing */
	add(p, 0, 3, ID, (uint64_t)2, ID, (uint64_t)2, ID, (uint64_t)2);
	assert_int_equal(shuan_people_add_record(p, NULL, 0, 0), 0);
	assert_int_equal(shuan_people_add_record(p, NULL, 1, 0), SHUAN_EINVAL);
	assert_int_equal(counts(p).distinct, 3);
	assert_true(counts(p).exact);
	assert_true(counts(p).error_bound == 0);
	shuan_people_free(p);
	shuan_people_free(NULL);
	/* a new identifier twice in one record is one identifier: room for one
	 * keeps the counter exact */
	p = counter(1);
	add(p, 0, 3, ID, (uint64_t)9, ID, (uint64_t)9, ID, (uint64_t)9);
	assert_true(counts(p).exact);
	assert_int_equal(counts(p).distinct, 1);
	shuan_people_free(p);
}

static void test_flags_follow_the_person(void **state)
{
	shuan_people *p = counter(0);
	shuan_people_counts c;
	(void)state;
	add(p, SHUAN_PERSON_SENSITIVE, 1, PHONE, (uint64_t)10); /* e.g. a diagnosis next to the phone */
	add(p, SHUAN_PERSON_MINOR, 1, ID, (uint64_t)10);         /* an ID of a child */
	add(p, SHUAN_PERSON_SENSITIVE, 1, ID, (uint64_t)11);
	c = counts(p);
	assert_int_equal(c.distinct, 3);
	assert_int_equal(c.sensitive, 2);
	assert_int_equal(c.minors, 1);
	/* linking the phone and the child's ID: one sensitive minor */
	add(p, 0, 2, ID, (uint64_t)10, PHONE, (uint64_t)10);
	c = counts(p);
	assert_int_equal(c.distinct, 2);
	assert_int_equal(c.sensitive, 2);
	assert_int_equal(c.minors, 1);
	/* two sensitive people linked: counted once */
	add(p, 0, 2, ID, (uint64_t)11, PHONE, (uint64_t)10);
	c = counts(p);
	assert_int_equal(c.distinct, 1);
	assert_int_equal(c.sensitive, 1);
	assert_int_equal(c.minors, 1);
	shuan_people_free(p);
}

/* A synthetic population: record r is about person r % people, shows one
 * to three of the person's identifiers, and some records are flagged. A
 * person seen only as {ID} in one record and {phone} in another is two
 * people to any counter; the reference below (a naive union-find over the
 * three identifiers of each person) says what the count must be. */
static unsigned pick_of(uint64_t r)
{
	uint64_t s = r;
	return (unsigned)(splitmix(&s) % 7) + 1;
}

static uint64_t who_of(uint64_t r, uint64_t people) { return (r * 2654435761u) % people; }

static unsigned flags_of(uint64_t r, uint64_t who)
{
	return (who % 5 == 0 ? SHUAN_PERSON_SENSITIVE : 0) | (who % 17 == 0 && r % 3 == 0 ? SHUAN_PERSON_MINOR : 0);
}

static void feed(shuan_people *p, uint64_t from, uint64_t to, uint64_t people)
{
	for (uint64_t r = from; r < to; r++) {
		uint64_t who = who_of(r, people);
		shuan_person_id ids[3];
		size_t n = 0;
		unsigned pick = pick_of(r);
		for (unsigned k = 0; k < 3; k++)
			if (pick & (1u << k))
				ids[n++] = pid(k + 1, who);
		assert_int_equal(shuan_people_add_record(p, ids, n, flags_of(r, who)), 0);
	}
}

struct reference {
	uint64_t distinct, sensitive, minors;
};

static unsigned ref_find(unsigned *parent, unsigned i)
{
	while (parent[i] != i)
		i = parent[i];
	return i;
}

static struct reference reference_counts(uint64_t records, uint64_t people)
{
	struct reference ref = {0, 0, 0};
	unsigned *parent = calloc(people * 3, sizeof(unsigned)), *flags = calloc(people * 3, sizeof(unsigned));
	unsigned char *seen = calloc(people * 3, 1);
	assert_non_null(parent);
	assert_non_null(flags);
	assert_non_null(seen);
	for (unsigned i = 0; i < people * 3; i++)
		parent[i] = i;
	for (uint64_t r = 0; r < records; r++) {
		uint64_t who = who_of(r, people);
		unsigned pick = pick_of(r), first = 0, have = 0;
		for (unsigned k = 0; k < 3; k++) {
			unsigned node = (unsigned)who * 3 + k, root;
			if (!(pick & (1u << k)))
				continue;
			seen[node] = 1;
			root = ref_find(parent, node);
			if (!have) {
				first = root;
				have = 1;
			} else if (root != first) {
				parent[root] = first;
				flags[first] |= flags[root];
			}
		}
		flags[ref_find(parent, first)] |= flags_of(r, who);
	}
	for (unsigned i = 0; i < people * 3; i++)
		if (seen[i] && parent[i] == i) {
			ref.distinct++;
			ref.sensitive += (flags[i] & SHUAN_PERSON_SENSITIVE) != 0;
			ref.minors += (flags[i] & SHUAN_PERSON_MINOR) != 0;
		}
	free(parent);
	free(flags);
	free(seen);
	return ref;
}

static shuan_people *roundtrip(shuan_people *p)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	shuan_people *q = NULL;
	assert_int_equal(shuan_people_save(p, &buf, &len), 0);
	assert_int_equal(shuan_people_load(&q, buf, len), 0);
	shuan_people_buffer_free(buf);
	shuan_people_free(p);
	return q;
}

static void assert_same_counts(const shuan_people *a, const shuan_people *b)
{
	shuan_people_counts x = counts(a), y = counts(b);
	assert_int_equal(x.distinct, y.distinct);
	assert_int_equal(x.sensitive, y.sensitive);
	assert_int_equal(x.minors, y.minors);
	assert_int_equal(x.exact, y.exact);
}

static void test_merge_of_split_runs_equals_one_run(void **state)
{
	shuan_people *one = counter(0), *parts[3], *merged = counter(0);
	const uint64_t records = 30000, people = 9000;
	shuan_people_counts c;
	(void)state;
	feed(one, 0, records, people);
	c = counts(one);
	assert_true(c.exact);
	{
		struct reference ref = reference_counts(records, people);
		assert_int_equal(c.distinct, ref.distinct);
		assert_int_equal(c.sensitive, ref.sensitive);
		assert_int_equal(c.minors, ref.minors);
		/* the population links: fewer sets than identifiers seen */
		assert_true(ref.distinct > people && ref.distinct < 2 * people);
		assert_true(ref.minors > 0);
	}
	/* split unevenly, each part saved and loaded as a partial inventory would be */
	parts[0] = counter(0);
	parts[1] = counter(0);
	parts[2] = counter(0);
	feed(parts[0], 0, 1000, people);
	feed(parts[1], 1000, 17000, people);
	feed(parts[2], 17000, records, people);
	{
		uint64_t sum = 0;
		for (int i = 0; i < 3; i++) {
			parts[i] = roundtrip(parts[i]);
			sum += counts(parts[i]).distinct;
		}
		/* the parts share people: adding their counts would overcount */
		assert_true(sum > c.distinct + 1000);
	}
	/* merge in a different order from the run's */
	assert_int_equal(shuan_people_merge(merged, parts[2]), 0);
	assert_int_equal(shuan_people_merge(merged, parts[0]), 0);
	assert_int_equal(shuan_people_merge(merged, parts[1]), 0);
	assert_same_counts(merged, one);
	/* merging the same part again, or itself, adds no one */
	assert_int_equal(shuan_people_merge(merged, parts[1]), 0);
	assert_int_equal(shuan_people_merge(merged, merged), 0);
	assert_same_counts(merged, one);
	/* linkage that only shows across parts: ID in one, ID+phone in another,
	 * phone in a third is one person */
	{
		shuan_people *a = counter(0), *b = counter(0), *d = counter(0);
		add(a, 0, 1, ID, (uint64_t)500000);
		add(a, 0, 1, PHONE, (uint64_t)500000);
		add(b, 0, 2, ID, (uint64_t)500000, PHONE, (uint64_t)500000);
		add(d, SHUAN_PERSON_SENSITIVE, 1, PHONE, (uint64_t)500000);
		assert_int_equal(counts(a).distinct, 2);
		assert_int_equal(shuan_people_merge(a, d), 0);
		assert_int_equal(counts(a).distinct, 2);
		assert_int_equal(shuan_people_merge(a, b), 0);
		assert_int_equal(counts(a).distinct, 1);
		assert_int_equal(counts(a).sensitive, 1);
		shuan_people_free(a);
		shuan_people_free(b);
		shuan_people_free(d);
	}
	for (int i = 0; i < 3; i++)
		shuan_people_free(parts[i]);
	shuan_people_free(one);
	shuan_people_free(merged);
}

/* Merging into an empty counter copies it: the copy answers lookups (a
 * later record links to the copied sets) and keeps flags and counts; into
 * an empty counter whose limit is too small, the sets are replayed and the
 * copy becomes an estimate. */
static void test_merge_into_empty_is_a_working_copy(void **state)
{
	shuan_people *from = counter(0), *copy = counter(0), *small = counter(100);
	shuan_people_counts c;
	(void)state;
	feed(from, 0, 30000, 9000);
	add(from, SHUAN_PERSON_MINOR, 2, ID, (uint64_t)700000, PHONE, (uint64_t)700000);
	add(from, 0, 1, PHONE, (uint64_t)800000);
	assert_int_equal(shuan_people_merge(copy, from), 0);
	assert_same_counts(copy, from);
	/* an ID of the copied set plus a phone of another person's copied set
	 * links the two: one person fewer, in the copy as in the original */
	c = counts(copy);
	add(copy, 0, 2, ID, (uint64_t)700000, PHONE, (uint64_t)800000);
	add(from, 0, 2, ID, (uint64_t)700000, PHONE, (uint64_t)800000);
	assert_same_counts(copy, from);
	assert_int_equal(counts(copy).distinct, c.distinct - 1);
	assert_int_equal(counts(copy).minors, c.minors);
	/* a saved copy loads to the same counts */
	copy = roundtrip(copy);
	assert_same_counts(copy, from);
	assert_int_equal(shuan_people_merge(small, from), 0);
	c = counts(small);
	assert_false(c.exact);
	assert_true(c.distinct > 0);
	shuan_people_free(from);
	shuan_people_free(copy);
	shuan_people_free(small);

	/* a counter with more hash slots than its identifiers need (a record
	 * of one identifier 300 times reserves room for 300): the copy has
	 * fewer slots and indexes the identifiers itself, so it finds them */
	shuan_person_id same[300];
	for (size_t i = 0; i < 300; i++)
		same[i] = pid(PHONE, 42);
	from = counter(0);
	copy = counter(0);
	assert_int_equal(shuan_people_add_record(from, same, 300, 0), 0);
	add(from, 0, 1, EMAIL, (uint64_t)43);
	assert_int_equal(shuan_people_merge(copy, from), 0);
	add(copy, 0, 2, PHONE, (uint64_t)42, EMAIL, (uint64_t)43);
	assert_int_equal(counts(copy).distinct, 1);
	shuan_people_free(from);
	shuan_people_free(copy);
}

static double rel_err(uint64_t est, uint64_t truth) { return ((double)est - (double)truth) / (double)truth; }

static void test_exact_switches_to_estimate_within_bound(void **state)
{
	shuan_people *p = counter(1000);
	const uint64_t people = 200000;
	shuan_people_counts c;
	(void)state;
	/* exact up to the limit */
	for (uint64_t i = 0; i < 500; i++)
		add(p, 0, 2, ID, i, PHONE, i);
	c = counts(p);
	assert_true(c.exact);
	assert_int_equal(c.distinct, 500);
	/* exactly 1000 identifiers: still exact; the next one switches, and
	 * the record that did it is one person */
	add(p, SHUAN_PERSON_SENSITIVE, 2, ID, (uint64_t)500, PHONE, (uint64_t)500);
	add(p, 0, 2, ID, (uint64_t)501, PHONE, (uint64_t)501);
	c = counts(p);
	assert_false(c.exact);
	assert_true(c.error_bound > 0.0080 && c.error_bound < 0.0082); /* 1.04 / sqrt(16384) */
	/* at a small cardinality the estimator is close to exact */
	assert_true(c.distinct >= 498 && c.distinct <= 506);
	assert_true(c.sensitive >= 1 && c.sensitive <= 2);
	/* people known before the switch are found again by any identifier */
	for (uint64_t i = 0; i < 500; i++)
		add(p, 0, 1, PHONE, i);
	assert_true(counts(p).distinct <= 506);
	/* then many more, each seen three times under different identifiers */
	for (uint64_t i = 502; i < people; i++)
		add(p, i % 10 == 0 ? SHUAN_PERSON_SENSITIVE : 0, 1, ID, i);
	for (uint64_t i = 502; i < people; i++)
		add(p, 0, 2, PHONE, i, ID, i); /* the strongest identifier represents */
	c = counts(p);
	assert_false(c.exact);
	/* four standard errors: fails by chance with p < 1e-4, and the seed is fixed */
	assert_true(rel_err(c.distinct, people) < 4 * c.error_bound);
	assert_true(rel_err(c.distinct, people) > -4 * c.error_bound);
	{
		uint64_t sensitive = 1; /* person 500, then every tenth */
		for (uint64_t i = 502; i < people; i++)
			sensitive += i % 10 == 0;
		assert_true(rel_err(c.sensitive, sensitive) < 4 * c.error_bound);
		assert_true(rel_err(c.sensitive, sensitive) > -4 * c.error_bound);
	}
	assert_int_equal(c.minors, 0);
	/* the estimate survives save/load */
	{
		shuan_people_counts before = c;
		p = roundtrip(p);
		c = counts(p);
		assert_int_equal(c.distinct, before.distinct);
		assert_int_equal(c.sensitive, before.sensitive);
		assert_false(c.exact);
	}
	shuan_people_free(p);
}

static void test_merge_with_estimates(void **state)
{
	shuan_people *a = counter(5000), *b = counter(5000), *e = counter(0);
	const uint64_t people = 60000;
	shuan_people_counts c;
	(void)state;
	/* halves overlapping by a third: 0..40000 and 20000..60000 */
	for (uint64_t i = 0; i < 40000; i++)
		add(a, 0, 1, ID, i);
	for (uint64_t i = 20000; i < people; i++)
		add(b, 0, 1, ID, i);
	assert_false(counts(a).exact);
	assert_false(counts(b).exact);
	/* and a small exact counter with people of both and new ones */
	for (uint64_t i = 39990; i < 40010; i++)
		add(e, SHUAN_PERSON_MINOR, 1, ID, i);
	for (uint64_t i = people; i < people + 100; i++)
		add(e, 0, 1, ID, i);
	a = roundtrip(a);
	b = roundtrip(b);
	assert_int_equal(shuan_people_merge(a, b), 0);
	assert_int_equal(shuan_people_merge(a, e), 0);
	c = counts(a);
	assert_false(c.exact);
	assert_true(rel_err(c.distinct, people + 100) < 4 * c.error_bound);
	assert_true(rel_err(c.distinct, people + 100) > -4 * c.error_bound);
	assert_true(c.minors >= 19 && c.minors <= 21);
	/* an exact counter merged with an estimate becomes an estimate */
	assert_int_equal(shuan_people_merge(e, a), 0);
	assert_false(counts(e).exact);
	assert_true(rel_err(counts(e).distinct, people + 100) < 4 * c.error_bound);
	shuan_people_free(a);
	shuan_people_free(b);
	shuan_people_free(e);
}

static void test_save_load_roundtrip(void **state)
{
	shuan_people *p = counter(0), *q;
	unsigned char *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0;
	(void)state;
	/* an empty counter */
	assert_int_equal(shuan_people_save(p, &buf, &len), 0);
	assert_int_equal(shuan_people_load(&q, buf, len), 0);
	assert_int_equal(counts(q).distinct, 0);
	assert_true(counts(q).exact);
	shuan_people_free(q);
	shuan_people_buffer_free(buf);

	feed(p, 0, 5000, 2000);
	assert_int_equal(shuan_people_save(p, &buf, &len), 0);
	assert_int_equal(shuan_people_load(&q, buf, len), 0);
	assert_same_counts(p, q);
	/* saving the loaded counter gives the same bytes (flattened sets) */
	assert_int_equal(shuan_people_save(q, &buf2, &len2), 0);
	{
		shuan_people *r = NULL;
		unsigned char *buf3 = NULL;
		size_t len3 = 0;
		assert_int_equal(shuan_people_load(&r, buf2, len2), 0);
		assert_int_equal(shuan_people_save(r, &buf3, &len3), 0);
		assert_int_equal(len3, len2);
		assert_memory_equal(buf3, buf2, len2);
		shuan_people_buffer_free(buf3);
		shuan_people_free(r);
	}
	/* and both go on the same way */
	feed(p, 5000, 9000, 3000);
	feed(q, 5000, 9000, 3000);
	assert_same_counts(p, q);
	assert_true(counts(q).distinct >= 3000);
	shuan_people_buffer_free(buf);
	shuan_people_buffer_free(buf2);
	shuan_people_free(p);
	shuan_people_free(q);
}

/* Rewrites the trailing SHA-256 so a structurally bad buffer gets past the
 * checksum and must be refused by the structure checks. */
static void reseal(unsigned char *b, size_t len)
{
	unsigned int n = 0;
	assert_int_equal(EVP_Digest(b, len - 32, b + len - 32, &n, EVP_sha256(), NULL), 1);
}

static void test_corrupt_input_refused(void **state)
{
	shuan_people *p = counter(0), *q = NULL;
	unsigned char *buf = NULL, *bad;
	size_t len = 0;
	const size_t header = 24, node = 22;
	(void)state;
	add(p, SHUAN_PERSON_SENSITIVE, 2, ID, (uint64_t)1, PHONE, (uint64_t)1);
	add(p, 0, 1, EMAIL, (uint64_t)2);
	add(p, 0, 1, PHONE, (uint64_t)3);
	assert_int_equal(shuan_people_save(p, &buf, &len), 0);
	assert_int_equal(len, header + 8 + 4 * node + 32);
	bad = malloc(len + 1);
	assert_non_null(bad);

	/* every truncation, and one byte too many */
	for (size_t cut = 0; cut < len; cut++) {
		assert_int_equal(shuan_people_load(&q, buf, cut), SHUAN_EINVAL);
		assert_null(q);
	}
	memcpy(bad, buf, len);
	bad[len] = 0;
	assert_int_equal(shuan_people_load(&q, bad, len + 1), SHUAN_EINVAL);
	/* every single flipped bit */
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(bad, buf, len);
			bad[i] ^= (unsigned char)(1u << bit);
			assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
			assert_null(q);
		}
	assert_int_equal(shuan_people_load(&q, NULL, 10), SHUAN_EINVAL);
	assert_int_equal(shuan_people_load(NULL, buf, len), SHUAN_EINVAL);

	/* a counter of format 1 (HMAC fingerprints), intact: refused, and
	 * named as older for the caller's message; not a counter at all: 0 */
	assert_int_equal(shuan_people_saved_format(buf, len), SHUAN_PEOPLE_FORMAT);
	memcpy(bad, buf, len);
	bad[8] = 1;
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	assert_null(q);
	assert_int_equal(shuan_people_saved_format(bad, len), 1);
	bad[0] = 'X';
	assert_int_equal(shuan_people_saved_format(bad, len), 0);
	assert_int_equal(shuan_people_saved_format(buf, 8), 0);
	assert_int_equal(shuan_people_saved_format(NULL, 0), 0);

	/* with a valid checksum: a root index out of range */
	memcpy(bad, buf, len);
	bad[header + 8 + 18] = 0xff;
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	/* a node whose root is not a root (a chain): node 0 -> node of another set */
	memcpy(bad, buf, len);
	for (size_t i = 0; i < 4; i++) {
		/* find a member (root != self) and point a root at it */
		uint32_t r;
		memcpy(&r, bad + header + 8 + i * node + 18, 4);
		if (r != i) {
			uint32_t self_is_member = (uint32_t)i;
			size_t root_slot = r;
			memcpy(bad + header + 8 + root_slot * node + 18, &self_is_member, 4);
			bad[header + 8 + root_slot * node + 17] = 0;
			break;
		}
	}
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	/* the same identifier twice */
	memcpy(bad, buf, len);
	memcpy(bad + header + 8 + node, bad + header + 8, 16);
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	/* unknown flags, an unknown strength */
	memcpy(bad, buf, len);
	bad[header + 8 + 17] |= 0x80;
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	memcpy(bad, buf, len);
	bad[header + 8 + 16] = 200;
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	/* more nodes claimed than the limit allows */
	memcpy(bad, buf, len);
	memset(bad + 16, 0, 8);
	bad[16] = 2;
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	/* an unknown format version and mode */
	memcpy(bad, buf, len);
	bad[8] = SHUAN_PEOPLE_FORMAT + 1;
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	memcpy(bad, buf, len);
	bad[12] = 7;
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	/* a resealed intact copy loads: the checks above are not the checksum's */
	memcpy(bad, buf, len);
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), 0);
	assert_int_equal(counts(q).distinct, 3);
	assert_int_equal(counts(q).sensitive, 1);
	shuan_people_free(q);
	free(bad);
	shuan_people_buffer_free(buf);
	shuan_people_free(p);

	/* an estimated counter with a register out of range */
	p = counter(10);
	for (uint64_t i = 0; i < 100; i++)
		add(p, 0, 1, ID, i);
	assert_int_equal(shuan_people_save(p, &buf, &len), 0);
	assert_int_equal(len, header + 1 + 3 * 16384 + 32);
	bad = malloc(len);
	assert_non_null(bad);
	memcpy(bad, buf, len);
	bad[header + 1 + 5] = 52;
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	memcpy(bad, buf, len);
	bad[header] = 12; /* another precision */
	reseal(bad, len);
	assert_int_equal(shuan_people_load(&q, bad, len), SHUAN_EINVAL);
	for (size_t cut = 0; cut < len; cut += 97)
		assert_int_equal(shuan_people_load(&q, buf, cut), SHUAN_EINVAL);
	free(bad);
	shuan_people_buffer_free(buf);
	shuan_people_free(p);
}

static void test_options_and_allocation_failures(void **state)
{
	shuan_people_options o = SHUAN_PEOPLE_OPTIONS_INIT;
	shuan_people *p = NULL, *from = counter(0);
	unsigned char *buf = NULL;
	size_t len = 0;
	(void)state;
	o.version = 99;
	assert_int_equal(shuan_people_new(&p, &o), SHUAN_EINVAL);
	assert_null(p);
	o.version = SHUAN_PEOPLE_OPTIONS_VERSION;
	o.max_exact = SHUAN_PEOPLE_MAX_EXACT_LIMIT + 1;
	assert_int_equal(shuan_people_new(&p, &o), SHUAN_EINVAL);
	assert_int_equal(shuan_people_new(&p, NULL), 0);
	shuan_people_free(p);

	feed(from, 0, 300, 200);
	assert_int_equal(shuan_people_save(from, &buf, &len), 0);
	/* fail each allocation in turn: an error, never a crash or a leak, and
	 * a failed add leaves the counter as it was */
	for (long n = 1; n < 200; n++) {
		shuan_people *q = NULL, *r = NULL;
		int rc;
		shuan_alloc_fail_after(n);
		rc = shuan_people_new(&q, NULL);
		if (rc == 0)
			rc = shuan_people_merge(q, from);
		if (rc == 0) {
			shuan_person_id id = pid(ID, 123456);
			uint64_t before = counts(q).distinct;
			rc = shuan_people_add_record(q, &id, 1, 0);
			if (rc != 0)
				assert_int_equal(counts(q).distinct, before);
		}
		if (rc == 0)
			rc = shuan_people_load(&r, buf, len);
		shuan_alloc_fail_after(0);
		assert_true(rc == 0 || rc == SHUAN_ENOMEM);
		shuan_people_free(q);
		shuan_people_free(r);
	}
	shuan_people_buffer_free(buf);
	shuan_people_free(from);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linkage_across_records),
		cmocka_unit_test(test_flags_follow_the_person),
		cmocka_unit_test(test_merge_of_split_runs_equals_one_run),
		cmocka_unit_test(test_merge_into_empty_is_a_working_copy),
		cmocka_unit_test(test_exact_switches_to_estimate_within_bound),
		cmocka_unit_test(test_merge_with_estimates),
		cmocka_unit_test(test_save_load_roundtrip),
		cmocka_unit_test(test_corrupt_input_refused),
		cmocka_unit_test(test_options_and_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
