/*
 * lib/output/output.c - format name -> writer.
 */
#include <string.h>

#include "lib/output/output.h"

extern const shuan_output_ops shuan_output_text, shuan_output_lines, shuan_output_jsonl, shuan_output_json, shuan_output_sarif, shuan_output_csv, shuan_output_summary_only;

const shuan_output_ops *shuan_output_ops_for(const char *format)
{
	static const struct {
		const char *name;
		const shuan_output_ops *ops;
	} formats[] = {{"text", &shuan_output_text}, {"lines", &shuan_output_lines}, {"jsonl", &shuan_output_jsonl}, {"json", &shuan_output_json},
		       {"sarif", &shuan_output_sarif}, {"csv", &shuan_output_csv},
		       {"summary", &shuan_output_summary_only}};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(format, formats[i].name))
			return formats[i].ops;
	return NULL;
}
