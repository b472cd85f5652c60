/* SPDX-License-Identifier: MIT */
/*
 * Run outputs (docs/replay-output.md): summary.json, policy.txt,
 * zones.tsv, latency.tsv, calibration.tsv, mirror.txt and
 * model_vs_kernel.tsv.  Fixed formats and stable orders only, so the same
 * trace and policy give the same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "opts.h"
#include "replay_int.h"

FILE *rp_create(const char *dir, const char *name)
{
	char path[4096];
	int fd;
	FILE *f;

	if (rp_mkdir_p(dir) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	/* the umask decides who may read a run (a trace stays 0600) */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

FILE *mmt_replay_create(const char *dir, const char *name)
{
	return rp_create(dir, name);
}

static int finish(FILE *f)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad)
		return -1;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* %.6g, but integers of a million and more as plain digits: the
 * contract asks for plain decimals, never exponents. */
static const char *num(char *buf, size_t len, double v)
{
	if (v >= 1e6 || v <= -1e6)
		snprintf(buf, len, "%.0f", v);
	else if (v != 0 && v < 1e-4 && v > -1e-4)
		snprintf(buf, len, "%.9f", v);
	else
		snprintf(buf, len, "%.6g", v);
	return buf;
}

/* The reader's messages start with the path given; outputs hold no
 * absolute paths, so keep only the file's name. */
