/* SPDX-License-Identifier: MIT */
/*
 * reclaim.c: LRU lists, kswapd, direct reclaim and node_reclaim, after
 * mm/vmscan.c of a 6.x kernel (classic two-list LRU, not MGLRU).
 *
 * LRU lists.  The kernel links folios through struct page; that costs 16
 * bytes a page, so each of the four lists of a node (the lruvec) is a FIFO
 * ring of 32-bit entries instead, one per folio, naming its list, the
 * folio's head pfn relative to the node and its order:
 *
 *	entry = list << 30 | ((rel_pfn << 1) + (1 << order) - 1)
 *
 * (the head is aligned to its order, so the run of low one bits gives the
 * order back; rel_pfn < 2^29: nodes up to 2 TiB).  The oldest entry sits
 * at the ring's head: that is the kernel's list tail, where
 * shrink_*_list() isolate from.
 *
 * A ring cannot unlink from the middle, so a folio that leaves its list
 * (freed, migrated, activated by a touch) leaves its entry behind and the
 * entry's value goes into a per-node `stale` set; a stale entry is dropped
 * when popped.  When a folio comes back to the list where a stale entry
 * of the same value still queues, it takes that entry over instead of
 * queueing a second one.  So every LRU folio owns exactly one live entry,
 * in the ring of its list, and no two queued entries share a value.  When
 * stale entries are an eighth of all entries, the rings are rebuilt
 * without them.
 * Memory: 4 bytes per LRU folio in the rings at their largest (they keep
 * their memory: ring_grow()), plus growth slack and the stale entries
 * (bench/reclaim_speed: 9.8 bytes per LRU page after random churn, the
 * rings sized for the 917,504 pages added first); nothing per non-LRU
 * page.
 *
 * Folio order: on PG_HEAD folios (order > 0) the LRU bits of the first two
 * tail pages (which never need their own) hold the order; see
 * folio_set_order().
 *
 * File pages are clean and unmapped unless told otherwise
 * (lru_set_dirty / lru_set_mapped, kept as per-node sets of folio heads,
 * since the trace rarely says); anon pages are always mapped and need a
 * write to swap to be reclaimed.  Swap: none unless mmc_set_swap() says
 * so (the recording host's SwapTotal; the development host has none), and
 * without swap the anon lists are not scanned, as get_scan_count() does.
 */
#include <stdlib.h>
#include <string.h>
#include "vmscan.h"
#include "hugemem.h"

#define NODE_RECLAIM_PRIORITY	4
#define MAX_SWAPPINESS		200

enum lru_list { LRU_INACTIVE_ANON, LRU_ACTIVE_ANON, LRU_INACTIVE_FILE,
		LRU_ACTIVE_FILE, NR_LRU_LISTS };

#define DEACTIVATE_ANON 1
#define DEACTIVATE_FILE 2

/* ---- small containers ---------------------------------------------------- */

struct lru_ring {
	uint32_t *e;
	uint32_t cap, head, len;
};

/* Open-addressing set of 32-bit keys (UINT32_MAX never occurs as a key:
 * no entry encodes to it, and relative pfns stay below 2^31). */
struct u32set {
	uint32_t *slot;
	uint32_t cap, nr;	/* cap: power of two or 0 */
};

#define SET_EMPTY UINT32_MAX

/* The stale set: one bit per (order-0 entry's pfn, list), four bits a
 * pfn, in chunks allocated on first use; entries of order > 0 folios (far
 * fewer) and any a chunk could not be allocated for go to the hash set
 * `over`.  A bit is one cache line near the page's other state where a
 * hash slot was a miss in a set of megabytes, and ring compaction tests
 * bits instead of probing. */
#define STALE_CHUNK_SHIFT 16			/* 64 Ki bits: 8 KiB */
#define STALE_CHUNK_BITS (1u << STALE_CHUNK_SHIFT)

struct stale_set {
	uint64_t **chunk;	/* nr_chunks, NULL until a bit is set in it */
	uint32_t *chunk_nr;	/* bits set per chunk */
	uint32_t nr_chunks;
	uint32_t nr;		/* members: bits set + over.nr */
	struct u32set over;
};

struct lruvec {
	uint64_t base_pfn;			/* pfn of rel 0 */
	uint64_t end_pfn;
	struct lru_ring ring[NR_LRU_LISTS];
	uint64_t nr_pages[NR_LRU_LISTS];	/* lruvec_page_state */
	/* zone_page_state(NR_ZONE_LRU_BASE + lru) of each zone: what
	 * get_scan_count() sizes the lists by (lruvec_lru_size) */
	uint64_t zone_pages[MMC_NR_ZONE_TYPES][NR_LRU_LISTS];
	struct stale_set stale;			/* entries of departed folios */
	struct u32set dirty, mapped;		/* file folio heads (rel) */
	struct u32set reclaim;			/* PG_reclaim: met dirty */
	uint64_t nr_file_dirty, nr_file_mapped;	/* NR_FILE_DIRTY/_MAPPED */
	uint64_t anon_cost, file_cost;		/* lru_note_cost() */
	/* the node's shared memcg walk (mem_cgroup_reclaim_iter) stands
	 * past the workload's group: see memcg_walk_visits() */
	bool memcg_iter_past;
};

struct reclaim_global {
	uint64_t total_swap_pages;
	bool memcg_partial_walk;	/* mmc_set_memcg_walk() */
};

/* Ring memory comes straight from mmap and is resized with mremap: a
 * growing ring of megabytes keeps its pages (moved, not copied into fresh
 * ones, each first touch a page fault; in a VM a host fault), and a ring
 * is never shrunk: a workload that frees its memory and takes it again
 * (every loop of bench/faultloop) would fault the same megabytes in again
 * at each turn.  Measured on a policy replay of bench/replay.sh's trace:
 * ring growth took 2,550 of its 8,085 page faults before.  The rings
 * stay at their largest, 4 bytes per folio the lists ever held plus the
 * stale entries, at most an eighth more.  A capacity fills whole pages. */
static size_t ring_bytes(uint64_t cap)
{
	size_t pg = 4096;

	return ((size_t)cap * sizeof(uint32_t) + pg - 1) & ~(pg - 1);
}

