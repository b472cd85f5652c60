/* SPDX-License-Identifier: MIT */
/*
 * u64 -> u64 hash map for replay's real -> simulated translations (page
 * frames, reverse frames, fault addresses).  Open addressing with linear
 * probing and backward-shift deletion: no tombstones, so a long replay with
 * millions of alloc/free pairs keeps probe chains short.  Iteration order is
 * never used for output, which keeps results independent of table size.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "replay_int.h"
#include "hugemem.h"

/* An empty slot holds key 0, so a new table is calloc'ed (its pages cost
 * nothing until touched); key 0 itself lives beside the table. */
#define MAP_EMPTY 0

static void *pmap_zalloc(uint64_t n, size_t sz, int huge);
static void pmap_zfree(void *v, uint64_t n, size_t sz);

static int map_alloc(struct rp_map *m, uint64_t cap)
{
	m->slots = pmap_zalloc(cap, sizeof(*m->slots), 1);
	if (!m->slots)
		return -1;
	m->cap = cap;
	m->len = 0;
	m->has_zero = 0;
	m->zero_val = 0;
	return 0;
}

/* At most 4096 slots (64 KiB) to start, more by growing: from 128 KiB an
 * allocation is a mapping of its own, for glibc (below its grown mmap
 * threshold) and ASan alike, faulted in, its shadow written and unmapped
 * again each replay (six or seven tables a run of fuzz_replay). */
#define MAP_INIT_MAX 4096

int rp_map_init(struct rp_map *m, uint64_t hint)
{
	uint64_t cap = 1024;

	while (cap < hint * 2 && cap < MAP_INIT_MAX)
		cap <<= 1;
	return map_alloc(m, cap);
}

void rp_map_free(struct rp_map *m)
{
	pmap_zfree(m->slots, m->cap, sizeof(*m->slots));
	memset(m, 0, sizeof(*m));
}

static struct rp_slot *map_find(const struct rp_map *m, uint64_t key)
{
	uint64_t mask = m->cap - 1;
	uint64_t i = rp_map_hash(key) & mask;

	for (;;) {
		struct rp_slot *s = &m->slots[i];

		if (s->key == key)
			return s;
		if (s->key == MAP_EMPTY)
			return NULL;
		i = (i + 1) & mask;
	}
}

void rp_map_each(struct rp_map *m, void (*fn)(void *ctx, uint64_t key,
					     uint64_t *val), void *ctx)
{
	for (uint64_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != MAP_EMPTY)
			fn(ctx, m->slots[i].key, &m->slots[i].val);
	if (m->has_zero)
		fn(ctx, MAP_EMPTY, &m->zero_val);
}

int rp_map_get(const struct rp_map *m, uint64_t key, uint64_t *val)
{
	struct rp_slot *s;

	if (key == MAP_EMPTY) {
		*val = m->zero_val;
		return m->has_zero;
	}
	s = map_find(m, key);

	if (!s)
		return 0;
	*val = s->val;
	return 1;
}

/* The table at cap slots (a power of two, larger than m's). */
static int map_rehash(struct rp_map *m, uint64_t cap)
{
	struct rp_map n;

	if (map_alloc(&n, cap) < 0)
		return -1;
	for (uint64_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != MAP_EMPTY &&
		    rp_map_put(&n, m->slots[i].key, m->slots[i].val) < 0) {
			pmap_zfree(n.slots, n.cap, sizeof(*n.slots));
			return -1;
		}
	pmap_zfree(m->slots, m->cap, sizeof(*m->slots));
	n.has_zero = m->has_zero;
	n.zero_val = m->zero_val;
	n.len += m->has_zero;
	*m = n;
	return 0;
}

static int map_grow(struct rp_map *m)
{
	return map_rehash(m, m->cap * 2);
}

/* Room for n keys without growing (one table instead of a series of
 * doublings, each rehashing every key): for a map whose size a pre-pass
 * knows a bound of.  -1 when out of memory, the map unchanged. */
