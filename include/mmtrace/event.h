/* SPDX-License-Identifier: MIT */
/*
 * mmtrace event model: the decoded, in-memory form of one trace record.
 *
 * This is what the trace reader hands out and the writer takes in.  The
 * on-disk form is delta-coded and varint-packed (traces/FORMAT.md); this
 * struct is flat on purpose so that replay can switch on `kind` and read
 * named fields without unions.  Which fields a kind uses is listed next to
 * the kind; every other field is zero.
 *
 * Numbers that the kernel defines (gfp bits, migratetypes, zone ids) are
 * stored as the *recording* kernel encoded them.  The trace header carries
 * the name of every bit and value, so readers decode them by name
 * (see mmt_gfp_canon() in trace.h); never compare them against constants.
 */
#ifndef MMTRACE_EVENT_H
#define MMTRACE_EVENT_H

#include <stdint.h>

enum mmt_event_kind {
	MMT_EV_NONE = 0,
	/* pfn, order, gfp, mt, cpu, pid.  mm_page_alloc */
	MMT_EV_PAGE_ALLOC = 1,
	/* pfn, order, cpu, pid; arg2 = cause (enum mmt_free_cause: whose
	 * free it was, the workload's or the kernel's response to pressure;
	 * only in traces whose header has MMT_HDR_CAUSES, 0 otherwise);
	 * arg = 1 when from mm_page_free_batched (not recorded any more) */
	MMT_EV_PAGE_FREE = 2,
	/* pfn, order, mt; arg = percpu_refill.  mm_page_alloc_zone_locked */
	MMT_EV_PCP_REFILL = 3,
	/* pfn, order, mt.  mm_page_pcpu_drain */
	MMT_EV_PCP_DRAIN = 4,
	/* pfn, order = alloc_order, arg = fallback_order, mt = alloc mt,
	 * mt2 = fallback mt, arg2 = change_ownership.  mm_page_alloc_extfrag */
	MMT_EV_EXTFRAG = 5,
	/* pfn + offset of the object, site, bytes_req, bytes_alloc, gfp, node */
	MMT_EV_KMALLOC = 6,
	/* as KMALLOC plus cache (index into the header's slab cache table) */
	MMT_EV_KMEM_CACHE_ALLOC = 7,
	/* pfn + offset of the object, site */
	MMT_EV_KFREE = 8,
	/* pfn + offset, site, cache */
	MMT_EV_KMEM_CACHE_FREE = 9,
	/* addr = faulting address, site = hashed ip, arg = error_code */
	MMT_EV_FAULT_USER = 10,
	MMT_EV_FAULT_KERNEL = 11,
	/* order, gfp */
	MMT_EV_DIRECT_RECLAIM_BEGIN = 12,
	/* arg = nr_reclaimed */
	MMT_EV_DIRECT_RECLAIM_END = 13,
	/* node = nid, arg = zid, order */
	MMT_EV_KSWAPD_WAKE = 14,
	/* node = nid */
	MMT_EV_KSWAPD_SLEEP = 15,
	/* node = nid, arg = zid, order, gfp.  mm_vmscan_wakeup_kswapd */
	MMT_EV_WAKEUP_KSWAPD = 16,
	/* node = nid, order, gfp */
	MMT_EV_NODE_RECLAIM_BEGIN = 17,
	/* arg = nr_reclaimed */
	MMT_EV_NODE_RECLAIM_END = 18,
	/* pfn = zone_start, addr = zone_end, arg = migrate_pfn,
	 * arg2 = free_pfn (both relative to zone_start), mt = sync */
	MMT_EV_COMPACTION_BEGIN = 19,
	/* as BEGIN, mt2 = status (enum compact_result of the recording kernel) */
	MMT_EV_COMPACTION_END = 20,
	/* order, gfp, arg = prio.  mm_compaction_try_to_compact_pages */
	MMT_EV_COMPACT_TRY = 21,
	/* pfn, order: page cache insert / delete (mm_filemap_add_to_page_cache,
	 * mm_filemap_delete_from_page_cache); tells replay which allocations
	 * are file-backed LRU pages.  The file page's identity: offset =
	 * device (the kernel's dev_t: major << 20 | minor, the inode's
	 * super_block s_dev), arg = inode number, addr = index of the page
	 * in the file (in pages).  FILEMAP_DEL: arg2 = cause (enum
	 * mmt_free_cause: a reclaimer's eviction, or 0 for the workload's
	 * truncate/unlink/invalidate).  Identity only in traces whose header
	 * has MMT_HDR_FILE_IDS, the cause only with MMT_HDR_CAUSES; older
	 * traces have pfn and order. */
	MMT_EV_FILEMAP_ADD = 22,
	MMT_EV_FILEMAP_DEL = 23,
	/* node, arg = zone idx, pfn = zone_start_pfn, addr = new managed pages,
	 * arg2 = old managed pages (low 32 bits of delta sign in mt).
	 * Memory hot-add / hot-remove as observed by the collector. */
	MMT_EV_ZONE_RESIZE = 24,
	/* cpu, arg = number of events lost on that cpu: its ring buffer was
	 * full, or the recorder's merge queue for it was; cpu 0xffff: events
	 * a BPF program did not see because it was already running on that
	 * CPU (the kernel's recursion guard: an interrupt inside it), CPU
	 * unknown, window = since the recorder last looked (0.5 s);
	 * addr = time of the first of them, arg2 = time of the last (ns
	 * since the trace's start, as ts) in traces whose header has
	 * MMT_HDR_LOST_TIMES; older traces' LOST records carry the time the
	 * loss was noticed and no window).
	 * ts is the first loss's time unless the record could only be
	 * placed later in the stream (ts never decreases). */
	MMT_EV_LOST = 25,

