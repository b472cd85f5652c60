/* SPDX-License-Identifier: MIT */
/*
 * Metrics on demand: zone statistics, vmstat counters, the unusable free
 * space index and the fragmentation index (mm/vmstat.c
 * fill_contig_page_info(), unusable_free_index(), __fragmentation_index()),
 * the free map in pfn order, and the model's memory use.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "internal.h"

struct contig_page_info {
	uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};

static void fill_contig_page_info(const uint64_t nr_free[MMC_NR_ORDERS],
				  unsigned order, struct contig_page_info *info)
{
	memset(info, 0, sizeof(*info));
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		uint64_t blocks = nr_free[o];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= order)
			info->free_blocks_suitable += blocks << (o - order);
	}
}

int mmc_unusable_index(const uint64_t free_count[MMC_NR_ORDERS], unsigned order)
{
	struct contig_page_info info;

	if (order > MAX_PAGE_ORDER)
		return -1;
	fill_contig_page_info(free_count, order, &info);
	if (!info.free_pages)
		return 1000;
	return (int)((info.free_pages - (info.free_blocks_suitable << order)) *
		     1000 / info.free_pages);
}

int mmc_fragmentation_index(const uint64_t free_count[MMC_NR_ORDERS],
			    unsigned order)
{
	struct contig_page_info info;

	if (order > MAX_PAGE_ORDER)
		return -1;
	fill_contig_page_info(free_count, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + info.free_pages * 1000 / (1ull << order)) /
			    info.free_blocks_total);
}

static void zone_free_count(const struct mmc_zone *z,
			    uint64_t out[MMC_NR_ORDERS])
{
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		out[o] = z->free_area[o].nr_free_all;
}

int zone_fragmentation_index(const struct mmc_zone *z, unsigned order)
{
	uint64_t fc[MMC_NR_ORDERS];

	zone_free_count(z, fc);
	return mmc_fragmentation_index(fc, order);
}

/* Folios kswapd reclaimed and frees as its clock gets to them count as
 * free blocks of their order (merging with their buddies is left out). */
int zone_fragmentation_index_inflight(const struct mmc_zone *z,
				      unsigned order)
{
	uint64_t fc[MMC_NR_ORDERS];

	zone_free_count(z, fc);
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		fc[o] += z->kswapd_inflight[o];
	return mmc_fragmentation_index(fc, order);
}

/* extfrag_for_order(): free pages not in blocks of >= order, per cent */
unsigned extfrag_for_order(const struct mmc_zone *z, unsigned order)
{
	uint64_t fc[MMC_NR_ORDERS];
	struct contig_page_info info;

	zone_free_count(z, fc);
	fill_contig_page_info(fc, order, &info);
	if (!info.free_pages)
		return 0;
	return (unsigned)((info.free_pages - (info.free_blocks_suitable << order)) *
			  100 / info.free_pages);
}

uint32_t mmc_nr_zones(const struct mmc *m)
{
	return m->nr_zones;
}

int mmc_zone_free(const struct mmc *m, uint32_t idx, int *node,
		  enum mmc_zone_type *type, uint64_t *free, uint64_t *boost)
{
	if (idx >= m->nr_zones)
		return -1;
	const struct mmc_zone *z = m->zones[idx];

	*node = z->node;
	*type = z->type;
	*free = z->nr_free;
	*boost = z->watermark_boost;
	return 0;
}

/* A pageblock is mixed when it holds an allocated page whose requested
 * migratetype differs from the block's: the "Number of mixed type blocks"
 * of /proc/pagetypeinfo (pagetypeinfo_showmixedcount_print(), which needs
 * page_owner in the kernel; the model keeps the type in every page). */
#ifdef __SSE2__
/* Pages p[0..7] (SSE2): none is a free head, and each either has the
 * block's migratetype or is not an allocated page (hole, free, reserved,
 * isolated).  Then none of them makes the block mixed and none starts a
 * skip, so the page-by-page walk below may step over all eight. */
