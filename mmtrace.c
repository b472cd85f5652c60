/* SPDX-License-Identifier: MIT */
/* mmtrace: one binary, subcommands like perf and git. */
#include <stdio.h>
#include <string.h>
#include "mmtrace/cmd.h"

struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct subcmd subcmds[] = {
	{ "record",  cmd_record,  "capture page, slab, fault, reclaim and compaction events" },
	{ "info",    cmd_info,    "summarize a trace (--json for scripts)" },
	{ "dump",    cmd_dump,    "print a trace one event per line" },
	{ "stat",    cmd_stat,    "page and slab allocations by call site, process, cache (perf kmem stat)" },
	{ "zones",   cmd_zones,   "print the model's zone table in /proc/zoneinfo terms" },
	{ "replay",  cmd_replay,  "replay a trace through mmcore under a policy" },
	{ "compare", cmd_compare, "replay under several policies and write a report" },
	{ "report",  cmd_report,  "(re)render a report from replay outputs" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mmtrace COMMAND [OPTIONS]   (mmtrace COMMAND --help)\n\n");
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		fprintf(f, "  %-8s %s\n", subcmds[i].name, subcmds[i].help);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mmtrace 0.1\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (!strcmp(argv[1], subcmds[i].name))
			return subcmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "mmtrace: unknown command '%s' (see mmtrace --help)\n",
		argv[1]);
	return 2;
}
