/* SPDX-License-Identifier: MIT */
/*
 * Trace reader.  Opens with the footer's block index when the file is
 * whole; otherwise walks the sections front to back, past damaged section
 * headers, to the first cut one, so a truncated file (power loss, SIGKILL,
 * full disk) still gives every whole block.  Damage is noted, never taken
 * for absence or a truncation (FORMAT.md, "Reading a damaged file").  Iteration decodes a block a chunk of
 * events at a time into a small window, so the events reach the caller
 * while they are still in the cache (a whole block of struct mmt_event is
 * megabytes); mmt_reader_decode_block() decodes any whole block with
 * caller-owned scratch, so threads can decode in parallel (pread, no
 * shared mutable state).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include "codec.h"

struct mmt_block_dec {
	uint8_t *comp, *raw;
	size_t comp_cap, raw_cap;
	struct mmt_event *ev;
	size_t ev_cap;
	ZSTD_DCtx *dctx;
	struct mmt_block_cur *spare;	/* a cursor done with: its allocations
					 * serve the next block */
	char err[320];
};

/* Damage lines kept for mmt_reader_damage_msg(); the count goes on. */
#define DAMAGE_KEPT 16

struct mmt_reader {
	int fd;
	int layout;			/* block layout = minor; -1 = 0 or 1 (minor 0) */
	char *path;
	uint64_t size;
	struct mmt_header hdr;
	struct mmt_ev_limits lim;	/* what events may hold, from hdr */
	uint64_t budget;		/* what decoding may still allocate
					 * (MMT_MEM_BASE + MMT_MEM_PER_BYTE
					 * per file byte) */

	struct mmt_blk *blocks;
	uint64_t nblocks, cap_blocks, nr_events;
	uint64_t snap_off[2];		/* 0 = absent */
	int snap_state[2];		/* 0 not loaded, 1 ok, -1 failed */
	struct mmt_snapshot snap[2];

	uint64_t *names_off;		/* NAMES sections */
	uint64_t nnames, cap_names;
	int names_state;		/* 0 not loaded, 1 ok, -1 failed */
	struct mmt_names names;

	char stop[320];			/* truncation note, "" when whole */
	char scan_err[320];		/* damaged section met while scanning */
	uint64_t scan_err_block;	/* blocks before it */
	uint64_t bad_hdr_first, bad_hdr_last;	/* damaged section headers met
						 * while scanning, 0 none */
	char snap_err[2][320];		/* why a snapshot is damaged */
	char err[320];

	/* damage (FORMAT.md, "Reading a damaged file") */
	int skip_damaged;
	uint64_t nr_damage, events_lost, bytes_unknown;
	char damage[DAMAGE_KEPT][320];
	uint8_t *damaged;		/* [nblocks]: block skipped and counted;
					 * allocated at the first */
	uint64_t cur_decoded;		/* events of the current block so far */

	/* iteration: win[wpos, wlen) decoded and not yet returned */
	struct mmt_block_dec *dec;
	struct mmt_block_cur *cur;	/* block being decoded, or NULL */
	struct mmt_event *win;		/* [WIN_CAP], or fewer for a trace of
					 * fewer events; on first use */
	uint32_t wpos, wlen;
	uint64_t next_block;
	int wend;			/* every block decoded */
	int failed;			/* r->err set; no more filling */
	int seeking;
	uint64_t seek_ts;
};

/* Events a batch leaves decoded behind it, for the caller to look ahead
 * at (mmt_reader_next_window); the window holds a chunk or two more. */
#define WIN_AHEAD 32
#define WIN_CAP (2 * MMT_BLOCK_CHUNK + WIN_AHEAD)

static void fmt(char *dst, size_t len, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vsnprintf(dst, len, f, ap);
	va_end(ap);
}

