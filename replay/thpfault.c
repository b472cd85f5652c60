/* SPDX-License-Identifier: MIT */
/*
 * Policy mode: a THP fault's page allocation, found by its task.
 *
 * The replay links a user fault to the next movable PAGE_ALLOC on the same
 * CPU within FAULT_LINK_NS (driver.c).  A THP fault does not fit that: its
 * order-9 allocation may compact and reclaim for tens of milliseconds
 * before mm_page_alloc fires (38 ms and more in the pressure scenario),
 * the task may sleep in it and wake on another CPU, and other tasks fault
 * on its CPU meanwhile.  Unlinked, the kernel's THP was replayed as a plain
 * order-9 allocation: not a THP fault in the model, not on its LRU, and,
 * when the model had no free order-9 block, an "allocation failure" where
 * the kernel's caller would have fallen back.
 *
 * So every user fault is also noted by task (a small table, slot = pid
 * modulo its size), and an order-9 allocation with the THP fault gfp
 * (GFP_TRANSHUGE_LIGHT's bits, vma_thp_gfp_mask()) that the CPU link missed
 * takes the task's latest fault, when it is a write not yet given a page
 * and at most THP_LINK_NS old.  A task is inside one fault at a time, so
 * its latest fault is the one its allocation belongs to.
 *
 * The kernel's own THP attempts that failed (mm_page_alloc with no page)
 * are not the fault's page: alloc_pages_mpol() first tries
 * __GFP_THISNODE | __GFP_NORETRY, then, with direct reclaim allowed,
 * plain GFP_TRANSHUGE; do_huge_pmd_anonymous_page() then counts
 * thp_fault_fallback and do_anonymous_page() maps a 4 KiB page.  The trace
 * shows each attempt, and the page the fault finally got comes last.  The
 * model makes its own attempts (mmc_fault follows the same path) when that
 * page comes, so a failed kernel attempt only keeps the fault's link alive
 * (from its own time: the fallback's order-0 page follows it closely).
 */
#include "replay_int.h"

#define THP_ORDER 9
#define THP_LINK_NS 1000000000ull	/* fault -> its THP allocation */
#define FALLBACK_LINK_NS 1000000ull	/* failed THP try -> next page */

void rp_tf_note(struct rp_tfaults *t, const struct mmt_event *ev)
{
	struct rp_tfault *s = &t->s[ev->pid % RP_TF_SLOTS];

	s->ts1 = s->from1 = ev->ts + 1;
	s->addr = ev->addr;
	s->pid = ev->pid;
	s->write = (ev->arg & 2) != 0;		/* X86_PF_WRITE */
	s->kernel_failed = 0;
}

/* The gfp of an anonymous THP fault (vma_thp_gfp_mask() over
 * GFP_TRANSHUGE_LIGHT).  Page-cache folios (readahead, write_begin) have
 * no __GFP_NOMEMALLOC; a write folio has __GFP_WRITE. */
int rp_tf_thp_gfp(uint64_t gfp, unsigned order)
{
	uint64_t want = MMC_GFP(MMT_GFP_MOVABLE) | MMC_GFP(MMT_GFP_COMP) |
			MMC_GFP(MMT_GFP_NOMEMALLOC) | MMC_GFP(MMT_GFP_HARDWALL);

	return order == THP_ORDER && (gfp & want) == want &&
	       !(gfp & MMC_GFP(MMT_GFP_WRITE));
}

/* The write fault of ev's task its THP allocation belongs to, or NULL. */
struct rp_tfault *rp_tf_find(struct rp_tfaults *t, const struct mmt_event *ev)
{
	struct rp_tfault *s = &t->s[ev->pid % RP_TF_SLOTS];

	if (!s->ts1 || s->pid != ev->pid || !s->write ||
	    ev->ts + 1 < s->from1 || ev->ts + 1 - s->from1 > THP_LINK_NS)
		return NULL;
	return s;
}

/* The page after a failed kernel THP attempt of ev's task (its second
 * try, or the 4 KiB fallback), when the CPU link missed it. */
struct rp_tfault *rp_tf_find_fallback(struct rp_tfaults *t,
				      const struct mmt_event *ev)
{
	struct rp_tfault *s = &t->s[ev->pid % RP_TF_SLOTS];

	if (!s->kernel_failed || s->pid != ev->pid || !s->ts1 ||
	    ev->ts + 1 < s->from1 || ev->ts + 1 - s->from1 > FALLBACK_LINK_NS)
		return NULL;
	return s;
}

/* A failed kernel THP attempt for the fault (pid, ts1): the fault waits
 * for its page from now on. */
void rp_tf_kernel_failed(struct rp_tfaults *t, uint32_t pid, uint64_t ts1,
			 const struct mmt_event *ev)
{
	struct rp_tfault *s = &t->s[pid % RP_TF_SLOTS];

	t->kernel_tries++;
	if (s->pid != pid || s->ts1 != ts1)
		return;		/* its slot went to another task */
	s->from1 = ev->ts + 1;
	s->kernel_failed = 1;
}

/* The fault (pid, ts1) got its page: no later allocation takes it. */
void rp_tf_done(struct rp_tfaults *t, uint32_t pid, uint64_t ts1)
{
	struct rp_tfault *s = &t->s[pid % RP_TF_SLOTS];

	if (s->pid == pid && s->ts1 == ts1)
		s->ts1 = 0;
}
