/* SPDX-License-Identifier: MIT */
/*
 * mmtrace zones [TRACE]: print the model's zone table (node, zone, spans,
 * managed, min/low/high, protection = lowmem_reserve, pcp high/batch) in
 * /proc/zoneinfo's terms.  Without TRACE the model is built from this host
 * (/proc/zoneinfo, /proc/sys/vm, /sys/devices/system/node) and compared
 * with what the kernel shows; with TRACE, from the trace header.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmcore.h"
#include "mmtrace/cmd.h"
#include "mmtrace/trace.h"
#include "replay_int.h"
#include "zones.h"

static const char *const zone_names[MMC_NR_ZONE_TYPES] = {
	"DMA", "DMA32", "Normal", "Movable"
};

static int zone_type_of(const char *name)
{
	for (int i = 0; i < MMC_NR_ZONE_TYPES; i++)
		if (!strcmp(name, zone_names[i]))
			return i;
	return -1;
}

/* ---- /proc/zoneinfo --------------------------------------------------- */

static const char *next_line(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (!*s)
		return NULL;
	while (*s && *s != '\n') {
		if (n + 1 < len)
			buf[n++] = *s;
		s++;
	}
	buf[n] = 0;
	return *s ? s + 1 : s;
}

static int key_u64(const char *line, const char *key, uint64_t *out)
{
	const char *s = line;
	size_t n = strlen(key);

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, key, n) || (s[n] != ' ' && s[n] != ':' && s[n] != '\t'))
		return 0;
	s += n;
	while (*s == ' ' || *s == ':' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	*out = strtoull(s, NULL, 10);
	return 1;
}

int zoneinfo_parse(const char *text, struct zi_zone *out, int max,
		   char *err, size_t errlen)
{
	char line[512];
	const char *s = text;
	int n = -1, lineno = 0;
	bool in_pcp = false, pcp_done = false;

	while ((s = next_line(s, line, sizeof(line)))) {
		int node;
		char name[16];
		uint64_t v;

		lineno++;
		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			if (++n >= max) {
				snprintf(err, errlen, "zoneinfo line %d: more than %d zones", lineno, max);
				return -1;
			}
			memset(&out[n], 0, sizeof(out[n]));
			out[n].node = node;
			snprintf(out[n].name, sizeof(out[n].name), "%s", name);
			out[n].type = zone_type_of(name);
			in_pcp = pcp_done = false;
			continue;
		}
		if (n < 0)
			continue;
		struct zi_zone *z = &out[n];
		const char *p = line;

		while (*p == ' ')
			p++;
		if (!strncmp(p, "protection:", 11)) {
			const char *q = strchr(p, '(');

			z->nr_prot = 0;
			while (q && *q && *q != ')' && z->nr_prot < ZI_NR_PROT) {
				q++;
				z->protection[z->nr_prot++] = strtoull(q, (char **)&q, 10);
			}
			continue;
		}
		if (!strncmp(p, "pagesets", 8)) {
			in_pcp = true;
			continue;
		}
		if (!strncmp(p, "cpu:", 4)) {
			if (in_pcp && z->pcp_batch)	/* cpu 0 read */
				pcp_done = true;
			continue;
		}
		if (in_pcp && !pcp_done) {
			if (key_u64(line, "high_min", &v)) z->pcp_high_min = (uint32_t)v;
			else if (key_u64(line, "high_max", &v)) z->pcp_high_max = (uint32_t)v;
			else if (key_u64(line, "high", &v)) z->pcp_high = (uint32_t)v;
			else if (key_u64(line, "batch", &v)) z->pcp_batch = (uint32_t)v;
		}
		if (key_u64(line, "start_pfn", &v)) z->start_pfn = v;
		else if (key_u64(line, "spanned", &v)) z->spanned = v;
		else if (key_u64(line, "present", &v)) z->present = v;
		else if (key_u64(line, "managed", &v)) z->managed = v;
		else if (!in_pcp && key_u64(line, "min", &v)) z->min = v;
		else if (!in_pcp && key_u64(line, "low", &v)) z->low = v;
		else if (!in_pcp && key_u64(line, "high", &v)) z->high = v;
		else if (key_u64(line, "promo", &v)) z->promo = v;
		else if (key_u64(line, "boost", &v)) z->boost = v;
	}
	if (n < 0) {
		snprintf(err, errlen, "zoneinfo: no 'Node N, zone NAME' line");
		return -1;
	}
	return n + 1;
}

