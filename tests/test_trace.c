/* SPDX-License-Identifier: MIT */
/* Trace format: round trips, size on a fault loop, seeking, decoding by
 * name, block API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <pthread.h>
#include <cmocka.h>
#include "trace_util.h"
#include "../traces/codec.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Every kind, every field set (the format stores whatever is non-zero), with
 * values that stress varints and signs: huge, negative, zero runs. */
static void fill_all_fields(struct mmt_event *e, unsigned kind, uint64_t ts)
{
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->kind = (uint16_t)kind;
	e->cpu = (uint16_t)(rnd() % 512);
	e->pid = (uint32_t)rnd();
	uint64_t shift = rnd() % 64;	/* separate statements: evaluation
					 * order must not depend on the compiler */
	e->pfn = rnd() >> shift;
	e->addr = rnd();
	e->site = rnd() & 0xffffffffffull;
	e->gfp = rnd() & 0x1ffffff;
	e->order = (uint32_t)(rnd() % 11);
	e->mt = (int32_t)(rnd() % 7) - 1;
	e->mt2 = (int32_t)rnd();
	e->node = (int32_t)(rnd() % 4) - 1;
	e->offset = (uint32_t)(rnd() % 4096);
	e->cache = (uint32_t)(rnd() % 7);
	e->bytes_req = (uint32_t)rnd();
	e->bytes_alloc = UINT32_MAX - (uint32_t)(rnd() % 3);
	e->arg = rnd();
	e->arg2 = ~rnd();
}

static void test_round_trip_every_kind(void **state)
{
	(void)state;
	struct mmt_header h;
	enum { PER_KIND = 40 };
	size_t n = (MMT_EV__COUNT - 1) * PER_KIND;
	struct mmt_event *ev = calloc(n, sizeof(*ev)), got;
	uint64_t ts = 5;
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	for (size_t i = 0; i < n; i++) {
		/* jittered, sometimes backwards: cpus' clocks interleave */
		ts += rnd() % 3000;
		uint64_t t = (rnd() % 10 == 0 && ts > 500) ? ts - 500 : ts;
		fill_all_fields(&ev[i], 1 + (unsigned)(i % (MMT_EV__COUNT - 1)), t);
		if (i % 7 == 0)	/* some events with mostly zero fields */
			ev[i].pfn = ev[i].addr = ev[i].arg2 = 0;
	}
	const char *p = tu_path("kinds.mmt");
	assert_int_equal(tu_write(p, &h, ev, n, 97), 0);

	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	assert_null(mmt_reader_stop_reason(r));
	assert_int_equal(mmt_reader_nr_events(r), n);
	assert_int_equal(mmt_reader_nr_blocks(r), (n + 96) / 97);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(mmt_reader_next(r, &got), 1);
		assert_memory_equal(&got, &ev[i], sizeof(got));
	}
	assert_int_equal(mmt_reader_next(r, &got), 0);
	assert_null(mmt_reader_error(r));

	/* rewind gives the same stream again */
	assert_int_equal(mmt_reader_rewind(r), 0);
	assert_int_equal(mmt_reader_next(r, &got), 1);
	assert_memory_equal(&got, &ev[0], sizeof(got));
	mmt_reader_close(r);
	mmt_header_free(&h);
	free(ev);
}

static void test_header_and_snapshots(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_snapshot s;
	struct mmt_event ev = { .ts = 10, .kind = MMT_EV_LOST, .cpu = 1, .arg = 7 };
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 4), 0);
	h.cpu_node[3] = 1;
	h.flags = MMT_HDR_RAW_POINTERS;
	assert_int_equal(mmt_synth_snapshot(&s, &h), 0);
	s.pageblock_mt[3] = -1;
	s.ts = 123456;
	const char *p = tu_path("hdr.mmt");
	struct mmt_writer *w = mmt_writer_open(p, 0, &h, &s, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(mmt_writer_add(w, &ev), 0);
	s.ts = 999;
	s.free_blocks[0].order = 3;
	s.free_blocks[0].pfn &= ~7ull;	/* buddy blocks are aligned */
	assert_int_equal(mmt_writer_close(w, &s), 0);

	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	const struct mmt_header *g = mmt_reader_header(r);
	assert_int_equal(g->version, MMT_FORMAT_VERSION);
	assert_string_equal(g->release, h.release);
	assert_string_equal(g->machine, "x86_64");
	assert_int_equal(g->page_size, 4096);
	assert_int_equal(g->pageblock_order, 9);
	assert_int_equal(g->start_ns, h.start_ns);
	assert_int_equal(g->start_realtime_ns, h.start_realtime_ns);
	assert_int_equal(g->flags, MMT_HDR_RAW_POINTERS);
	assert_int_equal(g->nr_cpus, 4);
	assert_int_equal(g->cpu_node[3], 1);
	assert_int_equal(g->nr_nodes, 1);
	assert_int_equal(g->node_distance[0], 10);
	assert_int_equal(g->nr_zones, h.nr_zones);
	assert_memory_equal(g->zones, h.zones, h.nr_zones * sizeof(*h.zones));
	assert_int_equal(g->nr_sysctls, h.nr_sysctls);
	assert_memory_equal(g->sysctls, h.sysctls, h.nr_sysctls * sizeof(*h.sysctls));
	assert_memory_equal(g->gfp_bits, h.gfp_bits, h.nr_gfp_bits * sizeof(*h.gfp_bits));
	assert_memory_equal(g->migratetypes, h.migratetypes,
			    h.nr_migratetypes * sizeof(*h.migratetypes));
	assert_memory_equal(g->zone_types, h.zone_types,
			    h.nr_zone_types * sizeof(*h.zone_types));
	assert_memory_equal(g->slab_caches, h.slab_caches,
			    h.nr_slab_caches * sizeof(*h.slab_caches));
	assert_string_equal(g->notes[0].name, "synthetic");
	assert_string_equal(mmt_header_sysctl(g, "vm.watermark_scale_factor"), "10");
	assert_string_equal(mmt_header_sysctl(g, "extfrag_threshold"), "500");
	assert_null(mmt_header_sysctl(g, "vm.nope"));

	const struct mmt_snapshot *a = mmt_reader_snapshot(r, 0);
	const struct mmt_snapshot *b = mmt_reader_snapshot(r, 1);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->ts, 123456);
	assert_int_equal(b->ts, 999);
	assert_int_equal(a->flags, s.flags);
	assert_int_equal(a->nr_free_blocks, s.nr_free_blocks);
	assert_int_equal(b->free_blocks[0].order, 3);
	assert_int_not_equal(a->free_blocks[0].order, 3);
	for (uint64_t i = 1; i < s.nr_free_blocks; i++) {
		assert_int_equal(a->free_blocks[i].pfn, s.free_blocks[i].pfn);
		assert_int_equal(a->free_blocks[i].order, s.free_blocks[i].order);
		assert_int_equal(a->free_blocks[i].mt, s.free_blocks[i].mt);
		assert_int_equal(a->free_blocks[i].exact, s.free_blocks[i].exact);
	}
	assert_int_equal(a->nr_runs, s.nr_runs);
	for (uint64_t i = 0; i < s.nr_runs; i++) {
		assert_int_equal(a->runs[i].pfn, s.runs[i].pfn);
		assert_int_equal(a->runs[i].len, s.runs[i].len);
		assert_int_equal(a->runs[i].cls, s.runs[i].cls);
	}
	assert_int_equal(a->nr_pageblocks, s.nr_pageblocks);
	assert_int_equal(a->pageblock_mt[3], -1);
	assert_memory_equal(a->pageblock_mt + 4, s.pageblock_mt + 4, s.nr_pageblocks - 4);
	assert_memory_equal(a->buddyinfo, s.buddyinfo, sizeof(s.buddyinfo));
	assert_int_equal(a->nr_zones, s.nr_zones);
	assert_memory_equal(a->zones, s.zones, s.nr_zones * sizeof(*s.zones));
	assert_string_equal(a->vmstat[0].name, "nr_free_pages");
	assert_string_equal(a->vmstat[0].value, s.vmstat[0].value);
	/* the synthetic snapshot's free blocks add up to the managed pages */
	uint64_t pages = 0, managed = 0;
	for (uint64_t i = 0; i < a->nr_free_blocks; i++)
		pages += 1ull << a->free_blocks[i].order;
	for (uint32_t i = 0; i < h.nr_zones; i++)
		managed += h.zones[i].managed;
	assert_int_equal(pages, managed);
	mmt_reader_close(r);
	mmt_snapshot_free(&s);
	mmt_header_free(&h);
}

