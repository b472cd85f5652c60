/* SPDX-License-Identifier: MIT */
/*
 * Small synthetic hosts for the reclaim, node reclaim and compaction
 * suites: N nodes of one Normal zone each, every page free after
 * creation, then filled page by page with mmc_alloc_at() so that a test
 * controls exactly how much is free and what the LRU holds.
 */
#ifndef RECLAIM_TESTLIB_H
#define RECLAIM_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "mmcore.h"
#include "../mmcore/internal.h"
#include "mmcore_check.h"

#define TL_BASE_PFN 0x100000ull

struct tl_spec {
	uint32_t nr_nodes;
	uint64_t pages;			/* per node */
	uint32_t cpus[2];		/* cpus per node (node 0, node 1) */
	uint32_t distance;		/* between different nodes */
	int zone_reclaim_mode;
	int swappiness;
	int proactiveness;
	int extfrag_threshold;
	int min_free_kbytes;		/* -1: the kernel's default */
	int defrag_mode;
};

static inline void tl_spec_default(struct tl_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->nr_nodes = 1;
	s->pages = 32768;		/* 128 MiB a node */
	s->cpus[0] = 1;
	s->cpus[1] = 1;
	s->distance = 20;
	s->swappiness = 60;
	s->proactiveness = 20;
	s->extfrag_threshold = 500;
	s->min_free_kbytes = -1;
}

static inline struct mmc *tl_create(const struct tl_spec *s)
{
	static struct mmc_topology t;	/* large: keep off the stack */
	struct mmc_policy p;
	char err[256];

	memset(&t, 0, sizeof(t));
	t.nr_nodes = s->nr_nodes;
	for (uint32_t n = 0; n < s->nr_nodes; n++) {
		struct mmc_node_spec *ns = &t.nodes[n];
		ns->nr_zones = 1;
		ns->zones[0].type = MMC_ZONE_NORMAL;
		ns->zones[0].start_pfn = TL_BASE_PFN + n * s->pages;
		ns->zones[0].spanned = s->pages;
		ns->zones[0].present = s->pages;
		ns->zones[0].managed = s->pages;
		ns->nr_cpus = s->cpus[n];
		for (uint32_t c = 0; c < s->cpus[n]; c++)
			t.cpu_node[t.nr_cpus++] = (int32_t)n;
		for (uint32_t o = 0; o < s->nr_nodes; o++)
			t.distance[n][o] = n == o ? 10 : s->distance;
	}
	mmc_policy_defaults(&p);
	p.zone_reclaim_mode = s->zone_reclaim_mode;
	p.swappiness = s->swappiness;
	p.compaction_proactiveness = s->proactiveness;
	p.extfrag_threshold = s->extfrag_threshold;
	p.min_free_kbytes = s->min_free_kbytes;
	p.defrag_mode = s->defrag_mode;
	struct mmc *m = mmc_create(&t, &p, err, sizeof(err));
	if (!m)
		fail_msg("mmc_create: %s", err);
	assert_int_equal(mmc_seed_all_free(m), 0);
	mmc_setup_zones(m);
	return m;
}

static inline struct mmc_zone *tl_zone(struct mmc *m, int nid)
{
	return zone_of(m, nid, MMC_ZONE_NORMAL);
}

static inline uint64_t tl_start(struct mmc *m, int nid)
{
	return tl_zone(m, nid)->start_pfn;
}

/* Allocate [pfn, pfn + nr) page by page; cls ANON/FILE puts them on the
 * LRU, KERNEL leaves them unmovable. */
static inline void tl_fill(struct mmc *m, uint64_t pfn, uint64_t nr, int cls)
{
	for (uint64_t i = 0; i < nr; i++) {
		assert_int_equal(mmc_alloc_at(m, pfn + i, 0,
					      MMC_GFP_HIGHUSER_MOVABLE, 0,
					      NULL), 0);
		if (cls == MMC_PC_ANON || cls == MMC_PC_FILE)
			assert_int_equal(mmc_lru_add(m, pfn + i, 0, cls), 0);
	}
}

/* Node 0's zone from pfn `from` on: pages of class cls, with pages 8..15
 * of every 16 free (order-3 blocks), drained to the buddy.  Compaction
 * cannot make a block above order 3 out of kernel pages, and
 * __reset_isolation_pfn(), which looks at every eighth page, sees both
 * allocated and free pages in every pageblock. */
static inline void tl_fill_holes(struct mmc *m, uint64_t from, int cls)
{
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t end = z->start_pfn + z->managed;

	tl_fill(m, from, end - from, cls);
	for (uint64_t p = from; p < end; p++)
		if ((p - z->start_pfn) & 8)
			assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
	mmc_drain_all(m);
}

/* mmcore's invariants (free lists, classes, counts) and the LRU's own:
 * every LRU folio's pages carry PG_LRU, and the per-list page counts
 * equal what the page states say. */
static inline void tl_check(struct mmc *m)
{
	const char *e = mmc_check(m);

	if (e)
		fail_msg("mmc_check: %s", e);
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		uint64_t cnt[2][2] = { { 0, 0 }, { 0, 0 } };
		for (int t = 0; t < MMC_NR_ZONE_TYPES; t++) {
			struct mmc_zone *z = &m->nodes[n].zones[t];
			if (!populated_zone(z))
				continue;
			for (uint32_t i = 0; i < z->nr_idx;) {
				pgstate_t s = z->page[i];
				if (!(s & PG_LRU)) {
					i++;
					continue;
				}
				uint32_t h = lru_folio_head(z, i);
				unsigned o = lru_folio_order(z, h);
				if (h != i)
					fail_msg("pfn %llu: LRU tail without head",
						 (unsigned long long)idx_to_pfn(z, i));
				for (uint32_t k = 0; k < (1u << o); k++)
					if (!(z->page[i + k] & PG_LRU))
						fail_msg("folio %llu: tail %u off LRU",
							 (unsigned long long)idx_to_pfn(z, i), k);
				unsigned cls = page_class(s);
				if (cls != MMC_PC_ANON && cls != MMC_PC_FILE)
					fail_msg("pfn %llu: LRU page of class %u",
						 (unsigned long long)idx_to_pfn(z, i), cls);
				cnt[cls == MMC_PC_FILE][!!(s & PG_ACTIVE)] += 1u << o;
				i += 1u << o;
			}
		}
		for (int f = 0; f < 2; f++)
			for (int a = 0; a < 2; a++)
				assert_int_equal(lru_pages(m, (int)n, f, a), cnt[f][a]);
	}
}

/* Reclaim hook recorder. */
struct tl_hook {
	uint64_t calls, pages;
	uint64_t lo, hi;		/* pfn range seen */
};

static inline void tl_reclaim_hook(void *ctx, uint64_t pfn, unsigned order)
{
	struct tl_hook *h = ctx;

	if (!h->calls || pfn < h->lo)
		h->lo = pfn;
	if (!h->calls || pfn + (1ull << order) > h->hi)
		h->hi = pfn + (1ull << order);
	h->calls++;
	h->pages += 1ull << order;
}

#endif
