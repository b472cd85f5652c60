/* SPDX-License-Identifier: MIT */
/*
 * compaction.c: memory compaction after mm/compaction.c of 6.x:
 *  - compaction_suitable() (the order-0 mark the caller passes plus
 *    compact_gap(), and for costly orders the low - min gap too and the
 *    fragmentation index against extfrag_threshold) and
 *    compaction_suit_allocation_order();
 *  - compact_zone(): a migrate scanner walking up from the zone start and a
 *    free scanner walking down from the end, their cached positions
 *    (update_cached_migrate, the free scanner's restart point), the
 *    pageblock skip hints (isolation_suitable, set_pageblock_skip,
 *    __reset_isolation_suitable when kswapd sleeps after a whole direct
 *    pass, compact_blockskip_flush), fast_find_migrateblock() and
 *    fast_isolate_freepages() over the free lists, async direct compaction
 *    giving up on an order-aligned block at its first unmovable page
 *    (isolate_migratepages_block skip_on_failure) and taking only
 *    pageblocks of the wanted type (suitable_migration_source), compound
 *    pages stepped over whole, pageblocks headed by a compound page of
 *    pageblock order or more (hugetlb) never taken as a source
 *    (pageblock_skip_persistent);
 *  - deferral (defer_compaction, compaction_deferred,
 *    compaction_defer_reset, compaction_restarting);
 *  - direct compaction (try_to_compact_pages, compact_zone_order);
 *  - kcompactd: work woken by kswapd or by allocations that cannot
 *    reclaim (wakeup_kcompactd with kcompactd_node_suitable), the 500 ms
 *    wait after which pending work or proactive compaction
 *    (compaction_proactiveness, fragmentation score) runs.
 * vmstat: compact_migrate_scanned / free_scanned / isolated,
 * compact_daemon_*, pgmigrate_success / fail, and mm_compaction_begin for
 * every compact_zone() past its suitability check.
 *
 * Movable means an LRU folio (anon or file); slab and kernel pages are
 * unmovable (non-LRU movable pages such as zsmalloc are not modelled).
 * Direct compaction captures the block it forms (capture_control, see
 * buddy.c) and drains its cpu's pcp lists as its migration scanner leaves
 * an order-aligned block (check_drain).
 *
 * Simplified: every isolated folio migrates (the kernel's async migration
 * fails on dirty, writeback or locked folios: pgmigrate_fail), migrated
 * folios are freed straight to the buddy (the kernel's go through the
 * pcp lists, where check_drain finds them), there is no lock contention
 * or need_resched() bail-out, no CMA, and the fast searches walk the
 * free lists in address order, round each list from where the last
 * search stopped, where the kernel's walks see its LIFO order and
 * move_freelist_head/tail() rotations.  The model holds no folio
 * reference counts: an LRU folio is always isolatable.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define COMPACT_CLUSTER_MAX	32u	/* SWAP_CLUSTER_MAX */
#define COMPACT_MAX_DEFER_SHIFT	6
#define HPAGE_FRAG_CHECK_INTERVAL_NS MMC_KCOMPACTD_WAIT_NS
_Static_assert(MMC_KCOMPACTD_BACKOFF_NS ==
	       HPAGE_FRAG_CHECK_INTERVAL_NS << COMPACT_MAX_DEFER_SHIFT,
	       "the back-off is the wait << COMPACT_MAX_DEFER_SHIFT");
#define COMPACTION_HPAGE_ORDER	HPAGE_PMD_ORDER
#define compact_gap(order)	(2ull << (order))
#define FAST_START_DONE		UINT64_MAX	/* fast_start_pfn: used up */

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

/* Per-zone state (struct zone's compact_* fields and the pageblock
 * flags compaction keeps: PB_migrate_skip, and whether the block is
 * headed by a compound page of pageblock order or more). */
struct zone_compact {
	unsigned compact_considered;
	unsigned compact_defer_shift;
	int compact_order_failed;
	uint64_t compact_cached_migrate_pfn[2];	/* [async, sync] */
	uint64_t compact_cached_free_pfn;
	uint64_t compact_init_migrate_pfn, compact_init_free_pfn;
	bool compact_blockskip_flush;
	uint32_t nr_pb;
	uint64_t *skip;		/* bit per pageblock */
	uint64_t *persistent;	/* bit per pageblock */
	/* fast_find_migrateblock() moves the entries it looked at to the
	 * tail of their MOVABLE list (move_freelist_tail), so the next
	 * search starts past them: where the next search of each order's
	 * list starts, as an idx (the model's lists are in address order) */
	uint32_t fast_migrate_from[NR_PAGE_ORDERS];
	/* fast_isolate_freepages() walks each MOVABLE list from its tail
	 * and moves what it looked at to the head (move_freelist_head), so
	 * successive searches go round the list instead of reading the same
	 * tail again: where the next search of each order's list starts */
	uint32_t fast_free_from[NR_PAGE_ORDERS];
};

/* kcompactd of one node: pgdat->kcompactd_max_order etc., and where it
 * is in its wait. */
struct kcompactd {
	int max_order;
	int highest_zoneidx;
	bool woken;			/* wake_up_interruptible() pending */
	bool started;
	uint64_t timeout_at;		/* end of the current wait */
};

struct compact_global {
	struct kcompactd *node;		/* [nr_nodes] */
};

struct isolated_block {
	uint64_t pfn;
	unsigned order;
};

struct compact_control {
	struct mmc_zone *zone;
	int order;			/* -1: whole zone (proactive) */
	int search_order;		/* fast_isolate_freepages() */
	int migratetype;
	int highest_zoneidx;
	unsigned alloc_flags;
	uint64_t gfp_mask;		/* the allocation's (kcompactd: GFP_KERNEL) */
	enum migrate_mode mode;
	int cpu;			/* where it runs: whose pcp it drains */
	bool direct_compaction, proactive_compaction, whole_zone;
	bool ignore_skip_hint, no_set_skip_hint, ignore_block_suitable;
	bool finish_pageblock;
	unsigned fast_search_fail;
	uint64_t migrate_pfn, free_pfn, fast_start_pfn;
	uint64_t total_migrate_scanned, total_free_scanned;
	uint64_t nr_migrated;
	/* isolated migration sources (folio heads) */
	uint64_t migratepages[COMPACT_CLUSTER_MAX];
	unsigned migrate_order[COMPACT_CLUSTER_MAX];
	uint32_t nr_migrate_folios;
	uint64_t nr_migratepages;	/* pages */
	/* isolated free blocks, used as migration targets */
	struct isolated_block *freepages;
	uint32_t nr_freeblocks, cap_freeblocks;
	uint64_t nr_freepages;
};

static struct zone_compact *ZC(const struct mmc_zone *z)
{
	return z->compact;
}

static uint64_t zone_end_pfn(const struct mmc_zone *z)
{
	return z->start_pfn + z->spanned;
}

static uint64_t pageblock_start_pfn(uint64_t pfn)
{
	return pfn & ~(uint64_t)(pageblock_nr_pages - 1);
}

static uint64_t pageblock_end_pfn(uint64_t pfn)
{
	return pageblock_start_pfn(pfn) + pageblock_nr_pages;
}

static bool pageblock_aligned(uint64_t pfn)
{
	return !(pfn & (pageblock_nr_pages - 1));
}

/* The pageblock holding pfn, clipped to the zone. */
static void block_bounds(const struct mmc_zone *z, uint64_t pfn,
			 uint64_t *start, uint64_t *end)
{
	*start = pageblock_start_pfn(pfn);
	if (*start < z->start_pfn)
		*start = z->start_pfn;
	*end = pageblock_end_pfn(pfn);
	if (*end > zone_end_pfn(z))
		*end = zone_end_pfn(z);
}

/* block_end_pfn(pfn, order): the end of the order-aligned block. */
static uint64_t block_end_pfn(uint64_t pfn, int order)
{
	return (pfn + (1ull << order)) & ~((1ull << order) - 1);
}

static bool is_via_compact_memory(int order)
{
	return order < 0;
}

static uint32_t pb_index(const struct mmc_zone *z, uint64_t pfn)
{
	return pfn_to_idx(z, pfn) >> pageblock_order;
}

static bool pb_test(const uint64_t *bits, uint32_t b)
{
	return bits[b / 64] >> (b % 64) & 1;
}

static void pb_set(uint64_t *bits, uint32_t b, bool on)
{
	if (on)
		bits[b / 64] |= 1ull << (b % 64);
	else
		bits[b / 64] &= ~(1ull << (b % 64));
}

static bool get_pageblock_skip(const struct mmc_zone *z, uint64_t pfn)
{
	return pb_test(ZC(z)->skip, pb_index(z, pfn));
}