/* Free list places (MMT_SNAP_FREE_POS, appended to the snapshot payload)
 * read back as written; without the flag, none. */
static void test_free_list_places(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_snapshot s;
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	assert_int_equal(mmt_synth_snapshot(&s, &h), 0);
	assert_true(s.nr_free_blocks > 2);
	s.flags |= MMT_SNAP_FREE_POS;
	for (uint64_t i = 0; i < s.nr_free_blocks; i++)
		s.free_blocks[i].pos = (uint32_t)(s.nr_free_blocks - 1 - i);
	const char *p = tu_path("places.mmt");
	struct mmt_writer *w = mmt_writer_open(p, 0, &h, &s, err, sizeof(err));
	assert_non_null(w);
	s.flags &= ~(uint32_t)MMT_SNAP_FREE_POS;
	assert_int_equal(mmt_writer_close(w, &s), 0);

	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	const struct mmt_snapshot *a = mmt_reader_snapshot(r, 0);
	const struct mmt_snapshot *b = mmt_reader_snapshot(r, 1);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a->flags & MMT_SNAP_FREE_POS);
	assert_false(b->flags & MMT_SNAP_FREE_POS);
	for (uint64_t i = 0; i < s.nr_free_blocks; i++) {
		assert_int_equal(a->free_blocks[i].pos, s.nr_free_blocks - 1 - i);
		assert_int_equal(b->free_blocks[i].pos, 0);
		assert_int_equal(a->free_blocks[i].pfn, s.free_blocks[i].pfn);
	}
	assert_string_equal(a->vmstat[0].name, "nr_free_pages");
	mmt_reader_close(r);
	mmt_snapshot_free(&s);
	mmt_header_free(&h);
}

