/* SPDX-License-Identifier: MIT */
/* Damaged traces: cut at every byte, corrupted bytes, a writer that hits
 * its file size limit.  Each must give a clear message and no crash, and
 * every whole block before the damage must still read. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "trace_util.h"
#include "damage_util.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)n);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void spit(const char *path, const uint8_t *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	fclose(f);
}

/* Reads everything; returns the count, *rc the last next() result. */
static uint64_t read_all(struct mmt_reader *r, const struct mmt_event *want,
			 int *rc)
{
	struct mmt_event ev;
	uint64_t n = 0;
	while ((*rc = mmt_reader_next(r, &ev)) == 1) {
		if (want)
			assert_memory_equal(&ev, &want[n], sizeof(ev));
		n++;
	}
	return n;
}

struct fixture {
	struct mmt_header h;
	struct mmt_event *ev;
	size_t n;
	uint8_t *file;
	size_t len;
	uint64_t *block_off;	/* [nblocks + 1]; last = end of last block */
	uint64_t nblocks;
	uint64_t header_end;
	uint32_t per_block;
};

static void make_fixture(struct fixture *fx, size_t n, uint32_t per_block,
			 const char *name)
{
	char err[256];
	memset(fx, 0, sizeof(*fx));
	assert_int_equal(mmt_synth_header(&fx->h, NULL, 0, 2), 0);
	fx->ev = malloc(n * sizeof(*fx->ev));
	fx->n = n;
	fx->per_block = per_block;
	struct mmt_synth_loop o = { .nr_cpus = 2, .pcp_events = 1, .seed = 7 };
	mmt_synth_fault_loop(&fx->h, &o, fx->ev, n);
	const char *p = tu_path(name);
	assert_int_equal(tu_write(p, &fx->h, fx->ev, n, per_block), 0);
	fx->file = slurp(p, &fx->len);
	assert_non_null(fx->file);

	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	fx->nblocks = mmt_reader_nr_blocks(r);
	fx->block_off = calloc(fx->nblocks + 1, sizeof(uint64_t));
	for (uint64_t i = 0; i < fx->nblocks; i++) {
		struct mmt_block_info bi;
		assert_int_equal(mmt_reader_block_info(r, i, &bi), 0);
		fx->block_off[i] = bi.offset;
	}
	mmt_reader_close(r);
	/* the last block ends where its section ends: header + payload */
	uint64_t last = fx->block_off[fx->nblocks - 1];
	uint32_t comp = (uint32_t)fx->file[last + 8] | (uint32_t)fx->file[last + 9] << 8 |
			(uint32_t)fx->file[last + 10] << 16 |
			(uint32_t)fx->file[last + 11] << 24;
	fx->block_off[fx->nblocks] = last + 48 + comp;
	uint32_t hcomp = (uint32_t)fx->file[16 + 8] | (uint32_t)fx->file[16 + 9] << 8 |
			 (uint32_t)fx->file[16 + 10] << 16 |
			 (uint32_t)fx->file[16 + 11] << 24;
	fx->header_end = 16 + 48 + hcomp;
}

static void free_fixture(struct fixture *fx)
{
	mmt_header_free(&fx->h);
	free(fx->ev);
	free(fx->file);
	free(fx->block_off);
}

/* Whole blocks within the first `cut` bytes. */
static uint64_t events_before(const struct fixture *fx, uint64_t cut)
{
	uint64_t n = 0;
	for (uint64_t i = 0; i < fx->nblocks; i++) {
		uint64_t end = fx->block_off[i + 1];
		if (i + 1 < fx->nblocks)
			end = fx->block_off[i + 1];
		if (end > cut)
			break;
		n += i + 1 < fx->nblocks ? fx->per_block : fx->n - i * fx->per_block;
	}
	return n;
}

static void check_cut(const struct fixture *fx, uint64_t cut)
{
	char err[256];
	const char *p = tu_path("cut.mmt");
	int rc;

	spit(p, fx->file, (size_t)cut);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	if (cut < fx->header_end) {
		assert_null(r);
		assert_non_null(strstr(err, "cut.mmt: offset "));
		assert_non_null(strstr(err, "truncated header"));
		return;
	}
	assert_non_null(r);
	uint64_t want = events_before(fx, cut);
	assert_int_equal(mmt_reader_nr_events(r), want);
	assert_int_equal(read_all(r, fx->ev, &rc), want);
	assert_int_equal(rc, 0);
	const char *why = mmt_reader_stop_reason(r);
	if (cut < fx->len) {
		assert_non_null(why);
		assert_non_null(strstr(why, "cut.mmt: truncated"));
		char expect[64];
		snprintf(expect, sizeof(expect), "(%llu events)", (unsigned long long)want);
		assert_non_null(strstr(why, expect));
	} else {
		assert_null(why);
	}
	/* the start snapshot sits before the first block */
	if (cut >= fx->block_off[0])
		assert_non_null(mmt_reader_snapshot(r, 0));
	mmt_reader_close(r);
}

