/* SPDX-License-Identifier: MIT */
/*
 * mmcore: a user-space model of the Linux memory manager.
 *
 * A library with no I/O: it never opens files and never prints.  One
 * `struct mmc` is one simulated host under one policy.  Replay drives it
 * with page, slab and fault demand and reads metrics back.
 *
 * Names follow mm/page_alloc.c and friends so that a reader of the kernel
 * feels at home.  Deliberate simplifications are commented where made.
 *
 * Determinism: the same calls in the same order give the same state; there
 * is no randomness and no dependence on addresses or the wall clock.
 */
#ifndef MMCORE_H
#define MMCORE_H

#include <stddef.h>
#include <stdint.h>

#define MMC_MAX_NODES 64
#define MMC_MAX_CPUS 1024
#define MMC_MAX_ORDER 10		/* MAX_PAGE_ORDER */
#define MMC_NR_ORDERS (MMC_MAX_ORDER + 1)
#define MMC_PAGEBLOCK_ORDER 9

enum mmc_zone_type { MMC_ZONE_DMA, MMC_ZONE_DMA32, MMC_ZONE_NORMAL,
		     MMC_ZONE_MOVABLE, MMC_NR_ZONE_TYPES };

/* mmcore's own migratetype numbering (include/linux/mmzone.h order of a
 * 6.x kernel without CMA); replay maps the trace's numbers by name. */
enum mmc_migratetype { MMC_MT_UNMOVABLE, MMC_MT_MOVABLE, MMC_MT_RECLAIMABLE,
		       MMC_MT_PCPTYPES, MMC_MT_HIGHATOMIC = MMC_MT_PCPTYPES,
		       MMC_MT_ISOLATE, MMC_NR_MIGRATETYPES };

/* gfp: bitmask of (1ull << enum mmt_gfp_canon) from include/mmtrace/trace.h.
 * mmcore includes no trace header; these mirror the canonical bit numbers. */
#define MMC_GFP(bit) (1ull << (bit))

/* Bit masks, numbered as enum mmt_gfp_canon (tests/test_mmcore_gfp.c
 * checks every one against include/mmtrace/trace.h). */
#define MMC___GFP_DMA			MMC_GFP(0)
#define MMC___GFP_HIGHMEM		MMC_GFP(1)
#define MMC___GFP_DMA32			MMC_GFP(2)
#define MMC___GFP_MOVABLE		MMC_GFP(3)
#define MMC___GFP_RECLAIMABLE		MMC_GFP(4)
#define MMC___GFP_HIGH			MMC_GFP(5)
#define MMC___GFP_IO			MMC_GFP(6)
#define MMC___GFP_FS			MMC_GFP(7)
#define MMC___GFP_ZERO			MMC_GFP(8)
#define MMC___GFP_DIRECT_RECLAIM	MMC_GFP(10)
#define MMC___GFP_KSWAPD_RECLAIM	MMC_GFP(11)
#define MMC___GFP_WRITE			MMC_GFP(12)
#define MMC___GFP_NOWARN		MMC_GFP(13)
#define MMC___GFP_RETRY_MAYFAIL		MMC_GFP(14)
#define MMC___GFP_NOFAIL		MMC_GFP(15)
#define MMC___GFP_NORETRY		MMC_GFP(16)
#define MMC___GFP_MEMALLOC		MMC_GFP(17)
#define MMC___GFP_COMP			MMC_GFP(18)
#define MMC___GFP_NOMEMALLOC		MMC_GFP(19)
#define MMC___GFP_HARDWALL		MMC_GFP(20)
#define MMC___GFP_THISNODE		MMC_GFP(21)
#define MMC___GFP_ACCOUNT		MMC_GFP(22)
/* include/linux/gfp_types.h composites */
#define MMC___GFP_RECLAIM (MMC___GFP_DIRECT_RECLAIM | MMC___GFP_KSWAPD_RECLAIM)
#define MMC_GFP_ATOMIC	 (MMC___GFP_HIGH | MMC___GFP_KSWAPD_RECLAIM)
#define MMC_GFP_KERNEL	 (MMC___GFP_RECLAIM | MMC___GFP_IO | MMC___GFP_FS)
#define MMC_GFP_NOWAIT	 (MMC___GFP_KSWAPD_RECLAIM)
#define MMC_GFP_NOIO	 (MMC___GFP_RECLAIM)
#define MMC_GFP_NOFS	 (MMC___GFP_RECLAIM | MMC___GFP_IO)
#define MMC_GFP_USER	 (MMC_GFP_KERNEL | MMC___GFP_HARDWALL)
#define MMC_GFP_DMA32	 (MMC___GFP_DMA32)
#define MMC_GFP_HIGHUSER (MMC_GFP_USER | MMC___GFP_HIGHMEM)
#define MMC_GFP_HIGHUSER_MOVABLE (MMC_GFP_HIGHUSER | MMC___GFP_MOVABLE)
#define MMC_GFP_TRANSHUGE_LIGHT ((MMC_GFP_HIGHUSER_MOVABLE | MMC___GFP_COMP | \
	MMC___GFP_NOMEMALLOC | MMC___GFP_NOWARN) & ~MMC___GFP_RECLAIM)