static void test_mode_0600_and_excl(void **state)
{
	(void)state;
	struct mmt_header h;
	struct stat st;
	char err[256];
	const char *p = tu_path("mode.mmt");

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 1), 0);
	mode_t old = umask(0);
	struct mmt_writer *w = mmt_writer_open(p, 0, &h, NULL, err, sizeof(err));
	umask(old);
	assert_non_null(w);
	assert_int_equal(mmt_writer_close(w, NULL), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* O_EXCL unless overwrite */
	assert_null(mmt_writer_open(p, 0, &h, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "mode.mmt"));
	assert_non_null(strstr(err, "exists"));
	/* overwriting a 0644 file still leaves a 0600 one */
	assert_int_equal(chmod(p, 0644), 0);
	w = mmt_writer_open(p, 1, &h, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(mmt_writer_close(w, NULL), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* never replaces what is not a regular file */
	assert_null(mmt_writer_open("/dev/null", 1, &h, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "/dev/null: exists and is not a regular file"));
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(symlink(p, tu_path("link.mmt")), 0);
	assert_null(mmt_writer_open(tu_path("link.mmt"), 1, &h, NULL, err, sizeof(err)));
	assert_null(mmt_writer_open(tu_path("link.mmt"), 0, &h, NULL, err, sizeof(err)));
	assert_null(mmt_reader_open(tu_dir, err, sizeof(err)));
	assert_non_null(strstr(err, "not a regular file"));

	/* an empty trace: no snapshots, no events, still whole */
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	struct mmt_event ev;
	assert_non_null(r);
	assert_null(mmt_reader_snapshot(r, 0));
	assert_int_equal(mmt_reader_next(r, &ev), 0);
	assert_null(mmt_reader_stop_reason(r));
	mmt_reader_close(r);
	mmt_header_free(&h);
}

/* The size target: at most 2 bytes per event on a fault loop. */
/* Writes ev[0..n) with names every 997 events; the start snapshot after
 * the first half (as `mmtrace record` does) and a rename; async or not
 * (async 2: the offload switched every 2500 events, as `mmtrace record`
 * does when its consumer falls behind and catches up). */
static int inits;
static void count_init(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
}

static void write_named(const char *tmp, const char *p, const struct mmt_header *h,
			const struct mmt_snapshot *s, const struct mmt_event *ev,
			size_t n, int async)
{
	char err[256], comm[32];
	uint64_t events;
	struct mmt_writer *w = mmt_writer_open(tmp, 1, h, NULL, err, sizeof(err));

	assert_non_null(w);
	mmt_writer_set_block_events(w, 1000);
	if (async)
		assert_int_equal(mmt_writer_set_async(w, count_init, &inits), 0);
	for (size_t i = 0; i < n; i++) {
		if (async == 2 && i % 2500 == 0) {
			/* blocks the caller wrote count as the thread's do */
			mmt_writer_stats(w, &events, NULL, NULL);
			assert_int_equal(events, i);
			mmt_writer_set_offload(w, (int)(i / 2500) % 2);
		}
		if (i % 997 == 0) {
			snprintf(comm, sizeof(comm), "proc-%zu", i);
			assert_int_equal(mmt_writer_add_comm(w, (uint32_t)(i % 50),
							     ev[i].ts, comm), 0);
		}
		assert_int_equal(mmt_writer_add(w, &ev[i]), 0);
		if (i == n / 2) {
			assert_int_equal(mmt_writer_start_snapshot(w, s), 0);
			assert_int_equal(mmt_writer_rename(w, p), 0);
		}
	}
	mmt_writer_stats(w, &events, NULL, NULL);
	assert_int_equal(events, n);
	assert_int_equal(mmt_writer_close(w, s), 0);
}

static char *file_bytes(const char *p, long *len)
{
	FILE *f = fopen(p, "rb");
	char *b;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	*len = ftell(f);
	rewind(f);
	b = malloc((size_t)*len + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)*len, f), (size_t)*len);
	fclose(f);
	return b;
}

/* The async writer's file is the synchronous one's, byte for byte, with
 * its thread started once, whether every block goes to the thread or the
 * caller writes some itself. */
static void test_async_same_bytes(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_snapshot s;
	enum { N = 150000 };
	struct mmt_event *ev = malloc(N * sizeof(*ev));
	struct mmt_synth_loop o = { .nr_cpus = 2, .seed = 5 };
	long la, lb;

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	assert_int_equal(mmt_synth_snapshot(&s, &h), 0);
	assert_int_equal(mmt_synth_fault_loop(&h, &o, ev, N), N);
	h.flags |= MMT_HDR_NAMES;
	write_named(tu_path("sync.part"), tu_path("sync.mmt"), &h, &s, ev, N, 0);
	assert_int_equal(inits, 0);
	write_named(tu_path("async.part"), tu_path("async.mmt"), &h, &s, ev, N, 1);
	assert_int_equal(inits, 1);
	write_named(tu_path("mixed.part"), tu_path("mixed.mmt"), &h, &s, ev, N, 2);
	assert_int_equal(inits, 2);
	char *a = file_bytes(tu_path("sync.mmt"), &la);
	const char *other[] = { "async.mmt", "mixed.mmt" };

	assert_true(la > 100000);
	for (int k = 0; k < 2; k++) {
		char *b = file_bytes(tu_path(other[k]), &lb);

		assert_int_equal(la, lb);
		assert_memory_equal(a, b, (size_t)la);
		free(b);
	}
	free(a);
	mmt_snapshot_free(&s);
	mmt_header_free(&h);
	free(ev);
}

static void test_fault_loop_size(void **state)
{
	(void)state;
	struct mmt_header h;
	enum { N = 400000 };
	struct mmt_event *ev = malloc(N * sizeof(*ev));
	struct mmt_synth_loop o = { .nr_cpus = 2, .seed = 1 };
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	assert_int_equal(mmt_synth_fault_loop(&h, &o, ev, N), N);
	const char *p = tu_path("loop.mmt");
	struct mmt_writer *w = mmt_writer_open(p, 0, &h, NULL, err, sizeof(err));
	assert_non_null(w);
	uint64_t before, events, raw;
	mmt_writer_stats(w, NULL, NULL, &before);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(mmt_writer_add(w, &ev[i]), 0);
	assert_int_equal(mmt_writer_flush(w), 0);
	uint64_t after;
	mmt_writer_stats(w, &events, &raw, &after);
	assert_int_equal(events, N);
	assert_int_equal(mmt_writer_close(w, NULL), 0);
	double bpe = (double)(after - before) / N;
	printf("fault loop: %.3f bytes/event in blocks (raw %.2f), file %ld bytes\n",
	       bpe, (double)raw / N, tu_file_size(p));
	assert_true(bpe <= 2.0);

	/* and it reads back exactly */
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	const struct mmt_event *got;
	size_t k = 0;
	int64_t n;
	assert_non_null(r);
	while ((n = mmt_reader_next_batch(r, &got)) > 0) {
		assert_true(k + (size_t)n <= N);
		assert_memory_equal(got, ev + k, (size_t)n * sizeof(*got));
		k += (size_t)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(k, N);
	mmt_reader_close(r);
	mmt_header_free(&h);
	free(ev);
}

static void test_seek_time(void **state)
{
	(void)state;
	struct mmt_header h;
	enum { N = 5000 };
	struct mmt_event ev[N], got;
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 1), 0);
	for (int i = 0; i < N; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].ts = 1000 + (uint64_t)i * 10;
		ev[i].kind = MMT_EV_PAGE_FREE;
		ev[i].pfn = (uint64_t)i;
	}
	const char *p = tu_path("seek.mmt");
	assert_int_equal(tu_write(p, &h, ev, N, 128), 0);

	/* blocks also end by trace time: 5000 events 100 ms apart, default
	 * 1 s per block at most */
	struct mmt_event slow[50];
	for (int i = 0; i < 50; i++)
		slow[i] = (struct mmt_event){ .ts = (uint64_t)i * 100000000ull,
					      .kind = MMT_EV_LOST, .arg = 1 };
	assert_int_equal(tu_write(tu_path("slow.mmt"), &h, slow, 50, 0), 0);
	struct mmt_reader *sr = mmt_reader_open(tu_path("slow.mmt"), err, sizeof(err));
	assert_non_null(sr);
	assert_int_equal(mmt_reader_nr_blocks(sr), 5);
	assert_int_equal(mmt_reader_nr_events(sr), 50);
	mmt_reader_close(sr);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(mmt_reader_last_ts(r), 1000 + (N - 1) * 10);
	uint64_t targets[] = { 0, 1000, 1005, 20000, 1000 + 128 * 10, 50990, 50991 };
	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		assert_int_equal(mmt_reader_seek_time(r, targets[t]), 0);
		int rc = mmt_reader_next(r, &got);
		uint64_t want = targets[t] <= 1000 ? 0 : (targets[t] - 1000 + 9) / 10;
		if (want >= N) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, 1);
		assert_int_equal(got.pfn, want);
		assert_true(got.ts >= targets[t]);
	}
	mmt_reader_close(r);
	mmt_header_free(&h);
}

