/* SPDX-License-Identifier: MIT */
/*
 * mmtrace trace file: header, snapshots, writer and reader.
 * The byte layout is documented in traces/FORMAT.md.
 *
 * Ownership: every pointer inside a struct returned by the reader belongs to
 * the reader and lives until mmt_reader_close().  Structs passed to the
 * writer are copied/serialized immediately; the caller keeps ownership.
 */
#ifndef MMTRACE_TRACE_H
#define MMTRACE_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "mmtrace/event.h"

#define MMT_FORMAT_VERSION 1
#define MMT_MAX_ZONE_TYPES 5	/* DMA, DMA32, Normal, Movable, Device */
#define MMT_MAX_ORDER 10	/* MAX_PAGE_ORDER on x86-64 */
#define MMT_NR_ORDERS (MMT_MAX_ORDER + 1)
#define MMT_NAME_LEN 32

/* Ranges the reader enforces on what a file says (FORMAT.md "Limits"):
 * a value outside them makes the file malformed, with a one-line error
 * naming the offset and the field, so no consumer meets it.  Each bounds
 * what any Linux host can have with room to spare, and keeps the sums and
 * shifts consumers do (pfn + 2^order, pfn << 12, ts + interval) far from
 * overflow. */
#define MMT_MAX_PFN	(1ull << 52)	/* pfns and page counts are below */
#define MMT_NO_PFN	UINT64_MAX	/* an event's pfn when it has none
					 * (failed allocation, object outside
					 * the direct map) */
#define MMT_MAX_TS	(1ull << 62)	/* ns since start: 146 years */
#define MMT_MAX_HOST_ORDER 20		/* header max_order (MAX_PAGE_ORDER) */
#define MMT_MAX_CPUS	8192		/* NR_CPUS's Kconfig maximum */
#define MMT_MAX_NODES	1024		/* MAX_NUMNODES with NODES_SHIFT 10 */
#define MMT_MAX_MT	64		/* migratetype numbers are below */
#define MMT_MAX_KV	65536		/* entries of a kv list */
#define MMT_MAX_NAMED	256		/* entries of an nv list */
#define MMT_MAX_SLAB_CACHES (1u << 18)

/* One zone of the recording host, in /proc/zoneinfo's terms. */
struct mmt_zone_info {
	int32_t node;
	int32_t zone_idx;		/* index in the node's zone array */
	char name[16];			/* "DMA", "DMA32", "Normal", ... */
	uint64_t start_pfn, spanned, present, managed;
	uint64_t wmark_min, wmark_low, wmark_high, wmark_promo;
	uint64_t boost;
	uint64_t lowmem_reserve[MMT_MAX_ZONE_TYPES];	/* "protection:" */
	uint32_t nr_reserve;		/* entries used in lowmem_reserve */
	uint32_t pcp_high, pcp_batch;	/* cpu 0's values */
	uint32_t pcp_high_min, pcp_high_max;
	uint64_t nr_free;
};

/* A named value: a sysctl ("vm.min_free_kbytes" = "67584"), a vmstat
 * counter, a gfp bit or a migratetype of the recording kernel. */
struct mmt_kv {
	char name[48];
	char value[80];
};

struct mmt_named_value {
	char name[MMT_NAME_LEN];	/* e.g. "__GFP_MOVABLE", "MIGRATE_MOVABLE" */
	uint64_t value;			/* mask for gfp bits, number otherwise */
};

struct mmt_slab_cache {
	char name[MMT_NAME_LEN];
	uint32_t object_size;		/* /sys/kernel/slab/X/object_size */
	uint32_t slab_size;		/* .../slab_size (object + metadata) */
	uint32_t objs_per_slab;
	uint32_t order;
	uint32_t align;
};

