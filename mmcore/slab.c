/* SPDX-License-Identifier: MIT */
/*
 * SLUB (mm/slub.c of 6.8+): kmem caches, slab sizing as the kernel computes
 * it, kmalloc size classes, per-cpu slab and per-cpu partial lists,
 * per-node partial lists, large kmalloc straight to pages.
 *
 * The pure part (geometry, kmalloc tables) is in slab_sizes.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "slab_sizes.h"
#include "u64map.h"

/* ==== caches, slabs, partial lists ==================================== */

/*
 * A slab is a small record (struct page's slab fields: freelist, inuse,
 * objects, frozen, slab_list) plus a free bitmap of objects_per_slab bits.
 * Records live in a per-cache array indexed by slot; a map from the slab's
 * first pfn to (cache, slot) answers virt_to_slab().
 *
 * Simplifications (each against the function named):
 *  - Object choice: the lowest free object of the slab, not the freelist's
 *    LIFO order; the kernel randomises the initial order anyway
 *    (CONFIG_SLAB_FREELIST_RANDOM, shuffle_freelist), so no exact order
 *    can be matched.
 *  - ___slab_alloc: the cpu freelist and the slab freelist are one set:
 *    an object freed by another cpu into a cpu slab is usable by its
 *    owner at once (the kernel picks it up in get_freelist() when the
 *    lockless freelist runs dry: same slab, same counts).
 *  - get_any_partial: remote_node_defrag_ratio samples get_cycles(); the
 *    model always tries the other nodes (by distance, then id), under the
 *    kernel's nr_partial > min_partial condition: deterministic.
 *  - Debug caches, memcg accounting (kmalloc-cg is a separate cache but
 *    no per-memcg charge), pfmemalloc slabs, sheaves, kmem_cache_shrink
 *    and cpu slab flushing (flush_all) are not modelled.
 */
enum slab_list { SLAB_FREE_SLOT, SLAB_FULL, SLAB_CPU, SLAB_CPU_PARTIAL,
		 SLAB_NODE_PARTIAL };

struct slab {
	uint64_t pfn;		/* first pfn of the slab (folio head) */
	int32_t next, prev;	/* slab_list / cpu partial chain; free slots */
	uint16_t inuse, objects;
	uint8_t order, list;	/* enum slab_list */
	uint16_t node;
};

struct kmem_cache_cpu {
	int32_t slab;		/* c->slab: the cpu slab (frozen), -1 none */
	int32_t partial;	/* c->partial chain head, -1 none */
	uint32_t partial_slabs;	/* slabs on c->partial (slab->slabs) */
};

struct kmem_cache_node {
	int32_t head, tail;	/* n->partial */
	uint32_t nr_partial;
	uint64_t nr_slabs, total_objects;
};

struct kmem_cache {
	char name[48];
	uint32_t flags;
	struct slab_geometry g;
	struct slab *slabs;
	uint64_t *map;		/* free bitmap, map_words per slot: 1 = free */
	uint32_t map_words, nr_slots, cap_slots;
	int32_t free_slot;	/* chain of unused slots through next */
	struct kmem_cache_cpu *cpu;	/* [m->nr_cpus] */
	struct kmem_cache_node *node;	/* [m->nr_nodes] */
	uint64_t nr_objects;	/* objects in use */
};

struct slab_state {
	struct kmem_cache **caches;
	uint32_t nr_caches, cap_caches;
	int kmalloc[KMALLOC_NR_TYPES][KMALLOC_NR_INDEX];
	struct u64map by_pfn;	/* slab head pfn -> cache << 32 | slot */
	struct u64map large;	/* large kmalloc head pfn -> order */
	uint32_t max_order;	/* largest slab order of any cache */
};

static struct slab_state *S(const struct mmc *m)
{
	return m->slab;
}

static void cache_free(struct kmem_cache *s)
{
	if (!s)
		return;
	free(s->slabs);
	free(s->map);
	free(s->cpu);
	free(s->node);
	free(s);
}

