/* SPDX-License-Identifier: MIT */
/*
 * The allocation path of mm/page_alloc.c (6.6+): __alloc_pages() with
 * prepare_alloc_pages() and alloc_flags_nofragment(), get_page_from_freelist()
 * over the zonelist with zone_reclaim_mode / node_reclaim(), rmqueue() via
 * the pcp or the buddy, then __alloc_pages_slowpath(): kswapd wake, the min
 * mark, direct compaction, direct reclaim, retries and the OOM outcome.
 * Also the free path (free_unref_page / __free_pages_ok) and the helpers
 * reclaim.c and compaction.c use to move pages.
 *
 * vm.defrag_mode (6.15+, "mm: page_alloc: defrag_mode"): every attempt
 * starts with ALLOC_NOFRAGMENT, so __rmqueue_claim() only takes whole
 * pageblocks of another type and __rmqueue_steal() is never reached;
 * the fast path keeps the flag (no remote-node or UMA retry without it),
 * kswapd is woken for at least a pageblock, and only when reclaim and
 * compaction have both given up does the slow path drop the flag and
 * retry, so a fragmenting fallback still beats an OOM.
 *
 * Simplified (deliberately; this model is single-threaded and
 * deterministic): cpusets, memcg, dirty limits, CMA, unaccepted memory,
 * ZONE_BELOW_HIGH pcp tuning are left out.  The slow path's retries
 * follow should_reclaim_retry() and should_compact_retry(), but happen at
 * one instant of simulated time: kswapd and other tasks do not free
 * memory between them as they would on a host.  The OOM killer is not
 * run: where the kernel would invoke it the allocation fails with
 * MMC_PATH_OOM.
 */
#include <string.h>
#include "internal.h"

#define MAX_RECLAIM_RETRIES 16
#define MAX_COMPACT_RETRIES 16
/* no kernel constant: a bound on the retry loop the kernel leaves to its
 * OOM killer and fatal signals */
#define MAX_SLOWPATH_LOOPS 64

struct alloc_context {
	int preferred_nid;
	struct mmc_zone *preferred_zone;	/* first zone of the zonelist */
	int highest_zoneidx;
	int migratetype;
	bool thisnode;				/* ZONELIST_NOFALLBACK */
	int cpu;
	unsigned cls;
};

bool zone_allows_reclaim(const struct mmc *m, const struct mmc_zone *local,
			 const struct mmc_zone *z)
{
	return (int)m->topo->distance[local->node][z->node] <=
	       m->policy.node_reclaim_distance;
}

static bool node_reclaim_enabled(const struct mmc *m)
{
	return m->policy.zone_reclaim_mode &
	       (RECLAIM_ZONE | RECLAIM_WRITE | RECLAIM_UNMAP);
}

/* prep_new_page(): the pages get their class and the requested type. */
static void prep_new_page(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			  unsigned order, const struct alloc_context *ac)
{
	uint32_t nr = 1u << order;
	pgstate_t s = (pgstate_t)((ac->cls << PG_CLASS_SHIFT) |
				  ((unsigned)ac->migratetype << PG_MT_SHIFT));
	uint64_t *cnt = m->nodes[z->node].nr_class;

	for (uint32_t i = 0; i < nr; i++)
		z->page[idx + i] = s;
	pageblock_touch_range(z, idx, nr);
	cnt[MMC_PC_FREE] -= nr;
	cnt[ac->cls] += nr;
}

/* rmqueue_buddy() */
static uint32_t rmqueue_buddy(struct mmc *m, struct mmc_zone *z,
			      unsigned order, unsigned alloc_flags, int mt,
			      struct mmc_result *res)
{
	uint32_t idx = NO_IDX;

	if (alloc_flags & ALLOC_HIGHATOMIC) {
		idx = __rmqueue_smallest(z, order, MIGRATE_HIGHATOMIC, res);
		if (idx != NO_IDX && res)
			res->path |= MMC_PATH_HIGHATOMIC;
	}
	if (idx == NO_IDX) {
		idx = __rmqueue(m, z, order, mt, alloc_flags, res);
		/* failing now is worse than failing a future high-order
		 * atomic: OOM and non-blocking requests use the reserve */
		if (idx == NO_IDX && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK))) {
			idx = __rmqueue_smallest(z, order, MIGRATE_HIGHATOMIC, res);
			if (idx != NO_IDX && res)
				res->path |= MMC_PATH_HIGHATOMIC;
		}
	}
	if (idx != NO_IDX && res)
		res->path |= MMC_PATH_BUDDY;
	return idx;
}

