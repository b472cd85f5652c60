/* SPDX-License-Identifier: MIT */
/*
 * Policy replay: the workload's demand, apart from the kernel's response.
 *
 * A trace mixes what the workload asked for with what the kernel did about
 * it under the settings it ran with.  Only the first may drive a what-if.
 * In a trace whose header has MMT_HDR_CAUSES every page free and every
 * page-cache deletion says whose it was (enum mmt_free_cause):
 *
 *  - the workload's own frees (unmap, exit, truncate, MADV_DONTNEED) are
 *    demand: the model frees its page (driver.c policy_free);
 *  - kswapd, direct, node and memcg reclaim evictions, other frees inside
 *    a reclaimer, and the old copies of pages migration moved are the
 *    kernel's response: the model keeps its page (it is now an "orphan":
 *    no real page stands for it, rev holds REV_ORPHAN) and decides for
 *    itself when to reclaim or migrate it;
 *  - compaction's own bookkeeping (free blocks it isolated as migration
 *    targets, COMPACT_ISOLATE, and gave back, COMPACT_RELEASE; a failed
 *    target put back on its list, COMPACT_RETURN) never reaches the model.
 *    The kernel's migrations (MIGRATE: source -> target) move the real
 *    page's mapping, so the target's later free finds the model's page.
 *
 * Page-cache pages have an identity (MMT_HDR_FILE_IDS: device, inode,
 * index).  A pre-pass numbers every file page the trace names (a "fid")
 * and links each PAGE_ALLOC that became a page-cache page to its fid (the
 * FILEMAP_ADD of the same pfn that follows).  The replay keeps, per fid,
 * the model's state: the model holds it (at a sim pfn), the model evicted
 * it (the shadow entry mmc_reclaim_shadow() gave: mm/workingset.c), or
 * neither; and whether the kernel's page cache holds it.  Then:
 *
 *  - an allocation for a file page the model still holds costs the model
 *    nothing (e.g. the kernel refaults a page it evicted that the model
 *    kept): the real page is mapped onto the model's;
 *  - an access (FILE_READ: read(2) and readahead, every page of the range;
 *    FILE_MAP: fault-around maps only pages the kernel has cached, so only
 *    those of the range; FILE_FAULT: one page) touches the model's page
 *    (mark_page_accessed), or, when the model had evicted it, is a refault
 *    in the model, whatever the kernel did: the model allocates a page,
 *    puts it on its file LRU and calls mmc_file_refault() with the shadow;
 *  - a deletion that is the workload's (truncate, unlink, invalidate) frees
 *    the model's page, a deletion that is a reclaimer's leaves it.
 *
 * Assumptions (rp_demand_notes() lists them for the outputs; docs/demand.md
 * explains them): see notes[] below.
 */
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

/* fstate[fid]: payload << FS_SHIFT | flags | folio order */
#define FS_ORDER	0xfull
#define FS_MODEL	(1ull << 4)	/* the model holds it at payload */
#define FS_EVICTED	(1ull << 5)	/* the model evicted it: payload = shadow */
#define FS_KERNEL	(1ull << 6)	/* the kernel's page cache holds it */
#define FS_SEEN		(1ull << 7)	/* pre-pass: met an add or a deletion */
#define FS_PRETRACE	(1ull << 8)	/* pre-pass: first met as a deletion */
#define FS_WRITE	(1ull << 9)	/* its allocation had __GFP_WRITE */
#define FS_PIECES	(1ull << 10)	/* the model holds the folio as order-0
					 * pages, one file page each */
#define FS_SHIFT	12
#define FS_PAYLOAD(s)	((s) >> FS_SHIFT)

#define INDEX_BITS	40		/* file page index bits in a page key */
#define MAX_INODES	(1u << 23)	/* page keys stay below UINT64_MAX */
#define MAX_ACCESS_PAGES 4096u		/* per access event (bounds bad input) */
#define HPAGE_ORDER	9

static const char *const resp_names[RP_NR_RESP] = {
	"kswapd_evict", "direct_evict", "node_evict", "memcg_evict",
	"reclaim_other", "migrate_source", "compact_release",
	"compact_return", "compact_other",
};

const char *rp_resp_name(int resp)
{
	return resp >= 0 && resp < RP_NR_RESP ? resp_names[resp] : "unknown";
}

/* enum mmt_free_cause -> enum rp_resp; -1 for the workload's own free or
 * a cause this reader does not know (taken as demand, and counted). */
static int resp_of(uint64_t cause)
{
	switch (cause) {
	case MMT_FREE_KSWAPD_EVICT:	return RP_RESP_KSWAPD;
	case MMT_FREE_DIRECT_EVICT:	return RP_RESP_DIRECT;
	case MMT_FREE_NODE_EVICT:	return RP_RESP_NODE;
	case MMT_FREE_MEMCG_EVICT:	return RP_RESP_MEMCG;
	case MMT_FREE_KSWAPD_OTHER:
	case MMT_FREE_DIRECT_OTHER:
	case MMT_FREE_NODE_OTHER:
	case MMT_FREE_MEMCG_OTHER:	return RP_RESP_RECLAIM_OTHER;
	case MMT_FREE_MIGRATE_SOURCE:	return RP_RESP_MIGRATE;
	case MMT_FREE_COMPACT_RELEASE:	return RP_RESP_COMPACT_RELEASE;
	case MMT_FREE_COMPACT_RETURN:	return RP_RESP_COMPACT_RETURN;
	case MMT_FREE_COMPACT_OTHER:	return RP_RESP_COMPACT_OTHER;
	/* asked for (DAMON pageout, MADV_PAGEOUT), not a response to
	 * pressure, and not modelled: replayed as the free it was */
	case MMT_FREE_PROACTIVE:	return -1;
	default:			return -1;
	}
}

/* ---- identities --------------------------------------------------------- */

static uint64_t inode_key(uint64_t dev, uint64_t ino)
{
	uint64_t k = dev * 0x9e3779b97f4a7c15ull ^ ino;

	k ^= k >> 31;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 29;
	return k & (UINT64_MAX >> 1);	/* never the map's empty key */
}

/* The inode id of a FILEMAP/FILE event (device in offset, inode in arg);
 * 0 when untracked.  create: number a new inode. */
static uint32_t inode_id(struct rp_run *r, const struct mmt_event *ev,
			 int create)
{
	struct rp_demand *d = &r->dm;
	uint64_t k = inode_key(ev->offset, ev->arg), v;

	if (rp_map_get(&d->inodes, k, &v))
		return (uint32_t)v;
	if (!create || d->nr_inodes + 1 >= MAX_INODES ||
	    rp_map_put(&d->inodes, k, d->nr_inodes + 1) < 0) {
		d->untracked_ids++;
		return 0;
	}
	return ++d->nr_inodes;
}

static uint64_t page_key(uint32_t ino, uint64_t index)
{
	return (uint64_t)ino << INDEX_BITS | index;
}

/* The pages map's key for a page: page_key() mixed (splitmix64's
 * finalizer, one to one).  rp_map_hash() keeps a key's low 4 bits so that
 * neighbouring pfns share cache lines; neighbouring indexes of a file
 * filled runs of slots then, and a lookup of a page the trace never named
 * (every page of an access is looked up) walked to the end of its run:
 * 19 slots a lookup on the bench trace. */
