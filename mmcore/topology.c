/* SPDX-License-Identifier: MIT */
/*
 * Topology: synthetic hosts from a spec ("2 nodes x 8 GiB, 4 cpus" or
 * "2x8G,4"), splitting a one-node host into N nodes, and zonelists in
 * build_zonelists() order (mm/page_alloc.c).
 *
 * Synthetic layout follows x86-64: node 0 holds DMA [1, 4096) and DMA32 up
 * to 4 GiB with the PCI hole 3-4 GiB, Normal starts at 4 GiB; further
 * nodes hold Normal only, one after the other.  managed = present - present
 * / 64 (the 64-byte struct page per 4 KiB page, which is what dominates the
 * difference on real hosts).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define DMA_END_PFN 4096ull
#define DMA32_END_PFN (1ull << 20)		/* 4 GiB */
#define PCI_HOLE_PFN (3ull << 18)		/* 3 GiB */
#define REMOTE_DISTANCE 20

static void set_zone(struct mmc_node_spec *n, enum mmc_zone_type type,
		     uint64_t start, uint64_t spanned, uint64_t present)
{
	struct mmc_zone_spec *z = &n->zones[n->nr_zones++];

	z->type = type;
	z->start_pfn = start;
	z->spanned = spanned;
	z->present = present;
	z->managed = present - present / 64;
}

/* Lay out nodes of `pages` each; returns the next free pfn. */
static void layout_nodes(struct mmc_topology *t, uint32_t nr_nodes,
			 uint64_t pages)
{
	uint64_t pfn = 0;

	for (uint32_t nid = 0; nid < nr_nodes; nid++) {
		struct mmc_node_spec *n = &t->nodes[nid];
		uint64_t left = pages;

		memset(n, 0, sizeof(*n));
		if (nid == 0) {
			uint64_t dma = left > DMA_END_PFN - 1 ? DMA_END_PFN - 1 : left;

			set_zone(n, MMC_ZONE_DMA, 1, DMA_END_PFN - 1, dma);
			left -= dma;
			if (left) {
				uint64_t room = PCI_HOLE_PFN - DMA_END_PFN;
				uint64_t d32 = left > room ? room : left;
				uint64_t span = left > room ?
					DMA32_END_PFN - DMA_END_PFN : d32;

				set_zone(n, MMC_ZONE_DMA32, DMA_END_PFN, span, d32);
				left -= d32;
			}
			pfn = DMA32_END_PFN;
		}
		if (left) {
			set_zone(n, MMC_ZONE_NORMAL, pfn, left, left);
			pfn += left;
		}
		/* next node starts on a MAX_ORDER boundary */
		pfn = (pfn + MAX_ORDER_NR_PAGES - 1) & ~(uint64_t)(MAX_ORDER_NR_PAGES - 1);
	}
}

static void set_cpus(struct mmc_topology *t, uint32_t nr_cpus)
{
	t->nr_cpus = nr_cpus;
	for (uint32_t n = 0; n < t->nr_nodes; n++)
		t->nodes[n].nr_cpus = 0;
	for (uint32_t c = 0; c < nr_cpus; c++) {
		uint32_t nid = (uint32_t)((uint64_t)c * t->nr_nodes / nr_cpus);

		t->cpu_node[c] = (int32_t)nid;
		t->nodes[nid].nr_cpus++;
	}
}

static void set_distances(struct mmc_topology *t, uint32_t dist)
{
	for (uint32_t a = 0; a < t->nr_nodes; a++)
		for (uint32_t b = 0; b < t->nr_nodes; b++)
			t->distance[a][b] = a == b ? 10 : dist;
}

static const char *skip_ws(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* "8G", "8 GiB", "512M", "1T", "4096K": bytes, 0 on error */
static uint64_t parse_size(const char **ps)
{
	const char *s = skip_ws(*ps);
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return 0;
	s = skip_ws(end);
	uint64_t mul = 1;

	switch (toupper((unsigned char)*s)) {
	case 'K': mul = 1ull << 10; break;
	case 'M': mul = 1ull << 20; break;
	case 'G': mul = 1ull << 30; break;
	case 'T': mul = 1ull << 40; break;
	default: return 0;
	}
	s++;
	if (*s == 'i' || *s == 'I')
		s++;
	if (*s == 'B' || *s == 'b')
		s++;
	*ps = s;
	return (uint64_t)(v * (double)mul);
}

static int parse_uint(const char **ps, uint32_t *out)
{
	const char *s = skip_ws(*ps);
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || v == 0 || v > 1u << 20)
		return -1;
	*out = (uint32_t)v;
	*ps = end;
	return 0;
}

