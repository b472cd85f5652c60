/* SPDX-License-Identifier: MIT */
/*
 * The model's counters beside the kernel's, under the same names and
 * definitions (docs/replay-output.md "vmstat.tsv", "model_vs_kernel.tsv").
 *
 * Each of mmcore's kernel-named items (enum mmc_vm_item) is either a
 * /proc/vmstat item, whose kernel value is its delta between the trace's
 * start and end snapshots, or a tracepoint, whose kernel value is the
 * number of its events in the trace.  The kernel value is unknown ("-")
 * when the trace lacks the snapshot, the vmstat item or the probe, or
 * when a counter went backwards (a reset).  The snapshots are taken just
 * before the first and after the last event, so a vmstat delta covers a
 * little more than the events do.
 */
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

/* Was the probe of this tracepoint attached when recording?  The
 * collector notes "probe.NAME: tp" (or raw_tp, tp_btf) when it was,
 * "missing: ..." or "not selected (-e)" when not; traces without such
 * notes cannot tell (0). */
static int probe_recorded(const struct mmt_header *h, const char *tp)
{
	char key[64];

	snprintf(key, sizeof(key), "probe.%s", tp);
	for (uint32_t i = 0; i < h->nr_notes; i++)
		if (!strcmp(h->notes[i].name, key))
			return !strcmp(h->notes[i].value, "tp") ||
			       !strcmp(h->notes[i].value, "raw_tp") ||
			       !strcmp(h->notes[i].value, "tp_btf");
	return 0;
}

/* Events of the item's tracepoint the trace holds. */
static uint64_t trace_count(const struct rp_kernel_ctr *k, int item)
{
	switch (item) {
	case MMC_TP_PAGE_ALLOC_EXTFRAG:
		return k->fallbacks;
	case MMC_TP_KSWAPD_WAKE:
		return k->kswapd_wakes;
	case MMC_TP_KSWAPD_SLEEP:
		return k->kswapd_sleeps;
	case MMC_TP_WAKEUP_KSWAPD:
		return k->wakeup_kswapd;
	case MMC_TP_DIRECT_RECLAIM_BEGIN:
		return k->direct_reclaims;
	case MMC_TP_NODE_RECLAIM_BEGIN:
		return k->node_reclaims;
	case MMC_TP_COMPACTION_BEGIN:
		return k->compactions;
	case MMC_TP_TRY_TO_COMPACT_PAGES:
		return k->compact_tries;
	default:
		return 0;
	}
}

/* One line per snapshot naming its vmstat items that are there but not
 * counts: rp_kernel_count() gives them no kernel value, and the reader
 * should know that "-" came from damage, not from absence. */
void rp_vmstat_check(const struct rp_run *r)
{
	static const char *const which[2] = { "start", "end" };

	if (r->o->quiet_damage)
		return;
	for (int w = 0; w < 2; w++) {
		const struct mmt_snapshot *s = mmt_reader_snapshot(r->rd, w);
		unsigned bad = 0;

		for (uint32_t i = 0; s && i < s->nr_vmstat; i++) {
			uint64_t v;

			if (mmt_value_u64(s->vmstat[i].value, &v) > 0)
				continue;
			if (!bad++)
				fprintf(stderr, "%s: %s: %s snapshot: vmstat items "
					"not a count (their kernel column shows "
					"-):", rp_who(r), r->o->trace, which[w]);
			if (bad <= 8)
				fprintf(stderr, " %s", s->vmstat[i].name);
		}
		if (bad > 8)
			fprintf(stderr, " and %u more", bad - 8);
		if (bad)
			fputc('\n', stderr);
	}
}

int rp_kernel_count(struct rp_run *r, int item, uint64_t *v)
{
	const char *name = mmc_vm_item_name(item);
	uint64_t a, b;

	if (!name)
		return 0;
	if (mmc_vm_item_is_tracepoint(item)) {
		if (!probe_recorded(r->h, name))
			return 0;
		*v = trace_count(&r->k, item);
		return 1;
	}
	/* A damaged item (-1) gives no kernel value, like a missing one;
	 * rp_vmstat_check() has said which. */
	if (mmt_snapshot_u64(mmt_reader_snapshot(r->rd, 0), name, &a) != 1 ||
	    mmt_snapshot_u64(mmt_reader_snapshot(r->rd, 1), name, &b) != 1 ||
	    b < a)
		return 0;
	*v = b - a;
	return 1;
}

