/* SPDX-License-Identifier: MIT */
/*
 * kswapd in simulated time (mmcore/kswapd.c, after mm/vmscan.c kswapd(),
 * balance_pgdat(), kswapd_try_to_sleep()): a run takes time and the
 * workload goes on meanwhile; the HZ/10 nap and the wake-ups that end it
 * early (kswapd_low_wmark_hit_quickly) or find the node unbalanced
 * (kswapd_high_wmark_hit_quickly); pageoutrun per balance_pgdat() call;
 * the per-order goal that falls back to order 0; a hopeless node; a
 * round's folios freed as the round goes.
 */
#include "reclaim_testlib.h"

#define MS 1000000ull

static struct mmc *one_node(void)
{
	struct tl_spec s;

	tl_spec_default(&s);
	s.proactiveness = 0;
	return tl_create(&s);
}

static uint64_t ev(struct mmc *m, int item)
{
	struct mmc_vmstat vs;

	mmc_vmstat(m, &vs);
	return vs.ev[item];
}

/* Fill the zone with clean page cache until `keep` pages are free. */
static void fill_to(struct mmc *m, uint64_t keep)
{
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t pfn = z->start_pfn;

	while (z->nr_free + z->nr_free_pcp > keep) {
		while (page_class(z->page[pfn_to_idx(z, pfn)]) != MMC_PC_FREE)
			pfn++;
		tl_fill(m, pfn, 1, MMC_PC_FILE);
	}
}

/* Every even page of the zone kernel memory, every odd one clean page
 * cache. */
static void fill_kernel_and_cache(struct mmc *m, struct mmc_zone *z)
{
	for (uint64_t i = 0; i < z->managed; i++)
		tl_fill(m, z->start_pfn + i, 1,
			i & 1 ? MMC_PC_FILE : MMC_PC_KERNEL);
}

/* ZONE_RECLAIM_ACTIVE: while kswapd is in balance_pgdat() a free keeps
 * at most four batches on the zone's pcp list (nr_pcp_high()), the rest
 * goes back to the buddy allocator where the watermarks see it; once the
 * call ends the list may hold up to pcp->high again. */
static void reclaim_active_trims_pcp(void **state)
{
	struct mmc_bg_costs c;
	struct mmc_result res;
	uint64_t pfns[1024];
	(void)state;

	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);
	uint32_t batch = z->pcp_batch, n = 8 * batch;

	assert_true(n <= 1024);
	mmc_bg_costs_defaults(&c);
	c.reclaim_round_ns = 2 * MS;		/* slow rounds */
	assert_int_equal(mmc_set_bg_costs(m, &c), 0);
	mmc_tick(m, 1000 * MS);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
		pfns[i] = res.pfn;
	}
	fill_to(m, low_wmark_pages(z) - 10);
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	assert_true(m->nodes[0].kswapd_awake);
	assert_true(z->reclaim_active);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(mmc_free(m, pfns[i], 0, 0, &res), 0);
	assert_true(z->pcp[0].count <= 4 * batch);
	/* the call ends: no longer active */
	mmc_tick(m, 1200 * MS);
	assert_false(z->reclaim_active);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
		pfns[i] = res.pfn;
	}
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(mmc_free(m, pfns[i], 0, 0, &res), 0);
	assert_true(z->pcp[0].count > 4 * batch);
	mmc_destroy(m);
}

/* A wake starts a balance_pgdat() run (pageoutrun, mm_vmscan_kswapd_wake,
 * mm_vmscan_wakeup_kswapd); the run takes simulated time at the
 * background costs, so a tick right after the wake has done only part of
 * it; the node ends balanced at the high mark, kswapd naps 100 ms and
 * only then sleeps (mm_vmscan_kswapd_sleep). */
