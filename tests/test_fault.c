/* SPDX-License-Identifier: MIT */
/*
 * Fault model tests: first touch, minor fault, zero pages, THP at fault
 * time under thp_enabled/thp_defrag, fallback to order 0, refault after
 * reclaim, unmap and exit, determinism.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mmcore.h"
#include "../mmcore/internal.h"

#define BASE 0x7f0000000000ull		/* 2 MiB aligned */
#define HPAGE (2ull << 20)
#define PG 4096ull

static struct mmc *new_model(const char *spec, int thp_enabled,
			     int thp_defrag)
{
	struct mmc_topology t;
	struct mmc_policy p;
	char err[256];
	struct mmc *m;

	assert_int_equal(mmc_topology_parse(spec, &t, err, sizeof(err)), 0);
	mmc_policy_defaults(&p);
	p.thp_enabled = thp_enabled;
	p.thp_defrag = thp_defrag;
	m = mmc_create(&t, &p, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(mmc_seed_all_free(m), 0);
	return m;
}

static unsigned class_of(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	assert_non_null(z);
	return page_class(z->page[pfn_to_idx(z, pfn)]);
}

/* Take every free page of node nid (every node for nid < 0), give back
 * every other one: no free block above order 0 is left there. */
static void fragment_node(struct mmc *m, int nid)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct mmc_zone *z = m->zones[i];
		uint64_t end = z->start_pfn + z->spanned;
		uint8_t *taken;

		if (nid >= 0 && z->node != nid)
			continue;
		taken = calloc(z->spanned, 1);
		assert_non_null(taken);
		for (uint64_t p = z->start_pfn; p < end; p++)
			taken[p - z->start_pfn] =
				mmc_alloc_at(m, p, 0, MMC_GFP_KERNEL, 0, NULL) == 0;
		for (uint64_t p = z->start_pfn; p < end; p++)
			if ((p & 1) && taken[p - z->start_pfn])
				assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
		free(taken);
	}
	mmc_drain_all(m);
}

static void test_first_touch_then_minor(void **state)
{
	struct mmc *m = new_model("256M,2", 0, 3);
	struct mmc_result r;
	uint64_t pfn;

	(void)state;
	assert_int_equal(mmc_fault(m, 100, BASE + 5 * PG + 12, MMC_FAULT_WRITE,
				   0, &r), MMC_FK_ANON);
	pfn = r.pfn;
	assert_true(pfn != NO_PFN);
	assert_int_equal(class_of(m, pfn), MMC_PC_ANON);
	assert_int_equal(mmc_fault(m, 100, BASE + 5 * PG, MMC_FAULT_WRITE, 1,
				   &r), MMC_FK_MINOR);
	assert_int_equal(r.pfn, pfn);
	/* same address, other process: its own page */
	assert_int_equal(mmc_fault(m, 101, BASE + 5 * PG, MMC_FAULT_WRITE, 0,
				   &r), MMC_FK_ANON);
	assert_true(r.pfn != pfn);
	/* read first touch maps the zero page; a write then allocates */
	assert_int_equal(mmc_fault(m, 100, BASE + 9 * PG, 0, 0, &r),
			 MMC_FK_ZERO);
	assert_int_equal(r.pfn, NO_PFN);
	assert_int_equal(mmc_fault(m, 100, BASE + 9 * PG, 0, 0, &r),
			 MMC_FK_MINOR);
	assert_int_equal(mmc_fault(m, 100, BASE + 9 * PG, MMC_FAULT_WRITE, 0,
				   &r), MMC_FK_ANON);
	assert_int_equal(m->vm.ev[MMC_THP_FAULT_ALLOC], 0);
	mmc_destroy(m);
}