static uint64_t pages_map_key(uint32_t ino, uint64_t index)
{
	return rp_mix64(page_key(ino, index));
}

static int grow_fids(struct rp_demand *d)
{
	/* from 1024: doubling costs a long trace nothing, and a short one
	 * does not clear 1 MiB (fuzz_replay: 2% of its time) */
	uint32_t cap = d->cap_fids ? d->cap_fids * 2 : 1 << 10;
	uint64_t *s = realloc(d->fstate, (size_t)cap * sizeof(*s)), *k;

	if (!s)
		return -1;
	memset(s + d->cap_fids, 0, (size_t)(cap - d->cap_fids) * sizeof(*s));
	d->fstate = s;
	k = realloc(d->fkey, (size_t)cap * sizeof(*k));
	if (!k)
		return -1;
	d->fkey = k;
	d->cap_fids = cap;
	return 0;
}

/* fid of (inode, index), numbered on first use when create; 0 untracked */
static uint32_t page_fid(struct rp_run *r, uint32_t ino, uint64_t index,
			 int create)
{
	struct rp_demand *d = &r->dm;
	uint64_t v;

	if (!ino || index >> INDEX_BITS)
		return 0;
	if (rp_map_get(&d->pages, pages_map_key(ino, index), &v))
		return (uint32_t)v;
	if (!create)
		return 0;
	if (d->nr_fids + 1 >= UINT32_MAX ||
	    (d->nr_fids + 1 >= d->cap_fids && grow_fids(d) < 0) ||
	    rp_map_put(&d->pages, pages_map_key(ino, index), d->nr_fids + 1) < 0) {
		d->untracked_ids++;
		return 0;
	}
	d->fkey[d->nr_fids + 1] = page_key(ino, index);
	return ++d->nr_fids;
}

/* The fid a FILEMAP/FILE event names (its first page), numbered on first
 * use when create; 0 untracked. */
static uint32_t event_fid(struct rp_run *r, const struct mmt_event *ev,
			  int create)
{
	return page_fid(r, inode_id(r, ev, create), ev->addr, create);
}

/* page_fid(ino, index) without numbering, remembered per order for
 * covering_fid(): an access walks a range page by page and asks for the
 * same folio heads again and again (10 map lookups a page, mostly misses,
 * were 14% of a replay).  A fid, once numbered, keeps its page for the
 * whole run, so a found one stays right; a miss only while no page was
 * numbered since (nr_fids unchanged). */
static uint32_t memo_fid(struct rp_run *r, unsigned o, uint32_t ino,
			 uint64_t index)
{
	struct rp_demand *d = &r->dm;
	struct rp_fid_memo *m = &d->memo[o];
	uint64_t key = page_key(ino, index);

	if (!ino || index >> INDEX_BITS)
		return 0;	/* as page_fid(): no key for it */
	if (m->key == key && (m->fid || m->nr_fids == d->nr_fids))
		return m->fid;
	m->fid = page_fid(r, ino, index, 0);
	m->key = key;
	m->nr_fids = d->nr_fids;
	return m->fid;
}

/* The fid whose folio holds index: page-cache folios sit at indexes
 * aligned to their size, so a tail index finds its head by rounding
 * down.  *head is the folio's first index. */
static uint32_t covering_fid(struct rp_run *r, uint32_t ino, uint64_t index,
			     uint64_t *head)
{
	struct rp_demand *d = &r->dm;

	for (unsigned o = 0; o <= d->max_file_order; o++) {
		uint64_t h = index & ~((1ull << o) - 1);
		uint32_t fid;

		/* the same head as at o - 1, which did not cover index:
		 * no fid there, or one of a smaller order */
		if (o && !(index & (1ull << (o - 1))))
			continue;
		fid = memo_fid(r, o, ino, h);
		if (fid && (o == 0 || (d->fstate[fid] & FS_ORDER) >= o)) {
			*head = h;
			return fid;
		}
	}
	return 0;
}

/* The order of the model's page for a file page: a piece is order 0. */
static unsigned model_order(uint64_t st)
{
	return st & FS_PIECES ? 0 : (unsigned)(st & FS_ORDER);
}

#define TAIL_AHEAD 8	/* each_tail's prefetch distance, in pages */

/* The fids of the other pages of the folio at fid (of its order, head
 * included), numbered when create; fn is called on each. */
static void each_tail(struct rp_run *r, uint32_t fid, unsigned order,
		      int create, void (*fn)(struct rp_run *, uint32_t, void *),
		      void *arg)
{
	uint64_t key = r->dm.fkey[fid];
	uint32_t ino = (uint32_t)(key >> INDEX_BITS);
	uint64_t head = key & ((1ull << INDEX_BITS) - 1);
	uint64_t n = 1ull << (order > 10 ? 10 : order);

	for (uint64_t i = 1; i < n; i++) {
		uint32_t f;

		/* the pages map is far larger than the caches, and mixed
		 * keys put a folio's pages far apart: a few lookups in
		 * flight at once instead of one miss after another */
		if (i + TAIL_AHEAD < n)
			rp_map_prefetch(&r->dm.pages,
					pages_map_key(ino, head + i + TAIL_AHEAD));
		f = page_fid(r, ino, head + i, create);

		if (f)
			fn(r, f, arg);
	}
}

/* Start loading the pages map slot of a FILEMAP event's page, a few
 * events before it is replayed (driver.c's next_event): one lookup an
 * event in a map far larger than the caches. */
void rp_demand_prefetch(struct rp_run *r, const struct mmt_event *ev)
{
	uint32_t ino = inode_id(r, ev, 0);

	if (ino && !(ev->addr >> INDEX_BITS))
		rp_map_prefetch(&r->dm.pages, pages_map_key(ino, ev->addr));
}

/* The same for a FILE_DIRTY event (its first lookup is the page itself,
 * covering_fid's order 0), without inode_id()'s count of an unknown
 * inode: many dirtied pages are of files the trace never added, and
 * the count is an output. */
void rp_demand_prefetch_dirty(struct rp_run *r, const struct mmt_event *ev)
{
	uint64_t ino;

	if (r->dm.file_dirty && !(ev->addr >> INDEX_BITS) &&
	    rp_map_get(&r->dm.inodes, inode_key(ev->offset, ev->arg), &ino))
		rp_map_prefetch(&r->dm.pages,
				pages_map_key((uint32_t)ino, ev->addr));
}

/* ---- setup and the pre-pass ---------------------------------------------- */

int rp_demand_init(struct rp_run *r)
{
	struct rp_demand *d = &r->dm;

	d->causes = (r->h->flags & MMT_HDR_CAUSES) != 0;
	d->file_ids = (r->h->flags & MMT_HDR_FILE_IDS) != 0;
	d->file_dirty = d->file_ids &&
			(r->h->flags & MMT_HDR_FILE_DIRTY) != 0;
	if (rp_map_init(&d->inodes, 1 << 10) < 0 ||
	    rp_map_init(&d->last_read, 1 << 10) < 0 ||
	    rp_map_init(&d->read_pend, 1 << 10) < 0 ||
	    rp_map_init(&d->read_pend_last, 1 << 10) < 0 ||
	    rp_map_init(&d->read_pend_ts, 1 << 10) < 0 ||
	    rp_map_init(&d->pages, 1 << 12) < 0 ||
	    rp_pmap_init(&d->frev, r->rev.base, r->rev.base + r->rev.n) < 0 ||
	    grow_fids(d) < 0)
		return -1;
	return 0;
}

