/* SPDX-License-Identifier: MIT */
/*
 * Trace writer: preamble, header, start snapshot, event blocks, and at
 * close the end snapshot, the block index and the footer (FORMAT.md).
 *
 * Durability: every section is written whole with one write loop; after a
 * failed write the file is cut back to the end of the last whole section,
 * so a full disk leaves a file that reads cleanly up to its last block.
 *
 * Async mode (mmt_writer_set_async): a full block is handed to a thread of
 * the writer's own, which encodes, compresses and writes it (with the
 * names pending at the hand-off), in order; the caller goes on filling the
 * next block.  Encoding and compression are most of a recorder's work per
 * event (a live recorder must drain its ring buffers meanwhile).  At most
 * ASYNC_DEPTH blocks wait: a caller that is faster waits for the thread.
 * Everything else that writes to the file waits until the thread is idle,
 * so the file's bytes are those of the synchronous writer.
 *
 * Offload (mmt_writer_set_offload): the caller says whether it needs the
 * thread now.  With offload off, a full block is written by the caller
 * itself whenever the thread is idle (in order: a block while older ones
 * are queued still goes to the thread).  A thread costs more than the
 * work it takes over when the caller has time to spare: on a 2-CPU host
 * a real-time writer thread preempts the very workload being recorded
 * (collector/record.c, writer_offload).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include "codec.h"

#define DEFAULT_BLOCK_EVENTS 65536
#define DEFAULT_LEVEL 3
#define DEFAULT_FLUSH_NS 1000000000ull	/* a crash loses at most ~1 s */

struct idx_entry {
	uint64_t offset;
	uint64_t min_ts, max_ts;
	uint32_t nr_events;
	uint32_t comp_len, raw_len;
};

#define ASYNC_DEPTH 4

/* A block handed to the writer's thread, with the NAMES payload that must
 * precede it (len 0: none). */
struct wjob {
	struct mmt_event *ev;
	uint32_t n, cap;
	struct mmt_buf names;
};

struct mmt_writer {
	int fd;
	char *path;
	uint64_t off;			/* end of the last whole section */
	int failed;
	char err[256];
	int level;
	uint32_t block_events;
	uint64_t flush_ns;
	ZSTD_CCtx *cctx;

	struct mmt_event *pend;		/* events of the open block */
	uint32_t npend, cap_pend;

	struct mmt_buf raw, comp;	/* scratch */
	struct idx_entry *idx;
	uint64_t nidx, cap_idx;

	uint64_t events, raw_bytes;
	uint64_t start_snap_off;

	struct mmt_names_pend names;	/* for the next NAMES section */
	uint64_t *names_off;		/* NAMES sections written */
	uint64_t nnames, cap_names;

	/* async mode: the thread owns fd, off, raw, comp, cctx, idx,
	 * names_off, events and raw_bytes while jobs are queued; the caller
	 * reads the counters through st_* (under mu) */
	int async;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* a job queued, done, or stop */
	struct wjob q[ASYNC_DEPTH];
	uint32_t qhead, qn;		/* queued jobs, the first in work */
	int stop;
	uint64_t st_events, st_raw, st_off;
	int offload;			/* full blocks go to the thread */
	void (*thread_init)(void *);
	void *thread_arg;
};

static void wait_idle(struct mmt_writer *w);
static void stop_thread(struct mmt_writer *w);

/* Read by the caller while the writer's thread may set it. */
static int failed(const struct mmt_writer *w)
{
	return __atomic_load_n(&w->failed, __ATOMIC_ACQUIRE);
}

static void werr(struct mmt_writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->async)	/* the caller and the thread can both fail */
		pthread_mutex_lock(&w->mu);
	if (failed(w)) {	/* the first error is the one to report */
		if (w->async)
			pthread_mutex_unlock(&w->mu);
		return;
	}
	n = snprintf(w->err, sizeof(w->err), "%s: ", w->path);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(w->err))
		vsnprintf(w->err + n, sizeof(w->err) - (size_t)n, fmt, ap);
	va_end(ap);
	__atomic_store_n(&w->failed, 1, __ATOMIC_RELEASE);
	if (w->async)
		pthread_mutex_unlock(&w->mu);
}

