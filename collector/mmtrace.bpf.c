/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * mmtrace collector: one small program per memory-management tracepoint,
 * each copying the few fields the model needs into a shared BPF ring
 * buffer (collector/events.h).
 *
 * Hot events (page alloc/free, pcp, slab, faults) use raw_tp programs:
 * they get the tracepoint's C arguments directly and skip the classic
 * tracepoint's record formatting, which costs several times more per event.
 * They hand user space a struct page * that the loader turns into a pfn
 * (the vmemmap base is calibrated once at start, see calib() below).
 * Rare events (reclaim, compaction, fallback, page cache) use classic
 * tracepoints, whose records already hold pfns.
 *
 * Nothing here may fail the capture: a reserve failure is counted per CPU
 * in `lost` and the loader writes it into the trace as MMT_EV_LOST.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "mmtrace/event.h"
#include "events.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by the loader before load (read-only => the verifier prunes). */
const volatile __u32 self_tgid;		/* our own process: skipped */
const volatile __u32 filter_tgid;	/* --pid, 0 = all */
const volatile __u64 filter_cgid;	/* --cgroup, 0 = all */
/* 0: never wake the reader (it polls with a timeout); the query reads the
 * consumer position, a cache line the reader writes, so it is skipped
 * unless the ring is small enough to need early wake-ups. */
const volatile __u64 wake_bytes;
/* --attach-only: every event program returns at once (the verifier drops
 * the rest), to measure what the kernel's invocation alone costs. */
const volatile __u32 attach_only;
/* --store-only: the page and fault programs store their raw arguments (16
 * bytes: no time, order, process or ring) in `sink` and return; the rest
 * return at once.  The cost of writing anything at all per event on top of
 * the floor: a recorder that keeps time, order and the process does more.
 * sink_shift: log2 of each CPU's slots in `sink` (set with its size). */
const volatile __u32 store_only;
const volatile __u32 sink_shift;

/* The first struct page * the page programs saw while not yet running
 * (calibration, below). */
__u64 calib_page;

/* One ring per CPU: no shared spinlock and no cache line bouncing between
 * producers (a shared ring cost about twice as much per event here).  The
 * loader creates the rings (size from -b) and merges them by timestamp. */
struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);		/* set to the number of CPUs */
	__type(key, __u32);
	__array(values, struct ring);
} rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* --store-only's target: big enough (MBs per CPU) that the stores go to
 * memory that is not in cache, as a ring's do. */
struct sink_slot {
	__u64 a;
	__u64 b;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* the loader sizes it for --store-only */
	__type(key, __u32);
	__type(value, struct sink_slot);
} sink SEC(".maps");

/* struct kmem_cache * -> small id; the name goes out once per id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} cache_ids SEC(".maps");
__u32 next_cache_id;

/* Page-level events of our own process are kept: without them the free
 * map replay mirrors would not match the kernel's.  Everything else of
 * ours is noise caused by recording and is dropped. */
/* The current process: a load from the BTF-typed task, which the verifier
 * inlines, where bpf_get_current_pid_tgid() is a helper call. */
static __always_inline __u32 cur_tgid(void)
{
	return bpf_get_current_task_btf()->tgid;
}

static __always_inline int skip_task(int page_level, __u32 *tgidp)
{
	__u32 tgid;

	if (store_only)
		return 1;
	tgid = cur_tgid();

	*tgidp = tgid;
	if (tgid == self_tgid && !page_level)
		return 1;
	if (filter_tgid && tgid != filter_tgid)
		return 1;
	if (filter_cgid && bpf_get_current_cgroup_id() != filter_cgid)
		return 1;
	return 0;
}


/*
 * Event time and order.  bpf_ktime_get_ns() is a TSC read, about 35 ns in
 * this VM (a third of a page event's cost), so hot events reuse a per-CPU
 * cached time, refreshed every CLOCK_EVERY events and whenever jiffies
 * moved: a hot event's time is never ahead, monotonic per CPU, and as old
 * as jiffies is stale: a tick, more when the timekeeping CPU's update
 * comes late (here 14-58 ms for 26 of 3.3 M events beside ftrace;
 * collector/README.md, "Time and order").  Order does not rest on the
 * time: every event takes a number from one global counter, and the
 * loader merges the rings by it.  Atomic increments of one location are
 * totally ordered and agree with every happens-before edge, so a free on
 * one CPU (before the page reaches the buddy/pcp lists) and the alloc of
 * the same pfn on another (after it left them) keep their order, as they
 * did with exact times.  Rare events whose durations matter (reclaim,
 * compaction, kswapd) read the clock exactly (`exact`).
 */
#define CLOCK_EVERY 16

struct cpu_state cpus[MMTR_MAX_CPUS];
struct mmtr_ev_x batch_x[MMTR_MAX_CPUS][MMTR_BATCH_X];
/* Alone in its cache line: every CPU writes it. */
__u64 seq __attribute__((aligned(64)));

static __always_inline struct cpu_state *cpu_state(__u32 cpu)
{
	return &cpus[cpu & (MMTR_MAX_CPUS - 1)];
}

static __always_inline int running(void)
{
	if (attach_only)
		return 0;
	return cpu_state(bpf_get_smp_processor_id())->flags & MMTR_RUNNING;
}

/* For programs that record without skip_task() (kswapd, kcompactd: not
 * any process's doing): --store-only records nothing but its stores. */
static __always_inline int recording(void)
{
	return !store_only && running();
}

static __always_inline __u64 event_time(__u32 cpu, int exact)
{
	struct cpu_state *c = cpu_state(cpu);
	__u64 j;

	if (!exact) {
		j = bpf_jiffies64();
		if (j == c->jiffies && ++c->clock_n < CLOCK_EVERY)
			return c->ts;
		c->jiffies = j;
	}
	c->clock_n = 0;
	c->ts = bpf_ktime_get_ns();
	return c->ts;
}

/*
 * Losses.  A record that finds its CPU's ring full is counted in `lost`
 * (the total, per CPU) and in the CPU's state: the first loss of a run
 * takes a sequence number and the time, so that the LOST record the next
 * successful write puts in front of itself (report_lost) sorts where the
 * loss happened, with the window of the losses it stands for.  A run not
 * reported by the end is read from the state by the loader.
 */
static __always_inline void note_lost(__u32 cpu, __u64 n)
{
	struct cpu_state *c = cpu_state(cpu);
	__u32 zero = 0;
	__u64 *p = bpf_map_lookup_elem(&lost, &zero), now = bpf_ktime_get_ns();

	if (p)
		*p += n;	/* per-CPU slot: no atomics needed */
	if (!c->lost_n) {
		c->lost_first = now;
		c->lost_seq = __sync_fetch_and_add(&seq, 1);
	}
	c->lost_n += (__u32)n;
	c->lost_last = now;
}

static __always_inline void report_lost(__u32 cpu, void *ring)
{
	struct cpu_state *c = cpu_state(cpu);
	struct mmtr_ev e = {};

	if (!c->lost_n)
		return;
	e.ts = c->lost_first;
	e.seq = c->lost_seq;
	e.kind = MMT_EV_LOST;
	e.cpu = cpu;
	e.a = c->lost_n;
	e.b = c->lost_last;
	if (!bpf_ringbuf_output(ring, &e, sizeof(e), 0))
		c->lost_n = 0;
}

/* The common head of every record; the time and number are taken before
 * anything can nest, so that an event nested inside another (an interrupt
 * between the two) sorts after the one it interrupted. */
static __always_inline void fill_head(struct mmtr_ev *e, __u16 kind, __u32 cpu,
				      __u32 tgid, int exact)
{
	e->ts = event_time(cpu, exact);
	e->seq = __sync_fetch_and_add(&seq, 1);
	e->pid = tgid;
	e->kind = kind;
	e->cpu = cpu;
}

/* Reserves a record straight in this CPU's ring (rare kinds, and hot ones
 * whose batch is busy). */
static __always_inline void *reserve_t(__u64 size, __u16 kind, void **ringp,
				       int exact, __u32 tgid)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct mmtr_ev head, *e;
	void *ring;

	fill_head(&head, kind, cpu, tgid, exact);
	ring = bpf_map_lookup_elem(&rings, &cpu);
	if (!ring) {
		note_lost(cpu, 1);
		return 0;
	}
	e = bpf_ringbuf_reserve(ring, size, 0);
	if (!e) {
		note_lost(cpu, 1);
		return 0;
	}
	report_lost(cpu, ring);
	*e = head;
	*ringp = ring;
	return e;
}

static __always_inline void *reserve(__u64 size, __u16 kind, void **ringp,
				     __u32 tgid)
{
	return reserve_t(size, kind, ringp, 0, tgid);
}

/* Wake the reader only when enough has piled up: one wake-up per
 * wake_bytes instead of one per event (the loader also polls with a
 * timeout, so a quiet system still drains). */
