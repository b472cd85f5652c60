/* SPDX-License-Identifier: MIT */
/*
 * `mmtrace validate` outputs: the text table (stdout), JSON (--json and
 * DIR/validate.json) and DIR/validate.tsv, which report/ renders
 * (docs/validate.md describes all three).  Fixed formats and orders: the
 * same traces give the same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "mmtrace/trace.h"
#include "validate.h"

static const char *num(char *buf, size_t len, double x)
{
	if (isinf(x))
		snprintf(buf, len, "inf");
	else if (x == floor(x) && fabs(x) < 1e15)
		snprintf(buf, len, "%.0f", x);
	else if (fabs(x) >= 100)
		snprintf(buf, len, "%.0f", x);
	else
		snprintf(buf, len, "%.3g", x);
	return buf;
}

static const char *ratio_str(char *buf, size_t len, double x)
{
	if (isinf(x))
		snprintf(buf, len, "inf");
	else if (x < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3g", x);
	return buf;
}

static const char *spread_mark(enum vl_spread s)
{
	switch (s) {
	case VL_SPREAD_EXCEEDS:	return ">";
	case VL_SPREAD_WITHIN:	return "~";
	case VL_SPREAD_UNKNOWN:	return "?";
	default:		return "-";
	}
}

static const char *spread_name(enum vl_spread s)
{
	switch (s) {
	case VL_SPREAD_EXCEEDS:	return "exceeds";
	case VL_SPREAD_WITHIN:	return "within";
	case VL_SPREAD_UNKNOWN:	return "unknown";
	default:		return "none";
	}
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* The cost fits, in replay's order (calibrate.c) */
static const struct { const char *name, *x1, *x2; } fits[MMT_REPLAY_NR_FITS] = {
	{ "direct reclaim", "scanned", "reclaimed" },
	{ "compaction", "scanned", "migrated" },
	{ "node reclaim", "scanned", "reclaimed" },
	{ "kswapd run", "scanned", "reclaimed" },
};

/* The sets of cost fits the replays used (--fits): one for host, one a
 * setting, one a trace. */
static unsigned fit_sources(const struct vl_result *v)
{
	return v->fits == VL_FITS_TRACE ? v->nr_traces :
	       v->fits == VL_FITS_SETTINGS ? v->nr_groups :
	       v->nr_traces ? 1 : 0;
}

/* A replay's result that shows set i of the fits (a replay reports the
 * fits it used): any run for host, a setting's first trace's, a trace's
 * own.  Whose they are in of: "all", the setting's letter, the file. */
static const struct mmt_replay_result *fit_source(const struct vl_result *v,
						  unsigned i, char *of,
						  size_t len)
{
	unsigned t = i;

	if (v->fits == VL_FITS_SETTINGS) {
		t = v->group[i].traces[0];
		snprintf(of, len, "%c", v->group[i].label);
	} else if (v->fits == VL_FITS_TRACE) {
		snprintf(of, len, "%s", base_name(v->trace[t].path));
	} else {
		snprintf(of, len, "all");
	}
	return &v->runs[t * v->nr_groups + v->trace[t].group].res;
}

/* ---- text ------------------------------------------------------------------ */

/* How the replays' direct reclaim walked the memory cgroups (each trace
 * under its own settings; --memcg-walk, or as its snapshots say): one
 * line per distinct walk, with its traces. */
static void text_memcg_walk(const struct vl_result *v, FILE *f)
{
	for (unsigned t = 0; t < v->nr_traces; t++) {
		const char *w = vl_run((struct vl_result *)v, t,
				       v->trace[t].group)->res.memcg_walk;
		unsigned seen = 0;

		for (unsigned u = 0; u < t && !seen; u++)
			seen = !strcmp(w, vl_run((struct vl_result *)v, u,
						 v->trace[u].group)->res.memcg_walk);
		if (seen || !w[0])
			continue;
		fprintf(f, "  direct reclaim's memcg walk %s:", w);
		for (unsigned u = t; u < v->nr_traces; u++)
			if (!strcmp(w, vl_run((struct vl_result *)v, u,
					      v->trace[u].group)->res.memcg_walk))
				fprintf(f, " %s", base_name(v->trace[u].path));
		fputc('\n', f);
	}
	/* where the kernel's own direct reclaims say otherwise */
	for (unsigned t = 0; t < v->nr_traces; t++) {
		const struct mmt_replay_result *res =
			&vl_run((struct vl_result *)v, t, v->trace[t].group)->res;
		int partial = !strncmp(res->memcg_walk, "partial", 7);

		if (res->kernel_walk < 0 || res->kernel_walk == partial)
			continue;
		fprintf(f, "  %s: the kernel's direct reclaims look like a %s "
			"walk (%llu of %llu began below DEF_PRIORITY; "
			"--memcg-walk %s)\n", base_name(v->trace[t].path),
			res->kernel_walk ? "partial" : "whole",
			(unsigned long long)res->kernel_dr_below,
			(unsigned long long)res->kernel_dr_scanned,
			res->kernel_walk ? "partial" : "whole");
	}
}

