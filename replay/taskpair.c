/* SPDX-License-Identifier: MIT */
/*
 * Begin/end pairs of direct reclaim, node reclaim and compaction, per task.
 *
 * A direct reclaim or a sync compaction sleeps (throttling, lock waits,
 * cond_resched) and the scheduler may move the task to another cpu before
 * its END fires; meanwhile another task begins on the first cpu.  Pairing
 * by cpu then joins one task's BEGIN with another's END (a 6.3 s
 * "compaction" of kcompactd on a trace of this host), which is what made
 * the compaction fit explain nothing.  So pairs are kept per task.
 *
 * Records carry the process (tgid), not the thread, so two threads of one
 * process may be in reclaim at once.  An END or a work event of process P
 * on cpu C takes P's newest open pair that began on C (the thread did not
 * move), else P's only open pair (it moved); with several and none on C
 * it cannot be told which, and the event is left out.  A BEGIN whose END
 * was lost stays open until the table is full, when the oldest open pair
 * is dropped: the table is fixed (RP_OPEN_PAIRS), so no trace can make it
 * grow or slow down more than that.
 */
#include <string.h>
#include "replay_int.h"

struct rp_pair *rp_pair_begin(struct rp_pairs *ps, int kind,
			      const struct mmt_event *ev)
{
	struct rp_pair *p;

	if (ps->nr == RP_OPEN_PAIRS) {
		uint32_t old = 0;

		for (uint32_t i = 1; i < ps->nr; i++)
			if (ps->p[i].seq < ps->p[old].seq)
				old = i;
		rp_pair_close(ps, &ps->p[old]);
		ps->dropped++;
	}
	p = &ps->p[ps->nr++];
	memset(p, 0, sizeof(*p));
	p->seq = ++ps->seq;
	p->begin = ev->ts + 1;
	p->pid = ev->pid;
	p->cpu = ev->cpu;
	p->kind = (uint8_t)kind;
	return p;
}

struct rp_pair *rp_pair_find(struct rp_pairs *ps, int kind,
			     const struct mmt_event *ev)
{
	struct rp_pair *here = NULL, *any = NULL;
	uint32_t nr_any = 0;

	for (uint32_t i = 0; i < ps->nr; i++) {
		struct rp_pair *p = &ps->p[i];

		if (p->kind != kind || p->pid != ev->pid)
			continue;
		if (p->cpu == ev->cpu && (!here || p->seq > here->seq))
			here = p;
		any = p;
		nr_any++;
	}
	if (here)
		return here;
	return nr_any == 1 ? any : NULL;
}

void rp_pair_close(struct rp_pairs *ps, struct rp_pair *p)
{
	/* order in the table does not matter: seq says which is newer */
	*p = ps->p[--ps->nr];
}
