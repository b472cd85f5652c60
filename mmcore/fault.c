/* SPDX-License-Identifier: MIT */
/*
 * fault.c: a per-process address-space view, enough to tell a first touch
 * (mm/memory.c do_anonymous_page), THP at fault time (mm/huge_memory.c
 * do_huge_pmd_anonymous_page), a touch of a present page, and a refault of
 * a reclaimed page (do_swap_page, mm/workingset.c).
 *
 * Per process a map (vpn >> 9) -> pmd; a pmd that points to a page table
 * owns a 512-entry pte array, as the kernel's does (a fault loop walks
 * one table line by line instead of hashing every pte to a random slot).
 * A global reverse map pfn -> (process, vpn) lets reclaim turn a mapping
 * into a shadow entry, and lets the view notice that a page it maps was
 * freed or reused (the pte is then treated as none).  Memory is
 * proportional to the page tables in use (4 KiB each, as in the kernel):
 * nothing per simulated page.
 *
 * Simplifications:
 *  - Anonymous memory only; the VMA is described by the caller's flags
 *    (MMC_FAULT_THP: the aligned 2 MiB fits the VMA; MMC_FAULT_MADVISED).
 *  - A page table lives while any of its ptes is not none; when the last
 *    page of a 2 MiB range is unmapped the table goes (as if munmapped,
 *    free_pgtables), so a THP may be tried there again.
 *  - Swap-in reads one page: no swap readahead (page-cluster), no large
 *    folio swap-in; a reclaimed THP comes back 4 KiB at a time (the
 *    kernel splits the PMD mapping into swap ptes on swap-out).
 *  - workingset_refault(): the refault distance is measured against a
 *    per-node count of evictions only (the kernel's nonresident_age also
 *    ages on activations); no memcg, no shadow node shrinking.
 *  - The huge zero page and the zero page are not allocated (the kernel
 *    allocates the huge zero folio once, on first use).
 *  - Default (local) mempolicy only; no mTHP sizes (their sysfs default is
 *    never), no khugepaged collapse, no file-backed or shmem faults.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "u64map.h"
#include "hugemem.h"

#define VPN_BITS	36	/* slot shift in the reverse map */
#define VPN_MASK	((1ull << 35) - 1)	/* user space: 47-bit addresses */
#define RMAP_THP	(1ull << 35)	/* reverse map entry of a THP head */
#define HPAGE_PMD_NR	(1u << HPAGE_PMD_ORDER)
#define PAYLOAD_MASK	((1ull << 48) - 1)

/* pte values: state in bits 62-63, payload (pfn or eviction age) below. */
#define PTE_NONE	0ull		/* explicit none inside a filled table */
#define PTE_PRESENT	(1ull << 62)
#define PTE_ZERO	(2ull << 62)
#define PTE_SHADOW	(3ull << 62)
#define PTE_STATE(v)	((v) & (3ull << 62))
/* a shadow's payload: the eviction age, and whether the folio was in the
 * workingset (PG_workingset) when evicted, as pack_shadow() keeps it */
#define SHADOW_WORKINGSET (1ull << 47)
#define AGE_MASK	(SHADOW_WORKINGSET - 1)

/* pmd values: state 62-63, fill 60-61 (what the table's ptes started as),
 * payload 0-47 (THP pfn, or the address of the table's pte array).  A
 * table is 512 ptes and, after them, the count of ptes not none: a fault
 * reaches all it needs from the one pmd lookup. */
#define PMD_TABLE	(1ull << 62)
#define PMD_THP		(2ull << 62)
#define PMD_HUGE_ZERO	(3ull << 62)
#define PMD_STATE(v)	((v) & (3ull << 62))
#define FILL_NONE	0u
#define FILL_ZERO	1u
#define FILL_SHADOW	2u
#define PMD_FILL(v)	((unsigned)(((v) >> 60) & 3))
#define PT_COUNT	HPAGE_PMD_NR	/* index of the count in a table */

static uint64_t pmd_make(uint64_t state, unsigned fill, unsigned count,
			 uint64_t payload)
{
	return state | (uint64_t)fill << 60 | (uint64_t)count << 48 |
	       (payload & PAYLOAD_MASK);
}

/* The pte array of a PMD_TABLE pmd. */
static uint64_t *pmd_ptes(uint64_t pmd)
{
	return (uint64_t *)(uintptr_t)(pmd & PAYLOAD_MASK);
}

struct fault_proc {
	uint32_t pid;
	bool used;
	struct u64map pmd;	/* vpn >> 9 -> pmd */
};

#define RMAP_CHUNK_SHIFT	12
#define RMAP_CHUNK_NR	(1u << RMAP_CHUNK_SHIFT)
#define RMAP_VALID	(1ull << 63)
/* The dense directory covers pfns below 2^34 (64 TiB): 32 MB at most */
#define RMAP_DENSE_MAX	(1ull << 22)

struct rmap_chunk {
	uint32_t nr;			/* entries set */
	uint64_t v[RMAP_CHUNK_NR];	/* 0: none */
};