/* One more damaged part: its line is kept when there is room. */
static void note_damage(struct mmt_reader *r, const char *f, ...)
{
	va_list ap;

	if (r->nr_damage < DAMAGE_KEPT) {
		va_start(ap, f);
		vsnprintf(r->damage[r->nr_damage], sizeof(r->damage[0]), f, ap);
		va_end(ap);
	}
	r->nr_damage++;
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	void *q = realloc(*p, need * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = need;
	return 0;
}

/* ---- block scratch -------------------------------------------------------- */

/* A zstd context is ~100 KiB and costs a memset to set up; readers
 * opened one after another (info then dump, each of compare's runs,
 * replay's passes, a fuzzer's inputs) reuse them.  A few spares, each
 * exchanged atomically: any thread may take or give one back. */
#define SPARE_DCTX 4
static _Atomic(ZSTD_DCtx *) spare_dctx[SPARE_DCTX];

static ZSTD_DCtx *dctx_get(void)
{
	for (int i = 0; i < SPARE_DCTX; i++) {
		ZSTD_DCtx *d = atomic_exchange(&spare_dctx[i], NULL);

		if (d)
			return d;
	}
	return ZSTD_createDCtx();
}

static void dctx_put(ZSTD_DCtx *d)
{
	for (int i = 0; d && i < SPARE_DCTX; i++)
		d = atomic_exchange(&spare_dctx[i], d);
	ZSTD_freeDCtx(d);	/* the one left over, if all were taken */
}

struct mmt_block_dec *mmt_block_dec_new(void)
{
	struct mmt_block_dec *d = calloc(1, sizeof(*d));
	if (d && !(d->dctx = dctx_get())) {
		free(d);
		return NULL;
	}
	return d;
}

void mmt_block_dec_free(struct mmt_block_dec *d)
{
	if (!d)
		return;
	dctx_put(d->dctx);
	mmt_block_cur_free(d->spare);
	free(d->comp);
	free(d->raw);
	free(d->ev);
	free(d);
}

const char *mmt_block_dec_error(const struct mmt_block_dec *d)
{
	return d->err;
}

/* Reads and checks the section at `off`: header, bounds, crc, zstd.  The
 * raw payload lands in d->raw (followed by MMT_BLOCK_PAD zero bytes);
 * raw_len must be at most max_raw.  Decompression uses dctx (d's own, or
 * the reader's for its private scratch).  Returns 0 or -1 with d->err
 * set. */
static int load_section(const struct mmt_reader *r, uint64_t off,
			struct mmt_block_dec *d, ZSTD_DCtx *dctx,
			struct mmt_sec_hdr *h, uint64_t max_raw)
{
	uint8_t hb[MMT_SEC_HDR_LEN];

	if (off + MMT_SEC_HDR_LEN > r->size ||
	    pread_all(r->fd, hb, sizeof(hb), off)) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: truncated section",
		    r->path, (unsigned long long)off);
		return -1;
	}
	if (mmt_sec_hdr_unpack(hb, h)) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: corrupt section header",
		    r->path, (unsigned long long)off);
		return -1;
	}
	if (off + MMT_SEC_HDR_LEN + h->comp_len > r->size) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: truncated section",
		    r->path, (unsigned long long)off);
		return -1;
	}
	if (!(h->flags & MMT_SEC_F_ZSTD) && h->raw_len != h->comp_len) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: bad section lengths",
		    r->path, (unsigned long long)off);
		return -1;
	}
	if (h->raw_len > max_raw || h->raw_len > MMT_MAX_SECTION_RAW) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: section of %u bytes "
		    "decoded, more than %llu allowed here (FORMAT.md \"Limits\")",
		    r->path, (unsigned long long)off, h->raw_len,
		    (unsigned long long)(max_raw < MMT_MAX_SECTION_RAW ?
					 max_raw : MMT_MAX_SECTION_RAW));
		return -1;
	}
	if (grow((void **)&d->comp, &d->comp_cap, (size_t)h->comp_len + 1, 1)) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: out of memory",
		    r->path, (unsigned long long)off);
		return -1;
	}
	if (pread_all(r->fd, d->comp, h->comp_len, off + MMT_SEC_HDR_LEN)) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: read error",
		    r->path, (unsigned long long)off);
		return -1;
	}
	if (mmt_crc32c(0, d->comp, h->comp_len) != h->payload_crc) {
		fmt(d->err, sizeof(d->err),
		    "%s: offset %llu: corrupt section (checksum mismatch)",
		    r->path, (unsigned long long)off);
		return -1;
	}
	/* the frame says its size: a lie is found before the allocation */
	if (h->flags & MMT_SEC_F_ZSTD) {
		unsigned long long fs = ZSTD_getFrameContentSize(d->comp, h->comp_len);

		if (fs != ZSTD_CONTENTSIZE_UNKNOWN && fs != h->raw_len) {
			fmt(d->err, sizeof(d->err), "%s: offset %llu: corrupt section "
			    "(zstd frame of %llu bytes, header says %u)", r->path,
			    (unsigned long long)off, fs, h->raw_len);
			return -1;
		}
	}
	if (grow((void **)&d->raw, &d->raw_cap, (size_t)h->raw_len + MMT_BLOCK_PAD, 1)) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: out of memory",
		    r->path, (unsigned long long)off);
		return -1;
	}
	if (h->flags & MMT_SEC_F_ZSTD) {
		size_t n = ZSTD_decompressDCtx(dctx, d->raw, h->raw_len,
					       d->comp, h->comp_len);
		if (ZSTD_isError(n) || n != h->raw_len) {
			fmt(d->err, sizeof(d->err), "%s: offset %llu: corrupt section (zstd: %s)",
			    r->path, (unsigned long long)off,
			    ZSTD_isError(n) ? ZSTD_getErrorName(n) : "wrong size");
			return -1;
		}
	} else {
		memcpy(d->raw, d->comp, h->comp_len);
	}
	memset(d->raw + h->raw_len, 0, MMT_BLOCK_PAD);
	return 0;
}

/* Reads and checks event block i against the index: its raw payload in
 * d->raw.  0, or -1 with d->err set. */
static int load_block(const struct mmt_reader *r, uint64_t i,
		      struct mmt_block_dec *d, struct mmt_sec_hdr *hp)
{
	struct mmt_sec_hdr h;

	if (i >= r->nblocks) {
		fmt(d->err, sizeof(d->err), "%s: no block %llu", r->path,
		    (unsigned long long)i);
		return -1;
	}
	const struct mmt_blk *b = &r->blocks[i];
	char why[160];
	if (mmt_blk_check(b, why, sizeof(why))) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: event block %llu: %s",
		    r->path, (unsigned long long)b->off, (unsigned long long)i, why);
		return -1;
	}
	if (r->layout > MMT_MINOR_VERSION) {
		fmt(d->err, sizeof(d->err),
		    "%s: offset %llu: event block layout %d is newer than this reader's %d",
		    r->path, (unsigned long long)b->off, r->layout, MMT_MINOR_VERSION);
		return -1;
	}
	if (load_section(r, b->off, d, d->dctx, &h, MMT_MAX_BLOCK_RAW))
		return -1;
	if (h.kind != MMT_SEC_EVENTS || h.nr_events != b->nr_events ||
	    h.comp_len != b->comp_len || h.raw_len != b->raw_len ||
	    h.min_ts != b->min_ts || h.max_ts != b->max_ts) {
		fmt(d->err, sizeof(d->err), "%s: offset %llu: event block %llu does not match the index",
		    r->path, (unsigned long long)b->off, (unsigned long long)i);
		return -1;
	}
	*hp = h;
	return 0;
}

