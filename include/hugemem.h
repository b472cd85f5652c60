/* SPDX-License-Identifier: MIT */
/*
 * Large arrays that get written all over (a snapshot's decoded runs, the
 * model's page states, an LRU ring): calloc, then transparent huge pages
 * asked for on the 2 MiB aligned part, before anything touches it.  Each
 * first touch of a 4 KiB page is a page fault, and in a VM those were a
 * tenth of a replay's time; one fault per 2 MiB instead.  The block stays
 * calloc's (free() releases it); on reused heap memory calloc has already
 * written it and the advice changes nothing.  Not for sparse arrays: there
 * a touch would cost 2 MiB of memory instead of 4 KiB.
 */
#ifndef MMT_HUGEMEM_H
#define MMT_HUGEMEM_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGEMEM_PAGE ((uintptr_t)2 << 20)	/* x86-64, arm64 at 4 KiB */

/* Advice only: a kernel without transparent huge pages says no, and the
 * array works the same. */
static inline void hugemem_advise(void *p, size_t len)
{
	uintptr_t lo = ((uintptr_t)p + HUGEMEM_PAGE - 1) & ~(HUGEMEM_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + len) & ~(HUGEMEM_PAGE - 1);

	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

static inline void *hugemem_calloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	/* calloc refused a product that overflows: p says it did not */
	if (p)
		hugemem_advise(p, n * sz);
	return p;
}

static inline void *hugemem_malloc(size_t len)
{
	void *p = malloc(len);

	if (p)
		hugemem_advise(p, len);
	return p;
}

/* One zeroed block of HUGEMEM_PAGE bytes on a HUGEMEM_PAGE boundary (a
 * single huge page when the kernel has one), for a pool of objects that
 * each took several 4 KiB faults and a calloc's memset: from mmap, so it
 * is zero pages until touched whatever the heap holds.  NULL when
 * refused; released with hugemem_page_free(). */
static inline void *hugemem_page_alloc(void)
{
	size_t len = 2 * HUGEMEM_PAGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t at;

	if (p == MAP_FAILED)
		return NULL;
	at = ((uintptr_t)p + HUGEMEM_PAGE - 1) & ~(HUGEMEM_PAGE - 1);
	if (at > (uintptr_t)p)
		munmap(p, at - (uintptr_t)p);
	/* the rest past the aligned block: never empty (at < p + 2 MiB) */
	munmap((char *)at + HUGEMEM_PAGE,
	       (uintptr_t)p + len - at - HUGEMEM_PAGE);
	hugemem_advise((void *)at, HUGEMEM_PAGE);
	return (void *)at;
}

static inline void hugemem_page_free(void *p)
{
	if (p)
		munmap(p, HUGEMEM_PAGE);
}

#endif