	/* ---- memory pressure: the kernel's response ----
	 * Kinds 26..46, written by recorders that set MMT_HDR_CAUSES.  Numbers the kernel defines (compact_result,
	 * migrate_mode, migrate_reason, lru, reclaim flags, throttle
	 * reasons) are stored as the recording kernel numbered them; the
	 * header notes "enum.<name>" list their names. */

	/* pfn, order: a free block compaction's free scanner took off the
	 * buddy free lists (isolate_freepages_block; arg = 0) or its fast
	 * search did (fast_isolate_freepages; arg = 1), as a home for pages
	 * it migrates.  No mm_page_alloc fires for it: from here on the
	 * block is not free.  Each page of it either receives a migrated
	 * page (a migration target: MIGRATE names the pair when the page was
	 * mapped) or comes back as a PAGE_FREE with cause COMPACT_RELEASE
	 * before COMPACTION_END. */
	MMT_EV_COMPACT_ISOLATE = 26,
	/* pfn = source page, addr = target page, order, arg = migrate
	 * reason: the kernel moved the page at pfn to addr.  Written just
	 * before the source's PAGE_FREE (cause MIGRATE_SOURCE).  Known for
	 * pages that were mapped (the target is read from the page table
	 * entry remove_migration_pte() writes); a migrated page-cache page
	 * that no process mapped has no MIGRATE (its FILEMAP_DEL names it
	 * when it leaves the page cache). */
	MMT_EV_MIGRATE = 27,
	/* mm_migrate_pages_start: mt = mode, mt2 = reason */
	MMT_EV_MIGRATE_BEGIN = 28,
	/* mm_migrate_pages: arg = pages migrated, arg2 = pages that failed,
	 * addr = THPs migrated, bytes_req = THPs that failed, bytes_alloc =
	 * THPs split, offset = other large folios split, mt = mode,
	 * mt2 = reason */
	MMT_EV_MIGRATE_END = 29,
	/* One pass of a compaction scanner: pfn = start, addr = end pfn,
	 * arg = pages scanned, arg2 = pages taken; mt = 0 migrate scanner
	 * (isolate_migratepages_block), 1 free scanner
	 * (isolate_freepages_block), 2 fast free search
	 * (fast_isolate_freepages: pfn..addr = its search range).  mt2 = 1
	 * when the COMPACT_ISOLATE events of a free-scanner pass follow
	 * (its compaction is known), 0 when not (a pass outside
	 * compact_zone(), e.g. alloc_contig_range(): then every free page
	 * in [pfn, addr) left the free lists). */
	MMT_EV_COMPACT_SCAN = 30,
	/* mm_compaction_migratepages, one round of migrate_pages() in
	 * compact_zone(): arg = pages migrated, arg2 = pages failed */
	MMT_EV_COMPACT_MIGRATEPAGES = 31,
	/* node, arg = zone idx, order, mt2 = result (enum compact_result):
	 * compaction_suitable() (COMPACT_SUITABLE) and compact_finished()
	 * (COMPACT_FINISHED) */
	MMT_EV_COMPACT_SUITABLE = 32,
	MMT_EV_COMPACT_FINISHED = 33,
	/* node, arg = zone idx, order; mt = 0 compaction skipped because
	 * deferred (mm_compaction_deferred), 1 a failure deferred it
	 * (mm_compaction_defer_compaction), 2 deferral reset
	 * (mm_compaction_defer_reset); arg2 = compact_considered, addr =
	 * compact_defer_shift, mt2 = compact_order_failed */
	MMT_EV_COMPACT_DEFER = 34,
	/* node, order, arg = highest zone idx; mt = 0 asked to wake
	 * (mm_compaction_wakeup_kcompactd), 1 kcompactd runs
	 * (mm_compaction_kcompactd_wake) */
	MMT_EV_KCOMPACTD_WAKE = 35,
	/* node */
	MMT_EV_KCOMPACTD_SLEEP = 36,
	/* shrink_inactive_list(): node, arg = pages scanned, arg2 = pages
	 * reclaimed, order = priority, mt = reclaim flags, bytes_req =
	 * dirty, bytes_alloc = under writeback, offset = activated (anon +
	 * file) */
	MMT_EV_LRU_SHRINK_INACTIVE = 37,
	/* shrink_active_list(): node, arg = pages taken, arg2 = pages
	 * deactivated, addr = referenced, order = priority, mt = flags */
	MMT_EV_LRU_SHRINK_ACTIVE = 38,
	/* mm_shrink_slab_end: node, site = the shrinker's scan function (as
	 * other sites), arg = objects freed, arg2 = objects scanned
	 * (total_scan), addr = deferred objects left (new_scan) */
	MMT_EV_SHRINK_SLAB = 39,
	/* mm_vmscan_write_folio: pfn of a dirty folio reclaim writes out,
	 * mt = reclaim flags */
	MMT_EV_WRITE_FOLIO = 40,
	/* mm_vmscan_throttled: node, arg = timeout us, arg2 = delayed us,
	 * mt = reason (enum vmscan_throttle_state) */
	MMT_EV_VMSCAN_THROTTLED = 41,
	/* memcg limit reclaim (try_to_free_mem_cgroup_pages): BEGIN order,
	 * gfp; END arg = nr_reclaimed */
	MMT_EV_MEMCG_RECLAIM_BEGIN = 42,
	MMT_EV_MEMCG_RECLAIM_END = 43,
	/* Page-cache accesses, hits included: offset = device, arg = inode
	 * (as FILEMAP_ADD), addr = first page index, arg2 = last page index
	 * (inclusive).  FILE_READ: filemap_get_pages() (read(2), splice,
	 * readahead-driven reads); FILE_MAP: filemap_map_pages() (fault-
	 * around maps pages already cached); FILE_FAULT: filemap_fault()
	 * for one page (arg2 = addr) */
	MMT_EV_FILE_READ = 44,
	MMT_EV_FILE_MAP = 45,
	MMT_EV_FILE_FAULT = 46,
	/* writeback_dirty_folio (folio_account_dirtied()): a page-cache folio
	 * turned dirty (a write(2), a write fault, mark_buffer_dirty); fields
	 * as FILE_FAULT: the index is the folio's first page, the folio's
	 * size is its FILEMAP_ADD's (MMT_HDR_FILE_DIRTY) */
	MMT_EV_FILE_DIRTY = 47,
	/* mmtrace's own poll of /proc/zoneinfo (MMT_HDR_ZONE_FREE), every
	 * 200 ms while the programs record (through the end snapshot's
	 * walk), one per zone with managed pages:
	 * node, arg = zone idx, addr = the zone's free pages as its
	 * "pages free" line counts them (NR_FREE_PAGES: the buddy lists, not
	 * the pcp lists), arg2 = its watermark boost ("boost") */
	MMT_EV_ZONE_FREE = 48,
	MMT_EV__COUNT
};

