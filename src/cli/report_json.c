/*
 * cli/report_json.c - the findings schema (docs/findings-schema.md) as JSON
 * Lines (one object per finding, then one summary object) and as one JSON
 * document {"schema_version", "findings": [...], "summary": {...}}.
 */
#include <string.h>

#include "cli/report.h"
#include "shuan/common.h"

void json_string(FILE *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0; /* start of the pending run of bytes that need no escape */
	putc_unlocked('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		fwrite_unlocked(s + run, 1, i - run, out);
		run = i + 1;
		switch (c) {
		case '"': fputs_unlocked("\\\"", out); break;
		case '\\': fputs_unlocked("\\\\", out); break;
		case '\n': fputs_unlocked("\\n", out); break;
		case '\r': fputs_unlocked("\\r", out); break;
		case '\t': fputs_unlocked("\\t", out); break;
		default:
			fputs_unlocked("\\u00", out);
			putc_unlocked(hex[c >> 4], out);
			putc_unlocked(hex[c & 15], out);
		}
	}
	fwrite_unlocked(s + run, 1, n - run, out);
	putc_unlocked('"', out);
}

void json_cstring(FILE *out, const char *s)
{
	if (s)
		json_string(out, s, strlen(s));
	else
		fputs("null", out);
}

void json_finding_fields(FILE *out, const shuan_finding *f, bool reveal)
{
	const shuan_detector_info *d = f->detector;
	fputs("\"path\":", out);
	json_cstring(out, f->path);
	fprintf(out, ",\"line\":%llu,\"column\":%llu,\"offset\":%llu,\"length\":%llu,\"detector\":",
		(unsigned long long)f->line, (unsigned long long)f->column, (unsigned long long)f->offset,
		(unsigned long long)f->length);
	json_cstring(out, d->id);
	fputs(",\"label\":", out);
	json_cstring(out, d->label_zh);
	fputs(",\"label_en\":", out);
	json_cstring(out, d->label_en);
	fputs(",\"pi_category\":", out);
	json_cstring(out, d->pi_category);
	fprintf(out, ",\"sensitive\":%s,\"spi_category\":", f->sensitive ? "true" : "false");
	json_cstring(out, f->sensitive ? f->spi_category : NULL);
	fprintf(out, ",\"confidence\":%.2f,\"context\":%s,\"field\":", f->confidence, f->context ? "true" : "false");
	json_cstring(out, f->field);
	fputs(",\"location\":", out);
	json_cstring(out, f->location);
	fputs(",\"evidence\":", out);
	json_cstring(out, f->evidence);
	fputs(",\"fingerprint\":", out);
	json_cstring(out, f->fingerprint && f->fingerprint[0] ? f->fingerprint : NULL);
	if (reveal) {
		fputs(",\"value\":", out);
		json_string(out, f->value, f->value_len);
	}
	fputs(",\"attributes\":{", out);
	const char *sep = "";
	if (f->attrs.kind && f->attrs.kind[0]) {
		fputs("\"kind\":", out);
		json_cstring(out, f->attrs.kind);
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
	fputs("},\"rule\":{\"id\":", out);
	json_cstring(out, d->id);
	fprintf(out, ",\"rev\":%d,\"cites\":[", d->rev);
	for (size_t i = 0; i < d->n_cites; i++) {
		if (i)
			fputc(',', out);
		json_cstring(out, d->cites[i]);
	}
	fputs("]}", out);
}

void json_summary_fields(FILE *out, const shuan_stats *st, const report_summary *sum, const shuan_rules *rules)
{
	double mb = (double)shuan_stats_bytes(st) / 1e6;
	fprintf(out, "\"schema_version\":\"%s\",\"shuan_version\":\"%s\",\"started\":", FINDINGS_SCHEMA_VERSION,
		shuan_version());
	json_cstring(out, sum->started);
	fprintf(out,
		",\"elapsed_seconds\":%.3f,\"throughput_mb_s\":%.1f,\"interrupted\":%s,"
		"\"inputs\":{\"scanned\":%llu,\"skipped\":%llu,\"skipped_reasons\":[",
		sum->elapsed, sum->elapsed > 0 ? mb / sum->elapsed : 0.0, sum->interrupted ? "true" : "false",
		(unsigned long long)shuan_stats_inputs_scanned(st), (unsigned long long)shuan_stats_inputs_skipped(st));
	for (size_t i = 0; i < shuan_stats_skip_count(st); i++) {
		uint64_t n;
		const char *reason = shuan_stats_skip_reason(st, i, &n);
		fprintf(out, "%s{\"reason\":", i ? "," : "");
		json_cstring(out, reason);
		fprintf(out, ",\"count\":%llu}", (unsigned long long)n);
	}
	fprintf(out, "]},\"bytes\":%llu,\"invalid_utf8_sequences\":%llu,\"invalid_bytes\":%llu,\"findings\":%llu,"
		     "\"sensitive\":%llu,",
		(unsigned long long)shuan_stats_bytes(st), (unsigned long long)shuan_stats_invalid_utf8(st),
		(unsigned long long)shuan_stats_invalid_bytes(st),
		(unsigned long long)shuan_stats_findings(st), (unsigned long long)shuan_stats_sensitive(st));
	fprintf(out, "\"distinct_exact\":%s,\"by_detector\":[", shuan_stats_distinct_exact(st) ? "true" : "false");
	for (size_t i = 0; i < shuan_stats_detector_count(st); i++) {
		const shuan_stats_detector *d = shuan_stats_detector_at(st, i);
		const shuan_detector_info *info = shuan_rules_find(rules, d->id);
		fprintf(out, "%s{\"detector\":", i ? "," : "");
		json_cstring(out, d->id);
		fputs(",\"label\":", out);
		json_cstring(out, info ? info->label_zh : NULL);
		fprintf(out, ",\"findings\":%llu,\"distinct\":%llu,\"sensitive\":%llu}", (unsigned long long)d->findings,
			(unsigned long long)d->distinct, (unsigned long long)d->sensitive);
	}
	fputs("],\"fingerprint\":{\"alg\":", out);
	json_cstring(out, sum->fingerprint_alg);
	fprintf(out, ",\"ephemeral_key\":%s},\"store\":", sum->fingerprint_ephemeral ? "true" : "false");
	json_cstring(out, sum->store_dir);
	if (sum->scan_id)
		fprintf(out, ",\"scan_id\":%lld", sum->scan_id);
	else
		fputs(",\"scan_id\":null", out);
}

static void jsonl_begin(report *r) { (void)r; }

static void jsonl_finding(report *r, const shuan_finding *f)
{
	fputs("{\"type\":\"finding\",", r->out);
	json_finding_fields(r->out, f, r->reveal);
	fputs("}\n", r->out);
}

static void jsonl_end(report *r, const shuan_stats *st, const report_summary *sum)
{
	fputs("{\"type\":\"summary\",", r->out);
	json_summary_fields(r->out, st, sum, r->rules);
	fputs("}\n", r->out);
}

static void json_begin(report *r) { fprintf(r->out, "{\"schema_version\":\"%s\",\"findings\":[", FINDINGS_SCHEMA_VERSION); }

static void json_finding(report *r, const shuan_finding *f)
{
	fputs(r->count ? ",\n{" : "\n{", r->out);
	json_finding_fields(r->out, f, r->reveal);
	fputc('}', r->out);
}

static void json_end(report *r, const shuan_stats *st, const report_summary *sum)
{
	fputs("\n],\"summary\":{", r->out);
	json_summary_fields(r->out, st, sum, r->rules);
	fputs("}}\n", r->out);
}

const report_ops report_jsonl = {jsonl_begin, jsonl_finding, jsonl_end};
const report_ops report_json = {json_begin, json_finding, json_end};

/* --format summary: no per-finding output, just the summary object - for
 * sizing a share ("how much PI is where?") and for CI gates that only need
 * the counts. */
static void summary_finding(report *r, const shuan_finding *f)
{
	(void)r;
	(void)f;
}

const report_ops report_summary_only = {jsonl_begin, summary_finding, jsonl_end};
