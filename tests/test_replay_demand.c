/* SPDX-License-Identifier: MIT */
/*
 * Policy replay drives the model with the workload's demand only
 * (replay/demand.c).  A small synthetic "kernel" reads one file, then a
 * second one, then the middle of the first again backwards, evicting the
 * oldest page-cache pages (cause kswapd_evict) down to a quarter of memory
 * free whenever its free memory runs low; a process maps
 * anonymous pages, compaction migrates one of them (COMPACT_ISOLATE,
 * MIGRATE, the source freed with cause migrate_source) and isolates and
 * gives back a free block (compact_release); at the end the process
 * exits.  Checked:
 *  - none of the kernel's evictions, migrations or releases is replayed
 *    as a free: the model reclaims on its own, far more than when the
 *    same events are replayed without causes (an old trace), which says
 *    so in its outputs;
 *  - with the recorded settings the model evicts later than the kernel,
 *    so the kernel's refaults of pages the model kept cost the model
 *    nothing; with a far larger min_free_kbytes the model evicts pages
 *    the kernel kept, and their reads are refaults in the model;
 *  - the batches of one read(2) mark each page accessed once;
 *  - a folio being overwritten is no refault in the model, also when
 *    the model places it as order-0 pieces;
 *  - the migrated page's free reaches the model's page: no unmatched or
 *    double frees; the outputs are byte-identical run to run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "replay_util.h"

#define PAGES 32768
#define FILE1 (PAGES * 3 / 4)
#define FILE2 (PAGES / 2)
#define LOW_FREE (PAGES / 16)	/* the synthetic kernel's kswapd mark */
#define DEV 0x0fe00000u		/* 254:0 */

struct cached { uint64_t pfn, ino, index; };

struct fk {			/* the synthetic kernel's page cache */
	struct rk k;
	struct cached lru[PAGES];	/* FIFO of cached file pages */
	unsigned head, tail;
	uint64_t where[2][FILE1];	/* file, index -> pfn + 1 (0: not cached) */
	unsigned nfree, evictions;
};

static void free_cause(struct rk *k, uint64_t pfn, unsigned order,
		       unsigned cause, unsigned cpu)
{
	rk_free(k, pfn, order, cpu);
	k->ev[k->nr_ev - 1].arg2 = cause;
}

static void file_event(struct rk *k, unsigned kind, uint64_t pfn,
		       uint64_t ino, uint64_t first, uint64_t last,
		       unsigned cause)
{
	struct mmt_event *e = rk_push(k, kind, 0);

	e->pfn = pfn;
	e->offset = DEV;
	e->arg = ino;
	e->addr = first;
	e->arg2 = kind == MMT_EV_FILEMAP_DEL ? cause : last;
}

/* kswapd: evict the oldest cached pages until a quarter of memory is
 * free (far more than the model's marks ask for) */
static void kswapd(struct fk *f)
{
	if (f->nfree >= LOW_FREE)
		return;
	rk_push(&f->k, MMT_EV_KSWAPD_WAKE, 0);
	while (f->nfree < 4 * LOW_FREE && f->tail != f->head) {
		struct cached c = f->lru[f->tail++ % PAGES];

		file_event(&f->k, MMT_EV_FILEMAP_DEL, c.pfn, c.ino, c.index, 0,
			   MMT_FREE_KSWAPD_EVICT);
		free_cause(&f->k, c.pfn, 0, MMT_FREE_KSWAPD_EVICT, 0);
		f->where[c.ino - 1][c.index] = 0;
		f->nfree++;
		f->evictions++;
	}
	rk_push(&f->k, MMT_EV_KSWAPD_SLEEP, 0);
}

/* read(2) of one page: a miss allocates and adds it, then the read */
static void read_page(struct fk *f, uint64_t ino, uint64_t index)
{
	if (!f->where[ino - 1][index]) {
		uint64_t p;

		kswapd(f);
		p = rk_find(&f->k, 0, f->k.h.zones[0].start_pfn);
		assert_true(p != UINT64_MAX);
		rk_alloc_at(&f->k, p, 0, "GFP_HIGHUSER_MOVABLE",
			    "MIGRATE_MOVABLE", 0);
		file_event(&f->k, MMT_EV_FILEMAP_ADD, p, ino, index, 0, 0);
		f->lru[f->head++ % PAGES] = (struct cached){ p, ino, index };
		f->where[ino - 1][index] = p + 1;
		f->nfree--;
	}
	file_event(&f->k, MMT_EV_FILE_READ, 0, ino, index, index, 0);
}

