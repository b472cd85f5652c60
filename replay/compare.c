/* SPDX-License-Identifier: MIT */
/*
 * mmtrace compare: one replay per policy, in parallel (one child process
 * per policy, at most -j at a time, default the number of online cpus),
 * each writing DIR/runs/NAME/; then DIR/policies.tsv and the report.
 * Children share nothing but the trace file, so there is no locking and
 * each run is byte-identical to a `mmtrace replay` of the same policy.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mmcore.h"
#include "mmtrace/cmd.h"
#include "mmtrace/replay.h"
#include "mmtrace/report.h"
#include "opts.h"

#define MAX_POLICIES 64

struct cmp_policy {
	struct rp_policy p;
	pid_t pid;
	int status;
};

static void usage(FILE *f)
{
	fputs("usage: mmtrace compare TRACE --policy NAME:vm.X=V[,vm.Y=W] ... "
	      "-o DIR\n"
	      "Replays TRACE once per policy, in parallel, and renders a report\n"
	      "in DIR (index.html, whose path is printed on stdout).\n\n"
	      "  -P, --policy NAME:SETTINGS  a policy; SETTINGS are vm.X=V\n"
	      "                         separated by commas, empty for the\n"
	      "                         host's own settings (repeatable)\n"
	      "  -t, --topology SPEC    as for replay (e.g. 2)\n"
	      "  -m, --mode MODE        policy (default) or mirror\n"
	      "      --start STATE      snapshot or inferred, as for replay\n"
	      "      --memcg-walk W     auto, whole or partial, as for replay\n"
	      "      --sample-ms N      time series interval in trace time\n"
	      "  -j, --jobs N           parallel replays (default: online cpus)\n"
	      "  -o, --output DIR       report directory (created; refused when it\n"
	      "                         exists and is not empty)\n"
	      "  -f, --force            write into a DIR that is not empty (its\n"
	      "                         policies.tsv names this compare's runs)\n"
	      "  -h, --help             this text\n\n"
	      "TRACE is checked once before the replays start; a damaged TRACE\n"
	      "is said once, and the report is still rendered from what was\n"
	      "readable (exit 3).\n", f);
	fputs(rp_damage_help, f);
	fputs("\n"
	      "EXAMPLES\n"
	      "  zone_reclaim_mode 0 against 1 on a two-node what-if:\n"
	      "    mmtrace compare trace.mmt --topology 2 -o out \\\n"
	      "      --policy zrm0:vm.zone_reclaim_mode=0 --policy zrm1:vm.zone_reclaim_mode=1\n"
	      "  The host's settings against defrag_mode with a larger reserve:\n"
	      "    mmtrace compare trace.mmt -o out2 --policy host: \\\n"
	      "      --policy defrag:vm.defrag_mode=1,vm.min_free_kbytes=262144\n", f);
}

/* One policy's replay: the options every run shares (base) with the
 * policy's settings and its own run folder.  The first policy's replay
 * says the trace's damage, the others only count it (the same file). */
static int run_child(const char *dir, const struct rp_policy *p,
		     const struct mmt_replay_opts *base, int first)
{
	struct mmt_replay_opts o = *base;
	char out[4096], err[512] = "", who[128];
	int rc;

	snprintf(out, sizeof(out), "%s/runs/%s", dir, p->name);
	snprintf(who, sizeof(who), "mmtrace compare: policy %s", p->name);
	o.who = first ? "mmtrace compare" : who;
	o.quiet_damage = !first;
	o.outdir = out;
	o.sets = (const char *const *)p->sets;
	o.nr_sets = p->nr_sets;
	rc = mmt_replay_run(&o, NULL, err, sizeof(err));
	/* a damaged trace is said by the first policy only (the same file) */
	if (err[0] && (rc != 3 || first))
		fprintf(stderr, "mmtrace compare: policy %s: %s\n", p->name, err);
	return rc;
}

static int wait_one(struct cmp_policy *p, unsigned n, unsigned *done,
		    int tty)
{
	int status;
	pid_t pid = wait(&status);

	if (pid < 0)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (p[i].pid == pid) {
			p[i].status = status;
			p[i].pid = 0;
		}
	(*done)++;
	if (tty)
		fprintf(stderr, "\rcompare: %u/%u replays done", *done, n);
	return 0;
}

