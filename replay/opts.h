/* SPDX-License-Identifier: MIT */
/* Private to replay/: option values that `replay`, `compare` and `sweep`
 * take, parsed once so all accept and reject the same spellings. */
#ifndef REPLAY_OPTS_H
#define REPLAY_OPTS_H

#include <stdint.h>
#include "mmtrace/replay.h"

/* --mode: "policy" or "mirror".  On a bad value prints
 * "mmtrace CMD: --mode V: ..." to stderr and returns -1. */
int rp_parse_mode(const char *cmd, const char *arg,
		  enum mmt_replay_mode *mode);
/* --start: "snapshot" or "inferred".  Errors as above. */
int rp_parse_start(const char *cmd, const char *arg,
		   enum mmt_replay_start *start);
/* --sample-ms: 1..86400000 ms, stored in ns.  Errors as above. */
int rp_parse_sample_ms(const char *cmd, const char *arg, uint64_t *ns);

/* mkdir -p (folders 0777 less the umask): 0, or -1 with errno. */
int rp_mkdir_p(const char *dir);

/* The damage rule and exit status paragraph of replay's and compare's
 * --help. */
extern const char rp_damage_help[];

/* A policy: NAME:vm.X=V[,vm.Y=W] (compare's and sweep's --policy). */
#define RP_MAX_SETS 32
struct rp_policy {
	char name[64];			/* a run folder: letters, digits, _.-+ */
	char settings[512];		/* as given after ':' */
	char *sets[RP_MAX_SETS];	/* "vm.X=V", pointing into buf */
	unsigned nr_sets;
	char buf[512];
};
/* Parses arg into p and checks every setting against mmcore's sysctls
 * (unknown names, values out of range), before anything runs.  On error
 * prints "mmtrace CMD: ..." to stderr and returns -1. */
int rp_parse_policy(const char *cmd, struct rp_policy *p, const char *arg);
/* Writes DIR/policies.tsv for the report: index, name, colour, settings
 * ("host" when empty), in the order given.  0, or -1 with errno set. */
int rp_write_policies(const char *dir, const struct rp_policy *const *p,
		      unsigned n);

#endif