static void test_thp_always(void **state)
{
	struct mmc *m = new_model("256M,2", 2, 3);
	struct mmc_result r;
	uint64_t head;

	(void)state;
	assert_int_equal(mmc_fault(m, 7, BASE + 3 * PG, MMC_FAULT_WRITE |
				   MMC_FAULT_THP, 0, &r), MMC_FK_THP);
	head = r.pfn - 3;
	assert_int_equal(head & 511, 0);
	assert_int_equal(class_of(m, head + 511), MMC_PC_ANON);
	assert_int_equal(m->vm.ev[MMC_THP_FAULT_ALLOC], 1);
	/* the rest of the 2 MiB is mapped by the same THP */
	assert_int_equal(mmc_fault(m, 7, BASE + 300 * PG, MMC_FAULT_WRITE |
				   MMC_FAULT_THP, 1, &r), MMC_FK_MINOR);
	assert_int_equal(r.pfn, head + 300);
	/* not THP-suitable (the VMA does not cover the aligned range) */
	assert_int_equal(mmc_fault(m, 7, BASE + HPAGE, MMC_FAULT_WRITE, 0, &r),
			 MMC_FK_ANON);
	/* a 2 MiB with a page already mapped gets no THP */
	assert_int_equal(mmc_fault(m, 7, BASE + HPAGE + PG, MMC_FAULT_WRITE |
				   MMC_FAULT_THP, 0, &r), MMC_FK_ANON);
	/* a read maps the huge zero page; a write splits it to ptes */
	assert_int_equal(mmc_fault(m, 7, BASE + 2 * HPAGE, MMC_FAULT_THP, 0,
				   &r), MMC_FK_HUGE_ZERO);
	assert_int_equal(mmc_fault(m, 7, BASE + 2 * HPAGE + PG, MMC_FAULT_THP,
				   0, &r), MMC_FK_MINOR);
	assert_int_equal(mmc_fault(m, 7, BASE + 2 * HPAGE + PG, MMC_FAULT_THP |
				   MMC_FAULT_WRITE, 0, &r), MMC_FK_ANON);
	assert_int_equal(mmc_fault(m, 7, BASE + 2 * HPAGE + 2 * PG,
				   MMC_FAULT_THP, 0, &r), MMC_FK_MINOR);
	assert_int_equal(m->vm.ev[MMC_THP_FAULT_ALLOC], 1);
	mmc_destroy(m);
}

/* A THP unmapped and freed (munmap, a demand free) or gone with its
 * process leaves the LRU's counts right: the unmap keeps the LRU folio's
 * head, so the free takes the whole folio off its list. */
static void test_thp_unmap_free_lru(void **state)
{
	struct mmc *m = new_model("256M,2", 2, 3);
	struct mmc_result r;
	uint64_t head;

	(void)state;
	for (int exit = 0; exit < 2; exit++) {
		assert_int_equal(mmc_fault(m, 7, BASE + 3 * PG, MMC_FAULT_WRITE |
					   MMC_FAULT_THP, 0, &r), MMC_FK_THP);
		head = r.pfn - 3;
		assert_int_equal(lru_pages(m, 0, false, false), 512);
		if (exit) {
			mmc_process_exit(m, 7);
		} else {
			mmc_unmap_pfn(m, head, 9);
			assert_int_equal(mmc_free(m, head, 9, 0, &r), 0);
		}
		assert_int_equal(lru_pages(m, 0, false, false), 0);
		assert_int_equal(lru_pages(m, 0, false, true), 0);
		assert_int_equal(class_of(m, head), MMC_PC_FREE);
	}
	mmc_destroy(m);
}

static void test_thp_policy(void **state)
{
	struct mmc_result r;
	struct mmc *m;

	(void)state;
	/* madvise: only madvised VMAs */
	m = new_model("256M,2", 1, 3);
	assert_int_equal(mmc_fault(m, 1, BASE, MMC_FAULT_WRITE | MMC_FAULT_THP,
				   0, &r), MMC_FK_ANON);
	assert_int_equal(mmc_fault(m, 1, BASE + HPAGE, MMC_FAULT_WRITE |
				   MMC_FAULT_THP | MMC_FAULT_MADVISED, 0, &r),
			 MMC_FK_THP);
	mmc_destroy(m);
	/* never */
	m = new_model("256M,2", 0, 4);
	assert_int_equal(mmc_fault(m, 1, BASE, MMC_FAULT_WRITE | MMC_FAULT_THP |
				   MMC_FAULT_MADVISED, 0, &r), MMC_FK_ANON);
	assert_int_equal(m->vm.ev[MMC_THP_FAULT_ALLOC] + m->vm.ev[MMC_THP_FAULT_FALLBACK], 0);
	mmc_destroy(m);
}