/*
 * Cause of a page free (PAGE_FREE arg2) and of a page-cache deletion
 * (FILEMAP_DEL arg2): the context the kernel was in when the page went.
 * "Evicted" means shrink_folio_list() freed it (the pages pgsteal_*
 * counts: KSWAPD_EVICT against pgsteal_kswapd, DIRECT/NODE/MEMCG_EVICT
 * against pgsteal_direct); "other" is any other free while that
 * reclaimer ran (slab shrinkers, split THP tails, ...).  MIGRATE_SOURCE
 * is the old copy of a page migration moved (pgmigrate_success counts
 * them).  COMPACT_RETURN is the one cause that is not a free to the buddy
 * allocator: a migration target compaction_free() puts back on
 * compaction's private list after a failed migration (free_pages_prepare()
 * fires mm_page_free); the page stays isolated until it is used or comes
 * back as COMPACT_RELEASE.
 */
enum mmt_free_cause {
	/* none of the contexts below: the workload's own unmap, exit,
	 * truncate, MADV_DONTNEED..., or the kernel freeing on its behalf */
	MMT_FREE_DEMAND = 0,
	MMT_FREE_KSWAPD_EVICT = 1,
	MMT_FREE_DIRECT_EVICT = 2,	/* direct reclaim (try_to_free_pages) */
	MMT_FREE_NODE_EVICT = 3,	/* node reclaim (zone_reclaim_mode) */
	MMT_FREE_MEMCG_EVICT = 4,	/* memcg limit reclaim */
	MMT_FREE_KSWAPD_OTHER = 5,
	MMT_FREE_DIRECT_OTHER = 6,
	MMT_FREE_NODE_OTHER = 7,
	MMT_FREE_MEMCG_OTHER = 8,
	MMT_FREE_MIGRATE_SOURCE = 9,
	/* a free page compaction isolated and did not use: to the buddy */
	MMT_FREE_COMPACT_RELEASE = 10,
	/* a failed migration's target back to compaction's list: NOT free */
	MMT_FREE_COMPACT_RETURN = 11,
	/* any other free inside compaction (kcompactd, direct compaction) */
	MMT_FREE_COMPACT_OTHER = 12,
	/* a free under PF_MEMALLOC outside every context above: reclaim the
	 * kernel was asked for rather than driven to -- reclaim_pages() of
	 * DAMON pageout schemes and MADV_PAGEOUT (and any other
	 * memalloc_noreclaim_save() section) */
	MMT_FREE_PROACTIVE = 13,
	MMT_FREE__COUNT
};

