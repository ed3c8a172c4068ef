/*
 * lib/output/sarif.c - SARIF 2.1.0 for GitHub code scanning and other SARIF
 * viewers, valid against the OASIS schema (the tests validate every SARIF
 * they produce). One reportingDescriptor per selected detector; one result
 * per finding with its region (line, column, byte offset and length), a
 * masked message, and the keyed fingerprint as a partialFingerprint so that
 * viewers can track a finding across runs without ever seeing the value.
 *
 * Large runs: GitHub accepts at most 25,000 results per run. `aggregate`
 * writes one result per file and detector (the count, the first locations
 * as relatedLocations); `max_results` caps the results written, and the run
 * says how many findings were left out (properties.results_omitted and a
 * notification). Either way the gate and the summary count every finding.
 *
 * Artifact URIs are RFC 3986 references: relative paths as they are ("./x"
 * -> "x"), absolute ones as file:// URIs, every byte outside the unreserved
 * set and a few path delimiters percent-encoded (spaces, Chinese, GBK bytes
 * of a Windows file name alike), so any name stays a valid uri-reference.
 */
#include <string.h>

#include "lib/output/output.h"
#include "shuan/common.h"
#include "util/alloc.h"

#define AGG_EXAMPLES 5

static void uri(FILE *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	fputc('"', out);
	if (path[0] == '/')
		fputs("file://", out);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned char c = *p;
		/* unreserved, '/', and sub-delims that JSON needs no escape for */
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~/!$&'()*+,;=@", c))
			fputc(c, out);
		else
			fprintf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	fputc('"', out);
}

/* One finding kept for an aggregated result. */
typedef struct agg_loc {
	uint64_t line, column, offset, length;
	char location[160];
	char evidence[96];
	bool has_location;
	bool member; /* a database column: a member of its table (its row is in the properties) */
} agg_loc;

typedef struct agg {
	const shuan_detector_info *det;
	unsigned long long count, sensitive;
	agg_loc ex[AGG_EXAMPLES];
	size_t nex;
} agg;

typedef struct sarif_state {
	char path[4096];
	bool have_path;
	agg *a;
	size_t n, cap;
} sarif_state;

static void sarif_begin(shuan_output *r)
{
	FILE *o = r->out;
	if (r->aggregate)
		r->state = shuan_calloc(1, sizeof(sarif_state));
	fprintf(o, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
		   "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"shuan\",\"semanticVersion\":\"%s\","
		   "\"informationUri\":\"https://github.com/shuan-project/shuan\",\"rules\":[",
		shuan_version());
	for (size_t i = 0; i < shuan_rules_count(r->rules); i++) {
		const shuan_detector_info *d = shuan_rules_detector(r->rules, i);
		char text[512];
		fprintf(o, "%s{\"id\":", i ? "," : "");
		shuan_json_cstring(o, d->id);
		shuan_json_field(o, ",\"name\":", d->label_en);
		snprintf(text, sizeof(text), "%s (%s)", d->label_zh, d->label_en);
		shuan_json_field(o, ",\"shortDescription\":{\"text\":", text);
		snprintf(text, sizeof(text), "%s. PI category: %s.%s%s", d->source ? d->source : d->label_en,
			 d->pi_category, d->sensitive ? " Sensitive PI: " : "", d->sensitive ? d->spi_category : "");
		shuan_json_field(o, "},\"fullDescription\":{\"text\":", text);
		fprintf(o, "},\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{\"tags\":[\"privacy\",\"pii\"],"
			   "\"pi_category\":",
			d->sensitive ? "error" : "warning");
		shuan_json_cstring(o, d->pi_category);
		fputs(",\"cites\":[", o);
		for (size_t k = 0; k < d->n_cites; k++) {
			if (k)
				fputc(',', o);
			shuan_json_cstring(o, d->cites[k]);
		}
		fputs("]}}", o);
	}
	fputs("]}},\"results\":[", o);
}

static size_t rule_index(const shuan_rules *rules, const char *id)
{
	for (size_t i = 0; i < shuan_rules_count(rules); i++)
		if (!strcmp(shuan_rules_detector(rules, i)->id, id))
			return i;
	return 0;
}

