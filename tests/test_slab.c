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
#include "../mmcore/internal.h"
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
	/* sizes and alignments whose 32-bit roundings wrap to 0 (a division
	 * by zero fuzz_replay found) */
	assert_int_equal(mmc_slab_calc(UINT32_MAX - 6, 8, 2,
				       &(struct mmc_slab_info){0}), -1);
	assert_int_equal(mmc_slab_calc(64, 1u << 31, 2,
				       &(struct mmc_slab_info){0}), -1);
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

/* ---- the allocator ---------------------------------------------------- */

/* A small synthetic host: one node, all memory free. */
static struct mmc *new_model(const char *spec)
{
	struct mmc_topology t;
	struct mmc_policy p;
	char err[256];
	struct mmc *m;

	assert_int_equal(mmc_topology_parse(spec, &t, err, sizeof(err)), 0);
	mmc_policy_defaults(&p);
	m = mmc_create(&t, &p, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(mmc_seed_all_free(m), 0);
	return m;
}

/* Free pages of the model, buddy + pcp. */
static uint64_t free_pages_total(const struct mmc *m)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < m->nr_zones; i++)
		n += m->zones[i]->nr_free + m->zones[i]->nr_free_pcp;
	return n;
}

static void test_kmalloc_caches_exist(void **state)
{
	struct mmc *m = new_model("256M,2");
	struct mmc_slab_info info;
	int c;

	(void)state;
	c = mmc_kmem_cache_find(m, "kmalloc-1k");
	assert_true(c >= 0);
	assert_int_equal(mmc_kmalloc_cache(m, 1000, MMC_GFP_KERNEL), c);
	assert_int_equal(mmc_kmem_cache_info(m, c, &info), 0);
	/* 2 cpus: as this 2-cpu host's /sys/kernel/slab/kmalloc-1k */
	assert_int_equal(info.objs_per_slab, 16);
	assert_int_equal(info.order, 2);
	assert_int_equal(mmc_kmalloc_cache(m, 1000, MMC_GFP_KERNEL |
					   MMC___GFP_RECLAIMABLE),
			 mmc_kmem_cache_find(m, "kmalloc-rcl-1k"));
	assert_int_equal(mmc_kmalloc_cache(m, 70, MMC_GFP_KERNEL |
					   MMC___GFP_ACCOUNT),
			 mmc_kmem_cache_find(m, "kmalloc-cg-96"));
	assert_int_equal(mmc_kmalloc_cache(m, 8192, MMC___GFP_DMA),
			 mmc_kmem_cache_find(m, "dma-kmalloc-8k"));
	assert_int_equal(mmc_kmalloc_cache(m, 8193, MMC_GFP_KERNEL), -1);
	assert_int_equal(mmc_kmalloc_cache(m, 0, MMC_GFP_KERNEL), -2);
	c = mmc_kmem_cache_create(m, "dentry", 192, 8, MMC_SLAB_RECLAIM_ACCOUNT |
				  MMC_SLAB_HWCACHE_ALIGN);
	assert_true(c >= 0);
	assert_int_equal(mmc_kmem_cache_find(m, "dentry"), c);
	assert_int_equal(mmc_kmem_cache_info(m, c, &info), 0);
	assert_int_equal(info.size, 192);
	assert_int_equal(info.objs_per_slab, 21);
	mmc_destroy(m);
}

/* A full slab becomes partial on a free (cpu partial list); new slabs
 * come from the page allocator with MMC_PATH_SLAB_NEW. */
static void test_slab_lists(void **state)
{
	struct mmc *m = new_model("256M,2");
	int c = mmc_kmem_cache_find(m, "kmalloc-8k");	/* 4 objs, order 3 */
	struct mmc_slab_stats st;
	struct mmc_result r;
	uint64_t pfn[5], free0 = free_pages_total(m);
	uint32_t off[5];

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(mmc_slab_alloc(m, c, MMC_GFP_KERNEL, 0, &pfn[i],
						&off[i], &r), 0);
		/* slabs 0 and 4 are new, the others come from the cpu slab */
		assert_int_equal(!!(r.path & MMC_PATH_SLAB_NEW), i % 4 == 0);
		assert_int_equal(r.pfn & 7, 0);		/* an order-3 block */
		assert_int_equal(off[i], 0);		/* 8 KiB objects */
	}
	assert_int_equal(pfn[1], pfn[0] + 2);	/* next object, 2 pages on */
	assert_int_equal(free_pages_total(m), free0 - 16);
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.nr_slabs, 2);
	assert_int_equal(st.objects_inuse, 5);
	assert_int_equal(st.cpu_slabs, 1);
	assert_int_equal(st.cpu_partial_total, 0);
	assert_int_equal(slab_check(m), 0);

	/* the first slab is full and off every list: a free puts it on this
	 * cpu's partial list (put_cpu_partial) */
	assert_int_equal(mmc_slab_free(m, c, pfn[1], off[1], 1, &r), 0);
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.cpu_partial_total, 1);
	assert_int_equal(st.nr_partial, 0);
	assert_int_equal(slab_check(m), 0);
	/* a double free and a foreign cache are refused */
	assert_int_equal(mmc_slab_free(m, c, pfn[1], off[1], 1, &r), -1);
	assert_int_equal(mmc_slab_free(m, c + 1, pfn[2], off[2], 1, &r), -1);
	assert_int_equal(mmc_slab_free(m, c, pfn[0] + 4096, 0, 1, &r), -1);
	assert_int_equal(m->vm.slab_pages, 16);
	assert_int_equal(m->nodes[0].nr_slab_unreclaimable, 16);
	mmc_destroy(m);
}

