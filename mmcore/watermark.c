/* SPDX-License-Identifier: MIT */
/*
 * Watermarks and reserves (mm/page_alloc.c): __setup_per_zone_wmarks(),
 * calculate_min_free_kbytes() with khugepaged's
 * set_recommended_min_free_kbytes(), setup_per_zone_lowmem_reserve(),
 * __zone_watermark_ok(), zone_watermark_fast(); and the gfp mapping of
 * include/linux/gfp.h: gfp_zone(), gfp_migratetype(), gfp_to_alloc_flags().
 */
#include "internal.h"

#define SWAP_CLUSTER_MAX 32

static bool zone_is_lowmem(const struct mmc_zone *z)
{
	/* !is_highmem(zone) && zone_idx(zone) != ZONE_MOVABLE */
	return z->type != MMC_ZONE_MOVABLE;
}

/* mult_frac(x, n, d) without overflow */
static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

/* __setup_per_zone_wmarks() */
void setup_per_zone_wmarks(struct mmc *m)
{
	uint64_t pages_min = (uint64_t)m->min_free_kbytes >> (PAGE_SHIFT - 10);
	uint64_t lowmem_pages = 0;

	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (zone_is_lowmem(m->zones[i]))
			lowmem_pages += m->zones[i]->managed;
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		struct mmc_zone *z = m->zones[i];
		uint64_t tmp = lowmem_pages ?
			pages_min * z->managed / lowmem_pages : 0;

		if (!zone_is_lowmem(z)) {
			uint64_t min_pages = z->managed / 1024;

			if (min_pages < SWAP_CLUSTER_MAX)
				min_pages = SWAP_CLUSTER_MAX;
			if (min_pages > 128)
				min_pages = 128;
			z->_watermark[WMARK_MIN] = min_pages;
		} else {
			z->_watermark[WMARK_MIN] = tmp;
		}
		uint64_t gap = mult_frac(z->managed,
			(uint64_t)m->policy.watermark_scale_factor, 10000);
		if (gap < tmp >> 2)
			gap = tmp >> 2;
		z->watermark_boost = 0;
		z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + gap;
		z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_LOW] + gap;
		z->_watermark[WMARK_PROMO] = z->_watermark[WMARK_HIGH] + gap;
	}
}

/* setup_per_zone_lowmem_reserve() */
void setup_per_zone_lowmem_reserve(struct mmc *m)
{
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++) {
		struct mmc_node *n = &m->nodes[nid];

		for (int i = 0; i < MMC_NR_ZONE_TYPES; i++) {
			struct mmc_zone *z = &n->zones[i];
			int ratio = m->policy.lowmem_reserve_ratio[i];
			bool clear = ratio <= 0 || !z->managed;
			uint64_t managed = 0;

			for (int j = 0; j <= i; j++)
				z->lowmem_reserve[j] = 0;
			for (int j = i + 1; j < MMC_NR_ZONE_TYPES; j++) {
				managed += n->zones[j].managed;
				z->lowmem_reserve[j] = clear ? 0 :
					managed / (uint64_t)ratio;
			}
		}
	}
}

static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* nr_free_buffer_pages(): managed above the high mark in zones GFP_USER
 * may use (DMA..Normal). */
static uint64_t nr_free_buffer_pages(const struct mmc *m)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct mmc_zone *z = m->zones[i];

		if (z->type > MMC_ZONE_NORMAL)
			continue;
		if (z->managed > high_wmark_pages(z))
			sum += z->managed - high_wmark_pages(z);
	}
	return sum;
}

/* calculate_min_free_kbytes() at boot (watermarks still zero), then, with
 * THP enabled, khugepaged's set_recommended_min_free_kbytes(). */
int calculate_min_free_kbytes(const struct mmc *m)
{
	uint64_t lowmem_kbytes = 0;

	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (m->zones[i]->type <= MMC_ZONE_NORMAL)
			lowmem_kbytes += m->zones[i]->managed << (PAGE_SHIFT - 10);
	uint64_t v = int_sqrt(lowmem_kbytes * 16);

	if (v < 128)
		v = 128;
	if (v > 262144)
		v = 262144;
	return (int)v;
}

int thp_recommended_min_free_kbytes(struct mmc *m, int base)
{
	uint64_t nr_zones = 0;

	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (m->zones[i]->type <= MMC_ZONE_NORMAL)
			nr_zones++;
	uint64_t rec = pageblock_nr_pages * nr_zones * 2 +
		pageblock_nr_pages * nr_zones * MIGRATE_PCPTYPES *
		MIGRATE_PCPTYPES;
	/* the 5% cap is taken against the marks of the boot value */
	m->min_free_kbytes = base;
	setup_per_zone_wmarks(m);
	uint64_t cap = nr_free_buffer_pages(m) / 20;

	if (rec > cap)
		rec = cap;
	rec <<= PAGE_SHIFT - 10;
	return rec > (uint64_t)base ? (int)rec : base;
}

