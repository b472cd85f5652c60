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
 * summary.json, the report).  No coefficient may be negative (more pages
 * cannot be cheaper), and a fit is never worse than the mean duration
 * (fit_one); kswapd's is used only with a cost per page.  Pairs are kept
 * per task (taskpair.c).
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

/* Least squares of y on the terms in mask (bit 0 the base a, bit 1 x1,
 * bit 2 x2; the others held at 0): the normal equations of those terms by
 * Gauss-Jordan elimination.  false when singular (collinear or constant
 * regressors). */
static bool solve(const struct rp_fitsum *f, unsigned mask, double coef[3])
{
	const double g[3][3] = { { (double)f->n, f->s1, f->s2 },
				 { f->s1, f->s11, f->s12 },
				 { f->s2, f->s12, f->s22 } };
	const double v[3] = { f->sy, f->s1y, f->s2y };
	double m[3][4];
	int idx[3], k = 0;

	for (int i = 0; i < 3; i++)
		if (mask & (1u << i))
			idx[k++] = i;
	for (int i = 0; i < k; i++) {
		for (int j = 0; j < k; j++)
			m[i][j] = g[idx[i]][idx[j]];
		m[i][k] = v[idx[i]];
	}
	for (int i = 0; i < k; i++) {
		int piv = i;

		for (int j = i + 1; j < k; j++)
			if (fabs(m[j][i]) > fabs(m[piv][i]))
				piv = j;
		/* relative to the term's own scale: a regressor with no spread
		 * against the others leaves nothing to divide by */
		if (fabs(m[piv][i]) <= 1e-9 * (fabs(g[idx[i]][idx[i]]) + 1))
			return false;
		for (int j = 0; j <= k; j++) {
			double t = m[i][j];

			m[i][j] = m[piv][j];
			m[piv][j] = t;
		}
		for (int j = 0; j < k; j++) {
			double q = m[j][i] / m[i][i];

			if (j == i)
				continue;
			for (int l = i; l <= k; l++)
				m[j][l] -= q * m[i][l];
		}
	}
	coef[0] = coef[1] = coef[2] = 0;
	for (int i = 0; i < k; i++)
		coef[idx[i]] = m[i][k] / m[i][i];
	return true;
}

/* SSE of y - a - b x1 - c x2, expanded over the running sums. */
static double sse(const struct rp_fitsum *f, double a, double b, double c)
{
	double n = (double)f->n;
	double s = f->syy + n * a * a + b * b * f->s11 + c * c * f->s22 -
		   2 * a * f->sy - 2 * b * f->s1y - 2 * c * f->s2y +
		   2 * a * b * f->s1 + 2 * a * c * f->s2 + 2 * b * c * f->s12;

	/* below what the expanded sums resolve, an exact fit */
	return s > 1e-12 * f->syy ? s : 0;
}

/*
 * Non-negative least squares of y = a + b x1 + c x2 (a cost cannot be
 * negative, nor can more pages be cheaper): with three terms, the best of
 * the unconstrained fits on every subset of the terms whose coefficients
 * all come out >= 0 (the NNLS optimum is the plain least squares on its
 * own support).  The base alone is always among them, so a fit is never
 * worse than the mean duration (r2 >= 0); fewer terms win a tie.
 */
static void fit_one(struct rp_fit *out, const struct rp_fitsum *f)
{
	static const unsigned masks[] = { 1, 2, 4, 3, 5, 6, 7 };
	double n = (double)f->n, best[3] = { 0, 0, 0 }, best_e = -1, mean, sst;

	out->samples = f->n;
	if (f->n < RP_MIN_FIT_PAIRS)
		return;		/* keep the default; samples says why */
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		double coef[3], e;

		if (!solve(f, masks[i], coef) || coef[0] < 0 || coef[1] < 0 ||
		    coef[2] < 0)
			continue;
		e = sse(f, coef[0], coef[1], coef[2]);
		if (best_e < 0 || e < best_e * (1 - 1e-12)) {
			memcpy(best, coef, sizeof(best));
			best_e = e;
		}
	}
	if (best_e < 0)
		return;		/* no durations to speak of: keep the default */
	mean = f->sy / n;
	sst = f->syy - n * mean * mean;
	out->a = best[0];
	out->b = best[1];
	out->c = best[2];
	out->rmse = sqrt(best_e / n);
	out->r2 = sst > 1e-9 * (f->syy + 1) ? 1.0 - best_e / sst : 0;
	if (out->r2 < 0)	/* rounding in the expanded sums */
		out->r2 = 0;
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

/* A BEGIN of kind: opens a pair of ev's task (taskpair.c). */
static void pair_open(struct rp_run *r, int kind, const struct mmt_event *ev)
{
	struct rp_pair *p = rp_pair_begin(&r->pairs, kind, ev);

	if (kind == RP_PAIR_COMPACT) {
		p->migrate_pfn = ev->arg;
		p->free_pfn = ev->arg2;
	}
}

/* The pages a compaction pair's scanners covered: the scan events' counts,
 * or in older traces without them how far the two scanners moved. */
static void compaction_work(const struct rp_pair *p,
			    const struct mmt_event *end, uint64_t *x1,
			    uint64_t *x2)
{
	*x1 = p->scanned;
	*x2 = p->migrated;
	if (p->work_events)
		return;
	*x1 = (end->arg > p->migrate_pfn ? end->arg - p->migrate_pfn : 0) +
	      (p->free_pfn > end->arg2 ? p->free_pfn - end->arg2 : 0);
	*x2 = 0;
}

