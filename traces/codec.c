/* SPDX-License-Identifier: MIT */
/*
 * Byte-level helpers of the trace format: crc32c, varints, section headers
 * and the (de)serializers of the header and snapshot payloads.
 * Every decoder is bounded by its input: a corrupt or hostile file gives -1,
 * never an out-of-bounds read or an unbounded allocation.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"

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

/* ---- input cursor --------------------------------------------------------- */

uint64_t mmt_cur_uv(struct mmt_cur *c)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (c->p >= c->end) {
			c->bad = 1;
			return 0;
		}
		uint8_t byte = *c->p++;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

int64_t mmt_cur_sv(struct mmt_cur *c)
{
	return mmt_unzigzag(mmt_cur_uv(c));
}

void mmt_cur_str(struct mmt_cur *c, char *dst, size_t dstlen)
{
	uint64_t n = mmt_cur_uv(c);
	dst[0] = 0;
	if (c->bad || n > (uint64_t)(c->end - c->p)) {
		c->bad = 1;
		return;
	}
	size_t k = n < dstlen - 1 ? (size_t)n : dstlen - 1;
	memcpy(dst, c->p, k);
	dst[k] = 0;
	c->p += n;
}

uint64_t mmt_cur_count(struct mmt_cur *c, size_t min_bytes)
{
	uint64_t n = mmt_cur_uv(c);
	if (c->bad || n > (uint64_t)(c->end - c->p) / (min_bytes ? min_bytes : 1)) {
		c->bad = 1;
		return 0;
	}
	return n;
}

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

static void zone_decode(struct mmt_cur *c, struct mmt_zone_info *z)
{
	memset(z, 0, sizeof(*z));
	z->node = (int32_t)mmt_cur_sv(c);
	z->zone_idx = (int32_t)mmt_cur_sv(c);
	mmt_cur_str(c, z->name, sizeof(z->name));
	z->start_pfn = mmt_cur_uv(c);
	z->spanned = mmt_cur_uv(c);
	z->present = mmt_cur_uv(c);
	z->managed = mmt_cur_uv(c);
	z->wmark_min = mmt_cur_uv(c);
	z->wmark_low = mmt_cur_uv(c);
	z->wmark_high = mmt_cur_uv(c);
	z->wmark_promo = mmt_cur_uv(c);
	z->boost = mmt_cur_uv(c);
	z->nr_reserve = (uint32_t)mmt_cur_uv(c);
	if (z->nr_reserve > MMT_MAX_ZONE_TYPES)
		c->bad = 1;
	for (int i = 0; i < MMT_MAX_ZONE_TYPES; i++)
		z->lowmem_reserve[i] = mmt_cur_uv(c);
	z->pcp_high = (uint32_t)mmt_cur_uv(c);
	z->pcp_batch = (uint32_t)mmt_cur_uv(c);
	z->pcp_high_min = (uint32_t)mmt_cur_uv(c);
	z->pcp_high_max = (uint32_t)mmt_cur_uv(c);
	z->nr_free = mmt_cur_uv(c);
}

static void kv_encode(struct mmt_buf *b, const struct mmt_kv *kv, uint32_t n)
{
	mmt_buf_uv(b, n);
	for (uint32_t i = 0; i < n; i++) {
		mmt_buf_str(b, kv[i].name);
		mmt_buf_str(b, kv[i].value);
	}
}

/* An element count, then room for that many elements of size bytes:
 * how every array section starts.  NULL with *n 0 when the array is
 * empty, or (the cursor then marked bad) when it cannot be allocated. */
static void *cur_array(struct mmt_cur *c, uint32_t *n, size_t min_bytes,
		       size_t size)
{
	void *a;

	*n = (uint32_t)mmt_cur_count(c, min_bytes);
	if (!*n)
		return NULL;
	a = calloc(*n, size);
	if (!a) {
		c->bad = 1;
		*n = 0;
	}
	return a;
}

static struct mmt_kv *kv_decode(struct mmt_cur *c, uint32_t *n)
{
	struct mmt_kv *kv = cur_array(c, n, 2, sizeof(*kv));

	for (uint32_t i = 0; i < *n; i++) {
		mmt_cur_str(c, kv[i].name, sizeof(kv[i].name));
		mmt_cur_str(c, kv[i].value, sizeof(kv[i].value));
	}
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

static struct mmt_named_value *nv_decode(struct mmt_cur *c, uint32_t *n)
{
	struct mmt_named_value *nv = cur_array(c, n, 2, sizeof(*nv));

	for (uint32_t i = 0; i < *n; i++) {
		mmt_cur_str(c, nv[i].name, sizeof(nv[i].name));
		nv[i].value = mmt_cur_uv(c);
	}
	return nv;
}

static void zones_encode(struct mmt_buf *b, const struct mmt_zone_info *z,
			 uint32_t n)
{
	mmt_buf_uv(b, n);
	for (uint32_t i = 0; i < n; i++)
		zone_encode(b, &z[i]);
}

static struct mmt_zone_info *zones_decode(struct mmt_cur *c, uint32_t *n)
{
	struct mmt_zone_info *z = cur_array(c, n, 20, sizeof(*z));

