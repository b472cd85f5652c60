/* SPDX-License-Identifier: MIT */
/*
 * Process names for the trace's names table: the command of every pid an
 * event carries, written once (again only when it changes: exec, rename,
 * pid reuse).
 *
 * A name read from /proc when a pid is first seen would often be gone:
 * the loader sees events 20-70 ms late, and short-lived processes (a
 * compiler's cc1, a shell's children) have exited by then.  So names come
 * from the kernel when they are given: the BPF side sends the name of
 * every new process (task:task_newtask, the parent's name) and every
 * rename (task:task_rename: exec and prctl), in order with the events;
 * processes that existed before the start are read from /proc once, after
 * the programs run.  /proc/PID/comm at first sight is the last resort.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collector.h"

struct comm_ent {
	uint32_t pid;
	uint8_t used;
	uint8_t written;	/* the current name is in the trace */
	char comm[COLL_COMM_LEN];
};

struct coll_comms {
	struct comm_ent *v;
	size_t cap, n;		/* cap: power of two */
};

static size_t slot_of(uint32_t pid, size_t cap)
{
	return (size_t)((pid * 0x9e3779b1u) & (cap - 1));
}

struct coll_comms *coll_comms_new(void)
{
	struct coll_comms *c = calloc(1, sizeof(*c));

	if (c && !(c->v = calloc(c->cap = 4096, sizeof(*c->v)))) {
		free(c);
		return NULL;
	}
	return c;
}

void coll_comms_free(struct coll_comms *c)
{
	if (!c)
		return;
	free(c->v);
	free(c);
}

static struct comm_ent *find(struct coll_comms *c, uint32_t pid, int create);

static int grow(struct coll_comms *c)
{
	struct coll_comms n = { calloc(c->cap * 2, sizeof(*c->v)), c->cap * 2, 0 };

	if (!n.v)
		return -1;
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i].used)
			*find(&n, c->v[i].pid, 1) = c->v[i];
	free(c->v);
	*c = n;
	return 0;
}

/* Linear probing; entries are never removed (pids are reused in place). */
static struct comm_ent *find(struct coll_comms *c, uint32_t pid, int create)
{
	size_t i = slot_of(pid, c->cap);

	while (c->v[i].used) {
		if (c->v[i].pid == pid)
			return &c->v[i];
		i = (i + 1) & (c->cap - 1);
	}
	if (!create)
		return NULL;
	if ((c->n + 1) * 2 > c->cap) {
		if (grow(c))
			return NULL;
		return find(c, pid, 1);
	}
	c->v[i].used = 1;
	c->v[i].pid = pid;
	c->n++;
	return &c->v[i];
}

static void set_name(struct comm_ent *e, const char *comm, size_t len)
{
	char buf[COLL_COMM_LEN];
	size_t n = strnlen(comm, len < sizeof(buf) - 1 ? len : sizeof(buf) - 1);

	memcpy(buf, comm, n);
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	if (!n || !strcmp(buf, e->comm))
		return;
	memcpy(e->comm, buf, n + 1);
	e->written = 0;
}

void coll_comms_set(struct coll_comms *c, uint32_t pid, const char *comm,
		    size_t len)
{
	struct comm_ent *e = find(c, pid, 1);

	if (e)
		set_name(e, comm, len);
}

static int read_comm(uint32_t pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	return coll_read_file(path, buf, len) > 0 ? 0 : -1;
}

void coll_comms_scan(struct coll_comms *c)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char buf[64];

	/* The idle task has no /proc entry; perf names it the same way. */
	coll_comms_set(c, 0, "swapper", 7);
	while (d && (de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid > UINT32_MAX)
			continue;
		if (!read_comm((uint32_t)pid, buf, sizeof(buf)))
			coll_comms_set(c, (uint32_t)pid, buf, sizeof(buf));
	}
	if (d)
		closedir(d);
}

int coll_comms_pending(struct coll_comms *c, uint32_t pid)
{
	struct comm_ent *e = find(c, pid, 0);

	return !e || !e->written;
}

int coll_comms_note(struct coll_comms *c, uint32_t pid, uint64_t ts,
		    struct mmt_writer *w)
{
	struct comm_ent *e = find(c, pid, 0);
	char buf[64];

	if (!e) {
		/* Neither at the start nor forked since (a name record was
		 * lost, or a pid namespace hid it): ask /proc now. */
		e = find(c, pid, 1);
		if (!e)
			return 0;
		if (!read_comm(pid, buf, sizeof(buf)))
			set_name(e, buf, sizeof(buf));
		else
			e->written = 1;	/* gone: nothing to name it by */
	}
	if (e->written)
		return 0;
	e->written = 1;
	return mmt_writer_add_comm(w, pid, ts, e->comm);
}
