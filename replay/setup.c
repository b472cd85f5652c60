/* SPDX-License-Identifier: MIT */
/*
 * Replay setup: the model's topology, policy and start state from the
 * trace header and start snapshot, with the user's overrides.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"
#include "hugemem.h"

#define MMC_PB_PAGES (1ull << MMC_PAGEBLOCK_ORDER)


int rp_zone_name_type(const char *name)
{
	if (!strncmp(name, "ZONE_", 5))
		name += 5;
	if (!strcasecmp(name, "DMA"))
		return MMC_ZONE_DMA;
	if (!strcasecmp(name, "DMA32"))
		return MMC_ZONE_DMA32;
	if (!strcasecmp(name, "Normal"))
		return MMC_ZONE_NORMAL;
	if (!strcasecmp(name, "Movable"))
		return MMC_ZONE_MOVABLE;
	return -1;		/* HighMem, Device: not modelled */
}

const char *rp_zone_type_name(int type)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable" };

	return type >= 0 && type < MMC_NR_ZONE_TYPES ? names[type] : "?";
}

/* The recording kernel's migratetype numbers -> mmcore's, by name.
 * CMA pages behave as movable for placement; the model has no CMA. */
void rp_build_mt_map(struct rp_run *r)
{
	const struct mmt_decode *d = &r->dec;

	for (int i = 0; i < 64; i++)
		r->mt_map[i] = -1;
#define MAPMT(field, v) if (d->field >= 0 && d->field < 64) r->mt_map[d->field] = (v)
	MAPMT(mt_unmovable, MMC_MT_UNMOVABLE);
	MAPMT(mt_movable, MMC_MT_MOVABLE);
	MAPMT(mt_reclaimable, MMC_MT_RECLAIMABLE);
	MAPMT(mt_highatomic, MMC_MT_HIGHATOMIC);
	MAPMT(mt_cma, MMC_MT_MOVABLE);
	MAPMT(mt_isolate, MMC_MT_ISOLATE);
#undef MAPMT
}

int rp_mt(const struct rp_run *r, int mt)
{
	return mt >= 0 && mt < 64 ? r->mt_map[mt] : -1;
}

/* One past the last pfn of [start, end) that a snapshot shows online
 * (not a hole, not offline); 0 when none.  The runs are sorted and
 * disjoint (the reader checks): from the last run starting below end,
 * backwards to the first online one. */
