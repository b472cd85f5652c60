/* SPDX-License-Identifier: MIT */
/*
 * mmcore private data structures, shared by every file of mmcore/.
 * Nothing outside mmcore/ (and tests/bench of mmcore) includes this.
 *
 * WHO OWNS WHAT (edit only your own files; ask the owner for a field):
 *   mmcore helper:  internal.h, mmcore.c (create/destroy/seed/hooks),
 *                   topology.c, policy.c, buddy.c (free lists, expand,
 *                   __free_one_page, fallback, highatomic), pcp.c,
 *                   watermark.c (wmarks, lowmem_reserve, __zone_watermark_ok,
 *                   gfp mapping), page_alloc.c (get_page_from_freelist,
 *                   slow path), metrics.c
 *   slab helper:    slab.c (SLUB, all mmc_kmem_* / mmc_slab_* / mmc_kmalloc_*),
 *                   fault.c (mmc_fault*, THP at fault time)
 *   reclaim helper: reclaim.c (LRU, kswapd, direct reclaim, node_reclaim),
 *                   compaction.c (scanners, compaction_suitable, direct
 *                   and proactive compaction)
 *
 * Each of slab.c, fault.c, reclaim.c, compaction.c keeps its own state
 * behind one opaque pointer (m->slab, m->fault, n->reclaim, m->reclaim,
 * z->compact, m->compact) that it allocates in its *_init() and frees in its
 * *_destroy(); mmcore.c calls those in mmc_create()/mmc_destroy().
 *
 * MEMORY BUDGET (<= 8 bytes per simulated page in total):
 *   per-page state  2 bytes  (uint16_t, below)                mmcore
 *   free lists      ~1.3 bytes (bitmaps of free block heads)  mmcore
 *                   + rings of recent heads: at most 256 KiB a list
 *                   (FL_RECENT_MAX), touched only as used
 *                   + a start snapshot's list order: 4 bytes a free
 *                   block it holds (when the snapshot has the order)
 *   pageblock mt    1 byte per 512 pages                       mmcore
 *   left for reclaim/slab/fault: about 4 bytes per page in total; prefer
 *   per-node or per-object structures over per-page arrays.
 *
 * INDICES: a zone's arrays are indexed by zone-relative 32-bit indices
 * idx = pfn - z->base_pfn, where base_pfn is start_pfn rounded down to
 * MAX_ORDER_NR_PAGES, so idx alignment == pfn alignment (buddy math works
 * on idx).  Pages in [base_pfn, start_pfn) and past the present pages are
 * holes (class MMC_PC_HOLE).  A zone spans at most 2^32 pages (16 TiB).
 */
#ifndef MMCORE_INTERNAL_H
#define MMCORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mmcore.h"

#define NO_PFN UINT64_MAX
#define NO_IDX UINT32_MAX

#define MAX_PAGE_ORDER MMC_MAX_ORDER
#define NR_PAGE_ORDERS MMC_NR_ORDERS
#define MAX_ORDER_NR_PAGES (1u << MAX_PAGE_ORDER)
#define pageblock_order MMC_PAGEBLOCK_ORDER
#define pageblock_nr_pages (1u << pageblock_order)
#define PAGE_ALLOC_COSTLY_ORDER 3
#define PAGE_SHIFT 12
#define HPAGE_PMD_ORDER 9

/* include/linux/mmzone.h migratetypes (no CMA in the model). */
#define MIGRATE_UNMOVABLE MMC_MT_UNMOVABLE
#define MIGRATE_MOVABLE MMC_MT_MOVABLE
#define MIGRATE_RECLAIMABLE MMC_MT_RECLAIMABLE
#define MIGRATE_PCPTYPES MMC_MT_PCPTYPES
#define MIGRATE_HIGHATOMIC MMC_MT_HIGHATOMIC
#define MIGRATE_ISOLATE MMC_MT_ISOLATE
#define MIGRATE_TYPES MMC_NR_MIGRATETYPES

/* ---- per-page state: one uint16_t per page (struct page's role) -------
 *
 *  bits  0-3  PG_ORDER: order+1 on the head page of a free block (buddy
 *             or pcp); 0 on every other page.            [buddy.c, pcp.c]
 *  bits  4-6  class: enum mmc_page_class, or PC_ISOLATED  [everyone, via
 *             set_page_class() so node counters stay right]
 *  bit   7    PG_PCP: the free block headed here sits on a pcp list (not
 *             PageBuddy).                                 [pcp.c]
 *  bits  8-10 PG_MT: on a free head, its free list (or pcp list)
 *             migratetype [buddy.c, pcp.c]; on allocated pages, the
 *             migratetype the allocation asked for (gfp_migratetype), used
 *             for mixed-pageblock metrics [page_alloc.c; migrate keeps it]
 *  bits 11-14 LRU bits, meaningful on allocated pages only [reclaim.c]:
 *             PG_LRU (on an LRU list), PG_ACTIVE, PG_REFERENCED,
 *             PG_WORKINGSET.  anon/file is the class (ANON/FILE).
 *  bit  15    PG_HEAD: head of a compound page (slab of order > 0, THP)
 *                                                     [slab.c, fault.c]
 *
 * Every page of a free block (buddy or pcp) has class MMC_PC_FREE; only the
 * head carries the order and the list migratetype.
 */
typedef uint16_t pgstate_t;

#define PG_ORDER_MASK	0x000fu
#define PG_CLASS_SHIFT	4
#define PG_CLASS_MASK	0x0070u
#define PG_PCP		0x0080u
#define PG_MT_SHIFT	8
#define PG_MT_MASK	0x0700u
#define PG_LRU		0x0800u
#define PG_ACTIVE	0x1000u
#define PG_REFERENCED	0x2000u
#define PG_WORKINGSET	0x4000u
#define PG_LRU_BITS	(PG_LRU | PG_ACTIVE | PG_REFERENCED | PG_WORKINGSET)
#define PG_HEAD		0x8000u

