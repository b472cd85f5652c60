/* SPDX-License-Identifier: MIT */
/*
 * Policy mode feeds slab objects and faults to the model:
 *  - kmalloc/kfree churn, written by a tiny "kernel" SLUB (64-byte objects,
 *    64 a page) with its slab pages as PAGE_ALLOC/PAGE_FREE events: the
 *    model's SLUB holds the objects (its slab pages follow them up, and go
 *    back when the objects are freed), the kernel's slab pages are not
 *    allocated a second time (model pages allocated within 5% + 64 pages
 *    of the kernel's), a large kmalloc goes straight to pages, a free of an
 *    object from before the trace is absorbed and counted;
 *  - the same fault trace under THP enabled=always and =never: order-9
 *    faults (thp_fault_alloc > 0) against none, the kernel's 4 KiB pages
 *    inside a model THP not allocated again (pages allocated as the
 *    kernel's, within one THP), model THPs freed when the kernel's pages
 *    go;
 *  - THP faults whose page came late, on another CPU, after a failed
 *    first try: linked by task, no failure, nothing held twice;
 *  - refaults: anon pages the model reclaimed (it has less room than the
 *    kernel had) come back through mmc_fault when the process touches them;
 *  - determinism: the same run twice gives byte-identical outputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "replay_util.h"

#define OBJ 64
#define PER_PAGE (4096 / OBJ)

/* summary.json value of "key" (first occurrence), or UINT64_MAX. */
static uint64_t json_u64(const char *dir, const char *key)
{
	char path[600], pat[96], *txt, *p;
	uint64_t v = UINT64_MAX;

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	txt = ru_slurp(path, NULL);
	if (txt && (p = strstr(txt, pat)))
		v = strtoull(p + strlen(pat), NULL, 10);
	free(txt);
	return v;
}

/* model_vs_kernel.tsv row: kernel and model columns. */
static int tsv_row(const char *dir, const char *name, uint64_t *kern,
		   uint64_t *model)
{
	char path[600], pat[64], *txt, *p;
	int ok = 0;

	snprintf(path, sizeof(path), "%s/model_vs_kernel.tsv", dir);
	snprintf(pat, sizeof(pat), "\n%s\t", name);
	txt = ru_slurp(path, NULL);
	if (txt && (p = strstr(txt, pat))) {
		char *end;

		*kern = strtoull(p + strlen(pat), &end, 10);
		*model = strtoull(end + 1, NULL, 10);
		ok = 1;
	}
	free(txt);
	return ok;
}

/* The tiny kernel's SLUB: one cache of 64-byte objects in order-0 pages. */
struct kslab {
	uint64_t pfn[4096];
	uint64_t used[4096];	/* bitmap of objects in use (PER_PAGE = 64) */
	uint32_t n;
	uint64_t page_allocs;
};

static void k_kmalloc(struct rk *k, struct kslab *s, uint64_t *obj)
{
	uint32_t i;
	struct mmt_event *e;
	int idx;

	for (i = 0; i < s->n && s->used[i] == UINT64_MAX; i++)
		;
	if (i == s->n) {
		s->pfn[i] = rk_alloc_at(k, rk_find(k, 0, 0), 0, "GFP_KERNEL",
					"MIGRATE_UNMOVABLE", 0);
		s->used[i] = 0;
		s->n++;
		s->page_allocs++;
	}
	idx = __builtin_ctzll(~s->used[i]);
	s->used[i] |= 1ull << idx;
	e = rk_push(k, MMT_EV_KMALLOC, 0);
	e->pfn = s->pfn[i];
	e->offset = (uint32_t)idx * OBJ;
	e->bytes_req = 56;
	e->bytes_alloc = OBJ;
	e->gfp = mmt_synth_gfp(&k->h, "GFP_KERNEL");
	e->node = -1;
	e->site = 0x51ab;
	*obj = e->pfn << 12 | e->offset;
}

static void k_kfree(struct rk *k, struct kslab *s, uint64_t obj)
{
	struct mmt_event *e = rk_push(k, MMT_EV_KFREE, 0);

	e->pfn = obj >> 12;
	e->offset = (uint32_t)(obj & 0xfff);
	e->site = 0xf4ee;
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->pfn[i] != e->pfn)
			continue;
		s->used[i] &= ~(1ull << (e->offset / OBJ));
		if (!s->used[i]) {	/* empty slab: back to the buddy */
			rk_free(k, s->pfn[i], 0, 0);
			s->pfn[i] = s->pfn[s->n - 1];
			s->used[i] = s->used[s->n - 1];
			s->n--;
		}
		return;
	}
}