/* rmqueue() */
static uint32_t rmqueue(struct mmc *m, struct mmc_zone *z, unsigned order,
			unsigned alloc_flags, const struct alloc_context *ac,
			struct mmc_result *res)
{
	uint32_t idx = NO_IDX;

	if (pcp_allowed_order(order))
		idx = rmqueue_pcplist(m, z, ac->cpu, order, ac->migratetype,
				      alloc_flags, res);
	if (idx == NO_IDX)
		idx = rmqueue_buddy(m, z, order, alloc_flags, ac->migratetype,
				    res);
	if ((alloc_flags & ALLOC_KSWAPD) && z->boosted_watermark) {
		z->boosted_watermark = false;
		wakeup_kswapd(m, z, 0, 0, (int)z->type);
		if (res)
			res->path |= MMC_PATH_KSWAPD_WAKE;
	}
	return idx;
}

static bool zone_usable(const struct mmc_zone *z,
			const struct alloc_context *ac)
{
	return (int)z->type <= ac->highest_zoneidx && z->managed &&
	       (!ac->thisnode || z->node == ac->preferred_nid);
}

/* get_page_from_freelist() */
static uint64_t get_page_from_freelist(struct mmc *m, uint64_t gfp,
				       unsigned order, unsigned alloc_flags,
				       const struct alloc_context *ac,
				       struct mmc_result *res)
{
	const struct mmc_node *pn = &m->nodes[ac->preferred_nid];
	bool no_fallback;

retry:
	no_fallback = alloc_flags & ALLOC_NOFRAGMENT;
	for (uint32_t i = 0; i < pn->nr_zonelist; i++) {
		struct mmc_zone *z = pn->zonelist[i];

		if (!zone_usable(z, ac))
			continue;
		/* moving to a remote node: locality beats fragmentation
		 * (not under defrag_mode, which keeps the flag) */
		if (no_fallback && !m->policy.defrag_mode && m->nr_nodes > 1 &&
		    z != ac->preferred_zone &&
		    z->node != ac->preferred_nid) {
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			goto retry;
		}
		/* below the high mark, pcp->high stops growing (and the
		 * free path trims it): ZONE_BELOW_HIGH */
		if (!z->below_high) {
			if (zone_watermark_fast(z, order, high_wmark_pages(z),
						ac->highest_zoneidx,
						alloc_flags, gfp))
				goto try_this_zone;
			z->below_high = true;
		}
		uint64_t mark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);

		if (!zone_watermark_fast(z, order, mark, ac->highest_zoneidx,
					 alloc_flags, gfp)) {
			if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
				if (!node_reclaim_enabled(m) ||
				    !zone_allows_reclaim(m, ac->preferred_zone, z))
					continue;
				/* node_reclaim() sets MMC_PATH_NODE_RECLAIM
				 * only when it scans (not FULL/NOSCAN) */
				int ret = node_reclaim(m, z->node, gfp, order,
						       ac->cpu, res);
				if (ret == NODE_RECLAIM_NOSCAN ||
				    ret == NODE_RECLAIM_FULL)
					continue;
				if (!zone_watermark_ok(z, order, mark,
						       ac->highest_zoneidx,
						       alloc_flags))
					continue;
			}
		}
try_this_zone:;
		uint32_t idx = rmqueue(m, z, order, alloc_flags, ac, res);

		if (idx == NO_IDX)
			continue;
		prep_new_page(m, z, idx, order, ac);
		if (alloc_flags & ALLOC_HIGHATOMIC)
			reserve_highatomic_pageblock(m, z, idx);
		count_vm_events(m, MMC_PGALLOC_DMA + z->type, 1u << order);
		m->nodes[z->node].vm.pgalloc += 1u << order;
		if (z->node != ac->preferred_nid) {
			m->vm.pgalloc_remote += 1u << order;
			m->nodes[z->node].vm.pgalloc_remote += 1u << order;
			if (res)
				res->path |= MMC_PATH_REMOTE;
		}
		if (res) {
			res->node = z->node;
			res->zone = (int32_t)z->type;
		}
		return idx_to_pfn(z, idx);
	}
	/* UMA: every zone fragmented; try again allowing fallbacks (under
	 * defrag_mode only the slow path may, after reclaim/compaction) */
	if (no_fallback && !m->policy.defrag_mode) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NO_PFN;
}

/* alloc_flags_nofragment() */
static unsigned alloc_flags_nofragment(const struct mmc *m,
				       const struct mmc_zone *zone,
				       uint64_t gfp)
{
	unsigned f = (gfp & MMC___GFP_KSWAPD_RECLAIM) ? ALLOC_KSWAPD : 0;

	if (m->policy.defrag_mode)
		return f | ALLOC_NOFRAGMENT;
	if (!zone || zone->type != MMC_ZONE_NORMAL)
		return f;
	if (m->nr_nodes > 1 &&
	    !populated_zone(&m->nodes[zone->node].zones[MMC_ZONE_DMA32]))
		return f;
	return f | ALLOC_NOFRAGMENT;
}

