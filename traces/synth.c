/* SPDX-License-Identifier: MIT */
/*
 * Synthetic headers, snapshots and event streams for tests.  TEST DATA:
 * the 6.18 values below were read from this kernel's tracefs formats and
 * /proc files once; real traces carry their own, read by the collector.
 */
#include <stdlib.h>
#include <string.h>
#include "mmtrace/synth.h"

/* ---- the one table of 6.18 encodings (x86-64, no KASAN_HW_TAGS, no
 * LOCKDEP, no CMA): include/linux/gfp_types.h, enum migratetype,
 * enum zone_type. ----------------------------------------------------------- */

static const struct mmt_named_value gfp_6_18[] = {
	{ "__GFP_DMA", 1u << 0 },		{ "__GFP_HIGHMEM", 1u << 1 },
	{ "__GFP_DMA32", 1u << 2 },		{ "__GFP_MOVABLE", 1u << 3 },
	{ "__GFP_RECLAIMABLE", 1u << 4 },	{ "__GFP_HIGH", 1u << 5 },
	{ "__GFP_IO", 1u << 6 },		{ "__GFP_FS", 1u << 7 },
	{ "__GFP_ZERO", 1u << 8 },		{ "__GFP_DIRECT_RECLAIM", 1u << 10 },
	{ "__GFP_KSWAPD_RECLAIM", 1u << 11 },	{ "__GFP_WRITE", 1u << 12 },
	{ "__GFP_NOWARN", 1u << 13 },		{ "__GFP_RETRY_MAYFAIL", 1u << 14 },
	{ "__GFP_NOFAIL", 1u << 15 },		{ "__GFP_NORETRY", 1u << 16 },
	{ "__GFP_MEMALLOC", 1u << 17 },		{ "__GFP_COMP", 1u << 18 },
	{ "__GFP_NOMEMALLOC", 1u << 19 },	{ "__GFP_HARDWALL", 1u << 20 },
	{ "__GFP_THISNODE", 1u << 21 },		{ "__GFP_ACCOUNT", 1u << 22 },
	{ "__GFP_ZEROTAGS", 1u << 23 },		{ "__GFP_NO_OBJ_EXT", 1u << 24 },
};

static const struct mmt_named_value mt_6_18[] = {
	{ "MIGRATE_UNMOVABLE", 0 },	{ "MIGRATE_MOVABLE", 1 },
	{ "MIGRATE_RECLAIMABLE", 2 },	{ "MIGRATE_PCPTYPES", 3 },
	{ "MIGRATE_HIGHATOMIC", 3 },	{ "MIGRATE_ISOLATE", 4 },
	{ "MIGRATE_TYPES", 5 },
};

static const struct mmt_named_value zt_6_18[] = {
	{ "ZONE_DMA", 0 },	{ "ZONE_DMA32", 1 },	{ "ZONE_NORMAL", 2 },
	{ "ZONE_MOVABLE", 3 },	{ "ZONE_DEVICE", 4 },
};

static const struct mmt_slab_cache slabs_6_18[] = {
	/* name, object_size, slab_size, objs_per_slab, order, align */
	{ "kmalloc-8", 8, 8, 512, 0, 8 },
	{ "kmalloc-64", 64, 64, 64, 0, 64 },
	{ "kmalloc-192", 192, 192, 21, 0, 64 },
	{ "kmalloc-1k", 1024, 1024, 32, 3, 64 },
	{ "kmalloc-4k", 4096, 4096, 8, 3, 64 },
	{ "dentry", 192, 192, 21, 0, 8 },
	{ "filp", 256, 256, 32, 1, 64 },
};

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name, *value;
} sysctl_defaults[] = {
	{ "vm.watermark_scale_factor", "10" },
	{ "vm.watermark_boost_factor", "15000" },
	{ "vm.lowmem_reserve_ratio", "256\t256\t32\t0\t0" },
	{ "vm.zone_reclaim_mode", "0" },
	{ "vm.min_unmapped_ratio", "1" },
	{ "vm.min_slab_ratio", "5" },
	{ "vm.swappiness", "60" },
	{ "vm.extfrag_threshold", "500" },
	{ "vm.compaction_proactiveness", "20" },
	{ "vm.percpu_pagelist_high_fraction", "0" },
	{ "vm.overcommit_memory", "0" },
	{ "vm.dirty_ratio", "20" },
	{ "vm.dirty_background_ratio", "10" },
	{ "vm.defrag_mode", "0" },
};

