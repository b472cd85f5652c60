/* SPDX-License-Identifier: MIT */
/* Placeholder until this subcommand lands. */
#include <stdio.h>
#include "mmtrace/cmd.h"

int cmd_dump(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mmtrace dump: not implemented yet\n");
	return 1;
}
