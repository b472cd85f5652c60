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
unsigned kmalloc_large_order(uint32_t size);

#endif
