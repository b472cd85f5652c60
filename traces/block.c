/* SPDX-License-Identifier: MIT */
/*
 * Event blocks: column-oriented, delta-coded, varint-packed (FORMAT.md,
 * "Event blocks").  Each field of each kind is its own column, delta-coded
 * against the previous event of the same kind, so that a fault loop's
 * "addr + 4096", a constant gfp or a pcp list walking down pfns turn into
 * long runs of one or two byte values that zstd then nearly erases.
 *
 * Decoding is the replay's hot path: one pass, no allocation but one small
 * state array, one bound check per varint, branch-free struct fill.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"

#define NF 16	/* fields per event besides ts and kind, in this order: */
enum {
	F_CPU, F_PID, F_PFN, F_ADDR, F_SITE, F_GFP, F_ORDER, F_MT, F_MT2,
	F_NODE, F_OFFSET, F_CACHE, F_BYTES_REQ, F_BYTES_ALLOC, F_ARG, F_ARG2
};

#define NO_KIND 0xffff

_Static_assert(MMT_FIELD_CPU == 1u << F_CPU && MMT_FIELD_PFN == 1u << F_PFN &&
	       MMT_FIELD_SITE == 1u << F_SITE && MMT_FIELD_GFP == 1u << F_GFP &&
	       MMT_FIELD_CACHE == 1u << F_CACHE && MMT_FIELD_ARG2 == 1u << F_ARG2,
	       "MMT_FIELD_* bits follow the column order");

static void ev_fields(const struct mmt_event *e, uint64_t v[NF])
{
	v[F_CPU] = e->cpu;
	v[F_PID] = e->pid;
	v[F_PFN] = e->pfn;
	v[F_ADDR] = e->addr;
	v[F_SITE] = e->site;
	v[F_GFP] = e->gfp;
	v[F_ORDER] = e->order;
	v[F_MT] = (uint64_t)(int64_t)e->mt;
	v[F_MT2] = (uint64_t)(int64_t)e->mt2;
	v[F_NODE] = (uint64_t)(int64_t)e->node;
	v[F_OFFSET] = e->offset;
	v[F_CACHE] = e->cache;
	v[F_BYTES_REQ] = e->bytes_req;
	v[F_BYTES_ALLOC] = e->bytes_alloc;
	v[F_ARG] = e->arg;
	v[F_ARG2] = e->arg2;
}

