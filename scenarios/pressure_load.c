/* SPDX-License-Identifier: MIT */
/*
 * Load generator of the pressure scenario (scenarios/pressure.sh).
 *
 *   pressure_load prepare DIR STREAM_MIB
 *       creates DIR/stream.N files (256 MiB each) totalling STREAM_MIB,
 *       written once with real data (not sparse) and kept between runs.
 *   pressure_load run DIR SECS [--anon-mib N] [--thp-mib N]
 *                 [--rewrite-mib N] [--small-files N] [--floor-mib N]
 *                 [--stream-quota MIB] [--rewrite-quota MIB]
 *                 [--anon-quota N] [--thp-quota N] [--small-quota N]
 *       runs five workers for SECS seconds, each its own process:
 *       - stream:  reads the stream files in a loop (page cache far larger
 *                  than free memory: kswapd and direct reclaim of clean
 *                  file pages);
 *       - rewrite: overwrites a file of N MiB in 1 MiB writes (dirty page
 *                  cache, writeback under reclaim);
 *       - anon:    keeps about N MiB of anonymous memory in 4 MiB chunks,
 *                  replacing a random chunk at a time (munmap, mmap,
 *                  touch), and MADV_DONTNEEDs half a chunk now and then;
 *       - thp:     keeps about N MiB in 32 MiB MADV_HUGEPAGE regions,
 *                  replacing the oldest (THP faults: direct compaction and
 *                  fallbacks once memory is fragmented);
 *       - small:   creates, writes and unlinks N small files per round
 *                  (slab and page-cache churn).
 *       A quota gives a worker a fixed amount of work (MiB read, MiB
 *       written, chunks replaced, regions made, rounds): it stops when it
 *       is done, and SECS is only a cap.  With quotas every run does the
 *       same work however fast the host is (a busy disk streams less in
 *       a given time), so runs under different settings differ only in
 *       what the kernel did; the parent exits 4 when the cap cut a quota.
 *       The parent watches, every 100 ms, the memory that is free or
 *       page cache (MemFree + Active(file) + Inactive(file): what reclaim
 *       can still give): below the floor (default 512 MiB) it kills the
 *       workers and exits 3, so a mis-sized run cannot drive the host
 *       into OOM (there is no swap).  (MemAvailable would stop a run
 *       under a large vm.watermark_scale_factor early: it subtracts the
 *       high watermarks.)
 *
 * Every random choice comes from a fixed seed, so runs of one scenario do
 * the same work in the same order; what the kernel does with it is what
 * varies from run to run.  Prints one line of totals on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024ul * 1024)
#define STREAM_FILE_MIB 256
#define ANON_CHUNK (4 * MIB)
#define THP_REGION (32 * MIB)
#define HPAGE (2 * MIB)

enum { W_STREAM, W_REWRITE, W_ANON, W_THP, W_SMALL, NR_WORKERS };
static const char *const worker_name[NR_WORKERS] = {
	"stream", "rewrite", "anon", "thp", "small"
};

struct opts {
	const char *dir;
	double secs;
	unsigned long anon_mib, thp_mib, rewrite_mib, small_files, floor_mib;
	/* fixed work (0: until the deadline) */
	unsigned long stream_quota, rewrite_quota, anon_quota, thp_quota,
		      small_quota;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* more work to do before the deadline: the clock, then the quota */
static int more(double end, unsigned long done, unsigned long quota)
{
	return now() < end && (!quota || done < quota);
}

