/* SPDX-License-Identifier: MIT */
/* `mmtrace info` and `mmtrace dump` through the built binary ($MMTRACE,
 * set by `make test`), on synthetic traces written with the real writer. */
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

static const char *bin;

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static uint64_t json_u64(const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = strstr(cli_out, pat);
	assert_non_null(p);
	return strtoull(p + strlen(pat), NULL, 10);
}

/* 1000 fault-loop events with pcp events, plus one of each other kind
 * we check by name (a compaction_begin as the collector stores it: the
 * scanners relative to zone_start). */
static const char *make_trace(size_t *nev)
{
	struct mmt_header h;
	enum { N = 1000 };
	struct mmt_event ev[N + 5];
	const char *p = tu_path("cli.mmt");

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	struct mmt_synth_loop o = { .pcp_events = 1, .seed = 5 };
	mmt_synth_fault_loop(&h, &o, ev, N);
	ev[N] = (struct mmt_event){ .ts = ev[N - 1].ts + 10, .kind = MMT_EV_LOST,
				    .cpu = 1, .arg = 17 };
	ev[N + 1] = (struct mmt_event){ .ts = ev[N - 1].ts + 20, .kind = MMT_EV_PAGE_ALLOC,
					.pfn = 0x200000, .order = 9,
					.gfp = mmt_synth_gfp(&h, "GFP_TRANSHUGE"),
					.mt = mmt_synth_mt(&h, "MIGRATE_MOVABLE") };
	ev[N + 2] = (struct mmt_event){ .ts = ev[N - 1].ts + 30, .kind = MMT_EV_KMEM_CACHE_ALLOC,
					.pfn = 0x1234, .offset = 192, .cache = 5,
					.bytes_req = 180, .bytes_alloc = 192,
					.gfp = mmt_synth_gfp(&h, "GFP_KERNEL") };
	/* proactive compaction: order -1 */
	ev[N + 3] = (struct mmt_event){ .ts = ev[N - 1].ts + 40,
					.kind = MMT_EV_COMPACT_FINISHED,
					.order = (uint32_t)-1, .arg = 2, .mt2 = 4 };
	ev[N + 4] = (struct mmt_event){ .ts = ev[N - 1].ts + 50,
					.kind = MMT_EV_COMPACTION_BEGIN,
					.pfn = 0x1000, .addr = 0x100000,
					.arg = 0x1fa00, .arg2 = 0xfee00 };
	assert_int_equal(tu_write(p, &h, ev, N + 5, 100), 0);
	mmt_header_free(&h);
	*nev = N + 5;
	return p;
}