struct mmt_header {
	uint32_t version;		/* MMT_FORMAT_VERSION of the writer */
	char release[65];		/* uname -r */
	char machine[16];		/* uname -m */
	uint32_t page_size;
	uint32_t pageblock_order;
	uint32_t max_order;		/* MAX_PAGE_ORDER of the host */
	uint64_t start_ns;		/* CLOCK_MONOTONIC (== bpf_ktime_get_ns) at start */
	uint64_t start_realtime_ns;
	uint32_t flags;			/* MMT_HDR_* */

	uint32_t nr_cpus;
	int32_t *cpu_node;		/* [nr_cpus] */
	uint32_t nr_nodes;
	uint32_t *node_distance;	/* [nr_nodes * nr_nodes] */

	uint32_t nr_zones;
	struct mmt_zone_info *zones;

	uint32_t nr_sysctls;
	struct mmt_kv *sysctls;		/* "vm.X" -> value, as /proc/sys/vm shows */

	uint32_t nr_gfp_bits;
	struct mmt_named_value *gfp_bits;	/* "__GFP_MOVABLE" -> mask */
	uint32_t nr_migratetypes;
	struct mmt_named_value *migratetypes;	/* "MIGRATE_MOVABLE" -> number */
	uint32_t nr_zone_types;
	struct mmt_named_value *zone_types;	/* "ZONE_NORMAL" -> number */

	uint32_t nr_slab_caches;
	struct mmt_slab_cache *slab_caches;

	uint32_t nr_notes;
	struct mmt_kv *notes;		/* free-form: degraded probes, command, ... */
};

#define MMT_HDR_RAW_POINTERS	0x1	/* --raw-pointers: site holds real ips */
/* The writer recorded names: call sites as "symbol+0xoff" and the command
 * of every pid seen (NAMES sections, FORMAT.md).  Older traces lack it:
 * their sites and pids have no names. */
#define MMT_HDR_NAMES		0x2
/* PAGE_FREE and FILEMAP_DEL carry their cause (arg2, enum mmt_free_cause),
 * and compaction's isolated free blocks are COMPACT_ISOLATE events; without
 * it every cause reads 0 though it was never recorded. */
#define MMT_HDR_CAUSES		0x4
/* FILEMAP_ADD/DEL carry the file page's identity (device, inode, index). */
#define MMT_HDR_FILE_IDS	0x8
/* LOST records carry the window of their losses (addr, arg2). */
#define MMT_HDR_LOST_TIMES	0x10
/* FILE_DIRTY events were recorded: a trace without it says nothing of
 * which page-cache pages were dirty (not "none were"). */
#define MMT_HDR_FILE_DIRTY	0x20
/* ZONE_FREE samples were recorded: a trace without it has no timeline of
 * the kernel's free pages (not "no free pages"). */
#define MMT_HDR_ZONE_FREE	0x40

/* Page classes of the snapshot, one per pfn, stored run-length coded. */
enum mmt_page_class {
	MMT_PC_HOLE = 0,	/* no struct page / NOPAGE */
	MMT_PC_FREE = 1,	/* inside a free buddy block */
	MMT_PC_RESERVED = 2,
	MMT_PC_SLAB = 3,
	MMT_PC_ANON = 4,
	MMT_PC_FILE = 5,	/* LRU, not anon */
	MMT_PC_KERNEL = 6,	/* allocated, not LRU, not slab: unmovable kernel */
	MMT_PC_PCP = 7,		/* free but held on a per-cpu list (when known) */
	MMT_PC_OFFLINE = 8,	/* offline/hot-removed section */
	MMT_PC__COUNT
};

struct mmt_free_block {
	uint64_t pfn;
	uint8_t order;
	int8_t mt;		/* recording kernel's migratetype, -1 unknown */
	uint8_t exact;		/* 1 from a free-list walk, 0 inferred */
	uint8_t pad;
	uint32_t pos;		/* place in its free list, 0 = head (only
				 * with MMT_SNAP_FREE_POS) */
};

struct mmt_class_run {
	uint64_t pfn;
	uint64_t len;
	uint8_t cls;		/* enum mmt_page_class */
};