static void test_parallel_block_api(void **state)
{
	(void)state;
	struct mmt_header h;
	enum { N = 3000 };
	struct mmt_event *ev = malloc(N * sizeof(*ev));
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 1), 0);
	mmt_synth_fault_loop(&h, NULL, ev, N);
	const char *p = tu_path("blocks.mmt");
	assert_int_equal(tu_write(p, &h, ev, N, 1000), 0);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(mmt_reader_nr_blocks(r), 3);
	struct mmt_block_dec *d = mmt_block_dec_new();
	struct mmt_block_info bi;
	const struct mmt_event *got;
	/* out of order on purpose: blocks are independent */
	for (int i = 2; i >= 0; i--) {
		assert_int_equal(mmt_reader_block_info(r, (uint64_t)i, &bi), 0);
		assert_int_equal(bi.nr_events, 1000);
		assert_int_equal(bi.min_ts, ev[i * 1000].ts);
		assert_int_equal(mmt_reader_decode_block(r, (uint64_t)i, d, &got), 1000);
		assert_memory_equal(got, ev + i * 1000, 1000 * sizeof(*got));
	}
	assert_int_equal(mmt_reader_block_info(r, 3, &bi), -1);
	assert_int_equal(mmt_reader_decode_block(r, 3, d, &got), -1);
	mmt_block_dec_free(d);
	mmt_reader_close(r);
	mmt_header_free(&h);
	free(ev);
}

struct par_arg {
	struct mmt_reader *r;
	const struct mmt_event *want;
	uint64_t first, ok;
};

static void *par_worker(void *p)
{
	struct par_arg *a = p;
	struct mmt_block_dec *d = mmt_block_dec_new();
	const struct mmt_event *got;
	for (int round = 0; round < 5; round++)
		for (uint64_t i = a->first; i < mmt_reader_nr_blocks(a->r); i += 2) {
			int64_t n = mmt_reader_decode_block(a->r, i, d, &got);
			if (n == 500 && !memcmp(got, a->want + i * 500, 500 * sizeof(*got)))
				a->ok++;
		}
	mmt_block_dec_free(d);
	return NULL;
}

/* Two threads decode blocks of one reader at once (each with its own
 * scratch) while the main thread iterates it. */
static void test_parallel_threads(void **state)
{
	(void)state;
	struct mmt_header h;
	enum { N = 20000 };
	struct mmt_event *ev = malloc(N * sizeof(*ev)), got;
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	struct mmt_synth_loop o = { .nr_cpus = 2, .pcp_events = 1, .seed = 9 };
	mmt_synth_fault_loop(&h, &o, ev, N);
	const char *p = tu_path("threads.mmt");
	assert_int_equal(tu_write(p, &h, ev, N, 500), 0);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	struct par_arg a[2] = { { r, ev, 0, 0 }, { r, ev, 1, 0 } };
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, par_worker, &a[i]), 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(mmt_reader_next(r, &got), 1);
		assert_memory_equal(&got, &ev[i], sizeof(got));
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(a[0].ok + a[1].ok, 5 * N / 500);
	mmt_reader_close(r);
	mmt_header_free(&h);
	free(ev);
}

