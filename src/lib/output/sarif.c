/*
 * lib/output/sarif.c - SARIF 2.1.0 for GitHub code scanning and other SARIF
 * viewers. One reportingDescriptor per selected detector; one result per
 * finding with its region (line, column, byte offset and length), a masked
 * message, and the keyed fingerprint as a partialFingerprint so that viewers
 * can track a finding across runs without ever seeing the value.
 */
#include <string.h>

#include "lib/output/output.h"
#include "shuan/common.h"

/* SARIF artifact URIs: relative paths as they are ("./x" -> "x"), which is
 * what code-scanning uploads want; absolute paths as file:// URIs. */
static void uri(FILE *out, const char *path)
{
	char buf[4200];
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/') {
		snprintf(buf, sizeof(buf), "file://%s", path);
		path = buf;
	}
	shuan_json_cstring(out, path);
}

static void sarif_begin(shuan_output *r)
{
	FILE *o = r->out;
	fprintf(o, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
		   "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"shuan\",\"semanticVersion\":\"%s\","
		   "\"informationUri\":\"https://github.com/shuan-project/shuan\",\"rules\":[",
		shuan_version());
	for (size_t i = 0; i < shuan_rules_count(r->rules); i++) {
		const shuan_detector_info *d = shuan_rules_detector(r->rules, i);
		char text[512];
		fprintf(o, "%s{\"id\":", i ? "," : "");
		shuan_json_cstring(o, d->id);
		fputs(",\"name\":", o);
		shuan_json_cstring(o, d->label_en);
		snprintf(text, sizeof(text), "%s (%s)", d->label_zh, d->label_en);
		fputs(",\"shortDescription\":{\"text\":", o);
		shuan_json_cstring(o, text);
		snprintf(text, sizeof(text), "%s. PI category: %s.%s%s", d->source ? d->source : d->label_en,
			 d->pi_category, d->sensitive ? " Sensitive PI: " : "", d->sensitive ? d->spi_category : "");
		fputs("},\"fullDescription\":{\"text\":", o);
		shuan_json_cstring(o, text);
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

static void sarif_finding(shuan_output *r, const shuan_finding *f)
{
	FILE *o = r->out;
	char msg[512];
	snprintf(msg, sizeof(msg), "%s (%s) found: %s%s%s%s%s%s", f->detector->label_zh, f->detector->label_en,
		 f->evidence, f->location ? " at " : "", f->location ? f->location : "", f->field ? " in field " : "",
		 f->field ? f->field : "",
		 f->sensitive ? " [sensitive personal information]" : "");
	fprintf(o, "%s{\"ruleId\":", r->count ? "," : "");
	shuan_json_cstring(o, f->detector->id);
	fprintf(o, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":", rule_index(r->rules, f->detector->id),
		f->sensitive ? "error" : "warning");
	shuan_json_cstring(o, msg);
	fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", o);
	uri(o, f->path);
	if (f->location) {
		/* A spreadsheet cell: no byte region in the file, a logical location instead. */
		fputs("}},\"logicalLocations\":[{\"fullyQualifiedName\":", o);
		shuan_json_cstring(o, f->location);
		/* a database column is a member of its table; its row is in the properties */
		fputs(f->row ? ",\"kind\":\"member\"}]}]" : ",\"kind\":\"cell\"}]}]", o);
	} else {
		fprintf(o,
			"},\"region\":{\"startLine\":%llu,\"startColumn\":%llu,\"byteOffset\":%llu,\"byteLength\":%llu}}}]",
			(unsigned long long)f->line, (unsigned long long)f->column, (unsigned long long)f->offset,
			(unsigned long long)f->length);
	}
	if (f->fingerprint && f->fingerprint[0]) {
		fputs(",\"partialFingerprints\":{\"shuanValue/v1\":", o);
		shuan_json_cstring(o, f->fingerprint);
		fputc('}', o);
	}
	fputs(",\"properties\":{", o);
	shuan_output__finding_fields(o, f, r->reveal);
	fputs("}}", o);
}

static void sarif_end(shuan_output *r, const shuan_stats *st, const shuan_output_summary *sum)
{
	fprintf(r->out, "],\"invocations\":[{\"executionSuccessful\":%s}],\"properties\":{",
		sum->interrupted ? "false" : "true");
	shuan_output__summary_fields(r->out, st, sum, r->rules);
	fputs("}}]}\n", r->out);
}

const shuan_output_ops shuan_output_sarif = {sarif_begin, sarif_finding, sarif_end};