struct mmt_snapshot {
	uint64_t ts;				/* ns since header.start_ns */
	uint32_t flags;				/* MMT_SNAP_* */
	uint64_t nr_free_blocks;
	struct mmt_free_block *free_blocks;	/* sorted by pfn */
	uint64_t nr_runs;
	struct mmt_class_run *runs;		/* sorted, covering [0, max_pfn) */
	uint64_t pageblock_base;		/* pfn of pageblock_mt[0] */
	uint64_t nr_pageblocks;
	int8_t *pageblock_mt;			/* -1 unknown */
	uint32_t nr_zones;
	struct mmt_zone_info *zones;		/* zone table at this moment */
	uint64_t buddyinfo[8][MMT_MAX_ZONE_TYPES][MMT_NR_ORDERS];	/* [node][zone][order] */
	uint32_t nr_vmstat;
	struct mmt_kv *vmstat;			/* /proc/vmstat at this moment */
};

#define MMT_SNAP_FREE_EXACT	0x1	/* free blocks from a free-list walk */
#define MMT_SNAP_PB_EXACT	0x2	/* pageblock mts read, not inferred */
#define MMT_SNAP_FREE_POS	0x4	/* free blocks carry their list places */

/* ---- writer ---------------------------------------------------------- */

struct mmt_writer;

/* Creates `path` with mode 0600 (O_EXCL unless `overwrite`), writes the
 * header and the start snapshot.  NULL on error with a message in err. */
struct mmt_writer *mmt_writer_open(const char *path, int overwrite,
				   const struct mmt_header *h,
				   const struct mmt_snapshot *start,
				   char *err, size_t errlen);
/* The start snapshot, when mmt_writer_open() got none: a recorder that
 * writes events while it reads the host's memory (seconds on a big host)
 * puts it after those events' blocks.  Once; 0 or -1. */
int mmt_writer_start_snapshot(struct mmt_writer *w, const struct mmt_snapshot *s);
/* Renames the file to path (rename(2): it replaces what path held) and
 * names path in later messages.  0 or -1 (message via the writer). */
int mmt_writer_rename(struct mmt_writer *w, const char *path);
/* Appends one event; a full block is compressed and written. -1 on a write
 * error (message via mmt_writer_error()); the file stays readable. */
int mmt_writer_add(struct mmt_writer *w, const struct mmt_event *ev);
/* Ends the current block now (so a crash loses at most what came after). */
int mmt_writer_flush(struct mmt_writer *w);
/* From now on full blocks are encoded, compressed and written by a thread
 * of the writer's own, in order, while the caller fills the next one (at
 * most 4 blocks wait; a faster caller waits); the thread first calls
 * init(arg) when init is not NULL (its scheduling, say).  Write errors
 * surface at a later add, flush or close.  The file's bytes are the same
 * as without.  0, or -1 when no thread could be started (the writer goes
 * on synchronously). */
int mmt_writer_set_async(struct mmt_writer *w, void (*init)(void *), void *arg);
/* In async mode: whether full blocks go to the thread (on, the default)
 * or are written by the caller while the thread has none queued (off: no
 * hand-off, no thread wake-up).  Changing it changes no byte of the file. */
void mmt_writer_set_offload(struct mmt_writer *w, int on);
/* Writes the end snapshot (may be NULL), the index and the footer, closes
 * and frees.  Returns 0 or -1 (the file is still readable up to the last
 * whole block). */
int mmt_writer_close(struct mmt_writer *w, const struct mmt_snapshot *end);
const char *mmt_writer_error(const struct mmt_writer *w);
/* As mmt_writer_close(), with the error message in err instead of stderr. */
int mmt_writer_close_err(struct mmt_writer *w, const struct mmt_snapshot *end,
			 char *err, size_t errlen);
/* zstd level of the following blocks (default 3). */
void mmt_writer_set_level(struct mmt_writer *w, int level);
/* Events per block (default 65536, at most 1 << 20).  Smaller blocks lose
 * less on a crash and seek finer; larger ones compress slightly better. */