static void set_pageblock_skip(struct mmc_zone *z, uint64_t pfn)
{
	pb_set(ZC(z)->skip, pb_index(z, pfn), true);
}

/* pageblock_skip_persistent(): the block is headed by a compound page of
 * pageblock order or more (a hugetlb page, or a PMD-sized LRU folio):
 * never a migration source, and its skip hint is never reset.  The hint
 * of a hugetlb block lives while its first page is still allocated as
 * kernel memory. */
static bool pageblock_skip_persistent(const struct mmc_zone *z, uint64_t pfn)
{
	uint32_t idx = pfn_to_idx(z, pageblock_start_pfn(pfn));
	pgstate_t s = z->page[idx];

	if (pb_test(ZC(z)->persistent, idx >> pageblock_order)) {
		if (page_class(s) == MMC_PC_KERNEL)
			return true;
		pb_set(ZC(z)->persistent, idx >> pageblock_order, false);
	}
	return (s & (PG_LRU | PG_HEAD)) == (PG_LRU | PG_HEAD) &&
	       lru_folio_order(z, idx) >= pageblock_order;
}

/* isolation_suitable() */
static bool isolation_suitable(const struct compact_control *cc,
			       uint64_t pfn)
{
	return cc->ignore_skip_hint || !get_pageblock_skip(cc->zone, pfn);
}

/* reset_cached_positions(): the scanners start again from the ends. */
static void reset_cached_positions(struct mmc_zone *z)
{
	struct zone_compact *zc = ZC(z);

	zc->compact_cached_migrate_pfn[0] = z->start_pfn;
	zc->compact_cached_migrate_pfn[1] = z->start_pfn;
	zc->compact_cached_free_pfn = pageblock_start_pfn(zone_end_pfn(z) - 1);
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
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		g->node[n].highest_zoneidx = MMC_NR_ZONE_TYPES - 1;
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		struct mmc_zone *z = m->zones[i];
		struct zone_compact *zc = calloc(1, sizeof(*zc));
		uint32_t words;

		if (!zc)
			return -1;
		z->compact = zc;
		zc->compact_order_failed = NR_PAGE_ORDERS;
		zc->nr_pb = z->nr_idx >> pageblock_order;
		words = (zc->nr_pb + 63) / 64 + 1;
		zc->skip = calloc(words, sizeof(uint64_t));
		zc->persistent = calloc(words, sizeof(uint64_t));
		if (!zc->skip || !zc->persistent)
			return -1;
		reset_cached_positions(z);
	}
	return 0;
}

void compaction_destroy(struct mmc *m)
{
	struct compact_global *g = m->compact;

	for (uint32_t i = 0; m->zones && i < m->nr_zones; i++) {
		struct zone_compact *zc = m->zones[i]->compact;

		if (zc) {
			free(zc->skip);
			free(zc->persistent);
		}
		free(zc);
		m->zones[i]->compact = NULL;
	}
	if (g)
		free(g->node);
	free(g);
	m->compact = NULL;
}

int mmc_seed_compound(struct mmc *m, uint64_t pfn, unsigned order)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z || order < pageblock_order || order > MAX_PAGE_ORDER ||
	    (pfn & ((1ull << order) - 1)) ||
	    pfn + (1ull << order) > zone_end_pfn(z))
		return -1;
	for (uint64_t p = pfn; p < pfn + (1ull << order); p++)
		if (page_class(z->page[pfn_to_idx(z, p)]) != MMC_PC_KERNEL)
			return -1;
	pb_set(ZC(z)->persistent, pb_index(z, pfn), true);
	/* Its skip hint starts set.  The kernel sets it the first time any
	 * scanner passes the block and never clears it while the page lives
	 * (pageblock_skip_persistent() in __reset_isolation_pfn()), so on a
	 * host whose pool is older than the trace every pass since has left
	 * it set; a snapshot cannot show the bits.  Starting clear, the
	 * model's first pass over a 10,445-page pool counted 2.5 M free pages
	 * scanned where the kernel's free scanner counted 7,775 in that
	 * zone over the whole run (make validate, defaults). */
	set_pageblock_skip(z, pfn);
	return 0;
}

/* ---- deferral ------------------------------------------------------------ */

/* defer_compaction(): back off 1 << shift attempts after a failure. */
static void defer_compaction(struct mmc_zone *z, int order)
{
	struct zone_compact *zc = ZC(z);

	zc->compact_considered = 0;
	zc->compact_defer_shift++;
	if (order < zc->compact_order_failed)
		zc->compact_order_failed = order;
	if (zc->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
		zc->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT;
}

/* compaction_deferred(): true when this attempt should be skipped. */
static bool compaction_deferred(struct mmc_zone *z, int order)
{
	struct zone_compact *zc = ZC(z);
	unsigned limit = 1u << zc->compact_defer_shift;

	if (order < zc->compact_order_failed)
		return false;
	if (++zc->compact_considered >= limit) {
		zc->compact_considered = limit;
		return false;
	}
	return true;
}

static void compaction_defer_reset(struct mmc_zone *z, int order,
				   bool alloc_success)
{
	struct zone_compact *zc = ZC(z);

	if (alloc_success) {
		zc->compact_considered = 0;
		zc->compact_defer_shift = 0;
	}
	if (order >= zc->compact_order_failed)
		zc->compact_order_failed = order + 1;
}

int mmc_set_compact_defer(struct mmc *m, int nid, int zone_type,
			  unsigned considered, unsigned shift,
			  int order_failed)
{
	if (!m->compact || nid < 0 || (uint32_t)nid >= m->nr_nodes ||
	    zone_type < 0 || zone_type >= MMC_NR_ZONE_TYPES)
		return -1;
	struct mmc_zone *z = &m->nodes[nid].zones[zone_type];

	if (!z->compact)
		return -1;
	struct zone_compact *zc = ZC(z);

	if (shift > COMPACT_MAX_DEFER_SHIFT)
		shift = COMPACT_MAX_DEFER_SHIFT;
	if (considered > 1u << shift)
		considered = 1u << shift;
	if (order_failed < 0)
		order_failed = 0;
	if (order_failed > NR_PAGE_ORDERS)
		order_failed = NR_PAGE_ORDERS;
	zc->compact_considered = considered;
	zc->compact_defer_shift = shift;
	zc->compact_order_failed = order_failed;
	return 0;
}

int mmc_set_kcompactd_wait(struct mmc *m, int nid, uint64_t until_ns)
{
	if (!m->compact || nid < 0 || (uint32_t)nid >= m->nr_nodes)
		return -1;
	struct compact_global *g = m->compact;
	struct kcompactd *kc = &g->node[nid];

	if (kc->started)
		return -1;
	kc->started = true;
	kc->timeout_at = until_ns;
	return 0;
}

/* compaction_restarting(): after the longest deferral, start over. */
static bool compaction_restarting(const struct mmc_zone *z, int order)
{
	const struct zone_compact *zc = ZC(z);

	if (order < zc->compact_order_failed)
		return false;
	return zc->compact_defer_shift == COMPACT_MAX_DEFER_SHIFT &&
	       zc->compact_considered >= 1u << zc->compact_defer_shift;
}

/* ---- skip hints ---------------------------------------------------------- */

/* __reset_isolation_pfn(): clear the block's skip hint if a sample of
 * its pages (every 1 << PAGE_ALLOC_COSTLY_ORDER) finds an LRU page (for
 * the migrate scanner) or a free page (for the free scanner). */
static bool reset_isolation_pfn(struct mmc_zone *z, uint64_t pfn,
				bool check_source, bool check_target)
{
	uint64_t start, end;

	if (pfn < z->start_pfn || pfn >= zone_end_pfn(z) ||
	    pageblock_skip_persistent(z, pfn))
		return false;
	if (check_source && check_target && !get_pageblock_skip(z, pfn))
		return true;
	if (!check_source && check_target &&
	    get_pageblock_migratetype(z, pfn_to_idx(z, pfn)) != MIGRATE_MOVABLE)
		return false;
	block_bounds(z, pfn, &start, &end);
	for (uint64_t p = start; p < end; p += 1u << PAGE_ALLOC_COSTLY_ORDER) {
		pgstate_t s = z->page[pfn_to_idx(z, p)];

		if ((check_source && (s & PG_LRU)) ||
		    (check_target && PageBuddy(s))) {
			pb_set(ZC(z)->skip, pb_index(z, p), false);
			return true;
		}
	}
	return false;
}

/* __reset_isolation_suitable(): only after a whole direct pass
 * (compact_blockskip_flush); the scanners restart at the lowest source
 * and the highest target block found. */
static void __reset_isolation_suitable(struct mmc_zone *z)
{
	struct zone_compact *zc = ZC(z);
	uint64_t migrate_pfn = z->start_pfn, free_pfn = zone_end_pfn(z) - 1;
	uint64_t reset_migrate = free_pfn, reset_free = migrate_pfn;
	bool source_set = false, free_set = false;

	if (!zc->compact_blockskip_flush)
		return;
	zc->compact_blockskip_flush = false;
	for (; migrate_pfn < free_pfn; migrate_pfn += pageblock_nr_pages,
	     free_pfn -= free_pfn >= pageblock_nr_pages ? pageblock_nr_pages
							: free_pfn) {
		if (reset_isolation_pfn(z, migrate_pfn, true, source_set) &&
		    migrate_pfn < reset_migrate) {
			source_set = true;
			reset_migrate = migrate_pfn;
			zc->compact_init_migrate_pfn = reset_migrate;
			zc->compact_cached_migrate_pfn[0] = reset_migrate;
			zc->compact_cached_migrate_pfn[1] = reset_migrate;
		}
		if (reset_isolation_pfn(z, free_pfn, free_set, true) &&
		    free_pfn > reset_free) {
			free_set = true;
			reset_free = free_pfn;
			zc->compact_init_free_pfn = reset_free;
			zc->compact_cached_free_pfn = reset_free;
		}
	}
	/* leave no distance if no suitable block was reset */
	if (reset_migrate >= reset_free) {
		zc->compact_cached_migrate_pfn[0] = migrate_pfn;
		zc->compact_cached_migrate_pfn[1] = migrate_pfn;
		zc->compact_cached_free_pfn = free_pfn;
	}
}

void reset_isolation_suitable(struct mmc *m, int nid)
{
	for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
		struct mmc_zone *z = &m->nodes[nid].zones[t];

		if (populated_zone(z))
			__reset_isolation_suitable(z);
	}
}