#define MMC_GFP_TRANSHUGE (MMC_GFP_TRANSHUGE_LIGHT | MMC___GFP_DIRECT_RECLAIM)

/* ---- topology -------------------------------------------------------- */

struct mmc_zone_spec {
	enum mmc_zone_type type;
	uint64_t start_pfn, spanned, present, managed;
};

struct mmc_node_spec {
	uint32_t nr_zones;
	struct mmc_zone_spec zones[MMC_NR_ZONE_TYPES];
	uint32_t nr_cpus;	/* cpus of this node (ids assigned in order) */
};

struct mmc_topology {
	uint32_t nr_nodes;
	struct mmc_node_spec nodes[MMC_MAX_NODES];
	uint32_t distance[MMC_MAX_NODES][MMC_MAX_NODES];	/* 10 local */
	uint32_t nr_cpus;
	int32_t cpu_node[MMC_MAX_CPUS];
};

/* "2 nodes x 8 GiB, 4 cpus" / "2x8G,4" style spec; err gets a one-line
 * message naming the bad part.  0 or -1. */
int mmc_topology_parse(const char *spec, struct mmc_topology *t, char *err,
		       size_t errlen);
/* Split node 0 of `in` into n nodes with equal shares of its managed
 * (online) memory, not of its pfn span, and of its cpus; DMA and DMA32
 * stay on node 0; cuts are MAX_ORDER aligned.  Distance `dist` between
 * different nodes.  0 or -1. */
int mmc_topology_split(const struct mmc_topology *in, uint32_t n,
		       uint32_t dist, struct mmc_topology *out, char *err,
		       size_t errlen);

/* ---- policy: vm sysctls by their /proc/sys/vm names -------------------- */

struct mmc_policy {
	int zone_reclaim_mode;
	int min_free_kbytes;		/* -1 = kernel default from lowmem */
	int watermark_scale_factor;
	int watermark_boost_factor;
	int lowmem_reserve_ratio[MMC_NR_ZONE_TYPES];
	int percpu_pagelist_high_fraction;
	int min_unmapped_ratio;
	int min_slab_ratio;
	int swappiness;
	int compaction_proactiveness;
	int extfrag_threshold;
	int defrag_mode;			/* 6.15+: 1 = no fragmenting fallback
					 * before reclaim and compaction */
	int node_reclaim_distance;	/* RECLAIM_DISTANCE, not a sysctl */
	int thp_enabled;		/* 0 never, 1 madvise, 2 always */
	int thp_defrag;			/* 0 never,1 defer,2 defer+madvise,3 madvise,4 always */
	/* the flusher (writeback.c) */
	int dirty_background_ratio;
	int dirty_background_bytes;	/* 0: the ratio applies */
	int dirty_ratio;
	int dirty_bytes;		/* 0: the ratio applies */
	int dirty_expire_centisecs;
	int dirty_writeback_centisecs;	/* 0: no periodic writeback */
};

void mmc_policy_defaults(struct mmc_policy *p);
/* name may be "vm.X" or "X"; an unknown name or out-of-range value gives
 * -1 and a one-line message naming it. */
int mmc_policy_set(struct mmc_policy *p, const char *name, const char *value,
		   char *err, size_t errlen);
/* The i-th setting mmc_policy_set() accepts, for listings; 0, or -1 past
 * the last. */
struct mmc_sysctl_info {
	char name[48];			/* "vm.zone_reclaim_mode" */
	char def[32];			/* "0"; "auto": computed from the host */
	char range[64];			/* "0..7", or the accepted words */
	const char *what;		/* one line */
};
int mmc_policy_sysctl(size_t i, struct mmc_sysctl_info *out);
/* Writes "vm.X=V\n" lines for every field (stable order). */
size_t mmc_policy_format(const struct mmc_policy *p, char *buf, size_t len);

/* ---- the model ------------------------------------------------------- */

struct mmc;

struct mmc *mmc_create(const struct mmc_topology *t,
		       const struct mmc_policy *p, char *err, size_t errlen);
void mmc_destroy(struct mmc *m);

/* Seeding from a snapshot, before any demand.  After mmc_create the first
 * `managed` present pages of each zone are allocated with class KERNEL and
 * the other present pages are RESERVED; seeding frees blocks into the
 * buddy lists and sets classes, and may relabel: mmc_seed_free and
 * mmc_seed_class accept RESERVED pages (managed grows by each),
 * mmc_seed_class(MMC_PC_RESERVED or MMC_PC_HOLE) reserves allocated ones
 * anywhere in the span (managed shrinks by each).  To give a zone the
 * kernel's exact managed count whatever the layout, call
 * mmc_zone_set_managed() after seeding, then mmc_setup_zones().
 * Page classes match mmt_page_class. */
enum mmc_page_class { MMC_PC_HOLE, MMC_PC_FREE, MMC_PC_RESERVED,
		      MMC_PC_SLAB, MMC_PC_ANON, MMC_PC_FILE, MMC_PC_KERNEL };
