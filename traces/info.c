/* SPDX-License-Identifier: MIT */
/*
 * mmtrace info FILE: what a trace holds, for people (default) or scripts
 * (--json, one object).  Reads every event once to count kinds and pages.
 * Damage and exit status: mmt_cmd_damage_help (traces/cli.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mmtrace/cmd.h"
#include "mmtrace/trace.h"
#include "cli.h"

#define INFO_MAX_ZONES 64

struct summary {
	uint64_t counts[MMT_EV__COUNT];
	uint64_t unknown;
	uint64_t events, lost, missed, pages_alloc, pages_freed;
	uint64_t first_ts, last_ts;
	uint64_t comp_bytes, raw_bytes;
	/* pages freed per cause between the two snapshots' vmstat reads */
	uint64_t cause_pages[MMT_FREE__COUNT + 1];	/* last: unknown cause */
	uint64_t win_lo, win_hi;
	/* ZONE_FREE samples per header zone (MMT_HDR_ZONE_FREE) */
	struct zf_stat { uint64_t n, min, max, sum, boosted, boost_max; }
		zf[INFO_MAX_ZONES];
	uint64_t zf_bad;	/* samples naming no zone of the header */
	const char *error;	/* reader error, NULL when none */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmtrace info [--json] FILE\n"
		"Summarize a trace: host, duration, events per kind, lost events,\n"
		"pages allocated and freed, size and compression, the zones and\n"
		"their free pages over the trace, snapshots.\n\n"
		"  -j, --json   print one JSON object instead of text\n"
		"  -h, --help   this help\n\n%s\n"
		"EXAMPLES\n"
		"  Summarize a trace:\n"
		"    mmtrace info trace.mmt\n"
		"  Events per kind, for a script:\n"
		"    mmtrace info --json trace.mmt | jq .counts\n",
		mmt_cmd_damage_help);
}

/* Frees are counted by cause between the moments the start and end
 * snapshots read /proc/vmstat (their ts), so that they compare with the
 * kernel's counters; an empty window without both snapshots. */
static void cause_window(struct mmt_reader *r, struct summary *s)
{
	const struct mmt_snapshot *a = mmt_reader_snapshot(r, 0);
	const struct mmt_snapshot *b = mmt_reader_snapshot(r, 1);

	s->win_lo = 1;
	s->win_hi = 0;
	if (a && b && (mmt_reader_header(r)->flags & MMT_HDR_CAUSES)) {
		s->win_lo = a->ts;
		s->win_hi = b->ts;
	}
}

/* A ZONE_FREE sample into its zone's figures (by the header's zone
 * table: node and zone index). */
static void zone_sample(const struct mmt_header *h, struct summary *s,
			const struct mmt_event *e)
{
	for (uint32_t i = 0; i < h->nr_zones && i < INFO_MAX_ZONES; i++) {
		struct zf_stat *z = &s->zf[i];

		if (h->zones[i].node != e->node ||
		    (uint64_t)h->zones[i].zone_idx != e->arg)
			continue;
		if (!z->n || e->addr < z->min)
			z->min = e->addr;
		if (e->addr > z->max)
			z->max = e->addr;
		z->sum += e->addr;
		z->n++;
		z->boosted += e->arg2 != 0;
		if (e->arg2 > z->boost_max)
			z->boost_max = e->arg2;
		return;
	}
	s->zf_bad++;
}

