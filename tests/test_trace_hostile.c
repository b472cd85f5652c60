/* SPDX-License-Identifier: MIT */
/* Crafted traces that pass every checksum (a CRC is not a security
 * boundary): each of issue 11's must give a one-line error naming the
 * file, the offset and the field (or finish, where the value is one a
 * real trace may hold), within 10 s and 512 MB, from the reader and from
 * the binary's info, dump and replay. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <zstd.h>
#include "trace_util.h"
#include "limits_util.h"
#include "../traces/codec.h"

/* A synthetic trace: header h, fault-loop events (n of them) plus the
 * given extra events, start and end snapshots (end: `end` when given). */
static const char *write_trace(const char *name, const struct mmt_header *h,
			       const struct mmt_event *extra, size_t nextra,
			       const struct mmt_snapshot *end)
{
	struct mmt_event ev[300];
	struct mmt_snapshot s;
	struct mmt_synth_loop o = { .nr_cpus = 2, .pcp_events = 1, .seed = 3 };
	const char *p = tu_path(name);
	char err[256];
	size_t n = mmt_synth_fault_loop(h, &o, ev, 200);

	assert_int_equal(mmt_synth_snapshot(&s, h), 0);
	struct mmt_writer *w = mmt_writer_open(p, 1, h, &s, err, sizeof(err));
	assert_non_null(w);
	mmt_writer_set_block_events(w, 64);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(mmt_writer_add(w, &ev[i]), 0);
	for (size_t i = 0; i < nextra; i++)
		assert_int_equal(mmt_writer_add(w, &extra[i]), 0);
	assert_int_equal(mmt_writer_close(w, end ? end : &s), 0);
	mmt_snapshot_free(&s);
	return p;
}

/* info / dump / replay (both modes) on path: each within the limits.
 * The info run goes to *info, the last replay to *replay.  replay_ok: 1
 * every replay must succeed, 0 fail, -1 either (what a damaged block
 * does to a replay is the damage rule's, FORMAT.md); a failure always
 * has a message. */
static void run_all(const char *path, struct lim_run *info, int replay_ok,
		    struct lim_run *replay)
{
	static struct lim_run r;
	char a0[] = "mmtrace", c_info[] = "info", c_dump[] = "dump",
	     c_replay[] = "replay", m[] = "-m", mirror[] = "mirror",
	     policy[] = "policy", o[] = "-o", q[] = "-q";
	char p[512], dir[512], cmd[600];

