/* SPDX-License-Identifier: MIT */
/* Private to replay/: the state of one replay run, shared by driver.c
 * (event loop), latency.c, series.c, mirror.c and summary.c. */
#ifndef REPLAY_INT_H
#define REPLAY_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "mmcore.h"
#include "mmtrace/replay.h"
#include "mmtrace/trace.h"

/* ---- map.c ---------------------------------------------------------- */
struct rp_slot { uint64_t key, val; };
/* Every u64 is a key: 0, the empty-slot marker, is kept beside the
 * table (has_zero, zero_val).  len
 * counts it. */
struct rp_map {
	struct rp_slot *slots;
	uint64_t cap, len;
	int has_zero;		/* key 0 present, its value: */
	uint64_t zero_val;
};
int rp_map_init(struct rp_map *m, uint64_t hint);
struct rp_run;
uint64_t rp_gfp_canon(struct rp_run *r, uint64_t raw);
void rp_map_free(struct rp_map *m);
/* Calls fn for each entry, in table order (never used for output). */
void rp_map_each(struct rp_map *m, void (*fn)(void *ctx, uint64_t key,
					     uint64_t *val), void *ctx);
int rp_map_get(const struct rp_map *m, uint64_t key, uint64_t *val);
int rp_map_put(struct rp_map *m, uint64_t key, uint64_t val);
int rp_map_del(struct rp_map *m, uint64_t key);
int rp_map_take(struct rp_map *m, uint64_t key, uint64_t *val);
int rp_map_swap(struct rp_map *m, uint64_t key, uint64_t val, uint64_t *old);
int rp_map_reserve(struct rp_map *m, uint64_t n);
/* pfn-keyed map: dense array over [base, end), hash outside.  The array
 * holds value + 1 (0: absent) in 32 bits (v32) until a value needs more,
 * then in 64 (v): half the cache footprint for the usual hosts.  `used`
 * has a bit for each 1024 slots of v32 ever written (PMAP_CHUNK). */
struct rp_pmap {
	uint64_t base, n, *v, *used;
	uint32_t *v32;
	struct rp_map h;
};
int rp_pmap_init(struct rp_pmap *m, uint64_t base, uint64_t end);
int rp_pmap_clear(struct rp_pmap *m);
void rp_pmap_free(struct rp_pmap *m);
int rp_pmap_get(const struct rp_pmap *m, uint64_t key, uint64_t *val);
int rp_pmap_put(struct rp_pmap *m, uint64_t key, uint64_t val);
int rp_pmap_swap(struct rp_pmap *m, uint64_t key, uint64_t val, uint64_t *old);
int rp_pmap_take(struct rp_pmap *m, uint64_t key, uint64_t *val);
int rp_pmap_del(struct rp_pmap *m, uint64_t key);

/* splitmix64's finalizer: every bit of k moves every bit of the result */
static inline uint64_t rp_mix64(uint64_t k)
{
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebull;
	k ^= k >> 31;
	return k;
}

/* rp_mix64() over k / 16, keeping the low 4 bits: runs of neighbouring
 * pfns (pcp batches, readahead) land in neighbouring slots, which share
 * cache lines; the rest is well spread. */
static inline uint64_t rp_map_hash(uint64_t k)
{
	return (rp_mix64(k >> 4) << 4) | (k & 15);
}

/* Start loading the slot of key (the driver calls these a few events
 * ahead: the maps are far larger than the caches). */
__attribute__((always_inline))
static inline void rp_map_prefetch(const struct rp_map *m, uint64_t key)
{
	if (m->slots)
		__builtin_prefetch(&m->slots[rp_map_hash(key) & (m->cap - 1)]);
}

__attribute__((always_inline))
static inline void rp_pmap_prefetch(const struct rp_pmap *m, uint64_t key)
{
	uint64_t i = key - m->base;

	/* two calls, not one on a ?: of pointers: gcc 12 drops a
	 * prefetch of such a select without a word */
	if (i >= m->n)
		return;
	if (m->v32)
		__builtin_prefetch(&m->v32[i]);
	else
		__builtin_prefetch(&m->v[i]);
}
/* The dense slot of key, without the hash fallback: for a look ahead
 * that must stay cheap.  0 when absent or outside the dense range. */
static inline int rp_pmap_peek(const struct rp_pmap *m, uint64_t key,
			       uint64_t *val)
{
	uint64_t i = key - m->base, s;

	if (i >= m->n)
		return 0;
	s = m->v32 ? m->v32[i] : m->v[i];
	*val = s - 1;
	return s != 0;
}

/* Policy mode's real -> simulated page map (rp_run.fwd): sim pfn <<
 * FWD_SHIFT | flags | order << 1 | dead (driver.c explains it). */
