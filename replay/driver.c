/* SPDX-License-Identifier: MIT */
/*
 * Replay driver: reads the trace and feeds each event into mmcore.
 *
 * Mirror mode places every allocation at the kernel's pfn.  The kernel's
 * per-cpu lists are followed through the pcp events when the trace has
 * them: a free of a pcp order lands on "the kernel's pcp" (still allocated
 * for the buddy, which is also how kpageflags shows it), a pcp drain frees
 * it into the model's buddy, a pcp refill takes it out of the buddy, and an
 * allocation of a page the kernel held on a pcp list leaves the buddy
 * alone.  Without pcp events every free goes straight to the model.  The
 * model's own pcp is emptied after each drain so that its buddy state is
 * the kernel's; kswapd and compaction never run on their own here (the
 * kernel's reclaim shows up as frees in the trace).
 *
 * Policy mode lets mmcore place pages: the trace is the workload's demand.
 *
 * Pages.  Real -> simulated page map (fwd): real pfn -> sim pfn <<
 * FWD_SHIFT | flags | order << 1 | dead, where dead means the model
 * reclaimed it (or failed to allocate it): a later free is absorbed.  Pages
 * allocated before the trace started are at the same pfn in model and
 * kernel, so a pfn missing from the map is itself.  rev maps sim -> real so
 * the reclaim and migrate hooks can find the real page.
 *
 * Slab (objects.c; no double counting).  A pre-pass finds the PAGE_ALLOCs
 * that are slab pages or large kmallocs (an object of the trace lands in
 * the block while it is live).  The replay skips them and their frees
 * (FWD_SLAB), and feeds the object events to the model's SLUB instead:
 * kmalloc by size class (bytes_alloc), kmem_cache_alloc by the header's
 * cache table (created in the model once per cache), so the model takes its
 * slab pages from its own buddy allocator when its slabs run out, and
 * gives them back when they empty.  Objects map real (pfn, offset) ->
 * simulated (pfn, offset); a free looks the object up.  Objects that
 * existed when the trace began are NOT in the model's SLUB: their pages are
 * plain allocated pages seeded from the start snapshot (class SLAB), freed
 * when the kernel's PAGE_FREE says so, and a free of such an object is
 * absorbed and counted (slab.frees_of_pretrace_objects).  New objects that
 * the kernel put into those pre-existing slabs make the model allocate
 * slab pages the kernel did not, so the model's page allocations run
 * somewhat above the kernel's (model_vs_kernel.tsv: pages_allocated,
 * slab_page_allocs; summary.json "slab").
 *
 * Faults.  A user fault is linked to the next movable PAGE_ALLOC on the
 * same cpu (same pid, within FAULT_LINK_NS).  For a write fault the page
 * comes from mmc_fault() instead of that PAGE_ALLOC, so THP enabled/defrag
 * decide the order (objects.c says which 2 MiB regions a THP fits in); the
 * kernel's page is mapped to the model's page, or to a 4 KiB piece of a
 * model THP (FWD_THPSUB, the THP freed when its last piece is), and a fault
 * the model's THP already covers allocates nothing.  A read fault followed
 * by an allocation is a page cache read: a plain allocation.  A later fault
 * on a present page at that address (error code bit 0) is a touch, or a
 * refault (mmc_fault swaps it in) when the model reclaimed it.  Frees of
 * fault pages unmap them from the model's address space view first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "replay_int.h"

#define HPAGE_NR 512ull
#define FAULT_LINK_NS 1000000ull	/* fault -> its page allocation */
#define TICK_NS 1000000ull		/* mmc_tick granularity */
#define BOUNDARY_NS 100000000ull	/* snapshot read time (mirror) */
#define RP_MAX_SAMPLES 100000		/* time series rows per zone */

static int model_cpu(const struct rp_run *r, unsigned cpu)
{
	/* no division for the usual in-range cpu: this runs per event */
	return (int)(cpu < r->nr_cpus ? cpu : cpu % r->nr_cpus);
}

static int cpu_node(const struct rp_run *r, int cpu)
{
	return r->topo.cpu_node[cpu];
}

static struct rp_cpu *trace_cpu(struct rp_run *r, unsigned cpu)
{
	return &r->cpus[cpu < r->nr_trace_cpus ? cpu : cpu % r->nr_trace_cpus];
}

/* ---- latency accounting ---------------------------------------------- */

static int is_slow(const struct mmc_result *res)
{
	return (res->path & (MMC_PATH_NODE_RECLAIM | MMC_PATH_DIRECT_RECLAIM |
			     MMC_PATH_COMPACT)) != 0;
}

/* Fast paths cost only uncalibrated constants: into the histogram now.
 * Slow paths wait until the fits are known (end of the trace). */
static void account(struct rp_run *r, int op, const struct mmc_result *res,
		    unsigned order, uint64_t extra_ns)
{
	if (is_slow(res)) {
		struct rp_slowvec *s = &r->slow;

		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 1024;
			struct rp_slow *v = realloc(s->v, cap * sizeof(*v));

			if (!v)
				return;
			s->v = v;
			s->cap = cap;
		}
		s->v[s->n].res = *res;
		s->v[s->n].extra_ns = extra_ns;
		s->v[s->n].op = (uint8_t)op;
		s->n++;
		return;
	}
	rp_hist_add(&r->hist[op], rp_cost_alloc(&r->costs, res, order, NULL,
						NULL) + extra_ns);
}

static void account_slow(struct rp_run *r, const struct rp_slow *s)
{
	uint64_t rec = 0, comp = 0, ns;

	ns = rp_cost_alloc(&r->costs, &s->res, 0, &rec, &comp) + s->extra_ns;
	rp_hist_add(&r->hist[s->op], ns);
	if (rec)
		rp_hist_add(&r->hist[RP_OP_RECLAIM], rec);
	if (comp)
		rp_hist_add(&r->hist[RP_OP_COMPACTION], comp);
}

void rp_account(struct rp_run *r, int op, const struct mmc_result *res,
		unsigned order, uint64_t extra_ns)
{
	account(r, op, res, order, extra_ns);
}

/* The time series' kswapd_active flag: an allocation on the node woke
 * kswapd.  (Its counters come from the model: mmc_node_vmstat.) */
static void count_result(struct rp_run *r, const struct mmc_result *res,
			 int cpu)
{
	/* a page of the trace the model could not place (the kernel did) */
	if (res->pfn == UINT64_MAX)
		r->demand_fail++;
	rp_count_wake(r, res, cpu);
}

/* An attempt that woke kswapd: the node's kswapd is active. */
void rp_count_wake(struct rp_run *r, const struct mmc_result *res, int cpu)
{
	if (res->path & MMC_PATH_KSWAPD_WAKE) {
		int node = res->pfn != UINT64_MAX && res->node >= 0 &&
			   res->node < MMC_MAX_NODES ? res->node : cpu_node(r, cpu);

		r->node[node].kswapd_woken = 1;
	}
}

uint64_t rp_demand_alloc_fail(const struct rp_run *r)
{
	return r->demand_fail;
}

void rp_count_result(struct rp_run *r, const struct mmc_result *res, int cpu)
{
	count_result(r, res, cpu);
}

/* ---- hooks (policy mode) ---------------------------------------------- */

static void on_reclaim(void *ctx, uint64_t pfn, unsigned order)
{
	struct rp_run *r = ctx;
	uint64_t n = order <= MMC_PAGEBLOCK_ORDER ? 1ull << order : 1;

	for (uint64_t p = pfn; p < pfn + n; p++) {
		uint64_t real, e;

		if (rp_pmap_take(&r->rev, p, &real)) {
			/* an orphan (demand.c) has no real page to mark */
			if (real != REV_ORPHAN &&
			    rp_pmap_get(&r->fwd, real, &e) &&
			    e >> FWD_SHIFT == p)
				rp_pmap_put(&r->fwd, real, e | FWD_DEAD);
		} else if (!rp_pmap_get(&r->fwd, p, &e)) {
			/* a page allocated before the trace: real == sim */
			rp_pmap_put(&r->fwd, p, p << FWD_SHIFT | FWD_DEAD);
		}
	}
	rp_demand_reclaimed(r, pfn, order);
	if (order == MMC_PAGEBLOCK_ORDER)
		rp_map_del(&r->sl.thp_ref, pfn);
}

static void on_migrate(void *ctx, uint64_t from, uint64_t to, unsigned order)
{
	struct rp_run *r = ctx;
	uint64_t real, e, n = order <= MMC_PAGEBLOCK_ORDER ? 1ull << order : 1;

	/* every piece: a model THP has one rev entry per mapped 4 KiB page */
	for (uint64_t i = 0; i < n; i++) {
		if (rp_pmap_take(&r->rev, from + i, &real)) {
			if (rp_pmap_get(&r->fwd, real, &e))
				rp_pmap_put(&r->fwd, real, (to + i) << FWD_SHIFT |
					    (e & FWD_FLAGS));
			rp_pmap_put(&r->rev, to + i, real);
		} else if (i == 0 && !rp_pmap_get(&r->fwd, from, &e)) {
			rp_pmap_put(&r->fwd, from, to << FWD_SHIFT |
				    (uint64_t)order << 1);
			rp_pmap_put(&r->rev, to, from);
		}
	}
	rp_demand_migrated(r, from, to);
	if (order == MMC_PAGEBLOCK_ORDER && rp_map_take(&r->sl.thp_ref, from, &e))
		rp_map_put(&r->sl.thp_ref, to, e);
}

/* Compaction split the model's folio at sim into order-0 pages (to move
 * them one by one): the kernel's folio now maps page by page, so each
 * piece can follow its own migration; the kernel's free of the whole
 * folio frees the pieces (policy_free, free_pieces). */
static void on_split(void *ctx, uint64_t sim, unsigned order)
{
	struct rp_run *r = ctx;
	uint64_t real, e;

	rp_demand_split(r, sim, order);
	if (rp_pmap_get(&r->rev, sim, &real) && real == REV_ORPHAN) {
		/* the model's own page (demand.c): so is every piece */
		for (uint64_t i = 1; i < (1ull << order); i++)
			rp_pmap_put(&r->rev, sim + i, REV_ORPHAN);
		r->splits++;
		return;
	}
	if (!rp_pmap_take(&r->rev, sim, &real)) {
		/* a page allocated before the trace: real == sim */
		if (rp_pmap_get(&r->fwd, sim, &e))
			return;		/* the sim pfn belongs to another page */
		real = sim;
		e = sim << FWD_SHIFT | (uint64_t)order << 1;
	} else if (!rp_pmap_get(&r->fwd, real, &e)) {
		return;
	}
	for (uint64_t i = 0; i < (1ull << order); i++) {
		rp_pmap_put(&r->fwd, real + i, (sim + i) << FWD_SHIFT |
			    (e & FWD_FLAGS & ~(0xfull << 1)));
		rp_pmap_put(&r->rev, sim + i, real + i);
	}
	r->splits++;
}

