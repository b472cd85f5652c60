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
#include "damage_util.h"

static const char *bin;

/* A small synthetic trace (mmt_synth_header: one node, 2 cpus) at
 * tu_path(name). */
static const char *write_trace(const char *name)
{
	struct mmt_header h;
	struct mmt_event ev[10];
	const char *p = tu_path(name);

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	struct mmt_synth_loop o = { .seed = 1 };
	size_t n = mmt_synth_fault_loop(&h, &o, ev, 10);
	assert_int_equal(tu_write(p, &h, ev, n, 0), 0);
	mmt_header_free(&h);
	return p;
}

static void test_trace_header(void **state)
{
	(void)state;
	if (!bin)
		skip();
	const char *p = write_trace("zones.mmt");
	/* the synthetic header's watermarks and protection are computed as
	 * the kernel does; its pcp numbers are made up, so only those may
	 * differ (rc 4 names them) */
	int rc = cli_run(1, "%s zones %s", bin, p);
	assert_true(rc == 0 || rc == 4);
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

/* --topology is one option across subcommands (rp_topology_spec): zones
 * takes it with a TRACE and splits the trace's host as replay does, and
 * a spec either refuses exits 2 with the same "--topology SPEC: what". */
static void test_topology_as_replay(void **state)
{
	static const char *bad[] = { "0", "65", "8Q", "2x",
				     "2 nodes x 1 KiB, 1 cpus" };
	static char zerr[4096];

	(void)state;
	if (!bin)
		skip();
	const char *p = write_trace("zones-topo.mmt");
	/* a split of the trace's one-node host: node 1 appears */
	assert_int_equal(cli_run(1, "%s zones --topology 2 %s", bin, p), 0);
	assert_non_null(strstr(cli_out, "\n1    "));
	assert_null(strstr(cli_out, "model equals"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cli_run(1, "%s zones --topology '%s' %s", bin,
					 bad[i], p), 2);
		const char *z = strstr(cli_out, "mmtrace zones: --topology ");
		assert_non_null(z);
		snprintf(zerr, sizeof(zerr), "%s", z + strlen("mmtrace zones: "));
		assert_int_equal(cli_run(1, "%s replay -q --topology '%s' %s", bin,
					 bad[i], p), 2);
		if (!strstr(cli_out, zerr))
			fail_msg("zones said '%s', replay '%s'", zerr, cli_out);
		/* without a TRACE: the same words */
		assert_int_equal(cli_run(1, "%s zones --topology '%s'", bin,
					 bad[i]), 2);
		assert_non_null(strstr(cli_out, zerr));
	}
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
	assert_int_equal(cli_run(1, "%s zones -t 8Q", bin), 2);
	assert_non_null(strstr(cli_out, "mmtrace zones: --topology 8Q: bad memory size"));
	assert_int_equal(cli_run(1, "%s zones /nonexistent/x.mmt", bin), 1);
	assert_non_null(strstr(cli_out, "/nonexistent/x.mmt"));
	assert_int_equal(cli_run(1, "%s zones --bogus", bin), 2);
}

/* Exit 3 for a file that is not a trace, or whose header holds a zone
 * no kernel has (2^44 pages: 64 PiB); a damaged event block does not
 * matter (zones reads the header only). */
static void test_bad_traces(void **state)
{
	struct mmt_header h;
	struct mmt_zone_info z[3];
	struct mmt_event ev[10];
	const char *p = tu_path("z2.mmt"), *q = tu_path("text.mmt");
	FILE *f;

	(void)state;
	if (!bin)
		skip();
	f = fopen(q, "w");
	assert_non_null(f);
	fputs("not a trace\n", f);
	fclose(f);
	assert_int_equal(cli_run(1, "%s zones %s", bin, q), 3);
	assert_non_null(strstr(cli_out, "text.mmt: offset"));

	mmt_synth_default_zones(z, 1 << 20);
	z[2].spanned = z[2].present = z[2].managed = 1ull << 44;
	assert_int_equal(mmt_synth_header(&h, z, 3, 2), 0);
	struct mmt_synth_loop o = { .seed = 1 };
	size_t n = mmt_synth_fault_loop(&h, &o, ev, 10);
	/* no snapshots: a synthetic one of 2^44 pages would not fit here */
	struct mmt_writer *w = mmt_writer_open(p, 1, &h, NULL, NULL, 0);
	assert_non_null(w);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(mmt_writer_add(w, &ev[i]), 0);
	assert_int_equal(mmt_writer_close(w, NULL), 0);
	mmt_header_free(&h);
	/* refused, not attempted, within 512 MB: a limit on the address
	 * space, or for an ASan build (which reserves terabytes) on RSS */
	int asan = cli_run(0, "grep -q __asan_init %s", bin) == 0;
	assert_int_equal(cli_run(1, asan ? "ASAN_OPTIONS=hard_rss_limit_mb=512 %s zones %s" :
				 "ulimit -v 524288; %s zones %s", bin, p), 3);
	assert_non_null(strstr(cli_out, "mmtrace zones: "));

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	n = mmt_synth_fault_loop(&h, &o, ev, 10);
	assert_int_equal(tu_write(p, &h, ev, n, 0), 0);
	mmt_header_free(&h);
	assert_true(du_flip(p, DU_EVENTS, 0, 60, 0x11) > 0);
	int rc = cli_run(1, "%s zones %s", bin, p);
	assert_true(rc == 0 || rc == 4);
}

static void test_host(void **state)
{
	(void)state;
	if (!bin || access("/proc/zoneinfo", R_OK))
		skip();
	/* equal to /proc/zoneinfo, or (hot-add racing the read) rc 4 with
	 * the differences named; never a crash */
	int rc = cli_run(1, "%s zones", bin);
	assert_true(rc == 0 || rc == 4);
	assert_non_null(strstr(cli_out, "/proc/zoneinfo"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_header),
		cmocka_unit_test(test_topology_and_help),
		cmocka_unit_test(test_topology_as_replay),
		cmocka_unit_test(test_bad_traces),
		cmocka_unit_test(test_host),
	};
	(void)tu_file_size;	/* shared helper this suite does not need */
	bin = getenv("MMTRACE");
	if (bin && access(bin, X_OK))
		bin = NULL;
	return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