#define FWD_DEAD 1ull
#define FWD_ORDER(e) ((unsigned)((e) >> 1) & 0xf)
#define FWD_ANON (1ull << 5)	/* mapped by mmc_fault: unmap on free */
#define FWD_THPSUB (1ull << 6)	/* a 4 KiB piece of a model THP */
#define FWD_SLAB (1ull << 7)	/* a kernel slab page: not in the model */
#define FWD_SHIFT 8		/* sim pfn above the flags (32-bit entries
				 * in map.c's arrays up to 2^24 pfns) */
#define FWD_FLAGS ((1ull << FWD_SHIFT) - 1)
/* rp_run.rev value of a model page whose kernel page the kernel itself
 * reclaimed or migrated away (demand.c): the model keeps it, no real
 * page stands for it any more */
#define REV_ORPHAN 0xfffffffeull

/* Key of a slab object in rp_slab_state.objs: page and offset. */
static inline uint64_t rp_obj_key(uint64_t pfn, uint64_t off)
{
	return pfn << 12 | (off & 0xfff);
}
int rp_snap_class_end(const struct mmt_snapshot *s, uint64_t pfn,
		      uint64_t *end);

/* ---- latency.c ------------------------------------------------------ */
#define RP_HIST_BUCKETS 256
struct rp_hist {
	uint64_t b[RP_HIST_BUCKETS];
	uint64_t n, max;
	double sum;
};
void rp_hist_add(struct rp_hist *h, uint64_t ns);
uint64_t rp_hist_pct(const struct rp_hist *h, double q);
void rp_hist_bucket_range(unsigned idx, uint64_t *lo, uint64_t *hi);

/* calibrate.c: least squares y = a + b*x1 + c*x2 from running sums
 * (O(1) memory). */
struct rp_fitsum { uint64_t n; double s1, s2, sy, s11, s12, s22, s1y, s2y,
		   syy; };
void rp_fitsum_add(struct rp_fitsum *f, double x1, double x2, double y);

enum rp_fit_id { RP_FIT_DIRECT_RECLAIM, RP_FIT_COMPACTION, RP_FIT_NODE_RECLAIM,
		 RP_FIT_KSWAPD, RP_NR_FITS };
struct rp_fit {
	double a, b, c;		/* base ns, ns per x1 page, per x2 page */
	uint64_t samples;
	double rmse, r2;
	int fitted;		/* 0: model default (too few pairs) */
};

struct rp_costs {
	double pcp_hit, pcp_refill, refill_page, buddy, split, fallback, steal,
	       remote, slowpath, oom, refault, fault, clear_page, slab;
	struct rp_fit fit[RP_NR_FITS];
};
#define RP_MIN_FIT_PAIRS 8
void rp_costs_defaults(struct rp_costs *c);
void rp_costs_calibrate(struct rp_costs *c, const struct rp_fitsum f[RP_NR_FITS]);
const char *rp_fit_name(int id);
/* The names of a fit's x1 and x2 coefficients ("ns_per_page_scanned"). */
void rp_fit_terms(int id, const char **x1, const char **x2);
/* "fitted" or "model default". */
const char *rp_fit_source(const struct rp_fit *f);
/* Cost of one model operation by its path; the parts spent in reclaim and
 * compaction are also returned for their own histograms. */
uint64_t rp_fit_cost(const struct rp_fit *f, uint64_t x1, uint64_t x2);
uint64_t rp_cost_alloc(const struct rp_costs *c, const struct mmc_result *r,
		       unsigned order, uint64_t *reclaim_ns,
		       uint64_t *compact_ns);

/* ---- the run -------------------------------------------------------- */
enum rp_op { RP_OP_ALLOC, RP_OP_FAULT, RP_OP_RECLAIM, RP_OP_COMPACTION,
	     RP_OP_SLAB, RP_NR_OPS };

/* What the time series keeps per node beside the model's counters. */
struct rp_node_ctr {
	int kswapd_woken;	/* since the previous sample */
};

/* What the trace saw for real (policy mode's "kernel" column). */
struct rp_kernel_ctr {
	uint64_t page_allocs, page_frees, order9_allocs;
	uint64_t fallbacks, steals, kswapd_wakes, kswapd_sleeps, wakeup_kswapd;
	uint64_t direct_reclaims, direct_reclaimed, direct_ns;
	uint64_t dr_by_class[MMC_NR_DR_CLASSES];	/* enum mmc_dr_class */
	/* direct reclaims (paired per task) by the priority of their first
	 * shrink_inactive_list(): RP_DR_PRIO_* (memcg_walk.c reads them) */
	uint64_t dr_first_prio[4];
	uint64_t compact_tries, compactions, compact_ns;
	uint64_t compaction_ends[MMC_NR_COMPACT_ENDS];	/* by rp_ce_class() */
	uint64_t node_reclaims, node_reclaimed, node_reclaim_ns;
	uint64_t lost, faults, slab_allocs, slab_frees, filemap_adds,
		 zone_resizes;
	uint64_t max_ts;
};

/* Per-cpu pending state for begin/end pairs and fault linking. */
/* An open begin/end pair of one task (taskpair.c), and the work inside
 * it so far (calibrate.c). */
