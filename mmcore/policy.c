/* SPDX-License-Identifier: MIT */
/*
 * Policy: the vm sysctls the model uses, by their /proc/sys/vm names, with
 * the kernel's defaults and range checks (kernel/sysctl.c, the mm sysctl tables).
 * THP settings use the names of /sys/kernel/mm/transparent_hugepage.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct knob {
	const char *name;
	size_t off;
	int min, max, def;
	const char *what;		/* one line, for `mmtrace list sysctls` */
};

#define K(f, lo, hi, d, w) { #f, offsetof(struct mmc_policy, f), lo, hi, d, w }
static const struct knob knobs[] = {
	K(zone_reclaim_mode, 0, 7, 0,
	  "bits: 1 reclaim the local node before going remote, 2 write dirty pages (swap only: no file pages since 6.17), 4 unmap"),
	K(min_free_kbytes, -1, 1 << 30, -1,	/* -1: kernel default */
	  "reserve behind the min watermarks (-1: the kernel's sqrt(16 * lowmem KiB))"),
	K(watermark_scale_factor, 1, 3000, 10,
	  "gap between the min, low and high watermarks, in 1/10000 of a zone"),
	K(watermark_boost_factor, 0, 1 << 30, 15000,
	  "watermark boost after a fragmenting fallback, in 1/10000 of the high mark"),
	K(percpu_pagelist_high_fraction, 0, 1 << 30, 0,
	  "pcp high as 1/N of a zone (0: sized from the zone's low mark and cpus)"),
	K(min_unmapped_ratio, 0, 100, 1,
	  "node reclaim skips a node with less reclaimable page cache (% of it)"),
	K(min_slab_ratio, 0, 100, 5,
	  "node reclaim skips a node with less reclaimable slab (% of it)"),
	K(swappiness, 0, 200, 60,
	  "reclaim's weight of anonymous against file pages"),
	K(compaction_proactiveness, 0, 100, 20,
	  "how hard kcompactd compacts in the background (0: never)"),
	K(extfrag_threshold, 0, 1000, 500,
	  "compact rather than reclaim above this fragmentation index"),
	K(defrag_mode, 0, 1, 0,		/* 6.15+ */
	  "1: reclaim and compact before any fragmenting fallback (6.15+)"),
	K(node_reclaim_distance, 10, 255, 30,
	  "RECLAIM_DISTANCE (a kernel constant, not a sysctl): node reclaim's reach"),
	K(dirty_background_ratio, 0, 100, 10,
	  "the flusher writes in the background above this % of dirtyable memory"),
	K(dirty_background_bytes, 0, 0x7fffffff, 0,
	  "the same in bytes (0: the ratio applies)"),
	K(dirty_ratio, 0, 100, 20,
	  "the dirty limit, % of dirtyable memory (background at most half of it)"),
	K(dirty_bytes, 0, 0x7fffffff, 0,
	  "the same in bytes (0: the ratio applies)"),
	K(dirty_expire_centisecs, 0, 0x7fffffff, 3000,
	  "the flusher writes data dirty for longer than this"),
	K(dirty_writeback_centisecs, 0, 0x7fffffff, 500,
	  "how often the flusher looks for expired data (0: never)"),
};
#define NR_KNOBS (sizeof(knobs) / sizeof(knobs[0]))

static const char *const thp_enabled_names[] = { "never", "madvise", "always" };
static const char *const thp_defrag_names[] = { "never", "defer",
	"defer+madvise", "madvise", "always" };
static const int lowmem_reserve_default[MMC_NR_ZONE_TYPES] = { 256, 256, 32, 0 };

void mmc_policy_defaults(struct mmc_policy *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < NR_KNOBS; i++)
		*(int *)((char *)p + knobs[i].off) = knobs[i].def;
	memcpy(p->lowmem_reserve_ratio, lowmem_reserve_default,
	       sizeof(p->lowmem_reserve_ratio));
	p->thp_enabled = 1;	/* CONFIG_TRANSPARENT_HUGEPAGE_MADVISE */
	p->thp_defrag = 3;	/* madvise */
}

