/* SPDX-License-Identifier: MIT */
/*
 * Allocation-path bookkeeping that replay compares with the kernel:
 *  - node reclaim is reported (MMC_PATH_NODE_RECLAIM, and the calls that
 *    scan: node_reclaims - node_reclaim_full - node_reclaim_noscan) only
 *    when node_reclaim() scans, as mm_vmscan_node_reclaim_begin fires
 *    only in __node_reclaim();
 *  - an allocation that succeeds after direct compaction resets the
 *    zone's compaction deferral (compaction_defer_reset(zone, order,
 *    true) in __alloc_pages_direct_compact).
 */
#include "reclaim_testlib.h"

static void node_reclaim_scans_only(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vs;
	struct tl_spec s;
	(void)state;

	tl_spec_default(&s);
	s.nr_nodes = 2;
	s.zone_reclaim_mode = 1;
	/* node 0 full of unreclaimable kernel pages: node_reclaim() returns
	 * NODE_RECLAIM_FULL without scanning */
	struct mmc *m = tl_create(&s);
	tl_fill(m, tl_start(m, 0), tl_zone(m, 0)->managed, MMC_PC_KERNEL);
	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_int_equal(res.node, 1);
	assert_false(res.path & MMC_PATH_NODE_RECLAIM);
	mmc_vmstat(m, &vs);
	assert_int_equal(vs.node_reclaims, 1);
	assert_int_equal(vs.node_reclaim_full, 1);
	assert_int_equal(vs.node_reclaims - vs.node_reclaim_full -
			 vs.node_reclaim_noscan, 0);
	tl_check(m);
	mmc_destroy(m);

	/* node 0 full of clean page cache: node_reclaim() scans */
	m = tl_create(&s);
	tl_fill(m, tl_start(m, 0), tl_zone(m, 0)->managed, MMC_PC_FILE);
	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_NODE_RECLAIM);
	assert_true(res.node_reclaimed > 0);
	mmc_vmstat(m, &vs);
	assert_int_equal(vs.node_reclaims - vs.node_reclaim_full -
			 vs.node_reclaim_noscan, 1);
	tl_check(m);
	mmc_destroy(m);
}

static enum compact_result sync_compact(struct mmc *m)
{
	return try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9, ALLOC_WMARK_MIN,
				    0, MMC_ZONE_NORMAL,
				    COMPACT_PRIO_SYNC_LIGHT, 0, NULL, NULL);
}

static void relabel_allocated(struct mmc *m, int cls)
{
	struct mmc_zone *z = tl_zone(m, 0);

	for (uint64_t p = z->start_pfn; p < z->start_pfn + z->managed; p++) {
		pgstate_t st = z->page[pfn_to_idx(z, p)];

		if (!page_allocated(st) || page_class(st) == (unsigned)cls)
			continue;
		if (cls == MMC_PC_ANON)
			assert_int_equal(mmc_lru_add(m, p, 0, cls), 0);
		else
			assert_int_equal(mmc_seed_class(m, p, 1, cls), 0);
	}
}

static void compaction_success_resets_deferral(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vs;
	struct tl_spec s;
	(void)state;

	tl_spec_default(&s);
	s.proactiveness = 0;
	struct mmc *m = tl_create(&s);
	/* unmovable pages everywhere: a sync attempt fails and defers */
	tl_fill_holes(m, tl_start(m, 0), MMC_PC_KERNEL);
	assert_int_equal(sync_compact(m), COMPACT_PARTIAL_SKIPPED);
	/* the pages become movable; the failed pass left every pageblock
	 * with its skip hint, which kswapd clears when it goes to sleep
	 * (reset_isolation_suitable): then the allocation compacts and
	 * succeeds */
	relabel_allocated(m, MMC_PC_ANON);
	reset_isolation_suitable(m, 0);
	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_HIGHUSER_MOVABLE |
				   MMC___GFP_COMP, 0, &res), 0);
	assert_true(res.path & MMC_PATH_COMPACT);
	mmc_vmstat(m, &vs);
	assert_true(vs.compact_success >= 1);
	/* unmovable again: the next failure defers from shift 0 (one
	 * attempt skipped), not from where the earlier failures left it.
	 * The allocation's compaction stopped at the block it captured,
	 * near the zone's start, so this pass starts at or below
	 * compact_init_migrate_pfn: a whole-zone pass, COMPLETE */
	relabel_allocated(m, MMC_PC_KERNEL);
	assert_int_equal(sync_compact(m), COMPACT_COMPLETE);
	assert_int_equal(sync_compact(m), COMPACT_DEFERRED);
	/* the pass that met reset the scanners to where kswapd's reset put
	 * the lowest source (compact_init_migrate_pfn): a whole-zone pass */
	assert_int_equal(sync_compact(m), COMPACT_COMPLETE);
	tl_check(m);
	mmc_destroy(m);
}

static uint64_t ev(struct mmc *m, int item)
{
	struct mmc_vmstat vs;

	mmc_vmstat(m, &vs);
	return vs.ev[item];
}

/* __alloc_pages_slowpath() for an order-2 GFP_KERNEL allocation on a
 * zone where no block above order 1 can form (pages 4k, 4k + 2 kernel,
 * 4k + 1, 4k + 3 page cache), below the min mark: async compaction first
 * (unmovable high order), skipped for too few free pages (no stall);
 * then reclaim makes progress but no order-2 page; sync-light compaction
 * runs a partial pass ("withdrawn"), so should_compact_retry() raises the
 * priority to SYNC_FULL, whose whole-zone failure ends it: two compaction
 * stalls of three attempts, two direct reclaims, then the OOM path. */
static void slowpath_compaction_priorities(void **state)
{
	struct mmc_result res;
	struct tl_spec s;
	(void)state;

	tl_spec_default(&s);
	s.proactiveness = 0;
	struct mmc *m = tl_create(&s);
	struct mmc_zone *z = tl_zone(m, 0);
	for (uint64_t i = 0; i < z->managed; i++)
		tl_fill(m, z->start_pfn + i, 1,
			i & 1 ? MMC_PC_FILE : MMC_PC_KERNEL);
	/* below the min mark, so the allocation stalls */
	for (uint64_t i = 2; i < 4 * (min_wmark_pages(z) - 8); i += 4)
		assert_int_equal(mmc_free(m, z->start_pfn + i, 0, 0, NULL), 0);
	mmc_drain_all(m);
	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 2, MMC_GFP_KERNEL, 0, &res), -1);
	assert_true(res.path & MMC_PATH_OOM);
	assert_int_equal(ev(m, MMC_TP_TRY_TO_COMPACT_PAGES), 3);
	assert_int_equal(ev(m, MMC_COMPACT_STALL), 2);
	assert_int_equal(ev(m, MMC_COMPACT_FAIL), 2);
	assert_int_equal(ev(m, MMC_TP_COMPACTION_BEGIN), 2);
	assert_int_equal(ev(m, MMC_ALLOCSTALL_NORMAL), 2);
	assert_true(ev(m, MMC_PGSTEAL_DIRECT) > 0);
	assert_int_equal(ev(m, MMC_OOM_KILL), 1);
	tl_check(m);
	mmc_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_reclaim_scans_only),
		cmocka_unit_test(compaction_success_resets_deferral),
		cmocka_unit_test(slowpath_compaction_priorities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
