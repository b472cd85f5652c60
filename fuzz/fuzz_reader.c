/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the whole-file trace reader, as `mmtrace info` and
 * `mmtrace dump` drive it.  The input is a file: it is opened, its header
 * read, every event iterated (all fields, then a
 * selection as replay's pre-pass asks for, then every block through the
 * parallel-block API), a seek tried, and info (text or JSON: its header,
 * both snapshots, a summary of every event), dump, stat and diff
 * rendered into /dev/null.  Checksums are not bypassed here: the seeds
 * are real traces and fuzz_decode covers what lies below the CRC.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "mmtrace/cmd.h"
#include "mmtrace/trace.h"
#include "cpu.h"

static int mfd = -1;
static char path[64];

/* ASan keeps freed memory in quarantine to catch a use after free; 64
 * MiB holds what 30 inputs or more free (an input allocates 2 MB or so),
 * so a use after free within an input is still caught.  The default 256
 * MiB took the process past half of -rss_limit_mb=512, where libFuzzer
 * purges the allocator every second and the next inputs fault their
 * memory in afresh: 1,480-1,640 -> 2,200-2,450 exec/s of CPU, RSS 310 ->
 * 160 MB.  ASAN_OPTIONS still overrides it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=64";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mfd = memfd_create("fuzz.mmt", 0);
	if (mfd < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	/* the commands print to stdout and stderr: keep libFuzzer's own
	 * output readable (it kept the original stderr stream) */
	fuzz_err = stderr;
	stdout = fopen("/dev/null", "w");
	stderr = fopen("/dev/null", "w");
	return 0;
}

static void set_file(const uint8_t *data, size_t size)
{
	if (ftruncate(mfd, 0) || (size && pwrite(mfd, data, size, 0) != (ssize_t)size))
		abort();
}

static uint64_t sink;

static void iterate(struct mmt_reader *r)
{
	const struct mmt_event *ev;
	int64_t n, ahead;
	static const uint32_t pre[64] = {
		[MMT_EV_PAGE_ALLOC] = MMT_FIELD_CPU | MMT_FIELD_PFN | MMT_FIELD_GFP |
				      MMT_FIELD_ORDER,
		[MMT_EV_PAGE_FREE] = MMT_FIELD_PFN,
		[MMT_EV_KMEM_CACHE_ALLOC] = MMT_FIELD_PFN | MMT_FIELD_CACHE,
		[MMT_EV_PCP_DRAIN] = MMT_FIELD_KIND_ONLY,
		[MMT_EV_FAULT_USER] = MMT_FIELD_ADDR | MMT_FIELD_SITE,
	};

	while ((n = mmt_reader_next_window(r, &ev, &ahead)) > 0)
		for (int64_t i = 0; i < n + ahead; i++)
			sink += ev[i].ts ^ ev[i].pfn ^ ev[i].order;
	mmt_reader_rewind(r);
	while ((n = mmt_reader_next_batch_kinds(r, pre, &ev, &ahead)) > 0)
		sink += ev[n - 1].pfn;
	mmt_reader_seek_time(r, mmt_reader_last_ts(r) / 2);
	while ((n = mmt_reader_next_batch(r, &ev)) > 0)
		sink += ev[0].ts;
}

static void blocks(struct mmt_reader *r)
{
	struct mmt_block_dec *d = mmt_block_dec_new();
	const struct mmt_event *ev;

	if (!d)
		abort();
	for (uint64_t i = 0; i < mmt_reader_nr_blocks(r) && i < 64; i++) {
		struct mmt_block_info bi;

		if (mmt_reader_block_info(r, i, &bi))
			abort();
		if (mmt_reader_decode_block(r, i, d, &ev) > 0)
			sink += ev[0].ts;
	}
	mmt_block_dec_free(d);
}

/* info (text or JSON: the same summary, printed two ways; one per input,
 * by its length), dump, and for one input in eight stat and diff (their
 * own passes over every event, names and snapshots) */
static void commands(size_t size)
{
	char a0[] = "mmtrace", json[] = "--json";
	char *info_text[] = { a0, path, NULL };
	char *info_json[] = { a0, json, path, NULL };
	char *dump[] = { a0, path, NULL };
	char *stat[] = { a0, path, NULL };
	char *diff[] = { a0, path, path, NULL };

	if (size & 1)
		cmd_info(3, info_json);
	else
		cmd_info(2, info_text);
	cmd_dump(2, dump);
	if ((size & 7) == 0) {
		cmd_stat(2, stat);
		cmd_diff(3, diff);
	}
}

static void one(const uint8_t *data, size_t size)
{
	char err[512];
	struct mmt_reader *r;

	set_file(data, size);
	r = mmt_reader_open(path, err, sizeof(err));
	if (!r) {
		if (!err[0])
			abort();	/* every failure names what failed */
		return;
	}
	sink += mmt_reader_header(r)->nr_zones;
	iterate(r);
	blocks(r);
	mmt_reader_close(r);
	commands(size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double t0 = fuzz_cpu_now();

	one(data, size);
	fuzz_cpu_check(t0);
	return 0;
}
