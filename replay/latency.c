/* SPDX-License-Identifier: MIT */
/*
 * Latency: a cost model over mmcore's path report, calibrated from the
 * durations the trace holds, and log2 histograms with 4 sub-buckets.
 *
 * The model charges each step an allocation took (struct mmc_result.path):
 * pcp hit, pcp refill per page moved, buddy with k expand() splits, a
 * migratetype fallback and pageblock claim, a remote node, the slow path,
 * node reclaim / direct reclaim per page reclaimed and compaction per page
 * scanned.  Reclaim and compaction constants are fitted (calibrate.c) on
 * the trace's begin/end pairs; the others, and the fitted ones when the
 * trace holds fewer than RP_MIN_FIT_PAIRS pairs, are model defaults of
 * the order published for x86-64 servers (page allocator
 * fast path ~100 ns, zone-lock buddy path ~250 ns; reclaim of a
 * SWAP_CLUSTER_MAX batch tens of microseconds; a major fault from SSD tens
 * of microseconds).
 */
#include <math.h>
#include <string.h>
#include "replay_int.h"

/* ---- histogram --------------------------------------------------------
 * Bucket of v: below 4 one bucket per value; above, the power of two e and
 * the two bits below the leading one (4 sub-buckets per power of two). */
static unsigned hist_idx(uint64_t v)
{
	unsigned e, sub;

	if (v < 4)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);
	sub = (unsigned)(v >> (e - 2)) & 3u;
	return 4u + (e - 2u) * 4u + sub;
}

void rp_hist_bucket_range(unsigned idx, uint64_t *lo, uint64_t *hi)
{
	unsigned e, sub;

	if (idx < 4) {
		*lo = idx;
		*hi = idx + 1;
		return;
	}
	e = (idx - 4u) / 4u + 2u;
	sub = (idx - 4u) % 4u;
	*lo = (uint64_t)(4u | sub) << (e - 2);
	*hi = *lo + (1ull << (e - 2));
	if (*hi < *lo)		/* top bucket of the 64-bit range */
		*hi = UINT64_MAX;
}

void rp_hist_add(struct rp_hist *h, uint64_t ns)
{
	h->b[hist_idx(ns)]++;
	h->n++;
	h->sum += (double)ns;
	if (ns > h->max)
		h->max = ns;
}

/* The upper edge of the bucket holding quantile q, at most the max seen:
 * within 25% of the true value by construction of the buckets. */
uint64_t rp_hist_pct(const struct rp_hist *h, double q)
{
	uint64_t want, seen = 0;

	if (!h->n)
		return 0;
	want = (uint64_t)ceil(q * (double)h->n);
	if (want < 1)
		want = 1;
	for (unsigned i = 0; i < RP_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			uint64_t lo, hi;

			rp_hist_bucket_range(i, &lo, &hi);
			hi = hi > lo ? hi - 1 : hi;
			return hi < h->max ? hi : h->max;
		}
	}
	return h->max;
}

/* ---- cost constants ---------------------------------------------------- */

void rp_costs_defaults(struct rp_costs *c)
{
	memset(c, 0, sizeof(*c));
	c->pcp_hit = 90;
	c->pcp_refill = 150;
	c->refill_page = 25;
	c->buddy = 250;
	c->split = 20;
	c->fallback = 400;
	c->steal = 1500;	/* move_freepages_block over 512 pages */
	c->remote = 150;
	c->slowpath = 1000;
	c->oom = 10000000;	/* OOM kill path: milliseconds */
	c->refault = 30000;	/* swap-in / page cache read from SSD */
	c->fault = 700;		/* anon fault without the allocation */
	c->clear_page = 200;	/* clear_page() of 4 KiB */
	c->slab = 40;
	/* direct reclaim: base, per page scanned, per page reclaimed
	 * (SWAP_CLUSTER_MAX pages a call) */
	c->fit[RP_FIT_DIRECT_RECLAIM] = (struct rp_fit){ 20000, 0, 2000,
							 0, 0, 0, 0 };
	/* compaction: base, per pfn the scanners stepped, per page moved */
	c->fit[RP_FIT_COMPACTION] = (struct rp_fit){ 10000, 100, 0, 0, 0, 0, 0 };
	c->fit[RP_FIT_NODE_RECLAIM] = (struct rp_fit){ 10000, 0, 1500,
						       0, 0, 0, 0 };
	/* kswapd: mmcore's background defaults (mmc_bg_costs_defaults) */
	struct mmc_bg_costs bg;

	mmc_bg_costs_defaults(&bg);
	c->fit[RP_FIT_KSWAPD] = (struct rp_fit){ bg.reclaim_run_ns,
						 bg.reclaim_scan_ns,
						 bg.reclaim_page_ns, 0, 0, 0, 0 };
}

uint64_t rp_cost_alloc(const struct rp_costs *c, const struct mmc_result *r,
		       unsigned order, uint64_t *reclaim_ns,
		       uint64_t *compact_ns)
{
	double ns = 0;
	uint32_t p = r->path;
	uint64_t rec = 0, comp = 0;

	(void)order;
	if (p & MMC_PATH_PCP_HIT)
		ns += c->pcp_hit;
	if (p & MMC_PATH_PCP_REFILL)
		ns += c->pcp_refill + c->refill_page * r->pcp_batch;
	if (p & MMC_PATH_BUDDY)
		ns += c->buddy + c->split * r->splits;
	if (p & MMC_PATH_FALLBACK)
		ns += c->fallback;
	if (p & MMC_PATH_STEAL)
		ns += c->steal;
	if (p & MMC_PATH_REMOTE)
		ns += c->remote;
	if (p & MMC_PATH_SLOWPATH)
		ns += c->slowpath;
	if (p & MMC_PATH_NODE_RECLAIM)
		rec += rp_fit_cost(&c->fit[RP_FIT_NODE_RECLAIM],
				   r->reclaim_scanned, r->node_reclaimed);
	if (p & MMC_PATH_DIRECT_RECLAIM)
		rec += rp_fit_cost(&c->fit[RP_FIT_DIRECT_RECLAIM],
				   r->reclaim_scanned, r->reclaim_reclaimed);
	if (p & MMC_PATH_COMPACT)
		comp += rp_fit_cost(&c->fit[RP_FIT_COMPACTION],
				    r->compact_scanned, r->compact_migrated);
	if (p & MMC_PATH_OOM)
		ns += c->oom;
	if (ns <= 0 && !rec && !comp)
		ns = c->pcp_hit;
	if (reclaim_ns)
		*reclaim_ns = rec;
	if (compact_ns)
		*compact_ns = comp;
	return (uint64_t)llround(ns) + rec + comp;
}
