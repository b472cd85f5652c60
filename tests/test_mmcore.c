/* SPDX-License-Identifier: MIT */
/*
 * mmcore table-driven tests: __zone_watermark_ok, gfp mapping, fallback
 * order and pageblock claiming, highatomic reserve, pcp refill and drain,
 * kswapd wake at low, the slow path reaching direct reclaim, compaction and
 * OOM, zone_reclaim_mode on two nodes, metrics formulas, policy, topology,
 * zonelists, determinism, and the memory budget.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
/* trace.h first: internal.h defines pageblock_order as a macro */
#include "mmtrace/trace.h"
#include "mmcore_check.h"

#define NPFN0 0x100000ull	/* start of the test zones (4 GiB) */

/* One node, one Normal zone of `pages` pages at 4 GiB, all allocated
 * (KERNEL) until the test seeds free blocks. */
static struct mmc *one_zone(uint64_t pages, uint32_t cpus, int min_free_kbytes,
			    int boost_factor)
{
	struct mmc_topology *t = calloc(1, sizeof(*t));
	struct mmc_policy p;
	char err[256];

	assert_non_null(t);
	t->nr_nodes = 1;
	t->nodes[0].nr_zones = 1;
	t->nodes[0].zones[0] = (struct mmc_zone_spec){ MMC_ZONE_NORMAL, NPFN0,
		pages, pages, pages };
	t->nodes[0].nr_cpus = cpus;
	t->nr_cpus = cpus;
	t->distance[0][0] = 10;
	mmc_policy_defaults(&p);
	p.min_free_kbytes = min_free_kbytes;
	p.watermark_boost_factor = boost_factor;
	struct mmc *m = mmc_create(t, &p, err, sizeof(err));
	if (!m)
		fail_msg("%s", err);
	free(t);
	return m;
}

static struct mmc_zone *zone0(struct mmc *m)
{
	return m->zones[0];
}

/* ---- __zone_watermark_ok ---------------------------------------------- */

struct wm_case {
	const char *what;
	unsigned order;
	uint64_t mark;
	int64_t free;
	unsigned flags;
	uint64_t reserve;		/* lowmem_reserve[NORMAL] */
	uint64_t free_highatomic;
	int block_order, block_mt;	/* a free block on a list; -1 none */
	bool ok;
};

static void test_watermark_ok(void **state)
{
	static const struct wm_case cases[] = {
		{ "order0 above", 0, 100, 101, 0, 0, 0, -1, 0, true },
		{ "order0 at mark fails", 0, 100, 100, 0, 0, 0, -1, 0, false },
		{ "lowmem_reserve counts", 0, 100, 150, 0, 50, 0, -1, 0, false },
		{ "lowmem_reserve above", 0, 100, 151, 0, 50, 0, -1, 0, true },
		{ "highatomic not usable", 0, 100, 110, 0, 0, 10, -1, 0, false },
		{ "highatomic with reserves", 0, 100, 110, ALLOC_HIGHATOMIC, 0, 10, -1, 0, true },
		{ "MIN_RESERVE halves", 0, 100, 51, ALLOC_MIN_RESERVE, 0, 0, -1, 0, true },
		{ "MIN_RESERVE at half", 0, 100, 50, ALLOC_MIN_RESERVE, 0, 0, -1, 0, false },
		{ "NON_BLOCK alone: no access", 0, 100, 99, ALLOC_NON_BLOCK, 0, 0, -1, 0, false },
		{ "MIN_RESERVE|NON_BLOCK", 0, 100, 39, ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 0, 0, -1, 0, true },
		{ "MIN_RESERVE|NON_BLOCK at", 0, 100, 38, ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 0, 0, -1, 0, false },
		{ "OOM halves", 0, 100, 51, ALLOC_OOM, 0, 0, -1, 0, true },
		{ "order2 needs a block", 2, 100, 200, 0, 0, 0, -1, 0, false },
		{ "order2 movable block", 2, 100, 200, 0, 0, 0, 3, MIGRATE_MOVABLE, true },
		{ "order2 smaller block", 2, 100, 200, 0, 0, 0, 1, MIGRATE_MOVABLE, false },
		{ "order2 highatomic block", 2, 100, 200, 0, 0, 0, 3, MIGRATE_HIGHATOMIC, false },
		{ "order2 highatomic w/ HIGHATOMIC", 2, 100, 200, ALLOC_HIGHATOMIC, 0, 0, 3, MIGRATE_HIGHATOMIC, true },
		{ "order2 highatomic w/ OOM", 2, 100, 200, ALLOC_OOM, 0, 0, 3, MIGRATE_HIGHATOMIC, true },
		{ "order2 free -= 3", 2, 100, 103, 0, 0, 0, 3, MIGRATE_MOVABLE, false },
		{ "order2 free -= 3 above", 2, 100, 104, 0, 0, 0, 3, MIGRATE_MOVABLE, true },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wm_case *c = &cases[i];
		static struct mmc_zone z;

		memset(&z, 0, sizeof(z));
		z.lowmem_reserve[MMC_ZONE_NORMAL] = c->reserve;
		z.nr_free_highatomic = c->free_highatomic;
		if (c->block_order >= 0) {
			z.free_area[c->block_order].nr_free[c->block_mt] = 1;
			z.free_area[c->block_order].nr_free_all = 1;
		}
		bool ok = __zone_watermark_ok(&z, c->order, c->mark, MMC_ZONE_NORMAL,
					      c->flags, c->free);
		if (ok != c->ok)
			fail_msg("case '%s': got %d", c->what, ok);
	}
}

/* ---- gfp mapping ---------------------------------------------------------- */

static void test_gfp_bits_match_trace(void **state)
{
	(void)state;
	assert_true(MMC___GFP_DMA == 1ull << MMT_GFP_DMA);
	assert_true(MMC___GFP_HIGHMEM == 1ull << MMT_GFP_HIGHMEM);
	assert_true(MMC___GFP_DMA32 == 1ull << MMT_GFP_DMA32);
	assert_true(MMC___GFP_MOVABLE == 1ull << MMT_GFP_MOVABLE);
	assert_true(MMC___GFP_RECLAIMABLE == 1ull << MMT_GFP_RECLAIMABLE);
	assert_true(MMC___GFP_HIGH == 1ull << MMT_GFP_HIGH);
	assert_true(MMC___GFP_IO == 1ull << MMT_GFP_IO);
	assert_true(MMC___GFP_FS == 1ull << MMT_GFP_FS);
	assert_true(MMC___GFP_ZERO == 1ull << MMT_GFP_ZERO);
	assert_true(MMC___GFP_DIRECT_RECLAIM == 1ull << MMT_GFP_DIRECT_RECLAIM);
	assert_true(MMC___GFP_KSWAPD_RECLAIM == 1ull << MMT_GFP_KSWAPD_RECLAIM);
	assert_true(MMC___GFP_WRITE == 1ull << MMT_GFP_WRITE);
	assert_true(MMC___GFP_NOWARN == 1ull << MMT_GFP_NOWARN);
	assert_true(MMC___GFP_RETRY_MAYFAIL == 1ull << MMT_GFP_RETRY_MAYFAIL);
	assert_true(MMC___GFP_NOFAIL == 1ull << MMT_GFP_NOFAIL);
	assert_true(MMC___GFP_NORETRY == 1ull << MMT_GFP_NORETRY);
	assert_true(MMC___GFP_MEMALLOC == 1ull << MMT_GFP_MEMALLOC);
	assert_true(MMC___GFP_COMP == 1ull << MMT_GFP_COMP);
	assert_true(MMC___GFP_NOMEMALLOC == 1ull << MMT_GFP_NOMEMALLOC);
	assert_true(MMC___GFP_HARDWALL == 1ull << MMT_GFP_HARDWALL);
	assert_true(MMC___GFP_THISNODE == 1ull << MMT_GFP_THISNODE);
	assert_true(MMC___GFP_ACCOUNT == 1ull << MMT_GFP_ACCOUNT);
}

