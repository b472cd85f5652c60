/* SPDX-License-Identifier: MIT */
/*
 * Reclaim (mm/vmscan.c): LRU bookkeeping (activation, departures, large
 * folios), kswapd waking at the low mark and sleeping once balanced at
 * the high mark, direct reclaim below the min mark (for a costly order,
 * until compaction could run: should_continue_reclaim), swappiness and the
 * no-swap rule deciding anon versus file, and determinism.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "reclaim_testlib.h"

static struct mmc *one_node(int swappiness)
{
	struct tl_spec s;

	tl_spec_default(&s);
	s.swappiness = swappiness;
	return tl_create(&s);
}

static uint64_t zone_free(struct mmc *m)
{
	return tl_zone(m, 0)->nr_free;
}

static void lru_bookkeeping(void **state)
{
	struct tl_hook hook = { 0 };
	(void)state;

	struct mmc *m = one_node(60);
	uint64_t start = tl_start(m, 0);
	mmc_set_reclaim_hook(m, tl_reclaim_hook, &hook);

	tl_fill(m, start, 100, MMC_PC_FILE);
	assert_int_equal(lru_pages(m, 0, true, false), 100);
	/* mark_page_accessed: referenced first, active on the second touch */
	mmc_lru_touch(m, start);
	assert_int_equal(lru_pages(m, 0, true, true), 0);
	mmc_lru_touch(m, start);
	assert_int_equal(lru_pages(m, 0, true, true), 1);
	assert_int_equal(lru_pages(m, 0, true, false), 99);

	/* the workload frees half (even pfns), then reuses a quarter */
	for (uint64_t i = 0; i < 100; i += 2)
		assert_int_equal(mmc_free(m, start + i, 0, 0, NULL), 0);
	assert_int_equal(lru_pages(m, 0, true, false) +
			 lru_pages(m, 0, true, true), 50);
	for (uint64_t i = 0; i < 50; i += 4) {
		assert_int_equal(mmc_alloc_at(m, start + i, 0,
					      MMC_GFP_HIGHUSER_MOVABLE, 0,
					      NULL), 0);
		assert_int_equal(mmc_lru_add(m, start + i, 0, MMC_PC_ANON), 0);
	}
	assert_int_equal(lru_pages(m, 0, false, false), 13);

	/* an order-9 anon folio (THP) is one LRU entry */
	uint64_t thp = start + 512;
	assert_int_equal(mmc_alloc_at(m, thp, 9, MMC_GFP_HIGHUSER_MOVABLE, 0,
				      NULL), 0);
	assert_int_equal(mmc_lru_add(m, thp, 9, MMC_PC_ANON), 0);
	assert_int_equal(lru_pages(m, 0, false, false), 13 + 512);
	/* touching a tail page activates the whole folio */
	mmc_lru_touch(m, thp + 100);
	mmc_lru_touch(m, thp + 7);
	assert_int_equal(lru_pages(m, 0, false, true), 512);

	/* reclaim everything: exactly the live LRU pages come back, each
	 * once, the folio in one piece */
	assert_int_equal(mmc_set_swap(m, 1u << 20), 0);
	uint64_t live = 50 + 13 + 512, got = 0, r;
	while ((r = try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
				      MMC_ZONE_NORMAL, -1, NULL)) > 0)
		got += r;
	assert_int_equal(got, live);
	assert_int_equal(hook.pages, live);
	assert_int_equal(hook.calls, 50 + 13 + 1);
	for (int f = 0; f < 2; f++)
		for (int a = 0; a < 2; a++)
			assert_int_equal(lru_pages(m, 0, f, a), 0);
	/* direct reclaim's frees land over its stall (direct_inflight.c) */
	assert_int_equal(zone_free(m) + tl_zone(m, 0)->nr_free_pcp +
			 tl_zone(m, 0)->nr_kswapd_inflight,
			 tl_zone(m, 0)->managed);
	direct_inflight_release(m, UINT64_MAX);
	assert_int_equal(zone_free(m) + tl_zone(m, 0)->nr_free_pcp,
			 tl_zone(m, 0)->managed);
	tl_check(m);
	mmc_destroy(m);
}