/* put_cpu_partial(): a cpu's partial list holds cpu_partial_slabs (3 for
 * kmalloc-8k: 6 objects as half-full slabs of 4); the next full slab to
 * turn partial first moves the whole list to the node (__put_partials).
 * get_partial_node() refills a cpu from the node list. */
static void test_cpu_partial_drain(void **state)
{
	struct mmc *m = new_model("256M,2");
	int c = mmc_kmem_cache_find(m, "kmalloc-8k");
	struct mmc_slab_stats st;
	uint64_t pfn[20];
	uint32_t off[20];

	(void)state;
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.cpu_partial, 6);
	assert_int_equal(st.cpu_partial_slabs, 3);
	for (int i = 0; i < 20; i++)	/* 5 full slabs, the last on cpu 0 */
		assert_int_equal(mmc_slab_alloc(m, c, MMC_GFP_KERNEL, 0, &pfn[i],
						&off[i], NULL), 0);
	for (int s = 0; s < 3; s++)
		assert_int_equal(mmc_slab_free(m, c, pfn[4 * s], 0, 1, NULL), 0);
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.cpu_partial_total, 3);
	assert_int_equal(st.nr_partial, 0);
	assert_int_equal(mmc_slab_free(m, c, pfn[12], 0, 1, NULL), 0);
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.cpu_partial_total, 1);
	assert_int_equal(st.nr_partial, 3);
	assert_int_equal(slab_check(m), 0);
	/* cpu 1 takes its own partial slab first, then the node's: the
	 * first one becomes its cpu slab, more go to its partial list
	 * until that holds over cpu_partial_slabs / 2 = 1 */
	uint64_t p;
	uint32_t o;
	assert_int_equal(mmc_slab_alloc(m, c, MMC_GFP_KERNEL, 1, &p, &o, NULL), 0);
	assert_int_equal(p, pfn[12]);	/* the freed object, reused */
	assert_int_equal(mmc_slab_alloc(m, c, MMC_GFP_KERNEL, 1, &p, &o, NULL), 0);
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.nr_partial, 0);		/* 1 + 2 taken */
	assert_int_equal(st.cpu_partial_total, 2);
	assert_int_equal(st.cpu_slabs, 2);
	assert_int_equal(slab_check(m), 0);
	mmc_destroy(m);
}

/* Empty slabs beyond min_partial go back to the buddy allocator: the
 * free page count returns to what the remaining slabs explain. */
static void test_slab_empty_returns_pages(void **state)
{
	struct mmc *m = new_model("256M,2");
	int c = mmc_kmem_cache_find(m, "kmalloc-rcl-4k");	/* 8/slab, o3 */
	enum { N = 8 * 40 };
	static uint64_t pfn[N];
	static uint32_t off[N];
	struct mmc_slab_stats st;
	uint64_t free0 = free_pages_total(m);

	(void)state;
	for (int i = 0; i < N; i++)
		assert_int_equal(mmc_slab_alloc(m, c, MMC_GFP_KERNEL, i % 2,
						&pfn[i], &off[i], NULL), 0);
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.nr_slabs, 40);
	assert_int_equal(m->nodes[0].nr_slab_reclaimable, 40 * 8);
	assert_int_equal(free_pages_total(m), free0 - 40 * 8);
	/* free one object per slab first (all become partial), then the
	 * rest: slabs emptied on the node list beyond min_partial go back */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < N; i++)
			if ((i % 8 == 0) == (pass == 0))
				assert_int_equal(mmc_slab_free(m, c, pfn[i],
						 off[i], 0, NULL), 0);
	assert_int_equal(slab_check(m), 0);
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.objects_inuse, 0);
	/* what stays: min_partial (6 for 4 KiB objects) on the node, the
	 * cpu slabs and the cpu partial lists (at most cpu_partial_slabs) */
	assert_int_equal(st.min_partial, 6);
	assert_true(st.nr_partial <= st.min_partial);
	assert_true(st.nr_slabs <= st.min_partial + 2 +
				   2 * st.cpu_partial_slabs);
	assert_true(st.nr_slabs < 40);
	assert_int_equal(st.pages, st.nr_slabs * 8);
	assert_int_equal(free_pages_total(m), free0 - st.pages);
	assert_int_equal(m->nodes[0].nr_slab_reclaimable, st.pages);
	mmc_destroy(m);
}