static void test_decode_by_name(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_decode d;
	char buf[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 1), 0);
	mmt_decode_init(&d, &h);
	assert_int_equal(d.gfp_mask[MMT_GFP_MOVABLE], 0x8);
	assert_int_equal(d.gfp_mask[MMT_GFP_UNUSED], 0);
	assert_int_equal(d.mt_movable, 1);
	assert_int_equal(d.mt_highatomic, 3);
	assert_int_equal(d.mt_cma, -1);
	assert_int_equal(d.nr_migratetypes, 5);

	uint64_t g = mmt_synth_gfp(&h, "GFP_HIGHUSER_MOVABLE");
	assert_int_equal(g, 0x100cca);	/* as 6.18's tracefs prints it */
	assert_string_equal(mmt_gfp_str(&h, g, buf, sizeof(buf)), "GFP_HIGHUSER_MOVABLE");
	assert_string_equal(mmt_gfp_str(&h, g | 0x100, buf, sizeof(buf)),
			    "GFP_HIGHUSER_MOVABLE|__GFP_ZERO");
	assert_string_equal(mmt_gfp_str(&h, 0xcc0, buf, sizeof(buf)), "GFP_KERNEL");
	assert_string_equal(mmt_gfp_str(&h, 0xcc0 | 0x40000, buf, sizeof(buf)),
			    "GFP_KERNEL|__GFP_COMP");
	assert_string_equal(mmt_gfp_str(&h, 0x820, buf, sizeof(buf)), "GFP_ATOMIC");
	assert_string_equal(mmt_gfp_str(&h, 0x2800, buf, sizeof(buf)), "GFP_NOWAIT");
	assert_string_equal(mmt_gfp_str(&h, 0, buf, sizeof(buf)), "none");
	assert_string_equal(mmt_gfp_str(&h, 0x200, buf, sizeof(buf)), "0x200");
	/* GFP_TRANSHUGE: the composite first, computed from names */
	uint64_t th = mmt_synth_gfp(&h, "GFP_TRANSHUGE");
	assert_int_equal(th, 0x1c24ca);
	assert_string_equal(mmt_gfp_str(&h, th, buf, sizeof(buf)), "GFP_TRANSHUGE");
	uint64_t raw;
	assert_int_equal(mmt_gfp_parse(&h, "__GFP_NOPE", &raw), -1);
	uint64_t canon = mmt_gfp_canon(&d, g);
	assert_true(canon & (1ull << MMT_GFP_MOVABLE));
	assert_true(canon & (1ull << MMT_GFP_HARDWALL));
	assert_false(canon & (1ull << MMT_GFP_COMP));

	/* a kernel whose bits moved: decoding follows the names */
	h.gfp_bits[3].value = 0x10;	/* __GFP_MOVABLE */
	h.gfp_bits[4].value = 0x8;	/* __GFP_RECLAIMABLE */
	mmt_decode_init(&d, &h);
	assert_int_equal(mmt_gfp_canon(&d, 0x10), 1ull << MMT_GFP_MOVABLE);
	assert_string_equal(mmt_gfp_str(&h, 0x8, buf, sizeof(buf)), "__GFP_RECLAIMABLE");

	assert_string_equal(mmt_mt_str(&h, 1, buf, sizeof(buf)), "Movable");
	assert_string_equal(mmt_mt_str(&h, 0, buf, sizeof(buf)), "Unmovable");
	assert_string_equal(mmt_mt_str(&h, 3, buf, sizeof(buf)), "HighAtomic");
	assert_string_equal(mmt_mt_str(&h, 9, buf, sizeof(buf)), "mt=9");
	assert_int_equal(mmt_mt_parse(&h, "movable"), 1);
	assert_int_equal(mmt_mt_parse(&h, "MIGRATE_ISOLATE"), 4);
	assert_string_equal(mmt_event_kind_name(MMT_EV_PAGE_ALLOC), "page_alloc");
	assert_string_equal(mmt_event_kind_name(MMT_EV_KMEM_CACHE_FREE), "kmem_cache_free");
	assert_string_equal(mmt_event_kind_name(MMT_EV_LOST), "lost");
	assert_string_equal(mmt_event_kind_name(999), "unknown");
	for (unsigned k = 1; k < MMT_EV__COUNT; k++)
		assert_string_not_equal(mmt_event_kind_name(k), "unknown");
	assert_string_equal(mmt_event_kind_name(MMT_EV_COMPACT_ISOLATE), "compact_isolate");
	assert_string_equal(mmt_event_kind_name(MMT_EV_FILE_FAULT), "file_fault");
	/* every cause has its own name; past the end "unknown" */
	for (unsigned c = 0; c < MMT_FREE__COUNT; c++) {
		assert_string_not_equal(mmt_free_cause_name(c), "unknown");
		for (unsigned d = 0; d < c; d++)
			assert_string_not_equal(mmt_free_cause_name(c),
						mmt_free_cause_name(d));
	}
	assert_string_equal(mmt_free_cause_name(MMT_FREE_KSWAPD_EVICT), "kswapd_evict");
	assert_string_equal(mmt_free_cause_name(MMT_FREE__COUNT), "unknown");
	mmt_header_free(&h);
}

static void test_bad_files(void **state)
{
	(void)state;
	char err[256];
	const char *p = tu_path("junk");
	FILE *f = fopen(p, "wb");
	fputs("this is not a trace at all, just some text\n", f);
	fclose(f);
	assert_null(mmt_reader_open(p, err, sizeof(err)));
	assert_non_null(strstr(err, "junk: offset 0: not an mmtrace file"));
	assert_null(mmt_reader_open(tu_path("missing"), err, sizeof(err)));
	assert_non_null(strstr(err, "missing"));

	/* a newer major version is refused */
	struct mmt_header h;
	assert_int_equal(mmt_synth_header(&h, NULL, 0, 1), 0);
	p = tu_path("newer.mmt");
	assert_int_equal(tu_write(p, &h, NULL, 0, 0), 0);
	f = fopen(p, "r+b");
	fseek(f, 8, SEEK_SET);
	fputc(MMT_FORMAT_VERSION + 1, f);
	fclose(f);
	assert_null(mmt_reader_open(p, err, sizeof(err)));
	assert_non_null(strstr(err, "newer"));
	mmt_header_free(&h);
}

static void test_crc_and_varints(void **state)
{
	(void)state;
	assert_int_equal(mmt_crc32c(0, "123456789", 9), 0xE3069283u);
	uint8_t buf[16];
	uint64_t vals[] = { 0, 1, 127, 128, 300, UINT64_MAX };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		uint8_t *end = mmt_uv_write(buf, vals[i]);
		struct mmt_cur c = { buf, end, 0 };
		assert_int_equal(mmt_cur_uv(&c), vals[i]);
		assert_int_equal(c.bad, 0);
		assert_ptr_equal(c.p, end);
		assert_int_equal(mmt_unzigzag(mmt_zigzag((int64_t)vals[i])), (int64_t)vals[i]);
	}
	assert_int_equal(mmt_zigzag(-1), 1);
	/* a varint cut short is an error, not a read past the end */
	struct mmt_cur c = { buf, buf + 1, 0 };
	buf[0] = 0x80;
	mmt_cur_uv(&c);
	assert_int_equal(c.bad, 1);
}

/* A section of a kind this reader does not know is skipped (minor version
 * additions), when walking a file front to back. */