struct fault_state {
	struct fault_proc *procs;
	uint32_t nr_procs, cap_procs;
	struct u64map by_pid;	/* pid -> proc slot */
	/* the last pid looked up and its slot (last_slot < 0: none): a
	 * process faults in runs */
	uint32_t last_pid;
	int last_slot;
	/* Reverse map pfn -> RMAP_VALID | slot << VPN_BITS | vpn; a THP is
	 * keyed by its head pfn, with RMAP_THP and the vpn of its first
	 * page.  A directory indexed by pfn >> RMAP_CHUNK_SHIFT of chunks
	 * allocated on first use and freed when empty: one cache line per
	 * lookup instead of a hash probe into a table as large as all mapped
	 * pages, memory proportional to the ranges with mapped pages. */
	struct rmap_chunk **rmap_dir;
	uint64_t rmap_dir_len, rmap_chunks;
	/* Chunks come from 2 MiB blocks (RMAP_PER_BLOCK each, carved in
	 * order) and go back to a free list: a calloc'ed chunk was nine
	 * 4 KiB faults and a memset, 3% of a replay (in a VM).  A free
	 * chunk is all zero (freed when its last entry is cleared) but for
	 * v[0], the link to the next free one. */
	void **rmap_blocks;
	uint64_t nr_rmap_blocks, rmap_carved;	/* carved: of the last block */
	struct rmap_chunk *rmap_free;
	/* chunks of pfns past the dense directory's reach (a zone at pfn
	 * 2^40 would want a 2 GB directory): chunk index -> pointer */
	struct u64map rmap_far;
	uint64_t *nonresident_age;	/* [nr_nodes]: pages evicted */
	/* the shadow of the range reclaim is freeing now, for the reclaim
	 * hook (mmc_reclaim_shadow): a page-cache page's shadow lives with
	 * the caller, which knows the file page */
	uint64_t last_shadow;
	uint64_t nr_tables;		/* pte arrays allocated */
};

static struct fault_state *F(const struct mmc *m)
{
	return m->fault;
}

static void fault_page_migrated(struct mmc *m, uint64_t from, uint64_t to,
				unsigned order);

int fault_init(struct mmc *m)
{
	struct fault_state *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	/* MMC_MAX_NODES: fault_init may run before the nodes exist */
	f->nonresident_age = calloc(MMC_MAX_NODES, sizeof(uint64_t));
	if (!f->nonresident_age) {
		free(f);
		return -1;
	}
	u64map_init(&f->by_pid);
	u64map_init(&f->rmap_far);
	f->last_slot = -1;
	m->fault = f;
	m->fault_reclaimed = fault_page_reclaimed;
	m->fault_migrated = fault_page_migrated;
	return 0;
}

/* A page table (pte_alloc()): a PMD_TABLE pmd value whose 512 ptes all
 * start as `fill` says (none, the zero page, or swap entries of eviction
 * age `age`), `count` of them not none.  0, or -1 out of memory. */
static int table_new(struct fault_state *f, unsigned fill, unsigned count,
		     uint64_t age, uint64_t *pmd)
{
	uint64_t pte = fill == FILL_ZERO ? PTE_ZERO :
		       fill == FILL_SHADOW ? PTE_SHADOW | (age & PAYLOAD_MASK) :
		       PTE_NONE;
	uint64_t *t = pte ? malloc((PT_COUNT + 1) * sizeof(*t)) :
			    calloc(PT_COUNT + 1, sizeof(*t));

	if (!t || (uintptr_t)t > PAYLOAD_MASK) {	/* never on x86-64 */
		free(t);
		return -1;
	}
	for (unsigned i = 0; pte && i < HPAGE_PMD_NR; i++)
		t[i] = pte;
	t[PT_COUNT] = count;
	f->nr_tables++;
	*pmd = pmd_make(PMD_TABLE, fill, 0, (uintptr_t)t);
	return 0;
}

static void table_free(struct fault_state *f, uint64_t pmd)
{
	if (PMD_STATE(pmd) != PMD_TABLE)
		return;
	free(pmd_ptes(pmd));
	f->nr_tables--;
}

/* The pte of vpn, or NULL when its pmd is not a page table. */
static uint64_t *pte_of(const struct fault_proc *p, uint64_t vpn)
{
	uint64_t *pmd = u64map_get(&p->pmd, vpn >> HPAGE_PMD_ORDER);

	if (!pmd || PMD_STATE(*pmd) != PMD_TABLE)
		return NULL;
	return &pmd_ptes(*pmd)[vpn & (HPAGE_PMD_NR - 1)];
}

/* Remove the pmd of pmdkey, freeing its page table. */
static void pmd_del(struct fault_state *f, struct fault_proc *p,
		    uint64_t pmdkey)
{
	uint64_t *pmd = u64map_get(&p->pmd, pmdkey);

	if (!pmd)
		return;
	table_free(f, *pmd);
	u64map_del(&p->pmd, pmdkey);
}

static void proc_release(struct fault_state *f, struct fault_proc *p)
{
	uint64_t it = 0, key, val;

	while (u64map_next(&p->pmd, &it, &key, &val))
		table_free(f, val);
	u64map_free(&p->pmd);
	p->used = false;
}

void fault_destroy(struct mmc *m)
{
	struct fault_state *f = F(m);

	if (!f)
		return;
	for (uint32_t i = 0; i < f->nr_procs; i++)
		if (f->procs[i].used)
			proc_release(f, &f->procs[i]);
	free(f->procs);
	u64map_free(&f->by_pid);
	free(f->rmap_dir);
	u64map_free(&f->rmap_far);
	for (uint64_t i = 0; i < f->nr_rmap_blocks; i++)
		hugemem_page_free(f->rmap_blocks[i]);
	free(f->rmap_blocks);
	free(f->nonresident_age);
	free(f);
	m->fault = NULL;
}

size_t fault_memory_bytes(const struct mmc *m)
{
	const struct fault_state *f = F(m);
	size_t b;

	if (!f)
		return 0;
	b = sizeof(*f) + f->cap_procs * sizeof(*f->procs) +
	    u64map_bytes(&f->by_pid) +
	    f->rmap_dir_len * sizeof(*f->rmap_dir) +
	    u64map_bytes(&f->rmap_far) +
	    f->rmap_chunks * sizeof(struct rmap_chunk) +
	    MMC_MAX_NODES * sizeof(uint64_t) +
	    f->nr_tables * (PT_COUNT + 1) * sizeof(uint64_t);
	for (uint32_t i = 0; i < f->nr_procs; i++)
		b += u64map_bytes(&f->procs[i].pmd);
	return b;
}

