/* SPDX-License-Identifier: MIT */
/*
 * mmtrace diff: real captures side by side (two kernels, before and after
 * a sysctl, two hosts), mmtests compare-kernels style.  Each operand is
 * one side, "[LABEL=]A.mmt[,A2.mmt...]": several captures of a side are
 * repeated runs, shown as mean and sample standard deviation; each side
 * after the first gets its ratio to the first and a significance marker
 * from Welch's t-test (welch.c): "*" p < 0.05, "**" p < 0.01, none when
 * the difference is within the runs' spread, "-" when a side has fewer
 * than two captures (no spread to test against).
 *
 * The metrics are what the captures observed, not a replay: rates from
 * the events (stat's engine, stat_agg.c) and, where both snapshots are
 * there, the kernel's own vmstat counters over the capture and the
 * unusable free space index at order 9 at its end (mm/vmstat.c).
 * Damage and exit status: mmt_cmd_damage_help (traces/cli.c); 2 also
 * for an -o DIR that is not empty without --force.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "mmtrace/cmd.h"
#include "stat.h"
#include "welch.h"

#define MAX_SIDES 16
#define MAX_RUNS 64

enum { M_DUR, M_PALLOC, M_PAGES, M_PFREE, M_SLAB, M_SLABB, M_FAULT, M_FALLB,
       M_DRECL, M_RECL, M_CTRY, M_KSWAPD, M_LIVE, M_V_STALL, M_V_CSTALL,
       M_V_SCANK, M_V_SCAND, M_V_STEAL, M_V_THP, M_V_THPF, M_UI9, M__N };

static const struct { const char *name, *unit; } metric[M__N] = {
	{ "duration", "s" },
	{ "page alloc requests", "/s" },
	{ "pages allocated", "/s" },
	{ "page free requests", "/s" },
	{ "slab allocations", "/s" },
	{ "slab bytes allocated", "B/s" },
	{ "page faults", "/s" },
	{ "migratetype fallbacks", "count" },
	{ "direct reclaim entries", "count" },
	{ "pages reclaimed (traced)", "pages" },
	{ "direct compaction tries", "count" },
	{ "kswapd wakes", "count" },
	{ "pages still allocated at end", "pages" },
	{ "vmstat allocstall_*", "delta" },
	{ "vmstat compact_stall", "delta" },
	{ "vmstat pgscan_kswapd", "delta" },
	{ "vmstat pgscan_direct", "delta" },
	{ "vmstat pgsteal_*", "delta" },
	{ "vmstat thp_fault_alloc", "delta" },
	{ "vmstat thp_fault_fallback", "delta" },
	{ "unusable index o9, end", "0..1" },
};

struct side {
	char label[64];
	int n;
	double v[M__N][MAX_RUNS];
	int have[M__N];			/* runs with the metric */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmtrace diff [-o DIR] [LABEL=]A.mmt[,A2.mmt...] [LABEL=]B.mmt[,...] ...\n"
		"Put the observed metrics of several real captures side by side (two\n"
		"kernels, before and after a sysctl, two hosts), in the style of mmtests'\n"
		"compare-kernels.  Each operand is one side; captures joined by commas are\n"
		"repeated runs of it, shown as mean and standard deviation.  Sides after\n"
		"the first show their ratio to it and a mark from Welch's t-test: * for\n"
		"p < 0.05, ** for p < 0.01, - when a side has one capture.\n\n"
		"  -o, --output DIR   also write DIR/diff.tsv (one header row) and DIR/diff.md\n"
		"                     (refused when DIR exists and is not empty)\n"
		"  -f, --force        write into a DIR that is not empty\n"
		"  -h, --help         this help\n\n"
		"Metrics: event rates (page and slab allocations, frees, faults),\n"
		"fallbacks, reclaim and compaction entries from the events; the kernel's\n"
		"vmstat deltas and the order-9 unusable index at the end from the\n"
		"snapshots (imported captures have none: those rows stay empty).\n\n"
		"%s\n"
		"EXAMPLES\n"
		"  A capture against itself (the same numbers twice):\n"
		"    mmtrace diff base=trace.mmt again=trace.mmt\n"
		"  Three runs per side, with a report folder:\n"
		"    mmtrace diff -o cmp wsf10=trace.mmt,trace.mmt,trace.mmt wsf200=trace.mmt,trace.mmt\n",
		mmt_cmd_damage_help);
}