/* update_cached_migrate(): where async and sync runs restart. */
static void update_cached_migrate(struct compact_control *cc, uint64_t pfn)
{
	struct zone_compact *zc = ZC(cc->zone);

	if (cc->no_set_skip_hint)
		return;
	pfn = pageblock_end_pfn(pfn);
	if (pfn > zc->compact_cached_migrate_pfn[0])
		zc->compact_cached_migrate_pfn[0] = pfn;
	if (cc->mode != MIGRATE_ASYNC && pfn > zc->compact_cached_migrate_pfn[1])
		zc->compact_cached_migrate_pfn[1] = pfn;
}

/* update_pageblock_skip() of the free scanner: skip the block and move
 * the free scanner's restart point below it. */
static void update_pageblock_skip(struct compact_control *cc, uint64_t block,
				  uint64_t pfn)
{
	struct zone_compact *zc = ZC(cc->zone);

	if (cc->no_set_skip_hint)
		return;
	set_pageblock_skip(cc->zone, block);
	if (pfn < zc->compact_cached_free_pfn)
		zc->compact_cached_free_pfn = pfn;
}

/* ---- suitability --------------------------------------------------------- */

/* __compaction_suitable(): free pages above the order-0 mark plus
 * compact_gap(), room for the migration targets; for a costly order the
 * mark is raised by the low - min gap as well (6.15+; before, the low
 * mark replaced the min one), so that under a large
 * watermark_scale_factor a zone between its min and low marks is not
 * compacted for THP or a large folio. */
static bool __compaction_suitable(struct mmc_zone *z, unsigned order,
				  int highest_zoneidx, uint64_t watermark,
				  int64_t free_pages)
{
	watermark += compact_gap(order);
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		watermark += low_wmark_pages(z) - min_wmark_pages(z);
	return __zone_watermark_ok(z, 0, watermark, highest_zoneidx,
				   ALLOC_CMA, free_pages);
}

/* compaction_suitable(): and, for costly orders, only when a failure
 * would be due to fragmentation: fragmentation index above
 * extfrag_threshold (an index < 0 means a suitable block exists). */
bool compaction_suitable(struct mmc *m, struct mmc_zone *z, unsigned order,
			 uint64_t watermark, int highest_zoneidx)
{
	return compaction_suitable_free(m, z, order, watermark, highest_zoneidx,
					zone_page_state_free(z));
}

bool compaction_suitable_free(struct mmc *m, struct mmc_zone *z,
			      unsigned order, uint64_t watermark,
			      int highest_zoneidx, uint64_t free_pages)
{
	if (!__compaction_suitable(z, order, highest_zoneidx, watermark,
				   (int64_t)free_pages))
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = free_pages > zone_page_state_free(z) ?
				zone_fragmentation_index_inflight(z, order) :
				zone_fragmentation_index(z, order);
		if (fragindex >= 0 && fragindex <= m->policy.extfrag_threshold)
			return false;
	}
	return true;
}

/* compaction_suit_allocation_order(): SUCCESS when the allocation would
 * succeed already (for kcompactd under vm.defrag_mode: counting only free
 * whole pageblocks, NR_FREE_PAGES_BLOCKS), SKIPPED when compaction cannot
 * help, else CONTINUE. */
static enum compact_result compaction_suit_allocation_order(
	struct mmc *m, struct mmc_zone *z, unsigned order,
	int highest_zoneidx, unsigned alloc_flags, bool kcompactd)
{
	uint64_t watermark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);
	uint64_t free = kcompactd && m->policy.defrag_mode ?
			zone_free_pages_blocks(z) : zone_page_state_free(z);

	if (__zone_watermark_ok(z, order, watermark, highest_zoneidx,
				alloc_flags, (int64_t)free))
		return COMPACT_SUCCESS;
	if (!compaction_suitable(m, z, order, watermark, highest_zoneidx))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

