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

/* Every page allocated as class cls, then every other page freed: no
 * free block above order 0, half the zone free. */
static void fragment_as(struct mmc *m, int cls)
{
	struct mmc_zone *z = tl_zone(m, 0);

	tl_fill(m, z->start_pfn, z->managed, cls);
	for (uint64_t i = 0; i < z->managed; i += 2)
		assert_int_equal(mmc_free(m, z->start_pfn + i, 0, 0, NULL), 0);
	mmc_drain_all(m);
}

static void fragment(struct mmc *m)
{
	fragment_as(m, MMC_PC_ANON);
}

struct migrate_rec {
	uint64_t calls, pages, min_from, max_to;
	bool bad;
	struct mmc *m;
};

static void migrate_fn(void *ctx, uint64_t from, uint64_t to, unsigned order)
{
	struct migrate_rec *r = ctx;
	struct mmc_zone *z = tl_zone(r->m, 0);

	if (!r->calls || from < r->min_from)
		r->min_from = from;
	if (to > r->max_to)
		r->max_to = to;
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

/* isolate_migratepages_block() in a GFP_NOFS context takes anonymous
 * folios only: a zone fragmented by page-cache pages cannot be compacted
 * for readahead (GFP_NOFS, as under memalloc_nofs_save()), nothing
 * migrates; the same request with __GFP_FS migrates and succeeds. */
/* A zone whose every other page is a page-cache page, the rest free. */
static struct mmc *file_fragmented(void)
{
	struct mmc *m = one_node(0, 500);

	fragment_as(m, MMC_PC_FILE);
	assert_int_equal(largest_free_order(m), 0);
	return m;
}

static void nofs_compaction_leaves_file_folios(void **state)
{
	uint64_t nofs = MMC_GFP_TRANSHUGE & ~MMC___GFP_FS;
	(void)state;

	assert_true(MMC_GFP_TRANSHUGE & MMC___GFP_FS);
	struct mmc *m = file_fragmented();
	assert_int_not_equal(try_to_compact_pages(m, nofs, 9, ALLOC_WMARK_MIN,
						  0, MMC_ZONE_NORMAL,
						  COMPACT_PRIO_ASYNC, 0, NULL, NULL),
			     COMPACT_SUCCESS);
	assert_int_equal(m->vm.ev[MMC_PGMIGRATE_SUCCESS], 0);
	assert_int_equal(largest_free_order(m), 0);
	mmc_destroy(m);

	m = file_fragmented();
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_ASYNC, 0, NULL, NULL),
			 COMPACT_SUCCESS);
	assert_true(m->vm.ev[MMC_PGMIGRATE_SUCCESS] >= 256);
	assert_true(largest_free_order(m) >= 9);
	mmc_destroy(m);
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
						     COMPACT_PRIO_ASYNC, 0, NULL, &res);
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
					      COMPACT_PRIO_ASYNC, 0, NULL, NULL),
			 COMPACT_SUCCESS);
	assert_true(rec.calls > 0);
	assert_true(rec.min_from >= z->start_pfn + pageblock_nr_pages);
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_TRANSHUGE, 0, &res), 0);
	lru_before = lru_pages(m, 0, false, false);

	/* every page that moved is still reclaimable (LRU entry moved) */
	mmc_set_swap(m, 1u << 20);
	uint64_t got = 0, n;
	while ((n = try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
				      MMC_ZONE_NORMAL, -1, NULL)) > 0)
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
					   MMC_ZONE_NORMAL, -1, &res), 1);
	assert_int_equal(res.reclaim_reclaimed, 0);
	assert_int_equal(res.reclaim_scanned, 0);
	/* order 0: no compaction shortcut, and nothing to reclaim */
	assert_int_equal(try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
					   MMC_ZONE_NORMAL, -1, NULL), 0);
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

static uint64_t ev(struct mmc *m, int item)
{
	struct mmc_vmstat vs;

	mmc_vmstat(m, &vs);
	return vs.ev[item];
}

/* compaction_capture(): the order-9 block direct compaction forms goes to
 * the allocation, off the free lists and past the watermarks, and (as
 * rmqueue() alone counts PGALLOC) not into pgalloc; the scanners stop
 * there, leaving the rest of the zone fragmented. */
