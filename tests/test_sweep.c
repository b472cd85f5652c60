/* SPDX-License-Identifier: MIT */
/*
 * mmtrace sweep on an existing engine: the plan (jobs.txt, slurm.sh,
 * sweep.tsv) for two sample traces x a --vary grid and a --policy, run
 * by GNU parallel here and through its --sshloginfile path (":" is this
 * host), one job run as a Slurm array task would run it; every run is
 * what `mmtrace replay` writes for that policy; `mmtrace report DIR`
 * merges the runs and fails, naming them, when some are missing.  Bad
 * plans and options are refused with a one-line message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "cli_util.h"

static char dir[64];

static const char *bin(void)
{
	const char *b = getenv("MMTRACE");
	return b ? b : "build/mmtrace";
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mmtrace-sweep-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The plan: 2 traces x 2 policies x 2 values of the --vary grid. */
static void plan(const char *sw)
{
	int rc = cli_run(1, "%s sweep -o %s --policy a: --policy b:vm.swappiness=100"
			 " --vary vm.watermark_scale_factor=10,200 --topology 2"
			 " traces/samples/faultloop.mmt traces/samples/slab-pagecache.mmt",
			 bin(), sw);
	if (rc)
		fail_msg("sweep: %d\n%s", rc, cli_out);
}

static void test_plan(void **state)
{
	char sw[128];
	(void)state;

	snprintf(sw, sizeof(sw), "%s/plan", dir);
	plan(sw);
	assert_int_equal(cli_run(0, "cat %s/jobs.txt", sw), 0);
	assert_int_equal(count_lines(cli_out), 8);
	assert_non_null(strstr(cli_out, " replay '"));
	assert_non_null(strstr(cli_out, "--set 'vm.swappiness=100' --set "
			       "'vm.watermark_scale_factor=200' --topology '2' --quiet"
			       " -o 'slab-pagecache/runs/b+watermark_scale_factor-200'"));
	assert_int_equal(cli_run(0, "cat %s/sweep.tsv", sw), 0);
	assert_int_equal(count_lines(cli_out), 9);
	assert_true(!strncmp(cli_out, "job\ttrace\tname\tpolicy\tsettings\trun\n", 34));
	assert_non_null(strstr(cli_out, "\tfaultloop\ta+watermark_scale_factor-10\t"
			       "vm.watermark_scale_factor=10\tfaultloop/runs/"
			       "a+watermark_scale_factor-10\n"));
	assert_int_equal(cli_run(0, "cat %s/slurm.sh", sw), 0);
	assert_non_null(strstr(cli_out, "#SBATCH --array=1-8\n"));
	assert_int_equal(cli_run(0, "cat %s/faultloop/policies.tsv", sw), 0);
	assert_int_equal(count_lines(cli_out), 5);
	/* the same folder again: refused, the plan kept */
	assert_int_equal(cli_run(1, "%s sweep -o %s --vary vm.swappiness=1,2 "
				 "traces/samples/faultloop.mmt", bin(), sw), 2);
	assert_non_null(strstr(cli_out, "holds a sweep already"));
	/* bad options: one line, exit 2, no folder */
	assert_int_equal(cli_run(1, "%s sweep -o %s/x --vary vm.nonsense=1,2 "
				 "traces/samples/faultloop.mmt", bin(), dir), 2);
	assert_non_null(strstr(cli_out, "vm.nonsense"));
	assert_int_equal(cli_run(1, "%s sweep -o %s/x --vary vm.zone_reclaim_mode "
				 "traces/samples/faultloop.mmt", bin(), dir), 2);
	/* a TRACE that cannot be read is 1, one that is not a trace 3 (the
	 * README's exit status table): refused before any plan */
	assert_int_equal(cli_run(1, "%s sweep -o %s/x --policy a: %s/none.mmt",
				 bin(), dir, dir), 1);
	assert_non_null(strstr(cli_out, "none.mmt: No such file or directory"));
	assert_int_equal(cli_run(1, "%s sweep -o %s/x --policy a: %s/slurm.sh",
				 bin(), dir, sw), 3);
	assert_non_null(strstr(cli_out, "mmtrace sweep: "));
	assert_non_null(strstr(cli_out, "slurm.sh: offset "));
	assert_int_equal(cli_run(1, "%s sweep -o %s/x --start sometime --policy a: "
				 "traces/samples/faultloop.mmt", bin(), dir), 2);
	assert_non_null(strstr(cli_out, "--start sometime: expected snapshot or inferred"));
	/* --start goes into every job */
	assert_int_equal(cli_run(1, "%s sweep -o %s/st --start inferred --policy a: "
				 "traces/samples/faultloop.mmt", bin(), dir), 0);
	assert_int_equal(cli_run(0, "cat %s/st/jobs.txt", dir), 0);
	assert_non_null(strstr(cli_out, " --start inferred --quiet -o "));
	/* and --memcg-walk */
	assert_int_equal(cli_run(1, "%s sweep -o %s/mw --memcg-walk partial "
				 "--policy a: traces/samples/faultloop.mmt", bin(),
				 dir), 0);
	assert_int_equal(cli_run(0, "cat %s/mw/jobs.txt", dir), 0);
	assert_non_null(strstr(cli_out, " --memcg-walk partial --quiet -o "));
	assert_int_equal(cli_run(1, "%s sweep -o %s/x --memcg-walk some "
				 "--policy a: traces/samples/faultloop.mmt", bin(),
				 dir), 2);
	assert_int_equal(cli_run(1, "test -e %s/x", dir), 1);
}