static void wake_all_kswapds(struct mmc *m, uint64_t gfp, unsigned order,
			     const struct alloc_context *ac,
			     struct mmc_result *res)
{
	const struct mmc_node *pn = &m->nodes[ac->preferred_nid];
	int last = -1;

	/* defrag_mode: kswapd (and the kcompactd it chain-wakes) works for
	 * whole pageblocks, which ALLOC_NOFRAGMENT fallbacks need */
	if (m->policy.defrag_mode && order < pageblock_order)
		order = pageblock_order;
	for (uint32_t i = 0; i < pn->nr_zonelist; i++) {
		struct mmc_zone *z = pn->zonelist[i];

		if (!zone_usable(z, ac) || z->node == last)
			continue;
		last = z->node;
		wakeup_kswapd(m, z, gfp, order, ac->highest_zoneidx);
	}
	if (res)
		res->path |= MMC_PATH_KSWAPD_WAKE;
}

/* __alloc_pages_direct_compact(): a compaction stall counts when some
 * zone was not skipped (deferred counts: COMPACT_DEFERRED is not
 * COMPACT_SKIPPED); then success or failure of the allocation after it. */
static uint64_t direct_compact(struct mmc *m, uint64_t gfp, unsigned order,
			       unsigned alloc_flags,
			       const struct alloc_context *ac,
			       enum compact_priority prio,
			       enum compact_result *result,
			       struct mmc_result *res)
{
	if (!order) {
		*result = COMPACT_SKIPPED;
		return NO_PFN;
	}
	uint64_t pfn;

	*result = try_to_compact_pages(m, gfp, order, alloc_flags,
				       ac->preferred_nid, ac->highest_zoneidx,
				       prio, ac->cpu, &pfn, res);
	if (*result == COMPACT_SKIPPED)
		return NO_PFN;
	count_vm_event(m, MMC_COMPACT_STALL);
	m->nodes[ac->preferred_nid].vm.compact_stalls++;
	/* a captured block is the caller's past the watermarks, and (as in
	 * the kernel, which counts PGALLOC in rmqueue()) not in pgalloc */
	if (pfn != NO_PFN) {
		struct mmc_zone *cz = pfn_to_zone(m, pfn);

		prep_new_page(m, cz, pfn_to_idx(cz, pfn), order, ac);
	} else {
		pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac,
					     res);
	}
	if (pfn != NO_PFN) {
		/* compaction_defer_reset(zone, order, true) on the zone the
		 * page came from; its skip hints stay */
		compaction_alloc_success(pfn_to_zone(m, pfn), order);
		count_vm_event(m, MMC_COMPACT_SUCCESS);
	} else {
		count_vm_event(m, MMC_COMPACT_FAIL);
	}
	return pfn;
}

/* __alloc_pages_direct_reclaim() */
static uint64_t direct_reclaim(struct mmc *m, uint64_t gfp, unsigned order,
			       unsigned alloc_flags,
			       const struct alloc_context *ac,
			       uint64_t *progress, struct mmc_result *res)
{
	if (res)
		res->path |= MMC_PATH_DIRECT_RECLAIM;
	*progress = try_to_free_pages(m, ac->preferred_nid, gfp, order,
				      ac->highest_zoneidx, ac->cpu, res);
	if (!*progress)
		return NO_PFN;
	/* what it reclaimed is its own: the marks count it, and its folios
	 * are freed in the order reclaimed until it can be served; the rest
	 * land later (direct_inflight.c), as other tasks see them */
	uint64_t pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac,
					      res);

	while (pfn == NO_PFN && direct_inflight_release_one(m))
		pfn = get_page_from_freelist(m, gfp, order,
					     alloc_flags | ALLOC_RECLAIMED, ac,
					     res);
	if (pfn != NO_PFN)
		return pfn;
	/* pages may be pinned on per-cpu lists or in highatomic reserves */
	unreserve_highatomic_pageblock(m, ac->preferred_nid, false);
	drain_all_pages(m, NULL);
	return get_page_from_freelist(m, gfp, order, alloc_flags, ac, res);
}

/* should_compact_retry(): a compaction that made progress (succeeded
 * but lost the page) is retried up to MAX_COMPACT_RETRIES (a quarter of
 * that for costly orders); one that was skipped for lack of free pages
 * only if reclaim could give it enough (compaction_zonelist_suitable);
 * one that failed over the whole zone, or was withdrawn (deferred,
 * contended, partial), retries at a higher priority until the highest
 * (SYNC_LIGHT for costly orders). */
