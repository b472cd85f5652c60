/* SPDX-License-Identifier: MIT */
/*
 * Internal helpers of the trace library (not a public header): growable
 * byte buffers, varints, crc32c, section headers and the serializers of the
 * header and snapshot sections.  Layout: traces/FORMAT.md.
 */
#ifndef MMTRACE_CODEC_H
#define MMTRACE_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "mmtrace/trace.h"

#define MMT_MAGIC		"MMTRACE\0"	/* 8 bytes, preamble */
#define MMT_PREAMBLE_LEN	16
/* The minor version is the event block layout: 1 added per-kind ts
 * columns and the call-site table, 2 per-cache-slot deltas for slab
 * kinds, 3 pfn references (page_alloc and pcp_drain naming an earlier
 * page_free or pcp_refill) and per-process slots for user faults.
 * Minor 0 files hold layout 0 or 1.  All are read. */
#define MMT_MINOR_VERSION	3
#define MMT_SEC_MAGIC		0x53544d4du	/* "MMTS" little-endian */
#define MMT_SEC_HDR_LEN		48
#define MMT_FOOTER_MAGIC	0x45544d4du	/* "MMTE" little-endian */
#define MMT_FOOTER_LEN		32

/* Section kinds.  A reader skips kinds it does not know. */
enum mmt_sec_kind {
	MMT_SEC_HEADER = 1,
	MMT_SEC_SNAP_START = 2,
	MMT_SEC_EVENTS = 3,
	MMT_SEC_SNAP_END = 4,
	MMT_SEC_INDEX = 5,
	MMT_SEC_NAMES = 6,	/* call-site and process names (names.c) */
};

#define MMT_SEC_F_ZSTD	0x1	/* payload is one zstd frame */

/* Bounds that keep a corrupt length from turning into a huge allocation. */
#define MMT_MAX_SECTION_RAW	(1u << 30)
#define MMT_MAX_BLOCK_RAW	(64u << 20)
#define MMT_MAX_BLOCK_EVENTS	(1u << 20)
/* What the header, snapshots and index of a file may take decoded, raw
 * payloads included: MMT_MEM_BASE plus MMT_MEM_PER_BYTE per byte of the
 * file.  A real trace's snapshot of a 1 TiB host decodes to a few tens of
 * MiB from a few MiB of file; a crafted 1 KiB file with 30,000:1 zstd
 * frames gets no more than the base. */
#define MMT_MEM_BASE		(64ull << 20)
#define MMT_MEM_PER_BYTE	64

struct mmt_sec_hdr {
	uint32_t magic;
	uint16_t kind;
	uint16_t flags;
	uint32_t comp_len;	/* payload bytes after this header */
	uint32_t raw_len;	/* payload bytes after decompression */
	uint32_t nr_events;
	uint32_t payload_crc;	/* crc32c of the payload as stored */
	uint64_t min_ts;
	uint64_t max_ts;
	uint32_t seq;		/* block number for event blocks */
	uint32_t hdr_crc;	/* crc32c of bytes 0..43 */
};

uint32_t mmt_crc32c(uint32_t crc, const void *buf, size_t len);

void mmt_sec_hdr_pack(const struct mmt_sec_hdr *h, uint8_t out[MMT_SEC_HDR_LEN]);
/* 0 when magic and hdr_crc are right, -1 otherwise. */
int mmt_sec_hdr_unpack(const uint8_t in[MMT_SEC_HDR_LEN], struct mmt_sec_hdr *h);

static inline void mmt_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void mmt_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void mmt_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t mmt_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t mmt_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t mmt_le64(const uint8_t *p)
{
	return (uint64_t)mmt_le32(p) | (uint64_t)mmt_le32(p + 4) << 32;
}

static inline uint64_t mmt_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t mmt_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* ---- growable output buffer --------------------------------------------- */

struct mmt_buf {
	uint8_t *p;
	size_t len, cap;
	int oom;		/* sticky: an allocation failed */
};

void mmt_buf_free(struct mmt_buf *b);
int mmt_buf_reserve(struct mmt_buf *b, size_t more);
void mmt_buf_put(struct mmt_buf *b, const void *src, size_t n);
void mmt_buf_uv(struct mmt_buf *b, uint64_t v);
void mmt_buf_sv(struct mmt_buf *b, int64_t v);
void mmt_buf_str(struct mmt_buf *b, const char *s);