/* Order 9 cannot be had: fall back to order 0, count thp_fault_fallback. */
static void test_thp_fallback(void **state)
{
	struct mmc *m = new_model("64M,1", 2, 0);	/* defrag never */
	struct mmc_result r;

	(void)state;
	fragment_node(m, -1);
	assert_int_equal(mmc_fault(m, 3, BASE, MMC_FAULT_WRITE | MMC_FAULT_THP,
				   0, &r), MMC_FK_ANON);
	assert_true(r.pfn != NO_PFN);
	assert_int_equal(class_of(m, r.pfn), MMC_PC_ANON);
	assert_int_equal(m->vm.ev[MMC_THP_FAULT_FALLBACK], 1);
	assert_int_equal(m->vm.ev[MMC_THP_FAULT_ALLOC], 0);
	mmc_destroy(m);
}

/* alloc_pages_mpol(): a THP is tried on the local node only, unless the
 * defrag setting lets the fault direct-reclaim; then a remote node may
 * supply it. */
static void test_thp_local_node_first(void **state)
{
	struct mmc_result r;
	struct mmc *m;

	(void)state;
	/* defrag madvise, not madvised: no direct reclaim, stay local */
	m = new_model("2x64M,2", 2, 3);
	fragment_node(m, 0);
	assert_int_equal(mmc_fault(m, 1, BASE, MMC_FAULT_WRITE | MMC_FAULT_THP,
				   0, &r), MMC_FK_ANON);
	assert_int_equal(r.node, 0);
	assert_int_equal(m->vm.ev[MMC_THP_FAULT_FALLBACK], 1);
	mmc_destroy(m);
	/* defrag always: the second attempt may go remote */
	m = new_model("2x64M,2", 2, 4);
	fragment_node(m, 0);
	assert_int_equal(mmc_fault(m, 1, BASE, MMC_FAULT_WRITE | MMC_FAULT_THP,
				   0, &r), MMC_FK_THP);
	assert_int_equal(r.node, 1);
	assert_int_equal(m->vm.ev[MMC_THP_FAULT_ALLOC], 1);
	mmc_destroy(m);
}

/* transparent_hugepage/defrag as vma_thp_gfp_mask() turns it into a
 * gfp, on a node with no free order-9 block: always and madvise (for a
 * madvised VMA) compact directly (GFP_TRANSHUGE: direct reclaim, no
 * kswapd); defer only wakes kswapd (and through it kcompactd);
 * defer+madvise compacts for madvised VMAs and wakes kswapd for the
 * others; never does neither.  Every failure is a thp_fault_fallback. */
static void test_thp_defrag_modes(void **state)
{
	static const struct { int defrag; unsigned madv; bool compact, wake; }
	cases[] = {
		{ 4, 0, true, false }, { 4, MMC_FAULT_MADVISED, true, false },
		{ 1, 0, false, true }, { 1, MMC_FAULT_MADVISED, false, true },
		{ 2, 0, false, true }, { 2, MMC_FAULT_MADVISED, true, false },
		{ 3, 0, false, false }, { 3, MMC_FAULT_MADVISED, true, false },
		{ 0, MMC_FAULT_MADVISED, false, false },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmc *m = new_model("64M,1", 2, cases[i].defrag);
		struct mmc_result r;

		fragment_node(m, -1);
		memset(&r, 0, sizeof(r));
		assert_int_equal(mmc_fault(m, 3, BASE, MMC_FAULT_WRITE |
					   MMC_FAULT_THP | cases[i].madv, 0,
					   &r), MMC_FK_ANON);
		if (!!(r.path & MMC_PATH_COMPACT) != cases[i].compact ||
		    !!(r.path & MMC_PATH_KSWAPD_WAKE) != cases[i].wake)
			fail_msg("defrag %d madvised %d: path %#x",
				 cases[i].defrag, !!cases[i].madv, r.path);
		assert_int_equal(m->vm.ev[MMC_THP_FAULT_FALLBACK], 1);
		mmc_destroy(m);
	}
}

