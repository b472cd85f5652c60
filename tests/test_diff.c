/* SPDX-License-Identifier: MIT */
/* mmtrace diff: Welch's t-test against known values, and the command on
 * the sample captures (a side against itself; repeated runs; the TSV). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>
#include "cli_util.h"
#include "../analyze/welch.h"

static void test_welch_known_values(void **state)
{
	(void)state;
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 }, c[] = { 1, 3, 2, 5, 4 };
	struct welch_group ga, gb, gc, g1;

	welch_summary(a, 5, &ga);
	welch_summary(b, 5, &gb);
	welch_summary(c, 5, &gc);
	assert_true(fabs(ga.mean - 3) < 1e-12);
	assert_true(fabs(ga.sd - sqrt(2.5)) < 1e-12);
	/* t = -5, df = 8: two-sided p = 0.001052 (tables) */
	assert_true(fabs(welch_p(&ga, &gb) - 0.001052) < 2e-5);
	assert_true(fabs(welch_p(&ga, &gc) - 1.0) < 1e-9);
	welch_summary(a, 1, &g1);
	assert_true(welch_p(&g1, &gb) < 0);	/* one run: no test */
	/* unequal variances: {1,2,3} vs {10,20,30}: t = -3.10, df = 2.04, p ~ 0.088
	 * (df = 2 exactly: 1 - t / sqrt(t^2 + 2) = 0.090) */
	double d[] = { 1, 2, 3 }, e[] = { 10, 20, 30 };
	struct welch_group gd, ge;
	welch_summary(d, 3, &gd);
	welch_summary(e, 3, &ge);
	assert_true(fabs(welch_p(&gd, &ge) - 0.088) < 3e-3);
}

static void test_diff_cli(void **state)
{
	(void)state;
	const char *bin = getenv("MMTRACE");
	char dir[] = "/tmp/mmtrace-diff-XXXXXX";

	if (!bin)
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(cli_run(0, "%s diff a=traces/samples/faultloop.mmt b=traces/samples/faultloop.mmt",
				 bin), 0);
	assert_non_null(strstr(cli_out, "page alloc requests"));
	assert_non_null(strstr(cli_out, "(1.00)-"));	/* one run a side: no test */
	assert_int_equal(cli_run(0, "%s diff -o %s/o fl=traces/samples/faultloop.mmt,traces/samples/faultloop.mmt "
				 "mix=traces/samples/compile.mmt,traces/samples/slab-pagecache.mmt",
				 bin, dir), 0);
	assert_int_equal(cli_run(0, "head -1 %s/o/diff.tsv", dir), 0);
	assert_string_equal(cli_out, "metric\tunit\tside\tn\tmean\tsd\tratio\tp\n");
	assert_int_equal(cli_run(0, "grep -c . %s/o/diff.md", dir), 0);
	assert_true(atoi(cli_out) > 20);
	assert_int_equal(cli_run(1, "%s diff traces/samples/faultloop.mmt", bin), 2);
	assert_int_equal(cli_run(1, "%s diff a=/nonexistent.mmt b=traces/samples/faultloop.mmt", bin), 1);
	assert_non_null(strstr(cli_out, "/nonexistent.mmt"));
	assert_int_equal(cli_run(1, "rm -rf %s", dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_welch_known_values),
		cmocka_unit_test(test_diff_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
