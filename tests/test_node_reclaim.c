/* SPDX-License-Identifier: MIT */
/*
 * zone_reclaim_mode and node_reclaim() on two-node models: node 0 below
 * its low watermark with plenty of reclaimable page cache.  Mode 0 goes
 * remote, mode 1 reclaims node 0 first, the distance rule limits node
 * reclaim of other nodes, RECLAIM_WRITE (2) lets dirty pages be written,
 * RECLAIM_UNMAP (4) lets mapped pages be unmapped; and node_reclaim()'s
 * FULL / NOSCAN / SOME / SUCCESS rules one by one (mm/vmscan.c).
 */
#include "reclaim_testlib.h"

static uint64_t low_mark(struct mmc *m, int nid)
{
	return low_wmark_pages(tl_zone(m, nid));
}

/* Fill node nid so that `free` pages stay free, all the rest as cls. */
static void fill_node_to(struct mmc *m, int nid, uint64_t free, int cls)
{
	struct mmc_zone *z = tl_zone(m, nid);

	tl_fill(m, z->start_pfn, z->managed - free, cls);
	assert_int_equal(z->nr_free + z->nr_free_pcp, free);
}

/* Node 0 below low with page cache; node 1 (with a cpu) all free. */
static struct mmc *setup_two_nodes(int mode, struct tl_hook *hook)
{
	struct tl_spec s;

	tl_spec_default(&s);
	s.nr_nodes = 2;
	s.zone_reclaim_mode = mode;
	struct mmc *m = tl_create(&s);
	fill_node_to(m, 0, low_mark(m, 0) - 5, MMC_PC_FILE);
	memset(hook, 0, sizeof(*hook));
	mmc_set_reclaim_hook(m, tl_reclaim_hook, hook);
	return m;
}

static void mode0_allocates_remote(void **state)
{
	struct tl_hook hook;
	struct mmc_result res;
	struct mmc_vmstat vm;
	(void)state;

	struct mmc *m = setup_two_nodes(0, &hook);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	mmc_vmstat(m, &vm);
	assert_int_equal(res.node, 1);
	assert_true(res.path & MMC_PATH_REMOTE);
	assert_false(res.path & MMC_PATH_NODE_RECLAIM);
	assert_int_equal(vm.node_reclaims, 0);
	assert_int_equal(hook.calls, 0);
	tl_check(m);
	mmc_destroy(m);
}

static void mode1_reclaims_local_node_first(void **state)
{
	struct tl_hook hook;
	struct mmc_result res;
	struct mmc_vmstat vm;
	(void)state;

	struct mmc *m = setup_two_nodes(RECLAIM_ZONE, &hook);
	uint64_t file_before = lru_pages(m, 0, true, false);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	mmc_vmstat(m, &vm);
	assert_int_equal(res.node, 0);
	assert_false(res.path & MMC_PATH_REMOTE);
	assert_true(res.path & MMC_PATH_NODE_RECLAIM);
	/* max(1 << order, SWAP_CLUSTER_MAX) at NODE_RECLAIM_PRIORITY */
	assert_int_equal(vm.node_reclaimed, 32);
	assert_int_equal(res.node_reclaimed, 32);
	assert_int_equal(vm.node_reclaims, 1);
	assert_int_equal(vm.node_reclaim_full + vm.node_reclaim_noscan, 0);
	assert_int_equal(hook.pages, 32);
	assert_true(hook.lo >= tl_start(m, 0) && hook.hi <= tl_start(m, 1));
	assert_int_equal(lru_pages(m, 0, true, false), file_before - 32);
	assert_int_equal(vm.pgalloc_remote, 0);
	tl_check(m);
	mmc_destroy(m);
}

/* Node 0 has nothing reclaimable; node 1 (no cpus: a memory-only node)
 * is below low with page cache.  Node reclaim may reach node 1 only
 * within node_reclaim_distance. */
static struct mmc *setup_far_node(uint32_t distance, uint32_t cpus1,
				  struct tl_hook *hook)
{
	struct tl_spec s;

