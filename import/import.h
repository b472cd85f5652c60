/* SPDX-License-Identifier: MIT */
/*
 * Private to import/: `mmtrace import` turns a perf.data of the kmem,
 * vmscan, compaction and exceptions tracepoints (read through `perf
 * script`) or a trace-cmd trace.dat (through `trace-cmd report`) into an
 * .mmt.  Both print each event as "COMM PID [CPU] SECONDS: EVENT: FIELDS"
 * with the tracepoint's own print format for FIELDS; lines.c splits a
 * line, event.c turns the fields into a struct mmt_event.
 */
#ifndef MMTRACE_IMPORT_H
#define MMTRACE_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include "mmtrace/trace.h"

enum imp_format { IMP_PERF, IMP_TRACECMD };

/* One line of perf script / trace-cmd report output, split in place. */
struct imp_line {
	const char *comm;		/* NUL-terminated inside the line */
	uint32_t pid;
	uint32_t cpu;
	uint64_t ts_ns;			/* the tool's clock */
	const char *event;		/* "mm_page_alloc" (subsystem dropped) */
	const char *fields;		/* "page=0x.. pfn=0x.. order=0 ..." */
};

/* Splits line (modified).  0, or -1 when it is not an event line. */
int imp_split(enum imp_format f, char *line, struct imp_line *out);

/* The value after "key=" in fields, copied into buf (up to the next
 * space).  NULL when the field is absent. */
const char *imp_field(const char *fields, const char *key, char *buf,
		      size_t len);

/* Conversion state: names of sites and processes, the trace header for
 * gfp names and slab caches, what was skipped. */
struct imp_conv {
	const struct mmt_header *h;
	struct mmt_writer *w;
	uint64_t key;			/* keyed hash of user-space ips */
	uint64_t t0;			/* tool time of the first event */
	int have_t0;
	uint64_t last_ts;
	uint64_t events, skipped_kinds, malformed, kfree_null, batched;
	uint64_t first_bad_line;	/* input line of the first malformed event */
	char first_bad[160];
	/* pid -> last name written (small open-addressing table) */
	struct imp_comm *comms;
	uint64_t ncomms, comm_cap;
	/* sites named so far */
	uint64_t *sites;
	uint64_t nsites, site_cap;
	uint64_t line_no;
};

int imp_conv_init(struct imp_conv *c, const struct mmt_header *h,
		  struct mmt_writer *w);
void imp_conv_free(struct imp_conv *c);
/* Converts and writes one split line.  0, or -1 on a write error. */
int imp_conv_line(struct imp_conv *c, const struct imp_line *l);

#endif
