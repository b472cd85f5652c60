/* SPDX-License-Identifier: MIT */
/*
 * mmtrace stat TRACE: the everyday questions of perf kmem stat, memleak
 * and slabratetop, answered from a trace (stat.h).
 * Damage and exit status: mmt_cmd_damage_help (traces/cli.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mmtrace/cmd.h"
#include "stat.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmtrace stat [--sort KEY] [-l N] [--only LIST] [--json]\n"
		"                    [--pid P,..] [--comm NAME,..] [--start S] [--end S] TRACE\n"
		"Page and slab allocations of a trace, in the spirit of perf kmem stat,\n"
		"memleak and slabratetop: totals (perf kmem's summaries), slab call sites\n"
		"by bytes, processes by pages, slab caches with churn, page requests by\n"
		"order, migratetype and GFP flags, migratetype fallbacks by type pair,\n"
		"and what was allocated in the window and is still allocated at its end,\n"
		"by call site.\n\n"
		"  -s, --sort KEY     bytes, hits, pages, frees, leak, pingpong, frag or\n"
		"                     faults (tables lacking KEY keep their own order)\n"
		"  -l, --lines N      rows per table (default 10, 0 = all)\n"
		"  -o, --only LIST    sections: summary,sites,processes,caches,pages,\n"
		"                     fallbacks,leaks (default all)\n"
		"  -j, --json         one JSON object with the same numbers\n"
		"  -p, --pid P,..     only events of these processes\n"
		"  -c, --comm N,..    only events of processes while they were named N\n"
		"      --start S      from this second (since the trace's start)\n"
		"      --end S        up to this second\n"
		"  -h, --help         this help\n\n"
		"Counts follow perf kmem: every mm_page_alloc is a request (failures\n"
		"too), a free matches the live allocation of its pfn; bytes freed are\n"
		"those of objects allocated inside the window.  Names of call sites\n"
		"and processes come from the trace's names table (recorded on the\n"
		"host; older traces show hashes and pids).\n\n"
		"%s\n"
		"EXAMPLES\n"
		"  Every table, ten rows each:\n"
		"    mmtrace stat trace.mmt\n"
		"  The compiler's slab call sites and what it left allocated:\n"
		"    mmtrace stat --comm cc1 --only sites,leaks -l 20 trace.mmt\n"
		"  Outstanding allocations first, as JSON for a script:\n"
		"    mmtrace stat --sort leak --json trace.mmt > stat.json\n",
		mmt_cmd_damage_help);
}

static const struct { const char *name; unsigned bit; } sections[] = {
	{ "summary", STAT_S_SUMMARY }, { "sites", STAT_S_SITES },
	{ "processes", STAT_S_PROCS }, { "caches", STAT_S_CACHES },
	{ "pages", STAT_S_PAGES }, { "fallbacks", STAT_S_FALLBACK },
	{ "leaks", STAT_S_LEAKS },
};

static int parse_only(const char *arg, unsigned *out)
{
	const char *p = arg;

	*out = 0;
	while (*p) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
			if (strlen(sections[i].name) == n && !strncmp(sections[i].name, p, n))
				break;
		if (i == sizeof(sections) / sizeof(sections[0])) {
			fprintf(stderr, "mmtrace stat: --only: unknown section '%.*s'\n",
				(int)n, p);
			return -1;
		}
		*out |= sections[i].bit;
		p += n + (p[n] == ',');
	}
	return *out ? 0 : -1;
}

static int parse_opts(int argc, char **argv, struct stat_out *o,
		      struct mmt_filter *flt)
{
	static const struct option opts[] = {
		{ "sort", required_argument, NULL, 's' },
		{ "lines", required_argument, NULL, 'l' },
		{ "only", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "start", required_argument, NULL, 'S' },
		{ "end", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[320], *end;
	int c, rc = 0;

	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, "s:l:o:jp:c:h", opts, NULL)) != -1) {
		err[0] = 0;
		switch (c) {
		case 's':
			if (stat_check_sort(optarg)) {
				snprintf(err, sizeof(err), "--sort: unknown key '%s'", optarg);
				rc = -1;
			}
			o->sort = optarg;
			break;
		case 'l':
			o->lines = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || o->lines < 0) {
				snprintf(err, sizeof(err), "--lines: not a count '%s'", optarg);
				rc = -1;
			}
			break;
		case 'o':
			rc = parse_only(optarg, &o->sections);
			break;
		case 'j':
			o->json = 1;
			break;
		case 'p':
			rc = mmt_filter_pids(flt, optarg, err, sizeof(err));
			break;
		case 'c':
			rc = mmt_filter_comms(flt, optarg, err, sizeof(err));
			break;
		case 'S':
			rc = mmt_filter_time(flt, "--start", optarg, err, sizeof(err));
			break;
		case 'E':
			rc = mmt_filter_time(flt, "--end", optarg, err, sizeof(err));
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (rc && err[0])
		fprintf(stderr, "mmtrace stat: %s\n", err);
	return rc;
}

int cmd_stat(int argc, char **argv)
{
	struct stat_out o = { .lines = 10, .sections = STAT_S_ALL };
	struct mmt_filter flt;
	struct mmt_reader *r;
	struct kmstat s;
	char err[512];
	int rc;

	mmt_filter_init(&flt);
	rc = parse_opts(argc, argv, &o, &flt);
	if (rc) {
		mmt_filter_free(&flt);
		return rc > 0 ? 0 : 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "mmtrace stat: expected one TRACE (see --help)\n");
		mmt_filter_free(&flt);
		return 2;
	}
	r = mmt_cmd_open_trace("stat", argv[optind], &rc);
	if (!r) {
		mmt_filter_free(&flt);
		return rc;
	}
	if (mmt_filter_bind(&flt, r, err, sizeof(err))) {
		/* the names are damaged (3), or the trace has none for --comm */
		fprintf(stderr, "mmtrace stat: %s\n", err);
		rc = mmt_reader_damage(r, NULL, NULL) ?
		     mmt_cmd_damage_status("stat", r) : 2;
		goto out_reader;
	}
	if (stat_init(&s, r, &flt)) {
		fprintf(stderr, "mmtrace stat: out of memory\n");
		rc = 1;
		goto out_reader;
	}
	if (!s.names && mmt_reader_names(r) == NULL)
		fprintf(stderr, "mmtrace stat: %s (showing hashes and pids)\n",
			mmt_reader_error(r));
	else if (!s.names)
		fprintf(stderr, "mmtrace stat: %s: no names table (recorded before "
			"names were): call sites as hashes, processes as pids\n",
			argv[optind]);
	rc = stat_run(&s, r, isatty(2));
	if (rc)		/* damage is skipped: a read error or out of memory */
		fprintf(stderr, "mmtrace stat: %s (the events before it are counted)\n",
			mmt_reader_error(r));
	stat_finish(&s);
	if (s.oom)
		fprintf(stderr, "mmtrace stat: out of memory: some rows are merged or missing\n");
	if (s.lost)
		fprintf(stderr, "mmtrace stat: the trace lost %llu events: counts are low by that much\n",
			(unsigned long long)s.lost);
	if (!o.json)
		printf("# %s: %llu events read, %llu in the window (%.3f s to %.3f s)%s\n",
		       argv[optind], (unsigned long long)s.events,
		       (unsigned long long)s.matched, (double)s.first_ts / 1e9,
		       (double)s.last_ts / 1e9, flt.by_pid ? ", filtered by process" : "");
	if ((o.json ? stat_print_json(&s, &o, stdout) : stat_print_text(&s, &o, stdout)) ||
	    fflush(stdout)) {
		fprintf(stderr, "mmtrace stat: writing output failed\n");
		rc = 1;
	} else if (rc) {
		rc = 1;
	} else {
		rc = mmt_cmd_damage_status("stat", r);
	}
	stat_free(&s);
out_reader:
	mmt_filter_free(&flt);
	mmt_reader_close(r);
	return rc;
}
