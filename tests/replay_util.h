/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the replay test suites (header-only: each suite is its
 * own binary).  A tiny "kernel" that keeps a free bitmap, places pages and
 * emits the events the collector would record, and builds an end snapshot
 * from its bitmap, so a mirror replay has a true answer to match.
 */
#ifndef MMTRACE_REPLAY_UTIL_H
#define MMTRACE_REPLAY_UTIL_H

#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mmtrace/replay.h"
#include "mmtrace/synth.h"
#include "mmtrace/trace.h"

struct rk {
	struct mmt_header h;
	struct mmt_snapshot start;
	uint8_t *free;			/* 1 = free page */
	uint64_t max_pfn;
	struct mmt_event *ev;
	size_t nr_ev, cap_ev;
	uint64_t ts;
};

static char ru_dir[256];

static inline void ru_rm_rf(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char p[1024];
	struct stat st;

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", path, de->d_name) >=
		    (int)sizeof(p))
			continue;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			ru_rm_rf(p);
		else
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

static inline int ru_setup(void **state)
{
	(void)state;
	snprintf(ru_dir, sizeof(ru_dir), "/tmp/mmt-replay-XXXXXX");
	return mkdtemp(ru_dir) ? 0 : -1;
}

static inline int ru_teardown(void **state)
{
	(void)state;
	ru_rm_rf(ru_dir);
	return 0;
}

static inline const char *ru_path(const char *name)
{
	static char p[8][512];
	static int k;

	k = (k + 1) & 7;
	snprintf(p[k], sizeof(p[k]), "%s/%s", ru_dir, name);
	return p[k];
}

/* A one-node host with one Normal zone of `pages` pages at pfn 1M (plus
 * no DMA zones: small and quick), `cpus` cpus, all memory free. */
static inline int rk_init(struct rk *k, uint64_t pages, uint32_t cpus)
{
	struct mmt_zone_info z[3];

	memset(k, 0, sizeof(*k));
	mmt_synth_default_zones(z, pages);
	z[2].present = z[2].spanned = pages;
	z[2].managed = pages;
	z[2].nr_free = pages;
	if (mmt_synth_header(&k->h, &z[2], 1, cpus) < 0 ||
	    mmt_synth_snapshot(&k->start, &k->h) < 0)
		return -1;
	k->max_pfn = z[2].start_pfn + z[2].spanned;
	k->free = calloc(k->max_pfn, 1);
	if (!k->free)
		return -1;
	for (uint64_t i = 0; i < k->start.nr_free_blocks; i++) {
		const struct mmt_free_block *b = &k->start.free_blocks[i];

		memset(k->free + b->pfn, 1, 1ull << b->order);
	}
	k->ts = 1000;
	return 0;
}

static inline void rk_free_all(struct rk *k)
{
	mmt_header_free(&k->h);
	mmt_snapshot_free(&k->start);
	free(k->free);
	free(k->ev);
}

static inline struct mmt_event *rk_push(struct rk *k, unsigned kind, unsigned cpu)
{
	struct mmt_event *e;

	if (k->nr_ev == k->cap_ev) {
		k->cap_ev = k->cap_ev ? k->cap_ev * 2 : 4096;
		k->ev = realloc(k->ev, k->cap_ev * sizeof(*k->ev));
	}
	e = &k->ev[k->nr_ev++];
	memset(e, 0, sizeof(*e));
	e->ts = k->ts;
	k->ts += 1000;
	e->kind = (uint16_t)kind;
	e->cpu = (uint16_t)cpu;
	e->pid = 100 + cpu;
	return e;
}

static inline int rk_range_free(const struct rk *k, uint64_t pfn, unsigned order)
{
	for (uint64_t p = pfn; p < pfn + (1ull << order); p++)
		if (p >= k->max_pfn || !k->free[p])
			return 0;
	return 1;
}

/* The lowest free aligned block of `order` at or above `from`. */
static inline uint64_t rk_find(const struct rk *k, unsigned order, uint64_t from)
{
	uint64_t n = 1ull << order;

	for (uint64_t p = (from + n - 1) & ~(n - 1); p + n <= k->max_pfn; p += n)
		if (rk_range_free(k, p, order))
			return p;
	return UINT64_MAX;
}

static inline uint64_t rk_alloc_at(struct rk *k, uint64_t pfn, unsigned order,
			    const char *gfp, const char *mt, unsigned cpu)
{
	struct mmt_event *e = rk_push(k, MMT_EV_PAGE_ALLOC, cpu);

	e->pfn = pfn;
	e->order = order;
	e->gfp = mmt_synth_gfp(&k->h, gfp);
	e->mt = mmt_synth_mt(&k->h, mt);
	memset(k->free + pfn, 0, 1ull << order);
	return pfn;
}