static int run_all(const char *dir, struct cmp_policy *p, unsigned n,
		   const struct mmt_replay_opts *base, unsigned jobs)
{
	unsigned running = 0, done = 0;
	int tty = isatty(2), rc = 0;

	fflush(NULL);
	for (unsigned i = 0; i < n; i++) {
		pid_t pid;

		while (running >= jobs) {
			if (wait_one(p, n, &done, tty) < 0)
				return 1;
			running--;
		}
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "mmtrace compare: fork: %s\n",
				strerror(errno));
			return 1;
		}
		if (pid == 0)
			_exit(run_child(dir, &p[i].p, base, i == 0));
		p[i].pid = pid;
		running++;
	}
	while (running) {
		if (wait_one(p, n, &done, tty) < 0)
			return 1;
		running--;
	}
	if (tty)
		fputc('\n', stderr);
	for (unsigned i = 0; i < n; i++) {
		int st = p[i].status;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;

		if (!WIFEXITED(st))
			fprintf(stderr, "mmtrace compare: policy %s: replay "
				"died (signal %d)\n", p[i].p.name,
				WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		if (code > rc)
			rc = code;
	}
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "topology", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "start", required_argument, NULL, 'B' },
		{ "memcg-walk", required_argument, NULL, 'W' },
		{ "sample-ms", required_argument, NULL, 'S' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmp_policy *pol;
	const struct rp_policy *list[MAX_POLICIES];
	unsigned n = 0, jobs;
	const char *dir = NULL;
	struct mmt_replay_opts base;
	int c, rc = 2, force = 0;
	char err[512] = "", runs[4096], *end;
	int damaged;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(&base, 0, sizeof(base));
	jobs = ncpu > 0 ? (unsigned)ncpu : 1;
	pol = calloc(MAX_POLICIES, sizeof(*pol));
	if (!pol)
		return 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "P:t:m:j:o:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'P':
			if (n == MAX_POLICIES) {
				fprintf(stderr, "mmtrace compare: more than %d "
					"policies\n", MAX_POLICIES);
				goto out;
			}
			if (rp_parse_policy("compare", &pol[n].p, optarg) < 0)
				goto out;
			for (unsigned i = 0; i < n; i++)
				if (!strcmp(pol[i].p.name, pol[n].p.name)) {
					fprintf(stderr, "mmtrace compare: policy "
						"name %s given twice\n",
						pol[n].p.name);
					goto out;
				}
			n++;
			break;
		case 't':
			base.topology = optarg;
			break;
		case 'm':
			if (rp_parse_mode("compare", optarg, &base.mode))
				goto out;
			break;
		case 'B':
			if (rp_parse_start("compare", optarg, &base.start))
				goto out;
			break;
		case 'W':
			if (mmt_replay_parse_memcg_walk("compare", optarg,
							&base.memcg_walk))
				goto out;
			break;
		case 'S':
			if (rp_parse_sample_ms("compare", optarg,
					       &base.sample_ns))
				goto out;
			break;
		case 'j': {
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !*optarg || !v || v > 1024) {
				fprintf(stderr, "mmtrace compare: --jobs %s: "
					"expected 1..1024\n", optarg);
				goto out;
			}
			jobs = (unsigned)v;
			break;
		}
		case 'o':
			dir = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 1 || !n || !dir) {
		fprintf(stderr, "mmtrace compare: expected TRACE, at least one "
			"--policy and -o DIR (see --help)\n");
		goto out;
	}
	rc = mmt_cmd_check_outdir("compare", dir, force);
	if (rc)
		goto out;
	/* once here, not once per replay: a trace no replay can use */
	base.trace = argv[optind];
	rc = mmt_replay_check_trace(&base, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "mmtrace compare: %s\n", err);
		goto out;
	}
	snprintf(runs, sizeof(runs), "%s/runs", dir);
	if (rp_mkdir_p(runs) < 0) {
		fprintf(stderr, "mmtrace compare: %s: %s\n", runs, strerror(errno));
		rc = 1;
		goto out;
	}
	rc = run_all(dir, pol, n, &base, jobs);
	/* 3: a damaged trace, replayed as far as readable: still a report */
	if (rc && rc != 3)
		goto out;
	damaged = rc;
	for (unsigned i = 0; i < n; i++)
		list[i] = &pol[i].p;
	if (rp_write_policies(dir, list, n) != 0) {
		fprintf(stderr, "mmtrace compare: %s/policies.tsv: %s\n", dir,
			strerror(errno));
		rc = 1;
		goto out;
	}
	if (mmt_report_render(dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "mmtrace compare: report: %s\n", err);
		rc = damaged ? damaged : 1;
		goto out;
	}
	printf("%s/index.html\n", dir);
	rc = damaged;
out:
	free(pol);
	return rc;
}