void mmt_writer_set_block_events(struct mmt_writer *w, uint32_t n);
/* A block also ends once its events span `ns` of trace time (default 1 s,
 * 0 = only by count), so a crash of a slow recording loses little. */
void mmt_writer_set_flush_ns(struct mmt_writer *w, uint64_t ns);
/* Names for the names table (FORMAT.md "NAMES"): a call site's
 * "symbol+0xoffset" and a process's command from time ts on (ns since
 * start; a pid's later entry replaces its name from then on: exec,
 * rename, pid reuse).  The caller adds each once; pending names are
 * written as one NAMES section ahead of the next event block (and at
 * close), so a cut file keeps the names of its whole blocks.  Names are
 * cut to MMT_SYM_MAX / MMT_COMM_MAX bytes; empty ones are ignored.
 * 0, or -1 when out of memory (the writer then fails as on a write
 * error).  Set MMT_HDR_NAMES in the header when names are recorded. */
#define MMT_SYM_MAX	512
#define MMT_COMM_MAX	64
int mmt_writer_add_sym(struct mmt_writer *w, uint64_t site, const char *name);
int mmt_writer_add_comm(struct mmt_writer *w, uint32_t pid, uint64_t ts,
			const char *comm);
/* Stats for progress: events, raw (uncompressed) bytes, file bytes. */
void mmt_writer_stats(const struct mmt_writer *w, uint64_t *events,
		      uint64_t *raw_bytes, uint64_t *file_bytes);

/* ---- reader ---------------------------------------------------------- */

struct mmt_reader;

/* Opens a trace.  A truncated file (no footer) opens fine; the reader then
 * scans blocks from the front and mmt_reader_stop_reason() says where it
 * stopped.  NULL on error with "FILE: offset N: what" in err (e.g.
 * "truncated header", "not an mmtrace file", a newer major version), and
 * errno EBADMSG when the file is not a readable trace, or the system's
 * reason (ENOENT, EACCES, EISDIR, ...) when it could not be read. */
struct mmt_reader *mmt_reader_open(const char *path, char *err, size_t errlen);
void mmt_reader_close(struct mmt_reader *r);
const struct mmt_header *mmt_reader_header(const struct mmt_reader *r);
/* which: 0 = start, 1 = end.  NULL when absent (e.g. truncated file) or
 * damaged: mmt_reader_snapshot_state() tells which. */
const struct mmt_snapshot *mmt_reader_snapshot(struct mmt_reader *r, int which);
/* 1 present and sound, 0 absent (never written, or past the cut of a
 * truncated file), -1 damaged: its section fails its checks, or a damaged
 * section header sits where it would be (*why, unless NULL, names it). */
int mmt_reader_snapshot_state(struct mmt_reader *r, int which,
			      const char **why);
/* 1 = an event was stored in *ev, 0 = end of events, -1 = error (corrupt
 * block: message via mmt_reader_error(); events before it were delivered). */
int mmt_reader_next(struct mmt_reader *r, struct mmt_event *ev);
/* Positions the reader at the first block that may hold ts >= t and skips
 * events before t.  0 or -1. */
int mmt_reader_seek_time(struct mmt_reader *r, uint64_t t);
/* Restart from the first event. */
int mmt_reader_rewind(struct mmt_reader *r);
const char *mmt_reader_error(const struct mmt_reader *r);
/* NULL for a complete file; otherwise e.g. "FILE: truncated at offset N:
 * 12 whole blocks (34567 events) readable". */
const char *mmt_reader_stop_reason(const struct mmt_reader *r);
/* Damaged event blocks are skipped, their events counted as lost, and
 * iteration goes on with the next whole block (through the index, or the
 * next sound section header when there is none) instead of returning -1
 * at the first.  Off by default; the commands turn it on (FORMAT.md,
 * "Reading a damaged file"). */
