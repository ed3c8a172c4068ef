/*
 * lib/inventory/classify.c - from evidence to the inventory: what each
 * column holds, its category, sensitivity and grade, and per source the
 * people counts and the 重要数据候选 rules of the profile.
 *
 * A column's class, in order of strength of evidence:
 *   1. no non-empty value read: its name or comment cue alone (confidence
 *      0.4), else nothing;
 *   2. images (binary values with an image header) under a name cue of an
 *      image class (身份证照片, 人脸): that class;
 *   3. a detector validating at least half the non-empty values, or a fifth
 *      under a name cue for it, or 30% of short values: that detector;
 *   4. a dictionary covering 80% of the values, or half under its cue;
 *   5. birth dates / ages under their cue, 80% of the values parsing;
 *   6. free text (a 备注/remark-like name or mostly long values) with
 *      detector hits: "free_text", the detectors found inside listed;
 *   7. a name cue the values do not bear out: the cue's class with
 *      confidence 0.3 (values encrypted, hashed or masked?);
 *   8. 5% or more of the values validating: that detector, low confidence.
 * Sensitive: the class is; most of its findings were raised (minors,
 * precise location); or the table holds records of children under 14, which
 * makes all their PI sensitive (PIPL Art. 28).
 * Grade: always 一般数据, sub-level from the profile's first matching rule.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/inventory/internal.h"
#include "lib/rules/internal.h"
#include "util/alloc.h"

#define MINOR_SPI "不满十四周岁未成年人的个人信息"

static int add_basis(inv_column *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add_basis(inv_column *c, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = shuan_buf_vaddf(&c->basis, fmt, ap);
	va_end(ap);
	return rc ? rc : shuan_buf_addc(&c->basis, '\0');
}

/* Points out.basis at the NUL-separated lines. */
static int seal_basis(inv_column *c)
{
	size_t n = 0;
	const char *p = c->basis.p;
	for (size_t i = 0; i < c->basis.len; i++)
		n += c->basis.p[i] == '\0';
	shuan_free(c->basis_v);
	if (!(c->basis_v = shuan_calloc(n + 1, sizeof(char *))))
		return SHUAN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		c->basis_v[i] = p;
		p += strlen(p) + 1;
	}
	c->out.basis = c->basis_v;
	c->out.nbasis = n;
	return 0;
}

static double pct(uint64_t a, uint64_t b) { return b ? 100.0 * (double)a / (double)b : 0; }

static const inv_class *class_of_detector(const inv_classes *cl, const char *id)
{
	for (size_t i = 0; i < cl->n; i++)
		if (cl->v[i].detector && !strcmp(cl->v[i].detector, id))
			return &cl->v[i];
	return NULL;
}

static void set_class(inv_column *c, const inv_class *k, const shuan_detector_info *d)
{
	c->out.data_type = k ? k->id : d->id;
	c->out.label = k ? k->label_zh : d->label_zh;
	c->out.category = k ? k->category : d->pi_category;
	c->out.pi = true;
	c->out.sensitive = k ? k->sensitive : d->sensitive;
	c->out.spi_category = c->out.sensitive ? (k ? k->spi_category : d->spi_category) : "";
}

/* The class a column's name cues, taken because most of its ne non-empty
 * values (hits) are what that class expects: dates or ages. */
static void set_by_values(inv_column *c, const inv_class *k, uint64_t hits, uint64_t ne, double confidence,
                          const char *what)
{
	set_class(c, k, NULL);
	c->out.hit_rate = (double)hits / (double)ne;
	c->out.confidence = confidence;
	add_basis(c, "%llu of %llu values are %s", (unsigned long long)hits, (unsigned long long)ne, what);
}

static int cites_line(inv_column *c, const inv_class *k)
{
	shuan_buf b;
	int rc;
	if (!k || !k->ncites)
		return 0;
	shuan_buf_init(&b, 4096);
	for (size_t i = 0; i < k->ncites; i++)
		shuan_buf_addf(&b, "%s%s", i ? ", " : "", k->cites[i]);
	rc = add_basis(c, "cites: %s%s", shuan_buf_str(&b),
		       k->unverified ? " (class placement is shuan's reading, unverified)" : "");
	shuan_buf_free(&b);
	return rc;
}

