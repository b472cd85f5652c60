/* SPDX-License-Identifier: MIT */
/*
 * The report section of `mmtrace validate -o DIR` (docs/validate.md):
 * from DIR/validate.tsv, the tables as markdown (validate.md) and HTML
 * (index.html), and the figures: plots/validate.gp, on the left the
 * model's count over the kernel's at the recorded settings, with the band
 * a verdict accepts, on the right the predicted change against the
 * measured one, across settings, with the 1.5x band; plots/zonefree.gp,
 * free pages over time, kernel and model (report_zonefree.c), when the
 * traces have the recorder's zoneinfo samples.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mmtrace/report.h"
#include "report_int.h"

#define NCOL 16
#define MAX_ROWS 4096

enum { C_KIND, C_COUNTER, C_TARGET, C_SET, C_DIFFERS, C_RUNS, C_KERNEL,
       C_KMIN, C_KMAX, C_MODEL, C_MMIN, C_MMAX, C_MEASURED, C_PREDICTED,
       C_SPREAD, C_VERDICT };

struct vrow { char *col[NCOL]; };

struct vtab {
	char *text;
	struct vrow *rows;
	size_t n;
	struct rj_value *json;		/* validate.json: the costs */
};

/* validate.json, for the cost fits (absent: no costs table). */
static int load_json(struct vtab *t, const char *dir, char *err,
		     size_t errlen)
{
	char path[4096], e2[256];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/validate.json", dir);
	if (access(path, F_OK))
		return 0;
	text = rpt_read_file(path, &len, err, errlen);
	if (!text)
		return -1;
	t->json = rj_parse(text, len, e2, sizeof(e2));
	free(text);
	if (!t->json) {
		snprintf(err, errlen, "%s: %s", path, e2);
		return -1;
	}
	return 0;
}

/* The cost fits as rows: fit, source, pairs, base, per page x1, x2, r2;
 * *n of them in a malloc'ed array (NULL, *n 0: none, or out of memory). */
typedef char cost_row[7][64];

static cost_row *cost_rows(const struct vtab *t, size_t *n)
{
	const struct rj_value *c = t->json ? rj_get(t->json, "costs") : NULL;
	cost_row *rows;

	*n = 0;
	if (!c || c->type != RJ_ARRAY || !c->n)
		return NULL;
	rows = calloc(c->n, sizeof(*rows));
	if (!rows)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct rj_value *f = c->items[i];
		const char *name = rj_str(f, "fit"), *src = rj_str(f, "source");
		const char *of = rj_str(f, "of");
		double v[4] = { rj_num(f, "base_ns"), NAN, NAN, rj_num(f, "r2") };
		int k = 1;

		if (!name || !src)
			continue;
		for (size_t j = 0; j < f->n && k < 3; j++)
			if (!strncmp(f->keys[j], "ns_per_page_", 12))
				v[k++] = f->items[j]->num;
		snprintf(rows[*n][0], 64, "%s", name);
		if (of && strcmp(of, "all"))
			snprintf(rows[*n][1], 64, "%s (%s)", src, of);
		else
			snprintf(rows[*n][1], 64, "%s", src);
		snprintf(rows[*n][2], 64, "%.0f", rj_num(f, "pairs"));
		for (int j = 0; j < 4; j++)
			snprintf(rows[*n][3 + j], 64, j == 3 ? "%.3f" : "%.0f",
				 v[j]);
		(*n)++;
	}
	return rows;
}

/* How the costs were fitted (validate --fits), for the tables' heading. */
static const char *costs_how(const struct vtab *t)
{
	const char *fits = t->json ? rj_str(t->json, "fits") : NULL;

	if (fits && !strcmp(fits, "settings"))
		return "Fitted over the traces of each setting, which every "
		       "replay of those traces uses (--fits settings)";
	if (fits && !strcmp(fits, "trace"))
		return "Fitted over each trace's own durations, which every "
		       "replay of that trace uses, as mmtrace replay does "
		       "(--fits trace)";
	return "Fitted once over all the traces";
}

