/* SPDX-License-Identifier: MIT */
/* The data the gnuplot scripts read: DIR/data/params.gp (policies, colours,
 * ranges) and one TSV per figure with one block per policy (blocks are
 * separated by two blank lines, so gnuplot's `index i` picks a policy). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "report_int.h"

#define MAX_LINE_POINTS 600	/* per policy and curve: keeps SVGs small */
#define HEAT_COLUMNS 200	/* time columns of the heatmap */

static void put_num(FILE *f, double v, const char *sep)
{
	if (isfinite(v))
		fprintf(f, "%.6g%s", v, sep);
	else
		fprintf(f, "-%s", sep);
}

/* A gnuplot single-quoted string: only ' needs escaping (as ''). */
static void put_gp_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static void block_start(FILE *f, size_t i, const struct rpt_run *run,
			const char *header)
{
	if (i)
		fputs("\n\n", f);
	fprintf(f, "# policy %s\n# %s\n", run->name, header);
}

/* The k-th of m evenly spread indices into n items (first and last kept). */
static size_t spread(size_t k, size_t m, size_t n)
{
	if (m <= 1 || n <= 1)
		return 0;
	return (size_t)((double)k * (double)(n - 1) / (double)(m - 1) + 0.5);
}

static size_t npoints(size_t n)
{
	return n < MAX_LINE_POINTS ? n : MAX_LINE_POINTS;
}

static double tmax_of(const struct rpt *r)
{
	double t = 0;

	for (size_t i = 0; i < r->nruns; i++)
		if (r->runs[i].nts && r->runs[i].ts[r->runs[i].nts - 1].t > t)
			t = r->runs[i].ts[r->runs[i].nts - 1].t;
	return t;
}

static void write_frag(const struct rpt *r, FILE *f)
{
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];
		size_t m = npoints(run->nts);

		block_start(f, i, run, "t_s unusable_o9 free_ge_o9_pages");
		for (size_t k = 0; k < m; k++) {
			const struct rpt_sample *s = &run->ts[spread(k, m, run->nts)];
			put_num(f, s->t, "\t");
			put_num(f, s->unusable_o9, "\t");
			put_num(f, s->free_ge_o9, "\n");
		}
		if (!m)
			fputs("-\t-\t-\n", f);
	}
}

static void write_activity(const struct rpt *r, FILE *f)
{
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];
		size_t m = npoints(run->nts), next = 0, k = 0;
		double kswapd_s = 0;

		block_start(f, i, run, "t_s direct_reclaims compact_stalls "
			    "node_reclaims kswapd_active_node_s reclaimed_pages");
		/* kswapd time integrates every sample; rows are then thinned. */
		for (size_t j = 0; j < run->nts; j++) {
			const struct rpt_sample *s = &run->ts[j];

			if (j && isfinite(run->ts[j - 1].kswapd_nodes))
				kswapd_s += run->ts[j - 1].kswapd_nodes *
					    (s->t - run->ts[j - 1].t);
			if (j != next)
				continue;
			put_num(f, s->t, "\t");
			put_num(f, s->direct_reclaims, "\t");
			put_num(f, s->compact_stalls, "\t");
			put_num(f, s->node_reclaims, "\t");
			put_num(f, isfinite(s->kswapd_nodes) ? kswapd_s : NAN, "\t");
			put_num(f, s->reclaimed_pages, "\n");
			next = ++k < m ? spread(k, m, run->nts) : (size_t)-1;
		}
		if (!m)
			fputs("-\t-\t-\t-\t-\t-\n", f);
	}
}

/* The sample shown in a heatmap column centred at t, NULL when the run has
 * no sample within half a column before t (not started, or ended). */
static const struct rpt_sample *sample_at(const struct rpt_run *run, double t,
					  double dt)
{
	size_t lo = 0, hi = run->nts;

	while (lo < hi) {	/* first sample later than t + dt/2 */
		size_t mid = (lo + hi) / 2;
		if (run->ts[mid].t <= t + dt / 2)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || run->ts[lo - 1].t < t - dt)
		return NULL;
	return &run->ts[lo - 1];
}

