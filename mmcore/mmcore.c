/* SPDX-License-Identifier: MIT */
/*
 * The model's life cycle: mmc_create()/mmc_destroy(), seeding from a
 * snapshot, zone setup (watermarks, lowmem_reserve, pcp), hot-add, hooks,
 * and the small public wrappers around the LRU and background ticks.
 *
 * Page layout inside a zone: [start_pfn, start_pfn + present) are present,
 * the rest of the span is a hole.  The first `managed` present pages are
 * managed, the remaining present - managed are RESERVED (memblock, or
 * offline memory that hot-add brings in at the top, as on the development
 * VM); after mmc_create() the managed pages are allocated (class KERNEL)
 * until seeding frees them.  A snapshot can relabel pages: seeding frees
 * or classes RESERVED pages, and mmc_seed_class(RESERVED/HOLE) reserves
 * allocated ones, so the real host's scattered reservations fit; managed
 * follows each relabel (a page that leaves RESERVED is managed, one that
 * becomes RESERVED or a hole is not).  mmc_zone_set_managed() then gives
 * the kernel's own managed count, which need not equal the pages laid out
 * (the kernel's managed_pages comes from memblock accounting, not from
 * the PG_reserved flags a snapshot sees): the difference is kept in
 * managed_skew so the free + allocated == managed - skew invariant holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "hugemem.h"

/* ---- page classes -------------------------------------------------------- */

/* Page idx's class becomes cls, in the node's counts too (its pageblock's
 * touch is the caller's). */
static inline void relabel_page(uint64_t *cnt, struct mmc_zone *z,
				uint32_t idx, unsigned cls)
{
	pgstate_t s = z->page[idx];

	cnt[page_class(s)]--;
	cnt[cls]++;
	z->page[idx] = (pgstate_t)((s & ~PG_CLASS_MASK) |
				   (cls << PG_CLASS_SHIFT));
}

void set_page_class(struct mmc *m, struct mmc_zone *z, uint32_t idx,
		    uint32_t nr, unsigned cls)
{
	uint64_t *cnt = m->nodes[z->node].nr_class;

	if (nr)
		pageblock_touch_range(z, idx, nr);
	for (uint32_t i = 0; i < nr; i++)
		relabel_page(cnt, z, idx + i, cls);
}

struct mmc_zone *pfn_to_zone(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z = m->last_zone;

	if (z && pfn >= z->start_pfn && pfn < z->start_pfn + z->spanned)
		return z;
	uint32_t lo = 0, hi = m->nr_zones;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		z = m->zones_by_pfn[mid];
		if (pfn < z->start_pfn)
			hi = mid;
		else if (pfn >= z->start_pfn + z->spanned)
			lo = mid + 1;
		else
			return m->last_zone = z;
	}
	return NULL;
}

/* ---- create / destroy ---------------------------------------------------- */

static int check_topology(const struct mmc_topology *t, char *err,
			  size_t errlen)
{
	if (t->nr_nodes < 1 || t->nr_nodes > MMC_MAX_NODES) {
		snprintf(err, errlen, "topology: %u nodes (want 1..%d)", t->nr_nodes, MMC_MAX_NODES);
		return -1;
	}
	if (t->nr_cpus < 1 || t->nr_cpus > MMC_MAX_CPUS) {
		snprintf(err, errlen, "topology: %u cpus (want 1..%d)", t->nr_cpus, MMC_MAX_CPUS);
		return -1;
	}
	for (uint32_t c = 0; c < t->nr_cpus; c++)
		if (t->cpu_node[c] < 0 || (uint32_t)t->cpu_node[c] >= t->nr_nodes) {
			snprintf(err, errlen, "topology: cpu %u on node %d (have %u nodes)", c, t->cpu_node[c], t->nr_nodes);
			return -1;
		}
	for (uint32_t n = 0; n < t->nr_nodes; n++) {
		const struct mmc_node_spec *ns = &t->nodes[n];

		if (ns->nr_zones > MMC_NR_ZONE_TYPES) {
			snprintf(err, errlen, "topology: node %u has %u zones", n, ns->nr_zones);
			return -1;
		}
		for (uint32_t i = 0; i < ns->nr_zones; i++) {
			const struct mmc_zone_spec *z = &ns->zones[i];

			if ((unsigned)z->type >= MMC_NR_ZONE_TYPES ||
			    z->present > z->spanned || z->managed > z->present ||
			    z->spanned + MAX_ORDER_NR_PAGES >= (1ull << 32)) {
				snprintf(err, errlen, "topology: node %u zone %u: bad type/spanned/present/managed", n, i);
				return -1;
			}
			for (uint32_t j = 0; j < i; j++)
				if (ns->zones[j].type == z->type) {
					snprintf(err, errlen, "topology: node %u has zone type %d twice", n, z->type);
					return -1;
				}
		}
	}
	return 0;
}

