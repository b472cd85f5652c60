/* SPDX-License-Identifier: MIT */
/*
 * mmtrace dump FILE: one event per line, perf-script style:
 *             cc1     4242 [001]      0.001234: page_alloc: pfn=0x100f3e order=0 ...
 * (command, pid, cpu, seconds.microseconds since the trace's start, kind,
 * fields; call sites by name).  Traces recorded before names were have no
 * command column and sites as hashes.
 * gfp flags and migratetypes by the recording kernel's names.
 * Damage and exit status: mmt_cmd_damage_help (traces/cli.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmtrace/cmd.h"
#include "mmtrace/filter.h"
#include "mmtrace/trace.h"
#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmtrace dump [--start S] [--end S] [--kind K,..] [--pid P,..]\n"
		"                    [--comm NAME,..] FILE\n"
		"Print a trace one event per line: command pid [cpu] seconds: kind:\n"
		"fields, call sites by symbol+offset.\n\n"
		"  -s, --start S     first second to print (since the trace's start)\n"
		"  -e, --end S       stop after this second\n"
		"  -k, --kind K,..   only these kinds (page_alloc,page_free,kmalloc,...)\n"
		"  -p, --pid P,..    only events of these processes\n"
		"  -c, --comm N,..   only events of processes while they were named N\n"
		"  -h, --help        this help\n\n%s\n"
		"EXAMPLES\n"
		"  Page and kmalloc events of the compiler:\n"
		"    mmtrace dump --comm cc1 --kind page_alloc,kmalloc trace.mmt | head\n"
		"  Half a second of one process:\n"
		"    mmtrace dump --start 2 --end 2.5 --pid 4242 trace.mmt\n",
		mmt_cmd_damage_help);
}

static int parse_kinds(const char *s, uint8_t want[MMT_EV__COUNT])
{
	char name[64];
	while (*s) {
		size_t n = strcspn(s, ",");
		snprintf(name, sizeof(name), "%.*s", (int)n, s);
		unsigned k;
		for (k = 1; k < MMT_EV__COUNT; k++)
			if (!strcmp(mmt_event_kind_name(k), name))
				break;
		if (k == MMT_EV__COUNT) {
			fprintf(stderr, "mmtrace dump: --kind: unknown event kind '%s'\n", name);
			return -1;
		}
		want[k] = 1;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

/* Names from the header (escaped: they come from the file).  The gfp
 * and migratetype strings are kept with the value they spell: events
 * repeat a few values, and spelling one again (name lookups, escaping)
 * was most of dump's time a line. */
struct printer {
	const struct mmt_header *h;
	const struct mmt_names *names;	/* NULL: the trace has none */
	char gfp[256], mt[4 * MMT_NAME_LEN], mt2[4 * MMT_NAME_LEN];
	char cache[4 * MMT_NAME_LEN];
	char site[4 * MMT_SYM_MAX + 8];
	uint64_t gfp_raw;
	int mt_v, mt2_v;
	unsigned spelt;			/* SPELT_*: the buffers hold a value */
};

enum { SPELT_GFP = 1, SPELT_MT = 2, SPELT_MT2 = 4 };

/* A call site by name when the names table has it, else its hash. */
static const char *site(struct printer *p, uint64_t s)
{
	const char *n = p->names ? mmt_names_sym(p->names, s) : NULL;

	if (n)
		return mmt_text(n, p->site, sizeof(p->site));
	snprintf(p->site, sizeof(p->site), "0x%llx", (unsigned long long)s);
	return p->site;
}

static const char *gfp(struct printer *p, uint64_t raw)
{
	if (!(p->spelt & SPELT_GFP) || p->gfp_raw != raw) {
		mmt_gfp_str(p->h, raw, p->gfp, sizeof(p->gfp));
		p->gfp_raw = raw;
		p->spelt |= SPELT_GFP;
	}
	return p->gfp;
}

static const char *mt(struct printer *p, int v)
{
	if (!(p->spelt & SPELT_MT) || p->mt_v != v) {
		mmt_mt_str(p->h, v, p->mt, sizeof(p->mt));
		p->mt_v = v;
		p->spelt |= SPELT_MT;
	}
	return p->mt;
}

