/* SPDX-License-Identifier: MIT */
/*
 * The model's watermarks, protection (lowmem_reserve) and pcp batch /
 * high_min / high_max equal /proc/zoneinfo exactly, computed from the
 * kernel's own managed pages and sysctls: once from a fixture copy of this
 * development VM (tests/data/zoneinfo.txt + zoneinfo.sysctl), and once from
 * the live /proc when present (memory hot-add changes Normal's managed on
 * this VM, so everything is computed from one read, retried when the
 * sysctls moved meanwhile).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "mmcore_check.h"
#include "../replay/zones.h"

#ifndef TEST_DATA
#define TEST_DATA "tests/data"
#endif

/* Build the model from zoneinfo text + a policy, compare; returns diffs. */
static int model_vs(const char *zoneinfo, const struct mmc_policy *p,
		    uint32_t nr_cpus, int *nr_populated)
{
	struct zi_zone *zones = calloc(ZI_MAX_ZONES, sizeof(*zones));
	struct mmc_topology *t = malloc(sizeof(*t));
	char err[256];

	assert_non_null(zones);
	assert_non_null(t);
	int n = zoneinfo_parse(zoneinfo, zones, ZI_MAX_ZONES, err, sizeof(err));
	if (n < 0)
		fail_msg("%s", err);
	assert_int_equal(zoneinfo_topology(zones, n, nr_cpus, NULL, NULL, 0, t,
					   err, sizeof(err)), 0);
	struct mmc *m = mmc_create(t, p, err, sizeof(err));
	if (!m)
		fail_msg("%s", err);
	*nr_populated = (int)mmc_nr_zones(m);
	int d = zones_compare(m, zones, n, stderr);
	mmc_destroy(m);
	free(t);
	free(zones);
	return d;
}

/* The VM's sysctls saved beside its zoneinfo (name=value lines, split in
 * place) applied over the defaults into p; returns its nr_cpus line (1
 * when absent). */