static void kswapd_wakes_at_low_sleeps_at_high(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vm;
	struct tl_hook hook = { 0 };
	(void)state;

	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t low = low_wmark_pages(z), high = high_wmark_pages(z);
	mmc_set_reclaim_hook(m, tl_reclaim_hook, &hook);

	/* above low: no wake */
	tl_fill(m, z->start_pfn, z->managed - (low + 200), MMC_PC_FILE);
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.kswapd_wakes, 0);
	assert_false(res.path & MMC_PATH_KSWAPD_WAKE);

	/* below low (above min): the allocation wakes kswapd */
	uint64_t pfn = z->start_pfn + z->managed - (low + 200);
	while (z->nr_free > low - 5) {
		while (page_class(z->page[pfn_to_idx(z, pfn)]) != MMC_PC_FREE)
			pfn++;
		tl_fill(m, pfn, 1, MMC_PC_FILE);
	}
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	mmc_vmstat(m, &vm);
	assert_true(res.path & MMC_PATH_KSWAPD_WAKE);
	assert_int_equal(vm.kswapd_wakes, 1);
	assert_true(m->nodes[0].kswapd_awake);
	assert_int_equal(vm.kswapd_sleeps, 0);
	assert_int_equal(hook.calls, 0);	/* kswapd runs on ticks */

	/* a second request while it is awake does not count a wake */
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.kswapd_wakes, 1);

	/* kswapd balances to the high mark, then sleeps */
	mmc_tick(m, 1000000000ull);
	mmc_vmstat(m, &vm);
	assert_false(m->nodes[0].kswapd_awake);
	assert_int_equal(vm.kswapd_sleeps, 1);
	assert_true(vm.kswapd_reclaimed > 0);
	assert_true(vm.kswapd_scanned >= vm.kswapd_reclaimed);
	assert_int_equal(hook.pages, vm.kswapd_reclaimed);
	assert_true(zone_watermark_ok(z, 0, high, MMC_ZONE_NORMAL, 0));
	assert_true(z->nr_free > high);
	assert_int_equal(vm.direct_reclaims, 0);

	/* balanced: a wake request does not wake it */
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.kswapd_wakes, 1);
	assert_false(m->nodes[0].kswapd_awake);
	tl_check(m);
	mmc_destroy(m);
}

static void direct_reclaim_below_min(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vm;
	struct tl_hook hook = { 0 };
	(void)state;

	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t min = min_wmark_pages(z);
	mmc_set_reclaim_hook(m, tl_reclaim_hook, &hook);
	tl_fill(m, z->start_pfn, z->managed - (min - 5), MMC_PC_FILE);

	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	mmc_vmstat(m, &vm);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	assert_true(res.reclaim_reclaimed >= 32);
	assert_true(res.reclaim_scanned >= res.reclaim_reclaimed);
	assert_true(vm.direct_reclaims >= 1);
	assert_int_equal(vm.direct_reclaims_by_class[MMC_DR_ORDER0],
			 vm.direct_reclaims);
	assert_int_equal(vm.direct_reclaimed, hook.pages);
	assert_true(hook.lo >= z->start_pfn);
	assert_int_equal(res.node, 0);
	tl_check(m);
	mmc_destroy(m);
}

/* direct_inflight.c: a direct reclaim's folios reach the free lists over
 * the stall.  The stalling allocation is served from what it reclaimed;
 * an allocation on the other cpu meanwhile still finds the zone below
 * its min mark and stalls too; the first cpu's next allocation finds
 * its own reclaim freed; a tick past the reclaim's cost frees the rest. */
static void direct_reclaim_frees_land_over_the_stall(void **state)
{
	struct mmc_result res;
	struct mmc_vmstat vm;
	struct tl_spec s;
	(void)state;

	tl_spec_default(&s);
	s.cpus[0] = 2;
	struct mmc *m = tl_create(&s);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t min = min_wmark_pages(z);
	tl_fill(m, z->start_pfn, z->managed - (min - 5), MMC_PC_FILE);
	mmc_drain_all(m);

	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	assert_true(res.reclaim_reclaimed >= 32);
	/* served once the zone was over its mark, the rest still held */
	assert_true(z->nr_kswapd_inflight > 0);
	assert_true(z->nr_free < min + 32);

	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 1, &res), 0);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);

	tl_check(m);	/* pages held in flight keep every count */
	uint64_t held = z->nr_kswapd_inflight;
	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res), 0);
	assert_false(res.path & MMC_PATH_DIRECT_RECLAIM);
	assert_true(z->nr_kswapd_inflight < held);

	mmc_tick(m, 10000000ull);
	assert_int_equal(z->nr_kswapd_inflight, 0);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.direct_reclaims, 2);
	assert_int_equal(vm.direct_reclaims_by_class[MMC_DR_ORDER0], 2);
	assert_true(z->nr_free >= min);
	tl_check(m);
	mmc_destroy(m);
}

/* A direct reclaim counts in the class of the order that stalled: an
 * order-2 request with the zone under its min mark stalls as a
 * non-costly high order, a THP-sized one as costly; the classes add up
 * to mm_vmscan_direct_reclaim_begin. */