static int parse_int(const char *v, long *out)
{
	char *end;

	errno = 0;
	long x = strtol(v, &end, 10);
	if (end == v || errno)
		return -1;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return -1;
	*out = x;
	return 0;
}

/* "256 256 32 0 0": up to MAX_NR_ZONES values (Device's is ignored);
 * values below 1 mean 0 as in lowmem_reserve_ratio_sysctl_handler(). */
static int set_lowmem_reserve_ratio(struct mmc_policy *p, const char *v,
				    char *err, size_t errlen)
{
	int vals[MMC_NR_ZONE_TYPES + 1];
	int n = 0;
	const char *s = v;

	while (*s) {
		char *end;

		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (!*s || *s == '\n')
			break;
		errno = 0;
		long x = strtol(s, &end, 10);
		if (end == s || errno || x > 1 << 30 || n == MMC_NR_ZONE_TYPES + 1) {
			snprintf(err, errlen, "vm.lowmem_reserve_ratio: bad list '%s' (want up to %d integers, e.g. '256 256 32 0')",
				 v, MMC_NR_ZONE_TYPES + 1);
			return -1;
		}
		vals[n++] = x < 1 ? 0 : (int)x;
		s = end;
	}
	if (!n) {
		snprintf(err, errlen, "vm.lowmem_reserve_ratio: empty list");
		return -1;
	}
	for (int i = 0; i < n && i < MMC_NR_ZONE_TYPES; i++)
		p->lowmem_reserve_ratio[i] = vals[i];
	return 0;
}

static int set_named(int *field, const char *const *names, int nr,
		     const char *name, const char *v, char *err, size_t errlen)
{
	long x;

	for (int i = 0; i < nr; i++) {
		size_t len = strlen(names[i]);
		/* accept "madvise" and the sysfs form "always [madvise] never" */
		const char *br = strchr(v, '[');

		if (!strcmp(v, names[i]) ||
		    (br && !strncmp(br + 1, names[i], len) && br[1 + len] == ']')) {
			*field = i;
			return 0;
		}
	}
	if (!parse_int(v, &x) && x >= 0 && x < nr) {
		*field = (int)x;
		return 0;
	}
	snprintf(err, errlen, "%s: bad value '%s' (want %s .. %s)", name, v,
		 names[0], names[nr - 1]);
	return -1;
}

int mmc_policy_set(struct mmc_policy *p, const char *name, const char *value,
		   char *err, size_t errlen)
{
	const char *n = name;

	if (!strncmp(n, "vm.", 3))
		n += 3;
	if (!strcmp(n, "lowmem_reserve_ratio"))
		return set_lowmem_reserve_ratio(p, value, err, errlen);
	if (!strcmp(n, "thp_enabled") ||
	    !strcmp(n, "transparent_hugepage.enabled"))
		return set_named(&p->thp_enabled, thp_enabled_names, 3, name,
				 value, err, errlen);
	if (!strcmp(n, "thp_defrag") ||
	    !strcmp(n, "transparent_hugepage.defrag"))
		return set_named(&p->thp_defrag, thp_defrag_names, 5, name,
				 value, err, errlen);
	for (size_t i = 0; i < NR_KNOBS; i++) {
		const struct knob *k = &knobs[i];
		long x;

		if (strcmp(n, k->name))
			continue;
		if (parse_int(value, &x)) {
			snprintf(err, errlen, "vm.%s: '%s' is not an integer",
				 k->name, value);
			return -1;
		}
		if (x < k->min || x > k->max) {
			snprintf(err, errlen, "vm.%s: %ld out of range %d..%d",
				 k->name, x, k->min, k->max);
			return -1;
		}
		if (!strcmp(k->name, "percpu_pagelist_high_fraction") && x &&
		    x < 8) {
			snprintf(err, errlen, "vm.percpu_pagelist_high_fraction: %ld out of range (0 or >= 8)", x);
			return -1;
		}
		*(int *)((char *)p + k->off) = (int)x;
		return 0;
	}
	snprintf(err, errlen, "unknown sysctl '%s'", name);
	return -1;
}

