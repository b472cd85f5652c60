/* SPDX-License-Identifier: MIT */
/*
 * `mmtrace stat`'s one pass over a trace (stat.h).  Only the kinds and
 * fields the tables use are decoded (mmt_reader_next_batch_kinds); each
 * event then costs a table update or two: live pages by pfn and live slab
 * objects by address (for frees, ping-pong and what is left at the end),
 * and a dense index per call site and per process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stat.h"

/* A live page: order 8 | mt 4 | site+1 20 | proc+1 20 | gfp 12 bits
 * (the gfp index is kept for later tables; 4095 distinct values). */
#define PG_SITE_SHIFT 12
#define PG_PROC_SHIFT 32
#define PG_GFP_SHIFT 52
/* A live object: cache 12 | cpu 12 | site+1 20 | proc+1 20 bits; and
 * bytes_alloc 32 | ts >> 20 (about ms) 32 bits. */
#define OB_CPU_SHIFT 12
#define OB_SITE_SHIFT 24
#define OB_PROC_SHIFT 44
#define IDX_MASK (STAT_MAX_IDX - 1)

/* ---- indexes ---------------------------------------------------------------- */

static int grow_array(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t c = *cap ? *cap : 256;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, (size_t)c * elem);
	if (!q)
		return -1;
	memset((char *)q + (size_t)*cap * elem, 0, (size_t)(c - *cap) * elem);
	*p = q;
	*cap = c;
	return 0;
}

/* The index of key from the last lookup when it was key again (events
 * come in runs of one site, one gfp), else from t; 0 when t has none. */
static int lookup(const struct tab *t, struct stat_memo *m, uint64_t key,
		  uint32_t *idx)
{
	struct tab_val *v;

	if (m->ok && m->key == key) {
		*idx = m->idx;
		return 1;
	}
	v = tab_get(t, key);
	if (!v)
		return 0;
	*m = (struct stat_memo){ key, (uint32_t)v->a, 1 };
	*idx = m->idx;
	return 1;
}

/* Index of a site (sites past STAT_MAX_IDX share the last slot). */
static uint32_t site_of(struct kmstat *s, uint64_t site)
{
	uint32_t i;

	if (lookup(&s->site_idx, &s->site_memo, site, &i))
		return i;
	if (s->nsites >= STAT_MAX_IDX - 1 ||
	    grow_array((void **)&s->sites, &s->cap_sites, s->nsites + 1,
		       sizeof(*s->sites)) ||
	    tab_put(&s->site_idx, site, (struct tab_val){ s->nsites, 0 })) {
		s->oom = 1;
		return s->nsites ? s->nsites - 1 : 0;
	}
	s->sites[s->nsites].site = site;
	return s->nsites++;
}

static uint32_t proc_of(struct kmstat *s, uint32_t pid)
{
	struct tab_val *v;

	if (pid == s->last_pid)
		return s->last_pidx;
	v = tab_get(&s->pid_idx, pid);
	if (!v) {
		if (s->nprocs >= STAT_MAX_IDX - 1 ||
		    grow_array((void **)&s->procs, &s->cap_procs, s->nprocs + 1,
			       sizeof(*s->procs)) ||
		    tab_put(&s->pid_idx, pid, (struct tab_val){ s->nprocs, 0 })) {
			s->oom = 1;
			return s->nprocs ? s->nprocs - 1 : 0;
		}
		s->procs[s->nprocs].pid = pid;
		s->last_pidx = s->nprocs++;
	} else {
		s->last_pidx = (uint32_t)v->a;
	}
	s->last_pid = pid;
	return s->last_pidx;
}

static uint32_t gfp_of(struct kmstat *s, uint64_t gfp)
{
	uint32_t i;

	if (lookup(&s->gfp_idx, &s->gfp_memo, gfp, &i))
		return i;
	if (s->ngfps >= 4095 ||
	    grow_array((void **)&s->gfps, &s->cap_gfps, s->ngfps + 1,
		       sizeof(*s->gfps)) ||
	    tab_put(&s->gfp_idx, gfp, (struct tab_val){ s->ngfps, 0 })) {
		s->oom = 1;
		return s->ngfps ? s->ngfps - 1 : 0;
	}
	s->gfps[s->ngfps].gfp = gfp;
	return s->ngfps++;
}

