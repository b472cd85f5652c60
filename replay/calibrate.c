/* SPDX-License-Identifier: MIT */
/*
 * Calibration: the cost constants of reclaim, compaction and kswapd fitted
 * from the durations the trace holds against the work done in them.
 *
 * Each fit is y = a + b x1 + c x2 by least squares (ns against two counts
 * of pages), kept as running sums (O(1) memory):
 *  - direct reclaim: each mm_vmscan_direct_reclaim_begin/end pair on a
 *    cpu; x1 = pages its shrink_inactive_list() passes scanned, x2 = pages
 *    it reclaimed (the END's count);
 *  - node reclaim: the same for mm_vmscan_node_reclaim_begin/end;
 *  - compaction: each mm_compaction_begin/end pair on a cpu (direct runs
 *    and kcompactd's); x1 = pages its scanner passes scanned
 *    (mm_compaction_isolate_*), x2 = pages it migrated
 *    (mm_compaction_migratepages); traces without those events give the
 *    distance the two scanners moved as x1;
 *  - kswapd: each balance_pgdat() run (mm_vmscan_kswapd_wake to the last
 *    shrink_inactive_list() of kswapd before its next wake or sleep);
 *    x1 = pages scanned, x2 = pages reclaimed.  Fitted in the pre-pass,
 *    so that kswapd runs at the host's speed in the replay
 *    (mmc_set_bg_costs).
 * The lru-shrink, compaction-scan and migratepages events come from
 * recorders that write the pressure kinds (MMT_HDR_CAUSES); without them
 * only the older form of the direct/node reclaim and compaction fits is
 * possible, and kswapd's costs stay model defaults.
 *
 * A fit is used (source "fitted") with at least RP_MIN_FIT_PAIRS pairs;
 * its r2 and rmse go with it everywhere it shows (calibration.tsv,
 * summary.json, the report).  A negative coefficient is dropped (more
 * pages cannot be cheaper) and the rest refitted.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include "replay_int.h"

const char *rp_fit_name(int id)
{
	static const char *const names[RP_NR_FITS] = {
		"direct_reclaim", "compaction", "node_reclaim", "kswapd" };
	return names[id];
}

/* What x1 and x2 count, per fit (calibration.tsv's constant names). */
void rp_fit_terms(int id, const char **x1, const char **x2)
{
	static const char *const t[RP_NR_FITS][2] = {
		{ "ns_per_page_scanned", "ns_per_page_reclaimed" },
		{ "ns_per_page_scanned", "ns_per_page_migrated" },
		{ "ns_per_page_scanned", "ns_per_page_reclaimed" },
		{ "ns_per_page_scanned", "ns_per_page_reclaimed" },
	};

	*x1 = t[id][0];
	*x2 = t[id][1];
}

void rp_fitsum_add(struct rp_fitsum *f, double x1, double x2, double y)
{
	f->n++;
	f->s1 += x1;
	f->s2 += x2;
	f->sy += y;
	f->s11 += x1 * x1;
	f->s12 += x1 * x2;
	f->s22 += x2 * x2;
	f->s1y += x1 * y;
	f->s2y += x2 * y;
	f->syy += y * y;
}

/* Solve the normal equations of y = a + b x1 + c x2 restricted to the
 * regressors in use (use1, use2); false when singular. */
static bool solve(const struct rp_fitsum *f, bool use1, bool use2,
		  double *a, double *b, double *c)
{
	double n = (double)f->n;

	*b = *c = 0;
	if (!use1 && !use2) {
		*a = f->sy / n;
		return true;
	}
	if (use1 != use2) {
		double sx = use1 ? f->s1 : f->s2, sxx = use1 ? f->s11 : f->s22;
		double sxy = use1 ? f->s1y : f->s2y;
		double den = n * sxx - sx * sx, k;

		if (fabs(den) < 1e-9 * (n * sxx + 1))
			return false;
		k = (n * sxy - sx * f->sy) / den;
		*a = (f->sy - k * sx) / n;
		*(use1 ? b : c) = k;
		return true;
	}
	/* 3x3 by Cramer's rule: | n s1 s2 ; s1 s11 s12 ; s2 s12 s22 | */
	double m[3][3] = { { n, f->s1, f->s2 }, { f->s1, f->s11, f->s12 },
			   { f->s2, f->s12, f->s22 } };
	double v[3] = { f->sy, f->s1y, f->s2y };
	double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
		     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
		     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	double scale = fabs(m[0][0] * m[1][1] * m[2][2]) + 1;

	if (fabs(det) < 1e-12 * scale)
		return false;
	double r[3];
	for (int k = 0; k < 3; k++) {
		double t[3][3];

		memcpy(t, m, sizeof(t));
		for (int i = 0; i < 3; i++)
			t[i][k] = v[i];
		r[k] = (t[0][0] * (t[1][1] * t[2][2] - t[1][2] * t[2][1]) -
			t[0][1] * (t[1][0] * t[2][2] - t[1][2] * t[2][0]) +
			t[0][2] * (t[1][0] * t[2][1] - t[1][1] * t[2][0])) / det;
	}
	*a = r[0];
	*b = r[1];
	*c = r[2];
	return true;
}