static void direct_reclaim_by_order_class(void **state)
{
	static const unsigned orders[] = { 0, 1, 3, 4, 9, 10 };
	static const enum mmc_dr_class want[] = {
		MMC_DR_ORDER0, MMC_DR_NONCOSTLY, MMC_DR_NONCOSTLY,
		MMC_DR_COSTLY, MMC_DR_COSTLY, MMC_DR_COSTLY,
	};
	struct mmc_result res;
	struct mmc_vmstat vm;
	(void)state;

	for (unsigned i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		assert_int_equal(mmc_dr_class(orders[i]), want[i]);

	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t min = min_wmark_pages(z);
	tl_fill(m, z->start_pfn, z->managed - (min - 5), MMC_PC_FILE);
	mmc_drain_all(m);

	memset(&res, 0, sizeof(res));
	assert_int_equal(mmc_alloc(m, 2, MMC_GFP_KERNEL, 0, &res), 0);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.direct_reclaims_by_class[MMC_DR_ORDER0], 0);
	assert_true(vm.direct_reclaims_by_class[MMC_DR_NONCOSTLY] >= 1);
	assert_int_equal(vm.direct_reclaims_by_class[MMC_DR_COSTLY], 0);

	uint64_t before = vm.direct_reclaims;
	memset(&res, 0, sizeof(res));
	(void)mmc_alloc(m, 9, MMC_GFP_HIGHUSER_MOVABLE, 0, &res);
	mmc_vmstat(m, &vm);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	assert_int_equal(vm.direct_reclaims_by_class[MMC_DR_COSTLY],
			 vm.direct_reclaims - before);
	assert_int_equal(vm.direct_reclaims_by_class[MMC_DR_ORDER0] +
			 vm.direct_reclaims_by_class[MMC_DR_NONCOSTLY] +
			 vm.direct_reclaims_by_class[MMC_DR_COSTLY],
			 vm.direct_reclaims);
	tl_check(m);
	mmc_destroy(m);
}

/* should_continue_reclaim(): direct reclaim for a costly order keeps
 * shrinking the node until compaction could run at the min mark (free
 * pages above min + compact_gap(order)) or the allocation would succeed;
 * an order-0 stall stops at SWAP_CLUSTER_MAX. */
static uint64_t stall_reclaims(unsigned order, uint64_t gfp)
{
	struct mmc_result res;
	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t min = min_wmark_pages(z);

	tl_fill(m, z->start_pfn, z->managed - (min - 5), MMC_PC_FILE);
	mmc_drain_all(m);
	(void)mmc_alloc(m, order, gfp, 0, &res);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	if (order)	/* compaction can run, or the page came at once */
		assert_true(z->nr_free >= min + (2ull << order) ||
			    res.pfn != NO_PFN);
	tl_check(m);
	mmc_destroy(m);
	return res.reclaim_reclaimed;
}

static void reclaim_for_compaction(void **state)
{
	(void)state;
	uint64_t costly = stall_reclaims(9, MMC_GFP_TRANSHUGE);
	uint64_t small = stall_reclaims(0, MMC_GFP_KERNEL);

	assert_true(small >= 32 && small < 512);
	assert_true(costly >= 512);
}

/* anon pages [start, +8000), file pages [start + 8000, +8000), all
 * file pages active (so cache_trim_mode does not force file-only). */
#define NR_EACH 8000

struct class_hook {
	uint64_t split, anon, file;
};

static void class_fn(void *ctx, uint64_t pfn, unsigned order)
{
	struct class_hook *h = ctx;

	if (pfn < h->split)
		h->anon += 1ull << order;
	else
		h->file += 1ull << order;
}

static void run_swappiness(int swappiness, uint64_t swap,
			   struct class_hook *h)
{
	struct mmc *m = one_node(swappiness);
	uint64_t start = tl_start(m, 0);

	tl_fill(m, start, NR_EACH, MMC_PC_ANON);
	tl_fill(m, start + NR_EACH, NR_EACH, MMC_PC_FILE);
	for (uint64_t i = 0; i < NR_EACH; i++) {
		mmc_lru_touch(m, start + NR_EACH + i);
		mmc_lru_touch(m, start + NR_EACH + i);
	}
	assert_int_equal(lru_pages(m, 0, true, true), NR_EACH);
	mmc_set_swap(m, swap);
	memset(h, 0, sizeof(*h));
	h->split = start + NR_EACH;
	mmc_set_reclaim_hook(m, class_fn, h);
	for (int i = 0; i < 20; i++)
		try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL, -1,
				  NULL);
	tl_check(m);
	mmc_destroy(m);
}

