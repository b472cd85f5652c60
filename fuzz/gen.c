/* SPDX-License-Identifier: MIT */
/*
 * Fuzz input -> a well-formed trace with hostile values (gen.h).
 *
 * The input is read as a stream of choices; past its end every choice is
 * 0, the most ordinary one, so short inputs give small sane traces and
 * the fuzzer grows hostility byte by byte.  Hosts stay small (a few
 * hundred thousand pages at most, so that one replay takes milliseconds)
 * except for the spans the model must refuse outright.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmtrace/synth.h"
#include "mmtrace/trace.h"
#include "gen.h"

struct src {
	const uint8_t *p, *end;
};

static unsigned byte(struct src *s)
{
	return s->p < s->end ? *s->p++ : 0;
}

/* k bytes, little-endian */
static uint64_t bytes(struct src *s, int k)
{
	uint64_t v = 0;

	for (int i = 0; i < k; i++)
		v |= (uint64_t)byte(s) << (8 * i);
	return v;
}

/* one of n values (n >= 1) */
static uint64_t pick(struct src *s, uint64_t n)
{
	if (n <= 1)
		return 0;
	return (n <= 256 ? byte(s) : bytes(s, n <= 65536 ? 2 : 8)) % n;
}

/* 1 in 256 from a byte (rare8) or two (rare16), through a bijective mix
 * whose compare libFuzzer's compare tracing cannot undo: it writes the
 * operands of traced compares into its inputs, so a choice made by
 * `byte(s) == 255` was made in one input of seven of the grown corpus,
 * not one in 256.  Zeros (past the input's end) and 0xff..ff are not
 * rare. */
static int rare8(unsigned v)
{
	v = (v * 167u + 13u) & 0xffu;
	v ^= v >> 3;
	return ((v * 151u) & 0xffu) == 0x5a;
}

static int rare16(uint64_t v)
{
	uint32_t x = (uint32_t)v & 0xffffu;

	x = (x * 0xbfd9u + 0xe0bfu) & 0xffffu;
	x ^= x >> 7;
	x = (x * 0x2c45u) & 0xffffu;
	x ^= x >> 9;
	return x < 256;
}

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ONE_OF(s, a) ((a)[pick((s), LEN(a))])

/* ---- header ----------------------------------------------------------- */

static const struct {
	const char *name;
	int idx;
} zone_names[] = {
	{ "Normal", 2 }, { "DMA32", 1 }, { "DMA", 0 }, { "Movable", 3 },
	{ "Device", 4 }, { "HighMem", 2 }, { "\033[31mred", 1 },
};

/* A zone table of up to 4 zones on up to `nn` nodes; at most 2^20 pages
 * each unless a span the model refuses (2^32 and more) is chosen. */