/* ---- kmalloc caches ----------------------------------------------------------- */

/* kmalloc events carry no cache: it is the size class the bytes fell
 * in, among kmalloc-N, kmalloc-cg-N (__GFP_ACCOUNT) and kmalloc-rcl-N
 * (__GFP_RECLAIMABLE), as kmalloc_type() picks (include/linux/slab.h;
 * dma-kmalloc and the random kmalloc copies are not told apart). */
static const char *const kmalloc_prefix[3] = { "kmalloc-", "kmalloc-cg-",
					       "kmalloc-rcl-" };

static int header_cache(const struct mmt_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_slab_caches; i++)
		if (!strcmp(h->slab_caches[i].name, name))
			return (int)i;
	return -1;
}

/* kmalloc_idx[t][l]: the cache of size 1 << l (l >= 3), and in slots
 * 0 and 1 the two other classes, 96 and 192 bytes. */
static void init_kmalloc(struct kmstat *s)
{
	for (int t = 0; t < 3; t++)
		for (int l = 0; l < 16; l++) {
			char name[48], sz[16];
			unsigned size = l == 0 ? 96 : l == 1 ? 192 : 1u << l;

			if (size >= 1024)
				snprintf(sz, sizeof(sz), "%uk", size >> 10);
			else
				snprintf(sz, sizeof(sz), "%u", size);
			snprintf(name, sizeof(name), "%s%s", kmalloc_prefix[t], sz);
			s->kmalloc_idx[t][l] = header_cache(s->h, name);
		}
}

/* The cache a kmalloc of bytes_alloc bytes came from. */
static uint32_t kmalloc_cache(const struct kmstat *s, const struct mmt_event *e,
			      uint64_t account, uint64_t reclaimable)
{
	unsigned b = e->bytes_alloc, l = 3;
	int t = (e->gfp & account) ? 1 : (e->gfp & reclaimable) ? 2 : 0;

	if (b == 96 || b == 192) {	/* the two non-power-of-two classes */
		l = b == 96 ? 0 : 1;
	} else {
		while (l < 15 && (1u << l) < b)
			l++;
		if ((1u << l) != b)
			return s->nr_caches - 1;	/* not a class: a large kmalloc */
	}
	if (s->kmalloc_idx[t][l] >= 0)
		return (uint32_t)s->kmalloc_idx[t][l];
	if (s->kmalloc_idx[0][l] >= 0)
		return (uint32_t)s->kmalloc_idx[0][l];
	return s->nr_caches - 1;
}

/* ---- setup -------------------------------------------------------------------- */

int stat_init(struct kmstat *s, struct mmt_reader *r, struct mmt_filter *f)
{
	memset(s, 0, sizeof(*s));
	s->h = mmt_reader_header(r);
	s->flt = f;
	s->names = mmt_reader_names(r);
	if (s->names && !s->names->recorded)
		s->names = NULL;
	s->last_pid = UINT32_MAX;
	s->first_ts = UINT64_MAX;
	tab_init(&s->gfp_idx, 0, 0);
	tab_init(&s->site_idx, 0, 0);
	tab_init(&s->pid_idx, 0, 0);
	pt_init(&s->live_pages, STAT_PAGES_MEM_BASE +
		STAT_PAGES_MEM_PER_BYTE * mmt_reader_file_bytes(r));
	tab_init(&s->live_objs, 6, 3);
	/* the header's caches, then one for large kmallocs (page-backed) */
	s->nr_caches = s->h->nr_slab_caches + 1;
	s->caches = calloc(s->nr_caches, sizeof(*s->caches));
	if (!s->caches)
		return -1;
	init_kmalloc(s);
	return 0;
}

