/* SPDX-License-Identifier: MIT */
/*
 * Where a trace's bytes go:
 *   build/bench/trace_bytes [-o OUT] FILE
 * re-encodes every event block of FILE with this build's block encoder
 * (traces/block.c) and prints, per event kind, the column-coded (raw)
 * and zstd bytes an event of each of its columns, each column compressed
 * alone at the writer's level (zstd also matches across the columns of a
 * block, so the whole block is a little smaller than their sum: both
 * totals are shown, beside the blocks as FILE stores them).  With -o the
 * trace is also written to OUT in this build's format, block for block
 * (same events, snapshots and names): how the samples of traces/samples/
 * moved to a new block layout.  Not part of `make test`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "mmtrace/trace.h"
#include "../traces/codec.h"

#define NCOL 17		/* the 16 fields of FORMAT.md, then ts */
#define LEVEL 3		/* the writer's default */

static const char *const col_name[NCOL] = {
	"cpu", "pid", "pfn", "addr", "site", "gfp", "order", "mt", "mt2",
	"node", "offset", "cache", "bytes_req", "bytes_alloc", "arg", "arg2",
	"ts",
};

struct tally {
	double raw[256][NCOL], zst[256][NCOL];
	uint64_t events[256];
	double kinds, sites;		/* zstd bytes of those columns */
	double whole, stored;		/* re-encoded blocks, FILE's blocks */
	uint64_t total;
};

struct zbuf {
	ZSTD_CCtx *cctx;
	void *out;
	size_t cap;
};

static size_t zsize(struct zbuf *z, const void *p, size_t n)
{
	size_t bound = ZSTD_compressBound(n), r;

	if (bound > z->cap) {
		free(z->out);
		z->cap = 0;
		if (!(z->out = malloc(bound)))
			return 0;
		z->cap = bound;
	}
	r = ZSTD_compressCCtx(z->cctx, z->out, z->cap, p, n, LEVEL);
	return ZSTD_isError(r) ? 0 : r;
}

static uint64_t get_uv(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;

	for (int sh = 0; *p < end && sh < 64; sh += 7) {
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << sh;
		if (b < 0x80)
			break;
	}
	return v;
}

/* Splits one raw block payload (FORMAT.md "EVENTS payload") into its
 * columns and charges each to its kind.  0, or -1 if it does not parse
 * (it was just encoded: a bug). */
static int tally_block(struct tally *t, struct zbuf *z, const uint8_t *p,
		       size_t len)
{
	const uint8_t *end = p + len;
	uint64_t n = get_uv(&p, end), nk, nsites;
	unsigned kind[256], mask[256];
	uint64_t clen[256][NCOL];

	(void)get_uv(&p, end);			/* base ts */
	nk = get_uv(&p, end);
	if (nk > 256)
		return -1;
	for (unsigned j = 0; j < nk; j++) {
		kind[j] = (unsigned)get_uv(&p, end) & 0xff;
		mask[j] = (unsigned)get_uv(&p, end);
	}
	for (unsigned j = 0; j < nk; j++) {
		clen[j][NCOL - 1] = get_uv(&p, end);
		for (int f = 0; f < NCOL - 1; f++)
			clen[j][f] = mask[j] & (1u << f) ? get_uv(&p, end) : 0;
	}
	nsites = get_uv(&p, end);
	if ((size_t)(end - p) < n)
		return -1;
	t->kinds += (double)zsize(z, p, n);
	p += n;
	for (unsigned j = 0; j < nk; j++)
		for (int c = -1; c < NCOL - 1; c++) {	/* ts first */
			int f = c < 0 ? NCOL - 1 : c;

			if (c >= 0 && !(mask[j] & (1u << f)))
				continue;
			if ((uint64_t)(end - p) < clen[j][f])
				return -1;
			t->raw[kind[j]][f] += (double)clen[j][f];
			t->zst[kind[j]][f] += (double)zsize(z, p, clen[j][f]);
			p += clen[j][f];
		}
	if ((uint64_t)(end - p) != nsites * 8)
		return -1;
	t->sites += (double)zsize(z, p, nsites * 8);
	return 0;
}

