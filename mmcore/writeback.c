/* SPDX-License-Identifier: MIT */
/*
 * The flusher: which page-cache folios are dirty, and when they turn
 * clean (mm/page-writeback.c, fs/fs-writeback.c).
 *
 * Dirtying is the workload's: a caller that knows its writes (replay:
 * FILE_DIRTY events) marks a file LRU folio dirty, mmc_file_dirty(), as
 * folio_account_dirtied() does (nr_dirtied).  Cleaning is the kernel's
 * response, modelled here, oldest dirtied first, by:
 *  - wb_check_old_data_flush(): every dirty_writeback_centisecs, folios
 *    dirty for longer than dirty_expire_centisecs (for_kupdate);
 *  - wb_check_background_flush(): while the dirty pages are over the
 *    background threshold (wb_over_bg_thresh(), domain_dirty_limits():
 *    dirty_background_bytes, else dirty_background_ratio of
 *    global_dirtyable_memory()), down to it;
 *  - wakeup_flusher_threads(WB_REASON_VMSCAN), which shrink_inactive_list()
 *    calls when every folio it isolated was dirty: every dirty folio.
 * Writeback is taken to complete at the next tick: no PG_writeback
 * state, no disk bandwidth.  A folio reclaim met dirty was activated
 * with PG_reclaim; when written it goes to the inactive list's tail
 * (folio_end_writeback() -> folio_rotate_reclaimable(): pgrotated), so
 * reclaim takes it next.  Written pages count nr_written.
 * Left out: balance_dirty_pages() (the trace's writes come when the
 * kernel let the writer go on), per-bdi and per-memcg limits, inode
 * granularity (the kernel expires whole inodes by their dirtied_when;
 * here each folio by its own time), laptop_mode.
 */
#include <stdlib.h>
#include "internal.h"

struct wb_entry {
	uint64_t pfn;		/* folio head when dirtied */
	uint64_t dirtied_ns;
};

/* Folios in the order they were dirtied.  An entry goes stale when its
 * folio is cleaned some other way, freed or migrated (the folio's dirty
 * mark, not the entry, says whether it is dirty). */
struct writeback {
	struct wb_entry *e;
	uint32_t cap, head, len;
	uint64_t next_kupdate_ns;	/* the next periodic wb_workfn() */
	bool vmscan_wake;		/* wakeup_flusher_threads() pending */
};

#define CENTISEC_NS 10000000ull
#define PAGE_SIZE_B (1ull << PAGE_SHIFT)

int writeback_init(struct mmc *m)
{
	m->writeback = calloc(1, sizeof(struct writeback));
	return m->writeback ? 0 : -1;
}

void writeback_destroy(struct mmc *m)
{
	struct writeback *wb = m->writeback;

	if (!wb)
		return;
	free(wb->e);
	free(wb);
	m->writeback = NULL;
}

static int wb_push(struct writeback *wb, uint64_t pfn, uint64_t t)
{
	if (wb->len == wb->cap) {
		uint32_t ncap = wb->cap < 256 ? 256 : wb->cap + wb->cap / 2;
		struct wb_entry *ne;

		if (ncap <= wb->cap)
			return -1;
		ne = malloc((size_t)ncap * sizeof(*ne));
		if (!ne)
			return -1;
		for (uint32_t i = 0; i < wb->len; i++)
			ne[i] = wb->e[(wb->head + i) % wb->cap];
		free(wb->e);
		wb->e = ne;
		wb->cap = ncap;
		wb->head = 0;
	}
	wb->e[(wb->head + wb->len) % wb->cap] = (struct wb_entry){ pfn, t };
	wb->len++;
	return 0;
}

static void wb_pop(struct writeback *wb)
{
	wb->head = wb->head + 1 == wb->cap ? 0 : wb->head + 1;
	wb->len--;
}

void writeback_track(struct mmc *m, uint64_t pfn)
{
	/* Out of memory: the folio stays dirty until background or vmscan
	 * writeback takes it, never by age. */
	(void)wb_push(m->writeback, pfn, m->now_ns);
}