static void test_unknown_section_skipped(void **state)
{
	(void)state;
	struct mmt_header h;
	enum { N = 600 };
	struct mmt_event ev[N], got;
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 1), 0);
	mmt_synth_fault_loop(&h, NULL, ev, N);
	const char *p = tu_path("future.mmt");
	assert_int_equal(tu_write(p, &h, ev, N, 200), 0);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	struct mmt_block_info bi;
	assert_non_null(r);
	assert_int_equal(mmt_reader_block_info(r, 1, &bi), 0);
	mmt_reader_close(r);

	/* splice "kind 77" with a 5-byte payload in front of block 1 */
	long len = tu_file_size(p);
	FILE *f = fopen(p, "rb");
	uint8_t *buf = malloc((size_t)len + 64);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	struct mmt_sec_hdr sh = { .kind = 77, .comp_len = 5, .raw_len = 5 };
	sh.payload_crc = mmt_crc32c(0, "hello", 5);
	uint8_t hb[MMT_SEC_HDR_LEN];
	mmt_sec_hdr_pack(&sh, hb);
	f = fopen(p, "wb");
	fwrite(buf, 1, bi.offset, f);
	fwrite(hb, 1, sizeof(hb), f);
	fwrite("hello", 1, 5, f);
	fwrite(buf + bi.offset, 1, (size_t)len - bi.offset, f);
	fclose(f);
	free(buf);

	r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(mmt_reader_nr_events(r), N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(mmt_reader_next(r, &got), 1);
		assert_memory_equal(&got, &ev[i], sizeof(got));
	}
	assert_int_equal(mmt_reader_next(r, &got), 0);
	assert_non_null(mmt_reader_snapshot(r, 1));
	mmt_reader_close(r);
	mmt_header_free(&h);
}

/* The golden trace's content: 300 fault-loop events, then every kind with
 * every field set.  Regenerated identically by the test. */
static size_t golden_events(const struct mmt_header *h, struct mmt_event *ev)
{
	struct mmt_synth_loop o = { .nr_cpus = 2, .pcp_events = 1, .seed = 11 };
	size_t n = mmt_synth_fault_loop(h, &o, ev, 300);
	rng = 88172645463325252ull;
	/* the kinds there were when the golden files were made (1..LOST):
	 * later kinds decode generically, as any kind does */
	for (unsigned k = 1; k <= MMT_EV_LOST; k++, n++)
		fill_all_fields(&ev[n], k, ev[n - 1].ts + 1000);
	return n;
}

#define GOLDEN "tests/data/trace_v1_3.mmt"	/* minor 3, block layout 3 */
#define GOLDEN_2 "tests/data/trace_v1_2.mmt"	/* minor 2, block layout 2 */
#define GOLDEN_1 "tests/data/trace_v1_1.mmt"	/* minor 1, block layout 1 */
#define GOLDEN_0 "tests/data/trace_v1_0.mmt"	/* minor 0, block layout 0 */

static void check_golden(const char *path, const struct mmt_header *h,
			 const struct mmt_event *ev, size_t n)
{
	struct mmt_event got;
	char err[256];
	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));
	if (!r)
		fprintf(stderr, "%s\n", err);
	assert_non_null(r);
	assert_null(mmt_reader_stop_reason(r));
	assert_string_equal(mmt_reader_header(r)->release, "6.18.0-synth");
	assert_int_equal(mmt_reader_header(r)->nr_gfp_bits, h->nr_gfp_bits);
	assert_int_equal(mmt_reader_nr_events(r), n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(mmt_reader_next(r, &got), 1);
		assert_memory_equal(&got, &ev[i], sizeof(got));
	}
	assert_int_equal(mmt_reader_next(r, &got), 0);
	const struct mmt_snapshot *s = mmt_reader_snapshot(r, 1);
	assert_non_null(s);
	assert_int_equal(s->nr_pageblocks, 2560);
	mmt_reader_close(r);
}

/* The fields of a and b named in fields (MMT_FIELD_*) are equal. */
static void assert_fields_equal(const struct mmt_event *a,
				const struct mmt_event *b, uint32_t fields)
{
	assert_int_equal(a->ts, b->ts);
	assert_int_equal(a->kind, b->kind);
	if (fields & MMT_FIELD_CPU)
		assert_int_equal(a->cpu, b->cpu);
	if (fields & MMT_FIELD_PID)
		assert_int_equal(a->pid, b->pid);
	if (fields & MMT_FIELD_PFN)
		assert_int_equal(a->pfn, b->pfn);
	if (fields & MMT_FIELD_ADDR)
		assert_int_equal(a->addr, b->addr);
	if (fields & MMT_FIELD_SITE)
		assert_int_equal(a->site, b->site);
	if (fields & MMT_FIELD_GFP)
		assert_int_equal(a->gfp, b->gfp);
	if (fields & MMT_FIELD_ORDER)
		assert_int_equal(a->order, b->order);
	if (fields & MMT_FIELD_OFFSET)
		assert_int_equal(a->offset, b->offset);
	if (fields & MMT_FIELD_CACHE)
		assert_int_equal(a->cache, b->cache);
	if (fields & MMT_FIELD_ARG2)
		assert_int_equal(a->arg2, b->arg2);
}

/* mmt_reader_next_batch_sel gives exactly the events of the kinds asked
 * for, in order, with the fields asked for right: slab kinds' per-cache
 * rows too (offset without cache asked for), and a site without the
 * others. */
static void check_golden_sel(const char *path, const struct mmt_event *ev,
			     size_t n, uint64_t kinds, uint32_t fields)
{
	const struct mmt_event *got;
	char err[256];
	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));
	size_t i = 0;
	int64_t k;

	assert_non_null(r);
	while ((k = mmt_reader_next_batch_sel(r, kinds, fields, &got, NULL)) > 0)
		for (int64_t j = 0; j < k; j++, i++) {
			while (i < n && !((kinds >> ev[i].kind) & 1))
				i++;
			assert_true(i < n);
			assert_fields_equal(&got[j], &ev[i], fields);
		}
	assert_int_equal(k, 0);
	while (i < n && !((kinds >> ev[i].kind) & 1))
		i++;
	assert_int_equal(i, n);
	mmt_reader_close(r);
}