/* Splits validate.tsv in place; every row must have NCOL columns. */
static int load(struct vtab *t, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	size_t line = 0;
	char *p, *nl;

	snprintf(path, sizeof(path), "%s/validate.tsv", dir);
	t->text = rpt_read_file(path, NULL, err, errlen);
	if (!t->text)
		return -1;
	t->rows = calloc(MAX_ROWS, sizeof(*t->rows));
	if (!t->rows) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (p = t->text; *p; p = nl + 1) {
		struct vrow *r = &t->rows[t->n];
		int c = 0;

		line++;
		nl = strchr(p, '\n');
		if (!nl) {
			snprintf(err, errlen, "%s: line %zu: no end of line",
				 path, line);
			return -1;
		}
		*nl = '\0';
		if (*p == '#' || !*p)
			continue;
		if (t->n == MAX_ROWS) {
			snprintf(err, errlen, "%s: more than %d rows", path,
				 MAX_ROWS);
			return -1;
		}
		for (char *s = p; s && c <= NCOL; ) {
			if (c < NCOL)
				r->col[c] = s;
			c++;
			s = strchr(s, '\t');
			if (s)
				*s++ = '\0';
		}
		if (c != NCOL) {
			snprintf(err, errlen, "%s: line %zu: expected %d "
				 "tab-separated columns", path, line, NCOL);
			return -1;
		}
		t->n++;
	}
	return 0;
}

static double val(const char *s)
{
	char *end;
	double v;

	if (!strcmp(s, "inf"))
		return INFINITY;
	v = strtod(s, &end);
	return end == s || *end ? NAN : v;
}

static int is(const struct vrow *r, const char *kind)
{
	return !strcmp(r->col[C_KIND], kind);
}

/* ---- markdown --------------------------------------------------------------- */

static void md_settings(const struct vtab *t, FILE *f)
{
	char seen[64] = "";

	fputs("Settings (from each trace's header; A is the base):\n\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];

		if (!is(r, "same") || strchr(seen, r->col[C_SET][0]) ||
		    strlen(seen) + 1 >= sizeof(seen))
			continue;
		strncat(seen, r->col[C_SET], 1);
		fprintf(f, "- **%s**: %s, %s run%s\n", r->col[C_SET],
			r->col[C_DIFFERS], r->col[C_RUNS],
			strcmp(r->col[C_RUNS], "1") ? "s" : "");
	}
}

