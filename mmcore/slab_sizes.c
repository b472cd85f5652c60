/* SPDX-License-Identifier: MIT */
/*
 * SLUB geometry and kmalloc size classes, as mm/slub.c and
 * mm/slab_common.c of 6.8+ compute them.  Pure: no model state, so the
 * sizing tests need nothing else of mmcore.
 */
#include <stdint.h>
#include <string.h>

#include "mmcore.h"
#include "slab_sizes.h"

/* x86-64 constants of the kernel this model follows. */
#define SLAB_PAGE_SHIFT		12
#define SLAB_PAGE_SIZE		(1u << SLAB_PAGE_SHIFT)
#define SLUB_MAX_ORDER		3	/* PAGE_ALLOC_COSTLY_ORDER */
#define MAX_OBJS_PER_PAGE	32767	/* slab->objects is 15 bits */
#define CACHE_LINE_SIZE		64	/* cache_line_size() */
#define ARCH_SLAB_MINALIGN	8	/* __alignof__(unsigned long long) */
#define ARCH_KMALLOC_MINALIGN	8
#define WORD_SIZE		8	/* sizeof(void *) */
#define MIN_PARTIAL		5
#define MAX_PARTIAL		10

static uint32_t align_up(uint32_t x, uint32_t a)
{
	return (x + a - 1) / a * a;
}

static unsigned fls32(uint32_t x)
{
	return x ? 32 - (unsigned)__builtin_clz(x) : 0;
}

static unsigned ilog2_32(uint32_t x)
{
	return x ? fls32(x) - 1 : 0;
}

