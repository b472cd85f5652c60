/* SPDX-License-Identifier: MIT */
/*
 * Snapshot of physical memory: the class of every pfn and the free blocks,
 * from /proc/kpageflags and /proc/kpagecount (root only), plus buddyinfo,
 * zoneinfo and vmstat.
 *
 * Exactness (also in collector/README.md):
 *  - classes come straight from the kernel's page flags (stable_page_flags()
 *    in fs/proc/page.c), read pfn by pfn while the system runs: a moment
 *    smeared over the few hundred ms the read takes;
 *  - free blocks: since is_free_buddy_page() went into stable_page_flags()
 *    KPF_BUDDY marks every page of a free block (older kernels: only the
 *    head).  Either way the block boundaries are not visible; they are
 *    inferred as the largest aligned blocks (<= max order) made of free
 *    pages, which is what the buddy allocator's merging produces except
 *    where it refuses to merge (isolated pageblocks, migratetype
 *    boundaries at pageblock order).  Migratetypes are not visible here
 *    (mt = -1), so MMT_SNAP_FREE_EXACT stays clear;
 *  - pages with no flags and no references that are not in a free block
 *    are free on a per-cpu list (MMT_PC_PCP) when their pageblock also
 *    holds other pages, and memory the kernel does not manage (a hole
 *    inside a zone span, or hot-pluggable memory not yet given to the buddy
 *    allocator) when the whole pageblock is like that (MMT_PC_OFFLINE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "collector.h"

#define KPF_LRU		5
#define KPF_SLAB	7
#define KPF_BUDDY	10
#define KPF_ANON	12
#define KPF_NOPAGE	20
#define KPF_OFFLINE	23
#define KPF_PGTABLE	26
#define KPF_RESERVED	32

#define CHUNK (1u << 16)	/* pfns read per pread */
#define LOOKAHEAD 1024u		/* a max-order block may start at CHUNK-1 */

struct runs {
	struct mmt_class_run *v;
	uint64_t n, cap;
};