/* Appends a varint to p (at least 10 bytes of room); returns the new end. */
static inline uint8_t *mmt_uv_write(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* ---- bounded input cursor -------------------------------------------------- */

/* Reads a payload.  The checked reads (mmt_cur_get and friends) take the
 * field's name and its range: every value read from a file is
 * range-checked where it is read, and the first failure is kept in `why`
 * ("zone 2: spanned: 9007199254740993 out of range (at most ...)") for
 * the reader's one-line error.  `item`/`index` name the array element
 * being read.  `budget`, unless NULL, is the memory the decoded arrays
 * may still take: a file's decoded size is bounded by its own size
 * (FORMAT.md "Limits"). */
struct mmt_cur {
	const uint8_t *p, *end;
	int bad;		/* sticky: read past the end or malformed */
	uint64_t *budget;	/* bytes the decoded arrays may take */
	const char *item;	/* "zone", "free block": prefix of `why` */
	uint64_t index;
	char why[200];		/* the first failure, "" when none named */
};

uint64_t mmt_cur_uv(struct mmt_cur *c);
int64_t mmt_cur_sv(struct mmt_cur *c);
/* Copies a length-prefixed string into dst (always NUL-terminated, cut to
 * dstlen - 1). */
void mmt_cur_str(struct mmt_cur *c, char *dst, size_t dstlen);
/* A count that must fit in the bytes left (each element takes >= min_bytes). */
uint64_t mmt_cur_count(struct mmt_cur *c, size_t min_bytes);

/* Marks the cursor bad; the first message (printf style) is kept in why,
 * after "item index: " when an item is set. */
void mmt_cur_fail(struct mmt_cur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A varint named `field` in [0, max]; 0 (and the cursor bad) otherwise. */
uint64_t mmt_cur_get(struct mmt_cur *c, const char *field, uint64_t max);
/* An svarint in [min, max]. */
int64_t mmt_cur_sget(struct mmt_cur *c, const char *field, int64_t min,
		     int64_t max);
/* A string (cut to dstlen - 1 bytes, NUL-terminated). */
void mmt_cur_text(struct mmt_cur *c, const char *field, char *dst,
		  size_t dstlen);
/* An element count: at most max, and its elements (min_bytes each at
 * least) must fit in the bytes left. */
uint64_t mmt_cur_items(struct mmt_cur *c, const char *field, size_t min_bytes,
		       uint64_t max);
/* Takes bytes from the budget: 0, or -1 (cursor bad) when over it. */
int mmt_cur_charge(struct mmt_cur *c, const char *field, uint64_t bytes);

/* ---- header and snapshot payloads (raw, before zstd) ---------------------- */

void mmt_header_encode(struct mmt_buf *b, const struct mmt_header *h);
/* 0 or -1 (malformed or out of range: c->why says which field).  On -1
 * whatever was allocated is freed. */
int mmt_header_decode(struct mmt_cur *c, struct mmt_header *h);
void mmt_snapshot_encode(struct mmt_buf *b, const struct mmt_snapshot *s);
/* The same for a snapshot of the trace whose header is h (its orders,
 * nodes and pageblock order bound the snapshot's values). */
int mmt_snapshot_decode(struct mmt_cur *c, struct mmt_snapshot *s,
			const struct mmt_header *h);

/* ---- the block index ------------------------------------------------------ */

/* Where an event block is and what its section header says. */
struct mmt_blk {
	uint64_t off;		/* of its section header */
	uint64_t min_ts, max_ts;
	uint32_t nr_events;
	uint32_t comp_len, raw_len;
};

/* The values a block may have: min_ts <= max_ts <= MMT_MAX_TS, at most
 * MMT_MAX_BLOCK_EVENTS events in at most MMT_MAX_BLOCK_RAW bytes, at
 * least one byte per event.  NULL when sound, else what is wrong. */
const char *mmt_blk_check(const struct mmt_blk *b, char *why, size_t len);

/* An INDEX payload (FORMAT.md "INDEX payload") of a file whose sections
 * after the HEADER lie in [data_start, at), at being the index's own
 * offset: the snapshot offsets (0 or inside that range) and the blocks,
 * each inside it, after the end of the one before and sound by
 * mmt_blk_check().  *blocks is allocated (charged to c's budget; the
 * caller frees it).  Leaves c after the block list (later additions
 * follow).  0 or -1 (c->why says why). */
int mmt_index_decode(struct mmt_cur *c, uint64_t data_start, uint64_t at,
		     uint64_t snap_off[2], struct mmt_blk **blocks,
		     uint64_t *nblocks);

/* ---- names sections (traces/names.c) -------------------------------------- */

/* Bounds of one NAMES section and of all of them together (the strings
 * are kept in memory while the reader is open). */
#define MMT_MAX_NAMES_RAW	(16u << 20)
#define MMT_MAX_NAMES_TOTAL	(256ull << 20)

/* Names waiting for the next NAMES section (writer side). */
struct mmt_names_pend {
	struct mmt_buf syms, comms;	/* entries, encoded */
	uint64_t nsyms, ncomms;
};
int mmt_names_pend_sym(struct mmt_names_pend *p, uint64_t site,
		       const char *name);
int mmt_names_pend_comm(struct mmt_names_pend *p, uint32_t pid, uint64_t ts,
			const char *comm);
/* The pending names as one NAMES payload in b (then cleared). */
void mmt_names_pend_take(struct mmt_names_pend *p, struct mmt_buf *b);
void mmt_names_pend_free(struct mmt_names_pend *p);

/* Reader side: the table being built from NAMES payloads. */
struct mmt_names_build;
struct mmt_names_build *mmt_names_build_new(void);
/* Adds one raw payload; -1 with a reason in why ("symbol 3: name of 0
 * bytes") when it is malformed or over the bounds. */
int mmt_names_build_add(struct mmt_names_build *b, const uint8_t *raw,
			size_t len, char *why, size_t whylen);
/* Sorts and dedups into *out (which then owns the memory; release with
 * mmt_names_release) and frees b.  0 or -1 (out of memory). */
int mmt_names_build_finish(struct mmt_names_build *b, struct mmt_names *out);
void mmt_names_build_free(struct mmt_names_build *b);
void mmt_names_release(struct mmt_names *n);

/* ---- event blocks (traces/block.c) ---------------------------------------- */

/* Encodes n events as one raw block payload (FORMAT.md "Event blocks"). */
void mmt_block_encode(struct mmt_buf *b, const struct mmt_event *ev, size_t n);
/* What the events of a trace may hold (FORMAT.md "Limits"), from its
 * header: every field within its type (no silent truncation), orders up
 * to max_order, migratetypes -1..MMT_MAX_MT-1, slab offsets below the
 * page size and caches inside the header's table, for the kinds whose
 * fields mean that (block.c lists them). */
struct mmt_ev_limits {
	uint32_t max_order;
	uint32_t max_offset;	/* UINT32_MAX: page size unknown */
	uint32_t max_cache;	/* UINT32_MAX: no cache table */
};
void mmt_ev_limits_init(struct mmt_ev_limits *l, const struct mmt_header *h);

/* Decodes a raw block payload (b->nr_events events in b->raw_len bytes)
 * into out[].  `raw` must be followed by at least MMT_BLOCK_PAD readable
 * bytes.  `layout` is the block layout: the file's minor version, or -1
 * for minor 0 files (layout 0 or 1, told apart by the column
 * lengths).  With lim, every value is checked against it and every ts
 * against [b->min_ts, b->max_ts]; without, only the type widths.  0 or
 * -1. */
#define MMT_BLOCK_PAD 16
int mmt_block_decode(const uint8_t *raw, const struct mmt_blk *b, int layout,
		     const struct mmt_ev_limits *lim, struct mmt_event *out);
/* The same for only the events whose kind is in `kinds` (bit 1 << kind;
 * UINT64_MAX = all), and of those only the fields in `fields`
 * (MMT_FIELD_* bits): the others hold unspecified values.  Returns the
 * number of events written to out, or -1.  A partial decode does not
 * check that every column was used up exactly. */
int64_t mmt_block_decode_sel(const uint8_t *raw, const struct mmt_blk *b,
			     int layout, const struct mmt_ev_limits *lim,
			     uint64_t kinds, uint32_t fields,
			     struct mmt_event *out);

/* The same a piece at a time, so that a reader can hand out events while
 * they are still in the cache: a cursor over one raw block (`raw`, `b`
 * and `lim` must stay valid while it is used; NULL for a malformed block
 * or out of memory), and the next up to MMT_BLOCK_CHUNK events of it, of
 * which the selected ones land in out[]: their count, or -1 for a corrupt
 * block (mmt_block_cur_why() then names a value out of range, if that was
 * it).  *done is set once the block is used up (and, for a full decode,
 * checked).  Events of a corrupt block before the damage may have been
 * returned by then.  by_kind, unless NULL, replaces kinds and fields:
 * by_kind[k] are the fields of kind k (k < 64) to decode, 0 to skip it. */
#define MMT_BLOCK_CHUNK 256
struct mmt_block_cur;
struct mmt_block_cur *mmt_block_cur_new(const uint8_t *raw,
					const struct mmt_blk *b, int layout,
					const struct mmt_ev_limits *lim,
					uint64_t kinds, uint32_t fields,
					const uint32_t *by_kind);
/* The same on a cursor done with (or NULL): its allocations are reused
 * (a reader decodes block after block with one).  On failure c is freed. */
struct mmt_block_cur *mmt_block_cur_renew(struct mmt_block_cur *c,
					  const uint8_t *raw,
					  const struct mmt_blk *b, int layout,
					  const struct mmt_ev_limits *lim,
					  uint64_t kinds, uint32_t fields,
					  const uint32_t *by_kind);
int64_t mmt_block_cur_next(struct mmt_block_cur *c, struct mmt_event *out,
			   int *done);
/* "page_free order: 200 out of range (at most 10)", or "" */
const char *mmt_block_cur_why(const struct mmt_block_cur *c);
void mmt_block_cur_free(struct mmt_block_cur *c);

#endif