static void swappiness_and_no_swap(void **state)
{
	struct class_hook h;
	(void)state;

	/* no swap device: anon is never scanned, whatever swappiness */
	run_swappiness(200, 0, &h);
	assert_int_equal(h.anon, 0);
	assert_true(h.file >= 20 * 32);

	/* swap, swappiness 0: the anon share of the scan is 0 */
	run_swappiness(0, 1u << 20, &h);
	assert_int_equal(h.anon, 0);
	assert_true(h.file >= 20 * 32);

	/* swap, swappiness 200: the file share is 0 */
	run_swappiness(200, 1u << 20, &h);
	assert_int_equal(h.file, 0);
	assert_true(h.anon >= 20 * 32);

	/* swap, swappiness 100: both lists give pages */
	run_swappiness(100, 1u << 20, &h);
	assert_true(h.anon > 0);
	assert_true(h.file > 0);
}

/* Random touch / free / re-add churn: the lists stay exact (every LRU
 * page counted once, each reclaimed once), stale ring entries are
 * rebuilt away, and memory stays proportional to the LRU. */
static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The PG_LRU pages of [start, start + nr) in z, checked against the
 * node's LRU list counts (the range is all the churn puts on the LRU). */
static uint64_t lru_flagged_pages(struct mmc *m, const struct mmc_zone *z,
				  uint64_t start, uint64_t nr)
{
	uint64_t on_lru = 0, counted = 0;

	for (uint64_t p = start; p < start + nr; p++)
		on_lru += !!(z->page[pfn_to_idx(z, p)] & PG_LRU);
	for (int f = 0; f < 2; f++)
		for (int a = 0; a < 2; a++)
			counted += lru_pages(m, 0, f, a);
	assert_int_equal(counted, on_lru);
	return on_lru;
}

/* The order direct reclaim frees folios in, for ring_order_*. */
struct order_hook {
	uint64_t *pfn;
	uint32_t n, cap;
};

static void order_hook(void *ctx, uint64_t pfn, unsigned order)
{
	struct order_hook *h = ctx;

	(void)order;
	if (h->n < h->cap)
		h->pfn[h->n] = pfn;
	h->n++;
}

static void reclaim_until(struct mmc *m, struct order_hook *h, uint32_t n)
{
	while (h->n < n && try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
					     MMC_ZONE_NORMAL, -1, NULL) > 0)
		;
}

/* A list's ring (2,048 entries after the first half) wraps round its
 * end once reclaim has taken from its head, then grows while wrapped
 * (ring_grow(): either run may move), and
 * with `frees` a rebuild without stale entries unwraps it in place
 * (ring_unwrap()).  Through all of it the oldest folio is reclaimed
 * first: the pages come back in the order they were added, less the ones
 * freed. */
static void ring_order(uint32_t first, uint32_t frees)
{
	const uint32_t nr = 4000, half = 2000;
	uint64_t seed = 0x2545f4914f6cdd1dull, *perm, *want;
	uint32_t nwant = 0;
	struct order_hook h = { 0 };
	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);

	perm = malloc(nr * sizeof(*perm));
	want = malloc(nr * sizeof(*want));
	h.cap = nr;
	h.pfn = calloc(nr, sizeof(*h.pfn));
	assert_non_null(perm);
	assert_non_null(want);
	assert_non_null(h.pfn);
	for (uint32_t i = 0; i < nr; i++)
		perm[i] = z->start_pfn + 2 * i;	/* no two in one order-1 */
	for (uint32_t i = nr - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(xorshift(&seed) % (i + 1));
		uint64_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	mmc_set_reclaim_hook(m, order_hook, &h);
	for (uint32_t i = 0; i < half; i++) {
		assert_int_equal(mmc_alloc_at(m, perm[i], 0,
					      MMC_GFP_HIGHUSER_MOVABLE, 0, NULL), 0);
		assert_int_equal(mmc_lru_add(m, perm[i], 0, MMC_PC_FILE), 0);
	}
	reclaim_until(m, &h, first);
	assert_true(h.n >= first && h.n < half);
	uint32_t taken = h.n;

	for (uint32_t i = half; i < nr; i++) {
		assert_int_equal(mmc_alloc_at(m, perm[i], 0,
					      MMC_GFP_HIGHUSER_MOVABLE, 0, NULL), 0);
		assert_int_equal(mmc_lru_add(m, perm[i], 0, MMC_PC_FILE), 0);
	}
	/* free every other folio of the newest `frees` * 2 */
	for (uint32_t k = 0; k < frees; k++)
		assert_int_equal(mmc_free(m, perm[nr - 1 - 2 * k], 0, 0, NULL), 0);
	for (uint32_t i = 0; i < nr; i++)
		if (i >= nr - 2 * frees && (nr - 1 - i) % 2 == 0)
			continue;
		else
			want[nwant++] = perm[i];
	reclaim_until(m, &h, nwant);
	assert_int_equal(h.n, nwant);
	for (uint32_t i = 0; i < nwant; i++)
		assert_int_equal(h.pfn[i], want[i]);
	assert_true(taken < nwant);
	tl_check(m);
	mmc_destroy(m);
	free(perm);
	free(want);
	free(h.pfn);
}

