/* SPDX-License-Identifier: MIT */
/*
 * mmtrace sweep: policies x traces as a plan for an existing job runner,
 * not a home-made one.  It writes, in DIR:
 *   jobs.txt     one shell command a line, one `mmtrace replay` per
 *                (trace, policy): GNU parallel runs it as it is, here
 *                (parallel < jobs.txt) or over ssh (--sshloginfile), and
 *                so does anything that runs lines of shell;
 *   slurm.sh     a Slurm array script: task i runs line i of jobs.txt;
 *   sweep.tsv    the plan, a row per job (what `mmtrace report DIR` reads
 *                to merge the run folders);
 *   NAME/policies.tsv   per trace, so each trace's runs form a compare
 *                folder the report renders as `mmtrace compare` would.
 * Each job writes DIR/NAME/runs/POLICY, byte for byte what `mmtrace
 * replay` (or `mmtrace compare`) writes for that policy.  Commands use
 * absolute paths: DIR and the traces must be where every host running
 * jobs sees them (a shared filesystem on a cluster).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mmtrace/cmd.h"
#include "mmtrace/trace.h"
#include "opts.h"

#define MAX_POLICIES 256
#define MAX_TRACES 256
#define MAX_VARY 8
#define MAX_VALUES 32

struct vary {
	char name[64];			/* "vm.watermark_scale_factor" */
	char *values[MAX_VALUES];
	unsigned n;
	char buf[512];
};

struct trace_group {
	char path[PATH_MAX];		/* absolute */
	char name[64];			/* DIR/NAME: basename, made unique */
};

static void usage(FILE *f)
{
	fputs("usage: mmtrace sweep -o DIR (--policy NAME:SETTINGS | --vary vm.X=A,B,..)...\n"
	      "                     [--topology SPEC] [--mode MODE] [--start STATE]\n"
	      "                     [--memcg-walk W]\n"
	      "                     [--sample-ms N]\n"
	      "                     [--mmtrace CMD] TRACE...\n"
	      "Plans one replay per (trace, policy) for GNU parallel or Slurm to run:\n"
	      "writes DIR/jobs.txt (a command a line), DIR/slurm.sh (an array job,\n"
	      "task i runs line i), DIR/sweep.tsv (the plan) and DIR/NAME/policies.tsv\n"
	      "per trace; each job writes DIR/NAME/runs/POLICY.  Then `mmtrace report\n"
	      "DIR` merges the run folders: a report per trace and one table of every\n"
	      "run.  Paths in the jobs are absolute: DIR and the traces must be on a\n"
	      "filesystem every host that runs jobs sees.\n\n"
	      "  -P, --policy NAME:SETTINGS  a policy, as for compare (repeatable)\n"
	      "  -V, --vary vm.X=A,B,..   every value of vm.X (repeatable: the cross\n"
	      "                         product; with --policy, each policy times it)\n"
	      "  -t, --topology SPEC    as for replay (e.g. 2)\n"
	      "  -m, --mode MODE        policy (default) or mirror\n"
	      "      --start STATE      snapshot or inferred, as for replay\n"
	      "      --memcg-walk W     auto, whole or partial, as for replay\n"
	      "      --sample-ms N      time series interval in trace time\n"
	      "      --mmtrace CMD      the mmtrace the jobs run (default: this one,\n"
	      "                         by its absolute path)\n"
	      "  -o, --output DIR       the sweep folder (created; refused if it holds\n"
	      "                         a sweep already)\n"
	      "  -h, --help             this text\n"
	      "\n"
	      "Exit status: 0 plan written; 1 a TRACE or DIR cannot be read or\n"
	      "written; 2 bad option, DIR holds a sweep already; 3 a TRACE is not a\n"
	      "trace (only its header is read here: damage further in is each job's\n"
	      "replay to report, exit 3).\n"
	      "\n"
	      "EXAMPLES\n"
	      "  Three watermark scale factors on two traces, run here by GNU parallel:\n"
	      "    mmtrace sweep -o sw --vary vm.watermark_scale_factor=10,100,1000 trace.mmt trace.mmt\n"
	      "    parallel --joblog sw/joblog < sw/jobs.txt && mmtrace report sw\n"
	      "  zone_reclaim_mode on a two-node what-if, on the hosts of a file:\n"
	      "    mmtrace sweep -o /shared/sw --topology 2 --vary vm.zone_reclaim_mode=0,1,3 trace.mmt\n"
	      "    parallel --sshloginfile hosts < /shared/sw/jobs.txt\n"
	      "  The same as a Slurm array job:\n"
	      "    sbatch /shared/sw/slurm.sh\n", f);
}