static uint32_t *ring_mem_resize(uint32_t *e, uint32_t old_cap, size_t bytes)
{
	void *p;

	if (!e)
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else
		p = mremap(e, ring_bytes(old_cap), bytes, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return NULL;
	hugemem_advise(p, bytes);
	return p;
}

static void ring_mem_free(struct lru_ring *r)
{
	if (r->e)
		munmap(r->e, ring_bytes(r->cap));
	r->e = NULL;
	r->cap = r->head = r->len = 0;
}

/* A full ring grows by half.  Its entries wrap round the old end when
 * head > 0: the shorter of the two runs moves so that they are in order
 * again in the larger ring. */
static int ring_grow(struct lru_ring *r)
{
	uint64_t want = r->cap < 1024 ? 1024 : (uint64_t)r->cap + r->cap / 2;
	size_t bytes = ring_bytes(want > UINT32_MAX / 2 ? UINT32_MAX / 2 : want);
	uint32_t old = r->cap, ncap = (uint32_t)(bytes / sizeof(uint32_t));
	uint32_t *ne;

	if (ncap <= old || !(ne = ring_mem_resize(r->e, old, bytes)))
		return -1;
	r->e = ne;
	r->cap = ncap;
	if (r->head + r->len > old) {
		uint32_t wrapped = r->head + r->len - old;	/* at [0, wrapped) */
		uint32_t tail = old - r->head;		/* at [head, old) */

		if (wrapped <= ncap - old) {
			memcpy(ne + old, ne, wrapped * sizeof(*ne));
		} else {
			memmove(ne + ncap - tail, ne + r->head,
				tail * sizeof(*ne));
			r->head = ncap - tail;
		}
	}
	return 0;
}

static int ring_push(struct lru_ring *r, uint32_t e)
{
	if (r->len == r->cap && ring_grow(r))
		return -1;
	uint32_t at = r->head + r->len;	/* < 2 * cap: no division */

	r->e[at >= r->cap ? at - r->cap : at] = e;
	r->len++;
	return 0;
}

/* At the oldest end: the next entry ring_pop() hands out. */
static int ring_push_front(struct lru_ring *r, uint32_t e)
{
	if (ring_push(r, e))
		return -1;
	/* ring_push put it at the newest end: rotate it round to the head
	 * (the ring is full or has room at the slot before head alike) */
	r->len--;
	r->head = r->head ? r->head - 1 : r->cap - 1;
	r->e[r->head] = e;
	r->len++;
	return 0;
}

static bool ring_pop(struct lru_ring *r, uint32_t *e)
{
	if (!r->len)
		return false;
	*e = r->e[r->head];
	r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
	r->len--;
	return true;
}

/* Fibonacci hashing, taking the high half of a 64-bit product: the low
 * bits of k * C depend only on the low bits of k, and entries differ
 * mostly in their high bits (list) and are even for order-0 folios, so a
 * low-bit hash used half the slots and made long probe chains. */
static uint32_t set_hash(uint32_t k, uint32_t mask)
{
	return (uint32_t)(((uint64_t)k * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

static bool set_has(const struct u32set *s, uint32_t k)
{
	if (!s->nr)
		return false;
	uint32_t mask = s->cap - 1;
	for (uint32_t i = set_hash(k, mask);; i = (i + 1) & mask) {
		if (s->slot[i] == k)
			return true;
		if (s->slot[i] == SET_EMPTY)
			return false;
	}
}

static int set_grow(struct u32set *s)
{
	uint32_t ncap = s->cap ? s->cap * 2 : 64;
	uint32_t *ns = malloc((size_t)ncap * sizeof(*ns));

	if (!ns)
		return -1;
	memset(ns, 0xff, (size_t)ncap * sizeof(*ns));
	for (uint32_t i = 0; i < s->cap; i++) {
		uint32_t k = s->slot[i];
		if (k == SET_EMPTY)
			continue;
		uint32_t j = set_hash(k, ncap - 1);
		while (ns[j] != SET_EMPTY)
			j = (j + 1) & (ncap - 1);
		ns[j] = k;
	}
	free(s->slot);
	s->slot = ns;
	s->cap = ncap;
	return 0;
}

static int set_add(struct u32set *s, uint32_t k)
{
	if ((s->nr + 1) * 2 > s->cap && set_grow(s))
		return -1;
	uint32_t mask = s->cap - 1;
	uint32_t i = set_hash(k, mask);
	while (s->slot[i] != SET_EMPTY) {
		if (s->slot[i] == k)
			return 0;
		i = (i + 1) & mask;
	}
	s->slot[i] = k;
	s->nr++;
	return 0;
}

/* Linear probing removal with backward shift (no tombstones). */
static bool set_del(struct u32set *s, uint32_t k)
{
	if (!s->nr)
		return false;
	uint32_t mask = s->cap - 1;
	uint32_t i = set_hash(k, mask);
	while (s->slot[i] != k) {
		if (s->slot[i] == SET_EMPTY)
			return false;
		i = (i + 1) & mask;
	}
	for (uint32_t j = (i + 1) & mask; s->slot[j] != SET_EMPTY;
	     j = (j + 1) & mask) {
		uint32_t h = set_hash(s->slot[j], mask);
		/* move slot j back to i unless its home lies in (i, j] */
		bool home_between = i <= j ? (h > i && h <= j) : (h > i || h <= j);
		if (!home_between) {
			s->slot[i] = s->slot[j];
			i = j;
		}
	}
	s->slot[i] = SET_EMPTY;
	s->nr--;
	return true;
}

/* ---- page state helpers -------------------------------------------------- */

static struct lruvec *node_lruvec(struct mmc *m, int nid)
{
	return m->nodes[nid].reclaim;
}

#define LRU_REL_LIMIT (1ull << 29)
#define ENTRY_LIST_SHIFT 30

static uint32_t lru_entry(const struct lruvec *lv, enum lru_list l,
			  uint64_t pfn, unsigned order)
{
	return (uint32_t)l << ENTRY_LIST_SHIFT |
	       (uint32_t)(((pfn - lv->base_pfn) << 1) + (1u << order) - 1);
}

static uint64_t entry_pfn(const struct lruvec *lv, uint32_t e,
			  unsigned *order)
{
	e &= (1u << ENTRY_LIST_SHIFT) - 1;
	unsigned k = (unsigned)__builtin_ctz(~e);

	*order = k;
	return lv->base_pfn + ((uint64_t)(e >> (k + 1)) << k);
}

/* ---- the stale set --------------------------------------------------- */

/* Chunk and bit of entry e, or false when e has no bit (order > 0, or
 * beyond the node's span). */
static bool stale_bit_pos(const struct stale_set *st, uint32_t e,
			  uint32_t *c, uint32_t *b)
{
	uint32_t x = e & ((1u << ENTRY_LIST_SHIFT) - 1);

	if (x & 1)
		return false;
	uint64_t bit = (uint64_t)(x >> 1) * NR_LRU_LISTS +
		       (e >> ENTRY_LIST_SHIFT);
	if ((bit >> STALE_CHUNK_SHIFT) >= st->nr_chunks)
		return false;
	*c = (uint32_t)(bit >> STALE_CHUNK_SHIFT);
	*b = (uint32_t)(bit & (STALE_CHUNK_BITS - 1));
	return true;
}

static bool stale_bit(const struct stale_set *st, uint32_t c, uint32_t b)
{
	return st->chunk[c] && (st->chunk[c][b / 64] >> (b % 64) & 1);
}

static bool stale_has(const struct stale_set *st, uint32_t e)
{
	uint32_t c, b;

	if (stale_bit_pos(st, e, &c, &b) && stale_bit(st, c, b))
		return true;
	return set_has(&st->over, e);
}

static int stale_add(struct stale_set *st, uint32_t e)
{
	uint32_t c, b;

	if (stale_has(st, e))
		return 0;
	if (stale_bit_pos(st, e, &c, &b)) {
		if (!st->chunk[c])
			st->chunk[c] = calloc(STALE_CHUNK_BITS / 64,
					      sizeof(uint64_t));
		if (st->chunk[c]) {
			st->chunk[c][b / 64] |= 1ull << (b % 64);
			st->chunk_nr[c]++;
			st->nr++;
			return 0;
		}
	}
	if (set_add(&st->over, e))
		return -1;
	st->nr++;
	return 0;
}

static bool stale_del(struct stale_set *st, uint32_t e)
{
	uint32_t c, b;

	if (stale_bit_pos(st, e, &c, &b) && stale_bit(st, c, b)) {
		st->chunk[c][b / 64] &= ~(1ull << (b % 64));
		st->chunk_nr[c]--;
		st->nr--;
		return true;
	}
	if (!set_del(&st->over, e))
		return false;
	st->nr--;
	return true;
}

/* Room for bits of every order-0 entry of a node spanning `span` pfns;
 * without it (out of memory) every entry goes to the hash set. */
static void stale_init(struct stale_set *st, uint64_t span)
{
	uint64_t n = (span * NR_LRU_LISTS + STALE_CHUNK_BITS - 1) >>
		     STALE_CHUNK_SHIFT;

	memset(st, 0, sizeof(*st));
	if (!n || n > UINT32_MAX)
		return;
	st->chunk = calloc(n, sizeof(*st->chunk));
	st->chunk_nr = calloc(n, sizeof(*st->chunk_nr));
	if (!st->chunk || !st->chunk_nr) {
		free(st->chunk);
		free(st->chunk_nr);
		st->chunk = NULL;
		st->chunk_nr = NULL;
		return;
	}
	st->nr_chunks = (uint32_t)n;
}

/* Empty the set; chunks stay allocated (zeroed), the hash set goes. */
static void stale_clear(struct stale_set *st)
{
	for (uint32_t c = 0; c < st->nr_chunks; c++)
		if (st->chunk_nr[c]) {
			memset(st->chunk[c], 0,
			       STALE_CHUNK_BITS / 64 * sizeof(uint64_t));
			st->chunk_nr[c] = 0;
		}
	free(st->over.slot);
	memset(&st->over, 0, sizeof(st->over));
	st->nr = 0;
}

static void stale_free(struct stale_set *st)
{
	for (uint32_t c = 0; c < st->nr_chunks; c++)
		free(st->chunk[c]);
	free(st->chunk);
	free(st->chunk_nr);
	free(st->over.slot);
	memset(st, 0, sizeof(*st));
}

static size_t stale_bytes(const struct stale_set *st)
{
	size_t b = (size_t)st->nr_chunks *
		   (sizeof(*st->chunk) + sizeof(*st->chunk_nr)) +
		   (size_t)st->over.cap * sizeof(uint32_t);

	for (uint32_t c = 0; c < st->nr_chunks; c++)
		if (st->chunk[c])
			b += STALE_CHUNK_BITS / 8;
	return b;
}

/* The order of an LRU folio lives in the LRU bits of its first tail pages
 * (as the kernel keeps folio order in the first tail page): tail 1 holds
 * min(order - 1, 7) in ACTIVE/REFERENCED/WORKINGSET, tail 2 holds
 * order - 8 when that is 7.  Tails keep PG_LRU. */
#define TAIL_SHIFT 12
#define TAIL_MASK (PG_ACTIVE | PG_REFERENCED | PG_WORKINGSET)

static void folio_set_order(struct mmc_zone *z, uint32_t idx, unsigned order)
{
	if (!order) {
		z->page[idx] &= (pgstate_t)~PG_HEAD;
		return;
	}
	z->page[idx] |= PG_HEAD;
	unsigned v1 = order - 1 < 7 ? order - 1 : 7;
	z->page[idx + 1] = (pgstate_t)((z->page[idx + 1] & ~TAIL_MASK) |
				       (v1 << TAIL_SHIFT));
	if (v1 == 7)
		z->page[idx + 2] = (pgstate_t)((z->page[idx + 2] & ~TAIL_MASK) |
					       ((order - 8) << TAIL_SHIFT));
}

static unsigned folio_order_at(const struct mmc_zone *z, uint32_t idx)
{
	if (!(z->page[idx] & PG_HEAD) || idx + 1 >= z->nr_idx)
		return 0;
	unsigned v1 = (z->page[idx + 1] & TAIL_MASK) >> TAIL_SHIFT;
	if (v1 < 7)
		return v1 + 1;
	return 8 + ((z->page[idx + 2] & TAIL_MASK) >> TAIL_SHIFT);
}

/* Head idx of the LRU folio holding idx (idx itself for order 0). */
static uint32_t folio_head_idx(const struct mmc_zone *z, uint32_t idx)
{
	uint32_t low = idx & ((1u << MAX_PAGE_ORDER) - 1), h = idx;

	if (z->page[idx] & PG_HEAD)
		return idx;
	/* The candidates, nearest first: idx with its low k bits cleared,
	 * k = 1..MAX_PAGE_ORDER.  Only a k whose bit k - 1 is set gives a
	 * new one, so clear the set bits one by one: a loop per set bit
	 * (testing every k mispredicted half of its branches on an order-0
	 * page, which asks them all) */
	while (low) {
		uint32_t b = low & -low;

		low ^= b;
		h ^= b;
		if ((z->page[h] & (PG_HEAD | PG_LRU)) == (PG_HEAD | PG_LRU) &&
		    idx < h + (1u << folio_order_at(z, h)))
			return h;
	}
	return idx;
}

unsigned lru_folio_order(const struct mmc_zone *z, uint32_t head_idx)
{
	return folio_order_at(z, head_idx);
}

uint32_t lru_folio_head(const struct mmc_zone *z, uint32_t idx)
{
	return folio_head_idx(z, idx);
}

static enum lru_list folio_lru_list(pgstate_t s)
{
	bool file = page_class(s) == MMC_PC_FILE;
	bool active = s & PG_ACTIVE;

	return (enum lru_list)(file * 2 + active);
}

static bool is_file_lru(enum lru_list l)
{
	return l >= LRU_INACTIVE_FILE;
}

static bool is_active_lru(enum lru_list l)
{
	return l == LRU_ACTIVE_ANON || l == LRU_ACTIVE_FILE;
}

/* update_lru_size(): a list's size on the node and in the folio's zone
 * change together (nr wraps for a decrease). */
static void update_lru_size(struct lruvec *lv, const struct mmc_zone *z,
			    enum lru_list l, uint64_t nr)
{
	lv->nr_pages[l] += nr;
	lv->zone_pages[z->type][l] += nr;
}

/* lruvec_lru_size(): the pages of list l in zones up to zone_idx, the
 * ones a reclaim for that zone can take. */
static uint64_t lruvec_lru_size(const struct lruvec *lv, enum lru_list l,
				int zone_idx)
{
	uint64_t nr = 0;

	for (int t = 0; t <= zone_idx && t < MMC_NR_ZONE_TYPES; t++)
		nr += lv->zone_pages[t][l];
	return nr;
}

/* ---- init ---------------------------------------------------------------- */

int reclaim_init(struct mmc *m)
{
	struct reclaim_global *g = calloc(1, sizeof(*g));

	if (!g)
		return -1;
	m->reclaim = g;
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++) {
		struct mmc_node *n = &m->nodes[nid];
		struct lruvec *lv = calloc(1, sizeof(*lv));

		if (!lv)
			return -1;
		n->reclaim = lv;
		lv->base_pfn = UINT64_MAX;
		for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
			struct mmc_zone *z = &n->zones[t];
			if (!z->nr_idx)
				continue;
			if (z->base_pfn < lv->base_pfn)
				lv->base_pfn = z->base_pfn;
			if (z->base_pfn + z->nr_idx > lv->end_pfn)
				lv->end_pfn = z->base_pfn + z->nr_idx;
		}
		if (lv->base_pfn == UINT64_MAX)
			lv->base_pfn = 0;
		stale_init(&lv->stale, lv->end_pfn > lv->base_pfn ?
				       lv->end_pfn - lv->base_pfn : 0);
		n->kswapd_highest_zoneidx = -1;
	}
	return 0;
}

static void lruvec_free(struct lruvec *lv)
{
	if (!lv)
		return;
	for (int l = 0; l < NR_LRU_LISTS; l++)
		ring_mem_free(&lv->ring[l]);
	stale_free(&lv->stale);
	free(lv->dirty.slot);
	free(lv->reclaim.slot);
	free(lv->mapped.slot);
	free(lv);
}

void reclaim_destroy(struct mmc *m)
{
	for (uint32_t nid = 0; m->nodes && nid < m->nr_nodes; nid++) {
		lruvec_free(m->nodes[nid].reclaim);
		m->nodes[nid].reclaim = NULL;
	}
	free(m->reclaim);
	m->reclaim = NULL;
}

int mmc_set_swap(struct mmc *m, uint64_t swap_pages)
{
	struct reclaim_global *g = m->reclaim;

	if (!g)
		return -1;
	g->total_swap_pages = swap_pages;
	return 0;
}

int mmc_set_memcg_walk(struct mmc *m, int partial)
{
	struct reclaim_global *g = m ? m->reclaim : NULL;

	if (!g)
		return -1;
	g->memcg_partial_walk = partial != 0;
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++) {
		struct lruvec *lv = m->nodes[nid].reclaim;

		if (lv)
			lv->memcg_iter_past = false;
	}
	return 0;
}

/* can_reclaim_anon_pages(): swap space exists.  Simplified: the swap
 * device's fill level is not tracked (get_nr_swap_pages() is taken as
 * total_swap_pages). */
static bool can_reclaim_anon_pages(const struct mmc *m)
{
	const struct reclaim_global *g = m->reclaim;

	return g && g->total_swap_pages > 0;
}

/* ---- adding, removing, touching ------------------------------------------ */

/* Rebuild the rings without stale entries once they are many (the rings
 * keep their memory: see ring_grow()). */
static void lruvec_compact_rings(struct lruvec *lv)
{
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		struct lru_ring *r = &lv->ring[l];
		uint32_t n = 0;
		/* unwrapped by the caller: head + len <= cap */
		for (uint32_t i = 0; i < r->len; i++) {
			uint32_t e = r->e[r->head + i];

			if (!stale_has(&lv->stale, e))
				r->e[n++] = e;	/* n <= i: no overwrite ahead */
		}
		r->head = 0;
		r->len = n;
	}
	stale_clear(&lv->stale);
}

