/* SPDX-License-Identifier: MIT */
/*
 * Host facts for the trace header: everything the model needs to rebuild
 * this machine's memory manager (zones, watermarks, sysctls, topology) and
 * to decode this kernel's numbers by name (gfp bits, migratetypes, zone
 * types).  Every source is a /proc or /sys file or the kernel's BTF;
 * a missing one becomes a header note, never an error.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "collector.h"

int coll_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return (int)n;
}

uint64_t coll_now_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Truncating copy; always NUL-terminated. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

void coll_note(struct mmt_header *h, const char *name, const char *value)
{
	struct mmt_kv *n = realloc(h->notes, (h->nr_notes + 1) * sizeof(*n));

	if (!n)
		return;
	h->notes = n;
	memset(&n[h->nr_notes], 0, sizeof(*n));
	copy_str(n[h->nr_notes].name, sizeof(n->name), name);
	copy_str(n[h->nr_notes].value, sizeof(n->value), value);
	h->nr_notes++;
}

static int named_push(struct mmt_named_value **arr, uint32_t *nr,
		      const char *name, uint64_t value)
{
	struct mmt_named_value *a = realloc(*arr, (*nr + 1) * sizeof(*a));

	if (!a)
		return -1;
	*arr = a;
	memset(&a[*nr], 0, sizeof(*a));
	copy_str(a[*nr].name, sizeof(a->name), name);
	a[*nr].value = value;
	(*nr)++;
	return 0;
}

/* ---- BTF enums: gfp bits, migratetypes, zone types ----------------------- */

/* Copies the enumerators of the enum named `ename` (or, when ename is
 * NULL, of the first enum having an enumerator starting with `prefix`). */
static const struct btf_type *find_enum(const struct btf *btf,
					const char *ename, const char *prefix)
{
	uint32_t n = btf__type_cnt(btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!btf_is_enum(t) || !btf_vlen(t))
			continue;
		if (ename) {
			const char *nm = btf__name_by_offset(btf, t->name_off);

			if (nm && !strcmp(nm, ename))
				return t;
			continue;
		}
		const struct btf_enum *e = btf_enum(t);
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *nm = btf__name_by_offset(btf, e[i].name_off);

			if (nm && !strncmp(nm, prefix, strlen(prefix)))
				return t;
		}
	}
	return NULL;
}

/* 6.10+ has enum { ___GFP_DMA_BIT, ___GFP_HIGHMEM_BIT, ... }: each bit's
 * position by name.  Named here "__GFP_DMA" with its mask, as the kernel's
 * own __GFP_* macros are. */
static int gfp_from_btf(struct mmt_header *h, const struct btf *btf)
{
	const struct btf_type *t = find_enum(btf, NULL, "___GFP_");
	const struct btf_enum *e;

	if (!t)
		return -1;
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *nm = btf__name_by_offset(btf, e[i].name_off);
		size_t l = nm ? strlen(nm) : 0;
		char name[MMT_NAME_LEN];

		if (l < 8 || strcmp(nm + l - 4, "_BIT") || strstr(nm, "LAST"))
			continue;
		if (e[i].val < 0 || e[i].val >= 64)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 5), nm + 1);
		named_push(&h->gfp_bits, &h->nr_gfp_bits, name,
			   1ull << e[i].val);
	}
	return h->nr_gfp_bits ? 0 : -1;
}

/* Tiny evaluator for the constant expressions in tracefs print fmts, e.g.
 * "(( gfp_t)((((1UL))) << (6)))" or "(( gfp_t)0x40u)": numbers, casts
 * (skipped), parentheses, <<, |. */
struct expr {
	const char *p;
};

static uint64_t expr_or(struct expr *x);

static void expr_ws(struct expr *x)
{
	while (*x->p == ' ')
		x->p++;
}

