/* SPDX-License-Identifier: MIT */
/*
 * vm.defrag_mode (6.15+, mm/page_alloc.c): with the sysctl set, an
 * allocation that finds no free page of its migratetype claims whole
 * pageblocks only (ALLOC_NOFRAGMENT on every attempt), wakes kswapd for a
 * pageblock, reclaims and compacts before it falls back, and falls back
 * (steals from a partly used block) only when that has failed; a request
 * that cannot enter reclaim fails instead.
 *
 * kswapd and kcompactd then aim at the high mark in free whole
 * pageblocks (NR_FREE_PAGES_BLOCKS), not in free pages.
 *
 * The hosts: one node, one Normal zone of 64 pageblocks, every page
 * allocated (unmovable kernel pages in MOVABLE pageblocks) except where a
 * test frees some.
 */
#include "reclaim_testlib.h"

static struct mmc *create(int defrag_mode, int min_free_kbytes)
{
	struct tl_spec s;

	tl_spec_default(&s);
	s.min_free_kbytes = min_free_kbytes;
	s.defrag_mode = defrag_mode;
	s.proactiveness = 0;
	return tl_create(&s);
}

/* Pageblock 0: 128 free pages, then 384 pages of `rest`. */
static struct mmc *host(int defrag_mode, int rest)
{
	struct mmc *m = create(defrag_mode, 0);	/* low 32, high 64 */
	uint64_t start = tl_start(m, 0);

	tl_fill(m, start + 128, 384, rest);
	tl_fill(m, start + 512, tl_zone(m, 0)->managed - 512, MMC_PC_KERNEL);
	assert_int_equal(tl_zone(m, 0)->nr_free, 128);
	return m;
}

static int block0_mt(struct mmc *m)
{
	return tl_zone(m, 0)->pageblock_mt[0];
}

static void test_policy_knob(void **state)
{
	struct mmc_policy p;
	char err[256];

	(void)state;
	mmc_policy_defaults(&p);
	assert_int_equal(p.defrag_mode, 0);
	assert_int_equal(mmc_policy_set(&p, "vm.defrag_mode", "1", err, sizeof(err)), 0);
	assert_int_equal(p.defrag_mode, 1);
	assert_int_equal(mmc_policy_set(&p, "vm.defrag_mode", "2", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "vm.defrag_mode"));
	assert_int_equal(mmc_policy_set(&p, "vm.defrag_mode", "-1", err, sizeof(err)), -1);
}

/* Pageblock 0's other pages are clean page cache.  Without defrag_mode
 * the fast path steals one free page and pollutes the movable block;
 * with it, reclaim empties the block first and the allocation claims
 * it whole. */
static void test_reclaims_before_polluting(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vs;
	(void)state;

	struct mmc *m = host(0, MMC_PC_FILE);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_FALLBACK);
	assert_false(res.path & (MMC_PATH_SLOWPATH | MMC_PATH_DIRECT_RECLAIM));
	assert_false(res.path & MMC_PATH_STEAL);
	assert_int_equal(block0_mt(m), MIGRATE_MOVABLE);	/* polluted */
	tl_check(m);
	mmc_destroy(m);

	m = host(1, MMC_PC_FILE);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_SLOWPATH);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	assert_true(res.path & MMC_PATH_STEAL);		/* claimed whole */
	assert_int_equal(block0_mt(m), MIGRATE_UNMOVABLE);
	assert_true(res.pfn - tl_start(m, 0) < 512);
	mmc_vmstat(m, &vs);
	assert_true(vs.direct_reclaimed >= 384);
	/* wake_all_kswapds() asked kswapd for a whole pageblock */
	assert_int_equal(m->nodes[0].kswapd_order, pageblock_order);
	tl_check(m);
	mmc_destroy(m);
}

/* Nothing to reclaim or compact (the block's other pages are kernel
 * pages): defrag_mode falls back after all rather than fail, through the
 * slow path; the block counts as claimable (384 unmovable pages). */
static void test_falls_back_when_reclaim_fails(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vs;
	(void)state;

	for (int dm = 0; dm < 2; dm++) {
		struct mmc *m = host(dm, MMC_PC_KERNEL);

		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
		assert_true(res.path & MMC_PATH_FALLBACK);
		assert_int_equal(!!(res.path & MMC_PATH_SLOWPATH), dm);
		assert_false(res.path & MMC_PATH_OOM);
		assert_int_equal(block0_mt(m), MIGRATE_UNMOVABLE);
		mmc_vmstat(m, &vs);
		assert_int_equal(vs.oom, 0);
		assert_int_equal(vs.alloc_fail, 0);
		tl_check(m);
		mmc_destroy(m);
	}
}

