/* SPDX-License-Identifier: MIT */
/* `mmtrace info` and `mmtrace dump` through the built binary ($MMTRACE,
 * set by `make test`), on synthetic traces written with the real writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "trace_util.h"
#include "cli_util.h"

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
 * we check by name. */
static const char *make_trace(size_t *nev)
{
	struct mmt_header h;
	enum { N = 1000 };
	struct mmt_event ev[N + 3];
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
	assert_int_equal(tu_write(p, &h, ev, N + 3, 100), 0);
	mmt_header_free(&h);
	*nev = N + 3;
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
	assert_int_equal(cli_run(1, "%s dump %s", bin, cut), 1);
	assert_non_null(strstr(cli_out, "cut.mmt: offset 30: truncated header"));
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

int main(void)
{
	bin = getenv("MMTRACE");
	if (bin && access(bin, X_OK))
		bin = NULL;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_json),
		cmocka_unit_test(test_dump_lines),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
