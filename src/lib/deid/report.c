/*
 * lib/deid/report.c - the mask report (--report FILE): per input, per field
 * and detector, the rule that applied, the action and the count, and which
 * outputs are surrogates. Surrogates are valid by design, so a scan of the
 * masked output finds them; the report says where, so a reviewer (or a CI
 * check) can tell them from a value that escaped masking.
 *
 * The report holds no value, no key and no tag text beyond the policy's own.
 */
#include <stdio.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "util/json.h"

static const char *rule_kind_name(deid_rule_kind k)
{
	switch (k) {
	case RULE_COLUMN:
		return "column";
	case RULE_PATH:
		return "path";
	case RULE_FIELD:
		return "field";
	default:
		return "detector";
	}
}

/* The action a count was made with, and where its rule was written. */
static const deid_action *count_action(const shuan_masker *m, const deid_count *c, const char **rule,
                                       const char **where)
{
	*where = NULL;
	if (c->rule >= 0) {
		const deid_rule *r = &SHUAN_VEC_AT(&m->policy->rules, deid_rule, c->rule);
		*rule = rule_kind_name(r->kind);
		*where = r->where;
		return &r->act;
	}
	if (c->det >= 0) {
		*rule = m->det_act[c->det] == &m->fallback ? "fallback" : "default";
		return m->det_act[c->det];
	}
	*rule = "unmask";
	return NULL;
}

static void write_input(const shuan_masker *m, const deid_input_report *ir, FILE *out, uint64_t *surrogates)
{
	const shuan_mask_result *r = &ir->res;
	uint64_t sur = 0;
	shuan_json_field(out, "{\"input\":", ir->path);
	shuan_json_field(out, ",\"output\":", ir->output);
	fprintf(out, ",\"ok\":%s,\"error\":", r->error[0] ? "false" : "true");
	shuan_json_cstring(out, r->error[0] ? r->error : NULL);
	fprintf(out, ",\"format\":\"%s\",\"encoding\":",
	        r->format == SHUAN_FORMAT_AUTO && !strcmp(r->encoding, "xlsx")
	            ? "xlsx"
	            : shuan_format_name(r->format));
	shuan_json_cstring(out, r->encoding);
	shuan_json_field(out, ",\"output_encoding\":", r->output_encoding);
	fprintf(out,
	        ",\"bytes_in\":%llu,\"bytes_out\":%llu,\"records\":%llu,\"masked\":%llu,\"invalid\":%llu,"
	        "\"suppressed\":%llu,\"invalid_utf8\":%llu,\"fields\":[",
	        (unsigned long long)r->bytes_in, (unsigned long long)r->bytes_out,
	        (unsigned long long)r->records, (unsigned long long)r->masked, (unsigned long long)r->invalid,
	        (unsigned long long)r->suppressed, (unsigned long long)r->invalid_utf8);
	for (size_t i = 0; i < ir->counts.v.n; i++) {
		const deid_count *c = &SHUAN_VEC_AT(&ir->counts.v, deid_count, i);
		const char *rule, *where;
		const deid_action *a = count_action(m, c, &rule, &where);
		bool is_sur = a && a->kind == ACT_SURROGATE;
		shuan_json_field(out, i ? ",{\"field\":" : "{\"field\":", c->field[0] ? c->field : NULL);
		shuan_json_field(out, ",\"detector\":", c->det >= 0 ? m->rules->dets[c->det].info.id : NULL);
		fprintf(out, ",\"rule\":\"%s\",\"where\":", rule);
		shuan_json_cstring(out, where);
		shuan_json_field(out, ",\"action\":", a ? a->spec : "decrypt");
		fprintf(out, ",\"count\":%llu,\"invalid\":%llu,\"surrogate\":%s}",
		        (unsigned long long)c->count, (unsigned long long)c->invalid,
		        is_sur ? "true" : "false");
		if (is_sur)
			sur += c->count - c->invalid;
	}
	fprintf(out, "],\"surrogates\":%llu}", (unsigned long long)sur);
	*surrogates += sur;
}

int shuan_masker_report_json(const shuan_masker *m, FILE *out)
{
	uint64_t masked = 0, invalid = 0, failed = 0, surrogates = 0;
	fprintf(out,
	        "{\"report\":\"shuan-mask\",\"version\":1,\"shuan_version\":\"%s\",\"mode\":\"%s\",\"key_"
	        "check\":",
	        shuan_version(), m->opt.unmask ? "unmask" : "mask");
	shuan_json_cstring(out, m->key ? m->key->check : NULL);
	fprintf(out, ",\"reference_date\":\"%04d-%02d-%02d\",\"inputs\":[", m->vd.scan_year, m->vd.scan_month,
	        m->vd.scan_day);
	for (size_t i = 0; i < m->inputs.n; i++) {
		const deid_input_report *ir = &SHUAN_VEC_AT(&m->inputs, deid_input_report, i);
		if (i)
			fputc(',', out);
		write_input(m, ir, out, &surrogates);
		masked += ir->res.masked;
		invalid += ir->res.invalid;
		failed += ir->res.error[0] != '\0';
	}
	fprintf(out,
	        "],\"totals\":{\"inputs\":%zu,\"failed\":%llu,\"masked\":%llu,\"invalid\":%llu,"
	        "\"surrogates\":%llu},"
	        "\"surrogate_note\":\"surrogates are valid by design (real division codes, check digits, "
	        "allocated "
	        "prefixes): a scan of the output finds them at the fields listed with surrogate true\"}\n",
	        m->inputs.n, (unsigned long long)failed, (unsigned long long)masked,
	        (unsigned long long)invalid, (unsigned long long)surrogates);
	return ferror(out) ? SHUAN_EIO : 0;
}