static unsigned uv_len(uint64_t v)
{
	unsigned n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/*
 * Call sites are hashes or symbol ids: delta coding them makes noise, but
 * they repeat a lot.  So the site column holds an index into a per-block
 * table of distinct sites (first-seen order), stored once as 8-byte values.
 */
struct site_map {
	uint64_t *key;
	uint32_t *val;		/* index + 1; 0 = empty slot */
	size_t cap;
	uint64_t *table;	/* distinct sites, first-seen order */
	uint32_t n;
};

/* Sized for the distinct sites, not the events (a block has a few hundred
 * or thousand), so encoding a block touches little memory. */
static int site_map_alloc(struct site_map *m, size_t cap)
{
	m->cap = cap;
	m->key = malloc(cap * sizeof(*m->key));
	m->val = calloc(cap, sizeof(*m->val));
	m->table = malloc(cap / 2 * sizeof(*m->table));
	m->n = 0;
	return m->key && m->val && m->table ? 0 : -1;
}

static void site_map_free(struct site_map *m)
{
	free(m->key);
	free(m->val);
	free(m->table);
}

static size_t site_slot(const struct site_map *m, uint64_t site)
{
	size_t i = (size_t)((site * 0x9e3779b97f4a7c15ull) >> 20) & (m->cap - 1);
	while (m->val[i] && m->key[i] != site)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Doubles the map, keeping indexes (the table order is the index). */
static int site_map_grow(struct site_map *m)
{
	struct site_map g;
	if (site_map_alloc(&g, m->cap * 2)) {
		site_map_free(&g);
		return -1;
	}
	for (uint32_t j = 0; j < m->n; j++) {
		size_t i = site_slot(&g, m->table[j]);
		g.key[i] = m->table[j];
		g.val[i] = j + 1;
		g.table[j] = m->table[j];
	}
	g.n = m->n;
	site_map_free(m);
	*m = g;
	return 0;
}

/* Index of `site`, adding it when new; -1 when out of memory. */
static int64_t site_index(struct site_map *m, uint64_t site)
{
	size_t i = site_slot(m, site);
	if (m->val[i])
		return m->val[i] - 1;
	if ((size_t)m->n + 1 > m->cap / 2) {
		if (site_map_grow(m))
			return -1;
		i = site_slot(m, site);
	}
	m->key[i] = site;
	m->table[m->n] = site;
	m->val[i] = ++m->n;
	return m->n - 1;
}

static uint64_t m_val(const struct site_map *m, uint64_t site)
{
	return m->val[site_slot(m, site)] - 1;
}

/*
 * Slab kinds (those that carry a cache index) keep their previous values
 * per cache slot (cache % NSLOTS) from block layout 2 on: one cache's
 * objects come from the same few slab pages, while the events of many
 * caches interleave.  cpu, pid and cache itself stay per kind.
 */
#define NSLOTS 64
#define BASE_FIELDS ((1u << F_CPU) | (1u << F_PID) | (1u << F_CACHE))

/* The field whose value picks a kind's slot of previous values, or -1.
 * Layout 3 adds user faults by process (pid % NSLOTS): each process
 * walks its own addresses (a page further each fault when it touches
 * memory in order) while several interleave. */
#define ROW_LAYOUT_PID 3
static int row_key(unsigned kind, uint32_t mask, int layout)
{
	if (layout >= 2 && (mask & (1u << F_CACHE)))
		return F_CACHE;
	if (layout >= ROW_LAYOUT_PID && kind == MMT_EV_FAULT_USER &&
	    (mask & (1u << F_PID)))
		return F_PID;
	return -1;
}

/*
 * Layout 3: the pfn of a page_alloc or pcp_drain is mostly a page the
 * same block saw go onto a pcp list a little earlier, as a page_free
 * (free_unref_page_commit() puts it at the list's head, where the next
 * allocation takes it) or a pcp_refill (rmqueue_bulk() adds at the tail;
 * free_pcppages_bulk() drains from there).  So its column entry names
 * that earlier event instead of spelling the pfn: the low two bits say
 * how (REF_LITERAL: the rest is the zigzag delta from the kind's previous
 * pfn, as other columns; REF_FREE, REF_REFILL: the rest is the zigzag
 * difference between the source event's index among the block's events
 * of that kind and the index after the kind's previous reference to it;
 * REF_WIDE: a delta too wide for the rest, whose zigzag is the column's
 * next entry).
 * Allocations pop the newest free and take refilled pages in order, so
 * the differences are small.  Measured on a 60 s pressure capture (29.3 M
 * events): page_alloc's pfn column 2.21 -> 0.87 zstd bytes an event,
 * pcp_drain's 1.91 -> 0.77 (each column compressed alone); the blocks
 * 2.20 -> 2.01 bytes an event (zstd had matched part of it across
 * columns before), 1.96 with the fault slots above.
 */
#define REF_LAYOUT 3
enum { REF_LITERAL, REF_FREE, REF_REFILL, REF_WIDE };
#define NSRC 2		/* sources: REF_FREE - 1, REF_REFILL - 1 */

static int ref_src(unsigned kind)
{
	return kind == MMT_EV_PAGE_FREE ? 0 :
	       kind == MMT_EV_PCP_REFILL ? 1 : -1;
}

static int ref_dep(unsigned kind)
{
	return kind == MMT_EV_PAGE_ALLOC || kind == MMT_EV_PCP_DRAIN;
}

/* Fields a kind with slots still delta-codes per kind: cpu, pid, cache,
 * and in layout 3 the pfn of the sources and dependents, which the
 * references index per kind.  (Only synthetic page events carry a
 * cache.) */
static uint32_t per_kind_fields(unsigned kind, int layout)
{
	if (layout >= REF_LAYOUT && (ref_src(kind) >= 0 || ref_dep(kind)))
		return BASE_FIELDS | 1u << F_PFN;
	return BASE_FIELDS;
}

/* Per-kind encoder state: which fields are stored, previous values, and
 * each column's length and write position. */
struct enc_kind {
	uint16_t kind;
	uint16_t mask;
	uint64_t prev[NF];
	uint64_t (*rows)[NF];	/* [NSLOTS] when row_key() >= 0, else NULL */
	int key;		/* row_key() */
	size_t len[NF];
	uint8_t *out[NF];
	size_t ts_len;
	uint8_t *ts_out;
	int src;		/* ref_src() */
	uint32_t nsrc;		/* events so far, for a source kind */
	uint64_t expect[NSRC];	/* a dependent kind: index after its last
				 * reference to each source */
};

/* The newest source event of each pfn: its index among its kind's events
 * and its position in the block, per source. */
struct ref_slot {
	uint64_t pfn;
	uint32_t idx[NSRC];	/* index + 1; 0 = none */
	uint32_t at[NSRC];	/* event number in the block */
};

struct ref_map {
	struct ref_slot *slot;
	size_t cap;		/* a power of two, at least twice the sources */
};

static struct ref_slot *ref_find(struct ref_map *m, uint64_t pfn)
{
	size_t i = (size_t)((pfn * 0x9e3779b97f4a7c15ull) >> 24) & (m->cap - 1);

	while ((m->slot[i].idx[0] || m->slot[i].idx[1]) && m->slot[i].pfn != pfn)
		i = (i + 1) & (m->cap - 1);
	return &m->slot[i];
}

static void ref_note(struct ref_map *m, struct enc_kind *k, uint64_t v,
		     size_t i)
{
	struct ref_slot *r = ref_find(m, v);

	r->pfn = v;
	r->idx[k->src] = ++k->nsrc;
	r->at[k->src] = (uint32_t)i;
}

/* Kinds present, ascending, and the mask of fields that are ever non-zero
 * for each (a field that is zero for all events of a kind is not stored). */
static unsigned scan_kinds(const struct mmt_event *ev, size_t n,
			   uint16_t kidx[256], struct enc_kind *ek,
			   size_t *nsrc)
{
	uint16_t mask[256] = { 0 };
	uint8_t seen[256] = { 0 };
	unsigned nk = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t v[NF];
		unsigned k = ev[i].kind & 0xff;
		ev_fields(&ev[i], v);
		seen[k] = 1;
		*nsrc += ref_src(k) >= 0;
		for (int f = 0; f < NF; f++)
			if (v[f])
				mask[k] |= (uint16_t)(1u << f);
	}
	for (unsigned k = 0; k < 256; k++) {
		kidx[k] = NO_KIND;
		if (!seen[k])
			continue;
		memset(&ek[nk], 0, sizeof(ek[nk]));
		ek[nk].kind = (uint16_t)k;
		ek[nk].mask = mask[k];
		ek[nk].src = ref_src(k);
		ek[nk].key = row_key(k, mask[k], MMT_MINOR_VERSION);
		if (ek[nk].key >= 0 &&
		    !(ek[nk].rows = calloc(NSLOTS, sizeof(*ek[nk].rows))))
			return (unsigned)-1;
		kidx[k] = (uint16_t)nk++;
	}
	return nk;
}

static uint64_t *enc_prev(struct enc_kind *k, const uint64_t *v, int f)
{
	if (k->rows && !((1u << f) & per_kind_fields(k->kind, MMT_MINOR_VERSION)))
		return &k->rows[v[k->key] % NSLOTS][f];
	return &k->prev[f];
}

/* A dependent kind's pfn entry: a reference to the newest earlier source
 * event with pfn v, or the delta when that is shorter (a run of
 * neighbouring pfns) or there is none.  A delta too wide for the tag
 * bits is REF_WIDE, the delta's zigzag following as an entry of its
 * own. */
static uint64_t pfn_entry(struct ref_map *m, struct enc_kind *k, uint64_t v)
{
	uint64_t z = mmt_zigzag((int64_t)(v - k->prev[F_PFN]));
	uint64_t lit = z >> 62 ? REF_WIDE : z << 2 | REF_LITERAL;
	struct ref_slot *r = ref_find(m, v);
	int s = -1;

	k->prev[F_PFN] = v;
	for (int j = 0; j < NSRC; j++)
		if (r->idx[j] && (s < 0 || r->at[j] > r->at[s]))
			s = j;
	if (s < 0)
		return lit;
	uint64_t idx = r->idx[s] - 1;
	uint64_t ref = mmt_zigzag((int64_t)(idx - k->expect[s])) << 2 |
		       (uint64_t)(REF_FREE + s);

	if (lit != REF_WIDE && uv_len(lit) < uv_len(ref))
		return lit;
	k->expect[s] = idx + 1;
	return ref;
}

static unsigned pfn_entry_len(uint64_t e, uint64_t v, uint64_t prev)
{
	return uv_len(e) + (e == REF_WIDE ? uv_len(mmt_zigzag((int64_t)(v - prev))) : 0);
}

/* The entry of field f of event v of kind k (site excepted), updating
 * the previous values. */
static uint64_t field_entry(struct enc_kind *k, const uint64_t *v, int f)
{
	uint64_t *p = enc_prev(k, v, f);
	uint64_t d = mmt_zigzag((int64_t)(v[f] - *p));

	*p = v[f];
	return d;
}

/* The kinds a block holds (1 at least): an encoder's state is ~450 bytes
 * a kind, and zeroing it for all 256 was two thirds of the writer's time
 * on the short blocks fuzz_replay's generator writes. */
static unsigned nr_kinds(const struct mmt_event *ev, size_t n)
{
	uint8_t seen[256] = { 0 };
	unsigned k = 0;

	for (size_t i = 0; i < n; i++) {
		k += !seen[ev[i].kind & 0xff];
		seen[ev[i].kind & 0xff] = 1;
	}
	return k ? k : 1;
}

void mmt_block_encode(struct mmt_buf *b, const struct mmt_event *ev, size_t n)
{
	uint16_t kidx[256];
	struct enc_kind *ek = calloc(nr_kinds(ev, n), sizeof(*ek));
	struct site_map sm;
	struct ref_map rm = { NULL, 0 };
	uint64_t *pfn_code = NULL;	/* [n]: dependent kinds' pfn entries */
	size_t nsrc = 0;
	unsigned nk = 0;

	if (site_map_alloc(&sm, 1024) || !ek ||
	    (nk = scan_kinds(ev, n, kidx, ek, &nsrc)) == (unsigned)-1) {
		nk = nr_kinds(ev, n);	/* free whatever rows were allocated */
		b->oom = 1;
		goto out;
	}
	for (rm.cap = 16; rm.cap < 2 * nsrc; rm.cap *= 2)
		;
	if (!(rm.slot = calloc(rm.cap, sizeof(*rm.slot))) ||
	    !(pfn_code = malloc((n ? n : 1) * sizeof(*pfn_code)))) {
		b->oom = 1;
		goto out;
	}
	uint64_t base = n ? ev[0].ts : 0, prev_ts = base;

	/* Pass 1: column lengths. */
	for (size_t i = 0; i < n; i++) {
		struct enc_kind *k = &ek[kidx[ev[i].kind & 0xff]];
		uint64_t v[NF];
		k->ts_len += uv_len(mmt_zigzag((int64_t)(ev[i].ts - prev_ts)));
		prev_ts = ev[i].ts;
		ev_fields(&ev[i], v);
		if (k->mask & (1u << F_SITE)) {
			int64_t si = site_index(&sm, v[F_SITE]);
			if (si < 0) {
				b->oom = 1;
				goto out;
			}
			k->len[F_SITE] += uv_len((uint64_t)si);
		}
		for (int f = 0; f < NF; f++) {
			if (!(k->mask & (1u << f)) || f == F_SITE)
				continue;
			if (f == F_PFN && ref_dep(k->kind)) {
				uint64_t prev = k->prev[F_PFN];

				pfn_code[i] = pfn_entry(&rm, k, v[F_PFN]);
				k->len[f] += pfn_entry_len(pfn_code[i], v[F_PFN], prev);
				continue;
			}
			k->len[f] += uv_len(field_entry(k, v, f));
		}
		if (k->src >= 0)
			ref_note(&rm, k, v[F_PFN], i);
	}

	/* Block preamble: counts, kinds with masks, column lengths. */
	mmt_buf_uv(b, n);
	mmt_buf_uv(b, base);
	mmt_buf_uv(b, nk);
	for (unsigned j = 0; j < nk; j++) {
		mmt_buf_uv(b, ek[j].kind);
		mmt_buf_uv(b, ek[j].mask);
	}
	size_t total = n;
	for (unsigned j = 0; j < nk; j++) {
		mmt_buf_uv(b, ek[j].ts_len);
		total += ek[j].ts_len;
		for (int f = 0; f < NF; f++)
			if (ek[j].mask & (1u << f)) {
				mmt_buf_uv(b, ek[j].len[f]);
				total += ek[j].len[f];
			}
	}
	mmt_buf_uv(b, sm.n);
	total += (size_t)sm.n * 8;
	if (mmt_buf_reserve(b, total))
		goto out;

	/* Pass 2: write the columns in place. */
	uint8_t *kinds = b->p + b->len;
	uint8_t *pos = kinds + n;
	for (unsigned j = 0; j < nk; j++) {
		ek[j].ts_out = pos;
		pos += ek[j].ts_len;
		for (int f = 0; f < NF; f++)
			if (ek[j].mask & (1u << f)) {
				ek[j].out[f] = pos;
				pos += ek[j].len[f];
				ek[j].prev[f] = 0;
			}
		if (ek[j].rows)
			memset(ek[j].rows, 0, NSLOTS * sizeof(*ek[j].rows));
	}
	prev_ts = base;
	for (size_t i = 0; i < n; i++) {
		struct enc_kind *k = &ek[kidx[ev[i].kind & 0xff]];
		uint64_t v[NF];
		kinds[i] = (uint8_t)ev[i].kind;
		k->ts_out = mmt_uv_write(k->ts_out,
					 mmt_zigzag((int64_t)(ev[i].ts - prev_ts)));
		prev_ts = ev[i].ts;
		ev_fields(&ev[i], v);
		if (k->mask & (1u << F_SITE))	/* present since pass 1 */
			k->out[F_SITE] = mmt_uv_write(k->out[F_SITE],
				m_val(&sm, v[F_SITE]));
		for (int f = 0; f < NF; f++) {
			if (!(k->mask & (1u << f)) || f == F_SITE)
				continue;
			if (f != F_PFN || !ref_dep(k->kind)) {
				k->out[f] = mmt_uv_write(k->out[f], field_entry(k, v, f));
				continue;
			}
			k->out[f] = mmt_uv_write(k->out[f], pfn_code[i]);
			if (pfn_code[i] == REF_WIDE)	/* prev: pass 2's own */
				k->out[f] = mmt_uv_write(k->out[f],
					mmt_zigzag((int64_t)(v[F_PFN] - k->prev[F_PFN])));
			k->prev[F_PFN] = v[F_PFN];
		}
	}
	for (uint32_t i = 0; i < sm.n; i++)
		mmt_put_le64(pos + 8 * (size_t)i, sm.table[i]);
	b->len += total;
out:
	site_map_free(&sm);
	free(rm.slot);
	free(pfn_code);
	for (unsigned j = 0; ek && j < nk; j++)
		free(ek[j].rows);
	free(ek);
}

/* ---- value ranges ------------------------------------------------------- */

static const char *const field_name[NF] = {
	"cpu", "pid", "pfn", "addr", "site", "gfp", "order", "mt", "mt2",
	"node", "offset", "cache", "bytes_req", "bytes_alloc", "arg", "arg2",
};

/* Value v of a field is in range when v + bias <= max (64-bit wrap:
 * bias 2^31 turns a signed 32-bit range into an unsigned one). */
struct mmt_ev_range {
	uint64_t bias, max;
};

#define U16 { 0, UINT16_MAX }
#define U32 { 0, UINT32_MAX }
#define S32 { 1ull << 31, UINT32_MAX }
#define U64 { 0, UINT64_MAX }

/* struct mmt_event's field types: a wider value would be cut silently */
static const struct mmt_ev_range type_width[NF] = {
	[F_CPU] = U16, [F_PID] = U32, [F_PFN] = U64, [F_ADDR] = U64,
	[F_SITE] = U64, [F_GFP] = U64, [F_ORDER] = U32, [F_MT] = S32,
	[F_MT2] = S32, [F_NODE] = S32, [F_OFFSET] = U32, [F_CACHE] = U32,
	[F_BYTES_REQ] = U32, [F_BYTES_ALLOC] = U32, [F_ARG] = U64,
	[F_ARG2] = U64,
};

/* Kinds whose order is an allocation order (event.h), and those whose mt
 * is a migratetype of the recording kernel. */
static const uint8_t order_kinds[] = {
	MMT_EV_PAGE_ALLOC, MMT_EV_PAGE_FREE, MMT_EV_PCP_REFILL,
	MMT_EV_PCP_DRAIN, MMT_EV_EXTFRAG, MMT_EV_DIRECT_RECLAIM_BEGIN,
	MMT_EV_KSWAPD_WAKE, MMT_EV_WAKEUP_KSWAPD, MMT_EV_NODE_RECLAIM_BEGIN,
	MMT_EV_COMPACT_TRY, MMT_EV_FILEMAP_ADD, MMT_EV_FILEMAP_DEL,
	MMT_EV_COMPACT_ISOLATE, MMT_EV_MIGRATE, MMT_EV_KCOMPACTD_WAKE,
	MMT_EV_MEMCG_RECLAIM_BEGIN,
	/* not COMPACT_SUITABLE/FINISHED/DEFER: compaction of a whole node
	 * (compact_node(), /proc/sys/vm/compact_memory) has order -1 */
};
static const uint8_t mt_kinds[] = {
	MMT_EV_PAGE_ALLOC, MMT_EV_PCP_REFILL, MMT_EV_PCP_DRAIN, MMT_EV_EXTFRAG,
};
static const uint8_t slab_kinds[] = {
	MMT_EV_KMALLOC, MMT_EV_KMEM_CACHE_ALLOC, MMT_EV_KFREE,
	MMT_EV_KMEM_CACHE_FREE,
};

void mmt_ev_limits_init(struct mmt_ev_limits *l, const struct mmt_header *h)
{
	l->max_order = h->max_order;
	l->max_offset = h->page_size ? h->page_size - 1 : UINT32_MAX;
	/* the collector names unknown caches by the table's last entry */
	l->max_cache = h->nr_slab_caches ? h->nr_slab_caches - 1 : UINT32_MAX;
}

static int kind_in(unsigned kind, const uint8_t *kinds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (kinds[i] == kind)
			return 1;
	return 0;
}

/* The ranges of one kind's fields.  cpu, pid, pfn, node and the rest stay
 * within their types only: cpus come and go (hotplug), node ids can be
 * sparse, a pfn is MMT_NO_PFN for a failed allocation; consumers check
 * them against their model. */
static void kind_ranges(unsigned kind, const struct mmt_ev_limits *l,
			struct mmt_ev_range rng[NF])
{
	memcpy(rng, type_width, sizeof(type_width));
	if (!l)
		return;
	if (kind_in(kind, order_kinds, sizeof(order_kinds)))
		rng[F_ORDER] = (struct mmt_ev_range){ 0, l->max_order };
	if (kind_in(kind, mt_kinds, sizeof(mt_kinds)))
		rng[F_MT] = (struct mmt_ev_range){ 1, MMT_MAX_MT };
	if (kind_in(kind, slab_kinds, sizeof(slab_kinds)))
		rng[F_OFFSET] = (struct mmt_ev_range){ 0, l->max_offset };
	if (kind == MMT_EV_KMEM_CACHE_ALLOC || kind == MMT_EV_KMEM_CACHE_FREE)
		rng[F_CACHE] = (struct mmt_ev_range){ 0, l->max_cache };
}

static int in_range(const struct mmt_ev_range *r, uint64_t v)
{
	return v + r->bias <= r->max;
}

/* ---- decoding ------------------------------------------------------------- */

struct dec_col {
	const uint8_t *p, *end;
};

struct dec_kind {
	uint64_t v[NF];
	struct dec_col *tsp;	/* &ts, or the block's shared ts column (layout 0) */
	struct dec_col ts;
	struct dec_col col[NF];
	uint32_t mask;		/* delta-coded per kind (site excluded) */
	uint32_t row_mask;	/* delta-coded per slot (layout >= 2) */
	uint64_t *rows;		/* [NSLOTS][nrow] when has_rows, else NULL:
				 * a slot's value of field f at rix[f] */
	int has_rows;		/* row_key() >= 0 */
	int key;		/* row_key() */
	unsigned nrow;
	uint8_t rix[NF];
	int has_site;
	int src;		/* layout 3: a source kind (ref_src()), or -1 */
	int dep;		/* layout 3: pfn column of references */
	int pfn_out;		/* a source whose pfns go to out[] */
	int pfn_col;		/* the block stores the kind's pfns */
	uint32_t nall;		/* events of the kind so far in the block */
	uint64_t expect[NSRC];	/* dep: index after the last reference */
	int sel;		/* decoded (mmt_block_decode_sel's kinds) */
	unsigned kind;
	struct mmt_ev_range rng[NF];	/* what each field may hold */
};

struct dec_sites {
	const uint8_t *table;
	uint64_t n;
};

/* Reads one varint.  The caller's buffer has MMT_BLOCK_PAD readable bytes
 * past the block, so checking p < end before reading keeps every access in
 * bounds; a column that runs past its end is caught by the p > end check
 * after the loop. */
static inline int rd_uv(struct dec_col *c, uint64_t *out)
{
	const uint8_t *p = c->p;
	if (p >= c->end)
		return -1;
	uint64_t v = *p++;
	if (v < 0x80) {
		c->p = p;
		*out = v;
		return 0;
	}
	v &= 0x7f;
	for (int shift = 7; shift < 70; shift += 7) {
		uint64_t byte = *p++;
		v |= (byte & 0x7f) << shift;
		if (byte < 0x80) {
			c->p = p;
			*out = v;
			return 0;
		}
	}
	return -1;
}

/* Column lengths of layout 1: per kind, ts then each stored field; then
 * the site table.  Each length must fit in what is left (no overflow). */
static int layout1_lengths(struct mmt_cur *c, unsigned nk, struct dec_kind *dk,
			   uint64_t *cols, uint64_t *total, struct dec_sites *sites)
{
	uint64_t left = (uint64_t)(c->end - c->p);
	unsigned ncols = 0;
	for (unsigned j = 0; j < nk; j++)
		for (int f = -1; f < NF; f++)
			if (f < 0 || (dk[j].mask & (1u << f))) {
				cols[ncols] = mmt_cur_uv(c);
				if (cols[ncols] > left)
					return -1;
				*total += cols[ncols++];
			}
	sites->n = mmt_cur_uv(c);
	if (sites->n > left / 8)
		return -1;
	*total += sites->n * 8;
	return 0;
}

/* Layout 0 (minor version 0 files): one ts column shared by all kinds,
 * then each stored field's column; sites delta-coded like other fields. */
static int layout0_lengths(struct mmt_cur *c, unsigned nk, struct dec_kind *dk,
			   uint64_t *cols, uint64_t *total)
{
	uint64_t left = (uint64_t)(c->end - c->p);
	unsigned ncols = 0;
	cols[ncols] = mmt_cur_uv(c);		/* the shared ts column */
	if (cols[ncols] > left)
		return -1;
	*total += cols[ncols++];
	for (unsigned j = 0; j < nk; j++)
		for (int f = 0; f < NF; f++)
			if (dk[j].mask & (1u << f)) {
				cols[ncols] = mmt_cur_uv(c);
				if (cols[ncols] > left)
					return -1;
				*total += cols[ncols++];
			}
	return 0;
}

/* Parses the block preamble and lays out the columns.  Returns the number
 * of kinds or -1. */
static int parse_layout(struct mmt_cur *c, int layout, uint32_t n,
			uint64_t *base, uint16_t kidx[256], struct dec_kind *dk,
			struct dec_col *kinds, struct dec_col *shared_ts,
			struct dec_sites *sites)
{
	uint64_t cols[256 * (NF + 1) + 1];
	uint64_t nev = mmt_cur_uv(c);
	*base = mmt_cur_uv(c);
	uint64_t nk = mmt_cur_uv(c);
	unsigned ncols = 0;

	if (c->bad || nev != n || nk > 256)
		return -1;
	for (unsigned k = 0; k < 256; k++)
		kidx[k] = NO_KIND;
	for (unsigned j = 0; j < nk; j++) {
		uint64_t kind = mmt_cur_uv(c), mask = mmt_cur_uv(c);
		if (c->bad || kind > 255 || mask >> NF || kidx[kind] != NO_KIND)
			return -1;
		kidx[kind] = (uint16_t)j;
		memset(&dk[j], 0, sizeof(dk[j]));
		dk[j].mask = (uint32_t)mask;
	}
	uint64_t total = n;
	sites->n = 0;
	if (layout == 0 ? layout0_lengths(c, (unsigned)nk, dk, cols, &total) :
	    layout1_lengths(c, (unsigned)nk, dk, cols, &total, sites))
		return -1;
	if (c->bad || total != (uint64_t)(c->end - c->p))
		return -1;
	kinds->p = c->p;
	kinds->end = c->p + n;
	const uint8_t *pos = kinds->end;
	if (layout == 0) {
		shared_ts->p = pos;
		pos += cols[ncols++];
		shared_ts->end = pos;
	}
	for (unsigned j = 0; j < nk; j++) {
		dk[j].tsp = layout == 0 ? shared_ts : &dk[j].ts;
		for (int f = layout == 0 ? 0 : -1; f < NF; f++)
			if (f < 0 || (dk[j].mask & (1u << f))) {
				struct dec_col *col = f < 0 ? &dk[j].ts : &dk[j].col[f];
				col->p = pos;
				pos += cols[ncols++];
				col->end = pos;
			}
	}
	sites->table = pos;
	if (layout == 0)
		return (int)nk;
	for (unsigned kind = 0; kind < 256; kind++) {
		struct dec_kind *k = kidx[kind] == NO_KIND ? NULL : &dk[kidx[kind]];

		if (!k)
			continue;
		k->pfn_col = !!(k->mask & (1u << F_PFN));
		k->src = layout >= REF_LAYOUT ? ref_src(kind) : -1;
		k->dep = layout >= REF_LAYOUT && ref_dep(kind) &&
			 (k->mask & (1u << F_PFN));
		if (k->dep)	/* its own decoder: ref_column() */
			k->mask &= ~(1u << F_PFN);
	}
	for (unsigned kind = 0; kind < 256; kind++) {
		unsigned j = kidx[kind];

		if (j == NO_KIND)
			continue;
		dk[j].has_site = !!(dk[j].mask & (1u << F_SITE));
		dk[j].mask &= ~(1u << F_SITE);
		if ((dk[j].key = row_key(kind, dk[j].mask, layout)) < 0)
			continue;
		dk[j].has_rows = 1;	/* rows from the cursor's pool */
		dk[j].row_mask = dk[j].mask & ~per_kind_fields(kind, layout);
		dk[j].mask &= per_kind_fields(kind, layout);
	}
	return (int)nk;
}

static int columns_consumed(const struct dec_kind *dk, int nk)
{
	for (int j = 0; j < nk; j++) {
		if (dk[j].tsp->p != dk[j].tsp->end)
			return 0;
		if (dk[j].has_site && dk[j].col[F_SITE].p != dk[j].col[F_SITE].end)
			return 0;
		if ((dk[j].dep || dk[j].src >= 0) &&
		    dk[j].col[F_PFN].p != dk[j].col[F_PFN].end)
			return 0;
		for (int f = 0; f < NF; f++)
			if (((dk[j].mask | dk[j].row_mask) & (1u << f)) &&
			    dk[j].col[f].p != dk[j].col[f].end)
				return 0;
	}
	return 1;
}

/* Marks which kinds to decode and narrows their field masks to `fields`.
 * A kind with per-slot rows needs its key field (row_key()) to find the
 * row. */
static void select_fields(struct dec_kind *dk, const uint16_t kidx[256],
			  uint64_t kinds, uint32_t fields,
			  const uint32_t *by_kind)
{
	for (unsigned kind = 0; kind < 256; kind++) {
		struct dec_kind *k;
		uint32_t f = fields;

		if (kidx[kind] == NO_KIND)
			continue;
		k = &dk[kidx[kind]];
		if (by_kind) {
			f = kind < 64 ? by_kind[kind] : 0;
			k->sel = f != 0;
		} else {
			k->sel = kinds == UINT64_MAX ||
				 (kind < 64 && ((kinds >> kind) & 1));
		}
		if (k->rows && (k->row_mask & f))
			f |= 1u << k->key;
		k->has_site = k->has_site && (f & (1u << F_SITE));
		k->dep = k->dep && k->sel && (f & (1u << F_PFN));
		k->pfn_out = k->sel && (f & (1u << F_PFN)) &&
			     (k->mask & (1u << F_PFN));
		k->mask &= f;
		k->row_mask &= f;
	}
}

/* Layout 3: when a dependent kind's pfns are wanted, the sources' pfns
 * are decoded for every event of theirs (ref_sources()), wanted or not;
 * otherwise the sources are plain kinds.  Returns whether they are. */
static int select_sources(struct dec_kind *dk, int nk)
{
	int need = 0;

	for (int j = 0; j < nk; j++)
		need |= dk[j].dep;
	for (int j = 0; j < nk; j++) {
		if (dk[j].src < 0)
			continue;
		if (!need)
			dk[j].src = -1;
		else
			dk[j].mask &= ~(1u << F_PFN);	/* ref_sources() */
	}
	return need;
}

/*
 * Decoding goes a chunk of events at a time, and inside a chunk a column
 * at a time: first the kinds and ts in event order (ts is delta-coded
 * across all kinds), then for each kind each of its columns in one tight
 * loop.  Events of different kinds interleave at random, so decoding an
 * event's fields one after another mispredicts at every kind change;
 * within one column the loop is the same every time.  A chunk's events
 * (24 KiB) stay in the L1 cache between the passes.  Unselected kinds
 * still have their ts read; their other columns are left unread: each
 * column is its own byte run, so skipping it costs nothing.
 */
#define CHUNK MMT_BLOCK_CHUNK

/* Where each field lands in struct mmt_event, and its width. */
static const struct { uint8_t off, size; } ev_field[NF] = {
	[F_CPU] = { offsetof(struct mmt_event, cpu), 2 },
	[F_PID] = { offsetof(struct mmt_event, pid), 4 },
	[F_PFN] = { offsetof(struct mmt_event, pfn), 8 },
	[F_ADDR] = { offsetof(struct mmt_event, addr), 8 },
	[F_SITE] = { offsetof(struct mmt_event, site), 8 },
	[F_GFP] = { offsetof(struct mmt_event, gfp), 8 },
	[F_ORDER] = { offsetof(struct mmt_event, order), 4 },
	[F_MT] = { offsetof(struct mmt_event, mt), 4 },
	[F_MT2] = { offsetof(struct mmt_event, mt2), 4 },
	[F_NODE] = { offsetof(struct mmt_event, node), 4 },
	[F_OFFSET] = { offsetof(struct mmt_event, offset), 4 },
	[F_CACHE] = { offsetof(struct mmt_event, cache), 4 },
	[F_BYTES_REQ] = { offsetof(struct mmt_event, bytes_req), 4 },
	[F_BYTES_ALLOC] = { offsetof(struct mmt_event, bytes_alloc), 4 },
	[F_ARG] = { offsetof(struct mmt_event, arg), 8 },
	[F_ARG2] = { offsetof(struct mmt_event, arg2), 8 },
};

/* Stores v into a field `size` bytes wide, as the struct's own type
 * would truncate it. */
static inline void put_field(struct mmt_event *e, unsigned off, unsigned size,
			     uint64_t v)
{
	unsigned char *p = (unsigned char *)e + off;

	if (size == 2) {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, sizeof(x));
	} else if (size == 4) {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, sizeof(x));
	} else {
		memcpy(p, &v, sizeof(v));
	}
}