static __always_inline __u64 wake_flags(void *ring)
{
	if (wake_bytes && bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wake_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void submit(void *e, void *ring)
{
	bpf_ringbuf_submit(e, wake_flags(ring));
}

/*
 * What every event program returns.  For a classic tracepoint with a BPF
 * program attached, perf_trace_run_bpf_submit() drops the perf sample of
 * every perf user of that tracepoint when the program returns 0: mmtrace
 * running would silently empty a `perf record` of the same events.
 * Returning 1 keeps them (raw_tp and tp_btf ignore the value).
 */
#define KEEP 1

/*
 * Batching: one ring reserve/commit costs about 20 ns per event here, so
 * records are collected per CPU (40-byte and 56-byte ones apart) and
 * written to the ring a batch at a time with one bpf_ringbuf_output().
 * Nothing stays behind: the loader runs `flush` on every CPU
 * (BPF_PROG_TEST_RUN on that CPU, an IPI) before each drain and after
 * detaching.  A program that finds the batch busy (it interrupted one
 * filling it) writes straight to the ring; the loader re-sorts by seq.
 * Exact-time events also go straight.  MMTR_BATCHING is raised by the
 * loader only once `flush` has run.
 */

static __always_inline void batch_out(__u32 cpu, void *recs, __u64 bytes,
				      __u32 n)
{
	void *ring = bpf_map_lookup_elem(&rings, &cpu);

	if (ring && !bpf_ringbuf_output(ring, recs, bytes, wake_flags(ring))) {
		report_lost(cpu, ring);
		return;
	}
	note_lost(cpu, n);
}

static __always_inline void batch_out_t(struct cpu_state *bt, __u32 cpu, __u32 n)
{
	if (n > MMTR_BATCH)
		n = MMTR_BATCH;
	if (n)
		batch_out(cpu, bt->ev, n * sizeof(struct mmtr_ev), n);
}

static __always_inline void batch_out_x(__u32 cpu, __u32 n)
{
	if (n > MMTR_BATCH_X)
		n = MMTR_BATCH_X;
	if (n)
		batch_out(cpu, batch_x[cpu & (MMTR_MAX_CPUS - 1)],
			  n * sizeof(struct mmtr_ev_x), n);
}

static __always_inline int emit_direct(__u16 kind, __u64 a, __u64 b, int exact,
				       __u32 tgid)
{
	void *ring;
	struct mmtr_ev *e = reserve_t(sizeof(*e), kind, &ring, exact, tgid);

	if (!e)
		return KEEP;
	e->a = a;
	e->b = b;
	submit(e, ring);
	return KEEP;
}

static __always_inline int emit_t(__u16 kind, __u64 a, __u64 b, int exact,
				  __u32 tgid)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_state *bt = cpu_state(cpu);
	volatile __u32 *busy = &bt->busy;
	struct mmtr_ev *e;
	__u32 i;

	if (exact || !(bt->flags & MMTR_BATCHING) || *busy)
		return emit_direct(kind, a, b, exact, tgid);
	*busy = 1;
	asm volatile("" ::: "memory");
	i = bt->n;
	if (i >= MMTR_BATCH)
		i = 0;
	e = &bt->ev[i];
	fill_head(e, kind, cpu, tgid, 0);
	e->a = a;
	e->b = b;
	if (++i == MMTR_BATCH) {
		batch_out_t(bt, cpu, i);
		i = 0;
	}
	bt->n = i;
	asm volatile("" ::: "memory");
	*busy = 0;
	return KEEP;
}

static __always_inline int emit_xdirect(__u16 kind, __u64 a, __u64 b, __u64 c,
					__u64 d, int exact, __u32 tgid)
{
	void *ring;
	struct mmtr_ev_x *x = reserve_t(sizeof(*x), kind, &ring, exact, tgid);

	if (!x)
		return KEEP;
	x->e.a = a;
	x->e.b = b;
	x->c = c;
	x->d = d;
	submit(x, ring);
	return KEEP;
}

static __always_inline int emit_xt(__u16 kind, __u64 a, __u64 b, __u64 c,
				   __u64 d, int exact, __u32 tgid)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_state *bt = cpu_state(cpu);
	volatile __u32 *busy = &bt->busy_x;
	struct mmtr_ev_x *x;
	__u32 i;

	kind |= MMTR_KIND_X;
	if (exact || !(bt->flags & MMTR_BATCHING) || *busy)
		return emit_xdirect(kind, a, b, c, d, exact, tgid);
	*busy = 1;
	asm volatile("" ::: "memory");
	i = bt->nx;
	if (i >= MMTR_BATCH_X)
		i = 0;
	x = &batch_x[cpu & (MMTR_MAX_CPUS - 1)][i];
	fill_head(&x->e, kind, cpu, tgid, 0);
	x->e.a = a;
	x->e.b = b;
	x->c = c;
	x->d = d;
	if (++i == MMTR_BATCH_X) {
		batch_out_x(cpu, i);
		i = 0;
	}
	bt->nx = i;
	asm volatile("" ::: "memory");
	*busy = 0;
	return KEEP;
}

/* Run by the loader on each CPU: returns 1 if a batch was busy (the
 * loader retries), 0 once both are written out.  It also reports this
 * CPU's pending losses: a CPU that lost records and then went quiet would
 * otherwise report them only with its next record, seconds later.  On
 * the loader's own CPU the kernel runs it in process context with
 * interrupts on (bpf_prog_test_run_raw_tp(): get_cpu() only), so it
 * holds both batches busy: an interrupt's event between the output and
 * the reset would go into the batch and be reset away, unseen. */
SEC("raw_tp")
int flush(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_state *bt = cpu_state(cpu);
	volatile __u32 *busy = &bt->busy, *busy_x = &bt->busy_x;
	void *ring;

	if (*busy || *busy_x)
		return 1;
	*busy = 1;
	*busy_x = 1;
	asm volatile("" ::: "memory");
	batch_out_t(bt, cpu, bt->n);
	bt->n = 0;
	batch_out_x(cpu, bt->nx);
	bt->nx = 0;
	asm volatile("" ::: "memory");
	*busy = 0;
	*busy_x = 0;
	ring = bpf_map_lookup_elem(&rings, &cpu);
	if (ring) {
		__u64 fill = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);

		if (fill > bt->ring_peak)
			bt->ring_peak = fill;
		report_lost(cpu, ring);
	}
	return 0;
}

static __always_inline int emit(__u16 kind, __u64 a, __u64 b, __u32 tgid)
{
	return emit_t(kind, a, b, 0, tgid);
}

/* Begin/end of reclaim, compaction, kswapd: exact time (durations). */
static __always_inline int emit_exact(__u16 kind, __u64 a, __u64 b, __u32 tgid)
{
	return emit_t(kind, a, b, 1, tgid);
}

static __always_inline int emit_x(__u16 kind, __u64 a, __u64 b, __u64 c,
				  __u64 d, __u32 tgid)
{
	return emit_xt(kind, a, b, c, d, 0, tgid);
}

/* --store-only: 16 bytes to this CPU's next sink slot. */
static __always_inline int store_args(__u64 a, __u64 b)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_state *c = cpu_state(cpu);
	__u32 mask = (1u << (sink_shift & 31)) - 1;
	__u32 idx = (cpu << (sink_shift & 31)) | (c->sink_n++ & mask);
	struct sink_slot *s = bpf_map_lookup_elem(&sink, &idx);

	if (s) {
		s->a = a;
		s->b = b;
	}
	return KEEP;
}

static __always_inline int page_event(__u16 kind, __u64 page, __u64 b)
{
	__u32 tgid;

	if (!running()) {
		if (page)
			calib_page = page;
		return KEEP;
	}
	if (store_only)
		return store_args(page, b | kind);
	if (skip_task(1, &tgid))
		return KEEP;
	return emit(kind | MMTR_KIND_PAGEPTR, page, b, tgid);
}

/*
 * ---- whose free it is: the task's context ------------------------------
 *
 * A page free is the workload's own unless the freeing task is inside one
 * of the kernel's responses to memory pressure.  kswapd and kcompactd are
 * told by their task flags; direct reclaim, node reclaim, memcg reclaim
 * and direct compaction all run under PF_MEMALLOC (memalloc_noreclaim_save()
 * in __perform_reclaim(), __node_reclaim(), try_to_free_mem_cgroup_pages()
 * and __alloc_pages_direct_compact()), and their begin/end tracepoints
 * set bits in the task's storage below.  So a free by a task without any
 * of these flags is the workload's, with one load of current->flags; only
 * the others look up their storage.  PF_MEMALLOC with none of those bits
 * is reclaim_pages() (DAMON pageout, MADV_PAGEOUT): MMT_FREE_PROACTIVE.  Migrations started by ordinary tasks
 * (move_pages(2), mbind, NUMA balancing) raise `plain_tasks` while they
 * run, which sends every free through the lookup meanwhile.
 *
 * Inside shrink_folio_list() (between mm_vmscan_lru_isolate of an inactive
 * list and mm_vmscan_lru_shrink_inactive: shrink_inactive_list()) a free is
 * an eviction, the pages pgsteal_* counts.  Inside compaction the loader
 * finishes the cause (MMTR_CAUSE_COMPACT_*): it knows the isolated pages.
 * A free in interrupt context is charged to the task it interrupted (BPF
 * cannot read preempt_count here); rare next to the rest.
 */
#define PF_MEMALLOC	0x00000800	/* include/linux/sched.h, 6.x */
#define PF_KCOMPACTD	0x00010000
#define PF_KSWAPD	0x00020000
#define PF_CONTEXT	(PF_MEMALLOC | PF_KCOMPACTD | PF_KSWAPD)

#define TC_DIRECT	0x01	/* try_to_free_pages() */
#define TC_NODE		0x02	/* __node_reclaim() */
#define TC_MEMCG	0x04	/* try_to_free_mem_cgroup_pages() */
#define TC_COMPACT	0x08	/* compact_zone() */
#define TC_MIGRATE	0x10	/* migrate_pages() */
#define TC_EVICT	0x20	/* shrink_folio_list() of shrink_inactive_list() */
#define TC_PLAIN	0x40	/* migrate_pages() by a task without PF_CONTEXT */

struct task_ctx {
	__u64 dst;	/* target of the last remove_migration_pte/pmd: bit 63
			 * valid, order << 48, pfn */
	__u64 cc;	/* struct compact_control * of its compact_zone() */
	__u32 bits;	/* TC_* */
	__u32 reason;	/* of its migrate_pages() (enum migrate_reason) */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} tctx SEC(".maps");

__u32 plain_tasks;	/* tasks in a TC_PLAIN migration now */
__u64 ctx_nomem;	/* contexts not tracked: no storage could be made */

static __always_inline struct task_struct *cur_task(void)
{
	return bpf_get_current_task_btf();
}

static __always_inline __u32 cur_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline struct task_ctx *ctx_of(int create)
{
	struct task_ctx *c = bpf_task_storage_get(&tctx, cur_task(), 0,
			create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);

	if (!c && create)
		__sync_fetch_and_add(&ctx_nomem, 1);
	return c;
}

static __always_inline void ctx_enter(__u32 bit)
{
	struct task_ctx *c = ctx_of(1);

	if (c)
		c->bits |= bit;
}

static __always_inline void ctx_leave(__u32 bit)
{
	struct task_ctx *c = ctx_of(0);

	if (c)
		c->bits &= ~bit;
}

/* The cause of a free by a task with flags f and context c (NULL: none);
 * enum mmt_free_cause or MMTR_CAUSE_COMPACT_*. */