static inline void rk_free(struct rk *k, uint64_t pfn, unsigned order, unsigned cpu)
{
	struct mmt_event *e = rk_push(k, MMT_EV_PAGE_FREE, cpu);

	e->pfn = pfn;
	e->order = order;
	memset(k->free + pfn, 1, 1ull << order);
}

/* End snapshot: the start one with free blocks and classes from the
 * bitmap (free pages as maximal buddy blocks, the rest KERNEL). */
static inline int rk_end_snapshot(const struct rk *k, struct mmt_snapshot *s)
{
	const struct mmt_zone_info *z = &k->h.zones[0];
	uint64_t lo = z->start_pfn, hi = z->start_pfn + z->present, nb = 0,
		 nr = 0;
	int movable = mmt_synth_mt(&k->h, "MIGRATE_MOVABLE");

	if (mmt_synth_snapshot(s, &k->h) < 0)
		return -1;
	free(s->free_blocks);
	free(s->runs);
	s->free_blocks = calloc(hi - lo + 1, sizeof(*s->free_blocks));
	s->runs = calloc(hi - lo + 2, sizeof(*s->runs));
	if (!s->free_blocks || !s->runs)
		return -1;
	if (lo)
		s->runs[nr++] = (struct mmt_class_run){ 0, lo, MMT_PC_HOLE };
	for (uint64_t p = lo; p < hi;) {
		uint8_t cls = k->free[p] ? MMT_PC_FREE : MMT_PC_KERNEL;
		uint64_t q = p;

		while (q < hi && (k->free[q] ? MMT_PC_FREE : MMT_PC_KERNEL) == cls)
			q++;
		s->runs[nr++] = (struct mmt_class_run){ p, q - p, cls };
		p = q;
	}
	for (uint64_t p = lo; p < hi;) {
		unsigned o = MMT_MAX_ORDER;

		if (!k->free[p]) {
			p++;
			continue;
		}
		while (o && ((p & ((1ull << o) - 1)) || p + (1ull << o) > hi ||
			     !rk_range_free(k, p, o)))
			o--;
		s->free_blocks[nb++] = (struct mmt_free_block){
			p, (uint8_t)o, (int8_t)movable, 1, 0 };
		p += 1ull << o;
	}
	s->nr_free_blocks = nb;
	s->nr_runs = nr;
	memset(s->buddyinfo, 0, sizeof(s->buddyinfo));
	s->ts = k->ts;
	return 0;
}

/* Writes the trace with the given end snapshot (NULL: none); block 0
 * keeps the writer's block size. */
static inline int rk_write_end(const struct rk *k, const char *path,
			       uint32_t block, const struct mmt_snapshot *end)
{
	struct mmt_writer *w;
	char err[256];

	w = mmt_writer_open(path, 1, &k->h, &k->start, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (block)
		mmt_writer_set_block_events(w, block);
	for (size_t i = 0; i < k->nr_ev; i++)
		if (mmt_writer_add(w, &k->ev[i]) < 0) {
			mmt_writer_close(w, NULL);
			return -1;
		}
	return mmt_writer_close(w, end);
}

/* Writes the trace with the end snapshot of rk_end_snapshot(). */
static inline int rk_write(const struct rk *k, const char *path, uint32_t block)
{
	struct mmt_snapshot end;
	int rc;

	if (rk_end_snapshot(k, &end) < 0)
		return -1;
	rc = rk_write_end(k, path, block, &end);
	mmt_snapshot_free(&end);
	return rc;
}

/* Replays with defaults; outdir may be NULL. */
static inline int ru_replay(const char *trace, const char *outdir, int mode,
		     const char *topo, const char *const *sets, unsigned nsets,
		     struct mmt_replay_result *res, char *err, size_t errlen)
{
	struct mmt_replay_opts o;

	memset(&o, 0, sizeof(o));
	o.trace = trace;
	o.outdir = outdir;
	o.mode = (enum mmt_replay_mode)mode;
	o.topology = topo;
	o.sets = sets;
	o.nr_sets = nsets;
	return mmt_replay_run(&o, res, err, errlen);
}

static inline char *ru_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* The recorded sample traces (the .mmt files in $MMTRACE_SAMPLES, else
 * in traces/samples; none found is an empty list), for the suites
 * that replay them: they use ru_samples_setup/_teardown as group
 * fixtures.  Unused in the other suites. */
static glob_t ru_samples __attribute__((unused));

static inline int ru_samples_setup(void **state)
{
	const char *dir = getenv("MMTRACE_SAMPLES");
	char pat[512];

	snprintf(pat, sizeof(pat), "%s/*.mmt", dir ? dir : "traces/samples");
	if (glob(pat, 0, NULL, &ru_samples) != 0)
		ru_samples.gl_pathc = 0;
	return ru_setup(state);
}

static inline int ru_samples_teardown(void **state)
{
	globfree(&ru_samples);
	return ru_teardown(state);
}

#endif