/* A physicalLocation (and, for a cell, its logicalLocations) for one place. */
static void location(FILE *o, const char *path, const agg_loc *l, bool with_id, size_t id)
{
	fputc('{', o);
	if (with_id)
		fprintf(o, "\"id\":%zu,", id);
	fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":", o);
	uri(o, path);
	if (l->has_location) {
		/* A spreadsheet cell or a database column: no byte region in
		 * the file, a logical location instead. */
		shuan_json_field(o, "}},\"logicalLocations\":[{\"fullyQualifiedName\":", l->location);
		fputs(l->member ? ",\"kind\":\"member\"}]}" : ",\"kind\":\"cell\"}]}", o);
	} else {
		fprintf(o,
			"},\"region\":{\"startLine\":%llu,\"startColumn\":%llu,\"byteOffset\":%llu,\"byteLength\":%llu}}}",
			(unsigned long long)l->line, (unsigned long long)l->column, (unsigned long long)l->offset,
			(unsigned long long)l->length);
	}
}

static void loc_of(agg_loc *l, const shuan_finding *f)
{
	l->line = f->line;
	l->column = f->column;
	l->offset = f->offset;
	l->length = f->length;
	l->has_location = f->location != NULL;
	l->member = f->row != NULL;
	snprintf(l->location, sizeof(l->location), "%s", f->location ? f->location : "");
	snprintf(l->evidence, sizeof(l->evidence), "%s", f->evidence);
}

/* Whether one more result may be written; counts what the cap leaves out. */
static bool room(shuan_output *r, unsigned long long findings)
{
	if (r->max_results && r->results >= r->max_results) {
		r->omitted += findings;
		return false;
	}
	r->results++;
	return true;
}

static void one_result(shuan_output *r, const shuan_finding *f)
{
	FILE *o = r->out;
	char msg[512];
	agg_loc l;
	if (!room(r, 1))
		return;
	loc_of(&l, f);
	snprintf(msg, sizeof(msg), "%s (%s) found: %s%s%s%s%s%s", f->detector->label_zh, f->detector->label_en,
		 f->evidence, f->location ? " at " : "", f->location ? f->location : "", f->field ? " in field " : "",
		 f->field ? f->field : "", f->sensitive ? " [sensitive personal information]" : "");
	fprintf(o, "%s{\"ruleId\":", r->results > 1 ? "," : "");
	shuan_json_cstring(o, f->detector->id);
	fprintf(o, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":", rule_index(r->rules, f->detector->id),
		f->sensitive || shuan_output_is_secret(f) ? "error" : "warning");
	shuan_json_cstring(o, msg);
	fputs("},\"locations\":[", o);
	location(o, f->path, &l, false, 0);
	fputc(']', o);
	if (f->fingerprint && f->fingerprint[0]) {
		shuan_json_field(o, ",\"partialFingerprints\":{\"shuanValue/v1\":", f->fingerprint);
		fputc('}', o);
	}
	fputs(",\"properties\":{", o);
	shuan_output__finding_fields(o, f, r->reveal);
	fputs("}}", o);
}

/* The aggregated results of one file. */
static void flush_file(shuan_output *r, sarif_state *t)
{
	FILE *o = r->out;
	for (size_t i = 0; i < t->n; i++) {
		const agg *g = &t->a[i];
		char msg[512], where[180];
		if (!room(r, g->count))
			continue;
		if (g->ex[0].has_location)
			snprintf(where, sizeof(where), "%s", g->ex[0].location);
		else
			snprintf(where, sizeof(where), "line %llu", (unsigned long long)g->ex[0].line);
		snprintf(msg, sizeof(msg), "%s (%s): %llu finding%s in this file%s; the first at %s: %s", g->det->label_zh,
			 g->det->label_en, g->count, g->count == 1 ? "" : "s",
			 g->sensitive ? ", sensitive personal information" : "", where, g->ex[0].evidence);
		fprintf(o, "%s{\"ruleId\":", r->results > 1 ? "," : "");
		shuan_json_cstring(o, g->det->id);
		fprintf(o, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":", rule_index(r->rules, g->det->id),
			g->sensitive || !strcmp(g->det->validator, "credential") ? "error" : "warning");
		shuan_json_cstring(o, msg);
		fputs("},\"locations\":[", o);
		location(o, t->path, &g->ex[0], false, 0);
		fputc(']', o);
		if (g->nex > 1) {
			fputs(",\"relatedLocations\":[", o);
			for (size_t k = 1; k < g->nex; k++) {
				if (k > 1)
					fputc(',', o);
				location(o, t->path, &g->ex[k], true, k);
			}
			fputc(']', o);
		}
		shuan_json_field(o, ",\"properties\":{\"path\":", t->path);
		shuan_json_field(o, ",\"detector\":", g->det->id);
		fprintf(o, ",\"findings\":%llu,\"sensitive\":%llu,\"evidence\":[", g->count, g->sensitive);
		for (size_t k = 0; k < g->nex; k++) {
			if (k)
				fputc(',', o);
			shuan_json_cstring(o, g->ex[k].evidence);
		}
		fputs("]}}", o);
	}
	t->n = 0;
}

