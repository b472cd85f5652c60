/* SPDX-License-Identifier: MIT */
/* The summary table, one column per policy, each cell "value (ratio)" with
 * the ratio against the first policy, in the manner of mmtests' compare
 * tables: summary.md, summary.txt, data/summary.tsv and the html table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"

const struct rpt_metric rpt_metrics[] = {
	{ "alloc latency p50", "ns", "latency_ns.p50", RPT_NS, 0, NULL, 0 },
	{ "alloc latency p99", "ns", "latency_ns.p99", RPT_NS, 0, "alloc p99", 0 },
	{ "alloc latency p99.9", "ns", "latency_ns.p999", RPT_NS, 0, NULL, 0 },
	{ "alloc latency max", "ns", "latency_ns.max", RPT_NS, 0, NULL, 0 },
	{ "direct reclaim stalls", "count", "direct_reclaim_stalls", RPT_COUNT, 0,
	  "direct reclaim", 0 },
	{ "compaction stalls", "count", "compaction_stalls", RPT_COUNT, 0,
	  "compaction stalls", 0 },
	{ "node reclaims", "count", "node_reclaims", RPT_COUNT, 0,
	  "node reclaims", 0 },
	{ "remote-node pages", "pages", "remote_allocs", RPT_COUNT, 0,
	  "remote pages", 0 },
	{ "OOM outcomes", "count", "oom", RPT_COUNT, 0, NULL, 0 },
	{ "order-9 success rate", "%", "order9_success_rate", RPT_PCT, 1, NULL, 0 },
	{ "unusable index o9, end", "0..1", "unusable_index_order9_end", RPT_FRAC,
	  0, "unusable o9 (end)", 0 },
	{ "unusable index o9, time mean", "0..1", "unusable_index_order9_mean",
	  RPT_FRAC, 0, NULL, 0 },
	{ "fault latency p99", "ns", "fault_latency_ns.p99", RPT_NS, 0, NULL, 1 },
	{ "allocation failures", "count", "alloc_fail", RPT_COUNT, 0, NULL, 1 },
	{ "kswapd wakes", "count", "kswapd_wakes", RPT_COUNT, 0, NULL, 1 },
	{ "reclaimed pages", "pages", "reclaimed_pages", RPT_COUNT, 0, NULL, 1 },
	{ "migratetype fallbacks", "count", "fallbacks", RPT_COUNT, 0, NULL, 1 },
	{ "refaults", "count", "refaults", RPT_COUNT, 0, NULL, 1 },
	{ "mixed pageblocks, end", "count", "mixed_pageblocks_end", RPT_COUNT, 0,
	  NULL, 1 },
	{ "mirror pfn agreement", "%", "mirror.pfn_agreement", RPT_PCT, 1, NULL, 1 },
};
const size_t rpt_nmetrics = sizeof(rpt_metrics) / sizeof(rpt_metrics[0]);

double rpt_metric_value(const struct rpt_run *run, const struct rpt_metric *m)
{
	double v = rj_num(run->summary, m->key);

	if (!isnan(v) || !run->nts)
		return v;
	/* Older or partial summaries: the fragmentation figures come from the
	 * time series the report reads anyway. */
	if (!strcmp(m->key, "unusable_index_order9_mean"))
		return rpt_unusable_mean(run);
	if (!strcmp(m->key, "unusable_index_order9_end"))
		return run->ts[run->nts - 1].unusable_o9;
	return v;
}

int rpt_metric_shown(const struct rpt *r, const struct rpt_metric *m)
{
	if (!m->optional)
		return 1;
	for (size_t i = 0; i < r->nruns; i++)
		if (isfinite(rpt_metric_value(&r->runs[i], m)))
			return 1;
	return 0;
}

const char *rpt_metric_unit(const struct rpt *r, const struct rpt_metric *m,
			    char *buf, size_t len)
{
	const char *dot = strrchr(m->key, '.'), *src;
	char key[128];

	if (!dot || !r->nruns)
		return m->unit;
	snprintf(key, sizeof(key), "%.*s.source", (int)(dot - m->key), m->key);
	src = rj_str_path(r->runs[0].summary, key);
	if (!src)
		return m->unit;
	snprintf(buf, len, "%s, %s", m->unit, src);
	return buf;
}

double rpt_ratio(double value, double base)
{
	if (!isfinite(value) || !isfinite(base))
		return NAN;
	if (base == 0)
		return value == 0 ? 1 : NAN;
	return value / base;
}

void rpt_format(char *buf, size_t len, double v, enum rpt_kind kind)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (kind == RPT_FRAC)
		snprintf(buf, len, "%.3f", v);
	else if (kind == RPT_PCT)
		snprintf(buf, len, "%.1f%%", v * 100);
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
}

