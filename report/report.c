/* SPDX-License-Identifier: MIT */
/* mmtrace report DIR: (re)renders a compare report from the replay runs in
 * DIR (docs/replay-output.md): data/, plots/, figures through gnuplot,
 * summary.md/.txt and index.html. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mmtrace/cmd.h"
#include "mmtrace/report.h"
#include "report_int.h"

const struct rpt_figure rpt_figures[] = {
	{ "frag", "frag.tsv", "Fragmentation over time: unusable free space "
	  "index at order 9 and free pages in blocks of order 9 and above, "
	  "every zone of every node summed", 0 },
	{ "frag_nodes", "frag.tsv", "Fragmentation over time per node (each "
	  "node's zones summed)", 1 },
	{ "heatmap", "heatmap.tsv", "Free pages by order over time, every zone "
	  "of every node summed", 0 },
	{ "latency", "latency.tsv", "Allocation latency of every allocation: "
	  "CDF and tail (1 - CDF)", 0 },
	{ "activity", "activity.tsv", "Reclaim and compaction activity over time "
	  "(cumulative, every node summed): the counters of the summary table", 0 },
	{ "activity_nodes", "activity.tsv", "Reclaim and compaction activity "
	  "per node (cumulative)", 1 },
	{ "free", "free.tsv", "Free pages over time, every zone of every node "
	  "summed: each policy's model, and the kernel's as the trace "
	  "recorded them (its /proc/zoneinfo samples)", 0 },
	{ "summary", "bars.tsv", "Summary, normalised to the first policy", 0 },
};
const size_t rpt_nfigures = sizeof(rpt_figures) / sizeof(rpt_figures[0]);

int rpt_figure_drawn(const struct rpt *r, const struct rpt_figure *fg)
{
	return !fg->per_node || r->nnodes > 1;
}

/* ---- locating the gnuplot scripts --------------------------------------- */

/* snprintf into a path buffer; -1 when the path does not fit. */
static int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int dir_has_scripts(const char *dir)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < rpt_nfigures; i++) {
		if (pathf(path, sizeof(path), "%s/%s.gp", dir, rpt_figures[i].name) ||
		    access(path, R_OK))
			return 0;
	}
	return 1;
}

/* Where the plots/NAME.gp scripts come from: $MMTRACE_PLOTS, else next to the executable
 * (../plots in the build tree, ../share/mmtrace/plots after make install),
 * else the copies compiled in.  Writes "" to dir for the compiled-in ones. */
static int find_scripts(char *dir, size_t len, char *err, size_t errlen)
{
	static const char *const rel[] = { "../plots", "../share/mmtrace/plots" };
	const char *env = getenv("MMTRACE_PLOTS");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		if (!dir_has_scripts(env)) {
			snprintf(err, errlen, "MMTRACE_PLOTS=%s: lacks %s.gp or "
				 "another figure script", env, rpt_figures[0].name);
			return -1;
		}
		snprintf(dir, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			if (!pathf(dir, len, "%s/%s", exe, rel[i]) &&
			    dir_has_scripts(dir))
				return 0;
		}
	}
	dir[0] = 0;
	return 0;
}

static const char *embedded_script(const char *file)
{
	for (size_t i = 0; i < rpt_n_embedded_scripts; i++)
		if (!strcmp(rpt_embedded_scripts[i].name, file))
			return rpt_embedded_scripts[i].text;
	return NULL;
}

