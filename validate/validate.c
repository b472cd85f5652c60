/* SPDX-License-Identifier: MIT */
/*
 * mmtrace validate A.mmt B.mmt ...: how far to trust the model's
 * predictions on this host.  The traces are recordings of one workload
 * under different settings; each trace's settings are in its header.
 * Traces with the same settings form a group (A is the first trace's,
 * B the next different one, ...).  Every trace is replayed in policy mode
 * under the settings of every group, in parallel (one child process per
 * replay, -j at a time, as compare does); verdict.c then puts the model's
 * counters beside the kernel's, under the same settings and across them,
 * and output.c prints the table (or --json) and, with -o DIR, writes
 * validate.tsv, validate.json, the replays' run folders and the report
 * section (report/, mmt_report_validate).
 * Exit: 0 done (whatever the verdicts), 1 a trace unreadable or a replay
 * failed, 2 usage.
 */
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
#include "mmtrace/report.h"
#include "mmtrace/trace.h"
#include "validate.h"

static void usage(FILE *f)
{
	fputs("usage: mmtrace validate [-o DIR] [--json] [-j N] [--memcg-walk W]\n"
	      "                        [--fits F] A.mmt ...\n"
	      "Checks the model against the kernel on traces of one workload\n"
	      "recorded under different settings (each trace's settings are in\n"
	      "its header; traces with the same settings are repeated runs).\n"
	      "Replays every trace in policy mode under its own settings and\n"
	      "under each other group's, and prints per counter the kernel's\n"
	      "value and the model's, the measured ratio of each group to the\n"
	      "first (A) and the predicted one, with the kernel's run-to-run\n"
	      "spread (min..max) where several traces share settings.\n\n"
	      "  -o, --output DIR   also write DIR/validate.tsv, validate.json,\n"
	      "                     validate.md, index.html and DIR/runs/\n"
	      "                     (one replay folder per trace and settings);\n"
	      "                     refused when DIR exists and is not empty\n"
	      "  -f, --force        write into a DIR that is not empty\n"
	      "      --json         print JSON instead of the table\n"
	      "  -j, --jobs N       parallel replays (default: online cpus)\n"
	      "      --memcg-walk W auto (default), whole or partial: as\n"
	      "                     mmtrace replay --memcg-walk, every replay\n"
	      "      --fits F       the reclaim, compaction and kswapd costs\n"
	      "                     every replay uses, fitted from the traces'\n"
	      "                     durations: host (default: pooled over all\n"
	      "                     the traces), settings (pooled over the\n"
	      "                     traces of each setting) or trace (each\n"
	      "                     trace's own, as mmtrace replay fits)\n"
	      "  -h, --help         this help\n\n"
	      "Verdicts: same settings, the model's mean is within 25% of the\n"
	      "kernel's or inside its min..max; across settings, where the\n"
	      "groups' kernel ranges do not overlap, the prediction goes the same\n"
	      "way and is within 1.5x of the measured ratio; no model allocation\n"
	      "failure where the kernel had no OOM kill; the end unusable index\n"
	      "at order 9 within 0.05.  docs/validate.md has the definitions.\n\n"
	      "Exit status: 0 done (whatever the verdicts); 1 a trace cannot be\n"
	      "read, or a replay failed; 2 usage (also DIR not empty without\n"
	      "--force); 3 a trace is truncated or damaged (replayed as far as\n"
	      "readable, the damage said on stderr; traces/FORMAT.md) or is not\n"
	      "a trace.\n\n"
	      "EXAMPLES\n"
	      "  A trace against itself (one group, two runs):\n"
	      "    mmtrace validate trace.mmt trace.mmt\n"
	      "  The same as JSON, with the replays and the report in a folder:\n"
	      "    mmtrace validate --json -o val trace.mmt trace.mmt\n", f);
}

/* ---- settings groups ------------------------------------------------------ */

/* The policy a replay of this trace starts from: the model's defaults
 * and every sysctl the header holds that a policy can set. */
static char *trace_policy(const struct mmt_header *h)
{
	struct mmc_policy pol;
	char err[200], buf[8192];

	mmc_policy_defaults(&pol);
	for (uint32_t i = 0; i < h->nr_sysctls; i++)
		(void)mmc_policy_set(&pol, h->sysctls[i].name,
				     h->sysctls[i].value, err, sizeof(err));
	mmc_policy_format(&pol, buf, sizeof(buf));
	return strdup(buf);
}

