/* SPDX-License-Identifier: MIT */
/*
 * Replay's start zone table equals the recording kernel's: for every
 * sample trace in traces/samples/, in policy and in mirror mode, the
 * "start" rows of zones.tsv (the model after seeding from the start
 * snapshot) have the header's managed count, min/low/high watermarks,
 * protection against Normal allocations (lowmem_reserve[Normal]) and pcp
 * batch.  On this VM the Normal zone is hot-pluggable (offline sections,
 * holes) and reserved pages are scattered, so the model's pfn layout and
 * the kernel's managed count differ: replay gives mmcore the kernel's
 * count with mmc_zone_set_managed().  Skipped when there are no samples.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glob.h>
#include "replay_util.h"

static glob_t samples;

struct start_row {
	int node;
	char zone[16];
	unsigned long long managed, min, low, high, reserve_normal;
	unsigned pcp_batch;
};

/* The "start" rows of a run's zones.tsv. */
static int read_start_rows(const char *dir, struct start_row *rows, int max)
{
	char path[700], *txt, *save = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "%s/zones.tsv", dir);
	txt = ru_slurp(path, NULL);
	if (!txt)
		return -1;
	for (char *l = strtok_r(txt, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save)) {
		struct start_row *r = &rows[n];
		unsigned long long sp, sz, pr, boost, nf;
		unsigned ph;

		if (strncmp(l, "start\t", 6))
			continue;
		if (sscanf(l + 6, "%d\t%15s\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu"
			   "\t%llu\t%llu\t%llu\t%u\t%u\t%llu", &r->node, r->zone,
			   &sp, &sz, &pr, &r->managed, &r->min, &r->low,
			   &r->high, &boost, &r->reserve_normal, &ph,
			   &r->pcp_batch, &nf) == 14)
			n++;
	}
	free(txt);
	return n;
}

static int zone_idx_of(const char *name)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/* Every populated header zone has an equal start row. */
static void check_run(const char *trace, const char *dir,
		      const struct mmt_header *h)
{
	struct start_row rows[64];
	int n = read_start_rows(dir, rows, 64), matched = 0;

	assert_true(n > 0);
	for (uint32_t i = 0; i < h->nr_zones; i++) {
		const struct mmt_zone_info *z = &h->zones[i];
		const struct start_row *r = NULL;
		int normal = zone_idx_of("Normal");

		if (!z->present || zone_idx_of(z->name) < 0)
			continue;
		for (int j = 0; j < n; j++)
			if (rows[j].node == z->node && !strcmp(rows[j].zone, z->name))
				r = &rows[j];
		assert_non_null(r);
		fprintf(stderr, "%s: node %d %s managed %llu/%llu min %llu/%llu "
			"low %llu/%llu high %llu/%llu (model/kernel)\n", trace,
			z->node, z->name, r->managed,
			(unsigned long long)z->managed, r->min,
			(unsigned long long)z->wmark_min, r->low,
			(unsigned long long)z->wmark_low, r->high,
			(unsigned long long)z->wmark_high);
		assert_int_equal(r->managed, z->managed);
		assert_int_equal(r->min, z->wmark_min);
		assert_int_equal(r->low, z->wmark_low);
		assert_int_equal(r->high, z->wmark_high);
		if (z->nr_reserve > (uint32_t)normal)
			assert_int_equal(r->reserve_normal,
					 z->lowmem_reserve[normal]);
		if (z->pcp_batch)
			assert_int_equal(r->pcp_batch, z->pcp_batch);
		matched++;
	}
	assert_true(matched > 0);
}

static void test_sample_start_zones(void **state)
{
	static const int modes[] = { MMT_REPLAY_POLICY, MMT_REPLAY_MIRROR };
	size_t checked = 0;

	(void)state;
	if (!samples.gl_pathc) {
		fprintf(stderr, "no traces/samples/*.mmt: skipped\n");
		skip();
		return;
	}
	for (size_t i = 0; i < samples.gl_pathc; i++) {
		const char *t = samples.gl_pathv[i];
		char err[512], out[600];
		struct mmt_reader *rd = mmt_reader_open(t, err, sizeof(err));

		if (!rd) {
			fprintf(stderr, "%s: %s (skipped)\n", t, err);
			continue;
		}
		const struct mmt_header *h = mmt_reader_header(rd);
		bool marks = false;

		for (uint32_t z = 0; z < h->nr_zones; z++)
			marks |= h->zones[z].wmark_high != 0;
		for (int k = 0; marks && k < 2; k++) {
			struct mmt_replay_result res;
			int rc;

			snprintf(out, sizeof(out), "%s/zones-%zu-%d", ru_dir, i, k);
			rc = ru_replay(t, out, modes[k], NULL, NULL, 0, &res, err,
				       sizeof(err));
			if (rc)
				fprintf(stderr, "%s: %s\n", t, err);
			assert_int_equal(rc, 0);
			check_run(t, out, h);
			checked++;
		}
		mmt_reader_close(rd);
	}
	if (!checked)
		skip();
}

static int setup(void **state)
{
	const char *dir = getenv("MMTRACE_SAMPLES");
	char pat[512];

	snprintf(pat, sizeof(pat), "%s/*.mmt", dir ? dir : "traces/samples");
	if (glob(pat, 0, NULL, &samples) != 0)
		samples.gl_pathc = 0;
	return ru_setup(state);
}

static int teardown(void **state)
{
	globfree(&samples);
	return ru_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_start_zones),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
