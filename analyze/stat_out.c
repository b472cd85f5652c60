/* SPDX-License-Identifier: MIT */
/*
 * `mmtrace stat` output: text tables laid out like perf kmem stat's (the
 * summaries use its labels, so the two read side by side) and one JSON
 * object with the same numbers.  Rows are sorted by the key asked for,
 * ties by site hash, pid or cache index: the same trace gives the same
 * bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stat.h"

/* ---- sorting ----------------------------------------------------------------- */

static const char *const sort_keys[] = { "bytes", "hits", "pages", "frees",
					 "leak", "pingpong", "frag", "faults" };

int stat_check_sort(const char *key)
{
	for (size_t i = 0; i < sizeof(sort_keys) / sizeof(sort_keys[0]); i++)
		if (!strcmp(key, sort_keys[i]))
			return 0;
	return -1;
}

static int key_is(const struct stat_out *o, const char *k)
{
	return o->sort && !strcmp(o->sort, k);
}

/* Internal fragmentation of a site, perf kmem's "Frag" (percent). */
static double frag(uint64_t req, uint64_t alloc)
{
	return alloc ? 100.0 - 100.0 * (double)req / (double)alloc : 0.0;
}

struct row {
	double key;
	uint64_t tie;
	uint32_t i;
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

static double site_key(const struct stat_site *t, const struct stat_out *o, int leak)
{
	if (leak || key_is(o, "leak"))
		return (double)t->leak_bytes + (double)t->leak_pages * 4096.0;
	if (key_is(o, "hits"))
		return (double)t->allocs;
	if (key_is(o, "frees"))
		return (double)t->frees;
	if (key_is(o, "pingpong"))
		return (double)t->pingpong;
	if (key_is(o, "frag"))
		return frag(t->bytes_req, t->bytes_alloc);
	if (key_is(o, "pages"))
		return (double)t->pages;
	return (double)t->bytes_alloc;
}

static double proc_key(const struct stat_proc *p, const struct stat_out *o)
{
	if (key_is(o, "bytes"))
		return (double)p->slab_bytes;
	if (key_is(o, "hits"))
		return (double)(p->page_allocs + p->slab_allocs);
	if (key_is(o, "frees"))
		return (double)(p->page_frees + p->slab_frees);
	if (key_is(o, "leak"))
		return (double)p->leak_pages * 4096.0 + (double)p->leak_bytes;
	if (key_is(o, "faults"))
		return (double)p->faults;
	return (double)p->pages;
}

static double cache_key(const struct stat_cache *c, const struct stat_out *o)
{
	if (key_is(o, "hits"))
		return (double)c->allocs;
	if (key_is(o, "frees"))
		return (double)c->frees;
	if (key_is(o, "leak"))
		return (double)c->leak_bytes;
	return (double)c->bytes_alloc;
}

/* Sorted rows of one table; which: 0 slab sites, 1 page sites, 2 leak
 * sites, 3 processes, 4 caches.  Rows with nothing to show are left out.
 * Returns the count (rows in *out, to free). */
static uint32_t sorted(const struct kmstat *s, const struct stat_out *o, int which,
		       struct row **out)
{
	uint32_t n = which == 3 ? s->nprocs : which == 4 ? s->nr_caches : s->nsites, k = 0;
	struct row *r = calloc(n ? n : 1, sizeof(*r));

	*out = r;
	if (!r)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (which <= 2) {
			const struct stat_site *t = &s->sites[i];

			if ((which == 0 && !t->allocs) || (which == 1 && !t->page_allocs) ||
			    (which == 2 && !t->leak_objs && !t->leak_pages))
				continue;
			r[k] = (struct row){ which == 1 && !o->sort ? (double)t->pages :
					     site_key(t, o, which == 2), t->site, i };
		} else if (which == 3) {
			r[k] = (struct row){ proc_key(&s->procs[i], o), s->procs[i].pid, i };
		} else {
			if (!s->caches[i].allocs && !s->caches[i].frees)
				continue;
			r[k] = (struct row){ cache_key(&s->caches[i], o), i, i };
		}
		k++;
	}
	qsort(r, k, sizeof(*r), row_cmp);
	return k;
}

static uint32_t shown(const struct stat_out *o, uint32_t n)
{
	return o->lines > 0 && (uint32_t)o->lines < n ? (uint32_t)o->lines : n;
}

