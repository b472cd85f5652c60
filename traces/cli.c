/* SPDX-License-Identifier: MIT */
/* Shared operand handling of `mmtrace dump` and `mmtrace info`. */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"

struct mmt_reader *trace_cli_open(const char *cmd, int argc, char **argv,
				  const char **path, int *rc)
{
	struct mmt_reader *r;
	char err[512];

	if (optind != argc - 1) {
		fprintf(stderr, "mmtrace %s: expected one FILE (see --help)\n",
			cmd);
		*rc = 2;
		return NULL;
	}
	if (path)
		*path = argv[optind];
	r = mmt_reader_open(argv[optind], err, sizeof(err));
	if (!r) {
		fprintf(stderr, "mmtrace %s: %s\n", cmd, err);
		*rc = 1;
	}
	return r;
}

int trace_cli_stop_status(const char *cmd, struct mmt_reader *r)
{
	const char *why = mmt_reader_stop_reason(r);

	if (!why)
		return 0;
	fprintf(stderr, "mmtrace %s: %s\n", cmd, why);
	return 3;
}
