/* SPDX-License-Identifier: MIT */
/*
 * Fuzz input -> a well-formed trace with hostile values (fuzz_replay.c).
 * Every byte string gives a file the writer produced (so every checksum,
 * length and index is right) whose header, snapshots and events hold
 * values the reader accepts but no sane host makes: zones at the pfn
 * limit or overlapping, orders up to the header's max_order, pfns outside
 * every zone or MMT_NO_PFN, cpus and nodes the header lacks, times jumping
 * by years, frees of pages never allocated, slab objects of caches the
 * model never made.  Some choices go past the reader's limits on purpose
 * (an event at 2^64 - 1 ns): those files must be refused, cleanly.
 */
#ifndef MMTRACE_FUZZ_GEN_H
#define MMTRACE_FUZZ_GEN_H

#include <stddef.h>
#include <stdint.h>

/* What the rest of the input asks the replay to do. */
struct gen_run {
	int mirror;		/* mode */
	int outdir;		/* write the run directory too */
	int split;		/* --topology 2 */
	uint64_t sample_ns;	/* 0: the default */
	int zones;		/* also `mmtrace zones FILE` */
	int inferred;		/* policy mode from an inferred start (--start) */
};

/* Writes the trace for data[0, size) to path.  0, or -1 when the writer
 * refused it (out of memory). */
int gen_trace(const uint8_t *data, size_t size, const char *path,
	      struct gen_run *run);

#endif
