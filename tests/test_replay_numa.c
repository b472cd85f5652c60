/* SPDX-License-Identifier: MIT */
/*
 * Topology what-if: a one-node capture replayed as two nodes
 * (--topology 2: two equal nodes at distance 20, cpu 0 on node 0, cpu 1 on
 * node 1).  cpu 0 reads files: page cache pages, more than its node holds.
 * Under zone_reclaim_mode 0 the allocator spills to node 1 (remote
 * allocations); under 1, get_page_from_freelist() calls node_reclaim()
 * on the local node first, which drops clean page cache, so allocations
 * stay local: fewer remote allocations, more node reclaims.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "replay_util.h"

static void write_reader_trace(const char *path)
{
	struct rk k;
	uint64_t p;

	assert_int_equal(rk_init(&k, 65536, 2), 0);
	p = k.h.zones[0].start_pfn;
	for (unsigned i = 0; i < 48000; i++) {
		struct mmt_event *e;

		p = rk_find(&k, 0, p);
		assert_true(p != UINT64_MAX);
		rk_alloc_at(&k, p, 0, "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE",
			    0);
		e = rk_push(&k, MMT_EV_FILEMAP_ADD, 0);
		e->pfn = p;
	}
	assert_int_equal(rk_write(&k, path, 0), 0);
	rk_free_all(&k);
}

static void test_zone_reclaim_mode(void **state)
{
	const char *t = ru_path("numa.mmt");
	const char *zrm0[] = { "vm.zone_reclaim_mode=0" };
	const char *zrm1[] = { "vm.zone_reclaim_mode=1" };
	struct mmt_replay_result r0, r1;
	char err[512];

	(void)state;
	write_reader_trace(t);
	assert_int_equal(ru_replay(t, ru_path("z0"), MMT_REPLAY_POLICY, "2",
				   zrm0, 1, &r0, err, sizeof(err)), 0);
	assert_int_equal(ru_replay(t, ru_path("z1"), MMT_REPLAY_POLICY, "2",
				   zrm1, 1, &r1, err, sizeof(err)), 0);
	fprintf(stderr, "zone_reclaim_mode 0: remote %llu node_reclaims %llu "
		"p99 %llu ns; 1: remote %llu node_reclaims %llu p99 %llu ns\n",
		(unsigned long long)r0.remote_allocs,
		(unsigned long long)r0.model_node_reclaims,
		(unsigned long long)r0.latency_p99,
		(unsigned long long)r1.remote_allocs,
		(unsigned long long)r1.model_node_reclaims,
		(unsigned long long)r1.latency_p99);
	/* mode 0 must spill: node 0 holds about half of the 48000 pages */
	assert_true(r0.remote_allocs > 10000);
	assert_int_equal(r0.model_node_reclaims, 0);
	assert_true(r1.remote_allocs < r0.remote_allocs);
	assert_true(r1.model_node_reclaims > r0.model_node_reclaims);
	assert_int_equal(r0.oom + r1.oom, 0);
}

/* A topology that does not fit: fewer cpus than the trace has, and a
 * split of a trace that has no memory to split that far. */
static void test_topology_misfit(void **state)
{
	const char *t = ru_path("numa2.mmt");
	char err[512];

	(void)state;
	write_reader_trace(t);
	assert_int_equal(ru_replay(t, NULL, MMT_REPLAY_POLICY, "1x1G,1", NULL,
				   0, NULL, err, sizeof(err)), 2);
	fprintf(stderr, "%s\n", err);
	assert_non_null(strstr(err, "cpus"));
	assert_int_equal(ru_replay(t, NULL, MMT_REPLAY_MIRROR, "2x64M,2", NULL,
				   0, NULL, err, sizeof(err)), 2);
	fprintf(stderr, "%s\n", err);
	assert_non_null(strstr(err, "--topology"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_reclaim_mode),
		cmocka_unit_test(test_topology_misfit),
	};

	return cmocka_run_group_tests(tests, ru_setup, ru_teardown);
}