/* splitmix64: fixed seeds make every run do the same work */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void die(const char *what)
{
	fprintf(stderr, "pressure_load: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void touch(char *p, size_t len, uint64_t v)
{
	for (size_t o = 0; o < len; o += 4096)
		memcpy(p + o, &v, sizeof(v));
}

/* ---- prepare -------------------------------------------------------------- */

static int write_file(const char *path, unsigned long mib)
{
	struct stat st;
	char *buf;
	int fd;

	if (!stat(path, &st) && (unsigned long)st.st_size == mib * MIB &&
	    (unsigned long)st.st_blocks * 512 >= mib * MIB)
		return 0;	/* kept from an earlier run */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die(path);
	buf = malloc(MIB);
	if (!buf)
		die("malloc");
	for (unsigned long i = 0; i < mib; i++) {
		memset(buf, (int)(i & 0xff) | 1, MIB);	/* not zero: not sparse */
		if (write(fd, buf, MIB) != (ssize_t)MIB)
			die(path);
	}
	free(buf);
	if (fsync(fd) || close(fd))
		die(path);
	return 1;
}

static int prepare(const char *dir, unsigned long stream_mib)
{
	char path[4096];
	unsigned long n = (stream_mib + STREAM_FILE_MIB - 1) / STREAM_FILE_MIB;
	int made = 0;

	if (mkdir(dir, 0700) && errno != EEXIST)
		die(dir);
	for (unsigned long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/stream.%lu", dir, i);
		made += write_file(path, STREAM_FILE_MIB);
	}
	/* a file count that no longer matches would stream stale files */
	for (unsigned long i = n;; i++) {
		snprintf(path, sizeof(path), "%s/stream.%lu", dir, i);
		if (unlink(path))
			break;
	}
	fprintf(stderr, "pressure_load: %lu stream files of %d MiB in %s (%d written)\n",
		n, STREAM_FILE_MIB, dir, made);
	return 0;
}

/* ---- workers ---------------------------------------------------------------- */

static unsigned long stream(const struct opts *o, double end)
{
	char path[4096], *buf = malloc(MIB);
	unsigned long bytes = 0;

	if (!buf)
		die("malloc");
	while (more(end, bytes >> 20, o->stream_quota)) {
		int any = 0;

		for (unsigned i = 0; more(end, bytes >> 20, o->stream_quota);
		     i++) {
			ssize_t n;
			int fd;

			snprintf(path, sizeof(path), "%s/stream.%u", o->dir, i);
			fd = open(path, O_RDONLY);
			if (fd < 0)
				break;
			any = 1;
			while (more(end, bytes >> 20, o->stream_quota) &&
			       (n = read(fd, buf, MIB)) > 0)
				bytes += (unsigned long)n;
			close(fd);
		}
		if (!any) {
			fprintf(stderr, "pressure_load: no stream files in %s (run prepare)\n",
				o->dir);
			exit(1);
		}
	}
	free(buf);
	return bytes >> 20;
}

static unsigned long rewrite(const struct opts *o, double end)
{
	char path[4096], *buf = malloc(MIB);
	unsigned long mib = 0;
	int fd;

	if (!buf)
		die("malloc");
	memset(buf, 0x5a, MIB);
	snprintf(path, sizeof(path), "%s/rewrite", o->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die(path);
	while (more(end, mib, o->rewrite_quota)) {
		off_t off = (off_t)(mib % o->rewrite_mib) * (off_t)MIB;

		buf[0]++;
		if (pwrite(fd, buf, MIB, off) != (ssize_t)MIB)
			die(path);
		mib++;
	}
	close(fd);
	unlink(path);
	free(buf);
	return mib;
}

static char *map_anon(size_t len, size_t align)
{
	size_t span = len + align;
	char *m = mmap(NULL, span, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (m == MAP_FAILED)
		die("mmap");
	/* trim to an aligned range so a THP region can hold huge pages */
	a = ((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1);
	if (a > (uintptr_t)m)
		munmap(m, a - (uintptr_t)m);
	if ((uintptr_t)m + span > a + len)
		munmap((char *)a + len, (uintptr_t)m + span - (a + len));
	return (char *)a;
}

static unsigned long anon(const struct opts *o, double end)
{
	size_t n = o->anon_mib * MIB / ANON_CHUNK;
	char **chunk = calloc(n ? n : 1, sizeof(*chunk));
	uint64_t seed = 1;
	unsigned long replaced = 0;

	if (!chunk)
		die("calloc");
	for (size_t i = 0; i < n; i++) {
		chunk[i] = map_anon(ANON_CHUNK, 4096);
		touch(chunk[i], ANON_CHUNK, i);
	}
	while (n && more(end, replaced, o->anon_quota)) {
		size_t i = rnd(&seed) % n;

		if (rnd(&seed) % 4 == 0) {
			/* the workload's own frees: MADV_DONTNEED half a chunk */
			madvise(chunk[i], ANON_CHUNK / 2, MADV_DONTNEED);
			touch(chunk[i], ANON_CHUNK / 2, replaced);
		} else {
			munmap(chunk[i], ANON_CHUNK);
			chunk[i] = map_anon(ANON_CHUNK, 4096);
			touch(chunk[i], ANON_CHUNK, replaced);
		}
		replaced++;
		usleep(2000);
	}
	free(chunk);
	return replaced;
}

static unsigned long thp(const struct opts *o, double end)
{
	size_t n = o->thp_mib * MIB / THP_REGION;
	char **region = calloc(n ? n : 1, sizeof(*region));
	unsigned long made = 0;

	if (!region)
		die("calloc");
	while (n && more(end, made, o->thp_quota)) {
		size_t i = made % n;

		if (region[i])
			munmap(region[i], THP_REGION);
		region[i] = map_anon(THP_REGION, HPAGE);
		madvise(region[i], THP_REGION, MADV_HUGEPAGE);
		touch(region[i], THP_REGION, made);
		made++;
		usleep(20000);
	}
	free(region);
	return made;
}

static unsigned long small(const struct opts *o, double end)
{
	char path[4096], buf[16384];
	unsigned long rounds = 0;
	uint64_t seed = 2;

	memset(buf, 0x33, sizeof(buf));
	snprintf(path, sizeof(path), "%s/small", o->dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		die(path);
	while (more(end, rounds, o->small_quota)) {
		for (unsigned long i = 0; i < o->small_files; i++) {
			int fd;

			snprintf(path, sizeof(path), "%s/small/f%lu", o->dir, i);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0)
				die(path);
			if (write(fd, buf, 4096 + rnd(&seed) % 12288) < 0)
				die(path);
			close(fd);
		}
		for (unsigned long i = 0; i < o->small_files; i++) {
			snprintf(path, sizeof(path), "%s/small/f%lu", o->dir, i);
			unlink(path);
		}
		rounds++;
		usleep(50000);
	}
	snprintf(path, sizeof(path), "%s/small", o->dir);
	rmdir(path);
	return rounds;
}

static unsigned long run_worker(int w, const struct opts *o, double end)
{
	switch (w) {
	case W_STREAM: return stream(o, end);
	case W_REWRITE: return rewrite(o, end);
	case W_ANON: return anon(o, end);
	case W_THP: return thp(o, end);
	default: return small(o, end);
	}
}

/* ---- the parent: start, watch, collect ------------------------------------- */

/* MemAvailable, and what is free or page cache (MemFree + Active(file)
 * + Inactive(file)), in MiB; -1 when unreadable. */
static void meminfo(long *avail, long *reclaimable)
{
	char line[256];
	long kb, a = -1, fr = -1, af = -1, inf = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	*avail = *reclaimable = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			a = kb;
		else if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			fr = kb;
		else if (sscanf(line, "Active(file): %ld kB", &kb) == 1)
			af = kb;
		else if (sscanf(line, "Inactive(file): %ld kB", &kb) == 1)
			inf = kb;
	}
	fclose(f);
	*avail = a < 0 ? -1 : a / 1024;
	if (fr >= 0 && af >= 0 && inf >= 0)
		*reclaimable = (fr + af + inf) / 1024;
}

/* a worker's quota and what it did */
static int cut_short(const struct opts *o, const unsigned long *result)
{
	return (o->stream_quota && result[W_STREAM] < o->stream_quota) ||
	       (o->rewrite_quota && result[W_REWRITE] < o->rewrite_quota) ||
	       (o->anon_quota && o->anon_mib && result[W_ANON] < o->anon_quota) ||
	       (o->thp_quota && o->thp_mib && result[W_THP] < o->thp_quota) ||
	       (o->small_quota && o->small_files &&
		result[W_SMALL] < o->small_quota);
}

static int run(const struct opts *o)
{
	pid_t pid[NR_WORKERS] = { 0 };
	int pfd[NR_WORKERS][2];
	unsigned long result[NR_WORKERS] = { 0 };
	double end = now() + o->secs;
	int live = 0, aborted = 0, failed = 0;
	long min_avail, min_recl, avail, recl;

	meminfo(&min_avail, &min_recl);

	for (int w = 0; w < NR_WORKERS; w++) {
		if ((w == W_ANON && !o->anon_mib) || (w == W_THP && !o->thp_mib) ||
		    (w == W_REWRITE && !o->rewrite_mib) ||
		    (w == W_SMALL && !o->small_files))
			continue;
		if (pipe(pfd[w]))
			die("pipe");
		pid[w] = fork();
		if (pid[w] < 0)
			die("fork");
		if (!pid[w]) {
			unsigned long r = run_worker(w, o, end);

			if (write(pfd[w][1], &r, sizeof(r)) != sizeof(r))
				_exit(1);
			_exit(0);
		}
		close(pfd[w][1]);
		live++;
	}
	while (live) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);

		if (p > 0) {
			for (int w = 0; w < NR_WORKERS; w++) {
				if (pid[w] != p)
					continue;
				if (!WIFEXITED(st) || WEXITSTATUS(st))
					failed = 1;
				else if (read(pfd[w][0], &result[w], sizeof(result[w])) !=
					 sizeof(result[w]))
					failed = 1;
				close(pfd[w][0]);
				pid[w] = 0;
			}
			live--;
			continue;
		}
		meminfo(&avail, &recl);
		if (avail >= 0 && avail < min_avail)
			min_avail = avail;
		if (recl >= 0 && recl < min_recl)
			min_recl = recl;
		if (!aborted && recl >= 0 && (unsigned long)recl < o->floor_mib) {
			fprintf(stderr, "pressure_load: free and page cache %ld MiB below "
				"the floor of %lu MiB: stopping the workers\n", recl,
				o->floor_mib);
			for (int w = 0; w < NR_WORKERS; w++)
				if (pid[w])
					kill(pid[w], SIGKILL);
			aborted = 1;
		}
		/* a worker stuck past its deadline (I/O under reclaim) is ended */
		if (now() > end + 30)
			for (int w = 0; w < NR_WORKERS; w++)
				if (pid[w])
					kill(pid[w], SIGKILL);
		usleep(100000);
	}
	printf("stream_mib %lu rewrite_mib %lu anon_replaced %lu thp_regions %lu "
	       "small_rounds %lu min_available_mib %ld min_free_or_file_mib %ld\n",
	       result[W_STREAM], result[W_REWRITE], result[W_ANON], result[W_THP],
	       result[W_SMALL], min_avail, min_recl);
	for (int w = 0; w < NR_WORKERS; w++)
		if (failed && pid[w])
			fprintf(stderr, "pressure_load: worker %s failed\n", worker_name[w]);
	if (aborted)
		return 3;
	if (failed)
		return 1;
	if (cut_short(o, result)) {
		fprintf(stderr, "pressure_load: the %.0f s cap cut a quota short\n",
			o->secs);
		return 4;
	}
	return 0;
}

static unsigned long num(const char *opt, const char *s)
{
	char *e;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno || e == s || *e || s[0] == '-') {
		fprintf(stderr, "pressure_load: %s: not a number: '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

/* fragment: fill MIB of anonymous memory in 4 KiB pages and give every
 * other page back (MADV_DONTNEED), so that half of it is free in order-0
 * holes between pages still held: what a host that has run for hours
 * looks like to the buddy allocator, made on purpose after pressure.sh
 * compacted memory and set the pool.  Creates READY when done, then
 * holds the rest until killed or SECS have passed (time cap). */
static int fragment(unsigned long mib, unsigned long secs, const char *ready)
{
	size_t len = (size_t)mib << 20, pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd;

	if (p == MAP_FAILED) {
		perror("pressure_load: fragment: mmap");
		return 1;
	}
	(void)madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += pg)
		p[off] = 1;
	for (size_t off = pg; off < len; off += 2 * pg)
		(void)madvise(p + off, pg, MADV_DONTNEED);
	fd = open(ready, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0) {
		perror("pressure_load: fragment: ready file");
		return 1;
	}
	close(fd);
	alarm((unsigned)secs);
	for (;;)
		pause();
}

static void usage(FILE *f)
{
	fputs("usage: pressure_load prepare DIR STREAM_MIB\n"
	      "       pressure_load fragment MIB SECS READY_FILE\n"
	      "       pressure_load run DIR SECS [--anon-mib N] [--thp-mib N]\n"
	      "                     [--rewrite-mib N] [--small-files N] [--floor-mib N]\n"
	      "                     [--stream-quota MIB] [--rewrite-quota MIB]\n"
	      "                     [--anon-quota N] [--thp-quota N] [--small-quota N]\n"
	      "Workload of scenarios/pressure.sh; see the comment at the top of\n"
	      "scenarios/pressure_load.c.\n", f);
}

int main(int argc, char **argv)
{
	struct opts o = { .anon_mib = 1024, .thp_mib = 512, .rewrite_mib = 256,
			  .small_files = 200, .floor_mib = 512 };

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "prepare"))
		return prepare(argv[2], num("STREAM_MIB", argv[3]));
	if (argc == 5 && !strcmp(argv[1], "fragment"))
		return fragment(num("MIB", argv[2]), num("SECS", argv[3]), argv[4]);
	if (argc < 4 || strcmp(argv[1], "run")) {
		usage(stderr);
		return 2;
	}
	o.dir = argv[2];
	o.secs = (double)num("SECS", argv[3]);
	for (int i = 4; i < argc; i++) {
		unsigned long *dst = NULL;

		if (!strcmp(argv[i], "--anon-mib"))
			dst = &o.anon_mib;
		else if (!strcmp(argv[i], "--thp-mib"))
			dst = &o.thp_mib;
		else if (!strcmp(argv[i], "--rewrite-mib"))
			dst = &o.rewrite_mib;
		else if (!strcmp(argv[i], "--small-files"))
			dst = &o.small_files;
		else if (!strcmp(argv[i], "--floor-mib"))
			dst = &o.floor_mib;
		else if (!strcmp(argv[i], "--stream-quota"))
			dst = &o.stream_quota;
		else if (!strcmp(argv[i], "--rewrite-quota"))
			dst = &o.rewrite_quota;
		else if (!strcmp(argv[i], "--anon-quota"))
			dst = &o.anon_quota;
		else if (!strcmp(argv[i], "--thp-quota"))
			dst = &o.thp_quota;
		else if (!strcmp(argv[i], "--small-quota"))
			dst = &o.small_quota;
		if (!dst || i + 1 >= argc) {
			fprintf(stderr, "pressure_load: bad option '%s'\n", argv[i]);
			return 2;
		}
		*dst = num(argv[i], argv[i + 1]);
		i++;
	}
	return run(&o);
}