static size_t heat_columns(const struct rpt *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nruns; i++)
		if (r->runs[i].nts > n)
			n = r->runs[i].nts;
	return n < HEAT_COLUMNS ? n : HEAT_COLUMNS;
}

/* Free pages held in blocks of each order, on a grid shared by all
 * policies (gnuplot's `with image` wants a regular grid). */
static double write_heatmap(const struct rpt *r, FILE *f)
{
	size_t ncol = heat_columns(r);
	double tmax = tmax_of(r), dt = ncol > 1 ? tmax / (double)(ncol - 1) : 1;
	double vmax = 0;

	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];

		block_start(f, i, run, "t_s order free_pages_in_blocks_of_order");
		for (int o = 0; o < RPT_ORDERS; o++) {
			for (size_t c = 0; c < ncol; c++) {
				double t = dt * (double)c;
				const struct rpt_sample *s = sample_at(run, t, dt);
				double v = s ? ldexp(s->free_blocks[o], o) : NAN;

				put_num(f, t, "\t");
				fprintf(f, "%d\t", o);
				put_num(f, v, "\n");
				if (isfinite(v) && v > vmax)
					vmax = v;
			}
			fputc('\n', f);
		}
		if (!ncol)
			fputs("-\t-\t-\n", f);
	}
	return vmax;
}

static void write_latency(const struct rpt *r, FILE *f)
{
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];
		size_t rows = 0;

		block_start(f, i, run, "ns cdf ccdf   (allocation latency)");
		for (size_t j = 0; j < run->nlat_alloc; j++) {
			const struct rpt_lat_point *p = &run->lat_alloc[j];
			double ccdf = 1 - p->cdf;

			/* Start the curve at the first bucket's lower edge. */
			if (rows == 0 && p->lo_ns > 0) {
				put_num(f, p->lo_ns, "\t0\t1\n");
				rows++;
			}
			if (p->hi_ns <= 0)
				continue;
			put_num(f, p->hi_ns, "\t");
			put_num(f, p->cdf, "\t");
			put_num(f, ccdf > 1e-9 ? ccdf : NAN, "\n");
			rows++;
		}
		if (!rows)
			fputs("-\t-\t-\n", f);
	}
}

