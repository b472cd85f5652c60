/* SPDX-License-Identifier: MIT */
/* The data the figures are drawn from: DIR/data/params.gp (policies,
 * colours, ranges for the gnuplot scripts) and one table per figure, plain
 * TSV with a header row, a row per (policy, node, time): the host's
 * series ("all") and, when a run has several nodes, each node's. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "report_int.h"

#define MAX_LINE_POINTS 600	/* per policy, node and curve: small SVGs */
#define HEAT_COLUMNS 200	/* time columns of the heatmap */

/* Plain TSV for pandas, R and spreadsheets as much as for gnuplot: one
 * header row, tab-separated, counts as whole numbers, an empty field
 * where there is no value. */
static void put_num(FILE *f, double v, const char *sep)
{
	if (isfinite(v))
		fprintf(f, "%.6f%s", v, sep);
	else
		fputs(sep, f);
}

static void put_count(FILE *f, double v, const char *sep)
{
	if (isfinite(v))
		fprintf(f, "%.0f%s", v, sep);
	else
		fputs(sep, f);
}

/* The leading columns of a row: the policy and the node ("all": every
 * node summed).  Policy names hold no tab (name_ok). */
static void put_key(FILE *f, const struct rpt_run *run, int node)
{
	fprintf(f, "%s\t", run->name);
	if (node < 0)
		fputs("all\t", f);
	else
		fprintf(f, "%d\t", node);
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

/* Sample j of a run's host series (node < 0) or of one of its nodes. */
static const struct rpt_sample *sample(const struct rpt_run *run, int node,
				       size_t j)
{
	if (node < 0)
		return &run->ts[j];
	return &run->node_ts[j * (size_t)run->nnodes + (size_t)node];
}

/* The series a data file holds for a run: the host, then each node when
 * the run has more than one. */
static int last_series(const struct rpt_run *run)
{
	return run->nnodes > 1 ? run->nnodes - 1 : -1;
}

/* A time-series table: the header, then for each run its host series
 * and each node's, thinned to MAX_LINE_POINTS rows, each row the key,
 * t_s and what `values` writes. */
typedef void (*values_fn)(FILE *f, const struct rpt_sample *s);

static void write_series(const struct rpt *r, FILE *f, const char *header,
			 values_fn values)
{
	fprintf(f, "policy\tnode\tt_s\t%s\n", header);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];
		size_t m = npoints(run->nts);

		for (int node = -1; node <= last_series(run); node++)
			for (size_t k = 0; k < m; k++) {
				const struct rpt_sample *s =
					sample(run, node, spread(k, m, run->nts));

				put_key(f, run, node);
				put_num(f, s->t, "\t");
				values(f, s);
			}
	}
}

static void frag_values(FILE *f, const struct rpt_sample *s)
{
	put_num(f, s->unusable_o9, "\t");
	put_count(f, s->free_ge_o9, "\n");
}

static void free_values(FILE *f, const struct rpt_sample *s)
{
	put_count(f, s->free_pages, "\n");
}

/* Each policy's free pages over time (NR_FREE_PAGES, every zone), then the
 * kernel's as the trace recorded them (its /proc/zoneinfo samples, from
 * the first run that has them): the model under the host's own settings
 * against the kernel, and what each policy changes.  *kernel: 1 when the
 * kernel's rows are there.  0, or -1 with err set. */
static int write_free(const struct rpt *r, FILE *f, int *kernel, char *err,
		      size_t errlen)
{
	*kernel = 0;
	write_series(r, f, "free_pages", free_values);
	for (size_t i = 0; i < r->nruns && !*kernel; i++) {
		int rc = rpt_zonefree_kernel(r->runs[i].dir, RPT_KERNEL_KEY, f,
					     err, errlen);
		if (rc < 0)
			return -1;
		*kernel = rc;
	}
	return 0;
}