/* head about 300 of 2,048 when the ring fills: the wrapped run [0, 300)
 * moves past the old end */
static void ring_order_grow_low_head(void **state)
{
	(void)state;
	ring_order(300, 0);
}

/* head about 1,300, more than the 1,024 entries added: the run [1300,
 * 2048) moves to the new end, and the ring stays wrapped */
static void ring_order_grow_high_head(void **state)
{
	(void)state;
	ring_order(1300, 0);
}

/* then 1,100 frees make a rebuild, which unwraps the ring first */
static void ring_order_unwrap(void **state)
{
	(void)state;
	ring_order(1300, 1100);
}

/* Direct reclaim until nothing comes back: exactly the expected pages
 * are freed and none of the range is left on an LRU. */
static void reclaim_all(struct mmc *m, const struct mmc_zone *z,
			uint64_t start, uint64_t nr, uint64_t expect)
{
	uint64_t got = 0, r;

	while ((r = try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
				      MMC_ZONE_NORMAL, -1, NULL)) > 0)
		got += r;
	assert_int_equal(got, expect);
	for (uint64_t p = start; p < start + nr; p++)
		assert_false(z->page[pfn_to_idx(z, p)] & PG_LRU);
}

static void lru_churn(void **state)
{
	struct tl_hook hook = { 0 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	(void)state;

	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn, nr = 20000;
	mmc_set_swap(m, 1u << 20);
	tl_fill(m, start, nr, MMC_PC_FILE);
	for (int i = 0; i < 400000; i++) {
		uint64_t pfn = start + xorshift(&seed) % nr;
		switch (xorshift(&seed) % 5) {
		case 0:
		case 1:
			mmc_lru_touch(m, pfn);
			break;
		case 2:
			mmc_free(m, pfn, 0, 0, NULL);
			break;
		default:
			if (!mmc_alloc_at(m, pfn, 0, MMC_GFP_HIGHUSER_MOVABLE, 0,
					  NULL))
				assert_int_equal(mmc_lru_add(m, pfn, 0,
					(xorshift(&seed) & 1) ? MMC_PC_ANON
							      : MMC_PC_FILE), 0);
		}
		if (i % 50000 == 0)
			try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
					  MMC_ZONE_NORMAL, -1, NULL);
	}
	uint64_t on_lru = lru_flagged_pages(m, z, start, nr);
	assert_true(on_lru > nr / 4);
	/* the rings keep their largest size (ring_grow()): a bound in the
	 * pages the lists ever held, the range, not in those on them now
	 * (192,952 bytes here for 20,000 pages, 13,113 of them on a list) */
	assert_true(reclaim_memory_bytes(m) < 12 * nr + 4 * 4096);

	mmc_set_reclaim_hook(m, tl_reclaim_hook, &hook);
	reclaim_all(m, z, start, nr, on_lru);
	assert_int_equal(hook.calls, on_lru);
	tl_check(m);
	mmc_destroy(m);
}

struct churn_ord {
	unsigned char *ord;
	uint64_t start, nr;
};

/* reclaim frees the folio: the workload no longer holds it */
static void churn_reclaimed(void *ctx, uint64_t pfn, unsigned order)
{
	struct churn_ord *c = ctx;

	(void)order;
	if (pfn - c->start < c->nr)
		c->ord[pfn - c->start] = 0;
}

/* Churn of order-0 and order-2 folios: order-0 stale entries live as
 * bits, order-2 ones in the hash set, and both kinds go through ring
 * compaction many times.  Every LRU folio must stay counted once and be
 * reclaimable to the last page (an entry wrongly taken for stale would
 * never be scanned). */