bool compaction_zonelist_suitable(struct mmc *m, int preferred_nid,
				  unsigned order, int highest_zoneidx)
{
	const struct mmc_node *pn = &m->nodes[preferred_nid];

	for (uint32_t i = 0; i < pn->nr_zonelist; i++) {
		struct mmc_zone *z = pn->zonelist[i];

		if ((int)z->type > highest_zoneidx || !z->managed)
			continue;
		/* zone_reclaimable_pages() / order (the node's here) */
		uint64_t avail = node_reclaimable_pages(m, z->node) / order +
				 zone_page_state_free(z);

		if (__compaction_suitable(z, order, highest_zoneidx,
					  min_wmark_pages(z), (int64_t)avail))
			return true;
	}
	return false;
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

/* ---- the migrate scanner -------------------------------------------------- */

static bool compact_scanners_met(const struct compact_control *cc)
{
	return (cc->free_pfn >> pageblock_order) <=
	       (cc->migrate_pfn >> pageblock_order);
}

/* The compound order of the page at pfn for stepping over it: an LRU
 * folio's, else 0 (the model knows other compound pages only by their
 * pageblock, see pageblock_skip_persistent). */
static unsigned compound_order_at(const struct mmc_zone *z, uint32_t idx,
				  uint32_t *head)
{
	*head = idx;
	if (!(z->page[idx] & PG_LRU))
		return 0;
	*head = lru_folio_head(z, idx);
	return lru_folio_order(z, *head);
}

/* Whether the 2^order pages from a folio's head are aligned to it and all
 * allocated: what migrate_page_range() needs.  A head that fails it is a
 * broken model state (a PG_HEAD left on a page the folio's tail bits do
 * not describe); found on make validate's wsf-200-1 trace. */
static bool folio_pages_allocated(const struct mmc_zone *z, uint32_t head,
				  unsigned order)
{
	if (head & ((1u << order) - 1) || head + (1u << order) > z->nr_idx)
		return false;
	for (uint32_t i = 0; i < (1u << order); i++) {
		pgstate_t s = z->page[head + i];

		if (!page_allocated(s) || page_class(s) == PC_ISOLATED)
			return false;
	}
	return true;
}

/* skip_isolation_on_order(): folios at least as large as the target (or
 * pageblock sized) are not worth moving. */
static bool skip_isolation_on_order(unsigned order, int target_order)
{
	if (!is_via_compact_memory(target_order) && (int)order >= target_order)
		return true;
	return order >= pageblock_order;
}

static void putback_movable_pages(struct compact_control *cc)
{
	cc->nr_migrate_folios = 0;
	cc->nr_migratepages = 0;
}

/* isolate_migratepages_block(): collect movable folios of [low_pfn,
 * end_pfn).  Async direct compaction gives up on a cc->order aligned
 * block at its first page that cannot be isolated (the block cannot
 * become free anyway); the block gets its skip hint when nothing was
 * isolated from it (or it is being finished). */
static void isolate_migratepages_block(struct mmc *m,
				       struct compact_control *cc,
				       uint64_t low_pfn, uint64_t end_pfn)
{
	struct mmc_zone *z = cc->zone;
	uint64_t nr_scanned = 0, nr_isolated = 0, next_skip_pfn = 0;
	bool skip_on_failure = false, valid_page = false;
	uint64_t start = low_pfn;

	cc->migrate_pfn = low_pfn;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC &&
	    cc->order > 0) {
		skip_on_failure = true;
		next_skip_pfn = block_end_pfn(low_pfn, cc->order);
	}
	for (; low_pfn < end_pfn; low_pfn++) {
		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			/* a whole order-aligned block isolated: migrate it */
			if (nr_isolated)
				break;
			next_skip_pfn = block_end_pfn(low_pfn, cc->order);
		}
		uint32_t idx = pfn_to_idx(z, low_pfn);
		pgstate_t s = z->page[idx];

		if (page_class(s) == MMC_PC_HOLE)
			continue;
		nr_scanned++;
		if (!valid_page && (pageblock_aligned(low_pfn) ||
				    low_pfn == z->start_pfn)) {
			if (!isolation_suitable(cc, low_pfn)) {
				low_pfn = end_pfn;
				goto isolate_abort;
			}
			valid_page = true;
		}
		if (PageBuddy(s)) {
			unsigned fo = free_order(s);

			low_pfn += (1ull << fo) - 1;
			nr_scanned += (1ull << fo) - 1;
			continue;
		}
		/* Inside a free block whose head lies behind the scanner: the
		 * folios this pass migrated, merged with their free
		 * neighbours.  The model frees a migrated folio straight to
		 * the buddy (migrate_page_range()); the kernel's go to the
		 * pcp lists until check_drain, so the page after the last one
		 * isolated is still a free page of its own, skipped.  Taken
		 * for a failure, async compaction gave up the rest of the
		 * order-9 block and fast_find_migrateblock sent the scanner
		 * back to its start: 8 rounds, 2,317 pages scanned a block
		 * where the kernel's compact_scan events show 512. */
		if (page_class(s) == MMC_PC_FREE) {
			uint32_t head = find_buddy_head(z, idx);

			if (head != NO_IDX) {
				uint64_t end = idx_to_pfn(z, head) +
					       (1ull << free_order(z->page[head]));

				nr_scanned += end - low_pfn - 1;
				low_pfn = end - 1;
				continue;
			}
		}
		/* pcp pages are neither buddy nor LRU; kernel and slab
		 * pages are not movable */
		if (!(s & PG_LRU))
			goto isolate_fail;
		uint32_t head;
		unsigned order = compound_order_at(z, idx, &head);

		if (head != idx) {	/* a tail: go to the folio's end */
			uint64_t end = idx_to_pfn(z, head) + (1ull << order);

			nr_scanned += end - low_pfn - 1;
			low_pfn = end - 1;
			goto isolate_fail;
		}
		if (order && skip_isolation_on_order(order, cc->order)) {
			low_pfn += (1ull << order) - 1;
			nr_scanned += (1ull << order) - 1;
			goto isolate_fail;
		}
		/* a head the folio's pages do not follow (misaligned, or a
		 * page of it free) cannot migrate: isolating it every time
		 * kept the block from its skip hint, and kcompactd from ever
		 * finishing (the model's state is wrong there, see
		 * folio_pages_allocated) */
		if (order && !folio_pages_allocated(z, idx, order))
			goto isolate_fail;
		/* only anonymous folios in a GFP_NOFS context: migrating a
		 * file folio may take fs locks (readahead allocates under
		 * memalloc_nofs_save()) */
		if (!(cc->gfp_mask & MMC___GFP_FS) &&
		    page_class(s) == MMC_PC_FILE)
			goto isolate_fail;
		cc->migratepages[cc->nr_migrate_folios] = low_pfn;
		cc->migrate_order[cc->nr_migrate_folios] = order;
		cc->nr_migrate_folios++;
		cc->nr_migratepages += 1ull << order;
		nr_isolated += 1ull << order;
		nr_scanned += (1ull << order) - 1;
		low_pfn += (1ull << order) - 1;
		if ((cc->nr_migratepages >= COMPACT_CLUSTER_MAX &&
		     !cc->finish_pageblock) ||
		    cc->nr_migrate_folios == COMPACT_CLUSTER_MAX) {
			++low_pfn;
			break;
		}
		continue;
isolate_fail:
		if (!skip_on_failure)
			continue;
		/* cannot form the cc->order block: put back what we have */
		if (nr_isolated) {
			putback_movable_pages(cc);
			nr_isolated = 0;
		}
		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			next_skip_pfn += 1ull << cc->order;
		}
	}
	if (low_pfn > end_pfn)
		low_pfn = end_pfn;
isolate_abort:
	if (low_pfn == end_pfn && (!nr_isolated || cc->finish_pageblock)) {
		if (!cc->no_set_skip_hint && valid_page)
			set_pageblock_skip(z, start);
		update_cached_migrate(cc, low_pfn);
	}
	cc->total_migrate_scanned += nr_scanned;
	count_vm_events(m, MMC_COMPACT_ISOLATED, nr_isolated);
	cc->migrate_pfn = low_pfn;
}

/* suitable_migration_source(): async direct compaction only takes
 * pageblocks of the requested kind; no one takes persistent blocks. */
static bool suitable_migration_source(const struct compact_control *cc,
				      uint64_t block_pfn)
{
	if (pageblock_skip_persistent(cc->zone, block_pfn))
		return false;
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	int mt = get_pageblock_migratetype(cc->zone,
					   pfn_to_idx(cc->zone, block_pfn));
	if (cc->migratetype == MIGRATE_MOVABLE)
		return mt == MIGRATE_MOVABLE;
	return mt == cc->migratetype;
}

/* freelist_scan_limit(): how many free list entries a fast search may
 * look at; halves with each failed search. */
static unsigned freelist_scan_limit(const struct compact_control *cc)
{
	unsigned shift = cc->fast_search_fail < 31 ? cc->fast_search_fail : 31;

	return (COMPACT_CLUSTER_MAX >> shift) + 1;
}

static void update_fast_start_pfn(struct compact_control *cc, uint64_t pfn)
{
	if (cc->fast_start_pfn == FAST_START_DONE)
		return;
	if (!cc->fast_start_pfn || pfn < cc->fast_start_pfn)
		cc->fast_start_pfn = pfn;
}

static uint64_t reinit_migrate_pfn(struct compact_control *cc)
{
	if (!cc->fast_start_pfn || cc->fast_start_pfn == FAST_START_DONE)
		return cc->migrate_pfn;
	cc->migrate_pfn = cc->fast_start_pfn;
	cc->fast_start_pfn = FAST_START_DONE;
	return cc->migrate_pfn;
}

/* fast_find_migrateblock(): for a costly movable request (or kcompactd),
 * jump the migrate scanner to a pageblock low in the zone that already
 * has free pages of orders cc->order - 1 .. PAGE_ALLOC_COSTLY_ORDER (few
 * pages to move to free it).  The walk of each list goes in address order
 * (the model's list order) from where the last search of that list left
 * it, wrapping: the kernel moves the entry it takes, and the one where it
 * hit its limit, to the list's tail, so a block found once is not found
 * again and again while other candidates wait (a block whose folios fail
 * to migrate gets no skip hint, and was chosen without end). */
static uint64_t fast_find_migrateblock(struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;
	unsigned limit = freelist_scan_limit(cc), nr_scanned = 0;
	uint64_t pfn = cc->migrate_pfn, distance, high_pfn;
	bool found = false;

	if (cc->ignore_skip_hint || cc->finish_pageblock)
		return pfn;
	if (pfn != z->start_pfn && pfn != pageblock_start_pfn(pfn))
		return pfn;
	if (cc->order <= PAGE_ALLOC_COSTLY_ORDER)
		return pfn;
	if (cc->direct_compaction && cc->migratetype != MIGRATE_MOVABLE)
		return pfn;
	distance = (cc->free_pfn - cc->migrate_pfn) >> 1;
	if (cc->migrate_pfn != z->start_pfn)
		distance >>= 2;
	high_pfn = pageblock_start_pfn(cc->migrate_pfn + distance);

	for (int order = cc->order - 1; order >= PAGE_ALLOC_COSTLY_ORDER &&
	     !found && nr_scanned < limit; order--) {
		const struct free_list *fl =
			&z->free_area[order].free_list[MIGRATE_MOVABLE];
		uint32_t *from = &ZC(z)->fast_migrate_from[order];
		uint32_t first = free_list_next(fl, (unsigned)order, *from);
		uint32_t idx;

		if (first == NO_IDX)
			first = free_list_next(fl, (unsigned)order, 0);
		idx = first;
		while (idx != NO_IDX) {
			uint64_t free_pfn = idx_to_pfn(z, idx);

			if (nr_scanned++ >= limit) {
				*from = idx + (1u << order);
				break;
			}
			if (free_pfn < high_pfn && !get_pageblock_skip(z, free_pfn)) {
				*from = idx + (1u << order);
				update_fast_start_pfn(cc, free_pfn);
				pfn = pageblock_start_pfn(free_pfn);
				if (pfn < z->start_pfn)
					pfn = z->start_pfn;
				cc->fast_search_fail = 0;
				found = true;
				break;
			}
			idx = free_list_next(fl, (unsigned)order,
					     idx + (1u << order));
			if (idx == NO_IDX && first)
				idx = free_list_next(fl, (unsigned)order, 0);
			if (idx == first)
				break;
		}
	}
	cc->total_migrate_scanned += nr_scanned;
	if (!found) {
		cc->fast_search_fail++;
		pfn = reinit_migrate_pfn(cc);
	}
	return pfn;
}