static __always_inline __u32 free_cause(__u32 f, const struct task_ctx *c)
{
	__u32 b = c ? c->bits : 0, ev = b & TC_EVICT;

	if (b & TC_COMPACT)
		return b & TC_MIGRATE ? MMTR_CAUSE_COMPACT_MIGRATING :
					MMTR_CAUSE_COMPACT_IDLE;
	if (b & TC_MIGRATE)
		return MMT_FREE_MIGRATE_SOURCE;
	if (f & PF_KSWAPD)
		return ev ? MMT_FREE_KSWAPD_EVICT : MMT_FREE_KSWAPD_OTHER;
	if (b & TC_NODE)
		return ev ? MMT_FREE_NODE_EVICT : MMT_FREE_NODE_OTHER;
	if (b & TC_DIRECT)
		return ev ? MMT_FREE_DIRECT_EVICT : MMT_FREE_DIRECT_OTHER;
	if (b & TC_MEMCG)
		return ev ? MMT_FREE_MEMCG_EVICT : MMT_FREE_MEMCG_OTHER;
	if (f & PF_KCOMPACTD)
		return MMT_FREE_COMPACT_OTHER;
	/* PF_MEMALLOC in none of those: reclaim_pages(), which DAMON's
	 * pageout action and MADV_PAGEOUT call (memalloc_noreclaim_save(),
	 * shrink_folio_list() with no begin/end tracepoint) */
	if (f & PF_MEMALLOC)
		return MMT_FREE_PROACTIVE;
	return MMT_FREE_DEMAND;
}

/* Cause of what the current task frees now: 0 (the workload's) on the
 * fast path.  *tid and *dst are set for frees inside a context: the
 * migration target a source free pairs with is consumed here, and the
 * migration's reason goes to bits 8.. of the cause. */
static __always_inline __u32 cur_cause(__u64 *tid, __u64 *dst, __u32 order)
{
	struct task_struct *t = cur_task();
	struct task_ctx *c;
	__u32 f = t->flags, cause;

	*dst = 0;
	if (!(f & PF_CONTEXT) && !plain_tasks)
		return MMT_FREE_DEMAND;
	c = ctx_of(0);
	cause = free_cause(f, c);
	*tid = cur_tid();
	if (c && (c->bits & TC_MIGRATE))
		cause |= (c->reason & 0xff) << 8;
	if (c && (c->bits & TC_MIGRATE) && (c->dst >> 63) &&
	    ((c->dst >> 48) & 0xff) == order) {
		*dst = c->dst;
		c->dst = 0;
	}
	return cause;
}

/*
 * Inside compaction's migrate_pages() two kinds of page are freed: the
 * old copies of migrated pages (sources) and targets compaction_free()
 * takes back after a failed move.  The loader tells them apart by the
 * blocks compaction isolated (a target lies in one), but a page moved
 * into such a block and moved again by the same compaction lies there
 * too.  A target never had contents: folio_migrate_flags() gives it
 * PG_uptodate only once the move succeeded, and a page being migrated
 * away is uptodate (anon from its first fault, page cache once read; a
 * page under read I/O is locked and not migrated).  So an uptodate page
 * is a source (MMTR_CAUSE_COMPACT_MIGRATED), whatever block it is in.
 */
static __always_inline __u32 migrating_cause(__u64 page, __u32 cause)
{
	unsigned long flags = 0;

	if ((cause & 0xff) != MMTR_CAUSE_COMPACT_MIGRATING || !page ||
	    !bpf_core_enum_value_exists(enum pageflags, PG_uptodate))
		return cause;
	/* page->flags: the first word of struct page in every kernel (a
	 * memdesc_flags_t since 6.18, which CO-RE will not take for an
	 * unsigned long) */
	bpf_probe_read_kernel(&flags, sizeof(flags), (void *)page);
	if (flags & (1ull << bpf_core_enum_value(enum pageflags, PG_uptodate)))
		return (cause & ~0xffu) | MMTR_CAUSE_COMPACT_MIGRATED;
	return cause;
}

/* A page free: the workload's a 40-byte record, one inside a context a
 * 56-byte one with the thread and the migration target. */
static __always_inline int page_free_event(__u64 page, __u32 order)
{
	__u64 tid = 0, dst;
	__u32 tgid, cause;

	if (!running()) {
		if (page)
			calib_page = page;
		return KEEP;
	}
	if (store_only)
		return store_args(page, order | MMT_EV_PAGE_FREE);
	if (skip_task(1, &tgid))
		return KEEP;
	cause = migrating_cause(page, cur_cause(&tid, &dst, order & 0xff));
	if (!cause)
		return emit(MMT_EV_PAGE_FREE | MMTR_KIND_PAGEPTR, page,
			    order & 0xff, tgid);
	return emit_x(MMT_EV_PAGE_FREE | MMTR_KIND_PAGEPTR, page,
		      (order & 0xff) | ((__u64)(cause & 0xffff) << 16), tid, dst,
		      tgid);
}

/* ---- page allocator (raw tracepoints) ---------------------------------- */

SEC("raw_tp/mm_page_alloc")
int BPF_PROG(page_alloc, void *page, unsigned int order, gfp_t gfp, int mt)
{
	return page_event(MMT_EV_PAGE_ALLOC, (__u64)page,
			  (order & 0xff) | (((__u64)mt & 0xff) << 8) |
			  ((__u64)gfp << 32));
}

/*
 * Rescue.  The kernel runs a raw tracepoint program at most once at a
 * time per CPU (__bpf_trace_run(): prog->active): a free in an interrupt
 * that arrives while the same program runs on that CPU -- an RCU callback
 * or a network completion in the softirq on the interrupt's exit,
 * freeing pages and slab objects -- is not shown to it, only counted
 * (bpf_prog_info.recursion_misses).  So each free program has a twin on
 * the same tracepoint, a program of its own (its own prog->active) that
 * the kernel calls right after the primary (attached in that order) and
 * that records the events the primary did not see.  The primary notes
 * the event it saw first thing (its key: the page or object pointer) in
 * a few per-CPU slots; the twin looks for its own event's key there and
 * takes it out: found, the primary saw the event; not found, the kernel
 * kept it from the primary, and the twin records it (rescued).  A flag
 * the primary held around its body (the first twins) missed the
 * kernel's own instructions before and after the body, where
 * prog->active is already or still set: page_free's body is short, and
 * 38 of 52 misses in a 60 s scenario run went there.  What the slots
 * miss: an interrupt inside the twin while it rescues (a third level,
 * which the primary's miss that was not rescued counts), and more than
 * MMTR_TWIN_SLOTS nested frees the primary saw while the twin of an
 * outer one had not yet run (the twin then records a seen event again).
 * The loader reports misses minus rescues as lost; a twin's own misses
 * are no loss (the primary ran for those).  The frees only: no
 * allocation program has missed an event in any run here, and a twin
 * costs every event of its tracepoint a program run (~15 ns).
 */
static __always_inline void primary_saw(int i, __u64 key)
{
	struct cpu_state *c = cpu_state(bpf_get_smp_processor_id());
	__u8 n = c->seen_n[i & (MMTR_NR_TWINS - 1)];

	/* no other primary i runs on this CPU meanwhile (prog->active) */
	c->seen[i & (MMTR_NR_TWINS - 1)][n & (MMTR_TWIN_SLOTS - 1)] = key + 1;
	asm volatile("" ::: "memory");
	c->seen_n[i & (MMTR_NR_TWINS - 1)] = n + 1;
}

/* The twin: go on only when the primary did not see this event. */
static __always_inline int twin_needed(int i, __u64 key)
{
	struct cpu_state *c = cpu_state(bpf_get_smp_processor_id());
	__u8 n = c->seen_n[i & (MMTR_NR_TWINS - 1)];

	for (int j = 1; j <= MMTR_TWIN_SLOTS; j++) {
		__u64 *slot = &c->seen[i & (MMTR_NR_TWINS - 1)][(n - j) & (MMTR_TWIN_SLOTS - 1)];

		if (*slot == key + 1) {
			*slot = 0;
			return 0;
		}
	}
	c->rescued[i & (MMTR_NR_TWINS - 1)]++;
	return 1;
}

SEC("raw_tp/mm_page_free")
int BPF_PROG(page_free, void *page, unsigned int order)
{
	primary_saw(MMTR_IN_PAGE_FREE, (__u64)page);
	return page_free_event((__u64)page, order);
}

/*
 * Census: the twin also counts every page free it sees while recording
 * (those page_free_event() would record, filters alike).  The loader
 * compares the count, plus the twin's own misses, with the PAGE_FREE
 * records it got: a free the programs saw but the trace lacks is then a
 * counted loss, not a silent one (collector/README "Known gaps").  A plain
 * increment: the twin never runs twice at once on a CPU (prog->active).
 */
static __always_inline void free_census(void)
{
	__u32 tgid;

	if (running() && !store_only && !skip_task(1, &tgid))
		cpu_state(bpf_get_smp_processor_id())->free_census++;
}

SEC("raw_tp/mm_page_free")
int BPF_PROG(page_free_twin, void *page, unsigned int order)
{
	free_census();
	if (!twin_needed(MMTR_IN_PAGE_FREE, (__u64)page))
		return KEEP;
	return page_free_event((__u64)page, order);
}

SEC("raw_tp/mm_page_free_batched")
int BPF_PROG(page_free_batched, void *page)
{
	return page_event(MMT_EV_PAGE_FREE, (__u64)page, 1 << 8);
}

SEC("raw_tp/mm_page_alloc_zone_locked")
int BPF_PROG(pcp_refill, void *page, unsigned int order, int mt,
	     int percpu_refill)
{
	return page_event(MMT_EV_PCP_REFILL, (__u64)page,
			  (order & 0xff) | (((__u64)mt & 0xff) << 8) |
			  (((__u64)percpu_refill & 0xff) << 16));
}

SEC("raw_tp/mm_page_pcpu_drain")
int BPF_PROG(pcp_drain, void *page, unsigned int order, int mt)
{
	return page_event(MMT_EV_PCP_DRAIN, (__u64)page,
			  (order & 0xff) | (((__u64)mt & 0xff) << 8));
}

SEC("tp/kmem/mm_page_alloc_extfrag")
int extfrag(struct trace_event_raw_mm_page_alloc_extfrag *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit(MMT_EV_EXTFRAG, BPF_CORE_READ(ctx, pfn),
		    (BPF_CORE_READ(ctx, alloc_order) & 0xff) |
		    ((__u64)(BPF_CORE_READ(ctx, fallback_order) & 0xff) << 8) |
		    ((__u64)(BPF_CORE_READ(ctx, alloc_migratetype) & 0xff) << 16) |
		    ((__u64)(BPF_CORE_READ(ctx, fallback_migratetype) & 0xff) << 24) |
		    ((__u64)(BPF_CORE_READ(ctx, change_ownership) & 0xff) << 32), tgid);
}

