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
#define MMTR_KIND_MASK		0x00ff
/* Not an event: the first time a kmem_cache is seen, its name. */
#define MMTR_CACHE_NAME		0x00fe

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

/* Per-CPU cached event time (collector/mmtrace.bpf.c, event_time()); a
 * global array in the BPF object, so the skeleton needs its type.  One
 * cache line per CPU: no false sharing. */
struct cpu_clock {
	__u64 ts;
	__u64 jiffies;
	__u32 n;
} __attribute__((aligned(64)));

/* Per-CPU batch of 40-byte records (collector/mmtrace.bpf.c, emit_t()):
 * flushed to the CPU's ring as one record of n * sizeof(struct mmtr_ev)
 * bytes, which the loader splits again (no other record size is a
 * multiple of 40).  busy guards against a nested program (interrupt) or
 * the loader's flush touching a batch that is being filled. */
#define MMTR_BATCH 16
struct ev_batch {
	__u32 n;
	__u32 busy;
	struct mmtr_ev ev[MMTR_BATCH];
};

#define MMTR_CACHE_NAME_LEN 32
struct mmtr_cache_name {
	struct mmtr_ev e;	/* a = id, b = object_size | size << 32 */
	char name[MMTR_CACHE_NAME_LEN];
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
