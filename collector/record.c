/* SPDX-License-Identifier: MIT */
/*
 * mmtrace record: load the BPF collector (collector/mmtrace.bpf.c), attach
 * every tracepoint this kernel has, and stream the events into a trace file
 * through the trace writer (include/mmtrace/trace.h).
 *
 * Order of work, and why:
 *   1. header facts (host.c) and BTF;
 *   2. fork CMD, stopped before exec (its pid may be the --pid filter);
 *   3. load, attach each program on its own (a missing tracepoint is noted,
 *      never fatal);
 *   4. calibrate vmemmap_base / page_offset_base (KASLR) so raw pointers
 *      from the raw_tp programs become pfns;
 *   5. set start_ns, raise `running`, take the start snapshot, open the
 *      file: events between 5 and the snapshot are in the ring and land
 *      after it in the file, so nothing between snapshot and events is lost;
 *   6. release CMD, drain the ring until CMD exits / -d / SIGINT / SIGTERM /
 *      SIGHUP / the --pid process exits /
 *      a write error;
 *   7. detach, drain, end snapshot, index and footer.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "mmtrace/cmd.h"
#include "mmtrace/trace.h"
#include "collector.h"
#include "events.h"
#include "mmtrace.skel.h"

#define MAX_LINKS 128
#define POLL_MS 50
#define ZONE_POLL_NS 200000000ull

struct opts {
	const char *out;
	double duration;
	int pid;
	const char *cgroup;
	unsigned buffer_mb;
	int raw_pointers;
	int force;
	int cmd_only;		/* --cmd-only: filter on CMD's process */
	int attach_only;	/* --attach-only: programs record nothing */
	int store_only;		/* --store-only: raw stores, no events */
	const char *events;	/* -e list, NULL = all */
	int rt_prio;		/* --rt-priority: SCHED_FIFO of the consumer, 0 = off */
	char **cmd;
};

/* Records waiting to be merged: each per-CPU ring is in sequence order
 * (nearly: kept sorted on insert), and the rings are merged by the BPF
 * side's global sequence number.  The head with the lowest number is
 * written once its time is older than a cut-off (and, in a drain that
 * left records in a ring, its number is below theirs: drain()): every
 * record numbered before it was taken before it in real time, so it has
 * surely been committed by then.  The slack covers the commit delay (2 ms, as with
 * exact times) plus how old a hot event's cached time can be: a tick
 * (10 ms at HZ=100) or CLOCK_EVERY events (collector/mmtrace.bpf.c) while
 * jiffies moves on time; it did not always here (up to 58 ms, see "Time
 * and order" in collector/README.md): such a record can be written ahead
 * of a lower-numbered one still in flight (never seen). */
#define REC_MAX 80
#define MERGE_SLACK_NS 20000000ull

struct pend {
	uint64_t seq;
	uint64_t ts;
	uint64_t size;
	uint64_t data[REC_MAX / 8];	/* 8-aligned, as the ring's records */
};

struct ringq {
	struct rec *r;
	struct pend *v;
	size_t head, n, cap;
	int stopped;	/* this drain's consume stopped with the queue full */
	/* the ring's pages, read-only, to look at what is left in it
	 * (ring_min_seq): positions, and the data mapped twice over */
	const uint64_t *cons_pos, *prod_pos;
	const uint8_t *data;
	uint64_t mask;
	void *map_cons, *map_prod;
	size_t map_prod_len;
	/* records dropped because the queue was full (never, while the
	 * consume stops QUEUE_ROOM short of it): a LOST record by
	 * check_lost() */
	uint64_t dropped, drop_first, drop_last;
};

/*
 * Each ring's queue has a fixed size, allocated and touched before the
 * recording starts: QUEUE_CAP records (27 MB), fewer on a host with many
 * CPUs (QUEUE_TOTAL over all rings, about 200 MB, locked by mlockall).
 * A drain that finds more in a ring than its queue takes stops reading
 * that ring QUEUE_ROOM records short of full, writes what it can and
 * reads on (drain()): the rest waits in the ring, which is what the ring
 * is for.  Queues that grew on demand instead (doubling to 1 M records a
 * ring) took their new memory at the worst moment: under pressure the
 * page faults of one growth (20k faults, 80 MB) held a drain for 0.49 s
 * while the rings kept filling, and the queue it grew for overflowed
 * (358k events lost at 3 s into a test_live_pressure run).
 * A queue grows (to QUEUE_MAX, QUEUE_TOTAL over all) only when a round
 * could write nothing: its ring holds a record numbered below everything
 * queued (a batch that filled while its CPU wrote more than a queue of
 * records straight) -- with QUEUE_CAP, not seen.
 */
#define QUEUE_CAP (1u << 18)
#define QUEUE_MAX (1u << 20)
#define QUEUE_TOTAL (2u << 20)
#define QUEUE_ROOM 64		/* > the records of one ring sample (a batch) */
#define CONSUME_STOP (-ECANCELED)	/* on_record: this ring's queue is full */
#define DRAIN_ROUNDS 64		/* read-and-write rounds of one drain */

struct cache_slot {
	uint32_t idx;		/* index into the header's slab table */
	uint32_t req, alloc;	/* object_size, size */
};

struct rec {
	struct opts o;
	struct mmt_header h;
	struct btf *btf;
	struct mmtrace_bpf *skel;
	struct ring_buffer **rbq;	/* one per ring: each is read on its own */
	int epfd;			/* the rings, edge-triggered (wait_rings) */
	size_t queued_cap;		/* slots of all queues (QUEUE_TOTAL) */
	uint64_t queue_grown;		/* times a queue had to grow */
	uint64_t seq_written;		/* highest number written */
	uint64_t seq_late;		/* records written after a higher one */
	int *ring_fds;
	struct ringq *q;
	int nrings;
	struct mmt_writer *w;
	struct coll_ksyms *ks;
	struct coll_comms *comms;	/* pid -> command (collector/comm.c) */
	uint32_t last_pid;		/* its name is in the trace already */
	uint64_t last_put_ts;		/* ts of the last event written */
	struct bpf_link *links[MAX_LINKS];
	const struct bpf_program *link_prog[MAX_LINKS];
	int nlinks;
	int nlink_prog;		/* link_prog[] entries (kept after detach) */
	struct coll_pressure *pr;	/* collector/pressure.c */
	struct coll_conv cv;
	pid_t child;
	int child_pipe;
	int child_status;

	uint64_t vmemmap, page_offset, page_struct_size, phys_span;
	uint64_t user_key;	/* keyed hash of user-space fault ips */
	uint64_t last_ts;

	struct cache_slot *caches;	/* by BPF cache id */
	uint32_t ncaches;

	int ncpus;		/* libbpf_num_possible_cpus() */
	uint64_t *lost_prev;
	uint64_t lost_total;
	uint64_t lost_reported;	/* in LOST records written so far */
	uint64_t queue_dropped;	/* lost because a merge queue was full */
	uint64_t recs_in;	/* records the rings gave us (check_seq) */
	uint64_t recs_bad;	/* of those, of a size no record has */
	uint64_t runs_unreported; /* loss runs read from the state at the end */
	uint64_t census_lost;	/* counted by check_census */
	uint64_t ring_lost;	/* the BPF `lost` map's sum, at the last check_lost */
	uint64_t misses;	/* programs' recursion misses reported */
	uint64_t misses_at;	/* ktime of that report */

	struct mmt_zone_info *zones;	/* last seen, for ZONE_RESIZE */
	int nzones;
	uint64_t last_zone_poll;
	uint64_t resizes;
	/* the last poll's ZONE_FREE samples, held until the first record
	 * later than zf_at is written (merge_upto) */
	struct mmt_event *zf;
	int nzf;
	uint64_t zf_at;

	int write_failed;
	int placeholder;	/* we created o.out (empty) before attaching */
	char part[4200];	/* o.out.part-PID until the start snapshot is in */
	int opened;		/* the writer took o.out over */
	int cmd_ended;		/* CMD exited on its own: its status is ours */
	int calib_only;		/* mm_page_alloc attached for calibration only */
	struct bpf_link *calib_link;
	struct bpf_link *zone_link;	/* zone_names, during setup only */
	int walk_ok;		/* zone pointers known: snapshots walk free lists */
	uint32_t nr_mt;		/* MIGRATE_TYPES of this kernel */
	int walk_done;		/* set by walk_free_lists (snapshot thread) */
	int walk_cpu;		/* the CPU the last walk ran on, -1: this one */
	int rt;			/* the consumer runs SCHED_FIFO o.rt_prio */
	int classic_only;	/* raw/BTF programs failed to load: retry */
	int raw_pages;		/* a raw_tp page program hands us pointers */
	int batching;		/* BPF batches records per CPU (flush works) */
	int slab_on;		/* slab programs attached */
	uint64_t ring_bytes;	/* each CPU's ring */
	uint64_t ring_peak;	/* most bytes waiting in a ring at a drain */
	int ring_peak_cpu;
	int offload;		/* blocks go to the writer's thread */
	uint64_t offloads;	/* times the consumer fell behind (offload on) */
	uint64_t frees_written;	/* PAGE_FREE records put into the trace */
	uint64_t twin_miss0;	/* page_free_twin's misses when recording began */
	int debug;		/* MMTRACE_DEBUG: consumer statistics each second */
	struct {
		uint64_t t0, recs, drains, rounds, flush_ns, consume_ns, merge_ns, max_ns;
	} dbg;
};

static volatile sig_atomic_t stop_flag;	/* the signal that asked us to stop */

static void on_signal(int sig)
{
	stop_flag = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: mmtrace record -o FILE [-d SECONDS] [--pid P | --cgroup PATH]\n"
"                      [-b MB] [-e LIST] [--raw-pointers] [--attach-only]\n"
"                      [--store-only] [--rt-priority N] [--force]\n"
"                      [[--cmd-only] -- CMD ...]\n"
"\n"
"Records page allocator, slab, fault, reclaim and compaction events with\n"
"eBPF, system-wide, into FILE (mode 0600), with a snapshot of physical\n"
"memory at start and end.  With CMD, records for CMD's lifetime.\n"
"\n"
"  -o, --output FILE     trace file to create (refuses to overwrite)\n"
"  -f, --force           overwrite FILE if it exists\n"
"  -d, --duration SECS   stop after SECS seconds (default: until CMD exits,\n"
"                        --pid P exits, or SIGINT/SIGTERM/SIGHUP)\n"
"  -p, --pid P           only events of process P (page events of other\n"
"                        processes are then missing from the trace)\n"
"  -c, --cgroup PATH     only events of cgroup v2 PATH\n"
"      --cmd-only        with CMD: only events of CMD's process (as --pid;\n"
"                        processes CMD forks are not followed)\n"
"  -b, --buffer-mb MB    ring buffer memory, split over per-CPU rings\n"
"                        (default 64; each ring a power of two >= 1 MB)\n"
"  -e, --events LIST     record only these (comma-separated groups or\n"
"                        tracepoint names): page, pcp, extfrag, slab,\n"
"                        fault, reclaim, compaction, migrate, filemap\n"
"                        (default all; frees get their cause only when\n"
"                        page, reclaim, compaction and migrate are all on)\n"
"      --raw-pointers    keep raw call-site and object addresses (defeats\n"
"                        KASLR for anyone reading the file)\n"
"      --attach-only     attach every program but let each return at once:\n"
"                        the trace holds snapshots and no events.  Measures\n"
"                        the kernel's own cost of invoking the programs,\n"
"                        the floor of any BPF recorder (bench/record.sh)\n"
"      --store-only      as --attach-only, but the page and fault programs\n"
"                        first store their raw arguments (16 bytes, no time,\n"
"                        order or process) to a per-CPU array: the floor\n"
"                        plus the least a recorder can write per event\n"
"      --rt-priority N   SCHED_FIFO priority of the thread that drains the\n"
"                        rings (default 1; 0: normal scheduling).  Under\n"
"                        memory pressure the workload, kswapd and\n"
"                        kcompactd take the CPUs and a normal-priority\n"
"                        consumer falls seconds behind: the rings overflow\n"
"                        and events are lost (collector/README.md)\n"
"  -h, --help            this text\n"
"\n"
"Needs root (CAP_BPF + CAP_PERFMON, and /proc/kpageflags for snapshots).\n"
"The recorder locks its memory (mlockall) and drains its rings at real-time\n"
"priority, so that it keeps up while the host reclaims and compacts.\n"
"FILE, --pid, --cgroup, -e and CMD are checked before anything is attached.\n"
"SIGINT, SIGTERM and SIGHUP stop the recording and complete FILE; a full\n"
"disk (ENOSPC) or the file size limit (EFBIG) stops it with FILE readable\n"
"up to its last whole block.\n"
"\n"
"Exit status: 0 FILE written; 1 runtime error (not root, BPF, a write\n"
"error); 2 bad option, FILE exists without --force, --pid not running.\n"
"With CMD, when FILE was written: CMD's own status when CMD ended by itself\n"
"(127 not found, 126 not executable, 128+N killed by signal N, as time(1)\n"
"reports it); 0 when the recording ended first (-d, a signal) and ended\n"
"CMD with SIGTERM.\n"
"\n"
"EXAMPLES\n"
"  Record the whole host for 10 s:\n"
"    mmtrace record -o host.mmt -d 10\n"
"  Record for the life of a build, then see what it holds:\n"
"    mmtrace record -o build.mmt -- make -j8 && mmtrace info build.mmt\n"
"  Only page and reclaim events of one cgroup, in a bigger buffer:\n"
"    mmtrace record -o db.mmt -d 60 -c /sys/fs/cgroup/db -e page,reclaim -b 256\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "output", required_argument, 0, 'o' },
		{ "duration", required_argument, 0, 'd' },
		{ "pid", required_argument, 0, 'p' },
		{ "cgroup", required_argument, 0, 'c' },
		{ "buffer-mb", required_argument, 0, 'b' },
		{ "raw-pointers", no_argument, 0, 'R' },
		{ "force", no_argument, 0, 'f' },
		{ "cmd-only", no_argument, 0, 'C' },
		{ "attach-only", no_argument, 0, 'A' },
		{ "store-only", no_argument, 0, 'S' },
		{ "events", required_argument, 0, 'e' },
		{ "rt-priority", required_argument, 0, 'P' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	int c;
	char *end;

	memset(o, 0, sizeof(*o));
	o->buffer_mb = 64;
	o->rt_prio = 1;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "+o:d:p:c:b:e:fh", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			/* a year at most: nan, inf and huge values would
			 * overflow the end time */
			if (*end || end == optarg || !(o->duration > 0) ||
			    o->duration > 366 * 86400.0) {
				fprintf(stderr, "mmtrace record: --duration '%s': want seconds, more than 0 and at most a year\n", optarg);
				return -1;
			}
			break;
		case 'p': {
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			o->pid = v > 0 && v <= INT_MAX ? (int)v : 0;
			if (*end || errno || o->pid <= 0) {
				fprintf(stderr, "mmtrace record: --pid '%s': not a pid\n", optarg);
				return -1;
			}
			break;
		}
		case 'c':
			o->cgroup = optarg;
			break;
		case 'b': {
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || v < 1 || v > 4096) {
				fprintf(stderr, "mmtrace record: --buffer-mb '%s': want 1..4096\n", optarg);
				return -1;
			}
			o->buffer_mb = (unsigned)v;
			break;
		}
		case 'R':
			o->raw_pointers = 1;
			break;
		case 'f':
			o->force = 1;
			break;
		case 'C':
			o->cmd_only = 1;
			break;
		case 'A':
			o->attach_only = 1;
			break;
		case 'S':
			o->store_only = 1;
			break;
		case 'e':
			o->events = optarg;
			break;
		case 'P': {
			long v = strtol(optarg, &end, 10);

			if (*end || end == optarg || v < 0 || v > 99) {
				fprintf(stderr, "mmtrace record: --rt-priority '%s': want 0..99\n",
					optarg);
				return -1;
			}
			o->rt_prio = (int)v;
			break;
		}
		case 'h':
			usage(stdout);
			return 1;
		default:	/* getopt said what was wrong */
			fprintf(stderr, "mmtrace record: see mmtrace record --help\n");
			return -1;
		}
	}
	if (optind < argc)
		o->cmd = argv + optind;
	if (!o->out || !*o->out) {
		fprintf(stderr, "mmtrace record: -o FILE is required (see --help)\n");
		return -1;
	}
	if (o->attach_only && o->store_only) {
		fprintf(stderr, "mmtrace record: --attach-only and --store-only exclude each other\n");
		return -1;
	}
	if (o->cmd_only && (!o->cmd || o->pid || o->cgroup)) {
		fprintf(stderr, "mmtrace record: --cmd-only needs -- CMD and excludes --pid/--cgroup\n");
		return -1;
	}
	if (o->pid && o->cgroup) {
		fprintf(stderr, "mmtrace record: --pid and --cgroup exclude each other\n");
		return -1;
	}
	return 0;
}

