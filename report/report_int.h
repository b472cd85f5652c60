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

/* ---- one policy's run (report_data.c) ----------------------------------- */
#define RPT_ORDERS 11		/* 0..MAX_PAGE_ORDER */
#define RPT_HUGE_ORDER 9	/* pageblock_order on x86-64 */

/* One sample time, summed over every zone (node-wide counters summed over
 * nodes, each node counted once). */
struct rpt_sample {
	double t;			/* seconds since trace start */
	double free_pages;
	double free_blocks[RPT_ORDERS];	/* nr_free per order */
	double free_ge_o9;		/* free pages in blocks of order >= 9 */
	double unusable_o9;		/* 0..1, from the summed free_area */
	double kswapd_nodes;		/* nodes whose kswapd is awake */
	double direct_reclaims;		/* cumulative, all nodes */
	double compact_stalls;
	double node_reclaims;
	double reclaimed_pages;
	double remote_allocs;
	double allocs;
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
	struct rpt_sample *ts;
	size_t nts;
	struct rpt_lat_point *lat_alloc, *lat_fault;
	size_t nlat_alloc, nlat_fault;
	char **policy_lines;		/* policy.txt */
	size_t npolicy_lines;
};

struct rpt {
	char *dir;
	struct rpt_run *runs;
	size_t nruns;
};

int rpt_load(struct rpt *r, const char *dir, char *err, size_t errlen);
void rpt_free(struct rpt *r);

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
/* Formats a value as the table shows it; "-" when NaN. */
void rpt_format(char *buf, size_t len, double v, enum rpt_kind kind);

/* ---- writers ------------------------------------------------------------ */
/* Creates (0600, truncating) DIR/NAME for writing; NULL with err set. */
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
int rpt_copy_script(const char *dir, const char *name, char *err,
		    size_t errlen);
int rpt_draw(const char *dir, const char *const *names, size_t n, char *err,
	     size_t errlen);

/* The figures, in the order index.html shows them. */
struct rpt_figure {
	const char *name;		/* plots/NAME.gp draws NAME.svg, NAME.png */
	const char *data;		/* the data/ file it reads */
	const char *title;
};
extern const struct rpt_figure rpt_figures[];
extern const size_t rpt_nfigures;

#endif