/* A direct reclaim by the priority of its first scan (DEF_PRIORITY 12
 * down): where the memory cgroup walk shows (memcg_walk.c). */
static int first_prio_bucket(unsigned top_prio)
{
	if (!top_prio)
		return RP_DR_PRIO_NONE;
	if (top_prio - 1 >= 12)
		return RP_DR_PRIO_DEF;
	return top_prio - 1 == 11 ? RP_DR_PRIO_DEF_1 : RP_DR_PRIO_LOWER;
}

/* The priority of a shrink_inactive_list() inside ev's task's open direct
 * reclaim (the event's order field). */
static void pair_prio(struct rp_run *r, const struct mmt_event *ev)
{
	struct rp_pair *p = rp_pair_find(&r->pairs, RP_PAIR_DIRECT, ev);
	unsigned prio = ev->order > 12 ? 12 : ev->order;

	if (p && prio + 1 > p->top_prio)
		p->top_prio = (uint8_t)(prio + 1);
}

/* An END of kind: the pair's duration and work into its fit. */
static bool pair_end(struct rp_run *r, int kind, int fit,
		     const struct mmt_event *ev, uint64_t *pair_ns)
{
	struct rp_pair *p = rp_pair_find(&r->pairs, kind, ev);
	uint64_t x1, x2, d;

	if (!p)
		return false;
	if (ev->ts + 1 < p->begin) {	/* out of order: not a pair */
		rp_pair_close(&r->pairs, p);
		return false;
	}
	d = ev->ts + 1 - p->begin;
	if (kind == RP_PAIR_DIRECT)
		r->k.dr_first_prio[first_prio_bucket(p->top_prio)]++;
	x1 = p->scanned;
	x2 = ev->arg;			/* reclaim: the END's nr_reclaimed */
	if (kind == RP_PAIR_COMPACT)
		compaction_work(p, ev, &x1, &x2);
	rp_fitsum_add(&r->fits[fit], (double)x1, (double)x2, (double)d);
	rp_pair_close(&r->pairs, p);
	*pair_ns = d;
	return true;
}

/* Work inside an open pair of ev's task. */
static void pair_work(struct rp_run *r, int kind, const struct mmt_event *ev,
		      uint64_t scanned, uint64_t migrated)
{
	struct rp_pair *p = rp_pair_find(&r->pairs, kind, ev);

	if (!p)
		return;
	p->scanned += scanned;
	p->migrated += migrated;
	p->work_events = 1;
}

/* Begin/end pairs per task, and the work in between (main pass). */
bool rp_calib_event(struct rp_run *r, const struct mmt_event *ev,
		    uint64_t *pair_ns)
{
	switch (ev->kind) {
	case MMT_EV_DIRECT_RECLAIM_BEGIN:
		pair_open(r, RP_PAIR_DIRECT, ev);
		break;
	case MMT_EV_DIRECT_RECLAIM_END:
		return pair_end(r, RP_PAIR_DIRECT, RP_FIT_DIRECT_RECLAIM, ev,
				pair_ns);
	case MMT_EV_NODE_RECLAIM_BEGIN:
		pair_open(r, RP_PAIR_NODE, ev);
		break;
	case MMT_EV_NODE_RECLAIM_END:
		return pair_end(r, RP_PAIR_NODE, RP_FIT_NODE_RECLAIM, ev,
				pair_ns);
	case MMT_EV_LRU_SHRINK_INACTIVE:
		pair_prio(r, ev);
		pair_work(r, RP_PAIR_DIRECT, ev, ev->arg, 0);
		pair_work(r, RP_PAIR_NODE, ev, ev->arg, 0);
		break;
	case MMT_EV_COMPACTION_BEGIN:
		pair_open(r, RP_PAIR_COMPACT, ev);
		break;
	case MMT_EV_COMPACT_SCAN:
		pair_work(r, RP_PAIR_COMPACT, ev, ev->arg, 0);
		break;
	case MMT_EV_COMPACT_MIGRATEPAGES:
		pair_work(r, RP_PAIR_COMPACT, ev, 0, ev->arg);
		break;
	case MMT_EV_COMPACTION_END:
		return pair_end(r, RP_PAIR_COMPACT, RP_FIT_COMPACTION, ev,
				pair_ns);
	default:
		break;
	}
	return false;
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

	const struct rp_fit dflt = *f;

	r->fits[RP_FIT_KSWAPD] = k->sum;	/* the trace's own, reported */
	fit_one(f, rp_calib_host(r, host) ? &host[RP_FIT_KSWAPD] : &k->sum);
	if (!f->fitted)
		return;
	if (f->b == 0 && f->c == 0) {
		/* the runs' lengths say nothing of their pages: a kswapd with
		 * no cost per page would reclaim anything at once */
		*f = dflt;
		f->samples = k->sum.n;
		return;
	}
	mmc_bg_costs_defaults(&bg);
	bg.reclaim_run_ns = (uint32_t)(f->a < 1e8 ? f->a : 1e8);
	bg.reclaim_scan_ns = (uint32_t)(f->b < 1e6 ? f->b : 1e6);
	bg.reclaim_page_ns = (uint32_t)(f->c < 1e8 ? f->c : 1e8);
	if (mmc_set_bg_costs(r->m, &bg) < 0)
		f->fitted = 0;
}