static uint64_t expr_atom(struct expr *x)
{
	uint64_t v = 0;

	expr_ws(x);
	if (*x->p == '(') {
		const char *q = x->p + 1;

		while (*q == ' ')
			q++;
		/* a cast: "( gfp_t)" or "(unsigned long)" */
		if (isalpha((unsigned char)*q) || *q == '_') {
			while (*q && *q != ')')
				q++;
			x->p = *q ? q + 1 : q;
			return expr_atom(x);
		}
		x->p++;
		v = expr_or(x);
		expr_ws(x);
		if (*x->p == ')')
			x->p++;
		return v;
	}
	if (isdigit((unsigned char)*x->p)) {
		char *end;

		v = strtoull(x->p, &end, 0);
		while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
			end++;
		x->p = end;
	}
	return v;
}

static uint64_t expr_shift(struct expr *x)
{
	uint64_t v = expr_atom(x);

	for (;;) {
		expr_ws(x);
		if (x->p[0] != '<' || x->p[1] != '<')
			return v;
		x->p += 2;
		uint64_t s = expr_atom(x);
		v = s < 64 ? v << s : 0;
	}
}

static uint64_t expr_or(struct expr *x)
{
	uint64_t v = expr_shift(x);

	for (;;) {
		expr_ws(x);
		if (*x->p != '|')
			return v;
		x->p++;
		v |= expr_shift(x);
	}
}

/* Older kernels: the print fmt of kmem/mm_page_alloc lists every flag as
 * {value, "name"}; single-bit __GFP_* entries give the layout. */
static int gfp_from_tracefs(struct mmt_header *h)
{
	static char buf[65536];
	char path[128], why[160];
	const char *p, *root = coll_tracefs(NULL, why, sizeof(why));

	if (!root) {
		coll_note(h, "gfp_bits.tracefs", why);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/events/kmem/mm_page_alloc/format", root);
	if (coll_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "print fmt:");
	while (p && (p = strchr(p, '{')) != NULL) {
		const char *comma, *q1, *q2;
		char expr[512], name[MMT_NAME_LEN];
		uint64_t v;

		p++;
		q1 = strstr(p, ", \"");
		comma = q1;
		if (!q1)
			break;
		q2 = strchr(q1 + 3, '"');
		if (!q2 || (size_t)(comma - p) >= sizeof(expr))
			continue;
		snprintf(expr, sizeof(expr), "%.*s", (int)(comma - p), p);
		snprintf(name, sizeof(name), "%.*s", (int)(q2 - q1 - 3), q1 + 3);
		if (strncmp(name, "__GFP_", 6))
			continue;
		struct expr x = { expr };
		v = expr_or(&x);
		if (v && !(v & (v - 1)))
			named_push(&h->gfp_bits, &h->nr_gfp_bits, name, v);
		p = q2;
	}
	return h->nr_gfp_bits ? 0 : -1;
}

static void enum_to_table(const struct btf *btf, const char *ename,
			  struct mmt_named_value **arr, uint32_t *nr)
{
	const struct btf_type *t = btf ? find_enum(btf, ename, NULL) : NULL;
	const struct btf_enum *e;

	if (!t)
		return;
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++)
		named_push(arr, nr, btf__name_by_offset(btf, e[i].name_off),
			   (uint64_t)(int64_t)e[i].val);
}

/* The kernel's numbering of what the pressure events store as numbers
 * (event.h): one note per value, "enum.compact_result.2" = "COMPACT_SKIPPED". */
static void note_enums(struct mmt_header *h, const struct btf *btf)
{
	static const char *const enums[] = { "compact_result", "migrate_mode",
		"migrate_reason", "vmscan_throttle_state", "lru_list" };

	for (size_t k = 0; k < sizeof(enums) / sizeof(enums[0]); k++) {
		const struct btf_type *t = find_enum(btf, enums[k], NULL);
		const struct btf_enum *e;

		if (!t)
			continue;
		e = btf_enum(t);
		for (int i = 0; i < btf_vlen(t); i++) {
			char key[48];

			snprintf(key, sizeof(key), "enum.%s.%d", enums[k], e[i].val);
			coll_note(h, key, btf__name_by_offset(btf, e[i].name_off));
		}
	}
}