/* ---- policy mode ------------------------------------------------------ */

static void map_alloc_flags(struct rp_run *r, uint64_t real, uint64_t sim,
			    unsigned order, uint64_t flags)
{
	uint64_t e, v = sim == UINT64_MAX ? FWD_DEAD | flags | (uint64_t)order << 1 :
			sim << FWD_SHIFT | flags | (uint64_t)order << 1;

	if (rp_pmap_swap(&r->fwd, real, v, &e) == 1 && !(e & FWD_DEAD)) {
		/* a lost free: the old simulated page stays allocated */
		r->alloc_over_live++;
		rp_pmap_del(&r->rev, e >> FWD_SHIFT);
	}
	if (sim != UINT64_MAX)
		rp_pmap_put(&r->rev, sim, real);
}

static void map_alloc(struct rp_run *r, uint64_t real, uint64_t sim,
		      unsigned order)
{
	map_alloc_flags(r, real, sim, order, 0);
}

/* Sim pfn of a live real page; UINT64_MAX when reclaimed or unknown. */
static uint64_t real_to_sim(struct rp_run *r, uint64_t real)
{
	uint64_t e, other;

	if (rp_pmap_get(&r->fwd, real, &e))
		return e & FWD_DEAD ? UINT64_MAX : e >> FWD_SHIFT;
	if (rp_pmap_get(&r->rev, real, &other))
		return UINT64_MAX;	/* sim pfn reused for another page */
	return real;
}

/* The fault a page allocation on this CPU may follow (policy_alloc); by
 * task too, for a THP allocation the CPU link misses (thpfault.c). */
static void fault_begin(struct rp_run *r, struct rp_cpu *c,
			const struct mmt_event *ev)
{
	rp_tf_note(&r->tf, ev);
	c->fault_ts = ev->ts + 1;
	c->fault_addr = ev->addr;
	c->fault_pid = ev->pid;
	c->fault_write = (ev->arg & 2) != 0;	/* X86_PF_WRITE */
}

static void fault_finish(struct rp_run *r, struct rp_cpu *c)
{
	if (!c->fault_ts)
		return;
	/* no page allocation followed: a minor fault (page cache hit,
	 * zero page, permission upgrade) */
	rp_hist_add(&r->hist[RP_OP_FAULT], (uint64_t)r->costs.fault);
	c->fault_ts = 0;
}

/* A kernel slab page (or large kmalloc): the model's SLUB makes its own
 * (objects.c); remember it so that its free is skipped too. */
static void slab_page_alloc(struct rp_run *r, const struct mmt_event *ev)
{
	uint64_t e;

	r->sl.kernel_slab_page_allocs += 1ull << (ev->order & 31);
	if (rp_pmap_swap(&r->fwd, ev->pfn, FWD_SLAB | FWD_DEAD |
			 (uint64_t)(ev->order & 0xf) << 1, &e) == 1 &&
	    !(e & FWD_DEAD)) {
		r->alloc_over_live++;
		rp_pmap_del(&r->rev, e >> FWD_SHIFT);
	}
}

/* The kernel's allocation failed (mm_page_alloc with no page: a
 * __GFP_NORETRY readahead or write folio, a THP): its caller fell back to
 * what the trace shows next.  The model makes the same request for what
 * it costs (its reclaim, compaction and stalls count), and a page it gets
 * goes straight back, so the fallback the trace goes on with is not
 * doubled.  Not the model's failure when it fails too. */
static void kernel_failed_alloc(struct rp_run *r, const struct mmt_event *ev,
				uint64_t gfp, int cpu)
{
	struct mmc_result res, fr;

	r->kernel_fails++;
	memset(&res, 0, sizeof(res));
	if (mmc_alloc(r->m, ev->order, gfp, cpu, &res) < 0)
		res.pfn = UINT64_MAX;
	count_result(r, &res, cpu);
	account(r, RP_OP_ALLOC, &res, ev->order, 0);
	if (res.pfn == UINT64_MAX) {
		r->demand_fail--;	/* as the kernel's */
		return;
	}
	r->kernel_fails_model_got++;
	if (mmc_free(r->m, res.pfn, ev->order, cpu, &fr) < 0)
		r->unmatched_frees++;
}

static void plain_alloc(struct rp_run *r, const struct mmt_event *ev,
			uint64_t gfp, int cpu, struct mmc_result *res)
{
	memset(res, 0, sizeof(*res));
	if (mmc_alloc(r->m, ev->order, gfp, cpu, res) < 0)
		res->pfn = UINT64_MAX;
	count_result(r, res, cpu);
	map_alloc(r, ev->pfn, res->pfn, ev->order);
}

/* The kernel's page lands in the model THP holding sim: one more piece. */
static void map_thp_piece(struct rp_run *r, const struct mmt_event *ev,
			  uint64_t sim)
{
	uint64_t head = sim & ~(HPAGE_NR - 1), n = 0;

	(void)rp_map_get(&r->sl.thp_ref, head, &n);
	rp_map_put(&r->sl.thp_ref, head, n + 1);
	map_alloc_flags(r, ev->pfn, sim, 0, FWD_THPSUB | FWD_ANON);
}

/* The kernel put a THP where the model maps 4 KiB pages (THP off, not
 * allowed there, or no order-9 block free).  The model faults in the
 * other 511 pages of the 2 MiB too, each with its own fault and
 * allocation cost: what the workload would take if it touches the whole
 * huge page, which the trace cannot tell (an upper bound).  Piece i of
 * the kernel's block maps to the model page at base + i * 4 KiB; the
 * kernel's free of the block frees them all (policy_free). */
static void kernel_thp_as_pages(struct rp_run *r, const struct mmt_event *ev,
				const struct rp_cpu *c, int cpu, uint64_t first)
{
	uint64_t base = c->fault_addr & ~((HPAGE_NR << 12) - 1);
	uint64_t i0 = (c->fault_addr >> 12) & (HPAGE_NR - 1);
	struct mmc_result res;

	r->sl.fault_fallback_alloc++;
	for (uint64_t i = 0; i < HPAGE_NR; i++) {
		uint64_t sim = first;
		int kind;

		if (i != i0) {
			kind = mmc_fault(r->m, c->fault_pid, base + (i << 12),
					 MMC_FAULT_WRITE | MMC_FAULT_USER, cpu,
					 &res);
			sim = kind == MMC_FK_MINOR ? UINT64_MAX : res.pfn;
			if (kind != MMC_FK_MINOR) {
				r->sl.fault_allocs++;
				count_result(r, &res, cpu);
				account(r, RP_OP_ALLOC, &res, 0, 0);
				account(r, RP_OP_FAULT, &res, 0,
					(uint64_t)(r->costs.fault +
						   r->costs.clear_page));
			}
		}
		map_alloc_flags(r, ev->pfn + i, sim, 0, FWD_ANON);
	}
}

/* The page of a write fault comes from mmc_fault (THP policy applies).
 * Returns 2 when the model allocated a THP, 1 a 4 KiB page (res filled),
 * 0 nothing (its THP already covers the address), -1 when the model's
 * view says the address is mapped by a 4 KiB page: the caller allocates
 * plainly (a COW, or an unmap the trace did not show). */
static int fault_page(struct rp_run *r, const struct mmt_event *ev,
		      const struct rp_cpu *c, int cpu, struct mmc_result *res)
{
	unsigned flags = MMC_FAULT_WRITE | MMC_FAULT_USER |
			 rp_fault_thp_flags(r, c->fault_pid, c->fault_addr);
	uint64_t n;
	int kind = mmc_fault(r->m, c->fault_pid, c->fault_addr, flags, cpu, res);

	if (kind < 0 || res->pfn == UINT64_MAX) {
		r->sl.fault_oom++;
		res->pfn = UINT64_MAX;
		count_result(r, res, cpu);
		map_alloc(r, ev->pfn, UINT64_MAX, ev->order);
		return 1;
	}
	if (kind == MMC_FK_MINOR) {
		if (!rp_map_get(&r->sl.thp_ref, res->pfn & ~(HPAGE_NR - 1), &n))
			return -1;	/* model says mapped: COW or lost unmap */
		/* the model's THP already backs this address */
		r->sl.fault_in_thp++;
		map_thp_piece(r, ev, res->pfn);
		return 0;
	}
	count_result(r, res, cpu);
	r->sl.fault_allocs++;
	if (kind == MMC_FK_THP) {
		r->sl.fault_thp++;
		if (ev->order >= MMC_PAGEBLOCK_ORDER)
			map_alloc_flags(r, ev->pfn, res->pfn & ~(HPAGE_NR - 1),
					MMC_PAGEBLOCK_ORDER, FWD_ANON);
		else
			map_thp_piece(r, ev, res->pfn);
		return 2;
	}
	if (ev->order >= MMC_PAGEBLOCK_ORDER) {
		kernel_thp_as_pages(r, ev, c, cpu, res->pfn);
		return 1;
	}
	map_alloc_flags(r, ev->pfn, res->pfn, 0, FWD_ANON);
	return 1;
}

uint64_t rp_gfp_canon(struct rp_run *r, uint64_t raw)
{
	unsigned i = (unsigned)((raw * 0x9e3779b97f4a7c15ull) >> 56);

	if (r->gfp_raw[i] != raw) {
		r->gfp_raw[i] = raw;
		r->gfp_canon[i] = mmt_gfp_canon(&r->dec, raw);
	}
	return r->gfp_canon[i];
}

/* A user page allocated outside the page cache paths: GFP_HIGHUSER_MOVABLE
 * (anon with __GFP_ZERO, a COW copy, shmem), not a write_begin's
 * (__GFP_WRITE) nor a readahead's (__GFP_NORETRY | __GFP_NOWARN) folio,
 * which FILEMAP_ADD puts on the file LRU. */
static int user_anon_gfp(uint64_t gfp)
{
	uint64_t want = MMC_GFP(MMT_GFP_MOVABLE) | MMC_GFP(MMT_GFP_HARDWALL);
	uint64_t not = MMC_GFP(MMT_GFP_WRITE) | MMC_GFP(MMT_GFP_NORETRY) |
		       MMC_GFP(MMT_GFP_NOWARN);

	return (gfp & (want | not)) == want;
}

/* The fault c holds got its page (from the CPU's link, or a late one). */
static void fault_used(struct rp_run *r, struct rp_cpu *c, struct rp_cpu *cpu_c)
{
	rp_tf_done(&r->tf, c->fault_pid, c->fault_ts);
	if (cpu_c->fault_ts == c->fault_ts && cpu_c->fault_pid == c->fault_pid)
		cpu_c->fault_ts = 0;
	c->fault_ts = 0;
}

/* An allocation the CPU link missed: a THP fault's order-9 page, or the
 * page after a failed kernel THP attempt, takes its task's fault
 * (thpfault.c) in a copy of the CPU's state.  c, or late. */
