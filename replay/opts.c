/* SPDX-License-Identifier: MIT */
/* Option values shared by `mmtrace replay` and `mmtrace compare`. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "opts.h"

int rp_parse_mode(const char *cmd, const char *arg,
		  enum mmt_replay_mode *mode)
{
	if (!strcmp(arg, "mirror")) {
		*mode = MMT_REPLAY_MIRROR;
	} else if (!strcmp(arg, "policy")) {
		*mode = MMT_REPLAY_POLICY;
	} else {
		fprintf(stderr, "mmtrace %s: --mode %s: expected mirror or "
			"policy\n", cmd, arg);
		return -1;
	}
	return 0;
}

int rp_parse_sample_ms(const char *cmd, const char *arg, uint64_t *ns)
{
	char *end;
	unsigned long long ms = strtoull(arg, &end, 10);

	if (*end || !*arg || !ms || ms > 86400000ull) {
		fprintf(stderr, "mmtrace %s: --sample-ms %s: expected "
			"1..86400000\n", cmd, arg);
		return -1;
	}
	*ns = ms * 1000000ull;
	return 0;
}

int rp_mkdir_p(const char *dir)
{
	char buf[4096];
	size_t n = strlen(dir);

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

const char rp_damage_help[] =
	"Damage (traces/FORMAT.md): a truncated TRACE replays up to its last\n"
	"whole block; a damaged block is skipped and its events count as lost,\n"
	"as LOST records do (mirror attributes the pages they touch to 'lost').\n"
	"Each is one line on stderr and in summary.json (stopped_early,\n"
	"trace_damage).  A damaged end snapshot leaves the mirror check undone\n"
	"(never an agreement against a state the replay did not reach).  A\n"
	"damaged start snapshot, or no readable event, is refused: nothing is\n"
	"replayed or written.\n"
	"Exit status: 0 ok; 1 runtime error (TRACE unreadable, DIR not\n"
	"writable, out of memory); 2 bad option (also DIR not empty without\n"
	"--force); 3 TRACE truncated or damaged (the rest was replayed and\n"
	"written), or not replayable (not a trace, start snapshot damaged, no\n"
	"events).\n";