/* Reclaim turns the mapping into a shadow: the next touch refaults. */
static void test_refault(void **state)
{
	struct mmc *m = new_model("256M,2", 2, 3);
	struct mmc_result r;
	uint64_t pfn, thp;

	(void)state;
	assert_int_equal(mmc_fault(m, 9, BASE + 7 * PG, MMC_FAULT_WRITE, 0,
				   &r), MMC_FK_ANON);
	pfn = r.pfn;
	/* what reclaim does to an anon folio it frees (reclaim_folio) */
	assert_non_null(m->fault_reclaimed);
	lru_del(m, pfn, 0);
	m->fault_reclaimed(m, pfn, 0);
	reclaim_free_pages(m, pfn, 0, -1);
	assert_int_equal(mmc_fault(m, 9, BASE + 7 * PG, 0, 1, &r),
			 MMC_FK_REFAULT);
	assert_true(r.path & MMC_PATH_REFAULT);
	assert_int_equal(class_of(m, r.pfn), MMC_PC_ANON);
	assert_int_equal(m->vm.ev[MMC_WORKINGSET_REFAULT_ANON], 1);
	assert_int_equal(m->vm.ev[MMC_PSWPIN], 1);
	/* refault distance 1, within the workingset: activated; it was not
	 * PG_workingset when evicted: no restore */
	assert_int_equal(m->vm.ev[MMC_WORKINGSET_ACTIVATE_ANON], 1);
	assert_int_equal(m->vm.ev[MMC_WORKINGSET_RESTORE_ANON], 0);
	assert_int_equal(mmc_fault(m, 9, BASE + 7 * PG, 0, 1, &r),
			 MMC_FK_MINOR);

	/* evicted while in the workingset (deactivated from the active
	 * list: PG_workingset): the refault restores it */
	pfn = r.pfn;
	struct mmc_zone *z = pfn_to_zone(m, pfn);
	z->page[pfn_to_idx(z, pfn)] |= PG_WORKINGSET;
	lru_del(m, pfn, 0);
	z->page[pfn_to_idx(z, pfn)] |= PG_WORKINGSET;
	m->fault_reclaimed(m, pfn, 0);
	reclaim_free_pages(m, pfn, 0, -1);
	assert_int_equal(mmc_fault(m, 9, BASE + 7 * PG, 0, 1, &r),
			 MMC_FK_REFAULT);
	assert_int_equal(m->vm.ev[MMC_WORKINGSET_RESTORE_ANON], 1);
	assert_int_equal(m->vm.ev[MMC_WORKINGSET_ACTIVATE_ANON], 2);

	/* a reclaimed THP comes back a page at a time */
	assert_int_equal(mmc_fault(m, 9, BASE + HPAGE, MMC_FAULT_WRITE |
				   MMC_FAULT_THP, 0, &r), MMC_FK_THP);
	thp = r.pfn;
	lru_del(m, thp, 9);
	m->fault_reclaimed(m, thp, 9);
	reclaim_free_pages(m, thp, 9, -1);
	assert_int_equal(mmc_fault(m, 9, BASE + HPAGE + 40 * PG,
				   MMC_FAULT_WRITE | MMC_FAULT_THP, 0, &r),
			 MMC_FK_REFAULT);
	assert_int_equal(mmc_fault(m, 9, BASE + HPAGE + 41 * PG,
				   MMC_FAULT_THP, 0, &r), MMC_FK_REFAULT);
	assert_int_equal(m->vm.ev[MMC_WORKINGSET_REFAULT_ANON], 4);
	mmc_destroy(m);
}

/* Isolate a free block of at least `order` (as compaction's free scanner
 * does) and return its first pfn: a migration target. */
static uint64_t isolate_target(struct mmc *m, unsigned order)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		struct mmc_zone *z = m->zones[i];

		for (uint32_t idx = 0; idx < z->nr_idx; idx++) {
			pgstate_t s = z->page[idx];

			if (PageBuddy(s) && free_order(s) >= order &&
			    isolate_free_page(m, z, idx, free_order(s)) == 0)
				return z->base_pfn + idx;
		}
	}
	fail_msg("no free block of order %u", order);
	return 0;
}

/* Compaction moves a mapped anon page or THP: the mapping follows it
 * (remove_migration_ptes).  The old pfn, reused as page cache and
 * reclaimed, is nobody's mapping any more: no anon refault, no pswpin
 * (the model once counted thousands a pressure run, on a host with no
 * swap). */
