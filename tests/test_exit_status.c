/* SPDX-License-Identifier: MIT */
/*
 * The README's exit status table, held against every subcommand of the
 * built binary ($MMTRACE): 0 done from sound input, 1 runtime error (a
 * file that cannot be read or written), 2 bad usage (an unknown option,
 * a missing operand, an output that exists), 3 damaged input (not a
 * trace, a truncated one), 127 for `record -- CMD` when CMD cannot run.
 * Every non-zero status comes with a line on stderr that starts with
 * "mmtrace" and names what failed; every run ends within 10 s and stays
 * under 512 MB.  The damage cases in depth are test_trace_cli,
 * test_replay_damage and test_trace_damage; record's with a recording,
 * test_record_cli.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>
#include "trace_util.h"
#include "cli_util.h"

static const char *bin;

/* One run: the arguments after `mmtrace`, with @T a sound trace, @C the
 * same cut in its middle, @J a text file, @M a path that does not exist,
 * @F a regular file, @D a folder that is not empty, @O a fresh path. */
struct row {
	const char *args;
	int rc;
	const char *says;	/* in stderr when rc != 0 */
};

static const struct row usage_rows[] = {
	{ "bogus", 2, "mmtrace: unknown command 'bogus'" },
	{ "record --bogus", 2, "mmtrace record: unrecognized option '--bogus'" },
	{ "info --bogus", 2, "mmtrace info: unrecognized option '--bogus'" },
	{ "dump --bogus", 2, "mmtrace dump: unrecognized option '--bogus'" },
	{ "import --bogus", 2, "mmtrace import: unrecognized option '--bogus'" },
	{ "diff --bogus", 2, "mmtrace diff: unrecognized option '--bogus'" },
	{ "stat --bogus", 2, "mmtrace stat: unrecognized option '--bogus'" },
	{ "zones --bogus", 2, "mmtrace zones: unrecognized option '--bogus'" },
	{ "replay --bogus", 2, "mmtrace replay: unrecognized option '--bogus'" },
	{ "compare --bogus", 2, "mmtrace compare: unrecognized option '--bogus'" },
	{ "validate --bogus", 2, "mmtrace validate: unrecognized option '--bogus'" },
	{ "sweep --bogus", 2, "mmtrace sweep: unknown option '--bogus'" },
	{ "report --bogus", 2, "mmtrace report: unknown option '--bogus'" },
	{ "list --bogus", 2, "mmtrace list: unknown option '--bogus'" },
	/* a missing operand */
	{ "record", 2, "mmtrace record: -o FILE is required" },
	{ "info", 2, "mmtrace info: expected one FILE" },
	{ "dump", 2, "mmtrace dump: expected one FILE" },
	{ "import @C", 2, "mmtrace import: needs -o OUT" },
	{ "diff @T", 2, "mmtrace diff: needs 2 to 16 sides" },
	{ "stat", 2, "mmtrace stat: expected one TRACE" },
	{ "replay", 2, "mmtrace replay: expected one TRACE" },
	{ "compare @T -o @O", 2, "mmtrace compare: expected TRACE, at least one --policy" },
	{ "validate", 2, "mmtrace validate: expected one or more traces" },
	{ "sweep -o @O @T", 2, "mmtrace sweep: expected -o DIR, --policy or --vary" },
	{ "report", 2, "mmtrace report: expected one DIR" },
	/* bad values */
	{ "replay @T -o @O --set vm.nope=1", 2, "unknown sysctl 'vm.nope'" },
	{ "replay @T -o @O --topology 0", 2, "mmtrace replay: --topology 0: " },
	{ "zones --topology 0", 2, "mmtrace zones: --topology 0: " },
	{ "compare @T -P a:vm.nope=1 -o @O", 2, "unknown sysctl 'vm.nope'" },
	{ "dump --start x @T", 2, "mmtrace dump: " },
	/* an output that exists */
	{ "replay @T -o @D", 2, "not empty (--force" },
	{ "compare @T -P a: -o @D", 2, "not empty (--force" },
	{ "diff -o @D a=@T b=@T", 2, "not empty (--force" },
	{ "validate -o @D @T", 2, "not empty (--force" },
	{ "import -o @F @J", 2, "exists" },
};

