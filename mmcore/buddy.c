/* SPDX-License-Identifier: MIT */
/*
 * The buddy allocator: free lists per order and migratetype, expand() on
 * split, __free_one_page() merging, pageblock migratetypes, fallback with
 * claiming and stealing, the highatomic reserve and watermark boosting.
 * Follows mm/page_alloc.c of 6.15+ (the __rmqueue_claim/__rmqueue_steal
 * split); differences are named where they are made.
 *
 * Free lists are bitmaps of block heads (see struct free_list in
 * internal.h): the kernel pops the list head, this model pops the newest
 * of the last blocks added at the head (up to FL_RECENT_MAX) that is
 * still free, else the next of a start snapshot's blocks in the kernel's
 * list order (when the snapshot has the free lists' places), else the
 * highest-addressed block.  That is the one deliberate difference in
 * placement; counts and merging are the kernel's.  Why the highest: where
 * the model no longer knows a block's place in the LIFO list (and for the
 * free blocks of a start snapshot without places), it assumes the blocks
 * were freed in ascending pfn order, as a range is (zap_pte_range(),
 * truncation, a process's exit), which leaves the highest at the head.
 * Taking the lowest instead keeps the top of a zone free, where
 * compaction's free scanner looks first: on the make validate set of
 * 2026-12-04 that made compaction succeed where the kernel's failed
 * (compact_fail 0 against the kernel's 90-210 a run) and left the direct
 * reclaim of the kernel's runs unexplained.  A live recording shows how
 * rough either guess is: of the start blocks the kernel took, 0.1-1.2%
 * came highest first, 99.5-100% in the order of their recorded places
 * (test_live, an idle host).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "internal.h"

/* fallbacks[] of mm/page_alloc.c */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

/* ---- the bitmap free list ------------------------------------------- */