static bool quiet8(const pgstate_t *p, __m128i mt, __m128i zero)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i cls = _mm_and_si128(v, _mm_set1_epi16(PG_CLASS_MASK));
	__m128i ok;

	/* classes HOLE, FREE, RESERVED are 0..2, PC_ISOLATED is 7 */
	_Static_assert(MMC_PC_HOLE < 3 && MMC_PC_FREE < 3 &&
		       MMC_PC_RESERVED < 3 && MMC_PC_SLAB == 3 &&
		       MMC_PC_KERNEL == 6 && PC_ISOLATED == 7,
		       "page class values quiet8() relies on");
	ok = _mm_or_si128(_mm_cmplt_epi16(cls, _mm_set1_epi16(3 << PG_CLASS_SHIFT)),
			  _mm_cmpeq_epi16(cls, _mm_set1_epi16(PC_ISOLATED << PG_CLASS_SHIFT)));
	ok = _mm_or_si128(ok, _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16(PG_MT_MASK)), mt));
	ok = _mm_and_si128(ok, _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16(PG_ORDER_MASK)), zero));
	return _mm_movemask_epi8(ok) == 0xffff;
}
#endif

/* A pageblock is mixed when it holds an allocated page whose requested
 * migratetype differs from the block's: the "Number of mixed type blocks"
 * of /proc/pagetypeinfo (pagetypeinfo_showmixedcount_print(), which needs
 * page_owner in the kernel; the model keeps the type in every page).
 * Time-series sampling asks for every pageblock of every zone; the answer
 * is kept per block (z->pb_mix) until a page of the block changes, and the
 * common case (a run of quiet pages) goes eight or four at a time. */
bool pageblock_mixed(const struct mmc_zone *z, uint32_t start, int bmt)
{
	const pgstate_t *pg = z->page + start;
	uint32_t end = pageblock_nr_pages;
#ifdef __SSE2__
	const __m128i mt8 = _mm_set1_epi16((short)((unsigned)bmt << PG_MT_SHIFT));
	const __m128i zero = _mm_setzero_si128();
#else
	/* four pages a word: no free head and the block's type in each */
	const uint64_t lanes = 0x0001000100010001ull;
	const uint64_t mask4 = lanes * (PG_ORDER_MASK | PG_MT_MASK);
	const uint64_t same4 = lanes * ((unsigned)bmt << PG_MT_SHIFT);
#endif

	if (start + end > z->nr_idx)
		end = z->nr_idx - start;
	for (uint32_t i = 0; i < end;) {
#ifdef __SSE2__
		if (!(i & 7) && i + 8 <= end && quiet8(pg + i, mt8, zero)) {
			i += 8;
			continue;
		}
#else
		if (!(i & 3) && i + 4 <= end) {
			uint64_t w;

			memcpy(&w, pg + i, sizeof(w));
			if ((w & mask4) == same4) {
				i += 4;
				continue;
			}
		}
#endif
		pgstate_t s = pg[i];

		if (s & PG_ORDER_MASK) {		/* free block: skip it */
			i += 1u << free_order(s);
			continue;
		}
		if (free_mt(s) != bmt && page_allocated(s) &&
		    page_class(s) != PC_ISOLATED)
			return true;
		i++;
	}
	return false;
}

