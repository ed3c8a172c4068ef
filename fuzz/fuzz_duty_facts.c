/*
 * fuzz/fuzz_duty_facts.c - incident facts (src/lib/duty/facts.c) and the
 * grading (incident.c) on arbitrary YAML.
 *
 * The input is a facts document. Facts that read and pass the checks are
 * graded against the bundled rules as of one fixed day, every deadline and
 * criterion is touched, and the facts are written back as the YAML the
 * store keeps: that text must read back to the same facts (the store's
 * round trip), or the target traps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "lib/duty/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static shuan_duty_rules *rules;

static void same(const shuan_incident_facts *a, const shuan_incident_facts *b)
{
	if (a->type != b->type || a->data_grade != b->data_grade || a->domain != b->domain ||
	    a->role != b->role || a->regime != b->regime || a->threat != b->threat ||
	    a->production_impact != b->production_impact || a->outage_scope != b->outage_scope ||
	    a->pi_people != b->pi_people || a->spi_people != b->spi_people || a->loss_cny != b->loss_cny ||
	    a->outage_hours != b->outage_hours || a->has_discovered != b->has_discovered ||
	    (a->has_discovered && (a->discovered.utc != b->discovered.utc ||
	                           a->discovered.offset_min != b->discovered.offset_min)) ||
	    a->has_response_ended != b->has_response_ended || (!a->title) != (!b->title) ||
	    (a->title && strcmp(a->title, b->title)))
		__builtin_trap();
	for (size_t i = 0; i < SHUAN_INCIDENT_REPORT_FIELDS; i++)
		if ((!a->report[i]) != (!b->report[i]) ||
		    (a->report[i] && strcmp(a->report[i], b->report[i])))
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	shuan_incident_facts f, back;
	shuan_incident_grade *g;
	shuan_buf yaml;
	shuan_time as_of = {1767225600, 480}; /* 2026-01-01T08:00+08:00 */
	char err[512];
	uint64_t sum = 0;

	if (size > (64u << 10))
		return 0;
	if (!rules && shuan_duty_rules_load(&rules, fuzz_rules_dir(), err, sizeof(err)) != 0)
		__builtin_trap();
	shuan_incident_facts_init(&f);
	shuan_incident_facts_init(&back);
	shuan_buf_init(&yaml, 1u << 20);
	if (shuan_incident_facts_parse(&f, "fuzz", (const char *)data, size, err, sizeof(err)) != 0)
		goto done;
	if (shuan_duty__facts_yaml(&f, &yaml) != 0 ||
	    shuan_incident_facts_parse(&back, "back", shuan_buf_str(&yaml), yaml.len, err, sizeof(err)) != 0)
		__builtin_trap();
	same(&f, &back);
	if (shuan_incident_facts_check(&f, &as_of, err, sizeof(err)) != 0)
		goto done;
	if ((g = malloc(sizeof(*g))) != NULL) {
		int rc = shuan_incident_grade_facts(rules, &f, NULL, 0, &as_of, g, err, sizeof(err));
		if (rc != 0 && rc != SHUAN_ENOTFOUND)
			__builtin_trap();
		for (size_t i = 0; i < g->ncriteria; i++)
			sum += strlen(g->criteria[i].detail) + strlen(g->criteria[i].rule);
		for (size_t i = 0; i < g->ndeadlines; i++)
			sum += strlen(g->deadlines[i].step) + strlen(g->deadlines[i].party) +
			       strlen(g->deadlines[i].reason);
		if (g->level > SHUAN_INCIDENT_EXTRAORDINARY)
			__builtin_trap();
		free(g);
	}
done:
	(void)sum;
	shuan_buf_free(&yaml);
	shuan_incident_facts_free(&back);
	shuan_incident_facts_free(&f);
	return 0;
}