static const char *mt2(struct printer *p, int v)
{
	if (!(p->spelt & SPELT_MT2) || p->mt2_v != v) {
		mmt_mt_str(p->h, v, p->mt2, sizeof(p->mt2));
		p->mt2_v = v;
		p->spelt |= SPELT_MT2;
	}
	return p->mt2;
}

static const char *cache_name(struct printer *p, uint32_t i)
{
	return i < p->h->nr_slab_caches ?
	       mmt_text(p->h->slab_caches[i].name, p->cache, sizeof(p->cache)) :
	       "?";
}

typedef unsigned long long ull;

/* dev=major:minor ino=N, as the kernel's filemap tracepoints print them */
static void print_file(uint32_t dev, uint64_t ino)
{
	printf("dev=%u:%u ino=0x%llx", dev >> 20, dev & ((1u << 20) - 1),
	       (ull)ino);
}

static void print_cause(struct printer *p, uint64_t cause)
{
	if (p->h->flags & MMT_HDR_CAUSES)
		printf(" cause=%s", mmt_free_cause_name((unsigned)cause));
}

static void print_pressure(const struct mmt_event *e);

/* Every non-zero field, for kinds this build does not know. */
static void print_generic(const struct mmt_event *e)
{
	printf("pfn=0x%llx addr=0x%llx site=0x%llx gfp=0x%llx order=%u mt=%d mt2=%d "
	       "node=%d offset=%u cache=%u bytes_req=%u bytes_alloc=%u arg=%llu arg2=%llu",
	       (ull)e->pfn, (ull)e->addr, (ull)e->site, (ull)e->gfp, e->order, e->mt,
	       e->mt2, e->node, e->offset, e->cache, e->bytes_req, e->bytes_alloc,
	       (ull)e->arg, (ull)e->arg2);
}