static struct rp_cpu *late_link(struct rp_run *r, const struct mmt_event *ev,
				uint64_t gfp, struct rp_cpu *c,
				struct rp_cpu *late, int *linked)
{
	int thp = rp_tf_thp_gfp(gfp, ev->order);
	struct rp_tfault *s = thp ? rp_tf_find(&r->tf, ev)
				  : rp_tf_find_fallback(&r->tf, ev);

	if (!s)
		return c;
	*late = *c;
	late->fault_ts = s->ts1;
	late->fault_addr = s->addr;
	late->fault_pid = s->pid;
	late->fault_write = 1;
	*linked = 1;
	if (ev->pfn == MMT_NO_PFN)
		;		/* a failed try: counted as one */
	else if (thp)
		r->tf.linked_late++;
	else
		r->tf.fallbacks_linked++;
	return late;
}

static void policy_alloc(struct rp_run *r, const struct mmt_event *ev)
{
	struct mmc_result res;
	int cpu = model_cpu(r, ev->cpu);
	struct rp_cpu *c = trace_cpu(r, ev->cpu), *cpu_c = c, late;
	uint64_t gfp = rp_gfp_canon(r, ev->gfp);
	int linked, got;
	uint32_t fid;

	if (rp_page_is_slab(r)) {
		slab_page_alloc(r, ev);
		return;
	}
	linked = c->fault_ts && ev->ts + 1 - c->fault_ts <= FAULT_LINK_NS &&
		 (!c->fault_pid || !ev->pid || c->fault_pid == ev->pid) &&
		 (gfp & MMC_GFP(MMT_GFP_MOVABLE));
	/* a page-cache page (demand.c): nothing to allocate when the model
	 * still holds that file page */
	fid = r->dm.nr_afid ? rp_demand_alloc_fid(r, r->sl.ordinal - 1) : 0;
	if (fid && rp_demand_alloc_held(r, fid, ev)) {
		if (linked) {
			rp_hist_add(&r->hist[RP_OP_FAULT],
				    (uint64_t)r->costs.fault);
			fault_used(r, c, cpu_c);
		}
		return;
	}
	if (!fid && !(linked && c->fault_write) &&
	    (gfp & MMC_GFP(MMT_GFP_MOVABLE)))
		c = late_link(r, ev, gfp, c, &late, &linked);
	if (ev->pfn == MMT_NO_PFN && linked && c->fault_write && !fid &&
	    rp_tf_thp_gfp(gfp, ev->order)) {
		/* the kernel's THP attempt failed: its next try or its 4 KiB
		 * fallback is the fault's page, and the model makes its own
		 * attempts then (mmc_fault, as alloc_pages_mpol() and
		 * do_huge_pmd_anonymous_page() do) */
		r->kernel_fails++;
		rp_tf_kernel_failed(&r->tf, c->fault_pid, c->fault_ts, ev);
		return;
	}
	if (ev->pfn == MMT_NO_PFN && (!linked || !c->fault_write)) {
		kernel_failed_alloc(r, ev, gfp, cpu);
		return;
	}
	if (!linked || !c->fault_write || fid) {
		/* not a fault's page, or a read fault's: page cache */
		plain_alloc(r, ev, gfp, cpu, &res);
		/* a folio the model has no block for: order-0 pieces, as
		 * readahead falls back (the failed attempt then is none) */
		if (res.pfn == UINT64_MAX && fid && ev->order &&
		    rp_demand_alloc_pieces(r, fid, ev, gfp, cpu))
			r->demand_fail--;
		/* a costly __GFP_NORETRY folio that never became a page-cache
		 * page (filemap_add_folio() found the range cached, the
		 * folio went back): page_cache_ra_order() falls back to
		 * order-0 pages when its allocation fails, and the trace
		 * holds those next; the model's failure is that fallback.
		 * So is a THP no write fault of the trace asked for (its
		 * fault event missing or a read fault's; khugepaged):
		 * every THP allocation's caller falls back (4 KiB pages, no
		 * collapse) */
		else if (res.pfn == UINT64_MAX && !fid &&
			 !(linked && c->fault_write) && ev->order > 3 &&
			 ((gfp & MMC___GFP_NORETRY) ||
			  rp_tf_thp_gfp(gfp, ev->order))) {
			r->demand_fail--;
			r->noretry_unplaced++;
		}
		/* an order-0 readahead page (readahead_gfp_mask():
		 * __GFP_NORETRY) the model cannot place: readahead stops
		 * there, and the reader allocates the page itself with the
		 * mapping's mask, no NORETRY (filemap_create_folio()), as
		 * place_piece() does for a folio's pieces; that second
		 * attempt's outcome stands for the page */
		else if (res.pfn == UINT64_MAX && fid && !ev->order &&
			 (gfp & MMC___GFP_NORETRY)) {
			r->demand_fail--;
			r->readahead_retried++;
			/* the reader waited for both */
			account(r, RP_OP_ALLOC, &res, ev->order, 0);
			plain_alloc(r, ev, gfp & ~MMC___GFP_NORETRY, cpu, &res);
		}
		if (!linked && !fid && res.pfn != UINT64_MAX && user_anon_gfp(gfp) &&
		    ev->order < MMC_PAGEBLOCK_ORDER) {
			/* a user page with no fault before it (a fault in
			 * kernel mode, a lost link): anon or shmem, on the LRU
			 * as the kernel has it, not an unmovable page */
			if (mmc_lru_add(r->m, res.pfn, ev->order, MMC_PC_ANON) < 0)
				r->dup_lru++;
			else
				r->sl.anon_unlinked += 1ull << ev->order;
		}
		account(r, RP_OP_ALLOC, &res, ev->order, 0);
		if (linked) {
			account(r, RP_OP_FAULT, &res, ev->order,
				(uint64_t)r->costs.fault);
			fault_used(r, c, cpu_c);
		}
		return;
	}
	memset(&res, 0, sizeof(res));
	got = fault_page(r, ev, c, cpu, &res);
	if (got < 0) {
		plain_alloc(r, ev, gfp, cpu, &res);
		if (res.pfn != UINT64_MAX &&
		    mmc_lru_add(r->m, res.pfn, ev->order, MMC_PC_ANON) < 0)
			r->dup_lru++;
		got = 1;
	}
	if (got) {
		unsigned o = got == 2 ? MMC_PAGEBLOCK_ORDER : 0;

		account(r, RP_OP_ALLOC, &res, o, 0);
		account(r, RP_OP_FAULT, &res, o,
			(uint64_t)(r->costs.fault + r->costs.clear_page *
				   (double)(1ull << o)));
	} else {
		rp_hist_add(&r->hist[RP_OP_FAULT], (uint64_t)r->costs.fault);
	}
	/* its address remembered for touches and refaults */
	rp_map_put(&r->addr, rp_addr_key(c->fault_pid, c->fault_addr),
		   ev->pfn);
	fault_used(r, c, cpu_c);
}

/* A kernel free of one 4 KiB piece of a model THP: the THP goes when its
 * last piece does. */
static void free_thp_piece(struct rp_run *r, uint64_t sim, int cpu)
{
	uint64_t head = sim & ~(HPAGE_NR - 1), n;
	struct mmc_result res;

	if (!rp_map_get(&r->sl.thp_ref, head, &n)) {
		r->unmatched_frees++;
		return;
	}
	if (n > 1) {
		rp_map_put(&r->sl.thp_ref, head, n - 1);
		return;
	}
	rp_map_del(&r->sl.thp_ref, head);
	mmc_unmap_pfn(r->m, head, MMC_PAGEBLOCK_ORDER);
	memset(&res, 0, sizeof(res));
	if (mmc_free(r->m, head, MMC_PAGEBLOCK_ORDER, cpu, &res) < 0)
		r->unmatched_frees++;
	else
		r->sl.thp_frees++;
}

/* Frees one kernel-block piece's model page (see kernel_thp_as_pages). */
static void free_piece(struct rp_run *r, uint64_t e, int cpu)
{
	struct mmc_result res;
	uint64_t sim = e >> FWD_SHIFT;

	if (e & FWD_DEAD) {
		r->absorbed++;
		return;
	}
	rp_pmap_del(&r->rev, sim);
	mmc_unmap_pfn(r->m, sim, 0);
	rp_demand_page_gone(r, sim);
	memset(&res, 0, sizeof(res));
	if (mmc_free(r->m, sim, 0, cpu, &res) < 0)
		r->unmatched_frees++;
}

/* The kernel freed a THP that the model holds as 4 KiB pages. */
static void free_pieces(struct rp_run *r, const struct mmt_event *ev,
			uint64_t head, int cpu)
{
	uint64_t e;

	free_piece(r, head, cpu);
	for (uint64_t i = 1; i < (1ull << ev->order); i++)
		if (rp_pmap_take(&r->fwd, ev->pfn + i, &e))
			free_piece(r, e, cpu);
}

static void policy_free(struct rp_run *r, const struct mmt_event *ev)
{
	struct mmc_result res;
	uint64_t e = 0, sim, other;
	unsigned order = ev->order;
	int cpu = model_cpu(r, ev->cpu);

	/* the kernel's reclaim, migration and compaction are not demand */
	if (r->dm.causes && rp_demand_response_free(r, ev))
		return;
	if (rp_pmap_take(&r->fwd, ev->pfn, &e)) {
		if (e & FWD_SLAB) {
			r->sl.kernel_slab_page_frees += 1ull << FWD_ORDER(e);
			return;
		}
		/* the model holds the kernel's block as order-0 pieces: a
		 * THP it faulted in 4 KiB at a time, or a folio compaction
		 * split */
		if (!(e & FWD_THPSUB) && FWD_ORDER(e) == 0 && ev->order &&
		    ((e & FWD_ANON) ? ev->order >= MMC_PAGEBLOCK_ORDER
				    : ev->order <= MMC_MAX_ORDER)) {
			free_pieces(r, ev, e, cpu);
			return;
		}
		if (e & FWD_DEAD) {
			r->absorbed++;
			return;
		}
		sim = e >> FWD_SHIFT;
		order = FWD_ORDER(e);
		rp_pmap_del(&r->rev, sim);
		if (e & FWD_THPSUB) {
			free_thp_piece(r, sim, cpu);
			return;
		}
	} else {
		if (rp_pmap_get(&r->rev, ev->pfn, &other)) {
			r->unmatched_frees++;
			return;
		}
		sim = ev->pfn;
	}
	if (e & FWD_ANON)
		mmc_unmap_pfn(r->m, sim, order);
	rp_demand_page_gone(r, sim);
	memset(&res, 0, sizeof(res));
	if (mmc_free(r->m, sim, order, cpu, &res) < 0)
		r->unmatched_frees++;
}

