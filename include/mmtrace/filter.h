/* SPDX-License-Identifier: MIT */
/*
 * Which events an analysis looks at: a time window, processes by pid, and
 * processes by command name (`dump` and `stat` share the options
 * --start, --end, --pid and --comm).
 *
 * --comm is matched against the name a process had at the time of each
 * event (names table, FORMAT.md "NAMES"): a shell's child counts as "cc1"
 * only after it exec'ed cc1, as perf's --comm does.
 */
#ifndef MMTRACE_FILTER_H
#define MMTRACE_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include "mmtrace/trace.h"

struct mmt_pid_span {
	uint32_t pid;
	uint64_t from, to;		/* ts in [from, to) matches */
};

struct mmt_filter {
	uint64_t start, end;		/* ns since the trace's start, inclusive */
	uint32_t *pids;			/* --pid, sorted */
	size_t npids;
	char **comms;			/* --comm */
	size_t ncomms;
	/* bound to a trace by mmt_filter_bind() */
	struct mmt_pid_span *spans;	/* sorted by pid, then from */
	size_t nspans;
	uint32_t last_pid;		/* cache of the last lookup */
	size_t last_lo, last_n;
	int by_pid;			/* pids or comms given */
};

/* An empty filter: every event. */
void mmt_filter_init(struct mmt_filter *f);
void mmt_filter_free(struct mmt_filter *f);
/* Option arguments: "--start 1.5" (seconds), "--pid 12,345",
 * "--comm cc1,as".  0, or -1 with a one-line message naming the option
 * in err. */
int mmt_filter_time(struct mmt_filter *f, const char *opt, const char *arg,
		    char *err, size_t errlen);
int mmt_filter_pids(struct mmt_filter *f, const char *arg, char *err,
		    size_t errlen);
int mmt_filter_comms(struct mmt_filter *f, const char *arg, char *err,
		     size_t errlen);
/* Resolves --comm against r's names table.  -1 with a message when a
 * --comm is given and the trace has no names (or they are damaged). */
int mmt_filter_bind(struct mmt_filter *f, struct mmt_reader *r, char *err,
		    size_t errlen);

/* The process part of the filter (pid / comm) for one event. */
int mmt_filter_pid_slow(struct mmt_filter *f, uint32_t pid, uint64_t ts);

static inline int mmt_filter_match(struct mmt_filter *f,
				   const struct mmt_event *e)
{
	if (e->ts < f->start || e->ts > f->end)
		return 0;
	return !f->by_pid || mmt_filter_pid_slow(f, e->pid, e->ts);
}

#endif
