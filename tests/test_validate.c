/* SPDX-License-Identifier: MIT */
/*
 * mmtrace validate on synthetic traces of one workload under two
 * settings: a reader streams page cache through a small host, and the
 * synthetic kernel's kswapd evicts (cause kswapd_evict) down to a free
 * target that grows with vm.min_free_kbytes; each trace's snapshots carry
 * the vmstat counters that kernel would show.  Checked: traces group by
 * their header's settings (A: the first trace's), every trace is replayed
 * under both, the model's change in pages stolen goes the kernel's way,
 * and so does its change in the free pages the zoneinfo samples (the
 * synthetic kernel's free count, every 4096 pages) show,
 * the outputs (table, JSON, validate.tsv, the report section, one run
 * folder per replay) are there and byte-identical run to run, and bad
 * input fails with a one-line message and the right exit code.
 * And the suite's run order (scenarios/validate.sh --plan): rounds in a
 * balanced order, so no setting always follows the same one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "cli_util.h"
#include "replay_util.h"
#include "mmtrace/report.h"

#define PAGES 32768
#define DEV 0x0fe00000u

static const char *bin(void)
{
	const char *b = getenv("MMTRACE");

	return b ? b : "build/mmtrace";
}

static void kv(struct mmt_kv *k, const char *name, uint64_t v)
{
	snprintf(k->name, sizeof(k->name), "%s", name);
	snprintf(k->value, sizeof(k->value), "%llu", (unsigned long long)v);
}

/* The kernel's vmstat of a run: pgsteal/pgscan_kswapd = evictions,
 * pageoutrun = kswapd runs, nothing else moved. */
static void set_vmstat(struct mmt_snapshot *s, uint64_t steal, uint64_t runs)
{
	static const char *const zero[] = { "allocstall_dma", "allocstall_dma32",
		"allocstall_normal", "allocstall_movable", "pgscan_direct",
		"pgsteal_direct", "compact_stall", "compact_success",
		"compact_fail", "thp_fault_alloc", "thp_fault_fallback",
		"oom_kill", "pgmigrate_success", "compact_daemon_wake",
		"workingset_refault_file", "pgactivate",
		"nr_vmscan_immediate_reclaim" };
	size_t n = sizeof(zero) / sizeof(zero[0]);

	free(s->vmstat);
	s->vmstat = calloc(n + 3, sizeof(*s->vmstat));
	assert_non_null(s->vmstat);
	for (size_t i = 0; i < n; i++)
		kv(&s->vmstat[i], zero[i], 5);
	kv(&s->vmstat[n], "pgsteal_kswapd", 1000 + steal);
	kv(&s->vmstat[n + 1], "pgscan_kswapd", 1000 + steal);
	kv(&s->vmstat[n + 2], "pageoutrun", 10 + runs);
	s->nr_vmstat = (uint32_t)n + 3;
}

/* Streams 3 x PAGES file pages; kswapd evicts the oldest down to `target`
 * free pages whenever fewer than `low` are free. */