int rp_kernel_unusable(struct rp_run *r, double *v)
{
	const struct mmt_snapshot *s = mmt_reader_snapshot(r->rd, 1);
	uint64_t fc[MMC_NR_ORDERS] = { 0 }, any = 0;

	if (!s)
		return 0;
	for (int n = 0; n < 8; n++)
		for (int z = 0; z < MMT_MAX_ZONE_TYPES; z++)
			for (int o = 0; o < MMC_NR_ORDERS && o < MMT_NR_ORDERS;
			     o++) {
				fc[o] += s->buddyinfo[n][z][o];
				any |= s->buddyinfo[n][z][o];
			}
	if (!any)
		return 0;	/* no buddyinfo in this snapshot */
	*v = mmc_unusable_index(fc, 9) / 1000.0;
	return 1;
}

/* %.4g of model / kernel, "-" when the kernel's is unknown or 0. */
static void ratio(char *buf, size_t len, int known, uint64_t kern,
		  uint64_t model)
{
	if (!known || !kern)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.4g", (double)model / (double)kern);
}

/* Rows the trace's own events give that have no kernel-named model
 * item: pages through the page allocator's tracepoints, durations. */
struct extra_row {
	const char *name;
	uint64_t kern;
	int64_t model;		/* -1: the model has none */
	int kern_unknown;	/* the trace cannot tell (probe missing) */
};

/* 1 when the trace recorded both tracepoints a row's kernel side is
 * counted from (b may be NULL): a missing one makes it unknown, never 0. */
static int probes_recorded(const struct rp_run *r, const char *a,
			   const char *b)
{
	return probe_recorded(r->h, a) && (!b || probe_recorded(r->h, b));
}

/* Direct reclaims by the stalling allocation's order (enum
 * mmc_dr_class): the kernel's from mm_vmscan_direct_reclaim_begin's
 * order, unknown when that probe was not recorded. */
static size_t dr_class_rows(struct rp_run *r, const struct mmc_vmstat *vs,
			    struct extra_row *rows)
{
	static const char *const names[MMC_NR_DR_CLASSES] = {
		"direct_reclaims_order0", "direct_reclaims_order1_3",
		"direct_reclaims_costly",
	};
	int unknown = !probes_recorded(r, "mm_vmscan_direct_reclaim_begin",
				       NULL);

	for (int c = 0; c < MMC_NR_DR_CLASSES; c++)
		rows[c] = (struct extra_row){
			names[c], r->k.dr_by_class[c],
			(int64_t)vs->direct_reclaims_by_class[c], unknown };
	return MMC_NR_DR_CLASSES;
}

/* The recording kernel's enum compact_result, by the names the recorder
 * noted from its BTF ("enum.compact_result.7" = "COMPACT_CONTENDED"):
 * the numbers moved between kernels (COMPACT_CONTINUE, _NO_SUITABLE_PAGE
 * came and went). */
void rp_build_ce_map(struct rp_run *r)
{
	static const struct { const char *name; int8_t ce; } names[] = {
		{ "COMPACT_SUCCESS", MMC_CE_SUCCESS },
		{ "COMPACT_COMPLETE", MMC_CE_COMPLETE },
		{ "COMPACT_PARTIAL_SKIPPED", MMC_CE_PARTIAL_SKIPPED },
		{ "COMPACT_CONTENDED", MMC_CE_CONTENDED },
	};
	static const char prefix[] = "enum.compact_result.";
	const struct mmt_header *h = r->h;

	memset(r->ce_map, -1, sizeof(r->ce_map));
	r->ce_known = 0;
	for (uint32_t i = 0; i < h->nr_notes; i++) {
		const char *n = h->notes[i].name;
		char *end;
		unsigned long v;

		if (strncmp(n, prefix, sizeof(prefix) - 1))
			continue;
		v = strtoul(n + sizeof(prefix) - 1, &end, 10);
		if (*end || end == n + sizeof(prefix) - 1 ||
		    v >= sizeof(r->ce_map))
			continue;
		r->ce_known = 1;
		r->ce_map[v] = MMC_CE_OTHER;
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (!strcmp(h->notes[i].value, names[j].name))
				r->ce_map[v] = names[j].ce;
	}
}

int rp_ce_class(const struct rp_run *r, unsigned status)
{
	if (status >= sizeof(r->ce_map) || r->ce_map[status] < 0)
		return MMC_CE_OTHER;
	return r->ce_map[status];
}

/* Compaction runs by how they ended (mm_compaction_end's status; both
 * probes needed to know the kernel's). */
