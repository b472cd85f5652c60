/* SPDX-License-Identifier: MIT */
/*
 * The 10 s a trace reader may spend on one input, counted in CPU time.
 * libFuzzer's -timeout counts wall time, which a busy shared machine
 * (this one runs at load 8 on 2 cores, the harnesses at nice 19)
 * stretches tenfold: an input that takes 1 s of CPU can take 12 s.  So
 * each harness checks its own CPU time per input and aborts past the
 * limit; fuzz/run.sh gives -timeout a wide margin, for real hangs.
 */
#ifndef MMTRACE_FUZZ_CPU_H
#define MMTRACE_FUZZ_CPU_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FUZZ_CPU_LIMIT_S 10.0

/* where to complain: the harnesses send stdout and stderr to /dev/null */
static FILE *fuzz_err;

static inline double fuzz_cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline void fuzz_cpu_check(double t0)
{
	double s = fuzz_cpu_now() - t0;

	if (s > FUZZ_CPU_LIMIT_S) {
		fprintf(fuzz_err ? fuzz_err : stderr,
			"fuzz: one input took %.1f s of CPU (limit %.0f s)\n", s,
			FUZZ_CPU_LIMIT_S);
		abort();
	}
}

#endif
