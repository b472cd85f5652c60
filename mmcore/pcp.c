/* SPDX-License-Identifier: MIT */
/*
 * Per-cpu page lists (struct per_cpu_pages): rmqueue_pcplist() with
 * rmqueue_bulk() refills, free_unref_page_commit() with
 * free_pcppages_bulk() drains, drain_all_pages(), and high/batch from
 * zone_batchsize()/zone_highsize() (mm/page_alloc.c, 6.7+).
 *
 * pcp->high is tuned as 6.7+ does: nr_pcp_alloc() raises it by a batch
 * per refill up to high_max (unless the zone is below its high mark) and
 * doubles refills (alloc_factor); nr_pcp_high() / nr_pcp_free() on the
 * free side; decay_pcp_high() once a second of trace time.
 * ZONE_RECLAIM_ACTIVE (set while kswapd is in balance_pgdat()) caps the
 * lists at four batches on the free side, as nr_pcp_high() does.
 * Simplified: pcp->high starts at high_min (the kernel starts at 0 and
 * clamps on the first free); the free_high rule for bursts of order 1-3
 * frees (which depends on the cpu cache size) is left out.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8

bool pcp_allowed_order(unsigned order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == HPAGE_PMD_ORDER;
}

int order_to_pindex(int migratetype, unsigned order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (migratetype == MIGRATE_MOVABLE);
	return MIGRATE_PCPTYPES * (int)order + migratetype;
}

static unsigned pindex_to_order(int pindex)
{
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return HPAGE_PMD_ORDER;
	return (unsigned)pindex / MIGRATE_PCPTYPES;
}

/* ---- the ring ---------------------------------------------------------- */

static int pcp_list_grow(struct pcp_list *l)
{
	uint32_t ncap = l->cap ? l->cap * 2 : 16;
	uint32_t *n = malloc((size_t)ncap * sizeof(*n));

	if (!n)
		return -1;
	for (uint32_t i = 0; i < l->nr; i++)
		n[i] = l->idx[(l->head + i) & (l->cap - 1)];
	free(l->idx);
	l->idx = n;
	l->head = 0;
	l->cap = ncap;
	return 0;
}

static int pcp_push_top(struct pcp_list *l, uint32_t idx)
{
	if (l->nr == l->cap && pcp_list_grow(l))
		return -1;
	l->idx[(l->head + l->nr) & (l->cap - 1)] = idx;
	l->nr++;
	return 0;
}

static uint32_t pcp_pop_top(struct pcp_list *l)
{
	l->nr--;
	return l->idx[(l->head + l->nr) & (l->cap - 1)];
}

static uint32_t pcp_pop_bottom(struct pcp_list *l)
{
	uint32_t v = l->idx[l->head];

	l->head = (l->head + 1) & (l->cap - 1);
	l->nr--;
	return v;
}

/* Remove a given block from a list (mirror mode); -1 if absent. */
static int pcp_remove(struct pcp_list *l, uint32_t idx)
{
	for (uint32_t i = 0; i < l->nr; i++) {
		uint32_t pos = (l->head + i) & (l->cap - 1);

		if (l->idx[pos] != idx)
			continue;
		for (uint32_t j = i; j + 1 < l->nr; j++)
			l->idx[(l->head + j) & (l->cap - 1)] =
				l->idx[(l->head + j + 1) & (l->cap - 1)];
		l->nr--;
		return 0;
	}
	return -1;
}

/* ---- setup ------------------------------------------------------------- */

/* zone_batchsize() */
static uint32_t zone_batchsize(const struct mmc_zone *z)
{
	uint64_t batch = z->managed >> 10;

	if (batch > (1u << 20) >> PAGE_SHIFT)
		batch = (1u << 20) >> PAGE_SHIFT;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	uint64_t p = 1;
	while (p * 2 <= batch)
		p *= 2;
	return (uint32_t)(p - 1);	/* rounddown_pow_of_two() - 1 */
}

/* zone_highsize(): cpu_online = 0 (not a hotplug event) */
static uint32_t zone_highsize(const struct mmc *m, const struct mmc_zone *z,
			      uint32_t batch, int high_fraction)
{
	uint64_t total = high_fraction ? z->managed / (uint64_t)high_fraction :
					 low_wmark_pages(z);
	uint32_t nr_split_cpus = m->nodes[z->node].nr_cpus;

	if (!nr_split_cpus)
		nr_split_cpus = m->nr_cpus;
	uint64_t high = total / nr_split_cpus;

	if (high < (uint64_t)batch << 2)
		high = (uint64_t)batch << 2;
	return (uint32_t)high;
}

