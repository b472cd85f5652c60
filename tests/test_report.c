/* SPDX-License-Identifier: MIT */
/* Report rendering on a synthetic compare directory (three policies with
 * made-up time series, latency histograms and summaries): figures are valid
 * SVG/PNG, tables have a column per policy with ratios, output is
 * deterministic, bad input gives -1 and a message naming the file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mmtrace/report.h"
#include "../report/report_int.h"

struct fixture {
	char dir[64];
};

static void write_file(const char *dir, const char *name, const char *fmt, ...)
{
	char path[512];
	FILE *f;
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
}

static char *read_all(const char *dir, const char *name, size_t *len)
{
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return rpt_read_file(path, len, err, sizeof(err));
}

/* Two nodes with two zones each; policy k fragments faster and stalls more
 * as k grows, so the curves differ visibly. */
static void write_timeseries(const char *run, int k)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/timeseries.tsv", run);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("t_s\tnode\tzone\tfree_pages", f);
	for (int o = 0; o <= 10; o++)
		fprintf(f, "\tfree_o%d", o);
	fputs("\tunusable_o9\tfragidx_o9\tfree_ge_o9_pages\tmixed_pageblocks"
	      "\twmark_min\twmark_low\twmark_high\tboost\tbelow_low"
	      "\tkswapd_active\tkswapd_wakes\tdirect_reclaims\tcompact_stalls"
	      "\tnode_reclaims\treclaimed_pages\tcompact_migrated"
	      "\tpgalloc_remote\tpgalloc\talloc_fail\n", f);
	/* The last sample twice, as replay writes its final one. */
	for (int s = 0; s <= 101; s++) {
		double t = (s < 100 ? s : 100) * 0.1;

		for (int node = 0; node < 2; node++) {
			for (int z = 0; z < 2; z++) {
				long blocks[11], pages = 0, ge9 = 0;
				/* Large blocks break up over time, faster for larger k. */
				double decay = exp(-t * (0.1 + 0.15 * k));

				for (int o = 0; o <= 10; o++) {
					double base = o >= 9 ? 40 * decay : 200 + 30 * o * (1 - decay) * (k + 1);
					blocks[o] = (long)(base * (z + 1) / (o + 1)) + (o < 3 ? 500 : 0);
					pages += blocks[o] << o;
					if (o >= 9)
						ge9 += blocks[o] << o;
				}
				fprintf(f, "%.6g\t%d\t%s\t%ld", t, node, z ? "Normal" : "DMA32", pages);
				for (int o = 0; o <= 10; o++)
					fprintf(f, "\t%ld", blocks[o]);
				fprintf(f, "\t0.5\t-1\t%ld\t3\t100\t120\t140\t0\t0", ge9);
				fprintf(f, "\t%d\t%d\t%d\t%d\t%d\t%d\t0\t%d\t%d\t0\n",
					(s / 10 + k + node) % 3 == 0, s / 20 + node,
					s * k / 4, s * k / 10, k == 1 ? s / 3 : 0,
					s * 40 * (k + 1), k == 1 ? s : 3 * s, 100 * s);
			}
		}
	}
	assert_int_equal(fclose(f), 0);
}

/* log2 buckets with 4 sub-buckets from 64 ns; the median moves with k. */
static void write_latency(const char *run, int k)
{
	char path[512];
	FILE *f;
	double counts[64], total = 0, cum = 0;
	int n = 0;

	for (int e = 6; e < 20; e++)
		for (int sb = 0; sb < 4; sb++, n++) {
			double x = e + sb / 4.0 - (8 + k);
			counts[n] = floor(1e5 * exp(-x * x / 2) + (x > 3 ? 50 / x : 0));
			total += counts[n];
		}
	snprintf(path, sizeof(path), "%s/latency.tsv", run);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("op\tlo_ns\thi_ns\tcount\tcdf\n", f);
	n = 0;
	for (int e = 6; e < 20; e++)
		for (int sb = 0; sb < 4; sb++, n++) {
			double lo = ldexp(1 + sb / 4.0, e), hi = ldexp(1 + (sb + 1) / 4.0, e);
			cum += counts[n];
			fprintf(f, "alloc\t%.0f\t%.0f\t%.0f\t%.6g\n", lo, hi, counts[n], cum / total);
		}
	fputs("fault\t1024\t2048\t10\t1\n", f);
	assert_int_equal(fclose(f), 0);
}