/* Free pages taken by compaction's free scanner (isolate_free_page) and
 * not yet used as migration targets.  Counted as allocated. */
#define PC_ISOLATED 7
#define NR_PAGE_CLASSES 8

/* ---- gfp: bit numbers mirror enum mmt_gfp_canon (include/mmtrace/trace.h);
 * tests/test_mmcore_gfp.c checks them one by one.  The masks are the
 * MMC___GFP_* / MMC_GFP_* macros of include/mmcore.h. */

/* ---- alloc_flags: mm/internal.h of 6.6+ (values as the kernel's) ------ */
#define ALLOC_WMARK_MIN		0x00	/* WMARK_MIN */
#define ALLOC_WMARK_LOW		0x01	/* WMARK_LOW */
#define ALLOC_WMARK_HIGH	0x02	/* WMARK_HIGH */
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10	/* caller cannot block */
#define ALLOC_MIN_RESERVE	0x20	/* __GFP_HIGH: dip below min */
#define ALLOC_CPUSET		0x40
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_HIGHATOMIC	0x200
#define ALLOC_KSWAPD		0x800
/* model only: the marks count what reclaim has reclaimed but not yet
 * freed (direct_inflight.c): a direct reclaimer's own pages are its */
#define ALLOC_RECLAIMED		0x1000
#define ALLOC_RESERVES (ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO,
		       NR_WMARK };

/* ---- free lists ---------------------------------------------------------
 * The kernel keeps free_area[order].free_list[mt] as linked lists through
 * struct page, taking from the head, adding at the head (frees, expand())
 * or at the tail (a merge looks likely, moves between lists).  That would
 * cost 16 bytes a page here, so each (zone, order, mt) list is a bitmap of
 * free block heads (bit b = the block at idx b << order) with a two-level
 * summary (l1 bit w = l0 word w is not zero, l2 bit v = l1 word v is not
 * zero), plus a ring of the blocks most recently added at the head (up to
 * FL_RECENT_MAX, fewer for short lists; zero pages of one mapping a zone,
 * so memory only as used).
 * The list head is the newest still-free block of that ring, else the
 * next still-free block of a start snapshot in the kernel's list order
 * when the snapshot has it (seed, mmc_seed_free_order()), else the
 * HIGHEST-addressed block: the kernel's LIFO order for the last head
 * additions and the snapshot's blocks; beyond them the order a LIFO list
 * built by frees in ascending pfn order would have (a deliberate
 * simplification; see buddy.c). */
#define FL_RECENT_MIN 16
/* 65536: the last 64 Ki head additions of a list in the kernel's LIFO
 * order (8192 before; on eight `make validate` sets the larger ring took
 * the two single-allocation failures away and changed no target for the
 * worse) */
#define FL_RECENT_MAX 65536
struct free_list {
	uint64_t *l0, *l1, *l2;
	uint32_t n0, n1, n2;	/* words per level */
	uint32_t *recent;	/* ring of block numbers, may be stale */
	uint32_t recent_cap;	/* a power of two */
	uint32_t recent_head, nr_recent;
	uint32_t *seed;		/* snapshot blocks, head first, may be stale */
	uint32_t nr_seed, seed_cap, seed_next;
};

struct free_area {
	struct free_list free_list[MIGRATE_TYPES];
	uint64_t nr_free[MIGRATE_TYPES];	/* blocks, per list */
	uint64_t nr_free_all;			/* blocks, all lists */
};

/* ---- per-cpu page lists (struct per_cpu_pages) -------------------------
 * Lists for orders 0..PAGE_ALLOC_COSTLY_ORDER per pcp migratetype, plus
 * two for pageblock order (THP: movable, and unmovable+reclaimable), as
 * order_to_pindex() of 6.6+.  Each list is a LIFO stack of block idx. */
#define NR_LOWORDER_PCP_LISTS (MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_THP 2
#define NR_PCP_LISTS (NR_LOWORDER_PCP_LISTS + NR_PCP_THP)

/* A ring: alloc and free use the top (list head: LIFO, cache-hot),
 * free_pcppages_bulk() drains from the bottom (list tail: oldest). */
struct pcp_list {
	uint32_t *idx;
	uint32_t head;		/* ring position of the bottom entry */
	uint32_t nr, cap;	/* blocks; cap is 0 or a power of two */
};

#define PCP_BATCH_SCALE_MAX 5	/* CONFIG_PCP_BATCH_SCALE_MAX default */

struct per_cpu_pages {
	uint32_t count;		/* pages (not blocks) on all lists */
	uint32_t high, batch;	/* in pages; high tuned between min and max */
	uint32_t high_min, high_max;
	int32_t free_count;	/* consecutive frees (nr_pcp_free scaling) */
	uint32_t alloc_factor;	/* refill doubling (nr_pcp_alloc) */
	struct pcp_list lists[NR_PCP_LISTS];
};

/* ---- zone / node ------------------------------------------------------- */
struct mmc_zone {
	int node;			/* nid */
	enum mmc_zone_type type;	/* zone_idx() */
	uint64_t base_pfn;		/* start_pfn & ~(MAX_ORDER_NR_PAGES-1) */
	uint64_t start_pfn, spanned, present, managed;
	/* managed minus the pages the model lays out as managed (free or
	 * allocated): non-zero once mmc_zone_set_managed() gives the
	 * kernel's count, which the pfn layout need not match */
	int64_t managed_skew;
	uint32_t nr_idx;		/* array length: end_pfn - base_pfn */