int mmc_zone_stats(const struct mmc *m, uint32_t idx, struct mmc_zone_stats *s)
{
	if (idx >= m->nr_zones)
		return -1;
	const struct mmc_zone *z = m->zones[idx];

	memset(s, 0, sizeof(*s));
	s->node = z->node;
	s->type = z->type;
	s->start_pfn = z->start_pfn;
	s->spanned = z->spanned;
	s->present = z->present;
	s->managed = z->managed;
	s->wmark_min = min_wmark_pages(z);
	s->wmark_low = low_wmark_pages(z);
	s->wmark_high = high_wmark_pages(z);
	s->wmark_promo = wmark_pages(z, WMARK_PROMO);
	s->boost = z->watermark_boost;
	memcpy(s->lowmem_reserve, z->lowmem_reserve, sizeof(s->lowmem_reserve));
	/* cpu 0's current pcp->high, as /proc/zoneinfo prints it */
	s->pcp_high = z->pcp ? z->pcp[0].high : z->pcp_high;
	s->pcp_batch = z->pcp_batch;
	s->pcp_high_min = z->pcp ? z->pcp[0].high_min : 0;
	s->pcp_high_max = z->pcp ? z->pcp[0].high_max : 0;
	s->nr_free_pcp = z->nr_free_pcp;
	s->nr_free = z->nr_free + z->nr_free_pcp;
	s->largest_free_order = -1;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		s->free_count[o] = z->free_area[o].nr_free_all;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			s->free_mt[o][mt] = z->free_area[o].nr_free[mt];
		if (s->free_count[o])
			s->largest_free_order = (int)o;
	}
	uint32_t first = pfn_to_idx(z, z->start_pfn) & ~(pageblock_nr_pages - 1);
	uint32_t end = pfn_to_idx(z, z->start_pfn + z->spanned);

	for (uint32_t b = first; b < end; b += pageblock_nr_pages) {
		int bmt = get_pageblock_migratetype(z, b);
		uint8_t *mix = &z->pb_mix[b >> pageblock_order];

		s->pageblocks_mt[bmt]++;
		if (*mix == PB_MIX_DIRTY)
			*mix = pageblock_mixed(z, b, bmt);
		s->pageblocks_mixed += *mix;
	}
	s->nr_highatomic = z->nr_reserved_highatomic;
	return 0;
}

static const char *const vm_item_names[MMC_NR_VM_ITEMS] = {
	"pgalloc_dma", "pgalloc_dma32", "pgalloc_normal", "pgalloc_movable",
	"allocstall_dma", "allocstall_dma32", "allocstall_normal",
	"allocstall_movable",
	"pgfree", "pgactivate", "pgdeactivate", "pgrefill",
	"pgsteal_kswapd", "pgsteal_direct", "pgscan_kswapd", "pgscan_direct",
	"pgscan_anon", "pgscan_file", "pgsteal_anon", "pgsteal_file",
	"zone_reclaim_success", "zone_reclaim_failed",
	"kswapd_low_wmark_hit_quickly", "kswapd_high_wmark_hit_quickly",
	"pageoutrun",
	"pgmigrate_success", "pgmigrate_fail",
	"compact_migrate_scanned", "compact_free_scanned", "compact_isolated",
	"compact_stall", "compact_fail", "compact_success",
	"compact_daemon_wake", "compact_daemon_migrate_scanned",
	"compact_daemon_free_scanned",
	"thp_fault_alloc", "thp_fault_fallback",
	"workingset_refault_anon", "workingset_refault_file",
	"workingset_activate_anon", "workingset_activate_file",
	"workingset_restore_anon", "workingset_restore_file",
	"pswpin", "pswpout", "oom_kill",
	"pgrotated", "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
	"mm_page_alloc_extfrag", "mm_vmscan_kswapd_wake",
	"mm_vmscan_kswapd_sleep", "mm_vmscan_wakeup_kswapd",
	"mm_vmscan_direct_reclaim_begin", "mm_vmscan_node_reclaim_begin",
	"mm_compaction_begin", "mm_compaction_try_to_compact_pages",
};

const char *mmc_vm_item_name(int item)
{
	if (item < 0 || item >= MMC_NR_VM_ITEMS)
		return NULL;
	return vm_item_names[item];
}

int mmc_vm_item_is_tracepoint(int item)
{
	return item >= MMC_TP_PAGE_ALLOC_EXTFRAG && item < MMC_NR_VM_ITEMS;
}