static int summarize(struct mmt_reader *r, struct summary *s)
{
	const struct mmt_event *ev;
	int64_t n;

	memset(s, 0, sizeof(*s));
	s->first_ts = UINT64_MAX;
	cause_window(r, s);
	for (uint64_t i = 0; i < mmt_reader_nr_blocks(r); i++) {
		struct mmt_block_info bi;
		if (!mmt_reader_block_info(r, i, &bi)) {
			s->comp_bytes += bi.comp_bytes;
			s->raw_bytes += bi.raw_bytes;
		}
	}
	while ((n = mmt_reader_next_batch(r, &ev)) > 0) {
		for (int64_t i = 0; i < n; i++) {
			const struct mmt_event *e = &ev[i];
			if (e->kind < MMT_EV__COUNT)
				s->counts[e->kind]++;
			else
				s->unknown++;
			if (e->ts < s->first_ts)
				s->first_ts = e->ts;
			if (e->ts > s->last_ts)
				s->last_ts = e->ts;
			if (e->kind == MMT_EV_PAGE_ALLOC && e->order < 64)
				s->pages_alloc += 1ull << e->order;
			else if (e->kind == MMT_EV_PAGE_FREE && e->order < 64) {
				s->pages_freed += 1ull << e->order;
				if (e->ts >= s->win_lo && e->ts <= s->win_hi)
					s->cause_pages[e->arg2 < MMT_FREE__COUNT ?
						       e->arg2 : MMT_FREE__COUNT] +=
						1ull << e->order;
			}
			else if (e->kind == MMT_EV_ZONE_FREE)
				zone_sample(mmt_reader_header(r), s, e);
			else if (e->kind == MMT_EV_LOST) {
				s->lost += e->arg;
				if (e->cpu == 0xffff)	/* the recursion guard's */
					s->missed += e->arg;
			}
		}
		s->events += (uint64_t)n;
	}
	if (s->first_ts == UINT64_MAX)
		s->first_ts = 0;
	if (n < 0)
		s->error = mmt_reader_error(r);
	return n < 0 ? -1 : 0;
}

static uint64_t duration_ns(struct mmt_reader *r, const struct summary *s)
{
	uint64_t d = s->last_ts;
	const struct mmt_snapshot *end = mmt_reader_snapshot(r, 1);
	if (end && end->ts > d)
		d = end->ts;
	return d;
}

static uint64_t snap_free_pages(const struct mmt_snapshot *sn)
{
	uint64_t pages = 0;
	for (uint64_t i = 0; i < sn->nr_free_blocks; i++)
		if (sn->free_blocks[i].order < 64)
			pages += 1ull << sn->free_blocks[i].order;
	return pages;
}

static const char *const class_names[MMT_PC__COUNT] = {
	"hole", "free", "reserved", "slab", "anon", "file", "kernel", "pcp", "offline"
};

static void class_pages(const struct mmt_snapshot *sn, uint64_t out[MMT_PC__COUNT])
{
	memset(out, 0, sizeof(uint64_t) * MMT_PC__COUNT);
	for (uint64_t i = 0; i < sn->nr_runs; i++)
		if (sn->runs[i].cls < MMT_PC__COUNT)
			out[sn->runs[i].cls] += sn->runs[i].len;
}

/* ---- text ---------------------------------------------------------------- */

/* The snapshot's mmtrace_memcg_* items (collector/memcg.c): 1 with v[]
 * (depth, after, after_file_max, groups, visible), 0 when the trace has
 * none, -1 when one is there but not a decimal number. */
static int snap_memcg(const struct mmt_snapshot *sn, uint64_t v[5])
{
	static const char *const names[5] = {
		"mmtrace_memcg_depth", "mmtrace_memcg_after",
		"mmtrace_memcg_after_file_max", "mmtrace_memcg_groups",
		"mmtrace_memcg_visible",
	};
	int found = 0;

	for (int k = 0; k < 5; k++) {
		int rc;

		v[k] = 0;
		rc = mmt_snapshot_u64(sn, names[k], &v[k]);
		if (rc < 0)
			return -1;
		found += rc;
	}
	return found == 5 ? 1 : found ? -1 : 0;
}