/* A run folder's summary.json as text. */
static char *summary(const char *run)
{
	if (cli_run(0, "cat %s/summary.json", run))
		return NULL;
	return strdup(cli_out);
}

static void test_run_with_parallel_and_report(void **state)
{
	char sw[128], run[256];
	(void)state;

	if (cli_run(1, "command -v parallel"))
		fail_msg("GNU parallel is not installed (make deps installs it)");
	snprintf(sw, sizeof(sw), "%s/run", dir);
	plan(sw);
	/* here, as GNU parallel runs lines of shell */
	int rc = cli_run(1, "parallel --will-cite --joblog %s/joblog < %s/jobs.txt",
			 sw, sw);
	if (rc)
		fail_msg("parallel: %d\n%s", rc, cli_out);
	assert_int_equal(cli_run(0, "cut -f7 %s/joblog | sort | uniq -c", sw), 0);
	assert_non_null(strstr(cli_out, "      8 0\n"));	/* 8 jobs exit 0 */

	/* a job is what `mmtrace replay` writes for its policy */
	snprintf(run, sizeof(run), "%s/direct", dir);
	assert_int_equal(cli_run(1, "%s replay traces/samples/slab-pagecache.mmt "
				 "--set vm.swappiness=100 --set "
				 "vm.watermark_scale_factor=200 --topology 2 -q -o %s",
				 bin(), run), 0);
	char *a = summary(run);
	snprintf(run, sizeof(run), "%s/slab-pagecache/runs/b+watermark_scale_factor-200",
		 sw);
	char *b = summary(run);
	assert_non_null(a);
	assert_non_null(b);
	/* the same bytes but for the trace's path, as given */
	char *ta = strstr(a, "\"mode\""), *tb = strstr(b, "\"mode\"");
	assert_non_null(ta);
	assert_non_null(tb);
	assert_string_equal(ta, tb);
	free(a);
	free(b);

	/* the report merges them: a report per trace, a row per run */
	rc = cli_run(1, "%s report --no-figures %s", bin(), sw);
	if (rc)
		fail_msg("report: %d\n%s", rc, cli_out);
	assert_int_equal(cli_run(0, "cat %s/summary.tsv", sw), 0);
	assert_int_equal(count_lines(cli_out), 9);
	assert_true(!strncmp(cli_out, "trace\tname\tpolicy\tsettings\t", 26));
	assert_int_equal(cli_run(1, "ls %s/faultloop/index.html %s/slab-pagecache/"
				 "index.html %s/index.html %s/summary.md", sw, sw, sw,
				 sw), 0);

	/* a run missing: the report says which, and fails */
	assert_int_equal(cli_run(1, "rm -r %s/faultloop/runs/a+watermark_scale_factor-200",
				 sw), 0);
	rc = cli_run(1, "%s report --no-figures %s", bin(), sw);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(cli_out, "faultloop/runs/a+watermark_scale_factor-200"));
	assert_non_null(strstr(cli_out, "1 of 8 runs missing"));
	assert_int_equal(cli_run(0, "cat %s/summary.tsv", sw), 0);
	assert_int_equal(count_lines(cli_out), 8);
	assert_int_equal(cli_run(0, "cat %s/index.html", sw), 0);
	assert_non_null(strstr(cli_out, "missing: no faultloop/runs/"
			       "a+watermark_scale_factor-200/summary.json"));

	/* that job again, as a Slurm array task runs it (job 2 of jobs.txt) */
	assert_int_equal(cli_run(1, "SLURM_ARRAY_TASK_ID=2 sh %s/slurm.sh", sw), 0);
	assert_int_equal(cli_run(1, "%s report --no-figures %s", bin(), sw), 0);
	assert_int_equal(cli_run(1, "SLURM_ARRAY_TASK_ID=99 sh %s/slurm.sh", sw), 2);
	assert_non_null(strstr(cli_out, "no line 99"));
	assert_true(cli_run(1, "sh %s/slurm.sh", sw) != 0);
}

