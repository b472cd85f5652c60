/* SPDX-License-Identifier: MIT */
/*
 * Shared by reclaim.c (LRU lists, shrink_node, direct and node reclaim)
 * and kswapd.c (kswapd's balance_pgdat in time steps): the scan control
 * of one reclaim pass, as struct scan_control of mm/vmscan.c.
 */
#ifndef MMCORE_VMSCAN_H
#define MMCORE_VMSCAN_H

#include "internal.h"

#define DEF_PRIORITY		12
#define SWAP_CLUSTER_MAX	32u
#define MAX_RECLAIM_RETRIES	16
#define compact_gap(order)	(2ull << (order))

struct scan_control {
	uint64_t nr_to_reclaim;
	uint64_t gfp_mask;
	int order;
	int priority;
	int reclaim_idx;
	bool may_writepage, may_unmap, may_swap;
	bool kswapd;			/* current_is_kswapd() */
	bool compaction_ready;
	bool force_deactivate, skipped_deactivate;
	unsigned may_deactivate;
	bool cache_trim_mode, file_is_tiny;
	uint64_t nr_scanned, nr_reclaimed;
	/* kswapd: its folios are freed as its round gets to them, not at
	 * once (free_at_ns: the round's start; work_ns: its scan and free
	 * work so far, at struct mmc_bg_costs rates) */
	bool defer_free;
	uint64_t free_at_ns, work_ns;
	/* the reclaiming task's cpu, whose pcp lists its freed folios go
	 * on (free_unref_folios); -1: straight to the buddy */
	int cpu;
};

/* shrink_node(): one pass over the node's LRU lists at sc->priority;
 * adds to sc->nr_scanned / nr_reclaimed and counts pgscan / pgsteal
 * for kswapd or direct reclaim as sc->kswapd says. */
void shrink_node(struct mmc *m, int nid, struct scan_control *sc);
/* kswapd_age_node(): deactivate a batch of active anon folios when the
 * inactive anon list is low (only with swap). */
void kswapd_age_node(struct mmc *m, int nid, struct scan_control *sc);
/* kswapd reclaimed [pfn, +2^order) (already off the LRU, class
 * PC_ISOLATED): free it to the buddy once kswapd's clock reaches due_ns.
 * Frees at once when the queue cannot grow. */
void kswapd_defer_free(struct mmc *m, int nid, uint64_t pfn, unsigned order,
		       uint64_t due_ns);

#endif
