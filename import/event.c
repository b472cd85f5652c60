/* SPDX-License-Identifier: MIT */
/*
 * Tracepoint fields, as their print formats show them, into struct
 * mmt_event (include/mmtrace/event.h), the way collector/record.c fills
 * them from its BPF records:
 *  - gfp flags are printed by name and parsed back with the header's
 *    names (mmt_gfp_parse): the header is the importing host's;
 *  - call sites are printed as "symbol+0xoff" and become the collector's
 *    ids (FNV-1a of that string), named in the trace's names table; user
 *    ips and kernel-half addresses are hashed with a random key;
 *  - slab objects are printed as direct-map addresses; the direct map's
 *    KASLR base is not in the capture, so (pfn, offset) is taken from
 *    the address less its 512 GiB-aligned floor: the same object gets the
 *    same (pfn, offset) and no raw pointer is kept, but pfn is not the
 *    physical page (noted in the header);
 *  - mm_page_free_batched is skipped (mm_page_free fires for the same
 *    folio first; collector/README.md), as are kfree(NULL) calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "../collector/collector.h"
#include "import.h"

struct imp_comm {
	uint32_t pid;
	int used;
	char comm[MMT_COMM_MAX];
};

/* The collector's ids: the same site has the same id in a recorded and
 * an imported trace of one kernel build. */
#define keyed coll_keyed_hash

int imp_conv_init(struct imp_conv *c, const struct mmt_header *h,
		  struct mmt_writer *w)
{
	memset(c, 0, sizeof(*c));
	c->h = h;
	c->w = w;
	if (getrandom(&c->key, sizeof(c->key), 0) != sizeof(c->key))
		c->key = 0x5bd1e995u;
	c->comm_cap = 1024;
	c->comms = calloc(c->comm_cap, sizeof(*c->comms));
	return c->comms ? 0 : -1;
}

void imp_conv_free(struct imp_conv *c)
{
	free(c->comms);
	free(c->sites);
	memset(c, 0, sizeof(*c));
}

/* ---- names ------------------------------------------------------------------- */

static struct imp_comm *comm_slot(struct imp_conv *c, uint32_t pid)
{
	uint64_t i = (pid * 0x9e3779b1u) & (c->comm_cap - 1);

	while (c->comms[i].used && c->comms[i].pid != pid)
		i = (i + 1) & (c->comm_cap - 1);
	return &c->comms[i];
}

static int note_comm(struct imp_conv *c, uint32_t pid, uint64_t ts, const char *comm)
{
	struct imp_comm *e;

	if ((c->ncomms + 1) * 2 > c->comm_cap) {
		struct imp_conv n = *c;

		n.comm_cap = c->comm_cap * 2;
		n.comms = calloc(n.comm_cap, sizeof(*n.comms));
		if (!n.comms)
			return -1;
		for (uint64_t i = 0; i < c->comm_cap; i++)
			if (c->comms[i].used)
				*comm_slot(&n, c->comms[i].pid) = c->comms[i];
		free(c->comms);
		c->comms = n.comms;
		c->comm_cap = n.comm_cap;
	}
	e = comm_slot(c, pid);
	if (e->used && !strncmp(e->comm, comm, sizeof(e->comm) - 1))
		return 0;
	if (!e->used)
		c->ncomms++;
	e->used = 1;
	e->pid = pid;
	snprintf(e->comm, sizeof(e->comm), "%s", comm);
	return mmt_writer_add_comm(c->w, pid, ts, comm);
}

