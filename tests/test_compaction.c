/* SPDX-License-Identifier: MIT */
/*
 * Compaction (mm/compaction.c): direct compaction turning a fragmented
 * zone into an order-9 block (migrate hook called, invariants kept),
 * compaction_suitable() against the watermark and extfrag_threshold,
 * deferral, proactive compaction above the fragmentation score, and
 * determinism.
 */
#include "reclaim_testlib.h"

static struct mmc *one_node(int proactiveness, int extfrag_threshold)
{
	struct tl_spec s;

	tl_spec_default(&s);
	s.proactiveness = proactiveness;
	s.extfrag_threshold = extfrag_threshold;
	return tl_create(&s);
}

/* Every page allocated as anon LRU, then every other page freed: no
 * free block above order 0, half the zone free. */
static void fragment(struct mmc *m)
{
	struct mmc_zone *z = tl_zone(m, 0);

	tl_fill(m, z->start_pfn, z->managed, MMC_PC_ANON);
	for (uint64_t i = 0; i < z->managed; i += 2)
		assert_int_equal(mmc_free(m, z->start_pfn + i, 0, 0, NULL), 0);
	mmc_drain_all(m);
}

struct migrate_rec {
	uint64_t calls, pages, min_from;
	bool bad;
	struct mmc *m;
};

static void migrate_fn(void *ctx, uint64_t from, uint64_t to, unsigned order)
{
	struct migrate_rec *r = ctx;
	struct mmc_zone *z = tl_zone(r->m, 0);

	if (!r->calls || from < r->min_from)
		r->min_from = from;
	r->calls++;
	r->pages += 1ull << order;
	/* the source is free now, the target holds the page; compaction
	 * moves pages from the bottom of the zone to the top */
	if (from >= to || page_class(z->page[pfn_to_idx(z, to)]) != MMC_PC_ANON ||
	    !(z->page[pfn_to_idx(z, to)] & PG_LRU))
		r->bad = true;
}

static int largest_free_order(struct mmc *m)
{
	struct mmc_zone_stats st;

	assert_int_equal(mmc_zone_stats(m, 0, &st), 0);
	return st.largest_free_order;
}

static void direct_compaction_makes_order9(void **state)
{
	struct mmc_result res;
	struct migrate_rec rec = { 0 };
	(void)state;

	struct mmc *m = one_node(0, 500);
	struct mmc_zone *z = tl_zone(m, 0);
	fragment(m);
	uint64_t free_before = z->nr_free;
	uint64_t lru_before = lru_pages(m, 0, false, false);
	assert_int_equal(largest_free_order(m), 0);
	/* fragmentation index for order 9 is near 1000: compaction, not
	 * reclaim, is the answer */
	assert_true(zone_fragmentation_index(z, 9) > 500);
	assert_true(compaction_suitable(m, z, 9, low_wmark_pages(z), MMC_ZONE_NORMAL));

	rec.m = m;
	mmc_set_migrate_hook(m, migrate_fn, &rec);
	memset(&res, 0, sizeof(res));
	enum compact_result r = try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
						     ALLOC_WMARK_MIN, 0,
						     MMC_ZONE_NORMAL,
						     COMPACT_PRIO_ASYNC, &res);
	assert_int_equal(r, COMPACT_SUCCESS);
	assert_true(res.compact_migrated >= 256);
	assert_true(res.compact_scanned >= res.compact_migrated);
	assert_true(res.path & MMC_PATH_COMPACT);
	assert_int_equal(rec.pages, res.compact_migrated);
	assert_false(rec.bad);
	assert_true(largest_free_order(m) >= 9);
	/* nothing lost: free pages and LRU pages are what they were */
	assert_int_equal(z->nr_free + z->nr_free_pcp, free_before);
	assert_int_equal(lru_pages(m, 0, false, false), lru_before);
	assert_int_equal(m->nodes[0].nr_class[PC_ISOLATED], 0);

	/* and the allocation now succeeds without more compaction */
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_TRANSHUGE, 0, &res), 0);
	assert_false(res.path & MMC_PATH_COMPACT);
	assert_true(largest_free_order(m) < 9);

	/* the next async run resumes at the cached migrate position: the
	 * first pageblock is not scanned again */
	memset(&rec, 0, sizeof(rec));
	rec.m = m;
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_ASYNC, NULL),
			 COMPACT_SUCCESS);
	assert_true(rec.calls > 0);
	assert_true(rec.min_from >= z->start_pfn + pageblock_nr_pages);
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_TRANSHUGE, 0, &res), 0);
	lru_before = lru_pages(m, 0, false, false);

	/* every page that moved is still reclaimable (LRU entry moved) */
	mmc_set_swap(m, 1u << 20);
	uint64_t got = 0, n;
	while ((n = try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
				      MMC_ZONE_NORMAL, NULL)) > 0)
		got += n;
	assert_int_equal(got, lru_before);
	tl_check(m);
	mmc_destroy(m);
}

