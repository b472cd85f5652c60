/* SPDX-License-Identifier: MIT */
/* What the commands that read a trace share: operands, opening, and the
 * damage rule's report and exit status (traces/FORMAT.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include "cli.h"

struct mmt_reader *trace_cli_open(const char *cmd, int argc, char **argv,
				  const char **path, int *rc)
{
	if (optind != argc - 1) {
		fprintf(stderr, "mmtrace %s: expected one FILE (see --help)\n",
			cmd);
		*rc = 2;
		return NULL;
	}
	if (path)
		*path = argv[optind];
	return mmt_cmd_open_trace(cmd, argv[optind], rc);
}

struct mmt_reader *mmt_cmd_open_trace(const char *cmd, const char *path,
				      int *rc)
{
	char err[512];
	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));

	if (!r) {
		*rc = errno == EBADMSG ? 3 : 1;
		fprintf(stderr, "mmtrace %s: %s\n", cmd, err);
		return NULL;
	}
	mmt_reader_set_skip_damaged(r, 1);
	return r;
}

int mmt_cmd_damage_status(const char *cmd, struct mmt_reader *r)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "mmtrace %s", cmd);
	return mmt_reader_print_damage(r, stderr, prefix) ? 3 : 0;
}

const char mmt_cmd_damage_help[] =
	"Damage (traces/FORMAT.md): a truncated TRACE is read up to its last\n"
	"whole block; a damaged block is skipped, its events counted as lost,\n"
	"and reading goes on; a damaged index, footer or snapshot is named as\n"
	"damaged, never taken for a missing one.  One line each on stderr.\n"
	"Exit status: 0 TRACE whole and sound; 1 TRACE cannot be read (missing,\n"
	"no permission); 2 bad option; 3 TRACE truncated, damaged or not a\n"
	"trace (whatever was readable is still shown).\n";
