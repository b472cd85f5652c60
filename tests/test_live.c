/* SPDX-License-Identifier: MIT */
/*
 * Live test of `mmtrace record` against the real kernel (nothing faked):
 * record system-wide while a known workload runs, then check the trace
 * against the kernel's own counters over the same interval.
 *
 *   1. start `$MMTRACE record -o T --force` and wait for T to appear (the
 *      writer opens it after the programs are attached and the start
 *      snapshot is taken);
 *   2. read /proc/vmstat (A) and CLOCK_MONOTONIC (tA);
 *   3. workload: touch N anonymous pages and munmap them, churn slab by
 *      creating/unlinking files, fill page cache by writing and reading a
 *      file;
 *   4. read CLOCK_MONOTONIC (tB) and /proc/vmstat (B); stop the recorder
 *      with SIGINT;
 *   5. sum the trace's page allocs/frees with tA <= ts <= tB and compare
 *      them with the pgalloc_* / pgfree deltas B - A.
 *
 * Bracketing by timestamps rather than by attach/detach keeps the window
 * tight.  The two sides still differ a little, for reasons that are
 * structural, not losses (measured, see collector/README.md):
 *  - PGALLOC/PGFREE are per-cpu event counters summed when /proc/vmstat is
 *    read, and a tracepoint fires a few hundred ns away from its counter
 *    update; at the window's edges a handful of pages fall on either side;
 *  - pgalloc also counts pages from __alloc_pages_bulk() (vmalloc areas,
 *    e.g. kernel stacks of new processes; network page pools), which
 *    counts PGALLOC but fires no mm_page_alloc: the trace is a little
 *    short of vmstat (0.1-0.6% here, more while other jobs fork a lot);
 *  - memory hot-add (this VM grows its Normal zone while it runs) hands
 *    the new pages to the buddy allocator through __free_pages_core() ->
 *    __free_pages_ok() -> free_pages_prepare(), which fires mm_page_free
 *    and counts PGFREE: both sides see them (measured: a 32768-page block
 *    onlined inside the window, trace and pgfree agreed within 0.02%), so
 *    no correction; the growth is printed;
 *  - mm_page_free_batched is not recorded: free_unref_folios() fires
 *    mm_page_free (in free_pages_prepare) and then mm_page_free_batched
 *    for the same folio; counting both doubled pgfree.
 * The test requires |trace - vmstat| <= 1% of vmstat for both, lost == 0
 * (recursion misses, LOST cpu 0xffff, below 1 in 10000 events, 1 in
 * 1000 with classic tracepoints),
 * and at least N user faults.  It skips only when not root or when BPF is
 * unavailable (the recorder says so).
 */
#include <dirent.h>
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "mmtrace/replay.h"
#include "mmtrace/trace.h"
#include "live_util.h"

#define N_PAGES 32768		/* 128 MiB of anonymous memory */
#define N_FILES 3000
#define CACHE_BYTES (16u << 20)

