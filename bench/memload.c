/* SPDX-License-Identifier: MIT */
/*
 * memload: a time-capped workload that keeps the kernel's memory-pressure
 * machinery busy, for recording tests (tests/test_live_pressure.c) and by
 * hand.  It does not shrink memory itself: run it where free memory is
 * already small (the live test shrinks it with a hugetlb pool).
 *
 *   memload --prepare DIR MB      create DIR/stream (MB MiB, sparse)
 *   memload SECONDS DIR ANON_MB [STEAL MAX_SECONDS [STREAM_MBPS]]
 *                                 run four processes until SECONDS pass
 *                                 (and then, with STEAL, on until kswapd
 *                                 has reclaimed STEAL pages since the start,
 *                                 /proc/vmstat pgsteal_kswapd, or
 *                                 MAX_SECONDS have passed: a slow or busy
 *                                 host fills its memory later; with
 *                                 STREAM_MBPS > 0 the reader reads at most
 *                                 that many MiB a second):
 *     reader   reads DIR/stream sequentially, again and again (page cache
 *              streams through: kswapd and direct reclaim evict it), and
 *              maps a part of it (fault-around, mm_filemap_map_pages);
 *     rewriter rewrites DIR/rewrite (32 MiB) in place (dirty pages,
 *              writeback);
 *     anon     maps ANON_MB of anonymous memory with MADV_HUGEPAGE, touches
 *              it, frees every other 2 MiB with MADV_DONTNEED and unmaps
 *              it all, again and again (THP allocations want order-9
 *              blocks: compaction);
 *     files    creates and unlinks small files (slab: dentries, inodes).
 * Exit status 0 when every process ran to the deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MB (1ul << 20)

/* shared with the four processes: the parent may move it */
static volatile double *deadline;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* DIR/stream: a sparse file.  Reading a hole fills page-cache pages
 * with zeros without any I/O (the filesystem's read_folio zero-fills),
 * so the page cache streams at memory speed and creating the file
 * costs nothing: reclaim gets busy without a disk in the way. */
static int prepare(const char *dir, unsigned long mb)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/stream", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)(mb * MB)) || close(fd)) {
		perror(path);
		return 1;
	}
	return 0;
}

/* Sleeps so that `bytes` read since `t0` take at least bytes / mbps
 * seconds: a recorder slower per event (a sanitizer build) is tested at a
 * rate it can drain, where an unpaced hole read makes >1 M events/s. */