/* One delta-coded column of one kind over its n events in the chunk
 * (positions pos[] in out).  Inlined with a constant size.  A value out
 * of rng stops it with -2, the value left in *v. */
static inline int column_run(struct dec_col *c, uint64_t *v,
			     const uint16_t *pos, uint32_t n,
			     struct mmt_event *out, unsigned off, unsigned size,
			     struct mmt_ev_range rng, int check)
{
	uint64_t x = *v, d;

	for (uint32_t i = 0; i < n; i++) {
		if (rd_uv(c, &d))
			return -1;
		x += (uint64_t)mmt_unzigzag(d);
		if (__builtin_expect(check && x + rng.bias > rng.max, 0)) {
			*v = x;
			return -2;
		}
		put_field(&out[pos[i]], off, size, x);
	}
	*v = x;
	return 0;
}

/* 64-bit fields without a range (addresses, gfp masks, arguments) go
 * unchecked: nothing to cut, nothing to compare. */
static int column(struct dec_kind *k, int f, const uint16_t *pos, uint32_t n,
		  struct mmt_event *out)
{
	unsigned off = ev_field[f].off;
	struct mmt_ev_range rng = k->rng[f];

	switch (ev_field[f].size) {
	case 2:
		return column_run(&k->col[f], &k->v[f], pos, n, out, off, 2, rng, 1);
	case 4:
		return column_run(&k->col[f], &k->v[f], pos, n, out, off, 4, rng, 1);
	default:
		if (rng.max == UINT64_MAX && !rng.bias)
			return column_run(&k->col[f], &k->v[f], pos, n, out,
					  off, 8, rng, 0);
		return column_run(&k->col[f], &k->v[f], pos, n, out, off, 8, rng, 1);
	}
}