	snprintf(p, sizeof(p), "%s", path);
	char *av_info[] = { a0, c_info, p, NULL };
	lim_run(tu_dir, av_info, info);
	assert_true(lim_within(info));
	char *av_dump[] = { a0, c_dump, p, NULL };
	lim_run(tu_dir, av_dump, &r);
	assert_true(lim_within(&r));
	assert_int_equal(r.status != 0, info->status != 0);
	for (int mode = 0; mode < 2; mode++) {
		snprintf(dir, sizeof(dir), "%s/run%d", tu_dir, mode);
		char *av[] = { a0, c_replay, p, m, mode ? mirror : policy, q,
			       o, dir, NULL };
		lim_run(tu_dir, av, replay);
		assert_true(lim_within(replay));
		if (replay_ok >= 0)
			assert_int_equal(replay->status == 0, replay_ok);
		assert_true(replay->status == 0 || strlen(replay->err) > 10);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

/* err holds all of the words, and is one line */
static void assert_names(const char *err, const char *a, const char *b,
			 const char *c)
{
	if (!strstr(err, a) || !strstr(err, b) || (c && !strstr(err, c)))
		fprintf(stderr, "want '%s', '%s', '%s' in: %s\n", a, b, c ? c : "",
			err);
	assert_non_null(strstr(err, a));
	assert_non_null(strstr(err, b));
	if (c)
		assert_non_null(strstr(err, c));
}

/* One event at ts 2^64 - 1: outside the block's announced range once the
 * writer's min/max are checked against the limit, so the block is
 * corrupt; replay's sampling clock never sees it (it ran forever, growing
 * timeseries.tsv by 17 MB/s). */
static void test_ts_max(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_event e = { .ts = UINT64_MAX, .kind = MMT_EV_PAGE_ALLOC,
			       .pfn = 0x100000, .order = 0 };
	struct lim_run info, replay;
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	const char *p = write_trace("ts.mmt", &h, &e, 1, NULL);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	struct mmt_event ev;
	int rc;

	assert_non_null(r);
	while ((rc = mmt_reader_next(r, &ev)) == 1)
		assert_true(ev.ts <= MMT_MAX_TS);
	assert_int_equal(rc, -1);
	assert_names(mmt_reader_error(r), p, "offset ", "times");
	assert_true(mmt_reader_last_ts(r) <= MMT_MAX_TS);
	mmt_reader_close(r);
	run_all(p, &info, -1, &replay);
	assert_int_equal(info.status, 3);	/* the block skipped, as damaged */
	assert_names(info.err, p, "offset ", "out of range");
	assert_names(replay.err, p, "offset ", "out of range");
	mmt_header_free(&h);
}

/* An event inside a block whose times are in range, at a ts outside them
 * (a file whose writer lied in the section header): the event's own
 * check. */
static void test_ts_outside_block(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_event ev[4] = {
		{ .ts = 1000, .kind = MMT_EV_LOST, .arg = 1 },
		{ .ts = 2000, .kind = MMT_EV_LOST, .arg = 1 },
	};
	struct mmt_buf b = { 0 };
	struct mmt_blk blk = { 0, 1000, 1500, 2, 0, 0 };
	struct mmt_event out[4];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	mmt_block_encode(&b, ev, 2);
	assert_int_equal(mmt_buf_reserve(&b, MMT_BLOCK_PAD), 0);
	memset(b.p + b.len, 0, MMT_BLOCK_PAD);
	blk.raw_len = (uint32_t)b.len;
	struct mmt_ev_limits lim;
	mmt_ev_limits_init(&lim, &h);
	assert_int_equal(mmt_block_decode(b.p, &blk, 2, &lim, out), -1);
	struct mmt_block_cur *c = mmt_block_cur_new(b.p, &blk, 2, &lim,
						    UINT64_MAX, UINT32_MAX, NULL);
	int done = 0;
	assert_non_null(c);
	assert_int_equal(mmt_block_cur_next(c, out, &done), -1);
	assert_names(mmt_block_cur_why(c), "lost", "ts", "2000");
	mmt_block_cur_free(c);
	blk.max_ts = 2000;
	assert_int_equal(mmt_block_decode(b.p, &blk, 2, &lim, out), 0);
	mmt_buf_free(&b);
	mmt_header_free(&h);
}

/* A layout-3 block of a page_free (pfn 7) and a page_alloc whose pfn
 * column holds `entry` (FORMAT.md "pfn references"), the kinds column in
 * the order given, padded for the decoder. */
static void ref_block(struct mmt_buf *b, const uint8_t kinds[2], uint64_t entry)
{
	b->len = 0;
	mmt_buf_uv(b, 2);			/* events */
	mmt_buf_uv(b, 1000);			/* base ts */
	mmt_buf_uv(b, 2);			/* kinds, with masks: pfn */
	mmt_buf_uv(b, MMT_EV_PAGE_ALLOC);
	mmt_buf_uv(b, MMT_FIELD_PFN);
	mmt_buf_uv(b, MMT_EV_PAGE_FREE);
	mmt_buf_uv(b, MMT_FIELD_PFN);
	mmt_buf_uv(b, 1);			/* alloc: ts column */
	mmt_buf_uv(b, entry >= 0x80 ? 2 : 1);	/* alloc: pfn column */
	mmt_buf_uv(b, 1);			/* free: ts, pfn */
	mmt_buf_uv(b, 1);
	mmt_buf_uv(b, 0);			/* no sites */
	mmt_buf_put(b, kinds, 2);
	mmt_buf_uv(b, 0);			/* alloc ts + 0 */
	mmt_buf_uv(b, entry);
	mmt_buf_uv(b, 0);			/* free ts + 0 */
	mmt_buf_sv(b, 7);			/* free pfn 7 */
	assert_int_equal(mmt_buf_reserve(b, MMT_BLOCK_PAD), 0);
	memset(b->p + b->len, 0, MMT_BLOCK_PAD);
}

/* Decodes a ref_block() fully and with only the allocation's pfn asked
 * for (the free then decoded for the reference alone): both give rc, and
 * the allocation's pfn when they decode. */
static void check_ref_block(const uint8_t kinds[2], uint64_t entry, int rc,
			    uint64_t pfn)
{
	const uint32_t by_kind[64] = { [MMT_EV_PAGE_ALLOC] = MMT_FIELD_PFN };
	struct mmt_buf b = { 0 };
	struct mmt_blk blk = { 0, 1000, 1000, 2, 0, 0 };
	struct mmt_event out[2];
	struct mmt_header h;
	struct mmt_ev_limits lim;
	int done = 0;

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	mmt_ev_limits_init(&lim, &h);
	ref_block(&b, kinds, entry);
	blk.raw_len = (uint32_t)b.len;
	assert_int_equal(mmt_block_decode(b.p, &blk, 3, &lim, out), rc);
	if (!rc)
		assert_int_equal(out[kinds[0] == MMT_EV_PAGE_ALLOC ? 0 : 1].pfn, pfn);
	struct mmt_block_cur *c = mmt_block_cur_new(b.p, &blk, 3, &lim, 0, 0,
						    by_kind);
	assert_non_null(c);
	int64_t k = mmt_block_cur_next(c, out, &done);
	assert_int_equal(k, rc ? -1 : 1);
	if (!rc)
		assert_int_equal(out[0].pfn, pfn);
	mmt_block_cur_free(c);
	/* layout 2 reads the same bytes as a plain delta */
	assert_int_equal(mmt_block_decode(b.p, &blk, 2, &lim, out), 0);
	mmt_buf_free(&b);
	mmt_header_free(&h);
}

/* Layout 3's pfn references name an earlier event of the block only: one
 * to a free that comes after the allocation, past the frees there were,
 * a wide delta the column lacks, or of the reserved form is a corrupt
 * block, also when only the allocation is decoded. */
static void test_pfn_references(void **state)
{
	(void)state;
	const uint8_t free_first[2] = { MMT_EV_PAGE_FREE, MMT_EV_PAGE_ALLOC };
	const uint8_t alloc_first[2] = { MMT_EV_PAGE_ALLOC, MMT_EV_PAGE_FREE };

	check_ref_block(free_first, 0 << 2 | 1, 0, 7);	/* free 0: pfn 7 */
	check_ref_block(free_first, 6 << 2 | 0, 0, 3);	/* delta +3 */
	check_ref_block(free_first, 0 << 2 | 3, -1, 0);	/* wide: no delta after */
	check_ref_block(alloc_first, 0 << 2 | 1, -1, 0);	/* a later free */
	check_ref_block(free_first, 2 << 2 | 1, -1, 0);	/* free 1 of 1 */
	check_ref_block(free_first, 1 << 2 | 1, -1, 0);	/* free -1 */
	check_ref_block(free_first, 0 << 2 | 2, -1, 0);	/* no refill */
	check_ref_block(free_first, 1 << 2 | 3, -1, 0);	/* reserved */
}

/* 64 frees of pfn 2^64 - 1, the replay hash map's old empty-slot marker
 * (its length underflowed and the table doubled at every insert: 1.6 GB
 * from 64 events).  A pfn of MMT_NO_PFN is a value real traces hold
 * (a failed allocation): the trace is fine, the replay finishes. */
static void test_free_no_pfn(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_event e[64];
	struct lim_run info, replay;

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	for (int i = 0; i < 64; i++)
		e[i] = (struct mmt_event){ .ts = 1000000 + (uint64_t)i,
			.kind = MMT_EV_PAGE_FREE, .pfn = MMT_NO_PFN,
			.order = (uint32_t)(i % 4) };
	const char *p = write_trace("nopfn.mmt", &h, e, 64, NULL);
	run_all(p, &info, 1, &replay);
	assert_int_equal(info.status, 0);
	mmt_header_free(&h);
}

/* Header values that were shifts and overflows in replay's setup:
 * pageblock_order 200, a migratetype of INT_MAX.  The header is
 * malformed: open fails naming the field. */
static void test_header_values(void **state)
{
	(void)state;
	struct mmt_header h;
	struct lim_run info, replay;
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	h.pageblock_order = 200;
	const char *p = write_trace("pbo.mmt", &h, NULL, 0, NULL);
	assert_null(mmt_reader_open(p, err, sizeof(err)));
	assert_names(err, p, "offset 16", "pageblock_order: 200");
	run_all(p, &info, 0, &replay);
	assert_int_equal(info.status, 3);	/* not a readable trace */
	assert_names(info.err, p, "offset 16", "pageblock_order: 200");
	assert_names(replay.err, p, "offset 16", "pageblock_order: 200");
	h.pageblock_order = 9;

	h.migratetypes[1].value = INT32_MAX;
	p = write_trace("mt.mmt", &h, NULL, 0, NULL);
	assert_null(mmt_reader_open(p, err, sizeof(err)));
	assert_names(err, p, "offset 16", "migratetype 1: value: 2147483647");
	run_all(p, &info, 0, &replay);
	assert_names(info.err, p, "offset 16", "migratetype");
	assert_names(replay.err, p, "offset 16", "migratetype");
	h.migratetypes[1].value = 1;

	/* an object no slab holds: rounded up in 32 bits it was 0, a
	 * division by zero in mmcore's slab geometry (fuzz_replay) */
	assert_true(h.nr_slab_caches > 0);
	uint32_t size = h.slab_caches[0].object_size;
	h.slab_caches[0].object_size = UINT32_MAX - 6;
	p = write_trace("slab.mmt", &h, NULL, 0, NULL);
	assert_null(mmt_reader_open(p, err, sizeof(err)));
	assert_names(err, p, "offset 16",
		     "slab cache 0: object_size: 4294967289 out of range");
	run_all(p, &info, 0, &replay);
	assert_names(replay.err, p, "offset 16", "object_size");
	h.slab_caches[0].object_size = size;
	mmt_header_free(&h);
}

/* A trace whose end snapshot is malformed: the start snapshot still
 * reads, the end one is named as damaged with `what`. */
static void expect_bad_end(const char *name, struct mmt_header *h,
			   struct mmt_snapshot *end, const char *what)
{
	char err[256];
	const char *p = write_trace(name, h, NULL, 0, end);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));