static void print_fields(struct printer *p, const struct mmt_event *e)
{
	switch (e->kind) {
	case MMT_EV_PAGE_ALLOC:
		printf("pfn=0x%llx order=%u gfp=%s mt=%s", (ull)e->pfn, e->order,
		       gfp(p, e->gfp), mt(p, e->mt));
		if (e->site)
			printf(" site=%s", site(p, e->site));
		break;
	case MMT_EV_PAGE_FREE:
		printf("pfn=0x%llx order=%u%s", (ull)e->pfn, e->order,
		       e->arg ? " batched" : "");
		print_cause(p, e->arg2);
		break;
	case MMT_EV_PCP_REFILL:
		printf("pfn=0x%llx order=%u mt=%s percpu_refill=%llu", (ull)e->pfn,
		       e->order, mt(p, e->mt), (ull)e->arg);
		break;
	case MMT_EV_PCP_DRAIN:
		printf("pfn=0x%llx order=%u mt=%s", (ull)e->pfn, e->order, mt(p, e->mt));
		break;
	case MMT_EV_EXTFRAG:
		printf("pfn=0x%llx alloc_order=%u fallback_order=%llu alloc_mt=%s "
		       "fallback_mt=%s change_ownership=%llu", (ull)e->pfn, e->order,
		       (ull)e->arg, mt(p, e->mt), mt2(p, e->mt2), (ull)e->arg2);
		break;
	case MMT_EV_KMALLOC:
	case MMT_EV_KMEM_CACHE_ALLOC:
		printf("obj=0x%llx+%u site=%s bytes_req=%u bytes_alloc=%u gfp=%s node=%d",
		       (ull)e->pfn, e->offset, site(p, e->site), e->bytes_req,
		       e->bytes_alloc, gfp(p, e->gfp), e->node);
		if (e->kind == MMT_EV_KMEM_CACHE_ALLOC)
			printf(" cache=%s", cache_name(p, e->cache));
		break;
	case MMT_EV_KFREE:
		printf("obj=0x%llx+%u site=%s", (ull)e->pfn, e->offset, site(p, e->site));
		break;
	case MMT_EV_KMEM_CACHE_FREE:
		printf("obj=0x%llx+%u site=%s cache=%s", (ull)e->pfn, e->offset,
		       site(p, e->site), cache_name(p, e->cache));
		break;
	case MMT_EV_FAULT_USER:
	case MMT_EV_FAULT_KERNEL:
		printf("addr=0x%llx ip=%s error_code=0x%llx", (ull)e->addr,
		       site(p, e->site), (ull)e->arg);
		break;
	case MMT_EV_DIRECT_RECLAIM_BEGIN:
		printf("order=%u gfp=%s", e->order, gfp(p, e->gfp));
		break;
	case MMT_EV_DIRECT_RECLAIM_END:
	case MMT_EV_NODE_RECLAIM_END:
		printf("nr_reclaimed=%llu", (ull)e->arg);
		break;
	case MMT_EV_KSWAPD_WAKE:
		printf("nid=%d zid=%llu order=%u", e->node, (ull)e->arg, e->order);
		break;
	case MMT_EV_KSWAPD_SLEEP:
		printf("nid=%d", e->node);
		break;
	case MMT_EV_WAKEUP_KSWAPD:
		printf("nid=%d zid=%llu order=%u gfp=%s", e->node, (ull)e->arg,
		       e->order, gfp(p, e->gfp));
		break;
	case MMT_EV_NODE_RECLAIM_BEGIN:
		printf("nid=%d order=%u gfp=%s", e->node, e->order, gfp(p, e->gfp));
		break;
	case MMT_EV_COMPACTION_BEGIN:
	case MMT_EV_COMPACTION_END:
		/* the trace keeps the scanners relative to zone_start
		 * (event.h); printed as the kernel's tracepoint prints them */
		printf("zone_start=0x%llx zone_end=0x%llx migrate_pfn=0x%llx free_pfn=0x%llx sync=%d",
		       (ull)e->pfn, (ull)e->addr, (ull)(e->pfn + e->arg),
		       (ull)(e->pfn + e->arg2), e->mt);
		if (e->kind == MMT_EV_COMPACTION_END)
			printf(" status=%d", e->mt2);
		break;
	case MMT_EV_COMPACT_TRY:
		printf("order=%u gfp=%s prio=%llu", e->order, gfp(p, e->gfp), (ull)e->arg);
		break;
	case MMT_EV_FILEMAP_ADD:
	case MMT_EV_FILEMAP_DEL:
		printf("pfn=0x%llx order=%u", (ull)e->pfn, e->order);
		if (p->h->flags & MMT_HDR_FILE_IDS) {
			printf(" ");
			print_file(e->offset, e->arg);
			printf(" index=%llu", (ull)e->addr);
		}
		if (e->kind == MMT_EV_FILEMAP_DEL)
			print_cause(p, e->arg2);
		break;
	case MMT_EV_ZONE_RESIZE:
		printf("nid=%d zone=%llu start_pfn=0x%llx managed=%llu old_managed=%llu",
		       e->node, (ull)e->arg, (ull)e->pfn, (ull)e->addr, (ull)e->arg2);
		break;
	case MMT_EV_ZONE_FREE:
		printf("nid=%d zone=%llu free=%llu boost=%llu", e->node,
		       (ull)e->arg, (ull)e->addr, (ull)e->arg2);
		break;
	case MMT_EV_LOST:
		printf("count=%llu", (ull)e->arg);
		if (p->h->flags & MMT_HDR_LOST_TIMES)
			printf(" first=%llu.%06llu last=%llu.%06llu",
			       (ull)(e->addr / 1000000000ull),
			       (ull)(e->addr % 1000000000ull / 1000),
			       (ull)(e->arg2 / 1000000000ull),
			       (ull)(e->arg2 % 1000000000ull / 1000));
		break;
	default:
		print_pressure(e);
		break;
	}
}