/* The site column (layout >= 1): indexes into the block's site table. */
static int site_column(struct dec_kind *k, const struct dec_sites *sites,
		       const uint16_t *pos, uint32_t n, struct mmt_event *out)
{
	uint64_t d;

	for (uint32_t i = 0; i < n; i++) {
		if (rd_uv(&k->col[F_SITE], &d) || d >= sites->n)
			return -1;
		out[pos[i]].site = mmt_le64(sites->table + 8 * d);
	}
	return 0;
}

/* Layout 2 slab kinds: the fields kept per cache slot, event by event
 * (the slot comes from the event's cache, decoded before). */
/* A value out of range: which field of which kind, and the value. */
struct bad_value {
	int f;
	uint64_t v;
};

static int row_columns(struct dec_kind *k, const uint16_t *pos, uint32_t n,
		       struct mmt_event *out, struct bad_value *bad)
{
	uint64_t d;

	for (uint32_t i = 0; i < n; i++) {
		struct mmt_event *e = &out[pos[i]];
		uint64_t key = k->key == F_CACHE ? e->cache : e->pid;
		uint64_t *row = k->rows + (size_t)(key % NSLOTS) * k->nrow;
		uint32_t m = k->row_mask;

		while (m) {
			int f = __builtin_ctz(m);
			uint64_t *v = &row[k->rix[f]];

			m &= m - 1;
			if (rd_uv(&k->col[f], &d))
				return -1;
			*v += (uint64_t)mmt_unzigzag(d);
			if (!in_range(&k->rng[f], *v)) {
				*bad = (struct bad_value){ f, *v };
				return -2;
			}
			put_field(e, ev_field[f].off, ev_field[f].size, *v);
		}
	}
	return 0;
}