static int proc_lookup(struct mmc *m, uint32_t pid, bool create)
{
	struct fault_state *f = F(m);
	uint64_t *v;
	uint32_t slot;

	if (f->last_slot >= 0 && f->last_pid == pid)
		return f->last_slot;
	v = u64map_get(&f->by_pid, pid);
	if (v) {
		f->last_pid = pid;
		f->last_slot = (int)*v;
		return (int)*v;
	}
	if (!create)
		return -1;
	for (slot = 0; slot < f->nr_procs; slot++)
		if (!f->procs[slot].used)
			break;
	if (slot == f->nr_procs) {
		if (f->nr_procs == f->cap_procs) {
			uint32_t cap = f->cap_procs ? f->cap_procs * 2 : 16;
			struct fault_proc *p = realloc(f->procs,
						       cap * sizeof(*p));

			if (!p)
				return -1;
			f->procs = p;
			f->cap_procs = cap;
		}
		f->nr_procs++;
	}
	if (u64map_put(&f->by_pid, pid, slot) < 0)
		return -1;
	memset(&f->procs[slot], 0, sizeof(f->procs[slot]));
	f->procs[slot].pid = pid;
	f->procs[slot].used = true;
	u64map_init(&f->procs[slot].pmd);
	return (int)slot;
}

static uint64_t rmap_val(int slot, uint64_t vpn)
{
	return RMAP_VALID | (uint64_t)slot << VPN_BITS | vpn;
}

/* The chunk of directory index d, NULL when none. */
static struct rmap_chunk *rmap_chunk_of(const struct fault_state *f,
					uint64_t d)
{
	const uint64_t *far;

	if (d < f->rmap_dir_len)
		return f->rmap_dir[d];
	if (d < RMAP_DENSE_MAX || !(far = u64map_get(&f->rmap_far, d)))
		return NULL;
	return (struct rmap_chunk *)(uintptr_t)*far;
}

/* The reverse map entry of pfn (0: none). */
static uint64_t rmap_get(const struct fault_state *f, uint64_t pfn)
{
	const struct rmap_chunk *c = rmap_chunk_of(f, pfn >> RMAP_CHUNK_SHIFT);

	return c ? c->v[pfn & (RMAP_CHUNK_NR - 1)] : 0;
}

#define RMAP_PER_BLOCK	(HUGEMEM_PAGE / sizeof(struct rmap_chunk))

/* A zeroed chunk: a free one, else the next of the last block, else the
 * first of a new block.  NULL when out of memory. */
static struct rmap_chunk *rmap_chunk_alloc(struct fault_state *f)
{
	struct rmap_chunk *c = f->rmap_free;
	void **blocks;

	if (c) {
		f->rmap_free = (struct rmap_chunk *)(uintptr_t)c->v[0];
		c->v[0] = 0;
		return c;
	}
	if (!f->nr_rmap_blocks || f->rmap_carved == RMAP_PER_BLOCK) {
		blocks = realloc(f->rmap_blocks, (f->nr_rmap_blocks + 1) *
						 sizeof(*blocks));
		if (!blocks)
			return NULL;
		f->rmap_blocks = blocks;
		if (!(blocks[f->nr_rmap_blocks] = hugemem_page_alloc()))
			return NULL;
		f->nr_rmap_blocks++;
		f->rmap_carved = 0;
	}
	c = (struct rmap_chunk *)f->rmap_blocks[f->nr_rmap_blocks - 1] +
	    f->rmap_carved++;
	return c;
}

/* c, all zero, back to the free list. */
static void rmap_chunk_release(struct fault_state *f, struct rmap_chunk *c)
{
	c->v[0] = (uint64_t)(uintptr_t)f->rmap_free;
	f->rmap_free = c;
}

/* A new chunk for directory index d: in the dense directory (grown to
 * reach it) below RMAP_DENSE_MAX, in the far map above. */
static struct rmap_chunk *rmap_chunk_new(struct fault_state *f, uint64_t d)
{
	struct rmap_chunk *c;

	if (d < RMAP_DENSE_MAX && d >= f->rmap_dir_len) {
		uint64_t len = f->rmap_dir_len ? f->rmap_dir_len : 64;
		struct rmap_chunk **dir;

		while (len <= d)
			len *= 2;
		dir = realloc(f->rmap_dir, len * sizeof(*dir));
		if (!dir)
			return NULL;
		memset(dir + f->rmap_dir_len, 0,
		       (len - f->rmap_dir_len) * sizeof(*dir));
		f->rmap_dir = dir;
		f->rmap_dir_len = len;
	}
	c = rmap_chunk_alloc(f);
	if (!c)
		return NULL;
	if (d < RMAP_DENSE_MAX) {
		f->rmap_dir[d] = c;
	} else if (u64map_put(&f->rmap_far, d, (uint64_t)(uintptr_t)c)) {
		rmap_chunk_release(f, c);
		return NULL;
	}
	f->rmap_chunks++;
	return c;
}

static int rmap_set(struct fault_state *f, uint64_t pfn, uint64_t rval)
{
	uint64_t d = pfn >> RMAP_CHUNK_SHIFT;
	struct rmap_chunk *c = rmap_chunk_of(f, d);
	uint64_t *e;

	if (!c && !(c = rmap_chunk_new(f, d)))
		return -1;
	e = &c->v[pfn & (RMAP_CHUNK_NR - 1)];
	c->nr += !*e;
	*e = rval;
	return 0;
}

