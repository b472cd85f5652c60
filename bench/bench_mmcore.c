/* SPDX-License-Identifier: MIT */
/*
 * mmcore speed and size (driven by bench/mmcore.sh):
 *   bench_mmcore pcp     order-0 alloc/free through the pcp lists
 *   bench_mmcore buddy   orders 4..7 alloc/free: buddy splits and merges
 *   bench_mmcore setup   a 1 TiB, 4-node host: create + seed, time and RSS
 * Each prints one table row: what, measured, target, ratio to target, and
 * the ratio to the kernel's own fast path (~50-100 ns/op = 10-20 M ops/s).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "mmcore.h"

/* CPU time of this process: the figure for "one core" even when the
 * machine is shared (wall time is printed alongside for setup). */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct mmc *make(const char *spec)
{
	struct mmc_topology *t = malloc(sizeof(*t));
	struct mmc_policy p;
	char err[256];
	struct mmc *m = NULL;

	mmc_policy_defaults(&p);
	if (t && !mmc_topology_parse(spec, t, err, sizeof(err)))
		m = mmc_create(t, &p, err, sizeof(err));
	free(t);
	if (!m || mmc_seed_all_free(m)) {
		fprintf(stderr, "bench_mmcore: %s: %s\n", spec, m ? "seed failed" : err);
		exit(1);
	}
	return m;
}

static void row(const char *what, double v, const char *unit, double target,
		bool higher_better, const char *kernel)
{
	double ratio = higher_better ? v / target : target / v;

	printf("%-34s %12.2f %-8s %10.2f %6.2fx  %s\n", what, v, unit, target,
	       ratio, kernel);
}

static uint64_t x = 88172645463325252ull;
static uint64_t rnd(void)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static int bench_pcp(void)
{
	struct mmc *m = make("1x16G,1");
	enum { LIVE = 32, ROUNDS = 400000 };
	uint64_t pfn[LIVE];
	struct mmc_result res;
	uint64_t ops = 0;

	double t0 = now();
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < LIVE; i++) {
			if (mmc_alloc(m, 0, MMC_GFP_KERNEL, 0, &res))
				return 1;
			pfn[i] = res.pfn;
		}
		for (int i = LIVE - 1; i >= 0; i--)
			mmc_free(m, pfn[i], 0, 0, &res);
		ops += 2 * LIVE;
	}
	double dt = now() - t0;
	double mops = (double)ops / dt / 1e6;
	char k[64];

	snprintf(k, sizeof(k), "%.0f ns/op; kernel 10-20 M ops/s: %.1fx", dt / (double)ops * 1e9, mops / 15.0);
	row("order-0 alloc+free via pcp", mops, "Mops/s", 20, true, k);
	mmc_destroy(m);
	return 0;
}

/* Batches of 512 allocations of orders 4-6 carved from max-order blocks
 * (about one split each), then freed in random order (about one merge
 * each): the buddy path with its splits and merges, no pcp. */
static int bench_buddy(void)
{
	struct mmc *m = make("1x16G,1");
	enum { LIVE = 512, ROUNDS = 4000 };
	uint64_t pfn[LIVE];
	unsigned ord[LIVE];
	struct mmc_result res;
	uint64_t splits = 0, merges = 0, ops = 0;

	double t0 = now();
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < LIVE; i++) {
			ord[i] = 4 + (unsigned)(rnd() % 3);
			if (mmc_alloc(m, ord[i], MMC_GFP_KERNEL, 0, &res))
				return 1;
			pfn[i] = res.pfn;
			splits += res.splits;
		}
		for (int n = LIVE; n > 0; n--) {
			uint32_t k = (uint32_t)(rnd() % (uint64_t)n);

			mmc_free(m, pfn[k], ord[k], 0, &res);
			merges += res.merges;
			pfn[k] = pfn[n - 1];
			ord[k] = ord[n - 1];
		}
		ops += 2 * LIVE;
	}
	double dt = now() - t0;
	double mops = (double)ops / dt / 1e6;
	char k[128];

	snprintf(k, sizeof(k), "%.0f ns/op, %.2f splits/alloc, %.2f merges/free; kernel: %.1fx",
		 dt / (double)ops * 1e9, (double)splits / (double)(ops / 2),
		 (double)merges / (double)(ops / 2), mops / 15.0);
	row("order 4-6 alloc/free via buddy", mops, "Mops/s", 5, true, k);
	mmc_destroy(m);
	return 0;
}

static int bench_setup(void)
{
	double t0 = now(), w0 = wall();
	struct mmc *m = make("4 nodes x 256 GiB, 64 cpus");
	double dt = now() - t0, dw = wall() - w0;
	struct rusage ru;
	uint64_t pages = 0;
	struct mmc_zone_stats s;

	for (uint32_t i = 0; i < mmc_nr_zones(m); i++) {
		mmc_zone_stats(m, i, &s);
		pages += s.spanned;
	}
	getrusage(RUSAGE_SELF, &ru);
	double rss = (double)ru.ru_maxrss * 1024.0;
	double model = (double)mmc_memory_bytes(m);
	char k[96];

	snprintf(k, sizeof(k), "%llu pages; wall %.2f s", (unsigned long long)pages, dw);
	row("1 TiB 4-node setup time (cpu)", dt, "s", 5, false, k);
	snprintf(k, sizeof(k), "%.2f bytes/page RSS", rss / (double)pages);
	row("1 TiB 4-node peak RSS", rss / (1u << 30), "GiB", 3, false, k);
	snprintf(k, sizeof(k), "%.2f bytes/page allocated", model / (double)pages);
	row("1 TiB 4-node model state", model / (double)pages, "B/page", 8, false, k);
	mmc_destroy(m);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "pcp"))
		return bench_pcp();
	if (argc == 2 && !strcmp(argv[1], "buddy"))
		return bench_buddy();
	if (argc == 2 && !strcmp(argv[1], "setup"))
		return bench_setup();
	fprintf(stderr, "usage: bench_mmcore pcp|buddy|setup\n");
	return 2;
}