static int classify_column(shuan_inventory *inv, inv_column *c, const inv_table *t)
{
	const shuan_rules *rules = inv->rules;
	const inv_classes *cl = &inv->classes;
	size_t nd = shuan_rules_count(rules), best_d = SIZE_MAX, best_k = SIZE_MAX;
	uint64_t ne = c->non_empty, best_hits = 0, best_dict = 0;
	int cue = shuan_inv__name_class(cl, c->column, c->comment);
	const inv_class *cuek = cue >= 0 ? &cl->v[cue] : NULL;
	bool free_name = shuan_inv__is_free_text_name(cl, c->column, c->comment);
	bool free_text = free_name || (c->values >= 4 && 2 * c->long_values >= c->values);
	bool findings_only = !strncmp(t->method, "findings only", 13);
	double rate_d = 0, rate_k = 0;
	const shuan_detector_info *d = NULL;

	shuan_buf_reset(&c->basis);
	memset(&c->out, 0, sizeof(c->out));
	c->out.source = c->source;
	c->out.table = c->table;
	c->out.column = c->column;
	c->out.comment = c->comment;
	c->out.type = c->type;
	c->out.sampled = c->sampled;
	c->out.non_empty = c->non_empty;
	c->out.data_type = c->out.label = c->out.category = c->out.spi_category = "";
	c->out.grade = "一般数据";

	for (size_t i = 0; i < nd; i++)
		if (c->det[i].hits > best_hits) {
			best_hits = c->det[i].hits;
			best_d = i;
		}
	for (size_t i = 0; i < cl->n; i++)
		if ((cl->v[i].dict || cl->v[i].icd10) && c->dict[i] > best_dict) {
			best_dict = c->dict[i];
			best_k = i;
		}
	if (best_d != SIZE_MAX) {
		d = &rules->dets[best_d].info;
		rate_d = ne ? (double)best_hits / (double)ne : 0;
		if (rate_d > 1)
			rate_d = 1;
	}
	if (best_k != SIZE_MAX)
		rate_k = c->dict_checked ? (double)best_dict / (double)c->dict_checked : 0;
	if (findings_only)
		add_basis(c, "findings only: this format is scanned as it is, so rates count records (lines or rows), "
			     "not the field's values");
	if (c->type[0])
		add_basis(c, "type %s", c->type);
	if (cuek)
		add_basis(c, "name%s cue: '%s'%s%s%s suggests %s (%s)", c->comment[0] ? "/comment" : "", c->column,
			  c->comment[0] ? " / '" : "", c->comment, c->comment[0] ? "'" : "", cuek->id,
			  cuek->label_zh);

	if (ne == 0) {
		if (cuek && (cuek->values != INV_VALUES_IMAGE || !c->values)) {
			set_class(c, cuek, NULL);
			c->out.confidence = 0.4;
			add_basis(c, "no non-empty value read (%llu rows): classified by its name alone",
				  (unsigned long long)c->sampled);
		} else {
			add_basis(c, "no non-empty value read (%llu rows)", (unsigned long long)c->sampled);
		}
	} else if (c->images && 2 * c->images >= c->values && cuek && cuek->values == INV_VALUES_IMAGE) {
		set_class(c, cuek, NULL);
		c->out.hit_rate = (double)c->images / (double)ne;
		c->out.confidence = 0.9;
		add_basis(c, "%llu of %llu values are images (%s) under the name cue", (unsigned long long)c->images,
			  (unsigned long long)ne, c->binary_kind[0] ? c->binary_kind : "image");
	} else if (d && !free_name && (rate_d >= 0.5 || (rate_d >= 0.2 && cuek && cuek->detector && !strcmp(cuek->detector, d->id)) ||
			 (!free_text && rate_d >= 0.3))) {
		const inv_det_acc *a = &c->det[best_d];
		double avg = a->findings ? a->confidence / (double)a->findings : 0;
		set_class(c, class_of_detector(cl, d->id), d);
		c->out.data_type = d->id;
		c->out.hit_rate = rate_d;
		c->out.confidence = avg * (rate_d >= 0.8 ? 1.0 : 0.6 + rate_d / 2) +
				    (cuek && cuek->detector && !strcmp(cuek->detector, d->id) ? 0.1 : 0);
		add_basis(c, "detector %s (%s): %llu of %llu non-empty values validated (%.1f%%), mean confidence %.2f",
			  d->id, d->label_zh, (unsigned long long)a->hits, (unsigned long long)ne, 100 * rate_d, avg);
		if (a->sensitive * 2 > a->findings && !c->out.sensitive) {
			c->out.sensitive = true;
			c->out.spi_category = a->minors * 2 > a->findings ? MINOR_SPI : d->spi_category[0] ? d->spi_category
													    : "其他敏感个人信息";
			add_basis(c, "%llu of %llu findings were raised to sensitive PI (%s)", (unsigned long long)a->sensitive,
				  (unsigned long long)a->findings, c->out.spi_category);
		}
	} else if (best_k != SIZE_MAX && (rate_k >= 0.8 || (rate_k >= 0.5 && cue == (int)best_k))) {
		const inv_class *k = &cl->v[best_k];
		set_class(c, k, NULL);
		c->out.hit_rate = rate_k;
		c->out.confidence = (rate_k >= 0.95 ? 0.9 : 0.7) + (cue == (int)best_k ? 0.1 : 0);
		add_basis(c, "dictionary %s (%s): %llu of %llu non-empty values looked up (%.1f%%)", k->id, k->label_zh,
			  (unsigned long long)best_dict, (unsigned long long)c->dict_checked, 100 * rate_k);
		cites_line(c, k);
	} else if (cuek && cuek->values == INV_VALUES_DATE && c->dates * 5 >= ne * 4) {
		set_by_values(c, cuek, c->dates, ne, 0.85, "dates under a birth-date name");
	} else if (cuek && cuek->values == INV_VALUES_AGE && c->ages * 5 >= ne * 4) {
		set_by_values(c, cuek, c->ages, ne, 0.8, "ages under an age name");
	} else if (free_text && d) {
		bool sens = false;
		c->out.data_type = "free_text";
		c->out.label = "自由文本（含个人信息）";
		c->out.pi = true;
		c->out.category = d->pi_category;
		c->out.hit_rate = rate_d;
		c->out.confidence = 0.6;
		add_basis(c, "free text (%s): detectors found inside:",
			  shuan_inv__is_free_text_name(cl, c->column, c->comment) ? "its name" : "mostly long values");
		for (size_t i = 0; i < nd; i++)
			if (c->det[i].hits) {
				add_basis(c, "  %s (%s): %llu of %llu values (%.1f%%)", rules->dets[i].info.id,
					  rules->dets[i].info.label_zh, (unsigned long long)c->det[i].hits,
					  (unsigned long long)ne, pct(c->det[i].hits, ne));
				if (c->det[i].sensitive && !sens) {
					sens = true;
					c->out.sensitive = true;
					c->out.spi_category = c->det[i].minors ? MINOR_SPI
							      : rules->dets[i].info.spi_category[0]
								      ? rules->dets[i].info.spi_category
								      : "其他敏感个人信息";
				}
			}
	} else if (cuek && !(cuek->values == INV_VALUES_IMAGE && !c->images)) {
		set_class(c, cuek, NULL);
		c->out.confidence = 0.3;
		c->out.hit_rate = cuek->detector && d && !strcmp(cuek->detector, d->id) ? rate_d
				  : cue == (int)best_k ? rate_k : 0;
		add_basis(c, "values do not bear the name out (%.1f%% match): encrypted, hashed or masked? kept as %s "
			     "on its name, low confidence",
			  100 * c->out.hit_rate, cuek->id);
	} else if (d && rate_d >= 0.05) {
		set_class(c, class_of_detector(cl, d->id), d);
		c->out.data_type = d->id;
		c->out.hit_rate = rate_d;
		c->out.confidence = 0.3 + rate_d;
		add_basis(c, "detector %s (%s) validated %llu of %llu values (%.1f%%): partly personal information",
			  d->id, d->label_zh, (unsigned long long)best_hits, (unsigned long long)ne, 100 * rate_d);
	} else if (d) {
		add_basis(c, "sporadic: %llu of %llu values matched %s (%.2f%%), below the 5%% needed to classify",
			  (unsigned long long)best_hits, (unsigned long long)ne, d->id, 100 * rate_d);
	} else {
		add_basis(c, "no detector, dictionary or name cue matched %llu non-empty values", (unsigned long long)ne);
	}
	if (c->out.confidence > 1)
		c->out.confidence = 1;
	if (c->out.pi && !c->out.sensitive && t->minors) {
		c->out.sensitive = true;
		c->out.spi_category = MINOR_SPI;
		add_basis(c, "the table holds records of children under 14 (ID numbers, birth dates or ages): their PI "
			     "is sensitive (PIPL Art. 28)");
	}
	if (c->out.sensitive)
		add_basis(c, "sensitive PI: %s (PIPL Art. 28; TC260-PG-20244A)", c->out.spi_category);
	if (c->truncated)
		add_basis(c, "%llu values were read up to the %zu-byte cell cap", (unsigned long long)c->truncated,
			  inv->db.max_cell ? inv->db.max_cell : SHUAN_DB_DEFAULT_MAX_CELL);
	if (c->binary_skipped)
		add_basis(c, "%llu binary values not scanned (%s)", (unsigned long long)c->binary_skipped,
			  c->binary_kind[0] ? c->binary_kind : "binary data");
	if (c->binary_as_text)
		add_basis(c, "%llu binary values held text and were scanned", (unsigned long long)c->binary_as_text);
	/* the grade */
	{
		const inv_profile *p = &inv->profile;
		char n[256];
		bool public_ = false;
		shuan_inv__norm_name(c->column, n, sizeof(n));
		for (size_t i = 0; i < p->npublic; i++)
			public_ |= !strcmp(p->public_names[i], n);
		for (size_t i = 0; i < p->nsub; i++) {
			const inv_sublevel *s = &p->sub[i];
			if ((s->when == INV_WHEN_SENSITIVE && c->out.sensitive) || (s->when == INV_WHEN_PI && c->out.pi) ||
			    (s->when == INV_WHEN_PUBLIC && public_ && !c->out.pi) || s->when == INV_WHEN_INTERNAL) {
				static const char *const why[] = {"sensitive PI", "personal information", "public", "internal"};
				c->out.sublevel = s->level;
				c->out.sublevel_label = s->label;
				add_basis(c, "grade 一般数据 %s (%s; profile %s%s)", s->level, why[s->when], p->id,
					  p->unverified ? ", a configurable default" : "");
				break;
			}
		}
		if (!c->out.sublevel) {
			c->out.sublevel = "";
			c->out.sublevel_label = "";
		}
	}
	return seal_basis(c);
}

