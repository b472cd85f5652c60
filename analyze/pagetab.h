/* SPDX-License-Identifier: MIT */
/*
 * Private to analyze/: live pages by pfn.  The allocator hands out
 * neighbouring pfns in a row (a per-cpu list refilled from one buddy
 * block), so 16 neighbouring pfns share one slot of an open-addressing
 * table: a run of allocations and their frees touch one slot's cache
 * lines instead of missing once per page (half of `mmtrace stat`'s time
 * went into those misses with a slot per pfn).  Linear probing,
 * backward-shift deletion of emptied groups, load at most 1/2.
 */
#ifndef MMTRACE_ANALYZE_PAGETAB_H
#define MMTRACE_ANALYZE_PAGETAB_H

#include <stdint.h>
#include "table.h"

#define PT_SHIFT 4
#define PT_GROUP (1u << PT_SHIFT)

struct pt_slot {
	uint64_t group;			/* pfn >> PT_SHIFT, TAB_EMPTY when free */
	uint32_t used;			/* bit i: pfn group * 16 + i is live */
	uint32_t pad;
	uint64_t val[PT_GROUP];
};

struct pagetab {
	struct pt_slot *slot;
	uint64_t mask;			/* capacity - 1 */
	uint64_t groups, nr;		/* slots used, live pages */
	int oom;
};

void pt_init(struct pagetab *t);
void pt_free(struct pagetab *t);
/* Inserts or replaces pfn's value.  0, or -1 when out of memory. */
int pt_put(struct pagetab *t, uint64_t pfn, uint64_t val);
/* Removes pfn: 1 and its value in *val, or 0 when it was not live. */
int pt_take(struct pagetab *t, uint64_t pfn, uint64_t *val);
/* Iteration over live pages: *i from 0; 0 at the end. */
int pt_next(const struct pagetab *t, uint64_t *i, uint64_t *pfn, uint64_t *val);

static inline void pt_prefetch(const struct pagetab *t, uint64_t pfn)
{
	if (t->slot)
		__builtin_prefetch(&t->slot[tab_mix(pfn >> PT_SHIFT) & t->mask], 1);
}

#endif