static void text_groups(const struct vl_result *v, FILE *f)
{
	/* the first pass (each trace under its own settings, for the
	 * host's reclaim and compaction costs) is a replay too: say it */
	fprintf(f, "mmtrace validate: %u trace%s, %u setting%s, %u replays "
		"in policy mode (%u to fit %s costs, then %u)\n\n",
		v->nr_traces, v->nr_traces == 1 ? "" : "s",
		v->nr_groups, v->nr_groups == 1 ? "" : "s",
		v->nr_traces * (v->nr_groups + 1), v->nr_traces,
		v->fits == VL_FITS_TRACE ? "each trace's" :
		v->fits == VL_FITS_SETTINGS ? "each setting's" : "the host's",
		v->nr_traces * v->nr_groups);
	for (unsigned g = 0; g < v->nr_groups; g++) {
		const struct vl_group *gr = &v->group[g];

		fprintf(f, "  %c  %-44s %u run%s:", gr->label, gr->desc,
			gr->nr_traces, gr->nr_traces == 1 ? "" : "s");
		for (unsigned i = 0; i < gr->nr_traces; i++)
			fprintf(f, " %s", base_name(v->trace[gr->traces[i]].path));
		fputc('\n', f);
	}
	text_memcg_walk(v, f);
}

static void text_same(const struct vl_result *v, FILE *f)
{
	char a[32], b[32], c[32], d[32], e[32];

	fputs("\nSame settings: the kernel's count (mean and min..max over the "
	      "runs) and the\nmodel's (mean over the same traces replayed under "
	      "their own settings).\nok: within 25% of the kernel's mean or "
	      "inside its min..max; * marks a target.\n\n", f);
	fprintf(f, "%-27s %-3s %12s %21s %12s %8s  %s\n", "counter", "set",
		"kernel", "kernel min..max", "model", "model/k", "ok");
	for (unsigned ci = 0; ci < v->nr_counters; ci++)
		for (unsigned g = 0; g < v->nr_groups; g++) {
			const struct vl_same *s = &v->same[ci * v->nr_groups + g];
			char range[80];

			if (!s->known) {
				fprintf(f, "%-27s %-3c %12s %21s %12s %8s  %s\n",
					g ? "" : v->counters[ci].name,
					v->group[g].label, "-", "-", "-", "-", "-");
				continue;
			}
			snprintf(range, sizeof(range), "%s..%s",
				 num(a, sizeof(a), s->kernel.min),
				 num(b, sizeof(b), s->kernel.max));
			fprintf(f, "%s%-26s %-3c %12s %21s %12s %8s  %s\n",
				!g && v->counters[ci].target ? "*" : " ",
				g ? "" : v->counters[ci].name, v->group[g].label,
				num(c, sizeof(c), s->kernel.mean), range,
				num(d, sizeof(d), s->model.mean),
				ratio_str(e, sizeof(e), s->kernel.mean > 0 ?
					  s->model.mean / s->kernel.mean :
					  (s->model.mean > 0 ? INFINITY : -1)),
				s->ok ? "ok" : "MISS");
		}
}

