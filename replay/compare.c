/* SPDX-License-Identifier: MIT */
/* Placeholder until this subcommand lands. */
#include <stdio.h>
#include "mmtrace/cmd.h"

int cmd_compare(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mmtrace compare: not implemented yet\n");
	return 1;
}