static void policy_fault(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_cpu *c = trace_cpu(r, ev->cpu);
	uint64_t key = rp_addr_key(ev->pid, ev->addr), real, e;
	struct mmc_result res;
	int cpu = model_cpu(r, ev->cpu), kind;

	fault_finish(r, c);
	/* a fault on a present page (error code bit 0) at an address whose
	 * page the trace allocated and has not freed: a touch */
	if (!(ev->arg & 1) || !rp_map_get(&r->addr, key, &real) ||
	    !rp_pmap_get(&r->fwd, real, &e) || (e & FWD_SLAB)) {
		fault_begin(r, c, ev);
		return;
	}
	if (!(e & FWD_DEAD)) {
		mmc_lru_touch(r->m, e >> FWD_SHIFT);
		r->touches++;
		/* a write to it may copy it (COW): the page allocation that
		 * follows is the fault's; fault_finish() counts a touch */
		fault_begin(r, c, ev);
		return;
	}
	/* the model reclaimed a page the workload still uses: refault.
	 * mmc_fault finds the shadow entry and swaps it in (do_swap_page). */
	kind = mmc_fault(r->m, ev->pid, ev->addr, MMC_FAULT_WRITE |
			 MMC_FAULT_USER, cpu, &res);
	if (kind < 0)
		res.pfn = UINT64_MAX;
	if (kind != MMC_FK_REFAULT)
		r->refaults++;	/* the view had lost it: still a refault */
	res.path |= MMC_PATH_REFAULT;
	count_result(r, &res, cpu);
	if (kind == MMC_FK_MINOR && res.pfn != UINT64_MAX &&
	    rp_map_get(&r->sl.thp_ref, res.pfn & ~(HPAGE_NR - 1), &e)) {
		rp_map_put(&r->sl.thp_ref, res.pfn & ~(HPAGE_NR - 1), e + 1);
		map_alloc_flags(r, real, res.pfn, 0, FWD_THPSUB | FWD_ANON);
	} else {
		map_alloc_flags(r, real, res.pfn, 0,
				kind == MMC_FK_MINOR ? 0 : FWD_ANON);
	}
	account(r, RP_OP_FAULT, &res, 0,
		(uint64_t)(r->costs.fault + r->costs.refault));
}

static void policy_filemap(struct rp_run *r, const struct mmt_event *ev)
{
	uint64_t sim;

	if (r->dm.file_ids && rp_demand_filemap_add(r, ev))
		return;		/* a file page known by identity */
	sim = real_to_sim(r, ev->pfn);
	if (sim != UINT64_MAX && mmc_lru_add(r->m, sim, ev->order, MMC_PC_FILE) < 0)
		r->dup_lru++;
}

/* ---- mirror mode ------------------------------------------------------ */

static uint64_t online_block(struct rp_run *r, uint64_t pfn);

static int pcp_order(const struct rp_run *r, unsigned order)
{
	/* pcp_allowed_order(): orders up to PAGE_ALLOC_COSTLY_ORDER, and
	 * pageblock_order for THP */
	return order <= 3 || order == (r->h->pageblock_order ?
				       r->h->pageblock_order : 9);
}

static void mirror_flush_pcp(struct rp_run *r, int *dirty)
{
	if (*dirty) {
		mmc_drain_all(r->m);
		*dirty = 0;
	}
}

/*
 * A page freed at a pcp order normally goes on the CPU's pcp list (the
 * mirror keeps it in kpcp until a PCP_DRAIN), but free_frozen_pages()
 * sends it straight to the buddy allocator when that list's lock is
 * taken (pcp_spin_trylock(): another CPU draining it, __drain_all_pages()
 * in reclaim and compaction) or its pageblock is isolated: no event says
 * so.  When the kernel then hands out a block that holds such a page
 * (an allocation, a refill, compaction's isolation), it must have been in
 * the buddy allocator: give the kpcp pages inside the block to the model
 * and take the block.  1 when some were.
 */
static int release_kpcp_range(struct rp_run *r, uint64_t pfn, unsigned order,
			      int cpu)
{
	uint64_t v;
	int n = 0;

	if (!r->kpcp.len || order > MMC_MAX_ORDER)
		return 0;
	for (uint64_t p = pfn; p < pfn + (1ull << order); p++)
		if (rp_map_get(&r->kpcp, p, &v)) {
			rp_map_del(&r->kpcp, p);
			if (!mmc_free(r->m, p, (unsigned)v, cpu, NULL))
				n++;
		}
	r->mir.pcp_straight += (uint64_t)n;
	return n > 0;
}

/*
 * The kernel took [pfn, 2^order) off its free lists, so every page of it
 * was free: the model had some allocated (their frees are missing from the
 * trace, or came before the start snapshot's walk).  The model takes the
 * pages of the range it has free, largest aligned pieces first, so that
 * the range is allocated as in the kernel; the pages it had allocated
 * stay allocated.  Left free, the range would stay free in the model until
 * the end (a 60 s pressure run: 4 pages without their free kept 507 free
 * pages of a captured order-9 block out of the allocation).
 */
static void take_free_pieces(struct rp_run *r, uint64_t pfn, unsigned order,
			     int cpu)
{
	uint64_t p = pfn, end;

	if (order > MMC_MAX_ORDER)
		return;
	end = pfn + (1ull << order);
	while (p < end) {
		unsigned o = order + 1;

		while (o-- > 0)
			if (!(p & ((1ull << o) - 1)) && p + (1ull << o) <= end &&
			    !mmc_alloc_at(r->m, p, o, 0, cpu, NULL))
				break;
		p += o > order ? 1 : 1ull << o;
	}
}

/*
 * The kernel took [pfn, 2^order) off its buddy free lists whole, so none
 * of its pages was on a pcp list then: kpcp entries inside it are pages
 * whose drain the trace lacks (a drain that found the list's lock taken
 * or an isolated pageblock frees without mm_page_pcpu_drain).  Left in
 * kpcp they stay "on a pcp list" to the end and hide what the block was
 * (mirror.c, add_reported: a block away for free page reporting then
 * counts as 512 pages unexplained).  The model took the block: they are
 * simply forgotten (a refill puts its own block back after this).
 */
static void forget_kpcp_inside(struct rp_run *r, uint64_t pfn, unsigned order)
{
	uint64_t v;

	if (!r->kpcp.len || !order || order > MMC_MAX_ORDER)
		return;
	for (uint64_t p = pfn; p < pfn + (1ull << order); p++)
		if (rp_map_get(&r->kpcp, p, &v)) {
			rp_map_del(&r->kpcp, p);
			r->mir.pcp_stale++;
		}
}

/* The kernel took [pfn, 2^order) off its free lists: the model does. */
static int mirror_take(struct rp_run *r, uint64_t pfn, unsigned order,
		       uint64_t gfp, int cpu, struct mmc_result *res)
{
	if (!mmc_alloc_at(r->m, pfn, order, gfp, cpu, res)) {
		forget_kpcp_inside(r, pfn, order);
		return 0;
	}
	if (online_block(r, pfn) && !mmc_alloc_at(r->m, pfn, order, gfp, cpu, res))
		return 0;
	if (release_kpcp_range(r, pfn, order, cpu)) {
		mmc_drain_all(r->m);
		if (!mmc_alloc_at(r->m, pfn, order, gfp, cpu, res))
			return 0;
	}
	take_free_pieces(r, pfn, order, cpu);
	return -1;
}

/*
 * A free-scanner pass known only by its range and count: isolate_freepages_
 * block() took free blocks whose heads lie in [start, end) until it had
 * `taken` pages.  Approximated by taking the model's free pages in the
 * range, largest aligned pieces first, up to that count: exact when the
 * pass took every free block it met (stride 1: sync compaction, or after
 * a hit), not when async compaction's stride skipped some.  Pages taken.
 */
static uint64_t range_isolate(struct rp_run *r, uint64_t start, uint64_t end,
			      uint64_t taken, int cpu)
{
	uint64_t got = 0, p = start;
	unsigned pb = r->h->pageblock_order > MMC_MAX_ORDER ? MMC_MAX_ORDER :
		      r->h->pageblock_order;

	/* isolate_freepages_block() scans one pageblock a call: a longer
	 * range is not one pass (and would cost ~11 tries a pfn here) */
	if (end <= start || end - start > (1ull << pb))
		return 0;
	while (p < end && got < taken) {
		unsigned o = MMC_MAX_ORDER + 1;

		while (o-- > 0)
			if (!(p & ((1ull << o) - 1)) && p + (1ull << o) <= end &&
			    !mmc_alloc_at(r->m, p, o, 0, cpu, NULL))
				break;
		if (o > MMC_MAX_ORDER) {
			p++;
			continue;
		}
		got += 1ull << o;
		p += 1ull << o;
	}
	return got;
}

/* The block of an EXTFRAG leaves the buddy allocator (for a pcp list or
 * the PAGE_ALLOC that follows), whatever the model had to give up for it
 * (mirror_take()). */
static void extfrag_take(struct rp_run *r, const struct mmt_event *ev,
			 int *dirty)
{
	struct mmc_result res;

	mirror_flush_pcp(r, dirty);
	memset(&res, 0, sizeof(res));
	if (!mirror_take(r, ev->pfn, ev->order, 0, model_cpu(r, ev->cpu), &res)) {
		rp_map_put(&r->kpcp, ev->pfn, ev->order);
		r->mir.extfrag_taken++;
	}
}

/*
 * Compaction capture (mm/page_alloc.c: __free_one_page() calls
 * compaction_capture()): while a direct compactor drains its pcp lists,
 * the free that completes a free block of the order it compacts for
 * hands that block straight to it, off the free lists.  When the block's
 * migratetype is not the one asked for, compaction_capture() fires
 * mm_page_alloc_extfrag there, inside __free_one_page(), so before the
 * mm_page_pcpu_drain of the page whose free made the block (that
 * tracepoint follows __free_one_page()): the trace has the block taken
 * before it was whole.  An EXTFRAG whose block the model does not have
 * free is therefore held until its CPU's next event; a drain or free
 * inside the block goes first, then the block is taken.  Taken at once
 * instead, the drain that follows freed one page inside the taken block,
 * and every later free of the block failed (a replay of a 60 s pressure
 * run: 511 pages model-allocated the kernel had free).  A capture of the
 * asked-for migratetype has no event: the block stays free in the model
 * until the compactor's PAGE_ALLOC takes it.
 */
static void extfrag_hold(struct rp_run *r, const struct mmt_event *ev,
			 int *dirty)
{
	struct rp_cpu *tc = trace_cpu(r, ev->cpu);

	if (tc->held)		/* two in a row: the first one's turn */
		extfrag_take(r, &tc->held_extfrag, dirty);
	tc->held_extfrag = *ev;
	tc->held = 1;
}

static void mirror_event(struct rp_run *r, const struct mmt_event *ev,
			 int *dirty);

/* mirror_event() after the EXTFRAG held for ev's CPU, or before it when
 * ev is the free that made the captured block. */
