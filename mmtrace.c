/* SPDX-License-Identifier: MIT */
/*
 * mmtrace: one binary, subcommands like perf and git.
 *
 * A subcommand is a row of subcmds[] below, a cmd_NAME() whose usage()
 * ends with an EXAMPLES section, and a man page man/mmtrace-NAME.1;
 * tests/test_docs.c checks that all three exist and agree (README,
 * "Adding a subcommand").
 */
#include <stdio.h>
#include <string.h>
#include "mmtrace/cmd.h"
#include "version.h"		/* generated: MMTRACE_VERSION, MMTRACE_REVISION */

struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct subcmd subcmds[] = {
	{ "record",  cmd_record,  "capture page, slab, fault, reclaim and compaction events" },
	{ "info",    cmd_info,    "summarize a trace (--json for scripts)" },
	{ "dump",    cmd_dump,    "print a trace one event per line" },
	{ "import",  cmd_import,  "convert a perf.data or trace-cmd capture into a trace" },
	{ "diff",    cmd_diff,    "put observed metrics of several real captures side by side" },
	{ "stat",    cmd_stat,    "page and slab allocations by call site, process, cache (perf kmem stat)" },
	{ "zones",   cmd_zones,   "print the model's zone table in /proc/zoneinfo terms" },
	{ "replay",  cmd_replay,  "replay a trace through mmcore under a policy" },
	{ "compare", cmd_compare, "replay under several policies and write a report" },
	{ "validate", cmd_validate, "replay traces under each other's settings: the model against the kernel" },
	{ "sweep",   cmd_sweep,   "plan policies x traces for GNU parallel or Slurm" },
	{ "report",  cmd_report,  "(re)render a report from replay outputs" },
	{ "list",    cmd_list,    "list event kinds and the sysctls a policy can set" },
};
#define NR_SUBCMDS (sizeof(subcmds) / sizeof(subcmds[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: mmtrace COMMAND [OPTIONS]\n"
		   "       mmtrace help COMMAND | --help | --version\n\n");
	for (size_t i = 0; i < NR_SUBCMDS; i++)
		fprintf(f, "  %-8s %s\n", subcmds[i].name, subcmds[i].help);
	fprintf(f, "\n'mmtrace help COMMAND' (or 'mmtrace COMMAND --help') shows a\n"
		   "command's options and examples; man mmtrace-COMMAND has the rest.\n");
}

static const struct subcmd *find(const char *name)
{
	for (size_t i = 0; i < NR_SUBCMDS; i++)
		if (!strcmp(name, subcmds[i].name))
			return &subcmds[i];
	return NULL;
}

/* "mmtrace 0.1 (git 0123456789ab)"; a build outside a git checkout says
 * so instead of inventing a revision. */
static void version(void)
{
	if (MMTRACE_REVISION[0])
		printf("mmtrace %s (git %s)\n", MMTRACE_VERSION, MMTRACE_REVISION);
	else
		printf("mmtrace %s (revision unknown: built outside a git checkout)\n",
		       MMTRACE_VERSION);
}

/* mmtrace help [COMMAND]: the command's own --help, on stdout. */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		usage(stdout);
		return 0;
	}
	const struct subcmd *c = find(argv[2]);

	if (!c) {
		fprintf(stderr, "mmtrace help: unknown command '%s' (see mmtrace --help)\n",
			argv[2]);
		return 2;
	}
	char *hargv[] = { (char *)c->name, (char *)"--help", NULL };

	return c->fn(2, hargv);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))  {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc, argv);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		version();
		return 0;
	}
	const struct subcmd *c = find(argv[1]);

	if (c) {
		/* getopt names argv[0] in its messages: "mmtrace record:
		 * unrecognized option", as every other error line starts */
		char name[32];

		snprintf(name, sizeof(name), "mmtrace %s", c->name);
		argv[1] = name;
		return c->fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "mmtrace: unknown command '%s' (see mmtrace --help)\n",
		argv[1]);
	return 2;
}