static bool should_compact_retry(struct mmc *m,
				 const struct alloc_context *ac,
				 unsigned order, enum compact_result result,
				 enum compact_priority *prio, int *retries)
{
	int max_retries = MAX_COMPACT_RETRIES;

	if (!order)
		return false;
	if (result == COMPACT_SUCCESS)		/* compaction_made_progress */
		(*retries)++;
	if (result == COMPACT_COMPLETE)		/* compaction_failed */
		goto check_priority;
	if (result == COMPACT_SKIPPED)		/* compaction_needs_reclaim */
		return compaction_zonelist_suitable(m, ac->preferred_nid,
						    order, ac->highest_zoneidx);
	if (result == COMPACT_DEFERRED || result == COMPACT_CONTENDED ||
	    result == COMPACT_PARTIAL_SKIPPED)	/* compaction_withdrawn */
		goto check_priority;
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		max_retries /= 4;
	if (*retries <= max_retries)
		return true;
check_priority:;
	enum compact_priority min_priority =
		order > PAGE_ALLOC_COSTLY_ORDER ? MIN_COMPACT_COSTLY_PRIORITY
						: MIN_COMPACT_PRIORITY;
	if (*prio > min_priority) {
		(*prio)--;
		*retries = 0;
		return true;
	}
	return false;
}

/* should_reclaim_retry(): progress for a non-costly order resets the
 * no-progress count; after MAX_RECLAIM_RETRIES without it, only the
 * highatomic reserve is left.  Otherwise retry while some zone would
 * pass the min mark for this order counting its reclaimable pages
 * (zone_reclaimable_pages(): the node's here, the model keeps its LRU
 * counts per node). */
static bool should_reclaim_retry(struct mmc *m, unsigned order,
				 unsigned alloc_flags,
				 const struct alloc_context *ac,
				 uint64_t progress, int *no_progress_loops)
{
	const struct mmc_node *pn = &m->nodes[ac->preferred_nid];

	if (progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return unreserve_highatomic_pageblock(m, ac->preferred_nid, true);
	for (uint32_t i = 0; i < pn->nr_zonelist; i++) {
		struct mmc_zone *z = pn->zonelist[i];

		if (!zone_usable(z, ac))
			continue;
		int64_t avail = (int64_t)(z->nr_free +
					  node_reclaimable_pages(m, z->node));

		if (__zone_watermark_ok(z, order, min_wmark_pages(z),
					ac->highest_zoneidx, alloc_flags, avail))
			return true;
	}
	return false;
}

/* Would __alloc_pages_may_oom() call out_of_memory()? */
static bool would_oom(uint64_t gfp, unsigned order,
		      const struct alloc_context *ac)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return false;
	if (gfp & (MMC___GFP_RETRY_MAYFAIL | MMC___GFP_THISNODE))
		return false;
	if (ac->highest_zoneidx < MMC_ZONE_NORMAL)
		return false;
	return (gfp & MMC___GFP_FS) || (gfp & MMC___GFP_NOFAIL);
}

/* __alloc_pages_slowpath(): wake kswapd, the min mark, async compaction
 * first for costly (and non-movable high-order) requests, then the retry
 * loop: direct reclaim, direct compaction, should_reclaim_retry() and
 * should_compact_retry().  Where the kernel would kill a task (and retry
 * while that makes progress), the model fails the allocation with
 * MMC_PATH_OOM and counts oom_kill; MAX_SLOWPATH_LOOPS bounds what a
 * kernel retrying forever on OOM kills would do. */
static uint64_t alloc_pages_slowpath(struct mmc *m, uint64_t gfp,
				     unsigned order,
				     struct alloc_context *ac,
				     struct mmc_result *res)
{
	bool can_direct_reclaim = gfp & MMC___GFP_DIRECT_RECLAIM;
	bool costly = order > PAGE_ALLOC_COSTLY_ORDER;
	bool can_compact = gfp & MMC___GFP_IO;	/* gfp_compaction_allowed() */
	enum compact_priority prio = DEF_COMPACT_PRIORITY;
	enum compact_result cresult = COMPACT_SKIPPED;
	int compaction_retries = 0, no_progress_loops = 0, loops = 0;
	uint64_t pfn, progress = 0;

	if (res)
		res->path |= MMC_PATH_SLOWPATH;
	unsigned alloc_flags = gfp_to_alloc_flags(gfp, order);

