/* SPDX-License-Identifier: MIT */
/*
 * Ring-buffer records from the BPF programs (collector/mmtrace.bpf.c) to
 * the loader (collector/record.c).  Shared by both sides, so only fixed
 * width types.  They carry raw kernel pointers (struct page *, slab
 * objects, call sites): the loader turns those into pfns, (pfn, offset)
 * and hashed ids before anything reaches the trace file.
 *
 * Most kinds fit the 40-byte struct mmtr_ev (+8 bytes of ring header);
 * slab and fault events use the 56-byte struct mmtr_ev_x.
 */
#ifndef MMTRACE_COLLECTOR_EVENTS_H
#define MMTRACE_COLLECTOR_EVENTS_H

#ifndef MMTRACE_VMLINUX_H
#include <linux/types.h>
#endif

/* kind values are enum mmt_event_kind; the flag says `a` is a struct
 * page pointer rather than a pfn (raw_tp programs see the pointer). */
#define MMTR_KIND_PAGEPTR	0x8000
/* The record is a struct mmtr_ev_x: a ring record holding several back to
 * back (a flushed batch, below) is split by this flag on its first one. */
#define MMTR_KIND_X		0x4000
#define MMTR_KIND_MASK		0x00ff
/* Not an event: the first time a kmem_cache is seen, its name. */
#define MMTR_CACHE_NAME		0x00fe
/* Not an event: a process got a name (fork of a new process, exec, a
 * rename); struct mmtr_comm. */
#define MMTR_COMM		0x00fd

struct mmtr_ev {
	__u64 ts;		/* bpf_ktime_get_ns(), per-CPU cached for hot kinds */
	__u64 seq;		/* global order: the loader merges by it */
	__u32 pid;		/* tgid << 0: the process, not the thread */
	__u16 kind;
	__u16 cpu;
	__u64 a;
	__u64 b;
};

struct mmtr_ev_x {
	struct mmtr_ev e;
	__u64 c;
	__u64 d;
};

/*
 * Per-CPU state of the BPF programs (collector/mmtrace.bpf.c), a global
 * array there, so the skeleton needs its type.  What every hot event
 * touches sits together, so an event costs few cache lines (the page
 * zeroing of a fault evicts them between events):
 *  - the cached event time (event_time());
 *  - flags, set by the loader in every slot: MMTR_RUNNING once the vmemmap
 *    base is known (until then the page programs only note a struct page *
 *    for calibration), MMTR_BATCHING once `flush` is known to work;
 *  - losses not yet reported: the first loss takes a sequence number and
 *    its time, and the next record the CPU gets into its ring is preceded
 *    by a LOST record carrying them (so LOST sits where the loss was);
 *  - two batches (emit_t() and emit_xt()): 40-byte records here, 56-byte
 *    ones in a separate array.  Each is flushed to the CPU's ring as one
 *    record of n records back to back, which the loader splits again (by
 *    MMTR_KIND_X of the first).  busy guards against a nested program (an
 *    interrupt) or the loader's flush touching a batch being filled.
 */
#define MMTR_RUNNING	1
#define MMTR_BATCHING	2
#define MMTR_BATCH	32
/* slots of per-CPU state: a bigger host shares slots (still ordered by seq) */
#define MMTR_MAX_CPUS	1024
/* blocks the BPF walk of a compaction pass's cc->freepages reads per
 * order at most (the loader names it when a pass comes up short) */
#define MMTR_ISO_MAX	512
#define MMTR_BATCH_X	16

/* Programs that have a rescue twin (their index in cpu_state.seen) */
enum { MMTR_IN_PAGE_FREE, MMTR_IN_KFREE, MMTR_IN_CACHE_FREE, MMTR_NR_TWINS_USED };
#define MMTR_NR_TWINS	4	/* a power of two >= MMTR_NR_TWINS_USED */
#define MMTR_TWIN_SLOTS	4	/* events a primary saw, per CPU (a power of two) */
/* times the snapshot's free-list walk starts a list again before it gives
 * the list up (mmtrace.bpf.c, walk_restart()) */
#define MMTR_WALK_RESTARTS 64
/* in a walk_out entry: the first block after the walk (re)started a list */
#define MMTR_WALK_FIRST (1u << 8)

struct cpu_state {
	__u64 ts;
	__u64 jiffies;
	__u32 clock_n;
	__u32 flags;
	__u32 n;
	__u32 busy;
	__u32 nx;
	__u32 busy_x;
	__u32 sink_n;		/* --store-only's next slot */
	__u32 lost_n;		/* ring losses not yet reported in the stream */
	__u64 lost_first;	/* time of the first of them (ktime ns) */
	__u64 lost_last;	/* and of the last */
	__u64 lost_seq;		/* sequence number taken at the first */
	__u64 ring_peak;	/* most bytes `flush` found waiting in the ring */
	__u64 free_census;	/* mm_page_free fired while recording (twin) */
	/* for each program with a rescue twin (MMTR_IN_*): the last events
	 * it saw on this CPU, key + 1 (0: taken by its twin), the count of
	 * them, and the events its twin recorded for it (mmtrace.bpf.c
	 * "Rescue") */
	__u8 seen_n[MMTR_NR_TWINS];
	__u64 rescued[MMTR_NR_TWINS];
	__u64 seen[MMTR_NR_TWINS][MMTR_TWIN_SLOTS];
	struct mmtr_ev ev[MMTR_BATCH];
} __attribute__((aligned(64)));