static void direct_compaction_captures(void **state)
{
	struct mmc_result res;
	uint64_t cap;
	(void)state;

	struct mmc *m = one_node(0, 500);
	struct mmc_zone *z = tl_zone(m, 0);
	fragment(m);
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_ASYNC, 0, &cap, NULL),
			 COMPACT_SUCCESS);
	assert_int_not_equal(cap, NO_PFN);
	assert_int_equal(cap & 511, 0);
	uint32_t idx = pfn_to_idx(z, cap);
	for (uint32_t i = 0; i < 512; i++) {
		assert_int_equal(page_class(z->page[idx + i]), MMC_PC_FREE);
		assert_false(z->page[idx + i] & PG_ORDER_MASK);
	}
	assert_true(largest_free_order(m) < 9);
	assert_null(m->capc);
	assert_true(m->vm.ev[MMC_PGMIGRATE_SUCCESS] <= 512);
	/* the caller would prep it; give it back for the invariants */
	__free_one_page(m, z, idx, 9, MIGRATE_MOVABLE);
	tl_check(m);
	mmc_destroy(m);

	/* through the allocator: a compaction stall and success, the THP
	 * at the captured block, no pgalloc for it */
	m = one_node(0, 500);
	z = tl_zone(m, 0);
	fragment(m);
	uint64_t pgalloc = ev(m, MMC_PGALLOC_NORMAL);
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_TRANSHUGE, 0, &res), 0);
	assert_true(res.path & MMC_PATH_COMPACT);
	assert_int_equal(ev(m, MMC_COMPACT_STALL), 1);
	assert_int_equal(ev(m, MMC_COMPACT_SUCCESS), 1);
	assert_int_equal(res.pfn & 511, 0);
	assert_true(page_allocated(z->page[pfn_to_idx(z, res.pfn)]));
	assert_int_equal(ev(m, MMC_PGALLOC_NORMAL), pgalloc);
	assert_true(largest_free_order(m) < 9);
	tl_check(m);
	mmc_destroy(m);
}

/* check_drain: once the migration scanner leaves the order-aligned block
 * it migrated from, the compacting cpu's pcp lists of the zone are
 * drained (lru_add_drain_cpu_zone()); another cpu's are left alone.  An
 * unmovable page at the end of the first pageblock keeps that block from
 * forming, so the scanner migrates from it and moves on. */
static void compaction_drains_its_cpu(void **state)
{
	struct tl_spec sp;
	uint64_t cap;
	(void)state;

	tl_spec_default(&sp);
	sp.cpus[0] = 2;
	struct mmc *m = tl_create(&sp);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn, n = z->managed;

	tl_fill(m, start, 511, MMC_PC_ANON);
	tl_fill(m, start + 511, 1, MMC_PC_KERNEL);
	tl_fill(m, start + 512, n - 512, MMC_PC_ANON);
	for (uint64_t i = 0; i < n; i += 2)
		assert_int_equal(mmc_free(m, start + i, 0, 0, NULL), 0);
	mmc_drain_all(m);
	/* the odd pages of the last pageblock onto both cpus' lists */
	uint64_t last = start + n - 512;
	for (uint64_t i = 1; i < 512; i += 2)
		assert_int_equal(mmc_free(m, last + i, 0, (int)((i >> 1) & 1),
					  NULL), 0);
	uint32_t on0 = z->pcp[0].count, on1 = z->pcp[1].count;
	assert_true(on0 > 0 && on1 > 0);

	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_SYNC_LIGHT, 0, &cap,
					      NULL),
			 COMPACT_SUCCESS);
	assert_int_not_equal(cap, NO_PFN);
	assert_true(cap >= start + 512);
	assert_int_equal(z->pcp[0].count, 0);
	assert_int_equal(z->pcp[1].count, on1);
	__free_one_page(m, z, pfn_to_idx(z, cap), 9, MIGRATE_MOVABLE);
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

/* __compaction_suitable() of 6.15+: a costly order also needs the low -
 * min gap above the caller's mark, a non-costly one does not. */
