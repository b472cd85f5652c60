/* SPDX-License-Identifier: MIT */
/*
 * mmtrace import of real perf and trace-cmd captures made on this host,
 * beside mmtrace's own capture of the same run (root, BPF, perf and
 * trace-cmd needed; skipped with the reason otherwise), plus the
 * importer's handling of bad input.
 *
 * One run of scenarios/kmemload, observed by all three at once (a second
 * run would differ in what caches and lists hold):
 *   mmtrace record -o T -- perf record -e ... -o P -- kmemload DIR
 * inside a tracefs instance of this test that has the same tracepoints
 * on system-wide (trace-cmd record and start cannot run on this kernel:
 * they write set_ftrace_filter and ftrace_enabled, which it refuses, so
 * the instance is read out with `trace-cmd extract -B`).
 * Checked: page requests and pages allocated and freed within 1% between
 * each import and mmtrace's trace (perf: its whole capture of kmemload
 * beside mmtrace's span named "kmemload", as perf's per-task counting
 * stops before exit_mm(); trace-cmd: the pid, exit included, as both see
 * it); a policy replay of the perf import
 * (inferred start state; mirror mode refused).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "cli_util.h"

#define skip_msg(...) do { fprintf(stderr, "test_import: skipped: " __VA_ARGS__); \
		fprintf(stderr, "\n"); skip(); } while (0)

static char dir[] = "/tmp/mmtrace-import-XXXXXX";
static char inst[128];

static const char *bin(void)
{
	const char *b = getenv("MMTRACE");
	return b ? b : "build/mmtrace";
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/mmtrace-import-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char c[600];
	(void)state;
	if (inst[0])
		rmdir(inst);
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	return system(c) ? -1 : 0;
}

static double rel(double a, double b)
{
	double m = a > b ? a : b;
	return m ? (a > b ? a - b : b - a) / m : 0;
}


static pid_t spawn_sh(const char *cmd)
{
	pid_t p = fork();

	if (p == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return p;
}

static void wait_file(const char *path, int ms)
{
	struct stat st;

	for (int i = 0; i < ms / 10 && stat(path, &st); i++)
		usleep(10000);
}

static int write_str(const char *path, const char *v)
{
	FILE *f = fopen(path, "w");
	int ok = f && fputs(v, f) >= 0;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/* A private tracefs instance with the tracepoints mmtrace imports. */
static int instance_on(void)
{
	static const char *const ev[] = { "kmem/mm_page_alloc", "kmem/mm_page_free",
		"kmem/kmalloc", "kmem/kmem_cache_alloc", "kmem/kfree",
		"kmem/kmem_cache_free", "exceptions/page_fault_user" };
	char p[300];

	snprintf(inst, sizeof(inst), "/sys/kernel/tracing/instances/mmtrace-test-%d", getpid());
	if (mkdir(inst, 0700))
		return -1;
	/* big enough for the whole run, and never overwriting the oldest
	 * events (the workload's, in the middle of the recording) */
	snprintf(p, sizeof(p), "%s/buffer_size_kb", inst);
	write_str(p, "65536");
	snprintf(p, sizeof(p), "%s/options/overwrite", inst);
	write_str(p, "0");
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		snprintf(p, sizeof(p), "%s/events/%s/enable", inst, ev[i]);
		if (write_str(p, "1"))
			return -1;
	}
	return 0;
}

struct counts {
	double allocs, pages, frees, freed;
};

static void stat_counts(const char *trace, const char *filter, struct counts *c)
{
	int rc = cli_run(0, "%s stat --json %s %s", bin(), filter, trace);

	if (rc)
		fail_msg("stat %s %s: exit %d", filter, trace, rc);
	c->allocs = cli_jnum(cli_out, "\"page\"", "alloc_requests");
	c->pages = cli_jnum(cli_out, "\"page\"", "alloc_pages");
	c->frees = cli_jnum(cli_out, "\"page\"", "free_requests");
	c->freed = cli_jnum(cli_out, "\"page\"", "free_pages");
}

static void same_counts(const char *what, const struct counts *a, const struct counts *b)
{
	const char *n[] = { "page alloc requests", "pages allocated", "page free requests",
			    "pages freed" };
	const double *x = &a->allocs, *y = &b->allocs;

	for (int i = 0; i < 4; i++) {
		fprintf(stderr, "%-10s %-22s mmtrace %9.0f import %9.0f  %.3f%%\n", what, n[i],
			x[i], y[i], 100 * rel(x[i], y[i]));
		assert_true(x[i] > 0);
		assert_true(rel(x[i], y[i]) <= 0.01);
	}
}

