/*
 * cli/cmd_mask.c - `shuan mask`: de-identifies one file (CSV/TSV, JSON,
 * JSON Lines, text and logs in any encoding the readers handle, xlsx) into
 * another, by detector findings and a policy, and writes the report.
 * The options, the --help text and the run itself are shared with
 * `shuan unmask` (cli/mask_common.c).
 */
#include "cli/cli.h"
#include "cli/mask_common.h"

int cmd_mask(int argc, char **argv)
{
	return cli_mask_main(argc, argv, false);
}
