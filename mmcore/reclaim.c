/* SPDX-License-Identifier: MIT */
/*
 * reclaim.c: LRU lists, kswapd, direct reclaim, node_reclaim.
 * Owned by the reclaim helper.  This is the compiling STUB the mmcore
 * helper landed so the library links: it keeps PG_LRU bits, records
 * kswapd wakes and reclaims nothing.
 */
#include "internal.h"

int reclaim_init(struct mmc *m)
{
	(void)m;
	return 0;
}

void reclaim_destroy(struct mmc *m)
{
	(void)m;
}

static void lru_bits(struct mmc *m, uint64_t pfn, unsigned order,
		     pgstate_t set, pgstate_t clear)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return;
	uint32_t idx = pfn_to_idx(z, pfn);
	for (uint32_t i = 0; i < (1u << order); i++)
		z->page[idx + i] = (pgstate_t)((z->page[idx + i] & ~clear) | set);
}

void lru_add(struct mmc *m, uint64_t pfn, unsigned order, int cls)
{
	(void)cls;
	lru_bits(m, pfn, order, PG_LRU, 0);
}

void lru_del(struct mmc *m, uint64_t pfn, unsigned order)
{
	lru_bits(m, pfn, order, 0, PG_LRU_BITS);
}

void lru_touch(struct mmc *m, uint64_t pfn)
{
	lru_bits(m, pfn, 0, PG_REFERENCED, 0);
}

int node_reclaim(struct mmc *m, int nid, uint64_t gfp, unsigned order,
		 int cpu, struct mmc_result *res)
{
	(void)nid;
	(void)gfp;
	(void)order;
	(void)cpu;
	(void)res;
	m->vm.node_reclaim_full++;
	return NODE_RECLAIM_FULL;
}

uint64_t try_to_free_pages(struct mmc *m, int preferred_nid, uint64_t gfp,
			   unsigned order, int highest_zoneidx,
			   struct mmc_result *res)
{
	(void)preferred_nid;
	(void)gfp;
	(void)order;
	(void)highest_zoneidx;
	(void)res;
	m->vm.direct_reclaims++;
	return 0;
}

void wakeup_kswapd(struct mmc *m, struct mmc_zone *z, uint64_t gfp,
		   unsigned order, int highest_zoneidx)
{
	struct mmc_node *n = &m->nodes[z->node];

	(void)gfp;
	if (!n->kswapd_awake) {
		n->kswapd_awake = true;
		m->vm.kswapd_wakes++;
	}
	if ((int)order > n->kswapd_order)
		n->kswapd_order = (int)order;
	if (highest_zoneidx > n->kswapd_highest_zoneidx)
		n->kswapd_highest_zoneidx = highest_zoneidx;
}

void kswapd_tick(struct mmc *m, uint64_t now_ns)
{
	(void)m;
	(void)now_ns;
}
