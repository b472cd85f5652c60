/* SPDX-License-Identifier: MIT */
/*
 * kswapd.c: the per-node kswapd thread of mm/vmscan.c, run in simulated
 * time beside the workload.
 *
 * The kernel's kswapd loops: kswapd_try_to_sleep(), then balance_pgdat()
 * for the order and zone index the wakers asked for.  balance_pgdat() is a
 * priority loop (DEF_PRIORITY down to 1); each round checks
 * pgdat_balanced() (any eligible zone meets its high mark, boost included,
 * at the order), then kswapd_shrink_node() scans lru_size >> priority of
 * each list; the priority rises (the number falls) when a round scanned
 * less than the high marks' worth or reclaimed nothing.  A boosted
 * watermark (after a fallback) is reclaimed first, without writeback or
 * swap, and then kcompactd is woken for the pageblocks.  Once balanced,
 * kswapd_try_to_sleep() resets compaction's skip hints, wakes kcompactd
 * for the order, and naps HZ/10: a wakeup_kswapd() during the nap sends it
 * straight back to balance_pgdat() (kswapd_low_wmark_hit_quickly), an
 * unbalanced node at either check as well (kswapd_high_wmark_hit_quickly);
 * only a nap that ends balanced becomes a full sleep
 * (mm_vmscan_kswapd_sleep).  Every balance_pgdat() call counts pageoutrun
 * and fires mm_vmscan_kswapd_wake; wakeup_kswapd() fires
 * mm_vmscan_wakeup_kswapd only when kswapd is on its wait queue (napping
 * or asleep) and the node is neither balanced nor hopeless.
 *
 * Time.  Here kswapd advances one balance_pgdat() round at a time on its
 * own clock: a round costs struct mmc_bg_costs time for the pages it
 * scanned and freed, and mmc_tick(now) runs rounds while
 * kswapd's clock is behind now.  So the workload's allocations go on while
 * kswapd works, as on a real host, and the number of kswapd runs follows
 * how fast the workload consumes memory against how fast kswapd frees it.
 * A round's folios leave the LRU at its start but reach the free lists
 * when kswapd's clock gets to them (shrink_folio_list() frees each batch
 * as it finishes it): the round's start plus its scan and free work up
 * to that folio.  So between ticks the workload sees kswapd's progress,
 * not its whole round at once, and can still drive the zones down to
 * the min mark while kswapd works, as on the host.
 *
 * Left out: writeback throttling (reclaim_throttle), pfmemalloc_wait,
 * the cache_trim_mode restart of balance_pgdat (no_cache_trim_mode),
 * memcg soft limits, kthread freezing, and the per-cpu vmstat threshold
 * changes around sleep.
 */
#include <stdlib.h>
#include <string.h>
#include "vmscan.h"

#define KSWAPD_NAP_NS	100000000ull	/* schedule_timeout(HZ/10) */

enum kswapd_state {
	KSWAPD_ASLEEP,		/* schedule(): only wakeup_kswapd() ends it */
	KSWAPD_NAPPING,		/* the HZ/10 nap of kswapd_try_to_sleep() */
	KSWAPD_BALANCING,	/* in balance_pgdat() */
};

/* One node's kswapd: where it is in its loop, and balance_pgdat()'s
 * locals while a call is in progress. */
struct kswapd {
	enum kswapd_state state;
	uint64_t clock;			/* simulated time kswapd has reached */
	uint64_t nap_end;
	int alloc_order, reclaim_order, highest;
	/* balance_pgdat() */
	struct scan_control sc;
	uint64_t nr_boost_reclaim;
	uint64_t zone_boosts[MMC_NR_ZONE_TYPES];
	bool boosted;
	bool charged_run;		/* reclaim_run_ns counted */
	/* reclaimed folios not yet freed, oldest first (due times never
	 * decrease: kswapd's clock only moves forward): [head, len) */
	struct reclaim_inflight *inflight;
	uint32_t head, len, cap;
};

struct reclaim_inflight {
	uint64_t due_ns;
	uint64_t pfn;
	unsigned order;
};

void mmc_bg_costs_defaults(struct mmc_bg_costs *c)
{
	/* Model defaults, of the order this host's kswapd showed on the
	 * pressure traces of issue 10: 747 k pages freed (mostly in large
	 * page-cache folios) in 189 ms of its runs, 250 ns a page. */
	c->reclaim_scan_ns = 50;
	c->reclaim_page_ns = 200;
	c->reclaim_round_ns = 2000;
	c->reclaim_run_ns = 0;
}

