/* SPDX-License-Identifier: MIT */
/* Internal to the report renderer (report/report*.c): the parsed inputs of
 * a compare directory and the writers that turn them into data, tables,
 * html and figures.  Not a public API. */
#ifndef MMTRACE_REPORT_INT_H
#define MMTRACE_REPORT_INT_H

#include <stdio.h>
#include <stddef.h>

/* ---- JSON (report_json.c): enough for summary.json ---------------------- */
enum rj_type { RJ_NULL, RJ_BOOL, RJ_NUMBER, RJ_STRING, RJ_ARRAY, RJ_OBJECT };

struct rj_value {
	enum rj_type type;
	double num;			/* RJ_NUMBER, RJ_BOOL (0/1) */
	char *str;			/* RJ_STRING */
	size_t n;			/* RJ_ARRAY, RJ_OBJECT: members */
	char **keys;			/* RJ_OBJECT: n keys */
	struct rj_value **items;	/* RJ_ARRAY, RJ_OBJECT: n values */
};

/* Parses one JSON document.  NULL on error, with the byte offset of the
 * problem and a short reason in err. */
struct rj_value *rj_parse(const char *text, size_t len, char *err, size_t errlen);
void rj_free(struct rj_value *v);
/* Member of an object by key, NULL if v is not an object or has no key. */
const struct rj_value *rj_get(const struct rj_value *v, const char *key);
/* Number at a dotted path ("latency_ns.p99"), NaN if absent or not a number. */
double rj_num(const struct rj_value *v, const char *path);
/* String at a key, NULL if absent or not a string. */
const char *rj_str(const struct rj_value *v, const char *key);
/* As rj_num: a string at a dotted path ("latency_ns.source"). */
const char *rj_str_path(const struct rj_value *v, const char *path);

/* ---- one policy's run (report_data.c) ----------------------------------- */
#define RPT_ORDERS 11		/* 0..MAX_PAGE_ORDER */
#define RPT_HUGE_ORDER 9	/* pageblock_order on x86-64 */
#define RPT_MAX_NODES 64	/* node ids a timeseries.tsv may hold */
/* free.tsv's key of the kernel's recorded free pages (not a policy name:
 * those have no spaces) */
#define RPT_KERNEL_KEY "kernel (recorded)"

/* One sample time of a node, or of the whole host: the zones' rows summed
 * (node-wide counters taken once per node).  Counts are whole numbers;
 * NaN where the run's file lacks the column. */
struct rpt_sample {
	double t;			/* seconds since trace start */
	double free_pages;
	double free_blocks[RPT_ORDERS];	/* nr_free per order */
	double free_ge_o9;		/* free pages in blocks of order >= 9 */
	double unusable_o9;		/* 0..1, from the summed free_area */
	double kswapd_nodes;		/* nodes whose kswapd is awake */
	/* cumulative since the trace's start: the model's counters that
	 * summary.json reports (kswapd_wakes, direct_reclaim_stalls, ...) */
	double kswapd_wakes;
	double direct_reclaims;
	double compact_stalls;
	double node_reclaims;
	double reclaimed_pages;
	double pgalloc_remote;		/* pages */
	double pgalloc;			/* pages */
	double alloc_fail;
};

struct rpt_lat_point {
	double lo_ns, hi_ns, count, cdf;
};

struct rpt_run {
	char *name;
	char *colour;			/* "#rrggbb" */
	char *settings;			/* as given in policies.tsv */
	char *dir;			/* DIR/runs/NAME (or DIR for a lone run) */
	char *rel;			/* the same relative to DIR: runs/NAME or . */
	struct rj_value *summary;
	struct rpt_sample *ts;		/* the whole host: every node summed */
	size_t nts;
	/* Nodes in timeseries.tsv (ids 0..nnodes-1); with more than one,
	 * node_ts[i * nnodes + n] is sample i of node n (times as ts). */
	int nnodes;
	struct rpt_sample *node_ts;
	struct rpt_lat_point *lat_alloc, *lat_fault;
	size_t nlat_alloc, nlat_fault;
	char **policy_lines;		/* policy.txt */
	size_t npolicy_lines;
};

struct rpt {
	char *dir;
	struct rpt_run *runs;
	size_t nruns;
	int nnodes;			/* the most nodes of any run */
};

int rpt_load(struct rpt *r, const char *dir, char *err, size_t errlen);
void rpt_free(struct rpt *r);
/* One run: run->name and run->dir set, the rest zero; loads its
 * summary.json, timeseries.tsv, latency.tsv and policy.txt. */
int rpt_load_run(struct rpt_run *run, char *err, size_t errlen);
void rpt_free_run(struct rpt_run *run);

/* Time-weighted mean of the order-9 unusable index, NaN without samples. */
double rpt_unusable_mean(const struct rpt_run *run);

/* Reads a whole file (NUL-terminated); NULL with "PATH: reason" in err. */
char *rpt_read_file(const char *path, size_t *len, char *err, size_t errlen);

/* ---- metrics of the summary table and chart (report_table.c) ----------- */
enum rpt_kind { RPT_COUNT, RPT_NS, RPT_FRAC, RPT_PCT };