static void costly_order_needs_low_gap(void **state)
{
	(void)state;

	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t min = min_wmark_pages(z), low = low_wmark_pages(z);

	assert_true(low > min + 8);
	/* free: the min mark, compact_gap(9) and half the low - min gap */
	uint64_t keep = min + (2ull << 9) + (low - min) / 2;
	tl_fill(m, z->start_pfn, z->managed - keep, MMC_PC_ANON);
	assert_false(compaction_suitable(m, z, 9, min, MMC_ZONE_NORMAL));
	assert_true(compaction_suitable(m, z, 3, min, MMC_ZONE_NORMAL));
	/* the whole gap free as well: suitable for order 9 */
	uint64_t more = (low - min) - (low - min) / 2 + 1;
	uint64_t top = z->start_pfn + z->managed - keep;
	for (uint64_t i = 0; i < more; i++)
		assert_int_equal(mmc_free(m, top - 1 - i, 0, 0, NULL), 0);
	mmc_drain_all(m);
	assert_true(compaction_suitable(m, z, 9, min, MMC_ZONE_NORMAL));
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
	fragment_as(m, MMC_PC_KERNEL);
	memset(&res, 0, sizeof(res));
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_SYNC_LIGHT, 0, NULL, &res),
			 COMPACT_PARTIAL_SKIPPED);
	assert_int_equal(res.compact_migrated, 0);
	assert_true(res.compact_scanned > 0);
	/* defer_shift 1: the next attempt is deferred, the one after runs */
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_SYNC_LIGHT, 0, NULL, NULL),
			 COMPACT_DEFERRED);
	assert_int_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9,
					      ALLOC_WMARK_MIN, 0,
					      MMC_ZONE_NORMAL,
					      COMPACT_PRIO_SYNC_LIGHT, 0, NULL, NULL),
			 COMPACT_PARTIAL_SKIPPED);
	/* lower orders than the failed one are not deferred */
	assert_int_not_equal(try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 5,
						  ALLOC_WMARK_MIN, 0,
						  MMC_ZONE_NORMAL,
						  COMPACT_PRIO_SYNC_LIGHT, 0, NULL, NULL),
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

/* A seeded wait (mmc_set_kcompactd_wait: the back-off a trace shows
 * kcompactd in) holds proactive compaction off until its end. */
static void kcompactd_wait_seeded(void **state)
{
	struct mmc_vmstat vm;
	(void)state;

	struct mmc *m = one_node(20, 500);
	fragment(m);
	assert_int_equal(mmc_set_kcompactd_wait(m, 1, 33000000000ull), -1);
	assert_int_equal(mmc_set_kcompactd_wait(m, -1, 33000000000ull), -1);
	assert_int_equal(mmc_set_kcompactd_wait(m, 0, 33000000000ull), 0);
	for (uint64_t t = 1000000000ull; t < 33000000000ull; t += 600000000ull)
		mmc_tick(m, t);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.proactive_compactions, 0);
	assert_int_equal(vm.compact_migrated, 0);
	mmc_tick(m, 33100000000ull);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.proactive_compactions, 1);
	assert_true(vm.compact_migrated > 0);
	/* the clock has started: no more seeding */
	assert_int_equal(mmc_set_kcompactd_wait(m, 0, 99000000000ull), -1);
	tl_check(m);
	mmc_destroy(m);
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

static enum compact_result direct(struct mmc *m, enum compact_priority prio,
				  struct mmc_result *res)
{
	if (res)
		memset(res, 0, sizeof(*res));
	return try_to_compact_pages(m, MMC_GFP_TRANSHUGE, 9, ALLOC_WMARK_MIN,
				    0, MMC_ZONE_NORMAL, prio, 0, NULL, res);
}

/* Pageblock skip hints: a pass over blocks with nothing to isolate
 * marks them (isolation_suitable then passes them by), and kswapd going
 * to sleep after a whole direct pass clears the hints of blocks that
 * hold LRU or free pages again (__reset_isolation_suitable). */