	pgstate_t *page;		/* [nr_idx] */
	uint8_t *pageblock_mt;		/* [nr_idx >> pageblock_order] */
	/* Per pageblock: is it mixed (metrics.c), or PB_MIX_DIRTY when a
	 * page or the block's type changed since it was last looked at.
	 * Every write of a page's class, type or order, and of the block's
	 * type, goes through pageblock_touch(): time-series sampling then
	 * rescans only the blocks that changed, not the whole zone. */
	uint8_t *pb_mix;		/* [nr_idx >> pageblock_order] */

	struct free_area free_area[NR_PAGE_ORDERS];
	/* one mapping holds every free list's bitmaps and recent ring
	 * (buddy.c: zero pages until a list is used) */
	void *fl_arena;
	size_t fl_arena_len;
	uint64_t nr_free;		/* NR_FREE_PAGES of the buddy lists */
	uint64_t nr_free_pcp;		/* pages on pcp lists, all cpus */
	uint64_t nr_kswapd_inflight;	/* reclaimed by kswapd or a direct
					 * reclaimer, not yet freed (kswapd.c,
					 * direct_inflight.c), pages */
	uint64_t kswapd_inflight[NR_PAGE_ORDERS];	/* the same, folios
							 * by order */

	uint64_t _watermark[NR_WMARK];
	uint64_t watermark_boost;
	uint64_t lowmem_reserve[MMC_NR_ZONE_TYPES];
	uint64_t nr_reserved_highatomic;	/* pages in HIGHATOMIC blocks */
	uint64_t nr_free_highatomic;	/* free pages on HIGHATOMIC lists */
	bool boosted_watermark;		/* ZONE_BOOSTED_WATERMARK */
	bool below_high;		/* ZONE_BELOW_HIGH (pcp high tuning) */
	bool reclaim_active;	/* ZONE_RECLAIM_ACTIVE: kswapd in balance_pgdat() */

	struct per_cpu_pages *pcp;	/* [m->nr_cpus] */
	uint32_t pcp_high, pcp_batch;	/* as set up (zone_highsize/batchsize) */

	void *compact;			/* compaction.c private */
};

#define NODE_RECLAIM_NOSCAN	-2
#define NODE_RECLAIM_FULL	-1
#define NODE_RECLAIM_SOME	0
#define NODE_RECLAIM_SUCCESS	1

/* zone_reclaim_mode bits (include/uapi/linux/mempolicy.h) */
#define RECLAIM_ZONE	(1 << 0)
#define RECLAIM_WRITE	(1 << 1)
#define RECLAIM_UNMAP	(1 << 2)

struct mmc_node {
	int nid;
	struct mmc_zone zones[MMC_NR_ZONE_TYPES];	/* node_zones */
	/* ZONELIST_FALLBACK: populated zones, build_zonelists() order */
	struct mmc_zone **zonelist;
	uint32_t nr_zonelist;
	uint32_t nr_cpus;

	/* Pages per class (enum mmc_page_class / PC_ISOLATED) on this node,
	 * kept by set_page_class() and the allocator. */
	uint64_t nr_class[NR_PAGE_CLASSES];
	/* Kept by slab.c (NR_SLAB_RECLAIMABLE_B / _UNRECLAIMABLE_B, pages). */
	uint64_t nr_slab_reclaimable, nr_slab_unreclaimable;
	/* setup_min_unmapped_ratio / setup_min_slab_ratio, set by
	 * mmc_setup_zones() from the policy. */
	uint64_t min_unmapped_pages, min_slab_pages;

	/* kswapd (written by reclaim.c, read by everyone) */
	bool kswapd_awake;
	int kswapd_order;
	int kswapd_highest_zoneidx;
	uint32_t kswapd_failures;
	bool reclaim_locked;		/* PGDAT_RECLAIM_LOCKED */

	void *reclaim;			/* reclaim.c private: LRU lists */
	/* this node's share of m->vm's counters (mmc_node_vmstat), kept
	 * beside each of them */
	struct mmc_node_vmstat vm;
};

/* ---- the model --------------------------------------------------------- */
struct mmc {
	struct mmc_policy policy;
	struct mmc_topology *topo;	/* copy of the creating topology */

	uint32_t nr_nodes;
	struct mmc_node *nodes;		/* [nr_nodes] */
	uint32_t nr_cpus;
	int32_t *cpu_node;		/* [nr_cpus] */

	uint32_t nr_zones;		/* populated zones */
	struct mmc_zone **zones;	/* [nr_zones], (node, type) order */
	struct mmc_zone **zones_by_pfn;	/* [nr_zones], by start_pfn */
	struct mmc_zone *last_zone;	/* pfn_to_zone() cache */

	int min_free_kbytes;		/* effective value */
	uint64_t now_ns;		/* last mmc_tick() time */
	uint64_t vmstat_ns;		/* last pcp high decay (vmstat work) */

	struct mmc_vmstat vm;		/* counters: every file adds to them */

	mmc_reclaim_fn reclaim_fn;
	void *reclaim_ctx;
	mmc_migrate_fn migrate_fn;
	void *migrate_ctx;
	mmc_split_fn split_fn;
	void *split_ctx;

	/* Set by fault.c (may stay NULL): reclaim is about to free the LRU
	 * range [pfn, +2^order), so its mapping becomes a shadow entry and a
	 * later touch refaults.  Called before m->reclaim_fn. [reclaim.c] */
	void (*fault_reclaimed)(struct mmc *m, uint64_t pfn, unsigned order);
	/* Set by fault.c (may stay NULL): compaction moved [from, +2^order)
	 * to [to, ...): mappings follow the pages.  Called before
	 * m->migrate_fn. [page_alloc.c migrate_page_range] */
	void (*fault_migrated)(struct mmc *m, uint64_t from, uint64_t to,
			       unsigned order);