/* a[0..n) in reverse order. */
static void reverse(uint32_t *a, uint32_t n)
{
	for (uint32_t i = 0, j = n; i + 1 < j; i++, j--) {
		uint32_t t = a[i];

		a[i] = a[j - 1];
		a[j - 1] = t;
	}
}

/* The in-place rebuild above needs unwrapped rings: in place, by three
 * reversals, the ring rotated left by head. */
static void ring_unwrap(struct lru_ring *r)
{
	if (!r->len || r->head + r->len <= r->cap)
		return;
	reverse(r->e, r->head);
	reverse(r->e + r->head, r->cap - r->head);
	reverse(r->e, r->cap);
	r->head = 0;
}

/* Rebuild once stale entries are an eighth of all entries: amortized,
 * each stale entry costs eight entry copies at most. */
static void lruvec_maybe_compact(struct lruvec *lv)
{
	uint64_t entries = 0;

	for (int l = 0; l < NR_LRU_LISTS; l++)
		entries += lv->ring[l].len;
	if (lv->stale.nr < 1024 || (uint64_t)lv->stale.nr * 8 < entries)
		return;
	for (int l = 0; l < NR_LRU_LISTS; l++)
		ring_unwrap(&lv->ring[l]);
	lruvec_compact_rings(lv);
}

/* Queue a folio on list l (newest end), taking over a stale entry of the
 * same value if one still queues there. */
static void lruvec_queue(struct lruvec *lv, enum lru_list l, uint64_t pfn,
			 unsigned order)
{
	uint32_t e = lru_entry(lv, l, pfn, order);

	if (stale_del(&lv->stale, e))
		return;
	if (ring_push(&lv->ring[l], e)) {
		/* Out of memory: the folio stays on the LRU by its bits but
		 * will not be scanned.  Never reached in practice. */
	}
}

/* Move a folio that is on list `from` (its entry queued) to list `to`:
 * counts, PG_ACTIVE, and the entry. */
static void folio_move_list(struct lruvec *lv, struct mmc_zone *z,
			    uint32_t idx, enum lru_list from, enum lru_list to)
{
	uint64_t pfn = idx_to_pfn(z, idx);
	unsigned order = folio_order_at(z, idx);

	update_lru_size(lv, z, from, -(1ull << order));
	update_lru_size(lv, z, to, 1ull << order);
	if (is_active_lru(to))
		z->page[idx] |= PG_ACTIVE;
	else
		z->page[idx] &= (pgstate_t)~PG_ACTIVE;
	stale_add(&lv->stale, lru_entry(lv, from, pfn, order));
	lruvec_queue(lv, to, pfn, order);
}

static void file_state_forget(struct lruvec *lv, uint64_t pfn,
			      unsigned order)
{
	uint32_t key = (uint32_t)(pfn - lv->base_pfn);

	if (set_del(&lv->dirty, key))
		lv->nr_file_dirty -= 1ull << order;
	if (set_del(&lv->mapped, key))
		lv->nr_file_mapped -= 1ull << order;
	set_del(&lv->reclaim, key);
}

void lru_add(struct mmc *m, uint64_t pfn, unsigned order, int cls)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z || (cls != MMC_PC_ANON && cls != MMC_PC_FILE))
		return;
	struct lruvec *lv = node_lruvec(m, z->node);
	uint32_t idx = pfn_to_idx(z, pfn);
	if (!lv || (z->page[idx] & PG_LRU) ||
	    pfn - lv->base_pfn >= LRU_REL_LIMIT)
		return;
	uint32_t nr = 1u << order;
	for (uint32_t i = 0; i < nr; i++)
		z->page[idx + i] = (pgstate_t)((z->page[idx + i] & ~PG_LRU_BITS) |
					       PG_LRU);
	folio_set_order(z, idx, order);
	/* New folios start on the inactive list (folio_add_lru; anon too
	 * since 5.9). */
	enum lru_list l = cls == MMC_PC_FILE ? LRU_INACTIVE_FILE
					    : LRU_INACTIVE_ANON;
	update_lru_size(lv, z, l, nr);
	lruvec_queue(lv, l, pfn, order);
}