static void lru_churn_mixed_orders(void **state)
{
	struct tl_hook hook = { 0 };
	uint64_t seed = 0x2545f4914f6cdd1dull;
	(void)state;

	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn & ~3ull, nr = 16384;
	unsigned char *ord = calloc(nr, 1);	/* order + 1 at our heads */

	assert_non_null(ord);
	start = (start + 3) & ~3ull;
	struct churn_ord co = { ord, start, nr };
	mmc_set_reclaim_hook(m, churn_reclaimed, &co);
	mmc_set_swap(m, 1u << 20);
	for (int i = 0; i < 300000; i++) {
		unsigned o = (xorshift(&seed) & 3) ? 0 : 2;
		uint64_t rel = (xorshift(&seed) % nr) & ~((1ull << o) - 1);
		uint64_t pfn = start + rel;

		switch (xorshift(&seed) % 5) {
		case 0:
			mmc_lru_touch(m, pfn);
			break;
		case 1:
			if (ord[rel]) {
				assert_int_equal(mmc_free(m, pfn, ord[rel] - 1u,
							  0, NULL), 0);
				ord[rel] = 0;
			}
			break;
		default:
			if (ord[rel] || mmc_alloc_at(m, pfn, o,
					MMC_GFP_HIGHUSER_MOVABLE, 0, NULL))
				break;
			ord[rel] = (unsigned char)(o + 1);
			assert_int_equal(mmc_lru_add(m, pfn, o,
				(xorshift(&seed) & 1) ? MMC_PC_ANON
						      : MMC_PC_FILE), 0);
		}
		if (i % 40000 == 0)
			try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
					  MMC_ZONE_NORMAL, -1, NULL);
	}
	uint64_t on_lru = lru_flagged_pages(m, z, start, nr);
	assert_true(on_lru > nr / 8);

	mmc_set_reclaim_hook(m, tl_reclaim_hook, &hook);
	reclaim_all(m, z, start, nr, on_lru);
	tl_check(m);
	free(ord);
	mmc_destroy(m);
}

/* A boosted watermark (after a fallback) wakes kswapd even when the
 * node meets its plain high mark; kswapd reclaims the boost and clears
 * it (balance_pgdat's boost reclaim). */
static void kswapd_reclaims_boost(void **state)
{
	struct mmc_vmstat vm;
	(void)state;

	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t high = z->_watermark[WMARK_HIGH];
	tl_fill(m, z->start_pfn, z->managed - (high + 100), MMC_PC_FILE);
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.kswapd_wakes, 0);	/* balanced, not boosted */

	z->watermark_boost = 512;
	wakeup_kswapd(m, z, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL);
	mmc_vmstat(m, &vm);
	assert_int_equal(vm.kswapd_wakes, 1);
	mmc_tick(m, 1000000000ull);
	mmc_vmstat(m, &vm);
	assert_int_equal(z->watermark_boost, 0);
	assert_true(vm.kswapd_reclaimed >= 412);
	assert_int_equal(vm.kswapd_sleeps, 1);
	assert_true(z->nr_free > high + 512);
	tl_check(m);
	mmc_destroy(m);
}

/* lru_note_cost(): refaults (IO) make a list costlier, and
 * calculate_pressure_balance() then leans towards the other one.
 * Anon 8000 inactive; file 4000 inactive + 8000 active (inactive file
 * low: no cache_trim_mode); swappiness 100. */
static void run_cost(uint64_t anon_refaults, struct class_hook *h)
{
	struct mmc *m = one_node(100);
	uint64_t start = tl_start(m, 0);

	tl_fill(m, start, 8000, MMC_PC_ANON);
	tl_fill(m, start + 8000, 12000, MMC_PC_FILE);
	for (uint64_t i = 4000; i < 12000; i++) {
		mmc_lru_touch(m, start + 8000 + i);
		mmc_lru_touch(m, start + 8000 + i);
	}
	mmc_set_swap(m, 1u << 20);
	for (uint64_t i = 0; i < anon_refaults; i++)
		lru_note_refault(m, start, 0, MMC_PC_ANON);
	memset(h, 0, sizeof(*h));
	h->split = start + 8000;
	mmc_set_reclaim_hook(m, class_fn, h);
	for (int i = 0; i < 20; i++)
		try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL, -1,
				  NULL);
	tl_check(m);
	mmc_destroy(m);
}

static void reclaim_cost_balance(void **state)
{
	struct class_hook plain, costly;
	(void)state;

	run_cost(0, &plain);
	run_cost(2000, &costly);
	assert_true(plain.anon > 0 && plain.file > 0);
	assert_true(costly.anon < plain.anon);
	assert_true(costly.file > plain.file);
}

/* The same calls give the same state, bit for bit. */
struct fold {
	uint64_t h;
};

static void fold_block(void *ctx, uint64_t pfn, unsigned order, int mt,
		       int on_pcp)
{
	struct fold *f = ctx;

	f->h = (f->h ^ pfn) * 1099511628211ull;
	f->h = (f->h ^ (order | (unsigned)mt << 8 | (unsigned)on_pcp << 16)) *
	       1099511628211ull;
}