static int zone_init(struct mmc *m, struct mmc_node *n,
		     const struct mmc_zone_spec *zs)
{
	struct mmc_zone *z = &n->zones[zs->type];

	z->start_pfn = zs->start_pfn;
	z->spanned = zs->spanned;
	z->present = zs->present;
	z->managed = zs->managed;
	if (!z->present)
		return 0;
	z->base_pfn = z->start_pfn & ~(uint64_t)(MAX_ORDER_NR_PAGES - 1);
	uint64_t end = z->start_pfn + z->spanned;
	uint64_t nr = (end - z->base_pfn + MAX_ORDER_NR_PAGES - 1) &
		      ~(uint64_t)(MAX_ORDER_NR_PAGES - 1);

	z->nr_idx = (uint32_t)nr;
	z->page = hugemem_calloc(nr, sizeof(pgstate_t));	/* 0 = HOLE */
	z->pageblock_mt = malloc(nr >> pageblock_order);
	z->pb_mix = malloc(nr >> pageblock_order);
	if (!z->page || !z->pageblock_mt || !z->pb_mix || free_area_init(z) ||
	    pcp_init(m, z))
		return -1;
	memset(z->pb_mix, PB_MIX_DIRTY, nr >> pageblock_order);
	/* memmap_init_range(): every pageblock starts MOVABLE */
	memset(z->pageblock_mt, MIGRATE_MOVABLE, nr >> pageblock_order);
	uint32_t first = pfn_to_idx(z, z->start_pfn);
	uint32_t reserved = (uint32_t)(z->present - z->managed);
	pgstate_t rs = MMC_PC_RESERVED << PG_CLASS_SHIFT;
	pgstate_t ks = MMC_PC_KERNEL << PG_CLASS_SHIFT;

	for (uint32_t i = 0; i < z->managed; i++)
		z->page[first + i] = ks;
	for (uint32_t i = (uint32_t)z->managed; i < z->present; i++)
		z->page[first + i] = rs;
	n->nr_class[MMC_PC_RESERVED] += reserved;
	n->nr_class[MMC_PC_KERNEL] += z->managed;
	n->nr_class[MMC_PC_HOLE] += nr - z->present;
	return 0;
}