static int run_add(struct runs *r, uint64_t pfn, uint8_t cls)
{
	if (r->n && r->v[r->n - 1].cls == cls &&
	    r->v[r->n - 1].pfn + r->v[r->n - 1].len == pfn) {
		r->v[r->n - 1].len++;
		return 0;
	}
	if (r->n == r->cap) {
		uint64_t cap = r->cap ? r->cap * 2 : 4096;
		struct mmt_class_run *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (struct mmt_class_run){ .pfn = pfn, .len = 1, .cls = cls };
	return 0;
}

static int is_free_tail(uint64_t flags, uint64_t count)
{
	return flags == 0 && count == 0;
}

static uint8_t page_class(uint64_t f, uint64_t count, int empty_pb)
{
	if (f & (1ull << KPF_NOPAGE))
		return MMT_PC_HOLE;
	if (f & (1ull << KPF_OFFLINE))
		return MMT_PC_OFFLINE;
	if (f & (1ull << KPF_RESERVED))
		return MMT_PC_RESERVED;
	if (f & (1ull << KPF_SLAB))
		return MMT_PC_SLAB;
	if (f & (1ull << KPF_ANON))
		return MMT_PC_ANON;
	if (f & (1ull << KPF_LRU))
		return MMT_PC_FILE;
	if (is_free_tail(f, count))
		return empty_pb ? MMT_PC_OFFLINE : MMT_PC_PCP;
	return MMT_PC_KERNEL;
}

static uint64_t max_pfn_of(const struct mmt_zone_info *z, uint32_t nz)
{
	uint64_t m = 0;

	for (uint32_t i = 0; i < nz; i++)
		if (z[i].start_pfn + z[i].spanned > m)
			m = z[i].start_pfn + z[i].spanned;
	return m;
}

/* Reads [pfn, pfn+n) of a /proc/kpage* file; short reads past the end
 * of memory leave zeros (NOPAGE is then set by the caller). */
static void read_words(int fd, uint64_t pfn, uint64_t *buf, uint32_t n)
{
	ssize_t got = pread(fd, buf, (size_t)n * 8, (off_t)(pfn * 8));

	if (got < 0)
		got = 0;
	for (uint32_t i = (uint32_t)(got / 8); i < n; i++)
		buf[i] = ~0ull;	/* unreadable: marked as hole below */
}

struct scan {
	int ff, fc;
	int buddy_all;		/* KPF_BUDDY on every page of a free block */
	uint64_t pb_pages;	/* pages per pageblock */
	uint64_t pb_cached;	/* pageblock of pb_empty, ~0 none */
	int pb_empty;
	uint64_t base;		/* pfn of buf[0] */
	uint32_t n;
	uint64_t flags[CHUNK + LOOKAHEAD];
	uint64_t count[CHUNK + LOOKAHEAD];
	uint64_t pbf[1 << 12], pbc[1 << 12];	/* one pageblock */
};

static void scan_load(struct scan *s, uint64_t pfn, uint64_t max_pfn)
{
	uint64_t n = max_pfn - pfn;

	if (n > CHUNK + LOOKAHEAD)
		n = CHUNK + LOOKAHEAD;
	s->base = pfn;
	s->n = (uint32_t)n;
	read_words(s->ff, pfn, s->flags, s->n);
	read_words(s->fc, pfn, s->count, s->n);
	for (uint32_t i = 0; i < s->n; i++)
		if (s->flags[i] == ~0ull)
			s->flags[i] = 1ull << KPF_NOPAGE;
}

/* Is page i of the buffer part of the free block that starts before it? */
static int free_tail(const struct scan *s, uint64_t i)
{
	if (s->buddy_all)
		return (s->flags[i] & (1ull << KPF_BUDDY)) != 0;
	return is_free_tail(s->flags[i], s->count[i]);
}

/* Whether every page of the pageblock holding pfn is flag-less and
 * unreferenced (memory the buddy allocator does not manage). */
static int pageblock_empty(struct scan *s, uint64_t pfn)
{
	uint64_t pb = pfn / s->pb_pages, n = s->pb_pages;

	if (pb == s->pb_cached)
		return s->pb_empty;
	s->pb_cached = pb;
	s->pb_empty = 0;
	if (n > (1u << 12))
		return 0;
	const uint64_t *f = s->pbf, *c = s->pbc;

	if (pb * n >= s->base && pb * n + n <= s->base + s->n) {
		f = s->flags + (pb * n - s->base);	/* already read */
		c = s->count + (pb * n - s->base);
	} else {
		read_words(s->ff, pb * n, s->pbf, (uint32_t)n);
		read_words(s->fc, pb * n, s->pbc, (uint32_t)n);
	}
	for (uint64_t k = 0; k < n; k++)
		if (!is_free_tail(f[k], c[k]))
			return 0;
	s->pb_empty = 1;
	return 1;
}

/* Does this kernel set KPF_BUDDY on every free page?  Two neighbours with
 * KPF_BUDDY mean yes (a head-only kernel never has two adjacent heads:
 * they would have merged, except order-10 blocks, which are rarer than
 * any free pair in a real system's first million pfns). */
static int detect_buddy_all(int ff, uint64_t max_pfn)
{
	static uint64_t buf[CHUNK];
	uint64_t pfn = 0;

	while (pfn < max_pfn && pfn < (1ull << 22)) {
		ssize_t got = pread(ff, buf, sizeof(buf), (off_t)(pfn * 8));

		if (got <= 8)
			break;
		for (size_t i = 0; i + 1 < (size_t)got / 8; i++)
			if ((buf[i] & buf[i + 1]) & (1ull << KPF_BUDDY) &&
			    ((pfn + i + 1) & 1023))
				return 1;
		pfn += (uint64_t)got / 8;
	}
	return 0;
}

/* Order of the free block starting at index i (largest aligned run). */
static unsigned infer_order(const struct scan *s, uint32_t i, unsigned max_order)
{
	uint64_t pfn = s->base + i;
	unsigned o = 0;

	while (o < max_order) {
		uint64_t size = 2ull << o;	/* try order o + 1 */

		if (pfn & (size - 1) || i + size > s->n)
			break;
		for (uint64_t k = size / 2; k < size; k++)
			if (!free_tail(s, i + k))
				return o;
		o++;
	}
	return o;
}

static int fill_pages(const struct mmt_header *h, struct mmt_snapshot *s,
		      char *err, size_t errlen)
{
	struct scan *sc = malloc(sizeof(*sc));
	uint64_t max_pfn = max_pfn_of(s->zones, s->nr_zones), pfn = 0;
	struct runs r = { 0 };
	uint64_t nfb = 0, capfb = 0;
	struct mmt_free_block *fb = NULL;
	int rc = -1;

	if (!sc)
		return -1;
	sc->ff = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	sc->fc = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	if (sc->ff < 0 || sc->fc < 0) {
		snprintf(err, errlen, "/proc/kpageflags: %s", strerror(errno));
		goto out;
	}
	sc->pb_pages = 1ull << (h->pageblock_order ? h->pageblock_order : 9);
	sc->pb_cached = ~0ull;
	sc->buddy_all = detect_buddy_all(sc->ff, max_pfn);
	while (pfn < max_pfn) {
		scan_load(sc, pfn, max_pfn);
		uint32_t i = 0, lim = sc->n > CHUNK ? CHUNK : sc->n;

		while (i < lim) {
			uint64_t f = sc->flags[i];

			if (f & (1ull << KPF_BUDDY)) {
				unsigned o = infer_order(sc, i, h->max_order);

				if (nfb == capfb) {
					capfb = capfb ? capfb * 2 : 4096;
					struct mmt_free_block *n = realloc(fb, capfb * sizeof(*n));
					if (!n)
						goto out;
					fb = n;
				}
				fb[nfb++] = (struct mmt_free_block){
					.pfn = sc->base + i, .order = (uint8_t)o, .mt = -1 };
				for (uint64_t k = 0; k < (1ull << o); k++)
					if (run_add(&r, sc->base + i + k, MMT_PC_FREE))
						goto out;
				i += 1u << o;
				continue;
			}
			int empty = is_free_tail(f, sc->count[i]) &&
				    pageblock_empty(sc, sc->base + i);
			if (run_add(&r, sc->base + i, page_class(f, sc->count[i], empty)))
				goto out;
			i++;
		}
		pfn = sc->base + i;
	}
	s->runs = r.v;
	s->nr_runs = r.n;
	s->free_blocks = fb;
	s->nr_free_blocks = nfb;
	r.v = NULL;
	fb = NULL;
	rc = 0;
out:
	if (sc->ff >= 0)
		close(sc->ff);
	if (sc->fc >= 0)
		close(sc->fc);
	free(sc);
	free(r.v);
	free(fb);
	return rc;
}

static void fill_buddyinfo(const struct mmt_header *h, struct mmt_snapshot *s)
{
	FILE *f = fopen("/proc/buddyinfo", "re");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int node, n = 0, zi = -1;
		char name[32];

		if (sscanf(line, "Node %d, zone %31s%n", &node, name, &n) < 2)
			continue;
		for (uint32_t i = 0; i < s->nr_zones; i++)
			if (s->zones[i].node == node && !strcmp(s->zones[i].name, name))
				zi = s->zones[i].zone_idx;
		if (node < 0 || node >= 8 || zi < 0 || zi >= MMT_MAX_ZONE_TYPES)
			continue;
		char *p = line + n, *end;
		for (unsigned o = 0; o <= h->max_order && o < MMT_NR_ORDERS; o++) {
			uint64_t v = strtoull(p, &end, 10);

			if (end == p)
				break;
			s->buddyinfo[node][zi][o] = v;
			p = end;
		}
	}
	fclose(f);
}