struct rpt_metric {
	const char *label;		/* "alloc latency p99" */
	const char *unit;		/* "ns", "count", ... */
	const char *key;		/* summary.json path */
	enum rpt_kind kind;
	int higher_better;
	const char *bar_label;		/* short label in the chart, NULL: not shown */
	int optional;			/* row left out when no policy has a value */
};
extern const struct rpt_metric rpt_metrics[];
extern const size_t rpt_nmetrics;

/* The metric's value for a run (NaN when unknown); some fall back on the
 * time series when summary.json lacks them. */
double rpt_metric_value(const struct rpt_run *run, const struct rpt_metric *m);
/* value / base, with 0/0 = 1; NaN when undefined. */
double rpt_ratio(double value, double base);
/* Whether the table shows the metric (optional rows need some value). */
int rpt_metric_shown(const struct rpt *r, const struct rpt_metric *m);
/* The metric's unit, with where its values come from when the first
 * run says so (the modelled latencies: "ns, model default"). */
const char *rpt_metric_unit(const struct rpt *r, const struct rpt_metric *m,
			    char *buf, size_t len);
/* Formats a value as the table shows it; "-" when NaN. */
void rpt_format(char *buf, size_t len, double v, enum rpt_kind kind);
/* A value as summary.tsv holds it: tab first; counts and ns whole,
 * fractions with 6 decimals, nothing when NaN. */
void rpt_put_tsv_value(FILE *f, double v, enum rpt_kind kind);

/* ---- the whole report (report.c, sweep.c) ---------------------------- */
/* Renders DIR as `mmtrace report DIR` does (figures: run gnuplot). */
int rpt_render(const char *dir, int figures, char *err, size_t errlen);
/* DIR holds sweep.tsv (mmtrace sweep): a report per trace folder whose
 * runs are all there, and the merged table of every run; -1 (after
 * writing what it could) when runs are missing or a report failed. */
int rpt_render_sweep(const char *dir, int figures, char *err, size_t errlen);

/* ---- writers ------------------------------------------------------------ */
/* Creates (0666 less the umask, truncating) DIR/NAME for writing; NULL
 * with err set. */
FILE *rpt_create(const char *dir, const char *name, char *err, size_t errlen);
/* Closes f, reporting a write error (ENOSPC ...) on the named file. */
int rpt_close(FILE *f, const char *dir, const char *name, char *err, size_t errlen);

/* report_data.c: DIR/data/NAME.tsv and DIR/data/params.gp */
int rpt_write_data(const struct rpt *r, char *err, size_t errlen);
/* report_table.c: summary.md, summary.txt; the HTML table for index.html */
int rpt_write_tables(const struct rpt *r, char *err, size_t errlen);
void rpt_html_table(const struct rpt *r, FILE *f);
/* report_html.c: index.html; figures_ok says whether figures were drawn,
 * note is a line shown when they were not. */
int rpt_write_html(const struct rpt *r, int figures_ok, const char *note,
		   char *err, size_t errlen);
void rpt_html_escape(FILE *f, const char *s);
/* Writes s percent-encoded for an href (keeps '/'). */
void rpt_html_url(FILE *f, const char *s);

/* Generated from plots/NAME.gp by the Makefile (scripts/embed-plots.sh). */
struct rpt_script {
	const char *name;		/* "frag.gp" */
	const char *text;
};
extern const struct rpt_script rpt_embedded_scripts[];
extern const size_t rpt_n_embedded_scripts;

/* report.c: copies plots/NAME.gp (from $MMTRACE_PLOTS, next to the
 * executable, or built in) into DIR/plots/; draws NAME.svg and NAME.png
 * in DIR for each name with gnuplot (DIR/gnuplot.log on failure). */
/* report_zonefree.c: data/zonefree_N.tsv and zonefree_params.gp for
 * plots/zonefree.gp from the validate runs' zone_free.tsv; the number of
 * settings groups written (0: no run has samples, no figure), or -1 with
 * err set. */
int rpt_zonefree_data(const struct rj_value *json, const char *dir,
		      char *err, size_t errlen);
/* The kernel's free pages of RUNDIR/zone_free.tsv (every zone summed at
 * each sample) as free.tsv rows keyed KEY: 1, 0 none, -1 err set. */
int rpt_zonefree_kernel(const char *rundir, const char *key, FILE *out,
			char *err, size_t errlen);
int rpt_copy_script(const char *dir, const char *name, char *err,
		    size_t errlen);
int rpt_draw(const char *dir, const char *const *names, size_t n, char *err,
	     size_t errlen);

/* The figures, in the order index.html shows them. */
struct rpt_figure {
	const char *name;		/* plots/NAME.gp draws NAME.svg, NAME.png */
	const char *data;		/* the data/ file it reads */
	const char *title;		/* says what it sums */
	int per_node;			/* one panel per node: drawn only when a
					 * run has more than one node */
};
extern const struct rpt_figure rpt_figures[];
extern const size_t rpt_nfigures;
/* Whether the report draws figure fg (per-node figures need nodes). */
int rpt_figure_drawn(const struct rpt *r, const struct rpt_figure *fg);

#endif