static void test_info_json(void **state)
{
	(void)state;
	if (!bin)
		skip();
	size_t n;
	const char *p = make_trace(&n);
	assert_int_equal(cli_run(0, "%s info --json %s", bin, p), 0);
	assert_int_equal(count_lines(cli_out), 1);
	assert_int_equal(json_u64("events"), n);
	assert_int_equal(json_u64("lost"), 17);
	assert_int_equal(json_u64("file_bytes"), (uint64_t)tu_file_size(p));
	assert_true(json_u64("duration_ns") > 0);
	/* counts include kinds that never occur */
	assert_int_equal(json_u64("kmalloc"), 0);
	assert_int_equal(json_u64("kmem_cache_alloc"), 1);
	uint64_t allocs = json_u64("page_alloc"), faults = json_u64("fault_user");
	assert_int_equal(allocs, faults + 1);
	assert_int_equal(json_u64("pages_allocated"), faults + 512);
	assert_true(json_u64("page_free") > 0);
	assert_int_equal(json_u64("pages_freed"), json_u64("page_free"));
	assert_non_null(strstr(cli_out, "\"truncated\": null"));
	assert_non_null(strstr(cli_out, "\"counts\": {"));
	assert_int_equal(cli_out[0], '{');

	/* text form */
	assert_int_equal(cli_run(0, "%s info %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "6.18.0-synth"));
	assert_non_null(strstr(cli_out, "lost       17"));
	assert_non_null(strstr(cli_out, "fault_user"));
}

static void test_dump_lines(void **state)
{
	(void)state;
	if (!bin)
		skip();
	size_t n;
	const char *p = make_trace(&n);
	assert_int_equal(cli_run(0, "%s dump %s", bin, p), 0);
	assert_int_equal(count_lines(cli_out), (int)n);
	assert_non_null(strstr(cli_out, "page_alloc: pfn=0x200000 order=9 gfp=GFP_TRANSHUGE mt=Movable"));
	assert_non_null(strstr(cli_out, "gfp=GFP_HIGHUSER_MOVABLE|__GFP_ZERO mt=Movable"));
	assert_non_null(strstr(cli_out, "kmem_cache_alloc: obj=0x1234+192"));
	assert_non_null(strstr(cli_out, "cache=dentry"));
	assert_non_null(strstr(cli_out, "gfp=GFP_KERNEL"));
	assert_non_null(strstr(cli_out, "lost: count=17"));
	assert_non_null(strstr(cli_out, "compact_finished: nid=0 zid=2 order=-1 result=4"));
	/* absolute pfns, as the kernel's tracepoint prints them */
	assert_non_null(strstr(cli_out, "compaction_begin: zone_start=0x1000 "
			       "zone_end=0x100000 migrate_pfn=0x20a00 free_pfn=0xffe00 sync=0"));
	assert_non_null(strstr(cli_out, "    4242 [000]      0.000"));

	assert_int_equal(cli_run(0, "%s dump --kind lost,kmem_cache_alloc %s", bin, p), 0);
	assert_int_equal(count_lines(cli_out), 2);
	assert_int_equal(cli_run(0, "%s dump --start 0.0002 --end 0.0003 --kind fault_user %s",
			     bin, p), 0);
	int k = count_lines(cli_out);
	assert_true(k > 20 && k < 150);
	assert_null(strstr(cli_out, "      0.0001"));
	assert_null(strstr(cli_out, "      0.0003"));
}

/* A trace whose recorder wrote causes, file identities and loss windows
 * (MMT_HDR_CAUSES | FILE_IDS | LOST_TIMES): the end snapshot's vmstat has
 * pgsteal_kswapd 100 and pgmigrate_success 8 more than the start's. */
static const char *make_cause_trace(void)
{
	struct mmt_header h;
	struct mmt_snapshot a, b;
	char err[256];
	const char *p = tu_path("causes.mmt");
	struct mmt_event ev[] = {
		{ .ts = 500, .kind = MMT_EV_PAGE_FREE, .pfn = 0x1000, .order = 9,
		  .arg2 = MMT_FREE_KSWAPD_EVICT },	/* before the window */
		{ .ts = 1500, .kind = MMT_EV_PAGE_FREE, .pfn = 0x2000, .order = 5,
		  .arg2 = MMT_FREE_KSWAPD_EVICT },
		{ .ts = 1600, .kind = MMT_EV_PAGE_FREE, .pfn = 0x2040, .order = 6,
		  .arg2 = MMT_FREE_KSWAPD_EVICT },
		{ .ts = 1700, .kind = MMT_EV_FILEMAP_DEL, .pfn = 0x3000,
		  .offset = (8u << 20) | 1, .arg = 0x4a2, .addr = 77,
		  .arg2 = MMT_FREE_DIRECT_EVICT },
		{ .ts = 1800, .kind = MMT_EV_COMPACT_ISOLATE, .pfn = 0x4000, .order = 3 },
		{ .ts = 1900, .kind = MMT_EV_MIGRATE, .pfn = 0x5000, .addr = 0x4000,
		  .order = 3 },
		{ .ts = 1900, .kind = MMT_EV_PAGE_FREE, .pfn = 0x5000, .order = 3,
		  .arg2 = MMT_FREE_MIGRATE_SOURCE },
		{ .ts = 1950, .kind = MMT_EV_LOST, .cpu = 1, .arg = 5, .addr = 1950,
		  .arg2 = 1990 },
		{ .ts = 2000, .kind = MMT_EV_PAGE_FREE, .pfn = 0x6000, .order = 0,
		  .arg2 = MMT_FREE_COMPACT_RETURN },
	};

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS | MMT_HDR_LOST_TIMES;
	assert_int_equal(mmt_synth_snapshot(&a, &h), 0);
	assert_int_equal(mmt_synth_snapshot(&b, &h), 0);
	a.ts = 1000;
	b.ts = 3000;
	strcpy(a.vmstat[0].name, "pgsteal_kswapd");
	strcpy(a.vmstat[0].value, "1000");
	strcpy(a.vmstat[1].name, "pgmigrate_success");
	strcpy(a.vmstat[1].value, "10");
	strcpy(b.vmstat[0].name, "pgsteal_kswapd");
	strcpy(b.vmstat[0].value, "1100");
	strcpy(b.vmstat[1].name, "pgmigrate_success");
	strcpy(b.vmstat[1].value, "18");
	struct mmt_writer *w = mmt_writer_open(p, 1, &h, &a, err, sizeof(err));
	assert_non_null(w);
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		assert_int_equal(mmt_writer_add(w, &ev[i]), 0);
	assert_int_equal(mmt_writer_close(w, &b), 0);
	mmt_snapshot_free(&a);
	mmt_snapshot_free(&b);
	mmt_header_free(&h);
	return p;
}

static void test_causes(void **state)
{
	(void)state;
	if (!bin)
		skip();
	const char *p = make_cause_trace();

	assert_int_equal(cli_run(0, "%s dump %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "page_free: pfn=0x2000 order=5 cause=kswapd_evict"));
	assert_non_null(strstr(cli_out, "filemap_del: pfn=0x3000 order=0 dev=8:1 ino=0x4a2 "
				       "index=77 cause=direct_evict"));
	assert_non_null(strstr(cli_out, "compact_isolate: pfn=0x4000 order=3 by=scanner"));
	assert_non_null(strstr(cli_out, "migrate: pfn=0x5000 to=0x4000 order=3"));
	assert_non_null(strstr(cli_out, "cause=compact_return"));
	assert_non_null(strstr(cli_out, "lost: count=5 first=0.000001 last=0.000001"));

	/* frees in the snapshots' window by cause, beside the kernel's
	 * counters: 32 + 64 kswapd pages (the 512 before the window are
	 * not counted) against 100; 8 migrated against 8 */
	assert_int_equal(cli_run(0, "%s info %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "kswapd_evict           96"));
	assert_non_null(strstr(cli_out, "kernel pgsteal_kswapd  100, trace 96 (-4.00%)"));
	assert_non_null(strstr(cli_out, "kernel pgmigrate_success 8, trace 8 (+0.00%)"));
	assert_non_null(strstr(cli_out, "(not a free: back on compaction's list)"));
	assert_null(strstr(cli_out, "pgsteal_direct"));	/* not in vmstat */
	assert_int_equal(cli_run(0, "%s info --json %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "\"free_causes\": {\"window_ns\": [1000, 3000]"));
	assert_non_null(strstr(cli_out, "\"pgsteal_kswapd\": {\"kernel\": 100, \"trace\": 96}"));

	/* a trace without the flag says so and prints no cause */
	size_t n;
	p = make_trace(&n);
	assert_int_equal(cli_run(0, "%s info %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "causes     not recorded"));
	assert_int_equal(cli_run(0, "%s dump %s", bin, p), 0);
	assert_null(strstr(cli_out, "cause="));
	assert_int_equal(cli_run(0, "%s info --json %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "\"free_causes\": null"));
}

static void test_bad_input(void **state)
{
	(void)state;
	if (!bin)
		skip();
	size_t n;
	const char *p = make_trace(&n);
	const char *cut = tu_path("cut.mmt");
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "head -c %ld %s > %s", tu_file_size(p) / 2, p, cut);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cli_run(0, "%s info --json %s", bin, cut), 3);
	assert_non_null(strstr(cli_out, "\"truncated\": \""));
	assert_int_equal(cli_run(1, "%s dump %s", bin, cut), 3);
	assert_non_null(strstr(cli_out, "cut.mmt: truncated at offset"));

	assert_int_equal(cli_run(1, "%s info %s", bin, tu_path("none.mmt")), 1);
	assert_non_null(strstr(cli_out, "none.mmt: No such file"));
	assert_int_equal(count_lines(cli_out), 1);
	snprintf(cmd, sizeof(cmd), "head -c 30 %s > %s", p, cut);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cli_run(1, "%s dump %s", bin, cut), 3);
	assert_non_null(strstr(cli_out, "cut.mmt: offset 30: truncated header"));
	assert_int_equal(cli_run(1, "%s info %s", bin, tu_dir), 1);
	assert_non_null(strstr(cli_out, "not a regular file"));
	assert_int_equal(cli_run(1, "%s dump --kind nope %s", bin, p), 2);
	assert_non_null(strstr(cli_out, "--kind: unknown event kind 'nope'"));
	assert_int_equal(cli_run(1, "%s dump --start abc %s", bin, p), 2);
	assert_non_null(strstr(cli_out, "--start"));
	assert_int_equal(cli_run(1, "%s info", bin), 2);
	assert_int_equal(cli_run(0, "%s info --help", bin), 0);
	assert_non_null(strstr(cli_out, "usage: mmtrace info"));
	assert_int_equal(cli_run(0, "%s dump --help", bin), 0);
	assert_non_null(strstr(cli_out, "usage: mmtrace dump"));
}

/* A copy of the trace at p, named dmg.mmt, with byte `at` of the nth
 * section of `kind` xor x: its offset. */
static uint64_t damaged_copy(const char *p, unsigned kind, unsigned nth,
			     uint64_t at, uint8_t x)
{
	char cmd[1024];
	uint64_t off;

	snprintf(cmd, sizeof(cmd), "cp %s %s", p, tu_path("dmg.mmt"));
	assert_int_equal(system(cmd), 0);
	off = du_flip(tu_path("dmg.mmt"), kind, nth, at, x);
	assert_true(off > 0);
	return off;
}

/* The damage tests' trace (at p) and its damaged copy's path (d), as
 * copies: tu_path() hands out a few rotating buffers.  Skips without the
 * binary. */
static void damage_setup(char p[512], char d[512], size_t *n)
{
	if (!bin)
		skip();
	snprintf(p, 512, "%s", make_trace(n));
	snprintf(d, 512, "%s", tu_path("dmg.mmt"));
}

/* Every kind of damage: exit 3, one line naming the file and the offset,
 * and the rest of the file still shown; damage is never shown as a
 * missing snapshot or as a truncation. */
static void test_damage(void **state)
{
	char d[512], p[512], want[800];
	uint64_t off;
	size_t n;

	(void)state;
	damage_setup(p, d, &n);

	/* a corrupt block (its payload): skipped, the others printed */
	off = damaged_copy(p, DU_EVENTS, 3, 48 + 7, 0x55);
	assert_int_equal(cli_run(0, "%s dump %s", bin, d), 3);
	assert_int_equal(count_lines(cli_out), (int)n - 100);
	assert_int_equal(cli_run(1, "{ %s dump %s >/dev/null; }", bin, d), 3);
	snprintf(want, sizeof(want), "mmtrace dump: %s: offset %llu: event block 3 damaged",
		 d, (unsigned long long)off);
	assert_non_null(strstr(cli_out, want));
	assert_non_null(strstr(cli_out, "100 of its 100 events lost"));
	assert_int_equal(cli_run(0, "%s info --json %s", bin, d), 3);
	assert_int_equal(json_u64("events"), n - 100);
	assert_int_equal(json_u64("events_lost_to_damage"), 100);
	assert_int_equal(json_u64("damaged_parts"), 1);
	assert_non_null(strstr(cli_out, "\"error\": \""));
	assert_non_null(strstr(cli_out, "\"truncated\": null"));
	assert_int_equal(cli_run(0, "%s info %s", bin, d), 3);
	assert_non_null(strstr(cli_out, "\ndamage     "));

	/* snapshots: damaged, not "none" / null */
	off = damaged_copy(p, DU_SNAP_START, 0, 48 + 9, 0x01);
	assert_int_equal(cli_run(0, "%s info %s", bin, d), 3);
	snprintf(want, sizeof(want), "start      damaged: %s: offset %llu: start snapshot damaged",
		 d, (unsigned long long)off);
	assert_non_null(strstr(cli_out, want));
	assert_null(strstr(cli_out, "start      none"));
	assert_int_equal(cli_run(0, "%s info --json %s", bin, d), 3);
	assert_non_null(strstr(cli_out, "\"start\": {\"damaged\": \""));
	assert_null(strstr(cli_out, "\"error\": null"));
	damaged_copy(p, DU_SNAP_END, 0, 48 + 9, 0x01);
	assert_int_equal(cli_run(0, "%s info --json %s", bin, d), 3);
	assert_non_null(strstr(cli_out, "\"end\": {\"damaged\": \""));
	assert_null(strstr(cli_out, "\"error\": null"));

	/* the index and the footer: damage, not a truncation; nothing lost */
	off = damaged_copy(p, DU_INDEX, 0, 48 + 5, 0x02);
	assert_int_equal(cli_run(0, "%s info --json %s", bin, d), 3);
	assert_int_equal(json_u64("events"), n);
	assert_non_null(strstr(cli_out, "\"truncated\": null"));
	snprintf(want, sizeof(want), "offset %llu: damaged index", (unsigned long long)off);
	assert_non_null(strstr(cli_out, want));
	off = damaged_copy(p, DU_FOOTER, 0, 3, 0x08);
	assert_int_equal(cli_run(1, "{ %s dump %s >/dev/null; }", bin, d), 3);
	snprintf(want, sizeof(want), "offset %llu: damaged footer", (unsigned long long)off);
	assert_non_null(strstr(cli_out, want));
	assert_null(strstr(cli_out, "truncated"));
	assert_int_equal(count_lines(cli_out), 1);

	/* not a trace at all */
	assert_int_equal(system("echo 'just text, long enough to be read' > "
				"/tmp/mmtrace-not-a-trace.mmt"), 0);
	assert_int_equal(cli_run(1, "%s info /tmp/mmtrace-not-a-trace.mmt", bin), 3);
	assert_non_null(strstr(cli_out, "not-a-trace.mmt: offset 0: not an mmtrace file"));
	unlink("/tmp/mmtrace-not-a-trace.mmt");
	/* none of these took more than 512 MB (the largest child) */
	struct rusage ru;
	assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
	assert_true(ru.ru_maxrss < 512 * 1024);
}

/* The other commands that read a trace or write a folder keep the rule:
 * diff measures a damaged capture from what is readable and exits 3, and
 * refuses a non-empty -o DIR; import refuses an existing OUT (2) and a
 * file that is no capture (3), before any work. */
static void test_diff_and_import(void **state)
{
	char p[512], d[512], dir[600];
	size_t n;

	(void)state;
	damage_setup(p, d, &n);
	damaged_copy(p, DU_EVENTS, 2, 48 + 7, 0x55);
	assert_int_equal(cli_run(1, "%s diff a=%s b=%s", bin, p, d), 3);
	assert_non_null(strstr(cli_out, "mmtrace diff: "));
	assert_non_null(strstr(cli_out, "event block 2 damaged"));
	assert_int_equal(cli_run(1, "%s diff a=%s b=%s", bin, p, p), 0);
	snprintf(dir, sizeof(dir), "%s/diffout", tu_dir);
	assert_int_equal(cli_run(1, "%s diff -o %s a=%s b=%s", bin, dir, p, p), 0);
	assert_int_equal(cli_run(1, "%s diff -o %s a=%s b=%s", bin, dir, p, p), 2);
	assert_non_null(strstr(cli_out, "diffout: not empty"));
	assert_int_equal(cli_run(1, "%s diff --force -o %s a=%s b=%s", bin, dir, p, p), 0);
	assert_int_equal(cli_run(1, "rm -rf %s", dir), 0);

	assert_int_equal(cli_run(1, "%s import -o %s %s", bin, p, d), 2);
	assert_non_null(strstr(cli_out, "cli.mmt: exists (use --force"));
	assert_int_equal(cli_run(1, "%s import -o %s/new.mmt %s", bin, tu_dir, p), 3);
	assert_non_null(strstr(cli_out, "neither a perf.data nor a trace-cmd file"));
	assert_int_equal(cli_run(1, "%s import -o %s/new.mmt %s/none", bin, tu_dir, tu_dir), 1);
	assert_non_null(strstr(cli_out, "none: No such file"));
}

int main(void)
{
	bin = getenv("MMTRACE");
	if (bin && access(bin, X_OK))
		bin = NULL;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_json),
		cmocka_unit_test(test_dump_lines),
		cmocka_unit_test(test_causes),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_diff_and_import),
	};
	return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