int mmc_set_bg_costs(struct mmc *m, const struct mmc_bg_costs *c)
{
	/* a round takes some time, or an unbalanceable node would make
	 * kswapd loop without its clock moving */
	if (!c || c->reclaim_scan_ns > 1000000 || !c->reclaim_round_ns ||
	    c->reclaim_page_ns > 100000000 || c->reclaim_round_ns > 100000000 ||
	    c->reclaim_run_ns > 100000000)
		return -1;
	m->bg = *c;
	return 0;
}

int kswapd_init(struct mmc *m)
{
	struct kswapd *k = calloc(m->nr_nodes, sizeof(*k));

	if (!k)
		return -1;
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		k[n].highest = MMC_NR_ZONE_TYPES - 1;
	m->kswapd = k;
	mmc_bg_costs_defaults(&m->bg);
	return 0;
}

void kswapd_destroy(struct mmc *m)
{
	struct kswapd *k = m->kswapd;

	for (uint32_t n = 0; k && n < m->nr_nodes; n++)
		free(k[n].inflight);
	free(m->kswapd);
	m->kswapd = NULL;
}

static struct kswapd *node_kswapd(struct mmc *m, int nid)
{
	return &((struct kswapd *)m->kswapd)[nid];
}

/* Room for one more in-flight folio: reuse the freed front, else grow. */
static bool inflight_room(struct kswapd *k)
{
	if (k->len < k->cap)
		return true;
	if (k->head >= k->cap / 2 && k->head) {
		memmove(k->inflight, k->inflight + k->head,
			(k->len - k->head) * sizeof(*k->inflight));
		k->len -= k->head;
		k->head = 0;
		return true;
	}
	uint32_t cap = k->cap ? k->cap * 2 : 256;
	struct reclaim_inflight *e = cap > k->cap ?
		realloc(k->inflight, cap * sizeof(*e)) : NULL;

	if (!e)
		return false;
	k->inflight = e;
	k->cap = cap;
	return true;
}

void kswapd_defer_free(struct mmc *m, int nid, uint64_t pfn, unsigned order,
		       uint64_t due_ns)
{
	struct kswapd *k = node_kswapd(m, nid);

	if (!inflight_room(k)) {
		free_reclaimed_pages(m, pfn, order, k->sc.cpu);
		return;
	}
	k->inflight[k->len++] = (struct reclaim_inflight){ due_ns, pfn, order };
	zone_inflight_count(m, pfn, order, true);
}

/* free_unref_folios() of the folios kswapd has got to by upto_ns. */
static void inflight_release(struct mmc *m, struct kswapd *k, uint64_t upto_ns)
{
	while (k->head < k->len && k->inflight[k->head].due_ns <= upto_ns) {
		const struct reclaim_inflight *e = &k->inflight[k->head++];

		zone_inflight_count(m, e->pfn, e->order, false);
		free_reclaimed_pages(m, e->pfn, e->order, k->sc.cpu);
	}
	if (k->head == k->len)
		k->head = k->len = 0;
}

/* pgdat_balanced(): any eligible zone meets its high mark (boost
 * included) at this order; a node without one needs no balancing.
 * Under vm.defrag_mode a high-order check counts only free pages in
 * whole pageblocks (NR_FREE_PAGES_BLOCKS). */
static bool pgdat_balanced(const struct mmc *m, struct mmc_node *n,
			   int order, int highest)
{
	bool any = false;

	for (int i = 0; i <= highest; i++) {
		struct mmc_zone *z = &n->zones[i];
		if (!populated_zone(z) || !z->managed)
			continue;
		any = true;
		uint64_t free = m->policy.defrag_mode && order ?
				zone_free_pages_blocks(z) : z->nr_free;

		if (__zone_watermark_ok(z, (unsigned)order, high_wmark_pages(z),
					highest, 0, (int64_t)free))
			return true;
	}
	return !any;
}

static bool pgdat_watermark_boosted(struct mmc_node *n, int highest)
{
	for (int i = highest; i >= 0; i--)
		if (n->zones[i].managed && n->zones[i].watermark_boost)
			return true;
	return false;
}

