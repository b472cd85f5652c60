/* SPDX-License-Identifier: MIT */
/*
 * Policy mode: slab objects and THP-eligible regions (see the scheme at the
 * top of driver.c).
 *
 * A pre-pass over the trace, before the replay proper, answers two
 * questions the event stream cannot answer in order:
 *
 *  - Which PAGE_ALLOCs are slab pages?  An allocation is a slab page (or a
 *    large kmalloc) when a kmalloc / kmem_cache_alloc object lands inside
 *    its block while it is live.  Such allocations are identified by their
 *    ordinal among the trace's PAGE_ALLOCs (a bitmap), because one pfn is
 *    reused for all kinds of pages over a trace.  In the replay they are
 *    not allocated: the model's SLUB allocates its own slab pages when the
 *    object events reach it.  The same pass learns which caches get
 *    __GFP_RECLAIMABLE slab pages (SLAB_RECLAIM_ACCOUNT, which the header's
 *    cache table does not carry).
 *
 *  - Which 2 MiB regions of a process would a THP fit in?  The trace has
 *    no VMA boundaries.  A region is taken as lying inside one VMA when the
 *    process faulted pages spread over at least half of it, or when the
 *    kernel itself placed an order-9 page there for a fault; the latter
 *    also counts as MADV_HUGEPAGE (with thp enabled=madvise, the default,
 *    the kernel only does that for madvised ranges).
 *
 * The pass costs one decode of the trace plus a hash probe per page and
 * object event.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

#define OBJ_KEY(pfn, off) rp_obj_key(pfn, off)
#define REGION_SHIFT 21
#define REG_MIN_SHIFT 0		/* region value: min page | max page << 9 */
#define REG_MAX_SHIFT 9
#define REG_KERNEL_THP (1ull << 18)
#define REG_THP (1ull << 19)	/* decided after the pass */
#define REG_SPAN_PAGES 256	/* half a 2 MiB region */
#define LINK_NS 1000000ull	/* as driver.c's FAULT_LINK_NS */

static uint64_t region_key(uint32_t pid, uint64_t addr)
{
	return (uint64_t)pid << 32 | ((addr >> REGION_SHIFT) & 0xffffffffull);
}