/* ---- slab --------------------------------------------------------------- */

/* Before 6.1 kmalloc/kmem_cache_alloc took (site, ptr, req, alloc, gfp). */
static __always_inline int old_kmem_layout(void)
{
	return bpf_core_type_exists(struct trace_event_raw_kmem_alloc);
}

SEC("raw_tp/kmalloc")
int kmalloc(__u64 *ctx)
{
	__u32 tgid;
	__u64 node = (__u32)-1, gfp;

	if (!running() || skip_task(0, &tgid))
		return KEEP;
	gfp = (__u32)ctx[4];
	if (!old_kmem_layout())
		node = (__u32)ctx[5];
	return emit_x(MMT_EV_KMALLOC, ctx[0], ctx[1],
		      (ctx[2] & 0xffffffff) | (ctx[3] << 32), gfp | (node << 32), tgid);
}

/* Id of a cache, sending its name the first time it is seen. */
static __always_inline __u32 cache_id(struct kmem_cache *s)
{
	__u64 key = (__u64)s;
	__u32 *idp = bpf_map_lookup_elem(&cache_ids, &key);
	struct mmtr_cache_name *n;
	void *ring;
	__u32 id;

	if (idp)
		return *idp;
	id = __sync_fetch_and_add(&next_cache_id, 1);
	if (bpf_map_update_elem(&cache_ids, &key, &id, BPF_NOEXIST)) {
		idp = bpf_map_lookup_elem(&cache_ids, &key);
		return idp ? *idp : MMTR_CACHE_UNKNOWN;
	}
	n = reserve(sizeof(*n), MMTR_CACHE_NAME, &ring, cur_tgid());
	if (!n) {
		/* The id exists but its name never arrives: the loader maps
		 * it to "unknown"; the loss itself is counted. */
		return id;
	}
	n->e.a = id;
	n->e.b = BPF_CORE_READ(s, object_size) |
		 ((__u64)BPF_CORE_READ(s, size) << 32);
	bpf_probe_read_kernel_str(n->name, sizeof(n->name),
				  BPF_CORE_READ(s, name));
	submit(n, ring);
	return id;
}

SEC("raw_tp/kmem_cache_alloc")
int kmem_cache_alloc(__u64 *ctx)
{
	__u32 tgid;
	__u64 c, node;

	if (!running() || skip_task(0, &tgid))
		return KEEP;
	if (old_kmem_layout())
		return emit_x(MMT_EV_KMEM_CACHE_ALLOC, ctx[0], ctx[1],
			      MMTR_CACHE_UNKNOWN, (__u32)ctx[4] |
			      ((__u64)(__u32)-1 << 32), tgid);
	c = cache_id((struct kmem_cache *)ctx[2]);
	node = (__u32)ctx[4];
	return emit_x(MMT_EV_KMEM_CACHE_ALLOC, ctx[0], ctx[1], c,
		      (__u32)ctx[3] | (node << 32), tgid);
}

/* ZERO_OR_NULL_PTR(): kfree() fires its tracepoint before it returns on
 * NULL and ZERO_SIZE_PTR (16, a kmalloc(0)), which free nothing. */
#define ZERO_SIZE_PTR 16

static __always_inline int kfree_event(__u64 *ctx)
{
	__u32 tgid;

	if (ctx[1] <= ZERO_SIZE_PTR || !running() || skip_task(0, &tgid))
		return KEEP;
	return emit(MMT_EV_KFREE, ctx[0], ctx[1], tgid);
}

SEC("raw_tp/kfree")
int kfree(__u64 *ctx)
{
	primary_saw(MMTR_IN_KFREE, ctx[1]);
	return kfree_event(ctx);
}

SEC("raw_tp/kfree")
int kfree_twin(__u64 *ctx)
{
	return twin_needed(MMTR_IN_KFREE, ctx[1]) ? kfree_event(ctx) : KEEP;
}

static __always_inline int kmem_cache_free_event(__u64 *ctx)
{
	__u32 tgid;
	__u64 c = MMTR_CACHE_UNKNOWN;

	if (!running() || skip_task(0, &tgid))
		return KEEP;
	/* 5.12..6.0 passed the cache's name here, not the cache. */
	if (!old_kmem_layout())
		c = cache_id((struct kmem_cache *)ctx[2]);
	return emit_x(MMT_EV_KMEM_CACHE_FREE, ctx[0], ctx[1], c, 0, tgid);
}

SEC("raw_tp/kmem_cache_free")
int kmem_cache_free(__u64 *ctx)
{
	primary_saw(MMTR_IN_CACHE_FREE, ctx[1]);
	return kmem_cache_free_event(ctx);
}

SEC("raw_tp/kmem_cache_free")
int kmem_cache_free_twin(__u64 *ctx)
{
	return twin_needed(MMTR_IN_CACHE_FREE, ctx[1]) ?
	       kmem_cache_free_event(ctx) : KEEP;
}

/* ---- faults --------------------------------------------------------------- */

/* tp_btf: regs is a BTF-typed pointer, so regs->ip is a direct load
 * instead of a bpf_probe_read_kernel() call (about 40 ns less per fault). */
static __always_inline int fault(__u16 kind, __u64 addr, struct pt_regs *regs,
				 __u64 err)
{
	__u32 tgid;
	if (!running())
		return KEEP;
	if (store_only)
		return store_args(addr, regs->ip);
	if (skip_task(0, &tgid))
		return KEEP;
	return emit_x(kind, addr, regs->ip, err, 0, tgid);
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(fault_user, unsigned long addr, struct pt_regs *regs,
	     unsigned long err)
{
	return fault(MMT_EV_FAULT_USER, addr, regs, err);
}

SEC("tp_btf/page_fault_kernel")
int BPF_PROG(fault_kernel, unsigned long addr, struct pt_regs *regs,
	     unsigned long err)
{
	return fault(MMT_EV_FAULT_KERNEL, addr, regs, err);
}

/* ---- classic fallbacks of the hot events ----------------------------------
 * Loaded always, attached only where the raw/BTF program above could not
 * be (the loader decides); they see pfns, not struct page pointers. */

static __always_inline int page_event_pfn(__u16 kind, __u64 pfn, __u64 b)
{
	__u32 tgid;
	if (!running())
		return KEEP;
	if (store_only)
		return store_args(pfn, b | kind);
	if (skip_task(1, &tgid))
		return KEEP;
	return emit(kind, pfn, b, tgid);
}

SEC("tp/kmem/mm_page_alloc")
int page_alloc_tp(struct trace_event_raw_mm_page_alloc *ctx)
{
	return page_event_pfn(MMT_EV_PAGE_ALLOC, BPF_CORE_READ(ctx, pfn),
			      (BPF_CORE_READ(ctx, order) & 0xff) |
			      (((__u64)BPF_CORE_READ(ctx, migratetype) & 0xff) << 8) |
			      ((__u64)(__u32)BPF_CORE_READ(ctx, gfp_flags) << 32));
}

SEC("tp/kmem/mm_page_free")
int page_free_tp(struct trace_event_raw_mm_page_free *ctx)
{
	return page_event_pfn(MMT_EV_PAGE_FREE, BPF_CORE_READ(ctx, pfn),
			      BPF_CORE_READ(ctx, order) & 0xff);
}

SEC("tp/kmem/mm_page_alloc_zone_locked")
int pcp_refill_tp(struct trace_event_raw_mm_page *ctx)
{
	return page_event_pfn(MMT_EV_PCP_REFILL, BPF_CORE_READ(ctx, pfn),
			      (BPF_CORE_READ(ctx, order) & 0xff) |
			      (((__u64)BPF_CORE_READ(ctx, migratetype) & 0xff) << 8) |
			      (((__u64)BPF_CORE_READ(ctx, percpu_refill) & 0xff) << 16));
}

SEC("tp/kmem/mm_page_pcpu_drain")
int pcp_drain_tp(struct trace_event_raw_mm_page_pcpu_drain *ctx)
{
	return page_event_pfn(MMT_EV_PCP_DRAIN, BPF_CORE_READ(ctx, pfn),
			      (BPF_CORE_READ(ctx, order) & 0xff) |
			      (((__u64)BPF_CORE_READ(ctx, migratetype) & 0xff) << 8));
}

static __always_inline int fault_tp(__u16 kind, struct trace_event_raw_exceptions *ctx)
{
	__u32 tgid;
	if (!running())
		return KEEP;
	if (store_only)
		return store_args(BPF_CORE_READ(ctx, address), BPF_CORE_READ(ctx, ip));
	if (skip_task(0, &tgid))
		return KEEP;
	return emit_x(kind, BPF_CORE_READ(ctx, address), BPF_CORE_READ(ctx, ip),
		      BPF_CORE_READ(ctx, error_code), 0, tgid);
}

SEC("tp/exceptions/page_fault_user")
int fault_user_tp(struct trace_event_raw_exceptions *ctx)
{
	return fault_tp(MMT_EV_FAULT_USER, ctx);
}

SEC("tp/exceptions/page_fault_kernel")
int fault_kernel_tp(struct trace_event_raw_exceptions *ctx)
{
	return fault_tp(MMT_EV_FAULT_KERNEL, ctx);
}

/* ---- reclaim, compaction, migration, page cache ----------------------------
 * Rare events (classic tracepoints, whose records hold pfns and file
 * identities already), except where a C argument is needed: the struct
 * compact_control * of compaction begin/end (raw_tp).  Begin/end pairs read
 * the clock exactly (their durations are calibrated from).  Those that
 * open or close a context also mark the task (see "whose free it is"). */

/* Begin/end of direct and memcg limit reclaim: the event, and the bit that
 * makes the task's frees meanwhile that reclaimer's. */
static __always_inline int reclaim_begin(__u16 kind, __u32 bit,
		struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	__u32 tgid;
	if (!running())
		return KEEP;
	ctx_enter(bit);
	if (skip_task(1, &tgid))
		return KEEP;
	return emit_exact(kind, (__u32)BPF_CORE_READ(ctx, order),
			  BPF_CORE_READ(ctx, gfp_flags), tgid);
}

static __always_inline int reclaim_end(__u16 kind, __u32 bit,
		struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	__u32 tgid;
	if (!running())
		return KEEP;
	ctx_leave(bit | TC_EVICT);
	if (skip_task(1, &tgid))
		return KEEP;
	return emit_exact(kind, BPF_CORE_READ(ctx, nr_reclaimed), 0, tgid);
}

SEC("tp/vmscan/mm_vmscan_direct_reclaim_begin")
int direct_reclaim_begin(struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	return reclaim_begin(MMT_EV_DIRECT_RECLAIM_BEGIN, TC_DIRECT, ctx);
}

SEC("tp/vmscan/mm_vmscan_direct_reclaim_end")
int direct_reclaim_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	return reclaim_end(MMT_EV_DIRECT_RECLAIM_END, TC_DIRECT, ctx);
}