/* Layout 3: a dependent kind's pfn column (see REF_LAYOUT), for its n
 * events of the chunk; lim[] has, for each, how many events of each
 * source kind the block had before it. */
static int ref_column(struct dec_kind *k, const uint16_t *pos, uint32_t n,
		      struct mmt_event *out, uint32_t (*lim)[NSRC],
		      uint64_t *const src[NSRC])
{
	struct dec_col *c = &k->col[F_PFN];
	uint64_t x = k->v[F_PFN], d;

	for (uint32_t i = 0; i < n; i++) {
		if (rd_uv(c, &d))
			return -1;
		unsigned tag = (unsigned)(d & 3);

		if (tag == REF_LITERAL) {
			x += (uint64_t)mmt_unzigzag(d >> 2);
		} else if (tag == REF_WIDE) {
			if (d >> 2 || rd_uv(c, &d))
				return -1;
			x += (uint64_t)mmt_unzigzag(d);
		} else {
			unsigned s = tag - REF_FREE;
			uint64_t idx = k->expect[s] + (uint64_t)mmt_unzigzag(d >> 2);

			if (idx >= lim[pos[i]][s])	/* an earlier event only */
				return -1;
			x = src[s][idx];
			k->expect[s] = idx + 1;
		}
		out[pos[i]].pfn = x;
	}
	k->v[F_PFN] = x;
	return 0;
}