	if (m->policy.defrag_mode)
		alloc_flags |= ALLOC_NOFRAGMENT;
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(m, gfp, order, ac, res);
	pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac, res);
	if (pfn != NO_PFN)
		return pfn;

	/* costly or non-movable high orders: compaction first */
	if (can_direct_reclaim && can_compact &&
	    (costly || (order > 0 && ac->migratetype != MIGRATE_MOVABLE)) &&
	    !((gfp & MMC___GFP_MEMALLOC) && !(gfp & MMC___GFP_NOMEMALLOC))) {
		pfn = direct_compact(m, gfp, order, alloc_flags, ac,
				     INIT_COMPACT_PRIORITY, &cresult, res);
		if (pfn != NO_PFN)
			return pfn;
		if (costly && (gfp & MMC___GFP_NORETRY)) {
			if (cresult == COMPACT_SKIPPED ||
			    cresult == COMPACT_DEFERRED)
				goto nopage;
			/* a THP fault's local-node first try may compact,
			 * never reclaim (alloc_pages_mpol(); the kernel's
			 * "THP __GFP_THISNODE: compact only, never reclaim") */
			if (gfp & MMC___GFP_THISNODE)
				goto nopage;
			/* sync compaction would be too expensive */
			prio = INIT_COMPACT_PRIORITY;
		}
	}
	for (;;) {
		if (alloc_flags & ALLOC_KSWAPD)
			wake_all_kswapds(m, gfp, order, ac, res);
		/* __gfp_pfmemalloc_flags(): __GFP_MEMALLOC ignores marks */
		if ((gfp & MMC___GFP_MEMALLOC) && !(gfp & MMC___GFP_NOMEMALLOC))
			alloc_flags = ALLOC_NO_WATERMARKS |
				      (alloc_flags & ALLOC_KSWAPD);
		pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac,
					     res);
		if (pfn != NO_PFN)
			return pfn;
		if (!can_direct_reclaim)
			goto nopage;
		pfn = direct_reclaim(m, gfp, order, alloc_flags, ac, &progress,
				     res);
		if (pfn != NO_PFN)
			return pfn;
		pfn = direct_compact(m, gfp, order, alloc_flags, ac, prio,
				     &cresult, res);
		if (pfn != NO_PFN)
			return pfn;
		if (gfp & MMC___GFP_NORETRY)
			goto nopage;
		if (costly && (!can_compact || !(gfp & MMC___GFP_RETRY_MAYFAIL)))
			goto nopage;
		if (++loops <= MAX_SLOWPATH_LOOPS) {
			if (res)
				res->retries++;
			if (should_reclaim_retry(m, order, alloc_flags, ac,
						 progress, &no_progress_loops))
				continue;
			/* compaction needs order-0 pages reclaim can give */
			if (progress && can_compact &&
			    should_compact_retry(m, ac, order, cresult, &prio,
						 &compaction_retries))
				continue;
		}
		/* defrag_mode: reclaim/compaction failed to prevent the
		 * fallback; allow it rather than fail (also once the model's
		 * loop bound is reached: the kernel's retries end the same) */
		if (m->policy.defrag_mode && (alloc_flags & ALLOC_NOFRAGMENT)) {
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			continue;
		}
		break;
	}
	if (would_oom(gfp, order, ac)) {
		m->vm.oom++;
		count_vm_event(m, MMC_OOM_KILL);
		if (res)
			res->path |= MMC_PATH_OOM;
	}
nopage:
	if (gfp & MMC___GFP_NOFAIL) {
		/* __alloc_pages_cpuset_fallback(ALLOC_MIN_RESERVE) once; the
		 * kernel would loop until it succeeds */
		pfn = get_page_from_freelist(m, gfp, order,
					     ALLOC_MIN_RESERVE, ac, res);
		if (pfn != NO_PFN)
			return pfn;
	}
	return NO_PFN;
}

uint64_t alloc_pages_node(struct mmc *m, int preferred_nid, uint64_t gfp,
			  unsigned order, int cpu, unsigned cls,
			  struct mmc_result *res)
{
	struct alloc_context ac;

	if (order > MAX_PAGE_ORDER || preferred_nid < 0 ||
	    (uint32_t)preferred_nid >= m->nr_nodes)
		return NO_PFN;
	if (cpu < 0 || (uint32_t)cpu >= m->nr_cpus) {
		cpu = 0;
		for (uint32_t c = 0; c < m->nr_cpus; c++)
			if (m->cpu_node[c] == preferred_nid) {
				cpu = (int)c;
				break;
			}
	}
	/* a task that stalled on this cpu went on only once its reclaim
	 * had freed its folios */
	direct_inflight_release_cpu(m, cpu);
	ac.preferred_nid = preferred_nid;
	ac.highest_zoneidx = gfp_zone(gfp);
	ac.migratetype = gfp_migratetype(gfp);
	ac.thisnode = gfp & MMC___GFP_THISNODE;
	ac.cpu = cpu;
	ac.cls = cls;
	ac.preferred_zone = NULL;
	/* first_zones_zonelist() */
	const struct mmc_node *pn = &m->nodes[preferred_nid];