static uint64_t online_extent(const struct mmt_snapshot *s, uint64_t start,
			      uint64_t end)
{
	uint64_t lo = 0, hi = s ? s->nr_runs : 0;

	while (lo < hi) {		/* runs[lo - 1]: last with pfn < end */
		uint64_t mid = lo + (hi - lo) / 2;

		if (s->runs[mid].pfn < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0) {
		const struct mmt_class_run *r = &s->runs[lo];

		if (r->pfn + r->len <= start)
			break;
		if (r->cls != MMT_PC_HOLE && r->cls != MMT_PC_OFFLINE)
			return r->pfn + r->len < end ? r->pfn + r->len : end;
	}
	return 0;
}

static int zone_cmp(const void *a, const void *b)
{
	const struct mmc_zone_spec *x = a, *y = b;

	return (int)x->type - (int)y->type;
}

/* Native topology: the header's zone table and cpu/node map.
 *
 * mmcore lays a zone out as [start, start + present) present.  Real zones
 * differ: reserved pages and offline sections sit anywhere, and hot-added
 * memory comes online above the online part.  So the model's zone is
 * present up to the last pfn either snapshot shows online (the span ends
 * there too), and managed is the kernel's own count from the header.
 * rp_seed() lays the pages out from the snapshot (every present page
 * allocated, offline sections and holes reserved, free blocks at their
 * pfns) and then gives each zone that managed count with
 * mmc_zone_set_managed(), so the start watermarks, lowmem_reserve and pcp
 * high/batch equal the header's zone table. */
static int topo_from_header(struct rp_run *r, const struct mmt_snapshot *start,
			    const struct mmt_snapshot *end, char *err,
			    size_t errlen)
{
	const struct mmt_header *h = r->h;
	struct mmc_topology *t = &r->topo;
	uint32_t nn = h->nr_nodes ? h->nr_nodes : 1;

	memset(t, 0, sizeof(*t));
	/* the model is x86-64's: 4 KiB pages, MAX_PAGE_ORDER 10 */
	if ((h->page_size && h->page_size != 4096) ||
	    h->max_order > MMC_MAX_ORDER) {
		snprintf(err, errlen, "%s: a host with %u-byte pages and "
			 "MAX_PAGE_ORDER %u; the model has 4096-byte pages and "
			 "MAX_PAGE_ORDER %d", r->o->trace, h->page_size,
			 h->max_order, MMC_MAX_ORDER);
		return -1;
	}
	if (nn > MMC_MAX_NODES || h->nr_cpus > MMC_MAX_CPUS) {
		snprintf(err, errlen, "%s: %u nodes / %u cpus exceed the model's "
			 "limits (%d / %d)", r->o->trace, nn, h->nr_cpus,
			 MMC_MAX_NODES, MMC_MAX_CPUS);
		return -1;
	}
	t->nr_nodes = nn;
	for (uint32_t i = 0; i < h->nr_zones; i++) {
		const struct mmt_zone_info *z = &h->zones[i];
		int type = rp_zone_name_type(z->name);
		struct mmc_node_spec *n;
		uint64_t spanned = z->spanned, present = z->present, ext;

		if (type < 0 || z->node < 0 || (uint32_t)z->node >= nn ||
		    !z->present || !z->spanned ||
		    t->nodes[z->node].nr_zones >= MMC_NR_ZONE_TYPES)
			continue;
		for (uint32_t j = 0; end && j < end->nr_zones; j++) {
			const struct mmt_zone_info *e = &end->zones[j];

			if (e->node == z->node && !strcmp(e->name, z->name) &&
			    e->start_pfn == z->start_pfn && e->spanned > spanned)
				spanned = e->spanned;
		}
		if (start) {
			uint64_t a = online_extent(start, z->start_pfn,
						   z->start_pfn + spanned);
			uint64_t b = online_extent(end, z->start_pfn,
						   z->start_pfn + spanned);

			ext = a > b ? a : b;
			if (ext > z->start_pfn)
				present = ext - z->start_pfn;
			/* beyond the online extent nothing ever happens: a
			 * smaller span keeps the model small and its scans
			 * (mmc_zone_stats) short */
			spanned = (present + (1u << MMC_MAX_ORDER) - 1) &
				  ~((uint64_t)(1u << MMC_MAX_ORDER) - 1);
			if (spanned > z->spanned)
				spanned = z->spanned;
			if (spanned < present)
				spanned = present;
		}
		n = &t->nodes[z->node];
		if (n->nr_zones >= MMC_NR_ZONE_TYPES)
			continue;
		n->zones[n->nr_zones++] = (struct mmc_zone_spec){
			(enum mmc_zone_type)type, z->start_pfn, spanned,
			present, z->managed < present ? z->managed : present };
	}
	for (uint32_t i = 0; i < nn; i++)
		qsort(t->nodes[i].zones, t->nodes[i].nr_zones,
		      sizeof(t->nodes[i].zones[0]), zone_cmp);
	t->nr_cpus = h->nr_cpus ? h->nr_cpus : 1;
	for (uint32_t c = 0; c < t->nr_cpus; c++) {
		int32_t node = h->cpu_node && c < h->nr_cpus ? h->cpu_node[c] : 0;

		if (node < 0 || (uint32_t)node >= nn)
			node = 0;
		t->cpu_node[c] = node;
		t->nodes[node].nr_cpus++;
	}
	for (uint32_t i = 0; i < nn; i++)
		for (uint32_t j = 0; j < nn; j++)
			t->distance[i][j] = h->node_distance ?
				h->node_distance[i * nn + j] : (i == j ? 10 : 20);
	snprintf(r->topo_desc, sizeof(r->topo_desc), "trace (%u node%s, %u cpus)",
		 nn, nn > 1 ? "s" : "", t->nr_cpus);
	return 0;
}

static uint64_t topo_pages(const struct mmc_topology *t, int managed)
{
	uint64_t sum = 0;

	for (uint32_t n = 0; n < t->nr_nodes; n++)
		for (uint32_t z = 0; z < t->nodes[n].nr_zones; z++)
			sum += managed ? t->nodes[n].zones[z].managed :
					 t->nodes[n].zones[z].present;
	return sum;
}

/* Does a model zone of the same type cover [start, end)? */
static int topo_covers(const struct mmc_topology *t, int type, uint64_t start,
		       uint64_t end)
{
	uint64_t pfn = start;

	/* a split topology spreads one trace zone over several nodes */
	while (pfn < end) {
		int found = 0;

		for (uint32_t n = 0; n < t->nr_nodes && !found; n++)
			for (uint32_t z = 0; z < t->nodes[n].nr_zones; z++) {
				const struct mmc_zone_spec *s = &t->nodes[n].zones[z];

				if ((int)s->type == type && pfn >= s->start_pfn &&
				    pfn < s->start_pfn + s->spanned) {
					pfn = s->start_pfn + s->spanned;
					found = 1;
					break;
				}
			}
		if (!found)
			return 0;
	}
	return 1;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int rp_topology_is_split(const char *spec)
{
	return all_digits(spec);
}

/* mmc_topology_parse() names the spec in its message ("topology 'S':
 * what"): the what alone, for the one "--topology S: what". */
static const char *spec_what(const char *spec, const char *msg)
{
	size_t n = strlen(spec);

	if (!strncmp(msg, "topology '", 10) && !strncmp(msg + 10, spec, n) &&
	    !strncmp(msg + 10 + n, "': ", 3))
		return msg + 13 + n;
	return msg;
}

int rp_topology_spec(const char *spec, const struct mmc_topology *native,
		     struct mmc_topology *t, unsigned *split, char *err,
		     size_t errlen)
{
	char e2[200];

	*split = 0;
	if (all_digits(spec)) {
		unsigned long n = strtoul(spec, NULL, 10);

		if (n < 1 || n > MMC_MAX_NODES) {
			snprintf(err, errlen, "--topology %s: node count must be "
				 "1..%d", spec, MMC_MAX_NODES);
			return 2;
		}
		*split = (unsigned)n;
		if (!native) {
			snprintf(err, errlen, "--topology %s: no host to "
				 "split", spec);
			return 2;
		}
		if (n == 1 && native->nr_nodes == 1) {
			*t = *native;
			return 0;
		}
		if (native->nr_nodes != 1) {
			snprintf(err, errlen, "--topology %s: the host already "
				 "has %u nodes; a split needs a one-node host",
				 spec, native->nr_nodes);
			return 2;
		}
		if (mmc_topology_split(native, (uint32_t)n, 20, t, e2,
				       sizeof(e2)) < 0) {
			snprintf(err, errlen, "--topology %s: %s", spec, e2);
			return 2;
		}
		return 0;
	}
	if (mmc_topology_parse(spec, t, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "--topology %s: %s", spec,
			 spec_what(spec, e2));
		return 2;
	}
	return 0;
}

/* --topology over the trace's host (rp_topology_spec).  The result must
 * hold the trace: as many cpus, enough memory for what was allocated at
 * the start, and in mirror mode every pfn the kernel used. */
int rp_build_topology(struct rp_run *r, const struct mmt_snapshot *start,
		      const struct mmt_snapshot *end, char *err, size_t errlen)
{
	const char *spec = r->o->topology;
	struct mmc_topology native, *t = &r->topo;
	uint64_t used = 0;
	unsigned split;
	int rc;

	if (topo_from_header(r, start, end, err, errlen) < 0)
		return 1;
	if (!spec || !*spec)
		return 0;
	native = *t;
	rc = rp_topology_spec(spec, &native, t, &split, err, errlen);
	if (rc || split == 1)	/* refused, or the trace's own */
		return rc;
	if (split)
		snprintf(r->topo_desc, sizeof(r->topo_desc),
			 "%u nodes split from the trace, distance 20", split);
	else
		snprintf(r->topo_desc, sizeof(r->topo_desc), "%s", spec);
	if (t->nr_cpus < native.nr_cpus) {
		snprintf(err, errlen, "--topology %s: %u cpus, but the trace "
			 "uses %u", spec, t->nr_cpus, native.nr_cpus);
		return 2;
	}
	/* an inferred start holds nothing allocated (rp_seed_empty) */
	for (uint32_t i = 0; !r->inferred && i < r->h->nr_zones; i++) {
		const struct mmt_zone_info *z = &r->h->zones[i];

		if (rp_zone_name_type(z->name) >= 0 && z->present)
			used += z->managed > z->nr_free ? z->managed - z->nr_free : 0;
	}
	/* mirror mode: every pfn of the native model zones must exist */
	for (uint32_t n = 0; r->o->mode == MMT_REPLAY_MIRROR &&
	     n < native.nr_nodes; n++)
		for (uint32_t i = 0; i < native.nodes[n].nr_zones; i++) {
			const struct mmc_zone_spec *z = &native.nodes[n].zones[i];

			if (topo_covers(t, (int)z->type, z->start_pfn,
					z->start_pfn + z->spanned))
				continue;
			snprintf(err, errlen, "--topology %s: no %s zone covers "
				 "pfns %llu-%llu of the trace (mirror mode "
				 "places pages at the kernel's pfns)", spec,
				 rp_zone_type_name((int)z->type),
				 (unsigned long long)z->start_pfn,
				 (unsigned long long)(z->start_pfn + z->spanned));
			return 2;
		}
	if (topo_pages(t, 1) < used) {
		snprintf(err, errlen, "--topology %s: %llu pages of memory "
			 "cannot hold the %llu pages allocated at trace start",
			 spec, (unsigned long long)topo_pages(t, 1),
			 (unsigned long long)used);
		return 2;
	}
	return 0;
}

/* "vm.X=V" (spaces around '=' allowed) -> mmc_policy_set */
static int set_one(struct rp_run *r, const char *what, const char *kv,
		   char *err, size_t errlen)
{
	char name[128], e2[200];
	const char *eq = strchr(kv, '='), *val;
	size_t nl;

	if (!eq || eq == kv) {
		snprintf(err, errlen, "%s '%s': expected vm.NAME=VALUE", what, kv);
		return -1;
	}
	nl = (size_t)(eq - kv);
	while (nl && isspace((unsigned char)kv[nl - 1]))
		nl--;
	if (!nl || nl >= sizeof(name)) {
		snprintf(err, errlen, "%s '%.60s': bad name", what, kv);
		return -1;
	}
	memcpy(name, kv, nl);
	name[nl] = '\0';
	val = eq + 1;
	while (isspace((unsigned char)*val))
		val++;
	if (mmc_policy_set(&r->pol, name, val, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "%s %s: %s", what, kv, e2);
		return -1;
	}
	return 0;
}

static int policy_file(struct rp_run *r, const char *path, char *err,
		       size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512], what[300];
	unsigned lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		lineno++;
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*s || *s == '#')
			continue;
		snprintf(what, sizeof(what), "%s:%u:", path, lineno);
		if (set_one(r, what, s, err, errlen) < 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* Host settings from the header first (names the model does not know,
 * such as vm.dirty_ratio, are skipped), then --policy-file, then --set. */
int rp_build_policy(struct rp_run *r, char *err, size_t errlen)
{
	const struct mmt_header *h = r->h;
	char e2[200];

	mmc_policy_defaults(&r->pol);
	for (uint32_t i = 0; i < h->nr_sysctls; i++)
		(void)mmc_policy_set(&r->pol, h->sysctls[i].name,
				     h->sysctls[i].value, e2, sizeof(e2));
	if (r->o->policy_file && policy_file(r, r->o->policy_file, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < r->o->nr_sets; i++)
		if (set_one(r, "--set", r->o->sets[i], err, errlen) < 0)
			return -1;
	return 0;
}

static int clip_zone(const struct mmc_topology *t, uint64_t pfn, uint64_t len,
		     uint64_t *zs, uint64_t *ze, uint32_t *iter)
{
	/* iterate zones in order; returns the next zone overlapping */
	uint32_t k = 0;

	for (uint32_t n = 0; n < t->nr_nodes; n++)
		for (uint32_t z = 0; z < t->nodes[n].nr_zones; z++, k++) {
			const struct mmc_zone_spec *s = &t->nodes[n].zones[z];
			uint64_t a = s->start_pfn, b = s->start_pfn + s->spanned;

			if (k < *iter)
				continue;
			if (a < pfn + len && b > pfn) {
				*zs = a > pfn ? a : pfn;
				*ze = b < pfn + len ? b : pfn + len;
				*iter = k + 1;
				return 1;
			}
		}
	return 0;
}

/* Every present page of the model's zones allocated (KERNEL), as the
 * snapshot's own classes then relabel them; mmc_create() reserved the
 * pages above managed, which real hosts do not do. */
static void seed_layout(struct rp_run *r)
{
	const struct mmc_topology *t = &r->topo;

	for (uint32_t n = 0; n < t->nr_nodes; n++)
		for (uint32_t i = 0; i < t->nodes[n].nr_zones; i++) {
			const struct mmc_zone_spec *z = &t->nodes[n].zones[i];

			if (z->present)
				(void)mmc_seed_class(r->m, z->start_pfn,
						     z->present, MMC_PC_KERNEL);
		}
}

/* SwapTotal is recorded in kB.  Traces without it: no swap. */
uint64_t rp_swap_pages(const struct mmt_header *h)
{
	uint32_t psz = h->page_size ? h->page_size : 4096;

	for (uint32_t i = 0; i < h->nr_notes; i++)
		if (!strcmp(h->notes[i].name, "meminfo.SwapTotal")) {
			/* page sizes are powers of two from 1 KiB (the
			 * reader checks); more than the pfn space: capped */
			uint64_t pages = strtoull(h->notes[i].value, NULL, 10) /
					 (psz / 1024);

			return pages < MMT_MAX_PFN ? pages : MMT_MAX_PFN;
		}
	return 0;	/* no note: no swap (the caller says so) */
}

/* After seeding: each zone's managed count as the topology gives it (the
 * header's for the native one, whatever the layout the snapshot left),
 * and the host's swap. */
static void seed_finish(struct rp_run *r)
{
	const struct mmc_topology *t = &r->topo;

	for (uint32_t n = 0; n < t->nr_nodes; n++)
		for (uint32_t i = 0; i < t->nodes[n].nr_zones; i++) {
			const struct mmc_zone_spec *z = &t->nodes[n].zones[i];

			if (z->managed)
				(void)mmc_zone_set_managed(r->m, (int)n,
							   (int)z->type,
							   z->managed);
		}
	if (!mmt_header_note(r->h, "meminfo.SwapTotal"))
		fprintf(stderr, "%s: %s: the trace does not record SwapTotal; "
			"modelling a host without swap (reclaim skips anon "
			"pages)\n", rp_who(r), r->o->trace);
	(void)mmc_set_swap(r->m, rp_swap_pages(r->h));
}

/* The hugetlb pool's size from the header (vm.nr_hugepages), 0 when
 * absent. */
static uint64_t nr_hugepages(const struct mmt_header *h)
{
	for (uint32_t i = 0; i < h->nr_sysctls; i++)
		if (!strcmp(h->sysctls[i].name, "vm.nr_hugepages"))
			return strtoull(h->sysctls[i].value, NULL, 10);
	return 0;
}

/* Hugetlb pages are "unmovable kernel" pages in the snapshot (kpageflags'
 * HUGE bit is not recorded), but compaction must know them: their
 * pageblocks are never a migration source and are stepped over whole
 * (pageblock_skip_persistent).  Inferred: pageblock-aligned blocks whose
 * 512 pages are all kernel pages in the snapshot are the pool's pages,
 * up to vm.nr_hugepages of them, from the lowest pfn.  (On this VM with
 * a 9573-page pool the snapshot held 9577 such blocks.)  Returns the
 * pages marked. */
static uint64_t seed_hugetlb(struct rp_run *r, const struct mmt_snapshot *s)
{
	uint64_t want = nr_hugepages(r->h), got = 0;

	for (uint64_t i = 0; i < s->nr_runs && got < want; i++) {
		const struct mmt_class_run *run = &s->runs[i];
		uint64_t p = (run->pfn + MMC_PB_PAGES - 1) & ~(MMC_PB_PAGES - 1);

		if (run->cls != MMT_PC_KERNEL)
			continue;
		for (; p + MMC_PB_PAGES <= run->pfn + run->len && got < want;
		     p += MMC_PB_PAGES)
			if (mmc_seed_compound(r->m, p, MMC_PAGEBLOCK_ORDER) == 0)
				got++;
	}
	return got;
}

/* The next cpu of node nid after *cpu (round robin), or -1 if the node
 * has none. */
static int next_node_cpu(const struct mmc_topology *t, int nid, int *cpu)
{
	for (uint32_t i = 0; i < t->nr_cpus; i++) {
		*cpu = (int)(((uint32_t)*cpu + 1) % t->nr_cpus);
		if (t->cpu_node[*cpu] == nid)
			return *cpu;
	}
	return -1;
}

/* ---- pages the trace touches --------------------------------------------- */

/* The snapshot calls a page with no flags and no mappings a pcp page
 * (collector/snapshot.c); kernel memory looks the same to kpageflags
 * (vmalloc and BPF ring buffer pages, the tails of non-compound
 * allocations).  The pre-pass notes every page an event hands out, frees
 * or isolates, so that seeding can tell the two apart (pcp_lookalike). */
int rp_touch_init(struct rp_run *r)
{
	size_t words = (size_t)((r->fwd.n + 63) / 64) + 1;

	free(r->touched);
	free(r->freed_first);
	r->touched = calloc(words, sizeof(*r->touched));
	r->freed_first = calloc(words, sizeof(*r->freed_first));
	return r->touched && r->freed_first ? 0 : -1;
}

void rp_touch_note(struct rp_run *r, const struct mmt_event *ev)
{
	switch (ev->kind) {
	case MMT_EV_PAGE_ALLOC:
	case MMT_EV_PAGE_FREE:
	case MMT_EV_PCP_REFILL:
	case MMT_EV_PCP_DRAIN:
	case MMT_EV_COMPACT_ISOLATE:
		break;
	default:
		return;
	}
	if (!r->touched || ev->pfn < r->fwd.base ||
	    ev->pfn - r->fwd.base >= r->fwd.n)
		return;
	uint64_t i = ev->pfn - r->fwd.base;
	uint64_t end = i + (1ull << (ev->order <= MMC_MAX_ORDER ? ev->order
								: 0));

	if (end > r->fwd.n)
		end = r->fwd.n;
	/* a word of pages at a time: an order-9 refill was 512 rounds */
	while (i < end) {
		uint64_t w = i / 64, n = end - i < 64 - i % 64 ? end - i :
				64 - i % 64;
		uint64_t bits = (n == 64 ? UINT64_MAX : (1ull << n) - 1)
				<< (i % 64);

		if (ev->kind == MMT_EV_PAGE_FREE)
			r->freed_first[w] |= bits & ~r->touched[w];
		r->touched[w] |= bits;
		i += n;
	}
}

/* A start-snapshot pcp page that no event of the trace touches and that
 * the end snapshot still shows as one: whatever it was, the kernel never
 * had it to give out (a real pcp page the kernel used would have been
 * handed out, refilled or drained; one it drained to the buddy ends
 * free).  Policy mode, with an end snapshot. */
static int pcp_lookalike(const struct rp_run *r, uint64_t pfn)
{
	uint64_t i = pfn - r->fwd.base;

	if (!r->touched || !r->snap_end || r->end_damaged ||
	    pfn < r->fwd.base || i >= r->fwd.n)
		return 0;
	if (r->touched[i / 64] & (1ull << (i % 64)))
		return 0;
	return rp_snap_class(r->snap_end, pfn) == MMT_PC_PCP;
}

/* A start-snapshot pcp page that was allocated: kernel memory to the
 * model, counted in *n.  1 when the model refused it. */
static int seed_allocated(struct rp_run *r, uint64_t pfn, uint64_t *n)
{
	if (mmc_seed_class(r->m, pfn, 1, MMC_PC_KERNEL) < 0)
		return 1;
	(*n)++;
	return 0;
}

/* A start-snapshot pcp page whose first event in the trace is its free:
 * a page on a pcp list is handed out or drained, never freed, so this one
 * was allocated (kernel memory kpageflags cannot tell from a pcp page:
 * a pipe or socket buffer, a driver's page, the tail of a non-compound
 * allocation).  Seeded free, its free met a free page (unmatched) and the
 * model had it as free memory the kernel did not.  Policy mode. */
static int pcp_freed_first(const struct rp_run *r, uint64_t pfn)
{
	uint64_t i = pfn - r->fwd.base;

	if (!r->freed_first || pfn < r->fwd.base || i >= r->fwd.n)
		return 0;
	return (r->freed_first[i / 64] >> (i % 64)) & 1;
}

/* ---- compaction deferral at the start ----------------------------------- */

/* A zone's compaction deferral (compact_considered, compact_defer_shift,
 * compact_order_failed) is not in the snapshots, and what earlier
 * workloads left there decides whether the trace's first compactions
 * run: the kernel of make validate's runs starts with its Normal zone
 * deferred at the longest back-off (shift 6).  Every change of the
 * state but a silent count in compaction_deferred() has an event, so
 * the first compact_defer event of a zone tells its state before:
 *  - mm_compaction_deferred (mt 0): considered was one less;
 *  - defer_compaction (mt 1): the compaction before it ran, so the
 *    back-off was one step shorter (or already the longest) and used up;
 *  - defer_reset (mt 2): unchanged unless an allocation succeeded
 *    (considered and shift 0): then nothing is known. */
void rp_defer_note(struct rp_run *r, const struct mmt_event *ev)
{
	if (ev->node < 0 || ev->node >= MMC_MAX_NODES ||
	    ev->arg >= MMC_NR_ZONE_TYPES)
		return;
	struct rp_defer0 *d = &r->defer0[ev->node][ev->arg];
	uint32_t shift = ev->addr > 6 ? 6 : (uint32_t)ev->addr;
	uint32_t considered = ev->arg2 > 64 ? 64 : (uint32_t)ev->arg2;

	if (d->seen)
		return;
	d->seen = 1;
	d->order_failed = ev->mt2;
	switch (ev->mt) {
	case 0:
		d->known = considered > 0;
		d->shift = shift;
		d->considered = considered ? considered - 1 : 0;
		break;
	case 1:
		d->known = 1;
		d->shift = shift && shift < 6 ? shift - 1 : shift;
		d->considered = 1u << d->shift;
		break;
	case 2:
		d->known = considered || shift;
		d->shift = shift;
		d->considered = considered;
		break;
	}
}

/* Policy mode on the trace's own topology (a --topology split has other
 * zones): the model's zones start with those states. */
void rp_seed_defer(struct rp_run *r)
{
	if (r->o->mode != MMT_REPLAY_POLICY || r->o->topology)
		return;
	for (int n = 0; n < MMC_MAX_NODES; n++)
		for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
			const struct rp_defer0 *d = &r->defer0[n][t];

			if (d->known &&
			    mmc_set_compact_defer(r->m, n, t, d->considered,
						  d->shift, d->order_failed) == 0)
				r->defer_seeded++;
		}
}

/* ---- kcompactd's wait at the start -------------------------------------- */

/* Which wait kcompactd was in when the trace started is not in the
 * snapshots, and it decides whether the model compacts the whole node
 * before the workload does anything: on make validate's hosts kcompactd
 * was mostly in the long back-off (11 of 12 traces of 2026-12-04 18:31
 * show no look at proactive compaction before kswapd woke it, 1.5-3.2 s
 * in).  The first of kcompactd's own events ends that wait: a
 * kcompactd_sleep event starts the next wait after a timeout, a
 * kcompactd_wake (mt 1) is kcompactd woken for work. */
void rp_kcompactd_note(struct rp_run *r, const struct mmt_event *ev)
{
	if (ev->node < 0 || ev->node >= MMC_MAX_NODES ||
	    ev->ts < r->start_snap_ts)
		return;
	if (ev->kind == MMT_EV_KCOMPACTD_WAKE && ev->mt != 1)
		return;		/* a request (wakeup_kcompactd), not kcompactd */
	struct rp_kcompactd0 *k = &r->kcompactd0[ev->node];

	if (k->seen)
		return;
	k->seen = 1;
	k->woken = ev->kind == MMT_EV_KCOMPACTD_WAKE;
	k->ts = ev->ts;
}

/* Policy mode on the trace's own topology and a start snapshot: a wait
 * that ended at a timeout ends there in the model too; one that a wakeup
 * ended after more than the short wait was the back-off, whose start
 * before the trace is unknown: the model takes the whole of it from the
 * start snapshot (its own wakeups end it earlier, as the kernel's do).
 * A node with no kcompactd event, or woken within the short wait, keeps
 * the model's default (a short wait from its first tick). */
void rp_seed_kcompactd(struct rp_run *r)
{
	if (r->o->mode != MMT_REPLAY_POLICY || r->o->topology ||
	    !r->snap_start)
		return;
	for (int n = 0; n < MMC_MAX_NODES; n++) {
		const struct rp_kcompactd0 *k = &r->kcompactd0[n];
		uint64_t until;

		if (!k->seen)
			continue;
		if (!k->woken)
			until = k->ts;
		else if (k->ts - r->start_snap_ts > MMC_KCOMPACTD_WAIT_NS)
			until = r->start_snap_ts + MMC_KCOMPACTD_BACKOFF_NS;
		else
			continue;
		if (mmc_set_kcompactd_wait(r->m, n, until) < 0)
			continue;
		r->kcompactd_waits_seeded++;
		if (until - r->start_snap_ts > r->kcompactd_wait_ns)
			r->kcompactd_wait_ns = until - r->start_snap_ts;
	}
}

/* Policy mode: a page the kernel held on a pcp list goes on a pcp list of
 * the model, the node's cpus in turn (the snapshot does not say whose):
 * free, but not in the free count the watermarks see, as in the kernel
 * (NR_FREE_PAGES leaves pcp pages out; they were 7-17% of the free pages
 * at the start of make validate's runs). */
static int seed_pcp_page(struct rp_run *r, uint64_t pfn, int *cpu)
{
	int nid = -1;

	for (uint32_t n = 0; n < r->topo.nr_nodes && nid < 0; n++)
		for (uint32_t i = 0; i < r->topo.nodes[n].nr_zones; i++) {
			const struct mmc_zone_spec *z = &r->topo.nodes[n].zones[i];

			if (pfn >= z->start_pfn && pfn < z->start_pfn + z->spanned)
				nid = (int)n;
		}
	if (nid < 0 || next_node_cpu(&r->topo, nid, cpu) < 0)
		return mmc_seed_free(r->m, pfn, 0, -1);
	return mmc_seed_pcp(r->m, pfn, *cpu);
}

/* ---- whole free pageblocks on pcp lists ----------------------------------- */

/* The collector calls a whole pageblock of pages with no flags and no
 * references offline (MMT_PC_OFFLINE): memory the kernel does not manage,
 * a hole in a zone span or memory not onlined yet.  A free THP-sized
 * block on a per-cpu list looks the same: free_unref_folios() keeps a
 * freed folio of pageblock order whole on the pcp list of that order
 * (pcp_allowed_order()), off the buddy's lists and out of NR_FREE_PAGES,
 * and the drop_caches before make validate's recordings leaves tens to
 * hundreds of them there (up to 109 in a Normal zone, 218 MiB, that the
 * kernel then handed out to the trace's first large page-cache folios).
 * The zone's own counts tell the two apart: managed pages are neither
 * reserved nor holes, so of the zone's span only spanned - managed -
 * reserved - hole pages can be unmanaged memory.  Offline runs fill that
 * room largest first (a PCI hole is one run); the runs left over are
 * managed: free blocks on pcp lists.  pcp[i] is set for each such run. */
struct run_key {
	uint64_t len, i;	/* a run's length and index */
};

/* The first run of s (sorted, disjoint) that ends after pfn. */
static uint64_t first_run_ending_after(const struct mmt_snapshot *s,
				       uint64_t pfn)
{
	uint64_t lo = 0, hi = s->nr_runs;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (s->runs[mid].pfn + s->runs[mid].len <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Longest first, then by index: the same order on every host. */
static int run_key_cmp(const void *a, const void *b)
{
	const struct run_key *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static uint8_t *pcp_blocks(const struct rp_run *r, const struct mmt_snapshot *s)
{
	uint8_t *pcp = calloc(s->nr_runs + 1, 1);
	struct run_key *key = hugemem_calloc(s->nr_runs + 1, sizeof(*key));

	if (!pcp || !key) {
		free(key);
		free(pcp);
		return NULL;
	}
	for (uint32_t n = 0; n < r->topo.nr_nodes; n++)
		for (uint32_t zi = 0; zi < r->topo.nodes[n].nr_zones; zi++) {
			const struct mmc_zone_spec *z = &r->topo.nodes[n].zones[zi];
			uint64_t a = z->start_pfn, b = a + z->spanned;
			uint64_t unmanaged = 0, k = 0, i = first_run_ending_after(s, a);

			for (; i < s->nr_runs && s->runs[i].pfn < b; i++) {
				const struct mmt_class_run *run = &s->runs[i];
				uint64_t lo = run->pfn > a ? run->pfn : a;
				uint64_t hi = run->pfn + run->len < b ?
					      run->pfn + run->len : b;

				if (lo >= hi)
					continue;
				if (run->cls == MMT_PC_RESERVED ||
				    run->cls == MMT_PC_HOLE)
					unmanaged += hi - lo;
				else if (run->cls == MMT_PC_OFFLINE)
					key[k++] = (struct run_key){ run->len, i };
			}
			uint64_t room = z->spanned > z->managed + unmanaged ?
					z->spanned - z->managed - unmanaged : 0;
			/* largest first; a hostile snapshot may hold millions */
			qsort(key, k, sizeof(*key), run_key_cmp);
			for (uint64_t i = 0; i < k; i++) {
				if (key[i].len <= room)
					room -= key[i].len;
				else
					pcp[key[i].i] = 1;
			}
		}
	free(key);
	return pcp;
}

/* An offline run that pcp_blocks() found managed: each whole pageblock
 * in [zs, ze) a free block on a pcp list of its node's cpus in turn;
 * pages outside whole pageblocks stay reserved.  Returns pages refused. */
static uint64_t seed_pcp_blocks(struct rp_run *r, uint64_t zs, uint64_t ze,
				unsigned pbo, int *cpu)
{
	uint64_t bad = 0, nr = 1ull << pbo;
	uint64_t p = (zs + nr - 1) & ~(nr - 1);

	if (zs < p && mmc_seed_class(r->m, zs, (p < ze ? p : ze) - zs,
				     MMC_PC_RESERVED) < 0)
		bad++;
	int nid = -1;

	for (uint32_t n = 0; n < r->topo.nr_nodes; n++)
		for (uint32_t i = 0; i < r->topo.nodes[n].nr_zones; i++) {
			const struct mmc_zone_spec *z = &r->topo.nodes[n].zones[i];

			if (zs >= z->start_pfn && zs < z->start_pfn + z->spanned)
				nid = (int)n;
		}
	for (; p + nr <= ze; p += nr) {
		if (nid >= 0 && next_node_cpu(&r->topo, nid, cpu) >= 0 &&
		    mmc_seed_pcp_block(r->m, p, pbo, *cpu) == 0) {
			r->offline_pcp_pages += nr;
			continue;
		}
		if (mmc_seed_class(r->m, p, nr, MMC_PC_RESERVED) < 0)
			bad++;
	}
	if (p < ze && mmc_seed_class(r->m, p, ze - p, MMC_PC_RESERVED) < 0)
		bad++;
	return bad;
}

/* Head first, then (ties: places seen in different passes of the walk)
 * highest first, as the model guesses without places. */
static int place_cmp(const void *a, const void *b)
{
	const struct mmt_free_block *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return (x->pfn < y->pfn) - (x->pfn > y->pfn);
}

/* place_cmp's order by a counting sort on the place, when every place is
 * below n (as the reader checks) and the blocks come sorted by pfn (as
 * the reader decodes them): the blocks walked highest pfn first, a run of
 * one pfn in its own order, so that blocks equal in both keep the order
 * glibc's qsort (a stable merge sort) gave them.  A merge sort's 16 bytes
 * a block of fresh scratch and its comparisons were 3% of a replay.  0,
 * or -1 (v untouched) when a place or the pfn order says otherwise or
 * there is no memory: qsort then. */
static int sort_by_place(struct mmt_free_block *v,
			 const struct mmt_free_block *b, uint64_t n)
{
	uint64_t *at, max = 0;

	for (uint64_t i = 0; i < n; i++) {
		if (b[i].pos >= n || (i && b[i].pfn < b[i - 1].pfn))
			return -1;
		max = b[i].pos > max ? b[i].pos : max;
	}
	/* places up to the longest list's length only, not n */
	if (!(at = calloc(max + 2, sizeof(*at))))
		return -1;
	for (uint64_t i = 0; i < n; i++)
		at[b[i].pos + 1]++;
	for (uint64_t p = 1; p <= max + 1; p++)
		at[p] += at[p - 1];
	for (uint64_t end = n; end > 0;) {
		uint64_t first = end - 1;

		while (first && b[first - 1].pfn == b[end - 1].pfn)
			first--;
		for (uint64_t i = first; i < end; i++)
			v[at[b[i].pos]++] = b[i];
		end = first;
	}
	free(at);
	return 0;
}

/* The kernel's order of each free list (the walk read it head first):
 * the model takes the seeded blocks in that order.  Without memory for
 * the sort the model keeps its guess (highest first). */
static void seed_free_order(struct rp_run *r, const struct mmt_snapshot *s)
{
	uint64_t n = s->nr_free_blocks;
	struct mmt_free_block *v = n ? hugemem_malloc(n * sizeof(*v)) : NULL;

	if (!v)
		return;
	if (sort_by_place(v, s->free_blocks, n) < 0) {
		memcpy(v, s->free_blocks, n * sizeof(*v));
		qsort(v, n, sizeof(*v), place_cmp);
	}
	/* a block that merged with a buddy while seeded (the walk saw both
	 * free) has no place of its own: skipped */
	for (uint64_t i = 0; i < n; i++)
		r->places_seeded += mmc_seed_free_order(r->m, v[i].pfn,
							v[i].order) == 0;
	free(v);
}

/* The start snapshot's pageblock migratetypes, completed from its free
 * blocks.  The recorder types a pageblock only from a free block of
 * pageblock order or more (collector/snapshot.c); since 6.10 every free
 * block is on the list of its pageblock's type (__add_to_free_list()
 * warns otherwise, move_freepages_block() moves them all on a change), so
 * a smaller free block of the free-list walk names it as well.  Without
 * this a pageblock whose free pages were small was movable in the model
 * (the default), its pages went back to the movable lists once used, and
 * unmovable and reclaimable allocations stole page by page from movable
 * pageblocks (v25 default-1: 1,534 fallbacks, the kernel's trace 69).
 * Two free blocks of one pageblock that disagree (an older kernel, a type
 * changed during the walk) or an isolated one leave it unknown.  Returns
 * the types in the snapshot's numbering (malloc'd, caller frees) and the
 * count completed in *n; NULL without a table or out of memory (then *n
 * is 0). */
static int8_t *pageblock_mts(const struct rp_run *r,
			     const struct mmt_snapshot *s, unsigned pbo,
			     uint64_t *n)
{
	int8_t *pb;

	*n = 0;
	if (!s->nr_pageblocks)		/* no pageblock table: nothing to type */
		return NULL;
	pb = malloc(s->nr_pageblocks);
	if (!pb)
		return NULL;
	memcpy(pb, s->pageblock_mt, s->nr_pageblocks);
	for (uint64_t i = 0; i < s->nr_free_blocks; i++) {
		const struct mmt_free_block *b = &s->free_blocks[i];
		uint64_t k = (b->pfn - s->pageblock_base) >> pbo;
		uint64_t end = b->order > pbo ? k + (1ull << (b->order - pbo))
					      : k + 1;
		int mt = rp_mt(r, b->mt);

		if (b->mt < 0 || b->pfn < s->pageblock_base)
			continue;
		for (; k < end && k < s->nr_pageblocks; k++) {
			if (s->pageblock_mt[k] >= 0)
				continue;
			if (mt == MMC_MT_ISOLATE ||
			    (pb[k] != -1 && pb[k] != b->mt))
				pb[k] = -2;	/* unknown for good */
			else
				pb[k] = b->mt;
		}
	}
	for (uint64_t k = 0; k < s->nr_pageblocks; k++) {
		if (pb[k] == -2)
			pb[k] = -1;
		else if (pb[k] >= 0 && s->pageblock_mt[k] < 0)
			(*n)++;
	}
	return pb;
}

/* Start state from the start snapshot: pageblock migratetypes first (so
 * seeded blocks go to their lists), then the free blocks, then the page
 * classes of allocated pages.  Pages the kernel held on pcp lists are free
 * on the model's pcp lists in policy mode; in mirror mode they stay
 * allocated and are remembered as the kernel's pcp pages (they look
 * allocated in kpageflags too). */
int rp_seed(struct rp_run *r, const struct mmt_snapshot *s, uint64_t *errors)
{
	uint64_t bad = 0;
	unsigned pbo = r->h->pageblock_order ? r->h->pageblock_order :
					       MMC_PAGEBLOCK_ORDER;
	int cpu = -1;
	int8_t *pb;
	uint8_t *pcp_run = r->o->mode == MMT_REPLAY_MIRROR ? NULL :
			   pcp_blocks(r, s);

	seed_layout(r);
	pb = pageblock_mts(r, s, pbo, &r->pageblocks_typed);
	for (uint64_t i = 0; i < s->nr_pageblocks; i++) {
		int mt = rp_mt(r, pb ? pb[i] : s->pageblock_mt[i]);

		if (mt >= 0)
			(void)mmc_set_pageblock_mt(r->m, s->pageblock_base +
						   (i << pbo), mt);
	}
	free(pb);
	for (uint64_t i = 0; i < s->nr_free_blocks; i++) {
		const struct mmt_free_block *b = &s->free_blocks[i];
		int mt = rp_mt(r, b->mt);

		if (mt < 0 || mt >= MMC_MT_PCPTYPES)
			mt = b->mt < 0 ? -1 : mt;
		if (mmc_seed_free(r->m, b->pfn, b->order, mt) < 0)
			bad++;
	}
	if (s->flags & MMT_SNAP_FREE_POS)
		seed_free_order(r, s);
	for (uint64_t i = 0; i < s->nr_runs; i++) {
		const struct mmt_class_run *run = &s->runs[i];
		uint64_t zs, ze;
		uint32_t it = 0;

		if (run->cls == MMT_PC_FREE) {
			/* free in kpageflags but in no free block of the
			 * free-list walk (freed between the two reads): free,
			 * not a kernel page the kernel will never free */
			while (clip_zone(&r->topo, run->pfn, run->len, &zs, &ze,
					 &it))
				(void)mmc_seed_free_pages(r->m, zs, ze - zs);
			continue;
		}
		/* reserved pages stay allocated as seed_layout() left them
		 * (the kernel may free some); offline sections and holes are
		 * reserved, so that a hot-add that seeds them free makes them
		 * managed, as online_pages() does */
		if (run->cls == MMT_PC_RESERVED)
			continue;
		while (clip_zone(&r->topo, run->pfn, run->len, &zs, &ze, &it)) {
			if (pcp_run && pcp_run[i]) {
				bad += seed_pcp_blocks(r, zs, ze, pbo, &cpu);
				continue;
			}
			if (run->cls == MMT_PC_HOLE || run->cls == MMT_PC_OFFLINE) {
				if (mmc_seed_class(r->m, zs, ze - zs,
						   MMC_PC_RESERVED) < 0)
					bad++;
				continue;
			}
			if (run->cls != MMT_PC_PCP) {
				if (mmc_seed_class(r->m, zs, ze - zs, run->cls) < 0)
					bad++;
				continue;
			}
			for (uint64_t p = zs; p < ze; p++) {
				if (r->o->mode == MMT_REPLAY_MIRROR) {
					rp_map_put(&r->kpcp, p, 0);
				} else if (pcp_lookalike(r, p)) {
					bad += seed_allocated(r, p,
							      &r->pcp_lookalikes);
				} else if (pcp_freed_first(r, p)) {
					bad += seed_allocated(r, p,
							      &r->pcp_freed_first);
				} else if (seed_pcp_page(r, p, &cpu) < 0) {
					bad++;
				}
			}
		}
	}
	free(pcp_run);
	r->hugetlb_seeded = seed_hugetlb(r, s);
	seed_finish(r);
	*errors = bad;
	return 0;
}

/* The inferred start: no start snapshot (an imported capture, a file cut
 * before it) or --start inferred.  An empty machine, every spanned page
 * free in max-order blocks where the model accepts them; nothing of what
 * the host held (kernel, page cache, a hugetlb pool) is known. */
void rp_seed_empty(struct rp_run *r)
{
	const struct mmc_topology *t = &r->topo;

	for (uint32_t n = 0; n < t->nr_nodes; n++)
		for (uint32_t z = 0; z < t->nodes[n].nr_zones; z++) {
			const struct mmc_zone_spec *s = &t->nodes[n].zones[z];
			uint64_t pfn = s->start_pfn, end = pfn + s->spanned;

			while (pfn < end) {
				unsigned o = MMC_MAX_ORDER;

				while (o && ((pfn & ((1ull << o) - 1)) ||
					     pfn + (1ull << o) > end))
					o--;
				(void)mmc_seed_free(r->m, pfn, o, MMC_MT_MOVABLE);
				pfn += 1ull << o;
			}
		}
	seed_finish(r);
}

/* What one page of the model costs, all structures together: mmcore's
 * page state, free-list bitmaps and pageblock bytes, replay's pfn maps
 * (4 bytes per pfn each way, the pre-pass's live map) and the mirror
 * check's bitmaps; an upper estimate. */
#define MODEL_BYTES_PER_PAGE 16
/* reclaim.c's stale sets: a pointer and a count (12 bytes) per 64 Ki bits,
 * 5 bits (LRU lists) a pfn of the node's span: a byte per 1092 pfns */
#define NODE_SPAN_PFNS_PER_BYTE 1024

static uint64_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long long kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb ? kb * 1024 : UINT64_MAX;
}

int rp_model_fits(const struct mmc_topology *t, const char *trace, char *err,
		  size_t errlen)
{
	const char *env = getenv("MMTRACE_MAX_MODEL_MB");
	uint64_t limit = env ? strtoull(env, NULL, 10) << 20 : 0;
	uint64_t pages = 0, need, avail = limit ? limit : mem_available();

	need = 0;
	for (uint32_t n = 0; n < t->nr_nodes && n < MMC_MAX_NODES; n++) {
		uint64_t lo = UINT64_MAX, hi = 0;

		for (uint32_t z = 0; z < t->nodes[n].nr_zones &&
		     z < MMC_NR_ZONE_TYPES; z++) {
			const struct mmc_zone_spec *s = &t->nodes[n].zones[z];

			pages += s->spanned + (1u << MMC_MAX_ORDER);
			lo = s->start_pfn < lo ? s->start_pfn : lo;
			hi = s->start_pfn + s->spanned > hi ?
			     s->start_pfn + s->spanned : hi;
		}
		/* reclaim's per-node tables cover the node's whole pfn
		 * span, holes between its zones included (stale_init():
		 * none past 2^32 chunks, then a hash set instead) */
		if (hi > lo && (hi - lo) / NODE_SPAN_PFNS_PER_BYTE / 12 <= UINT32_MAX)
			need += (hi - lo) / NODE_SPAN_PFNS_PER_BYTE;
	}
	need += pages * MODEL_BYTES_PER_PAGE;
	if (need <= avail)
		return 0;
	snprintf(err, errlen, "%s: modelling the trace's host (%llu pages in "
		 "its zones) needs about %llu MiB, more than the %llu MiB %s",
		 trace, (unsigned long long)pages,
		 (unsigned long long)(need >> 20),
		 (unsigned long long)(avail >> 20),
		 limit ? "MMTRACE_MAX_MODEL_MB allows" :
		 "this machine has available");
	return -1;
}