static const uint32_t reserve_ratio[MMT_MAX_ZONE_TYPES] = { 256, 256, 32, 0, 0 };

static uint64_t isqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;
	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static uint64_t min_free_kbytes_of(const struct mmt_zone_info *z, uint32_t n)
{
	uint64_t managed = 0;
	for (uint32_t i = 0; i < n; i++)
		managed += z[i].managed;
	uint64_t k = isqrt(managed * 4 * 16);	/* calculate_min_free_kbytes() */
	return k < 128 ? 128 : k > 262144 ? 262144 : k;
}

/* __setup_per_zone_wmarks() and setup_per_zone_lowmem_reserve() for the
 * default sysctls (test data: mmcore has its own, tested, version). */
static void set_wmarks(struct mmt_zone_info *z, uint32_t n, uint64_t min_kb)
{
	uint64_t pages_min = min_kb >> 2, lowmem = 0;
	for (uint32_t i = 0; i < n; i++)
		lowmem += z[i].managed;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t tmp = lowmem ? pages_min * z[i].managed / lowmem : 0;
		uint64_t gap = z[i].managed * 10 / 10000;
		if (gap < tmp >> 2)
			gap = tmp >> 2;
		z[i].wmark_min = tmp;
		z[i].wmark_low = tmp + gap;
		z[i].wmark_high = tmp + 2 * gap;
		z[i].wmark_promo = tmp + 3 * gap;
		z[i].nr_reserve = MMT_MAX_ZONE_TYPES;
		uint64_t above = 0;
		for (uint32_t j = 0; j < MMT_MAX_ZONE_TYPES; j++) {
			if (j > i && j < n)
				above += z[j].managed;
			uint32_t zi = (uint32_t)z[i].zone_idx;
			z[i].lowmem_reserve[j] = j > i && zi < MMT_MAX_ZONE_TYPES &&
				reserve_ratio[zi] ? above / reserve_ratio[zi] : 0;
		}
	}
}

static void zone_init(struct mmt_zone_info *z, int idx, const char *name,
		      uint64_t start, uint64_t spanned, uint64_t present,
		      uint64_t managed)
{
	memset(z, 0, sizeof(*z));
	z->node = 0;
	z->zone_idx = idx;
	strncpy(z->name, name, sizeof(z->name) - 1);
	z->start_pfn = start;
	z->spanned = spanned;
	z->present = present;
	z->managed = managed;
	z->pcp_batch = 63;
	z->pcp_high = idx ? 378 : 0;
	z->pcp_high_min = z->pcp_high;
	z->pcp_high_max = idx ? 3783 : 0;
	z->nr_free = managed;
}

uint32_t mmt_synth_default_zones(struct mmt_zone_info z[3], uint64_t normal_pages)
{
	zone_init(&z[0], 0, "DMA", 1, 4095, 3998, 3840);
	zone_init(&z[1], 1, "DMA32", 4096, 1044480, 782304, 772915);
	zone_init(&z[2], 2, "Normal", 1u << 20, normal_pages, normal_pages,
		  normal_pages - normal_pages / 64);
	set_wmarks(z, 3, min_free_kbytes_of(z, 3));
	return 3;
}

