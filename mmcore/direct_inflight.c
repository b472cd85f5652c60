/* SPDX-License-Identifier: MIT */
/*
 * direct_inflight.c: the folios a direct reclaimer frees reach the free
 * lists over the time its reclaim takes, not all at once.
 *
 * The kernel's direct reclaimer frees each batch it reclaims at the end
 * of shrink_folio_list() and takes its own page only once
 * try_to_free_pages() has returned; for the length of the stall (0.42 ms
 * on average on the pressure traces of issue 10) other tasks allocating
 * on the other cpus find the zone still near its min mark and stall too,
 * and each counts allocstall.  The model's reclaim takes no time: a
 * stall's whole reclaim was free at once, and the allocations that
 * followed it passed (0.55x the kernel's allocstall under the defaults).
 *
 * Here a direct reclaim defers its frees (sc->defer_free): each folio is
 * due when the reclaim's scan and free work up to it has passed (struct
 * mmc_bg_costs, kswapd's rates, which the host fit gives).  The stalling
 * allocation takes them in the order they were reclaimed until it can be
 * served (direct_reclaim(), page_alloc.c: what it reclaimed is its own by
 * the time it allocates, less what others took); the rest reach the free
 * lists at mmc_tick() once due.  Until then they count as reclaimed, not
 * free, like kswapd's (zone->nr_kswapd_inflight).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "vmscan.h"

struct direct_folio {
	uint64_t due_ns;
	uint64_t pfn;
	unsigned order;
	int cpu;
};

/* The folios held, in the order reclaimed: [head, len) of f. */
struct direct_inflight {
	struct direct_folio *f;
	uint32_t head, len, cap;
};

void direct_defer_free(struct mmc *m, uint64_t pfn, unsigned order, int cpu,
		       uint64_t due_ns)
{
	struct direct_inflight *d = m->direct_inflight;

	if (!d || (d->len - d->head == d->cap && d->cap >= (1u << 24))) {
		free_reclaimed_pages(m, pfn, order, cpu);
		return;
	}
	if (d->len == d->cap && d->head) {
		/* reuse the front the stalling allocations took */
		memmove(d->f, d->f + d->head,
			(d->len - d->head) * sizeof(*d->f));
		d->len -= d->head;
		d->head = 0;
	}
	if (d->len == d->cap) {
		uint32_t cap = d->cap ? d->cap * 2 : 256;
		struct direct_folio *f = realloc(d->f, cap * sizeof(*f));

		if (!f) {
			free_reclaimed_pages(m, pfn, order, cpu);
			return;
		}
		d->f = f;
		d->cap = cap;
	}
	d->f[d->len++] = (struct direct_folio){ due_ns, pfn, order, cpu };
	zone_inflight_count(m, pfn, order, true);
}

static void release(struct mmc *m, const struct direct_folio *f)
{
	zone_inflight_count(m, f->pfn, f->order, false);
	free_reclaimed_pages(m, f->pfn, f->order, f->cpu);
}

bool direct_inflight_release_one(struct mmc *m)
{
	struct direct_inflight *d = m->direct_inflight;

	if (!d || d->head == d->len)
		return false;
	release(m, &d->f[d->head++]);
	if (d->head == d->len)
		d->head = d->len = 0;
	return true;
}

static bool due_by(const struct direct_folio *f, uint64_t upto_ns)
{
	return f->due_ns <= upto_ns;
}

static bool reclaimed_on(const struct direct_folio *f, uint64_t cpu)
{
	return f->cpu == (int)cpu;
}

/* Frees the held folios that match, keeping the others in order. */
static void release_if(struct mmc *m,
		       bool (*match)(const struct direct_folio *, uint64_t),
		       uint64_t arg)
{
	struct direct_inflight *d = m->direct_inflight;
	uint32_t kept = 0;

	/* nothing held: the common case, on every allocation */
	if (!d || d->head == d->len)
		return;
	for (uint32_t i = d->head; i < d->len; i++) {
		if (match(&d->f[i], arg))
			release(m, &d->f[i]);
		else
			d->f[kept++] = d->f[i];
	}
	d->head = 0;
	d->len = kept;
}

void direct_inflight_release(struct mmc *m, uint64_t upto_ns)
{
	release_if(m, due_by, upto_ns);
}

void direct_inflight_release_cpu(struct mmc *m, int cpu)
{
	release_if(m, reclaimed_on, (uint64_t)cpu);
}

int direct_inflight_init(struct mmc *m)
{
	m->direct_inflight = calloc(1, sizeof(struct direct_inflight));
	return m->direct_inflight ? 0 : -1;
}

void direct_inflight_destroy(struct mmc *m)
{
	struct direct_inflight *d = m->direct_inflight;

	if (d)
		free(d->f);
	free(d);
	m->direct_inflight = NULL;
}