static void text_across(const struct vl_result *v, FILE *f)
{
	char a[32], b[32], c[32], d[32], e[32];

	if (v->nr_groups < 2)
		return;
	fputs("\nAcross settings: the kernel's change from A (measured: mean "
	      "of the group's runs\nover A's) and the model's (predicted: every "
	      "trace replayed under the group's\nsettings over the same under "
	      "A's).  spread: > the kernel's ranges do not overlap\n(judged), ~ "
	      "they overlap (not judged), ? a group has one run (judged).\n"
	      "ok: same direction, within 1.5x.\n\n", f);
	fprintf(f, "%-27s %-3s %12s %12s %9s %9s %6s  %s\n", "counter", "set",
		"kernel A", "kernel", "measured", "predicted", "spread", "ok");
	for (unsigned ci = 0; ci < v->nr_counters; ci++)
		for (unsigned g = 1; g < v->nr_groups; g++) {
			const struct vl_across *x =
				&v->across[ci * v->nr_groups + g];
			const struct vl_same *sa = &v->same[ci * v->nr_groups];
			const struct vl_same *sg =
				&v->same[ci * v->nr_groups + g];
			const char *verdict = !x->evaluated ? "-" :
				x->dir_ok && x->ratio_ok ? "ok" :
				!x->dir_ok ? "MISS (direction)" : "MISS (size)";

			fprintf(f, "%s%-26s %-3c %12s %12s %9s %9s %6s  %s\n",
				g == 1 && v->counters[ci].target ? "*" : " ",
				g == 1 ? v->counters[ci].name : "",
				v->group[g].label,
				x->known ? num(a, sizeof(a), sa->kernel.mean) : "-",
				x->known ? num(b, sizeof(b), sg->kernel.mean) : "-",
				x->known ? ratio_str(c, sizeof(c), x->measured) : "-",
				ratio_str(d, sizeof(d), x->predicted),
				x->known ? spread_mark(x->spread) : "-",
				verdict);
			(void)e;
		}
}

static void text_extras(const struct vl_result *v, FILE *f)
{
	char a[32], b[32];

	fputs("\nAllocation failures: allocations of the trace the model could "
	      "not place (mean\nover the runs under their own settings) against "
	      "the kernel's OOM kills; a THP\nfault or a large page-cache folio "
	      "the model placed as its caller's fallback\n(4 KiB or order-0 "
	      "pages) is not one.\n", f);
	for (unsigned g = 0; g < v->nr_groups; g++)
		fprintf(f, "  %c  model %s (max %s), kernel oom_kill %s: %s\n",
			v->group[g].label, num(a, sizeof(a), v->fail_model[g].mean),
			num(b, sizeof(b), v->fail_model[g].max),
			v->oom_kernel[g].n ? (v->oom_kernel[g].max > 0 ? "yes" : "0")
					   : "-",
			v->fail_ok[g] ? "ok" : "MISS");
	fputs("\nEnd unusable free space index at order 9 (0..1, all zones; "
	      "ok within 0.05):\n", f);
	for (unsigned g = 0; g < v->nr_groups; g++) {
		if (!v->ui_known[g]) {
			fprintf(f, "  %c  - (no end snapshot)\n",
				v->group[g].label);
			continue;
		}
		fprintf(f, "  %c  kernel %.3f, model %.3f: %s\n",
			v->group[g].label, v->ui_kernel[g].mean,
			v->ui_model[g].mean, v->ui_ok[g] ? "ok" : "MISS");
	}
	fputs("\nFree pages over time (no verdict): each trace's mean "
	      "|ln((model+1)/(kernel+1))|\nover its /proc/zoneinfo samples "
	      "under its own settings, mean (min..max) over the\ngroup's runs "
	      "(0: the model's zone follows the kernel's; 0.1: 10% apart):\n", f);
	for (unsigned g = 0; g < v->nr_groups; g++) {
		static const char *const zn[2] = { "DMA32", "Normal" };
		int any = 0;

		fprintf(f, "  %c ", v->group[g].label);
		for (int z = 0; z < 2; z++) {
			const struct vl_stat *s = &v->zf_err[g][z];

			if (!s->n)
				continue;
			fprintf(f, "%s %s %.3f (%.3f..%.3f)", any ? "," : "",
				zn[z], s->mean, s->min, s->max);
			any = 1;
		}
		fputs(any ? "\n" : " - (no zoneinfo samples)\n", f);
	}
	fputs("\nDemand the model did not have (no verdict): pages the kernel "
	      "allocated for\npage-cache pages the model still held (the kernel "
	      "had evicted them, the model\nnot; docs/demand.md), mean a run "
	      "under the group's own settings:\n", f);
	for (unsigned g = 0; g < v->nr_groups; g++) {
		fprintf(f, "  %c  %s pages", v->group[g].label,
			num(a, sizeof(a), v->held_model[g].mean));
		if (v->held_share[g].n)
			fprintf(f, " (%.1f%% of the kernel's pages allocated)",
				100.0 * v->held_share[g].mean);
		fputc('\n', f);
	}
}