/* Without BTF: the names /proc/pagetypeinfo prints, in its order (which
 * is the enum's order, see migratetype_names[] in mm/vmstat.c). */
static void migratetypes_from_proc(struct mmt_header *h)
{
	static char buf[16384];
	char *p, *save;
	int n = 0;

	if (coll_read_file("/proc/pagetypeinfo", buf, sizeof(buf)) <= 0)
		return;
	p = strstr(buf, "Number of blocks type");
	if (!p)
		return;
	p = strtok_r(p + strlen("Number of blocks type"), " \n", &save);
	for (; p && strcmp(p, "Node"); p = strtok_r(NULL, " \n", &save)) {
		char name[MMT_NAME_LEN];

		snprintf(name, sizeof(name), "MIGRATE_%.20s", p);
		for (char *c = name; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		named_push(&h->migratetypes, &h->nr_migratetypes, name, n++);
	}
}

/* ---- topology ------------------------------------------------------------ */

static int node_of_cpu(int cpu)
{
	char path[128];
	DIR *d;
	struct dirent *de;
	int node = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "node", 4) && isdigit((unsigned char)de->d_name[4]))
			node = atoi(de->d_name + 4);
	closedir(d);
	return node;
}

static void fill_topology(struct mmt_header *h)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	uint32_t nodes = 0;
	char path[128], buf[1024];

	if (ncpu < 1)
		ncpu = 1;
	h->nr_cpus = (uint32_t)ncpu;
	h->cpu_node = calloc(h->nr_cpus, sizeof(*h->cpu_node));
	for (uint32_t c = 0; h->cpu_node && c < h->nr_cpus; c++)
		h->cpu_node[c] = node_of_cpu((int)c);
	for (;;) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/distance",
			 nodes);
		if (access(path, R_OK))
			break;
		nodes++;
	}
	if (!nodes) {
		nodes = 1;
		coll_note(h, "topology", "no /sys/devices/system/node: one node");
	}
	h->nr_nodes = nodes;
	h->node_distance = calloc((size_t)nodes * nodes, sizeof(uint32_t));
	for (uint32_t n = 0; h->node_distance && n < nodes; n++) {
		char *p = buf, *end;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/distance", n);
		if (coll_read_file(path, buf, sizeof(buf)) <= 0)
			buf[0] = 0;
		for (uint32_t m = 0; m < nodes; m++) {
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				v = n == m ? 10 : 20;
			h->node_distance[n * nodes + m] = (uint32_t)v;
			p = end;
		}
	}
}

/* ---- sysctls -------------------------------------------------------------- */

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mmt_kv *)a)->name,
		      ((const struct mmt_kv *)b)->name);
}

static void fill_sysctls(struct mmt_header *h)
{
	DIR *d = opendir("/proc/sys/vm");
	struct dirent *de;

	if (!d) {
		coll_note(h, "sysctls", "/proc/sys/vm unreadable");
		return;
	}
	while ((de = readdir(d))) {
		char path[320], buf[256];
		struct mmt_kv *kv;
		int n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/sys/vm/%s", de->d_name);
		n = coll_read_file(path, buf, sizeof(buf));
		if (n < 0)
			continue;	/* write-only: drop_caches, compact_memory */
		while (n > 0 && isspace((unsigned char)buf[n - 1]))
			buf[--n] = 0;
		for (char *c = buf; *c; c++)
			if (*c == '\t' || *c == '\n')
				*c = ' ';
		kv = realloc(h->sysctls, (h->nr_sysctls + 1) * sizeof(*kv));
		if (!kv)
			break;
		h->sysctls = kv;
		memset(&kv[h->nr_sysctls], 0, sizeof(*kv));
		snprintf(kv[h->nr_sysctls].name, sizeof(kv->name), "vm.%.40s", de->d_name);
		copy_str(kv[h->nr_sysctls].value, sizeof(kv->value), buf);
		h->nr_sysctls++;
	}
	closedir(d);
	qsort(h->sysctls, h->nr_sysctls, sizeof(*h->sysctls), kv_cmp);
}