static void test_kmalloc_large(void **state)
{
	struct mmc *m = new_model("256M,2");
	uint64_t pfn, free0 = free_pages_total(m), slab0 = m->vm.slab_pages;
	uint32_t off;
	struct mmc_result r;

	(void)state;
	assert_int_equal(mmc_kmalloc(m, 20000, MMC_GFP_KERNEL, 0, &pfn, &off,
				     &r), 0);
	assert_int_equal(off, 0);
	assert_int_equal(pfn & 7, 0);			/* get_order(20000) = 3 */
	assert_int_equal(free_pages_total(m), free0 - 8);
	assert_int_equal(m->vm.slab_pages, slab0);	/* not a slab */
	assert_int_equal(m->nodes[0].nr_slab_unreclaimable, 8);
	assert_int_equal(slab_check(m), 0);
	assert_int_equal(mmc_kfree(m, pfn, 0, 0, &r), 0);
	assert_int_equal(mmc_kfree(m, pfn, 0, 0, &r), -1);
	assert_int_equal(free_pages_total(m), free0);
	assert_int_equal(m->nodes[0].nr_slab_unreclaimable, 0);
	assert_int_equal(mmc_kmalloc(m, 0, MMC_GFP_KERNEL, 0, &pfn, &off, &r), 1);
	mmc_destroy(m);
}

/* allocate_slab(): when the cache's order cannot be had, the minimum
 * order (get_order(size)) is used with fewer objects. */
static void test_slab_order_fallback(void **state)
{
	struct mmc *m = new_model("64M,1");
	int c = mmc_kmem_cache_find(m, "kmalloc-1k");	/* order 1 on 1 cpu */
	struct mmc_slab_stats st;
	struct mmc_slab_info info;
	uint64_t pfn, p;
	uint32_t off;
	int n = 0;

	(void)state;
	assert_int_equal(mmc_kmem_cache_info(m, c, &info), 0);
	assert_true(info.order >= 1);
	/* take every free page, then give back every other one: no free
	 * block above order 0 is left */
	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct mmc_zone *z = m->zones[i];
		uint64_t end = z->start_pfn + z->spanned;
		uint8_t *taken = calloc(z->spanned, 1);

		assert_non_null(taken);
		for (p = z->start_pfn; p < end; p++) {
			taken[p - z->start_pfn] = mmc_alloc_at(m, p, 0,
						MMC_GFP_KERNEL, 0, NULL) == 0;
			n += taken[p - z->start_pfn];
		}
		for (p = z->start_pfn; p < end; p++)
			if ((p & 1) && taken[p - z->start_pfn])
				assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
		free(taken);
	}
	assert_true(n > 10000);
	mmc_drain_all(m);
	assert_int_equal(mmc_slab_alloc(m, c, MMC_GFP_KERNEL, 0, &pfn, &off,
					NULL), 0);
	assert_int_equal(mmc_kmem_cache_stats(m, c, &st), 0);
	assert_int_equal(st.nr_slabs, 1);
	assert_int_equal(st.pages, 1);			/* order 0 */
	assert_int_equal(st.total_objects, 4);		/* 4 KiB / 1 KiB */
	assert_int_equal(slab_check(m), 0);
	mmc_destroy(m);
}

/* Every free page of the model taken (as unreclaimable kernel pages), then
 * nr of them given back in the highest zone: the zone a GFP_KERNEL-like
 * request tries first. */
static void fill_but(struct mmc *m, uint64_t nr)
{
	struct mmc_zone *top = m->zones[m->nr_zones - 1];

	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct mmc_zone *z = m->zones[i];

		for (uint64_t p = z->start_pfn; p < z->start_pfn + z->spanned;
		     p++)
			if (mmc_alloc_at(m, p, 0, MMC_GFP_KERNEL, 0, NULL) == 0 &&
			    z == top && nr) {
				assert_int_equal(mmc_free(m, p, 0, 0, NULL), 0);
				nr--;
			}
	}
	assert_int_equal(nr, 0);
	mmc_drain_all(m);
}