/* Direct reclaim for a costly order stops where compaction can do the
 * job (compaction_ready) and reports progress without reclaiming. */
static void reclaim_defers_to_compaction(void **state)
{
	struct mmc_result res;
	(void)state;

	struct mmc *m = one_node(0, 500);
	fragment(m);		/* anon only, no swap: nothing reclaimable */
	memset(&res, 0, sizeof(res));
	assert_int_equal(try_to_free_pages(m, 0, MMC_GFP_KERNEL, 9,
					   MMC_ZONE_NORMAL, &res), 1);
	assert_int_equal(res.reclaim_reclaimed, 0);
	assert_int_equal(res.reclaim_scanned, 0);
	/* order 0: no compaction shortcut, and nothing to reclaim */
	assert_int_equal(try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
					   MMC_ZONE_NORMAL, NULL), 0);
	tl_check(m);
	mmc_destroy(m);
}

static void allocation_reaches_compaction(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vm;
	(void)state;

	struct mmc *m = one_node(0, 500);
	fragment(m);
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_TRANSHUGE, 0, &res), 0);
	mmc_vmstat(m, &vm);
	assert_true(res.path & MMC_PATH_COMPACT);
	assert_true(res.compact_migrated > 0);
	assert_true(vm.compact_migrated > 0);
	tl_check(m);
	mmc_destroy(m);
}

/* Pageblocks each holding one free order-8 block (the other half
 * allocated): no order-9 block, fragmentation index for order 9 about
 * 480, just under the default threshold. */
static void compaction_suitable_vs_extfrag_threshold(void **state)
{
	(void)state;

	for (int thr = 0; thr <= 1000; thr += 500) {
		struct mmc *m = one_node(0, thr);
		struct mmc_zone *z = tl_zone(m, 0);
		uint64_t nr_blocks = z->managed >> pageblock_order;

		for (uint64_t b = 0; b < nr_blocks; b++) {
			uint64_t pfn = z->start_pfn + (b << pageblock_order);
			assert_int_equal(mmc_alloc_at(m, pfn, 9,
						      MMC_GFP_HIGHUSER_MOVABLE,
						      0, NULL), 0);
			assert_int_equal(mmc_free(m, pfn, 8, 0, NULL), 0);
		}
		uint64_t free_pages = nr_blocks << 8;
		int expect = 1000 - (int)((1000 + free_pages * 1000 / 512) /
					  nr_blocks);
		int fi = zone_fragmentation_index(z, 9);
		assert_int_equal(fi, expect);
		assert_true(fi > 0 && fi < 500);
		/* above threshold 0: suitable; at or under 500: not */
		assert_int_equal(compaction_suitable(m, z, 9, low_wmark_pages(z), MMC_ZONE_NORMAL),
				 fi > thr);
		/* non-costly orders ignore the index */
		assert_true(compaction_suitable(m, z, 3, min_wmark_pages(z), MMC_ZONE_NORMAL));
		/* and order 8 has a suitable block: index -1000 */
		assert_int_equal(zone_fragmentation_index(z, 8), -1000);
		tl_check(m);
		mmc_destroy(m);
	}

	/* too little free memory for migration targets: not suitable */
	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t keep = low_wmark_pages(z) + (2ull << 9) - 1;
	tl_fill(m, z->start_pfn, z->managed - keep, MMC_PC_ANON);
	assert_false(compaction_suitable(m, z, 9, low_wmark_pages(z), MMC_ZONE_NORMAL));
	tl_check(m);
	mmc_destroy(m);
}

static void deferral(void **state)
{
	struct mmc_result res;
	(void)state;

	/* all unmovable: compaction cannot help; a sync attempt whose
	 * scanners meet in vain defers the next ones.  It is a partial pass
	 * (COMPACT_PARTIAL_SKIPPED): the scanners start at their cached
	 * positions, and only SYNC_FULL (or a restart after kswapd reset the
	 * skip hints) makes a whole-zone pass (COMPACT_COMPLETE). */
	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	tl_fill(m, z->start_pfn, z->managed, MMC_PC_KERNEL);
	for (uint64_t i = 0; i < z->managed; i += 2)
		assert_int_equal(mmc_free(m, z->start_pfn + i, 0, 0, NULL), 0);
	mmc_drain_all(m);
	memset(&res, 0, sizeof(res));
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_SYNC_LIGHT, &res),
			 COMPACT_PARTIAL_SKIPPED);
	assert_int_equal(res.compact_migrated, 0);
	assert_true(res.compact_scanned > 0);
	/* defer_shift 1: the next attempt is deferred, the one after runs */
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_SYNC_LIGHT, NULL),
			 COMPACT_DEFERRED);
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_SYNC_LIGHT, NULL),
			 COMPACT_PARTIAL_SKIPPED);
	/* lower orders than the failed one are not deferred */
	assert_int_not_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 5,
						  ALLOC_WMARK_MIN, 0,
						  MMC_ZONE_NORMAL,
						  COMPACT_PRIO_SYNC_LIGHT, NULL),
			     COMPACT_DEFERRED);
	tl_check(m);
	mmc_destroy(m);
}

