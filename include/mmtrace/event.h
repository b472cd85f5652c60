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
	/* pfn, order, cpu, pid; arg = 1 when from mm_page_free_batched */
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
	/* pfn, order: page cache insert / delete (mm_filemap_*); tells replay
	 * which allocations are file-backed LRU pages */
	MMT_EV_FILEMAP_ADD = 22,
	MMT_EV_FILEMAP_DEL = 23,
	/* node, arg = zone idx, pfn = zone_start_pfn, addr = new managed pages,
	 * arg2 = old managed pages (low 32 bits of delta sign in mt).
	 * Memory hot-add / hot-remove as observed by the collector. */
	MMT_EV_ZONE_RESIZE = 24,
	/* cpu, arg = number of events the ring buffer dropped on that cpu */
	MMT_EV_LOST = 25,
	MMT_EV__COUNT
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

#endif