static size_t compaction_end_rows(struct rp_run *r,
				  const struct mmc_vmstat *vs,
				  struct extra_row *rows)
{
	static const char *const names[MMC_NR_COMPACT_ENDS] = {
		"compaction_end_success", "compaction_end_complete",
		"compaction_end_partial_skipped", "compaction_end_contended",
		"compaction_end_other",
	};
	int unknown = !r->ce_known ||
		      !probes_recorded(r, "mm_compaction_begin",
				       "mm_compaction_end");

	for (int c = 0; c < MMC_NR_COMPACT_ENDS; c++)
		rows[c] = (struct extra_row){
			names[c], r->k.compaction_ends[c],
			(int64_t)vs->compaction_ends[c], unknown };
	return MMC_NR_COMPACT_ENDS;
}

/* Reclaim and compaction rows: their probes are optional (the recorder
 * degrades without them), so each says which it is counted from. */
static size_t slow_path_rows(struct rp_run *r, const struct mmc_vmstat *vs,
			     struct extra_row *rows)
{
	const struct rp_kernel_ctr *k = &r->k;
	uint64_t dr_ns, comp_ns, nr_ns;
	int dr_end = probes_recorded(r, "mm_vmscan_direct_reclaim_end", NULL);
	int dr = dr_end && probes_recorded(r, "mm_vmscan_direct_reclaim_begin",
					   NULL);
	int comp = probes_recorded(r, "mm_compaction_begin",
				   "mm_compaction_end");
	int nr_end = probes_recorded(r, "mm_vmscan_node_reclaim_end", NULL);
	int nr = nr_end && probes_recorded(r, "mm_vmscan_node_reclaim_begin",
					   NULL);
	size_t n = 0;

	rp_model_slow_ns(r, &dr_ns, &comp_ns, &nr_ns);
	rows[n++] = (struct extra_row){ "direct_reclaimed_pages",
					k->direct_reclaimed,
					(int64_t)vs->direct_reclaimed, !dr_end };
	rows[n++] = (struct extra_row){ "direct_reclaim_ns", k->direct_ns,
					(int64_t)dr_ns, !dr };
	rows[n++] = (struct extra_row){ "compaction_ns", k->compact_ns,
					(int64_t)comp_ns, !comp };
	rows[n++] = (struct extra_row){ "node_reclaimed_pages",
					k->node_reclaimed,
					(int64_t)vs->node_reclaimed, !nr_end };
	rows[n++] = (struct extra_row){ "node_reclaim_ns", k->node_reclaim_ns,
					(int64_t)nr_ns, !nr };
	return n;
}

/* The zones' free pages at the recorder's samples (zonefree.c): 10th
 * percentile and median per zone type that has samples. */
static size_t zone_free_rows(const struct rp_run *r, struct extra_row *rows)
{
	static const char *const p10[RP_ZF_TYPES] = {
		"free_pages_p10_DMA", "free_pages_p10_DMA32",
		"free_pages_p10_Normal", "free_pages_p10_Movable",
	};
	static const char *const p50[RP_ZF_TYPES] = {
		"free_pages_p50_DMA", "free_pages_p50_DMA32",
		"free_pages_p50_Normal", "free_pages_p50_Movable",
	};
	size_t n = 0;

	for (int i = 0; i < RP_ZF_TYPES; i++) {
		const struct rp_zf_type *t = &r->zf.t[i];

		if (!t->n)
			continue;
		rows[n++] = (struct extra_row){ p10[i], t->k10, (int64_t)t->m10 };
		rows[n++] = (struct extra_row){ p50[i], t->k50, (int64_t)t->m50 };
	}
	return n;
}

static size_t extra_rows(struct rp_run *r, const struct mmc_vmstat *vs,
			 struct extra_row *rows)
{
	const struct rp_kernel_ctr *k = &r->k;
	size_t n = 0;

	rows[n++] = (struct extra_row){ "pages_allocated", k->page_allocs,
					(int64_t)vs->pgalloc };
	rows[n++] = (struct extra_row){ "pages_freed", k->page_frees,
					(int64_t)vs->pgfree };
	rows[n++] = (struct extra_row){ "order9_allocs", k->order9_allocs,
					(int64_t)vs->order9_attempts };
	rows[n++] = (struct extra_row){ "slab_page_allocs",
					r->sl.kernel_slab_page_allocs,
					(int64_t)r->sl.model_slab_page_allocs };
	rows[n++] = (struct extra_row){ "pageblock_steals", k->steals,
					(int64_t)vs->pageblock_steals,
					!probes_recorded(r, "mm_page_alloc_extfrag",
							 NULL) };
	n += dr_class_rows(r, vs, rows + n);
	n += slow_path_rows(r, vs, rows + n);
	n += compaction_end_rows(r, vs, rows + n);
	n += zone_free_rows(r, rows + n);
	rows[n++] = (struct extra_row){ "lost_events", k->lost, -1 };
	return n;
}