/* Writes buf whole at w->off; on failure cuts the file back to w->off. */
static int write_all(struct mmt_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(w->fd, p + done, len - done,
				   (off_t)(w->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;
			werr(w, "write at offset %llu failed: %s",
			     (unsigned long long)(w->off + done), strerror(e));
			if (ftruncate(w->fd, (off_t)w->off) < 0) {
				/* Nothing more to do: the reader stops at the
				 * cut section anyway. */
			}
			return -1;
		}
		done += (size_t)n;
	}
	w->off += len;
	return 0;
}

/* Compresses (when asked) and writes one section; returns its offset via
 * *at.  The section header describes the payload exactly as stored. */
static int write_section(struct mmt_writer *w, struct mmt_sec_hdr *h,
			 const uint8_t *raw, size_t rawlen, int compress,
			 uint64_t *at)
{
	const uint8_t *payload = raw;
	size_t plen = rawlen;
	uint8_t hdr[MMT_SEC_HDR_LEN];

	if (rawlen > MMT_MAX_SECTION_RAW) {
		werr(w, "section of %zu bytes is too large", rawlen);
		return -1;
	}
	if (compress) {
		size_t bound = ZSTD_compressBound(rawlen);
		w->comp.len = 0;
		if (mmt_buf_reserve(&w->comp, bound)) {
			werr(w, "out of memory");
			return -1;
		}
		size_t r = ZSTD_compressCCtx(w->cctx, w->comp.p, bound, raw,
					     rawlen, w->level);
		if (ZSTD_isError(r)) {
			werr(w, "zstd: %s", ZSTD_getErrorName(r));
			return -1;
		}
		payload = w->comp.p;
		plen = r;
		h->flags |= MMT_SEC_F_ZSTD;
	}
	h->comp_len = (uint32_t)plen;
	h->raw_len = (uint32_t)rawlen;
	h->payload_crc = mmt_crc32c(0, payload, plen);
	mmt_sec_hdr_pack(h, hdr);
	uint64_t start = w->off;
	if (write_all(w, hdr, sizeof(hdr)))
		return -1;
	if (write_all(w, payload, plen)) {
		/* Drop the header written just before. */
		w->off = start;
		if (ftruncate(w->fd, (off_t)start) < 0) {
			/* reader stops at the cut section */
		}
		return -1;
	}
	if (at)
		*at = start;
	return 0;
}

static int write_encoded(struct mmt_writer *w, int kind, const uint8_t *raw,
			 size_t len, uint64_t *at)
{
	struct mmt_sec_hdr h = { .kind = (uint16_t)kind };
	return write_section(w, &h, raw, len, 1, at);
}

static int write_snapshot(struct mmt_writer *w, int kind,
			  const struct mmt_snapshot *s, uint64_t *at)
{
	w->raw.len = 0;
	mmt_snapshot_encode(&w->raw, s);
	if (w->raw.oom) {
		werr(w, "out of memory");
		return -1;
	}
	return write_encoded(w, kind, w->raw.p, w->raw.len, at);
}

static void writer_free(struct mmt_writer *w)
{
	stop_thread(w);
	for (int i = 0; i < ASYNC_DEPTH; i++) {
		free(w->q[i].ev);
		mmt_buf_free(&w->q[i].names);
	}
	if (w->fd >= 0)
		close(w->fd);
	ZSTD_freeCCtx(w->cctx);
	mmt_buf_free(&w->raw);
	mmt_buf_free(&w->comp);
	free(w->pend);
	free(w->idx);
	mmt_names_pend_free(&w->names);
	free(w->names_off);
	free(w->path);
	free(w);
}