static void rmap_clear(struct fault_state *f, uint64_t pfn)
{
	uint64_t d = pfn >> RMAP_CHUNK_SHIFT;
	struct rmap_chunk *c = rmap_chunk_of(f, d);
	uint64_t *e;

	if (!c)
		return;
	e = &c->v[pfn & (RMAP_CHUNK_NR - 1)];
	if (!*e)
		return;
	*e = 0;
	if (--c->nr == 0) {
		rmap_chunk_release(f, c);
		if (d < RMAP_DENSE_MAX)
			f->rmap_dir[d] = NULL;
		else
			u64map_del(&f->rmap_far, d);
		f->rmap_chunks--;
	}
}

static bool page_is_anon(struct mmc *m, uint64_t pfn)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	return z && page_class(z->page[pfn_to_idx(z, pfn)]) == MMC_PC_ANON;
}

/* A present mapping is still ours when the page is anon and the reverse
 * map still points back at it (not freed, not reused elsewhere). */
static bool mapping_valid(struct mmc *m, uint64_t pfn, uint64_t rval)
{
	return rmap_get(F(m), pfn) == rval && page_is_anon(m, pfn);
}

/* PG_HEAD marks a THP's first page; reclaim.c's LRU also reads it (a
 * folio of order > 0 keeps its order in its first tails).  A THP still on
 * the LRU keeps it when unmapped: taking it off the LRU (free_pages'
 * lru_del, reclaim) clears it, and clearing it first made lru_del take
 * the THP for 512 order-0 folios, two of them on the active list. */
static void set_head(struct mmc *m, uint64_t pfn, bool on)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);

	if (!z)
		return;
	pgstate_t *s = &z->page[pfn_to_idx(z, pfn)];

	if (on)
		*s |= PG_HEAD;
	else if (!(*s & PG_LRU))
		*s &= (pgstate_t)~PG_HEAD;
}

/* vma_thp_gfp_mask() for thp_defrag (0 never, 1 defer, 2 defer+madvise,
 * 3 madvise, 4 always). */
static uint64_t vma_thp_gfp_mask(const struct mmc *m, bool madvised)
{
	switch (m->policy.thp_defrag) {
	case 4:	/* always: direct reclaim/compaction; NORETRY unless madvised */
		return MMC_GFP_TRANSHUGE | (madvised ? 0 : MMC___GFP_NORETRY);
	case 1:	/* defer: wake kswapd/kcompactd, fail at once */
		return MMC_GFP_TRANSHUGE_LIGHT | MMC___GFP_KSWAPD_RECLAIM;
	case 2:	/* defer+madvise */
		return MMC_GFP_TRANSHUGE_LIGHT |
		       (madvised ? MMC___GFP_DIRECT_RECLAIM
				 : MMC___GFP_KSWAPD_RECLAIM);
	case 3:	/* madvise */
		return MMC_GFP_TRANSHUGE_LIGHT |
		       (madvised ? MMC___GFP_DIRECT_RECLAIM : 0);
	default:	/* never */
		return MMC_GFP_TRANSHUGE_LIGHT;
	}
}

/* thp_vma_allowable_order() for the PMD order, anon VMA. */
static bool thp_allowed(const struct mmc *m, unsigned flags)
{
	if (!(flags & MMC_FAULT_THP))
		return false;
	if (m->policy.thp_enabled == 2)
		return true;
	return m->policy.thp_enabled == 1 && (flags & MMC_FAULT_MADVISED);
}

static uint64_t eviction_age(struct mmc *m, int node)
{
	return F(m)->nonresident_age[node] & AGE_MASK;
}

/* workingset_refault() for an anon folio (workingset_refault_anon):
 * activate when the refault distance fits in the workingset (active +
 * inactive file, plus active anon since there is swap: we are swapping
 * in): workingset_activate_anon, and workingset_restore_anon when the
 * folio was in the workingset when evicted. */
static void workingset_refault(struct mmc *m, uint64_t pfn, int node,
			       uint64_t shadow)
{
	uint64_t distance = (eviction_age(m, node) - (shadow & AGE_MASK)) &
			    AGE_MASK;
	uint64_t workingset = lru_pages(m, node, true, true) +
			      lru_pages(m, node, true, false) +
			      lru_pages(m, node, false, true);

	count_vm_event(m, MMC_WORKINGSET_REFAULT_ANON);
	count_vm_event(m, MMC_PSWPIN);
	if (distance > workingset)
		return;
	/* folio_set_active(): two marks take an inactive folio to the
	 * active list */
	lru_touch(m, pfn);
	lru_touch(m, pfn);
	count_vm_event(m, MMC_WORKINGSET_ACTIVATE_ANON);
	if (shadow & SHADOW_WORKINGSET) {
		struct mmc_zone *z = pfn_to_zone(m, pfn);

		if (z)
			z->page[pfn_to_idx(z, pfn)] |= PG_WORKINGSET;
		lru_note_refault(m, pfn, 0, MMC_PC_ANON);
		count_vm_event(m, MMC_WORKINGSET_RESTORE_ANON);
	}
}

/* ---- page-cache workingset (mm/workingset.c) ----------------------------
 * The model keeps no page cache: a caller that knows file pages by
 * identity (replay: device, inode, index) keeps their shadow entries.
 * From its reclaim hook it takes the shadow of the range being freed
 * (mmc_reclaim_shadow), and hands it back when the file page is read
 * again into a new page (mmc_file_refault). */

uint64_t mmc_reclaim_shadow(const struct mmc *m)
{
	const struct fault_state *f = F(m);

	return f ? f->last_shadow & PAYLOAD_MASK : 0;
}

