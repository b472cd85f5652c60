/* SPDX-License-Identifier: MIT */
/*
 * Policy replay under memory pressure: a reader streams page cache through
 * a small host; the recorded kernel reclaims (frees the oldest file pages,
 * kswapd wakes) only when free memory gets low.  Replayed with a much
 * larger vm.min_free_kbytes, the model must reclaim on its own first; the
 * pages it reclaimed are later freed by the trace (absorbed, never
 * double-freed), and a touch of a reclaimed page that the process still
 * maps is a refault.  Two replays give the same bytes.  On a two-node
 * what-if, the time series' per-node counters sum to what summary.json
 * reports, and the report's activity figure ends where its table does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "mmtrace/report.h"
#include "replay_util.h"

#define PAGES 32768

static void write_pressure_trace(const char *path)
{
	struct rk k;
	static uint64_t fifo[PAGES];
	unsigned head = 0, tail = 0, nfree = PAGES;
	uint64_t anon[64];
	struct mmt_event *e;

	assert_int_equal(rk_init(&k, PAGES, 2), 0);
	/* a process maps 64 anon pages (fault + alloc), touched later */
	for (unsigned i = 0; i < 64; i++) {
		e = rk_push(&k, MMT_EV_FAULT_USER, 1);
		e->pid = 77;
		e->addr = 0x700000000000ull + 4096ull * i;
		e->arg = 0x6;		/* user write, not present */
		anon[i] = rk_find(&k, 0, k.h.zones[0].start_pfn);
		rk_alloc_at(&k, anon[i], 0, "GFP_HIGHUSER_MOVABLE",
			    "MIGRATE_MOVABLE", 1);
		k.ev[k.nr_ev - 1].pid = 77;
		nfree--;
	}
	for (unsigned i = 0; i < 3 * PAGES; i++) {
		uint64_t p;

		if (nfree < PAGES / 16) {	/* the kernel's kswapd */
			e = rk_push(&k, MMT_EV_KSWAPD_WAKE, 0);
			for (unsigned j = 0; j < PAGES / 8; j++) {
				p = fifo[tail++ % PAGES];
				e = rk_push(&k, MMT_EV_FILEMAP_DEL, 0);
				e->pfn = p;
				rk_free(&k, p, 0, 0);
				nfree++;
			}
		}
		p = rk_find(&k, 0, k.h.zones[0].start_pfn);
		assert_true(p != UINT64_MAX);
		rk_alloc_at(&k, p, 0, "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE",
			    0);
		e = rk_push(&k, MMT_EV_FILEMAP_ADD, 0);
		e->pfn = p;
		fifo[head++ % PAGES] = p;
		nfree--;
	}
	/* the process touches its pages again (write-protect faults on
	 * present pages, error code bit 0) */
	for (unsigned i = 0; i < 64; i++) {
		e = rk_push(&k, MMT_EV_FAULT_USER, 1);
		e->pid = 77;
		e->addr = 0x700000000000ull + 4096ull * i;
		e->arg = 0x7;
	}
	assert_int_equal(rk_write(&k, path, 0), 0);
	rk_free_all(&k);
}

static char *summary_of(const char *dir)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	return ru_slurp(path, NULL);
}

static uint64_t key(const char *json, const char *name)
{
	char pat[80];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", name);
	p = strstr(json, pat);
	assert_non_null(p);
	return strtoull(p + strlen(pat), NULL, 10);
}

