/* SPDX-License-Identifier: MIT */
/*
 * Private to mmcore: SLUB geometry (calculate_sizes/calculate_order) and
 * the kmalloc size classes, shared by slab.c and its tests through
 * mmc_slab_calc().  No model state here.
 */
#ifndef MMCORE_SLAB_SIZES_H
#define MMCORE_SLAB_SIZES_H

#include <stddef.h>
#include <stdint.h>

/* Canonical gfp bit numbers (enum mmt_gfp_canon of include/mmtrace/trace.h,
 * which mmcore does not include). */
enum {
	MMC_GFPB_DMA = 0, MMC_GFPB_HIGHMEM = 1, MMC_GFPB_DMA32 = 2,
	MMC_GFPB_MOVABLE = 3, MMC_GFPB_RECLAIMABLE = 4, MMC_GFPB_HIGH = 5,
	MMC_GFPB_IO = 6, MMC_GFPB_FS = 7, MMC_GFPB_ZERO = 8,
	MMC_GFPB_DIRECT_RECLAIM = 10, MMC_GFPB_KSWAPD_RECLAIM = 11,
	MMC_GFPB_WRITE = 12, MMC_GFPB_NOWARN = 13, MMC_GFPB_RETRY_MAYFAIL = 14,
	MMC_GFPB_NOFAIL = 15, MMC_GFPB_NORETRY = 16, MMC_GFPB_MEMALLOC = 17,
	MMC_GFPB_COMP = 18, MMC_GFPB_NOMEMALLOC = 19, MMC_GFPB_HARDWALL = 20,
	MMC_GFPB_THISNODE = 21, MMC_GFPB_ACCOUNT = 22,
};

/* What kmem_cache_open() derives from size, align and flags. */
struct slab_geometry {
	uint32_t object_size, size, align;
	uint32_t order, objects;	/* s->oo */
	uint32_t min_order, min_objects;	/* s->min: allocate_slab fallback */
	uint32_t cpu_partial, cpu_partial_slabs, min_partial;
	uint64_t allocflags;		/* s->allocflags: __GFP_COMP | ... */
};

int slab_calc_flags(uint32_t object_size, uint32_t align, uint32_t flags,
		    uint32_t nr_cpus, struct slab_geometry *g);

/* kmalloc: index as kmalloc_index() (1 = 96, 2 = 192, 3..13 = 8..8k). */
#define KMALLOC_MAX_CACHE_SIZE	8192u	/* 1 << (PAGE_SHIFT + 1) */
#define KMALLOC_NR_INDEX	14
#define KMALLOC_MIN_INDEX_SPECIAL 1
enum kmalloc_cache_type { KMALLOC_NORMAL, KMALLOC_RECLAIM, KMALLOC_CGROUP,
			  KMALLOC_DMA, KMALLOC_NR_TYPES };

int kmalloc_index_of(uint32_t size);
uint32_t kmalloc_index_size(int index);
int kmalloc_type_of(uint64_t gfp);
void kmalloc_cache_name(int type, int index, char *buf, size_t len);
uint32_t kmalloc_cache_flags(int type);
uint32_t kmalloc_cache_align(uint32_t size);

#endif
