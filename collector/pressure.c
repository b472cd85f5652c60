/* SPDX-License-Identifier: MIT */
/*
 * The recorder's half of "whose page is it": ring records of the kernel's
 * response to memory pressure turned into trace events (include/mmtrace/
 * event.h, kinds 26..46, and the causes of PAGE_FREE / FILEMAP_DEL).
 *
 * What the BPF side (collector/mmtrace.bpf.c) cannot finish alone is
 * compaction's bookkeeping: which free blocks each running compaction has
 * taken off the free lists.  It is kept here, per compacting thread, from
 * COMPACTION_BEGIN to COMPACTION_END (compact_zone() runs in one thread):
 *  - a COMPACT_ISOLATE candidate is written once: the BPF walk of
 *    cc->freepages can read a block of an earlier pass again, or a piece
 *    of one that compaction_alloc() split (list_add to the head);
 *  - but a page that leaves compaction's hands for the buddy allocator
 *    (the migration scanner moves out a page compaction had moved into
 *    one of its blocks, the page's owner frees it, or compaction releases
 *    an unused one) is no longer held:
 *    the same compaction can isolate it again, and that isolation is a
 *    new one.  So every free of a page inside a held block, by any
 *    thread, takes that page out of the held blocks (the block is split
 *    as the buddy allocator would, around the page);
 *  - a free inside compaction is the old copy of a migrated page
 *    (MIGRATE_SOURCE) unless its pfn lies in an isolated block: then it is
 *    a failed migration's target going back to compaction's list
 *    (COMPACT_RETURN, inside migrate_pages(): compaction_free()) or an
 *    unused block going back to the buddy allocator (COMPACT_RELEASE,
 *    after it: release_free_list()).  mm/compaction.c, 6.10+.
 * Each free-scanner or fast-search pass says how many pages it took
 * (nr_taken): the blocks written for it must add up to that, and the
 * passes that fall short are counted (coll_pressure_stats).
 */
#include <stdlib.h>
#include <string.h>
#include "mmtrace/trace.h"
#include "collector.h"
#include "events.h"

#define MAX_ORDER_BLOCK 10	/* MAX_PAGE_ORDER */
#define TOMB 0xff		/* a removed slot: probing goes on past it */
#define PB_SHIFT 9		/* the filter's grain: pageblock_order on x86 */

/* One compacting thread: its isolated blocks, head pfn -> order + 1
 * (open addressing, linear probing; 0 = empty slot, TOMB = removed),
 * and a bitmap of the 2^PB_SHIFT-page ranges they touch, so that a free
 * far from them costs one bit test. */
struct held {
	uint32_t tid;
	uint32_t used;		/* slot in use */
	uint64_t *key;
	uint8_t *val;
	uint64_t n, fill, cap;	/* live entries, live + removed, slots */
	uint64_t *pb;		/* bitmap, pfn >> PB_SHIFT */
	uint64_t pb_words;
	uint64_t pass_taken;	/* the open pass: pages it took, */
	uint64_t pass_got;	/* and pages written for it */
};

struct coll_pressure {
	struct held *h;
	uint32_t nh;
	struct coll_pressure_stats st;
};

struct coll_pressure *coll_pressure_new(void)
{
	return calloc(1, sizeof(struct coll_pressure));
}

void coll_pressure_free(struct coll_pressure *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nh; i++) {
		free(p->h[i].key);
		free(p->h[i].val);
		free(p->h[i].pb);
	}
	free(p->h);
	free(p);
}

const struct coll_pressure_stats *coll_pressure_stats(const struct coll_pressure *p)
{
	return &p->st;
}

/* The pass the thread had open is over: did its blocks add up? */
static void pass_close(struct coll_pressure *p, struct held *h)
{
	if (h->pass_got < h->pass_taken) {
		p->st.passes_short++;
		p->st.pages_short += h->pass_taken - h->pass_got;
	}
	h->pass_taken = h->pass_got = 0;
}