/* "value" for the first policy, "value (ratio)" for the others. */
static void cell(char *buf, size_t len, const struct rpt *r, size_t run,
		 const struct rpt_metric *m)
{
	double v = rpt_metric_value(&r->runs[run], m);
	double ratio = rpt_ratio(v, rpt_metric_value(&r->runs[0], m));
	size_t n;

	rpt_format(buf, len, v, m->kind);
	if (run == 0 || !isfinite(v))
		return;
	n = strlen(buf);
	if (isfinite(ratio))
		snprintf(buf + n, len - n, ratio < 100 ? " (%.2f)" : " (%.0f)", ratio);
	else
		snprintf(buf + n, len - n, " (inf)");
}

static const char *trace_of(const struct rpt *r)
{
	const char *t = rj_str(r->runs[0].summary, "trace");

	return t ? t : "(unknown trace)";
}

/* Runs that did not replay the whole trace (summary.json stopped_early:
 * truncated; trace_damage: damaged parts skipped), listed under the table
 * so nobody misreads a partial result. */
static void put_stops(const struct rpt *r, FILE *f, const char *head,
		      const char *bullet)
{
	int any = 0;

	for (size_t i = 0; i < r->nruns; i++) {
		const struct rj_value *s = r->runs[i].summary;
		const char *why = rj_str(s, "stopped_early");
		const char *dmg = rj_str(rj_get(s, "trace_damage"), "first");

		if ((why || dmg) && !any++)
			fputs(head, f);
		if (why)
			fprintf(f, "%s%s: %s\n", bullet, r->runs[i].name, why);
		if (dmg)
			fprintf(f, "%s%s: trace damaged, %.0f events lost (%.0f "
				"damaged parts; the first: %s)\n", bullet,
				r->runs[i].name,
				rj_num(s, "trace_damage.events_lost"),
				rj_num(s, "trace_damage.damaged_parts"), dmg);
	}
}

static void write_md(const struct rpt *r, FILE *f)
{
	char buf[96], unit[96];

	fprintf(f, "# mmtrace compare: %s\n\n", trace_of(r));
	fprintf(f, "Cells are value (ratio to %s). Lower is better except for "
		"the order-9 success rate.\n\n", r->runs[0].name);
	fputs("| metric | unit |", f);
	for (size_t i = 0; i < r->nruns; i++)
		fprintf(f, " %s |", r->runs[i].name);
	fputs("\n|:--|:--|", f);
	for (size_t i = 0; i < r->nruns; i++)
		fputs("--:|", f);
	fputc('\n', f);
	for (size_t m = 0; m < rpt_nmetrics; m++) {
		if (!rpt_metric_shown(r, &rpt_metrics[m]))
			continue;
		fprintf(f, "| %s | %s |", rpt_metrics[m].label,
			rpt_metric_unit(r, &rpt_metrics[m], unit, sizeof(unit)));
		for (size_t i = 0; i < r->nruns; i++) {
			cell(buf, sizeof(buf), r, i, &rpt_metrics[m]);
			fprintf(f, " %s |", buf);
		}
		fputc('\n', f);
	}
	put_stops(r, f, "\n**Stopped early or damaged trace** (results cover part of "
		  "the trace):\n\n", "- ");
	fputs("\nPolicies:\n\n", f);
	for (size_t i = 0; i < r->nruns; i++)
		fprintf(f, "- %s: %s\n", r->runs[i].name,
			r->runs[i].settings[0] ? r->runs[i].settings : "(defaults)");
}

/* Fixed-width text, columns right-aligned like mmtests' compare output. */
static void write_txt(const struct rpt *r, FILE *f)
{
	char buf[96], unit[96];
	int w0 = 0, *w = calloc(r->nruns, sizeof(int));

	if (!w)
		return;
	for (size_t m = 0; m < rpt_nmetrics; m++) {
		int n = (int)(strlen(rpt_metrics[m].label) +
			      strlen(rpt_metric_unit(r, &rpt_metrics[m], unit,
						     sizeof(unit)))) + 3;
		if (n > w0)
			w0 = n;
	}
	for (size_t i = 0; i < r->nruns; i++) {
		w[i] = (int)strlen(r->runs[i].name);
		for (size_t m = 0; m < rpt_nmetrics; m++) {
			cell(buf, sizeof(buf), r, i, &rpt_metrics[m]);
			if ((int)strlen(buf) > w[i])
				w[i] = (int)strlen(buf);
		}
	}
	fprintf(f, "mmtrace compare: %s (ratio to %s in parentheses)\n\n",
		trace_of(r), r->runs[0].name);
	fprintf(f, "%-*s", w0, "");
	for (size_t i = 0; i < r->nruns; i++)
		fprintf(f, "  %*s", w[i], r->runs[i].name);
	fputc('\n', f);
	for (size_t m = 0; m < rpt_nmetrics; m++) {
		char label[160];

		if (!rpt_metric_shown(r, &rpt_metrics[m]))
			continue;
		snprintf(label, sizeof(label), "%s (%s)", rpt_metrics[m].label,
			 rpt_metric_unit(r, &rpt_metrics[m], unit, sizeof(unit)));
		fprintf(f, "%-*s", w0, label);
		for (size_t i = 0; i < r->nruns; i++) {
			cell(buf, sizeof(buf), r, i, &rpt_metrics[m]);
			fprintf(f, "  %*s", w[i], buf);
		}
		fputc('\n', f);
	}
	put_stops(r, f, "\nStopped early or damaged trace (results cover part of the "
		  "trace):\n", "  ");
	free(w);
}