	assert_non_null(r);
	assert_non_null(mmt_reader_snapshot(r, 0));
	assert_null(mmt_reader_snapshot(r, 1));
	assert_names(mmt_reader_error(r), p, "offset ", what);
	mmt_reader_close(r);
	mmt_snapshot_free(end);
	mmt_header_free(h);
}

/* An end snapshot with a free block of order 64 (a shift in mirror):
 * the snapshot is malformed, named as such. */
static void test_snapshot_order(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_snapshot end;

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	assert_int_equal(mmt_synth_snapshot(&end, &h), 0);
	end.free_blocks[0].order = 64;
	end.free_blocks[0].pfn = 0;
	expect_bad_end("snaporder.mmt", &h, &end,
		       "end snapshot: free block 0: order: 64");
}

/* A free list place past the number of free blocks: the snapshot is
 * malformed, named with the block. */
static void test_snapshot_places(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_snapshot end;

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	assert_int_equal(mmt_synth_snapshot(&end, &h), 0);
	end.flags |= MMT_SNAP_FREE_POS;
	end.free_blocks[1].pos = (uint32_t)end.nr_free_blocks;
	expect_bad_end("snapplaces.mmt", &h, &end,
		       "end snapshot: free block 1: list place: ");
}

/* A header section by hand: the header encoded with its last list (the
 * notes) replaced by `n` entries of two empty strings (2 bytes each,
 * 128 each decoded), zstd at level 19 (a ratio in the tens of
 * thousands). */