void rp_demand_free(struct rp_run *r)
{
	struct rp_demand *d = &r->dm;

	rp_map_free(&d->inodes);
	rp_map_free(&d->last_read);
	rp_map_free(&d->read_pend);
	rp_map_free(&d->read_pend_last);
	rp_map_free(&d->read_pend_ts);
	free(d->held_q);
	rp_map_free(&d->pages);
	rp_pmap_free(&d->frev);
	free(d->fstate);
	free(d->fkey);
	free(d->afid);
	memset(d, 0, sizeof(*d));
}

/* 1 when [pfn, pfn + n) lies in one zone of the trace's host: a
 * compaction or migration event naming other pfns comes from a damaged
 * or crafted file, and following it would grow the pfn maps by up to
 * 1024 entries an event. */
static int trace_pfns_ok(struct rp_run *r, uint64_t pfn, uint64_t n)
{
	for (uint32_t i = 0; i < r->h->nr_zones; i++) {
		const struct mmt_zone_info *z = &r->h->zones[i];

		if (pfn >= z->start_pfn && pfn - z->start_pfn < z->spanned &&
		    n <= z->spanned - (pfn - z->start_pfn))
			return 1;
	}
	r->dm.pfns_outside++;
	return 0;
}

/* FILEMAP_ADD in the pre-pass: number the page, link the allocation
 * (its PAGE_ALLOC ordinal, UINT64_MAX when the page was allocated before
 * the trace) to it. */
void rp_demand_pre_add(struct rp_run *r, const struct mmt_event *ev,
		       uint64_t ordinal)
{
	struct rp_demand *d = &r->dm;
	uint32_t fid;

	if (!d->file_ids)
		return;
	fid = event_fid(r, ev, 1);
	if (!fid)
		return;
	if (ev->order <= 10 && ev->order > d->max_file_order)
		d->max_file_order = ev->order;
	d->fstate[fid] = (d->fstate[fid] & ~FS_ORDER) | FS_SEEN | FS_KERNEL |
			 (ev->order & FS_ORDER);
	if (ordinal >= UINT32_MAX)
		return;
	if (d->nr_afid == d->cap_afid) {
		size_t cap = d->cap_afid ? d->cap_afid * 2 : 4096;
		struct rp_afid *a = realloc(d->afid, cap * sizeof(*a));

		if (!a)
			return;		/* the allocation just stays plain */
		d->afid = a;
		d->cap_afid = cap;
	}
	d->afid[d->nr_afid++] = (struct rp_afid){ (uint32_t)ordinal, fid };
}

/* FILEMAP_DEL in the pre-pass: a page first met as a deletion was in the
 * page cache when the trace began, at that pfn (the snapshot cannot name
 * it); the replay then knows it from the start. */
void rp_demand_pre_del(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_demand *d = &r->dm;
	uint32_t fid;

	if (!d->file_ids)
		return;
	fid = event_fid(r, ev, 1);
	if (!fid || !trace_pfns_ok(r, ev->pfn, 1))
		return;
	if (!(d->fstate[fid] & FS_SEEN))
		d->fstate[fid] = ev->pfn << FS_SHIFT | FS_PRETRACE |
				 (ev->order & FS_ORDER);
	d->fstate[fid] = (d->fstate[fid] & ~FS_KERNEL) | FS_SEEN;
}