static struct held *held_of(struct coll_pressure *p, uint32_t tid, int create)
{
	struct held *free_slot = NULL;

	for (uint32_t i = 0; i < p->nh; i++) {
		if (p->h[i].used && p->h[i].tid == tid)
			return &p->h[i];
		if (!p->h[i].used && !free_slot)
			free_slot = &p->h[i];
	}
	if (!create)
		return NULL;
	if (!free_slot) {
		struct held *n = realloc(p->h, (p->nh + 1) * sizeof(*n));

		if (!n)
			return NULL;
		p->h = n;
		free_slot = &p->h[p->nh++];
		memset(free_slot, 0, sizeof(*free_slot));
	}
	free_slot->used = 1;
	free_slot->tid = tid;
	free_slot->pass_taken = free_slot->pass_got = 0;
	if (free_slot->cap)
		memset(free_slot->val, 0, free_slot->cap);
	if (free_slot->pb_words)
		memset(free_slot->pb, 0, free_slot->pb_words * sizeof(uint64_t));
	free_slot->n = free_slot->fill = 0;
	return free_slot;
}

/* The thread's compaction ended: its blocks are all used or released. */
static void held_end(struct coll_pressure *p, struct held *h)
{
	pass_close(p, h);
	h->used = 0;
}

static uint64_t slot_of(const struct held *h, uint64_t pfn)
{
	return (pfn * 0x9e3779b97f4a7c15ull >> 17) & (h->cap - 1);
}

/* slot of the live entry with head pfn, or UINT64_MAX */
static uint64_t held_find(const struct held *h, uint64_t pfn)
{
	if (!h->cap)
		return UINT64_MAX;
	for (uint64_t i = slot_of(h, pfn);; i = (i + 1) & (h->cap - 1)) {
		if (!h->val[i])
			return UINT64_MAX;
		if (h->key[i] == pfn && h->val[i] != TOMB)
			return i;
	}
}

/* order of the block with head pfn, or -1 */
static int held_get(const struct held *h, uint64_t pfn)
{
	uint64_t i = held_find(h, pfn);

	return i == UINT64_MAX ? -1 : h->val[i] - 1;
}

static int held_grow(struct held *h)
{
	struct held g = { .cap = h->cap ? h->cap * 2 : 256 };

	/* only removed slots filling it up: rehash at the same size */
	if (h->n * 4 < h->cap)
		g.cap = h->cap;
	g.key = malloc(g.cap * sizeof(*g.key));
	g.val = calloc(g.cap, 1);
	if (!g.key || !g.val) {
		free(g.key);
		free(g.val);
		return -1;
	}
	for (uint64_t i = 0; i < h->cap; i++)
		if (h->val[i] && h->val[i] != TOMB) {
			uint64_t j = slot_of(&g, h->key[i]);

			while (g.val[j])
				j = (j + 1) & (g.cap - 1);
			g.key[j] = h->key[i];
			g.val[j] = h->val[i];
		}
	free(h->key);
	free(h->val);
	h->key = g.key;
	h->val = g.val;
	h->cap = g.cap;
	h->fill = h->n;
	return 0;
}

/* Marks the filter's ranges of [pfn, pfn + 2^order). */
static int held_mark(struct held *h, uint64_t pfn, unsigned order)
{
	uint64_t last = (pfn + (1ull << order) - 1) >> PB_SHIFT;

	if ((last >> 6) >= h->pb_words) {
		uint64_t words = (last >> 6) + 1 + h->pb_words / 2;
		uint64_t *pb = realloc(h->pb, words * sizeof(*pb));

		if (!pb)
			return -1;
		memset(pb + h->pb_words, 0, (words - h->pb_words) * sizeof(*pb));
		h->pb = pb;
		h->pb_words = words;
	}
	for (uint64_t b = pfn >> PB_SHIFT; b <= last; b++)
		h->pb[b >> 6] |= 1ull << (b & 63);
	return 0;
}