SEC("tp/vmscan/mm_vmscan_memcg_reclaim_begin")
int memcg_reclaim_begin(struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	return reclaim_begin(MMT_EV_MEMCG_RECLAIM_BEGIN, TC_MEMCG, ctx);
}

SEC("tp/vmscan/mm_vmscan_memcg_reclaim_end")
int memcg_reclaim_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	return reclaim_end(MMT_EV_MEMCG_RECLAIM_END, TC_MEMCG, ctx);
}

SEC("tp/vmscan/mm_vmscan_node_reclaim_begin")
int node_reclaim_begin(struct trace_event_raw_mm_vmscan_node_reclaim_begin *ctx)
{
	__u32 tgid;
	if (!running())
		return KEEP;
	ctx_enter(TC_NODE);
	if (skip_task(1, &tgid))
		return KEEP;
	return emit_exact(MMT_EV_NODE_RECLAIM_BEGIN,
		    (__u32)BPF_CORE_READ(ctx, order) |
		    ((__u64)(__u32)BPF_CORE_READ(ctx, nid) << 32),
		    BPF_CORE_READ(ctx, gfp_flags), tgid);
}

SEC("tp/vmscan/mm_vmscan_node_reclaim_end")
int node_reclaim_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	return reclaim_end(MMT_EV_NODE_RECLAIM_END, TC_NODE, ctx);
}

/* isolate_lru_folios() of an inactive list opens shrink_folio_list(): its
 * frees are evictions until mm_vmscan_lru_shrink_inactive.  Only tasks of
 * a reclaimer (PF_CONTEXT) get there; no event of its own (the shrink
 * event counts the same pages). */
#define LRU_INACTIVE_ANON 0
#define LRU_INACTIVE_FILE 2

SEC("tp/vmscan/mm_vmscan_lru_isolate")
int lru_isolate(struct trace_event_raw_mm_vmscan_lru_isolate *ctx)
{
	int lru;

	if (!running())
		return KEEP;
	lru = BPF_CORE_READ(ctx, lru);
	if (lru == LRU_INACTIVE_ANON || lru == LRU_INACTIVE_FILE)
		ctx_enter(TC_EVICT);
	return KEEP;
}

SEC("tp/vmscan/mm_vmscan_lru_shrink_inactive")
int lru_shrink_inactive(struct trace_event_raw_mm_vmscan_lru_shrink_inactive *ctx)
{
	__u32 tgid;
	__u64 act;

	if (!running())
		return KEEP;
	ctx_leave(TC_EVICT);
	if (skip_task(1, &tgid))
		return KEEP;
	act = (__u64)BPF_CORE_READ(ctx, nr_activate0) + BPF_CORE_READ(ctx, nr_activate1);
	return emit_xt(MMT_EV_LRU_SHRINK_INACTIVE,
		       (__u32)BPF_CORE_READ(ctx, nid) |
		       ((__u64)(__u32)BPF_CORE_READ(ctx, priority) << 32),
		       BPF_CORE_READ(ctx, nr_scanned), BPF_CORE_READ(ctx, nr_reclaimed),
		       (BPF_CORE_READ(ctx, nr_dirty) & 0xffff) |
		       ((BPF_CORE_READ(ctx, nr_writeback) & 0xffff) << 16) |
		       ((act & 0xffff) << 32) |
		       ((__u64)(BPF_CORE_READ(ctx, reclaim_flags) & 0xffff) << 48), 0, tgid);
}

SEC("tp/vmscan/mm_vmscan_lru_shrink_active")
int lru_shrink_active(struct trace_event_raw_mm_vmscan_lru_shrink_active *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_xt(MMT_EV_LRU_SHRINK_ACTIVE,
		       (__u32)BPF_CORE_READ(ctx, nid) |
		       ((__u64)(__u32)BPF_CORE_READ(ctx, priority) << 32),
		       BPF_CORE_READ(ctx, nr_taken), BPF_CORE_READ(ctx, nr_deactivated),
		       (BPF_CORE_READ(ctx, nr_referenced) & 0xffffffffffffull) |
		       ((__u64)(BPF_CORE_READ(ctx, reclaim_flags) & 0xffff) << 48), 0, tgid);
}

SEC("tp/vmscan/mm_shrink_slab_end")
int shrink_slab_end(struct trace_event_raw_mm_shrink_slab_end *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_xt(MMT_EV_SHRINK_SLAB,
		       (__u32)BPF_CORE_READ(ctx, nid) |
		       ((__u64)(__u32)BPF_CORE_READ(ctx, new_scan) << 32),
		       (__u64)BPF_CORE_READ(ctx, shrink),
		       (__u64)(__s64)BPF_CORE_READ(ctx, retval),
		       (__u64)BPF_CORE_READ(ctx, total_scan), 0, tgid);
}

SEC("tp/vmscan/mm_vmscan_write_folio")
int write_folio(struct trace_event_raw_mm_vmscan_write_folio *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit(MMT_EV_WRITE_FOLIO, BPF_CORE_READ(ctx, pfn),
		    (__u32)BPF_CORE_READ(ctx, reclaim_flags), tgid);
}

SEC("tp/vmscan/mm_vmscan_throttled")
int vmscan_throttled(struct trace_event_raw_mm_vmscan_throttled *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_exact(MMT_EV_VMSCAN_THROTTLED,
			  (__u32)BPF_CORE_READ(ctx, nid) |
			  ((__u64)(__u32)BPF_CORE_READ(ctx, reason) << 32),
			  (__u32)BPF_CORE_READ(ctx, usec_timeout) |
			  ((__u64)(__u32)BPF_CORE_READ(ctx, usec_delayed) << 32), tgid);
}

static __always_inline __u64 nid_zid_order(int nid, int zid, int order)
{
	return ((__u64)nid & 0xffff) | (((__u64)zid & 0xffff) << 16) |
	       ((__u64)(__u32)order << 32);
}

SEC("tp/vmscan/mm_vmscan_kswapd_wake")
int kswapd_wake(struct trace_event_raw_mm_vmscan_kswapd_wake *ctx)
{
	if (!recording())
		return KEEP;
	return emit_exact(MMT_EV_KSWAPD_WAKE,
		    nid_zid_order(BPF_CORE_READ(ctx, nid), BPF_CORE_READ(ctx, zid),
				  BPF_CORE_READ(ctx, order)), 0, cur_tgid());
}

SEC("tp/vmscan/mm_vmscan_kswapd_sleep")
int kswapd_sleep(struct trace_event_raw_mm_vmscan_kswapd_sleep *ctx)
{
	if (!recording())
		return KEEP;
	return emit_exact(MMT_EV_KSWAPD_SLEEP, (__u32)BPF_CORE_READ(ctx, nid), 0, cur_tgid());
}

SEC("tp/vmscan/mm_vmscan_wakeup_kswapd")
int wakeup_kswapd(struct trace_event_raw_mm_vmscan_wakeup_kswapd *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_exact(MMT_EV_WAKEUP_KSWAPD,
		    nid_zid_order(BPF_CORE_READ(ctx, nid), BPF_CORE_READ(ctx, zid),
				  BPF_CORE_READ(ctx, order)),
		    BPF_CORE_READ(ctx, gfp_flags), tgid);
}

/*
 * Compaction.  compact_zone() fires mm_compaction_begin/end with its
 * struct compact_control: the raw_tp programs keep the task in TC_COMPACT
 * meanwhile and tag both events with the thread, which the loader keys
 * the isolated pages of that compaction by.  The classic programs below
 * them stand in where raw tracepoints are unavailable (no thread, no
 * isolation events then).
 */
static __always_inline int compaction_event(__u16 kind, struct compact_control *cc,
					    __u64 zone_start, __u64 zone_end,
					    int sync, int status)
{
	__u32 tgid;
	__u64 mig = 0, fre = 0;

	if (skip_task(1, &tgid))
		return KEEP;
	bpf_core_read(&mig, sizeof(mig), &cc->migrate_pfn);
	bpf_core_read(&fre, sizeof(fre), &cc->free_pfn);
	return emit_xt(kind, zone_start, zone_end,
		       (mig & 0xffffffffffull) | ((__u64)(cur_tid() & 0xffffff) << 40),
		       (fre & 0xffffffffffffull) | ((__u64)(status & 0xff) << 48) |
		       ((__u64)(sync & 1) << 63), 1, tgid);
}

SEC("raw_tp/mm_compaction_begin")
int BPF_PROG(compaction_begin, struct compact_control *cc,
	     unsigned long zone_start, unsigned long zone_end, bool sync)
{
	struct task_ctx *c;

	if (!running())
		return KEEP;
	c = ctx_of(1);
	if (c) {
		c->cc = (__u64)cc;
		c->bits |= TC_COMPACT;
	}
	return compaction_event(MMT_EV_COMPACTION_BEGIN, cc, zone_start, zone_end,
				sync, 0);
}

SEC("raw_tp/mm_compaction_end")
int BPF_PROG(compaction_end, struct compact_control *cc,
	     unsigned long zone_start, unsigned long zone_end, bool sync,
	     int status)
{
	if (!running())
		return KEEP;
	ctx_leave(TC_COMPACT | TC_MIGRATE);
	return compaction_event(MMT_EV_COMPACTION_END, cc, zone_start, zone_end,
				sync, status);
}

SEC("tp/compaction/mm_compaction_begin")
int compaction_begin_tp(struct trace_event_raw_mm_compaction_begin *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_xt(MMT_EV_COMPACTION_BEGIN, BPF_CORE_READ(ctx, zone_start),
		      BPF_CORE_READ(ctx, zone_end), BPF_CORE_READ(ctx, migrate_pfn),
		      (BPF_CORE_READ(ctx, free_pfn) & 0xffffffffffffull) |
		      ((__u64)(BPF_CORE_READ(ctx, sync) & 1) << 63), 1, tgid);
}