/* ---- text ------------------------------------------------------------------------ */

static const char dots[] = "------------------------------------------------------------"
			   "------------------------------------------------------------";

static void line(FILE *f, int n)
{
	fprintf(f, "%.*s\n", n, dots);
}

static double dur_s(const struct kmstat *s)
{
	return (double)(s->last_ts - s->first_ts) / 1e9;
}

static void text_summary(const struct kmstat *s, FILE *f)
{
	uint64_t kb = s->h->page_size / 1024;
	uint64_t af = s->page_frees - s->page_nomatch;
	uint64_t af_pages = s->page_free_pages - s->page_nomatch_pages;

	fprintf(f, "\nSUMMARY (page allocator)\n========================\n");
	fprintf(f, "%-30s: %16llu   [ %16llu KB ]\n", "Total allocation requests",
		(unsigned long long)s->page_allocs,
		(unsigned long long)(s->page_alloc_pages * kb));
	fprintf(f, "%-30s: %16llu   [ %16llu KB ]\n\n", "Total free requests",
		(unsigned long long)s->page_frees,
		(unsigned long long)(s->page_free_pages * kb));
	fprintf(f, "%-30s: %16llu   [ %16llu KB ]\n", "Total alloc+freed requests",
		(unsigned long long)af, (unsigned long long)(af_pages * kb));
	fprintf(f, "%-30s: %16llu   [ %16llu KB ]\n", "Total alloc-only requests",
		(unsigned long long)(s->page_allocs - af),
		(unsigned long long)((s->page_alloc_pages - af_pages) * kb));
	fprintf(f, "%-30s: %16llu   [ %16llu KB ]\n\n", "Total free-only requests",
		(unsigned long long)s->page_nomatch,
		(unsigned long long)(s->page_nomatch_pages * kb));
	fprintf(f, "%-30s: %16llu   [ %16llu KB ]\n", "Total allocation failures",
		(unsigned long long)s->page_fails,
		(unsigned long long)(s->page_fail_pages * kb));

	fprintf(f, "\nSUMMARY (SLAB allocator)\n========================\n");
	fprintf(f, "Total bytes requested: %llu\n", (unsigned long long)s->bytes_req);
	fprintf(f, "Total bytes allocated: %llu\n", (unsigned long long)s->bytes_alloc);
	fprintf(f, "Total bytes freed:     %llu\n", (unsigned long long)s->bytes_freed);
	if (s->bytes_alloc > s->bytes_freed)
		fprintf(f, "Net total bytes allocated: %llu\n",
			(unsigned long long)(s->bytes_alloc - s->bytes_freed));
	fprintf(f, "Total bytes wasted on internal fragmentation: %llu\n",
		(unsigned long long)(s->bytes_alloc - s->bytes_req));
	fprintf(f, "Internal fragmentation: %f%%\n", frag(s->bytes_req, s->bytes_alloc));
	fprintf(f, "Cross CPU allocations: %llu/%llu\n",
		(unsigned long long)s->cross_node, (unsigned long long)s->slab_allocs);
	fprintf(f, "Frees: %llu (of objects allocated before the window: %llu), "
		"freed on another cpu: %llu\n", (unsigned long long)s->slab_frees,
		(unsigned long long)s->slab_frees_nomatch,
		(unsigned long long)s->pingpong);
}