/* SSE of y - a - b x1 - c x2, expanded over the running sums. */
static double sse(const struct rp_fitsum *f, double a, double b, double c)
{
	double n = (double)f->n;
	double s = f->syy + n * a * a + b * b * f->s11 + c * c * f->s22 -
		   2 * a * f->sy - 2 * b * f->s1y - 2 * c * f->s2y +
		   2 * a * b * f->s1 + 2 * a * c * f->s2 + 2 * b * c * f->s12;

	return s > 0 ? s : 0;
}

static void fit_one(struct rp_fit *out, const struct rp_fitsum *f)
{
	double n = (double)f->n, a, b, c, mean, sst, e;
	bool use1 = f->s11 > 0, use2 = f->s22 > 0;

	out->samples = f->n;
	if (f->n < RP_MIN_FIT_PAIRS)
		return;		/* keep the default; samples says why */
	for (;;) {
		if (!solve(f, use1, use2, &a, &b, &c)) {
			/* collinear: keep the regressor with more spread */
			if (use1 && use2) {
				use2 = false;
				continue;
			}
			use1 = use2 = false;
			continue;
		}
		if (b < 0 && use1) {
			use1 = false;
			continue;
		}
		if (c < 0 && use2) {
			use2 = false;
			continue;
		}
		break;
	}
	if (a < 0) {
		/* through the origin: y = b x1 + c x2 with one regressor */
		a = 0;
		b = use1 && f->s11 > 0 ? f->s1y / f->s11 : 0;
		c = !use1 && use2 && f->s22 > 0 ? f->s2y / f->s22 : 0;
	}
	mean = f->sy / n;
	sst = f->syy - n * mean * mean;
	e = sse(f, a, b, c);
	out->a = a;
	out->b = b;
	out->c = c;
	out->rmse = sqrt(e / n);
	out->r2 = sst > 1e-9 ? 1.0 - e / sst : 0;
	out->fitted = 1;
}

/* The caller's pooled sums (mmt_replay_opts.host_fits) as fit sums:
 * 1 when given. */
int rp_calib_host(const struct rp_run *r, struct rp_fitsum f[RP_NR_FITS])
{
	const struct mmt_fit_sums *h = r->o->host_fits;

	if (!h)
		return 0;
	for (int i = 0; i < RP_NR_FITS && i < MMT_REPLAY_NR_FITS; i++) {
		const double *v = h->v[i];

		f[i] = (struct rp_fitsum){ (uint64_t)(v[0] > 0 ? v[0] : 0),
			v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9] };
	}
	return 1;
}

/* This trace's sums, for a caller that pools them. */
void rp_calib_export(const struct rp_run *r, struct mmt_fit_sums *out)
{
	for (int i = 0; i < RP_NR_FITS && i < MMT_REPLAY_NR_FITS; i++) {
		const struct rp_fitsum *f = &r->fits[i];
		double *v = out->v[i];

		v[0] = (double)f->n;
		v[1] = f->s1; v[2] = f->s2; v[3] = f->sy; v[4] = f->s11;
		v[5] = f->s12; v[6] = f->s22; v[7] = f->s1y; v[8] = f->s2y;
		v[9] = f->syy;
	}
}

void rp_costs_calibrate(struct rp_costs *c, const struct rp_fitsum f[RP_NR_FITS])
{
	for (int i = 0; i < RP_NR_FITS; i++)
		if (i != RP_FIT_KSWAPD)	/* fitted in the pre-pass */
			fit_one(&c->fit[i], &f[i]);
}

uint64_t rp_fit_cost(const struct rp_fit *f, uint64_t x1, uint64_t x2)
{
	double v = f->a + f->b * (double)x1 + f->c * (double)x2;

	return v > 0 ? (uint64_t)llround(v) : 0;
}

const char *rp_fit_source(const struct rp_fit *f)
{
	return f->fitted ? "fitted" : "model default";
}

/* ---- the trace's events ------------------------------------------------- */