int zoneinfo_topology(const struct zi_zone *zones, int n, uint32_t nr_cpus,
		      const int32_t *cpu_node, const uint32_t *distance,
		      uint32_t nr_nodes, struct mmc_topology *t, char *err,
		      size_t errlen)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < n; i++) {
		const struct zi_zone *z = &zones[i];

		if (z->node < 0 || z->node >= MMC_MAX_NODES) {
			snprintf(err, errlen, "zoneinfo: node %d out of range", z->node);
			return -1;
		}
		if ((uint32_t)z->node + 1 > t->nr_nodes)
			t->nr_nodes = (uint32_t)z->node + 1;
		if (z->type < 0 || !z->present)
			continue;
		struct mmc_node_spec *ns = &t->nodes[z->node];
		if (ns->nr_zones >= MMC_NR_ZONE_TYPES) {
			snprintf(err, errlen, "zoneinfo: node %d has more than %d "
				 "zones the model knows", z->node, MMC_NR_ZONE_TYPES);
			return -1;
		}
		struct mmc_zone_spec *zs = &ns->zones[ns->nr_zones++];

		zs->type = (enum mmc_zone_type)z->type;
		zs->start_pfn = z->start_pfn;
		zs->spanned = z->spanned;
		zs->present = z->present;
		zs->managed = z->managed;
	}
	if (nr_nodes > t->nr_nodes)
		t->nr_nodes = nr_nodes;
	if (!t->nr_nodes || nr_cpus < 1 || nr_cpus > MMC_MAX_CPUS) {
		snprintf(err, errlen, "zoneinfo: no nodes or bad cpu count %u", nr_cpus);
		return -1;
	}
	t->nr_cpus = nr_cpus;
	for (uint32_t c = 0; c < nr_cpus; c++) {
		int32_t nid = cpu_node ? cpu_node[c] : 0;

		if (nid < 0 || (uint32_t)nid >= t->nr_nodes)
			nid = 0;
		t->cpu_node[c] = nid;
		t->nodes[nid].nr_cpus++;
	}
	/* the distance table has nr_nodes rows; zones may name more nodes */
	for (uint32_t a = 0; a < t->nr_nodes; a++)
		for (uint32_t b = 0; b < t->nr_nodes; b++)
			t->distance[a][b] = distance && a < nr_nodes && b < nr_nodes ?
				distance[a * nr_nodes + b] : a == b ? 10 : 20;
	return 0;
}

static uint64_t protection_of(const struct mmc_zone_stats *s, int j)
{
	/* ZONE_DEVICE (index 4) has no managed pages: same as Movable's */
	if (j < MMC_NR_ZONE_TYPES)
		return s->lowmem_reserve[j];
	return s->type < MMC_ZONE_MOVABLE ? s->lowmem_reserve[MMC_ZONE_MOVABLE] : 0;
}