static void write_demand_trace(const char *path, int causes)
{
	static struct fk f;
	uint64_t anon[64], dst, blk;
	struct mmt_event *e;
	struct rk *k = &f.k;

	memset(&f, 0, sizeof(f));
	assert_int_equal(rk_init(k, PAGES, 2), 0);
	if (causes)
		k->h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	f.nfree = PAGES;
	for (unsigned i = 0; i < 64; i++) {	/* a process maps 64 pages */
		e = rk_push(k, MMT_EV_FAULT_USER, 1);
		e->pid = 77;
		e->addr = 0x700000000000ull + 4096ull * i;
		e->arg = 0x6;
		anon[i] = rk_find(k, 0, k->h.zones[0].start_pfn);
		rk_alloc_at(k, anon[i], 0, "GFP_HIGHUSER_MOVABLE",
			    "MIGRATE_MOVABLE", 1);
		k->ev[k->nr_ev - 1].pid = 77;
		f.nfree--;
	}
	for (uint64_t i = 0; i < FILE1; i++)
		read_page(&f, 1, i);
	/* compaction moves anon[5] to a free page it isolated, and
	 * isolates an order-2 block it then gives back unused */
	dst = rk_find(k, 0, k->h.zones[0].start_pfn + PAGES / 2);
	blk = rk_find(k, 2, dst + 4);
	assert_true(dst != UINT64_MAX && blk != UINT64_MAX);
	e = rk_push(k, MMT_EV_COMPACT_ISOLATE, 1);
	e->pfn = dst;
	memset(k->free + dst, 0, 1);
	e = rk_push(k, MMT_EV_COMPACT_ISOLATE, 1);
	e->pfn = blk;
	e->order = 2;
	memset(k->free + blk, 0, 4);
	e = rk_push(k, MMT_EV_MIGRATE, 1);
	e->pfn = anon[5];
	e->addr = dst;
	free_cause(k, anon[5], 0, MMT_FREE_MIGRATE_SOURCE, 1);
	free_cause(k, blk, 2, MMT_FREE_COMPACT_RELEASE, 1);
	anon[5] = dst;
	for (uint64_t i = 0; i < FILE2; i++)
		read_page(&f, 2, i);
	/* the middle third of the first file again, backwards: its last
	 * pages the kernel still holds, its first ones it has evicted */
	for (uint64_t i = FILE1 * 2 / 3; i-- > FILE1 / 3; )
		read_page(&f, 1, i);
	/* 8 pages a DAMON pageout scheme evicts (proactive), then the
	 * process exits */
	for (unsigned i = 0; i < 64; i++)
		free_cause(k, anon[i], 0, i < 8 ? MMT_FREE_PROACTIVE :
			   MMT_FREE_DEMAND, 1);
	assert_true(f.evictions > FILE1 / 3);
	assert_int_equal(rk_write(k, path, 0), 0);
	rk_free_all(k);
}

static char *summary_of(const char *dir)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	return ru_slurp(path, NULL);
}

/* The number after "name": (the first occurrence after `after`). */
static uint64_t key_after(const char *json, const char *after,
			  const char *name)
{
	char pat[96];
	const char *p = after ? strstr(json, after) : json;

	assert_non_null(p);
	snprintf(pat, sizeof(pat), "\"%s\": ", name);
	p = strstr(p, pat);
	assert_non_null(p);
	return strtoull(p + strlen(pat), NULL, 10);
}

static uint64_t model_ctr(const char *json, const char *name)
{
	char pat[96];

	snprintf(pat, sizeof(pat), "\"%s\": {\"model\"", name);
	return key_after(json, pat, "model");
}

static char *replay(const char *trace, const char *dir, const char *set)
{
	const char *sets[] = { set };
	char err[512];

	assert_int_equal(ru_replay(trace, ru_path(dir), MMT_REPLAY_POLICY,
				   NULL, sets, set ? 1 : 0, NULL, err,
				   sizeof(err)), 0);
	return summary_of(ru_path(dir));
}

/* Makes the first page of the start snapshot's first free block a page
 * of class cls, allocated before the trace (the block's buddies stay
 * free).  Returns its pfn. */
static uint64_t start_page(struct rk *k, uint8_t cls)
{
	struct mmt_snapshot *s = &k->start;
	struct mmt_free_block b = s->free_blocks[0], *nb;
	uint64_t n = s->nr_free_blocks - 1 + b.order, i;
	struct mmt_class_run *runs;

	nb = calloc(n, sizeof(*nb));
	assert_non_null(nb);
	for (unsigned o = 0; o < b.order; o++)
		nb[o] = (struct mmt_free_block){ b.pfn + (1ull << o), (uint8_t)o,
						 b.mt, b.exact, 0 };
	memcpy(nb + b.order, s->free_blocks + 1,
	       (s->nr_free_blocks - 1) * sizeof(*nb));
	free(s->free_blocks);
	s->free_blocks = nb;
	s->nr_free_blocks = n;
	for (i = 0; i < s->nr_runs; i++)
		if (s->runs[i].pfn == b.pfn)
			break;
	assert_true(i < s->nr_runs && s->runs[i].cls == MMT_PC_FREE);
	runs = realloc(s->runs, (s->nr_runs + 1) * sizeof(*runs));
	assert_non_null(runs);
	memmove(runs + i + 1, runs + i, (s->nr_runs - i) * sizeof(*runs));
	runs[i] = (struct mmt_class_run){ b.pfn, 1, cls };
	runs[i + 1].pfn++;
	runs[i + 1].len--;
	s->runs = runs;
	s->nr_runs++;
	k->free[b.pfn] = 0;
	return b.pfn;
}

/* tmpfs and shmem add pages without the add tracepoint: their page,
 * first met as a deletion, is seated at that pfn from the start, though
 * another page held the pfn then.  When the kernel frees that other page,
 * the file page leaves the model; seated on, the model gave its page to a
 * new owner (here the process's anon page), and the file's deletion freed
 * that page under its owner, whose own free then found nothing to free. */