int mmc_policy_sysctl(size_t i, struct mmc_sysctl_info *out)
{
	memset(out, 0, sizeof(*out));
	if (i < NR_KNOBS) {
		const struct knob *k = &knobs[i];

		snprintf(out->name, sizeof(out->name), "vm.%s", k->name);
		if (k->def < 0)
			snprintf(out->def, sizeof(out->def), "auto");
		else
			snprintf(out->def, sizeof(out->def), "%d", k->def);
		snprintf(out->range, sizeof(out->range), "%d..%d", k->min, k->max);
		out->what = k->what;
		return 0;
	}
	switch (i - NR_KNOBS) {
	case 0:
		snprintf(out->name, sizeof(out->name), "vm.lowmem_reserve_ratio");
		snprintf(out->def, sizeof(out->def), "%d %d %d %d",
			 lowmem_reserve_default[0], lowmem_reserve_default[1],
			 lowmem_reserve_default[2], lowmem_reserve_default[3]);
		snprintf(out->range, sizeof(out->range), "%d integers >= 0",
			 MMC_NR_ZONE_TYPES);
		out->what = "lower zones keep managed pages of the higher zones / ratio (DMA DMA32 Normal Movable)";
		return 0;
	case 1:
		snprintf(out->name, sizeof(out->name), "vm.thp_enabled");
		snprintf(out->def, sizeof(out->def), "madvise");
		snprintf(out->range, sizeof(out->range), "never|madvise|always");
		out->what = "/sys/kernel/mm/transparent_hugepage/enabled";
		return 0;
	case 2:
		snprintf(out->name, sizeof(out->name), "vm.thp_defrag");
		snprintf(out->def, sizeof(out->def), "madvise");
		snprintf(out->range, sizeof(out->range), "never|defer|defer+madvise|madvise|always");
		out->what = "/sys/kernel/mm/transparent_hugepage/defrag";
		return 0;
	}
	return -1;
}

static size_t append(char *buf, size_t len, size_t pos, const char *fmt,
		     const char *a, const char *b)
{
	int n = snprintf(pos < len ? buf + pos : NULL, pos < len ? len - pos : 0,
			 fmt, a, b);
	return n > 0 ? pos + (size_t)n : pos;
}

size_t mmc_policy_format(const struct mmc_policy *p, char *buf, size_t len)
{
	size_t pos = 0;
	char v[64];

	if (len)
		buf[0] = 0;
	for (size_t i = 0; i < NR_KNOBS; i++) {
		snprintf(v, sizeof(v), "%d",
			 *(const int *)((const char *)p + knobs[i].off));
		pos = append(buf, len, pos, "vm.%s=%s\n", knobs[i].name, v);
		if (!strcmp(knobs[i].name, "watermark_boost_factor")) {
			snprintf(v, sizeof(v), "%d %d %d %d",
				 p->lowmem_reserve_ratio[0], p->lowmem_reserve_ratio[1],
				 p->lowmem_reserve_ratio[2], p->lowmem_reserve_ratio[3]);
			pos = append(buf, len, pos, "vm.%s=%s\n",
				     "lowmem_reserve_ratio", v);
		}
	}
	int te = p->thp_enabled >= 0 && p->thp_enabled < 3 ? p->thp_enabled : 0;
	int td = p->thp_defrag >= 0 && p->thp_defrag < 5 ? p->thp_defrag : 0;

	pos = append(buf, len, pos, "vm.%s=%s\n", "thp_enabled",
		     thp_enabled_names[te]);
	pos = append(buf, len, pos, "vm.%s=%s\n", "thp_defrag",
		     thp_defrag_names[td]);
	return pos;
}
