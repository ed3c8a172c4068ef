/*
 * fuzz/fuzz_regs_ingest.c - digest-article ingestion
 * (shuan_regs_ingest_buffer, src/lib/regs_ingest.c) on arbitrary bytes,
 * against the bundled regulation catalogue loaded once from rules/regs/.
 * Every string of the report is read so the sanitizers see bad pointers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "shuan/regs.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static shuan_regs *regs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];
	if (regs)
		return 0;
	if (shuan_regs_open(&regs, fuzz_rules_dir(), err, sizeof(err))) {
		fprintf(stderr, "fuzz_regs_ingest: cannot load the catalogue: %s\n", err);
		abort();
	}
	return 0;
}

static size_t slen(const char *s) { return s ? strlen(s) : 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	shuan_regs_report *rep = NULL;
	size_t sum = 0;

	LLVMFuzzerInitialize(NULL, NULL);
	shuan_regs_ingest_buffer(regs, (const char *)data, size, "fuzz.md", &rep);
	if (!rep)
		return 0;
	sum += slen(rep->path) + slen(rep->encoding) + slen(rep->format) + slen(rep->source_title) +
	       slen(rep->source_date) + slen(rep->source_url) + slen(rep->source_publisher);
	for (size_t i = 0; i < rep->ncandidates; i++) {
		const shuan_regs_candidate *c = &rep->candidates[i];
		sum += slen(c->title) + slen(c->doc_number) + slen(c->date) + slen(c->effective) +
		       slen(c->status) + slen(c->sector) + slen(c->matched_id) + slen(c->conflict);
		for (size_t k = 0; k < c->nissuers; k++)
			sum += slen(c->issuers[k]);
		if (c->match != SHUAN_REGS_NEW && !c->matched_id)
			__builtin_trap();
	}
	if (rep->nnew + rep->nmatched + rep->nconflicts > rep->ncandidates)
		__builtin_trap();
	shuan_regs_report_free(rep);
	return sum == (size_t)-1;
}
