/* SPDX-License-Identifier: MIT */
/*
 * Private to validate/: `mmtrace validate` replays traces of one workload
 * recorded under different settings, each under its own and the others'
 * settings, and sets the model's counters beside the kernel's
 * (docs/validate.md).  validate.c runs the replays, verdict.c computes the
 * statistics and the verdicts, output.c prints and writes them.
 */
#ifndef MMTRACE_VALIDATE_H
#define MMTRACE_VALIDATE_H

#include <stdint.h>
#include <stdio.h>
#include "mmtrace/replay.h"

#define VL_MAX_TRACES 64
#define VL_MAX_GROUPS 16
#define VL_MAX_SETS 32

/* One setting group: traces whose recorded policy (every sysctl a policy
 * can set, as the replay reads them from the header) is the same. */
struct vl_group {
	char label;			/* 'A', 'B', ...: A is the base */
	char *policy;			/* mmc_policy_format() lines */
	char *sets[VL_MAX_SETS];	/* the same as "vm.X=V" (into policy) */
	unsigned nr_sets;
	char desc[256];			/* what differs from A, or "base" */
	unsigned traces[VL_MAX_TRACES];
	unsigned nr_traces;
};

struct vl_trace {
	const char *path;
	unsigned group;
	uint64_t events;
};

/* Replay of trace t under the settings of group g. */
struct vl_run {
	int done, rc;
	struct mmt_replay_result res;
};

/* A validated row: one kernel counter (or a sum of several). */
#define VL_MAX_ITEMS 4
struct vl_counter {
	const char *name;		/* as printed */
	const char *items[VL_MAX_ITEMS];	/* mmc_vm_item names summed */
	int target;			/* one of the targets */
	int item[VL_MAX_ITEMS];		/* resolved, -1 unused */
	/* not an mmc_vm_item: the median of a zone's free pages at the
	 * recorder's zoneinfo samples, zone type + 1 (0: an item row) */
	int zone_free;
};

struct vl_stat { unsigned n; double mean, min, max; };

/* Same settings: the group's traces replayed under their own settings. */
struct vl_same {
	struct vl_stat kernel, model;
	int known;			/* the traces hold the kernel's value */
	int ok;				/* model mean inside the band */
	double lo, hi;			/* the band */
};

/* Across settings: group g against the base A. */
enum vl_spread { VL_SPREAD_NONE, VL_SPREAD_WITHIN, VL_SPREAD_EXCEEDS,
		 VL_SPREAD_UNKNOWN };
struct vl_across {
	int known;
	double measured;		/* kernel mean g / kernel mean A; <0 - */
	double predicted;		/* sum model(t, g) / sum model(t, A) */
	double pred_from_base;		/* the same over A's traces only */
	double model_g, model_a;	/* mean model value over all traces */
	enum vl_spread spread;
	int evaluated, dir_ok, ratio_ok;
	double off;			/* max(p/m, m/p) */
};

enum vl_fits { VL_FITS_HOST, VL_FITS_SETTINGS, VL_FITS_TRACE };

struct vl_result {
	enum mmt_memcg_walk memcg_walk;	/* --memcg-walk, for every replay */
	struct vl_trace trace[VL_MAX_TRACES];
	unsigned nr_traces;
	struct vl_group group[VL_MAX_GROUPS];
	unsigned nr_groups;
	struct vl_run *runs;		/* [trace * nr_groups + group] */
	struct vl_counter *counters;
	unsigned nr_counters;
	struct vl_same *same;		/* [counter * nr_groups + group] */
	struct vl_across *across;	/* [counter * nr_groups + group] */
	/* per group: allocation failures (model, all replays under own
	 * settings) against the kernel's OOM kills, and the end unusable
	 * index at order 9 */
	struct vl_stat fail_model[VL_MAX_GROUPS], oom_kernel[VL_MAX_GROUPS];
	int fail_ok[VL_MAX_GROUPS];
	struct vl_stat ui_model[VL_MAX_GROUPS], ui_kernel[VL_MAX_GROUPS];
	/* no verdict: the model's held page-cache allocations a run, and
	 * as a share of the kernel's pages allocated (pgalloc_*) */
	struct vl_stat held_model[VL_MAX_GROUPS], held_share[VL_MAX_GROUPS];
	/* no verdict: each trace's mean |ln((model+1)/(kernel+1))| over its
	 * zoneinfo samples under its own settings, DMA32 [0] and Normal [1]
	 * (n 0: no samples) */
	struct vl_stat zf_err[VL_MAX_GROUPS][2];
	int ui_known[VL_MAX_GROUPS], ui_ok[VL_MAX_GROUPS];
	/* the cost fits every replay uses (--fits, docs/validate.md), from
	 * the sums each trace's own-settings replay gives: pooled over every
	 * trace (the host's reclaim, compaction and kswapd costs: a per-trace
	 * fit of a few dozen noisy durations gives each trace its own kswapd
	 * speed), over the traces of each setting, or each trace's own */
	enum vl_fits fits;
	struct mmt_fit_sums pooled;
	struct mmt_fit_sums pooled_g[VL_MAX_GROUPS];
	int have_pooled;
	/* targets met, of those that could be judged */
	unsigned same_met, same_of, across_met, across_of;
};

static inline struct vl_run *vl_run(struct vl_result *v, unsigned t,
				    unsigned g)
{
	return &v->runs[t * v->nr_groups + g];
}

/* --fits's name for f: host, settings or trace. */
const char *vl_fits_name(enum vl_fits f);

/* verdict.c */
int vl_counters_init(struct vl_result *v);
void vl_evaluate(struct vl_result *v);
/* The counter's value in a replay result (model or kernel side); 0 when
 * the kernel's is unknown (*known = 0). */
double vl_value(const struct vl_counter *c, const struct mmt_replay_result *r,
		int kernel, int *known);

/* output.c */
void vl_print_text(const struct vl_result *v, FILE *f);
void vl_print_json(const struct vl_result *v, FILE *f);
void vl_write_tsv(const struct vl_result *v, FILE *f);

#endif