static uint32_t fixture_policy(char *sc, struct mmc_policy *p)
{
	uint32_t nr_cpus = 1;
	char err[256];

	mmc_policy_defaults(p);
	for (char *line = strtok(sc, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');

		assert_non_null(eq);
		*eq = 0;
		if (!strcmp(line, "nr_cpus"))
			nr_cpus = (uint32_t)atoi(eq + 1);
		else if (mmc_policy_set(p, line, eq + 1, err, sizeof(err)))
			fail_msg("%s", err);
	}
	return nr_cpus;
}

static void test_fixture(void **state)
{
	char *zi = zones_read_text(TEST_DATA "/zoneinfo.txt");
	char *sc = zones_read_text(TEST_DATA "/zoneinfo.sysctl");
	struct mmc_policy p;
	uint32_t nr_cpus;
	int populated;

	(void)state;
	assert_non_null(zi);
	assert_non_null(sc);
	nr_cpus = fixture_policy(sc, &p);
	assert_int_equal(model_vs(zi, &p, nr_cpus, &populated), 0);
	assert_int_equal(populated, 3);	/* DMA, DMA32, Normal */
	/* the default min_free_kbytes (with khugepaged's recommendation)
	 * gives what this VM runs with: 67584 */
	struct mmc_policy d;
	mmc_policy_defaults(&d);
	d.min_free_kbytes = -1;
	assert_int_equal(model_vs(zi, &d, nr_cpus, &populated), 0);
	/* and a different policy is noticed */
	p.watermark_scale_factor = 100;	/* 20 would still lose to min/4 */
	assert_true(model_vs(zi, &p, nr_cpus, &populated) > 0);
	free(zi);
	free(sc);
}

/* A snapshot-seeded zone whose reserved pages and holes sit in the middle
 * of its span (as on this VM: hot-pluggable Normal, scattered memblock
 * reservations): the layout's page count differs from the kernel's
 * managed, and mmc_zone_set_managed() still gives the exact marks. */
static void test_seeded_layout_set_managed(void **state)
{
	char *zi = zones_read_text(TEST_DATA "/zoneinfo.txt");
	char *sc = zones_read_text(TEST_DATA "/zoneinfo.sysctl");
	struct zi_zone *zones = calloc(ZI_MAX_ZONES, sizeof(*zones));
	struct mmc_topology *t = malloc(sizeof(*t));
	struct mmc_policy p;
	char err[256];
	uint32_t nr_cpus;

	(void)state;
	assert_non_null(zi);
	assert_non_null(sc);
	assert_non_null(zones);
	assert_non_null(t);
	nr_cpus = fixture_policy(sc, &p);
	int n = zoneinfo_parse(zi, zones, ZI_MAX_ZONES, err, sizeof(err));
	assert_true(n > 0);
	assert_int_equal(zoneinfo_topology(zones, n, nr_cpus, NULL, NULL, 0, t,
					   err, sizeof(err)), 0);
	/* the model lays every present page out as managed, as replay does
	 * before it knows where the reserved pages are */
	for (uint32_t i = 0; i < t->nodes[0].nr_zones; i++) {
		struct mmc_zone_spec *zs = &t->nodes[0].zones[i];

		zs->managed = zs->present;
	}
	struct mmc *m = mmc_create(t, &p, err, sizeof(err));
	if (!m)
		fail_msg("%s", err);
	assert_true(zones_compare(m, zones, n, NULL) > 0);
	/* the snapshot: free blocks, reserved pages and holes in the middle */
	for (int i = 0; i < n; i++) {
		uint64_t a = zones[i].start_pfn, span = zones[i].spanned;

		if (zones[i].type < 0 || !zones[i].present)
			continue;
		uint64_t mid = (a + span / 2) & ~1023ull;

		assert_int_equal(mmc_seed_free(m, mid, 10, MMC_MT_MOVABLE), 0);
		assert_int_equal(mmc_seed_class(m, mid + 1024, 300,
						MMC_PC_RESERVED), 0);
		assert_int_equal(mmc_seed_class(m, mid + 2048, 1024,
						MMC_PC_HOLE), 0);
		assert_int_equal(mmc_seed_class(m, mid - 7, 5, MMC_PC_RESERVED), 0);
		assert_int_equal(mmc_seed_free(m, mid - 8, 0, -1), 0);
	}
	assert_null(mmc_check(m));
	assert_true(zones_compare(m, zones, n, NULL) > 0);
	for (int i = 0; i < n; i++)
		if (zones[i].type >= 0 && zones[i].present)
			assert_int_equal(mmc_zone_set_managed(m, zones[i].node,
					zones[i].type, zones[i].managed), 0);
	assert_int_equal(mmc_zone_set_managed(m, 0, MMC_ZONE_NORMAL, 0), -1);
	assert_int_equal(mmc_zone_set_managed(m, 0, MMC_ZONE_MOVABLE, 5), -1);
	mmc_setup_zones(m);
	assert_int_equal(zones_compare(m, zones, n, stderr), 0);
	assert_null(mmc_check(m));
	/* later relabels move managed as online_pages() does: a reserved
	 * page that comes online is managed */
	struct mmc_zone_stats st;
	assert_int_equal(mmc_zone_stats(m, 1, &st), 0);
	uint64_t before = st.managed;
	uint64_t mid = (zones[1].start_pfn + zones[1].spanned / 2) & ~1023ull;
	assert_int_equal(mmc_seed_free(m, mid + 1024, 2, -1), 0);
	assert_int_equal(mmc_zone_stats(m, 1, &st), 0);
	assert_int_equal(st.managed, before + 4);
	assert_null(mmc_check(m));
	mmc_destroy(m);
	free(t);
	free(zones);
	free(zi);
	free(sc);
}

static int read_int(const char *path)
{
	char *s = zones_read_text(path);
	int v = s ? atoi(s) : -1;

	free(s);
	return v;
}

static void test_live(void **state)
{
	static const char *const names[] = { "min_free_kbytes",
		"watermark_scale_factor", "lowmem_reserve_ratio",
		"percpu_pagelist_high_fraction" };
	char err[256], path[128];
	(void)state;

	if (access("/proc/zoneinfo", R_OK)) {
		skip();
		return;
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		struct mmc_policy p;
		int before = read_int("/proc/sys/vm/min_free_kbytes");
		char *zi = zones_read_text("/proc/zoneinfo");

		assert_non_null(zi);
		mmc_policy_defaults(&p);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(path, sizeof(path), "/proc/sys/vm/%s", names[i]);
			char *v = zones_read_text(path);
			if (!v)
				continue;
			char *nl = strchr(v, '\n');
			if (nl)
				*nl = 0;
			assert_int_equal(mmc_policy_set(&p, names[i], v, err, sizeof(err)), 0);
			free(v);
		}
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		int populated;
		int d = model_vs(zi, &p, cpus > 0 ? (uint32_t)cpus : 1, &populated);

		free(zi);
		if (before != read_int("/proc/sys/vm/min_free_kbytes"))
			continue;	/* hot-add in between: read again */
		if (d)
			fail_msg("%d difference(s) from the live /proc/zoneinfo", d);
		assert_true(populated >= 1);
		return;
	}
	fail_msg("sysctls kept changing while reading /proc/zoneinfo");
}

static void test_parse_errors(void **state)
{
	struct zi_zone z[4];
	char err[128];

	(void)state;
	assert_int_equal(zoneinfo_parse("nothing here\n", z, 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "zoneinfo"));
	assert_int_equal(zoneinfo_parse("Node 0, zone   Normal\n  pages free 5\n        min      7\n"
					"        protection: (0, 1, 2)\n", z, 4, err, sizeof(err)), 1);
	assert_int_equal(z[0].min, 7);
	assert_int_equal(z[0].nr_prot, 3);
	assert_int_equal(z[0].protection[2], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_seeded_layout_set_managed),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_parse_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