	/* current->capture_control of a direct compaction in progress
	 * (compaction.c sets it around compact_zone(), buddy.c fills it),
	 * NULL otherwise. */
	struct capture_control *capc;

	void *reclaim;			/* reclaim.c private, model-wide */
	void *kswapd;			/* kswapd.c private: [nr_nodes] */
	struct mmc_bg_costs bg;		/* kswapd's time per unit of work */
	void *compact;			/* compaction.c private, model-wide */
	void *slab;			/* slab.c private */
	void *fault;			/* fault.c private */
	void *writeback;		/* writeback.c private */
	void *direct_inflight;		/* direct_inflight.c private */
};

/* count_vm_events(): the kernel-named event counters (enum mmc_vm_item). */
static inline void count_vm_events(struct mmc *m, enum mmc_vm_item item,
				   uint64_t n)
{
	m->vm.ev[item] += n;
}

static inline void count_vm_event(struct mmc *m, enum mmc_vm_item item)
{
	m->vm.ev[item]++;
}

/* ---- accessors ----------------------------------------------------------- */
static inline uint32_t pfn_to_idx(const struct mmc_zone *z, uint64_t pfn)
{
	return (uint32_t)(pfn - z->base_pfn);
}

static inline uint64_t idx_to_pfn(const struct mmc_zone *z, uint32_t idx)
{
	return z->base_pfn + idx;
}

static inline unsigned page_class(pgstate_t s)
{
	return (s & PG_CLASS_MASK) >> PG_CLASS_SHIFT;
}

static inline bool PageBuddy(pgstate_t s)
{
	return (s & PG_ORDER_MASK) && !(s & PG_PCP);
}

static inline bool PagePcp(pgstate_t s)
{
	return (s & PG_ORDER_MASK) && (s & PG_PCP);
}

/* Order of a free head (buddy or pcp); only valid when the head is free. */
static inline unsigned free_order(pgstate_t s)
{
	return (s & PG_ORDER_MASK) - 1;
}

static inline int free_mt(pgstate_t s)
{
	return (s & PG_MT_MASK) >> PG_MT_SHIFT;
}

static inline bool page_allocated(pgstate_t s)
{
	unsigned c = page_class(s);

	return c != MMC_PC_FREE && c != MMC_PC_HOLE && c != MMC_PC_RESERVED;
}

static inline int get_pageblock_migratetype(const struct mmc_zone *z,
					    uint32_t idx)
{
	return z->pageblock_mt[idx >> pageblock_order];
}

#define PB_MIX_DIRTY 2

/* Does the pageblock at idx start hold a page of another type (metrics.c)? */
bool pageblock_mixed(const struct mmc_zone *z, uint32_t start, int bmt);

static inline void pageblock_touch(const struct mmc_zone *z, uint32_t idx)
{
	z->pb_mix[idx >> pageblock_order] = PB_MIX_DIRTY;
}

/* pages [idx, idx + nr), nr >= 1 */
static inline void pageblock_touch_range(const struct mmc_zone *z,
					 uint32_t idx, uint32_t nr)
{
	for (uint32_t b = idx >> pageblock_order;
	     b <= (idx + nr - 1) >> pageblock_order; b++)
		z->pb_mix[b] = PB_MIX_DIRTY;
}

static inline bool populated_zone(const struct mmc_zone *z)
{
	return z->present > 0;
}

static inline struct mmc_zone *zone_of(struct mmc *m, int nid, int type)
{
	return &m->nodes[nid].zones[type];
}

static inline uint64_t wmark_pages(const struct mmc_zone *z, int w)
{
	return z->_watermark[w] + z->watermark_boost;
}
#define min_wmark_pages(z) wmark_pages(z, WMARK_MIN)
#define low_wmark_pages(z) wmark_pages(z, WMARK_LOW)
#define high_wmark_pages(z) wmark_pages(z, WMARK_HIGH)

static inline uint64_t zone_page_state_free(const struct mmc_zone *z)
{
	return z->nr_free;	/* NR_FREE_PAGES: pcp pages are not counted */
}

/* The zone holding pfn, or NULL (hole between zones / out of range). */
struct mmc_zone *pfn_to_zone(struct mmc *m, uint64_t pfn);

/* A folio reclaim took off the LRU and frees later (kswapd.c,
 * direct_inflight.c) counts in its zone's nr_kswapd_inflight and
 * kswapd_inflight[order] until then: add it, or take it back. */
static inline void zone_inflight_count(struct mmc *m, uint64_t pfn,
				       unsigned order, bool add)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z || order >= NR_PAGE_ORDERS)
		return;
	if (add) {
		z->nr_kswapd_inflight += 1ull << order;
		z->kswapd_inflight[order]++;
	} else {
		z->nr_kswapd_inflight -= 1ull << order;
		z->kswapd_inflight[order]--;
	}
}

/* Change the class of [pfn, pfn+nr) (all in one zone), keeping the node's
 * nr_class[] right.  Leaves other bits alone. */
void set_page_class(struct mmc *m, struct mmc_zone *z, uint32_t idx,
		    uint32_t nr, unsigned cls);

static inline int cpu_to_node(const struct mmc *m, int cpu)
{
	if (cpu < 0 || (uint32_t)cpu >= m->nr_cpus)
		return 0;
	return m->cpu_node[cpu];
}

/* kswapd and kcompactd run on their node's cpus (kthreads bound to
 * cpumask_of_node); the model puts them on the first, whose pcp lists
 * take what they free and what they drain.  -1 for a node without
 * cpus. */
