/* SPDX-License-Identifier: MIT */
/*
 * Swap as a host fact: the collector records /proc/meminfo's SwapTotal and
 * SwapFree (kB) as header notes "meminfo.SwapTotal" / "meminfo.SwapFree";
 * the note survives a trace file; replay turns it into the model's swap
 * size in pages (mmc_set_swap), and 0 (no swap) when a trace lacks it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "replay_util.h"
#include "../collector/collector.h"
#include "../replay/replay_int.h"

static const char *note(const struct mmt_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_notes; i++)
		if (!strcmp(h->notes[i].name, name))
			return h->notes[i].value;
	return NULL;
}

static long long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256], k[64];
	long long v, found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", k, &v) == 2 && !strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

static void test_collector_records_swap(void **state)
{
	struct mmt_header h;
	char err[256];
	long long total = meminfo_kb("SwapTotal");

	(void)state;
	if (total < 0) {
		skip();
		return;
	}
	memset(&h, 0, sizeof(h));
	assert_int_equal(coll_host_fill(&h, NULL, err, sizeof(err)), 0);
	assert_non_null(note(&h, "meminfo.SwapTotal"));
	assert_non_null(note(&h, "meminfo.SwapFree"));
	assert_int_equal(atoll(note(&h, "meminfo.SwapTotal")), total);
	assert_int_equal(rp_swap_pages(&h),
			 (uint64_t)total * 1024 / h.page_size);
	mmt_header_free(&h);
}

static void test_replay_reads_swap(void **state)
{
	struct rk k;
	char err[256];
	const char *path = ru_path("swap.mmt");

	(void)state;
	assert_int_equal(rk_init(&k, 8192, 1), 0);
	assert_int_equal(rp_swap_pages(&k.h), 0);	/* no note: no swap */
	struct mmt_kv *n = realloc(k.h.notes, (k.h.nr_notes + 1) * sizeof(*n));
	assert_non_null(n);
	k.h.notes = n;
	memset(&n[k.h.nr_notes], 0, sizeof(*n));
	snprintf(n[k.h.nr_notes].name, sizeof(n->name), "meminfo.SwapTotal");
	snprintf(n[k.h.nr_notes].value, sizeof(n->value), "1048572");
	k.h.nr_notes++;
	assert_int_equal(rk_write(&k, path, 64), 0);
	struct mmt_reader *rd = mmt_reader_open(path, err, sizeof(err));
	assert_non_null(rd);
	assert_int_equal(rp_swap_pages(mmt_reader_header(rd)),
			 1048572ull * 1024 / 4096);
	mmt_reader_close(rd);
	rk_free_all(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collector_records_swap),
		cmocka_unit_test(test_replay_reads_swap),
	};

	return cmocka_run_group_tests(tests, ru_setup, ru_teardown);
}
