/* SPDX-License-Identifier: MIT */
/*
 * Fault loop for bench/record.sh.
 *
 *   faultloop [--cold] [MIB [ROUNDS]]
 *                                 map MIB of anonymous memory, write one
 *                                 byte per 4 KiB page, unmap; ROUNDS times
 *                                 (default 512 MiB, 2 rounds).  Prints the
 *                                 loop's wall time and its CPU time (user +
 *                                 sys, which includes BPF programs run in
 *                                 its faults) in seconds on stdout.
 *                                 One untimed round runs first (--cold: not)
 *                                 so the timed rounds get guest memory the
 *                                 hypervisor backs: with virtio-balloon free
 *                                 page reporting, memory that stayed free
 *                                 for 2 s is handed back to the host and
 *                                 costs a host fault per page when touched
 *                                 again.  A recorder's start-up takes longer
 *                                 than that, so without the warm-up a traced
 *                                 run pays host faults an untraced run
 *                                 started right after another may not.
 *   faultloop --churn SECS MIB    touch MIB, MADV_DONTNEED it, repeat for
 *                                 SECS: the tightest page alloc/free loop
 *                                 user space can drive.  Prints rounds.
 *
 * THP is switched off for the mapping so every page is an order-0 fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static char *map(size_t bytes)
{
	char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		perror("faultloop: mmap");
		exit(1);
	}
	madvise(m, bytes, MADV_NOHUGEPAGE);
	return m;
}

static void touch(char *m, size_t bytes, size_t step)
{
	for (size_t off = 0; off < bytes; off += step)
		m[off] = 1;
}

static int churn(double secs, size_t bytes, size_t step)
{
	char *m = map(bytes);
	double end = now() + secs;
	unsigned long rounds = 0;

	while (now() < end) {
		touch(m, bytes, step);
		madvise(m, bytes, MADV_DONTNEED);
		rounds++;
	}
	printf("%lu\n", rounds);
	return 0;
}

int main(int argc, char **argv)
{
	size_t step = 4096, mib = 512, rounds = 2;
	double t0, t1, c0, c1;
	int warm = 1;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: faultloop [--cold] [MIB [ROUNDS]] | faultloop --churn SECS MIB\n");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--cold")) {
		warm = 0;
		argc--;
		argv++;
	}
	if (argc > 3 && !strcmp(argv[1], "--churn"))
		return churn(atof(argv[2]), (size_t)atol(argv[3]) << 20, step);
	if (argc > 1)
		mib = (size_t)atol(argv[1]);
	if (argc > 2)
		rounds = (size_t)atol(argv[2]);
	if (!mib || !rounds) {
		fprintf(stderr, "faultloop: bad size or rounds\n");
		return 2;
	}
	if (warm) {
		char *m = map(mib << 20);

		touch(m, mib << 20, step);
		munmap(m, mib << 20);
	}
	t0 = now();
	c0 = cpu();
	for (size_t r = 0; r < rounds; r++) {
		char *m = map(mib << 20);

		touch(m, mib << 20, step);
		munmap(m, mib << 20);
	}
	t1 = now();
	c1 = cpu();
	printf("%.4f %.4f\n", t1 - t0, c1 - c0);
	return 0;
}