/* why: a value out of range (mmt_block_cur_why), or "" */
static void corrupt_block(const struct mmt_reader *r, uint64_t i,
			  const char *why, char *err, size_t errlen)
{
	fmt(err, errlen, "%s: offset %llu: corrupt event block %llu%s%s", r->path,
	    (unsigned long long)r->blocks[i].off, (unsigned long long)i,
	    why[0] ? ": " : "", why);
}

/* Block i, only the kinds and fields asked for (all: UINT64_MAX,
 * UINT32_MAX).  Returns the number of events decoded or -1. */
static int64_t decode_block_sel(const struct mmt_reader *r, uint64_t i,
				struct mmt_block_dec *d, uint64_t kinds,
				uint32_t fields, const struct mmt_event **evs)
{
	struct mmt_sec_hdr h;
	struct mmt_block_cur *c;
	int64_t n = 0, k;
	int done = 0;

	if (load_block(r, i, d, &h))
		return -1;
	if (grow((void **)&d->ev, &d->ev_cap, h.nr_events ? h.nr_events : 1,
		 sizeof(struct mmt_event))) {
		fmt(d->err, sizeof(d->err), "%s: out of memory", r->path);
		return -1;
	}
	c = mmt_block_cur_renew(d->spare, d->raw, &r->blocks[i], r->layout,
				&r->lim, kinds, fields, NULL);
	d->spare = NULL;
	while (c && !done && (k = mmt_block_cur_next(c, d->ev + n, &done)) >= 0)
		n += k;
	if (!c || !done || (kinds == UINT64_MAX && n != h.nr_events)) {
		corrupt_block(r, i, c ? mmt_block_cur_why(c) : "", d->err,
			      sizeof(d->err));
		d->spare = c;
		return -1;
	}
	d->spare = c;
	*evs = d->ev;
	return n;
}

int64_t mmt_reader_decode_block(const struct mmt_reader *r, uint64_t i,
				struct mmt_block_dec *d,
				const struct mmt_event **evs)
{
	return decode_block_sel(r, i, d, UINT64_MAX, UINT32_MAX, evs);
}

/* ---- opening --------------------------------------------------------------- */

static int add_block(struct mmt_reader *r, const struct mmt_blk *b)
{
	if (r->nblocks == r->cap_blocks) {
		uint64_t cap = r->cap_blocks ? r->cap_blocks * 2 : 64;
		struct mmt_blk *p = realloc(r->blocks, cap * sizeof(*p));
		if (!p)
			return -1;
		r->blocks = p;
		r->cap_blocks = cap;
	}
	r->blocks[r->nblocks++] = *b;
	r->nr_events += b->nr_events;
	return 0;
}

static int add_names(struct mmt_reader *r, uint64_t off)
{
	if (r->nnames == r->cap_names) {
		uint64_t cap = r->cap_names ? r->cap_names * 2 : 16;
		uint64_t *p = realloc(r->names_off, cap * sizeof(*p));

		if (!p)
			return -1;
		r->names_off = p;
		r->cap_names = cap;
	}
	r->names_off[r->nnames++] = off;
	return 0;
}

/* The index's list of NAMES sections (appended to the payload by newer
 * writers; absent before): offsets strictly ascending, inside the data. */
static int load_index_names(struct mmt_reader *r, struct mmt_cur *c,
			    uint64_t data_start, uint64_t at)
{
	uint64_t off = 0;

	if (c->p == c->end)
		return 0;
	uint64_t n = mmt_cur_count(c, 1);
	if (c->bad)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t d = mmt_cur_uv(c);

		if (c->bad || (i && !d) || off + d < data_start || off + d >= at)
			return -1;
		off += d;
		if (add_names(r, off))
			return -1;
	}
	return 0;
}

/* The reason part of a "FILE: offset N: reason" message about `off`. */
static const char *reason_of(const struct mmt_reader *r, const char *msg,
			     uint64_t off)
{
	char pre[400];
	int n = snprintf(pre, sizeof(pre), "%s: offset %llu: ", r->path,
			 (unsigned long long)off);

	return n > 0 && !strncmp(msg, pre, (size_t)n) ? msg + n : msg;
}

struct footer {
	uint64_t index_off, nr_blocks, nr_events;
};

/* The last 32 bytes, when their magic and crc check out: 0, else -1. */
static int read_footer(const struct mmt_reader *r, uint64_t data_start,
		       struct footer *fo)
{
	uint8_t f[MMT_FOOTER_LEN];

	if (r->size < data_start + MMT_FOOTER_LEN ||
	    pread_all(r->fd, f, sizeof(f), r->size - MMT_FOOTER_LEN) ||
	    mmt_le32(f + 28) != MMT_FOOTER_MAGIC ||
	    mmt_le32(f + 24) != mmt_crc32c(0, f, 24))
		return -1;
	fo->index_off = mmt_le64(f);
	fo->nr_blocks = mmt_le64(f + 8);
	fo->nr_events = mmt_le64(f + 16);
	return 0;
}

/* The index a sound footer points to; 0 when it checks out, else -1 with
 * why it does not in `why`. */
static int load_index(struct mmt_reader *r, uint64_t data_start,
		      const struct footer *fo, struct mmt_block_dec *d,
		      char *why, size_t whylen)
{
	struct mmt_sec_hdr h;
	uint64_t at = fo->index_off;

	if (at < data_start || at >= r->size - MMT_FOOTER_LEN) {
		fmt(why, whylen, "the footer's index offset is outside the file");
		return -1;
	}
	if (load_section(r, at, d, d->dctx, &h, r->budget)) {
		fmt(why, whylen, "%s", reason_of(r, d->err, at));
		return -1;
	}
	if (h.kind != MMT_SEC_INDEX) {
		fmt(why, whylen, "section kind %u, not an index", h.kind);
		return -1;
	}
	struct mmt_cur c = { d->raw, d->raw + h.raw_len, 0, &r->budget };
	fmt(why, whylen, "its entries do not match the footer or the file");
	if (mmt_index_decode(&c, data_start, at, r->snap_off, &r->blocks,
			     &r->nblocks) || r->nblocks != fo->nr_blocks) {
		if (c.why[0])
			fmt(why, whylen, "%s", c.why);
		return -1;
	}
	r->cap_blocks = r->nblocks;
	for (uint64_t i = 0; i < r->nblocks; i++)
		r->nr_events += r->blocks[i].nr_events;
	if (r->nr_events != fo->nr_events)
		return -1;
	return load_index_names(r, &c, data_start, at);
}