static void text_sites(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	struct row *r;
	uint32_t n = sorted(s, o, 0, &r);
	char buf[40];

	fprintf(f, "\nSlab call sites, by %s (kmalloc, kmem_cache_alloc)\n",
		o->sort ? o->sort : "bytes");
	line(f, 118);
	fprintf(f, " %-40s | Total_alloc/Per | Total_req/Per   | Hit      | Ping-pong | Frag    | Live at end\n",
		"Callsite");
	line(f, 118);
	for (uint32_t k = 0; k < shown(o, n); k++) {
		const struct stat_site *t = &s->sites[r[k].i];

		fprintf(f, " %-40.40s | %9llu/%-5llu | %9llu/%-5llu | %8llu | %9llu | %6.3f%% | %llu B in %llu\n",
			stat_site_name(s, t->site, buf, sizeof(buf)),
			(unsigned long long)t->bytes_alloc,
			(unsigned long long)(t->bytes_alloc / t->allocs),
			(unsigned long long)t->bytes_req,
			(unsigned long long)(t->bytes_req / t->allocs),
			(unsigned long long)t->allocs, (unsigned long long)t->pingpong,
			frag(t->bytes_req, t->bytes_alloc),
			(unsigned long long)t->leak_bytes, (unsigned long long)t->leak_objs);
	}
	if (shown(o, n) < n)
		fprintf(f, " ... %u more\n", n - shown(o, n));
	line(f, 118);
	free(r);

	n = sorted(s, o, 1, &r);
	if (n) {
		fprintf(f, "\nPage call sites, by pages\n");
		fprintf(f, " %-40s | %12s | %10s | %12s\n", "Callsite", "Total (KB)",
			"Hits", "Live (KB)");
		for (uint32_t k = 0; k < shown(o, n); k++) {
			const struct stat_site *t = &s->sites[r[k].i];

			fprintf(f, " %-40.40s | %12llu | %10llu | %12llu\n",
				stat_site_name(s, t->site, buf, sizeof(buf)),
				(unsigned long long)(t->pages * s->h->page_size / 1024),
				(unsigned long long)t->page_allocs,
				(unsigned long long)(t->leak_pages * s->h->page_size / 1024));
		}
	}
	free(r);
}

static void text_procs(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	struct row *r;
	uint32_t n = sorted(s, o, 3, &r);
	uint64_t kb = s->h->page_size / 1024;

	fprintf(f, "\nProcesses, by %s%s\n", o->sort ? o->sort : "pages",
		s->names ? "" : " (this trace has no process names)");
	fprintf(f, " %8s %-16s %12s %12s %12s %12s %12s %10s %12s %12s\n", "PID", "COMM",
		"page allocs", "alloc KB", "freed KB", "slab allocs", "slab KB",
		"faults", "live KB", "live slab B");
	for (uint32_t k = 0; k < shown(o, n); k++) {
		const struct stat_proc *p = &s->procs[r[k].i];

		fprintf(f, " %8u %-16.16s %12llu %12llu %12llu %12llu %12llu %10llu %12llu %12llu\n",
			p->pid, stat_comm(s, p->pid), (unsigned long long)p->page_allocs,
			(unsigned long long)(p->pages * kb),
			(unsigned long long)(p->pages_freed * kb),
			(unsigned long long)p->slab_allocs,
			(unsigned long long)(p->slab_bytes / 1024),
			(unsigned long long)p->faults,
			(unsigned long long)(p->leak_pages * kb),
			(unsigned long long)p->leak_bytes);
	}
	if (shown(o, n) < n)
		fprintf(f, " ... %u more\n", n - shown(o, n));
	free(r);
}

static void text_caches(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	struct row *r;
	uint32_t n = sorted(s, o, 4, &r);
	double d = dur_s(s);

	fprintf(f, "\nSlab caches, by %s (kmalloc's cache inferred from size and gfp)\n",
		o->sort && strcmp(o->sort, "pages") ? o->sort : "bytes");
	fprintf(f, " %-24s %12s %12s %12s %10s %12s %8s %12s %12s\n", "Cache", "allocs",
		"frees", "alloc KB", "allocs/s", "churn", "churn%", "live objs",
		"live KB");
	for (uint32_t k = 0; k < shown(o, n); k++) {
		const struct stat_cache *c = &s->caches[r[k].i];

		fprintf(f, " %-24.24s %12llu %12llu %12llu %10.0f %12llu %7.1f%% %12llu %12llu\n",
			stat_cache_name(s, r[k].i), (unsigned long long)c->allocs,
			(unsigned long long)c->frees,
			(unsigned long long)(c->bytes_alloc / 1024),
			d > 0 ? (double)c->allocs / d : 0.0, (unsigned long long)c->churn,
			c->allocs ? 100.0 * (double)c->churn / (double)c->allocs : 0.0,
			(unsigned long long)c->leak_objs,
			(unsigned long long)(c->leak_bytes / 1024));
	}
	if (shown(o, n) < n)
		fprintf(f, " ... %u more\n", n - shown(o, n));
	free(r);
}

/* Migratetype columns that hold anything, by the trace's names. */
static int mt_used(const struct kmstat *s, int mt)
{
	for (int o = 0; o < STAT_ORDERS; o++)
		if (s->order_mt[o][mt])
			return 1;
	for (int b = 0; b < STAT_MT; b++)
		if (s->fallback[mt][b] || s->fallback[b][mt])
			return 1;
	return 0;
}

