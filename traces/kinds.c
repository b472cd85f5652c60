/* SPDX-License-Identifier: MIT */
/*
 * What each event kind holds and where the recorder takes it from, for
 * `mmtrace list events` and the man pages: the fields as
 * include/mmtrace/event.h lists them, named as `dump` prints them.
 */
#include "mmtrace/event.h"

struct kind_doc {
	const char *source;		/* tracepoint(s), "mmtrace" for its own */
	const char *fields;
};

static const struct kind_doc docs[MMT_EV__COUNT] = {
	[MMT_EV_PAGE_ALLOC] = { "kmem:mm_page_alloc",
		"pfn order gfp migratetype cpu pid" },
	[MMT_EV_PAGE_FREE] = { "kmem:mm_page_free",
		"pfn order cpu pid cause" },
	[MMT_EV_PCP_REFILL] = { "kmem:mm_page_alloc_zone_locked",
		"pfn order migratetype percpu_refill" },
	[MMT_EV_PCP_DRAIN] = { "kmem:mm_page_pcpu_drain",
		"pfn order migratetype" },
	[MMT_EV_EXTFRAG] = { "kmem:mm_page_alloc_extfrag",
		"pfn alloc_order fallback_order alloc_migratetype fallback_migratetype change_ownership" },
	[MMT_EV_KMALLOC] = { "kmem:kmalloc",
		"object (pfn+offset) site bytes_req bytes_alloc gfp node" },
	[MMT_EV_KMEM_CACHE_ALLOC] = { "kmem:kmem_cache_alloc",
		"object (pfn+offset) site cache bytes_req bytes_alloc gfp node" },
	[MMT_EV_KFREE] = { "kmem:kfree",
		"object (pfn+offset) site" },
	[MMT_EV_KMEM_CACHE_FREE] = { "kmem:kmem_cache_free",
		"object (pfn+offset) site cache" },
	[MMT_EV_FAULT_USER] = { "exceptions:page_fault_user",
		"address ip (hashed) error_code" },
	[MMT_EV_FAULT_KERNEL] = { "exceptions:page_fault_kernel",
		"address ip (hashed) error_code" },
	[MMT_EV_DIRECT_RECLAIM_BEGIN] = { "vmscan:mm_vmscan_direct_reclaim_begin",
		"order gfp" },
	[MMT_EV_DIRECT_RECLAIM_END] = { "vmscan:mm_vmscan_direct_reclaim_end",
		"nr_reclaimed" },
	[MMT_EV_KSWAPD_WAKE] = { "vmscan:mm_vmscan_kswapd_wake",
		"node zone order" },
	[MMT_EV_KSWAPD_SLEEP] = { "vmscan:mm_vmscan_kswapd_sleep",
		"node" },
	[MMT_EV_WAKEUP_KSWAPD] = { "vmscan:mm_vmscan_wakeup_kswapd",
		"node zone order gfp" },
	[MMT_EV_NODE_RECLAIM_BEGIN] = { "vmscan:mm_vmscan_node_reclaim_begin",
		"node order gfp" },
	[MMT_EV_NODE_RECLAIM_END] = { "vmscan:mm_vmscan_node_reclaim_end",
		"nr_reclaimed" },
	[MMT_EV_COMPACTION_BEGIN] = { "compaction:mm_compaction_begin",
		"zone_start zone_end migrate_pfn free_pfn sync" },
	[MMT_EV_COMPACTION_END] = { "compaction:mm_compaction_end",
		"zone_start zone_end migrate_pfn free_pfn sync status" },
	[MMT_EV_COMPACT_TRY] = { "compaction:mm_compaction_try_to_compact_pages",
		"order gfp prio" },
	[MMT_EV_FILEMAP_ADD] = { "filemap:mm_filemap_add_to_page_cache",
		"pfn order device inode index" },
	[MMT_EV_FILEMAP_DEL] = { "filemap:mm_filemap_delete_from_page_cache",
		"pfn order device inode index cause" },
	[MMT_EV_ZONE_RESIZE] = { "mmtrace (the zone table, polled)",
		"node zone zone_start_pfn managed old_managed" },
	[MMT_EV_LOST] = { "mmtrace (ring buffer reserve failures, full queues, BPF recursion misses)",
		"cpu count first last" },
	/* the kernel's response to memory pressure (MMT_HDR_CAUSES) */
	[MMT_EV_COMPACT_ISOLATE] = { "compaction: isolate_freepages_block, fast_isolate_freepages",
		"pfn order fast" },
	[MMT_EV_MIGRATE] = { "migrate:remove_migration_pte, thp:remove_migration_pmd",
		"source_pfn target_pfn order reason" },
	[MMT_EV_MIGRATE_BEGIN] = { "migrate:mm_migrate_pages_start",
		"mode reason" },
	[MMT_EV_MIGRATE_END] = { "migrate:mm_migrate_pages",
		"migrated failed thp_migrated thp_failed thp_split large_split mode reason" },
	[MMT_EV_COMPACT_SCAN] = { "compaction:mm_compaction_isolate_{migrate,free}pages, fast_isolate_freepages",
		"start_pfn end_pfn scanned taken scanner" },
	[MMT_EV_COMPACT_MIGRATEPAGES] = { "compaction:mm_compaction_migratepages",
		"migrated failed" },
	[MMT_EV_COMPACT_SUITABLE] = { "compaction:mm_compaction_suitable",
		"node zone order result" },
	[MMT_EV_COMPACT_FINISHED] = { "compaction:mm_compaction_finished",
		"node zone order result" },
	[MMT_EV_COMPACT_DEFER] = { "compaction:mm_compaction_{deferred,defer_compaction,defer_reset}",
		"node zone order what considered defer_shift order_failed" },
	[MMT_EV_KCOMPACTD_WAKE] = { "compaction:mm_compaction_{wakeup_kcompactd,kcompactd_wake}",
		"node order highest_zone runs" },
	[MMT_EV_KCOMPACTD_SLEEP] = { "compaction:mm_compaction_kcompactd_sleep",
		"node" },
	[MMT_EV_LRU_SHRINK_INACTIVE] = { "vmscan:mm_vmscan_lru_shrink_inactive",
		"node scanned reclaimed priority flags dirty writeback activated" },
	[MMT_EV_LRU_SHRINK_ACTIVE] = { "vmscan:mm_vmscan_lru_shrink_active",
		"node taken deactivated referenced priority flags" },
	[MMT_EV_SHRINK_SLAB] = { "vmscan:mm_shrink_slab_end",
		"node shrinker (site) freed scanned deferred" },
	[MMT_EV_WRITE_FOLIO] = { "vmscan:mm_vmscan_write_folio",
		"pfn flags" },
	[MMT_EV_VMSCAN_THROTTLED] = { "vmscan:mm_vmscan_throttled",
		"node timeout_us delayed_us reason" },
	[MMT_EV_MEMCG_RECLAIM_BEGIN] = { "vmscan:mm_vmscan_memcg_reclaim_begin",
		"order gfp" },
	[MMT_EV_MEMCG_RECLAIM_END] = { "vmscan:mm_vmscan_memcg_reclaim_end",
		"nr_reclaimed" },
	[MMT_EV_FILE_READ] = { "filemap:mm_filemap_get_pages",
		"device inode first_index last_index" },
	[MMT_EV_FILE_MAP] = { "filemap:mm_filemap_map_pages",
		"device inode first_index last_index" },
	[MMT_EV_FILE_FAULT] = { "filemap:mm_filemap_fault",
		"device inode index" },
	[MMT_EV_FILE_DIRTY] = { "writeback:writeback_dirty_folio",
		"device inode index" },
	[MMT_EV_ZONE_FREE] = { "mmtrace (/proc/zoneinfo, polled every 200 ms)",
		"node zone free boost" },
};

const char *mmt_event_kind_source(unsigned kind)
{
	return kind < MMT_EV__COUNT && docs[kind].source ? docs[kind].source : "";
}

const char *mmt_event_kind_fields(unsigned kind)
{
	return kind < MMT_EV__COUNT && docs[kind].fields ? docs[kind].fields : "";
}