/* GNU parallel's remote path: --sshloginfile, here with ":" (this host,
 * no ssh), the way a host list of a cluster would be used. */
static void test_sshloginfile(void **state)
{
	char sw[128];
	(void)state;

	if (cli_run(1, "command -v parallel"))
		fail_msg("GNU parallel is not installed (make deps installs it)");
	snprintf(sw, sizeof(sw), "%s/ssh", dir);
	assert_int_equal(cli_run(1, "%s sweep -o %s --vary vm.zone_reclaim_mode=0,1 "
				 "--topology 2 traces/samples/faultloop.mmt", bin(),
				 sw), 0);
	assert_int_equal(cli_run(1, "echo 2/: > %s/hosts", sw), 0);
	int rc = cli_run(1, "parallel --will-cite --sshloginfile %s/hosts --joblog "
			 "%s/joblog < %s/jobs.txt", sw, sw, sw);
	if (rc)
		fail_msg("parallel --sshloginfile: %d\n%s", rc, cli_out);
	assert_int_equal(cli_run(1, "%s report --no-figures %s", bin(), sw), 0);
	assert_int_equal(cli_run(0, "cat %s/summary.tsv", sw), 0);
	assert_int_equal(count_lines(cli_out), 3);
}

/* A plan is input: a run folder outside DIR is refused, naming the line. */
static void test_bad_plan(void **state)
{
	char sw[128];
	(void)state;

	snprintf(sw, sizeof(sw), "%s/bad", dir);
	assert_int_equal(cli_run(1, "mkdir %s && printf 'job\\ttrace\\tname\\tpolicy"
				 "\\tsettings\\trun\\n1\\tt.mmt\\t..\\tp\\thost\\t../runs/p"
				 "\\n' > %s/sweep.tsv", sw, sw), 0);
	assert_int_equal(cli_run(1, "%s report --no-figures %s", bin(), sw), 1);
	assert_non_null(strstr(cli_out, "sweep.tsv: line 2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_run_with_parallel_and_report),
		cmocka_unit_test(test_sshloginfile),
		cmocka_unit_test(test_bad_plan),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