static void pace(double t0, unsigned long long bytes, double mbps)
{
	double due = t0 + (double)bytes / (mbps * (double)MB), t = now();

	if (mbps > 0 && due > t) {
		struct timespec ts = { .tv_sec = (time_t)(due - t),
			.tv_nsec = (long)((due - t - (double)(time_t)(due - t)) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static void reader(const char *dir, double mbps)
{
	char path[4096];
	char *buf = malloc(MB);
	int fd;
	struct stat st;
	double t0 = now();
	unsigned long long total = 0;

	snprintf(path, sizeof(path), "%s/stream", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf || fstat(fd, &st)) {
		perror(path);
		_exit(1);
	}
	while (now() < *deadline) {
		off_t off = 0;
		ssize_t n;

		while (now() < *deadline && (n = pread(fd, buf, MB, off)) > 0) {
			off += n;
			total += (unsigned long long)n;
			pace(t0, total, mbps);
		}
		/* a mapped pass over the first 64 MiB: fault-around */
		size_t len = st.st_size < (off_t)(64 * MB) ? (size_t)st.st_size : 64 * MB;
		volatile char *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

		if (m != MAP_FAILED) {
			unsigned sum = 0;

			for (size_t i = 0; i < len; i += 4096)
				sum += (unsigned char)m[i];
			(void)sum;
			munmap((void *)m, len);
		}
	}
	_exit(0);
}

static void rewriter(const char *dir)
{
	char path[4096];
	char *buf = malloc(MB);
	int fd;
	unsigned long round = 0;

	snprintf(path, sizeof(path), "%s/rewrite", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !buf) {
		perror(path);
		_exit(1);
	}
	while (now() < *deadline) {
		memset(buf, (int)round++, MB);
		for (unsigned i = 0; i < 32 && now() < *deadline; i++)
			if (pwrite(fd, buf, MB, (off_t)i * (off_t)MB) != (ssize_t)MB)
				_exit(1);
		if (!(round % 8))
			fdatasync(fd);
	}
	close(fd);
	unlink(path);
	_exit(0);
}

static void anon(unsigned long mb)
{
	size_t len = mb * MB, huge = 2 * MB;

	while (now() < *deadline) {
		/* 2 MiB aligned, so that THPs can back it */
		char *raw = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *m;

		if (raw == MAP_FAILED) {
			usleep(10000);
			continue;
		}
		m = (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
		madvise(m, len, MADV_HUGEPAGE);
		for (size_t i = 0; i < len && now() < *deadline; i += 4096)
			m[i] = (char)i;
		for (size_t i = 0; i + huge <= len; i += 2 * huge)
			madvise(m + i, huge, MADV_DONTNEED);
		for (size_t i = huge; i < len && now() < *deadline; i += 2 * huge)
			m[i] = 1;
		munmap(raw, len + huge);
	}
	_exit(0);
}

static void files(const char *dir)
{
	char path[4096];
	unsigned long i = 0;

	while (now() < *deadline) {
		for (unsigned k = 0; k < 200; k++) {
			int fd;

			snprintf(path, sizeof(path), "%s/f%lu", dir, (i + k) % 4000);
			fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (fd >= 0) {
				if (write(fd, path, 64) < 0)
					_exit(1);
				close(fd);
			}
		}
		for (unsigned k = 0; k < 200; k++) {
			snprintf(path, sizeof(path), "%s/f%lu", dir, (i + k) % 4000);
			unlink(path);
		}
		i += 200;
		usleep(2000);
	}
	_exit(0);
}

static unsigned long long kswapd_steal(void)
{
	unsigned long long v = 0;
	char line[256];
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "pgsteal_kswapd %llu", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	pid_t kids[4];
	int bad = 0;

	if (argc == 4 && !strcmp(argv[1], "--prepare"))
		return prepare(argv[2], strtoul(argv[3], NULL, 10));
	if (argc != 4 && argc != 6 && argc != 7) {
		fprintf(stderr, "usage: memload --prepare DIR MB\n"
				"       memload SECONDS DIR ANON_MB [STEAL MAX_SECONDS [STREAM_MBPS]]\n");
		return 2;
	}
	double mbps = argc == 7 ? strtod(argv[6], NULL) : 0;

	if (!(mbps >= 0 && mbps < 1e6)) {
		fprintf(stderr, "memload: STREAM_MBPS '%s' is not 0..1e6\n", argv[6]);
		return 2;
	}
	deadline = mmap(NULL, sizeof(*deadline), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (deadline == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	double t0 = now(), t_min = t0 + strtod(argv[1], NULL);
	unsigned long long steal = 0, steal0 = kswapd_steal();

	if (argc >= 6) {
		steal = strtoull(argv[4], NULL, 10);
		*deadline = t0 + strtod(argv[5], NULL);
		if (*deadline < t_min)
			*deadline = t_min;
	} else {
		*deadline = t_min;
	}
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		if (kids[k] < 0) {
			perror("fork");
			return 1;
		}
		if (!kids[k]) {
			if (k == 0)
				reader(argv[2], mbps);
			if (k == 1)
				rewriter(argv[2]);
			if (k == 2)
				anon(strtoul(argv[3], NULL, 10));
			files(argv[2]);
		}
	}
	while (steal && now() < *deadline) {
		usleep(200000);
		if (now() >= t_min && kswapd_steal() - steal0 >= steal)
			*deadline = now();	/* the processes see it and stop */
	}
	for (int k = 0; k < 4; k++) {
		int st;

		if (waitpid(kids[k], &st, 0) != kids[k] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			bad = 1;
	}
	return bad;
}