static void skip_hints(void **state)
{
	struct mmc_result res;
	(void)state;

	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	/* unmovable pages, an order-3 free block in every 16 pages */
	tl_fill_holes(m, z->start_pfn, MMC_PC_KERNEL);
	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_LIGHT, &res),
			 COMPACT_PARTIAL_SKIPPED);
	uint64_t first = ev(m, MMC_COMPACT_MIGRATE_SCANNED);
	assert_true(first >= z->managed / 2);
	/* every block is skipped now: the next pass scans nothing */
	reset_isolation_suitable(m, 0);	/* no LRU pages: no block reset */
	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_LIGHT, NULL),
			 COMPACT_DEFERRED);
	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_LIGHT, NULL),
			 COMPACT_PARTIAL_SKIPPED);
	uint64_t second = ev(m, MMC_COMPACT_MIGRATE_SCANNED) - first;
	assert_true(second < pageblock_nr_pages);
	/* the pages become movable; kswapd's reset clears the hints of
	 * blocks with LRU pages and the next pass scans them again */
	for (uint64_t p = z->start_pfn; p < z->start_pfn + z->managed; p++)
		if (page_allocated(z->page[pfn_to_idx(z, p)]))
			assert_int_equal(mmc_lru_add(m, p, 0, MMC_PC_ANON), 0);
	uint64_t before = ev(m, MMC_COMPACT_MIGRATE_SCANNED);
	reset_isolation_suitable(m, 0);
	/* SYNC_FULL ignores hints anyway: use SYNC_LIGHT once undeferred */
	while (direct(m, COMPACT_PRIO_SYNC_LIGHT, &res) == COMPACT_DEFERRED)
		;
	assert_true(ev(m, MMC_COMPACT_MIGRATE_SCANNED) - before >=
		    pageblock_nr_pages);
	assert_true(res.compact_migrated > 0);
	tl_check(m);
	mmc_destroy(m);
}

/* Async direct compaction gives up on an order-aligned block at its
 * first page that cannot move (isolate_migratepages_block
 * skip_on_failure); sync-light goes on and moves the rest. */
static void async_gives_up_on_a_block(void **state)
{
	struct migrate_rec rec[2];
	(void)state;

	for (int sync = 0; sync < 2; sync++) {
		struct mmc *m = one_node(0, 0);
		struct mmc_zone *z = tl_zone(m, 0);
		uint64_t start = z->start_pfn;

		memset(&rec[sync], 0, sizeof(rec[sync]));
		rec[sync].m = m;
		mmc_set_migrate_hook(m, migrate_fn, &rec[sync]);

		/* each of the first 32 pageblocks: a kernel page, 255 anon
		 * pages, 256 free; the rest of the zone free */
		for (uint64_t b = 0; b < 32; b++) {
			uint64_t pfn = start + (b << pageblock_order);

			tl_fill(m, pfn, 1, MMC_PC_KERNEL);
			tl_fill(m, pfn + 1, 255, MMC_PC_ANON);
		}
		tl_fill(m, start + (32u << pageblock_order),
			z->managed - (32u << pageblock_order), MMC_PC_ANON);
		for (uint64_t p = start + (32u << pageblock_order);
		     p < start + z->managed; p += 2)
			assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
		mmc_drain_all(m);
		direct(m, sync ? COMPACT_PRIO_SYNC_LIGHT : COMPACT_PRIO_ASYNC,
		       NULL);
		rec[sync].min_from -= start;
		tl_check(m);
		mmc_destroy(m);
	}
	/* async: nothing moved out of the 32 blocks with a kernel page;
	 * sync-light moved their anon pages */
	assert_true(rec[0].calls == 0 ||
		    rec[0].min_from >= (32u << pageblock_order));
	assert_true(rec[1].calls > 0);
	assert_true(rec[1].min_from < (32u << pageblock_order));
}

/* fast_isolate_freepages() reads a few list entries a search, going on
 * round the list where the last search stopped, not from the highest
 * free page down.  Every other page of the zone free (freed in
 * ascending order): the first search reads the lowest entries, none in
 * the top half of the space between the scanners, so the free scanner
 * starts at that half's lower end (the kernel's min_pfn fallback for
 * direct compaction); the top quarter of the zone gives no target. */
static void fast_search_goes_round(void **state)
{
	struct migrate_rec rec = { 0 };
	(void)state;

	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	fragment(m);
	rec.m = m;
	mmc_set_migrate_hook(m, migrate_fn, &rec);
	direct(m, COMPACT_PRIO_ASYNC, NULL);
	assert_true(rec.calls > 0);
	assert_false(rec.bad);
	assert_true(rec.max_to < z->start_pfn + z->managed * 3 / 4);
	tl_check(m);
	mmc_destroy(m);
}

/* Hugetlb pages (mmc_seed_compound) are never a migration source and
 * the free scanner steps over each whole (512 pfns, then skipped). */