static void set_stop(struct mmt_reader *r, uint64_t off, const char *why)
{
	fmt(r->stop, sizeof(r->stop),
	    "%s: %s at offset %llu: %llu whole blocks (%llu events) readable",
	    r->path, why, (unsigned long long)off,
	    (unsigned long long)r->nblocks, (unsigned long long)r->nr_events);
}

/* After a damaged section header: the first offset in [off, limit) where
 * a section header checks out (magic and crc; the bytes of a zstd payload
 * pass both practically never), or 0 when none does. */
static uint64_t resync(const struct mmt_reader *r, uint64_t off,
		       uint64_t limit)
{
	enum { CHUNK = 1 << 16 };
	/* no more than the bytes left: a small damaged file was read
	 * through a 64 KiB buffer for every bad header */
	size_t cap = off < limit && limit - off < CHUNK + MMT_SEC_HDR_LEN ?
		     (size_t)(limit - off) : CHUNK + MMT_SEC_HDR_LEN;
	uint8_t *buf = off + MMT_SEC_HDR_LEN <= limit ? malloc(cap) : NULL;
	struct mmt_sec_hdr h;
	uint64_t found = 0;

	while (buf && !found && off + MMT_SEC_HDR_LEN <= limit) {
		size_t n = limit - off < CHUNK + MMT_SEC_HDR_LEN ?
			   (size_t)(limit - off) : CHUNK + MMT_SEC_HDR_LEN;
		const uint8_t *p = buf, *end = buf + n - MMT_SEC_HDR_LEN + 1;

		if (pread_all(r->fd, buf, n, off))
			break;
		while (p < end && (p = memmem(p, (size_t)(end - p) + 3, "MMTS", 4)) &&
		       p < end) {
			if (!mmt_sec_hdr_unpack(p, &h)) {
				found = off + (uint64_t)(p - buf);
				break;
			}
			p++;
		}
		off += n - MMT_SEC_HDR_LEN + 1;
	}
	free(buf);
	return found;
}

/* A section header that fails its crc, met while walking: noted, and the
 * walk goes on at the next sound header.  Returns where, 0 for none. */
static uint64_t bad_header(struct mmt_reader *r, uint64_t off, uint64_t limit)
{
	uint64_t next = resync(r, off + 1, limit);
	uint64_t lost = (next ? next : limit) - off;

	if (!r->bad_hdr_first)
		r->bad_hdr_first = off;
	r->bad_hdr_last = off;
	r->bytes_unknown += lost;
	if (!r->scan_err[0]) {	/* where strict iteration stops */
		fmt(r->scan_err, sizeof(r->scan_err),
		    "%s: offset %llu: corrupt section header", r->path,
		    (unsigned long long)off);
		r->scan_err_block = r->nblocks;
	}
	if (next)
		note_damage(r, "%s: offset %llu: damaged section header: %llu "
			    "bytes skipped to the next sound section, at offset "
			    "%llu (the events in them are unknown)", r->path,
			    (unsigned long long)off, (unsigned long long)lost,
			    (unsigned long long)next);
	else
		note_damage(r, "%s: offset %llu: damaged section header: no "
			    "sound section after it (%llu bytes unreadable)",
			    r->path, (unsigned long long)off,
			    (unsigned long long)lost);
	return next;
}

/* No usable index: walk the section headers from `off` to the end of the
 * file.  `fo` is the footer when it checks out (then the index it points
 * to did not).  Payloads are not read here (their checksums are checked
 * when decoded). */
static int scan_sections(struct mmt_reader *r, uint64_t off,
			 const struct footer *fo)
{
	uint8_t hb[MMT_SEC_HDR_LEN];
	struct mmt_sec_hdr h;
	int after_index = 0;

	for (;;) {
		if (off == r->size) {
			set_stop(r, off, after_index ? "truncated (no footer)" :
				 "truncated (no index)");
			return 0;
		}
		if (fo && off == fo->index_off)
			return 0;	/* the damaged index: the last section */
		if (r->size - off == MMT_FOOTER_LEN && (fo || after_index)) {
			if (!fo)	/* its place, and read_footer() refused it */
				note_damage(r, "%s: offset %llu: damaged footer "
					    "(magic or checksum): blocks found by "
					    "walking the sections", r->path,
					    (unsigned long long)off);
			return 0;
		}
		if (off + MMT_SEC_HDR_LEN > r->size) {
			set_stop(r, r->size, "truncated");
			return 0;
		}
		if (pread_all(r->fd, hb, sizeof(hb), off))
			return -1;
		if (mmt_sec_hdr_unpack(hb, &h)) {
			off = bad_header(r, off, fo ? r->size - MMT_FOOTER_LEN :
					 r->size);
			after_index = 0;
			if (!off)
				return 0;
			continue;
		}
		uint64_t end = off + MMT_SEC_HDR_LEN + h.comp_len;
		if (end > r->size) {
			set_stop(r, r->size, "truncated");
			return 0;
		}
		after_index = h.kind == MMT_SEC_INDEX;
		if (h.kind == MMT_SEC_EVENTS) {
			struct mmt_blk b = { off, h.min_ts, h.max_ts, h.nr_events,
					     h.comp_len, h.raw_len };
			if (add_block(r, &b))
				return -1;
		} else if (h.kind == MMT_SEC_SNAP_START) {
			r->snap_off[0] = off;
		} else if (h.kind == MMT_SEC_SNAP_END) {
			r->snap_off[1] = off;
		} else if (h.kind == MMT_SEC_NAMES) {
			if (add_names(r, off))
				return -1;
		}
		/* MMT_SEC_INDEX and unknown kinds: skipped. */
		off = end;
	}
}