static void text_pages(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	char buf[256];

	fprintf(f, "\nPage allocation requests by order and migratetype (names from the trace)\n");
	fprintf(f, "%5s", "Order");
	for (int m = 0; m < STAT_MT; m++)
		if (mt_used(s, m))
			fprintf(f, "  %12s", stat_mt_name(s, m, buf, sizeof(buf)));
	fprintf(f, "\n");
	for (int ord = 0; ord < STAT_ORDERS; ord++) {
		int any = 0;

		for (int m = 0; m < STAT_MT; m++)
			any |= s->order_mt[ord][m] != 0;
		if (!any)
			continue;
		if (ord == STAT_ORDERS - 1)
			fprintf(f, "%5s", "11+");
		else
			fprintf(f, "%5d", ord);
		for (int m = 0; m < STAT_MT; m++) {
			if (!mt_used(s, m))
				continue;
			if (s->order_mt[ord][m])
				fprintf(f, "  %12llu", (unsigned long long)s->order_mt[ord][m]);
			else
				fprintf(f, "  %12c", '.');
		}
		fprintf(f, "\n");
	}

	struct row *r = calloc(s->ngfps ? s->ngfps : 1, sizeof(*r));
	if (!r)
		return;
	for (uint32_t i = 0; i < s->ngfps; i++)
		r[i] = (struct row){ (double)s->gfps[i].pages, s->gfps[i].gfp, i };
	qsort(r, s->ngfps, sizeof(*r), row_cmp);
	fprintf(f, "\nPage allocations by GFP flags, by pages\n");
	fprintf(f, " %12s %12s  %s\n", "requests", "KB", "GFP flags");
	for (uint32_t k = 0; k < shown(o, s->ngfps); k++) {
		const struct stat_gfp *g = &s->gfps[r[k].i];

		fprintf(f, " %12llu %12llu  %s\n", (unsigned long long)g->allocs,
			(unsigned long long)(g->pages * s->h->page_size / 1024),
			mmt_gfp_str(s->h, g->gfp, buf, sizeof(buf)));
	}
	free(r);
}

static void text_fallbacks(const struct kmstat *s, FILE *f)
{
	char a[32], b[32];
	int any = 0;

	fprintf(f, "\nMigratetype fallbacks (mm_page_alloc_extfrag), by type pair\n");
	fprintf(f, " %-12s -> %-12s %10s %16s\n", "wanted", "took", "count",
		"claimed block");
	for (int x = 0; x < STAT_MT; x++)
		for (int y = 0; y < STAT_MT; y++) {
			if (!s->fallback[x][y])
				continue;
			any = 1;
			fprintf(f, " %-12s -> %-12s %10llu %16llu\n",
				stat_mt_name(s, x, a, sizeof(a)),
				stat_mt_name(s, y, b, sizeof(b)),
				(unsigned long long)s->fallback[x][y],
				(unsigned long long)s->fallback_claimed[x][y]);
		}
	if (!any)
		fprintf(f, " none\n");
}

static void text_leaks(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	struct row *r;
	uint32_t n = sorted(s, o, 2, &r);
	char buf[40];
	uint64_t objs = 0, bytes = 0;

	for (uint32_t i = 0; i < s->nsites; i++) {
		objs += s->sites[i].leak_objs;
		bytes += s->sites[i].leak_bytes;
	}
	fprintf(f, "\nOutstanding at the end (allocated in the window, not freed), by call site\n");
	fprintf(f, " %llu slab objects (%llu bytes), %llu pages (%llu KB)\n",
		(unsigned long long)objs, (unsigned long long)bytes,
		(unsigned long long)s->leak_pages,
		(unsigned long long)(s->leak_pages * s->h->page_size / 1024));
	fprintf(f, " %12s %10s %10s  %s\n", "bytes", "objects", "pages", "Callsite");
	for (uint32_t k = 0; k < shown(o, n); k++) {
		const struct stat_site *t = &s->sites[r[k].i];

		fprintf(f, " %12llu %10llu %10llu  %s\n", (unsigned long long)t->leak_bytes,
			(unsigned long long)t->leak_objs, (unsigned long long)t->leak_pages,
			stat_site_name(s, t->site, buf, sizeof(buf)));
	}
	free(r);
}