/* mmt_reader_next_batch_kinds: fields chosen per kind. */
static void check_golden_kinds(const char *path, const struct mmt_event *ev,
			       size_t n, const uint32_t by_kind[64])
{
	const struct mmt_event *got;
	char err[256];
	struct mmt_reader *r = mmt_reader_open(path, err, sizeof(err));
	size_t i = 0;
	int64_t k, ahead;

	assert_non_null(r);
	while ((k = mmt_reader_next_batch_kinds(r, by_kind, &got, &ahead)) > 0)
		for (int64_t j = 0; j < k; j++, i++) {
			while (i < n && !by_kind[ev[i].kind])
				i++;
			assert_true(i < n);
			assert_fields_equal(&got[j], &ev[i], by_kind[ev[i].kind]);
		}
	assert_int_equal(k, 0);
	while (i < n && !by_kind[ev[i].kind])
		i++;
	assert_int_equal(i, n);
	mmt_reader_close(r);
}

static void test_golden_sel(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_event ev[400];
	const char *files[] = { GOLDEN, GOLDEN_2, GOLDEN_1, GOLDEN_0 };
	const uint64_t pages = 1ull << MMT_EV_PAGE_ALLOC | 1ull << MMT_EV_PAGE_FREE |
			       1ull << MMT_EV_FAULT_USER;
	const uint64_t slab = 1ull << MMT_EV_KMALLOC |
			      1ull << MMT_EV_KMEM_CACHE_ALLOC |
			      1ull << MMT_EV_KMEM_CACHE_FREE;
	const uint32_t by_kind[64] = {
		[MMT_EV_PAGE_ALLOC] = MMT_FIELD_CPU | MMT_FIELD_GFP,
		[MMT_EV_PAGE_FREE] = MMT_FIELD_PFN,
		[MMT_EV_KMEM_CACHE_ALLOC] = MMT_FIELD_OFFSET,
		[MMT_EV_FAULT_USER] = MMT_FIELD_ADDR | MMT_FIELD_SITE,
		[MMT_EV_PCP_DRAIN] = MMT_FIELD_KIND_ONLY,
	};

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	size_t n = golden_events(&h, ev);
	for (int f = 0; f < 4; f++) {
		check_golden_sel(files[f], ev, n, pages,
				 MMT_FIELD_CPU | MMT_FIELD_PFN | MMT_FIELD_GFP);
		check_golden_sel(files[f], ev, n, pages | slab,
				 MMT_FIELD_PFN | MMT_FIELD_OFFSET |
				 MMT_FIELD_ARG2);
		check_golden_sel(files[f], ev, n, slab, MMT_FIELD_SITE);
		check_golden_sel(files[f], ev, n, UINT64_MAX, 0xffff);
		check_golden_kinds(files[f], ev, n, by_kind);
	}
	mmt_header_free(&h);
}

/* pcp traffic as the kernel makes it, on two cpus: rmqueue_bulk()
 * refills a list that allocations then take in order, frees go on the
 * list's head and the next allocation takes them back, drains take the
 * oldest; some allocations fail (MMT_NO_PFN, a delta too wide for the
 * reference tags) or come from elsewhere.  Block layout 3 names the
 * earlier free or refill instead of the pfn. */
static size_t pcp_traffic(struct mmt_event *ev, size_t max)
{
	uint64_t ts = 1000, next = 0x40000;
	size_t n = 0;

	while (n + 40 <= max) {
		uint16_t cpu = (uint16_t)(rnd() % 2);
		uint64_t base = next + rnd() % 4096;	/* a buddy block */

		next += 0x10000 + rnd() % 0x100000;
		for (int i = 0; i < 8; i++)
			ev[n++] = (struct mmt_event){ .ts = ts++, .cpu = cpu,
				.kind = MMT_EV_PCP_REFILL, .pfn = base + (uint64_t)i,
				.mt = 1, .arg = 1 };
		for (int i = 0; i < 5; i++)
			ev[n++] = (struct mmt_event){ .ts = ts += 3, .cpu = cpu,
				.kind = MMT_EV_PAGE_ALLOC, .pid = 77,
				.pfn = base + (uint64_t)i, .gfp = 0xcc0, .mt = 1 };
		uint64_t freed[4];
		for (int i = 0; i < 4; i++) {
			freed[i] = rnd() % (1ull << 30);
			ev[n++] = (struct mmt_event){ .ts = ts += 2, .cpu = cpu,
				.kind = MMT_EV_PAGE_FREE, .pid = 77,
				.pfn = freed[i] };
		}
		for (int i = 3; i >= 1; i--)	/* LIFO; freed[0] stays */
			ev[n++] = (struct mmt_event){ .ts = ts += 2, .cpu = cpu,
				.kind = MMT_EV_PAGE_ALLOC, .pid = 78,
				.pfn = freed[i], .gfp = 0xcc0, .mt = 1 };
		ev[n++] = (struct mmt_event){ .ts = ts++, .cpu = cpu,
			.kind = MMT_EV_PCP_DRAIN, .pfn = freed[0], .mt = 1 };
		for (int i = 5; i < 8; i++)
			ev[n++] = (struct mmt_event){ .ts = ts++, .cpu = cpu,
				.kind = MMT_EV_PCP_DRAIN, .pfn = base + (uint64_t)i,
				.mt = 1 };
		ev[n++] = (struct mmt_event){ .ts = ts++, .cpu = cpu,
			.kind = MMT_EV_PAGE_ALLOC, .pfn = rnd() % 2 ? MMT_NO_PFN :
			rnd() % (1ull << 40), .order = 3, .gfp = 0x140cca };
	}
	return n;
}

/* Layout 3's pfn references read back exactly: full decodes and every
 * selection (a reference whose source kind is not selected, a source
 * without its dependents), across chunk and block boundaries; and they
 * pay: the allocations' pfns cost about a byte. */
