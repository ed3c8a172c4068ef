/*
 * lib/output/json.c - the findings schema (docs/findings-schema.md) as JSON
 * Lines (one object per finding, then one summary object) and as one JSON
 * document {"schema_version", "findings": [...], "summary": {...}}.
 */
#include <string.h>

#include "lib/output/output.h"
#include "shuan/common.h"

void shuan_output__finding_fields(FILE *out, const shuan_finding *f, bool reveal)
{
	const shuan_detector_info *d = f->detector;
	shuan_json_field(out, "\"path\":", f->path);
	fprintf(out, ",\"line\":%llu,\"column\":%llu,\"offset\":%llu,\"length\":%llu,\"detector\":",
		(unsigned long long)f->line, (unsigned long long)f->column, (unsigned long long)f->offset,
		(unsigned long long)f->length);
	shuan_json_cstring(out, d->id);
	shuan_json_field(out, ",\"label\":", d->label_zh);
	shuan_json_field(out, ",\"label_en\":", d->label_en);
	shuan_json_field(out, ",\"pi_category\":", d->pi_category);
	fprintf(out, ",\"sensitive\":%s,\"spi_category\":", f->sensitive ? "true" : "false");
	shuan_json_cstring(out, f->sensitive ? f->spi_category : NULL);
	fprintf(out, ",\"confidence\":%.2f,\"context\":%s,\"field\":", f->confidence, f->context ? "true" : "false");
	shuan_json_cstring(out, f->field);
	shuan_json_field(out, ",\"location\":", f->location);
	shuan_json_field(out, ",\"row\":", f->row);
	shuan_json_field(out, ",\"evidence\":", f->evidence);
	shuan_json_field(out,
	                 ",\"fingerprint\":", f->fingerprint && f->fingerprint[0] ? f->fingerprint : NULL);
	if (reveal) {
		fputs(",\"value\":", out);
		shuan_json_string(out, f->value, f->value_len);
	}
	fputs(",\"attributes\":{", out);
	const char *sep = "";
	if (f->attrs.kind && f->attrs.kind[0]) {
		shuan_json_field(out, "\"kind\":", f->attrs.kind);
		sep = ",";
	}
	if (f->attrs.sex) {
		fprintf(out, "%s\"sex\":\"%c\"", sep, f->attrs.sex);
		sep = ",";
	}
	if (f->attrs.age >= 0 && f->attrs.birth_year) {
		fprintf(out, "%s\"age\":%d,\"minor_under_14\":%s", sep, f->attrs.age,
			f->attrs.minor_under_14 ? "true" : "false");
		sep = ",";
		/* The birth date is part of the value itself: only when revealing. */
		if (reveal)
			fprintf(out, ",\"birth_date\":\"%04d-%02d-%02d\"", f->attrs.birth_year,
				f->attrs.birth_month, f->attrs.birth_day);
	}
	if (!strcmp(d->validator, "credential")) {
		fprintf(out, "%s\"weak_password\":%s", sep, f->attrs.weak_password ? "true" : "false");
		sep = ",";
	}
	if (f->attrs.precision) {
		fprintf(out, "%s\"precision\":%d,\"precise\":%s", sep, f->attrs.precision,
			f->attrs.precise ? "true" : "false");
	}
	shuan_json_field(out, "},\"rule\":{\"id\":", d->id);
	fprintf(out, ",\"rev\":%d,\"cites\":[", d->rev);
	for (size_t i = 0; i < d->n_cites; i++) {
		if (i)
			fputc(',', out);
		shuan_json_cstring(out, d->cites[i]);
	}
	fputs("]}", out);
}