/* A group's "vm.X=V" lines as --set values (pointers into policy). */
static int split_sets(struct vl_group *g)
{
	char *save = NULL, *buf = strdup(g->policy), *s;

	if (!buf)
		return -1;
	for (s = strtok_r(buf, "\n", &save); s; s = strtok_r(NULL, "\n", &save))
		if (*s && g->nr_sets < VL_MAX_SETS)
			g->sets[g->nr_sets++] = s;
	return 0;
}

/* What differs from the base group: its lines that A lacks. */
static void describe(struct vl_result *v, struct vl_group *g)
{
	size_t len = 0;

	if (g == &v->group[0]) {
		snprintf(g->desc, sizeof(g->desc), "base");
		return;
	}
	g->desc[0] = '\0';
	for (unsigned i = 0; i < g->nr_sets; i++) {
		int in_a = 0;

		for (unsigned j = 0; j < v->group[0].nr_sets; j++)
			in_a |= !strcmp(g->sets[i], v->group[0].sets[j]);
		if (in_a)
			continue;
		len += (size_t)snprintf(g->desc + len, sizeof(g->desc) - len,
					"%s%s", len ? " " : "", g->sets[i]);
		if (len >= sizeof(g->desc))
			break;
	}
}

static int add_trace(struct vl_result *v, const char *path)
{
	char err[512], *pol;
	struct mmt_reader *rd = mmt_reader_open(path, err, sizeof(err));
	unsigned g;

	if (!rd) {
		int e = errno;	/* EBADMSG: not a trace (exit 3) */

		fprintf(stderr, "mmtrace validate: %s\n", err);
		errno = e;
		return -1;
	}
	pol = trace_policy(mmt_reader_header(rd));
	v->trace[v->nr_traces].path = path;
	v->trace[v->nr_traces].events = mmt_reader_nr_events(rd);
	mmt_reader_close(rd);
	if (!pol) {
		fprintf(stderr, "mmtrace validate: out of memory\n");
		return -1;
	}
	for (g = 0; g < v->nr_groups; g++)
		if (!strcmp(v->group[g].policy, pol))
			break;
	if (g == v->nr_groups) {
		if (g == VL_MAX_GROUPS) {
			fprintf(stderr, "mmtrace validate: %s: more than %d "
				"different settings\n", path, VL_MAX_GROUPS);
			free(pol);
			return -1;
		}
		v->group[g].label = (char)('A' + g);
		v->group[g].policy = pol;
		if (split_sets(&v->group[g]) < 0) {
			fprintf(stderr, "mmtrace validate: out of memory\n");
			free(pol);
			v->group[g].policy = NULL;
			return -1;
		}
		v->nr_groups++;
		describe(v, &v->group[g]);
	} else {
		free(pol);
	}
	v->group[g].traces[v->group[g].nr_traces++] = v->nr_traces;
	v->trace[v->nr_traces++].group = g;
	return 0;
}

/* ---- the replays ---------------------------------------------------------- */

struct vl_msg {			/* what a replay child sends back */
	int rc;
	char err[512];
	struct mmt_replay_result res;
};

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* DIR/runs/tNN-NAME@G (NAME without .mmt) */
static void run_dir(const struct vl_result *v, const char *dir, unsigned t,
		    unsigned g, char *buf, size_t len)
{
	const char *b = base_name(v->trace[t].path);
	size_t bl = strlen(b);

	if (bl > 4 && !strcmp(b + bl - 4, ".mmt"))
		bl -= 4;
	snprintf(buf, len, "%s/runs/t%02u-%.*s@%c", dir, t + 1, (int)bl, b,
		 v->group[g].label);
}

/* ---- cost fits ------------------------------------------------------------- */

const char *vl_fits_name(enum vl_fits f)
{
	return f == VL_FITS_SETTINGS ? "settings" :
	       f == VL_FITS_TRACE ? "trace" : "host";
}

/* Trace t's own fit sums (its first-pass replay under its own settings)
 * added to the host's and its setting's. */
static void pool_fits(struct vl_result *v, unsigned t)
{
	const struct mmt_fit_sums *own =
		&vl_run(v, t, v->trace[t].group)->res.fit_sums;
	struct mmt_fit_sums *g = &v->pooled_g[v->trace[t].group];

	for (int i = 0; i < MMT_REPLAY_NR_FITS; i++)
		for (int k = 0; k < 10; k++) {
			v->pooled.v[i][k] += own->v[i][k];
			g->v[i][k] += own->v[i][k];
		}
}

/* The fit sums the replays of trace t use (after the first pass). */
static const struct mmt_fit_sums *vl_fits_for(const struct vl_result *v,
					      unsigned t)
{
	unsigned g = v->trace[t].group;

	switch (v->fits) {
	case VL_FITS_SETTINGS:
		return &v->pooled_g[g];
	case VL_FITS_TRACE:
		/* its own: what a replay of it without host fits uses */
		return &v->runs[t * v->nr_groups + g].res.fit_sums;
	default:
		return &v->pooled;
	}
}