static void mirror_event_held(struct rp_run *r, const struct mmt_event *ev,
			      int *dirty)
{
	struct rp_cpu *tc = trace_cpu(r, ev->cpu);
	struct mmt_event h;
	uint64_t end;

	if (!tc->held) {
		mirror_event(r, ev, dirty);
		return;
	}
	h = tc->held_extfrag;
	tc->held = 0;
	end = h.order <= MMC_MAX_ORDER ? h.pfn + (1ull << h.order) : h.pfn;
	if (h.cpu == ev->cpu && ev->order < h.order &&
	    (ev->kind == MMT_EV_PCP_DRAIN || ev->kind == MMT_EV_PAGE_FREE) &&
	    ev->pfn >= h.pfn && ev->pfn + (1ull << ev->order) <= end) {
		mirror_event(r, ev, dirty);
		r->mir.captures++;
		extfrag_take(r, &h, dirty);
		return;
	}
	extfrag_take(r, &h, dirty);
	mirror_event(r, ev, dirty);
}

/* At the end: the held EXTFRAGs no event followed. */
static void mirror_release_held(struct rp_run *r, int *dirty)
{
	for (uint32_t c = 0; c < r->nr_trace_cpus; c++)
		if (r->cpus[c].held) {
			r->cpus[c].held = 0;
			extfrag_take(r, &r->cpus[c].held_extfrag, dirty);
		}
}

static void mirror_event(struct rp_run *r, const struct mmt_event *ev,
			 int *dirty)
{
	struct mmc_result res;
	int cpu = model_cpu(r, ev->cpu);
	uint64_t v;

	memset(&res, 0, sizeof(res));
	switch (ev->kind) {
	case MMT_EV_PAGE_ALLOC:
		if (ev->pfn == UINT64_MAX) {	/* a failed allocation */
			r->mir.alloc_failed++;
			break;
		}
		mirror_flush_pcp(r, dirty);
		if (r->mir.have_pcp_events && rp_map_get(&r->kpcp, ev->pfn, &v)) {
			rp_map_del(&r->kpcp, ev->pfn);
			r->mir.pcp_allocs++;
			res.path = MMC_PATH_PCP_HIT;
		} else if (mirror_take(r, ev->pfn, ev->order,
				       rp_gfp_canon(r, ev->gfp), cpu, &res) < 0) {
			/* allocated in the model already: the start snapshot
			 * was read while this happened, or an event was lost */
			r->mir.alloc_not_free++;
			res.path = MMC_PATH_PCP_HIT;
		}
		res.pfn = ev->pfn;
		count_result(r, &res, cpu);
		account(r, RP_OP_ALLOC, &res, ev->order, 0);
		break;
	case MMT_EV_PAGE_FREE:
		/* compaction_free(): the target goes back on compaction's
		 * private list, not to the buddy allocator */
		if ((r->h->flags & MMT_HDR_CAUSES) &&
		    ev->arg2 == MMT_FREE_COMPACT_RETURN) {
			r->mir.compact_returns++;
			break;
		}
		if (r->mir.have_pcp_events && pcp_order(r, ev->order)) {
			rp_map_put(&r->kpcp, ev->pfn, ev->order);
			break;
		}
		mirror_flush_pcp(r, dirty);
		if (mmc_free(r->m, ev->pfn, ev->order, cpu, &res) < 0)
			r->mir.free_not_alloc++;
		if (!r->mir.have_pcp_events)
			*dirty = 1;
		break;
	case MMT_EV_EXTFRAG:
		/* A fallback that claims a whole free block of pageblock order
		 * or more (try_to_claim_block()) hands its first page out with
		 * only mm_page_alloc_extfrag, no mm_page_alloc_zone_locked:
		 * the page left the buddy allocator, for a pcp list (a refill)
		 * or for the PAGE_ALLOC that follows (which finds it here) */
		if (!r->mir.have_pcp_events || rp_map_get(&r->kpcp, ev->pfn, &v))
			break;
		mirror_flush_pcp(r, dirty);
		if (!mmc_alloc_at(r->m, ev->pfn, ev->order, 0, cpu, &res)) {
			rp_map_put(&r->kpcp, ev->pfn, ev->order);
			r->mir.extfrag_taken++;
		} else {
			extfrag_hold(r, ev, dirty);
		}
		break;
	case MMT_EV_COMPACT_ISOLATE:
		/* __isolate_free_page(): the block leaves the free lists with
		 * no mm_page_alloc; its unused pages come back as frees */
		mirror_flush_pcp(r, dirty);
		r->mir.isolated++;
		if (mirror_take(r, ev->pfn, ev->order, 0, cpu, &res) < 0)
			r->mir.isolate_not_free++;
		break;
	case MMT_EV_COMPACT_SCAN:
		/* a free-scanner pass without block events: its compaction
		 * was already running when the recording started (or ran
		 * outside compact_zone(): alloc_contig_range()) */
		if (ev->mt == 1 && !ev->mt2 && ev->arg2) {
			mirror_flush_pcp(r, dirty);
			r->mir.range_passes++;
			r->mir.range_pages += range_isolate(r, ev->pfn, ev->addr,
							    ev->arg2, cpu);
		}
		break;
	case MMT_EV_PCP_DRAIN: {
		/* on no pcp list the trace knows of: its free is missing (a
		 * drain frees it in the model all the same) */
		int known = rp_map_get(&r->kpcp, ev->pfn, &v);

		rp_map_del(&r->kpcp, ev->pfn);
		if (mmc_free(r->m, ev->pfn, ev->order, cpu, &res) < 0)
			r->mir.drain_not_alloc++;
		else if (!known && ev->order <= MMC_MAX_ORDER)
			r->mir.drain_unfreed += 1ull << ev->order;
		*dirty = 1;
		break;
	}
	case MMT_EV_PCP_REFILL:
		if (!ev->arg)	/* a buddy allocation: PAGE_ALLOC follows */
			break;
		mirror_flush_pcp(r, dirty);
		if (mirror_take(r, ev->pfn, ev->order, 0, cpu, &res) < 0)
			r->mir.refill_not_free++;
		rp_map_put(&r->kpcp, ev->pfn, ev->order);
		break;
	default:
		break;
	}
}

/* end: the event is near or after the end snapshot (not the start) */
static void mirror_mark_late(struct rp_run *r, const struct mmt_event *ev,
			     int end)
{
	switch (ev->kind) {
	case MMT_EV_PAGE_ALLOC: case MMT_EV_PAGE_FREE:
	case MMT_EV_PCP_DRAIN: case MMT_EV_PCP_REFILL:
	case MMT_EV_COMPACT_ISOLATE:
		rp_map_put(&r->late, ev->pfn, ev->order);
		if (end)
			rp_map_put(&r->late_end, ev->pfn, ev->order);
		break;
	default:
		break;
	}
}

/* ---- events common to both modes --------------------------------------- */

static int onlined(const struct rp_run *r, const struct mmt_snapshot *start,
		   const struct mmt_snapshot *end, uint64_t pfn)
{
	int c;

	(void)r;
	if (rp_snap_class(start, pfn) != MMT_PC_OFFLINE)
		return 0;
	if (!end)
		return 1;
	c = rp_snap_class(end, pfn);
	return c != MMT_PC_OFFLINE && c != MMT_PC_HOLE;
}

/* Onlines the order-10 block holding pfn: its pages that are offline in
 * the start snapshot and online in the end one are freed into the model's
 * buddy (largest aligned blocks).  Each block once.  Returns pages freed. */
static uint64_t online_block(struct rp_run *r, uint64_t pfn)
{
	const struct mmt_snapshot *start = r->snap_start;
	const struct mmt_snapshot *end = r->snap_end;
	uint64_t blk = pfn >> MMC_MAX_ORDER, v, p, lim, freed = 0;

	if (!start || rp_map_get(&r->onl, blk, &v))
		return 0;
	rp_map_put(&r->onl, blk, 1);
	p = blk << MMC_MAX_ORDER;
	lim = p + (1ull << MMC_MAX_ORDER);
	while (p < lim) {
		unsigned o = MMC_MAX_ORDER;

		if (!onlined(r, start, end, p)) {
			uint64_t e1 = p + 1, e2 = p + 1;

			/* skip the rest of the snapshot runs that decided it */
			if (rp_snap_class_end(start, p, &e1) != MMT_PC_OFFLINE)
				p = e1;
			else if (end && rp_snap_class_end(end, p, &e2) >= 0)
				p = e2;
			else
				p++;
			continue;
		}
		while (o && ((p & ((1ull << o) - 1)) || p + (1ull << o) > lim ||
			     !onlined(r, start, end, p + (1ull << o) - 1)))
			o--;
		if (mmc_seed_free(r->m, p, o, -1) == 0)
			freed += 1ull << o;
		p += 1ull << o;
	}
	r->hotadd_pages += freed;
	return freed;
}

/* Memory hot-add (online_pages()): the collector reports the zone's new
 * managed count, polled, so possibly after the first allocations from the
 * new memory.  The pages that came online are those offline in the start
 * snapshot and online in the end one; on a resize they are onlined lowest
 * pfn first, as many as managed grew, and an allocation that the kernel
 * made from such a page before the resize was seen onlines its block
 * first.  The model's zone already counts them as managed (see
 * topo_from_header), so watermarks stay as they were.  Hot-remove is not
 * modelled. */
/* The model's zone of a header zone: [*start, *end), 0 when none. */
static int model_span(const struct rp_run *r, const struct mmt_zone_info *z,
		      uint64_t *start, uint64_t *end)
{
	int type = rp_zone_name_type(z->name);

	if (z->node < 0 || (uint32_t)z->node >= r->topo.nr_nodes)
		return 0;
	for (uint32_t i = 0; i < r->topo.nodes[z->node].nr_zones; i++) {
		const struct mmc_zone_spec *s = &r->topo.nodes[z->node].zones[i];

		if ((int)s->type == type) {
			*start = s->start_pfn;
			*end = s->start_pfn + s->spanned;
			return 1;
		}
	}
	return 0;
}

static void zone_resize(struct rp_run *r, const struct mmt_event *ev)
{
	const struct mmt_header *h = r->h;
	const struct mmt_zone_info *z = NULL;
	uint64_t left, *cur, zstart, zend;

	r->k.zone_resizes++;
	for (uint32_t i = 0; i < h->nr_zones; i++)
		if (h->zones[i].node == ev->node &&
		    (uint64_t)h->zones[i].zone_idx == ev->arg)
			z = &h->zones[i];
	if (!z || ev->addr <= ev->arg2 || ev->node < 0 || ev->node >= 8 ||
	    ev->arg >= MMT_MAX_ZONE_TYPES || !model_span(r, z, &zstart, &zend)) {
		r->mir.resize_fail++;
		return;
	}
	left = ev->addr - ev->arg2;
	cur = &r->hotadd_cursor[ev->node][ev->arg];
	if (*cur < z->start_pfn)
		*cur = z->start_pfn;
	/* only what the model has pages for can come online: the walk is
	 * as long as the model's zone, whatever the trace claims */
	if (z->start_pfn + z->spanned < zend)
		zend = z->start_pfn + z->spanned;
	while (left && *cur < zend) {
		uint64_t n = online_block(r, *cur);

		left -= n < left ? n : left;
		*cur = ((*cur >> MMC_MAX_ORDER) + 1) << MMC_MAX_ORDER;
	}
	mmc_setup_zones(r->m);
}

