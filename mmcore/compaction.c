/* SPDX-License-Identifier: MIT */
/*
 * compaction.c: memory compaction after mm/compaction.c of a 6.x kernel:
 * compaction_suitable() with the fragmentation index against
 * extfrag_threshold, compact_zone() with a migrate scanner walking up
 * from the zone start and a free scanner walking down from the zone end,
 * compact_finished(), deferral, direct compaction (try_to_compact_pages)
 * and kcompactd: the work kswapd hands over (wakeup_kcompactd) and
 * proactive compaction (compaction_proactiveness).
 *
 * Movable means an LRU folio (anon or file); slab and kernel pages are
 * unmovable (non-LRU movable pages such as zsmalloc are not modelled).
 * Left out everywhere: pageblock skip hints (the cached scanner positions
 * are kept, so a run resumes where the last one stopped), and
 * fast_find_migrateblock / fast_isolate_freepages (the linear scanners
 * stand in for them), lock contention, capture_control (the caller
 * retries the freelists), CMA.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define COMPACT_CLUSTER_MAX	32u	/* SWAP_CLUSTER_MAX */
#define COMPACT_MAX_DEFER_SHIFT	6
#define HPAGE_FRAG_CHECK_INTERVAL_NS (500ull * 1000 * 1000)
#define COMPACTION_HPAGE_ORDER	HPAGE_PMD_ORDER
#define compact_gap(order)	(2ull << (order))

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

/* Per-zone state (struct zone's compact_* fields). */
struct zone_compact {
	unsigned compact_considered;
	unsigned compact_defer_shift;
	int compact_order_failed;
	uint64_t compact_cached_migrate_pfn[2];	/* [async, sync] */
	uint64_t compact_cached_free_pfn;
};

struct node_compact {
	unsigned proactive_defer;	/* check intervals still to skip */
	int kcompactd_max_order;	/* pending reactive work, 0: none */
	int kcompactd_highest_zoneidx;
};

struct compact_global {
	uint64_t next_check_ns;
	bool started;
	struct node_compact *node;	/* [nr_nodes] */
};

struct isolated_block {
	uint64_t pfn;
	unsigned order;
};

struct compact_control {
	struct mmc_zone *zone;
	int order;			/* -1: whole zone (proactive) */
	int migratetype;
	int highest_zoneidx;
	unsigned alloc_flags;
	enum migrate_mode mode;
	bool direct_compaction, proactive_compaction, whole_zone;
	uint64_t migrate_pfn, free_pfn;
	uint64_t total_migrate_scanned, total_free_scanned;
	uint64_t nr_migrated;
	/* isolated migration sources (folio heads) */
	uint64_t migratepages[COMPACT_CLUSTER_MAX];
	unsigned migrate_order[COMPACT_CLUSTER_MAX];
	uint32_t nr_migratepages;
	/* isolated free blocks, used as migration targets */
	struct isolated_block *freepages;
	uint32_t nr_freeblocks, cap_freeblocks;
	uint64_t nr_freepages;
};

static uint64_t zone_end_pfn(const struct mmc_zone *z)
{
	return z->start_pfn + z->spanned;
}

static uint64_t pageblock_start(uint64_t pfn)
{
	return pfn & ~(uint64_t)(pageblock_nr_pages - 1);
}

/* reset_cached_positions(): the scanners start again from the ends. */
static void reset_cached_positions(struct mmc_zone *z)
{
	struct zone_compact *zc = z->compact;

	zc->compact_cached_migrate_pfn[0] = z->start_pfn;
	zc->compact_cached_migrate_pfn[1] = z->start_pfn;
	zc->compact_cached_free_pfn = pageblock_start(zone_end_pfn(z) - 1);
}

/* ---- init ---------------------------------------------------------------- */

