/* SPDX-License-Identifier: MIT */
/*
 * Private to analyze/: live pages by pfn, one 64-bit value each.
 *
 * A two-level table indexed by pfn: a directory entry per 512 pfns holds
 * a cache line of bits, which of them are live, and a chunk of their
 * values (4 KiB), allocated when one of them first goes live.  Taking a
 * page reads and clears its bit only: the bits of a 24 GiB host are
 * 768 KiB, mostly in the L2 cache; values are written at puts and read
 * back only at the end.  The caller prefetches both.  The hash of 16-pfn
 * groups this replaces probed 144-byte slots at random (38% of `mmtrace
 * stat`'s time on a 24 GiB host's trace).  Chunks are carved from 2 MiB
 * regions the kernel may back with huge pages (fewer TLB misses).
 *
 * A file is input from a stranger: pfns one chunk apart would make every
 * page cost 4 KiB, so the directory and the chunks together stay within
 * a budget the caller sizes from the file.  Once the budget (or malloc)
 * refuses a chunk, no chunk is added any more and the pfns of missing
 * chunks go to that hash, whose size follows the live pages (so a pfn is
 * in its chunk or in the hash, never both).  Results do not depend on
 * where a pfn is kept.
 */
#ifndef MMTRACE_ANALYZE_PAGETAB_H
#define MMTRACE_ANALYZE_PAGETAB_H

#include <stdint.h>
#include "table.h"

#define PT_CHUNK_SHIFT 9
#define PT_CHUNK (1u << PT_CHUNK_SHIFT)

/* Which pfns of a chunk are live: one cache line. */
struct pt_live {
	_Alignas(64) uint64_t w[PT_CHUNK / 64];
};

/* The spill hash: 16 neighbouring pfns a slot (pfns are handed out in
 * runs), linear probing, backward-shift deletion, load at most 1/2. */
#define PT_SHIFT 4
#define PT_GROUP (1u << PT_SHIFT)

struct pt_slot {
	uint64_t group;			/* pfn >> PT_SHIFT, TAB_EMPTY when free */
	uint32_t used;			/* bit i: pfn group * 16 + i is live */
	uint32_t pad;
	uint64_t val[PT_GROUP];
};

struct pt_spill {
	struct pt_slot *slot;
	uint64_t mask;			/* capacity - 1 */
	uint64_t groups;		/* slots used */
};

struct pagetab {
	uint64_t **dir;			/* [ndir]: values of chunk pfn >> 9 */
	struct pt_live *live;		/* [ndir]: its live pfns */
	void *live_mem;			/* live's allocation */
	uint64_t *have;			/* [ndir / 64]: which chunks exist,
					 * so pt_next() passes 64 missing
					 * chunks a word */
	uint64_t ndir;
	uint64_t mem, budget;		/* bytes of dir, live, regions; bound */
	uint8_t **region;		/* [nregion] where chunks are carved */
	uint64_t nregion, region_left;	/* bytes left in the last region */
	int full;			/* no more chunks: the rest spills */
	struct pt_spill spill;
	uint64_t nr;			/* live pages */
	int oom;
};

/* budget: bytes the directory and chunks may take (0: all in the hash). */
void pt_init(struct pagetab *t, uint64_t budget);
void pt_free(struct pagetab *t);
int pt_put_slow(struct pagetab *t, uint64_t pfn, uint64_t val);
int pt_take_spill(struct pagetab *t, uint64_t pfn);

/* Inserts or replaces pfn's value.  0, or -1 when out of memory.  Inline
 * for a pfn whose chunk is there: stat's hot loop. */
static inline int pt_put(struct pagetab *t, uint64_t pfn, uint64_t val)
{
	uint64_t c = pfn >> PT_CHUNK_SHIFT;

	if (c < t->ndir && t->dir[c]) {
		unsigned k = pfn & (PT_CHUNK - 1);
		uint64_t *w = &t->live[c].w[k / 64], bit = 1ull << (k % 64);

		t->nr += !(*w & bit);
		*w |= bit;
		t->dir[c][k] = val;
		return 0;
	}
	return pt_put_slow(t, pfn, val);
}

/* Removes pfn: 1, or 0 when it was not live.  A clear bit: not in a
 * chunk; then in the hash or nowhere. */
static inline int pt_take(struct pagetab *t, uint64_t pfn)
{
	uint64_t c = pfn >> PT_CHUNK_SHIFT;

	if (c < t->ndir) {
		unsigned k = pfn & (PT_CHUNK - 1);
		uint64_t *w = &t->live[c].w[k / 64], bit = 1ull << (k % 64);

		if (*w & bit) {
			*w &= ~bit;
			t->nr--;
			return 1;
		}
	}
	return t->spill.groups ? pt_take_spill(t, pfn) : 0;
}

/* Iteration over live pages (chunks by pfn, then the hash): *i from 0;
 * 0 at the end. */
int pt_next(const struct pagetab *t, uint64_t *i, uint64_t *pfn, uint64_t *val);

/* Starts loading what a put (the value) or a take (the live bits) of
 * pfn will touch: a hint.  always_inline: gcc 12 finds a function whose
 * only effect is a prefetch "const" and drops the calls its early inliner
 * left (stat's prefetching had been compiled away). */
static inline __attribute__((always_inline)) void
pt_prefetch(const struct pagetab *t, uint64_t pfn, int put)
{
	uint64_t c = pfn >> PT_CHUNK_SHIFT;

	if (c < t->ndir) {
		__builtin_prefetch(&t->live[c], 1);
		if (put && t->dir[c])
			__builtin_prefetch(&t->dir[c][pfn & (PT_CHUNK - 1)], 1);
	} else if (t->spill.slot) {
		__builtin_prefetch(&t->spill.slot[tab_mix(pfn >> PT_SHIFT) &
						  t->spill.mask], 1);
	}
}

#endif
