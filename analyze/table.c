/* SPDX-License-Identifier: MIT */
/* The analyses' hash table (table.h). */
#include <stdlib.h>
#include <string.h>
#include "table.h"

void tab_init(struct tab *t, unsigned group_shift, unsigned unit_shift)
{
	memset(t, 0, sizeof(*t));
	t->group_shift = group_shift;
	t->unit_shift = unit_shift < group_shift ? unit_shift : group_shift;
}

void tab_free(struct tab *t)
{
	free(t->slot);
	tab_init(t, t->group_shift, t->unit_shift);
}

static void insert_fresh(struct tab *t, uint64_t key, struct tab_val val)
{
	uint64_t i = tab_home(t, key);

	while (t->slot[i].key != TAB_EMPTY)
		i = (i + 1) & t->mask;
	t->slot[i].key = key;
	t->slot[i].v = val;
	t->nr++;
}

static int grow(struct tab *t)
{
	uint64_t cap = t->slot ? (t->mask + 1) * 2 : 64;	/* grows as needed */
	struct tab old = *t;
	struct tab_slot *s = malloc(cap * sizeof(*s));

	if (!s) {
		t->oom = 1;
		return -1;
	}
	memset(s, 0xff, cap * sizeof(*s));	/* every key TAB_EMPTY */
	t->slot = s;
	t->mask = cap - 1;
	t->nr = 0;
	for (uint64_t i = 0; old.slot && i <= old.mask; i++)
		if (old.slot[i].key != TAB_EMPTY)
			insert_fresh(t, old.slot[i].key, old.slot[i].v);
	free(old.slot);
	return 0;
}

int tab_put(struct tab *t, uint64_t key, struct tab_val val)
{
	uint64_t i;

	if (t->slot) {
		/* one probe: the key's slot, or the empty one ending its run */
		for (i = tab_home(t, key); t->slot[i].key != TAB_EMPTY;
		     i = (i + 1) & t->mask)
			if (t->slot[i].key == key) {
				t->slot[i].v = val;
				return 0;
			}
		if ((t->nr + 1) * 2 <= t->mask + 1) {
			t->slot[i].key = key;
			t->slot[i].v = val;
			t->nr++;
			return 0;
		}
	}
	if (grow(t))
		return -1;
	insert_fresh(t, key, val);
	return 0;
}

int tab_take(struct tab *t, uint64_t key, struct tab_val *val)
{
	uint64_t i, j, home;

	if (!t->slot)
		return 0;
	for (i = tab_home(t, key);; i = (i + 1) & t->mask) {
		if (t->slot[i].key == key)
			break;
		if (t->slot[i].key == TAB_EMPTY)
			return 0;
	}
	*val = t->slot[i].v;
	/* backward shift: pull later entries of the run into the hole when
	 * their home is not between the hole and them */
	for (j = (i + 1) & t->mask; t->slot[j].key != TAB_EMPTY;
	     j = (j + 1) & t->mask) {
		home = tab_home(t, t->slot[j].key);
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i].key = TAB_EMPTY;
	t->nr--;
	return 1;
}

int tab_next(const struct tab *t, uint64_t *i, uint64_t *key,
	     struct tab_val *val)
{
	while (t->slot && *i <= t->mask) {
		const struct tab_slot *s = &t->slot[(*i)++];

		if (s->key != TAB_EMPTY) {
			*key = s->key;
			*val = s->v;
			return 1;
		}
	}
	return 0;
}
