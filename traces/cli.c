/* SPDX-License-Identifier: MIT */
/* Shared operand handling of `mmtrace dump` and `mmtrace info`. */
#include <errno.h>
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
		*rc = errno == EBADMSG ? 3 : 1;
		fprintf(stderr, "mmtrace %s: %s\n", cmd, err);
		return NULL;
	}
	mmt_reader_set_skip_damaged(r, 1);
	return r;
}

int trace_cli_damage_status(const char *cmd, struct mmt_reader *r)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "mmtrace %s", cmd);
	return mmt_reader_print_damage(r, stderr, prefix) ? 3 : 0;
}

const char trace_cli_damage_help[] =
	"Damage (traces/FORMAT.md): a truncated FILE is read up to its last\n"
	"whole block; a damaged block is skipped, its events counted as lost,\n"
	"and reading goes on; a damaged index, footer or snapshot is named as\n"
	"damaged, never taken for a missing one.  One line each on stderr.\n"
	"Exit status: 0 FILE whole and sound; 1 FILE cannot be read (missing,\n"
	"no permission); 2 bad option; 3 FILE truncated, damaged or not a\n"
	"trace (whatever was readable is still shown).\n";