void mmt_reader_set_skip_damaged(struct mmt_reader *r, int on);
/* Damaged parts met so far: at open (index, footer, section headers while
 * walking), in snapshots loaded, in blocks read (each block once, however
 * many passes).  *events_lost (unless NULL) gets the events of skipped
 * blocks; *bytes_unknown the bytes skipped behind damaged section headers,
 * whose events cannot be counted. */
uint64_t mmt_reader_damage(const struct mmt_reader *r, uint64_t *events_lost,
			   uint64_t *bytes_unknown);
/* "FILE: offset N: what was damaged, and what was lost" of part i; NULL
 * past the first 16 (the count goes on). */
const char *mmt_reader_damage_msg(const struct mmt_reader *r, uint64_t i);
/* The damage and the truncation met so far, one "PREFIX: line" each on f
 * (with a total of events lost when several parts lost some).  Returns 1
 * when there was any (the commands then exit 3), else 0. */
int mmt_reader_print_damage(const struct mmt_reader *r, FILE *f,
			    const char *prefix);
/* Number of blocks and events per the index (0 when there is no index). */
uint64_t mmt_reader_nr_blocks(const struct mmt_reader *r);
uint64_t mmt_reader_file_bytes(const struct mmt_reader *r);
/* Duration: ts of the last event (from index or last block read). */
uint64_t mmt_reader_last_ts(struct mmt_reader *r);
/* Events in all readable blocks (from the index or the front-to-back scan). */
uint64_t mmt_reader_nr_events(const struct mmt_reader *r);

/* The names table (all NAMES sections, read on the first call).  For a
 * trace without names (an older writer, or MMT_HDR_NAMES clear) it is
 * empty with `recorded` 0.  NULL when a NAMES section is damaged
 * (message via mmt_reader_error()).  Lives until mmt_reader_close(). */
struct mmt_sym {
	uint64_t site;
	const char *name;		/* "kmem_cache_alloc_noprof+0x1a3" */
};
struct mmt_comm {
	uint32_t pid;
	uint64_t ts;			/* from this time on (ns since start) */
	const char *comm;
};
struct mmt_names {
	int recorded;			/* header has MMT_HDR_NAMES */
	uint64_t nr_syms;
	struct mmt_sym *syms;		/* sorted by site, one per site */
	uint64_t nr_comms;
	struct mmt_comm *comms;		/* sorted by pid, then ts */
	char *arena_;			/* private: the strings */
};
const struct mmt_names *mmt_reader_names(struct mmt_reader *r);
/* A site's name, NULL when the table has none. */
const char *mmt_names_sym(const struct mmt_names *n, uint64_t site);
/* pid's command at time ts: its last entry at or before ts, else its
 * first one; NULL when the pid has none. */
const char *mmt_names_comm(const struct mmt_names *n, uint32_t pid,
			   uint64_t ts);
/* pid's entries: *first gets the index of its first entry in n->comms;
 * returns their number (0 when none). */
uint64_t mmt_names_pid(const struct mmt_names *n, uint32_t pid,
		       uint64_t *first);

/* Fast path: the next events, a few hundred at a time, without copying.
 * *evs stays valid until the next call on r.  Returns the count (> 0),
 * 0 at the end, -1 on error (as mmt_reader_next).  A block is decoded a
 * piece at a time: when a block turns out corrupt part way, the events
 * before the damage have been returned. */
int64_t mmt_reader_next_batch(struct mmt_reader *r, const struct mmt_event **evs);
/* The same, and *ahead gets how many further events are already decoded
 * behind the batch, readable at evs[n], evs[n + 1], ... until the next
 * call (they come again at the start of the next batch): for a caller
 * that prefetches what coming events will touch. */
int64_t mmt_reader_next_window(struct mmt_reader *r,
			       const struct mmt_event **evs, int64_t *ahead);

/* Fields of struct mmt_event for mmt_reader_next_batch_sel (ts and kind
 * are always decoded). */