static int afid_cmp(const void *a, const void *b)
{
	const struct rp_afid *x = a, *y = b;

	return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

int rp_demand_pre_done(struct rp_run *r)
{
	struct rp_demand *d = &r->dm;

	/* adds follow their allocation closely: nearly sorted already */
	if (d->nr_afid)
		qsort(d->afid, d->nr_afid, sizeof(*d->afid), afid_cmp);
	for (uint32_t f = 1; f <= d->nr_fids; f++)
		d->fstate[f] &= d->fstate[f] & FS_PRETRACE ?
			       ~(FS_SEEN | FS_KERNEL) : FS_ORDER;
	return 0;
}

/* After seeding: the page-cache pages the pre-pass found present at the
 * start are the model's too (seeded at the same pfn as the kernel's).
 * Not from an inferred start (snap_start NULL): every page is free. */
void rp_demand_start(struct rp_run *r)
{
	struct rp_demand *d = &r->dm;
	const struct mmt_snapshot *s = r->snap_start;

	for (uint32_t f = 1; f <= d->nr_fids; f++) {
		uint64_t st = d->fstate[f], pfn = FS_PAYLOAD(st);
		int cls;

		if (!(st & FS_PRETRACE))
			continue;
		d->fstate[f] = st & FS_ORDER;
		cls = s ? rp_snap_class(s, pfn) : -1;
		if ((cls != MMT_PC_FILE && cls != MMT_PC_ANON) ||
		    rp_pmap_put(&d->frev, pfn, f) < 0)
			continue;
		d->fstate[f] |= pfn << FS_SHIFT | FS_MODEL | FS_KERNEL;
		d->pretrace_files++;
	}
}

/* ---- the replay: allocations -------------------------------------------- */

/* fid of the PAGE_ALLOC with this ordinal (ordinals come in order). */
uint32_t rp_demand_alloc_fid(struct rp_run *r, uint64_t ordinal)
{
	struct rp_demand *d = &r->dm;

	while (d->cur < d->nr_afid && d->afid[d->cur].ordinal < ordinal)
		d->cur++;
	if (d->cur < d->nr_afid && d->afid[d->cur].ordinal == ordinal)
		return d->afid[d->cur].fid;
	return 0;
}

/* The kernel allocates a page for file page fid.  When the model still
 * holds that file page (the kernel evicted it, the model did not), the
 * allocation costs the model nothing: the real page is mapped onto the
 * model's.  1 when so. */
int rp_demand_alloc_held(struct rp_run *r, uint32_t fid,
			 const struct mmt_event *ev)
{
	struct rp_demand *d = &r->dm;
	uint64_t st = d->fstate[fid], sim = FS_PAYLOAD(st), e, old;

	if (!(st & FS_MODEL)) {
		/* filemap_add_folio() counts no refault for a page about to
		 * be overwritten (__GFP_WRITE): remember it for the add */
		d->fstate[fid] = (st & ~FS_WRITE) |
				 (ev->gfp & r->dec.gfp_mask[MMT_GFP_WRITE] ?
				  FS_WRITE : 0);
		return 0;
	}
	if (st & FS_PIECES) {
		/* held as pieces: no one model page stands for the folio,
		 * its free is absorbed (the pieces go by identity) */
		if (rp_pmap_swap(&r->fwd, ev->pfn, FWD_DEAD |
				 (uint64_t)(ev->order & 0xf) << 1, &e) == 1 &&
		    !(e & FWD_DEAD)) {
			r->alloc_over_live++;
			rp_pmap_del(&r->rev, e >> FWD_SHIFT);
		}
		d->held_allocs += 1ull << (ev->order & 0xf);
		return 1;
	}
	if (rp_pmap_swap(&r->fwd, ev->pfn, sim << FWD_SHIFT |
			 (uint64_t)(st & FS_ORDER) << 1, &e) == 1 &&
	    !(e & FWD_DEAD)) {
		r->alloc_over_live++;
		rp_pmap_del(&r->rev, e >> FWD_SHIFT);
	}
	if (rp_pmap_swap(&r->rev, sim, ev->pfn, &old) == 1 &&
	    old != REV_ORPHAN && old != ev->pfn &&
	    rp_pmap_get(&r->fwd, old, &e) && !(e & FWD_DEAD) &&
	    e >> FWD_SHIFT == sim)
		rp_pmap_del(&r->fwd, old);	/* a stale binding */
	d->held_allocs += 1ull << (st & FS_ORDER);
	return 1;
}

/* ---- the replay: the page cache ------------------------------------------ */

static void set_kernel(struct rp_run *r, uint32_t f, void *arg)
{
	(void)arg;
	r->dm.fstate[f] |= FS_KERNEL;
}

static void clear_kernel(struct rp_run *r, uint32_t f, void *arg)
{
	(void)arg;
	r->dm.fstate[f] &= ~FS_KERNEL;
}

/* FILEMAP_ADD of a page the pre-pass numbered: 1 when handled here (the
 * model's page goes on its file LRU unless it was already there), 0 for
 * a page without identity (driver.c adds it to the LRU). */
int rp_demand_filemap_add(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_demand *d = &r->dm;
	uint64_t e, st, sim;
	unsigned order = ev->order & FS_ORDER;
	uint32_t fid;

	fid = event_fid(r, ev, 0);
	if (!fid)
		return 0;
	d->file_adds++;
	st = d->fstate[fid];
	if ((st & FS_MODEL) && !(st & FS_PIECES) && (st & FS_ORDER) != order) {
		/* The model holds this file page in a page of another size
		 * than the kernel's new folio (a piece of an earlier folio,
		 * or an earlier folio of another order).  An order-0 page
		 * becomes the head piece of the new folio; a larger one
		 * keeps its order: a deletion frees what the model holds,
		 * never a block of the kernel's size at the model's pfn. */
		d->fstate[fid] = (st & ~FS_WRITE) | FS_KERNEL |
				 (st & FS_ORDER ? 0 : FS_PIECES | order);
		if (!(st & FS_ORDER))
			each_tail(r, fid, order, 0, set_kernel, NULL);
		return 1;
	}
	d->fstate[fid] = (st & ~(FS_ORDER | FS_WRITE)) | FS_KERNEL | order;
	if (st & FS_PIECES)
		each_tail(r, fid, order, 0, set_kernel, NULL);
	if (st & FS_MODEL)
		return 1;	/* held, or placed as pieces */
	if (!rp_pmap_get(&r->fwd, ev->pfn, &e) || (e & (FWD_DEAD | FWD_SLAB)))
		return 1;	/* the model failed that allocation */
	sim = e >> FWD_SHIFT;
	if (mmc_lru_add(r->m, sim, order, MMC_PC_FILE) < 0) {
		r->dup_lru++;
		return 1;
	}
	if (rp_pmap_put(&d->frev, sim, fid) < 0)
		return 1;
	d->fstate[fid] = FS_MODEL | FS_KERNEL | sim << FS_SHIFT | order;
	/* a page the model had evicted is a refault in the model too,
	 * unless it is being overwritten (as filemap_add_folio() has it) */
	if ((st & FS_EVICTED) && !(st & FS_WRITE)) {
		mmc_file_refault(r->m, sim, order, FS_PAYLOAD(st));
		d->model_refaults++;
	}
	return 1;
}

/* Frees the model's page of a file page the workload deleted. */
static void free_file_page(struct rp_run *r, uint32_t fid,
			   const struct mmt_event *ev)
{
	struct rp_demand *d = &r->dm;
	uint64_t st = d->fstate[fid], sim = FS_PAYLOAD(st), e, real;
	unsigned order = model_order(st);
	struct mmc_result res;

	rp_pmap_del(&d->frev, sim);
	/* the real page's free (PAGE_FREE, cause demand) is absorbed */
	if (rp_pmap_get(&r->fwd, ev->pfn, &e) && !(e & FWD_DEAD) &&
	    e >> FWD_SHIFT == sim)
		rp_pmap_put(&r->fwd, ev->pfn, e | FWD_DEAD);
	if (rp_pmap_take(&r->rev, sim, &real) && real != ev->pfn &&
	    real != REV_ORPHAN && rp_pmap_get(&r->fwd, real, &e) &&
	    e >> FWD_SHIFT == sim)
		rp_pmap_put(&r->fwd, real, e | FWD_DEAD);
	memset(&res, 0, sizeof(res));
	if (mmc_free(r->m, sim, order, (int)(ev->cpu % r->nr_cpus), &res) < 0)
		r->unmatched_frees++;
}

/* A file page the workload deleted: the model's page goes. */
static void forget_page(struct rp_run *r, uint32_t fid, void *arg)
{
	uint64_t st = r->dm.fstate[fid];

	if (st & FS_MODEL)
		free_file_page(r, fid, arg);
	r->dm.fstate[fid] = st & FS_ORDER;
}

void rp_demand_filemap_del(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_demand *d = &r->dm;
	uint64_t st;
	uint32_t fid;

	if (!d->file_ids)
		return;
	fid = event_fid(r, ev, 0);
	if (!fid)
		return;
	st = d->fstate[fid];
	if (!d->causes || resp_of(ev->arg2) < 0) {
		/* the workload's truncate, unlink or invalidate: the file
		 * page is gone, shadow and all */
		d->file_dels_demand++;
		if (st & FS_PIECES)
			each_tail(r, fid, (unsigned)(st & FS_ORDER), 0,
				  forget_page, (void *)ev);
		forget_page(r, fid, (void *)ev);
		return;
	}
	/* a reclaimer's eviction: the model keeps its page, or its shadow */
	d->file_dels_resp++;
	if (st & FS_PIECES)
		each_tail(r, fid, (unsigned)(st & FS_ORDER), 0, clear_kernel,
			  NULL);
	d->fstate[fid] = st & ~FS_KERNEL;
}

/* The model reclaimed sim (reclaim hook): a file page becomes a shadow. */
void rp_demand_reclaimed(struct rp_run *r, uint64_t sim, unsigned order)
{
	struct rp_demand *d = &r->dm;
	uint64_t fid;

	(void)order;
	if (!rp_pmap_take(&d->frev, sim, &fid) || fid > d->nr_fids)
		return;
	d->fstate[fid] = (d->fstate[fid] & (FS_ORDER | FS_KERNEL | FS_PIECES)) |
			 FS_EVICTED | mmc_reclaim_shadow(r->m) << FS_SHIFT;
}

/* The kernel freed, as the workload's, the real page that the model's page
 * sim stands for, while a file page still held sim.  A page-cache page is
 * always deleted (FILEMAP_DEL) before it is freed, so that file page was
 * never at sim: tmpfs and shmem add their pages without the
 * mm_filemap_add_to_page_cache tracepoint, and such a page first met as a
 * deletion was taken for one cached before the trace, seated at the pfn
 * its deletion names, which another page held at the start.  The file
 * page leaves the model (its deletion later frees nothing); left seated,
 * the model gave sim to a new page while the file page still claimed it,
 * and the deletion then freed that page (an anonymous one, still mapped,
 * a few hundred times a pressure run). */
void rp_demand_page_gone(struct rp_run *r, uint64_t sim)
{
	struct rp_demand *d = &r->dm;
	uint64_t fid;

	if (!d->file_ids || !rp_pmap_take(&d->frev, sim, &fid) ||
	    fid > d->nr_fids)
		return;
	d->fstate[fid] &= FS_ORDER;
	d->unseated++;
}

/* The model migrated from -> to (migrate hook). */
void rp_demand_migrated(struct rp_run *r, uint64_t from, uint64_t to)
{
	struct rp_demand *d = &r->dm;
	uint64_t fid;

	if (!rp_pmap_take(&d->frev, from, &fid) || fid > d->nr_fids)
		return;
	if (rp_pmap_put(&d->frev, to, fid) == 0)
		d->fstate[fid] = (d->fstate[fid] & ((1ull << FS_SHIFT) - 1)) |
				 to << FS_SHIFT;
}

/* The model split its folio at sim into order-0 pages (compaction moves
 * them one by one): a file folio is then held as pieces, each page its
 * own model page, as alloc_pieces() holds one, so that each piece follows
 * its own migration and a deletion frees order-0 pages. */
struct split_arg { uint64_t sim, head_index, kernel; };

static void split_tail(struct rp_run *r, uint32_t f, void *arg)
{
	struct split_arg *a = arg;
	uint64_t i = (r->dm.fkey[f] & ((1ull << INDEX_BITS) - 1)) - a->head_index;
	uint64_t pfn = a->sim + i;

	if (r->dm.fstate[f] & FS_MODEL)
		return;		/* already a page of its own: leave it */
	if (rp_pmap_put(&r->dm.frev, pfn, f) < 0)
		return;
	r->dm.fstate[f] = a->kernel | FS_MODEL | pfn << FS_SHIFT;
}

void rp_demand_split(struct rp_run *r, uint64_t sim, unsigned order)
{
	struct rp_demand *d = &r->dm;
	uint64_t fid, st;

	if (!order || !rp_pmap_get(&d->frev, sim, &fid) || fid > d->nr_fids)
		return;
	st = d->fstate[fid];
	if (st & FS_PIECES || model_order(st) != order)
		return;
	struct split_arg a = { sim, d->fkey[fid] & ((1ull << INDEX_BITS) - 1),
			       st & FS_KERNEL };

	d->fstate[fid] = st | FS_PIECES;
	each_tail(r, (uint32_t)fid, order, 1, split_tail, &a);
	d->folio_splits++;
}

/* Places file page fid in the model: a page of `order` on its file LRU;
 * a refault (mm/workingset.c) when the model had evicted it, unless the
 * page is being overwritten.  `flags` are the FS_ORDER and FS_PIECES bits
 * the state keeps.  0, or -1 when the allocation failed. */
static int place_page(struct rp_run *r, uint32_t fid, unsigned order,
		      uint64_t gfp, int cpu, uint64_t flags)
{
	struct rp_demand *d = &r->dm;
	uint64_t st = d->fstate[fid];
	struct mmc_result res;

	memset(&res, 0, sizeof(res));
	if (mmc_alloc(r->m, order, gfp, cpu, &res) < 0)
		res.pfn = UINT64_MAX;
	if (st & FS_EVICTED)
		res.path |= MMC_PATH_REFAULT;
	rp_count_result(r, &res, cpu);
	rp_account(r, RP_OP_ALLOC, &res, order, 0);
	if (res.pfn == UINT64_MAX)
		return -1;
	if (mmc_lru_add(r->m, res.pfn, order, MMC_PC_FILE) < 0 ||
	    rp_pmap_put(&d->frev, res.pfn, fid) < 0) {
		r->dup_lru++;
		return 0;
	}
	if ((st & FS_EVICTED) && !(st & FS_WRITE)) {
		mmc_file_refault(r->m, res.pfn, order, FS_PAYLOAD(st));
		d->model_refaults++;
	}
	rp_pmap_put(&r->rev, res.pfn, REV_ORPHAN);
	d->fstate[fid] = (st & FS_KERNEL) | flags | FS_MODEL |
			 res.pfn << FS_SHIFT;
	return 0;
}

struct pieces { uint64_t gfp, write; int cpu; unsigned failed; };

/* One order-0 piece of a folio.  Readahead asks for it with the folio's
 * mask (readahead_gfp_mask(): __GFP_NORETRY); when that fails, readahead
 * stops and the reader allocates the page itself (filemap_create_folio()
 * with the mapping's mask, no NORETRY), as it does for every page it goes
 * on to read: the failed readahead attempt is then no failure of the
 * model's, the second attempt's outcome stands for the page. */
static int place_piece(struct rp_run *r, uint32_t f, uint64_t gfp, int cpu,
		       uint64_t flags)
{
	if (place_page(r, f, 0, gfp, cpu, flags) == 0)
		return 0;
	if (!(gfp & MMC___GFP_NORETRY))
		return -1;
	r->demand_fail--;
	return place_page(r, f, 0, gfp & ~MMC___GFP_NORETRY, cpu, flags);
}

/* A tail page's own state has no FS_WRITE (rp_demand_alloc_held() sets
 * it on the head only): a folio being overwritten is so in every page,
 * and none of its pieces is a refault. */
static void place_tail(struct rp_run *r, uint32_t f, void *arg)
{
	struct pieces *p = arg;

	if (r->dm.fstate[f] & FS_MODEL)
		return;
	r->dm.fstate[f] = (r->dm.fstate[f] & ~FS_WRITE) | p->write;
	if (place_piece(r, f, p->gfp, p->cpu, 0))
		p->failed++;
}

/* The model has no free block for a page-cache folio of this order:
 * page_cache_ra_order() falls back to order-0 pages for the range
 * (do_page_cache_ra()), and so does the model: one order-0 page per file
 * page of the folio, each its own file page from then on (place_piece()).
 * Returns the pieces it could not place. */
static unsigned alloc_pieces(struct rp_run *r, uint32_t fid, unsigned order,
			     uint64_t gfp, int cpu)
{
	struct pieces p = { gfp & ~MMC___GFP_COMP, r->dm.fstate[fid] & FS_WRITE,
			    cpu, 0 };

	if (place_piece(r, fid, p.gfp, cpu, FS_PIECES | (order & FS_ORDER)))
		p.failed++;
	each_tail(r, fid, order, 1, place_tail, &p);
	r->dm.folio_fallbacks++;
	return p.failed;
}

/* The kernel's allocation of a page-cache folio of order > 0 failed in
 * the model (driver.c mapped the real folio to nothing): the pieces
 * instead.  1 when every piece was placed. */
int rp_demand_alloc_pieces(struct rp_run *r, uint32_t fid,
			   const struct mmt_event *ev, uint64_t gfp, int cpu)
{
	if (!ev->order || ev->order > 10)
		return 0;
	return alloc_pieces(r, fid, ev->order, gfp, cpu) == 0;
}

/* A file page the model had evicted is accessed: a refault in the model.
 * It allocates the page as the page cache would: a large folio with
 * __GFP_COMP | __GFP_NORETRY | __GFP_NOWARN (readahead_gfp_mask() for a
 * read, __filemap_get_folio() above the mapping's min order for a write,
 * which adds __GFP_WRITE), order-0 pieces when no block of that order
 * can be had; puts it on the file LRU and lets workingset_refault()
 * decide whether to activate it.  A read allocates in readahead, under
 * memalloc_nofs_save() (page_cache_ra_unbounded()): without __GFP_FS,
 * as the trace's readahead allocations show (GFP_NOFS | ...). */
static void model_refault(struct rp_run *r, uint32_t fid, int cpu)
{
	uint64_t st = r->dm.fstate[fid];
	unsigned order = model_order(st);
	uint64_t gfp = MMC_GFP_HIGHUSER_MOVABLE |
		       (st & FS_WRITE ? MMC___GFP_WRITE : 0) |
		       (order ? MMC___GFP_COMP | MMC___GFP_NORETRY |
				MMC___GFP_NOWARN : 0);

	if (!(st & FS_WRITE))
		gfp &= ~MMC___GFP_FS;

	if (place_page(r, fid, order, gfp, cpu,
		       st & (FS_ORDER | FS_PIECES)) == 0 || !order)
		return;		/* placed, or failed at order 0 */
	/* the failed attempt counted; the pieces stand in for it */
	if (alloc_pieces(r, fid, order, gfp, cpu) == 0)
		r->demand_fail--;
}

/* The pages of [first, last] of inode ino are read (read: one batch of
 * filemap_read()), mapped by fault-around (map) or faulted (neither). */
static void access_pages(struct rp_run *r, uint32_t ino, uint64_t first,
			 uint64_t last, int cpu, int read, int map)
{
	struct rp_demand *d = &r->dm;
	uint64_t i, left, prev_end = UINT64_MAX;

	/* filemap_read() marks every folio of a batch accessed but the
	 * first when the previous read ended in it (pos_same_folio() with
	 * ra->prev_pos: a sequential reader's folio counts once, not once a
	 * read(2)); the position is kept per inode here, not per open file */
	if (read) {
		uint64_t v;

		if (rp_map_get(&d->last_read, ino, &v))
			prev_end = v;
		(void)rp_map_put(&d->last_read, ino, last);
	}
	/* counted down, not "i <= last": last may be 2^64-1 from a file */
	for (i = first, left = last - first + 1; left; ) {
		uint64_t head = i, st, next;
		uint32_t fid = covering_fid(r, ino, i, &head);

		if (!fid) {
			d->access_unknown++;
			i++;
			left--;
			continue;
		}
		st = d->fstate[fid];
		next = head + (1ull << (st & FS_ORDER));
		if (next <= i)
			next = i + 1;
		left = next - i >= left ? 0 : left - (next - i);
		i = next;
		if (map && !(st & FS_KERNEL))
			continue;	/* not cached in the kernel: not mapped */
		d->access_pages++;
		if (st & FS_EVICTED)
			model_refault(r, fid, cpu);
		st = d->fstate[fid];
		if (!(st & FS_MODEL))
			continue;
		if (read && head <= first && prev_end >= head && prev_end < i)
			continue;	/* the folio the last read ended in */
		mmc_lru_touch(r->m, FS_PAYLOAD(st));
		/* fault-around and faults map the page into a process */
		if (!read)
			mmc_lru_map_file(r->m, FS_PAYLOAD(st));
	}
}

/* A FILE_READ waiting for the next of its inode: index of its first page,
 * its cpu and a valid bit packed in read_pend, its last page in
 * read_pend_last, its time in read_pend_ts.  PEND_DONE: its pages were
 * accessed when it ran out of time (READ_HOLD_NS); a later batch of the
 * same read then accesses nothing again. */
#define PEND_VALID	(1ull << 63)
#define PEND_DONE	(1ull << 62)
#define PEND_CPU_SHIFT	INDEX_BITS
/* How long a read's batch waits for the next batch of the same read: the
 * batches of one read(2) come within 57 ms of each other in the
 * 2026-12-05 00:14 make validate traces (99% within 2.4 ms; the longest
 * gaps wait for readahead I/O).  A read whose last batch stops short of
 * the read's end (end of file) has no next one: it ends here, so its
 * pages are accessed while they are still cached, not at the end of the
 * replay. */
#define READ_HOLD_NS	100000000ull

static void read_pending(struct rp_run *r, uint32_t ino, uint64_t pend,
			 uint64_t upto)
{
	uint64_t first = pend & ((1ull << INDEX_BITS) - 1);

	if (pend & PEND_DONE)
		return;
	access_pages(r, ino, first, upto,
		     (int)((pend >> PEND_CPU_SHIFT) & 0xffff), 1, 0);
}

/* Queues a held read (ino, ts) to be ended by rp_demand_read_expire();
 * -1 when the ring cannot grow (the caller ends the read at once). */
static int held_push(struct rp_demand *d, uint32_t ino, uint64_t ts)
{
	if (d->held_n == d->held_cap) {
		size_t cap = d->held_cap ? d->held_cap * 2 : 256;
		struct rp_held_read *q = malloc(cap * sizeof(*q));

		if (!q)
			return -1;
		for (size_t i = 0; i < d->held_n; i++)
			q[i] = d->held_q[(d->held_head + i) % d->held_cap];
		free(d->held_q);
		d->held_q = q;
		d->held_cap = cap;
		d->held_head = 0;
	}
	d->held_q[(d->held_head + d->held_n) % d->held_cap] =
		(struct rp_held_read){ ts, ino };
	d->held_n++;
	return 0;
}

/* Ends the held reads older than READ_HOLD_NS at `now` (each the whole
 * range it asked for, marked PEND_DONE). */
void rp_demand_read_expire(struct rp_run *r, uint64_t now)
{
	struct rp_demand *d = &r->dm;

	while (d->held_n) {
		struct rp_held_read h = d->held_q[d->held_head];
		uint64_t pend, plast, pts;

		if (h.ts + READ_HOLD_NS > now)
			break;
		d->held_head = (d->held_head + 1) % d->held_cap;
		d->held_n--;
		if (!rp_map_get(&d->read_pend_ts, h.ino, &pts) || pts != h.ts ||
		    !rp_map_get(&d->read_pend, h.ino, &pend) ||
		    !(pend & PEND_VALID) || (pend & PEND_DONE) ||
		    !rp_map_get(&d->read_pend_last, h.ino, &plast))
			continue;	/* ended by a later read of its inode */
		read_pending(r, h.ino, pend, plast);
		(void)rp_map_put(&d->read_pend, h.ino, pend | PEND_DONE);
	}
}

/* FILE_READ (mm_filemap_get_pages: one batch of filemap_read(), at most
 * PAGEVEC_SIZE folios from addr, with arg2 the end of the whole read, so
 * the batches of one read(2) give [0, 255], [31, 255], [62, 255], ...),
 * FILE_MAP (filemap_map_pages: maps the pages of the range the kernel
 * has cached, nothing else) and FILE_FAULT (one page).  A read's batch
 * ends where the next batch of the same read starts: each FILE_READ is
 * held until the next one of its inode says so, READ_HOLD_NS at most
 * (rp_demand_read_expire(); the last at the end of the replay,
 * rp_demand_access_flush()). */
void rp_demand_access(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_demand *d = &r->dm;
	int cpu = (int)(ev->cpu % r->nr_cpus);
	uint64_t first = ev->addr, last = ev->arg2, pend, plast, done = 0;
	uint32_t ino;

	if (!d->file_ids)
		return;
	d->accesses++;
	if (last < first)
		last = first;
	if (last - first >= MAX_ACCESS_PAGES) {
		d->access_clipped++;
		last = first + MAX_ACCESS_PAGES - 1;
	}
	ino = inode_id(r, ev, 0);
	if (!ino || first >> INDEX_BITS) {	/* no file page has such an index */
		d->access_unknown += last - first + 1;
		return;
	}
	if (ev->kind != MMT_EV_FILE_READ) {
		access_pages(r, ino, first, last, cpu, 0,
			     ev->kind == MMT_EV_FILE_MAP);
		return;
	}
	if (rp_map_get(&d->read_pend, ino, &pend) && (pend & PEND_VALID) &&
	    rp_map_get(&d->read_pend_last, ino, &plast)) {
		uint64_t pfirst = pend & ((1ull << INDEX_BITS) - 1);

		if (plast == last && first > pfirst && first <= last) {
			read_pending(r, ino, pend, first - 1);
			done = pend & PEND_DONE;  /* the read's pages are done */
		} else {
			read_pending(r, ino, pend, plast);
		}
	}
	pend = PEND_VALID | done | first |
	       (uint64_t)(cpu & 0xffff) << PEND_CPU_SHIFT;
	if (!done && held_push(d, ino, ev->ts) < 0) {
		read_pending(r, ino, pend, last);	/* no room to hold it */
		pend |= PEND_DONE;
	}
	(void)rp_map_put(&d->read_pend, ino, pend);
	(void)rp_map_put(&d->read_pend_last, ino, last);
	(void)rp_map_put(&d->read_pend_ts, ino, ev->ts);
}

static void dirty_tail(struct rp_run *r, uint32_t f, void *arg)
{
	(void)arg;
	if (r->dm.fstate[f] & FS_MODEL)
		mmc_file_dirty(r->m, FS_PAYLOAD(r->dm.fstate[f]));
}

/* FILE_DIRTY: the workload dirtied the folio at the event's index (a
 * write, a write fault).  The model's page, or each of its pieces, turns
 * dirty until the model's flusher writes it (mmcore/writeback.c).  The
 * kernel held the folio; when the model had evicted it, the write brings
 * the page back into the model's cache, as a write(2) to an uncached
 * page does: allocated (order-0 pieces when no block is free), no
 * refault (__GFP_WRITE: filemap_add_folio()), then dirtied
 * (file_dirty_model_evicted). */
void rp_demand_file_dirty(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_demand *d = &r->dm;
	uint32_t ino, fid;
	uint64_t head, st;

	if (!d->file_dirty)
		return;
	ino = inode_id(r, ev, 0);
	fid = ino ? covering_fid(r, ino, ev->addr, &head) : 0;
	if (!fid) {
		d->dirty_unknown++;
		return;
	}
	st = d->fstate[fid];
	if ((st & FS_EVICTED) && (st & FS_KERNEL)) {
		d->dirty_unheld++;
		d->fstate[fid] = st | FS_WRITE;
		model_refault(r, fid, (int)(ev->cpu % r->nr_cpus));
		st = d->fstate[fid];
	}
	if (!(st & FS_MODEL))
		return;		/* not held by the kernel, or not placed */
	d->dirty_events++;
	mmc_file_dirty(r->m, FS_PAYLOAD(st));
	if (st & FS_PIECES)
		each_tail(r, fid, (unsigned)(st & FS_ORDER), 0, dirty_tail, NULL);
}

static void flush_one(void *ctx, uint64_t key, uint64_t *val)
{
	struct rp_run *r = ctx;
	uint64_t plast;

	if ((*val & PEND_VALID) &&
	    rp_map_get(&r->dm.read_pend_last, key, &plast))
		read_pending(r, (uint32_t)key, *val, plast);
	*val = 0;
}

/* The FILE_READs still held at the end of the replay. */
void rp_demand_access_flush(struct rp_run *r)
{
	if (r->dm.file_ids)
		rp_map_each(&r->dm.read_pend, flush_one, r);
}

/* ---- the replay: the kernel's compaction and migration --------------------- */

/* A free block compaction took as migration targets: from here on it is
 * the kernel's, not the workload's; a free of it is absorbed unless a
 * migration moves a page there first. */
void rp_demand_isolate(struct rp_run *r, const struct mmt_event *ev)
{
	uint64_t n = 1ull << (ev->order > 10 ? 10 : ev->order), e;

	if (!r->dm.causes || !trace_pfns_ok(r, ev->pfn, n))
		return;
	for (uint64_t i = 0; i < n; i++)
		if (rp_pmap_swap(&r->fwd, ev->pfn + i, FWD_DEAD, &e) == 1 &&
		    !(e & FWD_DEAD)) {
			r->alloc_over_live++;	/* a free was lost */
			rp_pmap_del(&r->rev, e >> FWD_SHIFT);
		}
	r->dm.isolated_pages += n;
}

/* The kernel moved the page at pfn to addr: the model's page (or the
 * pre-trace page, which sits at the same pfn in the model) now stands for
 * the target.  Every 4 KiB piece of a kernel THP the model holds in
 * pieces moves too. */
void rp_demand_migrate(struct rp_run *r, const struct mmt_event *ev)
{
	uint64_t from = ev->pfn, to = ev->addr, e;
	uint64_t n = ev->order <= HPAGE_ORDER ? 1ull << ev->order : 1;

	if (!r->dm.causes || !trace_pfns_ok(r, from, n) ||
	    !trace_pfns_ok(r, to, n))
		return;
	r->dm.migrations++;
	for (uint64_t i = 0; i < n; i++) {
		if (rp_pmap_take(&r->fwd, from + i, &e)) {
			uint64_t old;

			if (rp_pmap_swap(&r->fwd, to + i, e, &old) == 1 &&
			    !(old & FWD_DEAD)) {
				r->alloc_over_live++;
				rp_pmap_del(&r->rev, old >> FWD_SHIFT);
			}
			if (!(e & FWD_DEAD) && !(e & FWD_SLAB))
				rp_pmap_put(&r->rev, e >> FWD_SHIFT, to + i);
		} else if (i == 0) {
			/* allocated before the trace: real == sim */
			if (rp_pmap_get(&r->rev, from, &e)) {
				r->dm.migrate_unknown++;
				break;	/* sim pfn reused: nothing to move */
			}
			rp_pmap_put(&r->fwd, to, from << FWD_SHIFT |
				    (uint64_t)(ev->order & 0xf) << 1);
			rp_pmap_put(&r->rev, from, to);
			break;
		}
	}
}

/* ---- the replay: frees that are the kernel's response --------------------- */

/* Drops the real page's mapping; the model keeps its page. */
static void orphan(struct rp_run *r, uint64_t pfn)
{
	uint64_t e, real;

	if (!rp_pmap_take(&r->fwd, pfn, &e)) {
		/* allocated before the trace: the model's page at the same
		 * pfn stays, with no real page behind it */
		if (!rp_pmap_get(&r->rev, pfn, &real))
			rp_pmap_put(&r->rev, pfn, REV_ORPHAN);
		r->dm.resp_pages_kept++;
		return;
	}
	if (e & FWD_SLAB) {
		r->sl.kernel_slab_page_frees += 1ull << FWD_ORDER(e);
		return;
	}
	if (e & FWD_DEAD) {
		r->dm.resp_absorbed++;	/* the model had reclaimed it too */
		return;
	}
	if (rp_pmap_get(&r->rev, e >> FWD_SHIFT, &real) && real == pfn)
		rp_pmap_put(&r->rev, e >> FWD_SHIFT, REV_ORPHAN);
	r->dm.resp_pages_kept++;
}

/* A PAGE_FREE whose cause is not the workload's: 1 when handled here
 * (the model keeps its page), 0 for demand (driver.c frees). */
int rp_demand_response_free(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_demand *d = &r->dm;
	int resp = resp_of(ev->arg2);
	uint64_t n, e;

	if (resp < 0) {
		if (ev->arg2 == MMT_FREE_PROACTIVE)
			d->proactive_frees++;
		else if (ev->arg2 != MMT_FREE_DEMAND)
			d->unknown_cause++;
		d->demand_frees++;
		return 0;
	}
	d->resp_frees[resp]++;
	switch (resp) {
	case RP_RESP_COMPACT_RETURN:
		return 1;	/* not a free: the page stays isolated */
	case RP_RESP_COMPACT_RELEASE:
		/* an isolated free page compaction did not use */
		n = 1ull << (ev->order > 10 ? 10 : ev->order);
		for (uint64_t i = 0; i < n; i++)
			if (rp_pmap_get(&r->fwd, ev->pfn + i, &e) &&
			    e == FWD_DEAD)
				rp_pmap_del(&r->fwd, ev->pfn + i);
		return 1;
	default:
		break;
	}
	orphan(r, ev->pfn);
	/* the other pieces of a kernel THP the model holds as 4 KiB pages */
	if (ev->order >= HPAGE_ORDER && ev->order <= 10) {
		for (uint64_t i = 1; i < (1ull << ev->order); i++)
			if (rp_pmap_get(&r->fwd, ev->pfn + i, &e) &&
			    (e & FWD_ANON))
				orphan(r, ev->pfn + i);
	}
	return 1;
}

/* ---- what the replay assumed ---------------------------------------------- */

size_t rp_demand_notes(const struct rp_run *r, const char **notes, size_t max)
{
	const struct rp_demand *d = &r->dm;
	size_t n = 0;

#define NOTE(s) do { if (n < max) notes[n++] = (s); } while (0)
	if (r->o->mode != MMT_REPLAY_POLICY)
		return 0;
	NOTE(rp_memcg_walk_note(r));
	if (rp_memcg_kernel_note(r))
		NOTE(rp_memcg_kernel_note(r));
	if (!d->causes) {
		NOTE("the trace has no free causes (recorded before they "
		     "existed): every page free is replayed as the workload's, "
		     "so the kernel's own reclaim, compaction and migration "
		     "are replayed as demand and the model's reclaim comes on "
		     "top of the kernel's");
		return n;
	}
	NOTE("frees by kswapd, direct, node and memcg reclaim, by migration "
	     "and inside compaction are the kernel's response: the model "
	     "keeps its page and reclaims or migrates it when it decides to");
	if (!d->file_ids)
		NOTE("the trace has no file page identities: page-cache "
		     "accesses and refaults are not replayed");
	if (!d->file_dirty)
		NOTE("the trace does not say which page-cache pages the "
		     "workload dirtied (recorded before FILE_DIRTY existed): "
		     "every file page is clean in the model, and reclaim "
		     "frees what the kernel's would have activated");
	else
		NOTE("a page-cache folio is dirty from the workload's write "
		     "(FILE_DIRTY) until the model's flusher writes it: by "
		     "age, over the background threshold, or when reclaim "
		     "met only dirty folios; writeback completes at once");
	NOTE("page-cache pages are known by (device, inode, index); pages "
	     "cached before the trace began are known from their first "
	     "deletion in the trace, and an access to a page never added "
	     "nor deleted in the trace is taken as a hit on a page both "
	     "kernel and model hold");
	NOTE("anonymous pages are touched only when they fault: a hit on a "
	     "present anonymous page leaves no event, so anonymous pages age "
	     "on the model's LRU from their first fault on");
	NOTE("fault-around (FILE_MAP) touches only the pages of its range "
	     "that the kernel had cached; a read (FILE_READ) touches every "
	     "page of its range");
	NOTE("slab object frees are replayed as the workload's, those the "
	     "kernel's shrinkers made included (the model has no shrinkers)");
	NOTE("a page the kernel migrated outside compaction (NUMA "
	     "balancing, alloc_contig_range) took a page allocation the "
	     "model replays as demand");
	if (r->pcp_lookalikes)
		NOTE("start snapshot pages with no flags and no mappings (its "
		     "pcp pages) that no event hands out, drains or frees and "
		     "that the end snapshot shows the same are kernel memory "
		     "kpageflags cannot tell apart: seeded allocated "
		     "(pcp_lookalike_pages)");
	if (r->pcp_freed_first)
		NOTE("start snapshot pages with no flags and no mappings (its "
		     "pcp pages) whose first event in the trace is their free "
		     "were allocated, not on a pcp list (a pcp page is handed "
		     "out or drained, never freed): seeded allocated "
		     "(pcp_freed_first_pages)");
	if (r->offline_pcp_pages)
		NOTE("start snapshot pageblocks with no flags and no references "
		     "that the zone's managed count cannot leave out (spanned - "
		     "managed - reserved - hole pages is less) are free "
		     "pageblock-order folios on pcp lists, not offline memory: "
		     "seeded free on the model's pcp lists (offline_pcp_pages)");
	if (r->sl.mempool_reserve)
		NOTE("an object allocation at mempool_alloc() the model cannot "
		     "place comes from the pool's reserve, as in the kernel: not "
		     "an allocation failure, no memory moves "
		     "(mempool_reserve_allocs)");
	if (r->sl.xas_nomem_retried)
		NOTE("an xarray node allocation at xas_alloc() (GFP_NOWAIT, "
		     "under the tree's lock) the model cannot place is asked "
		     "again with reclaim allowed, as xas_nomem() does with the "
		     "caller's mask before the store is retried; that mask is "
		     "not in the trace, the page cache's is assumed "
		     "(xas_nomem_retries)");
	if (r->defer_seeded)
		NOTE("a zone's compaction deferral starts as the trace's first "
		     "compact_defer event for it shows it was "
		     "(compact_defer_zones_seeded)");
	if (r->kcompactd_waits_seeded)
		NOTE("kcompactd's wait at the start ends where the trace's first "
		     "kcompactd event shows it ended; a wait a wakeup ended "
		     "after more than 500 ms was the 32 s back-off after a "
		     "proactive compaction, taken whole from the start "
		     "(kcompactd_waits_seeded, kcompactd_wait_s)");
	NOTE("a THP fault's page is the first order-9 allocation with the "
	     "THP fault gfp by the same task within 1 s of its latest write "
	     "fault; a THP the model cannot place falls back to 4 KiB pages "
	     "over the whole 2 MiB (thp_fault_fallback), as a page-cache "
	     "folio falls back to order-0 pages: neither is an allocation "
	     "failure");
#undef NOTE
	return n;
}
