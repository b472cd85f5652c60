/* SPDX-License-Identifier: MIT */
/*
 * Host facts and snapshots of the collector (collector/host.c,
 * collector/snapshot.c) on the real machine: the header must describe this
 * host as /proc and /sys do, the tracefs fallback for gfp bits must agree
 * with BTF, and a snapshot's page classes must cover every pfn.  Needs
 * root (/proc/pagetypeinfo, /proc/kpageflags); skips otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "../collector/collector.h"

static const struct mmt_named_value *named(const struct mmt_named_value *v,
					   uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static void test_header_matches_host(void **state)
{
	struct mmt_header h;
	struct btf *btf = btf__load_vmlinux_btf();
	char err[256], buf[64];
	const char *v;

	(void)state;
	if (geteuid() != 0)
		skip();
	memset(&h, 0, sizeof(h));
	assert_int_equal(coll_host_fill(&h, btf, err, sizeof(err)), 0);
	assert_int_equal(h.page_size, (uint32_t)sysconf(_SC_PAGESIZE));
	assert_int_equal(h.nr_cpus, (uint32_t)sysconf(_SC_NPROCESSORS_CONF));
	assert_true(h.nr_zones >= 1);
	assert_true(h.pageblock_order > 0 && h.pageblock_order <= h.max_order);
	v = mmt_header_sysctl(&h, "vm.min_free_kbytes");
	assert_non_null(v);
	assert_true(coll_read_file("/proc/sys/vm/min_free_kbytes", buf, sizeof(buf)) > 0);
	assert_int_equal(atol(v), atol(buf));
	assert_non_null(named(h.gfp_bits, h.nr_gfp_bits, "__GFP_MOVABLE"));
	assert_non_null(named(h.migratetypes, h.nr_migratetypes, "MIGRATE_MOVABLE"));
	assert_non_null(named(h.zone_types, h.nr_zone_types, "ZONE_NORMAL"));
	assert_true(h.nr_slab_caches > 1);
	assert_string_equal(h.slab_caches[h.nr_slab_caches - 1].name, "(unlisted)");
	for (uint32_t i = 0; i + 2 < h.nr_slab_caches; i++)
		assert_true(strcmp(h.slab_caches[i].name, h.slab_caches[i + 1].name) < 0);

	/* without BTF: the gfp layout parsed from the tracefs print fmt must
	 * give every single-bit flag the mask BTF gives it */
	if (btf) {
		struct mmt_header t;
		int same = 0;

		memset(&t, 0, sizeof(t));
		assert_int_equal(coll_host_fill(&t, NULL, err, sizeof(err)), 0);
		assert_true(t.nr_gfp_bits > 10);
		for (uint32_t i = 0; i < t.nr_gfp_bits; i++) {
			const struct mmt_named_value *b =
				named(h.gfp_bits, h.nr_gfp_bits, t.gfp_bits[i].name);

			if (b) {
				assert_int_equal(b->value, t.gfp_bits[i].value);
				same++;
			}
		}
		assert_true(same > 10);
		mmt_header_free(&t);
	}
	mmt_header_free(&h);
	btf__free(btf);
}

static void test_snapshot_covers_memory(void **state)
{
	struct mmt_header h;
	struct mmt_snapshot s;
	char err[256];
	uint64_t next = 0, free_pages = 0, buddy = 0;

	(void)state;
	if (geteuid() != 0)
		skip();
	memset(&h, 0, sizeof(h));
	assert_int_equal(coll_host_fill(&h, NULL, err, sizeof(err)), 0);
	if (coll_snapshot(&h, &s, 0, NULL, NULL, err, sizeof(err)))
		fail_msg("%s", err);
	/* runs are sorted, contiguous from pfn 0 */
	for (uint64_t i = 0; i < s.nr_runs; i++) {
		assert_int_equal(s.runs[i].pfn, next);
		assert_true(s.runs[i].len > 0);
		assert_true(s.runs[i].cls < MMT_PC__COUNT);
		next += s.runs[i].len;
	}
	assert_true(next > 0);
	for (uint64_t i = 0; i < s.nr_free_blocks; i++) {
		assert_true(s.free_blocks[i].order <= h.max_order);
		assert_int_equal(s.free_blocks[i].pfn & ((1ull << s.free_blocks[i].order) - 1), 0);
		if (i)
			assert_true(s.free_blocks[i].pfn > s.free_blocks[i - 1].pfn);
		free_pages += 1ull << s.free_blocks[i].order;
	}
	for (int z = 0; z < MMT_MAX_ZONE_TYPES; z++)
		for (int o = 0; o < MMT_NR_ORDERS; o++)
			buddy += s.buddyinfo[0][z][o] << o;
	/* inferred from a ~1 s scan, buddyinfo is one moment */
	assert_true(free_pages > buddy * 95 / 100 && free_pages < buddy * 105 / 100);
	assert_true(s.nr_vmstat > 10);
	mmt_snapshot_free(&s);
	mmt_header_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_matches_host),
		cmocka_unit_test(test_snapshot_covers_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
