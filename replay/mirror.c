/* SPDX-License-Identifier: MIT */
/*
 * Mirror check: after a mirror replay the model's free map must equal the
 * end snapshot of the host, per pfn, per order and per zone.  Every page
 * that disagrees is given its likely cause:
 *   pcp       - the kernel held it on a per-cpu list (free, but not BUDDY
 *               in kpageflags), or the trace has no pcp events to follow;
 *   boundary  - an event touched it while the end snapshot was being read
 *               (or after);
 *   hot-add   - it was not present in the start snapshot (memory added
 *               while recording);
 *   lost      - the trace has LOST records: some events are missing;
 *   unexplained - none of these: a model bug.
 */
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

#define MAX_EXAMPLES 12

const char *rp_cause_name(int c)
{
	static const char *const n[RP_NR_CAUSES] = {
		"pcp", "boundary", "hot-add", "lost", "unexplained" };
	return n[c];
}

/* JSON key spelling (no '-') */
const char *rp_cause_key(int c)
{
	return c == RP_CAUSE_HOTADD ? "hotadd" : rp_cause_name(c);
}

/* One bit per page of the model's zones, a bitmap per zone: the zones
 * may lie anywhere below MMT_MAX_PFN, so one bitmap from pfn 0 could be
 * a petabit. */
struct zbm {
	uint32_t n;		/* zones, in mmc's order */
	uint64_t start[MMC_MAX_NODES * MMC_NR_ZONE_TYPES];
	uint64_t len[MMC_MAX_NODES * MMC_NR_ZONE_TYPES];
	uint64_t *w[MMC_MAX_NODES * MMC_NR_ZONE_TYPES];
};

static int zbm_init(struct zbm *b, const struct mmc *m)
{
	memset(b, 0, sizeof(*b));
	for (uint32_t i = 0; i < mmc_nr_zones(m) && b->n < MMC_MAX_NODES *
	     MMC_NR_ZONE_TYPES; i++) {
		struct mmc_zone_stats s;

		if (mmc_zone_stats(m, i, &s) < 0)
			continue;
		b->start[b->n] = s.start_pfn;
		b->len[b->n] = s.spanned;
		if (!(b->w[b->n++] = calloc(s.spanned / 64 + 1, sizeof(uint64_t))))
			return -1;
	}
	return 0;
}

static void zbm_free(struct zbm *b)
{
	for (uint32_t i = 0; i < b->n; i++)
		free(b->w[i]);
}

/* Sets [pfn, pfn + len), clipped to every zone it meets. */
/* The n bits of a word from bit k0 % 64 up (n <= 64 - k0 % 64), as the
 * low bits of the result. */
static uint64_t word_bits(const uint64_t *w, uint64_t k0, uint64_t n)
{
	uint64_t mask = n == 64 ? ~0ull : (1ull << n) - 1;

	return (w[k0 / 64] >> (k0 % 64)) & mask;
}

/* Bits [k0, k1) of w set, a word at a time. */
static void bits_set(uint64_t *w, uint64_t k0, uint64_t k1)
{
	while (k0 < k1) {
		uint64_t n = 64 - k0 % 64;

		if (n > k1 - k0)
			n = k1 - k0;
		w[k0 / 64] |= (n == 64 ? ~0ull : (1ull << n) - 1) << (k0 % 64);
		k0 += n;
	}
}

static void zbm_set(struct zbm *b, uint64_t pfn, uint64_t len)
{
	for (uint32_t i = 0; i < b->n; i++) {
		uint64_t lo = pfn > b->start[i] ? pfn : b->start[i];
		uint64_t hi = pfn + len < b->start[i] + b->len[i] ?
			      pfn + len : b->start[i] + b->len[i];

		if (lo < hi)
			bits_set(b->w[i], lo - b->start[i], hi - b->start[i]);
	}
}

static int zbm_get(const struct zbm *b, uint64_t pfn)
{
	for (uint32_t i = 0; i < b->n; i++)
		if (pfn >= b->start[i] && pfn - b->start[i] < b->len[i]) {
			uint64_t k = pfn - b->start[i];

			return (b->w[i][k / 64] >> (k % 64)) & 1;
		}
	return 0;
}