/* Begin/end pairs per trace cpu, and the work in between (main pass). */
void rp_calib_event(struct rp_run *r, const struct mmt_event *ev,
		    struct rp_cpu *c)
{
	switch (ev->kind) {
	case MMT_EV_DIRECT_RECLAIM_BEGIN:
		c->dr_begin = ev->ts + 1;
		c->dr_scanned = 0;
		break;
	case MMT_EV_DIRECT_RECLAIM_END:
		if (c->dr_begin && ev->ts + 1 >= c->dr_begin)
			rp_fitsum_add(&r->fits[RP_FIT_DIRECT_RECLAIM],
				      (double)c->dr_scanned, (double)ev->arg,
				      (double)(ev->ts + 1 - c->dr_begin));
		c->dr_begin = 0;
		break;
	case MMT_EV_NODE_RECLAIM_BEGIN:
		c->nr_begin = ev->ts + 1;
		c->nr_scanned = 0;
		break;
	case MMT_EV_NODE_RECLAIM_END:
		if (c->nr_begin && ev->ts + 1 >= c->nr_begin)
			rp_fitsum_add(&r->fits[RP_FIT_NODE_RECLAIM],
				      (double)c->nr_scanned, (double)ev->arg,
				      (double)(ev->ts + 1 - c->nr_begin));
		c->nr_begin = 0;
		break;
	case MMT_EV_LRU_SHRINK_INACTIVE:
		if (c->dr_begin)
			c->dr_scanned += ev->arg;
		if (c->nr_begin)
			c->nr_scanned += ev->arg;
		break;
	case MMT_EV_COMPACTION_BEGIN:
		c->comp_begin = ev->ts + 1;
		c->comp_migrate = ev->arg;
		c->comp_free = ev->arg2;
		c->comp_scanned = c->comp_migrated = 0;
		c->comp_events = 0;
		break;
	case MMT_EV_COMPACT_SCAN:
		if (c->comp_begin) {
			c->comp_scanned += ev->arg;
			c->comp_events = 1;
		}
		break;
	case MMT_EV_COMPACT_MIGRATEPAGES:
		if (c->comp_begin) {
			c->comp_migrated += ev->arg;
			c->comp_events = 1;
		}
		break;
	case MMT_EV_COMPACTION_END:
		if (c->comp_begin && ev->ts + 1 >= c->comp_begin) {
			uint64_t d = ev->ts + 1 - c->comp_begin;
			uint64_t x1 = c->comp_scanned, x2 = c->comp_migrated;

			if (!c->comp_events) {
				/* older traces: how far the scanners moved */
				x1 = (ev->arg > c->comp_migrate ?
				      ev->arg - c->comp_migrate : 0) +
				     (c->comp_free > ev->arg2 ?
				      c->comp_free - ev->arg2 : 0);
				x2 = 0;
			}
			rp_fitsum_add(&r->fits[RP_FIT_COMPACTION], (double)x1,
				      (double)x2, (double)d);
		}
		c->comp_begin = 0;
		break;
	default:
		break;
	}
}

/* kswapd's runs, in the pre-pass: kswapd is the task that fires
 * mm_vmscan_kswapd_wake (one per node; the model has one kswapd per node
 * too, and its costs are one set for all). */
void rp_calib_kswapd_event(struct rp_calib_kswapd *k,
			   const struct mmt_event *ev)
{
	int slot = -1;

	for (int i = 0; i < k->nr; i++)
		if (k->pid[i] == ev->pid)
			slot = i;
	switch (ev->kind) {
	case MMT_EV_KSWAPD_WAKE:
	case MMT_EV_KSWAPD_SLEEP:
		if (slot < 0 && ev->kind == MMT_EV_KSWAPD_WAKE &&
		    k->nr < RP_MAX_KSWAPDS) {
			slot = k->nr++;
			k->pid[slot] = ev->pid;
		}
		if (slot < 0)
			break;
		if (k->start[slot] && k->last[slot] > k->start[slot])
			rp_fitsum_add(&k->sum, (double)k->scanned[slot],
				      (double)k->reclaimed[slot],
				      (double)(k->last[slot] - k->start[slot]));
		k->start[slot] = ev->kind == MMT_EV_KSWAPD_WAKE ? ev->ts + 1 : 0;
		k->last[slot] = 0;
		k->scanned[slot] = k->reclaimed[slot] = 0;
		break;
	case MMT_EV_LRU_SHRINK_INACTIVE:
		if (slot < 0 || !k->start[slot])
			break;
		k->scanned[slot] += ev->arg;
		k->reclaimed[slot] += ev->arg2;
		k->last[slot] = ev->ts + 1;
		break;
	default:
		break;
	}
}

/* The kswapd fit, into the model's background costs when it holds
 * (the run's constant spread over its rounds is left out: a run is a
 * handful of rounds, the constant goes to the first). */
void rp_calib_kswapd_apply(struct rp_run *r, const struct rp_calib_kswapd *k)
{
	struct rp_fit *f = &r->costs.fit[RP_FIT_KSWAPD];
	struct mmc_bg_costs bg;
	struct rp_fitsum host[RP_NR_FITS];

	r->fits[RP_FIT_KSWAPD] = k->sum;	/* the trace's own, reported */
	fit_one(f, rp_calib_host(r, host) ? &host[RP_FIT_KSWAPD] : &k->sum);
	if (!f->fitted)
		return;
	mmc_bg_costs_defaults(&bg);
	bg.reclaim_run_ns = (uint32_t)(f->a < 1e8 ? f->a : 1e8);
	bg.reclaim_scan_ns = (uint32_t)(f->b < 1e6 ? f->b : 1e6);
	bg.reclaim_page_ns = (uint32_t)(f->c < 1e8 ? f->c : 1e8);
	if (mmc_set_bg_costs(r->m, &bg) < 0)
		f->fitted = 0;
}