static uint32_t div_up(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

/* The sizes of a list of nbits blocks; its bytes in the zone's arena
 * (a multiple of 8: recent_cap is a power of two from 16). */
static size_t free_list_size(struct free_list *fl, uint32_t nbits)
{
	fl->n0 = div_up(nbits ? nbits : 1, 64);
	fl->n1 = div_up(fl->n0, 64);
	fl->n2 = div_up(fl->n1, 64);
	fl->recent_cap = FL_RECENT_MIN;
	while (fl->recent_cap < nbits && fl->recent_cap < FL_RECENT_MAX)
		fl->recent_cap <<= 1;
	return ((size_t)fl->n0 + fl->n1 + fl->n2) * sizeof(uint64_t) +
	       (size_t)fl->recent_cap * sizeof(uint32_t);
}

/* The list's arrays from the zone's arena at *at, moved past them. */
static void free_list_place(struct free_list *fl, char **at)
{
	fl->l0 = (uint64_t *)*at;
	fl->l1 = fl->l0 + fl->n0;
	fl->l2 = fl->l1 + fl->n1;
	fl->recent = (uint32_t *)(fl->l2 + fl->n2);
	*at = (char *)(fl->recent + fl->recent_cap);
}

static void free_list_destroy(struct free_list *fl)
{
	free(fl->seed);
	memset(fl, 0, sizeof(*fl));
}

static void fl_set(struct free_list *fl, uint32_t b)
{
	uint32_t w = b >> 6, v = w >> 6, u = v >> 6;
	uint64_t old0 = fl->l0[w];

	fl->l0[w] = old0 | (1ull << (b & 63));
	if (old0)
		return;
	uint64_t old1 = fl->l1[v];
	fl->l1[v] = old1 | (1ull << (w & 63));
	if (old1)
		return;
	fl->l2[u] |= 1ull << (v & 63);
}

static void fl_clear(struct free_list *fl, uint32_t b)
{
	uint32_t w = b >> 6, v = w >> 6, u = v >> 6;

	fl->l0[w] &= ~(1ull << (b & 63));
	if (fl->l0[w])
		return;
	fl->l1[v] &= ~(1ull << (w & 63));
	if (fl->l1[v])
		return;
	fl->l2[u] &= ~(1ull << (v & 63));
}

/* The highest block on the list (the l2 summary is short: no hint). */
static uint32_t fl_last(const struct free_list *fl)
{
	for (uint32_t u = fl->n2; u-- > 0;) {
		if (!fl->l2[u])
			continue;
		uint32_t v = u * 64 + 63 - (uint32_t)__builtin_clzll(fl->l2[u]);
		uint32_t w = v * 64 + 63 - (uint32_t)__builtin_clzll(fl->l1[v]);
		return w * 64 + 63 - (uint32_t)__builtin_clzll(fl->l0[w]);
	}
	return NO_IDX;
}

static bool fl_test(const struct free_list *fl, uint32_t b)
{
	return fl->l0[b >> 6] & (1ull << (b & 63));
}

static void fl_push_recent(struct free_list *fl, uint32_t b)
{
	uint32_t mask = fl->recent_cap - 1;

	if (fl->nr_recent == fl->recent_cap) {	/* forget the oldest */
		fl->recent_head = (fl->recent_head + 1) & mask;
		fl->nr_recent--;
	}
	fl->recent[(fl->recent_head + fl->nr_recent) & mask] = b;
	fl->nr_recent++;
}

/* The list head: the newest recent block still on the list (stale
 * entries on top are dropped), else the next start-snapshot block still
 * on it in the kernel's order, else the highest address.  A block the
 * ring forgot (more than recent_cap head additions since) comes after
 * the snapshot's blocks, where the kernel has it before them. */
static uint32_t fl_head(struct free_list *fl)
{
	while (fl->nr_recent) {
		uint32_t b = fl->recent[(fl->recent_head + fl->nr_recent - 1) &
					(fl->recent_cap - 1)];

		if (fl_test(fl, b))
			return b;
		fl->nr_recent--;
	}
	while (fl->seed_next < fl->nr_seed) {
		uint32_t b = fl->seed[fl->seed_next];

		if (fl_test(fl, b))
			return b;
		fl->seed_next++;
	}
	return fl_last(fl);
}

int free_list_seed(struct free_list *fl, unsigned order, uint32_t idx)
{
	uint32_t b = idx >> order;

	if (!fl_test(fl, b))
		return -1;
	if (fl->nr_seed == fl->seed_cap) {
		uint32_t cap = fl->seed_cap ? fl->seed_cap * 2 : 64;
		uint32_t *p = realloc(fl->seed, cap * sizeof(*p));

		if (!p)
			return -1;
		fl->seed = p;
		fl->seed_cap = cap;
	}
	fl->seed[fl->nr_seed++] = b;
	return 0;
}

uint32_t free_list_first(const struct free_list *fl, unsigned order)
{
	uint32_t b = fl_head((struct free_list *)fl);

	return b == NO_IDX ? NO_IDX : b << order;
}

/* Next block head at or after from_idx (not hot: metrics, compaction). */
uint32_t free_list_next(const struct free_list *fl, unsigned order,
			uint32_t from_idx)
{
	uint32_t b = (from_idx + (1u << order) - 1) >> order;
	uint32_t nbits = fl->n0 * 64;

	while (b < nbits) {
		uint32_t w = b >> 6;
		uint64_t bits = fl->l0[w] & (~0ull << (b & 63));

		if (bits)
			return (w * 64 + (uint32_t)__builtin_ctzll(bits)) << order;
		b = (w + 1) * 64;
		/* skip empty l0 words 64 at a time through l1 */
		while (b < nbits && (b & 4095) == 0 && !fl->l1[b >> 12])
			b += 4096;
	}
	return NO_IDX;
}

uint32_t free_list_prev(const struct free_list *fl, unsigned order,
			uint32_t before_idx)
{
	uint32_t b = before_idx >> order;	/* blocks below b */
	uint32_t nbits = fl->n0 * 64;

	if (b > nbits)
		b = nbits;
	while (b) {
		uint32_t w = (b - 1) >> 6;
		uint64_t bits = fl->l0[w];

		if ((b & 63) != 0)
			bits &= (1ull << (b & 63)) - 1;
		if (bits)
			return (w * 64 + 63 - (uint32_t)__builtin_clzll(bits)) << order;
		b = w * 64;
		/* skip empty l0 words 64 at a time through l1 */
		while (b && (b & 4095) == 0 && !fl->l1[(b - 1) >> 12])
			b -= 4096;
	}
	return NO_IDX;
}

/* Every list of the zone in one anonymous mapping: zero pages until a
 * list is used, whatever the heap holds (calloc'ed one by one, they were
 * memset on reused heap: 6 MB of 4 KiB faults for lists never used, 1.7%
 * of a replay in a VM).  0, or -1 out of memory. */
int free_area_init(struct mmc_zone *z)
{
	size_t len = 0;
	char *at;

	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			len += free_list_size(&z->free_area[o].free_list[mt],
					      z->nr_idx >> o);
	at = mmap(NULL, len, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (at == MAP_FAILED)
		return -1;
	z->fl_arena = at;
	z->fl_arena_len = len;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			free_list_place(&z->free_area[o].free_list[mt], &at);
	return 0;
}

void free_area_destroy(struct mmc_zone *z)
{
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			free_list_destroy(&z->free_area[o].free_list[mt]);
	if (z->fl_arena)
		munmap(z->fl_arena, z->fl_arena_len);
	z->fl_arena = NULL;
	z->fl_arena_len = 0;
}

/* ---- list membership (__add_to_free_list / __del_page_from_free_list) -- */

/* __add_to_free_list(): at the head (becomes the next one taken) or at
 * the tail (taken only in address order, highest first). */
static void __add_to_free_list(struct mmc_zone *z, uint32_t idx,
			       unsigned order, int mt, bool tail)
{
	struct free_area *area = &z->free_area[order];

	fl_set(&area->free_list[mt], idx >> order);
	if (!tail)
		fl_push_recent(&area->free_list[mt], idx >> order);
	area->nr_free[mt]++;
	area->nr_free_all++;
	z->nr_free += 1u << order;
	if (mt == MIGRATE_HIGHATOMIC)
		z->nr_free_highatomic += 1u << order;
	z->page[idx] = (pgstate_t)((MMC_PC_FREE << PG_CLASS_SHIFT) |
				   ((unsigned)mt << PG_MT_SHIFT) | (order + 1));
	pageblock_touch(z, idx);
}

void add_to_free_list(struct mmc_zone *z, uint32_t idx, unsigned order,
		      int mt)
{
	__add_to_free_list(z, idx, order, mt, false);
}

void del_page_from_free_list(struct mmc_zone *z, uint32_t idx,
			     unsigned order, int mt)
{
	struct free_area *area = &z->free_area[order];

	fl_clear(&area->free_list[mt], idx >> order);
	area->nr_free[mt]--;
	area->nr_free_all--;
	z->nr_free -= 1u << order;
	if (mt == MIGRATE_HIGHATOMIC)
		z->nr_free_highatomic -= 1u << order;
	z->page[idx] = MMC_PC_FREE << PG_CLASS_SHIFT;
	pageblock_touch(z, idx);
}

/* move_to_free_list(): list_move_tail() in the kernel */
static void move_to_free_list(struct mmc_zone *z, uint32_t idx,
			      unsigned order, int old_mt, int new_mt)
{
	del_page_from_free_list(z, idx, order, old_mt);
	__add_to_free_list(z, idx, order, new_mt, true);
}

/* ---- pageblocks ----------------------------------------------------- */

void set_pageblock_migratetype(struct mmc_zone *z, uint32_t idx, int mt)
{
	z->pageblock_mt[idx >> pageblock_order] = (uint8_t)mt;
	pageblock_touch(z, idx);
}

/* change_pageblock_range(): every pageblock of a >= pageblock_order block */
static void change_pageblock_range(struct mmc_zone *z, uint32_t idx,
				   unsigned order, int mt)
{
	uint32_t nr = order >= pageblock_order ?
		1u << (order - pageblock_order) : 1;

	for (uint32_t i = 0; i < nr; i++)
		set_pageblock_migratetype(z, idx + (i << pageblock_order), mt);
}

static bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

static bool zone_spans_idx(const struct mmc_zone *z, uint32_t idx)
{
	uint64_t pfn = idx_to_pfn(z, idx);

	return pfn >= z->start_pfn && pfn < z->start_pfn + z->spanned;
}

/* ---- split and merge -------------------------------------------------- */

unsigned expand(struct mmc_zone *z, uint32_t idx, unsigned low,
		unsigned high, int mt)
{
	unsigned splits = 0;

	while (high > low) {
		high--;
		add_to_free_list(z, idx + (1u << high), high, mt);
		splits++;
	}
	return splits;
}

/* page_is_buddy(): a free buddy head of exactly this order in the zone. */
static bool page_is_buddy(const struct mmc_zone *z, uint32_t buddy,
			  unsigned order)
{
	if (buddy >= z->nr_idx)
		return false;
	pgstate_t s = z->page[buddy];

	return PageBuddy(s) && free_order(s) == order;
}

unsigned __free_one_page(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			 unsigned order, int mt)
{
	return free_one_page_fpi(m, z, idx, order, mt, false);
}

/* task_capc() and compaction_capture(): the compactor's capture, when
 * this free is in its zone, it has none yet, and a block of its order
 * may go to it: never an isolated block, and a movable block below
 * pageblock order only to a movable request. */
static struct capture_control *task_capc(struct mmc *m,
					 const struct mmc_zone *z)
{
	struct capture_control *capc = m->capc;

	return capc && capc->zone == z && capc->idx == NO_IDX ? capc : NULL;
}

static bool compaction_capture(struct capture_control *capc, uint32_t idx,
			       unsigned order, int mt)
{
	if (!capc || order != capc->order || mt == MIGRATE_ISOLATE)
		return false;
	if (order < pageblock_order && mt == MIGRATE_MOVABLE &&
	    capc->migratetype != MIGRATE_MOVABLE)
		return false;
	capc->idx = idx;
	return true;
}

unsigned free_one_page_fpi(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			   unsigned order, int mt, bool to_tail)
{
	struct capture_control *capc = task_capc(m, z);
	unsigned merges = 0;

	while (order < MAX_PAGE_ORDER) {
		if (compaction_capture(capc, idx, order, mt))
			return merges;
		uint32_t buddy = idx ^ (1u << order);

		if (!page_is_buddy(z, buddy, order))
			break;
		int buddy_mt = free_mt(z->page[buddy]);
		/* Do not merge across HIGHATOMIC/ISOLATE pageblocks and
		 * normal ones (the order >= pageblock_order check). */
		if (order >= pageblock_order && buddy_mt != mt &&
		    (!migratetype_is_mergeable(mt) ||
		     !migratetype_is_mergeable(buddy_mt)))
			break;
		del_page_from_free_list(z, buddy, order, buddy_mt);
		/* match the buddy's block type (blocks below pageblock order
		 * share one pageblock, so their types agree already) */
		if (buddy_mt != mt && order >= pageblock_order)
			change_pageblock_range(z, buddy, order, mt);
		idx &= buddy;
		order++;
		merges++;
	}
	/* buddy_merge_likely(): if the buddy of the next-larger block is
	 * free, this one is likely to merge soon: add it at the tail */
	bool tail = to_tail;

	if (!tail && order < MAX_PAGE_ORDER - 1) {
		uint32_t higher = idx & ~(1u << order);

		tail = page_is_buddy(z, higher ^ (1u << (order + 1)), order + 1);
	}
	__add_to_free_list(z, idx, order, mt, tail);
	return merges;
}

static void mark_range_free(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			    uint32_t nr)
{
	set_page_class(m, z, idx, nr, MMC_PC_FREE);	/* touches */
	for (uint32_t i = 0; i < nr; i++)
		z->page[idx + i] = MMC_PC_FREE << PG_CLASS_SHIFT;
}

unsigned free_one_page(struct mmc *m, struct mmc_zone *z, uint32_t idx,
		       unsigned order)
{
	mark_range_free(m, z, idx, 1u << order);
	count_vm_events(m, MMC_PGFREE, 1u << order);
	return __free_one_page(m, z, idx, order,
			       get_pageblock_migratetype(z, idx));
}

void free_reclaimed_pages(struct mmc *m, uint64_t pfn, unsigned order, int cpu)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return;
	uint32_t idx = pfn_to_idx(z, pfn);

	mark_range_free(m, z, idx, 1u << order);
	count_vm_events(m, MMC_PGFREE, 1u << order);
	if ((uint32_t)cpu >= m->nr_cpus)	/* also cpu < 0: the buddy */
		cpu = -1;
	free_prepared_pages(m, z, idx, order, cpu, NULL);
}

uint32_t find_buddy_head(const struct mmc_zone *z, uint32_t idx)
{
	if (idx >= z->nr_idx || page_class(z->page[idx]) != MMC_PC_FREE)
		return NO_IDX;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		uint32_t head = idx & ~((1u << o) - 1);
		pgstate_t s = z->page[head];

		if ((s & PG_ORDER_MASK) && free_order(s) >= o)
			return PageBuddy(s) ? head : NO_IDX;
	}
	return NO_IDX;
}

