/* SPDX-License-Identifier: MIT */
/*
 * Invariant checks over mmcore's private state, shared by the mmcore
 * test suites.  mmc_check() returns NULL when every invariant holds, else
 * a message naming the first broken one.
 *
 *  - free blocks are aligned, every page of a block is FREE, heads carry
 *    the only order bits, no FREE page is outside a block (no overlap of
 *    free and allocated);
 *  - a buddy head is in its list's bitmap; bitmap population == nr_free
 *    per order and migratetype (per-order counts == free lists);
 *  - no two free buddies are left unmerged (unless the kernel's
 *    pageblock-type rule forbids merging them);
 *  - pcp lists hold exactly the PagePcp heads, counts agree;
 *  - free + allocated == managed, node class counters agree.
 */
#ifndef MMCORE_CHECK_H
#define MMCORE_CHECK_H

#include <stdio.h>
#include <string.h>
#include "../mmcore/internal.h"

static char mmc_check_msg[256];

#define CHECK_FAIL(...) do { \
	snprintf(mmc_check_msg, sizeof(mmc_check_msg), __VA_ARGS__); \
	return mmc_check_msg; } while (0)

static uint64_t popcount_list(const struct free_list *fl)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < fl->n0; i++)
		n += (uint64_t)__builtin_popcountll(fl->l0[i]);
	return n;
}

static bool list_has(const struct free_list *fl, uint32_t b)
{
	return fl->l0[b >> 6] & (1ull << (b & 63));
}