/* ---- CMD: forked early, exec'd once the programs are attached ---------- */

static int spawn_stopped(struct rec *r)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	r->child = fork();
	if (r->child < 0)
		return -1;
	if (r->child == 0) {
		char go;
		ssize_t n;

		close(fds[1]);
		/* ignored signals stay ignored across exec: CMD gets the
		 * defaults, not the recorder's SIGPIPE and SIGXFSZ */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		while ((n = read(fds[0], &go, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(127);	/* recorder gave up before starting */
		execvp(r->o.cmd[0], r->o.cmd);
		fprintf(stderr, "mmtrace record: %s: %s\n", r->o.cmd[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);	/* as a shell says it */
	}
	close(fds[0]);
	r->child_pipe = fds[1];
	return 0;
}

static void release_child(struct rec *r)
{
	if (r->child_pipe >= 0) {
		if (write(r->child_pipe, "g", 1) != 1)
			perror("mmtrace record: starting CMD");
		close(r->child_pipe);
		r->child_pipe = -1;
	}
}

static int child_exited(struct rec *r)
{
	int st;

	if (r->child <= 0)
		return 0;
	if (waitpid(r->child, &st, WNOHANG) == r->child) {
		r->child_status = st;
		r->child = 0;
		r->cmd_ended = 1;
		return 1;
	}
	return 0;
}

/* ---- probing and attaching ------------------------------------------------ */

static int tracefs_has(const char *cat_name)
{
	char path[256], why[160];
	const char *root = coll_tracefs(NULL, why, sizeof(why));

	if (!root)
		return 0;
	snprintf(path, sizeof(path), "%s/events/%s", root, cat_name);
	return !access(path, F_OK);
}

/* Mounts tracefs up front when it is missing, so the probes below find
 * the classic tracepoints, and says so (stderr and a header note). */
static void ensure_tracefs(struct mmt_header *h)
{
	char why[160];
	int mounted;

	if (!coll_tracefs(&mounted, why, sizeof(why))) {
		fprintf(stderr, "mmtrace record: %s (classic tracepoints will be "
			"missing)\n", why);
		coll_note(h, "record.tracefs", why);
		return;
	}
	if (!mounted)
		return;
	fprintf(stderr, "mmtrace record: tracefs was not mounted: mounted it at "
		"/sys/kernel/tracing\n");
	coll_note(h, "record.tracefs", "mounted by mmtrace at /sys/kernel/tracing");
}

/* Tracepoint name of a program ("mm_page_alloc"), or NULL for calib. */
static const char *tp_name(const struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p);
	const char *s = strrchr(sec, '/');

	return s ? s + 1 : NULL;
}

/* -e groups: a tracepoint is in the group whose name it matches first. */
static const char *group_of(const char *tp)
{
	static const struct { const char *prefix, *group; } g[] = {
		{ "mm_page_alloc_zone_locked", "pcp" },
		{ "mm_page_pcpu_drain", "pcp" },
		{ "mm_page_alloc_extfrag", "extfrag" },
		{ "mm_page_", "page" },
		{ "kmalloc", "slab" }, { "kfree", "slab" }, { "kmem_cache_", "slab" },
		{ "page_fault_", "fault" },
		{ "mm_vmscan_", "reclaim" },
		{ "mm_shrink_", "reclaim" },
		{ "mm_compaction_", "compaction" },
		{ "mm_migrate_", "migrate" }, { "remove_migration_", "migrate" },
		{ "mm_filemap_", "filemap" },
		{ "writeback_dirty_folio", "filemap" },
		{ "task_", "names" },
	};

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		if (!strncmp(tp, g[i].prefix, strlen(g[i].prefix)))
			return g[i].group;
	return "";
}

static int in_list(const char *list, const char *word)
{
	size_t l = strlen(word);

	for (const char *p = list; p && *p; ) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n == l && !strncmp(p, word, l))
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

/* Process names (task:*) are not events: always recorded. */
static int selected(const struct opts *o, const char *tp)
{
	return !o->events || !strcmp(group_of(tp), "names") ||
	       in_list(o->events, tp) ||
	       in_list(o->events, group_of(tp));
}

/* Every word of -e must name a group or a tracepoint of the object. */
static int check_events(struct bpf_object *obj, const char *events)
{
	static const char *const groups[] = { "page", "pcp", "extfrag", "slab",
		"fault", "reclaim", "compaction", "migrate", "filemap" };
	const char *p = events;

	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		int ok = 0;
		struct bpf_program *prog;

		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			ok |= strlen(groups[i]) == n && !strncmp(groups[i], p, n);
		bpf_object__for_each_program(prog, obj) {
			const char *t = tp_name(prog);

			ok |= t && strlen(t) == n && !strncmp(t, p, n);
		}
		if (!ok) {
			fprintf(stderr, "mmtrace record: --events: unknown '%.*s'\n",
				(int)n, p);
			return -1;
		}
		p = c ? c + 1 : NULL;
	}
	return 0;
}

/* The classic-tracepoint program standing in for a raw/BTF one. */
static struct bpf_program *fallback_of(struct rec *r, const struct bpf_program *p)
{
	const struct bpf_program *raw[] = { r->skel->progs.page_alloc,
		r->skel->progs.page_free, r->skel->progs.pcp_refill,
		r->skel->progs.pcp_drain, r->skel->progs.fault_user,
		r->skel->progs.fault_kernel, r->skel->progs.compaction_begin,
		r->skel->progs.compaction_end };
	struct bpf_program *tp[] = { r->skel->progs.page_alloc_tp,
		r->skel->progs.page_free_tp, r->skel->progs.pcp_refill_tp,
		r->skel->progs.pcp_drain_tp, r->skel->progs.fault_user_tp,
		r->skel->progs.fault_kernel_tp, r->skel->progs.compaction_begin_tp,
		r->skel->progs.compaction_end_tp };

	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		if (raw[i] == p)
			return tp[i];
	return NULL;
}

static int is_fallback(struct rec *r, const struct bpf_program *p)
{
	return p == r->skel->progs.page_alloc_tp || p == r->skel->progs.page_free_tp ||
	       p == r->skel->progs.pcp_refill_tp || p == r->skel->progs.pcp_drain_tp ||
	       p == r->skel->progs.fault_user_tp || p == r->skel->progs.fault_kernel_tp ||
	       p == r->skel->progs.compaction_begin_tp ||
	       p == r->skel->progs.compaction_end_tp;
}

/* The primary of a rescue twin (mmtrace.bpf.c "Rescue"), or NULL: a
 * twin is loaded and attached with its primary, and counted apart. */
static const struct bpf_program *twin_of(struct rec *r, const struct bpf_program *p)
{
	if (p == r->skel->progs.page_free_twin)
		return r->skel->progs.page_free;
	if (p == r->skel->progs.kfree_twin)
		return r->skel->progs.kfree;
	if (p == r->skel->progs.kmem_cache_free_twin)
		return r->skel->progs.kmem_cache_free;
	return NULL;
}

static int is_raw(const struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p);

	return !strncmp(sec, "raw_tp", 6) || !strncmp(sec, "tp_btf/", 7);
}

/* Turns off programs whose tracepoint this kernel lacks, and
 * mm_page_free_batched: free_unref_folios() runs free_pages_prepare() --
 * which fires mm_page_free for the folio -- before it fires
 * mm_page_free_batched for the same folio, so recording both would free
 * every batched page twice (mm/page_alloc.c, 6.x). */
static void probe_programs(struct rec *r)
{
	struct bpf_program *p;

	bpf_program__set_autoload(r->skel->progs.page_free_batched, false);
	coll_note(&r->h, "probe.mm_page_free_batched",
		  "not recorded: duplicates mm_page_free (free_unref_folios)");

	bpf_object__for_each_program(p, r->skel->obj) {
		const char *sec = bpf_program__section_name(p);
		const char *name = tp_name(p);
		int ok = 1;

		if (twin_of(r, p)) {	/* attached only with its primary */
			if (r->classic_only || !name || !selected(&r->o, name))
				bpf_program__set_autoload(p, false);
			continue;
		}
		if (r->classic_only && is_raw(p) && p != r->skel->progs.calib &&
		    p != r->skel->progs.walk && p != r->skel->progs.flush && bpf_program__autoload(p)) {
			bpf_program__set_autoload(p, false);
			if (name && !fallback_of(r, p) && selected(&r->o, name) &&
			    p != r->skel->progs.zone_names) {
				char k[48];

				fprintf(stderr, "mmtrace record: %s: needs a raw/BTF tracepoint, not recorded\n",
					name);
				snprintf(k, sizeof(k), "probe.%.40s", name);
				coll_note(&r->h, k, "missing: raw/BTF tracepoints failed to load");
			}
			continue;
		}
		if (!name || !bpf_program__autoload(p))
			continue;
		if (is_fallback(r, p)) {	/* attached only if needed */
			if (!selected(&r->o, name) || !tracefs_has(sec + 3))
				bpf_program__set_autoload(p, false);
			continue;
		}
		if (p == r->skel->progs.zone_names) {
			if (r->btf && btf__find_by_name_kind(r->btf,
					"btf_trace_mm_setup_per_zone_lowmem_reserve",
					BTF_KIND_TYPEDEF) <= 0)
				bpf_program__set_autoload(p, false);
			continue;
		}
		if (!selected(&r->o, name) && p == r->skel->progs.page_alloc) {
			/* still needed once: calibration learns the vmemmap
			 * base from a struct page * it sees (detached after) */
			r->calib_only = 1;
			coll_note(&r->h, "probe.mm_page_alloc", "not selected (-e)");
			continue;
		}
		if (!selected(&r->o, name)) {
			char k[48];

			bpf_program__set_autoload(p, false);
			snprintf(k, sizeof(k), "probe.%.40s", name);
			coll_note(&r->h, k, "not selected (-e)");
			continue;
		}
		if (!strncmp(sec, "raw_tp/", 7) || !strncmp(sec, "tp_btf/", 7)) {
			char t[128];

			snprintf(t, sizeof(t), "btf_trace_%s", name);
			ok = r->btf ? btf__find_by_name_kind(r->btf, t, BTF_KIND_TYPEDEF) > 0
				    : 1;
		} else if (!strncmp(sec, "tp/", 3)) {
			ok = tracefs_has(sec + 3);
		}
		if (!ok) {
			bpf_program__set_autoload(p, false);
			fprintf(stderr, "mmtrace record: %s: no such tracepoint on this kernel, not recorded\n",
				name);
			char k[48];
			snprintf(k, sizeof(k), "probe.%.40s", name);
			coll_note(&r->h, k, "missing: no tracepoint");
		}
	}
}

static int attached(const struct rec *r, const struct bpf_program *p)
{
	for (int i = 0; i < r->nlink_prog; i++)
		if (r->link_prog[i] == p)
			return 1;
	return 0;
}

/* A rescue twin: after its primary (the tracepoint calls them in that
 * order; either order would do).  Without it the primary's misses stay
 * losses, as before twins: a note says so. */
static void attach_twin(struct rec *r, struct bpf_program *p)
{
	struct bpf_link *l = r->nlinks < MAX_LINKS ? bpf_program__attach(p) : NULL;
	char k[64];

	if (!l) {
		snprintf(k, sizeof(k), "record.rescue.%.40s", bpf_program__name(p));
		coll_note(&r->h, k, "not attached: events a nested interrupt "
			  "frees are lost");
		return;
	}
	r->link_prog[r->nlinks] = p;
	r->links[r->nlinks++] = l;
	r->nlink_prog = r->nlinks;
}

/* Pass 1 attaches everything but the classic fallbacks; pass 2 attaches
 * a fallback where its raw/BTF program is not attached. */
static void attach_programs(struct rec *r)
{
	struct bpf_program *p;
	const struct bpf_program *done[MAX_LINKS];
	int ndone = 0;
	char ok[4096] = "", miss[2048] = "";

	for (int pass = 1; pass <= 2; pass++)
	bpf_object__for_each_program(p, r->skel->obj) {
		const char *name = tp_name(p), *sec = bpf_program__section_name(p);
		const char *type = !strncmp(sec, "raw_tp/", 7) ? "raw_tp" :
				   !strncmp(sec, "tp_btf/", 7) ? "tp_btf" : "tp";
		char k[48], v[80];
		struct bpf_link *l;

		if (!name || !bpf_program__autoload(p))
			continue;
		if ((pass == 2) != is_fallback(r, p))
			continue;
		if (twin_of(r, p)) {
			if (attached(r, twin_of(r, p)))
				attach_twin(r, p);
			continue;
		}
		if (pass == 2) {
			int partner_on = 0;

			for (int i = 0; i < ndone; i++)
				partner_on |= fallback_of(r, done[i]) == p;
			if (partner_on)
				continue;
			type = "tp (fallback)";
		}
		l = bpf_program__attach(p);
		if (p == r->skel->progs.zone_names) {
			r->zone_link = l;
			continue;
		}
		if (r->calib_only && p == r->skel->progs.page_alloc) {
			r->calib_link = l;
			continue;
		}
		snprintf(k, sizeof(k), "probe.%.40s", name);
		if (!l || r->nlinks == MAX_LINKS) {
			snprintf(v, sizeof(v), "missing: %s attach failed: %s", type,
				 strerror(errno));
			coll_note(&r->h, k, v);
			snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss),
				 " %s", name);
			bpf_link__destroy(l);
			continue;
		}
		r->link_prog[r->nlinks] = p;
		r->links[r->nlinks++] = l;
		r->nlink_prog = r->nlinks;
		if (ndone < MAX_LINKS)
			done[ndone++] = p;
		if (p == r->skel->progs.page_alloc || p == r->skel->progs.page_free ||
		    p == r->skel->progs.pcp_refill || p == r->skel->progs.pcp_drain)
			r->raw_pages = 1;
		if (!strncmp(name, "km", 2) || !strcmp(name, "kfree"))
			r->slab_on = 1;
		coll_note(&r->h, k, type);
		snprintf(ok + strlen(ok), sizeof(ok) - strlen(ok), " %s(%s)", name, type);
	}
	fprintf(stderr, "mmtrace record: attached:%s\n", ok);
	fprintf(stderr, "mmtrace record: missing:%s\n", miss[0] ? miss : " none");
}