int compaction_init(struct mmc *m)
{
	struct compact_global *g = calloc(1, sizeof(*g));

	if (!g)
		return -1;
	m->compact = g;
	g->node = calloc(m->nr_nodes ? m->nr_nodes : 1, sizeof(*g->node));
	if (!g->node)
		return -1;
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		struct zone_compact *zc = calloc(1, sizeof(*zc));
		if (!zc)
			return -1;
		zc->compact_order_failed = NR_PAGE_ORDERS;
		m->zones[i]->compact = zc;
		reset_cached_positions(m->zones[i]);
	}
	return 0;
}

void compaction_destroy(struct mmc *m)
{
	struct compact_global *g = m->compact;

	for (uint32_t i = 0; m->zones && i < m->nr_zones; i++) {
		free(m->zones[i]->compact);
		m->zones[i]->compact = NULL;
	}
	if (g)
		free(g->node);
	free(g);
	m->compact = NULL;
}

/* ---- deferral ------------------------------------------------------------ */

/* defer_compaction(): back off 1 << shift attempts after a failure. */
static void defer_compaction(struct mmc_zone *z, int order)
{
	struct zone_compact *zc = z->compact;

	if (!zc)
		return;
	zc->compact_considered = 0;
	zc->compact_defer_shift++;
	if (order < zc->compact_order_failed)
		zc->compact_order_failed = order;
	if (zc->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
		zc->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT;
}

static bool compaction_deferred(struct mmc_zone *z, int order)
{
	struct zone_compact *zc = z->compact;

	if (!zc || order < zc->compact_order_failed)
		return false;
	unsigned limit = 1u << zc->compact_defer_shift;
	if (++zc->compact_considered >= limit) {
		zc->compact_considered = limit;
		return false;
	}
	return true;
}

static void compaction_defer_reset(struct mmc_zone *z, int order,
				   bool alloc_success)
{
	struct zone_compact *zc = z->compact;

	if (!zc)
		return;
	if (alloc_success) {
		zc->compact_considered = 0;
		zc->compact_defer_shift = 0;
	}
	if (order >= zc->compact_order_failed)
		zc->compact_order_failed = order + 1;
}

/* ---- suitability --------------------------------------------------------- */

/* __compaction_suitable(): the order-0 watermark (low for costly orders,
 * min otherwise) plus compact_gap() must hold, so that there are free
 * pages to migrate into. */
static bool __compaction_suitable(struct mmc_zone *z, unsigned order,
				  int highest_zoneidx)
{
	uint64_t mark = order > PAGE_ALLOC_COSTLY_ORDER ? low_wmark_pages(z)
							: min_wmark_pages(z);

	mark += compact_gap(order);
	return __zone_watermark_ok(z, 0, mark, highest_zoneidx, ALLOC_CMA,
				   (int64_t)zone_page_state_free(z));
}

/* compaction_suitable(): and, for costly orders, only when a failure
 * would be due to fragmentation: fragmentation index above
 * extfrag_threshold (an index < 0 means a suitable block exists). */
bool compaction_suitable(struct mmc *m, struct mmc_zone *z, unsigned order,
			 int highest_zoneidx)
{
	if (!__compaction_suitable(z, order, highest_zoneidx))
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = zone_fragmentation_index(z, order);
		if (fragindex >= 0 && fragindex <= m->policy.extfrag_threshold)
			return false;
	}
	return true;
}

/* ---- fragmentation score (proactive compaction) -------------------------- */

static unsigned fragmentation_score_zone(const struct mmc_zone *z)
{
	return extfrag_for_order(z, COMPACTION_HPAGE_ORDER);
}

unsigned fragmentation_score_node(const struct mmc *m, int nid)
{
	const struct mmc_node *n = &m->nodes[nid];
	uint64_t node_present = 0, score = 0;

	for (int t = 0; t < MMC_NR_ZONE_TYPES; t++)
		node_present += n->zones[t].present;
	for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
		const struct mmc_zone *z = &n->zones[t];
		if (!populated_zone(z))
			continue;
		score += z->present * fragmentation_score_zone(z) /
			 (node_present + 1);
	}
	return (unsigned)score;
}

