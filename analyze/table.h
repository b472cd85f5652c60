/* SPDX-License-Identifier: MIT */
/*
 * Private to analyze/: an open-addressing table from a 64-bit key to two
 * 64-bit values for the analyses' hot loops (live pages by pfn, live slab
 * objects by address, sites and pids to dense indexes).  Linear probing
 * with backward-shift deletion (no tombstones, so the layout and the
 * iteration order follow from the operations alone: deterministic).
 * Load factor at most 1/2 so that a miss ends within a probe or two.
 */
#ifndef MMTRACE_ANALYZE_TABLE_H
#define MMTRACE_ANALYZE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define TAB_EMPTY UINT64_MAX	/* reserved key */

struct tab_val {
	uint64_t a, b;
};

struct tab_slot {
	uint64_t key;
	struct tab_val v;
};

/* Keys near each other (pfns handed out in a row, objects of one slab
 * page) land in neighbouring slots: a key's group (key >> group_shift)
 * is scattered, its place inside the group (key >> unit_shift, low
 * bits) is kept, so a run of neighbouring keys shares cache lines
 * instead of missing once each. */
struct tab {
	struct tab_slot *slot;
	uint64_t mask;		/* capacity - 1 */
	uint64_t nr;
	unsigned group_shift, unit_shift;
	int oom;		/* sticky: a grow failed (entries were dropped) */
};

/* group_shift = unit_shift = 0: keys scattered alike (sites, pids);
 * pfns: 6, 0 (64 pfns a group); addresses: 12, 6 (a page a group, a
 * cache line a place). */
void tab_init(struct tab *t, unsigned group_shift, unsigned unit_shift);
void tab_free(struct tab *t);

static inline uint64_t tab_mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

static inline uint64_t tab_home(const struct tab *t, uint64_t key)
{
	unsigned in = t->group_shift - t->unit_shift;

	return ((tab_mix(key >> t->group_shift) << in) |
		((key >> t->unit_shift) & ((1ull << in) - 1))) & t->mask;
}

/* The value of key, or NULL. */
static inline struct tab_val *tab_get(const struct tab *t, uint64_t key)
{
	if (!t->slot)
		return NULL;
	for (uint64_t i = tab_home(t, key);; i = (i + 1) & t->mask) {
		if (t->slot[i].key == key)
			return &t->slot[i].v;
		if (t->slot[i].key == TAB_EMPTY)
			return NULL;
	}
}

/* Starts loading the slot where key's probe begins (a hint; inlined
 * always, as pt_prefetch). */
static inline __attribute__((always_inline)) void
tab_prefetch(const struct tab *t, uint64_t key)
{
	if (t->slot)
		__builtin_prefetch(&t->slot[tab_home(t, key)], 1);
}

/* Inserts or replaces.  0, or -1 when out of memory (t->oom set). */
int tab_put(struct tab *t, uint64_t key, struct tab_val val);
/* Removes key; 1 and its value in *val when it was there, else 0. */
int tab_take(struct tab *t, uint64_t key, struct tab_val *val);
/* Iteration: *i from 0; 0 at the end. */
int tab_next(const struct tab *t, uint64_t *i, uint64_t *key,
	     struct tab_val *val);

#endif