static const struct row runtime_rows[] = {
	{ "info @M", 1, "mmtrace info: @M: No such file or directory" },
	{ "dump @M", 1, "mmtrace dump: @M: No such file or directory" },
	{ "stat @M", 1, "mmtrace stat: @M: No such file or directory" },
	{ "zones @M", 1, "mmtrace zones: @M: No such file or directory" },
	{ "replay @M -o @O", 1, "mmtrace replay: @M: No such file or directory" },
	{ "compare @M -P a: -o @O", 1, "mmtrace compare: @M: No such file or directory" },
	{ "validate @M", 1, "mmtrace validate: @M: No such file or directory" },
	{ "diff a=@M b=@T", 1, "mmtrace diff: @M: No such file or directory" },
	{ "import -o @O @M", 1, "mmtrace import: @M: No such file or directory" },
	{ "sweep -o @O -P a: @M", 1, "mmtrace sweep: @M: No such file or directory" },
	{ "report @M", 1, "mmtrace report: @M: No such file or directory" },
	/* an output that cannot be written */
	{ "replay @T -o @F", 1, "mmtrace replay: @F: exists and is not a folder" },
	{ "compare @T -P a: -o @F", 1, "mmtrace compare: @F: exists and is not a folder" },
	{ "diff -o @F a=@T b=@T", 1, "mmtrace diff: @F: exists and is not a folder" },
	{ "validate -o @F @T", 1, "mmtrace validate: @F: exists and is not a folder" },
	{ "replay @T -o /proc/mmtrace-x --force", 1, "mmtrace replay: /proc/mmtrace-x" },
	{ "compare @T -P a: -o /proc/mmtrace-x --force", 1, "mmtrace compare: " },
};

static const struct row damaged_rows[] = {
	/* not a trace: refused before any work */
	{ "info @J", 3, "mmtrace info: @J: offset " },
	{ "dump @J", 3, "mmtrace dump: @J: offset " },
	{ "stat @J", 3, "mmtrace stat: @J: offset " },
	{ "zones @J", 3, "mmtrace zones: @J: offset " },
	{ "replay @J -o @O", 3, "mmtrace replay: @J: offset " },
	{ "compare @J -P a: -o @O", 3, "mmtrace compare: @J: offset " },
	{ "validate @J", 3, "mmtrace validate: @J: offset " },
	{ "diff a=@J b=@T", 3, "mmtrace diff: @J: offset " },
	{ "import -o @O @J", 3, "mmtrace import: @J: offset 0: neither" },
	{ "sweep -o @O -P a: @J", 3, "mmtrace sweep: @J: offset " },
	/* truncated: the readable part used, the cut said, never 0 */
	{ "info @C", 3, "@C: truncated at offset " },
	{ "dump @C", 3, "@C: truncated at offset " },
	{ "stat @C", 3, "@C: truncated at offset " },
	{ "replay @C -o @O", 3, "@C: truncated at offset " },
	{ "compare @C -P a: -P b:vm.swappiness=1 -o @O", 3, "@C: truncated at offset " },
	{ "validate @C", 3, "@C: truncated at offset " },
	{ "diff a=@C b=@T", 3, "@C: truncated at offset " },
};

static const struct row ok_rows[] = {
	{ "info @T", 0, NULL },
	{ "dump @T", 0, NULL },
	{ "stat @T", 0, NULL },
	{ "replay @T -q -o @O", 0, NULL },
	{ "compare @T -P a: -P b:vm.swappiness=1 -o @O", 0, NULL },
	{ "diff a=@T b=@T", 0, NULL },
	{ "sweep -o @O -P a: @T", 0, NULL },
	{ "list", 0, NULL },
	/* record: its own errors before CMD's, CMD's status as time(1)
	 * gives it; all refused before anything is attached */
	{ "record -o @O -e bogus", 2, "mmtrace record: --events: unknown 'bogus'" },
	{ "record -o @O --pid 999999", 2, "mmtrace record: --pid 999999: no such process" },
	{ "record -o @F", 2, "mmtrace record: @F: exists (use --force" },
	{ "record -o @M/x.mmt", 1, "mmtrace record: @M/x.mmt: No such file or directory" },
	{ "record -o @O -- /nonexistent-cmd", 127, "mmtrace record: /nonexistent-cmd: " },
};

static char paths[7][600];	/* @T @C @J @M @F @D, and @O's folder */
static unsigned fresh;		/* @O's counter */

/* args with the @ names replaced (a fresh @O each time it appears). */
static void expand(char *out, size_t len, const char *args)
{
	static const char names[] = "TCJMFD";
	size_t o = 0;

	for (const char *a = args; *a && o + 1 < len; a++) {
		const char *k = a[0] == '@' && a[1] ? strchr(names, a[1]) : NULL;

		if (k && *k) {
			o += snprintf(out + o, len - o, "%s", paths[k - names]);
			a++;
		} else if (a[0] == '@' && a[1] == 'O') {
			o += snprintf(out + o, len - o, "%s/o%u", paths[6], fresh++);
			a++;
		} else {
			out[o++] = *a;
		}
		if (o >= len)
			o = len - 1;
	}
	out[o] = 0;
}