unsigned fragmentation_score_wmark(const struct mmc *m, bool low)
{
	int p = m->policy.compaction_proactiveness;
	unsigned wmark_low = 100u - (unsigned)p < 5u ? 5u : 100u - (unsigned)p;

	if (low)
		return wmark_low;
	return wmark_low + 10 < 100 ? wmark_low + 10 : 100;
}

/* ---- scanners ------------------------------------------------------------ */

static bool compact_scanners_met(const struct compact_control *cc)
{
	return (cc->free_pfn >> pageblock_order) <=
	       (cc->migrate_pfn >> pageblock_order);
}

/* isolate_migratepages_block(): collect movable folios of one pageblock
 * from migrate_pfn on.  Compound folios are migrated only when smaller
 * than the requested order.  Returns with migrate_pfn past what was
 * scanned. */
static void isolate_migratepages_block(struct compact_control *cc,
				       uint64_t end_pfn)
{
	struct mmc_zone *z = cc->zone;
	uint64_t pfn = cc->migrate_pfn;

	while (pfn < end_pfn && cc->nr_migratepages < COMPACT_CLUSTER_MAX) {
		uint32_t idx = pfn_to_idx(z, pfn);
		pgstate_t s = z->page[idx];

		cc->total_migrate_scanned++;
		if (s & PG_ORDER_MASK) {	/* free: buddy or pcp */
			pfn += 1ull << free_order(s);
			continue;
		}
		unsigned cls = page_class(s);
		if (!(s & PG_LRU) || (cls != MMC_PC_ANON && cls != MMC_PC_FILE)) {
			pfn++;	/* unmovable (slab, kernel) or a hole */
			continue;
		}
		uint32_t head = lru_folio_head(z, idx);
		unsigned order = lru_folio_order(z, head);
		if (head != idx) {	/* a tail of a folio begun below */
			pfn = idx_to_pfn(z, head) + (1ull << order);
			continue;
		}
		if (order && (cc->order < 0 || (int)order >= cc->order)) {
			cc->total_migrate_scanned += (1ull << order) - 1;
			pfn += 1ull << order;
			continue;
		}
		cc->migratepages[cc->nr_migratepages] = pfn;
		cc->migrate_order[cc->nr_migratepages] = order;
		cc->nr_migratepages++;
		pfn += 1ull << order;
	}
	cc->migrate_pfn = pfn;
}

/* suitable_migration_source(): async direct compaction only takes
 * pageblocks of the requested kind. */
static bool suitable_migration_source(const struct compact_control *cc,
				      uint64_t block_pfn)
{
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	int mt = get_pageblock_migratetype(cc->zone,
					   pfn_to_idx(cc->zone, block_pfn));
	if (cc->migratetype == MIGRATE_MOVABLE)
		return mt == MIGRATE_MOVABLE;
	return mt == cc->migratetype;
}

/* isolate_migratepages(): from migrate_pfn, the first pageblock below
 * the free scanner that yields movable folios.  Returns false when the
 * scanners met without isolating anything. */
static bool isolate_migratepages(struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;

	if (cc->migrate_pfn < z->start_pfn)
		cc->migrate_pfn = z->start_pfn;
	while (!compact_scanners_met(cc)) {
		uint64_t block_end = pageblock_start(cc->migrate_pfn) +
				     pageblock_nr_pages;
		if (block_end > zone_end_pfn(z))
			block_end = zone_end_pfn(z);
		if (!suitable_migration_source(cc, cc->migrate_pfn)) {
			cc->migrate_pfn = block_end;
			continue;
		}
		isolate_migratepages_block(cc, block_end);
		if (cc->nr_migratepages)
			return true;
	}
	return false;
}

/* suitable_migration_target(): a movable pageblock whose first page is
 * not already a free block of the wanted size. */