	tl_spec_default(&s);
	s.nr_nodes = 2;
	s.distance = distance;
	s.cpus[1] = cpus1;
	s.zone_reclaim_mode = RECLAIM_ZONE;
	struct mmc *m = tl_create(&s);
	fill_node_to(m, 0, low_mark(m, 0) - 5, MMC_PC_KERNEL);
	fill_node_to(m, 1, low_mark(m, 1) - 5, MMC_PC_FILE);
	memset(hook, 0, sizeof(*hook));
	mmc_set_reclaim_hook(m, tl_reclaim_hook, hook);
	return m;
}

static void distance_rule(void **state)
{
	struct tl_hook hook;
	struct mmc_result res;
	struct mmc_vmstat vm;
	(void)state;

	/* within the distance: node 0 is FULL, node 1 is reclaimed */
	struct mmc *m = setup_far_node(20, 0, &hook);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	mmc_vmstat(m, &vm);
	assert_int_equal(res.node, 1);
	assert_true(res.path & MMC_PATH_NODE_RECLAIM);
	assert_int_equal(vm.node_reclaim_full, 1);
	assert_int_equal(vm.node_reclaimed, 32);
	assert_true(hook.lo >= tl_start(m, 1));
	tl_check(m);
	mmc_destroy(m);

	/* beyond node_reclaim_distance (30): node 1 is not reclaimed */
	m = setup_far_node(40, 0, &hook);
	mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0, &res);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.node_reclaimed, 0);
	/* node 0 was asked (FULL), node 1 never */
	assert_true(vm.node_reclaim_full >= 1);
	assert_int_equal(vm.node_reclaims, vm.node_reclaim_full);
	assert_int_equal(hook.calls, 0);
	tl_check(m);
	mmc_destroy(m);

	/* within the distance but node 1 has cpus and is not local: NOSCAN */
	m = setup_far_node(20, 1, &hook);
	mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0, &res);
	mmc_vmstat(m, &vm);
	assert_true(vm.node_reclaim_noscan >= 1);
	assert_int_equal(vm.node_reclaimed, 0);
	tl_check(m);
	mmc_destroy(m);
}

/* Dirty page cache: reclaim writes no file folio since 6.17 (pageout()
 * of file folios went with ->writepage), so RECLAIM_WRITE frees no dirty
 * page either: mode 1 finds the node FULL (nothing clean), mode 3 scans
 * the dirty pages, activates them (PG_reclaim) and frees none; both go
 * remote. */
static void mode2_writes_no_dirty_pages(void **state)
{
	struct tl_hook hook;
	struct mmc_result res;
	struct mmc_vmstat vm;
	(void)state;

	for (int mode = RECLAIM_ZONE; mode <= (RECLAIM_ZONE | RECLAIM_WRITE);
	     mode += RECLAIM_WRITE) {
		struct mmc *m = setup_two_nodes(mode, &hook);
		struct mmc_zone *z = tl_zone(m, 0);
		for (uint64_t p = z->start_pfn; p < z->start_pfn + z->managed; p++)
			if (z->page[pfn_to_idx(z, p)] & PG_LRU)
				lru_set_dirty(m, p, true, NULL);
		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0,
					   &res), 0);
		mmc_vmstat(m, &vm);
		/* RECLAIM_WRITE counts dirty pages as reclaimable
		 * (node_pagecache_reclaimable()), so it scans them */
		assert_int_equal(vm.node_reclaim_full, mode == RECLAIM_ZONE);
		assert_int_equal(vm.node_reclaimed, 0);
		assert_int_equal(vm.ev[MMC_NR_VMSCAN_IMMEDIATE] > 0,
				 mode != RECLAIM_ZONE);
		assert_int_equal(res.node, 1);
		tl_check(m);
		mmc_destroy(m);
	}
}

/* Half the page cache dirty: mode 1 reclaims only clean pages. */
struct parity_hook {
	uint64_t even, odd;
};

static void parity_fn(void *ctx, uint64_t pfn, unsigned order)
{
	struct parity_hook *h = ctx;

	(void)order;
	if (pfn & 1)
		h->odd++;
	else
		h->even++;
}