/* All columns of kind k for its n events of the chunk: 0, -1 malformed,
 * -2 a value out of range (in *bad). */
static int kind_columns(struct dec_kind *k, const struct dec_sites *sites,
			const uint16_t *pos, uint32_t n, struct mmt_event *out,
			struct bad_value *bad)
{
	uint32_t m = k->mask;
	int rc;

	if (k->has_site && site_column(k, sites, pos, n, out))
		return -1;
	while (m) {
		int f = __builtin_ctz(m);
		m &= m - 1;
		if ((rc = column(k, f, pos, n, out))) {
			*bad = (struct bad_value){ f, k->v[f] };
			return rc;
		}
	}
	return k->rows && k->row_mask ? row_columns(k, pos, n, out, bad) : 0;
}

/* An event with only ts and kind, the fields its columns fill zero.
 * Field by field: gcc turns a memset (or a struct copy) of 96 bytes into
 * rep stos, which costs more than these stores. */
static inline void ev_start(struct mmt_event *e, uint64_t ts, unsigned kind)
{
	e->ts = ts;
	e->kind = (uint16_t)kind;
	e->cpu = 0;
	e->pid = 0;
	e->pfn = e->addr = e->site = e->gfp = 0;
	e->order = 0;
	e->mt = e->mt2 = e->node = 0;
	e->offset = e->cache = e->bytes_req = e->bytes_alloc = 0;
	e->arg = e->arg2 = 0;
}

/* The selected events of a chunk grouped by kind as chunk_ts meets
 * them: kind index j's are pos[j * CHUNK, j * CHUNK + cnt[j]), in event
 * order.  Filling the groups in the same loop as ts costs next to
 * nothing (its counter chain runs beside ts's); a separate counting sort
 * afterwards waited on a store-to-load chain per event, twice. */
struct chunk {
	uint16_t *pos;			/* [nk * CHUNK] */
	uint32_t cnt[256];		/* per kind index */
	/* layout 3: for the dependent events in out[], how many events of
	 * each source kind came before them in the block (their references
	 * must be to those); srcn[s] counts them, &zero when it is absent */
	uint32_t (*lim)[NSRC];		/* [CHUNK] */
	const uint32_t *srcn[NSRC];
};

/* Kinds and ts of events [i0, i0 + n), in order; the selected ones get
 * their slot in out, zeroed, with ts and kind set.  Returns how many. */