int take_free_range(struct mmc *m, struct mmc_zone *z, uint32_t idx,
		    unsigned order, struct mmc_result *res)
{
	uint32_t head = find_buddy_head(z, idx);

	(void)m;
	if (head == NO_IDX || (idx & ((1u << order) - 1)))
		return -1;
	unsigned o = free_order(z->page[head]);
	if (o < order || head + (1u << o) < idx + (1u << order))
		return -1;
	int mt = free_mt(z->page[head]);

	del_page_from_free_list(z, head, o, mt);
	/* split, keeping the half that holds idx */
	while (o > order) {
		o--;
		uint32_t upper = head + (1u << o);

		if (idx >= upper) {
			add_to_free_list(z, head, o, mt);
			head = upper;
		} else {
			add_to_free_list(z, upper, o, mt);
		}
		if (res)
			res->splits++;
	}
	return 0;
}

/* ---- allocation from the lists -------------------------------------- */

static uint32_t page_del_and_expand(struct mmc_zone *z, uint32_t idx,
				    unsigned low, unsigned high, int mt,
				    struct mmc_result *res)
{
	del_page_from_free_list(z, idx, high, mt);
	unsigned n = expand(z, idx, low, high, mt);

	if (res)
		res->splits += n;
	return idx;
}

uint32_t __rmqueue_smallest(struct mmc_zone *z, unsigned order, int mt,
			    struct mmc_result *res)
{
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &z->free_area[o];

