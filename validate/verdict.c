/* SPDX-License-Identifier: MIT */
/*
 * The statistics and verdicts of `mmtrace validate` (docs/validate.md):
 *
 *  - same settings: for each group and counter, the kernel's mean and
 *    min..max over the group's traces against the model's mean over the
 *    replays of the same traces under their own settings.  The model is
 *    right when its mean lies within 25% of the kernel's mean or inside
 *    the kernel's own min..max, whichever band is wider;
 *  - across settings: for each group g after the base A, the measured
 *    ratio (kernel mean of g / kernel mean of A) against the predicted one
 *    (the model's values summed over every trace replayed under g's
 *    settings, over the same under A's: every trace's demand, paired).
 *    A change counts when the two groups' kernel min..max ranges do not
 *    overlap (it exceeds the run-to-run spread); then the prediction must
 *    go the same way and lie within 1.5x of the measured ratio.  With one
 *    trace in a group the spread is unknown: judged all the same, marked.
 *  - no model allocation failure where the kernel had no OOM kill, and the
 *    end unusable free space index at order 9 within 0.05 of the kernel's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mmcore.h"
#include "validate.h"

#define SAME_BAND 0.25
#define ACROSS_RATIO 1.5
#define UNUSABLE_TOL 0.05

static const struct vl_counter counters[] = {
	{ "kswapd runs (pageoutrun)", { "pageoutrun" }, 1, { 0 } },
	{ "pgscan_kswapd", { "pgscan_kswapd" }, 1, { 0 } },
	{ "pgsteal_kswapd", { "pgsteal_kswapd" }, 1, { 0 } },
	{ "pgscan_direct", { "pgscan_direct" }, 1, { 0 } },
	{ "pgsteal_direct", { "pgsteal_direct" }, 1, { 0 } },
	{ "allocstall", { "allocstall_dma", "allocstall_dma32",
			  "allocstall_normal", "allocstall_movable" }, 1, { 0 } },
	{ "compact_stall", { "compact_stall" }, 1, { 0 } },
	{ "compact_success", { "compact_success" }, 1, { 0 } },
	{ "thp_fault_alloc", { "thp_fault_alloc" }, 1, { 0 } },
	{ "thp_fault_fallback", { "thp_fault_fallback" }, 1, { 0 } },
	{ "compact_fail", { "compact_fail" }, 0, { 0 } },
	{ "pgmigrate_success", { "pgmigrate_success" }, 0, { 0 } },
	{ "compact_daemon_wake", { "compact_daemon_wake" }, 0, { 0 } },
	{ "workingset_refault_file", { "workingset_refault_file" }, 0, { 0 } },
	{ "mm_vmscan_kswapd_wake", { "mm_vmscan_kswapd_wake" }, 0, { 0 } },
	/* folios reclaim met and could not take: the kernel activates a
	 * dirty one (counted in nr_vmscan_immediate_reclaim too) and one
	 * under writeback (not counted there); the model has no writeback
	 * state (mmcore/writeback.c), so a kernel's pgactivate well above
	 * its nr_vmscan_immediate_reclaim, where the model's are equal, is
	 * the writeback the model leaves out */
	{ "pgactivate", { "pgactivate" }, 0, { 0 } },
	/* the label drops "nr_": the table's name column is 26 wide */
	{ "vmscan_immediate_reclaim", { "nr_vmscan_immediate_reclaim" }, 0,
	  { 0 } },
	/* where the pages came from: a model that places its large folios
	 * in another zone than the kernel did shows here first */
	{ "pgalloc_dma32", { "pgalloc_dma32" }, 0, { 0 } },
	{ "pgalloc_normal", { "pgalloc_normal" }, 0, { 0 } },
	/* the level kswapd and the allocators held each zone at: what the
	 * watermark sysctls set (the zoneinfo samples of the recorder) */
	{ "free pages DMA32 (median)", { NULL }, 0, { 0 }, MMC_ZONE_DMA32 + 1 },
	{ "free pages Normal (median)", { NULL }, 0, { 0 }, MMC_ZONE_NORMAL + 1 },
};

static int item_of(const char *name)
{
	for (int i = 0; mmc_vm_item_name(i); i++)
		if (!strcmp(mmc_vm_item_name(i), name))
			return i;
	return -1;
}

int vl_counters_init(struct vl_result *v)
{
	unsigned n = sizeof(counters) / sizeof(counters[0]);

	v->counters = calloc(n, sizeof(*v->counters));
	if (!v->counters) {
		fprintf(stderr, "mmtrace validate: out of memory\n");
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		struct vl_counter *c = &v->counters[i];

		*c = counters[i];
		for (int k = 0; k < VL_MAX_ITEMS; k++) {
			c->item[k] = c->items[k] ? item_of(c->items[k]) : -1;
			if (c->items[k] && c->item[k] < 0) {
				/* mmcore renamed an item: a build error */
				fprintf(stderr, "mmtrace validate: mmcore has "
					"no counter '%s'\n", c->items[k]);
				return -1;
			}
		}
	}
	v->nr_counters = n;
	return 0;
}