static void write_run(const char *dir, const char *name, int k)
{
	char run[256];

	snprintf(run, sizeof(run), "%s/runs/%s", dir, name);
	assert_int_equal(mkdir(run, 0700), 0);
	write_file(run, "summary.json",
		"{\n  \"trace\": \"synthetic.mmt\",\n  \"mode\": \"policy\",\n"
		"  \"policy\": {\"vm.zone_reclaim_mode\": %d},\n"
		"  \"topology\": \"2\",\n  \"events_replayed\": 123456,\n"
		"  \"events_total\": 123456,\n  \"stopped_early\": null,\n"
		"  \"latency_ns\": {\"p50\": %d, \"p99\": %d, \"p999\": %d, "
		"\"max\": %d, \"mean\": 300.5},\n"
		"  \"fault_latency_ns\": {\"p50\": 1, \"p99\": 2, \"p999\": 3, "
		"\"max\": 4, \"mean\": 1.5},\n"
		"  \"direct_reclaim_stalls\": %d,\n  \"compaction_stalls\": %d,\n"
		"  \"node_reclaims\": %d,\n  \"remote_allocs\": %d,\n  \"oom\": 0,\n"
		"  \"alloc_fail\": 0,\n  \"order9_success_rate\": %.3f,\n"
		"  \"unusable_index_order9_end\": %.3f,\n"
		"  \"unusable_index_order9_mean\": %s,\n"
		"  \"kswapd_wakes\": 7,\n  \"reclaimed_pages\": 4000,\n"
		"  \"refaults\": 0,\n  \"fallbacks\": 12,\n"
		"  \"note\": \"tab\\t quote\\\" \\u00e9\"\n}\n",
		k, 256 << k, 4096 << k, 8192 << k, 65536 << k, 25 * k, 10 * k,
		k == 1 ? 33 : 0, k == 1 ? 100 : 300, 0.9 - 0.1 * k, 0.3 + 0.1 * k,
		k == 2 ? "null" : "0.25");
	write_file(run, "policy.txt", "vm.watermark_scale_factor=10\n"
		   "vm.zone_reclaim_mode=%d\n", k);
	write_file(run, "model_vs_kernel.tsv", "counter\tkernel\tmodel\n"
		   "fallbacks\t12\t%d\n", 10 + k);
	write_timeseries(run, k);
	write_latency(run, k);
	/* the kernel's zoneinfo samples, as a replay of a recent trace
	 * writes them (every run has the same; the report reads one) */
	if (k == 0)
		write_file(run, "zone_free.tsv", "t_s\tnode\tzone\tkernel_free"
			   "\tmodel_free\tkernel_boost\tmodel_boost\n"
			   "0.500000\t0\tDMA32\t1000\t900\t0\t0\n"
			   "0.500000\t0\tNormal\t2000\t2100\t0\t0\n"
			   "0.700000\t0\tDMA32\t800\t900\t0\t0\n"
			   "0.700000\t0\tNormal\t1500\t2100\t512\t0\n");
}

static int setup(void **state)
{
	static const char *const names[] = { "zrm0", "zrm1", "wsf_200" };
	struct fixture *fx = calloc(1, sizeof(*fx));
	char runs[128];

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/mmt_report_XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(runs, sizeof(runs), "%s/runs", fx->dir);
	assert_int_equal(mkdir(runs, 0700), 0);
	write_file(fx->dir, "policies.tsv", "index\tname\tcolour\tsettings\n"
		   "0\tzrm0\t%s\tvm.zone_reclaim_mode=0\n"
		   "1\tzrm1\t%s\tvm.zone_reclaim_mode=1\n"
		   "2\twsf_200\t5\tvm.watermark_scale_factor=200\n",
		   mmt_report_colour(0), "#D55E00");
	for (int k = 0; k < 3; k++)
		write_run(fx->dir, names[k], k);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[160];

	if (getenv("MMTRACE_TEST_KEEP")) {
		fprintf(stderr, "kept %s\n", fx->dir);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
		assert_int_equal(system(cmd), 0);
	}
	free(fx);
	return 0;
}