/* Kinds of the kernel's response to memory pressure (event.h, 26..46). */
static void print_pressure(const struct mmt_event *e)
{
	static const char *const scanner[] = { "migrate", "free", "fast" };
	static const char *const defer[] = { "deferred", "defer", "reset" };

	switch (e->kind) {
	case MMT_EV_COMPACT_ISOLATE:
		printf("pfn=0x%llx order=%u by=%s", (ull)e->pfn, e->order,
		       e->arg ? "fast" : "scanner");
		break;
	case MMT_EV_MIGRATE:
		printf("pfn=0x%llx to=0x%llx order=%u reason=%llu", (ull)e->pfn,
		       (ull)e->addr, e->order, (ull)e->arg);
		break;
	case MMT_EV_MIGRATE_BEGIN:
		printf("mode=%d reason=%d", e->mt, e->mt2);
		break;
	case MMT_EV_MIGRATE_END:
		printf("succeeded=%llu failed=%llu thp_succeeded=%llu thp_failed=%u "
		       "thp_split=%u large_split=%u mode=%d reason=%d", (ull)e->arg,
		       (ull)e->arg2, (ull)e->addr, e->bytes_req, e->bytes_alloc,
		       e->offset, e->mt, e->mt2);
		break;
	case MMT_EV_COMPACT_SCAN:
		printf("scanner=%s range=0x%llx-0x%llx scanned=%llu taken=%llu%s",
		       e->mt >= 0 && e->mt < 3 ? scanner[e->mt] : "?", (ull)e->pfn,
		       (ull)e->addr, (ull)e->arg, (ull)e->arg2,
		       e->mt == 1 && !e->mt2 ? " (range: no block events)" : "");
		break;
	case MMT_EV_COMPACT_MIGRATEPAGES:
		printf("migrated=%llu failed=%llu", (ull)e->arg, (ull)e->arg2);
		break;
	case MMT_EV_COMPACT_SUITABLE:
	case MMT_EV_COMPACT_FINISHED:
		/* order -1: compaction of a whole zone (proactive, or
		 * /proc/sys/vm/compact_memory), as the kernel prints it */
		printf("nid=%d zid=%llu order=%d result=%d", e->node, (ull)e->arg,
		       (int32_t)e->order, e->mt2);
		break;
	case MMT_EV_COMPACT_DEFER:
		printf("%s nid=%d zid=%llu order=%u considered=%llu defer_shift=%llu "
		       "order_failed=%d", e->mt >= 0 && e->mt < 3 ? defer[e->mt] : "?",
		       e->node, (ull)e->arg, e->order, (ull)e->arg2, (ull)e->addr, e->mt2);
		break;
	case MMT_EV_KCOMPACTD_WAKE:
		printf("%s nid=%d order=%u highest_zid=%llu", e->mt ? "wake" : "wakeup",
		       e->node, e->order, (ull)e->arg);
		break;
	case MMT_EV_KCOMPACTD_SLEEP:
		printf("nid=%d", e->node);
		break;
	case MMT_EV_LRU_SHRINK_INACTIVE:
		printf("nid=%d scanned=%llu reclaimed=%llu dirty=%u writeback=%u "
		       "activated=%u priority=%u flags=0x%x", e->node, (ull)e->arg,
		       (ull)e->arg2, e->bytes_req, e->bytes_alloc, e->offset, e->order,
		       (unsigned)e->mt);
		break;
	case MMT_EV_LRU_SHRINK_ACTIVE:
		printf("nid=%d taken=%llu deactivated=%llu referenced=%llu priority=%u "
		       "flags=0x%x", e->node, (ull)e->arg, (ull)e->arg2, (ull)e->addr,
		       e->order, (unsigned)e->mt);
		break;
	case MMT_EV_SHRINK_SLAB:
		printf("nid=%d shrinker=0x%llx freed=%llu scanned=%llu deferred=%llu",
		       e->node, (ull)e->site, (ull)e->arg, (ull)e->arg2, (ull)e->addr);
		break;
	case MMT_EV_WRITE_FOLIO:
		printf("pfn=0x%llx flags=0x%x", (ull)e->pfn, (unsigned)e->mt);
		break;
	case MMT_EV_VMSCAN_THROTTLED:
		printf("nid=%d timeout_us=%llu delayed_us=%llu reason=%d", e->node,
		       (ull)e->arg, (ull)e->arg2, e->mt);
		break;
	case MMT_EV_MEMCG_RECLAIM_BEGIN:
		printf("order=%u gfp=0x%llx", e->order, (ull)e->gfp);
		break;
	case MMT_EV_MEMCG_RECLAIM_END:
		printf("nr_reclaimed=%llu", (ull)e->arg);
		break;
	case MMT_EV_FILE_READ:
	case MMT_EV_FILE_MAP:
	case MMT_EV_FILE_FAULT:
	case MMT_EV_FILE_DIRTY:
		print_file(e->offset, e->arg);
		printf(" index=%llu-%llu", (ull)e->addr, (ull)e->arg2);
		break;
		print_generic(e);
		break;
	}
}