static void hugetlb_blocks(void **state)
{
	struct mmc_result res;
	(void)state;

	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn, nb = z->managed >> pageblock_order;

	/* the lower half of the zone is a hugetlb pool, the upper half
	 * anon pages with every other page free */
	tl_fill(m, start, z->managed / 2, MMC_PC_KERNEL);
	for (uint64_t b = 0; b < nb / 2; b++)
		assert_int_equal(mmc_seed_compound(m, start +
			(b << pageblock_order), pageblock_order), 0);
	/* not all kernel pages, or not aligned: refused */
	assert_int_equal(mmc_seed_compound(m, start + 1, pageblock_order), -1);
	assert_int_equal(mmc_seed_compound(m, start + z->managed / 2,
					   pageblock_order), -1);
	tl_fill(m, start + z->managed / 2, z->managed / 2, MMC_PC_ANON);
	for (uint64_t p = start + z->managed / 2; p < start + z->managed; p += 2)
		assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
	mmc_drain_all(m);
	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_FULL, &res),
			 COMPACT_SUCCESS);
	/* the pool's half was not scanned by the migrate scanner: every
	 * migration came from the upper half */
	assert_true(ev(m, MMC_COMPACT_MIGRATE_SCANNED) < z->managed / 2);
	assert_true(res.compact_migrated > 0);
	tl_check(m);
	mmc_destroy(m);
}

/* Async direct compaction of a zone whose lower half has its even pages in
 * use and its odd pages free: each pass isolates 32 folios, migrates them,
 * and resumes at the page after the last one isolated, which the migrated
 * folios' frees have merged into a free block by then (the model frees
 * them straight to the buddy).  That page is free, not a failure: the
 * block is scanned once, about 512 pages for the order-9 block formed,
 * where taking it for a failure gave the block up and brought the scanner
 * back to its start 8 times (2,317 pages). */
static void migrate_scan_resumes_in_freed_block(void **state)
{
	struct mmc_result res;
	(void)state;

	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);

	/* the upper half two of every four pages free (order-1 targets the
	 * async free scanner's stride finds) */
	tl_fill(m, z->start_pfn, z->managed, MMC_PC_ANON);
	for (uint64_t i = 1; i < z->managed / 2; i += 2)
		assert_int_equal(mmc_free(m, z->start_pfn + i, 0, 0, NULL), 0);
	for (uint64_t i = z->managed / 2; i < z->managed; i += 4)
		assert_int_equal(mmc_free(m, z->start_pfn + i, 1, 0, NULL), 0);
	mmc_drain_all(m);
	assert_int_equal(direct(m, COMPACT_PRIO_ASYNC, &res), COMPACT_SUCCESS);
	assert_int_equal(res.compact_migrated, pageblock_nr_pages / 2);
	assert_true(ev(m, MMC_COMPACT_MIGRATE_SCANNED) >= pageblock_nr_pages);
	assert_true(ev(m, MMC_COMPACT_MIGRATE_SCANNED) <
		    2 * pageblock_nr_pages);
	tl_check(m);
	mmc_destroy(m);
}

/* A seeded hugetlb pool starts skip-marked, as the kernel's has been
 * since some scanner first passed it: the free scanner's linear search
 * (from the middle of the zone, where the fast search sends it) passes
 * the pool's blocks without counting their pages as scanned.  Here the
 * upper three quarters are the pool, the lowest quarter anon pages with
 * every other page free: the pool's quarter below the middle would count
 * z->managed / 4 if its hints started clear. */
static void hugetlb_pool_starts_skipped(void **state)
{
	struct mmc_result res;
	(void)state;

	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn, quarter = z->managed / 4;

	tl_fill(m, start, quarter, MMC_PC_ANON);
	tl_fill(m, start + quarter, z->managed - quarter, MMC_PC_KERNEL);
	for (uint64_t p = start + quarter; p < start + z->managed;
	     p += pageblock_nr_pages)
		assert_int_equal(mmc_seed_compound(m, p, pageblock_order), 0);
	for (uint64_t p = start; p < start + quarter; p += 2)
		assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
	mmc_drain_all(m);
	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_LIGHT, &res),
			 COMPACT_SUCCESS);
	assert_true(res.compact_migrated > 0);
	assert_true(ev(m, MMC_COMPACT_FREE_SCANNED) > 0);
	assert_true(ev(m, MMC_COMPACT_FREE_SCANNED) < quarter / 2);
	tl_check(m);
	mmc_destroy(m);
}

