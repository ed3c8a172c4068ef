/*
 * cli/cmd_unmask.c - `shuan unmask`: decrypts the SM4 tokens `shuan mask
 * --action X=encrypt` wrote, with the key; a wrong key or an altered token
 * is an error before anything is written. The options, the --help text and
 * the run are shared with `shuan mask` (cli/mask_common.c).
 */
#include "cli/cli.h"
#include "cli/mask_common.h"

int cmd_unmask(int argc, char **argv)
{
	return cli_mask_main(argc, argv, true);
}
