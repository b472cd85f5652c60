/* SPDX-License-Identifier: MIT */
/* replay/map.c: the hash map and the pfn map (32-bit dense slots that
 * widen to 64 bits, a hash outside the dense range) against a plain
 * reference array, over a deterministic mix of puts, swaps and takes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>
#include "../replay/replay_int.h"

#define NKEYS 4096u
#define ABSENT UINT64_MAX

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/* key i of the test: a dense run, then keys outside the pmap's range,
 * the last two the hash's own empty-slot marker (0) and 2^64 - 1 (a pfn
 * of MMT_NO_PFN; the marker once) */
static uint64_t key_of(uint32_t i)
{
	if (i == NKEYS - 1)
		return UINT64_MAX;
	if (i == NKEYS - 2)
		return 0;
	return i < NKEYS / 2 ? 1000 + i : (1ull << 40) + (uint64_t)i * 7919;
}

static void check_all(const struct rp_pmap *pm, const struct rp_map *hm,
		      const uint64_t *ref)
{
	for (uint32_t i = 0; i < NKEYS; i++) {
		uint64_t v = 0, w = 0;
		int in = ref[i] != ABSENT;

		assert_int_equal(rp_pmap_get(pm, key_of(i), &v), in);
		assert_int_equal(rp_map_get(hm, key_of(i), &w), in);
		if (in) {
			assert_int_equal(v, ref[i]);
			assert_int_equal(w, ref[i]);
		}
	}
}

static void run_ops(uint64_t big_from)
{
	struct rp_pmap pm;
	struct rp_map hm;
	uint64_t ref[NKEYS], seed = 42;

	for (uint32_t i = 0; i < NKEYS; i++)
		ref[i] = ABSENT;
	assert_int_equal(rp_pmap_init(&pm, 1000, 1000 + NKEYS / 2), 0);
	assert_int_equal(rp_map_init(&hm, 16), 0);
	for (uint64_t op = 0; op < 200000; op++) {
		uint32_t i = (uint32_t)(lcg(&seed) % NKEYS);
		uint64_t val = lcg(&seed) % 100000, old = 7, old2 = 7;
		int had = ref[i] != ABSENT;

		if (op >= big_from)
			val += 1ull << 40;	/* needs 64-bit slots */
		switch (lcg(&seed) % 3) {
		case 0:
			assert_int_equal(rp_pmap_swap(&pm, key_of(i), val, &old), had);
			assert_int_equal(rp_map_swap(&hm, key_of(i), val, &old2), had);
			if (had) {
				assert_int_equal(old, ref[i]);
				assert_int_equal(old2, ref[i]);
			}
			ref[i] = val;
			break;
		case 1:
			assert_int_equal(rp_pmap_take(&pm, key_of(i), &old), had);
			assert_int_equal(rp_map_take(&hm, key_of(i), &old2), had);
			if (had) {
				assert_int_equal(old, ref[i]);
				assert_int_equal(old2, ref[i]);
			}
			ref[i] = ABSENT;
			break;
		default:
			assert_int_equal(rp_pmap_put(&pm, key_of(i), val), 0);
			assert_int_equal(rp_map_put(&hm, key_of(i), val), 0);
			ref[i] = val;
		}
		if (!(op % 20000))
			check_all(&pm, &hm, ref);
	}
	check_all(&pm, &hm, ref);
	if (big_from != UINT64_MAX) {
		assert_null(pm.v32);		/* widened once */
		assert_non_null(pm.v);
	} else {
		assert_non_null(pm.v32);	/* stayed narrow */
	}
	rp_pmap_free(&pm);
	rp_map_free(&hm);
}

static void test_maps_narrow(void **state)
{
	(void)state;
	run_ops(UINT64_MAX);
}

static void test_maps_widen(void **state)
{
	(void)state;
	run_ops(100000);	/* wide values from half way: kept values survive */
}

static void test_pmap_max_value(void **state)
{
	struct rp_pmap pm;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(rp_pmap_init(&pm, 0, 64), 0);
	assert_int_equal(rp_pmap_put(&pm, 3, UINT32_MAX - 1ull), 0);
	assert_non_null(pm.v32);		/* value + 1 still fits */
	assert_int_equal(rp_pmap_put(&pm, 5, UINT32_MAX), 0);
	assert_null(pm.v32);
	assert_int_equal(rp_pmap_get(&pm, 3, &v), 1);
	assert_int_equal(v, UINT32_MAX - 1ull);
	assert_int_equal(rp_pmap_get(&pm, 5, &v), 1);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(rp_pmap_get(&pm, 4, &v), 0);
	rp_pmap_free(&pm);
}