static struct kslab ks;
static uint64_t objs[8192];

/* Rounds of 4096 allocations and freeing all but every 16th; then a
 * large kmalloc and a free of an object nobody allocated; then the rest
 * is freed. */
static int write_slab_trace(const char *path, uint64_t *kernel_slab_pages)
{
	struct rk k;
	struct mmt_event *e;
	uint64_t big, keep = 0;
	int rc;

	memset(&ks, 0, sizeof(ks));
	if (rk_init(&k, 1 << 16, 1) < 0)
		return -1;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 4096; i++)
			k_kmalloc(&k, &ks, &objs[i]);
		for (int i = 0; i < 4096; i++)
			if (i % 16)
				k_kfree(&k, &ks, objs[i]);
			else
				objs[4096 + keep++ % 4096] = objs[i];
	}
	/* kmalloc(16 KiB): kmalloc_large, an order-2 page allocation */
	big = rk_alloc_at(&k, rk_find(&k, 2, 0), 2, "GFP_KERNEL|__GFP_COMP",
			  "MIGRATE_UNMOVABLE", 0);
	e = rk_push(&k, MMT_EV_KMALLOC, 0);
	e->pfn = big;
	e->bytes_req = e->bytes_alloc = 16384;
	e->gfp = mmt_synth_gfp(&k.h, "GFP_KERNEL");
	/* an object allocated before the trace began */
	e = rk_push(&k, MMT_EV_KFREE, 0);
	e->pfn = k.max_pfn - 1;
	e->offset = 128;
	e = rk_push(&k, MMT_EV_KFREE, 0);
	e->pfn = big;
	rk_free(&k, big, 2, 0);
	for (uint64_t i = 0; i < keep; i++)
		k_kfree(&k, &ks, objs[4096 + i]);
	*kernel_slab_pages = ks.page_allocs + 4;
	rc = rk_write(&k, path, 0);
	rk_free_all(&k);
	return rc;
}

static void test_slab_objects(void **state)
{
	const char *t = ru_path("slab.mmt"), *out = ru_path("slab-out");
	struct mmt_replay_result res;
	uint64_t kslab, kp, mp, ks_pages, ms_pages, max, end;
	char err[512];

	(void)state;
	assert_int_equal(write_slab_trace(t, &kslab), 0);
	assert_int_equal(ru_replay(t, out, MMT_REPLAY_POLICY, NULL, NULL, 0,
				   &res, err, sizeof(err)), 0);
	assert_int_equal(json_u64(out, "objects_allocated"), 4 * 4096 + 1);
	assert_int_equal(json_u64(out, "objects_freed"), 4 * 4096 + 1);
	assert_int_equal(json_u64(out, "frees_of_pretrace_objects"), 1);
	assert_int_equal(json_u64(out, "free_failures"), 0);
	assert_int_equal(json_u64(out, "large_kmallocs"), 1);
	assert_int_equal(json_u64(out, "unmatched_frees"), 0);
	/* every kernel slab page was recognised and skipped */
	assert_int_equal(json_u64(out, "kernel_slab_page_allocs"), kslab);
	assert_int_equal(json_u64(out, "kernel_slab_page_frees"), kslab);
	/* the model's slab pages followed the objects up and down */
	max = json_u64(out, "model_slab_pages_max");
	end = json_u64(out, "model_slab_pages_end");
	fprintf(stderr, "model slab pages: max %llu end %llu\n",
		(unsigned long long)max, (unsigned long long)end);
	assert_true(max >= 4096 / PER_PAGE);
	assert_true(end * 4 <= max);
	/* no double counting: page allocations as the kernel's */
	assert_true(tsv_row(out, "pages_allocated", &kp, &mp));
	assert_true(tsv_row(out, "slab_page_allocs", &ks_pages, &ms_pages));
	fprintf(stderr, "pages allocated: kernel %llu model %llu; slab pages "
		"kernel %llu model %llu\n", (unsigned long long)kp,
		(unsigned long long)mp, (unsigned long long)ks_pages,
		(unsigned long long)ms_pages);
	assert_int_equal(ks_pages, kslab);
	assert_true(mp <= kp + kp / 20 + 64);
	assert_true(mp + kp / 20 + 64 >= kp);
}

