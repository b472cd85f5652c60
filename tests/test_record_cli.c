/* SPDX-License-Identifier: MIT */
/*
 * `mmtrace record`'s command line and process handling on the real
 * kernel (nothing faked): what it refuses before attaching anything, and
 * how fast; its exit status with CMD (CMD's own, as time(1) gives it);
 * SIGHUP; the file size limit (EFBIG).  Skips, saying why, only without
 * root or BPF, as test_live does.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "mmtrace/trace.h"
#include "live_util.h"

#define MAX_ARGS 16

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts `mmtrace record ARGS...` (NULL-terminated), stderr to LOG, with
 * the file size limit `fsize` when non-zero. */
static pid_t start_record(const char *mmtrace, const char *log,
			  const char *const *args, rlim_t fsize)
{
	const char *argv[MAX_ARGS + 3] = { mmtrace, "record" };
	pid_t pid;
	int n = 2;

	for (int i = 0; args[i] && n < MAX_ARGS + 2; i++)
		argv[n++] = args[i];
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (fd >= 0)
			dup2(fd, 2);
		if (null >= 0)
			dup2(null, 1);
		if (fsize) {
			struct rlimit rl = { fsize, fsize };

			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(mmtrace, (char *const *)argv);
		_exit(99);
	}
	return pid;
}

/* Waits for it: the exit status, or 1000 + N when signal N killed it. */
static int wait_record(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static int run_record(const char *mmtrace, const char *log,
		      const char *const *args, rlim_t fsize, double *secs)
{
	double t0 = now_s();
	int rc = wait_record(start_record(mmtrace, log, args, fsize));

	if (secs)
		*secs = now_s() - t0;
	return rc;
}

/* A pid no process has: a child that has been reaped. */
static pid_t gone_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

struct refusal {
	const char *args[8];	/* "@" stands for OUT, "%" for DIR */
	int rc;
	const char *msg;
};

/* Each refused in well under the ~2 s that loading and attaching take
 * here, with a message naming what is wrong, and no trace left behind. */
static void test_refused_before_attach(void **state)
{
	char dir[] = "/tmp/mmtrace-reccli-XXXXXX", out[600], log[600], msg[4096];
	char noexec[700], pidarg[32], exists[700], missing[700];
	const char *mmtrace = live_setup(dir, out, log, "refused");
	const struct refusal cases[] = {
		{ { "-o", "@", "--", "/nonexistent-cmd" }, 127,
		  "/nonexistent-cmd: No such file or directory" },
		{ { "-o", "@", "--", "mmtrace-no-such-command" }, 127,
		  "mmtrace-no-such-command: command not found" },
		{ { "-o", "@", "--", "N" }, 126, "noexec.sh: Permission denied" },
		{ { "-o", "@", "--pid", "P" }, 2, ": no such process" },
		{ { "-o", "@", "-e", "page,bogus" }, 2, "--events: unknown 'bogus'" },
		{ { "-o", "@", "--cgroup", "mmtrace-no-such-cgroup" }, 2,
		  "--cgroup mmtrace-no-such-cgroup: not a cgroup v2 directory" },
		{ { "-o", "@", "-d", "nan" }, 2, "--duration 'nan'" },
		{ { "-o", "@", "--pid", "1", "--cgroup", "x" }, 2,
		  "--pid and --cgroup exclude each other" },
		{ { "-o", "M" }, 1, "missing/x.mmt: No such file or directory" },
		{ { "-o", "/proc/mmtrace-test.mmt" }, 1, "/proc/mmtrace-test.mmt: " },
		{ { "-o", "%" }, 2, "exists (use --force to overwrite)" },
		{ { "-o", "%", "--force" }, 1, "exists and is not a regular file" },
		{ { "-o", "E" }, 2, "exists.mmt: exists (use --force to overwrite)" },
	};
	struct stat st;
	int fd;

	(void)state;
	snprintf(noexec, sizeof(noexec), "%s/noexec.sh", dir);
	snprintf(exists, sizeof(exists), "%s/exists.mmt", dir);
	snprintf(missing, sizeof(missing), "%s/missing/x.mmt", dir);
	snprintf(pidarg, sizeof(pidarg), "%d", (int)gone_pid());
	fd = open(noexec, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "true\n", 5), 5);
	close(fd);
	fd = open(exists, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const char *args[9] = { 0 };
		double secs;
		int rc;

		for (int i = 0; i < 8 && cases[c].args[i]; i++) {
			const char *a = cases[c].args[i];

			args[i] = !strcmp(a, "@") ? out : !strcmp(a, "%") ? dir :
				  !strcmp(a, "N") ? noexec : !strcmp(a, "P") ? pidarg :
				  !strcmp(a, "E") ? exists : !strcmp(a, "M") ? missing : a;
		}
		rc = run_record(mmtrace, log, args, 0, &secs);
		slurp(log, msg, sizeof(msg));
		fprintf(stderr, "record %s %s: %d in %.3f s: %s", args[2] ? args[2] : "",
			args[3] ? args[3] : "", rc, secs, msg);
		assert_int_equal(rc, cases[c].rc);
		assert_non_null(strstr(msg, cases[c].msg));
		assert_non_null(strstr(msg, "mmtrace record: "));
		assert_null(strstr(msg, "attached"));	/* nothing was */
		assert_true(secs < 1.0);
		assert_true(stat(out, &st) < 0 && errno == ENOENT);
	}
	assert_int_equal(stat(exists, &st), 0);
	assert_int_equal(st.st_size, 4);	/* left alone */
	unlink(noexec);
	unlink(exists);
	unlink(log);
	rmdir(dir);
}