static double vmstat(const struct mmt_snapshot *s, const char *name, int prefix)
{
	double v = 0;

	for (uint32_t i = 0; i < s->nr_vmstat; i++)
		if (prefix ? !strncmp(s->vmstat[i].name, name, strlen(name)) :
			     !strcmp(s->vmstat[i].name, name))
			v += strtod(s->vmstat[i].value, NULL);
	return v;
}

/* mm/vmstat.c unusable_free_index() for order 9 over every zone. */
static double unusable_o9(const struct mmt_snapshot *s)
{
	double free = 0, suitable = 0;

	for (int n = 0; n < 8; n++)
		for (int z = 0; z < MMT_MAX_ZONE_TYPES; z++)
			for (int o = 0; o < MMT_NR_ORDERS; o++) {
				double k = (double)s->buddyinfo[n][z][o];

				free += k * (double)(1u << o);
				if (o >= 9)
					suitable += k * (double)(1u << (o - 9));
			}
	return free > 0 ? (free - suitable * 512) / free : 1;
}

/* One capture's metrics into the side.  0, 3 when the capture was
 * truncated or damaged (measured from what was readable, said on stderr),
 * or -1 when it could not be measured (*rc then the exit status). */
static int measure(const char *path, struct side *sd, int *rc_open)
{
	struct mmt_filter flt;
	struct kmstat s;
	char err[512];
	int k = sd->n, rc = 0;
	struct mmt_reader *r = mmt_cmd_open_trace("diff", path, rc_open);

	if (!r)
		return -1;
	*rc_open = 1;
	mmt_filter_init(&flt);
	if (mmt_filter_bind(&flt, r, err, sizeof(err)) || stat_init(&s, r, &flt)) {
		fprintf(stderr, "mmtrace diff: %s: out of memory\n", path);
		mmt_reader_close(r);
		return -1;
	}
	if (stat_run(&s, r, 0)) {
		fprintf(stderr, "mmtrace diff: %s\n", mmt_reader_error(r));
		rc = -1;
	} else {
		stat_finish(&s);
		const struct mmt_snapshot *a = mmt_reader_snapshot(r, 0);
		const struct mmt_snapshot *b = mmt_reader_snapshot(r, 1);
		double d = (double)(s.last_ts - s.first_ts) / 1e9;
		double per = d > 0 ? 1 / d : 0;
		double *v[M__N];

		for (int m = 0; m < M__N; m++)
			v[m] = &sd->v[m][k];
		*v[M_DUR] = d;
		*v[M_PALLOC] = (double)s.page_allocs * per;
		*v[M_PAGES] = (double)s.page_alloc_pages * per;
		*v[M_PFREE] = (double)s.page_frees * per;
		*v[M_SLAB] = (double)s.slab_allocs * per;
		*v[M_SLABB] = (double)s.bytes_alloc * per;
		*v[M_FAULT] = (double)(s.faults_user + s.faults_kernel) * per;
		*v[M_FALLB] = 0;
		for (int x = 0; x < STAT_MT; x++)
			for (int y = 0; y < STAT_MT; y++)
				*v[M_FALLB] += (double)s.fallback[x][y];
		*v[M_DRECL] = (double)s.direct_reclaims;
		*v[M_RECL] = (double)s.reclaimed;
		*v[M_CTRY] = (double)s.compact_tries;
		*v[M_KSWAPD] = (double)s.kswapd_wakes;
		*v[M_LIVE] = (double)s.leak_pages;
		for (int m = 0; m < M_V_STALL; m++)
			sd->have[m]++;
		if (a && b) {
			*v[M_V_STALL] = vmstat(b, "allocstall_", 1) - vmstat(a, "allocstall_", 1);
			*v[M_V_CSTALL] = vmstat(b, "compact_stall", 0) - vmstat(a, "compact_stall", 0);
			*v[M_V_SCANK] = vmstat(b, "pgscan_kswapd", 0) - vmstat(a, "pgscan_kswapd", 0);
			*v[M_V_SCAND] = vmstat(b, "pgscan_direct", 0) - vmstat(a, "pgscan_direct", 0);
			*v[M_V_STEAL] = vmstat(b, "pgsteal_", 1) - vmstat(a, "pgsteal_", 1);
			*v[M_V_THP] = vmstat(b, "thp_fault_alloc", 0) - vmstat(a, "thp_fault_alloc", 0);
			*v[M_V_THPF] = vmstat(b, "thp_fault_fallback", 0) -
				       vmstat(a, "thp_fault_fallback", 0);
			*v[M_UI9] = unusable_o9(b);
			for (int m = M_V_STALL; m < M__N; m++)
				sd->have[m]++;
		}
		sd->n++;
		rc = mmt_cmd_damage_status("diff", r);
	}
	stat_free(&s);
	mmt_filter_free(&flt);
	mmt_reader_close(r);
	return rc;
}