double vl_value(const struct vl_counter *c, const struct mmt_replay_result *r,
		int kernel, int *known)
{
	double sum = 0;

	*known = 1;
	if (c->zone_free) {
		unsigned t = (unsigned)c->zone_free - 1;

		if (t >= MMT_REPLAY_ZONE_TYPES || !r->zone_free_samples[t]) {
			*known = 0;
			return 0;
		}
		return (double)(kernel ? r->kernel_free_p50[t] :
				r->model_free_p50[t]);
	}
	for (int k = 0; k < VL_MAX_ITEMS && c->item[k] >= 0; k++) {
		unsigned i = (unsigned)c->item[k];

		if (i >= r->nr_counters) {
			*known = 0;
			return 0;
		}
		if (kernel && !r->kernel_known[i]) {
			*known = 0;
			return 0;
		}
		sum += (double)(kernel ? r->kernel_counter[i] :
				r->model_counter[i]);
	}
	return sum;
}

static void stat_add(struct vl_stat *s, double x)
{
	if (!s->n || x < s->min)
		s->min = x;
	if (!s->n || x > s->max)
		s->max = x;
	s->mean = (s->mean * s->n + x) / (s->n + 1);
	s->n++;
}

static void eval_same(struct vl_result *v, unsigned ci, unsigned g)
{
	const struct vl_counter *c = &v->counters[ci];
	const struct vl_group *gr = &v->group[g];
	struct vl_same *s = &v->same[ci * v->nr_groups + g];
	int known;

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < gr->nr_traces; i++) {
		const struct mmt_replay_result *r =
			&vl_run(v, gr->traces[i], g)->res;
		double k = vl_value(c, r, 1, &known);

		if (!known)
			continue;
		stat_add(&s->kernel, k);
		stat_add(&s->model, vl_value(c, r, 0, &known));
	}
	s->known = s->kernel.n > 0;
	if (!s->known)
		return;
	s->lo = fmin(s->kernel.mean * (1 - SAME_BAND), s->kernel.min);
	s->hi = fmax(s->kernel.mean * (1 + SAME_BAND), s->kernel.max);
	s->ok = s->model.mean >= s->lo && s->model.mean <= s->hi;
}

/* sum of the model's values over every trace replayed under group g's
 * settings (only A's traces when base_only) */
static double model_sum(struct vl_result *v, const struct vl_counter *c,
			unsigned g, int base_only, unsigned *n)
{
	double sum = 0;
	int known;

	*n = 0;
	for (unsigned t = 0; t < v->nr_traces; t++) {
		if (base_only && v->trace[t].group != 0)
			continue;
		sum += vl_value(c, &vl_run(v, t, g)->res, 0, &known);
		(*n)++;
	}
	return sum;
}

static double ratio(double b, double a)
{
	return a > 0 ? b / a : (b > 0 ? INFINITY : 1.0);
}

static void eval_across(struct vl_result *v, unsigned ci, unsigned g)
{
	const struct vl_counter *c = &v->counters[ci];
	const struct vl_same *a = &v->same[ci * v->nr_groups];
	const struct vl_same *b = &v->same[ci * v->nr_groups + g];
	struct vl_across *x = &v->across[ci * v->nr_groups + g];
	double ma, mb;
	unsigned n;

	memset(x, 0, sizeof(*x));
	x->known = a->known && b->known;
	ma = model_sum(v, c, 0, 0, &n);
	mb = model_sum(v, c, g, 0, &n);
	x->model_a = n ? ma / n : 0;
	x->model_g = n ? mb / n : 0;
	x->predicted = ratio(mb, ma);
	x->pred_from_base = ratio(model_sum(v, c, g, 1, &n),
				  model_sum(v, c, 0, 1, &n));
	if (!x->known)
		return;
	x->measured = ratio(b->kernel.mean, a->kernel.mean);
	if (a->kernel.n < 2 || b->kernel.n < 2)
		x->spread = VL_SPREAD_UNKNOWN;
	else if (b->kernel.min > a->kernel.max || b->kernel.max < a->kernel.min)
		x->spread = VL_SPREAD_EXCEEDS;
	else
		x->spread = VL_SPREAD_WITHIN;
	if (x->spread == VL_SPREAD_WITHIN || x->measured == 1.0)
		return;
	x->evaluated = 1;
	x->dir_ok = (x->measured > 1) == (x->predicted > 1) &&
		    x->predicted != 1.0;
	if (x->measured == 0 && x->predicted == 0) {
		x->off = 1;	/* both vanish under the group's settings */
		x->dir_ok = 1;
	} else if (isinf(x->measured) || isinf(x->predicted) ||
		   x->measured <= 0 || x->predicted <= 0) {
		x->off = isinf(x->measured) && isinf(x->predicted) ? 1 : INFINITY;
	} else {
		x->off = x->predicted > x->measured ?
			 x->predicted / x->measured : x->measured / x->predicted;
	}
	x->ratio_ok = x->off <= ACROSS_RATIO;
}