static void text_fit_lines(const struct mmt_replay_result *r,
			   const char *indent, FILE *f)
{
	for (int i = 0; i < MMT_REPLAY_NR_FITS; i++) {
		if (!r->fit[i].fitted) {
			fprintf(f, "%s%-15s model default (%llu pairs)\n", indent,
				fits[i].name, (unsigned long long)r->fit[i].n);
			continue;
		}
		fprintf(f, "%s%-15s %.0f ns + %.0f ns/page %s + %.0f ns/page %s"
			"   r2 %.3f, n %llu\n", indent, fits[i].name, r->fit[i].a,
			r->fit[i].b, fits[i].x1, r->fit[i].c, fits[i].x2,
			r->fit[i].r2, (unsigned long long)r->fit[i].n);
	}
}

static void text_costs(const struct vl_result *v, FILE *f)
{
	unsigned n = fit_sources(v);
	char of[256];

	if (!n)
		return;
	if (v->fits == VL_FITS_HOST)
		fprintf(f, "\nCosts fitted over the %u traces: each begin/end "
			"duration against the pages it\nscanned and reclaimed or "
			"migrated (least squares; every replay above uses them):\n",
			v->nr_traces);
	else
		fprintf(f, "\nCosts fitted over %s (--fits %s): each\nbegin/end "
			"duration against the pages it scanned and reclaimed or "
			"migrated\n(least squares; every replay of a trace uses "
			"its %s):\n", v->fits == VL_FITS_TRACE ?
			"each trace's own durations" : "the traces of each setting",
			vl_fits_name(v->fits), v->fits == VL_FITS_TRACE ?
			"own" : "setting's");
	for (unsigned i = 0; i < n; i++) {
		const struct mmt_replay_result *r = fit_source(v, i, of,
							       sizeof(of));

		if (v->fits != VL_FITS_HOST)
			fprintf(f, "  %s\n", of);
		text_fit_lines(r, v->fits == VL_FITS_HOST ? "  " : "    ", f);
	}
	fputs("  Fast paths (pcp, buddy, fallback, fault, refault, slab): model "
	      "defaults.\n", f);
}

