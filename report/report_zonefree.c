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

/* One sample time of a zone_free.tsv, nodes summed: the kernel's and the
 * model's free pages of DMA32 [0] and Normal [1], and the kernel's of
 * every zone. */
struct zf_sample {
	double t;
	unsigned long long k[2], m[2], k_all;
};

typedef void (*zf_sample_fn)(void *ctx, const struct zf_sample *s);

/* Reads PATH (a replay's zone_free.tsv) and hands each sample time to fn,
 * in file order: 1, 0 when there is no such file, or -1 with err set (a
 * line that is not a zone_free row names its number). */
static int each_sample(const char *path, zf_sample_fn fn, void *ctx,
		       char *err, size_t errlen)
{
	struct zf_sample cur = { .t = -1 };
	char *text, *save = NULL;
	size_t len, line = 0;

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
		int node, z;

		if (++line == 1 && !strncmp(l, "t_s\t", 4))
			continue;	/* the header */
		if (sscanf(l, "%lf\t%d\t%15s\t%llu\t%llu", &t, &node, zone,
			   &kf, &mf) != 5 || node < 0 || !(t >= 0)) {
			snprintf(err, errlen, "%s: line %zu: not a zone_free "
				 "row", path, line);
			free(text);
			return -1;
		}
		if (cur.t >= 0 && t != cur.t) {
			fn(ctx, &cur);
			memset(&cur, 0, sizeof(cur));
		}
		cur.t = t;
		cur.k_all += kf;
		z = !strcmp(zone, "DMA32") ? 0 : !strcmp(zone, "Normal") ? 1 : -1;
		if (z >= 0) {
			cur.k[z] += kf;
			cur.m[z] += mf;
		}
	}
	if (cur.t >= 0)
		fn(ctx, &cur);
	free(text);
	return 1;
}

/* A validate figure row: DMA32 and Normal, kernel and model, MiB. */
static void put_mib_row(void *ctx, const struct zf_sample *s)
{
	fprintf(ctx, "%.6f\t%.3f\t%.3f\t%.3f\t%.3f\n", s->t,
		s->k[0] / MIB_PAGES, s->m[0] / MIB_PAGES,
		s->k[1] / MIB_PAGES, s->m[1] / MIB_PAGES);
}

/* run's zone_free.tsv as data/NAME: 1 written, 0 the run has none, -1
 * with err set. */
static int convert(const char *dir, const char *run, const char *ddir,
		   const char *name, char *err, size_t errlen)
{
	char path[4096];
	FILE *out;
	int rc;

	snprintf(path, sizeof(path), "%s/%s/zone_free.tsv", dir, run);
	if (access(path, F_OK))
		return 0;
	out = rpt_create(ddir, name, err, errlen);
	if (!out)
		return -1;
	fputs("# t_s\tdma32_kernel_mib\tdma32_model_mib\tnormal_kernel_mib"
	      "\tnormal_model_mib\n", out);
	rc = each_sample(path, put_mib_row, out, err, errlen);
	if (rc < 0) {
		fclose(out);
		return -1;
	}
	return rpt_close(out, ddir, name, err, errlen) ? -1 : 1;
}

struct kernel_rows { FILE *out; const char *key; };

/* A free.tsv row of the kernel's pages, every zone. */
static void put_kernel_row(void *ctx, const struct zf_sample *s)
{
	const struct kernel_rows *k = ctx;

	fprintf(k->out, "%s\tall\t%.6f\t%llu\n", k->key, s->t, s->k_all);
}

/* The kernel's free pages of a run's zone_free.tsv, every zone of every
 * node summed at each sample time, as free.tsv rows "KEY all t pages":
 * 1 written, 0 the run has none, -1 with err set. */
int rpt_zonefree_kernel(const char *rundir, const char *key, FILE *out,
			char *err, size_t errlen)
{
	struct kernel_rows k = { out, key };
	char path[4096];

	snprintf(path, sizeof(path), "%s/zone_free.tsv", rundir);
	return each_sample(path, put_kernel_row, &k, err, errlen);
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