static void scenario(struct mmc_vmstat *vm, uint64_t *hash)
{
	struct mmc *m = one_node(60);
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn;
	struct fold f = { 1469598103934665603ull };

	mmc_set_swap(m, 4096);
	tl_fill(m, start, 6000, MMC_PC_ANON);
	tl_fill(m, start + 6000, z->managed - 6000 - low_wmark_pages(z) + 3,
		MMC_PC_FILE);
	for (uint64_t i = 0; i < 3000; i += 3)
		mmc_lru_touch(m, start + 6000 + i), mmc_lru_touch(m, start + 6000 + i);
	for (int i = 0; i < 200; i++)
		mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, NULL);
	mmc_tick(m, 1000000000ull);
	for (int i = 0; i < 400; i++)
		mmc_alloc(m, (unsigned)(i % 3), MMC_GFP_KERNEL, 0, NULL);
	try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL, -1, NULL);
	mmc_tick(m, 2000000000ull);
	mmc_vmstat(m, vm);
	mmc_for_each_free_block(m, fold_block, &f);
	*hash = f.h;
	tl_check(m);
	mmc_destroy(m);
}

/* mmc_set_memcg_walk(): with the workload's group followed in the walk by
 * groups holding nothing to scan, a direct reclaim that stopped at the
 * workload leaves the next one a round of nothing at DEF_PRIORITY; at
 * DEF_PRIORITY - 1 it is not proportional and stops at SWAP_CLUSTER_MAX
 * (the kernel's stalls of the 10:55 and 13:39 make validate sets: most
 * reclaimed exactly 32 pages, their first scan at priority 11).  The
 * default walk scans the whole node's lruvec >> DEF_PRIORITY each time;
 * kswapd's full walks do not move the position. */
static void memcg_partial_walk(void **state)
{
	struct tl_spec s;
	(void)state;

	tl_spec_default(&s);
	s.pages = 1u << 19;		/* 2 GiB: 128 pages >> DEF_PRIORITY */
	for (int partial = 0; partial < 2; partial++) {
		struct mmc *m = tl_create(&s);
		struct mmc_zone *z = tl_zone(m, 0);
		uint64_t got[4];

		tl_fill(m, z->start_pfn, z->managed - 4096, MMC_PC_FILE);
		assert_int_equal(mmc_set_memcg_walk(m, partial), 0);
		for (int i = 0; i < 4; i++)
			got[i] = try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
						   MMC_ZONE_NORMAL, -1, NULL);
		/* the first walk starts the round and scans at DEF_PRIORITY,
		 * proportionally: the whole lists >> 12 */
		assert_true(got[0] >= 120 && got[0] <= 130);
		for (int i = 1; i < 4; i++)
			if (partial)
				assert_int_equal(got[i], 32);
			else	/* the lists shrink by what was taken */
				assert_true(got[i] >= 120 && got[i] <= got[0]);
		tl_check(m);
		mmc_destroy(m);
	}
	assert_int_equal(mmc_set_memcg_walk(NULL, 1), -1);
}

static void determinism(void **state)
{
	struct mmc_vmstat a, b;
	uint64_t ha, hb;
	(void)state;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	scenario(&a, &ha);
	scenario(&b, &hb);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(ha, hb);
	assert_true(a.kswapd_reclaimed + a.direct_reclaimed > 0);
}

/* get_scan_count() sizes the lists by the pages of the zones the
 * reclaim may take from (lruvec_lru_size with reclaim_idx).  A node whose
 * file LRU lies in ZONE_MOVABLE, reclaimed for a GFP_KERNEL allocation
 * (reclaim_idx Normal): sized by the node, the list asked for
 * nr_pages / 32 calls of shrink_inactive_list() at each priority, each
 * skipping SWAP_CLUSTER_MAX_SKIPPED ineligible folios and scanning
 * nothing; one direct reclaim ran for minutes (fuzz_replay's
 * replay-timeout-47866b09, fuzz/corpus/replay/reclaim-movable-lru).
 * Now it reclaims the Normal zone's file pages, and the Movable ones
 * stay. */
#define MOV_NORMAL 8192ull
#define MOV_MOVABLE 131072ull