/* Page allocations stamped before the start snapshot are not replayed
 * but keep their place in the count of the trace's PAGE_ALLOCs, which
 * names the pre-pass's findings (slab pages, page-cache identities):
 * the slab pages after them are still known as slab pages.  (The replay
 * counted only the allocations it replayed: every later allocation took
 * the finding of the one before it, on make validate's traces 126
 * before it, and kernel slab pages were allocated again.) */
static void test_slab_after_pre_start(void **state)
{
	const char *t = ru_path("slab-pre.mmt"), *out = ru_path("slab-pre-out");
	struct mmt_replay_result res;
	struct rk k;
	char err[512];
	uint64_t p = 0;

	(void)state;
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(rk_init(&k, 1 << 16, 1), 0);
	for (int i = 0; i < 3; i++) {
		p = rk_find(&k, 0, p);
		rk_alloc_at(&k, p, 0, "GFP_KERNEL", "MIGRATE_UNMOVABLE", 0);
	}
	k.start.ts = k.ts;
	for (int i = 0; i < 4 * PER_PAGE; i++)
		k_kmalloc(&k, &ks, &objs[i]);
	assert_int_equal(ks.page_allocs, 4);
	assert_int_equal(rk_write(&k, t, 0), 0);
	rk_free_all(&k);
	assert_int_equal(ru_replay(t, out, MMT_REPLAY_POLICY, NULL, NULL, 0,
				   &res, err, sizeof(err)), 0);
	assert_int_equal(res.events_replayed, 4 + 4 * PER_PAGE);
	assert_int_equal(json_u64(out, "kernel_slab_page_allocs"), 4);
	assert_int_equal(json_u64(out, "objects_allocated"), 4 * PER_PAGE);
}

static int write_fault_trace(const char *path)
{
	struct mmt_synth_loop opt = { .chunk = 1024, .nr_cpus = 1, .seed = 7 };
	struct rk k;
	size_t n = 12000;
	int rc;

	if (rk_init(&k, 1 << 18, 1) < 0)
		return -1;
	k.ev = calloc(n, sizeof(*k.ev));
	if (!k.ev) {
		rk_free_all(&k);
		return -1;
	}
	k.nr_ev = k.cap_ev = mmt_synth_fault_loop(&k.h, &opt, k.ev, n);
	rc = rk_write(&k, path, 0);
	rk_free_all(&k);
	return rc;
}

static void test_thp_whatif(void **state)
{
	const char *t = ru_path("faults.mmt");
	const char *on = ru_path("thp-always"), *off = ru_path("thp-never");
	const char *always[] = { "vm.thp_enabled=always", "vm.thp_defrag=always" };
	const char *never[] = { "vm.thp_enabled=never" };
	struct mmt_replay_result ra, rn;
	uint64_t ka, ma, kn, mn;
	char err[512];

	(void)state;
	assert_int_equal(write_fault_trace(t), 0);
	assert_int_equal(ru_replay(t, on, MMT_REPLAY_POLICY, NULL, always, 2,
				   &ra, err, sizeof(err)), 0);
	assert_int_equal(ru_replay(t, off, MMT_REPLAY_POLICY, NULL, never, 1,
				   &rn, err, sizeof(err)), 0);
	fprintf(stderr, "thp always: thp_fault_alloc %llu order9 %llu covered "
		"%llu freed %llu; never: %llu order9 %llu\n",
		(unsigned long long)json_u64(on, "thp_fault_alloc"),
		(unsigned long long)json_u64(on, "order9_attempts"),
		(unsigned long long)json_u64(on, "covered_by_model_thp"),
		(unsigned long long)json_u64(on, "model_thps_freed"),
		(unsigned long long)json_u64(off, "thp_fault_alloc"),
		(unsigned long long)json_u64(off, "order9_attempts"));
	assert_true(json_u64(on, "thp_fault_alloc") > 0);
	assert_int_equal(json_u64(off, "thp_fault_alloc"), 0);
	assert_true(json_u64(on, "order9_attempts") >
		    json_u64(off, "order9_attempts"));
	assert_true(json_u64(on, "covered_by_model_thp") > 0);
	/* the model's THPs go back when the kernel frees their pages */
	assert_true(json_u64(on, "model_thps_freed") > 0);
	assert_int_equal(json_u64(on, "unmatched_frees"), 0);
	assert_int_equal(json_u64(off, "unmatched_frees"), 0);
	/* fewer, larger allocations with THP */
	assert_true(tsv_row(on, "pages_allocated", &ka, &ma));
	assert_true(tsv_row(off, "pages_allocated", &kn, &mn));
	assert_int_equal(ka, kn);
	fprintf(stderr, "pages allocated: kernel %llu, model always %llu, "
		"never %llu\n", (unsigned long long)ka, (unsigned long long)ma,
		(unsigned long long)mn);
	/* the same demand in pages either way: the kernel's 4 KiB pages that
	 * a model THP covers are not allocated again (the last THP may be
	 * partly used when the trace ends) */
	assert_true(mn + 64 >= kn && mn <= kn + 64);
	assert_true(ma + 64 >= ka && ma <= ka + 512);
}