/* Take the folio headed at idx off the LRU (its entry goes stale). */
static void lru_del_folio(struct mmc_zone *z, struct lruvec *lv,
			  uint32_t idx)
{
	pgstate_t s = z->page[idx];
	unsigned order = folio_order_at(z, idx);
	uint64_t pfn = idx_to_pfn(z, idx);
	uint32_t nr = 1u << order;

	update_lru_size(lv, z, folio_lru_list(s), -(uint64_t)nr);
	if (page_class(s) == MMC_PC_FILE)
		file_state_forget(lv, pfn, order);
	for (uint32_t i = 0; i < nr && idx + i < z->nr_idx; i++)
		z->page[idx + i] &= (pgstate_t)~PG_LRU_BITS;
	stale_add(&lv->stale, lru_entry(lv, folio_lru_list(s), pfn, order));
}

void mmc_prefetch_page(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);
	struct lruvec *lv;
	uint64_t bit;

	if (!z)
		return;
	__builtin_prefetch(&z->page[pfn_to_idx(z, pfn)]);
	lv = node_lruvec(m, z->node);
	if (!lv || pfn < lv->base_pfn || pfn >= lv->end_pfn)
		return;
	/* the stale bits of an order-0 entry, all lists: lru_del_folio */
	bit = (pfn - lv->base_pfn) * NR_LRU_LISTS;
	if ((bit >> STALE_CHUNK_SHIFT) < lv->stale.nr_chunks &&
	    lv->stale.chunk[bit >> STALE_CHUNK_SHIFT])
		__builtin_prefetch(&lv->stale.chunk[bit >> STALE_CHUNK_SHIFT]
				   [(bit & (STALE_CHUNK_BITS - 1)) / 64]);
}

void lru_del(struct mmc *m, uint64_t pfn, unsigned order)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return;
	struct lruvec *lv = node_lruvec(m, z->node);
	uint32_t idx = pfn_to_idx(z, pfn);
	uint32_t end = idx + (1u << order);
	if (end > z->nr_idx)
		end = z->nr_idx;
	while (idx < end) {
		if (!(z->page[idx] & PG_LRU)) {
			idx++;
			continue;
		}
		uint32_t h = folio_head_idx(z, idx);
		unsigned fo = folio_order_at(z, h);
		lru_del_folio(z, lv, h);
		idx = h + (1u << fo);
	}
	lruvec_maybe_compact(lv);
}

/* mark_page_accessed(): inactive,unreferenced -> inactive,referenced ->
 * active,unreferenced; active,unreferenced -> active,referenced.  The
 * single PG_REFERENCED bit stands for both PG_referenced and the young
 * bits of mapped pages. */
void lru_touch(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return;
	uint32_t idx = pfn_to_idx(z, pfn);
	if (!(z->page[idx] & PG_LRU))
		return;
	idx = folio_head_idx(z, idx);
	pgstate_t s = z->page[idx];
	if (!(s & PG_REFERENCED)) {
		z->page[idx] = s | PG_REFERENCED;
		return;
	}
	if (s & PG_ACTIVE)
		return;
	enum lru_list l = folio_lru_list(s);
	z->page[idx] = (pgstate_t)(s & ~PG_REFERENCED);
	struct lruvec *lv = node_lruvec(m, z->node);
	folio_move_list(lv, z, idx, l, (enum lru_list)(l + 1));
	count_vm_events(m, MMC_PGACTIVATE, 1ull << folio_order_at(z, idx));
	lruvec_maybe_compact(lv);
}

static struct lruvec *file_folio(struct mmc *m, uint64_t pfn,
				 struct mmc_zone **zp, uint32_t *hidx)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return NULL;
	uint32_t idx = pfn_to_idx(z, pfn);
	if (!(z->page[idx] & PG_LRU) || page_class(z->page[idx]) != MMC_PC_FILE)
		return NULL;
	*zp = z;
	*hidx = folio_head_idx(z, idx);
	return node_lruvec(m, z->node);
}

/* Sets or clears a file folio's dirty or mapped mark: the pages whose
 * mark changed (0 when none did, or pfn is no file LRU folio); *head,
 * when given, is the folio's head. */
static uint64_t file_flag(struct mmc *m, uint64_t pfn, bool on, bool dirty,
			  uint64_t *head)
{
	struct mmc_zone *z;
	uint32_t h;
	struct lruvec *lv = file_folio(m, pfn, &z, &h);

	if (!lv)
		return 0;
	uint32_t key = (uint32_t)(idx_to_pfn(z, h) - lv->base_pfn);
	uint64_t nr = 1ull << folio_order_at(z, h);
	struct u32set *s = dirty ? &lv->dirty : &lv->mapped;
	uint64_t *cnt = dirty ? &lv->nr_file_dirty : &lv->nr_file_mapped;
	if (head)
		*head = idx_to_pfn(z, h);
	if (on && !set_has(s, key)) {
		if (set_add(s, key))
			return 0;
		*cnt += nr;
		return nr;
	}
	if (!on && set_del(s, key)) {
		*cnt -= nr;
		return nr;
	}
	return 0;
}

uint64_t lru_set_dirty(struct mmc *m, uint64_t pfn, bool dirty,
		       uint64_t *head)
{
	return file_flag(m, pfn, dirty, true, head);
}

void lru_set_mapped(struct mmc *m, uint64_t pfn, bool mapped)
{
	(void)file_flag(m, pfn, mapped, false, NULL);
}

uint64_t lru_nr_dirty(struct mmc *m)
{
	uint64_t nr = 0;

	for (uint32_t nid = 0; nid < m->nr_nodes; nid++) {
		struct lruvec *lv = node_lruvec(m, (int)nid);

		if (lv)
			nr += lv->nr_file_dirty;
	}
	return nr;
}

/* Queue a folio at the oldest end of list l (lruvec_queue's other end);
 * a stale entry of the same value still queued is taken over where it
 * is, as lruvec_queue does: so a folio already on l stays where it was
 * (the kernel moves it to the tail; only the active ones move here). */
static void lruvec_queue_tail(struct lruvec *lv, enum lru_list l,
			      uint64_t pfn, unsigned order)
{
	uint32_t e = lru_entry(lv, l, pfn, order);

	if (stale_del(&lv->stale, e))
		return;
	(void)ring_push_front(&lv->ring[l], e);
}

/* Writeback of the folio at pfn completed (folio_end_writeback()): it is
 * clean, and one that reclaim met dirty (PG_reclaim) goes to the tail of
 * the inactive list, folio_rotate_reclaimable() / lru_move_tail().  The
 * pages written; 0 when it was not dirty. */
uint64_t lru_folio_written(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z;
	uint32_t h;
	struct lruvec *lv = file_folio(m, pfn, &z, &h);

	if (!lv || idx_to_pfn(z, h) != pfn)
		return 0;
	uint64_t nr = file_flag(m, pfn, false, true, NULL);
	uint32_t key = (uint32_t)(pfn - lv->base_pfn);
	if (!nr || !set_del(&lv->reclaim, key))
		return nr;
	pgstate_t s = z->page[h];
	enum lru_list from = folio_lru_list(s);
	enum lru_list to = is_active_lru(from) ? (enum lru_list)(from - 1) : from;
	unsigned order = folio_order_at(z, h);

	update_lru_size(lv, z, from, -(1ull << order));
	update_lru_size(lv, z, to, 1ull << order);
	z->page[h] &= (pgstate_t)~PG_ACTIVE;
	stale_add(&lv->stale, lru_entry(lv, from, pfn, order));
	lruvec_queue_tail(lv, to, pfn, order);
	count_vm_events(m, MMC_PGROTATED, 1ull << order);
	lruvec_maybe_compact(lv);
	return nr;
}

/* Compaction is about to migrate the LRU folio at `from`:
 * migrate_page_range() takes it off the LRU (lru_del) and puts the copy
 * on the inactive list (lru_add), so save what that loses (active,
 * referenced, workingset; dirty and mapped for file folios) and clear it
 * here, keeping the list counts right; lru_migrate_restore() puts it back
 * on the new folio.  The copy queues at the newest end, as
 * putback_movable_pages() re-adds it. */
#define SAVED_DIRTY (1u << 16)
#define SAVED_MAPPED (1u << 17)
#define SAVED_RECLAIM (1u << 18)

unsigned lru_migrate_save(struct mmc *m, uint64_t from)
{
	struct mmc_zone *z = pfn_to_zone(m, from);

	if (!z)
		return 0;
	uint32_t idx = pfn_to_idx(z, from);
	pgstate_t s = z->page[idx];
	if (!(s & PG_LRU))
		return 0;
	struct lruvec *lv = node_lruvec(m, z->node);
	unsigned saved = s & (PG_ACTIVE | PG_REFERENCED | PG_WORKINGSET);
	uint32_t key = (uint32_t)(from - lv->base_pfn);
	if (page_class(s) == MMC_PC_FILE) {
		if (set_has(&lv->dirty, key))
			saved |= SAVED_DIRTY;
		if (set_has(&lv->mapped, key))
			saved |= SAVED_MAPPED;
		if (set_has(&lv->reclaim, key))
			saved |= SAVED_RECLAIM;
	}
	if (s & PG_ACTIVE) {
		enum lru_list l = folio_lru_list(s);
		folio_move_list(lv, z, idx, l, (enum lru_list)(l - 1));
	}
	z->page[idx] &= (pgstate_t)~(PG_REFERENCED | PG_WORKINGSET);
	return saved;
}

