/*
 * lib/risk/measures.c - the figures of an equivalence-class structure,
 * class by class, as ARX's RiskModelSampleSummary computes them (see
 * shuan/risk.h for the definitions). Small hand-computed tables in
 * tests/unit/test_risk.c pin every formula.
 */
#include <math.h>
#include <string.h>

#include "lib/risk/internal.h"
#include "util/alloc.h"

void rk_measures_init(rk_measures *m, uint64_t target_k, bool sensitive)
{
	memset(m, 0, sizeof(*m));
	m->target_k = target_k;
	m->sensitive = sensitive;
	m->l_entropy = INFINITY;
}

int rk_measures_class(void *ud, const rk_class *c)
{
	rk_measures *m = ud;
	m->records += c->size;
	m->classes++;
	if (!m->k || c->size < m->k)
		m->k = c->size;
	if (c->size < m->target_k)
		m->below_k += c->size;
	if (!m->l_distinct || c->distinct < m->l_distinct)
		m->l_distinct = c->distinct;
	double le = exp(c->entropy);
	if (le < m->l_entropy)
		m->l_entropy = le;
	if (c->size <= 1024) {
		m->small[c->size]++;
	} else {
		int b = 10;
		while (b < 63 && (c->size - 1) >> (b + 1))
			b++;
		m->big[b]++;
		m->big_records[b] += c->size;
	}
	return 0;
}

int rk_measures_result(const rk_measures *m, shuan_risk_result *r)
{
	size_t nb = 0;
	r->records = m->records;
	r->classes = m->classes;
	r->k = m->k;
	r->target_k = m->target_k;
	r->below_k = m->below_k;
	r->below_k_share = m->records ? (double)m->below_k / (double)m->records : 0;
	r->have_sensitive = m->sensitive;
	r->l_distinct = m->sensitive ? m->l_distinct : 0;
	r->l_entropy = m->sensitive && m->classes ? m->l_entropy : 0;
	/* the data is its own population: journalist = prosecutor, and the
	 * marketer's expected share re-identified is |C| / n */
	r->prosecutor_max = m->k ? 1.0 / (double)m->k : 0;
	r->prosecutor_avg = m->records ? (double)m->classes / (double)m->records : 0;
	r->journalist_max = r->prosecutor_max;
	r->marketer = r->prosecutor_avg;
	for (size_t s = 1; s <= 1024; s++)
		nb += m->small[s] != 0;
	for (int b = 0; b < 64; b++)
		nb += m->big[b] != 0;
	if (nb && !(r->buckets = shuan_calloc(nb, sizeof(*r->buckets))))
		return SHUAN_ENOMEM;
	for (size_t s = 1; s <= 1024; s++)
		if (m->small[s])
			r->buckets[r->nbuckets++] = (shuan_risk_bucket){s, s, m->small[s], m->small[s] * s};
	for (int b = 0; b < 64; b++)
		if (m->big[b])
			r->buckets[r->nbuckets++] = (shuan_risk_bucket){
			    ((uint64_t)1 << b) + 1, (uint64_t)1 << (b + 1), m->big[b], m->big_records[b]};
	return 0;
}

shuan_hash128 rk_tuple_hash(const char *const *v, const size_t *vl, size_t n)
{
	shuan_hasher h;
	shuan_hasher_init(&h, 0x5155);
	for (size_t i = 0; i < n; i++)
		shuan_hasher_field(&h, v[i], vl[i]);
	return shuan_hasher_final(&h);
}

shuan_hash128 rk_pair_hash(shuan_hash128 cls, const char *s, size_t sl)
{
	shuan_hasher h;
	shuan_hasher_init(&h, cls.lo ^ 0x9E37);
	shuan_hasher_add(&h, &cls, sizeof(cls));
	shuan_hasher_field(&h, s, sl);
	return shuan_hasher_final(&h);
}

bool rk_suppressed(const char *const *v, const size_t *vl, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (vl[i] != 1 || v[i][0] != '*')
			return false;
	return n > 0;
}