int mmc_seed_free(struct mmc *m, uint64_t pfn, unsigned order, int mt);
/* The free block at pfn of 2^order pages is the next one, head first,
 * of its free list as the kernel ordered it (a start snapshot's free list
 * places): call for the seeded blocks in the order of their places.  The
 * model then takes them in that order once the blocks freed since are
 * gone, instead of guessing (highest first).  -1 if no free block of
 * that order starts at pfn. */
int mmc_seed_free_order(struct mmc *m, uint64_t pfn, unsigned order);
/* mmc_seed_free(p, 0, -1) for every page of [pfn, pfn + nr) in order;
 * returns how many were refused. */
uint64_t mmc_seed_free_pages(struct mmc *m, uint64_t pfn, uint64_t nr);
/* A free page the kernel held on cpu's per-cpu list: free, but on the
 * model's pcp list of its pageblock's type (out of the zone's free count
 * the watermarks see, as NR_FREE_PAGES leaves pcp pages out); the list's
 * pcp->high rises to hold it, up to high_max.  A page of an isolated
 * pageblock goes to the buddy.  0 or -1. */
int mmc_seed_pcp(struct mmc *m, uint64_t pfn, int cpu);
/* The same for a free block of 2^order pages on cpu's pcp list of that
 * order (orders up to PAGE_ALLOC_COSTLY_ORDER and the pageblock order
 * have one, as pcp_allowed_order() says; free_unref_folios() puts a
 * freed THP-sized folio there whole).  0 or -1. */
int mmc_seed_pcp_block(struct mmc *m, uint64_t pfn, unsigned order, int cpu);
int mmc_seed_class(struct mmc *m, uint64_t pfn, uint64_t nr, int cls);
int mmc_set_pageblock_mt(struct mmc *m, uint64_t pfn, int mt);
/* [pfn, +2^order), order >= pageblock order, allocated KERNEL pages, is
 * one compound page (a hugetlb page): compaction steps over it and never
 * takes its pageblocks as a migration source
 * (pageblock_skip_persistent); its skip hint starts set, as a pool older
 * than the trace has it.  0 or -1. */
int mmc_seed_compound(struct mmc *m, uint64_t pfn, unsigned order);
/* Synthetic hosts (topology specs, tests, bench): free every managed page
 * as the largest aligned blocks, pageblocks MOVABLE, as a freshly booted
 * machine looks before any demand.  0 or -1. */
int mmc_seed_all_free(struct mmc *m);
/* Recompute watermarks, lowmem_reserve and pcp high/batch (after seeding
 * or a resize), as the kernel does on a sysctl write. */
void mmc_setup_zones(struct mmc *m);
/* A zone's managed pages as the kernel counts them (zoneinfo "managed"),
 * independent of the pfn layout; marks follow at mmc_setup_zones().
 * 1 <= managed <= spanned.  0 or -1. */
int mmc_zone_set_managed(struct mmc *m, int node, int zone_type,
			 uint64_t managed);
/* Memory hot-add/remove: grow a zone's managed pages (new pages free). */
int mmc_zone_resize(struct mmc *m, int node, int zone_type, uint64_t managed);

/* What an operation did: replay turns it into latency. */
enum mmc_path {
	MMC_PATH_PCP_HIT	= 1u << 0,	/* served from a pcp list */
	MMC_PATH_PCP_REFILL	= 1u << 1,	/* ... after rmqueue_bulk() */
	MMC_PATH_BUDDY		= 1u << 2,
	MMC_PATH_FALLBACK	= 1u << 3,
	MMC_PATH_STEAL		= 1u << 4,	/* pageblock claimed */
	MMC_PATH_REMOTE		= 1u << 5,	/* node != preferred node */
	MMC_PATH_NODE_RECLAIM	= 1u << 6,
	MMC_PATH_KSWAPD_WAKE	= 1u << 7,
	MMC_PATH_SLOWPATH	= 1u << 8,
	MMC_PATH_COMPACT	= 1u << 9,
	MMC_PATH_DIRECT_RECLAIM	= 1u << 10,
	MMC_PATH_OOM		= 1u << 11,
	MMC_PATH_HIGHATOMIC	= 1u << 12,
	MMC_PATH_PCP_DRAIN	= 1u << 13,
	MMC_PATH_REFAULT	= 1u << 14,
	MMC_PATH_SLAB_NEW	= 1u << 15,	/* slab needed a new slab page */
	MMC_PATH_BOOST		= 1u << 16,	/* watermark boosted */
};

struct mmc_result {
	uint64_t pfn;		/* placed at; UINT64_MAX on failure */
	uint32_t path;		/* enum mmc_path bits */
	int32_t node, zone;	/* where it landed (zone = enum mmc_zone_type) */
	uint16_t splits;	/* buddy expand() steps */
	uint16_t merges;	/* buddy merges on free */
	uint16_t retries;
	uint32_t reclaim_scanned, reclaim_reclaimed;
	uint32_t compact_scanned, compact_migrated;
	uint32_t node_reclaimed;
	uint32_t pcp_batch;	/* pages moved by a refill or drain */
};