void lru_migrate_restore(struct mmc *m, uint64_t to, unsigned saved)
{
	struct mmc_zone *z = pfn_to_zone(m, to);

	if (!z)
		return;
	uint32_t idx = pfn_to_idx(z, to);
	pgstate_t s = z->page[idx];
	if (!(s & PG_LRU))
		return;
	struct lruvec *lv = node_lruvec(m, z->node);
	if ((saved & PG_ACTIVE) && !(s & PG_ACTIVE)) {
		enum lru_list l = folio_lru_list(s);
		folio_move_list(lv, z, idx, l, (enum lru_list)(l + 1));
	}
	z->page[idx] |= (pgstate_t)(saved & (PG_REFERENCED | PG_WORKINGSET));
	/* the flusher's entry of the old folio goes stale: a new one, as
	 * if dirtied now (the model keeps no dirtied time per folio) */
	if ((saved & SAVED_DIRTY) && lru_set_dirty(m, to, true, NULL))
		writeback_track(m, to);
	if (saved & SAVED_MAPPED)
		lru_set_mapped(m, to, true);
	if ((saved & SAVED_RECLAIM) && set_has(&lv->dirty,
					       (uint32_t)(to - lv->base_pfn)))
		(void)set_add(&lv->reclaim, (uint32_t)(to - lv->base_pfn));
	lruvec_maybe_compact(lv);
}

/* split_folio_to_list() for migration (try_split_folio()): a dirty
 * file folio stays whole, since __folio_split() must release its private
 * data first (filemap_release_folio() -> try_to_free_buffers()), which
 * fails while a buffer is dirty (buffer_busy()): -EBUSY.  Anonymous and
 * clean file folios split.  Left out: folios under writeback (the model
 * has no PG_writeback, writeback.c) and extra references. */
int lru_split_folio(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return -1;
	uint32_t idx = pfn_to_idx(z, pfn);
	pgstate_t s = z->page[idx];
	if ((s & (PG_LRU | PG_HEAD)) != (PG_LRU | PG_HEAD))
		return -1;
	unsigned order = folio_order_at(z, idx);
	int cls = (int)page_class(s);
	if (!order)
		return -1;
	if (cls == MMC_PC_FILE) {
		struct lruvec *lv = node_lruvec(m, z->node);

		if (set_has(&lv->dirty, (uint32_t)(pfn - lv->base_pfn)))
			return -1;
	}
	/* the folio's state, kept for each page (lru_migrate_save takes an
	 * active folio to the inactive list first, keeping counts right) */
	unsigned saved = lru_migrate_save(m, pfn);
	lru_del(m, pfn, order);
	if (m->split_fn)
		m->split_fn(m->split_ctx, pfn, order);
	for (uint32_t i = 0; i < (1u << order); i++) {
		lru_add(m, pfn + i, 0, cls);
		lru_migrate_restore(m, pfn + i, saved);
	}
	return 0;
}

/* Bytes of reclaim state (rings, sets), for mmc_memory_bytes(). */
size_t reclaim_memory_bytes(const struct mmc *m)
{
	size_t b = m->reclaim ? sizeof(struct reclaim_global) : 0;

	for (uint32_t nid = 0; m->nodes && nid < m->nr_nodes; nid++) {
		const struct lruvec *lv = m->nodes[nid].reclaim;
		if (!lv)
			continue;
		b += sizeof(*lv);
		for (int l = 0; l < NR_LRU_LISTS; l++)
			b += (size_t)lv->ring[l].cap * sizeof(uint32_t);
		b += ((size_t)lv->dirty.cap + lv->mapped.cap) *
		     sizeof(uint32_t) + stale_bytes(&lv->stale);
	}
	return b;
}

uint64_t node_reclaimable_pages(struct mmc *m, int nid)
{
	struct lruvec *lv = node_lruvec(m, nid);
	uint64_t nr;

	if (!lv)
		return 0;
	nr = lv->nr_pages[LRU_INACTIVE_FILE] + lv->nr_pages[LRU_ACTIVE_FILE];
	if (can_reclaim_anon_pages(m))
		nr += lv->nr_pages[LRU_INACTIVE_ANON] +
		      lv->nr_pages[LRU_ACTIVE_ANON];
	return nr;
}

bool lru_swap_enabled(const struct mmc *m)
{
	return can_reclaim_anon_pages(m);
}

uint64_t lru_pages(struct mmc *m, int nid, bool file, bool active)
{
	struct lruvec *lv = node_lruvec(m, nid);

	return lv ? lv->nr_pages[file * 2 + active] : 0;
}

/* ---- shrinking ----------------------------------------------------------- */

/* inactive_is_low(): the inactive list is too small for its active
 * list, by the sqrt ratio of the list size in GiB. */
static bool inactive_is_low(const struct lruvec *lv, enum lru_list inactive)
{
	uint64_t in = lv->nr_pages[inactive];
	uint64_t act = lv->nr_pages[inactive + 1];
	uint64_t gb = (in + act) >> (30 - PAGE_SHIFT);
	uint64_t ratio = 1;

	if (gb) {
		ratio = 1;
		while ((ratio + 1) * (ratio + 1) <= 10 * gb)
			ratio++;	/* int_sqrt(10 * gb) */
	}
	return in * ratio < act;
}

struct folio_ref {
	struct mmc_zone *z;
	uint32_t idx;
	uint64_t pfn;
	unsigned order;
	pgstate_t s;
};

/* Pop the next live entry of ring l, dropping stale ones.  `budget`
 * bounds the pops so a ring of rotated folios cannot loop forever. */
static bool lru_next(struct mmc *m, struct lruvec *lv, enum lru_list l,
		     uint32_t *budget, struct folio_ref *f)
{
	uint32_t e;

	while (*budget && ring_pop(&lv->ring[l], &e)) {
		(*budget)--;
		if (stale_del(&lv->stale, e))
			continue;
		f->pfn = entry_pfn(lv, e, &f->order);
		f->z = pfn_to_zone(m, f->pfn);
		if (!f->z)
			continue;
		f->idx = pfn_to_idx(f->z, f->pfn);
		f->s = f->z->page[f->idx];
		if (!(f->s & PG_LRU))
			continue;	/* cannot happen: every departure is stale */
		enum lru_list now = folio_lru_list(f->s);
		if (now != l) {		/* cannot happen either: repair */
			lruvec_queue(lv, now, f->pfn, f->order);
			continue;
		}
		return true;
	}
	return false;
}

/* Requeue a popped (live, so no longer queued) folio on list l. */
static void folio_requeue(struct lruvec *lv, enum lru_list l,
			  const struct folio_ref *f)
{
	lruvec_queue(lv, l, f->pfn, f->order);
}

static bool folio_mapped(const struct lruvec *lv, const struct folio_ref *f)
{
	if (page_class(f->s) == MMC_PC_ANON)
		return true;
	return set_has(&lv->mapped, (uint32_t)(f->pfn - lv->base_pfn));
}

enum folio_verdict { FOLIO_RECLAIM, FOLIO_KEEP, FOLIO_ACTIVATE };

/* shrink_folio_list() for one folio, with folio_check_references():
 *  - a referenced mapped folio is activated (young ptes); an unmapped
 *    referenced file folio is still reclaimed (FOLIOREF_RECLAIM_CLEAN);
 *  - anon: swapped out only with swap and may_writepage (the swap
 *    write); writeback is taken to complete at once;
 *  - dirty file: activated with PG_reclaim (NR_VMSCAN_IMMEDIATE), to
 *    go to the inactive tail when the flusher has written it
 *    (writeback.c).  Reclaim writes no file folio since 6.17 (PGDAT_DIRTY
 *    and kswapd's pageout() of file folios went with ->writepage), so
 *    neither does zone_reclaim_mode's RECLAIM_WRITE here.
 *    Left out: mlock, writeback state and throttling, lazyfree, THP
 *    splitting. */
static enum folio_verdict shrink_folio(struct mmc *m, struct lruvec *lv,
				       const struct folio_ref *f,
				       const struct scan_control *sc,
				       bool *pageout, uint64_t *nr_dirty)
{
	bool anon = page_class(f->s) == MMC_PC_ANON;
	bool mapped = folio_mapped(lv, f);

	if ((f->s & PG_REFERENCED) && mapped)
		return FOLIO_ACTIVATE;
	if (anon) {
		if (!can_reclaim_anon_pages(m) || !sc->may_swap)
			return FOLIO_ACTIVATE;
		*pageout = sc->may_writepage;	/* the swap write */
		return sc->may_writepage ? FOLIO_RECLAIM : FOLIO_KEEP;
	}
	uint32_t key = (uint32_t)(f->pfn - lv->base_pfn);
	if (set_has(&lv->dirty, key)) {
		*nr_dirty += 1ull << f->order;	/* stat->nr_unqueued_dirty */
		count_vm_events(m, MMC_NR_VMSCAN_IMMEDIATE, 1ull << f->order);
		(void)set_add(&lv->reclaim, key);
		return FOLIO_ACTIVATE;
	}
	return FOLIO_RECLAIM;
}

/* due_ns: when a kswapd round frees it (sc->defer_free), else unused */
static void reclaim_folio(struct mmc *m, struct lruvec *lv, enum lru_list l,
			  const struct folio_ref *f,
			  const struct scan_control *sc, uint64_t due_ns)
{
	uint32_t nr = 1u << f->order;

	update_lru_size(lv, f->z, l, -(uint64_t)nr);
	if (is_file_lru(l))
		file_state_forget(lv, f->pfn, f->order);
	/* fault.c turns the mapping into a shadow entry (refault later),
	 * keeping PG_workingset (workingset_eviction) */
	if (m->fault_reclaimed)
		m->fault_reclaimed(m, f->pfn, f->order);
	for (uint32_t i = 0; i < nr; i++)
		f->z->page[f->idx + i] &= (pgstate_t)~PG_LRU_BITS;
	if (f->order)
		f->z->page[f->idx] &= (pgstate_t)~PG_HEAD;
	if (!sc->defer_free) {
		reclaim_free_pages(m, f->pfn, f->order, sc->cpu);
		return;
	}
	reclaim_isolate_pages(m, f->pfn, f->order);
	if (sc->kswapd)
		kswapd_defer_free(m, f->z->node, f->pfn, f->order, due_ns);
	else
		direct_defer_free(m, f->pfn, f->order, sc->cpu, due_ns);
}