/* A site's id, its name added to the table the first time. */
static uint64_t site_id(struct imp_conv *c, const char *name)
{
	uint64_t h, i;

	if (!strncmp(name, "0x", 2))	/* not resolved: a user ip or no symbol */
		return keyed(c->key, strtoull(name, NULL, 16));
	h = coll_site_hash(name);
	if ((c->nsites + 1) * 2 > c->site_cap) {
		uint64_t cap = c->site_cap ? c->site_cap * 2 : 1024, *v = calloc(cap, 8);

		if (!v)
			return h;
		for (i = 0; i < c->site_cap; i++) {
			uint64_t k = c->sites[i], j;

			if (!k)
				continue;
			for (j = k & (cap - 1); v[j]; j = (j + 1) & (cap - 1))
				;
			v[j] = k;
		}
		free(c->sites);
		c->sites = v;
		c->site_cap = cap;
	}
	for (i = h & (c->site_cap - 1); c->sites[i]; i = (i + 1) & (c->site_cap - 1))
		if (c->sites[i] == h)
			return h;
	c->sites[i] = h;
	c->nsites++;
	mmt_writer_add_sym(c->w, h, name);
	return h;
}

/* ---- fields -------------------------------------------------------------------- */

struct fl {
	const char *f;
	int bad;
	char buf[512];
};

static uint64_t num(struct fl *x, const char *key)
{
	char *end;
	const char *v = imp_field(x->f, key, x->buf, sizeof(x->buf));
	uint64_t r;

	if (!v) {
		x->bad = 1;
		return 0;
	}
	if (!strcmp(v, "(nil)"))
		return 0;
	if (v[0] == '-')
		r = (uint64_t)strtoll(v, &end, 0);
	else
		r = strtoull(v, &end, 0);
	if (end == v || *end)
		x->bad = 1;
	return r;
}

static uint64_t gfp(struct imp_conv *c, struct fl *x, const char *key)
{
	const char *v = imp_field(x->f, key, x->buf, sizeof(x->buf));
	uint64_t raw = 0;

	if (!v || (strcmp(v, "0") && mmt_gfp_parse(c->h, v, &raw)))
		x->bad = 1;
	return raw;
}

static const char *str(struct fl *x, const char *key)
{
	const char *v = imp_field(x->f, key, x->buf, sizeof(x->buf));

	if (!v)
		x->bad = 1;
	return v ? v : "";
}

/* A direct-map address -> (pfn, offset) (see the top of this file). */
static void slab_obj(struct imp_conv *c, uint64_t ptr, struct mmt_event *e)
{
	uint64_t rel = ptr & ((1ull << 39) - 1);

	if (!ptr || !(ptr >> 63)) {
		e->pfn = UINT64_MAX;
		return;
	}
	e->pfn = rel / c->h->page_size;
	e->offset = (uint32_t)(rel % c->h->page_size);
}

static uint32_t cache_index(const struct mmt_header *h, const char *name)
{
	for (uint32_t i = 0; i + 1 < h->nr_slab_caches; i++)
		if (!strcmp(h->slab_caches[i].name, name))
			return i;
	return h->nr_slab_caches ? h->nr_slab_caches - 1 : 0;
}