static const char *mmc_check_zone(const struct mmc *m, const struct mmc_zone *z,
				  uint64_t cls_count[NR_PAGE_CLASSES])
{
	uint64_t cnt[NR_PAGE_ORDERS][MIGRATE_TYPES];
	uint64_t free_buddy = 0, free_pcp = 0, allocated = 0;

	memset(cnt, 0, sizeof(cnt));
	for (uint32_t idx = 0; idx < z->nr_idx;) {
		pgstate_t s = z->page[idx];

		if (s & PG_ORDER_MASK) {
			unsigned o = free_order(s);
			int mt = free_mt(s);

			if (o > MAX_PAGE_ORDER || mt >= MIGRATE_TYPES)
				CHECK_FAIL("zone %d/%d idx %u: bad head order %u mt %d", z->node, z->type, idx, o, mt);
			if (idx & ((1u << o) - 1))
				CHECK_FAIL("zone %d/%d idx %u: order-%u block not aligned", z->node, z->type, idx, o);
			if (idx + (1u << o) > z->nr_idx)
				CHECK_FAIL("zone %d/%d idx %u: block past the zone", z->node, z->type, idx);
			for (uint32_t i = 0; i < (1u << o); i++) {
				pgstate_t t = z->page[idx + i];

				if (page_class(t) != MMC_PC_FREE)
					CHECK_FAIL("zone %d/%d idx %u: page %u of a free block has class %u", z->node, z->type, idx, idx + i, page_class(t));
				if (i && (t & (PG_ORDER_MASK | PG_PCP)))
					CHECK_FAIL("zone %d/%d idx %u: head bits inside a free block (overlap) at %u", z->node, z->type, idx, idx + i);
			}
			cls_count[MMC_PC_FREE] += 1u << o;
			if (s & PG_PCP) {
				free_pcp += 1u << o;
			} else {
				if (!list_has(&z->free_area[o].free_list[mt], idx >> o))
					CHECK_FAIL("zone %d/%d idx %u: buddy head missing from list o%u mt%d", z->node, z->type, idx, o, mt);
				cnt[o][mt]++;
				free_buddy += 1u << o;
				uint32_t buddy = idx ^ (1u << o);

				if (o < MAX_PAGE_ORDER && buddy < z->nr_idx &&
				    PageBuddy(z->page[buddy]) &&
				    free_order(z->page[buddy]) == o) {
					int bmt = free_mt(z->page[buddy]);
					bool mergeable = o < pageblock_order || bmt == mt ||
						(mt < MIGRATE_PCPTYPES && bmt < MIGRATE_PCPTYPES);
					if (mergeable)
						CHECK_FAIL("zone %d/%d: free buddies %u and %u of order %u unmerged", z->node, z->type, idx, buddy, o);
				}
			}
			idx += 1u << o;
			continue;
		}
		unsigned c = page_class(s);

		if (c == MMC_PC_FREE)
			CHECK_FAIL("zone %d/%d idx %u: FREE page outside any block", z->node, z->type, idx);
		if (c == MMC_PC_HOLE || c == MMC_PC_RESERVED) {
			cls_count[c]++;
		} else {
			allocated++;
			cls_count[c]++;
		}
		idx++;
	}
	uint64_t total = 0;

	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		uint64_t all = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			const struct free_list *fl = &z->free_area[o].free_list[mt];

			if (cnt[o][mt] != z->free_area[o].nr_free[mt])
				CHECK_FAIL("zone %d/%d: order %u mt %d: %llu heads, nr_free %llu", z->node, z->type, o, mt,
					   (unsigned long long)cnt[o][mt], (unsigned long long)z->free_area[o].nr_free[mt]);
			if (popcount_list(fl) != cnt[o][mt])
				CHECK_FAIL("zone %d/%d: order %u mt %d: list has %llu, heads %llu", z->node, z->type, o, mt,
					   (unsigned long long)popcount_list(fl), (unsigned long long)cnt[o][mt]);
			all += cnt[o][mt];
		}
		if (all != z->free_area[o].nr_free_all)
			CHECK_FAIL("zone %d/%d: order %u nr_free_all %llu != %llu", z->node, z->type, o,
				   (unsigned long long)z->free_area[o].nr_free_all, (unsigned long long)all);
		total += all << o;
	}
	if (total != z->nr_free || free_buddy != z->nr_free)
		CHECK_FAIL("zone %d/%d: nr_free %llu, blocks hold %llu", z->node, z->type,
			   (unsigned long long)z->nr_free, (unsigned long long)total);
	uint64_t hat = 0;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		hat += z->free_area[o].nr_free[MIGRATE_HIGHATOMIC] << o;
	if (hat != z->nr_free_highatomic)
		CHECK_FAIL("zone %d/%d: nr_free_highatomic %llu != %llu", z->node, z->type,
			   (unsigned long long)z->nr_free_highatomic, (unsigned long long)hat);
	/* pcp */
	uint64_t pcp_total = 0;
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		const struct per_cpu_pages *pcp = &z->pcp[c];
		uint64_t n = 0;

		for (int l = 0; l < NR_PCP_LISTS; l++) {
			const struct pcp_list *pl = &pcp->lists[l];

			for (uint32_t i = 0; i < pl->nr; i++) {
				uint32_t idx = pl->idx[(pl->head + i) & (pl->cap - 1)];
				pgstate_t s = z->page[idx];

				if (!PagePcp(s))
					CHECK_FAIL("zone %d/%d cpu %u list %d: idx %u not a pcp head", z->node, z->type, c, l, idx);
				if (order_to_pindex(free_mt(s), free_order(s)) != l)
					CHECK_FAIL("zone %d/%d cpu %u: idx %u on list %d, head says %d", z->node, z->type, c, idx, l,
						   order_to_pindex(free_mt(s), free_order(s)));
				n += 1u << free_order(s);
			}
		}
		if (n != pcp->count)
			CHECK_FAIL("zone %d/%d cpu %u: pcp count %u, lists hold %llu", z->node, z->type, c, pcp->count, (unsigned long long)n);
		pcp_total += n;
	}
	if (pcp_total != free_pcp || pcp_total != z->nr_free_pcp)
		CHECK_FAIL("zone %d/%d: pcp heads %llu, lists %llu, nr_free_pcp %llu", z->node, z->type,
			   (unsigned long long)free_pcp, (unsigned long long)pcp_total, (unsigned long long)z->nr_free_pcp);
	if ((int64_t)(free_buddy + free_pcp + allocated) !=
	    (int64_t)z->managed - z->managed_skew)
		CHECK_FAIL("zone %d/%d: free %llu + allocated %llu != managed %llu", z->node, z->type,
			   (unsigned long long)(free_buddy + free_pcp), (unsigned long long)allocated,
			   (unsigned long long)z->managed);
	return NULL;
}