/*
 * Header flags for what the pressure programs (collector/pressure.c) give.
 * A free's cause needs every program that opens or closes a context (a
 * missing one would leave frees charged to the workload that were the
 * kernel's); memcg reclaim's only where the kernel has its tracepoints.
 */
static uint32_t pressure_flags(struct rec *r)
{
	const struct bpf_program *need[] = { r->skel->progs.page_free,
		r->skel->progs.direct_reclaim_begin, r->skel->progs.direct_reclaim_end,
		r->skel->progs.node_reclaim_begin, r->skel->progs.node_reclaim_end,
		r->skel->progs.lru_isolate, r->skel->progs.lru_shrink_inactive,
		r->skel->progs.compaction_begin, r->skel->progs.compaction_end,
		r->skel->progs.migrate_begin, r->skel->progs.migrate_end,
		r->skel->progs.isolate_freepages, r->skel->progs.fast_isolate_freepages,
		r->skel->progs.memcg_reclaim_begin, r->skel->progs.memcg_reclaim_end };
	uint32_t f = MMT_HDR_LOST_TIMES;
	const char *why = NULL;

	/* the floor modes record no events, zone samples neither */
	if (!r->o.attach_only && !r->o.store_only)
		f |= MMT_HDR_ZONE_FREE;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]) && !why; i++)
		if (!attached(r, need[i]) &&
		    (i < 13 || bpf_program__autoload(need[i])))
			why = tp_name(need[i]);
	if (why) {
		char v[80];

		snprintf(v, sizeof(v), "not recorded: %s not attached", why);
		coll_note(&r->h, "record.causes", v);
	} else {
		f |= MMT_HDR_CAUSES;
		coll_note(&r->h, "record.causes",
			  "per free: task flags and reclaim/compaction/migration "
			  "contexts (collector/README.md)");
	}
	if (attached(r, r->skel->progs.filemap_add) &&
	    attached(r, r->skel->progs.filemap_del)) {
		f |= MMT_HDR_FILE_IDS;
		if (attached(r, r->skel->progs.file_dirty))
			f |= MMT_HDR_FILE_DIRTY;
	}
	return f;
}

static void detach_programs(struct rec *r)
{
	bpf_link__destroy(r->zone_link);
	r->zone_link = NULL;
	bpf_link__destroy(r->calib_link);
	r->calib_link = NULL;
	for (int i = 0; i < r->nlinks; i++)
		bpf_link__destroy(r->links[i]);
	r->nlinks = 0;
}

/* ---- calibration of the KASLR bases ---------------------------------------- */

static uint64_t pagemap_pfn(const void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / 4096 * 8)) != 8)
		e = 0;
	close(fd);
	return (e >> 63) ? e & ((1ull << 55) - 1) : 0;
}

static int calibrate(struct rec *r)
{
	struct mmtrace_bpf__bss *bss = r->skel->bss;
	long ps = sysconf(_SC_PAGESIZE);
	unsigned char *m = mmap(NULL, (size_t)ps * 2, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	int rc = -1;

	if (m == MAP_FAILED)
		return -1;
	for (int i = 0; i < 2; i++) {
		uint64_t magic;

		if (getrandom(&magic, sizeof(magic), 0) != sizeof(magic))
			magic = coll_now_ns(CLOCK_MONOTONIC) * 0x9e3779b97f4a7c15ull + (uint64_t)i;
		magic |= 1;	/* never 0, which a failed read returns */
		memcpy(m + (size_t)i * ps, &magic, 8);	/* faults the page in */
		bss->calib_magic[i] = magic;
		bss->calib_pfn[i] = pagemap_pfn(m + (size_t)i * ps);
		bss->calib_index[i] = (uintptr_t)(m + (size_t)i * ps) / (uint64_t)ps;
	}
	bss->calib_span = r->phys_span;
	if (!bss->calib_pfn[0] || !bss->calib_pfn[1])
		goto out;
	if (bpf_prog_test_run_opts(bpf_program__fd(r->skel->progs.calib), &topts))
		goto out;
	r->page_offset = bss->found_page_offset;
	r->vmemmap = bss->found_vmemmap;
	rc = 0;
out:
	munmap(m, (size_t)ps * 2);
	return rc;
}

/* ---- converting ring records into trace events ------------------------------- */

static uint64_t rel_ts(struct rec *r, uint64_t ts)
{
	uint64_t t = ts > r->h.start_ns ? ts - r->h.start_ns : 0;

	/* Records from different CPUs can reach the shared ring a few ns out
	 * of order; the ring's order is the causal one, so keep it and clamp
	 * the time. */
	if (t < r->last_ts)
		t = r->last_ts;
	r->last_ts = t;
	return t;
}

static int put(struct rec *r, const struct mmt_event *ev)
{
	struct mmt_event e2;

	if (r->write_failed)
		return -1;
	/* A process's name goes into the names table with its first event
	 * (and again after it changed); one compare per event otherwise.
	 * The event that starts a name gets a time later than every event
	 * before it (hot events share a cached time), so "the name from
	 * ts on" splits the process's events exactly where the rename was. */
	if (ev->pid != r->last_pid && r->comms && ev->kind != MMT_EV_ZONE_FREE) {
		if (coll_comms_pending(r->comms, ev->pid)) {
			if (ev->ts <= r->last_put_ts) {
				e2 = *ev;
				e2.ts = r->last_put_ts + 1;
				if (r->last_ts < e2.ts)
					r->last_ts = e2.ts;
				ev = &e2;
			}
			if (coll_comms_note(r->comms, ev->pid, ev->ts, r->w)) {
				r->write_failed = 1;
				return -1;
			}
		}
		r->last_pid = ev->pid;
	}
	r->last_put_ts = ev->ts;
	if (ev->kind == MMT_EV_PAGE_FREE)
		r->frees_written++;
	if (mmt_writer_add(r->w, ev)) {
		r->write_failed = 1;
		return -1;
	}
	return 0;
}

static uint64_t page_pfn(const struct rec *r, uint64_t page)
{
	if (!page || page < r->vmemmap)
		return UINT64_MAX;	/* failed allocation (NULL page) */
	return (page - r->vmemmap) / r->page_struct_size;
}

static void slab_obj(const struct rec *r, uint64_t ptr, struct mmt_event *ev)
{
	uint64_t phys = ptr - r->page_offset;

	if (ptr < r->page_offset || phys >= r->phys_span) {
		ev->pfn = UINT64_MAX;	/* not in the direct map */
		ev->offset = 0;
	} else {
		ev->pfn = phys / r->h.page_size;
		ev->offset = (uint32_t)(phys % r->h.page_size);
	}
	if (r->o.raw_pointers)
		ev->addr = ptr;
}

static uint64_t ksite(struct rec *r, uint64_t ip)
{
	return r->o.raw_pointers ? ip : coll_ksyms_hash(r->ks, ip);
}

static uint64_t conv_site(void *ctx, uint64_t ip)
{
	return ksite(ctx, ip);
}

/* A fault ip is a user address (hashed with a per-trace key) or a kernel
 * one (symbol hash); a kernel-half fault address is hashed as well. */
static void fault_fields(struct rec *r, const struct mmtr_ev_x *x,
			 struct mmt_event *ev)
{
	const uint64_t kernel_half = 1ull << 63;

	ev->addr = x->e.a;
	ev->arg = x->c;
	if (r->o.raw_pointers) {
		ev->site = x->e.b;
		return;
	}
	if (ev->addr & kernel_half)
		ev->addr = coll_keyed_hash(r->user_key, ev->addr);
	ev->site = (x->e.b & kernel_half) ? ksite(r, x->e.b)
					  : coll_keyed_hash(r->user_key, x->e.b);
}

static uint32_t header_cache_index(const struct mmt_header *h, const char *name)
{
	uint32_t lo = 0, hi = h->nr_slab_caches ? h->nr_slab_caches - 1 : 0;

	/* the table is sorted by name except its last "(unlisted)" entry */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		int c = strcmp(h->slab_caches[mid].name, name);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->nr_slab_caches - 1 && !strcmp(h->slab_caches[lo].name, name))
		return lo;
	return h->nr_slab_caches - 1;
}

static void cache_name(struct rec *r, const struct mmtr_cache_name *n)
{
	uint32_t id = (uint32_t)n->e.a;
	char name[MMTR_CACHE_NAME_LEN + 1];

	if (id >= 65536)
		return;
	if (id >= r->ncaches) {
		uint32_t nn = id + 64;
		struct cache_slot *c = realloc(r->caches, nn * sizeof(*c));

		if (!c)
			return;
		for (uint32_t i = r->ncaches; i < nn; i++)
			c[i] = (struct cache_slot){ r->h.nr_slab_caches - 1, 0, 0 };
		r->caches = c;
		r->ncaches = nn;
	}
	memcpy(name, n->name, MMTR_CACHE_NAME_LEN);
	name[MMTR_CACHE_NAME_LEN] = 0;
	r->caches[id].idx = header_cache_index(&r->h, name);
	r->caches[id].req = (uint32_t)n->e.b;
	r->caches[id].alloc = (uint32_t)(n->e.b >> 32);
}

static void cache_fields(struct rec *r, uint64_t id, struct mmt_event *ev)
{
	ev->cache = r->h.nr_slab_caches - 1;
	if (id < r->ncaches) {
		ev->cache = r->caches[id].idx;
		ev->bytes_req = r->caches[id].req;
		ev->bytes_alloc = r->caches[id].alloc;
	}
}

static void convert_page(struct rec *r, const struct mmtr_ev *e,
			 struct mmt_event *ev)
{
	unsigned kind = e->kind & MMTR_KIND_MASK;

	ev->pfn = (e->kind & MMTR_KIND_PAGEPTR) ? page_pfn(r, e->a) : e->a;
	ev->order = (uint32_t)(e->b & 0xff);
	switch (kind) {
	case MMT_EV_PAGE_ALLOC:
		ev->mt = (int8_t)(e->b >> 8);
		ev->gfp = e->b >> 32;
		break;
	case MMT_EV_PCP_REFILL:
		ev->mt = (int8_t)(e->b >> 8);
		ev->arg = (e->b >> 16) & 0xff;
		break;
	case MMT_EV_PCP_DRAIN:
		ev->mt = (int8_t)(e->b >> 8);
		break;
	case MMT_EV_EXTFRAG:
		ev->arg = (e->b >> 8) & 0xff;
		ev->mt = (int8_t)(e->b >> 16);
		ev->mt2 = (int8_t)(e->b >> 24);
		ev->arg2 = (e->b >> 32) & 0xff;
		break;
	}
}

/* The kinds collector/pressure.c converts: 1 when it took the record. */
static int convert_pressure(struct rec *r, const struct mmt_event *head,
			    const void *data, size_t size, int *rc)
{
	struct mmt_event out[2];
	int n;

	out[0] = *head;
	n = coll_pressure_convert(r->pr, &r->cv, data, size, out);
	if (n < 0)
		return 0;
	*rc = 0;
	for (int i = 0; i < n && !*rc; i++) {
		if (out[i].kind == MMT_EV_LOST) {
			r->lost_reported += out[i].arg;
			if (out[i].cpu < r->ncpus)
				r->lost_prev[out[i].cpu] += out[i].arg;
		}
		*rc = put(r, &out[i]);
	}
	return 1;
}

static int convert(struct rec *r, const void *data, size_t size)
{
	const struct mmtr_ev *e = data;
	const struct mmtr_ev_x *x = data;
	struct mmt_event ev;
	unsigned kind;
	int rc;

	if (size < sizeof(*e))
		return 0;
	kind = e->kind & MMTR_KIND_MASK;
	if (e->kind == MMTR_CACHE_NAME) {
		if (size >= sizeof(struct mmtr_cache_name))
			cache_name(r, data);
		return 0;
	}
	if (e->kind == MMTR_COMM) {
		const struct mmtr_comm *c = data;

		if (size >= sizeof(*c) && r->comms && c->e.a <= UINT32_MAX) {
			coll_comms_set(r->comms, (uint32_t)c->e.a, c->comm,
				       sizeof(c->comm));
			r->last_pid = UINT32_MAX;	/* look again */
		}
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.ts = rel_ts(r, e->ts);
	ev.kind = (uint16_t)kind;
	ev.cpu = e->cpu;
	ev.pid = e->pid;
	ev.node = -1;
	if (convert_pressure(r, &ev, data, size, &rc))
		return rc;
	switch (kind) {
	case MMT_EV_PAGE_ALLOC: case MMT_EV_PCP_REFILL:
	case MMT_EV_PCP_DRAIN: case MMT_EV_EXTFRAG:
		convert_page(r, e, &ev);
		break;
	case MMT_EV_KMALLOC: case MMT_EV_KMEM_CACHE_ALLOC:
		if (size < sizeof(*x))
			return 0;
		ev.site = ksite(r, e->a);
		slab_obj(r, e->b, &ev);
		ev.gfp = (uint32_t)x->d;
		ev.node = (int32_t)(x->d >> 32);
		if (kind == MMT_EV_KMALLOC) {
			ev.bytes_req = (uint32_t)x->c;
			ev.bytes_alloc = (uint32_t)(x->c >> 32);
		} else {
			cache_fields(r, x->c, &ev);
		}
		break;
	case MMT_EV_KFREE:
		ev.site = ksite(r, e->a);
		slab_obj(r, e->b, &ev);
		break;
	case MMT_EV_KMEM_CACHE_FREE:
		if (size < sizeof(*x))
			return 0;
		ev.site = ksite(r, e->a);
		slab_obj(r, e->b, &ev);
		cache_fields(r, x->c, &ev);
		break;
	case MMT_EV_FAULT_USER: case MMT_EV_FAULT_KERNEL:
		if (size < sizeof(*x))
			return 0;
		fault_fields(r, x, &ev);
		break;
	case MMT_EV_DIRECT_RECLAIM_BEGIN:
		ev.order = (uint32_t)e->a;
		ev.gfp = e->b;
		break;
	case MMT_EV_NODE_RECLAIM_BEGIN:
		ev.order = (uint32_t)e->a;
		ev.node = (int32_t)(e->a >> 32);
		ev.gfp = e->b;
		break;
	case MMT_EV_DIRECT_RECLAIM_END: case MMT_EV_NODE_RECLAIM_END:
		ev.arg = e->a;
		break;
	case MMT_EV_KSWAPD_WAKE: case MMT_EV_WAKEUP_KSWAPD:
		ev.node = (int16_t)(e->a & 0xffff);
		ev.arg = (e->a >> 16) & 0xffff;
		ev.order = (uint32_t)(e->a >> 32);
		ev.gfp = e->b;
		break;
	case MMT_EV_KSWAPD_SLEEP:
		ev.node = (int32_t)e->a;
		break;
	case MMT_EV_COMPACT_TRY:
		ev.order = (uint32_t)e->a;
		ev.arg = e->a >> 32;
		ev.gfp = e->b;
		break;
	default:
		return 0;
	}
	return put(r, &ev);
}

static int on_record_one(struct ringq *q, const void *data, size_t size);
static int open_rings(struct rec *r);

/* Free slots at the queue's end, after sliding the unread part down when
 * fewer than QUEUE_ROOM are left. */
static size_t queue_room(struct ringq *q)
{
	if (q->cap - q->n < QUEUE_ROOM && q->head) {
		memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof(*q->v));
		q->n -= q->head;
		q->head = 0;
	}
	return q->cap - q->n;
}

