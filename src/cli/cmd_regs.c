/* cli/cmd_regs.c - placeholder until the command lands. */
#include <stdio.h>
#include "cli/cli.h"
int cmd_regs(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "shuan regs: not built yet\n");
	return CLI_EXIT_ERROR;
}