static int have_gnuplot(void)
{
	return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

static void assert_file(const char *dir, const char *name)
{
	char *s = read_all(dir, name, NULL);

	assert_non_null(s);
	free(s);
}

static void check_png(const char *dir, const char *name)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t len = 0;
	unsigned char *b = (unsigned char *)read_all(dir, name, &len);
	uint32_t w, h;

	assert_non_null(b);
	assert_true(len > 2000);
	assert_memory_equal(b, sig, 8);
	assert_memory_equal(b + 8, "\0\0\0\rIHDR", 8);
	w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
	h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
	assert_true(w >= 400 && h >= 300);
	free(b);
}

static void check_svg(const char *dir, const char *name)
{
	size_t len = 0;
	char *s = read_all(dir, name, &len);

	assert_non_null(s);
	assert_true(len > 2000);
	assert_true(!strncmp(s, "<?xml", 5) || !strncmp(s, "<svg", 4));
	assert_non_null(strstr(s, "</svg>"));
	free(s);
}

/* Figure i of rpt_figures was drawn: its PNG and its SVG look whole. */
static void check_figure_images(const char *dir, size_t i)
{
	char name[64];

	snprintf(name, sizeof(name), "%s.png", rpt_figures[i].name);
	check_png(dir, name);
	snprintf(name, sizeof(name), "%s.svg", rpt_figures[i].name);
	check_svg(dir, name);
}

/* Same input, same figure bytes (gnuplot writes no dates). */
static void check_figures_repeat(const char *dir)
{
	static const char *const ext[] = { "svg", "png" };
	char *first[16][2], name[64], err[512];
	size_t len[16][2];

	assert_true(rpt_nfigures <= 16);
	for (size_t i = 0; i < rpt_nfigures; i++)
		for (int e = 0; e < 2; e++) {
			snprintf(name, sizeof(name), "%s.%s", rpt_figures[i].name, ext[e]);
			first[i][e] = read_all(dir, name, &len[i][e]);
			assert_non_null(first[i][e]);
		}
	assert_int_equal(mmt_report_render(dir, err, sizeof(err)), 0);
	for (size_t i = 0; i < rpt_nfigures; i++)
		for (int e = 0; e < 2; e++) {
			size_t n;
			char *again;

			snprintf(name, sizeof(name), "%s.%s", rpt_figures[i].name, ext[e]);
			again = read_all(dir, name, &n);
			assert_non_null(again);
			assert_int_equal(n, len[i][e]);
			assert_memory_equal(again, first[i][e], n);
			free(again);
			free(first[i][e]);
		}
}