/* Page allocation as __alloc_pages: preferred node from the cpu. */
int mmc_alloc(struct mmc *m, unsigned order, uint64_t gfp, int cpu,
	      struct mmc_result *res);
/* Mirror mode: take exactly [pfn, pfn + 2^order) out of the free lists
 * (splitting the free block that holds it).  -1 if not all free. */
int mmc_alloc_at(struct mmc *m, uint64_t pfn, unsigned order, uint64_t gfp,
		 int cpu, struct mmc_result *res);
/* Free as free_pages(): pcp for pcp orders, else buddy with merging.
 * -1 when [pfn, +2^order) is not allocated (double free) or pfn is not
 * aligned to the order; state unchanged. */
int mmc_free(struct mmc *m, uint64_t pfn, unsigned order, int cpu,
	     struct mmc_result *res);
/* Drain every pcp list to the buddy (drain_all_pages). */
void mmc_drain_all(struct mmc *m);

/* LRU: mark an allocated range as anon/file LRU pages (reclaimable), one
 * folio of 2^order pages: -1 when pfn is not aligned to the order. */
int mmc_lru_add(struct mmc *m, uint64_t pfn, unsigned order, int cls);
/* A touch of an LRU page (activates it, like mark_page_accessed). */
void mmc_lru_touch(struct mmc *m, uint64_t pfn);
/* A process mapped the file LRU page at pfn (filemap_map_pages,
 * filemap_fault): reclaim then treats a referenced one as the kernel
 * treats a folio with referenced ptes (folio_check_references(): it is
 * activated rather than reclaimed).  The mark goes when the page leaves
 * the LRU.  No effect on other pages. */
void mmc_lru_map_file(struct mmc *m, uint64_t pfn);
/* Swap space of the simulated host, in pages (a host fact: the
 * recording host's SwapTotal; 0, the default, means no swap, and then
 * reclaim scans no anon pages, as get_scan_count() does). */
int mmc_set_swap(struct mmc *m, uint64_t swap_pages);
/* How direct and node reclaim walk the memory cgroups (a host fact):
 * 0, the default, one walk over the node's lruvec at every priority
 * (the workload alone in the walk, or in the root group); 1, the
 * workload's group is followed in the walk by groups with little to
 * reclaim, and a walk that stopped at the workload leaves the next one a
 * round of nothing (reclaim.c, memcg_walk_visits()).  -1 without a
 * model. */
int mmc_set_memcg_walk(struct mmc *m, int partial);

/* Called for each page range reclaim frees, so replay can forget the
 * mapping real->simulated (a later free is absorbed, a touch refaults). */
typedef void (*mmc_reclaim_fn)(void *ctx, uint64_t pfn, unsigned order);
void mmc_set_reclaim_hook(struct mmc *m, mmc_reclaim_fn fn, void *ctx);
/* Page-cache workingset: the model has no page cache, so a caller that
 * knows file pages (replay) keeps their shadow entries.  Inside the
 * reclaim hook, mmc_reclaim_shadow() is the shadow of the range being
 * freed (eviction age and PG_workingset, in the low 48 bits).  mmc_file_refault()
 * is workingset_refault() for a file page read again into the LRU page
 * [pfn, +2^order): counts workingset_refault_file and activates it when
 * the refault distance fits (workingset_activate_file / _restore_file). */
uint64_t mmc_reclaim_shadow(const struct mmc *m);
void mmc_file_refault(struct mmc *m, uint64_t pfn, unsigned order,
		      uint64_t shadow);
/* Called when compaction migrates an allocated range (old -> new pfn). */
typedef void (*mmc_migrate_fn)(void *ctx, uint64_t from, uint64_t to,
			       unsigned order);
void mmc_set_migrate_hook(struct mmc *m, mmc_migrate_fn fn, void *ctx);
/* Called when compaction splits a large LRU folio at pfn into order-0
 * folios (to migrate its pages one by one, try_split_folio), before any
 * of them moves. */
typedef void (*mmc_split_fn)(void *ctx, uint64_t pfn, unsigned order);
void mmc_set_split_hook(struct mmc *m, mmc_split_fn fn, void *ctx);

/* How long kswapd takes for its work, in ns of simulated time: it runs
 * beside the workload (mmc_tick), one balance_pgdat() round after
 * another, so its speed decides whether it keeps free memory above the
 * low mark or the workload stalls in direct reclaim.  mmc_create() sets
 * mmc_bg_costs_defaults() (model defaults); replay replaces them with what
 * it can measure on a trace.  reclaim_round_ns >= 1. */