static inline int node_first_cpu(const struct mmc *m, int nid)
{
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		if (cpu_to_node(m, (int)c) == nid)
			return (int)c;
	return -1;
}

/* ====================================================================
 * The page allocator (mmcore helper): entries for slab.c, fault.c,
 * reclaim.c and compaction.c.
 * ==================================================================== */

/* __alloc_pages(gfp, order, preferred_nid): fast path, then the slow path
 * (kswapd, min mark, compaction, reclaim, OOM).  Returns the first pfn or
 * NO_PFN; fills res (may be NULL; it is not cleared here, fields add up).
 * The new pages get class `cls` (MMC_PC_KERNEL, _SLAB, _ANON, _FILE).
 * cpu picks the pcp lists (-1: the first cpu of preferred_nid). */
uint64_t alloc_pages_node(struct mmc *m, int preferred_nid, uint64_t gfp,
			  unsigned order, int cpu, unsigned cls,
			  struct mmc_result *res);
/* free_pages / __free_pages: pcp for pcp orders, else buddy.  Pages on an
 * LRU (PG_LRU) are taken off it with lru_del() first.  -1 and no change
 * when [pfn, +2^order) is not all allocated. */
int free_pages(struct mmc *m, uint64_t pfn, unsigned order, int cpu,
	       struct mmc_result *res);

/* --- buddy.c --- */
/* struct capture_control: a direct compactor takes the first block of its
 * order that a free in its zone forms (compaction_capture()), past the
 * watermarks; idx is NO_IDX until then.  The captured pages stay class
 * FREE on no list until the caller's prep_new_page(). */
struct capture_control {
	const struct mmc_zone *zone;
	unsigned order;
	int migratetype;		/* cc->migratetype */
	uint32_t idx;
};
/* __free_one_page: put [idx, +2^order) (already class FREE or not) into the
 * buddy lists as mt, merging with free buddies; returns merges done. */
unsigned __free_one_page(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			 unsigned order, int mt);
/* With FPI_TO_TAIL (to_tail): memory given to the allocator at boot or by
 * hot-add (__free_pages_core) goes to the tail, i.e. address order. */
unsigned free_one_page_fpi(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			   unsigned order, int mt, bool to_tail);
/* Free an allocated range straight to the buddy (no pcp), e.g. compaction
 * releasing isolated pages or reclaim freeing a page; sets class FREE. */
unsigned free_one_page(struct mmc *m, struct mmc_zone *z, uint32_t idx,
		       unsigned order);
/* __rmqueue: take a block of order for migratetype (smallest first, then
 * fallback; CMA is not modelled).  NO_IDX when nothing fits.  Pages keep
 * class MMC_PC_FREE: the caller sets the class. */
uint32_t __rmqueue(struct mmc *m, struct mmc_zone *z, unsigned order,
		   int migratetype, unsigned alloc_flags,
		   struct mmc_result *res);
uint32_t __rmqueue_smallest(struct mmc_zone *z, unsigned order, int mt,
			    struct mmc_result *res);
/* Remove/add one free block from/to its list (no merging). */
void del_page_from_free_list(struct mmc_zone *z, uint32_t idx,
			     unsigned order, int mt);
void add_to_free_list(struct mmc_zone *z, uint32_t idx, unsigned order,
		      int mt);
/* expand(): split [idx, +2^high) down to 2^low, giving back the upper
 * halves as mt; returns the number of splits. */
unsigned expand(struct mmc_zone *z, uint32_t idx, unsigned low,
		unsigned high, int mt);
/* Take exactly [idx, +2^order) out of the free block that holds it
 * (mirror mode and compaction).  -1 when not all free in the buddy. */
int take_free_range(struct mmc *m, struct mmc_zone *z, uint32_t idx,
		    unsigned order, struct mmc_result *res);
/* Head idx of the buddy free block containing idx, or NO_IDX. */
uint32_t find_buddy_head(const struct mmc_zone *z, uint32_t idx);
/* Pageblock migratetype (set_pageblock_migratetype) and moving the free
 * pages of a block to another list (move_freepages_block). */
void set_pageblock_migratetype(struct mmc_zone *z, uint32_t idx, int mt);
uint32_t move_freepages_block(struct mmc_zone *z, uint32_t idx, int old_mt,
			      int new_mt);
void reserve_highatomic_pageblock(struct mmc *m, struct mmc_zone *z,
				  uint32_t idx);
bool unreserve_highatomic_pageblock(struct mmc *m, int preferred_nid,
				    bool force);
/* boost_watermark(): returns true if the zone's boost grew. */
bool boost_watermark(struct mmc *m, struct mmc_zone *z);
/* free lists (buddy.c): init/destroy, pop lowest block, membership */
int free_area_init(struct mmc_zone *z);
void free_area_destroy(struct mmc_zone *z);
/* The list head (get_page_from_free_area()), NO_IDX when empty. */
uint32_t free_list_first(const struct free_list *fl, unsigned order);
/* Appends block idx, on this list, to the list's seeded order. */
int free_list_seed(struct free_list *fl, unsigned order, uint32_t idx);
uint32_t free_list_next(const struct free_list *fl, unsigned order,
			uint32_t from_idx);
/* The highest block head below before_idx, or NO_IDX. */
uint32_t free_list_prev(const struct free_list *fl, unsigned order,
			uint32_t before_idx);

/* --- for compaction.c's scanners --- */
/* __isolate_free_page: take the buddy block at idx (a free head of order)
 * if the zone stays above min + 2^order (as the kernel checks); the pages
 * become class PC_ISOLATED.  0 or -1. */
int isolate_free_page(struct mmc *m, struct mmc_zone *z, uint32_t idx,
		      unsigned order);