int stat_print_text(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	if (o->sections & STAT_S_SUMMARY)
		text_summary(s, f);
	if (o->sections & STAT_S_SITES)
		text_sites(s, o, f);
	if (o->sections & STAT_S_PROCS)
		text_procs(s, o, f);
	if (o->sections & STAT_S_CACHES)
		text_caches(s, o, f);
	if (o->sections & STAT_S_PAGES)
		text_pages(s, o, f);
	if (o->sections & STAT_S_FALLBACK)
		text_fallbacks(s, f);
	if (o->sections & STAT_S_LEAKS)
		text_leaks(s, o, f);
	return ferror(f) ? -1 : 0;
}

/* ---- JSON ------------------------------------------------------------------------ */

#define U(x) ((unsigned long long)(x))

static void json_sites(const struct kmstat *s, const struct stat_out *o, FILE *f,
		       int which, const char *name)
{
	struct row *r;
	uint32_t n = sorted(s, o, which, &r);
	char buf[40];

	fprintf(f, ",\n\"%s\": [", name);
	for (uint32_t k = 0; k < shown(o, n); k++) {
		const struct stat_site *t = &s->sites[r[k].i];

		fprintf(f, "%s\n {\"site\": \"0x%016llx\", \"name\": ", k ? "," : "", U(t->site));
		if (s->names && mmt_names_sym(s->names, t->site))
			mmt_json_str(f, stat_site_name(s, t->site, buf, sizeof(buf)));
		else
			fputs("null", f);
		fprintf(f, ", \"hits\": %llu, \"bytes_alloc\": %llu, \"bytes_req\": %llu, "
			"\"frees\": %llu, \"bytes_freed\": %llu, \"pingpong\": %llu, "
			"\"page_allocs\": %llu, \"pages\": %llu, \"live_objects\": %llu, "
			"\"live_bytes\": %llu, \"live_pages\": %llu}",
			U(t->allocs), U(t->bytes_alloc), U(t->bytes_req), U(t->frees),
			U(t->bytes_freed), U(t->pingpong), U(t->page_allocs), U(t->pages),
			U(t->leak_objs), U(t->leak_bytes), U(t->leak_pages));
	}
	fprintf(f, "]");
	free(r);
}

static void json_procs(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	struct row *r;
	uint32_t n = sorted(s, o, 3, &r);

	fprintf(f, ",\n\"processes\": [");
	for (uint32_t k = 0; k < shown(o, n); k++) {
		const struct stat_proc *p = &s->procs[r[k].i];

		fprintf(f, "%s\n {\"pid\": %u, \"comm\": ", k ? "," : "", p->pid);
		if (s->names && mmt_names_comm(s->names, p->pid, UINT64_MAX))
			mmt_json_str(f, stat_comm(s, p->pid));
		else
			fputs("null", f);
		fprintf(f, ", \"page_allocs\": %llu, \"pages\": %llu, \"page_frees\": %llu, "
			"\"pages_freed\": %llu, \"slab_allocs\": %llu, \"slab_bytes\": %llu, "
			"\"slab_frees\": %llu, \"faults\": %llu, \"live_pages\": %llu, "
			"\"live_slab_bytes\": %llu}", U(p->page_allocs), U(p->pages),
			U(p->page_frees), U(p->pages_freed), U(p->slab_allocs),
			U(p->slab_bytes), U(p->slab_frees), U(p->faults), U(p->leak_pages),
			U(p->leak_bytes));
	}
	fprintf(f, "]");
	free(r);
}

static void json_caches(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	struct row *r;
	uint32_t n = sorted(s, o, 4, &r);

	fprintf(f, ",\n\"caches\": [");
	for (uint32_t k = 0; k < shown(o, n); k++) {
		const struct stat_cache *c = &s->caches[r[k].i];

		fprintf(f, "%s\n {\"cache\": ", k ? "," : "");
		mmt_json_str(f, stat_cache_name(s, r[k].i));
		fprintf(f, ", \"allocs\": %llu, \"frees\": %llu, \"bytes_alloc\": %llu, "
			"\"bytes_req\": %llu, \"churn\": %llu, \"live_objects\": %llu, "
			"\"live_bytes\": %llu}", U(c->allocs), U(c->frees), U(c->bytes_alloc),
			U(c->bytes_req), U(c->churn), U(c->leak_objs), U(c->leak_bytes));
	}
	fprintf(f, "]");
	free(r);
}