/* prepare_kswapd_sleep(): balanced, or hopeless (left to direct
 * reclaim). */
static bool prepare_kswapd_sleep(const struct mmc *m, struct mmc_node *n,
				 int order, int highest)
{
	if (n->kswapd_failures >= MAX_RECLAIM_RETRIES)
		return true;
	return pgdat_balanced(m, n, order, highest);
}

/* kswapd_highest_zoneidx(): the wakers' zone index, or the previous
 * one when nobody asked (the kernel's MAX_NR_ZONES is -1 here). */
static int kswapd_highest_zoneidx(const struct mmc_node *n, int prev)
{
	return n->kswapd_highest_zoneidx < 0 ? prev : n->kswapd_highest_zoneidx;
}

/* kswapd(): leaving kswapd_try_to_sleep(), read and reset what the wakers
 * asked for, and enter balance_pgdat() (its setup up to the priority
 * loop). */
/* set_reclaim_active() / clear_reclaim_active(): ZONE_RECLAIM_ACTIVE on
 * the eligible zones for the length of a balance_pgdat() call. */
static void set_reclaim_active(struct mmc_node *n, int highest, bool on)
{
	for (int i = 0; i <= highest && i < MMC_NR_ZONE_TYPES; i++)
		if (n->zones[i].managed)
			n->zones[i].reclaim_active = on;
}

static void balance_pgdat_begin(struct mmc *m, struct mmc_node *n,
				struct kswapd *k)
{
	k->alloc_order = n->kswapd_order;
	k->highest = kswapd_highest_zoneidx(n, k->highest);
	n->kswapd_order = 0;
	n->kswapd_highest_zoneidx = -1;
	count_vm_event(m, MMC_TP_KSWAPD_WAKE);
	count_vm_event(m, MMC_PAGEOUTRUN);
	n->vm.kswapd_wakes++;
	memset(&k->sc, 0, sizeof(k->sc));
	k->sc.gfp_mask = MMC_GFP_KERNEL;
	k->sc.order = k->alloc_order;
	k->sc.may_unmap = true;
	k->sc.kswapd = true;
	k->sc.priority = DEF_PRIORITY;
	k->sc.defer_free = true;
	k->sc.cpu = node_first_cpu(m, n->nid);
	k->nr_boost_reclaim = 0;
	for (int i = 0; i < MMC_NR_ZONE_TYPES; i++) {
		struct mmc_zone *z = &n->zones[i];

		k->zone_boosts[i] = i <= k->highest && z->managed ?
				    z->watermark_boost : 0;
		k->nr_boost_reclaim += k->zone_boosts[i];
	}
	k->boosted = k->nr_boost_reclaim != 0;
	k->charged_run = false;
	k->state = KSWAPD_BALANCING;
	n->kswapd_awake = true;
	set_reclaim_active(n, k->highest, true);
}

/* kswapd_shrink_node(): reclaim towards the high marks of the eligible
 * zones; true when the round scanned (or freed) at least that much, so
 * the priority need not rise. */
static bool kswapd_shrink_node(struct mmc *m, struct mmc_node *n,
			       struct scan_control *sc)
{
	uint64_t before = sc->nr_reclaimed;

	sc->nr_to_reclaim = 0;
	for (int i = 0; i <= sc->reclaim_idx; i++) {
		struct mmc_zone *z = &n->zones[i];
		if (!populated_zone(z) || !z->managed)
			continue;
		uint64_t h = high_wmark_pages(z);
		sc->nr_to_reclaim += h > SWAP_CLUSTER_MAX ? h : SWAP_CLUSTER_MAX;
	}
	shrink_node(m, n->nid, sc);
	/* high-order balancing can fail on fragmentation: once twice the
	 * allocation size is back, balance for order 0 and leave the rest
	 * to compaction */
	if (sc->order && sc->nr_reclaimed >= compact_gap(sc->order))
		sc->order = 0;
	uint64_t got = sc->nr_reclaimed - before;
	return (sc->nr_scanned > got ? sc->nr_scanned : got) >=
	       sc->nr_to_reclaim;
}

static void kswapd_after_balance(struct mmc *m, struct mmc_node *n,
				 struct kswapd *k);

/* balance_pgdat()'s end (label out): give back the boost this call
 * reclaimed for, and let kcompactd defragment the pageblocks; then
 * kswapd's loop goes on (to its nap, or another call). */