/* allocate_slab() retries at the minimum order with the caller's flags
 * even when the cache's order is its minimum: a __GFP_NOFAIL request below
 * the min mark, with nothing to reclaim, is served from the reserve
 * (__alloc_pages_cpuset_fallback) as the kernel serves it; the same
 * request without NOFAIL fails. */
static void test_slab_nofail_min_order(void **state)
{
	struct mmc *m = new_model("64M,1");
	int c = mmc_kmem_cache_find(m, "kmalloc-64");
	int c2 = mmc_kmem_cache_find(m, "kmalloc-128");
	struct mmc_slab_info info;
	struct mmc_zone_stats zs;
	uint64_t pfn;
	uint32_t off;

	(void)state;
	assert_true(c >= 0 && c2 >= 0);
	assert_int_equal(mmc_kmem_cache_info(m, c, &info), 0);
	assert_int_equal(info.order, 0);
	assert_int_equal(mmc_kmem_cache_info(m, c2, &info), 0);
	assert_int_equal(info.order, 0);
	assert_int_equal(mmc_zone_stats(m, m->nr_zones - 1, &zs), 0);
	assert_true(zs.wmark_min >= 16);
	/* free: 3/4 of the min mark, above the half NOFAIL's reserve needs */
	fill_but(m, zs.wmark_min - zs.wmark_min / 4);
	assert_int_equal(mmc_slab_alloc(m, c2, MMC_GFP_NOFS, 0, &pfn, &off,
					NULL), -1);
	assert_int_equal(mmc_slab_alloc(m, c, MMC_GFP_NOFS | MMC___GFP_NOFAIL,
					0, &pfn, &off, NULL), 0);
	assert_true(pfn >= zs.start_pfn && pfn < zs.start_pfn + zs.spanned);
	assert_int_equal(slab_check(m), 0);
	mmc_destroy(m);
}

/* Random kmalloc/kfree of mixed sizes on several cpus: the lists stay
 * consistent and, when all is freed, only cached slabs remain. */
static void test_slab_churn(void **state)
{
	struct mmc *m = new_model("512M,4");
	enum { MAXLIVE = 4000 };
	static uint64_t pfn[MAXLIVE];
	static uint32_t off[MAXLIVE];
	uint64_t x = 12345, free0 = free_pages_total(m);
	int n = 0;

	(void)state;
	for (int step = 0; step < 60000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned r = (unsigned)(x >> 33);

		if (n < MAXLIVE && (r % 100 < 55 || n == 0)) {
			uint32_t size = 1 + (r >> 8) % 12000;
			uint64_t gfp = MMC_GFP_KERNEL |
				       ((r & 16) ? MMC___GFP_RECLAIMABLE : 0);

			assert_int_equal(mmc_kmalloc(m, size, gfp, (int)(r % 4),
						     &pfn[n], &off[n], NULL), 0);
			n++;
		} else {
			int i = (int)((r >> 4) % (unsigned)n);

			assert_int_equal(mmc_kfree(m, pfn[i], off[i],
						   (int)((r >> 2) % 4), NULL), 0);
			pfn[i] = pfn[n - 1];
			off[i] = off[n - 1];
			n--;
		}
		if (step % 2000 == 0)
			assert_int_equal(slab_check(m), 0);
	}
	while (n > 0) {
		n--;
		assert_int_equal(mmc_kfree(m, pfn[n], off[n], 0, NULL), 0);
	}
	assert_int_equal(slab_check(m), 0);
	assert_int_equal(free_pages_total(m), free0 - m->vm.slab_pages);
	assert_int_equal(m->vm.slab_allocs, m->vm.slab_frees);
	mmc_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmalloc_geometry_fixture),
		cmocka_unit_test(test_all_caches_fixture),
		cmocka_unit_test(test_kmalloc_geometry_live),
		cmocka_unit_test(test_calc_order_cpus),
		cmocka_unit_test(test_kmalloc_index),
		cmocka_unit_test(test_kmalloc_caches_exist),
		cmocka_unit_test(test_slab_lists),
		cmocka_unit_test(test_cpu_partial_drain),
		cmocka_unit_test(test_slab_empty_returns_pages),
		cmocka_unit_test(test_kmalloc_large),
		cmocka_unit_test(test_slab_order_fallback),
		cmocka_unit_test(test_slab_nofail_min_order),
		cmocka_unit_test(test_slab_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