struct mmt_writer *mmt_writer_open(const char *path, int overwrite,
				   const struct mmt_header *h,
				   const struct mmt_snapshot *start,
				   char *err, size_t errlen)
{
	struct mmt_writer *w = calloc(1, sizeof(*w));
	uint8_t pre[MMT_PREAMBLE_LEN] = { 0 };

	if (!w || !(w->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(w);
		return NULL;
	}
	w->level = DEFAULT_LEVEL;
	w->block_events = DEFAULT_BLOCK_EVENTS;
	w->flush_ns = DEFAULT_FLUSH_NS;
	/* Overwrite = replace a regular file: a fresh inode is created 0600
	 * whatever the old file's mode, and O_EXCL never follows a symlink
	 * planted at path.  Anything else (/dev/null, a symlink, a fifo) is
	 * refused rather than unlinked: this often runs as root. */
	struct stat st;
	if (overwrite && lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a regular file", path);
			writer_free(w);
			return NULL;
		}
		if (unlink(path) < 0) {
			snprintf(err, errlen, "%s: cannot replace: %s", path,
				 strerror(errno));
			writer_free(w);
			return NULL;
		}
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		writer_free(w);
		return NULL;
	}
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx) {
		snprintf(err, errlen, "%s: out of memory", path);
		writer_free(w);
		return NULL;
	}
	memcpy(pre, MMT_MAGIC, 8);
	mmt_put_le16(pre + 8, MMT_FORMAT_VERSION);
	mmt_put_le16(pre + 10, MMT_MINOR_VERSION);
	int rc = write_all(w, pre, sizeof(pre));
	if (!rc) {
		mmt_header_encode(&w->raw, h);
		rc = w->raw.oom ? (werr(w, "out of memory"), -1) :
		     write_encoded(w, MMT_SEC_HEADER, w->raw.p, w->raw.len, NULL);
	}
	if (!rc && start)
		rc = write_snapshot(w, MMT_SEC_SNAP_START, start,
				    &w->start_snap_off);
	if (rc) {
		snprintf(err, errlen, "%s", w->err);
		writer_free(w);
		return NULL;
	}
	return w;
}

int mmt_writer_rename(struct mmt_writer *w, const char *path)
{
	char *p;

	wait_idle(w);	/* its messages name the file */
	p = strdup(path);

	if (!p) {
		werr(w, "out of memory");
		return -1;
	}
	if (rename(w->path, path) < 0) {
		werr(w, "cannot rename to %s: %s", path, strerror(errno));
		free(p);
		return -1;
	}
	free(w->path);
	w->path = p;
	return 0;
}

int mmt_writer_start_snapshot(struct mmt_writer *w, const struct mmt_snapshot *s)
{
	wait_idle(w);
	if (failed(w))
		return -1;
	if (w->start_snap_off) {
		werr(w, "start snapshot written twice");
		return -1;
	}
	return write_snapshot(w, MMT_SEC_SNAP_START, s, &w->start_snap_off);
}

void mmt_writer_set_level(struct mmt_writer *w, int level)
{
	wait_idle(w);	/* queued blocks keep the level they were added at */
	w->level = level;
}

void mmt_writer_set_block_events(struct mmt_writer *w, uint32_t n)
{
	if (n < 1)
		n = 1;
	if (n > MMT_MAX_BLOCK_EVENTS)
		n = MMT_MAX_BLOCK_EVENTS;
	w->block_events = n;
}

void mmt_writer_set_flush_ns(struct mmt_writer *w, uint64_t ns)
{
	w->flush_ns = ns;
}

static int add_index(struct mmt_writer *w, const struct idx_entry *e)
{
	if (w->nidx == w->cap_idx) {
		uint64_t cap = w->cap_idx ? w->cap_idx * 2 : 256;
		struct idx_entry *p = realloc(w->idx, cap * sizeof(*p));
		if (!p)
			return -1;
		w->idx = p;
		w->cap_idx = cap;
	}
	w->idx[w->nidx++] = *e;
	return 0;
}

/* Takes the pending names as one NAMES payload into b (len 0: none). */
static int take_names(struct mmt_writer *w, struct mmt_buf *b)
{
	b->len = 0;
	if (!w->names.nsyms && !w->names.ncomms)
		return 0;
	if (w->names.syms.oom || w->names.comms.oom) {
		werr(w, "out of memory");
		return -1;
	}
	mmt_names_pend_take(&w->names, b);
	if (b->oom) {
		werr(w, "out of memory");
		return -1;
	}
	return 0;
}

