/* SPDX-License-Identifier: MIT */
/* Report inputs: policies.tsv and each run's summary.json, timeseries.tsv,
 * latency.tsv, policy.txt (docs/replay-output.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mmtrace/report.h"
#include "report_int.h"

/* Okabe & Ito's colour-blind-safe palette, yellow last (weak on white). */
static const char *const palette[] = {
	"#0072b2", "#d55e00", "#009e73", "#cc79a7",
	"#e69f00", "#56b4e9", "#000000", "#f0e442",
};

const char *mmt_report_colour(unsigned index)
{
	return palette[index % (sizeof(palette) / sizeof(palette[0]))];
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "mmtrace: out of memory\n");
		exit(1);
	}
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "mmtrace: out of memory\n");
		exit(1);
	}
	return p;
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = xrealloc(NULL, n);

	snprintf(p, n, "%s/%s", a, b);
	return p;
}

char *rpt_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* Splits text into lines in place (no "\r\n" left); returns the count. */
static size_t split_lines(char *text, char ***lines)
{
	size_t n = 0, cap = 0;
	char *p = text;

	*lines = NULL;
	while (*p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		if (nl && nl > p && nl[-1] == '\r')
			nl[-1] = 0;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			*lines = xrealloc(*lines, cap * sizeof(**lines));
		}
		(*lines)[n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

/* Splits a line on runs of tabs and spaces, in place. */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (*line && n < max) {
		while (*line == '\t' || *line == ' ')
			*line++ = 0;
		if (!*line)
			break;
		f[n++] = line;
		while (*line && *line != '\t' && *line != ' ')
			line++;
	}
	return n;
}

/* ---- policies.tsv ------------------------------------------------------- */

/* A policy name becomes a directory name and appears in html and gnuplot
 * strings: keep it to a safe, printable set. */
static int name_ok(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int colour_ok(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

/* A policies.tsv colour: "#rrggbb", or a palette index, else the
 * palette colour of the policy's position. */
static const char *palette_colour(const char *colour, unsigned pos)
{
	char *end;
	unsigned long idx;

	if (colour && colour_ok(colour))
		return colour;
	if (colour && *colour >= '0' && *colour <= '9') {
		idx = strtoul(colour, &end, 10);
		if (!*end && idx < 1000)
			return mmt_report_colour((unsigned)idx);
	}
	return mmt_report_colour(pos);
}

static struct rpt_run *add_run(struct rpt *r, const char *name,
			       const char *colour, const char *settings)
{
	struct rpt_run *run;
	char *runs = path_join(r->dir, "runs");

	r->runs = xrealloc(r->runs, (r->nruns + 1) * sizeof(*r->runs));
	run = &r->runs[r->nruns];
	memset(run, 0, sizeof(*run));
	run->name = xstrdup(name);
	run->colour = xstrdup(palette_colour(colour, (unsigned)r->nruns));
	run->settings = xstrdup(settings);
	run->dir = path_join(runs, name);
	run->rel = path_join("runs", name);
	free(runs);
	r->nruns++;
	return run;
}

static int load_policies(struct rpt *r, const char *path, char *err, size_t errlen)
{
	char *text = rpt_read_file(path, NULL, err, errlen);
	char **lines;
	size_t n;

	if (!text)
		return -1;
	n = split_lines(text, &lines);
	for (size_t i = 0; i < n; i++) {
		char *f[4] = { NULL, NULL, NULL, NULL };
		char *p = lines[i];
		size_t nf = 0;

		if (!*p || *p == '#' || (i == 0 && !strncmp(p, "index\t", 6)))
			continue;	/* blank, comment, or the header row */
		/* Tab-separated; settings is the rest of the line. */
		while (nf < 4) {
			f[nf++] = p;
			p = nf < 4 ? strchr(p, '\t') : NULL;
			if (!p)
				break;
			*p++ = 0;
		}
		if (nf < 2 || !name_ok(f[1])) {
			snprintf(err, errlen, "%s: line %zu: expected 'index<TAB>name"
				 "<TAB>colour<TAB>settings'", path, i + 1);
			goto fail;
		}
		for (size_t j = 0; j < r->nruns; j++)
			if (!strcmp(r->runs[j].name, f[1])) {
				snprintf(err, errlen, "%s: line %zu: policy '%s' "
					 "given twice", path, i + 1, f[1]);
				goto fail;
			}
		add_run(r, f[1], f[2], f[3]);
	}
	free(lines);
	free(text);
	if (!r->nruns) {
		snprintf(err, errlen, "%s: no policies", path);
		return -1;
	}
	return 0;
fail:
	free(lines);
	free(text);
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR is the output of one `mmtrace replay`: report that run alone, named
 * after the directory. */
static int lone_run(struct rpt *r, char *err, size_t errlen)
{
	char *sum = path_join(r->dir, "summary.json");
	char *real, *base;
	struct rpt_run *run;
	int found = !access(sum, F_OK);

	free(sum);
	if (!found) {
		snprintf(err, errlen, "%s: no policies.tsv, runs/ or summary.json "
			 "(not a compare or replay output)", r->dir);
		return -1;
	}
	real = realpath(r->dir, NULL);
	base = real ? strrchr(real, '/') : NULL;
	base = base && base[1] ? base + 1 : "run";
	run = add_run(r, name_ok(base) ? base : "run", NULL, "");
	free(real);
	free(run->dir);
	free(run->rel);
	run->dir = xstrdup(r->dir);
	run->rel = xstrdup(".");
	return 0;
}

/* Without policies.tsv: every directory under DIR/runs, sorted by name. */
static int scan_runs(struct rpt *r, char *err, size_t errlen)
{
	char *runs = path_join(r->dir, "runs");
	DIR *d = opendir(runs);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d) {
		free(runs);
		return lone_run(r, err, errlen);
	}
	while ((e = readdir(d))) {
		char *p;
		struct stat st;

		if (e->d_name[0] == '.' || !name_ok(e->d_name))
			continue;
		p = path_join(runs, e->d_name);
		if (!stat(p, &st) && S_ISDIR(st.st_mode)) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
		free(p);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		add_run(r, names[i], NULL, "");
		free(names[i]);
	}
	free(names);
	if (!r->nruns) {
		snprintf(err, errlen, "%s: no policy runs", runs);
		free(runs);
		return -1;
	}
	free(runs);
	return 0;
}

/* ---- timeseries.tsv ----------------------------------------------------- */

enum ts_col {
	TS_T, TS_NODE, TS_ZONE, TS_FREE_PAGES, TS_FREE_GE_O9, TS_KSWAPD,
	TS_KSWAPD_WAKES, TS_DIRECT, TS_COMPACT, TS_NODE_RECLAIMS, TS_RECLAIMED,
	TS_REMOTE, TS_PGALLOC, TS_ALLOC_FAIL, TS_FREE_O0,
	TS_NCOLS = TS_FREE_O0 + RPT_ORDERS
};

static const char *const ts_names[TS_FREE_O0] = {
	"t_s", "node", "zone", "free_pages", "free_ge_o9_pages", "kswapd_active",
	"kswapd_wakes", "direct_reclaims", "compact_stalls", "node_reclaims",
	"reclaimed_pages", "pgalloc_remote", "pgalloc", "alloc_fail",
};

#define TS_MAX_FIELDS 256

static int ts_header(char *line, int *col, const char *path, char *err,
		     size_t errlen)
{
	char *f[TS_MAX_FIELDS];
	size_t n;

	while (*line == '#')
		line++;
	n = split_fields(line, f, TS_MAX_FIELDS);
	for (int c = 0; c < TS_NCOLS; c++)
		col[c] = -1;
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < TS_FREE_O0; c++)
			if (!strcmp(f[i], ts_names[c]))
				col[c] = (int)i;
		if (!strncmp(f[i], "free_o", 6)) {
			char *end;
			long o = strtol(f[i] + 6, &end, 10);
			if (!*end && end != f[i] + 6 && o >= 0 && o < RPT_ORDERS)
				col[TS_FREE_O0 + o] = (int)i;
		}
	}
	if (col[TS_T] < 0 || col[TS_FREE_O0] < 0) {
		snprintf(err, errlen, "%s: header lacks t_s or free_o0..free_o10",
			 path);
		return -1;
	}
	return 0;
}

static double field_num(char **f, size_t nf, int col)
{
	char *end;
	double v;

	if (col < 0 || (size_t)col >= nf)
		return NAN;
	v = strtod(f[col], &end);
	return *end ? NAN : v;
}

/* vmstat's unusable free space index (fill_contig_page_info +
 * __unusable_index) at order 9, on the free_area summed over zones, as a
 * fraction: (free - suitable << 9) / free, 1 when nothing is free. */
static double unusable_o9(const double *blocks)
{
	double free_pages = 0, suitable = 0;

	for (int o = 0; o < RPT_ORDERS; o++) {
		free_pages += ldexp(blocks[o], o);
		if (o >= RPT_HUGE_ORDER)
			suitable += ldexp(blocks[o], o - RPT_HUGE_ORDER);
	}
	if (free_pages <= 0)
		return 1;
	return (free_pages - ldexp(suitable, RPT_HUGE_ORDER)) / free_pages;
}

/* Adds one zone row into sample s.  Node-wide counters repeat on every zone
 * row of a node: take them from the node's first row only. */
static void ts_add_row(struct rpt_sample *s, char **f, size_t nf, const int *col,
		       int first_of_node, int orders_are_pages)
{
	static const int node_cols[] = {
		TS_KSWAPD, TS_KSWAPD_WAKES, TS_DIRECT, TS_COMPACT,
		TS_NODE_RECLAIMS, TS_RECLAIMED, TS_REMOTE, TS_PGALLOC,
		TS_ALLOC_FAIL,
	};
	double *node_vals[] = {
		&s->kswapd_nodes, &s->kswapd_wakes, &s->direct_reclaims,
		&s->compact_stalls, &s->node_reclaims, &s->reclaimed_pages,
		&s->pgalloc_remote, &s->pgalloc, &s->alloc_fail,
	};
	double ge = 0;

	for (int o = 0; o < RPT_ORDERS; o++) {
		double v = field_num(f, nf, col[TS_FREE_O0 + o]);
		if (orders_are_pages)
			v = ldexp(v, -o);
		s->free_blocks[o] += v;
		if (o >= RPT_HUGE_ORDER)
			ge += ldexp(v, o);
	}
	s->free_pages += field_num(f, nf, col[TS_FREE_PAGES]);
	s->free_ge_o9 += col[TS_FREE_GE_O9] >= 0 ?
		field_num(f, nf, col[TS_FREE_GE_O9]) : ge;
	if (!first_of_node)
		return;
	for (size_t i = 0; i < sizeof(node_cols) / sizeof(node_cols[0]); i++)
		*node_vals[i] += field_num(f, nf, col[node_cols[i]]);
}

/* The contract says free_oN counts free blocks (nr_free); accept a file
 * that counts pages instead, recognised by free_pages = sum free_oN. */
static int ts_orders_are_pages(char **f, size_t nf, const int *col)
{
	double total = field_num(f, nf, col[TS_FREE_PAGES]);
	double as_blocks = 0, as_pages = 0;

	for (int o = 0; o < RPT_ORDERS; o++) {
		double v = field_num(f, nf, col[TS_FREE_O0 + o]);
		as_pages += v;
		as_blocks += ldexp(v, o);
	}
	return isfinite(total) && total != as_blocks && total == as_pages;
}

/* The zone rows already summed into the current sample. */
#define TS_MAX_ZONES 256
struct ts_group {
	double node[TS_MAX_ZONES];
	const char *zone[TS_MAX_ZONES];
	size_t n;
};

static int same_node(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* Whether node/zone already has a row in the group (then the row starts a
 * new sample: a replay may write its final sample twice at one time). */
static int ts_group_has(const struct ts_group *g, double node, const char *zone)
{
	for (size_t j = 0; j < g->n; j++)
		if (same_node(g->node[j], node) && zone && g->zone[j] &&
		    !strcmp(g->zone[j], zone))
			return 1;
	return 0;
}

/* Adds the row's key; returns whether it is the node's first row. */
static int ts_group_add(struct ts_group *g, double node, const char *zone)
{
	int first = 1;

	for (size_t j = 0; j < g->n; j++)
		if (same_node(g->node[j], node))
			first = 0;
	if (g->n < TS_MAX_ZONES) {
		g->node[g->n] = node;
		g->zone[g->n++] = zone;
	}
	return first;
}

/* A new sample (of the host, and of each node when there are several). */
static struct rpt_sample *ts_new_sample(struct rpt_run *run, size_t *cap,
					double t)
{
	struct rpt_sample *s;
	int nn = run->nnodes > 1 ? run->nnodes : 0;

	if (run->nts == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		run->ts = xrealloc(run->ts, *cap * sizeof(*run->ts));
		if (nn)
			run->node_ts = xrealloc(run->node_ts, *cap * (size_t)nn *
						sizeof(*run->node_ts));
	}
	for (int n = 0; n < nn; n++) {
		s = &run->node_ts[run->nts * (size_t)nn + (size_t)n];
		memset(s, 0, sizeof(*s));
		s->t = t;
	}
	s = &run->ts[run->nts++];
	memset(s, 0, sizeof(*s));
	s->t = t;
	return s;
}

/* The nodes a timeseries.tsv holds: 1 + the largest node id; -1 with err
 * set when an id is not a small non-negative integer. */
static int ts_count_nodes(char **lines, size_t n, const int *col,
			  const char *path, char *err, size_t errlen)
{
	int nodes = 1;

	if (col[TS_NODE] < 0)
		return 1;
	for (size_t i = 1; i < n; i++) {
		const char *p = lines[i] + strspn(lines[i], "\t ");
		char *end;

		if (!p[0] || p[0] == '#')
			continue;
		/* read the node field in place: the line is split later */
		for (int c = 0; c < col[TS_NODE] && *p; c++) {
			p += strcspn(p, "\t ");
			p += strspn(p, "\t ");
		}
		long v = strtol(p, &end, 10);
		if (end == p || (*end && *end != '\t' && *end != ' ') || v < 0 ||
		    v >= RPT_MAX_NODES) {
			snprintf(err, errlen, "%s: line %zu: bad node (want 0..%d)",
				 path, i + 1, RPT_MAX_NODES - 1);
			return -1;
		}
		if ((int)v + 1 > nodes)
			nodes = (int)v + 1;
	}
	return nodes;
}

static int load_timeseries(struct rpt_run *run, char *err, size_t errlen)
{
	char *path = path_join(run->dir, "timeseries.tsv");
	char *text = rpt_read_file(path, NULL, err, errlen);
	char **lines = NULL;
	size_t n, cap = 0;
	int col[TS_NCOLS], pages = -1, ret = -1;
	struct ts_group g = { .n = 0 };

	if (!text)
		goto out;
	n = split_lines(text, &lines);
	if (n == 0) {
		snprintf(err, errlen, "%s: empty (no header line)", path);
		goto out;
	}
	/* the header: column names ('#' first in files of older versions) */
	if (ts_header(lines[0], col, path, err, errlen))
		goto out;
	run->nnodes = ts_count_nodes(lines, n, col, path, err, errlen);
	if (run->nnodes < 0)
		goto out;
	for (size_t i = 1; i < n; i++) {
		char *f[TS_MAX_FIELDS];
		const char *zone;
		size_t nf;
		double t, node;
		struct rpt_sample *s;

		if (!lines[i][0] || lines[i][0] == '#')
			continue;
		nf = split_fields(lines[i], f, TS_MAX_FIELDS);
		t = field_num(f, nf, col[TS_T]);
		if (!isfinite(t)) {
			snprintf(err, errlen, "%s: line %zu: bad t_s", path, i + 1);
			goto out;
		}
		if (run->nts && t < run->ts[run->nts - 1].t) {
			snprintf(err, errlen, "%s: line %zu: time goes backwards",
				 path, i + 1);
			goto out;
		}
		if (pages < 0)
			pages = ts_orders_are_pages(f, nf, col);
		node = field_num(f, nf, col[TS_NODE]);
		zone = col[TS_ZONE] >= 0 && (size_t)col[TS_ZONE] < nf ?
		       f[col[TS_ZONE]] : NULL;
		if (!run->nts || run->ts[run->nts - 1].t != t ||
		    ts_group_has(&g, node, zone)) {
			ts_new_sample(run, &cap, t);
			g.n = 0;
		}
		s = &run->ts[run->nts - 1];
		int first = ts_group_add(&g, node, zone);
		ts_add_row(s, f, nf, col, first, pages > 0);
		if (run->nnodes > 1)	/* node is 0..nnodes-1 (counted above) */
			ts_add_row(&run->node_ts[(run->nts - 1) * (size_t)run->nnodes +
						 (size_t)node],
				   f, nf, col, first, pages > 0);
	}
	for (size_t i = 0; i < run->nts; i++)
		run->ts[i].unusable_o9 = unusable_o9(run->ts[i].free_blocks);
	for (size_t i = 0; run->nnodes > 1 && i < run->nts * (size_t)run->nnodes; i++)
		run->node_ts[i].unusable_o9 = unusable_o9(run->node_ts[i].free_blocks);
	ret = 0;
out:
	free(lines);
	free(text);
	free(path);
	return ret;
}

/* ---- latency.tsv -------------------------------------------------------- */

static void lat_push(struct rpt_lat_point **v, size_t *n, struct rpt_lat_point p)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = p;
}

static int load_latency(struct rpt_run *run, char *err, size_t errlen)
{
	char *path = path_join(run->dir, "latency.tsv");
	char *text = rpt_read_file(path, NULL, err, errlen);
	char **lines = NULL;
	size_t n;
	int ret = -1;

	if (!text)
		goto out;
	n = split_lines(text, &lines);
	for (size_t i = 0; i < n; i++) {
		char *f[8];
		size_t nf;
		struct rpt_lat_point p;

		if (!lines[i][0] || lines[i][0] == '#' ||
		    (i == 0 && !strncmp(lines[i], "op\t", 3)))
			continue;	/* blank, comment, or the header row */
		nf = split_fields(lines[i], f, 8);
		p.lo_ns = field_num(f, nf, 1);
		p.hi_ns = field_num(f, nf, 2);
		p.count = field_num(f, nf, 3);
		p.cdf = field_num(f, nf, 4);
		if (nf < 5 || !isfinite(p.lo_ns) || !isfinite(p.hi_ns) ||
		    !isfinite(p.count) || !isfinite(p.cdf)) {
			snprintf(err, errlen, "%s: line %zu: expected 'op lo_ns "
				 "hi_ns count cdf'", path, i + 1);
			goto out;
		}
		if (!strcmp(f[0], "alloc"))
			lat_push(&run->lat_alloc, &run->nlat_alloc, p);
		else if (!strcmp(f[0], "fault"))
			lat_push(&run->lat_fault, &run->nlat_fault, p);
	}
	ret = 0;
out:
	free(lines);
	free(text);
	free(path);
	return ret;
}

/* ---- summary.json, policy.txt ------------------------------------------- */

static int load_summary(struct rpt_run *run, char *err, size_t errlen)
{
	char *path = path_join(run->dir, "summary.json");
	size_t len;
	char *text = rpt_read_file(path, &len, err, errlen);
	char why[128];
	int ret = -1;

	if (!text)
		goto out;
	run->summary = rj_parse(text, len, why, sizeof(why));
	if (!run->summary) {
		snprintf(err, errlen, "%s: corrupt JSON: %s", path, why);
		goto out;
	}
	if (run->summary->type != RJ_OBJECT) {
		snprintf(err, errlen, "%s: not a JSON object", path);
		goto out;
	}
	ret = 0;
out:
	free(text);
	free(path);
	return ret;
}

/* policy.txt is optional: settings are also in policies.tsv. */
static void load_policy_txt(struct rpt_run *run)
{
	char *path = path_join(run->dir, "policy.txt");
	char err[64];
	char *text = rpt_read_file(path, NULL, err, sizeof(err));
	char **lines;
	size_t n;

	free(path);
	if (!text)
		return;
	n = split_lines(text, &lines);
	for (size_t i = 0; i < n; i++) {
		if (!lines[i][0])
			continue;
		run->policy_lines = xrealloc(run->policy_lines,
			(run->npolicy_lines + 1) * sizeof(char *));
		run->policy_lines[run->npolicy_lines++] = xstrdup(lines[i]);
	}
	free(lines);
	free(text);
}

int rpt_load_run(struct rpt_run *run, char *err, size_t errlen)
{
	struct stat st;

	if (stat(run->dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: no replay output for policy '%s'",
			 run->dir, run->name);
		return -1;
	}
	if (load_summary(run, err, errlen) || load_timeseries(run, err, errlen) ||
	    load_latency(run, err, errlen))
		return -1;
	load_policy_txt(run);
	return 0;
}

int rpt_load(struct rpt *r, const char *dir, char *err, size_t errlen)
{
	struct stat st;
	char *pol;
	int ret;

	memset(r, 0, sizeof(*r));
	if (stat(dir, &st)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	r->dir = xstrdup(dir);
	pol = path_join(dir, "policies.tsv");
	if (!access(pol, F_OK))
		ret = load_policies(r, pol, err, errlen);
	else
		ret = scan_runs(r, err, errlen);
	free(pol);
	for (size_t i = 0; !ret && i < r->nruns; i++) {
		ret = rpt_load_run(&r->runs[i], err, errlen);
		if (!ret && r->runs[i].nnodes > r->nnodes)
			r->nnodes = r->runs[i].nnodes;
	}
	if (ret)
		rpt_free(r);
	return ret;
}

void rpt_free_run(struct rpt_run *run)
{
	free(run->name);
	free(run->colour);
	free(run->settings);
	free(run->dir);
	free(run->rel);
	rj_free(run->summary);
	free(run->ts);
	free(run->node_ts);
	free(run->lat_alloc);
	free(run->lat_fault);
	for (size_t j = 0; j < run->npolicy_lines; j++)
		free(run->policy_lines[j]);
	free(run->policy_lines);
	memset(run, 0, sizeof(*run));
}

void rpt_free(struct rpt *r)
{
	for (size_t i = 0; i < r->nruns; i++)
		rpt_free_run(&r->runs[i]);
	free(r->runs);
	free(r->dir);
	memset(r, 0, sizeof(*r));
}

double rpt_unusable_mean(const struct rpt_run *run)
{
	double sum = 0, span;

	if (!run->nts)
		return NAN;
	span = run->ts[run->nts - 1].t - run->ts[0].t;
	if (span <= 0)
		return run->ts[run->nts - 1].unusable_o9;
	/* Each sample holds until the next one (a step function). */
	for (size_t i = 0; i + 1 < run->nts; i++)
		sum += run->ts[i].unusable_o9 * (run->ts[i + 1].t - run->ts[i].t);
	return sum / span;
}

/* ---- output files --------------------------------------------------------- */

FILE *rpt_create(const char *dir, const char *name, char *err, size_t errlen)
{
	char *path = path_join(dir, name);
	/* the umask decides who may read the report (traces stay 0600) */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	free(path);
	return f;
}

int rpt_close(FILE *f, const char *dir, const char *name, char *err, size_t errlen)
{
	int bad = ferror(f);

	if (fclose(f) || bad) {
		snprintf(err, errlen, "%s/%s: write error: %s", dir, name,
			 strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