static void mode1_skips_dirty_and_mapped(void **state)
{
	struct tl_hook hook;
	struct parity_hook ph;
	struct mmc_result res;
	(void)state;

	for (int flag = 0; flag < 2; flag++) {
		struct mmc *m = setup_two_nodes(RECLAIM_ZONE, &hook);
		struct mmc_zone *z = tl_zone(m, 0);
		for (uint64_t p = z->start_pfn; p < z->start_pfn + z->managed;
		     p += 2) {
			if (!(z->page[pfn_to_idx(z, p)] & PG_LRU))
				continue;
			if (flag)
				lru_set_mapped(m, p, true);
			else
				lru_set_dirty(m, p, true, NULL);
		}
		memset(&ph, 0, sizeof(ph));
		mmc_set_reclaim_hook(m, parity_fn, &ph);
		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0,
					   &res), 0);
		assert_int_equal(res.node, 0);
		assert_int_equal(ph.odd, 32);
		assert_int_equal(ph.even, 0);
		tl_check(m);
		mmc_destroy(m);
	}
}

/* Mapped page cache: only RECLAIM_UNMAP lets node reclaim unmap it. */
static void mode4_unmaps_mapped_pages(void **state)
{
	struct tl_hook hook;
	struct mmc_result res;
	struct mmc_vmstat vm;
	(void)state;

	for (int mode = RECLAIM_ZONE; mode <= (RECLAIM_ZONE | RECLAIM_UNMAP);
	     mode += RECLAIM_UNMAP) {
		struct mmc *m = setup_two_nodes(mode, &hook);
		struct mmc_zone *z = tl_zone(m, 0);
		for (uint64_t p = z->start_pfn; p < z->start_pfn + z->managed; p++)
			if (z->page[pfn_to_idx(z, p)] & PG_LRU)
				lru_set_mapped(m, p, true);
		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0,
					   &res), 0);
		mmc_vmstat(m, &vm);
		if (mode == RECLAIM_ZONE) {
			assert_int_equal(vm.node_reclaim_full, 1);
			assert_int_equal(res.node, 1);
		} else {
			assert_int_equal(vm.node_reclaimed, 32);
			assert_int_equal(res.node, 0);
		}
		tl_check(m);
		mmc_destroy(m);
	}
}

/* Without RECLAIM_UNMAP, mapped folios (all anon) are looked at and
 * left alone: with swap, node reclaim still only frees unmapped page
 * cache, and scanning many mapped pages stays bounded. */
static void mode1_leaves_mapped_anon(void **state)
{
	struct tl_spec s;
	struct mmc_result res;
	(void)state;

	tl_spec_default(&s);
	s.nr_nodes = 2;
	s.zone_reclaim_mode = RECLAIM_ZONE;
	s.swappiness = 100;
	struct mmc *m = tl_create(&s);
	struct mmc_zone *z = tl_zone(m, 0);
	mmc_set_swap(m, 1u << 20);
	uint64_t nr_anon = z->managed - (low_mark(m, 0) - 5) - 2000;
	tl_fill(m, z->start_pfn, nr_anon, MMC_PC_ANON);
	tl_fill(m, z->start_pfn + nr_anon, 2000, MMC_PC_FILE);
	/* active page cache: no cache_trim_mode, anon gets its share */
	for (uint64_t p = z->start_pfn + nr_anon; p < z->start_pfn + nr_anon + 2000; p++) {
		mmc_lru_touch(m, p);
		mmc_lru_touch(m, p);
	}
	struct tl_hook hook = { 0 };
	mmc_set_reclaim_hook(m, tl_reclaim_hook, &hook);
	uint64_t scanned = 0;
	for (int i = 0; i < 20; i++) {
		memset(&res, 0, sizeof(res));
		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0,
					   &res), 0);
		scanned += res.reclaim_scanned;
	}
	assert_true(hook.pages > 0);
	/* mapped anon was looked at (counted as scanned), not reclaimed */
	assert_true(scanned > hook.pages);
	assert_true(hook.lo >= z->start_pfn + nr_anon);	/* file only */
	assert_int_equal(lru_pages(m, 0, false, false) +
			 lru_pages(m, 0, false, true), nr_anon);
	tl_check(m);
	mmc_destroy(m);
}

