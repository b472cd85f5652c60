/* SPDX-License-Identifier: MIT */
/*
 * The flusher (mmcore/writeback.c) and what reclaim does with dirty file
 * folios (shrink_folio_list() since 6.17): a dirty folio is activated with
 * PG_reclaim, never freed; when every folio reclaim took was dirty it
 * wakes the flusher, which writes every dirty folio at the next tick, and
 * the written PG_reclaim folios go to the inactive tail, so the next
 * reclaim frees them first.  Periodic writeback writes folios older than
 * dirty_expire_centisecs; background writeback brings the dirty pages
 * down to the background threshold, oldest first.
 */
#include <stdlib.h>
#include "reclaim_testlib.h"

#define NS 1000000000ull
#define SWAP_CLUSTER_MAX 32u	/* mmcore/vmscan.h */

static struct mmc *one_node(void)
{
	struct tl_spec s;

	tl_spec_default(&s);
	return tl_create(&s);
}

static uint64_t ctr(struct mmc *m, enum mmc_vm_item item)
{
	struct mmc_vmstat vm;

	mmc_vmstat(m, &vm);
	return vm.ev[item];
}

static bool on_lru(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z = tl_zone(m, 0);

	return (z->page[pfn_to_idx(z, pfn)] & PG_LRU) != 0;
}

/* Half the zone file pages, the oldest 64 dirty. */
static void dirty_then_reclaimed(void **state)
{
	struct tl_hook hook = { 0 };
	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn, met;
	(void)state;

	mmc_tick(m, NS);
	tl_fill(m, start, z->managed / 2, MMC_PC_FILE);
	for (uint64_t p = start; p < start + 64; p++)
		mmc_file_dirty(m, p);
	mmc_file_dirty(m, start);	/* dirty already: counted once */
	assert_int_equal(ctr(m, MMC_NR_DIRTIED), 64);
	assert_int_equal(lru_nr_dirty(m), 64);

	assert_true(try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
				      MMC_ZONE_NORMAL, -1, NULL) > 0);
	met = ctr(m, MMC_NR_VMSCAN_IMMEDIATE);
	assert_true(met >= SWAP_CLUSTER_MAX);	/* the first batch at least */
	assert_true(ctr(m, MMC_PGACTIVATE) >= met);
	for (uint64_t p = start; p < start + 64; p++)
		assert_true(on_lru(m, p));	/* none freed */
	assert_int_equal(ctr(m, MMC_NR_WRITTEN), 0);
	tl_check(m);

	/* the first batch was all dirty: the flusher writes everything */
	mmc_tick(m, NS + 1000000);
	assert_int_equal(lru_nr_dirty(m), 0);
	assert_int_equal(ctr(m, MMC_NR_WRITTEN), 64);
	assert_int_equal(ctr(m, MMC_PGROTATED), met);
	tl_check(m);

	/* rotated to the inactive tail: reclaimed next, before the clean
	 * pages the first reclaim left (the last written first, as each
	 * folio_end_writeback() puts its folio at the tail) */
	mmc_set_reclaim_hook(m, tl_reclaim_hook, &hook);
	assert_true(try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
				      MMC_ZONE_NORMAL, -1, NULL) > 0);
	assert_true(hook.pages >= SWAP_CLUSTER_MAX);
	assert_true(hook.lo >= start && hook.lo < start + 64);
	uint64_t gone = 0;
	for (uint64_t p = start; p < start + 64; p++)
		gone += !on_lru(m, p);
	assert_true(gone >= SWAP_CLUSTER_MAX);
	tl_check(m);
	mmc_destroy(m);
}

/* A mix of dirty and clean folios does not wake the flusher: the clean
 * ones are reclaimed, the dirty ones stay dirty and active. */