static bool match_word(const char **ps, const char *w)
{
	const char *s = skip_ws(*ps);
	size_t n = strlen(w);

	if (strncasecmp(s, w, n))
		return false;
	*ps = s + n;
	return true;
}

int mmc_topology_parse(const char *spec, struct mmc_topology *t, char *err,
		       size_t errlen)
{
	const char *s = spec;
	uint32_t nodes = 1, cpus = 0;
	uint64_t bytes;

	memset(t, 0, sizeof(*t));
	/* optional "<n> nodes x" / "<n>x" */
	const char *save = s;
	uint32_t n;
	if (!parse_uint(&s, &n)) {
		bool have_nodes = match_word(&s, "nodes") || match_word(&s, "node");

		if (match_word(&s, "x") || match_word(&s, "*")) {
			nodes = n;
		} else if (have_nodes) {
			snprintf(err, errlen, "topology '%s': expected 'x SIZE' after the node count", spec);
			return -1;
		} else {
			s = save;
		}
	}
	bytes = parse_size(&s);
	if (!bytes) {
		snprintf(err, errlen, "topology '%s': bad memory size near '%s' (e.g. 8G, 8 GiB)", spec, skip_ws(s));
		return -1;
	}
	s = skip_ws(s);
	if (*s == ',') {
		s++;
		if (parse_uint(&s, &cpus)) {
			snprintf(err, errlen, "topology '%s': bad cpu count near '%s'", spec, skip_ws(s));
			return -1;
		}
		(void)(match_word(&s, "cpus") || match_word(&s, "cpu"));
	}
	s = skip_ws(s);
	if (*s) {
		snprintf(err, errlen, "topology '%s': unexpected '%s'", spec, s);
		return -1;
	}
	if (nodes > MMC_MAX_NODES) {
		snprintf(err, errlen, "topology '%s': at most %d nodes", spec, MMC_MAX_NODES);
		return -1;
	}
	if (!cpus)
		cpus = nodes;
	if (cpus > MMC_MAX_CPUS) {
		snprintf(err, errlen, "topology '%s': at most %d cpus", spec, MMC_MAX_CPUS);
		return -1;
	}
	uint64_t pages = bytes >> PAGE_SHIFT;
	if (pages < 2 * MAX_ORDER_NR_PAGES || pages > (1ull << 32) - MAX_ORDER_NR_PAGES) {
		snprintf(err, errlen, "topology '%s': node size must be 8 MiB .. 16 TiB", spec);
		return -1;
	}
	t->nr_nodes = nodes;
	layout_nodes(t, nodes, pages);
	set_cpus(t, cpus);
	set_distances(t, REMOTE_DISTANCE);
	return 0;
}

/* The next node of a split gets an equal share of what is left (node 0
 * may hold more than its share: the low zones are not cut). */
static void next_node(uint32_t *nid, uint64_t *goal, uint64_t done,
		      uint64_t total, uint32_t n)
{
	(*nid)++;
	*goal = done + (total - done) / (n - *nid);
}

/* Split node 0 into n nodes with equal shares of its managed memory (the
 * memory that is online and in the buddy allocator, not the pfn span: a
 * hot-pluggable zone can span far more than it holds, as this project's
 * development VM's Normal zone does, 5.5 M pages spanned, under a million
 * online at the low end).  Zones are walked in pfn order and cut where the
 * running managed count reaches k * total / n; inside a zone the managed
 * pages are taken as spread evenly over its present pages (which mmcore
 * lays out from the zone start), so a cut lands at the present page that
 * holds the share, rounded down to MAX_ORDER_NR_PAGES so buddies stay in
 * one node (when the low zones hold more than node 0's share, the other
 * nodes share the rest evenly).  A zone's trailing hole (spanned - present) goes with its last
 * piece.  DMA and DMA32 stay whole on node 0, as on x86-64 NUMA hosts
 * where node 0 holds the low 4 GiB.  Cpus are dealt out evenly. */
