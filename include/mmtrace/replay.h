/* SPDX-License-Identifier: MIT */
/*
 * Replay: feeds a trace into mmcore under one policy and writes one run
 * directory (docs/replay-output.md).  `mmtrace replay` is a thin CLI over
 * mmt_replay_run(); `mmtrace compare` and the tests call it in-process.
 */
#ifndef MMTRACE_REPLAY_H
#define MMTRACE_REPLAY_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

enum mmt_replay_mode { MMT_REPLAY_POLICY = 0, MMT_REPLAY_MIRROR = 1 };
/* The model's state before the first event: the trace's start snapshot
 * when it has one (AUTO), or inferred from the header's zone table alone
 * (every page of the zones free), as an imported capture must start. */
enum mmt_replay_start { MMT_START_AUTO = 0, MMT_START_SNAPSHOT,
			MMT_START_INFERRED };

#define MMT_REPLAY_MAX_COUNTERS 96

struct mmt_replay_opts {
	const char *trace;		/* path of the .mmt file */
	const char *outdir;		/* created if missing; NULL = no files */
	enum mmt_replay_mode mode;
	enum mmt_replay_start start;	/* INFERRED: policy mode only */
	const char *topology;		/* NULL: the trace's own; "N" or a spec */
	const char *policy_file;	/* NULL or a file of vm.X=V lines */
	const char *const *sets;	/* "vm.X=V" overrides, applied last */
	unsigned nr_sets;
	uint64_t sample_ns;		/* 0: about 200 samples over the trace */
	int progress;			/* 1: progress on stderr (a terminal) */
	int print_table;		/* 1: model-vs-kernel / mirror text on stdout */
};

/* The headline figures, also written to summary.json. */
struct mmt_replay_result {
	uint64_t events_replayed;
	uint64_t events_read;		/* events the reader delivered */
	/* The events the trace holds, per its index; when the file was cut
	 * before its index the total is unknown: events_total_known is 0
	 * and events_total counts the events readable up to the cut. */
	uint64_t events_total;
	int events_total_known;
	int stopped_early;
	/* policy mode: model vs kernel */
	uint64_t model_fallbacks, kernel_fallbacks;
	uint64_t model_direct_reclaims, kernel_direct_reclaims;
	uint64_t model_kswapd_wakes, kernel_kswapd_wakes;
	uint64_t model_compact_stalls, kernel_compact_stalls;
	uint64_t model_node_reclaims, kernel_node_reclaims;
	uint64_t remote_allocs, oom, alloc_fail;
	uint64_t latency_p50, latency_p99, latency_p999, latency_max;
	double order9_success_rate;
	double unusable_index_order9_end;
	/* mirror mode */
	double pfn_agreement, order_agreement;
	uint64_t pages_compared, pages_disagree;
	/* policy mode: the model's kernel-named counters (mmcore's enum
	 * mmc_vm_item, mmc_vm_item_name) beside the kernel's own count of
	 * the same name in the trace (model_vs_kernel.tsv); kernel_known[i]
	 * is 0 when the trace cannot tell */
	unsigned nr_counters;
	uint64_t model_counter[MMT_REPLAY_MAX_COUNTERS];
	uint64_t kernel_counter[MMT_REPLAY_MAX_COUNTERS];
	uint8_t kernel_known[MMT_REPLAY_MAX_COUNTERS];
	/* the order-9 unusable free space index of the trace's end
	 * snapshot, over all zones (kernel_unusable_known 0: no snapshot) */
	double kernel_unusable_index_order9_end;
	int kernel_unusable_known;
	/* allocations of the trace (page, fault, slab page, refault) the
	 * model could not place although the kernel did; `oom` counts the
	 * model's would-be OOM kills, `alloc_fail` every failed attempt,
	 * THP attempts that fell back to 4 KiB pages included */
	uint64_t demand_alloc_fail;
};

/* Creates DIR (with its parents) and DIR/NAME for writing, truncated, as
 * a run folder's files are made (0777/0666 less the umask); NULL with
 * errno set.  For the tools that write beside run folders. */
FILE *mmt_replay_create(const char *dir, const char *name);

/* Exit-code style result: 0 ok (also for a truncated trace, with a
 * warning on stderr), 1 runtime/trace error, 2 bad option (unknown sysctl,
 * bad value, bad topology).  err gets a one-line message for 1 and 2. */
int mmt_replay_run(const struct mmt_replay_opts *o,
		   struct mmt_replay_result *res, char *err, size_t errlen);

#endif
