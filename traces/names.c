/* SPDX-License-Identifier: MIT */
/*
 * The names table of a trace: call sites as "symbol+0xoffset" and the
 * command of each process, so that analyses can name what the events only
 * number (FORMAT.md "NAMES").  The writer gathers new names and writes
 * them as a NAMES section ahead of the event block that first uses them;
 * the reader merges every section into two sorted arrays.
 *
 * Every length and count read is bounded by the payload it comes from and
 * by MMT_MAX_NAMES_TOTAL over all sections; names are sanitized on load
 * (control bytes become '?') so no consumer prints terminal escapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"

/* ---- writer side ----------------------------------------------------------- */

/* Appends a length-prefixed string cut to max bytes; 0 when empty. */
static size_t put_name(struct mmt_buf *b, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n) {
		mmt_buf_uv(b, n);
		mmt_buf_put(b, s, n);
	}
	return n;
}

int mmt_names_pend_sym(struct mmt_names_pend *p, uint64_t site,
		       const char *name)
{
	uint8_t le[8];

	if (!name || !name[0])
		return 0;
	mmt_put_le64(le, site);
	mmt_buf_put(&p->syms, le, sizeof(le));
	put_name(&p->syms, name, MMT_SYM_MAX);
	p->nsyms++;
	return p->syms.oom ? -1 : 0;
}

int mmt_names_pend_comm(struct mmt_names_pend *p, uint32_t pid, uint64_t ts,
			const char *comm)
{
	if (!comm || !comm[0])
		return 0;
	mmt_buf_uv(&p->comms, pid);
	mmt_buf_uv(&p->comms, ts);
	put_name(&p->comms, comm, MMT_COMM_MAX);
	p->ncomms++;
	return p->comms.oom ? -1 : 0;
}

void mmt_names_pend_take(struct mmt_names_pend *p, struct mmt_buf *b)
{
	mmt_buf_uv(b, p->nsyms);
	mmt_buf_put(b, p->syms.p, p->syms.len);
	mmt_buf_uv(b, p->ncomms);
	mmt_buf_put(b, p->comms.p, p->comms.len);
	p->syms.len = p->comms.len = 0;
	p->nsyms = p->ncomms = 0;
}

void mmt_names_pend_free(struct mmt_names_pend *p)
{
	mmt_buf_free(&p->syms);
	mmt_buf_free(&p->comms);
	memset(p, 0, sizeof(*p));
}

/* ---- reader side ----------------------------------------------------------- */

/* While building, names are offsets into the arena (it moves as it grows). */
struct ent_sym {
	uint64_t site;
	uint64_t name;
	uint64_t seq;		/* order of appearance: the first name wins */
};

struct ent_comm {
	uint32_t pid;
	uint64_t ts;
	uint64_t name;
	uint64_t seq;
};

struct mmt_names_build {
	struct ent_sym *syms;
	uint64_t nsyms, csyms;
	struct ent_comm *comms;
	uint64_t ncomms, ccomms;
	char *arena;
	uint64_t alen, acap;
	uint64_t raw_total;
};

struct mmt_names_build *mmt_names_build_new(void)
{
	return calloc(1, sizeof(struct mmt_names_build));
}

void mmt_names_build_free(struct mmt_names_build *b)
{
	if (!b)
		return;
	free(b->syms);
	free(b->comms);
	free(b->arena);
	free(b);
}