struct mmc_bg_costs {
	uint32_t reclaim_scan_ns;	/* per page kswapd isolates from an LRU */
	uint32_t reclaim_page_ns;	/* per page it frees */
	uint32_t reclaim_round_ns;	/* per balance_pgdat() round */
	uint32_t reclaim_run_ns;	/* per balance_pgdat() call */
};
void mmc_bg_costs_defaults(struct mmc_bg_costs *c);
/* 0, or -1 (and no change) for out-of-range values. */
int mmc_set_bg_costs(struct mmc *m, const struct mmc_bg_costs *c);
/* A zone's compaction deferral state (struct zone's compact_considered,
 * compact_defer_shift, compact_order_failed), as a trace shows the
 * kernel's before its first deferral event; clamped to what the kernel
 * can hold.  -1 when there is no such zone. */
int mmc_set_compact_defer(struct mmc *m, int nid, int zone_type,
			  unsigned considered, unsigned shift,
			  int order_failed);

/* kcompactd()'s waits between looks at proactive compaction:
 * HPAGE_FRAG_CHECK_INTERVAL_MSEC, and 1 << COMPACT_MAX_DEFER_SHIFT times
 * that after a proactive compaction that did not lower the score. */
#define MMC_KCOMPACTD_WAIT_NS (500ull * 1000 * 1000)
#define MMC_KCOMPACTD_BACKOFF_NS (MMC_KCOMPACTD_WAIT_NS << 6)

/* The end of the wait kcompactd is in when the model's clock starts
 * (kcompactd()'s wait_event_freezable_timeout(): 500 ms, or 32 s after
 * a proactive compaction that did not lower the fragmentation score),
 * as a trace shows it was; at that time kcompactd looks at proactive
 * compaction as its timeout would.  Before the first mmc_tick() only;
 * -1 when there is no such node or the clock has started. */
int mmc_set_kcompactd_wait(struct mmc *m, int nid, uint64_t until_ns);

/* The workload dirtied the file LRU folio holding pfn (a write(2), a
 * write fault): it stays dirty, and reclaim activates rather than frees
 * it, until the model's flusher writes it (mmcore/writeback.c).  Counts
 * nr_dirtied unless it was dirty already. */
void mmc_file_dirty(struct mmc *m, uint64_t pfn);

/* Background time: kswapd and kcompactd run as the clock advances, and
 * once a second the vmstat work decays pcp->high (decay_pcp_high). */
void mmc_tick(struct mmc *m, uint64_t now_ns);

/* ---- SLUB ------------------------------------------------------------- */

/* kmem_cache_create() flags (the SLAB_* the model needs). */
#define MMC_SLAB_HWCACHE_ALIGN	 0x01u	/* SLAB_HWCACHE_ALIGN */
#define MMC_SLAB_RECLAIM_ACCOUNT 0x02u	/* slab pages are reclaimable */
#define MMC_SLAB_CACHE_DMA	 0x04u
#define MMC_SLAB_CACHE_DMA32	 0x08u
#define MMC_SLAB_FREEPTR_OUTSIDE 0x10u	/* ctor, TYPESAFE_BY_RCU or POISON */
#define MMC_SLAB_KMALLOC	 0x20u

/* Returns a cache id.  Slab order and objects per slab computed as
 * calculate_sizes()/calculate_order() do. */
int mmc_kmem_cache_create(struct mmc *m, const char *name, uint32_t size,
			  uint32_t align, uint32_t flags);
/* kmalloc size class cache for a request (kmalloc_slab), or -1 for
 * large kmalloc (> KMALLOC_MAX_CACHE_SIZE: straight to pages). */
int mmc_kmalloc_cache(struct mmc *m, uint32_t size, uint64_t gfp);
struct mmc_slab_info { uint32_t object_size, size, objs_per_slab, order; };
int mmc_kmem_cache_info(const struct mmc *m, int cache,
			struct mmc_slab_info *out);
/* Object handle: pfn of the slab page holding it and offset. */
int mmc_slab_alloc(struct mmc *m, int cache, uint64_t gfp, int cpu,
		   uint64_t *obj_pfn, uint32_t *obj_off, struct mmc_result *res);
int mmc_slab_free(struct mmc *m, int cache, uint64_t obj_pfn, uint32_t obj_off,
		  int cpu, struct mmc_result *res);
/* Pure helper: the kernel's choice for a cache of this size on a host
 * with nr_cpus cpus (calculate_order). */
int mmc_slab_calc(uint32_t size, uint32_t align, uint32_t nr_cpus,
		  struct mmc_slab_info *out);
/* Cache id by its kernel name ("kmalloc-rcl-1k", "dentry"), or -1.  The
 * kmalloc caches of every type (normal, rcl, cg, dma) exist from
 * mmc_create().  A cache known only from sysfs can be created with
 * size = slab_size, align 8, flags 0 (same geometry). */
int mmc_kmem_cache_find(const struct mmc *m, const char *name);
/* kmalloc()/kfree(): a size class by kmalloc_slab(), or for size >
 * KMALLOC_MAX_CACHE_SIZE (8 KiB) pages of get_order(size) with __GFP_COMP
 * (kmalloc_large).  mmc_kmalloc returns 0, 1 for size 0 (ZERO_SIZE_PTR:
 * nothing allocated) or -1; mmc_kmalloc_cache returns -2 for size 0.
 * mmc_slab_free accepts cache -1 (kfree of an unknown cache). */