/* Whether every pfn of [pfn, pfn + len) is set. */
static int zbm_all(const struct zbm *b, uint64_t pfn, uint64_t len)
{
	for (uint64_t p = pfn; p < pfn + len; p++)
		if (!zbm_get(b, p))
			return 0;
	return 1;
}

struct mctx {
	struct zbm mfree;
	struct rp_map mblocks;	/* model free block pfn -> order */
	uint64_t mpages, on_pcp;
};

static void collect_free(void *ctx, uint64_t pfn, unsigned order, int mt,
			 int on_pcp)
{
	struct mctx *c = ctx;

	(void)mt;
	zbm_set(&c->mfree, pfn, 1ull << order);
	rp_map_put(&c->mblocks, pfn, order);
	c->mpages += 1ull << order;
	c->on_pcp += on_pcp ? 1ull << order : 0;
}

/* Class of pfn in a snapshot (runs sorted by pfn), and in *end where its
 * run ends; HOLE up to the next run (or for ever) when no run holds it. */
int rp_snap_class_end(const struct mmt_snapshot *s, uint64_t pfn,
		      uint64_t *end)
{
	uint64_t lo = 0, hi = s ? s->nr_runs : 0;

	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		const struct mmt_class_run *r = &s->runs[mid];

		if (pfn < r->pfn)
			hi = mid;
		else if (pfn >= r->pfn + r->len)
			lo = mid + 1;
		else {
			*end = r->pfn + r->len;
			return r->cls;
		}
	}
	*end = s && lo < s->nr_runs ? s->runs[lo].pfn : UINT64_MAX;
	return MMT_PC_HOLE;
}

int rp_snap_class(const struct mmt_snapshot *s, uint64_t pfn)
{
	uint64_t end;

	return rp_snap_class_end(s, pfn, &end);
}

/* The highest order among a map's blocks (pfn -> order): a search for
 * the block holding a pfn need try no order above it.  The kernel's pcp
 * pages are order 0 mostly, and trying every order for each of a million
 * pages that disagree was most of the check's time (fuzz_replay). */
static void max_order(void *ctx, uint64_t key, uint64_t *order)
{
	unsigned *m = ctx;

	(void)key;
	if (*order > *m)
		*m = *order > MMC_MAX_ORDER ? MMC_MAX_ORDER : (unsigned)*order;
}

struct blocks_max { unsigned kpcp, late, late_end; };

/* 1 when one of map's blocks (of order <= top) holds pfn. */
static int in_block(const struct rp_map *m, uint64_t pfn, unsigned top)
{
	uint64_t order;

	if (!m->len)
		return 0;
	for (unsigned o = 0; o <= top; o++) {
		/* the same head as at o - 1, which did not cover pfn */
		if (o && !(pfn & (1ull << (o - 1))))
			continue;
		if (rp_map_get(m, pfn & ~((1ull << o) - 1), &order) &&
		    order >= o)
			return 1;
	}
	return 0;
}

static int in_kpcp(const struct rp_run *r, uint64_t pfn,
		   const struct blocks_max *bm)
{
	return in_block(&r->kpcp, pfn, bm->kpcp < MMC_PAGEBLOCK_ORDER ?
				       bm->kpcp : MMC_PAGEBLOCK_ORDER);
}

static int is_late(const struct rp_run *r, uint64_t pfn,
		   const struct blocks_max *bm)
{
	return in_block(&r->late, pfn, bm->late);
}

/* An event touched pfn near or after the end snapshot (not the start). */
static int is_late_end(const struct rp_run *r, uint64_t pfn,
		       const struct blocks_max *bm)
{
	return in_block(&r->late_end, pfn, bm->late_end);
}

/* Whether the start snapshot had every page of [pfn, pfn + n) online (no
 * snapshot: unknown, so no). */
static int online_at_start(const struct mmt_snapshot *start, uint64_t pfn,
			   uint64_t n)
{
	uint64_t end = pfn;

	if (!start)
		return 0;
	while (end < pfn + n) {
		int c = rp_snap_class_end(start, end, &end);

		if (c == MMT_PC_HOLE || c == MMT_PC_OFFLINE)
			return 0;
	}
	return 1;
}