static void write_run(const char *path, const char *min_free_kbytes,
		      unsigned low, unsigned target)
{
	static uint64_t fifo[PAGES];
	unsigned head = 0, tail = 0, nfree = PAGES, runs = 0, steal = 0;
	struct mmt_snapshot end;
	struct mmt_event *e;
	struct rk k;

	assert_int_equal(rk_init(&k, PAGES, 2), 0);
	k.h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS | MMT_HDR_ZONE_FREE;
	if (min_free_kbytes)
		snprintf(k.h.sysctls[0].value, sizeof(k.h.sysctls[0].value),
			 "%s", min_free_kbytes);
	for (uint64_t i = 0; i < 3 * PAGES; i++) {
		uint64_t p;

		if (nfree < low) {
			rk_push(&k, MMT_EV_KSWAPD_WAKE, 0);
			runs++;
			while (nfree < target) {
				p = fifo[tail++ % PAGES];
				e = rk_push(&k, MMT_EV_FILEMAP_DEL, 0);
				e->pfn = p;
				e->offset = DEV;
				e->arg = 7;
				e->arg2 = MMT_FREE_KSWAPD_EVICT;
				rk_free(&k, p, 0, 0);
				k.ev[k.nr_ev - 1].arg2 = MMT_FREE_KSWAPD_EVICT;
				nfree++;
				steal++;
			}
		}
		if (!(i % 4096)) {	/* the recorder's zoneinfo sample */
			e = rk_push(&k, MMT_EV_ZONE_FREE, 0);
			e->node = k.h.zones[0].node;
			e->arg = (uint64_t)k.h.zones[0].zone_idx;
			e->addr = nfree;
		}
		p = rk_find(&k, 0, k.h.zones[0].start_pfn);
		assert_true(p != UINT64_MAX);
		rk_alloc_at(&k, p, 0, "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE",
			    0);
		e = rk_push(&k, MMT_EV_FILEMAP_ADD, 0);
		e->pfn = p;
		e->offset = DEV;
		e->arg = 7;
		e->addr = i;
		fifo[head++ % PAGES] = p;
		nfree--;
	}
	/* the evicted pages of each FILEMAP_DEL name their index too */
	for (size_t i = 0, idx = 0; i < k.nr_ev; i++)
		if (k.ev[i].kind == MMT_EV_FILEMAP_DEL)
			k.ev[i].addr = idx++;
	set_vmstat(&k.start, 0, 0);
	assert_int_equal(rk_end_snapshot(&k, &end), 0);
	set_vmstat(&end, steal, runs);
	assert_int_equal(rk_write_end(&k, path, 0, &end), 0);
	mmt_snapshot_free(&end);
	rk_free_all(&k);
}

static int group_setup(void **state)
{
	if (ru_setup(state))
		return -1;
	/* A: the synthetic host's own min_free_kbytes; B: 40000 */
	write_run(ru_path("a1.mmt"), NULL, 2048, 4096);
	write_run(ru_path("a2.mmt"), NULL, 2048, 4200);
	write_run(ru_path("b1.mmt"), "40000", 12000, 16000);
	write_run(ru_path("b2.mmt"), "40000", 12000, 16400);
	return 0;
}

