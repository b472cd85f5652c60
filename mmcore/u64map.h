/* SPDX-License-Identifier: MIT */
/*
 * A small open-addressing hash map uint64 -> uint64 for slab.c and fault.c
 * (slab pfn -> slab record, (pid, page) -> pte, pfn -> mapping).  Linear
 * probing with backward-shift deletion, so there are no tombstones and the
 * layout depends only on the sequence of operations: iteration order is
 * deterministic.  16 bytes per slot, load factor at most 3/4.
 */
#ifndef MMCORE_U64MAP_H
#define MMCORE_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define U64MAP_EMPTY UINT64_MAX	/* reserved key */

struct u64map_slot {
	uint64_t key, val;
};

struct u64map {
	struct u64map_slot *slot;
	uint64_t mask;		/* capacity - 1 (capacity a power of two) */
	uint64_t nr;
};

void u64map_init(struct u64map *h);
void u64map_free(struct u64map *h);
/* Pointer to the value of key, or NULL. */
uint64_t *u64map_get(const struct u64map *h, uint64_t key);
/* Insert or replace.  0, or -1 when out of memory (map unchanged). */
int u64map_put(struct u64map *h, uint64_t key, uint64_t val);
/* true when the key was present. */
bool u64map_del(struct u64map *h, uint64_t key);
/* Start loading the slot where a lookup of key begins (a hint). */
void u64map_prefetch(const struct u64map *h, uint64_t key);
size_t u64map_bytes(const struct u64map *h);
/* Iterate: i starts at 0; returns false at the end. */
bool u64map_next(const struct u64map *h, uint64_t *i, uint64_t *key,
		 uint64_t *val);

#endif
