/* SPDX-License-Identifier: MIT */
/*
 * SLUB model tests.  Geometry is checked against /sys/kernel/slab of the
 * running kernel when present, and always against the fixture copy
 * tests/data/slab_kmalloc.txt (captured on a 6.18 x86-64 host, with its
 * cpu count recorded) so the check runs anywhere.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmcore.h"
#include "../mmcore/slab_sizes.h"

struct sysfs_cache {
	char name[256];
	uint32_t object_size, slab_size, align, objs_per_slab, order;
	uint32_t min_partial, cpu_partial;
	uint32_t freeptr_outside;	/* ctor || destroy_by_rcu || poison */
};

static const char *fixture_path(void)
{
	static char buf[512];
	const char *dir = getenv("MMTRACE_TESTDATA");

	snprintf(buf, sizeof(buf), "%s/slab_kmalloc.txt",
		 dir ? dir : "tests/data");
	return buf;
}

/* Fixture: "nr_cpus N" then one line per cache (see the file's header). */
static int load_fixture(struct sysfs_cache *c, int max, uint32_t *nr_cpus)
{
	FILE *f = fopen(fixture_path(), "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned v[15];

		if (line[0] == '#')
			continue;
		if (sscanf(line, "nr_cpus %u", &v[0]) == 1) {
			*nr_cpus = v[0];
			continue;
		}
		if (sscanf(line, "%255s %u %u %u %u %u %u %u %u %u %u %u %u %u %u %u",
			   c[n].name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7], &v[8], &v[9], &v[10], &v[11], &v[12],
			   &v[13], &v[14]) != 16)
			continue;
		c[n].object_size = v[0];
		c[n].slab_size = v[1];
		c[n].align = v[2];
		c[n].objs_per_slab = v[3];
		c[n].order = v[4];
		c[n].min_partial = v[5];
		c[n].cpu_partial = v[6];
		c[n].freeptr_outside = v[10] || v[11] || v[12];
		n++;
	}
	fclose(f);
	return n;
}

static int read_u32(const char *dir, const char *attr, uint32_t *out)
{
	char path[512];
	FILE *f;
	unsigned v;
	int ok;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", dir, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%u", &v) == 1;
	fclose(f);
	*out = v;
	return ok ? 0 : -1;
}

/* num_present_cpus(): /sys/devices/system/cpu/present ("0-3,6"). */
static uint32_t present_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/present", "r");
	char buf[256], *p;
	uint32_t n = 0;

	if (!f)
		return (uint32_t)sysconf(_SC_NPROCESSORS_CONF);
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (p = buf; *p && *p != '\n';) {
		unsigned long a = strtoul(p, &p, 10), b = a;

		if (*p == '-')
			b = strtoul(p + 1, &p, 10);
		n += (uint32_t)(b - a + 1);
		if (*p == ',')
			p++;
		else
			break;
	}
	return n;
}

static int is_kmalloc(const char *name)
{
	return strncmp(name, "kmalloc-", 8) == 0 ||
	       strncmp(name, "dma-kmalloc-", 12) == 0;
}

/* The model's geometry for a kmalloc cache named as the kernel names it. */
static void check_kmalloc(const struct sysfs_cache *c, uint32_t nr_cpus)
{
	struct mmc_slab_info info;
	struct slab_geometry g;

	assert_int_equal(kmalloc_cache_align(c->object_size), c->align);
	assert_int_equal(mmc_slab_calc(c->object_size, c->align, nr_cpus,
				       &info), 0);
	if (info.objs_per_slab != c->objs_per_slab || info.order != c->order)
		fail_msg("%s: model objs_per_slab %u order %u, kernel %u %u",
			 c->name, info.objs_per_slab, info.order,
			 c->objs_per_slab, c->order);
	assert_int_equal(info.size, c->slab_size);
	assert_int_equal(slab_calc_flags(c->object_size, c->align,
					 MMC_SLAB_KMALLOC, nr_cpus, &g), 0);
	assert_int_equal(g.min_partial, c->min_partial);
	assert_int_equal(g.cpu_partial, c->cpu_partial);
}

static void test_kmalloc_geometry_fixture(void **state)
{
	static struct sysfs_cache c[512];
	uint32_t nr_cpus = 0;
	int n = load_fixture(c, 512, &nr_cpus), seen = 0;

	(void)state;
	assert_true(n > 0);
	assert_true(nr_cpus > 0);
	for (int i = 0; i < n; i++) {
		if (!is_kmalloc(c[i].name))
			continue;
		check_kmalloc(&c[i], nr_cpus);
		seen++;
	}
	/* 13 sizes x normal/rcl/cg/dma on the captured host */
	assert_int_equal(seen, 52);
}

/* Every cache of the fixture, not only kmalloc: calculate_order() of the
 * final object size gives the kernel's order and objects, and the object
 * size, alignment and free-pointer placement give the slab size. */
static void test_all_caches_fixture(void **state)
{
	static struct sysfs_cache c[512];
	uint32_t nr_cpus = 0;
	int n = load_fixture(c, 512, &nr_cpus), sized = 0;

	(void)state;
	assert_true(n > 100);
	for (int i = 0; i < n; i++) {
		struct mmc_slab_info info;
		struct slab_geometry g;

		assert_int_equal(mmc_slab_calc(c[i].slab_size, 8, nr_cpus,
					       &info), 0);
		if (info.order != c[i].order ||
		    info.objs_per_slab != c[i].objs_per_slab)
			fail_msg("%s: model %u/%u kernel %u/%u", c[i].name,
				 info.objs_per_slab, info.order,
				 c[i].objs_per_slab, c[i].order);
		assert_int_equal(slab_calc_flags(c[i].object_size, c[i].align,
				 c[i].freeptr_outside ? MMC_SLAB_FREEPTR_OUTSIDE
						      : 0, nr_cpus, &g), 0);
		/* TYPESAFE_BY_RCU caches with a freeptr_offset (e.g.
		 * vm_area_struct) keep the pointer inside: sysfs cannot
		 * tell, so count the matches instead of requiring all. */
		sized += g.size == c[i].slab_size;
	}
	assert_true(sized >= n - 2);
}