enum rp_pair_kind { RP_PAIR_DIRECT, RP_PAIR_NODE, RP_PAIR_COMPACT };
struct rp_pair {
	uint64_t seq;			/* order of the BEGINs */
	uint64_t begin;			/* ts+1 */
	uint64_t scanned, migrated;
	uint64_t migrate_pfn, free_pfn;	/* compaction's scanners at BEGIN */
	uint32_t pid;
	uint16_t cpu;
	uint8_t kind;			/* enum rp_pair_kind */
	uint8_t work_events;		/* compaction: scan events seen */
	uint8_t top_prio;		/* reclaim: highest priority scanned + 1 */
};
enum { RP_DR_PRIO_NONE, RP_DR_PRIO_DEF, RP_DR_PRIO_DEF_1, RP_DR_PRIO_LOWER };
#define RP_OPEN_PAIRS 256
struct rp_pairs {
	struct rp_pair p[RP_OPEN_PAIRS];
	uint32_t nr;
	uint64_t seq, dropped;
};
struct rp_pair *rp_pair_begin(struct rp_pairs *ps, int kind,
			      const struct mmt_event *ev);
/* The open pair an END or work event of ev's task belongs to, or NULL. */
struct rp_pair *rp_pair_find(struct rp_pairs *ps, int kind,
			     const struct mmt_event *ev);
void rp_pair_close(struct rp_pairs *ps, struct rp_pair *p);

struct rp_cpu {
	uint64_t fault_ts, fault_addr;			/* fault_ts+1 */
	uint32_t fault_pid;
	uint8_t fault_write;				/* X86_PF_WRITE */
	/* mirror mode: an EXTFRAG held until this CPU's next event (a
	 * compaction capture, driver.c mirror_event_held()) */
	int held;
	struct mmt_event held_extfrag;
};

enum rp_cause { RP_CAUSE_PCP, RP_CAUSE_BOUNDARY, RP_CAUSE_HOTADD,
		RP_CAUSE_LOST, RP_CAUSE_UNEXPLAINED, RP_NR_CAUSES };
const char *rp_cause_name(int c);
const char *rp_cause_key(int c);

struct rp_mirror_ctr {
	int checked;			/* 1 when an end snapshot was compared */
	char not_checked[400];		/* else why not */
	double pfn_agreement, order_agreement;
	uint64_t pages_compared, pages_agree, model_free_pages,
		 kernel_free_pages, same_block_pages, hot_compared, hot_agree;
	/* [0] model free / kernel allocated, [1] model allocated / kernel free */
	uint64_t cause[2][RP_NR_CAUSES];
	uint64_t alloc_not_free, free_not_alloc, drain_not_alloc,
		 refill_not_free, pcp_allocs, after_end, resize_fail;
	/* compaction (traces with MMT_HDR_CAUSES): blocks its free scanner
	 * isolated, those the model did not have free, the frees that only
	 * put a failed migration's target back on its list (not applied) */
	uint64_t isolated, isolate_not_free, compact_returns, range_passes,
		 range_pages;
	uint64_t before_start;		/* events before the start snapshot */
	uint64_t pcp_straight;		/* pcp-order frees found in the buddy */
	uint64_t pcp_straight_end;	/* ... at the end snapshot (pages) */
	uint64_t reported_pages;	/* free page reporting had them (mirror.c) */
	uint64_t drain_unfreed;		/* pages drained the trace never freed */
	uint64_t pcp_stale;		/* kpcp pages inside a block taken whole */
	uint64_t extfrag_taken;		/* fallback pages with no other event */
	uint64_t captures;		/* ... of which compaction captures */
	uint64_t alloc_failed;		/* PAGE_ALLOC of no page (pfn ~0) */
	int have_pcp_events;
};

struct rp_slow {		/* slow ops, costed after calibration */
	struct mmc_result res;
	uint64_t extra_ns;
	uint8_t op;
};
struct rp_slowvec { struct rp_slow *v; size_t n, cap; };

/* The key of a user fault's page in rp_run.addr: task and page. */
static inline uint64_t rp_addr_key(uint32_t pid, uint64_t addr)
{
	return ((uint64_t)pid << 40) ^ (addr >> 12);
}

/* How many distinct keys were added: an estimate (distinct.c). */
#define RP_DISTINCT_BITS 12
#define RP_DISTINCT_REGS (1u << RP_DISTINCT_BITS)

struct rp_distinct {
	uint8_t reg[RP_DISTINCT_REGS];
};

void rp_distinct_add(struct rp_distinct *d, uint64_t key);
uint64_t rp_distinct_estimate(const struct rp_distinct *d);

/* Policy mode: slab objects and THP regions (objects.c). */
#define RP_MEMPOOL_SITES 16
#define RP_FAIL_BY 16

