/* SPDX-License-Identifier: MIT */
/*
 * A small deterministic kernel-memory workload for the side-by-side
 * checks of `mmtrace stat` against `perf kmem stat` and of imported
 * captures against mmtrace's own (tests/test_kmem_peers.c).
 *
 *   kmemload DIR [ROUNDS] [--stopped]
 *
 * One process, no threads, no children; each round: create, write (16
 * KiB), read back and unlink a file in DIR (dentries, inodes, ext4 and
 * page-cache pages), a pipe written and read (pipe buffers: page
 * allocations), 64 anonymous pages touched and unmapped (faults, page
 * tables), a socketpair message (skbuffs).  Default 300 rounds, a few
 * hundred ms.  --stopped: stop (SIGSTOP) before the first round, so that
 * tracers can attach to the pid; SIGCONT starts the work.
 *
 * At the end it renames itself "kmemload-done" (prctl) before exiting:
 * the process's events while named "kmemload" are its work without its
 * exit.  perf's per-task counters stop at perf_event_exit_task(), which
 * kernels since 2025 call before exit_mm(), while a tracer of the whole
 * system sees the teardown too; the rename marks where both agree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int file_round(const char *dir, int i, char *buf, size_t len)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/kmemload.%d", dir, i);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) ||
	    read(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	close(fd);
	return unlink(path);
}

static int pipe_round(char *buf, size_t len)
{
	int p[2];

	if (pipe(p))
		return -1;
	int ok = write(p[1], buf, len) == (ssize_t)len &&
		 read(p[0], buf, len) == (ssize_t)len;
	close(p[0]);
	close(p[1]);
	return ok ? 0 : -1;
}

static int anon_round(void)
{
	size_t len = 64 * 4096;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	for (size_t off = 0; off < len; off += 4096)
		m[off] = 1;
	return munmap(m, len);
}

static int socket_round(char *buf)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	int ok = write(sv[0], buf, 1500) == 1500 && read(sv[1], buf, 1500) == 1500;
	close(sv[0]);
	close(sv[1]);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char buf[16384];
	int rounds = argc > 2 ? atoi(argv[2]) : 300;

	if (argc < 2 || rounds <= 0) {
		fprintf(stderr, "usage: kmemload DIR [ROUNDS]\n");
		return 2;
	}
	memset(buf, 'k', sizeof(buf));
	if (argc > 3 && !strcmp(argv[3], "--stopped"))
		raise(SIGSTOP);
	for (int i = 0; i < rounds; i++) {
		if (file_round(argv[1], i, buf, sizeof(buf)) || pipe_round(buf, 4096) ||
		    anon_round() || socket_round(buf)) {
			fprintf(stderr, "kmemload: round %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	prctl(PR_SET_NAME, "kmemload-done", 0, 0, 0);
	return 0;
}