/* get_order(): smallest order with (PAGE_SIZE << order) >= size. */
static unsigned get_order(uint64_t size)
{
	unsigned order = 0;

	while (((uint64_t)SLAB_PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* order_objects() */
static uint32_t order_objects(unsigned order, uint32_t size)
{
	return (uint32_t)(((uint64_t)SLAB_PAGE_SIZE << order) / size);
}

/* calc_slab_order(): the smallest order in [min_order, max_order] whose
 * leftover is at most 1/fract_leftover of the slab; max_order + 1 when
 * none is. */
static unsigned calc_slab_order(uint32_t size, unsigned min_order,
				unsigned max_order, unsigned fract_leftover)
{
	unsigned order;

	for (order = min_order; order <= max_order; order++) {
		uint32_t slab_size = SLAB_PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/* calculate_order() of 6.8+ (mm/slub.c).  nr_cpus is num_present_cpus();
 * the kernel falls back to nr_cpu_ids when that is 1, which the caller
 * passes in the same way.  slub_min_objects/slub_min_order/slub_max_order
 * are at their defaults (no boot parameters).  -1 when no order fits. */
static int calculate_order(uint32_t size, uint32_t nr_cpus)
{
	uint32_t min_objects, max_objects;
	unsigned min_order, order;

	min_objects = 4 * (fls32(nr_cpus) + 1);
	max_objects = order_objects(SLUB_MAX_ORDER, size);
	if (max_objects < 1)
		max_objects = 1;
	if (min_objects > max_objects)
		min_objects = max_objects;

	/* max(slub_min_order, ...): slub_min_order is 0 by default */
	min_order = get_order((uint64_t)min_objects * size);
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((uint64_t)size * MAX_OBJS_PER_PAGE) - 1;

	/* Accept at most 1/16 waste first, then back off to 1/8, 1/4, 1/2. */
	for (unsigned fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order, SLUB_MAX_ORDER,
					fraction);
		if (order <= SLUB_MAX_ORDER)
			return (int)order;
	}
	order = get_order(size);
	if (order <= MMC_MAX_ORDER)
		return (int)order;
	return -1;
}

/* calculate_alignment() of mm/slab_common.c. */
static uint32_t calculate_alignment(uint32_t flags, uint32_t align,
				    uint32_t size)
{
	if (flags & MMC_SLAB_HWCACHE_ALIGN) {
		uint32_t ralign = CACHE_LINE_SIZE;

		while (size <= ralign / 2)
			ralign /= 2;
		if (align < ralign)
			align = ralign;
	}
	if (align < ARCH_SLAB_MINALIGN)
		align = ARCH_SLAB_MINALIGN;
	return align_up(align, WORD_SIZE);
}

/*
 * calculate_sizes() for a cache without debug flags (no red zone, no
 * store_user, no KASAN: none are on by default).  The free pointer sits
 * inside the object unless the cache has a ctor, is TYPESAFE_BY_RCU
 * without a freeptr_offset, or poisons (MMC_SLAB_FREEPTR_OUTSIDE); then it
 * takes a word after the object.  Then set_cpu_partial() and
 * set_min_partial() as kmem_cache_open() does.
 */
int slab_calc_flags(uint32_t object_size, uint32_t align, uint32_t flags,
		    uint32_t nr_cpus, struct slab_geometry *g)
{
	uint32_t size;
	int order;

	/* nothing larger than a MAX_PAGE_ORDER slab: the roundings below
	 * are 32-bit and would wrap to 0 */
	if (object_size == 0 || (align & (align - 1)) != 0 || nr_cpus == 0 ||
	    object_size > ((uint32_t)SLAB_PAGE_SIZE << MMC_MAX_ORDER) ||
	    align > ((uint32_t)SLAB_PAGE_SIZE << MMC_MAX_ORDER))
		return -1;
	memset(g, 0, sizeof(*g));
	g->object_size = object_size;
	g->align = calculate_alignment(flags, align, object_size);
	size = align_up(object_size, WORD_SIZE);
	if (flags & MMC_SLAB_FREEPTR_OUTSIDE)
		size += WORD_SIZE;
	size = align_up(size, g->align);
	if (size > ((uint32_t)SLAB_PAGE_SIZE << MMC_MAX_ORDER))
		return -1;
	order = calculate_order(size, nr_cpus);
	if (order < 0)
		return -1;
	g->size = size;
	g->order = (uint32_t)order;
	g->objects = order_objects(g->order, size);
	g->min_order = get_order(size);
	g->min_objects = order_objects(g->min_order, size);
	if (g->objects == 0)
		return -1;

	/* set_cpu_partial(): objects kept on a cpu's partial list, limited
	 * as slabs assumed half full (slub_set_cpu_partial). */
	if (size >= SLAB_PAGE_SIZE)
		g->cpu_partial = 6;
	else if (size >= 1024)
		g->cpu_partial = 24;
	else if (size >= 256)
		g->cpu_partial = 52;
	else
		g->cpu_partial = 120;
	g->cpu_partial_slabs = (g->cpu_partial * 2 + g->objects - 1) /
			       g->objects;

	/* set_min_partial(s, ilog2(s->size) / 2), clamped to [5, 10]. */
	g->min_partial = ilog2_32(size) / 2;
	if (g->min_partial > MAX_PARTIAL)
		g->min_partial = MAX_PARTIAL;
	if (g->min_partial < MIN_PARTIAL)
		g->min_partial = MIN_PARTIAL;

	g->allocflags = MMC___GFP_COMP;
	if (flags & MMC_SLAB_CACHE_DMA)
		g->allocflags |= MMC___GFP_DMA;
	if (flags & MMC_SLAB_CACHE_DMA32)
		g->allocflags |= MMC___GFP_DMA32;
	if (flags & MMC_SLAB_RECLAIM_ACCOUNT)
		g->allocflags |= MMC___GFP_RECLAIMABLE;
	return 0;
}

int mmc_slab_calc(uint32_t size, uint32_t align, uint32_t nr_cpus,
		  struct mmc_slab_info *out)
{
	struct slab_geometry g;

	if (slab_calc_flags(size, align, 0, nr_cpus, &g) < 0)
		return -1;
	out->object_size = g.object_size;
	out->size = g.size;
	out->objs_per_slab = g.objects;
	out->order = g.order;
	return 0;
}

/* ---- kmalloc size classes -------------------------------------------- */

/* kmalloc_info[] of mm/slab_common.c with KMALLOC_MIN_SIZE 8 and
 * KMALLOC_SHIFT_HIGH = PAGE_SHIFT + 1: index -> object size. */
static const uint32_t kmalloc_sizes[KMALLOC_NR_INDEX] = {
	0, 96, 192, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192,
};
static const char *const kmalloc_names[KMALLOC_NR_INDEX] = {
	NULL, "96", "192", "8", "16", "32", "64", "128", "256", "512", "1k",
	"2k", "4k", "8k",
};

/* size_index[] of mm/slab_common.c: (size - 1) / 8 -> index, sizes
 * up to 192. */
static const uint8_t size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,	/* 8 16 24 32 40 48 56 64 */
	1, 1, 1, 1,		/* 72 80 88 96 */
	7, 7, 7, 7,		/* 104 112 120 128 */
	2, 2, 2, 2, 2, 2, 2, 2,	/* 136 .. 192 */
};

/* kmalloc_size_index(): 0 for size 0 (ZERO_SIZE_PTR, no object), -1
 * above KMALLOC_MAX_CACHE_SIZE (kmalloc_large). */
int kmalloc_index_of(uint32_t size)
{
	if (size == 0)
		return 0;
	if (size <= 192)
		return size_index[(size - 1) / 8];
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return -1;
	return (int)fls32(size - 1);
}

uint32_t kmalloc_index_size(int index)
{
	if (index < KMALLOC_MIN_INDEX_SPECIAL || index >= KMALLOC_NR_INDEX)
		return 0;
	return kmalloc_sizes[index];
}

/* kmalloc_type(): DMA wins, then RECLAIMABLE, then ACCOUNT (CONFIG_MEMCG
 * is on in the kernels this follows). */
int kmalloc_type_of(uint64_t gfp)
{
	if (gfp & MMC___GFP_DMA)
		return KMALLOC_DMA;
	if (gfp & MMC___GFP_RECLAIMABLE)
		return KMALLOC_RECLAIM;
	if (gfp & MMC___GFP_ACCOUNT)
		return KMALLOC_CGROUP;
	return KMALLOC_NORMAL;
}

/* Cache name as the kernel spells it: kmalloc-96, kmalloc-rcl-1k,
 * kmalloc-cg-8, dma-kmalloc-2k. */
void kmalloc_cache_name(int type, int index, char *buf, size_t len)
{
	static const char *const prefix[KMALLOC_NR_TYPES] = {
		"kmalloc-", "kmalloc-rcl-", "kmalloc-cg-", "dma-kmalloc-",
	};
	const char *sz = (index > 0 && index < KMALLOC_NR_INDEX)
			 ? kmalloc_names[index] : "?";
	size_t n = 0;

	if (len == 0)
		return;
	for (const char *p = prefix[type]; *p && n + 1 < len; p++)
		buf[n++] = *p;
	for (const char *p = sz; *p && n + 1 < len; p++)
		buf[n++] = *p;
	buf[n] = '\0';
}

/* The flags create_kmalloc_cache() gives a cache of this type; the
 * alignment is the largest power of two dividing the size
 * (create_boot_cache with SLAB_KMALLOC). */
uint32_t kmalloc_cache_flags(int type)
{
	switch (type) {
	case KMALLOC_RECLAIM:
		return MMC_SLAB_RECLAIM_ACCOUNT | MMC_SLAB_KMALLOC;
	case KMALLOC_DMA:
		return MMC_SLAB_CACHE_DMA | MMC_SLAB_KMALLOC;
	default:
		return MMC_SLAB_KMALLOC;
	}
}

uint32_t kmalloc_cache_align(uint32_t size)
{
	uint32_t align = size & -size;

	return align < ARCH_KMALLOC_MINALIGN ? ARCH_KMALLOC_MINALIGN : align;
}


/* kmalloc_large(): get_order(size) pages. */
unsigned kmalloc_large_order(uint32_t size)
{
	return get_order(size);
}