SEC("tp/compaction/mm_compaction_end")
int compaction_end_tp(struct trace_event_raw_mm_compaction_end *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_xt(MMT_EV_COMPACTION_END, BPF_CORE_READ(ctx, zone_start),
		      BPF_CORE_READ(ctx, zone_end), BPF_CORE_READ(ctx, migrate_pfn),
		      (BPF_CORE_READ(ctx, free_pfn) & 0xffffffffffffull) |
		      ((__u64)(BPF_CORE_READ(ctx, status) & 0xff) << 48) |
		      ((__u64)(BPF_CORE_READ(ctx, sync) & 1) << 63), 1, tgid);
}

SEC("tp/compaction/mm_compaction_try_to_compact_pages")
int compact_try(struct trace_event_raw_mm_compaction_try_to_compact_pages *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_exact(MMT_EV_COMPACT_TRY, (__u32)BPF_CORE_READ(ctx, order) |
		    ((__u64)(__u32)BPF_CORE_READ(ctx, prio) << 32),
		    BPF_CORE_READ(ctx, gfp_mask), tgid);
}

/*
 * The free blocks compaction isolates.  __isolate_free_page() fires no
 * tracepoint, but the pass that called it does (isolate_freepages_block()
 * ends with mm_compaction_isolate_freepages, fast_isolate_freepages() with
 * mm_compaction_fast_isolate_freepages), and every block it took is on
 * cc->freepages[order], appended at the tail (list_add_tail; the splits of
 * compaction_alloc() and the returns of compaction_free() go to the head).
 * So each order's list is read from its tail backwards while the blocks
 * lie in the pass's pfn range: a block from an earlier pass can be read
 * again (the loader keeps the blocks of each compaction and drops those
 * it has, or that lie inside one it has); a block of this pass is never
 * missed unless a list holds more than ISO_MAX of them (counted).  A pass
 * scans one pageblock (isolate_freepages() calls isolate_freepages_block()
 * per pageblock, fast_isolate_around() on one): at most 256 blocks, as
 * two free buddies of an order would have merged, and as many again from
 * an earlier pass over the same pageblock (64 cut 2 passes of 52,000 in
 * a 30 s pressure run: blocks missing from the trace).
 * The fast search takes at most one block (the first found, order
 * log2(nr_taken)), anywhere in the zone: the tail of that order's list.
 */
#define ISO_MAX MMTR_ISO_MAX
#define NR_ORDERS 11

struct iso_walk {
	__u64 head, node, lo, hi, off_lru, list0;
	__u32 order, last, n, max, by, tgid, tid, cut;
};

__u64 iso_cut;		/* walks that stopped at ISO_MAX (a block may be missed) */
__u64 vmemmap_base;	/* set by the loader after calibration */

static __always_inline void iso_order(struct iso_walk *w, __u32 order)
{
	w->order = order;
	w->n = 0;
	w->head = w->list0 + (__u64)order * sizeof(struct list_head);
	w->node = 0;
	bpf_probe_read_kernel(&w->node, sizeof(w->node),
			      (void *)(w->head + 8));	/* list_head.prev */
}

static int iso_step(__u32 i, struct iso_walk *w)
{
	__u64 page, pfn, psize = bpf_core_type_size(struct page);

	if (!w->node || w->node == w->head || w->n >= w->max) {
		if (w->n >= w->max)
			w->cut = 1;
		if (w->order >= w->last)
			return 1;
		iso_order(w, w->order + 1);
		return 0;
	}
	page = w->node - w->off_lru;
	pfn = page >= vmemmap_base && psize ? (page - vmemmap_base) / psize : ~0ull;
	if (pfn < w->lo || pfn >= w->hi) {
		/* older blocks from here on */
		if (w->order >= w->last)
			return 1;
		iso_order(w, w->order + 1);
		return 0;
	}
	w->n++;
	emit(MMT_EV_COMPACT_ISOLATE | MMTR_KIND_PAGEPTR, page,
	     w->order | ((__u64)w->by << 8) | ((__u64)w->tid << 32), w->tgid);
	if (bpf_probe_read_kernel(&w->node, sizeof(w->node),
				  (void *)(w->node + 8)))
		w->node = 0;
	return 0;
}

static __always_inline int isolate_pass(struct trace_event_raw_mm_compaction_isolate_template *ctx,
					int fast)
{
	struct iso_walk w = {};
	struct task_ctx *c;
	__u64 cc, taken, lo, hi;
	__u32 tgid, exact;

	if (!running() || skip_task(1, &tgid))
		return KEEP;
	c = ctx_of(0);
	/* the compact_control the raw begin program kept */
	cc = c && (c->bits & TC_COMPACT) ? c->cc : 0;
	exact = cc && vmemmap_base;
	lo = BPF_CORE_READ(ctx, start_pfn);
	hi = BPF_CORE_READ(ctx, end_pfn);
	taken = BPF_CORE_READ(ctx, nr_taken);
	/* the thread beside nr_taken: the loader checks that the blocks
	 * written for the pass add up to it */
	emit_x(MMT_EV_COMPACT_SCAN, lo, hi,
	       (BPF_CORE_READ(ctx, nr_scanned) & 0xffffffffffffffull) |
	       ((__u64)(fast ? 2 : 1) << 56) | ((__u64)exact << 60),
	       (taken & 0xffffffffffull) | ((__u64)(cur_tid() & 0xffffff) << 40), tgid);
	if (!exact || !taken)
		return KEEP;
	w.list0 = cc + bpf_core_field_offset(struct compact_control, freepages);
	w.off_lru = bpf_core_field_offset(struct page, lru);
	w.tgid = tgid;
	w.tid = cur_tid() & 0xffffff;
	w.by = fast;
	if (fast) {
		__u32 o = 0;

		while (o < NR_ORDERS - 1 && (1ull << o) < taken)
			o++;
		w.lo = 0;
		w.hi = ~0ull;
		w.last = o;
		w.max = 1;	/* the tail block only: the one before is older */
		iso_order(&w, o);
		bpf_loop(2, iso_step, &w, 0);
		return KEEP;
	}
	w.lo = lo;
	w.hi = hi;
	w.last = NR_ORDERS - 1;
	w.max = ISO_MAX;
	iso_order(&w, 0);
	/* a step reads a block or moves to the next order */
	if (bpf_loop(2 * ISO_MAX + NR_ORDERS, iso_step, &w, 0) >= 2 * ISO_MAX + NR_ORDERS)
		w.cut = 1;
	if (w.cut)
		__sync_fetch_and_add(&iso_cut, 1);
	return KEEP;
}

SEC("tp/compaction/mm_compaction_isolate_freepages")
int isolate_freepages(struct trace_event_raw_mm_compaction_isolate_template *ctx)
{
	return isolate_pass(ctx, 0);
}

SEC("tp/compaction/mm_compaction_fast_isolate_freepages")
int fast_isolate_freepages(struct trace_event_raw_mm_compaction_isolate_template *ctx)
{
	return isolate_pass(ctx, 1);
}

SEC("tp/compaction/mm_compaction_isolate_migratepages")
int isolate_migratepages(struct trace_event_raw_mm_compaction_isolate_template *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_x(MMT_EV_COMPACT_SCAN, BPF_CORE_READ(ctx, start_pfn),
		      BPF_CORE_READ(ctx, end_pfn),
		      BPF_CORE_READ(ctx, nr_scanned) & 0xffffffffffffffull,
		      (BPF_CORE_READ(ctx, nr_taken) & 0xffffffffffull) |
		      ((__u64)(cur_tid() & 0xffffff) << 40), tgid);
}

SEC("tp/compaction/mm_compaction_migratepages")
int compaction_migratepages(struct trace_event_raw_mm_compaction_migratepages *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit(MMT_EV_COMPACT_MIGRATEPAGES, BPF_CORE_READ(ctx, nr_migrated),
		    BPF_CORE_READ(ctx, nr_failed), tgid);
}

static __always_inline int suitable_event(__u16 kind,
		struct trace_event_raw_mm_compaction_suitable_template *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit(kind, nid_zid_order(BPF_CORE_READ(ctx, nid), BPF_CORE_READ(ctx, idx),
					BPF_CORE_READ(ctx, order)),
		    (__u32)BPF_CORE_READ(ctx, ret), tgid);
}

SEC("tp/compaction/mm_compaction_suitable")
int compaction_suitable(struct trace_event_raw_mm_compaction_suitable_template *ctx)
{
	return suitable_event(MMT_EV_COMPACT_SUITABLE, ctx);
}

SEC("tp/compaction/mm_compaction_finished")
int compaction_finished(struct trace_event_raw_mm_compaction_suitable_template *ctx)
{
	return suitable_event(MMT_EV_COMPACT_FINISHED, ctx);
}

static __always_inline int defer_event(int which,
		struct trace_event_raw_mm_compaction_defer_template *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(1, &tgid))
		return KEEP;
	return emit_x(MMT_EV_COMPACT_DEFER,
		      nid_zid_order(BPF_CORE_READ(ctx, nid), BPF_CORE_READ(ctx, idx),
				    BPF_CORE_READ(ctx, order)),
		      which | ((__u64)(__u32)BPF_CORE_READ(ctx, order_failed) << 32),
		      BPF_CORE_READ(ctx, considered), BPF_CORE_READ(ctx, defer_shift), tgid);
}

SEC("tp/compaction/mm_compaction_deferred")
int compaction_deferred(struct trace_event_raw_mm_compaction_defer_template *ctx)
{
	return defer_event(0, ctx);
}

SEC("tp/compaction/mm_compaction_defer_compaction")
int compaction_defer(struct trace_event_raw_mm_compaction_defer_template *ctx)
{
	return defer_event(1, ctx);
}

SEC("tp/compaction/mm_compaction_defer_reset")
int compaction_defer_reset(struct trace_event_raw_mm_compaction_defer_template *ctx)
{
	return defer_event(2, ctx);
}

static __always_inline int kcompactd_event(int which,
		struct trace_event_raw_kcompactd_wake_template *ctx)
{
	if (!recording())
		return KEEP;
	return emit_exact(MMT_EV_KCOMPACTD_WAKE,
			  nid_zid_order(BPF_CORE_READ(ctx, nid),
					BPF_CORE_READ(ctx, highest_zoneidx),
					BPF_CORE_READ(ctx, order)), which, cur_tgid());
}