void stat_free(struct kmstat *s)
{
	free(s->gfps);
	free(s->sites);
	free(s->procs);
	free(s->caches);
	tab_free(&s->gfp_idx);
	tab_free(&s->site_idx);
	tab_free(&s->pid_idx);
	pt_free(&s->live_pages);
	tab_free(&s->live_objs);
	memset(s, 0, sizeof(*s));
}

/* ---- events ------------------------------------------------------------------- */

struct gfp_bits {
	uint64_t account, reclaimable;
};

static void page_alloc(struct kmstat *s, const struct mmt_event *e)
{
	uint64_t pages = e->order < 64 ? 1ull << e->order : 0;
	uint32_t p = proc_of(s, e->pid), site = 0;
	struct stat_proc *pr = &s->procs[p];

	s->page_allocs++;
	s->page_alloc_pages += pages;
	if (e->pfn == UINT64_MAX) {	/* failed: perf counts it a request */
		s->page_fails++;
		s->page_fail_pages += pages;
		return;
	}
	unsigned o = e->order < STAT_ORDERS - 1 ? e->order : STAT_ORDERS - 1;
	unsigned mt = (unsigned)e->mt < STAT_MT ? (unsigned)e->mt : STAT_MT - 1;
	s->order_mt[o][mt]++;
	s->order_mt_pages[o][mt] += pages;
	uint32_t g = gfp_of(s, e->gfp);
	s->gfps[g].allocs++;
	s->gfps[g].pages += pages;
	pr->page_allocs++;
	pr->pages += pages;
	if (e->site) {
		site = site_of(s, e->site) + 1;
		s->sites[site - 1].page_allocs++;
		s->sites[site - 1].pages += pages;
	}
	uint64_t v = (e->order & 0xff) | (uint64_t)(mt & 0xf) << 8 |
		     (uint64_t)site << PG_SITE_SHIFT | (uint64_t)(p + 1) << PG_PROC_SHIFT |
		     (uint64_t)(g & 0xfff) << PG_GFP_SHIFT;
	if (pt_put(&s->live_pages, e->pfn, v))
		s->oom = 1;
}

static void page_free(struct kmstat *s, const struct mmt_event *e)
{
	uint64_t pages = e->order < 64 ? 1ull << e->order : 0;
	uint32_t p = proc_of(s, e->pid);	/* may move s->procs */
	struct stat_proc *pr = &s->procs[p];

	s->page_frees++;
	s->page_free_pages += pages;
	pr->page_frees++;
	pr->pages_freed += pages;
	if (!pt_take(&s->live_pages, e->pfn)) {
		s->page_nomatch++;
		s->page_nomatch_pages += pages;
	}
}

static void slab_alloc(struct kmstat *s, const struct mmt_event *e,
		       const struct gfp_bits *gb)
{
	uint32_t site = site_of(s, e->site), p = proc_of(s, e->pid), c;
	struct stat_site *st = &s->sites[site];
	struct stat_proc *pr = &s->procs[p];

	s->slab_allocs++;
	s->bytes_req += e->bytes_req;
	s->bytes_alloc += e->bytes_alloc;
	st->allocs++;
	st->bytes_req += e->bytes_req;
	st->bytes_alloc += e->bytes_alloc;
	pr->slab_allocs++;
	pr->slab_bytes += e->bytes_alloc;
	if (e->kind == MMT_EV_KMEM_CACHE_ALLOC)
		c = e->cache < s->h->nr_slab_caches ? e->cache : s->h->nr_slab_caches - 1;
	else
		c = kmalloc_cache(s, e, gb->account, gb->reclaimable);
	if (c >= s->nr_caches)
		c = s->nr_caches - 1;
	s->caches[c].allocs++;
	s->caches[c].bytes_alloc += e->bytes_alloc;
	s->caches[c].bytes_req += e->bytes_req;
	/* perf kmem's cross-CPU (really cross-node) allocations */
	if (e->node >= 0 && e->cpu < s->h->nr_cpus &&
	    s->h->cpu_node[e->cpu] != e->node)
		s->cross_node++;
	if (e->pfn == UINT64_MAX)
		return;		/* not in the direct map: never freed by address */
	struct tab_val v = {
		(c & 0xfff) | (uint64_t)(e->cpu & 0xfff) << OB_CPU_SHIFT |
		(uint64_t)(site + 1) << OB_SITE_SHIFT | (uint64_t)(p + 1) << OB_PROC_SHIFT,
		e->bytes_alloc | (e->ts >> 20) << 32
	};
	if (tab_put(&s->live_objs, e->pfn * s->h->page_size + e->offset, v))
		s->oom = 1;
}

