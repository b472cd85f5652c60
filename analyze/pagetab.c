/* SPDX-License-Identifier: MIT */
/* Live pages by pfn, 16 neighbouring pfns a slot (pagetab.h). */
#include <stdlib.h>
#include <string.h>
#include "pagetab.h"

void pt_init(struct pagetab *t)
{
	memset(t, 0, sizeof(*t));
}

void pt_free(struct pagetab *t)
{
	free(t->slot);
	pt_init(t);
}

static uint64_t home(const struct pagetab *t, uint64_t group)
{
	return tab_mix(group) & t->mask;
}

/* The slot of group, or the empty slot ending its probe. */
static struct pt_slot *probe(const struct pagetab *t, uint64_t group)
{
	uint64_t i = home(t, group);

	while (t->slot[i].group != TAB_EMPTY && t->slot[i].group != group)
		i = (i + 1) & t->mask;
	return &t->slot[i];
}

static int grow(struct pagetab *t)
{
	uint64_t cap = t->slot ? (t->mask + 1) * 2 : 64;	/* grows as needed */
	struct pagetab old = *t;
	struct pt_slot *s = malloc(cap * sizeof(*s));

	if (!s) {
		t->oom = 1;
		return -1;
	}
	for (uint64_t i = 0; i < cap; i++)
		s[i].group = TAB_EMPTY;
	t->slot = s;
	t->mask = cap - 1;
	for (uint64_t i = 0; old.slot && i <= old.mask; i++)
		if (old.slot[i].group != TAB_EMPTY)
			*probe(t, old.slot[i].group) = old.slot[i];
	free(old.slot);
	return 0;
}

int pt_put(struct pagetab *t, uint64_t pfn, uint64_t val)
{
	uint64_t g = pfn >> PT_SHIFT;
	uint32_t bit = 1u << (pfn & (PT_GROUP - 1));
	struct pt_slot *s;

	if (!t->slot && grow(t))
		return -1;
	s = probe(t, g);
	if (s->group == TAB_EMPTY) {
		if ((t->groups + 1) * 2 > t->mask + 1) {
			if (grow(t))
				return -1;
			s = probe(t, g);
		}
		s->group = g;
		s->used = 0;
		t->groups++;
	}
	if (!(s->used & bit)) {
		s->used |= bit;
		t->nr++;
	}
	s->val[pfn & (PT_GROUP - 1)] = val;
	return 0;
}

/* Backward-shift deletion of slot i (linear probing, no tombstones). */
static void remove_slot(struct pagetab *t, uint64_t i)
{
	for (uint64_t j = (i + 1) & t->mask; t->slot[j].group != TAB_EMPTY;
	     j = (j + 1) & t->mask) {
		uint64_t h = home(t, t->slot[j].group);

		if (((j - h) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i].group = TAB_EMPTY;
	t->groups--;
}

int pt_take(struct pagetab *t, uint64_t pfn, uint64_t *val)
{
	uint32_t bit = 1u << (pfn & (PT_GROUP - 1));
	struct pt_slot *s;

	if (!t->slot)
		return 0;
	s = probe(t, pfn >> PT_SHIFT);
	if (s->group == TAB_EMPTY || !(s->used & bit))
		return 0;
	*val = s->val[pfn & (PT_GROUP - 1)];
	s->used &= ~bit;
	t->nr--;
	if (!s->used)
		remove_slot(t, (uint64_t)(s - t->slot));
	return 1;
}

int pt_next(const struct pagetab *t, uint64_t *i, uint64_t *pfn, uint64_t *val)
{
	/* *i = slot * PT_GROUP + place */
	while (t->slot && *i < (t->mask + 1) * PT_GROUP) {
		const struct pt_slot *s = &t->slot[*i / PT_GROUP];
		uint64_t k = *i % PT_GROUP;

		(*i)++;
		if (s->group != TAB_EMPTY && (s->used >> k) & 1) {
			*pfn = s->group * PT_GROUP + k;
			*val = s->val[k];
			return 1;
		}
	}
	return 0;
}
