/* SPDX-License-Identifier: MIT */
/* Running the built mmtrace binary ($MMTRACE) on an input that must not
 * cost it more than a reader of a file may spend: killed after a time
 * limit, its peak RSS measured.  Header-only: each suite is its own
 * binary. */
#ifndef MMTRACE_LIMITS_UTIL_H
#define MMTRACE_LIMITS_UTIL_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LIM_SECONDS 10
#define LIM_RSS_KB (512 * 1024)

struct lim_run {
	int status;		/* exit code, -1 when killed */
	int sig;		/* the signal that killed it */
	long maxrss_kb;
	double secs;
	char out[1 << 16];	/* the start of its stdout */
	char err[1 << 14];	/* the start of its stderr */
	size_t out_len;		/* all of stdout, even past out[] */
};

static void lim_slurp(const char *path, char *buf, size_t len, size_t *total)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	buf[0] = 0;
	if (!f)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	if (total) {
		fseek(f, 0, SEEK_END);
		*total = (size_t)ftell(f);
	}
	fclose(f);
}

/* Runs $MMTRACE with argv (argv[0] ignored, NULL-terminated) in dir,
 * stdout and stderr to files there; killed by SIGALRM after
 * LIM_SECONDS.  Fills *r. */
static void lim_run(const char *dir, char *const argv[], struct lim_run *r)
{
	const char *bin = getenv("MMTRACE") ? getenv("MMTRACE") : "build/mmtrace";
	char out[512], err[512];
	struct timespec t0, t1;
	struct rusage ru;
	int st = 0;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/lim.out", dir);
	snprintf(err, sizeof(err), "%s/lim.err", dir);
	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
			_exit(127);
		alarm(LIM_SECONDS);	/* survives exec: SIGALRM ends it */
		execv(bin, argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid) {
		r->status = -2;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	r->maxrss_kb = ru.ru_maxrss;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	lim_slurp(out, r->out, sizeof(r->out), &r->out_len);
	lim_slurp(err, r->err, sizeof(r->err), NULL);
}

/* The run kept to the limits: not killed, in time, within memory. */
static int lim_within(const struct lim_run *r)
{
	if (r->status < 0 || r->secs >= LIM_SECONDS || r->maxrss_kb >= LIM_RSS_KB) {
		fprintf(stderr, "limits: status %d signal %d, %.2f s, %ld KiB\n"
			"stderr: %s\n", r->status, r->sig, r->secs, r->maxrss_kb,
			r->err);
		return 0;
	}
	return 1;
}

#endif
