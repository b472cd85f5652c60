/* SPDX-License-Identifier: MIT */
/*
 * Call sites as stable ids: an address becomes FNV-1a 64 of
 * "symbol+0xoffset" (from /proc/kallsyms), which does not depend on KASLR,
 * so the same call site has the same id in every trace from the same
 * kernel build.  A small cache keeps the lookup off the hot path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "collector.h"

struct ksym {
	uint64_t addr;
	char *name;
};

#define CACHE_SIZE 65536	/* power of two */

struct coll_ksyms {
	struct ksym *v;
	size_t n;
	char *names;		/* one allocation for all names */
	uint64_t key;		/* random: hashes of non-symbols are not invertible */
	struct { uint64_t addr, hash; } cache[CACHE_SIZE];
	/* names written to the trace: a set of hashes (0 = empty slot) */
	struct mmt_writer *w;
	uint64_t *named;
	size_t named_cap, named_n;
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct coll_ksyms *coll_ksyms_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	struct coll_ksyms *k;
	size_t cap = 0, ncap = 0, nlen = 0;
	char line[512];

	if (!f)
		return NULL;
	k = calloc(1, sizeof(*k));
	if (!k) {
		fclose(f);
		return NULL;
	}
	if (getrandom(&k->key, sizeof(k->key), 0) != sizeof(k->key))
		k->key = coll_now_ns(1) * 0x9e3779b97f4a7c15ull;
	/* names stored as offsets first (the names buffer moves on realloc) */
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256];
		size_t l;

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (type != 't' && type != 'T' && type != 'W' && type != 'w')
			continue;
		l = strlen(name) + 1;
		if (k->n == cap) {
			cap = cap ? cap * 2 : 65536;
			struct ksym *v = realloc(k->v, cap * sizeof(*v));
			if (!v)
				break;
			k->v = v;
		}
		if (nlen + l > ncap) {
			ncap = ncap ? ncap * 2 : 1 << 20;
			char *nn = realloc(k->names, ncap);
			if (!nn)
				break;
			k->names = nn;
		}
		memcpy(k->names + nlen, name, l);
		k->v[k->n].addr = addr;
		k->v[k->n].name = (char *)(uintptr_t)nlen;
		k->n++;
		nlen += l;
	}
	fclose(f);
	for (size_t i = 0; i < k->n; i++)
		k->v[i].name = k->names + (uintptr_t)k->v[i].name;
	qsort(k->v, k->n, sizeof(*k->v), ksym_cmp);
	return k;
}

void coll_ksyms_free(struct coll_ksyms *k)
{
	if (!k)
		return;
	free(k->named);
	free(k->v);
	free(k->names);
	free(k);
}

uint64_t coll_site_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* splitmix64 finalizer over v ^ key: for addresses that are no symbol. */
uint64_t coll_keyed_hash(uint64_t key, uint64_t v)
{
	uint64_t z = v ^ key;

	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void coll_ksyms_name_into(struct coll_ksyms *k, struct mmt_writer *w)
{
	if (k)
		k->w = w;
}

/* Open addressing on the hash itself (already uniform). */
static int named_insert(struct coll_ksyms *k, uint64_t h)
{
	size_t i;

	if ((k->named_n + 1) * 2 > k->named_cap) {
		size_t cap = k->named_cap ? k->named_cap * 2 : 4096;
		uint64_t *v = calloc(cap, sizeof(*v)), *old = k->named;

		if (!v)
			return -1;
		for (size_t j = 0; j < k->named_cap; j++) {
			if (!old[j])
				continue;
			for (i = old[j] & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
				;
			v[i] = old[j];
		}
		free(old);
		k->named = v;
		k->named_cap = cap;
	}
	for (i = h & (k->named_cap - 1); k->named[i]; i = (i + 1) & (k->named_cap - 1))
		if (k->named[i] == h)
			return 0;
	k->named[i] = h;
	k->named_n++;
	return 1;
}

/* The first time a symbol's hash comes up, its name goes to the trace. */
static void name_once(struct coll_ksyms *k, uint64_t h, const char *name)
{
	if (k->w && h && named_insert(k, h) > 0)
		mmt_writer_add_sym(k->w, h, name);
}

uint64_t coll_ksyms_hash(struct coll_ksyms *k, uint64_t addr)
{
	size_t lo = 0, hi, slot;
	char buf[320];
	uint64_t h;

	if (!addr)
		return 0;
	if (!k || !k->n)
		return coll_keyed_hash(k ? k->key : 0x5bd1e995u, addr);
	slot = (size_t)(coll_keyed_hash(0, addr) & (CACHE_SIZE - 1));
	if (k->cache[slot].addr == addr)
		return k->cache[slot].hash;
	hi = k->n;
	while (hi - lo > 1) {		/* last symbol with v.addr <= addr */
		size_t mid = (lo + hi) / 2;

		if (k->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (k->v[lo].addr > addr || addr - k->v[lo].addr > (1u << 20))
		h = coll_keyed_hash(k->key, addr);
	else {
		snprintf(buf, sizeof(buf), "%s+0x%llx", k->v[lo].name,
			 (unsigned long long)(addr - k->v[lo].addr));
		h = coll_site_hash(buf);
		name_once(k, h, buf);
	}
	k->cache[slot].addr = addr;
	k->cache[slot].hash = h;
	return h;
}
