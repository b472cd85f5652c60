/* SPDX-License-Identifier: MIT */
/* What the commands that read a trace share: operands, opening, and the
 * damage rule's report and exit status (traces/FORMAT.md). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

int mmt_cmd_check_outdir(const char *cmd, const char *dir, int force)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int used = 0;

	if (stat(dir, &st)) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "mmtrace %s: %s: %s\n", cmd, dir, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mmtrace %s: %s: exists and is not a folder\n",
			cmd, dir);
		return 1;
	}
	if (force)
		return 0;
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "mmtrace %s: %s: %s\n", cmd, dir, strerror(errno));
		return 1;
	}
	while (!used && (de = readdir(d)))
		used = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	if (used) {
		fprintf(stderr, "mmtrace %s: %s: not empty (--force writes into "
			"it, replacing files of the same names)\n", cmd, dir);
		return 2;
	}
	return 0;
}