static int cmp_zone_pfn(const void *a, const void *b)
{
	const struct mmc_zone *x = *(struct mmc_zone *const *)a;
	const struct mmc_zone *y = *(struct mmc_zone *const *)b;

	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

static int build_zone_tables(struct mmc *m, char *err, size_t errlen)
{
	m->zones = calloc((size_t)m->nr_nodes * MMC_NR_ZONE_TYPES, sizeof(*m->zones));
	m->zones_by_pfn = calloc((size_t)m->nr_nodes * MMC_NR_ZONE_TYPES, sizeof(*m->zones));
	if (!m->zones || !m->zones_by_pfn)
		return -1;
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		for (int t = 0; t < MMC_NR_ZONE_TYPES; t++)
			if (populated_zone(&m->nodes[n].zones[t]))
				m->zones[m->nr_zones++] = &m->nodes[n].zones[t];
	if (!m->nr_zones) {
		snprintf(err, errlen, "topology: no memory");
		return -1;
	}
	memcpy(m->zones_by_pfn, m->zones, m->nr_zones * sizeof(*m->zones));
	qsort(m->zones_by_pfn, m->nr_zones, sizeof(*m->zones), cmp_zone_pfn);
	for (uint32_t i = 1; i < m->nr_zones; i++) {
		const struct mmc_zone *a = m->zones_by_pfn[i - 1];
		const struct mmc_zone *b = m->zones_by_pfn[i];

		/* buddy blocks never cross zones: the MAX_ORDER-aligned
		 * arrays of two zones must not share pfns */
		if (a->start_pfn + a->spanned > b->start_pfn ||
		    a->base_pfn + a->nr_idx > b->base_pfn) {
			snprintf(err, errlen, "topology: zones at pfn %llu and %llu overlap (or share a %u-page block)",
				 (unsigned long long)a->start_pfn,
				 (unsigned long long)b->start_pfn, MAX_ORDER_NR_PAGES);
			return -1;
		}
	}
	return 0;
}

struct mmc *mmc_create(const struct mmc_topology *t,
		       const struct mmc_policy *p, char *err, size_t errlen)
{
	if (check_topology(t, err, errlen))
		return NULL;
	struct mmc *m = calloc(1, sizeof(*m));

	if (!m)
		goto oom;
	m->policy = *p;
	m->topo = malloc(sizeof(*m->topo));
	m->nr_nodes = t->nr_nodes;
	m->nodes = calloc(t->nr_nodes, sizeof(*m->nodes));
	m->nr_cpus = t->nr_cpus;
	m->cpu_node = calloc(t->nr_cpus, sizeof(*m->cpu_node));
	if (!m->topo || !m->nodes || !m->cpu_node)
		goto oom;
	*m->topo = *t;
	memcpy(m->cpu_node, t->cpu_node, t->nr_cpus * sizeof(*m->cpu_node));
	for (uint32_t c = 0; c < t->nr_cpus; c++)
		m->nodes[t->cpu_node[c]].nr_cpus++;
	for (uint32_t nid = 0; nid < t->nr_nodes; nid++) {
		struct mmc_node *n = &m->nodes[nid];

		n->nid = (int)nid;
		for (int zt = 0; zt < MMC_NR_ZONE_TYPES; zt++) {
			n->zones[zt].node = (int)nid;
			n->zones[zt].type = (enum mmc_zone_type)zt;
		}
		for (uint32_t i = 0; i < t->nodes[nid].nr_zones; i++)
			if (zone_init(m, n, &t->nodes[nid].zones[i]))
				goto oom;
	}
	if (build_zone_tables(m, err, errlen)) {
		mmc_destroy(m);
		return NULL;
	}
	if (build_zonelists(m))
		goto oom;
	mmc_setup_zones(m);
	if (reclaim_init(m) || kswapd_init(m) || compaction_init(m) || slab_init(m) ||
	    fault_init(m) || writeback_init(m) || direct_inflight_init(m))
		goto oom;
	return m;
oom:
	snprintf(err, errlen, "mmcore: out of memory building the model");
	mmc_destroy(m);
	return NULL;
}

void mmc_destroy(struct mmc *m)
{
	if (!m)
		return;
	writeback_destroy(m);
	fault_destroy(m);
	slab_destroy(m);
	compaction_destroy(m);
	kswapd_destroy(m);
	direct_inflight_destroy(m);
	reclaim_destroy(m);
	for (uint32_t nid = 0; m->nodes && nid < m->nr_nodes; nid++) {
		struct mmc_node *n = &m->nodes[nid];

		for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
			struct mmc_zone *z = &n->zones[t];

			pcp_destroy(m, z);
			free_area_destroy(z);
			free(z->page);
			free(z->pageblock_mt);
			free(z->pb_mix);
		}
		free(n->zonelist);
	}
	free(m->nodes);
	free(m->zones);
	free(m->zones_by_pfn);
	free(m->cpu_node);
	free(m->topo);
	free(m);
}

/* init_per_zone_wmark_min() + the pcp and node-reclaim thresholds, as a
 * sysctl write or memory hotplug recomputes them. */