static const char *kv_bomb(const char *name, uint64_t n)
{
	struct mmt_header h;
	struct mmt_buf b = { 0 };
	struct mmt_sec_hdr sh = { 0 };
	uint8_t pre[MMT_PREAMBLE_LEN] = "MMTRACE", hb[MMT_SEC_HDR_LEN];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	h.nr_notes = 0;
	mmt_header_encode(&b, &h);
	b.len--;			/* the notes count, 0 */
	mmt_buf_uv(&b, n);
	for (uint64_t i = 0; i < n; i++)
		mmt_buf_put(&b, "\0\0", 2);
	assert_false(b.oom);
	size_t cap = ZSTD_compressBound(b.len);
	uint8_t *z = malloc(cap);
	size_t zn = ZSTD_compress(z, cap, b.p, b.len, 19);
	assert_false(ZSTD_isError(zn));
	mmt_put_le16(pre + 8, MMT_FORMAT_VERSION);
	mmt_put_le16(pre + 10, MMT_MINOR_VERSION);
	sh.kind = MMT_SEC_HEADER;
	sh.flags = MMT_SEC_F_ZSTD;
	sh.comp_len = (uint32_t)zn;
	sh.raw_len = (uint32_t)b.len;
	sh.payload_crc = mmt_crc32c(0, z, zn);
	mmt_sec_hdr_pack(&sh, hb);
	const char *p = tu_path(name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fwrite(pre, 1, sizeof(pre), f);
	fwrite(hb, 1, sizeof(hb), f);
	fwrite(z, 1, zn, f);
	fclose(f);
	free(z);
	mmt_buf_free(&b);
	mmt_header_free(&h);
	return p;
}

/* `info` took 2.1 GB for a 1,124-byte file: 16 million 2-byte kv entries
 * behind a 30,000:1 zstd frame.  Now: more entries than a list may hold
 * is malformed, and what a list may hold is bounded by the file's size. */
static void test_kv_bomb(void **state)
{
	(void)state;
	struct lim_run info, replay;
	char err[256];
	const char *p = kv_bomb("bomb.mmt", 16u << 20);

	assert_true(tu_file_size(p) < 8192);
	assert_null(mmt_reader_open(p, err, sizeof(err)));
	assert_names(err, p, "offset 16", "note");
	run_all(p, &info, 0, &replay);
	assert_names(info.err, p, "offset 16", "note");

	/* as many as a list may hold: decodes, in bounded memory */
	p = kv_bomb("bomb-max.mmt", MMT_MAX_KV);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(mmt_reader_header(r)->nr_notes, MMT_MAX_KV);
	mmt_reader_close(r);
	run_all(p, &info, -1, &replay);	/* no snapshot, no events */
}

/* The budget: a file of this size may decode to MMT_MEM_BASE + 64 bytes
 * a byte; a header whose arrays need more is malformed, and says so. */
static void test_budget(void **state)
{
	(void)state;
	struct mmt_header h;
	struct mmt_buf b = { 0 };
	uint64_t budget = 1000;

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	mmt_header_encode(&b, &h);
	struct mmt_cur c = { b.p, b.p + b.len, 0, &budget };
	struct mmt_header g;
	assert_int_equal(mmt_header_decode(&c, &g), -1);
	assert_non_null(strstr(c.why, "more than a file of this size may take"));
	budget = UINT64_MAX;
	c = (struct mmt_cur){ b.p, b.p + b.len, 0, &budget };
	assert_int_equal(mmt_header_decode(&c, &g), 0);
	assert_true(budget < UINT64_MAX);
	assert_string_equal(g.machine, "x86_64");
	mmt_header_free(&g);
	mmt_buf_free(&b);
	mmt_header_free(&h);
}

static int has_raw_escape(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == 0x1b || s[i] == 0x07 || (unsigned char)s[i] == 0x9b)
			return 1;
	return 0;
}