static void agg_finding(shuan_output *r, sarif_state *t, const shuan_finding *f)
{
	agg *g = NULL;
	if (!t->have_path || strcmp(t->path, f->path)) {
		flush_file(r, t);
		snprintf(t->path, sizeof(t->path), "%s", f->path);
		t->have_path = true;
	}
	for (size_t i = 0; i < t->n && !g; i++)
		if (t->a[i].det == f->detector)
			g = &t->a[i];
	if (!g) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 16;
			agg *v = shuan_realloc(t->a, cap * sizeof(*v));
			if (!v) {
				one_result(r, f); /* no memory to group: the finding on its own */
				return;
			}
			t->a = v;
			t->cap = cap;
		}
		g = &t->a[t->n++];
		memset(g, 0, sizeof(*g));
		g->det = f->detector;
	}
	g->count++;
	g->sensitive += f->sensitive;
	if (g->nex < AGG_EXAMPLES)
		loc_of(&g->ex[g->nex++], f);
}

static void sarif_finding(shuan_output *r, const shuan_finding *f)
{
	if (r->aggregate && r->state)
		agg_finding(r, r->state, f);
	else
		one_result(r, f);
}

static void notification(FILE *o, const shuan_output_notice *n, bool first)
{
	fputs(first ? "{\"level\":" : ",{\"level\":", o);
	fputs(n->error ? "\"error\"" : "\"warning\"", o);
	shuan_json_field(o, ",\"message\":{\"text\":", n->text);
	fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", o);
	uri(o, n->path);
	fputs("}}}]}", o);
}

static void sarif_end(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum)
{
	FILE *o = r->out;
	sarif_state *t = r->state;
	if (t) {
		flush_file(r, t);
		shuan_free(t->a);
		shuan_free(t);
		r->state = NULL;
	}
	fprintf(o, "],\"invocations\":[{\"executionSuccessful\":%s",
		sum->interrupted || sum->incomplete ? "false" : "true");
	if (sum->nnotices || r->omitted) {
		fputs(",\"toolExecutionNotifications\":[", o);
		for (size_t i = 0; i < sum->nnotices; i++)
			notification(o, &sum->notices[i], i == 0);
		if (r->omitted) {
			char text[200];
			snprintf(text, sizeof(text),
				 "%llu findings were left out of this SARIF log by the cap of %llu results (--max-results); "
				 "--sarif-aggregate writes one result per file and detector",
				 r->omitted, r->max_results);
			fputs(sum->nnotices ? ",{\"level\":\"warning\",\"message\":{\"text\":" : "{\"level\":\"warning\",\"message\":{\"text\":", o);
			shuan_json_cstring(o, text);
			fputs("}}", o);
		}
		fputc(']', o);
	}
	fputs("}],\"properties\":{", o);
	shuan_output__summary_fields(o, st, sum, r->rules);
	fprintf(o, ",\"results_written\":%llu,\"results_omitted\":%llu,\"aggregated\":%s,\"notices_omitted\":%llu}}]}\n",
		r->results, r->omitted, r->aggregate ? "true" : "false", (unsigned long long)sum->notices_dropped);
}

const shuan_output_ops shuan_output_sarif = {sarif_begin, sarif_finding, sarif_end};