static int held_marked(const struct held *h, uint64_t pfn)
{
	uint64_t b = pfn >> PB_SHIFT;

	return (b >> 6) < h->pb_words && (h->pb[b >> 6] >> (b & 63) & 1);
}

/* Adds the block (a block with the same head keeps the larger order). */
static int held_put(struct held *h, uint64_t pfn, unsigned order)
{
	uint64_t i, tomb = UINT64_MAX;

	if ((h->fill + 1) * 2 > h->cap && held_grow(h))
		return -1;
	if (held_mark(h, pfn, order))
		return -1;
	for (i = slot_of(h, pfn); h->val[i]; i = (i + 1) & (h->cap - 1)) {
		if (h->val[i] == TOMB) {
			if (tomb == UINT64_MAX)
				tomb = i;
		} else if (h->key[i] == pfn) {
			if (h->val[i] < order + 1)
				h->val[i] = (uint8_t)(order + 1);
			return 0;
		}
	}
	if (tomb != UINT64_MAX)
		i = tomb;
	else
		h->fill++;
	h->n++;
	h->key[i] = pfn;
	h->val[i] = (uint8_t)(order + 1);
	return 0;
}

/* Does a block the thread isolated hold pfn? */
static int held_covers(const struct held *h, uint64_t pfn)
{
	if (!h || !h->n || !held_marked(h, pfn))
		return 0;
	for (unsigned o = 0; o <= MAX_ORDER_BLOCK; o++) {
		int got = held_get(h, pfn & ~((1ull << o) - 1));

		if (got >= (int)o)
			return 1;
	}
	return 0;
}

/* Takes page pfn out of the held blocks: each block that holds it is
 * split into the halves that do not (expand() in mm/page_alloc.c, the
 * other way round).  -1: out of memory (pfn may stay held). */
static int held_drop(struct held *h, uint64_t pfn)
{
	int rc = 0;

	for (unsigned o = 0; o <= MAX_ORDER_BLOCK; o++) {
		uint64_t head = pfn & ~((1ull << o) - 1);
		uint64_t i = held_find(h, head);
		int got = i == UINT64_MAX ? -1 : h->val[i] - 1;

		if (got < (int)o)
			continue;
		h->val[i] = TOMB;
		h->n--;
		for (int l = got - 1; l >= 0; l--) {
			uint64_t half = 1ull << l;
			uint64_t base = pfn & ~(2 * half - 1);

			rc |= held_put(h, (pfn & half) ? base : base + half, (unsigned)l);
		}
	}
	return rc;
}

/* A page block freed to the buddy allocator (or a per-cpu list) is no
 * compaction's any more, whoever frees it. */
static void held_release(struct coll_pressure *p, uint64_t pfn, unsigned order)
{
	if (pfn == UINT64_MAX || order > MAX_ORDER_BLOCK)
		return;
	for (uint32_t i = 0; i < p->nh; i++) {
		struct held *h = &p->h[i];

		if (!h->used || !h->n)
			continue;
		for (uint64_t q = pfn; q < pfn + (1ull << order); q++)
			if (held_covers(h, q) && held_drop(h, q))
				p->st.isolate_nomem++;
	}
}

static uint64_t page_pfn(const struct coll_conv *cv, uint64_t page)
{
	if (!page || page < cv->vmemmap || !cv->page_struct_size)
		return UINT64_MAX;
	return (page - cv->vmemmap) / cv->page_struct_size;
}

static uint64_t rel(const struct coll_conv *cv, uint64_t t)
{
	return t > cv->start_ns ? t - cv->start_ns : 0;
}