int rp_map_reserve(struct rp_map *m, uint64_t n)
{
	uint64_t cap = m->cap;

	while (n * 4 > cap * 3 && cap < (1ull << 40))
		cap <<= 1;
	return cap > m->cap ? map_rehash(m, cap) : 0;
}

int rp_map_put(struct rp_map *m, uint64_t key, uint64_t val)
{
	uint64_t old;

	return rp_map_swap(m, key, val, &old) < 0 ? -1 : 0;
}

/* Put, returning 1 and the previous value in *old when the key was there
 * (one probe sequence instead of a get and a put). */
int rp_map_swap(struct rp_map *m, uint64_t key, uint64_t val, uint64_t *old)
{
	uint64_t mask, i;

	if (key == MAP_EMPTY) {
		int had = m->has_zero;

		*old = m->zero_val;
		m->zero_val = val;
		m->has_zero = 1;
		m->len += !had;
		return had;
	}
	if ((m->len + 1) * 4 > m->cap * 3 && map_grow(m) < 0)
		return -1;
	mask = m->cap - 1;
	i = rp_map_hash(key) & mask;
	for (;;) {
		struct rp_slot *s = &m->slots[i];

		if (s->key == key) {
			*old = s->val;
			s->val = val;
			return 1;
		}
		if (s->key == MAP_EMPTY) {
			s->key = key;
			s->val = val;
			m->len++;
			return 0;
		}
		i = (i + 1) & mask;
	}
}

int rp_map_del(struct rp_map *m, uint64_t key)
{
	uint64_t v;

	return rp_map_take(m, key, &v);
}

/* Get and delete in one probe sequence: 1 and *val when found. */
int rp_map_take(struct rp_map *m, uint64_t key, uint64_t *val)
{
	uint64_t mask = m->cap - 1;
	struct rp_slot *s;
	uint64_t hole, j;

	if (key == MAP_EMPTY) {
		if (!m->has_zero)
			return 0;
		*val = m->zero_val;
		m->has_zero = 0;
		m->len--;
		return 1;
	}
	s = map_find(m, key);
	if (!s)
		return 0;
	*val = s->val;
	hole = (uint64_t)(s - m->slots);
	j = hole;
	/* Backward shift: move later members of the cluster into the hole
	 * when their home slot is not between the hole and themselves. */
	for (;;) {
		uint64_t home;

		j = (j + 1) & mask;
		if (m->slots[j].key == MAP_EMPTY)
			break;
		home = rp_map_hash(m->slots[j].key) & mask;
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			m->slots[hole] = m->slots[j];
			hole = j;
		}
	}
	m->slots[hole].key = MAP_EMPTY;
	m->len--;
	return 1;
}

/* ---- pfn maps: a dense array over a pfn range, a hash outside it ------
 * Page frame numbers are dense and allocations come in runs (pcp batches,
 * readahead), so an array indexed by pfn is far cheaper than hashing.  The
 * array is zero pages until touched: pages of it never touched cost no
 * memory. */

#define PMAP_DENSE_MAX (1ull << 26)	/* 64 Mi pfns: a 256 GiB range */
#define PMAP_MMAP_MIN (1u << 20)	/* bytes */
#define PMAP_CHUNK 1024			/* v32 slots a bit of `used`: 4 KiB */

/* Of a reservation at p of len + 2 * pg + HUGEMEM_PAGE bytes, the
 * len + 2 * pg whose first guard page ends on a HUGEMEM_PAGE boundary;
 * the rest unmapped.
 * Only an aligned 2 MiB range can be a huge page: a table of a few MiB at
 * the kernel's 4 KiB alignment got few or none. */