/* compaction_status_string[] order = enum compact_result (6.x) */
static int compact_status(const char *s)
{
	static const char *const names[] = { "not_suitable_zone", "skipped",
		"deferred", "no_suitable_page", "continue", "complete",
		"partial_skipped", "contended", "success" };

	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static int convert(struct imp_conv *c, const struct imp_line *l, struct mmt_event *e)
{
	struct fl x = { l->fields, 0, "" };
	const char *ev = l->event;

	if (!strcmp(ev, "mm_page_alloc")) {
		e->kind = MMT_EV_PAGE_ALLOC;
		e->pfn = num(&x, "pfn");
		if (!strcmp(imp_field(x.f, "page", x.buf, sizeof(x.buf)) ?
			    x.buf : "", "(nil)"))
			e->pfn = UINT64_MAX;
		e->order = (uint32_t)num(&x, "order");
		e->mt = (int32_t)num(&x, "migratetype");
		e->gfp = gfp(c, &x, "gfp_flags");
	} else if (!strcmp(ev, "mm_page_free")) {
		e->kind = MMT_EV_PAGE_FREE;
		e->pfn = num(&x, "pfn");
		e->order = (uint32_t)num(&x, "order");
	} else if (!strcmp(ev, "mm_page_free_batched")) {
		c->batched++;
		return 1;
	} else if (!strcmp(ev, "mm_page_alloc_zone_locked")) {
		e->kind = MMT_EV_PCP_REFILL;
		e->pfn = num(&x, "pfn");
		e->order = (uint32_t)num(&x, "order");
		e->mt = (int32_t)num(&x, "migratetype");
		e->arg = num(&x, "percpu_refill");
	} else if (!strcmp(ev, "mm_page_pcpu_drain")) {
		e->kind = MMT_EV_PCP_DRAIN;
		e->pfn = num(&x, "pfn");
		e->order = (uint32_t)num(&x, "order");
		e->mt = (int32_t)num(&x, "migratetype");
	} else if (!strcmp(ev, "mm_page_alloc_extfrag")) {
		e->kind = MMT_EV_EXTFRAG;
		e->pfn = num(&x, "pfn");
		e->order = (uint32_t)num(&x, "alloc_order");
		e->arg = num(&x, "fallback_order");
		e->mt = (int32_t)num(&x, "alloc_migratetype");
		e->mt2 = (int32_t)num(&x, "fallback_migratetype");
		e->arg2 = num(&x, "change_ownership");
	} else if (!strcmp(ev, "kmalloc") || !strcmp(ev, "kmem_cache_alloc")) {
		e->kind = !strcmp(ev, "kmalloc") ? MMT_EV_KMALLOC : MMT_EV_KMEM_CACHE_ALLOC;
		e->site = site_id(c, str(&x, "call_site"));
		slab_obj(c, num(&x, "ptr"), e);
		e->bytes_req = (uint32_t)num(&x, "bytes_req");
		e->bytes_alloc = (uint32_t)num(&x, "bytes_alloc");
		e->gfp = gfp(c, &x, "gfp_flags");
		e->node = (int32_t)num(&x, "node");
		if (e->kind == MMT_EV_KMEM_CACHE_ALLOC)
			e->cache = cache_index(c->h, str(&x, "name"));
	} else if (!strcmp(ev, "kfree") || !strcmp(ev, "kmem_cache_free")) {
		uint64_t ptr = num(&x, "ptr");

		/* ZERO_OR_NULL_PTR(): kfree(NULL) and kfree(ZERO_SIZE_PTR)
		 * free nothing, as the collector drops them */
		if (ptr <= 16 && !x.bad) {
			c->kfree_null++;
			return 1;
		}
		e->kind = ev[1] == 'f' ? MMT_EV_KFREE : MMT_EV_KMEM_CACHE_FREE;
		e->site = site_id(c, str(&x, "call_site"));
		slab_obj(c, ptr, e);
		if (e->kind == MMT_EV_KMEM_CACHE_FREE)
			e->cache = cache_index(c->h, str(&x, "name"));
	} else if (!strcmp(ev, "page_fault_user") || !strcmp(ev, "page_fault_kernel")) {
		e->kind = ev[11] == 'u' ? MMT_EV_FAULT_USER : MMT_EV_FAULT_KERNEL;
		e->addr = num(&x, "address");
		if (e->addr >> 63)
			e->addr = keyed(c->key, e->addr);
		e->site = site_id(c, str(&x, "ip"));
		e->arg = num(&x, "error_code");
	} else if (!strcmp(ev, "mm_vmscan_direct_reclaim_begin")) {
		e->kind = MMT_EV_DIRECT_RECLAIM_BEGIN;
		e->order = (uint32_t)num(&x, "order");
		e->gfp = gfp(c, &x, "gfp_flags");
	} else if (!strcmp(ev, "mm_vmscan_direct_reclaim_end") ||
		   !strcmp(ev, "mm_vmscan_node_reclaim_end")) {
		e->kind = ev[10] == 'd' ? MMT_EV_DIRECT_RECLAIM_END : MMT_EV_NODE_RECLAIM_END;
		e->arg = num(&x, "nr_reclaimed");
	} else if (!strcmp(ev, "mm_vmscan_node_reclaim_begin")) {
		e->kind = MMT_EV_NODE_RECLAIM_BEGIN;
		e->node = (int32_t)num(&x, "nid");
		e->order = (uint32_t)num(&x, "order");
		e->gfp = gfp(c, &x, "gfp_flags");
	} else if (!strcmp(ev, "mm_vmscan_kswapd_wake")) {
		e->kind = MMT_EV_KSWAPD_WAKE;
		e->node = (int32_t)num(&x, "nid");
		e->arg = num(&x, "zid");
		e->order = (uint32_t)num(&x, "order");
	} else if (!strcmp(ev, "mm_vmscan_kswapd_sleep")) {
		e->kind = MMT_EV_KSWAPD_SLEEP;
		e->node = (int32_t)num(&x, "nid");
	} else if (!strcmp(ev, "mm_vmscan_wakeup_kswapd")) {
		e->kind = MMT_EV_WAKEUP_KSWAPD;
		e->node = (int32_t)num(&x, "nid");
		e->arg = num(&x, "zid");
		e->order = (uint32_t)num(&x, "order");
		e->gfp = gfp(c, &x, "gfp_flags");
	} else if (!strcmp(ev, "mm_compaction_begin") || !strcmp(ev, "mm_compaction_end")) {
		e->kind = ev[14] == 'b' ? MMT_EV_COMPACTION_BEGIN : MMT_EV_COMPACTION_END;
		e->pfn = num(&x, "zone_start");
		e->addr = num(&x, "zone_end");
		e->arg = num(&x, "migrate_pfn") - e->pfn;
		e->arg2 = num(&x, "free_pfn") - e->pfn;
		e->mt = strcmp(str(&x, "mode"), "async") != 0;
		if (e->kind == MMT_EV_COMPACTION_END)
			e->mt2 = compact_status(str(&x, "status"));
	} else if (!strcmp(ev, "mm_compaction_try_to_compact_pages")) {
		e->kind = MMT_EV_COMPACT_TRY;
		e->order = (uint32_t)num(&x, "order");
		e->gfp = gfp(c, &x, "gfp_mask");
		e->arg = num(&x, "priority");
	} else if (!strcmp(ev, "mm_filemap_add_to_page_cache") ||
		   !strcmp(ev, "mm_filemap_delete_from_page_cache")) {
		e->kind = ev[11] == 'a' ? MMT_EV_FILEMAP_ADD : MMT_EV_FILEMAP_DEL;
		e->pfn = num(&x, "pfn");
		e->order = imp_field(x.f, "order", x.buf, sizeof(x.buf)) ?
			   (uint32_t)num(&x, "order") : 0;
	} else {
		c->skipped_kinds++;
		return 1;
	}
	if (x.bad) {
		if (!c->malformed++) {
			c->first_bad_line = c->line_no;
			snprintf(c->first_bad, sizeof(c->first_bad), "%s: %.120s", ev,
				 l->fields);
		}
		return 1;
	}
	return 0;
}

int imp_conv_line(struct imp_conv *c, const struct imp_line *l)
{
	struct mmt_event e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.node = -1;
	rc = convert(c, l, &e);
	if (rc)
		return 0;
	if (!c->have_t0) {
		c->t0 = l->ts_ns;
		c->have_t0 = 1;
	}
	/* tools print in time order; keep the file's order anyway */
	e.ts = l->ts_ns > c->t0 ? l->ts_ns - c->t0 : 0;
	if (e.ts < c->last_ts)
		e.ts = c->last_ts;
	c->last_ts = e.ts;
	e.pid = l->pid;
	e.cpu = (uint16_t)(l->cpu < 65536 ? l->cpu : 65535);
	if (note_comm(c, l->pid, e.ts, l->comm))
		return -1;
	c->events++;
	return mmt_writer_add(c->w, &e);
}