void rpt_put_tsv_value(FILE *f, double v, enum rpt_kind kind)
{
	int whole = (kind == RPT_COUNT || kind == RPT_NS) && v == floor(v);

	if (!isfinite(v))
		fputs("\t", f);
	else
		fprintf(f, whole ? "\t%.0f" : "\t%.6f", v);
}

/* Plain values (no ratios) for scripts: data/summary.tsv, a metric a
 * row (its summary.json key) and a policy a column; counts and
 * nanoseconds as whole numbers, fractions (also the % rows) 0..1; an
 * empty field where a policy has no value. */
static void write_tsv(const struct rpt *r, FILE *f)
{
	fputs("metric\tunit", f);
	for (size_t i = 0; i < r->nruns; i++)
		fprintf(f, "\t%s", r->runs[i].name);
	fputc('\n', f);
	for (size_t m = 0; m < rpt_nmetrics; m++) {
		const struct rpt_metric *mt = &rpt_metrics[m];

		fprintf(f, "%s\t%s", mt->key, mt->unit);
		for (size_t i = 0; i < r->nruns; i++)
			rpt_put_tsv_value(f, rpt_metric_value(&r->runs[i], mt),
					  mt->kind);
		fputc('\n', f);
	}
}

void rpt_html_table(const struct rpt *r, FILE *f)
{
	char buf[96], unit[96];

	fputs("<table class=\"sum\">\n<tr><th>metric</th><th>unit</th>", f);
	for (size_t i = 0; i < r->nruns; i++) {
		fprintf(f, "<th><span class=\"sw\" style=\"background:%s\"></span>",
			r->runs[i].colour);
		rpt_html_escape(f, r->runs[i].name);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t m = 0; m < rpt_nmetrics; m++) {
		const struct rpt_metric *mt = &rpt_metrics[m];
		double base = rpt_metric_value(&r->runs[0], mt);

		if (!rpt_metric_shown(r, mt))
			continue;
		fprintf(f, "<tr><td>%s</td><td>%s</td>", mt->label,
			rpt_metric_unit(r, mt, unit, sizeof(unit)));
		for (size_t i = 0; i < r->nruns; i++) {
			double v = rpt_metric_value(&r->runs[i], mt);
			double ratio = rpt_ratio(v, base);
			const char *cls = "";

			/* Colour only clear changes (more than 5%). */
			if (i && isfinite(ratio) && fabs(ratio - 1) > 0.05)
				cls = (ratio < 1) != mt->higher_better ?
				      " class=\"good\"" : " class=\"bad\"";
			else if (i && !isfinite(ratio) && isfinite(v))
				cls = mt->higher_better ? " class=\"good\"" :
				      " class=\"bad\"";
			cell(buf, sizeof(buf), r, i, mt);
			fprintf(f, "<td%s>%s</td>", cls, buf);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

int rpt_write_tables(const struct rpt *r, char *err, size_t errlen)
{
	static const struct {
		const char *sub, *name;
		void (*fn)(const struct rpt *, FILE *);
	} out[] = {
		{ "", "summary.md", write_md },
		{ "", "summary.txt", write_txt },
		{ "/data", "summary.tsv", write_tsv },
	};

	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		size_t n = strlen(r->dir) + strlen(out[i].sub) + 1;
		char *dir = malloc(n);
		FILE *f;
		int ret;

		if (!dir) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		snprintf(dir, n, "%s%s", r->dir, out[i].sub);
		f = rpt_create(dir, out[i].name, err, errlen);
		if (!f) {
			free(dir);
			return -1;
		}
		out[i].fn(r, f);
		ret = rpt_close(f, dir, out[i].name, err, errlen);
		free(dir);
		if (ret)
			return -1;
	}
	return 0;
}
