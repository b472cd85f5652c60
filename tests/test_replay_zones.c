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
#include "cli_util.h"
#include "mmcore.h"
#include "replay_util.h"

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
	if (!ru_samples.gl_pathc) {
		fprintf(stderr, "no traces/samples/*.mmt: skipped\n");
		skip();
		return;
	}
	for (size_t i = 0; i < ru_samples.gl_pathc; i++) {
		const char *t = ru_samples.gl_pathv[i];
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

/* Memory hot-add: the upper half of the zone is offline at the start and
 * online (free) at the end, and the collector saw managed grow from 4096
 * to 8192.  The model starts with the header's 4096 managed pages and,
 * after the resize, manages 8192 with marks recomputed (online_pages()
 * -> setup_per_zone_wmarks()), in both replay modes. */
static void hotadd_check(int other_node)
{
	static const int modes[] = { MMT_REPLAY_POLICY, MMT_REPLAY_MIRROR };
	static const char *const sets[] = { "vm.watermark_scale_factor=1000" };
	struct rk k;
	char err[512];
	const char *path = ru_path(other_node ? "hotadd-other.mmt" : "hotadd.mmt");

	assert_int_equal(rk_init(&k, 8192, 1), 0);
	struct mmt_zone_info *z = &k.h.zones[0];
	uint64_t lo = z->start_pfn, half = 4096;

	z->managed = half;
	z->nr_free = half;
	free(k.start.runs);
	free(k.start.free_blocks);
	k.start.runs = calloc(3, sizeof(*k.start.runs));
	k.start.free_blocks = calloc(4, sizeof(*k.start.free_blocks));
	assert_non_null(k.start.runs);
	assert_non_null(k.start.free_blocks);
	k.start.runs[0] = (struct mmt_class_run){ 0, lo, MMT_PC_HOLE };
	k.start.runs[1] = (struct mmt_class_run){ lo, half, MMT_PC_FREE };
	k.start.runs[2] = (struct mmt_class_run){ lo + half, half, MMT_PC_OFFLINE };
	k.start.nr_runs = 3;
	for (unsigned i = 0; i < 4; i++)
		k.start.free_blocks[i] = (struct mmt_free_block){
			lo + 1024ull * i, 10,
			(int8_t)mmt_synth_mt(&k.h, "MIGRATE_MOVABLE"), 1, 0 };
	k.start.nr_free_blocks = 4;
	struct mmt_event *e = rk_push(&k, MMT_EV_ZONE_RESIZE, 0);
	e->node = z->node + (other_node ? 5 : 0);
	e->arg = (uint64_t)z->zone_idx;
	e->addr = 2 * half;	/* new managed */
	e->arg2 = half;		/* old managed */
	assert_int_equal(rk_write(&k, path, 64), 0);
	/* mirror mode onlines what the end snapshot shows anyway
	 * (online_rest), so only policy mode tells a missed resize */
	for (int m = 0; m < (other_node ? 1 : 2); m++) {
		struct mmt_replay_result res;
		struct start_row rows[8];
		char out[600], tsv[700], *txt, *save = NULL;
		unsigned long long end_managed = 0, end_low = 0;

		snprintf(out, sizeof(out), "%s/hotadd-%d-%d", ru_dir,
			 other_node, m);
		if (ru_replay(path, out, modes[m], NULL, sets, 1, &res, err,
			      sizeof(err)))
			fail_msg("%s", err);
		assert_int_equal(read_start_rows(out, rows, 8), 1);
		assert_int_equal(rows[0].managed, half);
		snprintf(tsv, sizeof(tsv), "%s/zones.tsv", out);
		txt = ru_slurp(tsv, NULL);
		assert_non_null(txt);
		for (char *l = strtok_r(txt, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save)) {
			unsigned long long v[9];
			char zn[16];
			int node;

			if (!strncmp(l, "end\t", 4) &&
			    sscanf(l + 4, "%d\t%15s\t%llu\t%llu\t%llu\t%llu\t%llu"
				   "\t%llu\t%llu", &node, zn, &v[0], &v[1], &v[2],
				   &v[3], &v[4], &v[5], &v[6]) == 9) {
				end_managed = v[3];
				end_low = v[5];
			}
		}
		free(txt);
		fprintf(stderr, "hot-add (%s): managed %llu -> %llu, low %llu -> %llu\n",
			m ? "mirror" : "policy", rows[0].managed, end_managed,
			rows[0].low, end_low);
		if (other_node) {
			assert_int_equal(end_managed, half);
			assert_int_equal(end_low, rows[0].low);
			continue;
		}
		assert_int_equal(end_managed, 2 * half);
		assert_true(end_low > rows[0].low);
	}
	rk_free_all(&k);
}

static void test_hotadd_managed_follows(void **state)
{
	(void)state;
	hotadd_check(0);
}

/* The same resize naming a node the header lacks changes nothing in
 * policy mode: the event's node reaches zone_resize() (replay leaves the
 * node column of other kinds undecoded; a node read as 0 here would grow
 * node 0's zone). */
static void test_hotadd_other_node_ignored(void **state)
{
	(void)state;
	hotadd_check(1);
}

/* A ZONE_FREE sample of zone z: the kernel's free pages then. */
static void zone_sample(struct rk *k, const struct mmt_zone_info *z,
			uint64_t zone_idx, uint64_t free)
{
	struct mmt_event *e = rk_push(k, MMT_EV_ZONE_FREE, 0);

	e->node = z->node;
	e->arg = zone_idx;
	e->addr = free;
}

/* The model's free pages of each zone_free.tsv row, in order. */
static int read_model_free(const char *dir, unsigned long long *v, int max)
{
	char path[700], *txt, *save = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "%s/zone_free.tsv", dir);
	txt = ru_slurp(path, NULL);
	if (!txt)
		return -1;
	for (char *l = strtok_r(txt, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save)) {
		unsigned long long kf, kb, mb;
		char zn[16];
		double t;
		int node;

		if (sscanf(l, "%lf\t%d\t%15s\t%llu\t%llu\t%llu\t%llu", &t,
			   &node, zn, &kf, &v[n], &kb, &mb) == 7)
			n++;
	}
	free(txt);
	return n;
}

