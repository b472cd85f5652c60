/* SPDX-License-Identifier: MIT */
/*
 * The few kernel types the mmtrace BPF programs read, written by hand.
 *
 * Why not `bpftool btf dump file /sys/kernel/btf/vmlinux format c`: a
 * generated header is 3-5 MB, differs from host to host (so builds are not
 * reproducible) and needs a build host with BTF.  Every struct here carries
 * preserve_access_index, so clang emits CO-RE relocations and libbpf moves
 * each field to where the *running* kernel has it at load time; a field
 * that does not exist there can be tested with bpf_core_field_exists().
 * Only the fields we read are declared; their order and the padding here
 * do not matter.  See collector/README.md.
 */
#ifndef MMTRACE_VMLINUX_H
#define MMTRACE_VMLINUX_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
typedef unsigned int gfp_t;
typedef __u32 dev_t;
#define true 1
#define false 0

enum {
	BPF_F_NO_PREALLOC = 1,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};

enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};

enum {
	BPF_RB_AVAIL_DATA = 0,
	BPF_RB_RING_SIZE = 1,
	BPF_RB_CONS_POS = 2,
	BPF_RB_PROD_POS = 3,
};

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct pt_regs {
	unsigned long di, si, dx, cx, r8, r9, ax, sp, ip, bp;
};

struct list_head {
	struct list_head *next, *prev;
};

/* The process id, read straight from the BTF-typed current task; flags
 * tell kswapd, kcompactd and tasks inside reclaim or compaction
 * (PF_KSWAPD, PF_KCOMPACTD, PF_MEMALLOC). */
struct task_struct {
	unsigned int flags;
	int tgid;
};

enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1,
};

/* Page flag bits, numbered by CO-RE (bpf_core_enum_value): only those
 * read. */
enum pageflags {
	PG_uptodate = 3,
};

/* Only used for its size (struct page * -> pfn) and, during calibration,
 * for the anon mapping bit and the page index (renamed in 6.16). */
struct address_space;
struct page {
	unsigned long flags;
	struct list_head buddy_list;
	struct list_head lru;
	struct address_space *mapping;
	unsigned long __folio_index;
	unsigned long private;
};

/* Free lists, walked for exact snapshots: only offsets and sizes are
 * used (bpf_core_field_offset / bpf_core_type_size), so the array bounds
 * here do not matter. */
struct free_area {
	struct list_head free_list[1];
	unsigned long nr_free;
};

struct zone {
	struct free_area free_area[1];
};
struct page___old {
	unsigned long index;
};

/* writeback_dirty_folio's arguments: the folio's index and the file it
 * belongs to (mapping->host), named as the filemap tracepoints name it. */
struct super_block {
	dev_t s_dev;
};

struct inode {
	struct super_block *i_sb;
	unsigned long i_ino;
	dev_t i_rdev;
};

struct address_space {
	struct inode *host;
};

struct folio {
	unsigned long flags;
	struct address_space *mapping;
	unsigned long index;
};

/* compact_zone()'s state: the free blocks its free scanner isolated,
 * kept per order since 6.10 (mm/compaction.c, compaction_alloc()). */
struct compact_control {
	struct list_head freepages[11];
	unsigned long migrate_pfn;
	unsigned long free_pfn;
};

struct kmem_cache {
	const char *name;
	unsigned int object_size;
	unsigned int size;
};

struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

/* task:task_newtask and task:task_rename: process names. */
struct trace_event_raw_task_newtask {
	struct trace_entry ent;
	int pid;
	char comm[16];
	unsigned long clone_flags;
};

struct trace_event_raw_task_rename {
	struct trace_entry ent;
	int pid;
	char oldcomm[16];
	char newcomm[16];
};

/* Classic tracepoint records (the rare events; they hand us pfns; and
 * the fallbacks of the hot ones where raw/BTF tracepoints fail). */
struct trace_event_raw_mm_page_alloc {
	struct trace_entry ent;
	unsigned long pfn;
	unsigned int order;
	unsigned long gfp_flags;
	int migratetype;
};

struct trace_event_raw_mm_page_free {
	struct trace_entry ent;
	unsigned long pfn;
	unsigned int order;
};

struct trace_event_raw_mm_page {
	struct trace_entry ent;
	unsigned long pfn;
	unsigned int order;
	int migratetype;
	int percpu_refill;
};

struct trace_event_raw_mm_page_pcpu_drain {
	struct trace_entry ent;
	unsigned long pfn;
	unsigned int order;
	int migratetype;
};

struct trace_event_raw_exceptions {
	struct trace_entry ent;
	unsigned long address;
	unsigned long ip;
	unsigned long error_code;
};

struct trace_event_raw_mm_page_alloc_extfrag {
	struct trace_entry ent;
	unsigned long pfn;
	int alloc_order;
	int fallback_order;
	int alloc_migratetype;
	int fallback_migratetype;
	int change_ownership;
};

struct trace_event_raw_mm_filemap_op_page_cache {
	struct trace_entry ent;
	unsigned long pfn;
	unsigned long i_ino;
	unsigned long index;
	dev_t s_dev;
	unsigned char order;
};

struct trace_event_raw_mm_filemap_op_page_cache_range {
	struct trace_entry ent;
	unsigned long i_ino;
	dev_t s_dev;
	unsigned long index;
	unsigned long last_index;
};

struct trace_event_raw_mm_filemap_fault {
	struct trace_entry ent;
	unsigned long i_ino;
	dev_t s_dev;
	unsigned long index;
};

