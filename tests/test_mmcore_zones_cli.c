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

static const char *bin;
static char out[1 << 16];

static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

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
	int rc = run("%s zones %s", bin, p);
	assert_true(rc == 0 || rc == 1);
	assert_non_null(strstr(out, "DMA32"));
	assert_non_null(strstr(out, "Normal"));
	if (strstr(out, " min model") || strstr(out, " low model") ||
	    strstr(out, " high model") || strstr(out, "protection[") ||
	    strstr(out, "managed model") || strstr(out, "spanned model"))
		fail_msg("%s", out);
	assert_true(rc == 0 ? strstr(out, "model equals the trace's zone table") != NULL :
			      strstr(out, "difference(s) from the trace's zone table") != NULL);
	/* a policy override changes the marks (no comparison then) */
	assert_int_equal(run("%s zones --set vm.watermark_scale_factor=200 %s", bin, p), 0);
	assert_null(strstr(out, "model equals"));
}

static void test_topology_and_help(void **state)
{
	(void)state;
	if (!bin)
		skip();
	assert_int_equal(run("%s zones -t '2 nodes x 8 GiB, 4 cpus'", bin), 0);
	assert_non_null(strstr(out, "\n1    Normal"));
	assert_int_equal(run("%s zones --help", bin), 0);
	assert_non_null(strstr(out, "usage: mmtrace zones"));
	assert_int_equal(run("%s zones --set vm.bogus=1", bin), 2);
	assert_non_null(strstr(out, "vm.bogus"));
	assert_int_equal(run("%s zones --set vm.swappiness=500 -t 8G", bin), 2);
	assert_non_null(strstr(out, "swappiness"));
	assert_int_equal(run("%s zones -t 8Q", bin), 1);
	assert_non_null(strstr(out, "8Q"));
	assert_int_equal(run("%s zones /nonexistent/x.mmt", bin), 1);
	assert_non_null(strstr(out, "/nonexistent/x.mmt"));
	assert_int_equal(run("%s zones --bogus", bin), 2);
}

static void test_host(void **state)
{
	(void)state;
	if (!bin || access("/proc/zoneinfo", R_OK))
		skip();
	/* equal to /proc/zoneinfo, or (hot-add racing the read) rc 1 with
	 * the differences named; never a crash */
	int rc = run("%s zones", bin);
	assert_true(rc == 0 || rc == 1);
	assert_non_null(strstr(out, "/proc/zoneinfo"));
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
