/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the payload decoders below the checksum.  A file's
 * sections are protected by crc32c, which stops a mutating fuzzer long
 * before it reaches the decoders; so this feeds raw (decompressed)
 * payloads to them directly.  The first input byte picks the decoder:
 *   0 header, 1 snapshot, 2 index, 3 event block (full decode),
 *   4 event block through the chunk cursor with a per-kind selection;
 * for event blocks the next bytes give the layout and the event count.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"
#include "cpu.h"
#include "mmtrace/synth.h"

static struct mmt_header hdr;	/* limits for snapshots and events */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mmt_synth_header(&hdr, NULL, 0, 4))
		abort();
	return 0;
}

static uint64_t sink;

static void header(const uint8_t *p, size_t n)
{
	struct mmt_cur c = { p, p + n, 0 };
	struct mmt_header h;

	if (mmt_header_decode(&c, &h) == 0) {
		sink += h.nr_zones + h.nr_cpus;
		mmt_header_free(&h);
	}
}

static void snapshot(const uint8_t *p, size_t n)
{
	struct mmt_cur c = { p, p + n, 0 };
	struct mmt_snapshot s;

	if (mmt_snapshot_decode(&c, &s, &hdr) == 0) {
		sink += s.nr_runs + s.nr_free_blocks;
		mmt_snapshot_free(&s);
	}
}

static void index_(const uint8_t *p, size_t n)
{
	struct mmt_cur c = { p, p + n, 0 };
	uint64_t snap[2], nb;
	struct mmt_blk *b;

	/* a file of 1 MiB with its data from offset 100 on */
	if (mmt_index_decode(&c, 100, 1 << 20, snap, &b, &nb) == 0) {
		sink += nb ? b[nb - 1].max_ts : 0;
		free(b);
	}
}

/* Event block payloads: byte 0 the layout, 1..4 the event count, 5 the
 * selection; the block's times are [0, 2^20] (some events fall out). */
static void block(const uint8_t *p, size_t n, int cursor)
{
	static struct mmt_ev_limits lim;
	static int have_lim;
	uint32_t by_kind[64];
	struct mmt_event *out;
	struct mmt_blk b = { 0 };
	int layout;

	if (n < 6)
		return;
	if (!have_lim) {
		mmt_ev_limits_init(&lim, &hdr);
		have_lim = 1;
	}
	layout = p[0] % 5 - 1;		/* -1 (minor 0: try 1, then 0), 0..3 */
	for (int k = 0; k < 64; k++)	/* a selection as replay asks */
		by_kind[k] = p[5] & (1u << (k % 8)) ? 0xffffu >> (k % 16) :
			     (k & 1 ? MMT_FIELD_KIND_ONLY : 0);
	b.raw_len = (uint32_t)(n - 6);
	/* the reader: nr_events <= raw_len */
	b.nr_events = mmt_le32(p + 1) % (b.raw_len + 1);
	b.max_ts = 1u << 20;
	p += 6;
	n -= 6;
	/* the decoder reads up to MMT_BLOCK_PAD bytes past the payload */
	uint8_t *raw = malloc(n + MMT_BLOCK_PAD);
	out = malloc((b.nr_events ? b.nr_events : 1) * sizeof(*out));
	if (!raw || !out)
		abort();
	memcpy(raw, p, n);
	memset(raw + n, 0, MMT_BLOCK_PAD);
	if (!cursor) {
		if (mmt_block_decode(raw, &b, layout, &lim, out) == 0 &&
		    b.nr_events)
			sink += out[b.nr_events - 1].ts;
	} else {
		struct mmt_block_cur *c = mmt_block_cur_new(raw, &b, layout,
							    &lim, 0, 0, by_kind);
		struct mmt_event chunk[MMT_BLOCK_CHUNK];
		int done = 0;

		while (c && !done && mmt_block_cur_next(c, chunk, &done) >= 0)
			sink += chunk[0].ts;
		if (c)
			sink += strlen(mmt_block_cur_why(c));
		mmt_block_cur_free(c);
	}
	free(raw);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double t0 = fuzz_cpu_now();

	if (!size)
		return 0;
	switch (data[0] % 5) {
	case 0:
		header(data + 1, size - 1);
		break;
	case 1:
		snapshot(data + 1, size - 1);
		break;
	case 2:
		index_(data + 1, size - 1);
		break;
	case 3:
		block(data + 1, size - 1, 0);
		break;
	default:
		block(data + 1, size - 1, 1);
		break;
	}
	fuzz_cpu_check(t0);
	return 0;
}
