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
 */
#include <errno.h>
#include <sched.h>
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
