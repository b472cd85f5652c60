/* SPDX-License-Identifier: MIT */
/* Internal API of the collector (the .c files in collector/): host facts, snapshots,
 * kernel symbol hashing.  Not installed; record.c is the only user. */
#ifndef MMTRACE_COLLECTOR_H
#define MMTRACE_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>
#include "mmtrace/trace.h"

struct btf;

/* ---- host.c: header facts ---------------------------------------------- */

/* Fills everything in *h that the host can tell (uname, cpus, nodes,
 * sysctls, zones, gfp/migratetype/zone-type names from BTF, slab caches).
 * `btf` may be NULL (then tracefs formats are used for gfp bits).  Missing
 * pieces are noted in h->notes, never fatal.  0, or -1 with err set. */
int coll_host_fill(struct mmt_header *h, const struct btf *btf, char *err,
		   size_t errlen);
/* Appends a note "name" = "value" to h->notes. */
void coll_note(struct mmt_header *h, const char *name, const char *value);

/* /proc/zoneinfo as a zone table; zone_idx from h's zone type names when
 * known.  Returns the number of zones (malloc'ed into *out) or -1. */
int coll_read_zoneinfo(const struct mmt_header *h, struct mmt_zone_info **out);

/* Reads a whole small file into buf (NUL-terminated). -1 on error. */
int coll_read_file(const char *path, char *buf, size_t len);

/* ---- snapshot.c --------------------------------------------------------- */

/* Exact free blocks from a walk of the kernel's free lists (record.c's
 * BPF walk); 0 and a malloc'ed array sorted by pfn, or -1. */
typedef int (*coll_walk_fn)(void *ctx, struct mmt_free_block **out,
			    uint64_t *n);

/* Takes a snapshot of physical memory now (kpageflags, kpagecount,
 * buddyinfo, zoneinfo, vmstat, and the free lists when `walk` is given
 * and works).  ts = ns since h->start_ns. */
int coll_snapshot(const struct mmt_header *h, struct mmt_snapshot *s,
		  uint64_t ts, coll_walk_fn walk, void *walk_ctx,
		  char *err, size_t errlen);

/* Appends one item to the snapshot's vmstat list (the mmtrace_* host
 * items beside /proc/vmstat's); 0, or -1 when out of memory. */
int coll_snapshot_item(struct mmt_snapshot *s, const char *name, uint64_t v);

/* ---- memcg.c ------------------------------------------------------------- */

/* Appends the mmtrace_memcg_* items: where the recorder's memory cgroup
 * stands in direct reclaim's walk over the cgroups (memcg.c). */
void coll_memcg_items(struct mmt_snapshot *s);

/* ---- tracefs.c --------------------------------------------------------- */

/* The tracefs root ("/sys/kernel/tracing", or debugfs's tracing/ on old
 * kernels), mounting tracefs first when it is not mounted (root only).
 * *mounted_now (may be NULL) says whether this call mounted it.  NULL with
 * the reason in why when tracefs cannot be had. */
const char *coll_tracefs(int *mounted_now, char *why, size_t whylen);

/* ---- ksyms.c: call sites as stable ids ----------------------------------- */

struct coll_ksyms;
struct coll_ksyms *coll_ksyms_load(void);	/* NULL: none readable */
/* FNV-1a 64 of "symbol+0xoffset" (stable across boots and hosts running
 * the same kernel build); keyed hash when the address is not a symbol. */
uint64_t coll_ksyms_hash(struct coll_ksyms *k, uint64_t addr);
/* From now on, the first time a symbol's hash is computed its name goes
 * to w's names table (once per hash, however often the cache evicts it). */
void coll_ksyms_name_into(struct coll_ksyms *k, struct mmt_writer *w);
void coll_ksyms_free(struct coll_ksyms *k);

/* ---- comm.c: process names ---------------------------------------------- */