/* Mirror mode, end of the replay: memory the end snapshot shows online
 * that no resize event reached (the last poll came after the snapshot);
 * the model's zones bound the walk. */
static void online_rest(struct rp_run *r)
{
	const struct mmc_topology *t = &r->topo;

	if (!r->k.zone_resizes)
		return;
	for (uint32_t n = 0; n < t->nr_nodes; n++)
		for (uint32_t i = 0; i < t->nodes[n].nr_zones; i++) {
			const struct mmc_zone_spec *z = &t->nodes[n].zones[i];

			for (uint64_t p = z->start_pfn; p < z->start_pfn + z->spanned;
			     p += 1ull << MMC_MAX_ORDER)
				r->hotadd_late += online_block(r, p);
		}
}

static void kernel_event(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_kernel_ctr *k = &r->k;
	uint64_t ns;

	switch (ev->kind) {
	case MMT_EV_PAGE_ALLOC:
		k->page_allocs += 1ull << (ev->order & 31);
		k->order9_allocs += ev->order >= 9;
		break;
	case MMT_EV_PAGE_FREE:
		k->page_frees += 1ull << (ev->order & 31);
		break;
	case MMT_EV_EXTFRAG:
		k->fallbacks++;
		k->steals += ev->arg2 != 0;
		break;
	case MMT_EV_KSWAPD_WAKE:
		k->kswapd_wakes++;
		break;
	case MMT_EV_KSWAPD_SLEEP:
		k->kswapd_sleeps++;
		break;
	case MMT_EV_WAKEUP_KSWAPD:
		k->wakeup_kswapd++;
		break;
	case MMT_EV_DIRECT_RECLAIM_BEGIN:
		k->direct_reclaims++;
		k->dr_by_class[mmc_dr_class(ev->order)]++;
		rp_calib_event(r, ev, &ns);
		break;
	case MMT_EV_DIRECT_RECLAIM_END:
		k->direct_reclaimed += ev->arg;
		if (rp_calib_event(r, ev, &ns))
			k->direct_ns += ns;
		break;
	case MMT_EV_NODE_RECLAIM_BEGIN:
		k->node_reclaims++;
		rp_calib_event(r, ev, &ns);
		break;
	case MMT_EV_NODE_RECLAIM_END:
		k->node_reclaimed += ev->arg;
		if (rp_calib_event(r, ev, &ns))
			k->node_reclaim_ns += ns;
		break;
	case MMT_EV_COMPACT_TRY:
		k->compact_tries++;
		break;
	case MMT_EV_COMPACTION_BEGIN:
		k->compactions++;
		rp_calib_event(r, ev, &ns);
		break;
	case MMT_EV_COMPACTION_END:
		k->compaction_ends[rp_ce_class(r, ev->mt2)]++;
		if (rp_calib_event(r, ev, &ns))
			k->compact_ns += ns;
		break;
	case MMT_EV_LRU_SHRINK_INACTIVE:
	case MMT_EV_COMPACT_SCAN:
	case MMT_EV_COMPACT_MIGRATEPAGES:
		rp_calib_event(r, ev, &ns);
		break;
	case MMT_EV_FAULT_USER:
	case MMT_EV_FAULT_KERNEL:
		k->faults++;
		break;
	case MMT_EV_KMALLOC:
	case MMT_EV_KMEM_CACHE_ALLOC:
		k->slab_allocs++;
		break;
	case MMT_EV_KFREE:
	case MMT_EV_KMEM_CACHE_FREE:
		k->slab_frees++;
		break;
	case MMT_EV_FILEMAP_ADD:
		k->filemap_adds++;
		break;
	case MMT_EV_LOST:
		k->lost += ev->arg;
		break;
	default:
		break;
	}
}

/* Counts the allocations an event left failed in the model under its
 * kind, order and gfp. */
static void note_fail(struct rp_run *r, const struct mmt_event *ev,
		      uint64_t n)
{
	uint16_t order = (uint16_t)(ev->order > 0xffff ? 0xffff : ev->order);
	uint32_t i;

	for (i = 0; i < r->nr_fail_by; i++)
		if (r->fail_by[i].kind == ev->kind &&
		    r->fail_by[i].order == order && r->fail_by[i].gfp == ev->gfp)
			break;
	if (i == r->nr_fail_by) {
		if (i == RP_FAIL_BY) {
			r->fail_by_other += n;
			return;
		}
		r->fail_by[i] = (struct rp_fail_by){ ev->gfp, 0, 0, ev->kind,
						     order };
		r->nr_fail_by++;
	}
	r->fail_by[i].events++;
	r->fail_by[i].allocs += n;
}

static void policy_event_kind(struct rp_run *r, const struct mmt_event *ev);

static void policy_event(struct rp_run *r, const struct mmt_event *ev)
{
	uint64_t before = r->demand_fail;

	policy_event_kind(r, ev);
	if (r->demand_fail > before)
		note_fail(r, ev, r->demand_fail - before);
}

static void policy_event_kind(struct rp_run *r, const struct mmt_event *ev)
{
	switch (ev->kind) {
	case MMT_EV_PAGE_ALLOC:
		policy_alloc(r, ev);
		break;
	case MMT_EV_PAGE_FREE:
		policy_free(r, ev);
		break;
	case MMT_EV_FAULT_USER:
		policy_fault(r, ev);
		break;
	case MMT_EV_FILEMAP_ADD:
		policy_filemap(r, ev);
		break;
	case MMT_EV_FILEMAP_DEL:
		rp_demand_filemap_del(r, ev);
		break;
	case MMT_EV_FILE_READ:
	case MMT_EV_FILE_MAP:
	case MMT_EV_FILE_FAULT:
		rp_demand_access(r, ev);
		break;
	case MMT_EV_FILE_DIRTY:
		rp_demand_file_dirty(r, ev);
		break;
	case MMT_EV_COMPACT_ISOLATE:
		rp_demand_isolate(r, ev);
		break;
	case MMT_EV_MIGRATE:
		rp_demand_migrate(r, ev);
		break;
	case MMT_EV_KMALLOC:
	case MMT_EV_KMEM_CACHE_ALLOC:
		rp_slab_alloc(r, ev);
		break;
	case MMT_EV_KFREE:
	case MMT_EV_KMEM_CACHE_FREE:
		rp_slab_free(r, ev);
		break;
	default:
		break;
	}
}

/* ---- the run ------------------------------------------------------------ */


static void progress(const struct rp_run *r)
{
	fprintf(stderr, "\rreplay: %llu events", (unsigned long long)r->events);
}

/* Mirror mode needs to know up front whether the trace has pcp events
 * (the collector may have degraded them): one pass over the kinds. */
static int prescan(struct rp_run *r)
{
	struct mmt_event ev;
	int rc;

	while ((rc = mmt_reader_next(r->rd, &ev)) == 1)
		if (ev.kind == MMT_EV_PCP_DRAIN || ev.kind == MMT_EV_PCP_REFILL) {
			r->mir.have_pcp_events = 1;
			break;
		}
	return mmt_reader_rewind(r->rd);
}

/* Events in place, a few hundred at a time (mmt_reader_next_batch_sel): no
 * per-event copy of struct mmt_event.  evs[n, n + ahead) are the next
 * batch's first events, already decoded: prefetching looks at them. Replay
 * never reads an event's call site (but a slab allocation's, when the
 * trace names mempool_alloc() or xas_alloc() sites: objects.c) or the
 * migratetypes the kernel reported (the model picks its own; a compaction
 * end's status, in that column, is read), nor its node but in
 * zone_resize(), so their columns stay undecoded (node is a column
 * of every page and fault event: a tenth of decoding); in policy mode the
 * pcp refill and drain events only pass by (the model runs its own pcp
 * lists), so only their ts and kind are decoded, and a page free needs
 * only its cpu, pfn and order (policy_free, free_pieces, kernel_event, the
 * prefetch). */
#define RP_FIELDS (0xffffu & ~(uint32_t)(MMT_FIELD_SITE | MMT_FIELD_MT | \
					 MMT_FIELD_MT2 | MMT_FIELD_NODE))

static void ev_fields_init(struct rp_run *r)
{
	for (int k = 0; k < 64; k++)
		r->ev_fields[k] = RP_FIELDS;
	r->ev_fields[MMT_EV_ZONE_RESIZE] |= MMT_FIELD_NODE;
	r->ev_fields[MMT_EV_COMPACT_SCAN] |= MMT_FIELD_MT | MMT_FIELD_MT2;
	/* a compaction run's status (vmstat.c: compaction_end_*) */
	r->ev_fields[MMT_EV_COMPACTION_END] |= MMT_FIELD_MT2;
	if (r->sl.nr_mempool_sites || r->sl.nr_xas_sites) {
		r->ev_fields[MMT_EV_KMALLOC] |= MMT_FIELD_SITE;
		r->ev_fields[MMT_EV_KMEM_CACHE_ALLOC] |= MMT_FIELD_SITE;
	}
	if (r->o->mode == MMT_REPLAY_POLICY) {
		r->ev_fields[MMT_EV_PCP_REFILL] = MMT_FIELD_KIND_ONLY;
		r->ev_fields[MMT_EV_PCP_DRAIN] = MMT_FIELD_KIND_ONLY;
		r->ev_fields[MMT_EV_PAGE_FREE] = MMT_FIELD_CPU | MMT_FIELD_PFN |
						 MMT_FIELD_ORDER |
						 (r->dm.causes ? MMT_FIELD_ARG2 : 0);
	}
}
struct ev_batch {
	const struct mmt_event *evs;
	int64_t n, i, ahead;
};

/* Start loading the map slots of events a few ahead: the maps are far
 * larger than the caches.  Two steps: the real-pfn map and the hash slots
 * PREFETCH_AHEAD events early, then for a page free the reverse map's
 * slot of the simulated page that the (by then loaded) real-pfn entry
 * names.  Written out here: gcc deems a helper that only prefetches pure
 * and drops the call. */
#define PREFETCH_AHEAD 16