		if (!area->nr_free[mt])
			continue;
		uint32_t idx = free_list_first(&area->free_list[mt], o);

		return page_del_and_expand(z, idx, order, o, mt, res);
	}
	return NO_IDX;
}

/* should_try_claim_block() */
static bool should_try_claim_block(unsigned order, int start_mt)
{
	if (order >= pageblock_order / 2)
		return true;
	return start_mt == MIGRATE_RECLAIMABLE || start_mt == MIGRATE_UNMOVABLE;
}

/* find_suitable_fallback(): -1 none at this order, -2 too low to claim */
static int find_suitable_fallback(const struct free_area *area,
				  unsigned order, int mt, bool claimable)
{
	if (claimable && !should_try_claim_block(order, mt))
		return -2;
	if (!area->nr_free_all)
		return -1;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fmt = fallbacks[mt][i];

		if (area->nr_free[fmt])
			return fmt;
	}
	return -1;
}

/* prep_move_freepages_block(): count free and movable pages of the block
 * holding idx; false when the block crosses the zone boundary.  Movable
 * = on an LRU (PageLRU; __PageMovable is not modelled). */
static bool prep_move_freepages_block(const struct mmc_zone *z, uint32_t idx,
				      uint32_t *start, uint32_t *nr_free,
				      uint32_t *nr_movable)
{
	uint32_t s = idx & ~(pageblock_nr_pages - 1);
	uint32_t e = s + pageblock_nr_pages - 1;

	if (!zone_spans_idx(z, s) || !zone_spans_idx(z, e))
		return false;
	*start = s;
	*nr_free = 0;
	*nr_movable = 0;
	for (uint32_t i = s; i <= e;) {
		pgstate_t st = z->page[i];

		if (PageBuddy(st)) {
			*nr_free += 1u << free_order(st);
			i += 1u << free_order(st);
			continue;
		}
		if (st & PG_LRU)
			(*nr_movable)++;
		i++;
	}
	return true;
}