static void print_snapshot_text(struct mmt_reader *r, int which)
{
	const char *label = which ? "end" : "start", *why;
	const struct mmt_snapshot *sn = mmt_reader_snapshot(r, which);
	uint64_t cls[MMT_PC__COUNT];

	if (mmt_reader_snapshot_state(r, which, &why) < 0) {
		printf("%-10s damaged: %s\n", label, why);
		return;
	}
	if (!sn) {
		printf("%-10s none\n", label);
		return;
	}
	class_pages(sn, cls);
	printf("%-10s at %.3f s: %llu free blocks (%llu pages, %s), %llu pageblocks (%s),"
	       " %u vmstat counters\n", label, sn->ts / 1e9,
	       (unsigned long long)sn->nr_free_blocks,
	       (unsigned long long)snap_free_pages(sn),
	       sn->flags & MMT_SNAP_FREE_EXACT ?
	       (sn->flags & MMT_SNAP_FREE_POS ? "exact, with list places" :
						"exact") : "inferred",
	       (unsigned long long)sn->nr_pageblocks,
	       sn->flags & MMT_SNAP_PB_EXACT ? "exact" : "inferred", sn->nr_vmstat);
	printf("%-10s page classes:", "");
	for (int c = 0; c < MMT_PC__COUNT; c++)
		if (cls[c])
			printf(" %s %llu", class_names[c], (unsigned long long)cls[c]);
	printf("\n");
	uint64_t mc[5];
	int m = snap_memcg(sn, mc);

	if (m > 0)
		printf("%-10s memory cgroups: the recorder's at depth %llu, %llu "
		       "after it in direct reclaim's walk (largest inactive file "
		       "%llu pages); %llu groups, %llu with a directory\n", "",
		       (unsigned long long)mc[0], (unsigned long long)mc[1],
		       (unsigned long long)mc[2], (unsigned long long)mc[3],
		       (unsigned long long)mc[4]);
	else if (m < 0)
		printf("%-10s memory cgroups: mmtrace_memcg_* items damaged "
		       "(incomplete, or not numbers)\n", "");
}

static void print_damage_text(const struct mmt_reader *r)
{
	uint64_t lost, unknown, n = mmt_reader_damage(r, &lost, &unknown);

	for (uint64_t i = 0; i < n && mmt_reader_damage_msg(r, i); i++)
		printf("damage     %s\n", mmt_reader_damage_msg(r, i));
	if (n > 1 && (lost || unknown))
		printf("damage     in all %llu parts: %llu events lost, and those in "
		       "%llu bytes behind damaged section headers\n",
		       (unsigned long long)n, (unsigned long long)lost,
		       (unsigned long long)unknown);
}

/* The kernel's own count of what a group of causes freed: the vmstat delta
 * between the snapshots; -1 when a counter is missing. */
struct cause_check {
	const char *counter;
	unsigned causes[3];
	unsigned ncauses;
};

static const struct cause_check cause_checks[] = {
	{ "pgsteal_kswapd", { MMT_FREE_KSWAPD_EVICT }, 1 },
	{ "pgsteal_direct", { MMT_FREE_DIRECT_EVICT, MMT_FREE_NODE_EVICT,
			      MMT_FREE_MEMCG_EVICT }, 3 },
	{ "pgmigrate_success", { MMT_FREE_MIGRATE_SOURCE }, 1 },
};
#define NR_CAUSE_CHECKS (sizeof(cause_checks) / sizeof(cause_checks[0]))

static int64_t vmstat_value(const struct mmt_snapshot *sn, const char *name)
{
	for (uint32_t i = 0; sn && i < sn->nr_vmstat; i++)
		if (!strcmp(sn->vmstat[i].name, name))
			return strtoll(sn->vmstat[i].value, NULL, 10);
	return -1;
}

static int64_t vmstat_delta(struct mmt_reader *r, const char *name)
{
	int64_t a = vmstat_value(mmt_reader_snapshot(r, 0), name);
	int64_t b = vmstat_value(mmt_reader_snapshot(r, 1), name);

	return a < 0 || b < 0 ? -1 : b - a;
}

static uint64_t check_pages(const struct summary *s, const struct cause_check *c)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < c->ncauses; i++)
		n += s->cause_pages[c->causes[i]];
	return n;
}