static int cache_add(struct mmc *m, const char *name, uint32_t size,
		     uint32_t align, uint32_t flags)
{
	struct slab_state *st = S(m);
	struct kmem_cache *s;

	if (st->nr_caches == st->cap_caches) {
		uint32_t cap = st->cap_caches ? st->cap_caches * 2 : 64;
		struct kmem_cache **c = realloc(st->caches, cap * sizeof(*c));

		if (!c)
			return -1;
		st->caches = c;
		st->cap_caches = cap;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	if (slab_calc_flags(size, align, flags, m->nr_cpus ? m->nr_cpus : 1,
			    &s->g) < 0 || s->g.objects > UINT16_MAX) {
		free(s);
		return -1;
	}
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	s->flags = flags;
	s->map_words = (s->g.objects + 63) / 64;
	s->free_slot = -1;
	s->cpu = malloc((m->nr_cpus ? m->nr_cpus : 1) * sizeof(*s->cpu));
	s->node = calloc(m->nr_nodes ? m->nr_nodes : 1, sizeof(*s->node));
	if (!s->cpu || !s->node) {
		cache_free(s);
		return -1;
	}
	for (uint32_t c = 0; c < (m->nr_cpus ? m->nr_cpus : 1); c++) {
		s->cpu[c].slab = -1;
		s->cpu[c].partial = -1;
		s->cpu[c].partial_slabs = 0;
	}
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		s->node[n].head = s->node[n].tail = -1;
	if (s->g.order > st->max_order)
		st->max_order = s->g.order;
	st->caches[st->nr_caches] = s;
	return (int)st->nr_caches++;
}

/* create_kmalloc_caches(): every size class of every kmalloc type. */
static int create_kmalloc_caches(struct mmc *m)
{
	struct slab_state *st = S(m);

	for (int t = 0; t < KMALLOC_NR_TYPES; t++) {
		for (int i = 0; i < KMALLOC_NR_INDEX; i++) {
			uint32_t size = kmalloc_index_size(i);
			char name[32];
			int id;

			st->kmalloc[t][i] = -1;
			if (!size)
				continue;
			kmalloc_cache_name(t, i, name, sizeof(name));
			id = cache_add(m, name, size, kmalloc_cache_align(size),
				       kmalloc_cache_flags(t));
			if (id < 0)
				return -1;
			st->kmalloc[t][i] = id;
		}
	}
	return 0;
}

/* Caches are sized by m->nr_cpus and m->nr_nodes: they are made at the
 * first use when slab_init() runs before the topology is in place. */
static int slab_ready(struct mmc *m)
{
	struct slab_state *st = S(m);

	if (!st)
		return -1;
	if (st->nr_caches)
		return 0;
	if (m->nr_nodes == 0 || m->nr_cpus == 0 || !m->nodes)
		return -1;
	return create_kmalloc_caches(m);
}

int slab_init(struct mmc *m)
{
	struct slab_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	u64map_init(&st->by_pfn);
	u64map_init(&st->large);
	m->slab = st;
	if (m->nr_nodes && m->nr_cpus && m->nodes &&
	    create_kmalloc_caches(m) < 0) {
		slab_destroy(m);
		return -1;
	}
	return 0;
}

void slab_destroy(struct mmc *m)
{
	struct slab_state *st = S(m);

	if (!st)
		return;
	for (uint32_t i = 0; i < st->nr_caches; i++)
		cache_free(st->caches[i]);
	free(st->caches);
	u64map_free(&st->by_pfn);
	u64map_free(&st->large);
	free(st);
	m->slab = NULL;
}

static struct kmem_cache *get_cache(const struct mmc *m, int cache)
{
	const struct slab_state *st = S(m);

	if (!st || cache < 0 || (uint32_t)cache >= st->nr_caches)
		return NULL;
	return st->caches[cache];
}

int mmc_kmem_cache_create(struct mmc *m, const char *name, uint32_t size,
			  uint32_t align, uint32_t flags)
{
	if (slab_ready(m) < 0)
		return -1;
	return cache_add(m, name, size, align, flags);
}

int mmc_kmem_cache_find(const struct mmc *m, const char *name)
{
	const struct slab_state *st = S(m);

	for (uint32_t i = 0; st && i < st->nr_caches; i++)
		if (strcmp(st->caches[i]->name, name) == 0)
			return (int)i;
	return -1;
}

int mmc_kmalloc_cache(struct mmc *m, uint32_t size, uint64_t gfp)
{
	int index = kmalloc_index_of(size);

	if (slab_ready(m) < 0 || index < 0)
		return -1;
	if (index == 0)
		return -2;	/* kmalloc(0): ZERO_SIZE_PTR, no object */
	return S(m)->kmalloc[kmalloc_type_of(gfp)][index];
}

int mmc_kmem_cache_info(const struct mmc *m, int cache,
			struct mmc_slab_info *out)
{
	const struct kmem_cache *s = get_cache(m, cache);

	if (!s)
		return -1;
	out->object_size = s->g.object_size;
	out->size = s->g.size;
	out->objs_per_slab = s->g.objects;
	out->order = s->g.order;
	return 0;
}

/* ---- slab records ---------------------------------------------------- */

static uint64_t *slab_map(struct kmem_cache *s, int32_t slot)
{
	return &s->map[(size_t)slot * s->map_words];
}

static int32_t slot_get(struct kmem_cache *s)
{
	int32_t slot = s->free_slot;

	if (slot >= 0) {
		s->free_slot = s->slabs[slot].next;
		return slot;
	}
	if (s->nr_slots == s->cap_slots) {
		uint32_t cap = s->cap_slots ? s->cap_slots * 2 : 16;
		struct slab *sl = realloc(s->slabs, cap * sizeof(*sl));

		if (!sl)
			return -1;
		s->slabs = sl;
		uint64_t *mp = realloc(s->map, (size_t)cap * s->map_words *
					       sizeof(*mp));
		if (!mp)
			return -1;
		s->map = mp;
		s->cap_slots = cap;
	}
	return (int32_t)s->nr_slots++;
}

static void slot_put(struct kmem_cache *s, int32_t slot)
{
	s->slabs[slot].list = SLAB_FREE_SLOT;
	s->slabs[slot].next = s->free_slot;
	s->free_slot = slot;
}

/* n->partial: add_partial (head or tail) / remove_partial. */
static void add_partial(struct kmem_cache *s, int32_t slot, bool tail)
{
	struct slab *sl = &s->slabs[slot];
	struct kmem_cache_node *n = &s->node[sl->node];

	sl->list = SLAB_NODE_PARTIAL;
	if (tail) {
		sl->next = -1;
		sl->prev = n->tail;
		if (n->tail >= 0)
			s->slabs[n->tail].next = slot;
		else
			n->head = slot;
		n->tail = slot;
	} else {
		sl->prev = -1;
		sl->next = n->head;
		if (n->head >= 0)
			s->slabs[n->head].prev = slot;
		else
			n->tail = slot;
		n->head = slot;
	}
	n->nr_partial++;
}

static void remove_partial(struct kmem_cache *s, int32_t slot)
{
	struct slab *sl = &s->slabs[slot];
	struct kmem_cache_node *n = &s->node[sl->node];

	if (sl->prev >= 0)
		s->slabs[sl->prev].next = sl->next;
	else
		n->head = sl->next;
	if (sl->next >= 0)
		s->slabs[sl->next].prev = sl->prev;
	else
		n->tail = sl->prev;
	sl->next = sl->prev = -1;
	sl->list = SLAB_FULL;
	n->nr_partial--;
}

static void slab_pages_account(struct mmc *m, struct kmem_cache *s,
			       int node, unsigned order, int sign)
{
	uint64_t nr = 1ull << order;
	uint64_t *ctr = (s->flags & MMC_SLAB_RECLAIM_ACCOUNT)
			? &m->nodes[node].nr_slab_reclaimable
			: &m->nodes[node].nr_slab_unreclaimable;

	if (sign > 0) {
		*ctr += nr;
		m->vm.slab_pages += nr;
	} else {
		*ctr -= nr;
		m->vm.slab_pages -= nr;
	}
}

/* PG_HEAD on the first page of a compound (order > 0) slab or large
 * kmalloc; an order-0 page never carries it (a stale bit left by an
 * earlier compound page is cleared, as prep_new_page would). */
static void set_head(struct mmc *m, uint64_t pfn, unsigned order, bool on)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return;
	if (on && order > 0)
		z->page[pfn_to_idx(z, pfn)] |= PG_HEAD;
	else
		z->page[pfn_to_idx(z, pfn)] &= (pgstate_t)~PG_HEAD;
}