/* Migrate an allocated range [from, +2^order) into isolated pages at
 * [to, +2^order): class, LRU and HEAD bits move, `from` is freed to the
 * buddy, and m->migrate_fn is called.  0 or -1 (to not isolated, from not
 * allocated). */
int migrate_page_range(struct mmc *m, uint64_t from, uint64_t to,
		       unsigned order);
/* Give isolated pages back (release_freepages): free to buddy. */
void release_isolated_pages(struct mmc *m, uint64_t pfn, unsigned order);

/* --- for reclaim.c --- */
/* A page range reclaim has freed (shrink_folio_list -> free): calls
 * m->reclaim_fn, clears LRU bits and frees it as free_reclaimed_pages()
 * does.  The caller has already taken it off its LRU lists. */
void reclaim_free_pages(struct mmc *m, uint64_t pfn, unsigned order, int cpu);
/* free_unref_folios() of a folio reclaim took (class PC_ISOLATED or
 * allocated): pcp orders (0-3 and the pageblock order) go on cpu's pcp
 * list, where the watermarks and the buddy's free lists do not see them
 * until the list drains; other orders, or cpu -1, to the buddy. */
void free_reclaimed_pages(struct mmc *m, uint64_t pfn, unsigned order, int cpu);
/* page_alloc.c: the pcp-or-buddy end of every free path, for pages
 * already marked free and counted (cpu < 0: the buddy). */
void free_prepared_pages(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			 unsigned order, int cpu, struct mmc_result *res);
/* The same up to the free: the range stays class PC_ISOLATED (off the
 * LRU, out of the page cache, not yet free: the kernel's folios between
 * __remove_mapping() and free_unref_folios()) until
 * release_isolated_pages(). */
void reclaim_isolate_pages(struct mmc *m, uint64_t pfn, unsigned order);

/* --- pcp.c --- */
int pcp_init(struct mmc *m, struct mmc_zone *z);
void pcp_destroy(struct mmc *m, struct mmc_zone *z);
int order_to_pindex(int migratetype, unsigned order);
bool pcp_allowed_order(unsigned order);
/* rmqueue_pcplist: NO_IDX on empty after a refill attempt */
uint32_t rmqueue_pcplist(struct mmc *m, struct mmc_zone *z, int cpu,
			 unsigned order, int migratetype, unsigned alloc_flags,
			 struct mmc_result *res);
/* free_unref_page_commit: to the pcp list, drain a batch when >= high */
void free_unref_page(struct mmc *m, struct mmc_zone *z, int cpu,
		     uint32_t idx, unsigned order, int migratetype,
		     struct mmc_result *res);
void drain_zone_pages(struct mmc *m, struct mmc_zone *z);
/* drain_local_pages(zone): every page on cpu's pcp lists of z back to
 * the buddy (nothing for a cpu out of range). */
void drain_local_pages(struct mmc *m, struct mmc_zone *z, int cpu);
void drain_all_pages(struct mmc *m, struct mmc_zone *z_or_null);
void zone_pcp_update(struct mmc *m, struct mmc_zone *z);
/* decay_pcp_high() on every cpu of every zone (vmstat work, once a
 * second of trace time, driven by mmc_tick()). */
void decay_all_pcp_high(struct mmc *m);
/* Take the pcp block headed at idx off its list (mirror mode). */
int pcp_take_block(struct mmc *m, struct mmc_zone *z, uint32_t idx);
/* Seeding: the free block of 2^order pages at idx (class FREE, on no
 * list) goes on cpu's pcp list of that order for mt, pcp->high rising to
 * the count (<= high_max). */
void pcp_seed_page(struct mmc *m, struct mmc_zone *z, int cpu, uint32_t idx,
		   unsigned order, int mt);

/* --- watermark.c --- */
void setup_per_zone_wmarks(struct mmc *m);
void setup_per_zone_lowmem_reserve(struct mmc *m);
int calculate_min_free_kbytes(const struct mmc *m);
/* set_recommended_min_free_kbytes(): max(base, khugepaged's value);
 * leaves watermarks set up for `base`. */
int thp_recommended_min_free_kbytes(struct mmc *m, int base);
bool __zone_watermark_ok(const struct mmc_zone *z, unsigned order,
			 uint64_t mark, int highest_zoneidx,
			 unsigned alloc_flags, int64_t free_pages);
bool zone_watermark_ok(const struct mmc_zone *z, unsigned order,
		       uint64_t mark, int highest_zoneidx,
		       unsigned alloc_flags);
/* NR_FREE_PAGES_BLOCKS (6.15+): free pages in buddy blocks of
 * pageblock_order and above, isolated ones left out (account_freepages). */
uint64_t zone_free_pages_blocks(const struct mmc_zone *z);
bool zone_watermark_fast(const struct mmc_zone *z, unsigned order,
			 uint64_t mark, int highest_zoneidx,
			 unsigned alloc_flags, uint64_t gfp);
int gfp_zone(uint64_t gfp);
int gfp_migratetype(uint64_t gfp);
unsigned gfp_to_alloc_flags(uint64_t gfp, unsigned order);
bool gfpflags_allow_blocking(uint64_t gfp);

/* --- page_alloc.c --- */
/* node_reclaim_distance rule of zone_allows_reclaim() */
bool zone_allows_reclaim(const struct mmc *m, const struct mmc_zone *local,
			 const struct mmc_zone *z);

/* --- topology.c --- */
int build_zonelists(struct mmc *m);

/* --- metrics.c --- */
/* extfrag_for_order / fragmentation_index on a zone */
int zone_fragmentation_index(const struct mmc_zone *z, unsigned order);
/* the same with kswapd's reclaim in flight counted as free blocks */
int zone_fragmentation_index_inflight(const struct mmc_zone *z,
				      unsigned order);