static void test_groups_and_verdicts(void **state)
{
	char *json;

	(void)state;
	assert_int_equal(cli_run(0, "%s validate --json -j 2 -o %s %s %s %s %s",
				 bin(), ru_path("v1"), ru_path("a1.mmt"),
				 ru_path("b1.mmt"), ru_path("a2.mmt"),
				 ru_path("b2.mmt")), 0);
	json = strdup(cli_out);
	assert_non_null(json);
	/* two groups of two, B differing in min_free_kbytes */
	assert_non_null(strstr(json, "\"file\": \"a1.mmt\", \"set\": \"A\""));
	assert_non_null(strstr(json, "\"file\": \"a2.mmt\", \"set\": \"A\""));
	assert_non_null(strstr(json, "\"file\": \"b2.mmt\", \"set\": \"B\""));
	assert_non_null(strstr(json, "\"differs\": \"vm.min_free_kbytes=40000\""));
	/* the kernel's mean of A's pgsteal_kswapd, as the snapshots say */
	assert_true(cli_jnum(json, "\"counter\": \"pgsteal_kswapd\"", "mean") >
		    3 * PAGES - PAGES);
	/* the change exceeds the spread; the model saw it go up too */
	assert_true(cli_jnum(json, "\"counter\": \"pgsteal_kswapd\"",
			     "measured") > 1.0);
	assert_true(cli_jnum(json, "\"counter\": \"pgsteal_kswapd\"",
			     "predicted") > 1.0);
	{
		const char *p = strstr(json, "\"counter\": \"pgsteal_kswapd\"");

		assert_non_null(p);
		p = strstr(p, "\"across\"");
		assert_non_null(p);
		assert_non_null(strstr(p, "\"spread\": \"exceeds\", "
				       "\"judged\": true, \"direction_ok\": true"));
	}
	/* the rows that show the writeback the model leaves out: the
	 * kernel's counts as its snapshots have them */
	assert_true(cli_jnum(json, "\"counter\": \"pgactivate\"", "mean") == 0);
	assert_true(cli_jnum(json, "\"counter\": \"vmscan_immediate_reclaim\"",
			     "mean") == 0);
	/* the free pages the zoneinfo samples show: the level kswapd held
	 * goes up with min_free_kbytes, in the kernel and in the model */
	assert_true(cli_jnum(json, "\"counter\": \"free pages Normal (median)\"",
			     "measured") > 2.0);
	assert_true(cli_jnum(json, "\"counter\": \"free pages Normal (median)\"",
			     "predicted") > 1.5);
	/* and how far apart the two were sample by sample, a figure per
	 * group (the synthetic kernel's kswapd keeps other marks than the
	 * model's: about 1.2 here, e^1.2 = 3.3x apart) */
	{
		double e = cli_jnum(json, "\"zone_free_error\": {\"DMA32\": null, "
				    "\"Normal\": {\"mean_abs_log_ratio\"", "mean");

		fprintf(stderr, "validate: free pages, mean abs log ratio of A's "
			"traces %.3f\n", e);
		assert_true(e > 0.1 && e < 5);
	}
	/* the costs every replay used: fitted over the traces, or (these
	 * synthetic traces hold no begin/end pairs) model defaults */
	/* every page the kernel added was new to the model too: none held */
	assert_non_null(strstr(json, "\"held_pages\": {\"model\": "
			       "{\"mean\": 0, \"min\": 0, \"max\": 0, "
			       "\"runs\": 2}"));
	assert_non_null(strstr(json, "\"costs\": ["));
	assert_non_null(strstr(json, "{\"fit\": \"kswapd run\", "
			       "\"source\": \"model default\""));
	/* the text table says the same */
	assert_int_equal(cli_run(0, "%s validate %s %s %s %s", bin(),
				 ru_path("a1.mmt"), ru_path("b1.mmt"),
				 ru_path("a2.mmt"), ru_path("b2.mmt")), 0);
	assert_non_null(strstr(cli_out, "4 traces, 2 settings, 12 replays in policy mode (4 to fit the host's costs, then 8)"));
	assert_non_null(strstr(cli_out, "B  vm.min_free_kbytes=40000"));
	assert_non_null(strstr(cli_out, "Targets met"));
	assert_non_null(strstr(cli_out, "Free pages over time (no verdict)"));
	assert_non_null(strstr(cli_out, "Demand the model did not have"));
	assert_non_null(strstr(cli_out, "  B  0 pages\n"));
	/* traces without the mmtrace_memcg_* items: the whole walk, said
	 * once for all four; --memcg-walk partial forces it */
	assert_non_null(strstr(cli_out, "direct reclaim's memcg walk whole "
			       "(not recorded): a1.mmt b1.mmt a2.mmt b2.mmt\n"));
	assert_non_null(strstr(json, "\"memcg_walk\": \"whole (not recorded)\", "
			       "\"kernel_direct_reclaims_below_def_priority\": 0, "
			       "\"kernel_direct_reclaims_scanning\": 0}"));
	assert_null(strstr(cli_out, "the kernel's direct reclaims look like"));
	assert_int_equal(cli_run(0, "%s validate --memcg-walk partial %s %s",
				 bin(), ru_path("a1.mmt"), ru_path("b1.mmt")), 0);
	assert_non_null(strstr(cli_out, "direct reclaim's memcg walk partial "
			       "(--memcg-walk): a1.mmt b1.mmt\n"));
	assert_int_equal(cli_run(0, "%s validate --memcg-walk none %s", bin(),
				 ru_path("a1.mmt")), 2);
	free(json);
}

