/*
 * cli/cmd_keygen.c - `shuan keygen FILE`: writes a new de-identification key
 * (256 random bits) with mode 0600, refusing to replace an existing key
 * unless --force. Prints the key's check value, never the key.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "shuan/deid.h"

enum { OPT_HELP = 'h', OPT_FORCE = 256, OPT_OUT = 'o' };

static const cli_option keygen_options[] = {
	{"out", 'o', required_argument, "FILE", "the key file to create (or give FILE as the argument)", OPT_OUT},
	{"force", 0, no_argument, NULL, "replace an existing key file (data encrypted with it can no longer be unmasked)", OPT_FORCE},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};

static const cli_help keygen_help = {
	"usage: shuan keygen [--force] FILE\n\n"
	"Creates a de-identification key (去标识化密钥) for shuan mask and shuan unmask: 256 bits from\n"
	"the operating system's random source, in FILE with mode 0600. Pseudonyms and surrogates\n"
	"are the same for the same value under the same key; encrypted values need it to be\n"
	"read again. Keep a copy somewhere safe. Prints the key's check value (it identifies\n"
	"the key in reports without revealing it).\n\n"
	"example:\n"
	"  shuan keygen ~/.config/shuan/mask.key\n\n"
	"options:\n",
	keygen_options, CLI_NOPTS(keygen_options),
	"\nexit status: 0 written, 2 usage or runtime error (e.g. the file exists).\n",
};

int cmd_keygen(int argc, char **argv)
{
	const char *path = NULL;
	char shortopts[16], check[SHUAN_KEY_CHECK_LEN], err[512];
	bool force = false;
	int c;
	const struct option *longopts = cli_options_build(keygen_options, CLI_NOPTS(keygen_options), shortopts, sizeof(shortopts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUT: path = optarg; break;
		case OPT_FORCE: force = true; break;
		case OPT_HELP: cli_help_print(stdout, &keygen_help); return CLI_EXIT_OK;
		default: cli_help_print(stderr, &keygen_help); return CLI_EXIT_ERROR;
		}
	}
	if (optind < argc && !path)
		path = argv[optind++];
	if (!path || optind < argc) {
		fprintf(stderr, "shuan keygen: name the one key file to create\n");
		cli_help_print(stderr, &keygen_help);
		return CLI_EXIT_ERROR;
	}
	if (shuan_key_generate(path, force, check, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan keygen: %s\n", err);
		return CLI_EXIT_ERROR;
	}
	printf("%s\n", check);
	fprintf(stderr, "shuan keygen: wrote %s (mode 0600, check %s); keep a copy: without it encrypted values "
			"cannot be read again\n",
		path, check);
	return CLI_EXIT_OK;
}