/* Short value labels for the bars: 3 significant digits, k/M suffixes. */
static void short_value(char *buf, size_t len, double v, enum rpt_kind kind)
{
	double a = fabs(v);

	if (!isfinite(v))
		snprintf(buf, len, "n/a");
	else if (kind == RPT_FRAC)
		snprintf(buf, len, "%.3f", v);
	else if (kind == RPT_PCT)
		snprintf(buf, len, "%.1f%%", v * 100);
	else if (kind == RPT_NS && a >= 1e6)
		snprintf(buf, len, "%.3g ms", v / 1e6);
	else if (kind == RPT_NS && a >= 1e3)
		snprintf(buf, len, "%.3g \u00b5s", v / 1e3);
	else if (kind == RPT_NS)
		snprintf(buf, len, "%.0f ns", v);
	else if (a >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (a >= 1e4)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

/* The chart's ratio for a run: value / first policy's value; +inf when
 * the first policy has 0 and this one not (drawn to the top, labelled
 * "base 0"), 1 when both are 0, NaN when unknown. */
static double bar_ratio(const struct rpt *r, size_t run,
			const struct rpt_metric *mt)
{
	double v = rpt_metric_value(&r->runs[run], mt);
	double base = rpt_metric_value(&r->runs[0], mt);

	if (isfinite(v) && isfinite(base) && base == 0 && v > 0)
		return INFINITY;
	return rpt_ratio(v, base);
}

/* The chart's log y range: every finite ratio, at least [0.5:2], with
 * room on top for the rotated value labels. */
static void bar_range(const struct rpt *r, double *lo, double *hi)
{
	double rmin = 1, rmax = 1;

	for (size_t i = 0; i < r->nruns; i++)
		for (size_t m = 0; m < rpt_nmetrics; m++) {
			double x;

			if (!rpt_metrics[m].bar_label)
				continue;
			x = bar_ratio(r, i, &rpt_metrics[m]);
			if (!isfinite(x) || x <= 0)
				continue;
			rmin = fmin(rmin, x);
			rmax = fmax(rmax, x);
		}
	*lo = fmax(fmin(0.5, rmin / 1.5), 1e-3);
	*hi = fmin(fmax(2, rmax * 1.5), 1e4);
	/* Labels take about a third of the height above the tallest bar. */
	*hi *= pow(*hi / *lo, 0.45);
}

/* Whether some chart bar stands for "first policy had 0" (hatched). */
static int bar_has_base0(const struct rpt *r)
{
	for (size_t i = 0; i < r->nruns; i++)
		for (size_t m = 0; m < rpt_nmetrics; m++)
			if (rpt_metrics[m].bar_label &&
			    isinf(bar_ratio(r, i, &rpt_metrics[m])))
				return 1;
	return 0;
}

static void write_bars(const struct rpt *r, FILE *f)
{
	double lo, hi;

	bar_range(r, &lo, &hi);
	for (size_t i = 0; i < r->nruns; i++) {
		size_t b = 0;

		block_start(f, i, &r->runs[i], "bar ratio bar_low bar_high "
			    "label_y label base0");
		for (size_t m = 0; m < rpt_nmetrics; m++) {
			const struct rpt_metric *mt = &rpt_metrics[m];
			double ratio, y;
			char label[48];

			if (!mt->bar_label)
				continue;
			ratio = bar_ratio(r, i, mt);
			/* Bars grow from 1: up is worse, down is better. */
			y = isnan(ratio) ? 1 : fmin(fmax(ratio, lo), hi);
			if (isinf(ratio))
				y = hi / pow(hi / lo, 0.3);
			short_value(label, sizeof(label),
				    rpt_metric_value(&r->runs[i], mt), mt->kind);
			if (isinf(ratio))
				snprintf(label + strlen(label),
					 sizeof(label) - strlen(label), " (base 0)");
			fprintf(f, "%zu\t", ++b);
			put_num(f, isfinite(ratio) ? ratio : NAN, "\t");
			put_num(f, fmin(y, 1), "\t");
			put_num(f, fmax(y, 1), "\t");
			put_num(f, fmax(y, 1), "\t");
			fprintf(f, "\"%s\"\t%d\n", label, isinf(ratio));
		}
	}
}

/* A gnuplot double-quoted string (where \n is a line break). */
static void put_gp_dstring(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void write_bar_names(FILE *f)
{
	size_t b = 0;

	for (size_t m = 0; m < rpt_nmetrics; m++) {
		if (!rpt_metrics[m].bar_label)
			continue;
		fprintf(f, "barname[%zu] = ", ++b);
		put_gp_dstring(f, rpt_metrics[m].bar_label);
		fputc('\n', f);
	}
}

/* Largest value of each activity column, of free pages >= order 9 and of
 * the unusable index, so the scripts can fix y ranges (all-zero curves
 * stay visible, a low index is not squashed against the axis). */
static void series_max(const struct rpt *r, double act[4], double *ge9,
		       double *uo9)
{
	double kswapd_s;

	memset(act, 0, 4 * sizeof(double));
	*ge9 = 0;
	*uo9 = 0;
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];

		kswapd_s = 0;
		for (size_t j = 0; j < run->nts; j++) {
			const struct rpt_sample *s = &run->ts[j];

			if (j && isfinite(run->ts[j - 1].kswapd_nodes))
				kswapd_s += run->ts[j - 1].kswapd_nodes *
					    (s->t - run->ts[j - 1].t);
			act[0] = fmax(act[0], s->direct_reclaims);
			act[1] = fmax(act[1], s->compact_stalls);
			act[2] = fmax(act[2], s->node_reclaims);
			act[3] = fmax(act[3], kswapd_s);
			*ge9 = fmax(*ge9, s->free_ge_o9);
			*uo9 = fmax(*uo9, s->unusable_o9);
		}
	}
}

static void write_params(const struct rpt *r, FILE *f, double heat_max)
{
	double act[4], ge9, uo9;
	double lo, hi;
	int has_ts = 0, has_lat = 0;
	size_t nbars = 0;

	for (size_t i = 0; i < r->nruns; i++) {
		has_ts |= r->runs[i].nts > 0;
		has_lat |= r->runs[i].nlat_alloc > 0;
	}
	fputs("# Written by mmtrace report: the policies and ranges the "
	      "scripts in plots/ use.\n", f);
	fprintf(f, "npol = %zu\n", r->nruns);
	fprintf(f, "array pname[%zu]\narray pcol[%zu]\n", r->nruns, r->nruns);
	for (size_t i = 0; i < r->nruns; i++) {
		fprintf(f, "pname[%zu] = ", i + 1);
		put_gp_string(f, r->runs[i].name);
		fprintf(f, "; pcol[%zu] = '%s'\n", i + 1, r->runs[i].colour);
	}
	fprintf(f, "trace_name = ");
	put_gp_string(f, rj_str(r->runs[0].summary, "trace") ?
		      rj_str(r->runs[0].summary, "trace") : "");
	fprintf(f, "\nhas_ts = %d\nhas_lat = %d\n", has_ts, has_lat);
	fprintf(f, "tmax = %.6g\n", tmax_of(r) > 0 ? tmax_of(r) : 1);
	fprintf(f, "heat_cbmax = %.6g\n", heat_max >= 10 ? heat_max : 10);
	series_max(r, act, &ge9, &uo9);
	fprintf(f, "array act_max[4] = [%.6g, %.6g, %.6g, %.6g]\n",
		fmax(act[0], 1), fmax(act[1], 1), fmax(act[2], 1), fmax(act[3], 1));
	fprintf(f, "ge9_max = %.6g\n", fmax(ge9, 1));
	fprintf(f, "uo9_top = %.6g\n", fmin(1.05, fmax(0.1, uo9 * 1.15)));
	for (size_t m = 0; m < rpt_nmetrics; m++)
		nbars += rpt_metrics[m].bar_label != NULL;
	fprintf(f, "nbars = %zu\narray barname[%zu]\n", nbars, nbars ? nbars : 1);
	write_bar_names(f);
	bar_range(r, &lo, &hi);
	fprintf(f, "bar_ymin = %.6g\nbar_ymax = %.6g\n", lo, hi);
	fprintf(f, "bar_has_base0 = %d\n", bar_has_base0(r));
}

typedef void (*writer_fn)(const struct rpt *r, FILE *f);

static int write_one(const struct rpt *r, const char *ddir, const char *name,
		     writer_fn fn, char *err, size_t errlen)
{
	FILE *f = rpt_create(ddir, name, err, errlen);

	if (!f)
		return -1;
	fn(r, f);
	return rpt_close(f, ddir, name, err, errlen);
}

int rpt_write_data(const struct rpt *r, char *err, size_t errlen)
{
	size_t n = strlen(r->dir) + 8;
	char *ddir = malloc(n);
	FILE *f;
	double heat_max = 0;
	int ret = -1;

	if (!ddir) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(ddir, n, "%s/data", r->dir);
	if (mkdir(ddir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", ddir, strerror(errno));
		goto out;
	}
	if (write_one(r, ddir, "frag.tsv", write_frag, err, errlen) ||
	    write_one(r, ddir, "activity.tsv", write_activity, err, errlen) ||
	    write_one(r, ddir, "latency.tsv", write_latency, err, errlen))
		goto out;
	f = rpt_create(ddir, "heatmap.tsv", err, errlen);
	if (!f)
		goto out;
	heat_max = write_heatmap(r, f);
	if (rpt_close(f, ddir, "heatmap.tsv", err, errlen))
		goto out;
	if (write_one(r, ddir, "bars.tsv", write_bars, err, errlen))
		goto out;
	f = rpt_create(ddir, "params.gp", err, errlen);
	if (!f)
		goto out;
	write_params(r, f, heat_max);
	ret = rpt_close(f, ddir, "params.gp", err, errlen);
out:
	free(ddir);
	return ret;
}