static void run_takes_time_then_naps(void **state)
{
	struct mmc_bg_costs c;
	(void)state;

	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);
	mmc_bg_costs_defaults(&c);
	c.reclaim_round_ns = 0;
	assert_int_equal(mmc_set_bg_costs(m, &c), -1);	/* must take time */
	c.reclaim_round_ns = 2 * MS;		/* slow rounds */
	assert_int_equal(mmc_set_bg_costs(m, &c), 0);

	mmc_tick(m, 1000 * MS);
	fill_to(m, low_wmark_pages(z) - 10);
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	assert_int_equal(ev(m, MMC_PAGEOUTRUN), 1);
	assert_int_equal(ev(m, MMC_TP_KSWAPD_WAKE), 1);
	assert_int_equal(ev(m, MMC_TP_WAKEUP_KSWAPD), 1);
	assert_true(m->nodes[0].kswapd_awake);

	/* 1 ms later: one round, at DEF_PRIORITY (lru_size >> 12 pages of
	 * the inactive file list), still below the high mark */
	mmc_tick(m, 1001 * MS);
	uint64_t early = ev(m, MMC_PGSTEAL_KSWAPD);
	assert_true(early > 0);
	assert_true(ev(m, MMC_PGSCAN_KSWAPD) <= (z->managed >> 12) + 1);
	assert_true(m->nodes[0].kswapd_awake);
	assert_false(zone_watermark_ok(z, 0, high_wmark_pages(z),
				       MMC_ZONE_NORMAL, 0));

	/* seven rounds of 2 ms (priority 12 to 6) balance the node; then
	 * it naps 100 ms (no kswapd_sleep yet), then sleeps */
	mmc_tick(m, 1050 * MS);
	assert_false(m->nodes[0].kswapd_awake);
	assert_true(zone_watermark_ok(z, 0, high_wmark_pages(z),
				      MMC_ZONE_NORMAL, 0));
	assert_true(ev(m, MMC_PGSTEAL_KSWAPD) > early);
	assert_true(ev(m, MMC_PGSCAN_KSWAPD) >= ev(m, MMC_PGSTEAL_KSWAPD));
	assert_int_equal(ev(m, MMC_TP_KSWAPD_SLEEP), 0);
	mmc_tick(m, 1200 * MS);
	assert_int_equal(ev(m, MMC_TP_KSWAPD_SLEEP), 1);
	assert_int_equal(ev(m, MMC_PAGEOUTRUN), 1);
	assert_int_equal(ev(m, MMC_KSWAPD_LOW_WMARK_HIT_QUICKLY), 0);
	assert_int_equal(ev(m, MMC_KSWAPD_HIGH_WMARK_HIT_QUICKLY), 0);
	tl_check(m);
	mmc_destroy(m);
}

/* A round's folios reach the free lists as kswapd gets to them
 * (shrink_folio_list() frees each batch when it finishes it), not all at
 * the round's start: with 1 us a round and 10 us a page freed, a tick
 * 36 us into the first round sees 3 pages freed while the round has
 * taken more off the LRU (counted in pgsteal_kswapd, class isolated
 * meanwhile); once kswapd is done every page is free.  Free on the pcp
 * list of kswapd's cpu first (free_unref_folios()), so both counts. */
static void round_frees_as_it_goes(void **state)
{
	struct mmc_bg_costs c = { .reclaim_scan_ns = 0,
				  .reclaim_page_ns = 10000,
				  .reclaim_round_ns = 1000,
				  .reclaim_run_ns = 0 };
	(void)state;

	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);
	const uint64_t t0 = 1000 * MS;

	assert_int_equal(mmc_set_bg_costs(m, &c), 0);
	mmc_tick(m, t0);
	fill_to(m, low_wmark_pages(z) - 10);
	mmc_drain_all(m);
	uint64_t free0 = z->nr_free + z->nr_free_pcp;

	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	mmc_tick(m, t0 + 36000);
	uint64_t stolen = ev(m, MMC_PGSTEAL_KSWAPD);

	assert_int_equal(z->nr_free + z->nr_free_pcp - free0, 3);
	assert_int_equal(z->nr_free_pcp, 3);
	assert_true(stolen > 3);
	assert_int_equal(m->nodes[0].nr_class[PC_ISOLATED], stolen - 3);
	tl_check(m);
	/* done and napping: nothing left in flight, the node balanced */
	mmc_tick(m, t0 + 60 * MS);
	assert_false(m->nodes[0].kswapd_awake);
	assert_int_equal(m->nodes[0].nr_class[PC_ISOLATED], 0);
	assert_int_equal(z->nr_free + z->nr_free_pcp - free0,
			 ev(m, MMC_PGSTEAL_KSWAPD));
	assert_true(zone_watermark_ok(z, 0, high_wmark_pages(z),
				      MMC_ZONE_NORMAL, 0));
	tl_check(m);
	mmc_destroy(m);
}

/* A wake during the nap ends it early (kswapd_low_wmark_hit_quickly)
 * and starts another run; a balanced node during the nap is not woken. */
static void wake_during_nap(void **state)
{
	(void)state;

	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);

	mmc_tick(m, 1000 * MS);
	fill_to(m, low_wmark_pages(z) - 10);
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	mmc_tick(m, 1050 * MS);		/* balanced, napping */
	assert_false(m->nodes[0].kswapd_awake);
	assert_int_equal(ev(m, MMC_TP_KSWAPD_SLEEP), 0);
	/* balanced: the request does not wake it */
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	assert_int_equal(ev(m, MMC_TP_WAKEUP_KSWAPD), 1);
	/* the workload eats into the free pages again */
	fill_to(m, low_wmark_pages(z) - 10);
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	assert_int_equal(ev(m, MMC_TP_WAKEUP_KSWAPD), 2);
	assert_int_equal(ev(m, MMC_KSWAPD_LOW_WMARK_HIT_QUICKLY), 1);
	assert_int_equal(ev(m, MMC_PAGEOUTRUN), 2);
	assert_true(m->nodes[0].kswapd_awake);
	/* while it runs, requests only record the order (not on its queue) */
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	assert_int_equal(ev(m, MMC_TP_WAKEUP_KSWAPD), 2);
	mmc_tick(m, 2000 * MS);
	assert_int_equal(ev(m, MMC_TP_KSWAPD_SLEEP), 1);
	tl_check(m);
	mmc_destroy(m);
}