SEC("tp/compaction/mm_compaction_wakeup_kcompactd")
int wakeup_kcompactd(struct trace_event_raw_kcompactd_wake_template *ctx)
{
	return kcompactd_event(0, ctx);
}

SEC("tp/compaction/mm_compaction_kcompactd_wake")
int kcompactd_wake(struct trace_event_raw_kcompactd_wake_template *ctx)
{
	return kcompactd_event(1, ctx);
}

SEC("tp/compaction/mm_compaction_kcompactd_sleep")
int kcompactd_sleep(struct trace_event_raw_mm_compaction_kcompactd_sleep *ctx)
{
	if (!recording())
		return KEEP;
	return emit_exact(MMT_EV_KCOMPACTD_SLEEP, (__u32)BPF_CORE_READ(ctx, nid), 0,
			  cur_tgid());
}

/*
 * Migration.  migrate_pages() opens TC_MIGRATE.  A page that was mapped
 * gets its new page table entry from remove_migration_pte/pmd, in the
 * migrating task, right before the source is freed (migrate_folio_move():
 * remove_migration_ptes(), then migrate_folio_done()): the target's pfn
 * waits in the task's context and pairs with the next source free of the
 * same order (cur_cause()).
 */
SEC("tp/migrate/mm_migrate_pages_start")
int migrate_begin(struct trace_event_raw_mm_migrate_pages_start *ctx)
{
	struct task_ctx *c;
	__u32 tgid;

	if (!running())
		return KEEP;
	c = ctx_of(1);
	if (c) {
		c->dst = 0;
		c->reason = (__u32)BPF_CORE_READ(ctx, reason);
		if (!(cur_task()->flags & PF_CONTEXT) && !(c->bits & TC_PLAIN)) {
			c->bits |= TC_PLAIN;
			__sync_fetch_and_add(&plain_tasks, 1);
		}
		c->bits |= TC_MIGRATE;
	}
	if (skip_task(1, &tgid))
		return KEEP;
	return emit_exact(MMT_EV_MIGRATE_BEGIN, (__u32)BPF_CORE_READ(ctx, mode) |
			  ((__u64)(__u32)BPF_CORE_READ(ctx, reason) << 32), 0, tgid);
}

SEC("tp/migrate/mm_migrate_pages")
int migrate_end(struct trace_event_raw_mm_migrate_pages *ctx)
{
	struct task_ctx *c;
	__u32 tgid;

	if (!running())
		return KEEP;
	c = ctx_of(0);
	if (c) {
		if (c->bits & TC_PLAIN)
			__sync_fetch_and_add(&plain_tasks, -1);
		c->bits &= ~(TC_MIGRATE | TC_PLAIN);
		c->dst = 0;
	}
	if (skip_task(1, &tgid))
		return KEEP;
	return emit_xt(MMT_EV_MIGRATE_END, BPF_CORE_READ(ctx, succeeded),
		       BPF_CORE_READ(ctx, failed),
		       (BPF_CORE_READ(ctx, thp_succeeded) & 0xffffffff) |
		       (BPF_CORE_READ(ctx, thp_failed) << 32),
		       (BPF_CORE_READ(ctx, thp_split) & 0xffffff) |
		       ((BPF_CORE_READ(ctx, large_folio_split) & 0xffffff) << 24) |
		       ((__u64)(BPF_CORE_READ(ctx, mode) & 0xff) << 48) |
		       ((__u64)(BPF_CORE_READ(ctx, reason) & 0xff) << 56), 1, tgid);
}

/* x86-64: the pfn bits of a pte (PTE_PFN_MASK), inverted in a PROT_NONE
 * entry (L1TF, protnone_mask()); a huge pmd's low pfn bits hold PAT. */
#define PTE_PFN_MASK	0x000ffffffffff000ull
#define PMD_PFN_MASK	0x000fffffffe00000ull
#define PAGE_PRESENT	0x1ull
#define PAGE_PROTNONE	0x100ull

static __always_inline void note_target(__u64 v, __u64 mask, __u32 order)
{
	struct task_ctx *c = ctx_of(0);

	if (!c || !(c->bits & TC_MIGRATE))
		return;
	if ((v & (PAGE_PRESENT | PAGE_PROTNONE)) == PAGE_PROTNONE)
		v = ~v;
	c->dst = (1ull << 63) | ((__u64)(order & 0xff) << 48) | ((v & mask) >> 12);
}

SEC("tp/migrate/remove_migration_pte")
int remove_migration_pte(struct trace_event_raw_migration_pte *ctx)
{
	if (running())
		note_target(BPF_CORE_READ(ctx, pte), PTE_PFN_MASK,
			    (__u32)BPF_CORE_READ(ctx, order));
	return KEEP;
}

SEC("tp/thp/remove_migration_pmd")
int remove_migration_pmd(struct trace_event_raw_migration_pmd *ctx)
{
	if (running())	/* a PMD-mapped THP: order HPAGE_PMD_ORDER */
		note_target(BPF_CORE_READ(ctx, pmd), PMD_PFN_MASK, 9);
	return KEEP;
}

/* ---- page cache ---------------------------------------------------------- */

static __always_inline int filemap_event(__u16 kind,
		struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	__u64 tid, dst, cause = 0;
	__u32 tgid;

	if (!running() || skip_task(1, &tgid))
		return KEEP;
	if (kind == MMT_EV_FILEMAP_DEL)
		cause = cur_cause(&tid, &dst, ~0u);
	return emit_x(kind, BPF_CORE_READ(ctx, pfn),
		      BPF_CORE_READ(ctx, order) | ((cause & 0xff) << 8) |
		      ((__u64)BPF_CORE_READ(ctx, s_dev) << 32),
		      BPF_CORE_READ(ctx, i_ino), BPF_CORE_READ(ctx, index), tgid);
}

SEC("tp/filemap/mm_filemap_add_to_page_cache")
int filemap_add(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	return filemap_event(MMT_EV_FILEMAP_ADD, ctx);
}

SEC("tp/filemap/mm_filemap_delete_from_page_cache")
int filemap_del(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	return filemap_event(MMT_EV_FILEMAP_DEL, ctx);
}

static __always_inline int file_range(__u16 kind,
		struct trace_event_raw_mm_filemap_op_page_cache_range *ctx)
{
	__u32 tgid;
	if (!running() || skip_task(0, &tgid))
		return KEEP;
	return emit_x(kind, BPF_CORE_READ(ctx, s_dev), BPF_CORE_READ(ctx, i_ino),
		      BPF_CORE_READ(ctx, index), BPF_CORE_READ(ctx, last_index), tgid);
}

SEC("tp/filemap/mm_filemap_get_pages")
int file_read(struct trace_event_raw_mm_filemap_op_page_cache_range *ctx)
{
	return file_range(MMT_EV_FILE_READ, ctx);
}

SEC("tp/filemap/mm_filemap_map_pages")
int file_map(struct trace_event_raw_mm_filemap_op_page_cache_range *ctx)
{
	return file_range(MMT_EV_FILE_MAP, ctx);
}

SEC("tp/filemap/mm_filemap_fault")
int file_fault(struct trace_event_raw_mm_filemap_fault *ctx)
{
	__u32 tgid;
	__u64 index;

	if (!running() || skip_task(0, &tgid))
		return KEEP;
	index = BPF_CORE_READ(ctx, index);
	return emit_x(MMT_EV_FILE_FAULT, BPF_CORE_READ(ctx, s_dev),
		      BPF_CORE_READ(ctx, i_ino), index, index, tgid);
}

/* folio_account_dirtied(): a page-cache folio turned dirty.  The device
 * as the filemap tracepoints compute it (the superblock's, else the
 * inode's rdev); only the index of the folio's first page: its size is
 * known from its FILEMAP_ADD. */
SEC("tp_btf/writeback_dirty_folio")
int BPF_PROG(file_dirty, struct folio *folio, struct address_space *mapping)
{
	struct inode *host;
	struct super_block *sb;
	__u32 tgid, dev;
	__u64 index;

	if (!running() || skip_task(0, &tgid) || !mapping)
		return KEEP;
	host = BPF_CORE_READ(mapping, host);
	if (!host)
		return KEEP;
	sb = BPF_CORE_READ(host, i_sb);
	dev = sb ? BPF_CORE_READ(sb, s_dev) : BPF_CORE_READ(host, i_rdev);
	index = BPF_CORE_READ(folio, index);
	return emit_x(MMT_EV_FILE_DIRTY, dev, BPF_CORE_READ(host, i_ino),
		      index, index, tgid);
}

/* ---- process names ------------------------------------------------------- */

/* A name for the loader's pid -> command table (collector/comm.c), sent
 * straight to the ring: rare, and ordered with the events by seq, so a
 * new process's name arrives before its first event. */
static __always_inline int emit_comm(__u32 pid, const void *comm)
{
	struct mmtr_comm *n;
	void *ring;

	if (!running() || (filter_tgid && pid != filter_tgid))
		return KEEP;
	if (filter_cgid && bpf_get_current_cgroup_id() != filter_cgid)
		return KEEP;
	n = reserve(sizeof(*n), MMTR_COMM, &ring, cur_tgid());
	if (!n)
		return KEEP;
	n->e.a = pid;
	n->e.b = 0;
	bpf_probe_read_kernel(n->comm, sizeof(n->comm), comm);
	submit(n, ring);
	return KEEP;
}

/* A new process (not a thread): pid == tgid, the parent's name for now. */
SEC("tp/task/task_newtask")
int task_newtask(struct trace_event_raw_task_newtask *ctx)
{
	const unsigned long clone_thread = 0x00010000;	/* CLONE_THREAD */

	if (BPF_CORE_READ(ctx, clone_flags) & clone_thread)
		return KEEP;
	return emit_comm(BPF_CORE_READ(ctx, pid),
			 __builtin_preserve_access_index(&ctx->comm));
}

/* exec (__set_task_comm) and prctl(PR_SET_NAME), kthread names.  The pid
 * is the task's: a thread's rename names a pid no event carries (events
 * carry the process), which the loader never writes out. */
SEC("tp/task/task_rename")
int task_rename(struct trace_event_raw_task_rename *ctx)
{
	return emit_comm(BPF_CORE_READ(ctx, pid),
			 __builtin_preserve_access_index(&ctx->newcomm));
}

