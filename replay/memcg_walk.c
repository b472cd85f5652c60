/* SPDX-License-Identifier: MIT */
/*
 * memcg_walk.c: how the model's direct reclaim walks the memory cgroups,
 * from where the trace's host had the recorder's group (the snapshots'
 * mmtrace_memcg_* items, collector/memcg.c) or from --memcg-walk.
 *
 * The kernel's direct reclaim walks the groups partially from a position
 * the node's walkers share (shrink_node_memcgs(), mem_cgroup_iter()).  The
 * model has one lruvec a node, the workload's.  When groups with too
 * little for a scan at DEF_PRIORITY follow the workload's group in the
 * walk, every walk that stopped at the workload leaves the next one a
 * round of nothing, and that stall takes 32 pages at the next priority
 * (mmcore's mmc_set_memcg_walk(1)); when nothing follows it, a walk that
 * starts at the end begins again at the root and scans the workload at
 * DEF_PRIORITY (the default, one walk over the node).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

/* 1 << DEF_PRIORITY: a list shorter than this is not scanned at it. */
#define MEMCG_SCAN_PAGES 4096u

/* The walk the trace's host had, from a snapshot's items; *why says what
 * decided it, *bad names an item that is there but no number. */
static int walk_from_snapshot(const struct mmt_snapshot *s,
			      enum rp_memcg_why *why, const char **bad)
{
	static const char *const names[3] = {
		"mmtrace_memcg_depth", "mmtrace_memcg_after",
		"mmtrace_memcg_after_file_max",
	};
	uint64_t v[3] = { 0 };
	int found = 0;

	for (int i = 0; i < 3; i++) {
		int rc = mmt_snapshot_u64(s, names[i], &v[i]);

		if (rc < 0) {
			*bad = names[i];
			*why = RP_MEMCG_BAD;
			return 0;
		}
		found += rc;
	}
	if (found < 3) {
		*why = RP_MEMCG_NOT_RECORDED;
		return 0;
	}
	uint64_t depth = v[0], after = v[1], file_max = v[2];

	if (!depth) {
		*why = RP_MEMCG_ROOT;
		return 0;
	}
	if (!after) {
		*why = RP_MEMCG_LAST;
		return 0;
	}
	if (file_max >= MEMCG_SCAN_PAGES) {
		*why = RP_MEMCG_AFTER_FULL;
		return 0;
	}
	*why = RP_MEMCG_AFTER_EMPTY;
	return 1;
}

void rp_memcg_walk_setup(struct rp_run *r)
{
	const struct mmt_snapshot *s = r->snap_start ? r->snap_start :
				       mmt_reader_snapshot(r->rd, 0);
	int partial;

	switch (r->o->memcg_walk) {
	case MMT_MEMCG_WALK_PARTIAL:
		partial = 1;
		r->memcg_why = RP_MEMCG_OPTION;
		break;
	case MMT_MEMCG_WALK_WHOLE:
		partial = 0;
		r->memcg_why = RP_MEMCG_OPTION;
		break;
	default: {
		const char *bad = NULL;

		partial = walk_from_snapshot(s, &r->memcg_why, &bad);
		if (bad)
			fprintf(stderr, "%s: %s: start snapshot item %s is not "
				"a number: the memcg walk is taken as whole\n",
				rp_who(r), r->o->trace, bad);
		break;
	}
	}
	r->memcg_partial = partial;
	(void)mmc_set_memcg_walk(r->m, partial);
}