/* discard_slab(): the pages go back to the page allocator. */
static void discard_slab(struct mmc *m, int cache, int32_t slot, int cpu,
			 struct mmc_result *res)
{
	struct kmem_cache *s = S(m)->caches[cache];
	struct slab *sl = &s->slabs[slot];
	struct kmem_cache_node *n = &s->node[sl->node];

	n->nr_slabs--;
	n->total_objects -= sl->objects;
	slab_pages_account(m, s, sl->node, sl->order, -1);
	set_head(m, sl->pfn, sl->order, false);
	u64map_del(&S(m)->by_pfn, sl->pfn);
	free_pages(m, sl->pfn, sl->order, cpu, res);
	slot_put(s, slot);
}

/* GFP_RECLAIM_MASK | GFP_CONSTRAINT_MASK of mm/internal.h: what new_slab()
 * keeps of the caller's gfp; zone and migratetype come from allocflags. */
#define SLAB_GFP_KEEP (MMC___GFP_RECLAIM | MMC___GFP_HIGH | MMC___GFP_IO | \
	MMC___GFP_FS | MMC___GFP_NOWARN | MMC___GFP_RETRY_MAYFAIL |	   \
	MMC___GFP_NOFAIL | MMC___GFP_NORETRY | MMC___GFP_MEMALLOC |	   \
	MMC___GFP_NOMEMALLOC | MMC___GFP_HARDWALL | MMC___GFP_THISNODE)