/* zone_set_pageset_high_and_batch() */
void zone_pcp_update(struct mmc *m, struct mmc_zone *z)
{
	uint32_t batch = zone_batchsize(z);
	int frac = m->policy.percpu_pagelist_high_fraction;
	uint32_t high_min, high_max;

	if (batch < 1)
		batch = 1;
	if (frac) {
		high_min = zone_highsize(m, z, batch, frac);
		high_max = high_min;
	} else {
		high_min = zone_highsize(m, z, batch, 0);
		high_max = zone_highsize(m, z, batch,
					 MIN_PERCPU_PAGELIST_HIGH_FRACTION);
	}
	z->pcp_batch = batch;
	z->pcp_high = high_min;
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct per_cpu_pages *pcp = &z->pcp[c];

		pcp->batch = batch;
		if (pcp->high < high_min || pcp->high > high_max || !pcp->high)
			pcp->high = high_min;
		pcp->high_min = high_min;
		pcp->high_max = high_max;
	}
}

int pcp_init(struct mmc *m, struct mmc_zone *z)
{
	z->pcp = calloc(m->nr_cpus, sizeof(*z->pcp));
	return z->pcp ? 0 : -1;
}

void pcp_destroy(struct mmc *m, struct mmc_zone *z)
{
	if (!z->pcp)
		return;
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		for (int i = 0; i < NR_PCP_LISTS; i++)
			free(z->pcp[c].lists[i].idx);
	free(z->pcp);
	z->pcp = NULL;
}

/* ---- moving blocks between buddy and pcp -------------------------------- */

static void set_pcp_head(struct mmc_zone *z, uint32_t idx, unsigned order,
			 int mt)
{
	z->page[idx] = (pgstate_t)((MMC_PC_FREE << PG_CLASS_SHIFT) | PG_PCP |
				   ((unsigned)mt << PG_MT_SHIFT) | (order + 1));
	pageblock_touch(z, idx);
}

/* free_pcppages_bulk(): round robin over the lists, starting with pindex,
 * oldest blocks first, each freed to the buddy with its pageblock's type. */
static uint32_t free_pcppages_bulk(struct mmc *m, struct mmc_zone *z,
				   struct per_cpu_pages *pcp, int32_t count,
				   int pindex, struct mmc_result *res)
{
	uint32_t freed = 0;

	pindex--;
	while (count > 0 && pcp->count) {
		struct pcp_list *l;

		do {
			if (++pindex > NR_PCP_LISTS - 1)
				pindex = 0;
			l = &pcp->lists[pindex];
		} while (!l->nr);
		unsigned order = pindex_to_order(pindex);
		uint32_t nr = 1u << order;

		do {
			uint32_t idx = pcp_pop_bottom(l);
			int mt = get_pageblock_migratetype(z, idx);

			z->page[idx] = MMC_PC_FREE << PG_CLASS_SHIFT;
			pageblock_touch(z, idx);
			count -= (int32_t)nr;
			pcp->count -= nr;
			z->nr_free_pcp -= nr;
			freed += nr;
			unsigned merges = __free_one_page(m, z, idx, order, mt);
			if (res)
				res->merges += (uint16_t)merges;
		} while (count > 0 && l->nr);
	}
	return freed;
}