int mmc_kmalloc(struct mmc *m, uint32_t size, uint64_t gfp, int cpu,
		uint64_t *obj_pfn, uint32_t *obj_off, struct mmc_result *res);
int mmc_kfree(struct mmc *m, uint64_t obj_pfn, uint32_t obj_off, int cpu,
	      struct mmc_result *res);
/* A cache's state, as /sys/kernel/slab/X shows it. */
struct mmc_slab_stats {
	char name[48];
	uint64_t nr_slabs, total_objects, objects_inuse, pages;
	uint64_t nr_partial;		/* on node partial lists */
	uint64_t cpu_slabs, cpu_partial_total;	/* slabs held by cpus */
	uint32_t min_partial, cpu_partial, cpu_partial_slabs;
};
int mmc_kmem_cache_stats(const struct mmc *m, int cache,
			 struct mmc_slab_stats *out);

/* ---- faults (fault.c) ---------------------------------------------- */

#define MMC_FAULT_WRITE		0x1	/* error code: write */
#define MMC_FAULT_USER		0x2	/* user-mode fault */
#define MMC_FAULT_THP		0x4	/* the aligned 2 MiB around addr lies
					 * in the VMA (thp_vma_suitable_order) */
#define MMC_FAULT_MADVISED	0x8	/* VM_HUGEPAGE (MADV_HUGEPAGE) */

/* What a fault did (mmc_fault's return value when >= 0). */
enum mmc_fault_kind {
	MMC_FK_MINOR = 0,	/* already mapped: nothing allocated */
	MMC_FK_ANON,		/* first write touch (or write to the zero
				 * page): an order-0 anon page */
	MMC_FK_ZERO,		/* first read touch: the shared zero page */
	MMC_FK_THP,		/* first touch of an empty aligned 2 MiB:
				 * an order-9 anon page (thp_fault_alloc) */
	MMC_FK_HUGE_ZERO,	/* read, THP allowed: the huge zero page */
	MMC_FK_REFAULT,		/* the page was reclaimed: swap-in */
};

/* A page fault of process pid at addr (do_anonymous_page /
 * do_huge_pmd_anonymous_page / do_swap_page).  THP is tried when
 * MMC_FAULT_THP is given, policy thp_enabled allows it (always, or madvise
 * with MMC_FAULT_MADVISED) and no page of the aligned 2 MiB is mapped;
 * the order-9 gfp follows thp_defrag (vma_thp_gfp_mask); on failure it
 * falls back to order 0 (thp_fault_fallback).  res->pfn is the page that
 * now backs addr (NO_PFN for the zero pages).  Returns enum
 * mmc_fault_kind, or -1 (OOM: res->path has MMC_PATH_OOM).
 * Memory: about 16-32 bytes per mapped or reclaimed page. */
int mmc_fault(struct mmc *m, uint32_t pid, uint64_t addr, unsigned flags,
	      int cpu, struct mmc_result *res);
/* Mirror mode: record that pid's addr is backed by the already allocated
 * [pfn, +2^order) (order 0, or 9 for a PMD-mapped THP at the aligned
 * 2 MiB), so that reclaim, refault, unmap and exit see it.  Nothing is
 * allocated and no LRU is touched.  0 or -1. */
int mmc_fault_map(struct mmc *m, uint32_t pid, uint64_t addr, uint64_t pfn,
		  unsigned order);
/* The process exited: its pages are freed, its shadows forgotten. */
void mmc_process_exit(struct mmc *m, uint32_t pid);
/* The workload freed [pfn, +2^order) (munmap, MADV_DONTNEED): forget
 * the mapping so the next touch is a first touch.  Call before mmc_free.
 * (Without it the view notices a freed or reused page lazily.) */
void mmc_unmap_pfn(struct mmc *m, uint64_t pfn, unsigned order);
/* Hints only, no effect on results: start loading what a coming
 * mmc_fault(pid, addr) or mmc_unmap_pfn(pfn) will touch, so a caller
 * that reads events ahead can overlap the cache misses.  For an unmap,
 * call mmc_prefetch_unmap(stage 0) a few events before, stage 1 a few
 * events later: stage 1 reads the reverse map entry stage 0 loaded. */
void mmc_prefetch_fault(struct mmc *m, uint32_t pid, uint64_t addr);
void mmc_prefetch_unmap(struct mmc *m, uint64_t pfn, int stage);
/* The page state and LRU bookkeeping a coming mmc_free(pfn) touches. */
void mmc_prefetch_page(struct mmc *m, uint64_t pfn);

/* ---- metrics ---------------------------------------------------------- */