int rpt_copy_script(const char *dir, const char *name, char *err,
		    size_t errlen)
{
	char src[PATH_MAX], pdir[PATH_MAX], file[64], path[PATH_MAX + 64];
	char *text = NULL;
	const char *body;
	FILE *f;
	int ret;

	if (find_scripts(src, sizeof(src), err, errlen))
		return -1;
	snprintf(pdir, sizeof(pdir), "%s/plots", dir);
	if (mkdir(pdir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", pdir, strerror(errno));
		return -1;
	}
	snprintf(file, sizeof(file), "%s.gp", name);
	if (src[0]) {
		snprintf(path, sizeof(path), "%s/%s", src, file);
		text = rpt_read_file(path, NULL, err, errlen);
		if (!text)
			return -1;
		body = text;
	} else {
		body = embedded_script(file);
		if (!body) {
			snprintf(err, errlen, "plots/%s: not built in", file);
			return -1;
		}
	}
	f = rpt_create(pdir, file, err, errlen);
	if (f)
		fputs(body, f);
	free(text);
	ret = f ? rpt_close(f, pdir, file, err, errlen) : -1;
	return ret ? -1 : 0;
}

/* Copies the scripts used into DIR/plots/, where the user can edit and
 * re-run them. */
static int copy_scripts(const char *dir, char *err, size_t errlen)
{
	for (size_t i = 0; i < rpt_nfigures; i++)
		if (rpt_copy_script(dir, rpt_figures[i].name, err, errlen))
			return -1;
	return 0;
}

/* ---- running gnuplot ---------------------------------------------------- */

/* The gnuplot to run: $MMTRACE_GNUPLOT or the first gnuplot on $PATH. */
static int find_gnuplot(char *out, size_t len)
{
	const char *env = getenv("MMTRACE_GNUPLOT");
	const char *path = getenv("PATH");

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, X_OK);
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(out, len, "%.*s/gnuplot", (int)n, path);
		if (n && !access(out, X_OK))
			return 0;
		path += n + (path[n] == ':');
	}
	return -1;
}

/* Runs `gnuplot plots/NAME.gp` in DIR, whose scripts default to
 * datadir='data' and outdir='.'; stderr goes to DIR/gnuplot.log. */
static int run_gnuplot(const char *gp, const char *dir, const char *name)
{
	char script[128];
	pid_t pid;
	int status;

	snprintf(script, sizeof(script), "plots/%s.gp", name);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int log, null;

		if (chdir(dir))
			_exit(126);
		log = open("gnuplot.log", O_WRONLY | O_CREAT | O_APPEND, 0666);
		null = open("/dev/null", O_RDWR);
		if (log < 0 || null < 0)
			_exit(126);
		dup2(null, 0);
		dup2(null, 1);
		dup2(log, 2);
		execl(gp, "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int file_nonempty(const char *dir, const char *name, const char *ext)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	return !stat(path, &st) && st.st_size > 0;
}

static void remove_figure(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s.svg", dir, name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.png", dir, name);
	unlink(path);
}

/* Draws the named figures; on failure names the first script that
 * failed, relative to DIR (the message also goes into index.html). */
int rpt_draw(const char *dir, const char *const *names, size_t n, char *err,
	     size_t errlen)
{
	char gp[PATH_MAX], log[PATH_MAX];
	struct stat st;
	int ret = 0;

	if (find_gnuplot(gp, sizeof(gp))) {
		snprintf(err, errlen, "gnuplot not found (install gnuplot-nox or "
			 "set MMTRACE_GNUPLOT): figures not drawn, tables and "
			 "index.html written");
		return -1;
	}
	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);
	unlink(log);
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];

		remove_figure(dir, name);
		if (run_gnuplot(gp, dir, name) || !file_nonempty(dir, name, "svg") ||
		    !file_nonempty(dir, name, "png")) {
			if (!ret)
				snprintf(err, errlen, "gnuplot failed on plots/"
					 "%s.gp (see gnuplot.log)", name);
			ret = -1;
		}
	}
	if (!stat(log, &st) && st.st_size == 0)
		unlink(log);
	return ret;
}

/* Draws every figure the report has (per-node ones with several nodes). */
static int draw_figures(const struct rpt *r, const char *dir, char *err,
			size_t errlen)
{
	const char *names[32];
	size_t n = 0;

	for (size_t i = 0; i < rpt_nfigures && n < 32; i++) {
		remove_figure(dir, rpt_figures[i].name);
		if (rpt_figure_drawn(r, &rpt_figures[i]))
			names[n++] = rpt_figures[i].name;
	}
	return rpt_draw(dir, names, n, err, errlen);
}