/* Header strings with terminal escape sequences (clear screen, window
 * title, colours, CSI): info, info --json and dump escape them. */
static void test_escapes(void **state)
{
	(void)state;
	struct mmt_header h;
	struct lim_run r;
	char a0[] = "mmtrace", c_info[] = "info", c_dump[] = "dump",
	     json[] = "--json", p[512];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	snprintf(h.release, sizeof(h.release), "6.18\033[2J\033]0;owned\007");
	snprintf(h.machine, sizeof(h.machine), "x\233" "1m");
	snprintf(h.zones[2].name, sizeof(h.zones[2].name), "Nor\033[31mmal");
	snprintf(h.notes[0].value, sizeof(h.notes[0].value), "a\r\033[1Ab");
	snprintf(h.slab_caches[1].name, sizeof(h.slab_caches[1].name),
		 "kmalloc\033[8m");
	snprintf(h.migratetypes[1].name, sizeof(h.migratetypes[1].name),
		 "MIGRATE_MOV\033[5m");
	snprintf(h.gfp_bits[3].name, sizeof(h.gfp_bits[3].name),
		 "__GFP_MOV\033[7m");
	struct mmt_event e[2] = {
		{ .ts = 5000000, .kind = MMT_EV_KMEM_CACHE_ALLOC, .cache = 1,
		  .pfn = 0x100010, .bytes_req = 64, .bytes_alloc = 64 },
		{ .ts = 5000001, .kind = MMT_EV_PAGE_ALLOC, .pfn = 0x100020,
		  .mt = 1, .gfp = 1u << 3 },
	};
	snprintf(p, sizeof(p), "%s", write_trace("esc.mmt", &h, e, 2, NULL));
	char *av1[] = { a0, c_info, p, NULL };
	lim_run(tu_dir, av1, &r);
	assert_int_equal(r.status, 0);
	assert_false(has_raw_escape(r.out, strlen(r.out)));
	assert_non_null(strstr(r.out, "6.18\\x1b[2J\\x1b]0;owned\\x07"));
	assert_non_null(strstr(r.out, "Nor\\x1b[31mmal"));
	char *av2[] = { a0, c_info, json, p, NULL };
	lim_run(tu_dir, av2, &r);
	assert_int_equal(r.status, 0);
	assert_false(has_raw_escape(r.out, strlen(r.out)));
	assert_non_null(strstr(r.out, "\\u001b[2J"));
	assert_non_null(strstr(r.out, "x\\u009b1m"));
	char *av3[] = { a0, c_dump, p, NULL };
	lim_run(tu_dir, av3, &r);
	assert_int_equal(r.status, 0);
	assert_true(r.out_len > 10000);
	assert_false(has_raw_escape(r.out, strlen(r.out)));
	assert_non_null(strstr(r.out, "cache=kmalloc\\x1b[8m"));
	assert_non_null(strstr(r.out, "mt=Mov\\x1b[5m"));
	assert_non_null(strstr(r.out, "__GFP_MOV\\x1b[7m"));
	mmt_header_free(&h);
}