#define NR_EXTRA_ROWS (16 + MMC_NR_COMPACT_ENDS + 2 * RP_ZF_TYPES)

void rp_print_kernel_table(struct rp_run *r, FILE *f, int tsv)
{
	struct mmc_vmstat vs;
	struct extra_row rows[NR_EXTRA_ROWS];
	size_t nx;

	mmc_vmstat(r->m, &vs);
	nx = extra_rows(r, &vs, rows);
	if (tsv)
		fputs("counter\tkernel\tmodel\tmodel/kernel\tkernel_source\n", f);
	else
		fprintf(f, "model vs kernel (%s, start state %s)\n"
			"%-36s %14s %14s %8s  %s\n", r->topo_desc, r->inferred ?
			"inferred: every page free" : "from the start snapshot",
			"counter", "kernel", "model", "model/k", "kernel from");
	for (int i = 0; i < MMC_NR_VM_ITEMS; i++) {
		uint64_t kern = 0, model = vs.ev[i];
		int known = rp_kernel_count(r, i, &kern);
		const char *src = mmc_vm_item_is_tracepoint(i) ? "trace"
							       : "vmstat";
		char kb[32], rb[32];

		snprintf(kb, sizeof(kb), known ? "%llu" : "-",
			 (unsigned long long)kern);
		ratio(rb, sizeof(rb), known, kern, model);
		fprintf(f, tsv ? "%s\t%s\t%llu\t%s\t%s\n"
			       : "%-36s %14s %14llu %8s  %s\n",
			mmc_vm_item_name(i), kb, (unsigned long long)model, rb,
			src);
	}
	for (size_t i = 0; i < nx; i++) {
		char kb[32], mb[32], rb[32];

		if (rows[i].kern_unknown)
			snprintf(kb, sizeof(kb), "-");
		else
			snprintf(kb, sizeof(kb), "%llu",
				 (unsigned long long)rows[i].kern);
		if (rows[i].model < 0)
			snprintf(mb, sizeof(mb), "-");
		else
			snprintf(mb, sizeof(mb), "%lld", (long long)rows[i].model);
		ratio(rb, sizeof(rb),
		      rows[i].model >= 0 && !rows[i].kern_unknown, rows[i].kern,
		      (uint64_t)(rows[i].model < 0 ? 0 : rows[i].model));
		fprintf(f, tsv ? "%s\t%s\t%s\t%s\t%s\n"
			       : "%-36s %14s %14s %8s  %s\n",
			rows[i].name, kb, mb, rb, "trace");
	}
}

int rp_write_vmstat(struct rp_run *r, FILE *f)
{
	struct mmc_vmstat vs;
	struct { const char *name; uint64_t v; } own[] = {
		{ "pgalloc_remote", 0 }, { "alloc_fail", 0 },
		{ "pcp_hits", 0 }, { "pcp_refills", 0 }, { "pcp_drains", 0 },
		{ "pageblock_steals", 0 }, { "watermark_boosts", 0 },
		{ "node_reclaim_calls", 0 }, { "node_reclaim_full", 0 },
		{ "node_reclaim_noscan", 0 }, { "proactive_compactions", 0 },
		{ "slab_pages", 0 }, { "order9_attempts", 0 },
		{ "order9_success", 0 },
	};

	mmc_vmstat(r->m, &vs);
	own[0].v = vs.pgalloc_remote;
	own[1].v = vs.alloc_fail;
	own[2].v = vs.pcp_hits;
	own[3].v = vs.pcp_refills;
	own[4].v = vs.pcp_drains;
	own[5].v = vs.pageblock_steals;
	own[6].v = vs.boosts;
	own[7].v = vs.node_reclaims;
	own[8].v = vs.node_reclaim_full;
	own[9].v = vs.node_reclaim_noscan;
	own[10].v = vs.proactive_compactions;
	own[11].v = vs.slab_pages;
	own[12].v = vs.order9_attempts;
	own[13].v = vs.order9_success;
	fputs("counter\tvalue\tdefinition\n", f);
	for (int i = 0; i < MMC_NR_VM_ITEMS; i++)
		fprintf(f, "%s\t%llu\t%s\n", mmc_vm_item_name(i),
			(unsigned long long)vs.ev[i],
			mmc_vm_item_is_tracepoint(i) ? "tracepoint" : "vmstat");
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		fprintf(f, "%s\t%llu\tmodel\n", own[i].name,
			(unsigned long long)own[i].v);
	return ferror(f) ? -1 : 0;
}