int coll_snapshot_item(struct mmt_snapshot *s, const char *name, uint64_t v)
{
	struct mmt_kv *kv = realloc(s->vmstat, (s->nr_vmstat + 1) * sizeof(*kv));

	if (!kv)
		return -1;
	s->vmstat = kv;
	kv += s->nr_vmstat++;
	memset(kv, 0, sizeof(*kv));
	snprintf(kv->name, sizeof(kv->name), "%.47s", name);
	snprintf(kv->value, sizeof(kv->value), "%llu", (unsigned long long)v);
	return 0;
}

static void fill_vmstat(struct mmt_snapshot *s)
{
	FILE *f = fopen("/proc/vmstat", "re");
	char name[64];
	unsigned long long v;

	if (!f)
		return;
	while (fscanf(f, "%63s %llu", name, &v) == 2)
		if (coll_snapshot_item(s, name, v))
			break;
	fclose(f);
}

/* A physical block device: /sys/block/NAME/device exists (a disk, not a
 * loop, zram, ram or device-mapper device stacked on one, nor a
 * partition, which /sys/block does not list). */
static int physical_disk(const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "/sys/block/%s/device", name);
	return access(path, F_OK) == 0;
}

/* Appends /proc/diskstats of the physical disks, summed, to the vmstat
 * list as mmtrace_disk_* items (no /proc/vmstat item has that prefix):
 * what the device wrote and how long it was busy, so that a replay can
 * tell how fast the host's writeback completes (traces/FORMAT.md). */
