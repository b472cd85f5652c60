/* SPDX-License-Identifier: MIT */
/* mmtrace replay: the command line over mmt_replay_run(). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mmtrace/cmd.h"
#include "mmtrace/replay.h"
#include "opts.h"

static void usage(FILE *f)
{
	fputs("usage: mmtrace replay TRACE [options] -o DIR\n"
	      "Replays a trace through the mmcore model and writes one run\n"
	      "directory (docs/replay-output.md).\n\n"
	      "  -m, --mode MODE        policy (default): the model places pages;\n"
	      "                         mirror: every page at the kernel's pfn,\n"
	      "                         checked against the end snapshot\n"
	      "      --start STATE      snapshot: the model starts from the\n"
	      "                         trace's start snapshot (default when it\n"
	      "                         has one); inferred: from the header's\n"
	      "                         zones with every page free, as an\n"
	      "                         imported capture starts (policy mode)\n"
	      "  -s, --set vm.X=V       override one sysctl (repeatable)\n"
	      "  -p, --policy-file F    vm.X=V lines, applied before --set\n"
	      "  -t, --topology SPEC    N: split the host into N equal nodes at\n"
	      "                         distance 20; or a full spec (mmcore)\n"
	      "      --memcg-walk W     how direct reclaim walks the memory\n"
	      "                         cgroups: auto (default: as the trace's\n"
	      "                         snapshots say the recorder's cgroup\n"
	      "                         stood), whole (the workload at every\n"
	      "                         priority) or partial (a walk that\n"
	      "                         stopped at the workload leaves the next\n"
	      "                         a round of nothing); docs/replay-output.md\n"
	      "      --sample-ms N      time series interval in trace time\n"
	      "                         (default: about 200 samples)\n"
	      "  -o, --output DIR       run directory (created; refused when it\n"
	      "                         exists and is not empty)\n"
	      "  -f, --force            write into a DIR that is not empty\n"
	      "  -q, --quiet            no table on stdout, no progress\n"
	      "  -h, --help             this text\n"
	      "The host's own vm sysctls from the trace header are the base\n"
	      "policy.\n\n", f);
	fputs(rp_damage_help, f);
	fputs("\n"
	      "EXAMPLES\n"
	      "  Replay under the host's own settings:\n"
	      "    mmtrace replay trace.mmt -o run0\n"
	      "  zone_reclaim_mode=1 on a two-node what-if of the host:\n"
	      "    mmtrace replay trace.mmt --topology 2 --set vm.zone_reclaim_mode=1 -o zrm1\n"
	      "  Check the model against the kernel (pfn by pfn):\n"
	      "    mmtrace replay trace.mmt --mode mirror -o mirror\n"
	      "  A recording from the start an import of the same run gets, to put\n"
	      "  the two replays side by side:\n"
	      "    mmtrace replay trace.mmt --start inferred -o rec\n", f);
}

int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "start", required_argument, NULL, 'B' },
		{ "set", required_argument, NULL, 's' },
		{ "policy-file", required_argument, NULL, 'p' },
		{ "topology", required_argument, NULL, 't' },
		{ "memcg-walk", required_argument, NULL, 'W' },
		{ "sample-ms", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mmt_replay_opts o;
	struct mmt_replay_result res;
	const char **sets;
	char err[512];
	int c, quiet = 0, force = 0, rc;

	memset(&o, 0, sizeof(o));
	sets = calloc((size_t)argc + 1, sizeof(*sets));
	if (!sets)
		return 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:s:p:t:o:qfh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (rp_parse_mode("replay", optarg, &o.mode)) {
				free(sets);
				return 2;
			}
			break;
		case 'B':
			if (rp_parse_start("replay", optarg, &o.start)) {
				free(sets);
				return 2;
			}
			break;
		case 's':
			sets[o.nr_sets++] = optarg;
			break;
		case 'p':
			o.policy_file = optarg;
			break;
		case 't':
			o.topology = optarg;
			break;
		case 'W':
			if (mmt_replay_parse_memcg_walk("replay", optarg,
							&o.memcg_walk)) {
				free(sets);
				return 2;
			}
			break;
		case 'S':
			if (rp_parse_sample_ms("replay", optarg,
					       &o.sample_ns)) {
				free(sets);
				return 2;
			}
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			usage(stdout);
			free(sets);
			return 0;
		default:
			usage(stderr);
			free(sets);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "mmtrace replay: expected one TRACE "
			"(see --help)\n");
		free(sets);
		return 2;
	}
	o.trace = argv[optind];
	o.sets = sets;
	o.progress = !quiet && isatty(2);
	o.print_table = !quiet;
	rc = o.outdir ? mmt_cmd_check_outdir("replay", o.outdir, force) : 0;
	if (!rc) {
		rc = mmt_replay_run(&o, &res, err, sizeof(err));
		if (err[0])
			fprintf(stderr, "mmtrace replay: %s\n", err);
		else if (rc == 0 && o.outdir && !quiet)
			fprintf(stderr, "mmtrace replay: %llu of %llu events "
				"replayed, results in %s\n",
				(unsigned long long)res.events_replayed,
				(unsigned long long)res.events_total, o.outdir);
	}
	free(sets);
	return rc;
}