int zones_compare(const struct mmc *m, const struct zi_zone *zones, int n,
		  FILE *f)
{
	int diffs = 0;

	for (uint32_t i = 0; i < mmc_nr_zones(m); i++) {
		struct mmc_zone_stats s;
		const struct zi_zone *k = NULL;

		mmc_zone_stats(m, i, &s);
		for (int j = 0; j < n; j++)
			if (zones[j].node == s.node && zones[j].type == (int)s.type)
				k = &zones[j];
		if (!k) {
			if (f)
				fprintf(f, "node %d %s: not in zoneinfo\n", s.node, zone_names[s.type]);
			diffs++;
			continue;
		}
		struct { const char *what; uint64_t model, kernel; } c[] = {
			{ "start_pfn", s.start_pfn, k->start_pfn },
			{ "spanned", s.spanned, k->spanned },
			{ "present", s.present, k->present },
			{ "managed", s.managed, k->managed },
			{ "min", s.wmark_min - s.boost, k->min - k->boost },
			{ "low", s.wmark_low - s.boost, k->low - k->boost },
			{ "high", s.wmark_high - s.boost, k->high - k->boost },
			{ "batch", s.pcp_batch, k->pcp_batch },
			{ "high_min", s.pcp_high_min, k->pcp_high_min },
			{ "high_max", s.pcp_high_max, k->pcp_high_max },
		};
		for (size_t j = 0; j < sizeof(c) / sizeof(c[0]); j++) {
			if (c[j].model == c[j].kernel)
				continue;
			if (f)
				fprintf(f, "node %d %s: %s model %llu kernel %llu\n",
					s.node, zone_names[s.type], c[j].what,
					(unsigned long long)c[j].model,
					(unsigned long long)c[j].kernel);
			diffs++;
		}
		for (int j = 0; j < k->nr_prot; j++) {
			if (protection_of(&s, j) == k->protection[j])
				continue;
			if (f)
				fprintf(f, "node %d %s: protection[%d] model %llu kernel %llu\n",
					s.node, zone_names[s.type], j,
					(unsigned long long)protection_of(&s, j),
					(unsigned long long)k->protection[j]);
			diffs++;
		}
	}
	return diffs;
}

void zones_print(FILE *f, const struct mmc *m)
{
	fprintf(f, "%-4s %-7s %10s %10s %10s %10s %8s %8s %8s %-40s %8s %6s\n",
		"node", "zone", "start_pfn", "spanned", "present", "managed",
		"min", "low", "high", "protection", "pcp_high", "batch");
	for (uint32_t i = 0; i < mmc_nr_zones(m); i++) {
		struct mmc_zone_stats s;
		char prot[96];
		int pos = 0;

		mmc_zone_stats(m, i, &s);
		pos += snprintf(prot, sizeof(prot), "(");
		for (int j = 0; j < ZI_NR_PROT; j++)
			pos += snprintf(prot + pos, sizeof(prot) - (size_t)pos, "%s%llu",
					j ? ", " : "",
					(unsigned long long)protection_of(&s, j));
		snprintf(prot + pos, sizeof(prot) - (size_t)pos, ")");
		fprintf(f, "%-4d %-7s %10llu %10llu %10llu %10llu %8llu %8llu %8llu %-40s %8u %6u\n",
			s.node, zone_names[s.type],
			(unsigned long long)s.start_pfn, (unsigned long long)s.spanned,
			(unsigned long long)s.present, (unsigned long long)s.managed,
			(unsigned long long)s.wmark_min, (unsigned long long)s.wmark_low,
			(unsigned long long)s.wmark_high, prot, s.pcp_high, s.pcp_batch);
	}
}

/* ---- this host ---------------------------------------------------------- */

char *zones_read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, len = 0;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (len + 1 < cap)
			break;
		char *nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

static const char *const host_sysctls[] = {
	"min_free_kbytes", "watermark_scale_factor", "watermark_boost_factor",
	"lowmem_reserve_ratio", "percpu_pagelist_high_fraction",
	"zone_reclaim_mode", "min_unmapped_ratio", "min_slab_ratio",
	"swappiness", "compaction_proactiveness", "extfrag_threshold",
	"dirty_background_ratio", "dirty_background_bytes", "dirty_ratio",
	"dirty_bytes", "dirty_expire_centisecs", "dirty_writeback_centisecs",
};