static void md_tables(const struct vtab *t, FILE *f)
{
	fputs("# mmtrace validate: the model against the kernel\n\n", f);
	md_settings(t, f);
	fputs("\n## Same settings\n\nThe kernel's count (mean, min..max over "
	      "the runs) and the model's (mean over the same traces replayed "
	      "under their own settings).  ok: within 25% of the kernel's "
	      "mean or inside its min..max.  * marks a target.\n\n"
	      "| counter | set | kernel | kernel min..max | model | model/kernel "
	      "| verdict |\n|:--|:-:|--:|--:|--:|--:|:--|\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];
		double k = val(r->col[C_KERNEL]), m = val(r->col[C_MODEL]);
		char ratio[32] = "-";

		if (!is(r, "same"))
			continue;
		if (k > 0 && !isnan(m))
			snprintf(ratio, sizeof(ratio), "%.3g", m / k);
		fprintf(f, "| %s%s | %s | %s | %s..%s | %s | %s | %s |\n",
			r->col[C_COUNTER], *r->col[C_TARGET] == '1' ? " *" : "",
			r->col[C_SET], r->col[C_KERNEL], r->col[C_KMIN],
			r->col[C_KMAX], r->col[C_MODEL], ratio,
			r->col[C_VERDICT]);
	}
	fputs("\n## Across settings\n\nThe kernel's change from A (measured) "
	      "and the model's (predicted: every trace replayed under both "
	      "settings).  Judged where the kernel's ranges of the two groups "
	      "do not overlap (spread `exceeds`; `unknown` with one run); ok: "
	      "same direction, within 1.5x.\n\n"
	      "| counter | set | kernel | model | measured | predicted | spread "
	      "| verdict |\n|:--|:-:|--:|--:|--:|--:|:-:|:--|\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];

		if (!is(r, "across"))
			continue;
		fprintf(f, "| %s%s | %s | %s | %s | %s | %s | %s | %s |\n",
			r->col[C_COUNTER], *r->col[C_TARGET] == '1' ? " *" : "",
			r->col[C_SET], r->col[C_KERNEL], r->col[C_MODEL],
			r->col[C_MEASURED], r->col[C_PREDICTED],
			r->col[C_SPREAD], r->col[C_VERDICT]);
	}
	{
		size_t n;
		cost_row *rows = cost_rows(t, &n);

		if (n)
			fprintf(f, "\n## Costs the replays used\n\n%s.  Each "
				"fit takes begin/end durations against the pages "
				"each scanned and reclaimed or migrated; fast paths "
				"are model defaults.\n\n| fit | source | pairs | base ns | "
				"ns/page scanned | ns/page reclaimed or migrated | "
				"r2 |\n|:--|:--|--:|--:|--:|--:|--:|\n",
				costs_how(t));
		for (size_t i = 0; i < n; i++)
			fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n",
				rows[i][0], rows[i][1], rows[i][2], rows[i][3],
				rows[i][4], rows[i][5], rows[i][6]);
		free(rows);
	}
	fputs("\n## Failures and fragmentation\n\n| check | set | kernel | "
	      "model | verdict |\n|:--|:-:|--:|--:|:--|\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];

		if (is(r, "failures") || is(r, "unusable") || is(r, "held") ||
		    is(r, "zonefree"))
			fprintf(f, "| %s | %s | %s | %s | %s |\n",
				is(r, "failures") ? "allocation failures "
				"(kernel: OOM kills)" : is(r, "unusable") ?
				"unusable index o9, end" : is(r, "held") ?
				"pages allocated that the model held "
				"(docs/validate.md)" : r->col[C_COUNTER],
				r->col[C_SET], r->col[C_KERNEL], r->col[C_MODEL],
				r->col[C_VERDICT]);
	}
}

/* ---- figure data ------------------------------------------------------------- */

static int write_figdata(const struct vtab *t, const char *dir, char *err,
			 size_t errlen)
{
	char ddir[4096];
	FILE *f;
	unsigned x = 0;

	snprintf(ddir, sizeof(ddir), "%s/data", dir);
	if (mkdir(ddir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", ddir, strerror(errno));
		return -1;
	}
	f = rpt_create(ddir, "validate_same.tsv", err, errlen);
	if (!f)
		return -1;
	fputs("# x\tcounter\tset\tmodel_over_kernel\tband_lo\tband_hi\tok\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];
		double k = val(r->col[C_KERNEL]), m = val(r->col[C_MODEL]);
		double lo = val(r->col[C_KMIN]), hi = val(r->col[C_KMAX]);

		if (!is(r, "same") || *r->col[C_TARGET] != '1' || !(k > 0) ||
		    isnan(m))
			continue;
		fprintf(f, "%u\t%s %s\t%s\t%.6g\t%.6g\t%.6g\t%d\n", x + 1,
			r->col[C_COUNTER], r->col[C_SET], r->col[C_SET],
			m > 0 ? m / k : 1e-3, fmin(0.75, lo / k),
			fmax(1.25, hi / k), !strcmp(r->col[C_VERDICT], "ok"));
		x++;
	}
	if (rpt_close(f, ddir, "validate_same.tsv", err, errlen))
		return -1;
	f = rpt_create(ddir, "validate_params.gp", err, errlen);
	if (!f)
		return -1;
	fprintf(f, "nsame = %u\n", x);
	if (rpt_close(f, ddir, "validate_params.gp", err, errlen))
		return -1;
	f = rpt_create(ddir, "validate_across.tsv", err, errlen);
	if (!f)
		return -1;
	fputs("# measured\tpredicted\tjudged\tok\tlabel\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];
		double ms = val(r->col[C_MEASURED]), pr = val(r->col[C_PREDICTED]);

		if (!is(r, "across") || !(ms > 0) || !(pr > 0) || isinf(ms) ||
		    isinf(pr) || (ms == 1 && pr == 1))
			continue;	/* nothing moved: no point */
		fprintf(f, "%.6g\t%.6g\t%d\t%d\t%s %s\n", ms, pr,
			strcmp(r->col[C_VERDICT], "-") != 0,
			!strcmp(r->col[C_VERDICT], "ok"), r->col[C_COUNTER],
			r->col[C_SET]);
	}
	return rpt_close(f, ddir, "validate_across.tsv", err, errlen);
}

/* ---- HTML ------------------------------------------------------------------- */

static void html_row(FILE *f, const char *const *cells, size_t n, int head)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++) {
		fputs(head ? "<th>" : "<td>", f);
		rpt_html_escape(f, cells[i]);
		fputs(head ? "</th>" : "</td>", f);
	}
	fputs("</tr>\n", f);
}