static bool suitable_migration_target(const struct compact_control *cc,
				      uint64_t block_pfn)
{
	struct mmc_zone *z = cc->zone;
	uint64_t pfn = block_pfn < z->start_pfn ? z->start_pfn : block_pfn;
	uint32_t idx = pfn_to_idx(z, pfn);
	pgstate_t s = z->page[idx];

	if (PageBuddy(s)) {
		int order = cc->order > 0 ? cc->order : (int)pageblock_order;
		if ((int)free_order(s) >= order)
			return false;
	}
	return get_pageblock_migratetype(z, idx) == MIGRATE_MOVABLE;
}

static int freepages_push(struct compact_control *cc, uint64_t pfn,
			  unsigned order)
{
	if (cc->nr_freeblocks == cc->cap_freeblocks) {
		uint32_t ncap = cc->cap_freeblocks ? cc->cap_freeblocks * 2 : 64;
		struct isolated_block *nb = realloc(cc->freepages,
						    ncap * sizeof(*nb));
		if (!nb)
			return -1;
		cc->freepages = nb;
		cc->cap_freeblocks = ncap;
	}
	cc->freepages[cc->nr_freeblocks].pfn = pfn;
	cc->freepages[cc->nr_freeblocks].order = order;
	cc->nr_freeblocks++;
	cc->nr_freepages += 1ull << order;
	return 0;
}

/* isolate_freepages_block(): take every buddy block of the pageblock.
 * Stops when isolate_free_page() refuses (the zone would drop below its
 * min mark plus the block). */
static bool isolate_freepages_block(struct mmc *m,
				    struct compact_control *cc,
				    uint64_t start, uint64_t end)
{
	struct mmc_zone *z = cc->zone;

	for (uint64_t pfn = start; pfn < end;) {
		uint32_t idx = pfn_to_idx(z, pfn);
		pgstate_t s = z->page[idx];

		cc->total_free_scanned++;
		if (!PageBuddy(s)) {
			pfn++;
			continue;
		}
		unsigned order = free_order(s);
		if (isolate_free_page(m, z, idx, order))
			return false;
		if (freepages_push(cc, pfn, order)) {
			release_isolated_pages(m, pfn, order);
			return false;
		}
		pfn += 1ull << order;
	}
	return true;
}

/* isolate_freepages(): walk pageblocks down from free_pfn, above the
 * migrate scanner's block, until enough targets are isolated. */
static void isolate_freepages(struct mmc *m, struct compact_control *cc,
			      uint64_t want)
{
	struct mmc_zone *z = cc->zone;
	uint64_t low = pageblock_start(cc->migrate_pfn) + pageblock_nr_pages;

	while (cc->free_pfn >= low && cc->nr_freepages < want) {
		uint64_t start = cc->free_pfn;
		uint64_t end = start + pageblock_nr_pages;
		if (start < z->start_pfn)
			start = z->start_pfn;
		if (end > zone_end_pfn(z))
			end = zone_end_pfn(z);
		if (suitable_migration_target(cc, cc->free_pfn) &&
		    !isolate_freepages_block(m, cc, start, end))
			return;		/* watermark: stop for this run */
		if (cc->free_pfn < pageblock_nr_pages)
			break;
		cc->free_pfn -= pageblock_nr_pages;
	}
}

/* compaction_alloc(): a free target of the folio's order, split from an
 * isolated block (the upper halves stay isolated). */
static bool compaction_alloc(struct compact_control *cc, unsigned order,
			     uint64_t *to)
{
	for (uint32_t i = cc->nr_freeblocks; i-- > 0;) {
		struct isolated_block b = cc->freepages[i];
		if (b.order < order)
			continue;
		cc->freepages[i] = cc->freepages[--cc->nr_freeblocks];
		cc->nr_freepages -= 1ull << b.order;
		while (b.order > order) {
			b.order--;
			freepages_push(cc, b.pfn + (1ull << b.order), b.order);
		}
		*to = b.pfn;
		return true;
	}
	return false;
}