/* The named summaries that are sums of kernel-named items. */
void mmc_vmstat(const struct mmc *m, struct mmc_vmstat *out)
{
	const uint64_t *ev = m->vm.ev;

	*out = m->vm;
	out->pgalloc = ev[MMC_PGALLOC_DMA] + ev[MMC_PGALLOC_DMA32] +
		       ev[MMC_PGALLOC_NORMAL] + ev[MMC_PGALLOC_MOVABLE];
	out->pgfree = ev[MMC_PGFREE];
	out->extfrag_events = ev[MMC_TP_PAGE_ALLOC_EXTFRAG];
	out->kswapd_wakes = ev[MMC_TP_KSWAPD_WAKE];
	out->kswapd_sleeps = ev[MMC_TP_KSWAPD_SLEEP];
	out->kswapd_reclaimed = ev[MMC_PGSTEAL_KSWAPD];
	out->kswapd_scanned = ev[MMC_PGSCAN_KSWAPD];
	out->direct_reclaims = ev[MMC_TP_DIRECT_RECLAIM_BEGIN];
	out->compact_stalls = ev[MMC_COMPACT_STALL];
	out->compact_success = ev[MMC_COMPACT_SUCCESS];
	out->compact_fail = ev[MMC_COMPACT_FAIL];
	out->compact_migrated = ev[MMC_PGMIGRATE_SUCCESS];
	out->compact_scanned = ev[MMC_COMPACT_MIGRATE_SCANNED] +
			       ev[MMC_COMPACT_FREE_SCANNED];
	out->thp_fault_alloc = ev[MMC_THP_FAULT_ALLOC];
	out->thp_fault_fallback = ev[MMC_THP_FAULT_FALLBACK];
	out->refaults = ev[MMC_WORKINGSET_REFAULT_ANON] +
			ev[MMC_WORKINGSET_REFAULT_FILE];
}

int mmc_node_vmstat(const struct mmc *m, int nid, struct mmc_node_vmstat *out)
{
	if (nid < 0 || (uint32_t)nid >= m->nr_nodes) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	*out = m->nodes[nid].vm;
	return 0;
}

void mmc_for_each_free_block(const struct mmc *m, mmc_free_block_fn fn,
			     void *ctx)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct mmc_zone *z = m->zones_by_pfn[i];

		for (uint32_t idx = 0; idx < z->nr_idx;) {
			pgstate_t s = z->page[idx];

			if (!(s & PG_ORDER_MASK)) {
				idx++;
				continue;
			}
			unsigned o = free_order(s);

			fn(ctx, idx_to_pfn(z, idx), o, free_mt(s),
			   (s & PG_PCP) ? 1 : 0);
			idx += 1u << o;
		}
	}
}

size_t mmc_memory_bytes(const struct mmc *m)
{
	size_t b = sizeof(*m) + sizeof(*m->topo) +
		   m->nr_nodes * sizeof(*m->nodes) +
		   m->nr_cpus * sizeof(*m->cpu_node) +
		   2 * m->nr_zones * sizeof(*m->zones);

	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct mmc_zone *z = m->zones[i];

		b += (size_t)z->nr_idx * sizeof(pgstate_t);
		b += z->nr_idx >> pageblock_order;
		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				const struct free_list *fl =
					&z->free_area[o].free_list[mt];

				b += ((size_t)fl->n0 + fl->n1 + fl->n2) * 8;
				b += (size_t)fl->seed_cap * sizeof(uint32_t);
			}
		b += m->nr_cpus * sizeof(*z->pcp);
		for (uint32_t c = 0; c < m->nr_cpus; c++)
			for (int l = 0; l < NR_PCP_LISTS; l++)
				b += z->pcp[c].lists[l].cap * sizeof(uint32_t);
	}
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		b += m->nodes[n].nr_zonelist * sizeof(void *);
	/* the mechanisms' own state: LRU rings, slab caches, fault view */
	b += reclaim_memory_bytes(m) + slab_memory_bytes(m) +
	     fault_memory_bytes(m);
	return b;
}
