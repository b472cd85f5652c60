/* SPDX-License-Identifier: MIT */
/*
 * Property test: a million random allocations and frees of mixed orders,
 * migratetypes and zones (fixed seed), plus mirror-mode allocations, pcp
 * drains and double frees.  Every step checks the touched range and the
 * O(1) counters; the full invariant walk (tests/mmcore_check.h) runs every
 * 64 steps, and at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "mmcore_check.h"

#define STEPS 1000000
#define FULL_EVERY 64
#define MAX_LIVE 4096

struct live { uint64_t pfn; unsigned order; };

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed sequence for a fixed seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static unsigned pick_order(void)
{
	uint64_t r = rnd() % 100;

	if (r < 60) return 0;
	if (r < 75) return 1 + (unsigned)(rnd() % 3);	/* pcp orders */
	if (r < 95) return 4 + (unsigned)(rnd() % 5);	/* buddy only */
	return 9 + (unsigned)(rnd() % 2);		/* THP pcp, max */
}

static uint64_t pick_gfp(void)
{
	static const uint64_t mt[] = { 0, MMC___GFP_MOVABLE, MMC___GFP_RECLAIMABLE };
	static const uint64_t zone[] = { 0, 0, 0, MMC___GFP_DMA32, MMC___GFP_DMA,
					 MMC___GFP_HIGHMEM | MMC___GFP_MOVABLE };
	static const uint64_t base[] = { MMC_GFP_KERNEL, MMC_GFP_ATOMIC,
					 MMC_GFP_NOWAIT, MMC_GFP_KERNEL | MMC___GFP_NORETRY };

	return base[rnd() % 4] | mt[rnd() % 3] | zone[rnd() % 6];
}

static uint64_t node_free(const struct mmc *m)
{
	uint64_t f = 0;

	for (uint32_t n = 0; n < m->nr_nodes; n++)
		f += m->nodes[n].nr_class[MMC_PC_FREE];
	return f;
}

static uint64_t node_allocated(const struct mmc *m)
{
	uint64_t a = 0;

	for (uint32_t n = 0; n < m->nr_nodes; n++)
		for (int c = MMC_PC_SLAB; c < NR_PAGE_CLASSES; c++)
			a += m->nodes[n].nr_class[c];
	return a;
}

static void check_range(struct mmc *m, uint64_t pfn, unsigned order, bool allocated)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	assert_non_null(z);
	uint32_t idx = pfn_to_idx(z, pfn);
	for (uint32_t i = 0; i < (1u << order); i++)
		assert_int_equal(page_allocated(z->page[idx + i]), allocated);
}

/* Every few steps: the mixed-pageblock answers kept since the last zone
 * stats still match the pages (a page write that skipped
 * pageblock_touch() shows here), then zone stats as time-series sampling
 * asks for them, which settles the answers again. */
static void sample_stats(const struct mmc *m, uint32_t step)
{
	struct mmc_zone_stats s;

	if (step % 8)
		return;
	for (uint32_t i = 0; i < mmc_nr_zones(m); i++) {
		const char *e = mmc_check_pb_mix(m->zones[i]);

		if (e)
			fail_msg("step %u: %s", step, e);
		assert_int_equal(mmc_zone_stats(m, i, &s), 0);
	}
}

