/* SPDX-License-Identifier: MIT */
/*
 * Private to analyze/: `mmtrace stat`, what perf kmem stat, bcc's memleak
 * and slabratetop tell, from a trace: page and slab allocations by call
 * site, process, cache, order, gfp and migratetype, migratetype
 * fallbacks, and what is still allocated at the end.
 *
 * Counting follows perf kmem (tools/perf/builtin-kmem.c) where perf has
 * the same figure, so the two can be put side by side: every
 * mm_page_alloc is a request (failures included), a free is matched to
 * the live allocation of its pfn; every kmalloc/kmem_cache_alloc is a
 * hit of its call site, a kfree/kmem_cache_free frees the bytes of the
 * object's live allocation at that address.
 */
#ifndef MMTRACE_ANALYZE_STAT_H
#define MMTRACE_ANALYZE_STAT_H

#include <stdint.h>
#include "mmtrace/filter.h"
#include "mmtrace/trace.h"
#include "pagetab.h"
#include "table.h"

#define STAT_MT 8		/* migratetype slots shown (kernel numbers < 8) */
#define STAT_ORDERS 12		/* orders 0..10, and "11+" */
#define STAT_MAX_IDX (1u << 20)	/* distinct sites / pids kept apart */
/* What the pfn-indexed live pages may take (pagetab.h): a 24 GiB host's
 * pfns need 48 MiB when every chunk is touched, its traces of a few
 * seconds are tens of MiB; past the bound, the pfns go to a hash. */
#define STAT_PAGES_MEM_BASE (16ull << 20)
#define STAT_PAGES_MEM_PER_BYTE 4

struct stat_site {
	uint64_t site;
	uint64_t allocs, frees, bytes_req, bytes_alloc, bytes_freed, pingpong;
	uint64_t page_allocs, pages;	/* page allocations with this site */
	uint64_t leak_objs, leak_bytes;	/* still allocated at the end */
	uint64_t leak_pages;
};

struct stat_proc {
	uint32_t pid;
	uint64_t page_allocs, pages, page_frees, pages_freed;
	uint64_t slab_allocs, slab_bytes, slab_frees;
	uint64_t faults;
	uint64_t leak_pages, leak_bytes;
};

struct stat_cache {
	uint64_t allocs, frees, bytes_alloc, bytes_req;
	uint64_t churn;			/* freed again inside the window */
	uint64_t leak_objs, leak_bytes;
};

struct stat_gfp {
	uint64_t gfp;
	uint64_t allocs, pages;
};

/* The last lookup of an index (stat_agg.c lookup()). */
struct stat_memo {
	uint64_t key;
	uint32_t idx;
	int ok;
};

struct kmstat {
	const struct mmt_header *h;
	const struct mmt_names *names;	/* NULL without a names table */
	struct mmt_filter *flt;
	int kmalloc_idx[3][16];		/* [plain, cg, rcl][log2 size] -> cache */
	uint32_t nr_caches;		/* header's + 1 for large kmalloc */

	/* page allocator */
	uint64_t page_allocs, page_alloc_pages, page_fails, page_fail_pages;
	uint64_t page_frees, page_free_pages, page_nomatch, page_nomatch_pages;
	uint64_t leak_page_allocs, leak_pages;	/* live at the end */
	uint64_t order_mt[STAT_ORDERS][STAT_MT];
	uint64_t order_mt_pages[STAT_ORDERS][STAT_MT];
	struct stat_gfp *gfps;
	uint32_t ngfps, cap_gfps;
	struct tab gfp_idx;
	/* fallbacks: [alloc mt][fallback mt] */
	uint64_t fallback[STAT_MT][STAT_MT], fallback_claimed[STAT_MT][STAT_MT];
	uint64_t fallback_pages;

	/* slab allocator */
	uint64_t slab_allocs, bytes_req, bytes_alloc, bytes_freed;
	uint64_t slab_frees, slab_frees_nomatch, cross_node, pingpong;
	struct stat_cache *caches;

	struct stat_site *sites;
	uint32_t nsites, cap_sites;
	struct tab site_idx;
	struct stat_proc *procs;
	uint32_t nprocs, cap_procs;
	struct tab pid_idx;
	uint32_t last_pid, last_pidx;
	struct stat_memo site_memo, gfp_memo;

	struct pagetab live_pages;	/* pfn -> packed page */
	struct tab live_objs;		/* address -> packed object, bytes|ts */

	uint64_t events, matched, lost;
	uint64_t first_ts, last_ts;	/* of matched events */
	uint64_t faults_user, faults_kernel;
	uint64_t direct_reclaims, reclaimed, compact_tries, kswapd_wakes;
	int oom;
};

/* Prepares s for the trace of r (names, kmalloc caches) with filter f
 * (bound already).  0 or -1 (out of memory). */
int stat_init(struct kmstat *s, struct mmt_reader *r, struct mmt_filter *f);
void stat_free(struct kmstat *s);
/* Reads every event of r.  0, or -1 with the reader's error (what was
 * read before it is counted). */
int stat_run(struct kmstat *s, struct mmt_reader *r, int progress);
/* After the run: what is still live goes into the leak columns. */
void stat_finish(struct kmstat *s);

/* Names for output. */
const char *stat_site_name(const struct kmstat *s, uint64_t site, char *buf,
			   size_t len);
const char *stat_comm(const struct kmstat *s, uint32_t pid);
const char *stat_cache_name(const struct kmstat *s, uint32_t i);
const char *stat_mt_name(const struct kmstat *s, int mt, char *buf, size_t len);

/* Output (stat_out.c).  `lines` rows per table (0 = all), `sort` a key
 * of the tables (NULL = each table's own). */
struct stat_out {
	int lines;
	const char *sort;
	unsigned sections;		/* STAT_S_* */
	int json;
};
#define STAT_S_SUMMARY	0x01
#define STAT_S_SITES	0x02
#define STAT_S_PROCS	0x04
#define STAT_S_CACHES	0x08
#define STAT_S_PAGES	0x10	/* orders x migratetypes, gfp */
#define STAT_S_FALLBACK	0x20
#define STAT_S_LEAKS	0x40
#define STAT_S_ALL	0x7f
/* -1 for an unknown --sort key (message on stderr). */
int stat_check_sort(const char *key);
int stat_print_text(const struct kmstat *s, const struct stat_out *o, FILE *f);
int stat_print_json(const struct kmstat *s, const struct stat_out *o, FILE *f);

#endif