/* The kernel placed THPs (order-9 pages after faults): under thp never the
 * model holds each as 512 pages of its own and frees them all with the
 * kernel's block; under the host's madvise the region counts as madvised
 * and the model places THPs too. */
static int write_kernel_thp_trace(const char *path, unsigned nr)
{
	struct rk k;
	uint64_t pfn[16];
	int rc;

	if (rk_init(&k, 1 << 16, 1) < 0)
		return -1;
	for (unsigned i = 0; i < nr; i++) {
		struct mmt_event *e = rk_push(&k, MMT_EV_FAULT_USER, 0);

		e->addr = 0x7f0000000000ull + ((uint64_t)i << 21) + 0x3000;
		e->arg = 0x6;
		pfn[i] = rk_alloc_at(&k, rk_find(&k, 9, 0), 9,
				     "GFP_TRANSHUGE", "MIGRATE_MOVABLE", 0);
	}
	for (unsigned i = 0; i < nr; i++)
		rk_free(&k, pfn[i], 9, 0);
	rc = rk_write(&k, path, 0);
	rk_free_all(&k);
	return rc;
}

/* Replays trace t under the host's settings into host and under THP
 * enabled=never into off. */
static void replay_host_and_never(const char *t, const char *host,
				  const char *off)
{
	const char *never[] = { "vm.thp_enabled=never" };
	char err[512];

	assert_int_equal(ru_replay(t, host, MMT_REPLAY_POLICY, NULL, NULL, 0,
				   NULL, err, sizeof(err)), 0);
	assert_int_equal(ru_replay(t, off, MMT_REPLAY_POLICY, NULL, never, 1,
				   NULL, err, sizeof(err)), 0);
}

static void test_kernel_thp(void **state)
{
	const char *t = ru_path("kthp.mmt");
	const char *host = ru_path("kthp-host"), *off = ru_path("kthp-never");
	uint64_t kp, mp;

	(void)state;
	assert_int_equal(write_kernel_thp_trace(t, 8), 0);
	replay_host_and_never(t, host, off);
	assert_int_equal(json_u64(host, "thp_fault_alloc"), 8);
	assert_int_equal(json_u64(host, "kernel_thp_as_4k"), 0);
	assert_int_equal(json_u64(off, "thp_fault_alloc"), 0);
	assert_int_equal(json_u64(off, "kernel_thp_as_4k"), 8);
	assert_int_equal(json_u64(off, "model_allocs"), 8 * 512);
	assert_true(tsv_row(off, "pages_allocated", &kp, &mp));
	assert_int_equal(kp, 8 * 512);
	assert_int_equal(mp, 8 * 512);
	assert_true(tsv_row(off, "pages_freed", &kp, &mp));
	assert_int_equal(mp, 8 * 512);
	assert_int_equal(json_u64(off, "unmatched_frees"), 0);
	assert_int_equal(json_u64(host, "unmatched_frees"), 0);
}

/* THP faults whose order-9 page the kernel allocated 5 ms after the
 * fault, on the other CPU, after another task faulted on the fault's CPU
 * (compaction ran in between), half of them after a failed first try
 * (GFP_TRANSHUGE | __GFP_NORETRY | __GFP_THISNODE with no page, as
 * alloc_pages_mpol() makes it), and one order-9 THP allocation by a task
 * with no fault (khugepaged): each fault's page is its THP, taken by task
 * (thpfault.c), the failed tries allocate nothing, nothing is a demand
 * failure and nothing is held twice. */