	for (uint32_t i = 0; i < pn->nr_zonelist; i++)
		if (zone_usable(pn->zonelist[i], &ac)) {
			ac.preferred_zone = pn->zonelist[i];
			break;
		}
	if (res) {
		res->pfn = NO_PFN;
		res->node = -1;
		res->zone = -1;
	}
	if (order == pageblock_order)
		m->vm.order9_attempts++;
	uint64_t pfn = NO_PFN;

	if (ac.preferred_zone) {
		unsigned alloc_flags = ALLOC_WMARK_LOW |
			alloc_flags_nofragment(m, ac.preferred_zone, gfp);

		pfn = get_page_from_freelist(m, gfp, order, alloc_flags, &ac,
					     res);
		if (pfn == NO_PFN)
			pfn = alloc_pages_slowpath(m, gfp, order, &ac, res);
	}
	if (pfn == NO_PFN) {
		m->vm.alloc_fail++;
		m->nodes[preferred_nid].vm.alloc_fail++;
		return NO_PFN;
	}
	if (order == pageblock_order)
		m->vm.order9_success++;
	if (res)
		res->pfn = pfn;
	return pfn;
}

int mmc_alloc(struct mmc *m, unsigned order, uint64_t gfp, int cpu,
	      struct mmc_result *res)
{
	struct mmc_result local;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	res->pfn = NO_PFN;
	if (cpu < 0 || (uint32_t)cpu >= m->nr_cpus)
		return -1;
	uint64_t pfn = alloc_pages_node(m, m->cpu_node[cpu], gfp, order, cpu,
					MMC_PC_KERNEL, res);
	return pfn == NO_PFN ? -1 : 0;
}

/* The pcp block holding idx, or NO_IDX. */
static uint32_t find_pcp_head(const struct mmc_zone *z, uint32_t idx)
{
	static const unsigned orders[] = { 0, 1, 2, 3, HPAGE_PMD_ORDER };

	for (unsigned i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		uint32_t head = idx & ~((1u << orders[i]) - 1);
		pgstate_t s = z->page[head];

		if (PagePcp(s) && free_order(s) == orders[i])
			return head;
	}
	return NO_IDX;
}

/* Mirror mode: the kernel handed out pages the model holds in pcp blocks;
 * move only those blocks from their lists to the buddy. */
static void release_pcp_blocks(struct mmc *m, struct mmc_zone *z,
			       uint32_t idx, uint32_t nr)
{
	for (uint32_t i = idx; i < idx + nr; i++) {
		uint32_t head = find_pcp_head(z, i);

		if (head == NO_IDX)
			continue;
		unsigned o = free_order(z->page[head]);

		if (pcp_take_block(m, z, head))
			continue;
		__free_one_page(m, z, head, o, get_pageblock_migratetype(z, head));
	}
}

int mmc_alloc_at(struct mmc *m, uint64_t pfn, unsigned order, uint64_t gfp,
		 int cpu, struct mmc_result *res)
{
	struct mmc_result local;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	res->pfn = NO_PFN;
	if (order > MAX_PAGE_ORDER || (pfn & ((1u << order) - 1)))
		return -1;
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z || pfn + (1u << order) > z->start_pfn + z->spanned)
		return -1;
	uint32_t idx = pfn_to_idx(z, pfn);

	/* the block sits on a pcp list: take it from there */
	if (PagePcp(z->page[idx]) && free_order(z->page[idx]) == order &&
	    !pcp_take_block(m, z, idx)) {
		res->path |= MMC_PATH_PCP_HIT;
	} else {
		for (uint32_t i = 0; i < (1u << order); i++)
			if (page_class(z->page[idx + i]) != MMC_PC_FREE)
				return -1;
		if (take_free_range(m, z, idx, order, res)) {
			/* part of it sits in pcp blocks of other orders: give
			 * just those back to the buddy, then take the range */
			release_pcp_blocks(m, z, idx, 1u << order);
			res->path |= MMC_PATH_PCP_DRAIN;
			if (take_free_range(m, z, idx, order, res))
				return -1;
		}
		res->path |= MMC_PATH_BUDDY;
	}
	struct alloc_context ac = { .migratetype = gfp_migratetype(gfp),
				    .cls = MMC_PC_KERNEL };

	prep_new_page(m, z, idx, order, &ac);
	count_vm_events(m, MMC_PGALLOC_DMA + z->type, 1u << order);
	m->nodes[z->node].vm.pgalloc += 1u << order;
	if (cpu >= 0 && (uint32_t)cpu < m->nr_cpus && m->cpu_node[cpu] != z->node) {
		m->vm.pgalloc_remote += 1u << order;
		m->nodes[z->node].vm.pgalloc_remote += 1u << order;
		res->path |= MMC_PATH_REMOTE;
	}
	res->pfn = pfn;
	res->node = z->node;
	res->zone = (int32_t)z->type;
	return 0;
}