static uint32_t gen_zones(struct src *s, struct mmt_zone_info *z, uint32_t nn)
{
	/* small hosts mostly: a replay's cost grows with the model (a zone
	 * of a million pages took 30-400 ms of fuzz_replay's CPU, one of
	 * 8192 pages 2-4 ms), so 64 Ki pages is one choice in 256 and a
	 * million one in 2048 (fuzz/README.md) */
	static const uint64_t spans[] = { 1024, 2048, 1024, 4096, 1024, 2048,
					  8192, 1, 7, 0, 1024 + 513, 3000,
					  1ull << 32, 1ull << 40 };
	static const uint64_t big[] = { 65536, 65536, 65536, 65536, 65536,
					65536, 65536, 1u << 20 };
	uint32_t nz = 1 + (uint32_t)pick(s, 4), n = 0;
	uint64_t end = 0;
	uint8_t used[8] = { 0 };

	for (uint32_t i = 0; i < nz; i++) {
		unsigned c = (unsigned)pick(s, LEN(zone_names));
		int node = byte(s) % 8 == 1 ? (int)(byte(s) % (nn + 1)) : 0;
		uint64_t start, span;

		if (node > 7 || (used[node] & (1u << zone_names[c].idx)))
			continue;	/* (node, zone_idx) must be unique */
		used[node] |= (uint8_t)(1u << zone_names[c].idx);
		switch (byte(s) % 8) {
		case 1:
			start = 0;
			break;
		case 2:
			start = end;		/* unaligned, touching */
			break;
		case 3:
			start = MMT_MAX_PFN - 1 - pick(s, 1u << 17);
			break;
		case 4:
			start = bytes(s, 3);
			break;
		default:
			start = (end + 1023) & ~1023ull;
		}
		span = rare8(byte(s)) ? ONE_OF(s, big) : ONE_OF(s, spans);
		if (span > MMT_MAX_PFN - 1 - start)
			span = MMT_MAX_PFN - 1 - start;
		memset(&z[n], 0, sizeof(z[n]));
		z[n].node = node;
		z[n].zone_idx = zone_names[c].idx;
		snprintf(z[n].name, sizeof(z[n].name), "%s", zone_names[c].name);
		z[n].start_pfn = start;
		z[n].spanned = span;
		z[n].present = byte(s) % 4 ? span : span - pick(s, span + 1);
		z[n].managed = byte(s) % 4 ? z[n].present - z[n].present / 64 :
			       z[n].present - pick(s, z[n].present + 1);
		z[n].wmark_min = z[n].managed / 256;
		z[n].wmark_low = z[n].wmark_min * 5 / 4;
		z[n].wmark_high = z[n].wmark_min * 3 / 2;
		if (byte(s) % 16 == 1) {
			z[n].wmark_min = pick(s, MMT_MAX_PFN);
			z[n].wmark_low = pick(s, MMT_MAX_PFN);
			z[n].wmark_high = pick(s, MMT_MAX_PFN);
			z[n].boost = pick(s, MMT_MAX_PFN);
		}
		z[n].nr_reserve = byte(s) % (MMT_MAX_ZONE_TYPES + 1);
		for (int j = 0; j < MMT_MAX_ZONE_TYPES; j++)
			z[n].lowmem_reserve[j] = byte(s) % 8 == 1 ?
						 pick(s, MMT_MAX_PFN) : 0;
		z[n].pcp_batch = byte(s) % 8 == 1 ? (uint32_t)bytes(s, 4) : 63;
		z[n].pcp_high = byte(s) % 8 == 1 ? (uint32_t)bytes(s, 4) : 378;
		z[n].pcp_high_min = z[n].pcp_high;
		z[n].pcp_high_max = z[n].pcp_high * 10;
		z[n].nr_free = z[n].managed / 2;
		end = start + span;
		n++;
	}
	if (!n) {	/* one small zone at least (synth's default is large) */
		memset(&z[0], 0, sizeof(z[0]));
		snprintf(z[0].name, sizeof(z[0].name), "Normal");
		z[0].zone_idx = 2;
		z[0].start_pfn = 4096;
		z[0].spanned = z[0].present = z[0].managed = 4096;
		n = 1;
	}
	return n;
}

static void set_kv(struct mmt_kv *kv, const char *name, const char *value)
{
	snprintf(kv->name, sizeof(kv->name), "%s", name);
	snprintf(kv->value, sizeof(kv->value), "%s", value);
}

/* Strange values for the sysctls the model reads, and strange notes. */
static void gen_texts(struct src *s, struct mmt_header *h)
{
	static const char *const vals[] = {
		"99999999999999999999", "-1", "abc", "0", "2147483648",
		"\033]0;owned\007", "1e30", "",
	};

	for (uint32_t i = 0; i < h->nr_sysctls; i++)
		if (byte(s) % 8 == 1)
			snprintf(h->sysctls[i].value, sizeof(h->sysctls[i].value),
				 "%s", ONE_OF(s, vals));
	if (byte(s) % 4 == 1) {
		struct mmt_kv *n = realloc(h->notes, 3 * sizeof(*n));

		if (!n)
			return;
		h->notes = n;
		set_kv(&n[1], "meminfo.SwapTotal", ONE_OF(s, vals));
		set_kv(&n[2], "\033[2J", "\033[31mred\r\n\x9b" "1m");
		h->nr_notes = 3;
	}
	if (byte(s) % 8 == 1)
		snprintf(h->release, sizeof(h->release), "6.18\033[1A\033[2K");
}

/* Migratetype, gfp and slab tables with edges: numbers at the limit, a
 * missing MIGRATE_MOVABLE, ___GFP_*_BIT names past 63, caches of size 0. */