/* A dense map of a large pfn range, and its widening, cost the pages
 * used: a copy of every slot made all of them resident (285 MB for a
 * 1.4 KB trace, fuzz_replay's replay-oom-fdb6090a), and under ASan a
 * calloc'ed array had its whole shadow written (size / 8: 16 + 32 MB
 * here, `make check`).  getrusage's peak RSS grows by the pages used. */
static void test_pmap_widen_stays_sparse(void **state)
{
	struct rp_pmap pm;
	struct rusage ru;
	uint64_t v = 0, n = 1ull << 25;	/* 128 MiB of 32-bit slots */
	long before;

	(void)state;
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	before = ru.ru_maxrss;
	assert_int_equal(rp_pmap_init(&pm, 1ull << 24, (1ull << 24) + n), 0);
	assert_non_null(pm.v32);
	assert_int_equal(rp_pmap_put(&pm, (1ull << 24) + 7, 42), 0);
	assert_int_equal(rp_pmap_put(&pm, (1ull << 24) + n - 1, UINT64_MAX - 1), 0);
	assert_null(pm.v32);			/* widened */
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	if (ru.ru_maxrss - before > 12 * 1024)
		fail_msg("a %llu-slot map, widened, made %ld KiB resident",
			 (unsigned long long)n, ru.ru_maxrss - before);
	assert_int_equal(rp_pmap_get(&pm, (1ull << 24) + 7, &v), 1);
	assert_int_equal(v, 42);
	assert_int_equal(rp_pmap_get(&pm, (1ull << 24) + n - 1, &v), 1);
	assert_int_equal(v, UINT64_MAX - 1);
	assert_int_equal(rp_pmap_get(&pm, (1ull << 24) + 8, &v), 0);
	rp_pmap_free(&pm);
}

/* 64 frees of pfn 2^64 - 1 grew the table to 1.6 GB (issue 11): every
 * key is an ordinary key, the special ones included. */
static void test_map_special_keys(void **state)
{
	struct rp_map m;
	uint64_t v, cap;

	(void)state;
	assert_int_equal(rp_map_init(&m, 16), 0);
	cap = m.cap;
	for (int i = 0; i < 64; i++) {
		assert_int_equal(rp_map_put(&m, UINT64_MAX, (uint64_t)i), 0);
		assert_int_equal(rp_map_put(&m, 0, (uint64_t)i + 1), 0);
	}
	assert_int_equal(m.len, 2);
	assert_int_equal(m.cap, cap);
	assert_int_equal(rp_map_get(&m, UINT64_MAX, &v), 1);
	assert_int_equal(v, 63);
	assert_int_equal(rp_map_take(&m, 0, &v), 1);
	assert_int_equal(v, 64);
	assert_int_equal(rp_map_get(&m, 0, &v), 0);
	assert_int_equal(rp_map_del(&m, UINT64_MAX), 1);
	assert_int_equal(rp_map_del(&m, UINT64_MAX), 0);
	assert_int_equal(m.len, 0);
	rp_map_free(&m);
}

/* A table starts at 4096 slots at most, 64 KiB (an allocation of 128 KiB
 * and more is a mapping of its own each replay), and grows past it. */
static void test_map_init_capped(void **state)
{
	struct rp_map m;
	uint64_t v;

	(void)state;
	assert_int_equal(rp_map_init(&m, 1 << 12), 0);
	assert_int_equal(m.cap, 4096);
	for (uint64_t k = 1; k <= 20000; k++)
		assert_int_equal(rp_map_put(&m, k * 4099, k), 0);
	assert_true(m.cap >= 32768);
	for (uint64_t k = 1; k <= 20000; k++) {
		assert_int_equal(rp_map_get(&m, k * 4099, &v), 1);
		assert_int_equal(v, k);
	}
	rp_map_free(&m);
}

/* rp_map_reserve(): the keys already in the map kept, the special key 0
 * too, then room for n keys without growing; a smaller n changes
 * nothing.  200000 keys: a table past 2 MiB, on huge pages. */