/* node_reclaim() called directly: each rule of mm/vmscan.c. */
static void node_reclaim_rules(void **state)
{
	struct tl_spec s;
	struct mmc_result res;
	struct mmc_vmstat vm;
	(void)state;

	tl_spec_default(&s);
	s.nr_nodes = 2;
	s.zone_reclaim_mode = RECLAIM_ZONE;
	struct mmc *m = tl_create(&s);
	struct mmc_node *n0 = &m->nodes[0];
	uint64_t start = tl_start(m, 0);

	/* setup_min_unmapped_ratio / setup_min_slab_ratio: 1% and 5% */
	assert_int_equal(n0->min_unmapped_pages, s.pages * 1 / 100);
	assert_int_equal(n0->min_slab_pages, s.pages * 5 / 100);

	/* little page cache, little slab: FULL */
	tl_fill(m, start, n0->min_unmapped_pages, MMC_PC_FILE);
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_KERNEL, 0, 0, NULL),
			 NODE_RECLAIM_FULL);
	/* reclaimable slab above min_slab_pages lifts FULL (SOME: the
	 * model has no slab shrinker, so nothing comes back from it) */
	n0->nr_slab_reclaimable = n0->min_slab_pages + 1;
	assert_int_not_equal(node_reclaim(m, 0, MMC_GFP_KERNEL, 0, 0, NULL),
			     NODE_RECLAIM_FULL);
	n0->nr_slab_reclaimable = 0;
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.node_reclaim_full, 1);
	assert_int_equal(vm.node_reclaims, 2);

	/* plenty of page cache */
	tl_fill(m, start + n0->min_unmapped_pages, 4000, MMC_PC_FILE);
	/* cannot block: NOSCAN */
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_NOWAIT, 0, 0, NULL),
			 NODE_RECLAIM_NOSCAN);
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_ATOMIC, 0, 0, NULL),
			 NODE_RECLAIM_NOSCAN);
	/* node 0 has cpus and the caller runs on node 1: NOSCAN */
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_KERNEL, 0, 1, NULL),
			 NODE_RECLAIM_NOSCAN);
	/* another reclaimer holds the node: NOSCAN */
	n0->reclaim_locked = true;
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_KERNEL, 0, 0, NULL),
			 NODE_RECLAIM_NOSCAN);
	n0->reclaim_locked = false;
	struct mmc_vmstat vm2;
	mmc_vmstat(m, &vm2);
	assert_int_equal(vm2.node_reclaim_noscan, 4);
	assert_int_equal(vm2.node_reclaimed, vm.node_reclaimed);

	/* order 0: SUCCESS after SWAP_CLUSTER_MAX pages */
	memset(&res, 0, sizeof(res));
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_KERNEL, 0, 0, &res),
			 NODE_RECLAIM_SUCCESS);
	assert_int_equal(res.node_reclaimed, 32);
	assert_true(res.reclaim_scanned >= 32);
	assert_false(n0->reclaim_locked);

	/* order 9 when only part of the cache is unmapped: SOME */
	uint64_t file = lru_pages(m, 0, true, false) + lru_pages(m, 0, true, true);
	uint64_t unmapped = n0->min_unmapped_pages + 100;
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t marked = 0;
	for (uint64_t p = z->start_pfn; marked < file - unmapped; p++)
		if (z->page[pfn_to_idx(z, p)] & PG_LRU) {
			lru_set_mapped(m, p, true);
			marked++;
		}
	assert_int_equal(node_pagecache_reclaimable_pages(m, 0), unmapped);
	memset(&res, 0, sizeof(res));
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_KERNEL, 9, 0, &res),
			 NODE_RECLAIM_SOME);
	assert_int_equal(res.node_reclaimed, unmapped);
	/* now only mapped cache is left: FULL under mode 1 ... */
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_KERNEL, 0, 0, NULL),
			 NODE_RECLAIM_FULL);
	/* ... but not under mode 1|4, which counts mapped pages too */
	m->policy.zone_reclaim_mode = RECLAIM_ZONE | RECLAIM_UNMAP;
	assert_int_equal(node_reclaim(m, 0, MMC_GFP_KERNEL, 0, 0, NULL),
			 NODE_RECLAIM_SUCCESS);
	tl_check(m);
	mmc_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mode0_allocates_remote),
		cmocka_unit_test(mode1_reclaims_local_node_first),
		cmocka_unit_test(distance_rule),
		cmocka_unit_test(mode2_writes_no_dirty_pages),
		cmocka_unit_test(mode1_skips_dirty_and_mapped),
		cmocka_unit_test(mode4_unmaps_mapped_pages),
		cmocka_unit_test(mode1_leaves_mapped_anon),
		cmocka_unit_test(node_reclaim_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