static void html_tables(const struct vtab *t, FILE *f)
{
	static const char *const sh[] = { "counter", "set", "kernel",
		"kernel min", "kernel max", "model", "verdict" };
	static const char *const ah[] = { "counter", "set", "kernel", "model",
		"measured", "predicted", "spread", "verdict" };
	static const char *const xh[] = { "check", "set", "kernel", "model",
		"verdict" };

	fputs("<h2>Same settings</h2>\n<table>\n", f);
	html_row(f, sh, 7, 1);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];
		const char *c[7] = { r->col[C_COUNTER], r->col[C_SET],
			r->col[C_KERNEL], r->col[C_KMIN], r->col[C_KMAX],
			r->col[C_MODEL], r->col[C_VERDICT] };

		if (is(r, "same"))
			html_row(f, c, 7, 0);
	}
	fputs("</table>\n<h2>Across settings</h2>\n<table>\n", f);
	html_row(f, ah, 8, 1);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];
		const char *c[8] = { r->col[C_COUNTER], r->col[C_SET],
			r->col[C_KERNEL], r->col[C_MODEL], r->col[C_MEASURED],
			r->col[C_PREDICTED], r->col[C_SPREAD],
			r->col[C_VERDICT] };

		if (is(r, "across"))
			html_row(f, c, 8, 0);
	}
	fputs("</table>\n<h2>Failures and fragmentation</h2>\n<table>\n", f);
	html_row(f, xh, 5, 1);
	for (size_t i = 0; i < t->n; i++) {
		const struct vrow *r = &t->rows[i];
		const char *c[5] = { r->col[C_COUNTER], r->col[C_SET],
			r->col[C_KERNEL], r->col[C_MODEL], r->col[C_VERDICT] };

		if (is(r, "failures") || is(r, "unusable") || is(r, "held") ||
		    is(r, "zonefree"))
			html_row(f, c, 5, 0);
	}
	fputs("</table>\n", f);
	{
		static const char *const ch[] = { "fit", "source", "pairs",
			"base ns", "ns/page scanned",
			"ns/page reclaimed or migrated", "r2" };
		size_t n;
		cost_row *rows = cost_rows(t, &n);

		if (!n) {
			free(rows);
			return;
		}
		fprintf(f, "<h2>Costs the replays used</h2>\n<p>%s; fast paths "
			"are model defaults.</p>\n<table>\n", costs_how(t));
		html_row(f, ch, 7, 1);
		for (size_t i = 0; i < n; i++) {
			const char *c[7];

			for (int j = 0; j < 7; j++)
				c[j] = rows[i][j];
			html_row(f, c, 7, 0);
		}
		fputs("</table>\n", f);
		free(rows);
	}
}