/* The recorder's zoneinfo samples beside the model's zone (zonefree.c):
 * five samples of the Normal zone with the kernel's free pages 500 down
 * to 100 give its 10th percentile 100 and median 300; the model's free
 * pages sit in the same rows and drop by the 1024 pages of an order-10
 * allocation made between the first sample and the second; a sample
 * naming a zone the header lacks is counted as bad, never compared, and
 * `mmtrace info` gives the zone's min, mean and max.  A trace without
 * MMT_HDR_ZONE_FREE has neither zone_free.tsv nor samples ("zone_free":
 * null), whatever its events, and info says they were not recorded. */
static void zone_free_check(int flag)
{
	struct rk k;
	char err[512], out[600], js_path[700], *js;
	const char *path = ru_path(flag ? "zonefree.mmt" : "zonefree-old.mmt");
	struct mmt_replay_result res;
	unsigned long long mf[8];
	const struct mmt_zone_info *z;

	assert_int_equal(rk_init(&k, 8192, 1), 0);
	if (flag)
		k.h.flags |= MMT_HDR_ZONE_FREE;
	z = &k.h.zones[0];
	zone_sample(&k, z, (uint64_t)z->zone_idx, 500);
	rk_alloc_at(&k, rk_find(&k, 10, 0), 10, "GFP_KERNEL",
		    "MIGRATE_UNMOVABLE", 0);
	for (uint64_t f = 400; f >= 100; f -= 100)
		zone_sample(&k, z, (uint64_t)z->zone_idx, f);
	zone_sample(&k, z, (uint64_t)z->zone_idx + 1, 100);	/* no such zone */
	assert_int_equal(rk_write(&k, path, 64), 0);
	snprintf(out, sizeof(out), "%s/zonefree-%d", ru_dir, flag);
	if (ru_replay(path, out, MMT_REPLAY_POLICY, NULL, NULL, 0, &res, err,
		      sizeof(err)))
		fail_msg("%s", err);
	snprintf(js_path, sizeof(js_path), "%s/summary.json", out);
	js = ru_slurp(js_path, NULL);
	assert_non_null(js);
	assert_int_equal(cli_run(0, "%s info %s", getenv("MMTRACE") ?
				 getenv("MMTRACE") : "build/mmtrace", path), 0);
	assert_non_null(strstr(cli_out, flag ?
			       "Normal min 100 mean 300 max 500 over 5 samples, "
			       "boosted in 0\n           1 samples of no zone" :
			       "zone free  not recorded"));
	if (!flag) {
		assert_int_equal(read_model_free(out, mf, 8), -1);
		assert_int_equal(res.zone_free_samples[MMC_ZONE_NORMAL], 0);
		assert_non_null(strstr(js, "\"zone_free\": null"));
		free(js);
		rk_free_all(&k);
		return;
	}
	assert_int_equal(read_model_free(out, mf, 8), 5);
	fprintf(stderr, "zone_free: model %llu then %llu (order-10 "
		"allocation between)\n", mf[0], mf[1]);
	assert_int_equal(mf[0] - mf[1], 1024);
	assert_int_equal(mf[1], mf[4]);
	assert_int_equal(res.zone_free_samples[MMC_ZONE_NORMAL], 5);
	assert_int_equal(res.kernel_free_p10[MMC_ZONE_NORMAL], 100);
	assert_int_equal(res.kernel_free_p50[MMC_ZONE_NORMAL], 300);
	assert_int_equal(res.model_free_p50[MMC_ZONE_NORMAL], mf[1]);
	assert_non_null(strstr(js, "\"bad_samples\": 1"));
	free(js);
	rk_free_all(&k);
}

static void test_zone_free_samples(void **state)
{
	(void)state;
	zone_free_check(1);
}

static void test_zone_free_not_recorded(void **state)
{
	(void)state;
	zone_free_check(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_start_zones),
		cmocka_unit_test(test_hotadd_managed_follows),
		cmocka_unit_test(test_hotadd_other_node_ignored),
		cmocka_unit_test(test_zone_free_samples),
		cmocka_unit_test(test_zone_free_not_recorded),
	};

	return cmocka_run_group_tests(tests, ru_samples_setup,
				      ru_samples_teardown);
}
