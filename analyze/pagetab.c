/* SPDX-License-Identifier: MIT */
/* Live pages by pfn: chunks by pfn within a budget, then a hash
 * (pagetab.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "pagetab.h"

#define CHUNK_BYTES ((uint64_t)PT_CHUNK * sizeof(uint64_t))
/* Chunks are carved from 2 MiB regions the kernel may back with a huge
 * page each (MADV_HUGEPAGE): the chunks of a 24 GiB host are 12,000
 * small pages, far more than the TLB holds. */
#define REGION_BYTES (2ull << 20)
/* What a directory entry costs: its pointer and its live line. */
#define DIR_BYTES (sizeof(uint64_t *) + sizeof(struct pt_live))

void pt_init(struct pagetab *t, uint64_t budget)
{
	memset(t, 0, sizeof(*t));
	t->budget = budget;
}

void pt_free(struct pagetab *t)
{
	for (uint64_t i = 0; i < t->nregion; i++)
		munmap(t->region[i], REGION_BYTES);
	free(t->region);
	free(t->dir);
	free(t->live_mem);
	free(t->have);
	free(t->spill.slot);
	pt_init(t, 0);
}

/* ---- the spill hash --------------------------------------------------------- */

static uint64_t home(const struct pt_spill *h, uint64_t group)
{
	return tab_mix(group) & h->mask;
}

/* The slot of group, or the empty slot ending its probe. */
static struct pt_slot *probe(const struct pt_spill *h, uint64_t group)
{
	uint64_t i = home(h, group);

	while (h->slot[i].group != TAB_EMPTY && h->slot[i].group != group)
		i = (i + 1) & h->mask;
	return &h->slot[i];
}

static int spill_grow(struct pt_spill *h)
{
	uint64_t cap = h->slot ? (h->mask + 1) * 2 : 64;	/* grows as needed */
	struct pt_spill old = *h;
	struct pt_slot *s = malloc(cap * sizeof(*s));

	if (!s)
		return -1;
	for (uint64_t i = 0; i < cap; i++)
		s[i].group = TAB_EMPTY;
	h->slot = s;
	h->mask = cap - 1;
	for (uint64_t i = 0; old.slot && i <= old.mask; i++)
		if (old.slot[i].group != TAB_EMPTY)
			*probe(h, old.slot[i].group) = old.slot[i];
	free(old.slot);
	return 0;
}

/* 1 when pfn was not live before, 0 when replaced, -1 out of memory. */
static int spill_put(struct pt_spill *h, uint64_t pfn, uint64_t val)
{
	uint64_t g = pfn >> PT_SHIFT;
	uint32_t bit = 1u << (pfn & (PT_GROUP - 1));
	struct pt_slot *s;
	int fresh;

	if (!h->slot && spill_grow(h))
		return -1;
	s = probe(h, g);
	if (s->group == TAB_EMPTY) {
		if ((h->groups + 1) * 2 > h->mask + 1) {
			if (spill_grow(h))
				return -1;
			s = probe(h, g);
		}
		s->group = g;
		s->used = 0;
		h->groups++;
	}
	fresh = !(s->used & bit);
	s->used |= bit;
	s->val[pfn & (PT_GROUP - 1)] = val;
	return fresh;
}

/* Backward-shift deletion of slot i (linear probing, no tombstones). */
static void remove_slot(struct pt_spill *h, uint64_t i)
{
	for (uint64_t j = (i + 1) & h->mask; h->slot[j].group != TAB_EMPTY;
	     j = (j + 1) & h->mask) {
		uint64_t hm = home(h, h->slot[j].group);

		if (((j - hm) & h->mask) >= ((j - i) & h->mask)) {
			h->slot[i] = h->slot[j];
			i = j;
		}
	}
	h->slot[i].group = TAB_EMPTY;
	h->groups--;
}

static int spill_take(struct pt_spill *h, uint64_t pfn, uint64_t *val)
{
	uint32_t bit = 1u << (pfn & (PT_GROUP - 1));
	struct pt_slot *s;

	if (!h->slot)
		return 0;
	s = probe(h, pfn >> PT_SHIFT);
	if (s->group == TAB_EMPTY || !(s->used & bit))
		return 0;
	*val = s->val[pfn & (PT_GROUP - 1)];
	s->used &= ~bit;
	if (!s->used)
		remove_slot(h, (uint64_t)(s - h->slot));
	return 1;
}

/* ---- chunks ---------------------------------------------------------------- */

/* A zeroed chunk from the current region, or from a new one when the
 * budget allows; NULL when not. */
static uint64_t *carve(struct pagetab *t)
{
	if (!t->region_left) {
		uint8_t **rs, *r;

		if (REGION_BYTES > t->budget - t->mem)
			return NULL;
		rs = realloc(t->region, (t->nregion + 1) * sizeof(*rs));
		if (!rs)
			return NULL;
		t->region = rs;
		r = mmap(NULL, REGION_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r == MAP_FAILED)
			return NULL;
		/* a hint, from the second region on: a huge page is 2 MiB
		 * to clear at its first touch, which a small file's few
		 * chunks never repay (stat and diff of a fuzz input spent
		 * a tenth of fuzz_reader's time clearing them) */
		if (t->nregion)
			(void)madvise(r, REGION_BYTES, MADV_HUGEPAGE);
		t->region[t->nregion++] = r;
		t->region_left = REGION_BYTES;
		t->mem += REGION_BYTES;
	}
	t->region_left -= CHUNK_BYTES;
	return (uint64_t *)(t->region[t->nregion - 1] + REGION_BYTES -
			    t->region_left - CHUNK_BYTES);
}