static void test_render_figures(void **state)
{
	struct fixture *fx = *state;
	char err[512] = "", name[64];
	char *md, *html, *txt, *line;

	if (!have_gnuplot())
		skip();
	assert_int_equal(mmt_report_render(fx->dir, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	for (size_t i = 0; i < rpt_nfigures; i++) {
		check_figure_images(fx->dir, i);
		snprintf(name, sizeof(name), "plots/%s.gp", rpt_figures[i].name);
		assert_file(fx->dir, name);
		snprintf(name, sizeof(name), "data/%s", rpt_figures[i].data);
		assert_file(fx->dir, name);
	}
	html = read_all(fx->dir, "index.html", NULL);
	assert_non_null(html);
	for (size_t i = 0; i < rpt_nfigures; i++) {
		snprintf(name, sizeof(name), "\"%s.svg\"", rpt_figures[i].name);
		assert_non_null(strstr(html, name));
		snprintf(name, sizeof(name), "\"%s.png\"", rpt_figures[i].name);
		assert_non_null(strstr(html, name));
	}
	assert_non_null(strstr(html, "vm.watermark_scale_factor=200"));
	/* policy.txt folded under each policy. */
	assert_non_null(strstr(html, "<summary>all settings</summary><code>"
			       "vm.watermark_scale_factor=10<br>vm.zone_reclaim_mode=1"));
	/* Colours as given, or palette index 5 for wsf_200. */
	assert_non_null(strstr(html, "background:#D55E00"));
	assert_non_null(strstr(html, "background:#56b4e9"));
	assert_null(strstr(html, "not drawn"));
	/* model_vs_kernel.tsv of all runs merged: kernel once, model per policy. */
	assert_non_null(strstr(html, "<tr><td>fallbacks</td><td>12</td><td>10</td>"
			       "<td>11</td><td>12</td></tr>"));
	free(html);
	/* One column per policy; ratios against zrm0 (p99 doubles each step). */
	md = read_all(fx->dir, "summary.md", NULL);
	assert_non_null(md);
	assert_non_null(strstr(md, "| metric | unit | zrm0 | zrm1 | wsf_200 |"));
	assert_non_null(strstr(md, "| alloc latency p99 | ns | 4096 | 8192 (2.00) | 16384 (4.00) |"));
	/* The missing mean of wsf_200 is computed from its time series. */
	line = strstr(md, "| unusable index o9, time mean | 0..1 | 0.250 | 0.250 (1.00) | 0.");
	assert_non_null(line);
	free(md);
	txt = read_all(fx->dir, "summary.txt", NULL);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "8192 (2.00)"));
	free(txt);
	check_figures_repeat(fx->dir);
}

static void test_rerender_identical(void **state)
{
	struct fixture *fx = *state;
	static const char *const files[] = {
		"summary.md", "summary.txt", "index.html", "data/frag.tsv",
		"data/heatmap.tsv", "data/latency.tsv", "data/activity.tsv",
		"data/bars.tsv", "data/params.gp", "data/summary.tsv",
	};
	char *first[sizeof(files) / sizeof(files[0])];
	size_t len[sizeof(files) / sizeof(files[0])];
	char err[512];

	/* Figures are not needed here: the fake gnuplot keeps this fast. */
	setenv("MMTRACE_GNUPLOT", "/bin/true", 1);
	mmt_report_render(fx->dir, err, sizeof(err));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		first[i] = read_all(fx->dir, files[i], &len[i]);
		assert_non_null(first[i]);
		assert_true(len[i] > 0);
	}
	mmt_report_render(fx->dir, err, sizeof(err));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t n;
		char *again = read_all(fx->dir, files[i], &n);

		assert_non_null(again);
		assert_int_equal(n, len[i]);
		assert_memory_equal(again, first[i], n);
		free(again);
		free(first[i]);
	}
	unsetenv("MMTRACE_GNUPLOT");
}

static void test_gnuplot_missing(void **state)
{
	struct fixture *fx = *state;
	char err[512] = "", *html;

	setenv("MMTRACE_GNUPLOT", "/nonexistent/gnuplot", 1);
	assert_int_equal(mmt_report_render(fx->dir, err, sizeof(err)), -1);
	unsetenv("MMTRACE_GNUPLOT");
	assert_non_null(strstr(err, "gnuplot not found"));
	assert_null(strchr(err, '\n'));
	html = read_all(fx->dir, "index.html", NULL);
	assert_non_null(html);
	assert_non_null(strstr(html, "Figures were not drawn"));
	free(html);
	assert_file(fx->dir, "summary.md");
}