/* __move_freepages_block(): move every buddy block of the pageblock */
static uint32_t __move_freepages_block(struct mmc_zone *z, uint32_t start,
				       int new_mt)
{
	uint32_t moved = 0;

	for (uint32_t i = start; i < start + pageblock_nr_pages;) {
		pgstate_t st = z->page[i];

		if (!PageBuddy(st)) {
			i++;
			continue;
		}
		unsigned o = free_order(st);
		if (free_mt(st) != new_mt)
			move_to_free_list(z, i, o, free_mt(st), new_mt);
		moved += 1u << o;
		i += 1u << o;
	}
	return moved;
}

uint32_t move_freepages_block(struct mmc_zone *z, uint32_t idx, int old_mt,
			      int new_mt)
{
	uint32_t start, nr_free, nr_movable;

	(void)old_mt;
	if (!prep_move_freepages_block(z, idx, &start, &nr_free, &nr_movable))
		return NO_IDX;
	uint32_t moved = __move_freepages_block(z, start, new_mt);

	set_pageblock_migratetype(z, start, new_mt);
	return moved;
}

bool boost_watermark(struct mmc *m, struct mmc_zone *z)
{
	int factor = m->policy.watermark_boost_factor;

	if (!factor)
		return false;
	/* small zones: boosting could OOM at once */
	if (pageblock_nr_pages * 4 > z->managed)
		return false;
	uint64_t high = z->_watermark[WMARK_HIGH];
	/* mult_frac(high, factor, 10000) */
	uint64_t max_boost = (high / 10000) * (uint64_t)factor +
			     (high % 10000) * (uint64_t)factor / 10000;

	if (!max_boost)
		return false;
	if (max_boost < pageblock_nr_pages)
		max_boost = pageblock_nr_pages;
	uint64_t nb = z->watermark_boost + pageblock_nr_pages;

	z->watermark_boost = nb < max_boost ? nb : max_boost;
	m->vm.boosts++;
	return true;
}

