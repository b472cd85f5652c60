/* SPDX-License-Identifier: MIT */
/* `mmtrace stat` through the built binary ($MMTRACE) on a synthetic trace
 * whose every figure is known: perf kmem's counting rules (requests,
 * failures, matched frees, free-only), call sites and processes by name,
 * kmalloc caches by size and gfp, fallbacks, leaks, filters, --sort,
 * --json, and traces without names or cut short.  The live-page table
 * (analyze/pagetab.c): its memory bound, and the same answers whether a
 * pfn is kept in its chunk or in the hash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "trace_util.h"
#include "cli_util.h"
#include "damage_util.h"
#include "../analyze/pagetab.h"
#include "../analyze/stat.h"

static const char *bin;

static uint64_t jget(const char *from, const char *key)
{
	char pat[64];
	const char *p = from ? strstr(cli_out, from) : cli_out;

	assert_non_null(p);
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(p, pat);
	if (!p)
		fail_msg("no %s after %s", key, from ? from : "start");
	return strtoull(p + strlen(pat), NULL, 10);
}

/*
 * pid 10 "cc1": 4 page allocs of order 0 (pfns 100..103, Movable) and one
 * of order 2 (pfn 200, Unmovable), one failed order-3 alloc; frees of 100,
 * 101 and of pfn 999 (never allocated: free-only).
 * pid 20 "as", then "ld" from ts 50000 on: kmalloc site A (0xa) 100
 * bytes -> 128, three times (objects 1, 2, 3), kmem_cache_alloc site B
 * (0xb) cache 0 twice (4, 5); frees of 1 (on another cpu), 4 and of an
 * unknown object; one extfrag Unmovable <- Movable (claimed).
 */
static const char *make_trace(int names, uint32_t block)
{
	struct mmt_header h;
	struct mmt_snapshot s;
	char err[256];
	const char *p = tu_path(names ? "stat.mmt" : "stat-nonames.mmt");

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	if (names)
		h.flags |= MMT_HDR_NAMES;
	assert_int_equal(mmt_synth_snapshot(&s, &h), 0);
	struct mmt_writer *w = mmt_writer_open(p, 1, &h, &s, err, sizeof(err));
	assert_non_null(w);
	mmt_writer_set_block_events(w, block);
	uint64_t mov = mmt_synth_gfp(&h, "GFP_HIGHUSER_MOVABLE");
	uint64_t ker = mmt_synth_gfp(&h, "GFP_KERNEL");
	int mt_m = mmt_synth_mt(&h, "MIGRATE_MOVABLE"), mt_u = mmt_synth_mt(&h, "MIGRATE_UNMOVABLE");
	struct mmt_event ev[32];
	int n = 0;
	uint64_t ts = 1000;
#define E(...) (ev[n] = (struct mmt_event){ .ts = ts += 1000, __VA_ARGS__ }, n++)
	for (int i = 0; i < 4; i++)
		E(.kind = MMT_EV_PAGE_ALLOC, .pid = 10, .pfn = 100 + i, .gfp = mov, .mt = mt_m);
	E(.kind = MMT_EV_PAGE_ALLOC, .pid = 10, .pfn = 200, .order = 2, .gfp = ker, .mt = mt_u);
	E(.kind = MMT_EV_PAGE_ALLOC, .pid = 10, .pfn = UINT64_MAX, .order = 3, .gfp = ker, .mt = mt_u);
	E(.kind = MMT_EV_PAGE_FREE, .pid = 10, .pfn = 100);
	E(.kind = MMT_EV_PAGE_FREE, .pid = 10, .pfn = 101);
	E(.kind = MMT_EV_PAGE_FREE, .pid = 10, .pfn = 999);
	for (int i = 1; i <= 3; i++)
		E(.kind = MMT_EV_KMALLOC, .pid = 20, .cpu = 0, .pfn = 0x5000, .offset = 128 * i,
		  .site = 0xa, .bytes_req = 100, .bytes_alloc = 128, .gfp = ker, .node = 0);
	for (int i = 4; i <= 5; i++)
		E(.kind = MMT_EV_KMEM_CACHE_ALLOC, .pid = 20, .pfn = 0x6000, .offset = 64 * i,
		  .site = 0xb, .cache = 0, .bytes_req = 60, .bytes_alloc = 64, .gfp = ker, .node = 0);
	E(.kind = MMT_EV_KFREE, .pid = 20, .cpu = 1, .pfn = 0x5000, .offset = 128, .site = 0xc);
	E(.kind = MMT_EV_KMEM_CACHE_FREE, .pid = 20, .pfn = 0x6000, .offset = 256, .site = 0xd,
	  .cache = 0);
	E(.kind = MMT_EV_KFREE, .pid = 20, .pfn = 0x7000, .offset = 8, .site = 0xc);
	E(.kind = MMT_EV_EXTFRAG, .pid = 20, .order = 0, .mt = mt_u, .mt2 = mt_m, .arg2 = 1);
	E(.kind = MMT_EV_FAULT_USER, .pid = 10);
#undef E
	if (names) {
		assert_int_equal(mmt_writer_add_comm(w, 10, 0, "cc1"), 0);
		assert_int_equal(mmt_writer_add_comm(w, 20, 0, "as"), 0);
		assert_int_equal(mmt_writer_add_comm(w, 20, 14000, "ld"), 0);
		assert_int_equal(mmt_writer_add_sym(w, 0xa, "alloc_pipe_info+0xd7"), 0);
		assert_int_equal(mmt_writer_add_sym(w, 0xb, "__d_alloc+0x2d"), 0);
	}
	for (int i = 0; i < n; i++)
		assert_int_equal(mmt_writer_add(w, &ev[i]), 0);
	assert_int_equal(mmt_writer_close(w, &s), 0);
	mmt_snapshot_free(&s);
	mmt_header_free(&h);
	return p;
}

