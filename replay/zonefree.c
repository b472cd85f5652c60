/* SPDX-License-Identifier: MIT */
/*
 * The kernel's free pages over time beside the model's.  The recorder
 * samples /proc/zoneinfo every 200 ms (ZONE_FREE events, header flag
 * MMT_HDR_ZONE_FREE): each zone's "pages free" (NR_FREE_PAGES, the buddy
 * lists) and its watermark boost.  The replay reads the model's zone at
 * the same point of the event stream, so the two are paired in time.
 * Under pressure this is what the watermark sysctls decide: the level
 * kswapd and the allocators hold each zone at (watermark_scale_factor and
 * min_free_kbytes move it, watermark_boost_factor adds bursts above it).
 *
 * Outputs: zone_free.tsv (every sample), summary.json "zone_free" and
 * model_vs_kernel.tsv rows per zone type (nodes summed at each sample
 * time): the 10th percentile and the median of the kernel's samples and
 * of the model's, and the mean |ln((model + 1) / (kernel + 1))| over the
 * paired samples; `mmtrace validate` compares the medians.
 *
 * The samples kept for the percentiles are bounded (ZF_CAP per zone type;
 * past it every other one is dropped and the stride doubles), so a trace
 * of many samples costs no memory out of proportion.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "replay_int.h"

#define ZF_CAP (1u << 16)	/* 3.6 hours of 200 ms samples */

int rp_zone_free_open(struct rp_run *r)
{
	char path[4096];
	FILE *f;

	memset(&r->zf, 0, sizeof(r->zf));
	for (int t = 0; t < RP_ZF_TYPES; t++)
		r->zf.t[t].stride = 1;
	r->zf.recorded = (r->h->flags & MMT_HDR_ZONE_FREE) != 0;
	if (!r->o->outdir)
		return 0;
	if (!r->zf.recorded) {
		/* an earlier replay's file (--force) would say otherwise */
		snprintf(path, sizeof(path), "%s/zone_free.tsv", r->o->outdir);
		if (unlink(path) < 0 && errno != ENOENT)
			return -1;
		return 0;
	}
	f = rp_create(r->o->outdir, "zone_free.tsv");
	if (!f)
		return -1;
	fputs("t_s\tnode\tzone\tkernel_free\tmodel_free\tkernel_boost"
	      "\tmodel_boost\n", f);
	r->zf.out = f;
	return 0;
}

/* The model's zone of this node and type: its index, or -1. */
static int model_zone(const struct rp_run *r, int node, int type,
		      uint64_t *free, uint64_t *boost)
{
	for (uint32_t i = 0; i < mmc_nr_zones(r->m); i++) {
		enum mmc_zone_type zt;
		int zn;

		if (mmc_zone_free(r->m, i, &zn, &zt, free, boost) == 0 &&
		    zn == node && (int)zt == type)
			return (int)i;
	}
	return -1;
}

static int zf_grow(struct rp_zf_type *t)
{
	uint32_t cap = t->cap ? t->cap * 2 : 256;
	uint64_t *k, *m;

	if (cap > ZF_CAP)
		cap = ZF_CAP;
	k = realloc(t->k, cap * sizeof(*k));
	if (!k)
		return -1;
	t->k = k;
	m = realloc(t->m, cap * sizeof(*m));
	if (!m)
		return -1;
	t->m = m;
	t->cap = cap;
	return 0;
}

/* One sample time of a zone type (its nodes summed): counted in the
 * error, kept for the percentiles when its index is on the stride. */
static void zf_push(struct rp_zone_free *zf, struct rp_zf_type *t,
		    uint64_t k, uint64_t m)
{
	t->log_sum += fabs(log(((double)m + 1.0) / ((double)k + 1.0)));
	if (t->seen++ % t->stride)
		return;
	if (t->n == t->cap && t->cap == ZF_CAP) {
		/* keep every other one: the kept ones stay evenly spaced */
		for (uint32_t i = 0; i < t->n / 2; i++) {
			t->k[i] = t->k[2 * i];
			t->m[i] = t->m[2 * i];
		}
		t->n /= 2;
		t->stride *= 2;
		if ((t->seen - 1) % t->stride)
			return;
	}
	if (t->n == t->cap && zf_grow(t) < 0) {
		zf->oom = 1;
		return;
	}
	t->k[t->n] = k;
	t->m[t->n] = m;
	t->n++;
}

static void zf_flush(struct rp_zone_free *zf, struct rp_zf_type *t)
{
	if (!t->pend)
		return;
	zf_push(zf, t, t->pend_k, t->pend_m);
	t->pend = 0;
	t->pend_k = t->pend_m = 0;
}