static int host_policy(struct mmc_policy *p, const char *dir, char *err,
		       size_t errlen)
{
	char path[512];

	for (size_t i = 0; i < sizeof(host_sysctls) / sizeof(host_sysctls[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, host_sysctls[i]);
		char *v = zones_read_text(path);

		if (!v)
			continue;	/* older kernels lack some */
		char *nl = strchr(v, '\n');
		if (nl)
			*nl = 0;
		int rc = mmc_policy_set(p, host_sysctls[i], v, err, errlen);
		free(v);
		if (rc)
			return -1;
	}
	return 0;
}

/* cpus per node from /sys/devices/system/cpu/cpuN/nodeM links */
static uint32_t host_cpus(int32_t *cpu_node)
{
	uint32_t nr = 0;
	char path[256];

	for (uint32_t c = 0; c < MMC_MAX_CPUS; c++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", c);
		FILE *f = fopen(path, "r");
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u", c);
		if (!f) {
			FILE *d = fopen(path, "r");	/* dir exists: cpu0 has no 'online' */
			if (!d && errno == ENOENT)
				break;
			if (d)
				fclose(d);
		} else {
			int on = fgetc(f);
			fclose(f);
			if (on == '0')
				continue;
		}
		cpu_node[nr] = 0;
		for (int n = 0; n < MMC_MAX_NODES; n++) {
			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/node%d", c, n);
			FILE *d = fopen(path, "r");
			if (d || errno == EISDIR) {
				if (d)
					fclose(d);
				cpu_node[nr] = n;
				break;
			}
		}
		nr++;
	}
	return nr;
}

/* --set vm.X=V overrides, validated by cmd_zones() */
static char **g_sets;
static int g_nsets;

static void apply_sets(struct mmc_policy *p)
{
	char err[256];

	for (int i = 0; i < g_nsets; i++) {
		char *eq = strchr(g_sets[i], '=');

		*eq = 0;
		mmc_policy_set(p, g_sets[i], eq + 1, err, sizeof(err));
		*eq = '=';
	}
}

/* The model --topology SPEC makes of the source host `native` (NULL:
 * none, a synthetic host) under policy p, by the rule replay follows
 * (rp_topology_spec): NULL with *rc 2 for a SPEC the model cannot
 * build, 1 for a host larger than this machine can model. */
static struct mmc *spec_model(const char *spec, const struct mmc_topology *native,
			      const struct mmc_policy *p, char *err,
			      size_t errlen, int *rc)
{
	struct mmc_topology *t = malloc(sizeof(*t));
	struct mmc *m = NULL;
	char what[160], e2[200];
	unsigned split;

	*rc = 1;
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(what, sizeof(what), "--topology %s", spec);
	*rc = rp_topology_spec(spec, native, t, &split, err, errlen);
	if (!*rc && rp_model_fits(t, what, err, errlen) < 0)
		*rc = 1;
	if (!*rc) {
		m = mmc_create(t, p, e2, sizeof(e2));
		if (!m) {
			snprintf(err, errlen, "--topology %s: model: %s", spec,
				 e2);
			*rc = 2;
		}
	}
	free(t);
	return m;
}

static struct mmc *host_model(const struct mmc_policy *base, const char *topo,
			      struct zi_zone *zones, int *nz, char *err,
			      size_t errlen, int *rc)
{
	char *text = zones_read_text("/proc/zoneinfo");
	struct mmc_topology *t = NULL;
	struct mmc *m = NULL;
	struct mmc_policy p = *base;
	int32_t cpu_node[MMC_MAX_CPUS];

	if (!text) {
		snprintf(err, errlen, "/proc/zoneinfo: %s", strerror(errno));
		return NULL;
	}
	*nz = zoneinfo_parse(text, zones, ZI_MAX_ZONES, err, errlen);
	free(text);
	if (*nz < 0)
		return NULL;
	if (host_policy(&p, "/proc/sys/vm", err, errlen))
		return NULL;
	apply_sets(&p);
	uint32_t nr_cpus = host_cpus(cpu_node);
	if (!nr_cpus)
		nr_cpus = 1;
	t = malloc(sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!zoneinfo_topology(zones, *nz, nr_cpus, cpu_node, NULL, 0, t, err, errlen))
		m = topo ? spec_model(topo, t, &p, err, errlen, rc) :
			   mmc_create(t, &p, err, errlen);
	free(t);
	return m;
}

/* ---- a trace's header ------------------------------------------------- */

/* zones: filled from the header's zone table (the kernel's values at
 * record time) for the comparison; *nz its length, 0 when the header
 * carries no watermarks. */
/* The model of a trace's header.  NULL with *rc the exit status: 1 the
 * file cannot be read or holds a host beyond the model's limits, 3 it is
 * not a trace or its header holds values no kernel has. */
static struct mmc *trace_model(const char *path, const struct mmc_policy *base,
			       const char *topo, struct zi_zone *out, int *nz,
			       char *err, size_t errlen, int *rc)
{
	struct mmt_reader *r = mmt_reader_open(path, err, errlen);
	struct zi_zone *zones = NULL;
	struct mmc_topology *t = NULL;
	struct mmc *m = NULL;
	struct mmc_policy p = *base;

	*rc = r ? 3 : errno == EBADMSG ? 3 : 1;
	if (!r)
		return NULL;
	const struct mmt_header *h = mmt_reader_header(r);

	zones = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(*zones));
	t = malloc(sizeof(*t));
	if (!zones || !t) {
		snprintf(err, errlen, "out of memory");
		*rc = 1;
		goto out;
	}
	for (uint32_t i = 0; i < h->nr_zones; i++) {
		const struct mmt_zone_info *zi = &h->zones[i];

		zones[i].node = zi->node;
		zones[i].type = zone_type_of(zi->name);
		zones[i].start_pfn = zi->start_pfn;
		zones[i].spanned = zi->spanned;
		zones[i].present = zi->present;
		zones[i].managed = zi->managed;
		zones[i].min = zi->wmark_min;
		zones[i].low = zi->wmark_low;
		zones[i].high = zi->wmark_high;
		zones[i].promo = zi->wmark_promo;
		zones[i].boost = zi->boost;
		zones[i].nr_prot = (int)(zi->nr_reserve < ZI_NR_PROT ? zi->nr_reserve : ZI_NR_PROT);
		for (int j = 0; j < zones[i].nr_prot; j++)
			zones[i].protection[j] = zi->lowmem_reserve[j];
		zones[i].pcp_high = zi->pcp_high;
		zones[i].pcp_batch = zi->pcp_batch;
		zones[i].pcp_high_min = zi->pcp_high_min;
		zones[i].pcp_high_max = zi->pcp_high_max;
		snprintf(zones[i].name, sizeof(zones[i].name), "%s", zi->name);
	}
	*nz = 0;
	if (h->nr_zones <= ZI_MAX_ZONES) {
		bool marks = false;

		for (uint32_t i = 0; i < h->nr_zones; i++)
			marks |= zones[i].high != 0;
		if (marks) {
			memcpy(out, zones, h->nr_zones * sizeof(*zones));
			*nz = (int)h->nr_zones;
		}
	}
	for (uint32_t i = 0; i < h->nr_sysctls; i++) {
		const char *name = h->sysctls[i].name;
		char tmp[160];

		/* the trace holds every vm sysctl: take those the model knows */
		if (mmc_policy_set(&p, name, h->sysctls[i].value, tmp, sizeof(tmp)) &&
		    strstr(tmp, "unknown") == NULL) {
			char esc[4 * sizeof(tmp)];	/* values from the file */

			snprintf(err, errlen, "%s: header %s", path,
				 mmt_text(tmp, esc, sizeof(esc)));
			goto out;
		}
	}
	apply_sets(&p);
	if (h->nr_nodes > MMC_MAX_NODES) {
		snprintf(err, errlen, "%s: %u nodes (the model holds at most %d)",
			 path, h->nr_nodes, MMC_MAX_NODES);
		*rc = 1;
		goto out;
	}
	if (zoneinfo_topology(zones, (int)h->nr_zones, h->nr_cpus ? h->nr_cpus : 1,
			      h->cpu_node, h->node_distance, h->nr_nodes, t, err, errlen))
		goto out;
	if (topo) {		/* as replay --topology models the trace */
		m = spec_model(topo, t, &p, err, errlen, rc);
		goto out;
	}
	if (rp_model_fits(t, path, err, errlen))
		goto out;
	m = mmc_create(t, &p, err, errlen);
out:
	free(zones);
	free(t);
	mmt_reader_close(r);
	return m;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmtrace zones [OPTIONS] [TRACE]\n"
		"Print the model's zone table (min/low/high, protection = lowmem_reserve,\n"
		"pcp high/batch) in /proc/zoneinfo's terms.\n"
		"  TRACE              build the model from the trace's header\n"
		"  (no TRACE)         build it from this host and compare with /proc/zoneinfo\n"
		"  -t, --topology S   as replay takes it: N splits the host (TRACE's, or\n"
		"                     this one) into N nodes under its sysctls; or a\n"
		"                     synthetic host, e.g. '2 nodes x 8 GiB, 4 cpus'\n"
		"                     (under TRACE's sysctls, else the kernel's defaults)\n"
		"  -s, --set vm.X=V   override a sysctl (repeatable)\n"
		"  -h, --help         this text\n\n"
		"Reads only TRACE's header (a damaged event block or snapshot does\n"
		"not matter here; `mmtrace info` checks the whole file).\n"
		"Exit status: 0 the table printed (and, when compared, equal);\n"
		"1 runtime error (/proc or TRACE unreadable, a host beyond the\n"
		"model's limits); 2 bad option (also a --topology the model cannot\n"
		"build); 3 TRACE is not a trace or its header is damaged or holds\n"
		"values no kernel has; 4 the model differs from /proc/zoneinfo or\n"
		"from the trace's zone table (the differences are printed).\n\n"
		"EXAMPLES\n"
		"  The model of this host beside /proc/zoneinfo:\n"
		"    mmtrace zones\n"
		"  The watermarks a trace's host would have with a larger min_free_kbytes:\n"
		"    mmtrace zones --set vm.min_free_kbytes=262144 trace.mmt\n"
		"  A synthetic two-node host:\n"
		"    mmtrace zones --topology '2 nodes x 8 GiB, 4 cpus'\n");
}