/* A block whose only movable "folio" cannot migrate: a stray PG_HEAD on
 * an odd page before a free one (folio_order_at then reads order 1 from
 * the free page), as a replay of make validate's wsf-200-1 trace left
 * one.  The fast search found that block again after every pass (it
 * holds the zone's low free blocks, and the model's walk restarted at
 * the list head), the folio was isolated and failed each time, so the
 * block never got its skip hint: kcompactd scanned 40 G pages and never
 * returned.  Now the broken folio is not isolated, the block is
 * skipped, and the search moves on as the kernel's rotating lists do. */
static void unmigratable_block_ends(void **state)
{
	struct mmc_result res;
	(void)state;

	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn, nb = z->managed >> pageblock_order;

	/* block 0: anon pages, every even page free and pages 8-15 free
	 * (an order-3 block for the fast search); blocks 1 .. nb/2 - 1 a
	 * hugetlb pool; the upper half anon with two of every four pages
	 * free (order-1 targets) */
	tl_fill(m, start, pageblock_nr_pages, MMC_PC_ANON);
	tl_fill(m, start + pageblock_nr_pages,
		z->managed / 2 - pageblock_nr_pages, MMC_PC_KERNEL);
	for (uint64_t b = 1; b < nb / 2; b++)
		assert_int_equal(mmc_seed_compound(m, start +
			(b << pageblock_order), pageblock_order), 0);
	tl_fill(m, start + z->managed / 2, z->managed / 2, MMC_PC_ANON);
	for (uint64_t p = start; p < start + pageblock_nr_pages; p += 2)
		assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
	for (uint64_t p = start + z->managed / 2; p < start + z->managed; p += 4)
		assert_int_equal(mmc_free(m, p, 1, 0, NULL), 0);
	for (uint64_t p = start + 9; p < start + 16; p += 2)
		assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
	mmc_drain_all(m);
	z->page[pfn_to_idx(z, start + 1)] |= PG_HEAD;
	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_LIGHT, &res),
			 COMPACT_SUCCESS);
	assert_true(res.compact_migrated > 0);
	/* the broken page stayed; nothing else of block 0 is left */
	assert_true(page_allocated(z->page[pfn_to_idx(z, start + 1)]));
	assert_true(ev(m, MMC_COMPACT_MIGRATE_SCANNED) < 4 * z->managed);
	z->page[pfn_to_idx(z, start + 1)] &= (pgstate_t)~PG_HEAD;
	tl_check(m);
	mmc_destroy(m);
}

struct split_rec {
	uint64_t splits, pieces;
};

static void split_fn(void *ctx, uint64_t pfn, unsigned order)
{
	struct split_rec *r = ctx;

	(void)pfn;
	r->splits++;
	r->pieces += 1ull << order;
}

/* Block 0: one order-8 file folio (dirty or not) and 256 free pages;
 * the rest kernel pages with an order-3 free block in every 16.  The
 * split hook counts into rec. */
static struct mmc *one_large_file_folio(struct split_rec *rec, bool dirty)
{
	struct mmc *m = one_node(0, 0);
	uint64_t start = tl_zone(m, 0)->start_pfn;

	mmc_set_split_hook(m, split_fn, rec);
	assert_int_equal(mmc_alloc_at(m, start, 8, MMC_GFP_HIGHUSER_MOVABLE,
				      0, NULL), 0);
	/* a folio not aligned to its order is refused */
	assert_int_equal(mmc_lru_add(m, start + 2, 2, MMC_PC_FILE), -1);
	assert_int_equal(mmc_lru_add(m, start, 8, MMC_PC_FILE), 0);
	if (dirty)
		mmc_file_dirty(m, start);
	tl_fill_holes(m, start + pageblock_nr_pages, MMC_PC_KERNEL);
	return m;
}

/* A large page-cache folio with only smaller free targets is split and
 * its pages migrate one by one (migrate_pages_batch's try_split_folio);
 * the split hook runs first. */
static void large_folio_split(void **state)
{
	struct split_rec rec = { 0 };
	(void)state;

	struct mmc *m = one_large_file_folio(&rec, false);

	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_FULL, NULL),
			 COMPACT_SUCCESS);
	assert_int_equal(rec.splits, 1);
	assert_int_equal(rec.pieces, 256);
	assert_int_equal(ev(m, MMC_PGMIGRATE_SUCCESS), 256);
	assert_true(largest_free_order(m) >= 9);
	assert_int_equal(lru_pages(m, 0, true, false), 256);
	tl_check(m);
	mmc_destroy(m);
}

