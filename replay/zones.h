/* SPDX-License-Identifier: MIT */
/*
 * `mmtrace zones`: the model's zone table in /proc/zoneinfo's terms, and
 * the /proc/zoneinfo parser it (and tests/test_mmcore_zoneinfo.c) use to
 * build a model of a host and compare it with the kernel.
 */
#ifndef REPLAY_ZONES_H
#define REPLAY_ZONES_H

#include <stdint.h>
#include <stdio.h>
#include "mmcore.h"

#define ZI_MAX_ZONES (MMC_MAX_NODES * 5)
#define ZI_NR_PROT 5	/* MAX_NR_ZONES with ZONE_DEVICE */

/* One "Node N, zone NAME" block of /proc/zoneinfo. */
struct zi_zone {
	int node;
	char name[16];
	int type;		/* enum mmc_zone_type, -1 for Device/unknown */
	uint64_t start_pfn, spanned, present, managed;
	uint64_t min, low, high, promo, boost;
	uint64_t protection[ZI_NR_PROT];
	int nr_prot;
	uint32_t pcp_high, pcp_batch, pcp_high_min, pcp_high_max; /* cpu 0 */
};

/* Parse /proc/zoneinfo text.  Returns the number of zones, or -1 with a
 * message naming the line. */
int zoneinfo_parse(const char *text, struct zi_zone *out, int max,
		   char *err, size_t errlen);

/* Topology from parsed zones (zones with present pages), nr_cpus spread
 * by cpu_node (NULL: all on node 0), distance NULL: 10 local, 20 remote. */
int zoneinfo_topology(const struct zi_zone *zones, int n, uint32_t nr_cpus,
		      const int32_t *cpu_node, const uint32_t *distance,
		      uint32_t nr_nodes, struct mmc_topology *t, char *err,
		      size_t errlen);

/* Compare the model with parsed zoneinfo (populated zones): min, low,
 * high (boost removed), protection, pcp batch/high_min/high_max, spans.
 * Writes one line per difference to f (may be NULL); returns the count. */
int zones_compare(const struct mmc *m, const struct zi_zone *zones, int n,
		  FILE *f);

/* The whole text of a file, NUL-terminated and malloc'd; NULL when it
 * cannot be read.  Reads to EOF, as /proc files report size 0. */
char *zones_read_text(const char *path);

/* The model's zone table. */
void zones_print(FILE *f, const struct mmc *m);

#endif