static void balance_pgdat_end(struct mmc *m, struct mmc_node *n,
			      struct kswapd *k)
{
	set_reclaim_active(n, k->highest, false);
	if (k->boosted) {
		for (int i = 0; i <= k->highest; i++) {
			struct mmc_zone *z = &n->zones[i];
			z->watermark_boost -= k->zone_boosts[i] < z->watermark_boost ?
					      k->zone_boosts[i] : z->watermark_boost;
		}
		wakeup_kcompactd(m, n->nid, pageblock_order, k->highest);
	}
	k->reclaim_order = k->sc.order;
	n->kswapd_awake = false;
	kswapd_after_balance(m, n, k);
}

static void kswapd_try_to_sleep(struct mmc *m, struct mmc_node *n,
				struct kswapd *k);

/* kswapd()'s loop after balance_pgdat() returned reclaim_order. */
static void kswapd_after_balance(struct mmc *m, struct mmc_node *n,
				 struct kswapd *k)
{
	if (k->reclaim_order >= k->alloc_order) {
		/* next iteration: the order asked for since, if any */
		k->alloc_order = k->reclaim_order = n->kswapd_order;
		k->highest = kswapd_highest_zoneidx(n, k->highest);
	}
	kswapd_try_to_sleep(m, n, k);
}

/* balance_pgdat() returns once its last round is done: kswapd's clock
 * at the round's end, every folio it reclaimed freed, then the sleep
 * checks.  The round's time is already on the clock: returns 0. */
static uint64_t balance_pgdat_end_after(struct mmc *m, struct mmc_node *n,
					struct kswapd *k, uint64_t cost)
{
	k->clock += cost;
	inflight_release(m, k, k->clock);
	balance_pgdat_end(m, n, k);
	return 0;
}

/* One round of balance_pgdat()'s priority loop; returns the simulated
 * time it took.  Ends the call (balance_pgdat_end) when the node is
 * balanced, the priority ran out, or boost reclaim made no progress. */
static uint64_t balance_pgdat_round(struct mmc *m, struct mmc_node *n,
				    struct kswapd *k)
{
	struct scan_control *sc = &k->sc;
	uint64_t before = sc->nr_reclaimed;
	bool raise_priority = true;

	sc->reclaim_idx = k->highest;
	bool balanced = pgdat_balanced(m, n, sc->order, k->highest);
	if (!balanced && k->nr_boost_reclaim) {
		/* unbalanced: ignore the boost, restart at DEF_PRIORITY */
		k->nr_boost_reclaim = 0;
		sc->priority = DEF_PRIORITY;
		return 0;
	}
	if (!k->nr_boost_reclaim && balanced) {
		balance_pgdat_end(m, n, k);
		return 0;
	}
	if (k->nr_boost_reclaim && sc->priority == DEF_PRIORITY - 2)
		raise_priority = false;
	/* boost reclaim neither writes back nor swaps */
	sc->may_writepage = !k->nr_boost_reclaim;
	sc->may_swap = !k->nr_boost_reclaim;
	kswapd_age_node(m, n->nid, sc);
	if (sc->priority < DEF_PRIORITY - 2)
		sc->may_writepage = true;
	sc->nr_scanned = 0;
	uint64_t cost = m->bg.reclaim_round_ns;

	if (sc->priority == DEF_PRIORITY && !k->charged_run) {
		cost += m->bg.reclaim_run_ns;	/* the call's own cost */
		k->charged_run = true;
	}
	/* the round's fixed costs first, then its work (scan and free) */
	sc->free_at_ns = k->clock + cost;
	sc->work_ns = 0;
	if (kswapd_shrink_node(m, n, sc))
		raise_priority = false;
	uint64_t got = sc->nr_reclaimed - before;
	n->vm.kswapd_reclaimed += got;
	cost += sc->work_ns;

	k->nr_boost_reclaim -= got < k->nr_boost_reclaim ? got
							 : k->nr_boost_reclaim;
	if (k->nr_boost_reclaim && !got) {
		/* no progress for a boost: stop (the loop's break) */
		if (!sc->nr_reclaimed)
			n->kswapd_failures++;
		return balance_pgdat_end_after(m, n, k, cost);
	}
	if (raise_priority || !got)
		sc->priority--;
	if (sc->priority < 1) {
		if (!sc->nr_reclaimed)
			n->kswapd_failures++;
		return balance_pgdat_end_after(m, n, k, cost);
	}
	return cost;
}