void mmc_file_dirty(struct mmc *m, uint64_t pfn)
{
	uint64_t head, nr = lru_set_dirty(m, pfn, true, &head);

	if (!nr)
		return;		/* not a file LRU folio, or already dirty */
	count_vm_events(m, MMC_NR_DIRTIED, nr);
	writeback_track(m, head);
}

/* totalreserve_pages (calculate_totalreserve_pages()): per zone its
 * largest lowmem_reserve and its high mark, at most its managed pages. */
static uint64_t totalreserve_pages(const struct mmc *m)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < m->nr_zones; i++) {
		const struct mmc_zone *z = m->zones[i];
		uint64_t max = 0;

		for (int j = 0; j < MMC_NR_ZONE_TYPES; j++)
			if (z->lowmem_reserve[j] > max)
				max = z->lowmem_reserve[j];
		max += z->_watermark[WMARK_HIGH];
		sum += max < z->managed ? max : z->managed;
	}
	return sum;
}

/* global_dirtyable_memory(): free pages above the reserves, and the file
 * LRU pages. */
static uint64_t dirtyable_pages(struct mmc *m)
{
	uint64_t free = 0, reserve = totalreserve_pages(m), file = 0;

	for (uint32_t i = 0; i < m->nr_zones; i++)
		free += zone_page_state_free(m->zones[i]);
	free -= free < reserve ? free : reserve;
	for (uint32_t nid = 0; nid < m->nr_nodes; nid++)
		file += lru_pages(m, (int)nid, true, false) +
			lru_pages(m, (int)nid, true, true);
	return free + file;
}

/* domain_dirty_limits(): the background threshold in pages. */
static uint64_t background_thresh(struct mmc *m)
{
	const struct mmc_policy *p = &m->policy;
	uint64_t avail = dirtyable_pages(m), bg, thresh;

	if (p->dirty_bytes > 0)
		thresh = ((uint64_t)p->dirty_bytes + PAGE_SIZE_B - 1) / PAGE_SIZE_B;
	else
		thresh = (uint64_t)p->dirty_ratio * avail / 100;
	if (p->dirty_background_bytes > 0)
		bg = ((uint64_t)p->dirty_background_bytes + PAGE_SIZE_B - 1) /
		     PAGE_SIZE_B;
	else
		bg = (uint64_t)p->dirty_background_ratio * avail / 100;
	if (bg >= thresh)
		bg = thresh / 2;
	return bg;
}

/* Writes the oldest dirty folios: all of them (limit UINT64_MAX, the
 * vmscan wake), those dirtied before `before`, or until the dirty pages
 * are at most `target`. */
static void wb_write(struct mmc *m, uint64_t before, uint64_t target)
{
	struct writeback *wb = m->writeback;

	while (wb->len) {
		const struct wb_entry *e = &wb->e[wb->head];

		if (e->dirtied_ns >= before && lru_nr_dirty(m) <= target)
			break;
		uint64_t nr = lru_folio_written(m, e->pfn);

		count_vm_events(m, MMC_NR_WRITTEN, nr);
		wb_pop(wb);
	}
}

void writeback_tick(struct mmc *m, uint64_t now_ns)
{
	struct writeback *wb = m->writeback;
	const struct mmc_policy *p = &m->policy;

	if (!wb->len) {
		wb->vmscan_wake = false;
		return;
	}
	if (wb->vmscan_wake) {
		wb->vmscan_wake = false;
		wb_write(m, UINT64_MAX, 0);
		return;
	}
	uint64_t bg = background_thresh(m);
	if (lru_nr_dirty(m) > bg)
		wb_write(m, 0, bg);
	if (!p->dirty_writeback_centisecs)
		return;		/* periodic writeback off */
	if (now_ns < wb->next_kupdate_ns)
		return;
	wb->next_kupdate_ns = now_ns + (uint64_t)p->dirty_writeback_centisecs *
					CENTISEC_NS;
	uint64_t expire = (uint64_t)p->dirty_expire_centisecs * CENTISEC_NS;
	if (now_ns > expire)
		wb_write(m, now_ns - expire, UINT64_MAX);
}

void wakeup_flusher_threads(struct mmc *m)
{
	struct writeback *wb = m->writeback;

	wb->vmscan_wake = true;
}