/* The kernel's pages allocated over the trace (pgalloc_* of every
 * zone type); 0 when the trace cannot tell. */
static uint64_t kernel_pgalloc(const struct mmt_replay_result *r)
{
	static const char *const names[] = { "pgalloc_dma", "pgalloc_dma32",
					     "pgalloc_normal",
					     "pgalloc_movable" };
	uint64_t sum = 0;

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int it = item_of(names[i]);

		if (it >= 0 && (unsigned)it < r->nr_counters &&
		    r->kernel_known[it])
			sum += r->kernel_counter[it];
	}
	return sum;
}

static void eval_group_extras(struct vl_result *v, unsigned g)
{
	const struct vl_group *gr = &v->group[g];
	int oom = item_of("oom_kill");

	memset(&v->fail_model[g], 0, sizeof(v->fail_model[g]));
	memset(&v->oom_kernel[g], 0, sizeof(v->oom_kernel[g]));
	memset(&v->ui_model[g], 0, sizeof(v->ui_model[g]));
	memset(&v->ui_kernel[g], 0, sizeof(v->ui_kernel[g]));
	memset(&v->held_model[g], 0, sizeof(v->held_model[g]));
	memset(&v->held_share[g], 0, sizeof(v->held_share[g]));
	memset(v->zf_err[g], 0, sizeof(v->zf_err[g]));
	for (unsigned i = 0; i < gr->nr_traces; i++) {
		const struct mmt_replay_result *r =
			&vl_run(v, gr->traces[i], g)->res;
		uint64_t pgalloc = kernel_pgalloc(r);

		stat_add(&v->fail_model[g], (double)r->demand_alloc_fail);
		stat_add(&v->held_model[g], (double)r->demand_held_pages);
		if (pgalloc)
			stat_add(&v->held_share[g],
				 (double)r->demand_held_pages / (double)pgalloc);
		if (oom >= 0 && (unsigned)oom < r->nr_counters &&
		    r->kernel_known[oom])
			stat_add(&v->oom_kernel[g],
				 (double)r->kernel_counter[oom]);
		if (r->kernel_unusable_known) {
			stat_add(&v->ui_kernel[g],
				 r->kernel_unusable_index_order9_end);
			stat_add(&v->ui_model[g], r->unusable_index_order9_end);
		}
		if (r->zone_free_samples[MMC_ZONE_DMA32])
			stat_add(&v->zf_err[g][0],
				 r->zone_free_err[MMC_ZONE_DMA32]);
		if (r->zone_free_samples[MMC_ZONE_NORMAL])
			stat_add(&v->zf_err[g][1],
				 r->zone_free_err[MMC_ZONE_NORMAL]);
	}
	/* a failure is fine only where the kernel itself killed */
	v->fail_ok[g] = v->fail_model[g].max == 0 ||
			(v->oom_kernel[g].n && v->oom_kernel[g].min > 0);
	v->ui_known[g] = v->ui_kernel[g].n > 0;
	v->ui_ok[g] = v->ui_known[g] &&
		      fabs(v->ui_model[g].mean - v->ui_kernel[g].mean) <=
		      UNUSABLE_TOL;
}

void vl_evaluate(struct vl_result *v)
{
	v->same_met = v->same_of = v->across_met = v->across_of = 0;
	for (unsigned ci = 0; ci < v->nr_counters; ci++)
		for (unsigned g = 0; g < v->nr_groups; g++) {
			eval_same(v, ci, g);
			if (v->counters[ci].target && v->same[ci * v->nr_groups +
							      g].known) {
				v->same_of++;
				v->same_met += v->same[ci * v->nr_groups + g].ok;
			}
		}
	for (unsigned ci = 0; ci < v->nr_counters; ci++)
		for (unsigned g = 1; g < v->nr_groups; g++) {
			const struct vl_across *x;

			eval_across(v, ci, g);
			x = &v->across[ci * v->nr_groups + g];
			if (v->counters[ci].target && x->evaluated) {
				v->across_of++;
				v->across_met += x->dir_ok && x->ratio_ok;
			}
		}
	for (unsigned g = 0; g < v->nr_groups; g++)
		eval_group_extras(v, g);
}
