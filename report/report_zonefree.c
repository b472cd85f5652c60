/* SPDX-License-Identifier: MIT */
/*
 * The validate report's free-pages figure (plots/zonefree.gp): for the
 * first trace of each settings group, replayed under its own settings,
 * the kernel's free pages of DMA32 and Normal at the recorder's
 * /proc/zoneinfo samples against the model's at the same points of the
 * replay (the run's zone_free.tsv, nodes summed at each sample time), in
 * MiB over trace time.  Traces recorded before the samples existed have
 * no zone_free.tsv: then there is no figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report_int.h"

#define ZF_MAX_SETS 26
#define MIB_PAGES 256.0		/* 4 KiB pages */

struct zf_row {
	double t;
	unsigned long long v[4];	/* DMA32 kernel, model; Normal kernel, model */
	int have;
};

static void put_row(FILE *f, const struct zf_row *r)
{
	if (r->have)
		fprintf(f, "%.6f\t%.3f\t%.3f\t%.3f\t%.3f\n", r->t,
			r->v[0] / MIB_PAGES, r->v[1] / MIB_PAGES,
			r->v[2] / MIB_PAGES, r->v[3] / MIB_PAGES);
}

/* One line of zone_free.tsv into row (a new sample time first writes the
 * row so far).  0, or -1 when it is not a zone_free row. */
static int add_line(const char *l, FILE *out, struct zf_row *row)
{
	unsigned long long kf, mf;
	char zone[16];
	double t;
	int node, base;

	if (sscanf(l, "%lf\t%d\t%15s\t%llu\t%llu", &t, &node, zone, &kf,
		   &mf) != 5 || node < 0 || !(t >= 0))
		return -1;
	if (!strcmp(zone, "DMA32"))
		base = 0;
	else if (!strcmp(zone, "Normal"))
		base = 2;
	else
		return 0;
	if (row->have && row->t != t) {
		put_row(out, row);
		memset(row, 0, sizeof(*row));
	}
	row->t = t;
	row->have = 1;
	row->v[base] += kf;
	row->v[base + 1] += mf;
	return 0;
}

/* run's zone_free.tsv as data/NAME: 1 written, 0 the run has none, -1
 * with err set (a line that is not a zone_free row names its number). */
static int convert(const char *dir, const char *run, const char *ddir,
		   const char *name, char *err, size_t errlen)
{
	char path[4096], *text, *save = NULL;
	struct zf_row row = { 0 };
	size_t len, line = 0;
	FILE *out;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s/zone_free.tsv", dir, run);
	if (access(path, F_OK))
		return 0;
	text = rpt_read_file(path, &len, err, errlen);
	if (!text)
		return -1;
	out = rpt_create(ddir, name, err, errlen);
	if (!out) {
		free(text);
		return -1;
	}
	fputs("# t_s\tdma32_kernel_mib\tdma32_model_mib\tnormal_kernel_mib"
	      "\tnormal_model_mib\n", out);
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (++line == 1 && !strncmp(l, "t_s\t", 4))
			continue;	/* the header */
		if (add_line(l, out, &row)) {
			snprintf(err, errlen, "%s: line %zu: not a zone_free "
				 "row", path, line);
			ret = -1;
			break;
		}
	}
	put_row(out, &row);
	free(text);
	if (rpt_close(out, ddir, name, err, errlen) || ret)
		return -1;
	return 1;
}

/* The kernel's free pages of a run's zone_free.tsv, every zone of every
 * node summed at each sample time, as free.tsv rows "KEY all t pages":
 * 1 written, 0 the run has none, -1 with err set. */