static void proactive_compaction(void **state)
{
	struct mmc_vmstat vm;
	(void)state;

	for (int pro = 0; pro <= 20; pro += 20) {
		struct mmc *m = one_node(pro, 500);
		fragment(m);
		/* no order-9 block: score 100 */
		assert_int_equal(fragmentation_score_node(m, 0), 99);
		mmc_tick(m, 1000000000ull);		/* kcompactd starts */
		mmc_tick(m, 1200000000ull);		/* < 500 ms later */
		mmc_vmstat(m, &vm);
		assert_int_equal(vm.proactive_compactions, 0);
		mmc_tick(m, 1600000000ull);
		mmc_vmstat(m, &vm);
		if (!pro) {
			/* compaction_proactiveness 0: never */
			assert_int_equal(vm.proactive_compactions, 0);
			assert_int_equal(vm.compact_migrated, 0);
		} else {
			/* above the high mark (100 - 20 + 10): compact down
			 * to the low mark (80) */
			assert_int_equal(fragmentation_score_wmark(m, false), 90);
			assert_int_equal(fragmentation_score_wmark(m, true), 80);
			assert_int_equal(vm.proactive_compactions, 1);
			assert_true(vm.compact_migrated > 0);
			assert_true(fragmentation_score_node(m, 0) <= 80);
			assert_true(largest_free_order(m) >= 9);
			/* below the high mark: the next check does nothing */
			mmc_tick(m, 2200000000ull);
			mmc_vmstat(m, &vm);
			assert_int_equal(vm.proactive_compactions, 1);
		}
		tl_check(m);
		mmc_destroy(m);
	}
}

/* kswapd hands high-order work to kcompactd (wakeup_kcompactd), which
 * runs at the next tick. */
static void kcompactd_after_kswapd(void **state)
{
	struct mmc_vmstat vm;
	(void)state;

	struct mmc *m = one_node(0, 500);
	fragment(m);
	mmc_tick(m, 1000000000ull);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.compact_migrated, 0);	/* nothing pending */
	wakeup_kcompactd(m, 0, 9, MMC_ZONE_NORMAL);
	mmc_tick(m, 1100000000ull);
	mmc_vmstat(m, &vm);
	assert_true(vm.compact_migrated > 0);
	assert_true(largest_free_order(m) >= 9);
	assert_int_equal(vm.proactive_compactions, 0);
	/* the work is done once */
	uint64_t migrated = vm.compact_migrated;
	mmc_tick(m, 1200000000ull);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.compact_migrated, migrated);
	tl_check(m);
	mmc_destroy(m);
}

static void determinism(void **state)
{
	struct mmc_vmstat a, b;
	struct mmc_zone_stats sa, sb;
	(void)state;

	for (int run = 0; run < 2; run++) {
		struct mmc *m = one_node(20, 500);
		fragment(m);
		for (int i = 0; i < 4; i++)
			mmc_alloc(m, 9, MMC_GFP_TRANSHUGE, 0, NULL);
		mmc_tick(m, 1000000000ull);
		mmc_tick(m, 1600000000ull);
		mmc_vmstat(m, run ? &b : &a);
		mmc_zone_stats(m, 0, run ? &sb : &sa);
		tl_check(m);
		mmc_destroy(m);
	}
	assert_memory_equal(&a, &b, sizeof(a));
	assert_memory_equal(&sa, &sb, sizeof(sa));
	assert_true(a.compact_migrated > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(direct_compaction_makes_order9),
		cmocka_unit_test(reclaim_defers_to_compaction),
		cmocka_unit_test(allocation_reaches_compaction),
		cmocka_unit_test(compaction_suitable_vs_extfrag_threshold),
		cmocka_unit_test(deferral),
		cmocka_unit_test(proactive_compaction),
		cmocka_unit_test(kcompactd_after_kswapd),
		cmocka_unit_test(determinism),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