/* The directory doubled until it holds index c, when the budget
 * allows: 0 or -1.  Its arrays come zeroed from calloc: the pages of a
 * large one are mapped zero and cost nothing until a pfn of theirs goes
 * live (one pfn far up had stat clear megabytes of directory, most of
 * `mmtrace stat`'s time on a small hostile file). */
static int grow_dir(struct pagetab *t, uint64_t c)
{
	uint64_t n = t->ndir ? t->ndir : 64, **d, *h;
	struct pt_live *l;
	void *lm;

	while (n <= c && n < (UINT64_MAX >> 8))
		n *= 2;
	if (n <= c || (n - t->ndir) * (DIR_BYTES + 1) > t->budget - t->mem)
		return -1;
	d = calloc(n, sizeof(*d));
	h = calloc(n / 64, sizeof(*h));			/* n: 64 << k */
	lm = calloc(n + 1, sizeof(*l));	/* a line each, aligned below */
	if (!d || !h || !lm) {
		free(d);
		free(h);
		free(lm);
		return -1;
	}
	l = (struct pt_live *)(((uintptr_t)lm + sizeof(*l) - 1) &
			       ~(uintptr_t)(sizeof(*l) - 1));
	if (t->ndir) {
		memcpy(d, t->dir, t->ndir * sizeof(*d));
		memcpy(h, t->have, t->ndir / 64 * sizeof(*h));
		memcpy(l, t->live, t->ndir * sizeof(*l));
	}
	free(t->dir);
	free(t->have);
	free(t->live_mem);
	t->dir = d;
	t->have = h;
	t->live = l;
	t->live_mem = lm;
	t->mem += (n - t->ndir) * DIR_BYTES + (n - t->ndir) / 8;
	t->ndir = n;
	return 0;
}

/* The chunk for chunk index c, allocated now when the budget allows;
 * NULL when c's pfns go to the hash (and so do those of every chunk
 * missing now: t->full). */
static uint64_t *chunk_for(struct pagetab *t, uint64_t c)
{
	if (c < t->ndir && t->dir[c])
		return t->dir[c];
	if (t->full)
		return NULL;
	if ((c >= t->ndir && grow_dir(t, c)) || !(t->dir[c] = carve(t))) {
		t->full = 1;
		return NULL;
	}
	t->have[c / 64] |= 1ull << (c % 64);
	return t->dir[c];
}

/* pt_put when pfn's chunk is missing: made now, or the hash. */
int pt_put_slow(struct pagetab *t, uint64_t pfn, uint64_t val)
{
	int rc;

	if (chunk_for(t, pfn >> PT_CHUNK_SHIFT))
		return pt_put(t, pfn, val);
	rc = spill_put(&t->spill, pfn, val);
	if (rc < 0) {
		t->oom = 1;
		return -1;
	}
	t->nr += (uint64_t)rc;
	return 0;
}

int pt_take_spill(struct pagetab *t, uint64_t pfn)
{
	uint64_t v;

	if (!spill_take(&t->spill, pfn, &v))
		return 0;
	t->nr--;
	return 1;
}

int pt_next(const struct pagetab *t, uint64_t *i, uint64_t *pfn, uint64_t *val)
{
	uint64_t in_dir = t->ndir * PT_CHUNK;

	/* *i = pfn while in the chunks, then in_dir + slot * PT_GROUP + place */
	while (*i < in_dir) {
		uint64_t k = (*i)++, c = k >> PT_CHUNK_SHIFT;
		unsigned b = k & (PT_CHUNK - 1);

		if (!(t->have[c / 64] >> (c % 64) & 1)) {	/* no chunk */
			c = t->have[c / 64] ? c + 1 : (c | 63) + 1;
			*i = c << PT_CHUNK_SHIFT;
			continue;
		}
		if (!t->live[c].w[b / 64]) {		/* a word with none */
			*i = (k | 63) + 1;
			continue;
		}
		if ((t->live[c].w[b / 64] >> (b % 64)) & 1) {
			*pfn = k;
			*val = t->dir[c][b];
			return 1;
		}
	}
	while (t->spill.slot && *i - in_dir < (t->spill.mask + 1) * PT_GROUP) {
		const struct pt_slot *s = &t->spill.slot[(*i - in_dir) / PT_GROUP];
		uint64_t k = (*i - in_dir) % PT_GROUP;

		(*i)++;
		if (s->group != TAB_EMPTY && (s->used >> k) & 1) {
			*pfn = s->group * PT_GROUP + k;
			*val = s->val[k];
			return 1;
		}
	}
	return 0;
}
