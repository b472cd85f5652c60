/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: replay (mirror and policy mode) driven by CRC-valid
 * generated traces.  gen.c turns the input into a trace the writer wrote,
 * so every checksum and length is right and the fuzzer's mutations land
 * on values: hostile zones, snapshots and events.  The replay must finish
 * (or refuse the trace with a message) within the limits of any reader
 * of a file: no crash, no sanitizer report, 512 MB, 10 s.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mmtrace/cmd.h"
#include "mmtrace/replay.h"
#include "cpu.h"
#include "gen.h"

static char path[128], outdir[128];

/* As fuzz_reader.c: a quarantine of 64 MiB (an input frees a few MB, so a
 * use after free within one is still caught) keeps the process below
 * half of -rss_limit_mb=512, where libFuzzer purges the allocator every
 * second (RSS 300 -> 135 MB).  ASAN_OPTIONS still overrides it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=64";
}

/* The output folder some inputs write (replay -o) lives as long as the
 * process: emptied and removed when libFuzzer ends normally (-runs,
 * -max_total_time: exit()).  A crash or a sanitizer report ends in _exit()
 * and leaves it beside the artifact; fuzz/run.sh removes those of
 * processes that no longer exist. */
static void remove_outdir(void)
{
	DIR *d = opendir(outdir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", outdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(outdir);
	unlink(path);
}

/* libFuzzer's flags for this harness, before the command line's (a flag
 * given there wins): an input's energy scaled by its execution time.  A
 * replay costs 0.3 ms to 400 ms with the size of the generated host, and
 * the slow inputs took most of the time for little coverage: 1.33x more
 * executions a second of CPU (fuzz/README.md); every input is still
 * fuzzed. */
static char *flag_argv[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char scale[] = "-entropic_scale_per_exec_time=1";

	if (*argc >= 1 && *argc < 62) {
		flag_argv[0] = (*argv)[0];
		flag_argv[1] = scale;
		for (int i = 1; i <= *argc; i++)	/* and the NULL */
			flag_argv[i + 1] = (*argv)[i];
		*argv = flag_argv;
		(*argc)++;
	}
	snprintf(path, sizeof(path), "/dev/shm/mmtrace-fuzz-%d.mmt", (int)getpid());
	snprintf(outdir, sizeof(outdir), "/dev/shm/mmtrace-fuzz-%d.d", (int)getpid());
	/* models within -rss_limit_mb=512 and quick to seed (the
	 * environment may say otherwise) */
	setenv("MMTRACE_MAX_MODEL_MB", "64", 0);
	atexit(remove_outdir);
	fuzz_err = stderr;
	stdout = fopen("/dev/null", "w");
	stderr = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmt_replay_opts o = { 0 };
	struct mmt_replay_result res;
	struct gen_run run;
	char err[512] = "";
	double t0 = fuzz_cpu_now();
	int rc;

	if (gen_trace(data, size, path, &run))
		return 0;
	o.trace = path;
	o.outdir = run.outdir ? outdir : NULL;
	o.mode = run.mirror ? MMT_REPLAY_MIRROR : MMT_REPLAY_POLICY;
	o.start = run.inferred ? MMT_START_INFERRED : MMT_START_AUTO;
	o.topology = run.split ? "2" : NULL;
	o.sample_ns = run.sample_ns;
	o.print_table = 1;
	rc = mmt_replay_run(&o, &res, err, sizeof(err));
	if (rc != 0 && !err[0])
		abort();	/* every failure names what failed */
	if (run.zones) {	/* `mmtrace zones FILE`: the header's model */
		char a0[] = "mmtrace", *argv[] = { a0, path, NULL };

		cmd_zones(2, argv);
	}
	unlink(path);
	fuzz_cpu_check(t0);
	return 0;
}