static void test_migration_moves_mapping(void **state)
{
	struct mmc *m = new_model("256M,2", 2, 3);
	struct mmc_result r;
	uint64_t from, to, thp, thp_to;

	(void)state;
	assert_int_equal(mmc_fault(m, 9, BASE + 7 * PG, MMC_FAULT_WRITE, 0,
				   &r), MMC_FK_ANON);
	from = r.pfn;
	to = isolate_target(m, 0);
	assert_int_equal(migrate_page_range(m, from, to, 0), 0);
	assert_int_equal(mmc_fault(m, 9, BASE + 7 * PG, 0, 0, &r),
			 MMC_FK_MINOR);
	assert_int_equal(r.pfn, to);
	/* the old page becomes page cache and is reclaimed */
	assert_int_equal(mmc_alloc_at(m, from, 0, MMC_GFP_KERNEL, 0, NULL), 0);
	m->fault_reclaimed(m, from, 0);
	assert_int_equal(mmc_fault(m, 9, BASE + 7 * PG, MMC_FAULT_WRITE, 0,
				   &r), MMC_FK_MINOR);
	assert_int_equal(r.pfn, to);
	assert_int_equal(m->vm.ev[MMC_PSWPIN], 0);
	assert_int_equal(m->vm.ev[MMC_WORKINGSET_REFAULT_ANON], 0);

	/* a THP moves whole: its pmd maps the new block */
	assert_int_equal(mmc_fault(m, 9, BASE + HPAGE, MMC_FAULT_WRITE |
				   MMC_FAULT_THP, 0, &r), MMC_FK_THP);
	thp = r.pfn;
	thp_to = isolate_target(m, 9);
	assert_int_equal(migrate_page_range(m, thp, thp_to, 9), 0);
	assert_int_equal(mmc_fault(m, 9, BASE + HPAGE + 5 * PG,
				   MMC_FAULT_THP, 0, &r), MMC_FK_MINOR);
	assert_int_equal(r.pfn, thp_to + 5);
	/* the workload frees it where the model now has it */
	mmc_unmap_pfn(m, thp_to, 9);
	assert_int_equal(mmc_fault(m, 9, BASE + HPAGE + 5 * PG,
				   MMC_FAULT_WRITE | MMC_FAULT_THP, 0, &r),
			 MMC_FK_THP);
	assert_int_not_equal(r.pfn, thp_to);
	mmc_destroy(m);
}

/* A page the workload frees is forgotten: the next touch is a first
 * touch; exit frees every page a process still maps. */
static void test_unmap_and_exit(void **state)
{
	struct mmc *m = new_model("256M,2", 2, 3);
	struct mmc_result r;
	uint64_t free0, pfn;

	(void)state;
	mmc_drain_all(m);
	free0 = m->zones[0]->nr_free;
	for (uint32_t i = 1; i < m->nr_zones; i++)
		free0 += m->zones[i]->nr_free;
	assert_int_equal(mmc_fault(m, 5, BASE + PG, MMC_FAULT_WRITE, 0, &r),
			 MMC_FK_ANON);
	pfn = r.pfn;
	mmc_unmap_pfn(m, pfn, 0);
	assert_int_equal(mmc_free(m, pfn, 0, 0, NULL), 0);
	assert_int_equal(mmc_fault(m, 5, BASE + PG, MMC_FAULT_WRITE, 0, &r),
			 MMC_FK_ANON);
	/* freed without telling the view: noticed lazily */
	assert_int_equal(mmc_free(m, r.pfn, 0, 0, NULL), 0);
	assert_int_equal(mmc_fault(m, 5, BASE + PG, MMC_FAULT_WRITE, 0, &r),
			 MMC_FK_ANON);
	assert_int_equal(mmc_fault(m, 5, BASE + 4 * HPAGE, MMC_FAULT_WRITE |
				   MMC_FAULT_THP, 0, &r), MMC_FK_THP);
	for (int i = 0; i < 20; i++)
		assert_true(mmc_fault(m, 5, BASE + 8 * HPAGE + i * PG,
				      MMC_FAULT_WRITE, 0, &r) >= 0);
	mmc_process_exit(m, 5);
	mmc_drain_all(m);
	uint64_t free1 = 0;
	for (uint32_t i = 0; i < m->nr_zones; i++)
		free1 += m->zones[i]->nr_free;
	assert_int_equal(free1, free0);
	/* after exit the same address is a first touch again */
	assert_int_equal(mmc_fault(m, 5, BASE + PG, MMC_FAULT_WRITE, 0, &r),
			 MMC_FK_ANON);
	mmc_destroy(m);
}