/* ---- slab caches ----------------------------------------------------------- */

static uint32_t read_u32_at(const char *dir, const char *name, const char *file)
{
	char path[512], buf[64];

	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, file);
	if (coll_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	return (uint32_t)strtoul(buf, NULL, 10);
}

static int slab_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mmt_slab_cache *)a)->name,
		      ((const struct mmt_slab_cache *)b)->name);
}

/* Every name under /sys/kernel/slab, aliases included: a merged cache's
 * kmem_cache->name is one of its alias symlinks.  Sorted by name; the
 * last entry "(unlisted)" stands for caches created after the start. */
static void fill_slab(struct mmt_header *h)
{
	const char *dir = "/sys/kernel/slab";
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		coll_note(h, "slab", "/sys/kernel/slab unreadable");
	} else {
		char (*targets)[64] = NULL;
		uint32_t first = h->nr_slab_caches;

		while ((de = readdir(d))) {
			struct mmt_slab_cache *c;
			char link[512], tgt[256];
			ssize_t tl;
			uint32_t same = UINT32_MAX;

			if (de->d_name[0] == '.' || strlen(de->d_name) >= MMT_NAME_LEN)
				continue;
			/* aliases are symlinks to one directory: read it once
			 * (sysfs slab attributes are slow to read) */
			snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
			tl = readlink(link, tgt, sizeof(tgt) - 1);
			tgt[tl > 0 ? tl : 0] = 0;
			if (tl > 0) {
				const char *base = strrchr(tgt, '/');

				base = base ? base + 1 : tgt;
				memmove(tgt, base, strlen(base) + 1);
			} else {
				snprintf(tgt, sizeof(tgt), "%.255s", de->d_name);
			}
			for (uint32_t i = first; targets && i < h->nr_slab_caches; i++)
				if (!strncmp(targets[i - first], tgt, 63))
					same = i;
			char (*t)[64] = realloc(targets, (h->nr_slab_caches - first + 1) * 64);
			if (!t)
				break;
			targets = t;
			snprintf(targets[h->nr_slab_caches - first], 64, "%.63s", tgt);
			c = realloc(h->slab_caches, (h->nr_slab_caches + 1) * sizeof(*c));
			if (!c)
				break;
			h->slab_caches = c;
			c += h->nr_slab_caches;
			memset(c, 0, sizeof(*c));
			copy_str(c->name, sizeof(c->name), de->d_name);
			if (same != UINT32_MAX) {
				struct mmt_slab_cache *o = &h->slab_caches[same];

				c->object_size = o->object_size;
				c->slab_size = o->slab_size;
				c->objs_per_slab = o->objs_per_slab;
				c->order = o->order;
				c->align = o->align;
				h->nr_slab_caches++;
				continue;
			}
			c->object_size = read_u32_at(dir, de->d_name, "object_size");
			c->slab_size = read_u32_at(dir, de->d_name, "slab_size");
			c->objs_per_slab = read_u32_at(dir, de->d_name, "objs_per_slab");
			c->order = read_u32_at(dir, de->d_name, "order");
			c->align = read_u32_at(dir, de->d_name, "align");
			h->nr_slab_caches++;
		}
		closedir(d);
		free(targets);
		qsort(h->slab_caches, h->nr_slab_caches, sizeof(*h->slab_caches),
		      slab_cmp);
	}
	struct mmt_slab_cache *c = realloc(h->slab_caches,
					   (h->nr_slab_caches + 1) * sizeof(*c));
	if (!c)
		return;
	h->slab_caches = c;
	memset(&c[h->nr_slab_caches], 0, sizeof(*c));
	copy_str(c[h->nr_slab_caches].name, sizeof(c->name), "(unlisted)");
	h->nr_slab_caches++;
}

/* ---- zones ----------------------------------------------------------------- */