static int next_event(struct rp_run *r, struct ev_batch *b,
		      const struct mmt_event **ev)
{
	uint64_t e;

	if (b->i >= b->n) {
		b->n = mmt_reader_next_batch_kinds(r->rd, r->ev_fields,
						   &b->evs, &b->ahead);
		b->i = 0;
		if (b->n <= 0)
			return b->n < 0 ? -1 : 0;
	}
	if (b->i + PREFETCH_AHEAD < b->n + b->ahead) {
		const struct mmt_event *a = &b->evs[b->i + PREFETCH_AHEAD];

		rp_pmap_prefetch(&r->fwd, a->pfn);
		if (a->kind == MMT_EV_FAULT_USER)
			rp_map_prefetch(&r->addr, rp_addr_key(a->pid, a->addr));
		else if (a->kind >= MMT_EV_KMALLOC &&
			 a->kind <= MMT_EV_KMEM_CACHE_FREE)
			rp_map_prefetch(&r->sl.objs,
					rp_obj_key(a->pfn, a->offset));
		else if ((a->kind == MMT_EV_FILEMAP_ADD ||
			  a->kind == MMT_EV_FILEMAP_DEL) && r->dm.file_ids &&
			 r->o->mode == MMT_REPLAY_POLICY)
			rp_demand_prefetch(r, a);
		else if (a->kind == MMT_EV_FILE_DIRTY && r->dm.file_ids &&
			 r->o->mode == MMT_REPLAY_POLICY)
			rp_demand_prefetch_dirty(r, a);
	}
	if (b->i + PREFETCH_AHEAD / 2 < b->n + b->ahead) {
		const struct mmt_event *a = &b->evs[b->i + PREFETCH_AHEAD / 2];

		if (a->kind == MMT_EV_PAGE_FREE &&
		    rp_pmap_peek(&r->fwd, a->pfn, &e) && !(e & FWD_DEAD)) {
			rp_pmap_prefetch(&r->rev, e >> FWD_SHIFT);
			mmc_prefetch_page(r->m, e >> FWD_SHIFT);
			if (e & FWD_ANON)
				mmc_prefetch_unmap(r->m, e >> FWD_SHIFT, 0);
		}
		/* no mmc_prefetch_fault(), nor the unmap's second stage
		 * (the pte): ptes sit in page-table arrays, a fault's next to
		 * the last fault's, so the pmd lookups that find the line to
		 * prefetch cost more than they saved (measured) */
	}
	*ev = &b->evs[b->i++];
	return 1;
}

static void replay_events(struct rp_run *r)
{
	struct ev_batch bt = { 0 };
	const struct mmt_event *ev;
	int rc, mirror = r->o->mode == MMT_REPLAY_MIRROR, dirty = 0;

	ev_fields_init(r);

	while ((rc = next_event(r, &bt, &ev)) == 1) {
		r->events_total++;
		if (ev->ts > r->k.max_ts)
			r->k.max_ts = ev->ts;
		kernel_event(r, ev);
		/* before the start snapshot: already in the state it shows
		 * (its moment is the middle of its free-list walk; the
		 * recorder writes the events of the walk's time too), in
		 * both modes: the model starts from that state */
		if (ev->ts < r->start_snap_ts) {
			r->mir.before_start++;
			if (ev->kind == MMT_EV_PAGE_ALLOC)
				rp_page_skip(r);
			if (mirror && ev->ts + BOUNDARY_NS / 4 >= r->start_snap_ts)
				mirror_mark_late(r, ev, 0);
			continue;
		}
		if (mirror && ev->ts < r->start_snap_ts + BOUNDARY_NS / 4)
			mirror_mark_late(r, ev, 0);
		if (mirror && ev->ts > r->end_snap_ts) {
			/* after the end snapshot: not in the state it shows */
			r->mir.after_end++;
			mirror_mark_late(r, ev, 1);
			continue;
		}
		if (mirror && r->have_end && ev->ts + BOUNDARY_NS >= r->end_snap_ts)
			mirror_mark_late(r, ev, 1);
		while (ev->ts >= r->next_sample) {
			rp_series_sample(r, r->next_sample);
			r->next_sample += r->sample_ns;
		}
		r->now = ev->ts;
		if (ev->kind == MMT_EV_ZONE_RESIZE) {
			mirror_flush_pcp(r, &dirty);
			zone_resize(r, ev);
		} else if (mirror) {
			mirror_event_held(r, ev, &dirty);
		} else {
			if (ev->ts >= r->last_tick + TICK_NS) {
				mmc_tick(r->m, ev->ts);
				r->last_tick = ev->ts;
				if (r->dm.held_n)
					rp_demand_read_expire(r, ev->ts);
			}
			policy_event(r, ev);
		}
		/* after the tick: the model at the sample's time */
		if (ev->kind == MMT_EV_ZONE_FREE)
			rp_zone_free_sample(r, ev);
		r->events++;
		if (r->o->progress && !(r->events & 0xfffff))
			progress(r);
	}
	if (rc < 0) {	/* skipping damage: a read error or out of memory */
		r->stop_reason = mmt_reader_error(r->rd);
		r->read_failed = 1;
	} else {
		r->stop_reason = mmt_reader_stop_reason(r->rd);
	}
	if (mirror) {
		mirror_release_held(r, &dirty);
		mirror_flush_pcp(r, &dirty);
		if (!r->stop_reason)
			online_rest(r);
		mirror_flush_pcp(r, &dirty);
	}
	for (uint32_t c = 0; c < r->nr_trace_cpus; c++)
		fault_finish(r, &r->cpus[c]);
	if (r->o->progress)
		fprintf(stderr, "\rreplay: %llu events, done\n",
			(unsigned long long)r->events);
}

/* fwd over the trace's zones, rev over the model's */
static int pfn_maps_init(struct rp_run *r)
{
	uint64_t lo = UINT64_MAX, hi = 0, mlo = UINT64_MAX, mhi = 0;

	for (uint32_t i = 0; i < r->h->nr_zones; i++) {
		const struct mmt_zone_info *z = &r->h->zones[i];

		if (!z->spanned)
			continue;
		lo = z->start_pfn < lo ? z->start_pfn : lo;
		hi = z->start_pfn + z->spanned > hi ? z->start_pfn + z->spanned : hi;
	}
	for (uint32_t n = 0; n < r->topo.nr_nodes; n++)
		for (uint32_t z = 0; z < r->topo.nodes[n].nr_zones; z++) {
			const struct mmc_zone_spec *s = &r->topo.nodes[n].zones[z];

			mlo = s->start_pfn < mlo ? s->start_pfn : mlo;
			mhi = s->start_pfn + s->spanned > mhi ?
			      s->start_pfn + s->spanned : mhi;
		}
	if (r->o->mode == MMT_REPLAY_MIRROR)
		lo = hi = mlo = mhi = 0;	/* unused: hash only */
	if (rp_pmap_init(&r->fwd, lo, hi) < 0)
		return -1;
	return rp_pmap_init(&r->rev, mlo, mhi);
}

/* A trace that cannot be replayed at all: a damaged start snapshot that
 * the replay would start from (an inferred start is only for a trace
 * written without one, or when asked with --start inferred), or no
 * events.  0, or 3 with err set. */
static int check_trace(struct mmt_reader *rd, const struct mmt_replay_opts *o,
		       char *err, size_t errlen)
{
	const char *why, *stop = mmt_reader_stop_reason(rd);

	if (o->start != MMT_START_INFERRED &&
	    mmt_reader_snapshot_state(rd, 0, &why) < 0) {
		snprintf(err, errlen, "%s; the model cannot start without it: "
			 "nothing replayed", why);
		return 3;
	}
	if (mmt_reader_nr_events(rd))
		return 0;
	if (stop)
		snprintf(err, errlen, "%s: no events to replay", stop);
	else
		snprintf(err, errlen, "%s: no events to replay (recorded with "
			 "--attach-only or --store-only?)", o->trace);
	return 3;
}

/* The trace, damaged blocks skipped (FORMAT.md); NULL with *rc 1 (cannot
 * read it) or 3 (not a trace, or check_trace refused it). */
static struct mmt_reader *open_trace(const struct mmt_replay_opts *o,
				     char *err, size_t errlen, int *rc)
{
	struct mmt_reader *rd = mmt_reader_open(o->trace, err, errlen);

	if (!rd) {
		*rc = errno == EBADMSG ? 3 : 1;
		return NULL;
	}
	mmt_reader_set_skip_damaged(rd, 1);
	*rc = check_trace(rd, o, err, errlen);
	if (*rc) {
		mmt_reader_close(rd);
		return NULL;
	}
	return rd;
}

int mmt_replay_check_trace(const struct mmt_replay_opts *o, char *err,
			   size_t errlen)
{
	int rc;

	mmt_reader_close(open_trace(o, err, errlen, &rc));
	return rc;
}


/*
 * --start: the model starts from the trace's start snapshot, or from the
 * state an imported capture must start from (rp_seed_empty: the header's
 * zones with every page free), so that a recording and an import of the
 * same workload can be replayed from the same state.  Mirror mode places
 * every page at the kernel's pfn and needs the kernel's state to place
 * them in: an inferred start is refused there, as it is for an import.
 */
static int choose_start(struct rp_run *r, const struct mmt_snapshot *start,
			char *err, size_t errlen)
{
	const char *src = mmt_header_note(r->h, "import.source");
	int mirror = r->o->mode == MMT_REPLAY_MIRROR;

	if (r->o->start == MMT_START_SNAPSHOT && !start) {
		snprintf(err, errlen, "%s: --start snapshot: the trace has no "
			 "start snapshot (%s)", r->o->trace, src ?
			 "an imported capture" : "the file ends before it");
		return -1;
	}
	if (!start && mirror && mmt_header_note(r->h, "import.start_state")) {
		snprintf(err, errlen, "%s: mirror mode needs the start snapshot an "
			 "imported capture lacks (%s); use --mode policy",
			 r->o->trace, src ? src : "mmtrace import");
		return -1;
	}
	if (!start && mirror) {	/* a recording cut before its snapshot */
		snprintf(err, errlen, "%s: mirror mode needs the start snapshot "
			 "and the file has none (it ends before it, or was "
			 "written without one); use --mode policy",
			 r->o->trace);
		return -3;
	}
	if (r->o->start == MMT_START_INFERRED && mirror) {
		snprintf(err, errlen, "--start inferred: mirror mode places every "
			 "page at the kernel's pfn and needs the start snapshot; "
			 "use --mode policy");
		return -1;
	}
	r->inferred = r->o->start == MMT_START_INFERRED || !start;
	return 0;
}