static void test_cut_at_every_byte(void **state)
{
	(void)state;
	struct fixture fx;
	make_fixture(&fx, 300, 32, "small.mmt");
	assert_int_equal(fx.nblocks, 10);
	for (uint64_t cut = 0; cut <= fx.len; cut++)
		check_cut(&fx, cut);
	/* and the exact block boundaries count what they should */
	for (uint64_t i = 0; i + 1 < fx.nblocks; i++)
		assert_int_equal(events_before(&fx, fx.block_off[i + 1]), (i + 1) * 32);
	free_fixture(&fx);
}

static void test_cut_big_file_stride(void **state)
{
	(void)state;
	struct fixture fx;
	make_fixture(&fx, 200000, 4096, "big.mmt");
	assert_true(fx.nblocks > 40);
	uint64_t stride = fx.len / 61 + 1;
	for (uint64_t cut = 0; cut <= fx.len; cut += stride)
		check_cut(&fx, cut);
	for (uint64_t i = 0; i <= fx.nblocks; i += 7) {
		check_cut(&fx, fx.block_off[i]);
		check_cut(&fx, fx.block_off[i] - 1);
		check_cut(&fx, fx.block_off[i] + 1);
	}
	check_cut(&fx, fx.len - 1);
	check_cut(&fx, fx.len);
	free_fixture(&fx);
}

static void test_corrupt_block(void **state)
{
	(void)state;
	struct fixture fx;
	char err[256], off[64];
	int rc;
	const char *p = tu_path("corrupt.mmt");

	make_fixture(&fx, 3000, 256, "c.mmt");
	/* a payload byte of block 4: blocks 0..3 read, then -1 naming it */
	uint64_t at = fx.block_off[4];
	fx.file[at + 48 + 5] ^= 0x5a;
	spit(p, fx.file, fx.len);
	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(read_all(r, fx.ev, &rc), 4 * 256);
	assert_int_equal(rc, -1);
	snprintf(off, sizeof(off), "corrupt.mmt: offset %llu: corrupt", (unsigned long long)at);
	assert_non_null(strstr(mmt_reader_error(r), off));
	assert_int_equal(mmt_reader_next(r, &(struct mmt_event){ 0 }), -1);
	/* seeking past the damage reads on */
	assert_int_equal(mmt_reader_seek_time(r, fx.ev[5 * 256].ts), 0);
	struct mmt_event ev;
	assert_int_equal(mmt_reader_next(r, &ev), 1);
	assert_true(ev.ts >= fx.ev[5 * 256].ts);
	mmt_reader_close(r);
	fx.file[at + 48 + 5] ^= 0x5a;

	/* a damaged section header in a file without its footer: strict
	 * reading stops there, after the blocks before it */
	fx.file[at + 2] ^= 0x01;
	spit(p, fx.file, fx.len - 1);
	r = mmt_reader_open(p, err, sizeof(err));
	assert_non_null(r);
	assert_non_null(strstr(mmt_reader_damage_msg(r, 0), "damaged section header"));
	assert_int_equal(read_all(r, fx.ev, &rc), 4 * 256);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(mmt_reader_error(r), off));
	mmt_reader_close(r);
	free_fixture(&fx);
}

/* Offset of the first section of `kind`. */
static uint64_t section_of(const struct fixture *fx, unsigned kind)
{
	uint64_t off = du_section(fx->file, fx->len, kind, 0);

	if (!off)
		fail_msg("no section of kind %u", kind);
	return off;
}

/* Opens fx's file as damaged at byte `at` (xor x), cut to `len`, with
 * skipping on, and reads it all: the events read, in *r (left open). */
static uint64_t read_damaged(struct fixture *fx, uint64_t at, uint8_t x,
			     size_t len, struct mmt_reader **rp, int *rc)
{
	char err[256];
	const char *p = tu_path("dmg.mmt");
	struct mmt_event ev;
	uint64_t n = 0;

	fx->file[at] ^= x;
	spit(p, fx->file, len);
	fx->file[at] ^= x;
	*rp = mmt_reader_open(p, err, sizeof(err));
	if (!*rp)
		fail_msg("%s", err);
	mmt_reader_set_skip_damaged(*rp, 1);
	while ((*rc = mmt_reader_next(*rp, &ev)) == 1)
		n++;
	return n;
}