void vl_print_text(const struct vl_result *v, FILE *f)
{
	unsigned fail_ok = 0, ui_ok = 0, ui_of = 0;

	text_groups(v, f);
	text_same(v, f);
	text_across(v, f);
	text_extras(v, f);
	text_costs(v, f);
	for (unsigned g = 0; g < v->nr_groups; g++) {
		fail_ok += (unsigned)v->fail_ok[g];
		ui_ok += (unsigned)v->ui_ok[g];
		ui_of += (unsigned)v->ui_known[g];
	}
	fprintf(f, "\nTargets met (* rows): same settings %u of %u, across "
		"settings %u of %u judged;\nno failures %u of %u settings, end "
		"unusable index %u of %u.\n", v->same_met, v->same_of,
		v->across_met, v->across_of, fail_ok, v->nr_groups, ui_ok, ui_of);
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_num(FILE *f, double x)
{
	char b[32];

	if (isinf(x) || isnan(x) || x < 0)
		fputs("null", f);
	else
		fputs(num(b, sizeof(b), x), f);
}

static void json_ratio(FILE *f, double x)
{
	if (isinf(x) || isnan(x) || x < 0)
		fputs("null", f);
	else
		fprintf(f, "%.6g", x);
}

static void json_stat(FILE *f, const char *key, const struct vl_stat *s)
{
	fprintf(f, "\"%s\": {\"mean\": ", key);
	json_num(f, s->mean);
	fputs(", \"min\": ", f);
	json_num(f, s->min);
	fputs(", \"max\": ", f);
	json_num(f, s->max);
	fprintf(f, ", \"runs\": %u}", s->n);
}

static void json_groups(const struct vl_result *v, FILE *f)
{
	fputs("  \"traces\": [", f);
	for (unsigned t = 0; t < v->nr_traces; t++) {
		fprintf(f, "%s\n    {\"file\": ", t ? "," : "");
		mmt_json_str(f, base_name(v->trace[t].path));
		const struct mmt_replay_result *own =
			&vl_run((struct vl_result *)v, t, v->trace[t].group)->res;

		fprintf(f, ", \"set\": \"%c\", \"events\": %llu, "
			"\"stopped_early\": %s, \"memcg_walk\": ",
			v->group[v->trace[t].group].label,
			(unsigned long long)v->trace[t].events,
			own->stopped_early ? "true" : "false");
		mmt_json_str(f, own->memcg_walk);
		fprintf(f, ", \"kernel_direct_reclaims_below_def_priority\": "
			"%llu, \"kernel_direct_reclaims_scanning\": %llu}",
			(unsigned long long)own->kernel_dr_below,
			(unsigned long long)own->kernel_dr_scanned);
	}
	fputs("\n  ],\n  \"sets\": [", f);
	for (unsigned g = 0; g < v->nr_groups; g++) {
		const struct vl_group *gr = &v->group[g];

		fprintf(f, "%s\n    {\"set\": \"%c\", \"differs\": ", g ? "," : "",
			gr->label);
		mmt_json_str(f, gr->desc);
		fputs(", \"settings\": [", f);
		for (unsigned i = 0; i < gr->nr_sets; i++) {
			fputs(i ? ", " : "", f);
			mmt_json_str(f, gr->sets[i]);
		}
		fputs("], \"failures\": {", f);
		json_stat(f, "model", &v->fail_model[g]);
		fputs(", ", f);
		json_stat(f, "kernel_oom_kill", &v->oom_kernel[g]);
		fprintf(f, ", \"ok\": %s}, \"held_pages\": {",
			v->fail_ok[g] ? "true" : "false");
		json_stat(f, "model", &v->held_model[g]);
		fputs(", ", f);
		json_stat(f, "share_of_kernel_pgalloc", &v->held_share[g]);
		fputs("}, \"zone_free_error\": {", f);
		for (int z = 0; z < 2; z++) {
			fprintf(f, "%s\"%s\": ", z ? ", " : "",
				z ? "Normal" : "DMA32");
			if (v->zf_err[g][z].n) {
				fputc('{', f);
				json_stat(f, "mean_abs_log_ratio",
					  &v->zf_err[g][z]);
				fputc('}', f);
			} else {
				fputs("null", f);
			}
		}
		fputs("}, \"unusable_index_o9_end\": ", f);
		if (v->ui_known[g]) {
			fputc('{', f);
			json_stat(f, "kernel", &v->ui_kernel[g]);
			fputs(", ", f);
			json_stat(f, "model", &v->ui_model[g]);
			fprintf(f, ", \"ok\": %s}", v->ui_ok[g] ? "true" : "false");
		} else {
			fputs("null", f);
		}
		fputc('}', f);
	}
	fputs("\n  ],\n", f);
}

static void json_counter(const struct vl_result *v, unsigned ci, FILE *f)
{
	fputs("    {\"counter\": ", f);
	mmt_json_str(f, v->counters[ci].name);
	fprintf(f, ", \"target\": %s,\n     \"same\": [",
		v->counters[ci].target ? "true" : "false");
	for (unsigned g = 0; g < v->nr_groups; g++) {
		const struct vl_same *s = &v->same[ci * v->nr_groups + g];

		fprintf(f, "%s{\"set\": \"%c\", ", g ? ", " : "",
			v->group[g].label);
		if (!s->known) {
			fputs("\"kernel\": null}", f);
			continue;
		}
		json_stat(f, "kernel", &s->kernel);
		fputs(", ", f);
		json_stat(f, "model", &s->model);
		fprintf(f, ", \"ok\": %s}", s->ok ? "true" : "false");
	}
	fputs("],\n     \"across\": [", f);
	for (unsigned g = 1; g < v->nr_groups; g++) {
		const struct vl_across *x = &v->across[ci * v->nr_groups + g];

		fprintf(f, "%s{\"set\": \"%c\", \"measured\": ", g > 1 ? ", " : "",
			v->group[g].label);
		if (x->known)
			json_ratio(f, x->measured);
		else
			fputs("null", f);
		fputs(", \"predicted\": ", f);
		json_ratio(f, x->predicted);
		fputs(", \"predicted_from_A_traces\": ", f);
		json_ratio(f, x->pred_from_base);
		fputs(", \"model_mean_A\": ", f);
		json_num(f, x->model_a);
		fputs(", \"model_mean\": ", f);
		json_num(f, x->model_g);
		fprintf(f, ", \"spread\": \"%s\", \"judged\": %s",
			x->known ? spread_name(x->spread) : "none",
			x->evaluated ? "true" : "false");
		if (x->evaluated)
			fprintf(f, ", \"direction_ok\": %s, \"ratio_ok\": %s",
				x->dir_ok ? "true" : "false",
				x->ratio_ok ? "true" : "false");
		fputc('}', f);
	}
	fputs("]}", f);
}

static void json_costs(const struct vl_result *v, FILE *f)
{
	static const char *const src[] = { "fitted over the traces",
		"fitted over the setting's traces", "fitted over the trace" };
	unsigned n = fit_sources(v), k = 0;
	char of[256];

	fprintf(f, "  \"fits\": \"%s\",\n  \"costs\": [", vl_fits_name(v->fits));
	for (unsigned s = 0; s < n; s++) {
		const struct mmt_replay_result *r = fit_source(v, s, of,
							       sizeof(of));

		for (int i = 0; i < MMT_REPLAY_NR_FITS; i++, k++) {
			fprintf(f, "%s\n    {\"fit\": \"%s\", \"source\": \"%s\", "
				"\"pairs\": %llu, \"base_ns\": %.6g, "
				"\"ns_per_page_%s\": %.6g, \"ns_per_page_%s\": %.6g, "
				"\"r2\": %.6g, \"of\": ", k ? "," : "",
				fits[i].name, r->fit[i].fitted ? src[v->fits] :
				"model default", (unsigned long long)r->fit[i].n,
				r->fit[i].a, fits[i].x1, r->fit[i].b, fits[i].x2,
				r->fit[i].c, r->fit[i].r2);
			mmt_json_str(f, of);
			fputc('}', f);
		}
	}
	fputs("\n  ],\n", f);
}

void vl_print_json(const struct vl_result *v, FILE *f)
{
	fputs("{\n", f);
	json_groups(v, f);
	json_costs(v, f);
	fputs("  \"counters\": [\n", f);
	for (unsigned ci = 0; ci < v->nr_counters; ci++) {
		json_counter(v, ci, f);
		fputs(ci + 1 < v->nr_counters ? ",\n" : "\n", f);
	}
	fprintf(f, "  ],\n  \"targets\": {\"same_met\": %u, \"same_judged\": %u, "
		"\"across_met\": %u, \"across_judged\": %u}\n}\n", v->same_met,
		v->same_of, v->across_met, v->across_of);
}

/* ---- validate.tsv ------------------------------------------------------------ */

static void tsv_stat(FILE *f, const struct vl_stat *s)
{
	char a[32], b[32], c[32];

	fprintf(f, "\t%s\t%s\t%s", num(a, sizeof(a), s->mean),
		num(b, sizeof(b), s->min), num(c, sizeof(c), s->max));
}

static void tsv_same(const struct vl_result *v, FILE *f, unsigned ci,
		     unsigned g)
{
	const struct vl_same *s = &v->same[ci * v->nr_groups + g];

	fprintf(f, "same\t%s\t%d\t%c\t%s\t%u", v->counters[ci].name,
		v->counters[ci].target, v->group[g].label, v->group[g].desc,
		s->kernel.n);
	if (!s->known) {
		fputs("\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\n", f);
		return;
	}
	tsv_stat(f, &s->kernel);
	tsv_stat(f, &s->model);
	fprintf(f, "\t-\t-\t-\t%s\n", s->ok ? "ok" : "miss");
}

static void tsv_across(const struct vl_result *v, FILE *f, unsigned ci,
		       unsigned g)
{
	const struct vl_across *x = &v->across[ci * v->nr_groups + g];
	const struct vl_same *s = &v->same[ci * v->nr_groups + g];
	char a[32], b[32], c[32];

	fprintf(f, "across\t%s\t%d\t%c\t%s\t%u", v->counters[ci].name,
		v->counters[ci].target, v->group[g].label, v->group[g].desc,
		s->kernel.n);
	if (x->known)
		tsv_stat(f, &s->kernel);
	else
		fputs("\t-\t-\t-", f);
	fprintf(f, "\t%s\t-\t-\t%s\t%s\t%s\t%s\n", num(a, sizeof(a), x->model_g),
		x->known ? ratio_str(b, sizeof(b), x->measured) : "-",
		ratio_str(c, sizeof(c), x->predicted),
		x->known ? spread_name(x->spread) : "none",
		!x->evaluated ? "-" : x->dir_ok && x->ratio_ok ? "ok" :
		!x->dir_ok ? "miss-direction" : "miss-size");
}

void vl_write_tsv(const struct vl_result *v, FILE *f)
{
	fputs("# kind\tcounter\ttarget\tset\tdiffers\truns\tkernel\tkernel_min"
	      "\tkernel_max\tmodel\tmodel_min\tmodel_max\tmeasured\tpredicted"
	      "\tspread\tverdict\n", f);
	for (unsigned ci = 0; ci < v->nr_counters; ci++)
		for (unsigned g = 0; g < v->nr_groups; g++)
			tsv_same(v, f, ci, g);
	for (unsigned ci = 0; ci < v->nr_counters; ci++)
		for (unsigned g = 1; g < v->nr_groups; g++)
			tsv_across(v, f, ci, g);
	for (unsigned g = 0; g < v->nr_groups; g++) {
		fprintf(f, "failures\tallocation failures\t1\t%c\t%s\t%u",
			v->group[g].label, v->group[g].desc, v->fail_model[g].n);
		if (v->oom_kernel[g].n)
			tsv_stat(f, &v->oom_kernel[g]);
		else
			fputs("\t-\t-\t-", f);
		tsv_stat(f, &v->fail_model[g]);
		fprintf(f, "\t-\t-\t-\t%s\n", v->fail_ok[g] ? "ok" : "miss");
	}
	for (unsigned g = 0; g < v->nr_groups; g++) {
		fprintf(f, "unusable\tunusable index o9, end\t1\t%c\t%s\t%u",
			v->group[g].label, v->group[g].desc, v->ui_kernel[g].n);
		if (!v->ui_known[g]) {
			fputs("\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\n", f);
			continue;
		}
		fprintf(f, "\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t-\t-\t-\t%s\n",
			v->ui_kernel[g].mean, v->ui_kernel[g].min,
			v->ui_kernel[g].max, v->ui_model[g].mean,
			v->ui_model[g].min, v->ui_model[g].max,
			v->ui_ok[g] ? "ok" : "miss");
	}
	/* no verdict: how far the model's free pages were from the
	 * kernel's samples (model columns: the mean abs. log ratio) */
	for (unsigned g = 0; g < v->nr_groups; g++)
		for (int z = 0; z < 2; z++) {
			if (!v->zf_err[g][z].n)
				continue;
			fprintf(f, "zonefree\tfree pages %s, mean abs log ratio"
				"\t0\t%c\t%s\t%u\t-\t-\t-", z ? "Normal" : "DMA32",
				v->group[g].label, v->group[g].desc,
				v->zf_err[g][z].n);
			fprintf(f, "\t%.4f\t%.4f\t%.4f\t-\t-\t-\t-\n",
				v->zf_err[g][z].mean, v->zf_err[g][z].min,
				v->zf_err[g][z].max);
		}
	/* no verdict: what the model held of the kernel's allocations */
	for (unsigned g = 0; g < v->nr_groups; g++) {
		fprintf(f, "held\tpages allocated that the model held\t0\t%c"
			"\t%s\t%u\t-\t-\t-", v->group[g].label,
			v->group[g].desc, v->held_model[g].n);
		tsv_stat(f, &v->held_model[g]);
		fputs("\t-\t-\t-\t-\n", f);
	}
}
