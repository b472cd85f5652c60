/* SPDX-License-Identifier: MIT */
/*
 * `mmtrace replay` and `mmtrace compare` on damaged traces and bad output
 * folders, through the built binary ($MMTRACE): the damage rule of
 * traces/FORMAT.md ("Reading a damaged file") and the exit status table
 * of the README.  Traces come from replay_util.h's small "kernel", so a
 * mirror replay has a true answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "replay_util.h"
#include "damage_util.h"

#define NBLOCK 500		/* events per block */

static const char *bin;
static char trace[600];		/* the sound trace */
static uint64_t nr_events;

/* 3000 order-0 allocations, then every other one freed: 4500 events in
 * 9 blocks of NBLOCK. */
static void make_trace(void)
{
	struct rk k;
	uint64_t pfn[3000];
	uint64_t from;

	assert_int_equal(rk_init(&k, 65536, 2), 0);
	from = k.h.zones[0].start_pfn;
	for (int i = 0; i < 3000; i++) {
		pfn[i] = rk_find(&k, 0, from);
		assert_true(pfn[i] != UINT64_MAX);
		rk_alloc_at(&k, pfn[i], 0, "GFP_HIGHUSER_MOVABLE",
			    "MIGRATE_MOVABLE", (unsigned)(i & 1));
		from = pfn[i] + 1;
	}
	for (int i = 0; i < 3000; i += 2)
		rk_free(&k, pfn[i], 0, 0);
	nr_events = k.nr_ev;
	snprintf(trace, sizeof(trace), "%s", ru_path("sound.mmt"));
	assert_int_equal(rk_write(&k, trace, NBLOCK), 0);
	rk_free_all(&k);
}

/* Skips without the binary; writes the sound trace once. */
static void need(void)
{
	if (!bin)
		skip();
	if (!trace[0])
		make_trace();
}

/* A path in the test folder that stays (ru_path's buffers rotate). */
static const char *keep(char buf[600], const char *name)
{
	snprintf(buf, 600, "%s", ru_path(name));
	return buf;
}

/* A copy of the sound trace at path `p` with byte `at` of the nth
 * section of `kind` xor x (kind 0: no damage). */
static const char *copy(const char *p, unsigned kind, unsigned nth,
			uint64_t at, uint8_t x)
{
	char cmd[1400];

	snprintf(cmd, sizeof(cmd), "cp %s %s", trace, p);
	assert_int_equal(system(cmd), 0);
	if (kind)
		assert_true(du_flip(p, kind, nth, at, x) > 0);
	return p;
}

/* Runs the binary with ARGS; stderr into ru_path("err"), read back into
 * *err (caller frees); returns the exit status.  Each run must end within
 * 10 s and stay under 512 MB (the largest child so far, by getrusage). */