/* With skipping on, a corrupt block is skipped through the index: every
 * other event reads, in order; the damage names the block, its offset
 * and the events lost, once however many passes meet it. */
static void test_skip_damaged_block(void **state)
{
	struct fixture fx;
	struct mmt_reader *r;
	const struct mmt_event *evs;
	char want[128];
	uint64_t lost, unknown, n = 0;
	int64_t k;
	int rc;

	(void)state;
	make_fixture(&fx, 3000, 256, "s.mmt");
	assert_int_equal(read_damaged(&fx, fx.block_off[4] + 48 + 5, 0x5a,
				      fx.len, &r, &rc), 3000 - 256);
	assert_int_equal(rc, 0);
	assert_int_equal(mmt_reader_damage(r, &lost, &unknown), 1);
	assert_int_equal(lost, 256);
	assert_int_equal(unknown, 0);
	snprintf(want, sizeof(want), "dmg.mmt: offset %llu: event block 4 damaged",
		 (unsigned long long)fx.block_off[4]);
	assert_non_null(strstr(mmt_reader_damage_msg(r, 0), want));
	assert_non_null(strstr(mmt_reader_damage_msg(r, 0), "256 of its 256 events lost"));
	assert_null(mmt_reader_stop_reason(r));
	/* a second pass, in batches: the same events, the damage once */
	mmt_reader_rewind(r);
	while ((k = mmt_reader_next_batch(r, &evs)) > 0)
		for (int64_t i = 0; i < k; i++, n++)
			assert_memory_equal(&evs[i], &fx.ev[n < 4 * 256 ? n : n + 256],
					    sizeof(evs[i]));
	assert_int_equal(k, 0);
	assert_int_equal(n, 3000 - 256);
	assert_int_equal(mmt_reader_damage(r, &lost, NULL), 1);
	assert_int_equal(lost, 256);
	mmt_reader_close(r);

	/* the block's section header: the index still knows its events */
	assert_int_equal(read_damaged(&fx, fx.block_off[7] + 3, 0x01, fx.len,
				      &r, &rc), 3000 - 256);
	assert_int_equal(mmt_reader_damage(r, &lost, NULL), 1);
	assert_int_equal(lost, 256);
	assert_non_null(strstr(mmt_reader_damage_msg(r, 0), "event block 7 damaged"));
	mmt_reader_close(r);
	free_fixture(&fx);
}

/* Without an index, a damaged section header is passed by finding the
 * next sound one: the blocks after it still read, and the bytes skipped
 * are counted (their events are unknown). */
static void test_resync_after_bad_header(void **state)
{
	struct fixture fx;
	struct mmt_reader *r;
	uint64_t lost, unknown;
	char want[160];
	int rc;

	(void)state;
	make_fixture(&fx, 3000, 256, "h.mmt");
	assert_int_equal(read_damaged(&fx, fx.block_off[4] + 2, 0x01, fx.len - 1,
				      &r, &rc), 3000 - 256);
	assert_int_equal(rc, 0);
	assert_int_equal(mmt_reader_damage(r, &lost, &unknown), 1);
	assert_int_equal(lost, 0);
	assert_int_equal(unknown, fx.block_off[5] - fx.block_off[4]);
	snprintf(want, sizeof(want), "offset %llu: damaged section header: %llu bytes "
		 "skipped to the next sound section, at offset %llu",
		 (unsigned long long)fx.block_off[4],
		 (unsigned long long)(fx.block_off[5] - fx.block_off[4]),
		 (unsigned long long)fx.block_off[5]);
	assert_non_null(strstr(mmt_reader_damage_msg(r, 0), want));
	/* and the cut footer is a truncation, said apart */
	assert_non_null(strstr(mmt_reader_stop_reason(r), "truncated"));
	assert_int_equal(mmt_reader_snapshot_state(r, 0, NULL), 1);
	assert_int_equal(mmt_reader_snapshot_state(r, 1, NULL), 1);
	mmt_reader_close(r);

	/* the start snapshot's header: not found, and not taken for absent */
	{
		uint64_t s = section_of(&fx, 2);
		const char *why;

		assert_int_equal(read_damaged(&fx, s + 40, 0x10, fx.len - 1, &r, &rc), 3000);
		assert_int_equal(mmt_reader_snapshot_state(r, 0, &why), -1);
		assert_non_null(strstr(why, "start snapshot not found: a damaged "
				       "section header sits where it would be"));
		assert_int_equal(mmt_reader_snapshot_state(r, 1, NULL), 1);
		mmt_reader_close(r);
	}
	free_fixture(&fx);
}

