/* SPDX-License-Identifier: MIT */
/*
 * Byte-level helpers of the trace format: crc32c, varint output, section
 * headers, and the (de)serializers of the header, snapshot and index
 * payloads (they read with the cursor of cursor.c).
 * Every decoder is bounded by its input: a corrupt or hostile file gives -1,
 * never an out-of-bounds read or an unbounded allocation.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"
#include "hugemem.h"

/* ---- crc32c (Castagnoli), slicing by 8 ------------------------------------ */

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#define HAVE_CRC_HW 1
static int crc_hw;	/* the CPU has SSE4.2's crc32 (the same polynomial) */

/* Eight bytes an instruction: a replay reads every block twice, and the
 * table version costs about 1% of it. */
__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = ~crc;

	while (len >= 8) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));	/* little-endian, as the bytes */
		c = _mm_crc32_u64(c, v);
		p += 8;
		len -= 8;
	}
	crc = (uint32_t)c;
	while (len--)
		crc = _mm_crc32_u8(crc, *p++);
	return ~crc;
}
#endif

static void crc_init(void)
{
#ifdef HAVE_CRC_HW
	crc_hw = __builtin_cpu_supports("sse4.2");
#endif
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & -(c & 1));
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t mmt_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&crc_once, crc_init);
#ifdef HAVE_CRC_HW
	if (crc_hw)
		return crc32c_hw(crc, p, len);