int mmc_topology_split(const struct mmc_topology *in, uint32_t n,
		       uint32_t dist, struct mmc_topology *out, char *err,
		       size_t errlen)
{
	if (in->nr_nodes != 1) {
		snprintf(err, errlen, "split: the topology has %u nodes, need 1", in->nr_nodes);
		return -1;
	}
	if (n < 1 || n > MMC_MAX_NODES || dist < 10 || dist > 255) {
		snprintf(err, errlen, "split: need 1..%d nodes and distance 10..255", MMC_MAX_NODES);
		return -1;
	}
	const struct mmc_node_spec *src = &in->nodes[0];
	uint64_t total = 0, done = 0;	/* managed pages, all / given out */
	uint64_t goal;			/* node nid ends when done reaches it */
	uint32_t nid = 0;

	for (uint32_t i = 0; i < src->nr_zones; i++)
		total += src->zones[i].managed;
	goal = total / n;
	memset(out, 0, sizeof(*out));
	out->nr_nodes = n;
	for (uint32_t i = 0; i < src->nr_zones; i++) {
		struct mmc_zone_spec z = src->zones[i];
		uint64_t start = z.start_pfn, left = z.present, mleft = z.managed;
		uint64_t hole = z.spanned - z.present;

		while (left) {
			uint64_t take = left;

			if (z.type >= MMC_ZONE_NORMAL && nid < n - 1) {
				if (done >= goal) {
					next_node(&nid, &goal, done, total, n);
					continue;
				}
				if (goal - done < mleft) {
					take = (uint64_t)((double)(goal - done) *
							  (double)left / (double)mleft);
					take &= ~(uint64_t)(MAX_ORDER_NR_PAGES - 1);
					if (!take) {
						next_node(&nid, &goal, done, total, n);
						continue;
					}
				}
			}
			uint64_t mtake = take == left ? mleft :
				(uint64_t)((double)mleft * (double)take / (double)left);
			struct mmc_node_spec *d = &out->nodes[nid];
			struct mmc_zone_spec *dz = &d->zones[d->nr_zones++];
			uint64_t span = take + (take == left ? hole : 0);

			dz->type = z.type;
			dz->start_pfn = start;
			dz->spanned = span;
			dz->present = take;
			dz->managed = mtake;
			start += span;
			mleft -= mtake;
			done += mtake;
			/* a cut ends the node (a zone type once per node) */
			if (take < left)
				next_node(&nid, &goal, done, total, n);
			left -= take;
		}
	}
	set_cpus(out, in->nr_cpus);
	set_distances(out, dist);
	return 0;
}

/* find_next_best_node() order: distance, then nodes after the local one
 * before those below it, then nodes without cpus first (the kernel's
 * PENALTY_FOR_NODE_WITH_CPUS), then id.  The kernel's node_load[]
 * round-robin among equals is left out. */
static int node_key(const struct mmc *m, int local, int nid)
{
	int val = (int)m->topo->distance[local][nid];

	if (nid == local)
		return 0;
	val = val * 4 + (nid < local) * 2 + (m->nodes[nid].nr_cpus ? 1 : 0);
	return val * MMC_MAX_NODES + nid;
}

int build_zonelists(struct mmc *m)
{
	for (uint32_t local = 0; local < m->nr_nodes; local++) {
		struct mmc_node *n = &m->nodes[local];
		int order[MMC_MAX_NODES];

		for (uint32_t i = 0; i < m->nr_nodes; i++)
			order[i] = (int)i;
		/* insertion sort by key: a few nodes */
		for (uint32_t i = 1; i < m->nr_nodes; i++) {
			int v = order[i];
			uint32_t j = i;

			while (j > 0 && node_key(m, (int)local, order[j - 1]) >
					node_key(m, (int)local, v)) {
				order[j] = order[j - 1];
				j--;
			}
			order[j] = v;
		}
		free(n->zonelist);
		n->zonelist = calloc((size_t)m->nr_nodes * MMC_NR_ZONE_TYPES,
				     sizeof(*n->zonelist));
		if (!n->zonelist)
			return -1;
		n->nr_zonelist = 0;
		/* build_zonerefs_node(): highest zone first, managed only */
		for (uint32_t i = 0; i < m->nr_nodes; i++)
			for (int t = MMC_NR_ZONE_TYPES - 1; t >= 0; t--) {
				struct mmc_zone *z = &m->nodes[order[i]].zones[t];

				if (z->managed)
					n->zonelist[n->nr_zonelist++] = z;
			}
	}
	return 0;
}