/* A flip in the index, its section header or the footer is damage, said
 * as such (not "truncated"); the blocks are found by walking the
 * sections and every event reads. */
static void test_index_and_footer_flips(void **state)
{
	struct fixture fx;
	struct mmt_reader *r;
	uint64_t idx, at[] = { 0, 5, 47, 48, 60 };
	char want[128];
	int rc;

	(void)state;
	make_fixture(&fx, 3000, 256, "i.mmt");
	idx = section_of(&fx, 5);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		if (idx + at[i] >= fx.len - 32)
			continue;
		assert_int_equal(read_damaged(&fx, idx + at[i], 0x04, fx.len, &r, &rc), 3000);
		assert_int_equal(rc, 0);
		assert_int_equal(mmt_reader_damage(r, NULL, NULL), 1);
		snprintf(want, sizeof(want), "dmg.mmt: offset %llu: damaged index (",
			 (unsigned long long)idx);
		assert_non_null(strstr(mmt_reader_damage_msg(r, 0), want));
		assert_null(mmt_reader_stop_reason(r));
		assert_int_equal(mmt_reader_snapshot_state(r, 0, NULL), 1);
		assert_int_equal(mmt_reader_snapshot_state(r, 1, NULL), 1);
		mmt_reader_close(r);
	}
	for (uint64_t b = fx.len - 32; b < fx.len; b++) {
		assert_int_equal(read_damaged(&fx, b, 0x20, fx.len, &r, &rc), 3000);
		assert_int_equal(mmt_reader_damage(r, NULL, NULL), 1);
		snprintf(want, sizeof(want), "dmg.mmt: offset %llu: damaged footer",
			 (unsigned long long)(fx.len - 32));
		assert_non_null(strstr(mmt_reader_damage_msg(r, 0), want));
		assert_null(mmt_reader_stop_reason(r));
		mmt_reader_close(r);
	}
	free_fixture(&fx);
}

/* A snapshot that fails its checks is damaged, never absent: state -1
 * and a damage line; one never written is absent (0) and no damage. */
static void test_snapshot_damage(void **state)
{
	struct fixture fx;
	struct mmt_reader *r;
	const char *why;
	char err[256], want[128];
	int rc;

	(void)state;
	make_fixture(&fx, 1000, 256, "n.mmt");
	for (int which = 0; which < 2; which++) {
		uint64_t s = section_of(&fx, which ? 4 : 2);

		assert_int_equal(read_damaged(&fx, s + 48 + 9, 0x40, fx.len, &r, &rc), 1000);
		assert_int_equal(rc, 0);
		assert_null(mmt_reader_snapshot(r, which));
		assert_int_equal(mmt_reader_snapshot_state(r, which, &why), -1);
		snprintf(want, sizeof(want), "dmg.mmt: offset %llu: %s snapshot damaged: ",
			 (unsigned long long)s, which ? "end" : "start");
		assert_non_null(strstr(why, want));
		assert_int_equal(mmt_reader_damage(r, NULL, NULL), 1);
		assert_string_equal(mmt_reader_damage_msg(r, 0), why);
		assert_int_equal(mmt_reader_snapshot_state(r, !which, NULL), 1);
		mmt_reader_close(r);
	}
	/* written without snapshots: absent, not damaged */
	{
		const char *p = tu_path("nosnap.mmt");
		struct mmt_writer *w = mmt_writer_open(p, 1, &fx.h, NULL, err, sizeof(err));

		assert_non_null(w);
		for (int i = 0; i < 10; i++)
			assert_int_equal(mmt_writer_add(w, &fx.ev[i]), 0);
		assert_int_equal(mmt_writer_close(w, NULL), 0);
		r = mmt_reader_open(p, err, sizeof(err));
		assert_non_null(r);
		assert_int_equal(mmt_reader_snapshot_state(r, 0, NULL), 0);
		assert_int_equal(mmt_reader_snapshot_state(r, 1, NULL), 0);
		assert_int_equal(mmt_reader_damage(r, NULL, NULL), 0);
		mmt_reader_close(r);
	}
	free_fixture(&fx);
}

/* Every single-byte corruption of a small file: open fails cleanly or the
 * reader ends with 0 or -1; it never crashes (ASan/UBSan in make check).
 * And none goes unnoticed: read whole with skipping on, every flip but
 * in the preamble's reserved bytes (12..15, ignored) is a failed open,
 * a damage line or a truncation. */