void mmc_setup_zones(struct mmc *m)
{
	int mfk = m->policy.min_free_kbytes;

	if (mfk < 0) {
		mfk = calculate_min_free_kbytes(m);
		if (m->policy.thp_enabled)	/* khugepaged runs */
			mfk = thp_recommended_min_free_kbytes(m, mfk);
	}
	m->min_free_kbytes = mfk;
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
	for (uint32_t i = 0; i < m->nr_zones; i++)
		zone_pcp_update(m, m->zones[i]);
	/* setup_min_unmapped_ratio() / setup_min_slab_ratio() */
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++) {
		struct mmc_node *n = &m->nodes[nid];

		n->min_unmapped_pages = 0;
		n->min_slab_pages = 0;
		for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
			uint64_t managed = n->zones[t].managed;

			n->min_unmapped_pages += managed *
				(uint64_t)m->policy.min_unmapped_ratio / 100;
			n->min_slab_pages += managed *
				(uint64_t)m->policy.min_slab_ratio / 100;
		}
	}
}

/* ---- seeding ------------------------------------------------------------- */

/* Range [pfn, pfn + nr) inside one zone's span; NULL otherwise. */
static struct mmc_zone *range_zone(struct mmc *m, uint64_t pfn, uint64_t nr)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z || nr == 0 || pfn + nr > z->start_pfn + z->spanned)
		return NULL;
	return z;
}

static bool range_allocated(const struct mmc_zone *z, uint32_t idx,
			    uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		if (!page_allocated(z->page[idx + i]))
			return false;
	return true;
}

/* Pages seeding may relabel: allocated ones and RESERVED ones. */
static bool seedable(pgstate_t s)
{
	unsigned c = page_class(s);

	return c == MMC_PC_RESERVED || (page_allocated(s) && c != PC_ISOLATED);
}

/* Seeding's page states for nr pages at idx that become free: RESERVED
 * pages become managed, the class counts move, each page's state is a
 * plain FREE one (free_one_page_fpi() then puts the block on its list).
 * One pass: what set_page_class() and a rewrite of each page did in
 * three. */
static void seed_free_state(struct mmc *m, struct mmc_zone *z, uint32_t idx,
			    uint32_t nr)
{
	uint64_t *cnt = m->nodes[z->node].nr_class;

	pageblock_touch_range(z, idx, nr);
	for (uint32_t i = 0; i < nr; i++) {
		unsigned c = page_class(z->page[idx + i]);

		z->managed += c == MMC_PC_RESERVED;
		cnt[c]--;
		z->page[idx + i] = MMC_PC_FREE << PG_CLASS_SHIFT;
	}
	cnt[MMC_PC_FREE] += nr;
}

/* The zone holding a whole block of 2^order pages at pfn, aligned to its
 * order; NULL otherwise. */
static struct mmc_zone *block_zone(struct mmc *m, uint64_t pfn,
				   unsigned order)
{
	if (order > MAX_PAGE_ORDER || (pfn & ((1u << order) - 1)))
		return NULL;
	return range_zone(m, pfn, 1ull << order);
}

int mmc_seed_free(struct mmc *m, uint64_t pfn, unsigned order, int mt)
{
	struct mmc_zone *z = block_zone(m, pfn, order);

	if (!z)
		return -1;
	uint32_t idx = pfn_to_idx(z, pfn);
	uint32_t nr = 1u << order;
	bool lru = false;

	for (uint32_t i = 0; i < nr; i++) {
		if (!seedable(z->page[idx + i]))
			return -1;
		lru |= (z->page[idx + i] & PG_LRU) != 0;
	}
	if (lru) {
		if (z->page[idx] & PG_LRU)
			lru_del(m, pfn, order);
		for (uint32_t i = 1; i < nr; i++)
			if (z->page[idx + i] & PG_LRU)
				lru_del(m, pfn + i, 0);
	}
	if (mt < 0 || mt >= MIGRATE_TYPES)
		mt = get_pageblock_migratetype(z, idx);
	seed_free_state(m, z, idx, nr);
	free_one_page_fpi(m, z, idx, order, mt, true);
	return 0;
}

int mmc_seed_free_order(struct mmc *m, uint64_t pfn, unsigned order)
{
	struct mmc_zone *z = block_zone(m, pfn, order);

	if (!z)
		return -1;
	uint32_t idx = pfn_to_idx(z, pfn);
	pgstate_t s = z->page[idx];

	if (!PageBuddy(s) || free_order(s) != order)
		return -1;
	return free_list_seed(&z->free_area[order].free_list[free_mt(s)],
			      order, idx);
}

