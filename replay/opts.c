/* SPDX-License-Identifier: MIT */
/* Option values and helpers shared by `mmtrace replay`, `compare` and
 * `sweep`. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mmcore.h"
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

int rp_parse_start(const char *cmd, const char *arg,
		   enum mmt_replay_start *start)
{
	if (!strcmp(arg, "snapshot")) {
		*start = MMT_START_SNAPSHOT;
	} else if (!strcmp(arg, "inferred")) {
		*start = MMT_START_INFERRED;
	} else {
		fprintf(stderr, "mmtrace %s: --start %s: expected snapshot or "
			"inferred\n", cmd, arg);
		return -1;
	}
	return 0;
}

int mmt_replay_parse_memcg_walk(const char *cmd, const char *arg,
				enum mmt_memcg_walk *walk)
{
	if (!strcmp(arg, "auto")) {
		*walk = MMT_MEMCG_WALK_AUTO;
	} else if (!strcmp(arg, "whole")) {
		*walk = MMT_MEMCG_WALK_WHOLE;
	} else if (!strcmp(arg, "partial")) {
		*walk = MMT_MEMCG_WALK_PARTIAL;
	} else {
		fprintf(stderr, "mmtrace %s: --memcg-walk %s: expected auto, "
			"whole or partial\n", cmd, arg);
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
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
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

/* Catch unknown sysctls and bad values before anything runs. */
static int check_policy(const char *cmd, const struct rp_policy *p)
{
	struct mmc_policy pol;
	char err[256];

	mmc_policy_defaults(&pol);
	for (unsigned i = 0; i < p->nr_sets; i++) {
		char name[128];
		const char *eq = strchr(p->sets[i], '=');
		size_t nl = eq ? (size_t)(eq - p->sets[i]) : 0;

		if (!eq || !nl || nl >= sizeof(name)) {
			fprintf(stderr, "mmtrace %s: policy %s: '%s': expected "
				"vm.NAME=VALUE\n", cmd, p->name, p->sets[i]);
			return -1;
		}
		memcpy(name, p->sets[i], nl);
		name[nl] = '\0';
		if (mmc_policy_set(&pol, name, eq + 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "mmtrace %s: policy %s: %s\n", cmd,
				p->name, err);
			return -1;
		}
	}
	return 0;
}

int rp_parse_policy(const char *cmd, struct rp_policy *p, const char *arg)
{
	const char *colon = strchr(arg, ':');
	size_t nl = colon ? (size_t)(colon - arg) : strlen(arg);
	char *s, *save = NULL;

	memset(p, 0, sizeof(*p));
	if (!nl || nl >= sizeof(p->name)) {
		fprintf(stderr, "mmtrace %s: --policy %s: expected "
			"NAME:vm.X=V[,vm.Y=W]\n", cmd, arg);
		return -1;
	}
	memcpy(p->name, arg, nl);
	p->name[nl] = '\0';
	for (size_t i = 0; i < nl; i++)
		if (!isalnum((unsigned char)p->name[i]) &&
		    !strchr("_.-+", p->name[i])) {
			fprintf(stderr, "mmtrace %s: --policy %s: name may hold "
				"only letters, digits and _.-+\n", cmd, arg);
			return -1;
		}
	if (p->name[0] == '.') {
		fprintf(stderr, "mmtrace %s: --policy %s: bad name\n", cmd, arg);
		return -1;
	}
	if (colon && strlen(colon + 1) >= sizeof(p->settings)) {
		fprintf(stderr, "mmtrace %s: --policy %s: settings longer than "
			"%zu bytes\n", cmd, arg, sizeof(p->settings) - 1);
		return -1;
	}
	snprintf(p->settings, sizeof(p->settings), "%s", colon ? colon + 1 : "");
	snprintf(p->buf, sizeof(p->buf), "%s", p->settings);
	for (s = strtok_r(p->buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (p->nr_sets == RP_MAX_SETS) {
			fprintf(stderr, "mmtrace %s: --policy %s: more than %d "
				"settings\n", cmd, arg, RP_MAX_SETS);
			return -1;
		}
		p->sets[p->nr_sets++] = s;
	}
	return check_policy(cmd, p);
}

int rp_write_policies(const char *dir, const struct rp_policy *const *p,
		      unsigned n)
{
	char path[4096];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/policies.tsv", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	fputs("index\tname\tcolour\tsettings\n", f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%u\t%s\t%u\t%s\n", i, p[i]->name, i % 8,
			*p[i]->settings ? p[i]->settings : "host");
	return fclose(f);
}