/* ---- free -------------------------------------------------------------- */

int free_pages(struct mmc *m, uint64_t pfn, unsigned order, int cpu,
	       struct mmc_result *res)
{
	if (order > MAX_PAGE_ORDER)
		return -1;
	struct mmc_zone *z = pfn_to_zone(m, pfn);
	uint32_t nr = 1u << order;

	/* a block of the buddy allocator is aligned to its size: an
	 * unaligned one would merge across its neighbours' pages */
	if (!z || (pfn & (nr - 1)) || pfn + nr > z->start_pfn + z->spanned)
		return -1;
	uint32_t idx = pfn_to_idx(z, pfn);
	pgstate_t *pg = z->page + idx;
	unsigned cls = page_class(pg[0]);
	unsigned cm = cls << PG_CLASS_SHIFT;
	uint32_t same = 0, bad = 0, any = 0;

	/* every page must be allocated by the workload (SLAB..KERNEL; not
	 * free, hole, reserved or isolated); 4 pages a word when uniform */
	if (nr >= 4 && cls >= MMC_PC_SLAB && cls != PC_ISOLATED) {
		uint64_t cm4 = 0x0001000100010001ull * cm, a = 0;

		for (uint32_t i = 0; i < nr; i += 4) {
			uint64_t w;

			memcpy(&w, pg + i, sizeof(w));
			a |= w;
			if ((w & (0x0001000100010001ull * PG_CLASS_MASK)) != cm4)
				goto slow;
		}
		same = nr;
		any = (uint32_t)(a | (a >> 16) | (a >> 32) | (a >> 48)) & 0xffff;
		goto checked;
	}
slow:
	for (uint32_t i = 0; i < nr; i++) {
		unsigned s = pg[i], c = s & PG_CLASS_MASK;

		bad |= (c < (MMC_PC_SLAB << PG_CLASS_SHIFT)) |
		       (c == (PC_ISOLATED << PG_CLASS_SHIFT));
		same += c == cm;
		any |= s;
	}
	if (bad)
		return -1;	/* double free or never allocated */
checked:
	if (any & PG_LRU)
		lru_del(m, pfn, order);
	if (same == nr) {	/* the usual case: one class, count at once */
		uint64_t *cnt = m->nodes[z->node].nr_class;

		cnt[cls] -= nr;
		cnt[MMC_PC_FREE] += nr;
	} else {
		set_page_class(m, z, idx, nr, MMC_PC_FREE);
	}
	for (uint32_t i = 0; i < nr; i++)
		pg[i] = MMC_PC_FREE << PG_CLASS_SHIFT;
	pageblock_touch_range(z, idx, nr);
	count_vm_events(m, MMC_PGFREE, nr);
	if (res) {
		res->node = z->node;
		res->zone = (int32_t)z->type;
		res->pfn = pfn;
	}
	/* a free from no known cpu is counted on the first one's pcp */
	if (cpu < 0 || (uint32_t)cpu >= m->nr_cpus)
		cpu = 0;
	free_prepared_pages(m, z, idx, order, cpu, res);
	return 0;
}

/* The end of free_frozen_pages() and of free_unref_folios(), for pages
 * already marked free and counted in pgfree: a pcp order goes on cpu's
 * pcp list (highatomic pages on the movable one) unless its pageblock is
 * isolated; the rest, and every free with cpu < 0 (node reclaim's, see
 * free_reclaimed_pages()), merges into the buddy. */
void free_prepared_pages(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			 unsigned order, int cpu, struct mmc_result *res)
{
	int mt = get_pageblock_migratetype(z, idx);

	if (cpu >= 0 && pcp_allowed_order(order) && mt != MIGRATE_ISOLATE) {
		free_unref_page(m, z, cpu, idx, order,
				mt >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : mt, res);
		return;
	}
	unsigned merges = __free_one_page(m, z, idx, order, mt);

	if (res) {
		res->merges += (uint16_t)merges;
		res->path |= MMC_PATH_BUDDY;
	}
}