static int write_late_thp_trace(const char *path, unsigned nr)
{
	const char *first = "GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE";
	uint64_t thp[16], small[16], kh;
	struct mmt_event *e;
	struct rk k;
	int rc;

	if (nr > 16 || rk_init(&k, 1 << 16, 2) < 0)
		return -1;
	for (unsigned i = 0; i < nr; i++) {
		e = rk_push(&k, MMT_EV_FAULT_USER, 0);
		e->pid = 7;
		e->addr = 0x7f0000000000ull + ((uint64_t)i << 21);
		e->arg = 0x6;
		e = rk_push(&k, MMT_EV_FAULT_USER, 0);
		e->pid = 8;
		e->addr = 0x7e0000000000ull + 4096ull * i;
		e->arg = 0x6;
		small[i] = rk_alloc_at(&k, rk_find(&k, 0, 0), 0,
				       "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE", 0);
		k.ev[k.nr_ev - 1].pid = 8;
		k.ts += 5000000;
		if (i & 1) {
			e = rk_push(&k, MMT_EV_PAGE_ALLOC, 1);
			e->pid = 7;
			e->pfn = MMT_NO_PFN;
			e->order = 9;
			e->gfp = mmt_synth_gfp(&k.h, first);
			e->mt = mmt_synth_mt(&k.h, "MIGRATE_MOVABLE");
			k.ts += 2000000;
		}
		thp[i] = rk_alloc_at(&k, rk_find(&k, 9, 0), 9, i & 1 ?
				     "GFP_TRANSHUGE" : first, "MIGRATE_MOVABLE", 1);
		k.ev[k.nr_ev - 1].pid = 7;
	}
	kh = rk_alloc_at(&k, rk_find(&k, 9, 0), 9, "GFP_TRANSHUGE",
			 "MIGRATE_MOVABLE", 1);
	k.ev[k.nr_ev - 1].pid = 9;
	for (unsigned i = 0; i < nr; i++) {
		rk_free(&k, thp[i], 9, 0);
		rk_free(&k, small[i], 0, 0);
	}
	rk_free(&k, kh, 9, 1);
	rc = rk_write(&k, path, 0);
	rk_free_all(&k);
	return rc;
}

static void test_late_thp(void **state)
{
	const char *t = ru_path("late-thp.mmt");
	const char *host = ru_path("late-host"), *off = ru_path("late-never");
	uint64_t kp, mp;

	(void)state;
	assert_int_equal(write_late_thp_trace(t, 8), 0);
	replay_host_and_never(t, host, off);
	assert_int_equal(json_u64(host, "thp_fault_alloc"), 8);
	assert_int_equal(json_u64(host, "thp_linked_by_task"), 8);
	assert_int_equal(json_u64(host, "kernel_thp_tries_failed"), 4);
	assert_int_equal(json_u64(host, "kernel_alloc_fail"), 4);
	assert_int_equal(json_u64(host, "kernel_alloc_fail_model_placed"), 0);
	assert_int_equal(json_u64(host, "demand_alloc_fail"), 0);
	assert_int_equal(json_u64(host, "kernel_thp_as_4k"), 0);
	/* the kernel's pages, the THPs as THPs and khugepaged's block: none
	 * twice */
	assert_true(tsv_row(host, "pages_allocated", &kp, &mp));
	assert_int_equal(mp, 9 * 512 + 8);
	assert_true(tsv_row(host, "pages_freed", &kp, &mp));
	assert_int_equal(kp, 9 * 512 + 8);
	assert_int_equal(mp, kp);
	assert_int_equal(json_u64(host, "unmatched_frees"), 0);
	/* THP off: the model faults each 2 MiB in as 512 pages instead */
	assert_int_equal(json_u64(off, "thp_fault_alloc"), 0);
	assert_int_equal(json_u64(off, "kernel_thp_as_4k"), 8);
	assert_int_equal(json_u64(off, "demand_alloc_fail"), 0);
	assert_int_equal(json_u64(off, "unmatched_frees"), 0);
}

/* Anon pressure the kernel did not feel: with a larger min_free_kbytes and
 * swap, the model reclaims process A's anon pages while process B maps
 * its own; A's later touches (write faults on present pages) of pages the
 * model swapped out are refaults through mmc_fault, with their cost. */
