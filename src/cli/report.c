/*
 * cli/report.c - format name -> writer.
 */
#include <string.h>

#include "cli/report.h"

extern const report_ops report_text, report_jsonl, report_json, report_sarif, report_csv, report_summary_only;

const report_ops *report_ops_for(const char *format)
{
	static const struct {
		const char *name;
		const report_ops *ops;
	} formats[] = {{"text", &report_text}, {"jsonl", &report_jsonl}, {"json", &report_json},
		       {"sarif", &report_sarif}, {"csv", &report_csv},
		       {"summary", &report_summary_only}};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(format, formats[i].name))
			return formats[i].ops;
	return NULL;
}