	for (uint32_t i = 0; i < *n; i++)
		zone_decode(c, &z[i]);
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

int mmt_header_decode(struct mmt_cur *c, struct mmt_header *h)
{
	memset(h, 0, sizeof(*h));
	h->version = (uint32_t)mmt_cur_uv(c);
	mmt_cur_str(c, h->release, sizeof(h->release));
	mmt_cur_str(c, h->machine, sizeof(h->machine));
	h->page_size = (uint32_t)mmt_cur_uv(c);
	h->pageblock_order = (uint32_t)mmt_cur_uv(c);
	h->max_order = (uint32_t)mmt_cur_uv(c);
	h->start_ns = mmt_cur_uv(c);
	h->start_realtime_ns = mmt_cur_uv(c);
	h->flags = (uint32_t)mmt_cur_uv(c);
	h->nr_cpus = (uint32_t)mmt_cur_count(c, 1);
	if (h->nr_cpus && (h->cpu_node = calloc(h->nr_cpus, sizeof(int32_t))))
		for (uint32_t i = 0; i < h->nr_cpus; i++)
			h->cpu_node[i] = (int32_t)mmt_cur_sv(c);
	else if (h->nr_cpus)
		c->bad = 1;
	h->nr_nodes = (uint32_t)mmt_cur_uv(c);
	uint64_t nd = (uint64_t)h->nr_nodes * h->nr_nodes;
	if (nd > (uint64_t)(c->end - c->p))
		c->bad = 1;
	else if (nd && (h->node_distance = calloc(nd, sizeof(uint32_t))))
		for (uint64_t i = 0; i < nd; i++)
			h->node_distance[i] = (uint32_t)mmt_cur_uv(c);
	else if (nd)
		c->bad = 1;
	if (c->bad)
		h->nr_nodes = 0;
	h->zones = zones_decode(c, &h->nr_zones);
	h->sysctls = kv_decode(c, &h->nr_sysctls);
	h->gfp_bits = nv_decode(c, &h->nr_gfp_bits);
	h->migratetypes = nv_decode(c, &h->nr_migratetypes);
	h->zone_types = nv_decode(c, &h->nr_zone_types);
	h->slab_caches = cur_array(c, &h->nr_slab_caches, 6,
				   sizeof(*h->slab_caches));
	for (uint32_t i = 0; i < h->nr_slab_caches; i++) {
		struct mmt_slab_cache *s = &h->slab_caches[i];
		mmt_cur_str(c, s->name, sizeof(s->name));
		s->object_size = (uint32_t)mmt_cur_uv(c);
		s->slab_size = (uint32_t)mmt_cur_uv(c);
		s->objs_per_slab = (uint32_t)mmt_cur_uv(c);
		s->order = (uint32_t)mmt_cur_uv(c);
		s->align = (uint32_t)mmt_cur_uv(c);
	}
	h->notes = kv_decode(c, &h->nr_notes);
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
}

int mmt_snapshot_decode(struct mmt_cur *c, struct mmt_snapshot *s)
{
	uint64_t prev = 0;

	memset(s, 0, sizeof(*s));
	s->ts = mmt_cur_uv(c);
	s->flags = (uint32_t)mmt_cur_uv(c);
	s->nr_free_blocks = mmt_cur_count(c, 4);
	if (s->nr_free_blocks &&
	    !(s->free_blocks = calloc(s->nr_free_blocks, sizeof(*s->free_blocks))))
		goto bad;
	for (uint64_t i = 0; i < s->nr_free_blocks && !c->bad; i++) {
		struct mmt_free_block *f = &s->free_blocks[i];
		f->pfn = prev + (uint64_t)mmt_cur_sv(c);
		prev = f->pfn;
		f->order = (uint8_t)mmt_cur_uv(c);
		f->mt = (int8_t)mmt_cur_sv(c);
		f->exact = (uint8_t)mmt_cur_uv(c);
	}
	prev = 0;
	s->nr_runs = mmt_cur_count(c, 3);
	if (s->nr_runs && !(s->runs = calloc(s->nr_runs, sizeof(*s->runs))))
		goto bad;
	for (uint64_t i = 0; i < s->nr_runs && !c->bad; i++) {
		struct mmt_class_run *r = &s->runs[i];
		r->pfn = prev + (uint64_t)mmt_cur_sv(c);
		r->len = mmt_cur_uv(c);
		r->cls = (uint8_t)mmt_cur_uv(c);
		prev = r->pfn + r->len;
	}
	s->pageblock_base = mmt_cur_uv(c);
	s->nr_pageblocks = mmt_cur_count(c, 1);
	if (s->nr_pageblocks) {
		if (!(s->pageblock_mt = malloc(s->nr_pageblocks)))
			goto bad;
		memcpy(s->pageblock_mt, c->p, s->nr_pageblocks);
		c->p += s->nr_pageblocks;
	}
	s->zones = zones_decode(c, &s->nr_zones);
	for (int n = 0; n < 8; n++)
		for (int z = 0; z < MMT_MAX_ZONE_TYPES; z++)
			for (int o = 0; o < MMT_NR_ORDERS; o++)
				s->buddyinfo[n][z][o] = mmt_cur_uv(c);
	s->vmstat = kv_decode(c, &s->nr_vmstat);
	if (c->bad)
		goto bad;
	return 0;
bad:
	c->bad = 1;
	mmt_snapshot_free(s);
	return -1;
}