/* The enum mmt_free_cause of a free by thread tid of a page at pfn. */
static unsigned final_cause(struct coll_pressure *p, unsigned cause,
			    uint32_t tid, uint64_t pfn)
{
	int covered;

	if (cause == MMTR_CAUSE_COMPACT_MIGRATED)	/* had contents */
		return MMT_FREE_MIGRATE_SOURCE;
	if (cause != MMTR_CAUSE_COMPACT_MIGRATING && cause != MMTR_CAUSE_COMPACT_IDLE)
		return cause < MMT_FREE__COUNT ? cause : MMT_FREE_DEMAND;
	covered = held_covers(held_of(p, tid, 0), pfn);
	if (cause == MMTR_CAUSE_COMPACT_MIGRATING)
		return covered ? MMT_FREE_COMPACT_RETURN : MMT_FREE_MIGRATE_SOURCE;
	return covered ? MMT_FREE_COMPACT_RELEASE : MMT_FREE_COMPACT_OTHER;
}

/* PAGE_FREE: its cause, and the MIGRATE pair before it when the BPF side
 * saw where the page went (a 56-byte record: c = tid, d = target). */
static int conv_free(struct coll_pressure *p, const struct coll_conv *cv,
		     const struct mmtr_ev *e, size_t size, struct mmt_event *out)
{
	const struct mmtr_ev_x *x = (const void *)e;
	struct mmt_event *ev = &out[0];
	unsigned cause = (e->b >> 16) & 0xff;
	uint32_t tid = size >= sizeof(*x) ? (uint32_t)x->c : 0;
	uint64_t dst = size >= sizeof(*x) ? x->d : 0;
	int n = 1;

	ev->pfn = (e->kind & MMTR_KIND_PAGEPTR) ? page_pfn(cv, e->a) : e->a;
	ev->order = (uint32_t)(e->b & 0xff);
	ev->arg = (e->b >> 8) & 0xff;
	cause = final_cause(p, cause, tid, ev->pfn);
	ev->arg2 = cause;
	p->st.free_pages[cause] += ev->order < 64 ? 1ull << ev->order : 0;
	if (cause == MMT_FREE_MIGRATE_SOURCE && (dst >> 63)) {
		uint64_t to = dst & ((1ull << 48) - 1);
		const struct held *h = held_of(p, tid, 0);

		/* a compaction's target is always a page it isolated: else
		 * the pte was an undone migration's, not this page's */
		if (!h || !h->n || held_covers(h, to)) {
			out[1] = *ev;
			memset(ev, 0, sizeof(*ev));
			ev->ts = out[1].ts;
			ev->kind = MMT_EV_MIGRATE;
			ev->cpu = out[1].cpu;
			ev->pid = out[1].pid;
			ev->node = -1;
			ev->pfn = out[1].pfn;
			ev->addr = to;
			ev->order = out[1].order;
			ev->arg = (e->b >> 24) & 0xff;
			p->st.migrate_pairs++;
			n = 2;
		} else {
			p->st.migrate_pairs_dropped++;
		}
	}
	/* a RETURN stays on compaction's list; a RELEASE goes to the buddy
	 * allocator, and the same compaction can isolate it again (kcompactd
	 * released a page mid-compaction and took it again 0.3 ms later: the
	 * pass was one page short) */
	if (cause != MMT_FREE_COMPACT_RETURN)
		held_release(p, out[n - 1].pfn, out[n - 1].order);
	return n;
}

static int conv_isolate(struct coll_pressure *p, const struct coll_conv *cv,
			const struct mmtr_ev *e, struct mmt_event *ev)
{
	uint32_t tid = (uint32_t)(e->b >> 32);
	struct held *h = held_of(p, tid, 1);

	ev->pfn = page_pfn(cv, e->a);
	ev->order = (uint32_t)(e->b & 0xff);
	ev->arg = (e->b >> 8) & 0xff;
	if (ev->pfn == UINT64_MAX || ev->order > MAX_ORDER_BLOCK)
		return 0;
	if (held_covers(h, ev->pfn)) {
		p->st.isolate_dups++;
		return 0;
	}
	p->st.isolated_pages += 1ull << ev->order;
	if (h)
		h->pass_got += 1ull << ev->order;
	if (!h || held_put(h, ev->pfn, ev->order))
		p->st.isolate_nomem++;	/* written, just not remembered */
	return 1;
}

