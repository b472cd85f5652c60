/* SPDX-License-Identifier: MIT */
/*
 * How the recorder keeps up under memory pressure: its consumer thread
 * runs SCHED_FIFO and its memory is locked.
 *
 * Measured on the 2-core development VM (collector/README.md): with the
 * host shrunk to 1.8 GiB available and a streaming/rewriting/THP workload,
 * a normal-priority consumer was runnable all the time yet got about 8% of
 * a CPU (the workload's processes, kswapd, kcompactd and other sessions'
 * autogroups share the two CPUs), fell seconds behind and the rings lost
 * 16-30% of the events; at SCHED_FIFO 1 it lost none.  perf record -r
 * and trace-cmd record -r offer the same for the same reason.
 * SCHED_RESET_ON_FORK: CMD and every thread the recorder starts get
 * normal scheduling back (the snapshot thread raises itself: its walk of
 * the free lists must be one short moment, and its page-flag scan short).
 *
 * mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT): under pressure the
 * kernel evicts file pages, the recorder's own code and libraries
 * included, and a major fault in the consumer stalls it on the disk; with
 * the pages locked it never waits for reclaim to bring them back.
 * MCL_ONFAULT: nothing is populated before it is used.
 *
 * The free-list walk of a snapshot reads every list without zone->lock
 * (collector/mmtrace.bpf.c), 10-30 ms for all of them; whatever the other
 * CPUs allocate and free meanwhile makes the lists disagree with the one
 * moment the snapshot stands for (on a busy 2-CPU host the end snapshot's
 * free-block orders then disagreed with mirror replay on 0.2-1.7% of the
 * free pages).  So the walk runs on another CPU (BPF_F_TEST_RUN_ON_CPU:
 * an IPI, interrupts off there, and the kernel enters no zone->lock
 * section with interrupts on, so no list is half-changed) while this
 * thread, pinned, waits for it in smp_call_function_single() with
 * preemption off: on two CPUs only interrupts on this one run meanwhile.
 * With more CPUs the others still run (the walk is as before there).
 */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include "collector.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

int coll_sched_rt(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp);
}

int coll_sched_normal(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	return sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp);
}

int coll_lock_memory(void)
{
	if (!mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		return 0;
	/* kernels before 4.4 know no MCL_ONFAULT */
	return errno == EINVAL ? mlockall(MCL_CURRENT) : -1;
}

int coll_pin_other_cpu(struct coll_pin *p)
{
	cpu_set_t *all = (cpu_set_t *)p->mask, one;
	int me = sched_getcpu(), other = -1;

	p->saved = 0;
	if (me < 0 || sizeof(p->mask) < sizeof(cpu_set_t) ||
	    sched_getaffinity(0, sizeof(cpu_set_t), all))
		return -1;
	for (int c = 0; c < CPU_SETSIZE && other < 0; c++)
		if (c != me && CPU_ISSET(c, all))
			other = c;
	if (other < 0)
		return -1;
	CPU_ZERO(&one);
	CPU_SET(me, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return -1;
	p->saved = 1;		/* sched_setaffinity() moved us to `me` */
	return other;
}

void coll_unpin(struct coll_pin *p)
{
	if (p->saved)
		sched_setaffinity(0, sizeof(cpu_set_t), (cpu_set_t *)p->mask);
	p->saved = 0;
}
