/* SPDX-License-Identifier: MIT */
/* `mmtrace zones` through the built binary ($MMTRACE, set by `make test`):
 * from a trace's header (compared with the kernel's zone table it holds),
 * from a synthetic topology, from this host, and its errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "trace_util.h"
#include "cli_util.h"

static const char *bin;

static void test_trace_header(void **state)
{
	struct mmt_header h;
	struct mmt_event ev[10];
	const char *p = tu_path("zones.mmt");

	(void)state;
	if (!bin)
		skip();
	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	struct mmt_synth_loop o = { .seed = 1 };
	size_t n = mmt_synth_fault_loop(&h, &o, ev, 10);
	assert_int_equal(tu_write(p, &h, ev, n, 0), 0);
	mmt_header_free(&h);
	/* the synthetic header's watermarks and protection are computed as
	 * the kernel does; its pcp numbers are made up, so only those may
	 * differ (rc 1 names them) */
	int rc = cli_run(1, "%s zones %s", bin, p);
	assert_true(rc == 0 || rc == 1);
	assert_non_null(strstr(cli_out, "DMA32"));
	assert_non_null(strstr(cli_out, "Normal"));
	if (strstr(cli_out, " min model") || strstr(cli_out, " low model") ||
	    strstr(cli_out, " high model") || strstr(cli_out, "protection[") ||
	    strstr(cli_out, "managed model") || strstr(cli_out, "spanned model"))
		fail_msg("%s", cli_out);
	assert_true(rc == 0 ? strstr(cli_out, "model equals the trace's zone table") != NULL :
			      strstr(cli_out, "difference(s) from the trace's zone table") != NULL);
	/* a policy override changes the marks (no comparison then) */
	assert_int_equal(cli_run(1, "%s zones --set vm.watermark_scale_factor=200 %s", bin, p), 0);
	assert_null(strstr(cli_out, "model equals"));
}

static void test_topology_and_help(void **state)
{
	(void)state;
	if (!bin)
		skip();
	assert_int_equal(cli_run(1, "%s zones -t '2 nodes x 8 GiB, 4 cpus'", bin), 0);
	assert_non_null(strstr(cli_out, "\n1    Normal"));
	assert_int_equal(cli_run(1, "%s zones --help", bin), 0);
	assert_non_null(strstr(cli_out, "usage: mmtrace zones"));
	assert_int_equal(cli_run(1, "%s zones --set vm.bogus=1", bin), 2);
	assert_non_null(strstr(cli_out, "vm.bogus"));
	assert_int_equal(cli_run(1, "%s zones --set vm.swappiness=500 -t 8G", bin), 2);
	assert_non_null(strstr(cli_out, "swappiness"));
	assert_int_equal(cli_run(1, "%s zones -t 8Q", bin), 1);
	assert_non_null(strstr(cli_out, "8Q"));
	assert_int_equal(cli_run(1, "%s zones /nonexistent/x.mmt", bin), 1);
	assert_non_null(strstr(cli_out, "/nonexistent/x.mmt"));
	assert_int_equal(cli_run(1, "%s zones --bogus", bin), 2);
}

static void test_host(void **state)
{
	(void)state;
	if (!bin || access("/proc/zoneinfo", R_OK))
		skip();
	/* equal to /proc/zoneinfo, or (hot-add racing the read) rc 1 with
	 * the differences named; never a crash */
	int rc = cli_run(1, "%s zones", bin);
	assert_true(rc == 0 || rc == 1);
	assert_non_null(strstr(cli_out, "/proc/zoneinfo"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_header),
		cmocka_unit_test(test_topology_and_help),
		cmocka_unit_test(test_host),
	};
	(void)tu_file_size;	/* shared helper this suite does not need */
	bin = getenv("MMTRACE");
	if (bin && access(bin, X_OK))
		bin = NULL;
	return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