/* Values a real trace may hold but no sane one does, for replay: a zone
 * just below the pfn limit (mirror's free-page bitmap from pfn 0 would be
 * a petabit), a host larger than the machine (refused, not OOM-killed),
 * an event 146 years in (the time series refuses 10 ms samples). */
static void test_replay_extremes(void **state)
{
	(void)state;
	struct mmt_zone_info z[3];
	struct mmt_header h;
	struct lim_run r;
	char a0[] = "mmtrace", c_replay[] = "replay", m[] = "-m",
	     mirror[] = "mirror", o[] = "-o", q[] = "-q", sms[] = "--sample-ms",
	     ten[] = "10", force[] = "--force", p[512], dir[512];

	/* the snapshots of an ordinary host: their runs end below the
	 * strange zones, which are then as large as the header says */
	struct mmt_header small;
	struct mmt_snapshot s;
	char err[256];
	assert_int_equal(mmt_synth_header(&small, NULL, 0, 2), 0);
	assert_int_equal(mmt_synth_snapshot(&s, &small), 0);

	snprintf(dir, sizeof(dir), "%s/run-x", tu_dir);
	mmt_synth_default_zones(z, 1u << 16);
	z[2].start_pfn = MMT_MAX_PFN - (1u << 17);
	assert_int_equal(mmt_synth_header(&h, z, 3, 2), 0);
	snprintf(p, sizeof(p), "%s", tu_path("far.mmt"));
	struct mmt_writer *w = mmt_writer_open(p, 1, &h, &s, err, sizeof(err));
	assert_non_null(w);
	struct mmt_event fe = { .ts = 1000, .kind = MMT_EV_PAGE_ALLOC,
				.pfn = z[2].start_pfn + 4096 };
	assert_int_equal(mmt_writer_add(w, &fe), 0);
	assert_int_equal(mmt_writer_close(w, &s), 0);
	/* one run folder for all: --force writes into it again */
	char *av[] = { a0, c_replay, p, m, mirror, q, force, o, dir, NULL };
	lim_run(tu_dir, av, &r);
	assert_true(lim_within(&r));
	assert_int_equal(r.status, 0);
	mmt_header_free(&h);

	/* 2^31 pages (8 TiB) in one zone: more than MMTRACE_MAX_MODEL_MB */
	mmt_synth_default_zones(z, 1u << 16);
	z[2].spanned = z[2].present = z[2].managed = 1ull << 31;
	assert_int_equal(mmt_synth_header(&h, z, 3, 2), 0);
	snprintf(p, sizeof(p), "%s", tu_path("huge.mmt"));
	w = mmt_writer_open(p, 1, &h, NULL, err, sizeof(err));
	assert_non_null(w);
	fe.pfn = z[2].start_pfn + 4096;	/* an event: a trace with none is refused first */
	assert_int_equal(mmt_writer_add(w, &fe), 0);
	assert_int_equal(mmt_writer_close(w, &s), 0);
	/* policy: mirror refuses a trace without a start snapshot first */
	char policy[] = "policy";
	char *avp[] = { a0, c_replay, p, m, policy, q, force, o, dir, NULL };
	setenv("MMTRACE_MAX_MODEL_MB", "256", 1);
	lim_run(tu_dir, avp, &r);
	unsetenv("MMTRACE_MAX_MODEL_MB");
	assert_true(lim_within(&r));
	assert_int_equal(r.status, 1);
	assert_names(r.err, p, "needs about", "MMTRACE_MAX_MODEL_MB");
	mmt_snapshot_free(&s);
	mmt_header_free(&small);
	mmt_header_free(&h);

	/* an event at the time limit: 10 ms samples would be 4.6e14 rows */
	struct mmt_event e = { .ts = MMT_MAX_TS, .kind = MMT_EV_LOST, .arg = 1 };
	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	snprintf(p, sizeof(p), "%s", write_trace("late.mmt", &h, &e, 1, NULL));
	char *av2[] = { a0, c_replay, p, q, sms, ten, force, o, dir, NULL };
	lim_run(tu_dir, av2, &r);
	assert_true(lim_within(&r));
	assert_int_equal(r.status, 2);
	assert_names(r.err, "--sample-ms", "samples", NULL);
	char *av3[] = { a0, c_replay, p, q, force, o, dir, NULL };
	lim_run(tu_dir, av3, &r);	/* the default: 200 samples */
	assert_true(lim_within(&r));
	assert_int_equal(r.status, 0);
	mmt_header_free(&h);
}

