/* SPDX-License-Identifier: MIT */
/* Placeholder until this subcommand lands. */
#include <stdio.h>
#include "mmtrace/cmd.h"

int cmd_info(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mmtrace info: not implemented yet\n");
	return 1;
}