static void mixed_batch_no_wake(void **state)
{
	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn;
	(void)state;

	mmc_tick(m, NS);
	tl_fill(m, start, z->managed / 2, MMC_PC_FILE);
	for (uint64_t p = start; p < start + 256; p += 2)
		mmc_file_dirty(m, p);
	assert_true(try_to_free_pages(m, 0, MMC_GFP_KERNEL, 0,
				      MMC_ZONE_NORMAL, -1, NULL) > 0);
	mmc_tick(m, NS + 1000000);
	assert_int_equal(ctr(m, MMC_NR_WRITTEN), 0);
	assert_int_equal(lru_nr_dirty(m), 128);
	assert_true(ctr(m, MMC_NR_VMSCAN_IMMEDIATE) > 0);
	assert_true(on_lru(m, start));
	assert_false(on_lru(m, start + 1));
	tl_check(m);
	mmc_destroy(m);
}

/* dirty_expire_centisecs (30 s) checked every dirty_writeback_centisecs
 * (5 s): folios dirtied at 1 s are written at the first look after 31 s,
 * those dirtied at 20 s at the first after 50 s. */
static void expire_by_age(void **state)
{
	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn, t;
	(void)state;

	tl_fill(m, start, 1024, MMC_PC_FILE);
	mmc_tick(m, NS);
	for (uint64_t p = start; p < start + 16; p++)
		mmc_file_dirty(m, p);
	mmc_tick(m, 20 * NS);
	for (uint64_t p = start + 16; p < start + 48; p++)
		mmc_file_dirty(m, p);
	for (t = 20; t <= 31; t++) {
		mmc_tick(m, t * NS);
		assert_int_equal(ctr(m, MMC_NR_WRITTEN), 0);
	}
	for (; t <= 36; t++)
		mmc_tick(m, t * NS);
	assert_int_equal(ctr(m, MMC_NR_WRITTEN), 16);
	assert_int_equal(lru_nr_dirty(m), 32);
	for (; t <= 56; t++)
		mmc_tick(m, t * NS);
	assert_int_equal(ctr(m, MMC_NR_WRITTEN), 48);
	assert_int_equal(ctr(m, MMC_PGROTATED), 0);	/* none met dirty */
	tl_check(m);
	mmc_destroy(m);
}

/* Over dirty_background_bytes the oldest are written down to it; with
 * dirty_writeback_centisecs 0 nothing expires by age. */
static void background_threshold(void **state)
{
	struct mmc *m = one_node();
	struct mmc_zone *z = tl_zone(m, 0);
	uint64_t start = z->start_pfn;
	char err[128];
	(void)state;

	assert_int_equal(mmc_policy_set(&m->policy, "vm.dirty_background_bytes",
					"262144", err, sizeof(err)), 0);
	assert_int_equal(mmc_policy_set(&m->policy,
					"vm.dirty_writeback_centisecs", "0",
					err, sizeof(err)), 0);
	tl_fill(m, start, 1024, MMC_PC_FILE);
	mmc_tick(m, NS);
	for (uint64_t p = start; p < start + 200; p++)
		mmc_file_dirty(m, p);
	mmc_tick(m, 2 * NS);
	assert_int_equal(lru_nr_dirty(m), 64);
	assert_int_equal(ctr(m, MMC_NR_WRITTEN), 136);
	mmc_tick(m, 600 * NS);
	assert_int_equal(lru_nr_dirty(m), 64);
	/* the newest stay dirty */
	mmc_file_dirty(m, start + 199);
	mmc_file_dirty(m, start);
	assert_int_equal(ctr(m, MMC_NR_DIRTIED), 201);
	mmc_tick(m, 601 * NS);
	assert_int_equal(lru_nr_dirty(m), 64);
	assert_int_equal(ctr(m, MMC_NR_WRITTEN), 137);
	tl_check(m);
	mmc_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dirty_then_reclaimed),
		cmocka_unit_test(mixed_batch_no_wake),
		cmocka_unit_test(expire_by_age),
		cmocka_unit_test(background_threshold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
