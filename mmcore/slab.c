/* SPDX-License-Identifier: MIT */
/*
 * slab.c: SLUB caches, kmalloc size classes, large kmalloc.  Owned by the
 * slab helper.  This is the compiling STUB the mmcore helper landed:
 * every entry fails.  mmc_slab_calc() is in slab_sizes.c.
 */
#include "internal.h"

int slab_init(struct mmc *m)
{
	(void)m;
	return 0;
}

void slab_destroy(struct mmc *m)
{
	(void)m;
}

int mmc_kmem_cache_create(struct mmc *m, const char *name, uint32_t size,
			  uint32_t align, uint32_t flags)
{
	(void)m;
	(void)name;
	(void)size;
	(void)align;
	(void)flags;
	return -1;
}

int mmc_kmalloc_cache(struct mmc *m, uint32_t size, uint64_t gfp)
{
	(void)m;
	(void)size;
	(void)gfp;
	return -1;
}

int mmc_kmem_cache_info(const struct mmc *m, int cache,
			struct mmc_slab_info *out)
{
	(void)m;
	(void)cache;
	(void)out;
	return -1;
}

int mmc_slab_alloc(struct mmc *m, int cache, uint64_t gfp, int cpu,
		   uint64_t *obj_pfn, uint32_t *obj_off, struct mmc_result *res)
{
	(void)m;
	(void)cache;
	(void)gfp;
	(void)cpu;
	(void)res;
	*obj_pfn = NO_PFN;
	*obj_off = 0;
	return -1;
}

int mmc_slab_free(struct mmc *m, int cache, uint64_t obj_pfn, uint32_t obj_off,
		  int cpu, struct mmc_result *res)
{
	(void)m;
	(void)cache;
	(void)obj_pfn;
	(void)obj_off;
	(void)cpu;
	(void)res;
	return -1;
}