/* mmc_seed_free(p, 0, -1) for each page p of [pfn, pfn + nr), in order,
 * with one zone lookup a zone instead of one a page: a snapshot's runs of
 * free pages mostly lie in free blocks seeded already (on a 24 GiB host,
 * 5.7 M calls that each found the page free were 7% of a replay).
 * Returns the pages not seeded (outside the zones, or not seedable). */
uint64_t mmc_seed_free_pages(struct mmc *m, uint64_t pfn, uint64_t nr)
{
	uint64_t refused = 0;

	while (nr) {
		struct mmc_zone *z = pfn_to_zone(m, pfn);

		if (!z) {
			refused++;
			pfn++;
			nr--;
			continue;
		}
		uint64_t end = z->start_pfn + z->spanned;
		uint64_t n = end - pfn < nr ? end - pfn : nr;
		uint32_t idx = pfn_to_idx(z, pfn);

		for (uint32_t i = 0; i < n; i++) {
			if (!seedable(z->page[idx + i])) {
				refused++;
				continue;
			}
			if (z->page[idx + i] & PG_LRU)
				lru_del(m, pfn + i, 0);
			seed_free_state(m, z, idx + i, 1);
			free_one_page_fpi(m, z, idx + i, 0,
					  get_pageblock_migratetype(z, idx + i),
					  true);
		}
		pfn += n;
		nr -= n;
	}
	return refused;
}

int mmc_seed_pcp(struct mmc *m, uint64_t pfn, int cpu)
{
	return mmc_seed_pcp_block(m, pfn, 0, cpu);
}

int mmc_seed_pcp_block(struct mmc *m, uint64_t pfn, unsigned order, int cpu)
{
	if (!pcp_allowed_order(order) || (pfn & ((1ull << order) - 1)))
		return -1;
	struct mmc_zone *z = range_zone(m, pfn, 1ull << order);

	if (!z || cpu < 0 || (uint32_t)cpu >= m->nr_cpus)
		return -1;
	uint32_t idx = pfn_to_idx(z, pfn);
	uint32_t nr = 1u << order;
	int mt = get_pageblock_migratetype(z, idx);

	if (mt == MIGRATE_ISOLATE)
		return mmc_seed_free(m, pfn, order, mt);
	bool lru = false;

	for (uint32_t i = 0; i < nr; i++) {
		if (!seedable(z->page[idx + i]))
			return -1;
		lru |= (z->page[idx + i] & PG_LRU) != 0;
	}
	if (lru) {	/* as mmc_seed_free() */
		if (z->page[idx] & PG_LRU)
			lru_del(m, pfn, order);
		for (uint32_t i = 1; i < nr; i++)
			if (z->page[idx + i] & PG_LRU)
				lru_del(m, pfn + i, 0);
	}
	seed_free_state(m, z, idx, nr);
	/* free_unref_page(): highatomic pages go on the movable list */
	pcp_seed_page(m, z, cpu, idx, order,
		      mt >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : mt);
	return 0;
}

int mmc_seed_class(struct mmc *m, uint64_t pfn, uint64_t nr, int cls)
{
	if (cls != MMC_PC_SLAB && cls != MMC_PC_ANON && cls != MMC_PC_FILE &&
	    cls != MMC_PC_KERNEL && cls != MMC_PC_RESERVED &&
	    cls != MMC_PC_HOLE)
		return -1;
	bool unmanaged = cls == MMC_PC_RESERVED || cls == MMC_PC_HOLE;
	bool lru = cls == MMC_PC_ANON || cls == MMC_PC_FILE;

	while (nr) {
		struct mmc_zone *z = pfn_to_zone(m, pfn);

		if (!z)
			return -1;
		uint64_t end = z->start_pfn + z->spanned;
		uint64_t n = end - pfn < nr ? end - pfn : nr;
		uint32_t idx = pfn_to_idx(z, pfn);

		for (uint32_t i = 0; i < n; i++) {
			pgstate_t s = z->page[idx + i];

			if (!seedable(s) || page_class(s) == (unsigned)cls)
				continue;
			if (s & PG_LRU)
				lru_del(m, pfn + i, 0);
			/* managed follows the layout: allocated <-> reserved */
			if (unmanaged && page_class(s) != MMC_PC_RESERVED)
				z->managed--;
			else if (!unmanaged && page_class(s) == MMC_PC_RESERVED)
				z->managed++;
			/* set_page_class(idx + i, 1), inline: a call a page
			 * was most of seeding a big zone (fuzz_replay) */
			pageblock_touch_range(z, idx + i, 1);
			relabel_page(m->nodes[z->node].nr_class, z, idx + i,
				     (unsigned)cls);
			if (lru)
				lru_add(m, pfn + i, 0, cls);
		}
		pfn += n;
		nr -= n;
	}
	return 0;
}

