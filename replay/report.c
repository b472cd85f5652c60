/* SPDX-License-Identifier: MIT */
/* Placeholder until this subcommand lands. */
#include <stdio.h>
#include "mmtrace/cmd.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "mmtrace report: not implemented yet\n");
	return 1;
}
