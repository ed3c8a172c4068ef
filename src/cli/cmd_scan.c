/* cli/cmd_scan.c - placeholder until the command lands. */
#include <stdio.h>
#include "cli/cli.h"
int cmd_scan(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "shuan scan: not built yet\n");
	return CLI_EXIT_ERROR;
}