int rpt_zonefree_kernel(const char *rundir, const char *key, FILE *out,
			char *err, size_t errlen)
{
	char path[4096], *text, *save = NULL;
	size_t len, line = 0;
	double cur_t = -1;
	unsigned long long sum = 0;

	snprintf(path, sizeof(path), "%s/zone_free.tsv", rundir);
	if (access(path, F_OK))
		return 0;
	text = rpt_read_file(path, &len, err, errlen);
	if (!text)
		return -1;
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		unsigned long long kf, mf;
		char zone[16];
		double t;
		int node;

		if (++line == 1 && !strncmp(l, "t_s\t", 4))
			continue;
		if (sscanf(l, "%lf\t%d\t%15s\t%llu\t%llu", &t, &node, zone,
			   &kf, &mf) != 5 || node < 0 || !(t >= 0)) {
			snprintf(err, errlen, "%s: line %zu: not a zone_free "
				 "row", path, line);
			free(text);
			return -1;
		}
		if (cur_t >= 0 && t != cur_t)
			fprintf(out, "%s\tall\t%.6f\t%llu\n", key, cur_t, sum);
		if (t != cur_t)
			sum = 0;
		cur_t = t;
		sum += kf;
	}
	if (cur_t >= 0)
		fprintf(out, "%s\tall\t%.6f\t%llu\n", key, cur_t, sum);
	free(text);
	return 1;
}

/* The set's label for the figure's key, gnuplot-quoted: "A base", "B
 * vm.watermark_scale_factor=200" (quotes and backslashes dropped). */
static void set_title(FILE *f, const struct rj_value *set)
{
	const char *s = rj_str(set, "set"), *d = rj_str(set, "differs");

	fputc('"', f);
	for (const char *p = s ? s : "?"; *p; p++)
		if (*p != '"' && *p != '\\')
			fputc(*p, f);
	fputc(' ', f);
	for (const char *p = d ? d : ""; *p; p++)
		if (*p != '"' && *p != '\\')
			fputc(*p, f);
	fputc('"', f);
}

int rpt_zonefree_data(const struct rj_value *json, const char *dir,
		      char *err, size_t errlen)
{
	const struct rj_value *traces = json ? rj_get(json, "traces") : NULL;
	const struct rj_value *sets = json ? rj_get(json, "sets") : NULL;
	char ddir[4096], done[ZF_MAX_SETS] = { 0 };
	unsigned n = 0, which[ZF_MAX_SETS];
	FILE *f;

	if (!traces || traces->type != RJ_ARRAY || !sets ||
	    sets->type != RJ_ARRAY)
		return 0;
	snprintf(ddir, sizeof(ddir), "%s/data", dir);
	for (size_t s = 0; s < sets->n && s < ZF_MAX_SETS; s++) {
		const char *label = rj_str(sets->items[s], "set");

		for (size_t i = 0; label && i < traces->n && !done[s]; i++) {
			const char *ts = rj_str(traces->items[i], "set");
			const char *file = rj_str(traces->items[i], "file");
			char run[512], name[64];
			size_t bl;
			int rc;

			if (!ts || !file || strcmp(ts, label) || !label[0])
				continue;
			done[s] = 1;
			bl = strlen(file);
			if (bl > 4 && !strcmp(file + bl - 4, ".mmt"))
				bl -= 4;
			snprintf(run, sizeof(run), "runs/t%02zu-%.*s@%c", i + 1,
				 (int)bl, file, label[0]);
			snprintf(name, sizeof(name), "zonefree_%zu.tsv", s + 1);
			rc = convert(dir, run, ddir, name, err, errlen);
			if (rc < 0)
				return -1;
			if (rc)
				which[n++] = (unsigned)s;
		}
	}
	if (!n)
		return 0;
	f = rpt_create(ddir, "zonefree_params.gp", err, errlen);
	if (!f)
		return -1;
	fprintf(f, "nzf = %u\narray zf_file[%u]\narray zf_title[%u]\n", n, n, n);
	for (unsigned i = 0; i < n; i++) {
		fprintf(f, "zf_file[%u] = \"zonefree_%u.tsv\"\nzf_title[%u] = ",
			i + 1, which[i] + 1, i + 1);
		set_title(f, sets->items[which[i]]);
		fputc('\n', f);
	}
	if (rpt_close(f, ddir, "zonefree_params.gp", err, errlen))
		return -1;
	return (int)n;
}