static char *huge_trim(char *p, size_t len, size_t pg)
{
	uintptr_t at = ((uintptr_t)p + pg + HUGEMEM_PAGE - 1) &
		       ~(uintptr_t)(HUGEMEM_PAGE - 1);
	char *start = (char *)(at - pg);
	size_t head = (size_t)(start - p);

	if (head)
		munmap(p, head);
	munmap(start + len + 2 * pg, HUGEMEM_PAGE - head);	/* head < 2 MiB */
	return start;
}

/* A zeroed array of n elements of size sz.  From 1 MiB on an anonymous
 * mapping between two inaccessible guard pages: a range of a sparse host
 * is mostly never touched, and calloc gives no such promise (glibc's heap
 * clears all of it once its mmap threshold has grown past the size; ASan
 * writes the shadow of all of it, size / 8 bytes, a 256 MB array 32 MB:
 * fuzz_replay's sparse hosts spent most of their time there).  The guard
 * pages fault on an index just outside, as ASan's redzones would.
 * huge: an array that will be touched all over (a hash table) goes on
 * transparent huge pages from 2 MiB on, a page fault per 2 MiB instead of
 * per 4 KiB (faults were a tenth of a replay's time, in a VM); not a
 * sparse one, where a touch would cost 2 MiB. */
static void *pmap_zalloc(uint64_t n, size_t sz, int huge)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), len;
	char *p;

	if (n * sz < PMAP_MMAP_MIN)
		return calloc(n, sz);
	huge = huge && n * sz >= HUGEMEM_PAGE;
	len = (n * sz + pg - 1) / pg * pg;
	p = mmap(NULL, len + 2 * pg + (huge ? HUGEMEM_PAGE : 0), PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (huge)
		p = huge_trim(p, len, pg);
	if (mprotect(p + pg, len, PROT_READ | PROT_WRITE) < 0) {
		munmap(p, len + 2 * pg);
		return NULL;
	}
	if (huge)
		hugemem_advise(p + pg, len);
	return p + pg;
}

static void pmap_zfree(void *v, uint64_t n, size_t sz)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	if (!v || n * sz < PMAP_MMAP_MIN) {
		free(v);
		return;
	}
	munmap((char *)v - pg, (n * sz + pg - 1) / pg * pg + 2 * pg);
}

int rp_pmap_init(struct rp_pmap *m, uint64_t base, uint64_t end)
{
	memset(m, 0, sizeof(*m));
	if (end > base && end - base <= PMAP_DENSE_MAX) {
		uint64_t n = end - base;

		m->v32 = pmap_zalloc(n, sizeof(*m->v32), 0);
		m->used = calloc((n / PMAP_CHUNK + 63) / 64 + 1,
				 sizeof(*m->used));
		if (m->v32 && m->used) {
			m->base = base;
			m->n = n;
		} else {
			pmap_zfree(m->v32, n, sizeof(*m->v32));
			free(m->used);
			m->v32 = NULL;
			m->used = NULL;
		}
	}
	return rp_map_init(&m->h, 1 << 12);
}

/* Every key gone, the dense array kept (its pages stay faulted in): the
 * chunks ever written are cleared, the rest are zero still.  A widened
 * array is allocated afresh (its chunks are not tracked).  0, or -1 out
 * of memory (m then empty, as after rp_pmap_free()). */
int rp_pmap_clear(struct rp_pmap *m)
{
	uint64_t base = m->base, n = m->n;

	if (!m->v32) {
		rp_pmap_free(m);
		return rp_pmap_init(m, base, base + n);
	}
	for (uint64_t c = 0; c * PMAP_CHUNK < n; c++) {
		uint64_t at = c * PMAP_CHUNK;
		uint64_t len = n - at < PMAP_CHUNK ? n - at : PMAP_CHUNK;

		if (m->used[c / 64] >> (c % 64) & 1)
			memset(m->v32 + at, 0, len * sizeof(*m->v32));
	}
	memset(m->used, 0, ((n / PMAP_CHUNK + 63) / 64 + 1) * sizeof(*m->used));
	rp_map_free(&m->h);
	return rp_map_init(&m->h, 1 << 12);
}