static void write_frag(const struct rpt *r, FILE *f)
{
	write_series(r, f, "unusable_o9\tfree_ge_o9_pages", frag_values);
}

/* The activity columns: the counters the summary table shows. */
static void activity_values(FILE *f, const struct rpt_sample *s)
{
	put_count(f, s->direct_reclaims, "\t");
	put_count(f, s->compact_stalls, "\t");
	put_count(f, s->node_reclaims, "\t");
	put_count(f, s->kswapd_wakes, "\t");
	put_count(f, s->reclaimed_pages, "\n");
}

static void write_activity(const struct rpt *r, FILE *f)
{
	write_series(r, f, "direct_reclaims\tcompact_stalls\tnode_reclaims"
		     "\tkswapd_wakes\treclaimed_pages", activity_values);
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

/* Free pages held in blocks of each order, every zone of every node
 * summed, on a grid shared by all policies (gnuplot's `with image` wants
 * a regular grid). */
static double write_heatmap(const struct rpt *r, FILE *f)
{
	size_t ncol = heat_columns(r);
	double tmax = tmax_of(r), dt = ncol > 1 ? tmax / (double)(ncol - 1) : 1;
	double vmax = 0;

	fputs("policy\tt_s\torder\tfree_pages\n", f);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];

		for (int o = 0; o < RPT_ORDERS; o++) {
			for (size_t c = 0; c < ncol; c++) {
				double t = dt * (double)c;
				const struct rpt_sample *s = sample_at(run, t, dt);
				double v = s ? ldexp(s->free_blocks[o], o) : NAN;

				fprintf(f, "%s\t", run->name);
				put_num(f, t, "\t");
				fprintf(f, "%d\t", o);
				put_count(f, v, "\n");
				if (isfinite(v) && v > vmax)
					vmax = v;
			}
		}
	}
	return vmax;
}

static void write_latency(const struct rpt *r, FILE *f)
{
	fputs("policy\tns\tcdf\tccdf\n", f);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];
		size_t rows = 0;

		for (size_t j = 0; j < run->nlat_alloc; j++) {
			const struct rpt_lat_point *p = &run->lat_alloc[j];
			double ccdf = 1 - p->cdf;

			/* Start the curve at the first bucket's lower edge. */
			if (rows == 0 && p->lo_ns > 0) {
				fprintf(f, "%s\t", run->name);
				put_count(f, p->lo_ns, "\t0.000000\t1.000000\n");
				rows++;
			}
			if (p->hi_ns <= 0)
				continue;
			fprintf(f, "%s\t", run->name);
			put_count(f, p->hi_ns, "\t");
			put_num(f, p->cdf, "\t");
			put_num(f, ccdf > 1e-9 ? ccdf : NAN, "\n");
			rows++;
		}
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
	fputs("policy\tbar\tratio\tbar_low\tbar_high\tlabel_y\tlabel\tbase0\n", f);
	for (size_t i = 0; i < r->nruns; i++) {
		size_t b = 0;

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
			fprintf(f, "%s\t%zu\t", r->runs[i].name, ++b);
			put_num(f, isfinite(ratio) ? ratio : NAN, "\t");
			put_num(f, fmin(y, 1), "\t");
			put_num(f, fmax(y, 1), "\t");
			put_num(f, fmax(y, 1), "\t");
			fprintf(f, "%s\t%d\n", label, isinf(ratio));
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

/* The largest values a set of series reaches, so the scripts can fix y
 * ranges (all-zero curves stay visible, a low index is not squashed
 * against the axis). */
#define ACT_COLS 5		/* activity.tsv's counters */
struct series_max {
	double act[ACT_COLS];
	double ge9, uo9;
};

static void max_of(struct series_max *mx, const struct rpt_sample *s)
{
	const double v[ACT_COLS] = { s->direct_reclaims, s->compact_stalls,
		s->node_reclaims, s->kswapd_wakes, s->reclaimed_pages };

	for (int c = 0; c < ACT_COLS; c++)
		mx->act[c] = fmax(mx->act[c], v[c]);
	mx->ge9 = fmax(mx->ge9, s->free_ge_o9);
	mx->uo9 = fmax(mx->uo9, s->unusable_o9);
}

/* Over the host series (nodes = 0) or over every node's series. */
static void series_max(const struct rpt *r, int nodes, struct series_max *mx)
{
	memset(mx, 0, sizeof(*mx));
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rpt_run *run = &r->runs[i];
		int last = nodes ? last_series(run) : -1;

		for (int node = nodes ? 0 : -1; node <= last; node++)
			for (size_t j = 0; j < run->nts; j++)
				max_of(mx, sample(run, node, j));
	}
}