void rp_zone_free_sample(struct rp_run *r, const struct mmt_event *ev)
{
	const struct mmt_zone_info *z = NULL;
	struct rp_zf_type *t;
	uint64_t mfree = 0, mboost = 0;
	int type;

	if (!r->zf.recorded)
		return;
	for (uint32_t i = 0; i < r->h->nr_zones; i++)
		if (r->h->zones[i].node == ev->node &&
		    (uint64_t)r->h->zones[i].zone_idx == ev->arg)
			z = &r->h->zones[i];
	/* a zone the header lacks, or more free pages than it spans: a
	 * value no kernel wrote; counted, never compared */
	if (!z || ev->addr > z->spanned) {
		r->zf.bad++;
		return;
	}
	type = rp_zone_name_type(z->name);
	if (type < 0 || type >= RP_ZF_TYPES ||
	    model_zone(r, ev->node, type, &mfree, &mboost) < 0)
		return;		/* a zone the model does not have */
	if (r->zf.out)
		fprintf(r->zf.out, "%.6f\t%d\t%s\t%llu\t%llu\t%llu\t%llu\n",
			(double)ev->ts / 1e9, ev->node, rp_zone_type_name(type),
			(unsigned long long)ev->addr,
			(unsigned long long)mfree,
			(unsigned long long)ev->arg2,
			(unsigned long long)mboost);
	t = &r->zf.t[type];
	if (t->pend && t->pend_ts != ev->ts)
		zf_flush(&r->zf, t);
	t->pend = 1;
	t->pend_ts = ev->ts;
	t->pend_k += ev->addr;
	t->pend_m += mfree;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The p-quantile (nearest rank below) of v[0..n), sorted in place. */
static uint64_t quantile(uint64_t *v, uint32_t n, double p)
{
	qsort(v, n, sizeof(*v), u64_cmp);
	return v[(uint32_t)((double)(n - 1) * p)];
}

int rp_zone_free_finish(struct rp_run *r)
{
	int rc = 0;

	for (int i = 0; i < RP_ZF_TYPES; i++) {
		struct rp_zf_type *t = &r->zf.t[i];

		zf_flush(&r->zf, t);
		if (!t->n)
			continue;
		t->k10 = quantile(t->k, t->n, 0.1);
		t->k50 = quantile(t->k, t->n, 0.5);
		t->m10 = quantile(t->m, t->n, 0.1);
		t->m50 = quantile(t->m, t->n, 0.5);
	}
	if (r->zf.out) {
		if (ferror(r->zf.out))
			rc = -1;
		if (fclose(r->zf.out))
			rc = -1;
		r->zf.out = NULL;
	}
	return rc || r->zf.oom ? -1 : 0;
}

void rp_zone_free_result(const struct rp_run *r, struct mmt_replay_result *res)
{
	for (int i = 0; i < RP_ZF_TYPES && i < MMT_REPLAY_ZONE_TYPES; i++) {
		const struct rp_zf_type *t = &r->zf.t[i];

		res->zone_free_samples[i] = t->n ? t->seen : 0;
		res->kernel_free_p50[i] = t->k50;
		res->model_free_p50[i] = t->m50;
		res->kernel_free_p10[i] = t->k10;
		res->model_free_p10[i] = t->m10;
		res->zone_free_err[i] = t->seen ? t->log_sum / (double)t->seen : 0;
	}
}

void rp_zone_free_json(const struct rp_run *r, FILE *f)
{
	if (!r->zf.recorded) {
		fputs("  \"zone_free\": null,\n", f);
		return;
	}
	fprintf(f, "  \"zone_free\": {\"bad_samples\": %llu",
		(unsigned long long)r->zf.bad);
	for (int i = 0; i < RP_ZF_TYPES; i++) {
		const struct rp_zf_type *t = &r->zf.t[i];

		if (!t->n)
			continue;
		fprintf(f, ", \"%s\": {\"samples\": %llu, \"kernel_p10\": %llu, "
			"\"model_p10\": %llu, \"kernel_p50\": %llu, "
			"\"model_p50\": %llu, \"mean_abs_log_ratio\": %.4f}",
			rp_zone_type_name(i), (unsigned long long)t->seen,
			(unsigned long long)t->k10, (unsigned long long)t->m10,
			(unsigned long long)t->k50, (unsigned long long)t->m50,
			t->log_sum / (double)t->seen);
	}
	fputs("},\n", f);
}

void rp_zone_free_free(struct rp_run *r)
{
	if (r->zf.out)
		fclose(r->zf.out);
	r->zf.out = NULL;
	for (int i = 0; i < RP_ZF_TYPES; i++) {
		free(r->zf.t[i].k);
		free(r->zf.t[i].m);
		r->zf.t[i].k = r->zf.t[i].m = NULL;
	}
}