/*
 * allocate_slab(): the cache's order first, allowed to fail quickly
 * (NORETRY, and no reclaim at all when it is above the minimum order), then
 * the minimum order with the caller's flags.  The kernel makes that second
 * attempt also when the cache's order is its minimum: a NOFAIL or order-0
 * GFP_KERNEL slab allocation gets its whole slowpath only there.  The new
 * slab is empty and on no list.  -1 when both fail.
 */
static int32_t allocate_slab(struct mmc *m, int cache, uint64_t gfp, int node,
			     int cpu, struct mmc_result *res)
{
	struct kmem_cache *s = S(m)->caches[cache];
	uint64_t flags = (gfp & SLAB_GFP_KEEP) | s->g.allocflags;
	uint64_t alloc_gfp = (flags | MMC___GFP_NOWARN | MMC___GFP_NORETRY) &
			     ~MMC___GFP_NOFAIL;
	unsigned order = s->g.order, objects = s->g.objects;
	uint64_t pfn;
	struct mmc_zone *z;
	int32_t slot;

	if ((alloc_gfp & MMC___GFP_DIRECT_RECLAIM) && order > s->g.min_order)
		alloc_gfp = (alloc_gfp | MMC___GFP_NOMEMALLOC) &
			    ~MMC___GFP_RECLAIM;
	pfn = alloc_pages_node(m, node, alloc_gfp, order, cpu, MMC_PC_SLAB, res);
	if (pfn == NO_PFN) {
		order = s->g.min_order;
		objects = s->g.min_objects;
		pfn = alloc_pages_node(m, node, flags, order, cpu, MMC_PC_SLAB,
				       res);
	}
	if (pfn == NO_PFN)
		return -1;
	slot = slot_get(s);
	z = pfn_to_zone(m, pfn);
	if (slot < 0 || !z ||
	    u64map_put(&S(m)->by_pfn, pfn, (uint64_t)cache << 32 |
					   (uint32_t)slot) < 0) {
		if (slot >= 0)
			slot_put(s, slot);
		free_pages(m, pfn, order, cpu, NULL);
		return -1;
	}
	struct slab *sl = &s->slabs[slot];
	sl->pfn = pfn;
	sl->next = sl->prev = -1;
	sl->inuse = 0;
	sl->objects = (uint16_t)objects;
	sl->order = (uint8_t)order;
	sl->list = SLAB_FULL;
	sl->node = (uint16_t)z->node;
	uint64_t *map = slab_map(s, slot);
	memset(map, 0, s->map_words * sizeof(*map));
	for (unsigned i = 0; i < objects; i++)
		map[i / 64] |= 1ull << (i % 64);
	set_head(m, pfn, order, true);
	s->node[sl->node].nr_slabs++;
	s->node[sl->node].total_objects += objects;
	slab_pages_account(m, s, sl->node, order, +1);
	if (res)
		res->path |= MMC_PATH_SLAB_NEW;
	return slot;
}

/* __put_partials(): a cpu's partial slabs go to their nodes' partial
 * lists; empty ones are discarded when the node already holds
 * min_partial. */
static void put_partials(struct mmc *m, int cache, int32_t head, int cpu,
			 struct mmc_result *res)
{
	struct kmem_cache *s = S(m)->caches[cache];

	while (head >= 0) {
		struct slab *sl = &s->slabs[head];
		int32_t next = sl->next;

		if (sl->inuse == 0 &&
		    s->node[sl->node].nr_partial >= s->g.min_partial)
			discard_slab(m, cache, head, cpu, res);
		else
			add_partial(s, head, true);
		head = next;
	}
}

/* put_cpu_partial(): push onto this cpu's partial chain; with drain, a
 * chain already holding cpu_partial_slabs is first moved to the nodes. */