/* Nothing reclaimable (anon, no swap): each run fails; after
 * MAX_RECLAIM_RETRIES failed runs the node is hopeless, kswapd sleeps
 * and wake-ups leave it to direct reclaim.  Every run that could not nap
 * because the node stayed unbalanced counts
 * kswapd_high_wmark_hit_quickly. */
static void hopeless_node(void **state)
{
	(void)state;

	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);

	mmc_tick(m, 1000 * MS);
	tl_fill(m, z->start_pfn, z->managed - (min_wmark_pages(z) + 10),
		MMC_PC_ANON);
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	mmc_tick(m, 3000 * MS);
	assert_int_equal(m->nodes[0].kswapd_failures, 16);
	assert_int_equal(ev(m, MMC_PAGEOUTRUN), 16);
	assert_int_equal(ev(m, MMC_KSWAPD_HIGH_WMARK_HIT_QUICKLY), 15);
	assert_int_equal(ev(m, MMC_PGSTEAL_KSWAPD), 0);
	assert_int_equal(ev(m, MMC_TP_KSWAPD_SLEEP), 1);
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	assert_int_equal(ev(m, MMC_TP_WAKEUP_KSWAPD), 1);
	tl_check(m);
	mmc_destroy(m);
}

/* The per-order goal: woken for order 9 on a node whose free memory is
 * all order 0, kswapd reclaims twice the order's size (compact_gap) and
 * then balances for order 0 (sc.order reset), waking kcompactd for the
 * order asked. */
static void high_order_falls_back_to_order0(void **state)
{
	(void)state;

	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);

	mmc_tick(m, 1000 * MS);
	/* pages 4k and 4k + 2 kernel, 4k + 1 and 4k + 3 page cache, then
	 * 4k + 2 freed: a quarter free, and reclaim can never make a free
	 * block above order 1 */
	fill_kernel_and_cache(m, z);
	for (uint64_t i = 2; i < z->managed; i += 4)
		assert_int_equal(mmc_free(m, z->start_pfn + i, 0, 0, NULL), 0);
	mmc_drain_all(m);
	assert_true(z->nr_free > high_wmark_pages(z));
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 9, MMC_ZONE_NORMAL);
	assert_int_equal(ev(m, MMC_PAGEOUTRUN), 1);
	mmc_tick(m, 1100 * MS);
	assert_false(m->nodes[0].kswapd_awake);
	/* at least compact_gap(9) = 1024 pages, and not the whole LRU */
	assert_true(ev(m, MMC_PGSTEAL_KSWAPD) >= 1024);
	assert_true(ev(m, MMC_PGSTEAL_KSWAPD) < z->managed / 4);
	assert_int_equal(ev(m, MMC_PAGEOUTRUN), 1);
	/* kcompactd was handed the order (it runs at its own tick) */
	mmc_tick(m, 1200 * MS);
	assert_true(ev(m, MMC_COMPACT_DAEMON_WAKE) >= 1);
	tl_check(m);
	mmc_destroy(m);
}

/* An order-9 wake-up on a node with no free memory: should_continue_reclaim()
 * keeps a pass going until compaction would be suitable, and the folios
 * kswapd has reclaimed count towards that though the model frees them
 * only as kswapd's clock gets to them (the kernel's shrink_folio_list()
 * has freed them by then).  Uncounted, the first round went on through
 * the whole inactive file list. */
static void reclaim_in_flight_counts(void **state)
{
	(void)state;

	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);

	mmc_tick(m, 1000 * MS);
	/* every other page kernel, the rest clean page cache: nothing
	 * free, and reclaim can never make a free block above order 0 */
	fill_kernel_and_cache(m, z);
	mmc_drain_all(m);
	assert_true(z->nr_free < min_wmark_pages(z));
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 9, MMC_ZONE_NORMAL);
	mmc_tick(m, 1100 * MS);
	/* until min + compact_gap(9) is free (2,638 pages here), not
	 * through the 16,384 pages of page cache (12,289 without
	 * counting them) */
	assert_true(ev(m, MMC_PGSTEAL_KSWAPD) >= 1024);
	assert_true(ev(m, MMC_PGSTEAL_KSWAPD) < z->managed / 8);
	tl_check(m);
	mmc_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_takes_time_then_naps),
		cmocka_unit_test(reclaim_active_trims_pcp),
		cmocka_unit_test(round_frees_as_it_goes),
		cmocka_unit_test(wake_during_nap),
		cmocka_unit_test(hopeless_node),
		cmocka_unit_test(high_order_falls_back_to_order0),
		cmocka_unit_test(reclaim_in_flight_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