static int take_sample(struct ringq *q, void *data, size_t size);

/* One ring sample; the ring's reading stops (CONSUME_STOP) once its queue
 * has less than QUEUE_ROOM free: libbpf has counted this sample read, so
 * it must be in the queue first. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct ringq *q = ctx;

	if (take_sample(q, data, size))
		return -1;
	if (queue_room(q) < QUEUE_ROOM) {
		q->stopped = 1;
		return CONSUME_STOP;
	}
	return 0;
}

/* A flushed per-CPU batch is n records of one size back to back
 * (collector/events.h): struct mmtr_ev_x if the first is flagged
 * MMTR_KIND_X, else struct mmtr_ev.  Anything else is one record. */
static int take_sample(struct ringq *q, void *data, size_t size)
{
	const struct mmtr_ev *e = data;
	const char *p = data;
	size_t stride;

	if (size < sizeof(*e) || e->kind == MMTR_CACHE_NAME || e->kind == MMTR_COMM)
		return on_record_one(q, data, size);
	stride = (e->kind & MMTR_KIND_X) ? sizeof(struct mmtr_ev_x)
					 : sizeof(struct mmtr_ev);
	if (size % stride)
		return on_record_one(q, data, size);
	for (size_t off = 0; off < size; off += stride)
		if (on_record_one(q, p + off, stride))
			return -1;
	return 0;
}

static int on_record_one(struct ringq *q, const void *data, size_t size)
{
	struct pend *p;
	size_t i;

	q->r->recs_in++;
	if (size > REC_MAX || size < sizeof(struct mmtr_ev)) {
		q->r->recs_bad++;	/* check_seq counts it lost */
		return 0;
	}
	if (queue_room(q) == 0) {
		uint64_t ts = ((const struct mmtr_ev *)data)->ts;

		if (!q->dropped++)
			q->drop_first = ts;
		q->drop_last = ts;
		return 0;
	}
	q->r->dbg.recs++;
	p = &q->v[q->n];
	p->seq = ((const struct mmtr_ev *)data)->seq;
	p->ts = ((const struct mmtr_ev *)data)->ts;
	p->size = size;
	memcpy(p->data, data, size);
	/* insertion step: a nested event can be a little out of order */
	for (i = q->n; i > q->head && q->v[i - 1].seq > q->v[i].seq; i--) {
		struct pend t = q->v[i];

		q->v[i] = q->v[i - 1];
		q->v[i - 1] = t;
	}
	q->n++;
	return 0;
}

/*
 * Whether the writer's thread compresses the blocks (traces/writer.c,
 * mmt_writer_set_offload): only while the consumer falls behind -- more
 * than OFFLOAD_ON records drained from the rings wait to be written --
 * and back to compressing on the consumer under OFFLOAD_OFF.  Looked at
 * after every drain and every OFFLOAD_EVERY records written, so a long
 * merge turns it on midway: under ASan, compressing on the consumer,
 * OFFLOAD_ON records take ~0.16 s to write, while the rings (32 MB each)
 * take in ~9 MB at the 1.4 M events/s seen.  A thread that compresses
 * every block made the fault loop of bench/record.sh 1.34-1.42x slower
 * than untraced instead of 1.11-1.18x (README): woken at the consumer's
 * SCHED_FIFO on a 2-CPU host, it preempts the workload being recorded,
 * which the scheduler then moves to the other CPU (perf stat of the loop:
 * 29-32 migrations a run against 2-6 with the compression on the
 * consumer).  On the consumer the same work costs the workload nothing
 * while the consumer has time to spare: drains of that loop found at
 * most 6.7 MB (~170k records) in a ring, mostly under 1 MB.  When it has
 * none (under ASan it drains ~1 M events/s at most, 60% of its time
 * compressing: 48k of 10.3 M events lost at 1.2-1.4 M/s; deciding on the
 * rings' fill at each drain instead, with the whole backlog of a drain
 * compressed on the consumer, lost 0.5 and 5.7 M of 13-15 M) the thread
 * takes over; it keeps the consumer's priority, as under memory pressure
 * a writer at normal priority would stall the consumer with it.
 */
#define OFFLOAD_ON (1u << 17)
#define OFFLOAD_OFF (1u << 15)
#define OFFLOAD_EVERY 4096

static void writer_offload(struct rec *r)
{
	size_t backlog = 0;

	for (int i = 0; i < r->nrings; i++)
		backlog += r->q[i].n - r->q[i].head;
	if (!r->offload && backlog >= OFFLOAD_ON) {
		r->offload = 1;
		r->offloads++;
	} else if (r->offload && backlog < OFFLOAD_OFF) {
		r->offload = 0;
	}
	mmt_writer_set_offload(r->w, r->offload);
}

static int flush_zone_free(struct rec *r, uint64_t cutoff);

/* Writes pending records in sequence order while the lowest-numbered
 * one is older than cutoff and numbered below seq_lim; *wrote counts,
 * *held says whether seq_lim stopped it.  A held zone sample goes out
 * before the first record later than it. */
static int merge_upto(struct rec *r, uint64_t cutoff, uint64_t seq_lim,
		      uint64_t *wrote, int *held)
{
	for (uint32_t k = 1;; k++) {
		struct ringq *best = NULL;

		if (k % OFFLOAD_EVERY == 0)
			writer_offload(r);

		for (int i = 0; i < r->nrings; i++) {
			struct ringq *q = &r->q[i];

			if (q->head < q->n &&
			    (!best || q->v[q->head].seq < best->v[best->head].seq))
				best = q;
		}
		if (!best || best->v[best->head].ts > cutoff)
			return 0;
		if (best->v[best->head].seq >= seq_lim) {
			*held = 1;
			return 0;
		}
		if (r->nzf && best->v[best->head].ts > r->zf_at &&
		    flush_zone_free(r, UINT64_MAX))
			return -1;
		(*wrote)++;
		struct pend *p = &best->v[best->head++];
		if (best->head == best->n)
			best->head = best->n = 0;
		if (p->seq < r->seq_written)
			r->seq_late++;
		else
			r->seq_written = p->seq;
		if (convert(r, p->data, p->size))
			return -1;
	}
}

/* ---- LOST and ZONE_RESIZE, synthesized by the loader ---------------------- */

/*
 * Losses reach the trace from the BPF side itself: the first lost record
 * of a run on a CPU reserves a sequence number and its time, and the next
 * record that CPU gets into its ring is preceded by a LOST record with the
 * count and the window (collector/mmtrace.bpf.c, report_lost()); convert
 * counts them per CPU in lost_prev.  Here: the total for the progress line
 * and, at the end (`final`, after the last drain), the runs no later
 * record carried (read from the per-CPU state) and whatever the per-CPU
 * totals say is still missing (a loss that raced its report: window
 * unknown, the whole trace).
 */
/*
 * A tracing program does not run when it fires on a CPU where it is
 * already running (an interrupt freeing inside page_free, say): the
 * kernel counts the miss per program (bpf_prog_info.recursion_misses).
 * The free programs' twins record most of those (mmtrace.bpf.c "Rescue");
 * the rest are lost as surely as a full ring's: misses minus rescues
 * become LOST records with cpu 0xffff (unknown) and the window since the
 * last look (every 500 ms, and at the end).  A twin's own misses are not
 * counted: its primary ran for those events.
 */

/* Events the twin of program p recorded for it, over all CPUs (0 for a
 * program without a twin).  Read before the misses: a rescue follows its
 * miss, so the difference never goes below 0. */
static uint64_t rescued(struct rec *r, const struct bpf_program *p)
{
	size_t ncpu = sizeof(r->skel->bss->cpus) / sizeof(r->skel->bss->cpus[0]);
	const struct bpf_program *twin[MMTR_NR_TWINS] = {
		[MMTR_IN_PAGE_FREE] = r->skel->progs.page_free,
		[MMTR_IN_KFREE] = r->skel->progs.kfree,
		[MMTR_IN_CACHE_FREE] = r->skel->progs.kmem_cache_free,
	};
	uint64_t n = 0;

	for (int t = 0; t < MMTR_NR_TWINS; t++)
		for (size_t c = 0; twin[t] == p && c < ncpu; c++)
			n += __atomic_load_n(&r->skel->bss->cpus[c].rescued[t],
					     __ATOMIC_RELAXED);
	return n;
}

/* Program p's misses not rescued (0 for a twin); *got its rescues. */
static uint64_t prog_missed(struct rec *r, const struct bpf_program *p,
			    uint64_t *got)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	*got = 0;
	if (twin_of(r, p))
		return 0;
	*got = rescued(r, p);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
		return 0;
	return info.recursion_misses > *got ? info.recursion_misses - *got : 0;
}

static int check_misses(struct rec *r, int final)
{
	uint64_t now = coll_now_ns(CLOCK_MONOTONIC), total = 0, got, saved = 0;
	struct mmt_event ev = { .kind = MMT_EV_LOST, .cpu = 0xffff, .node = -1 };

	if (!final && now - r->misses_at < 500000000ull)
		return 0;
	if (r->o.attach_only || r->o.store_only)
		return 0;	/* the programs record nothing: nothing missed */
	for (int i = 0; i < r->nlink_prog; i++) {
		total += prog_missed(r, r->link_prog[i], &got);
		saved += got;
	}
	if (final && (total || saved)) {	/* which programs, for the summary */
		char buf[512] = "";

		for (int i = 0; i < r->nlink_prog; i++) {
			uint64_t m = prog_missed(r, r->link_prog[i], &got);
			struct bpf_prog_info info;
			uint32_t len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (twin_of(r, r->link_prog[i]) &&
			    !bpf_obj_get_info_by_fd(bpf_program__fd(r->link_prog[i]),
						    &info, &len) && info.recursion_misses)
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
					 "%s%s nested in itself %llu", buf[0] ? ", " : "",
					 bpf_program__name(r->link_prog[i]),
					 (unsigned long long)info.recursion_misses);
			if (m || got)
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
					 "%s%s %llu lost, %llu rescued",
					 buf[0] ? ", " : "",
					 bpf_program__name(r->link_prog[i]),
					 (unsigned long long)m, (unsigned long long)got);
		}
		fprintf(stderr, "mmtrace record: %llu events not recorded: their "
			"program was already running on that CPU (BPF recursion "
			"guard, an interrupt inside it); %llu more that its twin "
			"recorded: %s\n", (unsigned long long)total,
			(unsigned long long)saved, buf);
	}
	if (total <= r->misses) {
		r->misses_at = now;
		return 0;
	}
	ev.arg = total - r->misses;
	ev.addr = r->misses_at > r->h.start_ns ? r->misses_at - r->h.start_ns : 0;
	ev.arg2 = now - r->h.start_ns;
	ev.ts = rel_ts(r, now);
	r->misses = total;
	r->misses_at = now;
	r->lost_reported += ev.arg;
	return put(r, &ev);
}

static uint64_t twin_misses(struct rec *r)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(r->skel->progs.page_free_twin),
				   &info, &len))
		return 0;
	return info.recursion_misses;
}

/*
 * The page-free census (mmtrace.bpf.c free_census()): every free the
 * twin saw while recording, plus those the twin itself missed, against
 * the PAGE_FREE records written; what the recursion guard kept from both
 * programs is reported already (check_misses).  The rest was lost after
 * a program saw it, or on the way: a LOST record (cpu 0xffff, the whole
 * trace: when is unknown) and a line, rather than silence.  Not with
 * other losses (they may be page frees too).  After the last drain.
 */
static int check_census(struct rec *r)
{
	uint64_t fired = 0, m, got, known;
	struct mmt_event ev = { .kind = MMT_EV_LOST, .cpu = 0xffff, .node = -1 };

	if (!attached(r, r->skel->progs.page_free_twin) || r->lost_total > r->misses ||
	    r->o.attach_only || r->o.store_only)	/* nothing recorded */
		return 0;
	for (int c = 0; c < r->ncpus && c < MMTR_MAX_CPUS; c++)
		fired += r->skel->bss->cpus[c].free_census;
	m = twin_misses(r);
	fired += m > r->twin_miss0 ? m - r->twin_miss0 : 0;
	known = r->frees_written + prog_missed(r, r->skel->progs.page_free, &got);
	if (r->debug)
		fprintf(stderr, "mmtrace debug: page-free census %llu (twin misses %llu), "
			"written %llu, recursion losses %llu\n", (unsigned long long)fired,
			(unsigned long long)(m - r->twin_miss0),
			(unsigned long long)r->frees_written,
			(unsigned long long)(known - r->frees_written));
	if (fired <= known)
		return 0;
	ev.arg = fired - known;
	ev.arg2 = coll_now_ns(CLOCK_MONOTONIC) - r->h.start_ns;
	ev.ts = rel_ts(r, coll_now_ns(CLOCK_MONOTONIC));
	fprintf(stderr, "mmtrace record: %llu page frees the programs saw are not "
		"in the trace (census %llu, written %llu): counted as lost\n",
		(unsigned long long)ev.arg, (unsigned long long)fired,
		(unsigned long long)r->frees_written);
	r->lost_total += ev.arg;
	r->lost_reported += ev.arg;
	r->census_lost = ev.arg;
	return put(r, &ev);
}

/*
 * Sequence accounting, after the last drain.  Every number the programs
 * took from the global counter (mmtrace.bpf.c fill_head(), note_lost())
 * is in exactly one of: a record the rings gave us (events, LOST
 * records, names), a record counted lost in the BPF `lost` map (a full
 * ring), or a loss run never reported (read from the per-CPU state at the
 * end).  A number in none of them is a record that was numbered and then
 * vanished on the way -- a batch gone without a loss counted -- which no
 * other check sees (the census covers page frees only, and counts those
 * itself).  Counted as lost, with a line, rather than left silent.
 */