/* Policy replay's demand paths (traces with causes and file ids): a file
 * read of pages 2^64-2 .. 2^64-1 (its loop wrapped past the last index
 * and ran 2^64 steps) and compaction isolations and migrations naming pfns
 * outside every zone (each grew the pfn hash by up to 1024 entries: 20,000
 * of them, a few KB compressed, took gigabytes).  Both finish, within the
 * limits; the strange pfns are counted in summary.json. */
static void test_demand_extremes(void **state)
{
	(void)state;
	enum { NISO = 20000 };
	struct mmt_header h;
	struct mmt_event *e = calloc(NISO + 3, sizeof(*e));
	struct lim_run info, replay;
	size_t n = 0;

	assert_non_null(e);
	assert_int_equal(mmt_synth_header(&h, NULL, 0, 2), 0);
	h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	e[n++] = (struct mmt_event){ .ts = 1000000, .kind = MMT_EV_FILEMAP_ADD,
		.pfn = h.zones[h.nr_zones - 1].start_pfn + 100, .offset = 8,
		.arg = 7, .addr = 0 };
	e[n++] = (struct mmt_event){ .ts = 1000001, .kind = MMT_EV_FILE_READ,
		.offset = 8, .arg = 7, .addr = UINT64_MAX - 1,
		.arg2 = UINT64_MAX };
	e[n++] = (struct mmt_event){ .ts = 1000002, .kind = MMT_EV_MIGRATE,
		.pfn = 1ull << 50, .addr = (1ull << 50) + 4096, .order = 9 };
	for (int i = 0; i < NISO; i++)
		e[n++] = (struct mmt_event){ .ts = 1000003 + (uint64_t)i,
			.kind = MMT_EV_COMPACT_ISOLATE,
			.pfn = (1ull << 40) + ((uint64_t)i << 10), .order = 10 };
	const char *p = write_trace("demand.mmt", &h, e, n, NULL);
	run_all(p, &info, 1, &replay);
	assert_int_equal(info.status, 0);

	char a0[] = "mmtrace", c_replay[] = "replay", q[] = "-q", o[] = "-o",
	     path[600], dir[512];
	snprintf(path, sizeof(path), "%s", p);
	snprintf(dir, sizeof(dir), "%s/run-demand", tu_dir);
	char *av[] = { a0, c_replay, path, q, o, dir, NULL };
	lim_run(tu_dir, av, &replay);
	assert_true(lim_within(&replay));
	assert_int_equal(replay.status, 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	static char json[1 << 16];
	lim_slurp(path, json, sizeof(json), NULL);
	char want[64];
	snprintf(want, sizeof(want), "\"events_outside_zones\": %d", NISO + 1);
	if (!strstr(json, want))
		fprintf(stderr, "want %s in summary.json\n", want);
	assert_non_null(strstr(json, want));
	free(e);
	mmt_header_free(&h);
}

int main(void)
{
	(void)tu_write;		/* trace_util.h's; this suite writes its own */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ts_max),
		cmocka_unit_test(test_ts_outside_block),
		cmocka_unit_test(test_free_no_pfn),
		cmocka_unit_test(test_header_values),
		cmocka_unit_test(test_snapshot_order),
		cmocka_unit_test(test_snapshot_places),
		cmocka_unit_test(test_kv_bomb),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_replay_extremes),
		cmocka_unit_test(test_demand_extremes),
		cmocka_unit_test(test_pfn_references),
	};
	return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