/* workingset_refault() for a file folio: workingset_refault_file; the
 * folio is activated when the refault distance fits in the workingset
 * (workingset_test_recent(): the active file list, plus both anon lists
 * when there is swap), and marked PG_workingset when it was in the
 * workingset when evicted (workingset_restore_file).  As for anon, the
 * distance counts evictions only. */
void mmc_file_refault(struct mmc *m, uint64_t pfn, unsigned order,
		      uint64_t shadow)
{
	struct mmc_zone *z = pfn_to_zone(m, pfn);
	uint64_t distance, workingset, nr = 1ull << order;
	int node;

	if (!z || !(z->page[pfn_to_idx(z, pfn)] & PG_LRU) || !F(m))
		return;
	node = z->node;
	count_vm_events(m, MMC_WORKINGSET_REFAULT_FILE, nr);
	distance = (eviction_age(m, node) - (shadow & AGE_MASK)) & AGE_MASK;
	workingset = lru_pages(m, node, true, true);
	if (lru_swap_enabled(m))
		workingset += lru_pages(m, node, false, true) +
			      lru_pages(m, node, false, false);
	if (distance > workingset)
		return;
	lru_touch(m, pfn);	/* folio_set_active() */
	lru_touch(m, pfn);
	count_vm_events(m, MMC_WORKINGSET_ACTIVATE_FILE, nr);
	if (shadow & SHADOW_WORKINGSET) {
		z->page[pfn_to_idx(z, pfn)] |= PG_WORKINGSET;
		lru_note_refault(m, pfn, order, MMC_PC_FILE);
		count_vm_events(m, MMC_WORKINGSET_RESTORE_FILE, nr);
	}
}

/* Allocate the order-0 anon page for a first write, a write to the zero
 * page, or a swap-in; map it at vpn. */
static int map_new_page(struct mmc *m, int slot, uint64_t vpn,
			uint64_t *ptep, int cpu, struct mmc_result *res)
{
	struct fault_state *f = F(m);
	uint64_t pfn = alloc_pages_node(m, cpu_to_node(m, cpu),
					MMC_GFP_HIGHUSER_MOVABLE, 0, cpu,
					MMC_PC_ANON, res);

	if (pfn == NO_PFN) {
		res->path |= MMC_PATH_OOM;
		return -1;
	}
	if (rmap_set(f, pfn, rmap_val(slot, vpn)) < 0) {
		free_pages(m, pfn, 0, cpu, NULL);
		return -1;
	}
	*ptep = PTE_PRESENT | pfn;	/* tables stay put through reclaim */
	set_head(m, pfn, false);	/* order 0: no stale compound head */
	lru_add(m, pfn, 0, MMC_PC_ANON);
	res->pfn = pfn;
	return 0;
}

/* The table's count of ptes that are not none, from a pte in it. */
static void pt_count_add(uint64_t *ptep, uint64_t vpn, int delta)
{
	ptep[PT_COUNT - (vpn & (HPAGE_PMD_NR - 1))] += (uint64_t)(int64_t)delta;
}

/*
 * alloc_pages_mpol() for a PMD-order folio under the default (local)
 * policy: first the local node only, without reclaim retries
 * (__GFP_THISNODE | __GFP_NORETRY: "the cost of remote accesses would
 * likely offset THP benefits"); only when the gfp may direct-reclaim
 * (thp defrag always, or madvised) again with the fault's own gfp (remote
 * nodes allowed, and reclaim retries unless that gfp has NORETRY).
 */
static uint64_t alloc_thp_mpol(struct mmc *m, uint64_t gfp, int cpu,
			       struct mmc_result *res)
{
	int nid = cpu_to_node(m, cpu);
	uint64_t pfn = alloc_pages_node(m, nid, gfp | MMC___GFP_THISNODE |
					MMC___GFP_NORETRY, HPAGE_PMD_ORDER,
					cpu, MMC_PC_ANON, res);

	if (pfn != NO_PFN || !(gfp & MMC___GFP_DIRECT_RECLAIM))
		return pfn;
	return alloc_pages_node(m, nid, gfp, HPAGE_PMD_ORDER, cpu,
				MMC_PC_ANON, res);
}

/* do_huge_pmd_anonymous_page(): a write maps a new THP, a read the huge
 * zero page.  1 done, 0 fall back to ptes, -1 error. */
static int huge_pmd_fault(struct mmc *m, int slot, uint64_t vpn,
			  unsigned flags, int cpu, struct mmc_result *res,
			  int *kind)
{
	struct fault_state *f = F(m);
	struct fault_proc *p = &f->procs[slot];
	uint64_t pmdkey = vpn >> HPAGE_PMD_ORDER;
	uint64_t base = pmdkey << HPAGE_PMD_ORDER, pfn;

	if (!(flags & MMC_FAULT_WRITE)) {
		if (u64map_put(&p->pmd, pmdkey,
			       pmd_make(PMD_HUGE_ZERO, FILL_NONE, 0, 0)) < 0)
			return -1;
		*kind = MMC_FK_HUGE_ZERO;
		return 1;
	}
	pfn = alloc_thp_mpol(m, vma_thp_gfp_mask(m, flags & MMC_FAULT_MADVISED),
			     cpu, res);
	if (pfn == NO_PFN) {
		count_vm_event(m, MMC_THP_FAULT_FALLBACK);
		/* the order-0 attempt decides OOM, not this one */
		res->path &= ~(uint32_t)MMC_PATH_OOM;
		return 0;
	}
	if (u64map_put(&p->pmd, pmdkey, pmd_make(PMD_THP, FILL_NONE, 0, pfn)) < 0 ||
	    rmap_set(f, pfn, rmap_val(slot, base | RMAP_THP)) < 0) {
		u64map_del(&p->pmd, pmdkey);
		free_pages(m, pfn, HPAGE_PMD_ORDER, cpu, NULL);
		return -1;
	}
	count_vm_event(m, MMC_THP_FAULT_ALLOC);
	set_head(m, pfn, true);
	lru_add(m, pfn, HPAGE_PMD_ORDER, MMC_PC_ANON);
	res->pfn = pfn + (vpn - base);
	*kind = MMC_FK_THP;
	return 1;
}