static void test_untraced_add_not_cached_before(void **state)
{
	static struct rk k;
	const char *t = ru_path("shmem.mmt");
	struct mmt_event *e;
	uint64_t p, q;
	char *a;

	(void)state;
	assert_int_equal(rk_init(&k, PAGES, 2), 0);
	k.h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	p = start_page(&k, MMT_PC_ANON);
	free_cause(&k, p, 0, MMT_FREE_DEMAND, 0);	/* its owner frees it */
	/* a process faults a page in on cpu 0: the model takes the page
	 * it just freed there, p */
	e = rk_push(&k, MMT_EV_FAULT_USER, 0);
	e->pid = 77;
	e->addr = 0x700000000000ull;
	e->arg = 0x6;
	q = rk_find(&k, 0, p + PAGES / 2);
	rk_alloc_at(&k, q, 0, "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE", 0);
	k.ev[k.nr_ev - 1].pid = 77;
	/* the kernel gives p to a tmpfs page (no add event), which a
	 * truncate deletes and frees */
	rk_alloc_at(&k, p, 0, "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE", 1);
	file_event(&k, MMT_EV_FILEMAP_DEL, p, 9, 0, 0, MMT_FREE_DEMAND);
	free_cause(&k, p, 0, MMT_FREE_DEMAND, 1);
	free_cause(&k, q, 0, MMT_FREE_DEMAND, 0);	/* the process's page */
	assert_int_equal(rk_write(&k, t, 0), 0);
	rk_free_all(&k);

	a = replay(t, "shmem", NULL);
	/* without it: the deletion freed the anon page p and took the
	 * process's own free of it for a page already gone (absorbed) */
	assert_int_equal(key_after(a, NULL, "absorbed_frees"), 0);
	assert_int_equal(key_after(a, NULL, "unmatched_frees"), 0);
	assert_int_equal(key_after(a, "\"demand\"", "file_pages_cached_before"), 1);
	assert_int_equal(key_after(a, "\"demand\"",
				   "file_pages_cached_before_wrong"), 1);
	free(a);
}

/* A page the start snapshot calls a pcp page (no flags, no mappings)
 * whose first event is its free was allocated (kernel memory kpageflags
 * cannot tell apart): a pcp page is handed out or drained, never freed.
 * Seeded free, its free met a free page. */
static void test_pcp_page_freed_first(void **state)
{
	static struct rk k;
	const char *t = ru_path("pcpfree.mmt");
	uint64_t p;
	char *a;

	(void)state;
	assert_int_equal(rk_init(&k, PAGES, 2), 0);
	k.h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	p = start_page(&k, MMT_PC_PCP);
	rk_alloc_at(&k, rk_find(&k, 0, p + 64), 0, "GFP_KERNEL",
		    "MIGRATE_UNMOVABLE", 0);
	free_cause(&k, p, 0, MMT_FREE_DEMAND, 0);
	assert_int_equal(rk_write(&k, t, 0), 0);
	rk_free_all(&k);

	a = replay(t, "pcpfree", NULL);
	assert_int_equal(key_after(a, NULL, "unmatched_frees"), 0);
	assert_int_equal(key_after(a, NULL, "pcp_freed_first_pages"), 1);
	free(a);
}