static int parse_side(const char *arg, struct side *sd, int *damaged)
{
	const char *eq = strchr(arg, '='), *p = eq ? eq + 1 : arg;
	char path[4096];

	memset(sd, 0, sizeof(*sd));
	if (eq)
		snprintf(sd->label, sizeof(sd->label), "%.*s", (int)(eq - arg), arg);
	else
		snprintf(sd->label, sizeof(sd->label), "%.*s", (int)strcspn(arg, ","), arg);
	while (*p) {
		size_t n = strcspn(p, ",");

		if (!n || n >= sizeof(path) || sd->n == MAX_RUNS) {
			fprintf(stderr, "mmtrace diff: '%s': bad list of captures\n", arg);
			return 2;
		}
		memcpy(path, p, n);
		path[n] = 0;
		int rc, m = measure(path, sd, &rc);

		if (m < 0)
			return rc;
		if (m)
			*damaged = 1;
		p += n + (p[n] == ',');
	}
	return sd->n ? 0 : 2;
}

/* One cell: "mean ± sd" (or the value of a lone run). */
static void cell(char *buf, size_t len, const struct welch_group *g, int have)
{
	if (!have)
		snprintf(buf, len, "-");
	else if (g->n > 1)
		snprintf(buf, len, "%.4g ± %.2g", g->mean, g->sd);
	else
		snprintf(buf, len, "%.4g", g->mean);
}

static const char *mark(double p)
{
	return p < 0 ? "-" : p < 0.01 ? "**" : p < 0.05 ? "*" : "";
}

