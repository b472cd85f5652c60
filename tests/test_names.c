/* SPDX-License-Identifier: MIT */
/* The names table (FORMAT.md "NAMES"): call-site and process names written
 * with the events, read back sorted; a cut file keeps the names of its
 * whole sections; older traces read with no names; damaged or hostile
 * sections give a one-line error naming the offset; --pid/--comm filters
 * match the name a process had at each event. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "trace_util.h"
#include "mmtrace/filter.h"
#include "../traces/codec.h"

#define NEV 3000

/* Events of pids 100 (named "sh", then "cc1" from event 1000 on: an exec)
 * and 200 ("as"), kmalloc sites 0x11 and 0x22; names added as a
 * recorder adds them (before the first event that uses them). */
static int write_named(const char *path, uint32_t block, uint64_t cut_after)
{
	struct mmt_header h;
	struct mmt_snapshot s;
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 1), 0);
	h.flags |= MMT_HDR_NAMES;
	assert_int_equal(mmt_synth_snapshot(&s, &h), 0);
	struct mmt_writer *w = mmt_writer_open(path, 1, &h, &s, err, sizeof(err));
	assert_non_null(w);
	mmt_writer_set_block_events(w, block);
	for (uint64_t i = 0; i < NEV && i < cut_after; i++) {
		struct mmt_event e = { .ts = 1000 * i, .kind = MMT_EV_KMALLOC };

		e.pid = i % 3 ? 100 : 200;
		e.site = i % 2 ? 0x11 : 0x22;
		e.pfn = 0x1000 + i;
		e.bytes_req = 32;
		e.bytes_alloc = 32;
		if (i == 0) {
			assert_int_equal(mmt_writer_add_comm(w, 200, e.ts, "as"), 0);
			assert_int_equal(mmt_writer_add_sym(w, 0x22, "kmalloc_reserve+0x9c"), 0);
		}
		if (i == 1) {
			assert_int_equal(mmt_writer_add_comm(w, 100, e.ts, "sh"), 0);
			assert_int_equal(mmt_writer_add_sym(w, 0x11, "alloc_pipe_info+0x2b"), 0);
		}
		if (i == 1000)
			assert_int_equal(mmt_writer_add_comm(w, 100, e.ts, "cc1"), 0);
		assert_int_equal(mmt_writer_add(w, &e), 0);
	}
	int rc = mmt_writer_close(w, &s);
	mmt_snapshot_free(&s);
	mmt_header_free(&h);
	return rc;
}

static void test_roundtrip(void **state)
{
	(void)state;
	const char *p = tu_path("named.mmt");
	char err[256];

	assert_int_equal(write_named(p, 256, UINT64_MAX), 0);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	const struct mmt_names *n = mmt_reader_names(r);
	assert_non_null(n);
	assert_int_equal(n->recorded, 1);
	assert_int_equal(n->nr_syms, 2);
	assert_int_equal(n->syms[0].site, 0x11);
	assert_string_equal(mmt_names_sym(n, 0x22), "kmalloc_reserve+0x9c");
	assert_null(mmt_names_sym(n, 0x33));
	assert_int_equal(n->nr_comms, 3);
	assert_string_equal(mmt_names_comm(n, 100, 0), "sh");
	assert_string_equal(mmt_names_comm(n, 100, 999 * 1000), "sh");
	assert_string_equal(mmt_names_comm(n, 100, 1000 * 1000), "cc1");
	assert_string_equal(mmt_names_comm(n, 200, 5), "as");
	assert_null(mmt_names_comm(n, 300, 5));
	/* the second call gives the same table */
	assert_ptr_equal(mmt_reader_names(r), n);
	mmt_reader_close(r);
}

/* Cut inside the event blocks: the names written before the cut read. */
static void test_truncated_keeps_names(void **state)
{
	(void)state;
	const char *p = tu_path("cut.mmt"), *q = tu_path("cut2.mmt");
	char err[256];

	assert_int_equal(write_named(p, 256, UINT64_MAX), 0);
	long size = tu_file_size(p);
	FILE *f = fopen(p, "rb"), *g = fopen(q, "wb");
	assert_non_null(f);
	assert_non_null(g);
	for (long i = 0; i < size * 2 / 3; i++)
		fputc(fgetc(f), g);
	fclose(f);
	fclose(g);
	struct mmt_reader *r = mmt_reader_open(q, err, sizeof(err));
	assert_non_null(r);
	assert_non_null(mmt_reader_stop_reason(r));
	const struct mmt_names *n = mmt_reader_names(r);
	assert_non_null(n);
	assert_int_equal(n->nr_syms, 2);
	/* "cc1" came at event 1000, in the first third of the blocks */
	assert_string_equal(mmt_names_comm(n, 100, 2000 * 1000), "cc1");
	mmt_reader_close(r);
}