/* isolate_migratepages(): from where the scanner is (or a block the fast
 * search found), the first pageblock below the free scanner that is
 * neither skipped nor unsuitable; isolate from it and stop.  Returns
 * whether folios were isolated. */
static bool isolate_migratepages(struct mmc *m, struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;
	uint64_t low_pfn = fast_find_migrateblock(cc);
	uint64_t block_start = pageblock_start_pfn(low_pfn);
	bool fast_find_block = low_pfn != cc->migrate_pfn &&
			       !cc->fast_search_fail;

	if (block_start < z->start_pfn)
		block_start = z->start_pfn;
	for (uint64_t block_end = pageblock_end_pfn(low_pfn);
	     block_end <= cc->free_pfn;
	     fast_find_block = false, cc->migrate_pfn = low_pfn = block_end,
	     block_start = block_end, block_end += pageblock_nr_pages) {
		if (page_class(z->page[pfn_to_idx(z, block_start)]) ==
		    MMC_PC_HOLE)
			continue;
		if ((pageblock_aligned(low_pfn) || low_pfn == z->start_pfn) &&
		    !fast_find_block && !isolation_suitable(cc, low_pfn))
			continue;
		if (!suitable_migration_source(cc, block_start)) {
			update_cached_migrate(cc, block_end);
			continue;
		}
		isolate_migratepages_block(m, cc, low_pfn, block_end);
		break;
	}
	return cc->nr_migrate_folios != 0;
}

/* ---- the free scanner ------------------------------------------------------ */

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
	if (cc->ignore_block_suitable)
		return true;
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

/* Take the buddy block at idx as a migration target (__isolate_free_page
 * keeps the zone above min + the block).  0 or -1. */
static int isolate_one_free(struct mmc *m, struct compact_control *cc,
			    uint32_t idx, unsigned order)
{
	uint64_t pfn = idx_to_pfn(cc->zone, idx);

	if (isolate_free_page(m, cc->zone, idx, order))
		return -1;
	if (freepages_push(cc, pfn, order)) {
		release_isolated_pages(m, pfn, order);
		return -1;
	}
	count_vm_events(m, MMC_COMPACT_ISOLATED, 1ull << order);
	return 0;
}

/* isolate_freepages_block(): from *start_pfn, every stride-th page, take
 * buddy blocks until there are as many free pages as pages to migrate;
 * compound pages (LRU folios, persistent blocks) are stepped over whole.
 * Stops early when the watermark refuses a block.  *start_pfn ends where
 * the scan stopped. */
static uint64_t isolate_freepages_block(struct mmc *m,
					struct compact_control *cc,
					uint64_t *start_pfn, uint64_t end_pfn,
					unsigned stride)
{
	struct mmc_zone *z = cc->zone;
	uint64_t blockpfn = *start_pfn, nr_scanned = 0, total = 0;

	if (pageblock_skip_persistent(z, blockpfn) &&
	    pageblock_aligned(blockpfn) &&
	    blockpfn + pageblock_nr_pages <= end_pfn) {
		/* a hugetlb page: one compound page, stepped over */
		cc->total_free_scanned += pageblock_nr_pages;
		*start_pfn = end_pfn;
		return 0;
	}
	for (; blockpfn < end_pfn; blockpfn += stride) {
		uint32_t idx = pfn_to_idx(z, blockpfn);
		pgstate_t s = z->page[idx];

		if (page_class(s) == MMC_PC_HOLE)
			continue;
		nr_scanned++;
		if ((s & (PG_LRU | PG_HEAD)) == (PG_LRU | PG_HEAD)) {
			uint64_t nr = 1ull << lru_folio_order(z, idx);

			if (blockpfn + nr <= end_pfn) {
				blockpfn += nr - 1;
				nr_scanned += nr - 1;
			}
			continue;
		}
		if (!PageBuddy(s))
			continue;
		unsigned order = free_order(s);

		if (isolate_one_free(m, cc, idx, order))
			break;
		nr_scanned += (1ull << order) - 1;
		total += 1ull << order;
		if (cc->nr_migratepages <= cc->nr_freepages) {
			blockpfn += 1ull << order;
			break;
		}
		blockpfn += (1ull << order) - 1;
	}
	if (blockpfn > end_pfn)
		blockpfn = end_pfn;
	*start_pfn = blockpfn;
	cc->total_free_scanned += nr_scanned;
	return total;
}

/* fast_isolate_around(): sync compaction takes the rest of the block a
 * fast search found a target in. */
static void fast_isolate_around(struct mmc *m, struct compact_control *cc,
				uint64_t pfn)
{
	struct mmc_zone *z = cc->zone;
	uint64_t start, end;

	if (cc->nr_freepages >= cc->nr_migratepages)
		return;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC)
		return;
	block_bounds(z, pfn, &start, &end);
	uint64_t block = start;

	isolate_freepages_block(m, cc, &start, end, 1);
	if (start == end && !cc->no_set_skip_hint)
		set_pageblock_skip(z, block);
}

/* next_search_order(): orders below cc->order, round robin from where
 * the last search succeeded; -1 when the round is done. */
static int next_search_order(struct compact_control *cc, int order)
{
	order--;
	if (order < 0)
		order = cc->order - 1;
	if (order == cc->search_order) {
		cc->search_order--;
		if (cc->search_order < 0)
			cc->search_order = cc->order - 1;
		return -1;
	}
	return order;
}

/* fast_isolate_freepages(): look in the movable free lists of orders
 * below cc->order for a block in the top quarter of the space between
 * the scanners (the top half will do), a few entries a search.  The
 * kernel reads its list from the tail and rotates what it read to the
 * head; the model has no list order to read, so each search goes on in
 * address order, round the list, from where the last one stopped.  Not
 * from the highest block down: that finds a target on every search while
 * any free page is left near the top of the zone, where the kernel's
 * search, reading blocks in the order they were freed, often finds none
 * and falls back to the linear scan (which then meets the migration
 * scanner: compact_fail). */
static void fast_isolate_freepages(struct mmc *m, struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;
	struct zone_compact *zc = ZC(z);
	unsigned limit = freelist_scan_limit(cc) >> 1, nr_scanned = 0;
	uint64_t low_pfn, min_pfn, distance, highest = 0, found = NO_PFN;
	bool scan_start = false;

	if (cc->order <= 0 || cc->free_pfn <= cc->migrate_pfn)
		return;
	if (!limit)
		limit = 1;
	if (cc->free_pfn >= zc->compact_init_free_pfn) {
		limit = pageblock_nr_pages >> 1;
		scan_start = true;
	}
	distance = cc->free_pfn - cc->migrate_pfn;
	low_pfn = pageblock_start_pfn(cc->free_pfn - (distance >> 2));
	min_pfn = pageblock_start_pfn(cc->free_pfn - (distance >> 1));
	if (min_pfn > low_pfn)
		low_pfn = min_pfn;
	if (cc->search_order > cc->order - 1)
		cc->search_order = cc->order - 1;

	for (int order = cc->search_order; found == NO_PFN && order >= 0;
	     order = next_search_order(cc, order)) {
		const struct free_list *fl =
			&z->free_area[order].free_list[MIGRATE_MOVABLE];
		unsigned order_scanned = 0;
		uint64_t high_pfn = 0;
		uint32_t *from = &zc->fast_free_from[order];
		uint32_t first = free_list_next(fl, (unsigned)order, *from);
		uint32_t idx;

		if (first == NO_IDX)
			first = free_list_next(fl, (unsigned)order, 0);
		for (idx = first; idx != NO_IDX;) {
			uint64_t pfn = idx_to_pfn(z, idx);

			*from = idx + (1u << order);

			order_scanned++;
			nr_scanned++;
			if (pfn >= highest) {
				highest = pageblock_start_pfn(pfn);
				if (highest < z->start_pfn)
					highest = z->start_pfn;
			}
			if (pfn >= low_pfn) {
				cc->fast_search_fail = 0;
				cc->search_order = order;
				found = pfn;
				break;
			}
			if (pfn >= min_pfn && pfn > high_pfn) {
				high_pfn = pfn;
				limit >>= 1;	/* shorten once a candidate is found */
			}
			if (order_scanned >= limit)
				break;
			idx = free_list_next(fl, (unsigned)order,
					     idx + (1u << order));
			if (idx == NO_IDX)
				idx = free_list_next(fl, (unsigned)order, 0);
			if (idx == first)
				break;
		}
		if (found == NO_PFN && high_pfn)
			found = high_pfn;
		if (found != NO_PFN) {
			if (isolate_one_free(m, cc, pfn_to_idx(z, found),
					     (unsigned)order) == 0) {
				nr_scanned += (1u << order) - 1;
			} else {
				/* isolation failed: abort the search */
				found = NO_PFN;
				break;
			}
		}
		if (cc->nr_freepages >= cc->nr_migratepages)
			break;
		if (order_scanned >= limit)
			limit = limit > 1 ? limit >> 1 : 1;
	}
	if (found == NO_PFN) {
		cc->fast_search_fail++;
		if (scan_start) {
			/* the highest pfn found above min, or (direct) the
			 * min mark: where the linear search starts */
			if (highest >= min_pfn) {
				found = highest;
				cc->free_pfn = highest;
			} else if (cc->direct_compaction) {
				if (suitable_migration_target(cc, min_pfn))
					found = min_pfn;
				cc->free_pfn = min_pfn;
			}
		}
	}
	if (highest && highest >= zc->compact_cached_free_pfn)
		zc->compact_cached_free_pfn = highest - pageblock_nr_pages;
	cc->total_free_scanned += nr_scanned;
	if (found != NO_PFN)
		fast_isolate_around(m, cc, found);
}