static int grow(void **p, uint64_t *cap, uint64_t need, size_t elem)
{
	uint64_t c = *cap ? *cap : 64;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* Copies a string of 1..max bytes into the arena, sanitized; its offset
 * in *off.  -1 with a reason when it is empty, too long, or cut. */
static int take_name(struct mmt_names_build *b, struct mmt_cur *c, size_t max,
		     uint64_t *off, const char *what, uint64_t i, char *why,
		     size_t whylen)
{
	uint64_t n = mmt_cur_uv(c);

	if (!c->bad && (!n || n > max)) {
		snprintf(why, whylen, "%s %llu: name of %llu bytes (1..%zu)", what,
			 (unsigned long long)i, (unsigned long long)n, max);
		return -1;
	}
	if (c->bad || n > (uint64_t)(c->end - c->p)) {
		snprintf(why, whylen, "%s %llu: name runs past the section", what,
			 (unsigned long long)i);
		return -1;
	}
	if (grow((void **)&b->arena, &b->acap, b->alen + n + 1, 1)) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (uint64_t k = 0; k < n; k++) {
		uint8_t ch = c->p[k];

		b->arena[b->alen + k] = (char)(ch < 0x20 || ch == 0x7f ? '?' : ch);
	}
	b->arena[b->alen + n] = 0;
	*off = b->alen;
	b->alen += n + 1;
	c->p += n;
	return 0;
}

int mmt_names_build_add(struct mmt_names_build *b, const uint8_t *raw,
			size_t len, char *why, size_t whylen)
{
	struct mmt_cur c = { raw, raw + len, 0 };
	uint64_t n;

	b->raw_total += len;
	if (len > MMT_MAX_NAMES_RAW || b->raw_total > MMT_MAX_NAMES_TOTAL) {
		snprintf(why, whylen, "names exceed %llu MiB",
			 (unsigned long long)(len > MMT_MAX_NAMES_RAW ?
			  MMT_MAX_NAMES_RAW : MMT_MAX_NAMES_TOTAL) >> 20);
		return -1;
	}
	n = mmt_cur_count(&c, 10);	/* 8 bytes of site, length, a byte */
	if (c.bad) {
		snprintf(why, whylen, "symbol count larger than the section");
		return -1;
	}
	if (grow((void **)&b->syms, &b->csyms, b->nsyms + n, sizeof(*b->syms))) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (uint64_t i = 0; i < n; i++) {
		struct ent_sym *e = &b->syms[b->nsyms];

		if (c.end - c.p < 8) {
			snprintf(why, whylen, "symbol %llu: cut", (unsigned long long)i);
			return -1;
		}
		e->site = mmt_le64(c.p);
		c.p += 8;
		if (take_name(b, &c, MMT_SYM_MAX, &e->name, "symbol", i, why, whylen))
			return -1;
		e->seq = b->nsyms++;
	}
	n = mmt_cur_count(&c, 3);	/* pid, ts, length: a byte each at least */
	if (c.bad) {
		snprintf(why, whylen, "process count larger than the section");
		return -1;
	}
	if (grow((void **)&b->comms, &b->ccomms, b->ncomms + n, sizeof(*b->comms))) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (uint64_t i = 0; i < n; i++) {
		struct ent_comm *e = &b->comms[b->ncomms];
		uint64_t pid = mmt_cur_uv(&c);

		e->ts = mmt_cur_uv(&c);
		if (c.bad || pid > UINT32_MAX) {
			snprintf(why, whylen, "process %llu: %s", (unsigned long long)i,
				 c.bad ? "cut" : "pid out of range");
			return -1;
		}
		e->pid = (uint32_t)pid;
		if (take_name(b, &c, MMT_COMM_MAX, &e->name, "process", i, why, whylen))
			return -1;
		e->seq = b->ncomms++;
	}
	/* Anything after the two lists is a later addition: ignored. */
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct ent_sym *x = a, *y = b;

	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int comm_cmp(const void *a, const void *b)
{
	const struct ent_comm *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int mmt_names_build_finish(struct mmt_names_build *b, struct mmt_names *out)
{
	uint64_t k = 0;

	if (b->nsyms)	/* NULL arrays when empty: qsort's pointer is nonnull */
		qsort(b->syms, b->nsyms, sizeof(*b->syms), sym_cmp);
	if (b->ncomms)
		qsort(b->comms, b->ncomms, sizeof(*b->comms), comm_cmp);
	out->syms = calloc(b->nsyms ? b->nsyms : 1, sizeof(*out->syms));
	out->comms = calloc(b->ncomms ? b->ncomms : 1, sizeof(*out->comms));
	if (!out->syms || !out->comms) {
		free(out->syms);
		free(out->comms);
		out->syms = NULL;
		out->comms = NULL;
		mmt_names_build_free(b);
		return -1;
	}
	for (uint64_t i = 0; i < b->nsyms; i++) {
		if (k && out->syms[k - 1].site == b->syms[i].site)
			continue;	/* same site twice (a hash collision): first name */
		out->syms[k].site = b->syms[i].site;
		out->syms[k].name = b->arena + b->syms[i].name;
		k++;
	}
	out->nr_syms = k;
	k = 0;
	for (uint64_t i = 0; i < b->ncomms; i++) {
		const struct ent_comm *e = &b->comms[i];
		const char *name = b->arena + e->name;

		/* the same name again for a pid changes nothing */
		if (k && out->comms[k - 1].pid == e->pid &&
		    !strcmp(out->comms[k - 1].comm, name))
			continue;
		out->comms[k].pid = e->pid;
		out->comms[k].ts = e->ts;
		out->comms[k].comm = name;
		k++;
	}
	out->nr_comms = k;
	/* the arena now belongs to out: its first string's address is the
	 * allocation (kept as the first byte so release can free it) */
	out->arena_ = b->arena;
	b->arena = NULL;
	mmt_names_build_free(b);
	return 0;
}

void mmt_names_release(struct mmt_names *n)
{
	free(n->syms);
	free(n->comms);
	free(n->arena_);
	memset(n, 0, sizeof(*n));
}

/* ---- lookups ---------------------------------------------------------------- */

const char *mmt_names_sym(const struct mmt_names *n, uint64_t site)
{
	uint64_t lo = 0, hi = n ? n->nr_syms : 0;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (n->syms[mid].site < site)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (n ? n->nr_syms : 0) && n->syms[lo].site == site ?
	       n->syms[lo].name : NULL;
}

uint64_t mmt_names_pid(const struct mmt_names *n, uint32_t pid, uint64_t *first)
{
	uint64_t lo = 0, hi = n ? n->nr_comms : 0, end;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (n->comms[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	end = lo;
	while (n && end < n->nr_comms && n->comms[end].pid == pid)
		end++;
	*first = lo;
	return end - lo;
}

const char *mmt_names_comm(const struct mmt_names *n, uint32_t pid,
			   uint64_t ts)
{
	uint64_t first, k = mmt_names_pid(n, pid, &first), best = first;

	if (!k)
		return NULL;
	for (uint64_t i = first; i < first + k && n->comms[i].ts <= ts; i++)
		best = i;
	return n->comms[best].comm;
}
