/* SPDX-License-Identifier: MIT */
/*
 * compaction.c: migrate and free scanners, compaction_suitable, direct and
 * proactive compaction.  Owned by the reclaim helper.  This is the
 * compiling STUB the mmcore helper landed: compaction never runs.
 */
#include "internal.h"

int compaction_init(struct mmc *m)
{
	(void)m;
	return 0;
}

void compaction_destroy(struct mmc *m)
{
	(void)m;
}

bool compaction_suitable(struct mmc *m, struct mmc_zone *z, unsigned order,
			 int highest_zoneidx)
{
	(void)m;
	(void)z;
	(void)order;
	(void)highest_zoneidx;
	return false;
}

enum compact_result try_to_compact_pages(struct mmc *m, uint64_t gfp,
					 unsigned order,
					 unsigned alloc_flags,
					 int preferred_nid,
					 int highest_zoneidx,
					 enum compact_priority prio,
					 struct mmc_result *res)
{
	(void)gfp;
	(void)order;
	(void)alloc_flags;
	(void)preferred_nid;
	(void)highest_zoneidx;
	(void)prio;
	(void)res;
	m->vm.compact_stalls++;
	m->vm.compact_fail++;
	return COMPACT_SKIPPED;
}

void compaction_tick(struct mmc *m, uint64_t now_ns)
{
	(void)m;
	(void)now_ns;
}