static void test_missing_dir(void **state)
{
	char err[512] = "";

	(void)state;
	assert_int_equal(mmt_report_render("/nonexistent/mmt-report", err,
					   sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/mmt-report"));
}

static void test_corrupt_summary(void **state)
{
	struct fixture *fx = *state;
	char run[128], err[512] = "";

	snprintf(run, sizeof(run), "%s/runs/zrm1", fx->dir);
	write_file(run, "summary.json", "{\"latency_ns\": {\"p50\": 12,, }");
	assert_int_equal(mmt_report_render(fx->dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "runs/zrm1/summary.json"));
	assert_non_null(strstr(err, "offset"));
	assert_null(strchr(err, '\n'));
	snprintf(run, sizeof(run), "%s/runs/zrm1/summary.json", fx->dir);
	assert_int_equal(unlink(run), 0);
	assert_int_equal(mmt_report_render(fx->dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "runs/zrm1/summary.json"));
}

static void test_policy_without_data(void **state)
{
	struct fixture *fx = *state;
	char err[512] = "";

	write_file(fx->dir, "policies.tsv", "# index\tname\tcolour\tsettings\n"
		   "0\tzrm0\t#0072b2\tvm.zone_reclaim_mode=0\n"
		   "1\tghost\t#d55e00\tvm.zone_reclaim_mode=1\n");
	assert_int_equal(mmt_report_render(fx->dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "runs/ghost"));
}

static void test_scan_runs_without_policies(void **state)
{
	struct fixture *fx = *state;
	char path[128], err[512] = "", *params;

	snprintf(path, sizeof(path), "%s/policies.tsv", fx->dir);
	assert_int_equal(unlink(path), 0);
	setenv("MMTRACE_GNUPLOT", "/bin/true", 1);
	mmt_report_render(fx->dir, err, sizeof(err));
	unsetenv("MMTRACE_GNUPLOT");
	params = read_all(fx->dir, "data/params.gp", NULL);
	assert_non_null(params);
	/* Sorted by name; colours from the palette in that order. */
	assert_non_null(strstr(params, "npol = 3"));
	assert_non_null(strstr(params, "pname[1] = 'wsf_200'; pcol[1] = '#0072b2'"));
	assert_non_null(strstr(params, "pname[3] = 'zrm1'"));
	free(params);
}

/* A run with no samples and no latency (header-only files), a sparse
 * summary and a name gnuplot must quote: figures are still drawn. */
static void test_degenerate_run(void **state)
{
	struct fixture *fx = *state;
	char run[128], err[512] = "", *md;

	if (!have_gnuplot())
		skip();
	write_file(fx->dir, "policies.tsv", "# index\tname\tcolour\tsettings\n"
		   "0\tit's_only\tnot-a-colour\n");
	snprintf(run, sizeof(run), "%s/runs/it's_only", fx->dir);
	assert_int_equal(mkdir(run, 0700), 0);
	write_file(run, "summary.json", "{\"trace\": \"empty.mmt\", "
		   "\"latency_ns\": {\"p50\": null}, \"oom\": 2, "
		   "\"stopped_early\": \"empty.mmt: offset 99: truncated\"}");
	write_file(run, "timeseries.tsv", "# t_s\tnode\tzone\tfree_pages\tfree_o0"
		   "\tfree_o1\tfree_o2\tfree_o3\tfree_o4\tfree_o5\tfree_o6\tfree_o7"
		   "\tfree_o8\tfree_o9\tfree_o10\n");
	write_file(run, "latency.tsv", "# op\tlo_ns\thi_ns\tcount\tcdf\n");
	assert_int_equal(mmt_report_render(fx->dir, err, sizeof(err)), 0);
	for (size_t i = 0; i < rpt_nfigures; i++) {
		char name[64];
		if (!rpt_figures[i].per_node) {
			check_figure_images(fx->dir, i);
			continue;
		}
		/* one node (none named, here): no per-node figure */
		snprintf(name, sizeof(name), "%s.svg", rpt_figures[i].name);
		assert_null(read_all(fx->dir, name, NULL));
	}
	md = read_all(fx->dir, "summary.md", NULL);
	assert_non_null(md);
	assert_non_null(strstr(md, "| metric | unit | it's_only |"));
	assert_non_null(strstr(md, "| alloc latency p50 | ns | - |"));
	assert_non_null(strstr(md, "| OOM outcomes | count | 2 |"));
	assert_null(strstr(md, "refaults"));	/* optional row, no value */
	assert_non_null(strstr(md, "- it's_only: empty.mmt: offset 99: truncated"));
	free(md);
}

/* The data/ TSV files load as tables in pandas, R or a spreadsheet: one header row
 * of names, tab-separated, the same number of fields in every row,
 * counts as whole numbers (no exponent, no fraction); each figure's data
 * holds the host's series ("all") and, with two nodes, each node's. */
static void test_data_tables(void **state)
{
	struct fixture *fx = *state;
	static const struct { const char *file, *header, *counts; } t[] = {
		{ "frag.tsv", "policy\tnode\tt_s\tunusable_o9\tfree_ge_o9_pages",
		  "....C" },
		{ "activity.tsv", "policy\tnode\tt_s\tdirect_reclaims\tcompact_stalls"
		  "\tnode_reclaims\tkswapd_wakes\treclaimed_pages", "...CCCCC" },
		{ "heatmap.tsv", "policy\tt_s\torder\tfree_pages", "..CC" },
		{ "latency.tsv", "policy\tns\tcdf\tccdf", ".C.." },
		{ "summary.tsv", "metric\tunit\tzrm0\tzrm1\twsf_200", "....." },
		{ "free.tsv", "policy\tnode\tt_s\tfree_pages", "...C" },
	};
	char err[512], name[64];
	(void)state;

	setenv("MMTRACE_GNUPLOT", "/bin/true", 1);	/* tables only */
	mmt_report_render(fx->dir, err, sizeof(err));
	unsetenv("MMTRACE_GNUPLOT");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "data/%s", t[i].file);
		char *text = read_all(fx->dir, name, NULL), *save = NULL;
		size_t ncol = strlen(t[i].counts), rows = 0, all = 0, n0 = 0, n1 = 0;

		assert_non_null(text);
		size_t hl = strlen(t[i].header);
		if (strncmp(text, t[i].header, hl) || text[hl] != '\n')
			fail_msg("%s: header is not '%s'", name, t[i].header);
		for (char *l = strtok_r(text + hl + 1, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save), rows++) {
			size_t c = 0;
			for (char *p = l;; c++) {
				size_t len = strcspn(p, "\t");
				if (c < ncol && t[i].counts[c] == 'C' && len &&
				    strspn(p, "0123456789") != len)
					fail_msg("%s: row %zu column %zu is not a whole "
						 "number: '%.*s'", name, rows + 2, c + 1,
						 (int)len, p);
				if (c == 1 && !strncmp(p, "all\t", 4))
					all++;
				if (c == 1 && !strncmp(p, "0\t", 2))
					n0++;
				if (c == 1 && !strncmp(p, "1\t", 2))
					n1++;
				if (!p[len])
					break;
				p += len + 1;
			}
			if (c + 1 != ncol)
				fail_msg("%s: row %zu has %zu fields, the header %zu",
					 name, rows + 2, c + 1, ncol);
		}
		assert_true(rows > 0);
		/* the kernel's samples summed over the zones, after the
		 * policies' rows */
		if (!strcmp(t[i].file, "free.tsv")) {
			char *again = read_all(fx->dir, name, NULL);

			assert_non_null(again);
			assert_non_null(strstr(again, "\nkernel (recorded)\tall"
					       "\t0.500000\t3000\nkernel (recorded)"
					       "\tall\t0.700000\t2300\n"));
			free(again);
		}
		if (!strcmp(t[i].file, "frag.tsv") || !strcmp(t[i].file, "activity.tsv")) {
			assert_true(all > 0);
			assert_int_equal(n0, all);	/* per node, same times */
			assert_int_equal(n1, all);
		}
		free(text);
	}
}