/* ---- compaction, migration, reclaim (issue 9's kinds) ----
 * Enum-typed fields must be declared as enums: CO-RE does not match an
 * int to an enum.  Only the type matters here, not the enumerators. */
enum zone_type { ZONE_DMA___mmt };
enum migrate_mode { MIGRATE_ASYNC___mmt };

struct trace_event_raw_mm_compaction_isolate_template {
	struct trace_entry ent;
	unsigned long start_pfn;
	unsigned long end_pfn;
	unsigned long nr_scanned;
	unsigned long nr_taken;
};

struct trace_event_raw_mm_compaction_migratepages {
	struct trace_entry ent;
	unsigned long nr_migrated;
	unsigned long nr_failed;
};

struct trace_event_raw_mm_compaction_suitable_template {
	struct trace_entry ent;
	int nid;
	enum zone_type idx;
	int order;
	int ret;
};

struct trace_event_raw_mm_compaction_defer_template {
	struct trace_entry ent;
	int nid;
	enum zone_type idx;
	int order;
	unsigned int considered;
	unsigned int defer_shift;
	int order_failed;
};

struct trace_event_raw_kcompactd_wake_template {
	struct trace_entry ent;
	int nid;
	int order;
	enum zone_type highest_zoneidx;
};

struct trace_event_raw_mm_compaction_kcompactd_sleep {
	struct trace_entry ent;
	int nid;
};

struct trace_event_raw_mm_migrate_pages {
	struct trace_entry ent;
	unsigned long succeeded;
	unsigned long failed;
	unsigned long thp_succeeded;
	unsigned long thp_failed;
	unsigned long thp_split;
	unsigned long large_folio_split;
	enum migrate_mode mode;
	int reason;
};

struct trace_event_raw_mm_migrate_pages_start {
	struct trace_entry ent;
	enum migrate_mode mode;
	int reason;
};

/* set_migration_pte / remove_migration_pte */
struct trace_event_raw_migration_pte {
	struct trace_entry ent;
	unsigned long addr;
	unsigned long pte;
	int order;
};

struct trace_event_raw_migration_pmd {
	struct trace_entry ent;
	unsigned long addr;
	unsigned long pmd;
};

struct trace_event_raw_mm_vmscan_lru_isolate {
	struct trace_entry ent;
	int highest_zoneidx;
	int order;
	unsigned long nr_requested;
	unsigned long nr_scanned;
	unsigned long nr_skipped;
	unsigned long nr_taken;
	int lru;
};

struct trace_event_raw_mm_vmscan_lru_shrink_inactive {
	struct trace_entry ent;
	int nid;
	unsigned long nr_scanned;
	unsigned long nr_reclaimed;
	unsigned long nr_dirty;
	unsigned long nr_writeback;
	unsigned int nr_activate0;
	unsigned int nr_activate1;
	int priority;
	int reclaim_flags;
};

struct trace_event_raw_mm_vmscan_lru_shrink_active {
	struct trace_entry ent;
	int nid;
	unsigned long nr_taken;
	unsigned long nr_deactivated;
	unsigned long nr_referenced;
	int priority;
	int reclaim_flags;
};

struct trace_event_raw_mm_shrink_slab_end {
	struct trace_entry ent;
	int nid;
	void *shrink;
	long new_scan;
	int retval;
	long total_scan;
};

struct trace_event_raw_mm_vmscan_write_folio {
	struct trace_entry ent;
	unsigned long pfn;
	int reclaim_flags;
};

struct trace_event_raw_mm_vmscan_throttled {
	struct trace_entry ent;
	int nid;
	int usec_timeout;
	int usec_delayed;
	int reason;
};

struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template {
	struct trace_entry ent;
	int order;
	unsigned long gfp_flags;
};

struct trace_event_raw_mm_vmscan_direct_reclaim_end_template {
	struct trace_entry ent;
	unsigned long nr_reclaimed;
};

struct trace_event_raw_mm_vmscan_kswapd_wake {
	struct trace_entry ent;
	int nid;
	int zid;
	int order;
};

struct trace_event_raw_mm_vmscan_kswapd_sleep {
	struct trace_entry ent;
	int nid;
};

struct trace_event_raw_mm_vmscan_wakeup_kswapd {
	struct trace_entry ent;
	int nid;
	int zid;
	int order;
	unsigned long gfp_flags;
};

struct trace_event_raw_mm_vmscan_node_reclaim_begin {
	struct trace_entry ent;
	int nid;
	int order;
	unsigned long gfp_flags;
};

struct trace_event_raw_mm_compaction_begin {
	struct trace_entry ent;
	unsigned long zone_start;
	unsigned long migrate_pfn;
	unsigned long free_pfn;
	unsigned long zone_end;
	bool sync;
};

struct trace_event_raw_mm_compaction_end {
	struct trace_entry ent;
	unsigned long zone_start;
	unsigned long migrate_pfn;
	unsigned long free_pfn;
	unsigned long zone_end;
	bool sync;
	int status;
};

struct trace_event_raw_mm_compaction_try_to_compact_pages {
	struct trace_entry ent;
	int order;
	unsigned long gfp_mask;
	int prio;
};

/* Before 6.1 kmalloc and kmem_cache_alloc shared this class and took
 * (call_site, ptr, bytes_req, bytes_alloc, gfp_flags[, node]); its
 * presence in the running kernel's BTF selects the old argument layout. */
struct trace_event_raw_kmem_alloc {
	struct trace_entry ent;
	unsigned long call_site;
};

#pragma clang attribute pop

#endif
