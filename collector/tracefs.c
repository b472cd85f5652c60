/* SPDX-License-Identifier: MIT */
/*
 * Where tracefs is, mounting it when it is not.
 *
 * Fresh machines often boot without tracefs mounted (no systemd
 * sys-kernel-tracing.mount, or a minimal container init).  The raw_tp and
 * tp_btf programs do not need it, but the classic tracepoints (reclaim,
 * compaction, extfrag, filemap) are probed and attached through it, and a
 * kernel without BTF has its gfp layout only in a tracefs format file.  As
 * root we mount it where the kernel expects it (it stays mounted, as perf
 * leaves it): everything that reads tracefs goes through here, so nothing
 * depends on an earlier run having mounted it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "collector.h"

static const char *const roots[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",	/* debugfs, kernels before 4.1 */
};

static const char *mounted_root(void)
{
	char path[64];

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events", roots[i]);
		if (!access(path, F_OK))
			return roots[i];
	}
	return NULL;
}

const char *coll_tracefs(int *mounted_now, char *why, size_t whylen)
{
	const char *root = mounted_root();

	if (mounted_now)
		*mounted_now = 0;
	if (root)
		return root;
	if (geteuid() != 0) {
		snprintf(why, whylen, "tracefs is not mounted and only root can "
			 "mount it");
		return NULL;
	}
	if (mount("nodev", roots[0], "tracefs", 0, NULL)) {
		snprintf(why, whylen, "tracefs is not mounted and mounting it at "
			 "%s failed: %s", roots[0], strerror(errno));
		return NULL;
	}
	root = mounted_root();
	if (!root) {
		snprintf(why, whylen, "tracefs mounted at %s has no events/ "
			 "directory", roots[0]);
		return NULL;
	}
	if (mounted_now)
		*mounted_now = 1;
	return root;
}
