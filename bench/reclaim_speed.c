/* SPDX-License-Identifier: MIT */
/*
 * reclaim_speed: how fast the model's LRU, reclaim and compaction run and
 * what the LRU costs in memory.  One node of 4 GiB (1 Mi pages):
 *   lru_add      pages put on the LRU per second (alloc_at + lru_add)
 *   churn        random touch / free / re-add operations per second, and
 *                reclaim state bytes per LRU page afterwards (stale
 *                entries included)
 *   reclaim      pages reclaimed per second by direct reclaim until the
 *                LRU is empty
 *   compaction   pages migrated per second by proactive compaction of a
 *                zone where every other page is free
 * Usage: build/bench/reclaim_speed [pages]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mmcore.h"
#include "../mmcore/internal.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct mmc *host(uint64_t pages)
{
	static struct mmc_topology t;
	struct mmc_policy p;
	char err[256];

	memset(&t, 0, sizeof(t));
	t.nr_nodes = 1;
	t.nodes[0].nr_zones = 1;
	t.nodes[0].zones[0].type = MMC_ZONE_NORMAL;
	t.nodes[0].zones[0].start_pfn = 0x100000;
	t.nodes[0].zones[0].spanned = pages;
	t.nodes[0].zones[0].present = pages;
	t.nodes[0].zones[0].managed = pages;
	t.nodes[0].nr_cpus = 1;
	t.nr_cpus = 1;
	t.distance[0][0] = 10;
	mmc_policy_defaults(&p);
	struct mmc *m = mmc_create(&t, &p, err, sizeof(err));
	if (!m || mmc_seed_all_free(m)) {
		fprintf(stderr, "reclaim_speed: %s\n", m ? "seed failed" : err);
		exit(1);
	}
	mmc_setup_zones(m);
	return m;
}

static uint64_t fill(struct mmc *m, uint64_t start, uint64_t n, int cls)
{
	uint64_t done = 0;

	for (uint64_t i = 0; i < n; i++)
		if (!mmc_alloc_at(m, start + i, 0, MMC_GFP_HIGHUSER_MOVABLE, 0,
				  NULL) &&
		    !mmc_lru_add(m, start + i, 0, cls))
			done++;
	return done;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(int argc, char **argv)
{
	uint64_t pages = argc > 1 ? strtoull(argv[1], NULL, 0) : 1u << 20;
	uint64_t start = 0x100000, seed = 88172645463325252ull;

	if (pages < 4096 || pages > (1ull << 28)) {
		fprintf(stderr, "reclaim_speed: pages %s out of range\n", argv[1]);
		return 2;
	}
	/* lru_add, churn, reclaim */
	struct mmc *m = host(pages);
	uint64_t nr = pages - pages / 8;
	double t0 = now_s();
	uint64_t added = fill(m, start, nr, MMC_PC_FILE);
	double t1 = now_s();
	printf("lru_add     %10.2f M pages/s   (%lu pages)\n",
	       added / (t1 - t0) / 1e6, (unsigned long)added);

	uint64_t ops = 4 * nr;
	t0 = now_s();
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t pfn = start + rnd(&seed) % nr;
		switch (rnd(&seed) % 4) {
		case 0:
		case 1:
			mmc_lru_touch(m, pfn);
			break;
		case 2:
			mmc_free(m, pfn, 0, 0, NULL);
			break;
		default:
			if (!mmc_alloc_at(m, pfn, 0, MMC_GFP_HIGHUSER_MOVABLE,
					  0, NULL))
				mmc_lru_add(m, pfn, 0, MMC_PC_FILE);
		}
	}
	t1 = now_s();
	uint64_t lru = lru_pages(m, 0, true, false) + lru_pages(m, 0, true, true);
	printf("churn       %10.2f M ops/s     (%lu ops)\n",
	       ops / (t1 - t0) / 1e6, (unsigned long)ops);
	printf("lru memory  %10.2f bytes per LRU page (%lu pages, %zu bytes)\n",
	       (double)reclaim_memory_bytes(m) / (double)lru, (unsigned long)lru,
	       reclaim_memory_bytes(m));

	uint64_t got = 0, r;
	t0 = now_s();
	while ((r = try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
				      MMC_ZONE_NORMAL, -1, NULL)) > 0)
		got += r;
	t1 = now_s();
	printf("reclaim     %10.2f M pages/s   (%lu pages, %lu left)\n",
	       got / (t1 - t0) / 1e6, (unsigned long)got,
	       (unsigned long)(lru_pages(m, 0, true, false) +
			       lru_pages(m, 0, true, true)));
	mmc_destroy(m);

	/* compaction */
	m = host(pages);
	fill(m, start, pages, MMC_PC_ANON);
	for (uint64_t i = 0; i < pages; i += 2)
		mmc_free(m, start + i, 0, 0, NULL);
	mmc_drain_all(m);
	struct mmc_vmstat vm;
	t0 = now_s();
	mmc_tick(m, 1000000000ull);
	mmc_tick(m, 2000000000ull);
	t1 = now_s();
	mmc_vmstat(m, &vm);
	printf("compaction  %10.2f M pages/s   (%lu migrated, %lu scanned, "
	       "score %u)\n", vm.compact_migrated / (t1 - t0) / 1e6,
	       (unsigned long)vm.compact_migrated,
	       (unsigned long)vm.compact_scanned,
	       fragmentation_score_node(m, 0));
	mmc_destroy(m);
	return 0;
}
