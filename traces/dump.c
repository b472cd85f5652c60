/* SPDX-License-Identifier: MIT */
/*
 * mmtrace dump FILE: one event per line, perf-script style:
 *         4242 [001]      0.001234: page_alloc: pfn=0x100f3e order=0 ...
 * (pid, cpu, seconds.microseconds since the trace's start, kind, fields;
 * the trace records no command names).
 * gfp flags and migratetypes by the recording kernel's names.
 * Exit: 0 whole file, 1 unreadable or a corrupt block, 3 truncated, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmtrace/cmd.h"
#include "mmtrace/trace.h"
#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmtrace dump [--start S] [--end S] [--kind K,..] FILE\n"
		"Print a trace one event per line: pid [cpu] seconds: kind: fields.\n\n"
		"  -s, --start S     first second to print (since the trace's start)\n"
		"  -e, --end S       stop after this second\n"
		"  -k, --kind K,..   only these kinds (page_alloc,page_free,kmalloc,...)\n"
		"  -h, --help        this help\n\n"
		"Exit status: 0 whole file, 1 unreadable or corrupt, 3 truncated\n"
		"(everything readable is printed; the stop reason goes to stderr).\n");
}

static int parse_seconds(const char *opt, const char *s, uint64_t *ns)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > 1e9) {
		fprintf(stderr, "mmtrace dump: %s: bad number of seconds '%s'\n", opt, s);
		return -1;
	}
	*ns = (uint64_t)llround(v * 1e9);
	return 0;
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

/* Names from the header (escaped: they come from the file). */
struct printer {
	const struct mmt_header *h;
	char gfp[256], mt[4 * MMT_NAME_LEN], mt2[4 * MMT_NAME_LEN];
	char cache[4 * MMT_NAME_LEN];
};

static const char *gfp(struct printer *p, uint64_t raw)
{
	return mmt_gfp_str(p->h, raw, p->gfp, sizeof(p->gfp));
}

static const char *mt(struct printer *p, int v)
{
	return mmt_mt_str(p->h, v, p->mt, sizeof(p->mt));
}

static const char *mt2(struct printer *p, int v)
{
	return mmt_mt_str(p->h, v, p->mt2, sizeof(p->mt2));
}

static const char *cache_name(struct printer *p, uint32_t i)
{
	return i < p->h->nr_slab_caches ?
	       mmt_text(p->h->slab_caches[i].name, p->cache, sizeof(p->cache)) :
	       "?";
}

typedef unsigned long long ull;

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
		break;
	case MMT_EV_PAGE_FREE:
		printf("pfn=0x%llx order=%u%s", (ull)e->pfn, e->order,
		       e->arg ? " batched" : "");
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
		printf("obj=0x%llx+%u site=0x%llx bytes_req=%u bytes_alloc=%u gfp=%s node=%d",
		       (ull)e->pfn, e->offset, (ull)e->site, e->bytes_req,
		       e->bytes_alloc, gfp(p, e->gfp), e->node);
		if (e->kind == MMT_EV_KMEM_CACHE_ALLOC)
			printf(" cache=%s", cache_name(p, e->cache));
		break;
	case MMT_EV_KFREE:
		printf("obj=0x%llx+%u site=0x%llx", (ull)e->pfn, e->offset, (ull)e->site);
		break;
	case MMT_EV_KMEM_CACHE_FREE:
		printf("obj=0x%llx+%u site=0x%llx cache=%s", (ull)e->pfn, e->offset,
		       (ull)e->site, cache_name(p, e->cache));
		break;
	case MMT_EV_FAULT_USER:
	case MMT_EV_FAULT_KERNEL:
		printf("addr=0x%llx ip=0x%llx error_code=0x%llx", (ull)e->addr,
		       (ull)e->site, (ull)e->arg);
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
		printf("zone_start=0x%llx zone_end=0x%llx migrate_pfn=0x%llx free_pfn=0x%llx sync=%d",
		       (ull)e->pfn, (ull)e->addr, (ull)e->arg, (ull)e->arg2, e->mt);
		if (e->kind == MMT_EV_COMPACTION_END)
			printf(" status=%d", e->mt2);
		break;
	case MMT_EV_COMPACT_TRY:
		printf("order=%u gfp=%s prio=%llu", e->order, gfp(p, e->gfp), (ull)e->arg);
		break;
	case MMT_EV_FILEMAP_ADD:
	case MMT_EV_FILEMAP_DEL:
		printf("pfn=0x%llx order=%u", (ull)e->pfn, e->order);
		break;
	case MMT_EV_ZONE_RESIZE:
		printf("nid=%d zone=%llu start_pfn=0x%llx managed=%llu old_managed=%llu",
		       e->node, (ull)e->arg, (ull)e->pfn, (ull)e->addr, (ull)e->arg2);
		break;
	case MMT_EV_LOST:
		printf("count=%llu", (ull)e->arg);
		break;
	default:
		print_generic(e);
		break;
	}
}

static void print_event(struct printer *p, const struct mmt_event *e)
{
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t start = 0, end = UINT64_MAX;
	uint8_t want[MMT_EV__COUNT] = { 0 };
	int filter = 0, c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:e:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_seconds("--start", optarg, &start))
				return 2;
			break;
		case 'e':
			if (parse_seconds("--end", optarg, &end))
				return 2;
			break;
		case 'k':
			if (parse_kinds(optarg, want))
				return 2;
			filter = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	struct mmt_reader *r = trace_cli_open("dump", argc, argv, NULL, &rc);
	if (!r)
		return rc;
	struct printer p = { .h = mmt_reader_header(r) };
	const struct mmt_event *ev;
	int64_t n = 0;
	int done = 0;

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
			print_event(&p, e);
		}
	}
	rc = 0;
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "mmtrace dump: writing output: %s\n", strerror(errno));
		rc = 1;
	} else if (!done && n < 0) {
		fprintf(stderr, "mmtrace dump: %s\n", mmt_reader_error(r));
		rc = 1;
	} else if (!done) {
		rc = trace_cli_stop_status("dump", r);
	}
	mmt_reader_close(r);
	return rc;
}