/*
 * Free page reporting (mm/page_reporting.c; virtio-balloon here): a worker
 * takes free blocks of page_reporting_order (pageblock order) off the free
 * lists, up to 32 at a time, reports them to the hypervisor and puts them
 * back.  A block away during the end snapshot's free-list walk is missing
 * from its free blocks, though kpageflags, read after the walk, has every
 * page of it free again (a 20 s pressure run: 31 order-9 blocks, 15872
 * pages "model free / kernel allocated").  Such a block -- aligned, of
 * pageblock order, all its pages FREE in the snapshot's classes, none in
 * the walk's blocks, no event on it near or after the end snapshot (one
 * near the start snapshot says nothing of the end: is_late_end()) -- was free
 * for the allocator's purposes and counts as one of the kernel's free
 * blocks.  An allocation the trace missed would not be FREE in kpageflags;
 * one the trace has would be near the snapshot (late).
 * A block still away when kpageflags is read has no flag and no reference
 * on any of its pages (__isolate_free_page() cleared PageBuddy; the
 * snapshot classes such a pageblock "offline", collector/snapshot.c
 * pageblock_empty()); no allocated page looks like that, and a page on a
 * pcp list (as flag-less) is one the trace left on one (kpcp).  So such a
 * block, online in the start snapshot and on no pcp list, counts without
 * the late test: the workload often frees THPs just before the end
 * (test_live_pressure: 32 blocks freed 38 ms before it, 16384 pages
 * "boundary").  Adds them to kfree; their pfns go to *out (caller frees).
 * Returns how many.
 */
static uint64_t add_reported(const struct rp_run *r,
			     const struct mmt_snapshot *end, struct zbm *kfree,
			     const struct blocks_max *bm, uint64_t **out)
{
	uint64_t pb = 1ull << MMC_PAGEBLOCK_ORDER, n = 0, cap = 0;

	*out = NULL;
	for (uint64_t i = 0; i < end->nr_runs; i++) {
		const struct mmt_class_run *cr = &end->runs[i];
		uint64_t p = (cr->pfn + pb - 1) & ~(pb - 1);
		int away = cr->cls == MMT_PC_OFFLINE;

		if (cr->cls != MMT_PC_FREE && !away)
			continue;
		for (; p + pb <= cr->pfn + cr->len; p += pb) {
			uint64_t q = p, *v;

			if (away && !online_at_start(r->snap_start, p, pb))
				continue;
			while (q < p + pb && !zbm_get(kfree, q) &&
			       (away ? !in_kpcp(r, q, bm) : !is_late_end(r, q, bm)))
				q++;
			if (q < p + pb)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				v = realloc(*out, cap * sizeof(*v));
				if (!v)
					return n;	/* the rest stay unexplained */
				*out = v;
			}
			(*out)[n++] = p;
			zbm_set(kfree, p, pb);
		}
	}
	return n;
}

static int cause_of(const struct rp_run *r, const struct mmt_snapshot *end,
		    uint64_t pfn, int kind, const struct blocks_max *bm)
{
	uint64_t v;

	if (kind == 0 && (rp_snap_class(end, pfn) == MMT_PC_PCP ||
			  rp_map_get(&r->kpcp, pfn, &v) ||
			  !r->mir.have_pcp_events))
		return RP_CAUSE_PCP;
	/* the trace left it on a pcp list, the kernel's buddy has it: it
	 * left the list without a pcp drain event */
	if (kind == 1 && in_kpcp(r, pfn, bm))
		return RP_CAUSE_PCP;
	if (is_late(r, pfn, bm))
		return RP_CAUSE_BOUNDARY;
	if (r->k.lost || r->damage_lost || r->damage_unknown)
		return RP_CAUSE_LOST;	/* LOST records, or damaged blocks */
	return RP_CAUSE_UNEXPLAINED;
}

struct example { uint64_t pfn, len; int kind, cause; };

static void note_example(struct example *ex, unsigned *nex, uint64_t pfn,
			 int kind, int cause)
{
	struct example *last = *nex ? &ex[*nex - 1] : NULL;

	if (last && last->kind == kind && last->cause == cause &&
	    last->pfn + last->len == pfn) {
		last->len++;
		return;
	}
	if (*nex < MAX_EXAMPLES)
		ex[(*nex)++] = (struct example){ pfn, 1, kind, cause };
}