/* try_to_claim_block() of 6.15+ */
static uint32_t try_to_claim_block(struct mmc *m, struct mmc_zone *z,
				   uint32_t idx, unsigned current_order,
				   unsigned order, int start_type,
				   int block_type, unsigned alloc_flags,
				   struct mmc_result *res)
{
	if (current_order >= pageblock_order) {
		del_page_from_free_list(z, idx, current_order, block_type);
		change_pageblock_range(z, idx, current_order, start_type);
		unsigned n = expand(z, idx, order, current_order, start_type);

		m->vm.pageblock_steals++;
		if (res) {
			res->splits += n;
			res->path |= MMC_PATH_STEAL;
		}
		return idx;
	}
	if (boost_watermark(m, z)) {
		if (res)
			res->path |= MMC_PATH_BOOST;
		if (alloc_flags & ALLOC_KSWAPD)
			z->boosted_watermark = true;
	}
	uint32_t start, nr_free, nr_movable;

	if (!prep_move_freepages_block(z, idx, &start, &nr_free, &nr_movable))
		return NO_IDX;
	uint32_t alike;

	if (start_type == MIGRATE_MOVABLE)
		alike = nr_movable;
	else if (block_type == MIGRATE_MOVABLE)
		alike = pageblock_nr_pages - (nr_free + nr_movable);
	else
		alike = 0;
	if (nr_free + alike < (1u << (pageblock_order - 1)))
		return NO_IDX;
	__move_freepages_block(z, start, start_type);
	set_pageblock_migratetype(z, start, start_type);
	m->vm.pageblock_steals++;
	if (res)
		res->path |= MMC_PATH_STEAL;
	return __rmqueue_smallest(z, order, start_type, res);
}