static int add_reason(inv_source *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add_reason(inv_source *s, const char *fmt, ...)
{
	char line[1024];
	char **v;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!(v = shuan_realloc(s->reasons, (s->nreasons + 1) * sizeof(*v))))
		return SHUAN_ENOMEM;
	s->reasons = v;
	if (!(v[s->nreasons] = shuan_strdup(line)))
		return SHUAN_ENOMEM;
	s->nreasons++;
	return 0;
}

/* The profile's candidate rules on one source. */
static int candidates(shuan_inventory *inv, inv_source *s)
{
	const inv_profile *p = &inv->profile;
	const shuan_people_counts *pc = &s->out.people;
	int rc = 0;

	for (size_t i = 0; i < p->ncand && rc == 0; i++) {
		const inv_candidate_rule *r = &p->cand[i];
		bool ok = true, estimated = false;
		int64_t rows_hint = -1;
		if (r->nclasses_any) {
			bool any = false;
			for (size_t c = 0; c < inv->cols.n && !any; c++) {
				const inv_column *col = &SHUAN_VEC_AT(&inv->cols, inv_column, c);
				if (strcmp(col->source, s->source))
					continue;
				for (size_t k = 0; k < r->nclasses_any && !any; k++)
					any = !strcmp(col->out.data_type, r->classes_any[k]);
			}
			ok &= any;
		}
		if (ok && (r->people_at_least || r->sensitive_people_at_least || r->minors_at_least)) {
			bool counts = (!r->people_at_least || pc->distinct >= r->people_at_least) &&
				      (!r->sensitive_people_at_least || pc->sensitive >= r->sensitive_people_at_least) &&
				      (!r->minors_at_least || pc->minors >= r->minors_at_least);
			if (!counts && s->sampled) {
				/* a sample cannot count people; a table with PI and enough rows may reach the threshold */
				uint64_t need = r->people_at_least ? r->people_at_least
						: r->sensitive_people_at_least ? r->sensitive_people_at_least
									       : r->minors_at_least;
				for (size_t t = 0; t < inv->tables.n; t++) {
					const inv_table *tb = &SHUAN_VEC_AT(&inv->tables, inv_table, t);
					bool pi = false;
					if (strcmp(tb->source, s->source) || tb->est_rows < (int64_t)need)
						continue;
					for (size_t c = tb->first_col; c < tb->first_col + tb->ncols; c++)
						pi |= SHUAN_VEC_AT(&inv->cols, inv_column, c).out.pi;
					if (pi && tb->est_rows > rows_hint)
						rows_hint = tb->est_rows;
				}
				estimated = rows_hint >= 0;
			}
			ok &= counts || estimated;
		}
		if (!ok)
			continue;
		s->out.important_candidate = true;
		if (estimated)
			rc = add_reason(s, "%s [%s]（抽样：某含个人信息的表约有 %lld 行，达到阈值；人数需用 --full 计数确认）",
					r->reason_zh, r->id, (long long)rows_hint);
		else
			rc = add_reason(s, "%s [%s]（人数：%llu%s%s）%s", r->reason_zh, r->id,
					(unsigned long long)pc->distinct, pc->exact ? "" : "，估计值",
					s->sampled ? "，抽样所得" : "", r->unverified ? " [UNVERIFIED]" : "");
	}
	return rc;
}