/* Blocks from the index when footer and index check out; otherwise from
 * a walk of the sections, and a damaged footer or index is noted. */
static int find_blocks(struct mmt_reader *r, uint64_t data)
{
	uint64_t budget = r->budget;
	struct footer fo;
	char why[320];

	if (read_footer(r, data, &fo))
		return scan_sections(r, data, NULL);
	if (!load_index(r, data, &fo, r->dec, why, sizeof(why)))
		return 0;
	free(r->blocks);
	r->blocks = NULL;
	r->cap_blocks = 0;
	r->budget = budget;
	r->nblocks = r->nr_events = 0;
	r->nnames = 0;
	r->snap_off[0] = r->snap_off[1] = 0;
	note_damage(r, "%s: offset %llu: damaged index (%s): blocks found by "
		    "walking the sections", r->path,
		    (unsigned long long)fo.index_off, why);
	return scan_sections(r, data, &fo);
}

/* errno tells the caller what failed: `e` (the system's reason when the
 * file could not be read) or EBADMSG (it is not a readable trace). */
static struct mmt_reader *open_fail(struct mmt_reader *r, char *err,
				    size_t errlen, const char *msg, int e)
{
	snprintf(err, errlen, "%s", msg);
	mmt_reader_close(r);
	errno = e;
	return NULL;
}

struct mmt_reader *mmt_reader_open(const char *path, char *err, size_t errlen)
{
	struct mmt_reader *r = calloc(1, sizeof(*r));
	uint8_t pre[MMT_PREAMBLE_LEN];
	struct stat st;
	struct mmt_sec_hdr h;
	char msg[400];

	if (!r || !(r->path = strdup(path)) || !(r->dec = mmt_block_dec_new())) {
		snprintf(err, errlen, "%s: out of memory", path);
		if (r) {
			free(r->path);
			mmt_block_dec_free(r->dec);
		}
		free(r);
		return NULL;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st) < 0) {
		int e = errno;

		fmt(msg, sizeof(msg), "%s: %s", path, strerror(e));
		return open_fail(r, err, errlen, msg, e);
	}
	if (!S_ISREG(st.st_mode)) {
		fmt(msg, sizeof(msg), "%s: not a regular file", path);
		return open_fail(r, err, errlen, msg,
				 S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
	}
	r->size = (uint64_t)st.st_size;
	if (r->size < MMT_PREAMBLE_LEN || pread_all(r->fd, pre, sizeof(pre), 0)) {
		fmt(msg, sizeof(msg), "%s: offset %llu: truncated header", path,
		    (unsigned long long)r->size);
		return open_fail(r, err, errlen, msg, EBADMSG);
	}
	if (memcmp(pre, MMT_MAGIC, 8)) {
		fmt(msg, sizeof(msg), "%s: offset 0: not an mmtrace file (bad magic)", path);
		return open_fail(r, err, errlen, msg, EBADMSG);
	}
	if (mmt_le16(pre + 8) > MMT_FORMAT_VERSION) {
		fmt(msg, sizeof(msg), "%s: offset 8: format version %u is newer than this reader's %u",
		    path, mmt_le16(pre + 8), MMT_FORMAT_VERSION);
		return open_fail(r, err, errlen, msg, EBADMSG);
	}
	r->layout = mmt_le16(pre + 10);
	if (r->layout == 0)
		r->layout = -1;
	r->budget = MMT_MEM_BASE + MMT_MEM_PER_BYTE * r->size;
	if (load_section(r, MMT_PREAMBLE_LEN, r->dec, r->dec->dctx, &h,
			 r->budget)) {
		if (strstr(r->dec->err, "truncated"))
			fmt(msg, sizeof(msg), "%s: offset %llu: truncated header",
			    path, (unsigned long long)r->size);
		else
			fmt(msg, sizeof(msg), "%s", r->dec->err);
		return open_fail(r, err, errlen, msg, EBADMSG);
	}
	struct mmt_cur c = { r->dec->raw, r->dec->raw + h.raw_len, 0, &r->budget };
	if (h.kind != MMT_SEC_HEADER || mmt_header_decode(&c, &r->hdr)) {
		fmt(msg, sizeof(msg), "%s: offset %d: malformed header section%s%s",
		    path, MMT_PREAMBLE_LEN, c.why[0] ? ": " : "", c.why);
		return open_fail(r, err, errlen, msg, EBADMSG);
	}
	mmt_ev_limits_init(&r->lim, &r->hdr);
	uint64_t data = MMT_PREAMBLE_LEN + MMT_SEC_HDR_LEN + (uint64_t)h.comp_len;
	if (find_blocks(r, data)) {
		fmt(msg, sizeof(msg), "%s: read error or out of memory", path);
		return open_fail(r, err, errlen, msg, EIO);
	}
	return r;
}

void mmt_reader_close(struct mmt_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	mmt_header_free(&r->hdr);
	for (int i = 0; i < 2; i++)
		mmt_snapshot_free(&r->snap[i]);
	mmt_block_dec_free(r->dec);
	mmt_block_cur_free(r->cur);
	mmt_names_release(&r->names);
	free(r->names_off);
	free(r->win);
	free(r->blocks);
	free(r->damaged);
	free(r->path);
	free(r);
}