static int check_seq(struct rec *r)
{
	uint64_t taken, bpf_lost = r->ring_lost, known, gap;
	struct mmt_event ev = { .kind = MMT_EV_LOST, .cpu = 0xffff, .node = -1 };

	if (r->o.attach_only || r->o.store_only)
		return 0;
	taken = __atomic_load_n(&r->skel->bss->seq, __ATOMIC_ACQUIRE);
	known = r->recs_in - r->recs_bad + bpf_lost +
		r->runs_unreported;
	if (r->debug)
		fprintf(stderr, "mmtrace debug: sequence numbers taken %llu, records "
			"received %llu (%llu of no record's size), lost in the rings "
			"%llu, loss runs unreported %llu\n", (unsigned long long)taken,
			(unsigned long long)r->recs_in, (unsigned long long)r->recs_bad,
			(unsigned long long)bpf_lost,
			(unsigned long long)r->runs_unreported);
	if (r->seq_late)
		fprintf(stderr, "mmtrace record: %llu records were written after "
			"one numbered higher (out of order)\n",
			(unsigned long long)r->seq_late);
	gap = taken > known ? taken - known : 0;
	if (gap <= r->census_lost)
		return 0;	/* none, or page frees the census counted */
	ev.arg = gap - r->census_lost;
	ev.arg2 = coll_now_ns(CLOCK_MONOTONIC) - r->h.start_ns;
	ev.ts = rel_ts(r, coll_now_ns(CLOCK_MONOTONIC));
	fprintf(stderr, "mmtrace record: %llu numbered records never reached the "
		"trace (numbers taken %llu, accounted for %llu): counted as lost\n",
		(unsigned long long)ev.arg, (unsigned long long)taken,
		(unsigned long long)known);
	r->lost_total += ev.arg;
	r->lost_reported += ev.arg;
	return put(r, &ev);
}

static int check_lost(struct rec *r, int final)
{
	uint64_t *v = calloc((size_t)r->ncpus, sizeof(*v)), now;
	uint32_t zero = 0;
	int rc = 0;

	if (!v)
		return 0;
	if (bpf_map_lookup_elem(bpf_map__fd(r->skel->maps.lost), &zero, v))
		goto out;
	r->lost_total = 0;
	for (int c = 0; c < r->ncpus; c++)
		r->lost_total += v[c];
	r->ring_lost = r->lost_total;	/* check_seq */
	for (int i = 0; i < r->nrings && !rc; i++) {
		struct ringq *q = &r->q[i];
		struct mmt_event ev = { .kind = MMT_EV_LOST, .cpu = (uint16_t)i,
					.node = -1 };

		if (!q->dropped)
			continue;
		ev.arg = q->dropped;
		ev.addr = q->drop_first > r->h.start_ns ? q->drop_first - r->h.start_ns : 0;
		ev.arg2 = q->drop_last > r->h.start_ns ? q->drop_last - r->h.start_ns : 0;
		ev.ts = rel_ts(r, q->drop_first);
		r->queue_dropped += q->dropped;
		r->lost_reported += q->dropped;
		q->dropped = 0;
		rc = put(r, &ev);
	}
	r->lost_total += r->queue_dropped;
	if (!rc)
		rc = check_misses(r, final);
	r->lost_total += r->misses;
	if (!final)
		goto out;
	now = rel_ts(r, coll_now_ns(CLOCK_MONOTONIC));
	for (int c = 0; c < r->ncpus && !rc; c++) {
		struct cpu_state *cs = &r->skel->bss->cpus[c & (MMTR_MAX_CPUS - 1)];
		struct mmt_event ev = { .kind = MMT_EV_LOST, .cpu = (uint16_t)c,
					.node = -1 };

		if (c < MMTR_MAX_CPUS && cs->lost_n) {
			r->runs_unreported++;	/* its number is in no record */
			ev.arg = cs->lost_n;
			ev.addr = cs->lost_first > r->h.start_ns ?
				  cs->lost_first - r->h.start_ns : 0;
			ev.arg2 = cs->lost_last > r->h.start_ns ?
				  cs->lost_last - r->h.start_ns : 0;
			ev.ts = rel_ts(r, cs->lost_first);
			cs->lost_n = 0;
			r->lost_prev[c] += ev.arg;
			r->lost_reported += ev.arg;
			rc = put(r, &ev);
		}
		if (!rc && v[c] > r->lost_prev[c]) {
			ev.arg = v[c] - r->lost_prev[c];
			ev.ts = now;
			ev.addr = 0;
			ev.arg2 = now;
			r->lost_prev[c] = v[c];
			r->lost_reported += ev.arg;
			rc = put(r, &ev);
		}
	}
out:
	free(v);
	return rc;
}

/* Writes the held ZONE_FREE samples: from merge_upto() just before the
 * first record later than them, so each sits in the stream where its
 * time is and a replay compares the model at the same point; or once
 * drain() has passed their time (cutoff) with no such record.  0 or -1. */
static int flush_zone_free(struct rec *r, uint64_t cutoff)
{
	int rc = 0;

	if (!r->nzf || r->zf_at > cutoff)
		return 0;
	/* the time now, in the stream's order: rel_ts() raises the clamp
	 * every later record gets, so only to the sample's own time (at
	 * the poll, it was ahead of the records still to merge, and pushed
	 * their times forward) */
	uint64_t ts = rel_ts(r, r->zf_at);

	for (int i = 0; i < r->nzf; i++) {
		r->zf[i].ts = ts;
		if (put(r, &r->zf[i]))
			rc = -1;
	}
	r->nzf = 0;
	return rc;
}

/* One ZONE_FREE sample per zone with managed pages, held for
 * flush_zone_free: the kernel's free pages over time, which the model's
 * are compared with (replay's zone_free.tsv).  The earlier poll's
 * samples go out first. */
static int sample_zone_free(struct rec *r, const struct mmt_zone_info *z,
			    int n, uint64_t now)
{
	if (flush_zone_free(r, UINT64_MAX))
		return -1;
	if (!(r->h.flags & MMT_HDR_ZONE_FREE))
		return 0;
	free(r->zf);
	r->zf = calloc(n > 0 ? (size_t)n : 1, sizeof(*r->zf));
	if (!r->zf)
		return 0;	/* out of memory: this poll has no samples */
	for (int i = 0; i < n; i++) {
		struct mmt_event *ev = &r->zf[r->nzf];

		if (!z[i].managed)
			continue;
		ev->kind = MMT_EV_ZONE_FREE;	/* ts: when it goes out */
		ev->node = z[i].node;
		ev->arg = (uint64_t)z[i].zone_idx;
		ev->addr = z[i].nr_free;
		ev->arg2 = z[i].boost;
		r->nzf++;
	}
	r->zf_at = now;
	return 0;
}

/* A zone sample only (sample_zone_free), every ZONE_POLL_NS, without
 * looking for resizes: for the end snapshot's walk.  0 or -1. */
static int sample_zones(struct rec *r)
{
	uint64_t now = coll_now_ns(CLOCK_MONOTONIC);
	struct mmt_zone_info *z;
	int n, rc;

	if (now - r->last_zone_poll < ZONE_POLL_NS)
		return 0;
	r->last_zone_poll = now;
	n = coll_read_zoneinfo(&r->h, &z);
	if (n < 0)
		return 0;
	rc = sample_zone_free(r, z, n, now);
	free(z);
	return rc;
}

/* Memory hot-add/remove changes a zone's managed pages; the model needs to
 * know when, so poll /proc/zoneinfo (there is no tracepoint for it).  The
 * same poll samples each zone's free pages (sample_zone_free) while the
 * programs record; the last poll, after they are detached (force), takes
 * none: the events stopped at the end snapshot, the kernel did not. */
static int check_zones(struct rec *r, int force)
{
	uint64_t now = coll_now_ns(CLOCK_MONOTONIC);
	struct mmt_zone_info *z;
	int n, rc = 0;

	if (!force && now - r->last_zone_poll < ZONE_POLL_NS)
		return 0;
	r->last_zone_poll = now;
	n = coll_read_zoneinfo(&r->h, &z);
	if (n < 0)
		return 0;
	if (!force && sample_zone_free(r, z, n, now))
		rc = -1;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < r->nzones; j++) {
			struct mmt_zone_info *o = &r->zones[j];

			if (o->node != z[i].node || o->zone_idx != z[i].zone_idx)
				continue;
			if (o->managed == z[i].managed && o->present == z[i].present &&
			    o->spanned == z[i].spanned)
				break;
			struct mmt_event ev = { 0 };

			ev.kind = MMT_EV_ZONE_RESIZE;
			ev.ts = rel_ts(r, now);
			ev.node = z[i].node;
			ev.arg = (uint64_t)z[i].zone_idx;
			ev.pfn = z[i].start_pfn;
			ev.addr = z[i].managed;
			ev.arg2 = o->managed;
			ev.mt = z[i].managed >= o->managed ? 1 : -1;
			r->resizes++;
			if (put(r, &ev))
				rc = -1;
			break;
		}
	}
	free(r->zones);
	r->zones = z;
	r->nzones = n;
	return rc;
}

/* ---- progress ---------------------------------------------------------------- */

static void progress(struct rec *r, uint64_t *last_ev, uint64_t *last_t, int final)
{
	uint64_t events, raw, file, now = coll_now_ns(CLOCK_MONOTONIC);
	double dt = (double)(now - *last_t) / 1e9;

	mmt_writer_stats(r->w, &events, &raw, &file);
	fprintf(stderr, "\rmmtrace record: %9.0f ev/s  %llu events  %.1f MB  ratio %.1fx  lost %llu%s",
		dt > 0 ? (double)(events - *last_ev) / dt : 0.0,
		(unsigned long long)events, (double)file / 1e6,
		file ? (double)raw / (double)file : 0.0,
		(unsigned long long)r->lost_total, final ? "\n" : "   ");
	*last_ev = events;
	*last_t = now;
}

/* ---- setup and main loop --------------------------------------------------- */

static uint64_t phys_span_of(const struct mmt_header *h)
{
	uint64_t m = 0;

	for (uint32_t i = 0; i < h->nr_zones; i++)
		if (h->zones[i].start_pfn + h->zones[i].spanned > m)
			m = h->zones[i].start_pfn + h->zones[i].spanned;
	return m * h->page_size;
}

/* ---- checks before anything is attached ---------------------------------- */

/* The id of --cgroup's cgroup v2 directory (a path under /sys/fs/cgroup,
 * or relative to it); -1 when it is not one. */
static int cgroup_id(const char *cg, uint64_t *id)
{
	char path[4096];
	struct stat st;

	if (cg[0] == '/' && !strncmp(cg, "/sys/fs/cgroup", 14))
		snprintf(path, sizeof(path), "%s", cg);
	else
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", cg + (cg[0] == '/'));
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return -1;
	*id = st.st_ino;	/* kernfs id == cgroup id */
	return 0;
}

/* Is `path` a file execve can run?  0, or errno. */
static int runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return errno;
	if (!S_ISREG(st.st_mode) || access(path, X_OK))
		return EACCES;
	return 0;
}

/* Finds CMD as execvp will (PATH, or the confstr default when unset; an
 * empty element is the current folder), so that a command that cannot
 * run fails before anything is attached.  0, or the status a shell gives:
 * 127 not found, 126 found but not executable. */
static int check_cmd(const char *cmd)
{
	char path[4096], dflt[256] = "/bin:/usr/bin";
	const char *dirs = getenv("PATH");
	int e = ENOENT;

	if (!dirs) {
		confstr(_CS_PATH, dflt, sizeof(dflt));
		dirs = dflt;
	}
	if (strchr(cmd, '/')) {
		e = runnable(cmd);
	} else {
		for (const char *p = dirs; p; ) {
			const char *c = strchr(p, ':');
			int n = c ? (int)(c - p) : (int)strlen(p);
			int r;

			snprintf(path, sizeof(path), "%.*s%s%s", n, p, n ? "/" : "", cmd);
			r = runnable(path);
			if (!r) {
				e = 0;
				break;
			}
			if (r == EACCES)	/* execvp goes on, then says EACCES */
				e = EACCES;
			p = c ? c + 1 : NULL;
		}
	}
	if (!e)
		return 0;
	if (e == ENOENT && !strchr(cmd, '/'))
		fprintf(stderr, "mmtrace record: %s: command not found\n", cmd);
	else
		fprintf(stderr, "mmtrace record: %s: %s\n", cmd, strerror(e));
	return e == ENOENT ? 127 : 126;
}

/* --pid, --cgroup, -e and CMD, before root is needed or anything is
 * attached.  0, or the exit status (2 bad option, 126/127 CMD). */
static int check_args(const struct opts *o)
{
	struct mmtrace_bpf *skel;
	uint64_t id;
	int rc;

	if (o->pid && kill(o->pid, 0) && errno == ESRCH) {
		fprintf(stderr, "mmtrace record: --pid %d: no such process\n", o->pid);
		return 2;
	}
	if (o->cgroup && cgroup_id(o->cgroup, &id)) {
		fprintf(stderr, "mmtrace record: --cgroup %s: not a cgroup v2 directory\n",
			o->cgroup);
		return 2;
	}
	if (o->events) {
		/* opened, not loaded: the program names, no kernel objects */
		skel = mmtrace_bpf__open();
		if (!skel) {
			fprintf(stderr, "mmtrace record: cannot open the BPF object: %s\n",
				strerror(errno));
			return 1;
		}
		rc = check_events(skel->obj, o->events);
		mmtrace_bpf__destroy(skel);
		if (rc)
			return 2;
	}
	return o->cmd ? check_cmd(o->cmd[0]) : 0;
}

/* FILE must be writable before anything is attached, not seconds later:
 * a new FILE is created here, empty and 0600 (removed again if recording
 * never starts); an existing one, with --force, must be a regular file in
 * a folder that takes a new file (the writer replaces it at start).
 * 0, 1 (cannot write there) or 2 (exists, no --force). */
static int claim_output(struct rec *r)
{
	const char *out = r->o.out;
	char dir[4096], *slash;
	struct stat st;
	int fd;

	if (r->o.force && !lstat(out, &st)) {
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "mmtrace record: %s: exists and is not a regular file\n",
				out);
			return 1;
		}
		snprintf(dir, sizeof(dir), "%s", out);
		slash = strrchr(dir, '/');
		if (!slash)
			snprintf(dir, sizeof(dir), ".");
		else
			slash[slash == dir] = '\0';
		if (access(dir, W_OK | X_OK)) {
			fprintf(stderr, "mmtrace record: %s: cannot replace it: %s\n",
				out, strerror(errno));
			return 1;
		}
		return 0;
	}
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST) {
			fprintf(stderr, "mmtrace record: %s: exists (use --force to "
				"overwrite)\n", out);
			return 2;
		}
		fprintf(stderr, "mmtrace record: %s: %s\n", out, strerror(errno));
		return 1;
	}
	close(fd);
	r->placeholder = 1;
	return 0;
}

/* --store-only's sink: 2^18 slots of 16 bytes (4 MB) per CPU, more than
 * a CPU's share of cache, so its stores miss as a ring's would; 2^16 on
 * hosts of over 16 CPUs.  One slot when unused. */
static int set_sink(struct rec *r)
{
	struct mmtrace_bpf__rodata *ro = r->skel->rodata;
	uint32_t shift = r->nrings > 16 ? 16 : 18;

	ro->store_only = (uint32_t)r->o.store_only;
	ro->sink_shift = shift;
	return bpf_map__set_max_entries(r->skel->maps.sink, r->o.store_only ?
					(uint32_t)r->nrings << shift : 1);
}