struct rp_slab_state {
	uint8_t *bits;		/* PAGE_ALLOC ordinal -> slab page */
	uint64_t nr_bits, ordinal;
	struct rp_map objs;	/* real pfn<<12|off -> sim pfn<<12|off */
	struct rp_map regions;	/* pid:2 MiB region -> span, THP flags */
	struct rp_map thp_ref;	/* sim THP head -> real pages mapped in it */
	int32_t *cache_id;	/* header cache -> model cache, -2 unmade */
	uint8_t *cache_rcl;	/* header cache had reclaimable slab pages */
	uint32_t nr_caches, caches_created;
	/* pre-pass */
	uint64_t kernel_slab_blocks, objs_pretrace_slab;
	uint64_t user_faults;	/* FAULT_USER events */
	struct rp_distinct fault_keys;	/* their addresses: sizes rp_run.addr */
	/* replay */
	uint64_t objs_allocated, objs_freed, free_absorbed, free_fail,
		 alloc_fail, over_live, large_kmallocs;
	/* mempool_alloc()'s call sites (the trace's names table), and the
	 * objects its reserve gave where the model had no memory */
	uint64_t mempool_site[RP_MEMPOOL_SITES];
	uint32_t nr_mempool_sites;
	uint64_t mempool_reserve;
	/* xas_alloc()'s call sites, and its GFP_NOWAIT allocations the
	 * model could not place, asked again as xas_nomem() does */
	uint64_t xas_site[RP_MEMPOOL_SITES];
	uint32_t nr_xas_sites;
	uint64_t xas_nomem_retried;
	uint64_t kernel_slab_page_allocs, kernel_slab_page_frees;
	uint64_t model_slab_page_allocs, model_slab_pages_max;
	/* faults through mmc_fault */
	uint64_t fault_allocs, fault_thp, fault_in_thp, fault_fallback_alloc,
		 fault_oom, thp_frees;
	uint64_t anon_unlinked;	/* pages: user pages with no fault before */
};

/* Policy mode (thpfault.c): each task's latest user fault, for the THP
 * allocation the CPU link of driver.c misses. */
#define RP_TF_SLOTS 64
struct rp_tfault {
	uint64_t ts1;		/* the fault's ts + 1; 0 = got its page */
	uint64_t from1;		/* link counted from: ts1, or the last
				 * failed kernel THP attempt's ts + 1 */
	uint64_t addr;
	uint32_t pid;
	uint8_t write, kernel_failed;
};
struct rp_tfaults {
	struct rp_tfault s[RP_TF_SLOTS];
	uint64_t linked_late;		/* THP allocations linked by task */
	uint64_t fallbacks_linked;	/* pages after a failed kernel try */
	uint64_t kernel_tries;		/* failed kernel THP attempts */
};
void rp_tf_note(struct rp_tfaults *t, const struct mmt_event *ev);
int rp_tf_thp_gfp(uint64_t gfp, unsigned order);
struct rp_tfault *rp_tf_find(struct rp_tfaults *t, const struct mmt_event *ev);
struct rp_tfault *rp_tf_find_fallback(struct rp_tfaults *t,
				      const struct mmt_event *ev);
void rp_tf_kernel_failed(struct rp_tfaults *t, uint32_t pid, uint64_t ts1,
			 const struct mmt_event *ev);
void rp_tf_done(struct rp_tfaults *t, uint32_t pid, uint64_t ts1);

/* Policy mode, traces with free causes (demand.c): the workload's demand
 * apart from the kernel's response, and page-cache pages by identity. */
enum rp_resp { RP_RESP_KSWAPD, RP_RESP_DIRECT, RP_RESP_NODE, RP_RESP_MEMCG,
	       RP_RESP_RECLAIM_OTHER, RP_RESP_MIGRATE, RP_RESP_COMPACT_RELEASE,
	       RP_RESP_COMPACT_RETURN, RP_RESP_COMPACT_OTHER, RP_NR_RESP };
struct rp_afid { uint32_t ordinal, fid; };
/* covering_fid()'s last lookup at one folio order (demand.c memo_fid) */
struct rp_fid_memo { uint64_t key; uint32_t fid, nr_fids; };
struct rp_demand {
	int causes, file_ids, file_dirty; /* the header's MMT_HDR_ flags */
	struct rp_map inodes;		/* hash(dev, ino) -> inode id */
	struct rp_map pages;		/* inode id << 40 | index -> fid */
	struct rp_map last_read;	/* inode id -> last page index read */
	/* inode id -> its FILE_READ held for the next (demand.c), and the
	 * held reads in the order they came, to end each in time */
	struct rp_map read_pend, read_pend_last, read_pend_ts;
	struct rp_held_read { uint64_t ts; uint32_t ino; } *held_q;
	size_t held_head, held_n, held_cap;	/* a ring */
	uint32_t nr_inodes, nr_fids, cap_fids;
	uint64_t *fstate;		/* [fid] (demand.c FS_*) */
	uint64_t *fkey;			/* [fid]: inode id << 40 | index */
	struct rp_pmap frev;		/* model pfn -> fid */
	struct rp_afid *afid;		/* PAGE_ALLOC ordinal -> fid */
	size_t nr_afid, cap_afid, cur;
	unsigned max_file_order;	/* largest page-cache folio seen */
	struct rp_fid_memo memo[11];	/* per folio order 0..10 */
	/* what the replay did with them */
	uint64_t resp_frees[RP_NR_RESP], resp_pages_kept, resp_absorbed,
		 demand_frees, unknown_cause, proactive_frees;
	uint64_t held_allocs, model_refaults, file_adds, file_dels_demand,
		 file_dels_resp, accesses, access_pages, access_unknown,
		 access_clipped, pretrace_files, migrations, migrate_unknown,
		 isolated_pages, untracked_ids, folio_fallbacks,
		 folio_splits, pfns_outside, unseated;
	uint64_t dirty_events, dirty_unheld, dirty_unknown;
};

