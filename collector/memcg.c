/* SPDX-License-Identifier: MIT */
/*
 * memcg.c: where the recorder's memory cgroup stands in the walk that
 * direct reclaim makes over the cgroups (shrink_node_memcgs()).
 *
 * Direct and node reclaim walk the memory cgroups partially, from a
 * position the node's walkers share, and stop after the group where they
 * reached their goal.  When the workload's pages are in one group and the
 * groups after it in the walk hold little, every other stall finds nothing
 * at DEF_PRIORITY and reclaims 32 pages at the next priority; when there
 * is no group after it, each stall scans the workload at DEF_PRIORITY.
 * The model cannot see cgroups in the events, so the snapshots say how
 * the host was laid out (mmcore's mmc_set_memcg_walk(), traces/FORMAT.md):
 *
 *   mmtrace_memcg_depth          the recorder's group below the hierarchy's
 *                                root (0: the root); what `mmtrace record
 *                                -- CMD` runs inherits it
 *   mmtrace_memcg_after          groups after it in the walk's pre-order:
 *                                its descendants, and the later siblings
 *                                (with their subtrees) of it and of each
 *                                of its ancestors
 *   mmtrace_memcg_after_file_max the largest inactive file list (pages, the
 *                                group's own) among those groups
 *   mmtrace_memcg_groups         memory cgroups the kernel has
 *                                (/proc/cgroups), offline ones included
 *   mmtrace_memcg_visible        groups in the hierarchy's directories,
 *                                the root included
 *
 * Siblings are walked in creation order (css_next_child()), told here by
 * the directories' inode numbers (kernfs ids, handed out in increasing
 * order).  Groups already removed but still charged with pages (offline
 * memcgs) are walked by the kernel and have no directory: groups minus
 * visible counts them, where they stand in the walk is unknown.  No memory
 * controller (cgroup_disable=memory, no cgroup fs): no items.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "collector.h"

#define MEMCG_MAX_DEPTH 32		/* deeper trees are cut off there */
#define MEMCG_MAX_GROUPS 100000		/* groups looked at, at most */

struct memcg_scan {
	int v2;				/* cgroup2: memory.stat is recursive */
	uint64_t page_size;
	uint64_t after, file_max;
	uint64_t looked;
};

/* The mount point of the memory hierarchy: a v1 "cgroup" mount whose
 * options name memory, else the cgroup2 mount.  0 or -1. */
static int memcg_mount(char *dir, size_t len, int *v2)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], v1dir[1024] = "", v2dir[1024] = "";

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char mnt[1024], fstype[64], opts[1024];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (!strcmp(fstype, "cgroup") &&
		    (strstr(opts, ",memory") || !strncmp(opts, "memory", 6)))
			snprintf(v1dir, sizeof(v1dir), "%s", mnt);
		else if (!strcmp(fstype, "cgroup2") && !v2dir[0])
			snprintf(v2dir, sizeof(v2dir), "%s", mnt);
	}
	fclose(f);
	*v2 = !v1dir[0];
	snprintf(dir, len, "%s", v1dir[0] ? v1dir : v2dir);
	return dir[0] ? 0 : -1;
}

/* The recorder's path in that hierarchy, from /proc/self/cgroup ("/" for
 * the root).  0 or -1. */
