/* SPDX-License-Identifier: MIT */
/*
 * mmtrace import: a perf.data or trace-cmd trace.dat capture of the kmem,
 * vmscan, compaction and exceptions tracepoints into an .mmt.
 *
 * Debian ships no maintained library that reads perf.data (tools/lib/perf
 * is not packaged), so both formats are read through their own tools'
 * text output, `perf script` and `trace-cmd report`, which print every
 * tracepoint with the recording kernel's print formats (lines.c,
 * event.c).  The header's host facts (zones, gfp and migratetype names,
 * slab caches) are this host's: import on the recording host (the
 * release is compared for perf captures).  A capture has no snapshots,
 * so the start state of a replay is inferred (the header says so; info
 * and replay repeat it and mirror mode is refused).
 * Exit: 0 done, 1 error (the file written so far is readable), 2 usage
 * (also OUT exists without --force), 3 CAPTURE is not a capture.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "mmtrace/cmd.h"
#include "../collector/collector.h"
#include "import.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmtrace import -o OUT.mmt [--format perf|trace-cmd] [--force] CAPTURE\n"
		"Convert a perf.data (perf record) or trace.dat (trace-cmd) capture of the\n"
		"kmem, vmscan, compaction, exceptions (and filemap) tracepoints into a\n"
		"trace, read through `perf script` or `trace-cmd report`.\n\n"
		"  -o, --output FILE   the trace to write (created 0600)\n"
		"  -F, --format F      perf or trace-cmd (default: from the file's magic)\n"
		"  -f, --force         replace OUT\n"
		"  -h, --help          this help\n\n"
		"Host facts (zones, gfp bit and migratetype names, slab caches) are this\n"
		"host's: import on the host that recorded.  There are no snapshots: a\n"
		"replay starts from an inferred state and mirror mode is refused.  Call\n"
		"sites and commands go to the names table; slab objects are keyed by\n"
		"their address less the direct map's 512 GiB-aligned floor (the KASLR\n"
		"base is not in the capture).  A trace-cmd capture: enable the events in\n"
		"a tracefs instance and read it with `trace-cmd extract -B NAME`.\n\n"
		"Exit status: 0 done; 1 runtime error (CAPTURE unreadable, perf or\n"
		"trace-cmd failed, a write error: what was written reads); 2 bad\n"
		"option, or OUT exists without --force; 3 CAPTURE is neither a\n"
		"perf.data nor a trace.dat.\n\n"
		"EXAMPLES\n"
		"  A perf capture of page and slab events (root), imported and summarized:\n"
		"    perf record -q -a -c 1 -e 'kmem:mm_page_*' -e kmem:kmalloc -o perf.data -- sleep 0.2\n"
		"    mmtrace import -o perf.mmt perf.data\n"
		"    mmtrace stat --only summary perf.mmt\n");
}

/* perf.data starts "PERFILE2", trace.dat "\x17\x08\x44tracing". */
static int sniff(const char *path, enum imp_format *f)
{
	char m[10] = "";
	FILE *in = fopen(path, "rb");
	size_t n;

	if (!in)
		return -1;
	n = fread(m, 1, sizeof(m), in);
	fclose(in);
	if (n >= 8 && !memcmp(m, "PERFILE2", 8))
		*f = IMP_PERF;
	else if (n >= 10 && !memcmp(m, "\x17\x08\x44tracing", 10))
		*f = IMP_TRACECMD;
	else
		return -2;
	return 0;
}

