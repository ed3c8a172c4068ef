/*
 * lib/scan/redact.c - masking personal information in short texts that are
 * not inputs but names of them: a file name with an ID number in it
 * ("客户_11010519491231002X.csv"), a member, sheet or column name. The text
 * goes through the same pipeline as a spreadsheet cell (cell.c), and every
 * finding's span is replaced by its masked evidence, so a name shows and
 * stores no more than a finding's evidence would.
 *
 * Example: "导出/张伟_13812345678.csv" -> "导出/张伟_138****5678.csv".
 */
#include <stdio.h>
#include <string.h>

#include "lib/scan/internal.h"

#define REDACT_MAX_SPANS 64

typedef struct span {
	size_t start, end;
	char evidence[64];
} span;

typedef struct redact {
	span v[REDACT_MAX_SPANS];
	size_t n;
	bool full;
} redact;

static int on_span(const shuan_finding *f, void *ud)
{
	redact *r = ud;
	if (r->n == REDACT_MAX_SPANS) {
		r->full = true;
		return 0;
	}
	span *sp = &r->v[r->n++];
	sp->start = (size_t)f->offset;
	sp->end = (size_t)(f->offset + f->length);
	snprintf(sp->evidence, sizeof(sp->evidence), "%s", f->evidence);
	return 0;
}

int shuan_scanner_mask_text(shuan_scanner *s, const char *text, size_t len, char *out, size_t cap, size_t *found)
{
	redact r;
	shuan_cells cells;
	shuan_input_result res;
	size_t o = 0, from = 0;
	int rc;

	if (found)
		*found = 0;
	if (cap == 0)
		return SHUAN_EINVAL;
	memset(&r, 0, sizeof(r));
	shuan_result__reset(&res);
	shuan_scanner__begin_cells(s, &cells, "-", on_span, &r, &res);
	rc = shuan_scanner__scan_cell(s, &cells, 1, text, len, NULL, NULL);
	shuan_scanner__end_cells(s, &cells);
	if (rc || r.full || res.limit != SHUAN_LIMIT_NONE) {
		/* not every value could be checked: show nothing of it */
		snprintf(out, cap, "%s", "(name withheld)");
		return rc ? rc : SHUAN_ELIMIT;
	}
	for (size_t i = 0; i < r.n; i++) {
		const span *sp = &r.v[i];
		if (sp->end > len || sp->end <= from)
			continue; /* inside one already masked */
		if (sp->start < from) {
			/* across the end of one already masked: its tail is masked too */
			size_t k = sp->end - from;
			if (o + k + 1 > cap) {
				len = from;
				break;
			}
			memset(out + o, '*', k);
			o += k;
			from = sp->end;
			continue;
		}
		size_t keep = sp->start - from, ev = strlen(sp->evidence);
		if (o + keep + ev + 1 > cap) {
			/* no room for the rest: cut before the raw value, never in it */
			len = from + (o + keep + 1 <= cap ? keep : cap - 1 - o);
			break;
		}
		memcpy(out + o, text + from, keep);
		memcpy(out + o + keep, sp->evidence, ev);
		o += keep + ev;
		from = sp->end;
	}
	if (from < len && o + (len - from) + 1 > cap)
		len = from + (cap - 1 - o);
	memcpy(out + o, text + from, len - from);
	o += len - from;
	out[o] = '\0';
	if (found)
		*found = r.n;
	return 0;
}