static void gen_tables(struct src *s, struct mmt_header *h)
{
	switch (byte(s) % 8) {
	case 1:
		h->migratetypes[1].value = MMT_MAX_MT - 1;	/* MOVABLE */
		break;
	case 2:
		h->nr_migratetypes = 0;
		break;
	case 3:
		h->migratetypes[h->nr_migratetypes - 1].value = MMT_MAX_MT - 1;
		break;
	}
	if (byte(s) % 8 == 1) {
		snprintf(h->gfp_bits[3].name, sizeof(h->gfp_bits[3].name),
			 "___GFP_MOVABLE_BIT");
		h->gfp_bits[3].value = byte(s) % 70;
	}
	if (byte(s) % 8 == 1)
		h->gfp_bits[0].value = bytes(s, 8);
	for (uint32_t i = 0; i < h->nr_slab_caches; i++)
		if (byte(s) % 8 == 1) {
			struct mmt_slab_cache *c = &h->slab_caches[i];

			c->object_size = (uint32_t)ONE_OF(s, ((const uint64_t[]){
				0, 1, UINT32_MAX, 1u << 20, 4097 }));
			c->slab_size = (uint32_t)bytes(s, 4);
			c->objs_per_slab = byte(s);
			c->order = byte(s) % (h->max_order + 1);
			c->align = (uint32_t)ONE_OF(s, ((const uint64_t[]){
				0, 8, 3, 4096, 1u << 31 }));
		}
	if (byte(s) % 16 == 1)
		h->nr_slab_caches = 0;
}

static int gen_header(struct src *s, struct mmt_header *h)
{
	static const uint32_t cpus[] = { 2, 1, 4, 64, 1024, 1025, 8192 };
	static const uint32_t nodes[] = { 1, 1, 2, 0, 65 };
	static const uint32_t psz[] = { 4096, 4096, 16384, 65536, 0 };
	static const uint32_t max_orders[] = { 10, 10, 0, 5, 13, 20 };
	struct mmt_zone_info z[4];
	uint32_t nn = ONE_OF(s, nodes), nz, ncpu = ONE_OF(s, cpus);

	nz = gen_zones(s, z, nn ? nn : 1);
	if (mmt_synth_header(h, nz ? z : NULL, nz, ncpu))
		return -1;
	h->page_size = ONE_OF(s, psz);
	h->max_order = ONE_OF(s, max_orders);
	h->pageblock_order = (uint32_t)ONE_OF(s, ((const uint32_t[]){
		9, 9, 0, 10, 20 }));
	if (h->pageblock_order > h->max_order)
		h->pageblock_order = h->max_order;
	for (uint32_t i = 0; i < ncpu; i++)
		if (byte(s) % 16 == 1)
			h->cpu_node[i] = (int32_t)ONE_OF(s, ((const int32_t[]){
				-1, 1, 3, 64, MMT_MAX_NODES - 1 }));
	free(h->node_distance);
	h->nr_nodes = nn;
	h->node_distance = calloc((size_t)nn * nn + 1, sizeof(uint32_t));
	if (!h->node_distance)
		return -1;
	for (uint32_t i = 0; i < nn * nn; i++)
		h->node_distance[i] = byte(s) % 8 == 1 ? byte(s) :
				      i % (nn + 1) ? 20 : 10;
	gen_tables(s, h);
	gen_texts(s, h);
	/* what the recorder says it wrote: causes and file identities
	 * turn policy replay's demand paths on (replay/demand.c) */
	h->flags = byte(s) & (MMT_HDR_CAUSES | MMT_HDR_FILE_IDS |
			      MMT_HDR_LOST_TIMES | MMT_HDR_FILE_DIRTY |
			      MMT_HDR_ZONE_FREE);
	return 0;
}

/* ---- snapshots ---------------------------------------------------------- */

/* A pfn inside a zone (mostly), at an edge, or anywhere. */
static uint64_t gen_pfn(struct src *s, const struct mmt_header *h)
{
	const struct mmt_zone_info *z;

	switch (byte(s) % 16) {
	case 1:
		return MMT_NO_PFN;
	case 2:
		return MMT_MAX_PFN - 1 - byte(s);
	case 3:
		return bytes(s, 8);
	case 4:
		return bytes(s, 3);
	}
	if (!h->nr_zones)
		return bytes(s, 2);
	z = &h->zones[pick(s, h->nr_zones)];
	return z->start_pfn + pick(s, z->spanned + 2);
}