static void run(uint64_t seed, const char *topo_spec)
{
	struct mmc_topology *t = malloc(sizeof(*t));
	struct mmc_policy p;
	char err[256];
	struct live *live = calloc(MAX_LIVE, sizeof(*live));
	uint32_t nlive = 0;
	uint64_t managed = 0;

	assert_non_null(t);
	assert_non_null(live);
	assert_int_equal(mmc_topology_parse(topo_spec, t, err, sizeof(err)), 0);
	mmc_policy_defaults(&p);
	struct mmc *m = mmc_create(t, &p, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(mmc_seed_all_free(m), 0);
	for (uint32_t i = 0; i < m->nr_zones; i++)
		managed += m->zones[i]->managed;
	assert_null(mmc_check(m));
	rng_state = seed;
	for (uint32_t step = 0; step < STEPS; step++) {
		uint64_t r = rnd() % 100;
		struct mmc_result res;
		int cpu = (int)(rnd() % m->nr_cpus);

		if (r < 50 && nlive < MAX_LIVE) {
			unsigned order = pick_order();

			if (mmc_alloc(m, order, pick_gfp(), cpu, &res) == 0) {
				assert_int_equal(res.pfn & ((1u << order) - 1), 0);
				check_range(m, res.pfn, order, true);
				live[nlive].pfn = res.pfn;
				live[nlive++].order = order;
			} else {
				assert_true(res.pfn == UINT64_MAX);
			}
		} else if (r < 95 && nlive) {
			uint32_t i = (uint32_t)(rnd() % nlive);

			assert_int_equal(mmc_free(m, live[i].pfn, live[i].order, cpu, &res), 0);
			check_range(m, live[i].pfn, live[i].order, false);
			/* a double free is refused and changes nothing */
			uint64_t f = node_free(m);
			assert_int_equal(mmc_free(m, live[i].pfn, live[i].order, cpu, &res), -1);
			assert_int_equal(node_free(m), f);
			live[i] = live[--nlive];
		} else if (r < 98 && nlive < MAX_LIVE) {
			/* mirror mode: take a random free pfn */
			struct mmc_zone *z = m->zones[rnd() % m->nr_zones];
			uint32_t idx = pfn_to_idx(z, z->start_pfn) +
				       (uint32_t)(rnd() % z->present);
			unsigned order = (unsigned)(rnd() % 4);

			idx &= ~((1u << order) - 1);
			uint64_t pfn = idx_to_pfn(z, idx);
			bool all_free = pfn >= z->start_pfn;
			for (uint32_t k = 0; all_free && k < (1u << order); k++)
				all_free = idx + k < z->nr_idx &&
					   page_class(z->page[idx + k]) == MMC_PC_FREE;
			int rc = mmc_alloc_at(m, pfn, order, MMC___GFP_MOVABLE, cpu, &res);
			assert_int_equal(rc, all_free ? 0 : -1);
			if (!rc) {
				check_range(m, pfn, order, true);
				live[nlive].pfn = pfn;
				live[nlive++].order = order;
			}
		} else if (r < 99) {
			mmc_drain_all(m);
		}
		assert_int_equal(node_free(m) + node_allocated(m), managed);
		sample_stats(m, step);
		if (step % FULL_EVERY == 0) {
			const char *e = mmc_check(m);
			if (e)
				fail_msg("step %u: %s", step, e);
		}
	}
	while (nlive) {
		nlive--;
		assert_int_equal(mmc_free(m, live[nlive].pfn, live[nlive].order, 0, NULL), 0);
	}
	mmc_drain_all(m);
	assert_null(mmc_check(m));
	/* everything merged back: only the seeding's blocks remain */
	struct mmc_vmstat vs;
	mmc_vmstat(m, &vs);
	assert_true(vs.pgalloc > 0 && vs.pgfree == vs.pgalloc);
	/* the run went through every path it is meant to cover */
	print_message("pgalloc %llu fail %llu oom %llu pcp hits %llu refills %llu drains %llu extfrag %llu steals %llu boosts %llu remote %llu\n",
		      (unsigned long long)vs.pgalloc, (unsigned long long)vs.alloc_fail,
		      (unsigned long long)vs.oom, (unsigned long long)vs.pcp_hits,
		      (unsigned long long)vs.pcp_refills, (unsigned long long)vs.pcp_drains,
		      (unsigned long long)vs.extfrag_events, (unsigned long long)vs.pageblock_steals,
		      (unsigned long long)vs.boosts, (unsigned long long)vs.pgalloc_remote);
	assert_true(vs.alloc_fail > 0);
	assert_true(vs.pcp_hits > 0 && vs.pcp_refills > 0 && vs.pcp_drains > 0);
	assert_true(vs.extfrag_events > 0 && vs.pageblock_steals > 0);
	mmc_destroy(m);
	free(live);
	free(t);
}

/* ---- with reclaim and compaction running ------------------------------
 * Movable allocations go on the LRU; kswapd, direct reclaim and
 * compaction (reclaim.c, compaction.c) free and move them behind the
 * workload's back.  The hooks keep the workload's view right; the
 * allocator's invariants must hold throughout. */

struct owner {
	uint64_t base;
	int32_t *who;		/* per pfn: live index + 1, 0 none */
	struct live *live;
	uint8_t *dead;		/* live entry partly reclaimed/moved: keep */
	uint32_t *nlive;
	uint64_t reclaimed, migrated, odd, splits;
};

static void own(struct owner *o, uint64_t pfn, unsigned order, int32_t v)
{
	for (uint64_t i = 0; i < (1ull << order); i++)
		o->who[pfn - o->base + i] = v;
}

/* Point the pages of [pfn, +2^order) owned by `from` at `to`: a dead
 * entry's pages may belong to a newer allocation by now, which keeps
 * them. */
static void reown(struct owner *o, uint64_t pfn, unsigned order, int32_t from,
		  int32_t to)
{
	for (uint64_t i = 0; i < (1ull << order); i++)
		if (o->who[pfn - o->base + i] == from)
			o->who[pfn - o->base + i] = to;
}

static void drop_entry(struct owner *o, uint32_t i)
{
	uint32_t last = --*o->nlive;

	reown(o, o->live[i].pfn, o->live[i].order, (int32_t)i + 1, 0);
	if (i != last) {
		o->live[i] = o->live[last];
		o->dead[i] = o->dead[last];
		reown(o, o->live[i].pfn, o->live[i].order, (int32_t)last + 1,
		      (int32_t)i + 1);
	}
}

static void on_reclaim(void *ctx, uint64_t pfn, unsigned order)
{
	struct owner *o = ctx;
	int32_t w = o->who[pfn - o->base];

	o->reclaimed += 1ull << order;
	if (!w)
		return;
	if (o->live[w - 1].pfn == pfn && o->live[w - 1].order == order) {
		drop_entry(o, (uint32_t)w - 1);
	} else {
		o->dead[w - 1] = 1;
		o->odd++;
	}
}

static void on_migrate(void *ctx, uint64_t from, uint64_t to, unsigned order)
{
	struct owner *o = ctx;
	int32_t w = o->who[from - o->base];

	o->migrated += 1ull << order;
	if (!w)
		return;
	struct live *l = &o->live[w - 1];

	if (l->pfn == from && l->order == order) {
		own(o, from, order, 0);
		l->pfn = to;
		own(o, to, order, w);
	} else {
		o->dead[w - 1] = 1;
		o->odd++;
	}
}

/* Compaction split a folio to migrate its pages one by one: the
 * workload's allocation becomes order-0 pieces, each freed alone. */
static void on_split(void *ctx, uint64_t pfn, unsigned order)
{
	struct owner *o = ctx;
	int32_t w = o->who[pfn - o->base];

	o->splits++;
	if (!w)
		return;
	struct live *l = &o->live[w - 1];

	if (l->pfn != pfn || l->order != order ||
	    *o->nlive + (1u << order) > MAX_LIVE) {
		o->dead[w - 1] = 1;
		o->odd++;
		return;
	}
	l->order = 0;
	for (uint64_t i = 1; i < (1ull << order); i++) {
		uint32_t n = (*o->nlive)++;

		o->live[n].pfn = pfn + i;
		o->live[n].order = 0;
		o->dead[n] = o->dead[w - 1];
		own(o, pfn + i, 0, (int32_t)n + 1);
	}
}

static void test_random_with_reclaim(void **state)
{
	struct mmc_topology *t = malloc(sizeof(*t));
	struct mmc_policy p;
	char err[256];
	struct live *live = calloc(MAX_LIVE, sizeof(*live));
	uint8_t *dead = calloc(MAX_LIVE, 1);
	uint32_t nlive = 0;
	struct owner o = { 0 };

	(void)state;
	assert_non_null(t);
	assert_non_null(live);
	assert_non_null(dead);
	assert_int_equal(mmc_topology_parse("2x16M,2", t, err, sizeof(err)), 0);
	mmc_policy_defaults(&p);
	p.compaction_proactiveness = 100;
	struct mmc *m = mmc_create(t, &p, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(mmc_seed_all_free(m), 0);
	uint64_t end = 0;
	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (m->zones[i]->start_pfn + m->zones[i]->spanned > end)
			end = m->zones[i]->start_pfn + m->zones[i]->spanned;
	o.base = 0;
	o.who = calloc(end, sizeof(*o.who));
	assert_non_null(o.who);
	o.live = live;
	o.dead = dead;
	o.nlive = &nlive;
	mmc_set_reclaim_hook(m, on_reclaim, &o);
	mmc_set_migrate_hook(m, on_migrate, &o);
	mmc_set_split_hook(m, on_split, &o);
	rng_state = 777;
	uint64_t now = 0;
	for (uint32_t step = 0; step < 200000; step++) {
		struct mmc_result res;
		int cpu = (int)(rnd() % m->nr_cpus);
		uint64_t r = rnd() % 100;

		if (r < 55 && nlive < MAX_LIVE) {
			unsigned order = rnd() % 4 ? 0 : pick_order();
			bool movable = rnd() % 4 != 0;
			uint64_t gfp = movable ? MMC_GFP_HIGHUSER_MOVABLE : pick_gfp();

			if (mmc_alloc(m, order, gfp, cpu, &res) == 0) {
				live[nlive].pfn = res.pfn;
				live[nlive].order = order;
				dead[nlive] = 0;
				own(&o, res.pfn, order, (int32_t)nlive + 1);
				nlive++;
				if (movable)
					assert_int_equal(mmc_lru_add(m, res.pfn, order,
						rnd() & 1 ? MMC_PC_ANON : MMC_PC_FILE), 0);
			}
		} else if (r < 97 && nlive) {
			uint32_t i = (uint32_t)(rnd() % nlive);

			if (!dead[i]) {
				assert_int_equal(mmc_free(m, live[i].pfn, live[i].order, cpu, &res), 0);
				drop_entry(&o, i);
			}
		} else if (r < 99 && nlive) {
			mmc_lru_touch(m, live[rnd() % nlive].pfn);
		} else {
			now += 50 * 1000000ull;	/* 50 ms of trace time */
			mmc_tick(m, now);
		}
		sample_stats(m, step);
		if (step % FULL_EVERY == 0) {
			const char *e = mmc_check(m);
			if (e)
				fail_msg("step %u: %s", step, e);
		}
	}
	struct mmc_vmstat vs;
	mmc_vmstat(m, &vs);
	print_message("reclaimed %llu (kswapd %llu direct %llu) migrated %llu odd %llu kswapd wakes %llu compact stalls %llu proactive %llu\n",
		      (unsigned long long)o.reclaimed, (unsigned long long)vs.kswapd_reclaimed,
		      (unsigned long long)vs.direct_reclaimed, (unsigned long long)o.migrated,
		      (unsigned long long)o.odd, (unsigned long long)vs.kswapd_wakes,
		      (unsigned long long)vs.compact_stalls,
		      (unsigned long long)vs.proactive_compactions);
	assert_true(vs.kswapd_wakes > 0);
	assert_true(o.reclaimed > 0);
	assert_null(mmc_check(m));
	mmc_destroy(m);
	free(o.who);
	free(dead);
	free(live);
	free(t);
}

static void test_random_one_node(void **state)
{
	(void)state;
	run(0x9e3779b97f4a7c15ull, "1 node x 48 MiB, 2 cpus");
}

static void test_random_two_nodes(void **state)
{
	(void)state;
	run(12345, "2x16M,3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_one_node),
		cmocka_unit_test(test_random_two_nodes),
		cmocka_unit_test(test_random_with_reclaim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