unsigned extfrag_for_order(const struct mmc_zone *z, unsigned order);

/* ====================================================================
 * reclaim.c (reclaim helper)
 * ==================================================================== */
int reclaim_init(struct mmc *m);
void reclaim_destroy(struct mmc *m);
/* Allocated range becomes LRU pages of class MMC_PC_ANON/MMC_PC_FILE
 * (sets PG_LRU on every page; the class is set by the caller). */
void lru_add(struct mmc *m, uint64_t pfn, unsigned order, int cls);
/* Take an LRU range off its lists (the workload frees it): clears PG_LRU
 * and the other LRU bits.  Called by free_pages() when PG_LRU is set. */
void lru_del(struct mmc *m, uint64_t pfn, unsigned order);
/* mark_page_accessed(): referenced -> active. */
void lru_touch(struct mmc *m, uint64_t pfn);
/* mm/vmscan.c node_reclaim(pgdat, gfp, order): NODE_RECLAIM_*.  cpu is
 * the allocating cpu (numa_node_id()).  Counts vm.node_reclaim*. */
int node_reclaim(struct mmc *m, int nid, uint64_t gfp, unsigned order,
		 int cpu, struct mmc_result *res);
/* try_to_free_pages(zonelist of preferred_nid, order, gfp): direct
 * reclaim by a task on cpu (-1: none; its folios then go straight to the
 * buddy); returns the progress (pages reclaimed, or 1 when a costly
 * order found compaction ready instead), fills res->reclaim_*. */
uint64_t try_to_free_pages(struct mmc *m, int preferred_nid, uint64_t gfp,
			   unsigned order, int highest_zoneidx, int cpu,
			   struct mmc_result *res);

/* ====================================================================
 * writeback.c: the flusher (dirty file folios cleaned)
 * ==================================================================== */
int writeback_init(struct mmc *m);
void writeback_destroy(struct mmc *m);
/* The folio headed at pfn turned dirty now (or its dirty copy landed
 * there): the flusher will write it. */
void writeback_track(struct mmc *m, uint64_t pfn);
/* Periodic, background and vmscan-requested writeback up to now_ns. */
void writeback_tick(struct mmc *m, uint64_t now_ns);
/* wakeup_flusher_threads(WB_REASON_VMSCAN): every dirty folio is
 * written at the next tick. */
void wakeup_flusher_threads(struct mmc *m);

/* ====================================================================
 * kswapd.c: kswapd in simulated time
 * ==================================================================== */
int kswapd_init(struct mmc *m);
void kswapd_destroy(struct mmc *m);
/* wakeup_kswapd(zone, gfp, order, highest_zoneidx): records the request;
 * wakes a napping or sleeping kswapd unless the node is balanced (and
 * not boosted) or hopeless (mm_vmscan_wakeup_kswapd). */
void wakeup_kswapd(struct mmc *m, struct mmc_zone *z, uint64_t gfp,
		   unsigned order, int highest_zoneidx);
/* kswapd's balance_pgdat() rounds and naps up to now_ns. */
void kswapd_tick(struct mmc *m, uint64_t now_ns);

/* ====================================================================
 * direct_inflight.c: a direct reclaim's frees land over its duration
 * ==================================================================== */
int direct_inflight_init(struct mmc *m);
void direct_inflight_destroy(struct mmc *m);
/* A direct reclaimer reclaimed [pfn, +2^order) (off the LRU, class
 * PC_ISOLATED): free it once now reaches due_ns.  At once when the
 * queue cannot grow. */
void direct_defer_free(struct mmc *m, uint64_t pfn, unsigned order, int cpu,
		       uint64_t due_ns);
/* Frees the earliest reclaimed folio still held: false when none. */
bool direct_inflight_release_one(struct mmc *m);
/* Frees those a direct reclaim on cpu reclaimed. */
void direct_inflight_release_cpu(struct mmc *m, int cpu);
/* Frees those due by upto_ns. */
void direct_inflight_release(struct mmc *m, uint64_t upto_ns);
/* File folio state the trace may tell (default: clean, unmapped): what
 * node reclaim may do with RECLAIM_WRITE / RECLAIM_UNMAP depends on it.
 * Anon folios are always mapped. */
/* Sets or clears the dirty mark of the file folio at pfn: the pages whose
 * mark changed; *head (may be NULL) the folio's head. */
uint64_t lru_set_dirty(struct mmc *m, uint64_t pfn, bool dirty,
		       uint64_t *head);
/* NR_FILE_DIRTY, all nodes. */
uint64_t lru_nr_dirty(struct mmc *m);
/* folio_end_writeback() of the folio headed at pfn: the pages cleaned. */
uint64_t lru_folio_written(struct mmc *m, uint64_t pfn);
void lru_set_mapped(struct mmc *m, uint64_t pfn, bool mapped);
/* Bytes of reclaim.c state (LRU rings and sets): 4 bytes per LRU folio
 * plus growth slack; for mmc_memory_bytes(). */
size_t reclaim_memory_bytes(const struct mmc *m);
/* lru_note_cost_refault(): fault.c reports a refault of a folio of
 * class cls (MMC_PC_ANON/FILE) now at pfn; it makes that list costlier
 * to reclaim in get_scan_count(). */
void lru_note_refault(struct mmc *m, uint64_t pfn, unsigned order, int cls);
/* zone_reclaimable_pages() of the node: file LRU pages, and anon ones
 * when there is swap. */