/* isolate_freepages(): after the fast search, walk pageblocks down from
 * the free scanner's position, above the migrate scanner's block; async
 * mode samples every stride-th page of a block, the stride doubling (up
 * to COMPACT_CLUSTER_MAX) while blocks give nothing. */
static void isolate_freepages(struct mmc *m, struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;
	uint64_t isolate_start, block_start, block_end, low_pfn;
	unsigned stride;

	fast_isolate_freepages(m, cc);
	if (cc->nr_freepages)
		return;
	isolate_start = cc->free_pfn;
	if (isolate_start >= zone_end_pfn(z))
		isolate_start = zone_end_pfn(z) - 1;
	block_start = pageblock_start_pfn(isolate_start);
	block_end = block_start + pageblock_nr_pages;
	if (block_end > zone_end_pfn(z))
		block_end = zone_end_pfn(z);
	low_pfn = pageblock_end_pfn(cc->migrate_pfn);
	stride = cc->mode == MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;

	for (; block_start >= low_pfn; block_end = block_start,
	     block_start -= pageblock_nr_pages, isolate_start = block_start) {
		uint64_t first = block_start < z->start_pfn ? z->start_pfn
							     : block_start;
		uint64_t nr_isolated;

		if (block_end <= z->start_pfn)
			break;

		if (page_class(z->page[pfn_to_idx(z, first)]) == MMC_PC_HOLE ||
		    !suitable_migration_target(cc, block_start) ||
		    !isolation_suitable(cc, first)) {
			if (block_start < pageblock_nr_pages)
				break;
			continue;
		}
		if (isolate_start < first)
			isolate_start = first;
		nr_isolated = isolate_freepages_block(m, cc, &isolate_start,
						      block_end, stride);
		/* the whole block was scanned: skip it next time */
		if (isolate_start == block_end)
			update_pageblock_skip(cc, first,
					      block_start - pageblock_nr_pages);
		if (cc->nr_freepages >= cc->nr_migratepages) {
			/* restart at the previous block if this one is done */
			if (isolate_start >= block_end)
				isolate_start = block_start - pageblock_nr_pages;
			break;
		} else if (isolate_start < block_end) {
			break;	/* isolation failed early */
		}
		stride = nr_isolated ? 1 :
			 stride * 2 < COMPACT_CLUSTER_MAX ? stride * 2
							  : COMPACT_CLUSTER_MAX;
		if (block_start < pageblock_nr_pages)
			break;
	}
	cc->free_pfn = isolate_start;
}

/* compaction_alloc(): a free target of the folio's order, split from an
 * isolated block (the upper halves stay isolated); isolate_freepages()
 * once when none is left. */
static bool compaction_alloc(struct mmc *m, struct compact_control *cc,
			     unsigned order, uint64_t *to)
{
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = cc->nr_freeblocks; i-- > 0;) {
			struct isolated_block b = cc->freepages[i];
			if (b.order < order)
				continue;
			cc->freepages[i] = cc->freepages[--cc->nr_freeblocks];
			cc->nr_freepages -= 1ull << b.order;
			cc->nr_migratepages -= 1ull << order;
			while (b.order > order) {
				b.order--;
				freepages_push(cc, b.pfn + (1ull << b.order),
					       b.order);
			}
			*to = b.pfn;
			return true;
		}
		if (!pass)
			isolate_freepages(m, cc);
	}
	return false;
}

/* release_free_list(): isolated targets left over go back to the buddy;
 * returns the highest pfn (0 when none). */
static uint64_t release_freepages(struct mmc *m, struct compact_control *cc)
{
	uint64_t high = 0;

	for (uint32_t i = 0; i < cc->nr_freeblocks; i++) {
		release_isolated_pages(m, cc->freepages[i].pfn,
				       cc->freepages[i].order);
		if (cc->freepages[i].pfn > high)
			high = cc->freepages[i].pfn;
	}
	cc->nr_freeblocks = 0;
	cc->nr_freepages = 0;
	return high;
}

/* Migrate one isolated folio (all its pages are to be moved) into the
 * target at `to`.  0, or -1 when it stays. */
static int migrate_one(struct mmc *m, struct compact_control *cc,
		       uint64_t from, uint64_t to, unsigned order)
{
	unsigned saved = lru_migrate_save(m, from);

	if (migrate_page_range(m, from, to, order)) {
		lru_migrate_restore(m, from, saved);
		release_isolated_pages(m, to, order);
		count_vm_events(m, MMC_PGMIGRATE_FAIL, 1ull << order);
		return -1;
	}
	lru_migrate_restore(m, to, saved);
	cc->nr_migrated += 1ull << order;
	count_vm_events(m, MMC_PGMIGRATE_SUCCESS, 1ull << order);
	m->nodes[cc->zone->node].vm.compact_migrated += 1ull << order;
	return 0;
}

/* A large folio with no target of its order: split it (try_split_folio)
 * and migrate its pages one by one, as migrate_pages_batch() does on
 * -ENOMEM for a compaction.  0, -1 when a page found no target (the
 * rest stay, failed), SPLIT_REFUSED when the folio cannot be split (a
 * dirty file folio, lru_split_folio()): it stays whole. */
#define SPLIT_REFUSED (-2)

static int migrate_split(struct mmc *m, struct compact_control *cc,
			 uint64_t from, unsigned order)
{
	uint64_t to;

	if (lru_split_folio(m, from))
		return SPLIT_REFUSED;
	for (uint64_t i = 0; i < (1ull << order); i++) {
		/* each piece asks for one page of the folio's share */
		cc->nr_migratepages += 1;
		if (!compaction_alloc(m, cc, 0, &to)) {
			count_vm_events(m, MMC_PGMIGRATE_FAIL, (1ull << order) - i);
			return -1;
		}
		migrate_one(m, cc, from + i, to, 0);
	}
	return 0;
}

/* migrate_pages(): move each isolated folio into a target (a large folio
 * with none of its order is split and moved page by page).  Returns the
 * folios not migrated, or -1 (the kernel's -ENOMEM) when targets ran out;
 * those stay where they are (putback_movable_pages) and count as
 * failed. */