static int zone_type_of(const struct mmt_header *h, const char *name, int guess)
{
	char want[MMT_NAME_LEN + 8];

	snprintf(want, sizeof(want), "ZONE_%.24s", name);
	for (char *c = want; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	for (uint32_t i = 0; h && i < h->nr_zone_types; i++)
		if (!strcmp(h->zone_types[i].name, want))
			return (int)h->zone_types[i].value;
	return guess;
}

static uint64_t field_u64(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* Parses /proc/zoneinfo (format of zoneinfo_show_print(), mm/vmstat.c). */
int coll_read_zoneinfo(const struct mmt_header *h, struct mmt_zone_info **out)
{
	FILE *f = fopen("/proc/zoneinfo", "re");
	struct mmt_zone_info *zones = NULL, *z = NULL;
	char line[512];
	int nr = 0, cpu = -1, guess = 0, lastnode = -1;

	*out = NULL;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int node;
		char name[32];
		const char *p = line;

		if (sscanf(line, "Node %d, zone %31s", &node, name) == 2) {
			struct mmt_zone_info *nz = realloc(zones, (nr + 1) * sizeof(*nz));

			if (!nz)
				break;
			zones = nz;
			z = &zones[nr++];
			memset(z, 0, sizeof(*z));
			if (node != lastnode)
				guess = 0;
			lastnode = node;
			z->node = node;
			z->zone_idx = zone_type_of(h, name, guess++);
			copy_str(z->name, sizeof(z->name), name);
			cpu = -1;
			continue;
		}
		if (!z)
			continue;
		while (*p == ' ')
			p++;
		if (!strncmp(p, "pages free", 10))
			z->nr_free = field_u64(p, "pages free");
		else if (!strncmp(p, "boost ", 6))
			z->boost = field_u64(p, "boost");
		else if (!strncmp(p, "min ", 4))
			z->wmark_min = field_u64(p, "min");
		else if (!strncmp(p, "low ", 4))
			z->wmark_low = field_u64(p, "low");
		else if (!strncmp(p, "high ", 5))
			z->wmark_high = field_u64(p, "high");
		else if (!strncmp(p, "promo ", 6))
			z->wmark_promo = field_u64(p, "promo");
		else if (!strncmp(p, "spanned ", 8))
			z->spanned = field_u64(p, "spanned");
		else if (!strncmp(p, "present ", 8))
			z->present = field_u64(p, "present");
		else if (!strncmp(p, "managed ", 8))
			z->managed = field_u64(p, "managed");
		else if (!strncmp(p, "start_pfn:", 10))
			z->start_pfn = field_u64(p, "start_pfn:");
		else if (!strncmp(p, "cpu: ", 5))
			cpu = atoi(p + 5);
		else if (cpu == 0 && !strncmp(p, "high: ", 6))
			z->pcp_high = (uint32_t)field_u64(p, "high:");
		else if (cpu == 0 && !strncmp(p, "batch: ", 7))
			z->pcp_batch = (uint32_t)field_u64(p, "batch:");
		else if (cpu == 0 && !strncmp(p, "high_min:", 9))
			z->pcp_high_min = (uint32_t)field_u64(p, "high_min:");
		else if (cpu == 0 && !strncmp(p, "high_max:", 9))
			z->pcp_high_max = (uint32_t)field_u64(p, "high_max:");
		else if (!strncmp(p, "protection: (", 13)) {
			char *q = (char *)p + 13, *end;

			while (z->nr_reserve < MMT_MAX_ZONE_TYPES) {
				uint64_t v = strtoull(q, &end, 10);

				if (end == q)
					break;
				z->lowmem_reserve[z->nr_reserve++] = v;
				q = end;
				while (*q == ',' || *q == ' ')
					q++;
			}
		}
	}
	fclose(f);
	*out = zones;
	return nr;
}

/* ---- the header ------------------------------------------------------------ */

static void fill_orders(struct mmt_header *h)
{
	char buf[4096], *p;

	h->pageblock_order = 0;
	if (coll_read_file("/proc/pagetypeinfo", buf, sizeof(buf)) > 0 &&
	    (p = strstr(buf, "Page block order:")))
		h->pageblock_order = (uint32_t)atoi(p + strlen("Page block order:"));
	else
		coll_note(h, "pageblock_order", "unknown (/proc/pagetypeinfo unreadable)");
	h->max_order = MMT_MAX_ORDER;
	if (coll_read_file("/proc/buddyinfo", buf, sizeof(buf)) > 0) {
		char *line = buf, *nl = strchr(buf, '\n');
		int cols = 0;

		if (nl)
			*nl = 0;
		p = strstr(line, "zone");
		if (p) {
			strtok(p + 4, " ");	/* zone name */
			while (strtok(NULL, " "))
				cols++;
		}
		if (cols > 0 && cols <= MMT_NR_ORDERS)
			h->max_order = (uint32_t)cols - 1;
	}
}

/* Swap is a host fact reclaim needs (get_scan_count() scans no anon pages
 * without it): SwapTotal/SwapFree of /proc/meminfo, in kB, as notes
 * "meminfo.SwapTotal" / "meminfo.SwapFree". */
static void fill_meminfo(struct mmt_header *h)
{
	static const char *const keys[] = { "SwapTotal", "SwapFree" };
	char buf[8192];

	if (coll_read_file("/proc/meminfo", buf, sizeof(buf)) <= 0) {
		coll_note(h, "meminfo", "/proc/meminfo unreadable");
		return;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char name[32], val[32];
		const char *p = strstr(buf, keys[i]);
		size_t kl = strlen(keys[i]);

		while (p && ((p != buf && p[-1] != '\n') || p[kl] != ':'))
			p = strstr(p + 1, keys[i]);
		if (!p)
			continue;
		snprintf(name, sizeof(name), "meminfo.%s", keys[i]);
		snprintf(val, sizeof(val), "%llu",
			 strtoull(p + kl + 1, NULL, 10));
		coll_note(h, name, val);
	}
}

int coll_host_fill(struct mmt_header *h, const struct btf *btf, char *err,
		   size_t errlen)
{
	struct utsname u;

	(void)err;
	(void)errlen;
	h->version = MMT_FORMAT_VERSION;
	if (!uname(&u)) {
		copy_str(h->release, sizeof(h->release), u.release);
		copy_str(h->machine, sizeof(h->machine), u.machine);
	}
	h->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	fill_orders(h);
	fill_topology(h);
	fill_sysctls(h);
	fill_meminfo(h);

	if (btf) {
		enum_to_table(btf, "migratetype", &h->migratetypes, &h->nr_migratetypes);
		enum_to_table(btf, "zone_type", &h->zone_types, &h->nr_zone_types);
		note_enums(h, btf);
	}
	if (!h->nr_migratetypes)
		migratetypes_from_proc(h);
	if (!h->nr_zone_types) {
		static const char *const names[] = { "ZONE_DMA", "ZONE_DMA32",
			"ZONE_NORMAL", "ZONE_MOVABLE" };
		for (int i = 0; i < 4; i++)
			named_push(&h->zone_types, &h->nr_zone_types, names[i], i);
		coll_note(h, "zone_types", "no BTF: assumed x86-64 DMA, DMA32, Normal, Movable");
	}
	if (btf && !gfp_from_btf(h, btf)) {
		coll_note(h, "gfp_bits", "BTF enum ___GFP_*_BIT");
	} else if (!gfp_from_tracefs(h)) {
		coll_note(h, "gfp_bits", "tracefs print fmt of kmem/mm_page_alloc");
	} else {
		coll_note(h, "gfp_bits", "unknown: no BTF enum and no tracefs format");
	}

	int nz = coll_read_zoneinfo(h, &h->zones);
	if (nz < 0) {
		coll_note(h, "zones", "/proc/zoneinfo unreadable");
		nz = 0;
	}
	h->nr_zones = (uint32_t)nz;
	fill_slab(h);
	return 0;
}