/* ---- the whole report --------------------------------------------------- */

int rpt_render(const char *dir, int figures, char *err, size_t errlen)
{
	struct rpt r;
	char fig_err[512] = "";
	int fig_ret = 0;

	if (rpt_load(&r, dir, err, errlen))
		return -1;
	if (rpt_write_data(&r, err, errlen) || rpt_write_tables(&r, err, errlen) ||
	    copy_scripts(dir, err, errlen)) {
		rpt_free(&r);
		return -1;
	}
	if (figures)
		fig_ret = draw_figures(&r, dir, fig_err, sizeof(fig_err));
	else
		snprintf(fig_err, sizeof(fig_err), "--no-figures was given.");
	if (rpt_write_html(&r, figures && !fig_ret, fig_err, err, errlen)) {
		rpt_free(&r);
		return -1;
	}
	rpt_free(&r);
	if (fig_ret) {
		snprintf(err, errlen, "%s: %s", dir, fig_err);
		return -1;
	}
	return 0;
}

/* A sweep folder (sweep.tsv) or a compare / replay folder. */
static int render_any(const char *dir, int figures, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (pathf(path, sizeof(path), "%s/sweep.tsv", dir) == 0 &&
	    !access(path, F_OK))
		return rpt_render_sweep(dir, figures, err, errlen);
	return rpt_render(dir, figures, err, errlen);
}

int mmt_report_render(const char *dir, char *err, size_t errlen)
{
	return render_any(dir, 1, err, errlen);
}

static void usage(FILE *f)
{
	fputs("usage: mmtrace report [--no-figures] DIR\n"
	      "\n"
	      "(Re)renders the report of a compare directory: reads\n"
	      "DIR/policies.tsv (or every DIR/runs/NAME when it is absent, or\n"
	      "DIR itself when it is the output of one mmtrace replay) and\n"
	      "DIR/runs/NAME/{summary.json,timeseries.tsv,latency.tsv}, writes\n"
	      "DIR/data/*.tsv, DIR/plots/*.gp, the figures (SVG and PNG, drawn\n"
	      "by gnuplot), summary.md, summary.txt and index.html, and prints\n"
	      "the path of index.html.\n"
	      "\n"
	      "A sweep folder (DIR/sweep.tsv, from mmtrace sweep) is merged: each\n"
	      "trace folder whose runs are all there gets its report, and DIR gets\n"
	      "summary.tsv (a row per run), summary.md and index.html.  Runs that\n"
	      "are missing are named on stderr and in index.html, and exit 1.\n"
	      "\n"
	      "  --no-figures   write data, scripts, tables and html only\n"
	      "  -h, --help     this text\n"
	      "\n"
	      "Environment: MMTRACE_PLOTS=DIR takes the gnuplot scripts from DIR\n"
	      "(default: next to the executable, else built in);\n"
	      "MMTRACE_GNUPLOT=PATH runs that gnuplot.\n"
	      "\n"
	      "EXAMPLES\n"
	      "  Redraw a compare report after editing DIR/plots/frag.gp:\n"
	      "    MMTRACE_PLOTS=out/plots mmtrace report out\n"
	      "  A report of one replay run, without gnuplot:\n"
	      "    mmtrace report --no-figures run0\n"
	      "  The merged report of a sweep GNU parallel ran:\n"
	      "    mmtrace report sw\n", f);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "no-figures", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	char err[1024];
	const char *dir;
	size_t len;
	int c, figures = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			figures = 0;
			break;
		default:
			fprintf(stderr, "mmtrace report: unknown option '%s' (see "
				"mmtrace report --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "mmtrace report: expected one DIR (see mmtrace "
			"report --help)\n");
		return 2;
	}
	if (render_any(argv[optind], figures, err, sizeof(err))) {
		fprintf(stderr, "mmtrace report: %s\n", err);
		return 1;
	}
	dir = argv[optind];
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	printf("%.*s/index.html\n", (int)len, dir);
	return 0;
}
