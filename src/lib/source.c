/*
 * lib/source.c - dispatch of a path to the reader that understands it.
 * Plain files go straight to the scanner; containers and Office documents
 * are recognised here and handed to their readers.
 */
#include <string.h>

#include "shuan/source.h"

int shuan_scan_source(shuan_scanner *s, const char *path, const shuan_source_options *opts, shuan_finding_fn fcb,
		      shuan_input_fn icb, void *ud)
{
	shuan_input_result res;
	shuan_input in = {path, path, SHUAN_FORMAT_AUTO};
	(void)opts;
	int rc = shuan_scanner_scan_file(s, path, &in, fcb, ud, &res);
	if (rc == SHUAN_EINTR)
		return rc;
	if (icb)
		icb(path, &res, ud);
	return 0;
}