static void test_outputs_deterministic(void **state)
{
	const char *files[] = { "validate.tsv", "validate.json", "validate.md",
				"index.html", "data/validate_across.tsv",
				"data/zonefree_1.tsv", "data/zonefree_2.tsv",
				"data/zonefree_params.gp" };
	struct stat st;

	(void)state;
	assert_int_equal(cli_run(0, "%s validate -j 1 -o %s %s %s %s %s", bin(),
				 ru_path("v2"), ru_path("a1.mmt"),
				 ru_path("b1.mmt"), ru_path("a2.mmt"),
				 ru_path("b2.mmt")), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p1[600], p2[600], *a, *b;

		snprintf(p1, sizeof(p1), "%s/%s", ru_path("v1"), files[i]);
		snprintf(p2, sizeof(p2), "%s/%s", ru_path("v2"), files[i]);
		a = ru_slurp(p1, NULL);
		b = ru_slurp(p2, NULL);
		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	/* one run folder per trace and settings */
	assert_int_equal(stat(ru_path("v2/runs/t01-a1@A/summary.json"), &st), 0);
	assert_int_equal(stat(ru_path("v2/runs/t01-a1@B/summary.json"), &st), 0);
	assert_int_equal(stat(ru_path("v2/runs/t04-b2@A/summary.json"), &st), 0);
	assert_int_equal(stat(ru_path("v2/runs/t04-b2@B/summary.json"), &st), 0);
	assert_int_equal(stat(ru_path("v2/runs/t04-b2@B/zone_free.tsv"), &st), 0);
	/* the free-pages figure beside the other one (gnuplot installed) */
	if (stat(ru_path("v2/validate.svg"), &st) == 0) {
		char *html = ru_slurp(ru_path("v2/index.html"), NULL);

		assert_int_equal(stat(ru_path("v2/zonefree.svg"), &st), 0);
		assert_non_null(html);
		assert_non_null(strstr(html, "<img src=\"zonefree.svg\""));
		free(html);
	}
	/* every row of validate.tsv has the 16 columns */
	{
		char *t = ru_slurp(ru_path("v2/validate.tsv"), NULL);
		int rows = 0;

		assert_non_null(t);
		for (char *l = strtok(t, "\n"); l; l = strtok(NULL, "\n")) {
			int tabs = 0;

			for (char *c = l; *c; c++)
				tabs += *c == '\t';
			assert_int_equal(tabs, 15);
			rows++;
		}
		assert_true(rows > 30);
		free(t);
	}
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* --fits: the costs pooled over all the traces (host, the default), over
 * each setting's, or each trace's own; the table, the JSON and the
 * report say which, one set of fits per source. */
static void test_fits_modes(void **state)
{
	(void)state;
	assert_int_equal(cli_run(0, "%s validate --json %s %s %s %s", bin(),
				 ru_path("a1.mmt"), ru_path("b1.mmt"),
				 ru_path("a2.mmt"), ru_path("b2.mmt")), 0);
	assert_non_null(strstr(cli_out, "\"fits\": \"host\""));
	assert_int_equal(count(cli_out, "{\"fit\": \"kswapd run\""), 1);
	assert_non_null(strstr(cli_out, "\"of\": \"all\"}"));
	assert_int_equal(cli_run(0, "%s validate --json --fits settings %s %s "
				 "%s %s", bin(), ru_path("a1.mmt"),
				 ru_path("b1.mmt"), ru_path("a2.mmt"),
				 ru_path("b2.mmt")), 0);
	assert_non_null(strstr(cli_out, "\"fits\": \"settings\""));
	assert_int_equal(count(cli_out, "{\"fit\": \"kswapd run\""), 2);
	assert_non_null(strstr(cli_out, "\"of\": \"A\"}"));
	assert_non_null(strstr(cli_out, "\"of\": \"B\"}"));
	assert_int_equal(cli_run(0, "%s validate --fits trace -o %s %s %s %s %s",
				 bin(), ru_path("vf"), ru_path("a1.mmt"),
				 ru_path("b1.mmt"), ru_path("a2.mmt"),
				 ru_path("b2.mmt")), 0);
	assert_non_null(strstr(cli_out, "(4 to fit each trace's costs, then 8)"));
	assert_non_null(strstr(cli_out, "Costs fitted over each trace's own "
			       "durations (--fits trace)"));
	assert_non_null(strstr(cli_out, "\n  b2.mmt\n    direct reclaim"));
	{
		char *j = ru_slurp(ru_path("vf/validate.json"), NULL);
		char *md = ru_slurp(ru_path("vf/validate.md"), NULL);

		assert_non_null(j);
		assert_non_null(md);
		assert_int_equal(count(j, "{\"fit\": \"kswapd run\""), 4);
		assert_non_null(strstr(j, "\"of\": \"a2.mmt\"}"));
		assert_non_null(strstr(md, "Fitted over each trace's own "
				       "durations"));
		assert_non_null(strstr(md, "| kswapd run | model default "
				       "(b1.mmt) |"));
		free(j);
		free(md);
	}
	assert_int_equal(cli_run(1, "%s validate --fits pooled %s", bin(),
				 ru_path("a1.mmt")), 2);
	assert_non_null(strstr(cli_out, "mmtrace validate: --fits pooled: "
			       "expected host, settings or trace"));
}

/* A replay given pooled fit sums (mmt_replay_opts.host_fits) uses them
 * and still reports its own trace's sums. */
static void test_host_fits(void **state)
{
	struct mmt_replay_opts o;
	struct mmt_fit_sums host;
	static struct mmt_replay_result res;
	char err[256];

	(void)state;
	memset(&host, 0, sizeof(host));
	/* 10 kswapd runs: 1 ms + 100 ns per page scanned, 1000..10000 pages,
	 * half of them reclaimed */
	for (int i = 1; i <= 10; i++) {
		double x1 = 1000.0 * i, x2 = x1 / 2, y = 1e6 + 100 * x1;
		double *v = host.v[3];

		v[0] += 1; v[1] += x1; v[2] += x2; v[3] += y;
		v[4] += x1 * x1; v[5] += x1 * x2; v[6] += x2 * x2;
		v[7] += x1 * y; v[8] += x2 * y; v[9] += y * y;
	}
	memset(&o, 0, sizeof(o));
	o.trace = ru_path("a1.mmt");
	o.mode = MMT_REPLAY_POLICY;
	o.host_fits = &host;
	assert_int_equal(mmt_replay_run(&o, &res, err, sizeof(err)), 0);
	assert_true(res.fit[3].fitted);
	assert_int_equal(res.fit[3].n, 10);
	assert_true(res.fit[3].r2 > 0.99);
	assert_true(res.fit[3].a + 1000 * (res.fit[3].b + res.fit[3].c / 2) >
		    1.09e6 && res.fit[3].a + 1000 * (res.fit[3].b +
						     res.fit[3].c / 2) < 1.11e6);
	/* its own sums: the synthetic trace has no kswapd runs */
	assert_true(res.fit_sums.v[3][0] == 0);
}

static void test_bad_input(void **state)
{
	char err[256];
	FILE *f;

	(void)state;
	assert_int_equal(cli_run(1, "%s validate", bin()), 2);
	assert_int_equal(cli_run(1, "%s validate -j 0 %s", bin(),
				 ru_path("a1.mmt")), 2);
	assert_non_null(strstr(cli_out, "--jobs 0"));
	f = fopen(ru_path("junk.mmt"), "w");
	assert_non_null(f);
	fputs("not a trace at all, but long enough to have a header\n", f);
	fclose(f);
	assert_int_equal(cli_run(1, "%s validate %s %s", bin(),
				 ru_path("a1.mmt"), ru_path("junk.mmt")), 3);
	assert_non_null(strstr(cli_out, "junk.mmt"));
	assert_null(strstr(cli_out, "Targets met"));
	/* a damaged validate.tsv: the report says where */
	f = fopen(ru_path("v1/validate.tsv"), "a");
	assert_non_null(f);
	fputs("same\tonly\tthree\n", f);
	fclose(f);
	assert_int_equal(mmt_report_validate(ru_path("v1"), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "validate.tsv: line"));
	assert_non_null(strstr(err, "16 tab-separated columns"));
}

/* The runs scenarios/validate.sh would record for nset settings and
 * rounds rounds, as setting numbers (0-based) in order; returns how many
 * lines it printed. */
static int plan(int nset, int rounds, int *order, int max)
{
	char cmd[512], line[256];
	int n = 0, len;
	FILE *f;

	len = snprintf(cmd, sizeof(cmd), "sh scenarios/validate.sh --plan -n %d",
		       rounds);
	for (int i = 0; i < nset; i++)
		len += snprintf(cmd + len, sizeof(cmd) - (size_t)len,
				" -s vm.s%d=%d", i, i);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		int r, set;

		assert_int_equal(sscanf(line, "%d %d", &r, &set), 2);
		assert_true(n < max);
		assert_int_equal(r, n / nset + 1);	/* rounds in order */
		assert_in_range(set, 1, nset);
		order[n++] = set - 1;
	}
	assert_int_equal(pclose(f), 0);
	return n;
}

/* Each round runs every setting once, and over a whole design (nset
 * rounds, 2 x nset for odd nset) each setting follows each other one the
 * same number of times; under the old cyclic order (A B C D / B C D A)
 * D followed C in every round. */
static void test_plan_balanced(void **state)
{
	(void)state;
	for (int nset = 2; nset <= 5; nset++) {
		int rounds = nset % 2 ? 2 * nset : nset;
		int order[64], pairs[5][5] = { { 0 } }, n;

		n = plan(nset, rounds, order, 64);
		assert_int_equal(n, nset * rounds);
		for (int r = 0; r < rounds; r++) {
			int seen = 0;

			for (int k = 0; k < nset; k++)
				seen |= 1 << order[r * nset + k];
			assert_int_equal(seen, (1 << nset) - 1);
			for (int k = 1; k < nset; k++)
				pairs[order[r * nset + k - 1]][order[r * nset + k]]++;
		}
		for (int a = 0; a < nset; a++)
			for (int b = 0; b < nset; b++)
				assert_int_equal(pairs[a][b],
						 a == b ? 0 : (nset % 2 ? 2 : 1));
	}
}

/* The default suite, 4 settings x 3 rounds: no setting follows itself,
 * and none always follows the same one (its runs but the suite's first
 * have at least two different predecessors; under the old cyclic order
 * each had one). */
static void test_plan_default(void **state)
{
	int order[12], n, prev[4][4] = { { 0 } };

	(void)state;
	n = plan(4, 3, order, 12);
	assert_int_equal(n, 12);
	for (int i = 1; i < n; i++) {
		assert_int_not_equal(order[i], order[i - 1]);
		prev[order[i]][order[i - 1]]++;
	}
	for (int set = 0; set < 4; set++) {
		int kinds = 0;

		for (int p = 0; p < 4; p++)
			kinds += prev[set][p] > 0;
		assert_true(kinds >= 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_and_verdicts),
		cmocka_unit_test(test_outputs_deterministic),
		cmocka_unit_test(test_host_fits),
		cmocka_unit_test(test_fits_modes),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_plan_balanced),
		cmocka_unit_test(test_plan_default),
	};

	return cmocka_run_group_tests(tests, group_setup, ru_teardown);
}