static void test_pcp_references(void **state)
{
	(void)state;
	struct mmt_header h;
	enum { N = 20000 };
	struct mmt_event *ev = calloc(N, sizeof(*ev));
	const uint32_t sel[][64] = {
		{ [MMT_EV_PAGE_ALLOC] = MMT_FIELD_PFN },
		{ [MMT_EV_PCP_DRAIN] = MMT_FIELD_PFN | MMT_FIELD_CPU,
		  [MMT_EV_PAGE_FREE] = MMT_FIELD_KIND_ONLY },
		{ [MMT_EV_PAGE_FREE] = MMT_FIELD_PFN,
		  [MMT_EV_PCP_REFILL] = MMT_FIELD_PFN | MMT_FIELD_MT },
		{ [MMT_EV_PAGE_ALLOC] = MMT_FIELD_PFN | MMT_FIELD_GFP,
		  [MMT_EV_PCP_REFILL] = MMT_FIELD_PFN,
		  [MMT_EV_PCP_DRAIN] = MMT_FIELD_KIND_ONLY },
		{ [MMT_EV_PAGE_ALLOC] = MMT_FIELD_GFP,	/* no pfn: no sources */
		  [MMT_EV_PAGE_FREE] = MMT_FIELD_PFN },
	};
	struct mmt_buf b = { 0 }, lit = { 0 };

	assert_non_null(ev);
	rng = 88172645463325252ull;
	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	size_t n = pcp_traffic(ev, N);
	const char *p = tu_path("pcp-refs.mmt");
	/* 5000 events a block: references reach back over many chunks */
	assert_int_equal(tu_write(p, &h, ev, n, 5000), 0);
	check_golden_sel(p, ev, n, UINT64_MAX, 0xffff);
	for (size_t i = 0; i < sizeof(sel) / sizeof(sel[0]); i++)
		check_golden_kinds(p, ev, n, sel[i]);

	/* the same block with every allocation's pfn moved out of reach of
	 * the references (same deltas among them): the references save ~4
	 * bytes on each allocation of a page freed just before */
	size_t lifo = 0;
	mmt_block_encode(&b, ev, n);
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == MMT_EV_PAGE_ALLOC) {
			ev[i].pfn ^= 1ull << 45;
			lifo += ev[i].pid == 78;
		}
	mmt_block_encode(&lit, ev, n);
	assert_false(b.oom || lit.oom);
	assert_true(lifo > 1000);
	assert_true(lit.len > b.len + 3 * lifo);
	mmt_buf_free(&b);
	mmt_buf_free(&lit);
	mmt_header_free(&h);
	free(ev);
}

/* Files written by earlier writers of this major version must read the
 * same forever.  MMT_WRITE_GOLDEN=1 rewrites the current-minor one. */
static void test_golden_file(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_event ev[400];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	size_t n = golden_events(&h, ev);
	if (getenv("MMT_WRITE_GOLDEN"))
		assert_int_equal(tu_write(GOLDEN, &h, ev, n, 64), 0);
	check_golden(GOLDEN, &h, ev, n);
	check_golden(GOLDEN_2, &h, ev, n);
	check_golden(GOLDEN_1, &h, ev, n);
	check_golden(GOLDEN_0, &h, ev, n);

	/* a newer block layout: the file opens, its blocks say why not */
	const char *nw = tu_path("newer-minor.mmt");
	char cmd[600], err[256];
	snprintf(cmd, sizeof(cmd), "cp %s %s && printf '\\143' | dd of=%s bs=1 seek=10 conv=notrunc status=none",
		 GOLDEN, nw, nw);
	assert_int_equal(system(cmd), 0);
	struct mmt_reader *r = mmt_reader_open(nw, err, sizeof(err));
	struct mmt_event got;
	assert_non_null(r);
	assert_non_null(mmt_reader_snapshot(r, 0));
	assert_int_equal(mmt_reader_next(r, &got), -1);
	assert_non_null(strstr(mmt_reader_error(r), "event block layout 99 is newer"));
	mmt_reader_close(r);

	/* same input, same bytes */
	const char *a = tu_path("det-a.mmt"), *b = tu_path("det-b.mmt");
	assert_int_equal(tu_write(a, &h, ev, n, 64), 0);
	assert_int_equal(tu_write(b, &h, ev, n, 64), 0);
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int ca, cb;
	long same = 0;
	do {
		ca = fgetc(fa);
		cb = fgetc(fb);
		assert_int_equal(ca, cb);
		same++;
	} while (ca != EOF);
	fclose(fa);
	fclose(fb);
	assert_true(same > 1000);
	mmt_header_free(&h);
}

/* mmt_snapshot_u64: a number, an absent item, and items that are there but
 * not counts (said as -1, never taken for absence or for 0). */
static void test_snapshot_u64(void **state)
{
	(void)state;
	struct mmt_kv kv[5] = {
		{ "pgscan_kswapd", "4096" }, { "neg", "-1" }, { "tail", "12x" },
		{ "huge", "99999999999999999999999" }, { "empty", "" },
	};
	struct mmt_snapshot s = { .nr_vmstat = 5, .vmstat = kv };
	uint64_t v = 7;

	assert_int_equal(mmt_snapshot_u64(&s, "pgscan_kswapd", &v), 1);
	assert_int_equal(v, 4096);
	v = 7;
	assert_int_equal(mmt_snapshot_u64(&s, "pgscan_direct", &v), 0);
	assert_int_equal(mmt_snapshot_u64(NULL, "pgscan_kswapd", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(mmt_snapshot_u64(&s, "neg", &v), -1);
	assert_int_equal(mmt_snapshot_u64(&s, "tail", &v), -1);
	assert_int_equal(mmt_snapshot_u64(&s, "huge", &v), -1);
	assert_int_equal(mmt_snapshot_u64(&s, "empty", &v), -1);
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_every_kind),
		cmocka_unit_test(test_header_and_snapshots),
		cmocka_unit_test(test_free_list_places),
		cmocka_unit_test(test_mode_0600_and_excl),
		cmocka_unit_test(test_fault_loop_size),
		cmocka_unit_test(test_async_same_bytes),
		cmocka_unit_test(test_seek_time),
		cmocka_unit_test(test_parallel_block_api),
		cmocka_unit_test(test_parallel_threads),
		cmocka_unit_test(test_decode_by_name),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_crc_and_varints),
		cmocka_unit_test(test_unknown_section_skipped),
		cmocka_unit_test(test_golden_file),
		cmocka_unit_test(test_pcp_references),
		cmocka_unit_test(test_golden_sel),
		cmocka_unit_test(test_snapshot_u64),
	};
	return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
