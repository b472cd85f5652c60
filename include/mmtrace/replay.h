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

/* How direct reclaim walks the memory cgroups (mmcore's
 * mmc_set_memcg_walk()): AUTO as the trace's snapshots say the host had
 * it (replay/memcg_walk.c), or forced. */
enum mmt_memcg_walk { MMT_MEMCG_WALK_AUTO = 0, MMT_MEMCG_WALK_WHOLE,
		      MMT_MEMCG_WALK_PARTIAL };
/* --memcg-walk: "auto", "whole" or "partial"; on a bad value prints
 * "mmtrace CMD: --memcg-walk V: ..." to stderr and returns -1. */
int mmt_replay_parse_memcg_walk(const char *cmd, const char *arg,
				enum mmt_memcg_walk *walk);

#define MMT_REPLAY_MAX_COUNTERS 96
#define MMT_REPLAY_ZONE_TYPES 4

/* The cost fits (docs/replay-output.md calibration.tsv): direct reclaim,
 * compaction, node reclaim and kswapd, each y = a + b x1 + c x2 by least
 * squares, kept as running sums (n, s1, s2, sy, s11, s12, s22, s1y, s2y,
 * syy), so that the fits of several traces of one host can be pooled. */
#define MMT_REPLAY_NR_FITS 4
struct mmt_fit_sums { double v[MMT_REPLAY_NR_FITS][10]; };

struct mmt_replay_opts {
	const char *trace;		/* path of the .mmt file */
	const char *outdir;		/* created if missing; NULL = no files */
	enum mmt_replay_mode mode;
	enum mmt_replay_start start;	/* INFERRED: policy mode only */
	const char *topology;		/* NULL: the trace's own; "N" or a spec */
	enum mmt_memcg_walk memcg_walk;
	const char *policy_file;	/* NULL or a file of vm.X=V lines */
	const char *const *sets;	/* "vm.X=V" overrides, applied last */
	unsigned nr_sets;
	uint64_t sample_ns;		/* 0: about 200 samples over the trace */
	int progress;			/* 1: progress on stderr (a terminal) */
	/* NULL: every cost is fitted on this trace's own durations; else
	 * on these sums (several traces of one host pooled: validate) */
	const struct mmt_fit_sums *host_fits;
	int print_table;		/* 1: model-vs-kernel / mirror text on stdout */
	const char *who;		/* prefix of stderr lines; NULL: "mmtrace replay" */
	int quiet_damage;		/* 1: the trace's damage and seeding notes are not printed (the
					 * caller says it once), still counted */
};

/* The headline figures, also written to summary.json. */
struct mmt_replay_result {
	/* how direct reclaim walked the memory cgroups and why, as
	 * summary.json's memcg_walk and memcg_walk_from ("whole (not
	 * recorded)") */
	char memcg_walk[64];
	/* what the kernel's direct reclaims in the trace say: of those that
	 * scanned, how many began below DEF_PRIORITY; kernel_walk 1 (most:
	 * a partial walk), 0 (a whole walk), -1 (fewer than 20) */
	uint64_t kernel_dr_below, kernel_dr_scanned;
	int kernel_walk;
	uint64_t events_replayed;
	uint64_t events_read;		/* events the reader delivered */
	/* The events the trace holds, per its index; when the file was cut
	 * before its index the total is unknown: events_total_known is 0
	 * and events_total counts the events readable up to the cut. */
	uint64_t events_total;
	int events_total_known;
	int stopped_early;		/* truncated trace, or a read error */
	/* damage of the trace (traces/FORMAT.md): parts damaged, events of
	 * the blocks skipped (replayed as if lost) */
	uint64_t damaged_parts, events_lost_damage;
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
	/* the zones' free pages at the recorder's /proc/zoneinfo samples
	 * (MMT_HDR_ZONE_FREE; replay/zonefree.c), per zone type (DMA,
	 * DMA32, Normal, Movable), nodes summed: samples (0: none), 10th
	 * percentile and median of the kernel's and of the model's, mean
	 * |ln((model + 1) / (kernel + 1))| over the paired samples */
	uint64_t zone_free_samples[MMT_REPLAY_ZONE_TYPES];
	uint64_t kernel_free_p10[MMT_REPLAY_ZONE_TYPES];
	uint64_t model_free_p10[MMT_REPLAY_ZONE_TYPES];
	uint64_t kernel_free_p50[MMT_REPLAY_ZONE_TYPES];
	uint64_t model_free_p50[MMT_REPLAY_ZONE_TYPES];
	double zone_free_err[MMT_REPLAY_ZONE_TYPES];
	/* allocations of the trace (page, fault, slab page, refault) the
	 * model could not place although the kernel did; `oom` counts the
	 * model's would-be OOM kills, `alloc_fail` every failed attempt,
	 * THP attempts that fell back to 4 KiB pages included */
	uint64_t demand_alloc_fail;
	/* policy mode: pages the kernel allocated for page-cache pages the
	 * model still held (it had not evicted them: no cost to the model,
	 * docs/demand.md), summary.json's allocs_for_pages_model_held */
	uint64_t demand_held_pages;
	/* policy mode: this trace's own cost-fit sums (whatever host_fits
	 * said), and the fits the replay used: base ns, ns per x1 and x2
	 * page, r2, pairs, fitted (0: model default) */
	struct mmt_fit_sums fit_sums;
	struct { double a, b, c, r2; uint64_t n; int fitted; }
		fit[MMT_REPLAY_NR_FITS];
};

/* Creates DIR (with its parents) and DIR/NAME for writing, truncated, as
 * a run folder's files are made (0777/0666 less the umask); NULL with
 * errno set.  For the tools that write beside run folders. */
FILE *mmt_replay_create(const char *dir, const char *name);

/* Exit-code style result (README, "Exit status"): 0 ok; 1 runtime error
 * (the trace or DIR cannot be read or written, out of memory, a host the
 * model cannot hold); 2 bad option (unknown sysctl, bad value, bad
 * topology); 3 the trace is damaged or truncated (the readable part was
 * replayed and written; the damage went to stderr and summary.json), or
 * cannot be replayed at all (not a trace, a damaged start snapshot, no
 * readable event: nothing written).  err gets a one-line message for
 * every status but 0 (for 3 with outputs: how much was replayed; the
 * damage itself went to stderr unless quiet_damage). */
int mmt_replay_run(const struct mmt_replay_opts *o,
		   struct mmt_replay_result *res, char *err, size_t errlen);
/* What compare checks once before its replays: the trace opens, has a
 * sound start snapshot (or none, or o->start is MMT_START_INFERRED) and
 * events (o->trace, o->start).  0, or 1 / 3 as
 * mmt_replay_run with the message in err. */
int mmt_replay_check_trace(const struct mmt_replay_opts *o, char *err,
			   size_t errlen);

#endif