/* nr_pcp_alloc(): how many pages a refill takes; grows pcp->high */
static int32_t nr_pcp_alloc(struct per_cpu_pages *pcp,
			    const struct mmc_zone *z, unsigned order)
{
	int32_t high = (int32_t)pcp->high, base = (int32_t)pcp->batch, batch;

	if (high < base)		/* pcp disabled */
		return 1;
	batch = order ? base : base << pcp->alloc_factor;
	if (pcp->high_min != pcp->high_max && !z->below_high) {
		high += batch;
		if (high > (int32_t)pcp->high_max)
			high = (int32_t)pcp->high_max;
		pcp->high = (uint32_t)high;
	}
	if (!order) {
		int32_t max_nr = high - (int32_t)pcp->count - base;

		if (max_nr < base)
			max_nr = base;
		/* double the next refill while nothing is freed */
		if (batch <= max_nr && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		if (batch > max_nr)
			batch = max_nr;
	}
	if (batch > 1) {
		batch >>= order;
		if (batch < 2)
			batch = 2;
	}
	return batch;
}

/* nr_pcp_high(): the high to drain at, adjusting pcp->high */
static int32_t nr_pcp_high(struct per_cpu_pages *pcp,
			   const struct mmc_zone *z, int32_t batch)
{
	int32_t hmin = (int32_t)pcp->high_min, hmax = (int32_t)pcp->high_max;
	int32_t high = (int32_t)pcp->high;

	if (high < hmin)
		high = hmin;
	if (high > hmax)
		high = hmax;
	pcp->high = (uint32_t)high;
	if (!high)
		return 0;
	/* ZONE_RECLAIM_ACTIVE: while kswapd balances the node, frees keep
	 * only a few batches on the lists (the rest goes to the buddy
	 * allocator, where the watermarks see it) */
	if (z->reclaim_active) {
		int32_t fc = pcp->free_count > batch ? pcp->free_count : batch;
		int32_t nh = high - fc;

		pcp->high = (uint32_t)(nh > hmin ? nh : hmin);
		return batch << 2 < (int32_t)pcp->high ? batch << 2
						       : (int32_t)pcp->high;
	}
	if (hmin == hmax)
		return high;
	if (z->below_high) {
		int32_t fc = pcp->free_count > batch ? pcp->free_count : batch;
		int32_t nh = high - fc;

		pcp->high = (uint32_t)(nh > hmin ? nh : hmin);
		high = (int32_t)pcp->count > hmin ? (int32_t)pcp->count : hmin;
	} else if ((int32_t)pcp->count >= high) {
		int32_t need = pcp->free_count + batch;

		/* room for a batch of consecutive frees */
		if ((int32_t)pcp->high < need)
			pcp->high = (uint32_t)(need < hmin ? hmin :
					       need > hmax ? hmax : need);
	}
	return high;
}

/* nr_pcp_free(): pages a drain frees */
static int32_t nr_pcp_free(const struct per_cpu_pages *pcp, int32_t batch,
			   int32_t high)
{
	if (high < batch)
		return 1;
	int32_t lo = batch, hi = high - batch, n = pcp->free_count;

	if (hi < lo)
		hi = lo;
	return n < lo ? lo : n > hi ? hi : n;
}

uint32_t rmqueue_pcplist(struct mmc *m, struct mmc_zone *z, int cpu,
			 unsigned order, int migratetype, unsigned alloc_flags,
			 struct mmc_result *res)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	int pindex = order_to_pindex(migratetype, order);
	struct pcp_list *l = &pcp->lists[pindex];

	/* fewer pages are batch-freed after an allocation */
	pcp->free_count >>= 1;
	if (!l->nr) {
		int32_t batch = nr_pcp_alloc(pcp, z, order);
		/* rmqueue_bulk(): the first block taken ends on top */
		uint32_t got[2048];	/* batch <= 63 << PCP_BATCH_SCALE_MAX */
		int32_t n = 0;

		if (batch > 2048)
			batch = 2048;
		while (n < batch) {
			uint32_t idx = __rmqueue(m, z, order, migratetype,
						 alloc_flags, res);
			if (idx == NO_IDX)
				break;
			got[n++] = idx;
		}
		for (int32_t i = n - 1; i >= 0; i--) {
			if (pcp_push_top(l, got[i])) {
				/* no memory for the list: back to the buddy */
				__free_one_page(m, z, got[i], order,
						get_pageblock_migratetype(z, got[i]));
				continue;
			}
			set_pcp_head(z, got[i], order, migratetype);
			pcp->count += 1u << order;
			z->nr_free_pcp += 1u << order;
		}
		if (!l->nr)
			return NO_IDX;
		m->vm.pcp_refills++;
		if (res) {
			res->path |= MMC_PATH_PCP_REFILL;
			res->pcp_batch += (uint32_t)n << order;
		}
	} else {
		m->vm.pcp_hits++;
	}
	uint32_t idx = pcp_pop_top(l);

	if (l->nr) {
		/* The next allocation from this list takes the new top,
		 * unless a free comes first: start loading what taking it
		 * touches (its state, its reverse map entry), which is far
		 * larger than the caches. */
		uint32_t next = l->idx[(l->head + l->nr - 1) & (l->cap - 1)];

		__builtin_prefetch(&z->page[next]);
		mmc_prefetch_unmap(m, idx_to_pfn(z, next), 0);
	}
	z->page[idx] = MMC_PC_FREE << PG_CLASS_SHIFT;
	pageblock_touch(z, idx);
	pcp->count -= 1u << order;
	z->nr_free_pcp -= 1u << order;
	if (res)
		res->path |= MMC_PATH_PCP_HIT;
	return idx;
}