static void json_pages(const struct kmstat *s, FILE *f)
{
	char buf[256];
	int first = 1;

	fprintf(f, ",\n\"orders\": [");
	for (int ord = 0; ord < STAT_ORDERS; ord++)
		for (int m = 0; m < STAT_MT; m++) {
			if (!s->order_mt[ord][m])
				continue;
			fprintf(f, "%s\n {\"order\": %d, \"migratetype\": ", first ? "" : ",", ord);
			mmt_json_str(f, stat_mt_name(s, m, buf, sizeof(buf)));
			fprintf(f, ", \"requests\": %llu, \"pages\": %llu}",
				U(s->order_mt[ord][m]), U(s->order_mt_pages[ord][m]));
			first = 0;
		}
	fprintf(f, "],\n\"gfp\": [");
	for (uint32_t i = 0; i < s->ngfps; i++) {
		fprintf(f, "%s\n {\"gfp\": \"0x%llx\", \"flags\": ", i ? "," : "",
			U(s->gfps[i].gfp));
		mmt_json_str(f, mmt_gfp_str(s->h, s->gfps[i].gfp, buf, sizeof(buf)));
		fprintf(f, ", \"requests\": %llu, \"pages\": %llu}", U(s->gfps[i].allocs),
			U(s->gfps[i].pages));
	}
	fprintf(f, "],\n\"fallbacks\": [");
	first = 1;
	for (int x = 0; x < STAT_MT; x++)
		for (int y = 0; y < STAT_MT; y++) {
			char b2[32];

			if (!s->fallback[x][y])
				continue;
			fprintf(f, "%s\n {\"wanted\": ", first ? "" : ",");
			mmt_json_str(f, stat_mt_name(s, x, buf, sizeof(buf)));
			fprintf(f, ", \"took\": ");
			mmt_json_str(f, stat_mt_name(s, y, b2, sizeof(b2)));
			fprintf(f, ", \"count\": %llu, \"claimed\": %llu}", U(s->fallback[x][y]),
				U(s->fallback_claimed[x][y]));
			first = 0;
		}
	fprintf(f, "]");
}

int stat_print_json(const struct kmstat *s, const struct stat_out *o, FILE *f)
{
	uint64_t af = s->page_frees - s->page_nomatch;

	fprintf(f, "{\"events_read\": %llu, \"events_matched\": %llu, \"lost\": %llu, "
		"\"first_ts_ns\": %llu, \"last_ts_ns\": %llu, \"names\": %s,\n",
		U(s->events), U(s->matched), U(s->lost), U(s->first_ts), U(s->last_ts),
		s->names ? "true" : "false");
	fprintf(f, "\"page\": {\"alloc_requests\": %llu, \"alloc_pages\": %llu, "
		"\"free_requests\": %llu, \"free_pages\": %llu, \"alloc_freed_requests\": %llu, "
		"\"free_only_requests\": %llu, \"failures\": %llu, \"failure_pages\": %llu, "
		"\"live_requests\": %llu, \"live_pages\": %llu, \"fallbacks\": %llu},\n",
		U(s->page_allocs), U(s->page_alloc_pages), U(s->page_frees),
		U(s->page_free_pages), U(af), U(s->page_nomatch), U(s->page_fails),
		U(s->page_fail_pages), U(s->leak_page_allocs), U(s->leak_pages),
		U(s->fallback_pages));
	fprintf(f, "\"slab\": {\"allocs\": %llu, \"bytes_req\": %llu, \"bytes_alloc\": %llu, "
		"\"frees\": %llu, \"bytes_freed\": %llu, \"frees_unmatched\": %llu, "
		"\"cross_node\": %llu, \"pingpong\": %llu, \"live_objects\": %llu},\n",
		U(s->slab_allocs), U(s->bytes_req), U(s->bytes_alloc), U(s->slab_frees),
		U(s->bytes_freed), U(s->slab_frees_nomatch), U(s->cross_node),
		U(s->pingpong), U(s->live_objs.nr));
	fprintf(f, "\"faults\": {\"user\": %llu, \"kernel\": %llu}",
		U(s->faults_user), U(s->faults_kernel));
	json_sites(s, o, f, 0, "sites");
	json_sites(s, o, f, 1, "page_sites");
	json_procs(s, o, f);
	json_caches(s, o, f);
	json_pages(s, f);
	json_sites(s, o, f, 2, "leaks");
	fprintf(f, "\n}\n");
	return ferror(f) ? -1 : 0;
}
