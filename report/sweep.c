/* SPDX-License-Identifier: MIT */
/*
 * mmtrace report of a sweep folder (mmtrace sweep): the jobs ran wherever
 * GNU parallel or Slurm put them, and wrote DIR/NAME/runs/POLICY.  This
 * merges them: each trace folder whose runs are all there gets the report
 * `mmtrace compare` would have written; DIR gets one table of every run
 * (summary.tsv, a row per run, the summary table's metrics as columns),
 * summary.md and an index.html linking the trace reports.  Runs that are
 * missing or failed are named, on stderr and in index.html, and make the
 * report fail: a sweep is never reported whole when it is not.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report_int.h"

#define SWEEP_MAX_JOBS 65536
#define SWEEP_MAX_GROUPS 4096

struct job {
	char *trace, *name, *policy, *settings, *run;
	size_t group;			/* its trace folder's number */
	struct rpt_run r;		/* loaded when present */
	int present;
	char why[256];			/* why not present */
};

struct sweep {
	const char *dir;
	struct job *jobs;
	size_t njobs, ngroups;
};

/* A folder name from the plan: letters, digits and _.-+, not "." or ".."
 * (the plan is input: it must not point outside DIR). */
static int name_ok(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_.-+", *s)))
			return 0;
	return 1;
}

static char *dup_or_die(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "mmtrace: out of memory\n");
		exit(1);
	}
	return d;
}

/* sweep.tsv: job trace name policy settings run, one header row. */
static int load_plan(struct sweep *sw, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *text, *line, *save = NULL;
	size_t lineno = 0;

	snprintf(path, sizeof(path), "%s/sweep.tsv", sw->dir);
	text = rpt_read_file(path, NULL, err, errlen);
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[6], *p = line, want[160];
		size_t nf = 0;

		lineno++;
		if (lineno == 1 && !strncmp(line, "job\t", 4))
			continue;	/* the header row */
		while (nf < 6) {
			f[nf++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = 0;
		}
		snprintf(want, sizeof(want), "%s/runs/%s", nf == 6 ? f[2] : "",
			 nf == 6 ? f[3] : "");
		if (nf != 6 || p || !name_ok(f[2]) || !name_ok(f[3]) ||
		    strcmp(f[5], want)) {
			snprintf(err, errlen, "%s: line %zu: expected 'job<TAB>trace"
				 "<TAB>name<TAB>policy<TAB>settings<TAB>name/runs/"
				 "policy'", path, lineno);
			free(text);
			return -1;
		}
		if (sw->njobs == SWEEP_MAX_JOBS) {
			snprintf(err, errlen, "%s: more than %d jobs", path,
				 SWEEP_MAX_JOBS);
			free(text);
			return -1;
		}
		struct job *j = realloc(sw->jobs, (sw->njobs + 1) * sizeof(*j));
		if (!j) {
			snprintf(err, errlen, "out of memory");
			free(text);
			return -1;
		}
		sw->jobs = j;
		j = &sw->jobs[sw->njobs++];
		memset(j, 0, sizeof(*j));
		j->trace = dup_or_die(f[1]);
		j->name = dup_or_die(f[2]);
		j->policy = dup_or_die(f[3]);
		j->settings = dup_or_die(f[4]);
		j->run = dup_or_die(f[5]);
		/* a trace folder's jobs come together (as sweep writes them) */
		if (sw->njobs == 1 || strcmp(j[-1].name, j->name)) {
			for (size_t k = 0; k + 1 < sw->njobs; k++)
				if (!strcmp(sw->jobs[k].name, j->name)) {
					snprintf(err, errlen, "%s: line %zu: the jobs of "
						 "%s are not together", path, lineno,
						 j->name);
					free(text);
					return -1;
				}
			if (sw->ngroups == SWEEP_MAX_GROUPS) {
				snprintf(err, errlen, "%s: more than %d traces",
					 path, SWEEP_MAX_GROUPS);
				free(text);
				return -1;
			}
			sw->ngroups++;
		}
		j->group = sw->ngroups - 1;
	}
	free(text);
	if (!sw->njobs) {
		snprintf(err, errlen, "%s: no jobs", path);
		return -1;
	}
	return 0;
}

/* Loads each job's run folder when its job ran: a run without
 * summary.json did not run yet, or failed (its log is the runner's). */