static void test_old_trace_has_no_names(void **state)
{
	(void)state;
	char err[256];
	struct mmt_reader *r = mmt_reader_open("tests/data/trace_v1_2.mmt", err,
					       sizeof(err));
	assert_non_null(r);
	const struct mmt_names *n = mmt_reader_names(r);
	assert_non_null(n);
	assert_int_equal(n->recorded, 0);
	assert_int_equal(n->nr_syms + n->nr_comms, 0);

	struct mmt_filter f;
	mmt_filter_init(&f);
	assert_int_equal(mmt_filter_comms(&f, "cc1", err, sizeof(err)), 0);
	assert_int_equal(mmt_filter_bind(&f, r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no process names"));
	mmt_filter_free(&f);
	mmt_reader_close(r);
}

/* Finds the first NAMES section of a file: its offset. */
static long first_names_section(const uint8_t *b, long size)
{
	long off = 16;

	while (off + 48 <= size) {
		struct mmt_sec_hdr h;

		if (mmt_sec_hdr_unpack(b + off, &h))
			return -1;
		if (h.kind == MMT_SEC_NAMES)
			return off;
		off += 48 + (long)h.comp_len;
	}
	return -1;
}

static void test_damaged_names(void **state)
{
	(void)state;
	const char *p = tu_path("dmg.mmt");
	char err[256];

	assert_int_equal(write_named(p, 256, UINT64_MAX), 0);
	long size = tu_file_size(p);
	assert_true(size > 0 && size < (1 << 26));
	uint8_t *b = malloc((size_t)size & ((1u << 26) - 1));
	assert_non_null(b);
	FILE *f = fopen(p, "rb");
	assert_int_equal(fread(b, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	long off = first_names_section(b, size);
	assert_true(off > 0);
	b[off + 48 + 3] ^= 0x40;	/* inside the payload: crc fails */
	f = fopen(p, "wb");
	assert_int_equal(fwrite(b, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	free(b);

	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	assert_null(mmt_reader_names(r));
	char want[64];
	snprintf(want, sizeof(want), "offset %ld: corrupt section", off);
	assert_non_null(strstr(mmt_reader_error(r), want));
	/* the events still read */
	struct mmt_event e;
	int k = 0;
	while (mmt_reader_next(r, &e) == 1)
		k++;
	assert_int_equal(k, NEV);
	mmt_reader_close(r);
}

/* Hostile payloads: each refused with a reason, none read out of bounds. */
static void test_malformed_payloads(void **state)
{
	(void)state;
	char why[200];
	struct {
		const uint8_t raw[24];
		size_t len;
		const char *reason;
	} cases[] = {
		{ { 0x05 }, 1, "symbol count larger" },
		{ { 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x00, 0x00 }, 11, "name of 0 bytes" },
		{ { 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x7f, 'a' }, 11, "runs past" },
		{ { 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x81, 0x04, 'a', 'b', 'c' }, 14,
		  "name of 513 bytes" },
		{ { 0x00, 0x01, 0x80 }, 3, "process count larger" },
		{ { 0x00, 0x01, 0x80, 0x80, 0x80 }, 5, "process 0: cut" },
		{ { 0x00, 0x01, 0x90, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x01, 'x' }, 11,
		  "pid out of range" },
		{ { 0x00, 0x01, 0x05, 0x00, 0x41 }, 5, "name of 65 bytes" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmt_names_build *b = mmt_names_build_new();

		assert_non_null(b);
		assert_int_equal(mmt_names_build_add(b, cases[i].raw, cases[i].len,
						     why, sizeof(why)), -1);
		if (!strstr(why, cases[i].reason))
			fail_msg("case %zu: '%s' lacks '%s'", i, why, cases[i].reason);
		mmt_names_build_free(b);
	}
	/* a well-formed one with control bytes: sanitized, not refused */
	const uint8_t ok[] = { 0x01, 9, 0, 0, 0, 0, 0, 0, 0, 3, 'a', 0x1b, 'b',
			       0x01, 0x07, 0x00, 2, 'x', '\n' };
	struct mmt_names_build *b = mmt_names_build_new();
	struct mmt_names n = { 0 };
	assert_int_equal(mmt_names_build_add(b, ok, sizeof(ok), why, sizeof(why)), 0);
	assert_int_equal(mmt_names_build_finish(b, &n), 0);
	assert_string_equal(mmt_names_sym(&n, 9), "a?b");
	assert_string_equal(mmt_names_comm(&n, 7, 0), "x?");
	mmt_names_release(&n);
}

static void test_filter_comm_by_time(void **state)
{
	(void)state;
	const char *p = tu_path("flt.mmt");
	char err[256];
	struct mmt_filter f;
	struct mmt_event e;
	int k = 0, kpid = 0;

	assert_int_equal(write_named(p, 512, UINT64_MAX), 0);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	mmt_filter_init(&f);
	assert_int_equal(mmt_filter_comms(&f, "cc1,nosuch", err, sizeof(err)), 0);
	assert_int_equal(mmt_filter_bind(&f, r, err, sizeof(err)), 0);
	while (mmt_reader_next(r, &e) == 1) {
		int want = e.pid == 100 && e.ts >= 1000 * 1000;
		assert_int_equal(mmt_filter_match(&f, &e), want);
		k += want;
	}
	assert_int_equal(k, 2000 - 666);	/* [1000, 3000), not a multiple of 3 */
	mmt_filter_free(&f);

	mmt_filter_init(&f);
	assert_int_equal(mmt_filter_pids(&f, "200", err, sizeof(err)), 0);
	assert_int_equal(mmt_filter_time(&f, "--end", "0.000001", err, sizeof(err)), 0);
	assert_int_equal(mmt_filter_bind(&f, r, err, sizeof(err)), 0);
	mmt_reader_rewind(r);
	while (mmt_reader_next(r, &e) == 1)
		kpid += mmt_filter_match(&f, &e);
	assert_int_equal(kpid, 1);	/* ts 0; ts 1000 is pid 100 */
	assert_int_equal(mmt_filter_pids(&f, "12,x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--pid"));
	assert_int_equal(mmt_filter_time(&f, "--start", "-1", err, sizeof(err)), -1);
	mmt_filter_free(&f);
	mmt_reader_close(r);
}

int main(void)
{
	(void)tu_write;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_truncated_keeps_names, tu_setup, tu_teardown),
		cmocka_unit_test(test_old_trace_has_no_names),
		cmocka_unit_test_setup_teardown(test_damaged_names, tu_setup, tu_teardown),
		cmocka_unit_test(test_malformed_payloads),
		cmocka_unit_test_setup_teardown(test_filter_comm_by_time, tu_setup, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