const struct mmt_header *mmt_reader_header(const struct mmt_reader *r)
{
	return &r->hdr;
}

const struct mmt_snapshot *mmt_reader_snapshot(struct mmt_reader *r, int which)
{
	static const char *const name[2] = { "start snapshot", "end snapshot" };
	struct mmt_sec_hdr h;
	char why[320];

	if (which < 0 || which > 1 || !r->snap_off[which])
		return NULL;
	if (r->snap_state[which])
		return r->snap_state[which] > 0 ? &r->snap[which] : NULL;
	r->snap_state[which] = -1;
	/* Own scratch (the iteration's decoded block must stay valid), the
	 * iteration's zstd context; freed once decoded. */
	struct mmt_block_dec d = { 0 };
	if (load_section(r, r->snap_off[which], &d, r->dec->dctx, &h,
			 r->budget)) {
		fmt(why, sizeof(why), "%s", d.err);
	} else if (h.kind != (which ? MMT_SEC_SNAP_END : MMT_SEC_SNAP_START)) {
		fmt(why, sizeof(why), "%s: offset %llu: section kind %u, "
		    "not a snapshot", r->path,
		    (unsigned long long)r->snap_off[which], h.kind);
	} else {
		struct mmt_cur c = { d.raw, d.raw + h.raw_len, 0, &r->budget };
		if (mmt_snapshot_decode(&c, &r->snap[which], &r->hdr))
			fmt(why, sizeof(why), "%s: offset %llu: malformed %s%s%s",
			    r->path, (unsigned long long)r->snap_off[which],
			    name[which], c.why[0] ? ": " : "", c.why);
		else
			r->snap_state[which] = 1;
	}
	free(d.comp);
	free(d.raw);
	if (r->snap_state[which] < 0) {
		fmt(r->err, sizeof(r->err), "%s", why);	/* as before */
		fmt(r->snap_err[which], sizeof(r->snap_err[which]),
		    "%s: offset %llu: %s damaged: %s", r->path,
		    (unsigned long long)r->snap_off[which], name[which],
		    reason_of(r, why, r->snap_off[which]));
		note_damage(r, "%s", r->snap_err[which]);
	}
	return r->snap_state[which] > 0 ? &r->snap[which] : NULL;
}

/* A snapshot the walk did not find, where a damaged section header sat:
 * the start one is written before the first block, the end one after
 * the last, so a damaged header there may have been it. */
static int snap_hidden(const struct mmt_reader *r, int which)
{
	if (!r->bad_hdr_first)
		return 0;
	if (!r->nblocks)
		return 1;
	return which ? r->bad_hdr_last > r->blocks[r->nblocks - 1].off :
		       r->bad_hdr_first < r->blocks[0].off;
}

int mmt_reader_snapshot_state(struct mmt_reader *r, int which,
			      const char **why)
{
	static const char *const none = "";

	if (why)
		*why = none;
	if (which < 0 || which > 1)
		return 0;
	if (mmt_reader_snapshot(r, which))
		return 1;
	if (r->snap_off[which]) {
		if (why)
			*why = r->snap_err[which];
		return -1;
	}
	if (!snap_hidden(r, which))
		return 0;
	if (!r->snap_err[which][0])
		fmt(r->snap_err[which], sizeof(r->snap_err[which]),
		    "%s: offset %llu: %s snapshot not found: a damaged section "
		    "header sits where it would be", r->path,
		    (unsigned long long)(which ? r->bad_hdr_last : r->bad_hdr_first),
		    which ? "end" : "start");
	if (why)
		*why = r->snap_err[which];
	return -1;
}

/* ---- names ------------------------------------------------------------------ */

const struct mmt_names *mmt_reader_names(struct mmt_reader *r)
{
	struct mmt_names_build *b;
	struct mmt_block_dec *d;
	struct mmt_sec_hdr h;
	char why[200];

	if (r->names_state)
		return r->names_state > 0 ? &r->names : NULL;
	r->names_state = -1;
	b = mmt_names_build_new();
	d = mmt_block_dec_new();	/* own scratch, as for snapshots */
	if (!b || !d) {
		fmt(r->err, sizeof(r->err), "%s: out of memory", r->path);
		goto out;
	}
	for (uint64_t i = 0; i < r->nnames; i++) {
		uint64_t off = r->names_off[i];

		/* names stay in memory: their raw size is charged to the
		 * file's budget (FORMAT.md "Limits") */
		if (load_section(r, off, d, d->dctx, &h,
				 MMT_MAX_NAMES_RAW < r->budget ?
				 MMT_MAX_NAMES_RAW : r->budget)) {
			fmt(r->err, sizeof(r->err), "%s", d->err);
			goto out;
		}
		r->budget -= h.raw_len;
		if (h.kind != MMT_SEC_NAMES) {
			fmt(r->err, sizeof(r->err),
			    "%s: offset %llu: index names a NAMES section where there is none",
			    r->path, (unsigned long long)off);
			goto out;
		}
		if (mmt_names_build_add(b, d->raw, h.raw_len, why, sizeof(why))) {
			fmt(r->err, sizeof(r->err),
			    "%s: offset %llu: malformed names section (%s)",
			    r->path, (unsigned long long)off, why);
			goto out;
		}
	}
	if (mmt_names_build_finish(b, &r->names)) {
		b = NULL;
		fmt(r->err, sizeof(r->err), "%s: out of memory", r->path);
		goto out;
	}
	b = NULL;
	r->names.recorded = !!(r->hdr.flags & MMT_HDR_NAMES);
	r->names_state = 1;
out:
	if (r->names_state < 0)
		note_damage(r, "%s (process and call-site names)", r->err);
	mmt_names_build_free(b);
	mmt_block_dec_free(d);
	return r->names_state > 0 ? &r->names : NULL;
}