static void fill_diskstats(struct mmt_snapshot *s)
{
	static const char *const names[] = {
		"mmtrace_disk_sectors_read", "mmtrace_disk_writes",
		"mmtrace_disk_sectors_written", "mmtrace_disk_write_ms",
		"mmtrace_disk_io_ms",
	};
	unsigned long long sum[5] = { 0 };
	FILE *f = fopen("/proc/diskstats", "re");
	char line[512], dev[64];
	int disks = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[10];
		unsigned maj, min;

		/* major minor name, then reads merged sectors ms, writes
		 * merged sectors ms, in flight, io ms */
		if (sscanf(line, "%u %u %63s %llu %llu %llu %llu %llu %llu %llu "
			   "%llu %llu %llu", &maj, &min, dev, &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) != 13 ||
		    !physical_disk(dev))
			continue;
		sum[0] += v[2];
		sum[1] += v[4];
		sum[2] += v[6];
		sum[3] += v[7];
		sum[4] += v[9];
		disks++;
	}
	fclose(f);
	for (int i = 0; disks && i < 5; i++)
		if (coll_snapshot_item(s, names[i], sum[i]))
			return;
}

/* Pageblocks wholly inside a free block of at least pageblock order take
 * that block's migratetype (set_pageblock_migratetype() is done for the
 * whole range when such a block is formed); the rest stay unknown (-1). */
static void fill_pageblocks(const struct mmt_header *h, struct mmt_snapshot *s)
{
	uint64_t max_pfn = max_pfn_of(s->zones, s->nr_zones);
	unsigned pbo = h->pageblock_order ? h->pageblock_order : 9;

	s->nr_pageblocks = (max_pfn + (1ull << pbo) - 1) >> pbo;
	s->pageblock_base = 0;
	s->pageblock_mt = malloc(s->nr_pageblocks ? s->nr_pageblocks : 1);
	if (!s->pageblock_mt) {
		s->nr_pageblocks = 0;
		return;
	}
	memset(s->pageblock_mt, -1, s->nr_pageblocks);
	for (uint64_t i = 0; i < s->nr_free_blocks; i++) {
		const struct mmt_free_block *b = &s->free_blocks[i];

		if (b->order < pbo || b->mt < 0)
			continue;
		for (uint64_t pb = b->pfn >> pbo;
		     pb < (b->pfn + (1ull << b->order)) >> pbo && pb < s->nr_pageblocks; pb++)
			s->pageblock_mt[pb] = b->mt;
	}
}

int coll_snapshot(const struct mmt_header *h, struct mmt_snapshot *s,
		  uint64_t ts, coll_walk_fn walk, void *walk_ctx,
		  char *err, size_t errlen)
{
	struct mmt_free_block *fb = NULL;
	uint64_t nfb = 0;
	int walked;

	int nz;

	memset(s, 0, sizeof(*s));
	s->ts = ts;
	nz = coll_read_zoneinfo(h, &s->zones);
	if (nz < 0) {
		snprintf(err, errlen, "/proc/zoneinfo: %s", strerror(errno));
		return -1;
	}
	s->nr_zones = (uint32_t)nz;
	fill_vmstat(s);
	fill_diskstats(s);
	coll_memcg_items(s);
	/* free lists and buddyinfo first and back to back: both are exact
	 * moments, the kpageflags scan below takes a second.  The walk takes
	 * 25-30 ms over 60k blocks here, the snapshot's moment is its middle
	 * (vmstat was read right before it) */
	uint64_t w0 = coll_now_ns(CLOCK_MONOTONIC);

	walked = walk && !walk(walk_ctx, &fb, &nfb);
	if (walked) {
		uint64_t mid = w0 + (coll_now_ns(CLOCK_MONOTONIC) - w0) / 2;

		s->ts = mid > h->start_ns ? mid - h->start_ns : ts;
	}
	fill_buddyinfo(h, s);
	if (fill_pages(h, s, err, errlen)) {
		free(fb);
		mmt_snapshot_free(s);
		return -1;
	}
	if (walked) {
		free(s->free_blocks);
		s->free_blocks = fb;
		s->nr_free_blocks = nfb;
		s->flags |= MMT_SNAP_FREE_EXACT | MMT_SNAP_FREE_POS;
	}
	fill_pageblocks(h, s);
	return 0;
}
