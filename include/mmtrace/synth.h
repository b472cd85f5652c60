/* SPDX-License-Identifier: MIT */
/*
 * Synthetic traces for tests (trace, replay and report suites).
 *
 * TEST DATA ONLY.  The header built here describes a 6.18 x86-64 host: its
 * gfp bit layout, migratetypes and zone types are given *by name* from one
 * table in traces/synth.c, exactly as a real trace header carries them, so
 * code under test must decode them by name (mmt_decode_init and friends)
 * just as it does for a recorded trace.  Real traces never use this file.
 */
#ifndef MMTRACE_SYNTH_H
#define MMTRACE_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include "mmtrace/trace.h"

/* The default layout: one node, DMA [1, 4096), DMA32 [4096, 1M) and Normal
 * [1M, 1M + normal_pages) pfns, managed/present close to a 4 GiB VM's, with
 * watermarks and lowmem_reserve computed as __setup_per_zone_wmarks() and
 * setup_per_zone_lowmem_reserve() do for the default sysctls.
 * Fills z[0..2]; returns 3. */
uint32_t mmt_synth_default_zones(struct mmt_zone_info z[3], uint64_t normal_pages);

/* A complete header: 6.18 encodings, `nr_cpus` cpus on node 0, the zones
 * given (or the default layout with 256 Ki Normal pages when zones is
 * NULL), vm sysctl defaults, a few slab caches.  Release "6.18.0-synth".
 * 0, or -1 when out of memory.  Free with mmt_header_free(). */
int mmt_synth_header(struct mmt_header *h, const struct mmt_zone_info *zones,
		     uint32_t nr_zones, uint32_t nr_cpus);

/* "GFP_HIGHUSER_MOVABLE|__GFP_ZERO" -> the header's raw mask, composing
 * from the header's bit names.  Returns 0 when a name is unknown. */
uint64_t mmt_synth_gfp(const struct mmt_header *h, const char *expr);
/* "MIGRATE_MOVABLE" (or "Movable") -> the header's number, -1 unknown. */
int mmt_synth_mt(const struct mmt_header *h, const char *name);

/* A start snapshot matching a header: every managed page of every zone
 * free in the largest aligned blocks, pageblocks MOVABLE, class runs FREE
 * with holes where pfns are not present, buddyinfo and a few vmstat
 * counters filled.  0 or -1.  Free with mmt_snapshot_free(). */
int mmt_synth_snapshot(struct mmt_snapshot *s, const struct mmt_header *h);

/* A fault loop as `mmtrace record` sees it: rounds of touching `chunk`
 * pages (FAULT_USER at addr + 4096 each time, then PAGE_ALLOC order 0
 * GFP_HIGHUSER_MOVABLE|__GFP_ZERO, MIGRATE_MOVABLE, pfn taken from a
 * simulated per-cpu list refilled in batches of 63 from ascending buddy
 * pfns) and then freeing them (PAGE_FREE of the same pfns, back onto the
 * list).  One pid, `nr_cpus` (1 or 2) cpus, about 1 us apart with jitter.
 * With pcp_events, also PCP_REFILL / PCP_DRAIN for each batch.
 * Deterministic for a seed.  Writes n events into out; returns n. */
struct mmt_synth_loop {
	uint32_t chunk;		/* pages per round, default 256 */
	uint32_t nr_cpus;	/* 1 or 2, default 1 */
	int pcp_events;
	uint64_t seed;
};
size_t mmt_synth_fault_loop(const struct mmt_header *h,
			    const struct mmt_synth_loop *opt,
			    struct mmt_event *out, size_t n);

#endif