/* An existing pmd: a THP or the huge zero page.  1 done, 0 continue at
 * pte level (table now), -1 error. */
static int existing_pmd(struct mmc *m, int slot, uint64_t vpn, uint64_t *pmd,
			unsigned flags, struct mmc_result *res, int *kind)
{
	struct fault_proc *p = &F(m)->procs[slot];
	uint64_t pmdkey = vpn >> HPAGE_PMD_ORDER;
	uint64_t base = pmdkey << HPAGE_PMD_ORDER;

	if (PMD_STATE(*pmd) == PMD_THP) {
		uint64_t pfn = *pmd & PAYLOAD_MASK;

		if (mapping_valid(m, pfn, rmap_val(slot, base | RMAP_THP))) {
			res->pfn = pfn + (vpn - base);
			*kind = MMC_FK_MINOR;
			return 1;
		}
		/* the THP was freed or reused behind our back */
		u64map_del(&p->pmd, pmdkey);
		return 0;
	}
	if (PMD_STATE(*pmd) == PMD_HUGE_ZERO) {
		if (!(flags & MMC_FAULT_WRITE)) {
			*kind = MMC_FK_MINOR;
			return 1;
		}
		/* do_huge_pmd_wp_page() on the huge zero page: split into
		 * 512 zero-page ptes, then the pte write fault. */
		if (table_new(F(m), FILL_ZERO, HPAGE_PMD_NR, 0, pmd) < 0)
			return -1;
	}
	return 0;
}

/* handle_pte_fault() for a pte in a table (ptes: the table). */
static int pte_fault(struct mmc *m, int slot, uint64_t vpn, uint64_t *ptes,
		     unsigned flags, int cpu, struct mmc_result *res)
{
	uint64_t *ptep = &ptes[vpn & (HPAGE_PMD_NR - 1)];
	uint64_t pte = *ptep;
	int node = cpu_to_node(m, cpu);
	bool counted;	/* the pte is not none (counted in the pmd) */

	if (PTE_STATE(pte) == PTE_PRESENT) {
		uint64_t pfn = pte & PAYLOAD_MASK;

		if (mapping_valid(m, pfn, rmap_val(slot, vpn))) {
			res->pfn = pfn;
			return MMC_FK_MINOR;
		}
		pte = PTE_NONE;	/* freed or reused: as zapped */
		pt_count_add(ptep, vpn, -1);
		*ptep = PTE_NONE;
	}
	counted = pte != PTE_NONE;
	switch (PTE_STATE(pte)) {
	case PTE_ZERO:
		if (!(flags & MMC_FAULT_WRITE))
			return MMC_FK_MINOR;
		/* do_wp_page() on the zero page: a new page */
		if (map_new_page(m, slot, vpn, ptep, cpu, res) < 0)
			return -1;
		return MMC_FK_ANON;
	case PTE_SHADOW: {
		/* do_swap_page() */
		uint64_t shadow = pte & PAYLOAD_MASK;

		if (map_new_page(m, slot, vpn, ptep, cpu, res) < 0)
			return -1;
		res->path |= MMC_PATH_REFAULT;
		workingset_refault(m, res->pfn, node, shadow);
		return MMC_FK_REFAULT;
	}
	default:	/* none: do_anonymous_page() */
		if (!(flags & MMC_FAULT_WRITE)) {
			*ptep = PTE_ZERO;
			if (!counted)
				pt_count_add(ptep, vpn, 1);
			return MMC_FK_ZERO;
		}
		if (map_new_page(m, slot, vpn, ptep, cpu, res) < 0)
			return -1;
		if (!counted)
			pt_count_add(ptep, vpn, 1);
		return MMC_FK_ANON;
	}
}

int mmc_fault(struct mmc *m, uint32_t pid, uint64_t addr, unsigned flags,
	      int cpu, struct mmc_result *res)
{
	struct mmc_result local;
	uint64_t vpn = (addr >> PAGE_SHIFT) & VPN_MASK;
	uint64_t pmdkey = vpn >> HPAGE_PMD_ORDER;
	uint64_t *pmd, table;
	int slot, kind = MMC_FK_MINOR, r;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	res->pfn = NO_PFN;
	res->node = -1;
	res->zone = -1;
	if (!F(m))
		return -1;
	if (cpu < 0 || (uint32_t)cpu >= m->nr_cpus)
		cpu = 0;
	slot = proc_lookup(m, pid, true);
	if (slot < 0)
		return -1;
	pmd = u64map_get(&F(m)->procs[slot].pmd, pmdkey);
	if (pmd && PMD_STATE(*pmd) != PMD_TABLE) {	/* THP, huge zero */
		r = existing_pmd(m, slot, vpn, pmd, flags, res, &kind);
		if (r != 0)
			return r < 0 ? -1 : kind;
		pmd = u64map_get(&F(m)->procs[slot].pmd, pmdkey);
	}
	if (pmd)
		table = *pmd;
	else {	/* pmd_none(): __handle_mm_fault -> create_huge_pmd */
		if (thp_allowed(m, flags)) {
			r = huge_pmd_fault(m, slot, vpn, flags, cpu, res, &kind);
			if (r != 0)
				return r < 0 ? -1 : kind;
		}
		if (table_new(F(m), FILL_NONE, 0, 0, &table) < 0)
			return -1;
		if (u64map_put(&F(m)->procs[slot].pmd, pmdkey, table) < 0) {
			table_free(F(m), table);
			return -1;
		}
	}
	return pte_fault(m, slot, vpn, pmd_ptes(table), flags, cpu, res);
}