/* zonefree.c: the kernel's sampled free pages beside the model's, per
 * zone type (nodes summed at each sample time) */
#define RP_ZF_TYPES MMC_NR_ZONE_TYPES
struct rp_zf_type {
	uint64_t *k, *m;	/* kept samples: every stride-th, kernel, model */
	uint32_t n, cap, stride;
	uint64_t seen;		/* sample times, all */
	uint64_t pend_ts, pend_k, pend_m;	/* the sample time being summed */
	int pend;
	double log_sum;		/* sum of |ln((m + 1) / (k + 1))| */
	uint64_t k10, k50, m10, m50;	/* rp_zone_free_finish() */
};

struct rp_zone_free {
	int recorded;		/* the trace has MMT_HDR_ZONE_FREE */
	FILE *out;		/* zone_free.tsv */
	uint64_t bad;		/* samples naming no zone, or past its span */
	int oom;
	struct rp_zf_type t[RP_ZF_TYPES];
};

/* What decided the memcg walk (memcg_walk.c). */
enum rp_memcg_why { RP_MEMCG_NOT_RECORDED, RP_MEMCG_ROOT, RP_MEMCG_LAST,
		    RP_MEMCG_AFTER_FULL, RP_MEMCG_AFTER_EMPTY,
		    RP_MEMCG_BAD, RP_MEMCG_OPTION };

struct rp_run {
	uint32_t ev_fields[64];	/* what the main pass decodes, per kind */
	const struct mmt_replay_opts *o;
	struct mmt_reader *rd;
	const struct mmt_header *h;
	struct mmt_decode dec;
	/* raw gfp -> canonical, direct-mapped (rp_gfp_canon): a trace uses a
	 * handful of gfp values, and mmt_gfp_canon tests every bit */
	uint64_t gfp_raw[256], gfp_canon[256];
	struct mmc_topology topo;
	struct mmc_policy pol;
	char topo_desc[128];
	struct mmc *m;
	int mt_map[64];			/* trace mt -> mmc mt, -1 unknown */
	/* the recording kernel's enum compact_result -> enum
	 * mmc_compact_end, from the header's enum notes; ce_known 0 when
	 * the trace names none (the kernel's compaction ends unknown) */
	int8_t ce_map[16];
	int ce_known;
	uint32_t nr_cpus;		/* model cpus */

	/* policy mode maps */
	struct rp_pmap fwd;	/* real pfn -> sim pfn<<8 | order<<1 | reclaimed */
	struct rp_pmap rev;	/* sim pfn -> real pfn */
	struct rp_map addr;	/* pid:addr page -> real pfn */
	/* mirror mode: pages the kernel holds on pcp lists, pfn -> order */
	struct rp_map kpcp;
	/* mirror mode: pfns touched near either snapshot or after the end
	 * one (boundary); late_end: near or after the end one only */
	struct rp_map late, late_end;

	struct rp_cpu *cpus;
	uint32_t nr_trace_cpus;

	struct rp_costs costs;
	struct rp_fitsum fits[RP_NR_FITS];
	struct rp_pairs pairs;
	struct rp_hist hist[RP_NR_OPS];
	struct rp_slowvec slow;
	struct rp_node_ctr node[MMC_MAX_NODES];
	struct rp_kernel_ctr k;
	struct rp_mirror_ctr mir;
	struct rp_slab_state sl;
	struct rp_demand dm;
	struct rp_tfaults tf;