/* A complete trace: no stop reason, an end snapshot, events. */
static void check_whole(const char *path)
{
	char err[256];
	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));
	struct mmt_event ev;
	uint64_t n = 0;
	int rc;

	if (!r)
		fail_msg("%s", err);
	assert_null(mmt_reader_stop_reason(r));
	assert_non_null(mmt_reader_snapshot(r, 0));
	assert_non_null(mmt_reader_snapshot(r, 1));
	while ((rc = mmt_reader_next(r, &ev)) == 1)
		n++;
	assert_int_equal(rc, 0);
	assert_true(n > 0);
	mmt_reader_close(r);
}

/* With CMD the exit status is CMD's when it ends by itself (a kill by
 * signal N is 128 + N), and 0 when the recording ends first (-d) and
 * ends CMD; the trace is whole either way. */
static void test_cmd_status(void **state)
{
	char dir[] = "/tmp/mmtrace-reccli-XXXXXX", out[600], log[600], msg[4096];
	const char *mmtrace = live_setup(dir, out, log, "status");
	struct {
		const char *args[10];
		int rc;
	} cases[] = {
		{ { "-o", out, "--", "sh", "-c", "exit 3" }, 3 },
		{ { "-o", out, "--force", "--", "sh", "-c", "kill -KILL $$" }, 128 + SIGKILL },
		{ { "-o", out, "--force", "-d", "1", "--", "sleep", "30" }, 0 },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double secs;
		int rc = run_record(mmtrace, log, cases[c].args, 0, &secs);

		slurp(log, msg, sizeof(msg));
		if (rc && live_no_bpf(msg))
			skip_msg("BPF unavailable: %s", msg);
		fprintf(stderr, "record -- %s: %d in %.1f s\n", cases[c].args[6] ?
			cases[c].args[6] : cases[c].args[5], rc, secs);
		if (rc != cases[c].rc)
			fail_msg("exit %d, want %d: %s", rc, cases[c].rc, msg);
		assert_non_null(strstr(msg, "mmtrace record: wrote "));
		/* not held up by sleep 30; attach and two snapshots took
		 * 10.8 s under ASan at load 8 */
		assert_true(secs < 25);
		check_whole(out);
	}
	unlink(out);
	unlink(log);
	rmdir(dir);
}

/* SIGHUP (the terminal went away) stops the recording like SIGTERM:
 * exit 0 and a complete file. */
static void test_sighup(void **state)
{
	char dir[] = "/tmp/mmtrace-reccli-XXXXXX", out[600], log[600], msg[4096];
	const char *mmtrace = live_setup(dir, out, log, "hup");
	const char *args[] = { "-o", out, NULL };
	pid_t pid;
	int rc;

	(void)state;
	pid = start_record(mmtrace, log, args, 0);
	assert_true(pid > 0);
	if (!wait_ready(pid, out)) {
		slurp(log, msg, sizeof(msg));
		waitpid(pid, NULL, 0);
		if (live_no_bpf(msg))
			skip_msg("BPF unavailable: %s", msg);
		fail_msg("recorder did not start: %s", msg);
	}
	usleep(300000);
	kill(pid, SIGHUP);
	rc = wait_record(pid);
	slurp(log, msg, sizeof(msg));
	if (rc)
		fail_msg("exit %d after SIGHUP: %s", rc, msg);
	check_whole(out);
	unlink(out);
	unlink(log);
	rmdir(dir);
}

/* Past RLIMIT_FSIZE a write fails with EFBIG (SIGXFSZ is ignored): exit
 * 1, a message naming the file and the cause, the file within the limit
 * and readable up to its last whole block. */
static void test_file_size_limit(void **state)
{
	char dir[] = "/tmp/mmtrace-reccli-XXXXXX", out[600], log[600], msg[4096];
	const char *mmtrace = live_setup(dir, out, log, "efbig");
	const char *args[] = { "-o", out, "-d", "30", "--", "sh", "-c",
		"while :; do head -c 50000000 /dev/zero | cat >/dev/null; done",
		NULL };
	enum { LIMIT = 1 << 20 };
	struct mmt_reader *r;
	struct mmt_event ev;
	struct stat st;
	char err[256];
	double secs;
	uint64_t n = 0;
	int rc;

	(void)state;
	rc = run_record(mmtrace, log, args, LIMIT, &secs);
	slurp(log, msg, sizeof(msg));
	if (rc && live_no_bpf(msg))
		skip_msg("BPF unavailable: %s", msg);
	fprintf(stderr, "record past the size limit: %d in %.1f s\n", rc, secs);
	if (rc != 1)
		fail_msg("exit %d, want 1: %s", rc, msg);
	assert_non_null(strstr(msg, "efbig.mmt: write at offset "));
	assert_non_null(strstr(msg, "File too large"));
	assert_non_null(strstr(msg, "readable up to its last whole block"));
	assert_true(secs < 25);	/* 6.4 s under ASan at load 8: stops, no hang */
	assert_int_equal(stat(out, &st), 0);
	assert_true(st.st_size <= LIMIT);
	r = mmt_reader_open(out, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	assert_non_null(mmt_reader_stop_reason(r));
	while ((rc = mmt_reader_next(r, &ev)) == 1)
		n++;
	assert_int_equal(rc, 0);
	assert_true(n > 0);
	mmt_reader_close(r);
	unlink(out);
	unlink(log);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_before_attach),
		cmocka_unit_test(test_cmd_status),
		cmocka_unit_test(test_sighup),
		cmocka_unit_test(test_file_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