int cmd_zones(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "topology", required_argument, NULL, 't' },
		{ "set", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mmc_policy pol, over;

	const char *topo = NULL;
	char err[256];
	char *sets[64];
	int nsets = 0, c;

	mmc_policy_defaults(&pol);
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			topo = optarg;
			break;
		case 's':
			if (nsets == 64) {
				fprintf(stderr, "mmtrace zones: too many --set\n");
				return 2;
			}
			sets[nsets++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	/* check --set values now; they are applied over the source's sysctls */
	mmc_policy_defaults(&over);
	for (int i = 0; i < nsets; i++) {
		char *eq = strchr(sets[i], '=');

		if (!eq) {
			fprintf(stderr, "mmtrace zones: --set %s: want vm.NAME=VALUE\n", sets[i]);
			return 2;
		}
		*eq = 0;
		if (mmc_policy_set(&over, sets[i], eq + 1, err, sizeof(err))) {
			fprintf(stderr, "mmtrace zones: --set: %s\n", err);
			return 2;
		}
		*eq = '=';
	}
	g_sets = sets;
	g_nsets = nsets;
	apply_sets(&pol);	/* for --topology */
	struct mmc *m = NULL;
	struct zi_zone *zones = calloc(ZI_MAX_ZONES, sizeof(*zones));
	int nz = 0, rc = 1;

	if (!zones) {
		fprintf(stderr, "mmtrace zones: out of memory\n");
		return 1;
	}
	if (optind < argc)
		m = trace_model(argv[optind], &pol, topo, zones, &nz, err,
				sizeof(err), &rc);
	else if (topo && !rp_topology_is_split(topo))
		m = spec_model(topo, NULL, &pol, err, sizeof(err), &rc);
	else
		m = host_model(&pol, topo, zones, &nz, err, sizeof(err), &rc);
	if (!m) {
		fprintf(stderr, "mmtrace zones: %s\n", err);
		free(zones);
		return rc;
	}
	zones_print(stdout, m);
	rc = 0;

	/* compare with what the kernel showed, unless the user changed the
	 * policy or asked for a synthetic host */
	if (!topo && !nsets && nz > 0) {
		const char *src = optind < argc ? "the trace's zone table" :
						  "/proc/zoneinfo";
		int d = zones_compare(m, zones, nz, stdout);

		if (d)
			printf("%d difference(s) from %s\n", d, src);
		else
			printf("model equals %s (min/low/high, protection, pcp batch/high_min/high_max)\n", src);
		rc = d ? 4 : 0;
	}
	mmc_destroy(m);
	free(zones);
	return rc;
}