static void put_max(FILE *f, const char *prefix, const struct series_max *mx)
{
	fprintf(f, "array %sact_max[%d] = [", prefix, ACT_COLS);
	for (int c = 0; c < ACT_COLS; c++)
		fprintf(f, "%.0f%s", fmax(mx->act[c], 1), c + 1 < ACT_COLS ? ", " : "]\n");
	fprintf(f, "%sge9_max = %.0f\n", prefix, fmax(mx->ge9, 1));
	fprintf(f, "%suo9_top = %.6g\n", prefix, fmin(1.05, fmax(0.1, mx->uo9 * 1.15)));
}

static void write_params(const struct rpt *r, FILE *f, double heat_max,
			 int kernel_free)
{
	struct series_max mx;
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
	fprintf(f, "\nlatency_source = ");
	put_gp_string(f, rj_str_path(r->runs[0].summary, "latency_ns.source") ?
		      rj_str_path(r->runs[0].summary, "latency_ns.source") :
		      "model default");
	/* nnodes: the data files hold a series per node when it is > 1 */
	fprintf(f, "\nnnodes = %d\n", r->nnodes > 0 ? r->nnodes : 1);
	fprintf(f, "has_ts = %d\nhas_lat = %d\n", has_ts, has_lat);
	fprintf(f, "tmax = %.6g\n", tmax_of(r) > 0 ? tmax_of(r) : 1);
	fprintf(f, "heat_cbmax = %.0f\n", heat_max >= 10 ? heat_max : 10);
	series_max(r, 0, &mx);
	put_max(f, "", &mx);
	series_max(r, 1, &mx);
	put_max(f, "node_", &mx);
	for (size_t m = 0; m < rpt_nmetrics; m++)
		nbars += rpt_metrics[m].bar_label != NULL;
	fprintf(f, "nbars = %zu\narray barname[%zu]\n", nbars, nbars ? nbars : 1);
	write_bar_names(f);
	bar_range(r, &lo, &hi);
	fprintf(f, "bar_ymin = %.6g\nbar_ymax = %.6g\n", lo, hi);
	fprintf(f, "bar_has_base0 = %d\n", bar_has_base0(r));
	/* free.tsv has the kernel's recorded free pages (key kernel_key) */
	fprintf(f, "has_kernel_free = %d\nkernel_key = ", kernel_free);
	put_gp_string(f, RPT_KERNEL_KEY);
	fputc('\n', f);
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
	int ret = -1, kernel_free = 0;

	if (!ddir) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(ddir, n, "%s/data", r->dir);
	if (mkdir(ddir, 0777) && errno != EEXIST) {
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
	f = rpt_create(ddir, "free.tsv", err, errlen);
	if (!f)
		goto out;
	if (write_free(r, f, &kernel_free, err, errlen)) {
		fclose(f);
		goto out;
	}
	if (rpt_close(f, ddir, "free.tsv", err, errlen))
		goto out;
	f = rpt_create(ddir, "params.gp", err, errlen);
	if (!f)
		goto out;
	write_params(r, f, heat_max, kernel_free);
	ret = rpt_close(f, ddir, "params.gp", err, errlen);
out:
	free(ddir);
	return ret;
}
