/* SPDX-License-Identifier: MIT */
/*
 * Time series: one row per (sample time, zone) in timeseries.tsv
 * (docs/replay-output.md), plus the order-9 probe and the running mean of
 * the unusable index that summary.json reports.  The node-wide counters
 * are the model's own per-node counters (mmc_node_vmstat), whose sums
 * are what summary.json reports at the end: the report's figures and its
 * table count the same events.
 */
#include <string.h>
#include "replay_int.h"

void rp_free_totals(const struct mmc *m, uint64_t fc[MMC_NR_ORDERS])
{
	memset(fc, 0, sizeof(uint64_t) * MMC_NR_ORDERS);
	for (uint32_t i = 0; i < mmc_nr_zones(m); i++) {
		struct mmc_zone_stats s;

		if (mmc_zone_stats(m, i, &s) < 0)
			continue;
		for (int o = 0; o < MMC_NR_ORDERS; o++)
			fc[o] += s.free_count[o];
	}
}

int rp_series_open(struct rp_run *r)
{
	FILE *f;

	if (!r->o->outdir)
		return 0;
	f = rp_create(r->o->outdir, "timeseries.tsv");
	if (!f)
		return -1;
	fputs("t_s\tnode\tzone\tfree_pages", f);
	for (int o = 0; o < MMC_NR_ORDERS; o++)
		fprintf(f, "\tfree_o%d", o);
	fputs("\tunusable_o9\tfragidx_o9\tfree_ge_o9_pages\tmixed_pageblocks"
	      "\twmark_min\twmark_low\twmark_high\tboost\tbelow_low"
	      "\tkswapd_active\tkswapd_wakes\tdirect_reclaims\tcompact_stalls"
	      "\tnode_reclaims\treclaimed_pages\tcompact_migrated"
	      "\tpgalloc_remote\tpgalloc\talloc_fail\tpcp_pages\n", f);
	r->ts_out = f;
	return 0;
}

static uint64_t max_reserve(const struct mmc_zone_stats *s)
{
	uint64_t v = 0;

	for (int j = 0; j < MMC_NR_ZONE_TYPES; j++)
		if (s->lowmem_reserve[j] > v)
			v = s->lowmem_reserve[j];
	return v;
}

/* Could an order-9 movable allocation succeed now without reclaim or
 * compaction?  __zone_watermark_ok at the low mark for a user allocation:
 * free - (2^9 - 1) above low + reserve, and a free block of order >= 9 on
 * a pcptype list.  Looks only, changes nothing. */
static int probe_zone_o9(const struct mmc_zone_stats *s)
{
	uint64_t need = s->wmark_low + s->boost + max_reserve(s);
	int have = 0;

	if (s->type == MMC_ZONE_DMA || s->nr_free < 511 ||
	    s->nr_free - 511 <= need)
		return 0;
	for (int o = 9; o < MMC_NR_ORDERS && !have; o++)
		for (int mt = 0; mt < MMC_MT_PCPTYPES; mt++)
			if (s->free_mt[o][mt]) {
				have = 1;
				break;
			}
	return have;
}

static double frac(int idx1000)
{
	return (double)idx1000 / 1000.0;
}

void rp_series_sample(struct rp_run *r, uint64_t t)
{
	uint64_t fc[MMC_NR_ORDERS] = { 0 };
	int ok = 0;

	for (uint32_t i = 0; i < mmc_nr_zones(r->m); i++) {
		struct mmc_zone_stats s;
		struct mmc_node_vmstat nv;
		uint64_t ge9 = 0;

		if (mmc_zone_stats(r->m, i, &s) < 0)
			continue;
		ok |= probe_zone_o9(&s);
		for (int o = 0; o < MMC_NR_ORDERS; o++)
			fc[o] += s.free_count[o];
		if (!r->ts_out)
			continue;
		mmc_node_vmstat(r->m, s.node, &nv);
		for (int o = 9; o < MMC_NR_ORDERS; o++)
			ge9 += s.free_count[o] << o;
		/* NR_FREE_PAGES, what the watermarks see: pages on pcp
		 * lists are free but not in it (their own column) */
		uint64_t buddy = s.nr_free - s.nr_free_pcp;

		fprintf(r->ts_out, "%.6f\t%d\t%s\t%llu", (double)t / 1e9, s.node,
			rp_zone_type_name(s.type), (unsigned long long)buddy);
		for (int o = 0; o < MMC_NR_ORDERS; o++)
			fprintf(r->ts_out, "\t%llu",
				(unsigned long long)s.free_count[o]);
		fprintf(r->ts_out, "\t%.6f\t%.6f\t%llu\t%llu\t%llu\t%llu\t%llu"
			"\t%llu\t%d\t%d\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu"
			"\t%llu\t%llu\t%llu\t%llu\n",
			frac(mmc_unusable_index(s.free_count, 9)),
			frac(mmc_fragmentation_index(s.free_count, 9)),
			(unsigned long long)ge9,
			(unsigned long long)s.pageblocks_mixed,
			(unsigned long long)s.wmark_min,
			(unsigned long long)s.wmark_low,
			(unsigned long long)s.wmark_high,
			(unsigned long long)s.boost,
			buddy < s.wmark_low + s.boost,
			r->node[s.node >= 0 && s.node < MMC_MAX_NODES ?
				s.node : 0].kswapd_woken,
			(unsigned long long)nv.kswapd_wakes,
			(unsigned long long)nv.direct_reclaims,
			(unsigned long long)nv.compact_stalls,
			(unsigned long long)nv.node_reclaims,
			(unsigned long long)(nv.kswapd_reclaimed +
					     nv.direct_reclaimed +
					     nv.node_reclaimed),
			(unsigned long long)nv.compact_migrated,
			(unsigned long long)nv.pgalloc_remote,
			(unsigned long long)nv.pgalloc,
			(unsigned long long)nv.alloc_fail,
			(unsigned long long)s.nr_free_pcp);
	}
	for (int i = 0; i < MMC_MAX_NODES; i++)
		r->node[i].kswapd_woken = 0;
	r->probes++;
	r->probe_ok += ok;
	r->unusable_sum += frac(mmc_unusable_index(fc, 9));
	r->unusable_n++;
	r->nr_samples++;
}

void rp_series_close(struct rp_run *r)
{
	if (r->ts_out) {
		fclose(r->ts_out);
		r->ts_out = NULL;
	}
}