static void put_cpu_partial(struct mmc *m, int cache, int32_t slot, int cpu,
			    bool drain, struct mmc_result *res)
{
	struct kmem_cache *s = S(m)->caches[cache];
	struct kmem_cache_cpu *c = &s->cpu[cpu];

	if (c->partial >= 0 && drain &&
	    c->partial_slabs >= s->g.cpu_partial_slabs) {
		int32_t old = c->partial;

		c->partial = -1;
		c->partial_slabs = 0;
		put_partials(m, cache, old, cpu, res);
	}
	s->slabs[slot].list = SLAB_CPU_PARTIAL;
	s->slabs[slot].next = c->partial;
	s->slabs[slot].prev = -1;
	c->partial = slot;
	c->partial_slabs++;
}

/* get_partial_node(): the first partial slab becomes the cpu slab, more
 * go to the cpu partial chain until it holds over cpu_partial_slabs / 2. */
static int32_t get_partial_node(struct mmc *m, int cache, int node, int cpu)
{
	struct kmem_cache *s = S(m)->caches[cache];
	int32_t first = -1;
	uint32_t partial_slabs = 0;

	while (s->node[node].head >= 0) {
		int32_t slot = s->node[node].head;

		remove_partial(s, slot);
		if (first < 0) {
			first = slot;
			if (s->g.cpu_partial_slabs == 0)
				break;
			continue;
		}
		put_cpu_partial(m, cache, slot, cpu, false, NULL);
		if (++partial_slabs > s->g.cpu_partial_slabs / 2)
			break;
	}
	return first;
}

/* get_partial(): the local node, then get_any_partial() over the others
 * in distance order (nodes with more than min_partial partial slabs). */
static int32_t get_partial(struct mmc *m, int cache, int node, int cpu,
			   uint64_t gfp)
{
	struct kmem_cache *s = S(m)->caches[cache];
	int32_t slot = get_partial_node(m, cache, node, cpu);

	uint64_t visited = 1ull << node;

	if (slot >= 0 || (gfp & MMC___GFP_THISNODE) || m->nr_nodes < 2)
		return slot;
	/* other nodes nearest first (distance, then id), as a zonelist */
	for (uint32_t d = 1; d < m->nr_nodes; d++) {
		int best = -1;

		for (uint32_t k = 0; k < m->nr_nodes; k++) {
			if (visited & (1ull << k))
				continue;
			if (best < 0 || m->topo->distance[node][k] <
					m->topo->distance[node][best])
				best = (int)k;
		}
		visited |= 1ull << best;
		if (s->node[best].nr_partial > s->g.min_partial) {
			slot = get_partial_node(m, cache, best, cpu);
			if (slot >= 0)
				return slot;
		}
	}
	return -1;
}

static int first_free_object(struct kmem_cache *s, int32_t slot)
{
	uint64_t *map = slab_map(s, slot);

	for (uint32_t w = 0; w < s->map_words; w++)
		if (map[w])
			return (int)(w * 64 + (uint32_t)__builtin_ctzll(map[w]));
	return -1;
}

static void result_init(struct mmc_result *res)
{
	memset(res, 0, sizeof(*res));
	res->pfn = NO_PFN;
	res->node = -1;
	res->zone = -1;
}

/* Where object idx of a slab lives, as (pfn of its page, offset). */
static void object_handle(const struct kmem_cache *s, const struct slab *sl,
			  int idx, uint64_t *pfn, uint32_t *off)
{
	uint64_t byte = (uint64_t)idx * s->g.size;

	*pfn = sl->pfn + (byte >> PAGE_SHIFT);
	*off = (uint32_t)(byte & ((1u << PAGE_SHIFT) - 1));
}

/*
 * slab_alloc_node() -> ___slab_alloc() with node NUMA_NO_NODE: the cpu
 * slab, else a cpu partial slab, else the node's partial list, else
 * another node's, else a new slab.
 */
