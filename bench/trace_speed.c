/* SPDX-License-Identifier: MIT */
/*
 * Trace format speed and size on a synthetic fault loop:
 *   build/bench/trace_speed [EVENTS] [FILE]
 * writes EVENTS (default 10 M) events, then reads them back three ways
 * (next_batch, next, parallel block decode on all cores) and prints
 * bytes/event and events/s (wall clock and CPU time of this process, so a
 * busy machine shows in the gap between the two).
 *   build/bench/trace_speed --read FILE
 * only reads FILE (e.g. a recorded trace) with next_batch.
 * Not part of `make test`.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "mmtrace/synth.h"

static double clk(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clk(CLOCK_MONOTONIC);
}

static double cpu(void)
{
	return clk(CLOCK_THREAD_CPUTIME_ID);
}

static int read_only(const char *path)
{
	char err[256];
	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));
	const struct mmt_event *b;
	uint64_t got = 0, sum = 0;
	int64_t k;

	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	double t0 = now(), c0 = cpu();
	while ((k = mmt_reader_next_batch(r, &b)) > 0) {
		for (int64_t i = 0; i < k; i++)
			sum += b[i].pfn;
		got += (uint64_t)k;
	}
	double tw = now() - t0, tc = cpu() - c0;
	printf("%s: %llu events, %.3f bytes/event (file), next_batch %.1f M events/s wall, %.1f M/s cpu\n",
	       path, (unsigned long long)got,
	       got ? (double)mmt_reader_file_bytes(r) / got : 0.0,
	       got / tw / 1e6, got / tc / 1e6);
	if (k < 0)
		fprintf(stderr, "%s\n", mmt_reader_error(r));
	mmt_reader_close(r);
	return k < 0 || sum == 1;
}

struct par {
	struct mmt_reader *r;
	uint64_t first, step, sum;
};

static void *par_decode(void *arg)
{
	struct par *p = arg;
	struct mmt_block_dec *d = mmt_block_dec_new();
	const struct mmt_event *ev;
	for (uint64_t i = p->first; i < mmt_reader_nr_blocks(p->r); i += p->step) {
		int64_t n = mmt_reader_decode_block(p->r, i, d, &ev);
		for (int64_t k = 0; k < n; k++)
			p->sum += ev[k].pfn;
	}
	mmt_block_dec_free(d);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--read"))
		return read_only(argv[2]);
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000;
	const char *path = argc > 2 ? argv[2] : "/tmp/mmtrace-bench.mmt";
	struct mmt_header h;
	struct mmt_synth_loop o = { .nr_cpus = 2, .seed = 1 };
	char err[256];

	if (mmt_synth_header(&h, NULL, 0, 2))
		return 1;
	struct mmt_event *ev = malloc(n * sizeof(*ev));
	if (!ev)
		return 1;
	mmt_synth_fault_loop(&h, &o, ev, n);

	double t0 = now();
	struct mmt_writer *w = mmt_writer_open(path, 1, &h, NULL, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (mmt_writer_add(w, &ev[i]))
			return 1;
	uint64_t raw, file;
	mmt_writer_flush(w);
	mmt_writer_stats(w, NULL, &raw, &file);
	if (mmt_writer_close(w, NULL))
		return 1;
	double tw = now() - t0;

	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	const struct mmt_event *b;
	int64_t k;
	uint64_t got = 0, sum = 0;
	t0 = now();
	double c0 = cpu();
	while ((k = mmt_reader_next_batch(r, &b)) > 0) {
		for (int64_t i = 0; i < k; i++)
			sum += b[i].pfn;
		got += (uint64_t)k;
	}
	double tb = now() - t0, cb = cpu() - c0;

	struct mmt_event e;
	mmt_reader_rewind(r);
	t0 = now();
	c0 = cpu();
	while (mmt_reader_next(r, &e) == 1)
		sum += e.pfn;
	double tn = now() - t0, cn = cpu() - c0;

	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	pthread_t th[64];
	struct par ps[64];
	if (ncpu > 64)
		ncpu = 64;
	t0 = now();
	for (long i = 0; i < ncpu; i++) {
		ps[i] = (struct par){ r, (uint64_t)i, (uint64_t)ncpu, 0 };
		pthread_create(&th[i], NULL, par_decode, &ps[i]);
	}
	for (long i = 0; i < ncpu; i++) {
		pthread_join(th[i], NULL);
		sum += ps[i].sum;
	}
	double tp = now() - t0;

	printf("events            %zu (read back %llu)\n", n, (unsigned long long)got);
	printf("file bytes        %llu  (%.3f bytes/event in blocks, raw %.2f)\n",
	       (unsigned long long)file, (double)file / n, (double)raw / n);
	printf("write             %.1f M events/s\n", n / tw / 1e6);
	printf("read next_batch   %.1f M events/s wall, %.1f M/s cpu (1 thread)\n",
	       n / tb / 1e6, n / cb / 1e6);
	printf("read next         %.1f M events/s wall, %.1f M/s cpu (1 thread)\n",
	       n / tn / 1e6, n / cn / 1e6);
	printf("decode_block      %.1f M events/s (%ld threads)\n", n / tp / 1e6, ncpu);
	printf("(checksum %llu)\n", (unsigned long long)sum);
	mmt_reader_close(r);
	unlink(path);
	free(ev);
	mmt_header_free(&h);
	return got == n ? 0 : 1;
}