static int migrate_pages(struct mmc *m, struct compact_control *cc)
{
	int rc = 0;

	for (uint32_t i = 0; i < cc->nr_migrate_folios; i++) {
		uint64_t from = cc->migratepages[i], to;
		unsigned order = cc->migrate_order[i];

		if (!compaction_alloc(m, cc, order, &to)) {
			int split = SPLIT_REFUSED;

			cc->nr_migratepages -= 1ull << order;
			if (order && cc->nr_freepages)
				split = migrate_split(m, cc, from, order);
			if (!split)
				continue;
			if (split == -1) {
				rc++;
				continue;
			}
			/* -ENOMEM and no split: migrate_pages_batch() gives
			 * up on the rest of the batch */
			for (uint32_t j = i + 1; j < cc->nr_migrate_folios; j++)
				count_vm_events(m, MMC_PGMIGRATE_FAIL,
						1ull << cc->migrate_order[j]);
			count_vm_events(m, MMC_PGMIGRATE_FAIL, 1ull << order);
			rc = -1;
			break;
		}
		if (migrate_one(m, cc, from, to, order))
			rc++;
	}
	putback_movable_pages(cc);
	return rc;
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

/* __compact_finished() (with compact_finished()'s NO_SUITABLE_PAGE ->
 * CONTINUE). */
static enum compact_result compact_finished(struct mmc *m,
					    struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;

	if (compact_scanners_met(cc)) {
		reset_cached_positions(z);
		/* kswapd clears the skip hints when it goes to sleep */
		if (cc->direct_compaction)
			ZC(z)->compact_blockskip_flush = true;
		return cc->whole_zone ? COMPACT_COMPLETE
				      : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction) {
		if (m->nodes[z->node].kswapd_awake)
			return COMPACT_PARTIAL_SKIPPED;
		if (fragmentation_score_zone(z) > fragmentation_score_wmark(m, true))
			return COMPACT_CONTINUE;
		return COMPACT_SUCCESS;
	}
	if (is_via_compact_memory(cc->order))
		return COMPACT_CONTINUE;
	/* always finish a pageblock (fewer fallbacks later) */
	if (!pageblock_aligned(cc->migrate_pfn))
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

/* compact_zone()'s start: a whole-zone run starts at the ends, others
 * where the last run of their mode stopped. */
static void compact_zone_start(struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;
	struct zone_compact *zc = ZC(z);
	bool sync = cc->mode != MIGRATE_ASYNC;
	uint64_t end = zone_end_pfn(z);

	cc->fast_start_pfn = 0;
	if (cc->whole_zone) {
		cc->migrate_pfn = z->start_pfn;
		cc->free_pfn = pageblock_start_pfn(end - 1);
		return;
	}
	cc->migrate_pfn = zc->compact_cached_migrate_pfn[sync];
	cc->free_pfn = zc->compact_cached_free_pfn;
	if (cc->free_pfn < z->start_pfn || cc->free_pfn >= end) {
		cc->free_pfn = pageblock_start_pfn(end - 1);
		zc->compact_cached_free_pfn = cc->free_pfn;
	}
	if (cc->migrate_pfn < z->start_pfn || cc->migrate_pfn >= end) {
		cc->migrate_pfn = z->start_pfn;
		zc->compact_cached_migrate_pfn[0] = cc->migrate_pfn;
		zc->compact_cached_migrate_pfn[1] = cc->migrate_pfn;
	}
	if (cc->migrate_pfn <= zc->compact_init_migrate_pfn)
		cc->whole_zone = true;
}

/* compact_zone()'s check_drain: once the migration scanner has left the
 * cc->order-aligned block it last migrated from, lru_add_drain_cpu_zone()
 * empties this cpu's pcp lists of the zone, so that the pages freed there
 * merge and compact_finished() sees the block.  The model frees migrated
 * folios straight to the buddy (migrate_page_range()), so what this
 * drains is the rest of the cpu's pcp pages: under reclaim thousands,
 * whose buddies are then free to merge. */
static void check_drain(struct mmc *m, struct compact_control *cc,
			uint64_t *last_migrated_pfn)
{
	if (cc->order <= 0 || !*last_migrated_pfn)
		return;
	uint64_t block = cc->migrate_pfn & ~((1ull << cc->order) - 1);

	if (*last_migrated_pfn < block) {
		drain_local_pages(m, cc->zone, cc->cpu);
		*last_migrated_pfn = 0;
	}
}

/* mm_compaction_end's status as the model's counters group it. */
static enum mmc_compact_end compact_end_class(enum compact_result ret)
{
	switch (ret) {
	case COMPACT_SUCCESS:
		return MMC_CE_SUCCESS;
	case COMPACT_COMPLETE:
		return MMC_CE_COMPLETE;
	case COMPACT_PARTIAL_SKIPPED:
		return MMC_CE_PARTIAL_SKIPPED;
	case COMPACT_CONTENDED:
		return MMC_CE_CONTENDED;
	default:
		return MMC_CE_OTHER;
	}
}

/* compact_zone(). */
static enum compact_result compact_zone(struct mmc *m,
					struct compact_control *cc)
{
	struct mmc_zone *z = cc->zone;
	struct zone_compact *zc = ZC(z);
	enum compact_result ret;
	uint64_t last_migrated_pfn = 0;
	bool update_cached;

	if (!is_via_compact_memory(cc->order)) {
		ret = compaction_suit_allocation_order(m, z, (unsigned)cc->order,
						       cc->highest_zoneidx,
						       cc->alloc_flags,
						       !cc->direct_compaction);
		if (ret != COMPACT_CONTINUE)
			return ret;
	}
	if (compaction_restarting(z, cc->order))
		__reset_isolation_suitable(z);
	compact_zone_start(cc);
	/* until a block with isolation candidates is found, keep the async
	 * and sync restart points together */
	update_cached = cc->mode == MIGRATE_ASYNC &&
			zc->compact_cached_migrate_pfn[0] ==
			zc->compact_cached_migrate_pfn[1];
	count_vm_event(m, MMC_TP_COMPACTION_BEGIN);

	while ((ret = compact_finished(m, cc)) == COMPACT_CONTINUE) {
		uint64_t iteration_start = cc->migrate_pfn;

		/* rescanning the block migrated from last time: finish it
		 * (and mark it skipped) rather than loop on it */
		cc->finish_pageblock = last_migrated_pfn &&
				       pageblock_start_pfn(last_migrated_pfn) ==
				       pageblock_start_pfn(iteration_start);
rescan:
		if (!isolate_migratepages(m, cc)) {
			if (update_cached)
				zc->compact_cached_migrate_pfn[1] =
					zc->compact_cached_migrate_pfn[0];
			/* nothing isolated, but the block migrated from
			 * last time may still wait for its drain */
			check_drain(m, cc, &last_migrated_pfn);
			continue;
		}
		update_cached = false;
		last_migrated_pfn = pageblock_start_pfn(cc->migrate_pfn - 1);
		if (last_migrated_pfn < z->start_pfn)
			last_migrated_pfn = z->start_pfn;
		int err = migrate_pages(m, cc);

		if (err < 0 && !compact_scanners_met(cc)) {
			ret = COMPACT_CONTENDED;	/* out of targets */
			break;
		}
		/* a failure within a pageblock: scan the rest of it now, so
		 * that it gets its skip hint rather than being picked again
		 * and again by fast_find_migrateblock */
		if (err && !pageblock_aligned(cc->migrate_pfn) &&
		    !cc->ignore_skip_hint && !cc->finish_pageblock &&
		    cc->mode < MIGRATE_SYNC) {
			cc->finish_pageblock = true;
			if (cc->order == COMPACTION_HPAGE_ORDER)
				last_migrated_pfn = 0;
			goto rescan;
		}
		/* a block of the order freed by now went to the caller */
		if (m->capc && m->capc->idx != NO_IDX) {
			ret = COMPACT_SUCCESS;
			break;
		}
		check_drain(m, cc, &last_migrated_pfn);
	}
	if (cc->nr_freepages) {
		uint64_t free_pfn = pageblock_start_pfn(release_freepages(m, cc));

		/* only go back, not forward */
		if (free_pfn > zc->compact_cached_free_pfn)
			zc->compact_cached_free_pfn = free_pfn;
	}
	free(cc->freepages);
	cc->freepages = NULL;
	cc->cap_freeblocks = 0;
	count_vm_events(m, MMC_COMPACT_MIGRATE_SCANNED, cc->total_migrate_scanned);
	count_vm_events(m, MMC_COMPACT_FREE_SCANNED, cc->total_free_scanned);
	m->vm.compaction_ends[compact_end_class(ret)]++;
	return ret;
}

/* compact_zone_order(): highest priority (SYNC_FULL) ignores the skip
 * hints and block suitability and scans the whole zone; only ASYNC
 * migrates asynchronously. */
static enum compact_result compact_zone_order(struct mmc *m,
					      struct mmc_zone *z,
					      unsigned order, uint64_t gfp,
					      enum compact_priority prio,
					      unsigned alloc_flags,
					      int highest_zoneidx, int cpu,
					      uint64_t *capture,
					      struct mmc_result *res)
{
	struct compact_control cc = {
		.zone = z,
		.cpu = cpu,
		.order = (int)order,
		.search_order = (int)order,
		.migratetype = gfp_migratetype(gfp),
		.highest_zoneidx = highest_zoneidx,
		.alloc_flags = alloc_flags,
		.gfp_mask = gfp,
		.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC
						   : MIGRATE_SYNC_LIGHT,
		.direct_compaction = true,
		.whole_zone = prio == MIN_COMPACT_PRIORITY,
		.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY,
		.ignore_block_suitable = prio == MIN_COMPACT_PRIORITY,
	};
	struct capture_control capc = {
		.zone = z,
		.order = order,
		.migratetype = cc.migratetype,
		.idx = NO_IDX,
	};

	m->capc = capture ? &capc : NULL;
	enum compact_result ret = compact_zone(m, &cc);

	m->capc = NULL;
	if (capc.idx != NO_IDX) {
		*capture = idx_to_pfn(z, capc.idx);
		ret = COMPACT_SUCCESS;
	}
	if (res) {
		res->compact_scanned += (uint32_t)(cc.total_migrate_scanned +
						   cc.total_free_scanned);
		res->compact_migrated += (uint32_t)cc.nr_migrated;
	}
	return ret;
}

/* try_to_compact_pages(): direct compaction over the zonelist; stops at
 * the first zone where compaction succeeded.  compact_stall / success /
 * fail are counted by page_alloc.c (__alloc_pages_direct_compact). */
enum compact_result try_to_compact_pages(struct mmc *m, uint64_t gfp,
					 unsigned order,
					 unsigned alloc_flags,
					 int preferred_nid,
					 int highest_zoneidx,
					 enum compact_priority prio, int cpu,
					 uint64_t *capture,
					 struct mmc_result *res)
{
	enum compact_result rc = COMPACT_SKIPPED;

	if (capture)
		*capture = NO_PFN;

	if (!(gfp & MMC___GFP_IO) || !order)	/* gfp_compaction_allowed */
		return COMPACT_SKIPPED;
	count_vm_event(m, MMC_TP_TRY_TO_COMPACT_PAGES);
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
					    highest_zoneidx, cpu, capture, res);
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

/* The allocation after compaction succeeded in zone z: the skip hints
 * stay (compact_blockskip_flush off) and deferral resets. */
void compaction_alloc_success(struct mmc_zone *z, unsigned order)
{
	ZC(z)->compact_blockskip_flush = false;
	compaction_defer_reset(z, (int)order, true);
}

/* ---- kcompactd ------------------------------------------------------------ */

/* kcompactd_node_suitable(): some eligible zone where compaction would
 * run for the pending order. */
static bool kcompactd_node_suitable(struct mmc *m, int nid,
				    const struct kcompactd *kc)
{
	for (int t = 0; t <= kc->highest_zoneidx && t < MMC_NR_ZONE_TYPES; t++) {
		struct mmc_zone *z = &m->nodes[nid].zones[t];

		if (!populated_zone(z) || !z->managed)
			continue;
		if (compaction_suit_allocation_order(m, z,
						     (unsigned)kc->max_order,
						     kc->highest_zoneidx,
						     ALLOC_WMARK_MIN, true) ==
		    COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/* wakeup_kcompactd(): record the order (the largest asked for) and the
 * zone index (the smallest asked for); wake kcompactd if compaction would
 * run there, else the work waits for kcompactd's next timeout. */
void wakeup_kcompactd(struct mmc *m, int nid, int order, int highest_zoneidx)
{
	struct compact_global *g = m->compact;

	if (!g || order <= 0 || nid < 0 || (uint32_t)nid >= m->nr_nodes)
		return;
	struct kcompactd *kc = &g->node[nid];
	if (kc->max_order < order)
		kc->max_order = order;
	if (kc->highest_zoneidx > highest_zoneidx)
		kc->highest_zoneidx = highest_zoneidx;
	if (kcompactd_node_suitable(m, nid, kc))
		kc->woken = true;
}

/* kcompactd_do_work(): compact each eligible zone for the pending order,
 * sync-light, GFP_KERNEL (an unmovable target: any claimable block
 * finishes it), deferring zones where it fails. */
static void kcompactd_do_work(struct mmc *m, int nid, struct kcompactd *kc)
{
	int order = kc->max_order;
	int highest = kc->highest_zoneidx;

	count_vm_event(m, MMC_COMPACT_DAEMON_WAKE);
	for (int t = 0; t <= highest && t < MMC_NR_ZONE_TYPES; t++) {
		struct mmc_zone *z = &m->nodes[nid].zones[t];
		if (!populated_zone(z) || !z->managed)
			continue;
		if (compaction_deferred(z, order))
			continue;
		if (compaction_suit_allocation_order(m, z, (unsigned)order, t,
						     ALLOC_WMARK_MIN, true) !=
		    COMPACT_CONTINUE)
			continue;
		struct compact_control cc = {
			.zone = z,
			.order = order,
			.search_order = order,
			.migratetype = gfp_migratetype(MMC_GFP_KERNEL),
			.highest_zoneidx = highest,
			.alloc_flags = ALLOC_WMARK_MIN,
			.gfp_mask = MMC_GFP_KERNEL,
			.mode = MIGRATE_SYNC_LIGHT,
			.cpu = node_first_cpu(m, nid),
		};
		enum compact_result status = compact_zone(m, &cc);
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(z, order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED ||
			   status == COMPACT_COMPLETE) {
			/* pcp pages may keep buddies from merging */
			drain_all_pages(m, z);
			defer_compaction(z, order);
		}
		count_vm_events(m, MMC_COMPACT_DAEMON_MIGRATE_SCANNED,
				cc.total_migrate_scanned);
		count_vm_events(m, MMC_COMPACT_DAEMON_FREE_SCANNED,
				cc.total_free_scanned);
	}
	if (kc->max_order <= order)
		kc->max_order = 0;
	if (kc->highest_zoneidx >= highest)
		kc->highest_zoneidx = MMC_NR_ZONE_TYPES - 1;
}

/* ---- proactive compaction -------------------------------------------------- */

static bool should_proactive_compact_node(struct mmc *m, int nid)
{
	if (!m->policy.compaction_proactiveness || m->nodes[nid].kswapd_awake)
		return false;
	return fragmentation_score_node(m, nid) >
	       fragmentation_score_wmark(m, false);
}

/* compact_node(pgdat, proactive): every populated zone, whole, sync-light,
 * ignoring the skip hints, until its score is at or below the low mark
 * (checked in compact_finished). */
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
			.search_order = -1,
			.migratetype = MIGRATE_MOVABLE,
			.highest_zoneidx = MMC_NR_ZONE_TYPES - 1,
			.gfp_mask = MMC_GFP_KERNEL,
			.mode = MIGRATE_SYNC_LIGHT,
			.proactive_compaction = true,
			.whole_zone = true,
			.ignore_skip_hint = true,
			.cpu = node_first_cpu(m, nid),
		};
		compact_zone(m, &cc);
		count_vm_events(m, MMC_COMPACT_DAEMON_MIGRATE_SCANNED,
				cc.total_migrate_scanned);
		count_vm_events(m, MMC_COMPACT_DAEMON_FREE_SCANNED,
				cc.total_free_scanned);
	}
	m->vm.proactive_compactions++;
}

/* kcompactd(): a wait of 500 ms (HPAGE_FRAG_CHECK_INTERVAL_MSEC) that a
 * wakeup_kcompactd() ends early; at its end pending work runs
 * (kcompactd_work_requested), else proactive compaction when the node's
 * score is above the high mark; a proactive run that does not lower
 * the score makes the next wait 1 << COMPACT_MAX_DEFER_SHIFT times
 * longer.  kcompactd's own time is not modelled: its work happens at the
 * tick that ends its wait.  The wait the clock starts in lasts 500 ms
 * unless mmc_set_kcompactd_wait() said how long. */
void compaction_tick(struct mmc *m, uint64_t now_ns)
{
	struct compact_global *g = m->compact;

	if (!g)
		return;
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++) {
		struct kcompactd *kc = &g->node[nid];

		if (!kc->started) {
			kc->started = true;
			kc->timeout_at = now_ns + HPAGE_FRAG_CHECK_INTERVAL_NS;
		}
		if (kc->woken || (now_ns >= kc->timeout_at && kc->max_order)) {
			kc->woken = false;
			kcompactd_do_work(m, (int)nid, kc);
			kc->timeout_at = now_ns + HPAGE_FRAG_CHECK_INTERVAL_NS;
			continue;
		}
		if (now_ns < kc->timeout_at)
			continue;
		kc->timeout_at = now_ns + HPAGE_FRAG_CHECK_INTERVAL_NS;
		if (!should_proactive_compact_node(m, (int)nid))
			continue;
		unsigned prev = fragmentation_score_node(m, (int)nid);
		proactive_compact_node(m, (int)nid);
		if (fragmentation_score_node(m, (int)nid) >= prev)
			kc->timeout_at = now_ns + MMC_KCOMPACTD_BACKOFF_NS;
	}
}