static void print_event(struct printer *p, const struct mmt_event *e)
{
	if (p->names) {
		const char *c = mmt_names_comm(p->names, e->pid, e->ts);
		char esc[4 * MMT_COMM_MAX + 1];	/* a name from the file */

		printf("%16s ", c ? mmt_text(c, esc, sizeof(esc)) : "?");
	}
	printf("%8u [%03u] %6llu.%06llu: %s: ", e->pid, e->cpu,
	       (ull)(e->ts / 1000000000ull), (ull)(e->ts % 1000000000ull / 1000),
	       mmt_event_kind_name(e->kind));
	print_fields(p, e);
	putchar('\n');
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "kind", required_argument, NULL, 'k' },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t want[MMT_EV__COUNT] = { 0 };
	struct mmt_filter flt;
	int filter = 0, c, rc = 0;
	char err[320];

	mmt_filter_init(&flt);
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, "s:e:k:p:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			rc = mmt_filter_time(&flt, "--start", optarg, err, sizeof(err));
			break;
		case 'e':
			rc = mmt_filter_time(&flt, "--end", optarg, err, sizeof(err));
			break;
		case 'p':
			rc = mmt_filter_pids(&flt, optarg, err, sizeof(err));
			break;
		case 'c':
			rc = mmt_filter_comms(&flt, optarg, err, sizeof(err));
			break;
		case 'k':
			if (parse_kinds(optarg, want)) {
				mmt_filter_free(&flt);
				return 2;
			}
			filter = 1;
			break;
		case 'h':
			usage(stdout);
			mmt_filter_free(&flt);
			return 0;
		default:
			usage(stderr);
			mmt_filter_free(&flt);
			return 2;
		}
	}
	if (rc) {
		fprintf(stderr, "mmtrace dump: %s\n", err);
		mmt_filter_free(&flt);
		return 2;
	}
	struct mmt_reader *r = trace_cli_open("dump", argc, argv, NULL, &rc);
	if (!r) {
		mmt_filter_free(&flt);
		return rc;
	}
	if (mmt_filter_bind(&flt, r, err, sizeof(err))) {
		/* the names are damaged (3), or the trace has none for --comm */
		fprintf(stderr, "mmtrace dump: %s\n", err);
		rc = mmt_reader_damage(r, NULL, NULL) ?
		     mmt_cmd_damage_status("dump", r) : 2;
		mmt_filter_free(&flt);
		mmt_reader_close(r);
		return rc;
	}
	struct printer p = { .h = mmt_reader_header(r) };
	const struct mmt_event *ev;
	uint64_t start = flt.start, end = flt.end;
	int64_t n = 0;
	int done = 0;

	p.names = mmt_reader_names(r);
	if (!p.names) {
		fprintf(stderr, "mmtrace dump: %s (printing without names)\n",
			mmt_reader_error(r));
	} else if (!p.names->recorded) {
		p.names = NULL;
	}
	if (start)
		mmt_reader_seek_time(r, start);
	while (!done && (n = mmt_reader_next_batch(r, &ev)) > 0) {
		for (int64_t i = 0; i < n; i++) {
			const struct mmt_event *e = &ev[i];
			if (e->ts > end) {
				/* events are in time order up to small cross-cpu
				 * skew; stop a little past the end */
				if (e->ts > end + 1000000000ull)
					done = 1;
				continue;
			}
			if (e->ts < start)
				continue;
			if (filter && (e->kind >= MMT_EV__COUNT || !want[e->kind]))
				continue;
			if (flt.by_pid && !mmt_filter_pid_slow(&flt, e->pid, e->ts))
				continue;
			print_event(&p, e);
		}
	}
	rc = 0;
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "mmtrace dump: writing output: %s\n", strerror(errno));
		rc = 1;
	} else if (!done && n < 0) {	/* out of memory or a read error */
		fprintf(stderr, "mmtrace dump: %s\n", mmt_reader_error(r));
		rc = 1;
	} else if (!done || mmt_reader_damage(r, NULL, NULL)) {
		rc = mmt_cmd_damage_status("dump", r);
	}
	mmt_filter_free(&flt);
	mmt_reader_close(r);
	return rc;
}