/* COMPACT_SCAN: a pass of one of the thread's scanners; a free-scanner or
 * fast-search pass whose blocks the BPF side reads opens the count. */
static void conv_scan(struct coll_pressure *p, uint32_t tid,
		      const struct mmt_event *ev)
{
	struct held *h = tid ? held_of(p, tid, 0) : NULL;

	if (!h)
		return;
	pass_close(p, h);
	if ((ev->mt == 1 || ev->mt == 2) && ev->mt2) {
		p->st.passes++;
		h->pass_taken = ev->arg2;
	}
}

int coll_pressure_convert(struct coll_pressure *p, const struct coll_conv *cv,
			  const void *data, size_t size, struct mmt_event *out)
{
	const struct mmtr_ev *e = data;
	const struct mmtr_ev_x *x = data;
	struct mmt_event *ev = &out[0];
	unsigned kind = e->kind & MMTR_KIND_MASK;
	int big = size >= sizeof(*x);

	switch (kind) {
	case MMT_EV_PAGE_FREE:
		return conv_free(p, cv, e, size, out);
	case MMT_EV_FILEMAP_ADD:
	case MMT_EV_FILEMAP_DEL:
		ev->pfn = e->a;
		ev->order = (uint32_t)(e->b & 0xff);
		if (!big)	/* an older layout: pfn and order only */
			return 1;
		ev->offset = (uint32_t)(e->b >> 32);
		ev->arg = x->c;
		ev->addr = x->d;
		if (kind == MMT_EV_FILEMAP_DEL) {
			unsigned c = (e->b >> 8) & 0xff;

			/* compaction never deletes page cache but by a
			 * truncate racing it: not one of its own causes */
			ev->arg2 = c >= MMT_FREE__COUNT ? MMT_FREE_COMPACT_OTHER : c;
		}
		return 1;
	case MMT_EV_COMPACTION_BEGIN:
	case MMT_EV_COMPACTION_END: {
		uint32_t tid;

		if (!big)	/* x is past a short record's end */
			return 0;
		tid = (uint32_t)(x->c >> 40);
		ev->pfn = e->a;
		ev->addr = e->b;
		ev->arg = (x->c & 0xffffffffffull) - e->a;
		ev->arg2 = (x->d & 0xffffffffffffull) - e->a;
		ev->mt = (int32_t)(x->d >> 63);
		if (kind == MMT_EV_COMPACTION_END)
			ev->mt2 = (int32_t)((x->d >> 48) & 0xff);
		/* a thread's compaction starts with nothing held (also after
		 * an END lost in a full ring) and ends with its blocks all
		 * used or released */
		if (tid) {
			struct held *h = held_of(p, tid, kind == MMT_EV_COMPACTION_BEGIN);

			if (kind == MMT_EV_COMPACTION_END && h)
				held_end(p, h);
		}
		return 1;
	}
	case MMT_EV_LOST:
		ev->arg = e->a;
		ev->addr = rel(cv, e->ts);
		ev->arg2 = rel(cv, e->b);
		return 1;
	case MMT_EV_COMPACT_ISOLATE:
		return conv_isolate(p, cv, e, ev);
	case MMT_EV_COMPACT_SCAN:
		if (!big)
			return 0;
		ev->pfn = e->a;
		ev->addr = e->b;
		ev->arg = x->c & 0xffffffffffffffull;
		ev->mt = (int32_t)((x->c >> 56) & 0xf);
		ev->mt2 = (int32_t)((x->c >> 60) & 1);
		ev->arg2 = x->d & 0xffffffffffull;
		conv_scan(p, (uint32_t)(x->d >> 40), ev);
		return 1;
	case MMT_EV_MIGRATE_BEGIN:
		ev->mt = (int32_t)(uint32_t)e->a;
		ev->mt2 = (int32_t)(e->a >> 32);
		return 1;
	case MMT_EV_MIGRATE_END:
		if (!big)
			return 0;
		ev->arg = e->a;
		ev->arg2 = e->b;
		ev->addr = x->c & 0xffffffff;
		ev->bytes_req = (uint32_t)(x->c >> 32);
		ev->bytes_alloc = (uint32_t)(x->d & 0xffffff);
		ev->offset = (uint32_t)((x->d >> 24) & 0xffffff);
		ev->mt = (int32_t)((x->d >> 48) & 0xff);
		ev->mt2 = (int32_t)((x->d >> 56) & 0xff);
		return 1;
	case MMT_EV_COMPACT_MIGRATEPAGES:
		ev->arg = e->a;
		ev->arg2 = e->b;
		return 1;
	case MMT_EV_COMPACT_SUITABLE:
	case MMT_EV_COMPACT_FINISHED:
	case MMT_EV_COMPACT_DEFER:
	case MMT_EV_KCOMPACTD_WAKE:
		ev->node = (int16_t)(e->a & 0xffff);
		ev->arg = (e->a >> 16) & 0xffff;
		ev->order = (uint32_t)(e->a >> 32);
		if (kind == MMT_EV_KCOMPACTD_WAKE) {
			ev->mt = (int32_t)e->b;
		} else if (kind == MMT_EV_COMPACT_DEFER) {
			if (!big)
				return 0;
			ev->mt = (int32_t)(uint32_t)e->b;
			ev->mt2 = (int32_t)(e->b >> 32);
			ev->arg2 = x->c;
			ev->addr = x->d;
		} else {
			ev->mt2 = (int32_t)e->b;
		}
		return 1;
	case MMT_EV_KCOMPACTD_SLEEP:
		ev->node = (int32_t)e->a;
		return 1;
	case MMT_EV_LRU_SHRINK_INACTIVE:
	case MMT_EV_LRU_SHRINK_ACTIVE:
		if (!big)
			return 0;
		ev->node = (int32_t)(uint32_t)e->a;
		ev->order = (uint32_t)(e->a >> 32);
		ev->arg = e->b;
		ev->arg2 = x->c;
		ev->mt = (int32_t)(x->d >> 48);
		if (kind == MMT_EV_LRU_SHRINK_INACTIVE) {
			ev->bytes_req = (uint32_t)(x->d & 0xffff);
			ev->bytes_alloc = (uint32_t)((x->d >> 16) & 0xffff);
			ev->offset = (uint32_t)((x->d >> 32) & 0xffff);
		} else {
			ev->addr = x->d & 0xffffffffffffull;
		}
		return 1;
	case MMT_EV_SHRINK_SLAB:
		if (!big)
			return 0;
		ev->node = (int32_t)(uint32_t)e->a;
		ev->addr = e->a >> 32;
		ev->site = cv->site(cv->site_ctx, e->b);
		ev->arg = x->c;
		ev->arg2 = x->d;
		return 1;
	case MMT_EV_WRITE_FOLIO:
		ev->pfn = e->a;
		ev->mt = (int32_t)e->b;
		return 1;
	case MMT_EV_VMSCAN_THROTTLED:
		ev->node = (int32_t)(uint32_t)e->a;
		ev->mt = (int32_t)(e->a >> 32);
		ev->arg = (uint32_t)e->b;
		ev->arg2 = e->b >> 32;
		return 1;
	case MMT_EV_MEMCG_RECLAIM_BEGIN:
		ev->order = (uint32_t)e->a;
		ev->gfp = e->b;
		return 1;
	case MMT_EV_MEMCG_RECLAIM_END:
		ev->arg = e->a;
		return 1;
	case MMT_EV_FILE_READ:
	case MMT_EV_FILE_MAP:
	case MMT_EV_FILE_FAULT:
	case MMT_EV_FILE_DIRTY:
		if (!big)
			return 0;
		ev->offset = (uint32_t)e->a;
		ev->arg = e->b;
		ev->addr = x->c;
		ev->arg2 = x->d;
		return 1;
	default:
		return -1;	/* not one of ours */
	}
}