void free_unref_page(struct mmc *m, struct mmc_zone *z, int cpu,
		     uint32_t idx, unsigned order, int migratetype,
		     struct mmc_result *res)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	int pindex = order_to_pindex(migratetype, order);
	int32_t batch = (int32_t)pcp->batch;

	if (pcp_push_top(&pcp->lists[pindex], idx)) {
		__free_one_page(m, z, idx, order,
				get_pageblock_migratetype(z, idx));
		return;
	}
	/* free_unref_page_commit() */
	pcp->alloc_factor >>= 1;
	set_pcp_head(z, idx, order, migratetype);
	pcp->count += 1u << order;
	z->nr_free_pcp += 1u << order;
	if (pcp->free_count < (batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	int32_t high = nr_pcp_high(pcp, z, batch);

	if ((int32_t)pcp->count < high)
		return;
	uint32_t freed = free_pcppages_bulk(m, z, pcp,
					    nr_pcp_free(pcp, batch, high),
					    pindex, res);
	if (z->below_high &&
	    zone_watermark_ok(z, 0, high_wmark_pages(z), MMC_ZONE_MOVABLE, 0))
		z->below_high = false;
	m->vm.pcp_drains++;
	if (res) {
		res->path |= MMC_PATH_PCP_DRAIN;
		res->pcp_batch += freed;
	}
}

/* decay_pcp_high(): let idle pcp pages go back, a step at a time */
static void decay_pcp_high(struct mmc *m, struct mmc_zone *z,
			   struct per_cpu_pages *pcp)
{
	int64_t hmin = pcp->high_min;

	if (pcp->high > pcp->high_min) {
		int64_t a = (int64_t)pcp->count -
			    ((int64_t)pcp->batch << PCP_BATCH_SCALE_MAX);
		int64_t b = (int64_t)pcp->high - (pcp->high >> 3);
		int64_t h = a > b ? a : b;

		pcp->high = (uint32_t)(h > hmin ? h : hmin);
	}
	int64_t to_drain = (int64_t)pcp->count - (int64_t)pcp->high;

	if (to_drain > 0)
		free_pcppages_bulk(m, z, pcp, (int32_t)to_drain, 0, NULL);
}

void decay_all_pcp_high(struct mmc *m)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		struct mmc_zone *z = m->zones[i];

		for (uint32_t c = 0; c < m->nr_cpus; c++)
			decay_pcp_high(m, z, &z->pcp[c]);
	}
}

void drain_local_pages(struct mmc *m, struct mmc_zone *z, int cpu)
{
	if (cpu < 0 || (uint32_t)cpu >= m->nr_cpus)
		return;
	struct per_cpu_pages *pcp = &z->pcp[cpu];

	if (pcp->count)
		free_pcppages_bulk(m, z, pcp, (int32_t)pcp->count, 0, NULL);
}

void drain_zone_pages(struct mmc *m, struct mmc_zone *z)
{
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct per_cpu_pages *pcp = &z->pcp[c];

		if (pcp->count)
			free_pcppages_bulk(m, z, pcp, (int32_t)pcp->count, 0,
					   NULL);
	}
}

void drain_all_pages(struct mmc *m, struct mmc_zone *z_or_null)
{
	if (z_or_null) {
		drain_zone_pages(m, z_or_null);
		return;
	}
	for (uint32_t i = 0; i < m->nr_zones; i++)
		drain_zone_pages(m, m->zones[i]);
}

/* Take one given pcp block off its list (mirror mode).  -1 if absent. */
int pcp_take_block(struct mmc *m, struct mmc_zone *z, uint32_t idx)
{
	pgstate_t s = z->page[idx];

	if (!PagePcp(s))
		return -1;
	unsigned order = free_order(s);
	int pindex = order_to_pindex(free_mt(s), order);

	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct per_cpu_pages *pcp = &z->pcp[c];

		if (pcp_remove(&pcp->lists[pindex], idx))
			continue;
		pcp->count -= 1u << order;
		z->nr_free_pcp -= 1u << order;
		z->page[idx] = MMC_PC_FREE << PG_CLASS_SHIFT;
		pageblock_touch(z, idx);
		return 0;
	}
	return -1;
}

void pcp_seed_page(struct mmc *m, struct mmc_zone *z, int cpu, uint32_t idx,
		   unsigned order, int mt)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];

	if (pcp_push_top(&pcp->lists[order_to_pindex(mt, order)], idx)) {
		__free_one_page(m, z, idx, order,
				get_pageblock_migratetype(z, idx));
		return;
	}
	set_pcp_head(z, idx, order, mt);
	pcp->count += 1u << order;
	z->nr_free_pcp += 1u << order;
	/* the kernel drains a list above its high mark: it was at least
	 * this high when the snapshot saw the pages */
	if (pcp->high < pcp->count)
		pcp->high = pcp->count < pcp->high_max ? pcp->count
						       : pcp->high_max;
}

void mmc_drain_all(struct mmc *m)
{
	drain_all_pages(m, NULL);
}