/* The same folio dirty: __folio_split() cannot release its buffers, so
 * it stays whole; with no target of its order migrate_pages() gives up
 * (-ENOMEM) and the compaction ends contended.  Written back, it splits
 * and moves as above. */
static void dirty_folio_not_split(void **state)
{
	struct split_rec rec = { 0 };
	(void)state;

	struct mmc *m = one_large_file_folio(&rec, true);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn;

	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_FULL, NULL),
			 COMPACT_CONTENDED);
	assert_int_equal(rec.splits, 0);
	assert_int_equal(ev(m, MMC_PGMIGRATE_SUCCESS), 0);
	assert_int_equal(ev(m, MMC_PGMIGRATE_FAIL), 256);
	assert_true(page_allocated(z->page[pfn_to_idx(z, start)]));
	assert_int_equal(lru_pages(m, 0, true, false), 256);
	tl_check(m);

	assert_int_equal(lru_folio_written(m, start), 256);
	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_FULL, NULL),
			 COMPACT_SUCCESS);
	assert_int_equal(rec.splits, 1);
	assert_int_equal(ev(m, MMC_PGMIGRATE_SUCCESS), 256);
	/* each run counted by how it ended, as mm_compaction_end's status */
	struct mmc_vmstat vs;

	mmc_vmstat(m, &vs);
	assert_int_equal(vs.compaction_ends[MMC_CE_CONTENDED], 1);
	assert_int_equal(vs.compaction_ends[MMC_CE_SUCCESS], 1);
	assert_int_equal(vs.compaction_ends[MMC_CE_COMPLETE] +
			 vs.compaction_ends[MMC_CE_PARTIAL_SKIPPED] +
			 vs.compaction_ends[MMC_CE_OTHER], 0);
	assert_int_equal(ev(m, MMC_TP_COMPACTION_BEGIN), 2);
	tl_check(m);
	mmc_destroy(m);
}

/* compact_stall counts a direct compaction unless every zone skipped it
 * (not suitable); a deferred one counts; mm_compaction_try_to_compact_pages
 * counts them all, mm_compaction_begin only the runs. */
static void stall_counting(void **state)
{
	struct mmc_result res;
	(void)state;

	/* too little free memory: compaction_suitable() fails, skipped */
	struct mmc *m = one_node(0, 0);
	struct mmc_zone *z = tl_zone(m, 0);
	tl_fill(m, z->start_pfn, z->managed - min_wmark_pages(z) - 8,
		MMC_PC_FILE);
	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_TRANSHUGE | MMC___GFP_NORETRY,
				   0, &res), -1);
	assert_int_equal(ev(m, MMC_COMPACT_STALL), 0);
	assert_true(ev(m, MMC_TP_TRY_TO_COMPACT_PAGES) >= 1);
	assert_int_equal(ev(m, MMC_TP_COMPACTION_BEGIN), 0);
	mmc_destroy(m);

	/* fragmented: a run that fails, then a deferred attempt: both
	 * stalls, one run */
	m = one_node(0, 0);
	z = tl_zone(m, 0);
	tl_fill_holes(m, z->start_pfn, MMC_PC_KERNEL);
	assert_int_equal(direct(m, COMPACT_PRIO_SYNC_LIGHT, NULL),
			 COMPACT_PARTIAL_SKIPPED);
	/* the allocation's async attempt is deferred; then it reclaims
	 * (nothing to reclaim) and gives up: __GFP_NORETRY */
	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_TRANSHUGE | MMC___GFP_NORETRY,
				   0, &res), -1);
	assert_int_equal(ev(m, MMC_COMPACT_STALL), 1);
	assert_int_equal(ev(m, MMC_COMPACT_FAIL), 1);
	assert_int_equal(ev(m, MMC_COMPACT_SUCCESS), 0);
	assert_int_equal(ev(m, MMC_TP_COMPACTION_BEGIN), 1);
	tl_check(m);
	mmc_destroy(m);
}

/* A THP fault's local-node first try (alloc_pages_mpol(): __GFP_THISNODE
 * | __GFP_NORETRY) compacts and never reclaims: after a failed async
 * compaction it gives up (the kernel's "THP __GFP_THISNODE: compact only,
 * never reclaim"); without __GFP_THISNODE the same request goes on to a
 * round of direct reclaim. */