enum {
	MMT_FIELD_CPU = 1u << 0, MMT_FIELD_PID = 1u << 1,
	MMT_FIELD_PFN = 1u << 2, MMT_FIELD_ADDR = 1u << 3,
	MMT_FIELD_SITE = 1u << 4, MMT_FIELD_GFP = 1u << 5,
	MMT_FIELD_ORDER = 1u << 6, MMT_FIELD_MT = 1u << 7,
	MMT_FIELD_MT2 = 1u << 8, MMT_FIELD_NODE = 1u << 9,
	MMT_FIELD_OFFSET = 1u << 10, MMT_FIELD_CACHE = 1u << 11,
	MMT_FIELD_BYTES_REQ = 1u << 12, MMT_FIELD_BYTES_ALLOC = 1u << 13,
	MMT_FIELD_ARG = 1u << 14, MMT_FIELD_ARG2 = 1u << 15,
	/* for mmt_reader_next_batch_kinds: the kind, with ts only */
	MMT_FIELD_KIND_ONLY = 1u << 30
};
/* A cheaper pass over the trace for readers that need a few kinds and
 * fields (replay's pre-pass): as mmt_reader_next_batch, but returns only
 * the events whose kind is in `kinds` (bit 1 << kind), with only the
 * `fields` (MMT_FIELD_*) decoded; their other fields hold unspecified
 * values.  The columns of other kinds and fields are never read, so a
 * damaged block may go unnoticed here (a full pass reports it).  *ahead
 * (unless NULL) as for mmt_reader_next_window.  Returns
 * the count (> 0), 0 at the end, -1 on error.  A new selection applies
 * from the next block on (or after mmt_reader_rewind). */
int64_t mmt_reader_next_batch_sel(struct mmt_reader *r, uint64_t kinds,
				  uint32_t fields,
				  const struct mmt_event **evs, int64_t *ahead);
/* The same with fields chosen per kind: fields_by_kind[k] (MMT_FIELD_*)
 * for kind k < 64, 0 to leave kind k out, MMT_FIELD_KIND_ONLY to have
 * its events with ts and kind only. */
int64_t mmt_reader_next_batch_kinds(struct mmt_reader *r,
				    const uint32_t fields_by_kind[64],
				    const struct mmt_event **evs,
				    int64_t *ahead);

/* ---- block access for parallel readers ------------------------------- */

struct mmt_block_info {
	uint64_t offset;		/* of the block's section header */
	uint64_t min_ts, max_ts;
	uint32_t nr_events;
	uint32_t comp_bytes;		/* block payload as stored (zstd) */
	uint32_t raw_bytes;		/* column-coded payload before zstd */
};
/* 0, or -1 when i >= mmt_reader_nr_blocks(). */
int mmt_reader_block_info(const struct mmt_reader *r, uint64_t i,
			  struct mmt_block_info *bi);

/* Per-thread decoding scratch (buffers and a zstd context). */
struct mmt_block_dec;
struct mmt_block_dec *mmt_block_dec_new(void);
void mmt_block_dec_free(struct mmt_block_dec *d);
const char *mmt_block_dec_error(const struct mmt_block_dec *d);
/* Decodes block i into d's buffer; *evs is valid until d's next use.
 * Thread-safe: any number of threads may call it on one reader at once,
 * each with its own d (pread, no shared mutable state).  Returns the
 * number of events or -1 (message via mmt_block_dec_error()). */
int64_t mmt_reader_decode_block(const struct mmt_reader *r, uint64_t i,
				struct mmt_block_dec *d,
				const struct mmt_event **evs);

/* ---- decoding the recording kernel's encodings by name ---------------- */

/* Canonical gfp bits used by mmcore and dump.  Names follow the kernel's
 * ___GFP_*_BIT without prefix.  A trace maps each to its own value. */