static void test_gfp_mapping(void **state)
{
	static const struct { uint64_t gfp; int zone, mt; } zt[] = {
		{ MMC_GFP_KERNEL, MMC_ZONE_NORMAL, MIGRATE_UNMOVABLE },
		{ MMC_GFP_KERNEL | MMC___GFP_RECLAIMABLE, MMC_ZONE_NORMAL, MIGRATE_RECLAIMABLE },
		{ MMC_GFP_USER | MMC___GFP_MOVABLE, MMC_ZONE_NORMAL, MIGRATE_MOVABLE },
		{ MMC_GFP_HIGHUSER_MOVABLE, MMC_ZONE_MOVABLE, MIGRATE_MOVABLE },
		{ MMC_GFP_HIGHUSER, MMC_ZONE_NORMAL, MIGRATE_UNMOVABLE },
		{ MMC_GFP_KERNEL | MMC___GFP_DMA, MMC_ZONE_DMA, MIGRATE_UNMOVABLE },
		{ MMC_GFP_KERNEL | MMC___GFP_DMA32, MMC_ZONE_DMA32, MIGRATE_UNMOVABLE },
		{ MMC___GFP_DMA32 | MMC___GFP_MOVABLE, MMC_ZONE_DMA32, MIGRATE_MOVABLE },
		{ MMC_GFP_TRANSHUGE, MMC_ZONE_MOVABLE, MIGRATE_MOVABLE },
	};
	static const struct { uint64_t gfp; unsigned order, flags; } ft[] = {
		{ MMC_GFP_KERNEL, 0, ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_KSWAPD },
		{ MMC_GFP_ATOMIC, 0, ALLOC_MIN_RESERVE | ALLOC_KSWAPD | ALLOC_NON_BLOCK },
		{ MMC_GFP_ATOMIC, 2, ALLOC_MIN_RESERVE | ALLOC_KSWAPD | ALLOC_NON_BLOCK | ALLOC_HIGHATOMIC },
		{ MMC_GFP_NOWAIT, 0, ALLOC_CPUSET | ALLOC_KSWAPD | ALLOC_NON_BLOCK },
		{ MMC_GFP_NOWAIT | MMC___GFP_NOMEMALLOC, 1, ALLOC_CPUSET | ALLOC_KSWAPD },
		{ MMC_GFP_TRANSHUGE_LIGHT, 9, ALLOC_CPUSET | ALLOC_NON_BLOCK * 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(zt) / sizeof(zt[0]); i++) {
		assert_int_equal(gfp_zone(zt[i].gfp), zt[i].zone);
		assert_int_equal(gfp_migratetype(zt[i].gfp), zt[i].mt);
	}
	for (size_t i = 0; i < sizeof(ft) / sizeof(ft[0]); i++)
		assert_int_equal(gfp_to_alloc_flags(ft[i].gfp, ft[i].order), ft[i].flags);
}

/* ---- free list order ------------------------------------------------- */

/* buddy.c: the list head is the newest block added at the head that is
 * still free, else the highest block (blocks seeded at the tail). */
static void test_list_head_lifo_then_highest(void **state)
{
	struct mmc *m = one_zone(8192, 1, 0, 15000);
	struct mmc_result res;
	uint64_t pfn[3];

	(void)state;
	assert_int_equal(mmc_seed_all_free(m), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(mmc_alloc(m, 10, MMC_GFP_HIGHUSER_MOVABLE, 0,
					   &res), 0);
		pfn[i] = res.pfn;
	}
	/* no block freed yet: highest first */
	assert_int_equal(pfn[0], NPFN0 + 7 * 1024);
	assert_int_equal(pfn[1], NPFN0 + 6 * 1024);
	assert_int_equal(pfn[2], NPFN0 + 5 * 1024);
	/* freed ones come back newest first, before any higher block */
	assert_int_equal(mmc_free(m, pfn[2], 10, 0, &res), 0);
	assert_int_equal(mmc_free(m, pfn[0], 10, 0, &res), 0);
	assert_int_equal(mmc_free(m, pfn[1], 10, 0, &res), 0);
	assert_int_equal(mmc_alloc(m, 10, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	assert_int_equal(res.pfn, pfn[1]);
	assert_int_equal(mmc_alloc(m, 10, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	assert_int_equal(res.pfn, pfn[0]);
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

/* A start snapshot's list order (mmc_seed_free_order): the seeded blocks
 * are taken in that order, after the blocks freed since (newest first),
 * and the blocks it does not place come last, highest first. */
static void test_list_head_seeded_order(void **state)
{
	struct mmc *m = one_zone(8192, 1, 0, 15000);
	struct mmc_result res;

	(void)state;
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_int_equal(mmc_seed_free_order(m, NPFN0 + 2 * 1024, 10), 0);
	assert_int_equal(mmc_seed_free_order(m, NPFN0 + 5 * 1024, 10), 0);
	assert_int_equal(mmc_seed_free_order(m, NPFN0 + 0 * 1024, 10), 0);
	/* not a free block of that order */
	assert_int_equal(mmc_seed_free_order(m, NPFN0 + 512, 9), -1);
	assert_int_equal(mmc_seed_free_order(m, NPFN0 + 1, 0), -1);
	assert_int_equal(mmc_alloc(m, 10, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	assert_int_equal(res.pfn, NPFN0 + 2 * 1024);
	/* freed since: ahead of the snapshot's blocks */
	assert_int_equal(mmc_free(m, res.pfn, 10, 0, &res), 0);
	assert_int_equal(mmc_alloc(m, 10, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	assert_int_equal(res.pfn, NPFN0 + 2 * 1024);
	assert_int_equal(mmc_alloc(m, 10, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	assert_int_equal(res.pfn, NPFN0 + 5 * 1024);
	assert_int_equal(mmc_alloc(m, 10, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	assert_int_equal(res.pfn, NPFN0 + 0 * 1024);
	/* the order ran out: highest first again */
	assert_int_equal(mmc_alloc(m, 10, MMC_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	assert_int_equal(res.pfn, NPFN0 + 7 * 1024);
	/* a free must be aligned to its order: allocated pages, but an
	 * order-3 block at an odd pfn is no block (it would merge across
	 * its neighbours); nothing changes */
	assert_int_equal(mmc_free(m, NPFN0 + 7 * 1024 + 1, 3, 0, &res), -1);
	assert_null(mmc_check(m));
	assert_int_equal(mmc_free(m, NPFN0 + 7 * 1024 + 8, 3, 0, &res), 0);
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

/* ---- fallback and claiming ------------------------------------------- */

/* Allocated range becomes LRU (movable) pages. */
static void make_lru(struct mmc *m, uint64_t pfn, unsigned order)
{
	assert_int_equal(mmc_lru_add(m, pfn, order, MMC_PC_ANON), 0);
}

static void test_claim_whole_max_block(void **state)
{
	struct mmc *m = one_zone(4096, 1, 0, 15000);
	struct mmc_result res;

	(void)state;
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_FALLBACK);
	assert_true(res.path & MMC_PATH_STEAL);
	struct mmc_zone *z = zone0(m);
	/* the list head, the highest order-10 block (buddy.c: the model's
	 * list order), was taken over: both its pageblocks */
	for (int b = 0; b < 6; b++)
		assert_int_equal(z->pageblock_mt[b], MIGRATE_MOVABLE);
	assert_int_equal(z->pageblock_mt[6], MIGRATE_UNMOVABLE);
	assert_int_equal(z->pageblock_mt[7], MIGRATE_UNMOVABLE);
	assert_true(res.pfn >= NPFN0 + 3072);
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

/* try_to_claim_block(): free + compatible >= half a pageblock claims it */
static void claim_case(unsigned free_order, bool expect_claim)
{
	struct mmc *m = one_zone(4096, 1, 0, 15000);
	struct mmc_result res;
	struct mmc_vmstat vs;

	/* pageblock 0: a free block of 2^free_order, the rest LRU pages */
	assert_int_equal(mmc_seed_free(m, NPFN0, free_order, MIGRATE_MOVABLE), 0);
	for (uint64_t p = NPFN0 + (1u << free_order); p < NPFN0 + 512; p += 1u << free_order)
		make_lru(m, p, free_order);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_FALLBACK);
	assert_true(res.pfn < NPFN0 + 512);
	mmc_vmstat(m, &vs);
	/* The first pass (ALLOC_NOFRAGMENT) found nothing, but its refill
	 * attempt doubled alloc_factor: the second refill takes 2 pages, each
	 * through __rmqueue().  Claimed: the 2nd comes from the claimed
	 * block; not claimed: the 2nd falls back (and boosts) again. */
	unsigned nfb = expect_claim ? 1 : 2;
	assert_int_equal(vs.extfrag_events, nfb);
	/* every claim attempt below pageblock order boosts (capped) */
	assert_true(vs.boosts >= nfb);
	assert_true(zone0(m)->watermark_boost > 0);
	if (expect_claim) {
		assert_true(res.path & MMC_PATH_STEAL);
		assert_int_equal(zone0(m)->pageblock_mt[0], MIGRATE_UNMOVABLE);
	} else {
		assert_false(res.path & MMC_PATH_STEAL);
		assert_int_equal(zone0(m)->pageblock_mt[0], MIGRATE_MOVABLE);
	}
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

static void test_claim_half_pageblock(void **state)
{
	(void)state;
	claim_case(8, true);	/* 256 free + 0 alike >= 256 */
	claim_case(7, false);	/* 128 free + 0 alike < 256: steal only */
}

/* fallbacks[]: which foreign list each type raids first.  Pageblocks 1
 * and 2 get the two foreign types, each with one free order-3 block; the
 * requester's own lists are empty. */
static void test_fallback_order(void **state)
{
	static const struct { uint64_t gfp; int mt1, mt2; } cases[] = {
		/* MOVABLE -> RECLAIMABLE before UNMOVABLE */
		{ MMC_GFP_USER | MMC___GFP_MOVABLE, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE },
		/* UNMOVABLE -> RECLAIMABLE before MOVABLE */
		{ MMC_GFP_KERNEL, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE },
		/* RECLAIMABLE -> UNMOVABLE before MOVABLE */
		{ MMC_GFP_KERNEL | MMC___GFP_RECLAIMABLE, MIGRATE_MOVABLE, MIGRATE_UNMOVABLE },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmc *m = one_zone(4096, 1, 0, 0);
		struct mmc_result res;
		struct mmc_vmstat vs;

		assert_int_equal(mmc_set_pageblock_mt(m, NPFN0 + 512, cases[i].mt1), 0);
		assert_int_equal(mmc_set_pageblock_mt(m, NPFN0 + 1024, cases[i].mt2), 0);
		assert_int_equal(mmc_seed_free(m, NPFN0 + 512, 3, -1), 0);
		assert_int_equal(mmc_seed_free(m, NPFN0 + 1024, 3, -1), 0);
		assert_int_equal(mmc_alloc(m, 0, cases[i].gfp, 0, &res), 0);
		assert_true(res.path & MMC_PATH_FALLBACK);
		if ((res.pfn - NPFN0) / 512 != 2)
			fail_msg("case %zu: took pageblock %llu", i,
				 (unsigned long long)((res.pfn - NPFN0) / 512));
		mmc_vmstat(m, &vs);
		assert_true(vs.extfrag_events >= 1);
		/* stealing an order-3 block does not change the pageblock */
		assert_int_equal(zone0(m)->pageblock_mt[2], cases[i].mt2);
		assert_null(mmc_check(m));
		mmc_destroy(m);
	}
}

/* High-order atomic allocations in the slow path reserve a pageblock
 * (reserve_highatomic_pageblock) and later ones use it. */
static void test_highatomic_reserve(void **state)
{
	/* 65536 pages, min_free_kbytes 4096: min 1024, low 1280 */
	struct mmc *m = one_zone(65536, 1, 4096, 0);
	struct mmc_zone *z = zone0(m);
	struct mmc_result res;

	(void)state;
	assert_int_equal(z->_watermark[WMARK_LOW], 1280);
	/* 1200 free: below low, above min */
	assert_int_equal(mmc_seed_free(m, NPFN0, 9, -1), 0);
	assert_int_equal(mmc_seed_free(m, NPFN0 + 512, 9, -1), 0);
	assert_int_equal(mmc_seed_free(m, NPFN0 + 1024, 7, -1), 0);
	assert_int_equal(mmc_seed_free(m, NPFN0 + 1024 + 128, 5, -1), 0);
	assert_int_equal(mmc_seed_free(m, NPFN0 + 1024 + 160, 4, -1), 0);
	assert_int_equal(z->nr_free, 1200);
	assert_int_equal(mmc_alloc(m, 4, MMC_GFP_ATOMIC, 0, &res), 0);
	assert_true(res.path & MMC_PATH_SLOWPATH);
	uint32_t idx = pfn_to_idx(z, res.pfn);
	assert_int_equal(get_pageblock_migratetype(z, idx), MIGRATE_HIGHATOMIC);
	assert_int_equal(z->nr_reserved_highatomic, 512);
	assert_true(z->nr_free_highatomic > 0);
	assert_null(mmc_check(m));
	/* the next one comes from the reserve (order 4: not a pcp order;
	 * rmqueue() tries the pcp first and pcp refills never use it) */
	assert_int_equal(mmc_alloc(m, 4, MMC_GFP_ATOMIC, 0, &res), 0);
	assert_true(res.path & MMC_PATH_HIGHATOMIC);
	assert_int_equal(pfn_to_idx(z, res.pfn) >> pageblock_order, idx >> pageblock_order);
	/* ordinary allocations cannot count the reserve's free pages */
	assert_false(zone_watermark_ok(z, 0, z->nr_free - z->nr_free_highatomic, 0, 0));
	/* unreserve gives it back to the movable lists */
	assert_true(unreserve_highatomic_pageblock(m, 0, true));
	assert_int_equal(z->nr_reserved_highatomic, 0);
	assert_int_equal(z->nr_free_highatomic, 0);
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

/* ---- pcp -------------------------------------------------------------- */

static void test_pcp_refill_and_drain(void **state)
{
	/* 1.5 GiB: batch 63 (zone_batchsize caps at 1 MiB / 4 ...) */
	struct mmc *m = one_zone(393216, 1, -1, 15000);
	struct mmc_result res;
	struct mmc_zone *z = zone0(m);
	struct per_cpu_pages *pcp = &z->pcp[0];
	enum { N = 12000 };
	uint64_t *pfns = calloc(N, sizeof(*pfns));
	uint32_t n = 0;

	(void)state;
	assert_non_null(pfns);
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_int_equal(z->pcp_batch, 63);
	assert_int_equal(pcp->high, pcp->high_min);
	assert_true(pcp->high_max > pcp->high_min);
	uint32_t high0 = pcp->high;
	/* first order-0 alloc refills a batch; pcp->high grows by it */
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_PCP_REFILL);
	assert_int_equal(res.pcp_batch, 63);
	assert_int_equal(pcp->count, 62);
	assert_int_equal(pcp->high, high0 + 63);
	pfns[n++] = res.pfn;
	for (int i = 0; i < 62; i++) {
		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
		assert_true(res.path & MMC_PATH_PCP_HIT);
		assert_false(res.path & MMC_PATH_PCP_REFILL);
		pfns[n++] = res.pfn;
	}
	assert_int_equal(pcp->count, 0);
	/* allocating without freeing doubles the next refill */
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_PCP_REFILL);
	assert_int_equal(res.pcp_batch, 126);
	pfns[n++] = res.pfn;
	while (n < N) {
		assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
		pfns[n++] = res.pfn;
	}
	assert_true(pcp->high > high0 && pcp->high <= pcp->high_max);
	/* vmstat work decays pcp->high back to high_min */
	mmc_tick(m, 1);
	mmc_tick(m, 40ull * 1000000000ull);
	assert_int_equal(pcp->high, pcp->high_min);
	assert_true(pcp->count <= pcp->high);
	mmc_drain_all(m);
	assert_int_equal(pcp->count, 0);
	/* frees stack up to high, then a drain leaves at least a batch */
	uint32_t drains = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t before = pcp->count;

		assert_int_equal(mmc_free(m, pfns[i], 0, 0, &res), 0);
		if (res.path & MMC_PATH_PCP_DRAIN) {
			assert_true(res.pcp_batch >= 63);
			assert_int_equal(pcp->count, before + 1 - res.pcp_batch);
			assert_true(pcp->count >= 63);
			drains++;
		} else {
			assert_int_equal(pcp->count, before + 1);
		}
		assert_true(pcp->count < pcp->high_max);
	}
	assert_true(drains >= 1);
	/* order-1 refill: batch >> order blocks */
	mmc_drain_all(m);
	assert_int_equal(mmc_alloc(m, 1, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_PCP_REFILL);
	assert_int_equal(res.pcp_batch, 31 * 2);
	mmc_drain_all(m);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(z->nr_free_pcp, 0);
	assert_null(mmc_check(m));
	free(pfns);
	mmc_destroy(m);
}

/* ---- slow path ---------------------------------------------------------- */

/* min_free_kbytes 1024 on 4096 pages: min 256, low 320, high 384 */
static struct mmc *low_zone(unsigned free_pages_order8_plus)
{
	struct mmc *m = one_zone(4096, 1, 1024, 0);
	struct mmc_zone *z = zone0(m);

	assert_int_equal(z->_watermark[WMARK_MIN], 256);
	assert_int_equal(z->_watermark[WMARK_LOW], 320);
	assert_int_equal(z->_watermark[WMARK_HIGH], 384);
	/* 256 + extra pages free, in pageblock 0 */
	assert_int_equal(mmc_seed_free(m, NPFN0, 8, MIGRATE_UNMOVABLE), 0);
	for (unsigned o = 0; o < 8; o++)
		if (free_pages_order8_plus & (1u << o))
			assert_int_equal(mmc_seed_free(m, NPFN0 + 256 + (1u << o), o, MIGRATE_UNMOVABLE), 0);
	assert_int_equal(mmc_set_pageblock_mt(m, NPFN0, MIGRATE_UNMOVABLE), 0);
	return m;
}

static void test_kswapd_wake_at_low(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vs;

	(void)state;
	/* 256 + 32 + 8 + 4 = 300 free: between min and low */
	struct mmc *m = low_zone(32 | 8 | 4);
	assert_int_equal(zone0(m)->nr_free, 300);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_SLOWPATH);
	assert_true(res.path & MMC_PATH_KSWAPD_WAKE);
	assert_false(res.path & MMC_PATH_DIRECT_RECLAIM);
	mmc_vmstat(m, &vs);
	assert_int_equal(vs.kswapd_wakes, 1);
	assert_true(m->nodes[0].kswapd_awake);
	mmc_destroy(m);
	/* above low: the fast path, no wake */
	m = low_zone(64 | 32 | 16);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_false(res.path & (MMC_PATH_SLOWPATH | MMC_PATH_KSWAPD_WAKE));
	mmc_vmstat(m, &vs);
	assert_int_equal(vs.kswapd_wakes, 0);
	mmc_destroy(m);
}

static void test_slowpath_reclaim_compact_oom(void **state)
{
	struct mmc_result res;

	(void)state;
	/* below min, nothing reclaimable: reclaim, then OOM (order 0) */
	struct mmc *m = one_zone(4096, 1, 1024, 0);
	assert_int_equal(mmc_seed_free(m, NPFN0, 7, -1), 0);	/* 128 < min */
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), -1);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	assert_true(res.path & MMC_PATH_OOM);
	assert_true(res.pfn == UINT64_MAX);
	/* GFP_ATOMIC cannot reclaim: fails without reclaim or OOM */
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_NOWAIT, 0, &res), -1);
	assert_false(res.path & (MMC_PATH_DIRECT_RECLAIM | MMC_PATH_OOM));
	/* GFP_ATOMIC may dip to min/2 - min/8: 128 > 96 */
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_ATOMIC, 0, &res), 0);
	mmc_destroy(m);

	/* costly order, plenty free but fragmented: compaction first, no OOM */
	m = one_zone(4096, 1, 0, 0);
	for (uint64_t p = NPFN0; p < NPFN0 + 4096; p += 16)
		assert_int_equal(mmc_seed_free(m, p, 3, -1), 0);
	assert_int_equal(mmc_alloc(m, 4, MMC_GFP_KERNEL, 0, &res), -1);
	assert_true(res.path & MMC_PATH_COMPACT);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	assert_false(res.path & MMC_PATH_OOM);
	struct mmc_vmstat vs;
	mmc_vmstat(m, &vs);
	assert_int_equal(vs.alloc_fail, 1);
	mmc_destroy(m);
}

/* ---- zone_reclaim_mode on two nodes ---------------------------------- */

static struct mmc *two_nodes(int mode, uint32_t distance)
{
	struct mmc_topology *t;
	struct mmc_policy p;
	char err[256];

	t = calloc(1, sizeof(*t));
	assert_non_null(t);
	t->nr_nodes = 2;
	for (int n = 0; n < 2; n++) {
		t->nodes[n].nr_zones = 1;
		t->nodes[n].zones[0] = (struct mmc_zone_spec){ MMC_ZONE_NORMAL,
			NPFN0 + (uint64_t)n * 8192, 8192, 8192, 8192 };
		t->nodes[n].nr_cpus = 1;
		t->cpu_node[n] = n;
	}
	t->nr_cpus = 2;
	t->distance[0][0] = t->distance[1][1] = 10;
	t->distance[0][1] = t->distance[1][0] = distance;
	mmc_policy_defaults(&p);
	p.zone_reclaim_mode = mode;
	p.min_free_kbytes = 2048;
	p.watermark_boost_factor = 0;
	struct mmc *m = mmc_create(t, &p, err, sizeof(err));
	if (!m)
		fail_msg("%s", err);
	free(t);
	/* node 0: 200 free pages (below its low mark); node 1: all free */
	assert_int_equal(mmc_seed_free(m, NPFN0, 7, -1), 0);
	assert_int_equal(mmc_seed_free(m, NPFN0 + 128, 6, -1), 0);
	assert_int_equal(mmc_seed_free(m, NPFN0 + 192, 3, -1), 0);
	for (uint64_t p2 = NPFN0 + 8192; p2 < NPFN0 + 16384; p2 += 1024)
		assert_int_equal(mmc_seed_free(m, p2, 10, -1), 0);
	assert_true(zone0(m)->nr_free < low_wmark_pages(zone0(m)));
	return m;
}

static void test_zone_reclaim_mode(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vs;

	(void)state;
	/* mode 0: straight to node 1 */
	struct mmc *m = two_nodes(0, 20);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_int_equal(res.node, 1);
	assert_true(res.path & MMC_PATH_REMOTE);
	assert_false(res.path & MMC_PATH_NODE_RECLAIM);
	mmc_vmstat(m, &vs);
	assert_int_equal(vs.node_reclaims, 0);
	mmc_destroy(m);
	/* mode 1: node reclaim on node 0 first (nothing to reclaim:
	 * NODE_RECLAIM_FULL, no scan, so no NODE_RECLAIM path), then node 1 */
	m = two_nodes(1, 20);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_false(res.path & MMC_PATH_NODE_RECLAIM);
	assert_int_equal(res.node, 1);
	mmc_vmstat(m, &vs);
	assert_int_equal(vs.node_reclaims, 1);
	assert_int_equal(vs.node_reclaim_full, 1);
	mmc_destroy(m);
	/* zone_allows_reclaim(): distance > node_reclaim_distance (30) */
	m = two_nodes(1, 40);
	assert_false(zone_allows_reclaim(m, zone0(m), &m->nodes[1].zones[MMC_ZONE_NORMAL]));
	assert_true(zone_allows_reclaim(m, zone0(m), zone0(m)));
	mmc_destroy(m);
	m = two_nodes(1, 30);
	assert_true(zone_allows_reclaim(m, zone0(m), &m->nodes[1].zones[MMC_ZONE_NORMAL]));
	mmc_destroy(m);
}

/* ---- metrics ------------------------------------------------------------ */

static void test_fragmentation_indices(void **state)
{
	uint64_t fc[MMC_NR_ORDERS] = { 0 };

	(void)state;
	assert_int_equal(mmc_unusable_index(fc, 0), 1000);
	assert_int_equal(mmc_fragmentation_index(fc, 3), 0);
	fc[0] = 10;
	assert_int_equal(mmc_unusable_index(fc, 0), 0);
	assert_int_equal(mmc_unusable_index(fc, 1), 1000);
	/* 1000 - (1000 + 10*1000/2) / 10 = 400 */
	assert_int_equal(mmc_fragmentation_index(fc, 1), 400);
	fc[3] = 1;	/* 18 free pages, one order-3 block */
	assert_int_equal(mmc_fragmentation_index(fc, 2), -1000);
	/* (18 - 2*4) * 1000 / 18 = 555 */
	assert_int_equal(mmc_unusable_index(fc, 2), 555);
	/* order 4: 1000 - (1000 + 18000/16) / 11 = 1000 - 193 = 807 */
	assert_int_equal(mmc_fragmentation_index(fc, 4), 807);
}

static void test_zone_stats(void **state)
{
	struct mmc *m = one_zone(4096, 2, 0, 0);
	struct mmc_zone_stats s;
	struct mmc_result res;

	(void)state;
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_int_equal(mmc_nr_zones(m), 1);
	assert_int_equal(mmc_zone_stats(m, 0, &s), 0);
	assert_int_equal(s.nr_free, 4096);
	assert_int_equal(s.free_count[10], 4);
	assert_int_equal(s.free_mt[10][MIGRATE_MOVABLE], 4);
	assert_int_equal(s.largest_free_order, 10);
	assert_int_equal(s.pageblocks_mt[MIGRATE_MOVABLE], 8);
	assert_int_equal(s.pageblocks_mixed, 0);
	/* an unmovable page in a movable block makes it mixed */
	assert_int_equal(mmc_alloc_at(m, NPFN0 + 3000, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_int_equal(mmc_zone_stats(m, 0, &s), 0);
	assert_int_equal(s.pageblocks_mixed, 1);
	assert_int_equal(s.nr_free, 4095);
	assert_int_equal(mmc_zone_stats(m, 1, &s), -1);
	mmc_destroy(m);
}

struct walk { uint64_t n, pages, last; bool sorted; };

static void walk_fn(void *ctx, uint64_t pfn, unsigned order, int mt, int on_pcp)
{
	struct walk *w = ctx;

	(void)mt;
	(void)on_pcp;
	if (w->n && pfn <= w->last)
		w->sorted = false;
	w->last = pfn;
	w->n++;
	w->pages += 1ull << order;
}

static void test_free_block_walk(void **state)
{
	struct mmc *m = one_zone(4096, 1, 0, 0);
	struct mmc_result res;
	struct walk w = { 0, 0, 0, true };

	(void)state;
	assert_int_equal(mmc_seed_all_free(m), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(mmc_alloc(m, (unsigned)i % 3, MMC_GFP_KERNEL, 0, &res), 0);
	mmc_for_each_free_block(m, walk_fn, &w);
	assert_true(w.sorted);
	assert_int_equal(w.pages, zone0(m)->nr_free + zone0(m)->nr_free_pcp);
	mmc_destroy(m);
}

/* ---- policy and topology ------------------------------------------------ */

static void test_policy(void **state)
{
	struct mmc_policy p, q;
	char err[256], buf[2048];

	(void)state;
	mmc_policy_defaults(&p);
	assert_int_equal(p.watermark_scale_factor, 10);
	assert_int_equal(p.watermark_boost_factor, 15000);
	assert_int_equal(p.lowmem_reserve_ratio[MMC_ZONE_NORMAL], 32);
	assert_int_equal(p.extfrag_threshold, 500);
	assert_int_equal(p.node_reclaim_distance, 30);
	assert_int_equal(mmc_policy_set(&p, "vm.zone_reclaim_mode", "1", err, sizeof(err)), 0);
	assert_int_equal(p.zone_reclaim_mode, 1);
	assert_int_equal(mmc_policy_set(&p, "watermark_scale_factor", "0", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "vm.watermark_scale_factor"));
	assert_int_equal(mmc_policy_set(&p, "vm.swappiness", "abc", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "swappiness"));
	assert_int_equal(mmc_policy_set(&p, "vm.nonsense", "1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "vm.nonsense"));
	assert_int_equal(mmc_policy_set(&p, "vm.lowmem_reserve_ratio", "128\t64 16 0 0", err, sizeof(err)), 0);
	assert_int_equal(p.lowmem_reserve_ratio[0], 128);
	assert_int_equal(p.lowmem_reserve_ratio[2], 16);
	assert_int_equal(mmc_policy_set(&p, "vm.lowmem_reserve_ratio", "1 x", err, sizeof(err)), -1);
	assert_int_equal(mmc_policy_set(&p, "vm.percpu_pagelist_high_fraction", "4", err, sizeof(err)), -1);
	assert_int_equal(mmc_policy_set(&p, "thp_enabled", "always [madvise] never", err, sizeof(err)), 0);
	assert_int_equal(p.thp_enabled, 1);
	assert_int_equal(mmc_policy_set(&p, "thp_defrag", "always", err, sizeof(err)), 0);
	/* format -> set round trip */
	size_t len = mmc_policy_format(&p, buf, sizeof(buf));
	assert_true(len > 0 && len < sizeof(buf));
	mmc_policy_defaults(&q);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		assert_non_null(eq);
		*eq = 0;
		assert_int_equal(mmc_policy_set(&q, line, eq + 1, err, sizeof(err)), 0);
	}
	assert_memory_equal(&p, &q, sizeof(p));
}

static void test_topology(void **state)
{
	struct mmc_topology *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	char err[256];

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(mmc_topology_parse("2 nodes x 8 GiB, 4 cpus", a, err, sizeof(err)), 0);
	assert_int_equal(mmc_topology_parse("2x8G,4", b, err, sizeof(err)), 0);
	assert_memory_equal(a, b, sizeof(*a));
	assert_int_equal(a->nr_nodes, 2);
	assert_int_equal(a->nr_cpus, 4);
	assert_int_equal(a->cpu_node[3], 1);
	assert_int_equal(a->distance[0][1], 20);
	uint64_t total = 0;
	for (uint32_t n = 0; n < 2; n++)
		for (uint32_t i = 0; i < a->nodes[n].nr_zones; i++)
			total += a->nodes[n].zones[i].present;
	assert_int_equal(total, 2 * (8ull << 18));
	assert_int_equal(mmc_topology_parse("2x", a, err, sizeof(err)), -1);
	assert_int_equal(mmc_topology_parse("8Q", a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "8Q"));
	assert_int_equal(mmc_topology_parse("2x8G,4 apples", a, err, sizeof(err)), -1);
	/* split one node of 16 GiB, 4 cpus into 4 */
	assert_int_equal(mmc_topology_parse("16G,4", a, err, sizeof(err)), 0);
	assert_int_equal(mmc_topology_split(a, 4, 21, b, err, sizeof(err)), 0);
	assert_int_equal(b->nr_nodes, 4);
	uint64_t t2 = 0;
	for (uint32_t n = 0; n < 4; n++) {
		assert_int_equal(b->nodes[n].nr_cpus, 1);
		assert_true(b->nodes[n].nr_zones >= 1);
		for (uint32_t i = 0; i < b->nodes[n].nr_zones; i++)
			t2 += b->nodes[n].zones[i].present;
	}
	assert_int_equal(t2, 16ull << 18);
	assert_int_equal(b->distance[2][3], 21);
	struct mmc_policy p;
	mmc_policy_defaults(&p);
	struct mmc *m = mmc_create(b, &p, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_null(mmc_check(m));
	mmc_destroy(m);
	assert_int_equal(mmc_topology_split(b, 2, 20, a, err, sizeof(err)), -1);
	free(a);
	free(b);
}

/* mmc_topology_split on this development VM's layout: DMA, DMA32 with
 * its PCI hole, and a hot-pluggable Normal zone that spans 5.5 M pages
 * but has only ~850 000 online at its low end.  Each node gets half the
 * managed memory (not half the span) and half the cpus. */
static void test_topology_split_vm_layout(void **state)
{
	struct mmc_topology *a = calloc(1, sizeof(*a)), *b = malloc(sizeof(*b));
	char err[256];

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	a->nr_nodes = 1;
	a->nodes[0].nr_zones = 3;
	a->nodes[0].zones[0] = (struct mmc_zone_spec){ MMC_ZONE_DMA, 1, 4095,
		3998, 3840 };
	a->nodes[0].zones[1] = (struct mmc_zone_spec){ MMC_ZONE_DMA32, 4096,
		1044480, 782336, 772918 };
	a->nodes[0].zones[2] = (struct mmc_zone_spec){ MMC_ZONE_NORMAL,
		1048576, 5505024, 851968, 835584 };
	a->nodes[0].nr_cpus = 4;
	a->nr_cpus = 4;
	a->distance[0][0] = 10;
	uint64_t total = 3840 + 772918 + 835584;
	assert_int_equal(mmc_topology_split(a, 2, 20, b, err, sizeof(err)), 0);
	assert_int_equal(b->nr_nodes, 2);
	uint64_t managed[2] = { 0, 0 }, present = 0, end = 0;
	for (uint32_t n = 0; n < 2; n++) {
		assert_int_equal(b->nodes[n].nr_cpus, 2);
		for (uint32_t i = 0; i < b->nodes[n].nr_zones; i++) {
			const struct mmc_zone_spec *z = &b->nodes[n].zones[i];

			managed[n] += z->managed;
			present += z->present;
			assert_true(z->managed <= z->present);
			assert_true(z->start_pfn >= end);	/* pfn order */
			end = z->start_pfn + z->spanned;
			if (z->type == MMC_ZONE_NORMAL)	/* MAX_ORDER cuts */
				assert_int_equal(z->start_pfn % 1024, 0);
		}
	}
	assert_int_equal(managed[0] + managed[1], total);
	assert_int_equal(present, 3998 + 782336 + 851968);
	assert_int_equal(end, 1048576 + 5505024);	/* the span is kept */
	/* halves within one MAX_ORDER block's worth */
	uint64_t diff = managed[0] > managed[1] ? managed[0] - managed[1] :
						  managed[1] - managed[0];
	print_message("split managed %llu / %llu\n",
		      (unsigned long long)managed[0], (unsigned long long)managed[1]);
	assert_true(diff <= 2 * 1024);
	/* node 1 holds Normal only, and a real share of it */
	assert_int_equal(b->nodes[1].nr_zones, 1);
	assert_int_equal(b->nodes[1].zones[0].type, MMC_ZONE_NORMAL);
	assert_true(b->nodes[1].zones[0].managed > total / 2 - 2048);
	struct mmc_policy p;
	mmc_policy_defaults(&p);
	struct mmc *m = mmc_create(b, &p, err, sizeof(err));
	if (!m)
		fail_msg("%s", err);
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_null(mmc_check(m));
	mmc_destroy(m);
	/* four nodes: the low zones (786 758 managed) exceed a quarter, so
	 * node 1 starts in Normal and the rest share it evenly */
	assert_int_equal(mmc_topology_split(a, 4, 20, b, err, sizeof(err)), 0);
	for (uint32_t n = 1; n < 4; n++) {
		uint64_t want = 835584 / 3, got = b->nodes[n].zones[0].managed;

		assert_int_equal(b->nodes[n].nr_zones, 1);
		assert_true(got + 2048 > want && got < want + 2048);
	}
	assert_int_equal(b->nodes[3].zones[0].start_pfn +
			 b->nodes[3].zones[0].spanned, 1048576 + 5505024);
	free(a);
	free(b);
}

static void test_zonelists(void **state)
{
	struct mmc_topology *t = malloc(sizeof(*t));
	struct mmc_policy p;
	char err[256];

	(void)state;
	assert_non_null(t);
	assert_int_equal(mmc_topology_parse("3x8G,3", t, err, sizeof(err)), 0);
	/* node 2 is closer to node 0 than node 1 is */
	t->distance[0][1] = t->distance[1][0] = 30;
	t->distance[0][2] = t->distance[2][0] = 15;
	mmc_policy_defaults(&p);
	struct mmc *m = mmc_create(t, &p, err, sizeof(err));
	assert_non_null(m);
	const struct mmc_node *n0 = &m->nodes[0];
	/* node 0: Normal, DMA32, DMA; then node 2; then node 1 */
	assert_int_equal(n0->nr_zonelist, 5);
	assert_int_equal(n0->zonelist[0]->node, 0);
	assert_int_equal(n0->zonelist[0]->type, MMC_ZONE_NORMAL);
	assert_int_equal(n0->zonelist[1]->type, MMC_ZONE_DMA32);
	assert_int_equal(n0->zonelist[2]->type, MMC_ZONE_DMA);
	assert_int_equal(n0->zonelist[3]->node, 2);
	assert_int_equal(n0->zonelist[4]->node, 1);
	/* node 1: itself first */
	assert_int_equal(m->nodes[1].zonelist[0]->node, 1);
	mmc_destroy(m);
	free(t);
}

/* ---- determinism, memory, checker ---------------------------------------- */

static void run_workload(struct mmc *m, uint64_t seed, uint64_t *hash)
{
	uint64_t live[512];
	unsigned lo[512];
	uint32_t n = 0;
	uint64_t x = seed, h = 1469598103934665603ull;

	for (int i = 0; i < 20000; i++) {
		struct mmc_result res = { 0 };

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned order = (unsigned)((x >> 33) % 6);
		uint64_t gfp = (x >> 40) & 1 ? MMC_GFP_HIGHUSER_MOVABLE : MMC_GFP_KERNEL;

		if (((x >> 50) & 1) && n < 512) {
			if (!mmc_alloc(m, order, gfp, (int)((x >> 45) % 2), &res)) {
				live[n] = res.pfn;
				lo[n++] = order;
			}
		} else if (n) {
			uint32_t k = (uint32_t)((x >> 20) % n);
			mmc_free(m, live[k], lo[k], 0, &res);
			live[k] = live[--n];
			lo[k] = lo[n];
		}
		h = (h ^ res.pfn ^ ((uint64_t)res.path << 32)) * 1099511628211ull;
	}
	*hash = h;
}

static void test_determinism(void **state)
{
	struct mmc_vmstat va, vb;
	uint64_t ha, hb;

	(void)state;
	struct mmc *a = one_zone(65536, 2, -1, 15000);
	struct mmc *b = one_zone(65536, 2, -1, 15000);
	assert_int_equal(mmc_seed_all_free(a), 0);
	assert_int_equal(mmc_seed_all_free(b), 0);
	run_workload(a, 42, &ha);
	run_workload(b, 42, &hb);
	assert_true(ha == hb);
	mmc_vmstat(a, &va);
	mmc_vmstat(b, &vb);
	assert_memory_equal(&va, &vb, sizeof(va));
	struct mmc_zone *za = zone0(a), *zb = zone0(b);
	assert_memory_equal(za->page, zb->page, za->nr_idx * sizeof(pgstate_t));
	assert_memory_equal(za->pageblock_mt, zb->pageblock_mt, za->nr_idx >> pageblock_order);
	assert_null(mmc_check(a));
	mmc_destroy(a);
	mmc_destroy(b);
}

static void test_memory_budget(void **state)
{
	struct mmc_topology *t = malloc(sizeof(*t));
	struct mmc_policy p;
	char err[256];

	(void)state;
	assert_non_null(t);
	assert_int_equal(mmc_topology_parse("2x2G,4", t, err, sizeof(err)), 0);
	mmc_policy_defaults(&p);
	struct mmc *m = mmc_create(t, &p, err, sizeof(err));
	assert_non_null(m);
	uint64_t pages = 0;
	for (uint32_t i = 0; i < m->nr_zones; i++)
		pages += m->zones[i]->spanned;
	size_t bytes = mmc_memory_bytes(m);
	print_message("%zu bytes for %llu pages: %.2f bytes/page\n", bytes,
		      (unsigned long long)pages, (double)bytes / (double)pages);
	assert_true(bytes <= 8 * pages);
	/* the mechanisms' state is counted: faults grow the fault view and
	 * the LRU rings, and mmc_memory_bytes follows them */
	size_t parts = reclaim_memory_bytes(m) + slab_memory_bytes(m) +
		       fault_memory_bytes(m);
	assert_int_equal(mmc_seed_all_free(m), 0);
	for (uint64_t i = 0; i < 20000; i++) {
		struct mmc_result res;

		assert_true(mmc_fault(m, 7, 0x10000000ull + (i << 12),
				      MMC_FAULT_WRITE | MMC_FAULT_USER, 0,
				      &res) >= 0);
	}
	size_t parts2 = reclaim_memory_bytes(m) + slab_memory_bytes(m) +
			fault_memory_bytes(m);
	assert_true(parts2 > parts);
	assert_true(mmc_memory_bytes(m) >= bytes + (parts2 - parts));
	assert_true(mmc_memory_bytes(m) >= parts2);
	mmc_destroy(m);
	free(t);
}

static void test_checker_catches_corruption(void **state)
{
	struct mmc *m = one_zone(4096, 1, 0, 0);

	(void)state;
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_null(mmc_check(m));
	struct mmc_zone *z = zone0(m);
	pgstate_t save = z->page[5];
	z->page[5] = MMC_PC_KERNEL << PG_CLASS_SHIFT;	/* allocated inside a free block */
	assert_non_null(mmc_check(m));
	z->page[5] = save;
	z->free_area[3].nr_free[MIGRATE_MOVABLE]++;	/* count without a block */
	assert_non_null(mmc_check(m));
	z->free_area[3].nr_free[MIGRATE_MOVABLE]--;
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

/* Mirror mode: a range partly held in pcp blocks takes only those blocks
 * off the pcp lists. */
static void test_alloc_at_pcp(void **state)
{
	struct mmc *m = one_zone(65536, 1, 0, 0);
	struct mmc_result res;
	struct per_cpu_pages *pcp = &zone0(m)->pcp[0];

	(void)state;
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	uint64_t p0 = res.pfn;
	assert_int_equal(mmc_free(m, p0, 0, 0, &res), 0);
	uint32_t before = pcp->count;
	assert_true(before > 1);
	/* exactly the pcp block */
	assert_int_equal(mmc_alloc_at(m, p0, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_PCP_HIT);
	assert_int_equal(pcp->count, before - 1);
	assert_int_equal(mmc_free(m, p0, 0, 0, &res), 0);
	/* an order-2 range around it: that one pcp page leaves its list */
	before = pcp->count;
	uint64_t q = p0 & ~3ull;
	bool all_free = true;
	for (uint64_t k = q; k < q + 4; k++)
		all_free &= page_class(zone0(m)->page[pfn_to_idx(zone0(m), k)]) == MMC_PC_FREE;
	assert_int_equal(mmc_alloc_at(m, q, 2, MMC_GFP_KERNEL, 0, &res), all_free ? 0 : -1);
	if (all_free) {
		assert_true(pcp->count < before);
		assert_true(pcp->count >= before - 4);
	}
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

/* Seeding relabels reserved pages; hot-add brings reserved pages in. */
static void test_seed_relabel_and_hotadd(void **state)
{
	struct mmc_topology *t = calloc(1, sizeof(*t));
	struct mmc_policy p;
	char err[256];

	(void)state;
	assert_non_null(t);
	t->nr_nodes = 1;
	t->nodes[0].nr_zones = 1;
	t->nodes[0].zones[0] = (struct mmc_zone_spec){ MMC_ZONE_NORMAL, NPFN0,
		4096, 4096, 2048 };
	t->nodes[0].nr_cpus = 1;
	t->nr_cpus = 1;
	mmc_policy_defaults(&p);
	p.min_free_kbytes = 64;
	p.watermark_scale_factor = 1000;	/* gap = managed / 10 */
	struct mmc *m = mmc_create(t, &p, err, sizeof(err));
	assert_non_null(m);
	free(t);
	struct mmc_zone *z = zone0(m);
	uint64_t low_before = low_wmark_pages(z);
	assert_int_equal(m->nodes[0].nr_class[MMC_PC_RESERVED], 2048);
	/* the snapshot says: the top block is free, the bottom one reserved */
	assert_int_equal(mmc_seed_free(m, NPFN0 + 3072, 10, -1), 0);
	assert_int_equal(mmc_seed_class(m, NPFN0, 1024, MMC_PC_RESERVED), 0);
	assert_int_equal(mmc_seed_class(m, NPFN0 + 1024, 1024, MMC_PC_ANON), 0);
	assert_null(mmc_check(m));
	/* hot-add 1024, then the rest */
	assert_int_equal(mmc_zone_resize(m, 0, MMC_ZONE_NORMAL, 3072), 0);
	assert_null(mmc_check(m));
	assert_int_equal(z->nr_free, 2048);
	assert_int_equal(mmc_zone_resize(m, 0, MMC_ZONE_NORMAL, 4096), 0);
	assert_null(mmc_check(m));
	assert_int_equal(z->nr_free, 3072);
	assert_true(low_wmark_pages(z) > low_before);	/* marks recomputed */
	assert_int_equal(mmc_zone_resize(m, 0, MMC_ZONE_NORMAL, 4097), -1);
	assert_int_equal(mmc_zone_resize(m, 0, MMC_ZONE_NORMAL, 100), -1);
	mmc_destroy(m);
}

/* Pages the kernel held on pcp lists are seeded onto the model's pcp
 * lists: free, but not in the free count the watermarks see (the
 * kernel's NR_FREE_PAGES leaves them out); an order-0 allocation on that
 * cpu takes one without touching the buddy; pcp->high rises to hold
 * them; a page of an isolated pageblock goes to the buddy. */
/* A zone of 65536 pages, 2 cpus: 8192 pages in the buddy, well above
 * the marks (min 1024), pageblocks of [8192, 16384) movable, the rest
 * allocated: where test_seed_pcp*() seed the kernel's pcp pages. */
static struct mmc *pcp_seed_zone(void)
{
	struct mmc *m = one_zone(65536, 2, 4096, 0);

	for (uint64_t b = 0; b < 8; b++)
		assert_int_equal(mmc_seed_free(m, NPFN0 + 24576 + (b << 10), 10,
					       MIGRATE_MOVABLE), 0);
	for (uint64_t b = 8192; b < 16384; b += 512)
		assert_int_equal(mmc_set_pageblock_mt(m, NPFN0 + b,
						      MIGRATE_MOVABLE), 0);
	return m;
}

static void test_seed_pcp(void **state)
{
	struct mmc *m = pcp_seed_zone();
	struct mmc_zone *z = zone0(m);
	struct mmc_result res;

	(void)state;
	uint64_t buddy = z->nr_free, high0 = z->pcp[1].high;

	for (uint64_t i = 0; i < high0 + 10; i++)
		assert_int_equal(mmc_seed_pcp(m, NPFN0 + 8192 + i, 1), 0);
	assert_int_equal(z->nr_free, buddy);
	assert_int_equal(z->nr_free_pcp, high0 + 10);
	assert_int_equal(z->pcp[1].count, high0 + 10);
	assert_int_equal(z->pcp[1].high, high0 + 10);
	assert_int_equal(z->pcp[0].count, 0);
	assert_int_equal(m->nodes[0].nr_class[MMC_PC_FREE], buddy + high0 + 10);
	assert_null(mmc_check(m));
	/* a movable order-0 allocation on cpu 1: a seeded page, pcp hit */
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_USER | MMC___GFP_MOVABLE, 1,
				   &res), 0);
	assert_true(res.pfn >= NPFN0 + 8192 && res.pfn < NPFN0 + 8192 + high0 + 10);
	assert_true(res.path & MMC_PATH_PCP_HIT);
	assert_int_equal(z->nr_free, buddy);
	/* isolated pageblock: to the buddy; bad pfn or cpu: refused */
	assert_int_equal(mmc_set_pageblock_mt(m, NPFN0 + 16384, MIGRATE_ISOLATE), 0);
	assert_int_equal(mmc_seed_pcp(m, NPFN0 + 16384, 0), 0);
	assert_int_equal(z->nr_free, buddy + 1);
	assert_int_equal(mmc_seed_pcp(m, NPFN0 + 65536, 0), -1);
	assert_int_equal(mmc_seed_pcp(m, NPFN0 + 20000, 2), -1);
	assert_int_equal(mmc_seed_pcp(m, NPFN0 + 8193, 0), -1);	/* on a list */
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

/* A free block of pageblock order the kernel held whole on a pcp list
 * (free_unref_folios() of a THP-sized folio) is seeded on the model's
 * pcp list of that order: out of the buddy's free count, on cpu 1's
 * list, and an order-9 movable allocation on cpu 1 takes it whole from
 * there.  Orders without a pcp list, unaligned pfns, bad cpus and pages
 * already free are refused. */
static void test_seed_pcp_block(void **state)
{
	struct mmc *m = pcp_seed_zone();
	struct mmc_zone *z = zone0(m);
	struct mmc_result res;

	(void)state;
	uint64_t buddy = z->nr_free;

	assert_int_equal(mmc_seed_pcp_block(m, NPFN0 + 8192, 9, 1), 0);
	assert_int_equal(z->nr_free, buddy);
	assert_int_equal(z->nr_free_pcp, 512);
	assert_int_equal(z->pcp[1].count, 512);
	assert_int_equal(z->pcp[0].count, 0);
	assert_int_equal(m->nodes[0].nr_class[MMC_PC_FREE], buddy + 512);
	assert_null(mmc_check(m));
	assert_int_equal(mmc_alloc(m, 9, MMC_GFP_USER | MMC___GFP_MOVABLE |
					 MMC___GFP_COMP, 1, &res), 0);
	assert_int_equal(res.pfn, NPFN0 + 8192);
	assert_true(res.path & MMC_PATH_PCP_HIT);
	assert_int_equal(z->nr_free, buddy);
	assert_int_equal(z->nr_free_pcp, 0);
	/* refused: no pcp list of order 5, unaligned, bad cpu, free pages */
	assert_int_equal(mmc_seed_pcp_block(m, NPFN0 + 9216, 5, 0), -1);
	assert_int_equal(mmc_seed_pcp_block(m, NPFN0 + 9216 + 8, 9, 0), -1);
	assert_int_equal(mmc_seed_pcp_block(m, NPFN0 + 9216, 9, 2), -1);
	assert_int_equal(mmc_seed_pcp_block(m, NPFN0 + 24576, 9, 0), -1);
	assert_int_equal(mmc_seed_pcp_block(m, NPFN0 + 9216, 3, 0), 0);
	assert_int_equal(z->pcp[0].count, 8);
	assert_null(mmc_check(m));
	mmc_destroy(m);
}

static void test_bad_calls(void **state)
{
	struct mmc *m = one_zone(4096, 1, 0, 0);
	struct mmc_result res;
	char err[256];

	(void)state;
	assert_int_equal(mmc_seed_all_free(m), 0);
	assert_int_equal(mmc_alloc(m, 11, MMC_GFP_KERNEL, 0, &res), -1);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 5, &res), -1);
	assert_int_equal(mmc_free(m, 12345, 0, 0, &res), -1);		/* no zone */
	assert_int_equal(mmc_free(m, NPFN0, 0, 0, &res), -1);		/* free page */
	assert_int_equal(mmc_alloc_at(m, NPFN0 + 1, 1, 0, 0, &res), -1);	/* misaligned */
	assert_int_equal(mmc_alloc_at(m, NPFN0 + 8, 3, 0, 0, &res), 0);
	assert_int_equal(mmc_alloc_at(m, NPFN0 + 8, 0, 0, 0, &res), -1);	/* taken */
	assert_int_equal(mmc_free(m, NPFN0 + 8, 3, 0, &res), 0);
	assert_int_equal(mmc_seed_free(m, NPFN0, 0, -1), -1);		/* already free */
	assert_null(mmc_check(m));
	mmc_destroy(m);
	struct mmc_topology *t = calloc(1, sizeof(*t));
	struct mmc_policy p;
	mmc_policy_defaults(&p);
	assert_null(mmc_create(t, &p, err, sizeof(err)));
	assert_non_null(strstr(err, "topology"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watermark_ok),
		cmocka_unit_test(test_gfp_bits_match_trace),
		cmocka_unit_test(test_gfp_mapping),
		cmocka_unit_test(test_list_head_lifo_then_highest),
		cmocka_unit_test(test_list_head_seeded_order),
		cmocka_unit_test(test_claim_whole_max_block),
		cmocka_unit_test(test_claim_half_pageblock),
		cmocka_unit_test(test_fallback_order),
		cmocka_unit_test(test_highatomic_reserve),
		cmocka_unit_test(test_pcp_refill_and_drain),
		cmocka_unit_test(test_kswapd_wake_at_low),
		cmocka_unit_test(test_slowpath_reclaim_compact_oom),
		cmocka_unit_test(test_zone_reclaim_mode),
		cmocka_unit_test(test_fragmentation_indices),
		cmocka_unit_test(test_zone_stats),
		cmocka_unit_test(test_free_block_walk),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_topology),
		cmocka_unit_test(test_topology_split_vm_layout),
		cmocka_unit_test(test_zonelists),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_memory_budget),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test(test_alloc_at_pcp),
		cmocka_unit_test(test_seed_relabel_and_hotadd),
		cmocka_unit_test(test_seed_pcp),
		cmocka_unit_test(test_seed_pcp_block),
		cmocka_unit_test(test_bad_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