static void release_freepages(struct mmc *m, struct compact_control *cc)
{
	for (uint32_t i = 0; i < cc->nr_freeblocks; i++)
		release_isolated_pages(m, cc->freepages[i].pfn,
				       cc->freepages[i].order);
	cc->nr_freeblocks = 0;
	cc->nr_freepages = 0;
}

/* migrate_pages(): move each isolated folio into a target; a folio with
 * no target stays where it is (putback_movable_pages).  Returns false
 * when targets ran out (-ENOMEM). */
static bool migrate_pages(struct mmc *m, struct compact_control *cc)
{
	bool ok = true;

	for (uint32_t i = 0; i < cc->nr_migratepages; i++) {
		uint64_t from = cc->migratepages[i], to;
		unsigned order = cc->migrate_order[i];

		if (!compaction_alloc(cc, order, &to)) {
			isolate_freepages(m, cc, 1ull << order);
			if (!compaction_alloc(cc, order, &to)) {
				ok = false;
				break;
			}
		}
		unsigned saved = lru_migrate_save(m, from);
		if (migrate_page_range(m, from, to, order)) {
			lru_migrate_restore(m, from, saved);
			release_isolated_pages(m, to, order);
			continue;
		}
		lru_migrate_restore(m, to, saved);
		cc->nr_migrated += 1ull << order;
	}
	cc->nr_migratepages = 0;
	return ok;
}

/* find_suitable_fallback() with claimable: a free block of another
 * migratetype that the allocation could claim. */