/* Report files and folders follow the umask (a report is meant to be
 * shared; only traces stay 0600). */
static void test_files_follow_umask(void **state)
{
	struct fixture *fx = *state;
	static const struct { mode_t mask, file, dir; } c[] = {
		{ 022, 0644, 0755 }, { 077, 0600, 0700 },
	};
	char err[512], path[256];
	struct stat st;
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		mode_t old = umask(c[i].mask);

		snprintf(path, sizeof(path), "rm -rf '%s/data' '%s/plots' '%s/index.html'",
			 fx->dir, fx->dir, fx->dir);
		assert_int_equal(system(path), 0);
		setenv("MMTRACE_GNUPLOT", "/bin/true", 1);
		mmt_report_render(fx->dir, err, sizeof(err));
		unsetenv("MMTRACE_GNUPLOT");
		umask(old);
		snprintf(path, sizeof(path), "%s/index.html", fx->dir);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, c[i].file);
		snprintf(path, sizeof(path), "%s/data/frag.tsv", fx->dir);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, c[i].file);
		snprintf(path, sizeof(path), "%s/data", fx->dir);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, c[i].dir);
		snprintf(path, sizeof(path), "%s/plots", fx->dir);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, c[i].dir);
	}
}

/* `mmtrace report` on the output of one replay reports that run alone;
 * an empty directory is neither. */