struct mmc_zone_stats {
	int node;
	enum mmc_zone_type type;
	uint64_t start_pfn, spanned, present, managed;
	uint64_t wmark_min, wmark_low, wmark_high, wmark_promo, boost;
	uint64_t lowmem_reserve[MMC_NR_ZONE_TYPES];
	uint32_t pcp_high, pcp_batch;
	uint64_t nr_free;				/* buddy + pcp */
	uint64_t nr_free_pcp;
	uint64_t free_count[MMC_NR_ORDERS];		/* blocks per order */
	uint64_t free_mt[MMC_NR_ORDERS][MMC_NR_MIGRATETYPES];
	uint64_t pageblocks_mt[MMC_NR_MIGRATETYPES];
	uint64_t pageblocks_mixed;	/* holding pages of a foreign mt */
	int largest_free_order;		/* -1 when none */
	uint64_t nr_highatomic;
	uint32_t pcp_high_min, pcp_high_max;	/* zoneinfo's high_min/max */
};

uint32_t mmc_nr_zones(const struct mmc *m);	/* populated zones */
int mmc_zone_stats(const struct mmc *m, uint32_t idx, struct mmc_zone_stats *s);
/* Zone idx's node and type, its free pages as /proc/zoneinfo's "pages
 * free" counts them (NR_FREE_PAGES: the buddy lists, not the pcp lists)
 * and its watermark boost, without mmc_zone_stats()'s pageblock walk.
 * 0, or -1 for a bad idx. */
int mmc_zone_free(const struct mmc *m, uint32_t idx, int *node,
		  enum mmc_zone_type *type, uint64_t *free, uint64_t *boost);

/* Event counters with the kernel's names and definitions: the items of
 * /proc/vmstat (mm/vmstat.c vmstat_text) the model counts, each counted
 * where the kernel counts it, then events that have no vmstat item but a
 * tracepoint (named after it, counted where the kernel fires it), so a
 * replay puts every one beside the kernel's own count.  Order and names
 * are fixed (mmc_vm_item_name); per-zone items follow enum
 * mmc_zone_type. */
enum mmc_vm_item {
	MMC_PGALLOC_DMA, MMC_PGALLOC_DMA32, MMC_PGALLOC_NORMAL,
	MMC_PGALLOC_MOVABLE,
	MMC_ALLOCSTALL_DMA, MMC_ALLOCSTALL_DMA32, MMC_ALLOCSTALL_NORMAL,
	MMC_ALLOCSTALL_MOVABLE,
	MMC_PGFREE, MMC_PGACTIVATE, MMC_PGDEACTIVATE, MMC_PGREFILL,
	MMC_PGSTEAL_KSWAPD, MMC_PGSTEAL_DIRECT,
	MMC_PGSCAN_KSWAPD, MMC_PGSCAN_DIRECT,
	MMC_PGSCAN_ANON, MMC_PGSCAN_FILE, MMC_PGSTEAL_ANON, MMC_PGSTEAL_FILE,
	MMC_ZONE_RECLAIM_SUCCESS, MMC_ZONE_RECLAIM_FAILED,
	MMC_KSWAPD_LOW_WMARK_HIT_QUICKLY, MMC_KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	MMC_PAGEOUTRUN,
	MMC_PGMIGRATE_SUCCESS, MMC_PGMIGRATE_FAIL,
	MMC_COMPACT_MIGRATE_SCANNED, MMC_COMPACT_FREE_SCANNED,
	MMC_COMPACT_ISOLATED, MMC_COMPACT_STALL, MMC_COMPACT_FAIL,
	MMC_COMPACT_SUCCESS, MMC_COMPACT_DAEMON_WAKE,
	MMC_COMPACT_DAEMON_MIGRATE_SCANNED, MMC_COMPACT_DAEMON_FREE_SCANNED,
	MMC_THP_FAULT_ALLOC, MMC_THP_FAULT_FALLBACK,
	MMC_WORKINGSET_REFAULT_ANON, MMC_WORKINGSET_REFAULT_FILE,
	MMC_WORKINGSET_ACTIVATE_ANON, MMC_WORKINGSET_ACTIVATE_FILE,
	MMC_WORKINGSET_RESTORE_ANON, MMC_WORKINGSET_RESTORE_FILE,
	MMC_PSWPIN, MMC_PSWPOUT, MMC_OOM_KILL,
	MMC_PGROTATED, MMC_NR_VMSCAN_IMMEDIATE, MMC_NR_DIRTIED, MMC_NR_WRITTEN,
	/* tracepoints without a vmstat item */
	MMC_TP_PAGE_ALLOC_EXTFRAG,	/* mm_page_alloc_extfrag */
	MMC_TP_KSWAPD_WAKE,		/* mm_vmscan_kswapd_wake */
	MMC_TP_KSWAPD_SLEEP,		/* mm_vmscan_kswapd_sleep */
	MMC_TP_WAKEUP_KSWAPD,		/* mm_vmscan_wakeup_kswapd */
	MMC_TP_DIRECT_RECLAIM_BEGIN,	/* mm_vmscan_direct_reclaim_begin */
	MMC_TP_NODE_RECLAIM_BEGIN,	/* mm_vmscan_node_reclaim_begin */
	MMC_TP_COMPACTION_BEGIN,	/* mm_compaction_begin */
	MMC_TP_TRY_TO_COMPACT_PAGES,	/* mm_compaction_try_to_compact_pages */
	MMC_NR_VM_ITEMS
};
/* The item's /proc/vmstat name, or its tracepoint's name for the
 * MMC_TP_* items; NULL out of range. */