static int64_t chunk_ts(const struct dec_col *kinds, const uint16_t kidx[256],
			struct dec_kind *dk, uint64_t *tsp, uint32_t i0,
			uint32_t n, struct chunk *c, struct mmt_event *out,
			uint64_t min_ts, uint64_t span, unsigned *bad_kind)
{
	uint32_t ns = 0;
	uint64_t d, ts = *tsp;	/* local: out[].ts could alias *tsp */

	for (uint32_t i = 0; i < n; i++) {
		unsigned kind = kinds->p[i0 + i];
		uint16_t j = kidx[kind];
		if (j == NO_KIND)
			return -1;
		struct dec_kind *k = &dk[j];
		if (rd_uv(k->tsp, &d))
			return -1;
		ts += (uint64_t)mmt_unzigzag(d);
		/* inside the block's [min_ts, max_ts]: no time a consumer
		 * meets is beyond what the header and index announce */
		if (__builtin_expect(ts - min_ts > span, 0)) {
			*tsp = ts;
			*bad_kind = kind;
			return -2;
		}
		k->nall++;
		if (!k->sel)
			continue;
		ev_start(&out[ns], ts, kind);
		if (k->dep) {
			c->lim[ns][0] = *c->srcn[0];
			c->lim[ns][1] = *c->srcn[1];
		}
		c->pos[(size_t)j * CHUNK + c->cnt[j]++] = (uint16_t)ns++;
	}
	*tsp = ts;
	return ns;
}

/* A block being decoded a chunk at a time. */
struct mmt_block_cur {
	struct dec_col kinds, shared_ts;
	struct dec_sites sites;
	uint16_t kidx[256];
	uint64_t ts;
	uint64_t min_ts, span;		/* every ts in [min_ts, min_ts + span] */
	uint32_t n, next;		/* events in the block, next to decode */
	int nk;
	int full;			/* every kind and field selected */
	struct dec_kind *dk;		/* [nk] of dk_cap */
	unsigned dk_cap;
	uint64_t *rows;			/* [rows_cap]: the slab kinds' rows */
	size_t rows_cap;
	struct chunk chunk;		/* pos: [pos_cap], lim: [CHUNK] */
	size_t pos_cap;
	int need_src;			/* layout 3: ref_sources() runs */
	uint32_t zero;			/* srcn of an absent source kind */
	uint64_t *src[NSRC];		/* the sources' pfns so far: [src_cap] */
	uint32_t src_n[NSRC], src_cap[NSRC];
	char why[160];			/* a value out of range */
};

void mmt_block_cur_free(struct mmt_block_cur *c)
{
	if (!c)
		return;
	free(c->rows);
	free(c->dk);
	free(c->chunk.pos);
	free(c->chunk.lim);
	for (int s = 0; s < NSRC; s++)
		free(c->src[s]);
	free(c);
}

/* Layout 3: room for every source event's pfn (at most one per byte of
 * the kind's ts column, and the block's count) and the chunk's limits. */
static int cur_room_sources(struct mmt_block_cur *c)
{
	static const unsigned src_kind[NSRC] = {
		MMT_EV_PAGE_FREE, MMT_EV_PCP_REFILL
	};

	if (!c->chunk.lim &&
	    !(c->chunk.lim = malloc(CHUNK * sizeof(*c->chunk.lim))))
		return -1;
	for (int s = 0; s < NSRC; s++) {
		uint16_t j = c->kidx[src_kind[s]];
		uint64_t need;

		c->chunk.srcn[s] = j == NO_KIND ? &c->zero : &c->dk[j].nall;
		if (j == NO_KIND)
			continue;
		need = (uint64_t)(c->dk[j].ts.end - c->dk[j].ts.p);
		if (need > c->n)
			need = c->n;
		if (need <= c->src_cap[s])
			continue;
		free(c->src[s]);
		c->src_cap[s] = 0;
		if (!(c->src[s] = malloc(need * sizeof(*c->src[s]))))
			return -1;
		c->src_cap[s] = (uint32_t)need;
	}
	return 0;
}

/* The number of kinds a block payload says it has (its third varint),
 * to size the per-kind state; 0 when it cannot be read (the parse then
 * fails properly). */
static unsigned peek_kinds(const uint8_t *raw, size_t len)
{
	struct mmt_cur cur = { raw, raw + len, 0 };
	uint64_t nk;

	(void)mmt_cur_uv(&cur);
	(void)mmt_cur_uv(&cur);
	nk = mmt_cur_uv(&cur);
	return cur.bad || nk > 256 ? 0 : (unsigned)nk;
}

/* Each kind's field ranges from lim (type widths without). */
static void set_ranges(struct dec_kind *dk, const uint16_t kidx[256],
		       const struct mmt_ev_limits *lim)
{
	for (unsigned kind = 0; kind < 256; kind++) {
		struct dec_kind *k;

		if (kidx[kind] == NO_KIND)
			continue;
		k = &dk[kidx[kind]];
		k->kind = kind;
		kind_ranges(kind, lim, k->rng);
	}
}

/* Room for n kinds, pool rows for the slab kinds among them (zeroed: each
 * block starts its rows afresh) and chunk positions: the cursor's earlier
 * allocations when they are large enough. */
static int cur_room_kinds(struct mmt_block_cur *c, unsigned n)
{
	if (n <= c->dk_cap)
		return 0;
	free(c->dk);
	c->dk_cap = 0;
	if (!(c->dk = malloc(n * sizeof(*c->dk))))
		return -1;
	c->dk_cap = n;
	return 0;
}

static int cur_lay_rows(struct mmt_block_cur *c)
{
	size_t need = 0, at = 0;
	size_t npos = (c->nk ? (size_t)c->nk : 1) * CHUNK;

	/* a slot holds only the kind's per-slot fields, packed */
	for (int j = 0; j < c->nk; j++) {
		struct dec_kind *k = &c->dk[j];

		if (!k->has_rows)
			continue;
		k->nrow = 0;
		for (int f = 0; f < NF; f++)
			if (k->row_mask & (1u << f))
				k->rix[f] = (uint8_t)k->nrow++;
		need += (size_t)NSLOTS * k->nrow;
	}
	if (need > c->rows_cap) {
		free(c->rows);
		c->rows_cap = 0;
		if (!(c->rows = malloc(need * sizeof(*c->rows))))
			return -1;
		c->rows_cap = need;
	}
	if (need)
		memset(c->rows, 0, need * sizeof(*c->rows));
	for (int j = 0; j < c->nk; j++)
		if (c->dk[j].has_rows) {
			/* no row fields: no slots (rows may be NULL then) */
			c->dk[j].rows = c->dk[j].nrow ? c->rows + at : NULL;
			at += (size_t)NSLOTS * c->dk[j].nrow;
		}
	if (npos > c->pos_cap) {
		free(c->chunk.pos);
		c->pos_cap = 0;
		if (!(c->chunk.pos = malloc(npos * sizeof(uint16_t))))
			return -1;
		c->pos_cap = npos;
	}
	return 0;
}