static void test_import_vs_record(void **state)
{
	(void)state;
	char t[600], pd[600], td[600], pi[600], ti[600], cmd[2048], on[300], log[600];
	int st;

	if (geteuid())
		skip_msg("needs root (BPF, perf -p, tracefs)");
	if (system("command -v perf >/dev/null && command -v trace-cmd >/dev/null"))
		skip_msg("perf or trace-cmd not installed (make deps installs them)");
	if (access("build/scenarios/kmemload", X_OK))
		skip_msg("build/scenarios/kmemload not built");
	snprintf(t, sizeof(t), "%s/t.mmt", dir);
	snprintf(pd, sizeof(pd), "%s/p.data", dir);
	snprintf(td, sizeof(td), "%s/t.dat", dir);
	snprintf(pi, sizeof(pi), "%s/perf.mmt", dir);
	snprintf(ti, sizeof(ti), "%s/tc.mmt", dir);
	snprintf(log, sizeof(log), "%s/rec.log", dir);

	if (instance_on())
		skip_msg("no tracefs instance (tracefs not mounted?)");
	snprintf(on, sizeof(on), "%s/tracing_on", inst);
	assert_int_equal(write_str(on, "1"), 0);
	st = cli_run(1, "%s record -o %s -- perf record -q -c 1 -R -m 4096 -e 'kmem:mm_page_*' "
		     "-e kmem:kmalloc -e kmem:kmem_cache_alloc -e kmem:kfree -e kmem:kmem_cache_free "
		     "-e 'exceptions:*' -o %s -- build/scenarios/kmemload %s 2>&1", bin(), t, pd, dir);
	write_str(on, "0");
	if (st && (strstr(cli_out, "BPF") || strstr(cli_out, "root")))
		skip_msg("recorder unavailable: %.200s", cli_out);
	if (st)
		fail_msg("record failed (%d): %.400s", st, cli_out);
	(void)log;
	(void)spawn_sh;
	(void)wait_file;
	assert_int_equal(cli_run(1, "trace-cmd extract -B %s -o %s", strrchr(inst, '/') + 1, td), 0);
	rmdir(inst);
	inst[0] = 0;

	assert_int_equal(cli_run(1, "%s import -o %s %s", bin(), pi, pd), 0);
	assert_non_null(strstr(cli_out, "wrote"));
	assert_int_equal(cli_run(1, "%s import -o %s %s", bin(), ti, td), 0);
	assert_int_equal(cli_run(0, "%s info %s", bin(), pi), 0);
	assert_non_null(strstr(cli_out, "inferred (no snapshots)"));

	struct counts m, p, mt, tc;
	/* kmemload's pid from mmtrace's names; perf's capture holds that
	 * process only (perf script may show its last name for all of it) */
	assert_int_equal(cli_run(0, "%s stat --json --comm kmemload --only processes %s", bin(), t), 0);
	int w = (int)cli_jnum(cli_out, "\"processes\"", "pid");
	assert_true(w > 0);
	snprintf(cmd, sizeof(cmd), "--pid %d", w);
	stat_counts(t, "--comm kmemload", &m);
	stat_counts(pi, cmd, &p);
	same_counts("perf", &m, &p);
	stat_counts(t, cmd, &mt);
	stat_counts(ti, cmd, &tc);
	same_counts("trace-cmd", &mt, &tc);
	/* names came through: kmemload's call sites by symbol */
	assert_int_equal(cli_run(0, "%s stat --only sites %s %s", bin(), cmd, pi), 0);
	assert_non_null(strstr(cli_out, "+0x"));

	/* a policy replay of the import runs from an inferred start state;
	 * mirror mode is refused.  (Its summaries are not put beside a
	 * replay of T: T holds the whole system, the perf capture one
	 * process, and T starts from its snapshot.) */
	char rp[600];
	snprintf(rp, sizeof(rp), "%s/rp", dir);
	assert_int_equal(cli_run(1, "%s replay %s --mode mirror -o %s/rm", bin(), pi, dir), 2);
	assert_non_null(strstr(cli_out, "mirror mode needs the start snapshot"));
	assert_int_equal(cli_run(1, "%s replay %s -q -o %s", bin(), pi, rp), 0);
	assert_non_null(strstr(cli_out, "start state inferred"));
	assert_int_equal(cli_run(0, "cat %s/summary.json", rp), 0);
	assert_true(cli_jnum(cli_out, "\"latency_ns\"", "count") > 0);
}

static void test_bad_input(void **state)
{
	(void)state;
	char p[600];

	snprintf(p, sizeof(p), "%s/junk", dir);
	assert_int_equal(cli_run(0, "echo hello > %s", p), 0);
	assert_int_equal(cli_run(1, "%s import -o %s/x.mmt %s", bin(), dir, p), 1);
	assert_non_null(strstr(cli_out, "offset 0: neither a perf.data nor a trace-cmd file"));
	assert_int_equal(cli_run(1, "%s import -o %s/x.mmt /nonexistent", bin(), dir), 1);
	assert_non_null(strstr(cli_out, "/nonexistent"));
	assert_int_equal(cli_run(1, "%s import %s", bin(), p), 2);
	assert_int_equal(cli_run(1, "%s import -o x --format nosuch %s", bin(), p), 2);
	assert_int_equal(cli_run(0, "%s import --help", bin()), 0);
	assert_non_null(strstr(cli_out, "EXAMPLES"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_vs_record, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