static void child(const struct vl_result *v, const char *dir, unsigned t,
		  unsigned g, int fd)
{
	struct mmt_replay_opts o;
	struct vl_msg m;
	char out[4096];
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

	/* the replay's notes (the trace's damage among them: the file and
	 * offset of a cut or a damaged block) are said once, by the first
	 * pass (each trace under its own settings); the second pass would
	 * repeat them: its run folders keep what matters, the parent
	 * reports failures */
	memset(&o, 0, sizeof(o));
	memset(&m, 0, sizeof(m));
	if (v->have_pooled && devnull >= 0)
		dup2(devnull, 2);
	o.who = "mmtrace validate";
	o.trace = v->trace[t].path;
	o.mode = MMT_REPLAY_POLICY;
	o.sets = (const char *const *)v->group[g].sets;
	o.nr_sets = v->group[g].nr_sets;
	o.host_fits = v->have_pooled ? vl_fits_for(v, t) : NULL;
	o.memcg_walk = v->memcg_walk;
	if (dir) {
		run_dir(v, dir, t, g, out, sizeof(out));
		o.outdir = out;
	}
	m.rc = mmt_replay_run(&o, &m.res, m.err, sizeof(m.err));
	if (write(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
		_exit(1);
	_exit(0);
}

struct job { pid_t pid; int fd; unsigned t, g; };

static int collect(struct vl_result *v, struct job *j)
{
	struct vl_msg m;
	struct vl_run *r = vl_run(v, j->t, j->g);
	size_t got = 0;
	int status;

	while (got < sizeof(m)) {
		ssize_t n = read(j->fd, (char *)&m + got, sizeof(m) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(j->fd);
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	r->done = 1;
	if (got != sizeof(m)) {
		fprintf(stderr, "mmtrace validate: replay of %s under %c died%s\n",
			v->trace[j->t].path, v->group[j->g].label,
			WIFSIGNALED(status) ? " (signal)" : "");
		r->rc = 1;
		return -1;
	}
	r->rc = m.rc;
	r->res = m.res;
	/* 3: a damaged or cut trace, replayed as far as readable (said
	 * once, by the first pass) */
	if (m.rc == 3 && r->res.events_replayed) {
		if (!v->have_pooled)
			fprintf(stderr, "mmtrace validate: %s\n", m.err);
		return 0;
	}
	if (m.rc) {
		fprintf(stderr, "mmtrace validate: replay of %s under %c: %s\n",
			v->trace[j->t].path, v->group[j->g].label, m.err);
		return -1;
	}
	return 0;
}

/* Every trace under every group's settings, or (own) each trace under
 * its own settings only. */
static int run_all(struct vl_result *v, const char *dir, unsigned jobs,
		   int own)
{
	unsigned n = own ? v->nr_traces : v->nr_traces * v->nr_groups;
	unsigned next = 0, done = 0;
	struct job *run = calloc(jobs, sizeof(*run));
	unsigned running = 0;
	int tty = isatty(2), rc = 0;

	if (!run)
		return -1;
	fflush(NULL);
	while (done < n) {
		while (running < jobs && next < n) {
			int p[2];
			struct job *j = &run[running];

			if (pipe(p) < 0) {
				rc = -1;
				next = n;
				break;
			}
			j->t = own ? next : next / v->nr_groups;
			j->g = own ? v->trace[next].group : next % v->nr_groups;
			j->fd = p[0];
			j->pid = fork();
			if (j->pid == 0) {
				close(p[0]);
				child(v, dir, j->t, j->g, p[1]);
			}
			close(p[1]);
			if (j->pid < 0) {
				fprintf(stderr, "mmtrace validate: fork: %s\n",
					strerror(errno));
				close(p[0]);
				rc = -1;
				next = n;
				break;
			}
			running++;
			next++;
		}
		if (!running)
			break;
		/* in start order: results land in their own slots anyway */
		if (collect(v, &run[0]) < 0)
			rc = -1;
		memmove(run, run + 1, (running - 1) * sizeof(*run));
		running--;
		done++;
		if (tty)
			fprintf(stderr, "\rvalidate: %s %u/%u", own ?
				"calibration replays" : "replays", done, n);
	}
	if (tty)
		fputc('\n', stderr);
	free(run);
	return rc;
}

/* ---- files ------------------------------------------------------------------ */

/* Writes one output file with fn; -1 (errno set) on any error. */
static int write_file(const struct vl_result *v, const char *dir,
		      const char *name,
		      void (*fn)(const struct vl_result *, FILE *))
{
	FILE *f = mmt_replay_create(dir, name);
	int bad;

	if (!f)
		return -1;
	fn(v, f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

static int write_outputs(const struct vl_result *v, const char *dir)
{
	char err[512];

	static const char *const names[2] = { "validate.tsv", "validate.json" };
	void (*const fns[2])(const struct vl_result *, FILE *) = {
		vl_write_tsv, vl_print_json };

	for (int i = 0; i < 2; i++)
		if (write_file(v, dir, names[i], fns[i]) < 0) {
			fprintf(stderr, "mmtrace validate: %s/%s: %s\n", dir,
				names[i], strerror(errno));
			return -1;
		}
	if (mmt_report_validate(dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "mmtrace validate: report: %s\n", err);
		return -1;
	}
	return 0;
}

static void result_free(struct vl_result *v)
{
	for (unsigned g = 0; g < v->nr_groups; g++) {
		free(v->group[g].policy);
		if (v->group[g].nr_sets)
			free(v->group[g].sets[0]);	/* the strtok buffer */
	}
	free(v->runs);
	free(v->counters);
	free(v->same);
	free(v->across);
	free(v);
}

int cmd_validate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'J' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "memcg-walk", required_argument, NULL, 'W' },
		{ "fits", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL;
	enum mmt_memcg_walk walk = MMT_MEMCG_WALK_AUTO;
	enum vl_fits fits = VL_FITS_HOST;
	int json = 0, c, rc = 2, force = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned jobs = ncpu > 0 ? (unsigned)ncpu : 1;
	struct vl_result *v;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'J':
			json = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'j': {
			unsigned long n = strtoul(optarg, &end, 10);

			if (*end || !*optarg || !n || n > 1024) {
				fprintf(stderr, "mmtrace validate: --jobs %s: "
					"expected 1..1024\n", optarg);
				return 2;
			}
			jobs = (unsigned)n;
			break;
		}
		case 'W':
			if (mmt_replay_parse_memcg_walk("validate", optarg,
							&walk))
				return 2;
			break;
		case 'F':
			if (!strcmp(optarg, "host"))
				fits = VL_FITS_HOST;
			else if (!strcmp(optarg, "settings"))
				fits = VL_FITS_SETTINGS;
			else if (!strcmp(optarg, "trace"))
				fits = VL_FITS_TRACE;
			else {
				fprintf(stderr, "mmtrace validate: --fits %s: "
					"expected host, settings or trace\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "mmtrace validate: expected one or more traces "
			"(see --help)\n");
		return 2;
	}
	if (argc - optind > VL_MAX_TRACES) {
		fprintf(stderr, "mmtrace validate: more than %d traces\n",
			VL_MAX_TRACES);
		return 2;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return 1;
	v->memcg_walk = walk;
	v->fits = fits;
	rc = 1;
	if (dir && (rc = mmt_cmd_check_outdir("validate", dir, force)))
		goto out;
	rc = 1;
	for (int i = optind; i < argc; i++)
		if (add_trace(v, argv[i]) < 0) {
			rc = errno == EBADMSG ? 3 : 1;
			goto out;
		}
	v->runs = calloc((size_t)v->nr_traces * v->nr_groups, sizeof(*v->runs));
	if (!v->runs) {
		fprintf(stderr, "mmtrace validate: out of memory\n");
		goto out;
	}
	if (vl_counters_init(v) < 0)
		goto out;
	v->same = calloc((size_t)v->nr_counters * v->nr_groups, sizeof(*v->same));
	v->across = calloc((size_t)v->nr_counters * v->nr_groups,
			   sizeof(*v->across));
	if (!v->same || !v->across) {
		fprintf(stderr, "mmtrace validate: out of memory\n");
		goto out;
	}
	/* first the host's costs, from every trace's own durations, then
	 * every replay with them */
	if (run_all(v, NULL, jobs, 1) < 0)
		goto out;
	for (unsigned t = 0; t < v->nr_traces; t++)
		pool_fits(v, t);
	v->have_pooled = 1;
	if (run_all(v, dir, jobs, 0) < 0)
		goto out;
	vl_evaluate(v);
	if (json)
		vl_print_json(v, stdout);
	else
		vl_print_text(v, stdout);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "mmtrace validate: stdout: %s\n", strerror(errno));
		goto out;
	}
	if (dir && write_outputs(v, dir) < 0)
		goto out;
	rc = 0;
	for (unsigned i = 0; i < v->nr_traces * v->nr_groups; i++)
		if (v->runs[i].rc == 3)
			rc = 3;		/* from damaged or cut traces */
out:
	result_free(v);
	return rc;
}