int mmc_set_pageblock_mt(struct mmc *m, uint64_t pfn, int mt)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z || mt < 0 || mt >= MIGRATE_TYPES)
		return -1;
	uint32_t idx = pfn_to_idx(z, pfn) & ~(pageblock_nr_pages - 1);
	int old = get_pageblock_migratetype(z, idx);

	if (old == MIGRATE_HIGHATOMIC)
		z->nr_reserved_highatomic -= pageblock_nr_pages;
	if (mt == MIGRATE_HIGHATOMIC)
		z->nr_reserved_highatomic += pageblock_nr_pages;
	set_pageblock_migratetype(z, idx, mt);
	/* free blocks inside the pageblock follow its type (as 6.10+ keeps
	 * free list type == pageblock type) */
	for (uint32_t i = idx; i < idx + pageblock_nr_pages;) {
		pgstate_t s = z->page[i];

		if (PageBuddy(s) && free_order(s) < pageblock_order) {
			unsigned o = free_order(s);

			if (free_mt(s) != mt) {
				del_page_from_free_list(z, i, o, free_mt(s));
				add_to_free_list(z, i, o, mt);
			}
			i += 1u << o;
			continue;
		}
		i++;
	}
	return 0;
}

int mmc_seed_all_free(struct mmc *m)
{
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		struct mmc_zone *z = m->zones[i];
		uint32_t idx = pfn_to_idx(z, z->start_pfn);
		uint32_t end = idx + (uint32_t)z->managed;

		while (idx < end) {
			unsigned o = MAX_PAGE_ORDER;

			while ((idx & ((1u << o) - 1)) || idx + (1u << o) > end)
				o--;
			for (uint32_t k = 0; k < (1u << o); k++)
				if (page_class(z->page[idx + k]) != MMC_PC_KERNEL)
					return -1;
			set_page_class(m, z, idx, 1u << o, MMC_PC_FREE);
			for (uint32_t k = 0; k < (1u << o); k++)
				z->page[idx + k] = MMC_PC_FREE << PG_CLASS_SHIFT;
			free_one_page_fpi(m, z, idx, o,
					  get_pageblock_migratetype(z, idx), true);
			idx += 1u << o;
		}
	}
	return 0;
}

/* The kernel's managed_pages for a zone whose reserved pages, holes and
 * offline sections the pfn layout does not place exactly (a snapshot sees
 * PG_reserved, the kernel counts memblock reservations).  Only the count
 * changes: watermarks, lowmem_reserve, pcp high/batch and the node
 * reclaim thresholds follow it at the next mmc_setup_zones().  Later
 * relabels (seeding, hot-add) move managed by the pages they bring in or
 * take out, as online_pages() adjusts managed_pages. */
int mmc_zone_set_managed(struct mmc *m, int node, int zone_type,
			 uint64_t managed)
{
	if (node < 0 || (uint32_t)node >= m->nr_nodes || zone_type < 0 ||
	    zone_type >= MMC_NR_ZONE_TYPES)
		return -1;
	struct mmc_zone *z = zone_of(m, node, zone_type);

	/* an empty zone would have to leave the zonelists: not modelled */
	if (!populated_zone(z) || managed == 0 || managed > z->spanned)
		return -1;
	z->managed_skew += (int64_t)managed - (int64_t)z->managed;
	z->managed = managed;
	return 0;
}

/* Hot-add: managed grows by `managed - z->managed` pages; that many
 * RESERVED (offline) pages become managed and free, taken upwards from
 * the top of the managed pages (where hot-added sections appear), then
 * from the zone start for pages a snapshot relabelled.  The marks are
 * recomputed as online_pages() does.  Shrinking is not modelled. */
