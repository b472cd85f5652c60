/* SPDX-License-Identifier: MIT */
/* Shared helpers of the trace test suites (header-only: each suite is its
 * own binary). */
#ifndef MMTRACE_TRACE_UTIL_H
#define MMTRACE_TRACE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include "mmtrace/synth.h"

static char tu_dir[256];

static int tu_setup(void **state)
{
	(void)state;
	snprintf(tu_dir, sizeof(tu_dir), "/tmp/mmt-test-XXXXXX");
	return mkdtemp(tu_dir) ? 0 : -1;
}

static int tu_teardown(void **state)
{
	(void)state;
	DIR *d = opendir(tu_dir);
	struct dirent *de;
	char p[512];
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", tu_dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(tu_dir);
	return 0;
}

static const char *tu_path(const char *name)
{
	static char p[4][512];
	static int k;
	k = (k + 1) & 3;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tu_dir, name);
	return p[k];
}

/* Writes a trace of n events (header from synth, start snapshot, end
 * snapshot) with `block` events per block.  Returns 0 or -1. */
static int tu_write(const char *path, const struct mmt_header *h,
		    const struct mmt_event *ev, size_t n, uint32_t block)
{
	struct mmt_snapshot s;
	char err[256];
	if (mmt_synth_snapshot(&s, h))
		return -1;
	struct mmt_writer *w = mmt_writer_open(path, 1, h, &s, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "%s\n", err);
		mmt_snapshot_free(&s);
		return -1;
	}
	if (block)
		mmt_writer_set_block_events(w, block);
	for (size_t i = 0; i < n; i++)
		if (mmt_writer_add(w, &ev[i])) {
			mmt_snapshot_free(&s);
			mmt_writer_close(w, NULL);
			return -1;
		}
	int rc = mmt_writer_close(w, &s);
	mmt_snapshot_free(&s);
	return rc;
}

static long tu_file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fclose(f);
	return n;
}

#endif