static bool fallback_claimable(const struct free_area *area, unsigned order,
			       int mt)
{
	static const int fallbacks[MIGRATE_PCPTYPES][2] = {
		[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
		[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
		[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
	};

	if (mt >= MIGRATE_PCPTYPES)
		return false;
	/* can_claim / can_steal_fallback() */
	if (!(order >= pageblock_order / 2 || mt == MIGRATE_RECLAIMABLE ||
	      mt == MIGRATE_UNMOVABLE))
		return false;
	for (int i = 0; i < 2; i++)
		if (area->nr_free[fallbacks[mt][i]])
			return true;
	return false;
}

/* __compact_finished(). */
static enum compact_result compact_finished(struct mmc *m,
					    struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;

	if (compact_scanners_met(cc))
		return COMPACT_COMPLETE;
	if (cc->proactive_compaction) {
		if (fragmentation_score_zone(z) > fragmentation_score_wmark(m, true))
			return COMPACT_CONTINUE;
		return COMPACT_SUCCESS;
	}
	if (cc->order < 0)
		return COMPACT_CONTINUE;
	if (cc->migrate_pfn & (pageblock_nr_pages - 1))
		return COMPACT_CONTINUE;
	/* vm.defrag_mode: kcompactd aims at the high mark in whole
	 * pageblocks, which ALLOC_NOFRAGMENT fallbacks can claim */
	if (m->policy.defrag_mode && !cc->direct_compaction) {
		if (__zone_watermark_ok(z, (unsigned)cc->order,
					high_wmark_pages(z), cc->highest_zoneidx,
					cc->alloc_flags,
					(int64_t)zone_free_pages_blocks(z)))
			return COMPACT_SUCCESS;
		return COMPACT_CONTINUE;
	}
	for (unsigned o = (unsigned)cc->order; o < NR_PAGE_ORDERS; o++) {
		const struct free_area *area = &z->free_area[o];
		if (area->nr_free[cc->migratetype])
			return COMPACT_SUCCESS;
		if (fallback_claimable(area, o, cc->migratetype))
			return COMPACT_SUCCESS;
	}
	return COMPACT_CONTINUE;	/* COMPACT_NO_SUITABLE_PAGE */
}

/* compaction_restarting(): after the longest deferral, start over. */
static bool compaction_restarting(const struct mmc_zone *z, int order)
{
	const struct zone_compact *zc = z->compact;

	return order >= zc->compact_order_failed &&
	       zc->compact_defer_shift == COMPACT_MAX_DEFER_SHIFT &&
	       zc->compact_considered >= 1u << zc->compact_defer_shift;
}

/* compact_zone()'s start: a whole-zone run (highest priority, proactive)
 * starts at the ends, others where the last run of their mode stopped. */
static void compact_zone_start(struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;
	struct zone_compact *zc = z->compact;
	bool sync = cc->mode != MIGRATE_ASYNC;

	if (compaction_restarting(z, cc->order))
		reset_cached_positions(z);
	if (cc->whole_zone) {
		cc->migrate_pfn = z->start_pfn;
		cc->free_pfn = pageblock_start(zone_end_pfn(z) - 1);
		return;
	}
	cc->migrate_pfn = zc->compact_cached_migrate_pfn[sync];
	cc->free_pfn = zc->compact_cached_free_pfn;
	if (cc->free_pfn < z->start_pfn || cc->free_pfn >= zone_end_pfn(z))
		cc->free_pfn = pageblock_start(zone_end_pfn(z) - 1);
	if (cc->migrate_pfn < z->start_pfn || cc->migrate_pfn >= zone_end_pfn(z))
		cc->migrate_pfn = z->start_pfn;
}

/* compact_zone()'s end: scanners that met start over next time
 * (__compact_finished's reset_cached_positions); otherwise remember the
 * migrate scanner's pageblock (update_cached_migrate) and the highest
 * pageblock still holding unused free targets (release_free_list). */
static void compact_zone_end(struct compact_control *cc,
			     enum compact_result ret)
{
	struct mmc_zone *z = cc->zone;
	struct zone_compact *zc = z->compact;

	if (ret == COMPACT_COMPLETE) {
		reset_cached_positions(z);
		return;
	}
	uint64_t mpfn = pageblock_start(cc->migrate_pfn);
	if (mpfn > zc->compact_cached_migrate_pfn[0])
		zc->compact_cached_migrate_pfn[0] = mpfn;
	if (cc->mode != MIGRATE_ASYNC && mpfn > zc->compact_cached_migrate_pfn[1])
		zc->compact_cached_migrate_pfn[1] = mpfn;
	uint64_t fpfn = cc->free_pfn;
	for (uint32_t i = 0; i < cc->nr_freeblocks; i++)
		if (pageblock_start(cc->freepages[i].pfn) > fpfn)
			fpfn = pageblock_start(cc->freepages[i].pfn);
	zc->compact_cached_free_pfn = fpfn;
}

/* compact_zone(). */
static enum compact_result compact_zone(struct mmc *m,
					struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;
	enum compact_result ret;

	if (cc->order > 0) {
		/* compaction_suit_allocation_order(); kcompactd under
		 * vm.defrag_mode counts only free whole pageblocks */
		uint64_t mark = wmark_pages(z, cc->alloc_flags & ALLOC_WMARK_MASK);
		uint64_t free = m->policy.defrag_mode && !cc->direct_compaction ?
				zone_free_pages_blocks(z) : z->nr_free;

		if (__zone_watermark_ok(z, (unsigned)cc->order, mark,
					cc->highest_zoneidx, cc->alloc_flags,
					(int64_t)free))
			return COMPACT_SUCCESS;
		if (!compaction_suitable(m, z, (unsigned)cc->order,
					 cc->highest_zoneidx))
			return COMPACT_SKIPPED;
	}
	compact_zone_start(cc);
	while ((ret = compact_finished(m, cc)) == COMPACT_CONTINUE) {
		if (!isolate_migratepages(cc))
			continue;	/* scanners met: finished next round */
		if (!migrate_pages(m, cc) && !compact_scanners_met(cc)) {
			ret = COMPACT_CONTENDED;	/* out of targets */
			break;
		}
	}
	compact_zone_end(cc, ret);
	release_freepages(m, cc);
	free(cc->freepages);
	cc->freepages = NULL;
	cc->cap_freeblocks = 0;
	m->vm.compact_migrated += cc->nr_migrated;
	m->nodes[z->node].vm.compact_migrated += cc->nr_migrated;
	m->vm.compact_scanned += cc->total_migrate_scanned +
				 cc->total_free_scanned;
	return ret;
}

/* compact_zone_order(). */
static enum compact_result compact_zone_order(struct mmc *m,
					      struct mmc_zone *z,
					      unsigned order, uint64_t gfp,
					      enum compact_priority prio,
					      unsigned alloc_flags,
					      int highest_zoneidx,
					      struct mmc_result *res)
{
	struct compact_control cc = {
		.zone = z,
		.order = (int)order,
		.migratetype = gfp_migratetype(gfp),
		.highest_zoneidx = highest_zoneidx,
		.alloc_flags = alloc_flags,
		.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC
						   : MIGRATE_SYNC_LIGHT,
		.direct_compaction = true,
		.whole_zone = prio == MIN_COMPACT_PRIORITY,
	};
	enum compact_result ret = compact_zone(m, &cc);

	if (res) {
		res->compact_scanned += (uint32_t)(cc.total_migrate_scanned +
						   cc.total_free_scanned);
		res->compact_migrated += (uint32_t)cc.nr_migrated;
	}
	return ret;
}

/* try_to_compact_pages(): direct compaction over the zonelist; stops at
 * the first zone where compaction succeeded.  COMPACTSTALL/SUCCESS/FAIL
 * are counted by page_alloc.c, as __alloc_pages_direct_compact does. */
enum compact_result try_to_compact_pages(struct mmc *m, uint64_t gfp,
					 unsigned order,
					 unsigned alloc_flags,
					 int preferred_nid,
					 int highest_zoneidx,
					 enum compact_priority prio,
					 struct mmc_result *res)
{
	enum compact_result rc = COMPACT_SKIPPED;

	if (!(gfp & MMC___GFP_IO) || !order)	/* gfp_compaction_allowed */
		return COMPACT_SKIPPED;
	if (preferred_nid < 0 || (uint32_t)preferred_nid >= m->nr_nodes)
		preferred_nid = 0;
	if (res)
		res->path |= MMC_PATH_COMPACT;
	struct mmc_node *pn = &m->nodes[preferred_nid];
	for (uint32_t i = 0; i < pn->nr_zonelist; i++) {
		struct mmc_zone *z = pn->zonelist[i];
		enum compact_result status;

		if ((int)z->type > highest_zoneidx || !z->managed)
			continue;
		if (prio > MIN_COMPACT_PRIORITY &&
		    compaction_deferred(z, (int)order)) {
			if (rc < COMPACT_DEFERRED)
				rc = COMPACT_DEFERRED;
			continue;
		}
		status = compact_zone_order(m, z, order, gfp, prio, alloc_flags,
					    highest_zoneidx, res);
		if (status > rc)
			rc = status;
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(z, (int)order, false);
			break;
		}
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE ||
		     status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(z, (int)order);
	}
	return rc;
}

/* The allocation after compaction succeeded in zone z (compaction_defer_
 * reset with alloc_success), for page_alloc.c. */
void compaction_alloc_success(struct mmc_zone *z, unsigned order)
{
	compaction_defer_reset(z, (int)order, true);
}

/* ---- kcompactd ------------------------------------------------------------ */

/* wakeup_kcompactd(): kswapd reclaimed for a high order (or a watermark
 * boost) and leaves the rest to compaction; kcompactd runs at the next
 * tick.  kcompactd_node_suitable()'s pre-check is left to compact_zone(),
 * which skips zones that are already fine or unsuitable. */
void wakeup_kcompactd(struct mmc *m, int nid, int order, int highest_zoneidx)
{
	struct compact_global *g = m->compact;

	if (!g || order <= 0 || nid < 0 || (uint32_t)nid >= m->nr_nodes)
		return;
	struct node_compact *nc = &g->node[nid];
	if (nc->kcompactd_max_order < order)
		nc->kcompactd_max_order = order;
	if (nc->kcompactd_highest_zoneidx < highest_zoneidx)
		nc->kcompactd_highest_zoneidx = highest_zoneidx;
}

/* kcompactd_do_work(): compact each eligible zone for the pending order,
 * sync-light, GFP_KERNEL (so an unmovable target: any claimable block
 * finishes it), deferring zones where it fails. */
static void kcompactd_do_work(struct mmc *m, int nid, struct node_compact *nc)
{
	int order = nc->kcompactd_max_order;
	int highest = nc->kcompactd_highest_zoneidx;

	nc->kcompactd_max_order = 0;
	nc->kcompactd_highest_zoneidx = 0;
	for (int t = 0; t <= highest && t < MMC_NR_ZONE_TYPES; t++) {
		struct mmc_zone *z = &m->nodes[nid].zones[t];
		if (!populated_zone(z) || !z->managed)
			continue;
		if (compaction_deferred(z, order))
			continue;
		struct compact_control cc = {
			.zone = z,
			.order = order,
			.migratetype = gfp_migratetype(MMC_GFP_KERNEL),
			.highest_zoneidx = highest,
			.alloc_flags = ALLOC_WMARK_MIN,
			.mode = MIGRATE_SYNC_LIGHT,
		};
		enum compact_result status = compact_zone(m, &cc);
		if (status == COMPACT_SUCCESS)
			compaction_defer_reset(z, order, false);
		else if (status == COMPACT_PARTIAL_SKIPPED ||
			 status == COMPACT_COMPLETE)
			defer_compaction(z, order);
	}
}

/* ---- proactive compaction -------------------------------------------------- */

static bool should_proactive_compact_node(struct mmc *m, int nid)
{
	if (!m->policy.compaction_proactiveness || m->nodes[nid].kswapd_awake)
		return false;
	return fragmentation_score_node(m, nid) >
	       fragmentation_score_wmark(m, false);
}

/* proactive_compact_node(): every populated zone, sync-light, until its
 * score is at or below the low mark (checked in compact_finished). */
static void proactive_compact_node(struct mmc *m, int nid)
{
	struct mmc_node *n = &m->nodes[nid];

	for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
		struct mmc_zone *z = &n->zones[t];
		if (!populated_zone(z) || !z->managed)
			continue;
		struct compact_control cc = {
			.zone = z,
			.order = -1,
			.migratetype = MIGRATE_MOVABLE,
			.highest_zoneidx = MMC_NR_ZONE_TYPES - 1,
			.mode = MIGRATE_SYNC_LIGHT,
			.proactive_compaction = true,
			.whole_zone = true,
		};
		compact_zone(m, &cc);
	}
	m->vm.proactive_compactions++;
}

/* kcompactd(): work kswapd handed over runs at once; and every 500 ms of
 * simulated time each node whose score exceeds the high mark is compacted
 * proactively; when a run does not lower the score, the node waits
 * 1 << COMPACT_MAX_DEFER_SHIFT intervals. */
void compaction_tick(struct mmc *m, uint64_t now_ns)
{
	struct compact_global *g = m->compact;

	if (!g)
		return;
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++)
		if (g->node[nid].kcompactd_max_order)
			kcompactd_do_work(m, (int)nid, &g->node[nid]);
	if (!g->started) {
		g->started = true;
		g->next_check_ns = now_ns + HPAGE_FRAG_CHECK_INTERVAL_NS;
		return;
	}
	if (now_ns < g->next_check_ns)
		return;
	g->next_check_ns = now_ns + HPAGE_FRAG_CHECK_INTERVAL_NS;
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++) {
		struct node_compact *nc = &g->node[nid];
		if (nc->proactive_defer) {
			nc->proactive_defer--;
			continue;
		}
		if (!should_proactive_compact_node(m, (int)nid))
			continue;
		unsigned prev = fragmentation_score_node(m, (int)nid);
		proactive_compact_node(m, (int)nid);
		if (fragmentation_score_node(m, (int)nid) >= prev)
			nc->proactive_defer = 1u << COMPACT_MAX_DEFER_SHIFT;
	}
}