int mmc_fault_map(struct mmc *m, uint32_t pid, uint64_t addr, uint64_t pfn,
		  unsigned order)
{
	struct fault_state *f = F(m);
	uint64_t vpn = (addr >> PAGE_SHIFT) & VPN_MASK;
	uint64_t pmdkey = vpn >> HPAGE_PMD_ORDER, *pmd;
	struct fault_proc *p;
	int slot;

	if (!f || (order != 0 && order != HPAGE_PMD_ORDER) ||
	    !pfn_to_zone(m, pfn) || (pfn & ((1ull << order) - 1)))
		return -1;
	slot = proc_lookup(m, pid, true);
	if (slot < 0)
		return -1;
	p = &f->procs[slot];
	pmd = u64map_get(&p->pmd, pmdkey);
	if (order == HPAGE_PMD_ORDER) {
		/* a PMD mapping replaces whatever table was there */
		if (pmd && PMD_STATE(*pmd) == PMD_TABLE)
			pmd_del(f, p, pmdkey);
		if (u64map_put(&p->pmd, pmdkey,
			       pmd_make(PMD_THP, FILL_NONE, 0, pfn)) < 0 ||
		    rmap_set(f, pfn, rmap_val(slot, (pmdkey <<
				HPAGE_PMD_ORDER) | RMAP_THP)) < 0)
			return -1;
		set_head(m, pfn, true);
		return 0;
	}
	if (pmd && PMD_STATE(*pmd) != PMD_TABLE)
		u64map_del(&p->pmd, pmdkey);	/* as a split */
	pmd = u64map_get(&p->pmd, pmdkey);
	if (!pmd) {
		uint64_t table;

		if (table_new(f, FILL_NONE, 0, 0, &table) < 0)
			return -1;
		if (u64map_put(&p->pmd, pmdkey, table) < 0) {
			table_free(f, table);
			return -1;
		}
	}
	uint64_t *ptep = pte_of(p, vpn);
	bool counted = *ptep != PTE_NONE;

	if (rmap_set(f, pfn, rmap_val(slot, vpn)) < 0)
		return -1;
	*ptep = PTE_PRESENT | pfn;
	if (!counted)
		pt_count_add(ptep, vpn, 1);
	return 0;
}

/* ---- reclaim, unmap, exit ------------------------------------------- */

/* Take pfn out of the reverse map; true when it still backs a mapping
 * (the pte or pmd holds exactly this page), with its process and vpn,
 * and for a 4 KiB page its pte. */
static bool rmap_take(struct fault_state *f, uint64_t pfn,
		      struct fault_proc **pp, uint64_t *vpn, bool *thp,
		      uint64_t **ptep)
{
	uint64_t rval = rmap_get(f, pfn), *e;
	struct fault_proc *p;

	if (!rval)
		return false;
	rmap_clear(f, pfn);
	rval &= ~RMAP_VALID;
	if ((rval >> VPN_BITS) >= f->nr_procs)
		return false;
	p = &f->procs[rval >> VPN_BITS];
	*vpn = rval & VPN_MASK;
	*thp = rval & RMAP_THP;
	*pp = p;
	if (!p->used)
		return false;
	if (*thp) {
		e = u64map_get(&p->pmd, *vpn >> HPAGE_PMD_ORDER);
		return e && PMD_STATE(*e) == PMD_THP &&
		       (*e & PAYLOAD_MASK) == pfn;
	}
	e = pte_of(p, *vpn);
	*ptep = e;
	return e && PTE_STATE(*e) == PTE_PRESENT && (*e & PAYLOAD_MASK) == pfn;
}

void fault_page_reclaimed(struct mmc *m, uint64_t pfn, unsigned order)
{
	struct fault_state *f = F(m);
	struct mmc_zone *z = pfn_to_zone(m, pfn);
	int node = z ? z->node : 0;

	if (!f)
		return;
	f->nonresident_age[node] += 1ull << order;	/* workingset_eviction */
	uint64_t ws = z && (z->page[pfn_to_idx(z, pfn)] & PG_WORKINGSET) ?
		      SHADOW_WORKINGSET : 0;
	f->last_shadow = eviction_age(m, node) | ws;
	for (uint64_t i = 0; i < (1ull << order); i++) {
		struct fault_proc *p;
		uint64_t vpn, shadow = eviction_age(m, node) | ws, *ptep;
		bool thp;

		if (!rmap_take(f, pfn + i, &p, &vpn, &thp, &ptep))
			continue;
		if (thp) {	/* swapped out whole: 512 swap ptes */
			uint64_t table;

			set_head(m, pfn + i, false);
			/* out of memory: the THP pmd stays, and its next
			 * fault finds the page gone (a fresh fault) */
			if (table_new(f, FILL_SHADOW, HPAGE_PMD_NR, shadow,
				      &table) == 0 &&
			    u64map_put(&p->pmd, vpn >> HPAGE_PMD_ORDER,
				       table) < 0)
				table_free(f, table);
		} else {
			*ptep = PTE_SHADOW | shadow;
		}
	}
}

