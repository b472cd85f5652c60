/* SPDX-License-Identifier: MIT */
/*
 * SLUB and fault model speed: kmalloc/kfree churn through the cpu slab and
 * partial lists, and first-touch faults (order 0 and THP) with exit.
 * Usage: build/bench/slab_fault [ops]   (default 4000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mmcore.h"
#include "../mmcore/internal.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct mmc *model(const char *spec, int thp)
{
	struct mmc_topology t;
	struct mmc_policy p;
	char err[256];
	struct mmc *m;

	if (mmc_topology_parse(spec, &t, err, sizeof(err)))
		return NULL;
	mmc_policy_defaults(&p);
	p.thp_enabled = thp;
	m = mmc_create(&t, &p, err, sizeof(err));
	if (!m || mmc_seed_all_free(m)) {
		fprintf(stderr, "slab_fault: %s\n", err);
		exit(1);
	}
	return m;
}

int main(int argc, char **argv)
{
	long ops = argc > 1 ? atol(argv[1]) : 4000000;
	enum { LIVE = 65536 };
	static uint64_t pfn[LIVE];
	static uint32_t off[LIVE];
	struct mmc *m = model("4G,4", 0);
	uint64_t x = 1;
	double t0, t1;
	long n = 0, done = 0;

	if (ops < 2 * LIVE)
		ops = 2 * LIVE;
	/* kmalloc/kfree: steady state of LIVE objects, sizes 8..1024 */
	t0 = now();
	for (long i = 0; i < ops; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		if (n < LIVE && ((x >> 40) & 1 || n < LIVE / 2)) {
			if (mmc_kmalloc(m, 8 + (uint32_t)((x >> 20) % 1017),
					MMC_GFP_KERNEL, (int)((x >> 50) & 3),
					&pfn[n], &off[n], NULL) == 0)
				n++;
		} else {
			long k = (long)((x >> 24) % (uint64_t)n);

			mmc_kfree(m, pfn[k], off[k], (int)((x >> 52) & 3), NULL);
			pfn[k] = pfn[--n];
			off[k] = off[n];
		}
		done++;
	}
	t1 = now();
	printf("slab: %ld kmalloc/kfree ops in %.3f s: %.2f M ops/s\n", done,
	       t1 - t0, (double)done / (t1 - t0) / 1e6);
	printf("slab: %.1f bytes of model state per slab page (%llu pages)\n",
	       (double)slab_memory_bytes(m) / (double)m->vm.slab_pages,
	       (unsigned long long)m->vm.slab_pages);
	mmc_destroy(m);

	/* faults: 4 KiB first touches over 512 MiB, then exit */
	for (int thp = 0; thp <= 2; thp += 2) {
		m = model("4G,4", thp);
		long faults = 0;

		t0 = now();
		for (int round = 0; round < 4; round++) {
			for (uint64_t a = 0; a < (512ull << 20); a += 4096) {
				mmc_fault(m, 1, 0x7f0000000000ull + a,
					  MMC_FAULT_WRITE | MMC_FAULT_THP, 0,
					  NULL);
				faults++;
			}
			if (round == 0)
				printf("faults: %.1f bytes of view per mapped "
				       "page (thp %s)\n",
				       (double)fault_memory_bytes(m) /
				       (double)(512ull << 20 >> 12),
				       thp ? "always" : "never");
			mmc_process_exit(m, 1);
		}
		t1 = now();
		printf("faults (thp %s): %ld in %.3f s: %.2f M faults/s\n",
		       thp ? "always" : "never", faults, t1 - t0,
		       (double)faults / (t1 - t0) / 1e6);
		mmc_destroy(m);
	}
	return 0;
}