/* ---- iteration ------------------------------------------------------------- */

/* Opens block r->next_block for decoding.  0, or -1 with r->err set. */
/* What to decode: kinds and fields, or fields per kind (by_kind). */
struct sel {
	uint64_t kinds;
	uint32_t fields;
	const uint32_t *by_kind;
};

static const struct sel sel_all = { UINT64_MAX, UINT32_MAX, NULL };

/* The current block's cursor, done with, kept for the next block. */
static void cur_done(struct mmt_reader *r)
{
	if (!r->cur)
		return;
	mmt_block_cur_free(r->dec->spare);
	r->dec->spare = r->cur;
	r->cur = NULL;
}

static int open_block(struct mmt_reader *r, const struct sel *sel)
{
	struct mmt_sec_hdr h;

	if (load_block(r, r->next_block, r->dec, &h)) {
		fmt(r->err, sizeof(r->err), "%s", r->dec->err);
		return -1;
	}
	r->cur = mmt_block_cur_renew(r->dec->spare, r->dec->raw,
				     &r->blocks[r->next_block], r->layout,
				     &r->lim, sel->kinds, sel->fields,
				     sel->by_kind);
	r->dec->spare = NULL;
	if (!r->cur) {
		corrupt_block(r, r->next_block, "", r->err, sizeof(r->err));
		return -1;
	}
	r->cur_decoded = 0;
	r->next_block++;
	return 0;
}

/* Block i failed (r->err says how) after `decoded` of its events: with
 * skipping on, it is noted once (passes after a rewind meet it again)
 * and iteration goes on at block i + 1; returns 1 then, else 0. */
static int skip_block(struct mmt_reader *r, uint64_t i, uint64_t decoded)
{
	const struct mmt_blk *b = &r->blocks[i];

	if (!r->skip_damaged)
		return 0;
	if (!r->damaged && !(r->damaged = calloc(r->nblocks, 1)))
		return 0;	/* out of memory: stop, as strict reading does */
	if (!r->damaged[i]) {
		uint64_t lost = b->nr_events > decoded ? b->nr_events - decoded : 0;

		r->damaged[i] = 1;
		r->events_lost += lost;
		note_damage(r, "%s: offset %llu: event block %llu damaged (%s): "
			    "%llu of its %u events lost", r->path,
			    (unsigned long long)b->off, (unsigned long long)i,
			    reason_of(r, r->err, b->off),
			    (unsigned long long)lost, b->nr_events);
	}
	cur_done(r);
	r->next_block = i + 1;
	r->err[0] = 0;
	return 1;
}

/* After a seek: drops the events before the seek time at the start of
 * the first block read, from the n new ones at win[wlen]. */
static uint32_t seek_skip(struct mmt_reader *r, uint32_t n)
{
	uint32_t k = 0;

	while (k < n && r->win[r->wlen + k].ts < r->seek_ts)
		k++;
	if (k < n)
		r->seeking = 0;
	memmove(r->win + r->wlen, r->win + r->wlen + k,
		(n - k) * sizeof(*r->win));
	return n - k;
}

/* Tops the window up to a chunk plus WIN_AHEAD events past wpos, or to
 * the end of the trace or the first error (r->failed: events decoded
 * before it are still handed out, then -1). */
static void refill(struct mmt_reader *r, const struct sel *sel)
{
	uint32_t keep = r->wlen - r->wpos;

	/* the window never holds more events than the blocks have (each
	 * block decodes to its header's count, and they add up to
	 * nr_events) */
	if (!r->win) {
		uint64_t cap = r->nr_events < WIN_CAP ? r->nr_events : WIN_CAP;

		if (!(r->win = malloc((cap ? cap : 1) * sizeof(*r->win)))) {
			fmt(r->err, sizeof(r->err), "%s: out of memory", r->path);
			r->failed = 1;
			return;
		}
	}

	memmove(r->win, r->win + r->wpos, keep * sizeof(*r->win));
	r->wlen = keep;
	r->wpos = 0;
	while (!r->failed && !r->wend &&
	       r->wlen < MMT_BLOCK_CHUNK + WIN_AHEAD) {
		int64_t n;
		int done;

		if (!r->cur && r->scan_err[0] && !r->skip_damaged &&
		    r->next_block >= r->scan_err_block) {
			/* strict: the walk met a damaged header here */
			fmt(r->err, sizeof(r->err), "%s", r->scan_err);
			r->failed = 1;
			break;
		}
		if (!r->cur && r->next_block >= r->nblocks) {
			r->wend = 1;
			break;
		}
		if (!r->cur && open_block(r, sel)) {
			if (skip_block(r, r->next_block, 0))
				continue;
			r->failed = 1;
			break;
		}
		n = mmt_block_cur_next(r->cur, r->win + r->wlen, &done);
		if (n < 0) {
			corrupt_block(r, r->next_block - 1,
				      mmt_block_cur_why(r->cur), r->err,
				      sizeof(r->err));
			if (skip_block(r, r->next_block - 1, r->cur_decoded))
				continue;
			r->failed = 1;
			break;
		}
		r->cur_decoded += (uint64_t)n;
		r->wlen += r->seeking ? seek_skip(r, (uint32_t)n) : (uint32_t)n;
		if (done) {
			cur_done(r);
			r->seeking = 0;
		}
	}
}

/* At least `need` events in the window unless the trace ends first:
 * 1 when there are some, 0 at the end, -1 on error. */
static int avail(struct mmt_reader *r, const struct sel *sel, uint32_t need)
{
	if (r->wlen - r->wpos < need && !r->wend && !r->failed)
		refill(r, sel);
	if (r->wlen > r->wpos)
		return 1;
	return r->failed ? -1 : 0;
}