int mmc_zone_resize(struct mmc *m, int node, int zone_type, uint64_t managed)
{
	if (node < 0 || (uint32_t)node >= m->nr_nodes || zone_type < 0 ||
	    zone_type >= MMC_NR_ZONE_TYPES)
		return -1;
	struct mmc_zone *z = zone_of(m, node, zone_type);

	if (!populated_zone(z) || managed < z->managed || managed > z->present)
		return -1;
	uint32_t first = pfn_to_idx(z, z->start_pfn);
	uint32_t end = first + (uint32_t)z->present;
	uint64_t want = managed - z->managed, have = 0;

	for (uint32_t i = first; i < end; i++)
		have += page_class(z->page[i]) == MMC_PC_RESERVED;
	if (have < want)
		return -1;
	uint32_t i = first + (uint32_t)z->managed;

	while (want) {
		if (i >= end)
			i = first;
		if (page_class(z->page[i]) == MMC_PC_RESERVED) {
			set_page_class(m, z, i, 1, MMC_PC_FREE);
			z->page[i] = MMC_PC_FREE << PG_CLASS_SHIFT;
			free_one_page_fpi(m, z, i, 0,
					  get_pageblock_migratetype(z, i), true);
			want--;
		}
		i++;
	}
	z->managed = managed;
	if (build_zonelists(m))
		return -1;
	mmc_setup_zones(m);
	return 0;
}

/* ---- hooks, LRU, time ---------------------------------------------------- */

void mmc_set_reclaim_hook(struct mmc *m, mmc_reclaim_fn fn, void *ctx)
{
	m->reclaim_fn = fn;
	m->reclaim_ctx = ctx;
}

void mmc_set_migrate_hook(struct mmc *m, mmc_migrate_fn fn, void *ctx)
{
	m->migrate_fn = fn;
	m->migrate_ctx = ctx;
}

void mmc_set_split_hook(struct mmc *m, mmc_split_fn fn, void *ctx)
{
	m->split_fn = fn;
	m->split_ctx = ctx;
}

int mmc_lru_add(struct mmc *m, uint64_t pfn, unsigned order, int cls)
{
	/* a folio is aligned to its order: a head elsewhere would put
	 * PG_HEAD on a page the folio's tail bits do not describe (the
	 * replay asked for one where the kernel's folio had been placed
	 * as pieces; compaction then isolated that 'folio' forever) */
	if ((cls != MMC_PC_ANON && cls != MMC_PC_FILE) || order > MAX_PAGE_ORDER ||
	    (pfn & ((1ull << order) - 1)))
		return -1;
	struct mmc_zone *z = range_zone(m, pfn, 1ull << order);

	if (!z)
		return -1;
	uint32_t idx = pfn_to_idx(z, pfn);

	if (!range_allocated(z, idx, 1u << order) ||
	    page_class(z->page[idx]) == PC_ISOLATED)
		return -1;
	if (z->page[idx] & PG_LRU)
		lru_del(m, pfn, order);
	set_page_class(m, z, idx, 1u << order, (unsigned)cls);
	lru_add(m, pfn, order, cls);
	return 0;
}

void mmc_lru_touch(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (z && (z->page[pfn_to_idx(z, pfn)] & PG_LRU))
		lru_touch(m, pfn);
}

void mmc_lru_map_file(struct mmc *m, uint64_t pfn)
{
	lru_set_mapped(m, pfn, true);
}

void mmc_tick(struct mmc *m, uint64_t now_ns)
{
	if (now_ns < m->now_ns)
		return;
	m->now_ns = now_ns;
	/* vmstat work once a second: decay_pcp_high() (a long gap counts
	 * as a few seconds, enough to settle) */
	if (!m->vmstat_ns)
		m->vmstat_ns = now_ns;
	for (int i = 0; i < 32 && now_ns - m->vmstat_ns >= 1000000000ull; i++) {
		m->vmstat_ns += 1000000000ull;
		decay_all_pcp_high(m);
	}
	if (now_ns - m->vmstat_ns >= 1000000000ull)
		m->vmstat_ns = now_ns;
	direct_inflight_release(m, now_ns);
	writeback_tick(m, now_ns);
	kswapd_tick(m, now_ns);
	compaction_tick(m, now_ns);
}
