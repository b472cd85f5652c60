/* SPDX-License-Identifier: MIT */
/* index.html: one self-contained page (inline CSS, figures by relative
 * link) that a browser reads straight from disk. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"

#define HTML_MAX_ROWS 200	/* per embedded TSV table */

void rpt_html_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

void rpt_html_url(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

/* A relative link to runs/NAME/FILE (names hold no '/'). */
static void run_link(FILE *f, const struct rpt_run *run, const char *file)
{
	fputs("<a href=\"", f);
	rpt_html_url(f, run->rel);
	fprintf(f, "/%s\">%s</a>", file, file);
}

static const char css[] =
	"body{font-family:sans-serif;max-width:1100px;margin:1em auto;"
	"padding:0 1em;color:#222}\n"
	"table{border-collapse:collapse;margin:.5em 0}\n"
	"td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n"
	"td:first-child,th:first-child{text-align:left}\n"
	"table.pol td{text-align:left}\n"
	"td.good{background:#e3f2e3}td.bad{background:#f8e1e1}\n"
	".sw{display:inline-block;width:.9em;height:.9em;margin-right:.4em;"
	"vertical-align:middle;border:1px solid #888}\n"
	"figure{margin:1.5em 0}img{max-width:100%;height:auto;border:1px solid #eee}\n"
	"figcaption{font-size:90%;color:#444}\n"
	"code,pre{background:#f6f6f6}pre{padding:.5em;overflow:auto}\n";

static void put_head(const struct rpt *r, FILE *f)
{
	const char *trace = rj_str(r->runs[0].summary, "trace");

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>mmtrace report: ", f);
	rpt_html_escape(f, trace ? trace : "");
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	fputs("<h1>mmtrace report</h1>\n<p>Trace: <code>", f);
	rpt_html_escape(f, trace ? trace : "(unknown)");
	fputs("</code>", f);
	if (rj_str(r->runs[0].summary, "mode")) {
		fputs(", mode ", f);
		rpt_html_escape(f, rj_str(r->runs[0].summary, "mode"));
	}
	if (rj_str(r->runs[0].summary, "topology") &&
	    rj_str(r->runs[0].summary, "topology")[0]) {
		fputs(", topology <code>", f);
		rpt_html_escape(f, rj_str(r->runs[0].summary, "topology"));
		fputs("</code>", f);
	}
	if (rj_str(r->runs[0].summary, "start_state") &&
	    !strcmp(rj_str(r->runs[0].summary, "start_state"), "inferred"))
		fputs(", start state inferred (every page of the zones free: "
		      "no start snapshot, or <code>--start inferred</code>)", f);
	fprintf(f, ", %zu policies.</p>\n", r->nruns);
}

/* Every sysctl the model used (policy.txt), folded away. */
static void put_sysctls(FILE *f, const struct rpt_run *run)
{
	if (!run->npolicy_lines)
		return;
	fputs("<details><summary>all settings</summary><code>", f);
	for (size_t i = 0; i < run->npolicy_lines; i++) {
		rpt_html_escape(f, run->policy_lines[i]);
		fputs(i + 1 < run->npolicy_lines ? "<br>" : "", f);
	}
	fputs("</code></details>", f);
}

static void put_policies(const struct rpt *r, FILE *f)
{
	fputs("<h2>Policies</h2>\n<table class=\"pol\">\n<tr><th>policy</th>"
	      "<th>settings</th><th>events replayed</th><th>run output</th>"
	      "</tr>\n", f);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];
		double done = rj_num(run->summary, "events_replayed");
		double total = rj_num(run->summary, "events_total");
		/* a file cut before its index: its total is unknown */
		double readable = rj_num(run->summary, "events_readable");
		const char *stop = rj_str(run->summary, "stopped_early");
		const char *dmg = rj_str(rj_get(run->summary, "trace_damage"),
					 "first");

		fprintf(f, "<tr><td><span class=\"sw\" style=\"background:%s\">"
			"</span>", run->colour);
		rpt_html_escape(f, run->name);
		fputs("</td><td><code>", f);
		rpt_html_escape(f, run->settings[0] ? run->settings : "(defaults)");
		fputs("</code>", f);
		put_sysctls(f, run);
		fputs("</td><td>", f);
		if (isfinite(done))
			fprintf(f, "%.0f", done);
		if (isfinite(total))
			fprintf(f, " of %.0f", total);
		else if (isfinite(readable))
			fprintf(f, " (%.0f readable before the file was cut: "
				"its total is unknown)", readable);
		if (stop) {
			fputs("<br>stopped early: ", f);
			rpt_html_escape(f, stop);
		}
		if (dmg) {
			fprintf(f, "<br>trace damaged, %.0f events lost: ",
				rj_num(run->summary, "trace_damage.events_lost"));
			rpt_html_escape(f, dmg);
		}
		fputs("</td><td>", f);
		run_link(f, run, "summary.json");
		fputs(" ", f);
		run_link(f, run, "policy.txt");
		fputs(" ", f);
		run_link(f, run, "timeseries.tsv");
		fputs(" ", f);
		run_link(f, run, "latency.tsv");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void put_figures(const struct rpt *r, FILE *f, int figures_ok,
			const char *note)
{
	size_t shown = 0;

	fputs("<h2>Figures</h2>\n", f);
	if (!figures_ok) {
		fputs("<p><strong>Figures were not drawn: ", f);
		rpt_html_escape(f, note ? note : "gnuplot failed");
		fputs("</strong> The data and scripts are below; run "
		      "<code>mmtrace report DIR</code> again once gnuplot "
		      "works.</p>\n", f);
	}
	for (size_t i = 0; i < rpt_nfigures; i++) {
		const struct rpt_figure *fg = &rpt_figures[i];

		if (!rpt_figure_drawn(r, fg))
			continue;
		fputs("<figure>\n", f);
		if (figures_ok)
			fprintf(f, "<a href=\"%s.svg\"><img src=\"%s.svg\" "
				"alt=\"%s\"></a>\n", fg->name, fg->name, fg->title);
		fprintf(f, "<figcaption>%zu. %s. <a href=\"%s.svg\">SVG</a>, "
			"<a href=\"%s.png\">PNG</a>, data <a href=\"data/%s\">"
			"data/%s</a>, script <a href=\"plots/%s.gp\">plots/%s.gp"
			"</a></figcaption>\n</figure>\n", ++shown, fg->title,
			fg->name, fg->name, fg->data, fg->data, fg->name, fg->name);
	}
}

/* The text of a run's file, NULL when it cannot be read (the section
 * is then left out). */
static char *run_file(const struct rpt_run *run, const char *file)
{
	size_t n = strlen(run->dir) + strlen(file) + 2;
	char *path = malloc(n), err[64], *text;

	if (!path)
		return NULL;
	snprintf(path, n, "%s/%s", run->dir, file);
	text = rpt_read_file(path, NULL, err, sizeof(err));
	free(path);
	return text;
}

/* "<p>RUN: link to FILE</p>": what precedes a run file's contents. */
static void put_run_caption(FILE *f, const struct rpt_run *run,
			    const char *file)
{
	fputs("<p>", f);
	rpt_html_escape(f, run->name);
	fputs(": ", f);
	run_link(f, run, file);
	fputs("</p>\n", f);
}

/* A run's TSV file as a table (the first line names the columns; '#'
 * first in files of older versions). */
static void put_tsv(FILE *f, const struct rpt_run *run, const char *file)
{
	char *text = run_file(run, file), *line, *save = NULL;
	size_t rows = 0;

	if (!text)
		return;
	put_run_caption(f, run, file);
	fputs("<table>\n", f);
	for (line = strtok_r(text, "\n", &save); line && rows < HTML_MAX_ROWS;
	     line = strtok_r(NULL, "\n", &save), rows++) {
		int head = rows == 0 || line[0] == '#';
		char *cell, *s2 = NULL;

		fputs("<tr>", f);
		if (head)
			line += strspn(line, "# ");
		for (cell = strtok_r(line, "\t\r", &s2); cell;
		     cell = strtok_r(NULL, "\t\r", &s2)) {
			fputs(head ? "<th>" : "<td>", f);
			rpt_html_escape(f, cell);
			fputs(head ? "</th>" : "</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	free(text);
}

static void put_text(FILE *f, const struct rpt_run *run, const char *file)
{
	char *text = run_file(run, file);

	if (!text)
		return;
	put_run_caption(f, run, file);
	fputs("<pre>", f);
	rpt_html_escape(f, text);
	fputs("</pre>\n", f);
	free(text);
}

/* The line of text whose first tab-separated field is key, NULL if none;
 * lines holds n lines split in place. */
static char *find_row(char **lines, size_t n, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; i < n; i++)
		if (!strncmp(lines[i], key, len) &&
		    (lines[i][len] == '\t' || !lines[i][len]))
			return lines[i];
	return NULL;
}

static size_t text_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	return n;
}

/* The n-th tab-separated field of a line, written escaped; "-" if absent. */
static void put_field(FILE *f, const char *line, int n)
{
	const char *p = line;

	while (p && n-- > 0) {
		p = strchr(p, '\t');
		p = p ? p + 1 : NULL;
	}
	if (!p) {
		fputs("-", f);
		return;
	}
	while (*p && *p != '\t' && *p != '\r') {
		char c[2] = { *p++, 0 };
		rpt_html_escape(f, c);
	}
}

/* model_vs_kernel.tsv of every run in one table: the kernel's count (the
 * same trace for all) next to each policy's model count. */
static void put_model_vs_kernel(const struct rpt *r, FILE *f)
{
	char **text = calloc(r->nruns, sizeof(char *));
	char *(*lines)[HTML_MAX_ROWS] = calloc(r->nruns, sizeof(*lines));
	size_t *n = calloc(r->nruns, sizeof(size_t));

	if (!text || !lines || !n)
		goto out;
	for (size_t i = 0; i < r->nruns; i++) {
		text[i] = run_file(&r->runs[i], "model_vs_kernel.tsv");
		if (text[i])
			n[i] = text_lines(text[i], lines[i], HTML_MAX_ROWS);
	}
	if (!n[0])
		goto out;
	fputs("<h3>Model vs kernel</h3>\n<p>What the trace saw (kernel) and "
	      "what the model did under each policy.</p>\n<table>\n"
	      "<tr><th>counter</th><th>kernel</th>", f);
	for (size_t i = 0; i < r->nruns; i++) {
		fputs("<th>", f);
		rpt_html_escape(f, r->runs[i].name);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t j = 0; j < n[0]; j++) {
		char key[128];

		if (j == 0 || lines[0][j][0] == '#')
			continue;	/* the header */
		snprintf(key, sizeof(key), "%.*s", (int)strcspn(lines[0][j], "\t"),
			 lines[0][j]);
		fputs("<tr><td>", f);
		rpt_html_escape(f, key);
		fputs("</td><td>", f);
		put_field(f, lines[0][j], 1);
		fputs("</td>", f);
		for (size_t i = 0; i < r->nruns; i++) {
			fputs("<td>", f);
			put_field(f, find_row(lines[i], n[i], key), 2);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
out:
	for (size_t i = 0; text && i < r->nruns; i++)
		free(text[i]);
	free(text);
	free(lines);
	free(n);
}

/* calibration.tsv once when every policy has the same fit (it comes from
 * the trace), else per policy. */
static void put_calibration(const struct rpt *r, FILE *f)
{
	char *first = run_file(&r->runs[0], "calibration.tsv");
	int same = first != NULL;

	for (size_t i = 1; same && i < r->nruns; i++) {
		char *t = run_file(&r->runs[i], "calibration.tsv");
		same = t && !strcmp(t, first);
		free(t);
	}
	free(first);
	fputs("<h3>Cost model calibration</h3>\n", f);
	if (same) {
		fputs("<p>The same for every policy.</p>\n", f);
		put_tsv(f, &r->runs[0], "calibration.tsv");
		return;
	}
	for (size_t i = 0; i < r->nruns; i++)
		put_tsv(f, &r->runs[i], "calibration.tsv");
}

static void put_checks(const struct rpt *r, FILE *f)
{
	fputs("<h2>Model checks</h2>\n", f);
	put_model_vs_kernel(r, f);
	put_calibration(r, f);
	for (size_t i = 0; i < r->nruns; i++)
		put_text(f, &r->runs[i], "mirror.txt");
}

static void put_files(FILE *f)
{
	fputs("<h2>Files</h2>\n<p><a href=\"summary.md\">summary.md</a>, "
	      "<a href=\"summary.txt\">summary.txt</a>, "
	      "<a href=\"data/summary.tsv\">data/summary.tsv</a>, "
	      "<a href=\"data/params.gp\">data/params.gp</a> "
	      "(policies and colours the scripts read).</p>\n"
	      "<p>To redraw a figure by hand: <code>cd</code> into this "
	      "folder and run <code>gnuplot plots/NAME.gp</code> (options: "
	      "<code>gnuplot -e \"datadir='data'; outdir='.'\" "
	      "plots/NAME.gp</code>).</p>\n", f);
}

int rpt_write_html(const struct rpt *r, int figures_ok, const char *note,
		   char *err, size_t errlen)
{
	FILE *f = rpt_create(r->dir, "index.html", err, errlen);

	if (!f)
		return -1;
	put_head(r, f);
	put_policies(r, f);
	fputs("<h2>Summary</h2>\n", f);
	fputs("<p>Cells are value (ratio to ", f);
	rpt_html_escape(f, r->runs[0].name);
	fputs("); green is better, red worse, by more than 5%.</p>\n", f);
	rpt_html_table(r, f);
	put_figures(r, f, figures_ok, note);
	put_checks(r, f);
	put_files(f);
	fputs("</body>\n</html>\n", f);
	return rpt_close(f, r->dir, "index.html", err, errlen);
}
