/* SPDX-License-Identifier: MIT */
/* Option values shared by `mmtrace replay` and `mmtrace compare`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