int mmc_slab_alloc(struct mmc *m, int cache, uint64_t gfp, int cpu,
		   uint64_t *obj_pfn, uint32_t *obj_off, struct mmc_result *res)
{
	struct kmem_cache *s = get_cache(m, cache);
	struct mmc_result local;
	struct kmem_cache_cpu *c;
	int node;

	if (!res)
		res = &local;
	result_init(res);
	*obj_pfn = NO_PFN;
	*obj_off = 0;
	if (!s)
		return -1;
	if (cpu < 0 || (uint32_t)cpu >= m->nr_cpus)
		cpu = 0;
	c = &s->cpu[cpu];
	node = cpu_to_node(m, cpu);
	for (;;) {
		int32_t slot = c->slab;

		if (slot >= 0) {
			int idx = first_free_object(s, slot);

			if (idx >= 0) {
				struct slab *sl = &s->slabs[slot];

				slab_map(s, slot)[idx / 64] &=
					~(1ull << (idx % 64));
				sl->inuse++;
				s->nr_objects++;
				m->vm.slab_allocs++;
				object_handle(s, sl, idx, obj_pfn, obj_off);
				res->pfn = sl->pfn;
				res->node = sl->node;
				if (res->zone < 0) {
					struct mmc_zone *z =
						pfn_to_zone(m, sl->pfn);
					res->zone = z ? (int)z->type : -1;
				}
				return 0;
			}
			/* get_freelist() found nothing: the slab is full and
			 * leaves the cpu, on no list. */
			s->slabs[slot].list = SLAB_FULL;
			c->slab = -1;
		}
		if (c->partial >= 0) {	/* slub_percpu_partial() */
			slot = c->partial;
			c->partial = s->slabs[slot].next;
			c->partial_slabs--;
		} else {
			slot = get_partial(m, cache, node, cpu, gfp);
			if (slot < 0)
				slot = allocate_slab(m, cache, gfp, node, cpu,
						     res);
			if (slot < 0) {
				res->pfn = NO_PFN;
				return -1;
			}
		}
		s->slabs[slot].list = SLAB_CPU;	/* frozen */
		s->slabs[slot].next = s->slabs[slot].prev = -1;
		c->slab = slot;
	}
}

/* virt_to_slab(): the slab holding the page pfn, as cache << 32 | slot.
 * The heads of orders 0..max_order, nearest first: pfn, then pfn with
 * its set low bits cleared one by one (an order whose bit o - 1 is clear
 * has the head of o - 1, already asked: a hash lookup, often a miss, for
 * the same answer). */
static bool find_slab(const struct mmc *m, uint64_t pfn, uint64_t *cs)
{
	const struct slab_state *st = S(m);
	uint64_t low = pfn & ((1ull << st->max_order) - 1), head = pfn;

	for (;;) {
		uint64_t *v = u64map_get(&st->by_pfn, head);

		if (v) {
			const struct kmem_cache *s = st->caches[*v >> 32];
			const struct slab *sl = &s->slabs[(uint32_t)*v];

			if (pfn < sl->pfn + (1ull << sl->order)) {
				*cs = *v;
				return true;
			}
		}
		if (!low)
			return false;
		head ^= low & -low;
		low &= low - 1;
	}
}

/*
 * __slab_free(): a free into a cpu slab changes nothing else; a full slab
 * becoming partial goes to this cpu's partial chain (put_cpu_partial with
 * drain); a slab on a node's partial list that becomes empty is discarded
 * once the node holds min_partial partial slabs; an empty slab on a cpu
 * partial chain stays there until the chain is drained.
 */
int mmc_slab_free(struct mmc *m, int cache, uint64_t obj_pfn, uint32_t obj_off,
		  int cpu, struct mmc_result *res)
{
	struct mmc_result local;
	struct kmem_cache *s;
	struct slab *sl;
	uint64_t cs, byte;
	int32_t slot;
	uint32_t idx;
	bool was_full;

	if (!res)
		res = &local;
	result_init(res);
	if (!S(m))
		return -1;
	obj_pfn += obj_off >> PAGE_SHIFT;
	obj_off &= (1u << PAGE_SHIFT) - 1;
	if (!find_slab(m, obj_pfn, &cs))
		return -1;
	if (cache >= 0 && (uint64_t)cache != cs >> 32)
		return -1;
	cache = (int)(cs >> 32);
	s = S(m)->caches[cache];
	slot = (int32_t)(uint32_t)cs;
	sl = &s->slabs[slot];
	byte = ((obj_pfn - sl->pfn) << PAGE_SHIFT) + obj_off;
	idx = (uint32_t)(byte / s->g.size);
	if (idx >= sl->objects ||
	    (slab_map(s, slot)[idx / 64] & (1ull << (idx % 64))))
		return -1;	/* past the last object, or a double free */
	if (cpu < 0 || (uint32_t)cpu >= m->nr_cpus)
		cpu = 0;
	res->pfn = sl->pfn;
	res->node = sl->node;
	was_full = sl->inuse == sl->objects;
	slab_map(s, slot)[idx / 64] |= 1ull << (idx % 64);
	sl->inuse--;
	s->nr_objects--;
	m->vm.slab_frees++;

	switch (sl->list) {
	case SLAB_CPU:		/* frozen: FREE_FROZEN / fast path */
	case SLAB_CPU_PARTIAL:	/* prior && !on_node_partial */
		break;
	case SLAB_FULL:
		if (was_full)
			put_cpu_partial(m, cache, slot, cpu, true, res);
		break;
	case SLAB_NODE_PARTIAL:
		if (sl->inuse == 0 &&
		    s->node[sl->node].nr_partial >= s->g.min_partial) {
			remove_partial(s, slot);
			discard_slab(m, cache, slot, cpu, res);
		}
		break;
	}
	return 0;
}