/* ---- calibration (run once with BPF_PROG_TEST_RUN) ----------------------- */

/*
 * This kernel's kallsyms holds no data symbols, so vmemmap_base and
 * page_offset_base (randomized by KASLR) cannot be read as ksyms.  The
 * loader maps two pages of its own, writes a random magic into each and
 * learns their pfns from /proc/self/pagemap; then:
 *  - page_offset_base is the lowest 1 GiB-aligned base B, scanned upward
 *    from just below our own task_struct (which lives in the direct map),
 *    with *(B + pfn * 4096) == magic for both pages.  Scanning upward from
 *    below the direct map only ever reads unmapped space or RAM.
 *  - vmemmap_base is the 1 GiB-aligned base V at or below a struct page *
 *    seen by the page programs, such that the struct page of both pages
 *    says "anon, index == address >> 12".
 * Both bases are 1 GiB aligned with or without KASLR (arch/x86/mm/kaslr.c
 * rounds each region to PUD_SIZE).
 */
__u64 calib_pfn[2], calib_magic[2], calib_index[2];
__u64 calib_span;		/* bytes of physical address space */
__u64 found_page_offset, found_vmemmap;

#define GB (1ull << 30)

struct scan_ctx {
	__u64 base;
	int hit;
};

static int scan_direct(__u32 i, struct scan_ctx *s)
{
	__u64 c = s->base + (__u64)i * GB, v = 0;
	int k;

	for (k = 0; k < 2; k++) {
		v = 0;
		bpf_probe_read_kernel(&v, sizeof(v),
				      (void *)(c + (calib_pfn[k] << 12)));
		if (v != calib_magic[k])
			return 0;
	}
	found_page_offset = c;
	return 1;
}

static int scan_vmemmap(__u32 i, struct scan_ctx *s)
{
	__u64 c = s->base - (__u64)i * GB, sz = bpf_core_type_size(struct page);
	__u64 off_map = bpf_core_field_offset(struct page, mapping), off_idx;
	int k;

	if (bpf_core_field_exists(struct page, __folio_index))
		off_idx = bpf_core_field_offset(struct page, __folio_index);
	else
		off_idx = bpf_core_field_offset(struct page___old, index);
	for (k = 0; k < 2; k++) {
		__u64 p = c + calib_pfn[k] * sz, map = 0, idx = 0;

		bpf_probe_read_kernel(&map, sizeof(map), (void *)(p + off_map));
		bpf_probe_read_kernel(&idx, sizeof(idx), (void *)(p + off_idx));
		if (!(map & 1) || idx != calib_index[k])
			return 0;
	}
	found_vmemmap = c;
	return 1;
}

SEC("raw_tp")
int calib(void *ctx)
{
	struct scan_ctx s = {};
	__u64 task = (__u64)bpf_get_current_task();
	__u64 n = calib_span / GB + 2;

	s.base = (task & ~(GB - 1)) - (n - 1) * GB;
	bpf_loop(n, scan_direct, &s, 0);
	if (calib_page) {
		s.base = calib_page & ~(GB - 1);
		bpf_loop(n, scan_vmemmap, &s, 0);
	}
	return 0;
}

/* ---- exact free lists (run with BPF_PROG_TEST_RUN) ----------------------- */

/*
 * Zone pointers: kallsyms has no node_data/contig_page_data here, so the
 * loader makes the kernel name its zones: writing vm.lowmem_reserve_ratio
 * back unchanged runs setup_per_zone_lowmem_reserve(), which fires
 * mm_setup_per_zone_lowmem_reserve(zone, upper_zone, ...) for every pair of
 * zones of every node, and this program keeps the pointers.
 */
#define MAX_ZONES 64
__u64 zone_ptr[MAX_ZONES];
__u32 nr_zone_ptr;

static __always_inline void note_zone(__u64 z)
{
	__u32 n = nr_zone_ptr;

	for (__u32 i = 0; i < MAX_ZONES; i++) {
		if (i >= n)
			break;
		if (zone_ptr[i] == z)
			return;
	}
	if (n < MAX_ZONES) {
		zone_ptr[n & (MAX_ZONES - 1)] = z;
		nr_zone_ptr = n + 1;
	}
}

SEC("raw_tp/mm_setup_per_zone_lowmem_reserve")
int BPF_PROG(zone_names, void *zone, void *upper_zone)
{
	note_zone((__u64)zone);
	note_zone((__u64)upper_zone);
	return 0;
}

/*
 * Walks every free list, zone->free_area[order].free_list[mt] of each
 * zone_ptr[] for order <= walk_max_order and mt < walk_nr_mt, in one run
 * (one moment as far as possible: a run per list took ~100 ms over 60k
 * blocks, in which a busy host changes thousands), writing each block as
 * pfn << 12 | WALK_FIRST? | order << 4 | mt into walk_out (pfns from the
 * calibrated vmemmap base), head first: the kernel takes blocks from the
 * head, so the caller keeps each block's place in its list (WALK_FIRST
 * marks the first block after the walk (re)started a list).  The lists
 * change under us (no zone->lock from BPF):
 * each list is bounded by its area's nr_free plus slack, and blocks whose
 * page->private (the buddy order, set_buddy_order()) disagrees are skipped
 * and counted.  A block taken off the list while we stand on it derails
 * the walk (its next is LIST_POISON1, or it now sits on another list and
 * the walk would run along that one or stop early: a busy host lost 32 of
 * 65 order-9 blocks so), so on a poisoned or unreadable next, a block of
 * another order, or another list's head, the walk starts the list again,
 * at most WALK_RESTARTS times; the blocks seen twice are dropped by the
 * caller.  walk_n > WALK_MAX: the output was cut (then walk_full).  A
 * list given up after WALK_RESTARTS is counted (walk_gaveup): its blocks
 * from the derailment on are missing (8 restarts were too few for the
 * order-9 lists under THP churn at the end of a 60 s scenario run: 32
 * free pageblocks missing from the end snapshot, mirror replay's order
 * agreement 0.972).
 */
__u32 walk_max_order, walk_nr_mt;
__u64 walk_vmemmap;
#define WALK_MAX (1 << 18)
#define WALK_FIRST MMTR_WALK_FIRST
__u64 walk_out[WALK_MAX];
__u32 walk_n, walk_bad, walk_full, walk_restarts, walk_gaveup;
#define WALK_RESTARTS MMTR_WALK_RESTARTS

struct walk_ctx {
	__u64 head, node, left, off_list, off_priv, psize, zone;
	__u64 areas, areas_end, nr_free;
	__u32 z, o, mt, restarts, first;
};

/* Points the walk at list (z, o, mt), or past the end: 1 when done. */
static int walk_list(struct walk_ctx *w)
{
	__u64 area, nr_free = 0;

	if (w->mt >= walk_nr_mt) {
		w->mt = 0;
		w->o++;
	}
	if (w->o > walk_max_order) {
		w->o = 0;
		w->z++;
	}
	if (w->z >= nr_zone_ptr || w->z >= MAX_ZONES)
		return 1;
	w->zone = zone_ptr[w->z & (MAX_ZONES - 1)];
	w->node = 0;
	w->left = 0;
	w->restarts = 0;
	if (!w->zone)		/* the next step moves on */
		return 0;
	w->areas = w->zone + bpf_core_field_offset(struct zone, free_area);
	w->areas_end = w->areas +
		       (__u64)(walk_max_order + 1) * bpf_core_type_size(struct free_area);
	area = w->areas + (__u64)w->o * bpf_core_type_size(struct free_area);
	bpf_probe_read_kernel(&nr_free, sizeof(nr_free),
			      (void *)(area + bpf_core_field_offset(struct free_area, nr_free)));
	w->head = area + bpf_core_field_offset(struct free_area, free_list) +
		  (__u64)w->mt * sizeof(struct list_head);
	w->nr_free = nr_free;
	w->left = nr_free + 64;
	w->first = WALK_FIRST;
	bpf_probe_read_kernel(&w->node, sizeof(w->node), (void *)w->head);
	return 0;
}

/* The walk left its list (see above): from the head again, or give up. */
static void walk_restart(struct walk_ctx *w)
{
	w->node = 0;
	if (w->restarts >= WALK_RESTARTS) {
		walk_gaveup++;
		return;
	}
	w->restarts++;
	walk_restarts++;
	w->left = w->nr_free + 64;
	w->first = WALK_FIRST;
	bpf_probe_read_kernel(&w->node, sizeof(w->node), (void *)w->head);
}

static int walk_step(__u32 i, struct walk_ctx *w)
{
	__u64 page, order = ~0ull, next = 0;
	__u32 n;

	if (w->node == w->head || !w->node || !w->left) {
		w->mt++;
		return walk_list(w);
	}
	if (w->node >= w->areas && w->node < w->areas_end) {
		walk_restart(w);	/* another list's head */
		return 0;
	}
	w->left--;
	page = w->node - w->off_list;
	bpf_probe_read_kernel(&order, sizeof(order), (void *)(page + w->off_priv));
	if (order != w->o || page < walk_vmemmap) {
		walk_bad++;
		walk_restart(w);
		return 0;
	}
	if (bpf_probe_read_kernel(&next, sizeof(next), (void *)w->node) ||
	    next >> 48 == 0xdead || next < 4096) {
		walk_restart(w);	/* LIST_POISON1: just taken */
		return 0;
	}
	n = walk_n;
	if (n >= WALK_MAX) {
		walk_full = 1;
		return 1;
	}
	walk_out[n & (WALK_MAX - 1)] =
		((page - walk_vmemmap) / w->psize) << 12 | w->first |
		w->o << 4 | w->mt;
	w->first = 0;
	walk_n = n + 1;
	w->node = next;
	return 0;
}

SEC("raw_tp")
int walk(void *ctx)
{
	struct walk_ctx w = {};

	walk_n = 0;
	walk_bad = 0;
	walk_full = 0;
	walk_restarts = 0;
	walk_gaveup = 0;
	if (!walk_vmemmap || walk_nr_mt > 16 || walk_max_order > 15)
		return 0;
	w.off_list = bpf_core_field_offset(struct page, buddy_list);
	w.off_priv = bpf_core_field_offset(struct page, private);
	w.psize = bpf_core_type_size(struct page);
	if (walk_list(&w))
		return 0;
	bpf_loop(1 << 22, walk_step, &w, 0);
	return 0;
}