static int run_setup(struct rp_run *r, char *err, size_t errlen)
{
	const struct mmt_snapshot *start, *end;
	const char *why;
	char e2[256];
	uint64_t seed_err = 0, dur;
	int rc;

	r->rd = open_trace(r->o, err, errlen, &rc);
	if (!r->rd)
		return rc;
	/* What the trace holds, for "N of M events replayed": its index's
	 * count; a file cut before its index (a stop reason at open) tells
	 * only what is readable up to the cut. */
	r->events_in_trace = mmt_reader_nr_events(r->rd);
	r->in_trace_known = mmt_reader_stop_reason(r->rd) == NULL;
	r->h = mmt_reader_header(r->rd);
	mmt_decode_init(&r->dec, r->h);
	rp_slab_find_retry_sites(r);
	r->gfp_canon[0] = mmt_gfp_canon(&r->dec, 0);
	for (int i = 0; i < 256; i++) {	/* every slot valid: raw 0 */
		r->gfp_raw[i] = 0;
		r->gfp_canon[i] = r->gfp_canon[0];
	}
	rp_build_mt_map(r);
	rp_build_ce_map(r);
	start = mmt_reader_snapshot(r->rd, 0);
	end = mmt_reader_snapshot(r->rd, 1);
	if (mmt_reader_snapshot_state(r->rd, 1, &why) < 0)
		r->end_damaged = why;
	rc = choose_start(r, start, err, errlen);
	if (rc < 0)
		return rc == -3 ? 3 : 2;
	if (r->inferred)
		start = end = NULL;
	r->snap_start = start;
	r->snap_end = end;
	r->have_end = end != NULL;
	r->end_snap_ts = end && end->ts ? end->ts : UINT64_MAX;
	r->start_snap_ts = start ? start->ts : 0;
	rc = rp_build_topology(r, start, end, err, errlen);
	if (rc)
		return rc;
	if (rp_model_fits(&r->topo, r->o->trace, err, errlen) < 0)
		return 1;
	if (rp_build_policy(r, err, errlen) < 0)
		return 2;
	r->m = mmc_create(&r->topo, &r->pol, e2, sizeof(e2));
	if (!r->m) {
		/* the --topology given, or the trace's own zone table */
		if (r->o->topology && *r->o->topology) {
			snprintf(err, errlen, "--topology %s: model: %s",
				 r->o->topology, e2);
			return 2;
		}
		snprintf(err, errlen, "%s: the trace's zones cannot be "
			 "modelled: %s", r->o->trace, e2);
		return 3;
	}
	r->nr_cpus = r->topo.nr_cpus ? r->topo.nr_cpus : 1;
	r->nr_trace_cpus = r->h->nr_cpus ? r->h->nr_cpus : 1;
	r->cpus = calloc(r->nr_trace_cpus, sizeof(*r->cpus));
	if (!r->cpus || pfn_maps_init(r) < 0 ||
	    rp_map_init(&r->addr, 1 << 12) < 0 ||
	    rp_map_init(&r->kpcp, 1 << 12) < 0 ||
	    rp_map_init(&r->late, 1 << 10) < 0 ||
	    rp_map_init(&r->late_end, 1 << 10) < 0 ||
	    rp_map_init(&r->onl, 1 << 10) < 0) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	/* the outputs open before the long passes: a bad DIR fails now */
	if (rp_series_open(r) < 0) {
		snprintf(err, errlen, "%s/timeseries.tsv: cannot create it: %s",
			 r->o->outdir, strerror(errno));
		return 1;
	}
	if (rp_zone_free_open(r) < 0) {
		snprintf(err, errlen, "%s/zone_free.tsv: cannot create it: %s",
			 r->o->outdir, strerror(errno));
		return 1;
	}
	/* before the pre-pass, which fits kswapd's costs */
	rp_costs_defaults(&r->costs);
	if (r->o->mode == MMT_REPLAY_MIRROR && prescan(r) < 0) {
		snprintf(err, errlen, "%s", mmt_reader_error(r->rd));
		return 1;
	}
	if (r->o->mode == MMT_REPLAY_POLICY &&
	    (rp_objects_init(r) < 0 || rp_demand_init(r) < 0 ||
	     rp_prepass(r) < 0)) {
		snprintf(err, errlen, "%s: slab pre-pass: %s", r->o->trace,
			 mmt_reader_error(r->rd) ? mmt_reader_error(r->rd) :
			 "out of memory");
		return 1;
	}
	/* a fault's page is remembered by address: one table for the
	 * addresses the pre-pass saw (2% over its estimate; at most one a
	 * fault), not a series of doublings each rehashing every key */
	if (r->o->mode == MMT_REPLAY_POLICY) {
		uint64_t n = rp_distinct_estimate(&r->sl.fault_keys);

		n += n / 50;
		(void)rp_map_reserve(&r->addr, n < r->sl.user_faults ?
					       n : r->sl.user_faults);
	}
	rp_memcg_walk_setup(r);
	rp_vmstat_check(r);
	if (start) {
		rp_seed(r, start, &seed_err);
		/* a property of the file, as its damage: compare's first
		 * policy says it for all */
		if (seed_err && !r->o->quiet_damage)
			fprintf(stderr, "%s: %s: %llu start snapshot "
				"entries not seeded (outside the model's zones, "
				"or pcp-looking pages inside free blocks)\n",
				rp_who(r), r->o->trace,
				(unsigned long long)seed_err);
	} else {
		fprintf(stderr, "%s: %s: %s; start state inferred: every "
			"page of the zones free%s\n", rp_who(r), r->o->trace,
			r->o->start == MMT_START_INFERRED &&
			mmt_reader_snapshot(r->rd, 0) ?
			"--start inferred: the start snapshot is not used" :
			"no start snapshot",
			mmt_header_note(r->h, "import.source") ?
			" (an imported capture)" : "");
		rp_seed_empty(r);
	}
	mmc_setup_zones(r->m);
	rp_seed_defer(r);
	rp_seed_kcompactd(r);
	if (r->o->mode == MMT_REPLAY_POLICY)
		rp_demand_start(r);
	r->zstart = calloc(mmc_nr_zones(r->m) + 1, sizeof(*r->zstart));
	if (!r->zstart) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	for (uint32_t i = 0; i < mmc_nr_zones(r->m); i++)
		if (mmc_zone_stats(r->m, i, &r->zstart[r->nr_zstart]) == 0)
			r->nr_zstart++;
	if (r->o->mode == MMT_REPLAY_POLICY) {
		mmc_set_reclaim_hook(r->m, on_reclaim, r);
		mmc_set_migrate_hook(r->m, on_migrate, r);
		mmc_set_split_hook(r->m, on_split, r);
	}
	dur = mmt_reader_last_ts(r->rd);
	r->sample_ns = r->o->sample_ns;
	if (!r->sample_ns)
		r->sample_ns = dur >= 200 * 1000ull ? dur / 200 : 1000;
	/* every event's ts is at most dur (the reader checks each against
	 * its block's max_ts), so the sampling loop runs dur / sample_ns
	 * times at most */
	if (dur / r->sample_ns > RP_MAX_SAMPLES) {
		snprintf(err, errlen, "--sample-ms %.6g: %llu samples over the "
			 "trace's %.3f s, more than %d", r->sample_ns / 1e6,
			 (unsigned long long)(dur / r->sample_ns), dur / 1e9,
			 RP_MAX_SAMPLES);
		return 2;
	}
	r->next_sample = 0;
	return 0;
}

static void run_finish(struct rp_run *r)
{
	if (r->o->mode == MMT_REPLAY_POLICY)
		rp_demand_access_flush(r);
	/* a last sample at the last event, unless one was just taken there */
	if (!r->nr_samples || r->now + r->sample_ns > r->next_sample)
		rp_series_sample(r, r->now);
	rp_series_close(r);
	{
		struct rp_fitsum host[RP_NR_FITS];

		/* the host's pooled sums when given, else the trace's */
		rp_costs_calibrate(&r->costs, rp_calib_host(r, host) ? host :
				   r->fits);
	}
	for (size_t i = 0; i < r->slow.n; i++)
		account_slow(r, &r->slow.v[i]);
}

/* Nothing could be read (every block damaged): no outputs; the time
 * series opened at setup goes again. */
static void drop_outputs(struct rp_run *r)
{
	char path[4096];

	if (!r->o->outdir)
		return;
	if (r->ts_out)
		fclose(r->ts_out);
	r->ts_out = NULL;
	snprintf(path, sizeof(path), "%s/timeseries.tsv", r->o->outdir);
	unlink(path);
	rp_zone_free_free(r);
	snprintf(path, sizeof(path), "%s/zone_free.tsv", r->o->outdir);
	unlink(path);
}

/* The replay proper, the outputs, and the damage said once: 0, or 3 when
 * the trace was damaged or truncated (the rest replayed; err says how
 * much), or no event could be read; 1 on a read or write error. */
static int run_events(struct rp_run *r, struct mmt_replay_result *res,
		      char *err, size_t errlen)
{
	int rc = 0;

	replay_events(r);
	r->damage_parts = mmt_reader_damage(r->rd, &r->damage_lost,
					    &r->damage_unknown);
	if (!r->events_total && !r->read_failed) {
		drop_outputs(r);
		snprintf(err, errlen, "%s: no event could be read (%llu damaged "
			 "parts): nothing replayed", r->o->trace,
			 (unsigned long long)r->damage_parts);
		rc = 3;
	} else {
		run_finish(r);
		if (rp_zone_free_finish(r) < 0 || rp_write_outputs(r, res) < 0) {
			snprintf(err, errlen, "%s: cannot write outputs: %s",
				 r->o->outdir, strerror(errno));
			rc = 1;
		}
	}
	if (!r->o->quiet_damage)
		mmt_reader_print_damage(r->rd, stderr, rp_who(r));
	if (r->read_failed && !rc) {
		snprintf(err, errlen, "%s", r->stop_reason);
		rc = 1;
	}
	if (!rc && (r->damage_parts || r->stop_reason)) {
		/* written, from a damaged or cut trace: said in one line */
		if (r->in_trace_known)
			snprintf(err, errlen, "%s: %llu of the trace's %llu events "
				 "replayed; the results cover only what was "
				 "readable", r->o->trace,
				 (unsigned long long)r->events,
				 (unsigned long long)r->events_in_trace);
		else
			snprintf(err, errlen, "%s: %llu events replayed, up to "
				 "the cut (the file's total is unknown); the "
				 "results cover only what was readable",
				 r->o->trace, (unsigned long long)r->events);
		rc = 3;
	}
	return rc;
}

static void run_free(struct rp_run *r)
{
	rp_zone_free_free(r);
	if (r->ts_out)
		fclose(r->ts_out);
	if (r->m)
		mmc_destroy(r->m);
	if (r->rd)
		mmt_reader_close(r->rd);
	rp_pmap_free(&r->fwd);
	rp_pmap_free(&r->rev);
	rp_map_free(&r->addr);
	rp_map_free(&r->kpcp);
	rp_map_free(&r->late);
	rp_map_free(&r->late_end);
	rp_map_free(&r->onl);
	free(r->touched);
	free(r->freed_first);
	rp_objects_free(r);
	rp_demand_free(r);
	free(r->slow.v);
	free(r->zstart);
	free(r->cpus);
	free(r);
}

int mmt_replay_run(const struct mmt_replay_opts *o,
		   struct mmt_replay_result *res, char *err, size_t errlen)
{
	struct rp_run *r = calloc(1, sizeof(*r));
	struct mmt_replay_result dummy;
	int rc;

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	r->o = o;
	if (errlen)
		err[0] = '\0';
	rc = run_setup(r, err, errlen);
	if (rc == 0)
		rc = run_events(r, res, err, errlen);
	run_free(r);
	return rc;
}