static int set_filters(struct rec *r)
{
	struct mmtrace_bpf__rodata *ro = r->skel->rodata;
	uint64_t bytes = 1ull << 20, want;

	/* -b is the total; each CPU gets its share, a power of two */
	r->nrings = libbpf_num_possible_cpus();
	if (r->nrings < 1)
		return -1;
	want = ((uint64_t)r->o.buffer_mb << 20) / (uint64_t)r->nrings;
	while (bytes < want)
		bytes <<= 1;
	r->ring_bytes = bytes;
	if (!r->ring_fds) {
		r->ring_fds = calloc((size_t)r->nrings, sizeof(int));
		r->q = calloc((size_t)r->nrings, sizeof(*r->q));
	}
	if (!r->ring_fds || !r->q)
		return -1;
	for (int i = 0; i < r->nrings && r->ring_fds[r->nrings - 1] <= 0; i++) {
		r->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "mmtrace_ring",
						0, 0, (uint32_t)bytes, NULL);
		if (r->ring_fds[i] < 0)
			return -1;
		r->q[i].r = r;
	}
	if (bpf_map__set_max_entries(r->skel->maps.rings, (uint32_t)r->nrings) ||
	    bpf_map__set_inner_map_fd(r->skel->maps.rings, r->ring_fds[0]))
		return -1;
	/* Big rings drain on the poll timeout (POLL_MS at 4M ev/s per CPU
	 * fills 8 MB) and wake the consumer only half full: a burst of the
	 * kernel's own (a direct reclaim's pcp drain-and-refill loop wrote
	 * 750k records on one CPU within a few ms) filled a 32 MB ring while
	 * the consumer slept out its 50 ms (275k events lost in CI).  Small
	 * rings wake it a quarter full. */
	ro->wake_bytes = bytes >= (8u << 20) ? bytes / 2 : bytes / 4;
	ro->attach_only = (uint32_t)r->o.attach_only;
	if (set_sink(r))
		return -1;
	ro->self_tgid = (uint32_t)getpid();
	ro->filter_tgid = (uint32_t)(r->o.cmd_only ? r->child : r->o.pid);
	if (r->o.cgroup) {
		uint64_t id;

		if (cgroup_id(r->o.cgroup, &id)) {
			fprintf(stderr, "mmtrace record: --cgroup %s: not a cgroup v2 directory\n",
				r->o.cgroup);
			return -2;
		}
		ro->filter_cgid = id;
	}
	return 0;
}

static void note_setup(struct rec *r, int argc, char **argv)
{
	char buf[80] = "", v[80];

	for (int i = 0; i < argc && strlen(buf) < sizeof(buf) - 2; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
			 i ? " " : "", argv[i]);
	coll_note(&r->h, "record.command", buf);
	snprintf(v, sizeof(v), "%u MB over per-CPU rings, merged by sequence, poll %d ms",
		 r->o.buffer_mb, POLL_MS);
	coll_note(&r->h, "record.buffer", v);
	coll_note(&r->h, "record.self_filter",
		  "own process: page-level events kept, slab/fault/filemap dropped");
	if (r->o.pid) {
		snprintf(v, sizeof(v), "%d", r->o.pid);
		coll_note(&r->h, "record.filter_pid", v);
	}
	if (r->o.cgroup)
		coll_note(&r->h, "record.filter_cgroup", r->o.cgroup);
	if (r->o.cmd_only)
		coll_note(&r->h, "record.filter_pid", "CMD's process (--cmd-only)");
	if (r->o.attach_only)
		coll_note(&r->h, "record.attach_only",
			  "programs attached but returned at once: no events recorded");
	if (r->o.store_only)
		coll_note(&r->h, "record.store_only",
			  "page and fault programs stored their raw arguments and returned: no events recorded");
	coll_note(&r->h, "record.pointers", r->o.raw_pointers ? "raw" :
		  "sites: fnv1a64(symbol+0xoff); user ips: keyed hash; objects: pfn+offset");
	coll_note(&r->h, "record.kfree_null", "kfree(NULL) calls are not recorded");
}

static int setup_bpf(struct rec *r);

static int setup_bpf(struct rec *r)
{
	int err;

	r->skel = mmtrace_bpf__open();
	if (!r->skel) {
		fprintf(stderr, "mmtrace record: cannot open the BPF object: %s\n",
			strerror(errno));
		return -1;
	}
	err = set_filters(r);
	if (err)
		return err == -2 ? -1 : (fprintf(stderr, "mmtrace record: ring size: %s\n",
						 strerror(errno)), -1);
	probe_programs(r);
	if (mmtrace_bpf__load(r->skel)) {
		int e = errno;

		if (!r->classic_only) {
			/* a kernel without raw/BTF tracepoint support for some
			 * program: try again with classic tracepoints only */
			fprintf(stderr, "mmtrace record: loading failed (%s); retrying with classic tracepoints only\n",
				strerror(e));
			mmtrace_bpf__destroy(r->skel);
			r->skel = NULL;
			r->classic_only = 1;
			coll_note(&r->h, "record.fallback",
				  "raw/BTF programs failed to load: classic tracepoints only");
			return setup_bpf(r);
		}
		fprintf(stderr, "mmtrace record: loading BPF programs failed (%s): "
			"needs root and a kernel with BPF ring buffers (5.8+)\n",
			strerror(e));
		return -1;
	}
	attach_programs(r);
	if (!r->nlinks) {
		fprintf(stderr, "mmtrace record: no tracepoint could be attached\n");
		return -1;
	}
	r->ncpus = libbpf_num_possible_cpus();
	r->lost_prev = calloc((size_t)(r->ncpus > 0 ? r->ncpus : 1), sizeof(uint64_t));
	if (!r->lost_prev)
		return -1;
	for (int i = 0; i < r->nrings; i++) {
		uint32_t key = (uint32_t)i;

		if (bpf_map_update_elem(bpf_map__fd(r->skel->maps.rings), &key,
					&r->ring_fds[i], BPF_ANY))
			goto fail;
	}
	if (open_rings(r))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "mmtrace record: ring buffers: %s\n", strerror(errno));
	return -1;
}

/* A second, read-only view of a ring, as the kernel lays it out
 * (kernel/bpf/ringbuf.c): the consumer page, then the producer page and
 * the data pages mapped twice, so that a record that wraps reads whole. */
static int map_ring(struct rec *r, struct ringq *q, int fd)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	void *c, *p;

	c = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
	if (c == MAP_FAILED)
		return -1;
	q->map_cons = c;
	q->map_prod_len = pg + 2 * r->ring_bytes;
	p = mmap(NULL, q->map_prod_len, PROT_READ, MAP_SHARED, fd, (off_t)pg);
	if (p == MAP_FAILED)
		return -1;
	q->map_prod = p;
	q->cons_pos = q->map_cons;
	q->prod_pos = q->map_prod;
	q->data = (const uint8_t *)q->map_prod + pg;
	q->mask = r->ring_bytes - 1;
	return 0;
}

/* The consumer's side of the rings: a libbpf ring_buffer for each, so
 * that one ring's reading can stop without the others' (libbpf 1.1 has
 * no per-ring consume), an edge-triggered epoll over them (wait_rings),
 * and each ring's queue, allocated and touched now, before the recording
 * starts (QUEUE_CAP). */
static int open_rings(struct rec *r)
{
	size_t cap = QUEUE_TOTAL / (size_t)r->nrings;
	const char *env = getenv("MMTRACE_QUEUE_CAP");
	size_t want = env ? strtoul(env, NULL, 10) : 0;

	if (cap > QUEUE_CAP)
		cap = QUEUE_CAP;
	/* tests: a queue that fills at every drain (test_live) */
	if (want > 0 && want < cap)
		cap = want;
	if (cap < 4 * QUEUE_ROOM)
		cap = 4 * QUEUE_ROOM;
	r->rbq = calloc((size_t)r->nrings, sizeof(*r->rbq));
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!r->rbq || r->epfd < 0)
		return -1;
	for (int i = 0; i < r->nrings; i++) {
		struct ringq *q = &r->q[i];
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET,
					  .data.u32 = (uint32_t)i };

		q->v = malloc(cap * sizeof(*q->v));
		if (!q->v)
			return -1;
		memset(q->v, 0, cap * sizeof(*q->v));	/* its pages, now */
		q->cap = cap;
		r->queued_cap += cap;
		r->rbq[i] = ring_buffer__new(r->ring_fds[i], on_record, q, NULL);
		if (!r->rbq[i] || map_ring(r, q, r->ring_fds[i]) ||
		    epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->ring_fds[i], &ev))
			return -1;
	}
	return 0;
}

/* Until a ring's program asks for a wake-up (wake_bytes) or ms pass.
 * Edge-triggered: a ring with data left in it (a drain that stopped
 * early) does not make every wait return at once, which would turn the
 * real-time consumer into a busy loop beside the workload. */
static void wait_rings(struct rec *r, int ms)
{
	struct epoll_event ev[16];

	(void)epoll_wait(r->epfd, ev, 16, ms);
}

/* ---- exact free lists ------------------------------------------------------ */

/* A walked block and where the walk saw it (its index in walk_out). */
struct walked_block {
	struct mmt_free_block b;
	uint32_t seq;
};

/* By pfn, order and mt; a block the walk saw twice (a list it started
 * again) with its latest sighting first, which is where the list held it
 * when the walk read the list whole. */
static int block_cmp(const void *a, const void *b)
{
	const struct walked_block *x = a, *y = b;

	if (x->b.pfn != y->b.pfn)
		return x->b.pfn < y->b.pfn ? -1 : 1;
	if (x->b.order != y->b.order)
		return x->b.order < y->b.order ? -1 : 1;
	if (x->b.mt != y->b.mt)
		return (x->b.mt > y->b.mt) - (x->b.mt < y->b.mt);
	return (x->seq < y->seq) - (x->seq > y->seq);
}

/* walk_out (head first, MMTR_WALK_FIRST at each list's start or restart)
 * into blocks sorted by pfn, each with its place in its list. */
static struct mmt_free_block *walked_blocks(const __u64 *out, uint64_t nv,
					    uint64_t *n)
{
	struct walked_block *w = malloc((nv ? nv : 1) * sizeof(*w));
	struct mmt_free_block *v;
	uint32_t pos = 0;
	uint64_t k = 0;

	if (!w)
		return NULL;
	for (uint64_t i = 0; i < nv; i++) {
		uint64_t e = out[i];

		pos = (e & MMTR_WALK_FIRST) ? 0 : pos + 1;
		w[i] = (struct walked_block){ .seq = (uint32_t)i,
			.b = { .pfn = e >> 12, .order = (uint8_t)((e >> 4) & 0xf),
			       .mt = (int8_t)(e & 0xf), .exact = 1, .pos = pos } };
	}
	qsort(w, nv, sizeof(*w), block_cmp);
	v = malloc((nv ? nv : 1) * sizeof(*v));
	for (uint64_t i = 0; v && i < nv; i++)
		if (!k || w[i].b.pfn != v[k - 1].pfn)
			v[k++] = w[i].b;
	free(w);
	*n = k;
	return v;
}

/* Runs `walk` on another CPU while this thread waits with preemption off
 * (collector/sched.c says why); where that cannot be (one CPU, a kernel
 * without BPF_F_TEST_RUN_ON_CPU for raw_tp), here. */
static int run_walk(struct rec *r, int fd, struct bpf_test_run_opts *topts)
{
	struct coll_pin pin;
	int other = coll_pin_other_cpu(&pin), rc = -1;

	r->walk_cpu = -1;
	if (other >= 0) {
		topts->flags = BPF_F_TEST_RUN_ON_CPU;
		topts->cpu = (__u32)other;
		rc = bpf_prog_test_run_opts(fd, topts);
		coll_unpin(&pin);
		r->walk_cpu = rc ? -1 : other;
	}
	if (rc) {
		topts->flags = 0;
		topts->cpu = 0;
		rc = bpf_prog_test_run_opts(fd, topts);
	}
	return rc;
}

/* coll_walk_fn: one BPF_PROG_TEST_RUN of `walk` per (zone, order, mt). */
static int walk_free_lists(void *ctx, struct mmt_free_block **out, uint64_t *n)
{
	struct rec *r = ctx;
	struct mmtrace_bpf__bss *bss = r->skel->bss;
	int fd = bpf_program__fd(r->skel->progs.walk);
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	struct mmt_free_block *v;
	uint64_t nv;

	*out = NULL;
	*n = 0;
	if (!r->walk_ok)
		return -1;
	bss->walk_vmemmap = r->vmemmap;
	bss->walk_max_order = r->h.max_order;
	bss->walk_nr_mt = r->nr_mt;
	if (run_walk(r, fd, &topts) || bss->walk_full) {
		/* the snapshot's blocks then say they are inferred (exact 0);
		 * the header's note was written for the walk */
		fprintf(stderr, "mmtrace record: snapshot: the BPF walk of the "
			"free lists %s; free blocks inferred from "
			"/proc/kpageflags\n", bss->walk_full ?
			"found more blocks than it holds (262,144)" :
			"could not run");
		return -1;
	}
	nv = bss->walk_n;
	/* a restarted list yields its first blocks again (mmtrace.bpf.c) */
	uint64_t k;
	v = walked_blocks(bss->walk_out, nv, &k);
	if (!v)
		return -1;
	*out = v;
	*n = k;
	if (bss->walk_gaveup)
		fprintf(stderr, "mmtrace record: snapshot: the BPF walk gave up "
			"%u free lists that changed under it %d times: blocks "
			"of theirs are missing\n", bss->walk_gaveup,
			MMTR_WALK_RESTARTS);
	if (getenv("MMTRACE_DEBUG"))
		fprintf(stderr, "mmtrace record: free-list walk: %" PRIu64
			" blocks, %u off-list, %u restarts, %" PRIu64 " seen twice, "
			"cpu %d\n", k, bss->walk_bad, bss->walk_restarts, nv - k,
			r->walk_cpu);
	__atomic_store_n(&r->walk_done, 1, __ATOMIC_RELEASE);
	return 0;
}

/* Writing vm.lowmem_reserve_ratio back unchanged makes the kernel fire
 * mm_setup_per_zone_lowmem_reserve for every zone (zone_names keeps the
 * pointers); it only recomputes lowmem_reserve from unchanged inputs. */
static void learn_zones(struct rec *r)
{
	const char *path = "/proc/sys/vm/lowmem_reserve_ratio";
	char buf[256], v[80];
	int fd, n;

	for (uint32_t i = 0; i < r->h.nr_migratetypes; i++)
		if (!strcmp(r->h.migratetypes[i].name, "MIGRATE_TYPES"))
			r->nr_mt = (uint32_t)r->h.migratetypes[i].value;
	if (!r->zone_link || !r->vmemmap || !r->nr_mt || r->nr_mt > 16)
		goto none;
	n = coll_read_file(path, buf, sizeof(buf));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (n <= 0 || fd < 0 || write(fd, buf, (size_t)n) != n) {
		if (fd >= 0)
			close(fd);
		goto none;
	}
	close(fd);
	bpf_link__destroy(r->zone_link);
	r->zone_link = NULL;
	if (!r->skel->bss->nr_zone_ptr)
		goto none;
	r->walk_ok = 1;
	snprintf(v, sizeof(v), "exact: BPF walk of %u zones' free lists",
		 r->skel->bss->nr_zone_ptr);
	coll_note(&r->h, "snapshot.free_blocks", v);
	return;
none:
	coll_note(&r->h, "snapshot.free_blocks",
		  "inferred from /proc/kpageflags (zone pointers unavailable)");
}