#define MMTR_CACHE_NAME_LEN 32
struct mmtr_cache_name {
	struct mmtr_ev e;	/* a = id, b = object_size | size << 32 */
	char name[MMTR_CACHE_NAME_LEN];
};

#define MMTR_COMM_LEN 16
struct mmtr_comm {
	struct mmtr_ev e;	/* a = pid (the task's; a process at fork) */
	char comm[MMTR_COMM_LEN];
};

/* Causes the BPF side cannot finish: inside compaction it does not know
 * which pages compaction isolated; the loader does (collector/compact.c)
 * and turns these into enum mmt_free_cause values. */
#define MMTR_CAUSE_COMPACT_MIGRATING	0x40	/* in its migrate_pages() */
#define MMTR_CAUSE_COMPACT_IDLE		0x41	/* outside migrate_pages() */
/* in its migrate_pages(), a page with contents (PG_uptodate): a source */
#define MMTR_CAUSE_COMPACT_MIGRATED	0x42

/*
 * Field packing per kind (lo..hi bits of a, b, c, d):
 *   PAGE_ALLOC   a page/pfn  b order:8 mt:8 | gfp << 32
 *   PAGE_FREE    a page      b order:8 batched:8 cause:8 reason:8; as a 56-byte
 *                record when freed inside reclaim/compaction/migration:
 *                c tid (the task's thread), d migration target (bit 63
 *                valid, order << 48, pfn) from remove_migration_pte/pmd
 *   PCP_REFILL   a page      b order:8 mt:8 percpu_refill:8
 *   PCP_DRAIN    a page      b order:8 mt:8
 *   EXTFRAG      a pfn       b alloc_order:8 fallback_order:8 alloc_mt:8
 *                              fallback_mt:8 change_ownership:8
 *   KMALLOC      a site b ptr c bytes_req | bytes_alloc << 32
 *                          d gfp | (u32)node << 32
 *   KMEM_CACHE_ALLOC  as KMALLOC, c = cache id (bytes from the name record)
 *   KFREE        a site b ptr
 *   KMEM_CACHE_FREE   a site b ptr c cache id (~0 unknown)
 *   FAULT_*      a address b ip c error_code
 *   DIRECT_RECLAIM_BEGIN, NODE_RECLAIM_BEGIN
 *                a order | (u32)nid << 32   b gfp
 *   *_RECLAIM_END  a nr_reclaimed
 *   KSWAPD_WAKE, WAKEUP_KSWAPD  a nid:16 zid:16 order:32  b gfp
 *   KSWAPD_SLEEP a nid
 *   COMPACTION_BEGIN/END  a zone_start  b zone_end  c migrate_pfn:40
 *                tid:24 (raw_tp; 0 from the classic fallback)
 *                d free_pfn:48 status:8 (END) ... sync:1 (bit 63)
 *   COMPACT_TRY  a order | prio << 32  b gfp
 *   FILEMAP_ADD/DEL  a pfn  b order:8 cause:8 | dev << 32  c ino  d index
 *   LOST         a count  b time of the last loss (head ts: the first)
 *   COMPACT_ISOLATE  a page  b order:8 by:8 | tid << 32
 *   COMPACT_SCAN a start_pfn  b end_pfn  c nr_scanned:56 scanner:4
 *                exact:1 (bit 60)  d nr_taken
 *   MIGRATE_BEGIN  a mode | reason << 32
 *   MIGRATE_END  a succeeded  b failed  c thp_succeeded | thp_failed << 32
 *                d thp_split:24 large_split:24 mode:8 reason:8
 *   COMPACT_MIGRATEPAGES  a nr_migrated  b nr_failed
 *   COMPACT_SUITABLE/FINISHED  a nid:16 zid:16 order:32  b result
 *   COMPACT_DEFER  a nid:16 zid:16 order:32  b which | order_failed << 32
 *                  c considered  d defer_shift
 *   KCOMPACTD_WAKE  a nid:16 zid:16 order:32  b which;  _SLEEP  a nid
 *   LRU_SHRINK_INACTIVE  a nid | priority << 32  b scanned  c reclaimed
 *                d dirty:16 writeback:16 activated:16 flags:16
 *   LRU_SHRINK_ACTIVE  a nid | priority << 32  b taken  c deactivated
 *                d referenced:48 flags:16
 *   SHRINK_SLAB  a nid | (u32)new_scan << 32  b scan function  c freed
 *                d total_scan
 *   WRITE_FOLIO  a pfn  b flags
 *   VMSCAN_THROTTLED  a nid | reason << 32  b timeout | delayed << 32
 *   MEMCG_RECLAIM_BEGIN  a order  b gfp;  _END  a nr_reclaimed
 *   FILE_READ/MAP/FAULT/DIRTY  a dev  b ino  c index  d last index
 */
#define MMTR_CACHE_UNKNOWN 0xffffffffu

#endif