int mmt_reader_next(struct mmt_reader *r, struct mmt_event *ev)
{
	int rc = avail(r, &sel_all, 1);

	if (rc <= 0)
		return rc;
	*ev = r->win[r->wpos++];
	return 1;
}

/* The events of the window but the last WIN_AHEAD (all of them at the
 * end of the trace or before an error). */
static int64_t window(struct mmt_reader *r, const struct sel *sel,
		      const struct mmt_event **evs, int64_t *ahead)
{
	int rc = avail(r, sel, WIN_AHEAD + 1);
	uint32_t n, a = 0;

	if (rc <= 0)
		return rc;
	n = r->wlen - r->wpos;
	if (!r->wend && !r->failed && n > WIN_AHEAD) {
		a = WIN_AHEAD;
		n -= WIN_AHEAD;
	}
	*evs = r->win + r->wpos;
	r->wpos += n;
	if (ahead)
		*ahead = a;
	return n;
}

int64_t mmt_reader_next_batch(struct mmt_reader *r, const struct mmt_event **evs)
{
	return window(r, &sel_all, evs, NULL);
}

int64_t mmt_reader_next_window(struct mmt_reader *r,
			       const struct mmt_event **evs, int64_t *ahead)
{
	return window(r, &sel_all, evs, ahead);
}

int64_t mmt_reader_next_batch_sel(struct mmt_reader *r, uint64_t kinds,
				  uint32_t fields,
				  const struct mmt_event **evs, int64_t *ahead)
{
	struct sel sel = { kinds, fields, NULL };

	return window(r, &sel, evs, ahead);
}

int64_t mmt_reader_next_batch_kinds(struct mmt_reader *r,
				    const uint32_t fields_by_kind[64],
				    const struct mmt_event **evs,
				    int64_t *ahead)
{
	struct sel sel = { 0, 0, fields_by_kind };

	return window(r, &sel, evs, ahead);
}

/* Back to an empty window before block `i`. */
static void restart(struct mmt_reader *r, uint64_t i)
{
	cur_done(r);
	r->next_block = i;
	r->wpos = r->wlen = 0;
	r->wend = 0;
	r->failed = 0;
	r->err[0] = 0;
}

int mmt_reader_seek_time(struct mmt_reader *r, uint64_t t)
{
	uint64_t i = 0;

	/* Blocks are in file order; events may be slightly out of order across
	 * cpus, so the first block whose max reaches t is where t starts. */
	while (i < r->nblocks && r->blocks[i].max_ts < t)
		i++;
	restart(r, i);
	r->seeking = 1;
	r->seek_ts = t;
	return 0;
}

int mmt_reader_rewind(struct mmt_reader *r)
{
	restart(r, 0);
	r->seeking = 0;
	return 0;
}

const char *mmt_reader_error(const struct mmt_reader *r)
{
	return r->err[0] ? r->err : NULL;
}

void mmt_reader_set_skip_damaged(struct mmt_reader *r, int on)
{
	r->skip_damaged = on;
}

uint64_t mmt_reader_damage(const struct mmt_reader *r, uint64_t *events_lost,
			   uint64_t *bytes_unknown)
{
	if (events_lost)
		*events_lost = r->events_lost;
	if (bytes_unknown)
		*bytes_unknown = r->bytes_unknown;
	return r->nr_damage;
}

const char *mmt_reader_damage_msg(const struct mmt_reader *r, uint64_t i)
{
	return i < r->nr_damage && i < DAMAGE_KEPT ? r->damage[i] : NULL;
}

int mmt_reader_print_damage(const struct mmt_reader *r, FILE *f,
			    const char *prefix)
{
	uint64_t n = r->nr_damage;

	for (uint64_t i = 0; i < n && i < DAMAGE_KEPT; i++)
		fprintf(f, "%s: %s\n", prefix, r->damage[i]);
	if (n > DAMAGE_KEPT)
		fprintf(f, "%s: %s: and %llu more damaged parts\n", prefix,
			r->path, (unsigned long long)(n - DAMAGE_KEPT));
	if (r->stop[0])
		fprintf(f, "%s: %s\n", prefix, r->stop);
	if (r->events_lost && n > 1)
		fprintf(f, "%s: %s: %llu events lost to damage in all\n", prefix,
			r->path, (unsigned long long)r->events_lost);
	return n || r->stop[0];
}

const char *mmt_reader_stop_reason(const struct mmt_reader *r)
{
	return r->stop[0] ? r->stop : NULL;
}

uint64_t mmt_reader_nr_blocks(const struct mmt_reader *r)
{
	return r->nblocks;
}

uint64_t mmt_reader_nr_events(const struct mmt_reader *r)
{
	return r->nr_events;
}

uint64_t mmt_reader_file_bytes(const struct mmt_reader *r)
{
	return r->size;
}

uint64_t mmt_reader_last_ts(struct mmt_reader *r)
{
	uint64_t t = 0;
	char why[160];

	/* a block whose times are out of range fails when decoded */
	for (uint64_t i = 0; i < r->nblocks; i++)
		if (r->blocks[i].max_ts > t &&
		    !mmt_blk_check(&r->blocks[i], why, sizeof(why)))
			t = r->blocks[i].max_ts;
	return t;
}

int mmt_reader_block_info(const struct mmt_reader *r, uint64_t i,
			  struct mmt_block_info *bi)
{
	if (i >= r->nblocks)
		return -1;
	bi->offset = r->blocks[i].off;
	bi->min_ts = r->blocks[i].min_ts;
	bi->max_ts = r->blocks[i].max_ts;
	bi->nr_events = r->blocks[i].nr_events;
	bi->comp_bytes = r->blocks[i].comp_len;
	bi->raw_bytes = r->blocks[i].raw_len;
	return 0;
}
