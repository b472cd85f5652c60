/* SPDX-License-Identifier: MIT */
/*
 * Event filters shared by the analyses (include/mmtrace/filter.h).  --pid
 * and --comm become one sorted list of (pid, time span) pairs, so an
 * event costs a compare with the last pid looked up and, when the pid
 * changes, a binary search.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmtrace/filter.h"

void mmt_filter_init(struct mmt_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->end = UINT64_MAX;
	f->last_pid = UINT32_MAX;
}

void mmt_filter_free(struct mmt_filter *f)
{
	for (size_t i = 0; i < f->ncomms; i++)
		free(f->comms[i]);
	free(f->comms);
	free(f->pids);
	free(f->spans);
	mmt_filter_init(f);
}

int mmt_filter_time(struct mmt_filter *f, const char *opt, const char *arg,
		    char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0) || v > 1e9) {
		snprintf(err, errlen, "%s: bad number of seconds '%s'", opt, arg);
		return -1;
	}
	if (!strcmp(opt, "--end"))
		f->end = (uint64_t)llround(v * 1e9);
	else
		f->start = (uint64_t)llround(v * 1e9);
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Calls fn on each comma-separated word of arg (empty words refused). */
static int each_word(const char *opt, const char *arg, char *err, size_t errlen,
		     int (*fn)(struct mmt_filter *, const char *, size_t),
		     struct mmt_filter *f)
{
	const char *p = arg;

	for (;;) {
		size_t n = strcspn(p, ",");

		if (!n || fn(f, p, n)) {
			snprintf(err, errlen, "%s: bad list '%s'", opt, arg);
			return -1;
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int add_pid(struct mmt_filter *f, const char *s, size_t n)
{
	char buf[16], *end;
	unsigned long v;
	uint32_t *p;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || *end || buf[0] == '-' || v > UINT32_MAX)
		return -1;
	p = realloc(f->pids, (f->npids + 1) * sizeof(*p));
	if (!p)
		return -1;
	f->pids = p;
	f->pids[f->npids++] = (uint32_t)v;
	return 0;
}

static int add_comm(struct mmt_filter *f, const char *s, size_t n)
{
	char **p = realloc(f->comms, (f->ncomms + 1) * sizeof(*p));

	if (!p)
		return -1;
	f->comms = p;
	if (!(f->comms[f->ncomms] = strndup(s, n)))
		return -1;
	f->ncomms++;
	return 0;
}

int mmt_filter_pids(struct mmt_filter *f, const char *arg, char *err,
		    size_t errlen)
{
	if (each_word("--pid", arg, err, errlen, add_pid, f))
		return -1;
	if (f->npids)
		qsort(f->pids, f->npids, sizeof(*f->pids), u32_cmp);
	f->by_pid = 1;
	return 0;
}

int mmt_filter_comms(struct mmt_filter *f, const char *arg, char *err,
		     size_t errlen)
{
	if (each_word("--comm", arg, err, errlen, add_comm, f))
		return -1;
	f->by_pid = 1;
	return 0;
}

static int span_cmp(const void *a, const void *b)
{
	const struct mmt_pid_span *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->from < y->from ? -1 : x->from > y->from;
}

static int add_span(struct mmt_filter *f, size_t *cap, uint32_t pid,
		    uint64_t from, uint64_t to)
{
	if (f->nspans == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct mmt_pid_span *p = realloc(f->spans, c * sizeof(*p));

		if (!p)
			return -1;
		f->spans = p;
		*cap = c;
	}
	f->spans[f->nspans++] = (struct mmt_pid_span){ pid, from, to };
	return 0;
}

static int comm_wanted(const struct mmt_filter *f, const char *comm)
{
	for (size_t i = 0; i < f->ncomms; i++)
		if (!strcmp(f->comms[i], comm))
			return 1;
	return 0;
}

int mmt_filter_bind(struct mmt_filter *f, struct mmt_reader *r, char *err,
		    size_t errlen)
{
	const struct mmt_names *n;
	size_t cap = 0;

	f->nspans = 0;
	for (size_t i = 0; i < f->npids; i++)
		if (add_span(f, &cap, f->pids[i], 0, UINT64_MAX))
			goto oom;
	if (f->ncomms) {
		n = mmt_reader_names(r);
		if (!n) {
			snprintf(err, errlen, "--comm: %s", mmt_reader_error(r));
			return -1;
		}
		if (!n->recorded) {
			snprintf(err, errlen,
				 "--comm: this trace has no process names (recorded before names were; use --pid)");
			return -1;
		}
		/* A pid's entries are sorted by time: entry k names it from
		 * its ts to the next entry's (the first from 0: events before
		 * a pid's first name belong to it too). */
		for (uint64_t i = 0; i < n->nr_comms; i++) {
			const struct mmt_comm *c = &n->comms[i];
			int first = !i || n->comms[i - 1].pid != c->pid;
			int last = i + 1 == n->nr_comms || n->comms[i + 1].pid != c->pid;

			if (!comm_wanted(f, c->comm))
				continue;
			if (add_span(f, &cap, c->pid, first ? 0 : c->ts,
				     last ? UINT64_MAX : n->comms[i + 1].ts))
				goto oom;
		}
	}
	if (f->nspans)	/* spans is NULL when no pid matched (qsort: nonnull) */
		qsort(f->spans, f->nspans, sizeof(*f->spans), span_cmp);
	f->last_pid = UINT32_MAX;
	f->last_n = 0;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int mmt_filter_pid_slow(struct mmt_filter *f, uint32_t pid, uint64_t ts)
{
	if (pid != f->last_pid) {
		size_t lo = 0, hi = f->nspans;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (f->spans[mid].pid < pid)
				lo = mid + 1;
			else
				hi = mid;
		}
		f->last_lo = lo;
		f->last_n = 0;
		while (lo + f->last_n < f->nspans && f->spans[lo + f->last_n].pid == pid)
			f->last_n++;
		f->last_pid = pid;
	}
	for (size_t i = 0; i < f->last_n; i++) {
		const struct mmt_pid_span *s = &f->spans[f->last_lo + i];

		if (ts >= s->from && ts < s->to)
			return 1;
	}
	return 0;
}