static void thisnode_thp_no_reclaim(void **state)
{
	struct mmc_result res;
	(void)state;

	for (int thisnode = 1; thisnode >= 0; thisnode--) {
		struct mmc *m = one_node(0, 0);
		struct mmc_zone *z = tl_zone(m, 0);
		uint64_t gfp = MMC_GFP_TRANSHUGE | MMC___GFP_NORETRY |
			       (thisnode ? MMC___GFP_THISNODE : 0);

		tl_fill_holes(m, z->start_pfn, MMC_PC_KERNEL);
		memset(&res, 0, sizeof(res));
		assert_int_equal(mmc_alloc(m, 9, gfp, 0, &res), -1);
		/* the async compaction ran (not skipped, not deferred);
		 * with __GFP_THISNODE nothing after it, else a reclaim and
		 * a second compaction */
		if (thisnode) {
			assert_int_equal(ev(m, MMC_TP_COMPACTION_BEGIN), 1);
			assert_int_equal(ev(m, MMC_COMPACT_STALL), 1);
			assert_false(res.path & MMC_PATH_DIRECT_RECLAIM);
		} else {
			assert_int_equal(ev(m, MMC_TP_COMPACTION_BEGIN), 2);
			assert_int_equal(ev(m, MMC_COMPACT_STALL), 2);
			assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
		}
		tl_check(m);
		mmc_destroy(m);
	}
}

/* kcompactd: woken at once when compaction would run on the node; else
 * the order waits for the end of its 500 ms wait (kcompactd_node_suitable
 * at the wake-up, kcompactd_work_requested at the timeout). */
static void kcompactd_wait(void **state)
{
	(void)state;

	struct mmc *m = one_node(0, 500);
	struct mmc_zone *z = tl_zone(m, 0);
	fragment(m);
	mmc_tick(m, 1000 * 1000000ull);		/* kcompactd's wait begins */
	/* too little free memory for compaction_suitable(): no wake */
	uint64_t keep = z->nr_free;
	for (uint64_t p = z->start_pfn; p < z->start_pfn + z->managed &&
	     z->nr_free > min_wmark_pages(z); p++)
		if (page_class(z->page[pfn_to_idx(z, p)]) == MMC_PC_FREE)
			tl_fill(m, p, 1, MMC_PC_KERNEL);
	wakeup_kcompactd(m, 0, 9, MMC_ZONE_NORMAL);
	mmc_tick(m, 1100 * 1000000ull);
	assert_int_equal(ev(m, MMC_COMPACT_DAEMON_WAKE), 0);
	/* at the end of the wait the pending order runs (and compaction
	 * finds nothing suitable) */
	mmc_tick(m, 1600 * 1000000ull);
	assert_int_equal(ev(m, MMC_COMPACT_DAEMON_WAKE), 1);
	assert_true(keep > z->nr_free);
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
		cmocka_unit_test(nofs_compaction_leaves_file_folios),
		cmocka_unit_test(reclaim_defers_to_compaction),
		cmocka_unit_test(allocation_reaches_compaction),
		cmocka_unit_test(direct_compaction_captures),
		cmocka_unit_test(compaction_drains_its_cpu),
		cmocka_unit_test(compaction_suitable_vs_extfrag_threshold),
		cmocka_unit_test(costly_order_needs_low_gap),
		cmocka_unit_test(deferral),
		cmocka_unit_test(proactive_compaction),
		cmocka_unit_test(kcompactd_wait_seeded),
		cmocka_unit_test(kcompactd_after_kswapd),
		cmocka_unit_test(skip_hints),
		cmocka_unit_test(async_gives_up_on_a_block),
		cmocka_unit_test(fast_search_goes_round),
		cmocka_unit_test(hugetlb_blocks),
		cmocka_unit_test(hugetlb_pool_starts_skipped),
		cmocka_unit_test(migrate_scan_resumes_in_freed_block),
		cmocka_unit_test(unmigratable_block_ends),
		cmocka_unit_test(large_folio_split),
		cmocka_unit_test(dirty_folio_not_split),
		cmocka_unit_test(stall_counting),
		cmocka_unit_test(thisnode_thp_no_reclaim),
		cmocka_unit_test(kcompactd_wait),
		cmocka_unit_test(determinism),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