static void print_tally(const struct tally *t)
{
	double cols = t->kinds + t->sites, per = t->total ? (double)t->total : 1;

	for (int k = 0; k < 256; k++)
		for (int f = 0; f < NCOL; f++)
			cols += t->zst[k][f];
	printf("%llu events: blocks as stored %.3f bytes/event, re-encoded "
	       "%.3f (zstd %d), columns each compressed alone %.3f (kinds "
	       "column %.3f, site tables %.3f)\n",
	       (unsigned long long)t->total, t->stored / per, t->whole / per,
	       LEVEL, cols / per, t->kinds / per, t->sites / per);
	printf("%-22s %9s %7s %7s %7s  %s\n", "kind", "events", "raw/ev",
	       "zst/ev", "MB", "column: zstd/ev (raw/ev)");
	for (int k = 0; k < 256; k++) {
		double raw = 0, zst = 0, ev = (double)t->events[k];

		if (!t->events[k])
			continue;
		for (int f = 0; f < NCOL; f++) {
			raw += t->raw[k][f];
			zst += t->zst[k][f];
		}
		printf("%-22s %9llu %7.2f %7.3f %7.2f ", mmt_event_kind_name((unsigned)k),
		       (unsigned long long)t->events[k], raw / ev, zst / ev, zst / 1e6);
		for (int f = 0; f < NCOL; f++)
			if (t->raw[k][f] > 0)
				printf(" %s %.2f(%.2f)", col_name[f],
				       t->zst[k][f] / ev, t->raw[k][f] / ev);
		printf("\n");
	}
}

/* A writer for OUT with FILE's header, snapshots and names; blocks end
 * where FILE's end (the caller flushes). */
static struct mmt_writer *open_copy(struct mmt_reader *r, const char *out)
{
	const struct mmt_names *nm = mmt_reader_names(r);
	char err[512];
	struct mmt_writer *w = mmt_writer_open(out, 1, mmt_reader_header(r),
					       mmt_reader_snapshot(r, 0),
					       err, sizeof(err));

	if (!w) {
		fprintf(stderr, "trace_bytes: %s\n", err);
		return NULL;
	}
	mmt_writer_set_block_events(w, 1u << 20);
	mmt_writer_set_flush_ns(w, 0);
	for (uint64_t i = 0; nm && i < nm->nr_syms; i++)
		mmt_writer_add_sym(w, nm->syms[i].site, nm->syms[i].name);
	for (uint64_t i = 0; nm && i < nm->nr_comms; i++)
		mmt_writer_add_comm(w, nm->comms[i].pid, nm->comms[i].ts,
				    nm->comms[i].comm);
	return w;
}

static int copy_block(struct mmt_writer *w, const struct mmt_event *ev,
		      int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		if (mmt_writer_add(w, &ev[i]))
			return -1;
	return mmt_writer_flush(w);
}

int main(int argc, char **argv)
{
	const char *out = NULL, *in;
	struct mmt_writer *w = NULL;
	struct zbuf z = { ZSTD_createCCtx(), NULL, 0 };
	struct tally *t = calloc(1, sizeof(*t));
	struct mmt_block_dec *d = mmt_block_dec_new();
	struct mmt_buf b = { 0 };
	char err[512];
	int rc = 0;

	if (argc == 4 && !strcmp(argv[1], "-o"))
		out = argv[2];
	else if (argc != 2) {
		fprintf(stderr, "usage: trace_bytes [-o OUT] FILE\n");
		return 2;
	}
	in = argv[argc - 1];
	struct mmt_reader *r = mmt_reader_open(in, err, sizeof(err));
	if (!r || !t || !d || !z.cctx) {
		fprintf(stderr, "trace_bytes: %s\n", r ? "out of memory" : err);
		return 1;
	}
	if (out && !(w = open_copy(r, out)))
		return 1;
	for (uint64_t i = 0; i < mmt_reader_nr_blocks(r) && !rc; i++) {
		const struct mmt_event *ev;
		struct mmt_block_info bi;
		int64_t n = mmt_reader_decode_block(r, i, d, &ev);

		if (n < 0 || mmt_reader_block_info(r, i, &bi)) {
			fprintf(stderr, "trace_bytes: %s: block %llu: %s\n", in,
				(unsigned long long)i, mmt_block_dec_error(d));
			rc = 1;
			break;
		}
		t->stored += bi.comp_bytes;
		t->total += (uint64_t)n;
		for (int64_t j = 0; j < n; j++)
			t->events[ev[j].kind & 0xff]++;
		b.len = 0;
		mmt_block_encode(&b, ev, (size_t)n);
		t->whole += (double)zsize(&z, b.p, b.len);
		if (b.oom || tally_block(t, &z, b.p, b.len)) {
			fprintf(stderr, "trace_bytes: block %llu: cannot re-encode\n",
				(unsigned long long)i);
			rc = 1;
		}
		if (w && copy_block(w, ev, n)) {
			fprintf(stderr, "trace_bytes: %s: %s\n", out, mmt_writer_error(w));
			rc = 1;
		}
	}
	if (w && mmt_writer_close_err(w, mmt_reader_snapshot(r, 1), err, sizeof(err))) {
		fprintf(stderr, "trace_bytes: %s\n", err);
		rc = 1;
	}
	if (!rc)
		print_tally(t);
	mmt_buf_free(&b);
	mmt_block_dec_free(d);
	mmt_reader_close(r);
	ZSTD_freeCCtx(z.cctx);
	free(z.out);
	free(t);
	return rc;
}