	/* events replayed; read (delivered by the reader); in the trace
	 * (its index, or what is readable up to a cut: in_trace_known 0) */
	uint64_t events, events_total, events_in_trace;
	int in_trace_known;
	uint64_t unmatched_frees, alloc_over_live,
		 absorbed, refaults, touches, slab_objs;
	uint64_t demand_fail;	/* trace allocations the model failed */
	/* ... by the event that asked, its order and gfp (the first
	 * RP_FAIL_BY distinct ones; summary.json demand_alloc_fail_by) */
	struct rp_fail_by { uint64_t gfp, events, allocs;
			    uint16_t kind, order; } fail_by[RP_FAIL_BY];
	uint32_t nr_fail_by;
	uint64_t fail_by_other;
	/* allocations the kernel failed (no page in mm_page_alloc), and of
	 * those the ones the model could have placed */
	uint64_t kernel_fails, kernel_fails_model_got;
	/* costly __GFP_NORETRY allocations with no file page, and THPs no
	 * write fault asked for, the model could not place: the caller's
	 * fallback (driver.c policy_alloc) */
	uint64_t noretry_unplaced;
	/* order-0 readahead pages the model could place only without
	 * __GFP_NORETRY, as the reader's own allocation (policy_alloc) */
	uint64_t readahead_retried;
	uint64_t last_tick, now;
	uint64_t dup_lru;
	uint64_t splits;	/* folios compaction split (on_split) */
	uint64_t hotadd_cursor[8][MMT_MAX_ZONE_TYPES];	/* next pfn to online */
	uint64_t hotadd_pages, hotadd_late;
	uint64_t hugetlb_seeded;	/* pool pages inferred (seed_hugetlb) */
	uint64_t places_seeded;	/* free blocks in the kernel's list order */
	uint64_t pageblocks_typed;	/* types taken from small free blocks */
	/* policy mode: one bit per pfn of fwd's range that some event of the
	 * trace hands out, frees or isolates (the pre-pass, rp_touch_note);
	 * start-snapshot pcp-looking pages never touched and still so at the
	 * end are seeded allocated (pcp_lookalikes, setup.c) */
	uint64_t *touched;
	uint64_t pcp_lookalikes;
	/* policy mode: one bit per pfn of fwd's range whose first event is
	 * a free; such start-snapshot pcp-looking pages were allocated
	 * (pcp_freed_first, setup.c) */
	uint64_t *freed_first;
	uint64_t pcp_freed_first;
	/* policy mode: start-snapshot "offline" pageblocks the zone's
	 * managed count says are managed: free blocks on pcp lists
	 * (pcp_blocks, setup.c) */
	uint64_t offline_pcp_pages;
	/* policy mode: each zone's compaction deferral state before the
	 * trace's first compact_defer event for it (rp_defer_note) */
	struct rp_defer0 {
		uint8_t seen, known;
		uint32_t considered, shift;
		int32_t order_failed;
	} defer0[MMC_MAX_NODES][MMC_NR_ZONE_TYPES];
	uint32_t defer_seeded;	/* zones given such a state */
	/* policy mode: each node's kcompactd, from the first of its own
	 * events in the trace (rp_kcompactd_note): the wait it was in at
	 * the start ended then, at a timeout (kcompactd_sleep) or at a
	 * wakeup (kcompactd_wake) */
	struct rp_kcompactd0 {
		uint8_t seen, woken;
		uint64_t ts;
	} kcompactd0[MMC_MAX_NODES];
	uint32_t kcompactd_waits_seeded;	/* nodes given such a wait */
	uint64_t kcompactd_wait_ns;	/* the longest, from the start */
	struct rp_map onl;	/* order-10 blocks already onlined */

	struct rp_zone_free zf;

	/* time series */
	FILE *ts_out;
	uint64_t sample_ns, next_sample, nr_samples;
	uint64_t probes, probe_ok;
	double unusable_sum;
	uint64_t unusable_n;

	/* [mmc_nr_zones]: allocated apart, as the model has them (an array
	 * for every possible zone made struct rp_run 240 KB: too big for
	 * ASan's size classes, a mapping and its shadow's writes each run
	 * of fuzz_replay) */
	struct mmc_zone_stats *zstart;
	uint32_t nr_zstart;

	const char *stop_reason;	/* truncation, or the read error */
	int read_failed;		/* stopped by a read error (not damage) */
	const char *end_damaged;	/* why the end snapshot is unusable */
	uint64_t damage_parts, damage_lost, damage_unknown;	/* the reader's */
	uint64_t end_snap_ts, start_snap_ts;
	int have_end;
	/* The snapshots the replay uses: both NULL when the start state is
	 * inferred (no start snapshot, or --start inferred). */
	const struct mmt_snapshot *snap_start, *snap_end;
	int inferred;
	/* direct reclaim's walk over the memory cgroups (memcg_walk.c) */
	int memcg_partial;
	enum rp_memcg_why memcg_why;
};

/* Prefix of the run's stderr lines ("mmtrace replay" by default). */
static inline const char *rp_who(const struct rp_run *r)
{
	return r->o->who ? r->o->who : "mmtrace replay";
}

/* calibrate.c: kswapd's runs, from the pre-pass */
#define RP_MAX_KSWAPDS 16
struct rp_calib_kswapd {
	uint32_t pid[RP_MAX_KSWAPDS];
	uint64_t start[RP_MAX_KSWAPDS], last[RP_MAX_KSWAPDS];	/* ts+1 */
	uint64_t scanned[RP_MAX_KSWAPDS], reclaimed[RP_MAX_KSWAPDS];
	int nr;
	struct rp_fitsum sum;
};
/* Pairs and fit sums (main pass); true when ev closed a pair, *pair_ns
 * its duration. */