/* A NAMES payload as one section, listed for the index. */
static int write_names(struct mmt_writer *w, const struct mmt_buf *b)
{
	uint64_t at;

	if (!b->len)
		return 0;
	if (w->nnames == w->cap_names) {
		uint64_t cap = w->cap_names ? w->cap_names * 2 : 64;
		uint64_t *p = realloc(w->names_off, cap * sizeof(*p));

		if (!p) {
			werr(w, "out of memory");
			return -1;
		}
		w->names_off = p;
		w->cap_names = cap;
	}
	if (write_encoded(w, MMT_SEC_NAMES, b->p, b->len, &at))
		return -1;
	w->names_off[w->nnames++] = at;
	return 0;
}

int mmt_writer_add_sym(struct mmt_writer *w, uint64_t site, const char *name)
{
	if (failed(w))
		return -1;
	if (mmt_names_pend_sym(&w->names, site, name)) {
		werr(w, "out of memory");
		return -1;
	}
	return 0;
}

int mmt_writer_add_comm(struct mmt_writer *w, uint32_t pid, uint64_t ts,
			const char *comm)
{
	if (failed(w))
		return -1;
	if (mmt_names_pend_comm(&w->names, pid, ts, comm)) {
		werr(w, "out of memory");
		return -1;
	}
	return 0;
}

/* Names first: a file cut after the block still names its events. */
static int write_block(struct mmt_writer *w, const struct mmt_buf *names,
		       const struct mmt_event *ev, uint32_t n)
{
	struct mmt_sec_hdr h = { .kind = MMT_SEC_EVENTS };
	struct idx_entry e;

	if (write_names(w, names))
		return -1;
	if (!n)
		return 0;
	h.nr_events = n;
	h.min_ts = h.max_ts = ev[0].ts;
	for (uint32_t i = 1; i < n; i++) {
		if (ev[i].ts < h.min_ts)
			h.min_ts = ev[i].ts;
		if (ev[i].ts > h.max_ts)
			h.max_ts = ev[i].ts;
	}
	h.seq = (uint32_t)w->nidx;
	w->raw.len = 0;
	mmt_block_encode(&w->raw, ev, n);
	if (w->raw.oom || w->raw.len > MMT_MAX_BLOCK_RAW) {
		werr(w, w->raw.oom ? "out of memory" : "event block too large");
		return -1;
	}
	if (write_section(w, &h, w->raw.p, w->raw.len, 1, &e.offset))
		return -1;
	e.min_ts = h.min_ts;
	e.max_ts = h.max_ts;
	e.nr_events = h.nr_events;
	e.comp_len = h.comp_len;
	e.raw_len = h.raw_len;
	if (add_index(w, &e)) {
		werr(w, "out of memory");
		return -1;
	}
	w->events += n;
	w->raw_bytes += w->raw.len;
	return 0;
}

/* ---- async mode ----------------------------------------------------------- */

/* The counters mmt_writer_stats() reads in async mode; under mu. */
static void publish(struct mmt_writer *w)
{
	w->st_events = w->events;
	w->st_raw = w->raw_bytes;
	w->st_off = w->off;
}

static void *writer_thread(void *arg)
{
	struct mmt_writer *w = arg;

	if (w->thread_init)
		w->thread_init(w->thread_arg);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->qn && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->qn)
			break;
		struct wjob *j = &w->q[w->qhead];

		pthread_mutex_unlock(&w->mu);
		if (!failed(w))
			write_block(w, &j->names, j->ev, j->n);
		pthread_mutex_lock(&w->mu);
		publish(w);
		w->qhead = (w->qhead + 1) % ASYNC_DEPTH;
		w->qn--;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Until the thread has written every queued block: then the caller owns
 * the whole writer again. */