/* Mirror mode: a page placed by the caller is known to the view. */
static void test_fault_map(void **state)
{
	struct mmc *m = new_model("256M,2", 2, 3);
	struct mmc_result r;
	uint64_t pfn;

	(void)state;
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_HIGHUSER_MOVABLE, 0, &r), 0);
	pfn = r.pfn;
	assert_int_equal(mmc_lru_add(m, pfn, 0, MMC_PC_ANON), 0);
	assert_int_equal(class_of(m, pfn), MMC_PC_ANON);
	assert_int_equal(mmc_fault_map(m, 4, BASE + 3 * PG, pfn, 0), 0);
	assert_int_equal(mmc_fault(m, 4, BASE + 3 * PG, MMC_FAULT_WRITE, 0, &r),
			 MMC_FK_MINOR);
	assert_int_equal(r.pfn, pfn);
	/* the range already has a page table: no THP there */
	assert_int_equal(mmc_fault(m, 4, BASE + 4 * PG, MMC_FAULT_WRITE |
				   MMC_FAULT_THP, 0, &r), MMC_FK_ANON);
	assert_int_equal(mmc_fault_map(m, 4, BASE, pfn + 1, 9), -1);
	mmc_destroy(m);
}

/* The same faults on two models give the same pages and counters. */
static void run_sequence(struct mmc *m, uint64_t *out, int n)
{
	uint64_t x = 99;

	for (int i = 0; i < n; i++) {
		struct mmc_result r;
		int k;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t addr = BASE + ((x >> 20) % 4096) * PG;
		unsigned flags = (x >> 40) & 3 ? MMC_FAULT_WRITE : 0;

		if ((x >> 50) & 1)
			flags |= MMC_FAULT_THP;
		k = mmc_fault(m, (uint32_t)(1 + ((x >> 45) & 3)), addr, flags,
			      (int)((x >> 60) & 1), &r);
		out[i] = (uint64_t)k << 56 ^ r.pfn;
		if (i % 97 == 0 && r.pfn != NO_PFN && k == MMC_FK_ANON) {
			lru_del(m, r.pfn, 0);
			m->fault_reclaimed(m, r.pfn, 0);
			reclaim_free_pages(m, r.pfn, 0, -1);
		}
	}
}

static void test_determinism(void **state)
{
	enum { N = 5000 };
	static uint64_t a[N], b[N];
	struct mmc *m1 = new_model("256M,2", 2, 3);
	struct mmc *m2 = new_model("256M,2", 2, 3);
	struct mmc_vmstat v1, v2;

	(void)state;
	run_sequence(m1, a, N);
	run_sequence(m2, b, N);
	assert_memory_equal(a, b, sizeof(a));
	mmc_vmstat(m1, &v1);
	mmc_vmstat(m2, &v2);
	assert_memory_equal(&v1, &v2, sizeof(v1));
	assert_true(v1.thp_fault_alloc > 0);
	assert_true(v1.refaults > 0);
	mmc_destroy(m1);
	mmc_destroy(m2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_touch_then_minor),
		cmocka_unit_test(test_thp_always),
		cmocka_unit_test(test_thp_unmap_free_lru),
		cmocka_unit_test(test_thp_policy),
		cmocka_unit_test(test_thp_fallback),
		cmocka_unit_test(test_thp_local_node_first),
		cmocka_unit_test(test_thp_defrag_modes),
		cmocka_unit_test(test_refault),
		cmocka_unit_test(test_migration_moves_mapping),
		cmocka_unit_test(test_unmap_and_exit),
		cmocka_unit_test(test_fault_map),
		cmocka_unit_test(test_determinism),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