void rp_pmap_free(struct rp_pmap *m)
{
	free(m->used);
	pmap_zfree(m->v32, m->n, sizeof(*m->v32));
	pmap_zfree(m->v, m->n, sizeof(*m->v));
	rp_map_free(&m->h);
	memset(m, 0, sizeof(*m));
}

/* A value too wide for 32 bits: move the array to 64-bit slots, once.
 * The new array is zero pages too and only the slots in use are written:
 * copying every slot made all of a 64 Mi-pfn range resident (a 1.4 KB
 * trace with a zone at pfn 2^24 and one page freed nowhere took 285 MB,
 * fuzz_replay).  Only the chunks of v32 ever written are read: reading
 * the others made them resident too (Linux 6.18: a read of a never
 * written anonymous page costs a page, 128 MiB for 32 Mi slots in
 * test_replay_map).  Out of memory: -1, the map unchanged. */
static int pmap_widen(struct rp_pmap *m)
{
	uint64_t *v = pmap_zalloc(m->n, sizeof(*v), 0);

	if (!v)
		return -1;
	for (uint64_t c = 0; c * PMAP_CHUNK < m->n; c++) {
		uint64_t end = (c + 1) * PMAP_CHUNK;

		if (!(m->used[c / 64] >> (c % 64) & 1))
			continue;
		for (uint64_t i = c * PMAP_CHUNK; i < end && i < m->n; i++)
			if (m->v32[i])
				v[i] = m->v32[i];
	}
	pmap_zfree(m->v32, m->n, sizeof(*m->v32));
	m->v32 = NULL;
	m->v = v;
	return 0;
}

static int pmap_in(const struct rp_pmap *m, uint64_t key)
{
	return key - m->base < m->n;
}

/* Stored form of slot i: value + 1, 0 when absent. */
static uint64_t pmap_load(const struct rp_pmap *m, uint64_t i)
{
	return m->v32 ? m->v32[i] : m->v[i];
}

int rp_pmap_get(const struct rp_pmap *m, uint64_t key, uint64_t *val)
{
	uint64_t s;

	if (!pmap_in(m, key))
		return rp_map_get(&m->h, key, val);
	s = pmap_load(m, key - m->base);
	if (!s)
		return 0;
	*val = s - 1;
	return 1;
}

int rp_pmap_swap(struct rp_pmap *m, uint64_t key, uint64_t val, uint64_t *old)
{
	uint64_t i = key - m->base, s;

	if (!pmap_in(m, key))
		return rp_map_swap(&m->h, key, val, old);
	s = pmap_load(m, i);
	if (m->v32 && val >= UINT32_MAX && pmap_widen(m) < 0)
		return -1;
	if (s)
		*old = s - 1;
	if (m->v32) {
		m->v32[i] = (uint32_t)(val + 1);
		m->used[i / PMAP_CHUNK / 64] |= 1ull << (i / PMAP_CHUNK % 64);
	} else {
		m->v[i] = val + 1;
	}
	return s != 0;
}

int rp_pmap_put(struct rp_pmap *m, uint64_t key, uint64_t val)
{
	uint64_t old;

	return rp_pmap_swap(m, key, val, &old) < 0 ? -1 : 0;
}

int rp_pmap_take(struct rp_pmap *m, uint64_t key, uint64_t *val)
{
	uint64_t i = key - m->base, s;

	if (!pmap_in(m, key))
		return rp_map_take(&m->h, key, val);
	s = pmap_load(m, i);
	if (!s)
		return 0;
	*val = s - 1;
	if (m->v32)
		m->v32[i] = 0;
	else
		m->v[i] = 0;
	return 1;
}

int rp_pmap_del(struct rp_pmap *m, uint64_t key)
{
	uint64_t v;

	return rp_pmap_take(m, key, &v);
}