static void json_msg(FILE *f, const char *msg, const char *trace)
{
	char buf[1024];
	size_t tl = strlen(trace);

	if (!strncmp(msg, trace, tl)) {
		snprintf(buf, sizeof(buf), "%s%s", base_name(trace), msg + tl);
		msg = buf;
	}
	mmt_json_str(f, msg);
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mmc_policy_format output as sorted "vm.X=V" lines (pointers into buf). */
static size_t policy_lines(const struct mmc_policy *p, char *buf, size_t len,
			   char **lines, size_t max)
{
	size_t n = 0;
	char *s;

	mmc_policy_format(p, buf, len);
	for (s = strtok(buf, "\n"); s && n < max; s = strtok(NULL, "\n"))
		if (*s)
			lines[n++] = s;
	qsort(lines, n, sizeof(*lines), line_cmp);
	return n;
}

static int is_int(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* A histogram of modelled costs, with where its constants come from
 * (source): the histograms are the model's costs, never measured. */
static void json_hist(FILE *f, const char *key, const struct rp_hist *h,
		      const char *source)
{
	char b[64];

	fprintf(f, "  \"%s\": {\"p50\": %llu, \"p99\": %llu, \"p999\": %llu, "
		"\"max\": %llu, \"mean\": %s, \"count\": %llu, "
		"\"source\": \"%s\"},\n", key,
		(unsigned long long)rp_hist_pct(h, 0.50),
		(unsigned long long)rp_hist_pct(h, 0.99),
		(unsigned long long)rp_hist_pct(h, 0.999),
		(unsigned long long)h->max,
		num(b, sizeof(b), h->n ? h->sum / (double)h->n : 0.0),
		(unsigned long long)h->n, source);
}

/* The source of the allocation latencies: the fast-path constants are
 * model defaults (nothing measures them on the recording host yet); the
 * slow paths' are fitted when their fits hold. */
static const char *alloc_latency_source(const struct rp_run *r)
{
	const struct rp_fit *f = r->costs.fit;

	if (f[RP_FIT_DIRECT_RECLAIM].fitted || f[RP_FIT_COMPACTION].fitted ||
	    f[RP_FIT_NODE_RECLAIM].fitted)
		return "model default, slow paths fitted";
	return "model default";
}

struct endstate {
	double unusable, fragidx, o9_rate;
	uint64_t ge9, mixed;
	const char *o9_source;
};

static void end_state(const struct rp_run *r, const struct mmc_vmstat *vs,
		      struct endstate *e)
{
	uint64_t fc[MMC_NR_ORDERS];

	rp_free_totals(r->m, fc);
	e->unusable = mmc_unusable_index(fc, 9) / 1000.0;
	e->fragidx = mmc_fragmentation_index(fc, 9) / 1000.0;
	e->ge9 = 0;
	for (int o = 9; o < MMC_NR_ORDERS; o++)
		e->ge9 += fc[o] << o;
	e->mixed = 0;
	for (uint32_t i = 0; i < mmc_nr_zones(r->m); i++) {
		struct mmc_zone_stats s;

		if (mmc_zone_stats(r->m, i, &s) == 0)
			e->mixed += s.pageblocks_mixed;
	}
	if (vs->order9_attempts) {
		e->o9_rate = (double)vs->order9_success /
			     (double)vs->order9_attempts;
		e->o9_source = "trace";
	} else {
		e->o9_rate = r->probes ? (double)r->probe_ok /
					 (double)r->probes : 0;
		e->o9_source = "probe";
	}
}

/* Modeled time spent in reclaim/compaction, summed from the slow ops. */
void rp_model_slow_ns(const struct rp_run *r, uint64_t *dr, uint64_t *comp,
		      uint64_t *nr)
{
	const struct rp_fit *f = r->costs.fit;

	*dr = *comp = *nr = 0;
	for (size_t i = 0; i < r->slow.n; i++) {
		const struct mmc_result *s = &r->slow.v[i].res;

		if (s->path & MMC_PATH_DIRECT_RECLAIM)
			*dr += rp_fit_cost(&f[RP_FIT_DIRECT_RECLAIM],
					   s->reclaim_scanned,
					   s->reclaim_reclaimed);
		if (s->path & MMC_PATH_COMPACT)
			*comp += rp_fit_cost(&f[RP_FIT_COMPACTION],
					     s->compact_scanned,
					     s->compact_migrated);
		if (s->path & MMC_PATH_NODE_RECLAIM)
			*nr += rp_fit_cost(&f[RP_FIT_NODE_RECLAIM],
					   s->reclaim_scanned,
					   s->node_reclaimed);
	}
}

/* fail_by[a] before fail_by[b]: more allocations first, then by kind,
 * order and gfp (a fixed order: the output is byte-identical). */
static bool fail_by_before(const struct rp_fail_by *a,
			   const struct rp_fail_by *b)
{
	if (a->allocs != b->allocs)
		return a->allocs > b->allocs;
	if (a->kind != b->kind)
		return a->kind < b->kind;
	if (a->order != b->order)
		return a->order < b->order;
	return a->gfp < b->gfp;
}

/* demand_alloc_fail by the event that asked: what the model could not
 * place, for a user to see without a diagnostic build. */
static void write_fail_by(const struct rp_run *r, FILE *f)
{
	struct rp_fail_by v[RP_FAIL_BY];
	uint32_t n = r->nr_fail_by;
	char gfp[512];

	memcpy(v, r->fail_by, n * sizeof(v[0]));
	for (uint32_t i = 1; i < n; i++)	/* insertion sort: n <= 16 */
		for (uint32_t j = i; j > 0 && fail_by_before(&v[j], &v[j - 1]);
		     j--) {
			struct rp_fail_by t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	fputs("  \"demand_alloc_fail_by\": [", f);
	for (uint32_t i = 0; i < n; i++) {
		fprintf(f, "%s{\"event\": ", i ? ", " : "");
		mmt_json_str(f, mmt_event_kind_name(v[i].kind));
		fprintf(f, ", \"order\": %u, \"gfp\": ", v[i].order);
		mmt_json_str(f, mmt_gfp_str(r->h, v[i].gfp, gfp, sizeof(gfp)));
		fprintf(f, ", \"events\": %llu, \"allocations\": %llu}",
			(unsigned long long)v[i].events,
			(unsigned long long)v[i].allocs);
	}
	fprintf(f, "],\n  \"demand_alloc_fail_by_other\": %llu,\n",
		(unsigned long long)r->fail_by_other);
}

/* Policy mode: how slab objects and faults reached the model. */
static void write_slab_thp(const struct rp_run *r, const struct mmc_vmstat *vs,
			   FILE *f)
{
	const struct rp_slab_state *s = &r->sl;

	fprintf(f, "  \"slab\": {\"objects_allocated\": %llu, "
		"\"objects_freed\": %llu, \"frees_of_pretrace_objects\": %llu, "
		"\"objects_in_pretrace_slabs\": %llu, \"free_failures\": %llu, "
		"\"alloc_failures\": %llu, \"mempool_reserve_allocs\": %llu, "
		"\"xas_nomem_retries\": %llu, "
		"\"reused_live_objects\": %llu, "
		"\"large_kmallocs\": %llu, \"caches_created\": %u, "
		"\"kernel_slab_page_allocs\": %llu, "
		"\"kernel_slab_page_frees\": %llu, "
		"\"model_slab_page_allocs\": %llu, \"model_slab_pages_max\": %llu, "
		"\"model_slab_pages_end\": %llu},\n",
		(unsigned long long)s->objs_allocated,
		(unsigned long long)s->objs_freed,
		(unsigned long long)s->free_absorbed,
		(unsigned long long)s->objs_pretrace_slab,
		(unsigned long long)s->free_fail,
		(unsigned long long)s->alloc_fail,
		(unsigned long long)s->mempool_reserve,
		(unsigned long long)s->xas_nomem_retried,
		(unsigned long long)s->over_live,
		(unsigned long long)s->large_kmallocs, s->caches_created,
		(unsigned long long)s->kernel_slab_page_allocs,
		(unsigned long long)s->kernel_slab_page_frees,
		(unsigned long long)s->model_slab_page_allocs,
		(unsigned long long)s->model_slab_pages_max,
		(unsigned long long)vs->slab_pages);
	fprintf(f, "  \"faults\": {\"model_allocs\": %llu, \"thp_fault_alloc\": %llu, "
		"\"thp_fault_fallback\": %llu, \"order9_attempts\": %llu, "
		"\"order9_success\": %llu, \"covered_by_model_thp\": %llu, "
		"\"kernel_thp_as_4k\": %llu, \"model_thps_freed\": %llu, "
		"\"anon_without_fault\": %llu, \"oom\": %llu, "
		"\"thp_linked_by_task\": %llu, "
		"\"kernel_thp_tries_failed\": %llu, "
		"\"pages_after_failed_thp_try\": %llu},\n",
		(unsigned long long)s->fault_allocs,
		(unsigned long long)vs->thp_fault_alloc,
		(unsigned long long)vs->thp_fault_fallback,
		(unsigned long long)vs->order9_attempts,
		(unsigned long long)vs->order9_success,
		(unsigned long long)s->fault_in_thp,
		(unsigned long long)s->fault_fallback_alloc,
		(unsigned long long)s->thp_frees,
		(unsigned long long)s->anon_unlinked,
		(unsigned long long)s->fault_oom,
		(unsigned long long)r->tf.linked_late,
		(unsigned long long)r->tf.kernel_tries,
		(unsigned long long)r->tf.fallbacks_linked);
}

/* The kernel's count of a model item, or null when the trace cannot
 * tell (replay/vmstat.c). */
static void json_kernel(FILE *f, struct rp_run *r, int item)
{
	uint64_t v;

	if (rp_kernel_count(r, item, &v))
		fprintf(f, "%llu", (unsigned long long)v);
	else
		fputs("null", f);
}

/* Policy mode: what was replayed as demand, what was the kernel's
 * response, and what the replay assumed (demand.c). */
static void write_demand(const struct rp_run *r, FILE *f)
{
	const struct rp_demand *d = &r->dm;
	const char *notes[24];
	size_t n = rp_demand_notes(r, notes, 24);

	fprintf(f, "  \"demand\": {\"free_causes\": %s, \"file_ids\": %s, "
		"\"demand_frees\": %llu, \"unknown_cause_frees\": %llu, "
		"\"proactive_frees\": %llu, "
		"\"response_frees\": {", d->causes ? "true" : "false",
		d->file_ids ? "true" : "false",
		(unsigned long long)d->demand_frees,
		(unsigned long long)d->unknown_cause,
		(unsigned long long)d->proactive_frees);
	for (int i = 0; i < RP_NR_RESP; i++)
		fprintf(f, "%s\"%s\": %llu", i ? ", " : "", rp_resp_name(i),
			(unsigned long long)d->resp_frees[i]);
	fprintf(f, "}, \"response_pages_kept\": %llu, "
		"\"response_frees_model_had_reclaimed\": %llu, "
		"\"kernel_migrations_followed\": %llu, "
		"\"migrations_of_unknown_pages\": %llu, "
		"\"events_outside_zones\": %llu, "
		"\"compaction_isolated_pages\": %llu, "
		"\"file_pages\": %u, \"file_pages_cached_before\": %llu, "
		"\"file_pages_cached_before_wrong\": %llu, "
		"\"file_adds\": %llu, \"file_deletes_demand\": %llu, "
		"\"file_deletes_response\": %llu, "
		"\"allocs_for_pages_model_held\": %llu, "
		"\"model_file_refaults\": %llu, \"file_accesses\": %llu, "
		"\"file_pages_accessed\": %llu, "
		"\"file_pages_accessed_unknown\": %llu, "
		"\"file_accesses_clipped\": %llu, \"untracked_ids\": %llu, "
		"\"file_folios_as_order0_pages\": %llu, "
		"\"file_folios_split_by_compaction\": %llu, "
		"\"file_dirty\": %s, \"file_dirty_events\": %llu, "
		"\"file_dirty_model_evicted\": %llu, "
		"\"file_dirty_unknown\": %llu, \"assumptions\": [",
		(unsigned long long)d->resp_pages_kept,
		(unsigned long long)d->resp_absorbed,
		(unsigned long long)d->migrations,
		(unsigned long long)d->migrate_unknown,
		(unsigned long long)d->pfns_outside,
		(unsigned long long)d->isolated_pages, d->nr_fids,
		(unsigned long long)d->pretrace_files,
		(unsigned long long)d->unseated,
		(unsigned long long)d->file_adds,
		(unsigned long long)d->file_dels_demand,
		(unsigned long long)d->file_dels_resp,
		(unsigned long long)d->held_allocs,
		(unsigned long long)d->model_refaults,
		(unsigned long long)d->accesses,
		(unsigned long long)d->access_pages,
		(unsigned long long)d->access_unknown,
		(unsigned long long)d->access_clipped,
		(unsigned long long)d->untracked_ids,
		(unsigned long long)d->folio_fallbacks,
		(unsigned long long)d->folio_splits,
		d->file_dirty ? "true" : "false",
		(unsigned long long)d->dirty_events,
		(unsigned long long)d->dirty_unheld,
		(unsigned long long)d->dirty_unknown);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		mmt_json_str(f, notes[i]);
	}
	fputs("]},\n", f);
}

static void write_summary(struct rp_run *r, const struct mmc_vmstat *vs,
			  const struct endstate *e, FILE *f)
{
	char buf[8192], *lines[128];
	size_t n = policy_lines(&r->pol, buf, sizeof(buf), lines, 128);
	const struct rp_mirror_ctr *mc = &r->mir;

	fputs("{\n  \"trace\": ", f);
	mmt_json_str(f, base_name(r->o->trace));
	fprintf(f, ",\n  \"mode\": \"%s\",\n  \"policy\": {",
		r->o->mode == MMT_REPLAY_MIRROR ? "mirror" : "policy");
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(lines[i], '=');

		if (!eq)
			continue;
		*eq = '\0';
		fprintf(f, "%s", i ? ", " : "");
		mmt_json_str(f, lines[i]);
		fputs(": ", f);
		if (is_int(eq + 1))
			fputs(eq + 1, f);
		else
			mmt_json_str(f, eq + 1);
	}
	fputs("},\n  \"topology\": ", f);
	mmt_json_str(f, r->topo_desc);
	fprintf(f, ",\n  \"start_state\": \"%s\"",
		r->inferred ? "inferred" : "snapshot");
	fprintf(f, ",\n  \"memcg_walk\": \"%s\", \"memcg_walk_from\": \"%s\"",
		rp_memcg_walk_name(r), rp_memcg_why_name(r));
	fprintf(f, ",\n  \"kernel_direct_reclaim_first_priority\": {\"def\": %llu, "
		"\"def_minus_1\": %llu, \"lower\": %llu, \"none\": %llu}",
		(unsigned long long)r->k.dr_first_prio[RP_DR_PRIO_DEF],
		(unsigned long long)r->k.dr_first_prio[RP_DR_PRIO_DEF_1],
		(unsigned long long)r->k.dr_first_prio[RP_DR_PRIO_LOWER],
		(unsigned long long)r->k.dr_first_prio[RP_DR_PRIO_NONE]);
	/* events_total: the trace's own count (its index); null when the
	 * file was cut before its index, events_readable then says how many
	 * were there up to the cut */
	fprintf(f, ",\n  \"events_replayed\": %llu,\n  \"events_read\": %llu,\n",
		(unsigned long long)r->events, (unsigned long long)r->events_total);
	if (r->in_trace_known)
		fprintf(f, "  \"events_total\": %llu,\n",
			(unsigned long long)r->events_in_trace);
	else
		fprintf(f, "  \"events_total\": null,\n  \"events_readable\": %llu,\n",
			(unsigned long long)r->events_in_trace);
	fputs("  \"stopped_early\": ", f);
	if (r->stop_reason)
		json_msg(f, r->stop_reason, r->o->trace);
	else
		fputs("null", f);
	fputs(",\n  \"trace_damage\": ", f);
	if (r->damage_parts) {
		fprintf(f, "{\"damaged_parts\": %llu, \"events_lost\": %llu, "
			"\"bytes_unknown\": %llu, \"first\": ",
			(unsigned long long)r->damage_parts,
			(unsigned long long)r->damage_lost,
			(unsigned long long)r->damage_unknown);
		json_msg(f, mmt_reader_damage_msg(r->rd, 0), r->o->trace);
		fputs("}", f);
	} else {
		fputs("null", f);
	}
	fputs(",\n", f);
	json_hist(f, "latency_ns", &r->hist[RP_OP_ALLOC],
		  alloc_latency_source(r));
	json_hist(f, "fault_latency_ns", &r->hist[RP_OP_FAULT],
		  "model default");
	json_hist(f, "reclaim_latency_ns", &r->hist[RP_OP_RECLAIM],
		  rp_fit_source(&r->costs.fit[RP_FIT_DIRECT_RECLAIM]));
	json_hist(f, "compaction_latency_ns", &r->hist[RP_OP_COMPACTION],
		  rp_fit_source(&r->costs.fit[RP_FIT_COMPACTION]));
	fprintf(f, "  \"direct_reclaim_stalls\": %llu,\n"
		"  \"compaction_stalls\": %llu,\n  \"node_reclaims\": %llu,\n"
		"  \"remote_allocs\": %llu,\n  \"oom\": %llu,\n"
		"  \"alloc_fail\": %llu,\n  \"order9_success_rate\": %.6g,\n"
		"  \"order9_source\": \"%s\",\n"
		"  \"order9_probes\": %llu,\n"
		"  \"unusable_index_order9_end\": %.6g,\n"
		"  \"unusable_index_order9_mean\": %.6g,\n"
		"  \"fragmentation_index_order9_end\": %.6g,\n"
		"  \"free_ge_o9_pages_end\": %llu,\n"
		"  \"mixed_pageblocks_end\": %llu,\n  \"kswapd_wakes\": %llu,\n"
		"  \"reclaimed_pages\": %llu,\n  \"refaults\": %llu,\n"
		"  \"fallbacks\": %llu,\n  \"pageblock_steals\": %llu,\n"
		"  \"absorbed_frees\": %llu,\n  \"unmatched_frees\": %llu,\n"
		"  \"samples\": %llu,\n  \"fault_touches\": %llu,\n"
		"  \"slab_objects\": %llu,\n  \"alloc_over_live\": %llu,\n"
		"  \"hugetlb_pages_inferred\": %llu,\n"
		"  \"pcp_lookalike_pages\": %llu,\n"
		"  \"pcp_freed_first_pages\": %llu,\n"
		"  \"offline_pcp_pages\": %llu,\n"
		"  \"compact_defer_zones_seeded\": %u,\n"
		"  \"kcompactd_waits_seeded\": %u,\n"
		"  \"kcompactd_wait_s\": %.3f,\n"
		"  \"free_list_places_seeded\": %llu,\n"
		"  \"pageblocks_typed_from_free_blocks\": %llu,\n"
		"  \"folios_split\": %llu,\n",
		(unsigned long long)vs->direct_reclaims,
		(unsigned long long)vs->compact_stalls,
		(unsigned long long)vs->node_reclaims,
		(unsigned long long)vs->pgalloc_remote,
		(unsigned long long)vs->oom,
		(unsigned long long)vs->alloc_fail, e->o9_rate, e->o9_source,
		(unsigned long long)r->probes, e->unusable,
		r->unusable_n ? r->unusable_sum / (double)r->unusable_n : 0.0,
		e->fragidx, (unsigned long long)e->ge9,
		(unsigned long long)e->mixed,
		(unsigned long long)vs->kswapd_wakes,
		(unsigned long long)(vs->kswapd_reclaimed +
				     vs->direct_reclaimed + vs->node_reclaimed),
		(unsigned long long)(vs->refaults + r->refaults),
		(unsigned long long)vs->extfrag_events,
		(unsigned long long)vs->pageblock_steals,
		(unsigned long long)(vs->absorbed_frees + r->absorbed),
		(unsigned long long)r->unmatched_frees,
		(unsigned long long)r->nr_samples,
		(unsigned long long)r->touches,
		(unsigned long long)r->slab_objs,
		(unsigned long long)r->alloc_over_live,
		(unsigned long long)r->hugetlb_seeded,
		(unsigned long long)r->pcp_lookalikes,
		(unsigned long long)r->pcp_freed_first,
		(unsigned long long)r->offline_pcp_pages, r->defer_seeded,
		r->kcompactd_waits_seeded, r->kcompactd_wait_ns / 1e9,
		(unsigned long long)r->places_seeded,
		(unsigned long long)r->pageblocks_typed,
		(unsigned long long)r->splits);
	if (r->o->mode == MMT_REPLAY_POLICY) {
		write_slab_thp(r, vs, f);
		write_demand(r, f);
	}
	{
		double ku = 0;

		fprintf(f, "  \"demand_alloc_fail\": %llu,\n"
			"  \"kernel_alloc_fail\": %llu,\n"
			"  \"kernel_alloc_fail_model_placed\": %llu,\n"
			"  \"noretry_folios_unplaced\": %llu,\n"
			"  \"readahead_pages_retried\": %llu,\n"
			"  \"kernel_unusable_index_order9_end\": ",
			(unsigned long long)rp_demand_alloc_fail(r),
			(unsigned long long)r->kernel_fails,
			(unsigned long long)r->kernel_fails_model_got,
			(unsigned long long)r->noretry_unplaced,
			(unsigned long long)r->readahead_retried);
		if (rp_kernel_unusable(r, &ku))
			fprintf(f, "%.6g,\n", ku);
		else
			fputs("null,\n", f);
	}
	write_fail_by(r, f);
	rp_zone_free_json(r, f);
	fprintf(f, "  \"kernel\": {\"fallbacks\": %llu, \"kswapd_wakes\": %llu, "
		"\"direct_reclaims\": %llu, \"compaction_stalls\": ",
		(unsigned long long)r->k.fallbacks,
		(unsigned long long)r->k.kswapd_wakes,
		(unsigned long long)r->k.direct_reclaims);
	json_kernel(f, r, MMC_COMPACT_STALL);
	fprintf(f, ", \"node_reclaims\": %llu, \"lost_events\": %llu},\n",
		(unsigned long long)r->k.node_reclaims,
		(unsigned long long)r->k.lost);
	fputs("  \"counters\": {", f);
	for (int i = 0; i < MMC_NR_VM_ITEMS; i++) {
		fprintf(f, "%s\"%s\": {\"model\": %llu, \"kernel\": ",
			i ? ", " : "", mmc_vm_item_name(i),
			(unsigned long long)vs->ev[i]);
		json_kernel(f, r, i);
		fputs("}", f);
	}
	fputs("},\n", f);
	fputs("  \"calibration\": {", f);
	for (int i = 0; i < RP_NR_FITS; i++) {
		const struct rp_fit *ft = &r->costs.fit[i];
		const char *t1, *t2;
		char a[64], b[64], c[64], e[64], q[64];

		rp_fit_terms(i, &t1, &t2);
		fprintf(f, "%s\"%s\": {\"base_ns\": %s, \"%s\": %s, "
			"\"%s\": %s, \"samples\": %llu, \"rmse_ns\": %s, "
			"\"r2\": %s, \"source\": \"%s\"}", i ? ", " : "",
			rp_fit_name(i), num(a, 64, ft->a), t1, num(b, 64, ft->b),
			t2, num(c, 64, ft->c), (unsigned long long)ft->samples,
			num(e, 64, ft->rmse), num(q, 64, ft->r2),
			rp_fit_source(ft));
	}
	fputs("}", f);
	if (r->o->mode == MMT_REPLAY_MIRROR) {
		fputs(",\n  \"mirror\": {\"not_checked\": ", f);
		if (mc->checked) {
			fprintf(f, "null, \"pfn_agreement\": %.6f, "
				"\"order_agreement\": %.6f, ",
				mc->pfn_agreement, mc->order_agreement);
		} else {
			json_msg(f, mc->not_checked, r->o->trace);
			fputs(", \"pfn_agreement\": null, "
			      "\"order_agreement\": null, ", f);
		}
		fprintf(f, "\"hotadd_pages\": %llu, \"hotadd_agree\": %llu, ",
			(unsigned long long)mc->hot_compared,
			(unsigned long long)mc->hot_agree);
		fprintf(f, "\"pages_compared\": %llu, \"pages_disagree\": %llu, "
			"\"pcp_events\": %s, \"events_after_end\": %llu, "
			"\"alloc_not_free\": %llu, \"free_not_alloc\": %llu",
			(unsigned long long)mc->pages_compared,
			(unsigned long long)(mc->pages_compared - mc->pages_agree),
			mc->have_pcp_events ? "true" : "false",
			(unsigned long long)mc->after_end,
			(unsigned long long)mc->alloc_not_free,
			(unsigned long long)mc->free_not_alloc);
		for (int k = 0; k < 2; k++)
			for (int c = 0; c < RP_NR_CAUSES; c++)
				fprintf(f, ", \"%s_%s\": %llu",
					k ? "model_alloc" : "model_free",
					rp_cause_key(c),
					(unsigned long long)mc->cause[k][c]);
		fputs("}", f);
	}
	fputs("\n}\n", f);
}

static int write_policy(const struct rp_run *r)
{
	char buf[8192], *lines[128];
	size_t n = policy_lines(&r->pol, buf, sizeof(buf), lines, 128);
	FILE *f = rp_create(r->o->outdir, "policy.txt");

	if (!f)
		return -1;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	return finish(f);
}

static void zone_row(FILE *f, const char *when, const struct mmc_zone_stats *s)
{
	fprintf(f, "%s\t%d\t%s\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t"
		"%llu\t%llu\t%u\t%u\t%llu\n", when, s->node,
		rp_zone_type_name(s->type), (unsigned long long)s->start_pfn,
		(unsigned long long)s->spanned, (unsigned long long)s->present,
		(unsigned long long)s->managed, (unsigned long long)s->wmark_min,
		(unsigned long long)s->wmark_low,
		(unsigned long long)s->wmark_high, (unsigned long long)s->boost,
		(unsigned long long)s->lowmem_reserve[MMC_ZONE_NORMAL],
		s->pcp_high, s->pcp_batch, (unsigned long long)s->nr_free);
}

static int write_zones(const struct rp_run *r)
{
	FILE *f = rp_create(r->o->outdir, "zones.tsv");

	if (!f)
		return -1;
	fputs("when\tnode\tzone\tstart_pfn\tspanned\tpresent\tmanaged"
	      "\twmark_min\twmark_low\twmark_high\tboost\treserve_normal"
	      "\tpcp_high\tpcp_batch\tnr_free\n", f);
	for (uint32_t i = 0; i < r->nr_zstart; i++)
		zone_row(f, "start", &r->zstart[i]);
	for (uint32_t i = 0; i < mmc_nr_zones(r->m); i++) {
		struct mmc_zone_stats s;

		if (mmc_zone_stats(r->m, i, &s) == 0)
			zone_row(f, "end", &s);
	}
	return finish(f);
}

static int write_latency(const struct rp_run *r)
{
	static const char *const ops[RP_NR_OPS] = {
		"alloc", "fault", "reclaim", "compaction", "slab" };
	FILE *f = rp_create(r->o->outdir, "latency.tsv");

	if (!f)
		return -1;
	fputs("op\tlo_ns\thi_ns\tcount\tcdf\n", f);
	for (int op = 0; op < RP_NR_OPS; op++) {
		const struct rp_hist *h = &r->hist[op];
		uint64_t seen = 0;

		for (unsigned i = 0; i < RP_HIST_BUCKETS; i++) {
			uint64_t lo, hi;

			if (!h->b[i])
				continue;
			seen += h->b[i];
			rp_hist_bucket_range(i, &lo, &hi);
			char c[64];

			fprintf(f, "%s\t%llu\t%llu\t%llu\t%s\n", ops[op],
				(unsigned long long)lo, (unsigned long long)hi,
				(unsigned long long)h->b[i],
				num(c, 64, (double)seen / (double)h->n));
		}
	}
	return finish(f);
}

static int write_calibration(const struct rp_run *r)
{
	const struct rp_costs *c = &r->costs;
	FILE *f = rp_create(r->o->outdir, "calibration.tsv");
	struct { const char *name; double v; } fixed[] = {
		{ "pcp_hit_ns", c->pcp_hit }, { "pcp_refill_ns", c->pcp_refill },
		{ "pcp_refill_per_page_ns", c->refill_page },
		{ "buddy_ns", c->buddy }, { "buddy_split_ns", c->split },
		{ "fallback_ns", c->fallback }, { "pageblock_steal_ns", c->steal },
		{ "remote_node_ns", c->remote }, { "slowpath_ns", c->slowpath },
		{ "oom_ns", c->oom }, { "refault_ns", c->refault },
		{ "fault_ns", c->fault }, { "clear_page_ns", c->clear_page },
		{ "slab_ns", c->slab },
	};

	if (!f)
		return -1;
	fputs("constant\tvalue\tsamples\trmse_ns\tr2\tsource\n", f);
	for (int i = 0; i < RP_NR_FITS; i++) {
		const struct rp_fit *ft = &c->fit[i];
		const char *src = rp_fit_source(ft), *t[2];
		double v[3] = { ft->a, ft->b, ft->c };
		char e[64], q[64];

		rp_fit_terms(i, &t[0], &t[1]);
		num(e, 64, ft->rmse);
		num(q, 64, ft->r2);
		for (int k = 0; k < 3; k++) {
			char b[64];

			fprintf(f, "%s.%s\t%s\t%llu\t%s\t%s\t%s\n",
				rp_fit_name(i), k ? t[k - 1] : "base_ns",
				num(b, 64, v[k]),
				(unsigned long long)ft->samples, e, q, src);
		}
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		char b[64];

		fprintf(f, "%s\t%s\t0\t0\t0\tmodel default\n", fixed[i].name,
			num(b, sizeof(b), fixed[i].v));
	}
	return finish(f);
}

static void fill_result(struct rp_run *r, const struct mmc_vmstat *vs,
			const struct endstate *e, struct mmt_replay_result *res)
{
	const struct rp_hist *h = &r->hist[RP_OP_ALLOC];

	snprintf(res->memcg_walk, sizeof(res->memcg_walk), "%s (%s)",
		 rp_memcg_walk_name(r), rp_memcg_why_name(r));
	res->kernel_walk = rp_memcg_kernel_walk(r, &res->kernel_dr_below,
						&res->kernel_dr_scanned);
	res->events_replayed = r->events;
	res->events_read = r->events_total;
	res->events_total = r->events_in_trace;
	res->events_total_known = r->in_trace_known;
	res->stopped_early = r->stop_reason != NULL;
	res->damaged_parts = r->damage_parts;
	res->events_lost_damage = r->damage_lost;
	res->model_fallbacks = vs->extfrag_events;
	res->kernel_fallbacks = r->k.fallbacks;
	res->model_direct_reclaims = vs->direct_reclaims;
	res->kernel_direct_reclaims = r->k.direct_reclaims;
	res->model_kswapd_wakes = vs->kswapd_wakes;
	res->kernel_kswapd_wakes = r->k.kswapd_wakes;
	res->model_compact_stalls = vs->compact_stalls;
	if (!rp_kernel_count(r, MMC_COMPACT_STALL, &res->kernel_compact_stalls))
		res->kernel_compact_stalls = 0;
	res->model_node_reclaims = vs->node_reclaims;
	res->kernel_node_reclaims = r->k.node_reclaims;
	res->remote_allocs = vs->pgalloc_remote;
	res->oom = vs->oom;
	res->alloc_fail = vs->alloc_fail;
	res->latency_p50 = rp_hist_pct(h, 0.5);
	res->latency_p99 = rp_hist_pct(h, 0.99);
	res->latency_p999 = rp_hist_pct(h, 0.999);
	res->latency_max = h->max;
	res->order9_success_rate = e->o9_rate;
	res->unusable_index_order9_end = e->unusable;
	rp_zone_free_result(r, res);
	res->nr_counters = MMC_NR_VM_ITEMS < MMT_REPLAY_MAX_COUNTERS ?
			   MMC_NR_VM_ITEMS : MMT_REPLAY_MAX_COUNTERS;
	for (unsigned i = 0; i < res->nr_counters; i++) {
		res->model_counter[i] = vs->ev[i];
		res->kernel_known[i] = (uint8_t)rp_kernel_count(
			r, (int)i, &res->kernel_counter[i]);
	}
	res->kernel_unusable_known = rp_kernel_unusable(
		r, &res->kernel_unusable_index_order9_end);
	res->demand_alloc_fail = rp_demand_alloc_fail(r);
	res->demand_held_pages = r->dm.held_allocs;
	rp_calib_export(r, &res->fit_sums);
	for (int i = 0; i < RP_NR_FITS && i < MMT_REPLAY_NR_FITS; i++) {
		const struct rp_fit *f = &r->costs.fit[i];

		res->fit[i].a = f->a;
		res->fit[i].b = f->b;
		res->fit[i].c = f->c;
		res->fit[i].r2 = f->r2;
		res->fit[i].n = f->samples;
		res->fit[i].fitted = f->fitted;
	}
}

static int write_text(const char *dir, const char *name, const char *text,
		      size_t len)
{
	FILE *f = rp_create(dir, name);

	if (!f)
		return -1;
	fwrite(text, 1, len, f);
	return finish(f);
}

int rp_write_outputs(struct rp_run *r, struct mmt_replay_result *res)
{
	const char *dir = r->o->outdir;
	struct mmc_vmstat vs;
	struct endstate e;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc = 0;

	if (!mem)
		return -1;
	if (r->o->mode == MMT_REPLAY_MIRROR) {
		rc = rp_mirror_check(r, res, mem);
	} else {
		const char *notes[24];
		size_t n = rp_demand_notes(r, notes, 24);

		for (size_t i = 0; i < n; i++)
			fprintf(mem, "assumed: %s\n", notes[i]);
		rp_print_kernel_table(r, mem, 0);
	}
	fclose(mem);
	mmc_vmstat(r->m, &vs);
	end_state(r, &vs, &e);
	fill_result(r, &vs, &e, res);
	if (r->o->print_table && text)
		fwrite(text, 1, len, stdout);
	if (rc == 0 && dir) {
		FILE *f = rp_create(dir, "summary.json");
		char other[4096];

		/* the other mode's file, from an earlier run (--force) */
		snprintf(other, sizeof(other), "%s/%s", dir,
			 r->o->mode == MMT_REPLAY_MIRROR ? "model_vs_kernel.tsv" :
							   "mirror.txt");
		unlink(other);

		if (!f) {
			rc = -1;
		} else {
			write_summary(r, &vs, &e, f);
			rc = finish(f);
		}
		if (!rc)
			rc = write_policy(r);
		if (!rc)
			rc = write_zones(r);
		if (!rc)
			rc = write_latency(r);
		if (!rc)
			rc = write_calibration(r);
		if (!rc && r->o->mode == MMT_REPLAY_MIRROR)
			rc = write_text(dir, "mirror.txt", text, len);
		if (!rc) {
			f = rp_create(dir, "vmstat.tsv");
			if (!f) {
				rc = -1;
			} else {
				rc = rp_write_vmstat(r, f);
				if (finish(f))
					rc = -1;
			}
		}
		if (!rc && r->o->mode == MMT_REPLAY_POLICY) {
			f = rp_create(dir, "model_vs_kernel.tsv");
			if (!f) {
				rc = -1;
			} else {
				rp_print_kernel_table(r, f, 1);
				rc = finish(f);
			}
		}
	}
	free(text);
	return rc;
}
