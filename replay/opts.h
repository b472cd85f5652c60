/* SPDX-License-Identifier: MIT */
/* Private to replay/: option values that `replay` and `compare` both
 * take, parsed once so both accept and reject the same spellings. */
#ifndef REPLAY_OPTS_H
#define REPLAY_OPTS_H

#include <stdint.h>
#include "mmtrace/replay.h"

/* --mode: "policy" or "mirror".  On a bad value prints
 * "mmtrace CMD: --mode V: ..." to stderr and returns -1. */
int rp_parse_mode(const char *cmd, const char *arg,
		  enum mmt_replay_mode *mode);
/* --sample-ms: 1..86400000 ms, stored in ns.  Errors as above. */
int rp_parse_sample_ms(const char *cmd, const char *arg, uint64_t *ns);

/* mkdir -p, folders 0700: 0, or -1 with errno. */
int rp_mkdir_p(const char *dir);

/* The damage rule and exit status paragraph of replay's and compare's
 * --help. */
extern const char rp_damage_help[];

#endif