static void test_pressure(void **state)
{
	const char *t = ru_path("press.mmt");
	const char *sets[] = { "vm.min_free_kbytes=16384" };
	struct mmt_replay_result res;
	char err[512], *a, *b;

	(void)state;
	write_pressure_trace(t);
	assert_int_equal(ru_replay(t, ru_path("p1"), MMT_REPLAY_POLICY, NULL,
				   sets, 1, &res, err, sizeof(err)), 0);
	a = summary_of(ru_path("p1"));
	assert_non_null(a);
	fprintf(stderr, "kernel kswapd wakes %llu; model kswapd wakes %llu, "
		"direct reclaims %llu, reclaimed %llu, absorbed %llu, "
		"unmatched %llu, refaults %llu, oom %llu\n",
		(unsigned long long)res.kernel_kswapd_wakes,
		(unsigned long long)res.model_kswapd_wakes,
		(unsigned long long)res.model_direct_reclaims,
		(unsigned long long)key(a, "reclaimed_pages"),
		(unsigned long long)key(a, "absorbed_frees"),
		(unsigned long long)key(a, "unmatched_frees"),
		(unsigned long long)key(a, "refaults"),
		(unsigned long long)res.oom);
	assert_true(res.kernel_kswapd_wakes > 0);
	assert_true(res.model_kswapd_wakes + res.model_direct_reclaims > 0);
	assert_true(key(a, "reclaimed_pages") > 0);
	assert_true(key(a, "absorbed_frees") > 0);
	assert_int_equal(key(a, "unmatched_frees"), 0);
	assert_int_equal(res.oom, 0);
	assert_int_equal(res.events_replayed, res.events_total);
	assert_int_equal(ru_replay(t, ru_path("p2"), MMT_REPLAY_POLICY, NULL,
				   sets, 1, NULL, err, sizeof(err)), 0);
	b = summary_of(ru_path("p2"));
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* Field `name` of a tab-separated table: the column the header row
 * names, in the row `line`; NaN-like UINT64_MAX when absent. */
static uint64_t column(const char *header, const char *line, const char *name)
{
	size_t want = (size_t)-1, c = 0;

	for (const char *h = header; *h; c++) {
		size_t n = strcspn(h, "\t\n");
		if (n == strlen(name) && !strncmp(h, name, n))
			want = c;
		h += n;
		if (*h != '\t')
			break;
		h++;
	}
	if (want == (size_t)-1)
		return UINT64_MAX;
	for (c = 0; c < want && line; c++) {
		line = strchr(line, '\t');
		line = line ? line + 1 : NULL;
	}
	return line ? strtoull(line, NULL, 10) : UINT64_MAX;
}

/* The lines of a text, split in place; n returned. */
static size_t lines_of(char *text, char **l, size_t max)
{
	size_t n = 0;

	for (char *p = strtok(text, "\n"); p && n < max; p = strtok(NULL, "\n"))
		l[n++] = p;
	return n;
}

/* One replay of the pressure trace on a two-node what-if under `sets`,
 * and its report's data (figures not drawn). */
static void check_counts(const char *t, const char *out,
			 const char *const *sets, unsigned nsets)
{
	static const struct { const char *col, *key; } pairs[] = {
		{ "kswapd_wakes", "kswapd_wakes" },
		{ "direct_reclaims", "direct_reclaim_stalls" },
		{ "compact_stalls", "compaction_stalls" },
		{ "node_reclaims", "node_reclaims" },
		{ "reclaimed_pages", "reclaimed_pages" },
		{ "pgalloc_remote", "remote_allocs" },
		{ "alloc_fail", "alloc_fail" },
	};
	static char *l[1 << 16];
	char err[512], path[600];

	assert_int_equal(ru_replay(t, out, MMT_REPLAY_POLICY, "2", sets, nsets,
				   NULL, err, sizeof(err)), 0);
	char *sum = summary_of(out);
	snprintf(path, sizeof(path), "%s/timeseries.tsv", out);
	char *ts = ru_slurp(path, NULL);
	assert_non_null(sum);
	assert_non_null(ts);
	size_t n = lines_of(ts, l, 1 << 16);
	assert_true(n > 4);
	/* the last sample: its rows share the last row's t_s; a node's
	 * counters repeat on each of its zone rows */
	uint64_t total[7] = { 0 }, busy = 0;
	int seen[8] = { 0 };
	size_t tlen = strcspn(l[n - 1], "\t");
	for (size_t i = n - 1; i > 0 && !strncmp(l[i], l[n - 1], tlen + 1); i--) {
		uint64_t node = column(l[0], l[i], "node");
		assert_true(node < 8);
		if (seen[node]++)
			continue;
		for (size_t k = 0; k < 7; k++)
			total[k] += column(l[0], l[i], pairs[k].col);
	}
	assert_int_equal(seen[0] > 0, 1);
	assert_int_equal(seen[1] > 0, 1);
	for (size_t k = 0; k < 7; k++) {
		if (total[k] != key(sum, pairs[k].key))
			fail_msg("timeseries %s sums to %llu, summary.json %s = %llu",
				 pairs[k].col, (unsigned long long)total[k],
				 pairs[k].key,
				 (unsigned long long)key(sum, pairs[k].key));
		busy += total[k];
	}
	fprintf(stderr, "%s, two nodes: kswapd wakes %llu, direct reclaims %llu, compaction stalls %llu, node reclaims %llu, reclaimed %llu, remote %llu, failures %llu\n", sets[nsets - 1], (unsigned long long)total[0], (unsigned long long)total[1], (unsigned long long)total[2], (unsigned long long)total[3], (unsigned long long)total[4], (unsigned long long)total[5], (unsigned long long)total[6]);
	assert_true(busy > 0);		/* the pressure made the model work */

	/* the report: the activity figure's data ends at the table's values */
	setenv("MMTRACE_GNUPLOT", "/bin/true", 1);	/* data, no figures */
	mmt_report_render(out, err, sizeof(err));
	unsetenv("MMTRACE_GNUPLOT");
	snprintf(path, sizeof(path), "%s/data/activity.tsv", out);
	char *act = ru_slurp(path, NULL);
	snprintf(path, sizeof(path), "%s/data/summary.tsv", out);
	char *tab = ru_slurp(path, NULL);
	assert_non_null(act);
	assert_non_null(tab);
	n = lines_of(act, l, 1 << 16);
	const char *last_all = NULL;
	for (size_t i = 1; i < n; i++)
		if (strstr(l[i], "\tall\t"))
			last_all = l[i];
	assert_non_null(last_all);
	static const char *const fig[] = { "direct_reclaims", "compact_stalls",
		"node_reclaims", "kswapd_wakes", "reclaimed_pages" };
	static const char *const row[] = { "direct_reclaim_stalls\t",
		"compaction_stalls\t", "node_reclaims\t", "kswapd_wakes\t",
		"reclaimed_pages\t" };
	for (size_t k = 0; k < 5; k++) {
		const char *r = strstr(tab, row[k]);
		assert_non_null(r);
		r = strchr(strchr(r, '\t') + 1, '\t') + 1;	/* metric, unit */
		if (column(l[0], last_all, fig[k]) != strtoull(r, NULL, 10))
			fail_msg("activity.tsv %s ends at %llu, summary.tsv says %llu",
				 fig[k], (unsigned long long)column(l[0], last_all, fig[k]),
				 strtoull(r, NULL, 10));
	}
	free(sum);
	free(ts);
	free(act);
	free(tab);
}

/* kswapd (zone_reclaim_mode 0) and node reclaim (1) on two nodes. */
static void test_figures_count_what_the_table_counts(void **state)
{
	const char *t = ru_path("press2.mmt");
	const char *zrm0[] = { "vm.min_free_kbytes=16384", "vm.zone_reclaim_mode=0" };
	const char *zrm1[] = { "vm.min_free_kbytes=16384", "vm.zone_reclaim_mode=1" };
	(void)state;

	write_pressure_trace(t);
	check_counts(t, ru_path("zrm0"), zrm0, 2);
	check_counts(t, ru_path("zrm1"), zrm1, 2);
}

/* Pages of a user allocation with no write fault before it (a fault in
 * kernel mode, a lost link) and COW copies (the page allocation after a
 * write fault on a present page) are anon LRU pages, as the kernel has
 * them: movable, so compaction makes the order-9 block of a zone they
 * fragment.  Pages the start snapshot's classes call free but its
 * free-list walk missed (freed between the two reads) start free. */
static void test_user_pages_without_fault(void **state)
{
	const char *t = ru_path("anon.mmt");
	const char *sets[] = { "vm.min_free_kbytes=128",
			       "vm.compaction_proactiveness=0" };
	enum { ZONE = 8192, USED = 8064 };
	static uint64_t pfn[USED];
	struct mmt_replay_result res;
	struct rk k;
	struct mmt_event *e;
	char err[512], path[600], *a, *vm;

	(void)state;
	assert_int_equal(rk_init(&k, ZONE, 1), 0);
	/* the walk missed the zone's last free block */
	assert_true(k.start.nr_free_blocks > 1);
	k.start.nr_free_blocks--;
	/* one page of pid 77: its write fault (error code 0x6), then a
	 * write to the present page (0x7) that copies it */
	for (unsigned i = 0; i < 2; i++) {
		e = rk_push(&k, MMT_EV_FAULT_USER, 0);
		e->pid = 77;
		e->addr = 0x700000000000ull;
		e->arg = 0x6 | i;
		rk_alloc_at(&k, rk_find(&k, 0, 0), 0, i ? "GFP_HIGHUSER_MOVABLE" :
			    "GFP_HIGHUSER_MOVABLE|__GFP_ZERO", "MIGRATE_MOVABLE", 0);
		k.ev[k.nr_ev - 1].pid = 77;
	}
	/* user pages without faults fill the zone; every other one goes */
	for (unsigned i = 0; i < USED; i++)
		pfn[i] = rk_alloc_at(&k, rk_find(&k, 0, 0), 0,
				     "GFP_HIGHUSER_MOVABLE|__GFP_ZERO",
				     "MIGRATE_MOVABLE", 0);
	for (unsigned i = 0; i < USED; i += 2)
		rk_free(&k, pfn[i], 0, 0);
	/* a THP request: only direct compaction has an order-9 block.  The
	 * synthetic kernel has none free either: its compaction (not in
	 * this trace) emptied the second block, whose first page it freed;
	 * the replay knows an allocation by that page */
	assert_int_equal(rk_find(&k, 9, 0), UINT64_MAX);
	uint64_t thp = k.h.zones[0].start_pfn + 1024;

	assert_true(rk_range_free(&k, thp, 0));
	memset(k.free + thp, 1, 512);
	rk_alloc_at(&k, thp, 9, "GFP_TRANSHUGE", "MIGRATE_MOVABLE", 0);
	assert_int_equal(rk_write(&k, t, 0), 0);
	rk_free_all(&k);

	assert_int_equal(ru_replay(t, ru_path("anon"), MMT_REPLAY_POLICY, NULL,
				   sets, 2, &res, err, sizeof(err)), 0);
	a = summary_of(ru_path("anon"));
	assert_non_null(a);
	snprintf(path, sizeof(path), "%s/vmstat.tsv", ru_path("anon"));
	vm = ru_slurp(path, NULL);
	assert_non_null(vm);
	fprintf(stderr, "anon_without_fault %llu, fault_touches %llu, "
		"alloc_fail %llu, oom %llu\n",
		(unsigned long long)key(a, "anon_without_fault"),
		(unsigned long long)key(a, "fault_touches"),
		(unsigned long long)res.alloc_fail,
		(unsigned long long)res.oom);
	assert_int_equal(key(a, "anon_without_fault"), USED);	/* not the COW */
	assert_int_equal(key(a, "fault_touches"), 1);
	assert_int_equal(res.alloc_fail, 0);
	assert_int_equal(res.oom, 0);
	const char *cs = strstr(vm, "\ncompact_success\t");
	assert_non_null(cs);
	assert_true(strtoull(cs + strlen("\ncompact_success\t"), NULL, 10) >= 1);
	free(a);
	free(vm);
}

/* The model's free pages at the end (zones.tsv's "end" rows). */
static uint64_t zones_end_free(const char *dir)
{
	char path[600], *z, *line;
	uint64_t sum = 0;

	snprintf(path, sizeof(path), "%s/zones.tsv", dir);
	z = ru_slurp(path, NULL);
	assert_non_null(z);
	for (line = strstr(z, "\nend\t"); line; line = strstr(line + 1, "\nend\t")) {
		char *eol = strchr(line + 1, '\n'), *tab;

		if (eol)
			*eol = 0;
		tab = strrchr(line + 1, '\t');	/* nr_free, the last column */
		assert_non_null(tab);
		sum += strtoull(tab + 1, NULL, 10);
		if (eol)
			*eol = '\n';
	}
	free(z);
	return sum;
}

/* Allocations the kernel failed (mm_page_alloc with no page: NORETRY
 * write folios): the model makes each request and gives a page it gets
 * straight back, so its free memory ends where the same trace without
 * them leaves it; neither a failure of the model nor a page held. */
static uint64_t end_free(int with_failures, uint64_t *fails, uint64_t *placed,
			 uint64_t *over_live, uint64_t *demand_fail)
{
	const char *t = ru_path("kfail.mmt"), *out = ru_path("kfail");
	struct mmt_replay_result res;
	struct rk k;
	char err[512], *a;

	assert_int_equal(rk_init(&k, 8192, 1), 0);
	for (unsigned i = 0; i < 64; i++) {
		rk_alloc_at(&k, rk_find(&k, 0, 0), 0, "GFP_KERNEL",
			    "MIGRATE_UNMOVABLE", 0);
		if (with_failures && !(i % 4)) {
			struct mmt_event *e = rk_push(&k, MMT_EV_PAGE_ALLOC, 0);

			e->pfn = MMT_NO_PFN;
			e->order = 4;
			e->gfp = mmt_synth_gfp(&k.h, "GFP_HIGHUSER_MOVABLE|"
					       "__GFP_WRITE|__GFP_NOWARN|"
					       "__GFP_NORETRY|__GFP_COMP");
			e->mt = mmt_synth_mt(&k.h, "MIGRATE_MOVABLE");
		}
	}
	assert_int_equal(rk_write(&k, t, 0), 0);
	rk_free_all(&k);
	assert_int_equal(ru_replay(t, out, MMT_REPLAY_POLICY, NULL, NULL, 0,
				   &res, err, sizeof(err)), 0);
	a = summary_of(out);
	assert_non_null(a);
	*fails = key(a, "kernel_alloc_fail");
	*placed = key(a, "kernel_alloc_fail_model_placed");
	*over_live = key(a, "alloc_over_live");
	*demand_fail = key(a, "demand_alloc_fail");
	free(a);
	return zones_end_free(out);
}

static void test_kernel_failed_allocs(void **state)
{
	uint64_t f, p, o, d;
	(void)state;
	uint64_t plain = end_free(0, &f, &p, &o, &d);

	assert_int_equal(f, 0);
	assert_int_equal(end_free(1, &f, &p, &o, &d), plain);
	assert_int_equal(f, 16);
	assert_int_equal(p, 16);
	assert_int_equal(o, 0);
	assert_int_equal(d, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pressure),
		cmocka_unit_test(test_figures_count_what_the_table_counts),
		cmocka_unit_test(test_user_pages_without_fault),
		cmocka_unit_test(test_kernel_failed_allocs),
	};

	return cmocka_run_group_tests(tests, ru_setup, ru_teardown);
}