/* isolate_lru_folios() filters.  Folios of zones above reclaim_idx are
 * skipped without counting towards nr_to_scan (at most
 * SWAP_CLUSTER_MAX_SKIPPED a call; past that the kernel isolates them
 * anyway, the model counts and keeps them); mapped folios without
 * may_unmap count as scanned and stay.  Both go back to the newest end.
 * isolate_next() hands out the next folio to work on. */
#define SWAP_CLUSTER_MAX_SKIPPED (SWAP_CLUSTER_MAX << 10)

struct isolate_state {
	uint64_t scanned;	/* towards nr_to_scan */
	uint64_t total;		/* all folios looked at (nr_scanned) */
	uint32_t skipped;
	uint32_t budget;	/* ring pops left */
};

static bool isolate_next(struct mmc *m, struct lruvec *lv, enum lru_list l,
			 uint64_t nr_to_scan, const struct scan_control *sc,
			 struct isolate_state *is, struct folio_ref *f)
{
	while (is->scanned < nr_to_scan &&
	       lru_next(m, lv, l, &is->budget, f)) {
		uint32_t nr = 1u << f->order;

		is->total += nr;
		if ((int)f->z->type > sc->reclaim_idx &&
		    is->skipped < SWAP_CLUSTER_MAX_SKIPPED) {
			is->skipped++;
			folio_requeue(lv, l, f);
			continue;
		}
		is->scanned += nr;
		if ((int)f->z->type > sc->reclaim_idx ||
		    (!sc->may_unmap && folio_mapped(lv, f))) {
			folio_requeue(lv, l, f);
			continue;
		}
		return true;
	}
	return false;
}

/* lru_note_cost(): IO (pageout, refault) and rotations make a list
 * costly to reclaim; get_scan_count() leans away from it.  The costs
 * decay by half once they exceed a quarter of the LRU. */
static void lru_note_cost(struct lruvec *lv, bool file, uint64_t nr_io,
			  uint64_t nr_rotated)
{
	uint64_t cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated;
	uint64_t lrusize = 0;

	if (file)
		lv->file_cost += cost;
	else
		lv->anon_cost += cost;
	for (int l = 0; l < NR_LRU_LISTS; l++)
		lrusize += lv->nr_pages[l];
	if (lv->file_cost + lv->anon_cost > lrusize / 4) {
		lv->file_cost /= 2;
		lv->anon_cost /= 2;
	}
}

/* lru_note_cost_refault(): a refault is IO reclaim caused. */
void lru_note_refault(struct mmc *m, uint64_t pfn, unsigned order, int cls)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (z && node_lruvec(m, z->node))
		lru_note_cost(node_lruvec(m, z->node), cls == MMC_PC_FILE,
			      1ull << order, 0);
}

static uint64_t shrink_inactive_list(struct mmc *m, struct lruvec *lv,
				     enum lru_list l, uint64_t nr_to_scan,
				     struct scan_control *sc)
{
	uint64_t reclaimed = 0, nr_pageout = 0, nr_dirty = 0, nr_taken = 0;
	struct isolate_state is = { .budget = lv->ring[l].len };
	struct folio_ref f;

	uint64_t activated = 0;
	bool file = is_file_lru(l);
	uint64_t scan_ns = m->bg.reclaim_scan_ns, page_ns = m->bg.reclaim_page_ns;

	while (isolate_next(m, lv, l, nr_to_scan, sc, &is, &f)) {
		bool pageout = false;
		enum folio_verdict v = shrink_folio(m, lv, &f, sc, &pageout,
						    &nr_dirty);

		nr_taken += 1u << f.order;

		if (pageout)
			nr_pageout += 1u << f.order;
		f.z->page[f.idx] &= (pgstate_t)~PG_REFERENCED;
		if (v == FOLIO_RECLAIM) {
			reclaimed += 1u << f.order;
			/* kswapd's time when shrink_folio_list() frees it */
			reclaim_folio(m, lv, l, &f, sc, sc->free_at_ns +
				      sc->work_ns + is.total * scan_ns +
				      reclaimed * page_ns);
		} else if (v == FOLIO_ACTIVATE) {
			uint32_t nr = 1u << f.order;
			update_lru_size(lv, f.z, l, -(uint64_t)nr);
			update_lru_size(lv, f.z, (enum lru_list)(l + 1), nr);
			f.z->page[f.idx] |= PG_ACTIVE;
			folio_requeue(lv, (enum lru_list)(l + 1), &f);
			activated += nr;
		} else {
			folio_requeue(lv, l, &f);
		}
	}
	sc->nr_scanned += is.total;
	sc->work_ns += is.total * scan_ns + reclaimed * page_ns;
	/* shrink_inactive_list()'s counters: reclaimer_offset() tells
	 * kswapd from the allocating task (direct and node reclaim) */
	count_vm_events(m, sc->kswapd ? MMC_PGSCAN_KSWAPD : MMC_PGSCAN_DIRECT,
			is.total);
	count_vm_events(m, sc->kswapd ? MMC_PGSTEAL_KSWAPD : MMC_PGSTEAL_DIRECT,
			reclaimed);
	count_vm_events(m, file ? MMC_PGSCAN_FILE : MMC_PGSCAN_ANON, is.total);
	count_vm_events(m, file ? MMC_PGSTEAL_FILE : MMC_PGSTEAL_ANON, reclaimed);
	count_vm_events(m, MMC_PGACTIVATE, activated);
	if (!file)
		count_vm_events(m, MMC_PSWPOUT, reclaimed);
	if (is.total)
		lru_note_cost(lv, file, nr_pageout, is.total - reclaimed);
	/* every folio taken was dirty and not under writeback: the
	 * flushers are not doing their job, nudge them */
	if (nr_taken && nr_dirty == nr_taken)
		wakeup_flusher_threads(m);
	return reclaimed;
}

/* shrink_active_list(): every scanned folio is deactivated (the kernel
 * keeps referenced executable file folios active; exec mappings are not
 * modelled).  folio_referenced() clears the young bits: so does this. */
static void shrink_active_list(struct mmc *m, struct lruvec *lv,
			       enum lru_list l, uint64_t nr_to_scan,
			       struct scan_control *sc)
{
	struct isolate_state is = { .budget = lv->ring[l].len };
	struct folio_ref f;
	uint64_t deactivated = 0;

	while (isolate_next(m, lv, l, nr_to_scan, sc, &is, &f)) {
		uint32_t nr = 1u << f.order;
		update_lru_size(lv, f.z, l, -(uint64_t)nr);
		update_lru_size(lv, f.z, (enum lru_list)(l - 1), nr);
		f.z->page[f.idx] = (pgstate_t)((f.s & ~(PG_ACTIVE | PG_REFERENCED)) |
					       PG_WORKINGSET);
		folio_requeue(lv, (enum lru_list)(l - 1), &f);
		deactivated += nr;
	}
	count_vm_events(m, MMC_PGREFILL, is.total);
	count_vm_events(m, MMC_PGDEACTIVATE, deactivated);
}

static uint64_t shrink_list(struct mmc *m, struct lruvec *lv,
			    enum lru_list l, uint64_t nr_to_scan,
			    struct scan_control *sc)
{
	if (is_active_lru(l)) {
		if (sc->may_deactivate & (1u << is_file_lru(l)))
			shrink_active_list(m, lv, l, nr_to_scan, sc);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive_list(m, lv, l, nr_to_scan, sc);
}

/* prepare_scan_control(): deactivation and the cache-trim / tiny-file
 * balance hints.  Refault-driven deactivation is not modelled. */
static void prepare_scan_control(struct mmc *m, int nid,
				 struct scan_control *sc)
{
	struct lruvec *lv = node_lruvec(m, nid);
	struct mmc_node *n = &m->nodes[nid];

	sc->may_deactivate = 0;
	if (sc->force_deactivate || inactive_is_low(lv, LRU_INACTIVE_ANON))
		sc->may_deactivate |= DEACTIVATE_ANON;
	if (sc->force_deactivate || inactive_is_low(lv, LRU_INACTIVE_FILE))
		sc->may_deactivate |= DEACTIVATE_FILE;
	sc->cache_trim_mode = (lv->nr_pages[LRU_INACTIVE_FILE] >> sc->priority) &&
			      !(sc->may_deactivate & DEACTIVATE_FILE);

	uint64_t total_high = 0, free = 0;
	for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
		struct mmc_zone *z = &n->zones[t];
		if (!populated_zone(z) || !z->managed)
			continue;
		total_high += high_wmark_pages(z);
		free += zone_page_state_free(z);
	}
	uint64_t file = lv->nr_pages[LRU_ACTIVE_FILE] +
			lv->nr_pages[LRU_INACTIVE_FILE];
	sc->file_is_tiny = file + free <= total_high &&
			   !(sc->may_deactivate & DEACTIVATE_ANON) &&
			   (lv->nr_pages[LRU_INACTIVE_ANON] >> sc->priority);
}

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

/* calculate_pressure_balance(): swappiness weighed by the lists'
 * reclaim costs; with no costs yet, anon:file = swappiness :
 * (200 - swappiness). */
static void calculate_pressure_balance(const struct lruvec *lv,
				       int swappiness, uint64_t fraction[2],
				       uint64_t *denominator)
{
	uint64_t total = lv->anon_cost + lv->file_cost;
	uint64_t anon_cost = total + lv->anon_cost;
	uint64_t file_cost = total + lv->file_cost;

	total = anon_cost + file_cost;
	fraction[0] = (uint64_t)swappiness * (total + 1) / (anon_cost + 1);
	fraction[1] = (uint64_t)(MAX_SWAPPINESS - swappiness) * (total + 1) /
		      (file_cost + 1);
	*denominator = fraction[0] + fraction[1];
	if (!*denominator)
		*denominator = 1;
}