static void slab_free(struct kmstat *s, const struct mmt_event *e)
{
	uint32_t p = proc_of(s, e->pid);	/* may move s->procs */
	struct stat_proc *pr = &s->procs[p];
	struct tab_val v;

	s->slab_frees++;
	pr->slab_frees++;
	if (e->pfn == UINT64_MAX ||
	    !tab_take(&s->live_objs, e->pfn * s->h->page_size + e->offset, &v)) {
		s->slab_frees_nomatch++;
		if (e->kind == MMT_EV_KMEM_CACHE_FREE && e->cache < s->h->nr_slab_caches)
			s->caches[e->cache].frees++;
		return;
	}
	uint32_t c = (uint32_t)(v.a & 0xfff), cpu = (uint32_t)(v.a >> OB_CPU_SHIFT) & 0xfff;
	uint32_t site = (uint32_t)(v.a >> OB_SITE_SHIFT) & IDX_MASK;
	uint64_t bytes = v.b & 0xffffffffu;

	s->bytes_freed += bytes;
	if (c < s->nr_caches) {
		s->caches[c].frees++;
		s->caches[c].churn++;
	}
	if (site && site <= s->nsites) {
		struct stat_site *st = &s->sites[site - 1];

		st->frees++;
		st->bytes_freed += bytes;
		if (cpu != (e->cpu & 0xfffu)) {
			st->pingpong++;
			s->pingpong++;
		}
	}
}

static void extfrag(struct kmstat *s, const struct mmt_event *e)
{
	unsigned a = (unsigned)e->mt < STAT_MT ? (unsigned)e->mt : STAT_MT - 1;
	unsigned b = (unsigned)e->mt2 < STAT_MT ? (unsigned)e->mt2 : STAT_MT - 1;

	s->fallback[a][b]++;
	if (e->arg2)
		s->fallback_claimed[a][b]++;
	s->fallback_pages += e->order < 64 ? 1ull << e->order : 0;
}

static void one(struct kmstat *s, const struct mmt_event *e,
		const struct gfp_bits *gb)
{
	switch (e->kind) {
	case MMT_EV_PAGE_ALLOC:
		page_alloc(s, e);
		break;
	case MMT_EV_PAGE_FREE:
		page_free(s, e);
		break;
	case MMT_EV_KMALLOC:
	case MMT_EV_KMEM_CACHE_ALLOC:
		slab_alloc(s, e, gb);
		break;
	case MMT_EV_KFREE:
	case MMT_EV_KMEM_CACHE_FREE:
		slab_free(s, e);
		break;
	case MMT_EV_EXTFRAG:
		extfrag(s, e);
		break;
	case MMT_EV_DIRECT_RECLAIM_BEGIN:
		s->direct_reclaims++;
		break;
	case MMT_EV_DIRECT_RECLAIM_END:
	case MMT_EV_NODE_RECLAIM_END:
		s->reclaimed += e->arg;
		break;
	case MMT_EV_COMPACT_TRY:
		s->compact_tries++;
		break;
	case MMT_EV_KSWAPD_WAKE:
		s->kswapd_wakes++;
		break;
	case MMT_EV_FAULT_USER:
	case MMT_EV_FAULT_KERNEL: {
		uint32_t p = proc_of(s, e->pid);	/* may move s->procs */

		s->procs[p].faults++;
		if (e->kind == MMT_EV_FAULT_USER)
			s->faults_user++;
		else
			s->faults_kernel++;
		break;
	}
	}
}