int mmc_free(struct mmc *m, uint64_t pfn, unsigned order, int cpu,
	     struct mmc_result *res)
{
	if (res) {
		memset(res, 0, sizeof(*res));
		res->pfn = NO_PFN;
		res->node = res->zone = -1;
	}
	return free_pages(m, pfn, order, cpu, res);
}

/* ---- helpers for compaction.c and reclaim.c -------------------------- */

int isolate_free_page(struct mmc *m, struct mmc_zone *z, uint32_t idx,
		      unsigned order)
{
	if (idx >= z->nr_idx)
		return -1;
	pgstate_t s = z->page[idx];

	if (!PageBuddy(s) || free_order(s) != order)
		return -1;
	int mt = free_mt(s);

	/* __isolate_free_page(): keep the zone above min + the block */
	if (mt != MIGRATE_ISOLATE &&
	    !zone_watermark_ok(z, 0, z->_watermark[WMARK_MIN] + (1u << order),
			       0, ALLOC_CMA))
		return -1;
	del_page_from_free_list(z, idx, order, mt);
	if (order >= pageblock_order - 1)
		for (uint32_t b = idx; b < idx + (1u << order);
		     b += pageblock_nr_pages) {
			int bmt = get_pageblock_migratetype(z, b);

			if (bmt < MIGRATE_PCPTYPES && bmt != MIGRATE_MOVABLE)
				move_freepages_block(z, b, bmt, MIGRATE_MOVABLE);
		}
	set_page_class(m, z, idx, 1u << order, PC_ISOLATED);
	return 0;
}

void release_isolated_pages(struct mmc *m, uint64_t pfn, unsigned order)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (z)
		free_one_page(m, z, pfn_to_idx(z, pfn), order);
}

int migrate_page_range(struct mmc *m, uint64_t from, uint64_t to,
		       unsigned order)
{
	uint32_t nr = 1u << order;
	struct mmc_zone *zf = pfn_to_zone(m, from), *zt = pfn_to_zone(m, to);

	if (!zf || !zt || from + nr > zf->start_pfn + zf->spanned ||
	    to + nr > zt->start_pfn + zt->spanned)
		return -1;
	uint32_t fi = pfn_to_idx(zf, from), ti = pfn_to_idx(zt, to);

	for (uint32_t i = 0; i < nr; i++) {
		pgstate_t s = zf->page[fi + i];

		if (!page_allocated(s) || page_class(s) == PC_ISOLATED ||
		    page_class(zt->page[ti + i]) != PC_ISOLATED)
			return -1;
	}
	bool lru = zf->page[fi] & PG_LRU;
	unsigned cls = page_class(zf->page[fi]);
	pgstate_t keep = zf->page[fi] & (PG_ACTIVE | PG_REFERENCED |
					 PG_WORKINGSET);

	if (lru)
		lru_del(m, from, order);
	for (uint32_t i = 0; i < nr; i++) {
		pgstate_t s = zf->page[fi + i];

		set_page_class(m, zt, ti + i, 1, page_class(s));  /* touches */
		zt->page[ti + i] = s & (pgstate_t)~PG_LRU_BITS;
	}
	if (lru) {
		lru_add(m, to, order, (int)cls);
		for (uint32_t i = 0; i < nr; i++)
			zt->page[ti + i] |= keep;
	}
	if (m->fault_migrated)
		m->fault_migrated(m, from, to, order);
	if (m->migrate_fn)
		m->migrate_fn(m->migrate_ctx, from, to, order);
	free_one_page(m, zf, fi, order);
	return 0;
}

/* The part of reclaim_free_pages() before the free. */
static struct mmc_zone *reclaim_unmap_pages(struct mmc *m, uint64_t pfn,
					    unsigned order)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return NULL;
	uint32_t idx = pfn_to_idx(z, pfn);

	for (uint32_t i = 0; i < (1u << order); i++)
		z->page[idx + i] &= (pgstate_t)~PG_LRU_BITS;
	if (m->reclaim_fn)
		m->reclaim_fn(m->reclaim_ctx, pfn, order);
	return z;
}

void reclaim_free_pages(struct mmc *m, uint64_t pfn, unsigned order, int cpu)
{
	if (reclaim_unmap_pages(m, pfn, order))
		free_reclaimed_pages(m, pfn, order, cpu);
}

void reclaim_isolate_pages(struct mmc *m, uint64_t pfn, unsigned order)
{
	struct mmc_zone *z = reclaim_unmap_pages(m, pfn, order);

	if (z)
		set_page_class(m, z, pfn_to_idx(z, pfn), 1u << order,
			       PC_ISOLATED);
}