static void table(struct side *sides, int ns, FILE *out, FILE *tsv, FILE *md)
{
	char c[64];

	fprintf(out, "%-30s %-6s", "metric", "unit");
	for (int s = 0; s < ns; s++)
		fprintf(out, " %28s", sides[s].label);
	fprintf(out, "\n");
	if (tsv)
		fprintf(tsv, "metric\tunit\tside\tn\tmean\tsd\tratio\tp\n");
	if (md) {
		fprintf(md, "| metric | unit |");
		for (int s = 0; s < ns; s++)
			fprintf(md, " %s (n=%d) |", sides[s].label, sides[s].n);
		fprintf(md, "\n|:--|:--|");
		for (int s = 0; s < ns; s++)
			fprintf(md, "--:|");
		fprintf(md, "\n");
	}
	for (int m = 0; m < M__N; m++) {
		struct welch_group g0;

		welch_summary(sides[0].v[m], sides[0].have[m] ? sides[0].n : 0, &g0);
		fprintf(out, "%-30s %-6s", metric[m].name, metric[m].unit);
		if (md)
			fprintf(md, "| %s | %s |", metric[m].name, metric[m].unit);
		for (int s = 0; s < ns; s++) {
			struct welch_group g;
			int have = sides[s].have[m] == sides[s].n;
			char full[128];

			welch_summary(sides[s].v[m], have ? sides[s].n : 0, &g);
			cell(c, sizeof(c), &g, have);
			double p = s && have && sides[0].have[m] ? welch_p(&g0, &g) : -1;
			double ratio = g0.mean != 0 ? g.mean / g0.mean : (g.mean == 0 ? 1 : INFINITY);

			if (s && have)
				snprintf(full, sizeof(full), "%s (%.2f)%s", c, ratio, mark(p));
			else
				snprintf(full, sizeof(full), "%s", c);
			fprintf(out, " %28s", full);
			if (md)
				fprintf(md, " %s |", full);
			if (tsv && have)
				fprintf(tsv, "%s\t%s\t%s\t%d\t%.6g\t%.6g\t%.6g\t%s\n", metric[m].name,
					metric[m].unit, sides[s].label, g.n, g.mean, g.sd,
					s ? ratio : 1.0, p < 0 ? "" : (snprintf(c, sizeof(c), "%.4g", p), c));
		}
		fprintf(out, "\n");
		if (md)
			fprintf(md, "\n");
	}
}

int cmd_diff(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct side sides[MAX_SIDES];
	const char *dir = NULL;
	int c, ns = 0, rc, damaged = 0, force = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:fh", lo, NULL)) != -1) {
		if (c == 'o') {
			dir = optarg;
		} else if (c == 'f') {
			force = 1;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2 || argc - optind > MAX_SIDES) {
		fprintf(stderr, "mmtrace diff: needs 2 to %d sides (see --help)\n", MAX_SIDES);
		return 2;
	}
	if (dir && (rc = mmt_cmd_check_outdir("diff", dir, force)))
		return rc;
	for (int i = optind; i < argc; i++)
		if ((rc = parse_side(argv[i], &sides[ns++], &damaged)))
			return rc;
	FILE *tsv = NULL, *md = NULL;
	if (dir) {
		char p[4096];

		if (mkdir(dir, 0777) && errno != EEXIST) {
			fprintf(stderr, "mmtrace diff: -o %s: %s\n", dir, strerror(errno));
			return 1;
		}
		snprintf(p, sizeof(p), "%s/diff.tsv", dir);
		tsv = fopen(p, "w");
		snprintf(p, sizeof(p), "%s/diff.md", dir);
		md = fopen(p, "w");
		if (!tsv || !md) {
			fprintf(stderr, "mmtrace diff: %s: %s\n", p, strerror(errno));
			if (tsv)
				fclose(tsv);
			if (md)
				fclose(md);
			return 1;
		}
		fprintf(md, "Observed metrics of real captures; cells are mean ± sd over a side's "
			"captures (ratio to %s); * p < 0.05, ** p < 0.01 by Welch's t-test, "
			"- a side with one capture.\n\n", sides[0].label);
	}
	table(sides, ns, stdout, tsv, md);
	printf("(ratio to %s; * p < 0.05, ** p < 0.01, Welch's t-test; - one capture, no test)\n",
	       sides[0].label);
	rc = 0;
	/* every stream closed, whichever fails */
	int bad = tsv && fclose(tsv);

	bad |= md && fclose(md);
	bad |= fflush(stdout) != 0;
	if (bad) {
		fprintf(stderr, "mmtrace diff: writing the output failed\n");
		rc = 1;
	}
	return rc ? rc : damaged ? 3 : 0;
}