static void wait_idle(struct mmt_writer *w)
{
	if (!w->async)
		return;
	pthread_mutex_lock(&w->mu);
	while (w->qn)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static void stop_thread(struct mmt_writer *w)
{
	if (!w->async)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	w->async = 0;
}

/* Hands the open block and the pending names to the thread; the caller
 * gets the job's old event array for the next block. */
static int hand_off(struct mmt_writer *w)
{
	struct wjob *j;
	struct mmt_event *ev;
	uint32_t cap;

	pthread_mutex_lock(&w->mu);
	while (w->qn == ASYNC_DEPTH)
		pthread_cond_wait(&w->cv, &w->mu);
	j = &w->q[(w->qhead + w->qn) % ASYNC_DEPTH];
	pthread_mutex_unlock(&w->mu);
	/* the slot is ours until it is queued */
	if (take_names(w, &j->names))
		return -1;
	ev = j->ev;
	cap = j->cap;
	j->ev = w->pend;
	j->cap = w->cap_pend;
	j->n = w->npend;
	w->pend = ev;
	w->cap_pend = cap;
	w->npend = 0;
	pthread_mutex_lock(&w->mu);
	w->qn++;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int mmt_writer_set_async(struct mmt_writer *w, void (*init)(void *), void *arg)
{
	if (w->async || failed(w))
		return failed(w) ? -1 : 0;
	w->thread_init = init;
	w->thread_arg = arg;
	w->stop = 0;
	w->qhead = w->qn = 0;
	w->offload = 1;
	publish(w);
	if (pthread_mutex_init(&w->mu, NULL))
		return -1;
	if (pthread_cond_init(&w->cv, NULL)) {
		pthread_mutex_destroy(&w->mu);
		return -1;
	}
	w->async = 1;
	if (pthread_create(&w->th, NULL, writer_thread, w)) {
		w->async = 0;
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		return -1;
	}
	return 0;
}

void mmt_writer_set_offload(struct mmt_writer *w, int on)
{
	w->offload = on;	/* the caller's own field: the thread never reads it */
}

/* Whether the thread has queued blocks (then the next one must queue too,
 * behind them). */
static int thread_busy(struct mmt_writer *w)
{
	int busy;

	pthread_mutex_lock(&w->mu);
	busy = w->qn != 0;
	pthread_mutex_unlock(&w->mu);
	return busy;
}

int mmt_writer_flush(struct mmt_writer *w)
{
	int rc;

	if (failed(w))
		return -1;
	if (!w->npend && !w->names.nsyms && !w->names.ncomms)
		return 0;
	if (w->async && (w->offload || thread_busy(w)))
		return hand_off(w);
	/* the names go out of raw before the block is encoded into it; an
	 * idle thread owns nothing until the next hand-off */
	rc = take_names(w, &w->raw) || write_block(w, &w->raw, w->pend, w->npend);
	if (w->async) {
		pthread_mutex_lock(&w->mu);
		publish(w);
		pthread_mutex_unlock(&w->mu);
	}
	if (rc)
		return -1;
	w->npend = 0;
	return 0;
}

int mmt_writer_add(struct mmt_writer *w, const struct mmt_event *ev)
{
	if (failed(w))
		return -1;
	if (ev->kind > 255) {
		werr(w, "event kind %u out of range", ev->kind);
		return -1;
	}
	if (w->npend == w->cap_pend) {
		uint32_t cap = w->cap_pend ? w->cap_pend * 2 : 1024;
		if (cap > w->block_events)
			cap = w->block_events;
		if (cap <= w->npend)
			cap = w->npend + 1;
		struct mmt_event *p = realloc(w->pend, cap * sizeof(*p));
		if (!p) {
			werr(w, "out of memory");
			return -1;
		}
		w->pend = p;
		w->cap_pend = cap;
	}
	w->pend[w->npend++] = *ev;
	if (w->npend >= w->block_events)
		return mmt_writer_flush(w);
	/* By trace time, not wall time: the same events give the same file. */
	if (w->flush_ns && ev->ts > w->pend[0].ts &&
	    ev->ts - w->pend[0].ts >= w->flush_ns)
		return mmt_writer_flush(w);
	return 0;
}

static int write_index(struct mmt_writer *w, uint64_t end_snap_off)
{
	uint64_t prev_off = 0, prev_ts = 0, at;
	uint8_t foot[MMT_FOOTER_LEN];

	w->raw.len = 0;
	mmt_buf_uv(&w->raw, w->start_snap_off);
	mmt_buf_uv(&w->raw, end_snap_off);
	mmt_buf_uv(&w->raw, w->nidx);
	for (uint64_t i = 0; i < w->nidx; i++) {
		const struct idx_entry *e = &w->idx[i];
		mmt_buf_uv(&w->raw, e->offset - prev_off);
		mmt_buf_sv(&w->raw, (int64_t)(e->min_ts - prev_ts));
		mmt_buf_uv(&w->raw, e->max_ts - e->min_ts);
		mmt_buf_uv(&w->raw, e->nr_events);
		mmt_buf_uv(&w->raw, e->comp_len);
		mmt_buf_uv(&w->raw, e->raw_len);
		prev_off = e->offset;
		prev_ts = e->min_ts;
	}
	/* Appended in this minor version: older readers stop before it. */
	mmt_buf_uv(&w->raw, w->nnames);
	prev_off = 0;
	for (uint64_t i = 0; i < w->nnames; i++) {
		mmt_buf_uv(&w->raw, w->names_off[i] - prev_off);
		prev_off = w->names_off[i];
	}
	if (w->raw.oom) {
		werr(w, "out of memory");
		return -1;
	}
	if (write_encoded(w, MMT_SEC_INDEX, w->raw.p, w->raw.len, &at))
		return -1;
	mmt_put_le64(foot + 0, at);
	mmt_put_le64(foot + 8, w->nidx);
	mmt_put_le64(foot + 16, w->events);
	mmt_put_le32(foot + 24, mmt_crc32c(0, foot, 24));
	mmt_put_le32(foot + 28, MMT_FOOTER_MAGIC);
	return write_all(w, foot, sizeof(foot));
}

int mmt_writer_close_err(struct mmt_writer *w, const struct mmt_snapshot *end,
			 char *err, size_t errlen)
{
	uint64_t end_off = 0;
	int rc = 0;

	if (!w) {
		snprintf(err, errlen, "no writer");
		return -1;
	}
	if (mmt_writer_flush(w))
		rc = -1;
	wait_idle(w);
	stop_thread(w);
	if (failed(w))
		rc = -1;
	if (!rc && end && write_snapshot(w, MMT_SEC_SNAP_END, end, &end_off))
		rc = -1;
	if (!rc && write_index(w, end_off))
		rc = -1;
	if (!rc && fsync(w->fd) < 0 && errno != EINVAL && errno != EROFS) {
		werr(w, "fsync: %s", strerror(errno));
		rc = -1;
	}
	if (!rc && close(w->fd) < 0) {
		w->fd = -1;
		werr(w, "close: %s", strerror(errno));
		rc = -1;
	} else if (!rc) {
		w->fd = -1;
	}
	if (rc)
		snprintf(err, errlen, "%s", w->err);
	writer_free(w);
	return rc;
}

int mmt_writer_close(struct mmt_writer *w, const struct mmt_snapshot *end)
{
	char err[256];
	int rc = mmt_writer_close_err(w, end, err, sizeof(err));

	/* The writer is gone after this call, so its message goes to stderr
	 * here; callers that want it use mmt_writer_close_err(). */
	if (rc)
		fprintf(stderr, "%s\n", err);
	return rc;
}

const char *mmt_writer_error(const struct mmt_writer *w)
{
	return failed(w) ? w->err : NULL;
}

void mmt_writer_stats(const struct mmt_writer *w, uint64_t *events,
		      uint64_t *raw_bytes, uint64_t *file_bytes)
{
	struct mmt_writer *mw = (struct mmt_writer *)w;	/* its lock */
	uint64_t ev = w->events, raw = w->raw_bytes, off = w->off;

	if (w->async) {	/* queued blocks count as added */
		pthread_mutex_lock(&mw->mu);
		ev = w->st_events;
		raw = w->st_raw;
		off = w->st_off;
		for (uint32_t i = 0; i < w->qn; i++)
			ev += w->q[(w->qhead + i) % ASYNC_DEPTH].n;
		pthread_mutex_unlock(&mw->mu);
	}
	if (events)
		*events = ev + w->npend;
	if (raw_bytes)
		*raw_bytes = raw;
	if (file_bytes)
		*file_bytes = off;
}