static int calibrate_or_fail(struct rec *r)
{
	char v[80];

	calibrate(r);
	if (!r->vmemmap && r->raw_pages) {
		fprintf(stderr, "mmtrace record: cannot locate vmemmap (KASLR "
			"calibration failed); cannot turn struct page pointers into pfns\n");
		return -1;
	}
	if (!r->page_offset && r->slab_on) {
		fprintf(stderr, "mmtrace record: cannot locate the direct map; slab "
			"objects are recorded without pfn\n");
		coll_note(&r->h, "record.slab_objects", "no pfn: direct map not located");
	}
	bpf_link__destroy(r->calib_link);
	r->calib_link = NULL;
	snprintf(v, sizeof(v), "found by magic-page scan; struct page = %llu bytes",
		 (unsigned long long)r->page_struct_size);
	coll_note(&r->h, "record.kaslr_bases", v);
	return 0;
}

static int drain(struct rec *r, uint64_t cutoff);

struct snap_job {
	struct rec *r;
	struct mmt_snapshot snap;
	char err[256];
	int rc;
	int done;
};

/* Scheduling and memory of the consumer (collector/sched.c): the thread
 * that drains the rings at SCHED_FIFO, memory locked.  After CMD is
 * forked (it never inherits either). */
static void keep_up(struct rec *r)
{
	char v[80];

	if (coll_lock_memory())
		snprintf(v, sizeof(v), "not locked: %s", strerror(errno));
	else
		snprintf(v, sizeof(v), "locked (mlockall)");
	coll_note(&r->h, "record.memory", v);
	if (!r->o.rt_prio) {
		coll_note(&r->h, "record.scheduling", "normal (--rt-priority 0)");
		return;
	}
	if (coll_sched_rt(r->o.rt_prio)) {
		snprintf(v, sizeof(v), "normal: SCHED_FIFO %d refused: %s",
			 r->o.rt_prio, strerror(errno));
		fprintf(stderr, "mmtrace record: %s\n", v);
	} else {
		r->rt = 1;
		snprintf(v, sizeof(v), "consumer SCHED_FIFO %d", r->o.rt_prio);
	}
	coll_note(&r->h, "record.scheduling", v);
}

/* The snapshot thread runs at the consumer's priority too: under memory
 * pressure, at normal priority, its free-list walk (the snapshot's moment)
 * was preempted half-way and its page-flag scan took seconds (while the
 * events of those seconds piled up); at SCHED_FIFO the scan takes about
 * a second of one CPU, the walk 25-30 ms. */