/* The mixed-pageblock answers kept between samples (z->pb_mix) match a
 * fresh look at the pages: a page write that skipped pageblock_touch()
 * shows here once a test asked for zone stats in between. */
static const char *mmc_check_pb_mix(const struct mmc_zone *z)
{
	for (uint32_t b = 0; b < z->nr_idx >> pageblock_order; b++) {
		uint32_t idx = b << pageblock_order;
		int mix = z->pb_mix[b];

		if (mix != PB_MIX_DIRTY &&
		    mix != pageblock_mixed(z, idx, get_pageblock_migratetype(z, idx)))
			CHECK_FAIL("zone %d/%d: pageblock %u: kept mixed %d is stale",
				   z->node, z->type, b, mix);
	}
	return NULL;
}

/* The per-node counters (mmc_node_vmstat) sum to the totals. */
static const char *mmc_check_node_vmstat(const struct mmc *m)
{
	struct mmc_node_vmstat s;
	struct mmc_vmstat t;

	mmc_vmstat(m, &t);	/* the totals, some summed from ev[] */
	memset(&s, 0, sizeof(s));
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		const struct mmc_node_vmstat *v = &m->nodes[n].vm;

		s.pgalloc += v->pgalloc;
		s.pgalloc_remote += v->pgalloc_remote;
		s.alloc_fail += v->alloc_fail;
		s.direct_reclaims += v->direct_reclaims;
		s.direct_reclaimed += v->direct_reclaimed;
		s.compact_stalls += v->compact_stalls;
		s.compact_migrated += v->compact_migrated;
		s.node_reclaims += v->node_reclaims;
		s.node_reclaimed += v->node_reclaimed;
		s.kswapd_wakes += v->kswapd_wakes;
		s.kswapd_reclaimed += v->kswapd_reclaimed;
	}
#define SUM_OK(f) \
	if (s.f != t.f) \
		CHECK_FAIL("nodes' " #f " sum to %llu, the total is %llu", \
			   (unsigned long long)s.f, (unsigned long long)t.f)
	SUM_OK(pgalloc); SUM_OK(pgalloc_remote); SUM_OK(alloc_fail);
	SUM_OK(direct_reclaims); SUM_OK(direct_reclaimed);
	SUM_OK(compact_stalls); SUM_OK(compact_migrated);
	SUM_OK(node_reclaims); SUM_OK(node_reclaimed);
	SUM_OK(kswapd_wakes); SUM_OK(kswapd_reclaimed);
#undef SUM_OK
	return NULL;
}

static const char *mmc_check(const struct mmc *m)
{
	const char *e = mmc_check_node_vmstat(m);

	if (e)
		return e;
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		uint64_t cls[NR_PAGE_CLASSES];
		const struct mmc_node *node = &m->nodes[n];

		memset(cls, 0, sizeof(cls));
		for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
			const struct mmc_zone *z = &node->zones[t];

			if (!populated_zone(z))
				continue;
			const char *e = mmc_check_zone(m, z, cls);
			if (!e)
				e = mmc_check_pb_mix(z);
			if (e)
				return e;
		}
		for (int c = MMC_PC_FREE; c < NR_PAGE_CLASSES; c++)
			if (cls[c] != node->nr_class[c])
				CHECK_FAIL("node %u: class %d count %llu, pages say %llu", n, c,
					   (unsigned long long)node->nr_class[c], (unsigned long long)cls[c]);
	}
	return NULL;
}

#endif