static void bit_set(uint8_t *b, uint64_t i)
{
	b[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static int bit_get(const uint8_t *b, uint64_t n, uint64_t i)
{
	return i < n && (b[i >> 3] >> (i & 7)) & 1;
}

/* ev->cpu modulo the trace's cpus, with no division for the usual
 * in-range cpu (as driver.c's trace_cpu): this runs per fault and per
 * page allocation of the pre-pass */
static unsigned pre_cpu(const struct rp_run *r, unsigned cpu)
{
	return cpu < r->nr_trace_cpus ? cpu : cpu % r->nr_trace_cpus;
}

/* ---- the pre-pass ------------------------------------------------------ */

#define LIVE_RCL 0x10
#define LIVE_ORDER(v) ((v) & 0xf)
#define LIVE_ORDINAL(v) ((v) >> 5)

struct prepass {
	/* head pfn -> ordinal << 5 | rcl | order: r->fwd, empty until the
	 * replay (its pages, faulted in here, serve the replay then) */
	struct rp_pmap *live;
	uint64_t ordinal;
	unsigned max_order;	/* largest slab order worth probing */
	struct { uint64_t ts1, addr; uint32_t pid; } *cpu;
	struct rp_tfaults tf;	/* by task, for THP pages (thpfault.c) */
	/* the region last updated, not yet written back to r->sl.regions:
	 * faults come in runs over one region (a fault loop, a memset) */
	uint64_t reg_key, reg_val;
	int reg_held;
	struct rp_calib_kswapd kswapd;	/* calibrate.c */
};

/* The live trace allocation whose block holds pfn, if any.  The heads of
 * orders 0..max_order, nearest first: pfn, then pfn with its set low bits
 * cleared one by one (an order whose bit o - 1 is clear has the head of
 * o - 1, which did not hold pfn). */
static int covering(const struct prepass *p, uint64_t pfn, uint64_t *v)
{
	uint64_t low = pfn & ((1ull << p->max_order) - 1), head = pfn;

	for (;;) {
		if (rp_pmap_get(p->live, head, v) &&
		    pfn < head + (1ull << LIVE_ORDER(*v)))
			return 1;
		if (!low)
			return 0;
		head ^= low & -low;
		low &= low - 1;
	}
}

static void pre_object(struct rp_run *r, struct prepass *p,
		       const struct mmt_event *ev)
{
	uint64_t v;

	if (!covering(p, ev->pfn, &v)) {
		r->sl.objs_pretrace_slab++;
		return;
	}
	if (!bit_get(r->sl.bits, r->sl.nr_bits, LIVE_ORDINAL(v)))
		r->sl.kernel_slab_blocks++;
	bit_set(r->sl.bits, LIVE_ORDINAL(v));
	if (ev->kind == MMT_EV_KMEM_CACHE_ALLOC && ev->cache < r->sl.nr_caches &&
	    (v & LIVE_RCL))
		r->sl.cache_rcl[ev->cache] = 1;
}

static void region_flush(struct rp_run *r, struct prepass *p)
{
	if (p->reg_held)
		(void)rp_map_put(&r->sl.regions, p->reg_key, p->reg_val);
	p->reg_held = 0;
}

static void pre_region(struct rp_run *r, struct prepass *p, uint32_t pid,
		       uint64_t addr, uint64_t set)
{
	uint64_t key = region_key(pid, addr), v, pg = (addr >> 12) & 511;

	if (!p->reg_held || p->reg_key != key) {
		region_flush(r, p);
		if (!rp_map_get(&r->sl.regions, key, &v))
			v = pg << REG_MIN_SHIFT | pg << REG_MAX_SHIFT;
		p->reg_key = key;
		p->reg_held = 1;
	} else {
		v = p->reg_val;
	}
	if (pg < ((v >> REG_MIN_SHIFT) & 511))
		v = (v & ~(511ull << REG_MIN_SHIFT)) | pg << REG_MIN_SHIFT;
	if (pg > ((v >> REG_MAX_SHIFT) & 511))
		v = (v & ~(511ull << REG_MAX_SHIFT)) | pg << REG_MAX_SHIFT;
	p->reg_val = v | set;
}

/* A THP fault's page (the replay links it the same way, driver.c
 * late_link): the kernel placed a THP in its fault's region, or tried to.
 * 1 when ev is one. */
static int pre_thp(struct rp_run *r, struct prepass *p,
		   const struct mmt_event *ev, unsigned n)
{
	struct rp_tfault *s;

	if (!rp_tf_thp_gfp(rp_gfp_canon(r, ev->gfp), ev->order))
		return 0;
	s = rp_tf_find(&p->tf, ev);
	if (s) {
		pre_region(r, p, s->pid, s->addr, REG_KERNEL_THP);
		if (ev->pfn == MMT_NO_PFN)	/* a failed try: more follow */
			rp_tf_kernel_failed(&p->tf, s->pid, s->ts1, ev);
		else
			rp_tf_done(&p->tf, s->pid, s->ts1);
	} else if (p->cpu[n].ts1 && p->cpu[n].pid == ev->pid &&
		   ev->ts + 1 - p->cpu[n].ts1 <= LINK_NS) {
		pre_region(r, p, p->cpu[n].pid, p->cpu[n].addr, REG_KERNEL_THP);
	}
	if (ev->pfn != MMT_NO_PFN)
		p->cpu[n].ts1 = 0;
	return 1;
}

static void pre_page_alloc(struct rp_run *r, struct prepass *p,
			   const struct mmt_event *ev)
{
	/* raw masks of the recording kernel: no canonical decode per event */
	const uint64_t *mask = r->dec.gfp_mask;
	uint64_t rcl = ev->gfp & mask[MMT_GFP_RECLAIMABLE] ? LIVE_RCL : 0;
	unsigned n;

	(void)rp_pmap_put(p->live, ev->pfn,
			  p->ordinal << 5 | rcl | (ev->order & 0xf));
	p->ordinal++;
	n = pre_cpu(r, ev->cpu);
	if (ev->order == MMC_PAGEBLOCK_ORDER && (ev->gfp & mask[MMT_GFP_MOVABLE]) &&
	    pre_thp(r, p, ev, n))
		return;
	if (!p->cpu[n].ts1)
		return;
	/* the first allocation after a fault is its page (as the replay
	 * links them); an order-9 one is a THP the kernel placed */
	if (ev->order >= MMC_PAGEBLOCK_ORDER &&
	    ev->ts + 1 - p->cpu[n].ts1 <= LINK_NS &&
	    (ev->gfp & mask[MMT_GFP_MOVABLE]))
		pre_region(r, p, p->cpu[n].pid, p->cpu[n].addr, REG_KERNEL_THP);
	p->cpu[n].ts1 = 0;
}

static void pre_event(struct rp_run *r, struct prepass *p,
		      const struct mmt_event *ev)
{
	switch (ev->kind) {
	case MMT_EV_PAGE_ALLOC:
		pre_page_alloc(r, p, ev);
		break;
	case MMT_EV_PAGE_FREE:
		rp_pmap_del(p->live, ev->pfn);
		break;
	case MMT_EV_KMALLOC:
	case MMT_EV_KMEM_CACHE_ALLOC:
		pre_object(r, p, ev);
		break;
	case MMT_EV_FILEMAP_ADD: {
		uint64_t v;

		/* the allocation it became (demand.c), by the live map */
		rp_demand_pre_add(r, ev, rp_pmap_get(p->live, ev->pfn, &v) ?
				  LIVE_ORDINAL(v) : UINT64_MAX);
		break;
	}
	case MMT_EV_FILEMAP_DEL:
		rp_demand_pre_del(r, ev);
		break;
	case MMT_EV_FAULT_USER: {
		unsigned n = pre_cpu(r, ev->cpu);

		p->cpu[n].ts1 = ev->ts + 1;
		p->cpu[n].addr = ev->addr;
		p->cpu[n].pid = ev->pid;
		r->sl.user_faults++;
		rp_distinct_add(&r->sl.fault_keys, rp_addr_key(ev->pid, ev->addr));
		rp_tf_note(&p->tf, ev);
		pre_region(r, p, ev->pid, ev->addr, 0);
		break;
	}
	case MMT_EV_KSWAPD_WAKE:
	case MMT_EV_KSWAPD_SLEEP:
	case MMT_EV_LRU_SHRINK_INACTIVE:
		rp_calib_kswapd_event(&p->kswapd, ev);
		break;
	default:
		break;
	}
}

static void decide_region(void *ctx, uint64_t key, uint64_t *val)
{
	uint64_t lo = (*val >> REG_MIN_SHIFT) & 511;
	uint64_t hi = (*val >> REG_MAX_SHIFT) & 511;

	(void)ctx;
	(void)key;
	if (hi + 1 - lo >= REG_SPAN_PAGES || (*val & REG_KERNEL_THP))
		*val |= REG_THP;
}

/* A region is THP-eligible when its faults span half of it, or the kernel
 * put a THP there.  Decided once, so the replay does one probe. */
static void decide_regions(struct rp_run *r)
{
	rp_map_each(&r->sl.regions, decide_region, NULL);
}

int rp_objects_init(struct rp_run *r)
{
	uint64_t n = mmt_reader_nr_events(r->rd);

	r->sl.nr_caches = r->h->nr_slab_caches;
	r->sl.cache_id = malloc((r->sl.nr_caches + 1) * sizeof(*r->sl.cache_id));
	r->sl.cache_rcl = calloc(r->sl.nr_caches + 1, 1);
	if (!r->sl.cache_id || !r->sl.cache_rcl)
		return -1;
	for (uint32_t i = 0; i < r->sl.nr_caches; i++)
		r->sl.cache_id[i] = -2;		/* not created yet */
	/* one bit per PAGE_ALLOC; the index's event count bounds them */
	r->sl.nr_bits = n ? n : 1;
	r->sl.bits = calloc((r->sl.nr_bits + 7) / 8, 1);
	if (!r->sl.bits || rp_map_init(&r->sl.objs, 1 << 12) < 0 ||
	    rp_map_init(&r->sl.regions, 1 << 10) < 0 ||
	    rp_map_init(&r->sl.thp_ref, 1 << 8) < 0)
		return -1;
	return 0;
}

void rp_objects_free(struct rp_run *r)
{
	free(r->sl.cache_id);
	free(r->sl.cache_rcl);
	free(r->sl.bits);
	rp_map_free(&r->sl.objs);
	rp_map_free(&r->sl.regions);
	rp_map_free(&r->sl.thp_ref);
}

/* What pre_event() reads of each kind: the pass decodes only these */
static const uint32_t pre_fields[64] = {
	[MMT_EV_PAGE_ALLOC] = MMT_FIELD_CPU | MMT_FIELD_PFN | MMT_FIELD_GFP |
			      MMT_FIELD_ORDER | MMT_FIELD_PID,
	[MMT_EV_PAGE_FREE] = MMT_FIELD_PFN | MMT_FIELD_ORDER,
	/* the pages events touch, for the start state (setup.c) */
	[MMT_EV_PCP_REFILL] = MMT_FIELD_PFN | MMT_FIELD_ORDER,
	[MMT_EV_PCP_DRAIN] = MMT_FIELD_PFN | MMT_FIELD_ORDER,
	[MMT_EV_COMPACT_ISOLATE] = MMT_FIELD_PFN | MMT_FIELD_ORDER,
	/* the zones' compaction deferral state at the start (setup.c) */
	[MMT_EV_COMPACT_DEFER] = MMT_FIELD_NODE | MMT_FIELD_ARG |
				 MMT_FIELD_ORDER | MMT_FIELD_MT |
				 MMT_FIELD_ARG2 | MMT_FIELD_ADDR | MMT_FIELD_MT2,
	/* kcompactd's wait at the start (setup.c) */
	[MMT_EV_KCOMPACTD_WAKE] = MMT_FIELD_NODE | MMT_FIELD_MT,
	[MMT_EV_KCOMPACTD_SLEEP] = MMT_FIELD_NODE,
	[MMT_EV_KMALLOC] = MMT_FIELD_PFN,
	[MMT_EV_KMEM_CACHE_ALLOC] = MMT_FIELD_PFN | MMT_FIELD_CACHE,
	[MMT_EV_FAULT_USER] = MMT_FIELD_CPU | MMT_FIELD_PID | MMT_FIELD_ADDR |
			      MMT_FIELD_ARG,
	/* file page identity (demand.c) */
	[MMT_EV_FILEMAP_ADD] = MMT_FIELD_PFN | MMT_FIELD_ORDER |
			       MMT_FIELD_OFFSET | MMT_FIELD_ARG | MMT_FIELD_ADDR,
	[MMT_EV_FILEMAP_DEL] = MMT_FIELD_PFN | MMT_FIELD_ORDER |
			       MMT_FIELD_OFFSET | MMT_FIELD_ARG | MMT_FIELD_ADDR,
	/* kswapd's runs, for its costs (calibrate.c) */
	[MMT_EV_KSWAPD_WAKE] = MMT_FIELD_PID,
	[MMT_EV_KSWAPD_SLEEP] = MMT_FIELD_PID,
	[MMT_EV_LRU_SHRINK_INACTIVE] = MMT_FIELD_PID | MMT_FIELD_ARG |
				       MMT_FIELD_ARG2,
};

int rp_prepass(struct rp_run *r)
{
	struct prepass p;
	const struct mmt_event *evs;
	int64_t n, ahead;

	memset(&p, 0, sizeof(p));
	p.max_order = 3;
	for (uint32_t i = 0; i < r->h->nr_slab_caches; i++)
		if (r->h->slab_caches[i].order > p.max_order &&
		    r->h->slab_caches[i].order <= MMC_MAX_ORDER)
			p.max_order = r->h->slab_caches[i].order;
	if (rp_touch_init(r) < 0)
		return -1;
	p.cpu = calloc(r->nr_trace_cpus, sizeof(*p.cpu));
	if (!p.cpu)
		return -1;
	p.live = &r->fwd;
	while ((n = mmt_reader_next_batch_kinds(r->rd, pre_fields, &evs,
						&ahead)) > 0)
		for (int64_t i = 0; i < n; i++) {
			/* the live map is far larger than the caches */
			if (i + 16 < n + ahead)
				rp_pmap_prefetch(p.live, evs[i + 16].pfn);
			rp_touch_note(r, &evs[i]);
			if (evs[i].kind == MMT_EV_COMPACT_DEFER) {
				rp_defer_note(r, &evs[i]);
				continue;
			}
			if (evs[i].kind == MMT_EV_KCOMPACTD_WAKE ||
			    evs[i].kind == MMT_EV_KCOMPACTD_SLEEP) {
				rp_kcompactd_note(r, &evs[i]);
				continue;
			}
			if (evs[i].kind == MMT_EV_PAGE_ALLOC &&
			    p.ordinal >= r->sl.nr_bits)
				continue;	/* more than the index said */
			pre_event(r, &p, &evs[i]);
		}
	region_flush(r, &p);
	free(p.cpu);
	if (rp_pmap_clear(&r->fwd) < 0)
		return -1;
	decide_regions(r);
	rp_demand_pre_done(r);
	rp_calib_kswapd_apply(r, &p.kswapd);
	/* errors are met again, and reported, by the replay proper */
	return mmt_reader_rewind(r->rd);
}

/* ---- the replay -------------------------------------------------------- */

/* Called for every PAGE_ALLOC in trace order: 1 when the pre-pass found it
 * to be a slab page (or a large kmalloc). */
int rp_page_is_slab(struct rp_run *r)
{
	return bit_get(r->sl.bits, r->sl.nr_bits, r->sl.ordinal++);
}

/* A PAGE_ALLOC the replay does not apply (stamped before the start
 * snapshot) keeps its ordinal: the pre-pass counted it, and the ordinal
 * names the findings of every later allocation. */
void rp_page_skip(struct rp_run *r)
{
	r->sl.ordinal++;
}

/* MMC_FAULT_THP / MMC_FAULT_MADVISED for a fault of pid at addr. */
unsigned rp_fault_thp_flags(const struct rp_run *r, uint32_t pid,
			    uint64_t addr)
{
	uint64_t v;

	if (!rp_map_get(&r->sl.regions, region_key(pid, addr), &v))
		return 0;
	return (v & REG_THP ? MMC_FAULT_THP : 0) |
	       (v & REG_KERNEL_THP ? MMC_FAULT_MADVISED : 0);
}

/* The model's cache for header cache idx: found by name (the kmalloc
 * caches exist from mmc_create), else created once with the geometry
 * that reproduces the header's objects per slab and order: object size
 * and align first, else slab_size (object plus metadata) with align 8. */
static int model_cache(struct rp_run *r, uint32_t idx)
{
	const struct mmt_slab_cache *c;
	struct mmc_slab_info a;
	uint32_t size, align, flags;
	int id;

	if (idx >= r->sl.nr_caches)
		return -1;
	if (r->sl.cache_id[idx] != -2)
		return r->sl.cache_id[idx];
	c = &r->h->slab_caches[idx];
	id = mmc_kmem_cache_find(r->m, c->name);
	if (id < 0) {
		size = c->object_size ? c->object_size : c->slab_size;
		align = c->align ? c->align : 8;
		if (c->slab_size && c->objs_per_slab &&
		    (mmc_slab_calc(size, align, r->nr_cpus, &a) < 0 ||
		     a.objs_per_slab != c->objs_per_slab ||
		     a.order != c->order)) {
			size = c->slab_size;
			align = 8;
		}
		flags = r->sl.cache_rcl[idx] ? MMC_SLAB_RECLAIM_ACCOUNT : 0;
		id = size ? mmc_kmem_cache_create(r->m, c->name, size, align,
						  flags) : -1;
		if (id >= 0)
			r->sl.caches_created++;
	}
	r->sl.cache_id[idx] = id;
	return id;
}

/* get_order() of a byte count, 4 KiB pages */
static unsigned get_order(uint32_t size)
{
	unsigned o = 0;

	while ((4096ull << o) < size)
		o++;
	return o;
}

static void slab_result(struct rp_run *r, const struct mmt_event *ev,
			int cache, const struct mmc_result *res)
{
	struct mmc_slab_info info;
	struct mmc_vmstat vs;
	int cpu = (int)(ev->cpu % r->nr_cpus);

	if (res->path & ~(uint32_t)MMC_PATH_SLAB_NEW) {
		/* a slab page (or large kmalloc) came from the page allocator */
		rp_count_result(r, res, cpu);
		if (cache >= 0 && mmc_kmem_cache_info(r->m, cache, &info) == 0)
			r->sl.model_slab_page_allocs += 1ull << info.order;
		mmc_vmstat(r->m, &vs);
		if (vs.slab_pages > r->sl.model_slab_pages_max)
			r->sl.model_slab_pages_max = vs.slab_pages;
		rp_account(r, RP_OP_SLAB, res, 0, (uint64_t)r->costs.slab);
		return;
	}
	rp_hist_add(&r->hist[RP_OP_SLAB], (uint64_t)r->costs.slab);
}

/* name is function fn, or a place in it (fn+0x..) */
static bool name_is(const char *name, const char *fn)
{
	size_t n = strlen(fn);

	return !strncmp(name, fn, n) && (name[n] == '+' || !name[n]);
}

/* Call sites whose failed allocation the kernel's caller recovers from,
 * from the trace's names table.  mempool_alloc(): its object allocation
 * is the first, opportunistic try (__GFP_NORETRY | __GFP_NOMEMALLOC, no
 * direct reclaim), and when it fails the caller takes an element of the
 * pool's reserve, allocated long before (mempool_create).  xas_alloc():
 * an xarray node allocated under the tree's lock with GFP_NOWAIT; when
 * it fails the store returns -ENOMEM into xas_nomem(), which allocates
 * the node with the caller's mask outside the lock, and the store is
 * retried (__filemap_add_folio(), __xa_store()).  A trace without names
 * has none. */
void rp_slab_find_retry_sites(struct rp_run *r)
{
	const struct mmt_names *n = mmt_reader_names(r->rd);

	if (!n) {
		if (!r->o->quiet_damage)
			fprintf(stderr, "%s: %s: %s; mempool allocations are "
				"replayed as any other\n", rp_who(r),
				r->o->trace, mmt_reader_error(r->rd) ?
				mmt_reader_error(r->rd) :
				"names table unreadable");
		return;
	}
	for (uint64_t i = 0; i < n->nr_syms; i++) {
		const char *name = n->syms[i].name;

		if (!strncmp(name, "mempool_alloc", strlen("mempool_alloc")) &&
		    r->sl.nr_mempool_sites < RP_MEMPOOL_SITES)
			r->sl.mempool_site[r->sl.nr_mempool_sites++] =
				n->syms[i].site;
		else if (name_is(name, "xas_alloc") &&
			 r->sl.nr_xas_sites < RP_MEMPOOL_SITES)
			r->sl.xas_site[r->sl.nr_xas_sites++] = n->syms[i].site;
	}
}

static bool site_in(const uint64_t *sites, uint32_t n, uint64_t site)
{
	for (uint32_t i = 0; i < n; i++)
		if (sites[i] == site)
			return true;
	return false;
}

static int slab_alloc_at(struct rp_run *r, int cache, uint32_t size,
			 uint64_t gfp, int cpu, uint64_t *pfn, uint32_t *off,
			 struct mmc_result *res)
{
	if (cache >= 0)
		return mmc_slab_alloc(r->m, cache, gfp, cpu, pfn, off, res);
	return mmc_kmalloc(r->m, size, gfp, cpu, pfn, off, res);
}

void rp_slab_alloc(struct rp_run *r, const struct mmt_event *ev)
{
	struct mmc_result res;
	uint64_t gfp = rp_gfp_canon(r, ev->gfp), pfn, old;
	uint32_t off, size = ev->bytes_alloc ? ev->bytes_alloc : ev->bytes_req;
	int cpu = (int)(ev->cpu % r->nr_cpus), cache = -1, rc;
	bool by_cache;

	r->slab_objs++;
	if (ev->kind == MMT_EV_KMEM_CACHE_ALLOC)
		cache = model_cache(r, ev->cache);
	by_cache = cache >= 0;
	if (!by_cache)
		cache = mmc_kmalloc_cache(r->m, size, gfp);
	rc = slab_alloc_at(r, by_cache ? cache : -1, size, gfp, cpu, &pfn,
			   &off, &res);
	if (rc < 0 && !(gfp & MMC___GFP_DIRECT_RECLAIM) &&
	    site_in(r->sl.xas_site, r->sl.nr_xas_sites, ev->site)) {
		/* xas_nomem(): the node again, with the caller's mask.  The
		 * trace does not have it; the page cache's (mapping mask,
		 * GFP_RECLAIM_MASK) is taken, as for a mapping with no
		 * restriction: direct reclaim, IO and FS allowed */
		r->sl.xas_nomem_retried++;
		rp_count_wake(r, &res, cpu);
		gfp |= MMC___GFP_DIRECT_RECLAIM | MMC___GFP_IO | MMC___GFP_FS;
		rc = slab_alloc_at(r, by_cache ? cache : -1, size, gfp, cpu,
				   &pfn, &off, &res);
	}
	if (!by_cache) {
		if (rc == 0 && cache == -1) {
			r->sl.large_kmallocs++;
			r->sl.model_slab_page_allocs += 1ull << get_order(size);
		}
		if (cache < 0)
			cache = -1;
	}
	if (rc == 1)
		return;			/* kmalloc(0): ZERO_SIZE_PTR */
	if (rc < 0 && site_in(r->sl.mempool_site, r->sl.nr_mempool_sites,
			      ev->site)) {
		/* mempool_alloc(): the pool's reserve gives the object; no
		 * memory moves (its free goes back to the reserve, a free
		 * of an object the model never held) */
		r->sl.mempool_reserve++;
		rp_count_wake(r, &res, cpu);
		return;
	}
	if (rc < 0) {
		r->sl.alloc_fail++;
		rp_count_result(r, &res, cpu);
		return;
	}
	r->sl.objs_allocated++;
	slab_result(r, ev, cache, &res);
	if (rp_map_swap(&r->sl.objs, OBJ_KEY(ev->pfn, ev->offset),
			OBJ_KEY(pfn, off), &old) == 1) {
		/* the kernel reused the address: its free was lost */
		r->sl.over_live++;
		(void)mmc_kfree(r->m, old >> 12, (uint32_t)(old & 0xfff), cpu,
				&res);
	}
}

void rp_slab_free(struct rp_run *r, const struct mmt_event *ev)
{
	struct mmc_result res;
	uint64_t sim;
	int cpu = (int)(ev->cpu % r->nr_cpus);

	if (!rp_map_take(&r->sl.objs, OBJ_KEY(ev->pfn, ev->offset), &sim)) {
		/* allocated before the trace began (or its alloc was lost):
		 * the model's SLUB never held it */
		r->sl.free_absorbed++;
		return;
	}
	if (mmc_kfree(r->m, sim >> 12, (uint32_t)(sim & 0xfff), cpu, &res) < 0)
		r->sl.free_fail++;
	else
		r->sl.objs_freed++;
}