const char *mmc_vm_item_name(int item);
/* 1 for the MMC_TP_* items (counted as the tracepoint fires). */
int mmc_vm_item_is_tracepoint(int item);

/* A direct reclaim by the order of the allocation that stalled: order 0
 * (the zones at their min mark), orders 1..PAGE_ALLOC_COSTLY_ORDER (no
 * free block of that order: __alloc_pages_slowpath() reclaims before it
 * compacts), and costly orders (after compaction failed, or before its
 * retry).  A stall missing in one class points at another cause. */
enum mmc_dr_class {
	MMC_DR_ORDER0,
	MMC_DR_NONCOSTLY,
	MMC_DR_COSTLY,
	MMC_NR_DR_CLASSES
};

static inline enum mmc_dr_class mmc_dr_class(unsigned order)
{
	if (!order)
		return MMC_DR_ORDER0;
	return order <= 3 ? MMC_DR_NONCOSTLY : MMC_DR_COSTLY;
}

/* How a compaction run (compact_zone() past its suitability check, one
 * mm_compaction_begin/end pair) ended: mm_compaction_end's status.  A
 * contended end is an async run that found a lock taken or a fatal
 * signal, or one whose migration ran out of free target pages. */
enum mmc_compact_end {
	MMC_CE_SUCCESS,
	MMC_CE_COMPLETE,		/* the scanners met */
	MMC_CE_PARTIAL_SKIPPED,
	MMC_CE_CONTENDED,
	MMC_CE_OTHER,
	MMC_NR_COMPACT_ENDS
};

/* vmstat-like counters, cumulative.  ev[] holds the kernel-named items
 * (enum mmc_vm_item); the named fields below are the model's own
 * summaries, some of them sums of ev[] items (mmc_vmstat fills those). */
struct mmc_vmstat {
	uint64_t ev[MMC_NR_VM_ITEMS];
	uint64_t pgalloc, pgfree, pgalloc_remote;
	uint64_t alloc_fail, oom;
	uint64_t pcp_hits, pcp_refills, pcp_drains;
	uint64_t extfrag_events, pageblock_steals;
	uint64_t kswapd_wakes, kswapd_sleeps, kswapd_reclaimed, kswapd_scanned;
	uint64_t direct_reclaims, direct_reclaimed, direct_scanned;
	/* direct reclaims by the stalling allocation's order: enum
	 * mmc_dr_class (the kernel's allocstall does not tell them apart) */
	uint64_t direct_reclaims_by_class[MMC_NR_DR_CLASSES];
	uint64_t node_reclaims, node_reclaim_full, node_reclaim_noscan,
		 node_reclaimed;
	uint64_t compact_stalls, compact_success, compact_fail,
		 compact_migrated, compact_scanned, proactive_compactions;
	uint64_t compaction_ends[MMC_NR_COMPACT_ENDS];	/* enum mmc_compact_end */
	uint64_t refaults, absorbed_frees;
	uint64_t slab_allocs, slab_frees, slab_pages;
	uint64_t thp_fault_alloc, thp_fault_fallback;
	uint64_t order9_attempts, order9_success;
	uint64_t boosts;
};
void mmc_vmstat(const struct mmc *m, struct mmc_vmstat *out);

/* One node's share of some mmc_vmstat counters: summed over the nodes
 * they give mmc_vmstat's totals exactly, so a per-node figure and a
 * whole-host table agree.  Pages allocated count where they landed (and
 * remote ones there too); a failed allocation, a direct reclaim and a
 * compaction stall count on the allocating cpu's node; node reclaim,
 * compaction migrations and kswapd on the node they worked on. */
struct mmc_node_vmstat {
	uint64_t pgalloc, pgalloc_remote, alloc_fail;
	uint64_t direct_reclaims, direct_reclaimed;
	uint64_t compact_stalls, compact_migrated;
	uint64_t node_reclaims, node_reclaimed;
	uint64_t kswapd_wakes, kswapd_reclaimed;
};
int mmc_node_vmstat(const struct mmc *m, int nid, struct mmc_node_vmstat *out);

/* mm/vmstat.c fill_contig_page_info + unusable_free_index /
 * __fragmentation_index, on a free_count[] per order.  Both *1000. */
int mmc_unusable_index(const uint64_t free_count[MMC_NR_ORDERS], unsigned order);
int mmc_fragmentation_index(const uint64_t free_count[MMC_NR_ORDERS],
			    unsigned order);

/* Free map for mirror checks: calls fn for every free buddy block (pcp
 * pages included as order-0 blocks, flagged) in pfn order. */
typedef void (*mmc_free_block_fn)(void *ctx, uint64_t pfn, unsigned order,
				  int mt, int on_pcp);
void mmc_for_each_free_block(const struct mmc *m, mmc_free_block_fn fn,
			     void *ctx);

/* Bytes of model state (for the memory budget). */
size_t mmc_memory_bytes(const struct mmc *m);

#endif
