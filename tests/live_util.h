/* SPDX-License-Identifier: MIT */
/* What the suites that run `mmtrace record` on the real kernel share
 * (header-only: each suite is its own binary). */
#ifndef MMTRACE_LIVE_UTIL_H
#define MMTRACE_LIVE_UTIL_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static inline void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = 0;
	if (f)
		fclose(f);
}

/* cmocka 1.1 has skip() but no message variant. */
#define skip_msg(...) do { fprintf(stderr, "live: skipped: " __VA_ARGS__); \
		fprintf(stderr, "\n"); skip(); } while (0)

/* The checks and paths every live test starts with: skips unless root
 * with an mmtrace binary; DIR (a mkdtemp template) is created and OUT and
 * LOG (600 bytes each) name NAME.mmt and record.log in it.  Returns the
 * binary to run. */
static inline const char *live_setup(char *dir, char *out, char *log, const char *name)
{
	const char *mmtrace = getenv("MMTRACE");

	if (geteuid() != 0)
		skip_msg("live test needs root (BPF, /proc/kpageflags)");
	if (!mmtrace || access(mmtrace, X_OK))
		mmtrace = "build/mmtrace";
	if (access(mmtrace, X_OK))
		skip_msg("no mmtrace binary (set MMTRACE)");
	assert_non_null(mkdtemp(dir));
	snprintf(out, 600, "%s/%s.mmt", dir, name);
	snprintf(log, 600, "%s/record.log", dir);
	return mmtrace;
}

/* The recorder's log says BPF cannot be used here: the live tests skip. */
static inline int live_no_bpf(const char *log)
{
	return strstr(log, "loading BPF") || strstr(log, "needs root");
}

/* 1 once the recorder has started writing OUT, 0 when it exited first or
 * did not get there in 120 s (then it is killed: a caller that waits for
 * it must not wait for ever).  record writes FILE.part-PID and renames it
 * OUT once its start snapshot follows the first events: seconds, but 42 s
 * under ASan on a host loaded 8 deep. */
static inline int wait_ready(pid_t pid, const char *out)
{
	struct stat st;
	int status;

	for (int i = 0; i < 2400; i++) {
		if (!stat(out, &st) && st.st_size > 0)
			return 1;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return 0;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	return 0;
}

#endif