static void test_map_reserve(void **state)
{
	struct rp_map m;
	uint64_t v, cap;

	(void)state;
	assert_int_equal(rp_map_init(&m, 16), 0);
	for (uint64_t k = 1; k <= 100; k++)
		assert_int_equal(rp_map_put(&m, k * 7919, k), 0);
	assert_int_equal(rp_map_put(&m, 0, 5), 0);
	assert_int_equal(rp_map_reserve(&m, 200000), 0);
	cap = m.cap;
	assert_true(cap * 3 >= 200000ull * 4);
	assert_int_equal(m.len, 101);
	assert_int_equal(rp_map_get(&m, 0, &v), 1);
	assert_int_equal(v, 5);
	for (uint64_t k = 1; k <= 100; k++) {
		assert_int_equal(rp_map_get(&m, k * 7919, &v), 1);
		assert_int_equal(v, k);
	}
	for (uint64_t k = 101; k < 200000; k++)
		assert_int_equal(rp_map_put(&m, k * 7919, k), 0);
	assert_int_equal(m.cap, cap);
	assert_int_equal(rp_map_reserve(&m, 10), 0);
	assert_int_equal(m.cap, cap);
	for (uint64_t k = 1; k < 200000; k++) {
		assert_int_equal(rp_map_take(&m, k * 7919, &v), 1);
		assert_int_equal(v, k);
	}
	assert_int_equal(m.len, 1);
	rp_map_free(&m);
}

/* rp_distinct_estimate(): the fault address map's size from its keys
 * (neighbouring pages of a few tasks, each faulted three times), within
 * 5% (the estimator's error is 1.6%); none gives 0, a few are exact. */
static void test_distinct_estimate(void **state)
{
	static const uint64_t sizes[] = { 1, 10, 1000, 131072, 1000000 };
	struct rp_distinct *d = malloc(sizeof(*d));

	(void)state;
	assert_non_null(d);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t n = sizes[i], est;

		memset(d, 0, sizeof(*d));
		assert_int_equal(rp_distinct_estimate(d), 0);
		for (int pass = 0; pass < 3; pass++)
			for (uint64_t k = 0; k < n; k++)
				rp_distinct_add(d, rp_addr_key(
					(uint32_t)(100 + k % 4),
					0x7f0000000000ull + (k / 4) * 4096));
		est = rp_distinct_estimate(d);
		if (n <= 10)
			assert_int_equal(est, n);
		assert_true(est * 100 >= n * 95 && est * 100 <= n * 105);
	}
	free(d);
}

/* rp_pmap_clear(): every key gone (dense, hash and widened alike), the
 * dense array kept narrow, and the map as good as new after. */
static void clear_check(struct rp_pmap *pm, uint64_t wide)
{
	uint64_t v;
	uint32_t *v32;

	for (uint32_t i = 0; i < NKEYS; i++)
		assert_int_equal(rp_pmap_put(pm, key_of(i), i + wide), 0);
	v32 = pm->v32;
	assert_int_equal(rp_pmap_clear(pm), 0);
	if (!wide)
		assert_ptr_equal(pm->v32, v32);	/* the same pages */
	assert_non_null(pm->v32);
	for (uint32_t i = 0; i < NKEYS; i++)
		assert_int_equal(rp_pmap_get(pm, key_of(i), &v), 0);
	for (uint32_t i = 0; i < NKEYS; i += 3)
		assert_int_equal(rp_pmap_put(pm, key_of(i), i), 0);
	for (uint32_t i = 0; i < NKEYS; i++) {
		assert_int_equal(rp_pmap_get(pm, key_of(i), &v), i % 3 == 0);
		if (i % 3 == 0)
			assert_int_equal(v, i);
	}
}

static void test_pmap_clear(void **state)
{
	struct rp_pmap pm;

	(void)state;
	assert_int_equal(rp_pmap_init(&pm, 1000, 1000 + NKEYS / 2), 0);
	clear_check(&pm, 0);
	clear_check(&pm, 1ull << 40);	/* widened, then narrow again */
	rp_pmap_free(&pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_narrow),
		cmocka_unit_test(test_maps_widen),
		cmocka_unit_test(test_pmap_max_value),
		cmocka_unit_test(test_pmap_widen_stays_sparse),
		cmocka_unit_test(test_map_init_capped),
		cmocka_unit_test(test_map_special_keys),
		cmocka_unit_test(test_map_reserve),
		cmocka_unit_test(test_distinct_estimate),
		cmocka_unit_test(test_pmap_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
