/* SPDX-License-Identifier: MIT */
/*
 * Replay: feeds a trace into mmcore under one policy and writes one run
 * directory (docs/replay-output.md).  `mmtrace replay` is a thin CLI over
 * mmt_replay_run(); `mmtrace compare` and the tests call it in-process.
 */
#ifndef MMTRACE_REPLAY_H
#define MMTRACE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

enum mmt_replay_mode { MMT_REPLAY_POLICY = 0, MMT_REPLAY_MIRROR = 1 };

struct mmt_replay_opts {
	const char *trace;		/* path of the .mmt file */
	const char *outdir;		/* created if missing; NULL = no files */
	enum mmt_replay_mode mode;
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
};

/* Exit-code style result: 0 ok (also for a truncated trace, with a
 * warning on stderr), 1 runtime/trace error, 2 bad option (unknown sysctl,
 * bad value, bad topology).  err gets a one-line message for 1 and 2. */
int mmt_replay_run(const struct mmt_replay_opts *o,
		   struct mmt_replay_result *res, char *err, size_t errlen);

#endif