struct mmt_event {
	uint64_t ts;		/* ns since the trace's start (header.start_ns) */
	uint16_t kind;		/* enum mmt_event_kind */
	uint16_t cpu;
	uint32_t pid;
	uint64_t pfn;
	uint64_t addr;
	uint64_t site;		/* call site: hashed id or symbol index, never a pointer */
	uint64_t gfp;		/* recording kernel's gfp bits */
	uint32_t order;
	int32_t mt;
	int32_t mt2;
	int32_t node;
	uint32_t offset;	/* slab object offset inside page `pfn` */
	uint32_t cache;		/* slab cache index in the header */
	uint32_t bytes_req;
	uint32_t bytes_alloc;
	uint64_t arg;
	uint64_t arg2;
};

/* Stable names used by `info --json` counts and by `dump`. */
const char *mmt_event_kind_name(unsigned kind);
/* The tracepoint a kind is recorded from ("kmem:mm_page_alloc") and the
 * fields it holds, for listings; "" for MMT_EV_NONE and unknown kinds. */
const char *mmt_event_kind_source(unsigned kind);
const char *mmt_event_kind_fields(unsigned kind);
/* "demand", "kswapd_evict", ... ; "unknown" past MMT_FREE__COUNT. */
const char *mmt_free_cause_name(unsigned cause);

#endif