/* kswapd_try_to_sleep(): nap if balanced at reclaim_order (resetting
 * compaction's skip hints and waking kcompactd for alloc_order first),
 * else straight back to balance_pgdat(). */
static void kswapd_try_to_sleep(struct mmc *m, struct mmc_node *n,
				struct kswapd *k)
{
	if (prepare_kswapd_sleep(m, n, k->reclaim_order, k->highest)) {
		reset_isolation_suitable(m, n->nid);
		wakeup_kcompactd(m, n->nid, k->alloc_order, k->highest);
		k->state = KSWAPD_NAPPING;
		k->nap_end = k->clock + KSWAPD_NAP_NS;
		return;
	}
	count_vm_event(m, MMC_KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	balance_pgdat_begin(m, n, k);
}

/* The nap ended without a wake-up: sleep for good if still balanced. */
static void kswapd_nap_over(struct mmc *m, struct mmc_node *n,
			    struct kswapd *k)
{
	k->clock = k->nap_end;
	if (prepare_kswapd_sleep(m, n, k->reclaim_order, k->highest)) {
		count_vm_event(m, MMC_TP_KSWAPD_SLEEP);
		k->state = KSWAPD_ASLEEP;
		return;
	}
	count_vm_event(m, MMC_KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	balance_pgdat_begin(m, n, k);
}

/* wakeup_kswapd(): record the order and zone index wanted; wake kswapd
 * if it waits (napping or asleep) unless the node is balanced and not
 * boosted, or hopeless; then a request that cannot reclaim directly
 * hands the order to kcompactd instead. */
void wakeup_kswapd(struct mmc *m, struct mmc_zone *z, uint64_t gfp,
		   unsigned order, int highest_zoneidx)
{
	struct mmc_node *n = &m->nodes[z->node];
	struct kswapd *k = node_kswapd(m, z->node);

	if (!populated_zone(z) || !z->managed)
		return;
	if (n->kswapd_highest_zoneidx < highest_zoneidx)
		n->kswapd_highest_zoneidx = highest_zoneidx;
	if (n->kswapd_order < (int)order)
		n->kswapd_order = (int)order;
	if (k->state == KSWAPD_BALANCING)
		return;		/* not on its wait queue */
	if (n->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	    (pgdat_balanced(m, n, (int)order, highest_zoneidx) &&
	     !pgdat_watermark_boosted(n, highest_zoneidx))) {
		if (!(gfp & MMC___GFP_DIRECT_RECLAIM))
			wakeup_kcompactd(m, n->nid, (int)order, highest_zoneidx);
		return;
	}
	count_vm_event(m, MMC_TP_WAKEUP_KSWAPD);
	if (k->state == KSWAPD_NAPPING) {
		/* woken prematurely: keep the order it finished at */
		n->kswapd_highest_zoneidx = kswapd_highest_zoneidx(n, k->highest);
		if (n->kswapd_order < k->reclaim_order)
			n->kswapd_order = k->reclaim_order;
		count_vm_event(m, MMC_KSWAPD_LOW_WMARK_HIT_QUICKLY);
	}
	if (k->clock < m->now_ns)
		k->clock = m->now_ns;
	balance_pgdat_begin(m, n, k);
}

/* kswapd's work up to now: balance_pgdat() rounds while its clock is
 * behind, naps that ended.  A round that takes no time (a check that
 * ends the call) lets the loop go on; rounds always end the call within
 * DEF_PRIORITY of them, so this terminates. */
void kswapd_tick(struct mmc *m, uint64_t now_ns)
{
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++) {
		struct mmc_node *n = &m->nodes[nid];
		struct kswapd *k = node_kswapd(m, (int)nid);

		for (;;) {
			if (k->state == KSWAPD_NAPPING && now_ns >= k->nap_end) {
				kswapd_nap_over(m, n, k);
				continue;
			}
			if (k->state != KSWAPD_BALANCING || k->clock >= now_ns)
				break;
			/* the round starts seeing what earlier ones freed */
			inflight_release(m, k, k->clock);
			k->clock += balance_pgdat_round(m, n, k);
		}
		inflight_release(m, k, now_ns);
	}
}