/* get_scan_count(): how many pages of each list to scan at this
 * priority.  Lists are sized by their pages in the zones the reclaim may
 * take from (lruvec_lru_size with reclaim_idx): sized by the node, a
 * list of pages in higher zones only asked for nr_pages / 32 calls of
 * shrink_inactive_list() that each skip SWAP_CLUSTER_MAX_SKIPPED folios
 * and scan nothing (minutes of CPU for one direct reclaim).  Memcg
 * protection is left out. */
static void get_scan_count(struct mmc *m, struct lruvec *lv,
			   struct scan_control *sc, uint64_t nr[NR_LRU_LISTS])
{
	int swappiness = m->policy.swappiness;
	enum scan_balance bal;
	uint64_t fraction[2] = { 0, 0 }, denominator = 1;

	if (!sc->may_swap || !can_reclaim_anon_pages(m))
		bal = SCAN_FILE;
	else if (!sc->priority && swappiness)
		bal = SCAN_EQUAL;
	else if (sc->file_is_tiny)
		bal = SCAN_ANON;
	else if (sc->cache_trim_mode)
		bal = SCAN_FILE;
	else {
		bal = SCAN_FRACT;
		calculate_pressure_balance(lv, swappiness, fraction,
					   &denominator);
	}
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		bool file = is_file_lru((enum lru_list)l);
		uint64_t scan = lruvec_lru_size(lv, (enum lru_list)l,
						sc->reclaim_idx) >> sc->priority;

		switch (bal) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = scan * fraction[file] / denominator;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((bal == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[l] = scan;
	}
}

/* shrink_lruvec(): scan the lists in SWAP_CLUSTER_MAX batches until the
 * targets are met; once enough is reclaimed (kswapd, or below
 * DEF_PRIORITY), stop the smaller side and scale the other down to the
 * same proportion of its target. */
static void shrink_lruvec(struct mmc *m, struct lruvec *lv,
			  struct scan_control *sc)
{
	uint64_t nr[NR_LRU_LISTS], targets[NR_LRU_LISTS];
	uint64_t nr_reclaimed = 0;
	bool proportional = !sc->kswapd && sc->priority == DEF_PRIORITY;

	get_scan_count(m, lv, sc, nr);
	memcpy(targets, nr, sizeof(nr));
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] ||
	       nr[LRU_INACTIVE_FILE]) {
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			if (!nr[l])
				continue;
			uint64_t n = nr[l] < SWAP_CLUSTER_MAX ? nr[l]
							      : SWAP_CLUSTER_MAX;
			nr[l] -= n;
			nr_reclaimed += shrink_list(m, lv, (enum lru_list)l, n, sc);
		}
		if (nr_reclaimed < sc->nr_to_reclaim || proportional)
			continue;
		uint64_t nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		uint64_t nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		int small, big;
		uint64_t pct;
		if (nr_file > nr_anon) {
			small = LRU_INACTIVE_ANON;
			big = LRU_INACTIVE_FILE;
			pct = nr_anon * 100 / (targets[LRU_INACTIVE_ANON] +
					       targets[LRU_ACTIVE_ANON] + 1);
		} else {
			small = LRU_INACTIVE_FILE;
			big = LRU_INACTIVE_ANON;
			pct = nr_file * 100 / (targets[LRU_INACTIVE_FILE] +
					       targets[LRU_ACTIVE_FILE] + 1);
		}
		nr[small] = nr[small + 1] = 0;
		for (int l = big; l <= big + 1; l++) {
			uint64_t done = targets[l] - nr[l];
			nr[l] = targets[l] * (100 - pct) / 100;
			nr[l] -= nr[l] < done ? nr[l] : done;
		}
	}
	sc->nr_reclaimed += nr_reclaimed;
	/* Age the active anon list even when only file was scanned. */
	if (can_reclaim_anon_pages(m) &&
	    inactive_is_low(lv, LRU_INACTIVE_ANON))
		shrink_active_list(m, lv, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX, sc);
}

/* in_reclaim_compaction(): reclaim for a high-order allocation that
 * compaction will serve: costly orders always, others once the priority
 * has dropped below DEF_PRIORITY - 2. */
static bool in_reclaim_compaction(const struct scan_control *sc)
{
	return (sc->gfp_mask & MMC___GFP_IO) && sc->order &&
	       (sc->order > PAGE_ALLOC_COSTLY_ORDER ||
		sc->priority < DEF_PRIORITY - 2);
}

/* should_continue_reclaim(): for reclaim/compaction, shrink the node
 * again while the last pass reclaimed something, no eligible zone could
 * already allocate or compact at the min mark, and the inactive lists
 * hold more than compact_gap(order) pages. */
static bool should_continue_reclaim(struct mmc *m, int nid,
				    uint64_t nr_reclaimed,
				    const struct scan_control *sc)
{
	const struct lruvec *lv = node_lruvec(m, nid);

	if (!in_reclaim_compaction(sc) || !nr_reclaimed)
		return false;
	for (int t = 0; t <= sc->reclaim_idx && t < MMC_NR_ZONE_TYPES; t++) {
		struct mmc_zone *z = &m->nodes[nid].zones[t];
		uint64_t min = min_wmark_pages(z);
		/* kswapd's reclaimed folios reach the free lists as its
		 * clock gets to them (kswapd.c); the kernel's
		 * shrink_folio_list() has freed them by now.  Uncounted,
		 * an order-9 kswapd pass never saw compaction become
		 * suitable and went on through the whole inactive file
		 * list: 315,135 pages in one round of a make validate
		 * trace, where the kernel's stops near nr_to_reclaim. */
		uint64_t free = zone_page_state_free(z) +
				(sc->defer_free ? z->nr_kswapd_inflight : 0);

		if (!populated_zone(z) || !z->managed)
			continue;
		if (__zone_watermark_ok(z, (unsigned)sc->order, min,
					sc->reclaim_idx, 0, (int64_t)free))
			return false;
		if (compaction_suitable_free(m, z, (unsigned)sc->order, min,
					     sc->reclaim_idx, free))
			return false;
	}
	uint64_t inactive = lv->nr_pages[LRU_INACTIVE_FILE];

	if (can_reclaim_anon_pages(m))
		inactive += lv->nr_pages[LRU_INACTIVE_ANON];
	return inactive > (2ull << sc->order);	/* compact_gap() */
}

/* shrink_node_memcgs()'s walk, when the workload's pages are in one memory
 * cgroup and the groups the walk meets after it hold too little for a scan
 * at this priority (mmc_set_memcg_walk()): does this pass reach the
 * workload's lruvec?  Direct and node reclaim walk partially: they share
 * the node's iterator (mem_cgroup_iter() with a reclaim cookie), start
 * after the group the last walk stopped at, and stop (mem_cgroup_iter_
 * break()) once sc->nr_reclaimed reaches nr_to_reclaim.  One that stopped
 * at the workload's group leaves the next walk to begin after it: that
 * walk meets only the later groups and ends the round, reclaiming nothing
 * at its priority, and the following priority's walk starts the round
 * again from the root and reaches the workload.  kswapd walks every group
 * (no cookie) and moves nothing.  Left out: concurrent walkers (two
 * stalls interleaving share one round), and groups before the
 * workload's, which hold nothing here either. */
static bool memcg_walk_visits(const struct mmc *m, struct lruvec *lv,
			      const struct scan_control *sc)
{
	const struct reclaim_global *g = m->reclaim;

	if (!g->memcg_partial_walk || sc->kswapd)
		return true;
	if (lv->memcg_iter_past) {
		lv->memcg_iter_past = false;	/* the round ended */
		return false;
	}
	return true;
}

/* shrink_node(): passes over the node's lruvec while
 * should_continue_reclaim() asks for more.  Left out: slab shrinkers
 * (slab objects belong to the workload's demand), memcg iteration but for
 * the partial walk's position (memcg_walk_visits()), writeback and
 * congestion throttling. */
void shrink_node(struct mmc *m, int nid, struct scan_control *sc)
{
	struct lruvec *lv = node_lruvec(m, nid);
	uint64_t before = sc->nr_reclaimed, pass;
	const struct reclaim_global *g = m->reclaim;

	if (!lv)
		return;
	do {
		pass = sc->nr_reclaimed;
		prepare_scan_control(m, nid, sc);
		if (!memcg_walk_visits(m, lv, sc))
			continue;
		shrink_lruvec(m, lv, sc);
		if (g->memcg_partial_walk && !sc->kswapd &&
		    sc->nr_reclaimed >= sc->nr_to_reclaim)
			lv->memcg_iter_past = true;	/* broke off there */
	} while (should_continue_reclaim(m, nid, sc->nr_reclaimed - pass, sc));
	if (sc->nr_reclaimed > before)
		m->nodes[nid].kswapd_failures = 0;
	lruvec_maybe_compact(lv);
}

/* kswapd_age_node(): the classic LRU's part (MGLRU is not modelled). */
void kswapd_age_node(struct mmc *m, int nid, struct scan_control *sc)
{
	struct lruvec *lv = node_lruvec(m, nid);

	if (!lv || !can_reclaim_anon_pages(m) ||
	    !inactive_is_low(lv, LRU_INACTIVE_ANON))
		return;
	shrink_active_list(m, lv, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX, sc);
}

/* ---- direct reclaim ------------------------------------------------------ */

