/* cli/cmd_detectors.c - placeholder until the command lands. */
#include <stdio.h>
#include "cli/cli.h"
int cmd_detectors(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "shuan detectors: not built yet\n");
	return CLI_EXIT_ERROR;
}