enum mmt_gfp_canon {
	MMT_GFP_DMA, MMT_GFP_HIGHMEM, MMT_GFP_DMA32, MMT_GFP_MOVABLE,
	MMT_GFP_RECLAIMABLE, MMT_GFP_HIGH, MMT_GFP_IO, MMT_GFP_FS,
	MMT_GFP_ZERO, MMT_GFP_UNUSED, MMT_GFP_DIRECT_RECLAIM,
	MMT_GFP_KSWAPD_RECLAIM, MMT_GFP_WRITE, MMT_GFP_NOWARN,
	MMT_GFP_RETRY_MAYFAIL, MMT_GFP_NOFAIL, MMT_GFP_NORETRY,
	MMT_GFP_MEMALLOC, MMT_GFP_COMP, MMT_GFP_NOMEMALLOC, MMT_GFP_HARDWALL,
	MMT_GFP_THISNODE, MMT_GFP_ACCOUNT, MMT_GFP_ZEROTAGS,
	MMT_GFP_NOLOCKDEP, MMT_GFP_NO_OBJ_EXT,
	MMT_GFP__COUNT
};
const char *mmt_gfp_canon_name(unsigned bit);	/* "MOVABLE" */

/* Translation table from one trace's encodings to canonical ones. */
struct mmt_decode {
	uint64_t gfp_mask[MMT_GFP__COUNT];	/* 0 when this kernel lacks it */
	int mt_movable, mt_unmovable, mt_reclaimable, mt_highatomic,
	    mt_cma, mt_isolate, mt_pcptypes;	/* -1 when absent */
	int nr_migratetypes;
};
void mmt_decode_init(struct mmt_decode *d, const struct mmt_header *h);
/* Raw gfp of the recording kernel -> bitmask of (1ull << enum mmt_gfp_canon). */
uint64_t mmt_gfp_canon(const struct mmt_decode *d, uint64_t raw);
/* "GFP_KERNEL|__GFP_COMP" style rendering into buf (uses header names). */
const char *mmt_gfp_str(const struct mmt_header *h, uint64_t raw, char *buf,
			size_t len);
/* "MIGRATE_MOVABLE" -> "Movable" etc.; "mt=N" when unknown. */
const char *mmt_mt_str(const struct mmt_header *h, int mt, char *buf, size_t len);
/* The reverse of mmt_gfp_str: "GFP_KERNEL|__GFP_COMP" (composites, __GFP_
 * bit names, or 0x hex) -> the recording kernel's raw mask.  0 or -1 when a
 * name is unknown to this header. */
int mmt_gfp_parse(const struct mmt_header *h, const char *expr, uint64_t *raw);
/* "MIGRATE_MOVABLE" or "Movable" (any case) -> the header's number, -1. */
int mmt_mt_parse(const struct mmt_header *h, const char *name);

/* Text from a file, for a terminal: printable ASCII as is, a backslash
 * doubled, every other byte as \xNN, into buf (cut to len - 1 at a whole
 * escape).  Returns buf.  A buffer of 4 * strlen(s) + 1 holds it all. */
const char *mmt_text(const char *s, char *buf, size_t len);
/* s as a JSON string ("null" for NULL), bytes outside printable ASCII as
 * \u00NN (valid JSON whatever the file holds). */
void mmt_json_str(FILE *f, const char *s);

/* Header helpers. */
const char *mmt_header_sysctl(const struct mmt_header *h, const char *name);
/* A header note's value ("import.source"), NULL when absent. */
const char *mmt_header_note(const struct mmt_header *h, const char *name);
void mmt_header_free(struct mmt_header *h);	/* frees arrays, not h */
void mmt_snapshot_free(struct mmt_snapshot *s);	/* frees arrays, not s */
/* A snapshot's vmstat item name as a decimal number: 1 with *v, 0 when s is
 * NULL or has no such item, -1 when the item is there but is not one
 * (damage the caller must say, not take for absence). */
int mmt_snapshot_u64(const struct mmt_snapshot *s, const char *name,
		     uint64_t *v);
/* One such value: 1 with *v, -1 when it is not a decimal count. */
int mmt_value_u64(const char *val, uint64_t *v);

#endif