/* Appends s to a policy name, in the characters names allow. */
static size_t name_add(char *name, size_t len, size_t at, const char *s)
{
	for (; *s && at + 1 < len; s++) {
		char c = *s;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || strchr("_.-+", c);

		name[at++] = ok ? c : '_';
	}
	name[at] = 0;
	return at;
}

/* A run folder name from a trace file: its basename less ".mmt", in
 * the characters names allow ('_' for others, and for a leading '.'). */
static void group_name(char *out, size_t len, const char *path)
{
	const char *b = strrchr(path, '/');
	char base[PATH_MAX];
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 4 && !strcmp(b + n - 4, ".mmt"))
		n -= 4;
	snprintf(base, sizeof(base), "%.*s", (int)n, b);
	if (!name_add(out, len, 0, base))
		name_add(out, len, 0, "_");
	if (out[0] == '.')
		out[0] = '_';
}

/* 0, or the exit status (the README's table) with one line on stderr:
 * 1 the trace cannot be read, 2 a usage error, 3 not a trace.  Only the
 * header is read here: damage further in is each job's replay to report
 * (exit 3), not a reason to refuse the plan. */
static int add_trace(struct trace_group *t, unsigned *n, const char *path)
{
	struct trace_group *g = &t[*n];
	struct mmt_reader *r;
	struct stat st;
	int rc;

	if (*n == MAX_TRACES) {
		fprintf(stderr, "mmtrace sweep: more than %d traces\n", MAX_TRACES);
		return 2;
	}
	if (!realpath(path, g->path) || stat(g->path, &st)) {
		fprintf(stderr, "mmtrace sweep: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "mmtrace sweep: %s: not a regular file\n", path);
		return 1;
	}
	if (strpbrk(g->path, "\t\n")) {	/* would break sweep.tsv's rows */
		fprintf(stderr, "mmtrace sweep: %s: a tab or newline in the path\n",
			path);
		return 2;
	}
	/* every job would fail on a file that is not a trace: refuse now */
	r = mmt_cmd_open_trace("sweep", path, &rc);
	if (!r)
		return rc;
	mmt_reader_close(r);
	char base[48];

	group_name(base, sizeof(base), g->path);
	snprintf(g->name, sizeof(g->name), "%s", base);
	/* the same basename twice (or the same trace twice): number it */
	for (unsigned k = 2;; k++) {
		int clash = 0;

		for (unsigned i = 0; i < *n; i++)
			clash |= !strcmp(t[i].name, g->name);
		if (!clash)
			break;
		snprintf(g->name, sizeof(g->name), "%s-%u", base, k);
	}
	(*n)++;
	return 0;
}

static int parse_vary(struct vary *v, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t nl = eq ? (size_t)(eq - arg) : 0;
	char *s, *save = NULL;

	memset(v, 0, sizeof(*v));
	if (!eq || !nl || nl >= sizeof(v->name) || !eq[1] ||
	    strlen(eq + 1) >= sizeof(v->buf)) {
		fprintf(stderr, "mmtrace sweep: --vary %s: expected vm.X=A,B,..\n",
			arg);
		return -1;
	}
	memcpy(v->name, arg, nl);
	snprintf(v->buf, sizeof(v->buf), "%s", eq + 1);
	for (s = strtok_r(v->buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (v->n == MAX_VALUES) {
			fprintf(stderr, "mmtrace sweep: --vary %s: more than %d "
				"values\n", arg, MAX_VALUES);
			return -1;
		}
		v->values[v->n++] = s;
	}
	return 0;
}

/* One policy of the product: base b with grid point pt (one value per
 * --vary, the first --vary varying slowest).  Its name is the base's
 * (none for the implicit host policy) and "X-V" per varied sysctl,
 * joined by '+'; "pN" when that would not fit a name. */
static int point_policy(struct rp_policy *out, const struct rp_policy *b,
			int implicit, const struct vary *v, unsigned nv,
			unsigned pt, unsigned index)
{
	char name[sizeof(out->name)], settings[sizeof(out->settings)];
	char arg[sizeof(name) + sizeof(settings) + 2];
	unsigned idx[MAX_VARY];
	size_t nl = 0, sl;
	int fits = 1;

	for (unsigned i = nv; i-- > 0;) {
		idx[i] = pt % v[i].n;
		pt /= v[i].n;
	}
	if (!implicit)
		nl = name_add(name, sizeof(name), 0, b->name);
	name[nl] = 0;
	sl = (size_t)snprintf(settings, sizeof(settings), "%s", b->settings);
	for (unsigned i = 0; i < nv; i++) {
		const char *bare = strncmp(v[i].name, "vm.", 3) ? v[i].name :
				   v[i].name + 3;
		const char *val = v[i].values[idx[i]];
		size_t before = nl;

		if (nl)
			nl = name_add(name, sizeof(name), nl, "+");
		nl = name_add(name, sizeof(name), nl, bare);
		nl = name_add(name, sizeof(name), nl, "-");
		nl = name_add(name, sizeof(name), nl, val);
		fits &= nl + 1 < sizeof(name) && nl > before;
		if (sl < sizeof(settings))
			sl += (size_t)snprintf(settings + sl, sizeof(settings) - sl,
					       "%s%s=%s", sl ? "," : "", v[i].name,
					       val);
	}
	if (sl >= sizeof(settings)) {
		fprintf(stderr, "mmtrace sweep: settings of policy %u longer than "
			"%zu bytes\n", index + 1, sizeof(settings) - 1);
		return -1;
	}
	if (!fits || !nl)
		snprintf(name, sizeof(name), "p%u", index + 1);
	snprintf(arg, sizeof(arg), "%s:%s", name, settings);
	return rp_parse_policy("sweep", out, arg);
}

/* The policies: each --policy (or the host's own settings when there is
 * none) times each point of the --vary grid. */
static int expand(const struct rp_policy *base, unsigned nbase,
		  const struct vary *v, unsigned nv, struct rp_policy **out,
		  unsigned *nout)
{
	static const struct rp_policy host = { .name = "host" };
	unsigned npoints = 1, implicit = !nbase;

	for (unsigned i = 0; i < nv; i++) {
		if (npoints > MAX_POLICIES / v[i].n) {
			fprintf(stderr, "mmtrace sweep: more than %d policies\n",
				MAX_POLICIES);
			return -1;
		}
		npoints *= v[i].n;
	}
	if (implicit) {
		base = &host;
		nbase = 1;
	}
	if ((size_t)nbase * npoints > MAX_POLICIES) {
		fprintf(stderr, "mmtrace sweep: more than %d policies\n",
			MAX_POLICIES);
		return -1;
	}
	*out = calloc((size_t)nbase * npoints, sizeof(**out));
	if (!*out)
		return -1;
	for (*nout = 0; *nout < nbase * npoints; (*nout)++) {
		struct rp_policy *p = &(*out)[*nout];

		if (point_policy(p, &base[*nout / npoints], (int)implicit, v, nv,
				 *nout % npoints, *nout))
			return -1;
		for (unsigned i = 0; i < *nout; i++)
			if (!strcmp((*out)[i].name, p->name)) {
				fprintf(stderr, "mmtrace sweep: policy %s given "
					"twice\n", p->name);
				return -1;
			}
	}
	return 0;
}

/* s as one shell word: single-quoted, ' as '\'' */
static void put_word(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

struct plan {
	const char *dir;		/* absolute */
	const char *mmtrace;
	const char *topo, *mode, *start, *memcg_walk;
	unsigned sample_ms;
	const struct trace_group *traces;
	unsigned ntraces;
	const struct rp_policy *pol;
	unsigned npol;
};

/* One job: cd into DIR, replay into NAME/runs/POLICY. */
static void put_job(FILE *f, const struct plan *p, const struct trace_group *t,
		    const struct rp_policy *pol)
{
	char out[256];

	fputs("cd ", f);
	put_word(f, p->dir);
	fputs(" && ", f);
	put_word(f, p->mmtrace);
	fputs(" replay ", f);
	put_word(f, t->path);
	for (unsigned i = 0; i < pol->nr_sets; i++) {
		fputs(" --set ", f);
		put_word(f, pol->sets[i]);
	}
	if (p->topo) {
		fputs(" --topology ", f);
		put_word(f, p->topo);
	}
	if (p->mode)
		fprintf(f, " --mode %s", p->mode);
	if (p->start)
		fprintf(f, " --start %s", p->start);
	if (p->memcg_walk)
		fprintf(f, " --memcg-walk %s", p->memcg_walk);
	if (p->sample_ms)
		fprintf(f, " --sample-ms %u", p->sample_ms);
	snprintf(out, sizeof(out), "%s/runs/%s", t->name, pol->name);
	fputs(" --quiet -o ", f);
	put_word(f, out);
	/* the job owns its run folder: a retried job (a requeued Slurm task)
	 * replaces what a killed one left, instead of being refused */
	fputs(" --force\n", f);
}

static FILE *create(const char *dir, const char *name, int mode)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		fprintf(stderr, "mmtrace sweep: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

static int finish(FILE *f, const char *dir, const char *name)
{
	int bad = ferror(f);

	if (fclose(f) || bad) {
		fprintf(stderr, "mmtrace sweep: %s/%s: write error\n", dir, name);
		return -1;
	}
	return 0;
}

static int write_jobs(const struct plan *p)
{
	FILE *f = create(p->dir, "jobs.txt", 0666);

	if (!f)
		return -1;
	for (unsigned t = 0; t < p->ntraces; t++)
		for (unsigned i = 0; i < p->npol; i++)
			put_job(f, p, &p->traces[t], &p->pol[i]);
	return finish(f, p->dir, "jobs.txt");
}

static int write_plan(const struct plan *p)
{
	FILE *f = create(p->dir, "sweep.tsv", 0666);
	unsigned job = 0;

	if (!f)
		return -1;
	fputs("job\ttrace\tname\tpolicy\tsettings\trun\n", f);
	for (unsigned t = 0; t < p->ntraces; t++)
		for (unsigned i = 0; i < p->npol; i++)
			fprintf(f, "%u\t%s\t%s\t%s\t%s\t%s/runs/%s\n", ++job,
				p->traces[t].path, p->traces[t].name, p->pol[i].name,
				p->pol[i].settings[0] ? p->pol[i].settings : "host",
				p->traces[t].name, p->pol[i].name);
	return finish(f, p->dir, "sweep.tsv");
}

/* sbatch DIR/slurm.sh: task i runs line i of jobs.txt (Slurm counts
 * from 1, as sed does). */
static int write_slurm(const struct plan *p)
{
	FILE *f = create(p->dir, "slurm.sh", 0777);
	unsigned njobs = p->ntraces * p->npol;

	if (!f)
		return -1;
	fprintf(f, "#!/bin/sh\n"
		"# mmtrace sweep as a Slurm array job: sbatch THIS_FILE.  Task i\n"
		"# runs line i of jobs.txt; then: mmtrace report THIS_FOLDER\n"
		"#SBATCH --job-name=mmtrace-sweep\n"
		"#SBATCH --array=1-%u\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n", njobs);
	fputs("#SBATCH --output=", f);
	fprintf(f, "%s/slurm-%%A_%%a.out\n", p->dir);
	fputs("set -e\n: \"${SLURM_ARRAY_TASK_ID:?run by sbatch as an array "
	      "task}\"\njobs=", f);
	put_word(f, p->dir);
	fputs("/jobs.txt\n"
	      "job=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" \"$jobs\")\n"
	      "[ -n \"$job\" ] || { echo \"no line $SLURM_ARRAY_TASK_ID in $jobs\" >&2; exit 2; }\n"
	      "exec sh -c \"$job\"\n", f);
	return finish(f, p->dir, "slurm.sh");
}

static int mkdir_one(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST) {
		fprintf(stderr, "mmtrace sweep: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_groups(const struct plan *p)
{
	const struct rp_policy **list = calloc(p->npol, sizeof(*list));
	char path[PATH_MAX + 128];
	int rc = 0;

	if (!list)
		return -1;
	for (unsigned i = 0; i < p->npol; i++)
		list[i] = &p->pol[i];
	for (unsigned t = 0; t < p->ntraces && !rc; t++) {
		snprintf(path, sizeof(path), "%s/%s", p->dir, p->traces[t].name);
		rc = mkdir_one(path);
		snprintf(path, sizeof(path), "%s/%s/runs", p->dir, p->traces[t].name);
		if (!rc)
			rc = mkdir_one(path);
		snprintf(path, sizeof(path), "%s/%s", p->dir, p->traces[t].name);
		if (!rc && rp_write_policies(path, list, p->npol)) {
			fprintf(stderr, "mmtrace sweep: %s/policies.tsv: %s\n",
				path, strerror(errno));
			rc = -1;
		}
	}
	free(list);
	return rc;
}

/* DIR, created (and its parents) and made absolute; a folder that holds
 * a sweep already is refused (its runs would mix with the new plan's). */
static int make_dir(const char *dir, char *abs)
{
	char buf[PATH_MAX], path[PATH_MAX + 16];

	if (strlen(dir) >= sizeof(buf)) {
		fprintf(stderr, "mmtrace sweep: -o %s: path too long\n", dir);
		return 2;
	}
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir_one(buf))
			return 1;
		*s = '/';
	}
	if (mkdir_one(buf) || !realpath(buf, abs)) {
		fprintf(stderr, "mmtrace sweep: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/sweep.tsv", abs);
	if (!access(path, F_OK)) {
		fprintf(stderr, "mmtrace sweep: %s holds a sweep already (sweep.tsv):"
			" choose another -o DIR or remove it\n", dir);
		return 2;
	}
	return 0;
}

/* The mmtrace the jobs run: the one running now, by absolute path. */
static int self_path(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len - 1);

	if (n <= 0)
		return -1;
	out[n] = 0;
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "vary", required_argument, NULL, 'V' },
		{ "topology", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "start", required_argument, NULL, 'B' },
		{ "memcg-walk", required_argument, NULL, 'W' },
		{ "sample-ms", required_argument, NULL, 'S' },
		{ "mmtrace", required_argument, NULL, 'M' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rp_policy *base = calloc(MAX_POLICIES, sizeof(*base)), *pol = NULL;
	struct trace_group *traces = calloc(MAX_TRACES, sizeof(*traces));
	struct vary vary[MAX_VARY];
	unsigned nbase = 0, nvary = 0, ntraces = 0, npol = 0;
	const char *dir = NULL, *mmtrace = NULL, *topo = NULL, *mode = NULL,
		   *start = NULL, *memcg_walk = NULL;
	char abs[PATH_MAX], self[PATH_MAX];
	uint64_t sample_ns = 0;
	enum mmt_replay_mode m;
	enum mmt_replay_start st;
	enum mmt_memcg_walk walk;
	int c, rc = 2;

	if (!base || !traces) {
		free(base);
		free(traces);
		return 1;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "P:V:t:m:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'P':
			if (nbase == MAX_POLICIES) {
				fprintf(stderr, "mmtrace sweep: more than %d "
					"policies\n", MAX_POLICIES);
				goto out;
			}
			if (rp_parse_policy("sweep", &base[nbase], optarg) < 0)
				goto out;
			nbase++;
			break;
		case 'V':
			if (nvary == MAX_VARY) {
				fprintf(stderr, "mmtrace sweep: more than %d --vary\n",
					MAX_VARY);
				goto out;
			}
			if (parse_vary(&vary[nvary], optarg) < 0)
				goto out;
			nvary++;
			break;
		case 't':
			topo = optarg;
			break;
		case 'm':
			if (rp_parse_mode("sweep", optarg, &m))
				goto out;
			mode = optarg;
			break;
		case 'B':
			if (rp_parse_start("sweep", optarg, &st))
				goto out;
			start = optarg;
			break;
		case 'W':
			if (mmt_replay_parse_memcg_walk("sweep", optarg, &walk))
				goto out;
			memcg_walk = optarg;
			break;
		case 'S':
			if (rp_parse_sample_ms("sweep", optarg, &sample_ns))
				goto out;
			break;
		case 'M':
			mmtrace = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			fprintf(stderr, "mmtrace sweep: unknown option '%s' (see "
				"mmtrace sweep --help)\n", argv[optind - 1]);
			goto out;
		}
	}
	if (!dir || optind == argc || (!nbase && !nvary)) {
		fprintf(stderr, "mmtrace sweep: expected -o DIR, --policy or "
			"--vary, and at least one TRACE (see --help)\n");
		goto out;
	}
	for (int i = optind; i < argc; i++)
		if ((rc = add_trace(traces, &ntraces, argv[i])))
			goto out;
	rc = 2;
	if (expand(base, nbase, vary, nvary, &pol, &npol) < 0)
		goto out;
	if (!mmtrace) {
		if (self_path(self, sizeof(self))) {
			fprintf(stderr, "mmtrace sweep: cannot find this binary's "
				"path: give --mmtrace\n");
			rc = 1;
			goto out;
		}
		mmtrace = self;
	}
	rc = make_dir(dir, abs);
	if (rc)
		goto out;
	struct plan p = { abs, mmtrace, topo, mode, start, memcg_walk,
			  (unsigned)(sample_ns / 1000000), traces, ntraces,
			  pol, npol };
	rc = 1;
	if (write_groups(&p) || write_plan(&p) || write_jobs(&p) ||
	    write_slurm(&p))
		goto out;
	/* the plan's path is the data; how to run it, a note */
	printf("%s/jobs.txt\n", abs);
	fprintf(stderr, "mmtrace sweep: %u jobs (%u traces x %u policies); run "
		"them with one of\n"
		"  parallel --joblog %s/joblog < %s/jobs.txt\n"
		"  parallel --sshloginfile HOSTS --joblog %s/joblog < %s/jobs.txt\n"
		"  sbatch %s/slurm.sh\n"
		"then: mmtrace report %s\n", ntraces * npol, ntraces, npol,
		abs, abs, abs, abs, abs, abs);
	rc = 0;
out:
	free(base);
	free(pol);
	free(traces);
	return rc;
}