bool rp_calib_event(struct rp_run *r, const struct mmt_event *ev,
		    uint64_t *pair_ns);
void rp_calib_kswapd_event(struct rp_calib_kswapd *k,
			   const struct mmt_event *ev);
void rp_calib_kswapd_apply(struct rp_run *r, const struct rp_calib_kswapd *k);
/* mmt_replay_opts.host_fits as sums (1), or 0 when not given. */
int rp_calib_host(const struct rp_run *r, struct rp_fitsum f[RP_NR_FITS]);
void rp_calib_export(const struct rp_run *r, struct mmt_fit_sums *out);

/* objects.c (policy mode) */
int rp_objects_init(struct rp_run *r);
void rp_objects_free(struct rp_run *r);
int rp_prepass(struct rp_run *r);
int rp_page_is_slab(struct rp_run *r);
void rp_page_skip(struct rp_run *r);
unsigned rp_fault_thp_flags(const struct rp_run *r, uint32_t pid,
			    uint64_t addr);
void rp_slab_alloc(struct rp_run *r, const struct mmt_event *ev);
void rp_slab_free(struct rp_run *r, const struct mmt_event *ev);
/* demand.c (policy mode) */
int rp_demand_init(struct rp_run *r);
void rp_demand_free(struct rp_run *r);
void rp_demand_access_flush(struct rp_run *r);
void rp_demand_read_expire(struct rp_run *r, uint64_t now);
void rp_demand_pre_add(struct rp_run *r, const struct mmt_event *ev,
		       uint64_t ordinal);
void rp_demand_pre_del(struct rp_run *r, const struct mmt_event *ev);
int rp_demand_pre_done(struct rp_run *r);
void rp_demand_start(struct rp_run *r);
uint32_t rp_demand_alloc_fid(struct rp_run *r, uint64_t ordinal);
int rp_demand_alloc_held(struct rp_run *r, uint32_t fid,
			 const struct mmt_event *ev);
int rp_demand_alloc_pieces(struct rp_run *r, uint32_t fid,
			   const struct mmt_event *ev, uint64_t gfp, int cpu);
int rp_demand_filemap_add(struct rp_run *r, const struct mmt_event *ev);
void rp_demand_filemap_del(struct rp_run *r, const struct mmt_event *ev);
void rp_demand_prefetch(struct rp_run *r, const struct mmt_event *ev);
void rp_demand_prefetch_dirty(struct rp_run *r, const struct mmt_event *ev);
void rp_demand_access(struct rp_run *r, const struct mmt_event *ev);
void rp_demand_file_dirty(struct rp_run *r, const struct mmt_event *ev);
void rp_demand_isolate(struct rp_run *r, const struct mmt_event *ev);
void rp_demand_migrate(struct rp_run *r, const struct mmt_event *ev);
int rp_demand_response_free(struct rp_run *r, const struct mmt_event *ev);
void rp_demand_reclaimed(struct rp_run *r, uint64_t sim, unsigned order);
void rp_demand_migrated(struct rp_run *r, uint64_t from, uint64_t to);
/* The kernel freed (demand) the real page of the model's page sim: a file
 * page still holding sim never was there (demand.c). */
void rp_demand_page_gone(struct rp_run *r, uint64_t sim);
/* The model split its folio at sim (compaction): a file folio becomes
 * pieces. */
void rp_demand_split(struct rp_run *r, uint64_t sim, unsigned order);
/* The assumptions a policy replay of this trace made, one per line
 * (summary.json, the text table, docs/demand.md). */
size_t rp_demand_notes(const struct rp_run *r, const char **notes,
		       size_t max);
const char *rp_resp_name(int resp);

/* driver.c */
/* Allocations of the trace the model could not place (the kernel did). */
uint64_t rp_demand_alloc_fail(const struct rp_run *r);
void rp_count_wake(struct rp_run *r, const struct mmc_result *res, int cpu);
void rp_slab_find_retry_sites(struct rp_run *r);
void rp_account(struct rp_run *r, int op, const struct mmc_result *res,
		unsigned order, uint64_t extra_ns);
void rp_count_result(struct rp_run *r, const struct mmc_result *res, int cpu);

/* setup.c */
void rp_build_mt_map(struct rp_run *r);
void rp_build_ce_map(struct rp_run *r);
/* A COMPACTION_END's status as enum mmc_compact_end. */
int rp_ce_class(const struct rp_run *r, unsigned status);
int rp_mt(const struct rp_run *r, int mt);
int rp_build_topology(struct rp_run *r, const struct mmt_snapshot *start,
		      const struct mmt_snapshot *end, char *err, size_t errlen);