/* An allocation that may not reclaim (GFP_ATOMIC) never gets past the
 * slow path's first attempt: with defrag_mode it fails rather than
 * pollute a pageblock, as __alloc_pages_slowpath() goes to nopage. */
static void test_atomic_fails_rather_than_fragments(void **state)
{
	struct mmc_result res;
	(void)state;

	struct mmc *m = host(0, MMC_PC_FILE);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_ATOMIC, 0, &res), 0);
	assert_true(res.path & MMC_PATH_FALLBACK);
	mmc_destroy(m);

	m = host(1, MMC_PC_FILE);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_ATOMIC, 0, &res), -1);
	assert_true(res.path & MMC_PATH_SLOWPATH);
	assert_false(res.path & MMC_PATH_FALLBACK);
	assert_int_equal(block0_mt(m), MIGRATE_MOVABLE);
	assert_int_equal(tl_zone(m, 0)->nr_free, 128);
	tl_check(m);
	mmc_destroy(m);
}

/* Every other page of [pfn, pfn + nr) freed (to the buddy lists). */
static void free_every_other(struct mmc *m, uint64_t pfn, uint64_t nr)
{
	for (uint64_t i = 0; i < nr; i += 2)
		assert_int_equal(mmc_free(m, pfn + i, 0, 0, NULL), 0);
	mmc_drain_all(m);
}

/* pgdat_balanced(): one free pageblock and 1024 scattered free pages
 * meet the high mark (384) at order 9 in free pages, not in pageblocks:
 * under defrag_mode an order-9 wake finds the node unbalanced. */
static void test_kswapd_balances_in_pageblocks(void **state)
{
	(void)state;
	for (int dm = 0; dm < 2; dm++) {
		struct mmc *m = create(dm, 1024);	/* min 256, high 384 */
		struct mmc_zone *z = tl_zone(m, 0);
		uint64_t start = tl_start(m, 0);

		tl_fill(m, start + 512, z->managed - 512, MMC_PC_KERNEL);
		free_every_other(m, start + 512, 2048);
		assert_int_equal(z->_watermark[WMARK_HIGH], 384);
		assert_int_equal(zone_free_pages_blocks(z), 512);
		wakeup_kswapd(m, z, MMC_GFP_KERNEL, pageblock_order,
			      MMC_ZONE_NORMAL);
		assert_int_equal(m->vm.ev[MMC_TP_WAKEUP_KSWAPD], dm);
		assert_int_equal(m->nodes[0].kswapd_awake, dm);
		tl_check(m);
		mmc_destroy(m);
	}
}

/* kcompactd at order 9, pageblock 0 free and pageblocks 1-8 half free,
 * half page cache: by default an order-9 page is already there and
 * kcompactd has nothing to do; under defrag_mode it compacts until free
 * whole pageblocks meet the high mark (384 + 511). */
static void test_kcompactd_compacts_to_the_high_mark(void **state)
{
	uint64_t blocks[2], migrated[2];
	(void)state;

	for (int dm = 0; dm < 2; dm++) {
		struct mmc *m = create(dm, 1024);
		struct mmc_zone *z = tl_zone(m, 0);
		uint64_t start = tl_start(m, 0);

		tl_fill(m, start + 512, 4096, MMC_PC_FILE);
		tl_fill(m, start + 4608, z->managed - 4608, MMC_PC_KERNEL);
		free_every_other(m, start + 512, 4096);
		assert_int_equal(zone_free_pages_blocks(z), 512);
		wakeup_kcompactd(m, 0, pageblock_order, MMC_ZONE_NORMAL);
		compaction_tick(m, 1);
		blocks[dm] = zone_free_pages_blocks(z);
		migrated[dm] = m->vm.ev[MMC_PGMIGRATE_SUCCESS];
		tl_check(m);
		mmc_destroy(m);
	}
	assert_int_equal(blocks[0], 512);
	assert_int_equal(migrated[0], 0);
	assert_true(blocks[1] >= 1024);
	assert_true(migrated[1] >= 256);	/* a half-used block emptied */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_knob),
		cmocka_unit_test(test_reclaims_before_polluting),
		cmocka_unit_test(test_falls_back_when_reclaim_fails),
		cmocka_unit_test(test_atomic_fails_rather_than_fragments),
		cmocka_unit_test(test_kswapd_balances_in_pageblocks),
		cmocka_unit_test(test_kcompactd_compacts_to_the_high_mark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