/* The table slot a coming event will touch, loaded while earlier events
 * are counted (the tables outgrow the caches; their misses were half of
 * the time; inlined always, see pt_prefetch). */
static inline __attribute__((always_inline)) void
prefetch(const struct kmstat *s, const struct mmt_event *e)
{
	switch (e->kind) {
	case MMT_EV_PAGE_ALLOC:
		pt_prefetch(&s->live_pages, e->pfn, 1);
		break;
	case MMT_EV_PAGE_FREE:
		pt_prefetch(&s->live_pages, e->pfn, 0);
		break;
	case MMT_EV_KMALLOC:
	case MMT_EV_KMEM_CACHE_ALLOC:
	case MMT_EV_KFREE:
	case MMT_EV_KMEM_CACHE_FREE:
		tab_prefetch(&s->live_objs, e->pfn * s->h->page_size + e->offset);
		break;
	}
}

#define PREFETCH_AHEAD 16

static void select_fields(uint32_t k[64])
{
	const uint32_t slab = MMT_FIELD_PID | MMT_FIELD_CPU | MMT_FIELD_PFN |
			      MMT_FIELD_OFFSET | MMT_FIELD_SITE;

	memset(k, 0, 64 * sizeof(*k));
	k[MMT_EV_PAGE_ALLOC] = MMT_FIELD_PID | MMT_FIELD_PFN | MMT_FIELD_ORDER |
			       MMT_FIELD_GFP | MMT_FIELD_MT | MMT_FIELD_SITE;
	k[MMT_EV_PAGE_FREE] = MMT_FIELD_PID | MMT_FIELD_PFN | MMT_FIELD_ORDER;
	k[MMT_EV_KMALLOC] = slab | MMT_FIELD_BYTES_REQ | MMT_FIELD_BYTES_ALLOC |
			    MMT_FIELD_GFP | MMT_FIELD_NODE;
	k[MMT_EV_KMEM_CACHE_ALLOC] = k[MMT_EV_KMALLOC] | MMT_FIELD_CACHE;
	k[MMT_EV_KFREE] = slab & ~MMT_FIELD_SITE;	/* the site of the alloc counts */
	k[MMT_EV_KMEM_CACHE_FREE] = (slab & ~MMT_FIELD_SITE) | MMT_FIELD_CACHE;
	k[MMT_EV_EXTFRAG] = MMT_FIELD_PID | MMT_FIELD_ORDER | MMT_FIELD_MT |
			    MMT_FIELD_MT2 | MMT_FIELD_ARG2;
	k[MMT_EV_FAULT_USER] = MMT_FIELD_PID;
	k[MMT_EV_FAULT_KERNEL] = MMT_FIELD_PID;
	k[MMT_EV_LOST] = MMT_FIELD_ARG;
	k[MMT_EV_DIRECT_RECLAIM_BEGIN] = MMT_FIELD_KIND_ONLY;
	k[MMT_EV_DIRECT_RECLAIM_END] = MMT_FIELD_ARG;
	k[MMT_EV_NODE_RECLAIM_END] = MMT_FIELD_ARG;
	k[MMT_EV_COMPACT_TRY] = MMT_FIELD_KIND_ONLY;
	k[MMT_EV_KSWAPD_WAKE] = MMT_FIELD_KIND_ONLY;
}