uint64_t node_reclaimable_pages(struct mmc *m, int nid);
/* Pages on one LRU list of a node (lruvec_page_state). */
uint64_t lru_pages(struct mmc *m, int nid, bool file, bool active);
/* can_reclaim_anon_pages(): the simulated host has swap. */
bool lru_swap_enabled(const struct mmc *m);
/* node_pagecache_reclaimable() under the current zone_reclaim_mode. */
uint64_t node_pagecache_reclaimable_pages(struct mmc *m, int nid);
/* For compaction.c: the LRU folio holding idx (head idx) and its order;
 * around migrate_page_range() of an LRU folio (which does lru_del(from)
 * and lru_add(to)), save and restore the LRU state that does not move by
 * itself (active/referenced/workingset, file dirty/mapped). */
uint32_t lru_folio_head(const struct mmc_zone *z, uint32_t idx);
unsigned lru_folio_order(const struct mmc_zone *z, uint32_t head_idx);
unsigned lru_migrate_save(struct mmc *m, uint64_t from);
void lru_migrate_restore(struct mmc *m, uint64_t to, unsigned saved);
/* split_folio_to_list(): the LRU folio headed at pfn (order > 0) becomes
 * order-0 folios on the same list, each with the folio's state;
 * m->split_fn is told first.  0, or -1 when pfn heads no large LRU
 * folio. */
int lru_split_folio(struct mmc *m, uint64_t pfn);

/* ====================================================================
 * compaction.c (reclaim helper)
 * ==================================================================== */
/* include/linux/compaction.h: lower is harder */
enum compact_priority { COMPACT_PRIO_SYNC_FULL, COMPACT_PRIO_SYNC_LIGHT,
			COMPACT_PRIO_ASYNC,
			MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL,
			MIN_COMPACT_COSTLY_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
			DEF_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
			INIT_COMPACT_PRIORITY = COMPACT_PRIO_ASYNC };
enum compact_result { COMPACT_NOT_SUITABLE_ZONE, COMPACT_SKIPPED,
		      COMPACT_DEFERRED, COMPACT_NO_SUITABLE_PAGE,
		      COMPACT_CONTINUE, COMPACT_COMPLETE,
		      COMPACT_PARTIAL_SKIPPED, COMPACT_CONTENDED,
		      COMPACT_SUCCESS };
int compaction_init(struct mmc *m);
void compaction_destroy(struct mmc *m);
/* compaction_suitable(zone, order, watermark, highest_zoneidx) of 6.5+:
 * free pages above watermark + compact_gap(order), and for costly orders
 * a fragmentation index above extfrag_threshold. */
bool compaction_suitable(struct mmc *m, struct mmc_zone *z, unsigned order,
			 uint64_t watermark, int highest_zoneidx);
/* compaction_suitable() as if the zone had free_pages free (kswapd's
 * reclaim in flight counted). */
bool compaction_suitable_free(struct mmc *m, struct mmc_zone *z,
			      unsigned order, uint64_t watermark,
			      int highest_zoneidx, uint64_t free_pages);
/* compaction_zonelist_suitable(): would compaction run somewhere if
 * reclaim freed 1/order of the reclaimable pages (should_compact_retry). */
bool compaction_zonelist_suitable(struct mmc *m, int preferred_nid,
				  unsigned order, int highest_zoneidx);
/* Direct compaction over the zonelist of preferred_nid, run on cpu (whose
 * pcp lists it drains); *capture is the pfn of a block of the order it
 * captured (NO_PFN when none), for the caller to prep; a NULL capture
 * leaves formed blocks on the free lists (tests that inspect them); fills
 * res->compact_scanned/_migrated and counts vm.compact_scanned/_migrated.
 * vm.compact_stalls/_success/_fail are counted by page_alloc.c
 * (__alloc_pages_direct_compact), as the kernel does. */
enum compact_result try_to_compact_pages(struct mmc *m, uint64_t gfp,
					 unsigned order,
					 unsigned alloc_flags,
					 int preferred_nid,
					 int highest_zoneidx,
					 enum compact_priority prio, int cpu,
					 uint64_t *capture,
					 struct mmc_result *res);
/* kcompactd: work handed over by kswapd, and proactive compaction
 * (compaction_proactiveness). */
void compaction_tick(struct mmc *m, uint64_t now_ns);
/* reset_isolation_suitable(pgdat): kswapd going to sleep clears the
 * pageblock skip hints of zones where a direct compaction finished a
 * whole pass (compact_blockskip_flush). */
void reset_isolation_suitable(struct mmc *m, int nid);
/* wakeup_kcompactd(pgdat, order, highest_zoneidx): from kswapd. */
void wakeup_kcompactd(struct mmc *m, int nid, int order, int highest_zoneidx);
/* compaction_defer_reset(zone, order, true): the allocation succeeded
 * after compaction (for page_alloc.c). */
void compaction_alloc_success(struct mmc_zone *z, unsigned order);
/* Proactive compaction's node score and its marks (0..100). */
unsigned fragmentation_score_node(const struct mmc *m, int nid);
unsigned fragmentation_score_wmark(const struct mmc *m, bool low);

/* ====================================================================
 * slab.c / fault.c (slab helper)
 * ==================================================================== */
int slab_init(struct mmc *m);
void slab_destroy(struct mmc *m);
int fault_init(struct mmc *m);
void fault_destroy(struct mmc *m);
/* Bytes of slab.c / fault.c state, for mmc_memory_bytes(). */
size_t slab_memory_bytes(const struct mmc *m);
/* Tests: every SLUB list, count and bitmap is consistent.  0 or -1. */
int slab_check(const struct mmc *m);
size_t fault_memory_bytes(const struct mmc *m);
/* Reclaim is about to free the anon range [pfn, +2^order) (swap-out):
 * its mapping becomes a shadow entry so the next touch is a refault
 * (workingset_eviction).  Call before reclaim_free_pages(). */
void fault_page_reclaimed(struct mmc *m, uint64_t pfn, unsigned order);

#endif