const char *rp_memcg_walk_note(const struct rp_run *r)
{
	static const char *const notes[] = {
		[RP_MEMCG_NOT_RECORDED] =
			"the trace does not say where the recorder's memory "
			"cgroup stood (recorded before the mmtrace_memcg_* "
			"items): direct reclaim scans the workload at every "
			"priority from DEF_PRIORITY, as when nothing follows "
			"its group in the kernel's walk (--memcg-walk partial "
			"for the other case)",
		[RP_MEMCG_ROOT] =
			"the recorder ran in the root memory cgroup: direct "
			"reclaim scans the workload at every priority from "
			"DEF_PRIORITY",
		[RP_MEMCG_LAST] =
			"no memory cgroup followed the recorder's in the "
			"kernel's walk: direct reclaim scans the workload at "
			"every priority from DEF_PRIORITY",
		[RP_MEMCG_AFTER_FULL] =
			"the memory cgroups after the recorder's in the "
			"kernel's walk held enough to scan at DEF_PRIORITY, "
			"and the model has no lruvec for them: direct reclaim "
			"scans the workload at every priority",
		[RP_MEMCG_AFTER_EMPTY] =
			"memory cgroups with little to reclaim followed the "
			"recorder's in the kernel's walk: a direct reclaim "
			"that stopped at the workload leaves the next one a "
			"round of nothing at its first priority "
			"(shrink_node_memcgs(), mmc_set_memcg_walk())",
		[RP_MEMCG_BAD] =
			"the trace's mmtrace_memcg_* items are damaged (not "
			"numbers): direct reclaim scans the workload at every "
			"priority from DEF_PRIORITY",
		[RP_MEMCG_OPTION] = NULL,
	};

	if (r->memcg_why == RP_MEMCG_OPTION)
		return r->memcg_partial ?
			"--memcg-walk partial: a direct reclaim that stopped at "
			"the workload's memory cgroup leaves the next one a "
			"round of nothing at its first priority" :
			"--memcg-walk whole: direct reclaim scans the workload "
			"at every priority from DEF_PRIORITY";
	return notes[r->memcg_why];
}

const char *rp_memcg_walk_name(const struct rp_run *r)
{
	return r->memcg_partial ? "partial" : "whole";
}

const char *rp_memcg_why_name(const struct rp_run *r)
{
	static const char *const names[] = {
		[RP_MEMCG_NOT_RECORDED] = "not recorded",
		[RP_MEMCG_ROOT] = "root group",
		[RP_MEMCG_LAST] = "last in the walk",
		[RP_MEMCG_AFTER_FULL] = "groups after it hold enough to scan",
		[RP_MEMCG_AFTER_EMPTY] = "groups after it hold little",
		[RP_MEMCG_BAD] = "damaged items",
		[RP_MEMCG_OPTION] = "--memcg-walk",
	};

	return names[r->memcg_why];
}

/* What the kernel's own direct reclaims in the trace say of its walk:
 * most began below DEF_PRIORITY (a walk that found nothing at its first
 * priority) -> 1, most at DEF_PRIORITY -> 0; -1 with fewer than 20 that
 * scanned at all.  *below and *n: those below DEF_PRIORITY, and all that
 * scanned. */
int rp_memcg_kernel_walk(const struct rp_run *r, uint64_t *below, uint64_t *n)
{
	const uint64_t *c = r->k.dr_first_prio;

	*below = c[RP_DR_PRIO_DEF_1] + c[RP_DR_PRIO_LOWER];
	*n = *below + c[RP_DR_PRIO_DEF];
	if (*n < 20)
		return -1;
	return *below * 2 > *n;
}

/* A note when the kernel's direct reclaims look like the other walk than
 * the one replayed; NULL when they agree or say too little. */
const char *rp_memcg_kernel_note(const struct rp_run *r)
{
	uint64_t below, n;
	int k = rp_memcg_kernel_walk(r, &below, &n);

	if (k < 0 || k == r->memcg_partial)
		return NULL;
	return k ? "most of the kernel's direct reclaims in this trace began "
		   "below DEF_PRIORITY (summary.json kernel_direct_reclaim_"
		   "first_priority), as a partial memory cgroup walk makes "
		   "them, and the replay walked the whole node: --memcg-walk "
		   "partial models the other" :
		   "most of the kernel's direct reclaims in this trace began "
		   "at DEF_PRIORITY (summary.json kernel_direct_reclaim_first_"
		   "priority), as a whole walk makes them, and the replay "
		   "walked the memory cgroups partially: --memcg-walk whole "
		   "models the other";
}