/* ---- kmalloc / kfree -------------------------------------------------- */

/* kmalloc(): a size class, or kmalloc_large() straight to the page
 * allocator with __GFP_COMP, accounted NR_SLAB_UNRECLAIMABLE like the
 * kernel's __kmalloc_large_node().  size 0 allocates nothing (returns 1:
 * ZERO_SIZE_PTR). */
int mmc_kmalloc(struct mmc *m, uint32_t size, uint64_t gfp, int cpu,
		uint64_t *obj_pfn, uint32_t *obj_off, struct mmc_result *res)
{
	struct mmc_result local;
	int cache = mmc_kmalloc_cache(m, size, gfp);
	unsigned order;
	uint64_t pfn;

	if (cache >= 0)
		return mmc_slab_alloc(m, cache, gfp, cpu, obj_pfn, obj_off, res);
	if (!res)
		res = &local;
	result_init(res);
	*obj_pfn = NO_PFN;
	*obj_off = 0;
	if (cache == -2)
		return 1;
	if (!S(m))
		return -1;
	order = kmalloc_large_order(size);
	if (order > MAX_PAGE_ORDER)
		return -1;
	/* __kmalloc_large_node(): kmalloc_fix_flags() drops the
	 * GFP_SLAB_BUG_MASK zone bits; the rest of gfp (a RECLAIMABLE
	 * migratetype included) goes to the page allocator as is. */
	pfn = alloc_pages_node(m, cpu_to_node(m, cpu),
			       (gfp & ~(MMC___GFP_DMA32 | MMC___GFP_HIGHMEM)) |
			       MMC___GFP_COMP, order, cpu, MMC_PC_KERNEL, res);
	if (pfn == NO_PFN)
		return -1;
	if (u64map_put(&S(m)->large, pfn, order) < 0) {
		free_pages(m, pfn, order, cpu, NULL);
		return -1;
	}
	struct mmc_zone *z = pfn_to_zone(m, pfn);
	int node = z ? z->node : 0;
	set_head(m, pfn, order, true);
	m->nodes[node].nr_slab_unreclaimable += 1ull << order;
	res->pfn = pfn;
	*obj_pfn = pfn;
	return 0;
}

/* kfree(): a slab object, or a large kmalloc's pages. */
int mmc_kfree(struct mmc *m, uint64_t obj_pfn, uint32_t obj_off, int cpu,
	      struct mmc_result *res)
{
	struct mmc_result local;
	uint64_t *order, cs;

	if (!S(m))
		return -1;
	obj_pfn += obj_off >> PAGE_SHIFT;
	if (find_slab(m, obj_pfn, &cs))
		return mmc_slab_free(m, (int)(cs >> 32), obj_pfn,
				     obj_off & ((1u << PAGE_SHIFT) - 1), cpu,
				     res);
	if (!res)
		res = &local;
	result_init(res);
	order = u64map_get(&S(m)->large, obj_pfn);
	if (!order || (obj_off & ((1u << PAGE_SHIFT) - 1)))
		return -1;
	unsigned o = (unsigned)*order;
	struct mmc_zone *z = pfn_to_zone(m, obj_pfn);
	int node = z ? z->node : 0;
	u64map_del(&S(m)->large, obj_pfn);
	set_head(m, obj_pfn, o, false);
	m->nodes[node].nr_slab_unreclaimable -= 1ull << o;
	res->pfn = obj_pfn;
	return free_pages(m, obj_pfn, o, cpu, res);
}

/* ---- introspection ----------------------------------------------------- */

int mmc_kmem_cache_stats(const struct mmc *m, int cache,
			 struct mmc_slab_stats *out)
{
	const struct kmem_cache *s = get_cache(m, cache);

	if (!s)
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", s->name);
	out->objects_inuse = s->nr_objects;
	out->min_partial = s->g.min_partial;
	out->cpu_partial = s->g.cpu_partial;
	out->cpu_partial_slabs = s->g.cpu_partial_slabs;
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		out->nr_slabs += s->node[n].nr_slabs;
		out->total_objects += s->node[n].total_objects;
		out->nr_partial += s->node[n].nr_partial;
	}
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		out->cpu_slabs += s->cpu[c].slab >= 0;
		out->cpu_partial_total += s->cpu[c].partial_slabs;
	}
	for (uint32_t i = 0; i < s->nr_slots; i++)
		if (s->slabs[i].list != SLAB_FREE_SLOT)
			out->pages += 1ull << s->slabs[i].order;
	return 0;
}