static int cmp_block(const void *a, const void *b)
{
	const struct mmt_free_block *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* Free blocks sorted (as the reader wants), overlapping or not, in
 * zones or not; runs sorted and disjoint; pageblocks of any migratetype
 * the reader allows. */
static int gen_snapshot(struct src *s, const struct mmt_header *h,
			struct mmt_snapshot *sn, uint64_t ts)
{
	uint64_t top = 0, nfb, nruns, pfn = 0;
	unsigned pbo = h->pageblock_order ? h->pageblock_order : 9;

	for (uint32_t i = 0; i < h->nr_zones; i++)
		if (h->zones[i].start_pfn + h->zones[i].spanned > top)
			top = h->zones[i].start_pfn + h->zones[i].spanned;
	memset(sn, 0, sizeof(*sn));
	/* the synthetic (consistent) snapshot when the host is small (it
	 * covers every pfn up to the last zone's end) */
	if (byte(s) % 2 == 0 && top <= (1u << 22) && h->max_order >= 10 &&
	    mmt_synth_snapshot(sn, h) == 0) {
		sn->ts = ts;
		return 0;
	}
	sn->ts = ts;
	sn->flags = byte(s);
	nfb = byte(s) % 16 == 3 ? 600 : byte(s) % 32;
	nruns = byte(s) % 16;
	sn->free_blocks = calloc(nfb + 1, sizeof(*sn->free_blocks));
	sn->runs = calloc(nruns + 1, sizeof(*sn->runs));
	if (!sn->free_blocks || !sn->runs)
		return -1;
	for (uint64_t i = 0; i < nfb; i++) {
		struct mmt_free_block *b = &sn->free_blocks[i];
		unsigned o = byte(s) % 2 ? byte(s) % (h->max_order + 1) : 0;
		uint64_t p = gen_pfn(s, h);

		if (p >= MMT_MAX_PFN - (1ull << o))
			p = MMT_MAX_PFN - (2ull << o);
		b->pfn = p & ~((1ull << o) - 1);
		b->order = (uint8_t)o;
		b->mt = (int8_t)((int)(byte(s) % 8) - 1);
		b->exact = byte(s) & 1;
		/* list places (written with flags bit 2): from what is
		 * there, no input byte, so older corpus inputs keep their
		 * meaning */
		b->pos = (uint32_t)((i * 7 + b->pfn) % nfb);
	}
	sn->nr_free_blocks = nfb;
	qsort(sn->free_blocks, nfb, sizeof(*sn->free_blocks), cmp_block);
	for (uint64_t i = 0; i < nruns; i++) {
		struct mmt_class_run *r = &sn->runs[i];
		/* a snapshot's runs decide how much of a zone spanning 2^32
		 * or 2^40 pages the model holds (replay's online extent):
		 * runs of up to 2^17 pages and gaps up to 2^16 (one in four)
		 * made models of a million pages in one input in fifteen of
		 * the grown corpus, and half of fuzz_replay's time.  Runs up
		 * to 4096 pages, 2^17 one time in 256 (the top bytes of the
		 * length's eight); gaps up to 4095, 65535 one time in four. */
		unsigned c = byte(s);
		uint64_t len = 1, v;

		if (c % 4) {
			v = bytes(s, 8);
			len = v % (rare16(v >> 48) ? 1u << 17 : 4096) + 1;
		}
		c = byte(s);
		v = c % 4 == 1 ? bytes(s, 2) : 0;
		pfn += c % 16 == 1 ? v : v % 4096;
		if (pfn + len >= MMT_MAX_PFN)
			break;
		r->pfn = pfn;
		r->len = len;
		r->cls = (uint8_t)(byte(s) % MMT_PC__COUNT);
		pfn += len;
		sn->nr_runs = i + 1;
	}
	if (byte(s) % 2 && h->nr_zones) {
		const struct mmt_zone_info *z = &h->zones[pick(s, h->nr_zones)];
		uint64_t n = (z->spanned >> pbo) + 1;

		if (n > 4096)
			n = 4096;
		if (z->start_pfn + (n << pbo) < MMT_MAX_PFN &&
		    (sn->pageblock_mt = malloc(n))) {
			sn->pageblock_base = z->start_pfn & ~((1ull << pbo) - 1);
			sn->nr_pageblocks = n;
			for (uint64_t i = 0; i < n; i++)
				sn->pageblock_mt[i] = (int8_t)(byte(s) % 16 == 1 ?
					MMT_MAX_MT - 1 : (int)(byte(s) % 7) - 1);
		}
	}
	if (h->nr_zones && (sn->zones = calloc(h->nr_zones, sizeof(*sn->zones)))) {
		memcpy(sn->zones, h->zones, h->nr_zones * sizeof(*sn->zones));
		sn->nr_zones = h->nr_zones;
		/* hot-add: the zone grew while recording */
		if (byte(s) % 8 == 1 && sn->zones[0].start_pfn +
		    2 * sn->zones[0].spanned < MMT_MAX_PFN)
			sn->zones[0].spanned *= 2;
	}
	for (int o = 0; o < MMT_NR_ORDERS; o++)
		sn->buddyinfo[0][2][o] = byte(s) % 8 == 1 ? pick(s, MMT_MAX_PFN) : 0;
	return 0;
}

/* ---- events ------------------------------------------------------------- */

struct live {
	uint64_t pfn;
	uint32_t order;
};

struct gen_ev {
	struct src *s;
	const struct mmt_header *h;
	struct live live[64];
	unsigned nlive;
	uint64_t ts;
	uint64_t gfp[6];
};

static uint64_t gen_ts(struct gen_ev *g)
{
	struct src *s = g->s;
	unsigned c = byte(s);

	if (c < 240)
		g->ts += c * 97u;
	else if (c < 244 && g->ts > 5000)
		g->ts -= 5000;		/* cpus' clocks interleave */
	else if (c < 248)
		g->ts += 1000000000ull * (c - 243);
	else if (c < 252)
		g->ts += MMT_MAX_TS / 4;
	else if (c == 252)
		g->ts = MMT_MAX_TS;
	else if (c == 253)
		g->ts = UINT64_MAX;	/* past the limit: the file is refused */
	if (g->ts > MMT_MAX_TS && c != 253)
		g->ts = MMT_MAX_TS;
	return g->ts;
}

static unsigned gen_order(struct gen_ev *g)
{
	unsigned c = byte(g->s);

	return c < 160 ? 0 : c < 224 ? c % 4 : c < 240 ? 9 :
	       c % (g->h->max_order + 1);
}

/* A page event: an allocation takes a pfn (remembered), a free gives one
 * back (a remembered one, mostly). */
static void page_fields(struct gen_ev *g, struct mmt_event *e)
{
	struct src *s = g->s;

	e->order = gen_order(g);
	e->pfn = gen_pfn(s, g->h);
	if (e->kind == MMT_EV_PAGE_FREE && g->nlive && byte(s) % 4) {
		unsigned i = (unsigned)pick(s, g->nlive);

		e->pfn = g->live[i].pfn;
		e->order = g->live[i].order;
		g->live[i] = g->live[--g->nlive];
	} else if (e->pfn != MMT_NO_PFN && e->pfn < MMT_MAX_PFN) {
		e->pfn &= ~((1ull << e->order) - 1);
	}
	if (e->kind == MMT_EV_PAGE_ALLOC && g->nlive < LEN(g->live))
		g->live[g->nlive++] = (struct live){ e->pfn, e->order };
	e->mt = byte(s) % 16 == 1 ? MMT_MAX_MT - 1 : (int32_t)(byte(s) % 7) - 1;
	e->gfp = g->gfp[pick(s, LEN(g->gfp))];
	e->arg = byte(s) % 4;
}

/* A page-cache page: a few files of a few devices, small indexes aligned
 * to the event's order (folios sit so), so adds, accesses, dirtyings and
 * deletions meet; now and then any value. */
static void file_fields(struct gen_ev *g, struct mmt_event *e)
{
	struct src *s = g->s;

	e->offset = byte(s) % 8 == 1 ? (uint32_t)bytes(s, 4) : 0x0fe00000u;
	e->arg = byte(s) % 8 == 1 ? bytes(s, 8) : 1 + byte(s) % 4;
	e->addr = byte(s) % 8 == 1 ? bytes(s, 8) : byte(s);
	if (e->order < 20)
		e->addr &= ~((1ull << e->order) - 1);
}

static void gen_event(struct gen_ev *g, struct mmt_event *e)
{
	static const uint32_t sizes[] = { 8, 64, 192, 4096, 0, 8192, 1u << 20,
					  UINT32_MAX };
	static const uint64_t addrs[] = { 0x7f0000000000ull, 0x7f0000200000ull,
					  0x400000ull, 0xffff888000000000ull, 0 };
	struct src *s = g->s;
	const struct mmt_header *h = g->h;
	unsigned c = byte(s);

	memset(e, 0, sizeof(*e));
	/* mostly the hot kinds, then any known kind, then unknown ones */
	if (c < 64)
		e->kind = MMT_EV_PAGE_ALLOC;
	else if (c < 112)
		e->kind = MMT_EV_PAGE_FREE;
	else if (c < 144)
		e->kind = MMT_EV_FAULT_USER;
	else if (c < 160)
		e->kind = (uint16_t)(MMT_EV_KMALLOC + c % 4);
	else if (c < 250)
		e->kind = (uint16_t)(1 + c % (MMT_EV__COUNT - 1));
	else
		e->kind = (uint16_t)(MMT_EV__COUNT + (c - 250) * 40);
	e->ts = gen_ts(g);
	e->cpu = (uint16_t)(byte(s) % 8 == 1 ? ONE_OF(s, ((const uint32_t[]){
		65535, 1024, 8191 })) : pick(s, h->nr_cpus + 1));
	e->pid = (uint32_t)ONE_OF(s, ((const uint64_t[]){ 1000, 1001, 0,
							    UINT32_MAX }));
	e->node = (int32_t)ONE_OF(s, ((const int32_t[]){ -1, 0, 1, 1023,
							   INT32_MIN }));
	e->site = byte(s) % 8;
	switch (e->kind) {
	case MMT_EV_PAGE_ALLOC: case MMT_EV_PAGE_FREE: case MMT_EV_PCP_REFILL:
	case MMT_EV_PCP_DRAIN: case MMT_EV_EXTFRAG: case MMT_EV_FILEMAP_ADD:
	case MMT_EV_FILEMAP_DEL:
		page_fields(g, e);
		if (e->kind == MMT_EV_EXTFRAG) {
			e->arg = gen_order(g);
			e->mt2 = (int32_t)bytes(s, 4);
			e->arg2 = byte(s) & 1;
		}
		if (e->kind == MMT_EV_PAGE_FREE || e->kind == MMT_EV_FILEMAP_DEL)
			e->arg2 = byte(s) % 16;		/* the free's cause */
		if (e->kind == MMT_EV_FILEMAP_ADD || e->kind == MMT_EV_FILEMAP_DEL)
			file_fields(g, e);
		break;
	case MMT_EV_FILE_READ: case MMT_EV_FILE_MAP: case MMT_EV_FILE_FAULT:
	case MMT_EV_FILE_DIRTY:
		file_fields(g, e);
		e->arg2 = byte(s) % 8 == 1 ? bytes(s, 8) : e->addr + byte(s) % 64;
		break;
	case MMT_EV_KMALLOC: case MMT_EV_KMEM_CACHE_ALLOC:
	case MMT_EV_KFREE: case MMT_EV_KMEM_CACHE_FREE:
		e->pfn = gen_pfn(s, h);
		e->offset = h->page_size ? (uint32_t)pick(s, h->page_size) : 0;
		e->cache = h->nr_slab_caches ?
			   (uint32_t)pick(s, h->nr_slab_caches) : 0;
		e->bytes_req = ONE_OF(s, sizes);
		e->bytes_alloc = byte(s) % 2 ? e->bytes_req : ONE_OF(s, sizes);
		e->gfp = g->gfp[pick(s, LEN(g->gfp))];
		break;
	case MMT_EV_FAULT_USER: case MMT_EV_FAULT_KERNEL:
		e->addr = ONE_OF(s, addrs) + (bytes(s, 2) << 12);
		e->arg = byte(s) % 8 == 1 ? bytes(s, 8) : byte(s) % 8;
		break;
	case MMT_EV_ZONE_FREE:
		if (h->nr_zones) {
			const struct mmt_zone_info *z = &h->zones[pick(s, h->nr_zones)];

			e->node = z->node;
			e->arg = (uint64_t)z->zone_idx;
			e->addr = pick(s, z->managed + 1);
			e->arg2 = byte(s) % 4 ? 0 : pick(s, z->wmark_high + 1);
		}
		if (byte(s) % 8 == 1)
			e->addr = bytes(s, 8);
		break;
	case MMT_EV_ZONE_RESIZE:
		if (h->nr_zones) {
			const struct mmt_zone_info *z = &h->zones[pick(s, h->nr_zones)];

			e->node = z->node;
			e->arg = (uint64_t)z->zone_idx;
			e->pfn = z->start_pfn;
			e->arg2 = z->managed;
			e->addr = z->managed + pick(s, z->spanned + 1);
		}
		if (byte(s) % 8 == 1)
			e->arg = bytes(s, 8);
		break;
	default:
		e->order = gen_order(g);
		e->gfp = g->gfp[pick(s, LEN(g->gfp))];
		e->pfn = gen_pfn(s, h);
		e->addr = byte(s) % 2 ? bytes(s, 8) : e->pfn + bytes(s, 2);
		e->arg = byte(s) % 4 == 1 ? bytes(s, 8) : byte(s);
		e->arg2 = byte(s) % 4 == 1 ? bytes(s, 8) : byte(s);
		e->mt = (int32_t)(byte(s) % 3) - 1;
		e->mt2 = (int32_t)bytes(s, 4);
	}
}

/* ---- the file ------------------------------------------------------------ */

int gen_trace(const uint8_t *data, size_t size, const char *path,
	      struct gen_run *run)
{
	struct src s = { data, data + size };
	struct mmt_header h;
	struct mmt_snapshot start, end;
	struct gen_ev g = { .s = &s, .h = &h };
	struct mmt_writer *w;
	char err[256];
	int have_start, have_end, rc = -1;
	unsigned c;

	c = byte(&s);
	run->mirror = c & 1;
	run->outdir = (c >> 1) % 16 == 1;
	run->split = (c >> 5) == 1;
	run->sample_ns = ONE_OF(&s, ((const uint64_t[]){ 0, 0, 0, 1000,
							    1000000 }));
	c = byte(&s);
	run->zones = c % 8 == 1;
	/* bits the older generator left unused: the corpus keeps its traces */
	run->inferred = !run->mirror && (c >> 3) % 4 == 1;
	if (gen_header(&s, &h))
		return -1;
	static const char *const gfps[LEN(g.gfp)] = {
		"GFP_HIGHUSER_MOVABLE", "GFP_KERNEL", "GFP_ATOMIC",
		"GFP_TRANSHUGE", "GFP_KERNEL|__GFP_RECLAIMABLE", "GFP_NOWAIT",
	};
	for (size_t i = 0; i < LEN(g.gfp); i++)
		g.gfp[i] = mmt_synth_gfp(&h, gfps[i]);
	g.gfp[byte(&s) % LEN(g.gfp)] = bytes(&s, 4);
	have_start = byte(&s) % 8 != 1;
	have_end = byte(&s) % 4 != 1;
	memset(&start, 0, sizeof(start));
	memset(&end, 0, sizeof(end));
	if ((have_start && gen_snapshot(&s, &h, &start, 0)) ||
	    !(w = mmt_writer_open(path, 1, &h, have_start ? &start : NULL, err,
				  sizeof(err))))
		goto out;
	/* 16..2048 events a block: several blocks, each worth its setup */
	mmt_writer_set_block_events(w, 16u << (byte(&s) % 8));
	if (byte(&s) % 2)
		mmt_writer_set_flush_ns(w, 0);
	/* the rest of the input: events, a few bytes each */
	for (unsigned i = 0; i < 4096 && s.p < s.end; i++) {
		struct mmt_event e;

		gen_event(&g, &e);
		if (mmt_writer_add(w, &e)) {
			mmt_writer_close(w, NULL);
			goto out;
		}
	}
	if (have_end && gen_snapshot(&s, &h, &end,
				     byte(&s) % 4 ? g.ts : bytes(&s, 8) % MMT_MAX_TS)) {
		mmt_writer_close(w, NULL);
		goto out;
	}
	rc = mmt_writer_close(w, have_end ? &end : NULL) ? -1 : 0;
out:
	mmt_snapshot_free(&start);
	mmt_snapshot_free(&end);
	mmt_header_free(&h);
	return rc;
}