static void print_causes_text(struct mmt_reader *r, const struct summary *s)
{
	if (s->win_lo > s->win_hi) {
		if (!(mmt_reader_header(r)->flags & MMT_HDR_CAUSES))
			printf("causes     not recorded (older recorder, or classic "
			       "tracepoints only)\n");
		return;
	}
	printf("causes     pages freed between the snapshots' vmstat reads "
	       "(%.3f-%.3f s), by cause:\n", s->win_lo / 1e9, s->win_hi / 1e9);
	for (unsigned c = 0; c <= MMT_FREE__COUNT; c++)
		if (s->cause_pages[c])
			printf("  %-22s %llu%s\n", c < MMT_FREE__COUNT ?
			       mmt_free_cause_name(c) : "(unknown cause)",
			       (unsigned long long)s->cause_pages[c],
			       c == MMT_FREE_COMPACT_RETURN ?
			       "  (not a free: back on compaction's list)" : "");
	for (unsigned i = 0; i < NR_CAUSE_CHECKS; i++) {
		const struct cause_check *c = &cause_checks[i];
		int64_t k = vmstat_delta(r, c->counter);
		uint64_t t = check_pages(s, c);

		if (k < 0)
			continue;
		printf("  kernel %-15s %lld, trace %llu", c->counter, (long long)k,
		       (unsigned long long)t);
		if (k > 0)
			printf(" (%+.2f%%)", 100.0 * ((double)t - (double)k) / (double)k);
		printf("\n");
	}
}

/* The kernel's free pages per zone over the trace, from the recorder's
 * zoneinfo samples. */
static void print_zone_free_text(const struct mmt_header *h,
				 const struct summary *s)
{
	char e1[4 * 16];

	if (!(h->flags & MMT_HDR_ZONE_FREE)) {
		printf("zone free  not recorded (a recorder before zoneinfo "
		       "samples)\n");
		return;
	}
	printf("zone free  the kernel's free pages, /proc/zoneinfo every "
	       "200 ms:");
	for (uint32_t i = 0; i < h->nr_zones && i < INFO_MAX_ZONES; i++) {
		const struct zf_stat *z = &s->zf[i];

		if (!h->zones[i].managed)
			continue;
		printf("\n           %d/%s ", h->zones[i].node,
		       mmt_text(h->zones[i].name, e1, sizeof(e1)));
		if (!z->n) {
			printf("no samples");
			continue;
		}
		printf("min %llu mean %llu max %llu over %llu samples, boosted "
		       "in %llu", (unsigned long long)z->min,
		       (unsigned long long)(z->sum / z->n),
		       (unsigned long long)z->max, (unsigned long long)z->n,
		       (unsigned long long)z->boosted);
		if (z->boosted)
			printf(" (up to %llu pages)",
			       (unsigned long long)z->boost_max);
	}
	if (s->zf_bad)
		printf("\n           %llu samples of no zone in the header",
		       (unsigned long long)s->zf_bad);
	printf("\n");
}