size_t slab_memory_bytes(const struct mmc *m)
{
	const struct slab_state *st = S(m);
	size_t b;

	if (!st)
		return 0;
	b = sizeof(*st) + st->cap_caches * sizeof(*st->caches) +
	    u64map_bytes(&st->by_pfn) + u64map_bytes(&st->large);
	for (uint32_t i = 0; i < st->nr_caches; i++) {
		const struct kmem_cache *s = st->caches[i];

		b += sizeof(*s) + s->cap_slots * (sizeof(struct slab) +
			s->map_words * sizeof(uint64_t)) +
		     m->nr_cpus * sizeof(*s->cpu) +
		     m->nr_nodes * sizeof(*s->node);
	}
	return b;
}

/* ---- consistency check (tests) --------------------------------------- */

static int check_cache(const struct mmc *m, const struct kmem_cache *s,
		       uint64_t *pages, uint64_t *slabs)
{
	uint64_t inuse = 0, nr_partial[MMC_MAX_NODES] = { 0 };
	uint64_t nr_slabs[MMC_MAX_NODES] = { 0 }, on_cpu = 0, on_cpu_partial = 0;

	for (uint32_t i = 0; i < s->nr_slots; i++) {
		const struct slab *sl = &s->slabs[i];
		const uint64_t *map = &s->map[(size_t)i * s->map_words];
		uint32_t nfree = 0;

		if (sl->list == SLAB_FREE_SLOT)
			continue;
		for (uint32_t w = 0; w < s->map_words; w++)
			nfree += (uint32_t)__builtin_popcountll(map[w]);
		if (nfree + sl->inuse != sl->objects || sl->node >= m->nr_nodes)
			return -1;
		/* a full slab is never on a partial list */
		if (sl->inuse == sl->objects && (sl->list == SLAB_NODE_PARTIAL ||
						 sl->list == SLAB_CPU_PARTIAL))
			return -1;
		if (sl->list == SLAB_FULL && sl->inuse != sl->objects)
			return -1;
		const uint64_t *v = u64map_get(&S(m)->by_pfn, sl->pfn);
		if (!v || (uint32_t)*v != i || S(m)->caches[*v >> 32] != s)
			return -1;
		inuse += sl->inuse;
		nr_slabs[sl->node]++;
		nr_partial[sl->node] += sl->list == SLAB_NODE_PARTIAL;
		on_cpu += sl->list == SLAB_CPU;
		on_cpu_partial += sl->list == SLAB_CPU_PARTIAL;
		*pages += 1ull << sl->order;
		(*slabs)++;
	}
	if (inuse != s->nr_objects)
		return -1;
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		uint64_t len = 0;

		for (int32_t x = s->node[n].head; x >= 0; x = s->slabs[x].next)
			if (++len > s->nr_slots)
				return -1;
		if (len != nr_partial[n] || len != s->node[n].nr_partial ||
		    nr_slabs[n] != s->node[n].nr_slabs)
			return -1;
	}
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		uint64_t len = 0;

		for (int32_t x = s->cpu[c].partial; x >= 0; x = s->slabs[x].next)
			if (++len > s->nr_slots)
				return -1;
		if (len != s->cpu[c].partial_slabs)
			return -1;
		on_cpu_partial -= len;
		on_cpu -= s->cpu[c].slab >= 0;
	}
	return on_cpu == 0 && on_cpu_partial == 0 ? 0 : -1;
}

/* Every cache's lists, counts and bitmaps agree, the pfn map holds
 * exactly the live slabs and the page counters match.  0 or -1. */
int slab_check(const struct mmc *m)
{
	const struct slab_state *st = S(m);
	uint64_t pages = 0, slabs = 0, counted = 0;

	if (!st)
		return -1;
	for (uint32_t i = 0; i < st->nr_caches; i++)
		if (check_cache(m, st->caches[i], &pages, &slabs) < 0)
			return -1;
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		counted += m->nodes[n].nr_slab_reclaimable +
			   m->nodes[n].nr_slab_unreclaimable;
	for (uint64_t it = 0, k, v; u64map_next(&st->large, &it, &k, &v);)
		pages += 1ull << v;	/* large kmalloc counts as slab */
	if (slabs != st->by_pfn.nr || counted != pages)
		return -1;
	return 0;
}