/* The line of text that holds `what`, as a pointer to its start. */
static const char *line_of(const char *text, const char *what)
{
	const char *p = strstr(text, what);

	if (!p)
		return NULL;
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

/* Runs each row: its status, its message, 10 s and 512 MB. */
static void run_rows(const struct row *rows, size_t n)
{
	char args[2400], cmd[2600], says[1200];
	struct timespec t0, t1;
	struct rusage ru;

	if (!bin)
		skip();
	for (size_t i = 0; i < n; i++) {
		expand(args, sizeof(args), rows[i].args);
		snprintf(cmd, sizeof(cmd), "{ %s %s >/dev/null; }", bin, args);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int rc = cli_run(1, "%s", cmd);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rc != rows[i].rc)
			fail_msg("mmtrace %s: exit %d, want %d: %s", args, rc,
				 rows[i].rc, cli_out);
		if (t1.tv_sec - t0.tv_sec >= 10)
			fail_msg("mmtrace %s: %ld s", args, (long)(t1.tv_sec - t0.tv_sec));
		if (!rows[i].rc)
			continue;
		expand(says, sizeof(says), rows[i].says);
		const char *l = line_of(cli_out, says);

		if (!l || strncmp(l, "mmtrace", 7))
			fail_msg("mmtrace %s: no line \"%s\" (from \"mmtrace\"): %s",
				 args, says, cli_out);
	}
	assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
	assert_true(ru.ru_maxrss < 512 * 1024);	/* KiB, the largest child */
}

static void test_usage(void **state)
{
	(void)state;
	run_rows(usage_rows, sizeof(usage_rows) / sizeof(usage_rows[0]));
}

static void test_runtime(void **state)
{
	(void)state;
	run_rows(runtime_rows, sizeof(runtime_rows) / sizeof(runtime_rows[0]));
}

static void test_damaged(void **state)
{
	(void)state;
	run_rows(damaged_rows, sizeof(damaged_rows) / sizeof(damaged_rows[0]));
	/* validate replays each trace twice (its own settings, then every
	 * group's): the cut is said once */
	assert_int_equal(cli_run(1, "{ %s validate %s %s >/dev/null; }", bin,
				 paths[0], paths[1]), 3);
	const char *p = strstr(cli_out, "truncated at offset ");

	assert_non_null(p);
	assert_null(strstr(p + 1, "truncated at offset "));
}

/* 0 from sound input; record's own statuses (root: it checks that it
 * may record before anything else). */
static void test_ok_and_record(void **state)
{
	size_t n = sizeof(ok_rows) / sizeof(ok_rows[0]);

	(void)state;
	run_rows(ok_rows, geteuid() ? n - 5 : n);
}

/* Every subcommand's --help: exit 0, on stdout, and it names its exit
 * statuses (list has none but 0 and 2). */
static void test_help(void **state)
{
	static const char *cmds[] = { "record", "info", "dump", "import", "diff",
		"stat", "zones", "replay", "compare", "validate", "sweep",
		"report", "list" };

	(void)state;
	if (!bin)
		skip();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (cli_run(0, "%s %s --help", bin, cmds[i]) != 0 || !cli_out[0])
			fail_msg("mmtrace %s --help: not 0 with text", cmds[i]);
		if (strcmp(cmds[i], "list") && !strstr(cli_out, "xit status") &&
		    !strstr(cli_out, "exit 1"))
			fail_msg("mmtrace %s --help: no exit status", cmds[i]);
	}
}

/* The inputs: a synthetic trace of 1000 events in blocks of 100, the
 * same cut in its middle, a text file, an earlier run's folder. */
static int setup(void **state)
{
	struct mmt_header h;
	enum { N = 1000 };
	struct mmt_event ev[N];
	char cmd[4800];

	bin = getenv("MMTRACE");
	if (!bin || access(bin, X_OK))
		bin = NULL;
	if (tu_setup(state))
		return -1;
	snprintf(paths[0], 600, "%s", tu_path("t.mmt"));
	snprintf(paths[1], 600, "%s", tu_path("cut.mmt"));
	snprintf(paths[2], 600, "%s", tu_path("text.mmt"));
	snprintf(paths[3], 600, "%s", tu_path("missing.mmt"));
	snprintf(paths[4], 600, "%s", tu_path("file"));
	snprintf(paths[5], 600, "%s", tu_path("full"));
	snprintf(paths[6], 600, "%s", tu_path("out"));
	if (mmt_synth_header(&h, NULL, 0, 2))
		return -1;
	struct mmt_synth_loop o = { .seed = 11 };
	size_t n = mmt_synth_fault_loop(&h, &o, ev, N);
	int rc = tu_write(paths[0], &h, ev, n, 100);

	mmt_header_free(&h);
	long size = tu_file_size(paths[0]);

	if (rc || size < 1000)
		return -1;
	snprintf(cmd, sizeof(cmd), "head -c %ld %s > %s && "
		 "echo 'just text, long enough to be read as a header' > %s && "
		 "echo x > %s && mkdir %s %s && echo x > %s/earlier.tsv",
		 size / 2, paths[0], paths[1], paths[2], paths[4], paths[5],
		 paths[6], paths[5]);
	return system(cmd) ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[700];

	/* the run folders first: tu_teardown removes files only */
	snprintf(cmd, sizeof(cmd), "rm -rf %s/*", tu_dir);
	if (system(cmd))
		return -1;
	return tu_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_runtime),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_ok_and_record),
		cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