/* The first of a snapshot's free blocks (sorted by pfn) at or above pfn. */
static uint64_t first_block(const struct mmt_snapshot *s, uint64_t pfn)
{
	uint64_t lo = 0, hi = s->nr_free_blocks;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (s->free_blocks[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void zone_table(const struct rp_run *r, const struct mmt_snapshot *end,
		       FILE *txt)
{
	fprintf(txt, "\nfree blocks per zone and order (model / kernel):\n");
	fprintf(txt, "%-4s %-8s", "node", "zone");
	for (int o = 0; o < MMC_NR_ORDERS; o++) {
		char h[16];

		snprintf(h, sizeof(h), "o%d", o);
		fprintf(txt, " %13s", h);
	}
	fputc('\n', txt);
	for (uint32_t i = 0; i < mmc_nr_zones(r->m); i++) {
		struct mmc_zone_stats s;
		uint64_t k[MMC_NR_ORDERS] = { 0 };

		if (mmc_zone_stats(r->m, i, &s) < 0)
			continue;
		/* the snapshot's blocks are sorted by pfn (the reader
		 * checks): the zone's are one stretch of them */
		for (uint64_t b = first_block(end, s.start_pfn);
		     b < end->nr_free_blocks &&
		     end->free_blocks[b].pfn < s.start_pfn + s.spanned; b++) {
			const struct mmt_free_block *fb = &end->free_blocks[b];

			if (fb->order < MMC_NR_ORDERS)
				k[fb->order]++;
		}
		fprintf(txt, "%-4d %-8s", s.node, rp_zone_type_name(s.type));
		for (int o = 0; o < MMC_NR_ORDERS; o++) {
			char cell[32];

			snprintf(cell, sizeof(cell), "%llu/%llu",
				 (unsigned long long)s.free_count[o],
				 (unsigned long long)k[o]);
			fprintf(txt, " %13s", cell);
		}
		fputc('\n', txt);
	}
}

/*
 * Frees the mirror still holds on a kernel pcp list (kpcp) whose pages the
 * end snapshot finds in the kernel's free lists went straight to the buddy
 * allocator (free_frozen_pages() when the pcp lock is taken: no event
 * says so; driver.c, release_kpcp_range(), catches those the kernel hands
 * out again).  Give them to the model's buddy before comparing, so that
 * they merge as the kernel's did; counted in pcp_straight_end.
 */
struct settle {
	const struct zbm *kfree;
	uint64_t *keys, n;
};

static void settle_pick(void *ctx, uint64_t key, uint64_t *order)
{
	struct settle *s = ctx;
	int all = *order <= MMC_MAX_ORDER;

	for (uint64_t p = key; all && p < key + (1ull << *order); p++)
		all = zbm_get(s->kfree, p);
	if (all)
		s->keys[s->n++] = key;
}

/* rp_map_each() visits the blocks only (a walk of the slots took an empty
 * one, key 0, for a block at pfn 0: with pfn 0 free at the end, the empty
 * slots used up the count and no real block was settled). */
static int settle_kpcp(struct rp_run *r, const struct zbm *kfree)
{
	struct settle s = { kfree, NULL, 0 };

	if (!r->kpcp.len)
		return 0;
	s.keys = malloc(r->kpcp.len * sizeof(*s.keys));
	if (!s.keys)
		return -1;
	rp_map_each(&r->kpcp, settle_pick, &s);
	for (uint64_t i = 0; i < s.n; i++) {
		uint64_t order;

		if (rp_map_take(&r->kpcp, s.keys[i], &order) &&
		    !mmc_free(r->m, s.keys[i], (unsigned)order, 0, NULL))
			r->mir.pcp_straight_end += 1ull << order;
	}
	free(s.keys);
	mmc_drain_all(r->m);
	return 0;
}

int rp_mirror_check(struct rp_run *r, struct mmt_replay_result *res, FILE *txt)
{
	const struct mmt_snapshot *end = r->snap_end;
	const struct mmt_snapshot *start = r->snap_start;
	struct rp_mirror_ctr *mc = &r->mir;
	struct zbm *kfree;
	struct mctx *cp;
	struct example ex[MAX_EXAMPLES];
	unsigned nex = 0;
	uint64_t covered = 0;
	struct blocks_max bm = { 0, 0 };

	if (r->read_failed)
		snprintf(mc->not_checked, sizeof(mc->not_checked), "the replay "
			 "stopped at a read error, before the end snapshot (%s)",
			 r->stop_reason);
	else if (!end && r->end_damaged)
		snprintf(mc->not_checked, sizeof(mc->not_checked), "%s",
			 r->end_damaged);
	else if (!end && mmt_reader_stop_reason(r->rd))
		snprintf(mc->not_checked, sizeof(mc->not_checked), "the trace "
			 "ends before its end snapshot (%s)",
			 mmt_reader_stop_reason(r->rd));
	else if (!end)
		snprintf(mc->not_checked, sizeof(mc->not_checked), "the trace "
			 "was written without an end snapshot");
	if (mc->not_checked[0]) {
		/* never an agreement against a state the replay did not reach */
		fprintf(txt, "mirror: not checked: %s\n", mc->not_checked);
		return 0;
	}
	kfree = calloc(1, sizeof(*kfree));
	cp = calloc(1, sizeof(*cp));
	if (!kfree || !cp || zbm_init(&cp->mfree, r->m) < 0 ||
	    zbm_init(kfree, r->m) < 0 || rp_map_init(&cp->mblocks, 1 << 10) < 0) {
		if (cp)
			zbm_free(&cp->mfree);
		if (kfree)
			zbm_free(kfree);
		free(kfree);
		free(cp);
		return -1;
	}
	/* sorted by pfn, but a walk of changing free lists may list a page
	 * twice: each page is set (and counted) once */
	for (uint64_t b = 0; b < end->nr_free_blocks; b++) {
		const struct mmt_free_block *fb = &end->free_blocks[b];
		uint64_t lo = fb->pfn > covered ? fb->pfn : covered;
		uint64_t hi = fb->pfn + (1ull << fb->order);

		if (lo < hi) {
			zbm_set(kfree, lo, hi - lo);
			mc->kernel_free_pages += hi - lo;
			covered = hi;
		}
	}
	if (settle_kpcp(r, kfree) < 0) {
		zbm_free(&cp->mfree);
		zbm_free(kfree);
		rp_map_free(&cp->mblocks);
		free(kfree);
		free(cp);
		return -1;
	}
	mmc_for_each_free_block(r->m, collect_free, cp);
	rp_map_each(&r->kpcp, max_order, &bm.kpcp);
	rp_map_each(&r->late, max_order, &bm.late);
	rp_map_each(&r->late_end, max_order, &bm.late_end);
	covered = 0;
	for (uint64_t b = 0; b < end->nr_free_blocks; b++) {
		const struct mmt_free_block *fb = &end->free_blocks[b];
		uint64_t o;

		if (fb->pfn >= covered && rp_map_get(&cp->mblocks, fb->pfn, &o) &&
		    o == fb->order)
			mc->same_block_pages += 1ull << fb->order;
		if (fb->pfn + (1ull << fb->order) > covered)
			covered = fb->pfn + (1ull << fb->order);
	}
	if (end->flags & MMT_SNAP_FREE_EXACT) {
		uint64_t *rep, n = add_reported(r, end, kfree, &bm, &rep), o;

		uint64_t merged_done = UINT64_MAX;

		for (uint64_t b = 0; b < n; b++) {
			uint64_t top = rep[b] & ~((1ull << MMC_MAX_ORDER) - 1);

			if (rp_map_get(&cp->mblocks, rep[b], &o) &&
			    o == MMC_PAGEBLOCK_ORDER)
				mc->same_block_pages += 1ull << o;
			/* put back, a reported block merges with its free
			 * buddy (__free_one_page): the model's max-order
			 * block over it is the kernel's too when every page
			 * of it is free in the kernel */
			else if (top != merged_done &&
				 rp_map_get(&cp->mblocks, top, &o) &&
				 o == MMC_MAX_ORDER &&
				 zbm_all(kfree, top, 1ull << MMC_MAX_ORDER)) {
				mc->same_block_pages += 1ull << o;
				merged_done = top;
			}
		}
		mc->reported_pages = n << MMC_PAGEBLOCK_ORDER;
		mc->kernel_free_pages += mc->reported_pages;
		free(rep);
	}
	mc->model_free_pages = cp->mpages;
	/* page by page, zone by zone; the snapshots' classes a run at a
	 * time (both are constant up to the nearer run end) */
	for (uint32_t i = 0; i < cp->mfree.n; i++) {
		uint64_t p = cp->mfree.start[i], zend = p + cp->mfree.len[i];

		while (p < zend) {
			uint64_t e1 = UINT64_MAX, e2, q;
			int cs = start ? rp_snap_class_end(start, p, &e1) :
					 MMT_PC_FREE;
			int ce = rp_snap_class_end(end, p, &e2);
			/* hot-added memory has no history in the trace (its
			 * onlining is not an event): counted on its own */
			int hot = cs == MMT_PC_HOLE || cs == MMT_PC_OFFLINE;
			int gone = ce == MMT_PC_HOLE || ce == MMT_PC_OFFLINE;

			q = e1 < e2 ? e1 : e2;
			if (q > zend)
				q = zend;
			/* up to 64 pages at a time: a page free in
			 * neither is not compared where the end snapshot
			 * has no memory; the ones that disagree, in pfn
			 * order, get a cause */
			while (p < q) {
				uint64_t k0 = p - cp->mfree.start[i];
				uint64_t n = 64 - k0 % 64 < q - p ?
					     64 - k0 % 64 : q - p;
				uint64_t mw = word_bits(cp->mfree.w[i], k0, n);
				uint64_t kw = word_bits(kfree->w[i], k0, n);
				uint64_t all = n == 64 ? ~0ull : (1ull << n) - 1;
				uint64_t cmp = gone ? mw | kw : all;
				unsigned nc = (unsigned)__builtin_popcountll(cmp);
				unsigned na = (unsigned)__builtin_popcountll(
					cmp & ~(mw ^ kw));

				if (hot) {
					mc->hot_compared += nc;
					mc->hot_agree += na;
				} else {
					mc->pages_compared += nc;
					mc->pages_agree += na;
				}
				for (uint64_t d = mw ^ kw; d; d &= d - 1) {
					unsigned b = (unsigned)__builtin_ctzll(d);
					int kind = (mw >> b) & 1 ? 0 : 1;
					int cause = hot ? RP_CAUSE_HOTADD :
						cause_of(r, end, p + b, kind, &bm);

					mc->cause[kind][cause]++;
					note_example(ex, &nex, p + b, kind, cause);
				}
				p += n;
			}
		}
	}
	mc->checked = 1;
	mc->pfn_agreement = mc->pages_compared ?
		(double)mc->pages_agree / (double)mc->pages_compared : 1.0;
	{
		uint64_t uni = mc->model_free_pages + mc->kernel_free_pages -
			       mc->same_block_pages;

		mc->order_agreement = uni ? (double)mc->same_block_pages /
					    (double)uni : 1.0;
	}
	res->pfn_agreement = mc->pfn_agreement;
	res->order_agreement = mc->order_agreement;
	res->pages_compared = mc->pages_compared;
	res->pages_disagree = mc->pages_compared - mc->pages_agree;

	fprintf(txt, "mirror replay vs end snapshot at t=%.6f s\n",
		(double)end->ts / 1e9);
	fprintf(txt, "pages compared      %llu (online in both snapshots)\n",
		(unsigned long long)mc->pages_compared);
	fprintf(txt, "pfn agreement       %.6f (%llu pages disagree)\n",
		mc->pfn_agreement,
		(unsigned long long)(mc->pages_compared - mc->pages_agree));
	fprintf(txt, "order agreement     %.6f (free pages in identical "
		"blocks: %llu; model free %llu, kernel free %llu)\n",
		mc->order_agreement, (unsigned long long)mc->same_block_pages,
		(unsigned long long)mc->model_free_pages,
		(unsigned long long)mc->kernel_free_pages);
	fprintf(txt, "hot-added pages     %llu (offline at start), agreement "
		"%.6f, not in pfn agreement\n",
		(unsigned long long)mc->hot_compared,
		mc->hot_compared ? (double)mc->hot_agree /
				   (double)mc->hot_compared : 1.0);
	fprintf(txt, "pcp events in trace %s\n",
		mc->have_pcp_events ? "yes (kernel pcp lists followed)" :
				      "no (pcp-held pages cannot be told apart)");
	fprintf(txt, "kernel pcp pages    %llu at end\n",
		(unsigned long long)r->kpcp.len);
	fprintf(txt, "events before start snapshot (in it, not applied) %llu\n",
		(unsigned long long)mc->before_start);
	fprintf(txt, "pcp-order frees that went straight to the buddy allocator "
		"%llu (found when the kernel handed out their block), %llu pages "
		"(found in its free lists at the end)\n",
		(unsigned long long)mc->pcp_straight,
		(unsigned long long)mc->pcp_straight_end);
	fprintf(txt, "free blocks away for free page reporting during the end "
		"walk (free in kpageflags after it, or still away) %llu pages\n",
		(unsigned long long)mc->reported_pages);
	fprintf(txt, "events after end snapshot (not applied) %llu\n",
		(unsigned long long)mc->after_end);
	fprintf(txt, "lost events (LOST records) %llu\n",
		(unsigned long long)r->k.lost);
	if (r->damage_parts)
		fprintf(txt, "events lost to damage %llu, and those in %llu "
			"bytes behind damaged section headers (%llu damaged "
			"parts; their pages count as lost)\n",
			(unsigned long long)r->damage_lost,
			(unsigned long long)r->damage_unknown,
			(unsigned long long)r->damage_parts);
	fprintf(txt, "allocs of pages the model had allocated %llu (failed "
		"allocations, no page: %llu)\n",
		(unsigned long long)mc->alloc_not_free,
		(unsigned long long)mc->alloc_failed);
	fprintf(txt, "frees of pages the model had free       %llu\n",
		(unsigned long long)mc->free_not_alloc);
	fprintf(txt, "pcp drains of free pages %llu, refills of allocated "
		"pages %llu\n", (unsigned long long)mc->drain_not_alloc,
		(unsigned long long)mc->refill_not_free);
	fprintf(txt, "pages drained from a pcp list the trace never freed "
		"them to %llu (their frees are missing)\n",
		(unsigned long long)mc->drain_unfreed);
	fprintf(txt, "pages on a pcp list in the trace inside a block the "
		"kernel took whole %llu (their drains are missing)\n",
		(unsigned long long)mc->pcp_stale);
	fprintf(txt, "fallback pages taken by their extfrag event alone %llu "
		"(%llu compaction captures: taken after the free that made "
		"the block, which the trace has after it)\n",
		(unsigned long long)mc->extfrag_taken,
		(unsigned long long)mc->captures);
	if (r->h->flags & MMT_HDR_CAUSES)
		fprintf(txt, "compaction: %llu blocks isolated (%llu the model "
			"did not have free), %llu targets put back on its list; "
			"%llu passes known by their range only (a compaction "
			"running before the recording), %llu pages taken for "
			"them by approximation\n",
			(unsigned long long)mc->isolated,
			(unsigned long long)mc->isolate_not_free,
			(unsigned long long)mc->compact_returns,
			(unsigned long long)mc->range_passes,
			(unsigned long long)mc->range_pages);
	else
		fprintf(txt, "compaction: not followed (the trace has no "
			"isolation events: its free map is off wherever the "
			"kernel migrated)\n");
	fprintf(txt, "zone resizes %llu (failed %llu); hot-added pages "
		"onlined %llu, of which %llu only at the end (online in the end "
		"snapshot, no resize event before it)\n",
		(unsigned long long)r->k.zone_resizes,
		(unsigned long long)mc->resize_fail,
		(unsigned long long)r->hotadd_pages,
		(unsigned long long)r->hotadd_late);
	fprintf(txt, "\ndisagreements by cause (pages):\n");
	fprintf(txt, "%-14s %24s %24s\n", "cause", "model free/kernel alloc",
		"model alloc/kernel free");
	for (int i = 0; i < RP_NR_CAUSES; i++)
		fprintf(txt, "%-14s %24llu %24llu\n", rp_cause_name(i),
			(unsigned long long)mc->cause[0][i],
			(unsigned long long)mc->cause[1][i]);
	zone_table(r, end, txt);
	if (nex) {
		fprintf(txt, "\nfirst disagreeing pfn ranges:\n");
		for (unsigned i = 0; i < nex; i++)
			fprintf(txt, "  pfn %llu-%llu %s (%s)\n",
				(unsigned long long)ex[i].pfn,
				(unsigned long long)(ex[i].pfn + ex[i].len - 1),
				ex[i].kind ? "model alloc/kernel free" :
					     "model free/kernel alloc",
				rp_cause_name(ex[i].cause));
	}
	zbm_free(&cp->mfree);
	zbm_free(kfree);
	rp_map_free(&cp->mblocks);
	free(kfree);
	free(cp);
	return 0;
}