static int run(char **err, const char *fmt, ...)
{
	char args[2048], cmd[3000];
	struct timespec t0, t1;
	struct rusage ru;
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s >%s 2>%s", bin, args, ru_path("out"),
		 ru_path("err"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = system(cmd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
	assert_true(ru.ru_maxrss < 512 * 1024);	/* KiB */
	*err = ru_slurp(ru_path("err"), NULL);
	assert_non_null(*err);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *file_in(const char *dir, const char *name)
{
	char p[1200];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return ru_slurp(p, NULL);
}

static int exists(const char *dir, const char *name)
{
	char p[1200];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* A count of the lines of s that hold `what`. */
static int occurrences(const char *s, const char *what)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/* A corrupt block: replayed around (its events count as lost), exit 3,
 * the damage on stderr once and in summary.json; mirror attributes what
 * the lost events touched to "lost", never "unexplained". */
static void test_damaged_block(void **state)
{
	char t[600], o[600], m[600], *err, *json, *txt, want[160];
	unsigned long long a = 1, b = 1;

	(void)state;
	need();
	copy(keep(t, "blk.mmt"), DU_EVENTS, 2, 48 + 9, 0x33);
	keep(o, "blk.out");
	keep(m, "blk.mir");
	assert_int_equal(run(&err, "replay -q %s -o %s", t, o), 3);
	assert_int_equal(occurrences(err, "event block 2 damaged"), 1);
	assert_non_null(strstr(err, "500 of its 500 events lost"));
	assert_non_null(strstr(err, "the results cover only what was readable"));
	free(err);
	json = file_in(o, "summary.json");
	assert_non_null(json);
	snprintf(want, sizeof(want), "\"events_read\": %llu",
		 (unsigned long long)(nr_events - NBLOCK));
	assert_non_null(strstr(json, want));
	snprintf(want, sizeof(want), "\"events_total\": %llu",
		 (unsigned long long)nr_events);
	assert_non_null(strstr(json, want));
	assert_non_null(strstr(json, "\"trace_damage\": {\"damaged_parts\": 1, "
			       "\"events_lost\": 500, \"bytes_unknown\": 0, "
			       "\"first\": \"blk.mmt: offset "));
	assert_non_null(strstr(json, "\"stopped_early\": null"));
	free(json);

	assert_int_equal(run(&err, "replay -q -m mirror %s -o %s", t, m), 3);
	free(err);
	txt = file_in(m, "mirror.txt");
	assert_non_null(txt);
	assert_non_null(strstr(txt, "pfn agreement "));
	assert_non_null(strstr(txt, "events lost to damage 500"));
	assert_non_null(strstr(txt, "\nunexplained"));
	assert_int_equal(sscanf(strstr(txt, "\nunexplained") + 12, "%llu %llu", &a, &b), 2);
	assert_int_equal(a + b, 0);
	free(txt);
}

/* Snapshots: a damaged start one is refused (nothing replayed, nothing
 * written); a damaged end one is replayed in policy mode and leaves the
 * mirror check undone, as does a trace cut before its end snapshot. */
static void test_snapshots(void **state)
{
	char o[600], t[600], *err, *txt, *json;

	(void)state;
	need();
	keep(o, "snap.out");
	copy(keep(t, "start.mmt"), DU_SNAP_START, 0, 48 + 20, 0x04);
	assert_int_equal(run(&err, "replay -q %s -o %s", t, o), 3);
	assert_non_null(strstr(err, "start.mmt: offset "));
	assert_non_null(strstr(err, "start snapshot damaged"));
	assert_non_null(strstr(err, "nothing replayed"));
	assert_int_equal(occurrences(err, "\n"), 1);
	assert_int_equal(access(o, F_OK), -1);
	free(err);

	copy(keep(t, "end.mmt"), DU_SNAP_END, 0, 48 + 20, 0x04);
	assert_int_equal(run(&err, "replay -q %s -o %s", t, keep(o, "end.pol")), 3);
	assert_non_null(strstr(err, "end snapshot damaged"));
	free(err);
	assert_int_equal(run(&err, "replay -q -m mirror %s -o %s", t,
			     keep(o, "end.mir")), 3);
	free(err);
	txt = file_in(o, "mirror.txt");
	assert_non_null(txt);
	assert_non_null(strstr(txt, "mirror: not checked: "));
	assert_non_null(strstr(txt, "end snapshot damaged"));
	assert_null(strstr(txt, "pfn agreement"));
	free(txt);
	json = file_in(o, "summary.json");
	assert_non_null(strstr(json, "\"pfn_agreement\": null"));
	assert_null(strstr(json, "\"not_checked\": null"));
	free(json);

	/* cut in its last block: no end snapshot, a truncation */
	{
		uint8_t *buf;
		size_t len = 0;
		FILE *f;
		uint64_t last;

		buf = (uint8_t *)ru_slurp(trace, &len);
		last = du_section(buf, len, DU_EVENTS, 8);
		assert_true(last > 0);
		f = fopen(keep(t, "cut.mmt"), "wb");
		assert_int_equal(fwrite(buf, 1, last + 60, f), last + 60);
		fclose(f);
		free(buf);
	}
	assert_int_equal(run(&err, "replay -q -m mirror %s -o %s", t,
			     keep(o, "cut.mir")), 3);
	assert_non_null(strstr(err, "cut.mmt: truncated at offset"));
	free(err);
	txt = file_in(o, "mirror.txt");
	assert_non_null(strstr(txt, "mirror: not checked: the trace ends before "
			       "its end snapshot"));
	free(txt);
}

/* Nothing to replay is refused: a trace without events (as --attach-only
 * records), and one whose every block is damaged. */
static void test_no_events(void **state)
{
	struct rk k;
	char o[600], t[600], *err;

	(void)state;
	need();
	keep(o, "none.out");
	assert_int_equal(rk_init(&k, 65536, 2), 0);
	assert_int_equal(rk_write(&k, keep(t, "empty.mmt"), 0), 0);
	rk_free_all(&k);
	assert_int_equal(run(&err, "replay -q %s -o %s", t, o), 3);
	assert_non_null(strstr(err, "empty.mmt: no events to replay"));
	assert_int_equal(access(o, F_OK), -1);
	free(err);

	copy(keep(t, "allbad.mmt"), 0, 0, 0, 0);
	for (unsigned b = 0; b < 9; b++)
		assert_true(du_flip(t, DU_EVENTS, b, 48 + 5, 0x40) > 0);
	assert_int_equal(run(&err, "replay -q %s -o %s", t, o), 3);
	assert_non_null(strstr(err, "no event could be read (9 damaged parts): "
			       "nothing replayed"));
	assert_false(exists(o, "summary.json"));
	assert_false(exists(o, "timeseries.tsv"));
	free(err);
}

/* -o DIR that cannot be a run folder: one line naming it, exit 1 (cannot
 * write there) or 2 (not empty: --force), before any replay. */
static void test_outdir(void **state)
{
	char f[600], d[600], *err, sub[700];
	FILE *fp;

	(void)state;
	need();
	keep(f, "afile");
	keep(d, "used.out");
	fp = fopen(f, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(run(&err, "replay -q %s -o %s", trace, f), 1);
	assert_non_null(strstr(err, "afile: exists and is not a folder"));
	assert_int_equal(occurrences(err, "\n"), 1);
	free(err);
	snprintf(sub, sizeof(sub), "%s/sub", f);
	assert_int_equal(run(&err, "replay -q %s -o %s", trace, sub), 1);
	assert_non_null(strstr(err, "afile/sub: Not a directory"));
	free(err);
	assert_int_equal(run(&err, "replay -q %s -o /proc", trace), 2);
	assert_non_null(strstr(err, "mmtrace replay: /proc: not empty (--force"));
	free(err);
	assert_int_equal(run(&err, "replay -q %s -o /proc --force", trace), 1);
	assert_non_null(strstr(err, "mmtrace replay: /proc/timeseries.tsv: cannot create it: "));
	assert_int_equal(occurrences(err, "\n"), 1);
	free(err);
	assert_int_equal(run(&err, "replay -q %s -o /sys/kernel/mm/mmtrace-test", trace), 1);
	assert_non_null(strstr(err, "/sys/kernel/mm/mmtrace-test/timeseries.tsv: cannot create it: "));
	free(err);

	/* an earlier run's folder: refused, then --force writes into it and
	 * drops the other mode's file */
	assert_int_equal(run(&err, "replay -q -m mirror %s -o %s", trace, d), 0);
	free(err);
	assert_true(exists(d, "mirror.txt"));
	assert_int_equal(run(&err, "replay -q %s -o %s", trace, d), 2);
	assert_non_null(strstr(err, "used.out: not empty"));
	free(err);
	assert_int_equal(run(&err, "replay -q --force %s -o %s", trace, d), 0);
	free(err);
	assert_false(exists(d, "mirror.txt"));
	assert_true(exists(d, "model_vs_kernel.tsv"));
}

/* compare: the same folder rules, the trace checked once (a damaged
 * start snapshot said once, no replay forked), a damaged block said once
 * and the report still rendered (exit 3), and a replay that cannot write
 * its run folder says so (it used to print uninitialised bytes). */
static void test_compare(void **state)
{
	char t[600], d[600], c[600], *err, *md, *out, runs[700];
	FILE *fp;

	(void)state;
	need();
	copy(keep(t, "cblk.mmt"), DU_EVENTS, 4, 48 + 9, 0x21);
	keep(d, "cmp.out");
	assert_int_equal(run(&err, "compare %s -P a: -P b:vm.zone_reclaim_mode=1 "
			     "-o %s", t, d), 3);
	assert_int_equal(occurrences(err, "event block 4 damaged"), 1);
	free(err);
	out = ru_slurp(ru_path("out"), NULL);
	assert_non_null(strstr(out, "cmp.out/index.html"));
	free(out);
	md = file_in(d, "summary.md");
	assert_non_null(md);
	assert_non_null(strstr(md, "a: trace damaged, 500 events lost"));
	free(md);

	copy(keep(t, "cstart.mmt"), DU_SNAP_START, 0, 48 + 20, 0x04);
	assert_int_equal(run(&err, "compare %s -P a: -P b: -o %s", t,
			     keep(c, "cs.out")), 3);
	assert_int_equal(occurrences(err, "start snapshot damaged"), 1);
	assert_int_equal(occurrences(err, "\n"), 1);
	assert_int_equal(access(c, F_OK), -1);
	free(err);

	assert_int_equal(run(&err, "compare %s -P a: -o %s", trace, d), 2);
	assert_non_null(strstr(err, "cmp.out: not empty"));
	free(err);
	assert_int_equal(run(&err, "compare %s -P a: -o /proc --force", trace), 1);
	assert_non_null(strstr(err, "mmtrace compare: /proc/runs: "));
	free(err);
	/* a run folder that cannot be made: the replay's own message */
	assert_int_equal(mkdir(keep(c, "c2.out"), 0700), 0);
	snprintf(runs, sizeof(runs), "%s/runs", c);
	assert_int_equal(mkdir(runs, 0700), 0);
	snprintf(runs, sizeof(runs), "%s/runs/a", c);
	fp = fopen(runs, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(run(&err, "compare %s -P a: -o %s --force", trace, c), 1);
	assert_non_null(strstr(err, "mmtrace compare: policy a: "));
	assert_non_null(strstr(err, "runs/a/timeseries.tsv: cannot create it: Not a directory"));
	for (const char *c = err; *c; c++)
		assert_true(*c == '\n' || (*c >= 0x20 && *c < 0x7f));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_damaged_block),
		cmocka_unit_test(test_snapshots),
		cmocka_unit_test(test_no_events),
		cmocka_unit_test(test_outdir),
		cmocka_unit_test(test_compare),
	};

	bin = getenv("MMTRACE");
	if (bin && access(bin, X_OK))
		bin = NULL;
	return cmocka_run_group_tests(tests, ru_setup, ru_teardown);
}