struct mmt_block_cur *mmt_block_cur_renew(struct mmt_block_cur *c,
					  const uint8_t *raw,
					  const struct mmt_blk *b, int layout,
					  const struct mmt_ev_limits *lim,
					  uint64_t kinds, uint32_t fields,
					  const uint32_t *by_kind)
{
	size_t len = b->raw_len;
	uint32_t n = b->nr_events;
	struct mmt_cur cur = { raw, raw + len, 0 };
	const uint32_t all = (1u << NF) - 1;
	unsigned nk = peek_kinds(raw, len);

	if (!c && !(c = calloc(1, sizeof(*c))))
		return NULL;
	/* a fresh cursor but for the allocations */
	struct mmt_block_cur keep = *c;

	memset(c, 0, sizeof(*c));
	c->dk = keep.dk;
	c->dk_cap = keep.dk_cap;
	c->rows = keep.rows;
	c->rows_cap = keep.rows_cap;
	c->chunk.pos = keep.chunk.pos;
	c->pos_cap = keep.pos_cap;
	c->chunk.lim = keep.chunk.lim;
	memcpy(c->src, keep.src, sizeof(c->src));
	memcpy(c->src_cap, keep.src_cap, sizeof(c->src_cap));
	if (cur_room_kinds(c, nk ? nk : 1)) {
		mmt_block_cur_free(c);
		return NULL;
	}
	/* Minor-0 files were written with layout 0 and, for a short while,
	 * with layout 1 (same minor): try 1, then 0.  The column lengths must
	 * add up to the payload exactly, so the wrong layout never parses. */
	c->nk = parse_layout(&cur, layout < 0 ? 1 : layout, n, &c->ts, c->kidx,
			     c->dk, &c->kinds, &c->shared_ts, &c->sites);
	if (c->nk < 0 && layout < 0) {
		cur = (struct mmt_cur){ raw, raw + len, 0 };
		c->nk = parse_layout(&cur, 0, n, &c->ts, c->kidx, c->dk,
				     &c->kinds, &c->shared_ts, &c->sites);
	}
	if (c->nk < 0 || cur_lay_rows(c)) {
		mmt_block_cur_free(c);
		return NULL;
	}
	set_ranges(c->dk, c->kidx, lim);
	select_fields(c->dk, c->kidx, kinds, fields, by_kind);
	c->n = n;
	c->need_src = select_sources(c->dk, c->nk);
	if (c->need_src && cur_room_sources(c)) {
		mmt_block_cur_free(c);
		return NULL;
	}
	c->full = !by_kind && (fields & all) == all && kinds == UINT64_MAX;
	c->min_ts = lim ? b->min_ts : 0;
	c->span = lim ? b->max_ts - b->min_ts : UINT64_MAX;
	return c;
}

struct mmt_block_cur *mmt_block_cur_new(const uint8_t *raw,
					const struct mmt_blk *b, int layout,
					const struct mmt_ev_limits *lim,
					uint64_t kinds, uint32_t fields,
					const uint32_t *by_kind)
{
	return mmt_block_cur_renew(NULL, raw, b, layout, lim, kinds, fields,
				   by_kind);
}

const char *mmt_block_cur_why(const struct mmt_block_cur *c)
{
	return c->why;
}

/* Says which value was out of range: field f (-1: ts) of kind k. */
static void out_of_range(struct mmt_block_cur *c, unsigned kind, int f,
			 uint64_t v)
{
	if (f < 0) {
		snprintf(c->why, sizeof(c->why), "%s ts: %llu outside the "
			 "block's %llu..%llu", mmt_event_kind_name(kind),
			 (unsigned long long)v, (unsigned long long)c->min_ts,
			 (unsigned long long)(c->min_ts + c->span));
		return;
	}
	const struct mmt_ev_range *r = &c->dk[c->kidx[kind]].rng[f];

	if (r->bias)
		snprintf(c->why, sizeof(c->why), "%s %s: %lld out of range "
			 "(%lld..%lld)", mmt_event_kind_name(kind),
			 field_name[f], (long long)v, -(long long)r->bias,
			 (long long)(r->max - r->bias));
	else
		snprintf(c->why, sizeof(c->why), "%s %s: %llu out of range "
			 "(at most %llu)", mmt_event_kind_name(kind),
			 field_name[f], (unsigned long long)v,
			 (unsigned long long)r->max);
}

/* Layout 3: the pfns of the source kinds' events of this chunk, all of
 * them (wanted or not: later references name them), appended to c->src;
 * the wanted ones also go to out[].  0 or -1. */
static int ref_sources(struct dec_kind *dk, const uint16_t kidx[256],
		       struct chunk *ch, uint64_t *const src[NSRC],
		       uint32_t src_n[NSRC], const uint32_t src_cap[NSRC],
		       struct mmt_event *out)
{
	static const unsigned src_kind[NSRC] = {
		MMT_EV_PAGE_FREE, MMT_EV_PCP_REFILL
	};

	for (int s = 0; s < NSRC; s++) {
		uint16_t j = kidx[src_kind[s]];
		struct dec_kind *k;
		uint32_t at;
		uint64_t d;

		if (j == NO_KIND)
			continue;
		k = &dk[j];
		at = src_n[s];
		if (k->nall > src_cap[s])
			return -1;
		for (; src_n[s] < k->nall; src_n[s]++) {
			if (k->pfn_col) {
				if (rd_uv(&k->col[F_PFN], &d))
					return -1;
				k->v[F_PFN] += (uint64_t)mmt_unzigzag(d);
			}
			src[s][src_n[s]] = k->v[F_PFN];
		}
		if (!k->pfn_out)
			continue;
		for (uint32_t i = 0; i < ch->cnt[j]; i++)
			out[ch->pos[(size_t)j * CHUNK + i]].pfn = src[s][at + i];
	}
	return 0;
}

int64_t mmt_block_cur_next(struct mmt_block_cur *c, struct mmt_event *out,
			   int *done)
{
	struct chunk *ch = &c->chunk;
	uint32_t m = c->n - c->next < CHUNK ? c->n - c->next : CHUNK;
	int nk = c->nk, rc;
	struct bad_value bad;
	unsigned bad_kind = 0;
	int64_t ns;

	memset(ch->cnt, 0, (size_t)nk * sizeof(ch->cnt[0]));
	ns = chunk_ts(&c->kinds, c->kidx, c->dk, &c->ts, c->next, m, ch, out,
		      c->min_ts, c->span, &bad_kind);
	if (ns == -2)
		out_of_range(c, bad_kind, -1, c->ts);
	if (ns < 0)
		return -1;
	if (c->need_src && ref_sources(c->dk, c->kidx, ch, c->src, c->src_n,
				       c->src_cap, out))
		return -1;
	for (int j = 0; j < nk; j++) {
		struct dec_kind *k = &c->dk[j];
		const uint16_t *pos = ch->pos + (size_t)j * CHUNK;

		if (!ch->cnt[j])
			continue;
		if ((rc = kind_columns(k, &c->sites, pos, ch->cnt[j], out, &bad))) {
			if (rc == -2)
				out_of_range(c, k->kind, bad.f, bad.v);
			return -1;
		}
		if (k->dep && ref_column(k, pos, ch->cnt[j], out, ch->lim, c->src))
			return -1;
	}
	c->next += m;
	*done = c->next == c->n;
	/* every column must end where the next begins: only checkable
	 * when all of them were read */
	if (*done && c->full && !columns_consumed(c->dk, nk))
		return -1;
	return ns;
}

int64_t mmt_block_decode_sel(const uint8_t *raw, const struct mmt_blk *b,
			     int layout, const struct mmt_ev_limits *lim,
			     uint64_t kinds, uint32_t fields,
			     struct mmt_event *out)
{
	struct mmt_block_cur *c = mmt_block_cur_new(raw, b, layout, lim, kinds,
						    fields, NULL);
	int64_t nout = 0, k;
	int done = 0;

	if (!c)
		return -1;
	while (!done) {
		if ((k = mmt_block_cur_next(c, out + nout, &done)) < 0) {
			nout = -1;
			break;
		}
		nout += k;
	}
	mmt_block_cur_free(c);
	return nout;
}

int mmt_block_decode(const uint8_t *raw, const struct mmt_blk *b, int layout,
		     const struct mmt_ev_limits *lim, struct mmt_event *out)
{
	int64_t k = mmt_block_decode_sel(raw, b, layout, lim, UINT64_MAX,
					 UINT32_MAX, out);

	return k == (int64_t)b->nr_events ? 0 : -1;
}