/* __zone_watermark_unusable_free() (6.12+: the free highatomic pages) */
static int64_t zone_watermark_unusable_free(const struct mmc_zone *z,
					    unsigned order,
					    unsigned alloc_flags)
{
	int64_t unusable = (1 << order) - 1;

	if (!(alloc_flags & ALLOC_RESERVES))
		unusable += (int64_t)z->nr_free_highatomic;
	return unusable;
}

bool __zone_watermark_ok(const struct mmc_zone *z, unsigned order,
			 uint64_t mark, int highest_zoneidx,
			 unsigned alloc_flags, int64_t free_pages)
{
	int64_t min = (int64_t)mark;

	free_pages -= zone_watermark_unusable_free(z, order, alloc_flags);
	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + (int64_t)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		const struct free_area *area = &z->free_area[o];

		if (!area->nr_free_all)
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (area->nr_free[mt])
				return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    area->nr_free[MIGRATE_HIGHATOMIC])
			return true;
	}
	return false;
}

/* NR_FREE_PAGES, with ALLOC_RECLAIMED what reclaim has not freed yet */
static int64_t zone_free_for(const struct mmc_zone *z, unsigned alloc_flags)
{
	uint64_t free = z->nr_free;

	if (alloc_flags & ALLOC_RECLAIMED)
		free += z->nr_kswapd_inflight;
	return (int64_t)free;
}

bool zone_watermark_ok(const struct mmc_zone *z, unsigned order,
		       uint64_t mark, int highest_zoneidx,
		       unsigned alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx,
				   alloc_flags, zone_free_for(z, alloc_flags));
}

uint64_t zone_free_pages_blocks(const struct mmc_zone *z)
{
	uint64_t pages = 0;

	for (unsigned o = pageblock_order; o < NR_PAGE_ORDERS; o++) {
		const struct free_area *a = &z->free_area[o];

		pages += (a->nr_free_all - a->nr_free[MIGRATE_ISOLATE]) << o;
	}
	return pages;
}

bool zone_watermark_fast(const struct mmc_zone *z, unsigned order,
			 uint64_t mark, int highest_zoneidx,
			 unsigned alloc_flags, uint64_t gfp)
{
	int64_t free_pages = zone_free_for(z, alloc_flags);

	(void)gfp;
	if (!order) {
		int64_t reserved = zone_watermark_unusable_free(z, 0,
								alloc_flags);
		int64_t usable = free_pages - (reserved < free_pages ?
					       reserved : free_pages);

		if (usable > (int64_t)(mark + z->lowmem_reserve[highest_zoneidx]))
			return true;
	}
	if (__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				free_pages))
		return true;
	/* order-0 __GFP_HIGH at the min mark ignores the boost */
	if (!order && (alloc_flags & ALLOC_MIN_RESERVE) && z->watermark_boost &&
	    (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN)
		return __zone_watermark_ok(z, order, z->_watermark[WMARK_MIN],
					   highest_zoneidx, alloc_flags,
					   free_pages);
	return false;
}

/* gfp_zone(): GFP_ZONE_TABLE on x86-64 (no HIGHMEM: HIGHMEM alone is
 * Normal, HIGHMEM|MOVABLE is Movable).  Invalid combinations (the
 * kernel's GFP_ZONE_BAD) are taken as Normal. */
int gfp_zone(uint64_t gfp)
{
	bool dma = gfp & MMC___GFP_DMA, dma32 = gfp & MMC___GFP_DMA32;
	bool high = gfp & MMC___GFP_HIGHMEM, mov = gfp & MMC___GFP_MOVABLE;

	if (dma + dma32 + high > 1)
		return MMC_ZONE_NORMAL;
	if (dma)
		return MMC_ZONE_DMA;
	if (dma32)
		return MMC_ZONE_DMA32;
	if (high && mov)
		return MMC_ZONE_MOVABLE;
	return MMC_ZONE_NORMAL;
}

/* gfp_migratetype(): (gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT */
int gfp_migratetype(uint64_t gfp)
{
	if (gfp & MMC___GFP_MOVABLE)
		return MIGRATE_MOVABLE;
	if (gfp & MMC___GFP_RECLAIMABLE)
		return MIGRATE_RECLAIMABLE;
	return MIGRATE_UNMOVABLE;
}

bool gfpflags_allow_blocking(uint64_t gfp)
{
	return gfp & MMC___GFP_DIRECT_RECLAIM;
}

/* gfp_to_alloc_flags() of 6.6+ (no rt task boost, no CMA) */
unsigned gfp_to_alloc_flags(uint64_t gfp, unsigned order)
{
	unsigned f = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	if (gfp & MMC___GFP_HIGH)
		f |= ALLOC_MIN_RESERVE;
	if (gfp & MMC___GFP_KSWAPD_RECLAIM)
		f |= ALLOC_KSWAPD;
	if (!(gfp & MMC___GFP_DIRECT_RECLAIM)) {
		if (!(gfp & MMC___GFP_NOMEMALLOC)) {
			f |= ALLOC_NON_BLOCK;
			if (order > 0)
				f |= ALLOC_HIGHATOMIC;
		}
		if (f & ALLOC_MIN_RESERVE)
			f &= ~ALLOC_CPUSET;
	}
	return f;
}
