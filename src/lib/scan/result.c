/*
 * lib/scan/result.c - building an input's result: the one place that fills
 * its reason, warning and limit, and the names of the limits.
 *
 * Reasons and warnings are written by the library and never contain input
 * data; they name the library's own options (max_file_size), not a
 * program's flags, which the program adds from `limit` if it wants.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/scan/internal.h"

const char *shuan_limit_name(shuan_limit l)
{
	switch (l) {
	case SHUAN_LIMIT_NONE: return "none";
	case SHUAN_LIMIT_FILE_SIZE: return "max_file_size";
	case SHUAN_LIMIT_DEPTH: return "max_depth";
	case SHUAN_LIMIT_EXPANDED: return "max_expanded";
	case SHUAN_LIMIT_RATIO: return "max_ratio";
	case SHUAN_LIMIT_CANDIDATES: return "candidates_per_chunk";
	case SHUAN_LIMIT_VALUES: return "values_per_chunk";
	case SHUAN_LIMIT_OFFICE: return "office_document";
	case SHUAN_LIMIT_CELL: return "cell_length";
	case SHUAN_LIMIT_COLUMNS: return "csv_columns";
	case SHUAN_LIMIT_NESTING: return "json_depth";
	}
	return "unknown";
}

void shuan_result__reset(shuan_input_result *r)
{
	memset(r, 0, sizeof(*r));
}

int shuan_result__skip(shuan_input_result *r, int code, shuan_limit limit, const char *fmt, ...)
{
	va_list ap;
	r->skipped = code;
	r->limit = limit;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return code;
}

void shuan_result__warn(shuan_input_result *r, shuan_limit limit, const char *fmt, ...)
{
	size_t used = strlen(r->warning);
	va_list ap;
	if (limit != SHUAN_LIMIT_NONE && r->limit == SHUAN_LIMIT_NONE)
		r->limit = limit;
	if (used && used + 2 < sizeof(r->warning)) {
		memcpy(r->warning + used, "; ", 3);
		used += 2;
	}
	if (used + 1 >= sizeof(r->warning))
		return;
	va_start(ap, fmt);
	vsnprintf(r->warning + used, sizeof(r->warning) - used, fmt, ap);
	va_end(ap);
}

void shuan_result__interrupted(shuan_input_result *r)
{
	r->skipped = SHUAN_EINTR;
	snprintf(r->reason, sizeof(r->reason), "interrupted: scanned in part (%llu bytes)",
		 (unsigned long long)r->bytes);
}