static void test_flip_every_byte(void **state)
{
	(void)state;
	struct fixture fx;
	char err[256];
	const char *p = tu_path("flip.mmt");

	make_fixture(&fx, 200, 50, "f.mmt");
	for (size_t i = 0; i < fx.len; i++) {
		int rc;
		fx.file[i] ^= 0x80;
		spit(p, fx.file, fx.len);
		struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
		if (!r) {
			assert_non_null(strstr(err, "flip.mmt"));
			assert_int_equal(errno, EBADMSG);
		} else {
			uint64_t n = read_all(r, NULL, &rc);
			assert_true(n <= fx.n);
			if (rc < 0)
				assert_non_null(strstr(mmt_reader_error(r), "flip.mmt: offset"));
			mmt_reader_snapshot(r, 0);
			mmt_reader_snapshot(r, 1);
			mmt_reader_close(r);
			r = mmt_reader_open(p, err, sizeof(err));
			assert_non_null(r);
			mmt_reader_set_skip_damaged(r, 1);
			n = read_all(r, NULL, &rc);
			assert_int_equal(rc, 0);
			mmt_reader_snapshot_state(r, 0, NULL);
			mmt_reader_snapshot_state(r, 1, NULL);
			if (i < 12 || i >= 16)
				assert_true(mmt_reader_damage(r, NULL, NULL) ||
					    mmt_reader_stop_reason(r));
			for (uint64_t d = 0; d < mmt_reader_damage(r, NULL, NULL); d++)
				assert_non_null(strstr(mmt_reader_damage_msg(r, d),
						       "flip.mmt: offset "));
			mmt_reader_close(r);
		}
		fx.file[i] ^= 0x80;
	}
	free_fixture(&fx);
}

/* The writer hits RLIMIT_FSIZE (EFBIG): add() returns -1 with a message,
 * and every block written before reads back; with the async writer too
 * (the error surfaces at a later add). */
static void writer_file_too_large(int async)
{
	struct mmt_header h;
	const char *p = tu_path("efbig.mmt");
	enum { N = 200000 };
	struct mmt_event *ev = malloc(N * sizeof(*ev));
	char err[256];

	assert_int_equal(mmt_synth_header(&h, NULL, 0, 1), 0);
	struct mmt_synth_loop o = { .seed = 3 };
	mmt_synth_fault_loop(&h, &o, ev, N);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 40000, 40000 };
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		struct mmt_writer *w = mmt_writer_open(p, 1, &h, NULL, err, sizeof(err));
		if (!w)
			_exit(10);
		mmt_writer_set_block_events(w, 1000);
		if (async && mmt_writer_set_async(w, NULL, NULL))
			_exit(15);
		size_t i;
		for (i = 0; i < N; i++)
			if (mmt_writer_add(w, &ev[i]))
				break;
		if (i == N)
			_exit(11);
		const char *msg = mmt_writer_error(w);
		if (!msg || !strstr(msg, "efbig.mmt") || !strstr(msg, "File too large"))
			_exit(12);
		/* later calls keep failing, close reports it */
		if (mmt_writer_add(w, &ev[0]) != -1 || mmt_writer_flush(w) != -1)
			_exit(13);
		if (mmt_writer_close_err(w, NULL, err, sizeof(err)) != -1)
			_exit(14);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(tu_file_size(p) <= 40000);

	struct mmt_reader *r = mmt_reader_open(p, err, sizeof(err));
	int rc;
	assert_non_null(r);
	uint64_t n = read_all(r, ev, &rc);
	assert_int_equal(rc, 0);
	assert_true(n >= 1000);
	assert_int_equal(n % 1000, 0);
	assert_non_null(mmt_reader_stop_reason(r));
	mmt_reader_close(r);
	mmt_header_free(&h);
	free(ev);
}

static void test_writer_file_too_large(void **state)
{
	(void)state;
	writer_file_too_large(0);
	writer_file_too_large(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_at_every_byte),
		cmocka_unit_test(test_cut_big_file_stride),
		cmocka_unit_test(test_corrupt_block),
		cmocka_unit_test(test_skip_damaged_block),
		cmocka_unit_test(test_resync_after_bad_header),
		cmocka_unit_test(test_index_and_footer_flips),
		cmocka_unit_test(test_snapshot_damage),
		cmocka_unit_test(test_flip_every_byte),
		cmocka_unit_test(test_writer_file_too_large),
	};
	return cmocka_run_group_tests(tests, tu_setup, tu_teardown);
}