static void test_kmalloc_geometry_live(void **state)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	uint32_t nr_cpus = present_cpus();
	int seen = 0;

	(void)state;
	if (!d) {
		skip();
		return;
	}
	if (nr_cpus <= 1)	/* calculate_order then uses nr_cpu_ids */
		nr_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_CONF);
	while ((e = readdir(d)) != NULL) {
		struct sysfs_cache c;

		if (!is_kmalloc(e->d_name))
			continue;
		memset(&c, 0, sizeof(c));
		snprintf(c.name, sizeof(c.name), "%s", e->d_name);
		if (read_u32(c.name, "object_size", &c.object_size) ||
		    read_u32(c.name, "slab_size", &c.slab_size) ||
		    read_u32(c.name, "align", &c.align) ||
		    read_u32(c.name, "objs_per_slab", &c.objs_per_slab) ||
		    read_u32(c.name, "order", &c.order) ||
		    read_u32(c.name, "min_partial", &c.min_partial) ||
		    read_u32(c.name, "cpu_partial", &c.cpu_partial))
			continue;
		check_kmalloc(&c, nr_cpus);
		seen++;
	}
	closedir(d);
	if (seen == 0)
		skip();
	assert_true(seen >= 13);
}

/* calculate_order() depends on the cpu count through min_objects =
 * 4 * (fls(nr_cpus) + 1). */
static void test_calc_order_cpus(void **state)
{
	static const struct {
		uint32_t size, cpus, objs, order;
	} t[] = {
		{ 1024, 2, 16, 2 },	/* min_objects 12: 12 KiB -> order 2 */
		{ 1024, 1, 8, 1 },	/* 8 objects: order 1 */
		{ 1024, 64, 32, 3 },	/* 32: capped by slub_max_order 3 */
		{ 256, 2, 16, 0 },
		{ 256, 16, 32, 1 },	/* min_objects 24 */
		{ 8, 2, 512, 0 },
		{ 4096, 2, 8, 3 },
		{ 8192, 2, 4, 3 },
		{ 16384, 2, 2, 3 },
		{ 40000, 2, 1, 4 },	/* no fit within order 3: get_order */
		{ 700, 2, 23, 2 },	/* 12 x 704 > 8 KiB: order 2, waste 192 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mmc_slab_info info;

		assert_int_equal(mmc_slab_calc(t[i].size, 8, t[i].cpus, &info),
				 0);
		if (info.objs_per_slab != t[i].objs || info.order != t[i].order)
			fail_msg("size %u cpus %u: got %u/%u want %u/%u",
				 t[i].size, t[i].cpus, info.objs_per_slab,
				 info.order, t[i].objs, t[i].order);
	}
	assert_int_equal(mmc_slab_calc(0, 8, 2, &(struct mmc_slab_info){0}), -1);
	assert_int_equal(mmc_slab_calc(64, 3, 2, &(struct mmc_slab_info){0}), -1);
}

static void test_kmalloc_index(void **state)
{
	static const struct {
		uint32_t size;
		int index;
	} t[] = {
		{ 1, 3 }, { 8, 3 }, { 9, 4 }, { 16, 4 }, { 17, 5 }, { 32, 5 },
		{ 33, 6 }, { 64, 6 }, { 65, 1 }, { 96, 1 }, { 97, 7 },
		{ 128, 7 }, { 129, 2 }, { 192, 2 }, { 193, 8 }, { 256, 8 },
		{ 257, 9 }, { 1000, 10 }, { 1024, 10 }, { 1025, 11 },
		{ 4096, 12 }, { 4097, 13 }, { 8192, 13 }, { 8193, -1 },
		{ 0, 0 },
	};
	char name[32];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int idx = kmalloc_index_of(t[i].size);

		if (idx != t[i].index)
			fail_msg("size %u: index %d want %d", t[i].size, idx,
				 t[i].index);
		if (idx > 0)
			assert_true(kmalloc_index_size(idx) >= t[i].size);
	}
	kmalloc_cache_name(KMALLOC_RECLAIM, 10, name, sizeof(name));
	assert_string_equal(name, "kmalloc-rcl-1k");
	kmalloc_cache_name(KMALLOC_DMA, 1, name, sizeof(name));
	assert_string_equal(name, "dma-kmalloc-96");
	assert_int_equal(kmalloc_type_of(MMC___GFP_DMA |
					 MMC___GFP_RECLAIMABLE),
			 KMALLOC_DMA);
	assert_int_equal(kmalloc_type_of(MMC___GFP_RECLAIMABLE |
					 MMC___GFP_ACCOUNT),
			 KMALLOC_RECLAIM);
	assert_int_equal(kmalloc_type_of(MMC___GFP_ACCOUNT),
			 KMALLOC_CGROUP);
	assert_int_equal(kmalloc_type_of(MMC___GFP_FS), KMALLOC_NORMAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmalloc_geometry_fixture),
		cmocka_unit_test(test_all_caches_fixture),
		cmocka_unit_test(test_kmalloc_geometry_live),
		cmocka_unit_test(test_calc_order_cpus),
		cmocka_unit_test(test_kmalloc_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
