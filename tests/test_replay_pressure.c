/* SPDX-License-Identifier: MIT */
/*
 * Policy replay under memory pressure: a reader streams page cache through
 * a small host; the recorded kernel reclaims (frees the oldest file pages,
 * kswapd wakes) only when free memory gets low.  Replayed with a much
 * larger vm.min_free_kbytes, the model must reclaim on its own first; the
 * pages it reclaimed are later freed by the trace (absorbed, never
 * double-freed), and a touch of a reclaimed page that the process still
 * maps is a refault.  Two replays give the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "replay_util.h"

#define PAGES 32768

static void write_pressure_trace(const char *path)
{
	struct rk k;
	static uint64_t fifo[PAGES];
	unsigned head = 0, tail = 0, nfree = PAGES;
	uint64_t anon[64];
	struct mmt_event *e;

	assert_int_equal(rk_init(&k, PAGES, 2), 0);
	/* a process maps 64 anon pages (fault + alloc), touched later */
	for (unsigned i = 0; i < 64; i++) {
		e = rk_push(&k, MMT_EV_FAULT_USER, 1);
		e->pid = 77;
		e->addr = 0x700000000000ull + 4096ull * i;
		e->arg = 0x6;		/* user write, not present */
		anon[i] = rk_find(&k, 0, k.h.zones[0].start_pfn);
		rk_alloc_at(&k, anon[i], 0, "GFP_HIGHUSER_MOVABLE",
			    "MIGRATE_MOVABLE", 1);
		k.ev[k.nr_ev - 1].pid = 77;
		nfree--;
	}
	for (unsigned i = 0; i < 3 * PAGES; i++) {
		uint64_t p;

		if (nfree < PAGES / 16) {	/* the kernel's kswapd */
			e = rk_push(&k, MMT_EV_KSWAPD_WAKE, 0);
			for (unsigned j = 0; j < PAGES / 8; j++) {
				p = fifo[tail++ % PAGES];
				e = rk_push(&k, MMT_EV_FILEMAP_DEL, 0);
				e->pfn = p;
				rk_free(&k, p, 0, 0);
				nfree++;
			}
		}
		p = rk_find(&k, 0, k.h.zones[0].start_pfn);
		assert_true(p != UINT64_MAX);
		rk_alloc_at(&k, p, 0, "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE",
			    0);
		e = rk_push(&k, MMT_EV_FILEMAP_ADD, 0);
		e->pfn = p;
		fifo[head++ % PAGES] = p;
		nfree--;
	}
	/* the process touches its pages again (write-protect faults on
	 * present pages, error code bit 0) */
	for (unsigned i = 0; i < 64; i++) {
		e = rk_push(&k, MMT_EV_FAULT_USER, 1);
		e->pid = 77;
		e->addr = 0x700000000000ull + 4096ull * i;
		e->arg = 0x7;
	}
	assert_int_equal(rk_write(&k, path, 0), 0);
	rk_free_all(&k);
}

static char *summary_of(const char *dir)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	return ru_slurp(path, NULL);
}

static uint64_t key(const char *json, const char *name)
{
	char pat[80];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", name);
	p = strstr(json, pat);
	assert_non_null(p);
	return strtoull(p + strlen(pat), NULL, 10);
}

static void test_pressure(void **state)
{
	const char *t = ru_path("press.mmt");
	const char *sets[] = { "vm.min_free_kbytes=16384" };
	struct mmt_replay_result res;
	char err[512], *a, *b;

	(void)state;
	write_pressure_trace(t);
	assert_int_equal(ru_replay(t, ru_path("p1"), MMT_REPLAY_POLICY, NULL,
				   sets, 1, &res, err, sizeof(err)), 0);
	a = summary_of(ru_path("p1"));
	assert_non_null(a);
	fprintf(stderr, "kernel kswapd wakes %llu; model kswapd wakes %llu, "
		"direct reclaims %llu, reclaimed %llu, absorbed %llu, "
		"unmatched %llu, refaults %llu, oom %llu\n",
		(unsigned long long)res.kernel_kswapd_wakes,
		(unsigned long long)res.model_kswapd_wakes,
		(unsigned long long)res.model_direct_reclaims,
		(unsigned long long)key(a, "reclaimed_pages"),
		(unsigned long long)key(a, "absorbed_frees"),
		(unsigned long long)key(a, "unmatched_frees"),
		(unsigned long long)key(a, "refaults"),
		(unsigned long long)res.oom);
	assert_true(res.kernel_kswapd_wakes > 0);
	assert_true(res.model_kswapd_wakes + res.model_direct_reclaims > 0);
	assert_true(key(a, "reclaimed_pages") > 0);
	assert_true(key(a, "absorbed_frees") > 0);
	assert_int_equal(key(a, "unmatched_frees"), 0);
	assert_int_equal(res.oom, 0);
	assert_int_equal(res.events_replayed, res.events_total);
	assert_int_equal(ru_replay(t, ru_path("p2"), MMT_REPLAY_POLICY, NULL,
				   sets, 1, NULL, err, sizeof(err)), 0);
	b = summary_of(ru_path("p2"));
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pressure),
	};

	return cmocka_run_group_tests(tests, ru_setup, ru_teardown);
}
