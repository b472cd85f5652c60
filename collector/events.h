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
 *  - two batches (emit_t() and emit_xt()): 40-byte records here, 56-byte
 *    ones in a separate array.  Each is flushed to the CPU's ring as one
 *    record of n records back to back, which the loader splits again (by
 *    MMTR_KIND_X of the first).  busy guards against a nested program (an
 *    interrupt) or the loader's flush touching a batch being filled.
 */
#define MMTR_RUNNING	1
#define MMTR_BATCHING	2
#define MMTR_BATCH	32
#define MMTR_BATCH_X	16

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
	__u32 pad;
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

/*
 * Field packing per kind (lo..hi bits of a, b, c, d):
 *   PAGE_ALLOC   a page/pfn  b order:8 mt:8 | gfp << 32
 *   PAGE_FREE    a page      b order:8 batched:8
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
 *   COMPACTION_BEGIN/END  a zone_start  b zone_end  c migrate_pfn
 *                d free_pfn:48 status:8 (END) ... sync:1 (bit 63)
 *   COMPACT_TRY  a order | prio << 32  b gfp
 *   FILEMAP_ADD/DEL  a pfn b order
 */
#define MMTR_CACHE_UNKNOWN 0xffffffffu

#endif