#define COLL_COMM_LEN 64
struct coll_comms;
struct coll_comms *coll_comms_new(void);	/* NULL: out of memory */
void coll_comms_free(struct coll_comms *c);
/* Every process in /proc now (and pid 0, "swapper"). */
void coll_comms_scan(struct coll_comms *c);
/* pid is called comm (at most len bytes, need not be NUL-terminated)
 * from now on (a fork, exec or rename the BPF side saw). */
void coll_comms_set(struct coll_comms *c, uint32_t pid, const char *comm,
		    size_t len);
/* 1 when pid's current name is not in the trace yet (coll_comms_note
 * would write it). */
int coll_comms_pending(struct coll_comms *c, uint32_t pid);
/* An event of pid at ts: writes pid's name to w's names table unless the
 * current one is there already.  0, or -1 on a writer error. */
int coll_comms_note(struct coll_comms *c, uint32_t pid, uint64_t ts,
		    struct mmt_writer *w);

uint64_t coll_keyed_hash(uint64_t key, uint64_t v);
/* FNV-1a 64 of "symbol+0xoffset": a call site's id (also import's). */
uint64_t coll_site_hash(const char *s);
uint64_t coll_now_ns(int clock);

/* ---- sched.c: keeping up under pressure ------------------------------ */

/* The calling thread at SCHED_FIFO prio / back to SCHED_OTHER; threads
 * and processes it starts get normal scheduling.  0 or -1 (errno). */
int coll_sched_rt(int prio);
int coll_sched_normal(void);
/* mlockall of what is mapped and will be touched.  0 or -1 (errno). */
int coll_lock_memory(void);
/* Pins the calling thread to the CPU it runs on and returns another CPU
 * it may use (for BPF_F_TEST_RUN_ON_CPU), or -1 when it has no other;
 * coll_unpin() puts the thread's CPU mask back.  See sched.c. */
struct coll_pin { unsigned long mask[16]; int saved; };	/* a cpu_set_t */
int coll_pin_other_cpu(struct coll_pin *p);
void coll_unpin(struct coll_pin *p);

/* ---- pressure.c: the kernel's response to memory pressure ------------- */

/* What converting a ring record needs from the recorder. */
struct coll_conv {
	uint64_t vmemmap, page_struct_size;	/* struct page * -> pfn */
	uint64_t start_ns;			/* trace time 0 (ktime) */
	uint64_t (*site)(void *ctx, uint64_t ip);	/* kernel ip -> site */
	void *site_ctx;
};

struct coll_pressure_stats {
	uint64_t free_pages[MMT_FREE__COUNT];	/* pages freed, by cause */
	uint64_t isolated_pages;	/* in COMPACT_ISOLATE events written */
	uint64_t isolate_dups;		/* candidates already held: dropped */
	uint64_t passes;		/* free-scanner and fast passes read */
	uint64_t passes_short;		/* ... whose blocks fell short of */
	uint64_t pages_short;		/* nr_taken, by this many pages */
	uint64_t isolate_nomem;		/* written but not remembered */
	uint64_t migrate_pairs;		/* MIGRATE events written */
	uint64_t migrate_pairs_dropped;	/* target outside the isolated blocks */
};

struct coll_pressure;
struct coll_pressure *coll_pressure_new(void);	/* NULL: out of memory */
void coll_pressure_free(struct coll_pressure *p);
/* Converts a ring record of the kinds pressure.c owns (PAGE_FREE,
 * FILEMAP_ADD/DEL, COMPACTION_BEGIN/END, LOST and kinds 26..46) into
 * out[0] (and out[1]: a MIGRATE precedes the free of its source).  The
 * caller has set ts, kind, cpu, pid and node = -1 in out[0].  Returns the
 * number of events to write (0: drop), or -1 for another kind. */
int coll_pressure_convert(struct coll_pressure *p, const struct coll_conv *cv,
			  const void *data, size_t size, struct mmt_event *out);
const struct coll_pressure_stats *coll_pressure_stats(const struct coll_pressure *p);

#endif