static void test_response_not_demand(void **state)
{
	const char *t = ru_path("demand.mmt"), *old = ru_path("old.mmt");
	char *a, *b, *o;
	uint64_t steal, steal_old;

	(void)state;
	write_demand_trace(t, 1);
	write_demand_trace(old, 0);
	a = replay(t, "d1", NULL);
	b = replay(t, "d2", NULL);
	o = replay(old, "o1", NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(o);
	assert_string_equal(a, b);	/* deterministic */
	assert_non_null(strstr(a, "\"free_causes\": true"));
	/* every eviction the kernel made is its response, not a free */
	assert_true(key_after(a, "\"response_frees\"", "kswapd_evict") >
		    FILE1 / 3);
	assert_int_equal(key_after(a, "\"response_frees\"", "migrate_source"),
			 1);
	assert_int_equal(key_after(a, "\"response_frees\"", "compact_release"),
			 1);
	assert_int_equal(key_after(a, NULL, "kernel_migrations_followed"), 1);
	/* 64 anon pages freed by the process, nothing else; 8 of them by a
	 * proactive reclaim, replayed as the frees they were */
	assert_int_equal(key_after(a, NULL, "demand_frees"), 64);
	assert_int_equal(key_after(a, NULL, "proactive_frees"), 8);
	assert_int_equal(key_after(a, NULL, "unknown_cause_frees"), 0);
	assert_int_equal(key_after(a, NULL, "unmatched_frees"), 0);
	assert_int_equal(key_after(a, NULL, "alloc_over_live"), 0);
	assert_int_equal(key_after(a, NULL, "oom"), 0);
	/* the model made room by itself */
	steal = model_ctr(a, "pgsteal_kswapd") + model_ctr(a, "pgsteal_direct");
	steal_old = model_ctr(o, "pgsteal_kswapd") +
		    model_ctr(o, "pgsteal_direct");
	fprintf(stderr, "model pages stolen: %llu with causes, %llu replaying "
		"the kernel's evictions as frees\n", (unsigned long long)steal,
		(unsigned long long)steal_old);
	assert_true(steal > FILE1 / 3);
	assert_true(steal > 4 * steal_old);
	/* an old trace says what it could not tell apart */
	assert_non_null(strstr(o, "\"free_causes\": false"));
	assert_non_null(strstr(o, "replayed as demand"));
	free(a);
	free(b);
	free(o);
}

static void test_refaults(void **state)
{
	const char *t = ru_path("demand.mmt");
	char *kept, *tight;

	(void)state;
	/* recorded settings: the model evicts later than the kernel did, so
	 * the kernel's re-reads of pages it evicted find them in the model */
	kept = replay(t, "r1", NULL);
	assert_non_null(kept);
	fprintf(stderr, "recorded settings: %llu pages allocated by the kernel "
		"for file pages the model held, %llu model refaults\n",
		(unsigned long long)key_after(kept, NULL,
					      "allocs_for_pages_model_held"),
		(unsigned long long)key_after(kept, NULL,
					      "model_file_refaults"));
	assert_true(key_after(kept, NULL, "allocs_for_pages_model_held") > 0);
	/* a much higher min mark: the model evicts pages the kernel kept,
	 * and the re-read of each is a refault in the model */
	tight = replay(t, "r2", "vm.min_free_kbytes=40000");
	assert_non_null(tight);
	fprintf(stderr, "min_free_kbytes=40000: %llu model refaults, "
		"workingset_refault_file %llu\n",
		(unsigned long long)key_after(tight, NULL,
					      "model_file_refaults"),
		(unsigned long long)model_ctr(tight,
					      "workingset_refault_file"));
	assert_true(key_after(tight, NULL, "model_file_refaults") > 0);
	assert_int_equal(model_ctr(tight, "workingset_refault_file"),
			 key_after(tight, NULL, "model_file_refaults"));
	assert_int_equal(key_after(tight, NULL, "unmatched_frees"), 0);
	free(kept);
	free(tight);
}

/* filemap_read(): a sequential reader's read(2) calls that land in the
 * folio the previous one ended in do not mark it accessed again, the
 * other folios of a batch are: 8 reads of 4 pages through two order-4
 * folios leave both inactive (referenced once); a second pass over both
 * in one read activates both. */
static uint64_t reads_activate(int second_pass)
{
	const char *t = ru_path("reads.mmt");
	static struct rk k;
	uint64_t p[2], act;
	char *a;

	memset(&k, 0, sizeof(k));
	assert_int_equal(rk_init(&k, 8192, 1), 0);
	k.h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	for (unsigned f = 0; f < 2; f++) {	/* two order-4 folios */
		p[f] = rk_find(&k, 4, k.h.zones[0].start_pfn);
		rk_alloc_at(&k, p[f], 4, "GFP_HIGHUSER_MOVABLE|__GFP_COMP",
			    "MIGRATE_MOVABLE", 0);
		file_event(&k, MMT_EV_FILEMAP_ADD, p[f], 1, 16 * f, 0, 0);
		k.ev[k.nr_ev - 1].order = 4;
	}
	for (uint64_t i = 0; i < 32; i += 4)	/* read(2) of 16 KiB each */
		file_event(&k, MMT_EV_FILE_READ, 0, 1, i, i + 3, 0);
	if (second_pass)	/* both folios again in one read */
		file_event(&k, MMT_EV_FILE_READ, 0, 1, 0, 31, 0);
	assert_int_equal(rk_write(&k, t, 0), 0);
	rk_free_all(&k);
	a = replay(t, second_pass ? "reads2" : "reads1", NULL);
	assert_non_null(a);
	act = model_ctr(a, "pgactivate");
	free(a);
	return act;
}

static void test_sequential_reads(void **state)
{
	(void)state;
	assert_int_equal(reads_activate(0), 0);
	assert_int_equal(reads_activate(1), 32);
}

/* A start snapshot whose every aligned block of 4 pages holds one
 * anonymous page cached before the trace (its first): no free block of
 * order 2 or more anywhere, in the model or in the synthetic kernel. */
static void checker_start(struct rk *k)
{
	struct mmt_snapshot *s = &k->start;
	uint64_t lo = k->h.zones[0].start_pfn, n = PAGES / 4, b;
	int movable = mmt_synth_mt(&k->h, "MIGRATE_MOVABLE");

	free(s->free_blocks);
	free(s->runs);
	s->free_blocks = calloc(2 * n, sizeof(*s->free_blocks));
	s->runs = calloc(2 * n + 1, sizeof(*s->runs));
	assert_true(s->free_blocks && s->runs);
	s->runs[0] = (struct mmt_class_run){ 0, lo, MMT_PC_HOLE };
	for (b = 0; b < n; b++) {
		uint64_t p = lo + 4 * b;

		s->runs[1 + 2 * b] = (struct mmt_class_run){ p, 1, MMT_PC_ANON };
		s->runs[2 + 2 * b] = (struct mmt_class_run){ p + 1, 3,
							     MMT_PC_FREE };
		s->free_blocks[2 * b] = (struct mmt_free_block){
			p + 1, 0, (int8_t)movable, 1, 0 };
		s->free_blocks[2 * b + 1] = (struct mmt_free_block){
			p + 2, 1, (int8_t)movable, 1, 0 };
		k->free[p] = 0;
	}
	s->nr_runs = 2 * n + 1;
	s->nr_free_blocks = 2 * n;
	memset(s->buddyinfo, 0, sizeof(s->buddyinfo));
}

/* The synthetic kernel compacts the block of 4 at pfn p: its anonymous
 * page migrates to a free page above the block (COMPACT_ISOLATE, MIGRATE,
 * the source freed with cause migrate_source).  The model keeps its page
 * where it was (the kernel's response), so the block is free only in the
 * kernel. */
static void compact_block(struct rk *k, uint64_t p)
{
	uint64_t dst = rk_find(k, 0, p + 4);
	struct mmt_event *e;

	assert_true(dst != UINT64_MAX);
	e = rk_push(k, MMT_EV_COMPACT_ISOLATE, 0);
	e->pfn = dst;
	k->free[dst] = 0;
	e = rk_push(k, MMT_EV_MIGRATE, 0);
	e->pfn = p;
	e->addr = dst;
	free_cause(k, p, 0, MMT_FREE_MIGRATE_SOURCE, 0);
}

/* The lowest block of 4 whose three pages after the first are free in
 * the synthetic kernel (its first is the anonymous page). */
static uint64_t compactable_block(const struct rk *k)
{
	uint64_t lo = k->h.zones[0].start_pfn;

	for (uint64_t p = lo; p < lo + PAGES; p += 4)
		if (!k->free[p] && rk_range_free(k, p + 1, 0) &&
		    rk_range_free(k, p + 2, 1))
			return p;
	return UINT64_MAX;
}

/* Memory the start snapshot fragments at order 2 (checker_start()); a
 * file read once, page by page, most of it evicted by both the kernel
 * and the model (vm.min_free_kbytes=40000).  Then the first REWRITE pages
 * of the file come back as order-2 folios in blocks the kernel compacted:
 * the model has no block of order 2 (the allocation neither reclaims nor
 * compacts), and places their pages as order-0 pieces (alloc_pieces()).
 * With `write` the folios are being overwritten (__GFP_WRITE), as a
 * rewriter's are.  Returns the replay's summary. */
#define REWRITE 256
static char *rewrite_replay(int write)
{
	const char *t = ru_path(write ? "rewrite.mmt" : "reread.mmt");
	static struct fk f;
	struct rk *k = &f.k;

	memset(&f, 0, sizeof(f));
	assert_int_equal(rk_init(k, PAGES, 1), 0);
	k->h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	checker_start(k);
	f.nfree = PAGES * 3 / 4;
	for (uint64_t i = 0; i < FILE1; i++)
		read_page(&f, 1, i);
	for (uint64_t i = 0; i < REWRITE; i += 4) {
		uint64_t p = compactable_block(k);

		for (unsigned j = 0; j < 4; j++)
			assert_int_equal(f.where[0][i + j], 0);
		assert_true(p != UINT64_MAX);
		compact_block(k, p);
		rk_alloc_at(k, p, 2, write ?
			    "__GFP_HARDWALL|__GFP_MOVABLE|__GFP_COMP|__GFP_WRITE" :
			    "__GFP_HARDWALL|__GFP_MOVABLE|__GFP_COMP",
			    "MIGRATE_MOVABLE", 0);
		file_event(k, MMT_EV_FILEMAP_ADD, p, 1, i, 0, 0);
		k->ev[k->nr_ev - 1].order = 2;
		f.nfree -= 4;
	}
	assert_int_equal(rk_write(k, t, 0), 0);
	rk_free_all(k);
	return replay(t, write ? "rewrite" : "reread", "vm.min_free_kbytes=40000");
}

/* filemap_add_folio() counts no refault for a folio being overwritten:
 * neither its head nor, when the model places it as order-0 pieces, any
 * other page of it (only the head's allocation carries the gfp).  Read
 * back instead, every evicted page is a refault in the model. */
static void test_written_pieces_no_refault(void **state)
{
	char *w, *r;

	(void)state;
	w = rewrite_replay(1);
	r = rewrite_replay(0);
	assert_non_null(w);
	assert_non_null(r);
	fprintf(stderr, "rewrite: %llu folios as pieces, %llu model refaults; "
		"re-read: %llu folios as pieces, %llu model refaults\n",
		(unsigned long long)key_after(w, NULL, "file_folios_as_order0_pages"),
		(unsigned long long)key_after(w, NULL, "model_file_refaults"),
		(unsigned long long)key_after(r, NULL, "file_folios_as_order0_pages"),
		(unsigned long long)key_after(r, NULL, "model_file_refaults"));
	assert_true(key_after(w, NULL, "file_folios_as_order0_pages") > 0);
	assert_int_equal(key_after(w, NULL, "model_file_refaults"), 0);
	assert_int_equal(model_ctr(w, "workingset_refault_file"), 0);
	assert_true(key_after(r, NULL, "file_folios_as_order0_pages") > 0);
	assert_int_equal(key_after(r, NULL, "model_file_refaults"), REWRITE);
	free(w);
	free(r);
}

/* A read that ends in its first batch (the file ends before the read
 * does: mm_filemap_get_pages says [0, 255] of a 64-page file) has no next
 * batch to end it: it ends READ_HOLD_NS later, its pages accessed while
 * cached.  Then a second file, read page by page, makes the model evict
 * the first.  Held to the end of the replay instead, the read found its
 * 64 pages evicted and counted 64 refaults the kernel never had.
 * Returns the model's file refaults. */
static uint64_t eof_read_refaults(void)
{
	const char *t = ru_path("eof.mmt");
	static struct fk f;
	struct rk *k = &f.k;
	uint64_t refaults;
	char *a;

	memset(&f, 0, sizeof(f));
	assert_int_equal(rk_init(k, PAGES, 1), 0);
	k->h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	f.nfree = PAGES;
	for (uint64_t i = 0; i < 64; i++) {
		uint64_t p = rk_find(k, 0, k->h.zones[0].start_pfn);

		rk_alloc_at(k, p, 0, "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE",
			    0);
		file_event(k, MMT_EV_FILEMAP_ADD, p, 1, i, 0, 0);
		f.lru[f.head++ % PAGES] = (struct cached){ p, 1, i };
		f.where[0][i] = p + 1;
		f.nfree--;
	}
	file_event(k, MMT_EV_FILE_READ, 0, 1, 0, 255, 0);
	k->ts += 200000000;		/* 200 ms */
	for (uint64_t i = 0; i < FILE1; i++)
		read_page(&f, 2, i);
	assert_int_equal(rk_write(k, t, 0), 0);
	rk_free_all(k);
	a = replay(t, "eof", "vm.min_free_kbytes=40000");
	assert_non_null(a);
	assert_true(model_ctr(a, "pgsteal_kswapd") +
		    model_ctr(a, "pgsteal_direct") >= 64);
	refaults = key_after(a, NULL, "model_file_refaults");
	free(a);
	return refaults;
}

static void test_eof_read_in_time(void **state)
{
	(void)state;
	assert_int_equal(eof_read_refaults(), 0);
}

/* A readahead folio (__GFP_NORETRY) the model has no free pages for at
 * all: a file read page by page leaves the model at its min mark,
 * atomic allocations take it below (they may go to 3/8 of it), all at
 * one instant (the model's kswapd gets no time).  The folio's pieces try
 * with the folio's mask, one round of direct reclaim each, not enough;
 * the reader then allocates each page itself without __GFP_NORETRY
 * (filemap_create_folio()), reclaiming until the page is there: the
 * model fails no page the kernel placed.  order 0: an order-0 readahead
 * page (GFP_NOFS, as page_cache_ra_unbounded() allocates under
 * memalloc_nofs_save()) meets the same.  Returns the summary. */
#define ATOMIC_PAGES 550
static char *noretry_pieces_replay(unsigned order)
{
	const char *t = ru_path(order ? "noretry.mmt" : "noretry0.mmt");
	static struct fk f;
	struct rk *k = &f.k;
	uint64_t p;

	memset(&f, 0, sizeof(f));
	assert_int_equal(rk_init(k, PAGES, 1), 0);
	k->h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	f.nfree = PAGES;
	for (uint64_t i = 0; i < FILE1; i++)
		read_page(&f, 1, i);
	for (uint64_t i = 0; i < FILE2; i++)
		read_page(&f, 2, i);
	assert_true(f.nfree > ATOMIC_PAGES + 64);
	for (unsigned i = 0; i < ATOMIC_PAGES; i++) {
		p = rk_find(k, 0, k->h.zones[0].start_pfn);
		rk_alloc_at(k, p, 0, "__GFP_HIGH|__GFP_KSWAPD_RECLAIM",
			    "MIGRATE_UNMOVABLE", 0);
	}
	p = rk_find(k, order, k->h.zones[0].start_pfn);
	assert_true(p != UINT64_MAX);
	rk_alloc_at(k, p, order, order ?
		    "GFP_HIGHUSER_MOVABLE|__GFP_NORETRY|__GFP_COMP" :
		    "GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|"
		    "__GFP_NORETRY|__GFP_HARDWALL", "MIGRATE_MOVABLE", 0);
	file_event(k, MMT_EV_FILEMAP_ADD, p, 2, FILE2, 0, 0);
	k->ev[k->nr_ev - 1].order = order;
	for (uint64_t i = 0; i < k->nr_ev; i++)
		k->ev[i].ts = 1000;
	assert_int_equal(rk_write(k, t, 0), 0);
	rk_free_all(k);
	return replay(t, order ? "noretry" : "noretry0",
		      "vm.min_free_kbytes=4000");
}

/* A written file (FILE_DIRTY for each page), then a file read page by
 * page that makes the model reclaim: the written pages are dirty at the
 * inactive tail, so reclaim activates them (nr_vmscan_immediate_reclaim)
 * and, having met nothing else, wakes the flusher; written, they rotate
 * back to the tail (pgrotated).  A trace without the header flag says
 * nothing of dirtying: every page clean, a note says so.  Returns the
 * summary. */
#define DIRTY_PAGES 64
static char *dirty_replay(int flag)
{
	const char *t = ru_path(flag ? "dirty.mmt" : "nodirty.mmt");
	static struct fk f;
	struct rk *k = &f.k;

	memset(&f, 0, sizeof(f));
	assert_int_equal(rk_init(k, PAGES, 1), 0);
	k->h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS |
		      (flag ? MMT_HDR_FILE_DIRTY : 0);
	f.nfree = PAGES;
	for (uint64_t i = 0; i < DIRTY_PAGES; i++) {
		uint64_t p = rk_find(k, 0, k->h.zones[0].start_pfn);

		rk_alloc_at(k, p, 0, "GFP_HIGHUSER_MOVABLE|__GFP_WRITE",
			    "MIGRATE_MOVABLE", 0);
		file_event(k, MMT_EV_FILEMAP_ADD, p, 1, i, 0, 0);
		file_event(k, MMT_EV_FILE_DIRTY, 0, 1, i, i, 0);
		f.lru[f.head++ % PAGES] = (struct cached){ p, 1, i };
		f.where[0][i] = p + 1;
		f.nfree--;
	}
	for (uint64_t i = 0; i < FILE1; i++)
		read_page(&f, 2, i);
	assert_int_equal(rk_write(k, t, 0), 0);
	rk_free_all(k);
	return replay(t, flag ? "dirty" : "nodirty", "vm.min_free_kbytes=40000");
}

static void test_dirty_pages(void **state)
{
	char *a = dirty_replay(1), *b = dirty_replay(0);

	(void)state;
	assert_true(model_ctr(a, "pgsteal_kswapd") +
		    model_ctr(a, "pgsteal_direct") >= DIRTY_PAGES);
	assert_int_equal(key_after(a, "\"demand\"", "file_dirty_events"),
			 DIRTY_PAGES);
	assert_int_equal(model_ctr(a, "nr_dirtied"), DIRTY_PAGES);
	assert_int_equal(model_ctr(a, "nr_written"), DIRTY_PAGES);
	assert_true(model_ctr(a, "nr_vmscan_immediate_reclaim") >= 32);
	assert_int_equal(model_ctr(a, "pgrotated"),
			 model_ctr(a, "nr_vmscan_immediate_reclaim"));
	assert_null(strstr(a, "recorded before FILE_DIRTY existed"));
	assert_int_equal(model_ctr(b, "nr_dirtied"), 0);
	assert_int_equal(model_ctr(b, "nr_vmscan_immediate_reclaim"), 0);
	assert_int_equal(key_after(b, "\"demand\"", "file_dirty_events"), 0);
	assert_non_null(strstr(b, "recorded before FILE_DIRTY existed"));
	free(a);
	free(b);
}

/* The model holds a file page in an order-0 page (the kernel's order-0
 * folio, which the kernel then evicted and the model kept); the kernel
 * reads the file again into an order-5 folio starting at that index (its
 * allocation costs the model nothing: held), then the workload deletes
 * it.  The model frees the order-0 page it holds: before, the file page
 * took the kernel's order and the deletion freed an order-5 block at the
 * model's unaligned pfn, over its neighbours' pages (a free list entry
 * over allocated pages; the replay crashed later). */
static void test_held_page_new_larger_folio(void **state)
{
	const char *t = ru_path("grown.mmt");
	static struct rk k;
	uint64_t p[4], q;
	char *a;

	(void)state;
	assert_int_equal(rk_init(&k, PAGES, 1), 0);
	k.h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	for (unsigned i = 0; i < 4; i++) {	/* indexes 32, 64, 96, 128 */
		p[i] = rk_find(&k, 0, k.h.zones[0].start_pfn + 1);
		rk_alloc_at(&k, p[i], 0, "GFP_HIGHUSER_MOVABLE",
			    "MIGRATE_MOVABLE", 0);
		file_event(&k, MMT_EV_FILEMAP_ADD, p[i], 1, 32 * (i + 1), 0, 0);
	}
	for (unsigned i = 0; i < 4; i++) {	/* kswapd evicts them */
		file_event(&k, MMT_EV_FILEMAP_DEL, p[i], 1, 32 * (i + 1), 0,
			   MMT_FREE_KSWAPD_EVICT);
		free_cause(&k, p[i], 0, MMT_FREE_KSWAPD_EVICT, 0);
	}
	for (unsigned i = 0; i < 4; i++) {	/* read again, order 5 */
		q = rk_find(&k, 5, k.h.zones[0].start_pfn + PAGES / 2);
		assert_true(q != UINT64_MAX);
		rk_alloc_at(&k, q, 5, "GFP_HIGHUSER_MOVABLE|__GFP_COMP",
			    "MIGRATE_MOVABLE", 0);
		file_event(&k, MMT_EV_FILEMAP_ADD, q, 1, 32 * (i + 1), 0, 0);
		k.ev[k.nr_ev - 1].order = 5;
		file_event(&k, MMT_EV_FILE_READ, 0, 1, 32 * (i + 1),
			   32 * (i + 1) + 31, 0);
		file_event(&k, MMT_EV_FILEMAP_DEL, q, 1, 32 * (i + 1), 0,
			   MMT_FREE_DEMAND);
		k.ev[k.nr_ev - 1].order = 5;
		free_cause(&k, q, 5, MMT_FREE_DEMAND, 0);
	}
	assert_int_equal(rk_write(&k, t, 0), 0);
	rk_free_all(&k);
	a = replay(t, "grown", NULL);
	/* held: one model page each */
	assert_int_equal(key_after(a, "\"demand\"", "allocs_for_pages_model_held"),
			 4);
	assert_int_equal(key_after(a, NULL, "unmatched_frees"), 0);
	free(a);
}

static void test_noretry_pieces_read(void **state)
{
	char *a = noretry_pieces_replay(2);

	(void)state;
	assert_non_null(a);
	fprintf(stderr, "noretry: %llu folios as pieces, %llu demand failures, "
		"pgsteal_direct %llu\n",
		(unsigned long long)key_after(a, NULL, "file_folios_as_order0_pages"),
		(unsigned long long)key_after(a, NULL, "demand_alloc_fail"),
		(unsigned long long)model_ctr(a, "pgsteal_direct"));
	assert_int_equal(key_after(a, NULL, "file_folios_as_order0_pages"), 1);
	assert_int_equal(key_after(a, NULL, "demand_alloc_fail"), 0);
	free(a);
}

/* The same for an order-0 readahead page: placed when asked again
 * without __GFP_NORETRY (readahead_pages_retried), no failure, and both
 * requests in the allocation latencies. */
static void test_noretry_page_read(void **state)
{
	char *a = noretry_pieces_replay(0);

	(void)state;
	assert_non_null(a);
	assert_int_equal(key_after(a, NULL, "readahead_pages_retried"), 1);
	assert_int_equal(key_after(a, NULL, "demand_alloc_fail"), 0);
	assert_int_equal(key_after(a, NULL, "file_folios_as_order0_pages"), 0);
	/* the reader waited for both requests: every page the model
	 * placed is one allocation in the latency histogram, the failed
	 * readahead request one more */
	assert_int_equal(key_after(a, "\"latency_ns\"", "count"),
			 model_ctr(a, "pgalloc_normal") + 1);
	free(a);
}

/* mm_filemap_get_pages fires once per batch of filemap_read() with the
 * batch's start and the whole read's end: one read(2) of 64 order-0
 * pages gives [0, 63], [31, 63], [62, 63].  Each page of the read is
 * marked accessed once (no activation); a second read of them activates
 * all 64. */
static uint64_t batched_read_activations(int reads, uint64_t gap_ns)
{
	const char *t = ru_path("batches.mmt");
	static struct rk k;
	uint64_t act;
	char dir[64], *a;

	memset(&k, 0, sizeof(k));
	assert_int_equal(rk_init(&k, 8192, 1), 0);
	k.h.flags |= MMT_HDR_CAUSES | MMT_HDR_FILE_IDS;
	for (uint64_t i = 0; i < 64; i++) {
		uint64_t p = rk_find(&k, 0, k.h.zones[0].start_pfn);

		rk_alloc_at(&k, p, 0, "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE",
			    0);
		file_event(&k, MMT_EV_FILEMAP_ADD, p, 1, i, 0, 0);
	}
	for (int r = 0; r < reads; r++) {
		file_event(&k, MMT_EV_FILE_READ, 0, 1, 0, 63, 0);
		k.ts += gap_ns;
		file_event(&k, MMT_EV_FILE_READ, 0, 1, 31, 63, 0);
		k.ts += gap_ns;
		file_event(&k, MMT_EV_FILE_READ, 0, 1, 62, 63, 0);
	}
	assert_int_equal(rk_write(&k, t, 0), 0);
	rk_free_all(&k);
	snprintf(dir, sizeof(dir), "batches%d-%llu", reads,
		 (unsigned long long)gap_ns);
	a = replay(t, dir, NULL);
	assert_non_null(a);
	act = model_ctr(a, "pgactivate");
	free(a);
	return act;
}

/* The same with 200 ms between batches (a batch waiting for readahead
 * I/O longer than READ_HOLD_NS): the first batch ends on its own with the
 * whole read, and the later ones access nothing again. */
static void test_read_batches(void **state)
{
	(void)state;
	assert_int_equal(batched_read_activations(1, 0), 0);
	assert_int_equal(batched_read_activations(2, 0), 64);
	assert_int_equal(batched_read_activations(1, 200000000), 0);
	assert_int_equal(batched_read_activations(2, 200000000), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response_not_demand),
		cmocka_unit_test(test_refaults),
		cmocka_unit_test(test_sequential_reads),
		cmocka_unit_test(test_untraced_add_not_cached_before),
		cmocka_unit_test(test_pcp_page_freed_first),
		cmocka_unit_test(test_written_pieces_no_refault),
		cmocka_unit_test(test_read_batches),
		cmocka_unit_test(test_noretry_pieces_read),
		cmocka_unit_test(test_noretry_page_read),
		cmocka_unit_test(test_eof_read_in_time),
		cmocka_unit_test(test_dirty_pages),
		cmocka_unit_test(test_held_page_new_larger_folio),
	};

	return cmocka_run_group_tests(tests, ru_setup, ru_teardown);
}