static int memcg_self(int v2, char *path, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		int ours;

		if (!c2)
			continue;
		*c2 = '\0';
		if (v2) {
			ours = c1 == line + 1 && line[0] == '0' && c2 == c1 + 1;
		} else {
			/* a comma-separated controller list naming memory */
			char *ctl = c1 + 1, *save = NULL, *t;

			ours = 0;
			for (t = strtok_r(ctl, ",", &save); t && !ours;
			     t = strtok_r(NULL, ",", &save))
				ours = !strcmp(t, "memory");
		}
		if (ours) {
			c2[1 + strcspn(c2 + 1, "\n")] = '\0';
			snprintf(path, len, "%s", c2 + 1);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* inactive_file of dir's memory.stat, in pages (v1: the group's own; v2:
 * with its descendants'). */
static uint64_t stat_inactive_file(const struct memcg_scan *sc, const char *dir)
{
	char path[4200], name[64];
	unsigned long long v, bytes = 0;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/memory.stat", dir) >=
	    (int)sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%63s %llu", name, &v) == 2)
		if (!strcmp(name, "inactive_file")) {
			bytes = v;
			break;
		}
	fclose(f);
	return bytes / sc->page_size;
}

static uint64_t dir_ino(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* Counts dir's child groups (and theirs) whose inode is above min_ino
 * into the scan; returns the inactive file pages of all dir's children
 * (for the v2 parent's own share). */
static uint64_t count_subtree(struct memcg_scan *sc, const char *dir,
			      uint64_t min_ino, int depth);

/* One group counted as walked after the recorder's. */
static void count_group(struct memcg_scan *sc, const char *dir, int depth)
{
	uint64_t file = stat_inactive_file(sc, dir);
	uint64_t children = count_subtree(sc, dir, 0, depth + 1);
	uint64_t own = sc->v2 ? (file > children ? file - children : 0) : file;

	sc->after++;
	if (own > sc->file_max)
		sc->file_max = own;
}

static uint64_t count_subtree(struct memcg_scan *sc, const char *dir,
			      uint64_t min_ino, int depth)
{
	DIR *d;
	struct dirent *e;
	uint64_t sum = 0;

	if (depth > MEMCG_MAX_DEPTH || !(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)) && sc->looked < MEMCG_MAX_GROUPS) {
		char sub[4200];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(sub))
			continue;
		sc->looked++;
		if (sc->v2)
			sum += stat_inactive_file(sc, sub);
		if (dir_ino(sub) > min_ino)
			count_group(sc, sub, depth);
	}
	closedir(d);
	return sum;
}

/* num_cgroups of the memory controller in /proc/cgroups; 0 if unknown. */
static uint64_t memcg_groups(void)
{
	FILE *f = fopen("/proc/cgroups", "re");
	char line[256], name[64];
	unsigned long long hier, num = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu %llu", name, &hier, &num) == 3 &&
		    !strcmp(name, "memory"))
			break;
		else
			num = 0;
	fclose(f);
	return num;
}

void coll_memcg_items(struct mmt_snapshot *s)
{
	struct memcg_scan sc = { 0 };
	char root[1024], self[2048], dir[4200];
	long ps = sysconf(_SC_PAGESIZE);
	int depth = 0;

	sc.page_size = ps > 0 ? (uint64_t)ps : 4096;
	if (memcg_mount(root, sizeof(root), &sc.v2) < 0 ||
	    memcg_self(sc.v2, self, sizeof(self)) < 0)
		return;
	if (snprintf(dir, sizeof(dir), "%s%s", root,
		     strcmp(self, "/") ? self : "") >= (int)sizeof(dir) ||
	    access(dir, F_OK) != 0)
		return;		/* another namespace's path: cannot place it */
	for (const char *p = self; *p; p++)
		depth += *p == '/' && p[1] != '\0';
	/* its descendants, then each level's later siblings, up to the root */
	(void)count_subtree(&sc, dir, 0, 0);
	for (int up = 0; up < depth && up < MEMCG_MAX_DEPTH; up++) {
		char *slash = strrchr(dir, '/');
		uint64_t ino = dir_ino(dir);

		if (!slash || slash == dir)
			break;
		*slash = '\0';
		(void)count_subtree(&sc, dir, ino, 0);
	}
	uint64_t after = sc.after, file_max = sc.file_max;

	/* every group: the hierarchy's root and all below it */
	sc.after = 0;
	sc.looked = 0;
	(void)count_subtree(&sc, root, 0, 0);
	if (coll_snapshot_item(s, "mmtrace_memcg_depth", (uint64_t)depth) ||
	    coll_snapshot_item(s, "mmtrace_memcg_after", after) ||
	    coll_snapshot_item(s, "mmtrace_memcg_after_file_max", file_max) ||
	    coll_snapshot_item(s, "mmtrace_memcg_groups", memcg_groups()))
		return;
	(void)coll_snapshot_item(s, "mmtrace_memcg_visible", sc.after + 1);
}