/* compaction_ready(): for costly orders, stop reclaiming a zone that
 * compaction can now work with: the allocation would already succeed,
 * or compaction_suitable() holds at the high mark (which adds
 * compact_gap()), as 6.5+ reclaims for compaction. */
static bool compaction_ready(struct mmc *m, struct mmc_zone *z,
			     const struct scan_control *sc)
{
	/* what this reclaim freed counts, though it reaches the free
	 * lists over the stall (direct_inflight.c) */
	uint64_t free = zone_page_state_free(z) + z->nr_kswapd_inflight;

	if (!(sc->gfp_mask & MMC___GFP_IO))
		return false;
	if (__zone_watermark_ok(z, (unsigned)sc->order, min_wmark_pages(z),
				sc->reclaim_idx, 0, (int64_t)free))
		return true;
	return compaction_suitable_free(m, z, (unsigned)sc->order,
					high_wmark_pages(z), sc->reclaim_idx,
					free);
}

/* shrink_zones() + do_try_to_free_pages(): the priority loop over the
 * zonelist, each node shrunk once per priority.  Returns the progress the
 * allocator sees: pages reclaimed, or 1 when compaction is ready to take
 * over; with nothing reclaimed because the active lists were spared, it
 * retries once forcing deactivation. */
static uint64_t do_try_to_free_pages(struct mmc *m, int preferred_nid,
				     struct scan_control *sc,
				     uint64_t *scanned)
{
	struct mmc_node *pn = &m->nodes[preferred_nid];
	int initial_priority = sc->priority;

	/* __count_zid_vm_events(ALLOCSTALL, sc->reclaim_idx, 1) */
	count_vm_event(m, MMC_ALLOCSTALL_DMA + sc->reclaim_idx);
retry:
	do {
		int last_nid = -1;

		sc->nr_scanned = 0;
		for (uint32_t i = 0; i < pn->nr_zonelist; i++) {
			struct mmc_zone *z = pn->zonelist[i];
			if ((int)z->type > sc->reclaim_idx || !z->managed)
				continue;
			if (sc->order > PAGE_ALLOC_COSTLY_ORDER &&
			    compaction_ready(m, z, sc)) {
				sc->compaction_ready = true;
				continue;
			}
			if (z->node == last_nid)
				continue;
			last_nid = z->node;
			shrink_node(m, z->node, sc);
		}
		*scanned += sc->nr_scanned;
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
		if (sc->compaction_ready)
			break;
		if (sc->priority < DEF_PRIORITY - 2)
			sc->may_writepage = true;
	} while (--sc->priority >= 0);
	if (sc->nr_reclaimed)
		return sc->nr_reclaimed;
	if (sc->compaction_ready)
		return 1;
	if (sc->skipped_deactivate) {
		sc->priority = initial_priority;
		sc->force_deactivate = true;
		sc->skipped_deactivate = false;
		goto retry;
	}
	return 0;
}

/* try_to_free_pages(): the allocating task reclaims SWAP_CLUSTER_MAX
 * pages.  throttle_direct_reclaim() (pfmemalloc reserves) is left out. */
uint64_t try_to_free_pages(struct mmc *m, int preferred_nid, uint64_t gfp,
			   unsigned order, int highest_zoneidx, int cpu,
			   struct mmc_result *res)
{
	struct scan_control sc = {
		.cpu = cpu,
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.gfp_mask = gfp,
		.order = (int)order,
		.priority = DEF_PRIORITY,
		.reclaim_idx = highest_zoneidx,
		.may_writepage = true,	/* !laptop_mode */
		.may_unmap = true,
		.may_swap = true,
		/* its folios are freed over the stall (direct_inflight.c) */
		.defer_free = true,
		.free_at_ns = m->now_ns,
	};
	uint64_t scanned = 0, progress;

	if (preferred_nid < 0 || (uint32_t)preferred_nid >= m->nr_nodes)
		preferred_nid = 0;
	count_vm_event(m, MMC_TP_DIRECT_RECLAIM_BEGIN);
	m->vm.direct_reclaims_by_class[mmc_dr_class(order)]++;
	progress = do_try_to_free_pages(m, preferred_nid, &sc, &scanned);
	m->vm.direct_scanned += scanned;
	m->vm.direct_reclaimed += sc.nr_reclaimed;
	m->nodes[preferred_nid].vm.direct_reclaims++;
	m->nodes[preferred_nid].vm.direct_reclaimed += sc.nr_reclaimed;
	if (res) {
		res->path |= MMC_PATH_DIRECT_RECLAIM;
		res->reclaim_scanned += (uint32_t)scanned;
		res->reclaim_reclaimed += (uint32_t)sc.nr_reclaimed;
	}
	return progress;
}

/* ---- node reclaim -------------------------------------------------------- */

/* node_unmapped_file_pages() / node_pagecache_reclaimable(): the model's
 * page cache is its file LRU (NR_FILE_PAGES without shmem/swapcache). */
static uint64_t node_pagecache_reclaimable(struct mmc *m, int nid)
{
	struct lruvec *lv = node_lruvec(m, nid);
	int mode = m->policy.zone_reclaim_mode;
	uint64_t file = lv->nr_pages[LRU_INACTIVE_FILE] +
			lv->nr_pages[LRU_ACTIVE_FILE];
	uint64_t reclaimable, delta = 0;

	if (mode & RECLAIM_UNMAP)
		reclaimable = file;
	else
		reclaimable = file > lv->nr_file_mapped ?
			      file - lv->nr_file_mapped : 0;
	if (!(mode & RECLAIM_WRITE))
		delta += lv->nr_file_dirty;
	if (delta > reclaimable)
		delta = reclaimable;
	return reclaimable - delta;
}

uint64_t node_pagecache_reclaimable_pages(struct mmc *m, int nid)
{
	return node_pagecache_reclaimable(m, nid);
}

/* __node_reclaim(): shrink the node from NODE_RECLAIM_PRIORITY down
 * until 1 << order pages are back. */
static int __node_reclaim(struct mmc *m, int nid, uint64_t gfp,
			  unsigned order, struct scan_control *sc,
			  uint64_t *scanned)
{
	struct mmc_node *n = &m->nodes[nid];
	uint64_t nr_pages = 1ull << order;
	int mode = m->policy.zone_reclaim_mode;

	sc->nr_to_reclaim = nr_pages > SWAP_CLUSTER_MAX ? nr_pages
							: SWAP_CLUSTER_MAX;
	sc->gfp_mask = gfp;
	sc->order = (int)order;
	sc->priority = NODE_RECLAIM_PRIORITY;
	sc->may_writepage = mode & RECLAIM_WRITE;
	sc->may_unmap = mode & RECLAIM_UNMAP;
	sc->may_swap = true;
	sc->reclaim_idx = gfp_zone(gfp);
	if (node_pagecache_reclaimable(m, nid) > n->min_unmapped_pages ||
	    n->nr_slab_reclaimable > n->min_slab_pages) {
		do {
			sc->nr_scanned = 0;
			shrink_node(m, nid, sc);
			*scanned += sc->nr_scanned;
		} while (sc->nr_reclaimed < nr_pages && --sc->priority >= 0);
	}
	return sc->nr_reclaimed >= nr_pages ? NODE_RECLAIM_SUCCESS
					    : NODE_RECLAIM_SOME;
}

/* node_reclaim(): the rules of mm/vmscan.c exactly.  PF_MEMALLOC is
 * never set in the model (no reclaim recursion).  vm.node_reclaims
 * counts every call, _full and _noscan the calls refused; so the calls
 * that scan (__node_reclaim, where the kernel's
 * mm_vmscan_node_reclaim_begin fires) are node_reclaims - full - noscan. */
int node_reclaim(struct mmc *m, int nid, uint64_t gfp, unsigned order,
		 int cpu, struct mmc_result *res)
{
	struct mmc_node *n = &m->nodes[nid];
	/* Simplified: its folios go straight to the buddy.  The kernel's
	 * go on this cpu's pcp list (free_unref_folios()), where the
	 * watermark check after node_reclaim() does not count them; the
	 * model's zone_reclaim_mode behaviour is not yet checked that way. */
	struct scan_control sc = { .cpu = -1 };
	uint64_t scanned = 0;
	int ret;

	m->vm.node_reclaims++;
	n->vm.node_reclaims++;
	if (node_pagecache_reclaimable(m, nid) <= n->min_unmapped_pages &&
	    n->nr_slab_reclaimable <= n->min_slab_pages) {
		m->vm.node_reclaim_full++;
		return NODE_RECLAIM_FULL;
	}
	if (!gfpflags_allow_blocking(gfp) ||
	    (n->nr_cpus && nid != cpu_to_node(m, cpu)) ||
	    n->reclaim_locked) {
		m->vm.node_reclaim_noscan++;
		return NODE_RECLAIM_NOSCAN;
	}
	n->reclaim_locked = true;
	count_vm_event(m, MMC_TP_NODE_RECLAIM_BEGIN);
	ret = __node_reclaim(m, nid, gfp, order, &sc, &scanned);
	n->reclaim_locked = false;
	count_vm_event(m, ret == NODE_RECLAIM_SUCCESS ?
		       MMC_ZONE_RECLAIM_SUCCESS : MMC_ZONE_RECLAIM_FAILED);
	m->vm.node_reclaimed += sc.nr_reclaimed;
	n->vm.node_reclaimed += sc.nr_reclaimed;
	if (res) {
		res->path |= MMC_PATH_NODE_RECLAIM;
		res->node_reclaimed += (uint32_t)sc.nr_reclaimed;
		res->reclaim_scanned += (uint32_t)scanned;
	}
	return ret;
}