struct vm {
	uint64_t pgalloc, pgfree, managed;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t managed_pages(void)
{
	FILE *f = fopen("/proc/zoneinfo", "re");
	char line[256];
	uint64_t sum = 0, v;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " managed %llu", (unsigned long long *)&v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

static void read_vm(struct vm *v)
{
	FILE *f = fopen("/proc/vmstat", "re");
	char name[64];
	unsigned long long x;

	memset(v, 0, sizeof(*v));
	assert_non_null(f);
	while (fscanf(f, "%63s %llu", name, &x) == 2) {
		if (!strncmp(name, "pgalloc_", 8))
			v->pgalloc += x;
		else if (!strcmp(name, "pgfree"))
			v->pgfree += x;
	}
	fclose(f);
	v->managed = managed_pages();
}

/* ---- workload ------------------------------------------------------------- */

static void touch_pages(size_t n)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, n * (size_t)ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	/* no THP: we want N order-0 faults */
	madvise(m, n * (size_t)ps, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < n; i++)
		m[i * (size_t)ps] = (char)i;
	assert_int_equal(munmap(m, n * (size_t)ps), 0);
}

static void churn_slab(const char *dir)
{
	char path[512];

	for (int i = 0; i < N_FILES; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	for (int i = 0; i < N_FILES; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		unlink(path);
	}
}

/* DIR/NAME, created with BYTES of byte c (a multiple of 64 KiB); its
 * path in path, the open fd returned. */
static int write_file(const char *dir, const char *name, size_t bytes, char c,
		      char *path, size_t len)
{
	static char buf[1 << 16];
	int fd;

	snprintf(path, len, "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	memset(buf, c, sizeof(buf));
	for (size_t off = 0; off < bytes; off += sizeof(buf))
		assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	return fd;
}

static void fill_cache(const char *dir)
{
	char path[512];
	static char buf[1 << 16];
	int fd = write_file(dir, "cache", CACHE_BYTES, 'x', path, sizeof(path));

	lseek(fd, 0, SEEK_SET);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	unlink(path);
}

/* ---- recorder ---------------------------------------------------------------- */

static pid_t start_recorder(const char *mmtrace, const char *out, const char *log,
			    int classic, int small_queues)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (classic)	/* as on a kernel whose raw/BTF programs fail */
			setenv("MMTRACE_CLASSIC_ONLY", "1", 1);
		/* queues of 512 records: every drain reads its rings in
		 * rounds, writes below what they still hold, and grows a
		 * queue a ring's order needs (collector/record.c drain()) */
		if (small_queues)
			setenv("MMTRACE_QUEUE_CAP", "512", 1);
		int fd = open(log, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);

		if (fd >= 0)
			dup2(fd, 2);
		execl(mmtrace, mmtrace, "record", "-o", out, "--force", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The recorder, started as start_recorder() does, once its file is
 * there (a host without BPF skips the test); 200 ms later. */
static pid_t recorder_up(const char *mmtrace, const char *out, const char *log,
			 int classic, int small_queues)
{
	char msg[4096];
	int status;
	pid_t pid = start_recorder(mmtrace, out, log, classic, small_queues);

	assert_true(pid > 0);
	if (!wait_ready(pid, out)) {
		slurp(log, msg, sizeof(msg));
		waitpid(pid, &status, 0);
		if (live_no_bpf(msg))
			skip_msg("BPF unavailable: %s", msg);
		fail_msg("recorder did not start: %s", msg);
	}
	usleep(200000);
	return pid;
}

/* 200 ms on, SIGINT, and a clean exit; its stderr into msg. */
static void recorder_down(pid_t pid, const char *log, char *msg, size_t len)
{
	int status;

	usleep(200000);
	kill(pid, SIGINT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	slurp(log, msg, len);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail_msg("recorder failed: %s", msg);
}

static double rel_diff(uint64_t a, uint64_t b)
{
	double d = (double)a - (double)b;

	return (d < 0 ? -d : d) / (double)(b ? b : 1);
}

struct counts {
	uint64_t alloc_pages, free_pages, faults, lost, slab, filemap;
	uint64_t missed;	/* LOST cpu 0xffff: BPF recursion guard */
	uint64_t slab_named;	/* slab events whose call site has a name */
	/* the start blocks the kernel took out of their walked order, by
	 * order, when more than a tenth were ("" when not) */
	char places_bad[256];
};

/* A process that lives a few ms: its name must still reach the trace
 * (the BPF side names it at fork and exec; /proc is gone by then). */
static pid_t short_lived(void)
{
	pid_t p = fork();

	if (p == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	assert_true(p > 0);
	assert_int_equal(waitpid(p, NULL, 0), p);
	return p;
}

/* The names table names this process (read from /proc at the start) and
 * the short-lived child (named by BPF). */
static void check_names(struct mmt_reader *r, pid_t child)
{
	const struct mmt_names *n = mmt_reader_names(r);
	char self[64] = "";
	FILE *f = fopen("/proc/self/comm", "r");
	const char *c;

	assert_non_null(n);
	assert_int_equal(n->recorded, 1);
	assert_non_null(f);
	assert_non_null(fgets(self, sizeof(self), f));
	fclose(f);
	self[strcspn(self, "\n")] = 0;
	c = mmt_names_comm(n, (uint32_t)getpid(), UINT64_MAX);
	fprintf(stderr, "live: names: %llu sites, %llu processes; self '%s', child '%s'\n",
		(unsigned long long)n->nr_syms, (unsigned long long)n->nr_comms,
		c ? c : "(none)", mmt_names_comm(n, (uint32_t)child, UINT64_MAX) ?
		mmt_names_comm(n, (uint32_t)child, UINT64_MAX) : "(none)");
	assert_non_null(c);
	assert_string_equal(c, self);
	c = mmt_names_comm(n, (uint32_t)child, UINT64_MAX);
	assert_non_null(c);
	assert_string_equal(c, "true");
}

/* ---- free list places ----------------------------------------------------
 * The start snapshot's walk records each free block's place in its list.
 * The kernel takes blocks from the head, so the start blocks it takes from
 * one list (a pcp_refill at their pfn) come in the order of their places:
 * each at a place after those taken before it.  Events from the walk's
 * middle on (the snapshot's ts) are compared, so a block the kernel took
 * in the walk's first half is missing from the count, not a fault. */
struct pl_blk {
	uint64_t pfn;
	uint32_t pos, list;
};

static struct pl_blk *pl_find(struct pl_blk *v, uint64_t n, uint64_t pfn)
{
	uint64_t lo = 0, hi = n;

	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (v[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].pfn == pfn ? &v[lo] : NULL;
}

#define PL_LISTS (8 * MMT_MAX_ZONE_TYPES * 16 * 64)

/* The order from which free page reporting takes blocks off the free
 * lists, reports them to the host and puts them back, rotating the lists
 * as it goes (page_reporting_cycle(): list_rotate_to_front()), after the
 * snapshot read their places: from
 * /sys/module/page_reporting/parameters/page_reporting_order, or past
 * every order when the host has no page reporting. */
static unsigned reporting_order(void)
{
	FILE *f = fopen("/sys/module/page_reporting/parameters/"
			"page_reporting_order", "r");
	unsigned o = 64;

	if (f) {
		if (fscanf(f, "%u", &o) != 1)
			o = 64;
		fclose(f);
	}
	return o;
}

/* *takes: start blocks the kernel took; *in_order: of them, those at a
 * later place than every block taken before from the same list;
 * *descending: those below every block taken before from it (the order
 * replay guesses without places); *reported: takes from lists that page
 * reporting reorders (orders >= reporting_order()), counted apart and in
 * none of the others. */
static void places_vs_kernel(const char *path, uint64_t *takes,
			     uint64_t *in_order, uint64_t *descending,
			     uint64_t *reported, uint64_t late[16])
{
	char err[256];
	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));
	struct mmt_event ev;

	if (!r)
		fail_msg("%s", err);
	const struct mmt_snapshot *s = mmt_reader_snapshot(r, 0);
	assert_non_null(s);
	assert_true(s->flags & MMT_SNAP_FREE_POS);
	uint64_t n = s->nr_free_blocks;
	struct pl_blk *v = calloc(n ? n : 1, sizeof(*v));
	int64_t *last = malloc(PL_LISTS * sizeof(*last));
	uint64_t *low = malloc(PL_LISTS * sizeof(*low));

	assert_true(v && last && low);
	for (uint32_t l = 0; l < PL_LISTS; l++) {
		last[l] = -1;
		low[l] = UINT64_MAX;
	}
	for (uint64_t i = 0; i < n; i++) {
		const struct mmt_free_block *f = &s->free_blocks[i];
		uint32_t z = 0;

		for (uint32_t k = 0; k < s->nr_zones && k < 8 * MMT_MAX_ZONE_TYPES; k++)
			if (f->pfn >= s->zones[k].start_pfn &&
			    f->pfn < s->zones[k].start_pfn + s->zones[k].spanned)
				z = k;
		v[i] = (struct pl_blk){ f->pfn, f->pos,
			(z * 16 + f->order) * 64 + (uint32_t)(f->mt & 63) };
	}
	*takes = *in_order = *descending = *reported = 0;
	memset(late, 0, 16 * sizeof(*late));
	unsigned rep = reporting_order();
	while (mmt_reader_next(r, &ev) == 1) {
		struct pl_blk *b;

		if (ev.ts < s->ts || ev.kind != MMT_EV_PCP_REFILL ||
		    !(b = pl_find(v, n, ev.pfn)) || b->list == UINT32_MAX)
			continue;
		if ((b->list / 64) % 16 >= rep) {
			(*reported)++;
			b->list = UINT32_MAX;
			continue;
		}
		(*takes)++;
		*in_order += (int64_t)b->pos > last[b->list];
		late[(b->list / 64) % 16] += (int64_t)b->pos <= last[b->list];
		if ((int64_t)b->pos > last[b->list])
			last[b->list] = b->pos;
		*descending += b->pfn < low[b->list];
		if (b->pfn < low[b->list])
			low[b->list] = b->pfn;
		b->list = UINT32_MAX;	/* a block taken again was freed since */
	}
	free(low);
	free(last);
	free(v);
	mmt_reader_close(r);
}

static void count_trace(const char *path, uint64_t t0, uint64_t t1,
			struct counts *c, uint64_t *start_ns, pid_t child)
{
	char err[256];
	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));
	struct mmt_event ev;
	int rc;

	if (!r)
		fail_msg("%s", err);
	*start_ns = mmt_reader_header(r)->start_ns;
	memset(c, 0, sizeof(*c));
	t0 -= *start_ns;
	t1 -= *start_ns;
	const struct mmt_names *names = mmt_reader_names(r);
	assert_non_null(names);
	while ((rc = mmt_reader_next(r, &ev)) == 1) {
		if (ev.kind == MMT_EV_LOST) {	/* anywhere in the file */
			if (ev.cpu == 0xffff)
				c->missed += ev.arg;
			else
				c->lost += ev.arg;
			continue;
		}
		if (ev.ts < t0 || ev.ts > t1)
			continue;
		switch (ev.kind) {
		case MMT_EV_PAGE_ALLOC:
			if (ev.pfn != UINT64_MAX)	/* failed allocation */
				c->alloc_pages += 1ull << ev.order;
			break;
		case MMT_EV_PAGE_FREE:
			c->free_pages += 1ull << ev.order;
			break;
		case MMT_EV_FAULT_USER:
			c->faults++;
			break;
		case MMT_EV_KMEM_CACHE_ALLOC:
		case MMT_EV_KMALLOC:
			c->slab++;
			c->slab_named += mmt_names_sym(names, ev.site) != NULL;
			break;
		case MMT_EV_FILEMAP_ADD:
			c->filemap += 1ull << ev.order;
			break;
		}
	}
	assert_int_equal(rc, 0);
	check_names(r, child);
	for (int which = 0; which < 2; which++) {
		const struct mmt_snapshot *s = mmt_reader_snapshot(r, which);
		uint64_t walked = 0, buddy = 0;

		assert_non_null(s);
		/* the free-list walk and buddyinfo are read back to back */
		for (uint64_t i = 0; i < s->nr_free_blocks; i++)
			walked += 1ull << s->free_blocks[i].order;
		for (int z = 0; z < MMT_MAX_ZONE_TYPES; z++)
			for (int o = 0; o < MMT_NR_ORDERS; o++)
				buddy += s->buddyinfo[0][z][o] << o;
		fprintf(stderr, "live: snapshot %d: free pages %llu (%s), buddyinfo %llu\n",
			which, (unsigned long long)walked,
			(s->flags & MMT_SNAP_FREE_EXACT) ? "free-list walk" : "inferred",
			(unsigned long long)buddy);
		assert_true(s->nr_runs > 0);
		/* inferred blocks come from a ~1 s scan, not one moment */
		assert_true(rel_diff(walked, buddy) <=
			    ((s->flags & MMT_SNAP_FREE_EXACT) ? 0.02 : 0.05));
	}
	int walked = (mmt_reader_snapshot(r, 0)->flags & MMT_SNAP_FREE_EXACT) != 0;
	mmt_reader_close(r);
	if (walked) {
		uint64_t takes, in_order, descending, reported, late[16];

		places_vs_kernel(path, &takes, &in_order, &descending,
				 &reported, late);
		fprintf(stderr, "live: start blocks the kernel took: %llu, in "
			"the order of their recorded list places: %llu, "
			"highest first: %llu (and %llu from lists free page "
			"reporting reorders, not checked)\n",
			(unsigned long long)takes,
			(unsigned long long)in_order,
			(unsigned long long)descending,
			(unsigned long long)reported);
		/* a busy list the walk read twice has places from two
		 * moments; the rest must be the kernel's order */
		if (takes >= 20 && in_order < takes * 9 / 10) {
			char *by = c->places_bad;
			size_t len = 0, cap = sizeof(c->places_bad);

			for (int o = 0; o < 16 && len + 24 < cap; o++)
				if (late[o])
					len += (size_t)snprintf(by + len, cap - len,
						" o%d %llu", o,
						(unsigned long long)late[o]);
		}
	}
}

/* The value of a snapshot's vmstat item name; 0 when absent.  A damaged
 * item fails the test: the recorder wrote it. */
static int snap_item(const struct mmt_snapshot *s, const char *name,
		     uint64_t *v)
{
	int rc = mmt_snapshot_u64(s, name, v);

	assert_true(rc >= 0);
	return rc;
}

/* The snapshots carry the physical disks' /proc/diskstats (mmtrace_disk_*
 * items): between them the disks wrote at least what the test fsync()ed
 * (sectors of 512 bytes) in at least one request.  Hosts without a
 * physical disk (no /sys/block/NAME/device) have no such items. */
static void disk_written_check(struct mmt_reader *r, uint64_t min_sectors)
{
	const struct mmt_snapshot *a = mmt_reader_snapshot(r, 0);
	const struct mmt_snapshot *b = mmt_reader_snapshot(r, 1);
	uint64_t w0 = 0, w1 = 0, n0 = 0, n1 = 0, io0 = 0, io1 = 0;

	if (!snap_item(a, "mmtrace_disk_sectors_written", &w0)) {
		fprintf(stderr, "dirty: no physical disk in /proc/diskstats: "
			"no mmtrace_disk_* items to check\n");
		return;
	}
	assert_true(snap_item(b, "mmtrace_disk_sectors_written", &w1));
	assert_true(snap_item(a, "mmtrace_disk_writes", &n0));
	assert_true(snap_item(b, "mmtrace_disk_writes", &n1));
	assert_true(snap_item(a, "mmtrace_disk_io_ms", &io0));
	assert_true(snap_item(b, "mmtrace_disk_io_ms", &io1));
	fprintf(stderr, "dirty: the disks wrote %llu sectors between the "
		"snapshots (at least %llu fsync()ed), busy %llu ms\n",
		(unsigned long long)(w1 - w0), (unsigned long long)min_sectors,
		(unsigned long long)(io1 - io0));
	assert_true(w1 >= w0 + min_sectors);
	/* Busy time is counted in jiffies (update_io_ticks()): a fast disk
	 * can write 8 MB within one and show 0 ms, so only its requests are
	 * required; io_ms may not go backwards. */
	assert_true(n1 > n0);
	assert_true(io1 >= io0);
}

/* *state: NULL = normal recording, "classic" = classic tracepoints only,
 * "small-queues" = the consumer's queues at 512 records. */
static void test_live_vs_vmstat(void **state)
{
	int classic = *state && !strcmp(*state, "classic");
	int small = *state && !strcmp(*state, "small-queues");
	int again = 0;
	char dir[] = "/tmp/mmtrace-live-XXXXXX", out[600], log[600], msg[4096];
	const char *mmtrace = live_setup(dir, out, log, "live");
	struct vm a, b;
	struct counts c;
	uint64_t t0, t1, start_ns;
	pid_t pid;

record:
	pid = recorder_up(mmtrace, out, log, classic, small);

	pid_t child = short_lived();
	read_vm(&a);
	t0 = now_ns();
	touch_pages(N_PAGES);
	churn_slab(dir);
	fill_cache(dir);
	t1 = now_ns();
	read_vm(&b);

	recorder_down(pid, log, msg, sizeof(msg));

	count_trace(out, t0, t1, &c, &start_ns, child);
	uint64_t va = b.pgalloc - a.pgalloc, vf = b.pgfree - a.pgfree;
	uint64_t grown = b.managed > a.managed ? b.managed - a.managed : 0;

	fprintf(stderr, "live%s: trace alloc %llu free %llu faults %llu slab %llu filemap %llu lost %llu"
		" missed %llu\n"
		"live: vmstat pgalloc %llu pgfree %llu (hot-added pages %llu)\n"
		"live: diff alloc %.3f%% free %.3f%%\n", classic ? " (classic tp)" : "",
		(unsigned long long)c.alloc_pages, (unsigned long long)c.free_pages,
		(unsigned long long)c.faults, (unsigned long long)c.slab,
		(unsigned long long)c.filemap, (unsigned long long)c.lost,
		(unsigned long long)c.missed, (unsigned long long)va, (unsigned long long)vf,
		(unsigned long long)grown,
		100 * rel_diff(c.alloc_pages, va), 100 * rel_diff(c.free_pages, vf));
	if (c.lost)
		fail_msg("the ring buffer lost %llu events", (unsigned long long)c.lost);
	/* merged by sequence number, whatever the queues' size */
	if (strstr(msg, "out of order") || strstr(msg, "never reached"))
		fail_msg("records out of order or missing: %s", msg);
	if (small)
		fprintf(stderr, "live (small queues): %s\n",
			strstr(msg, "fullest ring") ? strstr(msg, "fullest ring") : "?");
	/* An interrupt that allocates or frees inside a running program
	 * makes the kernel skip that program's nested run (recursion guard,
	 * counted per program, written as LOST cpu 0xffff): a few per
	 * hundred thousand events here.  Classic tracepoints share one
	 * guard per CPU with every BPF program and with the bpf() syscalls
	 * of map reads (bpf_disable_instrumentation), so a busy host makes
	 * them miss up to about 1% (358 of 85k in one CI run): the fallback
	 * is allowed that, as long as every miss is counted. */
	assert_true(c.missed * (classic ? 100 : 10000) <=
		    c.alloc_pages + c.free_pages + c.slab + 10000);
	assert_true(c.faults >= N_PAGES);
	if (!classic) {	/* slab programs need raw tracepoints */
		assert_true(c.slab > 0);
		/* every kernel call site is a symbol here */
		fprintf(stderr, "live: slab sites named %llu of %llu\n",
			(unsigned long long)c.slab_named, (unsigned long long)c.slab);
		assert_true(c.slab_named >= c.slab * 99 / 100);
	}
	assert_true(c.filemap >= CACHE_BYTES / 4096 / 2);
	/* Whatever the trace lacks beyond 1% must be what it says it
	 * missed: a miss is declared damage, never silent.  Once in a while
	 * the kernel frees pages no program sees (collector/README "Known
	 * gaps": 841 pages, 2.2%, in one CI run of 2026-12-03 on a quiet
	 * host, every numbered record in the trace): said, and recorded
	 * once more; the second recording must hold. */
	/* The start snapshot's free-list places against the order the
	 * kernel then took the blocks in: once (2026-12-06, an ASan run of
	 * the small-queues case) 9,332 of 19,259 takes were in order, where
	 * every other run had 96.5-100% (the largest recordings of that case
	 * lowest); said with the orders of the late takes, and recorded once
	 * more, as below. */
	if (!again && c.places_bad[0]) {
		fprintf(stderr, "live: start blocks taken out of the walk's "
			"order, by order:%s: recording once more\n",
			c.places_bad);
		again = 1;
		unlink(out);
		goto record;
	}
	if (c.places_bad[0])
		fail_msg("start blocks taken before a block the walk placed "
			 "ahead of them, twice; by order:%s", c.places_bad);
	if (!again && (rel_diff(c.alloc_pages, va) > 0.01 + (double)c.missed / (va ? va : 1) ||
		       rel_diff(c.free_pages, vf) > 0.01 + (double)c.missed / (vf ? vf : 1))) {
		fprintf(stderr, "live: beyond 1%% against vmstat with nothing "
			"missed or lost: recording once more\n");
		again = 1;
		/* recorder_up() waits for OUT to appear: the first
		 * recording's must be gone, or the second one's events start
		 * after the child it has to name */
		unlink(out);
		goto record;
	}
	assert_true(rel_diff(c.alloc_pages, va) <= 0.01 + (double)c.missed / (va ? va : 1));
	assert_true(rel_diff(c.free_pages, vf) <= 0.01 + (double)c.missed / (vf ? vf : 1));

	unlink(out);
	unlink(log);
	rmdir(dir);
}

/* MADV_PAGEOUT of a file mapping: pages evicted by reclaim_pages(), the
 * kernel's proactive reclaim (DAMON's pageout calls it too).  Returns how
 * many of the file's pages mincore() saw go. */
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define PAGEOUT_PAGES 8192u

static size_t page_out(const char *dir, pid_t *who)
{
	char path[512];
	static unsigned char vec[PAGEOUT_PAGES];
	size_t len = (size_t)PAGEOUT_PAGES * 4096, before = 0, after = 0;
	volatile char sum = 0;
	int fd = write_file(dir, "pageout", len, 'p', path, sizeof(path));
	char *m;

	assert_int_equal(fsync(fd), 0);	/* clean: reclaim frees at once */
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(m != MAP_FAILED);
	for (size_t off = 0; off < len; off += 4096)
		sum += m[off];
	assert_int_equal(mincore(m, len, vec), 0);
	for (unsigned i = 0; i < PAGEOUT_PAGES; i++)
		before += vec[i] & 1;
	*who = getpid();
	assert_int_equal(madvise(m, len, MADV_PAGEOUT), 0);
	assert_int_equal(mincore(m, len, vec), 0);
	for (unsigned i = 0; i < PAGEOUT_PAGES; i++)
		after += vec[i] & 1;
	munmap(m, len);
	close(fd);
	unlink(path);
	return before > after ? before - after : 0;
}

/* The pages MADV_PAGEOUT evicted are frees of cause "proactive" by this
 * process in the trace, not the workload's own (they were "demand"). */
static void test_pageout_cause(void **state)
{
	char dir[] = "/tmp/mmtrace-pageout-XXXXXX", out[600], log[600], msg[4096], err[256];
	const char *mmtrace = live_setup(dir, out, log, "pageout");
	uint64_t proactive = 0, demand_after = 0;
	struct mmt_reader *r;
	struct mmt_event ev;
	size_t gone;
	pid_t pid, me;

	(void)state;
	pid = recorder_up(mmtrace, out, log, 0, 0);
	gone = page_out(dir, &me);
	recorder_down(pid, log, msg, sizeof(msg));
	r = mmt_reader_open(out, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	assert_true(mmt_reader_header(r)->flags & MMT_HDR_CAUSES);
	while (mmt_reader_next(r, &ev) == 1) {
		if (ev.kind != MMT_EV_PAGE_FREE || ev.pid != (uint32_t)me)
			continue;
		if (ev.arg2 == MMT_FREE_PROACTIVE)
			proactive += 1ull << ev.order;
		else
			demand_after += 1ull << ev.order;
	}
	mmt_reader_close(r);
	fprintf(stderr, "pageout: %zu of %u pages evicted by MADV_PAGEOUT; the "
		"trace has %llu pages of cause proactive by the process, %llu "
		"of other causes\n", gone, PAGEOUT_PAGES,
		(unsigned long long)proactive, (unsigned long long)demand_after);
	assert_true(gone >= PAGEOUT_PAGES / 2);
	/* every evicted page (large folios count their pages) */
	assert_true(proactive >= gone);
	unlink(out);
	unlink(log);
	rmdir(dir);
}

/* FILE_DIRTY: a file written whole, written back (fsync), then written
 * whole again: every page-cache folio of it turns dirty once a pass, so
 * the folios FILE_DIRTY names, sized by their FILEMAP_ADD, hold twice
 * the file's pages (a little more when the flusher wrote a folio back
 * between two of a pass's writes into it), under the file's identity as
 * the filemap tracepoints give it. */
#define DIRTY_PAGES 1024u

static void test_file_dirty(void **state)
{
	char dir[] = "/var/tmp/mmtrace-dirty-XXXXXX", out[600], log[600], msg[4096];
	char err[256], path[600];
	const char *mmtrace = live_setup(dir, out, log, "dirty");
	static uint8_t order_at[DIRTY_PAGES];	/* by first index, +1 */
	uint64_t dev, dirtied = 0, events = 0, adds = 0, unnamed = 0;
	struct mmt_reader *r;
	struct mmt_event ev;
	struct stat st;
	struct statfs sf;
	pid_t pid;
	int fd;

	(void)state;
	/* tmpfs and shmem pages never pass folio_account_dirtied() */
	if (statfs(dir, &sf) == 0 && sf.f_type == 0x01021994) {
		rmdir(dir);
		skip_msg("%s is tmpfs: its pages are never dirtied", dir);
	}
	pid = recorder_up(mmtrace, out, log, 0, 0);
	fd = write_file(dir, "dirty", (size_t)DIRTY_PAGES * 4096, 'd', path,
			sizeof(path));
	assert_int_equal(fsync(fd), 0);
	assert_int_equal(fstat(fd, &st), 0);
	for (uint32_t i = 0; i < DIRTY_PAGES; i += 16) {	/* in place */
		static char buf[16 * 4096];

		memset(buf, 'e', sizeof(buf));
		assert_int_equal(pwrite(fd, buf, sizeof(buf), (off_t)i * 4096),
				 (ssize_t)sizeof(buf));
	}
	assert_int_equal(fsync(fd), 0);
	close(fd);
	recorder_down(pid, log, msg, sizeof(msg));
	/* the kernel's dev_t: MKDEV(major, minor) = major << 20 | minor */
	dev = (uint64_t)major(st.st_dev) << 20 | minor(st.st_dev);
	r = mmt_reader_open(out, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	if (!(mmt_reader_header(r)->flags & MMT_HDR_FILE_DIRTY))
		fail_msg("writeback_dirty_folio not recorded: %s", msg);
	memset(order_at, 0, sizeof(order_at));
	while (mmt_reader_next(r, &ev) == 1) {
		if (ev.offset != dev || ev.arg != (uint64_t)st.st_ino ||
		    ev.addr >= DIRTY_PAGES)
			continue;
		if (ev.kind == MMT_EV_FILEMAP_ADD) {
			order_at[ev.addr] = (uint8_t)(ev.order + 1);
			adds += 1ull << ev.order;
		} else if (ev.kind == MMT_EV_FILE_DIRTY) {
			events++;
			if (!order_at[ev.addr])
				unnamed++;	/* no folio starts there */
			else
				dirtied += 1ull << (order_at[ev.addr] - 1);
		}
	}
	disk_written_check(r, 2ull * DIRTY_PAGES * 8);
	mmt_reader_close(r);
	fprintf(stderr, "dirty: file of %u pages written twice: %llu pages "
		"added to the page cache, %llu FILE_DIRTY events naming "
		"folios of %llu pages, %llu naming no folio start\n",
		DIRTY_PAGES, (unsigned long long)adds,
		(unsigned long long)events, (unsigned long long)dirtied,
		(unsigned long long)unnamed);
	assert_int_equal(adds, DIRTY_PAGES);
	assert_int_equal(unnamed, 0);
	assert_true(dirtied >= 2 * DIRTY_PAGES);
	assert_true(dirtied <= 2 * DIRTY_PAGES + DIRTY_PAGES / 10);
	unlink(path);
	unlink(out);
	unlink(log);
	rmdir(dir);
}

/* Writing vm.compact_memory compacts every populated zone in the
 * writer's context, each as one whole-zone sync compact_zone(): the
 * kernel starts its migrate scanner at the zone's first pfn and its free
 * scanner at the zone's last pageblock (compact_zone_start of
 * compact_node()).  The trace keeps both relative to zone_start
 * (event.h): 0 and pageblock_start_pfn(zone_end - 1) - zone_start, with
 * zone_start one of /proc/zoneinfo's start_pfn. */
static void test_compact_memory(void **state)
{
	char dir[] = "/tmp/mmtrace-compact-XXXXXX", out[600], log[600], msg[4096];
	char err[256], zi[1 << 16];
	const char *mmtrace = live_setup(dir, out, log, "compact");
	uint64_t begins = 0;
	struct mmt_reader *r;
	struct mmt_event ev;
	pid_t pid;
	FILE *f;

	(void)state;
	pid = recorder_up(mmtrace, out, log, 0, 0);
	f = fopen("/proc/sys/vm/compact_memory", "we");
	assert_non_null(f);
	assert_true(fputs("1\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	recorder_down(pid, log, msg, sizeof(msg));
	slurp("/proc/zoneinfo", zi, sizeof(zi));
	r = mmt_reader_open(out, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	while (mmt_reader_next(r, &ev) == 1) {
		char want[64];

		if (ev.kind != MMT_EV_COMPACTION_BEGIN ||
		    ev.pid != (uint32_t)getpid())
			continue;
		begins++;
		snprintf(want, sizeof(want), "start_pfn:           %llu\n",
			 (unsigned long long)ev.pfn);
		if (!strstr(zi, want))
			fail_msg("zone_start %#llx is no zone's start_pfn",
				 (unsigned long long)ev.pfn);
		assert_true(ev.addr > ev.pfn);
		assert_int_equal(ev.mt, 1);		/* sync */
		assert_int_equal(ev.arg, 0);
		assert_int_equal(ev.arg2, ((ev.addr - 1) & ~511ull) - ev.pfn);
	}
	mmt_reader_close(r);
	fprintf(stderr, "compact_memory: %llu whole-zone compactions by this "
		"process, scanners where compact_node() starts them\n",
		(unsigned long long)begins);
	assert_true(begins >= 1);
	unlink(out);
	unlink(log);
	rmdir(dir);
}

/* ZONE_FREE: the recorder's zoneinfo samples follow what this process
 * did to free memory.  Quiet, then 256 MiB touched, then unmapped, 0.8 s
 * each: every zone with managed pages has one sample a poll (at least
 * four over 2.4 s), and the free pages summed over the zones at each
 * sample time drop by most of the 65,536 touched pages.  And the trace
 * holds every page the kernel took and gave back:
 * its mirror replay's free pages at the samples (zone_free.tsv) are the
 * kernel's "pages free" within 1% or 256 pages at nine samples in ten
 * (the exceptions: samples taken while events of the same moment were
 * still on their way, and the last, after the end snapshot, which the
 * mirror stops at). */
#define ZF_PAGES 65536u

/* Removes the files of folder DIR, then DIR. */
static void rm_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[1024];

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' &&
		    snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) <
		    (int)sizeof(p))
			unlink(p);
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Mirror replay of TRACE into DIR/mirror: of its zone_free.tsv rows,
 * *n and how many are within 1% or 256 pages of the kernel's. */
static void zone_free_mirror(const char *trace, const char *dir,
			     unsigned *n, unsigned *close)
{
	struct mmt_replay_opts o;
	struct mmt_replay_result res;
	char out[600], path[700], err[512], line[256];
	FILE *f;

	snprintf(out, sizeof(out), "%s/mirror", dir);
	memset(&o, 0, sizeof(o));
	o.trace = trace;
	o.outdir = out;
	o.mode = MMT_REPLAY_MIRROR;
	if (mmt_replay_run(&o, &res, err, sizeof(err)))
		fail_msg("mirror replay: %s", err);
	snprintf(path, sizeof(path), "%s/zone_free.tsv", out);
	f = fopen(path, "re");
	assert_non_null(f);
	*n = *close = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long k, m, kb, mb;
		char zone[16];
		double t;
		int node;

		if (sscanf(line, "%lf\t%d\t%15s\t%llu\t%llu\t%llu\t%llu", &t,
			   &node, zone, &k, &m, &kb, &mb) != 7)
			continue;
		(*n)++;
		if ((m > k ? m - k : k - m) <= (k / 100 > 256 ? k / 100 : 256))
			(*close)++;
	}
	fclose(f);
	rm_files(out);
}

static void test_zone_free_samples(void **state)
{
	char dir[] = "/tmp/mmtrace-zonefree-XXXXXX", out[600], log[600], msg[4096];
	char err[256];
	const char *mmtrace = live_setup(dir, out, log, "zonefree");
	uint64_t per_zone[64] = { 0 }, sum = 0, hi = 0, lo = UINT64_MAX;
	uint64_t last = 0, last_ts = UINT64_MAX, lo_at = 0, after_lo = 0;
	const struct mmt_header *h;
	struct mmt_reader *r;
	struct mmt_event ev;
	unsigned managed = 0, times = 0;
	char *p;
	pid_t pid;

	(void)state;
	pid = recorder_up(mmtrace, out, log, 0, 0);
	usleep(800000);
	p = mmap(NULL, (size_t)ZF_PAGES << 12, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 1, (size_t)ZF_PAGES << 12);
	usleep(800000);
	munmap(p, (size_t)ZF_PAGES << 12);
	usleep(800000);
	recorder_down(pid, log, msg, sizeof(msg));
	r = mmt_reader_open(out, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	h = mmt_reader_header(r);
	assert_true(h->flags & MMT_HDR_ZONE_FREE);
	while (mmt_reader_next(r, &ev) == 1) {
		if (ev.kind != MMT_EV_ZONE_FREE)
			continue;
		assert_true(ev.arg < 64);
		per_zone[ev.arg]++;
		if (ev.ts != last_ts && last_ts != UINT64_MAX) {
			/* one sample time summed: the free pages then */
			hi = sum > hi ? sum : hi;
			if (sum < lo) {
				lo = sum;
				lo_at = times;
			}
			times++;
			last = sum;
			sum = 0;
		}
		last_ts = ev.ts;
		sum += ev.addr;
	}
	if (last_ts != UINT64_MAX) {
		last = sum;
		lo = sum < lo ? sum : lo;
		hi = sum > hi ? sum : hi;
		times++;
	}
	after_lo = last;
	for (uint32_t i = 0; i < h->nr_zones; i++) {
		const struct mmt_zone_info *z = &h->zones[i];

		if (!z->managed || z->zone_idx < 0 || z->zone_idx >= 64)
			continue;
		managed++;
		assert_int_equal(per_zone[z->zone_idx], times);
	}
	mmt_reader_close(r);
	fprintf(stderr, "zone_free: %u sample times over %u zones; free pages "
		"summed %llu at most, %llu at least (sample %llu), %llu at the "
		"end; %u pages touched\n", times, managed,
		(unsigned long long)hi, (unsigned long long)lo,
		(unsigned long long)lo_at, (unsigned long long)after_lo,
		ZF_PAGES);
	assert_true(managed >= 1);
	assert_true(times >= 4);
	/* Not checked: that they come back.  The pages munmap() frees
	 * reach the buddy lists through the pcp lists, whose high mark
	 * lets a cpu keep tens of thousands of them for a while
	 * (decay_pcp_high()): 1 k to 48 k of the 65,536 were back 0.8 s
	 * later in seven runs. */
	assert_true(hi - lo >= ZF_PAGES * 8 / 10);
	{
		unsigned n, close;

		zone_free_mirror(out, dir, &n, &close);
		fprintf(stderr, "zone_free: mirror replay within 1%% or 256 "
			"pages of the kernel's free pages at %u of %u samples\n",
			close, n);
		assert_true(n >= 4);
		assert_true(close * 10 >= n * 9);
	}
	unlink(out);
	unlink(log);
	rmdir(dir);
}

/* Runs `mmtrace record ARGS... -o OUT --force -- sh -c WORK`, stderr to
 * LOG; returns the exit status (-1 when it did not exit). */
static int run_record(const char *mmtrace, const char *mode, const char *out,
		      const char *log)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int fd = open(log, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);

		if (fd >= 0)
			dup2(fd, 2);
		execl(mmtrace, mmtrace, "record", mode, "-o", out, "--force", "--",
		      "/bin/sh", "-c", "head -c 64000000 /dev/zero | cat >/dev/null",
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int has_note(const struct mmt_header *h, const char *key)
{
	for (uint32_t i = 0; i < h->nr_notes; i++)
		if (!strcmp(h->notes[i].name, key))
			return 1;
	return 0;
}

/* --attach-only and --store-only (bench/record.sh's floor rows) load
 * their programs on this kernel, run a command, and leave a readable
 * trace with snapshots, the mode in a note, and no events; together they
 * are refused. */
static void test_floor_modes(void **state)
{
	static const char *const mode[] = { "--attach-only", "--store-only" };
	static const char *const note[] = { "record.attach_only", "record.store_only" };
	char dir[] = "/tmp/mmtrace-floor-XXXXXX", out[600], log[600], msg[4096];
	const char *mmtrace = live_setup(dir, out, log, "floor");
	char err[256];

	(void)state;
	for (int m = 0; m < 2; m++) {
		struct mmt_reader *r;
		struct mmt_event ev;
		uint64_t n = 0;
		int rc = run_record(mmtrace, mode[m], out, log);

		slurp(log, msg, sizeof(msg));
		if (rc && live_no_bpf(msg))
			skip_msg("BPF unavailable: %s", msg);
		if (rc)
			fail_msg("record %s failed (%d): %s", mode[m], rc, msg);
		r = mmt_reader_open(out, err, sizeof(err));
		if (!r)
			fail_msg("%s", err);
		assert_true(has_note(mmt_reader_header(r), note[m]));
		assert_true(mmt_reader_header(r)->nr_notes > 0);
		while (mmt_reader_next(r, &ev) == 1)
			n++;
		mmt_reader_close(r);
		assert_int_equal(n, 0);
	}
	{
		char cmd[1400];

		snprintf(cmd, sizeof(cmd), "%s record --attach-only --store-only -o %s --force 2>%s",
			 mmtrace, out, log);
		assert_int_equal(WEXITSTATUS(system(cmd)), 2);
		slurp(log, msg, sizeof(msg));
		assert_non_null(strstr(msg, "--attach-only and --store-only exclude each other"));
	}
	unlink(out);
	unlink(log);
	rmdir(dir);
}

/* The recorder's memory cgroup path (/proc/self/cgroup: cgroup v1's
 * memory line, else v2's "0::") under its mount; 0 or -1. */
static int memcg_self_dir(char *dir, size_t len, int *depth)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[1024], v1[1024] = "", v2[1024] = "";

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		c2[strcspn(c2, "\n")] = '\0';
		*c2 = '\0';
		if (strstr(c1 + 1, "memory") && !strcmp(c1 + 1, "memory"))
			snprintf(v1, sizeof(v1), "%s", c2 + 1);
		else if (c1 == line + 1 && line[0] == '0' && c2 == c1 + 1)
			snprintf(v2, sizeof(v2), "%s", c2 + 1);
	}
	fclose(f);
	const char *base = v1[0] ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup";
	const char *path = v1[0] ? v1 : v2;
	char stat[1200];

	if (!path[0] || snprintf(dir, len, "%s%s", base,
				 strcmp(path, "/") ? path : "") >= (int)len)
		return -1;
	snprintf(stat, sizeof(stat), "%s/memory.stat", dir);
	if (access(stat, R_OK) != 0)
		return -1;
	*depth = 0;
	for (const char *p = path; *p; p++)
		*depth += *p == '/' && p[1] != '\0';
	return 0;
}

/* The snapshots say where the recorder's memory cgroup stands in direct
 * reclaim's walk (collector/memcg.c): a group made beside it (or below
 * the root, when it is the root) before recording is counted after it. */
static void test_memcg_items(void **state)
{
	char dir[] = "/tmp/mmtrace-memcg-XXXXXX", out[600], log[600], msg[4096];
	char self[1100], group[1200], err[256];
	const char *mmtrace = live_setup(dir, out, log, "memcg");
	uint64_t depth = 0, after = 0, file_max = 0, groups = 0, visible = 0;
	int self_depth, have;
	struct mmt_reader *r;
	pid_t pid;

	(void)state;
	if (memcg_self_dir(self, sizeof(self), &self_depth) < 0) {
		rmdir(dir);
		skip_msg("no memory cgroup hierarchy here");
	}
	/* beside the recorder's group: in its parent (the root's child
	 * when it is the root) */
	if (self_depth > 0)
		*strrchr(self, '/') = '\0';
	snprintf(group, sizeof(group), "%s/mmtrace-test-%d", self, (int)getpid());
	if (mkdir(group, 0755) != 0) {
		rmdir(dir);
		skip_msg("cannot make %s: %s", group, strerror(errno));
	}
	pid = recorder_up(mmtrace, out, log, 0, 0);
	recorder_down(pid, log, msg, sizeof(msg));
	rmdir(group);
	r = mmt_reader_open(out, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	const struct mmt_snapshot *s = mmt_reader_snapshot(r, 0);
	have = snap_item(s, "mmtrace_memcg_depth", &depth) &&
	       snap_item(s, "mmtrace_memcg_after", &after) &&
	       snap_item(s, "mmtrace_memcg_after_file_max", &file_max) &&
	       snap_item(s, "mmtrace_memcg_groups", &groups) &&
	       snap_item(s, "mmtrace_memcg_visible", &visible);
	mmt_reader_close(r);
	fprintf(stderr, "memcg: depth %llu, %llu groups after it in the walk "
		"(largest inactive file %llu pages), %llu groups, %llu "
		"visible\n", (unsigned long long)depth,
		(unsigned long long)after, (unsigned long long)file_max,
		(unsigned long long)groups, (unsigned long long)visible);
	assert_true(have);
	assert_int_equal(depth, (uint64_t)self_depth);
	assert_true(after >= 1);		/* the group made before */
	assert_true(visible >= 2);		/* the root and that group */
	assert_true(visible > after);		/* the recorder's is not after */
	unlink(out);
	unlink(log);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_live_vs_vmstat, NULL),
		cmocka_unit_test_prestate(test_live_vs_vmstat, (void *)"classic"),
		cmocka_unit_test_prestate(test_live_vs_vmstat, (void *)"small-queues"),
		cmocka_unit_test(test_floor_modes),
		cmocka_unit_test(test_pageout_cause),
		cmocka_unit_test(test_file_dirty),
		cmocka_unit_test(test_compact_memory),
		cmocka_unit_test(test_zone_free_samples),
		cmocka_unit_test(test_memcg_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