static void test_lone_run_and_empty_dir(void **state)
{
	struct fixture *fx = *state;
	char run[128], err[512] = "", *md, *html;

	snprintf(run, sizeof(run), "%s/runs/zrm1", fx->dir);
	setenv("MMTRACE_GNUPLOT", "/bin/true", 1);
	mmt_report_render(run, err, sizeof(err));
	unsetenv("MMTRACE_GNUPLOT");
	md = read_all(run, "summary.md", NULL);
	assert_non_null(md);
	assert_non_null(strstr(md, "| metric | unit | zrm1 |\n"));
	free(md);
	html = read_all(run, "index.html", NULL);
	assert_non_null(html);
	assert_non_null(strstr(html, "href=\"./summary.json\""));
	free(html);
	snprintf(run, sizeof(run), "%s/empty", fx->dir);
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(mmt_report_render(run, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a compare or replay output"));
}

/* A zone row repeated at one time starts a new sample instead of being
 * added twice; node-wide counters count each node once. */
static void test_timeseries_aggregation(void **state)
{
	struct fixture *fx = *state;
	struct rpt r;
	char err[256];
	const struct rpt_sample *a, *b;

	assert_int_equal(rpt_load(&r, fx->dir, err, sizeof(err)), 0);
	assert_int_equal(r.nruns, 3);
	assert_int_equal(r.runs[1].nts, 102);
	a = &r.runs[1].ts[100];
	b = &r.runs[1].ts[101];
	assert_true(a->t == b->t);
	assert_true(a->free_ge_o9 == b->free_ge_o9);
	assert_true(a->free_pages == b->free_pages);
	/* zrm1 at s = 100: two nodes, direct_reclaims s*k/4 = 25 each. */
	assert_true(a->direct_reclaims == 50);
	assert_true(a->node_reclaims == 2 * 33);
	/* and per node: kswapd_wakes s/20 + node = 5 and 6 */
	assert_int_equal(r.runs[1].nnodes, 2);
	assert_int_equal(r.nnodes, 2);
	assert_true(r.runs[1].node_ts[100 * 2 + 0].direct_reclaims == 25);
	assert_true(r.runs[1].node_ts[100 * 2 + 0].kswapd_wakes == 5);
	assert_true(r.runs[1].node_ts[100 * 2 + 1].kswapd_wakes == 6);
	assert_true(a->kswapd_wakes == 11);
	assert_true(r.runs[1].node_ts[100 * 2 + 1].free_pages * 2 == a->free_pages);
	assert_true(a->unusable_o9 >= 0 && a->unusable_o9 <= 1);
	assert_int_equal(r.runs[1].nlat_alloc, 56);
	assert_int_equal(r.runs[1].nlat_fault, 1);
	rpt_free(&r);
}

/* The subcommand (make test sets MMTRACE): --help, exit codes, one-line
 * errors on stderr, the path of index.html on stdout. */
static void test_cli(void **state)
{
	struct fixture *fx = *state;
	const char *bin = getenv("MMTRACE");
	char cmd[512], out[512];
	FILE *p;
	size_t n;

	if (!bin)
		skip();
	snprintf(cmd, sizeof(cmd), "%s report --help >/dev/null", bin);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s report /nonexistent/x 2>&1", bin);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	assert_int_equal(WEXITSTATUS(pclose(p)), 1);
	assert_string_equal(out, "mmtrace report: /nonexistent/x: No such file or directory\n");
	snprintf(cmd, sizeof(cmd), "%s report --bogus 2>/dev/null", bin);
	assert_int_equal(WEXITSTATUS(system(cmd)), 2);
	snprintf(cmd, sizeof(cmd), "%s report --no-figures %s/ 2>/dev/null", bin, fx->dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	assert_int_equal(WEXITSTATUS(pclose(p)), 0);
	snprintf(cmd, sizeof(cmd), "%s/index.html\n", fx->dir);
	assert_string_equal(out, cmd);
}

static void test_json(void **state)
{
	static const char good[] =
		" {\"a\": 1.5e3, \"b\": {\"c\": -2, \"d\": null}, \"s\": "
		"\"x\\\"\\u00e9\\ud83d\\ude00\", \"t\": true, \"l\": [1, [], {}]} ";
	static const char *const bad[] = {
		"", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "\"abc", "nul",
		"{\"a\":1} x", "1e999", "\"\\q\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	char err[128];
	struct rj_value *v;

	(void)state;
	v = rj_parse(good, strlen(good), err, sizeof(err));
	assert_non_null(v);
	assert_true(rj_num(v, "a") == 1500);
	assert_true(rj_num(v, "b.c") == -2);
	assert_true(isnan(rj_num(v, "b.d")));
	assert_true(isnan(rj_num(v, "b.x")));
	assert_true(isnan(rj_num(v, "s")));
	assert_string_equal(rj_str(v, "s"), "x\"\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(rj_get(v, "t")->type, RJ_BOOL);
	assert_int_equal(rj_get(v, "l")->n, 3);
	rj_free(v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		v = rj_parse(bad[i], strlen(bad[i]), err, sizeof(err));
		assert_null(v);
		assert_non_null(strstr(err, "offset"));
	}
}

/* The copies compiled in are the scripts of plots/ (when the suite runs
 * from the source tree, as make test does). */
static void test_embedded_scripts(void **state)
{
	(void)state;
	assert_int_equal(rpt_n_embedded_scripts >= rpt_nfigures, 1);
	for (size_t i = 0; i < rpt_nfigures; i++) {
		char name[64];
		size_t j, len;
		char *disk;
		int same;

		snprintf(name, sizeof(name), "%s.gp", rpt_figures[i].name);
		for (j = 0; j < rpt_n_embedded_scripts; j++)
			if (!strcmp(rpt_embedded_scripts[j].name, name))
				break;
		assert_true(j < rpt_n_embedded_scripts);
		disk = read_all("plots", name, &len);
		if (!disk)
			continue;
		/* Free before asserting: a failed assert longjmps out. */
		same = !strcmp(rpt_embedded_scripts[j].text, disk);
		free(disk);
		if (!same)
			fail_msg("plots/%s differs from the built-in copy: "
				 "rebuild", name);
	}
}

static void test_ratio_format(void **state)
{
	char buf[32];

	(void)state;
	assert_true(rpt_ratio(0, 0) == 1);
	assert_true(isnan(rpt_ratio(5, 0)));
	assert_true(rpt_ratio(3, 2) == 1.5);
	rpt_format(buf, sizeof(buf), 0.975, RPT_PCT);
	assert_string_equal(buf, "97.5%");
	rpt_format(buf, sizeof(buf), NAN, RPT_COUNT);
	assert_string_equal(buf, "-");
	rpt_format(buf, sizeof(buf), 12345, RPT_NS);
	assert_string_equal(buf, "12345");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_render_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rerender_identical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gnuplot_missing, setup, teardown),
		cmocka_unit_test(test_missing_dir),
		cmocka_unit_test_setup_teardown(test_corrupt_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_without_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_runs_without_policies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_degenerate_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lone_run_and_empty_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeseries_aggregation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files_follow_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_embedded_scripts),
		cmocka_unit_test(test_ratio_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