static int write_refault_trace(const char *path)
{
	enum { PAGES = 32768, NA = 20000, NB = 9000 };
	static uint64_t pa[NA], pb[NB];
	struct mmt_kv *notes;
	struct mmt_event *e;
	struct rk k;
	int rc;

	if (rk_init(&k, PAGES, 1) < 0)
		return -1;
	notes = realloc(k.h.notes, (k.h.nr_notes + 1) * sizeof(*notes));
	if (!notes)
		return -1;
	k.h.notes = notes;
	memset(&notes[k.h.nr_notes], 0, sizeof(*notes));
	strcpy(notes[k.h.nr_notes].name, "meminfo.SwapTotal");
	strcpy(notes[k.h.nr_notes].value, "1048576");
	k.h.nr_notes++;
	for (unsigned i = 0; i < NA + NB; i++) {
		uint32_t pid = i < NA ? 11 : 22;
		uint64_t *slot = i < NA ? &pa[i] : &pb[i - NA];

		e = rk_push(&k, MMT_EV_FAULT_USER, 0);
		e->pid = pid;
		e->addr = 0x7f0000000000ull + 4096ull * i;
		e->arg = 0x6;
		*slot = rk_alloc_at(&k, rk_find(&k, 0, 0), 0,
				    "GFP_HIGHUSER_MOVABLE", "MIGRATE_MOVABLE", 0);
		k.ev[k.nr_ev - 1].pid = pid;
	}
	for (unsigned i = 0; i < NA; i++) {	/* A touches its pages */
		e = rk_push(&k, MMT_EV_FAULT_USER, 0);
		e->pid = 11;
		e->addr = 0x7f0000000000ull + 4096ull * i;
		e->arg = 0x7;
	}
	for (unsigned i = 0; i < NA; i++)
		rk_free(&k, pa[i], 0, 0);
	for (unsigned i = 0; i < NB; i++)
		rk_free(&k, pb[i], 0, 0);
	rc = rk_write(&k, path, 0);
	rk_free_all(&k);
	return rc;
}

static void test_refaults(void **state)
{
	const char *t = ru_path("refault.mmt"), *out = ru_path("refault-out");
	const char *sets[] = { "vm.min_free_kbytes=16384" };
	struct mmt_replay_result res;
	char err[512];

	(void)state;
	assert_int_equal(write_refault_trace(t), 0);
	assert_int_equal(ru_replay(t, out, MMT_REPLAY_POLICY, NULL, sets, 1,
				   &res, err, sizeof(err)), 0);
	fprintf(stderr, "refaults %llu, reclaimed %llu, absorbed %llu, "
		"touches %llu, unmatched %llu, oom %llu\n",
		(unsigned long long)json_u64(out, "refaults"),
		(unsigned long long)json_u64(out, "reclaimed_pages"),
		(unsigned long long)json_u64(out, "absorbed_frees"),
		(unsigned long long)json_u64(out, "fault_touches"),
		(unsigned long long)json_u64(out, "unmatched_frees"),
		(unsigned long long)res.oom);
	/* A + B (29000 pages) exceed what the model keeps below its high
	 * watermark (32768 - 6144): A's touches in LRU order thrash, each at
	 * most one refault, each refault a reclaimed page */
	assert_true(json_u64(out, "refaults") > 0);
	assert_true(json_u64(out, "refaults") <= 20000);
	assert_true(json_u64(out, "reclaimed_pages") >=
		    json_u64(out, "refaults"));
	assert_int_equal(json_u64(out, "unmatched_frees"), 0);
	assert_int_equal(res.oom, 0);
}

static void test_deterministic(void **state)
{
	static const char *const files[] = { "summary.json", "timeseries.tsv",
		"latency.tsv", "model_vs_kernel.tsv", "zones.tsv" };
	const char *t = ru_path("slab2.mmt");
	const char *a = ru_path("det-a"), *b = ru_path("det-b");
	const char *always[] = { "vm.thp_enabled=always" };
	uint64_t kslab;
	char err[512];

	(void)state;
	assert_int_equal(write_slab_trace(t, &kslab), 0);
	assert_int_equal(ru_replay(t, a, MMT_REPLAY_POLICY, NULL, always, 1,
				   NULL, err, sizeof(err)), 0);
	assert_int_equal(ru_replay(t, b, MMT_REPLAY_POLICY, NULL, always, 1,
				   NULL, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char pa[700], pb[700];
		size_t la, lb;
		char *x, *y;

		snprintf(pa, sizeof(pa), "%s/%s", a, files[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, files[i]);
		x = ru_slurp(pa, &la);
		y = ru_slurp(pb, &lb);
		assert_non_null(x);
		assert_non_null(y);
		assert_int_equal(la, lb);
		assert_memory_equal(x, y, la);
		free(x);
		free(y);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slab_objects),
		cmocka_unit_test(test_slab_after_pre_start),
		cmocka_unit_test(test_thp_whatif),
		cmocka_unit_test(test_kernel_thp),
		cmocka_unit_test(test_late_thp),
		cmocka_unit_test(test_refaults),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, ru_setup, ru_teardown);
}