static void html_zonefree(FILE *f)
{
	fputs("<h2>Free pages over time</h2>\n<p>For the first trace of each "
	      "setting, replayed under its own settings: the free pages of "
	      "DMA32 and Normal at the recorder's /proc/zoneinfo samples, the "
	      "kernel's (solid) and the model's at the same points of the "
	      "replay (dashed).  The tables' \"free pages\" rows are their "
	      "medians over every trace.</p>\n<p><img src=\"zonefree.svg\" "
	      "alt=\"free pages over time, kernel and model\" width=\"1100\">"
	      "</p>\n", f);
}

static int write_html(const struct vtab *t, const char *dir, int fig_ok,
		      int zf_fig, const char *note, char *err, size_t errlen)
{
	FILE *f = rpt_create(dir, "index.html", err, errlen);

	if (!f)
		return -1;
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	      "<title>mmtrace validate</title>\n<style>body{font-family:"
	      "sans-serif;max-width:1150px;margin:auto}table{border-collapse:"
	      "collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
	      "text-align:right}td:first-child,th:first-child{text-align:left}"
	      "</style></head><body>\n<h1>The model against the kernel</h1>\n"
	      "<p>Traces of one workload under different settings, each "
	      "replayed under its own and the others' settings "
	      "(<a href=\"validate.md\">validate.md</a>, "
	      "<a href=\"validate.tsv\">validate.tsv</a>, "
	      "<a href=\"validate.json\">validate.json</a>, replays in "
	      "<a href=\"runs/\">runs/</a>).</p>\n", f);
	if (fig_ok)
		fputs("<p><img src=\"validate.svg\" alt=\"model over kernel, "
		      "and predicted against measured ratios\" width=\"1100\">"
		      "</p>\n", f);
	else {
		fputs("<p>Figure not drawn: ", f);
		rpt_html_escape(f, note);
		fputs("</p>\n", f);
	}
	html_tables(t, f);
	if (fig_ok && zf_fig)
		html_zonefree(f);
	fputs("</body></html>\n", f);
	return rpt_close(f, dir, "index.html", err, errlen);
}

int mmt_report_validate(const char *dir, char *err, size_t errlen)
{
	struct vtab t = { 0 };
	const char *figs[2] = { "validate", "zonefree" };
	char fig_err[512] = "", path[4096];
	int fig_ok = 0, ret = -1, zf = 0;
	FILE *f;

	if (load(&t, dir, err, errlen) || load_json(&t, dir, err, errlen))
		goto out;
	f = rpt_create(dir, "validate.md", err, errlen);
	if (!f)
		goto out;
	md_tables(&t, f);
	if (rpt_close(f, dir, "validate.md", err, errlen) ||
	    write_figdata(&t, dir, err, errlen) ||
	    rpt_copy_script(dir, figs[0], err, errlen) ||
	    (zf = rpt_zonefree_data(t.json, dir, err, errlen)) < 0 ||
	    (zf && rpt_copy_script(dir, figs[1], err, errlen)))
		goto out;
	if (!zf) {	/* an earlier report's figure would not be this one */
		snprintf(path, sizeof(path), "%s/zonefree.svg", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/zonefree.png", dir);
		unlink(path);
	}
	fig_ok = rpt_draw(dir, figs, zf ? 2 : 1, fig_err, sizeof(fig_err)) == 0;
	ret = write_html(&t, dir, fig_ok, zf, fig_err, err, errlen);
	if (!ret && !fig_ok) {	/* everything else is written */
		snprintf(err, errlen, "%s: %s", dir, fig_err);
		ret = -1;
	}
out:
	rj_free(t.json);
	free(t.rows);
	free(t.text);
	return ret;
}