void shuan_output__summary_fields(FILE *out, const shuan_stats *st, const shuan_output_summary *sum, const shuan_rules *rules)
{
	double mb = (double)shuan_stats_bytes(st) / 1e6;
	fprintf(out, "\"schema_version\":\"%s\",\"shuan_version\":\"%s\",\"started\":", FINDINGS_SCHEMA_VERSION,
		shuan_version());
	shuan_json_cstring(out, sum->started);
	fprintf(out,
		",\"elapsed_seconds\":%.3f,\"throughput_mb_s\":%.1f,\"interrupted\":%s,"
		"\"inputs\":{\"scanned\":%llu,\"skipped\":%llu,\"skipped_reasons\":[",
		sum->elapsed, sum->elapsed > 0 ? mb / sum->elapsed : 0.0, sum->interrupted ? "true" : "false",
		(unsigned long long)shuan_stats_inputs_scanned(st), (unsigned long long)shuan_stats_inputs_skipped(st));
	for (size_t i = 0; i < shuan_stats_skip_count(st); i++) {
		uint64_t n;
		const char *reason = shuan_stats_skip_reason(st, i, &n);
		fprintf(out, "%s{\"reason\":", i ? "," : "");
		shuan_json_cstring(out, reason);
		fprintf(out, ",\"count\":%llu}", (unsigned long long)n);
	}
	fprintf(out, "],\"warned\":%llu,\"interrupted\":%llu,\"unreadable\":%llu},\"complete\":%s,\"limits\":[",
		(unsigned long long)shuan_stats_warned(st), (unsigned long long)shuan_stats_inputs_interrupted(st),
		(unsigned long long)sum->unreadable, sum->incomplete || sum->interrupted ? "false" : "true");
	const char *sep = "";
	for (int l = SHUAN_LIMIT_NONE + 1; l <= SHUAN_LIMIT_MAX; l++) {
		uint64_t n = shuan_stats_limit_hits(st, (shuan_limit)l);
		if (!n)
			continue;
		fprintf(out, "%s{\"limit\":\"%s\",\"inputs\":%llu}", sep, shuan_limit_name((shuan_limit)l),
			(unsigned long long)n);
		sep = ",";
	}
	fprintf(out, "],\"bytes\":%llu,\"invalid_utf8_sequences\":%llu,\"invalid_bytes\":%llu,\"findings\":%llu,"
		     "\"sensitive\":%llu,",
		(unsigned long long)shuan_stats_bytes(st), (unsigned long long)shuan_stats_invalid_utf8(st),
		(unsigned long long)shuan_stats_invalid_bytes(st),
		(unsigned long long)shuan_stats_findings(st), (unsigned long long)shuan_stats_sensitive(st));
	fprintf(out, "\"suppressed\":{\"ignore_file\":%llu,\"baseline\":%llu},",
		(unsigned long long)sum->suppressed_ignore, (unsigned long long)sum->suppressed_baseline);
	fprintf(out, "\"distinct_exact\":%s,\"by_detector\":[", shuan_stats_distinct_exact(st) ? "true" : "false");
	for (size_t i = 0; i < shuan_stats_detector_count(st); i++) {
		const shuan_stats_detector *d = shuan_stats_detector_at(st, i);
		const shuan_detector_info *info = shuan_rules_find(rules, d->id);
		fprintf(out, "%s{\"detector\":", i ? "," : "");
		shuan_json_cstring(out, d->id);
		shuan_json_field(out, ",\"label\":", info ? info->label_zh : NULL);
		fprintf(out, ",\"findings\":%llu,\"distinct\":%llu,\"sensitive\":%llu}", (unsigned long long)d->findings,
			(unsigned long long)d->distinct, (unsigned long long)d->sensitive);
	}
	shuan_json_field(out, "],\"fingerprint\":{\"alg\":", sum->fingerprint_alg);
	fprintf(out, ",\"ephemeral_key\":%s},\"store\":", sum->fingerprint_ephemeral ? "true" : "false");
	shuan_json_cstring(out, sum->store_dir);
	if (sum->scan_id)
		fprintf(out, ",\"scan_id\":%lld", sum->scan_id);
	else
		fputs(",\"scan_id\":null", out);
}

/* A finding's fields and the summary's, between what JSON Lines and the
 * JSON document put around them. */
static void finding_in(shuan_output *r, const shuan_finding *f, const char *before, const char *after)
{
	fputs(before, r->out);
	shuan_output__finding_fields(r->out, f, r->reveal);
	fputs(after, r->out);
}

static void summary_in(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum,
                       const char *before, const char *after)
{
	fputs(before, r->out);
	shuan_output__summary_fields(r->out, st, sum, r->rules);
	fputs(after, r->out);
}

static void jsonl_begin(shuan_output *r)
{
	(void)r;
}

static void jsonl_finding(shuan_output *r, const shuan_finding *f)
{
	finding_in(r, f, "{\"type\":\"finding\",", "}\n");
}

static void jsonl_end(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum)
{
	summary_in(r, st, sum, "{\"type\":\"summary\",", "}\n");
}

static void json_begin(shuan_output *r)
{
	fprintf(r->out, "{\"schema_version\":\"%s\",\"findings\":[", FINDINGS_SCHEMA_VERSION);
}

static void json_finding(shuan_output *r, const shuan_finding *f)
{
	finding_in(r, f, r->count ? ",\n{" : "\n{", "}");
}

static void json_end(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum)
{
	summary_in(r, st, sum, "\n],\"summary\":{", "}}\n");
}

const shuan_output_ops shuan_output_jsonl = {jsonl_begin, jsonl_finding, jsonl_end};
const shuan_output_ops shuan_output_json = {json_begin, json_finding, json_end};

/* --format summary: no finding lines, only the JSON summary object that
 * ends a JSON Lines run (one line: inputs, skips, limits, counts by
 * detector) - for sizing a share ("how much PI is there?") and for CI gates
 * that only need the counts. */
static void summary_finding(shuan_output *r, const shuan_finding *f)
{
	(void)r;
	(void)f;
}

const shuan_output_ops shuan_output_summary_only = {jsonl_begin, summary_finding, jsonl_end};
