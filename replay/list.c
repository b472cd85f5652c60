/* SPDX-License-Identifier: MIT */
/*
 * mmtrace list: what a trace can hold (event kinds, their tracepoints and
 * fields) and what a policy can set (the sysctls mmcore follows, with the
 * kernel's defaults and the ranges it accepts), as `perf list` does for
 * events.  Text for people, --tsv for scripts.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "mmcore.h"
#include "mmtrace/cmd.h"
#include "mmtrace/event.h"

static void usage(FILE *f)
{
	fputs("usage: mmtrace list [--tsv] [events | sysctls]\n"
	      "Lists the event kinds a trace holds (with the tracepoint each\n"
	      "comes from and its fields) and the sysctls replay, compare and\n"
	      "zones accept with --set (with the kernel's default and the range\n"
	      "accepted).  Without a topic, both.\n\n"
	      "  --tsv        tab-separated, one header row, for scripts\n"
	      "  -h, --help   this text\n"
	      "\n"
	      "EXAMPLES\n"
	      "  Every sysctl a policy can set:\n"
	      "    mmtrace list sysctls\n"
	      "  The event kinds, as a table for a script:\n"
	      "    mmtrace list --tsv events | cut -f1,2\n", f);
}

static void list_events(int tsv)
{
	int w = 6;

	for (unsigned k = 1; k < MMT_EV__COUNT; k++)
		if ((int)strlen(mmt_event_kind_source(k)) > w)
			w = (int)strlen(mmt_event_kind_source(k));
	if (tsv)
		printf("kind\tsource\tfields\n");
	else
		printf("%-22s %-*s %s\n", "KIND", w, "SOURCE", "FIELDS");
	for (unsigned k = 1; k < MMT_EV__COUNT; k++) {
		if (tsv)
			printf("%s\t%s\t%s\n", mmt_event_kind_name(k),
			       mmt_event_kind_source(k), mmt_event_kind_fields(k));
		else
			printf("%-22s %-*s %s\n", mmt_event_kind_name(k), w,
			       mmt_event_kind_source(k), mmt_event_kind_fields(k));
	}
}

static void list_sysctls(int tsv)
{
	struct mmc_sysctl_info s;

	if (tsv)
		printf("name\tdefault\trange\twhat\n");
	else
		printf("%-34s %-13s %-16s %s\n", "SYSCTL", "DEFAULT", "RANGE", "WHAT");
	for (size_t i = 0; mmc_policy_sysctl(i, &s) == 0; i++) {
		if (tsv)
			printf("%s\t%s\t%s\t%s\n", s.name, s.def, s.range, s.what);
		else if (strlen(s.range) > 16)	/* the THP words: own line */
			printf("%-34s %-13s %s\n%66s%s\n", s.name, s.def, s.range,
			       "", s.what);
		else
			printf("%-34s %-13s %-16s %s\n", s.name, s.def, s.range,
			       s.what);
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tsv", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, tsv = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			tsv = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "mmtrace list: unknown option '%s' (see mmtrace list --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "mmtrace list: one topic at most (events or sysctls)\n");
		return 2;
	}
	const char *topic = optind < argc ? argv[optind] : NULL;

	if (topic && strcmp(topic, "events") && strcmp(topic, "sysctls")) {
		fprintf(stderr, "mmtrace list: unknown topic '%s' (events or sysctls)\n",
			topic);
		return 2;
	}
	if (!topic || !strcmp(topic, "events"))
		list_events(tsv);
	if (!topic)
		putchar('\n');
	if (!topic || !strcmp(topic, "sysctls"))
		list_sysctls(tsv);
	return 0;
}