/* Compaction moved [from, +2^order) to [to, +2^order) (migrate_pages():
 * remove_migration_ptes() points each mapping at the new page): the ptes
 * and the THP pmd that mapped the old pages map the new ones, and the
 * reverse map follows.  Without this a migrated anon page stayed mapped
 * at its old pfn: once reused as page cache and reclaimed, that stale pte
 * became a "swap entry" and the next fault there an anon refault (pswpin
 * on a host with no swap). */
static void fault_page_migrated(struct mmc *m, uint64_t from, uint64_t to,
				unsigned order)
{
	struct fault_state *f = F(m);

	for (uint64_t i = 0; f && i < (1ull << order); i++) {
		struct fault_proc *p;
		uint64_t vpn, *ptep = NULL, *pmd;
		int slot;
		bool thp;

		if (!rmap_take(f, from + i, &p, &vpn, &thp, &ptep))
			continue;
		slot = (int)(p - f->procs);
		if (thp) {
			pmd = u64map_get(&p->pmd, vpn >> HPAGE_PMD_ORDER);
			*pmd = pmd_make(PMD_THP, FILL_NONE, 0, to + i);
			/* out of memory: the pmd maps a page the reverse map
			 * does not know, which its next fault takes as gone */
			(void)rmap_set(f, to + i, rmap_val(slot, vpn | RMAP_THP));
		} else {
			*ptep = PTE_PRESENT | (to + i);
			(void)rmap_set(f, to + i, rmap_val(slot, vpn));
		}
	}
}

/* zap_pte_range() for pages the workload freed. */
void mmc_unmap_pfn(struct mmc *m, uint64_t pfn, unsigned order)
{
	struct fault_state *f = F(m);

	if (!f)
		return;
	for (uint64_t i = 0; i < (1ull << order); i++) {
		struct fault_proc *p;
		uint64_t vpn, pmdkey, *ptep;
		bool thp;

		if (!rmap_take(f, pfn + i, &p, &vpn, &thp, &ptep))
			continue;
		pmdkey = vpn >> HPAGE_PMD_ORDER;
		if (thp) {
			set_head(m, pfn + i, false);
			u64map_del(&p->pmd, pmdkey);
			continue;
		}
		*ptep = PTE_NONE;
		pt_count_add(ptep, vpn, -1);
		if (!ptep[PT_COUNT - (vpn & (HPAGE_PMD_NR - 1))])
			pmd_del(f, p, pmdkey);	/* free_pgtables() */
	}
}

void mmc_prefetch_fault(struct mmc *m, uint32_t pid, uint64_t addr)
{
	struct fault_state *f = F(m);
	uint64_t vpn = (addr >> PAGE_SHIFT) & VPN_MASK;
	int slot;

	uint64_t *pmd;

	if (!f || (slot = proc_lookup(m, pid, false)) < 0)
		return;
	pmd = u64map_get(&f->procs[slot].pmd, vpn >> HPAGE_PMD_ORDER);
	if (pmd && PMD_STATE(*pmd) == PMD_TABLE)
		__builtin_prefetch(&pmd_ptes(*pmd)[vpn & (HPAGE_PMD_NR - 1)]);
}

void mmc_prefetch_unmap(struct mmc *m, uint64_t pfn, int stage)
{
	struct fault_state *f = F(m);
	uint64_t d = pfn >> RMAP_CHUNK_SHIFT, rval, slot;

	if (!f || d >= f->rmap_dir_len || !f->rmap_dir[d])
		return;
	if (stage == 0) {
		__builtin_prefetch(&f->rmap_dir[d]->v[pfn & (RMAP_CHUNK_NR - 1)]);
		return;
	}
	rval = f->rmap_dir[d]->v[pfn & (RMAP_CHUNK_NR - 1)] & ~RMAP_VALID;
	slot = rval >> VPN_BITS;
	if (!rval || slot >= f->nr_procs || !f->procs[slot].used)
		return;
	if (rval & RMAP_THP)
		return;
	uint64_t *pte = pte_of(&f->procs[slot], rval & VPN_MASK);

	if (pte)
		__builtin_prefetch(pte);
}

/* exit_mmap(): free every page still mapped, forget shadows. */
void mmc_process_exit(struct mmc *m, uint32_t pid)
{
	struct fault_state *f = F(m);
	int slot;
	uint64_t it = 0, key, val;

	if (!f || (slot = proc_lookup(m, pid, false)) < 0)
		return;
	struct fault_proc *p = &f->procs[slot];

	while (u64map_next(&p->pmd, &it, &key, &val)) {
		const uint64_t *pte = pmd_ptes(val);

		if (PMD_STATE(val) != PMD_TABLE)
			continue;
		for (uint64_t i = 0; i < HPAGE_PMD_NR; i++) {
			uint64_t pfn = pte[i] & PAYLOAD_MASK;

			if (PTE_STATE(pte[i]) != PTE_PRESENT ||
			    !mapping_valid(m, pfn, rmap_val(slot,
					   key << HPAGE_PMD_ORDER | i)))
				continue;
			rmap_clear(f, pfn);
			free_pages(m, pfn, 0, 0, NULL);
		}
	}
	it = 0;
	while (u64map_next(&p->pmd, &it, &key, &val)) {
		uint64_t pfn = val & PAYLOAD_MASK;

		if (PMD_STATE(val) != PMD_THP ||
		    !mapping_valid(m, pfn, rmap_val(slot,
				   (key << HPAGE_PMD_ORDER) | RMAP_THP)))
			continue;
		rmap_clear(f, pfn);
		set_head(m, pfn, false);
		free_pages(m, pfn, HPAGE_PMD_ORDER, 0, NULL);
	}
	proc_release(f, p);
	u64map_del(&f->by_pid, pid);
	f->last_slot = -1;
}
