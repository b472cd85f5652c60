/* SPDX-License-Identifier: MIT */
/*
 * fault.c: per-process address space view, first touch, refault, THP at
 * fault time.  Owned by the slab helper.  This is the compiling STUB the
 * mmcore helper landed: every fault fails.
 */
#include "internal.h"

int fault_init(struct mmc *m)
{
	(void)m;
	return 0;
}

void fault_destroy(struct mmc *m)
{
	(void)m;
}

int mmc_fault(struct mmc *m, uint32_t pid, uint64_t addr, unsigned flags,
	      int cpu, struct mmc_result *res)
{
	(void)m;
	(void)pid;
	(void)addr;
	(void)flags;
	(void)cpu;
	(void)res;
	return -1;
}

void mmc_process_exit(struct mmc *m, uint32_t pid)
{
	(void)m;
	(void)pid;
}