/* __rmqueue_claim(): largest fallback block first */
static uint32_t __rmqueue_claim(struct mmc *m, struct mmc_zone *z,
				unsigned order, int start_mt,
				unsigned alloc_flags, struct mmc_result *res)
{
	unsigned min_order = order;

	if (order < pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = pageblock_order;
	for (int o = MAX_PAGE_ORDER; o >= (int)min_order; o--) {
		struct free_area *area = &z->free_area[o];
		int fmt = find_suitable_fallback(area, (unsigned)o, start_mt,
						 true);
		if (fmt == -1)
			continue;
		if (fmt == -2)
			break;
		uint32_t idx = free_list_first(&area->free_list[fmt],
					       (unsigned)o);
		idx = try_to_claim_block(m, z, idx, (unsigned)o, order,
					 start_mt, fmt, alloc_flags, res);
		if (idx != NO_IDX) {
			count_vm_event(m, MMC_TP_PAGE_ALLOC_EXTFRAG);
			return idx;
		}
	}
	return NO_IDX;
}

/* __rmqueue_steal(): smallest fallback block, pageblock type unchanged */
static uint32_t __rmqueue_steal(struct mmc *m, struct mmc_zone *z,
				unsigned order, int start_mt,
				struct mmc_result *res)
{
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &z->free_area[o];
		int fmt = find_suitable_fallback(area, o, start_mt, false);

		if (fmt < 0)
			continue;
		uint32_t idx = free_list_first(&area->free_list[fmt], o);

		page_del_and_expand(z, idx, order, o, fmt, res);
		count_vm_event(m, MMC_TP_PAGE_ALLOC_EXTFRAG);
		return idx;
	}
	return NO_IDX;
}

/* __rmqueue(): own lists, then claim, then steal (RMQUEUE_NORMAL mode;
 * the kernel's rmqueue_mode memo across a bulk refill is not kept). */
uint32_t __rmqueue(struct mmc *m, struct mmc_zone *z, unsigned order,
		   int migratetype, unsigned alloc_flags,
		   struct mmc_result *res)
{
	uint32_t idx = __rmqueue_smallest(z, order, migratetype, res);

	if (idx != NO_IDX)
		return idx;
	idx = __rmqueue_claim(m, z, order, migratetype, alloc_flags, res);
	if (idx == NO_IDX && !(alloc_flags & ALLOC_NOFRAGMENT))
		idx = __rmqueue_steal(m, z, order, migratetype, res);
	if (idx != NO_IDX && res)
		res->path |= MMC_PATH_FALLBACK;
	return idx;
}

/* ---- highatomic reserve ------------------------------------------------ */

/* reserve_highatomic_pageblock(): the cap is managed/100 + a pageblock as
 * in 6.6 (6.12 aligns managed/100 up to a pageblock instead). */
void reserve_highatomic_pageblock(struct mmc *m, struct mmc_zone *z,
				  uint32_t idx)
{
	uint64_t max_managed = z->managed / 100 + pageblock_nr_pages;

	(void)m;
	if (z->nr_reserved_highatomic >= max_managed)
		return;
	int mt = get_pageblock_migratetype(z, idx);

	if (!migratetype_is_mergeable(mt))
		return;
	if (move_freepages_block(z, idx, mt, MIGRATE_HIGHATOMIC) == NO_IDX)
		return;
	z->nr_reserved_highatomic += pageblock_nr_pages;
}

/* unreserve_highatomic_pageblock(): give one reserved block back to the
 * movable lists (ac->migratetype is taken as MOVABLE here). */
bool unreserve_highatomic_pageblock(struct mmc *m, int preferred_nid,
				    bool force)
{
	struct mmc_node *n = &m->nodes[preferred_nid];

	for (uint32_t i = 0; i < n->nr_zonelist; i++) {
		struct mmc_zone *z = n->zonelist[i];

		if (!force && z->nr_reserved_highatomic <= pageblock_nr_pages)
			continue;
		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
			struct free_area *area = &z->free_area[o];

			if (!area->nr_free[MIGRATE_HIGHATOMIC])
				continue;
			uint32_t idx = free_list_first(
				&area->free_list[MIGRATE_HIGHATOMIC], o);
			uint64_t size = o > pageblock_order ?
				1u << o : pageblock_nr_pages;

			if (size > z->nr_reserved_highatomic)
				size = z->nr_reserved_highatomic;
			z->nr_reserved_highatomic -= size;
			if (o < pageblock_order) {
				if (move_freepages_block(z, idx,
							 MIGRATE_HIGHATOMIC,
							 MIGRATE_MOVABLE) ==
				    NO_IDX)
					continue;
			} else {
				move_to_free_list(z, idx, o, MIGRATE_HIGHATOMIC,
						  MIGRATE_MOVABLE);
				change_pageblock_range(z, idx, o,
						       MIGRATE_MOVABLE);
			}
			return true;
		}
	}
	return false;
}
