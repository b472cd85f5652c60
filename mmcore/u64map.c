/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "u64map.h"

/* splitmix64 finaliser over x / 8, keeping the low 3 bits: pfns and page
 * numbers are dense, so spread them, but let runs of neighbours (a fault
 * loop's pages, a pcp batch's pfns) share cache lines. */
static uint64_t mix(uint64_t x)
{
	uint64_t lo = x & 7;

	x >>= 3;
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x << 3 | lo;
}

void u64map_init(struct u64map *h)
{
	h->slot = NULL;
	h->mask = 0;
	h->nr = 0;
}

void u64map_free(struct u64map *h)
{
	free(h->slot);
	u64map_init(h);
}

uint64_t *u64map_get(const struct u64map *h, uint64_t key)
{
	if (!h->slot)
		return NULL;
	for (uint64_t i = mix(key) & h->mask;; i = (i + 1) & h->mask) {
		struct u64map_slot *s = &h->slot[i];

		if (s->key == key)
			return &s->val;
		if (s->key == U64MAP_EMPTY)
			return NULL;
	}
}

static void insert_fresh(struct u64map *h, uint64_t key, uint64_t val)
{
	uint64_t i = mix(key) & h->mask;

	while (h->slot[i].key != U64MAP_EMPTY)
		i = (i + 1) & h->mask;
	h->slot[i].key = key;
	h->slot[i].val = val;
	h->nr++;
}

static int grow(struct u64map *h)
{
	uint64_t cap = h->slot ? (h->mask + 1) * 2 : 64;
	struct u64map_slot *old = h->slot;
	uint64_t old_cap = h->slot ? h->mask + 1 : 0;
	struct u64map_slot *s = malloc(cap * sizeof(*s));

	if (!s)
		return -1;
	memset(s, 0xff, cap * sizeof(*s));	/* every key U64MAP_EMPTY */
	h->slot = s;
	h->mask = cap - 1;
	h->nr = 0;
	for (uint64_t i = 0; i < old_cap; i++)
		if (old[i].key != U64MAP_EMPTY)
			insert_fresh(h, old[i].key, old[i].val);
	free(old);
	return 0;
}

int u64map_put(struct u64map *h, uint64_t key, uint64_t val)
{
	uint64_t *v = u64map_get(h, key);

	if (v) {
		*v = val;
		return 0;
	}
	if (!h->slot || (h->nr + 1) * 4 > (h->mask + 1) * 3)
		if (grow(h) < 0)
			return -1;
	insert_fresh(h, key, val);
	return 0;
}

bool u64map_del(struct u64map *h, uint64_t key)
{
	uint64_t i, j;

	if (!h->slot)
		return false;
	for (i = mix(key) & h->mask;; i = (i + 1) & h->mask) {
		if (h->slot[i].key == key)
			break;
		if (h->slot[i].key == U64MAP_EMPTY)
			return false;
	}
	/* Backward shift: move later members of the probe run into the
	 * hole when their home slot does not lie between hole and them. */
	for (j = (i + 1) & h->mask; h->slot[j].key != U64MAP_EMPTY;
	     j = (j + 1) & h->mask) {
		uint64_t home = mix(h->slot[j].key) & h->mask;

		if (((j - home) & h->mask) >= ((j - i) & h->mask)) {
			h->slot[i] = h->slot[j];
			i = j;
		}
	}
	h->slot[i].key = U64MAP_EMPTY;
	h->nr--;
	return true;
}

void u64map_prefetch(const struct u64map *h, uint64_t key)
{
	if (h->slot)
		__builtin_prefetch(&h->slot[mix(key) & h->mask]);
}

size_t u64map_bytes(const struct u64map *h)
{
	return h->slot ? (size_t)(h->mask + 1) * sizeof(struct u64map_slot) : 0;
}

bool u64map_next(const struct u64map *h, uint64_t *i, uint64_t *key,
		 uint64_t *val)
{
	if (!h->slot)
		return false;
	while (*i <= h->mask) {
		const struct u64map_slot *s = &h->slot[(*i)++];

		if (s->key != U64MAP_EMPTY) {
			*key = s->key;
			*val = s->val;
			return true;
		}
	}
	return false;
}