#endif
	crc = ~crc;
	while (len >= 8) {
		uint32_t lo = mmt_le32(p) ^ crc, hi = mmt_le32(p + 4);
		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/* ---- section header ------------------------------------------------------- */

void mmt_sec_hdr_pack(const struct mmt_sec_hdr *h, uint8_t out[MMT_SEC_HDR_LEN])
{
	mmt_put_le32(out + 0, MMT_SEC_MAGIC);
	mmt_put_le16(out + 4, h->kind);
	mmt_put_le16(out + 6, h->flags);
	mmt_put_le32(out + 8, h->comp_len);
	mmt_put_le32(out + 12, h->raw_len);
	mmt_put_le32(out + 16, h->nr_events);
	mmt_put_le32(out + 20, h->payload_crc);
	mmt_put_le64(out + 24, h->min_ts);
	mmt_put_le64(out + 32, h->max_ts);
	mmt_put_le32(out + 40, h->seq);
	mmt_put_le32(out + 44, mmt_crc32c(0, out, 44));
}

int mmt_sec_hdr_unpack(const uint8_t in[MMT_SEC_HDR_LEN], struct mmt_sec_hdr *h)
{
	h->magic = mmt_le32(in + 0);
	h->kind = mmt_le16(in + 4);
	h->flags = mmt_le16(in + 6);
	h->comp_len = mmt_le32(in + 8);
	h->raw_len = mmt_le32(in + 12);
	h->nr_events = mmt_le32(in + 16);
	h->payload_crc = mmt_le32(in + 20);
	h->min_ts = mmt_le64(in + 24);
	h->max_ts = mmt_le64(in + 32);
	h->seq = mmt_le32(in + 40);
	h->hdr_crc = mmt_le32(in + 44);
	if (h->magic != MMT_SEC_MAGIC || h->hdr_crc != mmt_crc32c(0, in, 44))
		return -1;
	return 0;
}

/* ---- output buffer ------------------------------------------------------- */

void mmt_buf_free(struct mmt_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int mmt_buf_reserve(struct mmt_buf *b, size_t more)
{
	if (b->oom)
		return -1;
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void mmt_buf_put(struct mmt_buf *b, const void *src, size_t n)
{
	if (!n || mmt_buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

void mmt_buf_uv(struct mmt_buf *b, uint64_t v)
{
	if (mmt_buf_reserve(b, 10))
		return;
	b->len = (size_t)(mmt_uv_write(b->p + b->len, v) - b->p);
}

void mmt_buf_sv(struct mmt_buf *b, int64_t v)
{
	mmt_buf_uv(b, mmt_zigzag(v));
}

void mmt_buf_str(struct mmt_buf *b, const char *s)
{
	size_t n = strlen(s);
	mmt_buf_uv(b, n);
	mmt_buf_put(b, s, n);
}

typedef unsigned long long ull;

/* ---- header --------------------------------------------------------------- */

static void zone_encode(struct mmt_buf *b, const struct mmt_zone_info *z)
{
	mmt_buf_sv(b, z->node);
	mmt_buf_sv(b, z->zone_idx);
	mmt_buf_str(b, z->name);
	mmt_buf_uv(b, z->start_pfn);
	mmt_buf_uv(b, z->spanned);
	mmt_buf_uv(b, z->present);
	mmt_buf_uv(b, z->managed);
	mmt_buf_uv(b, z->wmark_min);
	mmt_buf_uv(b, z->wmark_low);
	mmt_buf_uv(b, z->wmark_high);
	mmt_buf_uv(b, z->wmark_promo);
	mmt_buf_uv(b, z->boost);
	mmt_buf_uv(b, z->nr_reserve);
	for (int i = 0; i < MMT_MAX_ZONE_TYPES; i++)
		mmt_buf_uv(b, z->lowmem_reserve[i]);
	mmt_buf_uv(b, z->pcp_high);
	mmt_buf_uv(b, z->pcp_batch);
	mmt_buf_uv(b, z->pcp_high_min);
	mmt_buf_uv(b, z->pcp_high_max);
	mmt_buf_uv(b, z->nr_free);
}

/* A page count or pfn of a zone table: below MMT_MAX_PFN. */
static uint64_t get_pages(struct mmt_cur *c, const char *field)
{
	return mmt_cur_get(c, field, MMT_MAX_PFN - 1);
}

/* One zone of a zone table.  The spans must hold: present <= spanned,
 * managed <= present, and the zone ends below MMT_MAX_PFN. */
static void zone_decode(struct mmt_cur *c, struct mmt_zone_info *z)
{
	memset(z, 0, sizeof(*z));
	z->node = (int32_t)mmt_cur_sget(c, "node", 0, MMT_MAX_NODES - 1);
	z->zone_idx = (int32_t)mmt_cur_sget(c, "zone_idx", 0,
					    MMT_MAX_ZONE_TYPES - 1);
	mmt_cur_text(c, "name", z->name, sizeof(z->name));
	z->start_pfn = get_pages(c, "start_pfn");
	z->spanned = mmt_cur_get(c, "spanned", MMT_MAX_PFN - 1 - z->start_pfn);
	z->present = mmt_cur_get(c, "present", z->spanned);
	z->managed = mmt_cur_get(c, "managed", z->present);
	z->wmark_min = get_pages(c, "wmark_min");
	z->wmark_low = get_pages(c, "wmark_low");
	z->wmark_high = get_pages(c, "wmark_high");
	z->wmark_promo = get_pages(c, "wmark_promo");
	z->boost = get_pages(c, "boost");
	z->nr_reserve = (uint32_t)mmt_cur_get(c, "nr_reserve", MMT_MAX_ZONE_TYPES);
	for (int i = 0; i < MMT_MAX_ZONE_TYPES; i++)
		z->lowmem_reserve[i] = get_pages(c, "lowmem_reserve");
	z->pcp_high = (uint32_t)mmt_cur_get(c, "pcp_high", UINT32_MAX);
	z->pcp_batch = (uint32_t)mmt_cur_get(c, "pcp_batch", UINT32_MAX);
	z->pcp_high_min = (uint32_t)mmt_cur_get(c, "pcp_high_min", UINT32_MAX);
	z->pcp_high_max = (uint32_t)mmt_cur_get(c, "pcp_high_max", UINT32_MAX);
	z->nr_free = get_pages(c, "nr_free");
}

static void kv_encode(struct mmt_buf *b, const struct mmt_kv *kv, uint32_t n)
{
	mmt_buf_uv(b, n);
	for (uint32_t i = 0; i < n; i++) {
		mmt_buf_str(b, kv[i].name);
		mmt_buf_str(b, kv[i].value);
	}
}

/* An element count (at most max), then room for that many elements of
 * size bytes, charged to the budget: how every array section starts.
 * NULL with *n 0 when the array is empty, or (the cursor then marked
 * bad) when it cannot be had.  Reading the elements names them `field`. */
static void *cur_array(struct mmt_cur *c, const char *field, uint32_t *n,
		       size_t min_bytes, size_t size, uint64_t max)
{
	void *a;

	*n = (uint32_t)mmt_cur_items(c, field, min_bytes, max);
	if (!*n || mmt_cur_charge(c, field, (uint64_t)*n * size)) {
		*n = 0;
		return NULL;
	}
	a = calloc(*n, size);
	if (!a) {
		mmt_cur_fail(c, "%s: out of memory", field);
		*n = 0;
	}
	c->item = field;
	return a;
}

/* Element i of the array being read: named in error messages. */
static int cur_next(struct mmt_cur *c, uint64_t i)
{
	c->index = i;
	return !c->bad;
}

static struct mmt_kv *kv_decode(struct mmt_cur *c, const char *field,
				uint32_t *n)
{
	struct mmt_kv *kv = cur_array(c, field, n, 2, sizeof(*kv), MMT_MAX_KV);

	for (uint32_t i = 0; i < *n && cur_next(c, i); i++) {
		mmt_cur_text(c, "name", kv[i].name, sizeof(kv[i].name));
		mmt_cur_text(c, "value", kv[i].value, sizeof(kv[i].value));
	}
	c->item = NULL;
	return kv;
}

static void nv_encode(struct mmt_buf *b, const struct mmt_named_value *nv,
		      uint32_t n)
{
	mmt_buf_uv(b, n);
	for (uint32_t i = 0; i < n; i++) {
		mmt_buf_str(b, nv[i].name);
		mmt_buf_uv(b, nv[i].value);
	}
}

/* values at most max */
static struct mmt_named_value *nv_decode(struct mmt_cur *c, const char *field,
					 uint32_t *n, uint64_t max)
{
	struct mmt_named_value *nv = cur_array(c, field, n, 2, sizeof(*nv),
					       MMT_MAX_NAMED);

	for (uint32_t i = 0; i < *n && cur_next(c, i); i++) {
		mmt_cur_text(c, "name", nv[i].name, sizeof(nv[i].name));
		nv[i].value = mmt_cur_get(c, "value", max);
	}
	c->item = NULL;
	return nv;
}

static void zones_encode(struct mmt_buf *b, const struct mmt_zone_info *z,
			 uint32_t n)
{
	mmt_buf_uv(b, n);
	for (uint32_t i = 0; i < n; i++)
		zone_encode(b, &z[i]);
}

/* A zone table: each (node, zone_idx) once. */
static struct mmt_zone_info *zones_decode(struct mmt_cur *c, uint32_t *n)
{
	struct mmt_zone_info *z = cur_array(c, "zone", n, 20, sizeof(*z),
					    MMT_MAX_NODES * MMT_MAX_ZONE_TYPES);

	for (uint32_t i = 0; i < *n && cur_next(c, i); i++) {
		zone_decode(c, &z[i]);
		for (uint32_t j = 0; j < i && !c->bad; j++)
			if (z[j].node == z[i].node &&
			    z[j].zone_idx == z[i].zone_idx)
				mmt_cur_fail(c, "node %d zone_idx %d: a second time",
					     z[i].node, z[i].zone_idx);
	}
	c->item = NULL;
	return z;
}

void mmt_header_encode(struct mmt_buf *b, const struct mmt_header *h)
{
	mmt_buf_uv(b, MMT_FORMAT_VERSION);
	mmt_buf_str(b, h->release);
	mmt_buf_str(b, h->machine);
	mmt_buf_uv(b, h->page_size);
	mmt_buf_uv(b, h->pageblock_order);
	mmt_buf_uv(b, h->max_order);
	mmt_buf_uv(b, h->start_ns);
	mmt_buf_uv(b, h->start_realtime_ns);
	mmt_buf_uv(b, h->flags);
	mmt_buf_uv(b, h->nr_cpus);
	for (uint32_t i = 0; i < h->nr_cpus; i++)
		mmt_buf_sv(b, h->cpu_node ? h->cpu_node[i] : 0);
	mmt_buf_uv(b, h->nr_nodes);
	for (uint64_t i = 0; i < (uint64_t)h->nr_nodes * h->nr_nodes; i++)
		mmt_buf_uv(b, h->node_distance ? h->node_distance[i] : 0);
	zones_encode(b, h->zones, h->nr_zones);
	kv_encode(b, h->sysctls, h->nr_sysctls);
	nv_encode(b, h->gfp_bits, h->nr_gfp_bits);
	nv_encode(b, h->migratetypes, h->nr_migratetypes);
	nv_encode(b, h->zone_types, h->nr_zone_types);
	mmt_buf_uv(b, h->nr_slab_caches);
	for (uint32_t i = 0; i < h->nr_slab_caches; i++) {
		const struct mmt_slab_cache *s = &h->slab_caches[i];
		mmt_buf_str(b, s->name);
		mmt_buf_uv(b, s->object_size);
		mmt_buf_uv(b, s->slab_size);
		mmt_buf_uv(b, s->objs_per_slab);
		mmt_buf_uv(b, s->order);
		mmt_buf_uv(b, s->align);
	}
	kv_encode(b, h->notes, h->nr_notes);
	/* Minor versions append fields here; old readers ignore them. */
}

/* page_size: a power of two from 1 KiB to 1 MiB, or 0 (unknown) */
static uint32_t get_page_size(struct mmt_cur *c)
{
	uint64_t v = mmt_cur_get(c, "page_size", 1u << 20);

	if (v && (v < 1024 || (v & (v - 1))))
		mmt_cur_fail(c, "page_size: %llu is not a power of two from "
			     "1024 to 1048576", (ull)v);
	return (uint32_t)v;
}

/* cpu -> node map (-1: none) and node distances.  Node ids may exceed
 * the node count (sparse ids: node0 and node2 online), so they are only
 * bounded by MMT_MAX_NODES; consumers check them against their model. */
static void topology_decode(struct mmt_cur *c, struct mmt_header *h)
{
	h->cpu_node = cur_array(c, "cpu", &h->nr_cpus, 1, sizeof(int32_t),
				MMT_MAX_CPUS);
	for (uint32_t i = 0; i < h->nr_cpus && cur_next(c, i); i++)
		h->cpu_node[i] = (int32_t)mmt_cur_sget(c, "node", -1,
						       MMT_MAX_NODES - 1);
	c->item = NULL;
	h->nr_nodes = (uint32_t)mmt_cur_get(c, "nr_nodes", MMT_MAX_NODES);
	uint64_t nd = (uint64_t)h->nr_nodes * h->nr_nodes;
	if (c->bad)
		return;
	if (nd > (uint64_t)(c->end - c->p)) {
		mmt_cur_fail(c, "nr_nodes: %u nodes' distances do not fit in the "
			     "%llu bytes left", h->nr_nodes, (ull)(c->end - c->p));
		return;
	}
	if (nd && (mmt_cur_charge(c, "node distances", nd * sizeof(uint32_t)) ||
		   !(h->node_distance = calloc(nd, sizeof(uint32_t))))) {
		mmt_cur_fail(c, "node distances: out of memory");
		return;
	}
	c->item = "node distance";
	for (uint64_t i = 0; i < nd && cur_next(c, i); i++)
		h->node_distance[i] = (uint32_t)mmt_cur_get(c, "distance", 255);
	c->item = NULL;
}

static void slab_caches_decode(struct mmt_cur *c, struct mmt_header *h)
{
	/* a slab is one block of at most max_order: no object, slab or
	 * alignment is larger (an unknown page size: the largest, 1 MiB) */
	uint64_t most = (uint64_t)(h->page_size ? h->page_size : 1u << 20)
			<< h->max_order;

	if (most > UINT32_MAX)
		most = UINT32_MAX;
	h->slab_caches = cur_array(c, "slab cache", &h->nr_slab_caches, 6,
				   sizeof(*h->slab_caches), MMT_MAX_SLAB_CACHES);
	for (uint32_t i = 0; i < h->nr_slab_caches && cur_next(c, i); i++) {
		struct mmt_slab_cache *s = &h->slab_caches[i];

		mmt_cur_text(c, "name", s->name, sizeof(s->name));
		s->object_size = (uint32_t)mmt_cur_get(c, "object_size", most);
		s->slab_size = (uint32_t)mmt_cur_get(c, "slab_size", most);
		s->objs_per_slab = (uint32_t)mmt_cur_get(c, "objs_per_slab",
							 UINT32_MAX);
		s->order = (uint32_t)mmt_cur_get(c, "order", h->max_order);
		s->align = (uint32_t)mmt_cur_get(c, "align", most);
	}
	c->item = NULL;
}

int mmt_header_decode(struct mmt_cur *c, struct mmt_header *h)
{
	memset(h, 0, sizeof(*h));
	h->version = (uint32_t)mmt_cur_get(c, "version", MMT_FORMAT_VERSION);
	if (!c->bad && !h->version)
		mmt_cur_fail(c, "version: 0 (versions start at 1)");
	mmt_cur_text(c, "release", h->release, sizeof(h->release));
	mmt_cur_text(c, "machine", h->machine, sizeof(h->machine));
	h->page_size = get_page_size(c);
	h->pageblock_order = (uint32_t)mmt_cur_get(c, "pageblock_order",
						   MMT_MAX_HOST_ORDER);
	h->max_order = (uint32_t)mmt_cur_get(c, "max_order", MMT_MAX_HOST_ORDER);
	if (!c->bad && h->pageblock_order > h->max_order)
		mmt_cur_fail(c, "pageblock_order: %u above max_order %u",
			     h->pageblock_order, h->max_order);
	h->start_ns = mmt_cur_get(c, "start_ns", UINT64_MAX);
	h->start_realtime_ns = mmt_cur_get(c, "start_realtime_ns", UINT64_MAX);
	h->flags = (uint32_t)mmt_cur_get(c, "flags", UINT32_MAX);
	topology_decode(c, h);
	h->zones = zones_decode(c, &h->nr_zones);
	h->sysctls = kv_decode(c, "sysctl", &h->nr_sysctls);
	h->gfp_bits = nv_decode(c, "gfp bit", &h->nr_gfp_bits, UINT64_MAX);
	h->migratetypes = nv_decode(c, "migratetype", &h->nr_migratetypes,
				    MMT_MAX_MT - 1);
	/* enum zone_type with __MAX_NR_ZONES: 6 at most (DMA, DMA32, NORMAL,
	 * HIGHMEM, MOVABLE, DEVICE) */
	h->zone_types = nv_decode(c, "zone type", &h->nr_zone_types, 7);
	slab_caches_decode(c, h);
	h->notes = kv_decode(c, "note", &h->nr_notes);
	if (c->bad) {
		mmt_header_free(h);
		return -1;
	}
	return 0;
}

/* ---- snapshot ------------------------------------------------------------ */

void mmt_snapshot_encode(struct mmt_buf *b, const struct mmt_snapshot *s)
{
	uint64_t prev = 0;

	mmt_buf_uv(b, s->ts);
	mmt_buf_uv(b, s->flags);
	/* Free blocks sorted by pfn: pfn as a signed delta (tolerates an
	 * unsorted input), then order, mt, exact. */
	mmt_buf_uv(b, s->nr_free_blocks);
	for (uint64_t i = 0; i < s->nr_free_blocks; i++) {
		const struct mmt_free_block *f = &s->free_blocks[i];
		mmt_buf_sv(b, (int64_t)(f->pfn - prev));
		prev = f->pfn;
		mmt_buf_uv(b, f->order);
		mmt_buf_sv(b, f->mt);
		mmt_buf_uv(b, f->exact);
	}
	/* Page class runs: start as a delta from the previous run's end. */
	prev = 0;
	mmt_buf_uv(b, s->nr_runs);
	for (uint64_t i = 0; i < s->nr_runs; i++) {
		const struct mmt_class_run *r = &s->runs[i];
		mmt_buf_sv(b, (int64_t)(r->pfn - prev));
		mmt_buf_uv(b, r->len);
		mmt_buf_uv(b, r->cls);
		prev = r->pfn + r->len;
	}
	mmt_buf_uv(b, s->pageblock_base);
	mmt_buf_uv(b, s->nr_pageblocks);
	mmt_buf_put(b, s->pageblock_mt, s->nr_pageblocks);
	zones_encode(b, s->zones, s->nr_zones);
	for (int n = 0; n < 8; n++)
		for (int z = 0; z < MMT_MAX_ZONE_TYPES; z++)
			for (int o = 0; o < MMT_NR_ORDERS; o++)
				mmt_buf_uv(b, s->buddyinfo[n][z][o]);
	kv_encode(b, s->vmstat, s->nr_vmstat);
	/* appended (older readers stop before it): the free blocks' places
	 * in their lists, in the free blocks' order */
	if (s->flags & MMT_SNAP_FREE_POS) {
		mmt_buf_uv(b, s->nr_free_blocks);
		for (uint64_t i = 0; i < s->nr_free_blocks; i++)
			mmt_buf_uv(b, s->free_blocks[i].pos);
	}
}

/* Free blocks: sorted by pfn (a walk of the free lists while they change
 * may list a page twice, so blocks may overlap), each aligned to its
 * order and ending below MMT_MAX_PFN. */
static int free_blocks_decode(struct mmt_cur *c, struct mmt_snapshot *s,
			      unsigned max_order)
{
	uint64_t prev = 0;

	s->nr_free_blocks = mmt_cur_items(c, "free blocks", 4, MMT_MAX_PFN);
	if (!s->nr_free_blocks ||
	    mmt_cur_charge(c, "free blocks", s->nr_free_blocks * sizeof(*s->free_blocks)))
		return c->bad ? -1 : 0;
	if (!(s->free_blocks = hugemem_calloc(s->nr_free_blocks,
						 sizeof(*s->free_blocks))))
		return -1;
	c->item = "free block";
	for (uint64_t i = 0; i < s->nr_free_blocks && cur_next(c, i); i++) {
		struct mmt_free_block *f = &s->free_blocks[i];
		uint64_t pfn = prev + (uint64_t)mmt_cur_sget(c, "pfn", 0,
				(int64_t)(MMT_MAX_PFN - 1 - prev));
		unsigned o = (unsigned)mmt_cur_get(c, "order", max_order);

		if (!c->bad && (pfn & ((1ull << o) - 1)))
			mmt_cur_fail(c, "pfn %llu not aligned to its order %u",
				     (ull)pfn, o);
		else if (!c->bad && pfn + (1ull << o) > MMT_MAX_PFN)
			mmt_cur_fail(c, "order %u: ends past pfn %llu", o,
				     (ull)MMT_MAX_PFN);
		f->pfn = prev = pfn;
		f->order = (uint8_t)o;
		f->mt = (int8_t)mmt_cur_sget(c, "migratetype", -1, MMT_MAX_MT - 1);
		f->exact = (uint8_t)mmt_cur_get(c, "exact", 1);
	}
	c->item = NULL;
	return c->bad ? -1 : 0;
}

/* The free blocks' places in their lists (MMT_SNAP_FREE_POS, appended to
 * the payload): one per free block, each below their number. */
static int free_pos_decode(struct mmt_cur *c, struct mmt_snapshot *s)
{
	if (!(s->flags & MMT_SNAP_FREE_POS))
		return 0;
	if (c->p == c->end) {
		mmt_cur_fail(c, "free list places: flagged but missing");
		return -1;
	}
	uint64_t n = mmt_cur_get(c, "free list places", s->nr_free_blocks);

	if (!c->bad && n != s->nr_free_blocks)
		mmt_cur_fail(c, "free list places: %llu for %llu free blocks",
			     (ull)n, (ull)s->nr_free_blocks);
	c->item = "free block";
	for (uint64_t i = 0; i < n && cur_next(c, i); i++)
		s->free_blocks[i].pos = (uint32_t)mmt_cur_get(c, "list place",
				n - 1 < UINT32_MAX ? n - 1 : UINT32_MAX);
	c->item = NULL;
	return c->bad ? -1 : 0;
}

/* Page class runs: sorted, not overlapping, each at least one page. */
static int runs_decode(struct mmt_cur *c, struct mmt_snapshot *s)
{
	uint64_t prev = 0;

	s->nr_runs = mmt_cur_items(c, "runs", 3, MMT_MAX_PFN);
	if (!s->nr_runs ||
	    mmt_cur_charge(c, "runs", s->nr_runs * sizeof(*s->runs)))
		return c->bad ? -1 : 0;
	if (!(s->runs = hugemem_calloc(s->nr_runs, sizeof(*s->runs))))
		return -1;
	c->item = "run";
	for (uint64_t i = 0; i < s->nr_runs && cur_next(c, i); i++) {
		struct mmt_class_run *r = &s->runs[i];

		r->pfn = prev + (uint64_t)mmt_cur_sget(c, "start", 0,
				(int64_t)(MMT_MAX_PFN - 1 - prev));
		r->len = mmt_cur_get(c, "length", MMT_MAX_PFN - r->pfn);
		if (!c->bad && !r->len)
			mmt_cur_fail(c, "length: 0");
		r->cls = (uint8_t)mmt_cur_get(c, "class", MMT_PC__COUNT - 1);
		prev = r->pfn + r->len;
	}
	c->item = NULL;
	return c->bad ? -1 : 0;
}

/* One migratetype byte per pageblock from pageblock_base on. */
static int pageblocks_decode(struct mmt_cur *c, struct mmt_snapshot *s,
			     unsigned pbo)
{
	s->pageblock_base = mmt_cur_get(c, "pageblock_base", MMT_MAX_PFN - 1);
	s->nr_pageblocks = mmt_cur_items(c, "pageblocks", 1,
				((MMT_MAX_PFN - s->pageblock_base) >> pbo));
	if (!s->nr_pageblocks ||
	    mmt_cur_charge(c, "pageblocks", s->nr_pageblocks))
		return c->bad ? -1 : 0;
	if (!(s->pageblock_mt = malloc(s->nr_pageblocks)))
		return -1;
	memcpy(s->pageblock_mt, c->p, s->nr_pageblocks);
	c->p += s->nr_pageblocks;
	/* -1..MMT_MAX_MT-1: byte + 1 in 0..64, so byte + 1 + 63 < 128 (a
	 * branch-free pass; the index is found again only when one is out) */
	_Static_assert(MMT_MAX_MT == 64, "the check below assumes 64");
	unsigned bad = 0;
	for (uint64_t i = 0; i < s->nr_pageblocks; i++)
		bad |= ((unsigned)(uint8_t)(s->pageblock_mt[i] + 1) + 63) & 0x180;
	for (uint64_t i = 0; bad && i < s->nr_pageblocks; i++)
		if (s->pageblock_mt[i] < -1 || s->pageblock_mt[i] >= MMT_MAX_MT) {
			mmt_cur_fail(c, "pageblock %llu: migratetype %d out of "
				     "range (-1..%d)", (ull)i, s->pageblock_mt[i],
				     MMT_MAX_MT - 1);
			return -1;
		}
	return 0;
}

int mmt_snapshot_decode(struct mmt_cur *c, struct mmt_snapshot *s,
			const struct mmt_header *h)
{
	unsigned max_order = h ? h->max_order : MMT_MAX_HOST_ORDER;
	unsigned pbo = h && h->pageblock_order ? h->pageblock_order : 9;

	memset(s, 0, sizeof(*s));
	s->ts = mmt_cur_get(c, "ts", MMT_MAX_TS);
	s->flags = (uint32_t)mmt_cur_get(c, "flags", UINT32_MAX);
	if (free_blocks_decode(c, s, max_order) || runs_decode(c, s) ||
	    pageblocks_decode(c, s, pbo))
		goto bad;
	s->zones = zones_decode(c, &s->nr_zones);
	c->item = "buddyinfo entry";
	for (int n = 0; n < 8; n++)
		for (int z = 0; z < MMT_MAX_ZONE_TYPES; z++)
			for (int o = 0; o < MMT_NR_ORDERS; o++) {
				c->index = (uint64_t)(n * MMT_MAX_ZONE_TYPES + z) *
					   MMT_NR_ORDERS + (uint64_t)o;
				s->buddyinfo[n][z][o] = get_pages(c, "free blocks");
			}
	c->item = NULL;
	s->vmstat = kv_decode(c, "vmstat", &s->nr_vmstat);
	if (c->bad || free_pos_decode(c, s))
		goto bad;
	return 0;
bad:
	if (!c->bad)
		mmt_cur_fail(c, "out of memory");
	mmt_snapshot_free(s);
	return -1;
}

/* ---- index ------------------------------------------------------------------ */

const char *mmt_blk_check(const struct mmt_blk *b, char *why, size_t len)
{
	if (b->min_ts > b->max_ts || b->max_ts > MMT_MAX_TS)
		snprintf(why, len, "times %llu..%llu out of range (0..%llu)",
			 (ull)b->min_ts, (ull)b->max_ts, (ull)MMT_MAX_TS);
	else if (b->nr_events > MMT_MAX_BLOCK_EVENTS ||
		 b->raw_len > MMT_MAX_BLOCK_RAW || b->nr_events > b->raw_len)
		snprintf(why, len, "%u events in %u bytes (at most %u events, "
			 "%u bytes, a byte per event)", b->nr_events, b->raw_len,
			 MMT_MAX_BLOCK_EVENTS, MMT_MAX_BLOCK_RAW);
	else
		return NULL;
	return why;
}

int mmt_index_decode(struct mmt_cur *c, uint64_t data_start, uint64_t at,
		     uint64_t snap_off[2], struct mmt_blk **blocks,
		     uint64_t *nblocks)
{
	uint64_t end = data_start, ts = 0;
	char why[160];
	uint64_t n;

	*blocks = NULL;
	*nblocks = 0;
	for (int i = 0; i < 2; i++) {
		snap_off[i] = mmt_cur_get(c, i ? "end snapshot offset" :
					  "start snapshot offset", at - 1);
		if (!c->bad && snap_off[i] && snap_off[i] < data_start)
			mmt_cur_fail(c, "%s snapshot offset %llu: inside the header",
				     i ? "end" : "start", (ull)snap_off[i]);
	}
	n = mmt_cur_items(c, "blocks", 6, UINT64_MAX);
	if (c->bad || !n)
		return c->bad ? -1 : 0;
	if (mmt_cur_charge(c, "blocks", n * sizeof(**blocks)))
		return -1;
	if (!(*blocks = calloc(n, sizeof(**blocks)))) {
		mmt_cur_fail(c, "blocks: out of memory");
		return -1;
	}
	c->item = "block";
	for (uint64_t i = 0; i < n && cur_next(c, i); i++) {
		struct mmt_blk *b = &(*blocks)[i];
		uint64_t prev = i ? (*blocks)[i - 1].off : 0;

		/* each after the end of the one before */
		b->off = prev + mmt_cur_get(c, "offset", at - 1 - prev);
		if (!c->bad && b->off < end)
			mmt_cur_fail(c, "offset %llu: inside the section before "
				     "(which ends at %llu)", (ull)b->off, (ull)end);
		b->min_ts = ts + (uint64_t)mmt_cur_sget(c, "min_ts", -(int64_t)ts,
					(int64_t)(MMT_MAX_TS - ts));
		b->max_ts = b->min_ts + mmt_cur_get(c, "max_ts",
						   MMT_MAX_TS - b->min_ts);
		b->nr_events = (uint32_t)mmt_cur_get(c, "nr_events",
						     MMT_MAX_BLOCK_EVENTS);
		b->comp_len = (uint32_t)mmt_cur_get(c, "comp_len",
				at - b->off >= MMT_SEC_HDR_LEN ?
				at - b->off - MMT_SEC_HDR_LEN : 0);
		b->raw_len = (uint32_t)mmt_cur_get(c, "raw_len", MMT_MAX_BLOCK_RAW);
		if (!c->bad && mmt_blk_check(b, why, sizeof(why)))
			mmt_cur_fail(c, "%s", why);
		if (!c->bad && at - b->off < MMT_SEC_HDR_LEN)
			mmt_cur_fail(c, "offset %llu: no room for a section before "
				     "the index at %llu", (ull)b->off, (ull)at);
		ts = b->min_ts;
		end = b->off + MMT_SEC_HDR_LEN + b->comp_len;
	}
	c->item = NULL;
	if (c->bad) {
		free(*blocks);
		*blocks = NULL;
		return -1;
	}
	*nblocks = n;
	return 0;
}