static void test_perf_kmem_rules(void **state)
{
	(void)state;
	if (!bin)
		skip();
	const char *p = make_trace(1, 1000);

	assert_int_equal(cli_run(0, "%s stat --json %s", bin, p), 0);
	/* pages: 6 requests (the failure included), 4 + 4 + 8 pages */
	assert_int_equal(jget("\"page\"", "alloc_requests"), 6);
	assert_int_equal(jget("\"page\"", "alloc_pages"), 4 + 4 + 8);
	assert_int_equal(jget("\"page\"", "failures"), 1);
	assert_int_equal(jget("\"page\"", "free_requests"), 3);
	assert_int_equal(jget("\"page\"", "alloc_freed_requests"), 2);
	assert_int_equal(jget("\"page\"", "free_only_requests"), 1);
	assert_int_equal(jget("\"page\"", "live_requests"), 3);
	assert_int_equal(jget("\"page\"", "live_pages"), 6);
	/* slab: 5 allocations, 3 * 100 + 2 * 60 requested, 3 * 128 + 2 * 64 */
	assert_int_equal(jget("\"slab\"", "allocs"), 5);
	assert_int_equal(jget("\"slab\"", "bytes_req"), 420);
	assert_int_equal(jget("\"slab\"", "bytes_alloc"), 512);
	assert_int_equal(jget("\"slab\"", "bytes_freed"), 128 + 64);
	assert_int_equal(jget("\"slab\"", "frees_unmatched"), 1);
	assert_int_equal(jget("\"slab\"", "pingpong"), 1);
	assert_int_equal(jget("\"slab\"", "live_objects"), 3);
	/* sites by bytes: A (384) before B (128), named */
	const char *a = strstr(cli_out, "\"name\": \"alloc_pipe_info+0xd7\"");
	const char *b = strstr(cli_out, "\"name\": \"__d_alloc+0x2d\"");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
	/* processes by pages: cc1 first; pid 20 shows its last name */
	assert_non_null(strstr(cli_out, "\"pid\": 10, \"comm\": \"cc1\""));
	assert_non_null(strstr(cli_out, "\"pid\": 20, \"comm\": \"ld\""));
	/* kmalloc of 128 bytes with GFP_KERNEL: kmalloc-128 when the header
	 * has it, else the large-kmalloc row; cache 0 by index */
	assert_non_null(strstr(cli_out, "\"fallbacks\": [\n {\"wanted\": \"Unmovable\", \"took\": \"Movable\", \"count\": 1, \"claimed\": 1}"));
	assert_non_null(strstr(cli_out, "\"order\": 2, \"migratetype\": \"Unmovable\", \"requests\": 1, \"pages\": 4"));
	assert_int_equal(jget("\"faults\"", "user"), 1);

	/* text: perf kmem's summary lines */
	assert_int_equal(cli_run(0, "%s stat %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "Total allocation requests     :                6   [               64 KB ]"));
	assert_non_null(strstr(cli_out, "Total free-only requests      :                1   [                4 KB ]"));
	assert_non_null(strstr(cli_out, "Total bytes freed:     192"));
	assert_non_null(strstr(cli_out, " alloc_pipe_info+0xd7"));
	assert_non_null(strstr(cli_out, "Unmovable    -> Movable"));
}

static void test_filters_and_sort(void **state)
{
	(void)state;
	if (!bin)
		skip();
	const char *p = make_trace(1, 4);

	/* --comm is by the name at each event: "as" covers the kmallocs
	 * (ts 11000..13000), "ld" the cache allocations from ts 14000 */
	assert_int_equal(cli_run(0, "%s stat --json --comm as %s", bin, p), 0);
	assert_int_equal(jget("\"slab\"", "allocs"), 3);
	assert_int_equal(jget("\"page\"", "alloc_requests"), 0);
	assert_int_equal(cli_run(0, "%s stat --json --comm ld,cc1 %s", bin, p), 0);
	assert_int_equal(jget("\"slab\"", "allocs"), 2);
	assert_int_equal(jget("\"page\"", "alloc_requests"), 6);
	assert_int_equal(cli_run(0, "%s stat --json --pid 10 --end 0.000004 %s", bin, p), 0);
	assert_int_equal(jget("\"page\"", "alloc_requests"), 3);	/* ts 2000..4000 */
	assert_int_equal(cli_run(0, "%s stat --json --start 0.000013 %s", bin, p), 0);
	assert_int_equal(jget("\"page\"", "alloc_requests"), 0);
	assert_int_equal(jget("\"slab\"", "allocs"), 3);
	/* --sort hits: B has 2 hits, A 3: A still first; --sort frag: A 21.9%
	 * before B 6.25% */
	assert_int_equal(cli_run(0, "%s stat --sort frag --only sites %s", bin, p), 0);
	assert_true(strstr(cli_out, "alloc_pipe_info") < strstr(cli_out, "__d_alloc"));
	assert_null(strstr(cli_out, "SUMMARY"));
	assert_int_equal(cli_run(0, "%s stat -l 1 --only sites %s", bin, p), 0);
	assert_null(strstr(cli_out, "__d_alloc"));
	assert_non_null(strstr(cli_out, "... 1 more"));
	/* usage errors */
	assert_int_equal(cli_run(1, "%s stat --sort nosuch %s", bin, p), 2);
	assert_non_null(strstr(cli_out, "--sort: unknown key 'nosuch'"));
	assert_int_equal(cli_run(1, "%s stat --only sites,bogus %s", bin, p), 2);
	assert_int_equal(cli_run(1, "%s stat --pid x %s", bin, p), 2);
	assert_int_equal(cli_run(1, "%s stat", bin), 2);
	assert_int_equal(cli_run(0, "%s stat --help", bin), 0);
	assert_non_null(strstr(cli_out, "EXAMPLES"));
}

static void test_no_names_and_damage(void **state)
{
	(void)state;
	if (!bin)
		skip();
	const char *p = make_trace(0, 4);
	char cut[600];

	assert_int_equal(cli_run(1, "%s stat --only sites,processes %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "no names table"));
	assert_non_null(strstr(cli_out, "0x000000000000000a"));
	assert_int_equal(cli_run(1, "%s stat --comm cc1 %s", bin, p), 2);
	assert_non_null(strstr(cli_out, "no process names"));
	/* a damaged block: skipped and said, the rest counted, exit 3 */
	snprintf(cut, sizeof(cut), "%s.dmg", p);
	assert_int_equal(cli_run(0, "cp %s %s", p, cut), 0);
	assert_true(du_flip(cut, DU_EVENTS, 0, 48 + 6, 0x10) > 0);
	assert_int_equal(cli_run(1, "%s stat --only summary %s", bin, cut), 3);
	assert_non_null(strstr(cli_out, "event block 0 damaged"));
	assert_non_null(strstr(cli_out, "events lost"));
	/* cut inside the events: what was readable is counted, exit 3 */
	snprintf(cut, sizeof(cut), "%s.cut", p);
	long size = tu_file_size(p);
	int found = 0;
	for (int k = 19; k > 5 && !found; k--) {
		assert_int_equal(cli_run(0, "head -c %ld %s > %s", size * k / 20, p, cut), 0);
		if (cli_run(0, "%s stat --json %s", bin, cut) == 3 &&
		    jget(NULL, "events_read") > 0 && jget(NULL, "events_read") < 20)
			found = 1;
	}
	assert_true(found);
	assert_int_equal(cli_run(1, "%s stat /nonexistent.mmt", bin), 1);
	assert_non_null(strstr(cli_out, "/nonexistent.mmt"));
}

/* ---- the live-page table ------------------------------------------------------ */

/* The live pfns and values of t, sorted by pfn, in out[] (at most max). */
static uint64_t live_set(struct pagetab *t, uint64_t (*out)[2], uint64_t max)
{
	uint64_t i = 0, pfn, val, n = 0;

	while (pt_next(t, &i, &pfn, &val)) {
		assert_true(n < max);
		out[n][0] = pfn;
		out[n++][1] = val;
	}
	/* insertion sort: the sets are small */
	for (uint64_t a = 1; a < n; a++)
		for (uint64_t b = a; b > 0 && out[b - 1][0] > out[b][0]; b--) {
			uint64_t x[2] = { out[b][0], out[b][1] };

			out[b][0] = out[b - 1][0];
			out[b][1] = out[b - 1][1];
			out[b - 1][0] = x[0];
			out[b - 1][1] = x[1];
		}
	return n;
}

/* A crafted pattern (one page every 2^22 pfns, up to the format's pfn
 * limit) would take a chunk and gigabytes of directory each: the table
 * stays within its budget, and every page is still found. */
static void test_pagetab_budget(void **state)
{
	const uint64_t budget = (2u << 20) + (64u << 10), n = 2000;
	struct pagetab t;

	(void)state;
	pt_init(&t, budget);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(pt_put(&t, i << 22, i + 1), 0);
	assert_int_equal(pt_put(&t, MMT_MAX_PFN - 1, 7), 0);
	assert_true(t.mem <= budget);
	assert_true(t.full);
	assert_int_equal(t.nr, n + 1);
	/* replacing a live page keeps one entry */
	assert_int_equal(pt_put(&t, 5ull << 22, 99), 0);
	assert_int_equal(t.nr, n + 1);
	uint64_t (*set)[2] = calloc(n + 1, sizeof(*set));
	assert_non_null(set);
	assert_int_equal(live_set(&t, set, n + 1), n + 1);
	for (uint64_t i = 0; i < n; i++) {
		assert_int_equal(set[i][0], i << 22);
		assert_int_equal(set[i][1], i == 5 ? 99 : i + 1);
	}
	assert_int_equal(set[n][0], MMT_MAX_PFN - 1);
	for (uint64_t i = 0; i < n; i++) {
		assert_int_equal(pt_take(&t, i << 22), 1);
		assert_int_equal(pt_take(&t, i << 22), 0);
	}
	assert_int_equal(pt_take(&t, MMT_MAX_PFN - 1), 1);
	assert_int_equal(pt_take(&t, UINT64_MAX), 0);
	assert_int_equal(t.nr, 0);
	assert_true(t.mem <= budget);
	free(set);
	pt_free(&t);
}

/* The same puts and takes, runs of neighbouring pfns and pfns far apart,
 * give the same answers with every page in chunks, every page in the
 * hash, and a budget that runs out part way. */
static void test_pagetab_chunks_or_hash(void **state)
{
	const uint64_t budgets[3] = { 1ull << 30, 0, (2u << 20) + 4096 };
	const uint64_t nops = 200000, max = 70000;
	uint64_t (*sets[3])[2], nlive[3], takes[3] = { 0 };

	(void)state;
	for (int b = 0; b < 3; b++) {
		struct pagetab t;
		uint64_t x = 12345;

		pt_init(&t, budgets[b]);
		for (uint64_t op = 0; op < nops; op++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			uint64_t r = x >> 33;
			/* most in one dense 64k-pfn range, some spread wide */
			uint64_t pfn = (r & 7) ? (r >> 3) % 65536 : (r >> 3) * 4099;

			if (r & 0x100000)
				assert_int_equal(pt_put(&t, pfn, op + 1), 0);
			else
				takes[b] += (uint64_t)pt_take(&t, pfn);
		}
		sets[b] = calloc(max, sizeof(*sets[b]));
		assert_non_null(sets[b]);
		nlive[b] = live_set(&t, sets[b], max);
		assert_int_equal(nlive[b], t.nr);
		assert_true(t.mem <= budgets[b]);
		if (b == 1)
			assert_int_equal(t.mem, 0);
		if (b == 2)
			assert_true(t.full && t.spill.groups > 0 && t.ndir > 0);
		pt_free(&t);
	}
	assert_true(nlive[0] > 1000 && takes[0] > 1000);
	for (int b = 1; b < 3; b++) {
		assert_int_equal(takes[b], takes[0]);
		assert_int_equal(nlive[b], nlive[0]);
		assert_memory_equal(sets[b], sets[0], nlive[0] * sizeof(*sets[0]));
	}
	for (int b = 0; b < 3; b++)
		free(sets[b]);
}

/* Through the binary: a trace of pages 2^22 pfns apart, half freed,
 * past the budget of a small file: counts as when they fit, and the
 * process stays small (without the bound: a 1 GiB directory). */
static void test_stat_scattered_pages(void **state)
{
	struct mmt_header h;
	struct mmt_snapshot s;
	struct rusage ru;
	char err[256];
	const char *p = tu_path("scattered.mmt");
	const uint64_t n = 2000;

	(void)state;
	if (!bin)
		skip();
	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	assert_int_equal(mmt_synth_snapshot(&s, &h), 0);
	struct mmt_writer *w = mmt_writer_open(p, 1, &h, &s, err, sizeof(err));
	assert_non_null(w);
	uint64_t ts = 1000;
	for (uint64_t i = 0; i < n; i++) {
		struct mmt_event e = { .ts = ts += 1000, .kind = MMT_EV_PAGE_ALLOC,
				       .pid = 10, .pfn = i << 22 };
		assert_int_equal(mmt_writer_add(w, &e), 0);
	}
	for (uint64_t i = 0; i < n; i += 2) {
		struct mmt_event e = { .ts = ts += 1000, .kind = MMT_EV_PAGE_FREE,
				       .pid = 10, .pfn = i << 22 };
		assert_int_equal(mmt_writer_add(w, &e), 0);
	}
	assert_int_equal(mmt_writer_close(w, &s), 0);
	mmt_snapshot_free(&s);
	mmt_header_free(&h);
	assert_true((uint64_t)tu_file_size(p) * STAT_PAGES_MEM_PER_BYTE < (1u << 20));

	assert_int_equal(cli_run(0, "%s stat --json %s", bin, p), 0);
	assert_int_equal(jget("\"page\"", "alloc_requests"), n);
	assert_int_equal(jget("\"page\"", "alloc_freed_requests"), n / 2);
	assert_int_equal(jget("\"page\"", "free_only_requests"), 0);
	assert_int_equal(jget("\"page\"", "live_requests"), n / 2);
	assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
#ifndef __SANITIZE_ADDRESS__	/* ASan's own memory would dominate */
	assert_true(ru.ru_maxrss < 200 * 1024);	/* KiB */
#endif
}

int main(void)
{
	(void)tu_write;
	bin = getenv("MMTRACE");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_perf_kmem_rules, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_filters_and_sort, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_no_names_and_damage, tu_setup, tu_teardown),
		cmocka_unit_test(test_pagetab_budget),
		cmocka_unit_test(test_pagetab_chunks_or_hash),
		cmocka_unit_test_setup_teardown(test_stat_scattered_pages, tu_setup, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