static void hung_reclaim(int sig)
{
	static const char msg[] = "test_reclaim: direct reclaim for Normal "
				  "still scanning a Movable LRU after 10 s\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void reclaim_skips_higher_zones(void **state)
{
	static struct mmc_topology t;
	struct mmc_policy p;
	struct mmc_result res = { 0 };
	struct tl_hook hook = { 0 };
	char err[256];
	(void)state;

	memset(&t, 0, sizeof(t));
	t.nr_nodes = 1;
	t.nodes[0].nr_zones = 2;
	t.nodes[0].zones[0].type = MMC_ZONE_NORMAL;
	t.nodes[0].zones[0].start_pfn = TL_BASE_PFN;
	t.nodes[0].zones[0].spanned = MOV_NORMAL;
	t.nodes[0].zones[0].present = MOV_NORMAL;
	t.nodes[0].zones[0].managed = MOV_NORMAL;
	t.nodes[0].zones[1].type = MMC_ZONE_MOVABLE;
	t.nodes[0].zones[1].start_pfn = TL_BASE_PFN + MOV_NORMAL;
	t.nodes[0].zones[1].spanned = MOV_MOVABLE;
	t.nodes[0].zones[1].present = MOV_MOVABLE;
	t.nodes[0].zones[1].managed = MOV_MOVABLE;
	t.nodes[0].nr_cpus = 1;
	t.nr_cpus = 1;
	t.distance[0][0] = 10;
	mmc_policy_defaults(&p);
	struct mmc *m = mmc_create(&t, &p, err, sizeof(err));
	if (!m)
		fail_msg("mmc_create: %s", err);
	assert_int_equal(mmc_seed_all_free(m), 0);
	mmc_setup_zones(m);
	mmc_set_reclaim_hook(m, tl_reclaim_hook, &hook);
	/* the Movable zone all file pages, Normal kernel pages to below its
	 * min mark: a GFP_KERNEL allocation finds nothing to reclaim, at
	 * once, through every retry of the slowpath */
	struct mmc_zone *normal = zone_of(m, 0, MMC_ZONE_NORMAL);
	uint64_t min = min_wmark_pages(normal);
	tl_fill(m, TL_BASE_PFN + MOV_NORMAL, MOV_MOVABLE, MMC_PC_FILE);
	tl_fill(m, TL_BASE_PFN, MOV_NORMAL - (min - 5), MMC_PC_KERNEL);
	mmc_drain_all(m);
	signal(SIGALRM, hung_reclaim);
	alarm(10);
	(void)mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res);
	alarm(0);
	assert_true(res.path & MMC_PATH_DIRECT_RECLAIM);
	assert_int_equal(res.reclaim_reclaimed, 0);
	assert_int_equal(hook.pages, 0);
	assert_int_equal(res.reclaim_scanned, 0);
	assert_int_equal(lru_pages(m, 0, true, false), MOV_MOVABLE);

	/* 100 file pages in Normal, newer than the Movable ones:
	 * SWAP_CLUSTER_MAX of them come back, none of Movable's, after a
	 * few calls that each skip at most SWAP_CLUSTER_MAX_SKIPPED */
	for (uint64_t i = 0; i < 100; i++)
		assert_int_equal(mmc_free(m, TL_BASE_PFN + i, 0, 0, NULL), 0);
	tl_fill(m, TL_BASE_PFN, 100, MMC_PC_FILE);
	memset(&res, 0, sizeof(res));
	alarm(10);
	uint64_t got = try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0, MMC_ZONE_NORMAL, -1,
				&res);
	alarm(0);
	assert_true(got >= 32 && got <= 100);
	assert_int_equal(hook.pages, got);
	assert_true(hook.lo >= TL_BASE_PFN);
	assert_true(hook.hi <= TL_BASE_PFN + 100);
	assert_int_equal(lru_pages(m, 0, true, false) +
			 lru_pages(m, 0, true, true), MOV_MOVABLE + 100 - got);
	assert_true(res.reclaim_scanned < 64 * 32768);
	tl_check(m);
	mmc_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lru_bookkeeping),
		cmocka_unit_test(kswapd_wakes_at_low_sleeps_at_high),
		cmocka_unit_test(direct_reclaim_below_min),
		cmocka_unit_test(direct_reclaim_frees_land_over_the_stall),
		cmocka_unit_test(direct_reclaim_by_order_class),
		cmocka_unit_test(reclaim_skips_higher_zones),
		cmocka_unit_test(reclaim_for_compaction),
		cmocka_unit_test(swappiness_and_no_swap),
		cmocka_unit_test(reclaim_cost_balance),
		cmocka_unit_test(lru_churn),
		cmocka_unit_test(ring_order_grow_low_head),
		cmocka_unit_test(ring_order_grow_high_head),
		cmocka_unit_test(ring_order_unwrap),
		cmocka_unit_test(lru_churn_mixed_orders),
		cmocka_unit_test(kswapd_reclaims_boost),
		cmocka_unit_test(memcg_partial_walk),
		cmocka_unit_test(determinism),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