static size_t load_runs(struct sweep *sw)
{
	size_t missing = 0;

	for (size_t i = 0; i < sw->njobs; i++) {
		struct job *j = &sw->jobs[i];
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s/summary.json", sw->dir, j->run);
		if (access(path, F_OK)) {
			snprintf(j->why, sizeof(j->why), "no %s/summary.json "
				 "(not run, or the job failed)", j->run);
			missing++;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", sw->dir, j->run);
		j->r.name = dup_or_die(j->policy);
		j->r.dir = dup_or_die(path);
		if (rpt_load_run(&j->r, j->why, sizeof(j->why))) {
			rpt_free_run(&j->r);
			missing++;
			continue;
		}
		j->present = 1;
	}
	return missing;
}

/* Whether job i starts a trace folder (their jobs come together). */
static int first_of_group(const struct sweep *sw, size_t i)
{
	return i == 0 || sw->jobs[i].group != sw->jobs[i - 1].group;
}

/* Whether every job of the trace folder job i starts has its run. */
static int group_whole(const struct sweep *sw, size_t i)
{
	for (size_t k = i; k < sw->njobs && sw->jobs[k].group == sw->jobs[i].group; k++)
		if (!sw->jobs[k].present)
			return 0;
	return 1;
}

/* summary.tsv: a row per run that ran, the metrics as columns. */
static void put_table(const struct sweep *sw, FILE *f)
{
	fputs("trace\tname\tpolicy\tsettings\tevents_replayed\tevents_total", f);
	for (size_t m = 0; m < rpt_nmetrics; m++)
		fprintf(f, "\t%s", rpt_metrics[m].key);
	fputc('\n', f);
	for (size_t i = 0; i < sw->njobs; i++) {
		const struct job *j = &sw->jobs[i];

		if (!j->present)
			continue;
		fprintf(f, "%s\t%s\t%s\t%s", j->trace, j->name, j->policy,
			j->settings);
		rpt_put_tsv_value(f, rj_num(j->r.summary, "events_replayed"),
				  RPT_COUNT);
		rpt_put_tsv_value(f, rj_num(j->r.summary, "events_total"),
				  RPT_COUNT);
		for (size_t m = 0; m < rpt_nmetrics; m++)
			rpt_put_tsv_value(f, rpt_metric_value(&j->r, &rpt_metrics[m]),
					  rpt_metrics[m].kind);
		fputc('\n', f);
	}
}

static void put_missing_md(const struct sweep *sw, FILE *f)
{
	int any = 0;

	for (size_t i = 0; i < sw->njobs; i++) {
		if (sw->jobs[i].present)
			continue;
		if (!any++)
			fputs("\n## Missing runs\n\n", f);
		fprintf(f, "- %s: %s\n", sw->jobs[i].run, sw->jobs[i].why);
	}
}

/* summary.md: per trace, its report's table (summary.md of the trace
 * folder) or why there is none. */
static void put_md(const struct sweep *sw, FILE *f, const char *const *errs)
{
	fprintf(f, "# mmtrace sweep: %zu runs\n", sw->njobs);
	for (size_t i = 0; i < sw->njobs; i++) {
		char path[PATH_MAX], e[64];
		char *md;

		if (!first_of_group(sw, i))
			continue;
		fprintf(f, "\n## %s (%s)\n\n", sw->jobs[i].name, sw->jobs[i].trace);
		if (errs[i]) {
			fprintf(f, "No report: %s\n", errs[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s/summary.md", sw->dir,
			 sw->jobs[i].name);
		md = rpt_read_file(path, NULL, e, sizeof(e));
		/* its title line is ours above */
		fputs(md ? md + strcspn(md, "\n") + (md[strcspn(md, "\n")] != 0) :
		      "(summary.md unreadable)\n", f);
		free(md);
	}
	put_missing_md(sw, f);
}

static void put_html(const struct sweep *sw, FILE *f, const char *const *errs)
{
	char buf[96];

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
		"\"utf-8\">\n<title>mmtrace sweep</title>\n<style>\nbody{font-"
		"family:sans-serif;max-width:1400px;margin:1em auto;padding:0 1em}"
		"\ntable{border-collapse:collapse}td,th{border:1px solid #ccc;"
		"padding:2px 6px;text-align:right}td:nth-child(-n+3),th:nth-child"
		"(-n+3){text-align:left}\n.bad{color:#a00}\n</style>\n</head>\n"
		"<body>\n<h1>mmtrace sweep</h1>\n<p>%zu runs. Data: <a href="
		"\"summary.tsv\">summary.tsv</a> (a row per run), <a href=\""
		"summary.md\">summary.md</a>, the plan <a href=\"sweep.tsv\">"
		"sweep.tsv</a>.</p>\n<h2>Traces</h2>\n<ul>\n", sw->njobs);
	for (size_t i = 0; i < sw->njobs; i++) {
		if (!first_of_group(sw, i))
			continue;
		fputs("<li>", f);
		if (!errs[i]) {
			fputs("<a href=\"", f);
			rpt_html_url(f, sw->jobs[i].name);
			fputs("/index.html\">", f);
		}
		rpt_html_escape(f, sw->jobs[i].name);
		fputs(errs[i] ? "" : "</a>", f);
		fputs(" <code>", f);
		rpt_html_escape(f, sw->jobs[i].trace);
		fputs("</code>", f);
		if (errs[i]) {
			fputs(" <span class=\"bad\">no report: ", f);
			rpt_html_escape(f, errs[i]);
			fputs("</span>", f);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n<h2>Every run</h2>\n<table>\n<tr><th>trace</th><th>"
	      "policy</th><th>settings</th>", f);
	for (size_t m = 0; m < rpt_nmetrics; m++) {
		fputs("<th>", f);
		rpt_html_escape(f, rpt_metrics[m].label);
		fprintf(f, " (%s)</th>", rpt_metrics[m].unit);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < sw->njobs; i++) {
		const struct job *j = &sw->jobs[i];

		fputs("<tr><td>", f);
		rpt_html_escape(f, j->name);
		fputs("</td><td>", f);
		rpt_html_escape(f, j->policy);
		fputs("</td><td><code>", f);
		rpt_html_escape(f, j->settings);
		fputs("</code></td>", f);
		if (!j->present) {
			fprintf(f, "<td class=\"bad\" colspan=\"%zu\">missing: ",
				rpt_nmetrics);
			rpt_html_escape(f, j->why);
			fputs("</td></tr>\n", f);
			continue;
		}
		for (size_t m = 0; m < rpt_nmetrics; m++) {
			rpt_format(buf, sizeof(buf),
				   rpt_metric_value(&j->r, &rpt_metrics[m]),
				   rpt_metrics[m].kind);
			fputs("<td>", f);
			rpt_html_escape(f, buf);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n</body>\n</html>\n", f);
}

typedef void (*put_fn)(const struct sweep *, FILE *, const char *const *);

static int write_top(const struct sweep *sw, const char *name, put_fn fn,
		     const char *const *errs, char *err, size_t errlen)
{
	FILE *f = rpt_create(sw->dir, name, err, errlen);

	if (!f)
		return -1;
	fn(sw, f, errs);
	return rpt_close(f, sw->dir, name, err, errlen);
}

static void put_table_fn(const struct sweep *sw, FILE *f, const char *const *e)
{
	(void)e;
	put_table(sw, f);
}

int rpt_render_sweep(const char *dir, int figures, char *err, size_t errlen)
{
	struct sweep sw = { .dir = dir };
	char **errs = NULL, gerr[512];
	size_t missing, failed = 0;
	int ret = -1;

	if (load_plan(&sw, err, errlen))
		goto out;
	missing = load_runs(&sw);
	errs = calloc(sw.njobs, sizeof(*errs));
	if (!errs) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* each trace folder whose runs are all there: its compare report */
	for (size_t i = 0; i < sw.njobs; i++) {
		char gdir[PATH_MAX];

		if (!first_of_group(&sw, i))
			continue;
		if (!group_whole(&sw, i)) {
			errs[i] = dup_or_die("runs missing (listed below)");
			continue;
		}
		snprintf(gdir, sizeof(gdir), "%s/%s", dir, sw.jobs[i].name);
		if (rpt_render(gdir, figures, gerr, sizeof(gerr))) {
			errs[i] = dup_or_die(gerr);
			failed++;
		}
	}
	if (write_top(&sw, "summary.tsv", put_table_fn,
		      (const char *const *)errs, err, errlen) ||
	    write_top(&sw, "summary.md", put_md, (const char *const *)errs,
		      err, errlen) ||
	    write_top(&sw, "index.html", put_html, (const char *const *)errs,
		      err, errlen))
		goto out;
	for (size_t i = 0; i < sw.njobs; i++)
		if (!sw.jobs[i].present)
			fprintf(stderr, "mmtrace report: %s/%s: %s\n", dir,
				sw.jobs[i].run, sw.jobs[i].why);
	if (missing) {
		snprintf(err, errlen, "%s: %zu of %zu runs missing or unreadable "
			 "(listed above and in index.html); the others are "
			 "reported", dir, missing, sw.njobs);
		goto out;
	}
	if (failed) {
		for (size_t i = 0; i < sw.njobs; i++)
			if (errs[i]) {
				snprintf(err, errlen, "%s", errs[i]);
				break;
			}
		goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; i < sw.njobs; i++) {
		struct job *j = &sw.jobs[i];

		free(j->trace);
		free(j->name);
		free(j->policy);
		free(j->settings);
		free(j->run);
		if (j->present)
			rpt_free_run(&j->r);
		if (errs)
			free(errs[i]);
	}
	free(errs);
	free(sw.jobs);
	return ret;
}