int stat_run(struct kmstat *s, struct mmt_reader *r, int progress)
{
	uint32_t fields[64];
	const struct mmt_event *ev;
	struct mmt_decode dec;
	struct gfp_bits gb;
	uint64_t total = mmt_reader_nr_events(r), seen = 0, next_note = 0;
	int64_t n, ahead;
	int done = 0;

	mmt_decode_init(&dec, s->h);
	gb.account = dec.gfp_mask[MMT_GFP_ACCOUNT];
	gb.reclaimable = dec.gfp_mask[MMT_GFP_RECLAIMABLE];
	select_fields(fields);
	if (s->flt->start)
		mmt_reader_seek_time(r, s->flt->start);
	while (!done && (n = mmt_reader_next_batch_kinds(r, fields, &ev, &ahead)) > 0) {
		for (int64_t i = 0; i < n; i++) {
			const struct mmt_event *e = &ev[i];

			if (i + PREFETCH_AHEAD < n + ahead)
				prefetch(s, &ev[i + PREFETCH_AHEAD]);
			if (e->kind == MMT_EV_LOST) {
				s->lost += e->arg;
				continue;
			}
			if (!mmt_filter_match(s->flt, e)) {
				/* events are in time order up to small
				 * cross-cpu skew: stop a little past the end */
				if (e->ts > s->flt->end &&
				    e->ts - s->flt->end > 1000000000ull)
					done = 1;
				continue;
			}
			if (e->ts < s->first_ts)
				s->first_ts = e->ts;
			if (e->ts > s->last_ts)
				s->last_ts = e->ts;
			s->matched++;
			one(s, e, &gb);
		}
		seen += (uint64_t)n;
		if (progress && seen >= next_note && total) {
			fprintf(stderr, "\rmmtrace stat: %3.0f%%",
				100.0 * (double)seen / (double)total);
			next_note = seen + total / 100 + 1;
		}
	}
	if (progress)
		fprintf(stderr, "\r%20s\r", "");
	s->events = seen;
	if (s->first_ts == UINT64_MAX)
		s->first_ts = 0;
	return !done && n < 0 ? -1 : 0;
}

void stat_finish(struct kmstat *s)
{
	uint64_t i = 0, key, a;
	struct tab_val v;

	while (pt_next(&s->live_pages, &i, &key, &a)) {
		uint32_t site = (uint32_t)(a >> PG_SITE_SHIFT) & IDX_MASK;
		uint32_t p = (uint32_t)(a >> PG_PROC_SHIFT) & IDX_MASK;
		uint64_t pages = 1ull << (a & 0x3f);

		s->leak_page_allocs++;
		s->leak_pages += pages;
		if (site && site <= s->nsites)
			s->sites[site - 1].leak_pages += pages;
		if (p && p <= s->nprocs)
			s->procs[p - 1].leak_pages += pages;
	}
	i = 0;
	while (tab_next(&s->live_objs, &i, &key, &v)) {
		uint32_t c = (uint32_t)(v.a & 0xfff);
		uint32_t site = (uint32_t)(v.a >> OB_SITE_SHIFT) & IDX_MASK;
		uint32_t p = (uint32_t)(v.a >> OB_PROC_SHIFT) & IDX_MASK;
		uint64_t bytes = v.b & 0xffffffffu;

		if (site && site <= s->nsites) {
			s->sites[site - 1].leak_objs++;
			s->sites[site - 1].leak_bytes += bytes;
		}
		if (c < s->nr_caches) {
			s->caches[c].leak_objs++;
			s->caches[c].leak_bytes += bytes;
		}
		if (p && p <= s->nprocs)
			s->procs[p - 1].leak_bytes += bytes;
	}
}

/* ---- names ----------------------------------------------------------------------- */

const char *stat_site_name(const struct kmstat *s, uint64_t site, char *buf,
			   size_t len)
{
	const char *n = s->names ? mmt_names_sym(s->names, site) : NULL;

	if (n)
		return n;
	snprintf(buf, len, "0x%016llx", (unsigned long long)site);
	return buf;
}

const char *stat_comm(const struct kmstat *s, uint32_t pid)
{
	const char *c = s->names ? mmt_names_comm(s->names, pid, UINT64_MAX) : NULL;

	return c ? c : "?";
}

const char *stat_cache_name(const struct kmstat *s, uint32_t i)
{
	if (i < s->h->nr_slab_caches)
		return s->h->slab_caches[i].name;
	return "(large kmalloc)";
}

const char *stat_mt_name(const struct kmstat *s, int mt, char *buf, size_t len)
{
	return mmt_mt_str(s->h, mt, buf, len);
}