static void *snap_thread(void *arg)
{
	struct snap_job *j = arg;

	if (j->r->rt)
		coll_sched_rt(j->r->o.rt_prio);

	j->rc = coll_snapshot(&j->r->h, &j->snap,
			      coll_now_ns(CLOCK_MONOTONIC) - j->r->h.start_ns,
			      walk_free_lists, j->r, j->err, sizeof(j->err));
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* A snapshot reads all of /proc/kpageflags (a second or more on a big
 * host, several under memory pressure) while events flow: take it on a
 * thread and keep draining and writing events meanwhile, so a busy host
 * loses nothing and nothing piles up in memory (queued for a start
 * snapshot of 5 s, the events of a pressure run took 1.3 GB until the
 * OOM killer ended the recorder).  The start snapshot's section follows
 * those events in the file (FORMAT.md).
 * The end snapshot is taken while the programs are still attached: its
 * free-list walk is then one moment inside the event stream (events after
 * it are in the file, after the snapshot's ts), instead of leaving a gap
 * between detach and walk whose frees would be missing; `end` detaches
 * the programs as soon as the walk is done. */
static int snapshot_async(struct rec *r, struct mmt_snapshot *snap, int end,
			  const char *which)
{
	struct snap_job j = { .r = r };
	pthread_t th;

	__atomic_store_n(&r->walk_done, 0, __ATOMIC_RELEASE);
	if (pthread_create(&th, NULL, snap_thread, &j)) {
		snap_thread(&j);
	} else {
		while (!__atomic_load_n(&j.done, __ATOMIC_ACQUIRE)) {
			/* end: once the free lists are read, events are past
			 * the snapshot's moment; stop recording them */
			if (end && r->nlinks && __atomic_load_n(&r->walk_done, __ATOMIC_ACQUIRE))
				detach_programs(r);
			wait_rings(r, 10);
			uint64_t now = coll_now_ns(CLOCK_MONOTONIC);

			if (drain(r, now - MERGE_SLACK_NS) ||
			    flush_zone_free(r, now - MERGE_SLACK_NS))
				break;	/* a write error: finish() says which */
			/* the zone samples go on while the programs record
			 * the end snapshot's walk (seconds); resizes wait for
			 * the final poll, as before */
			if (end && r->nlinks && sample_zones(r))
				break;
		}
		pthread_join(th, NULL);
	}
	if (j.rc) {
		fprintf(stderr, "mmtrace record: %s snapshot: %s\n", which, j.err);
		return -1;
	}
	*snap = j.snap;
	return 0;
}

static int start_snapshot(struct rec *r, struct mmt_snapshot *snap)
{
	return snapshot_async(r, snap, 0, "start");
}

/* The BPF programs read their switches from their CPU's slot (one cache
 * line with the rest of what a hot event touches); every slot gets them. */
static void set_cpu_flags(struct rec *r, uint32_t flags)
{
	size_t n = sizeof(r->skel->bss->cpus) / sizeof(r->skel->bss->cpus[0]);

	for (size_t i = 0; i < n; i++)
		__atomic_fetch_or(&r->skel->bss->cpus[i].flags, flags, __ATOMIC_SEQ_CST);
}

#define STR_(x) #x
#define STR(x) STR_(x)

/* Batches only if the loader can flush them: BPF_F_TEST_RUN_ON_CPU for
 * raw_tp programs needs 5.10+. */
static void enable_batching(struct rec *r)
{
	int fd = bpf_program__fd(r->skel->progs.flush);
	LIBBPF_OPTS(bpf_test_run_opts, o, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = 0);

	if (fd < 0 || bpf_prog_test_run_opts(fd, &o)) {
		coll_note(&r->h, "record.batching", "off: cannot run flush on a CPU");
		return;
	}
	r->batching = 1;
	set_cpu_flags(r, MMTR_BATCHING);
	coll_note(&r->h, "record.batching",
		  "records batched per CPU in BPF (" STR(MMTR_BATCH) " of 40 bytes, "
		  STR(MMTR_BATCH_X) " of 56)");
}

/* The writer's thread (traces/writer.c) runs at the consumer's priority:
 * a writer that falls behind stops the consumer too.  It runs only while
 * the consumer falls behind (writer_offload). */
static void writer_sched(void *arg)
{
	struct rec *r = arg;

	if (r->rt)
		coll_sched_rt(r->o.rt_prio);
}

static int start(struct rec *r)
{
	struct mmt_snapshot snap;
	char err[256];

	r->h.start_realtime_ns = coll_now_ns(CLOCK_REALTIME);
	r->h.start_ns = coll_now_ns(CLOCK_MONOTONIC);
	r->h.flags = (r->o.raw_pointers ? MMT_HDR_RAW_POINTERS : 0) | MMT_HDR_NAMES;
	r->h.flags |= pressure_flags(r);
	r->pr = coll_pressure_new();
	if (!r->pr) {
		fprintf(stderr, "mmtrace record: out of memory\n");
		return -1;
	}
	r->skel->bss->vmemmap_base = r->vmemmap;	/* for the isolation walk */
	r->cv = (struct coll_conv){ .vmemmap = r->vmemmap,
		.page_struct_size = r->page_struct_size, .start_ns = r->h.start_ns,
		.site = conv_site, .site_ctx = r };
	enable_batching(r);
	r->twin_miss0 = twin_misses(r);
	set_cpu_flags(r, MMTR_RUNNING);
	/* After `running`: a process forked from now on is named by BPF. */
	r->last_pid = UINT32_MAX;
	r->comms = coll_comms_new();
	if (r->comms)
		coll_comms_scan(r->comms);
	else
		coll_note(&r->h, "record.names", "process names: out of memory");
	/* Events are written while the start snapshot is taken, into
	 * FILE.part-PID, which becomes FILE once the snapshot is in it: FILE
	 * is non-empty only when the recording is ready (what scripts and
	 * the tests wait for) */
	snprintf(r->part, sizeof(r->part), "%s.part-%d", r->o.out, (int)getpid());
	r->w = mmt_writer_open(r->part, 1, &r->h, NULL, err, sizeof(err));
	if (!r->w) {
		fprintf(stderr, "mmtrace record: %s\n", err);
		return -1;
	}
	/* Blocks can be encoded and compressed on a thread of the writer's
	 * own (at the consumer's priority): about 60% of the consumer's work
	 * per event, which it then spends draining the rings; only while it
	 * falls behind (writer_offload) */
	if (mmt_writer_set_async(r->w, writer_sched, r))
		fprintf(stderr, "mmtrace record: no writer thread: %s; "
			"compressing on the consumer\n", strerror(errno));
	r->offload = 1;
	writer_offload(r);
	if (!r->o.raw_pointers)
		coll_ksyms_name_into(r->ks, r->w);
	if (start_snapshot(r, &snap))
		return -1;
	int rc = mmt_writer_start_snapshot(r->w, &snap);

	mmt_snapshot_free(&snap);
	if (!rc)
		rc = mmt_writer_rename(r->w, r->o.out);
	if (rc) {
		fprintf(stderr, "mmtrace record: %s\n", mmt_writer_error(r->w));
		return -1;
	}
	r->opened = 1;	/* the writer owns o.out from here, even on failure */
	return 0;
}

/* Reads all rings, then writes what is older than `cutoff`. */
/*
 * Pushes every CPU's partial batch (collector/mmtrace.bpf.c, `flush`) into
 * its ring.  Returns 0 when all are out; -1 when a CPU's batch stayed busy
 * (a program was filling it each time we looked): then records taken
 * before now may still be in BPF.  CPUs that cannot run it (offline) hold
 * no batch.
 */
static int flush_batches(struct rec *r, int tries)
{
	int fd, rc = 0;

	if (!r->batching)
		return 0;
	fd = bpf_program__fd(r->skel->progs.flush);
	for (int c = 0; c < r->ncpus; c++) {
		int t;

		for (t = 0; t < tries; t++) {
			LIBBPF_OPTS(bpf_test_run_opts, o, .flags = BPF_F_TEST_RUN_ON_CPU,
				    .cpu = (uint32_t)c);

			if (bpf_prog_test_run_opts(fd, &o) || o.retval == 0)
				break;
		}
		if (t == tries)
			rc = -1;
	}
	return rc;
}

/* The fullest a ring was when `flush` ran before a drain (the BPF side
 * keeps the most per CPU; MMTRACE_DEBUG reads them each second). */
static void ring_peaks(struct rec *r, int reset)
{
	for (int c = 0; c < r->ncpus && c < MMTR_MAX_CPUS; c++) {
		uint64_t b = r->skel->bss->cpus[c].ring_peak;

		if (b > r->ring_peak) {
			r->ring_peak = b;
			r->ring_peak_cpu = c;
		}
		if (reset)
			r->skel->bss->cpus[c].ring_peak = 0;
	}
}

static void debug_stats(struct rec *r, uint64_t now)
{
	struct rusage ru;
	size_t queued = 0;

	if (!r->dbg.t0) {
		r->dbg.t0 = now;
		return;
	}
	if (now - r->dbg.t0 < 1000000000ull)
		return;
	for (int i = 0; i < r->nrings; i++)
		queued += r->q[i].n - r->q[i].head;
	getrusage(RUSAGE_THREAD, &ru);
	fprintf(stderr, "mmtrace debug: %.3f recs %llu drains %llu rounds %llu flush %.1f consume %.1f merge %.1f max %.1f ms queued %zu peak",
		(double)(now - r->h.start_ns) / 1e9, (unsigned long long)r->dbg.recs,
		(unsigned long long)r->dbg.drains, (unsigned long long)r->dbg.rounds,
		r->dbg.flush_ns / 1e6,
		r->dbg.consume_ns / 1e6, r->dbg.merge_ns / 1e6, r->dbg.max_ns / 1e6,
		queued);
	for (int c = 0; c < r->ncpus && c < MMTR_MAX_CPUS; c++)
		fprintf(stderr, " %llu", (unsigned long long)r->skel->bss->cpus[c].ring_peak >> 10);
	ring_peaks(r, 1);
	fprintf(stderr, " kB offload %d utime %.3f stime %.3f minflt %ld majflt %ld nvcsw %ld nivcsw %ld\n",
		r->offload, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
		ru.ru_minflt, ru.ru_majflt, ru.ru_nvcsw, ru.ru_nivcsw);
	memset(&r->dbg, 0, sizeof(r->dbg));
	r->dbg.t0 = now;
}

/* Reads every ring into its queue, each until it is empty or its queue
 * is full (CONSUME_STOP): *stopped says whether one was. */
static int consume_rings(struct rec *r, int *stopped)
{
	*stopped = 0;
	for (int i = 0; i < r->nrings; i++) {
		int n;

		r->q[i].stopped = 0;
		if (queue_room(&r->q[i]) < QUEUE_ROOM) {
			r->q[i].stopped = 1;	/* still full: not read now */
			*stopped = 1;
			continue;
		}
		n = ring_buffer__consume(r->rbq[i]);
		if (n == CONSUME_STOP)
			*stopped = 1;
		else if (n < 0)
			return -1;
	}
	return 0;
}

/* The lowest number among the records left in a ring (UINT64_MAX: none),
 * read in place without taking them: a sample's first record has its
 * lowest number (a batch is in order).  0 when a record is still being
 * written after a long wait (nothing may be written past it). */
static uint64_t ring_min_seq(const struct ringq *q)
{
	uint64_t pos = __atomic_load_n(q->cons_pos, __ATOMIC_ACQUIRE);
	uint64_t end = __atomic_load_n(q->prod_pos, __ATOMIC_ACQUIRE);
	uint64_t min = UINT64_MAX;

	while (pos < end) {
		const uint32_t *hdr = (const uint32_t *)(q->data + (pos & q->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		uint64_t seq;

		for (long spin = 0; len & BPF_RINGBUF_BUSY_BIT; spin++) {
			if (spin == 1000000)
				return 0;
			len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		}
		len &= ~(uint32_t)BPF_RINGBUF_DISCARD_BIT;
		if (len >= sizeof(struct mmtr_ev) &&
		    !(hdr[0] & BPF_RINGBUF_DISCARD_BIT)) {
			memcpy(&seq, (const uint8_t *)hdr + BPF_RINGBUF_HDR_SZ +
			       offsetof(struct mmtr_ev, seq), sizeof(seq));
			if (seq < min)
				min = seq;
		}
		pos += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
	}
	return min;
}

/*
 * What merge may write in a round after which a ring still holds records
 * (its queue filled up): numbers below s0 -- the counter's value before
 * this drain's flush, so every record numbered below it was in a ring
 * when the flush was done -- and below every number still in such a
 * ring.  A record committed after this look has a number above s0.
 */
static uint64_t seq_limit(struct rec *r, uint64_t s0)
{
	uint64_t lim = s0;

	for (int i = 0; i < r->nrings; i++) {
		uint64_t m;

		if (!r->q[i].stopped)
			continue;
		m = ring_min_seq(&r->q[i]);
		if (m < lim)
			lim = m;
	}
	return lim;
}

/* A round wrote nothing while rings held records: each such ring's queue
 * doubles, if QUEUE_MAX and QUEUE_TOTAL allow.  0 if one grew. */
static int grow_stopped(struct rec *r)
{
	int grew = 0;

	for (int i = 0; i < r->nrings; i++) {
		struct ringq *q = &r->q[i];
		size_t cap = q->cap * 2;
		struct pend *v;

		if (!q->stopped || cap > QUEUE_MAX ||
		    r->queued_cap - q->cap + cap > QUEUE_TOTAL)
			continue;
		v = realloc(q->v, cap * sizeof(*v));
		if (!v)
			continue;
		r->queued_cap += cap - q->cap;
		q->v = v;
		q->cap = cap;
		r->queue_grown++;
		grew = 1;
	}
	return grew ? 0 : -1;
}

/*
 * Flushes the BPF batches, then reads and writes in rounds: read each
 * ring until its queue is full, write what is older than cutoff (and,
 * while a ring was left with records in it, numbered below what it still
 * holds: seq_limit), and go on while a ring stopped early.  A round that
 * wrote nothing grows the queues if the numbers held it, or waits 2 ms
 * if the cutoff did.  A drain ends after DRAIN_ROUNDS rounds (the final
 * one, cutoff UINT64_MAX, not before the rings are empty).
 */
static int drain(struct rec *r, uint64_t cutoff)
{
	uint64_t t0 = r->debug ? coll_now_ns(CLOCK_MONOTONIC) : 0, t1 = 0;
	uint64_t s0 = __atomic_load_n(&r->skel->bss->seq, __ATOMIC_ACQUIRE);

	if (flush_batches(r, cutoff == UINT64_MAX ? 1000 : 3) && cutoff != UINT64_MAX)
		cutoff = 0;	/* not all out: merge nothing this time */
	if (r->debug) {
		t1 = coll_now_ns(CLOCK_MONOTONIC);
		r->dbg.flush_ns += t1 - t0;
	}
	for (int round = 0;; round++) {
		uint64_t t2 = 0, wrote = 0;
		int stopped, held = 0;

		if (consume_rings(r, &stopped))
			return -1;
		if (r->debug) {
			t2 = coll_now_ns(CLOCK_MONOTONIC);
			r->dbg.consume_ns += t2 - t1;
		}
		writer_offload(r);
		if (merge_upto(r, cutoff, stopped ? seq_limit(r, s0) : UINT64_MAX,
			       &wrote, &held))
			return -1;
		if (r->debug) {
			t1 = coll_now_ns(CLOCK_MONOTONIC);
			r->dbg.merge_ns += t1 - t2;
			r->dbg.rounds++;
		}
		if (!stopped || r->write_failed ||
		    (cutoff != UINT64_MAX && round + 1 >= DRAIN_ROUNDS))
			break;
		if (!wrote && held && grow_stopped(r))
			break;	/* the rest waits in the rings */
		if (!wrote && !held) {
			/* a queue full of records younger than the cutoff (a
			 * burst): they are old enough in a moment */
			struct timespec ts = { 0, 2000000 };

			nanosleep(&ts, NULL);
		}
	}
	if (r->debug) {
		r->dbg.drains++;
		if (t1 - t0 > r->dbg.max_ns)
			r->dbg.max_ns = t1 - t0;
		debug_stats(r, t1);
	}
	return r->write_failed ? -1 : 0;
}

static void loop(struct rec *r)
{
	uint64_t t0 = coll_now_ns(CLOCK_MONOTONIC), last_t = t0, last_ev = 0;
	uint64_t end = r->o.duration > 0 ? t0 + (uint64_t)(r->o.duration * 1e9) : 0;
	uint64_t next_progress = t0 + 1000000000ull;
	int tty = isatty(2);

	while (!stop_flag) {
		/* BPF wakes us when a ring is a quarter full (a burst);
		 * otherwise the wait times out and we drain every ring. */
		wait_rings(r, POLL_MS);
		uint64_t now = coll_now_ns(CLOCK_MONOTONIC);

		if (drain(r, now - MERGE_SLACK_NS))
			break;
		/* a held zone sample no later record has pushed out */
		if (flush_zone_free(r, now - MERGE_SLACK_NS))
			break;
		if (check_lost(r, 0) || check_zones(r, 0))
			break;
		if (tty && now >= next_progress) {
			progress(r, &last_ev, &last_t, 0);
			next_progress = now + 1000000000ull;
		}
		if (end && now >= end)
			break;
		if (r->o.cmd && child_exited(r))
			break;
		if (r->o.pid && kill(r->o.pid, 0) && errno == ESRCH) {
			fprintf(stderr, "mmtrace record: process %d exited\n", r->o.pid);
			break;
		}
	}
	if (tty)
		progress(r, &last_ev, &last_t, 1);
}

static int finish(struct rec *r)
{
	struct mmt_snapshot snap, *sp = &snap;
	int rc = 0;

	if (r->write_failed || snapshot_async(r, &snap, 1, "end"))
		sp = NULL;
	detach_programs(r);
	if (!r->write_failed)
		drain(r, UINT64_MAX);
	if (!r->write_failed)
		check_lost(r, 1);
	if (!r->write_failed)
		check_census(r);
	if (!r->write_failed)
		check_seq(r);
	if (!r->write_failed)
		check_zones(r, 1);
	if (!r->write_failed)
		flush_zone_free(r, UINT64_MAX);
	if (r->write_failed) {
		/* the writer's message names the file and the offset */
		fprintf(stderr, "mmtrace record: %s; file readable up to its last whole block\n",
			mmt_writer_error(r->w));
		rc = 1;
		if (sp)
			mmt_snapshot_free(sp);
		sp = NULL;
	}
	uint64_t events, raw, file;
	char err[256];

	mmt_writer_stats(r->w, &events, &raw, &file);
	if (mmt_writer_close_err(r->w, sp, err, sizeof(err))) {
		if (!rc)
			fprintf(stderr, "mmtrace record: %s; file readable up to its last whole block\n",
				err);
		rc = 1;
	}
	r->w = NULL;
	if (sp)
		mmt_snapshot_free(sp);
	if (!rc) {
		struct stat st;

		if (!stat(r->o.out, &st))
			file = (uint64_t)st.st_size;
		fprintf(stderr, "mmtrace record: wrote %s: %llu events, %llu bytes "
			"(%.2f B/event), lost %llu, zone resizes %llu\n", r->o.out,
			(unsigned long long)events, (unsigned long long)file,
			events ? (double)file / (double)events : 0.0,
			(unsigned long long)r->lost_total,
			(unsigned long long)r->resizes);
	}
	/* how close the rings came to losing events */
	ring_peaks(r, 0);
	if (r->batching)
		fprintf(stderr, "mmtrace record: fullest ring at a drain: %.1f of "
			"%llu MB (cpu %d); writer thread took over %llu times; "
			"queues grew %llu times\n",
			(double)r->ring_peak / (1 << 20),
			(unsigned long long)(r->ring_bytes >> 20), r->ring_peak_cpu,
			(unsigned long long)r->offloads,
			(unsigned long long)r->queue_grown);
	/* a reclaim or compaction context the programs could not keep
	 * (task storage not allocated): its frees went as the workload's */
	if (r->skel->bss->ctx_nomem)
		fprintf(stderr, "mmtrace record: %llu reclaim/compaction contexts "
			"not tracked (no task storage): their frees are charged "
			"to the workload\n",
			(unsigned long long)r->skel->bss->ctx_nomem);
	/* compaction's free blocks: each pass says how many pages it took */
	const struct coll_pressure_stats *ps = coll_pressure_stats(r->pr);

	if (ps->passes_short)
		fprintf(stderr, "mmtrace record: %llu of %llu compaction isolation "
			"passes short of the pages they took by %llu pages "
			"(%llu walks of cc->freepages cut at %d blocks): "
			"those free blocks are missing from the trace\n",
			(unsigned long long)ps->passes_short,
			(unsigned long long)ps->passes,
			(unsigned long long)ps->pages_short,
			(unsigned long long)r->skel->bss->iso_cut, MMTR_ISO_MAX);
	return rc;
}

static void cleanup(struct rec *r)
{
	detach_programs(r);
	for (int i = 0; r->rbq && i < r->nrings; i++)
		ring_buffer__free(r->rbq[i]);
	for (int i = 0; r->q && i < r->nrings; i++) {
		if (r->q[i].map_cons)
			munmap(r->q[i].map_cons, (size_t)sysconf(_SC_PAGESIZE));
		if (r->q[i].map_prod)
			munmap(r->q[i].map_prod, r->q[i].map_prod_len);
	}
	free(r->rbq);
	if (r->epfd > 0)
		close(r->epfd);
	mmtrace_bpf__destroy(r->skel);
	for (int i = 0; r->ring_fds && i < r->nrings; i++)
		if (r->ring_fds[i] > 0)
			close(r->ring_fds[i]);
	for (int i = 0; r->q && i < r->nrings; i++)
		free(r->q[i].v);
	free(r->ring_fds);
	free(r->q);
	btf__free(r->btf);
	coll_ksyms_free(r->ks);
	coll_comms_free(r->comms);
	coll_pressure_free(r->pr);
	mmt_header_free(&r->h);
	free(r->caches);
	free(r->lost_prev);
	free(r->zones);
	free(r->zf);
	if (r->child_pipe >= 0)
		close(r->child_pipe);
}

static int silent_libbpf(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_WARN && getenv("MMTRACE_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* SIGINT, SIGTERM and SIGHUP (a closed terminal) stop the recording and
 * complete the file.  SIGXFSZ is ignored so that going past the file size
 * limit is a write error (EFBIG), handled as a full disk: a message and a
 * file readable up to its last whole block, not a silent death. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;	/* setup's reads go on; polls still wake */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGXFSZ, &sa, NULL);
}

static int run(struct rec *r, int argc, char **argv)
{
	char err[256];
	int id;

	if (geteuid() != 0) {
		fprintf(stderr, "mmtrace record: needs root (BPF programs and /proc/kpageflags)\n");
		return 1;
	}
	id = claim_output(r);
	if (id)
		return id;
	install_signals();
	libbpf_set_print(silent_libbpf);
	/* test knob: behave as on a kernel whose raw/BTF programs fail */
	r->classic_only = getenv("MMTRACE_CLASSIC_ONLY") != NULL;
	r->debug = getenv("MMTRACE_DEBUG") != NULL;
	if (r->classic_only)
		coll_note(&r->h, "record.fallback", "classic tracepoints only (MMTRACE_CLASSIC_ONLY)");
	ensure_tracefs(&r->h);
	r->btf = btf__load_vmlinux_btf();
	if (!r->btf)
		fprintf(stderr, "mmtrace record: no kernel BTF: gfp bits from tracefs\n");
	if (coll_host_fill(&r->h, r->btf, err, sizeof(err))) {
		fprintf(stderr, "mmtrace record: %s\n", err);
		return 1;
	}
	id = r->btf ? btf__find_by_name_kind(r->btf, "page", BTF_KIND_STRUCT) : -1;
	r->page_struct_size = id > 0 ? btf__type_by_id(r->btf, id)->size : 64;
	r->phys_span = phys_span_of(&r->h);
	r->ks = coll_ksyms_load();
	if (getrandom(&r->user_key, sizeof(r->user_key), 0) != sizeof(r->user_key))
		r->user_key = coll_now_ns(CLOCK_REALTIME) * 0x9e3779b97f4a7c15ull;
	note_setup(r, argc, argv);
	if (r->o.cmd && spawn_stopped(r)) {
		fprintf(stderr, "mmtrace record: fork: %s\n", strerror(errno));
		return 1;
	}
	if (setup_bpf(r) || calibrate_or_fail(r))
		return 1;
	learn_zones(r);
	r->nzones = coll_read_zoneinfo(&r->h, &r->zones);
	keep_up(r);
	if (stop_flag) {
		fprintf(stderr, "mmtrace record: %s before recording started; no "
			"trace written\n", strsignal(stop_flag));
		return 128 + stop_flag;
	}
	if (start(r))
		return 1;
	release_child(r);
	loop(r);
	return finish(r);
}

/*
 * Closes the writer.  When the start snapshot never made it into the file
 * (it failed, or the recording was stopped while it was taken), the
 * events written meanwhile are kept: FILE.part-PID becomes FILE, a trace
 * without a start snapshot that policy replay starts from the header's
 * zones (FORMAT.md) - nothing already written is lost.  A .part file
 * with no event is removed.
 */
static void keep_part(struct rec *r)
{
	uint64_t events = 0, raw, bytes;
	char err[256];

	if (!r->opened)
		mmt_writer_stats(r->w, &events, &raw, &bytes);
	mmt_writer_close_err(r->w, NULL, err, sizeof(err));
	r->w = NULL;
	if (r->opened)
		return;
	if (!events || rename(r->part, r->o.out) < 0) {
		unlink(r->part);
		return;
	}
	r->opened = 1;
	fprintf(stderr, "mmtrace record: %s: kept what was written of the "
		"%llu events recorded while the start snapshot was taken; it "
		"did not complete, so the file has none (policy replay starts "
		"from the header's zones, mirror refuses it)\n", r->o.out,
		(unsigned long long)events);
}

int cmd_record(int argc, char **argv)
{
	struct rec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.child_pipe = -1;
	rc = parse_opts(argc, argv, &r.o);
	if (rc)
		return rc > 0 ? 0 : 2;
	rc = check_args(&r.o);
	if (rc)
		return rc;
	rc = run(&r, argc, argv);
	if (r.child > 0) {	/* we stopped first: end CMD too */
		if (r.child_pipe >= 0) {
			close(r.child_pipe);
			r.child_pipe = -1;
		}
		kill(r.child, SIGTERM);
		waitpid(r.child, &r.child_status, 0);
	}
	if (r.w)
		keep_part(&r);
	if (rc && r.placeholder && !r.opened)
		unlink(r.o.out);
	cleanup(&r);
	if (!rc && r.cmd_ended)	/* CMD's own status, as time(1) gives it */
		rc = WIFSIGNALED(r.child_status) ? 128 + WTERMSIG(r.child_status) :
		     WEXITSTATUS(r.child_status);
	return rc;
}