/* --topology SPEC over the source host `native` (a trace's header in
 * replay, compare and sweep; the trace's or this host's in `zones`): one
 * rule for every subcommand.  "N" splits a one-node host into N nodes at
 * distance 20, each with an equal share of the managed (online) memory
 * and of the cpus (mmc_topology_split; DMA/DMA32 stay on node 0), and
 * "1" of a one-node host is the host itself (*split = N); anything else
 * is an mmc_topology_parse() spec (*split = 0).  0 with *t, or 2 (the
 * exit status of a bad option) with err "--topology SPEC: what". */
int rp_topology_spec(const char *spec, const struct mmc_topology *native,
		     struct mmc_topology *t, unsigned *split, char *err,
		     size_t errlen);
/* SPEC is "N", a split of the source host (rp_topology_spec). */
int rp_topology_is_split(const char *spec);
int rp_snap_class(const struct mmt_snapshot *s, uint64_t pfn);
int rp_build_policy(struct rp_run *r, char *err, size_t errlen);
int rp_seed(struct rp_run *r, const struct mmt_snapshot *s, uint64_t *errors);
/* memcg_walk.c: sets the model's memcg walk from --memcg-walk or the
 * trace's snapshot items; the note for the outputs; "partial"/"whole"
 * and what decided it. */
void rp_memcg_walk_setup(struct rp_run *r);
const char *rp_memcg_walk_note(const struct rp_run *r);
const char *rp_memcg_walk_name(const struct rp_run *r);
const char *rp_memcg_why_name(const struct rp_run *r);
int rp_memcg_kernel_walk(const struct rp_run *r, uint64_t *below, uint64_t *n);
const char *rp_memcg_kernel_note(const struct rp_run *r);
/* The pre-pass's record of the pfns events touch (policy mode). */
int rp_touch_init(struct rp_run *r);
void rp_touch_note(struct rp_run *r, const struct mmt_event *ev);
/* The deferral states the pre-pass found, given to the model's zones. */
void rp_defer_note(struct rp_run *r, const struct mmt_event *ev);
void rp_kcompactd_note(struct rp_run *r, const struct mmt_event *ev);
void rp_seed_kcompactd(struct rp_run *r);
void rp_seed_defer(struct rp_run *r);
/* A trace names its host's memory: a model larger than this machine can
 * hold (MemAvailable, or $MMTRACE_MAX_MODEL_MB) would only meet the OOM
 * killer.  0, or -1 with a message naming the trace. */
int rp_model_fits(const struct mmc_topology *t, const char *trace, char *err,
		  size_t errlen);
void rp_seed_empty(struct rp_run *r);
/* The recording host's SwapTotal in pages (header note meminfo.SwapTotal);
 * 0 when the trace does not record it (the replay says so). */
uint64_t rp_swap_pages(const struct mmt_header *h);

/* zonefree.c */
int rp_zone_free_open(struct rp_run *r);
void rp_zone_free_sample(struct rp_run *r, const struct mmt_event *ev);
int rp_zone_free_finish(struct rp_run *r);
void rp_zone_free_result(const struct rp_run *r, struct mmt_replay_result *res);
void rp_zone_free_json(const struct rp_run *r, FILE *f);
void rp_zone_free_free(struct rp_run *r);

/* series.c */
int rp_series_open(struct rp_run *r);
void rp_series_sample(struct rp_run *r, uint64_t t);
void rp_series_close(struct rp_run *r);
void rp_free_totals(const struct mmc *m, uint64_t fc[MMC_NR_ORDERS]);
int rp_zone_name_type(const char *name);
const char *rp_zone_type_name(int type);

/* mirror.c: compare the model's free map with the end snapshot */
int rp_mirror_check(struct rp_run *r, struct mmt_replay_result *res,
		    FILE *txt);

/* summary.c */
int rp_write_outputs(struct rp_run *r, struct mmt_replay_result *res);
FILE *rp_create(const char *dir, const char *name);
/* Modeled time of the slow operations (after calibration). */
void rp_model_slow_ns(const struct rp_run *r, uint64_t *dr, uint64_t *comp,
		      uint64_t *nr);

/* vmstat.c: the model's kernel-named counters beside the kernel's. */
/* The kernel's count of a model item (enum mmc_vm_item): its /proc/vmstat
 * delta between the trace's snapshots, or its tracepoint's events in the
 * trace.  0 when the trace cannot tell. */
int rp_kernel_count(struct rp_run *r, int item, uint64_t *v);
/* Says on stderr (once a run, not under quiet_damage) which snapshot
 * vmstat items are there but not counts. */
void rp_vmstat_check(const struct rp_run *r);
/* The order-9 unusable free space index (0..1) of the end snapshot's
 * free lists summed over every zone, as the model's end figure is
 * computed; 0 without an end snapshot. */
int rp_kernel_unusable(struct rp_run *r, double *v);
/* model_vs_kernel.tsv (tsv) or the table replay prints. */
void rp_print_kernel_table(struct rp_run *r, FILE *f, int tsv);
/* vmstat.tsv: every model counter. */
int rp_write_vmstat(struct rp_run *r, FILE *f);

#endif