static void print_text(const char *path, struct mmt_reader *r,
		       const struct summary *s)
{
	const struct mmt_header *h = mmt_reader_header(r);
	uint64_t fbytes = mmt_reader_file_bytes(r);
	uint64_t dur = duration_ns(r, s);
	char when[64] = "?";
	time_t t = (time_t)(h->start_realtime_ns / 1000000000ull);
	struct tm tm;

	if (h->start_realtime_ns && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	char e1[4 * sizeof(h->release)], e2[4 * 80];

	printf("file       %s (%llu bytes, format %u)\n", path,
	       (unsigned long long)fbytes, h->version);
	printf("host       Linux %s ", mmt_text(h->release, e1, sizeof(e1)));
	printf("%s, %u cpus, %u nodes, page size %u\n",
	       mmt_text(h->machine, e1, sizeof(e1)), h->nr_cpus, h->nr_nodes,
	       h->page_size);
	printf("recorded   %s for %.3f s\n", when, dur / 1e9);
	printf("events     %llu in %llu blocks", (unsigned long long)s->events,
	       (unsigned long long)mmt_reader_nr_blocks(r));
	if (s->events)
		printf(", %.2f bytes/event in blocks, %.2f bytes/event for the file",
		       (double)s->comp_bytes / s->events, (double)fbytes / s->events);
	printf("\n");
	if (s->comp_bytes)
		printf("compress   %.1f:1 after column coding, %.1f:1 against %zu-byte events\n",
		       (double)s->raw_bytes / s->comp_bytes,
		       (double)s->events * sizeof(struct mmt_event) / s->comp_bytes,
		       sizeof(struct mmt_event));
	printf("lost       %llu", (unsigned long long)s->lost);
	if (s->lost > s->missed)
		printf("  (%llu dropped by full rings or queues: see LOST records)",
		       (unsigned long long)(s->lost - s->missed));
	if (s->missed)
		printf("  (%llu not seen: a program was already running on that CPU)",
		       (unsigned long long)s->missed);
	printf("\n");
	printf("pages      %llu allocated, %llu freed\n",
	       (unsigned long long)s->pages_alloc, (unsigned long long)s->pages_freed);
	for (unsigned k = 1; k < MMT_EV__COUNT; k++)
		if (s->counts[k])
			printf("  %-22s %llu\n", mmt_event_kind_name(k),
			       (unsigned long long)s->counts[k]);
	if (s->unknown)
		printf("  %-22s %llu\n", "(unknown kinds)", (unsigned long long)s->unknown);
	print_causes_text(r, s);
	printf("zones     ");
	for (uint32_t i = 0; i < h->nr_zones; i++)
		printf(" %d/%s managed %llu min %llu low %llu high %llu;",
		       h->zones[i].node, mmt_text(h->zones[i].name, e1, sizeof(e1)),
		       (unsigned long long)h->zones[i].managed,
		       (unsigned long long)h->zones[i].wmark_min,
		       (unsigned long long)h->zones[i].wmark_low,
		       (unsigned long long)h->zones[i].wmark_high);
	printf("\n");
	print_zone_free_text(h, s);
	if (!mmt_reader_snapshot(r, 0) && mmt_header_note(h, "import.start_state"))
		printf("%-10s %s; imported from %s, mirror mode refused\n", "start",
		       mmt_header_note(h, "import.start_state"),
		       mmt_header_note(h, "import.source") ? mmt_header_note(h, "import.source") : "?");
	else
		print_snapshot_text(r, 0);
	print_snapshot_text(r, 1);
	for (uint32_t i = 0; i < h->nr_notes; i++)
		printf("note       %s: %s\n",
		       mmt_text(h->notes[i].name, e1, sizeof(e1)),
		       mmt_text(h->notes[i].value, e2, sizeof(e2)));
	if (mmt_reader_stop_reason(r))
		printf("truncated  %s\n", mmt_reader_stop_reason(r));
	print_damage_text(r);
	if (s->error)
		printf("error      %s\n", s->error);
}

/* ---- json ------------------------------------------------------------------ */

static void json_str(const char *s)
{
	mmt_json_str(stdout, s);
}

/* null when absent, {"damaged": why} when damaged */
static void json_snapshot(struct mmt_reader *r, int which)
{
	const struct mmt_snapshot *sn = mmt_reader_snapshot(r, which);
	uint64_t cls[MMT_PC__COUNT];
	const char *why;

	if (mmt_reader_snapshot_state(r, which, &why) < 0) {
		fputs("{\"damaged\": ", stdout);
		json_str(why);
		putchar('}');
		return;
	}
	if (!sn) {
		fputs("null", stdout);
		return;
	}
	class_pages(sn, cls);
	printf("{\"ts_ns\": %llu, \"free_blocks\": %llu, \"free_pages\": %llu, "
	       "\"free_exact\": %s, \"free_list_places\": %s, "
	       "\"pageblocks\": %llu, \"pageblocks_exact\": %s, "
	       "\"vmstat_counters\": %u, \"page_classes\": {",
	       (unsigned long long)sn->ts, (unsigned long long)sn->nr_free_blocks,
	       (unsigned long long)snap_free_pages(sn),
	       sn->flags & MMT_SNAP_FREE_EXACT ? "true" : "false",
	       sn->flags & MMT_SNAP_FREE_POS ? "true" : "false",
	       (unsigned long long)sn->nr_pageblocks,
	       sn->flags & MMT_SNAP_PB_EXACT ? "true" : "false", sn->nr_vmstat);
	for (int c = 0; c < MMT_PC__COUNT; c++)
		printf("%s\"%s\": %llu", c ? ", " : "", class_names[c],
		       (unsigned long long)cls[c]);
	uint64_t mc[5];
	int m = snap_memcg(sn, mc);

	if (m > 0)
		printf("}, \"memcg\": {\"depth\": %llu, \"after\": %llu, "
		       "\"after_file_max\": %llu, \"groups\": %llu, "
		       "\"visible\": %llu}}", (unsigned long long)mc[0],
		       (unsigned long long)mc[1], (unsigned long long)mc[2],
		       (unsigned long long)mc[3], (unsigned long long)mc[4]);
	else
		printf("}, \"memcg\": %s}", m < 0 ? "\"damaged\"" : "null");
}

/* "damage": every kept line, and the totals */
static void json_damage(const struct mmt_reader *r)
{
	uint64_t lost, unknown, n = mmt_reader_damage(r, &lost, &unknown);

	printf(", \"damaged_parts\": %llu, \"events_lost_to_damage\": %llu, "
	       "\"bytes_unknown\": %llu, \"damage\": [", (unsigned long long)n,
	       (unsigned long long)lost, (unsigned long long)unknown);
	for (uint64_t i = 0; i < n && mmt_reader_damage_msg(r, i); i++) {
		printf("%s", i ? ", " : "");
		json_str(mmt_reader_damage_msg(r, i));
	}
	putchar(']');
}

/* "free_causes": pages per cause in the snapshot window, with the kernel's
 * counters beside; null when the trace has no causes. */
static void print_causes_json(struct mmt_reader *r, const struct summary *s)
{
	printf(", \"free_causes\": ");
	if (s->win_lo > s->win_hi) {
		printf("null");
		return;
	}
	printf("{\"window_ns\": [%llu, %llu], \"pages\": {",
	       (unsigned long long)s->win_lo, (unsigned long long)s->win_hi);
	for (unsigned c = 0; c < MMT_FREE__COUNT; c++)
		printf("%s\"%s\": %llu", c ? ", " : "", mmt_free_cause_name(c),
		       (unsigned long long)s->cause_pages[c]);
	printf(", \"unknown\": %llu}, \"kernel\": {",
	       (unsigned long long)s->cause_pages[MMT_FREE__COUNT]);
	for (unsigned i = 0; i < NR_CAUSE_CHECKS; i++)
		printf("%s\"%s\": {\"kernel\": %lld, \"trace\": %llu}", i ? ", " : "",
		       cause_checks[i].counter,
		       (long long)vmstat_delta(r, cause_checks[i].counter),
		       (unsigned long long)check_pages(s, &cause_checks[i]));
	printf("}}");
}

static void print_json(const char *path, struct mmt_reader *r,
		       const struct summary *s)
{
	const struct mmt_header *h = mmt_reader_header(r);
	uint64_t fbytes = mmt_reader_file_bytes(r);

	printf("{\"file\": ");
	json_str(path);
	printf(", \"format_version\": %u", h->version);
	printf(", \"events\": %llu, \"lost\": %llu, \"lost_recursion\": %llu, \"file_bytes\": %llu",
	       (unsigned long long)s->events, (unsigned long long)s->lost,
	       (unsigned long long)s->missed,
	       (unsigned long long)fbytes);
	printf(", \"duration_ns\": %llu", (unsigned long long)duration_ns(r, s));
	printf(", \"pages_allocated\": %llu, \"pages_freed\": %llu",
	       (unsigned long long)s->pages_alloc, (unsigned long long)s->pages_freed);
	printf(", \"blocks\": %llu, \"block_bytes\": %llu, \"raw_block_bytes\": %llu",
	       (unsigned long long)mmt_reader_nr_blocks(r),
	       (unsigned long long)s->comp_bytes, (unsigned long long)s->raw_bytes);
	printf(", \"bytes_per_event\": %.4f",
	       s->events ? (double)s->comp_bytes / s->events : 0.0);
	printf(", \"compression_ratio\": %.3f",
	       s->comp_bytes ? (double)s->raw_bytes / s->comp_bytes : 0.0);
	printf(", \"counts\": {");
	for (unsigned k = 1; k < MMT_EV__COUNT; k++)
		printf("%s\"%s\": %llu", k > 1 ? ", " : "", mmt_event_kind_name(k),
		       (unsigned long long)s->counts[k]);
	printf("}");
	print_causes_json(r, s);
	printf(", \"host\": {\"release\": ");
	json_str(h->release);
	printf(", \"machine\": ");
	json_str(h->machine);
	printf(", \"cpus\": %u, \"nodes\": %u, \"page_size\": %u}",
	       h->nr_cpus, h->nr_nodes, h->page_size);
	printf(", \"start_realtime_ns\": %llu", (unsigned long long)h->start_realtime_ns);
	printf(", \"zones\": [");
	for (uint32_t i = 0; i < h->nr_zones; i++) {
		const struct mmt_zone_info *z = &h->zones[i];
		printf("%s{\"node\": %d, \"name\": ", i ? ", " : "", z->node);
		json_str(z->name);
		printf(", \"start_pfn\": %llu, \"spanned\": %llu, \"present\": %llu, "
		       "\"managed\": %llu, \"min\": %llu, \"low\": %llu, \"high\": %llu",
		       (unsigned long long)z->start_pfn, (unsigned long long)z->spanned,
		       (unsigned long long)z->present, (unsigned long long)z->managed,
		       (unsigned long long)z->wmark_min, (unsigned long long)z->wmark_low,
		       (unsigned long long)z->wmark_high);
		/* the kernel's free pages at the recorder's zoneinfo
		 * samples; null when not recorded or none for this zone */
		if ((h->flags & MMT_HDR_ZONE_FREE) && i < INFO_MAX_ZONES &&
		    s->zf[i].n) {
			const struct zf_stat *f = &s->zf[i];

			printf(", \"free_samples\": {\"n\": %llu, \"min\": %llu, "
			       "\"mean\": %llu, \"max\": %llu, \"boosted\": %llu, "
			       "\"boost_max\": %llu}}", (unsigned long long)f->n,
			       (unsigned long long)f->min,
			       (unsigned long long)(f->sum / f->n),
			       (unsigned long long)f->max,
			       (unsigned long long)f->boosted,
			       (unsigned long long)f->boost_max);
		} else {
			printf(", \"free_samples\": null}");
		}
	}
	printf("], \"snapshots\": {\"start\": ");
	json_snapshot(r, 0);
	printf(", \"end\": ");
	json_snapshot(r, 1);
	printf(", \"start_state\": ");
	json_str(mmt_header_note(h, "import.start_state") ?
		 mmt_header_note(h, "import.start_state") :
		 mmt_reader_snapshot(r, 0) ? "snapshot" : "none");
	printf("}, \"truncated\": ");
	json_str(mmt_reader_stop_reason(r));
	json_damage(r);
	/* the first thing wrong: a read error, else the first damage */
	printf(", \"error\": ");
	json_str(s->error ? s->error : mmt_reader_damage_msg(r, 0));
	printf("}\n");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	const char *path;
	struct mmt_reader *r = trace_cli_open("info", argc, argv, &path, &rc);
	if (!r)
		return rc;
	struct summary s;
	int bad = summarize(r, &s);
	if (json)
		print_json(path, r, &s);
	else
		print_text(path, r, &s);
	if (bad) {	/* out of memory or a read error */
		fprintf(stderr, "mmtrace info: %s\n", s.error);
		rc = 1;
	} else {
		rc = mmt_cmd_damage_status("info", r);
	}
	mmt_reader_close(r);
	return rc;
}