static void *dup(const void *src, size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

int mmt_synth_header(struct mmt_header *h, const struct mmt_zone_info *zones,
		     uint32_t nr_zones, uint32_t nr_cpus)
{
	struct mmt_zone_info def[3];
	char buf[32];

	memset(h, 0, sizeof(*h));
	if (!zones) {
		nr_zones = mmt_synth_default_zones(def, 1u << 18);
		zones = def;
	}
	if (!nr_cpus)
		nr_cpus = 1;
	h->version = MMT_FORMAT_VERSION;
	strcpy(h->release, "6.18.0-synth");
	strcpy(h->machine, "x86_64");
	h->page_size = 4096;
	h->pageblock_order = 9;
	h->max_order = MMT_MAX_ORDER;
	h->start_ns = 1000000000ull;
	h->start_realtime_ns = 1763776800ull * 1000000000ull;
	h->nr_cpus = nr_cpus;
	h->cpu_node = calloc(nr_cpus, sizeof(int32_t));
	h->nr_nodes = 1;
	h->node_distance = dup((uint32_t[]){ 10 }, sizeof(uint32_t));
	h->nr_zones = nr_zones;
	h->zones = dup(zones, nr_zones * sizeof(*zones));
	h->nr_sysctls = (uint32_t)LEN(sysctl_defaults) + 1;
	h->sysctls = calloc(h->nr_sysctls, sizeof(*h->sysctls));
	h->nr_gfp_bits = (uint32_t)LEN(gfp_6_18);
	h->gfp_bits = dup(gfp_6_18, sizeof(gfp_6_18));
	h->nr_migratetypes = (uint32_t)LEN(mt_6_18);
	h->migratetypes = dup(mt_6_18, sizeof(mt_6_18));
	h->nr_zone_types = (uint32_t)LEN(zt_6_18);
	h->zone_types = dup(zt_6_18, sizeof(zt_6_18));
	h->nr_slab_caches = (uint32_t)LEN(slabs_6_18);
	h->slab_caches = dup(slabs_6_18, sizeof(slabs_6_18));
	h->nr_notes = 1;
	h->notes = calloc(1, sizeof(*h->notes));
	if (!h->cpu_node || !h->node_distance || !h->zones || !h->sysctls ||
	    !h->gfp_bits || !h->migratetypes || !h->zone_types ||
	    !h->slab_caches || !h->notes) {
		mmt_header_free(h);
		return -1;
	}
	strcpy(h->sysctls[0].name, "vm.min_free_kbytes");
	snprintf(buf, sizeof(buf), "%llu",
		 (unsigned long long)min_free_kbytes_of(zones, nr_zones));
	strcpy(h->sysctls[0].value, buf);
	for (size_t i = 0; i < LEN(sysctl_defaults); i++) {
		strcpy(h->sysctls[i + 1].name, sysctl_defaults[i].name);
		strcpy(h->sysctls[i + 1].value, sysctl_defaults[i].value);
	}
	strcpy(h->notes[0].name, "synthetic");
	strcpy(h->notes[0].value, "test data: 6.18 encodings from traces/synth.c");
	return 0;
}

/* ---- names -> raw values ---------------------------------------------------- */

uint64_t mmt_synth_gfp(const struct mmt_header *h, const char *expr)
{
	uint64_t raw = 0;
	if (mmt_gfp_parse(h, expr, &raw))
		return 0;
	return raw;
}

int mmt_synth_mt(const struct mmt_header *h, const char *name)
{
	return mmt_mt_parse(h, name);
}

/* ---- snapshot ----------------------------------------------------------------- */

static int push_run(struct mmt_snapshot *s, uint64_t *cap, uint64_t pfn,
		    uint64_t len, uint8_t cls)
{
	if (!len)
		return 0;
	if (s->nr_runs && s->runs[s->nr_runs - 1].cls == cls &&
	    s->runs[s->nr_runs - 1].pfn + s->runs[s->nr_runs - 1].len == pfn) {
		s->runs[s->nr_runs - 1].len += len;
		return 0;
	}
	if (s->nr_runs == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		struct mmt_class_run *p = realloc(s->runs, *cap * sizeof(*p));
		if (!p)
			return -1;
		s->runs = p;
	}
	s->runs[s->nr_runs++] = (struct mmt_class_run){ pfn, len, cls };
	return 0;
}

static int push_free(struct mmt_snapshot *s, uint64_t *cap, uint64_t pfn,
		     uint8_t order, int8_t mt)
{
	if (s->nr_free_blocks == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		struct mmt_free_block *p = realloc(s->free_blocks, *cap * sizeof(*p));
		if (!p)
			return -1;
		s->free_blocks = p;
	}
	s->free_blocks[s->nr_free_blocks++] =
		(struct mmt_free_block){ pfn, order, mt, 1, 0 };
	return 0;
}

int mmt_synth_snapshot(struct mmt_snapshot *s, const struct mmt_header *h)
{
	uint64_t run_cap = 0, free_cap = 0, end = 0, pfn = 0;
	int movable = mmt_mt_parse(h, "MIGRATE_MOVABLE");
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->flags = MMT_SNAP_FREE_EXACT | MMT_SNAP_PB_EXACT;
	for (uint32_t i = 0; i < h->nr_zones && !rc; i++) {
		const struct mmt_zone_info *z = &h->zones[i];
		uint64_t reserved = z->present - z->managed;
		uint64_t fstart = z->start_pfn + reserved;
		uint64_t fend = z->start_pfn + z->present;
		rc |= push_run(s, &run_cap, pfn, z->start_pfn - pfn, MMT_PC_HOLE);
		rc |= push_run(s, &run_cap, z->start_pfn, reserved, MMT_PC_RESERVED);
		rc |= push_run(s, &run_cap, fstart, fend - fstart, MMT_PC_FREE);
		rc |= push_run(s, &run_cap, fend, z->start_pfn + z->spanned - fend,
			       MMT_PC_HOLE);
		pfn = z->start_pfn + z->spanned;
		for (uint64_t p = fstart; p < fend && !rc;) {
			int o = MMT_MAX_ORDER;
			while (o && ((p & ((1ull << o) - 1)) || p + (1ull << o) > fend))
				o--;
			rc |= push_free(s, &free_cap, p, (uint8_t)o, (int8_t)movable);
			if (z->node >= 0 && z->node < 8 && z->zone_idx >= 0 &&
			    z->zone_idx < MMT_MAX_ZONE_TYPES)
				s->buddyinfo[z->node][z->zone_idx][o]++;
			p += 1ull << o;
		}
		if (pfn > end)
			end = pfn;
	}
	s->nr_pageblocks = (end + 511) >> 9;
	s->pageblock_mt = malloc(s->nr_pageblocks ? s->nr_pageblocks : 1);
	s->nr_zones = h->nr_zones;
	s->zones = dup(h->zones, h->nr_zones * sizeof(*h->zones));
	s->nr_vmstat = 2;
	s->vmstat = calloc(2, sizeof(*s->vmstat));
	if (rc || !s->pageblock_mt || !s->zones || !s->vmstat) {
		mmt_snapshot_free(s);
		return -1;
	}
	memset(s->pageblock_mt, movable, s->nr_pageblocks);
	uint64_t nr_free = 0;
	for (uint32_t i = 0; i < h->nr_zones; i++)
		nr_free += h->zones[i].managed;
	strcpy(s->vmstat[0].name, "nr_free_pages");
	snprintf(s->vmstat[0].value, sizeof(s->vmstat[0].value), "%llu",
		 (unsigned long long)nr_free);
	strcpy(s->vmstat[1].name, "pgfault");
	strcpy(s->vmstat[1].value, "0");
	return 0;
}

/* ---- fault loop ---------------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64*: deterministic, good enough for jitter */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

#define PCP_CAP 1024
#define PCP_BATCH 63
#define PCP_HIGH 378

struct sim_pcp {
	uint64_t pfn[PCP_CAP];	/* [0] oldest, [n-1] head */
	uint32_t n;
};

struct loop_state {
	const struct mmt_synth_loop *o;
	struct mmt_event *out;
	size_t n, i;
	uint64_t ts, rng, buddy, addr, gfp;
	int mt;
	uint32_t cpu;
	struct sim_pcp pcp[2];
};

static struct mmt_event *emit(struct loop_state *st, unsigned kind,
			      uint64_t gap_min, uint64_t gap_span)
{
	if (st->i >= st->n)
		return NULL;
	st->ts += gap_min + rnd(&st->rng) % gap_span;
	struct mmt_event *e = &st->out[st->i++];
	memset(e, 0, sizeof(*e));
	e->ts = st->ts;
	e->kind = (uint16_t)kind;
	e->cpu = (uint16_t)st->cpu;
	e->pid = 4242;
	return e;
}

static void refill(struct loop_state *st, struct sim_pcp *p)
{
	/* rmqueue_bulk(): a batch from the buddy, ascending pfns, each put at
	 * the list's tail; allocation takes from the head. */
	for (int k = PCP_BATCH - 1; k >= 0; k--)
		p->pfn[p->n++] = st->buddy + (uint64_t)k;
	if (st->o->pcp_events)
		for (int k = 0; k < PCP_BATCH; k++) {
			struct mmt_event *e = emit(st, MMT_EV_PCP_REFILL, 10, 10);
			if (!e)
				break;
			e->pfn = st->buddy + (uint64_t)k;
			e->mt = st->mt;
			e->arg = 1;
		}
	st->buddy += PCP_BATCH;
	/* now and then the buddy hands out a block elsewhere */
	if (rnd(&st->rng) % 16 == 0)
		st->buddy += 512 * (1 + rnd(&st->rng) % 8);
}

static void drain(struct loop_state *st, struct sim_pcp *p)
{
	/* free_pcppages_bulk(): the oldest pages go back to the buddy */
	if (st->o->pcp_events)
		for (uint32_t k = 0; k < PCP_BATCH; k++) {
			struct mmt_event *e = emit(st, MMT_EV_PCP_DRAIN, 10, 10);
			if (!e)
				break;
			e->pfn = p->pfn[k];
			e->mt = st->mt;
		}
	memmove(p->pfn, p->pfn + PCP_BATCH, (p->n - PCP_BATCH) * sizeof(p->pfn[0]));
	p->n -= PCP_BATCH;
}

size_t mmt_synth_fault_loop(const struct mmt_header *h,
			    const struct mmt_synth_loop *opt,
			    struct mmt_event *out, size_t n)
{
	struct mmt_synth_loop o = opt ? *opt : (struct mmt_synth_loop){ 0 };
	struct loop_state *st = calloc(1, sizeof(*st));
	uint64_t *taken;

	if (!o.chunk)
		o.chunk = 256;
	if (o.nr_cpus != 2)
		o.nr_cpus = 1;
	taken = calloc(o.chunk, sizeof(*taken));
	if (!st || !taken) {
		free(st);
		free(taken);
		return 0;
	}
	st->o = &o;
	st->out = out;
	st->n = n;
	st->rng = o.seed * 2654435761u + 88172645463325252ull;
	st->buddy = h->nr_zones ? h->zones[h->nr_zones - 1].start_pfn + 4096 : 1u << 20;
	st->addr = 0x7f0000000000ull;
	st->gfp = mmt_synth_gfp(h, "GFP_HIGHUSER_MOVABLE|__GFP_ZERO");
	st->mt = mmt_mt_parse(h, "MIGRATE_MOVABLE");
	while (st->i < n) {
		if (o.nr_cpus == 2 && rnd(&st->rng) % 8 == 0)
			st->cpu ^= 1;
		struct sim_pcp *p = &st->pcp[st->cpu];
		uint32_t k;
		for (k = 0; k < o.chunk; k++) {
			struct mmt_event *e = emit(st, MMT_EV_FAULT_USER, 800, 400);
			if (!e)
				break;
			e->addr = st->addr;
			e->site = 0x5eed0001;
			e->arg = 0x6;	/* write, user */
			st->addr += 4096;
			if (!p->n)
				refill(st, p);
			if (!(e = emit(st, MMT_EV_PAGE_ALLOC, 150, 100)))
				break;
			e->pfn = p->pfn[--p->n];
			e->gfp = st->gfp;
			e->mt = st->mt;
			taken[k] = e->pfn;
		}
		for (uint32_t j = 0; j < k; j++) {
			struct mmt_event *e = emit(st, MMT_EV_PAGE_FREE, 80, 40);
			if (!e)
				break;
			e->pfn = taken[j];
			e->arg = 1;
			p->pfn[p->n++] = taken[j];
			if (p->n > PCP_HIGH)
				drain(st, p);
		}
	}
	free(taken);
	free(st);
	return n;
}