/* Runs argv with stdout into a pipe (stderr to errpath); the read end. */
static FILE *spawn(char *const argv[], const char *errpath, pid_t *pid)
{
	int p[2];

	if (pipe(p))
		return NULL;
	*pid = fork();
	if (*pid < 0) {
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (*pid == 0) {
		FILE *e = fopen(errpath, "w");

		dup2(p[1], 1);
		if (e)
			dup2(fileno(e), 2);
		close(p[0]);
		close(p[1]);
		setenv("LC_ALL", "C", 1);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	return fdopen(p[0], "r");
}

/* The first line of a command's stdout that starts with `prefix`, the
 * rest of it in buf ("" when none). */
static void tool_line(char *const argv[], const char *prefix, char *buf, size_t len)
{
	pid_t pid;
	char line[512];
	FILE *f = spawn(argv, "/dev/null", &pid);

	buf[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!buf[0] && !strncmp(line, prefix, strlen(prefix))) {
			snprintf(buf, len, "%s", line + strlen(prefix));
			buf[strcspn(buf, "\n")] = 0;
		}
	fclose(f);
	waitpid(pid, NULL, 0);
}

static int fill_header(struct mmt_header *h, enum imp_format fmt, const char *in,
		       char *err, size_t errlen)
{
	struct btf *btf = btf__load_vmlinux_btf();
	char rel[128], note[256];
	int rc;

	memset(h, 0, sizeof(*h));
	rc = coll_host_fill(h, btf, err, errlen);
	btf__free(btf);
	if (rc)
		return -1;
	h->flags = MMT_HDR_NAMES;
	coll_note(h, "import.source", fmt == IMP_PERF ? "perf script (perf.data)" :
		  "trace-cmd report (trace.dat)");
	coll_note(h, "import.file", in);
	coll_note(h, "import.start_state",
		  "inferred (no snapshots): replay starts with every zone page free");
	coll_note(h, "import.host_facts",
		  "zones, gfp/migratetype names, slab caches: the importing host's");
	coll_note(h, "record.pointers",
		  "sites fnv1a(sym+0xoff); user ips keyed hash; slab objs addr-512GiB floor");
	if (fmt == IMP_PERF) {
		char *argv[] = { "perf", "report", "--header-only", "-i", (char *)in, NULL };

		tool_line(argv, "# os release : ", rel, sizeof(rel));
		if (rel[0] && strcmp(rel, h->release)) {
			snprintf(note, sizeof(note), "captured on %s, imported on %s: host facts "
				 "may not match", rel, h->release);
			coll_note(h, "import.release", note);
			fprintf(stderr, "mmtrace import: %s: %s\n", in, note);
		}
	}
	return 0;
}

/* perf's count of lost samples ("LOST events: N" in --stats). */
static uint64_t perf_lost(const char *in)
{
	char *argv[] = { "perf", "report", "--stats", "-i", (char *)in, NULL };
	char buf[64];

	tool_line(argv, "           LOST events:", buf, sizeof(buf));
	return strtoull(buf, NULL, 10);
}

struct opts {
	const char *out, *in;
	int force, have_fmt;
	enum imp_format fmt;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:F:fh", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'F':
			o->have_fmt = 1;
			if (!strcmp(optarg, "perf"))
				o->fmt = IMP_PERF;
			else if (!strcmp(optarg, "trace-cmd"))
				o->fmt = IMP_TRACECMD;
			else {
				fprintf(stderr, "mmtrace import: --format: '%s' is neither perf nor trace-cmd\n",
					optarg);
				return 2;
			}
			break;
		case 'f':
			o->force = 1;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o->out || optind != argc - 1) {
		fprintf(stderr, "mmtrace import: needs -o OUT and one CAPTURE (see --help)\n");
		return 2;
	}
	o->in = argv[optind];
	return 0;
}

/* Reads the tool's lines into the writer; progress on a terminal. */
static int convert_all(struct imp_conv *c, FILE *f, enum imp_format fmt)
{
	char *line = NULL;
	size_t cap = 0;
	time_t next = time(NULL) + 1;
	int tty = isatty(2), rc = 0;

	while (getline(&line, &cap, f) > 0) {
		struct imp_line l;

		c->line_no++;
		if (imp_split(fmt, line, &l))
			continue;	/* headers, comments, blank lines */
		if (imp_conv_line(c, &l)) {
			rc = -1;
			break;
		}
		if (tty && time(NULL) >= next) {
			fprintf(stderr, "\rmmtrace import: %llu events", (unsigned long long)c->events);
			next = time(NULL) + 1;
		}
	}
	if (tty)
		fprintf(stderr, "\r%40s\r", "");
	free(line);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	struct opts o = { 0 };
	struct mmt_header h;
	struct imp_conv c;
	char err[512], errpath[] = "/tmp/mmtrace-import-XXXXXX";
	int rc = parse_opts(argc, argv, &o), st = 0;
	pid_t pid;

	if (rc)
		return rc == 1 ? 0 : rc;
	if (!o.force && !access(o.out, F_OK)) {	/* as record: before any work */
		fprintf(stderr, "mmtrace import: %s: exists (use --force to replace it)\n",
			o.out);
		return 2;
	}
	if (!o.have_fmt && (rc = sniff(o.in, &o.fmt))) {
		fprintf(stderr, "mmtrace import: %s: %s\n", o.in, rc == -1 ? strerror(errno) :
			"offset 0: neither a perf.data nor a trace-cmd file (use --format)");
		return rc == -1 ? 1 : 3;
	}
	if (fill_header(&h, o.fmt, o.in, err, sizeof(err))) {
		fprintf(stderr, "mmtrace import: host facts: %s\n", err);
		return 1;
	}
	struct mmt_writer *w = mmt_writer_open(o.out, o.force, &h, NULL, err, sizeof(err));
	if (!w || imp_conv_init(&c, &h, w)) {
		fprintf(stderr, "mmtrace import: %s\n", w ? "out of memory" : err);
		mmt_writer_close(w, NULL);
		mmt_header_free(&h);
		return 1;
	}
	int efd = mkstemp(errpath);
	if (efd >= 0)
		close(efd);
	char *perf[] = { "perf", "script", "-i", (char *)o.in, "--ns",
			 "-F", "comm,pid,cpu,time,event,trace", NULL };
	char *tcmd[] = { "trace-cmd", "report", "-i", (char *)o.in, "-t", NULL };
	FILE *f = spawn(o.fmt == IMP_PERF ? perf : tcmd, errpath, &pid);

	rc = f ? convert_all(&c, f, o.fmt) : -1;
	if (f) {
		fclose(f);
		waitpid(pid, &st, 0);
	}
	if (o.fmt == IMP_PERF) {
		uint64_t lost = perf_lost(o.in);

		if (lost) {
			struct mmt_event e = { .ts = c.last_ts, .kind = MMT_EV_LOST, .arg = lost };

			mmt_writer_add(w, &e);
			fprintf(stderr, "mmtrace import: perf lost %llu samples while recording\n",
				(unsigned long long)lost);
		}
	}
	if (!f || !WIFEXITED(st) || WEXITSTATUS(st)) {
		char line[300] = "";
		FILE *e = fopen(errpath, "r");

		if (e && fgets(line, sizeof(line), e))
			line[strcspn(line, "\n")] = 0;
		if (e)
			fclose(e);
		fprintf(stderr, "mmtrace import: %s: %s failed%s%s\n", o.in,
			o.fmt == IMP_PERF ? "perf script" : "trace-cmd report",
			line[0] ? ": " : "", line);
		rc = -1;
	}
	unlink(errpath);
	if (c.malformed) {
		fprintf(stderr, "mmtrace import: %s: %llu events with fields that do not parse "
			"(not imported); first at output line %llu: %s\n", o.in,
			(unsigned long long)c.malformed, (unsigned long long)c.first_bad_line,
			c.first_bad);
		rc = -1;
	}
	if (mmt_writer_close_err(w, NULL, err, sizeof(err))) {
		fprintf(stderr, "mmtrace import: %s\n", err);
		rc = -1;
	}
	fprintf(stderr, "mmtrace import: wrote %s: %llu events (%llu other tracepoints, "
		"%llu kfree(NULL), %llu mm_page_free_batched skipped)\n", o.out,
		(unsigned long long)c.events, (unsigned long long)c.skipped_kinds,
		(unsigned long long)c.kfree_null, (unsigned long long)c.batched);
	imp_conv_free(&c);
	mmt_header_free(&h);
	return rc ? 1 : 0;
}