/* The people of n parts (a source's tables, the inventory's sources): the
 * one part's counter, borrowed (copying a large table's counter was 7% of a
 * --full run), or a new empty counter of its own (*own) the caller merges
 * the parts into. */
static int sum_people(const shuan_people **out, shuan_people **own, size_t n, const shuan_people *one,
		      const shuan_people_options *po)
{
	int rc;
	shuan_people_free(*own);
	*own = NULL;
	*out = NULL;
	if (n == 1) {
		*out = one;
		return 0;
	}
	if ((rc = shuan_people_new(own, po)) < 0)
		return rc;
	*out = *own;
	return 0;
}

int shuan_inv__classify(shuan_inventory *inv)
{
	shuan_people_options po = SHUAN_PEOPLE_OPTIONS_INIT;
	int rc;

	po.max_exact = inv->max_exact;
	for (size_t t = 0; t < inv->tables.n; t++) {
		const inv_table *tb = &SHUAN_VEC_AT(&inv->tables, inv_table, t);
		for (size_t c = tb->first_col; c < tb->first_col + tb->ncols; c++)
			if ((rc = classify_column(inv, &SHUAN_VEC_AT(&inv->cols, inv_column, c), tb)) < 0)
				return rc;
	}
	for (size_t i = 0; i < inv->sources.n; i++) {
		inv_source *s = &SHUAN_VEC_AT(&inv->sources, inv_source, i);
		const shuan_people *first = NULL;
		size_t ntables = 0;
		for (size_t t = 0; t < inv->tables.n; t++) {
			const inv_table *tb = &SHUAN_VEC_AT(&inv->tables, inv_table, t);
			if (!strcmp(tb->source, s->source) && !ntables++)
				first = tb->people;
		}
		if ((rc = sum_people(&s->people, &s->own_people, ntables, first, &po)) < 0)
			return rc;
		for (size_t t = 0; s->own_people && t < inv->tables.n; t++) {
			const inv_table *tb = &SHUAN_VEC_AT(&inv->tables, inv_table, t);
			if (!strcmp(tb->source, s->source) && (rc = shuan_people_merge(s->own_people, tb->people)) < 0)
				return rc;
		}
	}
	if ((rc = sum_people(&inv->people, &inv->own_people, inv->sources.n,
			     inv->sources.n ? SHUAN_VEC_AT(&inv->sources, inv_source, 0).people : NULL, &po)) < 0)
		return rc;
	for (size_t i = 0; inv->own_people && i < inv->sources.n; i++)
		if ((rc = shuan_people_merge(inv->own_people, SHUAN_VEC_AT(&inv->sources, inv_source, i).people)) < 0)
			return rc;
	for (size_t i = 0; i < inv->sources.n; i++) {
		inv_source *s = &SHUAN_VEC_AT(&inv->sources, inv_source, i);
		memset(&s->out, 0, sizeof(s->out));
		s->out.source = s->source;
		s->out.kind = s->kind;
		s->out.tables = 0;
		for (size_t t = 0; t < inv->tables.n; t++)
			s->out.tables += !strcmp(SHUAN_VEC_AT(&inv->tables, inv_table, t).source, s->source);
		s->out.rows_read = s->rows_read;
		s->out.errors = (const char *const *)s->errors;
		s->out.nerrors = s->nerrors;
		s->out.sampled = s->sampled;
		shuan_people_counts_get(s->people, &s->out.people);
		for (size_t r = 0; r < s->nreasons; r++)
			shuan_free(s->reasons[r]);
		s->nreasons = 0;
		if ((rc = candidates(inv, s)) < 0)
			return rc;
		s->out.reasons = (const char *const *)s->reasons;
		s->out.nreasons = s->nreasons;
	}
	return 0;
}
